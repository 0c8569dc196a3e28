# tests/docs/world.sh: the world around docs/escrow-procedure.md, sourced by
# tests/docs/procedure.sh. The server, the new machine after the disaster,
# the off-site medium and the RAM folders are folders under $WORK; the
# drive is the emulated HP LTO-4 (blocks written and read back with sg_raw
# through the preload library, tests/cli/emu_blocks.sh); paper is a copy of
# a PDF in the safe, and a scan is the page rendered at 300 dpi.

declare -A BLOCK   # cartridge -> the file of the block Bacula wrote on it

cartridge() {  # cartridge NAME: the operator puts NAME into the drive
  tapekey emu eject "$DRIVE" >/dev/null
  tapekey emu insert "$DRIVE" --cartridge "$1" >/dev/null
}
bacula_writes() {  # bacula_writes NAME: Bacula mounts a blank NAME (its hook loads the key) and writes a block
  cartridge "$1"
  local flag
  flag=$(tapekey bacula worm "$DRIVE" /dev/nst0 "$1" "Backup.$1")
  [ "$flag" = 0 ] || fail "the Worm Command hook printed '$flag' for $1, not 0"
  head -c 512 /dev/urandom > "$WORK/$1.bin"
  write_block "$WORK/$1.bin"
  BLOCK[$1]=$WORK/$1.bin
}
reads_back() {  # reads_back NAME: the block on NAME, just put in (at BOT), reads back as written
  read_block "$WORK/read.bin" || fail "the block on $1 did not read back: the wrong key is loaded"
  cmp -s "$WORK/read.bin" "${BLOCK[$1]}" || fail "the block on $1 read back different"
}
generation_of() {  # generation_of N: the id of the N-th generation of the home, oldest first
  tapekey keys list --json | grep -o '"id":"[^"]*"' | sed -n "$1p" | cut -d'"' -f4
}
paper() {  # paper FOLDER: the printed envelopes of the ceremony go to the safe
  mkdir -p "$WORK/safe/$1"
  cp "$CEREMONY"/share-*.pdf "$WORK/safe/$1/"
}
scan() {  # scan PDF PNG: a 300 dpi grey scan of a printed page
  pdftoppm -r 300 -gray -png -singlefile "$1" "${2%.png}"
}
typed() {  # typed PDF: the share's lines as a custodian reads them off the page
  pdftotext -layout "$1" - | sed -n 's/^ \{20,\}\([0-9A-Z][0-9A-Z ]*\)$/\1/p'
}
share_answers() {  # share_answers PDF...: a terminal's prompts and the lines typed, share after share
  local n=0 pdf line l
  for pdf in "$@"; do
    n=$((n + 1)); l=0
    while read -r line; do
      l=$((l + 1))
      printf 'share #%d, line %d[ 0-9of]*: \t%s\n' "$n" "$l" "$line"
    done < <(typed "$pdf")
    [ "$l" -gt 0 ] || fail "no share text found on $pdf"
  done
}
checklist_answers() {  # checklist_answers N NAME...: the ceremony checklist, these custodians present, bags TEB-N001...
  local c i=0 series=$1
  shift
  for c in "$@"; do printf 'is custodian %s present\t%s\n' "$c" yes; done
  for c in "$@"; do
    i=$((i + 1))
    printf '(?s)share %d for %s.*?bag serial: \tTEB-%d%03d\n' "$i" "$c" "$series" "$i"
    printf 'handed to %s\tyes\n' "$c"
  done
}

# --- 5. the names, mapped into the sandbox ---------------------------------
after_setup() {
  [ "$TAPEKEY_HOME" = /var/lib/tapekey ] || fail "the document's home is not the default"
  export TAPEKEY_HOME=$WORK/server/var/lib/tapekey
  export HOME=$WORK/root   # the administrator's home folder
  CEREMONY=$WORK/shm/ceremony
  OFFSITE=$WORK/offsite
  AUDITOR=$WORK/auditor
  RECOVERY=$WORK/shm/recovery
  DRILL=$WORK/shm/drill
  mkdir -p "$WORK/server/var/lib" "$OFFSITE" "$AUDITOR" "$WORK/shm" "$HOME"
  # The document's places for the sandbox's, in the output it shows.
  printf '%s\t%s\n' "$TAPEKEY_HOME" /var/lib/tapekey "$WORK/new-server/var/lib/tapekey" /var/lib/tapekey \
    "$CEREMONY" /dev/shm/ceremony "$RECOVERY" /dev/shm/recovery "$DRILL" /dev/shm/drill "$OFFSITE" /media/offsite \
    "$AUDITOR" /media/auditor "emu:$HOME/rehearsal/drive.emu" /dev/sg3 > "$WORK/.places"
}
after_rehearsal_drive() {
  [ "$DRIVE" = "emu:$HOME/rehearsal/drive.emu" ] || fail "the rehearsal drive is not where the document says"
  EMU_STATE=$HOME/rehearsal/drive.emu   # where emu_blocks.sh writes blocks through the preload library
  # An old clear tape from before encryption, written with no key loaded;
  # then the blank cartridge of the document goes back in.
  cartridge OLD-CLEAR
  tapekey drive clear "$DRIVE" >/dev/null   # before tapekey: no key, and the power-on unit attention taken
  head -c 512 /dev/urandom > "$WORK/OLD-CLEAR.bin"
  write_block "$WORK/OLD-CLEAR.bin"
  BLOCK[OLD-CLEAR]=$WORK/OLD-CLEAR.bin
  cartridge A00001
}

# --- 5.2 Ceremony A ------------------------------------------------------------
answers_ceremony_a() { checklist_answers 1 Alice Bob Carol Dan Erin; }
after_ceremony_a() {
  [ "$(ls "$CEREMONY"/share-*.pdf | wc -l)" = 5 ] || fail "the ceremony did not write five envelopes"
  [ "$(stat -c %a "$CEREMONY"/share-2-Bob.pdf)" = 600 ] || fail "an envelope is not mode 0600"
  grep -q "bag TEB-" "$TAPEKEY_HOME"/ceremonies/ceremony-*.txt || fail "bag serials not in the ceremony record"
  paper ceremony-a
  GEN1=$(generation_of 1)
}
after_shred_envelopes() {
  ! ls "$CEREMONY"/share-*.pdf 2>/dev/null || fail "envelope PDFs left after shredding"
}
after_auditor_key() {
  [ "$(wc -l < "$AUDITOR/checkpoints.txt")" = 1 ] || fail "no checkpoint in the auditor's file"
}

# --- 5.3 daily use ------------------------------------------------------------------
after_daily_hook() {
  [ "$STEP_OUT" = 0 ] || fail "the hook's standard output is '$STEP_OUT', not the WORM flag 0"
  head -c 512 /dev/urandom > "$WORK/A00001.bin"   # Bacula writes its label and data
  write_block "$WORK/A00001.bin"
  BLOCK[A00001]=$WORK/A00001.bin
}
after_daily_look() {
  grep -q "$GEN1" <<<"$STEP_OUT" || fail "keys list does not show the first generation"
}

# --- 5.4 rollover ---------------------------------------------------------------------
after_rollover() {
  GEN2=$(generation_of 2)
  [ -n "$GEN2" ] && [ "$GEN2" != "$GEN1" ] || fail "rotation made no second generation"
  bacula_writes A00002   # the next night's backup goes to a new cartridge, under GEN2
}

# --- 5.5 compromise ---------------------------------------------------------------------
before_compromise_declare() { GEN=$GEN2; }   # the administrator picked it from `keys list`
after_compromise_declare() {
  GEN3=$(generation_of 3)
  bacula_writes A00003   # backups go on under the new generation
}
after_compromise_exposure() {
  grep -q A00002 <<<"$STEP_OUT" || fail "keys cartridges does not list A00002, written under $GEN"
  ! grep -q 'A00001\|A00003' <<<"$STEP_OUT" || fail "keys cartridges lists a cartridge not written under $GEN"
}
before_compromise_read() { cartridge A00002; }
after_compromise_read() { reads_back A00002; }

# --- 5.6 Ceremony B: the server is lost ---------------------------------------------------
before_ceremony_b_restore() {
  mv "$WORK/server" "$WORK/lost-server"
  export TAPEKEY_HOME=$WORK/new-server/var/lib/tapekey
  mkdir -p "$WORK/new-server/var/lib" "$RECOVERY"
  local s
  for s in 1-Alice 2-Bob 4-Dan; do scan "$WORK/safe/ceremony-a/share-$s.pdf" "$RECOVERY/share-${s%%-*}.png"; done
}
after_ceremony_b_restore() {
  grep -q "$GEN1.*deactivated" <<<"$STEP_OUT" || fail "the restored home lacks $GEN1, deactivated"
  grep -q "$GEN2.*compromised" <<<"$STEP_OUT" || fail "the restored home lacks $GEN2, compromised"
  grep -q "$GEN3.*active" <<<"$STEP_OUT" || fail "the restored home lacks $GEN3, active"
}
before_ceremony_b_check() { cartridge A00001; }
after_ceremony_b_check() { reads_back A00001; }

# --- 5.7 Ceremony C ---------------------------------------------------------------------------
answers_ceremony_c() { checklist_answers 2 Alice Bob Carol Dan Frank; }
after_ceremony_c() { paper ceremony-c; }
after_ceremony_c_after() {
  [ "$(ls "$RECOVERY" | wc -l)" = 0 ] || fail "scans left after shredding"
}

# --- 5.8 key loss: a fire takes three envelopes -----------------------------------------------
answers_escrow_replace() { checklist_answers 3 Alice Bob Carol Dan Frank; }
after_escrow_replace() { paper replaced; }

# --- 5.9 destroy ------------------------------------------------------------------------------
after_destroy_old_bundles() {
  [ "$(ls "$OFFSITE" | grep -vc -- '-after-destroy-')" = 0 ] || fail "old bundles left on the off-site medium"
  grep -q "$GEN2 *destroyed" <<<"$STEP_OUT" || fail "keys list does not show $GEN2 destroyed"
}

# --- 5.10 the yearly drill ----------------------------------------------------------------------
answers_drill_custodian() { share_answers "$WORK/safe/replaced/share-2-Bob.pdf"; }
after_drill_custodian() {
  grep -q "share 2.*ok" <<<"$STEP_OUT" || fail "the custodian's drill did not say ok"
}
before_drill_restore() {
  # The paper recovery sheet, scanned page by page (no bundle file is used).
  mkdir -p "$DRILL"
  pdftoppm -r 300 -gray -png "$OFFSITE"/recovery-sheet-after-destroy-*.pdf "$DRILL/sheet"
  mv "$OFFSITE" "$WORK/offsite-away"   # every bundle file is out of reach
}
answers_drill_restore() {
  share_answers "$WORK/safe/replaced/share-1-Alice.pdf" "$WORK/safe/replaced/share-3-Carol.pdf" \
    "$WORK/safe/replaced/share-5-Frank.pdf"
}
after_drill_restore() {
  mv "$WORK/offsite-away" "$OFFSITE"
  [ -f "$DRILL/home/keyring" ] || fail "the drill did not restore a home"
  ! tapekey keys list --home "$DRILL/home" | grep -q "$GEN2" || fail "the destroyed generation came back"
  tapekey keys list --home "$DRILL/home" | grep -q "$GEN3 *active" || fail "the drill's home has no active $GEN3"
}
before_drill_read() { cartridge A00003; }
after_drill_read() {
  grep -q "encrypted, key loaded" <<<"$STEP_OUT" || fail "next-block does not report the block encrypted and readable"
  grep -q "U-KAD: \"TAPEKEY1 $GEN3\"" <<<"$STEP_OUT" || fail "the cartridge does not name $GEN3"
}
