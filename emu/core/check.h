// check.h: how the emulator's commands end with CHECK CONDITION (private to
// emu/core). A command throws Emulator::Check; execute() turns it into
// status 02h and fixed-format sense (SPC-4 fixed format).
#pragma once

#include <optional>

#include "drive/sense.h"
#include "emulator.h"

namespace tapeemu {

struct Emulator::Check {
    tapekey::scsi::Sense sense;
    std::vector<std::uint8_t> data_in;  // data transferred before the condition (READ with ILI)
};

[[noreturn]] inline void fail(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
    tapekey::scsi::Sense s;
    s.key = key;
    s.asc = asc;
    s.ascq = ascq;
    throw Emulator::Check{s, {}};
}

// 05/24/00 invalid field in CDB, or 05/26/00 invalid field in parameter
// list, with the sense-key specific field pointer (SPC-4, sense-key specific data).
[[noreturn]] inline void invalid_field(bool in_cdb, std::size_t byte, std::optional<std::uint8_t> bit_no) {
    tapekey::scsi::Sense s;
    s.key = tapekey::scsi::illegal_request;
    s.asc = in_cdb ? 0x24 : 0x26;
    s.sksv = true;
    s.command = in_cdb;
    s.field = static_cast<std::uint16_t>(byte);
    s.bit_pointer = bit_no;
    throw Emulator::Check{s, {}};
}
[[noreturn]] inline void invalid_cdb(std::size_t byte, std::optional<std::uint8_t> bit_no = std::nullopt) {
    invalid_field(true, byte, bit_no);
}
[[noreturn]] inline void invalid_param(std::size_t byte, std::optional<std::uint8_t> bit_no = std::nullopt) {
    invalid_field(false, byte, bit_no);
}

inline std::uint32_t be24(std::span<const std::uint8_t> b, std::size_t at) {
    return (std::uint32_t{b[at]} << 16) | (std::uint32_t{b[at + 1]} << 8) | b[at + 2];
}
inline std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | be24(b, at + 1);
}

}  // namespace tapeemu
