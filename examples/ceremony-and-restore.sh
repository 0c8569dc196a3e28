#!/usr/bin/env bash
# examples/ceremony-and-restore.sh: tapekey from the operator's chair, on an
# emulated HP LTO-4 drive. The key ceremony, the recovery bundle, a backup
# written encrypted, the server lost, the keys rebuilt from three of five
# custodians, and the backup read back.
#
#   examples/ceremony-and-restore.sh [TAPEKEY] [PRELOAD]
#
# TAPEKEY is the tapekey binary (default build/cli/tapekey), PRELOAD the
# emulator's preload library (default build/emu/libtapeemu-preload.so);
# `cmake --build build` makes both. Needs sg_raw (sg3-utils) and pdftoppm
# (poppler-utils). Works in a temporary folder it removes; exits non-zero
# if any step fails or the backup does not read back identical.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tapekey_bin=$(realpath "${1:-$root/build/cli/tapekey}")
preload=${2:-$root/build/emu/libtapeemu-preload.so}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
umask 077

# The drive. The preload library makes /dev/sg3 an emulated HP LTO-4 drive
# kept in drive.emu, for tapekey (through the same SG_IO code it uses on a
# real drive) and for sg_raw, which plays the backup program here.
export TAPEEMU_DEVICE=/dev/sg3 TAPEEMU_STATE=$work/drive.emu
tapekey() { LD_PRELOAD=$preload "$tapekey_bin" "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "1. The backup server gets a tapekey home: machine key, keyring, key-use log"
export TAPEKEY_HOME=$work/server
tapekey init

step "2. The key ceremony: any 3 of 5 custodians can rebuild the escrow key"
# At a terminal the ceremony walks the administrator and the witness through
# its checklist; --non-interactive asks nothing. Each envelope PDF goes to
# its custodian, sealed in a tamper-evident bag.
tapekey ceremony --threshold 3 --custodian Alice --custodian Bob --custodian Carol \
  --custodian Dan --custodian Erin --administrator Ann --witness Walt \
  --out envelopes --non-interactive

step "3. The recovery bundle goes off site with the tapes (it is useless without 3 custodians)"
mkdir offsite
tapekey bundle export --out offsite/bundle.tkb

step "4. A blank cartridge is mounted; the Bacula hook loads the active key"
tapekey emu create emu:drive.emu
tapekey emu insert emu:drive.emu --cartridge MON-001
tapekey drive auto /dev/sg3

step "5. The backup: one 512-byte block, WRITE(6) through sg_raw"
head -c 512 /dev/urandom > backup.bin
LD_PRELOAD=$preload sg_raw -s 512 -i backup.bin /dev/sg3 0a 00 00 02 00 00
tapekey emu eject emu:drive.emu

step "6. Disaster: the server and its home are gone"
rm -rf "$TAPEKEY_HOME"

step "7. On a new server, custodians 1, 3 and 5 bring their envelopes"
export TAPEKEY_HOME=$work/new-server
tapekey restore --home "$TAPEKEY_HOME" --bundle offsite/bundle.tkb \
  envelopes/share-1-Alice.pdf envelopes/share-3-Carol.pdf envelopes/share-5-Erin.pdf

step "8. The tape names its key generation; tapekey loads that one, once"
tapekey emu insert emu:drive.emu --cartridge MON-001
tapekey drive next-block /dev/sg3 | tee next-block.txt
grep -q "encrypted, key needed" next-block.txt   # on tape, the block is encrypted
tapekey drive auto /dev/sg3

step "9. The backup reads back"
LD_PRELOAD=$preload sg_raw -r 512 -o restored.bin /dev/sg3 08 00 00 02 00 00
cmp backup.bin restored.bin
echo "the block read back is identical to the one written: the restore works"
