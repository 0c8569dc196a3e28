// Envelope templates, pages and the in-process QR round trip
// (docs/spec/envelope.md). The round trip through pdftoppm, zbarimg and
// degraded scans is tests/envelope/*.sh.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "support/fixed_rng.h"
#include "support/vectors.h"
#include "tapekey/envelope.h"
#include "tapekey/error.h"
#include "tapekey/escrow.h"
#include "tapekey/scan.h"
#include "tapekey/share_text.h"

using tapekey::Errc;

namespace {

std::string_view chars(std::span<const std::uint8_t> b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

struct Ceremony {
    std::vector<tapekey::Share> shares;
    tapekey::EscrowPublic escrow;
    explicit Ceremony(std::uint64_t seed, unsigned k = 3, unsigned n = 5) {
        tapekey::test::CountingRng rng(seed);
        const tapekey::SecretBytes priv = tapekey::generate_escrow_private(rng);
        escrow.public_key = tapekey::escrow_public_of(priv);
        shares = tapekey::split(priv.expose(), k, n, rng);
        escrow.set_id = shares[0].set_id;
        escrow.threshold = k;
        escrow.shares = n;
        escrow.created = 1796000000;  // 2026-11-29
        escrow.ceremony = "ABCD-EFGH";
        const char* names[] = {"Alice Martin", "Bob", "Chloé", "Dev Ops", "Евгений"};
        for (const auto& s : shares) {
            escrow.custodians.push_back({names[(s.index - 1) % 5], tapekey::share_commitment(s)});
        }
    }
};

std::size_t count(std::string_view hay, std::string_view needle) {
    std::size_t n = 0;
    for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) {
        ++n;
    }
    return n;
}

// The first printed line of a share, as the page's content stream holds it.
std::string first_line(const tapekey::Share& s) {
    const auto t = tapekey::encode_share_text(s);
    const std::string_view v = chars(t.expose());
    return std::string(v.substr(0, v.find('\n')));
}

}  // namespace

TEST_CASE("envelope templates: every malformed template is refused naming its line") {
    for (const auto& v : tapekey::test::load_vectors("envelope/template-invalid.vec")) {
        CAPTURE(v.name());
        try {
            (void)tapekey::EnvelopeTemplate::parse(v.at("template"), "t.txt");
            FAIL("accepted");
        } catch (const tapekey::Error& e) {
            CHECK(std::string(tapekey::errc_name(e.code())) == v.at("error"));
            CHECK(std::string(e.what()) == v.at("message"));
            CHECK(!e.hint().empty());
        }
    }
}

TEST_CASE("envelope templates: the shipped ones parse, and the built-in one is envelope-en.txt") {
    const std::string dir = std::string(TAPEKEY_VECTORS_DIR) + "/../../templates/";
    const auto en = tapekey::EnvelopeTemplate::load(dir + "envelope-en.txt");
    const auto de = tapekey::EnvelopeTemplate::load(dir + "envelope-de.txt");
    const auto builtin = tapekey::EnvelopeTemplate::builtin();
    REQUIRE(en.directives().size() == builtin.directives().size());
    for (std::size_t i = 0; i < en.directives().size(); ++i) {
        CHECK(en.directives()[i].argument == builtin.directives()[i].argument);
    }
    CHECK(de.directives().size() > 10);
    // Windows-1252: the German template's umlauts are single bytes.
    CHECK(de.directives()[0].argument.find('\xDC') != std::string::npos);
}

TEST_CASE("envelope QR: alphanumeric, level M, version 5 for the escrow key; decodes to the single-line form") {
    const Ceremony c(7);
    for (const auto& s : c.shares) {
        const auto q = tapekey::share_qr(s);
        CHECK(q.version == 5);
        CHECK(q.width == 37);
        // Draw it as a page would at 8 pixels per module with the quiet
        // zone, and decode it in-process.
        const int scale = 8, side = (q.width + 8) * scale;
        const auto uside = static_cast<std::size_t>(side);
        std::vector<std::uint8_t> px(uside * uside, 255);
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
                const int r = y / scale - 4, col = x / scale - 4;
                if (r >= 0 && col >= 0 && r < q.width && col < q.width &&
                    q.modules.expose()[std::size_t(r * q.width + col)] != 0) {
                    px[static_cast<std::size_t>(y) * uside + static_cast<std::size_t>(x)] = 0;
                }
            }
        }
        const auto got = tapekey::scan_grey(px, side, side, "drawn");
        REQUIRE(got.codes.size() == 1);
        CHECK(got.unreadable.empty());
        CHECK(got.codes[0].text == tapekey::encode_share_line(s));
    }
}

TEST_CASE("envelope PDF: deterministic, one page per share, only its own share, nothing secret in metadata") {
    const Ceremony c(11);
    const auto tmpl = tapekey::EnvelopeTemplate::builtin();
    for (const auto paper : {tapekey::Paper::a4, tapekey::Paper::letter}) {
        const auto a = tapekey::render_envelope(c.shares[1], c.escrow, tmpl, paper);
        const auto b = tapekey::render_envelope(c.shares[1], c.escrow, tmpl, paper);
        CHECK(a == b);
        const std::string_view pdf = chars(a.expose());
        CHECK(pdf.substr(0, 5) == "%PDF-");
        CHECK(count(pdf, "/Type /Page\r") + count(pdf, "/Type /Page\n") + count(pdf, "/Type /Page ") +
                  count(pdf, "/Type /Page/") ==
              1);
        CHECK(count(pdf, "(" + first_line(c.shares[1]) + ")") == 1);
        for (const std::size_t other : {0u, 2u, 3u, 4u}) {
            CHECK(count(pdf, first_line(c.shares[other])) == 0);
        }
        CHECK(count(pdf, "/FontFile2") == 2);  // both fonts embedded
        CHECK(count(pdf, "DejaVuSansMono") > 0);
        CHECK(count(pdf, "/Subtype /Image") == 0);  // vector only
        CHECK(count(pdf, "(tapekey escrow envelope, share 2 of 5)") == 1);
        CHECK(count(pdf, "/CreationDate") == 0);
        // Every commitment is printed.
        for (const auto& cu : c.escrow.custodians) {
            CHECK(count(pdf, tapekey::to_string(cu.commitment)) == 1);
        }
    }
    const auto all = tapekey::render_envelopes(c.shares, c.escrow, tmpl, tapekey::Paper::a4);
    const std::string_view pdf = chars(all.expose());
    for (const auto& s : c.shares) {
        CHECK(count(pdf, "(" + first_line(s) + ")") == 1);
    }
    CHECK(count(pdf, "/Count 5") == 1);
}

TEST_CASE("envelope PDF: a share of another escrow and a template that overflows the page are refused") {
    const Ceremony c(3), other(4);
    const auto tmpl = tapekey::EnvelopeTemplate::builtin();
    try {
        (void)tapekey::render_envelope(other.shares[0], c.escrow, tmpl, tapekey::Paper::a4);
        FAIL("accepted");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::mismatch);
    }
    std::string t = "tapekey-envelope-template 1\nshare 64\n";
    for (int i = 0; i < 60; ++i) {
        t += "text line " + std::to_string(i + 3) + "\n";
    }
    try {
        (void)tapekey::render_envelope(c.shares[0], c.escrow, tapekey::EnvelopeTemplate::parse(t, "long.txt"),
                                       tapekey::Paper::letter);
        FAIL("accepted");
    } catch (const tapekey::Error& e) {
        CHECK(e.code() == Errc::bad_format);
        CHECK(std::string(e.what()).rfind("long.txt, line ", 0) == 0);
        CHECK(std::string(e.what()).find(": the page is full before this line") != std::string::npos);
    }
}
