#include "term.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace tapekey::cli {

void print_error(const Error& e, std::string_view context) {
    std::cerr << "tapekey: error: ";
    if (!context.empty()) {
        std::cerr << context << ": ";
    }
    std::cerr << e.what() << '\n';
    if (!e.hint().empty()) {
        std::cerr << "tapekey: hint: " << e.hint() << '\n';
    }
}

void print_warning(std::string_view message) { std::cerr << "tapekey: warning: " << message << '\n'; }

void print_note(std::string_view message) { std::cerr << message << '\n'; }

int exit_code_for(const Error& e) { return e.code() == Errc::usage ? exit_usage : exit_no; }

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }
bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

namespace {

// Restores the terminal on every path, including exceptions.
class EchoOff {
public:
    EchoOff() {
        if (::tcgetattr(STDIN_FILENO, &m_saved) == 0) {
            termios t = m_saved;
            t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            t.c_lflag |= ECHONL;
            // TCSANOW, not TCSAFLUSH: a share pasted as several lines must
            // not lose the lines typed ahead of this prompt.
            m_active = ::tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        }
    }
    ~EchoOff() {
        if (m_active) {
            ::tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    termios m_saved{};
    bool m_active = false;
};

constexpr std::size_t max_line = 512;

}  // namespace

SecretBytes read_hidden_line(std::string_view prompt, bool& eof) {
    std::cerr << prompt << std::flush;
    EchoOff guard;
    SecretBytes buf(max_line);
    auto b = buf.expose();
    std::size_t n = 0;
    eof = false;
    for (;;) {
        char c = 0;
        const ssize_t r = ::read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            eof = n == 0;
            break;
        }
        if (c == '\n') {
            break;
        }
        if (n < b.size()) {
            b[n++] = static_cast<std::uint8_t>(c);
        }
        c = 0;
    }
    buf.truncate(n);
    return buf;
}

void harden_process(bool quiet) {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    ::umask(077);
    try {
        if (secure_heap_init() == SecureHeap::unlocked) {
            const char* w = "secret memory could not be locked into RAM (raise `ulimit -l`); continuing";
            if (quiet) {
                ::syslog(LOG_WARNING, "%s", w);
            } else {
                print_warning(w);
            }
        }
    } catch (const Error& e) {
        print_error(e);
        std::exit(exit_no);
    }
}

}  // namespace tapekey::cli
