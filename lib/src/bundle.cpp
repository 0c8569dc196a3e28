// The recovery bundle: docs/spec/recovery-bundle.md.
#include "tapekey/bundle.h"

#include <algorithm>
#include <cstring>

#include "base32.h"
#include "crypto.h"
#include "tapekey/error.h"
#include "tapekey/files.h"

namespace tapekey {
namespace {

constexpr char magic[] = "TKBUNDL1";
constexpr std::size_t magic_length = 8;
constexpr std::size_t checksum_length = 32;

void put16(std::vector<std::uint8_t>& out, std::size_t v) {
    if (v > 0xFFFF) {
        throw Error(Errc::usage, "bundle field longer than 65535 bytes");
    }
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A cursor over the bundle bytes that names what it was reading when the
// input ends too soon.
class Reader {
public:
    Reader(std::span<const std::uint8_t> b, const std::string& origin) : m_b(b), m_origin(origin) {}
    std::span<const std::uint8_t> take(std::size_t n, const char* what) {
        if (m_b.size() - m_pos < n) {
            throw Error(Errc::bad_format, m_origin + ": the bundle ends inside its " + std::string(what),
                        "the file was cut short; use another copy of the bundle");
        }
        const auto s = m_b.subspan(m_pos, n);
        m_pos += n;
        return s;
    }
    std::size_t u16(const char* what) {
        const auto s = take(2, what);
        return (std::size_t{s[0]} << 8) | s[1];
    }
    std::size_t remaining() const { return m_b.size() - m_pos; }

private:
    std::span<const std::uint8_t> m_b;
    std::size_t m_pos = 0;
    const std::string& m_origin;
};

// recovery-bundle.md section 3, step 3 and 4.
void item_key(std::span<const std::uint8_t> shared, const std::array<std::uint8_t, 32>& ephemeral,
              const EscrowPublicKey& escrow, SecretBytes& okm) {
    std::array<std::uint8_t, 64> salt{};
    std::copy(ephemeral.begin(), ephemeral.end(), salt.begin());
    std::copy(escrow.begin(), escrow.end(), salt.begin() + 32);
    detail::hkdf_sha256(shared, salt, detail::label("tapekey bundle v1 item"), okm.expose());
}

std::vector<std::uint8_t> item_aad(BundleItemType type, const std::string& metadata) {
    std::vector<std::uint8_t> aad;
    put(aad, detail::label("tapekey bundle v1"));
    aad.push_back(static_cast<std::uint8_t>(type));
    put16(aad, metadata.size());
    put(aad, bytes_of(metadata));
    return aad;
}

BundleItem read_item(Reader& r, const std::string& name) {
    BundleItem it;
    const auto type = r.take(1, "item type")[0];
    if (type != 1 && type != 2) {
        throw Error(Errc::unsupported, name + " has unknown type " + std::to_string(type),
                    "it was written by a newer tapekey; use that release");
    }
    it.type = static_cast<BundleItemType>(type);
    const auto m = r.take(r.u16("item metadata length"), "item metadata");
    it.metadata.assign(m.begin(), m.end());
    const auto eph = r.take(32, "ephemeral key");
    std::copy(eph.begin(), eph.end(), it.ephemeral.begin());
    const auto sealed = r.take(r.u16("sealed length"), "sealed key");
    it.sealed.assign(sealed.begin(), sealed.end());
    return it;
}

}  // namespace

std::vector<std::uint8_t> BundleItem::to_bytes() const {
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>(type));
    put16(out, metadata.size());
    put(out, bytes_of(metadata));
    put(out, ephemeral);
    put16(out, sealed.size());
    put(out, sealed);
    return out;
}

BundleItem BundleItem::parse(std::span<const std::uint8_t> bytes, const std::string& origin) {
    Reader r(bytes, origin);
    BundleItem it = read_item(r, origin);
    if (r.remaining() != 0) {
        throw Error(Errc::bad_format, origin + ": extra bytes after the sealed item");
    }
    return it;
}

std::vector<std::uint8_t> Bundle::to_bytes() const {
    std::vector<std::uint8_t> out(magic, magic + magic_length);
    for (int shift = 56; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(created) >> shift));
    }
    put16(out, escrow_text.size());
    put(out, bytes_of(escrow_text));
    put16(out, items.size());
    for (const auto& it : items) {
        put(out, it.to_bytes());
    }
    const auto sum = detail::sha256({out});
    put(out, sum);
    return out;
}

Bundle Bundle::parse(std::span<const std::uint8_t> bytes, const std::string& origin) {
    if (bytes.size() < magic_length || std::memcmp(bytes.data(), magic, magic_length - 1) != 0) {
        throw Error(Errc::bad_format, origin + " is not a tapekey recovery bundle",
                    "a bundle starts with TKBUNDL; is this the right file?");
    }
    if (bytes[magic_length - 1] != '1') {
        throw Error(Errc::unsupported,
                    origin + ": bundle version " + std::string(1, static_cast<char>(bytes[magic_length - 1])) +
                        " is not supported",
                    "it was written by a newer tapekey; use that release");
    }
    if (bytes.size() < magic_length + checksum_length) {
        throw Error(Errc::bad_format, origin + ": the bundle is cut short", "use another copy of the bundle");
    }
    const auto body = bytes.first(bytes.size() - checksum_length);
    const auto sum = detail::sha256({body});
    if (!ct_equal(sum, bytes.last(checksum_length))) {
        throw Error(Errc::integrity, origin + ": the bundle is damaged (its checksum does not match)",
                    "some byte of the file changed; use another copy of the bundle");
    }
    Reader r(body, origin);
    (void)r.take(magic_length, "magic");
    Bundle b;
    std::uint64_t created = 0;
    for (const auto byte : r.take(8, "creation time")) {
        created = (created << 8) | byte;
    }
    b.created = static_cast<std::time_t>(created);
    const std::size_t e = r.u16("escrow length");
    const auto et = r.take(e, "escrow file");
    b.escrow_text.assign(et.begin(), et.end());
    const std::size_t count = r.u16("item count");
    for (std::size_t i = 0; i < count; ++i) {
        b.items.push_back(read_item(r, origin + ", item " + std::to_string(i + 1)));
    }
    if (r.remaining() != 0) {
        throw Error(Errc::bad_format, origin + ": extra bytes after the last item");
    }
    return b;
}

std::string Bundle::digest() const {
    const auto bytes = to_bytes();
    return detail::group(detail::base32_encode(std::span(bytes).last(checksum_length).first(8)), 4, '-');
}

BundleItem seal_item(const EscrowPublicKey& escrow, BundleItemType type, const std::string& metadata,
                     std::span<const std::uint8_t> payload, Rng& rng) {
    BundleItem it;
    it.type = type;
    it.metadata = metadata;
    SecretBytes e(32);
    rng.fill(e.expose());
    it.ephemeral = detail::x25519_public(e.expose());
    SecretBytes shared(32);
    detail::x25519(e.expose(), escrow, shared.expose());
    SecretBytes okm(44);
    item_key(shared.expose(), it.ephemeral, escrow, okm);
    it.sealed.resize(payload.size() + detail::gcm_tag_length);
    detail::aes256gcm_seal(okm.expose().first(32), okm.expose().subspan(32), item_aad(type, metadata), payload,
                           it.sealed);
    return it;
}

SecretBytes open_item(const BundleItem& item, const SecretBytes& escrow_private, const std::string& name) {
    if (item.sealed.size() < detail::gcm_tag_length) {
        throw Error(Errc::bad_format, name + ": sealed key too short");
    }
    const EscrowPublicKey escrow = escrow_public_of(escrow_private);
    SecretBytes shared(32);
    detail::x25519(escrow_private.expose(), item.ephemeral, shared.expose());
    SecretBytes okm(44);
    item_key(shared.expose(), item.ephemeral, escrow, okm);
    SecretBytes payload(item.sealed.size() - detail::gcm_tag_length);
    if (!detail::aes256gcm_open(okm.expose().first(32), okm.expose().subspan(32), item_aad(item.type, item.metadata),
                                item.sealed, payload.expose())) {
        throw Error(Errc::integrity, name + " does not open with the escrow key (altered, or sealed to another key)",
                    "use another copy of the bundle");
    }
    return payload;
}

Bundle make_bundle(const EscrowPublic& escrow, const Keyring& keyring, std::span<const BundleItem> extra,
                   std::time_t now, Rng& rng) {
    Bundle b;
    b.created = now;
    b.escrow_text = escrow.to_text();
    for (const auto& g : keyring.generations) {
        if (!g.key.empty()) {
            b.items.push_back(seal_item(escrow.public_key, BundleItemType::generation, g.metadata(), g.key.expose(), rng));
        }
    }
    for (const auto& it : extra) {
        b.items.push_back(it);
    }
    return b;
}

std::filesystem::path current_bundle(const Home& home) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path best;
    std::time_t best_time = 0;
    fs::file_time_type best_written{};
    for (const auto& e : fs::directory_iterator(home.bundles(), ec)) {
        if (e.path().extension() != ".tkb" || !e.is_regular_file()) {
            continue;
        }
        const std::string bytes = read_text_file(e.path(), max_bundle_file);
        const Bundle b = Bundle::parse({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()},
                                       e.path().string());
        // Several bundles made in the same second: the one written last.
        const auto written = fs::last_write_time(e.path(), ec);
        if (best.empty() || b.created > best_time || (b.created == best_time && written > best_written)) {
            best = e.path();
            best_time = b.created;
            best_written = written;
        }
    }
    if (best.empty()) {
        throw Error(Errc::not_found, "there is no bundle in " + home.bundles().string(),
                    "export one first (tapekey bundle export --out FILE), or give --bundle FILE");
    }
    return best;
}

}  // namespace tapekey
