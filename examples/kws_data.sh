#!/bin/sh
# examples/kws_data.sh - `make kws-data`: a synthetic keyword-spotting data set
# laid out like Google Speech Commands, so one loader reads both.
#
#   sh examples/kws_data.sh [-n N] [-o OUT] [--seed S]
#     -n N      clips in all (default 20000), balanced over 12 classes
#     -o OUT    output directory (default build/kws-data); a previous set there
#               is replaced only once the new one is complete
#     --seed S  seed of every random choice (default 1): same seed, same files
#
# Layout (every clip 16-bit PCM, mono, 16000 Hz, exactly 16000 samples):
#   OUT/<word>/<speaker>_nohash_<k>.wav  the 10 keywords (yes no up down left
#       right on off stop go) with N/12 clips each, and the 20 Speech Commands
#       filler words (bed bird ... zero) sharing N/12 as the "unknown" class
#   OUT/_silence_/<noise>_nohash_<k>.wav  background noise only, N/12 clips
#   OUT/testing_list.txt     the test clips: whole voices held out (about 20%
#                            of them, in every engine), 20% of the noise recipes
#   OUT/validation_list.txt  empty (the trainer splits its own from training)
#   OUT/meta.txt             how it was made: voices, counts, timing
# Voices: espeak-ng (8 English accents x 16 variants, pitch and speed drawn per
# voice and per word), flite (kal, kal16, awb, rms, slt) and festival
# (kal_diphone, ked_diphone, cmu_us_slt_arctic_hts; one `festival -b` script
# per worker); each flite/festival voice also makes 5 pseudo-speakers with a
# vocal-tract factor a (sox `speed a` scales formants and F0, `tempo` restores
# the duration, the synthesiser's F0 target is divided by a where it has one).
# Each clip: the word trimmed, tempo 0.9-1.1, pitch +-200 cents, placed at a
# random point of the 1 s window (longer words compressed to fit), mostly mixed
# with noise (white, pink, brown, hum, fan rumble, espeak-ng babble) at 0-30 dB
# SNR, sometimes telephone band, low-/high-pass, reverb or mild clipping.
# Every clip is checked (format, 16000 samples, not silent) before it counts.
# Needs sh, awk, sox, espeak-ng, flite, festival and three festival voices: it
# installs the Debian packages when it can, else names them and exits 2.
# Run time on 2 cores: -n 400 about 11 s, -n 20000 about 5 minutes.
# Environment: KWS_DATA_JOBS workers (default 2 per core); KWS_DATA_ESPEAK,
# KWS_DATA_FLITE, KWS_DATA_FESTIVAL, KWS_DATA_FESTVOX (voices dir) replace the
# tools, e.g. KWS_DATA_ESPEAK=/nonexistent shows the missing-package message.
# shellcheck disable=SC2046  # effect lists and awk results are split into words on purpose
set -u
LC_ALL=C; export LC_ALL
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
# libsox is built with OpenMP: its idle threads spin and eat the other core
OMP_NUM_THREADS=1; export OMP_NUM_THREADS

usage() { echo "usage: sh examples/kws_data.sh [-n N] [-o OUT] [--seed S]"; }
n=20000 out=build/kws-data seed=1
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || case $1 in -h|--help) ;; *) usage >&2; exit 1 ;; esac
  case $1 in
    -n) n=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 1 ;;
  esac
done
case $n in ''|*[!0-9]*) usage >&2; exit 1 ;; esac
case $seed in ''|*[!0-9]*) usage >&2; exit 1 ;; esac
[ "$n" -ge 12 ] || { echo "kws-data: -n must be at least 12" >&2; exit 1; }
out=${out%/}
now() { date +%s.%N | sed 's/\.N$//'; }
t0=$(now)
case $out in ''|*[\ \'\"]*) echo "kws-data: OUT must be a path without spaces or quotes" >&2; exit 1 ;; esac
# never replace a directory that is not a set made by this script
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] &&
   ! head -n 1 "$out/meta.txt" 2>/dev/null | grep -q '^kws-data'; then
  echo "kws-data: $out exists and is not a kws-data set; not replacing it" >&2
  exit 1
fi

# the tools (overridable, e.g. KWS_DATA_ESPEAK=/nonexistent tests the message)
ESPEAK=${KWS_DATA_ESPEAK:-espeak-ng}
FLITE=${KWS_DATA_FLITE:-flite}
FESTIVAL=${KWS_DATA_FESTIVAL:-festival}
FESTVOX=${KWS_DATA_FESTVOX:-/usr/share/festival/voices}
SOX="sox -R -D -V1"   # -R: sox's random generators start the same every run
# workers: the synthesisers wait on threads and files half the time, so two
# per core keep both cores busy (about 1.4x the clips/s of one per core)
jobs=${KWS_DATA_JOBS:-$((ncpu * 2))}

# ---- >>deps: install what is missing, or say what and exit 2 ---------------
missing() {
  need=""
  command -v "$ESPEAK" >/dev/null 2>&1 || need="$need espeak-ng"
  { command -v sox && command -v soxi; } >/dev/null 2>&1 || need="$need sox"
  if command -v "$FLITE" >/dev/null 2>&1; then
    fl=" $("$FLITE" -lv 2>&1) "
    for v in kal kal16 awb rms slt; do
      case $fl in *" $v "*) ;; *) need="$need flite"; break ;; esac
    done
  else
    need="$need flite"
  fi
  command -v "$FESTIVAL" >/dev/null 2>&1 || need="$need festival"
  [ -d "$FESTVOX/english/kal_diphone" ] || need="$need festvox-kallpc16k"
  [ -d "$FESTVOX/english/ked_diphone" ] || need="$need festvox-kdlpc16k"
  [ -d "$FESTVOX/us/cmu_us_slt_arctic_hts" ] || need="$need festvox-us-slt-hts"
  echo "$need"
}
need=$(missing)
if [ -n "$need" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  echo "kws-data: installing:$need"
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need; } >/dev/null 2>&1
  need=$(missing)
  if [ -n "$need" ]; then
    echo "kws-data: missing:$need (could not install it here); as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends$need" >&2
    echo "kws-data: no data set made" >&2
    exit 2
  fi
fi

# ---- work space: the set is made in OUT.tmp-PID and moved into place at the end
tmp="$out.tmp-$$"
work="$tmp/.work"
pids=""
cleanup() { [ -z "$pids" ] || kill $pids 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$tmp"
mkdir -p "$work/fest" "$work/noise" || exit 1

# ---- >>noise: 6 kinds x 5 recipes x 12 s; clips take 1 s at random offsets --
# sox's noise is the same on every run (-R); each recipe starts at a seed- and
# recipe-dependent offset of it, so recipes and seeds differ.
noise_effects() {  # kind variant: the sox effects that make 12 s of it
  o=$(( (seed * 7 + $2 * 13 + ${#1} * 5) % 61 )); L=$((12 + o))
  W="synth $L whitenoise trim $o"; P="synth $L pinknoise trim $o"; B="synth $L brownnoise trim $o"
  case $1-$2 in
    white-0) echo "$W" ;;
    white-1) echo "$W highpass 1000" ;;
    white-2) echo "$W lowpass 4000" ;;
    white-3) echo "$W sinc 500-6000" ;;
    white-4) echo "$W lowpass 2500 highpass 200" ;;
    pink-0) echo "$P" ;;
    pink-1) echo "$P lowpass 3000" ;;
    pink-2) echo "$P highpass 300" ;;
    pink-3) echo "$P equalizer 1000 2q 8" ;;
    pink-4) echo "$P lowpass 6000 highpass 100" ;;
    brown-0) echo "$B" ;;
    brown-1) echo "$B highpass 60" ;;
    brown-2) echo "$B highpass 150" ;;
    brown-3) echo "$B lowpass 1000" ;;
    brown-4) echo "$B highpass 40 equalizer 300 1q 6" ;;
    # mains hum and buzz, with a little hiss
    hum-0) echo "$P synth 12 sine mix 50 synth 12 sine mix 150 synth 12 sine mix 250 lowpass 1500" ;;
    hum-1) echo "$P synth 12 sine mix 60 synth 12 sine mix 180 synth 12 sine mix 300 lowpass 1200" ;;
    hum-2) echo "$B synth 12 square mix 50 lowpass 800" ;;
    hum-3) echo "$W synth 12 sawtooth mix 60 lowpass 2000" ;;
    hum-4) echo "$P synth 12 sine mix 100 synth 12 sine mix 200 lowpass 1000" ;;
    # fans and engines: low rumble with a blade tone and a slow beat
    rumble-*) t=$((4 + $2 * 3))
      echo "$B synth 12 sine mix $((90 + $2 * 25)) lowpass $((350 + $2 * 120)) tremolo $((t / 10)).$((t % 10)) 40" ;;
  esac
}
BABBLE_TEXT="the morning market was busy with traders calling prices while customers walked between stalls looking at fresh bread and fruit. a small child asked her father about the colourful kites that flew above the square. later the weather became warm and many people sat under the umbrellas drinking tea and talking about the news from the city. the teacher said that the museum would open its new gallery in march with paintings by famous artists."
babble() {  # variant file: 7 espeak-ng voices talking at once
  i=0; list=""
  for bv in en-us+m3 en-gb+f2 en-gb-scotland+m5 en-029+f4 en-us-nyc+m1 en-gb-x-rp+f1 en-gb-x-gbclan+m7 en-gb-x-gbcwmd+f3; do
    i=$((i + 1))
    [ $(( (i + $1) % 8 )) -ne 0 ] || continue
    "$ESPEAK" -v "$bv" -s $((150 + (i * 7 + $1 * 11) % 40)) -p $(( (i * 23 + $1 * 17) % 80 + 10 )) \
      -w "$work/noise/talk-$1.wav" "$BABBLE_TEXT" </dev/null >/dev/null 2>&1 &&
    $SOX "$work/noise/talk-$1.wav" "$work/noise/talk-$1-$i.wav" repeat 1 trim $(( (i * 3 + $1 + seed) % 10 )) 12 rate 16000 || return 1
    list="$list $work/noise/talk-$1-$i.wav"
  done
  $SOX -m $list -b 16 "$2" norm -3 && rm -f "$work"/noise/talk-$1*.wav
}
noise_recipe() {  # kind variant: 12 s of it and its RMS level in noise/KIND-V.tab
  k=$1 v=$2 rec="$work/noise/$1-$2.wav"
  if [ "$k" = babble ]; then babble $v "$rec"
  else $SOX -n -r 16000 -c 1 -b 16 "$rec" $(noise_effects "$k" $v) trim 0 12 norm -3
  fi || return 1
  [ "$(soxi -s "$rec")" = 192000 ] || return 1
  sox "$rec" -n stat 2>&1 | awk -v f="$rec" '/^RMS +amplitude/ && $3 > 0.001 { print f, $3 }' > "$work/noise/$k-$v.tab"
}
noise_bank() {  # all 30 recipes at once -> $work/noise.tab
  for kind in white pink brown hum rumble babble; do
    for v in 0 1 2 3 4; do noise_recipe $kind $v & done
  done
  wait
  for kind in white pink brown hum rumble babble; do
    for v in 0 1 2 3 4; do
      [ -s "$work/noise/$kind-$v.tab" ] ||
        { echo "kws-data: could not make the $kind-$v noise" >&2; return 1; }
      cat "$work/noise/$kind-$v.tab"
    done
  done > "$work/noise.tab"
}
noise_bank || exit 1

# ---- >>plan: one line per clip, every random draw made here ---------------
# A Park-Miller generator in awk (the same numbers under any awk) seeded by
# --seed. Line fields (silence lines reuse some, see there):
#   dir name split engine voice f0 rate text a cents tempo lead filter reverb
#   noise snr level clip noise_rms noise_offset(samples into the 12 s recipe)
awk -v n="$n" -v seed="$seed" -v tabf="$work/noise.tab" -v spkf="$work/speakers.txt" '
function rnd() { rs = (rs * 16807) % 2147483647; return rs / 2147483647 }
function uni(a, b) { return a + (b - a) * rnd() }
function pick(k) { return int(rnd() * k) }
function r2(x) { return sprintf("%.3f", x) }
function addspk(eng, id, voice, f0, rate, a, spl) {
  ns[eng]++; S[eng, ns[eng]] = id; V[id] = voice; F0[id] = f0; R[id] = rate; A[id] = a; SPL[id] = spl
  printf "%s %s %s %s f0=%s rate=%s vt=%s\n", spl, eng, id, voice, f0, rate, a > spkf
}
function filter(pn, pt, pl,   x) {   # none | tel | lpF | hpF
  x = rnd()
  return x < pn ? "none" : x < pt ? "tel" : x < pl ? "lp" int(uni(1800, 5000)) : "hp" int(uni(100, 500))
}
BEGIN {
  rs = (seed * 7919 + 12345) % 2147483646 + 1
  for (i = 0; i < 20; i++) rnd()
  # noise recipes: one of each kind (drawn) is for the test split only
  split("white pink brown hum rumble babble", kinds, " ")
  for (i = 1; i <= 6; i++) testv[kinds[i]] = pick(5)
  while ((getline line < tabf) > 0) {
    split(line, f, " "); p = f[1]; nm = p; sub(/.*\//, "", nm); sub(/\.wav$/, "", nm); split(nm, g, "-")
    sp = (g[2] == testv[g[1]]) ? "test" : "train"
    npool[sp]++; pool[sp, npool[sp]] = p; NRMS[p] = f[2]; REC[p] = "noise-" g[1] "-" g[2]; NSPL[p] = sp
    recs[++nrec] = p
  }
  # espeak-ng: 8 accents x 16 variants; 3 variants of each accent held out
  na = split("en-us en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-rp en-gb-x-gbcwmd en-029 en-us-nyc", acc, " ")
  nv = split("m1 m2 m3 m4 m5 m6 m7 f1 f2 f3 f4 croak klatt klatt2 klatt3 klatt4", var, " ")
  for (i = 1; i <= na; i++) {
    for (j = 1; j <= nv; j++) held[j] = 0
    for (c = 0; c < 3; ) { j = 1 + pick(nv); if (!held[j]) { held[j] = 1; c++ } }
    for (j = 1; j <= nv; j++)
      addspk("espk", "espk-" acc[i] "-" var[j], acc[i] "+" var[j], int(uni(25, 75)), int(uni(115, 160)),
             r2(uni(0.94, 1.06)), held[j] ? "test" : "train")
  }
  # flite and festival: 5 pseudo-speakers per voice; awb (flite) and
  # ked_diphone (festival) held out whole: neither person is in another engine
  split("0.90 0.95 1.00 1.05 1.10", vt, " ")
  split("kal kal16 awb rms slt", fv, " "); split("105 105 110 0 170", ff0, " ")   # rms has no F0 target
  for (i = 1; i <= 5; i++) for (j = 1; j <= 5; j++)
    addspk("flite", "flite-" fv[i] "-vt" sprintf("%03d", vt[j] * 100), fv[i],
           ff0[i] ? int(ff0[i] * uni(0.85, 1.15) / vt[j]) : 0, r2(uni(0.95, 1.25)), vt[j], fv[i] == "awb" ? "test" : "train")
  split("kal_diphone ked_diphone cmu_us_slt_arctic_hts", tv, " "); split("kal ked slt", tn, " "); split("105 105 0", tf0, " ")
  for (i = 1; i <= 3; i++) for (j = 1; j <= 5; j++)
    addspk("fest", "fest-" tn[i] "-vt" sprintf("%03d", vt[j] * 100), tv[i],
           tf0[i] ? int(tf0[i] * uni(0.85, 1.15) / vt[j]) : 0, r2(uni(0.95, 1.25)), vt[j], tn[i] == "ked" ? "test" : "train")
  # class sizes: N/12 each, the remainder to the first classes
  nk = split("yes no up down left right on off stop go", kw, " ")
  nf = split("bed bird cat dog eight five four happy house marvin nine one seven sheila six three tree two wow zero", fil, " ")
  per = int(n / 12); rem = n % 12
  for (c = 1; c <= 12; c++) cnt[c] = per + (c <= rem)
  m = 0
  for (c = 1; c <= nk; c++) for (i = 0; i < cnt[c]; i++) W[++m] = kw[c]
  for (j = 1; j <= nf; j++) for (i = 0; i < int(cnt[11] / nf) + (j <= cnt[11] % nf); i++) W[++m] = fil[j]
  for (i = 0; i < cnt[12]; i++) W[++m] = "_silence_"
  # shuffled, so that every worker (every J-th line) gets the same mix
  for (i = m; i > 1; i--) { j = 1 + pick(i); t = W[i]; W[i] = W[j]; W[j] = t }
  split(". ! ? , .", punct, " "); punct[6] = ""
  for (i = 1; i <= m; i++) {
    w = W[i]
    if (w == "_silence_") {
      # voice = a second recipe or -, f0 = its gain (dB), level = RMS level (dBFS)
      p = recs[1 + pick(nrec)]; sp = NSPL[p]; id = REC[p]
      q = "-"; if (rnd() < 0.4) do q = pool[sp, 1 + pick(npool[sp])]; while (q == p)
      printf "%s %s_nohash_%d %s noise %s %.1f 0 - 1 0 1 0 %s %d %s 0 %.1f 0 %s %d\n", w, id, kcount[w, id]++, sp, q,
             uni(-20, 0), filter(0.7, 0.8, 0.9), rnd() < 0.15 ? int(uni(10, 70)) : 0, p, uni(-55, -15), NRMS[p], pick(176001)
      continue
    }
    e = rnd(); eng = e < 0.5 ? "espk" : e < 0.8 ? "flite" : "fest"   # the engine mix
    id = S[eng, 1 + pick(ns[eng])]; sp = SPL[id]; a = A[id]
    if (eng == "espk") {
      f0 = int(F0[id] + uni(-8, 8)); f0 = f0 < 0 ? 0 : f0 > 99 ? 99 : f0
      rate = int(R[id] * uni(0.9, 1.1)); text = w punct[1 + pick(6)]
    } else {
      f0 = F0[id] ? int(F0[id] * uni(0.95, 1.05)) : 0
      rate = r2(R[id] * uni(0.92, 1.08)); text = w
    }
    cents = int(uni(-200, 200)); tempo = r2(uni(0.9, 1.1) / a); lead = pick(1001)
    filt = filter(0.65, 0.75, 0.9); rev = rnd() < 0.25 ? int(uni(10, 70)) : 0
    if (rnd() < 0.85) { p = pool[sp, 1 + pick(npool[sp])]; snr = uni(0, 30); nr = NRMS[p] }
    else { p = "-"; snr = 0; nr = 0 }
    level = uni(-20, -3); clip = rnd() < 0.05 ? uni(2, 6) : 0
    printf "%s %s_nohash_%d %s %s %s %s %s %s %s %d %s %d %s %d %s %.1f %.1f %.1f %s %d\n", w, id, kcount[w, id]++, sp,
           eng, V[id], f0, rate, text, a, cents, tempo, lead, filt, rev, p, snr, level, clip, nr, pick(176001)
  }
}' > "$work/plan" || exit 1
w=1
while [ $w -le $jobs ]; do awk -v j="$jobs" -v w="$w" 'NR % j == w - 1' "$work/plan" > "$work/plan.$w"; w=$((w + 1)); done
for d in $(awk '{ print $1 }' "$work/plan" | sort -u); do mkdir -p "$tmp/$d" || exit 1; done

# ---- >>engines: the bare word into the file (any rate) --------------------
synth_espk() {   # voice pitch(0-99) speed(wpm) text file
  "$ESPEAK" -v "$1" -p "$2" -s "$3" -w "$5" "$4" </dev/null >/dev/null 2>&1
}
synth_flite() {  # voice f0(Hz, 0 = the voice's own) duration_stretch text file
  if [ "$2" = 0 ]; then set -- "$1" "" "$3" "$4" "$5"; else set -- "$1" "--setf int_f0_target_mean=$2" "$3" "$4" "$5"; fi
  "$FLITE" -voice "$1" $2 --setf duration_stretch="$3" -t "$4" -o "$5" </dev/null >/dev/null 2>&1
}
# festival starts slowly (~70 ms), so each worker synthesises all of its
# festival words in one `festival -b` script first, grouped by voice; the
# diphone voices take an F0 target and Duration_Stretch, the HTS voice a
# speed (-r) only. A failed word does not stop the script (unwind-protect).
fest_script() {  # plan lines on stdin -> scheme on stdout
  awk -v dir="$work/fest" '
    $4 != "fest" { next }
    { file = dir "/" $1 "." $2 ".wav"
      save = sprintf("(unwind-protect (utt.save.wave (SynthText \"%s\") \"%s\" (quote riff)) nil)", $8, file)
      if ($5 == "cmu_us_slt_arctic_hts")
        s = sprintf("(set! hts_engine_params (append cmu_us_slt_arctic_hts::hts_engine_params (list (list \"-r\" %.3f))))\n(Parameter.set (quote Duration_Stretch) 1)\n%s", 1 / $7, save)
      else
        s = sprintf("(set! int_lr_params (quote ((target_f0_mean %d) (target_f0_std 14) (model_f0_mean 170) (model_f0_std 34))))\n(Parameter.set (quote Duration_Stretch) %s)\n%s", $6, $7, save)
      by[$5] = by[$5] s "\n" }
    END { for (v in by) printf "(voice_%s)\n%s", v, by[v] }'
}
fest_batch() {  # planfile worker
  fest_script < "$1" > "$work/fest.$2.scm"
  [ -s "$work/fest.$2.scm" ] || return 0
  "$FESTIVAL" -b "$work/fest.$2.scm" </dev/null >/dev/null 2>&1
  return 0   # missing words are made one by one later
}

# ---- >>clip: one plan line -> OUT/dir/name.wav, checked --------------------
# stat_of FILE: sets ns (samples) and mx (peak) from a `stat` report
stat_of() {
  ns=0 mx=0
  while read -r k1 k2 k3 rest; do
    case "$k1 $k2" in "Samples read:") ns=$k3 ;; "Maximum amplitude:") mx=$k3 ;; esac
  done < "$1"
}
good_clip() {  # the stat report of a written clip: 16000 samples, peak >= 0.002
  stat_of "$1"
  [ "$ns" = 16000 ] || return 1
  case $mx in 0.000*|0.001*|0|"") return 1 ;; esac
}
effects() {  # filter reverb clip: the channel effects after mixing
  case $1 in
    tel) printf 'sinc 300-3400 ' ;;
    lp*) printf 'sinc -%s ' "${1#lp}" ;;
    hp*) printf 'highpass %s ' "${1#hp}" ;;
  esac
  [ "$2" = 0 ] || printf 'reverb %s remix - ' "$2"
  [ "$3" = 0.0 ] || printf 'gain %s ' "$3"
}
make_silence() {  # dst st: 1 s of one or two noise recipes at an RMS level, filtered
  set -- "$1" "$2" $(awk -v l="$level" -v r="$nrms" -v g2="$f0" \
    'BEGIN { g = 10 ^ (l / 20) / r; printf "%.6f %.6f", g, g * 10 ^ (g2 / 20) }')
  if [ "$voice" = - ]; then
    $SOX "$noise" -b 16 "$1" trim "${off}s" 16000s vol "$3" $(effects "$filt" "$rev" 0.0) trim 0 16000s stat 2> "$2"
  else
    $SOX -M "$noise" "$voice" -b 16 "$1" trim "${off}s" 16000s remix "1v$3,2v$4" $(effects "$filt" "$rev" 0.0) trim 0 16000s stat 2> "$2"
  fi
}
make_speech() {  # dst st raw s1 [plain]: synthesise, shape, place, mix
  dst=$1 st=$2 raw=$3 s1=$4 plain=${5:-}
  case $eng in
    espk) synth_espk "$voice" "$f0" "$rate" "$text" "$raw" ;;
    flite) synth_flite "$voice" "$f0" "$rate" "$text" "$raw" ;;
    fest) raw="$work/fest/$dir.$name.wav"
          [ -s "$raw" ] || printf '(voice_%s)\n(utt.save.wave (SynthText "%s") "%s" (quote riff))\n' \
                             "$voice" "$text" "$raw" | "$FESTIVAL" --pipe >/dev/null 2>&1 ;;
  esac
  [ -s "$raw" ] || return 1
  # trim the silences, vocal tract (speed), pitch, tempo; `rate` last
  if [ -n "$plain" ]; then sh_a=1 sh_c=0 sh_t=1; else sh_a=$a sh_c=$cents sh_t=$tempo; fi
  $SOX "$raw" "$s1" norm -1 silence 1 0.01 0.3% reverse silence 1 0.01 0.3% reverse \
    speed "$sh_a" pitch "$sh_c" tempo "$sh_t" rate 16000 norm -1 stat 2> "$st" || return 1
  # placement, compression, gains: "lead_samples compress speech_gain noise_gain"
  set -- $(awk -v lead="$lead" -v snr="$snr" -v lev="$level" -v nr="$nrms" '
    /^Samples read/ { n = $3 } /^Maximum amplitude/ { mx = $3 } /^RMS +amplitude/ { r = $3 }
    END { if (n < 800 || mx < 0.05) { print "bad"; exit }
          c = 1; if (n > 15680) { c = n / 15680; n = 15680 }
          gs = 10 ^ (lev / 20) / mx; gn = nr > 0 ? gs * r / (nr * 10 ^ (snr / 20)) : 0
          printf "%d %.5f %.6f %.6f\n", int(lead / 1000 * (16000 - n)), c, gs, gn }' "$st")
  [ "${1:-bad}" != bad ] || return 1
  if [ "$2" != 1.00000 ]; then
    $SOX "$s1" "$s1.c.wav" tempo "$2" && mv "$s1.c.wav" "$s1" || return 1
  fi
  if [ "$noise" = - ]; then
    $SOX "$s1" -b 16 "$dst" vol "$3" pad "$1s" 16000s $(effects "$filt" "$rev" "$clip") trim 0 16000s stat 2> "$st"
  else
    # the word delayed by lead + offset, then both cut at the offset
    $SOX -M "$s1" "$noise" -b 16 "$dst" delay "$(($1 + off))s" 0 remix "1v$3,2v$4" trim "${off}s" 16000s \
      $(effects "$filt" "$rev" "$clip") trim 0 16000s stat 2> "$st"
  fi
}
worker() {  # number planfile: makes its clips, logs them to done.N / fail.N
  w=$1
  fest_batch "$2" "$w"
  : > "$work/done.$w"; : > "$work/fail.$w"
  while read -r dir name split eng voice f0 rate text a cents tempo lead filt rev noise snr level clip nrms off; do
    dst="$tmp/$dir/$name.wav" st="$work/st.$w"
    if [ "$eng" = noise ]; then
      # a strong high-pass can leave a quiet rumble under the check: then
      # again without the filter and 15 dB louder
      { make_silence "$dst" "$st" && good_clip "$st"; } ||
      { filt=none rev=0 level=$(awk -v l="$level" 'BEGIN { print l + 15 }')
        make_silence "$dst" "$st" && good_clip "$st"; }
    else
      # second try without the voice shaping, else the clip is dropped
      { make_speech "$dst" "$st" "$work/raw.$w.wav" "$work/s1.$w.wav" && good_clip "$st"; } ||
      { make_speech "$dst" "$st" "$work/raw.$w.wav" "$work/s1.$w.wav" plain && good_clip "$st"; }
    fi
    if [ $? = 0 ]; then
      echo "$dir/$name.wav $split $eng" >> "$work/done.$w"
    else
      rm -f "$dst"; echo "$dir/$name.wav $split $eng" >> "$work/fail.$w"
    fi
    [ "$eng" != fest ] || rm -f "$work/fest/$dir.$name.wav"
  done < "$2"
}

# ---- >>run: the workers, progress now and then -----------------------------
total=$(wc -l < "$work/plan")
echo "kws-data: making $total clips (seed $seed) in $tmp ..."
w=1
while [ $w -le $jobs ]; do worker $w "$work/plan.$w" & pids="$pids $!"; w=$((w + 1)); done
last=$(date +%s)
alive() { for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while alive; do
  sleep 1
  t=$(date +%s)
  if [ $((t - last)) -ge 15 ]; then
    last=$t
    echo "kws-data: $(cat "$work"/done.* 2>/dev/null | wc -l)/$total clips, $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s"
  fi
done
for p in $pids; do wait "$p"; done
pids=""

# ---- >>check: every clip's header again (soxi), then the lists and meta.txt
cat "$work"/done.* > "$work/done"
(cd "$tmp" && awk '{ print $1 }' .work/done | xargs soxi 2>/dev/null) | awk '
  /^Input File/ { f = $NF; gsub(/\047/, "", f); ch = sr = pr = ns = en = "" }
  /^Channels/ { ch = $NF } /^Sample Rate/ { sr = $NF } /^Precision/ { pr = $NF }
  /^Duration/ { for (i = 1; i < NF; i++) if ($(i + 1) == "samples") ns = $i }
  /^Sample Encoding/ { if (ch == 1 && sr == 16000 && pr == "16-bit" && ns == 16000 && $0 ~ /16-bit Signed Integer PCM/) print f }
' > "$work/checked"
awk 'NR == FNR { ok[$1] = 1; next } !($1 in ok)' "$work/checked" "$work/done" > "$work/badfmt"
while read -r f rest; do rm -f "$tmp/$f"; done < "$work/badfmt"
awk 'NR == FNR { ok[$1] = 1; next } ($1 in ok)' "$work/checked" "$work/done" | sort > "$work/final"
cat "$work"/fail.* "$work/badfmt" > "$work/dropped"
awk '$2 == "test" { print $1 }' "$work/final" > "$tmp/testing_list.txt"
: > "$tmp/validation_list.txt"
made=$(wc -l < "$work/final")
ntest=$(wc -l < "$tmp/testing_list.txt")
ntrain=$((made - ntest))
dropped=$(wc -l < "$work/dropped")
[ "$made" -gt 0 ] || { echo "kws-data: no clip came out" >&2; exit 1; }
secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')

{
  echo "kws-data: synthetic keyword-spotting set, Google Speech Commands layout"
  echo "made by: sh examples/kws_data.sh -n $n -o $out --seed $seed ($(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n))"
  echo "tools: $("$ESPEAK" --version | head -n 1 | cut -c1-30); flite $("$FLITE" --version 2>&1 | sed -n 's/.*version: \([^ ]*\).*/\1/p'); festival $("$FESTIVAL" --version | sed 's/.*System: \([^:]*\).*/\1/'); $(sox --version | sed 's/.*SoX/SoX/')"
  echo "clips: $made (train $ntrain, test $ntest); dropped after two tries: $dropped"
  echo "wall time: $secs s to make and check them ($(awk -v c="$made" -v s="$secs" 'BEGIN { printf "%.1f", c / s }') clips/s, $jobs workers on $ncpu cores)"
  echo "determinism: every parameter comes from --seed (Park-Miller in awk); sox runs with -R"
  echo "  (its noise generators start the same every run), espeak-ng, flite and festival are"
  echo "  deterministic, so the same seed and tool versions give the same files."
  echo "classes (train test): unknown = the 20 filler words, silence = _silence_"
  awk '{ d = $1; sub(/\/.*/, "", d); c = d
         if (d !~ /^(yes|no|up|down|left|right|on|off|stop|go|_silence_)$/) { c = "_unknown_"; fw[d, $2]++; fws[d] = 1 }
         n[c, $2]++; cs[c] = 1 }
       END { split("yes no up down left right on off stop go _unknown_ _silence_", o, " ")
             for (i = 1; i <= 12; i++) printf "  %-10s %5d %5d\n", o[i], n[o[i], "train"], n[o[i], "test"]
             nf = split("bed bird cat dog eight five four happy house marvin nine one seven sheila six three tree two wow zero", fl, " ")
             s = "  unknown by word (train+test):"
             for (i = 1; i <= nf; i++) s = s " " fl[i] "=" fw[fl[i], "train"] + 0 "+" fw[fl[i], "test"] + 0
             print s }' "$work/final"
  echo "clips per engine (train test):"
  awk '{ n[$3, $2]++; e[$3] = 1 } END { for (x in e) printf "  %-6s %5d %5d\n", x, n[x, "train"], n[x, "test"] }' "$work/final" | sort
  echo "voices per engine (train test); a voice is the speaker id before _nohash_:"
  awk '{ n[$2, $1]++; e[$2] = 1 } END { for (x in e) printf "  %-6s %5d %5d\n", x, n[x, "train"], n[x, "test"] }' "$work/speakers.txt" | sort
  echo "  espeak-ng: 8 accents x (m1-m7 f1-f4 croak klatt klatt2 klatt3 klatt4), pitch -p 25-75 and speed -s 115-160"
  echo "  drawn per voice, +-8 / +-10% per word, trailing punctuation varied; vt = vocal-tract factor (sox speed)"
  echo "  flite/festival: 5 pseudo-speakers per voice (vt 0.90-1.10), engine mix 50% espeak-ng, 30% flite, 20% festival"
  echo "test voices (held out whole):"
  awk '$1 == "test" { print $3 }' "$work/speakers.txt" | paste -sd' ' - | fold -s -w 96 | sed 's/^/  /'
  echo "silence: 1 s at random offsets of 12 s noise recipes (white pink brown hum rumble babble, 5 each),"
  echo "  one recipe of each kind only in test (speech in test is mixed with those too):"
  awk '$2 == "test" && $1 ~ /^_silence_/ { r = $1; sub(/^_silence_\/noise-/, "", r); sub(/_nohash_.*/, "", r); print r }' "$work/final" |
    sort -u | paste -sd' ' | sed 's/^/  test recipes: /'
  echo "augmentation per word: trim, tempo 0.9-1.1, pitch +-200 cents, random placement (words over 0.98 s"
  echo "  compressed), 85% noise at 0-30 dB SNR, peak -20..-3 dBFS, 10% telephone band, 15% low-pass 1.8-5 kHz,"
  echo "  10% high-pass 100-500 Hz, 25% reverb, 5% clipping (gain +2..6 dB); silence: RMS -55..-15 dBFS, 40% two noises"
  echo "checks: every clip 16000 Hz, 1 channel, 16-bit, 16000 samples (soxi), peak >= 0.002 (sox stat)"
  [ "$dropped" = 0 ] || { echo "dropped clips:"; sed 's/^/  /' "$work/dropped"; }
} > "$tmp/meta.txt"

# ---- >>done: move into place; the old set goes only now -------------------
rm -rf "$work"
if [ -e "$out" ]; then
  mv "$out" "$out.old-$$" || exit 1
  mv "$tmp" "$out" || { mv "$out.old-$$" "$out"; exit 1; }
  rm -rf "$out.old-$$"
else
  mv "$tmp" "$out" || exit 1
fi
secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')   # with replacing the old set
echo "kws-data: $made clips (train $ntrain, test $ntest) in $secs s -> $out"
