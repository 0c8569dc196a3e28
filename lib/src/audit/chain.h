// audit/chain.h: the key-use log's hashes, key evolution, MACs and key
// state (docs/spec/audit-log.md sections 4.2, 5 and 6.1), private.
//
// Verification computes a SHA-256 and an HMAC for every entry, so these
// reuse one OpenSSL digest context and one buffer instead of setting up a
// context per call (which costs more than hashing a whole entry).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "tapekey/secret.h"

namespace tapekey::detail::audit {

using Hash = std::array<std::uint8_t, 32>;
inline constexpr std::size_t key_length = 32;
inline constexpr std::size_t slot_length = 112;
inline constexpr std::size_t state_length = 2 * slot_length;

class Chain {
public:
    Chain();
    ~Chain();
    Chain(const Chain&) = delete;
    Chain& operator=(const Chain&) = delete;

    // E = SHA256(body)
    Hash entry_hash(std::span<const std::uint8_t> body);
    // MAC_i = HMAC(k_i, "tklog-v1 mac" || u64(i) || E_i)
    Hash mac(std::span<const std::uint8_t> key, std::uint64_t seq, const Hash& entry);
    // k = SHA256("tklog-v1 evolve" || k), in place.
    void evolve(std::span<std::uint8_t> key);

private:
    void start();
    void add(std::span<const std::uint8_t> data);
    void finish(std::span<std::uint8_t, 32> out);

    EVP_MD* m_md = nullptr;
    EVP_MD_CTX* m_ctx = nullptr;
    SecretBytes m_pad;  // the HMAC key block, then the inner digest
};

// The key state (section 6.1): the number of the next entry, the hash of
// the last one, and the key of the next one.
struct KeyState {
    std::uint64_t next = 0;
    Hash last{};
    SecretBytes key;
};

// Writes the state into its slot (next mod 2) of a 224-byte image whose
// other slot is zero; returns the slot's offset.
std::size_t encode_state(const KeyState& state, std::span<std::uint8_t, state_length> image);
// The newer valid slot of a state image, or nullopt when neither is valid.
std::optional<KeyState> decode_state(std::span<const std::uint8_t> image);

}  // namespace tapekey::detail::audit
