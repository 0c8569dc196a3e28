// state_file.h: the emu:PATH front end of the software drive. The whole
// drive (its parameters, its key, the loaded cartridge and every cartridge
// it has seen) lives in the file PATH, so separate processes (tapekey,
// stenc and sg_raw through the preload library) see one drive. Each user
// holds an exclusive lock on PATH.lock for the length of one command, reads
// the state, and writes it back atomically (temporary file, fsync, rename).
//
// The file holds the drive's loaded key, as the drive's memory would: it is
// created mode 0600. Use an emulated drive for tests and rehearsals.
#pragma once

#include <filesystem>
#include <optional>

#include "core/emulator.h"

namespace tapeemu {

struct NewDrive {
    Persona persona = Persona::hp_lto4;
    bool strict = true;
    bool asocwp = true;  // the host may set associated write protection
};

class StateFile {
public:
    // Locks and reads PATH. A missing file is a new drive made from `fresh`.
    explicit StateFile(std::filesystem::path path, NewDrive fresh = {});
    ~StateFile();
    StateFile(const StateFile&) = delete;
    StateFile& operator=(const StateFile&) = delete;

    Emulator& drive() noexcept { return *m_drive; }
    bool created() const noexcept { return m_created; }
    // Writes the state back (atomic replace, mode 0600).
    void save();

private:
    std::filesystem::path m_path;
    int m_lock_fd = -1;
    bool m_created = false;
    std::optional<Emulator> m_drive;
};

}  // namespace tapeemu
