#!/usr/bin/env bash
# An LTO-3 cartridge in an LTO-4 drive is never encrypted (the drive says the
# algorithm is not valid for the volume). `drive auto` loads the key, so the
# cartridge can be read, but says no (exit 1): a Bacula hook that only checks
# the exit status must not go on to write in clear.
. "$(dirname "$0")/lib.sh"
home_with_escrow home
run emu create "emu:$WORK/d.emu"; expect_rc 0
run emu insert "emu:$WORK/d.emu" --cartridge OLD-LTO3 --lto3; expect_rc 0
run drive auto "emu:$WORK/d.emu" --home home
expect_rc 1
expect_err_has "data written to this cartridge would NOT be encrypted"
expect_err_has "an LTO-3 cartridge in an LTO-4 drive is never encrypted"
run drive status "emu:$WORK/d.emu"
expect_rc 0
run log show --home home --event drive.load
expect_out_has "writes_encrypted=no"
# The same drive with an LTO-4 cartridge: encrypted, exit 0.
run emu eject "emu:$WORK/d.emu"; expect_rc 0
run emu insert "emu:$WORK/d.emu" --cartridge NEW-LTO4; expect_rc 0
run drive auto "emu:$WORK/d.emu" --home home
expect_rc 0
done_ok
