// tapekey/random.h: randomness is a parameter.
//
// Every function that generates secret material takes an Rng&. Production
// code passes SystemRng (OpenSSL RAND_priv_bytes, the private DRBG); tests
// pass a fixed generator so generation becomes a known-answer test.
#pragma once

#include <cstdint>
#include <span>

namespace tapekey {

class Rng {
public:
    virtual ~Rng() = default;
    // Fills out with random bytes or throws Error(Errc::crypto).
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// OpenSSL's private DRBG (RAND_priv_bytes). Constructing one initialises the
// secure heap first, so the DRBG state itself lives in locked memory.
class SystemRng final : public Rng {
public:
    SystemRng();
    void fill(std::span<std::uint8_t> out) override;
};

}  // namespace tapekey
