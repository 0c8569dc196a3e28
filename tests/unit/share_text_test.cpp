// The share text form: known-answer vectors, and the exhaustive guarantees
// of docs/spec/share-format.md section 6: every single substitution anywhere
// is detected and its line named; every adjacent transposition is detected.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/fixed_rng.h"
#include "support/vectors.h"
#include "tapekey/error.h"
#include "tapekey/shamir.h"
#include "tapekey/share_text.h"

using tapekey::Errc;
using tapekey::Share;

namespace {

const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string text_of(const Share& s) {
    const auto t = tapekey::encode_share_text(s);
    return {reinterpret_cast<const char*>(t.expose().data()), t.size()};
}

std::string line_of(const Share& s) {
    const auto t = tapekey::encode_share_line(s);
    return {reinterpret_cast<const char*>(t.expose().data()), t.size()};
}

struct Refusal {
    Errc code;
    std::string message;
};

std::optional<Refusal> decode_refusal(const std::string& text) {
    try {
        (void)tapekey::decode_share_text(text);
    } catch (const tapekey::Error& e) {
        return Refusal{e.code(), e.what()};
    }
    return std::nullopt;
}

bool same_share(const Share& a, const Share& b) {
    return a.set_id == b.set_id && a.threshold == b.threshold && a.total == b.total && a.index == b.index &&
           a.secret_length == b.secret_length && a.payload == b.payload;
}

// Positions of share characters in the printed text, with their line.
struct Pos {
    std::size_t offset;
    std::size_t line;  // 1-based
};
std::vector<Pos> char_positions(const std::string& text) {
    std::vector<Pos> out;
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
        } else if (text[i] != ' ') {
            out.push_back({i, line});
        }
    }
    return out;
}

std::vector<Share> sample_shares() {
    tapekey::test::CountingRng rng(2026);
    std::vector<std::uint8_t> secret(32);
    rng.fill(secret);
    auto a = tapekey::split(secret, 3, 5, rng);
    std::vector<std::uint8_t> big(64);
    rng.fill(big);
    auto b = tapekey::split(big, 2, 255, rng);
    std::vector<Share> out;
    out.push_back(std::move(a[1]));
    out.push_back(std::move(b[254]));
    return out;
}

}  // namespace

TEST_CASE("known-answer vectors: split with fixed randomness, then the text form") {
    // tests/vectors/share/split.vec: made by tests/vectors/gen/share_vectors.py,
    // an implementation of the spec written separately from the library.
    const auto vectors = tapekey::test::load_vectors("share/split.vec");
    REQUIRE(vectors.size() >= 4);
    for (const auto& v : vectors) {
        CAPTURE(v.name());
        tapekey::test::FixedRng rng(v.hex("rng"));
        const auto secret = v.hex("secret");
        const auto shares = tapekey::split(secret, v.number("threshold"), v.number("total"), rng);
        CHECK(rng.remaining() == 0);
        CHECK(tapekey::to_string(shares[0].set_id) == v.at("set_id"));
        for (const auto& s : shares) {
            const std::string key = "share" + std::to_string(s.index);
            if (v.has(key)) {
                CHECK(text_of(s) == v.at(key) + "\n");
                CHECK(same_share(tapekey::decode_share_text(v.at(key)), s));
            }
        }
    }
}

TEST_CASE("invalid text vectors are refused with the named cause") {
    const auto vectors = tapekey::test::load_vectors("share/decode-invalid.vec");
    REQUIRE(vectors.size() >= 8);
    for (const auto& v : vectors) {
        CAPTURE(v.name());
        const auto e = decode_refusal(v.at("text"));
        REQUIRE(e);
        CHECK(std::string(tapekey::errc_name(e->code)) == v.at("error"));
        CHECK(e->message == v.at("message"));
    }
}

TEST_CASE("text round trip for every secret length, grouped and single-line") {
    tapekey::test::CountingRng rng(5);
    for (std::size_t len = 16; len <= 64; ++len) {
        std::vector<std::uint8_t> secret(len);
        rng.fill(secret);
        const auto shares = tapekey::split(secret, 2, 3, rng);
        const std::string text = text_of(shares[2]);
        CAPTURE(len);
        CHECK(same_share(tapekey::decode_share_text(text), shares[2]));
        CHECK(same_share(tapekey::decode_share_text(line_of(shares[2])), shares[2]));
        const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
        CHECK(tapekey::share_line_count(text.substr(0, text.find('\n'))) == lines);
        for (const char c : text) {
            CHECK((c == ' ' || c == '\n' || alphabet.find(c) != std::string::npos));
        }
    }
}

TEST_CASE("reading is tolerant of case, separators, line breaks, comments and confusables") {
    const auto shares = sample_shares();
    const std::string text = text_of(shares[0]);
    std::string tolerant = "# a comment line\n";
    for (const char c : text) {
        if (c == ' ') {
            tolerant += "-";
        } else if (c == '0') {
            tolerant += 'o';
        } else if (c == '1') {
            tolerant += (tolerant.size() % 2 ? 'l' : 'I');
        } else if (c == '\n') {
            tolerant += "\r\n  ";
        } else {
            tolerant += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    CHECK(same_share(tapekey::decode_share_text(tolerant), shares[0]));
    std::string compact;
    for (const char c : text) {
        if (c != ' ' && c != '\n') {
            compact += c;
        }
    }
    CHECK(same_share(tapekey::decode_share_text(compact), shares[0]));
}

TEST_CASE("exhaustive: every single-character substitution is detected and its line named") {
    for (const auto& share : sample_shares()) {
        const std::string text = text_of(share);
        std::size_t cases = 0;
        for (const auto& p : char_positions(text)) {
            for (const char c : alphabet + "U*") {
                if (c == text[p.offset]) {
                    continue;
                }
                std::string t = text;
                t[p.offset] = c;
                const auto e = decode_refusal(t);
                ++cases;
                if (!e) {
                    CAPTURE(p.offset);
                    CAPTURE(c);
                    FAIL("substitution not detected");
                    continue;
                }
                const std::string where = "line " + std::to_string(p.line);
                if (e->message.rfind(where, 0) != 0) {
                    CAPTURE(p.offset);
                    CAPTURE(c);
                    CAPTURE(e->message);
                    FAIL("the message does not name the line first");
                }
                CHECK((e->code == Errc::checksum || e->code == Errc::bad_format || e->code == Errc::unsupported));
            }
        }
        CHECK(cases == char_positions(text).size() * 33);
    }
}

TEST_CASE("exhaustive: every adjacent transposition is detected") {
    for (const auto& share : sample_shares()) {
        const std::string text = text_of(share);
        const auto pos = char_positions(text);
        std::size_t swaps = 0;
        for (std::size_t i = 0; i + 1 < pos.size(); ++i) {
            std::string t = text;
            if (t[pos[i].offset] == t[pos[i + 1].offset]) {
                continue;  // swapping equal characters changes nothing
            }
            std::swap(t[pos[i].offset], t[pos[i + 1].offset]);
            ++swaps;
            const auto e = decode_refusal(t);
            CAPTURE(i);
            REQUIRE(e);
            CHECK(e->message.rfind("line", 0) == 0);
            CHECK(e->message.find(" " + std::to_string(pos[i].line)) != std::string::npos);
        }
        CHECK(swaps > pos.size() / 2);
    }
}

TEST_CASE("missing or extra text is refused") {
    const auto shares = sample_shares();
    const std::string text = text_of(shares[0]);
    const auto first_nl = text.find('\n');
    // Whole line dropped, last line dropped, one group dropped, text appended.
    CHECK(decode_refusal(text.substr(first_nl + 1)));
    CHECK(decode_refusal(text.substr(0, text.rfind('\n', text.size() - 2) + 1)));
    CHECK(decode_refusal(text.substr(0, 5) + text.substr(10)));
    CHECK(decode_refusal(text + "ABCD\n"));
    CHECK(decode_refusal(""));
}

TEST_CASE("line by line entry checks each line on its own") {
    const auto shares = sample_shares();
    const std::string text = text_of(shares[0]);
    std::vector<std::string> lines;
    for (std::size_t s = 0, e; (e = text.find('\n', s)) != std::string::npos; s = e + 1) {
        lines.push_back(text.substr(s, e - s));
    }
    CHECK(tapekey::share_line_count(lines[0]) == lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        CHECK_NOTHROW(tapekey::check_share_line(lines[i], i + 1));
        // The same line at the wrong position fails: line numbers are checked.
        if (i + 1 < lines.size()) {
            CHECK_THROWS_AS(tapekey::check_share_line(lines[i], i + 2), tapekey::Error);
        }
        std::string typo = lines[i];
        typo[2] = typo[2] == 'A' ? 'B' : 'A';
        CHECK_THROWS_AS(tapekey::check_share_line(typo, i + 1), tapekey::Error);
    }
}
