#include "tapekey/escrow.h"

#include <algorithm>

#include "base32.h"
#include "crypto.h"
#include "tapekey/error.h"
#include "text.h"

namespace tapekey {
namespace {

std::string grouped(std::span<const std::uint8_t> b) { return detail::group(detail::base32_encode(b), 4, '-'); }

}  // namespace

SecretBytes generate_escrow_private(Rng& rng) {
    SecretBytes k(32);
    rng.fill(k.expose());
    return k;
}

EscrowPublicKey escrow_public_of(const SecretBytes& escrow_private) {
    return detail::x25519_public(escrow_private.expose());
}

std::string escrow_fingerprint(const EscrowPublicKey& key) {
    const auto h = detail::sha256({detail::label("tapekey escrow v1"), key});
    return grouped(std::span(h).first(10));
}

Commitment share_commitment(const Share& s) {
    const std::uint8_t header[] = {s.threshold, s.total, s.index, s.secret_length};
    const auto mac = detail::hmac_sha256(s.set_id.bytes, {detail::label("tapekey share commitment v1"), header,
                                                          s.payload.expose()});
    Commitment c{};
    std::copy_n(mac.begin(), c.size(), c.begin());
    return c;
}

std::string to_string(const Commitment& c) { return grouped(c); }

std::string EscrowPublic::to_text() const {
    std::string t = "tapekey-escrow 1\n";
    t += "public-key " + detail::base32_encode(public_key) + "\n";
    t += "fingerprint " + fingerprint() + "\n";
    t += "set-id " + tapekey::to_string(set_id) + "\n";
    t += "threshold " + std::to_string(threshold) + "\n";
    t += "shares " + std::to_string(shares) + "\n";
    t += "created " + detail::utc_time(created) + "\n";
    t += "ceremony " + ceremony + "\n";
    for (std::size_t i = 0; i < custodians.size(); ++i) {
        t += "share " + std::to_string(i + 1) + " " + tapekey::to_string(custodians[i].commitment) + " " +
             detail::percent_encode(custodians[i].name) + "\n";
    }
    return t;
}

EscrowPublic EscrowPublic::parse(std::string_view text, const std::string& origin) {
    const auto ls = detail::lines(text);
    auto fail = [&](std::size_t line, const std::string& what) -> Error {
        return Error(Errc::bad_format, origin + " line " + std::to_string(line + 1) + ": " + what,
                     "the escrow file is damaged; take it from a recovery bundle or the ceremony record");
    };
    if (ls.empty() || ls[0] != "tapekey-escrow 1") {
        if (!ls.empty() && ls[0].substr(0, 15) == "tapekey-escrow ") {
            throw Error(Errc::unsupported,
                        origin + ": escrow file version " + std::string(ls[0].substr(15)) + " is not supported",
                        "it was written by a newer tapekey; use that release");
        }
        throw Error(Errc::bad_format, origin + ": not a tapekey escrow file");
    }
    const char* names[] = {"public-key", "fingerprint", "set-id", "threshold", "shares", "created", "ceremony"};
    std::string values[7];
    for (std::size_t i = 0; i < 7; ++i) {
        if (i + 1 >= ls.size()) {
            throw fail(i + 1, std::string("missing field ") + names[i]);
        }
        const auto f = detail::fields(ls[i + 1]);
        if (f.size() != 2 || f[0] != names[i]) {
            throw fail(i + 1, std::string("expected `") + names[i] + " VALUE`");
        }
        values[i] = std::string(f[1]);
    }
    EscrowPublic e;
    if (!detail::base32_decode_to(values[0], e.public_key)) {
        throw fail(1, "the public key is not 32 bytes of base 32");
    }
    if (values[1] != e.fingerprint()) {
        throw fail(2, "the fingerprint does not match the public key");
    }
    if (!detail::base32_decode_to(values[2], e.set_id.bytes)) {
        throw fail(3, "the set id is not 8 bytes of base 32");
    }
    auto number = [&](std::size_t i) -> unsigned {
        if (values[i].empty() || values[i].size() > 3 ||
            !std::all_of(values[i].begin(), values[i].end(), [](char c) { return c >= '0' && c <= '9'; })) {
            throw fail(i + 1, std::string("bad ") + names[i]);
        }
        return static_cast<unsigned>(std::stoul(values[i]));
    };
    e.threshold = number(3);
    e.shares = number(4);
    if (e.threshold < 2 || e.threshold > e.shares || e.shares > 255) {
        throw fail(5, "threshold and shares must satisfy 2 <= k <= n <= 255");
    }
    const auto created = detail::parse_utc_time(values[5]);
    if (!created) {
        throw fail(6, "bad time");
    }
    e.created = *created;
    e.ceremony = values[6];
    if (ls.size() != 8 + e.shares) {
        throw fail(std::min<std::size_t>(ls.size(), 8 + e.shares), "expected exactly " + std::to_string(e.shares) + " share lines");
    }
    for (unsigned x = 1; x <= e.shares; ++x) {
        const std::size_t li = 7 + x;
        const auto f = detail::fields(ls[li]);
        EscrowCustodian c;
        const auto name = f.size() == 4 ? detail::percent_decode(f[3]) : std::nullopt;
        if (f.size() != 4 || f[0] != "share" || f[1] != std::to_string(x) ||
            !detail::base32_decode_to(f[2], c.commitment) || !name) {
            throw fail(li, "expected `share " + std::to_string(x) + " COMMITMENT NAME`");
        }
        c.name = *name;
        e.custodians.push_back(std::move(c));
    }
    return e;
}

std::optional<std::string> EscrowPublic::check_share(const Share& s) const {
    if (s.set_id != set_id) {
        return "it belongs to set " + tapekey::to_string(s.set_id) + ", not to this escrow's set " +
               tapekey::to_string(set_id);
    }
    if (s.threshold != threshold || s.total != shares || s.secret_length != 32) {
        return "its header (k, n or length) differs from the escrow's";
    }
    if (s.index < 1 || s.index > shares) {
        return "its index is outside 1.." + std::to_string(shares);
    }
    const auto c = share_commitment(s);
    if (!ct_equal(c, custodians[s.index - 1].commitment)) {
        return "its commitment does not match the one recorded at the ceremony (forged, or altered before "
               "its checksum was made)";
    }
    return std::nullopt;
}

std::string EscrowPublic::share_label(unsigned index) const {
    std::string s = "share " + std::to_string(index);
    if (index >= 1 && index <= custodians.size() && !custodians[index - 1].name.empty()) {
        s += " (" + custodians[index - 1].name + ")";
    }
    return s;
}

}  // namespace tapekey
