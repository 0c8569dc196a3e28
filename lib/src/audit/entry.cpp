// The canonical entry form: docs/spec/audit-log.md section 4.1.
#include "audit/entry.h"

#include <pwd.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "tapekey/error.h"

namespace tapekey::detail::audit {
namespace {

const char hex_digits[] = "0123456789abcdef";

// Bit 1: allowed in a field name (a-z 0-9 _); bit 2: in an event name
// (also . and -). A table: names are public and checked for every entry.
constexpr std::array<std::uint8_t, 256> name_chars = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 'a'; c <= 'z'; ++c) {
        t[static_cast<std::size_t>(c)] = 3;
    }
    for (int c = '0'; c <= '9'; ++c) {
        t[static_cast<std::size_t>(c)] = 3;
    }
    t['_'] = 3;
    t['.'] = 2;
    t['-'] = 2;
    return t;
}();

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629
// section 4: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned c = b(i);
    const auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0u) == 0x80u; };
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        return cont(i + 1) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(i + 1) || !cont(i + 2)) {
            return 0;
        }
        const unsigned c1 = b(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
            return 0;
        }
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) {
            return 0;
        }
        const unsigned c1 = b(i + 1);
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
            return 0;
        }
        return 4;
    }
    return 0;
}

// The one short escape of a byte, or 0 when it has none.
char short_escape(unsigned char c) noexcept {
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case 0x08: return 'b';
    case 0x09: return 't';
    case 0x0A: return 'n';
    case 0x0C: return 'f';
    case 0x0D: return 'r';
    default: return 0;
    }
}

void put_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (const char e = short_escape(c); e != 0) {
            out += '\\';
            out += e;
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\u00";
            out += hex_digits[c >> 4];
            out += hex_digits[c & 15];
            ++i;
        } else if (const std::size_t n = utf8_length(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
            ++i;
        }
    }
    out += '"';
}

// The size of s once every byte that is not UTF-8 is replaced by U+FFFD.
std::size_t repaired_size(std::string_view s) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t k = utf8_length(s, i);
        n += k != 0 ? k : 3;
        i += k != 0 ? k : 1;
    }
    return n;
}

// A strict cursor over one line; every mismatch records the first error.
class Reader {
public:
    explicit Reader(std::string_view s) : m_s(s) {}

    bool literal(std::string_view lit) {
        if (!next_is(lit)) {
            return fail("expected " + std::string(lit));
        }
        m_pos += lit.size();
        return true;
    }
    // Consumes `lit` when it is next; records no error when it is not.
    bool peek(std::string_view lit) {
        if (!next_is(lit)) {
            return false;
        }
        m_pos += lit.size();
        return true;
    }
    // A plain loop: the literals are a few bytes, shorter than a memcmp call.
    bool next_is(std::string_view lit) const noexcept {
        if (m_s.size() - m_pos < lit.size()) {
            return false;
        }
        for (std::size_t i = 0; i < lit.size(); ++i) {
            if (m_s[m_pos + i] != lit[i]) {
                return false;
            }
        }
        return true;
    }
    bool number(std::uint64_t& v) {
        const std::size_t start = m_pos;
        v = 0;
        while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') {
            const unsigned d = static_cast<unsigned>(m_s[m_pos] - '0');
            if (v > (UINT64_MAX - d) / 10) {
                return fail("number too large");
            }
            v = v * 10 + d;
            ++m_pos;
        }
        if (m_pos == start) {
            return fail("expected a number");
        }
        if (m_s[start] == '0' && m_pos - start > 1) {
            m_pos = start;
            return fail("number with a leading zero");
        }
        return true;
    }
    // A canonical JSON string; out is its raw (escaped) content.
    bool string(std::string_view& out, std::size_t max_bytes) {
        if (!literal("\"")) {
            return false;
        }
        const std::size_t start = m_pos;
        // The common case: printable ASCII without escapes up to the quote,
        // checked in one branch-free pass.
        if (const void* q = std::memchr(m_s.data() + m_pos, '"', m_s.size() - m_pos); q != nullptr) {
            const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(q) - m_s.data());
            unsigned special = 0;
            for (std::size_t i = m_pos; i < end; ++i) {
                const auto c = static_cast<unsigned char>(m_s[i]);
                special |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c >= 0x7F) |
                           static_cast<unsigned>(c == '\\');
            }
            if (special == 0) {
                if (end - start > max_bytes) {
                    return fail("string longer than " + std::to_string(max_bytes) + " bytes");
                }
                out = m_s.substr(start, end - start);
                m_pos = end + 1;
                return true;
            }
        }
        std::size_t decoded = 0;
        while (m_pos < m_s.size() && m_s[m_pos] != '"') {
            const auto c = static_cast<unsigned char>(m_s[m_pos]);
            if (c >= 0x20 && c < 0x7F && c != '\\') {  // the common case: printable ASCII
                ++m_pos;
                ++decoded;
                continue;
            }
            if (c == '\\') {
                if (m_pos + 1 >= m_s.size()) {
                    return fail("unfinished escape");
                }
                const char e = m_s[m_pos + 1];
                if (e == 'u') {
                    if (m_s.size() - m_pos < 6 || m_s.substr(m_pos + 2, 2) != "00") {
                        return fail("non-canonical escape");
                    }
                    const auto hv = [](char h) { return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1; };
                    const int hi = hv(m_s[m_pos + 4]);
                    const int lo = hv(m_s[m_pos + 5]);
                    if (hi < 0 || lo < 0) {
                        return fail("non-canonical escape");
                    }
                    const auto b = static_cast<unsigned char>(hi * 16 + lo);
                    if (!((b < 0x20 || b == 0x7F) && short_escape(b) == 0)) {
                        return fail("non-canonical escape");
                    }
                    m_pos += 6;
                } else {
                    const bool ok = e == '"' || e == '\\' || e == 'b' || e == 't' || e == 'n' || e == 'f' || e == 'r';
                    if (!ok) {
                        return fail("non-canonical escape");
                    }
                    m_pos += 2;
                }
                ++decoded;
            } else if (c < 0x20 || c == 0x7F) {
                return fail("unescaped control character");
            } else {
                const std::size_t n = utf8_length(m_s, m_pos);
                if (n == 0) {
                    return fail("invalid UTF-8");
                }
                m_pos += n;
                decoded += n;
            }
        }
        if (m_pos >= m_s.size()) {
            return fail("unterminated string");
        }
        if (decoded > max_bytes) {
            return fail("string longer than " + std::to_string(max_bytes) + " bytes");
        }
        out = m_s.substr(start, m_pos - start);
        ++m_pos;
        return true;
    }
    bool hex32(std::array<std::uint8_t, 32>& out) {
        if (!literal("\"")) {
            return false;
        }
        if (m_s.size() - m_pos < 65 || !unhex(m_s.substr(m_pos, 64), out) || m_s[m_pos + 64] != '"') {
            return fail("expected 64 lower-case hex digits");
        }
        m_pos += 65;
        return true;
    }
    bool fail(std::string what) {
        if (m_error.empty()) {
            m_error = what + " at byte " + std::to_string(m_pos);
        }
        return false;
    }
    std::size_t pos() const noexcept { return m_pos; }
    bool at_end() const noexcept { return m_pos == m_s.size(); }
    const std::string& error() const noexcept { return m_error; }

private:
    std::string_view m_s;
    std::size_t m_pos = 0;
    std::string m_error;
};

bool valid_name(std::string_view s, bool event) noexcept {
    if (s.empty() || s.size() > max_name) {
        return false;
    }
    const std::uint8_t bit = event ? 2 : 1;
    std::uint8_t all = bit;
    for (const char c : s) {
        all &= name_chars[static_cast<unsigned char>(c)];
    }
    return all != 0;
}

std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b': out += '\b'; break;
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case 'u': {
            const auto hv = [](char h) { return h <= '9' ? h - '0' : h - 'a' + 10; };
            out += static_cast<char>(hv(raw[i + 3]) * 16 + hv(raw[i + 4]));
            i += 4;
            break;
        }
        default: out += e; break;  // '"' or '\\'
        }
    }
    return out;
}

}  // namespace

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string s(bytes.size() * 2, '0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        s[2 * i] = hex_digits[bytes[i] >> 4];
        s[2 * i + 1] = hex_digits[bytes[i] & 15];
    }
    return s;
}

// Hex digit values, -1 for anything else. A table is fine here: the hex
// text of a log (hashes, macs) is public.
constexpr std::array<signed char, 256> hex_values = [] {
    std::array<signed char, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    for (int c = '0'; c <= '9'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    }
    for (int c = 'a'; c <= 'f'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
    }
    return t;
}();

bool unhex(std::string_view text, std::span<std::uint8_t> out) noexcept {
    if (text.size() != 2 * out.size()) {
        return false;
    }
    int bad = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_values[static_cast<unsigned char>(text[2 * i])];
        const int lo = hex_values[static_cast<unsigned char>(text[2 * i + 1])];
        bad |= hi | lo;  // negative when either is not a digit
        out[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 15));
    }
    return bad >= 0;
}

bool is_time(std::string_view s) noexcept {
    static constexpr std::string_view form = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    if (s.size() != form.size()) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i]) {
            return false;
        }
    }
    const auto two = [&](std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
    return two(5) >= 1 && two(5) <= 12 && two(8) >= 1 && two(8) <= 31 && two(11) <= 23 && two(14) <= 59 &&
           two(17) <= 60;
}

std::optional<std::string> parse_line(std::string_view line, RawEntry& out) {
    Reader r(line);
    std::uint64_t version = 0;
    const bool ok = r.literal("{\"v\":") && r.number(version) && (version == 1 || r.fail("unknown version")) &&
                    r.literal(",\"seq\":") && r.number(out.seq) && r.literal(",\"time\":") &&
                    r.string(out.time, 32) && (is_time(out.time) || r.fail("time is not YYYY-MM-DDTHH:MM:SS.uuuuuuZ")) &&
                    r.literal(",\"host\":") && r.string(out.host, max_text) && r.literal(",\"user\":") &&
                    r.string(out.user, max_text) && r.literal(",\"cmd\":") && r.string(out.command, max_text) &&
                    r.literal(",\"event\":") && r.string(out.event, max_name) &&
                    (valid_name(out.event, true) || r.fail("event name is not a-z 0-9 . _ -")) &&
                    r.literal(",\"fields\":{");
    if (!ok) {
        return r.error();
    }
    if (out.host.empty() || out.user.empty() || out.command.empty()) {
        return "host, user and cmd must not be empty";
    }
    out.field_count = 0;
    if (!r.peek("}")) {
        for (;;) {
            if (out.field_count == max_fields) {
                return "more than " + std::to_string(max_fields) + " fields";
            }
            std::string_view name, value;
            const std::size_t at = r.pos();
            if (!r.string(name, max_name) || !r.literal(":") || !r.string(value, max_value)) {
                return r.error();
            }
            if (!valid_name(name, false)) {
                return "field name is not a-z 0-9 _ at byte " + std::to_string(at);
            }
            for (std::size_t i = 0; i < out.field_count; ++i) {
                if (out.names[i] == name) {
                    return "field '" + std::string(name) + "' appears twice";
                }
            }
            out.names[out.field_count] = name;
            out.values[out.field_count] = value;
            ++out.field_count;
            if (r.peek("}")) {
                break;
            }
            if (!r.literal(",")) {
                return r.error();
            }
        }
    }
    if (!r.literal(",\"prev\":") || !r.hex32(out.prev)) {
        return r.error();
    }
    out.body_length = r.pos();
    if (!r.literal(",\"mac\":") || !r.hex32(out.mac) || !r.literal("}")) {
        return r.error();
    }
    if (!r.at_end()) {
        return "text after the entry at byte " + std::to_string(r.pos());
    }
    return std::nullopt;
}

LogEntry decode(const RawEntry& raw) {
    LogEntry e;
    e.seq = raw.seq;
    e.time = std::string(raw.time);
    e.host = unescape(raw.host);
    e.user = unescape(raw.user);
    e.command = unescape(raw.command);
    e.event = std::string(raw.event);
    for (std::size_t i = 0; i < raw.field_count; ++i) {
        e.fields.emplace_back(std::string(raw.names[i]), unescape(raw.values[i]));
    }
    e.prev = raw.prev;
    e.mac = raw.mac;
    return e;
}

std::optional<std::string> field(const RawEntry& raw, std::string_view name) {
    for (std::size_t i = 0; i < raw.field_count; ++i) {
        if (raw.names[i] == name) {
            return unescape(raw.values[i]);
        }
    }
    return std::nullopt;
}

std::string encode_body(const NewEntry& e) {
    const auto bad = [](const std::string& what) {
        return Error(Errc::usage, "key-use log entry: " + what,
                     "this is a bug in the caller of the log; the entry was not written");
    };
    if (!valid_name(e.event, true)) {
        throw bad("event name '" + e.event + "' is not 1 to 64 characters of a-z 0-9 . _ -");
    }
    const LogFields empty;
    const LogFields& fields = e.fields != nullptr ? *e.fields : empty;
    if (fields.size() > max_fields) {
        throw bad("more than " + std::to_string(max_fields) + " fields");
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!valid_name(fields[i].first, false)) {
            throw bad("field name '" + fields[i].first + "' is not 1 to 64 characters of a-z 0-9 _");
        }
        if (repaired_size(fields[i].second) > max_value) {
            throw bad("field '" + fields[i].first + "' is longer than " + std::to_string(max_value) + " bytes");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (fields[j].first == fields[i].first) {
                throw bad("field '" + fields[i].first + "' given twice");
            }
        }
    }
    for (const std::string* t : {&e.host, &e.user, &e.command}) {
        if (t->empty() || repaired_size(*t) > max_text) {
            throw bad("host, user and command must be 1 to 255 bytes");
        }
    }
    if (!is_time(e.time)) {
        throw bad("time '" + e.time + "' is not YYYY-MM-DDTHH:MM:SS.uuuuuuZ");
    }
    std::string out;
    out.reserve(512);
    out += "{\"v\":1,\"seq\":";
    out += std::to_string(e.seq);
    out += ",\"time\":";
    put_string(out, e.time);
    out += ",\"host\":";
    put_string(out, e.host);
    out += ",\"user\":";
    put_string(out, e.user);
    out += ",\"cmd\":";
    put_string(out, e.command);
    out += ",\"event\":";
    put_string(out, e.event);
    out += ",\"fields\":{";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i != 0) {
            out += ',';
        }
        put_string(out, fields[i].first);
        out += ':';
        put_string(out, fields[i].second);
    }
    out += "},\"prev\":\"";
    out += hex(e.prev);
    out += '"';
    if (out.size() + mac_suffix_length > max_line) {
        throw bad("the entry would be longer than " + std::to_string(max_line) + " bytes");
    }
    return out;
}

void finish_line(std::string& body, std::span<const std::uint8_t, 32> mac) {
    body += ",\"mac\":\"";
    body += hex(mac);
    body += "\"}\n";
}

std::string local_host() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    // An origin is one word of a checkpoint line: keep it to the host-name
    // characters (RFC 1123) and underscores.
    std::string h(name);
    for (char& c : h) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!ok) {
            c = '_';
        }
    }
    return h;
}

std::string local_user() {
    const uid_t uid = ::geteuid();
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[4096];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr && found->pw_name[0] != '\0') {
        return found->pw_name;
    }
    return "uid:" + std::to_string(uid);
}

std::string now_utc() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm {};
    ::gmtime_r(&ts.tv_sec, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ts.tv_nsec / 1000) % 1000000);
    return buf;
}

}  // namespace tapekey::detail::audit
