// transport.h: how a SCSI command reaches a drive (private). One interface,
// two implementations: Linux SG_IO (sg_transport.cpp, the only file that
// includes the SG headers) and the embedded emulator (emu_transport.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tapekey::detail {

struct Command {
    std::span<const std::uint8_t> cdb;
    std::span<const std::uint8_t> data_out;  // SECURITY PROTOCOL OUT, WRITE; else empty
    std::span<std::uint8_t> data_in;         // room for data-in; else empty
};

struct Completion {
    std::uint8_t status = 0;         // SAM-5 status byte: 00h GOOD, 02h CHECK CONDITION
    std::size_t data_in_length = 0;  // bytes actually received (transfer length - residual)
    std::vector<std::uint8_t> sense;
};

inline constexpr std::uint8_t status_good = 0x00;
inline constexpr std::uint8_t status_check_condition = 0x02;
inline constexpr std::uint8_t status_busy = 0x08;
inline constexpr std::uint8_t status_reservation_conflict = 0x18;

class Transport {
public:
    virtual ~Transport() = default;
    // Delivers one command and returns how it completed. Throws Error
    // (device, permission, io) when it could not be delivered or the host
    // side failed; a CHECK CONDITION is a completion, not an exception.
    virtual Completion execute(const Command& c) = 0;
};

// Linux SG_IO on /dev/sgN (opened read-write) or /dev/nstN (O_NONBLOCK).
std::unique_ptr<Transport> open_sg_transport(const std::string& path);
// The emulated drive whose whole state is the file at path (emu:PATH).
std::unique_ptr<Transport> open_emu_transport(const std::string& path);

}  // namespace tapekey::detail
