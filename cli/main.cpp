// tapekey: the command table. The only file that includes CLI11 (its headers
// cost seconds per translation unit); each command's work is in its own file.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"
#include "term.h"

namespace {

using namespace std::string_literals;

const char* const overview = R"(tapekey: escrow and load LTO tape-encryption keys.

Example: split a 256-bit key 3-of-5, then rebuild it from shares 2, 4 and 5
  $ openssl rand -hex 32 > key.hex
  $ tapekey split --threshold 3 --shares 5 --in key.hex --out shares/
  $ tapekey combine shares/share-2.txt shares/share-4.txt shares/share-5.txt
)";

const char* const split_example = R"(
Example:
  $ tapekey split --threshold 3 --shares 5 --in key.hex --out shares/
  wrote shares/share-1.txt ... shares/share-5.txt (mode 0600)
The secret is read from --in FILE or standard input, never from the command
line. Without --out the shares are printed, one block per share.
)";

const char* const combine_example = R"(
Example:
  $ tapekey combine shares/share-2.txt shares/share-4.txt shares/share-5.txt
  0123...cdef
With no files and a terminal, tapekey asks for each share line by line,
without echo, and checks every line as soon as it is typed. Otherwise it
reads shares from standard input, one block per share, blank lines between.
)";

}  // namespace

int main(int argc, char** argv) {
    tapekey::cli::harden_process();
    int rc = tapekey::cli::exit_ok;

    CLI::App app{overview, "tapekey"};
    app.set_version_flag("--version", "tapekey 0.1.0");
    app.require_subcommand(1);
    app.allow_config_extras(CLI::config_extras_mode::error);

    tapekey::cli::SplitOptions split;
    auto* split_cmd = app.add_subcommand("split", "split a secret into k-of-n shares"s)->group("Shares");
    split_cmd->footer(split_example);
    split_cmd->add_option("-k,--threshold", split.threshold, "shares needed to rebuild (k)")
        ->required()->check(CLI::Range(2, 255));
    split_cmd->add_option("-n,--shares", split.shares, "shares to make (n)")->required()->check(CLI::Range(2, 255));
    split_cmd->add_option("--in", split.in, "read the secret from FILE (default: standard input)");
    split_cmd->add_flag("--raw", split.raw, "the secret is raw bytes, not hex");
    split_cmd->add_option("--out", split.out_dir, "write share-X.txt files (mode 0600) into DIR");
    split_cmd->add_flag("--force", split.force, "overwrite existing share files");
    split_cmd->callback([&] { rc = tapekey::cli::run_split(split); });

    tapekey::cli::CombineOptions combine;
    auto* combine_cmd = app.add_subcommand("combine", "rebuild a secret from k shares"s)->group("Shares");
    combine_cmd->footer(combine_example);
    combine_cmd->add_option("files", combine.files, "share files (default: standard input)");
    combine_cmd->add_option("--out", combine.out, "write the secret in hex to FILE (mode 0600)");
    combine_cmd->add_flag("--force", combine.force, "overwrite FILE");
    combine_cmd->callback([&] { rc = tapekey::cli::run_combine(combine); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? tapekey::cli::exit_ok : tapekey::cli::exit_usage;
    }
    return rc;
}
