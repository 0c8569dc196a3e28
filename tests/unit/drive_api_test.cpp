// The Drive API against the emulator in-process, and its safety rules: the
// algorithm index from the capabilities page, status read back after every
// load, unit attentions retried once, keys never tried by reading, LTO-3
// media never reported as protected, KADs that carry no secret.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>

#include "core/emulator.h"
#include "drive/pages.h"
#include "drive/sense.h"
#include "drive/transport.h"
#include "tapekey/drive.h"
#include "tapekey/error.h"

using namespace tapekey;
using tapeemu::Emulator;
using tapeemu::Persona;

namespace {

using Bytes = std::vector<std::uint8_t>;

// The in-process front end: commands go straight to an Emulator. A hook may
// rewrite or answer a command before the drive sees it.
class MemoryTransport final : public detail::Transport {
public:
    using Hook = std::function<std::optional<detail::Completion>(const detail::Command&)>;
    MemoryTransport(Emulator& e, Hook hook = {}) : m_e(e), m_hook(std::move(hook)) {}
    detail::Completion execute(const detail::Command& c) override {
        ++commands;
        if (m_hook) {
            if (auto r = m_hook(c)) {
                return *r;
            }
        }
        auto r = m_e.execute(c.cdb, c.data_out, static_cast<std::uint32_t>(c.data_in.size()));
        detail::Completion out{r.status, std::min(r.data_in.size(), c.data_in.size()), r.sense};
        std::copy_n(r.data_in.begin(), out.data_in_length, c.data_in.begin());
        return out;
    }
    int commands = 0;

private:
    Emulator& m_e;
    Hook m_hook;
};

// A hook answering commands with operation code `op` as a drive without
// the page they ask for: 05/24/00, invalid field in CDB.
MemoryTransport::Hook invalid_field_for(std::uint8_t op) {
    return [op](const detail::Command& c) -> std::optional<detail::Completion> {
        if (c.cdb[0] != op) {
            return std::nullopt;
        }
        scsi::Sense s;
        s.key = scsi::illegal_request;
        s.asc = 0x24;
        return detail::Completion{detail::status_check_condition, 0, scsi::encode_fixed_sense(s)};
    };
}

Drive drive_on(Emulator& e, MemoryTransport::Hook hook = {}) {
    return Drive(std::make_unique<MemoryTransport>(e, std::move(hook)), "test");
}

SecretBytes key_of(std::uint8_t seed) {
    SecretBytes k(32);
    for (std::size_t i = 0; i < k.size(); ++i) {
        k.expose()[i] = static_cast<std::uint8_t>(seed * 7 + i);
    }
    return k;
}

Bytes text(const std::string& s) {
    return {s.begin(), s.end()};
}

KeyLoad request(const std::string& ukad, DecryptionMode dm = DecryptionMode::mixed) {
    KeyLoad r;
    r.decryption = dm;
    r.ukad = text(ukad);
    return r;
}

void write_block(Emulator& e, const std::string& data) {
    const Bytes d = text(data);
    const Bytes cdb{0x0A, 0, 0, 0, static_cast<std::uint8_t>(d.size()), 0};
    REQUIRE(e.execute(cdb, d, 0).status == tapeemu::status_good);
}

void rewind(Emulator& e) {
    (void)e.execute(Bytes{0x01, 0, 0, 0, 0, 0}, {}, 0);
}

Errc error_of(const std::function<void()>& f, std::string* message = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (message != nullptr) {
            *message = e.what();
        }
        return e.code();
    }
    FAIL("no error");
    return Errc::usage;
}

}  // namespace

TEST_CASE("drive api: load, read back, clear; the unit attention after insert is retried once") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    const auto id = d.identity();
    CHECK(id.device_type == 1);
    CHECK(id.vendor == "TAPEKEY");
    CHECK(id.serial == "TKE4HP0001");
    CHECK(d.supported_pages().size() == 7);
    CHECK(d.key_formats() == Bytes{0});
    auto s = d.load_key(key_of(1), request("gen-1"));
    CHECK(s.encryption == EncryptionMode::encrypt);
    CHECK(s.decryption == DecryptionMode::mixed);
    CHECK(s.key_instance_counter == 1);
    REQUIRE(s.kads.size() == 1);
    CHECK(s.kads[0].data == text("gen-1"));
    CHECK(Drive::writes_encrypted(s, d.capabilities()));
    s = d.clear();
    CHECK(s.encryption == EncryptionMode::disable);
    CHECK(d.status().kads.empty());
}

TEST_CASE("drive api: the algorithm index comes from the capabilities page") {
    Emulator e;
    e.insert("TAPE01", false);
    Bytes sent;
    Drive d = drive_on(e, [&](const detail::Command& c) -> std::optional<detail::Completion> {
        if (c.cdb[0] == scsi::op_spin && c.cdb[3] == 0x10) {  // capabilities: GCM at index 2, CCM at 1
            Capabilities caps;
            caps.cfg_p = 1;
            AlgorithmDescriptor ccm{};
            ccm.index = 1;
            ccm.encrypt_c = ccm.decrypt_c = 2;
            ccm.algorithm = 0x00010010u;
            ccm.key_size = 32;
            AlgorithmDescriptor gcm = ccm;
            gcm.index = 2;
            gcm.algorithm = aes256_gcm_algorithm;
            gcm.max_ukad = 32;
            caps.algorithms = {ccm, gcm};
            const auto page = scsi::encode_capabilities(caps);
            const std::size_t n = std::min(page.size(), c.data_in.size());
            std::copy_n(page.begin(), n, c.data_in.begin());
            return detail::Completion{0, n, {}};
        }
        if (c.cdb[0] == scsi::op_spout) {
            sent.assign(c.data_out.begin(), c.data_out.end());
        }
        return std::nullopt;
    });
    (void)error_of([&] { (void)d.load_key(key_of(1), request("gen-1")); });  // the emulator wants index 1
    REQUIRE(sent.size() > 8);
    CHECK(sent[8] == 2);
}

TEST_CASE("drive api: a load or clear the status page does not confirm is reported as failed") {
    Emulator e;
    e.insert("TAPE01", false);
    bool lie = false;  // a drive that answers GOOD to SPOUT but changes nothing
    Drive d = drive_on(e, [&](const detail::Command& c) -> std::optional<detail::Completion> {
        if (lie && c.cdb[0] == scsi::op_spout) {
            return detail::Completion{};
        }
        return std::nullopt;
    });
    (void)d.load_key(key_of(1), request("gen-1"));
    lie = true;
    std::string message;
    CHECK(error_of([&] { (void)d.load_key(key_of(2), request("gen-2")); }, &message) == Errc::device);
    CHECK(message.find("key load failed") != std::string::npos);
    CHECK(message.find("key instance counter did not advance") != std::string::npos);
    CHECK(error_of([&] { (void)d.clear(); }, &message) == Errc::device);
    CHECK(message.find("clear failed") != std::string::npos);
}

TEST_CASE("drive api: refusals before anything is sent") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    SecretBytes short_key(16);
    CHECK(error_of([&] { (void)d.load_key(short_key, request("gen-1")); }) == Errc::bad_format);
    CHECK(error_of([&] { (void)d.load_key(key_of(1), request(std::string(33, 'x'))); }) == Errc::bad_format);
    KeyLoad akad = request("");
    akad.akad = Bytes(13, 'a');
    CHECK(error_of([&] { (void)d.load_key(key_of(1), akad); }) == Errc::bad_format);
    KeyLoad raw_only;
    raw_only.encryption = EncryptionMode::disable;
    raw_only.decryption = DecryptionMode::raw;
    CHECK(error_of([&] { (void)d.load_key(key_of(1), raw_only); }) == Errc::usage);
    CHECK(d.status().key_instance_counter == 0);
}

TEST_CASE("drive api safety: a KAD carries only a non-secret identifier") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    const SecretBytes key = key_of(3);
    const auto k = key.expose();
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (const auto b : k) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    std::string upper = hex;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    std::string message;
    CHECK(error_of([&] { (void)d.load_key(key, request(hex.substr(0, 32))); }, &message) == Errc::bad_format);
    CHECK(message.find("contains part of the key") != std::string::npos);
    CHECK(error_of([&] { (void)d.load_key(key, request("key=" + upper.substr(10, 20))); }) == Errc::bad_format);
    KeyLoad raw = request("");
    raw.akad.assign(k.begin() + 4, k.begin() + 14);  // ten raw key bytes in the A-KAD
    CHECK(error_of([&] { (void)d.load_key(key, raw); }) == Errc::bad_format);
    CHECK(d.status().key_instance_counter == 0);  // nothing reached the drive
    CHECK_NOTHROW((void)d.load_key(key, request("gen-0003 2026-11")));
}

TEST_CASE("drive api safety: loading keys never reads the tape, so the HP lockout cannot trigger") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    (void)d.load_key(key_of(1), request("gen-1"));
    write_block(e, "an encrypted backup block");
    rewind(e);
    for (std::uint8_t attempt = 2; attempt < 2 + 2 * tapeemu::wrong_key_limit; ++attempt) {
        (void)d.load_key(key_of(attempt), request("gen-x"));
        const auto n = d.next_block();
        CHECK(n.encryption == BlockEncryption::needs_key);
        CHECK(n.ukad() == text("gen-1"));  // the KAD names the key to load
    }
    CHECK(e.wrong_key_reads() == 0);
    CHECK(!e.locked_out());
    (void)d.load_key(key_of(1), request("gen-1"));
    CHECK(d.next_block().encryption == BlockEncryption::decryptable);
}

TEST_CASE("drive api safety: an LTO-3 cartridge is never reported as protected") {
    Emulator e;
    e.insert("LTO3", true);
    Drive d = drive_on(e);
    const auto s = d.load_key(key_of(1), request("gen-1"));
    CHECK(s.encryption == EncryptionMode::encrypt);        // the drive took the key ...
    CHECK(!Drive::writes_encrypted(s, d.capabilities()));  // ... but will write in clear
    e.eject();
    e.insert("LTO4", false);
    CHECK(Drive::writes_encrypted(d.status(), d.capabilities()));
    e.eject();  // no cartridge: nothing can be promised either
    CHECK(!Drive::writes_encrypted(d.status(), d.capabilities()));
}

TEST_CASE("drive api: next block without a cartridge, on a blank one, and on data") {
    Emulator e;
    Drive d = drive_on(e);
    CHECK(d.next_block().medium == NextBlockStatus::Medium::none);
    e.insert("TAPE01", false);
    CHECK(d.next_block().medium == NextBlockStatus::Medium::blank);
    write_block(e, "clear");
    rewind(e);
    const auto n = d.next_block();
    CHECK(n.medium == NextBlockStatus::Medium::present);
    CHECK(n.encryption == BlockEncryption::clear);
}

TEST_CASE("drive api: clear-on-demount needs the capability and a cartridge") {
    Emulator e;
    Drive d = drive_on(e);
    KeyLoad r = request("gen-1");
    r.ckod = true;
    CHECK(error_of([&] { (void)d.load_key(key_of(1), r); }) == Errc::state);
    e.insert("TAPE01", false);
    CHECK_NOTHROW((void)d.load_key(key_of(1), r));
    e.eject();
    CHECK(d.status().encryption == EncryptionMode::disable);
}

TEST_CASE("drive api: a drive without encryption, and sense turned into errors") {
    Emulator e(Persona::no_encryption);
    Drive d = drive_on(e);
    std::string message;
    CHECK(error_of([&] { (void)d.supported_pages(); }, &message) == Errc::unsupported);
    CHECK(message.find("invalid command operation code (05/20/00)") != std::string::npos);
    CHECK(message.find("drive test") == 0);

    Emulator hp;
    hp.insert("TAPE01", false);
    Drive h = drive_on(hp);
    (void)h.load_key(key_of(1), request(""));
    write_block(hp, "block");
    for (std::uint32_t i = 0; i < tapeemu::wrong_key_limit; ++i) {  // someone else's brute force
        (void)h.load_key(key_of(2), request(""));
        rewind(hp);
        (void)hp.execute(Bytes{0x08, 0x02, 0, 1, 0, 0}, {}, 256);
    }
    CHECK(error_of([&] { (void)h.load_key(key_of(1), request("")); }, &message) == Errc::state);
    CHECK(message.find("key fail limit") != std::string::npos);
}

TEST_CASE("drive api: the SG_IO transport reports open and ioctl failures with a hint") {
    std::string message;
    CHECK(error_of([&] { (void)Drive::open("/dev/sg-does-not-exist"); }, &message) == Errc::not_found);
    CHECK(error_of([&] { (void)Drive::open("/etc/hostname"); }, &message) == Errc::device);
    CHECK(message.find("not a character device") != std::string::npos);
    Drive null = Drive::open("/dev/null");  // a character device that does not take SG_IO
    CHECK(error_of([&] { (void)null.status(); }, &message) == Errc::device);
    CHECK(message.find("SG_IO failed") != std::string::npos);
    CHECK(error_of([&] { (void)Drive::open("sg3"); }) == Errc::usage);
    CHECK(error_of([&] { (void)Drive::open("emu:"); }) == Errc::usage);
}

TEST_CASE("drive api: pages are read in two passes, 64 bytes then exactly 4 + PAGE LENGTH") {
    Emulator e;
    e.insert("TAPE01", false);
    std::vector<std::uint32_t> asked;
    Drive d = drive_on(e, [&](const detail::Command& c) -> std::optional<detail::Completion> {
        if (c.cdb[0] == scsi::op_spin) {
            asked.push_back(
                static_cast<std::uint32_t>((c.cdb[6] << 24) | (c.cdb[7] << 16) | (c.cdb[8] << 8) | c.cdb[9]));
            CHECK(c.data_in.size() == asked.back());
        }
        return std::nullopt;
    });
    KeyLoad r = request(std::string(32, 'u'));
    r.akad = text("gen-00000001");
    (void)d.load_key(key_of(1), r);
    write_block(e, "block");
    rewind(e);
    asked.clear();
    const auto n = d.next_block();  // 16 + (4 + 32) + (4 + 12) = 68 bytes
    CHECK(asked == std::vector<std::uint32_t>{64, 68});
    REQUIRE(n.kads.size() == 2);
    CHECK(n.kads[1].data == text("gen-00000001"));
    CHECK(n.kads[1].authenticated == 3);
    asked.clear();
    (void)d.capabilities();  // 44 bytes: one pass
    CHECK(asked == std::vector<std::uint32_t>{64});
}

TEST_CASE("drive api: unload leaves the cartridge unreadable until it is loaded again; clear-on-demount applies") {
    Emulator e;
    Drive d = drive_on(e);
    CHECK(error_of([&] { d.unload(); }) == Errc::state);  // no cartridge: 02/3A/00
    e.insert("TAPE01", false);
    KeyLoad r = request("gen-1");
    r.ckod = true;
    (void)d.load_key(key_of(1), r);
    d.unload();
    CHECK(e.loaded_cartridge() == "TAPE01");                        // still in the drive ...
    CHECK(error_of([&] { (void)d.next_block(); }) == Errc::state);  // ... but not ready (02/04/02)
    CHECK(d.status().encryption == EncryptionMode::disable);        // and the key went with it
}

TEST_CASE("drive api: WORM from the medium configuration mode page (1Dh)") {
    Emulator e;
    e.insert("RW", false);
    Drive d = drive_on(e);
    CHECK_FALSE(d.medium_is_worm());
    e.eject();
    e.insert("WORM", false, true);
    CHECK(d.medium_is_worm());
    // A drive without the page (05/24/00, invalid field in CDB) has no WORM support.
    Drive old = drive_on(e, invalid_field_for(scsi::op_mode_sense10));
    CHECK_FALSE(old.medium_is_worm());
}

TEST_CASE("drive api: a cartridge write-protected until it is unloaded (ASOCWP, mode page 10h)") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    WriteProtection w = d.write_protection();
    CHECK(w == WriteProtection{false, false, false, false, false, true});
    w = d.protect_cartridge(true);
    CHECK(w.associated);
    CHECK(w.medium);
    CHECK(e.associated_write_protect());
    CHECK(d.write_protection() == w);
    CHECK(d.protect_cartridge(false) == WriteProtection{false, false, false, false, false, true});
    (void)d.protect_cartridge(true);
    d.unload();
    CHECK_FALSE(e.associated_write_protect());

    // A drive that does not let the host change ASOCWP: unsupported, nothing sent.
    Emulator plain(Persona::hp_lto4, true, false);
    plain.insert("TAPE01", false);
    int selects = 0;
    Drive p = drive_on(plain, [&](const detail::Command& c) -> std::optional<detail::Completion> {
        selects += c.cdb[0] == scsi::op_mode_select10 ? 1 : 0;
        return std::nullopt;
    });
    CHECK(error_of([&] { (void)p.protect_cartridge(true); }) == Errc::unsupported);
    CHECK(selects == 0);
    CHECK_FALSE(p.write_protection().associated_changeable);

    // A drive without page 10h (05/24/00): unsupported.
    Drive old = drive_on(e, invalid_field_for(scsi::op_mode_sense10));
    CHECK(error_of([&] { (void)old.write_protection(); }) == Errc::unsupported);
    CHECK(error_of([&] { (void)old.protect_cartridge(true); }) == Errc::unsupported);

    // A drive that takes the MODE SELECT but does not change: reported, not believed.
    Drive liar = drive_on(e, [](const detail::Command& c) -> std::optional<detail::Completion> {
        if (c.cdb[0] != scsi::op_mode_select10) {
            return std::nullopt;
        }
        return detail::Completion{detail::status_good, 0, {}};
    });
    e.eject();
    e.insert("TAPE01", false);
    CHECK(error_of([&] { (void)liar.protect_cartridge(true); }) == Errc::device);
}

TEST_CASE("drive api: TapeAlert flags from log page 2Eh, read once") {
    Emulator e;
    e.insert("TAPE01", false);
    Drive d = drive_on(e);
    CHECK(d.tape_alerts().empty());
    (void)d.protect_cartridge(true);
    const std::vector<std::uint8_t> block = {1, 2, 3, 4};
    CHECK(e.execute(std::vector<std::uint8_t>{0x0A, 0, 0, 0, 4, 0}, block, 0).status == tapeemu::status_check_condition);
    CHECK(d.tape_alerts() == std::vector<unsigned>{9});
    CHECK(d.tape_alerts().empty());
    // A drive without the page (05/24/00): no flags, not an error.
    Drive old = drive_on(e, invalid_field_for(scsi::op_log_sense));
    CHECK(old.tape_alerts().empty());
}
