// The scan-back check (docs/spec/envelope.md section 6): a decoded code is
// good when it reads as a share, belongs to the escrow, and is the share
// that was printed.
#include <algorithm>

#include "tapekey/envelope.h"
#include "tapekey/error.h"
#include "tapekey/share_text.h"

namespace tapekey {
namespace {

bool same_share(const Share& a, const Share& b) {
    return a.version == b.version && a.set_id == b.set_id && a.threshold == b.threshold && a.total == b.total &&
           a.index == b.index && a.secret_length == b.secret_length && a.payload == b.payload;
}

}  // namespace

std::vector<EnvelopeCheck> check_scan(const ScanResult& scan, const EscrowPublic& escrow,
                                      std::span<const Share> intended) {
    std::vector<EnvelopeCheck> out;
    for (const auto& code : scan.codes) {
        EnvelopeCheck c;
        c.origin = code.origin;
        try {
            const auto t = code.text.expose();
            const Share s = decode_share_text(std::span<const char>(reinterpret_cast<const char*>(t.data()), t.size()));
            c.index = s.index;
            if (auto problem = escrow.check_share(s)) {
                c.problem = escrow.share_label(s.index) + ": " + *problem;
                c.hint = "this is not a share of escrow " + escrow.fingerprint() + "; keep the envelopes sealed";
            } else if (!intended.empty()) {
                const auto it = std::find_if(intended.begin(), intended.end(),
                                             [&](const Share& i) { return i.index == s.index; });
                if (it == intended.end() || !same_share(*it, s)) {
                    c.problem = escrow.share_label(s.index) + ": the code does not hold the share that was printed";
                    c.hint = "print this envelope again and check it before sealing";
                }
            }
        } catch (const Error& e) {
            c.problem = "the QR code does not read as a share: " + std::string(e.what());
            c.hint = better_scan_hint();
        }
        out.push_back(std::move(c));
    }
    for (const auto& page : scan.unreadable) {
        out.push_back({page, 0, "no QR code could be read", better_scan_hint()});
    }
    return out;
}

}  // namespace tapekey
