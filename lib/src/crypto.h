// crypto.h: the few OpenSSL primitives the library uses, behind plain
// functions that throw tapekey::Error (private).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace tapekey::detail {

using Digest32 = std::array<std::uint8_t, 32>;

// SHA-256 of the concatenation of the given parts.
Digest32 sha256(std::initializer_list<std::span<const std::uint8_t>> parts);

// HMAC-SHA256(key, concatenation of parts). The caller wipes the result if
// it is secret.
Digest32 hmac_sha256(std::span<const std::uint8_t> key,
                     std::initializer_list<std::span<const std::uint8_t>> parts);

// Bytes of a string literal, without its terminating NUL.
template <std::size_t N>
std::span<const std::uint8_t> label(const char (&s)[N]) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s), N - 1};
}

}  // namespace tapekey::detail
