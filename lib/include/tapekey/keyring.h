// tapekey/keyring.h: the machine key and the operational keyring
// (docs/spec/keyring.md), and the generation lifecycle they enforce.
//
// The keyring lets an unattended backup hook load tape keys: each
// generation's key is wrapped (AES-256-GCM) under a key derived from the
// machine key, and the whole file is authenticated, so a changed state or
// a wrong machine key is detected before anything is believed. Every save
// keeps the previous version and is atomic.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tapekey/generation.h"
#include "tapekey/home.h"
#include "tapekey/random.h"
#include "tapekey/secret.h"

namespace tapekey {

// Creates machine.key (0600, exclusive). With a passphrase the key is
// sealed under scrypt (keyring.md section 2); otherwise stored plain for
// unattended use.
void create_machine_key(const Home& home, Rng& rng, const SecretBytes* passphrase);

// Reads machine.key. `ask_passphrase` is called only when the key is
// sealed; a wrong passphrase throws Error(Errc::integrity).
SecretBytes load_machine_key(const Home& home, const std::function<SecretBytes()>& ask_passphrase);

struct Generation {
    GenerationId id;
    GenerationState state = GenerationState::pre_active;
    std::time_t created = 0;
    std::time_t activated = 0;
    std::time_t deactivated = 0;
    std::time_t compromised = 0;
    std::time_t destroyed = 0;
    std::string bundle;  // digest of the first bundle holding it; empty: not escrowed yet
    std::string reason;  // why it was declared compromised
    SecretBytes key;     // 32 bytes; empty once destroyed

    // The keyring line without the key (also the bundle metadata).
    std::string metadata() const;
};

class Keyring {
public:
    Keyring() = default;
    // Reads and authenticates HOME/keyring with the machine key.
    static Keyring load(const Home& home, const SecretBytes& machine_key);
    // Writes keyring.prev (the current file) then keyring, each atomically.
    void save(const Home& home, const SecretBytes& machine_key, Rng& rng) const;
    // Parses metadata() of a generation (bundle items use it).
    static Generation parse_metadata(std::string_view line, const std::string& origin);

    std::string escrow_fingerprint;  // empty until the first ceremony
    std::vector<Generation> generations;

    // Finds a generation by its id, grouped or not, or by a unique prefix
    // of at least 4 characters; throws Error(not_found) naming the text.
    Generation& find(std::string_view text);
    const Generation& find(std::string_view text) const;
    Generation* find(const GenerationId& id);
    const Generation* find(const GenerationId& id) const;
    Generation* active();
    const Generation* active() const;

    // A new pre-active generation with a key from rng.
    Generation& create(Rng& rng, std::time_t now);
    // State changes, enforced (design.md section 3); each throws
    // Error(Errc::state) naming the generation and the rule when refused.
    // activate() also refuses a generation not yet in an exported bundle,
    // and deactivates the previous active generation.
    void activate(const GenerationId& id, std::time_t now);
    void retire(const GenerationId& id, std::time_t now);
    void compromise(const GenerationId& id, const std::string& reason, std::time_t now);
    // Erases the key (crypto-erase).
    void destroy(const GenerationId& id, std::time_t now);
};

}  // namespace tapekey
