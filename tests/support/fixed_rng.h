// Deterministic generators for tests: FixedRng hands out given bytes and
// fails when they run out (so a vector states exactly what split consumes);
// CountingRng is an endless, reproducible stream for property tests.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "tapekey/random.h"

namespace tapekey::test {

class FixedRng final : public Rng {
public:
    explicit FixedRng(std::vector<std::uint8_t> bytes) : m_bytes(std::move(bytes)) {}
    void fill(std::span<std::uint8_t> out) override {
        if (m_pos + out.size() > m_bytes.size()) {
            throw std::runtime_error("FixedRng: vector has too few random bytes");
        }
        for (auto& b : out) {
            b = m_bytes[m_pos++];
        }
    }
    std::size_t remaining() const { return m_bytes.size() - m_pos; }

private:
    std::vector<std::uint8_t> m_bytes;
    std::size_t m_pos = 0;
};

// xorshift64*: not cryptographic, only reproducible.
class CountingRng final : public Rng {
public:
    explicit CountingRng(std::uint64_t seed) : m_state(seed | 1u) {}
    void fill(std::span<std::uint8_t> out) override {
        for (auto& b : out) {
            m_state ^= m_state >> 12;
            m_state ^= m_state << 25;
            m_state ^= m_state >> 27;
            b = static_cast<std::uint8_t>((m_state * 2685821657736338717ull) >> 56);
        }
    }

private:
    std::uint64_t m_state;
};

}  // namespace tapekey::test
