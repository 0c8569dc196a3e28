# Scenario 2: an unprivileged user in group tape (as Bacula's storage
# daemon runs its hooks) loads a key through /dev/sg0 and reads the status
# back; the same through /dev/nst0 is refused by the kernel (SG_IO on an st
# node needs CAP_SYS_RAWIO), and tapekey says what to do instead. And the
# sg filter that makes tapekey open /dev/sgN read-write: SECURITY PROTOCOL
# IN through a read-only open is refused.
make_key /tmp/keys/k2 "kernel-tier key 2"
step "load through /dev/sg0 as uid $user_uid, group tape ($tape_gid), no capabilities"
run_as_user id
must /tmp/load run_as_user $tk drive load /dev/sg0 --key-file /tmp/keys/k2 --mode mixed
must /tmp/status run_as_user $tk drive status /dev/sg0
expect_grep /tmp/status 'encryption: encrypt, decryption: mixed' "the modes read back"
expect_grep /tmp/status 'key instance counter: [1-9]' "the key instance counter advanced"
expect_grep /tmp/status 'kernel-tier key 2' "the U-KAD reads back"
expect_grep /tmp/status 'writes now: ENCRYPTED' "tapekey says writes are encrypted"

step "the same through /dev/nst0 as that user"
capture /tmp/nst run_as_user $tk drive status /dev/nst0
[ $rc -ne 0 ] || fail "tapekey drive status /dev/nst0 succeeded as an unprivileged user"
expect_grep /tmp/nst '^tapekey: error: .*nst0' "the error names the device"
expect_grep /tmp/nst '^tapekey: hint: .*/dev/sg' "the hint points to /dev/sgN"
expect_grep /tmp/nst 'CAP_SYS_RAWIO' "the hint names the capability"

step "why /dev/sg0 must be opened read-write: the kernel's SG_IO filter"
# sg_raw -R opens read-only. SECURITY PROTOCOL IN is allowed for a caller
# without CAP_SYS_RAWIO only on a node opened for writing (Linux 6.1,
# observed); exit status 51 is sg3-utils' 50 + EPERM.
spin="a2 20 00 20 00 00 00 00 20 00 00 00"
capture /tmp/ro run_as_user sg_raw -R -r 8192 /dev/sg0 $spin
[ $rc -eq 51 ] || fail "SPIN on /dev/sg0 opened read-only: exit status $rc, expected 51 (EPERM)"
capture /tmp/rw run_as_user sg_raw -r 8192 /dev/sg0 $spin
[ $rc -eq 0 ] || fail "SPIN on /dev/sg0 opened read-write: exit status $rc, expected 0"
