// The Bacula Storage Daemon hooks (tapekey/bacula.h, docs/bacula.md).
#include "tapekey/bacula.h"

#include <filesystem>

#include "tapekey/audit_log.h"
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

namespace {

// The newest entry that set the key of this drive: by serial number when
// both sides have one (sg numbers change at boot), else by device name.
std::optional<LogEntry> last_key_action(const Home& home, const std::string& device, const std::string& serial) {
    std::optional<LogEntry> last;
    read_log(home.log_file(), [&](const LogEntry& e) {
        if (e.event != "drive.load" && e.event != "drive.clear" && e.event != "drive.unload") {
            return;
        }
        const std::string* s = e.field("drive_serial");
        const bool by_serial = serial != "-" && s != nullptr && *s != "-";
        const std::string* d = e.field("device");
        if (by_serial ? *s == serial : d != nullptr && *d == device) {
            last = e;
        }
    });
    return last;
}

// The drive now against the load that set its key: counter and modes.
void check_key(Drive& drive, const LogEntry& load, const WormRequest& r, AlertOutcome& out, LogFields& f) {
    const std::string volume = r.volume.value_or("-");
    const EncryptionStatus now = drive.status();
    const std::string counter = std::to_string(now.key_instance_counter);
    const std::string* want_counter = load.field("counter_after");
    const std::string* want_enc = load.field("encryption");
    const std::string* want_dec = load.field("decryption");
    const std::string gen = load.field("generation") != nullptr ? *load.field("generation") : "(key file)";
    std::string differs;
    if (want_counter && *want_counter != counter) {
        differs = "key instance counter " + *want_counter + ", now " + counter;
    } else if (want_enc && *want_enc != to_string(now.encryption)) {
        differs = "encryption " + *want_enc + ", now " + to_string(now.encryption);
    } else if (want_dec && *want_dec != to_string(now.decryption)) {
        differs = "decryption " + *want_dec + ", now " + to_string(now.decryption);
    }
    f.insert(f.end(), {{"generation", gen},
                       {"loaded_entry", std::to_string(load.seq)},
                       {"counter", counter},
                       {"encryption", to_string(now.encryption)}});
    if (differs.empty()) {
        out.result = AlertOutcome::Result::intact;
        f.emplace_back("result", "ok");
        out.messages.push_back("the key of generation " + gen + " is still in " + r.control_device +
                               " (key instance counter " + counter + ") after the job on volume " + volume);
        return;
    }
    out.result = AlertOutcome::Result::changed;
    f.emplace_back("result", "changed");
    const std::string why = "the drive's key changed since tapekey loaded generation " + gen + " (log entry " +
                            std::to_string(load.seq) + ", " + load.time + "): " + differs +
                            "; blocks written to volume " + volume +
                            " since then may be in clear: mark it Error in Bacula, find the jobs with "
                            "`tapekey log show --event drive.check`, and run them again";
    f.emplace_back("reason", why);
    out.messages.push_back(why);
}

}  // namespace

AlertOutcome bacula_alert(const Home& home, const WormRequest& r) {
    using Result = AlertOutcome::Result;
    AlertOutcome out;
    LogFields f = {{"device", r.control_device}, {"volume", r.volume.value_or("-")}};
    if (!r.job.empty()) {
        f.emplace_back("job", r.job);
    }
    try {
        Drive drive = Drive::open(r.control_device);
        const std::string serial = drive.logged_serial();  // "-": matched by device name only
        f.emplace_back("drive_serial", serial);
        try {
            out.tape_alerts = drive.tape_alerts();
        } catch (const Error& e) {
            out.messages.push_back(std::string("could not read the tapealert flags: ") + e.what());
        }
        std::string flags;
        for (const unsigned n : out.tape_alerts) {
            flags += (flags.empty() ? "" : ",") + std::to_string(n);
        }
        f.emplace_back("tape_alerts", flags.empty() ? "-" : flags);
        if (!flags.empty()) {
            out.messages.push_back("tapealert flags of " + r.control_device + ": " + flags);
        }
        const std::optional<LogEntry> last = last_key_action(home, r.control_device, serial);
        if (!last || last->event != "drive.load") {
            out.messages.push_back("no key of tapekey's is in " + r.control_device + " (" +
                                   (last ? "the last action was " + last->event + ", entry " + std::to_string(last->seq)
                                         : std::string("the key-use log shows no load into it")) +
                                   "): nothing to check");
        } else if (drive.next_block().medium == NextBlockStatus::Medium::none) {
            out.messages.push_back("no cartridge in " + r.control_device +
                                   ": the key left with it (clear on unload), nothing to check");
        } else {
            check_key(drive, *last, r, out, f);
        }
    } catch (const std::exception& e) {  // Error, and file-system errors from an unreadable home or log
        out.result = Result::failed;
        out.messages.push_back(std::string("could not check the drive's key: ") + e.what());
        f.emplace_back("result", "error");
        f.emplace_back("reason", e.what());
    }
    if (out.result == Result::nothing_to_check) {
        if (out.tape_alerts.empty()) {
            return out;  // nothing worth an entry
        }
        f.emplace_back("result", "none");
    }
    try {
        KeyUseLog log(home, "bacula alert");
        (void)log.append("drive.check", f);
    } catch (const std::exception& e) {
        out.messages.push_back(std::string("the key-use log did not record this check: ") + e.what());
    }
    return out;
}

}  // namespace tapekey
