#!/usr/bin/env bash
# With log.fail_closed = true a key-loading command refuses to act when the
# log cannot be written, and says why (docs/spec/audit-log.md section 11):
# a full file system, a read-only one, an immutable log file, the
# file-size limit. With false it warns and goes on. `log_tool load` makes
# the calls a key-loading command makes (require_writable, then record).
. "$(dirname "$0")/lib.sh"

set_fail_closed() { sed -i "s/^# fail_closed = .*/fail_closed = $2/; s/^fail_closed = .*/fail_closed = $2/" "$1/config"; }
grep -q '^# fail_closed = false' <("$TOOL" create probe && cat probe/config) || fail "config format changed"

expect_refusal() {  # HOME CAUSE
  set +e
  out=$("$TOOL" load "$1")
  rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "load acted (rc $rc): $out"
  grep -q '^loaded' <<<"$out" && fail "load acted: $out"
  grep -qF "the key-use log cannot be written, and log.fail_closed is set" <<<"$out" || fail "no reason: $out"
  grep -qF "$2" <<<"$out" || fail "cause '$2' not named: $out"
  check
}
expect_load() {  # HOME [WARNING]
  out=$("$TOOL" load "$1") || fail "load refused: $out"
  grep -q '^loaded$' <<<"$out" || fail "not loaded: $out"
  if [ $# -gt 1 ]; then
    grep -qF "warning: " <<<"$out" || fail "no warning: $out"
    grep -qF "$2" <<<"$out" || fail "warning lacks '$2': $out"
  fi
  check
}

# 1. The file-size limit (works for every user): the log is larger than 1 KiB.
"$TOOL" create fsize
set_fail_closed fsize true
expect_load fsize
n=$(entries fsize)
( ulimit -f 1; trap '' XFSZ; set +e; out=$("$TOOL" load fsize); rc=$?
  [ "$rc" -eq 1 ] && ! grep -q '^loaded' <<<"$out" && grep -qF "file-size limit" <<<"$out" ) ||
  fail "the file-size limit did not make load refuse"
check
[ "$(entries fsize)" -eq "$n" ] || fail "an entry was written"
verify_ok fsize "$n"

# 2. An immutable log file (chattr +i; needs root and ext4, xfs or tmpfs).
"$TOOL" create immutable
set_fail_closed immutable true
if chattr +i immutable/log/keyuse.log 2>/dev/null; then
  expect_refusal immutable "keyuse.log: cannot open for appending: Operation not permitted"
  set_fail_closed immutable false
  expect_load immutable "cannot open for appending"
  chattr -i immutable/log/keyuse.log
  verify_ok immutable 1
else
  echo "fail_closed: chattr +i not possible here; immutable case skipped" >&2
fi

# 3. A full and a read-only file system: a small tmpfs in a private mount
# namespace (root only; unshare keeps the mount away from the host).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  mkdir fs
  { declare -f fail check verify_ok entries set_fail_closed expect_refusal expect_load; echo CHECKS=0; } >funcs.sh
  unshare -m bash -euo pipefail -c '
    TOOL=$1; cd "$2"; . ./funcs.sh
    mount -t tmpfs -o size=256k tmpfs fs
    for h in closed open; do
      "$TOOL" create fs/$h
      "$TOOL" append fs/$h 20 before
    done
    set_fail_closed fs/closed true
    set_fail_closed fs/open false
    expect_load fs/closed
    n=$(entries fs/closed)
    dd if=/dev/zero of=fs/filler bs=4k 2>/dev/null || true
    expect_refusal fs/closed "bytes free on its file system (64 KiB needed)"
    [ "$(entries fs/closed)" -eq "$n" ] || fail "an entry was written"
    verify_ok fs/closed "$n"
    # fail_closed = false: the command warns and goes on; a short write
    # (the last page of the file fills up) is taken back whole
    for i in $(seq 1 20); do
      out=$("$TOOL" load fs/open) || fail "load refused: $out"
      grep -q "^loaded$" <<<"$out" || fail "not loaded: $out"
    done
    grep -qF "warning: fs/open/log/keyuse.log: cannot append: No space left on device" <<<"$out" ||
      fail "no ENOSPC warning: $out"
    check
    verify_ok fs/open
    rm fs/filler
    expect_load fs/closed
    verify_ok fs/closed "$((n + 1))"
    mount -o remount,ro fs
    expect_refusal fs/closed "Read-only file system"
    mount -o remount,rw fs
    expect_load fs/closed
    verify_ok fs/closed "$((n + 2))"
    echo "$CHECKS" > checks.inner
  ' fail_closed "$TOOL" "$WORK"
  CHECKS=$((CHECKS + $(cat checks.inner)))
else
  echo "fail_closed: not root or no mount namespaces; full and read-only cases skipped" >&2
fi
done_ok
