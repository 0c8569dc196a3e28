# Scenario 6: the TCMU command ring wraps round under the real kernel: the
# kernel writes a PAD entry to the end of the ring and starts again at
# offset 0, the handler follows it, and the drive still answers.
step "the command ring wraps round"
# TEST UNIT READYs, 500 at a time, until the kernel has written a PAD entry
# (the next entry did not fit before the end of the ring). An entry is at
# least the 112-byte struct tcmu_cmd_entry (linux/target_core_user.h) plus
# the CDB, so the 1 MiB ring must wrap within ring/112 commands.
ring=$($bb sed -n 's/.*(ring \([0-9]*\) bytes.*/\1/p' $TK_OUT_DIR/handler.log)
[ -n "$ring" ] || fail "the handler did not report its ring size"
sent=0
while ! $bb grep -q '^pad' /tmp/drive/trace; do
  [ $sent -le $((ring / 112)) ] || fail "no PAD entry after $sent commands: the ring did not wrap"
  sg_turs -n 500 /dev/sg0 || fail "TEST UNIT READY through /dev/sg0 (after $sent)"
  sent=$((sent + 500))
done
echo "the ring wrapped within $sent commands"
sg_inq /dev/sg0 > /tmp/inq || fail "INQUIRY after the wrap"
expect_grep /tmp/inq 'Peripheral device type: tape' "the drive still answers"
