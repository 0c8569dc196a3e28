#!/usr/bin/env bash
# log.forward = syslog sends each entry, after it is durable, to syslog(3)
# as LOG_AUTHPRIV|LOG_INFO ("<86>") under the identifier tapekey, with the
# entry's exact line (docs/spec/audit-log.md section 9); with none, nothing
# is sent. A listener on /dev/log in a private mount namespace stands in for
# the syslog daemon (root only). The journal is not checked:
# sd_journal_send reports success even with no journald to receive it.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
  echo "forward: not root or no mount namespaces; skipped" >&2
  exit 0
fi
"$TOOL" create home
unshare -m bash -euo pipefail -c '
  TOOL=$1
  mount -t tmpfs tmpfs /dev          # only in this namespace
  mknod -m 666 /dev/null c 1 3
  python3 -c "
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"/dev/log\")
open(\"ready\", \"w\").close()
s.settimeout(30)
open(\"got\", \"wb\").write(s.recv(65536))
" &
  for i in $(seq 1 100); do [ -e ready ] && break; sleep 0.1; done
  "$TOOL" load home >/dev/null                       # forward = none: nothing sent
  sed -i "s/^# forward = .*/forward = syslog/" home/config
  "$TOOL" load home >/dev/null                       # entry 2: sent
  wait
' forward "$TOOL"
line=$(sed -n 3p home/log/keyuse.log)
got=$(cat got)
[[ "$got" == "<86>"*" tapekey["*"]: keyuse.log entry 2: $line" ]] || fail "forwarded: $got; expected entry 2: $line"
check
done_ok
