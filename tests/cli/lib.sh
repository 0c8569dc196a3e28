# tests/cli/lib.sh: helpers for CLI transcript tests (sourced).
# Each test script gets the tapekey binary as $1 and runs in a fresh
# temporary folder. `run ARGS...` captures stdout, stderr and the exit code.
set -euo pipefail
TAPEKEY=$(realpath "$1")
CLI_TESTS=$(cd "$(dirname "$0")" && pwd)  # this folder (ptyexpect.py lives here)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# Never the machine's own home (/var/lib/tapekey): tests name theirs.
export TAPEKEY_HOME=$WORK/.no-default-home
CHECKS=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2; cat "$WORK/.out" >&2 || true
  echo "--- stderr" >&2; cat "$WORK/.err" >&2 || true
  exit 1
}
run() {
  set +e
  "$TAPEKEY" "$@" >"$WORK/.out" 2>"$WORK/.err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
}
# run_in FILE ARGS...: like run, with FILE on standard input.
run_in() {
  local input=$1
  shift
  set +e
  "$TAPEKEY" "$@" <"$input" >"$WORK/.out" 2>"$WORK/.err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
}
expect_rc() { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1"; CHECKS=$((CHECKS + 1)); }
expect_out() { [ "$OUT" = "$1" ] || fail "stdout is not: $1"; CHECKS=$((CHECKS + 1)); }
expect_err_has() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1"; CHECKS=$((CHECKS + 1)); }
expect_out_has() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1"; CHECKS=$((CHECKS + 1)); }
expect_mode() { [ "$(stat -c %a "$1")" = "$2" ] || fail "$1 has mode $(stat -c %a "$1"), expected $2"; CHECKS=$((CHECKS + 1)); }
# home_with_escrow DIR: a new home with a 2-of-2 escrow and its first
# generation active (the envelopes in env/).
home_with_escrow() {
  run init --home "$1"; expect_rc 0
  run ceremony --home "$1" -k 2 --custodian A --custodian B --administrator Ann --witness Walt --out env \
    --non-interactive
  expect_rc 0
}
done_ok() { echo "$(basename "$0" .sh): $CHECKS checks passed"; }
