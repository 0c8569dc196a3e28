// bytes.h: a bounds-checked big-endian cursor for SCSI pages (private).
//
// Pages are parsed field by field with explicit shifts, never by casting
// packed structs (pitfall P17: bit order and an off-by-one struct in other
// projects). A read past the end throws Error(bad_format) naming the page,
// the field and its byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tapekey/error.h"

namespace tapekey::scsi {

class Reader {
public:
    Reader(std::span<const std::uint8_t> bytes, std::string what, std::size_t base = 0)
        : m_bytes(bytes), m_what(std::move(what)), m_base(base) {}

    std::size_t offset() const noexcept { return m_pos; }
    std::size_t remaining() const noexcept { return m_bytes.size() - m_pos; }
    bool done() const noexcept { return m_pos == m_bytes.size(); }

    std::uint8_t u8(const char* field) { return take(1, field)[0]; }
    std::uint16_t u16(const char* field) {
        const auto b = take(2, field);
        return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
    }
    std::uint32_t u32(const char* field) {
        const auto b = take(4, field);
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    }
    std::uint64_t u64(const char* field) {
        const std::uint64_t hi = u32(field);
        return (hi << 32) | u32(field);
    }
    std::span<const std::uint8_t> bytes(std::size_t n, const char* field) { return take(n, field); }
    void skip(std::size_t n, const char* field) { (void)take(n, field); }
    // A reader over the next n bytes (offsets in messages stay page-relative).
    Reader sub(std::size_t n, const char* field, std::string what) {
        const std::size_t at = m_base + m_pos;
        return Reader(take(n, field), std::move(what), at);
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw Error(Errc::bad_format, m_what + ": " + message,
                    "the drive sent a page tapekey cannot parse; run with --json and report it");
    }

private:
    std::span<const std::uint8_t> take(std::size_t n, const char* field) {
        if (n > remaining()) {
            fail(std::string(field) + " (byte " + std::to_string(m_base + m_pos) + ", " + std::to_string(n) +
                 " bytes) is past the end of the data (" + std::to_string(m_base + m_bytes.size()) + " bytes)");
        }
        const auto s = m_bytes.subspan(m_pos, n);
        m_pos += n;
        return s;
    }

    std::span<const std::uint8_t> m_bytes;
    std::string m_what;
    std::size_t m_base = 0;
    std::size_t m_pos = 0;
};

// Appends big-endian integers to a byte vector.
inline void put8(std::vector<std::uint8_t>& out, unsigned v) {
    out.push_back(static_cast<std::uint8_t>(v));
}
inline void put16(std::vector<std::uint8_t>& out, unsigned v) {
    put8(out, v >> 8);
    put8(out, v & 0xFF);
}
inline void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    put16(out, v >> 16);
    put16(out, v & 0xFFFF);
}
inline void put64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    put32(out, static_cast<std::uint32_t>(v >> 32));
    put32(out, static_cast<std::uint32_t>(v));
}
inline void set16(std::span<std::uint8_t> out, std::size_t at, std::size_t v) {
    out[at] = static_cast<std::uint8_t>(v >> 8);
    out[at + 1] = static_cast<std::uint8_t>(v);
}
inline void set32(std::span<std::uint8_t> out, std::size_t at, std::uint32_t v) {
    set16(out, at, v >> 16);
    set16(out, at + 2, v & 0xFFFF);
}
inline unsigned bits(unsigned byte, unsigned high, unsigned low) {
    return (byte >> low) & ((1u << (high - low + 1)) - 1);
}
inline bool bit(unsigned byte, unsigned n) {
    return ((byte >> n) & 1u) != 0;
}

}  // namespace tapekey::scsi
