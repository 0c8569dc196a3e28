// libtapeemu-preload.so: stands in for the kernel's SCSI generic driver, so
// that the production SG_IO transport (lib/src/drive/sg_transport.cpp) and
// unmodified third-party clients (stenc, sg_raw) run against the software
// drive. This is the device side of SG_IO: with sg_transport.cpp, the only
// file that includes <scsi/sg.h>.
//
//   TAPEEMU_DEVICE  the device path to take over, e.g. /dev/sg7 or /dev/nst0
//   TAPEEMU_STATE   the emulator state file (the same file as emu:PATH)
//   TAPEEMU_TRACE   optional: append one line per open and per SG_IO here
//   TAPEEMU_FAULT   optional: comma-separated faults for every SG_IO (or only
//                   for one opcode, op=HEX): errno=NAME, open_errno=NAME,
//                   host=N, driver=N, status=N, short=N (bytes received),
//                   sense_len=N, sense=descriptor
//   TAPEEMU_STENC_LOG  optional: where stenc's /var/log/stenc goes
//
// Interposed: the open family (open, open64, openat, openat64 and their
// fortified __*_2 forms), close, dup/dup2/dup3, fcntl(F_DUPFD*), ioctl, and
// fopen/fopen64 for the stenc log. The taken-over path opens /dev/null, and
// that descriptor is remembered; SG_IO on it runs the command on the state
// file (locked, so separate processes see one drive), MTIOCTOP becomes the
// SCSI command st would send. Statically linked programs and raw syscall()
// users bypass it.
#include <dlfcn.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "drive/sense.h"
#include "state/state_file.h"
#include "tapekey/error.h"

namespace {

constexpr int max_fd = 4096;
std::atomic<bool> fake_fd[max_fd];

template <class F>
F real(const char* name) {
    void* p = ::dlsym(RTLD_NEXT, name);
    if (p == nullptr) {
        std::fprintf(stderr, "tapeemu-preload: cannot find %s\n", name);
        std::abort();
    }
    return reinterpret_cast<F>(p);
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

bool is_device(const char* path) {
    const char* dev = env("TAPEEMU_DEVICE");
    return path != nullptr && dev != nullptr && std::strcmp(path, dev) == 0;
}

bool is_fake(int fd) {
    return fd >= 0 && fd < max_fd && fake_fd[fd].load();
}
void mark(int fd, bool fake) {
    if (fd >= 0 && fd < max_fd) {
        fake_fd[fd].store(fake);
    }
}

std::mutex trace_lock;
void trace(const std::string& line) {
    const char* path = env("TAPEEMU_TRACE");
    if (path == nullptr) {
        return;
    }
    std::lock_guard<std::mutex> g(trace_lock);
    static auto real_fopen = real<FILE* (*)(const char*, const char*)>("fopen");
    if (FILE* f = real_fopen(path, "a")) {
        std::fprintf(f, "%s\n", line.c_str());
        std::fclose(f);
    }
}

std::string hex(const unsigned char* p, std::size_t n) {
    std::string s;
    char b[3];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(b, sizeof b, "%02x", p[i]);
        s += b;
    }
    return s;
}

int errno_named(const std::string& v) {
    static const std::pair<const char*, int> names[] = {{"EPERM", EPERM},        {"EACCES", EACCES}, {"EIO", EIO},
                                                        {"ENOTTY", ENOTTY},      {"EINVAL", EINVAL}, {"EBUSY", EBUSY},
                                                        {"ENODEV", ENODEV},      {"ENXIO", ENXIO},   {"ENOENT", ENOENT},
                                                        {"EROFS", EROFS},        {"EINTR", EINTR},   {"ENOMEM", ENOMEM},
                                                        {"ETIMEDOUT", ETIMEDOUT}};
    for (const auto& [n, e] : names) {
        if (v == n) {
            return e;
        }
    }
    return std::atoi(v.c_str());
}

struct Fault {
    int op = -1;  // only for this opcode; -1: every command
    int err = 0, open_err = 0;
    int host = -1, driver = -1, status = -1, short_len = -1, sense_len = -1;
    bool descriptor = false;
};

Fault fault() {
    Fault f;
    const char* spec = env("TAPEEMU_FAULT");
    if (spec == nullptr) {
        return f;
    }
    std::string s(spec);
    std::size_t at = 0;
    while (at <= s.size()) {
        const std::size_t end = std::min(s.find(',', at), s.size());
        const std::string item = s.substr(at, end - at);
        const std::size_t eq = item.find('=');
        const std::string k = item.substr(0, eq);
        const std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (k == "op")
            f.op = static_cast<int>(std::strtol(v.c_str(), nullptr, 16));
        else if (k == "errno")
            f.err = errno_named(v);
        else if (k == "open_errno")
            f.open_err = errno_named(v);
        else if (k == "host")
            f.host = std::atoi(v.c_str());
        else if (k == "driver")
            f.driver = std::atoi(v.c_str());
        else if (k == "status")
            f.status = std::atoi(v.c_str());
        else if (k == "short")
            f.short_len = std::atoi(v.c_str());
        else if (k == "sense_len")
            f.sense_len = std::atoi(v.c_str());
        else if (k == "sense" && v == "descriptor")
            f.descriptor = true;
        at = end + 1;
    }
    return f;
}

// Runs one command on the state file's drive.
tapeemu::Result run_command(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out, std::uint32_t room) {
    const char* state = env("TAPEEMU_STATE");
    if (state == nullptr) {
        throw tapekey::Error(tapekey::Errc::usage, "TAPEEMU_STATE is not set", "");
    }
    tapeemu::StateFile file(state);
    auto r = file.drive().execute(cdb, out, room);
    file.save();
    return r;
}

int sg_io(sg_io_hdr_t* h) {
    if (h == nullptr || h->interface_id != 'S' || h->iovec_count != 0 || h->cmdp == nullptr || h->cmd_len < 6 ||
        h->cmd_len > 16) {
        errno = EINVAL;
        return -1;
    }
    const Fault f = fault();
    const bool hit = f.op < 0 || f.op == h->cmdp[0];
    std::string line = "sg_io cdb=" + hex(h->cmdp, h->cmd_len) + " dir=" + std::to_string(h->dxfer_direction) +
                       " len=" + std::to_string(h->dxfer_len) + " timeout=" + std::to_string(h->timeout) +
                       " mx_sb_len=" + std::to_string(h->mx_sb_len);
    if (hit && f.err != 0) {
        trace(line + " -> errno " + std::to_string(f.err));
        errno = f.err;
        return -1;
    }
    const auto* data = static_cast<std::uint8_t*>(h->dxferp);
    std::span<const std::uint8_t> out;
    std::uint32_t room = 0;
    if (h->dxfer_direction == SG_DXFER_TO_DEV) {
        out = {data, h->dxfer_len};
    } else if (h->dxfer_direction == SG_DXFER_FROM_DEV || h->dxfer_direction == SG_DXFER_TO_FROM_DEV) {
        room = h->dxfer_len;
    }
    tapeemu::Result r;
    try {
        r = run_command({h->cmdp, h->cmd_len}, out, room);
    } catch (const tapekey::Error& e) {
        std::fprintf(stderr, "tapeemu-preload: %s\n", e.what());
        errno = EIO;
        return -1;
    }
    std::size_t got = 0;
    if (room != 0) {
        got = std::min<std::size_t>(r.data_in.size(), room);
        if (hit && f.short_len >= 0) {
            got = std::min<std::size_t>(got, static_cast<std::size_t>(f.short_len));
        }
        if (got != 0) {
            std::memcpy(h->dxferp, r.data_in.data(), got);
        }
    }
    h->resid = static_cast<int>((room != 0 ? room : h->dxfer_len) - (room != 0 ? got : h->dxfer_len));
    h->status = r.status;
    h->masked_status = static_cast<unsigned char>((r.status >> 1) & 0x7F);
    h->msg_status = 0;
    h->host_status = 0;
    h->driver_status = 0;
    h->sb_len_wr = 0;
    h->duration = 1;
    h->info = 0;
    if (r.status == tapeemu::status_check_condition) {
        auto sense = r.sense;
        if (hit && f.descriptor) {
            if (const auto s = tapekey::scsi::decode_sense(sense)) {
                sense = tapekey::scsi::encode_descriptor_sense(*s);
            }
        }
        std::size_t n = std::min<std::size_t>(sense.size(), h->mx_sb_len);
        if (hit && f.sense_len >= 0) {
            n = std::min<std::size_t>(n, static_cast<std::size_t>(f.sense_len));
        }
        if (h->sbp != nullptr && n > 0) {
            std::memcpy(h->sbp, sense.data(), n);
        }
        h->sb_len_wr = static_cast<unsigned char>(n);
        h->driver_status = n > 0 ? 0x08 : 0;  // DRIVER_SENSE
        h->info = SG_INFO_CHECK;
    }
    if (hit && f.status >= 0) {
        h->status = static_cast<unsigned char>(f.status);
        h->masked_status = static_cast<unsigned char>((f.status >> 1) & 0x7F);
        h->info |= SG_INFO_CHECK;
    }
    if (hit && f.host >= 0) {
        h->host_status = static_cast<unsigned short>(f.host);
        h->info |= SG_INFO_CHECK;
    }
    if (hit && f.driver >= 0) {
        h->driver_status = static_cast<unsigned short>(f.driver);
        h->info |= SG_INFO_CHECK;
    }
    trace(line + " -> status=" + std::to_string(h->status) + " resid=" + std::to_string(h->resid) +
          " sense=" + hex(h->sbp, h->sb_len_wr));
    return 0;
}

// MTIOCTOP as st turns it into SCSI commands (SSC-4 SPACE, REWIND, ...).
int mt_op(const mtop* op) {
    if (op == nullptr) {
        errno = EINVAL;
        return -1;
    }
    const auto n = static_cast<std::uint32_t>(op->mt_count);
    auto space = [](unsigned code, std::int32_t count) {
        const auto c = static_cast<std::uint32_t>(count) & 0xFFFFFFu;
        return std::vector<std::uint8_t>{0x11,
                                         static_cast<std::uint8_t>(code),
                                         static_cast<std::uint8_t>(c >> 16),
                                         static_cast<std::uint8_t>(c >> 8),
                                         static_cast<std::uint8_t>(c),
                                         0};
    };
    std::vector<std::uint8_t> cdb;
    switch (op->mt_op) {
        case MTFSR:
            cdb = space(0, op->mt_count);
            break;
        case MTBSR:
            cdb = space(0, -op->mt_count);
            break;
        case MTFSF:
            cdb = space(1, op->mt_count);
            break;
        case MTBSF:
            cdb = space(1, -op->mt_count);
            break;
        case MTEOM:
            cdb = space(3, 0);
            break;
        case MTREW:
            cdb = {0x01, 0, 0, 0, 0, 0};
            break;
        case MTWEOF:
            cdb = {0x10,
                   0,
                   static_cast<std::uint8_t>(n >> 16),
                   static_cast<std::uint8_t>(n >> 8),
                   static_cast<std::uint8_t>(n),
                   0};
            break;
        case MTLOAD:
            cdb = {0x1B, 0, 0, 0, 1, 0};
            break;
        case MTUNLOAD:
        case MTOFFL:
            cdb = {0x1B, 0, 0, 0, 0, 0};
            break;
        case MTNOP:
            return 0;
        default:
            errno = EINVAL;
            return -1;
    }
    try {
        const auto r = run_command(cdb, {}, 0);
        trace("mtioctop op=" + std::to_string(op->mt_op) + " count=" + std::to_string(op->mt_count) +
              " -> status=" + std::to_string(r.status));
        if (r.status != tapeemu::status_good) {
            errno = EIO;
            return -1;
        }
    } catch (const tapekey::Error& e) {
        std::fprintf(stderr, "tapeemu-preload: %s\n", e.what());
        errno = EIO;
        return -1;
    }
    return 0;
}

// The descriptor for the taken-over path: /dev/null, opened like the real one.
int open_device(const char* path, int flags) {
    trace(std::string("open ") + path + " flags=" + std::to_string(flags));
    const Fault f = fault();
    if (f.open_err != 0) {
        errno = f.open_err;
        return -1;
    }
    static auto real_open = real<int (*)(const char*, int, ...)>("open");
    const int fd = real_open("/dev/null", (flags & (O_ACCMODE | O_CLOEXEC)));
    mark(fd, fd >= 0);
    return fd;
}

const char* redirect_log(const char* path) {
    const char* log = env("TAPEEMU_STENC_LOG");
    return log != nullptr && path != nullptr && std::strcmp(path, "/var/log/stenc") == 0 ? log : path;
}

mode_t mode_arg(int flags, va_list ap) {
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

}  // namespace

extern "C" {

#define TAPEEMU_OPEN(name, ...)                                         \
    int name(const char* path, int flags, ...) {                        \
        va_list ap;                                                     \
        va_start(ap, flags);                                            \
        const mode_t mode = mode_arg(flags, ap);                        \
        va_end(ap);                                                     \
        if (is_device(path)) {                                          \
            return open_device(path, flags);                            \
        }                                                               \
        static auto next = real<int (*)(const char*, int, ...)>(#name); \
        return next(redirect_log(path), flags, mode);                   \
    }
TAPEEMU_OPEN(open)
TAPEEMU_OPEN(open64)
#undef TAPEEMU_OPEN

#define TAPEEMU_OPENAT(name)                                                 \
    int name(int dirfd, const char* path, int flags, ...) {                  \
        va_list ap;                                                          \
        va_start(ap, flags);                                                 \
        const mode_t mode = mode_arg(flags, ap);                             \
        va_end(ap);                                                          \
        if (is_device(path)) {                                               \
            return open_device(path, flags);                                 \
        }                                                                    \
        static auto next = real<int (*)(int, const char*, int, ...)>(#name); \
        return next(dirfd, redirect_log(path), flags, mode);                 \
    }
TAPEEMU_OPENAT(openat)
TAPEEMU_OPENAT(openat64)
#undef TAPEEMU_OPENAT

int __open_2(const char* path, int flags) {
    return open(path, flags);
}
int __open64_2(const char* path, int flags) {
    return open64(path, flags);
}
int __openat_2(int dirfd, const char* path, int flags) {
    return openat(dirfd, path, flags);
}
int __openat64_2(int dirfd, const char* path, int flags) {
    return openat64(dirfd, path, flags);
}

FILE* fopen(const char* path, const char* mode) {
    static auto next = real<FILE* (*)(const char*, const char*)>("fopen");
    return next(redirect_log(path), mode);
}
FILE* fopen64(const char* path, const char* mode) {
    static auto next = real<FILE* (*)(const char*, const char*)>("fopen64");
    return next(redirect_log(path), mode);
}

int close(int fd) {
    static auto next = real<int (*)(int)>("close");
    mark(fd, false);
    return next(fd);
}

int dup(int fd) {
    static auto next = real<int (*)(int)>("dup");
    const int r = next(fd);
    mark(r, is_fake(fd));
    return r;
}
int dup2(int fd, int to) {
    static auto next = real<int (*)(int, int)>("dup2");
    const bool fake = is_fake(fd);
    const int r = next(fd, to);
    if (r >= 0) {
        mark(r, fake);
    }
    return r;
}
int dup3(int fd, int to, int flags) {
    static auto next = real<int (*)(int, int, int)>("dup3");
    const bool fake = is_fake(fd);
    const int r = next(fd, to, flags);
    if (r >= 0) {
        mark(r, fake);
    }
    return r;
}

int fcntl(int fd, int cmd, ...) {
    static auto next = real<int (*)(int, int, ...)>("fcntl");
    va_list ap;
    va_start(ap, cmd);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    const int r = next(fd, cmd, arg);
    if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && r >= 0) {
        mark(r, is_fake(fd));
    }
    return r;
}

int ioctl(int fd, unsigned long request, ...) {
    va_list ap;
    va_start(ap, request);
    void* arg = va_arg(ap, void*);
    va_end(ap);
    if (!is_fake(fd)) {
        static auto next = real<int (*)(int, unsigned long, ...)>("ioctl");
        return next(fd, request, arg);
    }
    switch (request) {
        case SG_IO:
            return sg_io(static_cast<sg_io_hdr_t*>(arg));
        case SG_GET_VERSION_NUM:
            *static_cast<int*>(arg) = 30536;
            return 0;
        case SG_GET_TIMEOUT:
            return 60 * 100;
        case SG_SET_TIMEOUT:
            return 0;
        case SG_GET_RESERVED_SIZE:
            *static_cast<int*>(arg) = 65536;
            return 0;
        case MTIOCTOP:
            return mt_op(static_cast<const mtop*>(arg));
        default:
            errno = ENOTTY;
            return -1;
    }
}

}  // extern "C"
