# Scenario 3: Debian's stenc 1.0.7, an independent client, against the real
# /dev/nst0 (as root, which it requires): it shows the key instance
# counter, modes and U-KAD that tapekey loaded; and a key stenc sets is
# read back by `tapekey drive status`.
make_key /tmp/keys/k3 "kernel-tier key 3"
step "tapekey loads a key; stenc --detail shows it"
must /tmp/load $tk drive load /dev/sg0 --key-file /tmp/keys/k3 --mode on
must /tmp/status.json $tk drive status --json /dev/sg0
kic=$($bb sed -n 's/.*"key_instance_counter":\([0-9]*\).*/\1/p' /tmp/status.json)
[ -n "$kic" ] || fail "no key instance counter in tapekey's JSON"
must /tmp/stenc stenc --detail -f /dev/nst0
expect_grep /tmp/stenc 'Drive Output: +Decrypting' "stenc sees the decryption mode (data out of the drive)"
expect_grep /tmp/stenc 'Drive Input: +Encrypting' "stenc sees the encryption mode (data into the drive)"
expect_grep /tmp/stenc "Key Instance Counter: +$kic\$" "stenc sees tapekey's key instance counter"
expect_grep /tmp/stenc 'Drive Key Desc\.\(uKAD\): +kernel-tier key 3' "stenc sees tapekey's U-KAD"

step "stenc sets a key; tapekey reads it back"
make_key /tmp/keys/s3 "stenc-set key 3"
must /tmp/set stenc -f /dev/nst0 -e mixed -a 1 -k /tmp/keys/s3
expect_grep /tmp/set 'Success' "stenc reports success"
must /tmp/status $tk drive status /dev/sg0
expect_grep /tmp/status 'encryption: encrypt, decryption: mixed' "tapekey sees stenc's modes"
expect_grep /tmp/status "key instance counter: $((kic + 1))\$" "tapekey sees the counter stenc advanced"
expect_grep /tmp/status 'stenc-set key 3' "tapekey sees stenc's U-KAD"
