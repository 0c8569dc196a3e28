# Scenario 4: blocks written with dd to /dev/nst0 under a loaded key are
# stored encrypted (the plaintext is nowhere in the drive's state file),
# read back with the key, and refused when the key is cleared: the drive
# answers DATA PROTECT, UNABLE TO DECRYPT DATA (07/74/01) and dd fails
# cleanly with an I/O error.
make_key /tmp/keys/k4 "kernel-tier key 4"
make_plaintext /tmp/plain
must /tmp/load $tk drive load /dev/sg0 --key-file /tmp/keys/k4 --mode on

step "write 4 blocks of 4 KiB with dd through st"
$bb mt -f /dev/nst0 rewind
$bb dd if=/tmp/plain of=/dev/nst0 bs=4096 count=4 2>&1 || fail "dd to /dev/nst0"

step "the drive's state holds ciphertext"
size=$($bb stat -c %s $TK_STATE)
echo "state file: $size bytes"
[ "$size" -gt 16384 ] || fail "the state file is too small to hold the 4 blocks"
expect_grep $TK_STATE 'kernel-tier key 4' "the blocks' U-KAD is in the state (in clear, as on tape)"
if $bb grep -aq 'tapekey-kernel-tier plaintext' $TK_STATE; then
  fail "the plaintext is in the drive's state: the blocks were written in clear"
fi

step "next-block status through the kernel"
$bb mt -f /dev/nst0 rewind
must /tmp/nb $tk drive next-block /dev/sg0
expect_grep /tmp/nb 'block 0: encrypted, key loaded' "the block under the head is encrypted with the loaded key"
expect_grep /tmp/nb 'kernel-tier key 4' "the block's U-KAD"

step "read back with the key"
$bb dd if=/dev/nst0 of=/tmp/back bs=4096 count=4 2>&1 || fail "dd from /dev/nst0 with the key"
$bb cmp /tmp/plain /tmp/back || fail "the data read back differs"

step "key cleared: the read is refused"
must /tmp/clear $tk drive clear /dev/sg0
$bb mt -f /dev/nst0 rewind
trace_mark
capture /tmp/dd $bb dd if=/dev/nst0 of=/tmp/back2 bs=4096 count=1
[ $rc -ne 0 ] || fail "dd read an encrypted block with the key cleared"
expect_grep /tmp/dd 'Input/output error' "dd reports an I/O error"
trace_since > /tmp/t
$bb cat /tmp/t
expect_grep /tmp/t '^op=08 status=02 sense=7/74/01' "READ(6) ended in DATA PROTECT, UNABLE TO DECRYPT DATA"
kernel_log > /tmp/k4
expect_grep /tmp/k4 'st0\] ASC=0x74 ASCQ=0x1' "st logs the sense the drive returned"
[ ! -s /tmp/back2 ] || fail "dd wrote data it could not have read"
