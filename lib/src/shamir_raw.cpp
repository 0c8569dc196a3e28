// Shamir arithmetic over GF(2^8) with the AES polynomial (0x11B).
//
// Constant time: multiplication is shift-and-add with masks, so neither the
// operands nor their bits select a branch or a memory address; inversion is
// a fixed square-and-multiply chain for a^254 (Fermat: a^255 = 1). The x
// coordinates are public (they are printed on every share), so the Lagrange
// coefficients computed from them need not be secret; we compute them with
// the same constant-time functions anyway, because it costs nothing.
#include "tapekey/hazmat/shamir_raw.h"

#include <string>

#include "gf2m.h"
#include "tapekey/error.h"

namespace tapekey::hazmat {

std::uint8_t gf256_mul(std::uint8_t a, std::uint8_t b) noexcept {
    return static_cast<std::uint8_t>(detail::gf2m_mul<8, 0x11B>(a, b));
}

std::uint8_t gf256_inv(std::uint8_t a) noexcept {
    // a^254 = a^(2+4+8+16+32+64+128)
    std::uint8_t sq = gf256_mul(a, a);     // a^2
    std::uint8_t r = sq;                   // a^2
    for (int i = 0; i < 6; ++i) {
        sq = gf256_mul(sq, sq);            // a^4, a^8, ..., a^128
        r = gf256_mul(r, sq);
    }
    return r;
}

std::vector<SecretBytes> split_raw(std::span<const std::uint8_t> value, unsigned threshold, unsigned n,
                                   Rng& rng) {
    if (threshold < 1 || threshold > n || n > 255) {
        throw Error(Errc::usage, "split: need 1 <= k <= n <= 255, got k=" + std::to_string(threshold) +
                                     " n=" + std::to_string(n));
    }
    const std::size_t len = value.size();
    // coeffs[(d-1)*len + b] is the coefficient of x^d of byte b's polynomial.
    SecretBytes coeffs((threshold - 1) * len);
    rng.fill(coeffs.expose());
    const auto c = coeffs.expose();

    std::vector<SecretBytes> ys;
    ys.reserve(n);
    for (unsigned x = 1; x <= n; ++x) {
        SecretBytes y(len);
        auto out = y.expose();
        const auto xb = static_cast<std::uint8_t>(x);
        for (std::size_t b = 0; b < len; ++b) {
            // Horner: ((c_{k-1} x + c_{k-2}) x + ... + c_1) x + value
            std::uint8_t acc = 0;
            for (unsigned d = threshold - 1; d >= 1; --d) {
                acc = static_cast<std::uint8_t>(gf256_mul(acc, xb) ^ c[(d - 1) * len + b]);
            }
            out[b] = static_cast<std::uint8_t>(gf256_mul(acc, xb) ^ value[b]);
        }
        ys.push_back(std::move(y));
    }
    return ys;
}

SecretBytes interpolate(std::span<const std::uint8_t> xs, std::span<const SecretBytes> ys, std::uint8_t at) {
    if (xs.empty() || xs.size() != ys.size()) {
        throw Error(Errc::usage, "interpolate: need as many y values as x values, and at least one");
    }
    const std::size_t len = ys[0].size();
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (ys[i].size() != len) {
            throw Error(Errc::usage, "interpolate: y values differ in length");
        }
        for (std::size_t j = i + 1; j < xs.size(); ++j) {
            if (xs[i] == xs[j]) {
                throw Error(Errc::usage, "interpolate: x = " + std::to_string(xs[i]) + " appears twice");
            }
        }
    }
    SecretBytes result(len);
    auto out = result.expose();
    for (std::size_t i = 0; i < xs.size(); ++i) {
        // Lagrange basis polynomial i evaluated at `at` (public values only):
        // l_i(at) = prod_{j != i} (at - x_j) / (x_i - x_j); minus is xor here.
        std::uint8_t num = 1;
        std::uint8_t den = 1;
        for (std::size_t j = 0; j < xs.size(); ++j) {
            if (j != i) {
                num = gf256_mul(num, static_cast<std::uint8_t>(at ^ xs[j]));
                den = gf256_mul(den, static_cast<std::uint8_t>(xs[i] ^ xs[j]));
            }
        }
        const std::uint8_t li = gf256_mul(num, gf256_inv(den));
        const auto y = ys[i].expose();
        for (std::size_t b = 0; b < len; ++b) {
            out[b] = static_cast<std::uint8_t>(out[b] ^ gf256_mul(li, y[b]));
        }
    }
    return result;
}

}  // namespace tapekey::hazmat
