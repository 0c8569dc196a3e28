#include "tapekey/error.h"

namespace tapekey {

const char* errc_name(Errc code) noexcept {
    switch (code) {
    case Errc::usage: return "usage";
    case Errc::bad_format: return "bad format";
    case Errc::checksum: return "checksum";
    case Errc::unsupported: return "unsupported";
    case Errc::mismatch: return "mismatch";
    case Errc::duplicate: return "duplicate";
    case Errc::insufficient: return "insufficient";
    case Errc::integrity: return "integrity";
    case Errc::exists: return "exists";
    case Errc::not_found: return "not found";
    case Errc::permission: return "permission";
    case Errc::io: return "i/o";
    case Errc::device: return "device";
    case Errc::state: return "state";
    case Errc::crypto: return "crypto";
    case Errc::resource: return "resource";
    }
    return "unknown";
}

}  // namespace tapekey
