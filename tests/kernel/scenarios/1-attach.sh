# Scenario 1: the kernel attaches the emulated drive. /dev/nst0 and /dev/sg0
# exist; the st driver's commands on open (TEST UNIT READY, READ BLOCK
# LIMITS, MODE SENSE(6)) are answered without ILLEGAL REQUEST, so the kernel
# logs no illegal-request sense; an unknown operation code comes back
# through the kernel with its sense (05/20/00).
step "the kernel's view"
kernel_log > /tmp/k1
expect_grep /tmp/k1 'scsi 0:0:1:0: Sequential-Access +TAPEKEY ' "the scan finds the emulated tape drive"
expect_grep /tmp/k1 'st 0:0:1:0: Attached scsi tape st0' "st attaches it"
expect_grep /tmp/k1 'Attached scsi generic sg0 type 1' "sg attaches it"
[ -c /dev/nst0 ] && [ -c /dev/sg0 ] || fail "no /dev/nst0 or /dev/sg0"

step "st's commands on open"
trace_mark
$bb mt -f /dev/nst0 nop || fail "cannot open /dev/nst0"
trace_since > /tmp/open-trace
$bb cat /tmp/open-trace
for op in 00 05 1a; do
  expect_grep /tmp/open-trace "^op=$op status=00" "st sent opcode $op on open and it succeeded"
done
expect_no_grep /tmp/open-trace 'sense=5/' "no command of st's open ended in ILLEGAL REQUEST"
kernel_log > /tmp/k2
expect_no_grep /tmp/k2 '[Ii]llegal [Rr]equest' "the kernel logged an illegal request"

step "an unknown operation code, through /dev/sg0"
capture /tmp/raw sg_raw /dev/sg0 0e 00 00 00 00 00
[ $rc -eq 9 ] || fail "sg_raw exit status $rc, expected 9 (invalid opcode)"
expect_grep /tmp/raw 'Illegal Request' "the sense key arrives"
expect_grep /tmp/raw 'Invalid command operation code' "ASC/ASCQ 20h/00h arrives"
