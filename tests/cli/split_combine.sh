#!/usr/bin/env bash
# split and combine as a user runs them: files, standard input, --out, --force.
. "$(dirname "$0")/lib.sh"

key=$(openssl rand -hex 32)
echo "$key" > key.hex

# split to files, then combine 2, 4 and 5
run split --threshold 3 --shares 5 --in key.hex --out shares
expect_rc 0
expect_err_has "wrote 5 shares to shares"
for i in 1 2 3 4 5; do expect_mode "shares/share-$i.txt" 600; done
grep -q "^# tapekey share 2 of 5 (any 3 rebuild the secret), set " shares/share-2.txt || fail "share header"
run combine shares/share-2.txt shares/share-4.txt shares/share-5.txt
expect_rc 0
expect_out "$key"

# every 3-subset rebuilds, every 2-subset is refused
for a in 1 2 3 4 5; do for b in 1 2 3 4 5; do for c in 1 2 3 4 5; do
  if [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ]; then
    run combine shares/share-$a.txt shares/share-$b.txt shares/share-$c.txt
    expect_rc 0; expect_out "$key"
  fi
done; done; done
run combine shares/share-1.txt shares/share-3.txt
expect_rc 1
expect_err_has "3 shares are needed and 2 were given (shares 1 and 3)"
expect_err_has "tapekey: hint: bring 1 more of the set's 5 shares"

# standard input in, blocks out; blocks in on standard input
run_in key.hex split -k 2 -n 3
expect_rc 0
[ "$(grep -c '^# tapekey share' .out)" -eq 3 ] || fail "three blocks expected"
cp .out blocks.txt
run_in blocks.txt combine
expect_rc 0
expect_out "$key"

# uppercase hex with separators is accepted; raw bytes with --raw
echo "$key" | tr a-f A-F | sed 's/../&:/g' > upper.hex
run split -k 2 -n 2 --in upper.hex --out up
expect_rc 0
run combine up/share-1.txt up/share-2.txt
expect_out "$key"
echo "$key" | xxd -r -p > key.bin
run split -k 2 -n 2 --raw --in key.bin --out rawshares
expect_rc 0
run combine rawshares/share-2.txt rawshares/share-1.txt
expect_out "$key"

# nothing is overwritten without --force; with it the file is replaced
run split -k 3 -n 5 --in key.hex --out shares
expect_rc 1
expect_err_has "shares/share-1.txt already exists"
expect_err_has "unless you add --force"
run split -k 3 -n 5 --in key.hex --out shares --force
expect_rc 0
run combine shares/share-1.txt shares/share-2.txt shares/share-3.txt --out rebuilt.hex
expect_rc 0
expect_out ""
expect_mode rebuilt.hex 600
[ "$(cat rebuilt.hex)" = "$key" ] || fail "rebuilt.hex"
run combine shares/share-1.txt shares/share-2.txt shares/share-3.txt --out rebuilt.hex
expect_rc 1
expect_err_has "rebuilt.hex already exists"

# more than k shares: all used
run combine shares/share-1.txt shares/share-2.txt shares/share-3.txt shares/share-4.txt
expect_rc 0
expect_out "$key"
done_ok
