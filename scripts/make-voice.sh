#!/usr/bin/env bash
# make-voice.sh: makes the recorded voice the displays announce calls with,
# assets/static/voice/*.ogg, and the list of its clip names, clips.txt.
#
# A display PC has no speech voices and no internet, so the hub ships these
# clips in its binary and the display plays them in sequence:
#
#	chime, 请 A 零 二 三 号到 3 号窗口, Ticket A 0 2 3, please go to counter 3
#
# Made with Debian's espeak-ng (Mandarin from pinyin with tone numbers,
# letters as Chinese speakers say them; American English) and sox:
#
#	apt-get install -y espeak-ng sox libsox-fmt-all
#	scripts/make-voice.sh            # writes assets/static/voice/
#	scripts/make-voice.sh OUTDIR     # or another directory
#
# Every clip: Ogg Vorbis, mono, 22.05 kHz, leading and trailing silence
# trimmed to 30 ms, normalised to -1 dBFS peak. The script checks each clip
# it made with `sox -n stat` and fails on a silent or clipped one.
#
# A hall may record its own voice instead: the same names, uploaded as a zip
# (PUT /api/v1/voice); clips.txt is the set the hub takes.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/assets/static/voice}"

for tool in espeak-ng sox; do
	if ! command -v "$tool" >/dev/null; then
		echo "make-voice: $tool is missing: apt-get install -y espeak-ng sox libsox-fmt-all" >&2
		exit 1
	fi
done
if ! sox -h 2>/dev/null | grep -qw vorbis; then
	echo "make-voice: this sox cannot write Ogg Vorbis: apt-get install -y libsox-fmt-all" >&2
	exit 1
fi

RATE=22050
PEAK_DB=-1       # the peak every clip is normalised to
EDGE_S=0.03      # the silence left before and after the sound
QUALITY=4        # Vorbis quality (-1 … 10): speech stays clear, clips stay small
ZH_VOICE=cmn-latn-pinyin
ZH_LETTER_VOICE=cmn # reads Latin letters the way Chinese speakers say them
EN_VOICE=en-us
ZH_SPEED=150 # words per minute: a little slower than espeak's 175, for a hall
EN_SPEED=145

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
rm -f "$out"/*.ogg
names=()

# finish turns the raw sound $1 into the clip $2.ogg: trimmed, padded,
# normalised, encoded.
finish() {
	local raw="$1" name="$2"
	# silence 1 … : drop everything before the first sound above -50 dB;
	# reversed, the same for the end.
	sox "$raw" -r "$RATE" -c 1 -b 16 "$work/trim.wav" \
		silence 1 0.005 -50d reverse silence 1 0.005 -50d reverse \
		pad "$EDGE_S" "$EDGE_S" norm "$PEAK_DB"
	sox "$work/trim.wav" -C "$QUALITY" "$out/$name.ogg"
	names+=("$name")
}

# say makes clip $1 from text $3 in espeak voice $2 at speed $4.
say() {
	local name="$1" voice="$2" text="$3" speed="$4"
	espeak-ng -v "$voice" -s "$speed" -w "$work/raw.wav" -- "$text"
	finish "$work/raw.wav" "$name"
}

# The chime: a soft two-tone ding-dong (E5 then C5), each with a quiet
# overtone and a bell's fading tail.
sox -n -r "$RATE" -c 2 "$work/ding.wav" synth 0.55 sine 659.26 sine 1318.51 \
	remix 1v0.8,2v0.15 fade l 0.004 0.55 0.5
sox -n -r "$RATE" -c 2 "$work/dong.wav" synth 1.1 sine 523.25 sine 1046.50 \
	remix 1v0.8,2v0.15 fade l 0.004 1.1 1.05
sox "$work/dong.wav" "$work/dong-late.wav" pad 0.42
sox -m "$work/ding.wav" "$work/dong-late.wav" "$work/chime-raw.wav"
finish "$work/chime-raw.wav" chime

# Chinese: 请 A 零 二 三 号到 3 号窗口. Digits are read one by one (二, not
# 两); counter numbers 10–99 with 十.
say zh-qing "$ZH_VOICE" "qing3" "$ZH_SPEED"
say zh-hao-dao "$ZH_VOICE" "hao4 dao4" "$ZH_SPEED"
say zh-hao-chuangkou "$ZH_VOICE" "hao4 chuang1kou3" "$ZH_SPEED"
zh_digits=(ling2 yi1 er4 san1 si4 wu3 liu4 qi1 ba1 jiu3)
for d in 0 1 2 3 4 5 6 7 8 9; do
	say "zh-$d" "$ZH_VOICE" "${zh_digits[$d]}" "$ZH_SPEED"
done
say zh-shi "$ZH_VOICE" "shi2" "$ZH_SPEED"
# Letters: espeak's Mandarin voice has the Chinese way of saying Latin
# letters (A "ei", B "bi", W "dabuliu" …); G and Z read in pinyin, as most
# speakers say them ("ji", "zei").
for l in A B C D E F H I J K L M N O P Q R S T U V W X Y; do
	say "zh-$l" "$ZH_LETTER_VOICE" "$l" "$ZH_SPEED"
done
say zh-G "$ZH_VOICE" "ji4" "$ZH_SPEED"
say zh-Z "$ZH_VOICE" "zei4" "$ZH_SPEED"

# English: Ticket A 0 2 3, please go to counter 3.
say en-ticket "$EN_VOICE" "Ticket" "$EN_SPEED"
say en-please-go-to-counter "$EN_VOICE" "please go to counter" "$EN_SPEED"
en_numbers=(zero one two three four five six seven eight nine ten eleven twelve
	thirteen fourteen fifteen sixteen seventeen eighteen nineteen)
for n in $(seq 0 19); do
	say "en-$n" "$EN_VOICE" "${en_numbers[$n]}" "$EN_SPEED"
done
en_tens=([2]=twenty [3]=thirty [4]=forty [5]=fifty [6]=sixty [7]=seventy [8]=eighty [9]=ninety)
for t in 2 3 4 5 6 7 8 9; do
	say "en-${t}0" "$EN_VOICE" "${en_tens[$t]}" "$EN_SPEED"
done
for l in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do
	# The letter alone, as in "A 0 2 3": espeak reads a capital letter by
	# its name.
	say "en-$l" "$EN_VOICE" "$l" "$EN_SPEED"
done

# clips.txt: the names, in a stable order.
printf '%s\n' "${names[@]}" | LC_ALL=C sort >"$out/clips.txt"

# Check every clip: sound in it, none clipped, the peak where it should be.
bad=0
max_lo=1 max_hi=0 total=0
while read -r name; do
	f="$out/$name.ogg"
	stat="$(sox "$f" -n stat 2>&1)"
	max="$(awk '/^Maximum amplitude/ {print $3}' <<<"$stat")"
	min="$(awk '/^Minimum amplitude/ {print $3}' <<<"$stat")"
	rms="$(awk '/^RMS +amplitude/ {print $3}' <<<"$stat")"
	len="$(awk '/^Length/ {print $3}' <<<"$stat")"
	peak="$(awk -v a="$max" -v b="$min" 'BEGIN {if (-b > a) a = -b; print a}')"
	if awk -v r="$rms" 'BEGIN {exit !(r < 0.01)}'; then
		echo "make-voice: $name is silent (RMS $rms)" >&2
		bad=1
	fi
	if awk -v p="$peak" 'BEGIN {exit !(p >= 0.999)}' || grep -qi clip <<<"$stat"; then
		echo "make-voice: $name is clipped (peak $peak)" >&2
		bad=1
	fi
	max_lo="$(awk -v a="$max_lo" -v p="$peak" 'BEGIN {print (p < a) ? p : a}')"
	max_hi="$(awk -v a="$max_hi" -v p="$peak" 'BEGIN {print (p > a) ? p : a}')"
	total=$((total + $(stat -c %s "$f")))
	printf '%-26s %6ss  peak %s  rms %s\n' "$name" "$len" "$peak" "$rms"
done <"$out/clips.txt"
echo "make-voice: ${#names[@]} clips in $out, peaks $max_lo–$max_hi, $total bytes"
exit "$bad"
