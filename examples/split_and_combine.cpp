// Example: split a fresh 256-bit key 3-of-5 with the library, print the
// shares' text form, rebuild the key from shares 2, 4 and 5, and see two
// shares refused. The key lives in SecretBytes (secure heap, wiped when
// freed); randomness is a parameter (an Rng), so tests can pass a fixed one.
#include <tapekey/error.h>
#include <tapekey/random.h>
#include <tapekey/secret.h>
#include <tapekey/shamir.h>
#include <tapekey/share_text.h>

#include <cstdio>
#include <vector>

int main() {
    try {
        tapekey::SystemRng rng;  // first: puts OpenSSL's DRBG in secure memory
        tapekey::SecretBytes key(32);
        rng.fill(key.expose());

        const auto shares = tapekey::split(key.expose(), 3, 5, rng);
        for (const auto& s : shares) {
            const auto text = tapekey::encode_share_text(s);
            std::printf("share %u of %u:\n%.*s\n", s.index, s.total, static_cast<int>(text.size()),
                        reinterpret_cast<const char*>(text.expose().data()));
        }

        std::vector<tapekey::Share> quorum;
        for (const int i : {1, 3, 4}) {  // shares 2, 4 and 5
            const auto text = tapekey::encode_share_text(shares[static_cast<std::size_t>(i)]);
            quorum.push_back(tapekey::decode_share_text(
                {reinterpret_cast<const char*>(text.expose().data()), text.size()}));
        }
        const auto recovered = tapekey::combine(quorum);
        const bool same = recovered.secret == key;
        std::printf("rebuilt from shares 2, 4 and 5: %s\n", same ? "same key" : "DIFFERENT KEY");

        // Below the threshold combine() refuses with a cause, a message that
        // names the problem and a hint; it never returns a wrong key.
        quorum.pop_back();
        try {
            (void)tapekey::combine(quorum);
            std::printf("two shares rebuilt a key: WRONG\n");
            return 1;
        } catch (const tapekey::Error& e) {
            std::printf("two shares refused (%s): %s\n", tapekey::errc_name(e.code()), e.what());
            if (e.code() != tapekey::Errc::insufficient) {
                return 1;
            }
        }
        return same ? 0 : 1;
    } catch (const tapekey::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        if (!e.hint().empty()) {
            std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
        }
        return 1;
    }
}
