#include "tapekey/generation.h"

#include <algorithm>

#include "base32.h"

namespace tapekey {
namespace {

constexpr std::string_view ukad_prefix = "TAPEKEY1 ";
constexpr std::uint8_t akad_version = 1;

std::optional<GenerationId> from_ukad(std::span<const std::uint8_t> data) {
    std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) {
        s.remove_suffix(1);  // fixed-length U-KADs come back padded
    }
    if (s.substr(0, ukad_prefix.size()) != ukad_prefix) {
        return std::nullopt;
    }
    return GenerationId::parse(s.substr(ukad_prefix.size()));
}

std::optional<GenerationId> from_akad(std::span<const std::uint8_t> data) {
    if (data.size() < 11 || data[0] != 'T' || data[1] != 'K' || data[2] != akad_version) {
        return std::nullopt;
    }
    for (std::size_t i = 11; i < data.size(); ++i) {
        if (data[i] != 0) {
            return std::nullopt;
        }
    }
    GenerationId id;
    std::copy_n(data.begin() + 3, id.bytes.size(), id.bytes.begin());
    return id;
}

std::string printable(std::span<const std::uint8_t> data) {
    std::string out;
    for (const auto b : data) {
        if (b >= 0x20 && b < 0x7F) {
            out += static_cast<char>(b);
        } else {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[b >> 4];
            out += hex[b & 15];
        }
    }
    return out;
}

}  // namespace

GenerationId GenerationId::random(Rng& rng) {
    GenerationId id;
    rng.fill(id.bytes);
    return id;
}

std::string GenerationId::to_string() const { return detail::group(detail::base32_encode(bytes), 4, '-'); }

std::optional<GenerationId> GenerationId::parse(std::string_view text) {
    GenerationId id;
    if (!detail::base32_decode_to(text, id.bytes)) {
        return std::nullopt;
    }
    return id;
}

const char* to_string(GenerationState s) noexcept {
    switch (s) {
    case GenerationState::pre_active: return "pre-active";
    case GenerationState::active: return "active";
    case GenerationState::deactivated: return "deactivated";
    case GenerationState::compromised: return "compromised";
    case GenerationState::destroyed: return "destroyed";
    }
    return "unknown";
}

std::optional<GenerationState> parse_generation_state(std::string_view s) {
    for (const auto st : {GenerationState::pre_active, GenerationState::active, GenerationState::deactivated,
                          GenerationState::compromised, GenerationState::destroyed}) {
        if (s == to_string(st)) {
            return st;
        }
    }
    return std::nullopt;
}

bool transition_allowed(GenerationState from, GenerationState to) noexcept {
    using S = GenerationState;
    switch (from) {
    case S::pre_active: return to == S::active || to == S::compromised || to == S::destroyed;
    case S::active: return to == S::deactivated || to == S::compromised;
    case S::deactivated: return to == S::compromised || to == S::destroyed;
    case S::compromised: return to == S::destroyed;
    case S::destroyed: return false;
    }
    return false;
}

std::vector<std::uint8_t> generation_ukad(const GenerationId& id) {
    const std::string s = std::string(ukad_prefix) + id.to_string();
    return {s.begin(), s.end()};
}

std::vector<std::uint8_t> generation_akad(const GenerationId& id) {
    std::vector<std::uint8_t> a(3 + id.bytes.size());
    a[0] = 'T';
    a[1] = 'K';
    a[2] = akad_version;
    std::copy(id.bytes.begin(), id.bytes.end(), a.begin() + 3);
    return a;
}

KadReading read_kad(std::span<const Kad> kads) {
    KadReading r;
    std::optional<GenerationId> from_u;
    std::optional<GenerationId> from_a;
    std::string shown;
    for (const auto& k : kads) {
        if (k.data.empty()) {
            continue;
        }
        if (k.type == static_cast<std::uint8_t>(KadType::ukad)) {
            from_u = from_ukad(k.data);
            shown += (shown.empty() ? "" : " / ") + std::string("u-kad \"") + printable(k.data) + "\"";
        } else if (k.type == static_cast<std::uint8_t>(KadType::akad)) {
            from_a = from_akad(k.data);
            shown += (shown.empty() ? "" : " / ") + std::string("a-kad \"") + printable(k.data) + "\"";
        }
    }
    r.shown = shown;
    if (from_a && from_u && !(*from_a == *from_u)) {
        r.kind = KadReading::Kind::inconsistent;
        return r;
    }
    if (from_a || from_u) {
        r.kind = KadReading::Kind::generation;
        r.id = from_a ? from_a : from_u;
        return r;
    }
    r.kind = shown.empty() ? KadReading::Kind::none : KadReading::Kind::foreign;
    return r;
}

}  // namespace tapekey
