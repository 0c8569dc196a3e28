#!/usr/bin/env python3
"""Writes tests/vectors/share/decode-invalid.vec: one broken property per
vector, each with the error cause and message docs/spec/share-format.md
section 6 prescribes. Built on share_vectors.py (the spec's second
implementation). Run from the repository root:

    python3 tests/vectors/gen/share_invalid.py > tests/vectors/share/decode-invalid.vec
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import share_vectors as sv  # noqa: E402

SECRET = bytes(range(32))
RNG = sv.pseudo_random("worked_example_3of5_32", 8 + 2 * 36)
SET_ID, SHARES = sv.split(SECRET, 3, 5, RNG)


def text(k=3, n=5, x=1, length=32, payload=None, version="1"):
    payload = SHARES[x - 1][1] if payload is None and 1 <= x <= 5 else (payload or SHARES[0][1])
    head = bytes([k, n, x, length]) + SET_ID + payload
    checksum = hashlib.sha256(b"tapekey share v1 checksum" + b"\x01" + head).digest()[:4]
    data = version + sv.base32(head + checksum)
    return relayout(data)


def relayout(data):
    """data characters -> printed lines with fresh check characters"""
    lines = []
    for i in range(0, len(data), 19):
        chunk = data[i:i + 19]
        chunk += sv.check_char(chunk, i // 19)
        lines.append(" ".join(chunk[j:j + 4] for j in range(0, len(chunk), 4)))
    return "\n".join(lines)


def data_of(printed):
    """printed lines -> data characters (check characters removed)"""
    out = ""
    for line in printed.split("\n"):
        out += line.replace(" ", "")[:-1]
    return out


def emit(name, value, error, message, comment):
    print(f"# {comment}")
    print(f"name = {name}")
    first, *rest = value.split("\n")
    print(f"text = {first}")
    for line in rest:
        print(f"  {line}")
    print(f"error = {error}")
    print(f"message = {message}")
    print()


def replace_char(printed, line, col, ch):
    lines = printed.split("\n")
    s = lines[line - 1]
    lines[line - 1] = s[:col] + ch + s[col + 1:]
    return "\n".join(lines)


def main():
    good = text()
    lines = good.split("\n")
    print("# Share texts that must be refused (docs/spec/share-format.md, section 6).")
    print("# Source: tests/vectors/gen/share_invalid.py, from the worked example's share 1.")
    print("# error is the cause (tapekey::errc_name), message the exact message.")
    print()
    print("[invalid]")
    other = "A" if lines[1][0] != "A" else "B"
    emit("typo_line2", replace_char(good, 2, 0, other), "checksum",
         "line 2 has a typo (the check character at the end of the line does not match)",
         "one character changed on line 2")
    l1 = lines[0]
    swapped = l1[:5] + l1[6] + l1[5] + l1[7:]
    emit("transposition_line1", "\n".join([swapped] + lines[1:]), "checksum",
         "line 1 has a typo (the check character at the end of the line does not match)",
         "two neighbouring characters swapped on line 1")
    t = replace_char(replace_char(good, 2, 0, other), 4, 1, "Z" if lines[3][1] != "Z" else "Y")
    emit("typos_lines_2_and_4", t, "checksum",
         "lines 2 and 4 have a typo (the check character at the end of the line does not match)",
         "one typo on each of two lines")
    emit("lines_swapped", "\n".join([lines[0], lines[2], lines[1]] + lines[3:]), "checksum",
         "lines 2 and 3 have a typo (the check character at the end of the line does not match)",
         "lines 2 and 3 in the wrong order: the check character covers the line number")
    emit("character_u", replace_char(good, 3, 5, "U"), "bad format",
         "line 3, character 5 is not a share character", "U is not in the alphabet (space-separated groups: column 5 is character 5)")
    emit("last_line_missing", "\n".join(lines[:-1]), "bad format",
         "the share has 80 characters, a share of a 32-byte secret has 90", "the fifth line was not typed")
    emit("group_appended", good + " ABCD", "checksum",
         "line 5 has a typo (the check character at the end of the line does not match)",
         "an extra group at the end joins the last line, whose check character then fails")
    emit("version_2", text(version="2"), "unsupported",
         "line 1: share format version 2 is not supported", "a share from a future format, with valid check characters")
    data = data_of(good)
    j = 30  # a data character on line 2; every line still checks afterwards
    changed = data[:j] + ("A" if data[j] != "A" else "B") + data[j + 1:]
    emit("checksum_only", relayout(changed), "checksum",
         "every line checks but the share checksum does not match",
         "a change with recomputed check characters: only the share checksum catches it")
    emit("index_zero", text(x=0), "bad format", "the share has index 0, which no split produces",
         "a forged share at x = 0 (which would be the secret itself) with a valid checksum")
    emit("secret_length_15", text(length=15, payload=SHARES[0][1][:19]), "bad format",
         "line 1: the share header names an impossible secret length", "secrets are 16 to 64 bytes")
    emit("k_greater_than_n", text(k=6, n=5), "bad format",
         "line 1: the share header is inconsistent (k, n or index)", "threshold 6 of 5 shares")
    last = data[-1]
    padded = data[:-1] + sv.ALPHABET[sv.ALPHABET.index(last) | 1]
    if padded != data:
        emit("padding_bits_set", relayout(padded), "bad format",
             "the last character of the share has bits set that must be zero",
             "the unused low bit of the last character is 1")
    emit("empty", "# only a comment", "bad format", "the share is empty", "nothing but a comment")


if __name__ == "__main__":
    main()
