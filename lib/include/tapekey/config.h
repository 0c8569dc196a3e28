// tapekey/config.h: the settings file in the tapekey home.
//
// An INI-like text file: `[section]` lines, `key = value` lines, `#`
// comments. Every key tapekey knows is listed (with its default, its
// allowed values and what it does) in one table, from which `tapekey init`
// writes a file with every key commented. An unknown key, a bad value or a
// malformed line is an error naming the file and line: a typo in a
// security setting must never be ignored silently.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tapekey {

class Config {
public:
    // Every key at its default.
    Config();
    // Parses text; `origin` names it in messages (usually the path).
    static Config parse(std::string_view text, const std::string& origin);
    static Config load(const std::filesystem::path& path);

    // The value of a known key ("log.forward"); throws Error(Errc::usage)
    // for a key not in the table (a programming error).
    const std::string& get(std::string_view key) const;
    bool get_bool(std::string_view key) const;
    long get_int(std::string_view key) const;
    // True when the parsed text sets `key`; false when it has its default.
    bool is_set(std::string_view key) const;

    // Every key in the table ("log.forward", ...), in the table's order.
    static std::vector<std::string> keys();

    // The documented file `tapekey init` writes: every key, commented, at
    // its default.
    static std::string default_text();

private:
    std::map<std::string, std::string, std::less<>> m_values;
    std::set<std::string, std::less<>> m_set;
};

}  // namespace tapekey
