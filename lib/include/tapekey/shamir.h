// tapekey/shamir.h: k-of-n secret sharing with integrity (the safe door).
//
// split() shares a secret of 16 to 64 bytes among n custodians so that any k
// of them rebuild it and k-1 learn nothing. Shamir's scheme over GF(2^8) with
// the AES polynomial, one polynomial per byte; the shared value is the secret
// followed by a 4-byte digest (HMAC-SHA256 keyed by the secret over the set
// id), so combine() never returns a wrong secret silently.
// The layout of a share and its text form is docs/spec/share-format.md.
//
// Public inputs: k, n, share indexes and set ids. Secret inputs: the secret,
// the polynomial coefficients (from the Rng) and share payloads; the
// arithmetic on them is constant time (no table lookups, no branches).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tapekey/random.h"
#include "tapekey/secret.h"

namespace tapekey {

inline constexpr std::size_t min_secret_length = 16;
inline constexpr std::size_t max_secret_length = 64;
inline constexpr std::size_t share_digest_length = 4;
inline constexpr unsigned max_shares = 255;

// Random identifier of one split; every share of that split carries it.
struct SetId {
    std::array<std::uint8_t, 8> bytes{};
    friend bool operator==(const SetId&, const SetId&) = default;
};

// Crockford base-32 of the set id in groups of four, e.g. "1R3K-9ZQW-C4MT-B".
std::string to_string(const SetId& id);

// One share as a structure. `payload` holds secret_length + 4 bytes: the
// evaluations of the byte polynomials at x = index.
struct Share {
    std::uint8_t version = 1;
    SetId set_id;
    std::uint8_t threshold = 0;   // k
    std::uint8_t total = 0;       // n
    std::uint8_t index = 0;       // x, 1..n
    std::uint8_t secret_length = 0;
    SecretBytes payload;

    Share clone() const;
};

// Splits `secret` into `total` shares, any `threshold` of which rebuild it.
// Requires 2 <= threshold <= total <= 255 and 16 <= secret.size() <= 64,
// otherwise throws Error(Errc::usage). Randomness: 8 bytes of set id, then
// (threshold-1) * (secret.size()+4) coefficient bytes, in that order.
std::vector<Share> split(std::span<const std::uint8_t> secret, unsigned threshold,
                         unsigned total, Rng& rng);

// A share combine() left out, and why ("does not lie on the polynomial of
// the others").
struct RejectedShare {
    std::uint8_t index;
    std::string reason;
};

struct Recovery {
    SecretBytes secret;
    std::vector<std::uint8_t> used;       // indexes of the shares that rebuilt it
    std::vector<RejectedShare> rejected;  // given shares that disagree with it
};

// Rebuilds the secret from at least `threshold` shares of one split.
// Throws Error naming the offending share for: index 0 (Errc::bad_format),
// unknown version (unsupported), shares of different sets, thresholds,
// totals or lengths (mismatch), the same index twice (duplicate), fewer than
// k shares (insufficient), and shares that pass their checksums but do not
// rebuild a secret matching its digest (integrity). When more than k shares
// are given and some disagree, the secret is rebuilt from a consistent k and
// the others are listed in Recovery::rejected.
Recovery combine(std::span<const Share> shares);

}  // namespace tapekey
