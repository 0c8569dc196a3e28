// log_tool: drives the key-use log through the library API for the
// concurrency, crash and fail-closed tests (tests/log/*.sh).
//
//   log_tool create HOME             a home with a default config and a new log
//   log_tool append HOME COUNT TAG   COUNT entries (event test.append), tag and index as fields
//   log_tool load HOME               what a key-loading command does: the fail-closed
//                                    preflight, then its entry (prints "loaded" or the error)
//   log_tool verify LOG [KEYFILE]    verify; prints the summary or the problem
//
// `tapekey drive load` (the drive commands) is not built yet; `load`
// stands in for it, with the calls DEVELOPERS' API note gives callers.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tapekey/audit_log.h"
#include "tapekey/config.h"
#include "tapekey/files.h"

namespace {

int usage() {
    std::fprintf(stderr, "usage: log_tool create|append|load|verify ...\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        return usage();
    }
    const std::string cmd = argv[1];
    try {
        if (cmd == "verify") {
            tapekey::SecretBytes key;
            if (argc > 3) {
                key = tapekey::read_auditor_key(argv[3]);
            }
            const auto r = tapekey::verify_log(argv[2], argc > 3 ? &key : nullptr);
            for (const auto& n : r.notes) {
                std::printf("note: %s\n", n.c_str());
            }
            if (!r.ok()) {
                std::printf("%llu good entries; %s\n", static_cast<unsigned long long>(r.entries),
                            r.problem->message("keyuse.log").c_str());
                return 1;
            }
            std::printf("ok %llu entries\n", static_cast<unsigned long long>(r.entries));
            return 0;
        }
        const auto home = tapekey::Home::locate(std::filesystem::path(argv[2]));
        if (cmd == "create") {
            ::mkdir(home.dir().c_str(), 0700);
            const std::string config = tapekey::Config::default_text();
            tapekey::write_file(home.config(), {reinterpret_cast<const std::uint8_t*>(config.data()), config.size()},
                                tapekey::FileMode::secret, tapekey::Overwrite::no);
            tapekey::SystemRng rng;
            (void)tapekey::KeyUseLog::create(home, rng, "test");
            return 0;
        }
        if (cmd == "append" && argc == 5) {
            tapekey::KeyUseLog log(home, "test append");
            const long count = std::atol(argv[3]);
            for (long i = 0; i < count; ++i) {
                (void)log.append("test.append", {{"tag", argv[4]}, {"i", std::to_string(i)}});
            }
            return 0;
        }
        if (cmd == "load") {
            tapekey::KeyUseLog log(home, "drive load");
            log.require_writable();
            if (auto e = log.record("drive.load", {{"device", "/dev/nst0"}, {"generation", "test"}})) {
                std::printf("warning: %s\n", e->what());
            }
            std::printf("loaded\n");
            return 0;
        }
    } catch (const tapekey::Error& e) {
        std::printf("error: %s\nhint: %s\n", e.what(), e.hint().c_str());
        return 1;
    }
    return usage();
}
