// The key formats against vectors from their second implementation
// (tests/vectors/gen/key_vectors.py: Python, with the openssl command line
// for X25519 and the AES block): escrow.md, kad.md, recovery-bundle.md,
// keyring.md.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/fixed_rng.h"
#include "support/vectors.h"
#include "tapekey/bundle.h"
#include "tapekey/escrow.h"
#include "tapekey/generation.h"
#include "tapekey/keyring.h"
#include "tapekey/share_text.h"

namespace fs = std::filesystem;
using tapekey::test::load_vectors;

namespace {

std::string hex_of(std::span<const std::uint8_t> b) { return tapekey::test::to_hex(b.data(), b.size()); }

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("escrow vectors: public key, fingerprint, commitments of the worked example's shares, escrow file") {
    const auto v = load_vectors("escrow/escrow.vec").at(0);
    const auto priv = tapekey::SecretBytes::copy_of(v.hex("private"));
    const auto pub = tapekey::escrow_public_of(priv);
    CHECK(hex_of(pub) == v.at("public"));
    CHECK(tapekey::escrow_fingerprint(pub) == v.at("fingerprint"));
    const auto shares = load_vectors("share/split.vec").at(0);
    REQUIRE(shares.name() == "worked_example_3of5_32");
    for (int x = 1; x <= 5; ++x) {
        CAPTURE(x);
        const auto s = tapekey::decode_share_text(shares.at("share" + std::to_string(x)));
        CHECK(tapekey::to_string(tapekey::share_commitment(s)) == v.at("commitment" + std::to_string(x)));
    }
    const std::string text = v.at("escrow_text") + "\n";
    const auto e = tapekey::EscrowPublic::parse(text, "escrow.vec");
    CHECK(e.to_text() == text);
    CHECK(e.public_key == pub);
    CHECK(e.custodians[2].name == "Chloé");
}

TEST_CASE("kad vectors: generation ids on tape") {
    for (const auto& v : load_vectors("kad/kad.vec")) {
        CAPTURE(v.name());
        const std::vector<tapekey::Kad> u = {{0, 1, bytes_of(v.at("ukad"))}};
        if (v.section == "valid") {
            tapekey::GenerationId id;
            const auto raw = v.hex("id");
            std::copy(raw.begin(), raw.end(), id.bytes.begin());
            CHECK(id.to_string() == v.at("id_text"));
            CHECK(tapekey::generation_ukad(id) == bytes_of(v.at("ukad")));
            CHECK(hex_of(tapekey::generation_akad(id)) == v.at("akad"));
            const auto r = tapekey::read_kad(u);
            REQUIRE(r.id);
            CHECK(*r.id == id);
        } else {
            CHECK(tapekey::read_kad(u).kind == tapekey::KadReading::Kind::foreign);
        }
    }
}

TEST_CASE("bundle vectors: each item sealed exactly as the independent implementation, and the whole bundle") {
    const auto escrow = load_vectors("escrow/escrow.vec").at(0);
    tapekey::EscrowPublicKey pub{};
    const auto p = escrow.hex("public");
    std::copy(p.begin(), p.end(), pub.begin());
    const auto priv = tapekey::SecretBytes::copy_of(escrow.hex("private"));
    std::size_t items = 0;
    for (const auto& v : load_vectors("bundle/bundle.vec")) {
        CAPTURE(v.name());
        if (v.section == "items") {
            tapekey::test::FixedRng rng(v.hex("ephemeral"));
            const auto type = static_cast<tapekey::BundleItemType>(v.number("type"));
            const auto it = tapekey::seal_item(pub, type, v.at("metadata"), v.hex("payload"), rng);
            CHECK(hex_of(it.sealed) == v.at("sealed"));
            const auto opened = tapekey::open_item(it, priv, v.name());
            CHECK(hex_of(opened.expose()) == v.at("payload"));
            ++items;
        } else {
            const auto bytes = v.hex("bytes");
            const auto b = tapekey::Bundle::parse(bytes, v.name());
            CHECK(b.digest() == v.at("digest"));
            CHECK(b.to_bytes() == bytes);
            REQUIRE(b.items.size() == 3);
            for (const auto& it : b.items) {
                CHECK(tapekey::open_item(it, tapekey::SecretBytes::copy_of(v.hex("escrow_private")), "item").size() == 32);
            }
        }
    }
    CHECK(items == 3);
}

TEST_CASE("keyring vectors: a keyring written by the independent implementation opens") {
    const auto v = load_vectors("keyring/keyring.vec").at(0);
    std::string t = (fs::temp_directory_path() / "tapekey-kv-XXXXXX").string();
    const fs::path dir = ::mkdtemp(t.data());
    const auto home = tapekey::Home::locate(dir);
    std::string mk_file = v.at("machine_key_file");
    for (std::size_t at; (at = mk_file.find("\\n")) != std::string::npos;) {
        mk_file.replace(at, 2, "\n");
    }
    std::ofstream(home.machine_key()) << mk_file;
    std::ofstream(home.keyring()) << v.at("keyring_text") << "\n";
    ::chmod(home.machine_key().c_str(), 0600);
    ::chmod(home.keyring().c_str(), 0600);
    const auto mk = tapekey::load_machine_key(home, [] { return tapekey::SecretBytes(); });
    CHECK(hex_of(mk.expose()) == v.at("machine_key"));
    const auto kr = tapekey::Keyring::load(home, mk);
    REQUIRE(kr.generations.size() == 2);
    CHECK(hex_of(kr.generations[0].key.expose()) == v.at("key1"));
    CHECK(hex_of(kr.generations[1].key.expose()) == v.at("key2"));
    CHECK(kr.generations[0].state == tapekey::GenerationState::deactivated);
    CHECK(kr.active() == &kr.generations[1]);
    fs::remove_all(dir);
}
