#!/usr/bin/env bash
# combine at a terminal: a pseudo-terminal drives tapekey as a person would,
# line by line. Checks: nothing typed is echoed, each line is checked as it
# is entered (a typo is caught on its line and retyped), a foreign share is
# refused at once, and the process is hardened (no core dumps, umask 077).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed for the terminal test"

openssl rand -hex 32 > key.hex
"$TAPEKEY" split -k 2 -n 3 --in key.hex --out a 2>/dev/null
"$TAPEKEY" split -k 2 -n 3 --in key.hex --out b 2>/dev/null

PYTHONPATH="$CLI_TESTS" python3 - "$TAPEKEY" "$(cat key.hex)" <<'PY'
import re, sys
from ptyexpect import Session

tapekey, key = sys.argv[1], sys.argv[2]

def share_lines(path):
    return [l for l in open(path).read().splitlines() if l and not l.startswith("#")]

t = Session([tapekey, "combine"])
# Hardening, read from /proc while tapekey waits at its first prompt.
t.expect(r"share #1, line 1: ")
limits = open(f"/proc/{t.pid}/limits").read()
assert re.search(r"Max core file size\s+0\s+0", limits), "core dumps are not disabled"
status = open(f"/proc/{t.pid}/status").read()
assert "Umask:\t0077" in status, "umask is not 077"

a1, a2, b3 = share_lines("a/share-1.txt"), share_lines("a/share-2.txt"), share_lines("b/share-3.txt")
# Share 1, with a typo on line 2 that is caught at once and then fixed.
t.send(a1[0]); t.expect(r"line 1 ok")
typo = a1[1][:2] + ("A" if a1[1][2] != "A" else "B") + a1[1][3:]
t.send(typo); t.expect(r"line 2 has a typo"); t.expect(r"type line 2 again")
assert a1[1][5:14].encode() not in t.seen, "typed text was echoed"
for i, line in enumerate(a1[1:], start=2):
    t.expect(rf"line {i} of {len(a1)}: ")
    t.send(line); t.expect(rf"line {i} ok")
t.expect(r"accepted \(1 of 2\)")
# A share of another split is refused as soon as it is complete.
for line in b3:
    t.send(line)
t.expect(r"belongs to set"); t.expect(r"this share was not accepted")
for line in a2:
    t.send(line)
t.expect(r"accepted \(2 of 2\)")
t.expect(key)
assert t.finish() == 0, "exit code"
print("interactive: typo caught on its line, foreign share refused, secret rebuilt, process hardened")
PY
