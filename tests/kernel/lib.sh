# lib.sh: helpers for the scenarios, sourced in the guest (busybox sh)
# after guest-init has attached the drive. A scenario fails by exiting
# non-zero; `fail` says why first.
bb=/bin/busybox
tk=$TK_BUILD/cli/tapekey
tape_gid=$($bb awk -F: '$1 == "tape" { print $3 }' /etc/group)
# The unprivileged user of scenario 2: a numeric uid with no passwd entry
# (the root filesystem is the host's, read-only), in group tape, as
# Bacula's storage daemon runs.
user_uid=4242

fail() {
  echo "FAIL: $*"
  exit 1
}
step() { echo "== $*"; }

# expect_grep FILE PATTERN WHAT: FILE must match the extended regex.
expect_grep() {
  $bb grep -Eq -- "$2" "$1" || { echo "--- $1:"; $bb cat "$1"; fail "$3 (no match for '$2')"; }
}
# expect_no_grep FILE PATTERN WHAT
expect_no_grep() {
  if $bb grep -Eq -- "$2" "$1"; then
    echo "--- $1:"; $bb grep -E -- "$2" "$1"; fail "$3"
  fi
}
# run_as_user CMD...: as uid $user_uid, group tape only, no capabilities.
run_as_user() {
  $bb mkdir -p /tmp/home-$user_uid && $bb chown $user_uid:$tape_gid /tmp/home-$user_uid
  HOME=/tmp/home-$user_uid /usr/bin/setpriv --reuid=$user_uid --regid=$tape_gid --groups=$tape_gid \
    --inh-caps=-all --bounding-set=-all -- "$@"
}
# The kernel log.
kernel_log() { $bb dmesg; }
# make_key FILE DESCRIPTION: a stenc key file (hex key, then the
# description sent as the U-KAD), mode 0600, owned by the scenario user.
make_key() {
  $bb mkdir -p /tmp/keys
  $bb chmod 0755 /tmp/keys
  printf '%s\n%s\n' "$($bb od -An -tx1 -N32 /dev/urandom | $bb tr -d ' \n')" "$2" > "$1"
  $bb chown $user_uid:$tape_gid "$1"
  $bb chmod 0600 "$1"
}
# The trace lines (one per command the drive executed) since `trace_mark`.
trace_mark() { trace_at=$($bb wc -l < /tmp/drive/trace); }
trace_since() { $bb tail -n +$((trace_at + 1)) /tmp/drive/trace; }
# 16 KiB of text that is easy to find in the drive's state file.
make_plaintext() {
  $bb seq 1 1000 | $bb awk '{ printf "tapekey-kernel-tier plaintext line %05d\n", $1 }' | $bb head -c 16384 > "$1"
}
# capture FILE CMD...: runs CMD with its output in FILE, shows it, and
# leaves its exit status in $rc (never stops the scenario by itself).
capture() {
  local f=$1
  shift
  set +e
  "$@" > "$f" 2>&1
  rc=$?
  set -e
  $bb cat "$f"
}
# must FILE CMD...: the same, and the scenario fails unless CMD succeeds.
must() {
  capture "$@"
  [ $rc -eq 0 ] || fail "exit status $rc from: $(echo "$*" | $bb cut -d' ' -f2-)"
}
