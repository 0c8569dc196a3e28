// Envelope benchmark (issue 6): time to produce five envelope PDFs, the size
// of each page's PDF, and the time to decode one 300 dpi page in-process
// (ZXing-C++), side by side with zbarimg (zbar) on the same page, as a
// ratio. Needs pdftoppm and zbarimg (poppler-utils, zbar-tools).
#include <tapekey/envelope.h>
#include <tapekey/escrow.h>
#include <tapekey/files.h>
#include <tapekey/random.h>
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
    return 0;
}
