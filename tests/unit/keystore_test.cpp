// KeyStore on a real home in a temporary folder: keys destroy is a
// crypto-erase on this server (docs/design.md section 3): afterwards neither
// the keyring, nor keyring.prev, nor any bundle in the home holds the key,
// and the home keeps a bundle of every live generation.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "support/fixed_rng.h"
#include "support/unit.h"
#include "tapekey/bundle.h"
#include "tapekey/error.h"
#include "tapekey/keystore.h"

namespace fs = std::filesystem;
using tapekey::Errc;
using tapekey::GenerationId;
using tapekey::GenerationState;
using tapekey::KeyStore;

namespace {

using tapekey::test::code_of;
using tapekey::test::TempDir;

tapekey::SecretBytes no_passphrase() { return {}; }

tapekey::Bundle read_bundle(const fs::path& p) {
    const auto raw = tapekey::read_secret_file(p, tapekey::max_bundle_file);
    return tapekey::Bundle::parse(raw.expose(), p.string());
}

// Every bundle in the home, by file name.
std::map<std::string, tapekey::Bundle> home_bundles(const tapekey::Home& home) {
    std::map<std::string, tapekey::Bundle> all;
    for (const auto& e : fs::directory_iterator(home.bundles())) {
        all.emplace(e.path().filename().string(), read_bundle(e.path()));
    }
    return all;
}

bool holds(const tapekey::Bundle& b, const GenerationId& id) {
    for (const auto& item : b.items) {
        if (item.type == tapekey::BundleItemType::generation &&
            tapekey::Keyring::parse_metadata(item.metadata, "item").id == id) {
            return true;
        }
    }
    return false;
}

// HOME/keyring.prev opened with the machine key, as the keyring of a
// scratch home (Keyring::load reads only HOME/keyring).
tapekey::Keyring load_previous(const tapekey::Home& home, const tapekey::SecretBytes& mk, const fs::path& scratch) {
    fs::create_directories(scratch);
    fs::copy_file(home.keyring_previous(), scratch / "keyring", fs::copy_options::overwrite_existing);
    return tapekey::Keyring::load(tapekey::Home::locate(scratch), mk);
}

std::string file_text(const fs::path& p) { return tapekey::read_text_file(p, 16u << 20); }

}  // namespace

TEST_CASE("keys destroy erases the key from keyring, keyring.prev and every bundle in the home") {
    TempDir t;
    const auto home = tapekey::Home::locate(t.path / "home");
    tapekey::test::CountingRng rng(7);
    KeyStore::init(home, rng, nullptr, 1000);
    KeyStore ks = KeyStore::open(home, no_passphrase, "test");
    tapekey::CeremonyPlan plan;
    plan.threshold = 2;
    plan.custodians = {"Alice", "Bob", "Carol"};
    plan.administrator = "Ann";
    plan.witness = "Walt";
    const auto c = ks.ceremony(plan, rng, 1001);
    const tapekey::SecretBytes escrow_private = tapekey::combine(c.shares).secret;
    const GenerationId g1 = *c.first_generation;
    const auto r2 = ks.rotate(rng, 1002, std::nullopt);
    const auto r3 = ks.rotate(rng, 1003, std::nullopt);
    const GenerationId g2 = r2.created;
    const GenerationId g3 = r3.created;
    REQUIRE(home_bundles(home).size() == 3);  // {g1}, {g1 g2}, {g1 g2 g3}
    const auto mk = tapekey::load_machine_key(home, no_passphrase);

    SUBCASE("the active generation is refused and nothing changes") {
        const std::string prev = file_text(home.keyring_previous());
        CHECK(code_of([&] { (void)ks.destroy(g3.to_string(), rng, 1004); }) == Errc::state);
        CHECK(file_text(home.keyring_previous()) == prev);
        CHECK(home_bundles(home).size() == 3);
    }

    SUBCASE("a bundle in the home that cannot be read refuses before anything changes") {
        tapekey::write_file(home.bundles() / "damaged.tkb", std::vector<std::uint8_t>(40, 'x'),
                            tapekey::FileMode::public_, tapekey::Overwrite::no);
        const std::string prev = file_text(home.keyring_previous());
        CHECK(code_of([&] { (void)ks.destroy(g1.to_string(), rng, 1004); }) == Errc::bad_format);
        const auto kr = tapekey::Keyring::load(home, mk);
        CHECK(kr.find(g1)->state == GenerationState::deactivated);
        CHECK(file_text(home.keyring_previous()) == prev);
        tapekey::remove_file(home.bundles() / "damaged.tkb");
        CHECK(home_bundles(home).size() == 3);
    }

    SUBCASE("destroy g1, then g2") {
        const auto d = ks.destroy(g1.to_string(), rng, 1004);
        CHECK(d.generation == g1);
        CHECK_FALSE(d.already_destroyed);
        CHECK(d.first_bundle == c.bundle.digest);
        REQUIRE(d.removed.size() == 3);
        CHECK(d.removed[0].digest == c.bundle.digest);
        CHECK(d.removed[1].digest == r2.bundle.digest);
        CHECK(d.removed[2].digest == r3.bundle.digest);
        CHECK(d.removed[0].created == 1001);
        REQUIRE(d.bundle);

        // The keyring and its previous version: the generation is there,
        // destroyed and without a key; the live ones keep theirs.
        const auto kr = tapekey::Keyring::load(home, mk);
        const auto prev = load_previous(home, mk, t.path / "prev");
        for (const auto* k : {&kr, &prev}) {
            REQUIRE(k->find(g1) != nullptr);
            CHECK(k->find(g1)->state == GenerationState::destroyed);
            CHECK(k->find(g1)->key.empty());
            CHECK(k->find(g2)->key == ks.key_of(g2));
            CHECK(k->find(g3)->key == ks.key_of(g3));
        }

        // The home keeps only the fresh bundle, which holds g2 and g3 (and
        // the auditor key); a restore from it knows nothing of g1's key.
        const auto bundles = home_bundles(home);
        REQUIRE(bundles.size() == 1);
        const auto& [name, fresh] = *bundles.begin();
        CHECK(home.bundles() / name == d.bundle->path);
        CHECK(fresh.digest() == d.bundle->digest);
        CHECK_FALSE(holds(fresh, g1));
        CHECK(holds(fresh, g2));
        CHECK(holds(fresh, g3));
        const auto restored_home = tapekey::Home::locate(t.path / "restored");
        const auto restored = tapekey::restore_home(restored_home, fresh, escrow_private, rng, nullptr, 1005);
        CHECK(restored.generations == 2);
        const auto restored_kr =
            tapekey::Keyring::load(restored_home, tapekey::load_machine_key(restored_home, no_passphrase));
        CHECK(restored_kr.find(g1) == nullptr);
        CHECK(restored_kr.find(g2)->key == ks.key_of(g2));

        // The key-use log names the bundles removed and the new one.
        const std::string log = file_text(home.log_file());
        for (const auto& b : d.removed) {
            CHECK(log.find(b.digest) != std::string::npos);
        }
        CHECK(log.find("bundles_removed") != std::string::npos);

        // Run again (as after a crash): nothing left to remove, a new bundle.
        const auto again = ks.destroy(g1.to_string(), rng, 1006);
        CHECK(again.already_destroyed);
        CHECK(again.removed.empty());
        CHECK(home_bundles(home).size() == 2);

        // Only the bundles holding g2 go; the new one holds g3 alone.
        ks.retire(g3.to_string(), 1007);
        const auto r4 = ks.rotate(rng, 1008, std::nullopt);
        const auto d2 = ks.destroy(g2.to_string(), rng, 1009);
        CHECK(d2.removed.size() == 3);  // the two made since g1 went, and r4's
        const auto left = home_bundles(home);
        REQUIRE(left.size() == 1);
        CHECK_FALSE(holds(left.begin()->second, g2));
        CHECK(holds(left.begin()->second, g3));
        CHECK(holds(left.begin()->second, r4.created));
    }
}
