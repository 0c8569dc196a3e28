// Share format v1, text form: docs/spec/share-format.md sections 3 to 5.
#include "tapekey/share_text.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base32.h"
#include "crypto.h"
#include "ct.h"
#include "gf2m.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

constexpr char version_char = '1';
constexpr std::size_t data_per_line = share_line_length - 1;  // 19
constexpr std::size_t header_length = 12;                      // k n x L set-id
constexpr std::size_t checksum_length = 4;
const std::string format_hint =
    "a share is five groups of four characters per line; compare it with the printed envelope";

unsigned gf32_mul(unsigned a, unsigned b) noexcept { return detail::gf2m_mul<5, 0x25>(a, b); }

// share-format.md 5.4: C = (line+1) + sum_j d_j * alpha^(j+1), alpha = x.
unsigned line_check(std::span<const std::uint8_t> data_values, std::size_t line_index) noexcept {
    unsigned sum = static_cast<unsigned>(line_index + 1) & 31u;
    unsigned w = 2;  // alpha^1
    for (const std::uint8_t d : data_values) {
        sum ^= gf32_mul(d, w);
        w = gf32_mul(w, 2);
    }
    return sum;
}

std::string line_name(std::size_t index) { return "line " + std::to_string(index + 1); }

std::string lines_list(const std::vector<std::size_t>& lines) {
    std::string s = lines.size() == 1 ? "line " : "lines ";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        s += (i == 0 ? "" : (i + 1 == lines.size() ? " and " : ", ")) + std::to_string(lines[i] + 1);
    }
    return s;
}

// Canonical characters of `text`: separators and comment lines dropped,
// each character replaced by its 5-bit value. Throws naming the printed
// position of a character outside the alphabet.
SecretBytes to_values(std::span<const char> text, std::size_t first_line_index) {
    SecretBytes values(text.size());
    auto out = values.expose();
    std::size_t n = 0;
    bool line_start = true;
    bool comment = false;
    for (const char c : text) {
        // The layout (line breaks, separators, comments) is public; the
        // share characters are not. Classify each character with masks and
        // reveal only its class.
        const auto u = static_cast<unsigned char>(c);
        const unsigned newline = detail::ct_eq_mask(u, '\n');
        const unsigned separator = detail::ct_eq_mask(u, ' ') | detail::ct_eq_mask(u, '\t') |
                                   detail::ct_eq_mask(u, '\r') | detail::ct_eq_mask(u, '-');
        const unsigned hash = detail::ct_eq_mask(u, '#');
        const unsigned cls = detail::declassified((newline & 1u) | (separator & 2u) | (hash & 4u));
        if (cls == 1u) {
            line_start = true;
            comment = false;
            continue;
        }
        if (comment || cls == 2u) {
            continue;
        }
        if (line_start && cls == 4u) {
            comment = true;
            continue;
        }
        line_start = false;
        const int v = detail::base32_value(c);
        if (v < 0) {
            const std::size_t line = first_line_index + n / share_line_length;
            throw Error(Errc::bad_format,
                        line_name(line) + ", character " + std::to_string(n % share_line_length + 1) +
                            " is not a share character",
                        "shares use digits and the letters A-Z except I, L, O and U");
        }
        out[n++] = static_cast<std::uint8_t>(v);
    }
    values.truncate(n);
    return values;
}

// Checks every canonical line of `values` (which starts at line
// first_line_index) and returns the lines whose check character fails.
std::vector<std::size_t> bad_lines(std::span<const std::uint8_t> values, std::size_t first_line_index) {
    std::vector<std::size_t> bad;
    for (std::size_t start = 0, line = first_line_index; start < values.size();
         start += share_line_length, ++line) {
        const std::size_t len = std::min(share_line_length, values.size() - start);
        const auto chunk = values.subspan(start, len);
        if (len < 2) {
            bad.push_back(line);  // a lone check character: something is missing
            continue;
        }
        // Whether a line checks is public (it is what we report).
        if (detail::declassified(line_check(chunk.first(len - 1), line) ^ chunk[len - 1]) != 0) {
            bad.push_back(line);
        }
    }
    return bad;
}

// The data values (check characters removed) of canonical values.
SecretBytes strip_checks(std::span<const std::uint8_t> values) {
    SecretBytes data(values.size());
    auto out = data.expose();
    std::size_t n = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const bool last_of_line = (i % share_line_length == share_line_length - 1) || i + 1 == values.size();
        if (!last_of_line) {
            out[n++] = values[i];
        }
    }
    data.truncate(n);
    return data;
}

// Unpacks 5-bit values into bytes; false when leftover bits are not zero
// or a whole character is left over (the text was not made by encode).
bool unpack(std::span<const std::uint8_t> values, SecretBytes& bytes) {
    const std::size_t total_bits = values.size() * 5;
    bytes = SecretBytes(total_bits / 8);
    auto out = bytes.expose();
    unsigned acc = 0;
    unsigned bits = 0;
    std::size_t o = 0;
    for (const std::uint8_t v : values) {
        acc = (acc << 5) | v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = static_cast<std::uint8_t>(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    const bool clean = bits < 5 && detail::declassified(acc) == 0;
    acc = 0;
    return clean;
}

std::array<std::uint8_t, 32> body_checksum(std::span<const std::uint8_t> body_without_checksum) {
    const std::uint8_t version = 1;
    return detail::sha256({detail::label("tapekey share v1 checksum"), {&version, 1}, body_without_checksum});
}

std::size_t data_chars_for(std::size_t secret_length) {
    return 1 + detail::base32_length(header_length + secret_length + share_digest_length + checksum_length);
}

// Encodes into `out` either grouped lines or one spaced line.
SecretBytes encode(const Share& s, char line_separator) {
    const std::size_t body_len = header_length + s.payload.size() + checksum_length;
    SecretBytes body(body_len);
    auto b = body.expose();
    b[0] = s.threshold;
    b[1] = s.total;
    b[2] = s.index;
    b[3] = s.secret_length;
    std::copy(s.set_id.bytes.begin(), s.set_id.bytes.end(), b.begin() + 4);
    std::copy(s.payload.expose().begin(), s.payload.expose().end(), b.begin() + header_length);
    const auto sum = body_checksum(b.first(body_len - checksum_length));
    std::copy_n(sum.begin(), checksum_length, b.end() - checksum_length);

    // Data characters: the version, then the body in base 32.
    SecretBytes data(1 + detail::base32_length(body_len));
    auto d = data.expose();
    d[0] = version_char;
    detail::base32_encode_to(b, d.subspan(1));

    const std::size_t lines = (d.size() + data_per_line - 1) / data_per_line;
    SecretBytes values(data_per_line);
    // Worst case: every line full, a separator after every group.
    SecretBytes text(lines * (share_line_length + share_groups_per_line));
    auto t = text.expose();
    std::size_t o = 0;
    for (std::size_t line = 0; line < lines; ++line) {
        const std::size_t start = line * data_per_line;
        const std::size_t len = std::min(data_per_line, d.size() - start);
        auto v = values.expose().first(len);
        for (std::size_t i = 0; i < len; ++i) {
            v[i] = static_cast<std::uint8_t>(detail::base32_value(static_cast<char>(d[start + i])));
        }
        const char check = detail::base32_char(line_check(v, line));
        for (std::size_t i = 0; i <= len; ++i) {
            if (i > 0 && i % share_group_length == 0) {
                t[o++] = ' ';
            }
            t[o++] = static_cast<std::uint8_t>(i < len ? d[start + i] : static_cast<std::uint8_t>(check));
        }
        t[o++] = static_cast<std::uint8_t>(line + 1 < lines ? line_separator : '\n');
    }
    if (line_separator != '\n') {
        --o;  // one line: no final newline
    }
    text.truncate(o);
    return text;
}

}  // namespace

SecretBytes encode_share_text(const Share& share) { return encode(share, '\n'); }

SecretBytes encode_share_line(const Share& share) { return encode(share, ' '); }

Share decode_share_text(std::span<const char> text) {
    SecretBytes values = to_values(text, 0);
    const auto v = values.expose();
    if (v.empty()) {
        throw Error(Errc::bad_format, "the share is empty", format_hint);
    }
    const auto bad = bad_lines(v, 0);
    if (!bad.empty()) {
        throw Error(Errc::checksum,
                    lines_list(bad) + (bad.size() == 1 ? " has" : " have") +
                        " a typo (the check character at the end of the line does not match)",
                    "retype " + std::string(bad.size() == 1 ? "that line" : "those lines") +
                        " from the envelope; O/0 and I/1/L need not be told apart");
    }
    SecretBytes data = strip_checks(v);
    const auto d = data.expose();
    detail::declassify(d.data(), 1);  // the version character is public
    if (d[0] != static_cast<std::uint8_t>(detail::base32_value(version_char))) {
        throw Error(Errc::unsupported,
                    "line 1: share format version " + std::string(1, detail::base32_char(d[0])) +
                        " is not supported",
                    "this build reads format 1; use the tapekey release that made the share");
    }
    SecretBytes body;
    const bool clean = unpack(d.subspan(1), body);
    const auto b = body.expose();
    detail::declassify(b.data(), std::min(b.size(), header_length));  // k, n, x, length, set id: printed in clear
    if (b.size() < header_length + checksum_length) {
        throw Error(Errc::bad_format, "the share is too short (" + std::to_string(v.size()) + " characters)",
                    "a line may be missing; " + format_hint);
    }
    const std::size_t secret_length = b[3];
    const std::size_t want = data_chars_for(secret_length);
    if (secret_length < min_secret_length || secret_length > max_secret_length) {
        throw Error(Errc::bad_format, "line 1: the share header names an impossible secret length",
                    "the share is damaged; " + format_hint);
    }
    if (d.size() != want) {
        const std::size_t want_total = want + (want + data_per_line - 1) / data_per_line;
        throw Error(Errc::bad_format,
                    "the share has " + std::to_string(v.size()) + " characters, a share of a " +
                        std::to_string(secret_length) + "-byte secret has " + std::to_string(want_total),
                    std::string(v.size() < want_total ? "a group or a line is missing; " : "there is extra text; ") +
                        format_hint);
    }
    if (!clean) {
        throw Error(Errc::bad_format, "the last character of the share has bits set that must be zero",
                    "the share was not written by tapekey or was altered; set it aside");
    }
    const auto sum = body_checksum(b.first(b.size() - checksum_length));
    if (!ct_equal(std::span(sum).first(checksum_length), b.last(checksum_length))) {
        throw Error(Errc::checksum,
                    "every line checks but the share checksum does not match",
                    "there are several typos, or the share was altered; retype it from the envelope");
    }
    Share s;
    s.version = 1;
    s.threshold = b[0];
    s.total = b[1];
    s.index = b[2];
    s.secret_length = static_cast<std::uint8_t>(secret_length);
    std::copy_n(b.begin() + 4, s.set_id.bytes.size(), s.set_id.bytes.begin());
    s.payload = SecretBytes::copy_of(b.subspan(header_length, secret_length + share_digest_length));
    if (s.index == 0) {
        throw Error(Errc::bad_format, "the share has index 0, which no split produces",
                    "the share was forged; set it aside");
    }
    if (s.threshold < 2 || s.total < s.threshold || s.index > s.total) {
        throw Error(Errc::bad_format, "line 1: the share header is inconsistent (k, n or index)",
                    "the share is damaged or forged; set it aside");
    }
    return s;
}

void check_share_line(std::span<const char> line, std::size_t line_number) {
    if (line_number == 0) {
        throw Error(Errc::usage, "line numbers start at 1");
    }
    const std::size_t index = line_number - 1;
    SecretBytes values = to_values(line, index);
    const auto v = values.expose();
    if (v.size() > share_line_length) {
        throw Error(Errc::bad_format, line_name(index) + " has " + std::to_string(v.size()) + " characters, at most " +
                                          std::to_string(share_line_length) + " fit on a line",
                    format_hint);
    }
    if (!bad_lines(v, index).empty()) {
        throw Error(Errc::checksum, line_name(index) + " has a typo (its check character does not match)",
                    "retype the line from the envelope");
    }
    if (index == 0 && detail::declassified(v[0]) != static_cast<std::uint8_t>(detail::base32_value(version_char))) {
        throw Error(Errc::unsupported, "line 1: this share format version is not supported",
                    "this build reads format 1; use the tapekey release that made the share");
    }
}

std::size_t share_line_count(std::span<const char> first_line) {
    check_share_line(first_line, 1);
    SecretBytes values = to_values(first_line, 0);
    const auto v = values.expose();
    if (v.size() != share_line_length) {
        throw Error(Errc::bad_format, "line 1 is short", format_hint);
    }
    // Data characters 1..18 of line 1 hold the first 11 body bytes; byte 3
    // is the secret length.
    SecretBytes head;
    (void)unpack(v.subspan(1, data_per_line - 1), head);
    detail::declassify(head.expose().data(), head.size());  // header bytes are public
    const std::size_t secret_length = head.expose()[3];
    if (secret_length < min_secret_length || secret_length > max_secret_length) {
        throw Error(Errc::bad_format, "line 1: the share header names an impossible secret length", format_hint);
    }
    return (data_chars_for(secret_length) + data_per_line - 1) / data_per_line;
}

}  // namespace tapekey
