#!/usr/bin/env bash
# examples/tapekey.conf: the library reads it (through `tapekey config
# check`, which loads it with tapekey::Config::load), and it sets every key
# of the settings table. The list of keys comes from the commented file
# `tapekey init` writes (Config::default_text()), never from this script.
# $1 tapekey, $2 the example config.
. "$(dirname "$0")/../cli/lib.sh"
EXAMPLE=$(realpath "$2")

# The table's keys, as section.key, from the default file.
run init --home home; expect_rc 0
awk '/^\[.*\]$/ { section = substr($0, 2, length($0) - 2) }
     /^# [a-z_]+ = / { print section "." $2 }' home/config | sort > table.keys
[ "$(wc -l < table.keys)" -ge 5 ] || fail "found only $(wc -l < table.keys) keys in the default config"

# The home's own file: every key listed, none set.
run config check --home home
expect_rc 0
[ "$(grep -c ' (default)$' <<<"$OUT")" -eq "$(wc -l < table.keys)" ] || fail "a fresh config should set nothing"

# The example: valid, every key of the table listed and set in the file.
run config check "$EXAMPLE"
expect_rc 0
sed 's/ = .*//' <<<"$OUT" | sort > checked.keys
cmp -s table.keys checked.keys || fail "config check lists other keys than the default config: $(diff table.keys checked.keys)"
while read -r key; do
  grep -qx "$key = .*" <<<"$OUT" || fail "no value for $key"
  grep -qx "$key = .* (default)" <<<"$OUT" && fail "examples/tapekey.conf leaves $key out"
  CHECKS=$((CHECKS + 1))
done < table.keys
# and each is explained: a comment paragraph names it before its line
while read -r key; do
  awk -v k="${key#*.}" '/^#/ { if (index($0, k)) seen = 1; next } /^[a-z_]+ =/ { if ($1 == k && seen) found = 1; seen = 0 }
                        END { exit !found }' "$EXAMPLE" || fail "$key has no comment above it in the example"
  CHECKS=$((CHECKS + 1))
done < table.keys

# The check is real: a key left out is reported as default, a typo is refused.
grep -v '^fail_closed = ' "$EXAMPLE" > missing.conf
run config check missing.conf
expect_rc 0
expect_out_has "log.fail_closed = false (default)"
sed 's/^fail_closed = true/fail_closd = true/' "$EXAMPLE" > typo.conf
run config check typo.conf
expect_rc 1
expect_err_has "unknown setting 'log.fail_closd'"
run config check nowhere.conf
expect_rc 1
expect_err_has "nowhere.conf"
done_ok
