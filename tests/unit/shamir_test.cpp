// Shamir split/combine: every k-subset for n <= 7, and each way combine must
// refuse (one failure per case, named for what it breaks).
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "support/fixed_rng.h"
#include "tapekey/error.h"
#include "tapekey/shamir.h"

using tapekey::Errc;
using tapekey::Share;
using tapekey::test::CountingRng;

namespace {

std::vector<std::uint8_t> secret_bytes(std::size_t n, unsigned seed) {
    std::vector<std::uint8_t> s(n);
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
    }
    return s;
}

std::vector<Share> pick(const std::vector<Share>& all, std::initializer_list<int> indexes) {
    std::vector<Share> out;
    for (const int i : indexes) {
        out.push_back(all[static_cast<std::size_t>(i - 1)].clone());
    }
    return out;
}

struct Refusal {
    Errc code;
    std::string message;
};

std::optional<Refusal> refusal(const std::vector<Share>& shares) {
    try {
        (void)tapekey::combine(shares);
    } catch (const tapekey::Error& e) {
        return Refusal{e.code(), e.what()};
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("every subset of at least k shares rebuilds the secret, n <= 7") {
    CountingRng rng(42);
    std::size_t subsets = 0;
    for (unsigned n = 2; n <= 7; ++n) {
        for (unsigned k = 2; k <= n; ++k) {
            const auto secret = secret_bytes(32, n * 8 + k);
            const auto shares = tapekey::split(secret, k, n, rng);
            REQUIRE(shares.size() == n);
            for (unsigned mask = 1; mask < (1u << n); ++mask) {
                std::vector<Share> chosen;
                for (unsigned i = 0; i < n; ++i) {
                    if ((mask >> i) & 1u) {
                        chosen.push_back(shares[i].clone());
                    }
                }
                CAPTURE(n);
                CAPTURE(k);
                CAPTURE(mask);
                if (chosen.size() >= k) {
                    const auto r = tapekey::combine(chosen);
                    CHECK(tapekey::ct_equal(r.secret.expose(), secret));
                    CHECK(r.rejected.empty());
                    CHECK(r.used.size() == chosen.size());
                    ++subsets;
                } else {
                    const auto e = refusal(chosen);
                    REQUIRE(e);
                    CHECK(e->code == Errc::insufficient);
                }
            }
        }
    }
    CHECK(subsets == 522);  // sum over n=2..7, k=2..n of the subsets of size >= k
}

TEST_CASE("every secret length from 16 to 64 bytes round-trips") {
    CountingRng rng(7);
    for (std::size_t len = tapekey::min_secret_length; len <= tapekey::max_secret_length; ++len) {
        const auto secret = secret_bytes(len, static_cast<unsigned>(len));
        const auto shares = tapekey::split(secret, 3, 5, rng);
        CHECK(shares[0].payload.size() == len + 4);
        const auto r = tapekey::combine(pick(shares, {5, 1, 3}));
        CHECK(tapekey::ct_equal(r.secret.expose(), secret));
    }
}

TEST_CASE("255 shares, threshold 255") {
    CountingRng rng(9);
    const auto secret = secret_bytes(16, 1);
    const auto shares = tapekey::split(secret, 255, 255, rng);
    std::vector<Share> all;
    for (const auto& s : shares) {
        all.push_back(s.clone());
    }
    CHECK(tapekey::ct_equal(tapekey::combine(all).secret.expose(), secret));
    all.pop_back();
    CHECK(refusal(all)->code == Errc::insufficient);
}

TEST_CASE("split refuses impossible parameters") {
    CountingRng rng(1);
    const auto secret = secret_bytes(32, 1);
    CHECK_THROWS_AS(tapekey::split(secret, 1, 5, rng), tapekey::Error);
    CHECK_THROWS_AS(tapekey::split(secret, 6, 5, rng), tapekey::Error);
    CHECK_THROWS_AS(tapekey::split(secret, 2, 256, rng), tapekey::Error);
    CHECK_THROWS_AS(tapekey::split(secret_bytes(15, 1), 2, 3, rng), tapekey::Error);
    CHECK_THROWS_AS(tapekey::split(secret_bytes(65, 1), 2, 3, rng), tapekey::Error);
}

TEST_CASE("combine refuses, naming the share") {
    CountingRng rng(3);
    const auto secret = secret_bytes(32, 5);
    const auto shares = tapekey::split(secret, 3, 5, rng);
    const auto other_set = tapekey::split(secret, 3, 5, rng);

    SUBCASE("index_zero") {
        auto s = pick(shares, {1, 2, 3});
        s[1].index = 0;
        const auto e = refusal(s);
        REQUIRE(e);
        CHECK(e->code == Errc::bad_format);
        CHECK(e->message == "a share has index 0, which no split produces");
    }
    SUBCASE("duplicate_share") {
        const auto e = refusal(pick(shares, {1, 2, 2}));
        REQUIRE(e);
        CHECK(e->code == Errc::duplicate);
        CHECK(e->message == "share 2 was given twice");
    }
    SUBCASE("two_shares_claim_one_index") {
        auto s = pick(shares, {1, 2, 3});
        s[2].index = 2;
        const auto e = refusal(s);
        REQUIRE(e);
        CHECK(e->code == Errc::mismatch);
        CHECK(e->message == "two different shares claim to be share 2");
    }
    SUBCASE("other_set") {
        auto s = pick(shares, {1, 2});
        s.push_back(other_set[3].clone());
        const auto e = refusal(s);
        REQUIRE(e);
        CHECK(e->code == Errc::mismatch);
        CHECK(e->message.rfind("share 4 belongs to set ", 0) == 0);
    }
    SUBCASE("other_threshold") {
        auto s = pick(shares, {1, 2, 3});
        s[2].threshold = 2;
        CHECK(refusal(s)->code == Errc::mismatch);
    }
    SUBCASE("other_total") {
        auto s = pick(shares, {1, 2, 3});
        s[0].total = 6;
        CHECK(refusal(s)->code == Errc::mismatch);
    }
    SUBCASE("other_length") {
        CountingRng rng2(4);
        const auto longer = tapekey::split(secret_bytes(48, 5), 3, 5, rng2);
        auto s = pick(shares, {1, 2});
        auto l = longer[2].clone();
        l.set_id = s[0].set_id;
        s.push_back(std::move(l));
        CHECK(refusal(s)->code == Errc::mismatch);
    }
    SUBCASE("fewer_than_k") {
        const auto e = refusal(pick(shares, {2, 5}));
        REQUIRE(e);
        CHECK(e->code == Errc::insufficient);
        CHECK(e->message == "3 shares are needed and 2 were given (shares 2 and 5)");
    }
    SUBCASE("unknown_version") {
        auto s = pick(shares, {1, 2, 3});
        s[0].version = 2;
        CHECK(refusal(s)->code == Errc::unsupported);
    }
    SUBCASE("altered_payload_exactly_k") {
        auto s = pick(shares, {1, 2, 3});
        s[1].payload.expose()[0] ^= 1;
        const auto e = refusal(s);
        REQUIRE(e);
        CHECK(e->code == Errc::integrity);
    }
}

TEST_CASE("with more than k shares, a bad one is named and the rest rebuild the secret") {
    CountingRng rng(11);
    const auto secret = secret_bytes(32, 9);
    const auto shares = tapekey::split(secret, 3, 5, rng);
    for (int bad = 1; bad <= 5; ++bad) {
        CAPTURE(bad);
        auto s = pick(shares, {1, 2, 3, 4, 5});
        s[static_cast<std::size_t>(bad - 1)].payload.expose()[7] ^= 0x40;
        const auto r = tapekey::combine(s);
        CHECK(tapekey::ct_equal(r.secret.expose(), secret));
        REQUIRE(r.rejected.size() == 1);
        CHECK(r.rejected[0].index == bad);
        CHECK(r.used.size() == 4);
    }
    // Two bad among five with k = 3: still three good ones.
    auto s = pick(shares, {1, 2, 3, 4, 5});
    s[0].payload.expose()[0] ^= 1;
    s[3].payload.expose()[0] ^= 1;
    const auto r = tapekey::combine(s);
    CHECK(tapekey::ct_equal(r.secret.expose(), secret));
    CHECK(r.rejected.size() == 2);
    // Three bad among five: no consistent group remains.
    s[4].payload.expose()[0] ^= 1;
    CHECK(refusal(s)->code == Errc::integrity);
}
