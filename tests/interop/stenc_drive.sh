#!/usr/bin/env bash
# Interop with Debian's stenc 1.0.7, unmodified, through the preload library:
# a key set by stenc is what tapekey reports (same modes, KAD, counter), and
# a key loaded by tapekey is what stenc shows. stenc's quirks (ssc-encryption
# notes): it must run as root, writes /var/log/stenc (redirected here), does
# not retry a unit attention, and exits 0 when a status read fails, so every
# check reads its output, never its exit code alone.
. "$(dirname "$0")/../emu/lib.sh"

command -v stenc >/dev/null || fail "stenc is not installed (scripts/lib.sh installs it)"
if [ "$(id -u)" -ne 0 ]; then
  echo "stenc refuses to run unless root; skipped"
  exit 77
fi
export TAPEEMU_DEVICE=/dev/sg7
syslog_before=$(stat -c '%Y %s' /var/log/stenc 2>/dev/null || echo none)

# Under a sanitizer build the ASan runtime is loaded into stenc too, and it
# catches stenc 1.0.7 itself: when it loads a key from a file it memsets past
# the end of a new[] buffer. That is stenc's bug, not the drive's: do not
# check intrinsics (memset, memcpy) in stenc.
stenc_run() { ASAN_OPTIONS=$ASAN_OPTIONS:replace_intrin=0 run_pre stenc -f /dev/sg7 "$@"; }
status_json() { run drive status --json "$D"; }

# stenc 1.0.7 leaves reserved bits of its KAD header uninitialised: lenient drive
"$TAPEKEY" emu create "$D" --lenient >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge TAPE01 >/dev/null
"$TAPEKEY" drive status "$D" >/dev/null   # takes the unit attention stenc would trip on
KEY=$(openssl rand -hex 32)
printf '%s\n%s\n' "$KEY" "Test Key 2026-11" > stenc.key

# stenc sets, tapekey reads
stenc_run -e on -a 1 -k stenc.key
expect_out_has "Success!"
status_json
expect_out_has '"encryption":"encrypt","decryption":"decrypt","algorithm_index":1,"key_instance_counter":1,"scope":2'
expect_out_has '"kads":[{"type":"U-KAD","authenticated":1,"hex":"54657374204b657920323032362d3131","text":"Test Key 2026-11"}]'
run_pre "$TAPEKEY" drive status --json /dev/sg7    # the same through SG_IO
expect_out_has '"key_instance_counter":1'
expect_out_has '"text":"Test Key 2026-11"'
stenc_run -e mixed -a 1 -k stenc.key
expect_out_has "Success!"
status_json
expect_out_has '"encryption":"encrypt","decryption":"mixed","algorithm_index":1,"key_instance_counter":2'
stenc_run -e rawread -a 1 -k stenc.key
status_json
expect_out_has '"decryption":"raw"'
stenc_run -e off -a 1
expect_out_has "Success!"
status_json
expect_out_has '"encryption":"disable","decryption":"disable","algorithm_index":0,"key_instance_counter":4'
# Debian's stenc defaults to algorithm index 0, which HP drives refuse
stenc_run -e on -k stenc.key
expect_err_has "Illegal Request (0x05)"
expect_err_has "failed"
status_json
expect_out_has '"encryption":"disable"'
expect_out_has '"key_instance_counter":4'
grep -q "Key Descriptor: 'Test Key 2026-11'" "$TAPEEMU_STENC_LOG" || fail "stenc's audit log was not redirected"
CHECKS=$((CHECKS + 1))

# tapekey loads, stenc reads
printf '%s\n%s\n' "$(openssl rand -hex 32)" "tapekey gen 0007" > tapekey.key
run drive load "$D" --key-file tapekey.key --mode mixed
expect_rc 0
stenc_run --detail
expect_out_has "Device Mfg:              TAPEKEY"
expect_out_has "Drive Encryption:        mixed"
expect_out_has "Unencrypted data outputted"
expect_out_has "Drive Input:             Encrypting"
expect_out_has "Key Instance Counter:    5"
expect_out_has "Encryption Algorithm:    1"
expect_out_has "Drive Key Desc.(uKAD):   tapekey gen 0007"
run drive load "$D" --key-file tapekey.key --mode on
stenc_run --detail
expect_out_has "Drive Encryption:        on"
expect_out_has "Unencrypted data not outputted"

# a block written encrypted: stenc's volume status agrees with tapekey's
printf 'a block of backup data' > block
pre sg_raw -s 22 -i block /dev/sg7 0a 00 00 00 16 00 >/dev/null 2>&1
pre sg_raw /dev/sg7 01 00 00 00 00 00 >/dev/null 2>&1
stenc_run --detail
expect_out_has "Volume Encryption:       Encrypted and able to decrypt"
run drive clear "$D"
stenc_run --detail
expect_out_has "Drive Encryption:        off"
expect_out_has "Volume Encryption:       Encrypted, but unable to decrypt due to invalid key."
expect_out_has "Volume Key Desc.(uKAD):  tapekey gen 0007"
run drive next-block "$D"
expect_out_has 'U-KAD: "tapekey gen 0007"'

# a drive without encryption: stenc exits 0 but its output shows the failure
"$TAPEKEY" emu create "$D" --persona no-encryption --force >/dev/null
stenc_run --detail
[ "$RC" -eq 0 ] || echo "note: stenc now exits $RC on a failed status read"
expect_err_has "Illegal Request (0x05)"
grep -q "Drive Encryption" <<<"$OUT" && fail "stenc reported an encryption state for a drive without encryption"

[ "$(stat -c '%Y %s' /var/log/stenc 2>/dev/null || echo none)" = "$syslog_before" ] || fail "/var/log/stenc was written"
CHECKS=$((CHECKS + 1))
done_ok
