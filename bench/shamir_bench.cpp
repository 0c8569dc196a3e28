// In-process benchmark: split + combine of a 32-byte secret, 3-of-5, in
// operations per second; and the text encode + decode of one share.
#include <tapekey/random.h>
#include <tapekey/shamir.h>
#include <tapekey/share_text.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

template <typename F>
double ops_per_second(F&& f, double seconds) {
    using clock = std::chrono::steady_clock;
    std::size_t n = 0;
    const auto start = clock::now();
    auto now = start;
    while (std::chrono::duration<double>(now - start).count() < seconds) {
        for (int i = 0; i < 16; ++i) {
            f();
        }
        n += 16;
        now = clock::now();
    }
    return static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
    tapekey::SystemRng rng;
    tapekey::SecretBytes secret(32);
    rng.fill(secret.expose());

    const double split_combine = ops_per_second(
        [&] {
            auto shares = tapekey::split(secret.expose(), 3, 5, rng);
            std::vector<tapekey::Share> q;
            q.push_back(std::move(shares[1]));
            q.push_back(std::move(shares[3]));
            q.push_back(std::move(shares[4]));
            auto r = tapekey::combine(q);
            if (!(r.secret == secret)) {
                std::abort();
            }
        },
        seconds);
    const auto shares = tapekey::split(secret.expose(), 3, 5, rng);
    const double text = ops_per_second(
        [&] {
            const auto t = tapekey::encode_share_text(shares[0]);
            auto s = tapekey::decode_share_text({reinterpret_cast<const char*>(t.expose().data()), t.size()});
            if (s.index != 1) {
                std::abort();
            }
        },
        seconds);
    std::printf("split+combine 32-byte secret 3-of-5: %.0f ops/s (%.1f us each)\n", split_combine,
                1e6 / split_combine);
    std::printf("share text encode+decode:            %.0f ops/s (%.1f us each)\n", text, 1e6 / text);
    return 0;
}
