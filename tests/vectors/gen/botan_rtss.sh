#!/usr/bin/env bash
# Writes tests/vectors/rtss/botan-2.19.3.vec: RTSS shares made by Debian's
# `botan` 2.19.3 command line (an implementation independent of tapekey),
# for tests/unit/rtss_test.cpp. Run from the repository root:
#   bash tests/vectors/gen/botan_rtss.sh > tests/vectors/rtss/botan-2.19.3.vec
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# RTSS (draft-mcgrew-tss-03) shares with SHA-256, made by $(botan version | head -1 | sed 's/^/botan /')"
echo "# with: botan tss_split K N secret.bin --hash=SHA-256 (tests/vectors/gen/botan_rtss.sh)."
echo "# share_a.. are K of the N shares (the ones named in the script), whole files in hex."
echo
echo "[valid]"
row() {  # name k n secret-hex shares-to-list...
  local name=$1 k=$2 n=$3 hex=$4
  shift 4
  printf '%s' "$hex" | xxd -r -p > "$tmp/secret.bin"
  (cd "$tmp" && rm -f s*.tss && botan tss_split "$k" "$n" secret.bin --hash=SHA-256 --share-prefix=s --share-suffix=tss)
  echo "name = $name"
  echo "secret = $hex"
  local letters=(a b c d e) i=0
  for x in "$@"; do
    echo "share_${letters[$i]} = $(xxd -p -c 1000 "$tmp/s$x.tss")"
    i=$((i + 1))
  done
  echo
}
row botan_2of2_16 2 2 "$(openssl rand -hex 16)" 1 2
row botan_3of5_32 3 5 "$(openssl rand -hex 32)" 2 4 5
row botan_5of17_64 5 17 "$(openssl rand -hex 64)" 17 3 9 1 12
row botan_2of3_20 2 3 "$(openssl rand -hex 20)" 3 1
