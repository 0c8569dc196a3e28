#!/usr/bin/env bash
# keys destroy is a crypto-erase on this server (docs/design.md section 3):
# afterwards the generation's key is in neither keyring nor keyring.prev,
# no bundle in HOME/bundles holds it, a fresh bundle holds every live
# generation, and the command names, by digest and date, every bundle made
# before whose off-site copies must be destroyed too. An active generation
# is refused with nothing changed.
# (Bundle metadata is plain text, recovery-bundle.md section 2, so grep -a
# finds a generation in a bundle file; keyring lines are keyring.md
# section 3.)
. "$(dirname "$0")/lib.sh"

run init --home home
expect_rc 0
run ceremony --home home -k 2 --custodian A --custodian B --administrator Ann --witness Walt \
  --out env --non-interactive
expect_rc 0
G1=$(sed -n 's/^first tape-key generation \([0-9A-Z-]*\) is active$/\1/p' <<<"$ERR")
[ -n "$G1" ] || fail "no first generation reported"
run keys rotate --home home; expect_rc 0
run keys rotate --home home; expect_rc 0
run keys list --home home --json
mapfile -t IDS < <(grep -o '"id":"[0-9A-Z-]*"' <<<"$OUT" | cut -d'"' -f4)
[ "${#IDS[@]}" -eq 3 ] || fail "expected 3 generations, got ${#IDS[@]}"
G2=${IDS[1]} G3=${IDS[2]}
holds() { grep -a -q "generation $2 " "$1"; }  # bundle file, generation id
mapfile -t OLD < <(ls home/bundles/*.tkb)
[ "${#OLD[@]}" -eq 3 ] || fail "expected 3 bundles before, got ${#OLD[@]}"
for b in "${OLD[@]}"; do holds "$b" "$G1" || fail "$b should hold $G1 before the destroy"; done
grep -q "^generation $G1 deactivated .* key=[0-9A-Z]*$" home/keyring.prev || fail "keyring.prev should hold $G1's key before"

# The active generation: refused, nothing changed.
cp home/keyring.prev prev.before
run keys destroy --home home "$G3" --confirm "$G3"
expect_rc 1
expect_err_has "generation $G3 is active"
cmp -s prev.before home/keyring.prev || fail "a refused destroy changed keyring.prev"
[ "$(ls home/bundles | wc -l)" -eq 3 ] || fail "a refused destroy changed the bundles"

run keys destroy --home home "$G1" --confirm "$G1"
expect_rc 0
expect_err_has "generation $G1 is destroyed; erased here from keyring, keyring.prev and 3 bundle(s)"
for f in home/keyring home/keyring.prev; do
  grep -q "^generation $G1 destroyed .* key=-$" "$f" || fail "$f still holds $G1's key"
  grep -q "^generation $G2 deactivated .* key=[0-9A-Z]*$" "$f" || fail "$f lost $G2's key"
  CHECKS=$((CHECKS + 1))
done
for b in "${OLD[@]}"; do [ ! -e "$b" ] || fail "$b holds $G1 and is still there"; done
mapfile -t NEW < <(ls home/bundles/*.tkb)
[ "${#NEW[@]}" -eq 1 ] || fail "expected one fresh bundle, got ${#NEW[@]}"
! holds "${NEW[0]}" "$G1" || fail "the fresh bundle holds $G1"
holds "${NEW[0]}" "$G2" && holds "${NEW[0]}" "$G3" || fail "the fresh bundle lacks a live generation"
expect_err_has "new bundle without it: home/bundles/$(basename "${NEW[0]}") (digest "
# Every removed bundle is named by its digest (the file name holds it
# without dashes) and the day it was made.
flat=$(tr -d - <<<"$ERR")
for b in "${OLD[@]}"; do
  d=${b##*-}
  grep -qF "${d%.tkb} (made $(date -u +%Y%m%d)" <<<"$flat" || fail "the digest of $b is not named"
  CHECKS=$((CHECKS + 1))
done
expect_err_has "destroy every off-site copy of these and their recovery sheets"

# Run again: already destroyed, nothing left here, the first bundle named.
run keys destroy --home home "$G1" --confirm "$G1"
expect_rc 0
expect_err_has "generation $G1 was already destroyed; erased here from keyring, keyring.prev and 0 bundle(s)"
expect_err_has "the first that held it"
done_ok
