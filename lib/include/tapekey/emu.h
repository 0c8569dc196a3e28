// tapekey/emu.h: the operator's side of the embedded software drive (the
// front panel: insert and eject cartridges, power). The drive itself is
// used like any other, through tapekey::Drive with the device emu:PATH;
// docs/drive.md describes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tapekey::emu {

struct DriveInfo {
    std::string persona;  // hp-lto4, ibm-lto4, no-encryption
    bool strict = true;   // reserved bits checked
    bool asocwp = true;   // the host may set associated write protection (mode page 10h)
    bool write_protected = false;  // SWP or ASOCWP is set now
    std::optional<std::string> cartridge;
    bool lto3 = false;
    bool worm = false;
    std::vector<std::string> shelf;  // every cartridge this drive has seen
    bool created = false;            // this call made the drive
};

// device: emu:PATH. A missing PATH is a new HP LTO-4 drive, strict, that
// lets the host set ASOCWP.
DriveInfo create(std::string_view device, std::string_view persona, bool strict, bool asocwp, bool force);
DriveInfo insert(std::string_view device, const std::string& cartridge, bool lto3, bool worm = false);
DriveInfo eject(std::string_view device);
DriveInfo power_cycle(std::string_view device);
DriveInfo info(std::string_view device);

}  // namespace tapekey::emu
