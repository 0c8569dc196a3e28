// tapekey/scan.h: reading QR codes back from scanned pages, phone photos
// and PDFs (docs/spec/envelope.md section 6).
//
// Images (PNG, JPEG, PGM, PPM) are loaded in-process; a PDF is rendered in
// grey by `pdftoppm` (poppler-utils) into a pipe, never into a file. Every
// QR code is decoded in-process with ZXing-C++. The decoded text may be a
// share, so it is SecretBytes; pixel buffers are wiped after use. The
// decoder's own internal copies cannot be wiped (section 5 of the spec).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tapekey/secret.h"

namespace tapekey {

// One decoded QR code.
struct ScannedCode {
    std::string origin;  // "scan.png", or "envelopes.pdf, page 2"
    SecretBytes text;    // the payload as decoded, byte for byte
};

// What a file gave: the codes found, and the pages (origins) where a code
// was seen but not decoded, or none was found at all.
struct ScanResult {
    std::vector<ScannedCode> codes;
    std::vector<std::string> unreadable;
};

// Reads every QR code of an image or PDF file. `dpi` is the resolution a
// PDF is rendered at. Throws Error for a file that cannot be read (not an
// image or PDF: bad_format; missing: not_found; pdftoppm missing or
// failing: io, with the package to install).
ScanResult scan_file(const std::filesystem::path& path, int dpi = 300);

// Whether `path` is a PDF or an image scan_file reads (by its first bytes:
// %PDF-, PNG, JPEG, P5/P6), rather than a share typed into a text file.
bool is_scan(const std::filesystem::path& path);

// Throws Error(not_found) with the package to install when pdftoppm is not
// on the PATH; the ceremony calls this before it makes any key.
void check_pdf_renderer();

// Decodes the QR codes in an 8-bit grey image (row-major, `width` x
// `height`); `origin` names it. A seen but undecodable code, or no code,
// puts `origin` into unreadable.
ScanResult scan_grey(std::span<const std::uint8_t> pixels, int width, int height, const std::string& origin);

// The message for a page that gave no code: asks for a better scan.
std::string better_scan_hint();

}  // namespace tapekey
