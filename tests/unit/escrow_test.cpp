// Escrow file, commitments, KAD, keyring and recovery bundle (the specs in
// docs/spec/escrow.md, kad.md, keyring.md, recovery-bundle.md).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "support/fixed_rng.h"
#include "support/unit.h"
#include "tapekey/bundle.h"
#include "tapekey/error.h"
#include "tapekey/escrow.h"
#include "tapekey/generation.h"
#include "tapekey/keyring.h"

namespace fs = std::filesystem;
using tapekey::Errc;
using tapekey::GenerationState;

namespace {

using tapekey::test::code_of;
using tapekey::test::TempDir;

tapekey::EscrowPublic make_escrow(tapekey::Rng& rng, const tapekey::SecretBytes& priv,
                                  std::vector<tapekey::Share>& shares) {
    tapekey::EscrowPublic e;
    e.public_key = tapekey::escrow_public_of(priv);
    shares = tapekey::split(priv.expose(), 3, 5, rng);
    e.set_id = shares[0].set_id;
    e.threshold = 3;
    e.shares = 5;
    e.created = 1796000000;
    e.ceremony = "ABCD-EFGH";
    const char* names[] = {"Alice Martin", "Bob", "Chloé", "Dev Ops", "Eve"};
    for (const auto& s : shares) {
        e.custodians.push_back({names[s.index - 1], tapekey::share_commitment(s)});
    }
    return e;
}

}  // namespace

TEST_CASE("escrow file round trip, and each share checks alone against it") {
    tapekey::test::CountingRng rng(1);
    const auto priv = tapekey::generate_escrow_private(rng);
    std::vector<tapekey::Share> shares;
    const auto e = make_escrow(rng, priv, shares);
    const auto text = e.to_text();
    const auto back = tapekey::EscrowPublic::parse(text, "escrow.pub");
    CHECK(back.to_text() == text);
    CHECK(back.custodians[2].name == "Chloé");
    CHECK(text.find("share 3 ") != std::string::npos);
    CHECK(text.find("Chlo%C3%A9") != std::string::npos);
    for (const auto& s : shares) {
        CHECK_FALSE(back.check_share(s).has_value());
    }
    auto forged = shares[1].clone();
    forged.payload.expose()[0] ^= 1;
    REQUIRE(back.check_share(forged).has_value());
    CHECK(back.check_share(forged)->find("commitment does not match") != std::string::npos);
    CHECK(back.share_label(2) == "share 2 (Bob)");

    std::string bad = text;
    bad.replace(bad.find("fingerprint ") + 12, 1, bad[bad.find("fingerprint ") + 12] == 'A' ? "B" : "A");
    CHECK(code_of([&] { (void)tapekey::EscrowPublic::parse(bad, "x"); }) == Errc::bad_format);
    CHECK(code_of([&] { (void)tapekey::EscrowPublic::parse("tapekey-escrow 2\n", "x"); }) == Errc::unsupported);
    CHECK(code_of([&] { (void)tapekey::EscrowPublic::parse(text.substr(0, text.rfind("share 5")), "x"); }) ==
          Errc::bad_format);
}

TEST_CASE("kad: a generation id in the u-kad and a-kad, and what foreign kads look like") {
    tapekey::test::CountingRng rng(2);
    const auto id = tapekey::GenerationId::random(rng);
    const auto u = tapekey::generation_ukad(id);
    CHECK(u.size() == 25);
    CHECK(std::string(u.begin(), u.begin() + 9) == "TAPEKEY1 ");
    const auto a = tapekey::generation_akad(id);
    CHECK(a.size() == 11);

    std::vector<tapekey::Kad> kads = {{0, 1, u}, {1, 3, a}};
    auto r = tapekey::read_kad(kads);
    CHECK(r.kind == tapekey::KadReading::Kind::generation);
    CHECK(*r.id == id);
    // U-KAD padded with spaces (fixed-length drives) still reads.
    auto padded = u;
    padded.resize(32, ' ');
    kads = {{0, 1, padded}};
    CHECK(*tapekey::read_kad(kads).id == id);
    // A-KAD and U-KAD naming different generations.
    const auto other = tapekey::GenerationId::random(rng);
    kads = {{0, 1, u}, {1, 3, tapekey::generation_akad(other)}};
    CHECK(tapekey::read_kad(kads).kind == tapekey::KadReading::Kind::inconsistent);
    // stenc's description.
    const std::string desc = "Backup key 2026";
    kads = {{0, 1, {desc.begin(), desc.end()}}};
    r = tapekey::read_kad(kads);
    CHECK(r.kind == tapekey::KadReading::Kind::foreign);
    CHECK(r.shown == "u-kad \"Backup key 2026\"");
    CHECK(tapekey::read_kad({}).kind == tapekey::KadReading::Kind::none);
}

TEST_CASE("generation transitions follow SP 800-57") {
    using S = GenerationState;
    const S all[] = {S::pre_active, S::active, S::deactivated, S::compromised, S::destroyed};
    int allowed = 0;
    for (const S a : all) {
        for (const S b : all) {
            allowed += tapekey::transition_allowed(a, b) ? 1 : 0;
        }
    }
    CHECK(allowed == 8);
    CHECK(tapekey::transition_allowed(S::active, S::compromised));
    CHECK_FALSE(tapekey::transition_allowed(S::deactivated, S::active));
    CHECK_FALSE(tapekey::transition_allowed(S::destroyed, S::active));
    CHECK_FALSE(tapekey::transition_allowed(S::active, S::destroyed));
}

TEST_CASE("keyring: round trip, lifecycle rules, wrong machine key, tampering, newer format") {
    TempDir t;
    const auto home = tapekey::Home::locate(t.path);
    tapekey::test::CountingRng rng(3);
    tapekey::create_machine_key(home, rng, nullptr);
    const auto mk = tapekey::load_machine_key(home, [] { return tapekey::SecretBytes(); });
    CHECK(mk.size() == 32);

    tapekey::Keyring kr;
    kr.escrow_fingerprint = "AAAA-BBBB-CCCC-DDDD";
    auto& g1 = kr.create(rng, 1000);
    const auto id1 = g1.id;
    CHECK(code_of([&] { kr.activate(id1, 1001); }) == Errc::state);  // not escrowed
    kr.find(id1)->bundle = "ZZZZ-ZZZZ-ZZZZ-Z";
    kr.activate(id1, 1002);
    auto& g2 = kr.create(rng, 1003);
    const auto id2 = g2.id;
    g2.bundle = "YYYY-YYYY-YYYY-Y";
    kr.activate(id2, 1004);
    CHECK(kr.find(id1)->state == GenerationState::deactivated);
    CHECK(kr.active()->id == id2);
    kr.compromise(id1, "laptop with keyring.prev stolen", 1005);
    CHECK(code_of([&] { kr.activate(id1, 1006); }) == Errc::state);
    kr.save(home, mk, rng);

    auto back = tapekey::Keyring::load(home, mk);
    REQUIRE(back.generations.size() == 2);
    CHECK(back.generations[0].state == GenerationState::compromised);
    CHECK(back.generations[0].reason == "laptop with keyring.prev stolen");
    CHECK(back.generations[1].key == kr.generations[1].key);
    CHECK(back.escrow_fingerprint == "AAAA-BBBB-CCCC-DDDD");
    CHECK(&back.find(id2.to_string().substr(0, 6)) == &back.generations[1]);

    // Crypto-erase.
    back.destroy(id1, 1007);
    CHECK(back.generations[0].key.empty());
    back.save(home, mk, rng);
    CHECK(fs::exists(home.keyring_previous()));
    CHECK(tapekey::Keyring::load(home, mk).generations[0].state == GenerationState::destroyed);

    // A wrong machine key.
    tapekey::SecretBytes wrong = mk.clone();
    wrong.expose()[0] ^= 1;
    CHECK(code_of([&] { (void)tapekey::Keyring::load(home, wrong); }) == Errc::integrity);

    // A state edited by hand.
    std::string text;
    {
        std::ifstream in(home.keyring());
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto edited = text;
    edited.replace(edited.find(" destroyed "), 11, " active    ");
    std::ofstream(home.keyring(), std::ios::trunc) << edited;
    CHECK(code_of([&] { (void)tapekey::Keyring::load(home, mk); }) == Errc::integrity);
    std::ofstream(home.keyring(), std::ios::trunc) << "tapekey-keyring 2\nescrow -\n";
    CHECK(code_of([&] { (void)tapekey::Keyring::load(home, mk); }) == Errc::unsupported);
    // Loose permissions.
    std::ofstream(home.keyring(), std::ios::trunc) << text;
    fs::permissions(home.keyring(), fs::perms::group_read, fs::perm_options::add);
    CHECK(code_of([&] { (void)tapekey::Keyring::load(home, mk); }) == Errc::permission);
}

TEST_CASE("machine key under a passphrase") {
    TempDir t;
    const auto home = tapekey::Home::locate(t.path);
    tapekey::test::CountingRng rng(4);
    const std::string p = "correct horse battery staple";
    const auto pass = tapekey::SecretBytes::copy_of({reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
    tapekey::create_machine_key(home, rng, &pass);
    const auto mk = tapekey::load_machine_key(home, [&] { return pass.clone(); });
    CHECK(mk.size() == 32);
    CHECK(code_of([&] {
              (void)tapekey::load_machine_key(home, [&] {
                  auto w = pass.clone();
                  w.expose()[0] ^= 0x20;
                  return w;
              });
          }) == Errc::integrity);
}

TEST_CASE("bundle: seal, open with the escrow key, any changed byte detected") {
    tapekey::test::CountingRng rng(5);
    const auto priv = tapekey::generate_escrow_private(rng);
    std::vector<tapekey::Share> shares;
    const auto escrow = make_escrow(rng, priv, shares);
    tapekey::Keyring kr;
    kr.create(rng, 100);
    kr.create(rng, 200);
    const std::vector<std::uint8_t> auditor(32, 7);
    const auto extra = tapekey::seal_item(escrow.public_key, tapekey::BundleItemType::auditor_key,
                                          "auditor created=2026-11-29T00:00:00Z", auditor, rng);
    const auto bundle = tapekey::make_bundle(escrow, kr, {&extra, 1}, 300, rng);
    const auto bytes = bundle.to_bytes();
    const auto back = tapekey::Bundle::parse(bytes, "b.tkb");
    CHECK(back.digest() == bundle.digest());
    CHECK(back.escrow("b").fingerprint() == escrow.fingerprint());
    REQUIRE(back.items.size() == 3);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto key = tapekey::open_item(back.items[i], priv, "item");
        CHECK(key == kr.generations[i].key);
        CHECK(tapekey::Keyring::parse_metadata(back.items[i].metadata, "m").id == kr.generations[i].id);
    }
    CHECK(tapekey::ct_equal(tapekey::open_item(back.items[2], priv, "item").expose(), auditor));

    // Every single-byte change anywhere is refused.
    std::size_t refused = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto b = bytes;
        b[i] ^= 0x01;
        try {
            (void)tapekey::Bundle::parse(b, "b");
        } catch (const tapekey::Error&) {
            ++refused;
        }
    }
    CHECK(refused == bytes.size());
    // A wrong escrow key does not open an item.
    const auto other = tapekey::generate_escrow_private(rng);
    CHECK(code_of([&] { (void)tapekey::open_item(back.items[0], other, "item 1"); }) == Errc::integrity);
    // Metadata changed and the checksum recomputed: the GCM tag still refuses.
    auto forged = back;
    forged.items[0].metadata.replace(forged.items[0].metadata.find("pre-active"), 10, "destroyed!");
    const auto reparsed = tapekey::Bundle::parse(forged.to_bytes(), "forged");
    CHECK(code_of([&] { (void)tapekey::open_item(reparsed.items[0], priv, "item 1"); }) == Errc::integrity);
}
