// envelopes.h: the envelope steps the ceremony shares with `tapekey
// envelopes` (cli/envelopes.cpp).
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "commands.h"
#include "tapekey/envelope.h"
#include "tapekey/escrow.h"
#include "tapekey/shamir.h"

namespace tapekey::cli {

// The template and paper of `style`, checked (and the fonts found) before
// anything else happens: the ceremony calls this before it makes a key.
struct EnvelopeLayout {
    EnvelopeTemplate tmpl;
    Paper paper;
};
EnvelopeLayout envelope_layout(const EnvelopeStyle& style);

// Writes share-X-NAME.pdf (mode 0600) for every share into `out`, and
// envelopes-all.pdf with --combined; prints each path and returns them.
std::vector<std::filesystem::path> write_envelopes(std::span<const Share> shares, const EscrowPublic& escrow,
                                                   const EnvelopeLayout& layout, const EnvelopeStyle& style,
                                                   const std::filesystem::path& out, bool force);

// Scans each file back and checks every code (against `intended` when
// given); prints one line per code or unreadable page. Returns the number
// of failures.
std::size_t check_envelope_files(std::span<const std::filesystem::path> files, const EscrowPublic& escrow,
                                 std::span<const Share> intended, int dpi);

}  // namespace tapekey::cli
