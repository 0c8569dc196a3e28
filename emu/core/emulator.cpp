// The emulator's SCSI commands other than the security protocol ones:
// SPC-4 (INQUIRY, TEST UNIT READY, REQUEST SENSE, MODE SENSE(6)/(10)) and SSC-4 (READ BLOCK LIMITS, LOAD UNLOAD,
// REWIND, READ(6), WRITE(6), WRITE FILEMARKS(6), SPACE(6), READ POSITION), variable-block mode only, one partition.
#include <algorithm>
#include <cstring>

#include "check.h"
#include "drive/bytes.h"
#include "drive/pages.h"
#include "tapekey/error.h"

namespace tapeemu {

using tapekey::scsi::put16;
using tapekey::scsi::put32;
using tapekey::scsi::put8;
namespace sk = tapekey::scsi;

namespace {

constexpr std::uint32_t max_block = 0x80000;  // READ BLOCK LIMITS: 512 KiB

struct Identity {
    const char* product;
    const char* serial;
};

Identity identity_of(Persona p) {
    switch (p) {
        case Persona::hp_lto4:
            return {"EMU HP LTO-4", "TKE4HP0001"};
        case Persona::ibm_lto4:
            return {"EMU IBM LTO-4", "TKE4IBM001"};
        case Persona::no_encryption:
            return {"EMU NO CRYPTO", "TKE3NC0001"};
    }
    return {"EMU", "TKE0000000"};
}

// Space-padded ASCII field of a fixed width (SPC-4 ASCII data field).
void put_ascii(std::vector<std::uint8_t>& out, std::string_view s, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) {
        out.push_back(static_cast<std::uint8_t>(i < s.size() ? s[i] : ' '));
    }
}

}  // namespace

const char* persona_name(Persona p) noexcept {
    switch (p) {
        case Persona::hp_lto4:
            return "hp-lto4";
        case Persona::ibm_lto4:
            return "ibm-lto4";
        case Persona::no_encryption:
            return "no-encryption";
    }
    return "unknown";
}

std::optional<Persona> persona_from_name(std::string_view name) noexcept {
    for (const auto p : {Persona::hp_lto4, Persona::ibm_lto4, Persona::no_encryption}) {
        if (name == persona_name(p)) {
            return p;
        }
    }
    return std::nullopt;
}

Emulator::Emulator(Persona persona, bool strict, bool asocwp_capable)
    : m_persona(persona), m_strict(strict), m_asocwp_c(asocwp_capable) {}

Result Emulator::execute(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out,
                         std::uint32_t alloc_len) {
    Result r;
    try {
        if (cdb.empty()) {
            invalid_cdb(0);
        }
        // A pending unit attention ends any command but INQUIRY and REQUEST
        // SENSE, once (SAM-5, SPC-4 unit attention condition).
        if (m_unit_attention && cdb[0] != 0x12 && cdb[0] != 0x03) {
            const auto [asc, ascq] = *m_unit_attention;
            m_unit_attention.reset();
            fail(sk::unit_attention, asc, ascq);
        }
        r = dispatch(cdb, data_out);
    } catch (const Check& c) {
        r.status = status_check_condition;
        r.sense = sk::encode_fixed_sense(c.sense);
        r.data_in = c.data_in;
    }
    if (r.data_in.size() > alloc_len) {
        r.data_in.resize(alloc_len);
    }
    return r;
}

Result Emulator::dispatch(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out) {
    const std::uint8_t op = cdb[0];
    const std::size_t need = op < 0x20 ? 6 : op < 0x60 ? 10 : op < 0xA0 ? 16 : 12;
    if (cdb.size() < need) {
        invalid_cdb(0);
    }
    switch (op) {
        case 0x00:  // TEST UNIT READY
            (void)medium();
            return {};
        case 0x01:  // REWIND
            (void)medium();
            m_position = 0;
            return {};
        case 0x03:
            return request_sense(cdb);
        case 0x05: {  // READ BLOCK LIMITS: granularity, maximum and minimum block length
            Result r;
            put8(r.data_in, 0);
            put8(r.data_in, max_block >> 16);
            put16(r.data_in, max_block & 0xFFFF);
            put16(r.data_in, 1);
            return r;
        }
        case 0x08:
            return read6(cdb);
        case 0x0A:
            return write6(cdb, data_out);
        case 0x10:
            return write_filemarks(cdb);
        case 0x11:
            return space(cdb);
        case 0x12:
            return inquiry(cdb);
        case 0x15:
            return mode_select(cdb, data_out, false);
        case 0x1A:
            return mode_sense(cdb, false);
        case 0x1B:
            return load_unload(cdb);
        case 0x34:
            return read_position(cdb);
        case 0x4D:
            return log_sense(cdb);
        case 0x55:
            return mode_select(cdb, data_out, true);
        case 0x5A:
            return mode_sense(cdb, true);
        case 0xA2:
            return security_in(cdb);
        case 0xB5:
            return security_out(cdb, data_out);
        default:
            fail(sk::illegal_request, 0x20, 0x00);
    }
}

Cartridge& Emulator::medium() {
    if (m_loaded.empty()) {
        fail(sk::not_ready, 0x3A, 0x00);  // medium not present
    }
    if (!m_ready) {
        fail(sk::not_ready, 0x04, 0x02);  // initializing command required (LOAD)
    }
    return m_shelf.at(m_loaded);
}

// SPC-4 INQUIRY: standard data (36 bytes) or VPD pages 00h, 80h, 83h.
Result Emulator::inquiry(std::span<const std::uint8_t> cdb) {
    const bool evpd = (cdb[1] & 1u) != 0;
    const std::uint8_t page = cdb[2];
    const std::uint16_t alloc = static_cast<std::uint16_t>((cdb[3] << 8) | cdb[4]);
    const auto id = identity_of(m_persona);
    Result r;
    auto& d = r.data_in;
    if (!evpd) {
        if (page != 0) {
            invalid_cdb(2);
        }
        put8(d, 0x01);  // PERIPHERAL QUALIFIER 0 | DEVICE TYPE 01h sequential-access
        put8(d, 0x80);  // RMB: removable medium
        put8(d, 0x06);  // VERSION: SPC-4
        put8(d, 0x02);  // RESPONSE DATA FORMAT 2
        put8(d, 31);    // ADDITIONAL LENGTH
        put8(d, 0x00);
        put8(d, 0x00);
        put8(d, 0x02);  // CMDQUE
        put_ascii(d, "TAPEKEY", 8);
        put_ascii(d, id.product, 16);
        put_ascii(d, "0001", 4);
    } else {
        put8(d, 0x01);
        put8(d, page);
        put16(d, 0);
        if (page == 0x00) {  // supported VPD pages
            for (const unsigned p : {0x00u, 0x80u, 0x83u}) {
                put8(d, p);
            }
        } else if (page == 0x80) {  // unit serial number
            put_ascii(d, id.serial, 10);
        } else if (page == 0x83) {  // device identification: one T10 vendor ID designator
            put8(d, 0x02);          // PROTOCOL IDENTIFIER 0 | CODE SET 2 ASCII
            put8(d, 0x01);          // PIV 0 | ASSOCIATION 0 logical unit | DESIGNATOR TYPE 1 T10 vendor ID
            put8(d, 0x00);
            put8(d, 18);
            put_ascii(d, "TAPEKEY", 8);
            put_ascii(d, id.serial, 10);
        } else {
            invalid_cdb(2);
        }
        tapekey::scsi::set16(d, 2, d.size() - 4);
    }
    if (d.size() > alloc) {
        d.resize(alloc);
    }
    return r;
}

// SPC-4 REQUEST SENSE: the pending unit attention, or the medium state, or NO SENSE;
// DESC = 1 asks for descriptor format.
Result Emulator::request_sense(std::span<const std::uint8_t> cdb) {
    sk::Sense s;
    if (m_unit_attention) {
        s.key = sk::unit_attention;
        s.asc = m_unit_attention->first;
        s.ascq = m_unit_attention->second;
        m_unit_attention.reset();
    } else if (m_loaded.empty()) {
        s.key = sk::not_ready;
        s.asc = 0x3A;
    }
    Result r;
    r.data_in = (cdb[1] & 1u) != 0 ? sk::encode_descriptor_sense(s) : sk::encode_fixed_sense(s);
    if (r.data_in.size() > cdb[4]) {
        r.data_in.resize(cdb[4]);
    }
    return r;
}

// SPC-4 MODE SENSE(6)/(10) and SSC-4 mode parameters: header, one block descriptor (density code,
// variable block length), and the data compression page 0Fh when asked.
Result Emulator::mode_sense(std::span<const std::uint8_t> cdb, bool ten) {
    const bool dbd = (cdb[1] & 0x08u) != 0;
    const std::uint8_t page = cdb[2] & 0x3Fu;
    const std::uint8_t pc = cdb[2] >> 6;
    if (page != 0x00 && page != 0x0F && page != 0x10 && page != 0x1D && page != 0x3F) {
        invalid_cdb(2, 5);
    }
    if (pc == 3) {
        fail(sk::illegal_request, 0x39, 0x00);  // saving parameters not supported
    }
    const bool lto3 = !m_loaded.empty() && m_shelf.at(m_loaded).lto3;
    std::vector<std::uint8_t> body;
    if (!dbd) {
        put8(body, m_loaded.empty() ? 0x00 : lto3 ? 0x44 : 0x46);  // DENSITY CODE: LTO-3 44h, LTO-4 46h
        put8(body, 0);
        put16(body, 0);  // NUMBER OF BLOCKS 0
        put32(body, 0);  // reserved | BLOCK LENGTH 0: variable
    }
    const std::size_t descriptors = body.size();
    if (page == 0x0F || page == 0x3F) {
        // data compression page (SSC-4): DCE 0, DCC 1, DDE 1, no algorithm
        for (const unsigned b : {0x0Fu, 0x0Eu, 0x40u, 0x80u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u}) {
            put8(body, b);
        }
    }
    if (page == 0x10 || page == 0x3F) {
        const auto dc = device_configuration_page(pc);
        body.insert(body.end(), dc.begin(), dc.end());
    }
    if (page == 0x1D || page == 0x3F) {
        // medium configuration page (SSC-4 8.3.8): PAGE LENGTH 1Eh, WORMM for a WORM cartridge, no
        // label or filemark restrictions reported, the rest reserved
        const bool worm = !m_loaded.empty() && m_shelf.at(m_loaded).worm;
        put8(body, 0x1D);
        put8(body, 0x1E);
        put8(body, worm ? 0x01u : 0x00u);
        for (int i = 3; i < 32; ++i) {
            put8(body, 0);
        }
    }
    Result r;
    auto& d = r.data_in;
    // WP (SPC-4 mode parameter header, sequential-access) | BUFFERED MODE 1 | SPEED 0
    const std::uint8_t device_specific = (m_swp || m_asocwp) ? 0x90 : 0x10;
    if (ten) {
        put16(d, static_cast<unsigned>(body.size() + 6));
        put8(d, 0);
        put8(d, device_specific);
        put16(d, 0);
        put16(d, static_cast<unsigned>(descriptors));
    } else {
        put8(d, static_cast<unsigned>(body.size() + 3));
        put8(d, 0);  // MEDIUM TYPE
        put8(d, device_specific);
        put8(d, static_cast<unsigned>(descriptors));
    }
    d.insert(d.end(), body.begin(), body.end());
    const std::size_t alloc = ten ? static_cast<std::size_t>((cdb[7] << 8) | cdb[8]) : cdb[4];
    if (d.size() > alloc) {
        d.resize(alloc);
    }
    return r;
}

// SSC-4 8.3, Device Configuration mode page 10h (docs/spec/ssc-pages.md
// section 8): only SWP (byte 10 bit 2) and ASOCWP (byte 15 bit 2) are
// emulated; every other field reads 0 and cannot be changed.
std::array<std::uint8_t, 16> Emulator::device_configuration_page(unsigned pc) const {
    std::array<std::uint8_t, 16> p{};
    p[0] = 0x10;  // PS 0 | PAGE CODE 10h
    p[1] = 0x0E;  // PAGE LENGTH
    if (pc == 1) {  // changeable values: a mask
        p[10] = 0x04;
        p[15] = m_asocwp_c ? 0x04 : 0x00;
    } else if (pc == 0) {
        p[10] = m_swp ? 0x04 : 0x00;
        p[15] = m_asocwp ? 0x04 : 0x00;
    }
    return p;
}

// SPC-4 MODE SELECT(6)/(10), PF 1, SP 0: one page 10h, every field that is
// not changeable left at its current value (05/26/00 pointing at the byte).
Result Emulator::mode_select(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out, bool ten) {
    if ((cdb[1] & 0x01u) != 0) {
        invalid_cdb(1, 0);  // SP: saving parameters is not supported
    }
    if ((cdb[1] & 0x10u) == 0 && m_strict) {
        invalid_cdb(1, 4);  // PF 0: vendor-specific page format
    }
    const std::size_t length = ten ? static_cast<std::size_t>((cdb[7] << 8) | cdb[8]) : cdb[4];
    if (length == 0) {
        return {};
    }
    if (length != data_out.size()) {
        fail(sk::illegal_request, 0x1A, 0x00);  // parameter list length error
    }
    std::size_t fault = 0;
    sk::DeviceConfiguration wanted;
    try {
        wanted = sk::decode_device_configuration_select(data_out, ten, &fault);
    } catch (const tapekey::Error&) {
        invalid_param(fault);
    }
    const std::size_t page_at = data_out.size() - wanted.page.size();
    const auto current = device_configuration_page(0);
    const auto changeable = device_configuration_page(1);
    for (std::size_t i = 2; i < current.size(); ++i) {
        if (((wanted.page[i] ^ current[i]) & ~changeable[i]) != 0) {
            invalid_param(page_at + i);
        }
    }
    if (wanted.asocwp()) {
        (void)medium();  // associated with the mounted cartridge: there must be one
    }
    m_swp = wanted.swp();
    m_asocwp = wanted.asocwp();
    return {};
}

void Emulator::check_writable() {
    if (m_swp || m_asocwp) {
        m_tape_alerts |= std::uint64_t{1} << 8;  // TapeAlert flag 9: write to a write-protected cartridge
    }
    if (m_swp) {
        fail(sk::data_protect, 0x27, 0x02);  // logical unit software write protected
    }
    if (m_asocwp) {
        fail(sk::data_protect, 0x27, 0x03);  // associated write protect
    }
}

// SPC-4 LOG SENSE: page 00h (supported pages) and the TapeAlert page 2Eh,
// whose flags are cleared as they are read (docs/spec/ssc-pages.md section 9).
Result Emulator::log_sense(std::span<const std::uint8_t> cdb) {
    if ((cdb[1] & 0x01u) != 0) {
        invalid_cdb(1, 0);  // SP: nothing is saved
    }
    if (cdb[5] != 0 || cdb[6] != 0) {
        invalid_cdb(5);  // PARAMETER POINTER
    }
    const std::uint8_t page = cdb[2] & 0x3Fu;
    Result r;
    if (page == sk::log_page_supported) {
        r.data_in = {0x00, 0x00, 0x00, 0x02, sk::log_page_supported, sk::log_page_tape_alert};
    } else if (page == sk::log_page_tape_alert) {
        std::vector<unsigned> set;
        for (unsigned flag = 1; flag <= sk::tape_alert_flags; ++flag) {
            if ((m_tape_alerts >> (flag - 1) & 1u) != 0) {
                set.push_back(flag);
            }
        }
        r.data_in = sk::encode_tape_alert(set);
    } else {
        invalid_cdb(2, 5);
    }
    const std::size_t alloc = static_cast<std::size_t>((cdb[7] << 8) | cdb[8]);
    if (r.data_in.size() > alloc) {
        r.data_in.resize(alloc);
    }
    if (page == sk::log_page_tape_alert) {
        // Only the flags whose parameter was transferred are cleared: a
        // reader that asks for the 4-byte header first loses none.
        for (unsigned flag = 1; flag <= sk::tape_alert_flags && 4 + flag * 5 <= r.data_in.size(); ++flag) {
            m_tape_alerts &= ~(std::uint64_t{1} << (flag - 1));
        }
    }
    return r;
}

// SSC-4 LOAD UNLOAD: LOAD 1 threads the cartridge, 0 unloads it.
Result Emulator::load_unload(std::span<const std::uint8_t> cdb) {
    if (m_loaded.empty()) {
        fail(sk::not_ready, 0x3A, 0x00);
    }
    if ((cdb[4] & 1u) != 0) {
        if (!m_ready) {
            m_ready = true;
            m_position = 0;
            m_wrong_key_reads = 0;
            m_locked_out = false;
        } else {
            m_position = 0;
        }
    } else {
        unload();
    }
    return {};
}

void Emulator::unload() {
    m_ready = false;
    m_asocwp = false;  // associated write protection ends with the mount
    m_position = 0;
    m_wrong_key_reads = 0;
    m_locked_out = false;
    if (m_ckod) {  // SSC-4 8.5, SPOUT page 0010h: clear key on demount
        clear_key();
        m_unit_attention = std::make_pair(std::uint8_t{0x2A}, std::uint8_t{0x12});
    }
}

// SSC-4 READ(6), variable mode: one block per command.
Result Emulator::read6(std::span<const std::uint8_t> cdb) {
    const bool fixed = (cdb[1] & 1u) != 0;
    const bool sili = (cdb[1] & 2u) != 0;
    if (fixed) {
        invalid_cdb(1, 0);
    }
    const std::uint32_t length = be24(cdb, 2);
    Cartridge& c = medium();
    if (length == 0) {
        return {};
    }
    if (m_position >= c.blocks.size()) {
        sk::Sense s;
        s.key = sk::blank_check;
        s.ascq = 0x05;  // end-of-data detected
        s.eom = true;
        s.information = length;
        throw Check{s, {}};
    }
    Block& b = c.blocks[m_position];
    if (b.kind == Block::Kind::filemark) {
        ++m_position;
        sk::Sense s;
        s.filemark = true;
        s.ascq = 0x01;  // filemark detected
        s.information = length;
        throw Check{s, {}};
    }
    std::vector<std::uint8_t> data = read_block_data(b);  // may end with 07/74/xx
    ++m_position;
    if (data.size() != length && !(sili && data.size() < length)) {
        sk::Sense s;
        s.ili = true;
        s.information = static_cast<std::uint32_t>(length - static_cast<std::uint32_t>(data.size()));
        if (data.size() > length) {
            data.resize(length);
        }
        throw Check{s, std::move(data)};
    }
    Result r;
    r.data_in = std::move(data);
    return r;
}

// SSC-4 WRITE(6), variable mode: the data-out is one block. Writing
// ends the data at the new block (everything after it is gone).
Result Emulator::write6(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out) {
    if ((cdb[1] & 1u) != 0) {
        invalid_cdb(1, 0);
    }
    const std::uint32_t length = be24(cdb, 2);
    Cartridge& c = medium();
    check_writable();
    if (length == 0) {
        return {};
    }
    if (length != data_out.size() || length > max_block) {
        invalid_cdb(2);
    }
    Block b = make_block(data_out);  // may end with 07/74/00 (IBM mixing)
    c.blocks.resize(static_cast<std::size_t>(m_position));
    c.blocks.push_back(std::move(b));
    ++m_position;
    return {};
}

// SSC-4 WRITE FILEMARKS(6).
Result Emulator::write_filemarks(std::span<const std::uint8_t> cdb) {
    const std::uint32_t count = be24(cdb, 2);
    Cartridge& c = medium();
    check_writable();
    c.blocks.resize(static_cast<std::size_t>(m_position));
    for (std::uint32_t i = 0; i < count; ++i) {
        Block fm;
        fm.kind = Block::Kind::filemark;
        c.blocks.push_back(std::move(fm));
        ++m_position;
    }
    return {};
}

// SSC-4 SPACE(6): CODE 0 blocks, 1 filemarks, 3 end of data; COUNT is a
// signed 24-bit number. Blocks stop at a filemark (crossed, 00/00/01),
// at end of data (08/00/05) and at the beginning (00/00/04), with the
// residue in INFORMATION.
Result Emulator::space(std::span<const std::uint8_t> cdb) {
    const unsigned code = cdb[1] & 7u;
    std::int32_t count = static_cast<std::int32_t>(be24(cdb, 2));
    if ((count & 0x800000) != 0) {
        count -= 0x1000000;
    }
    Cartridge& c = medium();
    const std::uint64_t end = c.blocks.size();
    auto stop = [](std::uint8_t key, std::uint8_t ascq, bool fm, bool eom, std::int32_t residue) {
        sk::Sense s;
        s.key = key;
        s.ascq = ascq;
        s.filemark = fm;
        s.eom = eom;
        s.information = static_cast<std::uint32_t>(residue);
        throw Check{s, {}};
    };
    const bool is_fm = code == 1;
    if (code == 3) {
        m_position = end;
        return {};
    }
    if (code > 1) {
        invalid_cdb(1, 2);
    }
    for (std::int32_t done = 0; done < (count < 0 ? -count : count);) {
        const std::int32_t residue = (count < 0 ? -count : count) - done;
        if (count > 0) {
            if (m_position >= end) {
                stop(sk::blank_check, 0x05, false, true, residue);
            }
            const bool fm = c.blocks[m_position].kind == Block::Kind::filemark;
            ++m_position;
            if (fm && !is_fm) {
                stop(sk::no_sense, 0x01, true, false, residue);
            }
            done += (fm == is_fm) ? 1 : 0;
        } else {
            if (m_position == 0) {
                stop(sk::no_sense, 0x04, false, true, residue);  // beginning-of-partition
            }
            --m_position;
            const bool fm = c.blocks[m_position].kind == Block::Kind::filemark;
            if (fm && !is_fm) {
                stop(sk::no_sense, 0x01, true, false, residue);
            }
            done += (fm == is_fm) ? 1 : 0;
        }
    }
    return {};
}

// SSC-4 READ POSITION, short form (service action 00h), 20 bytes.
Result Emulator::read_position(std::span<const std::uint8_t> cdb) {
    if ((cdb[1] & 0x1Fu) != 0) {
        invalid_cdb(1, 4);
    }
    (void)medium();
    Result r;
    auto& d = r.data_in;
    put8(d, m_position == 0 ? 0x80u : 0u);  // BOP | EOP 0 | BPU 0: the locations below are valid
    put8(d, 0);                             // PARTITION NUMBER
    put16(d, 0);
    put32(d, static_cast<std::uint32_t>(m_position));  // FIRST LOGICAL OBJECT LOCATION
    put32(d, static_cast<std::uint32_t>(m_position));  // LAST LOGICAL OBJECT LOCATION
    put32(d, 0);                                       // NUMBER OF LOGICAL OBJECTS IN BUFFER
    put32(d, 0);                                       // NUMBER OF BYTES IN BUFFER
    return r;
}

void Emulator::insert(const std::string& name, bool lto3, bool worm) {
    if (!m_loaded.empty()) {
        throw tapekey::Error(tapekey::Errc::state, "drive: cartridge " + m_loaded + " is in the drive",
                             "eject it first with `tapekey emu eject`");
    }
    auto [it, created] = m_shelf.try_emplace(name);
    if (created) {
        it->second.name = name;
        it->second.lto3 = lto3;
        it->second.worm = worm;
    } else if (it->second.lto3 != lto3) {
        throw tapekey::Error(tapekey::Errc::mismatch,
                             "cartridge " + name + " is " + (it->second.lto3 ? "an LTO-3" : "an LTO-4") + " cartridge",
                             "insert it with the generation it was made with");
    } else if (it->second.worm != worm) {
        throw tapekey::Error(tapekey::Errc::mismatch,
                             "cartridge " + name + " is " + (it->second.worm ? "a WORM" : "a rewritable") + " cartridge",
                             it->second.worm ? "insert it with --worm" : "insert it without --worm");
    }
    m_loaded = name;
    m_ready = true;
    m_asocwp = false;
    m_position = 0;
    m_wrong_key_reads = 0;
    m_locked_out = false;
    m_unit_attention = std::make_pair(std::uint8_t{0x28}, std::uint8_t{0x00});  // not ready to ready
}

void Emulator::eject() {
    if (m_loaded.empty()) {
        throw tapekey::Error(tapekey::Errc::state, "drive: no cartridge to eject", "");
    }
    if (m_ready) {
        unload();
    }
    m_loaded.clear();
}

void Emulator::power_cycle() {
    clear_key();
    m_swp = false;  // mode parameters return to their defaults
    m_asocwp = false;
    m_wrong_key_reads = 0;
    m_locked_out = false;
    m_position = 0;
    m_unit_attention = std::make_pair(std::uint8_t{0x29}, std::uint8_t{0x00});
}

std::optional<std::string> Emulator::loaded_cartridge() const {
    if (m_loaded.empty()) {
        return std::nullopt;
    }
    return m_loaded;
}

const Cartridge* Emulator::cartridge(const std::string& name) const {
    const auto it = m_shelf.find(name);
    return it == m_shelf.end() ? nullptr : &it->second;
}

std::vector<std::string> Emulator::shelf() const {
    std::vector<std::string> names;
    for (const auto& [name, c] : m_shelf) {
        names.push_back(name);
    }
    return names;
}

}  // namespace tapeemu
