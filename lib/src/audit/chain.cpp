// Hashes, keys and MACs of the key-use log: docs/spec/audit-log.md sections
// 4.2, 5 and 6.1.
#include "audit/chain.h"

#include <algorithm>
#include <cstring>

#include "crypto.h"
#include "tapekey/error.h"

namespace tapekey::detail::audit {
namespace {

constexpr std::size_t block = 64;  // SHA-256 block size (FIPS 180-4)
constexpr std::uint8_t slot_magic[8] = {'T', 'K', 'L', 'O', 'G', 'K', '1', 0};

[[noreturn]] void fail(const char* what) { throw Error(Errc::crypto, std::string("openssl: ") + what + " failed"); }

void put_u64(std::uint8_t* out, std::uint64_t v) noexcept {
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

std::uint64_t get_u64(const std::uint8_t* in) noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
        v = (v << 8) | in[i];
    }
    return v;
}

Hash slot_check(std::span<const std::uint8_t> slot) {
    return sha256({label("tklog-v1 state"), slot.subspan(0, 80)});
}

}  // namespace

Chain::Chain() : m_pad(block) {
    // Fetched once per process (an implicit fetch per digest costs a lock
    // and a lookup every time); kept until exit, like crypto.cpp's HMAC.
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    m_md = md;
    m_ctx = EVP_MD_CTX_new();
    if (m_md == nullptr || m_ctx == nullptr) {
        EVP_MD_CTX_free(m_ctx);
        fail("sha-256 setup");
    }
}

Chain::~Chain() {
    EVP_MD_CTX_free(m_ctx);  // cleanses the digest state
}

void Chain::start() {
    if (EVP_DigestInit_ex2(m_ctx, m_md, nullptr) != 1) {
        fail("sha-256 init");
    }
}

void Chain::add(std::span<const std::uint8_t> data) {
    if (EVP_DigestUpdate(m_ctx, data.data(), data.size()) != 1) {
        fail("sha-256 update");
    }
}

void Chain::finish(std::span<std::uint8_t, 32> out) {
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(m_ctx, out.data(), &len) != 1 || len != 32) {
        fail("sha-256 final");
    }
}

Hash Chain::entry_hash(std::span<const std::uint8_t> body) {
    Hash h{};
    start();
    add(body);
    finish(h);
    return h;
}

// HMAC as RFC 2104 defines it, for a 32-byte key (shorter than the block):
// H((K ^ opad) || H((K ^ ipad) || m)) with K zero-padded to 64 bytes.
// Checked against OpenSSL's own HMAC in tests/unit/audit_log_test.cpp.
Hash Chain::mac(std::span<const std::uint8_t> key, std::uint64_t seq, const Hash& entry) {
    auto pad = m_pad.expose();
    std::uint8_t message[12 + 8 + 32];
    const auto lbl = label("tklog-v1 mac");
    std::memcpy(message, lbl.data(), lbl.size());
    put_u64(message + 12, seq);
    std::memcpy(message + 20, entry.data(), entry.size());

    std::fill(pad.begin(), pad.end(), std::uint8_t{0x36});
    for (std::size_t i = 0; i < key.size(); ++i) {
        pad[i] ^= key[i];
    }
    Hash inner{};
    start();
    add(pad);
    add(message);
    finish(inner);
    for (std::size_t i = 0; i < block; ++i) {
        pad[i] ^= 0x36 ^ 0x5c;
    }
    Hash out{};
    start();
    add(pad);
    add(inner);
    finish(out);
    secure_wipe(pad);
    secure_wipe(inner);
    return out;
}

void Chain::evolve(std::span<std::uint8_t> key) {
    start();
    add(label("tklog-v1 evolve"));
    add(key);
    finish(key.first<32>());
}

std::size_t encode_state(const KeyState& state, std::span<std::uint8_t, state_length> image) {
    secure_wipe(image);
    const std::size_t offset = (state.next % 2) * slot_length;
    std::uint8_t* s = image.data() + offset;
    std::memcpy(s, slot_magic, 8);
    put_u64(s + 8, state.next);
    std::memcpy(s + 16, state.last.data(), 32);
    std::memcpy(s + 48, state.key.expose().data(), key_length);
    const Hash check = slot_check({s, slot_length});
    std::memcpy(s + 80, check.data(), 32);
    return offset;
}

std::optional<KeyState> decode_state(std::span<const std::uint8_t> image) {
    if (image.size() != state_length) {
        return std::nullopt;
    }
    std::optional<KeyState> best;
    for (std::size_t i = 0; i < 2; ++i) {
        const auto slot = image.subspan(i * slot_length, slot_length);
        if (std::memcmp(slot.data(), slot_magic, 8) != 0) {
            continue;
        }
        const Hash check = slot_check(slot);
        if (!ct_equal(check, slot.subspan(80, 32))) {
            continue;
        }
        const std::uint64_t next = get_u64(slot.data() + 8);
        if (next % 2 != i || (best && best->next >= next)) {
            continue;
        }
        KeyState s;
        s.next = next;
        std::copy_n(slot.data() + 16, 32, s.last.begin());
        s.key = SecretBytes::copy_of(slot.subspan(48, key_length));
        best = std::move(s);
    }
    return best;
}

}  // namespace tapekey::detail::audit
