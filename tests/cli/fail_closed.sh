#!/usr/bin/env bash
# log.fail_closed = true: when the key-use log cannot be written, the
# key-loading commands refuse to act and say why, and the drive keeps its
# previous state. The log is made unwritable with `chattr +i` (root) or,
# where that is not possible, a read-only log folder (non-root).
. "$(dirname "$0")/lib.sh"
home_with_escrow home
run emu create "emu:$WORK/d.emu"; expect_rc 0
run emu insert "emu:$WORK/d.emu" --cartridge T1; expect_rc 0
printf '[log]\nfail_closed = true\n' >> home/config

unwritable() {
  if [ "$(id -u)" -eq 0 ]; then
    chattr +i home/log/keyuse.log 2>/dev/null || fail "chattr +i does not work here"
  else
    chmod 500 home/log
  fi
}
writable() {
  if [ "$(id -u)" -eq 0 ]; then chattr -i home/log/keyuse.log; else chmod 700 home/log; fi
}
trap 'writable 2>/dev/null || true; rm -rf "$WORK"' EXIT

unwritable
run drive auto "emu:$WORK/d.emu" --home home
expect_rc 1
expect_err_has "keyuse.log"
run drive status "emu:$WORK/d.emu" --json
grep -q '"key_instance_counter":0' <<<"$OUT" || fail "a key was loaded although the log could not be written"
run drive load "emu:$WORK/d.emu" --active --home home
expect_rc 1
writable
# Writable again: the same command loads, and the log records it.
run drive auto "emu:$WORK/d.emu" --home home
expect_rc 0
run log show --home home --event drive.load
expect_out_has "drive.load"
# With fail_closed off, an unwritable log is a warning and the load goes on.
sed -i 's/^fail_closed = true$/fail_closed = false/' home/config
unwritable
run drive auto "emu:$WORK/d.emu" --home home
expect_rc 0
expect_err_has "the key-use log was not written"
writable

# The plain drive commands log to the machine's home (TAPEKEY_HOME) too.
export TAPEKEY_HOME=$WORK/home
run drive next-block "emu:$WORK/d.emu"; expect_rc 0
run drive clear "emu:$WORK/d.emu"; expect_rc 0
run log show --home home --event drive.next_block
expect_out_has "drive.next_block"
run log show --home home --event drive.clear
expect_out_has "counter_after="
sed -i 's/^fail_closed = false$/fail_closed = true/' home/config
unwritable
run drive clear "emu:$WORK/d.emu"
expect_rc 1
expect_err_has "keyuse.log"
writable
run log verify --home home
expect_rc 0
done_ok
