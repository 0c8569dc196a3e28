#include "support/vectors.h"

#include <fstream>
#include <stdexcept>

namespace tapekey::test {

const std::string& Vector::at(const std::string& key) const {
    const auto it = fields.find(key);
    if (it == fields.end()) {
        throw std::runtime_error("vector at line " + std::to_string(line) + " has no field '" + key + "'");
    }
    return it->second;
}

unsigned Vector::number(const std::string& key) const { return static_cast<unsigned>(std::stoul(at(key))); }

std::vector<std::uint8_t> Vector::hex(const std::string& key) const { return from_hex(at(key)); }

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    std::string digits;
    for (const char c : hex) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            digits += c;
        }
    }
    if (digits.size() % 2 != 0) {
        throw std::runtime_error("odd hex length");
    }
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < size; ++i) {
        s += digits[data[i] >> 4];
        s += digits[data[i] & 15];
    }
    return s;
}

std::vector<Vector> load_vectors(const std::string& relative) {
    const std::string path = std::string(TAPEKEY_VECTORS_DIR) + "/" + relative;
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open vector file " + path);
    }
    std::vector<Vector> out;
    std::string section;
    Vector cur;
    std::string last_key;
    std::string line;
    std::size_t n = 0;
    auto flush = [&] {
        if (!cur.fields.empty()) {
            out.push_back(cur);
        }
        cur = Vector{};
        last_key.clear();
    };
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line[0] == '#') {
            continue;
        }
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            flush();
            continue;
        }
        if (line[0] == '[') {
            flush();
            section = line.substr(1, line.find(']') - 1);
            continue;
        }
        if ((line[0] == ' ' || line[0] == '\t') && !last_key.empty()) {
            cur.fields[last_key] += "\n" + line.substr(line.find_first_not_of(" \t"));
            continue;
        }
        const auto eq = line.find(" = ");
        if (eq == std::string::npos) {
            throw std::runtime_error(path + ":" + std::to_string(n) + ": expected 'key = value'");
        }
        if (cur.fields.empty()) {
            cur.section = section;
            cur.line = n;
        }
        last_key = line.substr(0, eq);
        cur.fields[last_key] = line.substr(eq + 3);
    }
    flush();
    return out;
}

}  // namespace tapekey::test
