#!/usr/bin/env bash
# Envelope refusals: a bad template or paper stops the ceremony before any
# key is made; files that are no scan, or scans without a code, are named.
. "$(dirname "$0")/../cli/lib.sh"

run init --home home; expect_rc 0
printf 'tapekey-envelope-template 1\nshare 64\ntext for {custodain}\n' > bad.txt
run ceremony --home home -k 2 --custodian A --custodian B --administrator Ann --witness Walt --out env \
  --non-interactive --template bad.txt
expect_rc 1
expect_err_has "bad.txt, line 3: unknown placeholder {custodain}"
[ ! -e home/escrow.pub ] || fail "a refused template left an escrow behind"
[ ! -e env ] || fail "a refused template left an envelope folder behind"
run ceremony --home home -k 2 --custodian A --custodian B --administrator Ann --witness Walt --out env \
  --non-interactive --paper legal
expect_rc 2

# The German template works, on letter paper.
run ceremony --home home -k 2 --custodian "Jürgen" --custodian B --administrator Ann --witness Walt --out env \
  --non-interactive --template "$CLI_TESTS/../../templates/envelope-de.txt" --paper letter
expect_rc 0
expect_out_has "env/share-1-J__rgen.pdf, page 1: share 1 (Jürgen) of escrow"
pdftotext env/share-1-J__rgen.pdf - | grep -q "TAPEKEY-TREUHANDANTEIL FÜR Jürgen" || fail "the German title is missing"
[ "$(pdfinfo env/share-1-J__rgen.pdf | sed -n 's/^Page size: *\([0-9]*\) x \([0-9]*\).*/\1x\2/p')" = 612x792 ] ||
  fail "not US Letter"
CHECKS=$((CHECKS + 2))

# Files that are not envelopes.
echo "hello" > note.txt
run envelopes check note.txt --home home
expect_rc 1
expect_err_has "note.txt is not an image tapekey can read"
run envelopes check missing.png --home home
expect_rc 1
expect_err_has "missing.png does not exist"
/usr/bin/convert -size 200x300 xc:white blank.png
run envelopes check blank.png --home home
expect_rc 1
expect_err_has "blank.png: no QR code could be read"
expect_err_has "scan the page again at 150 dpi or more"
run restore --home r --bundle "$(echo home/bundles/*.tkb)" --scan blank.png env/share-2-B.pdf
expect_rc 1
expect_err_has "blank.png: no QR code could be read"
expect_err_has "2 good shares are needed and 1 were accepted (1 refused, above)"
done_ok
