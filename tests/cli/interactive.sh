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

python3 - "$TAPEKEY" "$(cat key.hex)" <<'PY'
import os, pty, re, select, sys, time

tapekey, key = sys.argv[1], sys.argv[2]

def share_lines(path):
    return [l for l in open(path).read().splitlines() if l and not l.startswith("#")]

pid, fd = pty.fork()
if pid == 0:
    os.execv(tapekey, [tapekey, "combine"])

seen = b""
def expect(pattern, timeout=30):
    global seen
    end = time.time() + timeout
    while time.time() < end:
        m = re.search(pattern.encode(), seen)
        if m:
            seen = seen[m.end():]
            return
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    sys.exit(f"FAIL: expected {pattern!r}, got {seen.decode(errors='replace')!r}")

def send(line):
    os.write(fd, line.encode() + b"\n")

# Hardening, read from /proc while tapekey waits at its first prompt.
expect(r"share #1, line 1: ")
limits = open(f"/proc/{pid}/limits").read()
assert re.search(r"Max core file size\s+0\s+0", limits), "core dumps are not disabled"
status = open(f"/proc/{pid}/status").read()
assert "Umask:\t0077" in status, "umask is not 077"

a1, a2, b3 = share_lines("a/share-1.txt"), share_lines("a/share-2.txt"), share_lines("b/share-3.txt")
# Share 1, with a typo on line 2 that is caught at once and then fixed.
send(a1[0]); expect(r"line 1 ok")
typo = a1[1][:2] + ("A" if a1[1][2] != "A" else "B") + a1[1][3:]
send(typo); expect(r"line 2 has a typo"); expect(r"type line 2 again")
assert a1[1][5:14].encode() not in seen, "typed text was echoed"
for i, line in enumerate(a1[1:], start=2):
    expect(rf"line {i} of {len(a1)}: ")
    send(line); expect(rf"line {i} ok")
expect(r"accepted \(1 of 2\)")
# A share of another split is refused as soon as it is complete.
for line in b3:
    send(line)
expect(r"belongs to set"); expect(r"this share was not accepted")
for line in a2:
    send(line)
expect(r"accepted \(2 of 2\)")
expect(key)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, "exit code"
print("interactive: typo caught on its line, foreign share refused, secret rebuilt, process hardened")
PY
