// The small helpers of the public drive types (tapekey/drive.h).
#include "tapekey/drive.h"

namespace tapekey {

const char* to_string(EncryptionMode m) noexcept {
    switch (m) {
        case EncryptionMode::disable:
            return "disable";
        case EncryptionMode::external:
            return "external";
        case EncryptionMode::encrypt:
            return "encrypt";
    }
    return "reserved";
}

const char* to_string(DecryptionMode m) noexcept {
    switch (m) {
        case DecryptionMode::disable:
            return "disable";
        case DecryptionMode::raw:
            return "raw";
        case DecryptionMode::decrypt:
            return "decrypt";
        case DecryptionMode::mixed:
            return "mixed";
    }
    return "reserved";
}

const char* to_string(BlockEncryption s) noexcept {
    switch (s) {
        case BlockEncryption::unknown:
            return "unknown";
        case BlockEncryption::not_yet:
            return "not yet known";
        case BlockEncryption::not_a_block:
            return "not a logical block";
        case BlockEncryption::clear:
            return "not encrypted";
        case BlockEncryption::unsupported_algorithm:
            return "encrypted, algorithm not supported";
        case BlockEncryption::decryptable:
            return "encrypted, key loaded";
        case BlockEncryption::needs_key:
            return "encrypted, key needed";
    }
    return "reserved";
}

const AlgorithmDescriptor* Capabilities::aes_gcm() const noexcept {
    for (const auto& a : algorithms) {
        if (a.algorithm == aes256_gcm_algorithm && a.encrypt_c == 2 && a.decrypt_c == 2) {
            return &a;
        }
    }
    return nullptr;
}

std::optional<std::vector<std::uint8_t>> NextBlockStatus::ukad() const {
    for (const auto& k : kads) {
        if (k.type == static_cast<std::uint8_t>(KadType::ukad)) {
            return k.data;
        }
    }
    return std::nullopt;
}

}  // namespace tapekey
