#!/usr/bin/env bash
# tests/docs/runner_refuses.sh TAPEKEY: the procedure runner refuses a
# document it could not run whole: a shell block without a step mark, a
# mark without a block, a world hook whose step is gone, and a step whose
# output is not what the document shows.
set -euo pipefail
TAPEKEY=$1
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
expect_refusal() {  # expect_refusal NAME MESSAGE: DOC $WORK/NAME.md is refused with MESSAGE
  set +e
  out=$(bash "$HERE/procedure.sh" "$TAPEKEY" "$WORK/$1.md" 2>&1)
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || { echo "FAIL: $1 was run, not refused"; exit 1; }
  grep -qF -- "$2" <<<"$out" || { echo "FAIL: $1: the runner did not say: $2"; echo "$out"; exit 1; }
}
printf '# doc\n\n```sh\ntapekey --version\n```\n' > "$WORK/unmarked.md"
expect_refusal unmarked "a shell block with neither a step mark nor a not-run reason"
printf '# doc\n\n<!-- step: setup -->\nsome text\n' > "$WORK/dangling.md"
expect_refusal dangling "a step mark not followed by a"
# The world's hooks name steps (setup, ceremony-a, ...) this document lacks.
printf '# doc\n\n<!-- step: renamed -->\n```sh\ntapekey --version\n```\n' > "$WORK/renamed.md"
expect_refusal renamed "renamed.md has no step"
# The real document with one line of the ceremony's output changed.
sed 's/^checked 10 of 10 groups/checked 9 of 10 groups/' "$HERE/../../docs/escrow-procedure.md" > "$WORK/drifted.md"
grep -q '^checked 9 of 10' "$WORK/drifted.md" || { echo "FAIL: the document no longer shows the line this test changes"; exit 1; }
expect_refusal drifted "step ceremony-a printed what drifted.md does not show"
echo "runner_refuses: 4 documents refused"
