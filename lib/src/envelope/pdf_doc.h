// pdf_doc.h: the libharu document and drawing primitives shared by the
// envelope pages (pdf.cpp) and the recovery sheet (sheet_pdf.cpp), private.
//
// A document gets an allocator that wipes every block libharu frees, the
// two embedded DejaVu Sans Mono fonts (envelope.md section 3), no creation
// date and no id (the same input gives the same bytes).
#pragma once

#include <hpdf.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "tapekey/envelope.h"
#include "tapekey/secret.h"

namespace tapekey::detail {

inline constexpr double pt_per_mm = 72.0 / 25.4;
inline constexpr double page_margin = 18 * pt_per_mm;

struct PdfDoc {
    HPDF_STATUS error = 0;
    std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, decltype(&HPDF_Free)> pdf{nullptr, &HPDF_Free};
    HPDF_Font regular = nullptr;
    HPDF_Font bold = nullptr;
    std::string what;  // "the envelope PDF", for errors

    // Throws Error(io) naming `what` and the first libharu error, if any.
    void check(const char* doing) const;
};

// A new document with the fonts embedded and the title and creator set.
// `compress_content`: page content streams compressed too (public pages
// only: zlib's buffers are not ours to wipe, envelope.md section 5).
std::unique_ptr<PdfDoc> open_pdf(const std::string& what, const std::string& title, bool compress_content);
// The document's bytes.
SecretBytes save_pdf(PdfDoc& doc);

// One page and a cursor that moves down from the top margin.
class PdfPage {
public:
    PdfPage(PdfDoc& doc, Paper paper);

    double width() const { return m_width; }
    double height() const { return m_height; }
    double column() const { return m_width - 2 * page_margin; }
    HPDF_Page page() const { return m_page; }

    void text_at(double x, double y, const char* s, HPDF_Font font, double size);
    // Characters of a monospace font that fit in `width` at `size`.
    std::size_t fit(HPDF_Font font, double size, double width);
    // Word-wrapped lines of at most `chars` characters.
    static std::vector<std::string> wrap(const std::string& s, std::size_t chars);
    void hline(double x, double y, double w, double line_width);
    // The QR code with its 4-module quiet zone, `size` wide, its top left
    // corner at (x, top): every run of dark modules in a row is one
    // rectangle, all filled at once so no renderer draws seams.
    void qr(const QrSymbol& q, double x, double top, double size);

protected:
    PdfDoc& m_doc;
    HPDF_Page m_page = nullptr;
    double m_width = 0, m_height = 0;
};

}  // namespace tapekey::detail
