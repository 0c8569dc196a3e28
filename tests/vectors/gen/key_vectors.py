#!/usr/bin/env python3
"""Writes the vectors of docs/spec/escrow.md, kad.md, keyring.md and
recovery-bundle.md from a second implementation of those specs: this file,
with the `openssl` command line for the primitives Python's standard
library lacks (X25519 and the AES block function). AES-256-GCM is built
here from the AES block (NIST SP 800-38D: CTR from counter 2, GHASH), so
the library's sealing is checked against an independent construction.
Run from the repository root:

    python3 tests/vectors/gen/key_vectors.py
"""
import hashlib
import hmac
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import share_vectors as sv  # noqa: E402  (the share format's second implementation)

OUT = os.path.join(os.path.dirname(__file__), "..")


def openssl(*args, data=b""):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def aes_block(key, block):
    return openssl("enc", "-aes-256-ecb", "-nopad", "-K", key.hex(), data=block)


def x25519_public(private):
    # PKCS#8 wrapping of a raw X25519 private key (RFC 8410), then `openssl pkey`.
    der = bytes.fromhex("302e020100300506032b656e04220420") + private
    pub = openssl("pkey", "-inform", "DER", "-pubout", "-outform", "DER", data=der)
    return pub[-32:]


def x25519(private, peer_public):
    with tempfile.TemporaryDirectory() as d:
        k = os.path.join(d, "k.der")
        p = os.path.join(d, "p.der")
        open(k, "wb").write(bytes.fromhex("302e020100300506032b656e04220420") + private)
        open(p, "wb").write(bytes.fromhex("302a300506032b656e032100") + peer_public)
        return openssl("pkeyutl", "-derive", "-keyform", "DER", "-inkey", k, "-peerform", "DER", "-peerkey", p)


def hkdf(ikm, salt, info, length):  # RFC 5869
    prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def gf128_mul(x, y):  # SP 800-38D 6.3
    r = 0xE1000000000000000000000000000000
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ r if v & 1 else v >> 1
    return z


def gcm_seal(key, nonce, aad, plain):  # SP 800-38D 7.1, 96-bit nonce
    h = int.from_bytes(aes_block(key, bytes(16)), "big")
    j0 = nonce + b"\x00\x00\x00\x01"
    stream = b""
    for i in range((len(plain) + 15) // 16):
        stream += aes_block(key, nonce + (2 + i).to_bytes(4, "big"))
    ct = bytes(a ^ b for a, b in zip(plain, stream))

    def blocks(b):
        b = b + bytes(-len(b) % 16)
        return [b[i:i + 16] for i in range(0, len(b), 16)]

    y = 0
    for blk in blocks(aad) + blocks(ct) + [(8 * len(aad)).to_bytes(8, "big") + (8 * len(ct)).to_bytes(8, "big")]:
        y = gf128_mul(y ^ int.from_bytes(blk, "big"), h)
    tag = bytes(a ^ b for a, b in zip(y.to_bytes(16, "big"), aes_block(key, j0)))
    return ct + tag


def grouped(b):
    s = sv.base32(b)
    return "-".join(s[i:i + 4] for i in range(0, len(s), 4))


def fingerprint(pub):
    return grouped(hashlib.sha256(b"tapekey escrow v1" + pub).digest()[:10])


def commitment(set_id, k, n, x, length, payload):
    return grouped(hmac.new(set_id, b"tapekey share commitment v1" + bytes([k, n, x, length]) + payload,
                            hashlib.sha256).digest()[:10])


def percent(s):
    return "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "".join(f"%{b:02X}" for b in c.encode())
                   for c in s)


def escrow_text(pub, set_id, k, n, created, ceremony, names, commits):
    lines = ["tapekey-escrow 1", "public-key " + sv.base32(pub), "fingerprint " + fingerprint(pub),
             "set-id " + grouped(set_id), f"threshold {k}", f"shares {n}", "created " + created,
             "ceremony " + ceremony]
    for x in range(1, n + 1):
        lines.append(f"share {x} {commits[x - 1]} {percent(names[x - 1])}")
    return "\n".join(lines) + "\n"


def seal_item(escrow_pub, item_type, metadata, payload, eph_private):
    eph_pub = x25519_public(eph_private)
    z = x25519(eph_private, escrow_pub)
    okm = hkdf(z, eph_pub + escrow_pub, b"tapekey bundle v1 item", 44)
    m = metadata.encode()
    aad = b"tapekey bundle v1" + bytes([item_type]) + len(m).to_bytes(2, "big") + m
    sealed = gcm_seal(okm[:32], okm[32:], aad, payload)
    item = bytes([item_type]) + len(m).to_bytes(2, "big") + m + eph_pub + len(sealed).to_bytes(2, "big") + sealed
    return item, z, okm, aad, sealed


def wrapped_block(w, name, text):
    first, *rest = text.split("\n")
    w.write(f"{name} = {first}\n")
    for line in rest:
        w.write(f"  {line}\n")


def main():
    rnd = sv.pseudo_random("key vectors", 4096)
    take = iter(range(0, 4096, 32))

    def next32():
        i = next(take)
        return rnd[i:i + 32]

    # The escrow of the share format's worked example: its shares are
    # those of split.vec's worked_example (a 32-byte secret = this key).
    escrow_private = bytes(range(32))
    escrow_pub = x25519_public(escrow_private)
    rng = sv.pseudo_random("worked_example_3of5_32", 8 + 2 * 36)
    set_id, shares = sv.split(escrow_private, 3, 5, rng)
    names = ["Alice Martin", "Bob", "Chloé", "Dev Ops", "Eve"]
    commits = [commitment(set_id, 3, 5, x, 32, payload) for x, payload in shares]
    etext = escrow_text(escrow_pub, set_id, 3, 5, "2026-11-29T12:00:00Z", "ABCD-EFGH", names, commits)

    with open(os.path.join(OUT, "escrow", "escrow.vec"), "w") as w:
        w.write("# docs/spec/escrow.md known answers. Source: tests/vectors/gen/key_vectors.py\n")
        w.write("# (public key by `openssl pkey`; fingerprint and commitments by Python's hashlib/hmac).\n")
        w.write("# The escrow private key is the secret of split.vec's worked example, so its\n")
        w.write("# shares are that vector's share1..share5.\n\n[valid]\n")
        w.write("name = worked_example_escrow\n")
        w.write(f"private = {escrow_private.hex()}\npublic = {escrow_pub.hex()}\n")
        w.write(f"fingerprint = {fingerprint(escrow_pub)}\n")
        for x in range(1, 6):
            w.write(f"commitment{x} = {commits[x - 1]}\n")
        wrapped_block(w, "escrow_text", etext.rstrip("\n"))

    with open(os.path.join(OUT, "kad", "kad.vec"), "w") as w:
        w.write("# docs/spec/kad.md. Source: tests/vectors/gen/key_vectors.py. ukad is ASCII,\n")
        w.write("# akad hex; [foreign] KADs are not tapekey's and must not yield an id.\n\n[valid]\n")
        for i in range(3):
            gid = rnd[1000 + 8 * i:1008 + 8 * i]
            w.write(f"name = generation_{i + 1}\nid = {gid.hex()}\nid_text = {grouped(gid)}\n")
            w.write(f"ukad = TAPEKEY1 {grouped(gid)}\nakad = {(b'TK' + bytes([1]) + gid).hex()}\n\n")
        w.write("[foreign]\n")
        for name, ukad in [("stenc_description", "Backup key 2026-11"), ("other_version", "TAPEKEY2 AAAA-BBBB-CCCC-D"),
                           ("id_too_short", "TAPEKEY1 AAAA-BBBB-CCCC"), ("bad_character", "TAPEKEY1 AAAA-BBBB-CCCC-U")]:
            w.write(f"name = {name}\nukad = {ukad}\n\n")

    # Bundle: two generation items and the auditor key, sealed to the escrow key.
    created = 1795953600  # 2026-11-29T12:00:00Z
    gens = []
    for i in range(2):
        gid = rnd[1100 + 8 * i:1108 + 8 * i]
        key = next32()
        state = ["deactivated", "active"][i]
        meta = (f"generation {grouped(gid)} {state} created=2026-11-0{i + 1}T00:00:00Z "
                f"activated=2026-11-0{i + 1}T00:00:00Z deactivated={'2026-11-02T00:00:00Z' if i == 0 else '-'} "
                f"compromised=- destroyed=- bundle=- reason=-")
        gens.append((meta, key))
    auditor = next32()
    items = []
    details = []
    for t, meta, payload in [(1, gens[0][0], gens[0][1]), (1, gens[1][0], gens[1][1]),
                             (2, "auditor created=2026-11-29T12:00:00Z", auditor)]:
        eph = next32()
        item, z, okm, aad, sealed = seal_item(escrow_pub, t, meta, payload, eph)
        items.append(item)
        details.append((t, meta, payload, eph, z, okm, aad, sealed))
    e = etext.encode()
    body = b"TKBUNDL1" + created.to_bytes(8, "big") + len(e).to_bytes(2, "big") + e + len(items).to_bytes(2, "big")
    body += b"".join(items)
    bundle = body + hashlib.sha256(body).digest()
    with open(os.path.join(OUT, "bundle", "bundle.vec"), "w") as w:
        w.write("# docs/spec/recovery-bundle.md known answers. Source: tests/vectors/gen/key_vectors.py:\n")
        w.write("# X25519 by `openssl pkeyutl -derive`, HKDF by Python's hmac, AES-256-GCM built from\n")
        w.write("# `openssl enc -aes-256-ecb` blocks with GHASH in Python (SP 800-38D). `ephemeral` is\n")
        w.write("# the 32 random bytes seal_item draws. The escrow is escrow.vec's.\n\n[items]\n")
        for i, (t, meta, payload, eph, z, okm, aad, sealed) in enumerate(details):
            w.write(f"name = item_{i + 1}\ntype = {t}\nmetadata = {meta}\npayload = {payload.hex()}\n")
            w.write(f"ephemeral = {eph.hex()}\nshared = {z.hex()}\nokm = {okm.hex()}\naad = {aad.hex()}\n")
            w.write(f"sealed = {sealed.hex()}\n\n")
        w.write("[bundle]\nname = whole_bundle\n")
        w.write(f"escrow_private = {escrow_private.hex()}\n")
        w.write(f"digest = {grouped(hashlib.sha256(body).digest()[:8])}\n")
        w.write(f"bytes = {bundle.hex()}\n")

    # Keyring: a machine key and a keyring file with two generations.
    mk = next32()
    wrap = hkdf(mk, b"", b"tapekey keyring v1 wrap", 32)
    mac_key = hkdf(mk, b"", b"tapekey keyring v1 mac", 32)
    text = "tapekey-keyring 1\nescrow " + fingerprint(escrow_pub) + "\n"
    for i, (meta, key) in enumerate(gens):
        gid = rnd[1100 + 8 * i:1108 + 8 * i]
        nonce = rnd[1200 + 12 * i:1212 + 12 * i]
        meta_b = meta.replace("bundle=-", "bundle=" + grouped(hashlib.sha256(body).digest()[:8]))
        sealed = gcm_seal(wrap, nonce, b"tapekey keyring v1 key" + gid, key)
        text += meta_b + " key=" + sv.base32(nonce + sealed) + "\n"
    text += "mac " + sv.base32(hmac.new(mac_key, text.encode(), hashlib.sha256).digest()) + "\n"
    with open(os.path.join(OUT, "keyring", "keyring.vec"), "w") as w:
        w.write("# docs/spec/keyring.md known answers. Source: tests/vectors/gen/key_vectors.py (HKDF\n")
        w.write("# and HMAC by Python, AES-256-GCM from openssl AES blocks and GHASH in Python).\n")
        w.write("# keyring_text is the whole file; key1, key2 the generation keys it wraps.\n\n[valid]\n")
        w.write(f"name = two_generations\nmachine_key = {mk.hex()}\n")
        w.write(f"machine_key_file = tapekey-machine-key 1\\nplain {sv.base32(mk)}\\n\n")
        w.write(f"key1 = {gens[0][1].hex()}\nkey2 = {gens[1][1].hex()}\n")
        wrapped_block(w, "keyring_text", text.rstrip("\n"))
    print("wrote escrow, kad, bundle and keyring vectors")


if __name__ == "__main__":
    main()
