// gf2m.h: multiplication in GF(2^m), constant time (private).
//
// Shift-and-add with masks: neither operand selects a branch or a memory
// address. Used for GF(2^8) (Shamir, modulus 0x11B, FIPS 197 section 4.2)
// and GF(2^5) (share line checks, modulus 0x25, share-format.md 5.4).
#pragma once

namespace tapekey::detail {

template <unsigned Bits, unsigned Modulus>
constexpr unsigned gf2m_mul(unsigned a, unsigned b) noexcept {
    static_assert(Modulus >> Bits == 1, "the modulus must have degree Bits");
    constexpr unsigned mask = (1u << Bits) - 1u;
    constexpr unsigned reduce = Modulus & mask;
    unsigned r = 0;
    for (unsigned i = 0; i < Bits; ++i) {
        r ^= a & (0u - (b & 1u));                    // add a when the low bit of b is set
        const unsigned carry = 0u - ((a >> (Bits - 1)) & 1u);
        a = ((a << 1) ^ (carry & reduce)) & mask;    // a *= x, reduced
        b >>= 1;
    }
    return r;
}

}  // namespace tapekey::detail
