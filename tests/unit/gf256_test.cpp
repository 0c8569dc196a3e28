// GF(2^8) arithmetic against a slow reference: carry-less multiplication to
// 15 bits, then long division by the AES polynomial 0x11B (FIPS 197, 4.2).
#include <doctest/doctest.h>

#include "tapekey/hazmat/shamir_raw.h"

namespace {

unsigned slow_mul(unsigned a, unsigned b) {
    unsigned p = 0;
    for (unsigned i = 0; i < 8; ++i) {
        if ((b >> i) & 1u) {
            p ^= a << i;
        }
    }
    for (int bit = 14; bit >= 8; --bit) {
        if ((p >> bit) & 1u) {
            p ^= 0x11Bu << (bit - 8);
        }
    }
    return p;
}

}  // namespace

TEST_CASE("gf256_mul agrees with the reference on all 65,536 products") {
    unsigned mismatches = 0;
    for (unsigned a = 0; a < 256; ++a) {
        for (unsigned b = 0; b < 256; ++b) {
            const unsigned got = tapekey::hazmat::gf256_mul(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
            if (got != slow_mul(a, b)) {
                ++mismatches;
                CAPTURE(a);
                CAPTURE(b);
                CHECK(got == slow_mul(a, b));
            }
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("gf256 known answers from FIPS 197") {
    // FIPS 197 section 4.2: {57} x {83} = {c1}; section 4.2.1: {57} x {13} = {fe}.
    CHECK(tapekey::hazmat::gf256_mul(0x57, 0x83) == 0xC1);
    CHECK(tapekey::hazmat::gf256_mul(0x57, 0x13) == 0xFE);
}

TEST_CASE("gf256_inv is the inverse of every non-zero element") {
    for (unsigned a = 1; a < 256; ++a) {
        CAPTURE(a);
        const auto inv = tapekey::hazmat::gf256_inv(static_cast<std::uint8_t>(a));
        CHECK(tapekey::hazmat::gf256_mul(static_cast<std::uint8_t>(a), inv) == 1);
    }
    CHECK(tapekey::hazmat::gf256_inv(0) == 0);
}
