#!/usr/bin/env bash
# The Bacula integration on the emulated drive (docs/bacula.md): the volume
# name in the key-use log (drive auto --volume), and the exposure list of a
# generation read back from it (keys cartridges), and the Worm Command hook
# (bacula worm) as bacula-sd runs it: through the production SG_IO path
# (the preload library), stdout and stderr captured separately.
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

home_with_escrow home
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

# 3. bacula worm, as bacula-sd calls it: `tapekey bacula worm %l %a %v %j`.
PRELOAD=$(realpath "$(dirname "$TAPEKEY")/../emu/libtapeemu-preload.so")
[ -f "$PRELOAD" ] || fail "no preload library at $PRELOAD"
ASAN_RT=$(ldd "$PRELOAD" | awk '/libasan/ { print $3 }')
PRELOAD_LIST=${ASAN_RT:+$ASAN_RT:}$PRELOAD
command -v sg_raw >/dev/null || fail "sg_raw (sg3-utils) is needed; ./scripts/check installs it"
SG=/dev/sg7
hook() { bacula_hook worm "$@"; }
alert() { bacula_hook alert "$@"; }
bacula_hook() {  # bacula_hook worm|alert ARGS...: through SG_IO on $SG, as bacula:tape runs it (home from the environment)
  set +e
  TAPEKEY_HOME=$WORK/home ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 LD_PRELOAD=$PRELOAD_LIST \
    TAPEEMU_DEVICE=$SG TAPEEMU_STATE=$WORK/drive.emu "$TAPEKEY" bacula "$@" >"$WORK/.out" 2>"$WORK/.err" </dev/null
  RC=$?
  set -e
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
}
expect_bacula_line() {  # the only output is the WORM line, and nothing on stderr (Bacula merges them)
  [ "$(cat "$WORK/.out")" = "$1" ] || fail "stdout is not exactly '$1'"
  [ "$(wc -c <"$WORK/.out")" -eq 2 ] || fail "stdout has more than one line"
  [ ! -s "$WORK/.err" ] || fail "the hook wrote to stderr"
  CHECKS=$((CHECKS + 2))
}
scsi() {  # scsi [OPTION VALUE] CDB...: sg_raw through the preload library
  local opts=()
  if [ "${1:0:1}" = - ]; then opts=("$1" "$2"); shift 2; fi
  scsi_tool sg_raw "${opts[@]}" "$SG" "$@"
}
write_block() { scsi -s 512 -i "$1" 0a 00 00 02 00 00 >/dev/null 2>&1 || fail "writing a block failed"; }
read_block() { scsi -r 512 -o "$1" 08 00 00 02 00 00 >/dev/null 2>&1; }
scsi_tool() {  # scsi_tool PROGRAM ARGS...: another SCSI client through the preload library
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 LD_PRELOAD=$PRELOAD_LIST TAPEEMU_DEVICE=$SG \
    TAPEEMU_STATE=$WORK/drive.emu "$@"
}
write_refused() {  # write_refused FILE SENSE: WRITE(6) fails and sg_raw names the sense
  local said
  said=$(scsi -s 512 -i "$1" 0a 00 00 02 00 00 2>&1) && fail "the write was accepted"
  grep -qF -- "$2" <<<"$said" || fail "sg_raw did not report '$2': $said"
  CHECKS=$((CHECKS + 2))
}
expect_unloaded() {  # the cartridge is in the drive but unloaded: TEST UNIT READY fails, nothing reads
  scsi 00 00 00 00 00 00 >/dev/null 2>&1 && fail "the cartridge is still loaded"
  read_block unloaded.out && fail "a block could be read from the unloaded cartridge"
  CHECKS=$((CHECKS + 2))
}
refused() {  # refused VOLUME [--home DIR]: the hook says no: exit 1, only "0" printed, the cartridge unloaded
  hook "$SG" /dev/nst0 "$1" "$JOB" "${@:2}"
  expect_rc 1
  expect_bacula_line 0
  expect_unloaded
}
expect_unload_logged() {  # expect_unload_logged VOLUME REASON: drive.unload names the volume and why
  last_entry drive.unload
  expect_last_has "volume=$1"
  expect_last_has "unloaded=yes"
  expect_last_has "$2"
}
JOB=BackupCatalog.2026-11-29_23.10.00_07
active_generation() { run keys list --home home; awk '$2 == "active" { print $1 }' <<<"$OUT"; }
G2=$(active_generation)
[ -n "$G2" ] && [ "$G2" != "$G1" ] || fail "no new active generation"

written_by_hook() {  # written_by_hook VOLUME: a new cartridge mounted by Bacula, then one block written
  run emu insert "$DRIVE" --cartridge "$1"; expect_rc 0
  hook "$SG" /dev/nst0 "$1" "$JOB"
  expect_rc 0
  expect_bacula_line 0
  head -c 512 /dev/urandom > "$1.bin"
  write_block "$1.bin"
}

# A blank cartridge: the active generation, stdout exactly 0, the volume and job in the log.
written_by_hook VOL001
last_entry drive.load
expect_last_has "bacula worm  drive.load"
expect_last_has "device=$SG"
expect_last_has "volume=VOL001"
expect_last_has "job=$JOB"
expect_last_has "generation=$G2"
expect_last_has "writes_encrypted=yes"
run emu eject "$DRIVE"; expect_rc 0

# The next rotation; VOL001 now needs its old generation, for reading.
run keys rotate --home home; expect_rc 0
G3=$(active_generation)
[ -n "$G3" ] && [ "$G3" != "$G2" ] || fail "rotation made no new active generation"
written_by_hook VOL002
run emu eject "$DRIVE"; expect_rc 0
run emu insert "$DRIVE" --cartridge VOL001; expect_rc 0
hook "$SG" /dev/nst0 VOL001 "$JOB"
expect_rc 0
expect_bacula_line 0
last_entry drive.load
expect_last_has "volume=VOL001"
expect_last_has "generation=$G2"
expect_last_has "state=deactivated"
expect_last_has "encryption=disable"
read_block VOL001.out || fail "VOL001 did not read back with its generation"
cmp -s VOL001.bin VOL001.out || fail "VOL001 read back differs"
CHECKS=$((CHECKS + 1))
# ... and write-protected until it is unloaded (ASOCWP): an append is
# refused by the drive, as sg_raw (sg3-utils' own sense tables) reports it,
# instead of being written in clear.
expect_last_has "write_protect=yes"
write_refused VOL002.bin "Associated write protect"
read_block next.out && fail "a block was appended to VOL001"
CHECKS=$((CHECKS + 1))
run emu eject "$DRIVE"; expect_rc 0
run emu insert "$DRIVE" --cartridge VOL001; expect_rc 0
run drive status "$DRIVE"
expect_out_has "write protection: none"   # unloading ended it
run emu eject "$DRIVE"; expect_rc 0

# A compromised generation: refused, the cartridge unloaded, stdout still only 0.
run keys compromised --home home "$G3" --reason "backup server image leaked"; expect_rc 0
run keys rotate --home home; expect_rc 0
run emu insert "$DRIVE" --cartridge VOL002; expect_rc 0
refused VOL002
last_entry drive.refused
expect_last_has "volume=VOL002"
expect_last_has "job=$JOB"
expect_last_has "drive_serial="
expect_last_has "reason=generation $G3 is compromised (backup server image leaked)"
expect_unload_logged VOL002 "reason=generation $G3 is compromised"
run emu eject "$DRIVE"; expect_rc 0

# A cartridge of another home: an unknown generation, never guessed.
run init --home other; expect_rc 0
run ceremony --home other -k 2 --custodian X --custodian Y --administrator A --witness W --out other-env \
  --non-interactive
expect_rc 0
run emu insert "$DRIVE" --cartridge FOREIGN; expect_rc 0
run drive auto "$DRIVE" --home other; expect_rc 0
write_block VOL001.bin
run emu eject "$DRIVE"; expect_rc 0
run emu insert "$DRIVE" --cartridge FOREIGN; expect_rc 0
refused FOREIGN
expect_unload_logged FOREIGN "which this keyring does not hold"
run emu eject "$DRIVE"; expect_rc 0

# An LTO-3 cartridge would be written in clear: unloaded.
run emu insert "$DRIVE" --cartridge OLD3 --lto3; expect_rc 0
refused OLD3
expect_unload_logged OLD3 "would NOT be encrypted"
run emu eject "$DRIVE"; expect_rc 0

# A WORM cartridge: the key is loaded and the line says 1.
run emu insert "$DRIVE" --cartridge WORM01 --worm; expect_rc 0
hook "$SG" /dev/nst0 WORM01 "$JOB"
expect_rc 0
expect_bacula_line 1
run emu eject "$DRIVE"; expect_rc 0

# A volume name Bacula would never give: refused and unloaded.
run emu insert "$DRIVE" --cartridge T9; expect_rc 0
refused 'VOL;1'
expect_unload_logged - "reason=volume name 'VOL%3B1': character 4 (';') is not allowed"
run emu eject "$DRIVE"; expect_rc 0

# No volume and no job yet (Bacula drops empty codes from argv): the key is
# still chosen from the cartridge, and the log says volume=-.
run emu insert "$DRIVE" --cartridge VOL003; expect_rc 0
hook "$SG" /dev/nst0
expect_rc 0
expect_bacula_line 0
last_entry drive.load
expect_last_has "volume=-"
run emu eject "$DRIVE"; expect_rc 0

# The key-use log cannot be written and log.fail_closed is on: nothing is
# loaded, the cartridge is unloaded (syslog says why).
printf '[log]\nfail_closed = true\n' >> home/config
if [ "$(id -u)" -eq 0 ] && chattr +i home/log/keyuse.log 2>/dev/null; then
  trap 'chattr -i "$WORK/home/log/keyuse.log" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  run drive status "$DRIVE" --json
  KIC=$(sed -n 's/.*"key_instance_counter":\([0-9]*\).*/\1/p' <<<"$OUT")
  run emu insert "$DRIVE" --cartridge VOL003; expect_rc 0
  refused VOL003
  run drive status "$DRIVE" --json
  grep -q "\"key_instance_counter\":$KIC," <<<"$OUT" || fail "a key was loaded although the log could not be written"
  CHECKS=$((CHECKS + 1))
  chattr -i home/log/keyuse.log
  run emu eject "$DRIVE"; expect_rc 0
  sed -i 's/^fail_closed = true$/fail_closed = false/' home/config
fi

# No home the hook can open: unloaded, and only the WORM line.
run emu insert "$DRIVE" --cartridge VOL004; expect_rc 0
refused VOL004 --home "$WORK/nohome"
run emu eject "$DRIVE"; expect_rc 0
# No cartridge at all: nothing to unload, still only the WORM line.
hook "$SG" /dev/nst0 VOL005 "$JOB"
expect_rc 1
expect_bacula_line 0
last_entry drive.unload
expect_last_has "volume=VOL005"
expect_last_has "unloaded=no"
# No control device (Control Device missing from the Device resource).
hook
expect_rc 2
expect_bacula_line 0

# The exposure list after the compromise: exactly the volume written under G3.
run keys cartridges "$G3" --home home
expect_rc 0
expect_out_has "written under it (encrypt mode): 1 volume"
grep -qE "^  VOL002 " <<<"$OUT" || fail "VOL002 is not listed under $G3"
expect_out_has "read only (never written under it): 0 volumes"
CHECKS=$((CHECKS + 1))
run keys cartridges "$G2" --home home --json
expect_rc 0
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [v["volume"] for v in d["written"]] == ["VOL001"] and [v["volume"] for v in d["read_only"]] == [] and d["unnamed_loads"] == 0, d' <<<"$OUT" \
  || fail "the list for $G2 is not VOL001"
CHECKS=$((CHECKS + 1))

# 4. Write protection by hand: drive auto says the cartridge is protected,
# drive status shows it, and an explicit load of the active generation
# (the operator's choice) lifts it.
run emu insert "$DRIVE" --cartridge VOL001; expect_rc 0
run drive auto "$DRIVE" --home home --volume VOL001
expect_rc 0
expect_err_has "the drive refuses writes to it until it is unloaded"
run drive status "$DRIVE"
expect_out_has "write protection: this cartridge until it is unloaded (ASOCWP: loaded for reading only)"
run drive status "$DRIVE" --json
expect_out_has '"write_protection":{"medium":true,"software":false,"associated":true,'
write_refused VOL002.bin "Associated write protect"
# sdparm, which has its own table of page 10h, reads what tapekey set ...
command -v sdparm >/dev/null || fail "sdparm is needed; ./scripts/check installs it"
# sdparm also asks for the saved values (PC 11b), which this drive does not
# keep: SPC-4 answers 05/39/00 and sdparm exits 5 after printing the rest.
dc() {
  local rc=0
  scsi_tool sdparm --page=dc "$@" "$SG" 2>/dev/null || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || fail "sdparm $* exited $rc"
}
said=$(dc --get=ASOCWP,SWP_T,PERSWP)
grep -qE '^ASOCWP +1 ' <<<"$said" && grep -qE '^SWP_T +0 ' <<<"$said" && grep -qE '^PERSWP +0 ' <<<"$said" ||
  fail "sdparm does not read ASOCWP 1, SWP 0, PERSWP 0: $said"
CHECKS=$((CHECKS + 1))
run drive load "$DRIVE" --home home --active --volume VOL001
expect_rc 0
last_entry drive.load
expect_last_has "write_protect=lifted"
grep -qE '^ASOCWP +0 ' <<<"$(dc --get=ASOCWP)" || fail "sdparm still reads ASOCWP 1 after the lift"
scsi 11 03 00 00 00 00 >/dev/null 2>&1 || fail "SPACE to end of data failed"
write_block VOL002.bin   # appended under the active generation
run drive status "$DRIVE"
expect_out_has "write protection: none"
# ... and tapekey reads what sdparm sets with its own MODE SELECT.
dc --set=ASOCWP=1 >/dev/null
run drive status "$DRIVE"
expect_out_has "write protection: this cartridge until it is unloaded"
write_refused VOL002.bin "Associated write protect"
# The refused writes raised TapeAlert flag 9 (write protect), as sg_logs,
# with its own table of log page 2Eh, reads it; reading clears it.
alerts() { scsi_tool sg_logs --page=0x2e "$SG" 2>&1 | sed -n 's/^ *Write protect: //p'; }
[ "$(alerts)" = 1 ] || fail "sg_logs does not read TapeAlert flag 9 after a refused write"
[ "$(alerts)" = 0 ] || fail "TapeAlert flag 9 is still set after the page was read"
CHECKS=$((CHECKS + 2))
run emu eject "$DRIVE"; expect_rc 0
# A drive that cannot protect a cartridge: the load goes on, loudly, and the
# log says why.
PLAIN=emu:$WORK/plain.emu
run emu create "$PLAIN" --no-asocwp; expect_rc 0
expect_out_has "(hp-lto4, no ASOCWP)"
run emu insert "$PLAIN" --cartridge VOL001; expect_rc 0
run drive load "$PLAIN" --home home --generation "$G2" --volume VOL001
expect_rc 0
expect_err_has "the drive could not write-protect it (drive $PLAIN does not let the host set associated write protection"
expect_err_has "anything appended would be written in clear"
last_entry drive.load
expect_last_has "write_protect=unavailable: drive $PLAIN does not let the host set"
run drive status "$PLAIN"
expect_out_has "this drive cannot write-protect a cartridge for tapekey"

# 5. bacula alert, after each job: the key tapekey loaded is still in the
# drive, or it is not (a power cycle while the volume stays mounted: the
# next job would append in clear). It prints nothing, ever.
expect_silent() {
  [ ! -s "$WORK/.out" ] && [ ! -s "$WORK/.err" ] || fail "the alert hook printed something"
  CHECKS=$((CHECKS + 1))
}
run emu insert "$DRIVE" --cartridge VOL006; expect_rc 0
hook "$SG" /dev/nst0 VOL006 "$JOB"; expect_rc 0
alert "$SG" /dev/nst0 VOL006 "$JOB"
expect_rc 0
expect_silent
last_entry drive.check
expect_last_has "bacula alert  drive.check"
expect_last_has "volume=VOL006"
expect_last_has "job=$JOB"
expect_last_has "result=ok"
expect_last_has "encryption=encrypt"
run emu power-cycle "$DRIVE"; expect_rc 0
alert "$SG" /dev/nst0 VOL006 "$JOB"
expect_rc 1
expect_silent
last_entry drive.check
expect_last_has "result=changed"
expect_last_has "now disable"
expect_last_has "blocks written to volume VOL006 since then may be in clear"
# ... and the exposure list of that generation names the volume.
G_NOW=$(active_generation)
run keys cartridges "$G_NOW" --home home
expect_rc 0
expect_out_has "key lost while mounted (the Alert Command; appends may be in clear): 1 volume"
grep -qE "^  VOL006 " <<<"$(sed -n '/^key lost while mounted/,$p' <<<"$OUT")" || fail "VOL006 is not on the key-lost list"
run keys cartridges "$G_NOW" --home home --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [v["volume"] for v in d["key_lost"]] == ["VOL006"], d' <<<"$OUT" \
  || fail "the JSON key_lost list is not VOL006"
CHECKS=$((CHECKS + 2))
# The Worm Command loads the key again at the next mount; then intact.
hook "$SG" /dev/nst0 VOL006 "$JOB"; expect_rc 0
alert "$SG" /dev/nst0 VOL006 "$JOB"; expect_rc 0
# A key cleared by `drive clear` (logged with the drive's serial number,
# under another device name): nothing of tapekey's to check, nothing logged.
TAPEKEY_HOME=$WORK/home run drive clear "$DRIVE"; expect_rc 0
run log show --home home --event drive.check
CHECKS_BEFORE=$(wc -l <<<"$OUT")
alert "$SG" /dev/nst0 VOL006 "$JOB"
expect_rc 0
expect_silent
run log show --home home --event drive.check
[ "$(wc -l <<<"$OUT")" = "$CHECKS_BEFORE" ] || fail "a check with nothing to check was logged"
# TapeAlert flags pass through as the stock `tapealert %l` prints them
# (only the number counts for Bacula), and are logged.
hook "$SG" /dev/nst0 VOL006 "$JOB"; expect_rc 0
dc --set=ASOCWP=1 >/dev/null
write_refused VOL002.bin "Associated write protect"
alert "$SG" /dev/nst0 VOL006 "$JOB"
expect_rc 0
[ "$(cat "$WORK/.out")" = "TapeAlert[9]:" ] || fail "the alert hook did not print exactly TapeAlert[9]: ($(cat "$WORK/.out"))"
[ ! -s "$WORK/.err" ] || fail "the alert hook wrote to stderr"
CHECKS=$((CHECKS + 2))
last_entry drive.check
expect_last_has "tape_alerts=9"
expect_last_has "result=ok"
alert "$SG" /dev/nst0 VOL006 "$JOB"   # read once: gone
expect_rc 0
expect_silent
# No control device: usage, still silent.
alert
expect_rc 2
expect_silent
run emu eject "$DRIVE"; expect_rc 0

done_ok
