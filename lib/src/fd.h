// fd.h: an owned file descriptor, closed on every path (private).
#pragma once

#include <unistd.h>

#include <utility>

namespace tapekey::detail {

class Fd {
public:
    explicit Fd(int fd) noexcept : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd& operator=(Fd&&) = delete;
    int get() const noexcept { return m_fd; }
    // Gives up ownership (the caller closes, e.g. to check close()'s result).
    int release() noexcept { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

}  // namespace tapekey::detail
