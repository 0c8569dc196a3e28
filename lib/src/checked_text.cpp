// Checked lines of base-32 characters: share-format.md 5.4 and section 6.
#include "checked_text.h"

#include <algorithm>

#include "base32.h"
#include "ct.h"
#include "gf2m.h"
#include "tapekey/error.h"

namespace tapekey::detail {
namespace {

unsigned gf32_mul(unsigned a, unsigned b) noexcept { return gf2m_mul<5, 0x25>(a, b); }

}  // namespace

unsigned line_check(std::span<const std::uint8_t> data_values, std::size_t line_index) noexcept {
    unsigned sum = static_cast<unsigned>(line_index + 1) & 31u;
    unsigned w = 2;  // alpha^1
    for (const std::uint8_t d : data_values) {
        sum ^= gf32_mul(d, w);
        w = gf32_mul(w, 2);
    }
    return sum;
}

SecretBytes write_checked_lines(std::span<const std::uint8_t> d, char group_separator, char line_separator) {
    const std::size_t lines = (d.size() + checked_line_data - 1) / checked_line_data;
    SecretBytes values(checked_line_data);
    // Worst case: every line full, a separator after every group.
    SecretBytes text(lines * (checked_line_length + checked_line_length / checked_group));
    auto t = text.expose();
    std::size_t o = 0;
    for (std::size_t line = 0; line < lines; ++line) {
        const std::size_t start = line * checked_line_data;
        const std::size_t len = std::min(checked_line_data, d.size() - start);
        auto v = values.expose().first(len);
        for (std::size_t i = 0; i < len; ++i) {
            v[i] = static_cast<std::uint8_t>(base32_value(static_cast<char>(d[start + i])));
        }
        const char check = base32_char(line_check(v, line));
        for (std::size_t i = 0; i <= len; ++i) {
            if (i > 0 && i % checked_group == 0 && group_separator != '\0') {
                t[o++] = static_cast<std::uint8_t>(group_separator);
            }
            t[o++] = static_cast<std::uint8_t>(i < len ? d[start + i] : static_cast<std::uint8_t>(check));
        }
        if (line_separator != '\0' && (line + 1 < lines || line_separator == '\n')) {
            t[o++] = static_cast<std::uint8_t>(line_separator);
        }
    }
    text.truncate(o);
    return text;
}

SecretBytes checked_values(std::span<const char> text, std::size_t first_line_index, const std::string& what,
                           const std::string& hint) {
    SecretBytes values(text.size());
    auto out = values.expose();
    std::size_t n = 0;
    bool line_start = true;
    bool comment = false;
    for (const char c : text) {
        // The layout (line breaks, separators, comments) is public; the
        // characters are not. Classify each character with masks and
        // reveal only its class.
        const auto u = static_cast<unsigned char>(c);
        const unsigned newline = ct_eq_mask(u, '\n');
        const unsigned separator = ct_eq_mask(u, ' ') | ct_eq_mask(u, '\t') | ct_eq_mask(u, '\r') | ct_eq_mask(u, '-');
        const unsigned hash = ct_eq_mask(u, '#');
        const unsigned cls = declassified((newline & 1u) | (separator & 2u) | (hash & 4u));
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
        const int v = base32_value(c);
        if (v < 0) {
            const std::size_t line = first_line_index + n / checked_line_length;
            throw Error(Errc::bad_format,
                        "line " + std::to_string(line + 1) + ", character " +
                            std::to_string(n % checked_line_length + 1) + " is not a " + what + " character",
                        hint);
        }
        out[n++] = static_cast<std::uint8_t>(v);
    }
    values.truncate(n);
    return values;
}

std::vector<std::size_t> bad_lines(std::span<const std::uint8_t> values, std::size_t first_line_index) {
    std::vector<std::size_t> bad;
    for (std::size_t start = 0, line = first_line_index; start < values.size();
         start += checked_line_length, ++line) {
        const std::size_t len = std::min(checked_line_length, values.size() - start);
        const auto chunk = values.subspan(start, len);
        if (len < 2) {
            bad.push_back(line);  // a lone check character: something is missing
            continue;
        }
        // Whether a line checks is public (it is what we report).
        if (declassified(line_check(chunk.first(len - 1), line) ^ chunk[len - 1]) != 0) {
            bad.push_back(line);
        }
    }
    return bad;
}

std::string lines_list(const std::vector<std::size_t>& lines) {
    std::string s = lines.size() == 1 ? "line " : "lines ";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        s += (i == 0 ? "" : (i + 1 == lines.size() ? " and " : ", ")) + std::to_string(lines[i] + 1);
    }
    return s;
}

SecretBytes strip_checks(std::span<const std::uint8_t> values) {
    SecretBytes data(values.size());
    auto out = data.expose();
    std::size_t n = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const bool last_of_line = (i % checked_line_length == checked_line_length - 1) || i + 1 == values.size();
        if (!last_of_line) {
            out[n++] = values[i];
        }
    }
    data.truncate(n);
    return data;
}

bool unpack_values(std::span<const std::uint8_t> values, SecretBytes& bytes) {
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
    const bool clean = bits < 5 && declassified(acc) == 0;
    acc = 0;
    return clean;
}

}  // namespace tapekey::detail
