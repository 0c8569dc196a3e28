// sense.h: SCSI sense data (SPC-4 sense data), both formats, into what happened and
// what to do (private). The emulator builds its sense with the same types.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tapekey::scsi {

// SPC-4 sense keys.
enum SenseKey : std::uint8_t {
    no_sense = 0x0,
    recovered_error = 0x1,
    not_ready = 0x2,
    medium_error = 0x3,
    hardware_error = 0x4,
    illegal_request = 0x5,
    unit_attention = 0x6,
    data_protect = 0x7,
    blank_check = 0x8,
    aborted_command = 0xB,
    volume_overflow = 0xD,
};

struct Sense {
    std::uint8_t key = 0;
    std::uint8_t asc = 0;
    std::uint8_t ascq = 0;
    bool filemark = false, eom = false, ili = false;  // stream bits (SSC-4)
    std::optional<std::uint64_t> information;         // VALID set
    // Sense-key specific field pointer (SPC-4, sense-key specific data), when SKSV is set.
    bool sksv = false;
    bool command = false;                     // C/D: 1 the CDB, 0 the parameter list
    std::optional<std::uint8_t> bit_pointer;  // BPV set
    std::uint16_t field = 0;                  // byte offset of the field in error
    bool descriptor_format = false;           // 72h/73h rather than 70h/71h

    bool is(std::uint8_t k, std::uint8_t a, std::uint8_t q) const noexcept { return key == k && asc == a && ascq == q; }
};

// Parses fixed (70h/71h) or descriptor (72h/73h) sense; nullopt when the
// bytes are not sense data (empty, unknown response code, too short).
std::optional<Sense> decode_sense(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> encode_fixed_sense(const Sense& s);
std::vector<std::uint8_t> encode_descriptor_sense(const Sense& s);

// "illegal request", "data protect", ...
const char* sense_key_name(std::uint8_t key) noexcept;

struct SenseText {
    std::string message;  // names the cause, e.g. "incorrect data encryption key (07/74/03)"
    std::string hint;     // says what to do
};
SenseText describe(const Sense& s);

}  // namespace tapekey::scsi
