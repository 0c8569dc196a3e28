#!/usr/bin/env bash
# Interop with Debian's sg3-utils, unmodified, through the preload library:
# sg_raw sends hand-made and malformed CDBs and sg3-utils' own tables name
# the sense the emulated drive answers with; then blocks are written
# encrypted and read back with the right key, with a wrong key (the right
# sense, no data), without a key, and in MIXED mode across a clear and an
# encrypted cartridge.
. "$(dirname "$0")/../emu/lib.sh"

command -v sg_raw >/dev/null || fail "sg3-utils is not installed (scripts/lib.sh installs it)"
export TAPEEMU_DEVICE=/dev/sg7
sg() { run_pre sg_raw "$@" /dev/sg7 "${CDB[@]}"; }
both_have() { grep -qF -- "$1" <<<"$OUT$ERR" || fail "sg_raw did not say: $1"; CHECKS=$((CHECKS + 1)); }
# raw ARGS -- CDB...: sg_raw with CDB bytes
raw() {
  local args=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  CDB=("$@")
  sg "${args[@]}"
}

"$TAPEKEY" emu create "$D" >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge CLEAR1 >/dev/null

run_pre sg_inq /dev/sg7
expect_out_has "Peripheral device type: tape"
expect_out_has "Vendor identification: TAPEKEY"

# the insert's unit attention, once, in descriptor format on request
raw -r 252 -- 03 01 00 00 fc 00
expect_rc 0
hex=$(grep -oE '^ 00 +([0-9a-f]{2} )+' <<<"$OUT$ERR" | head -1 | cut -c8-)
run_pre sg_decode_sense $hex
expect_out_has "Descriptor format, current; Sense key: Unit Attention"
expect_out_has "Not ready to ready change, medium may have changed"
raw -- 00 00 00 00 00 00
expect_rc 0

# malformed commands and the sense sg3-utils decodes
raw -- c7 00 00 00 00 00 00 00 00 00 00 00
expect_rc 9
both_have "Invalid command operation code"
raw -r 64 -- a2 20 00 30 00 00 00 00 00 40 00 00
expect_rc 5
both_have "Invalid field in cdb"
both_have "Error in Command: byte 2"
raw -r 64 -- a2 20 00 20 80 00 00 00 00 40 00 00
both_have "Error in Command: byte 4 bit 7"
raw -r 64 -- a2 40 00 00 00 00 00 00 00 40 00 00
both_have "Error in Command: byte 1"
raw -r 16 -- 08 01 00 00 10 00
both_have "Error in Command: byte 1 bit 0"
printf '\0\x10\0\x10\x40\x40\0\0\x01\0\0\0\0\0\0\0\0\0\0\0' > off.page       # SDE, 20 bytes
raw -s 10 -i off.page -- b5 20 00 10 00 00 00 00 00 14 00 00
expect_rc 5
both_have "Parameter list length error"
printf '\0\x10\0\x10\x40\x40\0\0\x00\0\0\0\0\0\0\0\0\0\0\0' > index0.page     # algorithm index 0
raw -s 20 -i index0.page -- b5 20 00 10 00 00 00 00 00 14 00 00
both_have "Invalid field in parameter list"
both_have "Error in Data parameters: byte 8"
{ printf '\0\x10\0\x20\x40\x40\x02\x02\x01\0\0\0\0\0\0\0\0\0\0\x10'; head -c 16 /dev/zero; } > key16.page
raw -s 36 -i key16.page -- b5 20 00 10 00 00 00 00 00 24 00 00
both_have "Error in Data parameters: byte 18"
{ printf '\0\x10\0\x55\x40\x40\x02\x03\x01\0\0\0\0\0\0\0\0\0\0\x20'; head -c 32 /dev/urandom; printf '\0\0\0\x21'; head -c 33 /dev/zero | tr '\0' u; } > kad33.page
raw -s 89 -i kad33.page -- b5 20 00 10 00 00 00 00 00 59 00 00
both_have "Error in Data parameters: byte 54"
raw -s 20 -i off.page -- b5 20 00 10 00 00 00 00 00 14 00 00
expect_rc 0
run drive status --json "$D"
expect_out_has '"key_instance_counter":1'

# blocks: two clear ones on CLEAR1 ...
block() { printf '%-32s' "block $1 of the nightly backup" > "b$1"; }   # 32 bytes
write() { block "$1"; raw -s 32 -i "b$1" -- 0a 00 00 00 20 00; expect_rc 0; }
read_into() { rm -f "$1"; raw -r 32 -o "$1" -- 08 02 00 00 20 00; }
rewind() { raw -- 01 00 00 00 00 00; expect_rc 0; }
write 1
write 2
"$TAPEKEY" emu eject "$D" >/dev/null
# ... three encrypted ones on CRYPT1
"$TAPEKEY" emu insert "$D" --cartridge CRYPT1 >/dev/null
printf '%s\n%s\n' "$(openssl rand -hex 32)" "gen-A" > a.key
printf '%s\n%s\n' "$(openssl rand -hex 32)" "gen-B" > b.key
run drive load "$D" --key-file a.key --mode on
expect_rc 0
write 3
write 4
write 5
grep -qE "block [345] of" "$TAPEEMU_STATE" && fail "an encrypted block is stored in clear"
grep -q "block 1 of" "$TAPEEMU_STATE" || fail "clear blocks are not found in clear either: the check above proves nothing"
CHECKS=$((CHECKS + 1))
rewind
for i in 3 4 5; do
  read_into got
  expect_rc 0
  cmp -s got "b$i" || fail "block $i did not read back"
done
# a wrong key: DATA PROTECT, incorrect key, no data; next-block names the key
rewind
run drive load "$D" --key-file b.key --mode on
expect_err_has 'its U-KAD is "gen-A"'
read_into got
expect_rc 7
both_have "Sense key: Data Protect"
both_have "Incorrect data encryption key"
[ ! -s got ] || fail "data was returned with the wrong key"
CHECKS=$((CHECKS + 1))
# no key at all
run drive clear "$D"
read_into got
both_have "Unable to decrypt data"
[ ! -s got ] || fail "data was returned without a key"
CHECKS=$((CHECKS + 1))
# the right key again
run drive load "$D" --key-file a.key --mode on
read_into got
expect_rc 0
cmp -s got b3 || fail "block 3 did not read back with the right key"
CHECKS=$((CHECKS + 1))
# DECRYPT refuses the clear cartridge; MIXED reads both
"$TAPEKEY" emu eject "$D" >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge CLEAR1 >/dev/null
raw -- 00 00 00 00 00 00
read_into got
both_have "Unencrypted data encountered while decrypting"
run drive load "$D" --key-file a.key --mode mixed
rewind
for i in 1 2; do
  read_into got
  expect_rc 0
  cmp -s got "b$i" || fail "clear block $i did not read in MIXED mode"
done
"$TAPEKEY" emu eject "$D" >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge CRYPT1 >/dev/null
raw -- 00 00 00 00 00 00
for i in 3 4 5; do
  read_into got
  expect_rc 0
  cmp -s got "b$i" || fail "encrypted block $i did not read in MIXED mode"
done
CHECKS=$((CHECKS + 5))
# the end of the data
read_into got
both_have "Sense key: Blank Check"
done_ok
