// tapekey bacula worm: the Bacula Storage Daemon's Worm Command
// (docs/bacula.md). Bacula merges stdout and stderr and reads only the last
// line, so this prints exactly one line, the WORM flag, and says everything
// else to syslog and the key-use log. Every decision is in the library
// (tapekey/bacula.h).
#include <syslog.h>

#include <iostream>

#include "commands.h"
#include "tapekey/bacula.h"
#include "tapekey/error.h"
#include "term.h"

namespace tapekey::cli {

int run_bacula_worm(const BaculaWormOptions& o) {
    ::openlog("tapekey", LOG_PID, LOG_DAEMON);
    WormRequest r;
    r.control_device = o.control_device;
    r.archive_device = o.archive_device;
    r.volume = o.volume;
    for (const auto& part : o.job) {
        r.job += (r.job.empty() ? "" : " ") + part;
    }
    WormOutcome out;
    int rc = exit_ok;
    if (r.control_device.empty()) {
        out.messages.push_back("bacula worm: no control device: set `Control Device = /dev/sgN` in the Device "
                               "resource and pass %l first (docs/bacula.md); nothing was loaded");
        rc = exit_usage;
    } else {
        try {
            out = bacula_worm(
                Home::locate(o.home),
                [] () -> SecretBytes {
                    throw Error(Errc::state, "the machine key is sealed under a passphrase; the Bacula hook runs unattended",
                                "use a home with an unattended machine key for the storage daemon (docs/bacula.md)");
                },
                r);
        } catch (const std::exception& e) {  // bacula_worm does not throw; memory exhaustion might
            out.messages.push_back(std::string("bacula worm failed: ") + e.what());
        }
        rc = out.loaded ? exit_ok : exit_no;
    }
    for (const auto& m : out.messages) {
        ::syslog(out.loaded ? LOG_INFO : LOG_ERR, "bacula worm: %s", m.c_str());
    }
    ::closelog();
    // The only output: the WORM flag, which Bacula reads from the last line.
    std::cout << (out.worm ? "1" : "0") << std::endl;
    return rc;
}

}  // namespace tapekey::cli
