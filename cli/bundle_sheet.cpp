// tapekey bundle print | check, and the sheet reading of restore
// --bundle-scan (docs/spec/recovery-sheet.md). The parts, pages and
// reassembly are the library's (tapekey/recovery_sheet.h); this file reads
// options and prints.
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "tapekey/bundle.h"
#include "tapekey/error.h"
#include "tapekey/files.h"
#include "tapekey/home.h"
#include "tapekey/recovery_sheet.h"
#include "tapekey/scan.h"
#include "term.h"

namespace tapekey::cli {
namespace {

namespace fs = std::filesystem;

// A typed sheet: 600 parts of 375 characters with separators fit in a
// third of this (the text is read through secure memory).
constexpr std::size_t max_typed_sheet = 512u << 10;

std::vector<std::uint8_t> read_bytes(const fs::path& file) {
    const std::string s = read_text_file(file, max_bundle_file);
    return {s.begin(), s.end()};
}

// Reads every file into the assembler; prints what each gave. Returns the
// number of problems (codes or typed parts that did not read).
std::size_t collect(BundleAssembler& a, const std::vector<fs::path>& files, int dpi, bool verbose) {
    std::size_t problems = 0;
    for (const auto& f : files) {
        const std::vector<PartReading> got =
            is_scan(f) ? a.add_scan(scan_file(f, dpi)) : a.add_text(read_text_file(f, max_typed_sheet), f.string());
        for (const auto& r : got) {
            if (r.problem.empty()) {
                if (verbose) {
                    std::cout << r.origin << ": part " << r.index << " of " << r.count << " ok\n";
                }
            } else if (r.index == 0 && r.problem.rfind("no QR code", 0) == 0) {
                if (verbose) {
                    std::cout << r.origin << ": no QR code (the lifeboat and the text pages have none)\n";
                }
            } else {
                ++problems;
                print_error(Error(Errc::checksum, r.origin + ": " + r.problem, r.hint));
            }
        }
    }
    return problems;
}

}  // namespace

std::vector<std::uint8_t> read_bundle_sheet(const std::vector<fs::path>& files, int dpi, bool verbose) {
    BundleAssembler a;
    collect(a, files, dpi, verbose);
    return a.assemble();
}

int run_bundle_print(const BundlePrintOptions& o) {
    return guarded("bundle print", [&] {
        const Paper paper = parse_paper(o.paper);
        check_envelope_fonts();
        check_pdf_renderer();
        const fs::path source = o.bundle ? *o.bundle : current_bundle(Home::locate(o.home));
        const auto bytes = read_bytes(source);
        const Bundle bundle = Bundle::parse(bytes, source.string());
        if (!o.force && fs::exists(fs::symlink_status(o.out))) {
            throw Error(Errc::exists, o.out.string() + " exists", "give --force to replace it, or another --out");
        }
        const auto pdf = render_recovery_sheet(bytes, paper);
        // The check before the sheet is written: rendered by pdftoppm at
        // 150 dpi (the least a scan must have) and decoded, the parts must
        // rebuild this very bundle.
        const fs::path probe = fs::temp_directory_path() / ("tapekey-sheet-check-" + std::to_string(::getpid()) + ".pdf");
        write_file(probe, pdf, FileMode::public_, Overwrite::yes);
        std::vector<std::uint8_t> back;
        std::size_t parts = 0;
        try {
            BundleAssembler a;
            const std::size_t problems = collect(a, {probe}, 150, false);
            parts = a.count();
            back = a.assemble();
            if (problems != 0) {
                throw Error(Errc::integrity, "a QR code of the sheet does not read back (above)");
            }
        } catch (...) {
            fs::remove(probe);
            throw;
        }
        fs::remove(probe);
        if (back != bytes) {
            throw Error(Errc::integrity, "the sheet does not read back as the bundle it was printed from",
                        "nothing was written; report this as a bug");
        }
        write_file(o.out, pdf, FileMode::public_, o.force ? Overwrite::yes : Overwrite::no);
        print_note("checked: rendered at 150 dpi, every QR code decoded, the rebuilt bundle is byte-identical to " +
                   source.string());
        std::cout << o.out.string() << ": recovery sheet of bundle " << bundle.digest() << " (" << bytes.size()
                  << " bytes, " << bundle.items.size() << " sealed keys): the lifeboat page, " << parts
                  << " parts as QR codes and as text\n";
        print_note("next: print it on paper that lasts, keep it with the off-site copies; it reveals nothing without " +
                   std::to_string(bundle.escrow(source.string()).threshold) + " custodians");
        return exit_ok;
    });
}

int run_bundle_check(const BundleCheckOptions& o) {
    return guarded("bundle check", [&] {
        BundleAssembler a;
        const std::size_t problems = collect(a, o.files, o.dpi, true);
        if (a.count() != 0) {
            std::cout << "bundle " << a.digest() << ": " << a.present() << " of " << a.count() << " parts read";
            const auto gone = a.missing();
            if (!gone.empty()) {
                std::cout << "; missing:";
                for (const unsigned i : gone) {
                    std::cout << " " << i;
                }
            }
            std::cout << "\n";
        }
        const auto bytes = a.assemble();
        const Bundle bundle = Bundle::parse(bytes, "the bundle rebuilt from the sheet");
        std::cout << "rebuilt bundle " << bundle.digest() << ": " << bytes.size() << " bytes, "
                  << bundle.items.size() << " sealed keys, escrow " << bundle.escrow("the rebuilt bundle").fingerprint()
                  << "\n";
        if (o.bundle) {
            if (read_bytes(*o.bundle) != bytes) {
                throw Error(Errc::mismatch, "the sheet's bundle differs from " + o.bundle->string(),
                            "the sheet was printed from another bundle (compare the digests)");
            }
            std::cout << "identical to " << o.bundle->string() << "\n";
        }
        if (problems != 0) {
            print_note(std::to_string(problems) + " code(s) did not read, but every part was read elsewhere");
        }
        return exit_ok;
    });
}

}  // namespace tapekey::cli
