// tapekey/audit_log.h: the tamper-evident key-use log (docs/spec/audit-log.md).
//
// Every use of a tape key leaves one line in HOME/log/keyuse.log: a
// canonical JSON entry chained to the previous one by its SHA-256 and
// authenticated by an HMAC under a key that evolves forward after every
// entry (the old one is overwritten), so an intruder who takes the server
// later cannot change, remove or move earlier entries without the auditor
// noticing. Outside checkpoints catch truncation and rollback.
//
// For callers (init, ceremony, restore, keys, drive commands):
//
//   tapekey::KeyUseLog log(home, "drive load");
//   log.require_writable();                 // fail-closed preflight, before acting
//   ... load the key ...
//   if (auto e = log.record("drive.load", {{"device", dev}, {"generation", id}}))
//       print_warning(e->what());           // only when log.fail_closed is false
//
// THE FIELD CONTRACT: fields are names (a-z 0-9 _) and text values that
// identify things: generation ids, serial numbers, share indexes, bag
// serials, commitments, reasons. Never key material, never a key check
// value, never a share, never a passphrase: the log is not secret.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapekey/error.h"
#include "tapekey/home.h"
#include "tapekey/random.h"
#include "tapekey/secret.h"

namespace tapekey {

using LogField = std::pair<std::string, std::string>;
using LogFields = std::vector<LogField>;

// One entry as read from the log (spec section 4.1).
struct LogEntry {
    std::uint64_t seq = 0;
    std::string time;  // "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (UTC)
    std::string host;
    std::string user;
    std::string command;
    std::string event;
    LogFields fields;
    std::array<std::uint8_t, 32> prev{};
    std::array<std::uint8_t, 32> mac{};
    std::uint64_t offset = 0;  // byte offset of its line in the file
    // The value of field `name`, or nullptr when the entry has none.
    const std::string* field(std::string_view name) const noexcept {
        for (const auto& [n, v] : fields) {
            if (n == name) {
                return &v;
            }
        }
        return nullptr;
    }
};

class KeyUseLog {
public:
    // Creates HOME/log/ (0700), the empty log, the key state (mac.key) and
    // the pending auditor key HOME/log/auditor.key (0600), then appends
    // entry 0 (`log.create`, written by `command`). Returns k_0, the
    // auditor's key, for the caller to seal into the recovery bundle.
    // Refuses (Errc::exists) when a log already exists. The caller appends
    // its own event (e.g. `init`) afterwards with a KeyUseLog.
    static SecretBytes create(const Home& home, Rng& rng, std::string_view command = "init");

    // Opens the log of an initialised home for one command: reads the
    // settings (HOME/config, log.forward and log.fail_closed) and captures
    // the host, the user and the command name. Touches nothing else.
    KeyUseLog(const Home& home, std::string command);

    // Fail-closed preflight (spec section 11). With log.fail_closed = true,
    // throws Error naming the log and the cause when an append cannot
    // succeed now: the log or its key state cannot be opened for writing,
    // the file system is read-only or has less than 64 KiB free, or the
    // file-size limit is reached. A no-op when log.fail_closed is false.
    void require_writable() const;

    // Appends one entry and makes it durable (fdatasync) before returning
    // its sequence number. Throws Error on any failure, whatever the
    // settings; nothing is written then (a partial write is undone).
    std::uint64_t append(std::string_view event, const LogFields& fields);

    // The call for commands: appends like append(). On failure it throws
    // when log.fail_closed is true, and otherwise returns the error for the
    // caller to print as a warning (the command goes on).
    [[nodiscard]] std::optional<Error> record(std::string_view event, const LogFields& fields);

    bool fail_closed() const noexcept { return m_fail_closed; }
    const std::filesystem::path& path() const noexcept { return m_log; }

private:
    std::filesystem::path m_log;
    std::filesystem::path m_key;
    std::string m_host;
    std::string m_user;
    std::string m_command;
    std::string m_forward;  // none | syslog | journal
    bool m_fail_closed = false;
};

// The first problem verify found: the entry position it concerns (the
// entry that should be there), its line (from 1) and byte offset, and what
// is wrong, e.g. "mac does not match".
struct LogProblem {
    std::uint64_t entry = 0;
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
    std::string what;
    // "keyuse.log entry 17 (line 18, byte 5610): mac does not match"
    std::string message(std::string_view file) const;
};

struct LogReport {
    std::uint64_t entries = 0;      // valid entries before the first problem
    bool macs_checked = false;      // an auditor key was given
    bool checkpoint_checked = false;
    std::string first_time;
    std::string last_time;
    std::string checkpoint;         // of the valid entries ("" when none)
    std::vector<std::string> notes; // acknowledged torn tails
    std::optional<LogProblem> problem;
    std::string problem_hint;       // what to do about the problem

    bool ok() const noexcept { return !problem; }
};

// Verifies the log at `log` (spec section 12): canonical form, sequence,
// hash chain and, given the auditor key k_0, every MAC with the key of its
// position; given a checkpoint line, that the log extends it. A "no" is a
// report with a problem; throws only when the file cannot be read or the
// checkpoint line is malformed (Errc::bad_format).
[[nodiscard]] LogReport verify_log(const std::filesystem::path& log, const SecretBytes* auditor_key = nullptr,
                                   std::optional<std::string_view> checkpoint = std::nullopt);

// The checkpoint line of the log as it stands ("tapekey-log ORIGIN SIZE
// HASH", spec section 8). Verifies the chain first and throws
// Error(Errc::integrity) with the problem if it is broken.
std::string log_checkpoint(const std::filesystem::path& log);

// Calls `visit` for every entry in order. Throws Error(Errc::bad_format)
// naming the line at the first line that is not an entry (torn tails
// included); it checks form, not the chain or MACs (that is verify_log).
void read_log(const std::filesystem::path& log, const std::function<void(const LogEntry&)>& visit);

// The entry as its line in the log (canonical JSON, without the line
// feed), e.g. for `tapekey log show --json`.
std::string log_entry_line(const LogEntry& entry);

// One cartridge of an exposure list: the loads of one generation for one
// volume, from the key-use log.
struct VolumeUse {
    std::string volume;
    std::string first;                       // time of the first load (entry time, UTC)
    std::string last;                        // time of the last load
    std::uint64_t loads = 0;
    std::vector<std::string> drive_serials;  // distinct, in order of first use
};

// Which cartridges a generation touched, for a compromise response
// (`tapekey keys cartridges`).
struct GenerationExposure {
    std::string generation;            // the id as the log writes it
    std::vector<VolumeUse> written;    // loaded for writing (encrypt mode) at least once
    std::vector<VolumeUse> read_only;  // loaded, but only for reading (or where writes were in clear)
    // The Alert Command found the drive's key changed after a load of this
    // generation while the volume stayed mounted (drive.check
    // result=changed): what was appended meanwhile may be in clear. The
    // times and counts are of those checks.
    std::vector<VolumeUse> key_lost;
    std::uint64_t unnamed_loads = 0;   // loads of the generation with no volume recorded
    std::uint64_t entries = 0;         // entries verified and read
    std::string checkpoint;            // of the verified log
};

// Verifies the log's hash chain first (verify_log) and throws
// Error(Errc::integrity) naming the first bad entry if it is broken; then
// reads every `drive.load` entry of `generation` (its full id, grouped or
// not, or a unique prefix of at least four characters of an id the log
// names). A load counts as writing when its `encryption` is `encrypt` and
// its `writes_encrypted` is not `no` (an LTO-3 cartridge took the key but
// was written in clear). `key_lost` comes from the `drive.check` entries
// with result=changed that name the generation. Volumes are listed in the
// order of their first load. Throws Error(not_found) when the log names no such generation,
// Error(usage) when a prefix names more than one.
GenerationExposure generation_exposure(const std::filesystem::path& log, std::string_view generation);

// HOME/log/auditor.key: the pending auditor key (spec section 6.2).
std::filesystem::path auditor_key_file(const Home& home);
// HOME/log/auditor.sealed: the auditor key sealed to the escrow key, the
// copy every recovery bundle carries (recovery-bundle.md section 2).
std::filesystem::path auditor_sealed_file(const Home& home);

// Removes the pending auditor key once it is both sealed and exported (the
// log records the export): from then on the only copies are the auditor's
// and the sealed one, so whoever takes the server later cannot recompute
// the MAC keys of past entries (spec section 6.2). Returns whether it did.
bool retire_auditor_key(const Home& home);

// Reads an auditor key file (spec section 6.2) into k_0.
SecretBytes read_auditor_key(const std::filesystem::path& file);

// Writes the pending auditor key of the home to `out` (0600, never over an
// existing file), appends `log.auditor_key_export`, and retires the pending
// key if it is sealed already. Refuses (Errc::state) when the log shows an
// earlier export.
void export_auditor_key(const Home& home, const std::filesystem::path& out);

}  // namespace tapekey
