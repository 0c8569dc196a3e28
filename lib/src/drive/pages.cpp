// Tape Data Encryption pages: docs/spec/ssc-pages.md, SSC-4 8.5, SPC-4
// SECURITY PROTOCOL IN/OUT/7.7. Offsets in comments are bytes from the start of the page.
#include "drive/pages.h"

#include <algorithm>
#include <string>

#include "drive/bytes.h"
#include "tapekey/error.h"

namespace tapekey::scsi {
namespace {

std::string page_name(std::uint16_t page, const char* title) {
    return "page " + page_code_hex(page) + " (" + title + ")";
}

Cdb12 security_cdb(std::uint8_t op, std::uint8_t protocol, std::uint16_t page, std::uint32_t length) noexcept {
    Cdb12 c{};
    c[0] = op;
    c[1] = protocol;
    set16(c, 2, page);  // SECURITY PROTOCOL SPECIFIC
    // byte 4: INC_512 = 0 (lengths in bytes), byte 5 reserved
    set32(c, 6, length);
    return c;  // byte 10 reserved, byte 11 CONTROL = 0
}

// The bytes of the page to parse: min(received, 4 + PAGE LENGTH), after
// checking the PAGE CODE. Returns a reader positioned after the header.
std::span<const std::uint8_t> page_body(std::span<const std::uint8_t> received, std::uint16_t page,
                                        const std::string& name) {
    Reader r(received, name);
    const std::uint16_t code = r.u16("PAGE CODE");
    if (code != page) {
        r.fail("PAGE CODE is " + std::to_string(code) + ", expected " + std::to_string(page));
    }
    const std::size_t declared = std::size_t{4} + r.u16("PAGE LENGTH");
    return received.first(std::min(declared, received.size()));
}

std::vector<std::uint8_t> header(std::uint16_t page) {
    std::vector<std::uint8_t> out;
    put16(out, page);
    put16(out, 0);  // PAGE LENGTH, patched by finish()
    return out;
}

std::vector<std::uint8_t> finish(std::vector<std::uint8_t> out) {
    set16(out, 2, out.size() - 4);
    return out;
}

}  // namespace

std::string page_code_hex(std::uint16_t page) {
    static const char* digits = "0123456789abcdef";
    std::string code;
    for (int shift = 12; shift >= 0; shift -= 4) {
        code += digits[(page >> shift) & 15];
    }
    return code + "h";
}

Cdb12 spin_cdb(std::uint8_t protocol, std::uint16_t page, std::uint32_t allocation_length) noexcept {
    return security_cdb(op_spin, protocol, page, allocation_length);
}

Cdb12 spout_cdb(std::uint8_t protocol, std::uint16_t page, std::uint32_t transfer_length) noexcept {
    return security_cdb(op_spout, protocol, page, transfer_length);
}

std::size_t declared_page_size(std::span<const std::uint8_t> received, std::uint16_t page) {
    Reader r(received, page_name(page, "header"));
    r.skip(2, "PAGE CODE");
    return std::size_t{4} + r.u16("PAGE LENGTH");
}

// SPC-4 security protocol 00h, page 0000h: bytes 0-5 reserved, 6-7 SUPPORTED SECURITY PROTOCOL LIST
// LENGTH, then one byte per protocol.
std::vector<std::uint8_t> decode_protocol_list(std::span<const std::uint8_t> received) {
    Reader r(received, "supported security protocol list");
    r.skip(6, "reserved bytes 0-5");
    const std::uint16_t n = r.u16("SUPPORTED SECURITY PROTOCOL LIST LENGTH");
    const auto list = r.bytes(std::min<std::size_t>(n, r.remaining()), "SUPPORTED SECURITY PROTOCOL");
    return {list.begin(), list.end()};
}

std::vector<std::uint8_t> encode_protocol_list(std::span<const std::uint8_t> protocols) {
    std::vector<std::uint8_t> out(6, 0);
    put16(out, static_cast<unsigned>(protocols.size()));
    out.insert(out.end(), protocols.begin(), protocols.end());
    return out;
}

// SSC-4 8.5, pages 0000h/0001h: header, then 2-byte page codes in ascending order.
std::vector<std::uint16_t> decode_page_list(std::span<const std::uint8_t> received, std::uint16_t page) {
    const auto name = page_name(page, page == page_in_support ? "in support" : "out support");
    Reader r(page_body(received, page, name), name);
    r.skip(4, "header");
    if (r.remaining() % 2 != 0) {
        r.fail("PAGE LENGTH is odd; page codes are 2 bytes each");
    }
    std::vector<std::uint16_t> codes;
    while (!r.done()) {
        codes.push_back(r.u16("SECURITY PROTOCOL PAGE CODE"));
    }
    return codes;
}

std::vector<std::uint8_t> encode_page_list(std::uint16_t page, std::span<const std::uint16_t> codes) {
    auto out = header(page);
    for (const auto c : codes) {
        put16(out, c);
    }
    return finish(std::move(out));
}

// SSC-4 8.5, page 0010h (Data Encryption Capabilities): 20-byte header, then
// algorithm descriptors of 4 + DESCRIPTOR LENGTH bytes.
Capabilities decode_capabilities(std::span<const std::uint8_t> received) {
    const auto name = page_name(page_capabilities, "data encryption capabilities");
    const auto body = page_body(received, page_capabilities, name);
    Reader r(body, name);
    r.skip(4, "header");
    Capabilities caps;
    const std::uint8_t b4 = r.u8("byte 4 (EXTDECC, CFG_P)");
    caps.extdecc = static_cast<std::uint8_t>(bits(b4, 3, 2));
    caps.cfg_p = static_cast<std::uint8_t>(bits(b4, 1, 0));
    r.skip(15, "reserved bytes 5-19");
    for (std::size_t n = 1; !r.done(); ++n) {
        const std::string dname = name + ", algorithm descriptor " + std::to_string(n);
        Reader head = r.sub(4, "algorithm descriptor header", dname);
        AlgorithmDescriptor a;
        a.index = head.u8("ALGORITHM INDEX");
        head.skip(1, "reserved");
        const std::uint16_t length = head.u16("DESCRIPTOR LENGTH");
        Reader d = r.sub(length, "algorithm descriptor (DESCRIPTOR LENGTH)", dname);
        const std::uint8_t b0 = d.u8("byte 4 (AVFMV .. ENCRYPT_C)");
        a.avfmv = bit(b0, 7);
        a.sdk_c = bit(b0, 6);
        a.mac_c = bit(b0, 5);
        a.delb_c = bit(b0, 4);
        a.decrypt_c = static_cast<std::uint8_t>(bits(b0, 3, 2));
        a.encrypt_c = static_cast<std::uint8_t>(bits(b0, 1, 0));
        const std::uint8_t b1 = d.u8("byte 5 (AVFCLP .. AKADF)");
        a.avfclp = static_cast<std::uint8_t>(bits(b1, 7, 6));
        a.nonce_c = static_cast<std::uint8_t>(bits(b1, 5, 4));
        a.kadf_c = bit(b1, 3);
        a.vcelb_c = bit(b1, 2);
        a.ukadf = bit(b1, 1);
        a.akadf = bit(b1, 0);
        a.max_ukad = d.u16("MAXIMUM UNAUTHENTICATED KEY-ASSOCIATED DATA BYTES");
        a.max_akad = d.u16("MAXIMUM AUTHENTICATED KEY-ASSOCIATED DATA BYTES");
        a.key_size = d.u16("KEY SIZE");
        const std::uint8_t b8 = d.u8("byte 12 (DKAD_C .. EAREM)");
        a.dkad_c = static_cast<std::uint8_t>(bits(b8, 7, 6));
        a.eemc_c = static_cast<std::uint8_t>(bits(b8, 5, 4));
        a.rdmc_c = static_cast<std::uint8_t>(bits(b8, 3, 1));
        a.earem = bit(b8, 0);
        a.max_eedk_count = static_cast<std::uint8_t>(bits(d.u8("MAXIMUM EEDK COUNT"), 3, 0));
        a.msdk_count = d.u16("MSDK COUNT");
        a.max_eedk_size = d.u16("MAXIMUM EEDK SIZE");
        d.skip(2, "reserved bytes 18-19");
        a.algorithm = d.u32("SECURITY ALGORITHM CODE");
        caps.algorithms.push_back(a);
    }
    return caps;
}

std::vector<std::uint8_t> encode_capabilities(const Capabilities& caps) {
    auto out = header(page_capabilities);
    put8(out, (caps.extdecc & 3u) << 2 | (caps.cfg_p & 3u));
    out.resize(20, 0);
    for (const auto& a : caps.algorithms) {
        put8(out, a.index);
        put8(out, 0);
        put16(out, 20);  // DESCRIPTOR LENGTH
        put8(out, unsigned{a.avfmv} << 7 | unsigned{a.sdk_c} << 6 | unsigned{a.mac_c} << 5 | unsigned{a.delb_c} << 4 |
                      (a.decrypt_c & 3u) << 2 | (a.encrypt_c & 3u));
        put8(out, (a.avfclp & 3u) << 6 | (a.nonce_c & 3u) << 4 | unsigned{a.kadf_c} << 3 | unsigned{a.vcelb_c} << 2 |
                      unsigned{a.ukadf} << 1 | unsigned{a.akadf});
        put16(out, a.max_ukad);
        put16(out, a.max_akad);
        put16(out, a.key_size);
        put8(out, (a.dkad_c & 3u) << 6 | (a.eemc_c & 3u) << 4 | (a.rdmc_c & 7u) << 1 | unsigned{a.earem});
        put8(out, a.max_eedk_count & 15u);
        put16(out, a.msdk_count);
        put16(out, a.max_eedk_size);
        put16(out, 0);
        put32(out, a.algorithm);
    }
    return finish(std::move(out));
}

// SSC-4 8.5, page 0011h (Supported Key Formats): one byte per key format.
std::vector<std::uint8_t> decode_key_formats(std::span<const std::uint8_t> received) {
    const auto name = page_name(page_key_formats, "supported key formats");
    const auto body = page_body(received, page_key_formats, name);
    Reader r(body, name);
    r.skip(4, "header");
    const auto list = r.bytes(r.remaining(), "SUPPORTED KEY FORMATS LIST");
    return {list.begin(), list.end()};
}

std::vector<std::uint8_t> encode_key_formats(std::span<const std::uint8_t> formats) {
    auto out = header(page_key_formats);
    out.insert(out.end(), formats.begin(), formats.end());
    return finish(std::move(out));
}

// SSC-4 8.5, page 0012h (Data Encryption Management Capabilities), 16 bytes.
ManagementCapabilities decode_management_capabilities(std::span<const std::uint8_t> received) {
    const auto name = page_name(page_management_capabilities, "data encryption management capabilities");
    Reader r(page_body(received, page_management_capabilities, name), name);
    r.skip(4, "header");
    ManagementCapabilities m;
    m.lock_c = bit(r.u8("byte 4 (LOCK_C)"), 0);
    const std::uint8_t b5 = r.u8("byte 5 (CKOD_C, CKORP_C, CKORL_C)");
    m.ckod_c = bit(b5, 2);
    m.ckorp_c = bit(b5, 1);
    m.ckorl_c = bit(b5, 0);
    r.skip(1, "reserved byte 6");
    const std::uint8_t b7 = r.u8("byte 7 (AITN_C, LOCAL_C, PUBLIC_C)");
    m.aitn_c = bit(b7, 2);
    m.local_c = bit(b7, 1);
    m.public_c = bit(b7, 0);
    return m;
}

std::vector<std::uint8_t> encode_management_capabilities(const ManagementCapabilities& m) {
    auto out = header(page_management_capabilities);
    put8(out, unsigned{m.lock_c});
    put8(out, unsigned{m.ckod_c} << 2 | unsigned{m.ckorp_c} << 1 | unsigned{m.ckorl_c});
    put8(out, 0);
    put8(out, unsigned{m.aitn_c} << 2 | unsigned{m.local_c} << 1 | unsigned{m.public_c});
    out.resize(16, 0);  // bytes 8-15 reserved
    return finish(std::move(out));
}

// SSC-4r03 8.5.4.2.1 Table 197: type, AUTHENTICATED, length, descriptor.
std::vector<Kad> decode_kads(std::span<const std::uint8_t> page, std::size_t offset, const char* page_title) {
    Reader r(page.subspan(offset), page_title, offset);
    std::vector<Kad> kads;
    for (std::size_t n = 1; !r.done(); ++n) {
        const std::string kname = std::string(page_title) + ", key descriptor " + std::to_string(n);
        Reader head = r.sub(4, "KAD descriptor header", kname);
        Kad k;
        k.type = head.u8("KEY DESCRIPTOR TYPE");
        k.authenticated = static_cast<std::uint8_t>(bits(head.u8("AUTHENTICATED"), 2, 0));
        const std::uint16_t length = head.u16("KEY DESCRIPTOR LENGTH");
        const auto data = r.bytes(length, "KEY DESCRIPTOR (KEY DESCRIPTOR LENGTH)");
        k.data.assign(data.begin(), data.end());
        kads.push_back(std::move(k));
    }
    return kads;
}

void encode_kads(std::vector<std::uint8_t>& out, std::span<const Kad> kads) {
    for (const auto& k : kads) {
        put8(out, k.type);
        put8(out, k.authenticated & 7u);
        put16(out, static_cast<unsigned>(k.data.size()));
        out.insert(out.end(), k.data.begin(), k.data.end());
    }
}

// SSC-4 8.5, page 0020h (Data Encryption Status): 24-byte header, then KADs.
EncryptionStatus decode_status(std::span<const std::uint8_t> received) {
    const auto name = page_name(page_status, "data encryption status");
    const auto body = page_body(received, page_status, name);
    Reader r(body, name);
    r.skip(4, "header");
    EncryptionStatus s;
    const std::uint8_t b4 = r.u8("byte 4 (I_T NEXUS SCOPE, KEY SCOPE)");
    s.it_nexus_scope = static_cast<std::uint8_t>(bits(b4, 7, 5));
    s.key_scope = static_cast<std::uint8_t>(bits(b4, 2, 0));
    s.encryption = static_cast<EncryptionMode>(r.u8("ENCRYPTION MODE"));
    s.decryption = static_cast<DecryptionMode>(r.u8("DECRYPTION MODE"));
    s.algorithm_index = r.u8("ALGORITHM INDEX");
    s.key_instance_counter = r.u32("KEY INSTANCE COUNTER");
    const std::uint8_t b12 = r.u8("byte 12 (PARAMETERS CONTROL .. RDMD)");
    s.parameters_control = static_cast<std::uint8_t>(bits(b12, 6, 4));
    s.vcelb = bit(b12, 3);
    s.ceems = static_cast<std::uint8_t>(bits(b12, 2, 1));
    s.rdmd = bit(b12, 0);
    s.kad_format = r.u8("KAD FORMAT");
    s.asdk_count = r.u16("AVAILABLE SUPPLEMENTAL DECRYPTION KEYS");
    r.skip(8, "reserved bytes 16-23");
    s.kads = decode_kads(body, r.offset(), "page 0020h (data encryption status)");
    return s;
}

std::vector<std::uint8_t> encode_status(const EncryptionStatus& s) {
    auto out = header(page_status);
    put8(out, (s.it_nexus_scope & 7u) << 5 | (s.key_scope & 7u));
    put8(out, static_cast<unsigned>(s.encryption));
    put8(out, static_cast<unsigned>(s.decryption));
    put8(out, s.algorithm_index);
    put32(out, s.key_instance_counter);
    put8(out, (s.parameters_control & 7u) << 4 | unsigned{s.vcelb} << 3 | (s.ceems & 3u) << 1 | unsigned{s.rdmd});
    put8(out, s.kad_format);
    put16(out, s.asdk_count);
    out.resize(24, 0);
    encode_kads(out, s.kads);
    return finish(std::move(out));
}

// SSC-4 8.5, page 0021h (Next Block Encryption Status): 16-byte header, then KADs.
NextBlockStatus decode_next_block(std::span<const std::uint8_t> received) {
    const auto name = page_name(page_next_block, "next block encryption status");
    const auto body = page_body(received, page_next_block, name);
    Reader r(body, name);
    r.skip(4, "header");
    NextBlockStatus s;
    s.logical_object_number = r.u64("LOGICAL OBJECT NUMBER");
    const std::uint8_t b12 = r.u8("byte 12 (COMPRESSION STATUS, ENCRYPTION STATUS)");
    s.compression_status = static_cast<std::uint8_t>(bits(b12, 7, 4));
    const unsigned status = bits(b12, 3, 0);
    if (status > 6) {
        r.fail("ENCRYPTION STATUS " + std::to_string(status) + " is reserved");
    }
    s.encryption = static_cast<BlockEncryption>(status);
    s.algorithm_index = r.u8("ALGORITHM INDEX");
    const std::uint8_t b14 = r.u8("byte 14 (EMES, RDMDS)");
    s.emes = bit(b14, 1);
    s.rdmds = bit(b14, 0);
    s.kad_format = r.u8("NEXT BLOCK KAD FORMAT");
    s.kads = decode_kads(body, r.offset(), "page 0021h (next block encryption status)");
    return s;
}

std::vector<std::uint8_t> encode_next_block(const NextBlockStatus& s) {
    auto out = header(page_next_block);
    put64(out, s.logical_object_number);
    put8(out, (s.compression_status & 15u) << 4 | (static_cast<unsigned>(s.encryption) & 15u));
    put8(out, s.algorithm_index);
    put8(out, unsigned{s.emes} << 1 | unsigned{s.rdmds});
    put8(out, s.kad_format);
    encode_kads(out, s.kads);
    return finish(std::move(out));
}

// SSC-4 8.5, SPOUT page 0010h (Set Data Encryption), the key-loading page.
SecretBytes encode_set_data_encryption(const SetDataEncryption& p, std::span<const std::uint8_t> key) {
    std::vector<std::uint8_t> tail;  // KAD descriptors: not secret
    encode_kads(tail, p.kads);
    SecretBytes page(sde_header_size + key.size() + tail.size());
    auto b = page.expose();  // zero-initialised: every reserved field is 0 (pitfall P3)
    set16(b, 0, page_set_data_encryption);
    set16(b, 2, b.size() - 4);
    b[4] = static_cast<std::uint8_t>((p.scope & 7u) << 5 | unsigned{p.lock});
    b[5] = static_cast<std::uint8_t>((p.ceem & 3u) << 6 | (p.rdmc & 3u) << 4 | unsigned{p.sdk} << 3 |
                                     unsigned{p.ckod} << 2 | unsigned{p.ckorp} << 1 | unsigned{p.ckorl});
    b[6] = static_cast<std::uint8_t>(p.encryption);
    b[7] = static_cast<std::uint8_t>(p.decryption);
    b[8] = p.algorithm_index;
    b[9] = p.key_format;
    b[10] = p.kad_format;
    set16(b, 18, key.size());
    std::copy(key.begin(), key.end(), b.begin() + sde_header_size);
    std::copy(tail.begin(), tail.end(), b.begin() + static_cast<std::ptrdiff_t>(sde_header_size + key.size()));
    return page;
}

DecodedSde decode_set_data_encryption(std::span<const std::uint8_t> page, std::size_t* fault_byte) {
    const std::string name = "page 0010h (set data encryption)";
    auto at = [&](std::size_t byte) {
        if (fault_byte != nullptr) {
            *fault_byte = byte;
        }
    };
    Reader r(page, name);
    at(0);
    if (r.u16("PAGE CODE") != page_set_data_encryption) {
        r.fail("PAGE CODE is not 0010h");
    }
    at(2);
    const std::size_t declared = std::size_t{4} + r.u16("PAGE LENGTH");
    if (declared != page.size() || declared < sde_header_size) {
        r.fail("PAGE LENGTH + 4 = " + std::to_string(declared) + " does not match the " + std::to_string(page.size()) +
               " bytes sent (at least 20)");
    }
    DecodedSde d;
    auto& p = d.params;
    const std::uint8_t b4 = r.u8("byte 4 (SCOPE, LOCK)");
    p.scope = static_cast<std::uint8_t>(bits(b4, 7, 5));
    p.lock = bit(b4, 0);
    const std::uint8_t b5 = r.u8("byte 5 (CEEM .. CKORL)");
    p.ceem = static_cast<std::uint8_t>(bits(b5, 7, 6));
    p.rdmc = static_cast<std::uint8_t>(bits(b5, 5, 4));
    p.sdk = bit(b5, 3);
    p.ckod = bit(b5, 2);
    p.ckorp = bit(b5, 1);
    p.ckorl = bit(b5, 0);
    p.encryption = static_cast<EncryptionMode>(r.u8("ENCRYPTION MODE"));
    p.decryption = static_cast<DecryptionMode>(r.u8("DECRYPTION MODE"));
    p.algorithm_index = r.u8("ALGORITHM INDEX");
    p.key_format = r.u8("LOGICAL BLOCK ENCRYPTION KEY FORMAT");
    p.kad_format = r.u8("KAD FORMAT");
    r.skip(7, "reserved bytes 11-17");
    at(18);
    d.key_length = r.u16("LOGICAL BLOCK ENCRYPTION KEY LENGTH");
    const auto key = r.bytes(d.key_length, "LOGICAL BLOCK ENCRYPTION KEY (KEY LENGTH)");
    d.key = SecretBytes::copy_of(key);
    const std::size_t kad_start = r.offset();
    at(kad_start);
    p.kads = decode_kads(page, kad_start, "page 0010h (set data encryption)");
    return d;
}

// ---- Mode parameters: SPC-4 MODE SENSE(10)/MODE SELECT(10), SSC-4 8.3 page 10h
// (docs/spec/ssc-pages.md section 8).

Cdb10 mode_sense10_cdb(std::uint8_t page, std::uint8_t page_control, std::uint16_t allocation_length) noexcept {
    Cdb10 c{};
    c[0] = op_mode_sense10;
    c[1] = 0x08;  // LLBAA 0 | DBD 1: no block descriptor
    c[2] = static_cast<std::uint8_t>((page_control & 3u) << 6 | (page & 0x3Fu));
    set16(c, 7, allocation_length);  // byte 3 SUBPAGE CODE 0, 4-6 reserved, 9 CONTROL 0
    return c;
}

Cdb10 mode_select10_cdb(std::uint16_t parameter_list_length) noexcept {
    Cdb10 c{};
    c[0] = op_mode_select10;
    c[1] = 0x10;  // PF 1 | SP 0: not saved
    set16(c, 7, parameter_list_length);
    return c;
}

std::span<const std::uint8_t> mode_page_of(std::span<const std::uint8_t> received, std::uint8_t page,
                                           std::size_t min_size, const char* title) {
    const std::string name = "mode page " + page_code_hex(page).substr(2) + " (" + title + ")";
    Reader r(received, name);
    r.skip(6, "mode parameter header");
    const std::size_t descriptors = r.u16("BLOCK DESCRIPTOR LENGTH");
    r.skip(descriptors, "block descriptors");
    const std::size_t at = r.offset();
    const std::uint8_t code = r.u8("PAGE CODE") & 0x3Fu;
    if (code != page) {
        r.fail("PAGE CODE is " + page_code_hex(code).substr(2));
    }
    const std::size_t declared = std::size_t{2} + r.u8("PAGE LENGTH");
    const auto body = received.subspan(at, std::min(declared, received.size() - at));
    if (body.size() < min_size) {
        r.fail("the page has " + std::to_string(body.size()) + " bytes, at least " + std::to_string(min_size) +
               " expected");
    }
    return body;
}

DeviceConfiguration decode_device_configuration(std::span<const std::uint8_t> received) {
    const auto body = mode_page_of(received, mode_page_device_configuration, device_configuration_size,
                                   "device configuration");
    DeviceConfiguration d;
    d.device_specific = received[3];
    std::copy_n(body.begin(), device_configuration_size, d.page.begin());
    return d;
}

std::vector<std::uint8_t> encode_device_configuration(const DeviceConfiguration& d) {
    std::vector<std::uint8_t> out;
    put16(out, mode_header10_size - 2 + device_configuration_size);  // MODE DATA LENGTH
    put8(out, 0);                                                    // MEDIUM TYPE
    put8(out, d.device_specific);
    put16(out, 0);  // reserved
    put16(out, 0);  // BLOCK DESCRIPTOR LENGTH
    out.insert(out.end(), d.page.begin(), d.page.end());
    return out;
}

std::vector<std::uint8_t> encode_device_configuration_select(const DeviceConfiguration& current, bool asocwp) {
    DeviceConfiguration d = current;
    d.device_specific &= 0x7Fu;  // WP is ignored on select
    d.page[0] &= 0x3Fu;          // PS is reserved on select (SPF 0)
    d.page[1] = device_configuration_size - 2;
    d.page[2] &= 0x1Fu;  // CAP, CAF: commands, not state
    d.page[15] = static_cast<std::uint8_t>((d.page[15] & ~0x04u) | (asocwp ? 0x04u : 0u));
    std::vector<std::uint8_t> out = encode_device_configuration(d);
    set16(out, 0, 0);  // MODE DATA LENGTH is reserved on select
    return out;
}

DeviceConfiguration decode_device_configuration_select(std::span<const std::uint8_t> list, bool ten,
                                                       std::size_t* fault_byte) {
    const std::string name = std::string("mode select(") + (ten ? "10" : "6") + ") parameter list";
    auto at = [&](std::size_t byte) {
        if (fault_byte != nullptr) {
            *fault_byte = byte;
        }
    };
    Reader r(list, name);
    at(0);
    DeviceConfiguration d;
    r.skip(ten ? 3 : 2, "MODE DATA LENGTH, MEDIUM TYPE");
    d.device_specific = r.u8("DEVICE-SPECIFIC PARAMETER");
    std::size_t descriptors = 0;
    if (ten) {
        r.skip(2, "reserved");
        at(6);
        descriptors = r.u16("BLOCK DESCRIPTOR LENGTH");
    } else {
        at(3);
        descriptors = r.u8("BLOCK DESCRIPTOR LENGTH");
    }
    if (descriptors != 0 && descriptors != 8) {
        r.fail("BLOCK DESCRIPTOR LENGTH is " + std::to_string(descriptors) + ", 0 or 8 expected");
    }
    r.skip(descriptors, "block descriptor");
    const std::size_t page_at = r.offset();
    at(page_at);
    const std::uint8_t b0 = r.u8("PAGE CODE");
    if ((b0 & 0x3Fu) != mode_page_device_configuration || (b0 & 0xC0u) != 0) {
        r.fail("only page 10h (device configuration) may be selected, with PS and SPF 0");
    }
    at(page_at + 1);
    if (r.u8("PAGE LENGTH") != device_configuration_size - 2 || r.remaining() != device_configuration_size - 2) {
        r.fail("PAGE LENGTH must be 0Eh and the page the last thing sent");
    }
    const auto body = list.subspan(page_at, device_configuration_size);
    std::copy(body.begin(), body.end(), d.page.begin());
    return d;
}

// ---- Log pages: SPC-4 LOG SENSE, the TapeAlert page 2Eh (docs/spec/ssc-pages.md section 9).

Cdb10 log_sense_cdb(std::uint8_t page, std::uint16_t allocation_length) noexcept {
    Cdb10 c{};
    c[0] = op_log_sense;
    c[2] = static_cast<std::uint8_t>(0x40u | (page & 0x3Fu));  // PC 01b: current cumulative values
    set16(c, 7, allocation_length);  // byte 1 PPC 0 SP 0, 3 SUBPAGE 0, 5-6 PARAMETER POINTER 0
    return c;
}

std::vector<unsigned> decode_tape_alert(std::span<const std::uint8_t> received) {
    Reader header(received, "log page 2eh (tapealert)");
    if ((header.u8("PAGE CODE") & 0x3Fu) != log_page_tape_alert) {
        header.fail("PAGE CODE is not 2Eh");
    }
    header.skip(1, "SUBPAGE CODE");
    const std::size_t declared = std::size_t{4} + header.u16("PAGE LENGTH");
    Reader r(received.first(std::min(declared, received.size())), "log page 2eh (tapealert)");
    r.skip(4, "header");
    std::vector<unsigned> set;
    while (!r.done()) {
        const unsigned code = r.u16("PARAMETER CODE");
        r.skip(1, "parameter control byte");
        const auto value = r.bytes(r.u8("PARAMETER LENGTH"), "parameter value");
        if (code >= 1 && code <= tape_alert_flags && !value.empty() && (value[0] & 1u) != 0) {
            set.push_back(code);
        }
    }
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    return set;
}

std::vector<std::uint8_t> encode_tape_alert(std::span<const unsigned> set) {
    std::vector<std::uint8_t> out;
    put8(out, log_page_tape_alert);
    put8(out, 0);   // SUBPAGE CODE
    put16(out, 0);  // PAGE LENGTH, below
    for (unsigned flag = 1; flag <= tape_alert_flags; ++flag) {
        put16(out, flag);
        put8(out, 0);  // control byte
        put8(out, 1);  // PARAMETER LENGTH
        put8(out, std::find(set.begin(), set.end(), flag) != set.end() ? 1u : 0u);
    }
    set16(out, 2, out.size() - 4);
    return out;
}

}  // namespace tapekey::scsi
