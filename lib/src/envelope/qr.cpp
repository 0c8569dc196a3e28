// The QR codes of a share (docs/spec/envelope.md section 2) and of a
// recovery sheet part (recovery-sheet.md section 4), with libqrencode.
#include <qrencode.h>

#include <cerrno>
#include <memory>

#include "envelope/envelope_impl.h"
#include "tapekey/envelope.h"
#include "tapekey/error.h"
#include "tapekey/share_text.h"

namespace tapekey {

namespace detail {

QrSymbol alphanumeric_qr(std::span<const std::uint8_t> line, const std::string& what) {
    // One alphanumeric segment, level M, the smallest version that holds it.
    // libqrencode copies the payload into `input` and frees it without
    // wiping; its allocator cannot be replaced (envelope.md section 5).
    std::unique_ptr<QRinput, decltype(&QRinput_free)> input(QRinput_new2(0, QR_ECLEVEL_M), &QRinput_free);
    if (!input || QRinput_append(input.get(), QR_MODE_AN, static_cast<int>(line.size()), line.data()) != 0) {
        throw Error(errno == ENOMEM ? Errc::resource : Errc::crypto,
                    what + " could not be made (libqrencode refused the payload)");
    }
    auto wipe_free = [](QRcode* c) {
        if (c != nullptr) {
            secure_wipe(c->data, static_cast<std::size_t>(c->width) * static_cast<std::size_t>(c->width));
            QRcode_free(c);
        }
    };
    std::unique_ptr<QRcode, decltype(wipe_free)> code(QRcode_encodeInput(input.get()), wipe_free);
    if (!code) {
        throw Error(errno == ENOMEM ? Errc::resource : Errc::crypto,
                    what + " could not be made (libqrencode failed)");
    }
    QrSymbol q;
    q.version = code->version;
    q.width = code->width;
    const std::size_t n = static_cast<std::size_t>(q.width) * static_cast<std::size_t>(q.width);
    q.modules = SecretBytes(n);
    auto m = q.modules.expose();
    for (std::size_t i = 0; i < n; ++i) {
        m[i] = code->data[i] & 1u;  // bit 0: dark module (qrencode.h)
    }
    return q;
}

}  // namespace detail

QrSymbol share_qr(const Share& share) {
    const SecretBytes line = encode_share_line(share);
    return detail::alphanumeric_qr(line.expose(), "the share's QR code");
}

}  // namespace tapekey
