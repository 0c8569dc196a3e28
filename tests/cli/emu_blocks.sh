# tests/cli/emu_blocks.sh: reading and writing tape blocks on the emulated
# drive with sg_raw (sg3-utils, an independent SCSI client) through the
# preload library, i.e. through the SG_IO path production uses (sourced;
# needs TAPEKEY, WORK and fail; the drive's state file is $EMU_STATE, by
# default $WORK/drive.emu).
PRELOAD=$(realpath "$(dirname "$TAPEKEY")/../emu/libtapeemu-preload.so")
[ -f "$PRELOAD" ] || fail "no preload library at $PRELOAD"
# A sanitizer build's preload library needs the ASan runtime loaded first
# (sg_raw itself is not instrumented, and its leaks are not ours).
ASAN_RT=$(ldd "$PRELOAD" | awk '/libasan/ { print $3 }')
PRELOAD_LIST=${ASAN_RT:+$ASAN_RT:}$PRELOAD
command -v sg_raw >/dev/null || fail "sg_raw (sg3-utils) is needed; ./scripts/check installs it"
SG=/dev/sg7   # a name the preload library maps to the emulator state

scsi() {  # scsi OPTION VALUE OPTION VALUE CDB... : sg_raw through the preload library
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 LD_PRELOAD=$PRELOAD_LIST TAPEEMU_DEVICE=$SG \
    TAPEEMU_STATE=${EMU_STATE:-$WORK/drive.emu} sg_raw "$1" "$2" "$3" "$4" "$SG" "${@:5}"
}
write_block() {  # write_block FILE : one 512-byte variable-length block, WRITE(6) (SSC-4 7.10)
  scsi -s 512 -i "$1" 0a 00 00 02 00 00 >/dev/null 2>&1 || fail "writing a block failed"
}
read_block() {  # read_block FILE : one 512-byte block, READ(6) (SSC-4 7.5); sg_raw's status
  scsi -r 512 -o "$1" 08 00 00 02 00 00 >/dev/null 2>&1
}
