#include "state/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "tapekey/error.h"
#include "tapekey/secret.h"

namespace tapeemu {
namespace {

// File layout: the emulator's state bytes, the key, then the key's length
// as two bytes big-endian (last, so the state needs no length of its own).
constexpr std::size_t max_state = std::size_t{1} << 32;

[[noreturn]] void io_fail(const std::filesystem::path& p, const char* what) {
    const int e = errno;
    throw tapekey::Error(e == EACCES || e == EPERM ? tapekey::Errc::permission : tapekey::Errc::io,
                         "emulator state " + p.string() + ": " + what + ": " + std::strerror(e),
                         "check that the folder exists and that you may write to it");
}

void write_all(int fd, const std::uint8_t* p, std::size_t n, const std::filesystem::path& path) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            io_fail(path, "write");
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

}  // namespace

StateFile::StateFile(std::filesystem::path path, NewDrive fresh) : m_path(std::move(path)) {
    const std::string lock = m_path.string() + ".lock";
    m_lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_lock_fd < 0) {
        io_fail(lock, "cannot create the lock file");
    }
    while (::flock(m_lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            ::close(m_lock_fd);
            io_fail(lock, "cannot lock");
        }
    }
    try {
        const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
            if (errno != ENOENT) {
                io_fail(m_path, "cannot open");
            }
            m_drive.emplace(fresh.persona, fresh.strict, fresh.asocwp);
            m_created = true;
            return;
        }
        struct stat st {};
        std::vector<std::uint8_t> bytes;
        if (::fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) < max_state) {
            bytes.resize(static_cast<std::size_t>(st.st_size));
        }
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t r = ::read(fd, bytes.data() + got, bytes.size() - got);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r <= 0) {
                ::close(fd);
                io_fail(m_path, "read");
            }
            got += static_cast<std::size_t>(r);
        }
        ::close(fd);
        const std::size_t n = bytes.size();
        const std::size_t key_len = n >= 2 ? std::size_t{bytes[n - 2]} << 8 | bytes[n - 1] : n + 1;
        if (n < 2 + key_len) {
            throw tapekey::Error(tapekey::Errc::bad_format, "emulator state " + m_path.string() + ": truncated",
                                 "remove it to start a new drive");
        }
        const std::size_t state_len = n - 2 - key_len;
        auto key = tapekey::SecretBytes::copy_of(std::span(bytes).subspan(state_len, key_len));
        tapekey::secure_wipe(std::span(bytes).subspan(state_len, key_len));
        m_drive.emplace(Emulator::deserialize(std::span(bytes).first(state_len), std::move(key)));
    } catch (...) {
        ::close(m_lock_fd);
        throw;
    }
}

StateFile::~StateFile() {
    ::close(m_lock_fd);
}  // closing releases the lock

void StateFile::save() {
    const auto snap = m_drive->serialize();
    const std::filesystem::path tmp = m_path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        io_fail(tmp, "cannot create");
    }
    try {
        const auto key = snap.key.expose();
        const std::uint8_t len[2] = {static_cast<std::uint8_t>(key.size() >> 8), static_cast<std::uint8_t>(key.size())};
        write_all(fd, snap.state.data(), snap.state.size(), tmp);
        write_all(fd, key.data(), key.size(), tmp);
        write_all(fd, len, sizeof len, tmp);
        if (::fsync(fd) != 0) {
            io_fail(tmp, "fsync");
        }
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), m_path.c_str()) != 0) {
        io_fail(m_path, "rename");
    }
    const auto dir = m_path.parent_path().empty() ? std::filesystem::path(".") : m_path.parent_path();
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace tapeemu
