// Shares with integrity: see tapekey/shamir.h and docs/spec/share-format.md
// section "Sharing".
#include "tapekey/shamir.h"

#include <algorithm>
#include <string>

#include "base32.h"
#include "combinations.h"
#include "crypto.h"
#include "tapekey/error.h"
#include "tapekey/hazmat/shamir_raw.h"

namespace tapekey {
namespace {

// A k-subset search bound: with more than k shares and a digest failure we
// look for a consistent k-subset to name the odd shares out. C(n, k) can be
// astronomically large; past this many subsets we give up and say so.
constexpr std::size_t max_subsets = 5000;

// share-format.md "Sharing", step 2: D = HMAC-SHA256(S, label || set id)[0..4].
std::array<std::uint8_t, share_digest_length> digest_of(std::span<const std::uint8_t> secret, const SetId& id) {
    auto mac = detail::hmac_sha256(secret, {detail::label("tapekey share v1 digest"), id.bytes});
    std::array<std::uint8_t, share_digest_length> d{};
    std::copy_n(mac.begin(), d.size(), d.begin());
    secure_wipe(mac);
    return d;
}

std::string share_name(std::uint8_t index) { return "share " + std::to_string(index); }

void validate_one(const Share& s) {
    if (s.version != 1) {
        throw Error(Errc::unsupported,
                    share_name(s.index) + ": format version " + std::to_string(s.version) + " is not supported",
                    "this build reads share format 1; use the tapekey version that made the share");
    }
    if (s.index == 0) {
        throw Error(Errc::bad_format, "a share has index 0, which no split produces",
                    "the share was mistyped or forged; check it with `tapekey shares verify`");
    }
    if (s.threshold < 2 || s.total < s.threshold || s.index > s.total) {
        throw Error(Errc::bad_format, share_name(s.index) + ": inconsistent header (k=" +
                                          std::to_string(s.threshold) + ", n=" + std::to_string(s.total) + ")");
    }
    if (s.secret_length < min_secret_length || s.secret_length > max_secret_length ||
        s.payload.size() != std::size_t{s.secret_length} + share_digest_length) {
        throw Error(Errc::bad_format, share_name(s.index) + ": payload length does not match the secret length");
    }
}

std::string list_indexes(const std::vector<std::uint8_t>& xs) {
    std::string out;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        out += (i == 0 ? "" : (i + 1 == xs.size() ? " and " : ", ")) + std::to_string(xs[i]);
    }
    return out;
}

}  // namespace

std::string to_string(const SetId& id) {
    return detail::group(detail::base32_encode(id.bytes), 4, '-');
}

Share Share::clone() const {
    Share s;
    s.version = version;
    s.set_id = set_id;
    s.threshold = threshold;
    s.total = total;
    s.index = index;
    s.secret_length = secret_length;
    s.payload = payload.clone();
    return s;
}

std::vector<Share> split(std::span<const std::uint8_t> secret, unsigned threshold, unsigned total, Rng& rng) {
    if (threshold < 2 || threshold > total || total > max_shares) {
        throw Error(Errc::usage,
                    "cannot split " + std::to_string(threshold) + "-of-" + std::to_string(total),
                    "the threshold k and the number of shares n must satisfy 2 <= k <= n <= 255");
    }
    if (secret.size() < min_secret_length || secret.size() > max_secret_length) {
        throw Error(Errc::usage, "the secret is " + std::to_string(secret.size()) + " bytes long",
                    "tapekey shares secrets of 16 to 64 bytes (a 256-bit key is 32 bytes, 64 hex digits)");
    }
    SetId id;
    rng.fill(id.bytes);

    // The shared value V = S || D (share-format.md "Sharing").
    SecretBytes value(secret.size() + share_digest_length);
    auto v = value.expose();
    std::copy(secret.begin(), secret.end(), v.begin());
    auto d = digest_of(secret, id);
    std::copy(d.begin(), d.end(), v.begin() + static_cast<std::ptrdiff_t>(secret.size()));
    secure_wipe(d);

    auto ys = hazmat::split_raw(v, threshold, total, rng);
    std::vector<Share> shares;
    shares.reserve(total);
    for (unsigned x = 1; x <= total; ++x) {
        Share s;
        s.set_id = id;
        s.threshold = static_cast<std::uint8_t>(threshold);
        s.total = static_cast<std::uint8_t>(total);
        s.index = static_cast<std::uint8_t>(x);
        s.secret_length = static_cast<std::uint8_t>(secret.size());
        s.payload = std::move(ys[x - 1]);
        shares.push_back(std::move(s));
    }
    return shares;
}

Recovery combine(std::span<const Share> shares) {
    if (shares.empty()) {
        throw Error(Errc::insufficient, "no shares were given");
    }
    for (const auto& s : shares) {
        validate_one(s);
    }
    const Share& first = shares[0];
    for (std::size_t i = 1; i < shares.size(); ++i) {
        const Share& s = shares[i];
        if (s.set_id != first.set_id) {
            throw Error(Errc::mismatch,
                        share_name(s.index) + " belongs to set " + to_string(s.set_id) + ", " +
                            share_name(first.index) + " to set " + to_string(first.set_id),
                        "shares of different splits cannot be combined; set the other one aside");
        }
        if (s.threshold != first.threshold || s.total != first.total || s.secret_length != first.secret_length) {
            throw Error(Errc::mismatch,
                        share_name(s.index) + " and " + share_name(first.index) +
                            " carry the same set id but a different threshold, count or length",
                        "one of them is damaged or forged; verify each with `tapekey shares verify`");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (shares[j].index == s.index) {
                if (ct_equal(shares[j].payload.expose(), s.payload.expose())) {
                    throw Error(Errc::duplicate, share_name(s.index) + " was given twice",
                                "give each share once; another custodian's share is needed instead");
                }
                throw Error(Errc::mismatch, "two different shares claim to be " + share_name(s.index),
                            "at most one of them is genuine; verify each with `tapekey shares verify`");
            }
        }
    }
    const std::size_t k = first.threshold;
    if (shares.size() < k) {
        std::vector<std::uint8_t> have;
        for (const auto& s : shares) {
            have.push_back(s.index);
        }
        throw Error(Errc::insufficient,
                    std::to_string(k) + " shares are needed and " + std::to_string(shares.size()) +
                        " were given (" + (have.size() == 1 ? "share " : "shares ") + list_indexes(have) + ")",
                    "bring " + std::to_string(k - shares.size()) + " more of the set's " +
                        std::to_string(first.total) + " shares");
    }

    const std::size_t len = first.secret_length;
    std::vector<std::size_t> pos(k);
    for (std::size_t i = 0; i < k; ++i) {
        pos[i] = i;
    }
    std::size_t tried = 0;
    do {
        std::vector<std::uint8_t> xs;
        std::vector<SecretBytes> ys;
        for (const auto p : pos) {
            xs.push_back(shares[p].index);
            ys.push_back(shares[p].payload.clone());
        }
        SecretBytes value = hazmat::interpolate(xs, ys);
        const auto v = value.expose();
        auto expect = digest_of(v.first(len), first.set_id);
        const bool ok = ct_equal(expect, v.subspan(len));
        secure_wipe(expect);
        if (ok) {
            Recovery r;
            r.used = xs;
            for (std::size_t i = 0; i < shares.size(); ++i) {
                if (std::find(pos.begin(), pos.end(), i) != pos.end()) {
                    continue;
                }
                SecretBytes there = hazmat::interpolate(xs, ys, shares[i].index);
                if (ct_equal(there.expose(), shares[i].payload.expose())) {
                    r.used.push_back(shares[i].index);
                } else {
                    r.rejected.push_back({shares[i].index,
                                          "does not lie on the polynomial of shares " + list_indexes(xs) +
                                              ", which rebuild a secret that matches its digest"});
                }
            }
            value.truncate(len);
            r.secret = std::move(value);
            return r;
        }
        ++tried;
    } while (shares.size() > k && tried < max_subsets && detail::next_combination(pos, shares.size()));

    if (shares.size() == k) {
        throw Error(Errc::integrity,
                    "the shares pass their checksums but do not rebuild a secret that matches its digest",
                    "at least one share was forged or altered before its checksum was made; bring one more "
                    "share so tapekey can tell which one is wrong");
    }
    throw Error(Errc::integrity,
                tried >= max_subsets
                    ? "no consistent group of " + std::to_string(k) + " shares found in the first " +
                          std::to_string(max_subsets) + " tried"
                    : "no group of " + std::to_string(k) + " of the given shares rebuilds a secret that matches its digest",
                "more than " + std::to_string(shares.size() - k) + " of the given shares are wrong");
}

}  // namespace tapekey
