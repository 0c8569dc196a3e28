// audit/verifier.h: incremental verification of a key-use log
// (docs/spec/audit-log.md section 12), private. verify_log() streams the
// file through it; the mutation test resumes it from saved states so each
// of a million mutated logs is checked from the entry that was changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/chain.h"
#include "audit/entry.h"
#include "tapekey/audit_log.h"

namespace tapekey::detail::audit {

inline constexpr std::size_t max_sealed_line = 4 * max_line;

// One line that is an entry, possibly after a sealed torn fragment.
struct Line {
    RawEntry raw;
    std::size_t start = 0;  // where the entry starts in the line (0 unless sealed)
};

// Parses a line (without its line feed) that begins at byte `offset` of the
// file: an entry, or a sealed fragment followed by its log.torn_tail entry
// (section 7.3). Returns what is wrong, or nullopt.
std::optional<std::string> parse_log_line(std::string_view line, std::uint64_t offset, Chain& chain, Line& out);

struct VerifyState {
    std::uint64_t entry = 0;   // position of the next entry
    std::uint64_t line = 1;    // its line number
    std::uint64_t offset = 0;  // its byte offset
    Hash prev{};               // E of the entry before it
    bool prev_known = true;    // false: a chunk of a parallel check, which
    std::optional<Hash> first_prev;  // records its first entry's prev instead
    SecretBytes key;           // its key k_entry (empty without the auditor key)
    std::string origin;
    std::string first_time;
    std::string last_time;
    std::vector<std::string> notes;

    VerifyState clone() const;
};

class Verifier {
public:
    // From the start of the log; auditor_key may be null.
    explicit Verifier(const SecretBytes* auditor_key);
    // From a state saved by state().clone().
    explicit Verifier(VerifyState from);

    // Verifies the complete lines at the start of `text`, which begins at
    // state().offset. Returns the bytes consumed; stops at the first
    // problem. With at_eof, `text` is the rest of the file and bytes left
    // without a line feed are a torn tail.
    std::size_t feed(std::string_view text, bool at_eof);

    bool failed() const noexcept { return m_problem.has_value(); }
    bool with_key() const noexcept { return m_with_key; }
    const VerifyState& state() const noexcept { return m_state; }
    const std::optional<LogProblem>& problem() const noexcept { return m_problem; }

    // Checks the log against a checkpoint line while it is fed (call before
    // feeding). Throws Error(Errc::bad_format) when the line is malformed.
    void expect_checkpoint(std::string_view line);

    // The report once the whole file was fed.
    LogReport report();

    // Verifies `text`, the whole log, with `threads` threads (section 12
    // allows it: k_i follows from k_0 alone, and each entry is checked
    // alone but for its prev, which is compared where the chunks meet).
    // Gives the same report as feeding it to one verifier.
    static LogReport parallel(std::string_view text, const SecretBytes* auditor_key,
                              std::optional<std::string_view> checkpoint, unsigned threads);

private:
    bool check_line(std::string_view line);
    bool fail(std::string what, std::string hint);

    struct Expected {
        std::string origin;
        std::uint64_t size = 0;
        std::string hash;  // normalised: 32 base-32 characters, upper case
    };

    VerifyState m_state;
    std::optional<Expected> m_checkpoint;
    bool m_with_key = false;
    Chain m_chain;
    Line m_line;  // reused: a RawEntry is 2 KiB of views, too much to clear per line
    std::optional<LogProblem> m_problem;
    std::string m_hint;
};

// "tapekey-log ORIGIN SIZE HASH" for a log of `size` entries whose last
// entry hash is `last` (section 8).
std::string checkpoint_line(std::string_view origin, std::uint64_t size, const Hash& last);

}  // namespace tapekey::detail::audit
