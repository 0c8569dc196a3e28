// The Bacula Storage Daemon hooks (tapekey/bacula.h, docs/bacula.md).
#include "tapekey/bacula.h"

#include <filesystem>

#include "tapekey/drive.h"
#include "tapekey/error.h"
#include "tapekey/keystore.h"

namespace tapekey {

WormOutcome bacula_worm(const Home& home, const std::function<SecretBytes()>& ask_passphrase, const WormRequest& r) {
    WormOutcome out;
    std::optional<KeyStore> ks;
    std::optional<Drive> drive;
    const std::string name = r.control_device.empty() ? std::string("(no control device)") : r.control_device;

    // Unload, so that Bacula's label read fails; then log why, if there is a
    // log to write to (the reason may be that there is not).
    const auto fail_closed = [&](const std::string& why) {
        out.loaded = false;
        out.messages.push_back("no key for volume " + r.volume.value_or("-") + " in " + name + ": " + why);
        std::string error;
        try {
            if (!drive) {
                drive.emplace(Drive::open(r.control_device));
            }
            drive->unload();
            out.unloaded = true;
            out.messages.push_back("unloaded the cartridge from " + name + " so that Bacula cannot read or write it");
        } catch (const std::exception& e) {
            error = e.what();
            out.messages.push_back("the cartridge could NOT be unloaded: " + error +
                                   "; unload it by hand before Bacula uses it");
        }
        if (ks && drive) {
            try {
                ks->record_unload(*drive, why, error);
            } catch (const std::exception& e) {  // a fail-closed log that cannot be written
                out.messages.push_back(std::string("the key-use log did not record this: ") + e.what());
            }
        }
    };

    try {
        ks.emplace(KeyStore::open(home, ask_passphrase, "bacula worm"));
        out.messages.push_back("archive device " + (r.archive_device.empty() ? "-" : r.archive_device) + ", job " +
                               (r.job.empty() ? "-" : r.job));
        ks->set_cartridge(r.volume, r.job);
        drive.emplace(Drive::open(r.control_device));
        const KeyStore::AutoLoad a = ks->auto_load(*drive, false);
        out.generation = a.plan.generation;
        if (!a.plan.read_only && !a.loaded.writes_encrypted) {
            fail_closed("data written to this cartridge would NOT be encrypted: the drive says the algorithm is not "
                        "valid for it (an LTO-3 cartridge in an LTO-4 drive is never encrypted)");
        } else {
            out.loaded = true;
            out.messages.push_back("loaded generation " + a.plan.generation.to_string() + " into " + name + " for volume " +
                                   r.volume.value_or("-") + ": " + a.plan.reason);
            if (a.plan.read_only && a.loaded.write_protected) {
                out.messages.push_back("volume " + r.volume.value_or("-") +
                                       " is for reading only: the drive refuses writes to it until it is unloaded, "
                                       "so Bacula cannot append in clear; mark it Full in Bacula");
            } else if (a.plan.read_only) {
                out.messages.push_back("volume " + r.volume.value_or("-") +
                                       " is for reading only and the drive could not write-protect it (" +
                                       a.loaded.unprotected_because +
                                       "): anything appended to it would be written in clear; mark it Read-Only in "
                                       "Bacula");
            }
            try {
                out.worm = drive->medium_is_worm();
            } catch (const Error& e) {
                out.messages.push_back(std::string("could not tell whether the cartridge is WORM (reported as not): ") +
                                       e.what());
            }
        }
    } catch (const std::exception& e) {  // Error, and file-system errors from an unreadable home
        fail_closed(e.what());
    }
    if (ks) {
        for (const auto& w : ks->log_warnings()) {
            out.messages.push_back(w);
        }
    }
    return out;
}

}  // namespace tapekey
