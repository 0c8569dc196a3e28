// Machine key and keyring: docs/spec/keyring.md.
#include "tapekey/keyring.h"

#include <algorithm>

#include "base32.h"
#include "crypto.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "text.h"

namespace tapekey {
namespace {

constexpr std::size_t key_length = 32;
constexpr std::size_t wrapped_length = detail::gcm_nonce_length + key_length + detail::gcm_tag_length;
constexpr std::uint64_t scrypt_n = 1u << 17;
constexpr std::uint32_t scrypt_r = 8;
constexpr std::uint32_t scrypt_p = 1;
constexpr std::size_t max_keyring = 4u << 20;

SecretBytes derive(const SecretBytes& machine_key, std::span<const std::uint8_t> info) {
    SecretBytes out(32);
    detail::hkdf_sha256(machine_key.expose(), {}, info, out.expose());
    return out;
}

std::string b32(std::span<const std::uint8_t> b) { return detail::base32_encode(b); }

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Error keyring_error(const Home& home, std::size_t line, const std::string& what) {
    return Error(Errc::bad_format, home.keyring().string() + " line " + std::to_string(line) + ": " + what,
                 "restore the previous version (keyring.prev) or rebuild the keyring from a recovery bundle "
                 "with `tapekey restore`");
}

// keyring.md section 3: the wrapped key is bound to its generation id.
std::vector<std::uint8_t> key_aad(const GenerationId& id) {
    const auto l = detail::label("tapekey keyring v1 key");
    std::vector<std::uint8_t> aad(l.size() + id.bytes.size());
    std::copy(l.begin(), l.end(), aad.begin());
    std::copy(id.bytes.begin(), id.bytes.end(), aad.begin() + static_cast<std::ptrdiff_t>(l.size()));
    return aad;
}

std::string state_rule(GenerationState from, GenerationState to) {
    return std::string("a generation cannot go from ") + to_string(from) + " to " + to_string(to);
}

}  // namespace

void create_machine_key(const Home& home, Rng& rng, const SecretBytes* passphrase) {
    SecretBytes mk(key_length);
    rng.fill(mk.expose());
    std::string head = "tapekey-machine-key 1\n";
    std::string line;
    if (passphrase == nullptr) {
        SecretBytes text(head.size() + 6 + detail::base32_length(key_length) + 1);
        auto t = text.expose();
        std::copy(head.begin(), head.end(), t.begin());
        const std::string_view plain = "plain ";
        std::copy(plain.begin(), plain.end(), t.begin() + static_cast<std::ptrdiff_t>(head.size()));
        detail::base32_encode_to(mk.expose(), t.subspan(head.size() + plain.size()));
        t[t.size() - 1] = '\n';
        write_file(home.machine_key(), t, FileMode::secret, Overwrite::no);
        return;
    }
    std::array<std::uint8_t, 16> salt{};
    rng.fill(salt);
    SecretBytes seal_key(32);
    detail::scrypt(passphrase->expose(), salt, scrypt_n, scrypt_r, scrypt_p, seal_key.expose());
    std::vector<std::uint8_t> sealed(detail::gcm_nonce_length + key_length + detail::gcm_tag_length);
    rng.fill(std::span(sealed).first(detail::gcm_nonce_length));
    detail::aes256gcm_seal(seal_key.expose(), std::span(sealed).first(detail::gcm_nonce_length),
                           detail::label("tapekey machine key v1"), mk.expose(),
                           std::span(sealed).subspan(detail::gcm_nonce_length));
    const std::string text = head + "scrypt N=" + std::to_string(scrypt_n) + " r=" + std::to_string(scrypt_r) +
                             " p=" + std::to_string(scrypt_p) + " salt=" + b32(salt) + " sealed=" + b32(sealed) + "\n";
    write_file(home.machine_key(), bytes_of(text), FileMode::secret, Overwrite::no);
}

SecretBytes load_machine_key(const Home& home, const std::function<SecretBytes()>& ask_passphrase) {
    Home::require_private(home.machine_key());
    const SecretBytes file = read_secret_file(home.machine_key(), 4096);
    const std::string_view text(reinterpret_cast<const char*>(file.expose().data()), file.size());
    const auto ls = detail::lines(text);
    const std::string name = home.machine_key().string();
    if (ls.size() != 2 || ls[0] != "tapekey-machine-key 1") {
        throw Error(Errc::bad_format, name + ": not a tapekey machine key (version 1)",
                    "the file is damaged or from another tapekey version");
    }
    SecretBytes mk(key_length);
    if (ls[1].substr(0, 6) == "plain ") {
        if (!detail::base32_decode_to(ls[1].substr(6), mk.expose())) {
            throw Error(Errc::bad_format, name + ": the key is not 32 bytes of base 32", "the file is damaged");
        }
        return mk;
    }
    const auto f = detail::fields(ls[1]);
    std::array<std::uint8_t, 16> salt{};
    std::vector<std::uint8_t> sealed(detail::gcm_nonce_length + key_length + detail::gcm_tag_length);
    if (f.size() != 6 || f[0] != "scrypt" || f[1] != "N=" + std::to_string(scrypt_n) ||
        f[2] != "r=" + std::to_string(scrypt_r) || f[3] != "p=" + std::to_string(scrypt_p) ||
        f[4].substr(0, 5) != "salt=" || !detail::base32_decode_to(f[4].substr(5), salt) ||
        f[5].substr(0, 7) != "sealed=" || !detail::base32_decode_to(f[5].substr(7), sealed)) {
        throw Error(Errc::bad_format, name + ": line 2 is neither `plain KEY` nor a scrypt-sealed key",
                    "the file is damaged");
    }
    SecretBytes pass = ask_passphrase();
    SecretBytes seal_key(32);
    detail::scrypt(pass.expose(), salt, scrypt_n, scrypt_r, scrypt_p, seal_key.expose());
    if (!detail::aes256gcm_open(seal_key.expose(), std::span(sealed).first(detail::gcm_nonce_length),
                                detail::label("tapekey machine key v1"),
                                std::span(sealed).subspan(detail::gcm_nonce_length), mk.expose())) {
        throw Error(Errc::integrity, "wrong passphrase for " + name, "try again; the passphrase is case sensitive");
    }
    return mk;
}

std::string Generation::metadata() const {
    return "generation " + id.to_string() + " " + to_string(state) + " created=" + detail::utc_time(created) +
           " activated=" + detail::utc_time(activated) + " deactivated=" + detail::utc_time(deactivated) +
           " compromised=" + detail::utc_time(compromised) + " destroyed=" + detail::utc_time(destroyed) +
           " bundle=" + (bundle.empty() ? "-" : bundle) + " reason=" + (reason.empty() ? "-" : detail::percent_encode(reason));
}

Generation Keyring::parse_metadata(std::string_view line, const std::string& origin) {
    const auto f = detail::fields(line);
    auto bad = [&](const std::string& what) {
        return Error(Errc::bad_format, origin + ": " + what, "the record is damaged");
    };
    if (f.size() < 10 || f[0] != "generation") {
        throw bad("expected a generation record");
    }
    Generation g;
    const auto id = GenerationId::parse(f[1]);
    const auto state = parse_generation_state(f[2]);
    if (!id) {
        throw bad("bad generation id");
    }
    if (!state) {
        throw bad("unknown state '" + std::string(f[2]) + "'");
    }
    g.id = *id;
    g.state = *state;
    const char* time_names[] = {"created=", "activated=", "deactivated=", "compromised=", "destroyed="};
    std::time_t* times[] = {&g.created, &g.activated, &g.deactivated, &g.compromised, &g.destroyed};
    for (std::size_t i = 0; i < 5; ++i) {
        const std::string_view want = time_names[i];
        const auto t = f[3 + i].substr(0, want.size()) == want ? detail::parse_utc_time(f[3 + i].substr(want.size()))
                                                                : std::nullopt;
        if (!t) {
            throw bad(std::string("bad ") + std::string(want.substr(0, want.size() - 1)) + " time");
        }
        *times[i] = *t;
    }
    if (f[8].substr(0, 7) != "bundle=" || f[9].substr(0, 7) != "reason=") {
        throw bad("expected bundle= and reason=");
    }
    g.bundle = f[8].substr(7) == "-" ? std::string() : std::string(f[8].substr(7));
    if (f[9].substr(7) != "-") {
        const auto r = detail::percent_decode(f[9].substr(7));
        if (!r) {
            throw bad("bad reason encoding");
        }
        g.reason = *r;
    }
    return g;
}

Keyring Keyring::load(const Home& home, const SecretBytes& machine_key) {
    Home::require_private(home.keyring());
    const SecretBytes file = read_secret_file(home.keyring(), max_keyring);
    const std::string_view text(reinterpret_cast<const char*>(file.expose().data()), file.size());
    const auto ls = detail::lines(text);
    if (ls.empty() || ls[0] != "tapekey-keyring 1") {
        if (!ls.empty() && ls[0].substr(0, 16) == "tapekey-keyring ") {
            throw Error(Errc::unsupported,
                        home.keyring().string() + ": keyring format " + std::string(ls[0].substr(16)) +
                            " was written by a newer tapekey",
                        "use that tapekey release (or newer) with this home");
        }
        throw keyring_error(home, 1, "not a tapekey keyring");
    }
    // The mac line is last; everything before it is authenticated.
    const std::size_t mac_at = text.rfind("\nmac ");
    if (mac_at == std::string_view::npos) {
        throw keyring_error(home, ls.size(), "the mac line is missing (the file was cut short?)");
    }
    std::array<std::uint8_t, 32> mac{};
    const std::string_view mac_text = text.substr(mac_at + 5, text.size() - mac_at - 5);
    if (!detail::base32_decode_to(mac_text.substr(0, mac_text.find('\n')), mac)) {
        throw keyring_error(home, ls.size(), "the mac is not 32 bytes of base 32");
    }
    const SecretBytes mac_key = derive(machine_key, detail::label("tapekey keyring v1 mac"));
    const auto want = detail::hmac_sha256(mac_key.expose(), {bytes_of(text.substr(0, mac_at + 1))});
    if (!ct_equal(want, mac)) {
        throw Error(Errc::integrity,
                    home.keyring().string() + " does not open with this machine key",
                    "wrong machine.key or passphrase, or the keyring was altered; keyring.prev holds the "
                    "previous version, and `tapekey restore` rebuilds it from a recovery bundle");
    }
    const SecretBytes wrap_key = derive(machine_key, detail::label("tapekey keyring v1 wrap"));
    Keyring kr;
    const auto body = detail::lines(text.substr(0, mac_at + 1));
    for (std::size_t i = 1; i < body.size(); ++i) {
        const auto f = detail::fields(body[i]);
        if (i == 1) {
            if (f.size() != 2 || f[0] != "escrow") {
                throw keyring_error(home, i + 1, "expected `escrow FINGERPRINT`");
            }
            kr.escrow_fingerprint = f[1] == "-" ? std::string() : std::string(f[1]);
            continue;
        }
        const std::string origin = home.keyring().string() + " line " + std::to_string(i + 1);
        Generation g = parse_metadata(body[i].substr(0, body[i].rfind(" key=")), origin);
        const std::string_view key_text = body[i].substr(body[i].rfind(" key=") + 5);
        if (key_text != "-") {
            std::array<std::uint8_t, wrapped_length> wrapped{};
            if (!detail::base32_decode_to(key_text, wrapped)) {
                throw keyring_error(home, i + 1, "the wrapped key is malformed");
            }
            g.key = SecretBytes(key_length);
            if (!detail::aes256gcm_open(wrap_key.expose(), std::span(wrapped).first(detail::gcm_nonce_length),
                                        key_aad(g.id),
                                        std::span(wrapped).subspan(detail::gcm_nonce_length), g.key.expose())) {
                throw keyring_error(home, i + 1, "the wrapped key does not open");
            }
        } else if (g.state != GenerationState::destroyed) {
            throw keyring_error(home, i + 1, "only a destroyed generation may lack its key");
        }
        if (kr.find(g.id) != nullptr) {
            throw keyring_error(home, i + 1, "generation " + g.id.to_string() + " appears twice");
        }
        if (g.state == GenerationState::active && kr.active() != nullptr) {
            throw keyring_error(home, i + 1, "more than one active generation");
        }
        kr.generations.push_back(std::move(g));
    }
    return kr;
}

void Keyring::save(const Home& home, const SecretBytes& machine_key, Rng& rng) const {
    const SecretBytes wrap_key = derive(machine_key, detail::label("tapekey keyring v1 wrap"));
    const SecretBytes mac_key = derive(machine_key, detail::label("tapekey keyring v1 mac"));
    std::string text = "tapekey-keyring 1\nescrow " + (escrow_fingerprint.empty() ? "-" : escrow_fingerprint) + "\n";
    for (const auto& g : generations) {
        text += g.metadata() + " key=";
        if (g.key.empty()) {
            text += "-";
        } else {
            std::array<std::uint8_t, wrapped_length> wrapped{};
            rng.fill(std::span(wrapped).first(detail::gcm_nonce_length));
            detail::aes256gcm_seal(wrap_key.expose(), std::span(wrapped).first(detail::gcm_nonce_length), key_aad(g.id),
                                   g.key.expose(), std::span(wrapped).subspan(detail::gcm_nonce_length));
            text += b32(wrapped);
        }
        text += "\n";
    }
    const auto mac = detail::hmac_sha256(mac_key.expose(), {bytes_of(text)});
    text += "mac " + b32(mac) + "\n";
    // Keep the previous version first; then replace. A crash between the
    // two leaves the old keyring in place (keyring.md section 4).
    if (std::filesystem::exists(home.keyring())) {
        const SecretBytes old = read_secret_file(home.keyring(), max_keyring);
        write_file(home.keyring_previous(), old.expose(), FileMode::secret, Overwrite::yes);
    }
    write_file(home.keyring(), bytes_of(text), FileMode::secret, Overwrite::yes);
}

Generation& Keyring::find(std::string_view text) {
    std::string norm;
    for (const char c : text) {
        if (c != '-') {
            norm += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    Generation* hit = nullptr;
    std::size_t hits = 0;
    for (auto& g : generations) {
        std::string id;
        for (const char c : g.id.to_string()) {
            if (c != '-') {
                id += c;
            }
        }
        if (norm.size() >= 4 && id.compare(0, norm.size(), norm) == 0) {
            hit = &g;
            ++hits;
        }
    }
    if (hits != 1) {
        throw Error(Errc::not_found,
                    hits == 0 ? "no generation " + std::string(text) + " in the keyring"
                              : "'" + std::string(text) + "' names more than one generation",
                    "`tapekey keys list` shows every generation id");
    }
    return *hit;
}

const Generation& Keyring::find(std::string_view text) const { return const_cast<Keyring*>(this)->find(text); }

const Generation* Keyring::find(const GenerationId& id) const { return const_cast<Keyring*>(this)->find(id); }

const Generation* Keyring::active() const { return const_cast<Keyring*>(this)->active(); }

Generation* Keyring::find(const GenerationId& id) {
    for (auto& g : generations) {
        if (g.id == id) {
            return &g;
        }
    }
    return nullptr;
}

Generation* Keyring::active() {
    for (auto& g : generations) {
        if (g.state == GenerationState::active) {
            return &g;
        }
    }
    return nullptr;
}

Generation& Keyring::create(Rng& rng, std::time_t now) {
    Generation g;
    g.id = GenerationId::random(rng);
    g.key = SecretBytes(key_length);
    rng.fill(g.key.expose());
    g.created = now;
    generations.push_back(std::move(g));
    return generations.back();
}

namespace {

Generation& need(Keyring& kr, const GenerationId& id) {
    Generation* g = kr.find(id);
    if (g == nullptr) {
        throw Error(Errc::not_found, "no generation " + id.to_string() + " in the keyring");
    }
    return *g;
}

void move_to(Generation& g, GenerationState to) {
    if (!transition_allowed(g.state, to)) {
        throw Error(Errc::state, "generation " + g.id.to_string() + " is " + to_string(g.state) + ": " +
                                     state_rule(g.state, to),
                    "docs/design.md section 3 lists the allowed changes");
    }
    g.state = to;
}

}  // namespace

void Keyring::activate(const GenerationId& id, std::time_t now) {
    Generation& g = need(*this, id);
    if (g.bundle.empty()) {
        throw Error(Errc::state,
                    "generation " + g.id.to_string() + " is not in any exported recovery bundle yet",
                    "no key is used before it is escrowed: run `tapekey bundle export` first");
    }
    if (!transition_allowed(g.state, GenerationState::active)) {
        move_to(g, GenerationState::active);  // throws with the rule
    }
    if (Generation* old = active(); old != nullptr && !(old->id == id)) {
        move_to(*old, GenerationState::deactivated);
        old->deactivated = now;
    }
    move_to(g, GenerationState::active);
    g.activated = now;
}

void Keyring::retire(const GenerationId& id, std::time_t now) {
    Generation& g = need(*this, id);
    move_to(g, GenerationState::deactivated);
    g.deactivated = now;
}

void Keyring::compromise(const GenerationId& id, const std::string& reason, std::time_t now) {
    Generation& g = need(*this, id);
    if (reason.empty()) {
        throw Error(Errc::usage, "a compromise needs a reason", "say what happened with --reason TEXT");
    }
    move_to(g, GenerationState::compromised);
    g.compromised = now;
    g.reason = reason;
}

void Keyring::destroy(const GenerationId& id, std::time_t now) {
    Generation& g = need(*this, id);
    move_to(g, GenerationState::destroyed);
    g.destroyed = now;
    g.key.reset();
}

}  // namespace tapekey
