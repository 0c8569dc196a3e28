// tapekey/files.h: reading and writing files without losing anything.
//
// New files are created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW); an existing
// file is replaced only when the caller passes Overwrite::yes (the CLI's
// --force), and then atomically: a temporary file in the same folder is
// written, fsync'd and renamed over the old one, and the folder is fsync'd,
// so a crash leaves either the old or the new file, never a mix.
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

// Reads a whole file into secure memory; at most max_size bytes.
SecretBytes read_secret_file(const std::filesystem::path& path, std::size_t max_size);
// Reads all of a file descriptor (e.g. standard input) into secure memory.
SecretBytes read_secret_fd(int fd, std::string_view what, std::size_t max_size);
// Reads a whole non-secret file; at most max_size bytes.
std::string read_text_file(const std::filesystem::path& path, std::size_t max_size);

}  // namespace tapekey
