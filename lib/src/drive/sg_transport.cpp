// The Linux SCSI generic transport: the only file that includes <scsi/sg.h>
// and issues SG_IO (docs/drive.md "Permissions"; ssc-encryption.md 5).
//
// /dev/sgN is opened O_RDWR: the kernel's command filter lets SECURITY
// PROTOCOL IN/OUT through only on a descriptor opened for writing (group
// tape suffices). /dev/nstN is opened O_RDONLY|O_NONBLOCK, so that open
// neither blocks nor fails without a cartridge; st passes SG_IO on only with
// CAP_SYS_RAWIO. Every command gets a 60 s timeout (SPIN/SPOUT may queue
// behind a rewind). A completion is checked in order: the ioctl's errno,
// the host and driver status, then the SCSI status with its sense data.
#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "drive/transport.h"
#include "tapekey/error.h"

namespace tapekey::detail {
namespace {

constexpr unsigned timeout_ms = 60000;
constexpr std::size_t sense_room = 252;  // the largest descriptor-format sense

const std::string permission_hint =
    "use the drive's /dev/sgN (see `lsscsi -g`), opened read-write as a member of group tape, "
    "or give tapekey CAP_SYS_RAWIO (SG_IO on /dev/nstN requires it)";

bool is_st_node(const std::string& path) {
    const std::string name = std::filesystem::path(path).filename().string();
    return name.rfind("nst", 0) == 0 || name.rfind("st", 0) == 0 || name.find("-nst") != std::string::npos;
}

const char* host_status_name(unsigned s) {
    switch (s) {
        case 0x01:
            return "DID_NO_CONNECT: the drive is not connected";
        case 0x02:
            return "DID_BUS_BUSY: the bus stayed busy";
        case 0x03:
            return "DID_TIME_OUT: the command timed out";
        case 0x04:
            return "DID_BAD_TARGET: no such target";
        case 0x05:
            return "DID_ABORT: the command was aborted";
        case 0x06:
            return "DID_PARITY: parity error";
        case 0x07:
            return "DID_ERROR: internal host adapter error";
        case 0x08:
            return "DID_RESET: the bus was reset";
        case 0x0E:
            return "DID_TRANSPORT_DISRUPTED: the link went down";
        default:
            return "host adapter error";
    }
}

class SgTransport final : public Transport {
public:
    explicit SgTransport(std::string path) : m_path(std::move(path)) {
        const bool st = is_st_node(m_path);
        const int flags = (st ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC;
        m_fd = ::open(m_path.c_str(), flags);
        if (m_fd < 0) {
            const int e = errno;
            const std::string what = "drive " + m_path + ": cannot open: " + std::strerror(e);
            if (e == ENOENT || e == ENXIO || e == ENODEV) {
                throw Error(Errc::not_found, what, "list the tape drives with `lsscsi -g`");
            }
            if (e == EACCES || e == EPERM || e == EROFS) {
                throw Error(Errc::permission, what, permission_hint);
            }
            if (e == EBUSY) {
                throw Error(Errc::device, what, "another program has the drive open; wait for it to finish");
            }
            throw Error(Errc::io, what, "");
        }
        struct stat st_buf {};
        if (::fstat(m_fd, &st_buf) != 0 || !S_ISCHR(st_buf.st_mode)) {
            ::close(m_fd);
            throw Error(Errc::device, "drive " + m_path + ": not a character device",
                        "give the drive's /dev/sgN or /dev/nstN, or emu:PATH for the emulator");
        }
    }
    ~SgTransport() override { ::close(m_fd); }
    SgTransport(const SgTransport&) = delete;
    SgTransport& operator=(const SgTransport&) = delete;

    Completion execute(const Command& c) override {
        std::uint8_t sense[sense_room] = {};
        sg_io_hdr_t h{};
        h.interface_id = 'S';
        h.cmd_len = static_cast<unsigned char>(c.cdb.size());
        h.cmdp = const_cast<unsigned char*>(c.cdb.data());
        h.mx_sb_len = sizeof sense;
        h.sbp = sense;
        h.timeout = timeout_ms;
        if (!c.data_out.empty()) {
            h.dxfer_direction = SG_DXFER_TO_DEV;
            h.dxferp = const_cast<unsigned char*>(c.data_out.data());
            h.dxfer_len = static_cast<unsigned>(c.data_out.size());
        } else if (!c.data_in.empty()) {
            h.dxfer_direction = SG_DXFER_FROM_DEV;
            h.dxferp = c.data_in.data();
            h.dxfer_len = static_cast<unsigned>(c.data_in.size());
        } else {
            h.dxfer_direction = SG_DXFER_NONE;
        }
        int rc = 0;
        do {
            rc = ::ioctl(m_fd, SG_IO, &h);
        } while (rc < 0 && errno == EINTR);
        if (rc < 0) {
            const int e = errno;
            const std::string what = "drive " + m_path + ": SG_IO failed: " + std::strerror(e);
            if (e == EPERM || e == EACCES) {
                throw Error(Errc::permission, what, permission_hint);
            }
            if (e == ENOTTY || e == EINVAL) {
                throw Error(Errc::device, what,
                            "this device node does not take SCSI pass-through (an IBM lin_tape node?); "
                            "use the drive's /dev/sgN");
            }
            if (e == ENODEV || e == ENXIO) {
                throw Error(Errc::device, what, "the drive went away; check its cable and power");
            }
            throw Error(Errc::io, what, "retry; if it persists, check the drive and the kernel log");
        }
        if (h.host_status != 0) {
            throw Error(Errc::device,
                        "drive " + m_path + ": " + host_status_name(h.host_status) + " (host status " +
                            std::to_string(h.host_status) + ")",
                        "check the cabling and the kernel log, then retry");
        }
        const unsigned driver = h.driver_status & 0x0Fu;  // low nibble: DRIVER_* (0x08 is DRIVER_SENSE)
        if (driver == 0x06) {
            throw Error(Errc::device, "drive " + m_path + ": the command timed out after 60 s",
                        "the drive may be busy rewinding or loading; retry when it is idle");
        }
        if (driver != 0 && driver != 0x08) {
            throw Error(Errc::device,
                        "drive " + m_path + ": the kernel driver failed the command (driver status " +
                            std::to_string(h.driver_status) + ")",
                        "check the kernel log");
        }
        Completion out;
        out.status = h.status;
        const std::size_t asked = h.dxfer_direction == SG_DXFER_FROM_DEV ? c.data_in.size() : 0;
        const std::size_t resid = h.resid > 0 ? static_cast<std::size_t>(h.resid) : 0;
        out.data_in_length = resid <= asked ? asked - resid : 0;
        out.sense.assign(sense, sense + std::min<std::size_t>(h.sb_len_wr, sizeof sense));
        return out;
    }

private:
    std::string m_path;
    int m_fd = -1;
};

}  // namespace

std::unique_ptr<Transport> open_sg_transport(const std::string& path) {
    return std::make_unique<SgTransport>(path);
}

}  // namespace tapekey::detail
