#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
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
struct KdfCtxFree {
    void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
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

void hkdf_sha256(std::span<const std::uint8_t> ikm, std::span<const std::uint8_t> salt,
                 std::span<const std::uint8_t> info, std::span<std::uint8_t> out) {
    static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    if (kdf == nullptr) {
        fail("hkdf fetch");
    }
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
    char digest_name[] = "SHA256";
    // An empty salt is omitted: RFC 5869 2.2 then uses HashLen zero bytes.
    OSSL_PARAM params[5];
    std::size_t n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ikm.data()), ikm.size());
    if (!salt.empty()) {
        params[n++] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
    }
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size());
    params[n] = OSSL_PARAM_construct_end();
    if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
        fail("hkdf");
    }
}

namespace {

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
};

const EVP_CIPHER* aes256gcm() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (cipher == nullptr) {
        fail("aes-256-gcm fetch");
    }
    return cipher;
}

int as_int(std::size_t n) {
    if (n > (1u << 30)) {
        throw Error(Errc::usage, "crypto input too large");
    }
    return static_cast<int>(n);
}

}  // namespace

void aes256gcm_seal(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain,
                    std::span<std::uint8_t> out) {
    if (key.size() != 32 || nonce.size() != gcm_nonce_length || out.size() != plain.size() + gcm_tag_length) {
        throw Error(Errc::usage, "aes-256-gcm: bad key, nonce or output size");
    }
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), aes256gcm(), key.data(), nonce.data(), nullptr) != 1 ||
        (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), as_int(aad.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(), as_int(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, gcm_tag_length, out.data() + plain.size()) != 1) {
        fail("aes-256-gcm seal");
    }
}

bool aes256gcm_open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> sealed,
                    std::span<std::uint8_t> out) {
    if (key.size() != 32 || nonce.size() != gcm_nonce_length || sealed.size() < gcm_tag_length ||
        out.size() != sealed.size() - gcm_tag_length) {
        throw Error(Errc::usage, "aes-256-gcm: bad key, nonce or output size");
    }
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    std::uint8_t tag[gcm_tag_length];
    std::copy(sealed.end() - gcm_tag_length, sealed.end(), tag);
    if (!ctx || EVP_DecryptInit_ex2(ctx.get(), aes256gcm(), key.data(), nonce.data(), nullptr) != 1 ||
        (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), as_int(aad.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), as_int(out.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, gcm_tag_length, tag) != 1) {
        fail("aes-256-gcm open");
    }
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) != 1) {
        OPENSSL_cleanse(out.data(), out.size());
        return false;
    }
    return true;
}

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};

std::unique_ptr<EVP_PKEY, PkeyFree> x25519_private_key(std::span<const std::uint8_t> private_key) {
    if (private_key.size() != 32) {
        throw Error(Errc::usage, "x25519: a private key is 32 bytes");
    }
    std::unique_ptr<EVP_PKEY, PkeyFree> k(
        EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
    if (!k) {
        fail("x25519 private key");
    }
    return k;
}

}  // namespace

std::array<std::uint8_t, 32> x25519_public(std::span<const std::uint8_t> private_key) {
    const auto k = x25519_private_key(private_key);
    std::array<std::uint8_t, 32> pub{};
    std::size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(k.get(), pub.data(), &len) != 1 || len != pub.size()) {
        fail("x25519 public key");
    }
    return pub;
}

void x25519(std::span<const std::uint8_t> private_key, std::span<const std::uint8_t> peer_public,
            std::span<std::uint8_t> shared) {
    const auto k = x25519_private_key(private_key);
    std::unique_ptr<EVP_PKEY, PkeyFree> peer(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public.data(), peer_public.size()));
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(k.get(), nullptr));
    std::size_t len = shared.size();
    if (!peer || !ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
        fail("x25519 setup");
    }
    if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1 || len != 32) {
        // OpenSSL refuses an all-zero shared secret (a small-order point).
        throw Error(Errc::integrity, "x25519: the public key is not a valid escrow or ephemeral key");
    }
}

void scrypt(std::span<const std::uint8_t> passphrase, std::span<const std::uint8_t> salt, std::uint64_t n,
            std::uint32_t r, std::uint32_t p, std::span<std::uint8_t> out) {
    static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    if (kdf == nullptr) {
        fail("scrypt fetch");
    }
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<std::uint8_t*>(passphrase.data()),
                                          passphrase.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
        fail("scrypt");
    }
}

}  // namespace tapekey::detail
