#!/usr/bin/env bash
# The whole key lifecycle on the emulated drive (issue 5, "done means"):
# init, ceremony, two rotations, a cartridge written under each generation
# (and an old clear one), one generation declared compromised, the home
# lost, a restore from shares 2, 4 and 5 on a new home, and `drive auto`
# choosing the right generation for every cartridge, proved by reading the
# blocks back. Blocks are written and read by sg_raw (sg3-utils, an
# independent SCSI client) through the preload library, i.e. through the
# same SG_IO path production uses.
. "$(dirname "$0")/lib.sh"
. "$CLI_TESTS/emu_blocks.sh"
DRIVE=emu:$WORK/drive.emu
gen_of() {  # the generation id in a `drive auto` line
  sed -n 's/^loaded generation \([0-9A-Z-]*\) .*/\1/p' <<<"$OUT"
}

run init --home home
expect_rc 0
run ceremony --home home -k 3 --custodian Alice --custodian Bob --custodian Carol --custodian Dan --custodian Erin \
  --administrator Ann --witness Walt --out envelopes --non-interactive
expect_rc 0
G1=$(sed -n 's/^first tape-key generation \([0-9A-Z-]*\) is active$/\1/p' <<<"$ERR")
[ -n "$G1" ] || fail "no first generation reported"
run emu create "$DRIVE"
expect_rc 0

# An old clear tape from before encryption.
head -c 512 /dev/urandom > clear.bin
run emu insert "$DRIVE" --cartridge OLD-CLEAR; expect_rc 0
run drive clear "$DRIVE"; expect_rc 0
write_block clear.bin
run emu eject "$DRIVE"; expect_rc 0

# One cartridge under each of three generations.
declare -A GEN
for tape in TAPE-1 TAPE-2 TAPE-3; do
  if [ "$tape" != TAPE-1 ]; then
    run keys rotate --home home
    expect_rc 0
  fi
  head -c 512 /dev/urandom > "$tape.bin"
  run emu insert "$DRIVE" --cartridge "$tape"; expect_rc 0
  run drive auto "$DRIVE" --home home
  expect_rc 0
  expect_out_has "blank cartridge: active generation"
  GEN[$tape]=$(gen_of)
  write_block "$tape.bin"
  run emu eject "$DRIVE"; expect_rc 0
done
[ "${GEN[TAPE-1]}" = "$G1" ] || fail "TAPE-1 was not written under the first generation"
[ "${GEN[TAPE-2]}" != "${GEN[TAPE-1]}" ] && [ "${GEN[TAPE-3]}" != "${GEN[TAPE-2]}" ] || fail "rotation did not change the key"

# The second generation is declared compromised; the bundle goes off site.
run keys compromised --home home "${GEN[TAPE-2]}" --reason "keyring copy on a stolen laptop"
expect_rc 0
run bundle export --home home --out offsite.tkb
expect_rc 0

# Disaster: the home is gone. Restore from custodians 2, 4 and 5.
rm -rf home
run restore --home newhome --bundle offsite.tkb envelopes/share-2-Bob.pdf envelopes/share-4-Dan.pdf \
  envelopes/share-5-Erin.pdf
expect_rc 0
expect_err_has "restored 3 generations into newhome; active: ${GEN[TAPE-3]}"

# drive auto picks the right generation for every cartridge, and the data reads back.
for tape in TAPE-1 TAPE-3; do
  run emu insert "$DRIVE" --cartridge "$tape"; expect_rc 0
  run drive auto "$DRIVE" --home newhome
  expect_rc 0
  [ "$(gen_of)" = "${GEN[$tape]}" ] || fail "$tape: drive auto loaded $(gen_of), not ${GEN[$tape]}"
  expect_out_has "the cartridge was written under generation ${GEN[$tape]}"
  read_block "$tape.out" || fail "$tape: the block did not read back with the chosen key"
  cmp -s "$tape.bin" "$tape.out" || fail "$tape: the block read back differs"
  run emu eject "$DRIVE"; expect_rc 0
done
run drive status "$DRIVE"
# TAPE-1's generation is deactivated: read-only.
run emu insert "$DRIVE" --cartridge TAPE-1; expect_rc 0
run drive auto "$DRIVE" --home newhome
expect_err_has "this cartridge is for reading only"
run emu eject "$DRIVE"; expect_rc 0

# The compromised generation is reported, not loaded, unless asked.
run emu insert "$DRIVE" --cartridge TAPE-2; expect_rc 0
run drive auto "$DRIVE" --home newhome
expect_rc 1
expect_err_has "generation ${GEN[TAPE-2]} is compromised (keyring copy on a stolen laptop)"
run drive auto "$DRIVE" --home newhome --allow-compromised
expect_rc 0
[ "$(gen_of)" = "${GEN[TAPE-2]}" ] || fail "TAPE-2: wrong generation"
read_block TAPE-2.out || fail "TAPE-2 did not read back"
cmp -s TAPE-2.bin TAPE-2.out || fail "TAPE-2: the block read back differs"
run emu eject "$DRIVE"; expect_rc 0

# The old clear tape: the active generation in MIXED mode, and it still reads.
run emu insert "$DRIVE" --cartridge OLD-CLEAR; expect_rc 0
run drive auto "$DRIVE" --home newhome
expect_rc 0
expect_out_has "the next block is not encrypted: active generation ${GEN[TAPE-3]}"
expect_out_has "decrypt mixed"
read_block clear.out || fail "the clear tape did not read with a key loaded in MIXED mode"
cmp -s clear.bin clear.out || fail "the clear block read back differs"
run emu eject "$DRIVE"; expect_rc 0

# An unknown generation is reported, never guessed: a cartridge from another home.
run init --home otherhome; expect_rc 0
run ceremony --home otherhome -k 2 --custodian X --custodian Y --administrator A --witness W --out other \
  --non-interactive
expect_rc 0
run emu insert "$DRIVE" --cartridge FOREIGN; expect_rc 0
run drive auto "$DRIVE" --home otherhome; expect_rc 0
head -c 512 /dev/urandom > foreign.bin
write_block foreign.bin
run emu eject "$DRIVE"; expect_rc 0
run emu insert "$DRIVE" --cartridge FOREIGN; expect_rc 0
run drive auto "$DRIVE" --home newhome
expect_rc 1
expect_err_has "which this keyring does not hold"
expect_err_has "tapekey will not try other keys"
done_ok
