#!/usr/bin/env bash
# examples/drive_status.cpp against the emulated drive through the preload
# library (the production SG_IO path, device /dev/sg7), in each state a
# shop meets: no cartridge, a blank cartridge with a generation loaded, an
# encrypted block with the key cleared, after `drive auto`, and an LTO-3
# cartridge (key loaded, written in clear). Every value
# it prints is compared with what `tapekey drive caps|status|next-block
# --json` reports for the same drive. $1 tapekey, $2 preload library,
# $3 the example.
. "$(dirname "$0")/../emu/lib.sh"
EXAMPLE=$(realpath "$3")
command -v sg_raw >/dev/null || fail "sg_raw (sg3-utils) is needed; ./scripts/check installs it"
export TAPEEMU_DEVICE=/dev/sg7

json() {  # json NAME: the first value named NAME in $OUT (a --json line)
  local v=${OUT#*\"$1\":}
  [ "$v" != "$OUT" ] || fail "no $1 in the JSON"
  if [ "${v:0:1}" = '"' ]; then v=${v#\"}; v=${v%%\"*}; else v=${v%%[,\}]*}; fi
  printf '%s\n' "$v"
}
# example: runs the example, its output in $EX; expect_example_has LINE.
example() { run_pre "$EXAMPLE" /dev/sg7; EX=$OUT; [ "$RC" -eq 0 ] || fail "drive_status exited $RC"; }
expect_example_has() {
  grep -qxF -- "$1" <<<"$EX" || fail "drive_status lacks the line: $1"$'\n'"--- drive_status printed:"$'\n'"$EX"
  CHECKS=$((CHECKS + 1))
}
# The modes and the key instance counter must be what `drive status` says.
same_status() {
  run_pre "$TAPEKEY" drive status /dev/sg7 --json
  expect_rc 0
  expect_example_has "encryption: $(json encryption), decryption: $(json decryption), key instance counter: $(json key_instance_counter)"
  if [ "$(json writes_encrypted)" = true ]; then expect_example_has "writes now: encrypted"
  else expect_example_has "writes now: in clear"; fi
}
# The block under the head must be what `drive next-block` says.
same_next_block() {  # same_next_block KAD-WORDS
  run_pre "$TAPEKEY" drive next-block /dev/sg7 --json
  expect_rc 0
  expect_example_has "next block $(json logical_object_number): $(json encryption), $1"
}

run emu create "$D"; expect_rc 0

# 1. An empty drive: identity and capabilities as `drive caps` says, no key.
example
run_pre "$TAPEKEY" drive caps /dev/sg7 --json
expect_rc 0
expect_example_has "drive /dev/sg7: $(json vendor) $(json product) $(json revision)"
[ "$(json name)" = AES-256-GCM-128 ] && [ "$(json encrypt)" = hardware ] && [ "$(json decrypt)" = hardware ] \
  || fail "the emulated drive should offer AES-256-GCM in hardware"
mixed=no; [ "$(json distinguishes_encrypted_blocks)" = true ] && mixed=yes
expect_example_has "AES-256-GCM: algorithm index $(json index), $(json key_size)-byte key, writes encrypted: yes, reads encrypted: yes, MIXED mode: $mixed"
same_status
expect_example_has "key: none loaded"
expect_example_has "cartridge: none"

# 2. A blank cartridge and a generation loaded with `tapekey drive load`.
run init --home home; expect_rc 0
run ceremony --home home -k 2 --custodian Alice --custodian Bob --administrator Ann --witness Walt \
  --out envelopes --non-interactive
expect_rc 0
GEN=$(sed -n 's/^first tape-key generation \([0-9A-Z-]*\) is active$/\1/p' <<<"$ERR")
[ -n "$GEN" ] || fail "no first generation reported"
run emu insert "$D" --cartridge MON-001; expect_rc 0
run_pre "$TAPEKEY" drive load /dev/sg7 --generation "$GEN" --home home
expect_rc 0
example
same_status
[ "$(json text)" = "TAPEKEY1 $GEN" ] || fail "drive status shows another U-KAD"
expect_example_has "key: loaded, generation $GEN"
expect_example_has "writes now: encrypted"
expect_example_has "cartridge: blank"

# 3. One block written under that key (sg_raw, WRITE(6) of 512 bytes, SSC-4
#    7.10); the cartridge reloaded, which clears the key (clear_on_unload).
head -c 512 /dev/urandom > block.bin
run_pre sg_raw -s 512 -i block.bin /dev/sg7 0a 00 00 02 00 00
expect_rc 0
run emu eject "$D"; expect_rc 0
run emu insert "$D" --cartridge MON-001; expect_rc 0
example
same_status
expect_example_has "key: none loaded"
same_next_block "generation $GEN"
expect_example_has "next block 0: encrypted, key needed, generation $GEN"

# 4. `drive auto` loads the generation the block names; the example agrees.
run_pre "$TAPEKEY" drive auto /dev/sg7 --home home
expect_rc 0
example
same_status
expect_example_has "key: loaded, generation $GEN"
same_next_block "generation $GEN"
expect_example_has "next block 0: encrypted, key loaded, generation $GEN"

# 5. An LTO-3 cartridge: the drive takes the key and writes in clear; the
#    example must say so, from the capabilities, not from the mode.
run emu eject "$D"; expect_rc 0
run emu insert "$D" --cartridge OLD-LTO3 --lto3; expect_rc 0
run_pre "$TAPEKEY" drive load /dev/sg7 --generation "$GEN" --home home
example
same_status
expect_example_has "encryption: encrypt, decryption: mixed, key instance counter: $(json key_instance_counter)"
expect_example_has "writes now: in clear"

# 6. A device that does not exist: the library's message and hint, exit 1.
run_pre "$EXAMPLE" /dev/sg-missing
expect_rc 1
expect_err_has "drive_status: error (not found): drive /dev/sg-missing: cannot open"
expect_err_has "drive_status: hint: list the tape drives"
run_pre "$EXAMPLE"
expect_rc 2
expect_err_has "usage:"
done_ok
