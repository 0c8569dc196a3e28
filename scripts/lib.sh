# scripts/lib.sh: shared by the scripts (sourced, not run).
# The Debian packages tapekey needs, by purpose. Add a package here, nowhere else.
TAPEKEY_BUILD_PACKAGES=(
  build-essential cmake pkg-config
  libssl-dev libqrencode-dev libhpdf-dev libcli11-dev doctest-dev
  libsystemd-dev   # key-use log forwarding to the journal (sd_journal_send)
  fonts-dejavu-core
  libzxing-dev libstb-dev  # envelopes: QR decoding of scans (ZXing-C++) and image loading (stb_image)
  poppler-utils    # pdftoppm: the scan-back check renders envelope PDFs with it (a run-time need)
)
TAPEKEY_TEST_PACKAGES=(
  valgrind     # the constant-time check (tests/ct)
  botan        # independent Shamir implementation (RTSS) for cross-checks
  ssss         # the baseline in bench/compare
  hyperfine    # not required; bench/compare times runs itself
  sg3-utils    # sg_raw, sg_logs: independent SCSI clients (drive interop, cartridge writes, TapeAlert in tests)
  stenc        # an independent tape-encryption client (drive interop, tests/interop/stenc_drive.sh)
  sdparm       # an independent mode-page client: reads and sets ASOCWP against tapekey (tests/cli/bacula.sh)
  strace       # kills or fails a command at chosen system calls (keyring crash tests)
  user-mode-linux  # a real Linux kernel as a process: the real-kernel tier (tests/kernel/run)
  busybox-static   # that tier's guest init (insmod, mount, halt)
  zbar-tools       # zbarimg: an independent QR decoder for the envelope round trip
  imagemagick      # degraded scans (blur, noise, blots) in the envelope tests
)

# Installs the packages that are missing (apt-get; through sudo when not root).
tapekey_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  echo "tapekey: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds one build folder:
#   tapekey_build DIR [-D... cmake settings] [--target T]
tapekey_build() {
  local dir=$1
  shift
  local settings=() target=()
  while [ $# -gt 0 ]; do
    case $1 in
      --target) target=(--target "$2"); shift 2 ;;
      *) settings+=("$1"); shift ;;
    esac
  done
  cmake -S . -B "$dir" -DTAPEKEY_WERROR=ON "${settings[@]}" >/dev/null
  cmake --build "$dir" -j"$(nproc)" "${target[@]}"
}
