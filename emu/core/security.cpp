// The emulator's SECURITY PROTOCOL IN/OUT (SPC-4), protocols 00h (SPC-4
// security protocol information) and 20h Tape Data Encryption (SSC-4 8.5), and what the
// encryption parameters do to READ and WRITE. The pages are built and parsed
// with the library's codec (lib/src/drive/pages.cpp), whose layouts the
// golden vectors pin to the T10 tables.
#include <algorithm>

#include "check.h"
#include "drive/pages.h"
#include "gcm.h"
#include "tapekey/error.h"

namespace tapeemu {

using tapekey::DecryptionMode;
using tapekey::EncryptionMode;
using tapekey::Kad;
namespace sk = tapekey::scsi;

namespace {

constexpr std::uint8_t our_algorithm_index = 1;  // as HP and IBM LTO drives report
constexpr std::uint16_t key_size = 32;
constexpr std::uint16_t max_ukad = 32;
constexpr std::uint16_t max_akad = 12;

const std::uint16_t in_pages[] = {sk::page_in_support,
                                  sk::page_out_support,
                                  sk::page_capabilities,
                                  sk::page_key_formats,
                                  sk::page_management_capabilities,
                                  sk::page_status,
                                  sk::page_next_block};
const std::uint16_t out_pages[] = {sk::page_set_data_encryption};

std::span<const std::uint8_t> akad_of(const std::vector<Kad>& kads) {
    for (const auto& k : kads) {
        if (k.type == static_cast<std::uint8_t>(tapekey::KadType::akad)) {
            return k.data;
        }
    }
    return {};
}

bool key_required(EncryptionMode e, DecryptionMode d) {
    return e == EncryptionMode::encrypt || d == DecryptionMode::decrypt || d == DecryptionMode::mixed;
}

}  // namespace

tapekey::Capabilities Emulator::capabilities() const {
    const bool volume = !m_loaded.empty() && m_ready;
    const bool capable_volume = volume && !m_shelf.at(m_loaded).lto3;
    tapekey::AlgorithmDescriptor a;
    a.index = our_algorithm_index;
    a.avfmv = capable_volume;
    a.mac_c = true;
    a.delb_c = true;
    a.decrypt_c = 2;  // hardware
    a.encrypt_c = 2;
    a.avfclp = !volume ? 0 : capable_volume ? 2 : 1;
    a.nonce_c = 1;  // the drive makes the nonces
    a.vcelb_c = true;
    a.max_ukad = max_ukad;
    a.max_akad = max_akad;
    a.key_size = key_size;
    a.dkad_c = 3;  // KAD optional
    a.eemc_c = 1;  // external encryption mode control not allowed
    a.rdmc_c = 4;  // raw reads disabled by default, RDMC may set them
    a.earem = true;
    a.algorithm = tapekey::aes256_gcm_algorithm;
    tapekey::Capabilities c;
    c.extdecc = 2;
    c.cfg_p = 1;
    c.algorithms.push_back(a);
    return c;
}

tapekey::EncryptionStatus Emulator::encryption_status() const {
    tapekey::EncryptionStatus s;
    s.it_nexus_scope = m_scope;
    s.key_scope = m_scope;
    s.encryption = m_encryption;
    s.decryption = m_decryption;
    const bool off = m_encryption == EncryptionMode::disable && m_decryption == DecryptionMode::disable;
    s.algorithm_index = off ? 0 : m_algorithm_index;
    s.key_instance_counter = m_key_instance_counter;
    s.parameters_control = 1;  // the host may set them (application-managed)
    if (!m_loaded.empty() && m_ready) {
        const auto& blocks = m_shelf.at(m_loaded).blocks;
        s.vcelb = std::any_of(blocks.begin(), blocks.end(), [](const Block& b) { return b.encrypted; });
    }
    s.ceems = m_ceem;
    s.rdmd = m_rdmc == 3;
    s.kads = m_kads;
    for (auto& k : s.kads) {
        k.authenticated = 1;
    }
    return s;
}

// SSC-4 8.5, page 0021h. No status 1 while a block is under the head (the emulator
// has every block "in its buffer"); status 1 at end of data; a blank
// cartridge answers 08/14/03 as an HP LTO-4 does; LTO-3 media: status 0.
tapekey::NextBlockStatus Emulator::next_block_status() const {
    if (m_loaded.empty()) {
        fail(sk::not_ready, 0x3A, 0x00);
    }
    if (!m_ready) {
        fail(sk::not_ready, 0x04, 0x02);
    }
    const Cartridge& c = m_shelf.at(m_loaded);
    tapekey::NextBlockStatus s;
    s.logical_object_number = m_position;
    if (c.lto3) {
        return s;  // 0: the medium is not encryption-capable
    }
    if (c.blocks.empty()) {
        fail(sk::blank_check, 0x14, 0x03);
    }
    if (m_position >= c.blocks.size()) {
        s.encryption = tapekey::BlockEncryption::not_yet;
        return s;
    }
    const Block& b = c.blocks[m_position];
    if (b.kind == Block::Kind::filemark) {
        s.compression_status = 2;
        s.encryption = tapekey::BlockEncryption::not_a_block;
        return s;
    }
    // COMPRESSION STATUS 0: not reported, as HP, IBM and T10000 drives do
    // (stenc 1.0.7 cannot print the value 3).
    if (!b.encrypted) {
        s.encryption = tapekey::BlockEncryption::clear;
        return s;
    }
    const bool can = !m_key.empty() &&
                     (m_decryption == DecryptionMode::decrypt || m_decryption == DecryptionMode::mixed) &&
                     gcm::key_check(m_key.expose()) == b.key_check;
    s.encryption = can ? tapekey::BlockEncryption::decryptable : tapekey::BlockEncryption::needs_key;
    s.algorithm_index = b.algorithm_index;
    s.kads = b.kads;
    for (auto& k : s.kads) {
        const bool akad = k.type == static_cast<std::uint8_t>(tapekey::KadType::akad);
        k.authenticated = akad ? (can ? 3 : 2) : 1;
    }
    return s;
}

Result Emulator::security_in(std::span<const std::uint8_t> cdb) {
    if (!encryption_capable()) {
        fail(sk::illegal_request, 0x20, 0x00);
    }
    if ((cdb[4] & 0x80u) != 0) {
        invalid_cdb(4, 7);  // INC_512: LTO drives take byte counts only
    }
    const std::uint8_t protocol = cdb[1];
    const auto page = static_cast<std::uint16_t>((cdb[2] << 8) | cdb[3]);
    const std::uint32_t alloc = be32(cdb, 6);
    Result r;
    if (protocol == sk::protocol_info) {
        if (page == 0x0000) {
            const std::uint8_t protocols[] = {sk::protocol_info, sk::protocol_tde};
            r.data_in = sk::encode_protocol_list(protocols);
        } else if (page == 0x0001) {
            r.data_in = {0, 0, 0, 0};  // certificate length 0
        } else {
            invalid_cdb(2);
        }
    } else if (protocol == sk::protocol_tde) {
        switch (page) {
            case sk::page_in_support:
                r.data_in = sk::encode_page_list(page, in_pages);
                break;
            case sk::page_out_support:
                r.data_in = sk::encode_page_list(page, out_pages);
                break;
            case sk::page_capabilities:
                r.data_in = sk::encode_capabilities(capabilities());
                break;
            case sk::page_key_formats: {
                const std::uint8_t formats[] = {0x00};
                r.data_in = sk::encode_key_formats(formats);
                break;
            }
            case sk::page_management_capabilities: {
                tapekey::ManagementCapabilities m;
                m.ckod_c = true;
                m.aitn_c = m.local_c = m.public_c = true;
                r.data_in = sk::encode_management_capabilities(m);
                break;
            }
            case sk::page_status:
                r.data_in = sk::encode_status(encryption_status());
                break;
            case sk::page_next_block:
                r.data_in = sk::encode_next_block(next_block_status());
                break;
            default:
                invalid_cdb(2);
        }
    } else {
        invalid_cdb(1);
    }
    if (r.data_in.size() > alloc) {
        r.data_in.resize(alloc);
    }
    return r;
}

Result Emulator::security_out(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out) {
    if (!encryption_capable()) {
        fail(sk::illegal_request, 0x20, 0x00);
    }
    if (cdb[1] != sk::protocol_tde) {
        invalid_cdb(1);
    }
    if (((cdb[2] << 8) | cdb[3]) != sk::page_set_data_encryption) {
        invalid_cdb(2);
    }
    if ((cdb[4] & 0x80u) != 0) {
        invalid_cdb(4, 7);
    }
    if (be32(cdb, 6) != data_out.size()) {
        fail(sk::illegal_request, 0x1A, 0x00);  // parameter list length error
    }
    if (m_locked_out) {
        fail(sk::data_protect, 0x26, 0x10);
    }
    set_data_encryption(data_out);
    return {};
}

// SSC-4 8.5, SPOUT page 0010h, with the rejections drives document (05/26/00 with a
// field pointer; ssc-encryption.md 3.8): every check happens before any
// parameter changes, so a refused page changes nothing.
void Emulator::set_data_encryption(std::span<const std::uint8_t> page) {
    std::size_t fault = 0;
    sk::DecodedSde d;
    try {
        d = sk::decode_set_data_encryption(page, &fault);
    } catch (const tapekey::Error&) {
        invalid_param(fault);
    }
    const auto& p = d.params;
    if (m_strict) {  // reserved fields are zero (pitfall P3); stenc 1.0.7 needs lenient
        if ((page[4] & 0x1Eu) != 0) {
            invalid_param(4, 4);
        }
        if (p.kad_format != 0) {
            invalid_param(10);  // KADF_C is 0: KAD FORMAT is reserved
        }
        for (std::size_t i = 11; i < 18; ++i) {
            if (page[i] != 0) {
                invalid_param(i);
            }
        }
    }
    if (p.scope > 2) {
        invalid_param(4, 7);
    }
    if (p.lock) {
        invalid_param(4, 0);  // LOCK_C is 0
    }
    if (p.ceem > 1) {
        invalid_param(5, 7);  // only "vendor specific" and "do not check"
    }
    if (p.rdmc == 1) {
        invalid_param(5, 5);
    }
    if (p.sdk) {
        invalid_param(5, 3);
    }
    if (p.ckod && (m_loaded.empty() || !m_ready)) {
        invalid_param(5, 2);  // clear-on-demount needs a mounted volume (pitfall P5)
    }
    if (p.ckorp) {
        invalid_param(5, 1);  // no persistent reservation is held
    }
    if (p.ckorl) {
        invalid_param(5, 0);
    }
    if (p.encryption != EncryptionMode::disable && p.encryption != EncryptionMode::encrypt) {
        invalid_param(6);  // EXTERNAL is not supported (EEMC_C 01b)
    }
    if (static_cast<unsigned>(p.decryption) > 3) {
        invalid_param(7);
    }
    if (p.algorithm_index != our_algorithm_index) {
        invalid_param(8);
    }
    if (p.key_format != 0) {
        invalid_param(9);
    }
    const bool needs_key = key_required(p.encryption, p.decryption);
    if (needs_key ? d.key_length != key_size : (d.key_length != 0 && d.key_length != key_size)) {
        invalid_param(18);
    }
    std::size_t at = sk::sde_header_size + d.key_length;
    bool seen_u = false;
    bool seen_a = false;
    for (const auto& k : p.kads) {
        if (p.encryption != EncryptionMode::encrypt) {
            invalid_param(at);  // KADs only with ENCRYPT
        }
        if (m_strict && page[at + 1] != 0) {
            invalid_param(at + 1);  // reserved | AUTHENTICATED must be 0 on data-out
        }
        if (k.type == static_cast<std::uint8_t>(tapekey::KadType::ukad) && !seen_u && !seen_a) {
            seen_u = true;
            if (k.data.size() > max_ukad) {
                invalid_param(at + 2);
            }
        } else if (k.type == static_cast<std::uint8_t>(tapekey::KadType::akad) && !seen_a) {
            seen_a = true;
            if (k.data.size() > max_akad) {
                invalid_param(at + 2);
            }
        } else {
            invalid_param(at);  // unsupported type, repeated, or out of type order
        }
        at += 4 + k.data.size();
    }
    if (p.scope == 0) {  // PUBLIC: the other fields are ignored; back to the defaults
        clear_key();
        ++m_key_instance_counter;
        return;
    }
    m_scope = p.scope;
    m_ceem = p.ceem;
    m_rdmc = p.rdmc;
    m_ckod = p.ckod;
    m_encryption = p.encryption;
    m_decryption = p.decryption;
    m_algorithm_index = p.algorithm_index;
    if (needs_key) {
        m_key = std::move(d.key);
    } else {
        m_key.reset();
    }
    m_kads = p.kads;
    ++m_key_instance_counter;
}

void Emulator::clear_key() noexcept {
    m_key.reset();
    m_kads.clear();
    m_encryption = EncryptionMode::disable;
    m_decryption = DecryptionMode::disable;
    m_algorithm_index = 0;
    m_scope = 0;
    m_ceem = 0;
    m_rdmc = 0;
    m_ckod = false;
}

// What WRITE stores: encrypted under the key when ENCRYPT is on and the
// medium can be encrypted; LTO-3 media silently in clear (pitfall P12).
Block Emulator::make_block(std::span<const std::uint8_t> data) {
    const Cartridge& c = m_shelf.at(m_loaded);
    const bool encrypt = encryption_capable() && m_encryption == EncryptionMode::encrypt && !m_key.empty() && !c.lto3;
    if (m_persona == Persona::ibm_lto4) {  // no mixing on one cartridge; the first write at BOT decides
        for (std::uint64_t i = 0; i < m_position && i < c.blocks.size(); ++i) {
            const Block& b = c.blocks[i];
            if (b.kind == Block::Kind::data && b.encrypted != encrypt) {
                fail(sk::data_protect, 0x74, 0x00);
            }
        }
    }
    Block b;
    if (!encrypt) {
        b.payload.assign(data.begin(), data.end());
        return b;
    }
    b.encrypted = true;
    b.algorithm_index = m_algorithm_index;
    b.kads = m_kads;
    b.key_check = gcm::key_check(m_key.expose());
    b.nonce = gcm::random_nonce();
    b.payload = gcm::seal(m_key.expose(), b.nonce, akad_of(b.kads), data);
    return b;
}

// SSC-4 8.5, SPOUT page 0010h DECRYPTION MODE against the block (ssc-encryption.md 4.1):
// DISABLE 07/74/01, RAW the stored bytes, DECRYPT/MIXED with another key
// 07/74/03 (ten in a row lock the drive: 07/26/10), a damaged block
// 07/74/04, a clear block under DECRYPT 07/74/02.
std::vector<std::uint8_t> Emulator::read_block_data(Block& b) {
    if (!b.encrypted) {
        if (m_decryption == DecryptionMode::decrypt) {
            fail(sk::data_protect, 0x74, 0x02);
        }
        return b.payload;
    }
    if (m_locked_out) {
        fail(sk::data_protect, 0x26, 0x10);
    }
    switch (m_decryption) {
        case DecryptionMode::raw: {
            std::vector<std::uint8_t> raw(b.nonce.begin(), b.nonce.end());
            raw.insert(raw.end(), b.payload.begin(), b.payload.end());
            return raw;
        }
        case DecryptionMode::decrypt:
        case DecryptionMode::mixed:
            break;
        default:
            fail(sk::data_protect, 0x74, 0x01);
    }
    if (m_key.empty()) {
        fail(sk::data_protect, 0x74, 0x01);
    }
    if (gcm::key_check(m_key.expose()) != b.key_check) {
        if (m_persona == Persona::hp_lto4 && ++m_wrong_key_reads >= wrong_key_limit) {
            m_locked_out = true;
        }
        fail(sk::data_protect, 0x74, 0x03);
    }
    auto plain = gcm::open(m_key.expose(), b.nonce, akad_of(b.kads), b.payload);
    if (!plain) {
        fail(sk::data_protect, 0x74, 0x04);
    }
    m_wrong_key_reads = 0;
    return std::move(*plain);
}

}  // namespace tapeemu
