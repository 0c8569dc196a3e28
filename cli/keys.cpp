// tapekey init, ceremony, shares verify, restore, keys ..., bundle export,
// escrow rotate: parse nothing, call tapekey::KeyStore, print.
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "envelopes.h"
#include "share_input.h"
#include "tapekey/audit_log.h"
#include "tapekey/bundle.h"
#include "tapekey/config.h"
#include "tapekey/drive.h"
#include "tapekey/generation.h"
#include "tapekey/error.h"
#include "tapekey/escrow.h"
#include "tapekey/files.h"
#include "tapekey/keystore.h"
#include "tapekey/share_text.h"
#include "term.h"

namespace tapekey::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_share_file = 64u << 10;

std::string when(std::time_t t) {
    if (t == 0) {
        return "-";
    }
    char buf[32];
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

// A passphrase from --passphrase-file (first line) or the terminal.
SecretBytes passphrase_from(const HomeOptions& o, const char* prompt) {
    if (o.passphrase_file) {
        SecretBytes p = read_secret_file(*o.passphrase_file, 4096);
        std::size_t n = 0;
        while (n < p.size() && p.expose()[n] != '\n') {
            ++n;
        }
        p.truncate(n);
        return p;
    }
    if (!stdin_is_terminal()) {
        throw Error(Errc::usage, "the machine key is sealed under a passphrase and there is no terminal to ask",
                    "give --passphrase-file FILE (a file readable only by this user)");
    }
    bool eof = false;
    return read_hidden_line(prompt, eof);
}

KeyStore open_store(const HomeOptions& o, const std::string& command) {
    const Home home = Home::locate(o.home);
    return KeyStore::open(
        home, [&] { return passphrase_from(o, "passphrase of the machine key (not echoed): "); }, command);
}

// Prints what the key-use log could not record (when log.fail_closed is off).
void log_warnings(const KeyStore& ks) {
    for (const auto& w : ks.log_warnings()) {
        print_warning(w);
    }
}

std::string ask_line(const std::string& prompt) {
    std::cerr << prompt << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) {
        throw Error(Errc::insufficient, "input ended during the ceremony checklist");
    }
    return line;
}

bool ask_yes(const std::string& prompt) {
    for (;;) {
        const std::string a = ask_line(prompt + " [yes/no] ");
        if (a == "yes" || a == "y") {
            return true;
        }
        if (a == "no" || a == "n") {
            return false;
        }
    }
}

void print_escrow_summary(const CeremonyResult& r) {
    print_note("escrow fingerprint " + r.escrow.fingerprint() + ", share set " + to_string(r.escrow.set_id) +
               ", any " + std::to_string(r.escrow.threshold) + " of " + std::to_string(r.escrow.shares));
    print_note("checked " + std::to_string(r.subsets_checked) + " of " + std::to_string(r.subsets_total) +
               " groups of " + std::to_string(r.escrow.threshold) + " shares: each rebuilds the escrow key");
}

// The ceremony steps shared by the first ceremony and escrow rotation:
// checklist, shares to files, bag serials, record.
int conduct(const CeremonyOptions& o, const std::string& command,
            const std::function<CeremonyResult(KeyStore&, CeremonyPlan&)>& run) {
    KeyStore ks = open_store(o.home, command);
    CeremonyPlan plan;
    plan.threshold = o.threshold;
    plan.custodians = o.custodians;
    plan.administrator = o.administrator;
    plan.witness = o.witness;
    plan.bag_serials = o.bag_serials;
    const bool interactive = !o.non_interactive;
    if (interactive && !stdin_is_terminal()) {
        throw Error(Errc::usage, "the ceremony checklist needs a terminal",
                    "run it at a terminal, or add --non-interactive with --administrator, --witness and --out");
    }
    if (o.out.empty()) {
        throw Error(Errc::usage, "--out DIR is required: each custodian's envelope is written there (mode 0600)");
    }
    const EnvelopeLayout layout = envelope_layout(o.envelope);  // template, fonts, pdftoppm: before any key
    if (interactive) {
        print_note("tapekey key ceremony: read each step aloud; the witness checks it.");
        if (plan.administrator.empty()) {
            plan.administrator = ask_line("ceremony administrator's name: ");
        }
        if (plan.witness.empty()) {
            plan.witness = ask_line("witness's name: ");
        }
        for (const auto& c : plan.custodians) {
            if (!ask_yes("is custodian " + c + " present, identity checked?")) {
                throw Error(Errc::state, "custodian " + c + " is not present; the ceremony did not start",
                            "hold the ceremony when every custodian is present; nothing was changed");
            }
        }
    }
    if (plan.administrator.empty() || plan.witness.empty()) {
        throw Error(Errc::usage, "a ceremony needs an administrator and a witness",
                    "give --administrator NAME and --witness NAME (they hold no share)");
    }
    CeremonyResult r = run(ks, plan);
    print_escrow_summary(r);

    fs::create_directories(o.out);
    if (interactive) {
        plan.bag_serials.assign(plan.custodians.size(), std::string());
    }
    const auto envelopes = write_envelopes(r.shares, r.escrow, layout, o.envelope, o.out, o.force);
    print_note("checking every envelope: each PDF is rendered and its QR code decoded");
    if (check_envelope_files(envelopes, r.escrow, r.shares, 300) != 0) {
        throw Error(Errc::integrity, "an envelope does not read back as the share printed on it (above)",
                    "do not seal any envelope; see why it does not read (tapekey envelopes check FILE), then replace "
                    "the shares with tapekey escrow rotate, using these envelopes' shares as the old ones");
    }
    for (const auto& s : r.shares) {
        const std::string& name = plan.custodians[s.index - 1];
        if (interactive) {
            print_note("share " + std::to_string(s.index) + " for " + name + ": print " +
                       (o.out / envelope_file_name(r.escrow, s.index)).string() + " on a printer in this room");
            plan.bag_serials[s.index - 1] = ask_line("  seal it in a tamper-evident bag; bag serial: ");
            while (!ask_yes("  handed to " + name + ", who signed for it?")) {
            }
        }
    }
    r.shares.clear();
    const fs::path record = ks.record_ceremony(plan, r);
    log_warnings(ks);
    if (r.first_generation) {
        print_note("first tape-key generation " + r.first_generation->to_string() + " is active");
    }
    print_note("recovery bundle " + r.bundle.path.string() + " (digest " + r.bundle.digest + ")");
    print_note("ceremony record " + record.string());
    print_note("next: copy the bundle off site (every off-site tape set, a second site); it reveals nothing "
               "without " + std::to_string(r.escrow.threshold) + " shares");
    return exit_ok;
}

// Reads shares from files (every failure named, reading goes on) or the
// terminal into the collector.
void collect_shares(ShareCollector& c, const std::vector<fs::path>& files) {
    if (!files.empty()) {
        std::size_t failed = 0;
        for (const auto& f : files) {
            try {
                for_each_share_in_file(f, [&](const std::string& origin, const SecretBytes& block) {
                    try {
                        Share s = [&] {
                            try {
                                return decode_block(block, origin);
                            } catch (const Error& e) {
                                c.note_refused(origin, e.what());
                                throw;
                            }
                        }();
                        c.add(std::move(s), origin);
                        print_note(origin + ": accepted (" + std::to_string(c.count()) + " so far, " +
                                   std::to_string(c.needed()) + " needed)");
                    } catch (const Error& e) {
                        ++failed;
                        print_error(e);
                    }
                });
            } catch (const Error& e) {
                ++failed;
                c.note_refused(f.string(), e.what());
                print_error(e);
            }
        }
        if (!c.enough()) {
            throw Error(Errc::insufficient,
                        std::to_string(c.needed()) + " good shares are needed and " + std::to_string(c.count()) +
                            " were accepted" + (failed ? " (" + std::to_string(failed) + " refused, above)" : ""),
                        "bring " + std::to_string(c.needed() - c.count()) + " more custodians' shares");
        }
        return;
    }
    if (!stdin_is_terminal()) {
        const SecretBytes text = read_secret_fd(STDIN_FILENO, "standard input", max_share_file);
        for_each_block(text, "standard input", [&](const std::string& origin, const SecretBytes& block) {
            c.add(decode_block(block, origin), origin);
        });
        if (!c.enough()) {
            throw Error(Errc::insufficient, std::to_string(c.needed()) + " shares are needed, " +
                                                std::to_string(c.count()) + " were given");
        }
        return;
    }
    print_note("escrow " + c.escrow().fingerprint() + ": " + std::to_string(c.needed()) + " of " +
               std::to_string(c.escrow().shares) + " shares are needed");
    enter_shares(
        [&](EnteredShare&& e) {
            const unsigned x = e.share.index;
            c.add(std::move(e.share), e.origin);
            print_note("  " + c.escrow().share_label(x) + " accepted (" + std::to_string(c.count()) + " of " +
                       std::to_string(c.needed()) + ")");
        },
        [&] { return c.enough(); });
}

SecretBytes rebuild_escrow(ShareCollector& c) {
    std::vector<RejectedShare> rejected;
    SecretBytes key = c.rebuild(rejected);
    for (const auto& r : rejected) {
        print_warning(c.escrow().share_label(r.index) + " was left out: it " + r.reason);
    }
    print_note("the escrow key is rebuilt and matches fingerprint " + c.escrow().fingerprint());
    return key;
}


}  // namespace

int run_init(const InitOptions& o) {
    return guarded("init", [&] {
        const Home home = Home::locate(o.home.home);
        SystemRng rng;
        std::optional<SecretBytes> pass;
        if (o.passphrase) {
            pass = passphrase_from(o.home, "passphrase for the machine key (not echoed): ");
            if (!o.home.passphrase_file) {
                const SecretBytes again = passphrase_from(o.home, "the same passphrase again: ");
                if (!(again == *pass)) {
                    throw Error(Errc::usage, "the two passphrases differ", "nothing was created; run init again");
                }
            }
            if (pass->size() < 12) {
                throw Error(Errc::usage, "the passphrase is shorter than 12 characters",
                            "use a long passphrase (several words); nothing was created");
            }
        }
        KeyStore::init(home, rng, pass ? &*pass : nullptr, std::time(nullptr));
        print_note("initialised tapekey home " + home.dir().string() + " (machine key: " +
                   (o.passphrase ? "sealed under a passphrase" : "unattended") + ")");
        print_note("settings: " + home.config().string() + " (every setting is commented there)");
        print_note("next: tapekey ceremony --threshold K --custodian NAME ... --out DIR");
        return exit_ok;
    });
}

int run_ceremony(const CeremonyOptions& o) {
    return guarded("ceremony", [&] {
        return conduct(o, "ceremony", [&](KeyStore& ks, CeremonyPlan& plan) {
            SystemRng rng;
            return ks.ceremony(plan, rng, std::time(nullptr));
        });
    });
}

int run_escrow_rotate(const CeremonyOptions& o) {
    return guarded("escrow rotate", [&] {
        return conduct(o, "escrow rotate", [&](KeyStore& ks, CeremonyPlan& plan) {
            if (!ks.escrow()) {
                throw Error(Errc::state, "this home has no escrow key to rotate", "run `tapekey ceremony` first");
            }
            print_note("first, a quorum of the current custodians rebuilds the current escrow key");
            ShareCollector c(*ks.escrow());
            collect_shares(c, o.shares);
            const SecretBytes old_key = rebuild_escrow(c);
            SystemRng rng;
            return ks.rotate_escrow(old_key, plan, rng, std::time(nullptr));
        });
    });
}

int run_escrow_replace(const CeremonyOptions& o) {
    return guarded("escrow replace", [&] {
        return conduct(o, "escrow replace", [&](KeyStore& ks, CeremonyPlan& plan) {
            if (!ks.escrow()) {
                throw Error(Errc::state, "this home has no escrow key to replace", "run `tapekey ceremony` first");
            }
            print_warning("replacing escrow " + ks.escrow()->fingerprint() +
                          " without its quorum: use this only when fewer than " +
                          std::to_string(ks.escrow()->threshold) +
                          " of its envelopes are left (else: tapekey escrow rotate)");
            SystemRng rng;
            return ks.replace_escrow(plan, rng, std::time(nullptr));
        });
    });
}

int run_shares_verify(const SharesVerifyOptions& o) {
    return guarded("shares verify", [&] {
        const EscrowPublic escrow = [&] {
            if (o.escrow) {
                return EscrowPublic::parse(read_text_file(*o.escrow, 1u << 20), o.escrow->string());
            }
            const Home home = Home::locate(o.home.home);
            return EscrowPublic::parse(read_text_file(home.escrow_public(), 1u << 20), home.escrow_public().string());
        }();
        std::vector<EnteredShare> got;
        if (o.file) {
            for_each_share_in_file(*o.file, [&](const std::string& origin, const SecretBytes& block) {
                got.push_back({origin, decode_block(block, origin)});
            });
        } else if (stdin_is_terminal()) {
            enter_shares([&](EnteredShare&& e) { got.push_back(std::move(e)); }, [&] { return !got.empty(); });
        } else {
            const SecretBytes text = read_secret_fd(STDIN_FILENO, "standard input", max_share_file);
            for_each_block(text, "standard input", [&](const std::string& origin, const SecretBytes& block) {
                got.push_back({origin, decode_block(block, origin)});
            });
        }
        // A drill on the backup server leaves a trace in its key-use log.
        std::optional<KeyUseLog> log;
        if (!o.escrow) {
            const Home home = Home::locate(o.home.home);
            if (std::filesystem::exists(home.log_file())) {
                log.emplace(home, "shares verify");
            }
        }
        int rc = exit_ok;
        for (const auto& e : got) {
            const std::string label = escrow.share_label(e.share.index);
            const auto problem = escrow.check_share(e.share);
            if (log) {
                if (auto w = log->record("shares.verify", {{"share", label}, {"escrow", escrow.fingerprint()},
                                                           {"result", problem ? "failed: " + *problem : "ok"}})) {
                    print_warning(std::string("the key-use log was not written: ") + w->what());
                }
            }
            if (problem) {
                print_error(Error(Errc::mismatch, e.origin + ": " + label + " fails: " + *problem,
                                  "keep the envelope sealed and tell the ceremony administrator"));
                rc = exit_no;
            } else {
                std::cout << e.origin << ": " << label << " of escrow " << escrow.fingerprint()
                          << ": checksum, set and commitment ok\n";
            }
        }
        return rc;
    });
}

int run_restore(const RestoreOptions& o) {
    return guarded("restore", [&] {
        const Home home = Home::locate(o.home.home);
        if (fs::exists(home.config())) {
            throw Error(Errc::exists, "a tapekey home already exists at " + home.dir().string(),
                        "restore into a new folder with --home DIR; nothing was changed");
        }
        if (o.bundle.empty() == o.bundle_scan.empty()) {
            throw Error(Errc::usage, "give the recovery bundle once: --bundle FILE or --bundle-scan PAGE...",
                        "--bundle reads a .tkb file; --bundle-scan reads the printed recovery sheet (scans, its PDF, "
                        "or its text typed into a file)");
        }
        const std::string name = o.bundle.empty() ? std::string("the recovery sheet") : o.bundle.string();
        const std::vector<std::uint8_t> raw = o.bundle.empty() ? read_bundle_sheet(o.bundle_scan, 300, false) : [&] {
            const SecretBytes b = read_secret_file(o.bundle, max_bundle_file);
            return std::vector<std::uint8_t>(b.expose().begin(), b.expose().end());
        }();
        const Bundle bundle = Bundle::parse(raw, name);
        const EscrowPublic escrow = bundle.escrow(name);
        print_note("bundle " + name + ": digest " + bundle.digest() + ", escrow " + escrow.fingerprint() + ", " +
                   std::to_string(bundle.items.size()) + " sealed keys, made " + when(bundle.created) + " UTC");
        ShareCollector c(escrow);
        std::vector<fs::path> files = o.shares;
        files.insert(files.end(), o.scans.begin(), o.scans.end());
        collect_shares(c, files);
        const SecretBytes escrow_key = rebuild_escrow(c);
        std::optional<SecretBytes> pass;
        if (o.passphrase) {
            pass = passphrase_from(o.home, "passphrase for the new machine key (not echoed): ");
        }
        SystemRng rng;
        const RestoreResult r = restore_home(home, bundle, escrow_key, rng, pass ? &*pass : nullptr, std::time(nullptr),
                                             {{"shares_used", c.used_summary()}, {"shares_refused", c.refused_summary()}});
        print_note("restored " + std::to_string(r.generations) + " generations into " + home.dir().string() +
                   (r.active ? "; active: " + r.active->to_string() : "; none active"));
        if (r.auditor_key) {
            print_note("the key-use log's auditor key is in the bundle and was kept sealed");
        }
        print_note("next: tapekey bundle export (the new key-use log's auditor key is sealed then); tapekey keys "
                   "list; then Ceremony C (tapekey escrow rotate): the opened envelopes count as exposed");
        return exit_ok;
    });
}

int run_keys_list(const KeysOptions& o) {
    return guarded("keys list", [&] {
        KeyStore ks = open_store(o.home, "keys list");
        const Config cfg = Config::load(ks.home().config());
        const long rotation_days = cfg.get_int("keys.rotation_days");
        const auto& kr = ks.keyring();
        if (o.json) {
            std::cout << "{\"escrow\":\"" << kr.escrow_fingerprint << "\",\"generations\":[";
            for (std::size_t i = 0; i < kr.generations.size(); ++i) {
                const auto& g = kr.generations[i];
                std::cout << (i ? "," : "") << "{\"id\":\"" << g.id.to_string() << "\",\"state\":\""
                          << to_string(g.state) << "\",\"created\":" << g.created << ",\"activated\":" << g.activated
                          << ",\"deactivated\":" << g.deactivated << ",\"compromised\":" << g.compromised
                          << ",\"destroyed\":" << g.destroyed << ",\"bundle\":\"" << g.bundle << "\"}";
            }
            std::cout << "]}\n";
            return exit_ok;
        }
        std::cout << "escrow " << (kr.escrow_fingerprint.empty() ? "none (run tapekey ceremony)" : kr.escrow_fingerprint)
                  << "\n";
        std::cout << "GENERATION        STATE        CREATED           ACTIVATED         ENDED             BUNDLE\n";
        for (const auto& g : kr.generations) {
            const std::time_t ended = g.destroyed ? g.destroyed : g.compromised ? g.compromised : g.deactivated;
            std::string state = to_string(g.state);
            std::cout << g.id.to_string() << "  " << state << std::string(13 - std::min<std::size_t>(12, state.size()), ' ')
                      << when(g.created) << "  " << when(g.activated)
                      << std::string(18 - when(g.activated).size(), ' ') << when(ended)
                      << std::string(18 - when(ended).size(), ' ') << (g.bundle.empty() ? "NOT ESCROWED" : g.bundle)
                      << "\n";
            if (g.state == GenerationState::compromised) {
                std::cout << "  compromised: " << g.reason << "\n";
            }
        }
        const Generation* active = nullptr;
        for (const auto& g : kr.generations) {
            if (g.state == GenerationState::active) {
                active = &g;
            }
        }
        if (active == nullptr) {
            print_warning("no active generation: nothing can be written encrypted (tapekey keys rotate)");
        } else if (std::time(nullptr) - active->activated > rotation_days * 86400) {
            print_warning("generation " + active->id.to_string() + " has been active for more than " +
                          std::to_string(rotation_days) + " days (keys.rotation_days): run tapekey keys rotate");
        }
        return exit_ok;
    });
}

int run_keys_rotate(const KeysOptions& o) {
    return guarded("keys rotate", [&] {
        KeyStore ks = open_store(o.home, "keys rotate");
        SystemRng rng;
        const auto r = ks.rotate(rng, std::time(nullptr), o.out);
        log_warnings(ks);
        print_note("new generation " + r.created.to_string() + " is active");
        if (r.deactivated) {
            print_note("generation " + r.deactivated->to_string() + " is deactivated (it still decrypts)");
        }
        print_note("escrowed first in bundle " + r.bundle.path.string() + " (digest " + r.bundle.digest + ")");
        if (r.offsite) {
            print_note("the bundle for off site, made after the activation: " + o.out->string() + " (digest " +
                       r.offsite->digest + ")");
        }
        print_note("next: copy the bundle off site with this week's tapes");
        return exit_ok;
    });
}

int run_keys_retire(const KeysOptions& o) {
    return guarded("keys retire", [&] {
        KeyStore ks = open_store(o.home, "keys retire");
        SystemRng rng;
        const auto id = ks.retire(o.generation, std::time(nullptr));
        ks.save(rng);
        log_warnings(ks);
        print_note("generation " + id.to_string() + " is deactivated: it decrypts, it no longer encrypts");
        return exit_ok;
    });
}

int run_keys_compromised(const KeysOptions& o) {
    return guarded("keys compromised", [&] {
        KeyStore ks = open_store(o.home, "keys compromised");
        SystemRng rng;
        const bool was_active = ks.keyring().find(o.generation).state == GenerationState::active;
        const auto id = ks.compromise(o.generation, o.reason, std::time(nullptr));
        ks.save(rng);
        log_warnings(ks);
        print_note("generation " + id.to_string() + " is marked compromised (" + o.reason + ")");
        if (was_active) {
            print_warning("it was the active generation: nothing is written encrypted until `tapekey keys rotate`");
        }
        print_note("next: list the cartridges written under it and decide, per data class, whether to "
                   "re-encrypt them (docs/escrow-procedure.md, compromise response)");
        return exit_ok;
    });
}

int run_keys_destroy(const KeysOptions& o) {
    return guarded("keys destroy", [&] {
        KeyStore ks = open_store(o.home, "keys destroy");
        const GenerationId id = ks.keyring().find(o.generation).id;
        std::string typed;
        if (o.confirm) {
            typed = *o.confirm;
        } else if (stdin_is_terminal()) {
            print_note("destroying generation " + id.to_string() + " makes every cartridge written under it "
                       "unreadable for good (crypto-erase).");
            typed = ask_line("type the generation id to confirm: ");
        } else {
            throw Error(Errc::usage, "destroying a generation needs a typed confirmation",
                        "run it at a terminal, or give --confirm " + id.to_string());
        }
        const auto typed_id = GenerationId::parse(typed);
        if (!typed_id || !(*typed_id == id)) {
            throw Error(Errc::usage, "the confirmation does not match generation " + id.to_string(),
                        "nothing was destroyed");
        }
        SystemRng rng;
        const auto d = ks.destroy(o.generation, rng, std::time(nullptr));
        log_warnings(ks);
        print_note("generation " + id.to_string() +
                   (d.already_destroyed ? " was already destroyed; " : " is destroyed; ") +
                   "erased here from keyring, keyring.prev and " + std::to_string(d.removed.size()) +
                   " bundle(s) in " + ks.home().bundles().string());
        if (d.bundle) {
            print_note("new bundle without it: " + d.bundle->path.string() + " (digest " + d.bundle->digest +
                       "): copy it off site");
        }
        std::string list;
        for (const auto& b : d.removed) {
            list += (list.empty() ? "" : ", ") + b.digest + " (made " + when(b.created) + " UTC)";
        }
        if (list.empty() && !d.first_bundle.empty()) {
            list = d.first_bundle + " (the first that held it) and every one made after it before this destroy";
        }
        if (!list.empty()) {
            print_warning("bundles made before still hold it: digest " + list +
                          "; destroy every off-site copy of these and their recovery sheets");
        }
        return exit_ok;
    });
}

int run_keys_export_stenc(const KeysOptions& o) {
    return guarded("keys export-stenc", [&] {
        KeyStore ks = open_store(o.home, "keys export-stenc");
        const Generation& g = ks.keyring().find(o.generation);
        if (g.key.empty()) {
            throw Error(Errc::state, "generation " + g.id.to_string() + " is destroyed; there is no key to export");
        }
        if (!o.out) {
            throw Error(Errc::usage, "--out FILE is required (the key is never printed)");
        }
        const SecretBytes hex = secret_to_hex(g.key.expose());
        const auto ukad = generation_ukad(g.id);
        SecretBytes file(hex.size() + 1 + ukad.size() + 1);
        auto f = file.expose();
        std::copy(hex.expose().begin(), hex.expose().end(), f.begin());
        f[hex.size()] = '\n';
        std::copy(ukad.begin(), ukad.end(), f.begin() + static_cast<std::ptrdiff_t>(hex.size() + 1));
        f[f.size() - 1] = '\n';
        write_file(*o.out, f, FileMode::secret, o.force ? Overwrite::yes : Overwrite::no);
        ks.note("generation.export_stenc", {{"generation", g.id.to_string()}, {"file", o.out->string()}});
        log_warnings(ks);
        print_note("wrote generation " + g.id.to_string() + " (" + to_string(g.state) + ") as a stenc key file: " +
                   o.out->string() + " (mode 0600); its description line is the generation's U-KAD");
        return exit_ok;
    });
}

int run_bundle_export(const KeysOptions& o) {
    return guarded("bundle export", [&] {
        KeyStore ks = open_store(o.home, "bundle export");
        SystemRng rng;
        const auto ex = ks.export_bundle(rng, std::time(nullptr), o.out, o.force ? Overwrite::yes : Overwrite::no);
        log_warnings(ks);
        print_note("bundle with " + std::to_string(ex.generations) + " generations, digest " + ex.digest + ": " +
                   (o.out ? o.out->string() + " and " : std::string()) + ex.path.string());
        return exit_ok;
    });
}

namespace {

DecryptionMode configured_mode(const KeyStore& ks, const std::string& flag) {
    if (flag.empty()) {
        return ks.configured_decryption();
    }
    if (flag == "on") {
        return DecryptionMode::decrypt;
    }
    if (flag == "mixed") {
        return DecryptionMode::mixed;
    }
    throw Error(Errc::usage, "--mode " + flag + " cannot be used with a generation", "use on or mixed");
}

// Reports what the drive does now that the planned generation is loaded.
int report_load(const DriveKeyOptions& o, const KeyStore& ks, const Drive& d, const KeyStore::LoadPlan& plan,
                const KeyStore::Loaded& loaded) {
    log_warnings(ks);
    const EncryptionStatus& s = loaded.status;
    const bool encrypted = loaded.writes_encrypted;
    if (o.json) {
        std::cout << "{\"device\":\"" << d.name() << "\",\"volume\":"
                  << (o.volume ? "\"" + *o.volume + "\"" : std::string("null"))  // checked: no quoting needed
                  << ",\"generation\":\"" << plan.generation.to_string()
                  << "\",\"state\":\"" << to_string(plan.state) << "\",\"read_only\":"
                  << (plan.read_only ? "true" : "false") << ",\"encryption\":\"" << to_string(s.encryption)
                  << "\",\"decryption\":\"" << to_string(s.decryption)
                  << "\",\"key_instance_counter\":" << s.key_instance_counter
                  << ",\"writes_encrypted\":" << (encrypted ? "true" : "false")
                  << ",\"write_protected\":" << (loaded.write_protected ? "true" : "false") << "}\n";
    } else {
        std::cout << "loaded generation " << plan.generation.to_string() << " into " << d.name() << ": "
                  << plan.reason << " (key instance counter " << s.key_instance_counter << ")\n";
    }
    if (plan.read_only && loaded.write_protected) {
        print_warning("this cartridge is for reading only: the drive refuses writes to it until it is unloaded "
                      "(associated write protection), so nothing can be appended in clear; mark the volume full "
                      "in the backup software");
    } else if (plan.read_only) {
        print_warning("this cartridge is for reading only, and the drive could not write-protect it (" +
                      loaded.unprotected_because +
                      "): anything appended would be written in clear; mark the volume full or read-only in the "
                      "backup software now");
    } else if (!encrypted) {
        // The key is loaded (reading works), but a hook that only checks the
        // exit status must not go on to write in clear: this is a "no".
        print_error(Error(Errc::state,
                          "data written to this cartridge would NOT be encrypted: the drive says the algorithm is "
                          "not valid for it (an LTO-3 cartridge in an LTO-4 drive is never encrypted)",
                          "use an LTO-4 or newer cartridge for encrypted pools"));
        return exit_no;
    }
    return exit_ok;
}

}  // namespace

int run_drive_load_generation(const DriveKeyOptions& o) {
    return guarded("drive load", [&] {
        KeyStore ks = open_store(o.home, "drive load");
        ks.set_cartridge(o.volume);
        const DecryptionMode mode = configured_mode(ks, o.mode);
        Drive d = Drive::open(o.device);
        const Capabilities caps = d.capabilities();
        std::optional<KeyStore::LoadPlan> plan;
        try {
            plan = ks.plan_for_generation(o.active ? std::string_view() : std::string_view(o.generation), caps, mode,
                                          o.allow_compromised);
        } catch (const Error& e) {
            ks.refuse(d, e);
        }
        const auto loaded = ks.load(d, *plan, caps);
        return report_load(o, ks, d, *plan, loaded);
    });
}

int run_drive_auto(const DriveKeyOptions& o) {
    return guarded("drive auto", [&] {
        KeyStore ks = open_store(o.home, "drive auto");
        ks.set_cartridge(o.volume);
        Drive d = Drive::open(o.device);
        const auto a = ks.auto_load(d, o.allow_compromised);
        return report_load(o, ks, d, a.plan, a.loaded);
    });
}

}  // namespace tapekey::cli
