// tapeemu: a software LTO drive, written from the standards (SPC-4, SSC-4),
// with no operating-system calls: a SCSI command goes in, status, sense and
// data come out. The front ends (the emu:PATH state file, the LD_PRELOAD
// library, later a TCMU handler) are thin layers around execute().
//
// The cartridge model holds real blocks. A block written while ENCRYPT is
// on is sealed with AES-256-GCM under the loaded key (the A-KAD as
// additional authenticated data) and stored with its KADs, so reading it
// without the key or with another key fails as a drive fails (07/74/01,
// 07/74/03), and next-block status reports the KADs of the block under the
// head. docs/drive.md describes the personas and what is not emulated.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/drive.h"
#include "tapekey/secret.h"

namespace tapeemu {

enum class Persona : std::uint8_t {
    hp_lto4 = 1,        // mixes clear and encrypted blocks; locks after 10 wrong-key reads
    ibm_lto4 = 2,       // no mixing of clear and encrypted blocks on one cartridge
    no_encryption = 3,  // SPIN/SPOUT are invalid operation codes (05/20/00)
};
const char* persona_name(Persona p) noexcept;
std::optional<Persona> persona_from_name(std::string_view name) noexcept;

// SAM-5 status codes.
inline constexpr std::uint8_t status_good = 0x00;
inline constexpr std::uint8_t status_check_condition = 0x02;

struct Result {
    std::uint8_t status = status_good;
    std::vector<std::uint8_t> sense;  // fixed format, with CHECK CONDITION
    // At most the allocation length. Not secret: decrypted user data is the
    // user's data, the key never appears here.
    std::vector<std::uint8_t> data_in;
};

struct Block {
    enum class Kind : std::uint8_t { data = 0, filemark = 1 };
    Kind kind = Kind::data;
    bool encrypted = false;
    std::uint8_t algorithm_index = 0;
    std::vector<tapekey::Kad> kads;           // as given when it was written
    std::array<std::uint8_t, 8> key_check{};  // HMAC of the key: tells wrong key from damage
    std::array<std::uint8_t, 12> nonce{};
    std::vector<std::uint8_t> payload;  // clear data, or ciphertext || 16-byte tag
};

struct Cartridge {
    std::string name;
    bool lto3 = false;  // LTO-3 media: an LTO-4 drive reads and writes it, in clear only
    bool worm = false;  // WORM media: reported in the Medium Configuration page (1Dh); writes are not restricted
    std::vector<Block> blocks;
};

// How many consecutive wrong-key reads an HP LTO-4 allows (HP LTO-4 technical
// reference vol. 2: 07/26/10 after ten).
inline constexpr std::uint32_t wrong_key_limit = 10;

class Emulator {
public:
    // asocwp_capable: the host may set ASOCWP (associated write protection,
    // mode page 10h); a drive made without it refuses, as some may.
    explicit Emulator(Persona persona = Persona::hp_lto4, bool strict = true, bool asocwp_capable = true);

    // The one SCSI entry point. cdb: 6 to 16 bytes; data_out: the data-out
    // buffer (empty for data-in commands); alloc_len: the room the initiator
    // has for data-in (the result is cut to the smaller of this and the
    // CDB's allocation length).
    Result execute(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out, std::uint32_t alloc_len);

    // Operator actions (the front panel), not SCSI commands.
    // Inserts and loads a cartridge, creating it blank when new. Throws
    // Error(state) when another is in the drive, Error(mismatch) when a
    // known cartridge is named with another kind (LTO-3, WORM).
    void insert(const std::string& name, bool lto3, bool worm = false);
    // Unloads (clear-on-demount applies) and takes the cartridge out.
    void eject();
    // Power off and on: keys cleared, lockout cleared, unit attention 29/00.
    void power_cycle();

    Persona persona() const noexcept { return m_persona; }
    bool strict() const noexcept { return m_strict; }
    bool asocwp_capable() const noexcept { return m_asocwp_c; }
    // Write protection set by MODE SELECT, page 10h: SWP (until a power
    // cycle or cleared) and ASOCWP (until the cartridge is unloaded).
    bool software_write_protect() const noexcept { return m_swp; }
    bool associated_write_protect() const noexcept { return m_asocwp; }
    std::uint64_t tape_alerts() const noexcept { return m_tape_alerts; }
    void set_strict(bool strict) noexcept { m_strict = strict; }
    std::optional<std::string> loaded_cartridge() const;
    const Cartridge* cartridge(const std::string& name) const;
    std::vector<std::string> shelf() const;
    std::uint64_t position() const noexcept { return m_position; }
    std::uint32_t wrong_key_reads() const noexcept { return m_wrong_key_reads; }
    bool locked_out() const noexcept { return m_locked_out; }

    // The whole state: everything but the loaded key as plain bytes (it may
    // be large: it holds the cartridges), and the key in secure memory.
    struct Snapshot {
        std::vector<std::uint8_t> state;
        tapekey::SecretBytes key;
    };
    Snapshot serialize() const;
    static Emulator deserialize(std::span<const std::uint8_t> state, tapekey::SecretBytes key);

    struct Check;  // a CHECK CONDITION on its way out of execute()

private:
    Result dispatch(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out);
    Result inquiry(std::span<const std::uint8_t> cdb);
    Result request_sense(std::span<const std::uint8_t> cdb);
    Result mode_sense(std::span<const std::uint8_t> cdb, bool ten);
    Result mode_select(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out, bool ten);
    // Page 10h as MODE SENSE reports it for page control pc (0 current, 1 changeable, 2 default).
    std::array<std::uint8_t, 16> device_configuration_page(unsigned pc) const;
    void check_writable();  // 07/27/02 with SWP, 07/27/03 with ASOCWP (and TapeAlert flag 9)
    Result log_sense(std::span<const std::uint8_t> cdb);
    Result read6(std::span<const std::uint8_t> cdb);
    Result write6(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out);
    Result write_filemarks(std::span<const std::uint8_t> cdb);
    Result space(std::span<const std::uint8_t> cdb);
    Result read_position(std::span<const std::uint8_t> cdb);
    Result load_unload(std::span<const std::uint8_t> cdb);
    Result security_in(std::span<const std::uint8_t> cdb);
    Result security_out(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> data_out);

    Cartridge& medium();  // the loaded, ready cartridge, or 02/3A/00 / 02/04/02
    bool encryption_capable() const noexcept { return m_persona != Persona::no_encryption; }
    tapekey::Capabilities capabilities() const;
    tapekey::EncryptionStatus encryption_status() const;
    tapekey::NextBlockStatus next_block_status() const;
    void set_data_encryption(std::span<const std::uint8_t> page);
    void clear_key() noexcept;
    void unload();
    std::vector<std::uint8_t> read_block_data(Block& b);
    Block make_block(std::span<const std::uint8_t> data);

    Persona m_persona;
    bool m_strict;
    bool m_asocwp_c = true;
    bool m_swp = false;
    bool m_asocwp = false;
    std::uint64_t m_tape_alerts = 0;  // TapeAlert flag n is bit n - 1; cleared when read
    // Data encryption parameters (SSC-4 8.5, SPOUT page 0010h), one set for all I_T nexus.
    tapekey::EncryptionMode m_encryption = tapekey::EncryptionMode::disable;
    tapekey::DecryptionMode m_decryption = tapekey::DecryptionMode::disable;
    std::uint8_t m_algorithm_index = 0;
    std::uint8_t m_scope = 0;
    std::uint8_t m_ceem = 0;
    std::uint8_t m_rdmc = 0;
    bool m_ckod = false;
    std::uint32_t m_key_instance_counter = 0;
    tapekey::SecretBytes m_key;
    std::vector<tapekey::Kad> m_kads;
    std::uint32_t m_wrong_key_reads = 0;
    bool m_locked_out = false;
    // Unit attention waiting for the next command (ASC, ASCQ).
    std::optional<std::pair<std::uint8_t, std::uint8_t>> m_unit_attention;
    // The cartridge in the drive (empty: none), whether it is loaded (ready).
    std::string m_loaded;
    bool m_ready = false;
    std::uint64_t m_position = 0;
    std::map<std::string, Cartridge> m_shelf;  // every cartridge this drive has seen
};

}  // namespace tapeemu
