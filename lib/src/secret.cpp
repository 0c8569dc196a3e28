// The secure-heap buffer behind SecretBytes, and the helpers that go with it.
#include "tapekey/secret.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <mutex>
#include <utility>

#include "ct.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

// 1 MiB: far more than tapekey ever holds (keys, shares, a few KiB of
// text), and below the 8 MiB default RLIMIT_MEMLOCK of an unprivileged user.
// Must be a power of two (OpenSSL aborts otherwise).
constexpr std::size_t heap_size = 1u << 20;
constexpr int heap_min_block = 16;

}  // namespace

SecureHeap secure_heap_init() {
    static std::once_flag once;
    static int rc = 0;
    std::call_once(once, [] {
        rc = CRYPTO_secure_malloc_initialized() ? 1 : CRYPTO_secure_malloc_init(heap_size, heap_min_block);
        // The DRBGs OpenSSL creates from now on (its primary and private ones,
        // in this secure heap) are Hash_DRBG with SHA-256 (NIST SP 800-90A
        // Rev. 1, section 10.1.1; security strength 256 bits, seeded by the
        // kernel) instead of the default CTR_DRBG with AES-256. Both are
        // approved; Hash_DRBG needs only SHA-256, which tapekey loads anyway,
        // and so starts about 3.5 million instructions sooner, which is most
        // of a short command's run (bench/compare).
        RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
    });
    if (rc == 0) {
        throw Error(Errc::resource, "cannot create the secure memory heap",
                    "check the memory lock limit (ulimit -l) and free memory");
    }
    return rc == 1 ? SecureHeap::locked : SecureHeap::unlocked;
}

void secure_wipe(void* data, std::size_t size) noexcept {
    if (data != nullptr && size != 0) {
        OPENSSL_cleanse(data, size);
    }
}

void secure_wipe(std::span<std::uint8_t> bytes) noexcept { secure_wipe(bytes.data(), bytes.size()); }

bool ct_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) {
        return false;  // lengths are public
    }
    if (a.empty()) {
        return true;
    }
    // The verdict is public by contract; the bytes compared are not.
    return detail::declassified(CRYPTO_memcmp(a.data(), b.data(), a.size())) == 0;
}

SecretBytes::SecretBytes(std::size_t size) {
    if (size == 0) {
        return;
    }
    secure_heap_init();
    void* p = OPENSSL_secure_zalloc(size);
    if (p == nullptr) {
        throw Error(Errc::resource, "out of secure memory");
    }
    m_data = static_cast<std::uint8_t*>(p);
    m_size = size;
}

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
    SecretBytes s(bytes.size());
    if (!bytes.empty()) {
        std::memcpy(s.m_data, bytes.data(), bytes.size());
    }
    return s;
}

SecretBytes::~SecretBytes() { reset(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        reset();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBytes SecretBytes::clone() const { return copy_of(expose()); }

void SecretBytes::truncate(std::size_t n) noexcept {
    if (n < m_size) {
        secure_wipe(m_data + n, m_size - n);
        m_size = n;
    }
}

void SecretBytes::reset() noexcept {
    if (m_data != nullptr) {
        // OPENSSL_secure_clear_free wipes before freeing; it also handles a
        // buffer that came from the ordinary heap (no secure heap available).
        OPENSSL_secure_clear_free(m_data, m_size);
    }
    m_data = nullptr;
    m_size = 0;
}

SecretBytes secret_from_hex(std::span<const char> text, std::string_view what) {
    // First pass: count digits and find the first bad character. The
    // character classes are computed with masks, so the branch below
    // depends only on whether the input is well formed (public).
    std::size_t digits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':') {
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        const std::uint8_t is_digit = static_cast<std::uint8_t>(~detail::ct_lt_mask(u, '0') & detail::ct_lt_mask(u, '9' + 1));
        const unsigned lower = u | 0x20u;
        const std::uint8_t is_alpha = static_cast<std::uint8_t>(~detail::ct_lt_mask(lower, 'a') & detail::ct_lt_mask(lower, 'f' + 1));
        if ((is_digit | is_alpha) == 0) {
            throw Error(Errc::bad_format,
                        std::string(what) + ": character " + std::to_string(i + 1) + " is not a hex digit",
                        "give the secret as hexadecimal digits, or use --raw for binary input");
        }
        ++digits;
    }
    if (digits % 2 != 0) {
        throw Error(Errc::bad_format, std::string(what) + ": odd number of hex digits (" + std::to_string(digits) + ")",
                    "a byte is two hex digits; check for a missing or extra digit");
    }
    SecretBytes out(digits / 2);
    auto bytes = out.expose();
    std::size_t n = 0;
    unsigned acc = 0;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':') {
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        const std::uint8_t is_digit = static_cast<std::uint8_t>(~detail::ct_lt_mask(u, '0') & detail::ct_lt_mask(u, '9' + 1));
        const unsigned lower = u | 0x20u;
        const unsigned v = (is_digit & (u - '0')) | (static_cast<std::uint8_t>(~is_digit) & (lower - 'a' + 10));
        acc = (acc << 4) | (v & 0xFu);
        if (++n % 2 == 0) {
            bytes[n / 2 - 1] = static_cast<std::uint8_t>(acc);
            acc = 0;
        }
    }
    return out;
}

SecretBytes secret_to_hex(std::span<const std::uint8_t> bytes) {
    SecretBytes out(bytes.size() * 2);
    auto chars = out.expose();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (unsigned half = 0; half < 2; ++half) {
            const unsigned v = half == 0 ? (bytes[i] >> 4u) : (bytes[i] & 0xFu);
            // '0'+v for v < 10, 'a'+v-10 otherwise; selected by mask.
            const unsigned alpha = detail::ct_lt_mask(9, v);  // 0xFF if v > 9
            chars[2 * i + half] = static_cast<std::uint8_t>('0' + v + (alpha & ('a' - '0' - 10)));
        }
    }
    return out;
}

}  // namespace tapekey
