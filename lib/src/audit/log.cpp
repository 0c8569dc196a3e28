// The key-use log: creating, appending, verifying, reading
// (docs/spec/audit-log.md sections 6, 7, 8, 11 and 12).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "audit/chain.h"
#include "audit/entry.h"
#include "audit/forward.h"
#include "audit/verifier.h"
#include "fd.h"
#include "tapekey/audit_log.h"
#include "tapekey/config.h"
#include "tapekey/files.h"

namespace tapekey {
namespace audit = detail::audit;

namespace {

constexpr std::uint64_t min_free_bytes = 64 * 1024;
constexpr std::size_t parallel_threshold = std::size_t{4} << 20;
constexpr std::string_view auditor_magic = "tapekey-log-auditor-key v1 ";

std::span<const std::uint8_t> bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string name_of(const std::filesystem::path& p) { return p.string(); }

[[noreturn]] void sys_fail(const std::filesystem::path& path, const std::string& what, int e) {
    Errc code = Errc::io;
    std::string hint;
    switch (e) {
    case ENOENT:
        code = Errc::not_found;
        hint = "run `tapekey init` to create the home and its log, or name the home with --home";
        break;
    case EACCES:
    case EPERM:
        code = Errc::permission;
        hint = "run tapekey as the owner of the tapekey home";
        break;
    case EROFS: hint = "the file system is read-only: remount it read-write"; break;
    case ENOSPC:
    case EDQUOT: hint = "free some space on that file system"; break;
    case EFBIG: hint = "the file-size limit (ulimit -f) is reached: raise it"; break;
    case EWOULDBLOCK: hint = "another tapekey command holds the log; try again"; break;
    default: break;
    }
    throw Error(code, name_of(path) + ": cannot " + what + ": " + std::strerror(e), hint);
}

using detail::Fd;

Fd open_or_fail(const std::filesystem::path& path, int flags, const char* what) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        sys_fail(path, what, errno);
    }
    return Fd(fd);
}

void pread_all(int fd, std::span<std::uint8_t> out, std::uint64_t offset, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            sys_fail(path, "read", errno);
        }
        if (n == 0) {
            throw Error(Errc::io, name_of(path) + ": shorter than expected while reading");
        }
        done += static_cast<std::size_t>(n);
    }
}

void pwrite_all(int fd, std::span<const std::uint8_t> data, std::uint64_t offset, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            sys_fail(path, "write", n < 0 ? errno : ENOSPC);
        }
        done += static_cast<std::size_t>(n);
    }
}

Error damaged(const std::filesystem::path& path, const std::string& what) {
    return Error(Errc::integrity, name_of(path) + ": " + what,
                 "nothing was written; run `tapekey log verify` (with --auditor-key and your last checkpoint) "
                 "and keep a copy of the log as evidence");
}

// The log's end as a writer sees it (section 7.1 step 3).
struct Tail {
    std::uint64_t size = 0;
    bool has_entry = false;
    std::uint64_t last_seq = 0;
    audit::Hash last_hash{};
    audit::Hash last_prev{};
    std::string fragment;  // bytes after the last line feed
};

Tail read_tail(int fd, const std::filesystem::path& path, audit::Chain& chain) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        sys_fail(path, "stat", errno);
    }
    Tail t;
    t.size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t want = std::min<std::uint64_t>(t.size, audit::max_sealed_line + audit::max_line);
    const std::uint64_t base = t.size - want;
    std::string buf(want, '\0');
    pread_all(fd, {reinterpret_cast<std::uint8_t*>(buf.data()), buf.size()}, base, path);
    const std::size_t last_lf = buf.rfind('\n');
    if (last_lf == std::string::npos) {
        if (base != 0) {
            throw damaged(path, "the last " + std::to_string(want) + " bytes hold no line feed");
        }
        t.fragment = buf;
        return t;
    }
    t.fragment = buf.substr(last_lf + 1);
    const std::size_t prev_lf = last_lf == 0 ? std::string::npos : buf.rfind('\n', last_lf - 1);
    if (prev_lf == std::string::npos && base != 0) {
        throw damaged(path, "its last line is longer than " + std::to_string(audit::max_sealed_line) + " bytes");
    }
    const std::size_t start = prev_lf == std::string::npos ? 0 : prev_lf + 1;
    const std::string_view line(buf.data() + start, last_lf - start);
    audit::Line parsed;
    if (auto error = audit::parse_log_line(line, base + start, chain, parsed)) {
        throw damaged(path, "its last line (byte " + std::to_string(base + start) + ") is not a valid entry: " + *error);
    }
    t.has_entry = true;
    t.last_seq = parsed.raw.seq;
    t.last_prev = parsed.raw.prev;
    t.last_hash = chain.entry_hash(bytes(line.substr(parsed.start, parsed.raw.body_length)));
    return t;
}

// The state the next entry is written with (section 7.2).
audit::KeyState reconcile(audit::KeyState s, const Tail& t, audit::Chain& chain, const std::filesystem::path& log,
                          const std::filesystem::path& key) {
    if (!t.has_entry) {
        if (s.next != 0 || s.last != audit::Hash{}) {
            throw damaged(log, "the log has no entry but " + key.filename().string() + " is at entry " +
                                   std::to_string(s.next) + ": the log was truncated or replaced");
        }
        return s;
    }
    const std::uint64_t n = t.last_seq + 1;
    if (s.next == n) {
        if (s.last != t.last_hash) {
            throw damaged(log, "its last entry (" + std::to_string(t.last_seq) + ") is not the entry this machine wrote");
        }
        return s;
    }
    if (s.next == t.last_seq && s.last == t.last_prev) {
        // The crash window: the entry was written, its successor's state was
        // not. Roll forward once.
        chain.evolve(s.key.expose());
        s.next = n;
        s.last = t.last_hash;
        return s;
    }
    if (s.next > n) {
        throw damaged(log, "it ends at entry " + std::to_string(t.last_seq) + " but " + key.filename().string() +
                               " is at entry " + std::to_string(s.next) + ": entries were removed from its end");
    }
    throw damaged(log, "it holds entries up to " + std::to_string(t.last_seq) + " that " + key.filename().string() +
                           " (at entry " + std::to_string(s.next) + ") never made");
}

audit::KeyState read_state(int fd, const std::filesystem::path& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        sys_fail(path, "stat", errno);
    }
    if (st.st_size != static_cast<off_t>(audit::state_length)) {
        throw damaged(path, "has " + std::to_string(st.st_size) + " bytes, a key state has " +
                                std::to_string(audit::state_length));
    }
    SecretBytes image(audit::state_length);
    pread_all(fd, image.expose(), 0, path);
    auto s = audit::decode_state(image.expose());
    if (!s) {
        throw damaged(path, "neither slot holds a valid key state");
    }
    return std::move(*s);
}

// Writes the state into its slot, makes it durable, then overwrites the
// other slot, which holds the previous key (section 6.1).
void save_state(int fd, const audit::KeyState& state, const std::filesystem::path& path) {
    SecretBytes image(audit::state_length);
    auto img = image.expose();
    const std::size_t slot = audit::encode_state(state, img.first<audit::state_length>());
    const std::size_t other = audit::slot_length - slot;
    pwrite_all(fd, img.subspan(slot, audit::slot_length), slot, path);
    if (::fdatasync(fd) != 0) {
        sys_fail(path, "flush to disk (fdatasync)", errno);
    }
    pwrite_all(fd, img.subspan(other, audit::slot_length), other, path);  // zeros
}

// An open, locked log with its state reconciled: everything an append
// needs, and what the fail-closed preflight checks.
struct Session {
    Fd log;
    Fd key;
    Tail tail;
    audit::KeyState state;
};

enum class Persist { no, yes };

// With Persist::yes a rolled-forward state is saved at once, before any
// new entry: otherwise a second crash could leave it two entries behind.
Session open_session(const std::filesystem::path& log_path, const std::filesystem::path& key_path,
                     audit::Chain& chain, Persist persist) {
    Fd log = open_or_fail(log_path, O_RDWR | O_APPEND, "open for appending");
    while (::flock(log.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            sys_fail(log_path, "lock", errno);
        }
    }
    Fd key = open_or_fail(key_path, O_RDWR, "open for writing");
    Tail tail = read_tail(log.get(), log_path, chain);
    audit::KeyState stored = read_state(key.get(), key_path);
    const std::uint64_t stored_next = stored.next;
    audit::KeyState state = reconcile(std::move(stored), tail, chain, log_path, key_path);
    if (persist == Persist::yes && state.next != stored_next) {
        save_state(key.get(), state, key_path);
    }
    return Session{std::move(log), std::move(key), std::move(tail), std::move(state)};
}

// Appends one line made from `e` with the session's key (section 7.1
// steps 5 to 7) and advances the session. Returns the line.
std::string write_entry(Session& s, audit::NewEntry e, audit::Chain& chain, const std::filesystem::path& log_path,
                        const std::filesystem::path& key_path, audit::Hash& entry_hash) {
    e.seq = s.state.next;
    e.prev = s.state.last;
    std::string line = audit::encode_body(e);
    entry_hash = chain.entry_hash(bytes(line));
    const audit::Hash mac = chain.mac(s.state.key.expose(), e.seq, entry_hash);
    audit::finish_line(line, mac);

    struct stat st {};
    if (::fstat(s.log.get(), &st) != 0) {
        sys_fail(log_path, "stat", errno);
    }
    const ssize_t n = ::write(s.log.get(), line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) {
        int e_write = n < 0 ? errno : ENOSPC;
        if (n > 0 && ::write(s.log.get(), line.data() + n, line.size() - static_cast<std::size_t>(n)) < 0) {
            e_write = errno;  // why the rest did not fit
        }
        // Undo our own partial write, under the lock (section 7.1 step 5).
        if (::ftruncate(s.log.get(), st.st_size) != 0) {
            throw Error(Errc::io, name_of(log_path) + ": cannot append: " + std::strerror(e_write) +
                                      ", and the partial entry could not be removed: " + std::strerror(errno),
                        "the next append seals the torn line; free space first");
        }
        sys_fail(log_path, "append", e_write);
    }
    if (::fdatasync(s.log.get()) != 0) {
        const int e_sync = errno;
        if (::ftruncate(s.log.get(), st.st_size) != 0) {
            // Left for the next writer to seal; the error below says the append failed.
        }
        sys_fail(log_path, "flush to disk (fdatasync)", e_sync);
    }
    // The entry is durable; now the state for the next one (section 6.1).
    chain.evolve(s.state.key.expose());
    s.state.next = e.seq + 1;
    s.state.last = entry_hash;
    save_state(s.key.get(), s.state, key_path);
    s.tail.size += line.size();
    line.pop_back();  // the line feed
    return line;
}

audit::NewEntry new_entry(const std::string& host, const std::string& user, const std::string& command,
                          std::string_view event, const LogFields& fields) {
    audit::NewEntry e;
    e.time = audit::now_utc();
    e.host = host;
    e.user = user;
    e.command = command;
    e.event = std::string(event);
    e.fields = &fields;
    return e;
}

// Streams a file in large reads through `consume(text, at_eof, used)`,
// which sets the bytes it used and returns false to stop.
template <typename Consume>
void stream_lines(const std::filesystem::path& path, Consume consume) {
    Fd fd = open_or_fail(path, O_RDONLY, "open");
    std::string buf(std::size_t{4} << 20, '\0');
    std::size_t have = 0;
    for (;;) {
        if (have == buf.size()) {
            buf.resize(buf.size() * 2);
        }
        const ssize_t n = ::read(fd.get(), buf.data() + have, buf.size() - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            sys_fail(path, "read", errno);
        }
        have += static_cast<std::size_t>(n);
        const bool eof = n == 0;
        std::size_t used = 0;
        if (!consume(std::string_view(buf.data(), have), eof, used)) {
            return;
        }
        if (eof) {
            return;
        }
        std::memmove(buf.data(), buf.data() + used, have - used);
        have -= used;
    }
}

}  // namespace

std::string LogProblem::message(std::string_view file) const {
    return std::string(file) + " entry " + std::to_string(entry) + " (line " + std::to_string(line) + ", byte " +
           std::to_string(offset) + "): " + what;
}

KeyUseLog::KeyUseLog(const Home& home, std::string command)
    : m_log(home.log_file()),
      m_key(home.log_key()),
      m_host(audit::local_host()),
      m_user(audit::local_user()),
      m_command(std::move(command)),
      m_forward("none") {
    std::error_code ec;
    if (std::filesystem::exists(home.config(), ec)) {
        const Config config = Config::load(home.config());
        m_forward = config.get("log.forward");
        m_fail_closed = config.get_bool("log.fail_closed");
    }
}

void KeyUseLog::require_writable() const {
    if (!m_fail_closed) {
        return;
    }
    try {
        audit::Chain chain;
        Session s = open_session(m_log, m_key, chain, Persist::no);
        struct statvfs vfs {};
        if (::fstatvfs(s.log.get(), &vfs) != 0) {
            sys_fail(m_log, "check its file system", errno);
        }
        if ((vfs.f_flag & ST_RDONLY) != 0) {
            sys_fail(m_log, "be written", EROFS);
        }
        const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
        if (free_bytes < min_free_bytes) {
            throw Error(Errc::io, name_of(m_log) + ": only " + std::to_string(free_bytes) +
                                      " bytes free on its file system (64 KiB needed)",
                        "free some space on that file system");
        }
        struct rlimit limit {};
        if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
            limit.rlim_cur < s.tail.size + min_free_bytes) {
            sys_fail(m_log, "grow", EFBIG);
        }
    } catch (const Error& e) {
        throw Error(e.code(), "the key-use log cannot be written, and log.fail_closed is set: " + std::string(e.what()),
                    e.hint().empty() ? "fix the log first; nothing was done" : e.hint() + "; nothing was done");
    }
}

std::uint64_t KeyUseLog::append(std::string_view event, const LogFields& fields) {
    audit::Chain chain;
    std::vector<std::pair<std::string, audit::Hash>> written;  // line and hash, forwarded after unlocking
    std::uint64_t seq = 0;
    {
        Session s = open_session(m_log, m_key, chain, Persist::yes);
        if (!s.tail.fragment.empty()) {
            // A torn tail: seal it first, on its own line (section 7.3).
            const LogFields seal = {
                {"offset", std::to_string(s.tail.size - s.tail.fragment.size())},
                {"length", std::to_string(s.tail.fragment.size())},
                {"sha256", audit::hex(chain.entry_hash(bytes(s.tail.fragment)))},
            };
            audit::Hash h{};
            auto line = write_entry(s, new_entry(m_host, m_user, m_command, "log.torn_tail", seal), chain, m_log, m_key, h);
            written.emplace_back(std::move(line), h);
        }
        seq = s.state.next;
        audit::Hash h{};
        auto line = write_entry(s, new_entry(m_host, m_user, m_command, event, fields), chain, m_log, m_key, h);
        written.emplace_back(std::move(line), h);
    }  // unlocked and closed here
    if (m_forward != "none") {
        std::uint64_t n = seq + 1 - written.size();
        for (const auto& [line, hash] : written) {
            const std::size_t ev = line.find("\"event\":\"") + 9;
            audit::forward_entry(m_forward, n++, std::string_view(line).substr(ev, line.find('"', ev) - ev),
                                 audit::hex(hash), line);
        }
    }
    return seq;
}

std::optional<Error> KeyUseLog::record(std::string_view event, const LogFields& fields) {
    try {
        (void)append(event, fields);
    } catch (const Error& e) {
        if (m_fail_closed) {
            throw;
        }
        return e;
    }
    return std::nullopt;
}

std::filesystem::path auditor_key_file(const Home& home) { return home.log_dir() / "auditor.key"; }
std::filesystem::path auditor_sealed_file(const Home& home) { return home.log_dir() / "auditor.sealed"; }

SecretBytes KeyUseLog::create(const Home& home, Rng& rng, std::string_view command) {
    const auto dir = home.log_dir();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        sys_fail(dir, "create the folder", errno);
    }
    Home::require_private(dir);
    const std::string origin = audit::local_host();
    SecretBytes k0(audit::key_length);
    rng.fill(k0.expose());

    std::vector<std::filesystem::path> made;
    try {
        write_file(home.log_file(), {}, FileMode::secret, Overwrite::no);
        made.push_back(home.log_file());

        audit::KeyState state;
        state.key = k0.clone();
        SecretBytes image(audit::state_length);
        (void)audit::encode_state(state, image.expose().first<audit::state_length>());
        write_file(home.log_key(), image.expose(), FileMode::secret, Overwrite::no);
        made.push_back(home.log_key());

        const auto hex = secret_to_hex(k0.expose());
        const std::string head = std::string(auditor_magic) + origin + " ";
        SecretBytes text(head.size() + hex.size() + 1);
        auto t = text.expose();
        std::copy(head.begin(), head.end(), t.begin());
        std::copy(hex.expose().begin(), hex.expose().end(), t.begin() + static_cast<std::ptrdiff_t>(head.size()));
        t[t.size() - 1] = '\n';
        write_file(auditor_key_file(home), text.expose(), FileMode::secret, Overwrite::no);
        made.push_back(auditor_key_file(home));

        KeyUseLog log(home, std::string(command));
        log.m_host = origin;
        (void)log.append("log.create", {{"format", "1"}, {"origin", origin}});
    } catch (...) {
        for (auto it = made.rbegin(); it != made.rend(); ++it) {
            ::unlink(it->c_str());
        }
        throw;
    }
    return k0;
}

LogReport verify_log(const std::filesystem::path& log, const SecretBytes* auditor_key,
                     std::optional<std::string_view> checkpoint) {
    // A large log is mapped and checked by several threads (the checks are
    // the same; see Verifier::parallel); a small one is streamed.
    {
        Fd fd = open_or_fail(log, O_RDONLY, "open");
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) {
            sys_fail(log, "stat", errno);
        }
        const unsigned threads = std::min(8u, std::thread::hardware_concurrency());
        const auto size = static_cast<std::size_t>(st.st_size);
        if (threads > 1 && size >= parallel_threshold) {
            void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
            if (map != MAP_FAILED) {
                struct Unmap {
                    void* p;
                    std::size_t n;
                    ~Unmap() { ::munmap(p, n); }
                } unmap{map, size};
                return audit::Verifier::parallel(std::string_view(static_cast<const char*>(map), size), auditor_key,
                                                 checkpoint, threads);
            }
        }
    }
    audit::Verifier v(auditor_key);
    if (checkpoint) {
        v.expect_checkpoint(*checkpoint);
    }
    stream_lines(log, [&](std::string_view text, bool eof, std::size_t& used) {
        used = v.feed(text, eof);
        return !v.failed();
    });
    return v.report();
}

std::string log_checkpoint(const std::filesystem::path& log) {
    const LogReport r = verify_log(log);
    if (!r.ok()) {
        throw Error(Errc::integrity, r.problem->message(log.filename().string()), r.problem_hint);
    }
    return r.checkpoint;
}

void read_log(const std::filesystem::path& log, const std::function<void(const LogEntry&)>& visit) {
    audit::Chain chain;
    std::uint64_t offset = 0;
    std::uint64_t line_no = 1;
    stream_lines(log, [&](std::string_view text, bool eof, std::size_t& used) {
        used = 0;
        for (;;) {
            const std::size_t lf = text.find('\n', used);
            if (lf == std::string_view::npos) {
                if (eof && used < text.size()) {
                    throw Error(Errc::bad_format,
                                name_of(log) + " line " + std::to_string(line_no) + " (byte " + std::to_string(offset) +
                                    "): torn last line (" + std::to_string(text.size() - used) + " bytes, no line feed)",
                                "run `tapekey log verify`; the next append seals it");
                }
                return true;
            }
            const auto line = text.substr(used, lf - used);
            audit::Line parsed;
            if (auto error = audit::parse_log_line(line, offset, chain, parsed)) {
                throw Error(Errc::bad_format,
                            name_of(log) + " line " + std::to_string(line_no) + " (byte " + std::to_string(offset) +
                                "): not a valid entry: " + *error,
                            "run `tapekey log verify` to check the whole log");
            }
            LogEntry e = audit::decode(parsed.raw);
            e.offset = offset + parsed.start;
            visit(e);
            offset += lf + 1 - used;
            ++line_no;
            used = lf + 1;
        }
    });
}

std::string log_entry_line(const LogEntry& entry) {
    audit::NewEntry e;
    e.seq = entry.seq;
    e.time = entry.time;
    e.host = entry.host;
    e.user = entry.user;
    e.command = entry.command;
    e.event = entry.event;
    e.fields = &entry.fields;
    e.prev = entry.prev;
    std::string line = audit::encode_body(e);
    audit::finish_line(line, entry.mac);
    line.pop_back();
    return line;
}

SecretBytes read_auditor_key(const std::filesystem::path& file) {
    const SecretBytes text = read_secret_file(file, 512);
    const auto t = text.expose();
    const auto bad = [&] {
        return Error(Errc::bad_format, name_of(file) + " is not a key-use log auditor key file",
                     "give the file `tapekey log auditor-key` wrote (one line starting 'tapekey-log-auditor-key v1')");
    };
    const std::string_view view(reinterpret_cast<const char*>(t.data()), t.size());
    if (view.substr(0, auditor_magic.size()) != auditor_magic) {
        throw bad();
    }
    const std::size_t space = view.find(' ', auditor_magic.size());
    if (space == std::string_view::npos || space == auditor_magic.size()) {
        throw bad();
    }
    std::size_t end = view.size();
    if (end > 0 && view[end - 1] == '\n') {
        --end;
    }
    if (end - space - 1 != 2 * audit::key_length) {
        throw bad();
    }
    return secret_from_hex(std::span<const char>(view.data() + space + 1, 2 * audit::key_length), name_of(file));
}

namespace {

// The first `log.auditor_key_export` entry of the home's log, if any.
std::optional<LogEntry> auditor_key_export(const Home& home) {
    std::optional<LogEntry> earlier;
    read_log(home.log_file(), [&](const LogEntry& e) {
        if (!earlier && e.event == "log.auditor_key_export") {
            earlier = e;
        }
    });
    return earlier;
}

}  // namespace

void export_auditor_key(const Home& home, const std::filesystem::path& out) {
    if (const auto earlier = auditor_key_export(home)) {
        throw Error(Errc::state,
                    "the auditor key was already exported (keyuse.log entry " + std::to_string(earlier->seq) + ", " +
                        earlier->time + ")",
                    "it is exported once; the other copy is sealed in the recovery bundle");
    }
    const auto pending = auditor_key_file(home);
    SecretBytes text = read_secret_file(pending, 512);
    (void)read_auditor_key(pending);  // well-formed before it leaves
    write_file(out, text.expose(), FileMode::secret, Overwrite::no);
    KeyUseLog log(home, "log auditor-key");
    (void)log.append("log.auditor_key_export", {{"file", std::filesystem::absolute(out).string()}});
    (void)retire_auditor_key(home);
}

bool retire_auditor_key(const Home& home) {
    const auto pending = auditor_key_file(home);
    if (!std::filesystem::exists(pending) || !std::filesystem::exists(auditor_sealed_file(home)) ||
        !auditor_key_export(home)) {
        return false;
    }
    remove_file(pending);
    return true;
}

}  // namespace tapekey
