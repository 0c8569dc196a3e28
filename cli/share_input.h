// share_input.h: reading shares as people give them: files with one or
// more blocks, standard input, or a terminal line by line without echo with
// each line checked as it is typed. Used by combine, restore, shares verify
// and escrow rotate, so every command reads shares the same way.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "tapekey/secret.h"
#include "tapekey/shamir.h"

namespace tapekey::cli {

struct EnteredShare {
    std::string origin;  // "shares/share-2.txt", "share #3": names it in messages
    Share share;
};

std::span<const char> char_span(const SecretBytes& b);
std::string_view as_chars(std::span<const std::uint8_t> b);

// Calls `each` with every share block of `text` (blocks are separated by
// blank lines; comment lines belong to their block). Throws when there is
// no block at all.
void for_each_block(const SecretBytes& text, const std::string& name,
                    const std::function<void(const std::string& origin, const SecretBytes& block)>& each);

// Decodes one block; an error names `origin` first.
Share decode_block(const SecretBytes& block, const std::string& origin);

// At a terminal: asks for share after share, line by line without echo,
// checking every line at once, until `enough()`. `accept` may throw
// tapekey::Error to refuse a complete share: the error is printed and entry
// goes on. `progress` is printed after each accepted share.
void enter_shares(const std::function<void(EnteredShare&&)>& accept, const std::function<bool()>& enough);

}  // namespace tapekey::cli
