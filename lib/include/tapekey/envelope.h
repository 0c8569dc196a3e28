// tapekey/envelope.h: the printed escrow envelope, one PDF page per
// custodian (docs/spec/envelope.md).
//
// A page carries the custodian's share as a QR code (the share's
// single-line form, alphanumeric mode, level M, drawn as vector
// rectangles) and as grouped text in an embedded monospace font, with the
// commitments of every share, the ceremony facts, boxes to fill in by hand
// and the restore commands. Wording and layout come from a template
// (section 4 of the spec) that can be edited without recompiling.
// The PDF bytes hold a share: they are SecretBytes, and the same input
// gives the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapekey/escrow.h"
#include "tapekey/scan.h"
#include "tapekey/secret.h"
#include "tapekey/shamir.h"

namespace tapekey {

enum class Paper { a4, letter };
// "a4" or "letter"; throws Error(usage) naming the value otherwise.
Paper parse_paper(std::string_view name);

// One line of a template, parsed (envelope.md section 4).
struct TemplateDirective {
    enum class Kind { title, heading, text, small, command, warning, gap, rule, share, commitments, box, signatures };
    Kind kind = Kind::text;
    std::string argument;  // Windows-1252 text with placeholders, or the number
    double number = 0;     // millimetres for gap and share
    std::size_t line = 0;  // 1-based, for errors
};

class EnvelopeTemplate {
public:
    // Parses a template. Throws Error(bad_format or unsupported) whose
    // message names `origin` and the line at fault.
    static EnvelopeTemplate parse(std::string_view text, const std::string& origin);
    // Reads and parses a template file.
    static EnvelopeTemplate load(const std::filesystem::path& path);
    // The English template built into the program (templates/envelope-en.txt).
    static EnvelopeTemplate builtin();

    const std::string& origin() const noexcept { return m_origin; }
    const std::vector<TemplateDirective>& directives() const noexcept { return m_directives; }

private:
    std::string m_origin;
    std::vector<TemplateDirective> m_directives;
};

// Throws Error(not_found) with the package to install when the embedded
// fonts are missing; the ceremony calls this before it makes any key.
void check_envelope_fonts();

// One page for `share` (which must belong to `escrow`; Error(mismatch)
// otherwise). Throws Error(bad_format) naming the template line whose items
// do not fit on the page.
SecretBytes render_envelope(const Share& share, const EscrowPublic& escrow, const EnvelopeTemplate& tmpl,
                            Paper paper);
// Every share's page in one PDF, in the order given (--combined).
SecretBytes render_envelopes(std::span<const Share> shares, const EscrowPublic& escrow,
                             const EnvelopeTemplate& tmpl, Paper paper);

// "share-2-Bob.pdf": the file of share `index`, the custodian's name with
// every character but letters, digits, '-' and '_' as '_'.
std::string envelope_file_name(const EscrowPublic& escrow, unsigned index);

// The QR code of a share as the page draws it (for tests and the bench):
// the version, the width in modules without quiet zone, and the modules
// row by row (1 dark), wiped on destruction.
struct QrSymbol {
    int version = 0;
    int width = 0;
    SecretBytes modules;
};
QrSymbol share_qr(const Share& share);

// The scan-back check of one decoded code or unreadable page: which share
// it is, or what is wrong with it (empty when it is good).
struct EnvelopeCheck {
    std::string origin;
    unsigned index = 0;   // the share's number, 0 when it did not decode
    std::string problem;  // empty: checksum, set and commitment ok (and, if
                          // intended shares were given, equal to that one)
    std::string hint;
};
// Checks what a scan gave against the escrow: every code must read as a
// share (checksum) of this escrow (set id, commitment) and, when `intended`
// is not empty, be byte for byte the share of that number printed there.
// An unreadable page is a failed check asking for a better scan.
std::vector<EnvelopeCheck> check_scan(const ScanResult& scan, const EscrowPublic& escrow,
                                      std::span<const Share> intended = {});

}  // namespace tapekey
