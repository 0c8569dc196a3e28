// tapekey/drive.h: the tape drive's encryption, through one interface.
//
// A Drive talks to an LTO drive with SECURITY PROTOCOL IN/OUT (SPC-4),
// security protocol 20h, Tape Data Encryption (SSC-4 8.5), over
// one transport: Linux SG_IO on /dev/sgN or /dev/nstN, or the embedded
// software drive named emu:PATH. docs/spec/ssc-pages.md has every byte we
// send and parse; docs/drive.md is the user's guide.
//
// Safety rules the API keeps (each has a test):
//  - it never tries keys one after another on a tape: load_key() verifies a
//    key by reading the drive's status pages, never by reading data (an HP
//    LTO-4 locks itself after ten wrong-key reads, 07/26/10);
//  - writes_encrypted() is true only when the drive says its algorithm is
//    valid for the mounted volume (an LTO-4 drive writes LTO-3 media in clear
//    without any error);
//  - a key-associated data descriptor carries only a non-secret identifier:
//    load_key() refuses a KAD that contains the key or its hex form.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/secret.h"

namespace tapekey {

namespace detail {
class Transport;
}

// SSC-4 8.5, SPOUT page 0010h ENCRYPTION MODE and DECRYPTION MODE values.
enum class EncryptionMode : std::uint8_t { disable = 0, external = 1, encrypt = 2 };
enum class DecryptionMode : std::uint8_t { disable = 0, raw = 1, decrypt = 2, mixed = 3 };

const char* to_string(EncryptionMode m) noexcept;
const char* to_string(DecryptionMode m) noexcept;

// SFSC security algorithm code of AES-256-GCM with a 128-bit tag (LTO).
inline constexpr std::uint32_t aes256_gcm_algorithm = 0x00010014u;

// Key-associated data descriptor (SSC-4r03 8.5.4.2.1 Table 197).
enum class KadType : std::uint8_t { ukad = 0, akad = 1, nonce = 2, mkad = 3, wkkad = 4 };
struct Kad {
    std::uint8_t type = 0;           // KadType value (other values kept as received)
    std::uint8_t authenticated = 0;  // data-in only; 0 on data-out
    std::vector<std::uint8_t> data;
    bool operator==(const Kad&) const = default;
};

// One algorithm descriptor of the Data Encryption Capabilities page (0010h).
struct AlgorithmDescriptor {
    std::uint8_t index = 0;
    bool avfmv = false;          // algorithm valid for the mounted volume
    bool sdk_c = false;          // supplemental decryption keys capable
    bool mac_c = false;          // message authentication code capable
    bool delb_c = false;         // distinguishes encrypted from clear blocks
    std::uint8_t decrypt_c = 0;  // 0 none, 1 software, 2 hardware, 3 reserved
    std::uint8_t encrypt_c = 0;
    std::uint8_t avfclp = 0;  // 0 n/a, 1 not valid at this position, 2 valid for writing
    std::uint8_t nonce_c = 0;
    bool kadf_c = false;  // KAD FORMAT honoured
    bool vcelb_c = false;
    bool ukadf = false;  // U-KAD is fixed length (pad to the maximum)
    bool akadf = false;
    std::uint16_t max_ukad = 0;
    std::uint16_t max_akad = 0;
    std::uint16_t key_size = 0;
    std::uint8_t dkad_c = 0;  // 1 KAD required, 2 not allowed, 3 optional
    std::uint8_t eemc_c = 0;
    std::uint8_t rdmc_c = 0;
    bool earem = false;
    std::uint8_t max_eedk_count = 0;
    std::uint16_t msdk_count = 0;
    std::uint16_t max_eedk_size = 0;
    std::uint32_t algorithm = 0;  // security algorithm code
    bool operator==(const AlgorithmDescriptor&) const = default;
};

struct Capabilities {
    std::uint8_t extdecc = 0;
    std::uint8_t cfg_p = 0;  // 1: SPOUT may set parameters; 2: prevented (library-managed)
    std::vector<AlgorithmDescriptor> algorithms;
    bool operator==(const Capabilities&) const = default;
    // The AES-256-GCM descriptor with hardware encrypt and decrypt, if any.
    const AlgorithmDescriptor* aes_gcm() const noexcept;
};

// Data Encryption Management Capabilities page (0012h).
struct ManagementCapabilities {
    bool lock_c = false, ckod_c = false, ckorp_c = false, ckorl_c = false;
    bool aitn_c = false, local_c = false, public_c = false;
    bool operator==(const ManagementCapabilities&) const = default;
};

// Data Encryption Status page (0020h).
struct EncryptionStatus {
    std::uint8_t it_nexus_scope = 0;
    std::uint8_t key_scope = 0;
    EncryptionMode encryption = EncryptionMode::disable;
    DecryptionMode decryption = DecryptionMode::disable;
    std::uint8_t algorithm_index = 0;
    std::uint32_t key_instance_counter = 0;
    std::uint8_t parameters_control = 0;
    bool vcelb = false;  // volume contains encrypted logical blocks
    std::uint8_t ceems = 0;
    bool rdmd = false;
    std::uint8_t kad_format = 0;
    std::uint16_t asdk_count = 0;
    std::vector<Kad> kads;
    bool operator==(const EncryptionStatus&) const = default;
};

// ENCRYPTION STATUS of the Next Block Encryption Status page (SSC-4, 0021h).
enum class BlockEncryption : std::uint8_t {
    unknown = 0,      // cannot determine (no volume, not capable)
    not_yet = 1,      // not read into the buffer yet, or at end of data
    not_a_block = 2,  // e.g. a filemark
    clear = 3,
    unsupported_algorithm = 4,
    decryptable = 5,  // encrypted, and the loaded key can decrypt it
    needs_key = 6,    // encrypted; no key, wrong key or decryption off
};
const char* to_string(BlockEncryption s) noexcept;

struct NextBlockStatus {
    std::uint64_t logical_object_number = 0;
    std::uint8_t compression_status = 0;
    BlockEncryption encryption = BlockEncryption::unknown;
    std::uint8_t algorithm_index = 0;
    bool emes = false;
    bool rdmds = false;
    std::uint8_t kad_format = 0;
    std::vector<Kad> kads;
    bool operator==(const NextBlockStatus&) const = default;
    // What Drive::next_block() saw instead of a page, if anything.
    enum class Medium : std::uint8_t { present, none, blank } medium = Medium::present;
    // The U-KAD of the block, if it carries one.
    std::optional<std::vector<std::uint8_t>> ukad() const;
};

// Standard INQUIRY data and the unit serial number (SPC-4 INQUIRY, VPD page 80h).
struct DriveIdentity {
    std::uint8_t device_type = 0;  // 1: sequential-access
    std::string vendor, product, revision, serial;
};

// Write protection as the drive reports it: the WP bit of the mode parameter
// header (SPC-4) and the Device Configuration mode page (SSC-4 8.3, page 10h;
// docs/spec/ssc-pages.md section 8).
struct WriteProtection {
    bool medium = false;      // WP: the drive refuses writes now, whatever the cause
    bool software = false;    // SWP: every cartridge, until cleared
    bool associated = false;  // ASOCWP: this cartridge, until it is unloaded
    bool persistent = false;  // PERSWP: recorded on the cartridge
    bool permanent = false;   // PRMWP: recorded on the cartridge for good
    bool associated_changeable = false;  // the host may set ASOCWP
    bool operator==(const WriteProtection&) const = default;
};

// What load_key() sends. The key must be exactly the drive's KEY SIZE.
struct KeyLoad {
    EncryptionMode encryption = EncryptionMode::encrypt;
    DecryptionMode decryption = DecryptionMode::mixed;
    std::vector<std::uint8_t> ukad;  // non-secret identifier, stored in clear on tape
    std::vector<std::uint8_t> akad;  // non-secret identifier, authenticated on tape
    bool ckod = false;               // clear the key when the cartridge is unloaded
};

class Drive {
public:
    // device: /dev/sgN (opened read-write), /dev/nstN (O_NONBLOCK; needs
    // CAP_SYS_RAWIO) or emu:PATH (the embedded software drive).
    static Drive open(std::string_view device);
    Drive(std::unique_ptr<detail::Transport> transport, std::string name);
    ~Drive();
    Drive(Drive&&) noexcept;
    Drive& operator=(Drive&&) noexcept;

    const std::string& name() const noexcept { return m_name; }

    DriveIdentity identity();
    // The unit serial number, or "-" when the drive does not give it: what
    // the key-use log records as drive_serial (docs/spec/audit-log.md).
    std::string logged_serial();
    // SPIN 20h/0000h: the page codes the drive accepts for SPIN. Throws
    // Error(unsupported) when the drive has no encryption (05/20/00).
    std::vector<std::uint16_t> supported_pages();
    Capabilities capabilities();
    ManagementCapabilities management_capabilities();
    std::vector<std::uint8_t> key_formats();
    EncryptionStatus status();
    // Never moves the tape. Medium::none / blank instead of an error when
    // the drive answers 02/3A/00 or 08/14/03.
    NextBlockStatus next_block();

    // Loads key (exactly KEY SIZE bytes) with the given modes and KADs, then
    // reads the status back; throws Error(device) unless the drive reports
    // the requested modes, algorithm and KADs with an advanced key instance
    // counter, and Error(mismatch) when the block under the head is
    // encrypted and the drive says this key cannot decrypt it. The algorithm
    // index is taken from the capabilities page.
    EncryptionStatus load_key(const SecretBytes& key, const KeyLoad& request);
    // Encryption and decryption off, key cleared (key length 0); verified.
    EncryptionStatus clear();

    // SSC-4 LOAD UNLOAD with LOAD 0 and IMMED 0: the drive rewinds and
    // unloads the cartridge (an HP LTO drive ejects it; in a library it
    // waits in the drive for the picker), so nothing reads or writes it
    // until it is loaded again. Clear-on-demount applies. Throws Error
    // naming the sense, e.g. state for no cartridge (02/3A/00).
    void unload();

    // True when the mounted cartridge is WORM: the WORMM bit of the Medium
    // Configuration mode page (1Dh, SSC-4 8.3.8; what Bacula's isworm reads
    // with sdparm). False when the drive does not have that page (05/24/00:
    // a drive without WORM support). Throws Error otherwise (no cartridge).
    bool medium_is_worm();

    // MODE SENSE(10) of page 10h, current and changeable values. Throws
    // Error(unsupported) when the drive has no such page (05/24/00).
    WriteProtection write_protection();
    // Sets (true) or clears (false) ASOCWP, the write protection of the
    // mounted cartridge that the drive drops when it is unloaded: MODE
    // SELECT(10) echoing the current page, then read back. Throws
    // Error(unsupported) when the drive has no page 10h or does not let the
    // host change ASOCWP, Error(device) when the read-back disagrees.
    WriteProtection protect_cartridge(bool on);

    // The TapeAlert flags set now (1-64, ascending), from LOG SENSE page
    // 2Eh (docs/spec/ssc-pages.md section 9). The drive clears them as they
    // are read. Empty when the drive has no such page (05/24/00).
    std::vector<unsigned> tape_alerts();

    // True only when the drive will encrypt what is written now: ENCRYPT
    // mode and the algorithm valid for the mounted volume (AVFMV, and
    // AVFCLP not "not valid here").
    static bool writes_encrypted(const EncryptionStatus& s, const Capabilities& caps) noexcept;

private:
    std::unique_ptr<detail::Transport> m_transport;
    std::string m_name;
};

}  // namespace tapekey
