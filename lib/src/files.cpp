// Safe file writes: see tapekey/files.h for the contract.
#include "tapekey/files.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2, RENAME_NOREPLACE
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "fd.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& path, int e) {
    Errc code = Errc::io;
    std::string hint;
    if (e == EACCES || e == EPERM) {
        code = Errc::permission;
        hint = "check the permissions of " + path.parent_path().string();
    } else if (e == ENOENT) {
        code = Errc::not_found;
    } else if (e == ENOSPC || e == EDQUOT) {
        hint = "free some space; nothing was changed";
    } else if (e == ELOOP) {
        hint = "tapekey does not follow a symbolic link when it writes; name the real file";
    }
    throw Error(code, path.string() + ": cannot " + what + ": " + errno_text(e), hint);
}

using detail::Fd;

void write_all(int fd, std::span<const std::uint8_t> data, const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            io_fail("write", path, errno);
        }
        done += static_cast<std::size_t>(n);
    }
}

void sync_and_close(Fd& fd, const std::filesystem::path& path) {
    if (::fsync(fd.get()) != 0) {
        io_fail("fsync", path, errno);
    }
    if (::close(fd.release()) != 0) {
        io_fail("close", path, errno);
    }
}

void sync_dir(const std::filesystem::path& dir) {
    Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
        io_fail("fsync the folder", dir, errno);
    }
}

mode_t mode_bits(FileMode mode) { return mode == FileMode::secret ? 0600 : 0644; }

Error exists_error(const std::filesystem::path& path) {
    return Error(Errc::exists, path.string() + " already exists",
                 "tapekey never overwrites a file unless you add --force");
}

}  // namespace

// Both modes write a temporary file beside the target (created 0600 by
// mkostemp, so a secret is never readable by others, not even while it is
// written), fsync it, and then move it into place in one step: rename()
// replaces, renameat2(RENAME_NOREPLACE) refuses an existing file. A crash
// at any point leaves the old file or the new one, never a mix; at worst a
// hidden `.NAME.tmp-XXXXXX` beside it.
void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data, FileMode mode,
                Overwrite overwrite) {
    const auto dir = path.parent_path();
    struct stat st {};
    if (overwrite == Overwrite::no && ::lstat(path.c_str(), &st) == 0) {
        throw exists_error(path);
    }
    std::string tmp_template = (dir.empty() ? std::filesystem::path(".") : dir).string() + "/." +
                               path.filename().string() + ".tmp-XXXXXX";
    const int raw = ::mkostemp(tmp_template.data(), O_CLOEXEC);
    if (raw < 0) {
        io_fail("create a temporary file beside", path, errno);
    }
    Fd fd(raw);
    const std::filesystem::path tmp(tmp_template);
    try {
        // umask may have removed bits from a public file; a secret file is
        // never wider than 0600 whatever the umask.
        if (::fchmod(fd.get(), mode_bits(mode)) != 0) {
            io_fail("set the mode of", tmp, errno);
        }
        write_all(fd.get(), data, tmp);
        sync_and_close(fd, tmp);
        if (overwrite == Overwrite::yes) {
            if (::rename(tmp.c_str(), path.c_str()) != 0) {
                io_fail("replace", path, errno);
            }
        } else if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
            if (errno == EEXIST) {
                throw exists_error(path);
            }
            if (errno != EINVAL && errno != ENOSYS) {
                io_fail("create", path, errno);
            }
            // A file system without renameat2: link() is exclusive too.
            if (::link(tmp.c_str(), path.c_str()) != 0) {
                if (errno == EEXIST) {
                    throw exists_error(path);
                }
                io_fail("create", path, errno);
            }
            ::unlink(tmp.c_str());
        }
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    sync_dir(dir);
}

void remove_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) {
            return;
        }
        io_fail("remove", path, errno);
    }
    sync_dir(path.parent_path());
}

SecretBytes read_secret_fd(int fd, std::string_view what, std::size_t max_size) {
    // Grows by doubling, so small inputs take little of the secure heap;
    // each outgrown buffer is wiped as it is released.
    SecretBytes buf(std::min<std::size_t>(max_size + 1, 4096));
    std::size_t got = 0;
    for (;;) {
        if (got == buf.size()) {
            if (got > max_size) {
                throw Error(Errc::bad_format,
                            std::string(what) + " is larger than " + std::to_string(max_size) + " bytes",
                            "is this the right file?");
            }
            SecretBytes bigger(std::min(buf.size() * 2, max_size + 1));
            std::copy(buf.expose().begin(), buf.expose().end(), bigger.expose().begin());
            buf = std::move(bigger);
        }
        const ssize_t n = ::read(fd, buf.expose().data() + got, buf.size() - got);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw Error(Errc::io, std::string(what) + ": cannot read: " + errno_text(errno));
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    buf.truncate(got);  // got < buf.size() <= max_size + 1 here
    return buf;
}

SecretBytes read_secret_file(const std::filesystem::path& path, std::size_t max_size) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        io_fail("open", path, errno);
    }
    return read_secret_fd(fd.get(), path.string(), max_size);
}

std::string read_text_file(const std::filesystem::path& path, std::size_t max_size) {
    SecretBytes b = read_secret_file(path, max_size);
    return {reinterpret_cast<const char*>(b.expose().data()), b.size()};
}

}  // namespace tapekey
