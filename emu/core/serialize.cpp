// The emulator's whole state as bytes, for the state file (emu/state). The
// format is private to this version: a magic with the version, then the
// fields in order, big-endian. The loaded key travels apart, in secure
// memory; the state file layer decides where it goes.
#include "check.h"
#include "drive/bytes.h"
#include "tapekey/error.h"

namespace tapeemu {

using tapekey::scsi::put16;
using tapekey::scsi::put32;
using tapekey::scsi::put64;
using tapekey::scsi::put8;

namespace {

constexpr std::uint8_t magic[8] = {'T', 'A', 'P', 'E', 'E', 'M', 'U', 2};

void put_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> b) {
    put32(out, static_cast<std::uint32_t>(b.size()));
    out.insert(out.end(), b.begin(), b.end());
}
void put_string(std::vector<std::uint8_t>& out, const std::string& s) {
    put_bytes(out, {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}
void put_kads(std::vector<std::uint8_t>& out, const std::vector<tapekey::Kad>& kads) {
    put8(out, static_cast<unsigned>(kads.size()));
    for (const auto& k : kads) {
        put8(out, k.type);
        put8(out, k.authenticated);
        put_bytes(out, k.data);
    }
}

std::span<const std::uint8_t> get_bytes(tapekey::scsi::Reader& r, const char* what) {
    return r.bytes(r.u32(what), what);
}
std::string get_string(tapekey::scsi::Reader& r, const char* what) {
    const auto b = get_bytes(r, what);
    return {b.begin(), b.end()};
}
std::vector<tapekey::Kad> get_kads(tapekey::scsi::Reader& r) {
    std::vector<tapekey::Kad> kads(r.u8("kad count"));
    for (auto& k : kads) {
        k.type = r.u8("kad type");
        k.authenticated = r.u8("kad authenticated");
        const auto d = get_bytes(r, "kad data");
        k.data.assign(d.begin(), d.end());
    }
    return kads;
}

}  // namespace

Emulator::Snapshot Emulator::serialize() const {
    std::vector<std::uint8_t> out(std::begin(magic), std::end(magic));
    put8(out, static_cast<unsigned>(m_persona));
    put8(out, m_strict);
    put8(out, m_asocwp_c);
    put8(out, m_swp);
    put8(out, m_asocwp);
    put64(out, m_tape_alerts);
    put8(out, static_cast<unsigned>(m_encryption));
    put8(out, static_cast<unsigned>(m_decryption));
    put8(out, m_algorithm_index);
    put8(out, m_scope);
    put8(out, m_ceem);
    put8(out, m_rdmc);
    put8(out, m_ckod);
    put32(out, m_key_instance_counter);
    put_kads(out, m_kads);
    put32(out, m_wrong_key_reads);
    put8(out, m_locked_out);
    put8(out, m_unit_attention.has_value());
    put8(out, m_unit_attention ? m_unit_attention->first : 0);
    put8(out, m_unit_attention ? m_unit_attention->second : 0);
    put_string(out, m_loaded);
    put8(out, m_ready);
    put64(out, m_position);
    put32(out, static_cast<std::uint32_t>(m_shelf.size()));
    for (const auto& [name, c] : m_shelf) {
        put_string(out, name);
        put8(out, static_cast<unsigned>(c.lto3) | static_cast<unsigned>(c.worm) << 1);  // kind bits: 1 LTO-3, 2 WORM
        put32(out, static_cast<std::uint32_t>(c.blocks.size()));
        for (const auto& b : c.blocks) {
            put8(out, static_cast<unsigned>(b.kind));
            put8(out, b.encrypted);
            put8(out, b.algorithm_index);
            put_kads(out, b.kads);
            out.insert(out.end(), b.key_check.begin(), b.key_check.end());
            out.insert(out.end(), b.nonce.begin(), b.nonce.end());
            put_bytes(out, b.payload);
        }
    }
    return {std::move(out), m_key.clone()};
}

Emulator Emulator::deserialize(std::span<const std::uint8_t> bytes, tapekey::SecretBytes key) {
    tapekey::scsi::Reader r(bytes, "emulator state");
    const auto m = r.bytes(sizeof magic, "magic");
    if (!std::equal(m.begin(), m.end(), std::begin(magic))) {
        throw tapekey::Error(tapekey::Errc::bad_format, "emulator state: not a tapekey emulator state file (version 2)",
                             "give the path of a file made by `tapekey emu`, or a new path");
    }
    const auto persona = r.u8("persona");
    if (persona < 1 || persona > 3) {
        r.fail("unknown persona");
    }
    const bool strict = r.u8("strict") != 0;
    Emulator e(static_cast<Persona>(persona), strict, r.u8("asocwp capable") != 0);
    e.m_swp = r.u8("swp") != 0;
    e.m_asocwp = r.u8("asocwp") != 0;
    e.m_tape_alerts = r.u64("tape alerts");
    e.m_encryption = static_cast<tapekey::EncryptionMode>(r.u8("encryption mode"));
    e.m_decryption = static_cast<tapekey::DecryptionMode>(r.u8("decryption mode"));
    e.m_algorithm_index = r.u8("algorithm index");
    e.m_scope = r.u8("scope");
    e.m_ceem = r.u8("ceem");
    e.m_rdmc = r.u8("rdmc");
    e.m_ckod = r.u8("ckod") != 0;
    e.m_key_instance_counter = r.u32("key instance counter");
    e.m_kads = get_kads(r);
    e.m_wrong_key_reads = r.u32("wrong key reads");
    e.m_locked_out = r.u8("locked out") != 0;
    const bool ua = r.u8("unit attention") != 0;
    const std::uint8_t asc = r.u8("asc");
    const std::uint8_t ascq = r.u8("ascq");
    if (ua) {
        e.m_unit_attention = std::make_pair(asc, ascq);
    }
    e.m_loaded = get_string(r, "loaded cartridge");
    e.m_ready = r.u8("ready") != 0;
    e.m_position = r.u64("position");
    const std::uint32_t cartridges = r.u32("cartridge count");
    for (std::uint32_t i = 0; i < cartridges; ++i) {
        Cartridge c;
        c.name = get_string(r, "cartridge name");
        const std::uint8_t kind = r.u8("cartridge kind");
        c.lto3 = (kind & 1u) != 0;
        c.worm = (kind & 2u) != 0;
        const std::uint32_t blocks = r.u32("block count");
        for (std::uint32_t j = 0; j < blocks; ++j) {
            Block b;
            b.kind = static_cast<Block::Kind>(r.u8("block kind"));
            b.encrypted = r.u8("encrypted") != 0;
            b.algorithm_index = r.u8("block algorithm");
            b.kads = get_kads(r);
            const auto kc = r.bytes(b.key_check.size(), "key check");
            std::copy(kc.begin(), kc.end(), b.key_check.begin());
            const auto nonce = r.bytes(b.nonce.size(), "nonce");
            std::copy(nonce.begin(), nonce.end(), b.nonce.begin());
            const auto payload = get_bytes(r, "payload");
            b.payload.assign(payload.begin(), payload.end());
            c.blocks.push_back(std::move(b));
        }
        e.m_shelf.emplace(c.name, std::move(c));
    }
    if (!e.m_loaded.empty() && e.m_shelf.count(e.m_loaded) == 0) {
        r.fail("the loaded cartridge is not on the shelf");
    }
    e.m_key = std::move(key);
    if (!r.done()) {
        r.fail("trailing bytes");
    }
    return e;
}

}  // namespace tapeemu
