#!/usr/bin/env bash
# tapekey drive ... and tapekey emu ... against the emulated drive (emu:PATH):
# what a user sees, the JSON a script reads, and every refusal with its exit
# code (1: the operation said no, 2: usage).
. "$(dirname "$0")/lib.sh"

D=emu:$WORK/drive.emu
KEY=$(openssl rand -hex 32)
printf '%s\n%s\n' "$KEY" "tape-key-2024" > stenc.key     # stenc's key file: hex, then a description
printf '%s\n' "$KEY" > bare.key

run emu create "$D" --persona hp-lto4
expect_rc 0
expect_out "emulated drive $D (hp-lto4), new: empty"
expect_mode "$WORK/drive.emu" 600
run emu create "$D"
expect_rc 1
expect_err_has "exists"
expect_err_has "--force"

# no cartridge: status works, next-block says so, --ckod is refused
run drive status "$D"
expect_rc 0
expect_out_has "encryption: disable, decryption: disable"
expect_out_has "writes now: in clear (encryption is off)"
run drive next-block "$D"
expect_out "drive $D: no cartridge"
run drive load "$D" --key-file stenc.key --ckod
expect_rc 1
expect_err_has "--ckod needs a cartridge loaded"

run emu insert "$D" --cartridge TAPE01
expect_rc 0
expect_out "emulated drive $D (hp-lto4): cartridge TAPE01"
run emu insert "$D" --cartridge TAPE02
expect_rc 1
expect_err_has "cartridge TAPE01 is in the drive"

run drive caps "$D"
expect_rc 0
expect_out_has "algorithm 1: AES-256-GCM-128 (00010014h), encrypt hardware, decrypt hardware"
expect_out_has "U-KAD up to 32 bytes, A-KAD up to 12 bytes"
expect_out_has "valid for the mounted cartridge: yes"
run drive caps --json "$D"
expect_out_has '"algorithms":[{"index":1,"algorithm":"00010014h","name":"AES-256-GCM-128"'

run drive load "$D" --key-file stenc.key --mode mixed
expect_rc 0
expect_out "key loaded into $D (key instance counter 1); writes now: ENCRYPTED"
run drive status "$D"
expect_out_has "encryption: encrypt, decryption: mixed"
expect_out_has "algorithm index: 1"
expect_out_has "key instance counter: 1"
expect_out_has 'U-KAD: "tape-key-2024"'
expect_out_has "writes now: ENCRYPTED"
run drive status --json "$D"
expect_out '{"encryption":"encrypt","decryption":"mixed","algorithm_index":1,"key_instance_counter":1,"scope":2,"parameters_control":1,"volume_has_encrypted_blocks":false,"writes_encrypted":true,"kads":[{"type":"U-KAD","authenticated":1,"hex":"746170652d6b65792d32303234","text":"tape-key-2024"}],"write_protection":{"medium":false,"software":false,"associated":false,"persistent":false,"permanent":false,"associated_changeable":true}}'
grep -qi "$KEY" "$WORK/.out" "$WORK/.err" && fail "the key was printed"

run drive load "$D" --key-file bare.key
expect_rc 0
run drive status --json "$D"
expect_out_has '"decryption":"decrypt"'
expect_out_has '"kads":[]'

run drive clear "$D"
expect_rc 0
expect_out "encryption off and key cleared in $D (key instance counter 3)"

# refusals
printf '%s\n%s\n' "$KEY" "${KEY:8:24}" > leaky.key
run drive load "$D" --key-file leaky.key
expect_rc 1
expect_err_has "the key description (U-KAD) contains part of the key"
expect_err_has "never the key itself"
printf 'zz%s\n' "${KEY:2}" > bad.key
run drive load "$D" --key-file bad.key
expect_rc 1
expect_err_has "bad.key, line 1"
printf '%s\n' "${KEY:0:32}" > short.key
run drive load "$D" --key-file short.key
expect_rc 1
expect_err_has "the key is 16 bytes; drive $D takes 32"
printf '%s\n%s\n' "$KEY" "a description far longer than thirty-two bytes" > long.key
run drive load "$D" --key-file long.key
expect_rc 1
expect_err_has "takes at most 32"
run drive load "$D" --key-file stenc.key --mode sideways
expect_rc 2
run drive status sg3
expect_rc 2
expect_err_has "not /dev/sgN, /dev/nstN or emu:PATH"
run drive status /dev/sg-none
expect_rc 1
expect_err_has "lsscsi -g"
expect_err_has "cannot open"
grep -qi "$KEY" "$WORK/.out" "$WORK/.err" && fail "the key was printed"

# clear on demount: the key goes when the cartridge does
run drive load "$D" --key-file stenc.key --mode mixed --ckod
expect_rc 0
run emu eject "$D"
expect_out "emulated drive $D (hp-lto4): empty"
run drive status "$D"
expect_out_has "encryption: disable, decryption: disable"

# an LTO-3 cartridge takes the key and is written in clear: never "protected"
run emu insert "$D" --cartridge OLD03 --lto3
expect_out "emulated drive $D (hp-lto4): cartridge OLD03 (LTO-3)"
run drive load "$D" --key-file stenc.key
expect_rc 0
expect_err_has "data written now will NOT be encrypted"
run drive status "$D"
expect_out_has "encryption: encrypt, decryption: decrypt"
expect_out_has "writes now: IN CLEAR: the drive says its algorithm is not valid for the mounted cartridge"
run drive status --json "$D"
expect_out_has '"writes_encrypted":false'
run drive caps "$D"
expect_out_has "valid for the mounted cartridge: no"
run emu eject "$D"
run emu insert "$D" --cartridge OLD03
expect_rc 1
expect_err_has "is an LTO-3 cartridge"

# power cycle clears the key
run emu insert "$D" --cartridge TAPE01
run drive load "$D" --key-file stenc.key
run emu power-cycle "$D"
run drive status "$D"
expect_out_has "encryption: disable"

# a drive without encryption
run emu create "emu:$WORK/old.emu" --persona no-encryption
run drive caps "emu:$WORK/old.emu"
expect_rc 1
expect_err_has "invalid command operation code (05/20/00)"
expect_err_has "not encryption-capable"
run emu create "emu:$WORK/x.emu" --persona dat72
expect_rc 2

done_ok
