# Scenario 7: a cartridge write-protected until it is unloaded (ASOCWP,
# docs/spec/ssc-pages.md section 8) under the real kernel. sdparm, an
# independent client, sets it with MODE SELECT through sg; tapekey reads
# it back through its SG_IO path; st, which takes the WP bit from MODE
# SENSE when the drive is opened, refuses to open it for writing (EROFS)
# while reads go on; cleared, writes go through again.
[ -x /usr/bin/sdparm ] || fail "sdparm is needed; ./scripts/check installs it"
# sdparm also asks for saved values, which the drive does not keep (SPC-4
# 05/39/00): it then exits 5 after doing the rest.
dc() {
  capture /tmp/dc /usr/bin/sdparm --page=dc "$@" /dev/sg0
  [ $rc -eq 0 ] || [ $rc -eq 5 ] || fail "sdparm $* exited $rc"
}
make_key /tmp/keys/k7 "kernel-tier key 7"
make_plaintext /tmp/plain
must /tmp/load $tk drive load /dev/sg0 --key-file /tmp/keys/k7 --mode on
$bb mt -f /dev/nst0 rewind
$bb dd if=/tmp/plain of=/dev/nst0 bs=4096 count=1 2>&1 || fail "dd to /dev/nst0 before the protection"

step "sdparm sets ASOCWP; tapekey reads it through SG_IO"
dc --set=ASOCWP=1
dc --get=ASOCWP
expect_grep /tmp/dc '^ASOCWP +1 ' "sdparm reads ASOCWP 1"
must /tmp/status $tk drive status /dev/sg0
expect_grep /tmp/status 'write protection: this cartridge until it is unloaded' "tapekey reads ASOCWP"

step "st refuses to open the drive for writing; reading goes on"
capture /tmp/dd $bb dd if=/tmp/plain of=/dev/nst0 bs=4096 count=1
[ $rc -ne 0 ] || fail "dd wrote to a write-protected cartridge"
expect_grep /tmp/dd 'Read-only file system' "st refuses with EROFS"
$bb mt -f /dev/nst0 rewind
$bb dd if=/dev/nst0 of=/tmp/back bs=4096 count=1 2>&1 || fail "dd could not read the write-protected cartridge"
$bb cmp /tmp/back /tmp/plain 2>/dev/null || $bb head -c 4096 /tmp/plain | $bb cmp - /tmp/back ||
  fail "the block read back differs"

step "cleared: writes go through again"
dc --set=ASOCWP=0
must /tmp/status $tk drive status /dev/sg0
expect_grep /tmp/status 'write protection: none' "tapekey reads ASOCWP 0"
$bb mt -f /dev/nst0 rewind
$bb dd if=/tmp/plain of=/dev/nst0 bs=4096 count=1 2>&1 || fail "dd to /dev/nst0 after clearing"
must /tmp/clear $tk drive clear /dev/sg0
