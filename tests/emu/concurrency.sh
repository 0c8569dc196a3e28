#!/usr/bin/env bash
# One emulated drive, many processes: every command locks the state file,
# so concurrent key loads through emu:PATH and through the preload library
# are all applied, none lost (the key instance counter counts them).
. "$(dirname "$0")/lib.sh"

"$TAPEKEY" emu create "$D" >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge TAPE01 >/dev/null
"$TAPEKEY" drive status "$D" >/dev/null
printf '%s\n%s\n' "$(openssl rand -hex 32)" "gen-1" > k
export TAPEEMU_DEVICE=/dev/sg7
unset TAPEEMU_TRACE
loads=12
for i in $(seq "$loads"); do
  "$TAPEKEY" drive load "$D" --key-file k >/dev/null 2>&1 &
  pre "$TAPEKEY" drive load /dev/sg7 --key-file k >/dev/null 2>&1 &
  "$TAPEKEY" drive status "$D" >/dev/null 2>&1 &
done
failed=0
for job in $(jobs -p); do
  wait "$job" || failed=$((failed + 1))
done
[ "$failed" -eq 0 ] || fail "$failed of the concurrent commands failed"
run drive status --json "$D"
expect_out_has "\"key_instance_counter\":$((2 * loads))"
run emu insert "$D" --cartridge TAPE02
expect_rc 1    # the state survived intact: TAPE01 is still in the drive
done_ok
