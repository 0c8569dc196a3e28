// tapekey/secret.h: the one type for secret bytes.
//
// SecretBytes owns a buffer from OpenSSL's secure heap (mlock'd, excluded from
// core dumps, guarded) and wipes it on destruction, on move-from and on every
// error path. It cannot be copied implicitly (clone() is explicit), printed
// or streamed, and compares only in constant time. Raw access goes through
// expose(), so every place that touches key bytes is easy to find.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tapekey {

// Overwrites bytes in a way the compiler may not elide (OPENSSL_cleanse).
void secure_wipe(std::span<std::uint8_t> bytes) noexcept;
void secure_wipe(void* data, std::size_t size) noexcept;

// Compares two byte strings in time that depends only on their lengths.
bool ct_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// State of the secure heap after the first use. `locked` is what we want;
// `unlocked` means OpenSSL initialised it but could not mlock it (raise
// RLIMIT_MEMLOCK, or run with CAP_IPC_LOCK).
enum class SecureHeap { locked, unlocked };

// Initialises OpenSSL's secure heap once (idempotent, thread-safe) and
// reports its state. Called implicitly by SecretBytes and SystemRng; call it
// first thing in a program so OpenSSL's own DRBG state goes there too.
// Throws Error(Errc::resource) if it cannot be created at all.
SecureHeap secure_heap_init();

class SecretBytes {
public:
    SecretBytes() noexcept = default;
    // size zero-initialised secret bytes on the secure heap.
    explicit SecretBytes(std::size_t size);
    // Copies (and does not wipe) the given bytes; wipe the source yourself.
    static SecretBytes copy_of(std::span<const std::uint8_t> bytes);

    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    SecretBytes clone() const;

    std::size_t size() const noexcept { return m_size; }
    bool empty() const noexcept { return m_size == 0; }

    // The raw bytes. Grep for expose() to find every use of key material.
    std::span<std::uint8_t> expose() noexcept { return {m_data, m_size}; }
    std::span<const std::uint8_t> expose() const noexcept { return {m_data, m_size}; }

    // Shrinks to the first n bytes, wiping the rest (n <= size()).
    void truncate(std::size_t n) noexcept;
    // Wipes and releases the buffer.
    void reset() noexcept;

    friend bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept {
        return ct_equal(a.expose(), b.expose());
    }

private:
    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

// Decodes hexadecimal text (upper or lower case; spaces, tabs, line breaks and
// colons ignored) into secret bytes without branching on the digits.
// Throws Error(Errc::bad_format) naming `what` and the position of the first
// bad character; the message never contains the text itself.
SecretBytes secret_from_hex(std::span<const char> text, std::string_view what);

// Encodes secret bytes as lower-case hex into a SecretBytes of 2*size chars.
SecretBytes secret_to_hex(std::span<const std::uint8_t> bytes);

}  // namespace tapekey
