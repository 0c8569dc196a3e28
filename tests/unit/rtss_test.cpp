// Botan RTSS shares (draft-mcgrew-tss-03, the same GF(2^8) field) recovered
// with our raw arithmetic. Vectors: tests/vectors/rtss/botan-2.19.3.vec, made
// by Debian's botan 2.19.3 CLI (tests/vectors/gen/botan_rtss.sh).
#include <doctest/doctest.h>

#include <vector>

#include "crypto.h"
#include "support/vectors.h"
#include "tapekey/hazmat/shamir_raw.h"

namespace {

// RTSS share: id(16) hash-id(1) threshold(1) share-length(2, big endian),
// then x(1) and share-length - 1 bytes of y.
struct RtssShare {
    std::uint8_t threshold;
    std::uint8_t x;
    std::vector<std::uint8_t> y;
};

RtssShare parse(const std::vector<std::uint8_t>& b) {
    REQUIRE(b.size() > 21);
    const std::size_t len = (std::size_t{b[18]} << 8) | b[19];
    REQUIRE(b.size() == 20 + len);
    CHECK(b[16] == 2);  // SHA-256
    return {b[17], b[20], std::vector<std::uint8_t>(b.begin() + 21, b.end())};
}

}  // namespace

TEST_CASE("botan rtss shares recover with hazmat::interpolate") {
    const auto vectors = tapekey::test::load_vectors("rtss/botan-2.19.3.vec");
    REQUIRE(vectors.size() >= 3);
    for (const auto& v : vectors) {
        CAPTURE(v.name());
        const auto secret = v.hex("secret");
        std::vector<std::uint8_t> xs;
        std::vector<tapekey::SecretBytes> ys;
        for (const auto& key : {"share_a", "share_b", "share_c", "share_d", "share_e"}) {
            if (!v.has(key)) {
                continue;
            }
            const auto s = parse(v.hex(key));
            xs.push_back(s.x);
            ys.push_back(tapekey::SecretBytes::copy_of(s.y));
        }
        const auto value = tapekey::hazmat::interpolate(xs, ys);
        const auto got = value.expose();
        REQUIRE(got.size() == secret.size() + 32);
        CHECK(tapekey::test::to_hex(got.data(), secret.size()) == v.at("secret"));
        const auto hash = tapekey::detail::sha256({got.first(secret.size())});
        CHECK(tapekey::ct_equal(hash, got.subspan(secret.size())));
    }
}
