#!/usr/bin/env bash
# The emulator core (emu/core) makes no operating-system calls, so that a
# TCMU handler, the preload library and the state file can all wrap it:
# none of its objects may reference a libc system-call wrapper or stdio.
# $1: libtapeemu_core.a
set -euo pipefail
lib=$1
[ -f "$lib" ] || { echo "no such archive: $lib" >&2; exit 1; }
undefined=$(nm -u --format=posix "$lib" | awk '{print $1}' | sort -u)
[ -n "$undefined" ] || { echo "nm listed no undefined symbols; the check would prove nothing" >&2; exit 1; }
forbidden='^(open|open64|openat|openat64|__open_2|__open64_2|read|write|pread|pwrite|ioctl|close|fopen|fopen64|fread|fwrite|fprintf|printf|puts|stat|stat64|fstat|fstat64|lstat|mmap|munmap|socket|connect|getenv|setenv|time|clock_gettime|gettimeofday|flock|fcntl|rename|unlink|fsync|fork|execve|exit|_exit|abort|syscall|dlopen|dlsym)$'
found=$(echo "$undefined" | grep -E "$forbidden" || true)
if [ -n "$found" ]; then
  echo "emu/core references operating-system calls:" >&2
  echo "$found" >&2
  exit 1
fi
echo "emu/core: $(echo "$undefined" | wc -l) undefined symbols, none an OS call"
