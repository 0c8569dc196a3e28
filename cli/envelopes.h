// envelopes.h: the envelope steps the ceremony shares with `tapekey
// envelopes` (cli/envelopes.cpp).
#pragma once

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "tapekey/envelope.h"
#include "tapekey/escrow.h"
#include "tapekey/shamir.h"

namespace tapekey::cli {

// The template and paper of `style`, checked (and the fonts and pdftoppm
// found) before anything else happens: the ceremony calls this before it
// makes a key.
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

// Calls `each` with every share block of a file: the blocks of a text file
// (for_each_block), or the QR codes of a PDF or scanned image, each named
// by its page. A page without a readable code throws Error(checksum) asking
// for a better scan, after the codes of the other pages were given.
void for_each_share_in_file(const std::filesystem::path& file,
                            const std::function<void(const std::string& origin, const SecretBytes& block)>& each);

}  // namespace tapekey::cli
