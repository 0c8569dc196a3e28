// audit/entry.h: the canonical JSON form of a key-use log entry
// (docs/spec/audit-log.md section 4), written and read strictly (private).
//
// The reader accepts exactly the bytes the writer produces and nothing
// else, so checking the form needs no second encoding: every choice JSON
// leaves open (white space, member order, escapes, number forms) is fixed
// and any other choice is refused.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tapekey/audit_log.h"

namespace tapekey::detail::audit {

inline constexpr std::size_t max_line = 16384;        // including the line feed
inline constexpr std::size_t mac_suffix_length = 75;  // ,"mac":"<64 hex>"} and the line feed
inline constexpr std::size_t max_fields = 64;
inline constexpr std::size_t max_name = 64;
inline constexpr std::size_t max_value = 1024;
inline constexpr std::size_t max_text = 255;  // host, user, cmd

// An entry as it stands in the line: strings are still JSON-escaped
// (views into the line), so checking a line allocates nothing.
struct RawEntry {
    std::uint64_t seq = 0;
    std::string_view time, host, user, command, event;
    std::array<std::string_view, max_fields> names{};
    std::array<std::string_view, max_fields> values{};
    std::size_t field_count = 0;
    std::array<std::uint8_t, 32> prev{};
    std::array<std::uint8_t, 32> mac{};
    std::size_t body_length = 0;  // bytes of the body B (section 4.2)
};

// Parses one line without its line feed. Returns nullopt on success, or
// what is wrong ("expected \"seq\" at byte 8").
std::optional<std::string> parse_line(std::string_view line, RawEntry& out);

// Decodes the escaped strings of a parsed entry.
LogEntry decode(const RawEntry& raw);
// The decoded value of a field, or nullopt when absent.
std::optional<std::string> field(const RawEntry& raw, std::string_view name);

// What a writer puts in an entry. Throws Error(Errc::usage) for a bad event
// or field name, duplicate names, too many fields or too long a value.
struct NewEntry {
    std::uint64_t seq = 0;
    std::string time;
    std::string host;
    std::string user;
    std::string command;
    std::string event;
    const LogFields* fields = nullptr;
    std::array<std::uint8_t, 32> prev{};
};
std::string encode_body(const NewEntry& e);
// body || ,"mac":"hex"} || LF
void finish_line(std::string& body, std::span<const std::uint8_t, 32> mac);

// Lower-case hex of bytes; strict decoding of exactly 2*out.size() lower-case digits.
std::string hex(std::span<const std::uint8_t> bytes);
bool unhex(std::string_view text, std::span<std::uint8_t> out) noexcept;

// Host names and user names as the spec writes them (section 4.1).
std::string local_host();
std::string local_user();
// The current UTC time, "YYYY-MM-DDTHH:MM:SS.uuuuuuZ".
std::string now_utc();
// true when `s` has the form of a time member (digits where digits go).
bool is_time(std::string_view s) noexcept;

}  // namespace tapekey::detail::audit
