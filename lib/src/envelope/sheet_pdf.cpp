// The recovery sheet's pages (docs/spec/recovery-sheet.md sections 1, 4
// and 6): the lifeboat, the QR pages, the text pages. Public: page content
// is compressed, and nothing on it is secret.
#include <algorithm>

#include "envelope/envelope_impl.h"
#include "envelope/pdf_doc.h"
#include "tapekey/bundle.h"
#include "tapekey/error.h"
#include "tapekey/recovery_sheet.h"
#include "text.h"

namespace tapekey {
namespace {

using detail::page_margin;
using detail::pt_per_mm;

constexpr double qr_size = 66 * pt_per_mm;  // with the quiet zone (section 4)
constexpr int qr_columns = 2, qr_rows = 3;
constexpr int text_columns = 3;
constexpr double text_size = 8.5, text_lead = 10.5;

struct Facts {
    std::string digest, fingerprint, made, quorum, custodians, keys;
    unsigned k = 0;
    std::size_t parts = 0, qr_pages = 0, text_pages = 0, pages = 0;
};

// A page with a header at the top and a footer naming the bundle.
class SheetPage : public detail::PdfPage {
public:
    SheetPage(detail::PdfDoc& doc, Paper paper, const Facts& f, std::size_t number, const std::string& title)
        : PdfPage(doc, paper) {
        m_y = m_height - page_margin;
        line(title, m_doc.bold, 12, 0);
        const std::string foot = "tapekey recovery sheet v1, bundle " + f.digest + ", page " + std::to_string(number) +
                                 " of " + std::to_string(f.pages);
        text_at(page_margin, page_margin - 6 * pt_per_mm, foot.c_str(), m_doc.regular, 7.5);
    }

    // One line (never wrapped) at the cursor.
    void line(const std::string& s, HPDF_Font font, double size, double indent) {
        m_y -= size * 1.35;
        text_at(page_margin + indent, m_y + size * 0.25, s.c_str(), font, size);
    }
    void paragraph(const std::string& s, HPDF_Font font, double size, double indent) {
        for (const auto& l : wrap(s, fit(font, size, column() - indent))) {
            line(l, font, size, indent);
        }
    }
    void command(const std::string& s) {
        if (s.size() > fit(m_doc.regular, 8.5, column() - 8 * pt_per_mm)) {
            throw Error(Errc::bad_format, "the lifeboat's command is too long for one line: " + s);
        }
        line(s, m_doc.regular, 8.5, 8 * pt_per_mm);
    }
    void gap(double mm) { m_y -= mm * pt_per_mm; }
    double y() const { return m_y; }
    HPDF_Font regular() const { return m_doc.regular; }
    HPDF_Font bold() const { return m_doc.bold; }
    void check() { m_doc.check("draw the recovery sheet"); }

private:
    double m_y = 0;
};

void lifeboat(detail::PdfDoc& doc, Paper paper, const Facts& f) {
    SheetPage p(doc, paper, f, 1, "tapekey lifeboat: recovering the tape keys after a disaster");
    const auto text = [&](const std::string& s) { p.paragraph(s, p.regular(), 9, 0); };
    const auto heading = [&](const std::string& s) {
        p.gap(2.5);
        p.paragraph(s, p.bold(), 10, 0);
    };
    const auto fact = [&](const std::string& name, const std::string& value) {
        p.line(name + std::string(16 - std::min<std::size_t>(15, name.size()), ' ') + value, p.regular(), 9, 0);
    };
    text("Keep this page with the recovery sheet. Nothing on it is secret: the tape keys in the bundle are "
         "sealed to the escrow key, which only " + std::to_string(f.k) + " custodians together can rebuild.");
    p.gap(1.5);
    fact("escrow key", f.fingerprint);
    fact("bundle digest", f.digest);
    fact("bundle made", f.made);
    fact("quorum", f.quorum);
    fact("custodians", f.custodians);
    fact("sealed keys", f.keys);
    fact("this sheet", "this page, " + std::to_string(f.qr_pages) + " QR page(s) and " +
                           std::to_string(f.text_pages) + " text page(s): " + std::to_string(f.parts) + " parts");
    heading("What you need");
    text("1. " + std::to_string(f.k) + " custodians with their sealed envelopes (" + f.quorum + ").");
    text("2. The recovery bundle: a copy of the file (bundle-*.tkb, with the off-site tapes or on a second site), "
         "or this sheet: its QR pages scanned at 150 dpi or more, or its text pages typed into a file.");
    text("3. A Linux machine with tapekey and poppler-utils, and the tape drive attached to it.");
    heading("The commands, in order");
    text("1. Install tapekey (its README; ./scripts/check builds and tests it), and apt-get install poppler-utils.");
    text("2. Rebuild the keys from the sheet (scans or PDF) and the envelopes (scans; or each custodian types the "
         "share when asked):");
    p.command("tapekey restore --home /var/lib/tapekey --bundle-scan sheet-p*.png --scan env-*.png");
    text("or from a bundle file, or from the sheet's text typed into parts.txt:");
    p.command("tapekey restore --home /var/lib/tapekey --bundle bundle.tkb --scan env-*.png");
    p.command("tapekey restore --home /var/lib/tapekey --bundle-scan parts.txt");
    text("A part that does not scan is named (\"part 3 of " + std::to_string(f.parts) +
         " is missing\"): scan it again, or type it from the text pages. Nothing is written until the bundle is "
         "whole and its digest is " + f.digest + ".");
    text("3. Check the generations and their bundle digest:");
    p.command("tapekey keys list --home /var/lib/tapekey");
    text("4. Load the right key for the cartridge in the drive, then restore with the backup software:");
    p.command("tapekey drive auto /dev/sgN");
    text("5. Write a new bundle (it seals the new key-use log's auditor key), copy it off site, print it:");
    p.command("tapekey bundle export --out /media/usb/bundle.tkb");
    p.command("tapekey bundle print --out /media/usb/recovery-sheet.pdf");
    text("6. The opened envelopes are exposed: make a new escrow key and new envelopes, with " + std::to_string(f.k) +
         " of the current custodians present:");
    p.command("tapekey escrow rotate -k " + std::to_string(f.k) + " --custodian NAME ... --out /media/envelopes");
    heading("The full procedure");
    text("docs/escrow-procedure.md, Ceremony B (restoring after a disaster). The sheet's format, to read it "
         "without tapekey: docs/spec/recovery-sheet.md (Crockford base 32, 200 bytes of bundle per part, each "
         "line ending in a check character).");
    if (p.y() < page_margin) {
        throw Error(Errc::bad_format, "the lifeboat does not fit on one page", "use --paper a4");
    }
    p.check();
}

void qr_pages(detail::PdfDoc& doc, Paper paper, const Facts& f, const std::vector<SheetPart>& parts) {
    const std::size_t per_page = qr_columns * qr_rows;
    for (std::size_t pg = 0; pg < f.qr_pages; ++pg) {
        SheetPage p(doc, paper, f, 2 + pg,
                    "tapekey recovery bundle " + f.digest + ": QR codes, page " + std::to_string(pg + 1) + " of " +
                        std::to_string(f.qr_pages));
        p.paragraph("Scan every code, in any order (150 dpi or more): tapekey restore --bundle-scan, or tapekey "
                    "bundle check to see which parts read.", p.regular(), 8, 0);
        const double top0 = p.y() - 3 * pt_per_mm;
        const double cell_w = p.column() / qr_columns;
        const double cell_h = qr_size + 8 * pt_per_mm;
        for (std::size_t j = 0; j < per_page && pg * per_page + j < parts.size(); ++j) {
            const SheetPart& part = parts[pg * per_page + j];
            const double x = page_margin + static_cast<double>(j % qr_columns) * cell_w + (cell_w - qr_size) / 2;
            const double top = top0 - static_cast<double>(j / qr_columns) * cell_h;
            p.qr(part_qr(part), x, top, qr_size);
            const std::string label = part.label() + "   bundle " + part.digest_text();
            p.text_at(x + 3 * pt_per_mm, top - qr_size - 2 * pt_per_mm, label.c_str(), p.bold(), 9);
        }
        p.check();
    }
}

std::vector<std::string> lines_of(const SheetPart& part) {
    const std::string t = part.text();
    std::vector<std::string> ls;
    for (std::size_t i = 0; i < t.size();) {
        const std::size_t e = t.find('\n', i);
        ls.push_back(t.substr(i, e - i));
        i = e + 1;
    }
    return ls;
}

// The text pages' layout: pages of columns of parts (their indices). A
// part's block is its heading, its lines and a blank line; a block never
// breaks across columns.
using TextLayout = std::vector<std::vector<std::vector<std::size_t>>>;
TextLayout plan_text(const std::vector<SheetPart>& parts, double page_height) {
    const auto per_column = static_cast<std::size_t>((page_height - 2 * page_margin - 24 * pt_per_mm) / text_lead);
    TextLayout pages;
    std::size_t used = per_column;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::size_t block = lines_of(parts[i]).size() + 2;
        if (used + block > per_column) {
            if (pages.empty() || pages.back().size() == text_columns) {
                pages.emplace_back();
            }
            pages.back().emplace_back();
            used = 0;
        }
        pages.back().back().push_back(i);
        used += block;
    }
    return pages;
}

void text_pages(detail::PdfDoc& doc, Paper paper, const Facts& f, const std::vector<SheetPart>& parts,
                const TextLayout& layout) {
    for (std::size_t pg = 0; pg < layout.size(); ++pg) {
        SheetPage p(doc, paper, f, 2 + f.qr_pages + pg,
                    "tapekey recovery bundle " + f.digest + ": text, page " + std::to_string(pg + 1) + " of " +
                        std::to_string(f.text_pages));
        p.paragraph("If a code will not scan, type its part into a text file, one line per printed line, without "
                    "the line numbers and headings (or after a #), and give the file to --bundle-scan. The last "
                    "character of each line checks that line.", p.regular(), 8, 0);
        const double top0 = p.y() - 3 * pt_per_mm;
        const double col_w = p.column() / text_columns;
        for (std::size_t c = 0; c < layout[pg].size(); ++c) {
            const double x = page_margin + static_cast<double>(c) * col_w;
            double y = top0;
            for (const std::size_t i : layout[pg][c]) {
                y -= text_lead;
                p.text_at(x, y, parts[i].label().c_str(), p.bold(), 9);
                const auto ls = lines_of(parts[i]);
                for (std::size_t l = 0; l < ls.size(); ++l) {
                    y -= text_lead;
                    const std::string n = (l + 1 < 10 ? " " : "") + std::to_string(l + 1);
                    p.text_at(x, y, n.c_str(), p.regular(), text_size - 1.5);
                    p.text_at(x + 5 * pt_per_mm, y, ls[l].c_str(), p.regular(), text_size);
                }
                y -= text_lead;
            }
        }
        p.check();
    }
}

}  // namespace

std::vector<std::uint8_t> render_recovery_sheet(std::span<const std::uint8_t> bytes, Paper paper) {
    const Bundle bundle = Bundle::parse(bytes, "the bundle");
    const EscrowPublic escrow = bundle.escrow("the bundle");
    const std::vector<SheetPart> parts = split_bundle(bytes);
    Facts f;
    f.digest = bundle.digest();
    f.fingerprint = escrow.fingerprint();
    f.made = detail::utc_time(bundle.created).substr(0, 16);
    f.made[10] = ' ';
    f.made += " UTC";
    f.k = escrow.threshold;
    f.quorum = "any " + std::to_string(escrow.threshold) + " of " + std::to_string(escrow.shares) + " custodians";
    for (const auto& c : escrow.custodians) {
        f.custodians += (f.custodians.empty() ? "" : ", ") + *detail::to_winansi(c.name, true);
    }
    std::size_t generations = 0, auditor = 0;
    for (const auto& it : bundle.items) {
        (it.type == BundleItemType::generation ? generations : auditor) += 1;
    }
    f.keys = std::to_string(generations) + " tape-key generation(s)" +
             (auditor != 0 ? " and the key-use log's auditor key" : "");
    f.parts = parts.size();
    f.qr_pages = (parts.size() + qr_columns * qr_rows - 1) / (qr_columns * qr_rows);
    const TextLayout layout = plan_text(parts, paper == Paper::a4 ? 297 * pt_per_mm : 11 * 72.0);
    f.text_pages = layout.size();
    f.pages = 1 + f.qr_pages + f.text_pages;
    const auto doc = detail::open_pdf("the recovery sheet PDF",
                                      "tapekey recovery sheet, bundle " + f.digest + ", " + std::to_string(f.parts) +
                                          " parts",
                                      true);
    lifeboat(*doc, paper, f);
    qr_pages(*doc, paper, f, parts);
    text_pages(*doc, paper, f, parts, layout);
    const SecretBytes pdf = detail::save_pdf(*doc);
    return {pdf.expose().begin(), pdf.expose().end()};
}

}  // namespace tapekey
