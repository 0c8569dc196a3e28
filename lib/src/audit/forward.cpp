// Forwarding of key-use log entries: docs/spec/audit-log.md section 9.
#include "audit/forward.h"

#include <syslog.h>
#include <systemd/sd-journal.h>

#include <string>

namespace tapekey::detail::audit {

void forward_entry(std::string_view where, std::uint64_t seq, std::string_view event, std::string_view entry_hash_hex,
                   std::string_view line) noexcept {
    try {
        const std::string message = "keyuse.log entry " + std::to_string(seq) + ": " + std::string(line);
        if (where == "syslog") {
            // LOG_NDELAY: connect now; closed again so a long-running caller
            // keeps no descriptor it did not ask for.
            ::openlog("tapekey", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
            ::syslog(LOG_AUTHPRIV | LOG_INFO, "%s", message.c_str());
            ::closelog();
        } else if (where == "journal") {
            // sd_journal_send returns 0 even when no journald listens; an
            // error return is ignored too (section 9: forwarding never fails
            // an append).
            (void)::sd_journal_send("MESSAGE=%s", message.c_str(), "PRIORITY=%d", LOG_INFO,
                                    "SYSLOG_IDENTIFIER=tapekey", "TAPEKEY_SEQ=%llu",
                                    static_cast<unsigned long long>(seq), "TAPEKEY_EVENT=%.*s",
                                    static_cast<int>(event.size()), event.data(), "TAPEKEY_HASH=%.*s",
                                    static_cast<int>(entry_hash_hex.size()), entry_hash_hex.data(), nullptr);
        }
    } catch (...) {
        // Out of memory building the message: the entry is in the file.
    }
}

}  // namespace tapekey::detail::audit
