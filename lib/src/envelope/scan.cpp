// Reading QR codes from images and PDFs (docs/spec/envelope.md section 6):
// stb_image loads PNG, JPEG, PGM and PPM; pdftoppm renders PDFs into a
// pipe; ZXing-C++ decodes. ZXing stays in this file (its Error.h defines
// macros that clash with other headers).
#include <ZXing/ReadBarcode.h>
#include <fcntl.h>
#include <spawn.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "tapekey/error.h"
#include "tapekey/scan.h"

extern char** environ;

namespace tapekey {
namespace {

// A buffer of pixels or file bytes that is wiped when it goes (it may
// show a share). Ordinary memory: a page at 300 dpi is 8.7 MB, far more
// than the secure heap.
struct Wiped {
    std::vector<std::uint8_t> bytes;
    ~Wiped() { secure_wipe(bytes); }
    // Appends without leaving a copy behind: a vector that grows frees
    // its old buffer unwiped, so growth is done here, wiping the old one.
    void append(const std::uint8_t* data, std::size_t n) {
        if (bytes.size() + n > bytes.capacity()) {
            std::vector<std::uint8_t> bigger;
            bigger.reserve(std::max(2 * bytes.capacity(), bytes.size() + n));
            bigger.assign(bytes.begin(), bytes.end());
            secure_wipe(bytes);
            bytes.swap(bigger);
        }
        bytes.insert(bytes.end(), data, data + n);
    }
};

// Runs pdftoppm on `path`, grey at `dpi`, every page to standard output
// (concatenated P5 images), and returns what it wrote.
void render_pdf(const std::filesystem::path& path, int dpi, Wiped& out) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw Error(Errc::io, "cannot make a pipe for pdftoppm: " + std::string(std::strerror(errno)));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const std::string r = std::to_string(dpi), file = path.string();
    const char* argv[] = {"pdftoppm", "-gray", "-r", r.c_str(), file.c_str(), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, "pdftoppm", &fa, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        throw Error(Errc::io, "cannot run pdftoppm to render " + file + ": " + std::strerror(rc),
                    "install poppler-utils (apt-get install poppler-utils), or scan the printed page instead");
    }
    std::uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    secure_wipe(buf, sizeof buf);
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw Error(Errc::bad_format, "pdftoppm could not render " + file + " (it is not a readable PDF)",
                    "give the envelope PDF tapekey wrote, or a scan of the printed page (PNG, JPEG, PGM)");
    }
}

// Parses the next binary PGM (P5, maxval < 256) at `pos`; false at the end.
bool next_pgm(const std::vector<std::uint8_t>& b, std::size_t& pos, int& w, int& h, std::size_t& data) {
    if (pos >= b.size()) {
        return false;
    }
    if (pos + 2 > b.size() || b[pos] != 'P' || b[pos + 1] != '5') {
        throw Error(Errc::bad_format, "pdftoppm wrote something other than a grey image");
    }
    pos += 2;
    long v[3] = {0, 0, 0};
    for (long& x : v) {
        while (pos < b.size() && (std::isspace(b[pos]) != 0 || b[pos] == '#')) {
            if (b[pos] == '#') {
                while (pos < b.size() && b[pos] != '\n') {
                    ++pos;
                }
            } else {
                ++pos;
            }
        }
        while (pos < b.size() && std::isdigit(b[pos]) != 0 && x < 100000) {
            x = x * 10 + (b[pos++] - '0');
        }
    }
    ++pos;  // the single white space after maxval
    if (v[0] <= 0 || v[1] <= 0 || v[2] <= 0 || v[2] > 255 ||
        pos + static_cast<std::size_t>(v[0]) * static_cast<std::size_t>(v[1]) > b.size()) {
        throw Error(Errc::bad_format, "pdftoppm wrote a truncated or unusual grey image");
    }
    w = static_cast<int>(v[0]);
    h = static_cast<int>(v[1]);
    data = pos;
    pos += static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
    return true;
}

// The first bytes of `path`; a missing or unreadable file is an error.
std::string magic_of(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::error_code ec;
        const bool exists = std::filesystem::exists(path, ec);
        throw Error(exists ? Errc::permission : Errc::not_found,
                    path.string() + (exists ? " cannot be read" : " does not exist"));
    }
    char magic[8] = {};
    f.read(magic, sizeof magic);
    return std::string(magic, static_cast<std::size_t>(f.gcount()));
}

bool is_pdf(const std::filesystem::path& path) { return magic_of(path).rfind("%PDF-", 0) == 0; }

}  // namespace

bool is_scan(const std::filesystem::path& path) {
    const std::string m = magic_of(path);
    return m.rfind("%PDF-", 0) == 0 || m.rfind("\x89PNG", 0) == 0 || m.rfind("\xFF\xD8\xFF", 0) == 0 ||
           m.rfind("P5", 0) == 0 || m.rfind("P6", 0) == 0;
}

void check_pdf_renderer() {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    for (std::size_t i = 0; i <= dirs.size();) {
        const std::size_t end = std::min(dirs.find(':', i), dirs.size());
        const std::string file = dirs.substr(i, end - i) + "/pdftoppm";
        if (::access(file.c_str(), X_OK) == 0) {
            return;
        }
        i = end + 1;
    }
    throw Error(Errc::not_found, "pdftoppm is not installed: the envelopes cannot be checked before they are sealed",
                "install poppler-utils (apt-get install poppler-utils); nothing was changed");
}

std::string better_scan_hint() {
    return "scan the page again at 150 dpi or more, flat, in focus and evenly lit (a phone photo taken straight on "
           "also works); or type the share when asked";
}

ScanResult scan_grey(std::span<const std::uint8_t> pixels, int width, int height, const std::string& origin) {
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryHarder(true);
    hints.setTryRotate(true);
    hints.setReturnErrors(true);
    const ZXing::ImageView view(pixels.data(), width, height, ZXing::ImageFormat::Lum);
    ScanResult r;
    bool failed = false;
    for (const auto& code : ZXing::ReadBarcodes(view, hints)) {
        if (!code.isValid()) {
            failed = true;
            continue;
        }
        const auto& b = code.bytes();
        r.codes.push_back({origin, SecretBytes::copy_of(std::span<const std::uint8_t>(b.data(), b.size()))});
    }
    if (failed || r.codes.empty()) {
        r.unreadable.push_back(origin);
    }
    return r;
}

ScanResult scan_file(const std::filesystem::path& path, int dpi) {
    const std::string name = path.string();
    if (is_pdf(path)) {
        Wiped raw;
        render_pdf(path, dpi, raw);
        ScanResult all;
        std::size_t pos = 0, data = 0;
        int w = 0, h = 0;
        int page = 0;
        while (next_pgm(raw.bytes, pos, w, h, data)) {
            ++page;
            ScanResult one = scan_grey(std::span<const std::uint8_t>(raw.bytes).subspan(data, std::size_t(w) * std::size_t(h)), w, h,
                                       name + ", page " + std::to_string(page));
            for (auto& c : one.codes) {
                all.codes.push_back(std::move(c));
            }
            all.unreadable.insert(all.unreadable.end(), one.unreadable.begin(), one.unreadable.end());
        }
        if (page == 0) {
            throw Error(Errc::bad_format, name + " has no pages");
        }
        return all;
    }
    int w = 0, h = 0, channels = 0;
    struct Image {  // the pixels, wiped before stb frees them
        stbi_uc* p = nullptr;
        std::size_t n = 0;
        ~Image() {
            if (p != nullptr) {
                secure_wipe(p, n);
                stbi_image_free(p);
            }
        }
    } px;
    px.p = stbi_load(name.c_str(), &w, &h, &channels, 1);
    if (px.p == nullptr) {
        throw Error(Errc::bad_format, name + " is not an image tapekey can read (" + stbi_failure_reason() + ")",
                    "give a PNG, JPEG, PGM or PPM scan, or the envelope PDF");
    }
    px.n = std::size_t(w) * std::size_t(h);
    return scan_grey(std::span<const std::uint8_t>(px.p, px.n), w, h, name);
}

}  // namespace tapekey
