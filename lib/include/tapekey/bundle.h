// tapekey/bundle.h: the recovery bundle (docs/spec/recovery-bundle.md).
//
// Every live generation key, and the log's auditor key, each sealed to the
// escrow public key (ephemeral X25519, HKDF-SHA256, AES-256-GCM), with the
// escrow file embedded. Public: without k custodians it reveals nothing.
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tapekey/escrow.h"
#include "tapekey/home.h"
#include "tapekey/keyring.h"
#include "tapekey/random.h"
#include "tapekey/secret.h"

namespace tapekey {

// The largest bundle file tapekey reads (16 MiB).
inline constexpr std::size_t max_bundle_file = 16u << 20;

enum class BundleItemType : std::uint8_t { generation = 1, auditor_key = 2 };

struct BundleItem {
    BundleItemType type = BundleItemType::generation;
    std::string metadata;
    std::array<std::uint8_t, 32> ephemeral{};
    std::vector<std::uint8_t> sealed;  // ciphertext and tag

    // recovery-bundle.md section 2, as stored in the bundle (and, for the
    // sealed auditor key, alone in HOME/log/auditor.sealed).
    std::vector<std::uint8_t> to_bytes() const;
    static BundleItem parse(std::span<const std::uint8_t> bytes, const std::string& origin);
};

struct Bundle {
    std::time_t created = 0;
    std::string escrow_text;  // escrow.md section 4
    std::vector<BundleItem> items;

    std::vector<std::uint8_t> to_bytes() const;
    // Checks magic, lengths and checksum; `origin` names the file in errors.
    static Bundle parse(std::span<const std::uint8_t> bytes, const std::string& origin);
    // recovery-bundle.md section 5, grouped base 32 of 8 bytes.
    std::string digest() const;
    EscrowPublic escrow(const std::string& origin) const { return EscrowPublic::parse(escrow_text, origin); }
};

// Seals `payload` as one item to the escrow public key.
BundleItem seal_item(const EscrowPublicKey& escrow, BundleItemType type, const std::string& metadata,
                     std::span<const std::uint8_t> payload, Rng& rng);
// Opens one item with the escrow private key; Error(integrity) naming the
// item when its tag does not match.
SecretBytes open_item(const BundleItem& item, const SecretBytes& escrow_private, const std::string& name);

// A bundle of every generation of `keyring` that still has a key, plus the
// extra items given (the sealed auditor key), sealed to `escrow`.
Bundle make_bundle(const EscrowPublic& escrow, const Keyring& keyring, std::span<const BundleItem> extra,
                   std::time_t now, Rng& rng);

// The home's current bundle: of the bundles in HOME/bundles/ (exported,
// or restored from), the one made last (by its created time, then by when
// the file was written). Throws Error(not_found) when there is none.
std::filesystem::path current_bundle(const Home& home);

}  // namespace tapekey
