#!/usr/bin/env bash
# House rule: all hardware access goes through one drive interface, and
# SG_IO appears in exactly one file of the product (lib/ and cli/):
# lib/src/drive/sg_transport.cpp. emu/preload.cpp plays the kernel's side of
# SG_IO for tests and is the one other file allowed to know it.
set -euo pipefail
cd "$(dirname "$0")/../.."
found=$(grep -rlE --include='*.cpp' --include='*.h' '#include <scsi/sg\.h>|sg_io_hdr|ioctl\([^)]*SG_IO|case SG_IO' lib cli emu | sort)
expected=$'emu/preload.cpp\nlib/src/drive/sg_transport.cpp'
if [ "$found" != "$expected" ]; then
  echo "SG_IO or <scsi/sg.h> appears in:" >&2
  echo "$found" >&2
  echo "expected only lib/src/drive/sg_transport.cpp (and the preload library)" >&2
  exit 1
fi
echo "SG_IO: only in lib/src/drive/sg_transport.cpp (and emu/preload.cpp)"
