// audit/forward.h: copies of log entries to syslog or the systemd journal
// (docs/spec/audit-log.md section 9), private.
#pragma once

#include <cstdint>
#include <string_view>

namespace tapekey::detail::audit {

// Sends one entry line (without its line feed) to `where` ("syslog" or
// "journal"; "none" does nothing). Never throws and never fails the append:
// the entry is already durable in the file.
void forward_entry(std::string_view where, std::uint64_t seq, std::string_view event, std::string_view entry_hash_hex,
                   std::string_view line) noexcept;

}  // namespace tapekey::detail::audit
