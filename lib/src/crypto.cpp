#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

#include "tapekey/error.h"

namespace tapekey::detail {
namespace {

[[noreturn]] void fail(const char* what) {
    throw Error(Errc::crypto, std::string("openssl: ") + what + " failed");
}

struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};

}  // namespace

Digest32 sha256(std::initializer_list<std::span<const std::uint8_t>> parts) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex2(ctx.get(), EVP_sha256(), nullptr) != 1) {
        fail("sha-256 init");
    }
    for (const auto& p : parts) {
        if (EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) {
            fail("sha-256 update");
        }
    }
    Digest32 out{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
        fail("sha-256 final");
    }
    return out;
}

Digest32 hmac_sha256(std::span<const std::uint8_t> key,
                     std::initializer_list<std::span<const std::uint8_t>> parts) {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) {
        fail("hmac fetch");
    }
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac));
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
        fail("hmac init");
    }
    for (const auto& p : parts) {
        if (EVP_MAC_update(ctx.get(), p.data(), p.size()) != 1) {
            fail("hmac update");
        }
    }
    Digest32 out{};
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
        fail("hmac final");
    }
    return out;
}

}  // namespace tapekey::detail
