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
#include "term.h"

namespace tapekey::cli {
namespace {

constexpr std::size_t max_secret_input = 4096;
constexpr std::size_t max_share_input = 64u << 10;  // thousands of shares

std::string_view as_chars(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::span<const char> char_span(const SecretBytes& b) {
    return {reinterpret_cast<const char*>(b.expose().data()), b.size()};
}

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

// A share as read, with where it came from for messages.
struct Entered {
    std::string origin;
    Share share;
};

// Splits text into blocks of non-blank lines; blocks of comments only are
// dropped. Each block comes with the line number of its first share line.
std::vector<std::pair<std::size_t, SecretBytes>> blocks_of(std::span<const char> text) {
    std::vector<std::pair<std::size_t, SecretBytes>> blocks;
    std::size_t block_start = 0;
    bool in_block = false;
    std::size_t data_line = 0;
    auto close = [&](std::size_t end) {
        if (in_block && data_line != 0) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(text.data()) + block_start;
            blocks.emplace_back(data_line, SecretBytes::copy_of({p, end - block_start}));
        }
        in_block = false;
        data_line = 0;
    };
    std::size_t line_no = 0;
    for (std::size_t i = 0;;) {
        std::size_t eol = i;
        while (eol < text.size() && text[eol] != '\n') {
            ++eol;
        }
        ++line_no;
        std::size_t first = i;
        while (first < eol && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r')) {
            ++first;
        }
        if (first == eol) {
            close(i);
        } else {
            if (!in_block) {
                in_block = true;
                block_start = i;
            }
            if (text[first] != '#' && data_line == 0) {
                data_line = line_no;
            }
        }
        if (eol >= text.size()) {
            close(text.size());
            break;
        }
        i = eol + 1;
    }
    return blocks;
}

void read_from_text(const SecretBytes& text, const std::string& name, std::vector<Entered>& out) {
    const auto blocks = blocks_of(char_span(text));
    if (blocks.empty()) {
        throw Error(Errc::bad_format, name + ": no share found", "a share is a block of lines of 4-character groups");
    }
    for (const auto& [line, block] : blocks) {
        const std::string origin = blocks.size() == 1 ? name : name + " (share starting on line " + std::to_string(line) + ")";
        try {
            out.push_back({origin, decode_share_text(char_span(block))});
        } catch (const Error& e) {
            throw Error(e.code(), origin + ": " + e.what(), e.hint());
        }
    }
}

// Checks the new share against those already entered, so a person typing
// shares hears about a foreign or duplicate share at once.
void check_against(std::span<const Entered> have, const Entered& e) {
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

void read_interactively(std::vector<Entered>& out) {
    print_note("enter the shares line by line; nothing is echoed, each line is checked as you go");
    std::size_t needed = 0;
    for (std::size_t n = 1; needed == 0 || out.size() < needed; ++n) {
        const std::string origin = "share #" + std::to_string(n);
        std::vector<SecretBytes> lines;
        std::size_t line_count = 0;
        for (std::size_t line = 1; line_count == 0 || line <= line_count;) {
            bool eof = false;
            SecretBytes text =
                read_hidden_line(origin + ", line " + std::to_string(line) +
                                     (line_count ? " of " + std::to_string(line_count) : std::string()) + ": ",
                                 eof);
            if (eof) {
                throw Error(Errc::insufficient, "input ended before enough shares were entered");
            }
            if (text.empty()) {
                continue;
            }
            try {
                check_share_line(char_span(text), line);
                if (line == 1) {
                    line_count = share_line_count(char_span(text));
                }
                print_note("  line " + std::to_string(line) + " ok");
                lines.push_back(std::move(text));
                ++line;
            } catch (const Error& e) {
                print_error(e);
                print_note("  type line " + std::to_string(line) + " again");
            }
        }
        std::size_t total = 0;
        for (const auto& l : lines) {
            total += l.size() + 1;
        }
        SecretBytes joined(total);
        std::size_t o = 0;
        for (const auto& l : lines) {
            std::copy(l.expose().begin(), l.expose().end(), joined.expose().begin() + static_cast<std::ptrdiff_t>(o));
            o += l.size();
            joined.expose()[o++] = '\n';
        }
        try {
            Entered e{origin, decode_share_text(char_span(joined))};
            check_against(out, e);
            needed = e.share.threshold;
            print_note("  share " + std::to_string(e.share.index) + " of set " + to_string(e.share.set_id) +
                       " accepted (" + std::to_string(out.size() + 1) + " of " + std::to_string(needed) + ")");
            out.push_back(std::move(e));
        } catch (const Error& e) {
            print_error(e);
            print_note("  this share was not accepted; enter it again or another one");
        }
    }
}

}  // namespace

int run_combine(const CombineOptions& o) {
    try {
        std::vector<Entered> entered;
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
