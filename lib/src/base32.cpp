#include "base32.h"

#include "ct.h"

namespace tapekey::detail {

char base32_char(unsigned v) noexcept {
    // '0'..'9' then 'A'.. skipping I (after H), L (after K), O (after N) and
    // U (after T): add one for every skipped letter below v.
    v &= 31u;
    unsigned c = '0' + v;
    c += ct_lt_mask(9, v) & 7u;    // v >= 10: into the letters
    c += ct_lt_mask(17, v) & 1u;   // v >= 18: skip I
    c += ct_lt_mask(19, v) & 1u;   // v >= 20: skip L
    c += ct_lt_mask(21, v) & 1u;   // v >= 22: skip O
    c += ct_lt_mask(26, v) & 1u;   // v >= 27: skip U
    return static_cast<char>(c);
}

int base32_value(char ch) noexcept {
    unsigned c = static_cast<unsigned char>(ch);
    const unsigned lower = ct_lt_mask(c, 'z' + 1) & ~ct_lt_mask(c, 'a') & 0xFFu;
    c -= lower & 0x20u;  // fold to upper case
    // Confusables: O reads as 0, I and L as 1.
    const unsigned is_o = ct_eq_mask(c, 'O');
    const unsigned is_one = ct_eq_mask(c, 'I') | ct_eq_mask(c, 'L');
    c = (c & ~(is_o | is_one) & 0xFFu) | (is_o & '0') | (is_one & '1');

    const unsigned digit = ct_lt_mask(c, '9' + 1) & ~ct_lt_mask(c, '0') & 0xFFu;
    const unsigned letter = ct_lt_mask(c, 'Z' + 1) & ~ct_lt_mask(c, 'A') & ~ct_eq_mask(c, 'U') & 0xFFu;
    unsigned v = c - 'A' + 10;
    v -= ct_lt_mask('H', c) & 1u;  // after H (I skipped)
    v -= ct_lt_mask('K', c) & 1u;  // after K (L skipped)
    v -= ct_lt_mask('N', c) & 1u;  // after N (O skipped)
    v -= ct_lt_mask('T', c) & 1u;  // after T (U skipped)
    const unsigned value = (digit & (c - '0')) | (letter & v);
    if (declassified(digit | letter) == 0) {  // well-formedness is public
        return -1;
    }
    return static_cast<int>(value & 31u);
}

void base32_encode_to(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) noexcept {
    std::size_t o = 0;
    unsigned acc = 0;
    unsigned bits = 0;
    for (const std::uint8_t b : in) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = static_cast<std::uint8_t>(base32_char((acc >> bits) & 31u));
        }
        acc &= (1u << bits) - 1u;
    }
    if (bits > 0) {
        out[o] = static_cast<std::uint8_t>(base32_char((acc << (5 - bits)) & 31u));
    }
}

std::string base32_encode(std::span<const std::uint8_t> in) {
    std::string s(base32_length(in.size()), '\0');
    base32_encode_to(in, {reinterpret_cast<std::uint8_t*>(s.data()), s.size()});
    return s;
}

bool base32_decode_to(std::string_view text, std::span<std::uint8_t> out) noexcept {
    std::size_t o = 0;
    std::size_t chars = 0;
    unsigned acc = 0;
    unsigned bits = 0;
    for (const char c : text) {
        if (c == '-') {
            continue;
        }
        const int v = base32_value(c);
        if (v < 0) {
            return false;
        }
        ++chars;
        acc = (acc << 5) | static_cast<unsigned>(v);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (o == out.size()) {
                return false;
            }
            out[o++] = static_cast<std::uint8_t>(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    return o == out.size() && chars == base32_length(out.size()) && acc == 0;
}

std::string group(std::string_view s, std::size_t n, char sep) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && i % n == 0) {
            out += sep;
        }
        out += s[i];
    }
    return out;
}

}  // namespace tapekey::detail
