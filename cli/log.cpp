// tapekey log show | verify | checkpoint | auditor-key: the key-use log
// (docs/spec/audit-log.md, docs/cli.md). Every decision is in the library.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "json.h"
#include "tapekey/audit_log.h"
#include "term.h"

namespace tapekey::cli {
namespace {

namespace fs = std::filesystem;


// The log named by --log, else the home's (which must be initialised).
fs::path log_path(const LogOptions& o) {
    if (o.log) {
        return *o.log;
    }
    const Home home = Home::locate(o.home);
    home.require_initialised();
    return home.log_file();
}

// --since: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", UTC,
// with an optional Z. Entry times have one fixed form, so comparing text
// compares times.
std::string since_key(const std::string& s) {
    std::string t = s;
    if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) {
        t.pop_back();
    }
    if (t.size() > 10 && t[10] == ' ') {
        t[10] = 'T';
    }
    static const std::string form = "dddd-dd-ddTdd:dd:dd";
    const bool length_ok = t.size() == 10 || t.size() == 16 || t.size() == 19;
    bool ok = length_ok;
    for (std::size_t i = 0; ok && i < t.size(); ++i) {
        ok = form[i] == 'd' ? (t[i] >= '0' && t[i] <= '9') : t[i] == form[i];
    }
    if (!ok) {
        throw Error(Errc::usage, "--since '" + s + "' is not a UTC time",
                    "write YYYY-MM-DD, YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS (UTC)");
    }
    return t;
}

// --event: an event type, or a prefix ending in '*' ("drive.*").
bool event_matches(const std::string& pattern, const std::string& event) {
    if (pattern.empty()) {
        return true;
    }
    if (pattern.back() == '*') {
        return event.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    }
    return event == pattern;
}

}  // namespace

int run_log_show(const LogShowOptions& o) {
    return guarded("log show", [&] {
        const fs::path path = log_path(o.where);
        const std::string since = o.since ? since_key(*o.since) : std::string();
        read_log(path, [&](const LogEntry& e) {
            if (e.time < since || !event_matches(o.event, e.event)) {
                return;
            }
            if (o.json) {
                std::cout << log_entry_line(e) << '\n';
                return;
            }
            std::cout << e.seq << "  " << e.time << "  " << e.user << "@" << e.host << "  " << e.command << "  "
                      << e.event;
            for (const auto& [name, value] : e.fields) {
                std::cout << "  " << name << "=" << value;
            }
            std::cout << '\n';
        });
        return exit_ok;
    });
}

int run_log_verify(const LogVerifyOptions& o) {
    return guarded("log verify", [&] {
        const fs::path path = log_path(o.where);
        SecretBytes key;
        if (o.auditor_key) {
            key = read_auditor_key(*o.auditor_key);
        }
        std::optional<std::string_view> checkpoint;
        if (o.checkpoint) {
            checkpoint = *o.checkpoint;
        }
        const LogReport r = verify_log(path, o.auditor_key ? &key : nullptr, checkpoint);
        for (const auto& note : r.notes) {
            print_warning(path.filename().string() + ": " + note);
        }
        if (!r.ok()) {
            print_error(Error(Errc::integrity, r.problem->message(path.string()), r.problem_hint), "log verify");
            print_note("the " + std::to_string(r.entries) + " entries before it verify");
            return exit_no;
        }
        std::cout << path.string() << ": " << r.entries << (r.entries == 1 ? " entry, " : " entries, ") << r.first_time << " to " << r.last_time
                  << "\n";
        std::cout << (r.macs_checked ? "every mac checked with the auditor key\n"
                                     : "hash chain checked; macs not checked (give --auditor-key to check them)\n");
        if (r.checkpoint_checked) {
            std::cout << "extends the checkpoint " << *o.checkpoint << "\n";
        }
        std::cout << r.checkpoint << "\n";
        return exit_ok;
    });
}

int run_log_checkpoint(const LogOptions& o) {
    return guarded("log checkpoint", [&] {
        std::cout << log_checkpoint(log_path(o)) << '\n';
        return exit_ok;
    });
}

namespace {

std::string serials(const VolumeUse& u) {
    std::string s;
    for (const auto& d : u.drive_serials) {
        s += (s.empty() ? "" : ",") + d;
    }
    return s;
}

std::string uses_json(const std::vector<VolumeUse>& list) {
    std::string s = "[";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& u = list[i];
        std::string drives = "[";
        for (std::size_t k = 0; k < u.drive_serials.size(); ++k) {
            drives += (k ? "," : "") + json_quote(u.drive_serials[k]);
        }
        s += (i ? "," : "") + std::string("{\"volume\":") + json_quote(u.volume) + ",\"first\":" +
             json_quote(u.first) + ",\"last\":" + json_quote(u.last) + ",\"loads\":" + std::to_string(u.loads) +
             ",\"drive_serials\":" + drives + "]}";
    }
    return s + "]";
}

void print_uses(const std::string& title, const std::vector<VolumeUse>& list) {
    std::cout << title << ": " << list.size() << (list.size() == 1 ? " volume\n" : " volumes\n");
    if (list.empty()) {
        return;
    }
    std::size_t w = 6;
    for (const auto& u : list) {
        w = std::max(w, u.volume.size());
    }
    const auto pad = [](const std::string& s, std::size_t n) { return s + std::string(n > s.size() ? n - s.size() : 0, ' '); };
    std::cout << "  " << pad("VOLUME", w) << "  " << pad("FIRST LOAD (UTC)", 27) << "  " << pad("LAST LOAD (UTC)", 27)
              << "  LOADS  DRIVE SERIAL\n";
    for (const auto& u : list) {
        std::cout << "  " << pad(u.volume, w) << "  " << pad(u.first, 27) << "  " << pad(u.last, 27) << "  "
                  << pad(std::to_string(u.loads), 5) << "  " << serials(u) << "\n";
    }
}

}  // namespace

int run_keys_cartridges(const KeysCartridgesOptions& o) {
    return guarded("keys cartridges", [&] {
        const fs::path path = log_path(o.where);
        const GenerationExposure x = generation_exposure(path, o.generation);
        const std::string unnamed =
            std::to_string(x.unnamed_loads) + (x.unnamed_loads == 1 ? " load" : " loads") + " under " + x.generation +
            " had no volume name (not run by the Bacula hook); see `tapekey log show --event drive.load`";
        if (o.json) {
            std::cout << "{\"generation\":" << json_quote(x.generation) << ",\"log\":" << json_quote(path.string())
                      << ",\"entries\":" << x.entries << ",\"checkpoint\":" << json_quote(x.checkpoint)
                      << ",\"written\":" << uses_json(x.written) << ",\"read_only\":" << uses_json(x.read_only)
                      << ",\"key_lost\":" << uses_json(x.key_lost) << ",\"unnamed_loads\":" << x.unnamed_loads
                      << "}\n";
        } else {
            std::cout << "generation " << x.generation << ", from " << path.string() << " (hash chain verified, "
                      << x.entries << " entries; " << x.checkpoint << ")\n";
            print_uses("written under it (encrypt mode)", x.written);
            print_uses("read only (never written under it)", x.read_only);
            if (!x.key_lost.empty()) {
                print_uses("key lost while mounted (the Alert Command; appends may be in clear)", x.key_lost);
            }
            if (x.unnamed_loads != 0) {
                std::cout << unnamed << "\n";
            }
        }
        if (x.unnamed_loads != 0) {
            print_warning(unnamed);
        }
        return exit_ok;
    });
}

int run_log_auditor_key(const LogAuditorKeyOptions& o) {
    return guarded("log auditor-key", [&] {
        const Home home = Home::locate(o.home);
        home.require_initialised();
        export_auditor_key(home, o.out);
        print_note("wrote " + o.out.string() + " (mode 0600): give it to the auditor, who verifies with "
                   "`tapekey log verify --auditor-key FILE`; it cannot be exported again");
        return exit_ok;
    });
}

}  // namespace tapekey::cli
