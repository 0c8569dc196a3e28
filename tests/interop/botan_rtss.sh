#!/usr/bin/env bash
# Live cross-check with Botan (Debian `botan`), an independent Shamir
# implementation in the same GF(2^8) field: shares made by `botan tss_split`
# are recovered with tapekey's arithmetic (rtss_tool), and shares made with
# tapekey's arithmetic are recovered by `botan tss_recover`.
# $1: the rtss_tool binary.
set -euo pipefail
tool=$(realpath "$1")
command -v botan >/dev/null || { echo "botan is not installed (scripts/check installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
checks=0
# (botan 2.19 accepts at most 254 shares.)
for spec in "2 2 16" "3 5 32" "4 7 48" "5 17 64" "3 254 32"; do
  read -r k n len <<<"$spec"
  for round in 1 2 3; do
    openssl rand "$len" > secret.bin
    want=$(xxd -p -c 1000 secret.bin)
    # botan splits, tapekey recovers from a random k-subset.
    rm -f b*.tss t*.tss
    botan tss_split "$k" "$n" secret.bin --hash=SHA-256 --share-prefix=b --share-suffix=tss
    mapfile -t pick < <(seq 1 "$n" | shuf -n "$k")
    got=$("$tool" recover $(printf 'b%s.tss ' "${pick[@]}"))
    [ "$got" = "$want" ] || { echo "FAIL: tapekey did not recover botan's $k-of-$n split (shares ${pick[*]})"; exit 1; }
    # tapekey splits, botan recovers.
    "$tool" split "$k" "$n" secret.bin t
    mapfile -t pick < <(seq 1 "$n" | shuf -n "$k")
    got=$(botan tss_recover $(printf 't%s.tss ' "${pick[@]}") | xxd -p -c 1000)
    [ "$got" = "$want" ] || { echo "FAIL: botan did not recover tapekey's $k-of-$n split (shares ${pick[*]})"; exit 1; }
    checks=$((checks + 2))
  done
done
# A share altered after splitting is refused by botan (its hash check).
"$tool" split 2 3 secret.bin t
printf '\x01' | dd of=t1.tss bs=1 seek=30 conv=notrunc status=none
if botan tss_recover t1.tss t2.tss >/dev/null 2>&1; then
  echo "FAIL: botan accepted an altered share"; exit 1
fi
echo "botan interop: $checks recoveries across both implementations agree"
