"""terminal.py ANSWERS COMMAND...: runs COMMAND at a pseudo-terminal and
answers it as the people at the ceremony would (tests/docs/procedure.sh).

ANSWERS has one line per prompt, in order: a regular expression the output
must reach, a tab, and the line to type. Everything the command prints is
copied to standard output; the exit code is the command's."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from ptyexpect import Session  # noqa: E402


def main():
    answers = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            if "\t" not in line:
                sys.exit(f"FAIL: {sys.argv[1]}, line {n}: no tab between the prompt and the answer")
            answers.append(tuple(line.split("\t", 1)))
    t = Session(sys.argv[2:], timeout=120)
    for pattern, reply in answers:
        t.expect(pattern)
        t.send(reply)
    # Drain the rest of the output (a full pty would block the command).
    while True:
        try:
            chunk = os.read(t.fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        t.transcript += chunk
    sys.stdout.write(t.transcript.decode(errors="replace"))
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
