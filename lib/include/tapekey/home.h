// tapekey/home.h: the tapekey home, the folder that holds a machine's keys.
//
// Chosen by --home DIR, else the TAPEKEY_HOME environment variable, else
// /var/lib/tapekey. Its layout (docs/design.md, "The home"):
//
//   config            settings, every key documented (tapekey/config.h)
//   machine.key       the machine key-encryption key (0600)
//   escrow.pub        the escrow public key and its share set
//   keyring           tape-key generations, wrapped under the machine key
//   keyring.prev      the keyring before the last change
//   bundles/          exported recovery bundles
//   ceremonies/       ceremony records
//   log/keyuse.log    the key-use log; log/mac.key its current MAC key (0600)
//
// The home and everything secret in it must be private to its owner: a
// group- or world-accessible file is refused, with the chmod that fixes it.
#pragma once

#include <filesystem>
#include <optional>

namespace tapekey {

inline constexpr const char* default_home = "/var/lib/tapekey";

class Home {
public:
    // Resolves the folder from the flag, TAPEKEY_HOME or the default. Does
    // not touch the disk.
    static Home locate(const std::optional<std::filesystem::path>& flag);

    const std::filesystem::path& dir() const noexcept { return m_dir; }
    std::filesystem::path config() const { return m_dir / "config"; }
    std::filesystem::path machine_key() const { return m_dir / "machine.key"; }
    std::filesystem::path escrow_public() const { return m_dir / "escrow.pub"; }
    std::filesystem::path keyring() const { return m_dir / "keyring"; }
    std::filesystem::path keyring_previous() const { return m_dir / "keyring.prev"; }
    std::filesystem::path bundles() const { return m_dir / "bundles"; }
    std::filesystem::path ceremonies() const { return m_dir / "ceremonies"; }
    std::filesystem::path log_dir() const { return m_dir / "log"; }
    std::filesystem::path log_file() const { return m_dir / "log" / "keyuse.log"; }
    std::filesystem::path log_key() const { return m_dir / "log" / "mac.key"; }

    // Throws Error(Errc::not_found) with the `tapekey init` hint when the
    // home has not been initialised.
    void require_initialised() const;

    // Throws Error(Errc::permission) naming the path and the chmod command
    // when `path` is accessible by group or others (mode & 077).
    static void require_private(const std::filesystem::path& path);

private:
    explicit Home(std::filesystem::path dir) : m_dir(std::move(dir)) {}
    std::filesystem::path m_dir;
};

}  // namespace tapekey
