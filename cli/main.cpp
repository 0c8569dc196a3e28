// tapekey: the command table. The only file that includes CLI11 (its headers
// cost seconds per translation unit); each command's work is in its own file.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"
#include "term.h"

namespace {

using namespace std::string_literals;

const char* const overview = R"(tapekey: escrow and load LTO tape-encryption keys.

Example: split a 256-bit key 3-of-5, then rebuild it from shares 2, 4 and 5
  $ openssl rand -hex 32 > key.hex
  $ tapekey split --threshold 3 --shares 5 --in key.hex --out shares/
  $ tapekey combine shares/share-2.txt shares/share-4.txt shares/share-5.txt
)";

const char* const split_example = R"(
Example:
  $ tapekey split --threshold 3 --shares 5 --in key.hex --out shares/
  wrote shares/share-1.txt ... shares/share-5.txt (mode 0600)
The secret is read from --in FILE or standard input, never from the command
line. Without --out the shares are printed, one block per share.
)";

const char* const combine_example = R"(
Example:
  $ tapekey combine shares/share-2.txt shares/share-4.txt shares/share-5.txt
  0123...cdef
With no files and a terminal, tapekey asks for each share line by line,
without echo, and checks every line as soon as it is typed. Otherwise it
reads shares from standard input, one block per share, blank lines between.
)";


// tapekey drive ... and tapekey emu ... (cli/drive.cpp, docs/drive.md).
struct DriveCommands {
    tapekey::cli::DriveOptions caps, status, next_block, clear;
    tapekey::cli::DriveLoadOptions load;
    tapekey::cli::DriveKeyOptions load_generation, auto_load;
    tapekey::cli::EmuOptions create, insert, eject, power;
};

const char* const drive_help = R"(
DEVICE is the drive's /dev/sgN (read-write, group tape), /dev/nstN (needs
CAP_SYS_RAWIO) or emu:PATH, the emulated drive kept in the file PATH.
Example:
  $ tapekey drive load /dev/sg3 --key-file tape.key --mode mixed
  $ tapekey drive status /dev/sg3
The key file is stenc's: the key in hex on line 1, an optional description
on line 2, sent as the U-KAD (written in clear on every block: a name, never
a secret).
)";

void add_drive_commands(CLI::App& app, DriveCommands& o, int& rc) {
    using namespace std::string_literals;
    auto* drive = app.add_subcommand("drive", "talk to the tape drive's encryption"s)->group("Drive");
    drive->require_subcommand(1);
    drive->footer(drive_help);
    auto device = [](CLI::App* c, tapekey::cli::DriveOptions& d) {
        c->add_option("device", d.device, "/dev/sgN, /dev/nstN or emu:PATH")->required();
        c->add_flag("--json", d.json, "print JSON for scripts");
    };
    auto* caps = drive->add_subcommand("caps", "what the drive can do (algorithms, KAD sizes)"s);
    device(caps, o.caps);
    caps->callback([&] { rc = tapekey::cli::run_drive_caps(o.caps); });
    auto* status = drive->add_subcommand("status", "the drive's encryption state and key"s);
    device(status, o.status);
    status->callback([&] { rc = tapekey::cli::run_drive_status(o.status); });
    auto* next = drive->add_subcommand("next-block", "the block under the head: encrypted? with which KAD?"s);
    device(next, o.next_block);
    next->callback([&] { rc = tapekey::cli::run_drive_next_block(o.next_block); });
    auto* load = drive->add_subcommand("load", "load a key into the drive and verify it"s);
    device(load, o.load.drive);
    load->add_option("--key-file", o.load.key_file, "stenc key file: hex key, optional description line");
    load->add_option("--mode", o.load.mode, "on (encrypt+decrypt), mixed (also read clear blocks), rawread")
        ->check(CLI::IsMember({"on", "mixed", "rawread"}));
    load->add_flag("--ckod", o.load.ckod, "clear the key when the cartridge is unloaded");
    // From the keyring instead of a key file (cli/keys.cpp).
    load->add_option("--generation", o.load_generation.generation, "load this generation from the keyring");
    load->add_flag("--active", o.load_generation.active, "load the active generation from the keyring");
    load->add_option("--home", o.load_generation.home.home, "the tapekey home (with --generation or --active)");
    load->add_option("--passphrase-file", o.load_generation.home.passphrase_file, "the machine key's passphrase");
    load->add_flag("--allow-compromised", o.load_generation.allow_compromised,
                   "load a compromised generation, to read its cartridges");
    load->add_option("--volume", o.load.volume, "the cartridge's Bacula volume name, recorded in the key-use log");
    load->callback([&, load] {  // load by value: this function's frame is gone when it runs
        const int sources = (o.load.key_file.empty() ? 0 : 1) + (o.load_generation.generation.empty() ? 0 : 1) +
                            (o.load_generation.active ? 1 : 0);
        if (sources != 1) {
            throw CLI::ValidationError("drive load", "give exactly one of --key-file, --generation or --active");
        }
        if (o.load.key_file.empty()) {
            o.load_generation.device = o.load.drive.device;
            o.load_generation.json = o.load.drive.json;
            o.load_generation.volume = o.load.volume;
            o.load_generation.mode = load->count("--mode") ? o.load.mode : std::string();
            rc = tapekey::cli::run_drive_load_generation(o.load_generation);
        } else {
            rc = tapekey::cli::run_drive_load(o.load);
        }
    });
    auto* autoload = drive->add_subcommand("auto", "load the key the cartridge needs (by its KAD), or the active one"s);
    autoload->add_option("device", o.auto_load.device, "/dev/sgN, /dev/nstN or emu:PATH")->required();
    autoload->add_option("--home", o.auto_load.home.home, "the tapekey home");
    autoload->add_option("--passphrase-file", o.auto_load.home.passphrase_file, "the machine key's passphrase");
    autoload->add_flag("--allow-compromised", o.auto_load.allow_compromised,
                       "load a compromised generation, to read its cartridges");
    autoload->add_flag("--json", o.auto_load.json, "print JSON for scripts");
    autoload->add_option("--volume", o.auto_load.volume,
                         "the cartridge's Bacula volume name (%v), recorded in the key-use log");
    autoload->callback([&] { rc = tapekey::cli::run_drive_auto(o.auto_load); });
    auto* clear = drive->add_subcommand("clear", "switch encryption off and clear the key"s);
    device(clear, o.clear);
    clear->callback([&] { rc = tapekey::cli::run_drive_clear(o.clear); });

    auto* emu = app.add_subcommand("emu", "the emulated drive's front panel (emu:PATH)"s)->group("Drive");
    emu->require_subcommand(1);
    auto emu_device = [](CLI::App* c, tapekey::cli::EmuOptions& e) {
        c->add_option("device", e.device, "emu:PATH")->required();
        c->add_flag("--json", e.json, "print JSON for scripts");
    };
    auto* create = emu->add_subcommand("create", "make a new emulated drive"s);
    emu_device(create, o.create);
    create->add_option("--persona", o.create.persona, "hp-lto4 (default), ibm-lto4 or no-encryption")
        ->check(CLI::IsMember({"hp-lto4", "ibm-lto4", "no-encryption"}));
    create->add_flag("--lenient", o.create.lenient, "accept set reserved bits (stenc 1.0.7 sends some)");
    create->add_flag("--no-asocwp", o.create.no_asocwp,
                     "a drive that does not let the host write-protect a cartridge (mode page 10h ASOCWP)");
    create->add_flag("--force", o.create.force, "replace an existing drive");
    create->callback([&] { rc = tapekey::cli::run_emu_create(o.create); });
    auto* insert = emu->add_subcommand("insert", "insert and load a cartridge (new ones are blank)"s);
    emu_device(insert, o.insert);
    insert->add_option("--cartridge", o.insert.cartridge, "the cartridge's name, e.g. TAPE01")->required();
    insert->add_flag("--lto3", o.insert.lto3, "an LTO-3 cartridge: the drive writes it in clear");
    insert->add_flag("--worm", o.insert.worm, "a WORM cartridge (reported in mode page 1Dh)");
    insert->callback([&] { rc = tapekey::cli::run_emu_insert(o.insert); });
    auto* eject = emu->add_subcommand("eject", "unload and take out the cartridge"s);
    emu_device(eject, o.eject);
    eject->callback([&] { rc = tapekey::cli::run_emu_eject(o.eject); });
    auto* power = emu->add_subcommand("power-cycle", "switch the drive off and on (clears its key)"s);
    emu_device(power, o.power);
    power->callback([&] { rc = tapekey::cli::run_emu_power_cycle(o.power); });
}

// tapekey init, ceremony, shares, restore, keys, bundle, escrow (cli/keys.cpp).
struct KeyCommands {
    tapekey::cli::InitOptions init;
    tapekey::cli::CeremonyOptions ceremony, escrow_rotate, escrow_replace;
    tapekey::cli::SharesVerifyOptions verify;
    tapekey::cli::RestoreOptions restore;
    tapekey::cli::KeysOptions list, rotate, retire, compromised, destroy, stenc, bundle;
    tapekey::cli::KeysCartridgesOptions cartridges;
    tapekey::cli::BundlePrintOptions print;
    tapekey::cli::BundleCheckOptions check;
};

const char* const bundle_print_help = R"(
Example, after every bundle export:
  $ tapekey bundle print --out /media/usb/recovery-sheet.pdf
Page 1 is the lifeboat (the disaster-recovery runbook), then the bundle as
numbered QR codes, then as text to type. Before it is written the sheet is
rendered at 150 dpi and decoded, and must give back the bundle byte for byte.
)";

const char* const keys_cartridges_help = R"(
Example, after `tapekey keys compromised 8T5F --reason ...`:
  $ tapekey keys cartridges 8T5F
Verifies the key-use log's hash chain first, then lists every volume the
generation was loaded for writing (its data is exposed) and those it was
only read from, with the first and last load and the drive's serial.
)";

const char* const ceremony_help = R"(
Example (the administrator and the witness hold no share):
  $ tapekey ceremony --threshold 3 --custodian Alice --custodian Bob \
      --custodian Carol --custodian Dan --custodian Erin --out /media/envelopes
At a terminal it walks you through the checklist: who is present, each
share handed over, each tamper-evident bag's serial. --non-interactive skips
the questions (scripts, tests) and needs --administrator and --witness.
)";

const char* const escrow_replace_help = R"(
Only when fewer than K envelopes of the current escrow are left and this
server still holds the keys (escrow-procedure.md 5.8); with K envelopes, use
`tapekey escrow rotate`. The old envelopes and the bundles made before
stay openable by whoever holds K of them: destroy what is left of them.
Example:
  $ tapekey escrow replace --threshold 3 --custodian Alice --custodian Bob \
      --custodian Carol --custodian Dan --custodian Frank --out /dev/shm/ceremony
)";

const char* const restore_help = R"(
Example, on a new machine after a disaster:
  $ tapekey restore --home /var/lib/tapekey --bundle bundle.tkb
  $ tapekey restore --home /var/lib/tapekey --bundle-scan sheet-*.png --scan env-*.png
Exactly one of --bundle and --bundle-scan is needed. It asks for the shares one at a time (no echo, every line checked), or
reads SHARE-FILE arguments; a bad share is named and set aside.
)";

void add_key_commands(CLI::App& app, KeyCommands& o, int& rc) {
    using namespace std::string_literals;
    auto home = [](CLI::App* c, tapekey::cli::HomeOptions& h) {
        c->add_option("--home", h.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
        c->add_option("--passphrase-file", h.passphrase_file, "read the machine key's passphrase from FILE");
    };
    auto* init = app.add_subcommand("init", "create a tapekey home: machine key, keyring, settings"s)->group("Keys");
    home(init, o.init.home);
    init->add_flag("--passphrase", o.init.passphrase, "seal the machine key under a passphrase (no unattended loads)");
    init->callback([&] { rc = tapekey::cli::run_init(o.init); });

    auto ceremony_options = [&](CLI::App* c, tapekey::cli::CeremonyOptions& co) {
        home(c, co.home);
        c->add_option("-k,--threshold", co.threshold, "custodians needed to rebuild the escrow key")->required();
        c->add_option("--custodian", co.custodians, "a custodian's name; once per custodian")->required();
        c->add_option("--administrator", co.administrator, "the ceremony administrator (holds no share)");
        c->add_option("--witness", co.witness, "the witness (holds no share)");
        c->add_option("--bag-serial", co.bag_serials, "tamper-evident bag serials, one per custodian, in order");
        c->add_option("--out", co.out, "folder for the custodians' envelope PDFs (mode 0600)")->required();
        c->add_option("--paper", co.envelope.paper, "envelope paper: a4 or letter")
            ->check(CLI::IsMember({"a4", "letter"}));
        c->add_option("--template", co.envelope.template_file, "envelope page template (default: built-in English)");
        c->add_flag("--combined", co.envelope.combined, "also write envelopes-all.pdf to print in one go");
        c->add_flag("--non-interactive", co.non_interactive, "no checklist questions");
        c->add_flag("--force", co.force, "replace envelope files in --out");
        c->footer(ceremony_help);
    };
    auto* ceremony = app.add_subcommand("ceremony", "create the escrow key and split it among custodians"s)->group("Keys");
    ceremony_options(ceremony, o.ceremony);
    ceremony->callback([&] { rc = tapekey::cli::run_ceremony(o.ceremony); });

    auto* escrow = app.add_subcommand("escrow", "change the custodians or the quorum"s)->group("Keys");
    escrow->require_subcommand(1);
    auto* erotate = escrow->add_subcommand("rotate", "new escrow key and shares; needs a quorum of the old ones"s);
    ceremony_options(erotate, o.escrow_rotate);
    erotate->add_option("--share", o.escrow_rotate.shares, "a current share file (else asked at the terminal)");
    erotate->callback([&] { rc = tapekey::cli::run_escrow_rotate(o.escrow_rotate); });
    auto* ereplace = escrow->add_subcommand(
        "replace", "new escrow key and shares when fewer than k envelopes are left (no quorum needed)"s);
    ceremony_options(ereplace, o.escrow_replace);
    ereplace->footer(escrow_replace_help);
    ereplace->callback([&] { rc = tapekey::cli::run_escrow_replace(o.escrow_replace); });

    auto* shares = app.add_subcommand("shares", "custodians' drills"s)->group("Keys");
    shares->require_subcommand(1);
    auto* verify = shares->add_subcommand("verify", "check one share alone: checksum, set, commitment"s);
    home(verify, o.verify.home);
    verify->add_option("file", o.verify.file, "the share file (default: standard input or the terminal)");
    verify->add_option("--escrow", o.verify.escrow, "a copy of escrow.pub, instead of the home's");
    verify->callback([&] { rc = tapekey::cli::run_shares_verify(o.verify); });

    auto* restore = app.add_subcommand("restore", "rebuild a home from a recovery bundle and k shares"s)->group("Keys");
    home(restore, o.restore.home);
    restore->add_option("--bundle", o.restore.bundle, "the recovery bundle (.tkb)");
    restore->add_option("--bundle-scan", o.restore.bundle_scan,
                        "instead of --bundle: the printed recovery sheet, as scans, its PDF or its text typed into a "
                        "file (any order, many files)");
    restore->add_option("shares", o.restore.shares, "share files or envelope PDFs (default: asked at the terminal)");
    restore->add_option("--scan", o.restore.scans, "scanned envelope pages or photos (PNG, JPEG, PGM) or PDFs");
    restore->add_flag("--passphrase", o.restore.passphrase, "seal the new machine key under a passphrase");
    restore->footer(restore_help);
    restore->callback([&] { rc = tapekey::cli::run_restore(o.restore); });

    auto* keys = app.add_subcommand("keys", "tape-key generations"s)->group("Keys");
    keys->require_subcommand(1);
    auto* list = keys->add_subcommand("list", "every generation and its state"s);
    home(list, o.list.home);
    list->add_flag("--json", o.list.json, "print JSON for scripts");
    list->callback([&] { rc = tapekey::cli::run_keys_list(o.list); });
    auto* rotate = keys->add_subcommand("rotate", "new generation: escrowed in a bundle, then active"s);
    home(rotate, o.rotate.home);
    rotate->add_option("--bundle-out", o.rotate.out, "also write the new bundle to FILE");
    rotate->callback([&] { rc = tapekey::cli::run_keys_rotate(o.rotate); });
    auto gen = [&](CLI::App* c, tapekey::cli::KeysOptions& k) {
        home(c, k.home);
        c->add_option("generation", k.generation, "generation id (or a unique prefix)")->required();
    };
    auto* retire = keys->add_subcommand("retire", "stop encrypting with a generation (it still decrypts)"s);
    gen(retire, o.retire);
    retire->callback([&] { rc = tapekey::cli::run_keys_retire(o.retire); });
    auto* comp = keys->add_subcommand("compromised", "declare a generation compromised"s);
    gen(comp, o.compromised);
    comp->add_option("--reason", o.compromised.reason, "what happened")->required();
    comp->callback([&] { rc = tapekey::cli::run_keys_compromised(o.compromised); });
    auto* destroy = keys->add_subcommand("destroy", "crypto-erase a generation (typed confirmation)"s);
    gen(destroy, o.destroy);
    destroy->add_option("--confirm", o.destroy.confirm, "the generation id, typed again");
    destroy->callback([&] { rc = tapekey::cli::run_keys_destroy(o.destroy); });
    auto* cartridges = keys->add_subcommand(
        "cartridges", "the volumes a generation was loaded for, from the key-use log (compromise response)"s);
    cartridges->add_option("generation", o.cartridges.generation, "generation id, or a unique prefix")->required();
    cartridges->add_option("--home", o.cartridges.where.home,
                           "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
    cartridges->add_option("--log", o.cartridges.where.log, "a copy of a key-use log, instead of the home's");
    cartridges->add_flag("--json", o.cartridges.json, "print JSON for scripts");
    cartridges->footer(keys_cartridges_help);
    cartridges->callback([&] { rc = tapekey::cli::run_keys_cartridges(o.cartridges); });
    auto* stenc = keys->add_subcommand("export-stenc", "write a generation as a stenc key file"s);
    gen(stenc, o.stenc);
    stenc->add_option("--out", o.stenc.out, "the key file (mode 0600)")->required();
    stenc->add_flag("--force", o.stenc.force, "replace FILE");
    stenc->callback([&] { rc = tapekey::cli::run_keys_export_stenc(o.stenc); });

    auto* bundle = app.add_subcommand("bundle", "the recovery bundle"s)->group("Keys");
    bundle->require_subcommand(1);
    auto* bexport = bundle->add_subcommand("export", "seal every live generation to the escrow key"s);
    home(bexport, o.bundle.home);
    bexport->add_option("--out", o.bundle.out, "where to write the bundle (a copy stays in the home)")->required();
    bexport->add_flag("--force", o.bundle.force, "replace FILE");
    bexport->callback([&] { rc = tapekey::cli::run_bundle_export(o.bundle); });
    auto* bprint = bundle->add_subcommand("print", "the bundle on paper: lifeboat page, QR codes, text (PDF)"s);
    bprint->add_option("--home", o.print.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
    bprint->add_option("--bundle", o.print.bundle, "the bundle to print (default: the home's current one)");
    bprint->add_option("--out", o.print.out, "the PDF to write (public, mode 0644)")->required();
    bprint->add_option("--paper", o.print.paper, "a4 or letter")->check(CLI::IsMember({"a4", "letter"}));
    bprint->add_flag("--force", o.print.force, "replace FILE");
    bprint->footer(bundle_print_help);
    bprint->callback([&] { rc = tapekey::cli::run_bundle_print(o.print); });
    auto* bcheck = bundle->add_subcommand("check", "read a printed recovery sheet back: parts present, missing"s);
    bcheck->add_option("files", o.check.files, "the sheet's PDF, scanned pages, or its text typed into a file")
        ->required();
    bcheck->add_option("--bundle", o.check.bundle, "also check that the sheet holds exactly this bundle file");
    bcheck->add_option("--dpi", o.check.dpi, "resolution to render PDFs at")->check(CLI::Range(72, 600));
    bcheck->callback([&] { rc = tapekey::cli::run_bundle_check(o.check); });
}

// tapekey log show | verify | checkpoint | auditor-key (cli/log.cpp).
struct LogCommands {
    tapekey::cli::LogShowOptions show;
    tapekey::cli::LogVerifyOptions verify;
    tapekey::cli::LogOptions checkpoint;
    tapekey::cli::LogAuditorKeyOptions auditor_key;
};

const char* const log_verify_help = R"(
Example (an auditor, with the key exported once and a checkpoint from the
paper logbook):
  $ tapekey log verify --auditor-key auditor.key \
      --checkpoint 'tapekey-log vault 1234 GFJN-84RK-FVZ0-ASKG-3BGN-HF69-868A-18S9'
Exit 0: every entry verifies (and the log extends the checkpoint). Exit 1:
the first bad entry, and what is wrong with it.
)";

void add_log_commands(CLI::App& app, LogCommands& o, int& rc) {
    using namespace std::string_literals;
    auto* log = app.add_subcommand("log", "the tamper-evident key-use log"s)->group("Keys");
    log->require_subcommand(1);
    auto where = [](CLI::App* c, tapekey::cli::LogOptions& w) {
        c->add_option("--home", w.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
        c->add_option("--log", w.log, "a copy of a key-use log, instead of the home's");
    };
    auto* show = log->add_subcommand("show", "print the entries"s);
    where(show, o.show.where);
    show->add_option("--since", o.show.since, "entries from this UTC time on (YYYY-MM-DD[THH:MM[:SS]])");
    show->add_option("--event", o.show.event, "only this event type, or a prefix ending in * (drive.*)");
    show->add_flag("--json", o.show.json, "print each entry as its JSON line");
    show->callback([&] { rc = tapekey::cli::run_log_show(o.show); });

    auto* verify = log->add_subcommand("verify", "check the chain, every mac, and a checkpoint"s);
    where(verify, o.verify.where);
    verify->add_option("--auditor-key", o.verify.auditor_key, "the auditor key file (checks every mac)");
    verify->add_option("--checkpoint", o.verify.checkpoint, "a checkpoint line the log must extend");
    verify->footer(log_verify_help);
    verify->callback([&] { rc = tapekey::cli::run_log_verify(o.verify); });

    auto* checkpoint = log->add_subcommand("checkpoint", "print a checkpoint line to keep elsewhere"s);
    where(checkpoint, o.checkpoint);
    checkpoint->callback([&] { rc = tapekey::cli::run_log_checkpoint(o.checkpoint); });

    auto* akey = log->add_subcommand("auditor-key", "export the auditor key, once"s);
    akey->add_option("--home", o.auditor_key.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
    akey->add_option("--out", o.auditor_key.out, "the file to write (mode 0600)")->required();
    akey->callback([&] { rc = tapekey::cli::run_log_auditor_key(o.auditor_key); });
}

// tapekey bacula worm (cli/bacula.cpp, docs/bacula.md).
const char* const bacula_worm_help = R"(
In bacula-sd.conf, in the drive's Device resource:
  Control Device = /dev/sg3
  Worm Command = "/usr/bin/tapekey bacula worm %l %a %v %j"
Loads the key the cartridge needs (as `tapekey drive auto`), records the
volume and job in the key-use log, and prints only the WORM flag (0 or 1)
for Bacula; everything else goes to syslog and the key-use log. When no key
can be loaded it unloads the cartridge, so that the mount fails visibly.
Exit 0 loaded, 1 refused (Bacula ignores it).
)";

const char* const bacula_alert_help = R"(
In bacula-sd.conf, in the drive's Device resource (with the Worm Command):
  Control Device = /dev/sg3
  Alert Command = "/usr/bin/tapekey bacula alert %l %a %v %j"
After every job, checks that the drive still holds the key tapekey loaded
(same key instance counter and modes, from the key-use log). A reset or
power cycle clears it, and a mounted volume's next job appends without
the Worm Command running again: what it wrote may be in clear. Prints only
the drive's TapeAlert flags, one `TapeAlert[N]:` line each, as the stock
`tapealert %l` does (it replaces that script); says what it found to syslog
(critical when the key changed) and logs drive.check. Never loads or
clears a key.
Exit 0 key intact or nothing to check, 1 changed or not checked.
)";

void add_bacula_commands(CLI::App& app, tapekey::cli::BaculaWormOptions& o, int& rc) {
    using namespace std::string_literals;
    auto* bacula = app.add_subcommand("bacula", "hooks for the Bacula storage daemon"s)->group("Drive");
    bacula->require_subcommand(1);
    // All optional: Bacula drops a code that expands to nothing (no volume
    // yet, no job at startup), and a usage error must not print help that
    // Bacula would read; the hooks report what is missing to syslog.
    const auto hook = [&](const char* name, const std::string& what, const char* help) {
        auto* c = bacula->add_subcommand(name, what);
        c->add_option("control_device", o.control_device, "%l: the drive's /dev/sgN (Control Device)");
        c->add_option("archive_device", o.archive_device, "%a: the archive device (logged)");
        c->add_option("volume", o.volume, "%v: the volume name");
        c->add_option("job", o.job, "%j: the job name");
        c->add_option("--home", o.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
        c->footer(help);
        return c;
    };
    hook("worm", "Worm Command hook: load the cartridge's key, print the WORM flag"s, bacula_worm_help)
        ->callback([&] { rc = tapekey::cli::run_bacula_worm(o); });
    hook("alert", "Alert Command hook: after a job, check the drive still holds tapekey's key"s, bacula_alert_help)
        ->callback([&] { rc = tapekey::cli::run_bacula_alert(o); });
}

// tapekey envelopes render | check (cli/envelopes.cpp, docs/spec/envelope.md).
struct EnvelopeCommands {
    tapekey::cli::EnvelopesRenderOptions render;
    tapekey::cli::EnvelopesCheckOptions check;
};

const char* const envelopes_check_help = R"(
Example, before the envelopes are sealed, and on a custodian's drill:
  $ tapekey envelopes check envelopes/share-2-Bob.pdf --escrow escrow.pub
  $ tapekey envelopes check scan-of-page.png --escrow escrow.pub
PDFs are rendered with pdftoppm (poppler-utils); PNG, JPEG, PGM and PPM
scans are read directly. Every QR code must decode to a share of the escrow
(checksum, set, commitment). Exit 1 names each page that fails.
)";

void add_envelope_commands(CLI::App& app, EnvelopeCommands& o, int& rc) {
    using namespace std::string_literals;
    auto* env = app.add_subcommand("envelopes", "the custodians' printed envelopes (PDF, QR)"s)->group("Keys");
    env->require_subcommand(1);
    auto escrow = [](CLI::App* c, tapekey::cli::HomeOptions& h, std::optional<std::filesystem::path>& e) {
        c->add_option("--home", h.home, "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
        c->add_option("--escrow", e, "a copy of escrow.pub, instead of the home's");
    };
    auto* render = env->add_subcommand("render", "write an envelope PDF for each share file"s);
    escrow(render, o.render.home, o.render.escrow);
    render->add_option("shares", o.render.shares, "share text files")->required();
    render->add_option("--out", o.render.out, "folder for the PDFs (mode 0600)")->required();
    render->add_option("--paper", o.render.style.paper, "a4 or letter")->check(CLI::IsMember({"a4", "letter"}));
    render->add_option("--template", o.render.style.template_file, "page template (default: built-in English)");
    render->add_flag("--combined", o.render.style.combined, "also write envelopes-all.pdf with every page");
    render->add_flag("--force", o.render.force, "replace PDFs in --out");
    render->callback([&] { rc = tapekey::cli::run_envelopes_render(o.render); });
    auto* check = env->add_subcommand("check", "decode the QR codes of PDFs or scans and check each share"s);
    escrow(check, o.check.home, o.check.escrow);
    check->add_option("files", o.check.files, "envelope PDFs or scanned pages")->required();
    check->add_option("--dpi", o.check.dpi, "resolution to render PDFs at")->check(CLI::Range(72, 600));
    check->footer(envelopes_check_help);
    check->callback([&] { rc = tapekey::cli::run_envelopes_check(o.check); });
}
}  // namespace

int main(int argc, char** argv) {
    // The Bacula hook may print nothing but its WORM line (docs/bacula.md).
    tapekey::cli::harden_process(argc > 2 && std::string_view(argv[1]) == "bacula");
    int rc = tapekey::cli::exit_ok;

    CLI::App app{overview, "tapekey"};
    app.set_version_flag("--version", "tapekey 0.1.0");
    app.require_subcommand(1);
    app.allow_config_extras(CLI::config_extras_mode::error);

    tapekey::cli::SplitOptions split;
    auto* split_cmd = app.add_subcommand("split", "split a secret into k-of-n shares"s)->group("Shares");
    split_cmd->footer(split_example);
    split_cmd->add_option("-k,--threshold", split.threshold, "shares needed to rebuild (k)")
        ->required()->check(CLI::Range(2, 255));
    split_cmd->add_option("-n,--shares", split.shares, "shares to make (n)")->required()->check(CLI::Range(2, 255));
    split_cmd->add_option("--in", split.in, "read the secret from FILE (default: standard input)");
    split_cmd->add_flag("--raw", split.raw, "the secret is raw bytes, not hex");
    split_cmd->add_option("--out", split.out_dir, "write share-X.txt files (mode 0600) into DIR");
    split_cmd->add_flag("--force", split.force, "overwrite existing share files");
    split_cmd->callback([&] { rc = tapekey::cli::run_split(split); });

    tapekey::cli::CombineOptions combine;
    auto* combine_cmd = app.add_subcommand("combine", "rebuild a secret from k shares"s)->group("Shares");
    combine_cmd->footer(combine_example);
    combine_cmd->add_option("files", combine.files, "share files (default: standard input)");
    combine_cmd->add_option("--out", combine.out, "write the secret in hex to FILE (mode 0600)");
    combine_cmd->add_flag("--force", combine.force, "overwrite FILE");
    combine_cmd->callback([&] { rc = tapekey::cli::run_combine(combine); });

    KeyCommands key_commands;
    add_key_commands(app, key_commands, rc);

    DriveCommands drive_commands;
    add_drive_commands(app, drive_commands, rc);

    LogCommands log_commands;
    add_log_commands(app, log_commands, rc);

    tapekey::cli::BaculaWormOptions bacula_worm;
    add_bacula_commands(app, bacula_worm, rc);

    tapekey::cli::ConfigCheckOptions config_check;
    auto* config_cmd = app.add_subcommand("config", "the settings file"s)->group("Keys");
    config_cmd->require_subcommand(1);
    auto* check_cmd = config_cmd->add_subcommand("check", "check a settings file and print every setting"s);
    check_cmd->add_option("file", config_check.file, "the file to check (default: the home's config)");
    check_cmd->add_option("--home", config_check.home,
                          "the tapekey home (default: $TAPEKEY_HOME, else /var/lib/tapekey)");
    check_cmd->footer("\nExample, after editing the settings:\n  $ tapekey config check /var/lib/tapekey/config\n"
                      "Exit 0 prints every setting, \"(default)\" when the file leaves it unset;\n"
                      "exit 1 names the line of an unknown setting or a bad value.\n");
    check_cmd->callback([&] { rc = tapekey::cli::run_config_check(config_check); });

    EnvelopeCommands envelope_commands;
    add_envelope_commands(app, envelope_commands, rc);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? tapekey::cli::exit_ok : tapekey::cli::exit_usage;
    }
    return rc;
}
