// tapeemu-tcmu: serves the software LTO drive (emu/core) to a Linux kernel
// through target_core_user (TCMU), so the kernel's st and sg drivers see it
// as a real tape drive (/dev/nstN, /dev/sgN) behind the tcm_loop HBA. The
// real-kernel test tier (tests/kernel/run) runs it inside User-Mode Linux.
//
//   tapeemu-tcmu --uio /dev/uioN --state FILE [--trace FILE]
//
// The UIO device is the one TCMU created for the backstore (its
// /sys/class/uio/uioN/name is "tcm-user/..."); map 0 is the shared area of
// linux/target_core_user.h. The kernel raises the UIO interrupt when it has
// queued commands (a 4-byte read() returns); a 4-byte write() tells it we
// have completed some (UIO irqcontrol, which TCMU uses to reap the ring).
//
// The drive is kept in the state file of the emu:PATH front end
// (emu/state/state_file.h). The handler owns the drive while it runs: it
// reads the file once, executes in memory, and writes the file back (under
// the file's lock) after every command that changed the drive, so the
// state can be inspected at any time (the blocks on the cartridge, whether
// they are encrypted) and taken up by emu:PATH tools afterwards. Changes
// made to the file by others while the handler runs are not seen: under
// UML every system call is slow, and a TEST UNIT READY must not cost a
// locked read and an fsync'd write. Make the drive and put a cartridge in
// it first with `tapekey emu create` and `tapekey emu insert`.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "drive/sense.h"
#include "ring.h"
#include "state/state_file.h"
#include "tapekey/error.h"
#include "tapekey/secret.h"

namespace {

using tapekey::Errc;
using tapekey::Error;

volatile sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

struct Options {
    std::string uio;
    std::string state;
    std::string trace;
};

[[noreturn]] void usage(const std::string& what) {
    throw Error(Errc::usage, what, "usage: tapeemu-tcmu --uio /dev/uioN --state FILE [--trace FILE]");
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage("option " + std::string(a) + " needs a value");
            }
            return argv[++i];
        };
        if (a == "--uio") {
            o.uio = value();
        } else if (a == "--state") {
            o.state = value();
        } else if (a == "--trace") {
            o.trace = value();

        } else {
            usage("unknown argument " + std::string(a));
        }
    }
    if (o.uio.empty() || o.state.empty()) {
        usage("--uio and --state are required");
    }
    return o;
}

[[noreturn]] void os_error(const std::string& what) {
    throw Error(Errc::io, what + ": " + std::strerror(errno));
}

std::string sysfs_line(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::string line;
    if (!in || !std::getline(in, line)) {
        throw Error(Errc::device, p.string() + ": cannot read", "is the TCMU backstore enabled?");
    }
    return line;
}

// The shared area of /dev/uioN: map 0, whose size sysfs gives in hex.
struct Mapping {
    int fd = -1;
    std::uint8_t* base = nullptr;
    std::size_t size = 0;

    explicit Mapping(const std::string& uio) {
        const auto name = std::filesystem::path(uio).filename();
        const auto sys = std::filesystem::path("/sys/class/uio") / name;
        const auto kind = sysfs_line(sys / "name");
        if (kind.rfind("tcm-user/", 0) != 0) {
            throw Error(Errc::device, uio + " is \"" + kind + "\", not a TCMU device",
                        "give the /dev/uioN whose /sys/class/uio/uioN/name starts with tcm-user/");
        }
        size = std::stoull(sysfs_line(sys / "maps/map0/size"), nullptr, 0);
        fd = ::open(uio.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            os_error("cannot open " + uio);
        }
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            os_error("cannot map " + uio);
        }
        base = static_cast<std::uint8_t*>(p);
    }
    ~Mapping() {
        if (base != nullptr) {
            ::munmap(base, size);
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    // Blocks until the kernel raises the interrupt or a signal arrives.
    void wait() const {
        std::uint32_t count = 0;
        if (::read(fd, &count, sizeof count) != static_cast<ssize_t>(sizeof count) && errno != EINTR) {
            os_error("read from the uio device");
        }
    }
    // Tells the kernel that completed entries wait in the ring.
    void notify() const {
        const std::uint32_t one = 1;
        if (::write(fd, &one, sizeof one) != static_cast<ssize_t>(sizeof one)) {
            os_error("write to the uio device");
        }
    }
};

// One line per command: opcode, status, sense key/ASC/ASCQ, bytes; and a
// "pad" line when the ring wrapped.
void trace(std::FILE* out, std::span<const std::uint8_t> cdb, const tapeemu::Result& r, std::size_t bytes) {
    if (out == nullptr) {
        return;
    }
    std::fprintf(out, "op=%02x status=%02x", cdb[0], r.status);
    if (const auto s = tapekey::scsi::decode_sense(r.sense)) {
        std::fprintf(out, " sense=%x/%02x/%02x", s->key, s->asc, s->ascq);
    }
    std::fprintf(out, " bytes=%zu\n", bytes);
    std::fflush(out);
}

// The drive in memory, mirrored to its state file whenever it changes.
class OwnedDrive {
public:
    explicit OwnedDrive(std::filesystem::path path) : m_path(std::move(path)) {
        if (!std::filesystem::exists(m_path)) {
            throw Error(Errc::not_found, "emulated drive " + m_path.string() + " does not exist",
                        "make it with `tapekey emu create emu:" + m_path.string() + "` and insert a cartridge");
        }
        tapeemu::StateFile f(m_path);
        m_snapshot = f.drive().serialize();
        m_drive.emplace(tapeemu::Emulator::deserialize(m_snapshot.state, copy(m_snapshot.key)));
    }

    tapeemu::Result execute(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out,
                            std::uint32_t alloc_len) {
        auto r = m_drive->execute(cdb, data_out, alloc_len);
        auto now = m_drive->serialize();
        if (now.state != m_snapshot.state || !(now.key == m_snapshot.key)) {
            tapeemu::StateFile f(m_path);
            f.drive() = tapeemu::Emulator::deserialize(now.state, copy(now.key));
            f.save();
            m_snapshot = std::move(now);
        }
        return r;
    }

private:
    static tapekey::SecretBytes copy(const tapekey::SecretBytes& s) {
        return tapekey::SecretBytes::copy_of(s.expose());
    }
    std::filesystem::path m_path;
    std::optional<tapeemu::Emulator> m_drive;
    tapeemu::Emulator::Snapshot m_snapshot;  // as last written
};

// 04/44/00 INTERNAL TARGET FAILURE (SPC-4 sense codes): what the initiator
// sees when the handler itself fails (e.g. the state file is unreadable).
tapeemu::Result internal_failure() {
    tapekey::scsi::Sense s;
    s.key = 0x04;
    s.asc = 0x44;
    tapeemu::Result r;
    r.status = tapeemu::status_check_condition;
    r.sense = tapekey::scsi::encode_fixed_sense(s);
    return r;
}

int serve(const Options& o) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: read() returns EINTR
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);

    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> trace_file(
        o.trace.empty() ? nullptr : std::fopen(o.trace.c_str(), "ae"), &std::fclose);
    if (!o.trace.empty() && !trace_file) {
        os_error("cannot open the trace file " + o.trace);
    }
    std::FILE* const trace_out = trace_file.get();
    OwnedDrive drive(o.state);
    const Mapping map(o.uio);
    tapeemu::tcmu::Ring ring({map.base, map.size});
    const tapeemu::tcmu::Executor execute = [&](std::span<const std::uint8_t> cdb,
                                                std::span<const std::uint8_t> data_out,
                                                std::uint32_t alloc_len) {
        tapeemu::Result r;
        try {
            r = drive.execute(cdb, data_out, alloc_len);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tapeemu-tcmu: error: %s\n", e.what());
            r = internal_failure();
        }
        trace(trace_out, cdb, r, data_out.empty() ? r.data_in.size() : data_out.size());
        return r;
    };
    std::fprintf(stderr, "tapeemu-tcmu: serving %s (ring %u bytes, area %zu bytes)\n", o.uio.c_str(),
                 ring.ring_size(), map.size);
    // Drain before the first wait: commands queued before we opened the
    // device raised no interrupt we can see.
    while (g_stop == 0) {
        const auto stats = ring.drain(execute);
        if (trace_out != nullptr && stats.pads > 0) {
            std::fprintf(trace_out, "pad entries=%zu (the ring wrapped)\n", stats.pads);
            std::fflush(trace_out);
        }
        if (stats.commands + stats.pads + stats.tmrs > 0) {
            map.notify();
        }
        map.wait();  // SIGTERM/SIGINT end the loop
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    tapekey::secure_heap_init();
    try {
        return serve(parse(argc, argv));
    } catch (const Error& e) {
        std::fprintf(stderr, "tapeemu-tcmu: error: %s\n", e.what());
        if (!e.hint().empty()) {
            std::fprintf(stderr, "tapeemu-tcmu: hint: %s\n", e.hint().c_str());
        }
        return e.code() == Errc::usage ? 2 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tapeemu-tcmu: error: %s\n", e.what());
        return 1;
    }
}
