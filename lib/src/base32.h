// base32.h: Crockford's base-32 alphabet, constant time (private).
//
// Alphabet: 0123456789ABCDEFGHJKMNPQRSTVWXYZ (no I, L, O, U). Reading maps
// O to 0 and I, L to 1, and ignores case. Bits are packed most significant
// first, as in RFC 4648, without padding characters.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tapekey::detail {

// The character for a 5-bit value, computed without a table.
char base32_char(unsigned v) noexcept;

// The 5-bit value of a character (after case folding and the O/I/L
// mapping), or -1 when the character is not in the alphabet. The result is
// computed without a table; only validity is a branch.
int base32_value(char c) noexcept;

// Number of characters for n bytes: ceil(8n/5).
constexpr std::size_t base32_length(std::size_t n) noexcept { return (8 * n + 4) / 5; }

// Writes base32_length(in.size()) characters to out (which must be at least
// that long); the unused low bits of the last character are zero.
void base32_encode_to(std::span<const std::uint8_t> in, std::span<std::uint8_t> out) noexcept;
std::string base32_encode(std::span<const std::uint8_t> in);

// Strict decoding of public text (ids, keys in files): exactly
// base32_length(out.size()) characters of the alphabet (case, O/I/L
// tolerated as in reading shares; '-' separators skipped) and zero
// completion bits. Returns false otherwise.
bool base32_decode_to(std::string_view text, std::span<std::uint8_t> out) noexcept;

// Inserts `sep` after every `n` characters.
std::string group(std::string_view s, std::size_t n, char sep);

}  // namespace tapekey::detail
