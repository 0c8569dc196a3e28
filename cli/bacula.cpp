// tapekey bacula worm and alert: the Bacula Storage Daemon's Worm Command and
// Alert Command (docs/bacula.md). Bacula merges stdout and stderr; the Worm
// Command prints exactly one line, the WORM flag, the Alert Command only
// TapeAlert lines, and both say everything else to syslog and the key-use
// log. Every decision is in the library (tapekey/bacula.h).
#include <syslog.h>

#include <iostream>

#include "commands.h"
#include "tapekey/bacula.h"
#include "tapekey/error.h"
#include "term.h"

namespace tapekey::cli {
namespace {

// Bacula's %l %a %v %j as the library takes them.
WormRequest request_of(const BaculaWormOptions& o) {
    WormRequest r;
    r.control_device = o.control_device;
    r.archive_device = o.archive_device;
    r.volume = o.volume;
    for (const auto& part : o.job) {
        r.job += (r.job.empty() ? "" : " ") + part;
    }
    return r;
}

}  // namespace


int run_bacula_worm(const BaculaWormOptions& o) {
    ::openlog("tapekey", LOG_PID, LOG_DAEMON);
    const WormRequest r = request_of(o);
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

// tapekey bacula alert: the Alert Command. Bacula reads `TapeAlert[N]` lines
// from it; this prints those and nothing else, and says what it found to
// syslog and the log.
int run_bacula_alert(const BaculaWormOptions& o) {
    ::openlog("tapekey", LOG_PID, LOG_DAEMON);
    const WormRequest r = request_of(o);
    AlertOutcome out;
    if (r.control_device.empty()) {
        out.result = AlertOutcome::Result::failed;
        out.messages.push_back("bacula alert: no control device: set `Control Device = /dev/sgN` in the Device "
                               "resource and pass %l first (docs/bacula.md); nothing was checked");
    } else {
        try {
            out = bacula_alert(Home::locate(o.home), r);
        } catch (const std::exception& e) {  // bacula_alert does not throw; memory exhaustion might
            out.result = AlertOutcome::Result::failed;
            out.messages.push_back(std::string("bacula alert failed: ") + e.what());
        }
    }
    const bool bad = out.result == AlertOutcome::Result::changed || out.result == AlertOutcome::Result::failed;
    for (const auto& m : out.messages) {
        ::syslog(out.result == AlertOutcome::Result::changed ? LOG_CRIT : bad ? LOG_ERR : LOG_INFO, "bacula alert: %s",
                 m.c_str());
    }
    ::closelog();
    // The only output: the TapeAlert flags, as the stock `tapealert %l`
    // prints them (Bacula reads the number; docs/spec/ssc-pages.md section 9).
    for (const unsigned n : out.tape_alerts) {
        std::cout << "TapeAlert[" << n << "]:\n";
    }
    std::cout.flush();
    if (r.control_device.empty()) {
        return exit_usage;
    }
    return bad ? exit_no : exit_ok;
}

}  // namespace tapekey::cli
