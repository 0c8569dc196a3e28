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

// HKDF-SHA256 (RFC 5869): fills out from ikm, salt and info.
void hkdf_sha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                 std::span<const std::uint8_t> info, std::span<std::uint8_t> out);

// AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the
// ciphertext (NIST SP 800-38D). open returns false when the tag does not
// match (and leaves `out` wiped); other failures throw.
void aes256gcm_seal(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain,
                    std::span<std::uint8_t> out);
[[nodiscard]] bool aes256gcm_open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                  std::span<const std::uint8_t> aad, std::span<const std::uint8_t> sealed,
                                  std::span<std::uint8_t> out);
inline constexpr std::size_t gcm_tag_length = 16;
inline constexpr std::size_t gcm_nonce_length = 12;

// X25519 (RFC 7748): the public key of a 32-byte private key, and the
// shared secret. x25519 throws Error(integrity) for an all-zero result.
std::array<std::uint8_t, 32> x25519_public(std::span<const std::uint8_t> private_key);
void x25519(std::span<const std::uint8_t> private_key, std::span<const std::uint8_t> peer_public,
            std::span<std::uint8_t> shared);

// scrypt (RFC 7914) into out.
void scrypt(std::span<const std::uint8_t> passphrase, std::span<const std::uint8_t> salt, std::uint64_t n,
            std::uint32_t r, std::uint32_t p, std::span<std::uint8_t> out);

// Bytes of a string literal, without its terminating NUL.
template <std::size_t N>
std::span<const std::uint8_t> label(const char (&s)[N]) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(s), N - 1};
}

}  // namespace tapekey::detail
