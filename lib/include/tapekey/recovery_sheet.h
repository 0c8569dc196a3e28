// tapekey/recovery_sheet.h: the recovery bundle on paper
// (docs/spec/recovery-sheet.md).
//
// The bundle file is cut into parts of 200 bytes; each part is printed as
// a QR code (alphanumeric, level M) and as numbered lines of base-32
// characters with a check character per line, and carries the bundle's
// length and digest and a checksum of its own. Page 1 is the lifeboat, the
// one-page disaster-recovery runbook. Reading collects parts from scans and
// typed text in any order and rebuilds the bundle byte for byte, or names
// what is missing; parts of two bundles are never mixed. Nothing here is
// secret.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/envelope.h"
#include "tapekey/scan.h"

namespace tapekey {

inline constexpr std::size_t sheet_part_data = 200;  // bytes of bundle per part (section 2)
inline constexpr std::size_t sheet_max_parts = 600;  // what tapekey prints at most

// One part (section 2).
struct SheetPart {
    unsigned index = 0;                     // i, 1-based
    unsigned count = 0;                     // n
    std::uint32_t bundle_length = 0;        // L
    std::array<std::uint8_t, 8> digest{};   // D: the bundle digest's 8 bytes
    std::vector<std::uint8_t> data;

    // B, with its checksum (section 2).
    std::vector<std::uint8_t> body() const;
    // The printed form: lines of groups of four, each ending in a line
    // feed (section 3).
    std::string text() const;
    // The compact form, the QR payload (section 3).
    std::string code() const;
    // "part 3 of 11".
    std::string label() const;
    // The bundle digest as printed (13 characters, grouped).
    std::string digest_text() const;
};

// Cuts a bundle file into parts. Throws Error(usage) for a bundle of more
// than sheet_max_parts parts, Error(bad_format) for fewer than 32 bytes.
std::vector<SheetPart> split_bundle(std::span<const std::uint8_t> bundle);

// Reads one part in any tolerated layout (section 3). Throws Error naming
// the part and line at fault: checksum (a line's check character, the part
// checksum), bad_format (not a part, a share, wrong length, inconsistent
// header), unsupported (another version).
SheetPart decode_part(std::string_view text);

// The QR code of a part as the sheet draws it.
QrSymbol part_qr(const SheetPart& part);

// What was read from one code, or one part of a typed file.
struct PartReading {
    std::string origin;   // "sheet.pdf, page 2", "bundle.txt"
    unsigned index = 0;   // 0: not read as a part
    unsigned count = 0;
    std::string problem;  // empty: a good part
    std::string hint;
};

// Collects parts in any order, from any number of sources (section 5).
class BundleAssembler {
public:
    // Adds a decoded part. A second copy of a part is fine; a part of
    // another bundle throws Error(mismatch) naming both digests, and a part
    // that differs from an earlier copy with the same number throws too.
    void add(SheetPart part, const std::string& origin);
    // Reads every code of a scan as a part and adds the good ones. Codes
    // that do not read and pages without a readable code are returned with
    // their problem and a request for a better scan.
    std::vector<PartReading> add_scan(const ScanResult& scan);
    // Reads every part of a typed text file (parts one after another, in
    // any layout, comments allowed) and adds the good ones.
    std::vector<PartReading> add_text(std::string_view text, const std::string& origin);

    unsigned count() const noexcept { return m_count; }  // n; 0 before the first part
    std::string digest() const;                           // "" before the first part
    std::vector<unsigned> missing() const;                // all of 1..n not yet read
    bool complete() const { return m_count != 0 && missing().empty(); }
    std::size_t present() const noexcept { return m_parts.size(); }

    // The bundle file. Throws Error(insufficient) naming the missing parts
    // ("part 3 of 5 is missing: scan that QR code again ..."), and
    // Error(integrity) when the parts do not give a bundle whose SHA-256
    // and digest hold (never a wrong bundle).
    std::vector<std::uint8_t> assemble() const;

private:
    unsigned m_count = 0;
    std::uint32_t m_length = 0;
    std::array<std::uint8_t, 8> m_digest{};
    std::string m_first_origin;
    std::map<unsigned, std::pair<SheetPart, std::string>> m_parts;  // by index: part, origin
};

// The whole sheet: the lifeboat (its facts read from the bundle, section
// 6), the QR pages, the text pages. Public; the same bundle and paper give
// the same bytes. Throws like Bundle::parse for bytes that are not a bundle.
std::vector<std::uint8_t> render_recovery_sheet(std::span<const std::uint8_t> bundle, Paper paper);

}  // namespace tapekey
