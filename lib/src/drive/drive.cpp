// The Drive API (tapekey/drive.h): what to send, in what order, and what to
// believe afterwards (ssc-encryption.md section 8; docs/spec/ssc-pages.md).
#include "tapekey/drive.h"

#include <algorithm>
#include <cctype>

#include "drive/pages.h"
#include "drive/sense.h"
#include "drive/transport.h"
#include "tapekey/error.h"

namespace tapekey {
namespace {

using detail::Completion;
using detail::Transport;

// Sends a command; a unit attention (reset, medium changed) ends the first
// command after it once, so that one is retried once (pitfall P15).
Completion run(Transport& t, std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
               std::span<std::uint8_t> in) {
    Completion c;
    for (int attempt = 0; attempt < 2; ++attempt) {
        c = t.execute({cdb, out, in});
        if (c.status != detail::status_check_condition) {
            break;
        }
        const auto s = scsi::decode_sense(c.sense);
        if (!s || s->key != scsi::unit_attention) {
            break;
        }
    }
    return c;
}

std::optional<scsi::Sense> sense_of(const Completion& c) {
    return c.status == detail::status_check_condition ? scsi::decode_sense(c.sense) : std::nullopt;
}

// Turns a completion other than GOOD into an Error naming the drive and what
// was being done.
void require_good(const Completion& c, const std::string& drive, const std::string& doing) {
    if (c.status == detail::status_good) {
        return;
    }
    const std::string where = "drive " + drive + ": " + doing + ": ";
    if (c.status == detail::status_busy) {
        throw Error(Errc::device, where + "the drive is busy", "retry when the drive is idle");
    }
    if (c.status == detail::status_reservation_conflict) {
        throw Error(Errc::device, where + "reservation conflict", "another host has reserved the drive");
    }
    const auto s = sense_of(c);
    if (!s) {
        throw Error(Errc::device,
                    where + "check condition without usable sense data (status " + std::to_string(c.status) + ")",
                    "retry; if it persists, check the kernel log");
    }
    const auto text = scsi::describe(*s);
    Errc code = Errc::device;
    if (s->is(scsi::illegal_request, 0x20, 0x00)) {
        code = Errc::unsupported;
    } else if (s->key == scsi::not_ready || s->is(scsi::data_protect, 0x26, 0x10)) {
        code = Errc::state;
    }
    throw Error(code, where + text.message, text.hint);
}

// Two passes (pitfall P8): a small allocation, then exactly 4 + PAGE LENGTH,
// capped at 8192.
std::vector<std::uint8_t> read_page(Transport& t, const std::string& drive, std::uint8_t protocol, std::uint16_t page,
                                    Completion* failed = nullptr) {
    std::vector<std::uint8_t> buf(scsi::first_pass_allocation);
    const std::string doing = "security protocol in, page " + scsi::page_code_hex(page);
    for (int pass = 0; pass < 2; ++pass) {
        const auto cdb = scsi::spin_cdb(protocol, page, static_cast<std::uint32_t>(buf.size()));
        const Completion c = run(t, cdb, {}, buf);
        if (c.status != detail::status_good && failed != nullptr) {
            *failed = c;
            return {};
        }
        require_good(c, drive, doing);
        const std::size_t got = std::min(c.data_in_length, buf.size());
        const std::size_t want =
            protocol == scsi::protocol_info ? got : scsi::declared_page_size({buf.data(), got}, page);
        if (pass == 0 && want > got && got == buf.size()) {
            buf.assign(std::min<std::size_t>(want, scsi::max_allocation), 0);
            continue;
        }
        buf.resize(got);
        return buf;
    }
    return buf;
}

std::string ascii_field(std::span<const std::uint8_t> b) {
    std::string s(b.begin(), b.end());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) {
        s.pop_back();
    }
    return s;
}

// P9: drives may pad KADs with spaces or NULs; compare without the padding.
std::vector<std::uint8_t> unpadded(std::vector<std::uint8_t> b) {
    while (!b.empty() && (b.back() == 0x00 || b.back() == 0x20)) {
        b.pop_back();
    }
    return b;
}

bool contains(std::span<const std::uint8_t> hay, std::span<const std::uint8_t> needle) {
    return !needle.empty() && std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

// A KAD is written in clear on every block: it must name the key, never hold
// it. Refuses any 8-byte run of the key, raw or as hex (either case).
void check_kad_is_not_secret(std::span<const std::uint8_t> kad, const SecretBytes& key, const char* which) {
    if (kad.empty() || key.empty()) {
        return;
    }
    const auto k = key.expose();
    bool leaks = false;
    const std::size_t run_len = std::min<std::size_t>(8, k.size());
    for (std::size_t i = 0; i + run_len <= k.size() && !leaks; ++i) {
        leaks = contains(kad, k.subspan(i, run_len));
    }
    if (!leaks) {
        SecretBytes hex = secret_to_hex(k);
        SecretBytes upper = hex.clone();
        for (auto& ch : upper.expose()) {
            ch = static_cast<std::uint8_t>(std::toupper(ch));
        }
        const std::size_t hex_run = std::min<std::size_t>(16, hex.size());
        for (std::size_t i = 0; i + hex_run <= hex.size() && !leaks; ++i) {
            leaks =
                contains(kad, hex.expose().subspan(i, hex_run)) || contains(kad, upper.expose().subspan(i, hex_run));
        }
    }
    if (leaks) {
        throw Error(Errc::bad_format, std::string("the ") + which + " contains part of the key",
                    "key-associated data is written in clear on every block; give the key a name (e.g. its "
                    "generation), never the key itself");
    }
}

}  // namespace

Drive Drive::open(std::string_view device) {
    const std::string d(device);
    if (d.rfind("emu:", 0) == 0) {
        if (d.size() == 4) {
            throw Error(Errc::usage, "device emu: names no state file", "write emu:PATH, e.g. emu:/tmp/drive.emu");
        }
        return Drive(detail::open_emu_transport(d.substr(4)), d);
    }
    if (d.empty() || d[0] != '/') {
        throw Error(Errc::usage, "device " + d + ": not /dev/sgN, /dev/nstN or emu:PATH",
                    "list the drives with `lsscsi -g`, or use emu:PATH for the emulated drive");
    }
    return Drive(detail::open_sg_transport(d), d);
}

Drive::Drive(std::unique_ptr<detail::Transport> transport, std::string name)
    : m_transport(std::move(transport)), m_name(std::move(name)) {}
Drive::~Drive() = default;
Drive::Drive(Drive&&) noexcept = default;
Drive& Drive::operator=(Drive&&) noexcept = default;

DriveIdentity Drive::identity() {
    std::vector<std::uint8_t> buf(96);
    const std::uint8_t inquiry[6] = {0x12, 0, 0, 0, static_cast<std::uint8_t>(buf.size()), 0};
    Completion c = run(*m_transport, inquiry, {}, buf);
    require_good(c, m_name, "inquiry");
    if (c.data_in_length < 36) {
        throw Error(
            Errc::device,
            "drive " + m_name + ": inquiry data is " + std::to_string(c.data_in_length) + " bytes, fewer than 36", "");
    }
    DriveIdentity id;
    id.device_type = buf[0] & 0x1Fu;
    id.vendor = ascii_field({buf.data() + 8, 8});
    id.product = ascii_field({buf.data() + 16, 16});
    id.revision = ascii_field({buf.data() + 32, 4});
    std::vector<std::uint8_t> vpd(64);
    const std::uint8_t serial[6] = {0x12, 0x01, 0x80, 0, static_cast<std::uint8_t>(vpd.size()), 0};
    c = run(*m_transport, serial, {}, vpd);
    if (c.status == detail::status_good && c.data_in_length >= 4) {
        const std::size_t n = std::min<std::size_t>(vpd[3], c.data_in_length - 4);
        id.serial = ascii_field({vpd.data() + 4, n});
    }
    return id;
}

std::vector<std::uint16_t> Drive::supported_pages() {
    return scsi::decode_page_list(read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_in_support),
                                  scsi::page_in_support);
}

Capabilities Drive::capabilities() {
    return scsi::decode_capabilities(read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_capabilities));
}

ManagementCapabilities Drive::management_capabilities() {
    return scsi::decode_management_capabilities(
        read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_management_capabilities));
}

std::vector<std::uint8_t> Drive::key_formats() {
    return scsi::decode_key_formats(read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_key_formats));
}

EncryptionStatus Drive::status() {
    return scsi::decode_status(read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_status));
}

NextBlockStatus Drive::next_block() {
    Completion failed;
    const auto page = read_page(*m_transport, m_name, scsi::protocol_tde, scsi::page_next_block, &failed);
    if (!page.empty()) {
        return scsi::decode_next_block(page);
    }
    // No cartridge (02/3A/00) and a blank one (08/14/03, HP LTO-4) are
    // answers, not failures (ssc-encryption.md 3.6).
    if (const auto s = sense_of(failed)) {
        NextBlockStatus n;
        if (s->is(scsi::not_ready, 0x3A, 0x00)) {
            n.medium = NextBlockStatus::Medium::none;
            return n;
        }
        if (s->is(scsi::blank_check, 0x14, 0x03) || s->is(scsi::blank_check, 0x00, 0x05)) {
            n.medium = NextBlockStatus::Medium::blank;
            n.encryption = BlockEncryption::not_yet;
            return n;
        }
    }
    require_good(failed, m_name, "security protocol in, page 0021h");
    return {};
}

EncryptionStatus Drive::load_key(const SecretBytes& key, const KeyLoad& request) {
    const Capabilities caps = capabilities();
    const AlgorithmDescriptor* alg = caps.aes_gcm();
    if (alg == nullptr) {
        throw Error(Errc::unsupported,
                    "drive " + m_name + ": reports no AES-256-GCM algorithm with hardware encryption",
                    "check `tapekey drive caps`; this drive cannot encrypt LTO data");
    }
    if (caps.cfg_p == 2) {
        throw Error(Errc::state, "drive " + m_name + ": encryption configuration is prevented (CFG_P)",
                    "the library or a key manager controls encryption; switch the drive to application-managed");
    }
    const bool encrypting = request.encryption == EncryptionMode::encrypt;
    const bool decrypting =
        request.decryption == DecryptionMode::decrypt || request.decryption == DecryptionMode::mixed;
    if (!encrypting && !decrypting) {
        throw Error(Errc::usage, "a key load must encrypt or decrypt", "use clear() to switch encryption off");
    }
    if (key.size() != alg->key_size) {
        throw Error(Errc::bad_format,
                    "the key is " + std::to_string(key.size()) + " bytes; drive " + m_name + " takes " +
                        std::to_string(alg->key_size),
                    "give a 256-bit key: 64 hex digits (e.g. `openssl rand -hex 32`)");
    }
    check_kad_is_not_secret(request.ukad, key, "key description (U-KAD)");
    check_kad_is_not_secret(request.akad, key, "authenticated key-associated data (A-KAD)");
    if (!encrypting && (!request.ukad.empty() || !request.akad.empty())) {
        throw Error(Errc::usage, "key-associated data is sent only when encrypting",
                    "drop the description, or use --mode on or mixed");
    }
    if (request.ukad.size() > alg->max_ukad) {
        throw Error(Errc::bad_format,
                    "the key description is " + std::to_string(request.ukad.size()) + " bytes; drive " + m_name +
                        " takes at most " + std::to_string(alg->max_ukad),
                    "shorten it");
    }
    if (request.akad.size() > alg->max_akad) {
        throw Error(Errc::bad_format,
                    "the A-KAD is " + std::to_string(request.akad.size()) + " bytes; drive " + m_name +
                        " takes at most " + std::to_string(alg->max_akad),
                    "shorten it");
    }
    if (encrypting && alg->dkad_c == 1 && request.ukad.empty() && request.akad.empty()) {
        throw Error(Errc::usage, "drive " + m_name + " requires key-associated data", "give the key a description");
    }
    scsi::SetDataEncryption p;
    p.encryption = request.encryption;
    p.decryption = request.decryption;
    p.algorithm_index = alg->index;
    if (request.ckod) {
        if (!management_capabilities().ckod_c) {
            throw Error(Errc::unsupported, "drive " + m_name + ": cannot clear the key on demount (CKOD_C is 0)",
                        "load without --ckod and clear the key with `tapekey drive clear` after the job");
        }
        const std::uint8_t tur[6] = {};
        const Completion c = run(*m_transport, tur, {}, {});
        if (c.status != detail::status_good) {
            throw Error(Errc::state, "drive " + m_name + ": --ckod needs a cartridge loaded",
                        "load the cartridge first (clear-on-demount applies to the mounted volume)");
        }
        p.ckod = true;
    }
    auto pad = [](std::vector<std::uint8_t> b, bool fixed, std::size_t max) {
        if (fixed) {
            b.resize(max, ' ');  // UKADF/AKADF: fixed length, padded with spaces
        }
        return b;
    };
    if (!request.ukad.empty()) {
        p.kads.push_back(
            Kad{static_cast<std::uint8_t>(KadType::ukad), 0, pad(request.ukad, alg->ukadf, alg->max_ukad)});
    }
    if (!request.akad.empty()) {
        p.kads.push_back(
            Kad{static_cast<std::uint8_t>(KadType::akad), 0, pad(request.akad, alg->akadf, alg->max_akad)});
    }
    const EncryptionStatus before = status();
    const SecretBytes page = scsi::encode_set_data_encryption(p, key.expose());
    const auto cdb =
        scsi::spout_cdb(scsi::protocol_tde, scsi::page_set_data_encryption, static_cast<std::uint32_t>(page.size()));
    require_good(run(*m_transport, cdb, page.expose(), {}), m_name, "set data encryption");

    // Believe the status page, not the GOOD status.
    const EncryptionStatus after = status();
    std::string wrong;
    if (after.encryption != p.encryption || after.decryption != p.decryption) {
        wrong = std::string("modes are ") + to_string(after.encryption) + "/" + to_string(after.decryption);
    } else if (after.algorithm_index != p.algorithm_index) {
        wrong = "algorithm index is " + std::to_string(after.algorithm_index);
    } else if (after.key_instance_counter == before.key_instance_counter) {
        wrong = "the key instance counter did not advance";
    } else {
        for (const auto& sent : p.kads) {
            const auto got =
                std::find_if(after.kads.begin(), after.kads.end(), [&](const Kad& k) { return k.type == sent.type; });
            if (got == after.kads.end() || unpadded(got->data) != unpadded(sent.data)) {
                wrong = "the key-associated data differs from what was sent";
            }
        }
    }
    if (!wrong.empty()) {
        throw Error(
            Errc::device,
            "drive " + m_name + ": key load failed: the drive accepted it, but its status " + "disagrees: " + wrong,
            "check `tapekey drive status`; another host may be changing the drive's key");
    }
    return after;
}

EncryptionStatus Drive::clear() {
    const Capabilities caps = capabilities();
    const AlgorithmDescriptor* alg = caps.aes_gcm();
    scsi::SetDataEncryption p;  // DISABLE/DISABLE, key length 0
    p.algorithm_index = alg != nullptr ? alg->index : (caps.algorithms.empty() ? 0 : caps.algorithms[0].index);
    const SecretBytes page = scsi::encode_set_data_encryption(p, {});
    const auto cdb =
        scsi::spout_cdb(scsi::protocol_tde, scsi::page_set_data_encryption, static_cast<std::uint32_t>(page.size()));
    require_good(run(*m_transport, cdb, page.expose(), {}), m_name, "set data encryption (clear)");
    const EncryptionStatus after = status();
    if (after.encryption != EncryptionMode::disable || after.decryption != DecryptionMode::disable) {
        throw Error(Errc::device,
                    "drive " + m_name + ": clear failed: the drive still reports " + to_string(after.encryption) + "/" +
                        to_string(after.decryption),
                    "check `tapekey drive status`");
    }
    return after;
}

void Drive::unload() {
    const std::uint8_t cdb[6] = {0x1B, 0x00, 0x00, 0x00, 0x00, 0x00};  // IMMED 0; HOLD 0, EOT 0, RETEN 0, LOAD 0
    require_good(run(*m_transport, cdb, {}, {}), m_name, "unload");
}

bool Drive::medium_is_worm() {
    std::vector<std::uint8_t> buf(64);
    const auto cdb = scsi::mode_sense10_cdb(scsi::mode_page_medium_configuration, 0, static_cast<std::uint16_t>(buf.size()));
    const Completion c = run(*m_transport, cdb, {}, buf);
    if (const auto s = sense_of(c); s && s->is(scsi::illegal_request, 0x24, 0x00)) {
        return false;  // no Medium Configuration page: the drive has no WORM support
    }
    require_good(c, m_name, "mode sense, page 1Dh");
    try {
        const auto page = scsi::mode_page_of(std::span(buf).first(std::min(c.data_in_length, buf.size())),
                                             scsi::mode_page_medium_configuration, 3, "medium configuration");
        return (page[2] & 0x01u) != 0;  // WORMM (SSC-4 8.3.8)
    } catch (const Error& e) {
        throw Error(Errc::device, "drive " + m_name + ": " + e.what(),
                    "check the drive with `sdparm --page=0x1D " + m_name + "`");
    }
}

namespace {

// MODE SENSE(10) of page 10h with page control `pc` (0 current, 1 changeable).
scsi::DeviceConfiguration sense_device_configuration(Transport& t, const std::string& drive, std::uint8_t pc) {
    std::vector<std::uint8_t> buf(scsi::mode_header10_size + scsi::device_configuration_size + 8);
    const auto cdb = scsi::mode_sense10_cdb(scsi::mode_page_device_configuration, pc, static_cast<std::uint16_t>(buf.size()));
    const Completion c = run(t, cdb, {}, buf);
    if (const auto s = sense_of(c); s && s->is(scsi::illegal_request, 0x24, 0x00)) {
        throw Error(Errc::unsupported, "drive " + drive + " has no device configuration mode page (10h)",
                    "this drive cannot write-protect a cartridge for tapekey");
    }
    require_good(c, drive, pc == 0 ? "mode sense, page 10h" : "mode sense, page 10h changeable values");
    try {
        return scsi::decode_device_configuration(std::span(buf).first(std::min(c.data_in_length, buf.size())));
    } catch (const Error& e) {
        throw Error(Errc::device, "drive " + drive + ": " + e.what(),
                    "check the drive with `sdparm --page=dc --long " + drive + "`");
    }
}

WriteProtection protection_of(const scsi::DeviceConfiguration& now, const scsi::DeviceConfiguration& changeable) {
    WriteProtection w;
    w.medium = now.wp();
    w.software = now.swp();
    w.associated = now.asocwp();
    w.persistent = now.perswp();
    w.permanent = now.prmwp();
    w.associated_changeable = changeable.asocwp();
    return w;
}

}  // namespace

std::string Drive::logged_serial() {
    try {
        const std::string s = identity().serial;
        return s.empty() ? "-" : s;
    } catch (const Error&) {
        return "-";  // the event matters more than the serial
    }
}

WriteProtection Drive::write_protection() {
    const auto now = sense_device_configuration(*m_transport, m_name, 0);
    return protection_of(now, sense_device_configuration(*m_transport, m_name, 1));
}

WriteProtection Drive::protect_cartridge(bool on) {
    const auto changeable = sense_device_configuration(*m_transport, m_name, 1);
    if (!changeable.asocwp()) {
        throw Error(Errc::unsupported,
                    "drive " + m_name + " does not let the host set associated write protection (ASOCWP, mode page 10h)",
                    "this drive cannot write-protect a cartridge for tapekey");
    }
    const auto current = sense_device_configuration(*m_transport, m_name, 0);
    const auto list = scsi::encode_device_configuration_select(current, on);
    const auto cdb = scsi::mode_select10_cdb(static_cast<std::uint16_t>(list.size()));
    require_good(run(*m_transport, cdb, list, {}), m_name,
                 on ? "mode select, set associated write protection" : "mode select, clear associated write protection");
    const WriteProtection after = protection_of(sense_device_configuration(*m_transport, m_name, 0), changeable);
    if (after.associated != on || (on && !after.medium)) {
        throw Error(Errc::device,
                    "drive " + m_name + ": the drive accepted the write protection change, but reports ASOCWP " +
                        (after.associated ? "1" : "0") + " and WP " + (after.medium ? "1" : "0"),
                    "check `tapekey drive status`");
    }
    return after;
}

std::vector<unsigned> Drive::tape_alerts() {
    std::vector<std::uint8_t> buf(scsi::tape_alert_allocation);
    const auto cdb = scsi::log_sense_cdb(scsi::log_page_tape_alert, scsi::tape_alert_allocation);
    const Completion c = run(*m_transport, cdb, {}, buf);
    if (const auto s = sense_of(c); s && s->is(scsi::illegal_request, 0x24, 0x00)) {
        return {};  // no TapeAlert page
    }
    require_good(c, m_name, "log sense, page 2Eh (tapealert)");
    try {
        return scsi::decode_tape_alert(std::span(buf).first(std::min(c.data_in_length, buf.size())));
    } catch (const Error& e) {
        throw Error(Errc::device, "drive " + m_name + ": " + e.what(), "check the drive with `tapeinfo -f " + m_name + "`");
    }
}

bool Drive::writes_encrypted(const EncryptionStatus& s, const Capabilities& caps) noexcept {
    if (s.encryption != EncryptionMode::encrypt) {
        return false;
    }
    for (const auto& a : caps.algorithms) {
        if (a.index == s.algorithm_index) {
            return a.avfmv && a.avfclp != 1;
        }
    }
    return false;
}

}  // namespace tapekey
