// envelope_impl.h: the parts of the envelope code shared between its files
// (private; docs/spec/envelope.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tapekey/envelope.h"

namespace tapekey::detail {

// UTF-8 to Windows-1252 (the PDF's WinAnsiEncoding). Returns the offset of
// the first character outside it (or of malformed UTF-8) in `bad` and
// nothing, unless `replace` is set, which prints such characters as '?'.
std::optional<std::string> to_winansi(std::string_view utf8, bool replace, std::size_t* bad = nullptr);

// The values of the placeholders of one page (envelope.md section 4),
// already in Windows-1252.
struct PageFacts {
    std::string custodian, x, n, k, date, ceremony, fingerprint, set;
};

// Replaces the placeholders of a directive's argument. The template was
// checked when it was parsed, so this cannot fail.
std::string expand(std::string_view argument, const PageFacts& facts);

// The QR code of `text` (characters of the QR alphanumeric set): one
// alphanumeric segment, level M, the smallest version. `what` names it in
// errors ("the share's QR code").
QrSymbol alphanumeric_qr(std::span<const std::uint8_t> text, const std::string& what);

// The embedded fonts (fonts-dejavu-core).
inline constexpr const char* font_regular = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
inline constexpr const char* font_bold = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";

}  // namespace tapekey::detail
