// text.h: the small text conventions of tapekey's files (private):
// UTC times, percent-encoding, `name value` lines.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tapekey::detail {

// "YYYY-MM-DDTHH:MM:SSZ"; 0 is written as "-".
std::string utc_time(std::time_t t);
// Inverse of utc_time ("-" gives 0); nullopt when malformed.
std::optional<std::time_t> parse_utc_time(std::string_view s);

// Every byte outside A-Z a-z 0-9 . _ - as %XX (escrow.md section 4).
std::string percent_encode(std::string_view s);
std::optional<std::string> percent_decode(std::string_view s);

// Splits on single spaces.
std::vector<std::string_view> fields(std::string_view line);

// Splits text into lines (without '\n'); a final empty line is dropped.
std::vector<std::string_view> lines(std::string_view text);

}  // namespace tapekey::detail
