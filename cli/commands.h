// commands.h: the options of each command and the function that runs it.
// main.cpp declares them to CLI11 (the only file that includes it); each
// run_* parses nothing, calls the library and prints. Return: exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tapekey::cli {

struct SplitOptions {
    unsigned threshold = 0;
    unsigned shares = 0;
    std::optional<std::filesystem::path> in;
    std::optional<std::filesystem::path> out_dir;
    bool raw = false;
    bool force = false;
};
int run_split(const SplitOptions& o);

struct CombineOptions {
    std::vector<std::filesystem::path> files;
    std::optional<std::filesystem::path> out;
    bool force = false;
};
int run_combine(const CombineOptions& o);

}  // namespace tapekey::cli
