// The operations on a tapekey home: docs/design.md.
#include "tapekey/keystore.h"

#include <sys/stat.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "base32.h"
#include "combinations.h"
#include "tapekey/audit_log.h"
#include "tapekey/config.h"
#include "tapekey/error.h"
#include "text.h"

namespace tapekey {
namespace {

namespace fs = std::filesystem;

// Every k-subset is tried up to this many; beyond it, a random sample of
// sample_subsets (the issue's rule: "every k-subset, or a random 1,000 when
// there are more than 10,000").
constexpr std::size_t all_subsets_limit = 10000;
constexpr std::size_t sample_subsets = 1000;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}


void make_private_dir(const fs::path& p) {
    fs::create_directories(p);
    if (::chmod(p.c_str(), 0700) != 0) {
        throw Error(Errc::io, p.string() + ": cannot set mode 0700");
    }
}

// C(n, k), saturating at `cap`.
std::size_t binomial(std::size_t n, std::size_t k, std::size_t cap) {
    long double c = 1;
    for (std::size_t i = 1; i <= k; ++i) {
        c = c * static_cast<long double>(n - k + i) / static_cast<long double>(i);
        if (c > static_cast<long double>(cap)) {
            return cap;
        }
    }
    return static_cast<std::size_t>(c + 0.5L);
}

// A uniformly random k-subset of {0..n-1} (partial Fisher-Yates).
std::vector<std::size_t> random_subset(std::size_t n, std::size_t k, Rng& rng) {
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), 0);
    for (std::size_t i = 0; i < k; ++i) {
        std::uint32_t r = 0;
        rng.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
        const std::size_t j = i + r % (n - i);  // bias below 2^-24 for n <= 255; sampling only
        std::swap(all[i], all[j]);
    }
    all.resize(k);
    std::sort(all.begin(), all.end());
    return all;
}

// Proves that the shares of subset `pos` rebuild the escrow key.
void check_subset(const std::vector<Share>& shares, const std::vector<std::size_t>& pos, const EscrowPublicKey& pub) {
    std::vector<Share> chosen;
    for (const auto p : pos) {
        chosen.push_back(shares[p].clone());
    }
    const Recovery r = combine(chosen);
    if (!(escrow_public_of(r.secret) == pub)) {
        throw Error(Errc::integrity, "a group of shares rebuilt a different escrow key",
                    "this should never happen; do not use these shares and report it");
    }
}

std::string random_id(Rng& rng, std::size_t bytes) {
    std::vector<std::uint8_t> b(bytes);
    rng.fill(b);
    return detail::group(detail::base32_encode(b), 4, '-');
}

void check_plan(const CeremonyPlan& plan) {
    const std::size_t n = plan.custodians.size();
    if (plan.threshold < 2 || n < plan.threshold || n > max_shares) {
        throw Error(Errc::usage,
                    "a ceremony needs 2 <= k <= n <= 255 (k = " + std::to_string(plan.threshold) + ", " +
                        std::to_string(n) + " custodians)",
                    "name every custodian with --custodian NAME, once each, and choose --threshold K");
    }
    std::set<std::string> seen;
    for (const auto& c : plan.custodians) {
        if (c.empty() || !seen.insert(c).second) {
            throw Error(Errc::usage, c.empty() ? "a custodian has no name" : "custodian '" + c + "' is named twice",
                        "each custodian holds exactly one share; name each once");
        }
        if (c == plan.administrator || c == plan.witness) {
            throw Error(Errc::usage, "'" + c + "' cannot be both a custodian and the ceremony administrator or witness",
                        "the administrator and the witness hold no share (escrow-procedure.md, roles)");
        }
    }
    if (!plan.bag_serials.empty() && plan.bag_serials.size() != n) {
        throw Error(Errc::usage, "one bag serial per custodian is needed");
    }
}

std::string ceremony_record(const CeremonyPlan& plan, const CeremonyResult& r) {
    const auto& e = r.escrow;
    std::string t = "tapekey ceremony record\n";
    t += "ceremony " + e.ceremony + "\n";
    t += "kind " + std::string(r.kind_name()) + "\n";
    t += "date " + detail::utc_time(e.created) + "\n";
    t += "administrator " + (plan.administrator.empty() ? "-" : plan.administrator) + "\n";
    t += "witness " + (plan.witness.empty() ? "-" : plan.witness) + "\n";
    t += "escrow-fingerprint " + e.fingerprint() + "\n";
    t += "set-id " + to_string(e.set_id) + "\n";
    t += "quorum any " + std::to_string(e.threshold) + " of " + std::to_string(e.shares) + "\n";
    t += "verified " + std::to_string(r.subsets_checked) + " of " + std::to_string(r.subsets_total) +
         " groups of " + std::to_string(e.threshold) + " shares rebuild the escrow key\n";
    for (std::size_t i = 0; i < e.custodians.size(); ++i) {
        t += "custodian " + std::to_string(i + 1) + " " + detail::percent_encode(e.custodians[i].name) +
             " commitment " + to_string(e.custodians[i].commitment) + " bag " +
             (plan.bag_serials.empty() || plan.bag_serials[i].empty() ? "-" : detail::percent_encode(plan.bag_serials[i])) +
             "\n";
    }
    if (r.first_generation) {
        t += "first-generation " + r.first_generation->to_string() + "\n";
    }
    t += "bundle " + r.bundle.digest + " " + r.bundle.path.filename().string() + "\n";
    return t;
}

}  // namespace

void KeyStore::init(const Home& home, Rng& rng, const SecretBytes* passphrase, std::time_t now) {
    (void)now;
    if (fs::exists(home.config()) || fs::exists(home.machine_key()) || fs::exists(home.keyring())) {
        throw Error(Errc::exists, "a tapekey home already exists at " + home.dir().string(),
                    "tapekey never replaces a home; choose another folder with --home, or move this one away");
    }
    make_private_dir(home.dir());
    make_private_dir(home.bundles());
    make_private_dir(home.ceremonies());
    make_private_dir(home.log_dir());
    create_machine_key(home, rng, passphrase);
    const SecretBytes mk = load_machine_key(home, [&] { return passphrase->clone(); });
    Keyring().save(home, mk, rng);
    // The config last but one (the log reads it): its presence marks the
    // home as complete.
    write_file(home.config(), bytes_of(Config::default_text()), FileMode::public_, Overwrite::no);
    (void)KeyUseLog::create(home, rng, "init");  // k_0 waits in log/auditor.key for the first bundle
    KeyUseLog(home, "init").append("init", {{"home", home.dir().string()},
                                            {"machine_key", passphrase ? "passphrase" : "unattended"}});
}

void KeyStore::note(std::string_view event, const LogFields& fields) {
    if (!m_log) {
        return;
    }
    if (auto e = m_log->record(event, fields)) {
        m_log_warnings.push_back(std::string("the key-use log was not written: ") + e->what());
    }
}

void KeyStore::preflight() const {
    if (m_log) {
        m_log->require_writable();
    }
}

KeyStore KeyStore::open(const Home& home, const std::function<SecretBytes()>& ask_passphrase,
                        const std::string& command) {
    home.require_initialised();
    (void)Config::load(home.config());  // a broken config is reported before anything is done
    KeyStore ks(home, load_machine_key(home, ask_passphrase));
    if (fs::exists(home.log_file())) {
        ks.m_log.emplace(home, command);
    }
    ks.m_keyring = Keyring::load(home, ks.m_machine_key);
    if (fs::exists(home.escrow_public())) {
        ks.m_escrow = EscrowPublic::parse(read_text_file(home.escrow_public(), 1u << 20), home.escrow_public().string());
        if (ks.m_keyring.escrow_fingerprint != ks.m_escrow->fingerprint()) {
            throw Error(Errc::mismatch,
                        home.escrow_public().string() + " (" + ks.m_escrow->fingerprint() +
                            ") is not the escrow the keyring was sealed for (" +
                            (ks.m_keyring.escrow_fingerprint.empty() ? "none" : ks.m_keyring.escrow_fingerprint) + ")",
                        "restore escrow.pub from a recovery bundle or the ceremony record");
        }
    }
    return ks;
}

void KeyStore::save(Rng& rng) { m_keyring.save(m_home, m_machine_key, rng); }

CeremonyResult KeyStore::make_escrow(const CeremonyPlan& plan, Rng& rng, std::time_t now) {
    check_plan(plan);
    CeremonyResult r;
    const SecretBytes priv = generate_escrow_private(rng);
    const EscrowPublicKey pub = escrow_public_of(priv);
    r.shares = split(priv.expose(), plan.threshold, static_cast<unsigned>(plan.custodians.size()), rng);

    // Every k-subset (or a random sample) must rebuild the same key.
    const std::size_t n = r.shares.size();
    const std::size_t k = plan.threshold;
    r.subsets_total = binomial(n, k, SIZE_MAX / 2);
    if (r.subsets_total <= all_subsets_limit) {
        std::vector<std::size_t> pos(k);
        std::iota(pos.begin(), pos.end(), 0);
        do {
            check_subset(r.shares, pos, pub);
            ++r.subsets_checked;
        } while (detail::next_combination(pos, n));
    } else {
        for (std::size_t i = 0; i < sample_subsets; ++i) {
            check_subset(r.shares, random_subset(n, k, rng), pub);
            ++r.subsets_checked;
        }
    }

    EscrowPublic e;
    e.public_key = pub;
    e.set_id = r.shares[0].set_id;
    e.threshold = plan.threshold;
    e.shares = static_cast<unsigned>(n);
    e.created = now;
    e.ceremony = random_id(rng, 5);
    for (std::size_t i = 0; i < n; ++i) {
        e.custodians.push_back({plan.custodians[i], share_commitment(r.shares[i])});
    }

    r.escrow = e;
    m_escrow = e;
    m_keyring.escrow_fingerprint = e.fingerprint();
    return r;
}

BundleExport KeyStore::export_bundle(Rng& rng, std::time_t now, const std::optional<fs::path>& out,
                                     Overwrite overwrite) {
    if (!m_escrow) {
        throw Error(Errc::state, "this home has no escrow key yet",
                    "run the escrow ceremony first: `tapekey ceremony --threshold K --custodian NAME ...`");
    }
    std::vector<BundleItem> extra;
    if (fs::exists(auditor_sealed_file(m_home))) {
        const SecretBytes raw = read_secret_file(auditor_sealed_file(m_home), 1u << 16);
        extra.push_back(BundleItem::parse(raw.expose(), auditor_sealed_file(m_home).string()));
    } else if (fs::exists(auditor_key_file(m_home))) {
        Home::require_private(auditor_key_file(m_home));
        const SecretBytes k0 = read_auditor_key(auditor_key_file(m_home));
        BundleItem it = seal_item(m_escrow->public_key, BundleItemType::auditor_key,
                                  "auditor created=" + detail::utc_time(now), k0.expose(), rng);
        write_file(auditor_sealed_file(m_home), it.to_bytes(), FileMode::public_, Overwrite::no);
        extra.push_back(std::move(it));
        (void)retire_auditor_key(m_home);  // sealed now; gone if it was exported too
    }
    const Bundle b = make_bundle(*m_escrow, m_keyring, extra, now, rng);
    const auto bytes = b.to_bytes();
    BundleExport ex;
    ex.digest = b.digest();
    std::string stamp = detail::utc_time(now);
    stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
    std::string flat = ex.digest;
    flat.erase(std::remove(flat.begin(), flat.end(), '-'), flat.end());
    ex.path = m_home.bundles() / ("bundle-" + stamp + "-" + flat + ".tkb");
    write_file(ex.path, bytes, FileMode::public_, Overwrite::no);
    if (out) {
        write_file(*out, bytes, FileMode::public_, overwrite);
    }
    std::string ids;
    for (auto& g : m_keyring.generations) {
        if (!g.key.empty()) {
            ++ex.generations;
            ids += (ids.empty() ? "" : " ") + g.id.to_string();
            if (g.bundle.empty()) {
                g.bundle = ex.digest;
            }
        }
    }
    save(rng);
    note("bundle.export", {{"digest", ex.digest}, {"file", ex.path.string()}, {"copy", out ? out->string() : "-"},
                           {"generations", ids}, {"auditor_key", extra.empty() ? "no" : "yes"}});
    return ex;
}

CeremonyResult KeyStore::ceremony(const CeremonyPlan& plan, Rng& rng, std::time_t now) {
    if (m_escrow || fs::exists(m_home.escrow_public())) {
        throw Error(Errc::exists, "this home already has an escrow key (" + m_home.escrow_public().string() + ")",
                    "to change custodians or the quorum use `tapekey escrow rotate`; if a ceremony was "
                    "interrupted before any envelope was sealed, move escrow.pub away and start again");
    }
    CeremonyResult r = make_escrow(plan, rng, now);
    write_file(m_home.escrow_public(), bytes_of(r.escrow.to_text()), FileMode::public_, Overwrite::no);
    // The first generation: created, escrowed in a bundle, then activated.
    Generation& g = m_keyring.create(rng, now);
    r.first_generation = g.id;
    save(rng);
    note("generation.create", {{"generation", g.id.to_string()}});
    r.bundle = export_bundle(rng, now, std::nullopt, Overwrite::no);
    m_keyring.activate(*r.first_generation, now);
    save(rng);
    note("generation.activate", {{"generation", r.first_generation->to_string()}, {"previous", "-"}});
    return r;
}

CeremonyResult KeyStore::rotate_escrow(const SecretBytes& old_private, const CeremonyPlan& plan, Rng& rng,
                                       std::time_t now) {
    if (!m_escrow) {
        throw Error(Errc::state, "this home has no escrow key to rotate", "run `tapekey ceremony` first");
    }
    if (!(escrow_public_of(old_private) == m_escrow->public_key)) {
        throw Error(Errc::integrity, "the rebuilt key is not this home's escrow key",
                    "the shares belong to another escrow; check the fingerprint on the envelopes");
    }
    // The auditor key, if sealed, is reopened with the old key before the
    // old escrow is replaced.
    std::optional<SecretBytes> auditor;
    if (fs::exists(auditor_sealed_file(m_home))) {
        const SecretBytes raw = read_secret_file(auditor_sealed_file(m_home), 1u << 16);
        const BundleItem it = BundleItem::parse(raw.expose(), auditor_sealed_file(m_home).string());
        auditor = open_item(it, old_private, "the sealed auditor key");
    }
    return install_escrow(plan, auditor ? &*auditor : nullptr, CeremonyResult::Kind::rotation, rng, now);
}

CeremonyResult KeyStore::replace_escrow(const CeremonyPlan& plan, Rng& rng, std::time_t now) {
    if (!m_escrow) {
        throw Error(Errc::state, "this home has no escrow key to replace", "run `tapekey ceremony` first");
    }
    std::optional<SecretBytes> auditor;
    if (fs::exists(auditor_key_file(m_home))) {  // not yet exported: still here, resealed below
        Home::require_private(auditor_key_file(m_home));
        auditor = read_auditor_key(auditor_key_file(m_home));
    } else if (fs::exists(auditor_sealed_file(m_home))) {
        // Sealed to the old escrow key, which nobody can rebuild any more.
        const fs::path kept = m_home.log_dir() / "auditor-old-escrow.sealed";
        const SecretBytes raw = read_secret_file(auditor_sealed_file(m_home), 1u << 16);
        write_file(kept, raw.expose(), FileMode::public_, Overwrite::yes);
        remove_file(auditor_sealed_file(m_home));
    }
    return install_escrow(plan, auditor ? &*auditor : nullptr, CeremonyResult::Kind::replacement, rng, now);
}

// The common end of rotation and replacement: the new key pair and shares,
// escrow.pub (the old one kept as escrow.pub.prev), the auditor key
// resealed when it could be opened, and a bundle under the new key.
CeremonyResult KeyStore::install_escrow(const CeremonyPlan& plan, const SecretBytes* auditor,
                                        CeremonyResult::Kind kind, Rng& rng, std::time_t now) {
    const std::string old_text = m_escrow->to_text();
    CeremonyResult r = make_escrow(plan, rng, now);
    write_file(m_home.dir() / "escrow.pub.prev", bytes_of(old_text), FileMode::public_, Overwrite::yes);
    write_file(m_home.escrow_public(), bytes_of(r.escrow.to_text()), FileMode::public_, Overwrite::yes);
    if (auditor) {
        BundleItem it = seal_item(r.escrow.public_key, BundleItemType::auditor_key,
                                  "auditor created=" + detail::utc_time(now), auditor->expose(), rng);
        write_file(auditor_sealed_file(m_home), it.to_bytes(), FileMode::public_, Overwrite::yes);
    }
    save(rng);
    r.bundle = export_bundle(rng, now, std::nullopt, Overwrite::no);
    r.kind = kind;
    return r;
}

const char* CeremonyResult::kind_name() const noexcept {
    switch (kind) {
    case Kind::rotation:
        return "escrow rotation";
    case Kind::replacement:
        return "escrow replacement (old quorum lost)";
    case Kind::first:
        break;
    }
    return "first escrow";
}

const char* CeremonyResult::event_name() const noexcept {
    switch (kind) {
    case Kind::rotation:
        return "escrow.rotate";
    case Kind::replacement:
        return "escrow.replace";
    case Kind::first:
        break;
    }
    return "ceremony";
}

fs::path KeyStore::record_ceremony(const CeremonyPlan& plan, const CeremonyResult& result) {
    const auto& e = result.escrow;
    LogFields f = {{"ceremony", e.ceremony},
                   {"kind", result.kind_name()},
                   {"escrow", e.fingerprint()},
                   {"set_id", to_string(e.set_id)},
                   {"quorum", std::to_string(e.threshold) + " of " + std::to_string(e.shares)},
                   {"administrator", plan.administrator},
                   {"witness", plan.witness},
                   {"subsets_checked", std::to_string(result.subsets_checked)}};
    for (std::size_t i = 0; i < e.custodians.size(); ++i) {
        f.emplace_back("share_" + std::to_string(i + 1),
                       e.custodians[i].name + " commitment " + to_string(e.custodians[i].commitment) + " bag " +
                           (plan.bag_serials.empty() || plan.bag_serials[i].empty() ? "-" : plan.bag_serials[i]));
    }
    f.emplace_back("bundle", result.bundle.digest);
    note(result.event_name(), f);
    std::string text = ceremony_record(plan, result);
    if (m_log) {
        text += "log-checkpoint " + log_checkpoint(m_home.log_file()) + "\n";
    }
    const fs::path path = m_home.ceremonies() / ("ceremony-" + result.escrow.ceremony + ".txt");
    write_file(path, bytes_of(text), FileMode::public_, Overwrite::no);
    return path;
}

KeyStore::Rotation KeyStore::rotate(Rng& rng, std::time_t now, const std::optional<fs::path>& bundle_out) {
    if (!m_escrow) {
        throw Error(Errc::state, "this home has no escrow key, so a new generation could not be escrowed",
                    "run the escrow ceremony first: `tapekey ceremony --threshold K --custodian NAME ...`");
    }
    if (bundle_out && fs::exists(*bundle_out)) {  // refused before anything changes
        throw Error(Errc::exists, bundle_out->string() + " already exists",
                    "name a new file for the bundle; nothing was changed");
    }
    Rotation r;
    const Generation* old = m_keyring.active();
    if (old != nullptr) {
        r.deactivated = old->id;
    }
    r.created = m_keyring.create(rng, now).id;
    save(rng);
    note("generation.create", {{"generation", r.created.to_string()}});
    // Escrowed before it is used: the home's bundle holds it, pre-active.
    r.bundle = export_bundle(rng, now, std::nullopt, Overwrite::no);
    m_keyring.activate(r.created, now);
    save(rng);
    note("generation.activate", {{"generation", r.created.to_string()},
                                 {"previous", r.deactivated ? r.deactivated->to_string() : "-"}});
    if (bundle_out) {
        // The copy that leaves the server is made after the activation, so
        // a restore from it has this generation active (a restore from the
        // pre-activation bundle would leave no generation active).
        r.offsite = export_bundle(rng, now, bundle_out, Overwrite::no);
    }
    return r;
}

GenerationId KeyStore::retire(std::string_view gen, std::time_t now) {
    const Generation& g = m_keyring.find(gen);
    const GenerationId id = g.id;
    const std::string from = to_string(g.state);
    m_keyring.retire(id, now);
    note("generation.state", {{"generation", id.to_string()}, {"from", from}, {"to", "deactivated"}});
    return id;
}

GenerationId KeyStore::compromise(std::string_view gen, const std::string& reason, std::time_t now) {
    const Generation& g = m_keyring.find(gen);
    const GenerationId id = g.id;
    const std::string from = to_string(g.state);
    m_keyring.compromise(id, reason, now);
    note("generation.state",
         {{"generation", id.to_string()}, {"from", from}, {"to", "compromised"}, {"reason", reason}});
    return id;
}

namespace {

// The bundles in HOME/bundles/ that hold generation `id`, oldest first.
// Matched by the id parsed from each generation item's metadata
// (recovery-bundle.md section 2), never by a substring.
std::vector<KeyStore::RemovedBundle> bundles_holding(const Home& home, const GenerationId& id) {
    std::vector<KeyStore::RemovedBundle> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(home.bundles(), ec)) {
        if (e.path().extension() != ".tkb" || !e.is_regular_file()) {
            continue;
        }
        const std::string name = e.path().string();
        try {
            const SecretBytes raw = read_secret_file(e.path(), max_bundle_file);
            const Bundle b = Bundle::parse(raw.expose(), name);
            for (const auto& item : b.items) {
                if (item.type == BundleItemType::generation &&
                    Keyring::parse_metadata(item.metadata, name).id == id) {
                    found.push_back({e.path(), b.digest(), b.created});
                    break;
                }
            }
        } catch (const Error& err) {
            throw Error(err.code(), err.what(),
                        "it may hold the key: move it out of " + home.bundles().string() +
                            " (and destroy it if it is a bundle), then run keys destroy again; nothing was changed");
        }
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
        throw Error(Errc::io, home.bundles().string() + ": cannot list the folder: " + ec.message());
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return a.created != b.created ? a.created < b.created : a.path < b.path;
    });
    return found;
}

}  // namespace

KeyStore::Destruction KeyStore::destroy(std::string_view gen, Rng& rng, std::time_t now) {
    Destruction d;
    const Generation& g = m_keyring.find(gen);
    d.generation = g.id;
    const std::string from = to_string(g.state);
    d.already_destroyed = g.state == GenerationState::destroyed;
    d.first_bundle = g.bundle;
    d.removed = bundles_holding(m_home, d.generation);  // before anything changes
    if (!d.already_destroyed) {
        m_keyring.destroy(d.generation, now);  // refuses an active generation
        save(rng);
    }
    // save() kept the keyring it replaced as keyring.prev, and that file
    // still holds the key, wrapped under the machine key that sits beside
    // it. Saving the same keyring once more makes keyring.prev the
    // post-destroy keyring too. Each save writes keyring.prev, then
    // keyring, each atomically, and keyring is the post-destroy keyring
    // before and after (new nonces, same content), so a crash at any point
    // leaves a keyring that opens; a crash before keyring.prev is replaced
    // leaves the key there until keys destroy is run again.
    save(rng);
    // The fresh bundle before the old ones go, so that a crash in between
    // leaves the home with a bundle of every live generation, never none.
    if (m_escrow) {
        d.bundle = export_bundle(rng, now, std::nullopt, Overwrite::no);
    }
    std::string removed;
    for (const auto& b : d.removed) {
        remove_file(b.path);  // fsyncs the folder
        removed += (removed.empty() ? "" : " ") + b.digest;
    }
    note("generation.state", {{"generation", d.generation.to_string()},
                              {"from", from},
                              {"to", "destroyed"},
                              {"bundles_removed", removed.empty() ? "-" : removed},
                              {"bundle", d.bundle ? d.bundle->digest : "-"}});
    return d;
}

void check_volume_name(std::string_view name) {
    // Bacula's MAX_NAME_LENGTH is 128 with the terminating NUL.
    constexpr std::size_t max_volume = 127;
    if (name.empty() || name.size() > max_volume) {
        throw Error(Errc::usage,
                    "volume name '" + std::string(name.substr(0, 140)) + "' is " +
                        (name.empty() ? "empty" : "longer than 127 characters"),
                    "give the Bacula volume name (%v): 1 to 127 characters of A-Z a-z 0-9 : . - _");
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' ||
                        c == '.' || c == '-' || c == '_';
        if (!ok) {
            const auto u = static_cast<unsigned char>(c);
            const std::string shown =
                u > 0x20 && u < 0x7F ? "'" + std::string(1, c) + "'" : "byte " + std::to_string(u);
            throw Error(Errc::usage,
                        "volume name '" + detail::percent_encode(std::string(name)) + "': character " +
                            std::to_string(i + 1) + " (" + shown + ") is not allowed",
                        "Bacula volume names use only A-Z a-z 0-9 : . - _");
        }
    }
}

void KeyStore::set_cartridge(const std::optional<std::string>& volume, std::string job) {
    if (volume) {
        check_volume_name(*volume);
    }
    m_volume = volume.value_or(std::string());
    m_job = std::move(job);
}

LogFields KeyStore::drive_fields(const Drive& drive) const {
    LogFields f = {{"device", drive.name()}, {"volume", m_volume.empty() ? "-" : m_volume}};
    if (!m_job.empty()) {
        f.emplace_back("job", m_job);
    }
    return f;
}

DecryptionMode KeyStore::configured_decryption() const {
    const std::string m = Config::load(m_home.config()).get("drive.decryption_mode");
    if (m == "on") {
        return DecryptionMode::decrypt;
    }
    if (m == "mixed") {
        return DecryptionMode::mixed;
    }
    throw Error(Errc::bad_format, m_home.config().string() + ": drive.decryption_mode = " + m + " is not on or mixed",
                "set drive.decryption_mode to on or mixed (`tapekey config check`)");
}

KeyStore::Loaded KeyStore::load(Drive& drive, const LoadPlan& plan_in, const Capabilities& caps) {
    preflight();  // fail closed before the key goes anywhere
    LoadPlan plan = plan_in;
    Loaded r;
    LogFields f = drive_fields(drive);
    f.insert(f.end(), {{"generation", plan.generation.to_string()},
                       {"state", to_string(plan.state)},
                       {"encryption", to_string(plan.request.encryption)},
                       {"decryption", to_string(plan.request.decryption)}});
    try {
        f.emplace_back("drive_serial", drive.identity().serial);
        if (Config::load(m_home.config()).get_bool("drive.clear_on_unload") &&
            drive.management_capabilities().ckod_c) {
            plan.request.ckod = true;
        }
        r.counter_before = drive.status().key_instance_counter;
        f.emplace_back("counter_before", std::to_string(r.counter_before));
        r.status = drive.load_key(key_of(plan.generation), plan.request);
    } catch (const Error& e) {
        f.emplace_back("error", e.what());
        note("drive.load_failed", f);
        throw;
    }
    r.writes_encrypted = Drive::writes_encrypted(r.status, caps);
    f.emplace_back("counter_after", std::to_string(r.status.key_instance_counter));
    f.emplace_back("writes_encrypted", r.writes_encrypted ? "yes" : "no");
    if (plan.read_only) {
        try {
            r.write_protected = drive.protect_cartridge(true).associated;
            f.emplace_back("write_protect", "yes");
        } catch (const Error& e) {
            r.unprotected_because = e.what();
            f.emplace_back("write_protect", "unavailable: " + r.unprotected_because);
        }
    } else {
        try {
            if (drive.write_protection().associated) {
                drive.protect_cartridge(false);
                f.emplace_back("write_protect", "lifted");
            }
        } catch (const Error&) {
            // No page 10h or no ASOCWP: nothing of ours to lift.
        }
    }
    f.emplace_back("reason", plan.reason);
    note("drive.load", f);
    return r;
}

LogFields KeyStore::drive_fields_with_serial(Drive& drive) const {
    LogFields f = drive_fields(drive);
    f.emplace_back("drive_serial", drive.logged_serial());
    return f;
}

void KeyStore::refuse(Drive& drive, const Error& why) {
    LogFields f = drive_fields_with_serial(drive);
    f.emplace_back("reason", why.what());
    note("drive.refused", f);
    throw why;
}

void KeyStore::record_unload(Drive& drive, const std::string& why, const std::string& error) {
    LogFields f = drive_fields_with_serial(drive);
    f.emplace_back("reason", why);
    f.emplace_back("unloaded", error.empty() ? "yes" : "no");
    if (!error.empty()) {
        f.emplace_back("error", error);
    }
    note("drive.unload", f);
}

KeyStore::AutoLoad KeyStore::auto_load(Drive& drive, bool allow_compromised) {
    const DecryptionMode mode = configured_decryption();
    const Capabilities caps = drive.capabilities();
    AutoLoad a;
    a.next = drive.next_block();
    const KadReading kad = read_kad(a.next.kads);
    LogFields f = drive_fields(drive);
    f.insert(f.end(), {{"encryption", to_string(a.next.encryption)},
                       {"kad", kad.id ? kad.id->to_string() : kad.shown.empty() ? "-" : kad.shown}});
    note("drive.next_block", f);
    try {
        a.plan = plan_for_cartridge(a.next, caps, mode, allow_compromised);
    } catch (const Error& e) {
        refuse(drive, e);
    }
    a.loaded = load(drive, a.plan, caps);
    return a;
}

namespace {

// The generation's KADs, sized to what the drive's AES-256-GCM descriptor
// allows (kad.md sections 2 and 3).
void set_kads(KeyLoad& req, const GenerationId& id, const Capabilities& caps) {
    const AlgorithmDescriptor* aes = caps.aes_gcm();
    if (aes == nullptr) {
        throw Error(Errc::unsupported, "the drive reports no AES-256-GCM algorithm it can use",
                    "this drive cannot encrypt LTO data; check `tapekey drive caps`");
    }
    req.ukad = generation_ukad(id);
    if (aes->max_ukad < req.ukad.size()) {
        throw Error(Errc::unsupported,
                    "the drive takes at most " + std::to_string(aes->max_ukad) + " bytes of U-KAD; tapekey's needs " +
                        std::to_string(req.ukad.size()),
                    "this drive model is not supported yet; report `tapekey drive caps --json`");
    }
    if (aes->ukadf) {
        req.ukad.resize(aes->max_ukad, ' ');  // fixed-length U-KAD: pad (kad.md section 2)
    }
    if (aes->max_akad >= 11) {
        req.akad = generation_akad(id);
        if (aes->akadf) {
            req.akad.resize(aes->max_akad, 0);
        }
    }
}

}  // namespace

const SecretBytes& KeyStore::key_of(const GenerationId& id) const {
    for (const auto& g : m_keyring.generations) {
        if (g.id == id && !g.key.empty()) {
            return g.key;
        }
    }
    throw Error(Errc::not_found, "no key for generation " + id.to_string());
}

KeyStore::LoadPlan KeyStore::plan_for_generation(std::string_view gen, const Capabilities& caps, DecryptionMode mode,
                                                 bool allow_compromised) const {
    const Generation* g = gen.empty() ? m_keyring.active() : &m_keyring.find(gen);
    if (g == nullptr) {
        throw Error(Errc::state, "there is no active generation",
                    "run `tapekey keys rotate` (or the ceremony) to make one");
    }
    LoadPlan p;
    p.generation = g->id;
    p.state = g->state;
    const std::string name = "generation " + g->id.to_string();
    switch (g->state) {
    case GenerationState::active:
        p.request.encryption = EncryptionMode::encrypt;
        p.request.decryption = mode;
        set_kads(p.request, g->id, caps);
        p.reason = name + " (active): encrypt, decrypt " + to_string(mode);
        return p;
    case GenerationState::compromised:
        if (!allow_compromised) {
            throw Error(Errc::state, name + " is compromised (" + g->reason + ")",
                        "to read its cartridges anyway, add --allow-compromised; re-encrypt their data under the "
                        "active generation");
        }
        [[fallthrough]];
    case GenerationState::deactivated:
        p.request.encryption = EncryptionMode::disable;
        p.request.decryption = DecryptionMode::decrypt;
        p.read_only = true;
        p.reason = name + " (" + to_string(g->state) + "): decrypt only; nothing may be appended to this cartridge";
        return p;
    case GenerationState::pre_active:
        throw Error(Errc::state, name + " is pre-active: it is not in use yet",
                    "`tapekey keys rotate` activates a generation once it is escrowed");
    case GenerationState::destroyed:
        throw Error(Errc::state, name + " was destroyed: its key no longer exists",
                    "cartridges written under it are unreadable by design (crypto-erase)");
    }
    throw Error(Errc::state, name + ": unknown state");
}

KeyStore::LoadPlan KeyStore::plan_for_cartridge(const NextBlockStatus& next, const Capabilities& caps,
                                                DecryptionMode clear_mode, bool allow_compromised) const {
    using B = BlockEncryption;
    if (next.medium == NextBlockStatus::Medium::none) {
        throw Error(Errc::state, "there is no cartridge in the drive", "load a cartridge, then run this again");
    }
    const bool clear = next.medium == NextBlockStatus::Medium::blank || next.encryption == B::clear ||
                       next.encryption == B::not_yet || next.encryption == B::not_a_block ||
                       next.encryption == B::unknown;
    if (clear) {
        LoadPlan p = plan_for_generation({}, caps, clear_mode, false);
        p.reason = std::string(next.medium == NextBlockStatus::Medium::blank ? "blank cartridge"
                                                                                : "the next block is not encrypted") +
                   ": active " + p.reason;
        return p;
    }
    if (next.encryption == B::unsupported_algorithm) {
        throw Error(Errc::unsupported, "the next block is encrypted with an algorithm this drive does not support",
                    "read this cartridge in a drive of its generation");
    }
    const KadReading kad = read_kad(next.kads);
    switch (kad.kind) {
    case KadReading::Kind::none:
        throw Error(Errc::state, "the next block is encrypted but carries no key-associated data",
                    "tapekey cannot tell which key it needs and will not guess (an HP drive locks after ten "
                    "wrong keys); it was not written by tapekey");
    case KadReading::Kind::foreign:
        throw Error(Errc::state, "the next block was encrypted by another tool (" + kad.shown + ")",
                    "load its key with that tool; tapekey loads nothing it did not write");
    case KadReading::Kind::inconsistent:
        throw Error(Errc::integrity, "the next block's A-KAD and U-KAD name different generations (" + kad.shown + ")",
                    "the cartridge may have been tampered with; keep it aside and check the key-use log");
    case KadReading::Kind::generation:
        break;
    }
    if (m_keyring.find(*kad.id) == nullptr) {
        throw Error(Errc::not_found,
                    "the cartridge was written under generation " + kad.id->to_string() + ", which this keyring does not hold",
                    "restore the keyring from a recovery bundle that holds it (`tapekey restore`); tapekey will "
                    "not try other keys");
    }
    LoadPlan p = plan_for_generation(kad.id->to_string(), caps, clear_mode, allow_compromised);
    p.reason = "the cartridge was written under " + p.reason;
    return p;
}

void ShareCollector::note_refused(const std::string& origin, const std::string& reason) {
    m_refused.push_back(reason.rfind(origin, 0) == 0 ? reason : origin + ": " + reason);
}

std::string ShareCollector::used_summary() const {
    std::string s;
    for (const auto& sh : m_shares) {
        s += (s.empty() ? "" : ", ") + m_escrow.share_label(sh.index).substr(6);
    }
    return s.empty() ? "-" : s;
}

std::string ShareCollector::refused_summary() const {
    std::string s;
    for (const auto& r : m_refused) {
        s += (s.empty() ? "" : "; ") + r;
    }
    return s.empty() ? "-" : s;
}

void ShareCollector::add(Share share, const std::string& origin) {
    if (const auto problem = m_escrow.check_share(share)) {
        Error e(Errc::mismatch, origin + ": " + m_escrow.share_label(share.index) + " is refused: " + *problem,
                "set this share aside and enter another custodian's share");
        note_refused(origin, e.what());
        throw e;
    }
    for (std::size_t i = 0; i < m_shares.size(); ++i) {
        if (m_shares[i].index == share.index) {
            Error e(Errc::duplicate,
                    origin + ": " + m_escrow.share_label(share.index) + " was already entered (" + m_origins[i] + ")",
                    "enter a different custodian's share");
            note_refused(origin, e.what());
            throw e;
        }
    }
    m_shares.push_back(std::move(share));
    m_origins.push_back(origin);
}

SecretBytes ShareCollector::rebuild(std::vector<RejectedShare>& rejected) const {
    Recovery r = combine(m_shares);
    rejected = r.rejected;
    if (!(escrow_public_of(r.secret) == m_escrow.public_key)) {
        throw Error(Errc::integrity, "the shares rebuild a key that is not the escrow key " + m_escrow.fingerprint(),
                    "the shares or the bundle were altered; use other shares or another copy of the bundle");
    }
    return std::move(r.secret);
}

RestoreResult restore_home(const Home& home, const Bundle& bundle, const SecretBytes& escrow_private, Rng& rng,
                           const SecretBytes* passphrase, std::time_t now, const LogFields& shares_log) {
    const EscrowPublic escrow = bundle.escrow("the bundle's escrow record");
    if (!(escrow_public_of(escrow_private) == escrow.public_key)) {
        throw Error(Errc::integrity, "the rebuilt key is not the bundle's escrow key " + escrow.fingerprint(),
                    "the shares belong to another escrow");
    }
    // Open everything before writing anything.
    Keyring kr;
    kr.escrow_fingerprint = escrow.fingerprint();
    std::optional<BundleItem> auditor;
    RestoreResult result;
    for (std::size_t i = 0; i < bundle.items.size(); ++i) {
        const auto& it = bundle.items[i];
        const std::string name = "bundle item " + std::to_string(i + 1);
        SecretBytes payload = open_item(it, escrow_private, name);
        if (it.type == BundleItemType::auditor_key) {
            auditor = it;
            result.auditor_key = true;
            continue;
        }
        Generation g = Keyring::parse_metadata(it.metadata, name);
        if (payload.size() != 32) {
            throw Error(Errc::bad_format, name + ": a generation key must be 32 bytes");
        }
        if (kr.find(g.id) != nullptr) {
            throw Error(Errc::bad_format, name + ": generation " + g.id.to_string() + " appears twice");
        }
        if (g.bundle.empty()) {
            g.bundle = bundle.digest();
        }
        g.key = std::move(payload);
        if (g.state == GenerationState::active) {
            if (result.active) {
                throw Error(Errc::bad_format, name + ": more than one active generation");
            }
            result.active = g.id;
        }
        kr.generations.push_back(std::move(g));
    }
    result.generations = kr.generations.size();
    KeyStore::init(home, rng, passphrase, now);
    KeyStore ks = KeyStore::open(home, [&] { return passphrase->clone(); });
    write_file(home.escrow_public(), bytes_of(bundle.escrow_text), FileMode::public_, Overwrite::no);
    const auto bytes = bundle.to_bytes();
    write_file(home.bundles() / ("restored-from-" + bundle.digest() + ".tkb"), bytes, FileMode::public_, Overwrite::no);
    if (auditor) {
        // The old log's auditor key: kept sealed for whoever verifies a
        // surviving copy of the old log. The new log has its own, sealed
        // into the next bundle.
        write_file(home.log_dir() / "auditor-previous-log.sealed", auditor->to_bytes(), FileMode::public_,
                   Overwrite::no);
    }
    ks.keyring() = std::move(kr);
    ks.save(rng);
    LogFields f = {{"bundle", bundle.digest()},
                   {"escrow", escrow.fingerprint()},
                   {"generations", std::to_string(result.generations)},
                   {"active", result.active ? result.active->to_string() : "-"}};
    f.insert(f.end(), shares_log.begin(), shares_log.end());
    KeyUseLog(home, "restore").append("restore", f);
    return result;
}

}  // namespace tapekey
