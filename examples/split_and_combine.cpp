// Example: split a fresh 256-bit key 3-of-5 with the library, print the
// shares' text form, and rebuild the key from shares 2, 4 and 5.
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
        return same ? 0 : 1;
    } catch (const tapekey::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
