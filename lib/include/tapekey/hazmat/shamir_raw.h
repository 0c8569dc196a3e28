// tapekey/hazmat/shamir_raw.h: raw Shamir arithmetic. HAZARDOUS.
//
// No digest, no set id, no checks that shares belong together: a wrong or
// forged share gives a wrong result without any error. Use tapekey/shamir.h
// unless you are interoperating with another format (the tests use this to
// exchange shares with Botan's RTSS, which works in the same field).
//
// Field: GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B).
// The secret is the value at x = 0; shares are the values at x = 1..n.
// Constant time in the secret values; the x coordinates are public.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tapekey/random.h"
#include "tapekey/secret.h"

namespace tapekey::hazmat {

// Multiplication in GF(2^8), constant time (no table, no branch on a or b).
std::uint8_t gf256_mul(std::uint8_t a, std::uint8_t b) noexcept;
// Inverse in GF(2^8) (a^254), constant time; gf256_inv(0) == 0.
std::uint8_t gf256_inv(std::uint8_t a) noexcept;

// Returns ys[i] = f(i+1) for i < n, where f has f(0) = value byte-wise and
// threshold-1 random coefficients per byte drawn from rng in order
// (coefficient of x^1 for every byte, then x^2, ...).
// Requires 1 <= threshold <= n <= 255.
std::vector<SecretBytes> split_raw(std::span<const std::uint8_t> value, unsigned threshold,
                                   unsigned n, Rng& rng);

// Evaluates at x = at the polynomial through the points (xs[i], ys[i]).
// xs must be distinct and ys of equal length; the degree is xs.size()-1.
// Throws Error(Errc::usage) when xs are not distinct or sizes differ.
SecretBytes interpolate(std::span<const std::uint8_t> xs, std::span<const SecretBytes> ys,
                        std::uint8_t at = 0);

}  // namespace tapekey::hazmat
