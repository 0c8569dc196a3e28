// ct.h: constant-time helpers (private).
//
// Masks are all-ones or all-zeros; they are built with arithmetic, never with
// a branch, so the compiler sees no control flow on secret values. The
// valgrind test (tests/ct/) checks the result on the compiled code.
#pragma once

#include <cstddef>
#include <cstdint>

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TAPEKEY_HAVE_MEMCHECK 1
#endif

namespace tapekey::detail {

// 0xFF if a < b else 0x00, for a, b < 2^15.
inline std::uint8_t ct_lt_mask(unsigned a, unsigned b) noexcept {
    return static_cast<std::uint8_t>(0u - ((a - b) >> 31));
}
// 0xFF if a == b else 0x00, for a, b < 2^15.
inline std::uint8_t ct_eq_mask(unsigned a, unsigned b) noexcept {
    const unsigned d = a ^ b;
    return static_cast<std::uint8_t>(((d - 1u) >> 31) * 0xFFu);
}
// 0xFF if the low bit of v is set.
inline std::uint8_t ct_bit_mask(unsigned v) noexcept {
    return static_cast<std::uint8_t>(0u - (v & 1u));
}

// Marks a value derived from secrets as public on purpose (whether a check
// character matches, whether a share is well formed). Under valgrind this
// tells memcheck the bytes are defined, so the constant-time test only
// reports leaks we did not decide on; elsewhere it costs a few instructions.
inline void declassify(const void* p, std::size_t n) noexcept {
#ifdef TAPEKEY_HAVE_MEMCHECK
    (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
    (void)p;
    (void)n;
#endif
}
template <typename T>
inline T declassified(T v) noexcept {
    declassify(&v, sizeof v);
    return v;
}

}  // namespace tapekey::detail
