// Conformance of the software drive (emu/core) to SPC-4/SSC-4 and to the
// vendor behaviour in ssc-encryption.md: state transitions, unit attentions,
// the SPOUT rejections with their field pointers, blocks really encrypted
// (right key, no key, wrong key, damage), MIXED across a clear and an
// encrypted cartridge, clear-on-demount, the personas and the HP lockout.
#include <doctest/doctest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/emulator.h"
#include "drive/pages.h"
#include "drive/sense.h"
#include "tapekey/error.h"

using namespace tapekey;
using tapeemu::Emulator;
using tapeemu::Persona;
using tapeemu::Result;

namespace {

using Bytes = std::vector<std::uint8_t>;

Result run(Emulator& e, std::initializer_list<std::uint8_t> cdb, std::span<const std::uint8_t> out = {},
           std::uint32_t alloc = 65536) {
    const Bytes c(cdb);
    return e.execute(c, out, alloc);
}

Result run(Emulator& e, const scsi::Cdb12& cdb, std::span<const std::uint8_t> out = {}) {
    return e.execute(cdb, out, 65536);
}

scsi::Sense sense_of(const Result& r) {
    REQUIRE(r.status == tapeemu::status_check_condition);
    const auto s = scsi::decode_sense(r.sense);
    REQUIRE(s.has_value());
    return *s;
}

void expect_sense(const Result& r, std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
    const auto s = sense_of(r);
    CHECK_MESSAGE(s.is(key, asc, ascq), scsi::describe(s).message);
}

void expect_good(const Result& r) {
    if (r.status != tapeemu::status_good) {
        FAIL_CHECK("CHECK CONDITION: " << scsi::describe(sense_of(r)).message);
    }
}

Result spin(Emulator& e, std::uint16_t page, std::uint8_t protocol = scsi::protocol_tde) {
    return run(e, scsi::spin_cdb(protocol, page, 8192));
}

EncryptionStatus status(Emulator& e) {
    const auto r = spin(e, scsi::page_status);
    expect_good(r);
    return scsi::decode_status(r.data_in);
}

NextBlockStatus next_block(Emulator& e) {
    const auto r = spin(e, scsi::page_next_block);
    expect_good(r);
    return scsi::decode_next_block(r.data_in);
}

Bytes key_of(std::uint8_t seed) {
    Bytes k(32);
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(seed + i);
    }
    return k;
}

Bytes text(const std::string& s) {
    return {s.begin(), s.end()};
}

Result spout(Emulator& e, const scsi::SetDataEncryption& p, const Bytes& key) {
    const auto page = scsi::encode_set_data_encryption(p, key);
    return run(
        e, scsi::spout_cdb(scsi::protocol_tde, scsi::page_set_data_encryption, static_cast<std::uint32_t>(page.size())),
        page.expose());
}

scsi::SetDataEncryption params(EncryptionMode em, DecryptionMode dm, const std::string& ukad = {}) {
    scsi::SetDataEncryption p;
    p.encryption = em;
    p.decryption = dm;
    p.algorithm_index = 1;
    if (!ukad.empty()) {
        p.kads.push_back(Kad{0, 0, text(ukad)});
    }
    return p;
}

void load(Emulator& e, const Bytes& key, DecryptionMode dm = DecryptionMode::mixed, const std::string& ukad = {}) {
    expect_good(spout(e, params(EncryptionMode::encrypt, dm, ukad), key));
}

void clear(Emulator& e) {
    expect_good(spout(e, params(EncryptionMode::disable, DecryptionMode::disable), {}));
}

// A drive with cartridge `name` loaded and its unit attention consumed.
Emulator ready_drive(Persona p = Persona::hp_lto4, const std::string& name = "TAPE01", bool lto3 = false) {
    Emulator e(p);
    e.insert(name, lto3);
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::unit_attention, 0x28, 0x00);
    expect_good(run(e, {0x00, 0, 0, 0, 0, 0}));
    return e;
}

Result write_block(Emulator& e, const Bytes& data) {
    const auto n = static_cast<std::uint8_t>(data.size());
    return run(e, {0x0A, 0, 0, static_cast<std::uint8_t>(data.size() >> 8), n, 0}, data);
}

Result read_block(Emulator& e, std::uint32_t length = 1024) {
    return run(e, {0x08, 0x02, static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 8),
                   static_cast<std::uint8_t>(length), 0});
}

void rewind(Emulator& e) {
    expect_good(run(e, {0x01, 0, 0, 0, 0, 0}));
}

Bytes block_data(int i) {
    return text("block " + std::to_string(i) + " of the backup");
}

}  // namespace

TEST_CASE("emulator: INQUIRY standard data and VPD pages 00h, 80h, 83h") {
    Emulator e;
    auto r = run(e, {0x12, 0, 0, 0, 96, 0});
    expect_good(r);
    REQUIRE(r.data_in.size() == 36);
    CHECK(r.data_in[0] == 0x01);  // sequential-access device
    CHECK((r.data_in[1] & 0x80) != 0);
    CHECK(std::string(r.data_in.begin() + 8, r.data_in.begin() + 16) == "TAPEKEY ");
    r = run(e, {0x12, 1, 0x00, 0, 255, 0});
    expect_good(r);
    CHECK(Bytes(r.data_in.begin() + 4, r.data_in.end()) == Bytes{0x00, 0x80, 0x83});
    r = run(e, {0x12, 1, 0x80, 0, 255, 0});
    expect_good(r);
    CHECK(r.data_in[1] == 0x80);
    CHECK(r.data_in[3] == 10);
    r = run(e, {0x12, 1, 0x83, 0, 255, 0});
    expect_good(r);
    CHECK(r.data_in[5] == 0x01);  // T10 vendor ID designator
    expect_sense(run(e, {0x12, 1, 0xB0, 0, 255, 0}), scsi::illegal_request, 0x24, 0x00);
    CHECK(sense_of(run(e, {0x12, 1, 0xB0, 0, 255, 0})).field == 2);
    // Allocation length cuts the data.
    CHECK(run(e, {0x12, 0, 0, 0, 5, 0}).data_in.size() == 5);
}

TEST_CASE("emulator: no medium, insert, unit attention once, load and unload") {
    Emulator e;
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::not_ready, 0x3A, 0x00);
    expect_sense(spin(e, scsi::page_next_block), scsi::not_ready, 0x3A, 0x00);
    auto rs = run(e, {0x03, 0, 0, 0, 18, 0});
    expect_good(rs);
    CHECK(scsi::decode_sense(rs.data_in)->is(scsi::not_ready, 0x3A, 0));
    // DES and capabilities work without a tape.
    expect_good(spin(e, scsi::page_status));
    expect_good(spin(e, scsi::page_capabilities));

    e.insert("TAPE01", false);
    CHECK_THROWS_AS(e.insert("TAPE02", false), Error);
    expect_good(run(e, {0x12, 0, 0, 0, 36, 0}));  // INQUIRY does not report it
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::unit_attention, 0x28, 0x00);
    expect_good(run(e, {0x00, 0, 0, 0, 0, 0}));  // only once

    expect_good(run(e, {0x1B, 0, 0, 0, 0x00, 0}));  // UNLOAD
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::not_ready, 0x04, 0x02);
    expect_good(run(e, {0x1B, 0, 0, 0, 0x01, 0}));  // LOAD
    expect_good(run(e, {0x00, 0, 0, 0, 0, 0}));
    e.eject();
    CHECK(!e.loaded_cartridge());
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::not_ready, 0x3A, 0x00);
}

TEST_CASE("emulator: REQUEST SENSE returns the unit attention, in fixed or descriptor format") {
    Emulator e;
    e.insert("TAPE01", false);
    auto r = run(e, {0x03, 0x01, 0, 0, 252, 0});  // DESC = 1
    expect_good(r);
    CHECK(r.data_in[0] == 0x72);
    CHECK(scsi::decode_sense(r.data_in)->is(scsi::unit_attention, 0x28, 0));
    r = run(e, {0x03, 0, 0, 0, 252, 0});
    CHECK(r.data_in[0] == 0x70);
    CHECK(scsi::decode_sense(r.data_in)->is(scsi::no_sense, 0, 0));
}

TEST_CASE("emulator: READ BLOCK LIMITS, MODE SENSE(6)/(10), READ POSITION, SPACE, filemarks") {
    auto e = ready_drive();
    auto r = run(e, {0x05, 0, 0, 0, 0, 0});
    expect_good(r);
    CHECK(r.data_in.size() == 6);
    CHECK(r.data_in[5] == 1);
    r = run(e, {0x1A, 0, 0x00, 0, 12, 0});  // what st sends at open
    expect_good(r);
    CHECK(r.data_in.size() == 12);
    CHECK(r.data_in[3] == 8);                              // one block descriptor
    CHECK(r.data_in[4] == 0x46);                           // LTO-4 density
    r = run(e, {0x5A, 0x08, 0x0F, 0, 0, 0, 0, 0, 64, 0});  // DBD, compression page
    expect_good(r);
    CHECK(r.data_in[7] == 0);
    CHECK(r.data_in[8] == 0x0F);
    expect_sense(run(e, {0x1A, 0, 0x25, 0, 255, 0}), scsi::illegal_request, 0x24, 0);

    for (int i = 0; i < 3; ++i) {
        expect_good(write_block(e, block_data(i)));
    }
    expect_good(run(e, {0x10, 0, 0, 0, 1, 0}));  // one filemark
    expect_good(write_block(e, block_data(3)));
    r = run(e, {0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    expect_good(r);
    CHECK(r.data_in.size() == 20);
    CHECK(r.data_in[7] == 5);
    rewind(e);
    r = run(e, {0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    CHECK((r.data_in[0] & 0x80) != 0);  // BOP

    // SPACE 5 blocks stops after the filemark with residue 2.
    auto s = sense_of(run(e, {0x11, 0x00, 0, 0, 5, 0}));
    CHECK(s.filemark);
    CHECK(s.information == 2u);
    CHECK(e.position() == 4);
    CHECK(next_block(e).encryption == BlockEncryption::clear);
    // SPACE -1 block crosses the filemark backwards.
    s = sense_of(run(e, {0x11, 0x00, 0xFF, 0xFF, 0xFF, 0}));
    CHECK(s.filemark);
    CHECK(e.position() == 3);
    CHECK(next_block(e).encryption == BlockEncryption::not_a_block);
    expect_good(run(e, {0x11, 0x03, 0, 0, 0, 0}));  // to end of data
    CHECK(e.position() == 5);
    CHECK(next_block(e).encryption == BlockEncryption::not_yet);
    expect_sense(read_block(e), scsi::blank_check, 0x00, 0x05);
    rewind(e);
    expect_good(run(e, {0x11, 0x01, 0, 0, 1, 0}));  // one filemark forward
    CHECK(e.position() == 4);
    rewind(e);
    s = sense_of(run(e, {0x11, 0x00, 0xFF, 0xFF, 0xFF, 0}));
    CHECK(s.eom);  // beginning of partition
}

TEST_CASE("emulator: READ(6) length mismatch reports ILI with the residue") {
    auto e = ready_drive();
    expect_good(write_block(e, block_data(0)));  // 21 bytes
    rewind(e);
    auto r = run(e, {0x08, 0x00, 0, 0, 8, 0});  // SILI 0, 8 bytes asked
    const auto s = sense_of(r);
    CHECK(s.ili);
    CHECK(s.information == static_cast<std::uint32_t>(8 - 21));
    CHECK(r.data_in.size() == 8);
    rewind(e);
    r = read_block(e, 100);  // SILI 1: a shorter block is fine
    expect_good(r);
    CHECK(r.data_in == block_data(0));
}

TEST_CASE("emulator: security protocol pages without a key") {
    auto e = ready_drive();
    auto r = spin(e, 0x0000, scsi::protocol_info);
    expect_good(r);
    CHECK(scsi::decode_protocol_list(r.data_in) == Bytes{0x00, 0x20});
    r = spin(e, scsi::page_in_support);
    CHECK(scsi::decode_page_list(r.data_in, 0).size() == 7);
    r = spin(e, scsi::page_capabilities);
    const auto caps = scsi::decode_capabilities(r.data_in);
    REQUIRE(caps.aes_gcm() != nullptr);
    CHECK(caps.aes_gcm()->index == 1);
    CHECK(caps.aes_gcm()->avfmv);
    CHECK(caps.cfg_p == 1);
    CHECK(scsi::decode_management_capabilities(spin(e, scsi::page_management_capabilities).data_in).ckod_c);
    CHECK(scsi::decode_key_formats(spin(e, scsi::page_key_formats).data_in) == Bytes{0});
    const auto st = status(e);
    CHECK(st.encryption == EncryptionMode::disable);
    CHECK(st.key_instance_counter == 0);
    expect_sense(spin(e, 0x0030), scsi::illegal_request, 0x24, 0);
    // SPIN with a small allocation length gets the start of the page.
    CHECK(run(e, scsi::spin_cdb(scsi::protocol_tde, scsi::page_capabilities, 4)).data_in.size() == 4);
    auto inc512 = scsi::spin_cdb(scsi::protocol_tde, scsi::page_status, 64);
    inc512[4] = 0x80;
    CHECK(sense_of(run(e, inc512)).field == 4);
}

TEST_CASE("emulator: set data encryption is reflected in the status page") {
    auto e = ready_drive();
    load(e, key_of(1), DecryptionMode::mixed, "tape-key-2024");
    auto st = status(e);
    CHECK(st.encryption == EncryptionMode::encrypt);
    CHECK(st.decryption == DecryptionMode::mixed);
    CHECK(st.algorithm_index == 1);
    CHECK(st.key_instance_counter == 1);
    CHECK(st.it_nexus_scope == 2);
    REQUIRE(st.kads.size() == 1);
    CHECK(st.kads[0].data == text("tape-key-2024"));
    load(e, key_of(2), DecryptionMode::decrypt);
    st = status(e);
    CHECK(st.key_instance_counter == 2);
    CHECK(st.kads.empty());
    clear(e);
    st = status(e);
    CHECK(st.encryption == EncryptionMode::disable);
    CHECK(st.decryption == DecryptionMode::disable);
    CHECK(st.algorithm_index == 0);
}

TEST_CASE("emulator: SPOUT rejections name the field (05/26/00 with a pointer)") {
    auto e = ready_drive();
    const auto field_of = [&](const scsi::SetDataEncryption& p, const Bytes& key) {
        const auto s = sense_of(spout(e, p, key));
        CHECK(s.is(scsi::illegal_request, 0x26, 0x00));
        CHECK(s.sksv);
        CHECK(!s.command);
        return s.field;
    };
    auto p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.algorithm_index = 0;  // HP rejects index 0 (stenc PR #28)
    CHECK(field_of(p, key_of(1)) == 8);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    CHECK(field_of(p, Bytes(16, 1)) == 18);  // 128-bit key
    CHECK(field_of(p, {}) == 18);            // key required
    p.key_format = 2;
    CHECK(field_of(p, key_of(1)) == 9);
    p = params(EncryptionMode::external, DecryptionMode::decrypt);
    CHECK(field_of(p, key_of(1)) == 6);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed, std::string(33, 'u'));  // U-KAD > 32
    CHECK(field_of(p, key_of(1)) == 20 + 32 + 2);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.kads.push_back(Kad{1, 0, Bytes(13, 'a')});  // A-KAD > 12
    CHECK(field_of(p, key_of(1)) == 54);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.kads = {Kad{1, 0, text("a")}, Kad{0, 0, text("u")}};  // A before U
    CHECK(field_of(p, key_of(1)) == 57);
    p = params(EncryptionMode::disable, DecryptionMode::disable, "label");  // KAD without ENCRYPT
    CHECK(field_of(p, {}) == 20);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.sdk = true;
    CHECK(field_of(p, key_of(1)) == 5);
    p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.lock = true;
    CHECK(field_of(p, key_of(1)) == 4);
    CHECK(status(e).key_instance_counter == 0);  // nothing was changed by any of them

    // Page length and transfer length must agree.
    auto page = scsi::encode_set_data_encryption(params(EncryptionMode::disable, DecryptionMode::disable), {});
    Bytes bad(page.expose().begin(), page.expose().end());
    bad[3] = 0x20;
    CHECK(sense_of(run(e, scsi::spout_cdb(0x20, 0x10, 20), bad)).field == 2);
    expect_sense(run(e, scsi::spout_cdb(0x20, 0x10, 24), bad), scsi::illegal_request, 0x1A, 0);
    expect_sense(run(e, scsi::spout_cdb(0x20, 0x11, 20), bad), scsi::illegal_request, 0x24, 0);
}

TEST_CASE("emulator: reserved bits are checked in strict mode only (stenc 1.0.7 sends garbage in a KAD)") {
    auto e = ready_drive();
    const auto p = params(EncryptionMode::encrypt, DecryptionMode::mixed, "Test Key 2026-11");
    const auto page = scsi::encode_set_data_encryption(p, key_of(3));
    Bytes b(page.expose().begin(), page.expose().end());
    b[53] = 0x38;  // KAD byte 1: reserved bits set, as stenc 1.0.7 was seen to send
    const auto cdb = scsi::spout_cdb(0x20, 0x10, static_cast<std::uint32_t>(b.size()));
    const auto s = sense_of(run(e, cdb, b));
    CHECK(s.field == 53);
    b[12] = 0x01;  // reserved byte 12
    CHECK(sense_of(run(e, cdb, b)).field == 12);
    e.set_strict(false);
    expect_good(run(e, cdb, b));
    CHECK(status(e).kads.at(0).data == text("Test Key 2026-11"));
}

TEST_CASE("emulator: encrypted blocks read back with the right key, fail without it or with another") {
    auto e = ready_drive();
    load(e, key_of(7), DecryptionMode::decrypt, "gen-7");
    for (int i = 0; i < 3; ++i) {
        expect_good(write_block(e, block_data(i)));
    }
    const auto* c = e.cartridge("TAPE01");
    REQUIRE(c != nullptr);
    REQUIRE(c->blocks.size() == 3);
    CHECK(c->blocks[0].encrypted);
    // Really encrypted: the stored bytes are not the data, and 16 longer (tag).
    CHECK(c->blocks[0].payload.size() == block_data(0).size() + 16);
    CHECK(std::search(c->blocks[0].payload.begin(), c->blocks[0].payload.end(), block_data(0).begin(),
                      block_data(0).end()) == c->blocks[0].payload.end());
    CHECK(status(e).vcelb);

    rewind(e);
    auto nb = next_block(e);
    CHECK(nb.encryption == BlockEncryption::decryptable);
    CHECK(nb.ukad() == text("gen-7"));
    for (int i = 0; i < 3; ++i) {
        const auto r = read_block(e);
        expect_good(r);
        CHECK(r.data_in == block_data(i));
    }

    rewind(e);
    clear(e);
    nb = next_block(e);
    CHECK(nb.encryption == BlockEncryption::needs_key);
    CHECK(nb.ukad() == text("gen-7"));
    auto r = read_block(e);
    expect_sense(r, scsi::data_protect, 0x74, 0x01);
    CHECK(r.data_in.empty());
    CHECK(e.position() == 0);

    load(e, key_of(8), DecryptionMode::mixed);  // another key
    CHECK(next_block(e).encryption == BlockEncryption::needs_key);
    r = read_block(e);
    expect_sense(r, scsi::data_protect, 0x74, 0x03);
    CHECK(r.data_in.empty());

    load(e, key_of(7), DecryptionMode::mixed);
    // A damaged block: the right key, but the tag does not verify.
    const_cast<tapeemu::Cartridge*>(c)->blocks[1].payload[0] ^= 1;
    expect_good(read_block(e));
    expect_sense(read_block(e), scsi::data_protect, 0x74, 0x04);
}

TEST_CASE("emulator: MIXED reads a clear and an encrypted cartridge; DECRYPT refuses clear blocks") {
    Emulator e = ready_drive(Persona::hp_lto4, "CLEAR1");
    expect_good(write_block(e, block_data(0)));
    e.eject();
    e.insert("CRYPT1", false);
    (void)run(e, {0x00, 0, 0, 0, 0, 0});  // unit attention
    load(e, key_of(9), DecryptionMode::mixed, "gen-9");
    expect_good(write_block(e, block_data(1)));
    rewind(e);
    auto r = read_block(e);
    expect_good(r);
    CHECK(r.data_in == block_data(1));
    e.eject();
    e.insert("CLEAR1", false);
    (void)run(e, {0x00, 0, 0, 0, 0, 0});
    CHECK(next_block(e).encryption == BlockEncryption::clear);
    r = read_block(e);
    expect_good(r);
    CHECK(r.data_in == block_data(0));
    rewind(e);
    load(e, key_of(9), DecryptionMode::decrypt);
    expect_sense(read_block(e), scsi::data_protect, 0x74, 0x02);
}

TEST_CASE("emulator: HP persona locks after ten wrong-key reads until the cartridge is reloaded") {
    auto e = ready_drive();
    load(e, key_of(1), DecryptionMode::mixed);
    expect_good(write_block(e, block_data(0)));
    load(e, key_of(2), DecryptionMode::mixed);
    for (std::uint32_t i = 1; i <= tapeemu::wrong_key_limit; ++i) {
        rewind(e);
        expect_sense(read_block(e), scsi::data_protect, 0x74, 0x03);
        CHECK(e.wrong_key_reads() == i);
    }
    CHECK(e.locked_out());
    rewind(e);
    expect_sense(read_block(e), scsi::data_protect, 0x26, 0x10);
    expect_sense(spout(e, params(EncryptionMode::encrypt, DecryptionMode::mixed), key_of(1)), scsi::data_protect, 0x26,
                 0x10);
    expect_good(run(e, {0x1B, 0, 0, 0, 0x00, 0}));  // unload
    expect_good(run(e, {0x1B, 0, 0, 0, 0x01, 0}));  // load
    CHECK(!e.locked_out());
    load(e, key_of(1), DecryptionMode::mixed);
    expect_good(read_block(e));
}

TEST_CASE("emulator: a successful read resets the wrong-key count") {
    auto e = ready_drive();
    load(e, key_of(1), DecryptionMode::mixed);
    expect_good(write_block(e, block_data(0)));
    for (int round = 0; round < 3; ++round) {
        load(e, key_of(2), DecryptionMode::mixed);
        for (int i = 0; i < 9; ++i) {
            rewind(e);
            expect_sense(read_block(e), scsi::data_protect, 0x74, 0x03);
        }
        load(e, key_of(1), DecryptionMode::mixed);
        rewind(e);
        expect_good(read_block(e));
        CHECK(e.wrong_key_reads() == 0);
    }
}

TEST_CASE("emulator: IBM persona refuses mixing clear and encrypted blocks on one cartridge") {
    auto ibm = ready_drive(Persona::ibm_lto4);
    expect_good(write_block(ibm, block_data(0)));
    load(ibm, key_of(1));
    expect_sense(write_block(ibm, block_data(1)), scsi::data_protect, 0x74, 0x00);
    rewind(ibm);
    expect_good(write_block(ibm, block_data(2)));  // at BOT the first write decides
    CHECK(ibm.cartridge("TAPE01")->blocks.at(0).encrypted);

    auto hp = ready_drive(Persona::hp_lto4);
    expect_good(write_block(hp, block_data(0)));
    load(hp, key_of(1));
    expect_good(write_block(hp, block_data(1)));
    CHECK(!hp.cartridge("TAPE01")->blocks[0].encrypted);
    CHECK(hp.cartridge("TAPE01")->blocks[1].encrypted);
}

TEST_CASE("emulator: an LTO-3 cartridge in an LTO-4 drive is written in clear, and the drive says so") {
    auto e = ready_drive(Persona::hp_lto4, "LTO3-01", true);
    const auto caps = scsi::decode_capabilities(spin(e, scsi::page_capabilities).data_in);
    CHECK(!caps.aes_gcm()->avfmv);
    CHECK(caps.aes_gcm()->avfclp == 1);
    load(e, key_of(1));  // accepted, as a real drive does
    CHECK(status(e).encryption == EncryptionMode::encrypt);
    expect_good(write_block(e, block_data(0)));
    CHECK(!e.cartridge("LTO3-01")->blocks[0].encrypted);
    rewind(e);
    CHECK(next_block(e).encryption == BlockEncryption::unknown);
    CHECK(run(e, {0x1A, 0, 0, 0, 12, 0}).data_in[4] == 0x44);
}

TEST_CASE("emulator: a drive without encryption answers invalid operation code") {
    auto e = ready_drive(Persona::no_encryption);
    expect_sense(spin(e, scsi::page_status), scsi::illegal_request, 0x20, 0x00);
    expect_sense(spout(e, params(EncryptionMode::disable, DecryptionMode::disable), {}), scsi::illegal_request, 0x20,
                 0x00);
    expect_good(write_block(e, block_data(0)));
}

TEST_CASE("emulator: clear key on demount; CKOD needs a mounted volume") {
    Emulator empty;
    auto p = params(EncryptionMode::encrypt, DecryptionMode::mixed);
    p.ckod = true;
    const auto s = sense_of(spout(empty, p, key_of(1)));
    CHECK(s.field == 5);
    CHECK(s.bit_pointer == std::uint8_t{2});

    auto e = ready_drive();
    expect_good(spout(e, p, key_of(1)));
    CHECK(status(e).encryption == EncryptionMode::encrypt);
    expect_good(run(e, {0x1B, 0, 0, 0, 0x00, 0}));  // unload
    expect_sense(run(e, {0x00, 0, 0, 0, 0, 0}), scsi::unit_attention, 0x2A, 0x12);
    CHECK(status(e).encryption == EncryptionMode::disable);

    // Without CKOD the key survives a cartridge change (pitfall P13).
    auto k = ready_drive();
    load(k, key_of(1));
    k.eject();
    k.insert("TAPE02", false);
    (void)run(k, {0x00, 0, 0, 0, 0, 0});
    CHECK(status(k).encryption == EncryptionMode::encrypt);
}

TEST_CASE("emulator: power cycle clears the key and raises 29/00 once") {
    auto e = ready_drive();
    load(e, key_of(1));
    e.power_cycle();
    expect_sense(spin(e, scsi::page_status), scsi::unit_attention, 0x29, 0x00);
    CHECK(status(e).encryption == EncryptionMode::disable);
}

TEST_CASE("emulator: the whole state survives serialize and deserialize") {
    auto e = ready_drive();
    load(e, key_of(5), DecryptionMode::mixed, "gen-5");
    expect_good(write_block(e, block_data(0)));
    e.eject();
    e.insert("TAPE02", true);
    const auto snap = e.serialize();
    auto f = Emulator::deserialize(snap.state, snap.key.clone());
    CHECK(f.serialize().state == snap.state);
    CHECK(f.serialize().key == snap.key);
    expect_sense(run(f, {0x00, 0, 0, 0, 0, 0}), scsi::unit_attention, 0x28, 0x00);
    f.eject();
    f.insert("TAPE01", false);
    (void)run(f, {0x00, 0, 0, 0, 0, 0});
    const auto r = read_block(f);
    expect_good(r);  // the key came along
    CHECK(r.data_in == block_data(0));
    Bytes broken = snap.state;
    broken.pop_back();
    CHECK_THROWS_AS((void)Emulator::deserialize(broken, {}), Error);
    broken[0] = 'X';
    CHECK_THROWS_AS((void)Emulator::deserialize(broken, {}), Error);
}

TEST_CASE("emulator: malformed and unknown commands") {
    Emulator e;
    expect_sense(run(e, {0xC7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), scsi::illegal_request, 0x20, 0x00);
    expect_sense(run(e, {0xA2, 0x20}), scsi::illegal_request, 0x24, 0x00);  // short CDB
    expect_sense(run(e, {0x00, 0, 0}), scsi::illegal_request, 0x24, 0x00);
    expect_sense(run(e, scsi::spin_cdb(0x40, 0, 64)), scsi::illegal_request, 0x24, 0x00);
}

namespace {

// MODE SENSE(10) of page 10h with page control pc.
scsi::DeviceConfiguration sense_dc(Emulator& e, std::uint8_t pc) {
    const auto cdb = scsi::mode_sense10_cdb(scsi::mode_page_device_configuration, pc, 64);
    const auto r = e.execute(cdb, {}, 64);
    expect_good(r);
    return scsi::decode_device_configuration(r.data_in);
}

Result select_dc(Emulator& e, const Bytes& list) {
    return e.execute(scsi::mode_select10_cdb(static_cast<std::uint16_t>(list.size())), list, 0);
}

Result set_asocwp(Emulator& e, bool on) {
    return select_dc(e, scsi::encode_device_configuration_select(sense_dc(e, 0), on));
}

}  // namespace

TEST_CASE("emulator: ASOCWP refuses writes to the mounted cartridge until it is unloaded (07/27/03)") {
    Emulator e = ready_drive();
    expect_good(write_block(e, block_data(0)));
    CHECK(sense_dc(e, 1).asocwp());  // changeable
    CHECK(sense_dc(e, 1).swp());
    CHECK(!sense_dc(e, 0).wp());
    expect_good(set_asocwp(e, true));
    const auto now = sense_dc(e, 0);
    CHECK(now.asocwp());
    CHECK(now.wp());
    CHECK(!now.swp());
    expect_sense(write_block(e, block_data(1)), scsi::data_protect, 0x27, 0x03);
    expect_sense(run(e, {0x10, 0, 0, 0, 1, 0}), scsi::data_protect, 0x27, 0x03);  // WRITE FILEMARKS
    rewind(e);
    expect_good(read_block(e));  // reading is untouched
    CHECK(e.cartridge("TAPE01")->blocks.size() == 1);
    // Survives serialization (the state file between commands).
    auto snap = e.serialize();
    Emulator f = Emulator::deserialize(snap.state, snap.key.clone());
    CHECK(f.associated_write_protect());
    // Unload and load: gone.
    expect_good(run(f, {0x1B, 0, 0, 0, 0, 0}));
    expect_good(run(f, {0x1B, 0, 0, 0, 1, 0}));
    CHECK(!sense_dc(f, 0).asocwp());
    expect_good(write_block(f, block_data(1)));
    // Lifted by the host without unloading.
    expect_good(set_asocwp(f, true));
    expect_good(set_asocwp(f, false));
    expect_good(write_block(f, block_data(2)));
    // Ejecting also ends it.
    expect_good(set_asocwp(f, true));
    f.eject();
    f.insert("TAPE01", false);
    CHECK(!f.associated_write_protect());
}

TEST_CASE("emulator: SWP protects every cartridge until cleared or power-cycled (07/27/02)") {
    Emulator e = ready_drive();
    auto current = sense_dc(e, 0);
    auto list = scsi::encode_device_configuration_select(current, false);
    list[scsi::mode_header10_size + 10] |= 0x04;  // SWP
    expect_good(select_dc(e, list));
    CHECK(sense_dc(e, 0).swp());
    CHECK(sense_dc(e, 0).wp());
    expect_sense(write_block(e, block_data(0)), scsi::data_protect, 0x27, 0x02);
    e.eject();
    e.insert("TAPE02", false);
    expect_sense(write_block(e, block_data(0)), scsi::unit_attention, 0x28, 0x00);
    expect_sense(write_block(e, block_data(0)), scsi::data_protect, 0x27, 0x02);
    e.power_cycle();
    (void)run(e, {0x00, 0, 0, 0, 0, 0});  // the 29/00 unit attention
    CHECK(!sense_dc(e, 0).swp());
    expect_good(write_block(e, block_data(0)));
}

TEST_CASE("emulator: MODE SELECT refusals name the byte; a drive without ASOCWP refuses it") {
    Emulator e = ready_drive();
    const auto good = scsi::encode_device_configuration_select(sense_dc(e, 0), true);
    struct Case {
        const char* what;
        std::size_t at;
        std::uint8_t value;
        std::size_t field;
    };
    for (const Case& c : {Case{"PS set", 8, 0x90, 8}, Case{"page 0Fh", 8, 0x0F, 8}, Case{"page length", 9, 0x0A, 9},
                          Case{"block descriptor length 4", 7, 0x04, 6},
                          Case{"a field that is not changeable (EEG)", 18, 0x10, 18},
                          Case{"PERSWP, not changeable", 23, 0x06, 23}}) {
        CAPTURE(c.what);
        auto list = good;
        list[c.at] = c.value;
        const auto r = select_dc(e, list);
        const auto s = sense_of(r);
        CHECK(s.is(scsi::illegal_request, 0x26, 0x00));
        CHECK(s.field == c.field);
        CHECK(!s.command);
    }
    // CDB: SP set, PF clear (strict), list length not matching the data.
    auto cdb = scsi::mode_select10_cdb(static_cast<std::uint16_t>(good.size()));
    cdb[1] = 0x11;
    expect_sense(e.execute(cdb, good, 0), scsi::illegal_request, 0x24, 0x00);
    cdb[1] = 0x00;
    expect_sense(e.execute(cdb, good, 0), scsi::illegal_request, 0x24, 0x00);
    cdb[1] = 0x10;
    cdb[8] = static_cast<std::uint8_t>(good.size() - 1);
    expect_sense(e.execute(cdb, good, 0), scsi::illegal_request, 0x1A, 0x00);
    CHECK(!e.associated_write_protect());
    // MODE SELECT(6) with its 4-byte header works the same.
    Bytes six(good.begin() + 4, good.end());
    six[0] = six[1] = six[3] = 0;
    six[2] = 0x10;
    expect_good(run(e, {0x15, 0x10, 0, 0, static_cast<std::uint8_t>(six.size()), 0}, six));
    CHECK(e.associated_write_protect());
    // No cartridge: ASOCWP has nothing to belong to.
    e.eject();
    expect_sense(select_dc(e, good), scsi::not_ready, 0x3A, 0x00);

    Emulator plain(Persona::hp_lto4, true, false);
    plain.insert("TAPE01", false);
    (void)run(plain, {0x00, 0, 0, 0, 0, 0});
    CHECK(!sense_dc(plain, 1).asocwp());
    const auto r = set_asocwp(plain, true);
    CHECK(sense_of(r).is(scsi::illegal_request, 0x26, 0x00));
    CHECK(sense_of(r).field == 23);
    expect_good(write_block(plain, block_data(0)));
}

TEST_CASE("emulator: TapeAlert flag 9 after a refused write, cleared when the page is read") {
    Emulator e = ready_drive();
    const auto log_sense = [&](std::uint8_t page) {
        return e.execute(scsi::log_sense_cdb(page, scsi::tape_alert_allocation), {}, scsi::tape_alert_allocation);
    };
    auto r = log_sense(scsi::log_page_supported);
    expect_good(r);
    CHECK(r.data_in == Bytes{0x00, 0x00, 0x00, 0x02, 0x00, 0x2E});
    r = log_sense(scsi::log_page_tape_alert);
    expect_good(r);
    CHECK(scsi::decode_tape_alert(r.data_in).empty());
    expect_good(set_asocwp(e, true));
    expect_sense(write_block(e, block_data(0)), scsi::data_protect, 0x27, 0x03);
    // Kept across the state file.
    auto snap = e.serialize();
    Emulator f = Emulator::deserialize(snap.state, snap.key.clone());
    CHECK(f.tape_alerts() == (std::uint64_t{1} << 8));
    r = log_sense(scsi::log_page_tape_alert);
    expect_good(r);
    CHECK(scsi::decode_tape_alert(r.data_in) == std::vector<unsigned>{9});
    r = log_sense(scsi::log_page_tape_alert);
    CHECK(scsi::decode_tape_alert(r.data_in).empty());
    // Another page, SP, a parameter pointer: refused naming the byte.
    expect_sense(log_sense(0x0C), scsi::illegal_request, 0x24, 0x00);
    auto cdb = scsi::log_sense_cdb(scsi::log_page_tape_alert, 64);
    cdb[1] = 0x01;
    CHECK(sense_of(e.execute(cdb, {}, 64)).field == 1);
    cdb[1] = 0x00;
    cdb[6] = 0x01;
    CHECK(sense_of(e.execute(cdb, {}, 64)).field == 5);
}
