// The recovery sheet's parts and their reassembly
// (docs/spec/recovery-sheet.md sections 2, 3 and 5).
#include <algorithm>

#include "base32.h"
#include "checked_text.h"
#include "crypto.h"
#include "envelope/envelope_impl.h"
#include "tapekey/error.h"
#include "tapekey/recovery_sheet.h"

namespace tapekey {
namespace {

constexpr std::size_t header_length = 16;  // i n L D
constexpr std::size_t checksum_length = 4;
constexpr std::size_t sha256_length = 32;
constexpr char prefix[] = "TKB";
constexpr char version_char = '1';
const std::string rescan_hint =
    "scan the page again at 150 dpi or more, flat, in focus and evenly lit (a phone photo taken straight on also "
    "works), or type the part from the sheet's text pages into a file";
const std::string retype_hint =
    "scan that QR code again, or type the part from the sheet's text pages (groups of four; the line numbers "
    "and headings are not typed)";

std::array<std::uint8_t, 32> part_checksum(std::span<const std::uint8_t> body_without_checksum) {
    return detail::sha256({detail::label("tapekey sheet v1 part"), body_without_checksum});
}

std::size_t parts_for(std::size_t length) { return (length + sheet_part_data - 1) / sheet_part_data; }

std::size_t data_length(unsigned index, unsigned count, std::size_t length) {
    return index < count ? sheet_part_data : length - sheet_part_data * (count - 1);
}

// Data characters and all characters (with check characters) of a part
// carrying m bytes (section 3).
std::size_t data_chars(std::size_t m) { return 3 + 1 + detail::base32_length(header_length + m + checksum_length); }
std::size_t all_chars(std::size_t m) {
    const std::size_t d = data_chars(m);
    return d + (d + detail::checked_line_data - 1) / detail::checked_line_data;
}

std::string digest_string(std::span<const std::uint8_t> d) { return detail::group(detail::base32_encode(d), 4, '-'); }

std::string part_label(unsigned i, unsigned n) { return "part " + std::to_string(i) + " of " + std::to_string(n); }

unsigned be(std::span<const std::uint8_t> b) {
    unsigned v = 0;
    for (const auto x : b) {
        v = (v << 8) | x;
    }
    return v;
}

SecretBytes values_of(std::string_view text) {
    return detail::checked_values(std::span<const char>(text.data(), text.size()), 0, "bundle part",
                                  "a part of the recovery sheet uses digits and the letters A-Z except I, L, O and U");
}

// The header fields of a part whose line 1 checks: i, n, L.
struct Head {
    unsigned index = 0, count = 0;
    std::uint32_t length = 0;
};

// Checks line 1 of the values (the first 20) and reads i, n and L from it.
Head read_head(std::span<const std::uint8_t> v) {
    if (v.empty()) {
        throw Error(Errc::bad_format, "the part is empty", retype_hint);
    }
    const auto line1 = v.first(std::min(v.size(), detail::checked_line_length));
    if (!detail::bad_lines(line1, 0).empty()) {
        throw Error(Errc::checksum,
                    "line 1 of a part has a typo (the check character at the end of the line does not match)",
                    retype_hint);
    }
    const auto is = [&](std::size_t at, char c) {
        return at < line1.size() && line1[at] == static_cast<std::uint8_t>(detail::base32_value(c));
    };
    if (!(is(0, prefix[0]) && is(1, prefix[1]) && is(2, prefix[2]))) {
        if (is(0, '1')) {
            throw Error(Errc::bad_format, "this is an escrow share, not a part of the recovery bundle",
                        "give shares and envelopes as share files or with --scan, and only the recovery sheet's "
                        "pages with --bundle-scan");
        }
        throw Error(Errc::bad_format, "this is not a part of a tapekey recovery bundle",
                    "give the pages of the recovery sheet (tapekey bundle print)");
    }
    if (line1.size() < detail::checked_line_length) {
        throw Error(Errc::bad_format, "the part is too short (" + std::to_string(v.size()) + " characters)",
                    retype_hint);
    }
    if (!is(3, version_char)) {
        throw Error(Errc::unsupported,
                    "line 1: recovery sheet part version " + std::string(1, detail::base32_char(line1[3])) +
                        " is not supported",
                    "this build reads version 1; use the tapekey release that printed the sheet");
    }
    SecretBytes head;
    (void)detail::unpack_values(line1.subspan(4, detail::checked_line_data - 4), head);  // 75 bits: bytes 0..8
    const auto h = head.expose();
    Head r{be(h.subspan(0, 2)), be(h.subspan(2, 2)), static_cast<std::uint32_t>(be(h.subspan(4, 4)))};
    if (r.count == 0 || r.index == 0 || r.index > r.count || r.length < sha256_length ||
        parts_for(r.length) != r.count) {
        throw Error(Errc::bad_format,
                    part_label(r.index, r.count) + ": the part header is inconsistent (a bundle of " +
                        std::to_string(r.length) + " bytes is " + std::to_string(parts_for(r.length)) + " parts)",
                    retype_hint);
    }
    return r;
}

// Reads one part from exactly its values.
SheetPart read_part(std::span<const std::uint8_t> v) {
    const Head h = read_head(v);
    const std::string name = part_label(h.index, h.count);
    const auto bad = detail::bad_lines(v, 0);
    if (!bad.empty()) {
        throw Error(Errc::checksum,
                    name + ", " + detail::lines_list(bad) + (bad.size() == 1 ? " has" : " have") +
                        " a typo (the check character at the end of the line does not match)",
                    retype_hint);
    }
    const std::size_t m = data_length(h.index, h.count, h.length);
    if (v.size() != all_chars(m)) {
        throw Error(Errc::bad_format,
                    name + " has " + std::to_string(v.size()) + " characters, part " + std::to_string(h.index) +
                        " of this bundle has " +
                        std::to_string(all_chars(m)),
                    std::string(v.size() < all_chars(m) ? "a line is missing; " : "there is extra text; ") +
                        retype_hint);
    }
    const SecretBytes data = detail::strip_checks(v);
    SecretBytes body;
    if (!detail::unpack_values(data.expose().subspan(4), body)) {
        throw Error(Errc::bad_format, name + ": the last character has bits set that must be zero", retype_hint);
    }
    const auto b = body.expose();
    const auto sum = part_checksum(b.first(b.size() - checksum_length));
    if (!std::equal(b.end() - checksum_length, b.end(), sum.begin())) {
        throw Error(Errc::checksum, name + ": every line checks but the part checksum does not match", retype_hint);
    }
    SheetPart p;
    p.index = h.index;
    p.count = h.count;
    p.bundle_length = h.length;
    std::copy_n(b.begin() + 8, p.digest.size(), p.digest.begin());
    p.data.assign(b.begin() + header_length, b.end() - checksum_length);
    return p;
}

}  // namespace

std::vector<std::uint8_t> SheetPart::body() const {
    std::vector<std::uint8_t> b;
    for (const unsigned v : {index >> 8, index, count >> 8, count}) {
        b.push_back(static_cast<std::uint8_t>(v));
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
        b.push_back(static_cast<std::uint8_t>(bundle_length >> shift));
    }
    b.insert(b.end(), digest.begin(), digest.end());
    b.insert(b.end(), data.begin(), data.end());
    const auto sum = part_checksum(b);
    b.insert(b.end(), sum.begin(), sum.begin() + checksum_length);
    return b;
}

namespace {

std::string checked_text(const SheetPart& p, char group_separator, char line_separator) {
    const std::string data = std::string(prefix) + version_char + detail::base32_encode(p.body());
    const SecretBytes t = detail::write_checked_lines(
        std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), group_separator, line_separator);
    return std::string(reinterpret_cast<const char*>(t.expose().data()), t.size());
}

}  // namespace

std::string SheetPart::text() const { return checked_text(*this, ' ', '\n'); }
std::string SheetPart::code() const { return checked_text(*this, '\0', '\0'); }
std::string SheetPart::label() const { return part_label(index, count); }
std::string SheetPart::digest_text() const { return digest_string(digest); }

std::vector<SheetPart> split_bundle(std::span<const std::uint8_t> bundle) {
    if (bundle.size() < sha256_length) {
        throw Error(Errc::bad_format, "the bundle is too short to be printed (" + std::to_string(bundle.size()) +
                                          " bytes)");
    }
    const std::size_t n = parts_for(bundle.size());
    if (n > sheet_max_parts) {
        throw Error(Errc::usage,
                    "the bundle is too large to print: " + std::to_string(bundle.size()) + " bytes would be " +
                        std::to_string(n) + " parts, at most " + std::to_string(sheet_max_parts) + " are printed",
                    "keep this bundle on tape, disk and USB copies; destroy generations no longer needed to make "
                    "it smaller");
    }
    std::vector<SheetPart> parts;
    for (std::size_t i = 1; i <= n; ++i) {
        SheetPart p;
        p.index = static_cast<unsigned>(i);
        p.count = static_cast<unsigned>(n);
        p.bundle_length = static_cast<std::uint32_t>(bundle.size());
        std::copy_n(bundle.end() - sha256_length, p.digest.size(), p.digest.begin());
        const auto chunk = bundle.subspan((i - 1) * sheet_part_data, data_length(p.index, p.count, bundle.size()));
        p.data.assign(chunk.begin(), chunk.end());
        parts.push_back(std::move(p));
    }
    return parts;
}

SheetPart decode_part(std::string_view text) {
    const SecretBytes v = values_of(text);
    return read_part(v.expose());
}

QrSymbol part_qr(const SheetPart& part) {
    const std::string c = part.code();
    return detail::alphanumeric_qr(std::span(reinterpret_cast<const std::uint8_t*>(c.data()), c.size()),
                                   "the QR code of " + part.label());
}

void BundleAssembler::add(SheetPart part, const std::string& origin) {
    if (m_count == 0) {
        m_count = part.count;
        m_length = part.bundle_length;
        m_digest = part.digest;
        m_first_origin = origin;
    } else if (part.digest != m_digest || part.count != m_count || part.bundle_length != m_length) {
        throw Error(Errc::mismatch,
                    origin + ": " + part.label() + " is from bundle " + part.digest_text() +
                        ", the parts read before (from " + m_first_origin + ") from bundle " +
                        digest_string(m_digest) + "; parts of two bundles are never mixed",
                    "give the pages of one recovery sheet only (its digest is printed on every page); nothing "
                    "was written");
    }
    const auto it = m_parts.find(part.index);
    if (it != m_parts.end()) {
        if (it->second.first.data != part.data) {
            throw Error(Errc::mismatch,
                        origin + ": " + part.label() + " differs from the copy read from " + it->second.second,
                        "one of the two pages is damaged or not from this sheet; nothing was written");
        }
        return;  // the same part again: fine
    }
    m_parts.emplace(part.index, std::make_pair(std::move(part), origin));
}

std::vector<PartReading> BundleAssembler::add_scan(const ScanResult& scan) {
    std::vector<PartReading> out;
    for (const auto& code : scan.codes) {
        const auto t = code.text.expose();
        PartReading r;
        r.origin = code.origin;
        try {
            SheetPart p = decode_part(std::string_view(reinterpret_cast<const char*>(t.data()), t.size()));
            r.index = p.index;
            r.count = p.count;
            add(std::move(p), code.origin);
        } catch (const Error& e) {
            if (e.code() == Errc::mismatch) {
                throw;
            }
            r.problem = "the QR code does not read as a part of the recovery bundle: " + std::string(e.what());
            r.hint = rescan_hint;
        }
        out.push_back(std::move(r));
    }
    for (const auto& page : scan.unreadable) {
        const bool some = std::any_of(scan.codes.begin(), scan.codes.end(),
                                      [&](const ScannedCode& c) { return c.origin == page; });
        out.push_back({page, 0, 0,
                       some ? "a QR code here could not be read"
                            : "no QR code could be read (a text page or the lifeboat has none)",
                       rescan_hint});
    }
    return out;
}

std::vector<PartReading> BundleAssembler::add_text(std::string_view text, const std::string& origin) {
    std::vector<PartReading> out;
    const SecretBytes all = values_of(text);
    auto v = all.expose();
    while (!v.empty()) {
        PartReading r;
        r.origin = origin;
        std::size_t take = v.size();
        try {
            const Head h = read_head(v);
            r.index = h.index;
            r.count = h.count;
            take = std::min(v.size(), all_chars(data_length(h.index, h.count, h.length)));
            SheetPart p = read_part(v.first(take));
            add(std::move(p), origin);
        } catch (const Error& e) {
            if (e.code() == Errc::mismatch) {
                throw;
            }
            r.problem = e.what();
            r.hint = e.hint();
            const bool lost = r.index == 0;
            out.push_back(std::move(r));
            if (lost) {
                break;  // a part's line 1 does not read: where the next part starts is unknown
            }
            v = v.subspan(take);
            continue;
        }
        out.push_back(std::move(r));
        v = v.subspan(take);
    }
    return out;
}

std::string BundleAssembler::digest() const { return m_count == 0 ? std::string() : digest_string(m_digest); }

std::vector<unsigned> BundleAssembler::missing() const {
    std::vector<unsigned> m;
    for (unsigned i = 1; i <= m_count; ++i) {
        if (m_parts.count(i) == 0) {
            m.push_back(i);
        }
    }
    return m;
}

std::vector<std::uint8_t> BundleAssembler::assemble() const {
    if (m_count == 0) {
        throw Error(Errc::insufficient, "no part of a recovery bundle was read",
                    "give the QR pages of the recovery sheet (scans or the PDF), or its text typed into a file");
    }
    const auto gone = missing();
    if (!gone.empty()) {
        std::string list;
        for (std::size_t i = 0; i < gone.size(); ++i) {
            list += (i == 0 ? "" : (i + 1 == gone.size() ? " and " : ", ")) + std::to_string(gone[i]);
        }
        throw Error(Errc::insufficient,
                    (gone.size() == 1 ? "part " : "parts ") + list + " of " + std::to_string(m_count) +
                        (gone.size() == 1 ? " is" : " are") + " missing: scan " +
                        (gone.size() == 1 ? "that QR code" : "those QR codes") + " again, or type " +
                        (gone.size() == 1 ? "its" : "their") + " text from the sheet",
                    rescan_hint + "; every part is labelled \"part i of " + std::to_string(m_count) +
                        "\" on the sheet; nothing was written");
    }
    std::vector<std::uint8_t> bytes;
    for (const auto& [i, po] : m_parts) {
        bytes.insert(bytes.end(), po.first.data.begin(), po.first.data.end());
    }
    const auto sum = detail::sha256({std::span(bytes).first(bytes.size() - std::min(bytes.size(), sha256_length))});
    if (bytes.size() != m_length || bytes.size() < sha256_length ||
        !std::equal(sum.begin(), sum.end(), bytes.end() - sha256_length) ||
        !std::equal(m_digest.begin(), m_digest.end(), bytes.end() - sha256_length)) {
        throw Error(Errc::integrity,
                    "the parts of bundle " + digest_string(m_digest) + " do not rebuild it (its SHA-256 does not "
                    "match)",
                    "the sheet was altered or printed by a broken program; use another copy of the bundle");
    }
    return bytes;
}

}  // namespace tapekey
