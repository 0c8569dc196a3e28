#!/usr/bin/env python3
"""Writes tests/vectors/sheet/parts.vec and invalid.vec from
docs/spec/recovery-sheet.md.

A second implementation of the recovery-sheet part format, written from the
spec and not from the C++ library, so that the vectors check the library
against the document. Standard library only. Run from the repository root:

    python3 tests/vectors/gen/sheet_vectors.py parts > tests/vectors/sheet/parts.vec
    python3 tests/vectors/gen/sheet_vectors.py invalid > tests/vectors/sheet/invalid.vec

`sheet_vectors.py codes BUNDLE.tkb` prints the QR payloads of a bundle's
parts (tests/envelope/sheet.sh).
"""
import hashlib
import os
import sys

# The share format's alphabet, packing and line check (share-format.md 5.1,
# 5.2, 5.4), from the share generator, the spec's other implementation.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from share_vectors import ALPHABET, base32, check_char  # noqa: E402

PART_DATA = 200  # spec 2


def bundle_like(seed, length):
    """length bytes ending in the SHA-256 of the bytes before (recovery-bundle.md 1)."""
    body = b""
    i = 0
    while len(body) < length - 32:
        body += hashlib.sha256(seed.encode() + i.to_bytes(4, "big")).digest()
        i += 1
    body = body[:length - 32]
    return body + hashlib.sha256(body).digest()


def part_body(bundle, i):  # spec 2
    n = -(-len(bundle) // PART_DATA)
    data = bundle[(i - 1) * PART_DATA:i * PART_DATA]
    head = i.to_bytes(2, "big") + n.to_bytes(2, "big") + len(bundle).to_bytes(4, "big") + bundle[-32:-24] + data
    return head + hashlib.sha256(b"tapekey sheet v1 part" + head).digest()[:4]


def lines_of(body):  # spec 3
    data = "TKB1" + base32(body)
    out = []
    for s in range(0, len(data), 19):
        chunk = data[s:s + 19]
        out.append(chunk + check_char(chunk, s // 19))
    return out


def printed(lines):
    return [" ".join(l[j:j + 4] for j in range(0, len(l), 4)) for l in lines]


def grouped13(d):  # recovery-bundle.md 5
    s = base32(d)
    return "-".join(s[i:i + 4] for i in range(0, len(s), 4))


def parts():
    print("# Recovery sheet v1 parts (docs/spec/recovery-sheet.md, section 7).")
    print("# Source: tests/vectors/gen/sheet_vectors.py, an implementation of the spec")
    print("# written apart from the library. bundle: bytes ending in the SHA-256 of the")
    print("# bytes before them, as a bundle does. partI: the printed form (continued on")
    print("# the indented lines); codeI: the compact form (the QR payload); bodyI: B.")
    print()
    print("[parts]")
    for name, length, comment in [
        ("one_short_part", 40, "smallest: one part of 40 bytes"),
        ("exactly_one_full_part", 200, "one full part, 19 lines"),
        ("two_parts", 201, "a full part and a part of one byte"),
        ("three_generations_like", 1234, "the size of a small real bundle: six full parts and one of 34 bytes"),
    ]:
        b = bundle_like(name, length)
        n = -(-len(b) // PART_DATA)
        print(f"# {comment}")
        print(f"name = {name}")
        print(f"bundle = {b.hex()}")
        print(f"count = {n}")
        print(f"digest = {grouped13(b[-32:-24])}")
        for i in range(1, n + 1):
            body = part_body(b, i)
            ls = lines_of(body)
            p = printed(ls)
            print(f"body{i} = {body.hex()}")
            print(f"part{i} = {p[0]}")
            for l in p[1:]:
                print(f"  {l}")
            print(f"code{i} = {''.join(ls)}")
        print()


def flip_line(lines, li, pos, new):
    l = lines[li]
    return lines[:li] + [l[:pos] + new + l[pos + 1:]] + lines[li + 1:]


def relined(data):
    return [data[s:s + 19] + check_char(data[s:s + 19], s // 19) for s in range(0, len(data), 19)]


def invalid():
    print("# Recovery sheet v1: damaged or foreign parts and the error each gives")
    print("# (docs/spec/recovery-sheet.md, sections 3 and 5). Source:")
    print("# tests/vectors/gen/sheet_vectors.py. text is one part; error is the cause")
    print("# (tapekey::errc_name) and message the exact message.")
    print()
    print("[invalid]")
    b = bundle_like("invalid", 500)
    body = part_body(b, 2)
    good = lines_of(body)

    def case(name, lines, error, message, comment):
        print(f"# {comment}")
        print(f"name = {name}")
        print(f"text = {' '.join(printed(lines))}")
        print(f"error = {error}")
        print(f"message = {message}")
        print()

    c = good[4][3]
    other = ALPHABET[(ALPHABET.index(c) + 1) % 32]
    case("typo_line_5", flip_line(good, 4, 3, other), "checksum",
         "part 2 of 3, line 5 has a typo (the check character at the end of the line does not match)",
         "one character changed on line 5")
    case("typo_line_1", flip_line(good, 0, 10, "Z" if good[0][10] != "Z" else "Y"), "checksum",
         "line 1 of a part has a typo (the check character at the end of the line does not match)",
         "line 1 holds the part number, so the part cannot be named")
    case("missing_line", good[:7] + good[8:], "checksum",
         "part 2 of 3, lines 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 and 18 have a typo "
         "(the check character at the end of the line does not match)",
         "line 8 left out: every later line is checked at the wrong line number")
    data = "".join(l[:-1] for l in good)
    # Two characters of line 3 swapped for two others that keep its check
    # character: the part checksum catches it.
    l3 = data[38:57]
    for a in range(32):
        for bb in range(32):
            cand = l3[:5] + ALPHABET[a] + ALPHABET[bb] + l3[7:]
            if cand != l3 and check_char(cand, 2) == check_char(l3, 2):
                break
        else:
            continue
        break
    case("part_checksum", relined(data[:38] + cand + data[57:]), "checksum",
         "part 2 of 3: every line checks but the part checksum does not match",
         "two characters of line 3 changed so that its check character still holds")
    case("version_2", relined("TKB2" + data[4:]), "unsupported",
         "line 1: recovery sheet part version 2 is not supported",
         "a later version of the part format")
    share = "10C2G2826HBZKRY9A1KJ07QNE0QGXT30JHAADBVGPK0CE3CBC3PJMNGWTWF6GGEFQKTD1S4Y7WB8107QGQ24ABT90Y"
    case("a_share", [share[s:s + 20] for s in range(0, len(share), 20)], "bad format",
         "this is an escrow share, not a part of the recovery bundle",
         "share 1 of the share-format worked example, given as a bundle part")
    short = part_body(b, 1)
    case("truncated", lines_of(short)[:-2], "bad format",
         f"part 1 of 3 has {sum(len(l) for l in lines_of(short)[:-2])} characters, part 1 of this bundle has 375",
         "the last two lines of part 1 left out")
    bad_count = bytearray(body[:-4])
    bad_count[3] = 4  # n = 4 where L = 500 gives 3
    bad_count = bytes(bad_count)
    bad_count += hashlib.sha256(b"tapekey sheet v1 part" + bad_count).digest()[:4]
    case("inconsistent_count", lines_of(bad_count), "bad format",
         "part 2 of 4: the part header is inconsistent (a bundle of 500 bytes is 3 parts)",
         "a header whose n does not match L (with a valid checksum)")


def codes():
    """The compact form of every part of the bundle file named by argv[2],
    one per line in part order: the envelope tests compare them with what
    zbarimg decodes from the printed sheet."""
    with open(sys.argv[2], "rb") as f:
        b = f.read()
    for i in range(1, -(-len(b) // PART_DATA) + 1):
        print("".join(lines_of(part_body(b, i))))


if __name__ == "__main__":
    {"parts": parts, "invalid": invalid, "codes": codes}[sys.argv[1]]()
