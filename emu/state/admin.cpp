// tapekey/emu.h: the front panel of an emu:PATH drive.
#include <filesystem>

#include "state/state_file.h"
#include "tapekey/emu.h"
#include "tapekey/error.h"

namespace tapekey::emu {
namespace {

std::string path_of(std::string_view device) {
    if (device.rfind("emu:", 0) != 0 || device.size() == 4) {
        throw Error(Errc::usage, "device " + std::string(device) + ": not an emulated drive",
                    "name it emu:PATH, e.g. emu:/tmp/drive.emu");
    }
    return std::string(device.substr(4));
}

DriveInfo describe(tapeemu::StateFile& s) {
    auto& d = s.drive();
    DriveInfo i;
    i.persona = tapeemu::persona_name(d.persona());
    i.strict = d.strict();
    i.asocwp = d.asocwp_capable();
    i.write_protected = d.software_write_protect() || d.associated_write_protect();
    i.cartridge = d.loaded_cartridge();
    if (i.cartridge) {
        i.lto3 = d.cartridge(*i.cartridge)->lto3;
        i.worm = d.cartridge(*i.cartridge)->worm;
    }
    i.shelf = d.shelf();
    i.created = s.created();
    return i;
}

template <class F>
DriveInfo with_drive(std::string_view device, F&& change) {
    tapeemu::StateFile s(path_of(device));
    change(s.drive());
    s.save();
    return describe(s);
}

}  // namespace

DriveInfo create(std::string_view device, std::string_view persona, bool strict, bool asocwp, bool force) {
    const auto p = tapeemu::persona_from_name(persona);
    if (!p) {
        throw Error(Errc::usage, "persona " + std::string(persona) + ": unknown",
                    "choose hp-lto4, ibm-lto4 or no-encryption");
    }
    const std::string path = path_of(device);
    if (std::filesystem::exists(path)) {
        if (!force) {
            throw Error(Errc::exists, "emulated drive " + path + " exists",
                        "pass --force to replace it (its cartridges are lost)");
        }
        std::filesystem::remove(path);
    }
    tapeemu::StateFile s(path, tapeemu::NewDrive{*p, strict, asocwp});
    s.save();
    return describe(s);
}

DriveInfo insert(std::string_view device, const std::string& cartridge, bool lto3, bool worm) {
    if (cartridge.empty() || cartridge.size() > 64) {
        throw Error(Errc::usage, "cartridge name must be 1 to 64 characters", "e.g. --cartridge TAPE01");
    }
    return with_drive(device, [&](tapeemu::Emulator& d) { d.insert(cartridge, lto3, worm); });
}

DriveInfo eject(std::string_view device) {
    return with_drive(device, [](tapeemu::Emulator& d) { d.eject(); });
}

DriveInfo power_cycle(std::string_view device) {
    return with_drive(device, [](tapeemu::Emulator& d) { d.power_cycle(); });
}

DriveInfo info(std::string_view device) {
    return with_drive(device, [](tapeemu::Emulator&) {});
}

}  // namespace tapekey::emu
