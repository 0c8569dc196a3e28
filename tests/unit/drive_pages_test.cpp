// Golden byte vectors of the Tape Data Encryption pages, the CDBs and the
// sense data (tests/vectors/drive/*.vec, written from the T10 tables): every
// decoder against the bytes, every encoder back to the same bytes, and the
// malformed pages each rejected with an error naming the field.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "drive/pages.h"
#include "drive/sense.h"
#include "support/vectors.h"
#include "tapekey/error.h"

using namespace tapekey;
using tapekey::test::Vector;

namespace {

// The `bytes` field without its per-field `# comments`.
std::vector<std::uint8_t> page_bytes(const Vector& v, const std::string& key = "bytes") {
    std::string hex;
    std::istringstream lines(v.at(key));
    for (std::string line; std::getline(lines, line);) {
        hex += line.substr(0, line.find('#')) + " ";
    }
    return tapekey::test::from_hex(hex);
}

std::string hex(const std::vector<std::uint8_t>& b) {
    return tapekey::test::to_hex(b.data(), b.size());
}

using Fields = std::map<std::string, std::string>;
void put(Fields& f, const std::string& k, unsigned long long v) {
    f[k] = std::to_string(v);
}

void put_kads(Fields& f, const std::vector<Kad>& kads) {
    put(f, "kads", kads.size());
    for (std::size_t i = 0; i < kads.size(); ++i) {
        const auto p = "kad" + std::to_string(i + 1) + ".";
        put(f, p + "type", kads[i].type);
        put(f, p + "authenticated", kads[i].authenticated);
        f[p + "data"] = hex(kads[i].data);
    }
}

Fields fields_of(const Capabilities& c) {
    Fields f;
    put(f, "extdecc", c.extdecc);
    put(f, "cfg_p", c.cfg_p);
    put(f, "algorithms", c.algorithms.size());
    for (std::size_t i = 0; i < c.algorithms.size(); ++i) {
        const auto& a = c.algorithms[i];
        const auto p = "a" + std::to_string(i + 1) + ".";
        put(f, p + "index", a.index);
        put(f, p + "avfmv", a.avfmv);
        put(f, p + "sdk_c", a.sdk_c);
        put(f, p + "mac_c", a.mac_c);
        put(f, p + "delb_c", a.delb_c);
        put(f, p + "decrypt_c", a.decrypt_c);
        put(f, p + "encrypt_c", a.encrypt_c);
        put(f, p + "avfclp", a.avfclp);
        put(f, p + "nonce_c", a.nonce_c);
        put(f, p + "kadf_c", a.kadf_c);
        put(f, p + "vcelb_c", a.vcelb_c);
        put(f, p + "ukadf", a.ukadf);
        put(f, p + "akadf", a.akadf);
        put(f, p + "max_ukad", a.max_ukad);
        put(f, p + "max_akad", a.max_akad);
        put(f, p + "key_size", a.key_size);
        put(f, p + "dkad_c", a.dkad_c);
        put(f, p + "eemc_c", a.eemc_c);
        put(f, p + "rdmc_c", a.rdmc_c);
        put(f, p + "earem", a.earem);
        put(f, p + "max_eedk_count", a.max_eedk_count);
        put(f, p + "msdk_count", a.msdk_count);
        put(f, p + "max_eedk_size", a.max_eedk_size);
        put(f, p + "algorithm", a.algorithm);
    }
    const auto* gcm = c.aes_gcm();
    put(f, "aes_gcm_index", gcm != nullptr ? gcm->index : 0);
    return f;
}

Fields fields_of(const EncryptionStatus& s) {
    Fields f;
    put(f, "it_nexus_scope", s.it_nexus_scope);
    put(f, "key_scope", s.key_scope);
    put(f, "encryption", static_cast<unsigned>(s.encryption));
    put(f, "decryption", static_cast<unsigned>(s.decryption));
    put(f, "algorithm_index", s.algorithm_index);
    put(f, "key_instance_counter", s.key_instance_counter);
    put(f, "parameters_control", s.parameters_control);
    put(f, "vcelb", s.vcelb);
    put(f, "ceems", s.ceems);
    put(f, "rdmd", s.rdmd);
    put(f, "kad_format", s.kad_format);
    put(f, "asdk_count", s.asdk_count);
    put_kads(f, s.kads);
    return f;
}

Fields fields_of(const NextBlockStatus& s) {
    Fields f;
    put(f, "logical_object_number", s.logical_object_number);
    put(f, "compression_status", s.compression_status);
    put(f, "encryption", static_cast<unsigned>(s.encryption));
    put(f, "algorithm_index", s.algorithm_index);
    put(f, "emes", s.emes);
    put(f, "rdmds", s.rdmds);
    put(f, "kad_format", s.kad_format);
    put_kads(f, s.kads);
    const auto u = s.ukad();
    f["ukad"] = u ? hex(*u) : "none";
    return f;
}

Fields fields_of(const ManagementCapabilities& m) {
    Fields f;
    put(f, "lock_c", m.lock_c);
    put(f, "ckod_c", m.ckod_c);
    put(f, "ckorp_c", m.ckorp_c);
    put(f, "ckorl_c", m.ckorl_c);
    put(f, "aitn_c", m.aitn_c);
    put(f, "local_c", m.local_c);
    put(f, "public_c", m.public_c);
    return f;
}

// Every key of the vector other than its inputs must match the decoded field.
void check_fields(const Vector& v, const Fields& got) {
    for (const auto& [key, want] : v.fields) {
        if (key == "name" || key == "bytes" || key == "roundtrip" || key == "page") {
            continue;
        }
        const auto it = got.find(key);
        CHECK_MESSAGE(it != got.end(), v.name() << ": no decoded field " << key);
        if (it != got.end()) {
            CHECK_MESSAGE(it->second == want, v.name() << ": " << key << " is " << it->second << ", expected " << want);
        }
    }
}

template <class T>
void run_page_vectors(const std::string& section, const std::function<T(std::span<const std::uint8_t>)>& decode,
                      const std::function<std::vector<std::uint8_t>(const T&)>& encode) {
    std::size_t n = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/pages.vec")) {
        if (v.section != section) {
            continue;
        }
        ++n;
        CAPTURE(v.name());
        const auto bytes = page_bytes(v);
        const T decoded = decode(bytes);
        check_fields(v, fields_of(decoded));
        if (!v.has("roundtrip")) {
            CHECK(hex(encode(decoded)) == hex(bytes));
        }
    }
    CHECK(n > 0);
}

std::string numbers(const auto& list) {
    std::string s;
    for (const auto x : list) {
        s += (s.empty() ? "" : " ") + std::to_string(static_cast<unsigned>(x));
    }
    return s;
}

}  // namespace

TEST_CASE("drive pages: capabilities 0010h golden vectors") {
    run_page_vectors<Capabilities>("capabilities", scsi::decode_capabilities, scsi::encode_capabilities);
}

TEST_CASE("drive pages: data encryption status 0020h golden vectors") {
    run_page_vectors<EncryptionStatus>("status", scsi::decode_status, scsi::encode_status);
}

TEST_CASE("drive pages: next block encryption status 0021h golden vectors") {
    run_page_vectors<NextBlockStatus>("next-block", scsi::decode_next_block, scsi::encode_next_block);
}

TEST_CASE("drive pages: management capabilities 0012h golden vectors") {
    run_page_vectors<ManagementCapabilities>("management", scsi::decode_management_capabilities,
                                             scsi::encode_management_capabilities);
}

TEST_CASE("drive pages: page lists, protocol list, key formats") {
    for (const auto& v : tapekey::test::load_vectors("drive/pages.vec")) {
        CAPTURE(v.name());
        const auto bytes = page_bytes(v);
        if (v.section == "page-list") {
            const auto page = static_cast<std::uint16_t>(v.number("page"));
            const auto codes = scsi::decode_page_list(bytes, page);
            CHECK(numbers(codes) == v.at("codes"));
            CHECK(hex(scsi::encode_page_list(page, codes)) == hex(bytes));
        } else if (v.section == "protocol-list") {
            const auto list = scsi::decode_protocol_list(bytes);
            CHECK(numbers(list) == v.at("protocols"));
            CHECK(hex(scsi::encode_protocol_list(list)) == hex(bytes));
        } else if (v.section == "key-formats") {
            const auto formats = scsi::decode_key_formats(bytes);
            CHECK(numbers(formats) == v.at("formats"));
            CHECK(hex(scsi::encode_key_formats(formats)) == hex(bytes));
        }
    }
}

TEST_CASE("drive pages: set data encryption 0010h golden vectors, both directions") {
    std::size_t n = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/sde.vec")) {
        if (v.section != "sde") {
            continue;
        }
        ++n;
        CAPTURE(v.name());
        scsi::SetDataEncryption p;
        p.encryption = static_cast<EncryptionMode>(v.number("encryption"));
        p.decryption = static_cast<DecryptionMode>(v.number("decryption"));
        p.algorithm_index = static_cast<std::uint8_t>(v.number("algorithm_index"));
        p.ckod = v.has("ckod") && v.number("ckod") == 1;
        if (v.has("ukad")) {
            p.kads.push_back(Kad{0, 0, v.hex("ukad")});
        }
        if (v.has("akad")) {
            p.kads.push_back(Kad{1, 0, v.hex("akad")});
        }
        const auto key = v.has("key") ? v.hex("key") : std::vector<std::uint8_t>{};
        const SecretBytes page = scsi::encode_set_data_encryption(p, key);
        const std::vector<std::uint8_t> sent(page.expose().begin(), page.expose().end());
        CHECK(hex(sent) == hex(page_bytes(v)));

        std::size_t fault = 0;
        const auto d = scsi::decode_set_data_encryption(sent, &fault);
        CHECK(d.params.scope == 2);
        CHECK(d.params.ceem == 1);
        CHECK(d.params.encryption == p.encryption);
        CHECK(d.params.decryption == p.decryption);
        CHECK(d.params.algorithm_index == p.algorithm_index);
        CHECK(d.params.ckod == p.ckod);
        CHECK(d.key_length == key.size());
        CHECK(hex(std::vector<std::uint8_t>(d.key.expose().begin(), d.key.expose().end())) == hex(key));
        CHECK(d.params.kads == p.kads);
    }
    CHECK(n == 5);
}

TEST_CASE("drive pages: SPIN and SPOUT CDBs") {
    for (const auto& v : tapekey::test::load_vectors("drive/sde.vec")) {
        if (v.section != "cdb") {
            continue;
        }
        CAPTURE(v.name());
        const auto protocol = static_cast<std::uint8_t>(v.number("protocol"));
        const auto page = static_cast<std::uint16_t>(v.number("page"));
        const auto cdb = v.at("op") == "spin" ? scsi::spin_cdb(protocol, page, v.number("length"))
                                              : scsi::spout_cdb(protocol, page, v.number("length"));
        CHECK(hex(std::vector<std::uint8_t>(cdb.begin(), cdb.end())) == hex(page_bytes(v)));
    }
}

TEST_CASE("drive pages: malformed pages are rejected naming the field") {
    std::size_t n = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/invalid.vec")) {
        ++n;
        CAPTURE(v.name());
        const auto bytes = page_bytes(v);
        const auto page = v.number("page");
        std::string message;
        try {
            switch (page) {
                case 0x00:
                    (void)scsi::decode_page_list(bytes, 0);
                    break;
                case 0x10:
                    (void)scsi::decode_capabilities(bytes);
                    break;
                case 0x12:
                    (void)scsi::decode_management_capabilities(bytes);
                    break;
                case 0x20:
                    (void)scsi::decode_status(bytes);
                    break;
                case 0x21:
                    (void)scsi::decode_next_block(bytes);
                    break;
                default:
                    FAIL("vector names an unknown page");
            }
        } catch (const Error& e) {
            CHECK(e.code() == Errc::bad_format);
            message = e.what();
        }
        CHECK_MESSAGE(message.find(v.at("error")) != std::string::npos,
                      "error '" << message << "' does not name " << v.at("error"));
    }
    CHECK(n == 8);
}

TEST_CASE("drive pages: every truncation of a valid page is rejected or parsed, never read past the end") {
    for (const auto& v : tapekey::test::load_vectors("drive/pages.vec")) {
        if (v.section != "status" && v.section != "next-block" && v.section != "capabilities") {
            continue;
        }
        const auto full = page_bytes(v);
        for (std::size_t len = 0; len < full.size(); ++len) {
            const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
            try {
                if (v.section == "status") {
                    (void)scsi::decode_status(cut);
                } else if (v.section == "next-block") {
                    (void)scsi::decode_next_block(cut);
                } else {
                    (void)scsi::decode_capabilities(cut);
                }
            } catch (const Error& e) {
                CHECK(e.code() == Errc::bad_format);
            }
        }
    }
}

TEST_CASE("drive sense: fixed and descriptor format golden vectors") {
    std::size_t n = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/sense.vec")) {
        ++n;
        CAPTURE(v.name());
        const auto s = scsi::decode_sense(page_bytes(v));
        if (v.has("none")) {
            CHECK(!s.has_value());
            continue;
        }
        REQUIRE(s.has_value());
        Fields f;
        put(f, "key", s->key);
        put(f, "asc", s->asc);
        put(f, "ascq", s->ascq);
        put(f, "sksv", s->sksv);
        put(f, "command", s->command);
        put(f, "field", s->field);
        put(f, "bit", s->bit_pointer.value_or(255));
        put(f, "filemark", s->filemark);
        put(f, "eom", s->eom);
        put(f, "ili", s->ili);
        put(f, "descriptor", s->descriptor_format);
        put(f, "information", s->information.value_or(0));
        const auto text = scsi::describe(*s);
        for (const auto& [key, want] : v.fields) {
            if (key == "message") {
                CHECK_MESSAGE(text.message.find(want) != std::string::npos, text.message);
            } else if (key == "hint") {
                CHECK_MESSAGE(text.hint.find(want) != std::string::npos, text.hint);
            } else if (key != "name" && key != "bytes") {
                CHECK_MESSAGE(f[key] == want, key << " is " << f[key] << ", expected " << want);
            }
        }
        // What the emulator sends decodes to the same sense, in both formats.
        for (const auto& again : {scsi::encode_fixed_sense(*s), scsi::encode_descriptor_sense(*s)}) {
            const auto r = scsi::decode_sense(again);
            REQUIRE(r.has_value());
            CHECK(r->is(s->key, s->asc, s->ascq));
            CHECK(r->sksv == s->sksv);
            CHECK(r->field == s->field);
            CHECK(r->filemark == s->filemark);
            CHECK(r->information == s->information);
        }
    }
    CHECK(n == 21);
}

TEST_CASE("drive modes: device configuration page 10h golden vectors, sense and select") {
    std::size_t sensed = 0, selected = 0, cdbs = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/modes.vec")) {
        CAPTURE(v.name());
        if (v.section == "mode-sense") {
            ++sensed;
            const auto bytes = page_bytes(v);
            const auto d = scsi::decode_device_configuration(bytes);
            Fields f;
            put(f, "device_specific", d.device_specific);
            put(f, "wp", d.wp());
            put(f, "swp", d.swp());
            put(f, "asocwp", d.asocwp());
            put(f, "perswp", d.perswp());
            put(f, "prmwp", d.prmwp());
            check_fields(v, f);
            if (!v.has("roundtrip")) {
                CHECK(hex(scsi::encode_device_configuration(d)) == hex(bytes));
            }
        } else if (v.section == "mode-select") {
            ++selected;
            const auto current = scsi::decode_device_configuration(page_bytes(v, "current"));
            const auto list = scsi::encode_device_configuration_select(current, v.number("asocwp") == 1);
            CHECK(hex(list) == hex(page_bytes(v)));
            // What the drive side reads back from it.
            std::size_t fault = 99;
            const auto back = scsi::decode_device_configuration_select(list, true, &fault);
            CHECK(back.asocwp() == (v.number("asocwp") == 1));
            CHECK(!back.wp());
        } else if (v.section == "mode-cdb") {
            ++cdbs;
            const auto cdb = v.at("op") == "sense"
                                 ? scsi::mode_sense10_cdb(scsi::mode_page_device_configuration,
                                                          static_cast<std::uint8_t>(v.number("pc")),
                                                          static_cast<std::uint16_t>(v.number("length")))
                                 : scsi::mode_select10_cdb(static_cast<std::uint16_t>(v.number("length")));
            CHECK(hex(std::vector<std::uint8_t>(cdb.begin(), cdb.end())) == hex(page_bytes(v)));
        }
    }
    CHECK(sensed == 4);
    CHECK(selected == 2);
    CHECK(cdbs == 3);
}

TEST_CASE("drive modes: a malformed mode page or select list is refused naming the field") {
    const std::vector<std::uint8_t> good = {0x00, 0x16, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e,
                                            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct Case {
        const char* what;
        std::size_t at;
        std::uint8_t value;
        const char* message;
    };
    for (const Case& c : {Case{"another page", 8, 0x1d, "PAGE CODE is 1dh"},
                          Case{"a short page length", 9, 0x06, "at least 16 expected"},
                          Case{"block descriptors past the end", 7, 0x40, "block descriptors"}}) {
        CAPTURE(c.what);
        auto bytes = good;
        bytes[c.at] = c.value;
        try {
            (void)scsi::decode_device_configuration(bytes);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::bad_format);
            CHECK_MESSAGE(std::string(e.what()).find(c.message) != std::string::npos, std::string(e.what()));
            CHECK_MESSAGE(std::string(e.what()).find("mode page 10h (device configuration)") != std::string::npos, std::string(e.what()));
        }
    }
    // The drive side of MODE SELECT: each fault names its byte.
    for (const Case& c : {Case{"block descriptor length 4", 7, 0x04, "0 or 8 expected"},
                          Case{"PS set", 8, 0x90, "only page 10h"}, Case{"another page", 8, 0x0f, "only page 10h"},
                          Case{"page length", 9, 0x0f, "PAGE LENGTH must be 0Eh"}}) {
        CAPTURE(c.what);
        auto bytes = good;
        bytes[c.at] = c.value;
        std::size_t fault = 99;
        try {
            (void)scsi::decode_device_configuration_select(bytes, true, &fault);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::bad_format);
            CHECK_MESSAGE(std::string(e.what()).find(c.message) != std::string::npos, std::string(e.what()));
            CHECK(fault == (c.at == 7 ? 6 : c.at));
        }
    }
    // MODE SELECT(6): a 4-byte header.
    std::vector<std::uint8_t> six(good.begin() + 4, good.end());
    six[0] = 0;
    six[1] = 0;
    six[2] = 0x10;
    six[3] = 0;
    std::size_t fault = 99;
    CHECK(!scsi::decode_device_configuration_select(six, false, &fault).asocwp());
    auto trailing = good;
    trailing.push_back(0);
    CHECK_THROWS_AS(scsi::decode_device_configuration_select(trailing, true, &fault), Error);
}


TEST_CASE("drive logs: TapeAlert page 2Eh golden vectors and the LOG SENSE CDB") {
    std::size_t pages = 0, cdbs = 0;
    for (const auto& v : tapekey::test::load_vectors("drive/logs.vec")) {
        CAPTURE(v.name());
        if (v.section == "tape-alert") {
            ++pages;
            const auto flags = scsi::decode_tape_alert(page_bytes(v));
            CHECK((flags.empty() ? std::string("-") : numbers(flags)) == v.at("flags"));
            // The drive side writes every flag; the host side reads back the same set.
            const auto page = scsi::encode_tape_alert(flags);
            CHECK(page.size() == scsi::tape_alert_allocation);
            CHECK(scsi::decode_tape_alert(page) == flags);
        } else if (v.section == "log-cdb") {
            ++cdbs;
            const auto cdb = scsi::log_sense_cdb(scsi::log_page_tape_alert, static_cast<std::uint16_t>(v.number("length")));
            CHECK(hex(std::vector<std::uint8_t>(cdb.begin(), cdb.end())) == hex(page_bytes(v)));
        }
    }
    CHECK(pages == 3);
    CHECK(cdbs == 1);
    // The encoder's layout, parameter by parameter (SPC-4 log parameter).
    const std::vector<unsigned> set = {1, 9, 64};
    const auto page = scsi::encode_tape_alert(set);
    CHECK(page[0] == 0x2E);
    CHECK(page[2] * 256 + page[3] == 320);
    for (unsigned flag = 1; flag <= 64; ++flag) {
        const std::size_t at = 4 + (flag - 1) * 5;
        CAPTURE(flag);
        CHECK(page[at] * 256 + page[at + 1] == flag);
        CHECK(page[at + 3] == 1);
        CHECK(page[at + 4] == ((flag == 1 || flag == 9 || flag == 64) ? 1 : 0));
    }
    // Malformed: another page, a parameter past the end.
    CHECK_THROWS_AS(scsi::decode_tape_alert(std::vector<std::uint8_t>{0x2F, 0, 0, 0}), Error);
    CHECK_THROWS_AS(scsi::decode_tape_alert(std::vector<std::uint8_t>{0x2E, 0, 0, 5, 0, 9, 0, 4, 1}), Error);
}
