// Constant-time check ("ctgrind", after Adam Langley): run under valgrind
// memcheck with every secret byte marked undefined. Memcheck then reports
// any conditional jump or memory address computed from a secret, which is
// exactly a timing leak. Values that become public on purpose (whether
// shares check) are declassified inside the library (ct.h). Exit 99 from
// valgrind means a leak was found.
#include <valgrind/memcheck.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "tapekey/random.h"
#include "tapekey/shamir.h"
#include "tapekey/share_text.h"

namespace {

// Random bytes from the DRBG, marked secret: polynomial coefficients and the
// set id (public, but marking it too only makes the check stricter).
class PoisonedRng final : public tapekey::Rng {
public:
    void fill(std::span<std::uint8_t> out) override {
        m_rng.fill(out);
        VALGRIND_MAKE_MEM_UNDEFINED(out.data(), out.size());
    }

private:
    tapekey::SystemRng m_rng;
};

void poison(tapekey::SecretBytes& s) { VALGRIND_MAKE_MEM_UNDEFINED(s.expose().data(), s.size()); }

}  // namespace

// The negative control: a table lookup and a branch on a secret byte, the
// two leaks this check exists to find. ctest expects valgrind to fail here,
// which shows the check can fail at all.
int leaky_control() {
    static const std::uint8_t table[256] = {1};
    tapekey::SecretBytes s(1);
    tapekey::SystemRng().fill(s.expose());
    poison(s);
    volatile std::uint8_t sink = table[s.expose()[0]];
    if (s.expose()[0] > 127) {
        sink = 0;
    }
    (void)sink;
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--leaky-control") {
        return leaky_control();
    }
    if (!RUNNING_ON_VALGRIND) {
        std::fprintf(stderr, "ct_shamir: run me under valgrind (ctest does)\n");
        return 1;
    }
    PoisonedRng rng;
    tapekey::SecretBytes secret(32);
    tapekey::SystemRng().fill(secret.expose());
    poison(secret);

    auto shares = tapekey::split(secret.expose(), 3, 5, rng);
    for (auto& s : shares) {
        // The set id and header are public: they are printed on the envelope.
        VALGRIND_MAKE_MEM_DEFINED(s.set_id.bytes.data(), s.set_id.bytes.size());
        poison(s.payload);
    }
    // Text form round trip of the payloads.
    std::vector<tapekey::Share> quorum;
    for (const std::size_t i : {1u, 3u, 4u}) {
        auto text = tapekey::encode_share_text(shares[i]);
        poison(text);
        quorum.push_back(tapekey::decode_share_text(
            {reinterpret_cast<const char*>(text.expose().data()), text.size()}));
        poison(quorum.back().payload);
    }
    quorum.push_back(shares[0].clone());  // one more than k: the consistency check runs too
    auto r = tapekey::combine(quorum);

    VALGRIND_MAKE_MEM_DEFINED(r.secret.expose().data(), r.secret.size());
    VALGRIND_MAKE_MEM_DEFINED(secret.expose().data(), secret.size());
    const bool ok = r.secret == secret && r.rejected.empty();
    std::printf("ct_shamir: split, text round trip and combine ran on poisoned secrets: %s\n",
                ok ? "recovered" : "WRONG");
    return ok ? 0 : 1;
}
