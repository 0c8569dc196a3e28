// Envelope benchmark (issue 6): time to produce five envelope PDFs, the size
// of each page's PDF, and the time to decode one 300 dpi page in-process
// (ZXing-C++), side by side with zbarimg (zbar) on the same page, as a
// ratio. Then the recovery sheet (docs/spec/recovery-sheet.md) of a bundle
// of three generations and the auditor key: time to print it, its PDF size
// and parts, and the time to decode it at 300 dpi and rebuild the bundle,
// against zbarimg on the same QR page. Needs pdftoppm and zbarimg
// (poppler-utils, zbar-tools).
#include <tapekey/bundle.h>
#include <tapekey/envelope.h>
#include <tapekey/escrow.h>
#include <tapekey/files.h>
#include <tapekey/keyring.h>
#include <tapekey/random.h>
#include <tapekey/recovery_sheet.h>
#include <tapekey/scan.h>
#include <tapekey/shamir.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

template <typename F>
double seconds_of(F&& f, int runs) {
    const auto start = clock_type::now();
    for (int i = 0; i < runs; ++i) {
        f();
    }
    return std::chrono::duration<double>(clock_type::now() - start).count() / runs;
}

namespace fs = std::filesystem;

int sheet_bench(const tapekey::EscrowPublic& escrow, tapekey::Rng& rng, int runs) {
    tapekey::Keyring kr;
    for (int i = 0; i < 3; ++i) {
        kr.create(rng, 1796000000 + i * 86400);
    }
    const std::vector<std::uint8_t> auditor(32, 1);
    const auto extra = tapekey::seal_item(escrow.public_key, tapekey::BundleItemType::auditor_key,
                                          "auditor created=2026-11-29T00:00:00Z", auditor, rng);
    const auto bundle = tapekey::make_bundle(escrow, kr, {&extra, 1}, 1796300000, rng).to_bytes();
    std::vector<std::uint8_t> pdf;
    const double print = seconds_of([&] { pdf = tapekey::render_recovery_sheet(bundle, tapekey::Paper::a4); }, runs);
    const auto parts = tapekey::split_bundle(bundle);
    const auto q = tapekey::part_qr(parts.front());
    std::printf("\nrecovery sheet of a bundle of %zu bytes (3 generations and the auditor key), A4:\n", bundle.size());
    std::printf("  %zu parts; QR of a full part: version %d (%d modules + quiet zone), %.2f mm per module at 66 mm\n",
                parts.size(), q.version, q.width, 66.0 / (q.width + 8));
    std::printf("  print (render the PDF): %.1f ms; PDF %zu bytes\n", print * 1e3, pdf.size());

    std::string tmpl_dir = (fs::temp_directory_path() / "tapekey-bench-XXXXXX").string();
    const fs::path dir = ::mkdtemp(tmpl_dir.data());
    const fs::path file = dir / "sheet.pdf";
    tapekey::write_file(file, pdf, tapekey::FileMode::public_, tapekey::Overwrite::yes);
    const std::string render = "pdftoppm -r 300 -gray -f 2 -l 2 -singlefile " + file.string() + " " +
                               (dir / "qr").string();
    if (std::system(render.c_str()) != 0) {
        std::fprintf(stderr, "envelope_bench: pdftoppm failed (install poppler-utils)\n");
        return 1;
    }
    const fs::path pgm = dir / "qr.pgm";
    bool same = false;
    const double whole = seconds_of(
        [&] {
            tapekey::BundleAssembler a;
            (void)a.add_scan(tapekey::scan_file(file, 300));
            same = a.assemble() == bundle;
        },
        runs);
    std::size_t found = 0;
    const double page = seconds_of([&] { found = tapekey::scan_file(pgm).codes.size(); }, runs);
    const std::string zbar_cmd =
        "zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable " + pgm.string() + " > /dev/null";
    int zbar_rc = 0;
    const double zbar = seconds_of([&] { zbar_rc = std::system(zbar_cmd.c_str()); }, runs);
    fs::remove_all(dir);
    std::printf("  decode the whole sheet at 300 dpi and rebuild the bundle (pdftoppm + ZXing): %.1f ms%s\n",
                whole * 1e3, same ? "" : " (NOT the bundle)");
    std::printf("  one QR page at 300 dpi: tapekey in-process %.1f ms (%zu codes); zbarimg process (peer) %.1f ms%s\n",
                page * 1e3, found, zbar * 1e3, zbar_rc == 0 ? "" : " (failed)");
    std::printf("  ratio zbarimg / tapekey: %.2f\n", zbar / page);
    return same ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
    tapekey::SystemRng rng;
    const tapekey::SecretBytes priv = tapekey::generate_escrow_private(rng);
    const auto shares = tapekey::split(priv.expose(), 3, 5, rng);
    tapekey::EscrowPublic escrow;
    escrow.public_key = tapekey::escrow_public_of(priv);
    escrow.set_id = shares[0].set_id;
    escrow.threshold = 3;
    escrow.shares = 5;
    escrow.created = 1796000000;
    escrow.ceremony = "BENC-HMRK";
    for (const auto& s : shares) {
        escrow.custodians.push_back({"Custodian " + std::to_string(s.index), tapekey::share_commitment(s)});
    }
    const auto tmpl = tapekey::EnvelopeTemplate::builtin();

    std::vector<std::size_t> sizes;
    const double five = seconds_of(
        [&] {
            sizes.clear();
            for (const auto& s : shares) {
                sizes.push_back(tapekey::render_envelope(s, escrow, tmpl, tapekey::Paper::a4).size());
            }
        },
        runs);
    const auto q = tapekey::share_qr(shares[0]);
    std::printf("five envelopes (A4, built-in template): %.1f ms\n", five * 1e3);
    std::printf("QR: version %d, %d modules + quiet zone, %.2f mm per module at 64 mm\n", q.version, q.width,
                64.0 / (q.width + 8));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        std::printf("  page %zu: %zu bytes\n", i + 1, sizes[i]);
    }

    namespace fs = std::filesystem;
    std::string tmpl_dir = (fs::temp_directory_path() / "tapekey-bench-XXXXXX").string();
    const fs::path dir = ::mkdtemp(tmpl_dir.data());
    const fs::path pdf = dir / "page.pdf";
    tapekey::write_file(pdf, tapekey::render_envelope(shares[0], escrow, tmpl, tapekey::Paper::a4).expose(),
                        tapekey::FileMode::secret, tapekey::Overwrite::yes);
    const std::string render = "pdftoppm -r 300 -gray -singlefile " + pdf.string() + " " + (dir / "page").string();
    if (std::system(render.c_str()) != 0) {
        std::fprintf(stderr, "envelope_bench: pdftoppm failed (install poppler-utils)\n");
        return 1;
    }
    const fs::path pgm = dir / "page.pgm";
    std::size_t found = 0;
    const double zxing = seconds_of([&] { found = tapekey::scan_file(pgm).codes.size(); }, runs);
    const double pdf_total = seconds_of([&] { (void)tapekey::scan_file(pdf, 300); }, runs);
    const std::string zbar_cmd =
        "zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable " + pgm.string() + " > /dev/null";
    int zbar_rc = 0;
    const double zbar = seconds_of([&] { zbar_rc = std::system(zbar_cmd.c_str()); }, runs);
    fs::remove_all(dir);
    std::printf("decode one 300 dpi A4 page (2481 x 3508 grey), mean of %d:\n", runs);
    std::printf("  tapekey in-process (load PGM + ZXing): %.1f ms, %zu code(s)\n", zxing * 1e3, found);
    std::printf("  tapekey from the PDF (pdftoppm + ZXing): %.1f ms\n", pdf_total * 1e3);
    std::printf("  zbarimg process (peer): %.1f ms%s\n", zbar * 1e3, zbar_rc == 0 ? "" : " (failed)");
    std::printf("  ratio zbarimg / tapekey: %.2f\n", zbar / zxing);
    return sheet_bench(escrow, rng, runs);
}
