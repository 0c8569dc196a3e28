// Example: what a shop wants to know about a tape drive, read through the
// library's one drive interface (tapekey/drive.h).
//
//   drive_status /dev/sg3        # the drive's SCSI generic node (lsscsi -g)
//   drive_status emu:drive.emu   # or tapekey's emulated drive
//
// It only reads: INQUIRY, and SECURITY PROTOCOL IN pages of the Tape Data
// Encryption protocol (SSC-4 8.5). It never moves the tape and never loads
// or clears a key, so it is safe on a drive in the middle of a backup.
#include <tapekey/drive.h>       // Drive, its pages as plain structs
#include <tapekey/error.h>       // the one error type: cause, message, hint
#include <tapekey/generation.h>  // read_kad: which tapekey generation a KAD names

#include <cstdio>
#include <span>
#include <string>

namespace {

// A KAD (key-associated data, stored in clear with every encrypted block)
// in words: tapekey writes its generation id there (docs/spec/kad.md);
// other tools write a description of their own.
std::string describe_kad(std::span<const tapekey::Kad> kads) {
    const tapekey::KadReading r = tapekey::read_kad(kads);
    switch (r.kind) {
        case tapekey::KadReading::Kind::none:
            return "no KAD";
        case tapekey::KadReading::Kind::generation:
            return "generation " + r.id->to_string();
        case tapekey::KadReading::Kind::foreign:
            return "KAD of another tool: " + r.shown;
        case tapekey::KadReading::Kind::inconsistent:
            return "inconsistent KAD (A-KAD and U-KAD name different generations)";
    }
    return "unknown KAD";
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DEVICE   (/dev/sgN, /dev/nstN or emu:PATH)\n", argv[0]);
        return 2;
    }
    try {
        // Opening checks nothing yet; each call below is one SCSI command
        // (or two), and any failure is a tapekey::Error naming the device.
        tapekey::Drive drive = tapekey::Drive::open(argv[1]);

        const tapekey::DriveIdentity id = drive.identity();
        std::printf("drive %s: %s %s %s\n", drive.name().c_str(), id.vendor.c_str(), id.product.c_str(),
                    id.revision.c_str());

        // Capabilities (page 0010h): LTO-4 and later drives offer AES-256-GCM.
        // aes_gcm() finds it, and only when the drive does it in hardware.
        const tapekey::Capabilities caps = drive.capabilities();
        const tapekey::AlgorithmDescriptor* aes = caps.aes_gcm();
        if (aes == nullptr) {
            std::printf("AES-256-GCM: not offered (this drive cannot encrypt LTO data)\n");
        } else {
            // encrypt_c / decrypt_c: 2 means "in hardware". DELB_C: the drive
            // tells encrypted blocks from clear ones, which is what lets it
            // read both with one key loaded (decryption mode MIXED).
            std::printf("AES-256-GCM: algorithm index %u, %u-byte key, writes encrypted: %s, reads encrypted: %s,"
                        " MIXED mode: %s\n",
                        aes->index, aes->key_size, yes_no(aes->encrypt_c == 2), yes_no(aes->decrypt_c == 2),
                        yes_no(aes->delb_c));
        }

        // Status (page 0020h): the modes, and the key instance counter, which
        // the drive advances on every key change (so a log can prove a load).
        // The drive never reveals the key; with both modes at "disable" it
        // holds none.
        const tapekey::EncryptionStatus s = drive.status();
        const bool key_loaded = s.encryption != tapekey::EncryptionMode::disable ||
                                s.decryption != tapekey::DecryptionMode::disable;
        std::printf("encryption: %s, decryption: %s, key instance counter: %u\n", to_string(s.encryption),
                    to_string(s.decryption), s.key_instance_counter);
        std::printf("key: %s\n", key_loaded ? ("loaded, " + describe_kad(s.kads)).c_str() : "none loaded");
        // ENCRYPT mode alone is not enough: an LTO-4 drive takes a key with
        // an LTO-3 cartridge loaded and then writes in clear, without error.
        // writes_encrypted() also asks whether the algorithm is valid for
        // the mounted cartridge.
        std::printf("writes now: %s\n", tapekey::Drive::writes_encrypted(s, caps) ? "encrypted" : "in clear");

        // The block under the head (page 0021h), without moving the tape:
        // is it encrypted, can the loaded key read it, and which generation
        // does its KAD name? This is how `tapekey drive auto` picks a key.
        const tapekey::NextBlockStatus next = drive.next_block();
        if (next.medium == tapekey::NextBlockStatus::Medium::none) {
            std::printf("cartridge: none\n");
        } else if (next.medium == tapekey::NextBlockStatus::Medium::blank) {
            std::printf("cartridge: blank\n");
        } else {
            std::printf("next block %llu: %s, %s\n", static_cast<unsigned long long>(next.logical_object_number),
                        to_string(next.encryption), describe_kad(next.kads).c_str());
        }
        return 0;
    } catch (const tapekey::Error& e) {
        // Messages are lower case and name the object; the hint says what to
        // do. errc_name() gives the cause for scripts that care.
        std::fprintf(stderr, "drive_status: error (%s): %s\n", tapekey::errc_name(e.code()), e.what());
        if (!e.hint().empty()) {
            std::fprintf(stderr, "drive_status: hint: %s\n", e.hint().c_str());
        }
        return 1;
    }
}
