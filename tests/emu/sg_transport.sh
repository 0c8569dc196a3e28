#!/usr/bin/env bash
# The production SG_IO transport (lib/src/drive/sg_transport.cpp), run as
# shipped inside the tapekey binary, against the emulated drive through the
# preload library: how it opens /dev/sgN and /dev/nstN, what it puts in
# sg_io_hdr, and what it says for each injected errno, host and driver
# status, short transfer and sense.
. "$(dirname "$0")/lib.sh"

"$TAPEKEY" emu create "$D" >/dev/null
"$TAPEKEY" emu insert "$D" --cartridge TAPE01 >/dev/null
printf '%s\n%s\n' "$(openssl rand -hex 32)" "tape-key-2024" > k
export TAPEEMU_DEVICE=/dev/sg7

# /dev/sgN: opened read-write and non-blocking; every command 60 s timeout
run_pre "$TAPEKEY" drive status /dev/sg7
expect_rc 0
expect_out_has "drive /dev/sg7"
expect_out_has "encryption: disable, decryption: disable"
flags=$(awk '/^open \/dev\/sg7/ { sub("flags=", "", $3); print $3; exit }' "$TAPEEMU_TRACE")
[ $((flags & 3)) -eq 2 ] || fail "/dev/sg7 not opened O_RDWR (flags $flags)"
[ $((flags & 04000)) -ne 0 ] || fail "/dev/sg7 not opened O_NONBLOCK (flags $flags)"
CHECKS=$((CHECKS + 2))
grep '^sg_io' "$TAPEEMU_TRACE" | grep -v 'timeout=60000 ' && fail "a command without the 60 s timeout"
# the unit attention of the insert is retried once, the first pass asks for 64 bytes
expect_trace_has '^sg_io cdb=a22000200000000000400000 dir=-3 len=64 .* sense=70000600000000.{10}2800'
expect_trace_has 'mx_sb_len=252'

# a key loaded through SG_IO (data-out), read back through the state file
: > "$TAPEEMU_TRACE"
run_pre "$TAPEKEY" drive load /dev/sg7 --key-file k --mode mixed
expect_rc 0
expect_out_has "writes now: ENCRYPTED"
expect_trace_has '^sg_io cdb=b52000100000000000450000 dir=-2 len=69 .* status=0 '
run drive status "$D"
expect_out_has 'U-KAD: "tape-key-2024"'
expect_out_has "encryption: encrypt, decryption: mixed"

# /dev/nstN: opened read-only and non-blocking (no cartridge needed)
export TAPEEMU_DEVICE=/dev/nst0
: > "$TAPEEMU_TRACE"
run_pre "$TAPEKEY" drive status /dev/nst0
expect_rc 0
flags=$(awk '/^open \/dev\/nst0/ { sub("flags=", "", $3); print $3; exit }' "$TAPEEMU_TRACE")
[ $((flags & 3)) -eq 0 ] && [ $((flags & 04000)) -ne 0 ] || fail "/dev/nst0 not opened O_RDONLY|O_NONBLOCK ($flags)"
CHECKS=$((CHECKS + 1))
export TAPEEMU_DEVICE=/dev/sg7

# injected failures, each with its message and hint
fault() { TAPEEMU_FAULT=$1 run_pre "$TAPEKEY" drive "${@:2}"; }
fault open_errno=EACCES status /dev/sg7
expect_rc 1
expect_err_has "drive /dev/sg7: cannot open: Permission denied"
expect_err_has "opened read-write as a member of group tape, or give tapekey CAP_SYS_RAWIO"
fault open_errno=ENOENT status /dev/sg7
expect_rc 1
expect_err_has "lsscsi -g"
fault errno=EPERM status /dev/sg7
expect_rc 1
expect_err_has "drive /dev/sg7: SG_IO failed: Operation not permitted"
expect_err_has "CAP_SYS_RAWIO"
fault errno=ENOTTY status /dev/sg7
expect_rc 1
expect_err_has "does not take SCSI pass-through (an IBM lin_tape node?)"
fault errno=EIO status /dev/sg7
expect_rc 1
expect_err_has "SG_IO failed: Input/output error"
fault errno=ENODEV status /dev/sg7
expect_rc 1
expect_err_has "the drive went away"
fault host=3 status /dev/sg7
expect_rc 1
expect_err_has "DID_TIME_OUT: the command timed out (host status 3)"
fault host=14 status /dev/sg7
expect_rc 1
expect_err_has "DID_TRANSPORT_DISRUPTED"
fault driver=6 status /dev/sg7
expect_rc 1
expect_err_has "the command timed out after 60 s"
fault status=8 status /dev/sg7
expect_rc 1
expect_err_has "the drive is busy"
fault status=24 status /dev/sg7
expect_rc 1
expect_err_has "reservation conflict"
# a short transfer (residual count) is parsed as what arrived, and refused
fault short=10 status /dev/sg7
expect_rc 1
expect_err_has "page 0020h (data encryption status): KEY INSTANCE COUNTER (byte 8, 4 bytes) is past the end of the data (10 bytes)"
# the SPOUT alone refused: the key load fails, the status still reads
fault errno=EPERM,op=b5 load /dev/sg7 --key-file k
expect_rc 1
expect_err_has "Operation not permitted"
fault errno=EPERM,op=b5 status /dev/sg7
expect_rc 0

# sense: no cartridge, no encryption, descriptor format, none at all
"$TAPEKEY" emu eject "$D" >/dev/null
run_pre "$TAPEKEY" drive next-block /dev/sg7
expect_rc 0
expect_out "drive /dev/sg7: no cartridge"
"$TAPEKEY" emu create "$D" --persona no-encryption --force >/dev/null
run_pre "$TAPEKEY" drive status /dev/sg7
expect_rc 1
expect_err_has "drive /dev/sg7: security protocol in, page 0020h: invalid command operation code (05/20/00)"
fault sense=descriptor status /dev/sg7
expect_rc 1
expect_err_has "invalid command operation code (05/20/00)"
fault sense_len=0 status /dev/sg7
expect_rc 1
expect_err_has "check condition without usable sense data"

done_ok
