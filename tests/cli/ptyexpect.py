"""ptyexpect: drive a command through a pseudo-terminal, as a person at a
keyboard would, for the terminal tests (tests/cli/*.sh). Standard library
only: pty.fork, then expect(regex) / send(line) / finish()."""
import os
import pty
import re
import select
import sys
import time


class Session:
    def __init__(self, argv, timeout=30):
        self.timeout = timeout
        self.seen = b""
        self.transcript = b""  # everything the command printed, for logs
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(argv[0], argv)

    def expect(self, pattern):
        """Waits until the output matches `pattern`; consumes up to the match."""
        end = time.time() + self.timeout
        while time.time() < end:
            m = re.search(pattern.encode(), self.seen)
            if m:
                self.seen = self.seen[m.end():]
                return
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                self.seen += chunk
                self.transcript += chunk
        sys.exit(f"FAIL: expected {pattern!r}, got {self.seen.decode(errors='replace')!r}")

    def send(self, line):
        os.write(self.fd, line.encode() + b"\n")

    def finish(self):
        """Waits for the command and returns its exit code."""
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)
