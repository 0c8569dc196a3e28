#!/usr/bin/env bash
# Eight processes appending 1,000 entries each leave 8,000 entries (plus
# entry 0) in one valid chain, every process's entries complete and in
# its own order (docs/spec/audit-log.md section 7.1).
. "$(dirname "$0")/lib.sh"

"$TOOL" create home
pids=()
for p in 1 2 3 4 5 6 7 8; do
  "$TOOL" append home 1000 "p$p" &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || fail "appender $pid failed"
done
verify_ok home 8001
for p in 1 2 3 4 5 6 7 8; do
  # each writer's entries: all 1,000, in order 0..999
  seq_ok=$(grep -o "\"fields\":{\"tag\":\"p$p\",\"i\":\"[0-9]*\"" home/log/keyuse.log | grep -o '[0-9]*"$' | tr -d '"' |
    awk 'BEGIN { n = 0 } $1 != n { bad = 1 } { n++ } END { print (bad || n != 1000) ? "bad " n : "ok" }')
  [ "$seq_ok" = ok ] || fail "writer p$p: $seq_ok"
  check
done
# the writers really interleaved (otherwise the lock was never contended)
switches=$(grep -o '"tag":"p[0-9]"' home/log/keyuse.log | uniq | wc -l)
[ "$switches" -gt 8 ] || fail "the writers never interleaved ($switches runs)"
check
done_ok
