// tapekey/error.h: the one error type of the library.
//
// Every failure the library reports is a tapekey::Error carrying a cause
// (Errc), a message and an optional hint. Messages are lower case, have no
// trailing period and name the object ("share 3, line 2: check character
// does not match"); the hint says what to do. Messages never contain secret
// material. The library never prints and never exits.
#pragma once

#include <stdexcept>
#include <string>

namespace tapekey {

enum class Errc {
    usage,              // the caller asked for something impossible (bad k/n, bad option)
    bad_format,         // input is not in the expected format (typo, bad length, bad char)
    checksum,           // a check character or checksum does not match
    unsupported,        // a format version or feature this build does not know
    mismatch,           // inputs do not belong together (other set, other threshold)
    duplicate,          // the same item was given twice
    insufficient,       // fewer items than required (fewer than k shares)
    integrity,          // authenticated data failed verification (wrong key, tampering)
    exists,             // refusing to overwrite an existing file
    not_found,          // a file or object does not exist
    permission,         // file mode or access rights are wrong
    io,                 // an operating-system I/O call failed
    device,             // the tape drive or its transport failed
    state,              // the operation is not allowed in the current state
    crypto,             // the cryptographic library failed (should not happen)
    resource,           // out of memory or secure memory
};

// A short lower-case name of the cause, e.g. "checksum".
const char* errc_name(Errc code) noexcept;

class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& message, std::string hint = {})
        : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}

    Errc code() const noexcept { return m_code; }
    // What the user should do about it; may be empty.
    const std::string& hint() const noexcept { return m_hint; }

private:
    Errc m_code;
    std::string m_hint;
};

}  // namespace tapekey
