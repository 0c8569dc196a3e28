#include "tapekey/random.h"

#include <openssl/rand.h>

#include <algorithm>

#include "tapekey/error.h"
#include "tapekey/secret.h"

namespace tapekey {

SystemRng::SystemRng() { secure_heap_init(); }

void SystemRng::fill(std::span<std::uint8_t> out) {
    // RAND_priv_bytes takes an int; we never ask for more than a few KiB.
    std::size_t done = 0;
    while (done < out.size()) {
        const std::size_t chunk = std::min<std::size_t>(out.size() - done, 1u << 20);
        if (RAND_priv_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
            throw Error(Errc::crypto, "the random generator failed (RAND_priv_bytes)",
                        "the system entropy source may be unavailable; try again");
        }
        done += chunk;
    }
}

}  // namespace tapekey
