// rtss_tool: reads and writes Botan RTSS shares (draft-mcgrew-tss-03 with
// SHA-256) using tapekey's raw GF(2^8) arithmetic, so the interop test can
// exchange shares with the independent `botan tss_split`/`tss_recover`.
//   rtss_tool split K N SECRET-FILE PREFIX   writes PREFIX1.tss .. PREFIXN.tss
//   rtss_tool recover FILE...                prints the secret in hex
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tapekey/error.h"
#include "tapekey/hazmat/shamir_raw.h"
#include "tapekey/random.h"

namespace {

std::vector<std::uint8_t> slurp(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(std::string("cannot read ") + path);
    }
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out(32);
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
    return out;
}

int split(unsigned k, unsigned n, const char* secret_file, const std::string& prefix) {
    const auto secret = slurp(secret_file);
    std::vector<std::uint8_t> value = secret;
    const auto h = sha256(secret);
    value.insert(value.end(), h.begin(), h.end());
    tapekey::SystemRng rng;
    const auto ys = tapekey::hazmat::split_raw(value, k, n, rng);
    std::vector<std::uint8_t> id(16);
    rng.fill(id);
    for (unsigned x = 1; x <= n; ++x) {
        std::vector<std::uint8_t> share = id;
        const std::size_t len = value.size() + 1;
        share.push_back(2);  // hash id: SHA-256
        share.push_back(static_cast<std::uint8_t>(k));
        share.push_back(static_cast<std::uint8_t>(len >> 8));
        share.push_back(static_cast<std::uint8_t>(len));
        share.push_back(static_cast<std::uint8_t>(x));
        const auto y = ys[x - 1].expose();
        share.insert(share.end(), y.begin(), y.end());
        std::ofstream(prefix + std::to_string(x) + ".tss", std::ios::binary)
            .write(reinterpret_cast<const char*>(share.data()), static_cast<std::streamsize>(share.size()));
    }
    return 0;
}

int recover(int count, char** files) {
    std::vector<std::uint8_t> xs;
    std::vector<tapekey::SecretBytes> ys;
    for (int i = 0; i < count; ++i) {
        const auto b = slurp(files[i]);
        if (b.size() < 22 || b[16] != 2) {
            std::fprintf(stderr, "%s: not an RTSS share with SHA-256\n", files[i]);
            return 1;
        }
        xs.push_back(b[20]);
        ys.push_back(tapekey::SecretBytes::copy_of(std::span(b).subspan(21)));
    }
    const auto value = tapekey::hazmat::interpolate(xs, ys);
    const auto v = value.expose();
    const std::size_t len = v.size() - 32;
    const auto h = sha256(v.first(len));
    if (!std::equal(h.begin(), h.end(), v.begin() + static_cast<std::ptrdiff_t>(len))) {
        std::fprintf(stderr, "rtss hash check failed\n");
        return 1;
    }
    for (std::size_t i = 0; i < len; ++i) {
        std::printf("%02x", v[i]);
    }
    std::printf("\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string verb = argc > 1 ? argv[1] : "";
        if (verb == "split" && argc == 6) {
            return split(static_cast<unsigned>(std::stoul(argv[2])), static_cast<unsigned>(std::stoul(argv[3])),
                         argv[4], argv[5]);
        }
        if (verb == "recover" && argc > 2) {
            return recover(argc - 2, argv + 2);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rtss_tool: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: rtss_tool split K N SECRET PREFIX | rtss_tool recover FILE...\n");
    return 2;
}
