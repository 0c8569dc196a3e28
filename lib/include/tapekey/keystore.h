// tapekey/keystore.h: the keys of one tapekey home as a whole, and every
// operation on them that the commands perform: init, the escrow ceremony,
// bundle export, generation rotation and state changes, escrow rotation,
// and restore after a disaster (docs/design.md).
//
// Each operation checks what it needs first and writes atomically, so a
// refusal or a crash leaves the previous state. The rule "no key is used
// before it is escrowed" lives here: a generation is activated only after
// a bundle containing it has been written to the home.
#pragma once

#include <cstddef>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tapekey/audit_log.h"
#include "tapekey/bundle.h"
#include "tapekey/drive.h"
#include "tapekey/escrow.h"
#include "tapekey/files.h"
#include "tapekey/home.h"
#include "tapekey/keyring.h"
#include "tapekey/random.h"
#include "tapekey/secret.h"
#include "tapekey/shamir.h"

namespace tapekey {

// Who takes part in a ceremony (design.md; escrow-procedure.md).
struct CeremonyPlan {
    unsigned threshold = 0;
    std::vector<std::string> custodians;  // share x goes to custodians[x-1]
    std::string administrator;
    std::string witness;
    std::vector<std::string> bag_serials;  // one per custodian, or empty
};

struct BundleExport {
    std::filesystem::path path;  // the copy in HOME/bundles/
    std::string digest;
    std::size_t generations = 0;
};

struct CeremonyResult {
    EscrowPublic escrow;
    std::vector<Share> shares;     // secret: hand each to its custodian, then drop
    std::size_t subsets_checked = 0;
    std::size_t subsets_total = 0;  // C(n, k), may be far larger than checked
    std::optional<GenerationId> first_generation;
    BundleExport bundle;
    // first: `tapekey ceremony`; rotation: `escrow rotate` (the old quorum
    // authorised it); replacement: `escrow replace` (the old quorum is lost).
    enum class Kind { first, rotation, replacement } kind = Kind::first;
    // The names the ceremony record and the key-use log give the kind.
    const char* kind_name() const noexcept;
    const char* event_name() const noexcept;
};

class KeyStore {
public:
    // tapekey init: creates the home (0700), config, machine key, an empty
    // keyring, bundles/, ceremonies/ and the key-use log (whose pending
    // auditor key is sealed into the first bundle). Refuses an existing home.
    static void init(const Home& home, Rng& rng, const SecretBytes* passphrase, std::time_t now);

    // Opens an initialised home for `command` (named in the key-use log);
    // `ask_passphrase` is called only for a passphrase-sealed machine key.
    // Every operation below records its event in the key-use log.
    static KeyStore open(const Home& home, const std::function<SecretBytes()>& ask_passphrase,
                         const std::string& command = "tapekey");

    // Log failures that did not stop the operation (log.fail_closed off),
    // for the caller to print as warnings.
    const std::vector<std::string>& log_warnings() const noexcept { return m_log_warnings; }
    // Records an event of the caller's (e.g. a custodian's drill).
    void note(std::string_view event, const LogFields& fields);

    const Home& home() const noexcept { return m_home; }
    const Keyring& keyring() const noexcept { return m_keyring; }
    Keyring& keyring() noexcept { return m_keyring; }
    const std::optional<EscrowPublic>& escrow() const noexcept { return m_escrow; }

    // The first ceremony: escrow key pair, k-of-n split checked on every
    // k-subset (a random 1,000 when there are more than 10,000), escrow.pub,
    // the first generation created, bundled and activated, the ceremony
    // record. The escrow private key is wiped before returning.
    CeremonyResult ceremony(const CeremonyPlan& plan, Rng& rng, std::time_t now);

    // Escrow rotation (custodian turnover, broken seal, new k or n): the old
    // escrow private key, rebuilt by a quorum, proves the request; a new key
    // pair and shares are made and every live generation is resealed.
    CeremonyResult rotate_escrow(const SecretBytes& old_private, const CeremonyPlan& plan, Rng& rng, std::time_t now);

    // Escrow replacement when fewer than k envelopes are left (SP 800-57
    // Pt 1 appendix B; escrow-procedure.md 5.8): a new key pair and shares
    // without the old quorum. This gives nothing away: the keyring already
    // holds every key that is resealed, and whoever can open it could read
    // them anyway. The log's auditor key is resealed if it was not exported
    // yet; otherwise its sealed copy cannot be reopened, is kept as
    // log/auditor-old-escrow.sealed, and new bundles carry none (the
    // auditor keeps their exported copy).
    CeremonyResult replace_escrow(const CeremonyPlan& plan, Rng& rng, std::time_t now);

    // Writes HOME/ceremonies/ceremony-<id>.txt once the envelopes are sealed
    // (the plan then carries the bag serials); returns its path.
    // The record ends with a key-use log checkpoint, and the ceremony is logged.
    std::filesystem::path record_ceremony(const CeremonyPlan& plan, const CeremonyResult& result);

    // Seals every live generation (and the log's auditor key) to the escrow
    // key, writes HOME/bundles/bundle-<time>-<digest>.tkb and, if `out` is
    // given, a copy there; records the bundle in every generation it holds.
    BundleExport export_bundle(Rng& rng, std::time_t now, const std::optional<std::filesystem::path>& out,
                               Overwrite overwrite);

    struct Rotation {
        GenerationId created;
        std::optional<GenerationId> deactivated;
        BundleExport bundle;                 // made before the activation (in the home)
        std::optional<BundleExport> offsite;  // made after it, copied to bundle_out
    };
    // keys rotate: a new generation, escrowed, then activated; with
    // bundle_out, a second bundle made after the activation is copied there
    // (a restore from it has the new generation active).
    Rotation rotate(Rng& rng, std::time_t now, const std::optional<std::filesystem::path>& bundle_out);

    // State changes by id text (grouped, ungrouped or a unique prefix);
    // each saved at once. Return the generation's full id.
    GenerationId retire(std::string_view gen, std::time_t now);
    GenerationId compromise(std::string_view gen, const std::string& reason, std::time_t now);

    // keys destroy: crypto-erase (NIST SP 800-88 Rev. 1, cryptographic
    // erase) of a pre-active, deactivated or compromised generation on this
    // server, saved at once. In order, each step crash-safe: the key leaves
    // the keyring, then keyring.prev; a fresh bundle of the live
    // generations is exported into the home (when it has an escrow key);
    // then every HOME/bundles/*.tkb that holds the generation is removed.
    // A bundle there that cannot be read refuses before anything changes.
    // An already destroyed generation is not an error: the steps after the
    // keyring change run again, finishing an erasure a crash interrupted.
    // Copies outside the home (off-site bundles, printed sheets) are the
    // caller's to destroy: `removed` names them by digest.
    struct RemovedBundle {
        std::filesystem::path path;
        std::string digest;
        std::time_t created = 0;
    };
    struct Destruction {
        GenerationId generation;
        bool already_destroyed = false;
        std::string first_bundle;            // the keyring's record: the first bundle that held it
        std::vector<RemovedBundle> removed;  // oldest first
        std::optional<BundleExport> bundle;  // the fresh bundle
    };
    Destruction destroy(std::string_view gen, Rng& rng, std::time_t now);

    void save(Rng& rng);

    // What to load into the drive, and why (design.md section 4).
    struct LoadPlan {
        GenerationId generation;
        GenerationState state = GenerationState::active;
        KeyLoad request;     // modes and the generation's KADs
        std::string reason;  // one line for the user and the log
        bool read_only = false;
    };
    // drive auto: from the block under the head. An encrypted block gets the
    // generation its KAD names (one attempt, never a loop); a clear or blank
    // cartridge gets the active generation with `clear_mode`. Refuses,
    // naming the cause: no cartridge, an unknown, destroyed or pre-active
    // generation, a compromised one unless allowed, a foreign or missing KAD.
    LoadPlan plan_for_cartridge(const NextBlockStatus& next, const Capabilities& caps, DecryptionMode clear_mode,
                                bool allow_compromised) const;
    // drive load --generation GEN (empty: the active generation).
    LoadPlan plan_for_generation(std::string_view gen, const Capabilities& caps, DecryptionMode mode,
                                 bool allow_compromised) const;
    // The key of a planned generation (secret; stays owned by the store).
    const SecretBytes& key_of(const GenerationId& id) const;

    // The cartridge the following drive actions are for: its Bacula volume
    // name (nullopt when unknown; a given one is checked with
    // check_volume_name) and the job ("" when unknown). Every drive.* entry
    // then carries `volume` ("-" when unknown) and, when given, `job`
    // (docs/spec/audit-log.md section 10).
    void set_cartridge(const std::optional<std::string>& volume, std::string job = {});

    // Loads a planned generation into the drive once, with the fail-closed
    // preflight first and the load (device, drive serial, volume,
    // generation, modes, key instance counter before and after) or its
    // failure logged. The drive is asked to clear the key when the
    // cartridge is unloaded when drive.clear_on_unload is set and it can.
    // A plan for reading only (a deactivated or compromised generation)
    // then write-protects the cartridge until it is unloaded (ASOCWP,
    // docs/spec/ssc-pages.md section 8): `write_protected`, or the reason it
    // could not in `unprotected_because`. A plan for writing lifts such a
    // protection left by an earlier load of the same mount.
    struct Loaded {
        EncryptionStatus status;
        std::uint32_t counter_before = 0;
        bool writes_encrypted = false;
        bool write_protected = false;
        std::string unprotected_because;
    };
    Loaded load(Drive& drive, const LoadPlan& plan, const Capabilities& caps);
    // Logs a refusal to load (the plan said no), then rethrows it.
    [[noreturn]] void refuse(Drive& drive, const Error& why);

    // drive auto: asks the drive about the block under the head without
    // moving the tape (logged as drive.next_block), plans with
    // plan_for_cartridge (clear cartridges in drive.decryption_mode) and
    // loads once. A refusal is logged (drive.refused) and thrown, as is a
    // failed load.
    struct AutoLoad {
        NextBlockStatus next;
        LoadPlan plan;
        Loaded loaded;
    };
    AutoLoad auto_load(Drive& drive, bool allow_compromised);

    // Logs drive.unload: the cartridge was unloaded (`error` empty) or could
    // not be (`error` says why) because of `why` (the Bacula hook failing
    // closed).
    void record_unload(Drive& drive, const std::string& why, const std::string& error);

    // The configured drive.decryption_mode (on or mixed).
    DecryptionMode configured_decryption() const;

private:
    KeyStore(Home home, SecretBytes machine_key) : m_home(std::move(home)), m_machine_key(std::move(machine_key)) {}
    void preflight() const;
    // The escrow key pair, its shares (checked) and escrow file, in memory.
    CeremonyResult make_escrow(const CeremonyPlan& plan, Rng& rng, std::time_t now);
    CeremonyResult install_escrow(const CeremonyPlan& plan, const SecretBytes* auditor, CeremonyResult::Kind kind,
                                  Rng& rng, std::time_t now);

    // device, volume (and job): the fields every drive.* entry starts with.
    LogFields drive_fields(const Drive& drive) const;
    // The same with drive_serial ("-" when the drive does not say).
    LogFields drive_fields_with_serial(Drive& drive) const;

    Home m_home;
    SecretBytes m_machine_key;
    std::string m_volume;
    std::string m_job;
    Keyring m_keyring;
    std::optional<EscrowPublic> m_escrow;
    std::optional<KeyUseLog> m_log;
    std::vector<std::string> m_log_warnings;
};

// A Bacula volume name, as Bacula's own is_volume_name_legal() allows: 1
// to 127 characters of A-Z a-z 0-9 : . - _. Throws Error(usage) naming
// the first character that is not allowed.
void check_volume_name(std::string_view name);

// Collects shares one at a time at a restore or an escrow rotation, and
// checks each at once against the escrow (set id, commitment, duplicate),
// so the person entering them hears about a bad share immediately.
class ShareCollector {
public:
    explicit ShareCollector(EscrowPublic escrow) : m_escrow(std::move(escrow)) {}
    // Throws Error naming the share (by `origin` and custodian) and what is
    // wrong; a refused share is not kept and entry may go on.
    void add(Share share, const std::string& origin);
    std::size_t count() const noexcept { return m_shares.size(); }
    std::size_t needed() const noexcept { return m_escrow.threshold; }
    bool enough() const noexcept { return m_shares.size() >= m_escrow.threshold; }
    const EscrowPublic& escrow() const noexcept { return m_escrow; }
    // Rebuilds the escrow private key and proves it against the escrow
    // public key; never returns a wrong key. `rejected` gets the shares
    // combine() left out.
    SecretBytes rebuild(std::vector<RejectedShare>& rejected) const;

    // For the key-use log: shares refused before they reached add()
    // (unreadable, mistyped) are noted here too.
    void note_refused(const std::string& origin, const std::string& reason);
    std::string used_summary() const;     // "1 (Alice), 3 (Carol), 4 (Dan)"
    std::string refused_summary() const;  // "typo.txt: line 2 has a typo ...; ..."

private:
    EscrowPublic m_escrow;
    std::vector<Share> m_shares;
    std::vector<std::string> m_origins;
    std::vector<std::string> m_refused;
};

struct RestoreResult {
    std::size_t generations = 0;
    std::optional<GenerationId> active;
    bool auditor_key = false;
};

// Builds a new home from a bundle and the rebuilt escrow private key: init,
// then the escrow file and a keyring with every generation the bundle
// holds, in their recorded states. Refuses an existing home.
// `used` and `refused` (share labels with the reason) go into the new log.
RestoreResult restore_home(const Home& home, const Bundle& bundle, const SecretBytes& escrow_private, Rng& rng,
                           const SecretBytes* passphrase, std::time_t now, const LogFields& shares_log = {});

}  // namespace tapekey
