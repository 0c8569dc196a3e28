#!/usr/bin/env bash
# Recovery sheet refusals (docs/spec/recovery-sheet.md section 5): parts of
# two bundles, a damaged part, a share where a part belongs, the bundle
# given twice or not at all, a home without a bundle.
. "$(dirname "$0")/../cli/lib.sh"

run init --home home; expect_rc 0
run bundle print --home home --out s.pdf
expect_rc 1
expect_err_has "there is no bundle in home/bundles"
run ceremony --home home -k 2 --custodian A --custodian B --administrator Ann --witness Walt --out env \
  --non-interactive
expect_rc 0
run bundle export --home home --out one.tkb; expect_rc 0
run bundle print --bundle one.tkb --out one.pdf; expect_rc 0
d1=$(sed -n 's/.*of bundle \([0-9A-Z-]*\) (.*/\1/p' <<<"$OUT")
run keys rotate --home home; expect_rc 0
run bundle export --home home --out two.tkb; expect_rc 0
run bundle print --home home --out two.pdf; expect_rc 0
run bundle check two.pdf --bundle two.tkb; expect_rc 0
run bundle check two.pdf --bundle one.tkb
expect_rc 1
expect_err_has "the sheet's bundle differs from one.tkb"

# Pages of two sheets: refused, naming both bundles; no home is made.
pdftoppm -r 150 -png -f 2 -l 2 one.pdf o
pdftoppm -r 150 -png -f 2 -l 2 two.pdf t
run bundle check o-2.png t-2.png
expect_rc 1
expect_err_has "parts of two bundles are never mixed"
expect_err_has "from bundle $d1"
pdftoppm -r 150 -png -singlefile env/share-1-A.pdf e1
pdftoppm -r 150 -png -singlefile env/share-2-B.pdf e2
run restore --home r --bundle-scan o-2.png t-2.png --scan e1.png e2.png
expect_rc 1
expect_err_has "parts of two bundles are never mixed"
[ ! -e r ] || fail "a refused restore left a home behind"

# The bundle given twice, or not at all: a usage error.
run restore --home r --bundle one.tkb --bundle-scan o-2.png --scan e1.png e2.png
expect_rc 2
expect_err_has "give the recovery bundle once: --bundle FILE or --bundle-scan PAGE..."
run restore --home r --scan e1.png e2.png
expect_rc 2
# An envelope where a sheet page belongs.
run bundle check e1.png
expect_rc 1
expect_err_has "e1.png: the QR code does not read as a part of the recovery bundle: this is an escrow share"
# A part whose lines all check but whose checksum does not (from the spec's
# vectors: two characters of line 3 changed, its check character kept).
sed -n '/^name = part_checksum/,/^$/s/^text = //p' "$CLI_TESTS/../vectors/sheet/invalid.vec" > damaged.txt
run bundle check damaged.txt
expect_rc 1
expect_err_has "damaged.txt: part 2 of 3: every line checks but the part checksum does not match"
echo "hello" > note.txt
run bundle check note.txt
expect_rc 1
expect_err_has "note.txt: line 1 of a part has a typo"
done_ok
