#!/usr/bin/env python3
"""Second implementation of docs/spec/audit-log.md (sections 4, 5, 7.3, 8),
written from the spec with the Python standard library only. Writes:

  tests/vectors/audit_log/kat.vec        known-answer entries
  tests/vectors/audit_log/kat.log        the same entries as a log file
  tests/vectors/audit_log/invalid.vec    one broken property per log, and
  tests/vectors/audit_log/invalid/*.log  what a verifier must report first

Run from the repository root: python3 tests/vectors/gen/audit_log_vectors.py
"""
import hashlib
import hmac
import os
import struct

OUT = "tests/vectors/audit_log"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def sha256(b):
    return hashlib.sha256(b).digest()


def evolve(k):
    return sha256(b"tklog-v1 evolve" + k)


def mac(k, seq, e):
    return hmac.new(k, b"tklog-v1 mac" + struct.pack(">Q", seq) + e, hashlib.sha256).digest()


def json_string(raw: bytes) -> bytes:
    """Section 4.1: shortest escapes, invalid UTF-8 bytes as U+FFFD."""
    out = bytearray(b'"')
    short = {0x22: b'\\"', 0x5C: b"\\\\", 0x08: b"\\b", 0x09: b"\\t", 0x0A: b"\\n", 0x0C: b"\\f", 0x0D: b"\\r"}
    i = 0
    while i < len(raw):
        c = raw[i]
        if c in short:
            out += short[c]
            i += 1
        elif c < 0x20 or c == 0x7F:
            out += b"\\u00%02x" % c
            i += 1
        elif c < 0x80:
            out.append(c)
            i += 1
        else:
            # the longest valid UTF-8 sequence here, per RFC 3629
            for n in (2, 3, 4):
                try:
                    raw[i:i + n].decode("utf-8")
                    ok = len(raw[i:i + n]) == n
                except UnicodeDecodeError:
                    ok = False
                if ok:
                    out += raw[i:i + n]
                    i += n
                    break
            else:
                out += "\ufffd".encode()
                i += 1
    out += b'"'
    return bytes(out)


def body(seq, time, host, user, cmd, event, fields, prev):
    parts = [b'{"v":1,"seq":', str(seq).encode(), b',"time":', json_string(time), b',"host":', json_string(host),
             b',"user":', json_string(user), b',"cmd":', json_string(cmd), b',"event":', json_string(event),
             b',"fields":{', b",".join(json_string(n) + b":" + json_string(v) for n, v in fields), b'},"prev":"',
             prev.hex().encode(), b'"']
    return b"".join(parts)


def line(b, m):
    return b + b',"mac":"' + m.hex().encode() + b'"}\n'


def base32(data):
    bits = "".join(f"{x:08b}" for x in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(CROCKFORD[int(bits[i:i + 5], 2)] for i in range(0, len(bits), 5))


def checkpoint(origin, size, last):
    h = base32(last[:20])
    return f"tapekey-log {origin} {size} " + "-".join(h[i:i + 4] for i in range(0, len(h), 4))


K0 = bytes(range(0x40, 0x60))
HOST, USER = b"vault", b"bacula"
ENTRIES = [
    (b"init", b"log.create", [(b"format", b"1"), (b"origin", b"vault")]),
    (b"init", b"init", [(b"home", b"/var/lib/tapekey")]),
    (b"drive load", b"drive.load",
     [(b"device", b"/dev/sg3"), (b"drive_serial", b"HU1234ABCD"), (b"volume", b"A00123L4"),
      (b"generation", b"G7K3M"), (b"encrypt", b"on"), (b"decrypt", b"mixed"), (b"kic_before", b"41"),
      (b"kic_after", b"42")]),
    (b"keys compromise", b"generation.state",
     [(b"generation", b"G7K3M"), (b"from", b"active"), (b"to", b"compromised"),
      (b"reason", b'quote " backslash \\ tab \t newline \n bell \x07 del \x7f')]),
    (b"drive load", b"drive.load.refused",
     [(b"reason", "caf\u00e9 \u2713 \U0001F4BE".encode()), (b"bad_utf8", b"a\xffb\xc3(c\xed\xa0\x80d"),
      (b"empty", b"")]),
    (b"ceremony", b"ceremony.close",
     [(b"participants", b"alice,bob,carol"), (b"bags", b"TS-0041,TS-0042"), (b"checkpoint",
                                                                               b"tapekey-log vault 5 X")]),
]


def build(entries, k0, start_time="2026-11-29T10:00:%02d.%06dZ"):
    k, prev, out = k0, bytes(32), []
    for i, (cmd, event, fields) in enumerate(entries):
        t = (start_time % (i, 1000 * i + 7)).encode()
        b = body(i, t, HOST, USER, cmd, event, fields, prev)
        e = sha256(b)
        m = mac(k, i, e)
        out.append(dict(seq=i, time=t, cmd=cmd, event=event, fields=fields, key=k, prev=prev, body=b, hash=e, mac=m,
                        line=line(b, m)))
        k, prev = evolve(k), e
    return out


def write_kat():
    es = build(ENTRIES, K0)
    with open(f"{OUT}/kat.log", "wb") as f:
        for e in es:
            f.write(e["line"])
    with open(f"{OUT}/kat.vec", "w") as f:
        f.write("# Key-use log known answers (docs/spec/audit-log.md sections 4 and 5).\n")
        f.write("# Source: tests/vectors/gen/audit_log_vectors.py (Python hashlib/hmac).\n")
        f.write("# fields: name=hex(value) separated by spaces; values are raw bytes before escaping.\n\n")
        f.write(f"[log]\nauditor_key = {K0.hex()}\nhost = {HOST.decode()}\nuser = {USER.decode()}\n")
        f.write(f"checkpoint = {checkpoint('vault', len(es), es[-1]['hash'])}\n")
        f.write(f"checkpoint_3 = {checkpoint('vault', 3, es[2]['hash'])}\n\n")
        for e in es:
            f.write("[entry]\n")
            f.write(f"seq = {e['seq']}\ntime = {e['time'].decode()}\ncmd = {e['cmd'].hex()}\n")
            f.write(f"event = {e['event'].decode()}\n")
            f.write("fields = " + " ".join(f"{n.decode()}={v.hex()}" for n, v in e["fields"]) + "\n")
            f.write(f"key = {e['key'].hex()}\nprev = {e['prev'].hex()}\nhash = {e['hash'].hex()}\n")
            f.write(f"mac = {e['mac'].hex()}\nline = {e['line'][:-1].hex()}\n\n")
    return es


def seal(fragment, offset, seq, k, prev, time=b"2026-11-29T11:00:00.000000Z"):
    fields = [(b"offset", str(offset).encode()), (b"length", str(len(fragment)).encode()),
              (b"sha256", sha256(fragment).hex().encode())]
    b = body(seq, time, HOST, USER, b"test", b"log.torn_tail", fields, prev)
    e = sha256(b)
    return fragment + line(b, mac(k, seq, e)), e


def write_invalid(es):
    lines = [e["line"] for e in es]
    keys = [e["key"] for e in es]
    cases = []

    def case(name, data, entry, what, key=True, checkpoint_line=None, ok=False):
        cases.append((name, data, entry, what, key, checkpoint_line, ok))

    def relined(i, new_body, k=None):
        return line(new_body, mac(k or keys[i], i, sha256(new_body)))

    # one changed byte in a field value: only the MAC notices (the chain does at i+1)
    l3 = lines[3].replace(b"compromised", b"compromisex")
    case("value_changed", b"".join(lines[:3] + [l3] + lines[4:]), 3, "mac does not match")
    case("value_changed_no_key", b"".join(lines[:3] + [l3] + lines[4:]), 4,
         "prev does not match the hash of entry 3: that entry or this one was changed", key=False)
    # entry re-made with a forged MAC under the NEXT key (an intruder's key)
    b2 = es[2]["body"].replace(b"A00123L4", b"A00999L4")
    case("forged_with_later_key", b"".join(lines[:2] + [relined(2, b2, keys[5])] + lines[3:]), 2,
         "mac does not match")
    # an entry removed from the middle
    case("entry_removed", b"".join(lines[:2] + lines[3:]), 2,
         "has sequence number 3: an entry is missing, repeated or moved here")
    # two entries swapped
    case("entries_swapped", b"".join(lines[:1] + [lines[2], lines[1]] + lines[3:]), 1,
         "has sequence number 2: an entry is missing, repeated or moved here")
    # an entry duplicated
    case("entry_repeated", b"".join(lines[:3] + [lines[2]] + lines[3:]), 3,
         "has sequence number 2: an entry is missing, repeated or moved here")
    # not canonical: a space after a colon (the MAC recomputed, so only the form is wrong)
    nb = es[1]["body"].replace(b'"seq":1', b'"seq": 1')
    case("not_canonical_space", b"".join(lines[:1] + [relined(1, nb)] + lines[2:]), 1,
         'not a valid entry: expected a number at byte 13')
    # not canonical: an escape that is not the shortest
    nb = es[3]["body"].replace(b"\\t", b"\\u0009")
    case("not_canonical_escape", b"".join(lines[:3] + [relined(3, nb)] + lines[4:]), 3,
         "not a valid entry: non-canonical escape at byte %d" % nb.index(b"\\u0009"))
    # member order changed
    nb = es[1]["body"].replace(b'"host":"vault","user":"bacula"', b'"user":"bacula","host":"vault"')
    case("members_reordered", b"".join(lines[:1] + [relined(1, nb)] + lines[2:]), 1,
         'not a valid entry: expected ,"host": at byte 51')
    # the first entry missing: the log starts at entry 1
    case("first_entry_missing", b"".join(lines[1:]), 0,
         "has sequence number 1: an entry is missing, repeated or moved here")
    # a torn tail: half of a next entry
    torn = lines[5][:100].replace(b'"seq":5', b'"seq":6')
    case("torn_tail", b"".join(lines) + torn, 6,
         "torn last line at byte %d (100 bytes, no line feed): a write was interrupted" % len(b"".join(lines)))
    # the same torn tail, sealed by the next writer: valid
    tail_off = len(b"".join(lines))
    sealed, _ = seal(torn, tail_off, 6, evolve(keys[5]), es[5]["hash"])
    case("torn_tail_sealed", b"".join(lines) + sealed, 7, "", ok=True)
    # a seal naming the wrong length
    bad_seal, _ = seal(torn[:99], tail_off, 6, evolve(keys[5]), es[5]["hash"])
    bad_seal = torn[:1] + bad_seal
    case("torn_tail_seal_wrong", b"".join(lines) + bad_seal, 6,
         "not a valid entry: torn fragment of 100 bytes before a log.torn_tail entry that does not name it")
    # truncation: only a checkpoint catches it
    cp = checkpoint("vault", 6, es[5]["hash"])
    case("truncated_passes_alone", b"".join(lines[:4]), 4, "", ok=True)
    case("truncated_against_checkpoint", b"".join(lines[:4]), 4,
         "the log ends here but the checkpoint names 6 entries: entries were removed from its end "
         "(truncation or rollback)", checkpoint_line=cp)
    # a rewritten tail: entries 4 and 5 replaced by an intruder holding k_4 (found on the server)
    alt = build(ENTRIES[:4] + [(b"drive load", b"drive.load", [(b"device", b"/dev/sg9")]), ENTRIES[5]], K0)
    case("rollback_rewritten_tail", b"".join(lines[:4] + [alt[4]["line"], alt[5]["line"]]), 5,
         "does not match the checkpoint: the log was rewritten or rolled back since it was taken",
         key=False, checkpoint_line=cp)
    case("checkpoint_of_another_log", b"".join(lines), 5,
         "the checkpoint is of log 'other', this log is 'vault'",
         checkpoint_line=checkpoint("other", 6, es[5]["hash"]))

    os.makedirs(f"{OUT}/invalid", exist_ok=True)
    with open(f"{OUT}/invalid.vec", "w") as f:
        f.write("# Key-use logs with one broken property each (docs/spec/audit-log.md section 12)\n")
        f.write("# and the first problem a verifier must report. Source: tests/vectors/gen/audit_log_vectors.py,\n")
        f.write("# from the entries of kat.vec (auditor key in kat.vec). entries = the valid entries before it;\n")
        f.write("# ok = 1 when the log must pass.\n\n")
        for name, data, entry, what, key, cp, ok in cases:
            with open(f"{OUT}/invalid/{name}.log", "wb") as lf:
                lf.write(data)
            f.write(f"[invalid]\nname = {name}\nfile = invalid/{name}.log\nwith_key = {int(key)}\n")
            f.write(f"ok = {int(ok)}\nentries = {entry}\n")
            if cp:
                f.write(f"checkpoint = {cp}\n")
            if not ok:
                f.write(f"what = {what}\n")
            f.write("\n")


if __name__ == "__main__":
    write_invalid(write_kat())
