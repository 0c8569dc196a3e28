// Verification of the key-use log: docs/spec/audit-log.md sections 7.3, 8
// and 12.
#include "audit/verifier.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <thread>

#include "base32.h"
#include "tapekey/error.h"

namespace tapekey::detail::audit {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

constexpr std::size_t checkpoint_hash_bytes = 20;

std::string hash_text(const Hash& h) {
    return base32_encode(std::span<const std::uint8_t>(h.data(), checkpoint_hash_bytes));
}

// Upper case, O read as 0, I and L as 1, dashes dropped (as for shares).
std::string normalise_hash(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '-') {
            continue;
        }
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        c = c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c;
        out += c;
    }
    return out;
}

const std::string hint_changed =
    "the log was altered after it was written; keep this copy as evidence, and compare it with forwarded "
    "copies (syslog, journal) and the last checkpoint";

}  // namespace

std::string checkpoint_line(std::string_view origin, std::uint64_t size, const Hash& last) {
    return "tapekey-log " + std::string(origin) + " " + std::to_string(size) + " " + group(hash_text(last), 4, '-');
}

std::optional<std::string> parse_log_line(std::string_view line, std::uint64_t offset, Chain& chain, Line& out) {
    out.start = 0;
    if (line.size() < max_line) {
        auto error = parse_line(line, out.raw);
        if (!error) {
            return std::nullopt;
        }
        // A sealed fragment (section 7.3): FRAGMENT then a log.torn_tail entry.
        const std::size_t q = line.rfind("{\"v\":1,\"seq\":");
        if (q == std::string_view::npos || q == 0 || line.size() - q >= max_line ||
            parse_line(line.substr(q), out.raw) || out.raw.event != "log.torn_tail") {
            return error;
        }
        out.start = q;
    } else {
        const std::size_t q = line.rfind("{\"v\":1,\"seq\":");
        if (line.size() > max_sealed_line || q == std::string_view::npos || line.size() - q >= max_line ||
            parse_line(line.substr(q), out.raw) || out.raw.event != "log.torn_tail") {
            return "line longer than " + std::to_string(max_line - 1) + " bytes";
        }
        out.start = q;
    }
    const auto fragment = line.substr(0, out.start);
    const bool names_it = field(out.raw, "offset") == std::to_string(offset) &&
                          field(out.raw, "length") == std::to_string(fragment.size()) &&
                          field(out.raw, "sha256") == hex(chain.entry_hash(bytes(fragment)));
    if (!names_it) {
        return "torn fragment of " + std::to_string(fragment.size()) +
               " bytes before a log.torn_tail entry that does not name it";
    }
    return std::nullopt;
}

VerifyState VerifyState::clone() const {
    VerifyState s;
    s.entry = entry;
    s.line = line;
    s.offset = offset;
    s.prev = prev;
    s.prev_known = prev_known;
    s.first_prev = first_prev;
    s.key = key.clone();
    s.origin = origin;
    s.first_time = first_time;
    s.last_time = last_time;
    s.notes = notes;
    return s;
}

Verifier::Verifier(const SecretBytes* auditor_key) {
    if (auditor_key != nullptr) {
        if (auditor_key->size() != key_length) {
            throw Error(Errc::bad_format, "the auditor key has " + std::to_string(auditor_key->size()) +
                                              " bytes, a key-use log key has 32");
        }
        m_state.key = auditor_key->clone();
        m_with_key = true;
    }
}

Verifier::Verifier(VerifyState from) : m_state(std::move(from)), m_with_key(!m_state.key.empty()) {}

void Verifier::expect_checkpoint(std::string_view text) {
    const auto bad = [&](const std::string& what) {
        return Error(Errc::bad_format, "checkpoint: " + what,
                     "give the whole line as `tapekey log checkpoint` printed it, e.g. "
                     "'tapekey-log HOST 1234 XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX'");
    };
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
            ++i;
        }
        if (i > start) {
            words.push_back(text.substr(start, i - start));
        }
    }
    if (words.size() != 4 || words[0] != "tapekey-log") {
        throw bad("expected four words, 'tapekey-log ORIGIN SIZE HASH'");
    }
    Expected e;
    e.origin = std::string(words[1]);
    if (words[2].empty() || words[2].size() > 19 ||
        !std::all_of(words[2].begin(), words[2].end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw bad("size '" + std::string(words[2]) + "' is not a number");
    }
    e.size = std::stoull(std::string(words[2]));
    if (e.size == 0) {
        throw bad("size 0: every log has at least its first entry");
    }
    e.hash = normalise_hash(words[3]);
    const bool alphabet = std::all_of(e.hash.begin(), e.hash.end(), [](char c) { return base32_value(c) >= 0; });
    if (e.hash.size() != base32_length(checkpoint_hash_bytes) || !alphabet) {
        throw bad("the hash must be 32 characters of the base-32 alphabet (8 groups of 4)");
    }
    m_checkpoint = std::move(e);
}

bool Verifier::fail(std::string what, std::string hint) {
    m_problem = LogProblem{m_state.entry, m_state.line, m_state.offset, std::move(what)};
    m_hint = std::move(hint);
    return false;
}

bool Verifier::check_line(std::string_view text) {
    Line& line = m_line;
    if (auto error = parse_log_line(text, m_state.offset, m_chain, line)) {
        return fail("not a valid entry: " + *error, hint_changed);
    }
    const RawEntry& e = line.raw;
    if (line.start != 0) {
        m_state.notes.push_back("torn line at byte " + std::to_string(m_state.offset) + " (" +
                                std::to_string(line.start) + " bytes) sealed by entry " + std::to_string(e.seq));
    }
    if (e.seq != m_state.entry) {
        return fail("has sequence number " + std::to_string(e.seq) + ": an entry is missing, repeated or moved here",
                    hint_changed);
    }
    if (!m_state.prev_known) {
        m_state.first_prev = e.prev;  // compared by parallel() with the chunk before
        m_state.prev_known = true;
    } else if (e.prev != m_state.prev) {
        return fail(m_state.entry == 0 ? "prev is not zero in the first entry"
                                       : "prev does not match the hash of entry " + std::to_string(m_state.entry - 1) +
                                             ": that entry or this one was changed",
                    hint_changed);
    }
    if ((m_state.entry == 0) != (e.event == "log.create")) {
        return fail(m_state.entry == 0 ? "the first entry is not log.create: the start of the log is missing"
                                       : "a log.create entry in the middle of the log",
                    hint_changed);
    }
    const auto entry_text = text.substr(line.start);
    const Hash h = m_chain.entry_hash(bytes(entry_text.substr(0, e.body_length)));
    if (m_with_key) {
        auto key = m_state.key.expose();
        const Hash mac = m_chain.mac(key, e.seq, h);
        if (!ct_equal(mac, e.mac)) {
            return fail("mac does not match",
                        "the entry was changed after it was written, or this auditor key belongs to another log "
                        "(check the origin in its first line)");
        }
        m_chain.evolve(key);
    }
    if (m_state.entry == 0) {
        m_state.origin = field(e, "origin").value_or(std::string(e.host));
        m_state.first_time = std::string(e.time);
    }
    m_state.last_time.assign(e.time);  // reuses its buffer: no allocation per entry
    m_state.prev = h;
    if (m_checkpoint && m_checkpoint->size == m_state.entry + 1) {
        // A chunk of a parallel check does not know the origin; parallel()
        // compares it.
        if (!m_state.origin.empty() && m_checkpoint->origin != m_state.origin) {
            return fail("the checkpoint is of log '" + m_checkpoint->origin + "', this log is '" + m_state.origin + "'",
                        "use a checkpoint of this log");
        }
        if (hash_text(h) != m_checkpoint->hash) {
            return fail("does not match the checkpoint: the log was rewritten or rolled back since it was taken",
                        "if you copied the checkpoint by hand, compare it again; otherwise " + hint_changed);
        }
    }
    ++m_state.entry;
    return true;
}

std::size_t Verifier::feed(std::string_view text, bool at_eof) {
    std::size_t done = 0;
    while (!m_problem && done < text.size()) {
        const std::size_t lf = text.find('\n', done);
        if (lf == std::string_view::npos) {
            if (at_eof) {
                fail("torn last line at byte " + std::to_string(m_state.offset) + " (" +
                         std::to_string(text.size() - done) + " bytes, no line feed): a write was interrupted",
                     "the entries before it are intact; the next append seals it with a log.torn_tail entry");
            } else if (text.size() - done > max_sealed_line) {
                fail("line longer than " + std::to_string(max_sealed_line) + " bytes", hint_changed);
            }
            break;
        }
        if (!check_line(text.substr(done, lf - done))) {
            break;
        }
        const std::size_t length = lf + 1 - done;
        done += length;
        m_state.offset += length;
        ++m_state.line;
    }
    return done;
}

LogReport Verifier::report() {
    if (!m_problem && m_state.entry == 0) {
        fail("the log is empty: its first entry is missing", hint_changed);
    }
    if (!m_problem && m_checkpoint && m_checkpoint->size > m_state.entry) {
        fail("the log ends here but the checkpoint names " + std::to_string(m_checkpoint->size) +
                 " entries: entries were removed from its end (truncation or rollback)",
             hint_changed);
    }
    LogReport r;
    r.entries = m_state.entry;
    r.macs_checked = m_with_key;
    r.checkpoint_checked = m_checkpoint.has_value() && !m_problem;
    r.first_time = m_state.first_time;
    r.last_time = m_state.last_time;
    if (m_state.entry > 0) {
        r.checkpoint = checkpoint_line(m_state.origin, m_state.entry, m_state.prev);
    }
    r.notes = m_state.notes;
    r.problem = m_problem;
    r.problem_hint = m_hint;
    return r;
}

LogReport Verifier::parallel(std::string_view text, const SecretBytes* auditor_key,
                             std::optional<std::string_view> checkpoint, unsigned threads) {
    // Chunks end at line feeds, so each holds whole lines: one entry each.
    std::vector<std::size_t> bounds{0};
    for (unsigned j = 1; j < threads; ++j) {
        std::size_t at = std::max(bounds.back(), text.size() / threads * j);
        const std::size_t lf = text.find('\n', at);
        if (lf == std::string_view::npos) {
            break;
        }
        bounds.push_back(lf + 1);
    }
    bounds.push_back(text.size());
    const std::size_t chunks = bounds.size() - 1;
    const auto chunk = [&](std::size_t j) { return text.substr(bounds[j], bounds[j + 1] - bounds[j]); };

    // Lines before each chunk, counted in parallel.
    std::vector<std::uint64_t> lines(chunks, 0);
    {
        std::vector<std::thread> pool;
        for (std::size_t j = 0; j + 1 < chunks; ++j) {
            pool.emplace_back([&, j] {
                const auto c = chunk(j);
                std::uint64_t n = 0;
                for (const char* p = c.data(); (p = static_cast<const char*>(
                                                    std::memchr(p, '\n', static_cast<std::size_t>(c.data() + c.size() - p)))) != nullptr;
                     ++p) {
                    ++n;
                }
                lines[j] = n;
            });
        }
        for (auto& t : pool) {
            t.join();
        }
    }
    // The origin (entry 0) for the chunks' checkpoint checks. If entry 0 is
    // bad, chunk 0 reports that first and the origin does not matter.
    std::string origin;
    {
        Chain chain;
        Line line0;
        const auto first_line = text.substr(0, text.find('\n'));
        if (!parse_log_line(first_line, 0, chain, line0)) {
            origin = field(line0.raw, "origin").value_or(std::string(line0.raw.host));
        }
    }
    std::vector<std::optional<Verifier>> v(chunks);
    std::vector<std::exception_ptr> errors(chunks);
    {
        std::vector<std::thread> pool;
        std::uint64_t before = 0;
        for (std::size_t j = 0; j < chunks; ++j) {
            pool.emplace_back([&, j, before] {
                try {
                    Verifier& w = v[j].emplace(auditor_key);
                    if (checkpoint) {
                        w.expect_checkpoint(*checkpoint);
                    }
                    if (j > 0) {
                        w.m_state.entry = before;
                        w.m_state.line = before + 1;
                        w.m_state.offset = bounds[j];
                        w.m_state.prev_known = false;
                        w.m_state.origin = origin;
                        if (w.m_with_key) {
                            for (std::uint64_t i = 0; i < before; ++i) {
                                w.m_chain.evolve(w.m_state.key.expose());
                            }
                        }
                    }
                    (void)w.feed(chunk(j), j + 1 == chunks);
                } catch (...) {
                    errors[j] = std::current_exception();
                }
            });
            before += lines[j];
        }
        for (auto& t : pool) {
            t.join();
        }
    }
    for (const auto& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    // The first problem in file order, as one verifier would find it.
    Verifier& first = *v[0];
    for (std::size_t j = 1; j < chunks && !first.failed(); ++j) {
        VerifyState& s = v[j]->m_state;
        const bool joins = !s.first_prev || *s.first_prev == first.m_state.prev;
        if (!joins) {
            // at the first entry of chunk j: the merged state stands there
            first.fail("prev does not match the hash of entry " + std::to_string(first.m_state.entry - 1) +
                           ": that entry or this one was changed",
                       hint_changed);
            break;
        }
        if (s.entry > first.m_state.entry) {
            // chunk j verified entries: its state is the log's state now
            std::string merged_origin = std::move(first.m_state.origin);
            std::string first_time = std::move(first.m_state.first_time);
            std::vector<std::string> notes = std::move(first.m_state.notes);
            first.m_state = s.clone();
            first.m_state.origin = std::move(merged_origin);
            first.m_state.first_time = std::move(first_time);
            s.notes.insert(s.notes.begin(), notes.begin(), notes.end());
            first.m_state.notes = std::move(s.notes);
        } else {
            // it failed at its first line: the state stays the one before it
            first.m_state.notes.insert(first.m_state.notes.end(), s.notes.begin(), s.notes.end());
        }
        first.m_problem = v[j]->m_problem;
        first.m_hint = v[j]->m_hint;
    }
    return first.report();
}

}  // namespace tapekey::detail::audit
