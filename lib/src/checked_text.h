// checked_text.h: lines of Crockford base-32 characters, each ending in a
// check character (share-format.md 5.4 and section 6), private. Shares and
// the recovery sheet's parts (recovery-sheet.md section 3) are written and
// read with it. The characters may be secret (a share): they are handled
// in SecretBytes and classified without branches; only the layout (line
// breaks, separators, comments) and whether a line checks are public.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tapekey/secret.h"

namespace tapekey::detail {

inline constexpr std::size_t checked_group = 4;
inline constexpr std::size_t checked_line_length = 20;                     // 19 data characters and the check
inline constexpr std::size_t checked_line_data = checked_line_length - 1;  // 19

// share-format.md 5.4: c_i = (i + 1) XOR sum_j d_j * alpha^(j+1) in GF(2^5).
unsigned line_check(std::span<const std::uint8_t> data_values, std::size_t line_index) noexcept;

// Writes data characters (of the alphabet) as lines of 19 with their check
// characters; the line index starts at 0. Groups of four are separated by
// `group_separator` and lines by `line_separator` ('\0': nothing); with
// '\n' the text ends in a line feed.
SecretBytes write_checked_lines(std::span<const std::uint8_t> data_chars, char group_separator, char line_separator);

// The 5-bit values of `text` (share-format.md 6, step 1): spaces, tabs,
// carriage returns, line feeds, hyphens and comment lines dropped, case
// and O/I/L folded. Throws Error(bad_format) "line L, character C is not a
// <what> character" (lines of 20 from first_line_index) with `hint`.
SecretBytes checked_values(std::span<const char> text, std::size_t first_line_index, const std::string& what,
                           const std::string& hint);

// The lines of canonical values (starting at line first_line_index) whose
// check character fails; a lone check character fails.
std::vector<std::size_t> bad_lines(std::span<const std::uint8_t> values, std::size_t first_line_index);

// "line 3", "lines 2 and 4", "lines 1, 2 and 5" (1-based).
std::string lines_list(const std::vector<std::size_t>& lines);

// The data values of canonical values, check characters removed.
SecretBytes strip_checks(std::span<const std::uint8_t> values);

// Unpacks 5-bit values into bytes (share-format.md 5.2); false when the
// completion bits are not zero or a whole character is left over.
bool unpack_values(std::span<const std::uint8_t> values, SecretBytes& bytes);

}  // namespace tapekey::detail
