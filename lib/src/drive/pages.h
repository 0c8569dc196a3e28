// pages.h: encoders and decoders of the SECURITY PROTOCOL IN/OUT pages of
// protocol 20h, Tape Data Encryption (SSC-4 8.5), and their CDBs (SPC-4
// 6.30 SECURITY PROTOCOL IN, 6.31 SECURITY PROTOCOL OUT). Pure functions, no
// I/O (private). Both sides are here: the host side (what Drive sends and
// parses) and the drive side (what the emulator builds and parses), so one
// piece of code holds each byte layout; the golden vectors in
// tests/vectors/drive/ pin every layout to the T10 tables.
//
// Decoders take the bytes actually received. They parse
// min(received, 4 + PAGE LENGTH) (pitfall P7: drives and emulators disagree
// on PAGE LENGTH), walk descriptors by their own length fields, and throw
// Error(bad_format) naming the page and the field when a field is missing,
// a descriptor overruns the page or the page code is wrong.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tapekey/drive.h"
#include "tapekey/secret.h"

namespace tapekey::scsi {

inline constexpr std::uint8_t op_spin = 0xA2;
inline constexpr std::uint8_t op_spout = 0xB5;
inline constexpr std::uint8_t protocol_info = 0x00;  // SPC-4 security protocol 00h security protocol information
inline constexpr std::uint8_t protocol_tde = 0x20;   // tape data encryption (SSC-4 8.5)

// SPIN pages of protocol 20h (SSC-4 8.5) and the one SPOUT page we send.
enum Page : std::uint16_t {
    page_in_support = 0x0000,
    page_out_support = 0x0001,
    page_capabilities = 0x0010,
    page_key_formats = 0x0011,
    page_management_capabilities = 0x0012,
    page_status = 0x0020,
    page_next_block = 0x0021,
    page_set_data_encryption = 0x0010,  // SPOUT
};

// The largest page we ask for (pitfall P8: IBM N4Q0 refused 8196).
inline constexpr std::uint32_t max_allocation = 8192;
// The first of the two SPIN passes: enough for the header of any page.
inline constexpr std::uint32_t first_pass_allocation = 64;

using Cdb12 = std::array<std::uint8_t, 12>;
// SPC-4 SECURITY PROTOCOL IN: A2h, protocol, SPS (page), INC_512 = 0, allocation length.
Cdb12 spin_cdb(std::uint8_t protocol, std::uint16_t page, std::uint32_t allocation_length) noexcept;
// SPC-4 SECURITY PROTOCOL OUT: B5h, protocol, SPS (page), INC_512 = 0, transfer length.
Cdb12 spout_cdb(std::uint8_t protocol, std::uint16_t page, std::uint32_t transfer_length) noexcept;

// "0020h": a page code as the standard writes it.
std::string page_code_hex(std::uint16_t page);

// 4 + PAGE LENGTH of a received page header; throws if fewer than 4 bytes.
std::size_t declared_page_size(std::span<const std::uint8_t> received, std::uint16_t page);

// SPIN 00h/0000h, supported security protocol list (SPC-4 security protocol 00h, page 0000h).
std::vector<std::uint8_t> decode_protocol_list(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_protocol_list(std::span<const std::uint8_t> protocols);

// 0000h / 0001h, in and out support pages: a list of 2-byte page codes.
std::vector<std::uint16_t> decode_page_list(std::span<const std::uint8_t> received, std::uint16_t page);
std::vector<std::uint8_t> encode_page_list(std::uint16_t page, std::span<const std::uint16_t> codes);

// 0010h, Data Encryption Capabilities.
Capabilities decode_capabilities(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_capabilities(const Capabilities& caps);

// 0011h, Supported Key Formats: one byte per format (00h plaintext).
std::vector<std::uint8_t> decode_key_formats(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_key_formats(std::span<const std::uint8_t> formats);

// 0012h, Data Encryption Management Capabilities.
ManagementCapabilities decode_management_capabilities(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_management_capabilities(const ManagementCapabilities& m);

// 0020h, Data Encryption Status.
EncryptionStatus decode_status(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_status(const EncryptionStatus& s);

// 0021h, Next Block Encryption Status.
NextBlockStatus decode_next_block(std::span<const std::uint8_t> received);
std::vector<std::uint8_t> encode_next_block(const NextBlockStatus& s);

// KAD descriptors (SSC-4r03 8.5.4.2.1, Table 197) from `offset` to the end.
std::vector<Kad> decode_kads(std::span<const std::uint8_t> page, std::size_t offset, const char* page_name);
void encode_kads(std::vector<std::uint8_t>& out, std::span<const Kad> kads);

// SPOUT 0010h, Set Data Encryption: the fields of the 20-byte header.
struct SetDataEncryption {
    std::uint8_t scope = 2;  // 0 public, 1 local, 2 all I_T nexus
    bool lock = false;
    std::uint8_t ceem = 1;  // 01b: do not check the external encryption mode
    std::uint8_t rdmc = 0;
    bool sdk = false;
    bool ckod = false;
    bool ckorp = false;
    bool ckorl = false;
    EncryptionMode encryption = EncryptionMode::disable;
    DecryptionMode decryption = DecryptionMode::disable;
    std::uint8_t algorithm_index = 0;
    std::uint8_t key_format = 0;  // 00h plaintext
    std::uint8_t kad_format = 0;  // SSC-4 only; 0 unless KADF_C
    std::vector<Kad> kads;        // in type order, AUTHENTICATED = 0
};
inline constexpr std::size_t sde_header_size = 20;

// The whole parameter list, in secure memory because it carries the key.
SecretBytes encode_set_data_encryption(const SetDataEncryption& p, std::span<const std::uint8_t> key);

struct DecodedSde {
    SetDataEncryption params;
    std::uint16_t key_length = 0;
    SecretBytes key;
};
// The drive side. On a structural error throws Error(bad_format) and sets
// *fault_byte to the offset of the field at fault (for the sense-key
// specific field pointer); reserved fields are left to the caller.
DecodedSde decode_set_data_encryption(std::span<const std::uint8_t> page, std::size_t* fault_byte);

// Mode parameters (SPC-4 MODE SENSE(10) / MODE SELECT(10) and the mode
// parameter header; SSC-4 8.3): docs/spec/ssc-pages.md section 8.
using Cdb10 = std::array<std::uint8_t, 10>;
inline constexpr std::uint8_t op_mode_sense10 = 0x5A;
inline constexpr std::uint8_t op_mode_select10 = 0x55;
inline constexpr std::uint8_t mode_page_device_configuration = 0x10;
inline constexpr std::uint8_t mode_page_medium_configuration = 0x1D;
inline constexpr std::size_t mode_header10_size = 8;
inline constexpr std::size_t device_configuration_size = 16;

// MODE SENSE(10) with DBD = 1: PC (0 current values, 1 changeable), the page.
Cdb10 mode_sense10_cdb(std::uint8_t page, std::uint8_t page_control, std::uint16_t allocation_length) noexcept;
// MODE SELECT(10) with PF = 1 and SP = 0 (not saved).
Cdb10 mode_select10_cdb(std::uint16_t parameter_list_length) noexcept;

// The page `page` in MODE SENSE(10) data: after the 8-byte header and the
// block descriptors (skipped by their length), checked for its PAGE CODE and
// cut to min(received, 2 + PAGE LENGTH). Throws Error(bad_format) naming the
// page when it is missing or shorter than `min_size`.
std::span<const std::uint8_t> mode_page_of(std::span<const std::uint8_t> received, std::uint8_t page,
                                           std::size_t min_size, const char* title);

// The Device Configuration page (10h) with the header's DEVICE-SPECIFIC
// PARAMETER: the write protection fields, and the rest kept to be echoed.
struct DeviceConfiguration {
    std::uint8_t device_specific = 0;                     // header byte 3: WP (7), BUFFERED MODE (6-4), SPEED
    std::array<std::uint8_t, device_configuration_size> page{};  // as received
    bool wp() const noexcept { return (device_specific & 0x80u) != 0; }
    bool swp() const noexcept { return (page[10] & 0x04u) != 0; }
    bool asocwp() const noexcept { return (page[15] & 0x04u) != 0; }
    bool perswp() const noexcept { return (page[15] & 0x02u) != 0; }
    bool prmwp() const noexcept { return (page[15] & 0x01u) != 0; }
};
DeviceConfiguration decode_device_configuration(std::span<const std::uint8_t> received);
// The drive side: MODE SENSE(10) data with no block descriptor.
std::vector<std::uint8_t> encode_device_configuration(const DeviceConfiguration& d);
// The host side: the MODE SELECT(10) parameter list that sets ASOCWP to
// `asocwp` and echoes every other field of `current` (PS, CAP, CAF and WP
// cleared, no block descriptor).
std::vector<std::uint8_t> encode_device_configuration_select(const DeviceConfiguration& current, bool asocwp);
// The drive side of MODE SELECT(6) (4-byte header) or (10) (8-byte header):
// one block descriptor or none, then exactly one page 10h. On an error
// throws Error(bad_format) and sets *fault_byte to the offending byte.
DeviceConfiguration decode_device_configuration_select(std::span<const std::uint8_t> list, bool ten,
                                                       std::size_t* fault_byte);

// Log pages (SPC-4 LOG SENSE; the SSC TapeAlert log page 2Eh):
// docs/spec/ssc-pages.md section 9.
inline constexpr std::uint8_t op_log_sense = 0x4D;
inline constexpr std::uint8_t log_page_supported = 0x00;
inline constexpr std::uint8_t log_page_tape_alert = 0x2E;
inline constexpr unsigned tape_alert_flags = 64;
inline constexpr std::uint16_t tape_alert_allocation = 4 + tape_alert_flags * 5;

// LOG SENSE with PC 01b (current cumulative values), PPC 0, SP 0, parameter pointer 0.
Cdb10 log_sense_cdb(std::uint8_t page, std::uint16_t allocation_length) noexcept;
// The TapeAlert flags set (1-64, ascending). Parameters are walked by their
// own length; codes outside 0001h-0040h are ignored.
std::vector<unsigned> decode_tape_alert(std::span<const std::uint8_t> received);
// The drive side: all 64 parameters (control byte 00h, length 1), bit 0 of
// the value set for the flags in `set`.
std::vector<std::uint8_t> encode_tape_alert(std::span<const unsigned> set);

}  // namespace tapekey::scsi
