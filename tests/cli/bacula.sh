#!/usr/bin/env bash
# The Bacula integration on the emulated drive: the volume
# name in the key-use log (drive auto --volume), and the exposure list of a
# generation read back from it (keys cartridges).
. "$(dirname "$0")/lib.sh"
DRIVE=emu:$WORK/drive.emu
gen_of() {  # the generation id in a `drive auto` line
  sed -n 's/^loaded generation \([0-9A-Z-]*\) .*/\1/p' <<<"$OUT"
}
last_entry() {  # last_entry EVENT: the newest entry of that type, as `log show` prints it
  run log show --home home --event "$1"
  expect_rc 0
  LAST=$(tail -n 1 <<<"$OUT")
}
expect_last_has() { grep -qF -- "$1" <<<"$LAST" || fail "the last entry lacks: $1 ($LAST)"; CHECKS=$((CHECKS + 1)); }

run init --home home; expect_rc 0
run ceremony --home home -k 2 --custodian A --custodian B --administrator Ann --witness Walt --out env \
  --non-interactive
expect_rc 0
G1=$(sed -n 's/^first tape-key generation \([0-9A-Z-]*\) is active$/\1/p' <<<"$ERR")
[ -n "$G1" ] || fail "no first generation reported"
run emu create "$DRIVE"; expect_rc 0

# 1. drive auto --volume: the volume name in the probe and the load.
run emu insert "$DRIVE" --cartridge T1; expect_rc 0
run drive auto "$DRIVE" --home home --volume Vol:0001.a-b_c
expect_rc 0
[ "$(gen_of)" = "$G1" ] || fail "drive auto loaded $(gen_of), not $G1"
last_entry drive.load
expect_last_has "volume=Vol:0001.a-b_c"
expect_last_has "drive_serial="
expect_last_has "generation=$G1"
expect_last_has "encryption=encrypt"
last_entry drive.next_block
expect_last_has "volume=Vol:0001.a-b_c"
run drive auto "$DRIVE" --home home --volume Vol1 --json
expect_rc 0
expect_out_has '"volume":"Vol1"'
# Without --volume the entry says so.
run drive auto "$DRIVE" --home home
expect_rc 0
last_entry drive.load
expect_last_has "volume=-"
# drive load --generation and --key-file take it too.
run drive load "$DRIVE" --home home --generation "$G1" --volume Vol2
expect_rc 0
last_entry drive.load
expect_last_has "volume=Vol2"

# Names Bacula would never give are refused before the drive is touched,
# and nothing is logged.
run log show --home home
ENTRIES=$(wc -l <<<"$OUT")
for bad in 'Vol 1' 'Vol/1' 'Vol;rm' 'Vol$1' "Vol'1" 'Völ1' "$(printf 'V%.0s' {1..128})"; do
  run drive auto "$DRIVE" --home home --volume "$bad"
  expect_rc 2
  expect_err_has "volume name"
  expect_err_has "A-Z a-z 0-9 : . - _"
done
run drive auto "$DRIVE" --home home --volume "Vol 1"
expect_err_has "character 4 (byte 32) is not allowed"
run drive auto "$DRIVE" --home home --volume ""
expect_rc 2
expect_err_has "is empty"
run log show --home home
[ "$(wc -l <<<"$OUT")" = "$ENTRIES" ] || fail "a refused volume name left log entries"
run emu eject "$DRIVE"; expect_rc 0

# 2. keys cartridges: the volumes each generation was loaded for.
run keys rotate --home home; expect_rc 0
run emu insert "$DRIVE" --cartridge T1; expect_rc 0
run drive load "$DRIVE" --home home --generation "$G1" --volume VolR   # deactivated: for reading only
expect_rc 0
run emu eject "$DRIVE"; expect_rc 0
run keys cartridges "$G1" --home home
expect_rc 0
expect_out_has "generation $G1, from home/log/keyuse.log (hash chain verified,"
expect_out_has "written under it (encrypt mode): 3 volumes"
expect_out_has "read only (never written under it): 1 volume"
written=$(sed -n '/^written under it/,/^read only/p' <<<"$OUT" | awk 'NR > 2 && /^  / { print $1 }' | LC_ALL=C sort | tr '\n' ' ')
[ "$written" = "Vol1 Vol2 Vol:0001.a-b_c " ] || fail "written volumes: $written"
CHECKS=$((CHECKS + 1))
readonly_vols=$(sed -n '/^read only/,$p' <<<"$OUT" | awk 'NR > 2 && /^  / { print $1 }' | tr '\n' ' ')
[ "$readonly_vols" = "VolR " ] || fail "read-only volumes: $readonly_vols"
CHECKS=$((CHECKS + 1))
grep -qE '^  Vol:0001\.a-b_c +20[0-9-]+T[0-9:.]+Z +20[0-9-]+T[0-9:.]+Z +1 +[A-Z0-9]+$' <<<"$OUT" \
  || fail "no first/last time, load count and drive serial for Vol:0001.a-b_c"
CHECKS=$((CHECKS + 1))
expect_out_has "1 load under $G1 had no volume name (not run by the Bacula hook); see \`tapekey log show --event drive.load\`"
expect_err_has "1 load under $G1 had no volume name"
run keys cartridges "$G1" --home home --json
expect_rc 0
expect_out_has "\"generation\":\"$G1\""
expect_out_has '"unnamed_loads":1'
expect_out_has '"read_only":[{"volume":"VolR",'
python3 -c 'import json,sys; d=json.load(sys.stdin); assert sorted(v["volume"] for v in d["written"]) == ["Vol1", "Vol2", "Vol:0001.a-b_c"], d' <<<"$OUT" \
  || fail "--json is not the same list"
CHECKS=$((CHECKS + 1))
# A prefix of the id, as for the other keys commands; too short, unknown.
run keys cartridges "$(tr -d - <<<"${G1:0:6}" | tr A-Z a-z)" --home home
expect_rc 0
expect_out_has "generation $G1,"
run keys cartridges "${G1:0:3}" --home home
expect_rc 2
expect_err_has "is too short"
run keys cartridges ZZZZ-ZZZZ-ZZZZ-Z --home home
expect_rc 1
expect_err_has "no entry names generation ZZZZ-ZZZZ-ZZZZ-Z"
# A log whose chain is broken is refused, naming the first bad entry as `log verify` does.
cp home/log/keyuse.log copy.log
sed -i 's/"volume":"Vol1"/"volume":"Vol9"/' copy.log
run log verify --log copy.log
expect_rc 1
BAD=$(sed -n 's/^tapekey: error: log verify: \(.*\)$/\1/p' <<<"$ERR")
[ -n "$BAD" ] || fail "log verify named no bad entry"
run keys cartridges "$G1" --log copy.log
expect_rc 1
expect_err_has "tapekey: error: keys cartridges: $BAD"
[ -z "$OUT" ] || fail "a list was printed from a broken log"


done_ok
