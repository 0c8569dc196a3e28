# tests/emu/lib.sh: for tests that run programs against the emulated drive
# through build/emu/libtapeemu-preload.so (sourced). $1: the tapekey
# binary, $2: the preload library. Builds on tests/cli/lib.sh (run, expect_*).
# `pre CMD...` runs CMD with the drive at $TAPEEMU_DEVICE; `run_pre CMD...`
# also captures its output like `run`.
PRELOAD=$(realpath "$2")
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
[ -f "$PRELOAD" ] || fail "no preload library at $2"
# A sanitizer build's library needs the ASan runtime loaded first.
ASAN_RT=$(ldd "$PRELOAD" | awk '/libasan/ { print $3 }')
PRELOAD_LIST=${ASAN_RT:+$ASAN_RT:}$PRELOAD
export TAPEEMU_STATE=$WORK/drive.emu TAPEEMU_TRACE=$WORK/trace TAPEEMU_STENC_LOG=$WORK/stenc.log
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
D=emu:$TAPEEMU_STATE

pre() { LD_PRELOAD=$PRELOAD_LIST "$@"; }
run_pre() {
  set +e
  LD_PRELOAD=$PRELOAD_LIST "$@" >"$WORK/.out" 2>"$WORK/.err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
}
expect_trace_has() { grep -qE -- "$1" "$TAPEEMU_TRACE" || fail "the SG_IO trace lacks: $1"; CHECKS=$((CHECKS + 1)); }
