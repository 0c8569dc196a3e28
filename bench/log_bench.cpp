// log_bench: the key-use log's costs (docs/spec/audit-log.md).
//
//   log_bench append DIR [N]     append latency with fsync: N appends (default
//                                2000) to a new log in DIR; median and p99
//   log_bench write FILE KEY [N] a log of N entries (default 1,000,000) made by
//                                the writer's own functions (no fsync per
//                                entry, so it takes seconds), and its auditor key
//   log_bench verify FILE KEY [R] verification with the auditor key (every mac)
//                                and without (chain only), and `openssl dgst
//                                -sha256` over the same file, alternating, best
//                                of R rounds (default 3); wall and CPU time
//
// bench/log_compare runs them. A benchmark, never a test.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "audit/entry.h"
#include "tapekey/audit_log.h"
#include "tapekey/config.h"
#include "tapekey/files.h"

namespace {

using clk = std::chrono::steady_clock;

double seconds_since(clk::time_point t0) { return std::chrono::duration<double>(clk::now() - t0).count(); }

// A drive load as the drive commands log it: the usual entry.
tapekey::LogFields drive_load_fields(std::size_t i) {
    return {{"device", "/dev/sg" + std::to_string(i % 4)},
            {"drive_serial", "HU10" + std::to_string(100000 + i % 7)},
            {"volume", "A" + std::to_string(10000 + i % 90000) + "L4"},
            {"generation", "G7K3M-9QX2"},
            {"encrypt", "on"},
            {"decrypt", "mixed"},
            {"kic_before", std::to_string(i)},
            {"kic_after", std::to_string(i + 1)}};
}

int append_bench(const std::string& dir, long n) {
    const auto home = tapekey::Home::locate(std::filesystem::path(dir));
    std::filesystem::create_directories(home.dir());
    const std::string config = tapekey::Config::default_text();
    tapekey::write_file(home.config(), {reinterpret_cast<const std::uint8_t*>(config.data()), config.size()},
                        tapekey::FileMode::secret, tapekey::Overwrite::yes);
    tapekey::SystemRng rng;
    (void)tapekey::KeyUseLog::create(home, rng, "bench");
    tapekey::KeyUseLog log(home, "drive load");
    std::vector<double> us;
    for (long i = 0; i < n; ++i) {
        const auto fields = drive_load_fields(static_cast<std::size_t>(i));
        const auto t0 = clk::now();
        (void)log.append("drive.load", fields);
        us.push_back(seconds_since(t0) * 1e6);
    }
    std::sort(us.begin(), us.end());
    const auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
    std::printf("append (with fdatasync of log and key state): %ld appends, median %.0f us, p99 %.0f us, max %.0f us\n",
                n, at(0.5), at(0.99), us.back());
    return 0;
}

int write_log(const std::string& file, const std::string& key_file, long n) {
    namespace audit = tapekey::detail::audit;
    audit::Chain chain;
    tapekey::SystemRng rng;
    tapekey::SecretBytes k0(32);
    rng.fill(k0.expose());
    tapekey::SecretBytes k = k0.clone();
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    audit::Hash prev{};
    std::string time = "2026-11-29T10:00:00.000000Z";
    for (long i = 0; i < n; ++i) {
        const auto fields = drive_load_fields(static_cast<std::size_t>(i));
        audit::NewEntry e;
        e.seq = static_cast<std::uint64_t>(i);
        std::snprintf(time.data() + 20, 7, "%06ld", i % 1000000);
        time[26] = 'Z';
        e.time = time;
        e.host = "backup1.example.com";
        e.user = "bacula";
        e.command = i == 0 ? "init" : "drive load";
        e.event = i == 0 ? "log.create" : "drive.load";
        const tapekey::LogFields create = {{"format", "1"}, {"origin", "backup1.example.com"}};
        e.fields = i == 0 ? &create : &fields;
        e.prev = prev;
        std::string line = audit::encode_body(e);
        prev = chain.entry_hash({reinterpret_cast<const std::uint8_t*>(line.data()), line.size()});
        audit::finish_line(line, chain.mac(k.expose(), e.seq, prev));
        chain.evolve(k.expose());
        out << line;
    }
    out.close();
    const auto hex = tapekey::secret_to_hex(k0.expose());
    std::string text = "tapekey-log-auditor-key v1 backup1.example.com ";
    text.append(reinterpret_cast<const char*>(hex.expose().data()), hex.size());
    text += "\n";
    tapekey::write_file(key_file, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                        tapekey::FileMode::secret, tapekey::Overwrite::yes);
    return 0;
}

struct Timing {
    double wall = 1e9;
    double cpu = 1e9;  // user + system, all threads
};

double cpu_now() {
    struct rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// `openssl dgst -sha256 FILE`, its wall and CPU time (from wait4).
Timing openssl_once(const std::string& file) {
    const auto t0 = clk::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::execlp("openssl", "openssl", "dgst", "-sha256", file.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    struct rusage ru {};
    ::wait4(pid, &status, 0, &ru);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw tapekey::Error(tapekey::Errc::io, "openssl dgst -sha256 failed");
    }
    Timing t;
    t.wall = seconds_since(t0);
    t.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    return t;
}

int verify_bench(const std::string& file, const std::string& key_file, int rounds) {
    const auto key = tapekey::read_auditor_key(key_file);
    struct stat st {};
    ::stat(file.c_str(), &st);
    const double mb = static_cast<double>(st.st_size) / 1e6;
    Timing with_key, chain_only, openssl;
    std::uint64_t entries = 0;
    // Alternating rounds, best of each: the three see the same machine.
    for (int round = 0; round < rounds; ++round) {
        for (const bool k : {true, false}) {
            const auto t0 = clk::now();
            const double c0 = cpu_now();
            const auto r = tapekey::verify_log(file, k ? &key : nullptr);
            Timing& t = k ? with_key : chain_only;
            t.wall = std::min(t.wall, seconds_since(t0));
            t.cpu = std::min(t.cpu, cpu_now() - c0);
            if (!r.ok()) {
                std::fprintf(stderr, "log_bench: %s\n", r.problem->message(file).c_str());
                return 1;
            }
            entries = r.entries;
        }
        const Timing o = openssl_once(file);
        openssl.wall = std::min(openssl.wall, o.wall);
        openssl.cpu = std::min(openssl.cpu, o.cpu);
    }
    std::printf("file: %llu entries, %.1f MB; best of %d rounds; %u threads\n",
                static_cast<unsigned long long>(entries), mb, rounds, std::thread::hardware_concurrency());
    std::printf("%-34s %8s %8s %10s %12s %12s\n", "", "wall s", "cpu s", "MB/s", "ratio wall", "ratio cpu");
    const auto row = [&](const char* name, const Timing& t) {
        std::printf("%-34s %8.3f %8.3f %10.0f %12.2f %12.2f\n", name, t.wall, t.cpu, mb / t.wall,
                    openssl.wall / t.wall, openssl.cpu / t.cpu);
    };
    row("openssl dgst -sha256 (reference)", openssl);
    row("tapekey verify, auditor key", with_key);
    row("tapekey verify, chain only", chain_only);
    std::printf("ratio = speed relative to openssl dgst -sha256 over the same file (target >= 0.50 wall)\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "append" && argc >= 3) {
            return append_bench(argv[2], argc > 3 ? std::atol(argv[3]) : 2000);
        }
        if (cmd == "write" && argc >= 4) {
            return write_log(argv[2], argv[3], argc > 4 ? std::atol(argv[4]) : 1000000);
        }
        if (cmd == "verify" && argc >= 4) {
            return verify_bench(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 3);
        }
    } catch (const tapekey::Error& e) {
        std::fprintf(stderr, "log_bench: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: log_bench append DIR [N] | write FILE KEY [N] | verify FILE KEY\n");
    return 2;
}
