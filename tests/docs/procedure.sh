#!/usr/bin/env bash
# tests/docs/procedure.sh TAPEKEY [DOC]: runs every command of
# docs/escrow-procedure.md, in the document's order, on an emulated HP
# LTO-4 drive, so the procedure and the program cannot drift apart.
#
# In the document, every shell block is marked on the line before it:
#   <!-- step: NAME -->           the block runs here, in one shell for the
#                                 whole document (variables carry over);
#   <!-- step: NAME terminal -->  the block runs at a pseudo-terminal, and
#                                 answers_NAME gives the people's answers;
#   <!-- step: NAME exit=N -->    the block must exit with status N;
#   <!-- not run: REASON -->      a block the test cannot run (installing
#                                 packages, a printer), with the reason;
#   <!-- output -->               before a ```text block after a step: the
#                                 step's output as the reader sees it; each
#                                 line but "..." must be printed, in order
#                                 (ids and the sandbox's folders aside).
# A shell block without a mark fails the test, and so does a hook below
# whose step is not in the document.
#
# What a step prints (standard output and error) is in $STEP_OUT for its
# after hook.
# This file plays the world around the commands: before_NAME and
# after_NAME insert cartridges, write blocks through the SG_IO path, carry
# printed envelopes to the safe and scan them, lose the server. They set
# up and check; the documented commands do the work. The world is in
# tests/docs/world.sh.
set -euo pipefail
TAPEKEY=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
DOC=$(realpath "${2:-$HERE/../../docs/escrow-procedure.md}")   # another document: the runner's own test
PRELOAD=$(realpath "$(dirname "$TAPEKEY")/../emu/libtapeemu-preload.so")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export PATH="$WORK/bin:$PATH"
mkdir -p bin out
ln -s "$TAPEKEY" bin/tapekey   # `tapekey` in the document is this build

fail() { echo "FAIL: $*" >&2; exit 1; }
. "$HERE/../cli/emu_blocks.sh"

# --- the document, cut into steps ------------------------------------------
mkdir steps
awk -v out="$WORK/steps" -v doc="$(basename "$DOC")" '
  function die(m) { print "FAIL: " doc ", line " NR ": " m > "/dev/stderr"; bad = 1; exit 1 }
  /^<!-- step: / {
    if (mark != "") die("a step mark not followed by a ```sh block")
    mark = $0; sub(/^<!-- step: /, "", mark); sub(/ *-->$/, "", mark); next
  }
  /^<!-- not run: .+-->$/ { skip = 1; next }
  /^<!-- output -->$/ {
    if (n == 0) die("an output mark before any step")
    expect = 1; next
  }
  /^```text$/ && expect { intext = 1; file = sprintf("%s/%03d.expected", out, n); printf "" > file; next }
  /^```/ && intext { intext = 0; expect = 0; close(file); file = ""; next }
  intext { print > file; next }
  /^```sh$/ {
    if (mark == "" && !skip) die("a shell block with neither a step mark nor a not-run reason")
    inblock = 1
    if (mark != "") { n++; file = sprintf("%s/%03d %s", out, n, mark); printf "" > file }
    next
  }
  /^```/ && inblock { inblock = 0; if (file != "") close(file); file = ""; mark = ""; skip = 0; next }
  inblock && file != "" { print > file; next }
  mark != "" && !/^$/ { die("a step mark not followed by a ```sh block") }
  END { if (!bad && n == 0) { print "FAIL: no steps in " doc > "/dev/stderr"; exit 1 } }
' "$DOC"

step_names() { for f in steps/*\ *; do f=${f#steps/}; f=${f#* }; echo "${f%% *}"; done; }

# --- the world ---------------------------------------------------------------
# shellcheck source=world.sh
. "$HERE/world.sh"

for hook in $(declare -F | awk '{ print $3 }' | grep -E '^(before|after|answers)_'); do
  step=${hook#*_}
  step_names | tr - _ | grep -qx "$step" || fail "$hook: $(basename "$DOC") has no step ${step//_/-}"
done

# --- run ---------------------------------------------------------------------
current=
set -a   # every variable a step sets reaches the terminal steps' shells too
trap 'cat "$WORK/out/$current" 2>/dev/null; echo "FAIL: step $current: the command above failed" >&2' ERR
count=0
for f in steps/*\ *; do
  spec=${f#steps/}; spec=${spec#* }
  name=${spec%% *}; attrs=" ${spec#"$name"} "
  fn=${name//-/_}
  echo "== step $name"
  sed 's/^/   $ /' "$f"
  if declare -F "before_$fn" >/dev/null; then "before_$fn"; fi
  if [[ $attrs == *" terminal "* ]]; then
    declare -F "answers_$fn" >/dev/null || fail "step $name runs at a terminal but answers_$fn is missing"
    "answers_$fn" > "$WORK/.answers"
    set +e
    python3 "$HERE/terminal.py" "$WORK/.answers" /bin/bash -euo pipefail "$f" > "$WORK/out/$name"
    rc=$?
    cat "$WORK/out/$name"
    set -e
    [ "$rc" -eq 0 ] || fail "step $name exited with $rc"
  elif [[ $attrs =~ \ exit=([0-9]+)\  ]]; then
    want=${BASH_REMATCH[1]}
    set +e
    (set -e; . "$f") > "$WORK/out/$name" 2>&1
    rc=$?
    cat "$WORK/out/$name"
    set -e
    [ "$rc" -eq "$want" ] || fail "step $name exited with $rc, the document says $want"
  else
    current=$name
    . "$f" > "$WORK/out/$name" 2>&1   # errexit applies inside (never `. "$f" || ...`, which would switch it off)
    cat "$WORK/out/$name"
  fi
  STEP_OUT=$(cat "$WORK/out/$name")   # what the step printed, for after_$fn
  expected=${f%% *}.expected
  if [ -f "$expected" ]; then   # the document shows this step's output: it must be what was printed
    python3 "$HERE/same_output.py" "$expected" "$WORK/out/$name" "$WORK/.places" ||
      fail "step $name printed what $(basename "$DOC") does not show (above)"
  fi
  if declare -F "after_$fn" >/dev/null; then "after_$fn"; fi
  count=$((count + 1))
done
echo "procedure: $count steps of docs/escrow-procedure.md ran as documented"
