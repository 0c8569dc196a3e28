// Share format v1, text form: docs/spec/share-format.md sections 3 to 5.
#include "tapekey/share_text.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base32.h"
#include "checked_text.h"
#include "crypto.h"
#include "ct.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

constexpr char version_char = '1';
constexpr std::size_t data_per_line = share_line_length - 1;  // 19
constexpr std::size_t header_length = 12;                      // k n x L set-id
constexpr std::size_t checksum_length = 4;
const std::string format_hint =
    "a share is five groups of four characters per line; compare it with the printed envelope";

using detail::bad_lines;
using detail::lines_list;
using detail::strip_checks;

std::string line_name(std::size_t index) { return "line " + std::to_string(index + 1); }

// share-format.md 6, step 1.
SecretBytes to_values(std::span<const char> text, std::size_t first_line_index) {
    return detail::checked_values(text, first_line_index, "share",
                                  "shares use digits and the letters A-Z except I, L, O and U");
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
    return detail::write_checked_lines(d, ' ', line_separator);
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
    const bool clean = detail::unpack_values(d.subspan(1), body);
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
    (void)detail::unpack_values(v.subspan(1, data_per_line - 1), head);
    detail::declassify(head.expose().data(), head.size());  // header bytes are public
    const std::size_t secret_length = head.expose()[3];
    if (secret_length < min_secret_length || secret_length > max_secret_length) {
        throw Error(Errc::bad_format, "line 1: the share header names an impossible secret length", format_hint);
    }
    return (data_chars_for(secret_length) + data_per_line - 1) / data_per_line;
}

}  // namespace tapekey
