// tapekey split / tapekey combine.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "tapekey/shamir.h"
#include "tapekey/share_text.h"
#include "share_input.h"
#include "term.h"

namespace tapekey::cli {
namespace {

constexpr std::size_t max_secret_input = 4096;
constexpr std::size_t max_share_input = 64u << 10;  // thousands of shares

std::string share_header(const Share& s) {
    return "# tapekey share " + std::to_string(s.index) + " of " + std::to_string(s.total) + " (any " +
           std::to_string(s.threshold) + " rebuild the secret), set " + to_string(s.set_id) + "\n";
}

SecretBytes read_secret_input(const SplitOptions& o) {
    SecretBytes input;
    if (o.in) {
        input = read_secret_file(*o.in, max_secret_input);
    } else if (stdin_is_terminal()) {
        bool eof = false;
        input = read_hidden_line(o.raw ? "secret (not echoed): " : "secret in hex (not echoed): ", eof);
    } else {
        input = read_secret_fd(STDIN_FILENO, "standard input", max_secret_input);
    }
    const std::string what = o.in ? o.in->string() : "standard input";
    if (o.raw) {
        return input;
    }
    return secret_from_hex(char_span(input), what);
}

}  // namespace

int run_split(const SplitOptions& o) {
    try {
        SecretBytes secret = read_secret_input(o);
        SystemRng rng;
        const auto shares = split(secret.expose(), o.threshold, o.shares, rng);
        secret.reset();
        if (o.out_dir) {
            std::filesystem::create_directories(*o.out_dir);
            for (const auto& s : shares) {
                const auto header = share_header(s);
                const SecretBytes text = encode_share_text(s);
                SecretBytes file(header.size() + text.size());
                std::copy(header.begin(), header.end(), file.expose().begin());
                std::copy(text.expose().begin(), text.expose().end(),
                          file.expose().begin() + static_cast<std::ptrdiff_t>(header.size()));
                const auto path = *o.out_dir / ("share-" + std::to_string(s.index) + ".txt");
                write_file(path, file.expose(), FileMode::secret, o.force ? Overwrite::yes : Overwrite::no);
            }
            print_note("wrote " + std::to_string(shares.size()) + " shares to " + o.out_dir->string() +
                       " (share-1.txt .. share-" + std::to_string(shares.size()) + ".txt, mode 0600); any " +
                       std::to_string(o.threshold) + " rebuild the secret");
            return exit_ok;
        }
        for (std::size_t i = 0; i < shares.size(); ++i) {
            const SecretBytes text = encode_share_text(shares[i]);
            std::cout << (i == 0 ? "" : "\n") << share_header(shares[i]) << as_chars(text.expose());
        }
        std::cout << std::flush;
        return exit_ok;
    } catch (const Error& e) {
        print_error(e, "split");
        return exit_code_for(e);
    } catch (const std::filesystem::filesystem_error& e) {
        print_error(Error(Errc::io, e.what()), "split");
        return exit_no;
    }
}

namespace {

// Checks the new share against those already entered, so a person typing
// shares hears about a foreign or duplicate share at once.
void check_against(std::span<const EnteredShare> have, const EnteredShare& e) {
    for (const auto& h : have) {
        if (h.share.set_id != e.share.set_id) {
            throw Error(Errc::mismatch,
                        e.origin + " belongs to set " + to_string(e.share.set_id) + ", not to set " +
                            to_string(h.share.set_id) + " like " + h.origin,
                        "set this share aside; it is from another split");
        }
        if (h.share.index == e.share.index) {
            throw Error(Errc::duplicate, e.origin + " is share " + std::to_string(e.share.index) +
                                             ", which was already entered as " + h.origin,
                        "enter a different custodian's share");
        }
    }
}

void read_from_text(const SecretBytes& text, const std::string& name, std::vector<EnteredShare>& out) {
    for_each_block(text, name, [&](const std::string& origin, const SecretBytes& block) {
        out.push_back({origin, decode_block(block, origin)});
    });
}

void read_interactively(std::vector<EnteredShare>& out) {
    std::size_t needed = 0;
    enter_shares(
        [&](EnteredShare&& e) {
            check_against(out, e);
            needed = e.share.threshold;
            print_note("  share " + std::to_string(e.share.index) + " of set " + to_string(e.share.set_id) +
                       " accepted (" + std::to_string(out.size() + 1) + " of " + std::to_string(needed) + ")");
            out.push_back(std::move(e));
        },
        [&] { return needed != 0 && out.size() >= needed; });
}

}  // namespace

int run_combine(const CombineOptions& o) {
    try {
        std::vector<EnteredShare> entered;
        if (!o.files.empty()) {
            for (const auto& f : o.files) {
                read_from_text(read_secret_file(f, max_share_input), f.string(), entered);
            }
        } else if (stdin_is_terminal()) {
            read_interactively(entered);
        } else {
            read_from_text(read_secret_fd(STDIN_FILENO, "standard input", max_share_input), "standard input", entered);
        }
        for (std::size_t i = 1; i < entered.size(); ++i) {
            check_against(std::span(entered).first(i), entered[i]);
        }
        std::vector<Share> shares;
        for (const auto& e : entered) {
            shares.push_back(e.share.clone());
        }
        Recovery r = combine(shares);
        for (const auto& bad : r.rejected) {
            print_warning("share " + std::to_string(bad.index) + " was left out: it " + bad.reason);
        }
        SecretBytes hex = secret_to_hex(r.secret.expose());
        r.secret.reset();
        if (o.out) {
            SecretBytes line(hex.size() + 1);
            std::copy(hex.expose().begin(), hex.expose().end(), line.expose().begin());
            line.expose()[hex.size()] = '\n';
            write_file(*o.out, line.expose(), FileMode::secret, o.force ? Overwrite::yes : Overwrite::no);
            print_note("wrote the secret to " + o.out->string() + " (mode 0600)");
        } else {
            std::cout << as_chars(hex.expose()) << '\n' << std::flush;
        }
        return exit_ok;
    } catch (const Error& e) {
        print_error(e, "combine");
        return exit_code_for(e);
    }
}

}  // namespace tapekey::cli
