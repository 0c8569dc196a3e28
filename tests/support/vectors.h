// Test-vector files: `[section]` headers, blocks of `key = value` lines
// separated by blank lines, `#` comments (each file says where its vectors
// come from). Values may continue on following lines that start with
// whitespace; continuation lines are joined with '\n'.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tapekey::test {

struct Vector {
    std::string section;
    std::size_t line = 0;  // where the block starts, for messages
    std::map<std::string, std::string> fields;

    const std::string& at(const std::string& key) const;
    bool has(const std::string& key) const { return fields.count(key) != 0; }
    unsigned number(const std::string& key) const;
    std::vector<std::uint8_t> hex(const std::string& key) const;
    std::string name() const { return has("name") ? at("name") : "line " + std::to_string(line); }
};

// Loads TAPEKEY_VECTORS_DIR/relative; throws std::runtime_error if missing.
std::vector<Vector> load_vectors(const std::string& relative);

std::vector<std::uint8_t> from_hex(const std::string& hex);
std::string to_hex(const std::uint8_t* data, std::size_t size);

}  // namespace tapekey::test
