#include "gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "crypto.h"
#include "tapekey/error.h"
#include "tapekey/secret.h"

namespace tapeemu::gcm {
namespace {

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

[[noreturn]] void fail(const char* what) {
    throw tapekey::Error(tapekey::Errc::crypto, std::string("openssl: aes-256-gcm ") + what + " failed");
}

int len_of(std::size_t n) {
    if (n > 0x7FFFFFFF) {
        fail("length");
    }
    return static_cast<int>(n);
}

Ctx start(bool encrypt, std::span<const std::uint8_t> key, std::span<const std::uint8_t, 12> nonce,
          std::span<const std::uint8_t> aad) {
    Ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || key.size() != 32 ||
        EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data(), encrypt ? 1 : 0) != 1) {
        fail("init");
    }
    int out = 0;
    if (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &out, aad.data(), len_of(aad.size())) != 1) {
        fail("aad");
    }
    return ctx;
}

}  // namespace

std::vector<std::uint8_t> seal(std::span<const std::uint8_t> key, std::span<const std::uint8_t, 12> nonce,
                               std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain) {
    Ctx ctx = start(true, key, nonce, aad);
    std::vector<std::uint8_t> out(plain.size() + tag_size);
    int n = 0;
    if (!plain.empty() && EVP_EncryptUpdate(ctx.get(), out.data(), &n, plain.data(), len_of(plain.size())) != 1) {
        fail("encrypt");
    }
    int fin = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, out.data() + plain.size()) != 1) {
        fail("tag");
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> open(std::span<const std::uint8_t> key,
                                              std::span<const std::uint8_t, 12> nonce,
                                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> sealed) {
    if (sealed.size() < tag_size) {
        return std::nullopt;
    }
    const std::size_t n = sealed.size() - tag_size;
    Ctx ctx = start(false, key, nonce, aad);
    std::vector<std::uint8_t> out(n);
    int got = 0;
    if (n != 0 && EVP_DecryptUpdate(ctx.get(), out.data(), &got, sealed.data(), len_of(n)) != 1) {
        fail("decrypt");
    }
    std::array<std::uint8_t, tag_size> tag{};
    std::copy(sealed.begin() + static_cast<std::ptrdiff_t>(n), sealed.end(), tag.begin());
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) != 1) {
        fail("set tag");
    }
    int fin = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + got, &fin) != 1) {
        return std::nullopt;
    }
    return out;
}

std::array<std::uint8_t, 12> random_nonce() {
    std::array<std::uint8_t, 12> n{};
    if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1) {
        fail("nonce");
    }
    return n;
}

std::array<std::uint8_t, 8> key_check(std::span<const std::uint8_t> key) {
    auto mac = tapekey::detail::hmac_sha256(key, {tapekey::detail::label("tapeemu key check v1")});
    std::array<std::uint8_t, 8> out{};
    std::copy(mac.begin(), mac.begin() + 8, out.begin());
    tapekey::secure_wipe(mac);
    return out;
}

}  // namespace tapeemu::gcm
