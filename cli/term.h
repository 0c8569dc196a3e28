// term.h: what the CLI says to people, and what it reads from a terminal.
//
// Messages follow one rule: "tapekey: error: WHAT" then "tapekey: hint: DO
// THIS", lower case, on standard error. Prompts go to standard error too,
// so standard output carries only results.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "tapekey/error.h"
#include "tapekey/secret.h"

namespace tapekey::cli {

// Exit codes, documented in docs/cli.md.
inline constexpr int exit_ok = 0;
inline constexpr int exit_no = 1;     // the operation said no
inline constexpr int exit_usage = 2;  // the command line was wrong

void print_error(const Error& e, std::string_view context = {});
void print_warning(std::string_view message);
void print_note(std::string_view message);
int exit_code_for(const Error& e);

// Runs a command's body: a tapekey::Error (or a file-system error) becomes
// the printed error, prefixed with `what` when it is not empty, and its
// exit code. Every run_* function goes through this.
template <typename F>
int guarded(std::string_view what, F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        print_error(e, what);
        return exit_code_for(e);
    } catch (const std::filesystem::filesystem_error& e) {
        print_error(Error(Errc::io, e.what()), what);
        return exit_no;
    }
}

bool stdin_is_terminal();
bool stdout_is_terminal();

// Prints `prompt` on standard error and reads one line from the terminal on
// standard input with echo off, into secure memory (without the newline).
// Returns an empty SecretBytes with `eof` set at end of input.
SecretBytes read_hidden_line(std::string_view prompt, bool& eof);

// No core dumps, not ptrace-attachable by other users' processes, private
// umask, secure heap ready. First thing main() does.
// `quiet`: a warning goes to syslog instead of standard error (the Bacula
// hook, whose every output line Bacula reads).
void harden_process(bool quiet = false);

}  // namespace tapekey::cli
