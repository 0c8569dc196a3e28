// The envelope page with libharu (docs/spec/envelope.md sections 1, 3, 5).
//
// Layout is a single column between 18 mm margins, filled from the top by
// the template's directives in order. libharu gets an allocator that wipes
// what it frees, and page content (which holds the share) is not
// compressed, so no buffer we cannot wipe sees the share but libqrencode's.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>

#include "envelope/envelope_impl.h"
#include "envelope/pdf_doc.h"
#include "tapekey/error.h"
#include "tapekey/share_text.h"

namespace tapekey {
namespace {

using Kind = TemplateDirective::Kind;
using detail::pt_per_mm;
constexpr double margin = detail::page_margin;

std::string utc_date(std::time_t t) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char b[16];
    std::strftime(b, sizeof b, "%Y-%m-%d", &tm);
    return b;
}

// Writes the page of one share, top to bottom.
class Page : public detail::PdfPage {
public:
    Page(detail::PdfDoc& doc, Paper paper, const EnvelopeTemplate& tmpl) : PdfPage(doc, paper), m_tmpl(tmpl) {
        m_y = m_height - margin;
    }

    void draw(const Share& share, const EscrowPublic& escrow) {
        detail::PageFacts f;
        f.custodian = *detail::to_winansi(escrow.custodians[share.index - 1].name, true);
        f.x = std::to_string(share.index);
        f.n = std::to_string(escrow.shares);
        f.k = std::to_string(escrow.threshold);
        f.date = utc_date(escrow.created);
        f.ceremony = escrow.ceremony;
        f.fingerprint = escrow.fingerprint();
        f.set = to_string(escrow.set_id);
        for (const auto& d : m_tmpl.directives()) {
            m_line = d.line;
            const std::string arg = detail::expand(d.argument, f);
            switch (d.kind) {
            case Kind::title: paragraph(arg, m_doc.bold, 15, 0); break;
            case Kind::heading: m_y -= 2 * pt_per_mm; paragraph(arg, m_doc.bold, 10, 0); break;
            case Kind::text: paragraph(arg, m_doc.regular, 9, 0); break;
            case Kind::small: paragraph(arg, m_doc.regular, 7.5, 0); break;
            case Kind::command: command(arg); break;
            case Kind::warning: warning(arg); break;
            case Kind::gap: down(d.number * pt_per_mm); break;
            case Kind::rule: rule(); break;
            case Kind::share: share_block(share, d.number * pt_per_mm); break;
            case Kind::commitments: commitments(arg, share, escrow); break;
            case Kind::box: box(arg); break;
            case Kind::signatures: signatures(arg); break;
            }
            m_doc.check("draw the page");
        }
    }

private:
    // Moves the cursor down, refusing to leave the page.
    void down(double h) {
        m_y -= h;
        if (m_y < margin) {
            throw Error(Errc::bad_format,
                        m_tmpl.origin() + ", line " + std::to_string(m_line) + ": the page is full before this line",
                        "shorten the template, or use --paper a4 (taller than letter)");
        }
    }

    void paragraph(const std::string& s, HPDF_Font font, double size, double indent) {
        for (const auto& l : wrap(s, fit(font, size, column() - indent))) {
            down(size * 1.3);
            text_at(margin + indent, m_y + size * 0.25, l.c_str(), font, size);
        }
    }

    void command(const std::string& s) {
        const double size = 8.5, indent = 4 * pt_per_mm;
        if (s.size() > fit(m_doc.regular, size, column() - indent)) {
            throw Error(Errc::bad_format,
                        m_tmpl.origin() + ", line " + std::to_string(m_line) + ": the command is too long for one line",
                        "shorten it: a command is never wrapped, so it can be typed as printed");
        }
        paragraph(s, m_doc.regular, size, indent);
    }

    void warning(const std::string& s) {
        const double pad = 2 * pt_per_mm, size = 9;
        const double top = m_y;
        down(pad);
        for (const auto& l : wrap(s, fit(m_doc.bold, size, column() - 2 * pad))) {
            down(size * 1.3);
            text_at(margin + pad, m_y + size * 0.25, l.c_str(), m_doc.bold, size);
        }
        down(pad);
        HPDF_Page_SetLineWidth(m_page, 1.2f);
        HPDF_Page_Rectangle(m_page, static_cast<HPDF_REAL>(margin), static_cast<HPDF_REAL>(m_y),
                            static_cast<HPDF_REAL>(column()), static_cast<HPDF_REAL>(top - m_y));
        HPDF_Page_Stroke(m_page);
    }

    void rule() {
        down(2 * pt_per_mm);
        hline(margin, m_y, column(), 0.5);
        down(2 * pt_per_mm);
    }

    // The QR code `size` wide (quiet zone included) at the left, the
    // printed share beside it, vertically centred.
    void share_block(const Share& share, double size) {
        const QrSymbol q = share_qr(share);
        const double top = m_y;
        down(size);
        qr(q, margin, top, size);

        // The printed form, one line per printed line, in the largest size
        // up to 13 pt that fits beside the code.
        const SecretBytes text = encode_share_text(share);
        const auto t = text.expose();
        std::vector<std::pair<std::size_t, std::size_t>> lines;  // offset, length
        for (std::size_t i = 0; i < t.size();) {
            std::size_t e = i;
            while (e < t.size() && t[e] != '\n') {
                ++e;
            }
            lines.emplace_back(i, e - i);
            i = e + 1;
        }
        const double x = margin + size + 4 * pt_per_mm;
        const double avail = column() - size - 4 * pt_per_mm;
        double fsize = 13;
        while (fsize > 7 && fit(m_doc.regular, fsize, avail) < share_line_length + share_groups_per_line - 1) {
            fsize -= 0.5;
        }
        const double lead = fsize * 1.6;
        double y = top - size / 2 + lead * static_cast<double>(lines.size()) / 2 - fsize;
        SecretBytes buf(share_line_length + share_groups_per_line + 1);  // one line and its NUL
        for (const auto& [off, len] : lines) {
            auto b = buf.expose();
            std::fill(b.begin(), b.end(), std::uint8_t{0});
            std::copy_n(t.begin() + static_cast<std::ptrdiff_t>(off), std::min(len, b.size() - 1), b.begin());
            text_at(x, y, reinterpret_cast<const char*>(b.data()), m_doc.regular, fsize);
            y -= lead;
        }
    }

    void commitments(const std::string& caption, const Share& share, const EscrowPublic& escrow) {
        paragraph(caption, m_doc.regular, 9, 0);
        const double size = 8.5;
        for (std::size_t i = 0; i < escrow.custodians.size(); ++i) {
            std::string l = "share " + std::to_string(i + 1) + (i + 1 < 10 ? "   " : i + 1 < 100 ? "  " : " ") +
                            to_string(escrow.custodians[i].commitment) + "  " +
                            *detail::to_winansi(escrow.custodians[i].name, true);
            if (i + 1 == share.index) {
                l += "  <";
            }
            const std::size_t chars = fit(m_doc.regular, size, column() - 4 * pt_per_mm);
            if (l.size() > chars) {
                l.resize(chars);
            }
            down(size * 1.3);
            text_at(margin + 4 * pt_per_mm, m_y + size * 0.25, l.c_str(), i + 1 == share.index ? m_doc.bold : m_doc.regular,
                    size);
        }
    }

    void box(const std::string& label) {
        paragraph(label, m_doc.regular, 9, 0);
        down(1 * pt_per_mm);
        const double h = 12 * pt_per_mm;
        down(h);
        HPDF_Page_SetLineWidth(m_page, 0.8f);
        HPDF_Page_Rectangle(m_page, static_cast<HPDF_REAL>(margin), static_cast<HPDF_REAL>(m_y),
                            static_cast<HPDF_REAL>(column()), static_cast<HPDF_REAL>(h));
        HPDF_Page_Stroke(m_page);
    }

    // Two columns: label, then a signature line and a date line.
    void signatures(const std::string& labels) {
        const std::size_t bar = labels.find(" | ");
        const std::string parts[2] = {labels.substr(0, bar), labels.substr(bar + 3)};
        const double gutter = 8 * pt_per_mm, w = (column() - gutter) / 2, size = 8.5;
        const double top = m_y;
        double lowest = top;
        for (int i = 0; i < 2; ++i) {
            m_y = top;
            const double x = margin + i * (w + gutter);
            for (const auto& l : wrap(parts[i], fit(m_doc.regular, size, w))) {
                down(size * 1.3);
                text_at(x, m_y + size * 0.25, l.c_str(), m_doc.regular, size);
            }
            down(11 * pt_per_mm);
            hline(x, m_y, w, 0.6);
            down(8 * pt_per_mm);
            hline(x, m_y, w * 0.5, 0.6);
            lowest = std::min(lowest, m_y);
        }
        m_y = lowest;
    }

    const EnvelopeTemplate& m_tmpl;
    double m_y = 0;
    std::size_t m_line = 0;
};

SecretBytes render(std::span<const Share> shares, const EscrowPublic& escrow, const EnvelopeTemplate& tmpl,
                   Paper paper) {
    for (const auto& s : shares) {
        if (auto problem = escrow.check_share(s)) {
            throw Error(Errc::mismatch, "share " + std::to_string(s.index) + " does not belong to escrow " +
                                            escrow.fingerprint() + ": " + *problem);
        }
    }
    const std::string title = shares.size() == 1 ? "tapekey escrow envelope, share " + std::to_string(shares[0].index) +
                                                       " of " + std::to_string(escrow.shares)
                                                 : "tapekey escrow envelopes, " + std::to_string(shares.size()) +
                                                       " shares of " + std::to_string(escrow.shares);
    // Page content (the share) is not compressed: zlib's buffers are not
    // ours to wipe.
    const auto doc = detail::open_pdf("the envelope PDF", title, false);
    for (const auto& s : shares) {
        Page(*doc, paper, tmpl).draw(s, escrow);
    }
    return detail::save_pdf(*doc);
}

}  // namespace

Paper parse_paper(std::string_view name) {
    if (name == "a4" || name == "A4") {
        return Paper::a4;
    }
    if (name == "letter") {
        return Paper::letter;
    }
    throw Error(Errc::usage, "paper size " + std::string(name) + " is not known", "use a4 or letter");
}

void check_envelope_fonts() {
    for (const char* f : {detail::font_regular, detail::font_bold}) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(f, ec)) {
            throw Error(Errc::not_found, std::string("the envelope font ") + f + " is missing",
                        "install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)");
        }
    }
}

std::string envelope_file_name(const EscrowPublic& escrow, unsigned index) {
    std::string name = "share-" + std::to_string(index) + "-";
    for (const char c : escrow.custodians.at(index - 1).name) {
        name += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') ? c : '_';
    }
    return name + ".pdf";
}

SecretBytes render_envelope(const Share& share, const EscrowPublic& escrow, const EnvelopeTemplate& tmpl,
                            Paper paper) {
    return render(std::span<const Share>(&share, 1), escrow, tmpl, paper);
}

SecretBytes render_envelopes(std::span<const Share> shares, const EscrowPublic& escrow,
                             const EnvelopeTemplate& tmpl, Paper paper) {
    return render(shares, escrow, tmpl, paper);
}

}  // namespace tapekey
