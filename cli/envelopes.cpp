// tapekey envelopes render | check: the printed escrow envelopes
// (docs/spec/envelope.md). The pages and the scanning are the library's
// (tapekey/envelope.h, tapekey/scan.h); this file reads options and prints.
#include "envelopes.h"

#include <iostream>

#include "share_input.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "tapekey/home.h"
#include "tapekey/scan.h"
#include "term.h"

namespace tapekey::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_share_file = 64u << 10;

EscrowPublic escrow_of(const HomeOptions& home, const std::optional<fs::path>& copy) {
    const fs::path file = copy ? *copy : Home::locate(home.home).escrow_public();
    return EscrowPublic::parse(read_text_file(file, 1u << 20), file.string());
}


}  // namespace

EnvelopeLayout envelope_layout(const EnvelopeStyle& style) {
    check_envelope_fonts();
    check_pdf_renderer();
    return {style.template_file ? EnvelopeTemplate::load(*style.template_file) : EnvelopeTemplate::builtin(),
            parse_paper(style.paper)};
}

std::vector<fs::path> write_envelopes(std::span<const Share> shares, const EscrowPublic& escrow,
                                      const EnvelopeLayout& layout, const EnvelopeStyle& style, const fs::path& out,
                                      bool force) {
    fs::create_directories(out);
    const Overwrite overwrite = force ? Overwrite::yes : Overwrite::no;
    std::vector<fs::path> written;
    for (const auto& s : shares) {
        const fs::path path = out / envelope_file_name(escrow, s.index);
        write_file(path, render_envelope(s, escrow, layout.tmpl, layout.paper).expose(), FileMode::secret, overwrite);
        print_note("envelope for " + escrow.share_label(s.index) + ": " + path.string() + " (mode 0600)");
        written.push_back(path);
    }
    if (style.combined) {
        const fs::path path = out / "envelopes-all.pdf";
        write_file(path, render_envelopes(shares, escrow, layout.tmpl, layout.paper).expose(), FileMode::secret,
                   overwrite);
        print_note("every envelope in one file for printing: " + path.string() +
                   " (mode 0600; shred it once printed: it holds every share)");
    }
    return written;
}

std::size_t check_envelope_files(std::span<const fs::path> files, const EscrowPublic& escrow,
                                 std::span<const Share> intended, int dpi) {
    std::size_t failures = 0;
    for (const auto& f : files) {
        std::vector<EnvelopeCheck> checks;
        try {
            checks = check_scan(scan_file(f, dpi), escrow, intended);
        } catch (const Error& e) {
            print_error(e);
            ++failures;
            continue;
        }
        for (const auto& c : checks) {
            if (c.problem.empty()) {
                std::cout << c.origin << ": " << escrow.share_label(c.index) << " of escrow " << escrow.fingerprint()
                          << ": QR code decodes" << (intended.empty() ? "" : " to the share printed")
                          << "; checksum, set and commitment ok\n";
            } else {
                ++failures;
                print_error(Error(Errc::checksum, c.origin + ": " + c.problem, c.hint));
            }
        }
    }
    return failures;
}

void for_each_share_in_file(const fs::path& file,
                            const std::function<void(const std::string& origin, const SecretBytes& block)>& each) {
    if (!is_scan(file)) {
        for_each_block(read_secret_file(file, max_share_file), file.string(), each);
        return;
    }
    const ScanResult scan = scan_file(file);
    for (const auto& code : scan.codes) {
        each(code.origin, code.text);
    }
    if (!scan.unreadable.empty()) {
        std::string pages;
        for (const auto& p : scan.unreadable) {
            pages += (pages.empty() ? "" : ", ") + p;
        }
        throw Error(Errc::checksum, pages + ": no QR code could be read", better_scan_hint());
    }
}

int run_envelopes_render(const EnvelopesRenderOptions& o) {
    return guarded("envelopes render", [&] {
        const EscrowPublic escrow = escrow_of(o.home, o.escrow);
        const EnvelopeLayout layout = envelope_layout(o.style);
        std::vector<Share> shares;
        for (const auto& f : o.shares) {
            for_each_share_in_file(f, [&](const std::string& origin, const SecretBytes& block) {
                Share s = decode_block(block, origin);
                if (auto problem = escrow.check_share(s)) {
                    throw Error(Errc::mismatch, origin + ": " + escrow.share_label(s.index) + " fails: " + *problem,
                                "give shares of escrow " + escrow.fingerprint() + " (or its escrow.pub with --escrow)");
                }
                shares.push_back(std::move(s));
            });
        }
        const auto written = write_envelopes(shares, escrow, layout, o.style, o.out, o.force);
        return check_envelope_files(written, escrow, shares, 300) == 0 ? exit_ok : exit_no;
    });
}

int run_envelopes_check(const EnvelopesCheckOptions& o) {
    return guarded("envelopes check", [&] {
        const EscrowPublic escrow = escrow_of(o.home, o.escrow);
        const std::size_t failures = check_envelope_files(o.files, escrow, {}, o.dpi);
        if (failures != 0) {
            print_note(std::to_string(failures) + " code(s) or page(s) failed the check (above)");
            return exit_no;
        }
        return exit_ok;
    });
}

}  // namespace tapekey::cli
