// The libharu document shared by envelopes and the recovery sheet
// (docs/spec/envelope.md sections 3 and 5, recovery-sheet.md section 1).
#include "envelope/pdf_doc.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "envelope/envelope_impl.h"
#include "tapekey/error.h"

namespace tapekey::detail {
namespace {

constexpr std::size_t header = 16;  // keeps the block size, and the alignment

// libharu's allocator: every block is wiped when libharu frees it.
void* wiping_alloc(HPDF_UINT size) {
    auto* p = static_cast<unsigned char*>(std::malloc(size + header));
    if (p == nullptr) {
        return nullptr;
    }
    const std::size_t s = size;
    std::memcpy(p, &s, sizeof s);
    return p + header;
}

void wiping_free(void* block) {
    if (block == nullptr) {
        return;
    }
    auto* p = static_cast<unsigned char*>(block) - header;
    std::size_t s = 0;
    std::memcpy(&s, p, sizeof s);
    secure_wipe(block, s);
    std::free(p);
}

// The first libharu error; libharu calls this and returns an error code,
// which the drawing code checks through PdfDoc::check().
void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
    auto* first = static_cast<HPDF_STATUS*>(user);
    if (*first == 0) {
        *first = error != 0 ? error : detail | 0x10000;
    }
}

}  // namespace

void PdfDoc::check(const char* doing) const {
    if (error != 0) {
        char b[16];
        std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(error));
        throw Error(Errc::io, what + " could not be made: libharu failed to " + doing + " (error 0x" + b + ")");
    }
}

std::unique_ptr<PdfDoc> open_pdf(const std::string& what, const std::string& title, bool compress_content) {
    check_envelope_fonts();
    auto doc = std::make_unique<PdfDoc>();
    doc->what = what;
    doc->pdf.reset(HPDF_NewEx(&on_error, &wiping_alloc, &wiping_free, 0, &doc->error));
    if (!doc->pdf) {
        throw Error(Errc::resource, what + " could not be made: out of memory");
    }
    HPDF_SetCompressionMode(doc->pdf.get(), compress_content ? HPDF_COMP_ALL : HPDF_COMP_METADATA);
    const char* regular = HPDF_LoadTTFontFromFile(doc->pdf.get(), font_regular, HPDF_TRUE);
    const char* bold = HPDF_LoadTTFontFromFile(doc->pdf.get(), font_bold, HPDF_TRUE);
    doc->check("embed the DejaVu Sans Mono fonts");
    doc->regular = HPDF_GetFont(doc->pdf.get(), regular, "WinAnsiEncoding");
    doc->bold = HPDF_GetFont(doc->pdf.get(), bold, "WinAnsiEncoding");
    HPDF_SetInfoAttr(doc->pdf.get(), HPDF_INFO_TITLE, title.c_str());
    HPDF_SetInfoAttr(doc->pdf.get(), HPDF_INFO_CREATOR, "tapekey");
    doc->check("set up the document");
    return doc;
}

SecretBytes save_pdf(PdfDoc& doc) {
    HPDF_SaveToStream(doc.pdf.get());
    doc.check("write the document");
    HPDF_UINT32 size = HPDF_GetStreamSize(doc.pdf.get());
    SecretBytes out(size);
    HPDF_ReadFromStream(doc.pdf.get(), out.expose().data(), &size);
    doc.check("read the document back");
    out.truncate(size);
    return out;
}

PdfPage::PdfPage(PdfDoc& doc, Paper paper) : m_doc(doc) {
    m_page = HPDF_AddPage(doc.pdf.get());
    m_height = paper == Paper::a4 ? 297 * pt_per_mm : 11 * 72.0;
    m_width = paper == Paper::a4 ? 210 * pt_per_mm : 8.5 * 72.0;
    HPDF_Page_SetWidth(m_page, static_cast<HPDF_REAL>(m_width));
    HPDF_Page_SetHeight(m_page, static_cast<HPDF_REAL>(m_height));
    doc.check("add a page");
}

void PdfPage::text_at(double x, double y, const char* s, HPDF_Font font, double size) {
    HPDF_Page_BeginText(m_page);
    HPDF_Page_SetFontAndSize(m_page, font, static_cast<HPDF_REAL>(size));
    HPDF_Page_TextOut(m_page, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y), s);
    HPDF_Page_EndText(m_page);
}

std::size_t PdfPage::fit(HPDF_Font font, double size, double width) {
    HPDF_Page_SetFontAndSize(m_page, font, static_cast<HPDF_REAL>(size));
    const double advance = HPDF_Page_TextWidth(m_page, "M");
    return advance > 0 ? static_cast<std::size_t>(width / advance) : 1;
}

std::vector<std::string> PdfPage::wrap(const std::string& s, std::size_t chars) {
    std::vector<std::string> out(1);
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t end = s.find(' ', i);
        std::string word = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? s.size() : end + 1;
        while (word.size() > chars) {
            if (!out.back().empty()) {
                out.emplace_back();
            }
            out.back() = word.substr(0, chars);
            word.erase(0, chars);
            out.emplace_back();
        }
        if (!out.back().empty() && out.back().size() + 1 + word.size() > chars) {
            out.emplace_back();
        }
        out.back() += (out.back().empty() ? "" : " ") + word;
    }
    return out;
}

void PdfPage::hline(double x, double y, double w, double line_width) {
    HPDF_Page_SetLineWidth(m_page, static_cast<HPDF_REAL>(line_width));
    HPDF_Page_MoveTo(m_page, static_cast<HPDF_REAL>(x), static_cast<HPDF_REAL>(y));
    HPDF_Page_LineTo(m_page, static_cast<HPDF_REAL>(x + w), static_cast<HPDF_REAL>(y));
    HPDF_Page_Stroke(m_page);
}

void PdfPage::qr(const QrSymbol& q, double x, double top, double size) {
    const double module = size / (q.width + 8);
    const auto m = q.modules.expose();
    HPDF_Page_SetGrayFill(m_page, 0);
    for (int r = 0; r < q.width; ++r) {
        for (int c = 0; c < q.width;) {
            if (m[static_cast<std::size_t>(r * q.width + c)] == 0) {
                ++c;
                continue;
            }
            int e = c;
            while (e < q.width && m[static_cast<std::size_t>(r * q.width + e)] != 0) {
                ++e;
            }
            HPDF_Page_Rectangle(m_page, static_cast<HPDF_REAL>(x + (4 + c) * module),
                                static_cast<HPDF_REAL>(top - (4 + r + 1) * module),
                                static_cast<HPDF_REAL>((e - c) * module), static_cast<HPDF_REAL>(module));
            c = e;
        }
    }
    HPDF_Page_Fill(m_page);
}

}  // namespace tapekey::detail
