// Sense data: SPC-4 sense data (descriptor and fixed formats, sense keys), and the additional sense codes of SPC-4
// Annex D that a tape drive with encryption returns (docs/spec/ssc-pages.md section 6).
#include "drive/sense.h"

#include <cstdio>

#include "drive/bytes.h"

namespace tapekey::scsi {
namespace {

std::string hex2(unsigned v) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", v & 0xFFu);
    return b;
}

std::string code_of(const Sense& s) {
    return hex2(s.key) + "/" + hex2(s.asc) + "/" + hex2(s.ascq);
}

// The 3 sense-key specific bytes: SKSV, C/D, BPV, BIT POINTER, FIELD POINTER.
void read_field_pointer(Sense& s, std::span<const std::uint8_t> sks) {
    s.sksv = bit(sks[0], 7);
    if (!s.sksv || (s.key != illegal_request)) {
        s.sksv = s.sksv && s.key == illegal_request;
        return;
    }
    s.command = bit(sks[0], 6);
    if (bit(sks[0], 3)) {
        s.bit_pointer = static_cast<std::uint8_t>(bits(sks[0], 2, 0));
    }
    s.field = static_cast<std::uint16_t>((sks[1] << 8) | sks[2]);
}

void write_field_pointer(const Sense& s, std::span<std::uint8_t> sks) {
    if (!s.sksv) {
        return;
    }
    sks[0] = static_cast<std::uint8_t>(0x80u | unsigned{s.command} << 6 |
                                       (s.bit_pointer ? 0x08u | (*s.bit_pointer & 7u) : 0u));
    set16(sks, 1, s.field);
}

std::string pointer_text(const Sense& s) {
    if (!s.sksv) {
        return {};
    }
    std::string t = std::string(" at ") + (s.command ? "cdb" : "parameter list") + " byte " + std::to_string(s.field);
    if (s.bit_pointer) {
        t += " bit " + std::to_string(*s.bit_pointer);
    }
    return t;
}

}  // namespace

std::optional<Sense> decode_sense(std::span<const std::uint8_t> b) {
    if (b.size() < 8) {
        return std::nullopt;
    }
    Sense s;
    const unsigned code = b[0] & 0x7Fu;
    if (code == 0x70 || code == 0x71) {
        if (b.size() < 14) {
            return std::nullopt;
        }
        s.filemark = bit(b[2], 7);
        s.eom = bit(b[2], 6);
        s.ili = bit(b[2], 5);
        s.key = static_cast<std::uint8_t>(b[2] & 0x0Fu);
        if (bit(b[0], 7)) {
            s.information =
                (std::uint64_t{b[3]} << 24) | (std::uint64_t{b[4]} << 16) | (std::uint64_t{b[5]} << 8) | b[6];
        }
        s.asc = b[12];
        s.ascq = b[13];
        if (b.size() >= 18) {
            read_field_pointer(s, b.subspan(15, 3));
        }
        return s;
    }
    if (code == 0x72 || code == 0x73) {
        s.descriptor_format = true;
        s.key = static_cast<std::uint8_t>(b[1] & 0x0Fu);
        s.asc = b[2];
        s.ascq = b[3];
        const std::size_t end = std::min<std::size_t>(b.size(), std::size_t{8} + b[7]);
        for (std::size_t at = 8; at + 2 <= end;) {
            const std::size_t len = std::size_t{2} + b[at + 1];
            if (at + len > end) {
                break;  // a truncated descriptor: keep what was complete
            }
            const auto d = b.subspan(at, len);
            if (d[0] == 0x00 && len >= 12 && bit(d[2], 7)) {  // information
                std::uint64_t v = 0;
                for (std::size_t i = 4; i < 12; ++i) {
                    v = (v << 8) | d[i];
                }
                s.information = v;
            } else if (d[0] == 0x02 && len >= 7) {  // sense key specific
                read_field_pointer(s, d.subspan(4, 3));
            } else if (d[0] == 0x04 && len >= 4) {  // stream commands
                s.filemark = bit(d[3], 7);
                s.eom = bit(d[3], 6);
                s.ili = bit(d[3], 5);
            }
            at += len;
        }
        return s;
    }
    return std::nullopt;
}

std::vector<std::uint8_t> encode_fixed_sense(const Sense& s) {
    std::vector<std::uint8_t> b(18, 0);
    b[0] = s.information ? 0xF0 : 0x70;
    b[2] = static_cast<std::uint8_t>(unsigned{s.filemark} << 7 | unsigned{s.eom} << 6 | unsigned{s.ili} << 5 |
                                     (s.key & 0x0Fu));
    if (s.information) {
        set32(b, 3, static_cast<std::uint32_t>(*s.information));
    }
    b[7] = 10;  // ADDITIONAL SENSE LENGTH
    b[12] = s.asc;
    b[13] = s.ascq;
    write_field_pointer(s, std::span(b).subspan(15, 3));
    return b;
}

std::vector<std::uint8_t> encode_descriptor_sense(const Sense& s) {
    std::vector<std::uint8_t> b{0x72, static_cast<std::uint8_t>(s.key & 0x0Fu), s.asc, s.ascq, 0, 0, 0, 0};
    if (s.information) {
        b.insert(b.end(), {0x00, 0x0A, 0x80, 0x00});
        put64(b, *s.information);
    }
    if (s.sksv) {
        std::uint8_t sks[3] = {};
        write_field_pointer(s, sks);
        b.insert(b.end(), {0x02, 0x06, 0x00, 0x00, sks[0], sks[1], sks[2], 0x00});
    }
    if (s.filemark || s.eom || s.ili) {
        b.insert(b.end(),
                 {0x04, 0x02, 0x00,
                  static_cast<std::uint8_t>(unsigned{s.filemark} << 7 | unsigned{s.eom} << 6 | unsigned{s.ili} << 5)});
    }
    b[7] = static_cast<std::uint8_t>(b.size() - 8);
    return b;
}

const char* sense_key_name(std::uint8_t key) noexcept {
    switch (key) {
        case no_sense:
            return "no sense";
        case recovered_error:
            return "recovered error";
        case not_ready:
            return "not ready";
        case medium_error:
            return "medium error";
        case hardware_error:
            return "hardware error";
        case illegal_request:
            return "illegal request";
        case unit_attention:
            return "unit attention";
        case data_protect:
            return "data protect";
        case blank_check:
            return "blank check";
        case aborted_command:
            return "aborted command";
        case volume_overflow:
            return "volume overflow";
        default:
            return "vendor or reserved sense key";
    }
}

SenseText describe(const Sense& s) {
    const std::string code = " (" + code_of(s) + ")";
    auto text = [&](std::string what, std::string hint) { return SenseText{std::move(what) + code, std::move(hint)}; };
    const unsigned key = s.key;
    const unsigned a = s.asc;
    const unsigned q = s.ascq;
    if (key == illegal_request) {
        if (a == 0x20 && q == 0x00) {
            return text("invalid command operation code",
                        "the drive does not implement this command; without SECURITY PROTOCOL IN/OUT it is not "
                        "encryption-capable (LTO-3 or older)");
        }
        if (a == 0x24 && q == 0x00) {
            return text("invalid field in cdb" + pointer_text(s),
                        "the drive refused the command itself; check the page code and allocation length");
        }
        if (a == 0x26 && q == 0x00) {
            return text("invalid field in parameter list" + pointer_text(s),
                        "the drive refused the key page: check the algorithm index (from `tapekey drive caps`), "
                        "the key length, the KAD lengths, and that --ckod has a cartridge loaded");
        }
        if (a == 0x26 && q == 0x11) {
            return text("incomplete key-associated data set",
                        "this drive requires a key-associated data descriptor; give the key a description");
        }
        if (a == 0x1A && q == 0x00) {
            return text("parameter list length error", "the page length and the transfer length disagree");
        }
        if (a == 0x74 && q == 0x21) {
            return text("data encryption configuration prevented",
                        "encryption is managed by the library or a key manager; switch the drive to "
                        "application-managed encryption");
        }
        if (a == 0x25 && q == 0x00) {
            return text("logical unit not supported", "check the device path");
        }
    }
    if (key == data_protect) {
        if (a == 0x74) {
            switch (q) {
                case 0x00:
                    return text("security error", "the block forbids this access (e.g. raw read of a protected block)");
                case 0x01:
                    return text("encrypted block and decryption is not enabled",
                                "load the block's key with `tapekey drive load` (see `tapekey drive next-block`)");
                case 0x02:
                    return text("unencrypted block while the drive only decrypts",
                                "load the key with --mode mixed to read clear and encrypted blocks");
                case 0x03:
                    return text("incorrect data encryption key",
                                "the loaded key is not this block's key: find the key by the KAD that "
                                "`tapekey drive next-block` shows; do not try other keys (the drive locks after ten)");
                case 0x04:
                    return text("cryptographic integrity validation failed",
                                "the block is damaged or was tampered with; stop and keep the cartridge");
                case 0x05:
                    return text("key-associated data changed or error decrypting",
                                "the tape changes keys here; read `tapekey drive next-block` again");
                default:
                    break;
            }
        }
        if (a == 0x26 && q == 0x10) {
            return text("data decryption key fail limit reached",
                        "the drive refuses keys after ten wrong-key reads; unload and reload the cartridge "
                        "(or power-cycle the drive), then load the key named by the block's KAD once");
        }
        if (a == 0x2A && q == 0x13) {
            return text("data encryption key instance counter has changed",
                        "another host changed the key; check `tapekey drive status` and load the key again");
        }
        if (a == 0xEF && q == 0x10) {
            return text("key required (ibm)", "load the block's key with `tapekey drive load`");
        }
        if (a == 0x27) {  // SPC-4 Annex D, 27h/00h-05h (docs/spec/ssc-pages.md sections 6 and 8)
            switch (q) {
                case 0x00:
                    return text("write protected", "the cartridge is write-protected");
                case 0x01:
                    return text("hardware write protected", "slide the cartridge's write-protect tab to write");
                case 0x02:
                    return text("logical unit software write protected",
                                "SWP is set in the drive's device configuration page (see `tapekey drive status`); "
                                "tapekey never sets it");
                case 0x03:
                    return text("associated write protect",
                                "tapekey loaded this cartridge for reading only (its generation is no longer "
                                "active); append to a cartridge of the active generation instead");
                case 0x04:
                    return text("persistent write protect", "the cartridge itself is marked write-protected");
                case 0x05:
                    return text("permanent write protect", "the cartridge is permanently write-protected");
                default:
                    break;
            }
        }
    }
    if (key == not_ready) {
        if (a == 0x3A) {
            return text("medium not present", "load a cartridge into the drive");
        }
        if (a == 0x04) {
            return text("logical unit not ready", "wait for the drive to finish loading or rewinding and retry");
        }
    }
    if (key == unit_attention) {
        if (a == 0x28) {
            return text("medium may have changed", "a cartridge was loaded; retry the command");
        }
        if (a == 0x29) {
            return text("power on, reset or bus device reset occurred",
                        "the drive was reset, which may have cleared its key; check `tapekey drive status`");
        }
        if (a == 0x2A && q == 0x11) {
            return text("data encryption parameters changed by another i_t nexus",
                        "another host changed the drive's key; check `tapekey drive status`");
        }
        if (a == 0x2A && q == 0x12) {
            return text("data encryption parameters changed by vendor specific event",
                        "the key was cleared (e.g. clear-on-demount); load it again");
        }
        if (a == 0x2A) {
            return text("parameters changed", "retry the command");
        }
    }
    if (key == blank_check) {
        if (a == 0x00 && q == 0x05) {
            return text("end of data detected", "there is nothing more to read on this cartridge");
        }
        if (a == 0x14 && q == 0x03) {
            return text("end of data not found", "the cartridge is blank");
        }
    }
    if (key == no_sense && s.filemark) {
        return text("filemark detected", "space past the filemark");
    }
    if (key == medium_error || key == hardware_error) {
        return text(std::string(sense_key_name(s.key)) + ", additional sense " + hex2(a) + "/" + hex2(q),
                    "the drive reports a fault; clean it and retry, or call its vendor");
    }
    return text(std::string(sense_key_name(s.key)) + ", additional sense " + hex2(a) + "/" + hex2(q),
                "see the drive's SCSI reference for this code");
}

}  // namespace tapekey::scsi
