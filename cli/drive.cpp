// tapekey drive caps|status|next-block|load|clear and tapekey emu ...: print
// what the library says; human-readable by default, --json for scripts.
#include <cstdio>
#include <optional>
#include <iostream>
#include <sstream>
#include <string>

#include "commands.h"
#include "json.h"
#include "tapekey/audit_log.h"
#include "tapekey/drive.h"
#include "tapekey/emu.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "tapekey/keystore.h"
#include "term.h"

namespace tapekey::cli {
namespace {

constexpr std::size_t max_key_file = 4096;

// A minimal JSON object writer: keys in the order given.
class Json {
public:
    Json& field(const std::string& k, const std::string& v) { return raw(k, quote(v)); }
    Json& field(const std::string& k, const char* v) { return raw(k, quote(v)); }
    Json& field(const std::string& k, bool v) { return raw(k, v ? "true" : "false"); }
    Json& field(const std::string& k, unsigned long long v) { return raw(k, std::to_string(v)); }
    Json& raw(const std::string& k, const std::string& json) {
        m_out << (m_first ? "{" : ",") << quote(k) << ":" << json;
        m_first = false;
        return *this;
    }
    std::string str() const { return m_first ? "{}" : m_out.str() + "}"; }

    static std::string quote(const std::string& s) { return json_quote(s); }

private:
    std::ostringstream m_out;
    bool m_first = true;
};

std::string hex(std::span<const std::uint8_t> b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (const auto x : b) {
        s += digits[x >> 4];
        s += digits[x & 15];
    }
    return s;
}

bool printable(std::span<const std::uint8_t> b) {
    for (const auto c : b) {
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return !b.empty();
}

// A KAD for people: "text" when printable, else hex:...
std::string kad_text(std::span<const std::uint8_t> b) {
    return printable(b) ? "\"" + std::string(b.begin(), b.end()) + "\"" : "hex:" + hex(b);
}

const char* kad_name(std::uint8_t type) {
    switch (type) {
        case 0:
            return "U-KAD";
        case 1:
            return "A-KAD";
        case 2:
            return "nonce";
        case 3:
            return "M-KAD";
        case 4:
            return "WK-KAD";
        default:
            return "KAD";
    }
}

std::string kads_json(const std::vector<Kad>& kads) {
    std::string s = "[";
    for (std::size_t i = 0; i < kads.size(); ++i) {
        Json j;
        j.field("type", kad_name(kads[i].type))
            .field("authenticated", static_cast<unsigned long long>(kads[i].authenticated));
        j.field("hex", hex(kads[i].data));
        if (printable(kads[i].data)) {
            j.field("text", std::string(kads[i].data.begin(), kads[i].data.end()));
        }
        s += (i ? "," : "") + j.str();
    }
    return s + "]";
}

void print_kads(const std::vector<Kad>& kads) {
    for (const auto& k : kads) {
        std::cout << "  " << kad_name(k.type) << ": " << kad_text(k.data) << "\n";
    }
}

const char* scope_name(unsigned s) {
    switch (s) {
        case 0:
            return "public";
        case 1:
            return "local (this host only)";
        case 2:
            return "all hosts (all i_t nexus)";
        default:
            return "reserved";
    }
}

const char* capability(unsigned c) {
    switch (c) {
        case 1:
            return "software";
        case 2:
            return "hardware";
        case 3:
            return "reserved (11b)";
        default:
            return "none";
    }
}

std::string algorithm_name(std::uint32_t code) {
    if (code == aes256_gcm_algorithm) {
        return "AES-256-GCM-128";
    }
    if (code == 0x00010010u) {
        return "AES-256-CCM-128";
    }
    if (code == 0x0001000Cu) {
        return "AES-256-CBC-HMAC-SHA-1";
    }
    return "algorithm";
}

std::string code_hex(std::uint32_t code) {
    char b[16];
    std::snprintf(b, sizeof b, "%08xh", code);
    return b;
}

// What writing now does, in words; never "encrypted" unless the drive says
// its algorithm is valid for the mounted cartridge (pitfall P12).
std::string writes_line(const EncryptionStatus& s, const Capabilities& caps, bool& encrypted) {
    encrypted = Drive::writes_encrypted(s, caps);
    if (encrypted) {
        return "ENCRYPTED";
    }
    if (s.encryption != EncryptionMode::encrypt) {
        return "in clear (encryption is off)";
    }
    return "IN CLEAR: the drive says its algorithm is not valid for the mounted cartridge "
           "(no cartridge, or LTO-3 media in an LTO-4 drive)";
}

std::string status_json(const EncryptionStatus& s, bool writes_encrypted) {
    Json j;
    j.field("encryption", to_string(s.encryption))
        .field("decryption", to_string(s.decryption))
        .field("algorithm_index", static_cast<unsigned long long>(s.algorithm_index))
        .field("key_instance_counter", static_cast<unsigned long long>(s.key_instance_counter))
        .field("scope", static_cast<unsigned long long>(s.it_nexus_scope))
        .field("parameters_control", static_cast<unsigned long long>(s.parameters_control))
        .field("volume_has_encrypted_blocks", s.vcelb)
        .field("writes_encrypted", writes_encrypted)
        .raw("kads", kads_json(s.kads));
    return j.str();
}

// docs/spec/ssc-pages.md section 8.
std::string write_protection_line(const WriteProtection& w) {
    std::string causes;
    const auto add = [&](bool on, const char* what) {
        if (on) {
            causes += (causes.empty() ? "" : ", ") + std::string(what);
        }
    };
    add(w.associated, "this cartridge until it is unloaded (ASOCWP: loaded for reading only)");
    add(w.software, "every cartridge (SWP, set outside tapekey)");
    add(w.persistent, "recorded on the cartridge (PERSWP)");
    add(w.permanent, "permanent (PRMWP)");
    if (causes.empty()) {
        causes = w.medium ? "the cartridge (its write-protect tab)" : "none";
    }
    return causes + (w.associated_changeable ? "" : "; this drive cannot write-protect a cartridge for tapekey");
}

std::string write_protection_json(const WriteProtection& w) {
    Json j;
    j.field("medium", w.medium).field("software", w.software).field("associated", w.associated);
    j.field("persistent", w.persistent).field("permanent", w.permanent);
    j.field("associated_changeable", w.associated_changeable);
    return j.str();
}

void print_status(const Drive& d, const EncryptionStatus& s, const std::string& writes) {
    std::cout << "drive " << d.name() << "\n"
              << "  encryption: " << to_string(s.encryption) << ", decryption: " << to_string(s.decryption) << "\n"
              << "  algorithm index: " << static_cast<unsigned>(s.algorithm_index) << "\n"
              << "  key instance counter: " << s.key_instance_counter << "\n"
              << "  scope: " << scope_name(s.it_nexus_scope) << "\n"
              << "  volume contains encrypted blocks: " << (s.vcelb ? "yes" : "no") << "\n"
              << "  writes now: " << writes << "\n";
    print_kads(s.kads);
}

std::string next_block_json(const NextBlockStatus& n) {
    Json j;
    j.field("medium", n.medium == NextBlockStatus::Medium::present ? "present"
                      : n.medium == NextBlockStatus::Medium::none  ? "none"
                                                                   : "blank");
    j.field("logical_object_number", static_cast<unsigned long long>(n.logical_object_number))
        .field("encryption_status", static_cast<unsigned long long>(n.encryption))
        .field("encryption", to_string(n.encryption))
        .field("algorithm_index", static_cast<unsigned long long>(n.algorithm_index))
        .raw("kads", kads_json(n.kads));
    return j.str();
}

DecryptionMode mode_decryption(const std::string& mode) {
    if (mode == "on") {
        return DecryptionMode::decrypt;
    }
    if (mode == "mixed") {
        return DecryptionMode::mixed;
    }
    if (mode == "rawread") {
        return DecryptionMode::raw;
    }
    throw Error(Errc::usage, "--mode " + mode + ": unknown", "choose on, mixed or rawread");
}

void print_emu(const emu::DriveInfo& i, const std::string& device, bool json) {
    if (json) {
        std::string shelf = "[";
        for (std::size_t k = 0; k < i.shelf.size(); ++k) {
            shelf += (k ? "," : "") + Json::quote(i.shelf[k]);
        }
        Json j;
        j.field("device", device).field("persona", i.persona).field("strict", i.strict).field("asocwp", i.asocwp);
        j.raw("cartridge", i.cartridge ? Json::quote(*i.cartridge) : "null").field("lto3", i.lto3).field("worm", i.worm);
        j.field("write_protected", i.write_protected);
        j.raw("shelf", shelf + "]");
        std::cout << j.str() << "\n";
        return;
    }
    std::cout << "emulated drive " << device << " (" << i.persona << (i.strict ? "" : ", lenient")
              << (i.asocwp ? "" : ", no ASOCWP") << ")"
              << (i.created ? ", new" : "") << ": "
              << (i.cartridge ? "cartridge " + *i.cartridge + (i.lto3 ? " (LTO-3)" : "") + (i.worm ? " (WORM)" : "") +
                                 (i.write_protected ? " (write-protected)" : "")
                           : std::string("empty"))
              << "\n";
}

}  // namespace

// The key-use log of the machine's home (TAPEKEY_HOME, else
// /var/lib/tapekey) when it has one: these commands take a key file or no key
// at all, but every load, clear and probe still leaves a trace there, and a
// fail-closed log stops a load (docs/spec/audit-log.md).
class DriveLog {
public:
    explicit DriveLog(const char* command) {
        const Home home = Home::locate(std::nullopt);
        if (std::filesystem::exists(home.log_file())) {
            m_log.emplace(home, command);
        }
    }
    void preflight() const {
        if (m_log) {
            m_log->require_writable();
        }
    }
    void record(std::string_view event, const LogFields& fields) {
        if (m_log) {
            if (auto e = m_log->record(event, fields)) {
                print_warning(std::string("the key-use log was not written: ") + e->what());
            }
        }
    }

private:
    std::optional<KeyUseLog> m_log;
};

int run_drive_caps(const DriveOptions& o) {
    return guarded({}, [&] {
        Drive d = Drive::open(o.device);
        const DriveIdentity id = d.identity();
        const Capabilities caps = d.capabilities();
        const ManagementCapabilities m = d.management_capabilities();
        if (o.json) {
            std::string algs = "[";
            for (std::size_t i = 0; i < caps.algorithms.size(); ++i) {
                const auto& a = caps.algorithms[i];
                Json j;
                j.field("index", static_cast<unsigned long long>(a.index))
                    .field("algorithm", code_hex(a.algorithm))
                    .field("name", algorithm_name(a.algorithm))
                    .field("encrypt", capability(a.encrypt_c))
                    .field("decrypt", capability(a.decrypt_c))
                    .field("key_size", static_cast<unsigned long long>(a.key_size))
                    .field("max_ukad", static_cast<unsigned long long>(a.max_ukad))
                    .field("max_akad", static_cast<unsigned long long>(a.max_akad))
                    .field("ukad_fixed", a.ukadf)
                    .field("akad_fixed", a.akadf)
                    .field("valid_for_mounted_volume", a.avfmv)
                    .field("valid_at_position", static_cast<unsigned long long>(a.avfclp))
                    .field("distinguishes_encrypted_blocks", a.delb_c)
                    .field("kad_required", a.dkad_c == 1)
                    .field("raw_decryption_control", static_cast<unsigned long long>(a.rdmc_c));
                algs += (i ? "," : "") + j.str();
            }
            Json j;
            j.field("device", d.name()).field("vendor", id.vendor).field("product", id.product);
            j.field("revision", id.revision).field("serial", id.serial);
            j.field("configuration_prevented", caps.cfg_p == 2).field("clear_on_demount", m.ckod_c);
            j.raw("algorithms", algs + "]");
            std::cout << j.str() << "\n";
            return exit_ok;
        }
        std::cout << "drive " << d.name() << ": " << id.vendor << " " << id.product << " " << id.revision
                  << (id.serial.empty() ? "" : " (serial " + id.serial + ")") << "\n"
                  << "  configuration: "
                  << (caps.cfg_p == 2   ? "prevented (library- or key-manager-managed)"
                      : caps.cfg_p == 1 ? "this host may set keys"
                                        : "not reported")
                  << "\n"
                  << "  clear key on demount (--ckod): " << (m.ckod_c ? "supported" : "not supported") << "\n";
        for (const auto& a : caps.algorithms) {
            std::cout << "  algorithm " << static_cast<unsigned>(a.index) << ": " << algorithm_name(a.algorithm) << " ("
                      << code_hex(a.algorithm) << "), encrypt " << capability(a.encrypt_c) << ", decrypt "
                      << capability(a.decrypt_c) << "\n"
                      << "    key " << a.key_size << " bytes; U-KAD up to " << a.max_ukad << " bytes"
                      << (a.ukadf ? " (fixed)" : "") << ", A-KAD up to " << a.max_akad << " bytes"
                      << (a.akadf ? " (fixed)" : "") << "\n"
                      << "    valid for the mounted cartridge: " << (a.avfmv ? "yes" : "no") << "\n";
        }
        if (caps.aes_gcm() == nullptr) {
            print_warning("the drive reports no AES-256-GCM algorithm with hardware encryption");
        }
        return exit_ok;
    });
}

int run_drive_status(const DriveOptions& o) {
    return guarded({}, [&] {
        Drive d = Drive::open(o.device);
        const EncryptionStatus s = d.status();
        const Capabilities caps = d.capabilities();
        bool encrypted = false;
        const std::string writes = writes_line(s, caps, encrypted);
        std::optional<WriteProtection> wp;
        try {
            wp = d.write_protection();
        } catch (const Error&) {
            // no mode page 10h (or no cartridge to report on): shown as unknown
        }
        if (o.json) {
            std::string j = status_json(s, encrypted);
            j.pop_back();
            std::cout << j << ",\"write_protection\":" << (wp ? write_protection_json(*wp) : "null") << "}\n";
        } else {
            print_status(d, s, writes);
            std::cout << "  write protection: " << (wp ? write_protection_line(*wp) : "not reported (no mode page 10h)")
                      << "\n";
        }
        return exit_ok;
    });
}

int run_drive_next_block(const DriveOptions& o) {
    return guarded({}, [&] {
        DriveLog log("drive next-block");
        Drive d = Drive::open(o.device);
        const NextBlockStatus n = d.next_block();
        const auto u = n.ukad();
        log.record("drive.next_block", {{"device", d.name()},
                                        {"encryption", to_string(n.encryption)},
                                        {"ukad", u ? kad_text(*u) : "-"}});
        if (o.json) {
            std::cout << next_block_json(n) << "\n";
            return exit_ok;
        }
        std::cout << "drive " << d.name() << ": ";
        if (n.medium == NextBlockStatus::Medium::none) {
            std::cout << "no cartridge\n";
        } else if (n.medium == NextBlockStatus::Medium::blank) {
            std::cout << "blank cartridge (no data)\n";
        } else {
            std::cout << "block " << n.logical_object_number << ": " << to_string(n.encryption) << "\n";
            if (n.algorithm_index != 0) {
                std::cout << "  algorithm index: " << static_cast<unsigned>(n.algorithm_index) << "\n";
            }
            print_kads(n.kads);
        }
        return exit_ok;
    });
}

int run_drive_load(const DriveLoadOptions& o) {
    return guarded({}, [&] {
        KeyLoad req;
        req.decryption = mode_decryption(o.mode);
        req.ckod = o.ckod;
        // stenc's key file: line 1 the key in hex, line 2 (optional) a
        // description sent as the U-KAD. Read into secure memory.
        const SecretBytes file = read_secret_file(o.key_file, max_key_file);
        const auto bytes = file.expose();
        std::size_t eol = 0;
        while (eol < bytes.size() && bytes[eol] != '\n') {
            ++eol;
        }
        const SecretBytes key =
            secret_from_hex({reinterpret_cast<const char*>(bytes.data()), eol}, o.key_file.string() + ", line 1");
        if (eol < bytes.size()) {
            std::size_t end = eol + 1;
            while (end < bytes.size() && bytes[end] != '\n') {
                ++end;
            }
            std::size_t stop = end;
            while (stop > eol + 1 && (bytes[stop - 1] == '\r' || bytes[stop - 1] == ' ')) {
                --stop;
            }
            req.ukad.assign(bytes.begin() + static_cast<std::ptrdiff_t>(eol + 1),
                            bytes.begin() + static_cast<std::ptrdiff_t>(stop));
        }
        if (o.volume) {
            check_volume_name(*o.volume);
        }
        DriveLog log("drive load");
        log.preflight();
        Drive d = Drive::open(o.drive.device);
        const std::string serial = d.identity().serial;
        const std::uint32_t before = d.status().key_instance_counter;
        const EncryptionStatus s = d.load_key(key, req);
        log.record("drive.load", {{"device", d.name()},
                                  {"volume", o.volume.value_or("-")},
                                  {"drive_serial", serial},
                                  {"key", "from " + o.key_file.string()},
                                  {"ukad", req.ukad.empty() ? "-" : kad_text(req.ukad)},
                                  {"decryption", to_string(req.decryption)},
                                  {"counter_before", std::to_string(before)},
                                  {"counter_after", std::to_string(s.key_instance_counter)}});
        const Capabilities caps = d.capabilities();
        const NextBlockStatus next = d.next_block();
        bool encrypted = false;
        const std::string writes = writes_line(s, caps, encrypted);
        if (o.drive.json) {
            std::cout << "{\"status\":" << status_json(s, encrypted) << ",\"next_block\":" << next_block_json(next)
                      << "}\n";
        } else {
            std::cout << "key loaded into " << d.name() << " (key instance counter " << s.key_instance_counter
                      << "); writes now: " << writes << "\n";
        }
        if (!encrypted) {
            print_warning("data written now will NOT be encrypted: " + writes);
        }
        if (next.encryption == BlockEncryption::needs_key) {
            const auto u = next.ukad();
            print_warning("the block under the head needs another key" +
                          (u ? " (its U-KAD is " + kad_text(*u) + ")" : std::string()) +
                          "; load the key that KAD names, once: never try keys one after another (an HP "
                          "drive locks after ten wrong-key reads)");
        }
        return exit_ok;
    });
}

int run_drive_clear(const DriveOptions& o) {
    return guarded({}, [&] {
        DriveLog log("drive clear");
        log.preflight();
        Drive d = Drive::open(o.device);
        const std::uint32_t before = d.status().key_instance_counter;
        const EncryptionStatus s = d.clear();
        log.record("drive.clear", {{"device", d.name()},
                                   {"drive_serial", d.logged_serial()},  // the Alert Command matches by it
                                   {"counter_before", std::to_string(before)},
                                   {"counter_after", std::to_string(s.key_instance_counter)}});
        if (o.json) {
            std::cout << status_json(s, false) << "\n";
        } else {
            std::cout << "encryption off and key cleared in " << d.name() << " (key instance counter "
                      << s.key_instance_counter << ")\n";
        }
        return exit_ok;
    });
}

int run_emu_create(const EmuOptions& o) {
    return guarded({}, [&] {
        print_emu(emu::create(o.device, o.persona, !o.lenient, !o.no_asocwp, o.force), o.device, o.json);
        return exit_ok;
    });
}

int run_emu_insert(const EmuOptions& o) {
    return guarded({}, [&] {
        print_emu(emu::insert(o.device, o.cartridge, o.lto3, o.worm), o.device, o.json);
        return exit_ok;
    });
}

int run_emu_eject(const EmuOptions& o) {
    return guarded({}, [&] {
        print_emu(emu::eject(o.device), o.device, o.json);
        return exit_ok;
    });
}

int run_emu_power_cycle(const EmuOptions& o) {
    return guarded({}, [&] {
        print_emu(emu::power_cycle(o.device), o.device, o.json);
        return exit_ok;
    });
}

}  // namespace tapekey::cli
