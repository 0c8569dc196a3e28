// tapekey/generation.h: tape-key generations, their states, and how a
// cartridge names its generation in key-associated data.
//
// A generation is an AES-256 key with a random 64-bit id (never derived
// from the key). States follow NIST SP 800-57 Part 1 section 7 / KMIP:
// docs/design.md section 3. The on-tape form of the id is docs/spec/kad.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/drive.h"
#include "tapekey/random.h"

namespace tapekey {

struct GenerationId {
    std::array<std::uint8_t, 8> bytes{};
    friend bool operator==(const GenerationId&, const GenerationId&) = default;

    static GenerationId random(Rng& rng);
    // Grouped base 32, e.g. "8T5F-YF3S-586C-0".
    std::string to_string() const;
    // Parses the grouped or ungrouped form (case and O/I/L tolerated).
    static std::optional<GenerationId> parse(std::string_view text);
};

enum class GenerationState { pre_active, active, deactivated, compromised, destroyed };

const char* to_string(GenerationState s) noexcept;
std::optional<GenerationState> parse_generation_state(std::string_view s);
// The transition rule of docs/design.md section 3.
bool transition_allowed(GenerationState from, GenerationState to) noexcept;

// KAD for a generation (kad.md sections 2 and 3).
std::vector<std::uint8_t> generation_ukad(const GenerationId& id);
std::vector<std::uint8_t> generation_akad(const GenerationId& id);

// What the KADs of a block say (kad.md section 4).
struct KadReading {
    enum class Kind {
        none,          // the block carries no KAD
        generation,    // a tapekey generation id (in `id`)
        foreign,       // KAD of another tool; `shown` is printable text of it
        inconsistent,  // A-KAD and U-KAD name different generations
    } kind = Kind::none;
    std::optional<GenerationId> id;
    std::string shown;
};
KadReading read_kad(std::span<const Kad> kads);

}  // namespace tapekey
