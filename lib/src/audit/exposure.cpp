// Which cartridges a generation touched, from the key-use log
// (tapekey/audit_log.h generation_exposure; docs/cli.md `keys cartridges`).
#include <algorithm>
#include <cctype>
#include <map>

#include "tapekey/audit_log.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

// A generation id or prefix as it compares: Crockford base 32 without the
// dashes, upper case, O read as 0 and I, L as 1 (as GenerationId::parse).
std::string id_key(std::string_view s) {
    std::string k;
    for (const char ch : s) {
        if (ch == '-') {
            continue;
        }
        char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (c == 'O') {
            c = '0';
        } else if (c == 'I' || c == 'L') {
            c = '1';
        }
        k += c;
    }
    return k;
}

void add_use(std::vector<VolumeUse>& list, const std::string& volume, const LogEntry& e, const std::string* serial) {
    auto it = std::find_if(list.begin(), list.end(), [&](const VolumeUse& u) { return u.volume == volume; });
    if (it == list.end()) {
        list.push_back({volume, e.time, e.time, 0, {}});
        it = list.end() - 1;
    }
    it->last = e.time;
    ++it->loads;
    const std::string s = serial == nullptr || serial->empty() ? "-" : *serial;
    if (std::find(it->drive_serials.begin(), it->drive_serials.end(), s) == it->drive_serials.end()) {
        it->drive_serials.push_back(s);
    }
}

}  // namespace

GenerationExposure generation_exposure(const std::filesystem::path& log, std::string_view generation) {
    const std::string wanted = id_key(generation);
    if (wanted.size() < 4) {
        throw Error(Errc::usage, "generation '" + std::string(generation) + "' is too short",
                    "give the generation id (e.g. 8T5F-YF3S-586C-0) or at least its first four characters");
    }
    // Only a log whose chain holds is read; entries appended after the
    // verification are not counted.
    const LogReport r = verify_log(log);
    if (!r.ok()) {
        throw Error(Errc::integrity, r.problem->message(log.string()),
                    r.problem_hint + (r.problem_hint.empty() ? "" : "; ") +
                        "the exposure list needs an intact log: run `tapekey log verify` and compare with a copy "
                        "(syslog, a backup)");
    }
    GenerationExposure x;
    x.entries = r.entries;
    x.checkpoint = r.checkpoint;
    // Every generation id the log names that the request matches.
    std::map<std::string, std::string> matches;  // key -> id as written
    read_log(log, [&](const LogEntry& e) {
        if (e.seq >= r.entries) {
            return;
        }
        const std::string* g = e.field("generation");
        if (g != nullptr && id_key(*g).rfind(wanted, 0) == 0) {
            matches.emplace(id_key(*g), *g);
        }
    });
    if (matches.empty()) {
        throw Error(Errc::not_found,
                    log.string() + ": no entry names generation " + std::string(generation),
                    "check the id with `tapekey keys list`; a log restored after a disaster starts empty, so ask "
                    "for the old log's copy too");
    }
    if (matches.size() > 1) {
        std::string names;
        for (const auto& [k, id] : matches) {
            names += (names.empty() ? "" : ", ") + id;
        }
        throw Error(Errc::usage, "generation '" + std::string(generation) + "' matches " + names,
                    "give more of the id");
    }
    const std::string key = matches.begin()->first;
    x.generation = matches.begin()->second;
    std::vector<VolumeUse> read;
    read_log(log, [&](const LogEntry& e) {
        if (e.seq >= r.entries || (e.event != "drive.load" && e.event != "drive.check")) {
            return;
        }
        const std::string* g = e.field("generation");
        if (g == nullptr || id_key(*g) != key) {
            return;
        }
        const std::string* volume = e.field("volume");
        if (e.event == "drive.check") {
            const std::string* result = e.field("result");
            if (result != nullptr && *result == "changed") {
                add_use(x.key_lost, volume == nullptr || volume->empty() ? std::string("-") : *volume, e,
                        e.field("drive_serial"));
            }
            return;
        }
        if (volume == nullptr || volume->empty() || *volume == "-") {
            ++x.unnamed_loads;
            return;
        }
        const std::string* enc = e.field("encryption");
        const std::string* clear = e.field("writes_encrypted");
        const bool writing = enc != nullptr && *enc == "encrypt" && (clear == nullptr || *clear != "no");
        add_use(writing ? x.written : read, *volume, e, e.field("drive_serial"));
    });
    for (auto& u : read) {
        const bool also_written = std::any_of(x.written.begin(), x.written.end(),
                                              [&](const VolumeUse& w) { return w.volume == u.volume; });
        if (!also_written) {
            x.read_only.push_back(std::move(u));
        }
    }
    return x;
}

}  // namespace tapekey
