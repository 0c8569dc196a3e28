#!/usr/bin/env bash
# Appenders killed (SIGKILL) at random points leave a log that verifies with
# the auditor key, and the next append continues the chain, rolling a
# lagging key state forward (section 7.2). A power loss in the middle of an
# entry (the file cut inside its last line) is reported as a torn tail at
# its byte offset, the entries before it verify, and the next append seals
# it (section 7.3).
. "$(dirname "$0")/lib.sh"

"$TOOL" create home
RANDOM=7
for round in $(seq 1 40); do
  start=$(entries home)
  "$TOOL" append home 100000 "r$round" &
  pid=$!
  # kill while it appends: once its first entry is there (a slow start,
  # e.g. a sanitizer build, must not make the kill land before it), then
  # after a random few milliseconds
  for i in $(seq 1 1000); do [ "$(entries home)" -gt "$start" ] && break; sleep 0.01; done
  sleep "0.0$((RANDOM % 9 + 1))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  verify_ok home
done
before=$(entries home)
"$TOOL" append home 10 after
verify_ok home $((before + 10))
[ "$before" -gt 40 ] || fail "only $before entries were written before the kills"
check

# Power loss: cut the file inside its last line.
for round in $(seq 1 10); do
  size=$(stat -c %s home/log/keyuse.log)
  good=$(($(entries home) - 1))
  cp home/log/mac.key mac.saved
  "$TOOL" append home 1 lost
  last=$(tail -n 1 home/log/keyuse.log | wc -c)
  cut=$((RANDOM % (last - 1) + 1))
  cp mac.saved home/log/mac.key        # the state of before that entry
  truncate -s "$((size + cut))" home/log/keyuse.log
  set +e
  out=$("$TOOL" verify home/log/keyuse.log home/log/auditor.key)
  rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "a torn tail verified: $out"
  grep -qF "torn last line at byte $size ($cut bytes, no line feed)" <<<"$out" || fail "torn tail not named: $out"
  grep -q "^$((good + 1)) good entries; keyuse.log entry $((good + 1)) " <<<"$out" || fail "wrong entry: $out"
  check
  "$TOOL" append home 1 "sealed$round"
  out=$("$TOOL" verify home/log/keyuse.log home/log/auditor.key) || fail "not sealed: $out"
  grep -qF "note: torn line at byte $size ($cut bytes) sealed by entry $((good + 1))" <<<"$out" || fail "seal not reported: $out"
  check
done
done_ok
