#include "share_input.h"

#include "tapekey/error.h"
#include "tapekey/share_text.h"
#include "term.h"

namespace tapekey::cli {

std::span<const char> char_span(const SecretBytes& b) {
    return {reinterpret_cast<const char*>(b.expose().data()), b.size()};
}

std::string_view as_chars(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

namespace {

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

}  // namespace

void for_each_block(const SecretBytes& text, const std::string& name,
                    const std::function<void(const std::string& origin, const SecretBytes& block)>& each) {
    const auto blocks = blocks_of(char_span(text));
    if (blocks.empty()) {
        throw Error(Errc::bad_format, name + ": no share found", "a share is a block of lines of 4-character groups");
    }
    for (const auto& [line, block] : blocks) {
        each(blocks.size() == 1 ? name : name + " (share starting on line " + std::to_string(line) + ")", block);
    }
}

Share decode_block(const SecretBytes& block, const std::string& origin) {
    try {
        return decode_share_text(char_span(block));
    } catch (const Error& e) {
        throw Error(e.code(), origin + ": " + e.what(), e.hint());
    }
}

void enter_shares(const std::function<void(EnteredShare&&)>& accept, const std::function<bool()>& enough) {
    print_note("enter the shares line by line; nothing is echoed, each line is checked as you go");
    for (std::size_t n = 1; !enough(); ++n) {
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
            accept(EnteredShare{origin, decode_share_text(char_span(joined))});
        } catch (const Error& e) {
            print_error(e);
            print_note("  this share was not accepted; enter it again or another one");
        }
    }
}

}  // namespace tapekey::cli
