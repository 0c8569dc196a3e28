#!/usr/bin/env bash
# A crash or a full disk in the middle of a rotation loses nothing: strace
# kills `tapekey keys rotate` at every write, fsync, rename and renameat2 it
# makes (one run per point), or fails that call with ENOSPC, and after each
# run the keyring must open and be either the old state or the new one:
# one active generation at most, and never an active generation that is not
# in a recovery bundle. The same kill at every point of `keys destroy`
# (and unlink) must leave a keyring that opens, and an erasure that running
# the command again completes.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || fail "strace is needed; ./scripts/check installs it"
# LeakSanitizer stops the world with ptrace, which cannot work under strace.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

"$TAPEKEY" init --home pristine 2>/dev/null
"$TAPEKEY" ceremony --home pristine -k 2 --custodian A --custodian B --administrator Ann --witness Walt \
  --out env --non-interactive 2>/dev/null
before=$("$TAPEKEY" keys list --home pristine --json)
matches() { { grep -o "$1" <<<"$2" || true; } | wc -l; }
count() { matches '"id"' "$1"; }
n_before=$(count "$before")

# check HOME: the invariants after an interrupted rotation.
check() {
  local home=$1 what=$2
  run keys list --home "$home" --json
  [ "$RC" -eq 0 ] || fail "$what: the keyring does not open afterwards: $ERR"
  local n active unescrowed
  n=$(count "$OUT")
  active=$(matches '"state":"active"' "$OUT")
  unescrowed=$(matches '"state":"active"[^}]*"bundle":""' "$OUT")
  [ "$n" -eq "$n_before" ] || [ "$n" -eq $((n_before + 1)) ] || fail "$what: $n generations"
  [ "$active" -eq 1 ] || fail "$what: $active active generations"
  [ "$unescrowed" -eq 0 ] || fail "$what: an active generation is not in any bundle"
  CHECKS=$((CHECKS + 1))
}

# kill_each SOURCE CHECK MAX CALL... -- ARGS...: for every CALL and every
# n until a run finishes, copies SOURCE to h and runs `tapekey ARGS` killed
# by strace at its n-th CALL (at most MAX), then runs CHECK h WHAT on what
# is left. KILLED counts the points exercised.
kill_each() {
  local source=$1 check=$2 max=$3 call n rc
  shift 3
  local calls=()
  while [ "$1" != -- ]; do calls+=("$1"); shift; done
  shift
  KILLED=0
  for call in "${calls[@]}"; do
    for n in $(seq 1 "$max"); do
      rm -rf h && cp -a "$source" h
      set +e
      # (strace re-raises the tracee's SIGKILL on itself: exit 137)
      (strace -f -o /dev/null -e trace="$call" -e inject="$call":signal=SIGKILL:when="$n" \
        "$TAPEKEY" "$@" >/dev/null 2>&1)
      rc=$?
      set -e
      if [ "$rc" -eq 0 ]; then
        break  # fewer than n such calls: every point of this call was covered
      fi
      [ "$rc" -eq 137 ] || fail "$1 $2, $call #$n: expected the process to be killed, got exit $rc"
      "$check" h "$1 $2 killed at $call #$n"
      KILLED=$((KILLED + 1))
    done
  done
}

kill_each pristine check 60 write fsync rename renameat2 -- keys rotate --home h
points=$KILLED
[ "$points" -ge 20 ] || fail "only $points crash points were exercised"

# keys destroy, killed at every write, fsync, rename, renameat2 and unlink
# it makes: the keyring opens with the generation deactivated or destroyed;
# the steps keep their order (once a bundle is written or removed, the key
# is out of keyring.prev; once an old bundle is removed, the fresh one is
# there); and running the command again finishes the erasure: keyring.prev
# has no key for it, no bundle in the home holds it (bundle metadata is
# plain text), and a bundle of the live generations is there.
cp -a pristine pd
"$TAPEKEY" keys rotate --home pd >/dev/null 2>&1
G1=$("$TAPEKEY" keys list --home pd --json | grep -o '"id":"[0-9A-Z-]*"' | head -n 1 | cut -d'"' -f4)
G2=$("$TAPEKEY" keys list --home pd --json | grep -o '"id":"[0-9A-Z-]*"' | tail -n 1 | cut -d'"' -f4)
check_destroy() {
  local home=$1 what=$2 b added removed
  run keys list --home "$home" --json
  [ "$RC" -eq 0 ] || fail "$what: the keyring does not open afterwards: $ERR"
  [ "$(matches "\"id\":\"$G1\",\"state\":\"\(deactivated\|destroyed\)\"" "$OUT")" -eq 1 ] ||
    fail "$what: $G1 is neither deactivated nor destroyed"
  added=$(comm -13 <(ls pd/bundles) <(ls "$home/bundles") | grep -c . || true)
  removed=$(comm -23 <(ls pd/bundles) <(ls "$home/bundles") | grep -c . || true)
  if [ "$added" -gt 0 ] || [ "$removed" -gt 0 ]; then
    grep -q "^generation $G1 destroyed .* key=-$" "$home/keyring.prev" ||
      fail "$what: the bundles changed while keyring.prev still held $G1's key"
  fi
  [ "$removed" -eq 0 ] || [ "$added" -gt 0 ] || fail "$what: an old bundle went before the fresh one was written"
  run keys destroy --home "$home" "$G1" --confirm "$G1"
  [ "$RC" -eq 0 ] || fail "$what: running keys destroy again failed: $ERR"
  grep -q "^generation $G1 destroyed .* key=-$" "$home/keyring.prev" || fail "$what: keyring.prev holds $G1's key"
  local live=0
  for b in "$home"/bundles/*.tkb; do
    ! grep -a -q "generation $G1 " "$b" || fail "$what: $b still holds $G1"
    if grep -a -q "generation $G2 " "$b"; then live=$((live + 1)); fi
  done
  [ "$live" -ge 1 ] || fail "$what: no bundle of the live generation is left"
  CHECKS=$((CHECKS + 1))
}
kill_each pd check_destroy 80 write fsync rename renameat2 unlink -- keys destroy --home h "$G1" --confirm "$G1"
destroyed=$KILLED
[ "$destroyed" -ge 20 ] || fail "only $destroyed crash points of keys destroy were exercised"

# A full disk at every write: either refused with a clear message and the
# state kept, or (a write of the key-use log, with log.fail_closed off)
# carried on with a warning that says the log was not written.
# (A sanitizer build is skipped here: its runtime probes memory with write()
# to a pipe and aborts when that write fails with anything but EFAULT. The
# release build runs this part.)
if ldd "$TAPEKEY" | grep libasan >/dev/null; then  # not grep -q: pipefail and SIGPIPE
  echo "keyring_crash: killed at $points points, keys destroy at $destroyed (full-disk part runs in the release build only)"
  done_ok
  exit 0
fi

# The file descriptor of every write() of a normal rotation, in order:
# writes to standard output and error are messages, not state, and skipped.
rm -rf h && cp -a pristine h
mapfile -t fds < <(strace -f -o /dev/stdout -e trace=write "$TAPEKEY" keys rotate --home h 2>/dev/null |
  sed -n 's/^\([0-9]*  *\)\{0,1\}write(\([0-9]*\),.*/\2/p')
[ "${#fds[@]}" -ge 5 ] || fail "expected several write() calls in a rotation, counted ${#fds[@]}"
full=0
for n in $(seq 1 "${#fds[@]}"); do
  [ "${fds[$((n - 1))]}" -le 2 ] && continue
  rm -rf h && cp -a pristine h
  set +e
  strace -f -o /dev/null -e trace=write -e inject=write:error=ENOSPC:when="$n" \
    "$TAPEKEY" keys rotate --home h >/dev/null 2>.err
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    grep -q "the key-use log was not written: .*No space left on device" .err ||
      fail "ENOSPC at write #$n: the rotation succeeded without saying what was not written: $(cat .err)"
  else
    [ "$rc" -eq 1 ] || fail "ENOSPC at write #$n: exit $rc"
    grep -q "No space left on device" .err || fail "ENOSPC at write #$n: the message does not say why: $(cat .err)"
  fi
  check h "ENOSPC at write #$n"
  full=$((full + 1))
done
echo "keyring_crash: killed at $points points, keys destroy at $destroyed, and failed $full writes with ENOSPC; the keyring always opened"
done_ok
