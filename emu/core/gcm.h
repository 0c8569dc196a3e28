// gcm.h: the emulator's block cryptography (private to emu/core): AES-256-GCM
// with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D), the algorithm
// LTO drives use (security algorithm code 00010014h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tapeemu::gcm {

inline constexpr std::size_t tag_size = 16;

// ciphertext || tag
std::vector<std::uint8_t> seal(std::span<const std::uint8_t> key, std::span<const std::uint8_t, 12> nonce,
                               std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain);
// nullopt when the tag does not verify.
std::optional<std::vector<std::uint8_t>> open(std::span<const std::uint8_t> key,
                                              std::span<const std::uint8_t, 12> nonce,
                                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> sealed);
// A fresh random nonce (OpenSSL's DRBG).
std::array<std::uint8_t, 12> random_nonce();
// Eight bytes of HMAC-SHA256(key, label): stored with each block so a read
// can tell "another key" (07/74/03) from "damaged block" (07/74/04), as a
// drive does. It reveals nothing usable about the key.
std::array<std::uint8_t, 8> key_check(std::span<const std::uint8_t> key);

}  // namespace tapeemu::gcm
