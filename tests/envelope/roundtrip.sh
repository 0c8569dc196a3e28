#!/usr/bin/env bash
# The printed envelope round trip (docs/spec/envelope.md): ceremony -> PDFs
# -> pages rendered by pdftoppm at 150 and 300 dpi -> decoded by tapekey
# (ZXing-C++) and by zbarimg (zbar, an independent decoder) -> equal to the
# share printed beside the code; restore from scanned pages; degraded scans
# (ImageMagick) decode or ask for a better scan, never give a wrong share.
. "$(dirname "$0")/../cli/lib.sh"
for t in pdftoppm pdftotext zbarimg /usr/bin/convert; do
  command -v "$t" >/dev/null || fail "$t is needed; ./scripts/check installs poppler-utils, zbar-tools, imagemagick"
done

run init --home home; expect_rc 0
run ceremony --home home -k 3 --custodian Alice --custodian Bob --custodian "Chloé Dupont" --custodian Dan \
  --custodian Erin --administrator Ann --witness Walt --out env --non-interactive --combined
expect_rc 0
expect_out_has "env/share-3-Chlo___Dupont.pdf, page 1: share 3 (Chloé Dupont) of escrow"
for f in env/*.pdf; do expect_mode "$f" 600; done
cp home/escrow.pub escrow.pub
run bundle export --home home --out b.tkb; expect_rc 0

# The share as printed beside the code, on one line (the QR payload).
printed() {
  pdftotext -layout "$1" - | sed -n 's/^ *\([0-9A-Z]\{4\}\( [0-9A-Z]\{1,4\}\)\{1,4\}\) *$/\1/p' | paste -sd' '
}
zbar() { zbarimg --nodbus --raw -q -Sdisable -Sqrcode.enable "$1"; }

# Vector only: no image in any PDF; the fonts are embedded.
for f in env/share-*.pdf; do
  [ -z "$(pdfimages -list "$f" | tail -n +3)" ] || fail "$f holds a bitmap"
  [ "$(pdffonts "$f" | tail -n +3 | awk '{print $(NF-4)}' | sort -u)" = "yes" ] || fail "$f: a font is not embedded"
  CHECKS=$((CHECKS + 2))
done
[ "$(pdfinfo env/envelopes-all.pdf | sed -n 's/^Pages: *//p')" = 5 ] || fail "combined PDF: not 5 pages"

for dpi in 150 300; do
  for x in 1 2 3 4 5; do
    f=$(echo env/share-$x-*.pdf)
    pdftoppm -r "$dpi" -png -singlefile "$f" "p$x-$dpi"
    text=$(printed "$f")
    [ "${#text}" -eq 112 ] || fail "$f: the printed share has ${#text} characters, not 112"
    [ "$(zbar "p$x-$dpi.png")" = "$text" ] || fail "zbarimg at $dpi dpi: share $x does not decode to the printed text"
    run envelopes check "p$x-$dpi.png" --escrow escrow.pub
    expect_rc 0
    expect_out_has "p$x-$dpi.png: share $x ("
  done
done

# Restore from scans of three pages (150 dpi PNG, a 300 dpi grey PGM, a JPEG).
pdftoppm -r 300 -gray -singlefile env/share-4-Dan.pdf p4g
/usr/bin/convert p5-150.png -quality 85 p5.jpg
run restore --home r1 --bundle b.tkb --scan p2-150.png p4g.pgm p5.jpg
expect_rc 0
expect_err_has "p4g.pgm: accepted"
expect_err_has "restored 1 generations into r1"

# Degraded scans, from the 300 dpi page of share 2. Each must give share 2,
# or fail asking for a better scan; never another share, never a silent pass.
# The symbol (without quiet zone) spans about x 23.7..76.3 mm, y 46..98.6 mm
# on the page of the built-in template; at 150 dpi, 5.906 px per mm.
. "$CLI_TESTS/../envelope/degrade.sh"
DEGRADE_SOURCE=p2-300.png
DEGRADE_REFUSAL="scan the page again at 150 dpi or more"
check_degraded() {
  run envelopes check "$1" --escrow escrow.pub
  [ "$RC" -ne 0 ] || expect_out_has "$1: share 2 (Bob) of escrow"
  if grep -q "belongs to set\|fails:" <<<"$ERR"; then fail "$1: a wrong share"; fi
}
blot() {  # PERCENT COLOUR: BLOT is a square of that share of the symbol's area at its lower right
  local side
  side=$(awk -v p="$1" 'BEGIN { printf "%d", sqrt(p / 100) * 52.6 * 5.906 }')
  BLOT=(-fill "$2" -draw "rectangle $((451 - side)),$((582 - side)) 451,582")
}
degrade dpi72 ok -resize 24%
degrade dpi72-blur ok -resize 24% -blur 0x1
degrade blur ok -resize 50% -blur 0x2
for seed in 1 2 3; do
  degrade "noise$seed" ok -resize 50% -seed "$seed" -attenuate 0.6 +noise Gaussian
  degrade "dpi72-blur-noise$seed" either -resize 24% -blur 0x1 -seed "$seed" -attenuate 0.6 +noise Gaussian
done
degrade rotated ok -resize 50% -background white -rotate 7 -quality 20
blot 5 black; degrade blot5 ok -resize 50% "${BLOT[@]}"
blot 10 white; degrade blot10-white either -resize 50% "${BLOT[@]}"
blot 30 black; degrade blot30 better -resize 50% "${BLOT[@]}"
degrade blank better -resize 50% -fill white -draw "rectangle 0,0 1241,1754"
done_ok
