#!/usr/bin/env bash
# tapekey log show | verify | checkpoint | auditor-key as a user runs them:
# output, every refusal with its message and exit code (docs/cli.md).
# $1 is log_tool (makes the log through the library), $2 the tapekey binary.
TAPEKEY=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
run() {
  set +e
  "$TAPEKEY" "$@" >.out 2>.err
  RC=$?
  set -e
  OUT=$(cat .out)
  ERR=$(cat .err)
}
expect_rc() { [ "$RC" -eq "$1" ] || fail "exit code $RC, expected $1; stdout: $OUT; stderr: $ERR"; check; }
expect_out_has() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks: $1; stdout: $OUT"; check; }
expect_err_has() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks: $1; stderr: $ERR"; check; }

"$TOOL" create h
"$TOOL" append h 3 first
export TAPEKEY_HOME=$WORK/h

run log show
expect_rc 0
[ "$(wc -l <<<"$OUT")" -eq 4 ] || fail "show printed $(wc -l <<<"$OUT") lines"
expect_out_has "log.create  format=1  origin="
expect_out_has "test append  test.append  tag=first  i=2"
run log show --event 'log.*'
expect_rc 0
[ "$(wc -l <<<"$OUT")" -eq 1 ] || fail "--event log.* printed: $OUT"
run log show --json --event test.append
expect_rc 0
[ "$OUT" = "$(tail -n 3 h/log/keyuse.log)" ] || fail "--json is not the stored lines"
check
run log show --since 2999-01-01
expect_rc 0
[ -z "$OUT" ] || fail "--since in the future printed: $OUT"
run log show --since yesterday
expect_rc 2
expect_err_has "--since 'yesterday' is not a UTC time"

run log checkpoint
expect_rc 0
CP=$OUT
grep -Eq '^tapekey-log [^ ]+ 4 ([0-9A-Z]{4}-){7}[0-9A-Z]{4}$' <<<"$CP" || fail "checkpoint: $CP"
check
"$TOOL" append h 2 second
run log verify --checkpoint "$CP" --auditor-key h/log/auditor.key
expect_rc 0
expect_out_has "h/log/keyuse.log: 6 entries"
expect_out_has "every mac checked with the auditor key"
expect_out_has "extends the checkpoint $CP"
run log verify
expect_rc 0
expect_out_has "macs not checked (give --auditor-key to check them)"

# one changed byte in entry 2 (a field value): named with the key, and by the chain without it
cp h/log/keyuse.log good.log
sed -i '3s/"i":"1"/"i":"7"/' h/log/keyuse.log
run log verify --auditor-key h/log/auditor.key
expect_rc 1
offset=$(head -n 2 h/log/keyuse.log | wc -c)
expect_err_has "tapekey: error: log verify: $WORK/h/log/keyuse.log entry 2 (line 3, byte $offset): mac does not match"
expect_err_has "tapekey: hint: the entry was changed after it was written"
expect_err_has "the 2 entries before it verify"
run log verify
expect_rc 1
expect_err_has "entry 3 (line 4, byte"
expect_err_has "prev does not match the hash of entry 2: that entry or this one was changed"

# truncation: only the checkpoint catches it
cp good.log h/log/keyuse.log
head -n 3 good.log > h/log/keyuse.log
run log verify --auditor-key h/log/auditor.key
expect_rc 0
run log verify --auditor-key h/log/auditor.key --checkpoint "$CP"
expect_rc 1
expect_err_has "entry 3 (line 4, byte $(wc -c <h/log/keyuse.log)): the log ends here but the checkpoint names 4 entries: entries were removed from its end (truncation or rollback)"
cp good.log h/log/keyuse.log

# a checkpoint copied with a typo, or malformed
bad_cp="${CP%?}$( [ "${CP: -1}" = 0 ] && echo 1 || echo 0 )"
run log verify --checkpoint "$bad_cp"
expect_rc 1
expect_err_has "entry 3 (line 4, byte"
expect_err_has "does not match the checkpoint: the log was rewritten or rolled back since it was taken"
expect_err_has "if you copied the checkpoint by hand, compare it again"
run log verify --checkpoint "tapekey-log x 4"
expect_rc 1
expect_err_has "checkpoint: expected four words, 'tapekey-log ORIGIN SIZE HASH'"

# a copy of the log, without a home (what an auditor has)
cp good.log copy.log
run log verify --log copy.log --auditor-key h/log/auditor.key --home /nonexistent
expect_rc 0
expect_out_has "copy.log: 6 entries"

# the auditor key: once
run log auditor-key --out auditor.key
expect_rc 0
[ "$(stat -c %a auditor.key)" = 600 ] || fail "auditor.key mode $(stat -c %a auditor.key)"
cmp -s auditor.key h/log/auditor.key || fail "the exported key differs"
check
run log auditor-key --out again.key
expect_rc 1
expect_err_has "the auditor key was already exported (keyuse.log entry 6,"
[ ! -e again.key ] || fail "again.key written"
run log verify --auditor-key auditor.key
expect_rc 0
run log show --event log.auditor_key_export
expect_out_has "file=$WORK/auditor.key"

# no home, usage errors
run log show --home "$WORK/none"
expect_rc 1
expect_err_has "no tapekey home at $WORK/none"
run log frobnicate
expect_rc 2
run log auditor-key
expect_rc 2
done_ok
