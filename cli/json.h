// json.h: a JSON string for --json output (RFC 8259): quotes and
// backslashes escaped, control bytes and bytes from 7Fh up as \u00XX, so
// the output is ASCII whatever the input (a volume name from a log copy, a
// KAD from a tape).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace tapekey::cli {

inline std::string json_quote(std::string_view s) {
    std::string q = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            q += '\\';
            q += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7F) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            q += b;
        } else {
            q += static_cast<char>(c);
        }
    }
    return q + "\"";
}

}  // namespace tapekey::cli
