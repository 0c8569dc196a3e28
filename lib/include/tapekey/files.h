// tapekey/files.h: reading and writing files without losing anything.
//
// Every write is atomic: a temporary file in the same folder is written and
// fsync'd, then moved into place, and the folder is fsync'd, so a crash
// leaves the old file or the new one, never a mix. A new file never replaces
// an existing one (or a symbolic link) unless the caller passes
// Overwrite::yes (the CLI's --force).
// Secret files are mode 0600 from the moment they exist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "tapekey/secret.h"

namespace tapekey {

enum class FileMode { secret /* 0600 */, public_ /* 0644 */ };
enum class Overwrite { no, yes };

void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                FileMode mode, Overwrite overwrite);

// Removes a file (never a folder) and fsyncs its folder, so the removal
// survives a crash. A file that is already gone is not an error.
void remove_file(const std::filesystem::path& path);

// Reads a whole file into secure memory; at most max_size bytes.
SecretBytes read_secret_file(const std::filesystem::path& path, std::size_t max_size);
// Reads all of a file descriptor (e.g. standard input) into secure memory.
SecretBytes read_secret_fd(int fd, std::string_view what, std::size_t max_size);
// Reads a whole non-secret file; at most max_size bytes.
std::string read_text_file(const std::filesystem::path& path, std::size_t max_size);

}  // namespace tapekey
