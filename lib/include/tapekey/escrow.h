// tapekey/escrow.h: the escrow key pair, its public file, and the share
// commitments that let every share be checked alone (docs/spec/escrow.md).
//
// The escrow private key (X25519) is what the custodians hold, split k-of-n
// with share format v1; it exists in memory only during a ceremony, a
// restore or an escrow rotation. Everything in EscrowPublic is public.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/random.h"
#include "tapekey/secret.h"
#include "tapekey/shamir.h"

namespace tapekey {

using EscrowPublicKey = std::array<std::uint8_t, 32>;
using Commitment = std::array<std::uint8_t, 10>;

// 32 random bytes used as an X25519 private key (escrow.md section 1).
SecretBytes generate_escrow_private(Rng& rng);
EscrowPublicKey escrow_public_of(const SecretBytes& escrow_private);
// escrow.md section 2, grouped: "XXXX-XXXX-XXXX-XXXX".
std::string escrow_fingerprint(const EscrowPublicKey& key);
// escrow.md section 3.
Commitment share_commitment(const Share& share);
std::string to_string(const Commitment& c);

struct EscrowCustodian {
    std::string name;
    Commitment commitment{};
};

struct EscrowPublic {
    EscrowPublicKey public_key{};
    SetId set_id;
    unsigned threshold = 0;
    unsigned shares = 0;
    std::time_t created = 0;
    std::string ceremony;                   // grouped ceremony id
    std::vector<EscrowCustodian> custodians;  // index x-1

    std::string fingerprint() const { return escrow_fingerprint(public_key); }
    // escrow.md section 4.
    std::string to_text() const;
    static EscrowPublic parse(std::string_view text, const std::string& origin);

    // Checks one share alone against this escrow: set id, threshold, count,
    // index and commitment. Returns what is wrong, or nothing. A custodian's
    // drill and every share entered at a restore go through this.
    std::optional<std::string> check_share(const Share& share) const;
    // "share 2 (bob)".
    std::string share_label(unsigned index) const;
};

}  // namespace tapekey
