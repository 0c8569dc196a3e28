# tests/envelope/degrade.sh: degraded scans for the envelope and sheet
# round trips (sourced after tests/cli/lib.sh).
#
# degrade NAME EXPECT CONVERT-ARGS... makes d-NAME.png from $DEGRADE_SOURCE
# with ImageMagick and calls the test's `check_degraded FILE`, which runs
# the check (setting RC, OUT, ERR) and fails on a wrong result. EXPECT is
# ok (must decode), better (must be refused) or either; a refusal must
# exit 1 and ask for a better scan ($DEGRADE_REFUSAL on standard error).
degrade() {
  local name=$1 expect=$2
  shift 2
  /usr/bin/convert "$DEGRADE_SOURCE" "$@" "d-$name.png"
  check_degraded "d-$name.png"
  if [ "$RC" -eq 0 ]; then
    [ "$expect" != better ] || fail "$name: decoded, but this damage should be beyond repair"
    echo "degraded scan $name: decoded"
  else
    [ "$RC" -eq 1 ] || fail "$name: exit $RC"
    expect_err_has "$DEGRADE_REFUSAL"
    [ "$expect" != ok ] || fail "$name: not decoded"
    echo "degraded scan $name: refused, asking for a better scan${DEGRADE_NOTE:+ ($DEGRADE_NOTE)}"
  fi
}
