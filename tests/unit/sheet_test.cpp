// The recovery sheet's parts (docs/spec/recovery-sheet.md): known-answer
// vectors from an independent implementation of the spec, refusals with
// their exact messages, and reassembly in any order, never from two bundles.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/vectors.h"
#include "tapekey/error.h"
#include "tapekey/recovery_sheet.h"

using tapekey::Errc;

namespace {

std::string code_of(const tapekey::SheetPart& p) { return p.code(); }

template <class F>
std::optional<tapekey::Error> refusal(F&& f) {
    try {
        f();
    } catch (const tapekey::Error& e) {
        return e;
    }
    return std::nullopt;
}

// Every part of a vector's bundle as the generator wrote it (printed form).
std::vector<std::string> printed_parts(const tapekey::test::Vector& v) {
    std::vector<std::string> out;
    for (unsigned i = 1; v.has("part" + std::to_string(i)); ++i) {
        out.push_back(v.at("part" + std::to_string(i)));
    }
    return out;
}

tapekey::ScanResult scan_of(const std::vector<std::string>& codes, const std::string& origin) {
    tapekey::ScanResult r;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        r.codes.push_back({origin + ", code " + std::to_string(i + 1),
                           tapekey::SecretBytes::copy_of({reinterpret_cast<const std::uint8_t*>(codes[i].data()),
                                                          codes[i].size()})});
    }
    return r;
}

}  // namespace

TEST_CASE("known-answer vectors: bundles cut into parts, printed and compact forms") {
    // tests/vectors/sheet/parts.vec: made by tests/vectors/gen/sheet_vectors.py,
    // an implementation of the spec written separately from the library.
    const auto vectors = tapekey::test::load_vectors("sheet/parts.vec");
    REQUIRE(vectors.size() >= 4);
    for (const auto& v : vectors) {
        CAPTURE(v.name());
        const auto bundle = v.hex("bundle");
        const auto parts = tapekey::split_bundle(bundle);
        REQUIRE(parts.size() == v.number("count"));
        for (const auto& p : parts) {
            const std::string i = std::to_string(p.index);
            CAPTURE(i);
            CHECK(p.digest_text() == v.at("digest"));
            CHECK(p.body() == v.hex("body" + i));
            CHECK(p.text() == v.at("part" + i) + "\n");
            CHECK(p.code() == v.at("code" + i));
            const auto back = tapekey::decode_part(v.at("part" + i));
            CHECK(back.body() == p.body());
            CHECK(tapekey::decode_part(v.at("code" + i)).body() == p.body());
        }
        // Reassembled from the generator's text, last part first.
        tapekey::BundleAssembler a;
        auto texts = printed_parts(v);
        std::reverse(texts.begin(), texts.end());
        for (const auto& t : texts) {
            a.add(tapekey::decode_part(t), "vector");
        }
        CHECK(a.complete());
        CHECK(a.assemble() == bundle);
    }
}

TEST_CASE("a full part is a version 12 QR code at level M (spec section 4)") {
    const auto parts = tapekey::split_bundle(tapekey::test::load_vectors("sheet/parts.vec").at(3).hex("bundle"));
    CHECK(parts[0].code().size() == 375);
    const auto q = tapekey::part_qr(parts[0]);
    CHECK(q.version == 12);
    CHECK(q.width == 65);
    CHECK(tapekey::part_qr(parts.back()).version < 12);
}

TEST_CASE("damaged and foreign parts are refused with the named cause") {
    const auto vectors = tapekey::test::load_vectors("sheet/invalid.vec");
    REQUIRE(vectors.size() >= 8);
    for (const auto& v : vectors) {
        CAPTURE(v.name());
        const auto e = refusal([&] { (void)tapekey::decode_part(v.at("text")); });
        REQUIRE(e);
        CHECK(std::string(tapekey::errc_name(e->code())) == v.at("error"));
        CHECK(std::string(e->what()) == v.at("message"));
    }
}

TEST_CASE("every single substitution in a part is found and its line named") {
    const auto v = tapekey::test::load_vectors("sheet/parts.vec").at(3);
    const std::string code = v.at("code2");
    const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::size_t refused = 0, named = 0;
    for (std::size_t pos = 0; pos < code.size(); ++pos) {
        for (const char c : alphabet) {
            if (c == code[pos]) {
                continue;
            }
            std::string t = code;
            t[pos] = c;
            const auto e = refusal([&] { (void)tapekey::decode_part(t); });
            refused += e ? 1u : 0u;
            const std::string line = "line " + std::to_string(pos / 20 + 1) + " ";
            named += e && std::string(e->what()).find(pos < 20 ? "line 1 of a part" : ", " + line) !=
                              std::string::npos;
        }
    }
    CHECK(refused == code.size() * 31);
    CHECK(named == code.size() * 31);
}

TEST_CASE("reassembly: any order, duplicates, several sources; missing parts named") {
    const auto v = tapekey::test::load_vectors("sheet/parts.vec").at(3);  // 7 parts
    const auto bundle = v.hex("bundle");
    const auto parts = tapekey::split_bundle(bundle);
    REQUIRE(parts.size() == 7);
    std::vector<std::string> codes;
    for (const auto& p : parts) {
        codes.push_back(code_of(p));
    }

    tapekey::BundleAssembler a;
    const auto r1 = a.add_scan(scan_of({codes[6], codes[2], codes[0], codes[2]}, "page 1"));
    CHECK(r1.size() == 4);
    CHECK(std::all_of(r1.begin(), r1.end(), [](const auto& r) { return r.problem.empty(); }));
    CHECK(a.count() == 7);
    CHECK(a.missing() == std::vector<unsigned>{2, 4, 5, 6});
    const auto e = refusal([&] { (void)a.assemble(); });
    REQUIRE(e);
    CHECK(e->code() == Errc::insufficient);
    CHECK(std::string(e->what()) ==
          "parts 2, 4, 5 and 6 of 7 are missing: scan those QR codes again, or type their text from the sheet");
    // The rest typed into one file: parts one after another, any layout.
    const std::string typed = "# typed from the sheet\n" + parts[1].text() + "\n" + parts[3].text() + parts[4].text() +
                              "\n# part 6\n" + parts[5].code() + "\n";
    const auto r2 = a.add_text(typed, "parts.txt");
    CHECK(r2.size() == 4);
    CHECK(std::all_of(r2.begin(), r2.end(), [](const auto& r) { return r.problem.empty(); }));
    REQUIRE(a.complete());
    CHECK(a.assemble() == bundle);
    CHECK(a.digest() == v.at("digest"));

    // One part missing: named alone.
    tapekey::BundleAssembler b;
    for (std::size_t i = 0; i < 7; ++i) {
        if (i != 2) {
            b.add(tapekey::decode_part(codes[i]), "scan");
        }
    }
    const auto e3 = refusal([&] { (void)b.assemble(); });
    REQUIRE(e3);
    CHECK(std::string(e3->what()) ==
          "part 3 of 7 is missing: scan that QR code again, or type its text from the sheet");
}

TEST_CASE("parts of two bundles are never mixed") {
    const auto vectors = tapekey::test::load_vectors("sheet/parts.vec");
    const auto one = tapekey::split_bundle(vectors.at(3).hex("bundle"));
    const auto other = tapekey::split_bundle(vectors.at(2).hex("bundle"));
    tapekey::BundleAssembler a;
    a.add(one[0], "a.png");
    const auto e = refusal([&] { a.add(other[1], "b.png"); });
    REQUIRE(e);
    CHECK(e->code() == Errc::mismatch);
    CHECK(std::string(e->what()) == "b.png: part 2 of 2 is from bundle " + other[1].digest_text() +
                                        ", the parts read before (from a.png) from bundle " + one[0].digest_text() +
                                        "; parts of two bundles are never mixed");
    // In a scan, too: the whole scan is refused.
    tapekey::BundleAssembler b;
    CHECK(refusal([&] { (void)b.add_scan(scan_of({one[0].code(), other[0].code()}, "mixed.png")); })->code() ==
          Errc::mismatch);
    // A part whose data differs from an earlier copy with the same number.
    auto forged = one[1];
    forged.data[5] ^= 1;
    const auto text = forged.code();  // its checksum is recomputed: it reads as a part
    a.add(one[1], "a.png");
    CHECK(refusal([&] { a.add(tapekey::decode_part(text), "c.png"); })->code() == Errc::mismatch);
}

TEST_CASE("a changed part that still reads gives no bundle: the bundle's SHA-256 refuses") {
    const auto bundle = tapekey::test::load_vectors("sheet/parts.vec").at(2).hex("bundle");
    auto parts = tapekey::split_bundle(bundle);
    parts[0].data[0] ^= 0x80;  // re-encoded with a valid part checksum
    tapekey::BundleAssembler a;
    for (const auto& p : parts) {
        a.add(tapekey::decode_part(p.text()), "forged");
    }
    const auto e = refusal([&] { (void)a.assemble(); });
    REQUIRE(e);
    CHECK(e->code() == Errc::integrity);
}

TEST_CASE("typed text with a typo: the part and the line are named, the others still read") {
    const auto parts = tapekey::split_bundle(tapekey::test::load_vectors("sheet/parts.vec").at(3).hex("bundle"));
    std::string second = parts[1].text();
    const std::size_t at = second.find('\n') + 1 + 2 * 25 + 3;  // line 4, a character of its first group
    second[at] = second[at] == 'A' ? 'B' : 'A';
    tapekey::BundleAssembler a;
    const auto r = a.add_text(parts[0].text() + second + parts[2].text(), "typed.txt");
    REQUIRE(r.size() == 3);
    CHECK(r[0].problem.empty());
    CHECK(r[1].problem == "part 2 of 7, line 4 has a typo (the check character at the end of the line does not match)");
    CHECK(r[2].problem.empty());
    CHECK(a.missing() == std::vector<unsigned>{2, 4, 5, 6, 7});
}
