# Scenario 5: an LTO-3 cartridge in the emulated LTO-4 drive. The drive
# accepts the key but writes LTO-3 media in clear, without any error
# (pitfall P12); tapekey must say so. The block dd writes is then found in
# clear in the drive's state (which also shows that scenario 4's check
# would see clear data).
make_key /tmp/keys/k5 "kernel-tier key 5"
step "load a key with an LTO-3 cartridge in the drive"
capture /tmp/load $tk drive load /dev/sg0 --key-file /tmp/keys/k5 --mode on
echo "exit status $rc"
expect_grep /tmp/load 'IN CLEAR' "tapekey drive load says data would be written in clear"
must /tmp/status $tk drive status /dev/sg0
expect_grep /tmp/status 'writes now: IN CLEAR' "tapekey status says data would be written in clear"
$bb cat /tmp/load /tmp/status > /tmp/both
expect_no_grep /tmp/both 'writes now: ENCRYPTED' "tapekey claims writes are encrypted"

step "a block written now is stored in clear"
make_plaintext /tmp/plain
$bb mt -f /dev/nst0 rewind
$bb dd if=/tmp/plain of=/dev/nst0 bs=4096 count=1 2>&1 || fail "dd to /dev/nst0"
$bb grep -aq 'tapekey-kernel-tier plaintext line 00001' $TK_STATE || fail "the block is not in clear in the drive's state"
