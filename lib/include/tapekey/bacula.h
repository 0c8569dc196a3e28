// tapekey/bacula.h: the Bacula Storage Daemon hooks (docs/bacula.md).
//
// Bacula has no key management (reference bacula.md section 0); its Worm
// Command runs before every label read (mount for read or append, label,
// relabel) with the drive's control device, the volume name and the job,
// ignores the exit status, merges stdout and stderr, and reads only the
// last line (an integer > 0 means a WORM cartridge). So the hook cannot say
// "no" to Bacula: when it cannot load the right key it fails closed inside,
// by unloading the cartridge, so that Bacula's label read fails visibly
// instead of reading with a wrong key or writing in clear.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tapekey/generation.h"
#include "tapekey/home.h"
#include "tapekey/secret.h"

namespace tapekey {

// Bacula's substitution codes for `Worm Command = "tapekey bacula worm %l %a %v %j"`.
struct WormRequest {
    std::string control_device;         // %l: the drive's /dev/sgN, opened read-write
    std::string archive_device;         // %a: logged only
    std::optional<std::string> volume;  // %v (empty when Bacula has none yet)
    std::string job;                    // %j ("" at startup automount)
};

struct WormOutcome {
    // A key is loaded for this cartridge: the generation its KAD names (for
    // reading, or also writing), or the active one for a clear or blank
    // cartridge, and the drive says writes will be encrypted or the
    // cartridge is for reading only.
    bool loaded = false;
    bool unloaded = false;  // failed closed: the cartridge was unloaded
    bool worm = false;      // the drive reports a WORM cartridge (Drive::medium_is_worm)
    std::optional<GenerationId> generation;
    // What happened and why, one line each (lower case, never secret), for
    // syslog: the hook may print nothing else.
    std::vector<std::string> messages;
};

// The Worm Command hook: `drive auto` on the control device with the volume
// and job recorded in every key-use log entry. Fails closed (unloads the
// cartridge, logs drive.unload with the reason) when the generation is
// refused (compromised, destroyed, unknown, a foreign or missing KAD), the
// key could not be loaded (including a fail-closed log that cannot be
// written), the drive would write the cartridge in clear (LTO-3 media), or
// the home cannot be opened. Never throws; `ask_passphrase` is called only
// for a passphrase-sealed machine key.
WormOutcome bacula_worm(const Home& home, const std::function<SecretBytes()>& ask_passphrase, const WormRequest& r);

// What the Alert Command check found.
struct AlertOutcome {
    enum class Result : std::uint8_t {
        nothing_to_check,  // tapekey has no key in this drive now (none loaded, cleared, no cartridge)
        intact,            // the drive still has the key tapekey loaded, in the same modes
        changed,           // it does not: what Bacula wrote since may be in clear
        failed,            // the check could not be made (no drive, no log): said in messages
    };
    Result result = Result::nothing_to_check;
    // The drive's TapeAlert flags (1-64), read whatever the result; the
    // hook prints them as the stock `tapealert` script does.
    std::vector<unsigned> tape_alerts;
    std::vector<std::string> messages;  // one line each, lower case, never secret
};

// The Alert Command hook (`tapekey bacula alert %l %a %v %j`), which Bacula
// runs after every job and after a read or write error (reference
// bacula.md section 6.2). A volume stays mounted between jobs and the next
// job appends without a label read, so no Worm Command runs again: if the
// drive lost its key meanwhile (a reset, a power cycle, another host), the
// blocks appended since were written in clear, silently. This compares the
// drive's Data Encryption Status (0020h) with the newest key-use log entry
// that set this drive's key (drive.load, drive.clear, drive.unload, matched
// by the drive's serial number or the device name): `changed` when the
// key instance counter or the modes differ. Also reads the TapeAlert flags
// (LOG SENSE 2Eh, which clears them). Logs drive.check (result ok, changed,
// error, or none with the flags) unless there was nothing to check and no
// flag set. Never loads or clears a key. Never throws.
AlertOutcome bacula_alert(const Home& home, const WormRequest& r);

}  // namespace tapekey
