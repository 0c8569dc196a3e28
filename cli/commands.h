// commands.h: the options of each command and the function that runs it.
// main.cpp declares them to CLI11 (the only file that includes it); each
// run_* parses nothing, calls the library and prints. Return: exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tapekey::cli {

struct SplitOptions {
    unsigned threshold = 0;
    unsigned shares = 0;
    std::optional<std::filesystem::path> in;
    std::optional<std::filesystem::path> out_dir;
    bool raw = false;
    bool force = false;
};
int run_split(const SplitOptions& o);

struct CombineOptions {
    std::vector<std::filesystem::path> files;
    std::optional<std::filesystem::path> out;
    bool force = false;
};
int run_combine(const CombineOptions& o);

}  // namespace tapekey::cli

// tapekey drive ... (cli/drive.cpp): DEVICE is /dev/sgN, /dev/nstN or emu:PATH.
namespace tapekey::cli {

struct DriveOptions {
    std::string device;
    bool json = false;
};
int run_drive_caps(const DriveOptions& o);
int run_drive_status(const DriveOptions& o);
int run_drive_next_block(const DriveOptions& o);
int run_drive_clear(const DriveOptions& o);

struct DriveLoadOptions {
    DriveOptions drive;
    std::filesystem::path key_file;  // stenc's format: hex key, then an optional description
    std::string mode = "on";         // on, mixed, rawread
    bool ckod = false;
    std::optional<std::string> volume;  // the Bacula volume name, for the key-use log
};
int run_drive_load(const DriveLoadOptions& o);

// tapekey emu ...: the emulated drive's front panel.
struct EmuOptions {
    std::string device;
    std::string cartridge;
    bool lto3 = false;
    bool worm = false;
    std::string persona = "hp-lto4";
    bool lenient = false;
    bool no_asocwp = false;
    bool force = false;
    bool json = false;
};
int run_emu_create(const EmuOptions& o);
int run_emu_insert(const EmuOptions& o);
int run_emu_eject(const EmuOptions& o);
int run_emu_power_cycle(const EmuOptions& o);

}  // namespace tapekey::cli

// tapekey config check (cli/config.cpp, tapekey/config.h).
namespace tapekey::cli {

struct ConfigCheckOptions {
    std::optional<std::filesystem::path> file;  // default: the home's config
    std::optional<std::filesystem::path> home;
};
int run_config_check(const ConfigCheckOptions& o);

}  // namespace tapekey::cli

// tapekey init, ceremony, shares verify, restore, keys ..., bundle export,
// escrow rotate (cli/keys.cpp, docs/design.md). Every one takes --home.
namespace tapekey::cli {

struct HomeOptions {
    std::optional<std::filesystem::path> home;
    std::optional<std::filesystem::path> passphrase_file;  // for a passphrase-sealed machine key
};

struct InitOptions {
    HomeOptions home;
    bool passphrase = false;  // seal the machine key under a passphrase
};
int run_init(const InitOptions& o);

// The custodians' envelope PDFs (cli/envelopes.cpp, docs/spec/envelope.md).
struct EnvelopeStyle {
    std::string paper = "a4";                                // a4 or letter
    std::optional<std::filesystem::path> template_file;     // default: the built-in English one
    bool combined = false;                                   // also one PDF with every page
};

struct CeremonyOptions {
    HomeOptions home;
    unsigned threshold = 0;
    std::vector<std::string> custodians;
    std::string administrator;
    std::string witness;
    std::vector<std::string> bag_serials;
    std::filesystem::path out;
    bool non_interactive = false;
    bool force = false;
    std::vector<std::filesystem::path> shares;  // escrow rotate: the current shares
    EnvelopeStyle envelope;
};
int run_ceremony(const CeremonyOptions& o);
int run_escrow_rotate(const CeremonyOptions& o);
int run_escrow_replace(const CeremonyOptions& o);

struct SharesVerifyOptions {
    HomeOptions home;
    std::optional<std::filesystem::path> escrow;  // an escrow.pub copy instead of the home's
    std::optional<std::filesystem::path> file;
};
int run_shares_verify(const SharesVerifyOptions& o);

struct RestoreOptions {
    HomeOptions home;
    std::filesystem::path bundle;                    // --bundle FILE, or
    std::vector<std::filesystem::path> bundle_scan;  // --bundle-scan: the recovery sheet (scans, PDF, typed text)
    std::vector<std::filesystem::path> shares;
    std::vector<std::filesystem::path> scans;  // --scan: envelope PDFs, scanned pages, photos
    bool passphrase = false;
};
int run_restore(const RestoreOptions& o);

struct KeysOptions {
    HomeOptions home;
    std::string generation;
    std::string reason;
    std::optional<std::string> confirm;
    std::optional<std::filesystem::path> out;
    bool json = false;
    bool force = false;
};
int run_keys_list(const KeysOptions& o);
int run_keys_rotate(const KeysOptions& o);
int run_keys_retire(const KeysOptions& o);
int run_keys_compromised(const KeysOptions& o);
int run_keys_destroy(const KeysOptions& o);
int run_keys_export_stenc(const KeysOptions& o);
int run_bundle_export(const KeysOptions& o);

// tapekey drive load DEVICE --generation GEN|--active, tapekey drive auto
// DEVICE: keys from the keyring, chosen by the library (KeyStore::plan_*).
struct DriveKeyOptions {
    HomeOptions home;
    std::string device;
    std::string generation;  // empty with --active
    bool active = false;
    std::string mode;        // "" (config drive.decryption_mode), on, mixed
    bool allow_compromised = false;
    bool json = false;
    std::optional<std::string> volume;  // the Bacula volume name, for the key-use log
};
int run_drive_load_generation(const DriveKeyOptions& o);
int run_drive_auto(const DriveKeyOptions& o);

}  // namespace tapekey::cli

// tapekey bacula worm (cli/bacula.cpp, docs/bacula.md): the Storage
// Daemon's Worm Command, `tapekey bacula worm %l %a %v %j`.
namespace tapekey::cli {

struct BaculaWormOptions {
    std::optional<std::filesystem::path> home;
    std::string control_device;       // %l
    std::string archive_device;       // %a
    std::optional<std::string> volume;  // %v (Bacula drops an empty code from argv)
    std::vector<std::string> job;     // %j (the rest of argv, joined with spaces)
};
int run_bacula_worm(const BaculaWormOptions& o);
int run_bacula_alert(const BaculaWormOptions& o);

}  // namespace tapekey::cli

// tapekey log show | verify | checkpoint | auditor-key (cli/log.cpp,
// docs/spec/audit-log.md).
namespace tapekey::cli {

struct LogOptions {
    std::optional<std::filesystem::path> home;
    std::optional<std::filesystem::path> log;  // a copy of a log instead of the home's
};

struct LogShowOptions {
    LogOptions where;
    std::optional<std::string> since;
    std::string event;  // a type, or a prefix ending in '*'
    bool json = false;
};
int run_log_show(const LogShowOptions& o);

struct LogVerifyOptions {
    LogOptions where;
    std::optional<std::filesystem::path> auditor_key;
    std::optional<std::string> checkpoint;
};
int run_log_verify(const LogVerifyOptions& o);
int run_log_checkpoint(const LogOptions& o);

// tapekey keys cartridges GEN: the exposure list of a generation, from the log.
struct KeysCartridgesOptions {
    LogOptions where;
    std::string generation;
    bool json = false;
};
int run_keys_cartridges(const KeysCartridgesOptions& o);

struct LogAuditorKeyOptions {
    std::optional<std::filesystem::path> home;
    std::filesystem::path out;
};
int run_log_auditor_key(const LogAuditorKeyOptions& o);

}  // namespace tapekey::cli

// tapekey envelopes render | check (cli/envelopes.cpp, docs/spec/envelope.md).
namespace tapekey::cli {

struct EnvelopesRenderOptions {
    HomeOptions home;
    std::optional<std::filesystem::path> escrow;  // an escrow.pub copy instead of the home's
    std::vector<std::filesystem::path> shares;    // share text files
    std::filesystem::path out;
    EnvelopeStyle style;
    bool force = false;
};
int run_envelopes_render(const EnvelopesRenderOptions& o);

struct EnvelopesCheckOptions {
    HomeOptions home;
    std::optional<std::filesystem::path> escrow;
    std::vector<std::filesystem::path> files;  // PDFs or scans
    int dpi = 300;
};
int run_envelopes_check(const EnvelopesCheckOptions& o);

}  // namespace tapekey::cli

// tapekey bundle print | check (cli/bundle_sheet.cpp,
// docs/spec/recovery-sheet.md): the recovery bundle on paper.
namespace tapekey::cli {

struct BundlePrintOptions {
    std::optional<std::filesystem::path> home;
    std::optional<std::filesystem::path> bundle;  // default: the home's current bundle
    std::filesystem::path out;
    std::string paper = "a4";
    bool force = false;
};
int run_bundle_print(const BundlePrintOptions& o);

struct BundleCheckOptions {
    std::vector<std::filesystem::path> files;     // the sheet's PDF, scans, typed text
    std::optional<std::filesystem::path> bundle;  // compare with this bundle file
    int dpi = 300;
};
int run_bundle_check(const BundleCheckOptions& o);

// The bundle file rebuilt from the sheet's pages (scans, PDFs, typed text
// files; any order) for restore --bundle-scan: prints each part read and
// each problem; throws naming missing parts (nothing is written then).
std::vector<std::uint8_t> read_bundle_sheet(const std::vector<std::filesystem::path>& files, int dpi, bool verbose);

}  // namespace tapekey::cli
