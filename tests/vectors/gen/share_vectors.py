#!/usr/bin/env python3
"""Writes tests/vectors/share/split.vec from docs/spec/share-format.md.

This is a second implementation of the share format, written from the spec
and not from the C++ library, so that the known-answer vectors check the
library against the document rather than against itself. Standard library
only. Run from the repository root:

    python3 tests/vectors/gen/share_vectors.py > tests/vectors/share/split.vec
"""
import hashlib
import hmac

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # spec 5.1


def gf_mul(a, b, bits, modulus):
    """GF(2^bits) product modulo the given polynomial."""
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        if a >> bits:
            a ^= modulus
        b >>= 1
    return r


def gf256_mul(a, b):  # spec 3.1: GF(2^8) modulo x^8+x^4+x^3+x+1
    return gf_mul(a, b, 8, 0x11B)


def gf32_mul(a, b):  # spec 5.4: GF(2^5) modulo x^5+x^2+1
    return gf_mul(a, b, 5, 0x25)


def base32(data):  # spec 5.2: MSB first, zero bits pad the last character
    bits = "".join(f"{b:08b}" for b in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(ALPHABET[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))


def check_char(data_chars, line_index):  # spec 5.4
    c = (line_index + 1) & 31
    w = 2
    for ch in data_chars:
        c ^= gf32_mul(ALPHABET.index(ch), w)
        w = gf32_mul(w, 2)
    return ALPHABET[c]


def split(secret, k, n, rng):
    """spec 3.2: returns (set_id, [(x, payload)])"""
    set_id, rng = rng[:8], rng[8:]
    digest = hmac.new(secret, b"tapekey share v1 digest" + set_id, hashlib.sha256).digest()[:4]
    value = secret + digest
    L = len(value)
    coeffs = [rng[(d - 1) * L:d * L] for d in range(1, k)]
    assert len(rng) == (k - 1) * L, "rng must hold exactly the bytes split consumes"
    shares = []
    for x in range(1, n + 1):
        y = bytearray()
        for b in range(L):
            acc, xp = value[b], 1
            for d in range(1, k):
                xp = gf256_mul(xp, x)
                acc ^= gf256_mul(coeffs[d - 1][b], xp)
            y.append(acc)
        shares.append((x, bytes(y)))
    return set_id, shares


def share_text(set_id, k, n, x, secret_length, payload):
    """spec 4 and 5: the printed lines, without the final newline"""
    head = bytes([k, n, x, secret_length]) + set_id + payload
    checksum = hashlib.sha256(b"tapekey share v1 checksum" + b"\x01" + head).digest()[:4]
    data = "1" + base32(head + checksum)
    lines = []
    for i in range(0, len(data), 19):
        chunk = data[i:i + 19]
        chunk += check_char(chunk, i // 19)
        lines.append(" ".join(chunk[j:j + 4] for j in range(0, len(chunk), 4)))
    return "\n".join(lines)


def pseudo_random(seed, count):
    """Reproducible filler for the vectors' rng field: SHA-256 in counter mode."""
    out = b""
    i = 0
    while len(out) < count:
        out += hashlib.sha256(seed.encode() + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:count]


def vector(name, secret, k, n, comment):
    rng = pseudo_random(name, 8 + (k - 1) * (len(secret) + 4))
    set_id, shares = split(secret, k, n, rng)
    print(f"# {comment}")
    print(f"name = {name}")
    print(f"secret = {secret.hex()}")
    print(f"threshold = {k}")
    print(f"total = {n}")
    print(f"rng = {rng.hex()}")
    sid = base32(set_id)
    print(f"set_id = {'-'.join(sid[i:i + 4] for i in range(0, len(sid), 4))}")
    for x, payload in shares:
        if n <= 5 or x in (1, n):
            text = share_text(set_id, k, n, x, len(secret), payload)
            first, *rest = text.split("\n")
            print(f"share{x} = {first}")
            for line in rest:
                print(f"  {line}")
    print()


def main():
    print("# Share format v1 known answers (docs/spec/share-format.md, section 10).")
    print("# Source: tests/vectors/gen/share_vectors.py, an implementation of the spec")
    print("# written apart from the library. rng is every byte split() draws, in order:")
    print("# 8 bytes of set id, then the coefficients of x^1, x^2, ... for all bytes.")
    print("# shareX lines continue on the indented lines below them.")
    print()
    print("[valid]")
    vector("worked_example_3of5_32", bytes(range(32)), 3, 5,
           "the worked example of the spec: secret 00 01 .. 1f, 3-of-5")
    vector("min_length_2of2_16", bytes([0xFF] * 16), 2, 2, "shortest secret, smallest split")
    vector("max_length_4of7_64", bytes((7 * i + 3) & 0xFF for i in range(64)), 4, 7,
           "longest secret, 8 printed lines")
    vector("zero_secret_2of3_32", bytes(32), 2, 3, "an all-zero secret still gives random-looking shares")
    vector("wide_255of255_20", pseudo_random("wide secret", 20), 255, 255,
           "the largest split; only shares 1 and 255 are listed")


if __name__ == "__main__":
    main()
