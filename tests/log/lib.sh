# tests/log/lib.sh: helpers for the key-use log tests (sourced). Each test
# gets log_tool as $1 and runs in a fresh temporary folder.
set -euo pipefail
TOOL=$(realpath "$1")
WORK=$(mktemp -d)
cleanup() {
  chattr -i -R "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
CHECKS=0
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { CHECKS=$((CHECKS + 1)); }
# verify_ok HOME [N]: the log verifies with its auditor key (and has N entries)
verify_ok() {
  local out
  out=$("$TOOL" verify "$1/log/keyuse.log" "$1/log/auditor.key") || fail "verify: $out"
  if [ $# -gt 1 ]; then
    grep -q "^ok $2 entries$" <<<"$out" || fail "expected $2 entries: $out"
  fi
  check
}
entries() { wc -l <"$1/log/keyuse.log"; }
done_ok() { echo "$(basename "$0" .sh): $CHECKS checks passed"; }
