#include "tapekey/config.h"

#include <cstdlib>

#include "tapekey/error.h"
#include "tapekey/files.h"

namespace tapekey {
namespace {

struct KeySpec {
    const char* section;
    const char* key;
    const char* default_value;
    const char* allowed;  // '|'-separated values, or "integer"
    const char* doc;
};

// The one list of settings. Adding a setting means adding a row here.
const KeySpec specs[] = {
    {"log", "forward", "none", "none|syslog|journal",
     "Also send every key-use log entry to syslog or the systemd journal, so\n"
     "# a copy leaves this machine (configure remote forwarding there)."},
    {"log", "fail_closed", "false", "false|true",
     "When true, commands that load keys refuse to act if the key-use log\n"
     "# cannot be written (disk full, read-only file system), and say why."},
    {"keys", "rotation_days", "365", "integer",
     "Days after which the active generation is due for rotation; `tapekey\n"
     "# keys list` warns when it is older. NIST SP 800-57 allows up to two\n"
     "# years of use for a data-encryption key; one year is the usual practice."},
    {"drive", "decryption_mode", "mixed", "mixed|on",
     "Decryption mode for a clear or blank cartridge: mixed (also read clear\n"
     "# blocks, so old unencrypted tapes stay readable) or on (encrypted only)."},
    {"drive", "clear_on_unload", "true", "true|false",
     "Ask the drive to clear the key when the cartridge is unloaded (CKOD),\n"
     "# where the drive supports it."},
};

// "section.key", the name a setting goes by outside its file.
std::string full_name(const KeySpec& s) { return std::string(s.section) + "." + s.key; }

const KeySpec* find_spec(std::string_view full) {
    for (const auto& s : specs) {
        if (full == full_name(s)) {
            return &s;
        }
    }
    return nullptr;
}

bool allowed(const KeySpec& s, const std::string& value) {
    const std::string_view a = s.allowed;
    if (a == "integer") {
        if (value.empty()) {
            return false;
        }
        for (const char c : value) {
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return value.size() < 10;
    }
    std::size_t start = 0;
    while (start <= a.size()) {
        const std::size_t bar = a.find('|', start);
        const std::size_t end = bar == std::string_view::npos ? a.size() : bar;
        if (a.substr(start, end - start) == value) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Config::Config() {
    for (const auto& s : specs) {
        m_values[full_name(s)] = s.default_value;
    }
}

Config Config::parse(std::string_view text, const std::string& origin) {
    Config c;
    std::string section;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t eol = std::min(text.find('\n', pos), text.size());
        std::string line = std::string(text.substr(pos, eol - pos));
        pos = eol + 1;
        ++line_no;
        const auto where = origin + " line " + std::to_string(line_no);
        if (const auto hash = line.find('#'); hash != std::string::npos) {
            line.erase(hash);
        }
        line = trim(line);
        if (line.empty()) {
            if (eol >= text.size()) {
                break;
            }
            continue;
        }
        if (line.front() == '[') {
            if (line.back() != ']') {
                throw Error(Errc::bad_format, where + ": a section line must end with ']'",
                            "write sections as [log], [keys] or [drive]");
            }
            section = trim(std::string_view(line).substr(1, line.size() - 2));
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            throw Error(Errc::bad_format, where + ": expected `key = value`",
                        "see the comments in a fresh file from `tapekey init` for every key");
        }
        const std::string key = trim(std::string_view(line).substr(0, eq));
        const std::string value = trim(std::string_view(line).substr(eq + 1));
        const std::string full = section.empty() ? key : section + "." + key;
        const KeySpec* spec = find_spec(full);
        if (spec == nullptr) {
            throw Error(Errc::bad_format, where + ": unknown setting '" + full + "'",
                        "check the spelling; every setting is listed, commented, in the file `tapekey init` writes");
        }
        if (!allowed(*spec, value)) {
            throw Error(Errc::bad_format,
                        where + ": '" + value + "' is not a valid value for " + full,
                        std::string("allowed: ") + spec->allowed);
        }
        c.m_values[full] = value;
        c.m_set.insert(full);
        if (eol >= text.size()) {
            break;
        }
    }
    return c;
}

Config Config::load(const std::filesystem::path& path) {
    return parse(read_text_file(path, 1u << 16), path.string());
}

const std::string& Config::get(std::string_view key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end()) {
        throw Error(Errc::usage, "no setting named " + std::string(key));
    }
    return it->second;
}

bool Config::is_set(std::string_view key) const {
    (void)get(key);  // an unknown key is a programming error, as for get()
    return m_set.find(key) != m_set.end();
}

std::vector<std::string> Config::keys() {
    std::vector<std::string> out;
    for (const auto& s : specs) {
        out.push_back(full_name(s));
    }
    return out;
}

bool Config::get_bool(std::string_view key) const { return get(key) == "true"; }

long Config::get_int(std::string_view key) const { return std::strtol(get(key).c_str(), nullptr, 10); }

std::string Config::default_text() {
    std::string out =
        "# tapekey settings. Every setting is listed below at its default, commented\n"
        "# out; remove the leading '# ' of a `key = value` line to change it.\n"
        "# A misspelt key or a bad value is an error, never silently ignored.\n";
    std::string section;
    for (const auto& s : specs) {
        if (section != s.section) {
            section = s.section;
            out += "\n[" + section + "]\n";
        }
        out += "\n# " + std::string(s.doc) + "\n# Allowed: " + std::string(s.allowed) + ".\n# " + s.key +
               " = " + s.default_value + "\n";
    }
    return out;
}

}  // namespace tapekey
