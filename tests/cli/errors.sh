#!/usr/bin/env bash
# Every refusal says what is wrong and what to do, names the share and line,
# and uses the documented exit code (1: the operation said no, 2: usage).
. "$(dirname "$0")/lib.sh"

openssl rand -hex 32 > key.hex
"$TAPEKEY" split -k 3 -n 5 --in key.hex --out a 2>/dev/null
"$TAPEKEY" split -k 3 -n 5 --in key.hex --out b 2>/dev/null

# a typo on line 3 of one share names the file and the line
awk 'NR==4 { $2 = (substr($2, 1, 1) == "A" ? "B" : "A") substr($2, 2) } { print }' a/share-2.txt > typo.txt
run combine a/share-1.txt typo.txt a/share-3.txt
expect_rc 1
expect_err_has "tapekey: error: combine: typo.txt: line 3 has a typo (the check character at the end of the line does not match)"
expect_err_has "tapekey: hint: retype that line from the envelope"

# a share from another split
run combine a/share-1.txt a/share-2.txt b/share-3.txt
expect_rc 1
expect_err_has "b/share-3.txt belongs to set"
expect_err_has "set this share aside; it is from another split"

# the same share twice
run combine a/share-1.txt a/share-2.txt a/share-2.txt
expect_rc 1
expect_err_has "a/share-2.txt is share 2, which was already entered as a/share-2.txt"

# a line missing
head -n 5 a/share-1.txt > short.txt
run combine short.txt a/share-2.txt a/share-3.txt
expect_rc 1
expect_err_has "short.txt: the share has 80 characters, a share of a 32-byte secret has 90"

# not a share at all
echo "hello world" > junk.txt
run combine junk.txt
expect_rc 1
expect_err_has "junk.txt:"

# usage errors exit 2
run split --threshold 1 --shares 5 --in key.hex
expect_rc 2
run split --threshold 3 --in key.hex
expect_rc 2
expect_err_has "--shares is required"
run split --threshold 6 --shares 5 --in key.hex
expect_rc 2
expect_err_has "cannot split 6-of-5"
run frobnicate
expect_rc 2

# bad secrets
printf 'zz%.0s' 1 > bad.hex
run split -k 2 -n 3 --in bad.hex
expect_rc 1
expect_err_has "bad.hex: character 1 is not a hex digit"
openssl rand -hex 8 > short.hex
run split -k 2 -n 3 --in short.hex
expect_err_has "the secret is 8 bytes long"
expect_err_has "tapekey shares secrets of 16 to 64 bytes"
run split -k 2 -n 3 --in missing.hex
expect_rc 1
expect_err_has "missing.hex: cannot open: No such file or directory"

# the secret never appears in an error message
key=$(cat key.hex)
echo "${key}zz" > almost.hex
run split -k 2 -n 3 --in almost.hex
grep -qF "${key:0:16}" .err && fail "the secret leaked into an error message"

# help shows a worked example
run --help
expect_rc 0
expect_out_has "Example: split a 256-bit key 3-of-5"
run split --help
expect_out_has "tapekey split --threshold 3 --shares 5 --in key.hex --out shares/"
run combine --help
expect_out_has "tapekey combine shares/share-2.txt"
done_ok
