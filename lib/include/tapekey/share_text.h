// tapekey/share_text.h: the text form of a share (share format v1).
//
// A share is written as a few lines of Crockford base-32 characters (digits
// and upper-case letters without I, L, O, U) in groups of four, each line
// ending in a check character over that line. Every character is in the QR
// alphanumeric set, so a QR code can carry exactly what a person types.
// Reading is tolerant: case, spaces, dashes and line breaks are ignored and
// O, I, L are read as 0, 1, 1. The guarantees (every single substitution is
// found and its line named; every transposition within a line is found)
// and the byte layout are in docs/spec/share-format.md.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "tapekey/secret.h"
#include "tapekey/shamir.h"

namespace tapekey {

inline constexpr std::size_t share_group_length = 4;
inline constexpr std::size_t share_groups_per_line = 5;
// 19 data characters and one check character per line.
inline constexpr std::size_t share_line_length = share_group_length * share_groups_per_line;

// The share as printed: lines of five groups of four, separated by '\n',
// with a final '\n'. The characters are secret: the result is SecretBytes.
SecretBytes encode_share_text(const Share& share);

// The same characters on one line, groups separated by single spaces
// (the QR code payload).
SecretBytes encode_share_line(const Share& share);

// Parses a share in any tolerated layout. Lines starting with '#' are
// comments. Throws Error with a message naming the line(s) at fault:
// bad_format (a character outside the alphabet, wrong length, index 0),
// checksum (a line's check character or the share checksum fails),
// unsupported (a version this build does not read).
Share decode_share_text(std::span<const char> text);

// For entry line by line: checks line `line_number` (1-based) of a share on
// its own. Throws like decode_share_text, naming that line.
void check_share_line(std::span<const char> line, std::size_t line_number);

// The number of printed lines of the share whose first line is given
// (read from its header). Throws if the first line is not a valid line 1.
std::size_t share_line_count(std::span<const char> first_line);

}  // namespace tapekey
