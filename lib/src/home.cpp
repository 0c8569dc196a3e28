#include "tapekey/home.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tapekey/error.h"

namespace tapekey {

Home Home::locate(const std::optional<std::filesystem::path>& flag) {
    if (flag && !flag->empty()) {
        return Home(*flag);
    }
    if (const char* env = std::getenv("TAPEKEY_HOME"); env != nullptr && *env != '\0') {
        return Home(env);
    }
    return Home(default_home);
}

void Home::require_initialised() const {
    struct stat st {};
    if (::stat(config().c_str(), &st) != 0) {
        throw Error(Errc::not_found, "no tapekey home at " + m_dir.string(),
                    "run `tapekey init --home " + m_dir.string() + "` first, or name the home with --home or TAPEKEY_HOME");
    }
    require_private(m_dir);
}

void Home::require_private(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Error(errno == ENOENT ? Errc::not_found : Errc::io,
                    path.string() + ": cannot check its permissions: " + std::strerror(errno));
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
        throw Error(Errc::permission,
                    path.string() + " has mode " + mode + ": other users could read or change keys",
                    "run `chmod " + std::string(S_ISDIR(st.st_mode) ? "700" : "600") + " " + path.string() +
                        "` and check who else may have read it");
    }
}

}  // namespace tapekey
