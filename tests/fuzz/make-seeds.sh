#!/bin/sh
# Makes the seed corpora of the fuzz targets (tests/fuzz/seeds/<target>/) from the repository's
# real inputs: content/kaiserslautern, packs built and signed from it, the Integreat export in
# ../shared/integreat (when it is there), docs/events.md, board/rpi/kiosk.conf. Run it from the
# repository root after `make`, when the formats change; it needs jq and minisign. The seeds
# are committed (small on purpose); what fuzzing grows from them stays in build/fuzz/corpus/.
set -eu
seeds=tests/fuzz/seeds
keys=tests/fuzz/keys
pack=build/wegweiser-pack
kl=content/kaiserslautern
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$seeds"
for t in sources pack sign stick integreat html markup script hours; do mkdir -p "$seeds/$t"; done

# A throwaway key pair, for fuzzing only: kept so regression inputs stay valid.
if [ ! -f "$keys/fuzz.pub" ]; then
	mkdir -p "$keys"
	$pack keygen -p "$keys/fuzz.pub" -s "$keys/fuzz.key"
fi

# A source folder as one input: `head` writes "==> NAME <==" before each file. Without the lines
# that link to pages or recordings left out, so that the folder builds (and build gets fuzzed,
# not only check's refusal).
bundle() { # out dir files...
	out=$1 dir=$2
	shift 2
	(cd "$dir" && head -c 100000000 "$@") | grep -v '(page:\|^audio:' > "$out"
}
p=pages
bundle $seeds/sources/topic-and-article $kl region.txt $p/100-deutsch-lernen/page.txt $p/100-deutsch-lernen/de.txt \
	$p/100-deutsch-lernen/ar.txt $p/110-integrationskurs/page.txt $p/110-integrationskurs/de.txt $p/110-integrationskurs/ti.txt
bundle $seeds/sources/office $kl region.txt offices/jobcenter.txt $p/900-kooperationspartner/page.txt \
	$p/900-kooperationspartner/de.txt $p/903-jobcenter/page.txt $p/903-jobcenter/de.txt $p/903-jobcenter/prs.txt
bundle $seeds/sources/emergency-and-help $kl region.txt $p/800-notruf/page.txt $p/800-notruf/de.txt $p/800-notruf/uk.txt \
	$p/1100-hilfe-kiosk/page.txt $p/1100-hilfe-kiosk/de.txt $p/1100-hilfe-kiosk/en.txt
bundle $seeds/sources/synonyms $kl region.txt synonyms.txt $p/903-jobcenter/page.txt $p/903-jobcenter/de.txt \
	$p/903-jobcenter/ar.txt $p/903-jobcenter/ti.txt
# One as it is, links and all: check refuses it.
(cd $kl && head -c 100000000 region.txt $p/300-asylblg-sgb2/page.txt $p/300-asylblg-sgb2/de.txt \
	$p/310-was-aendert-sich/page.txt $p/310-was-aendert-sich/de.txt $p/310-was-aendert-sich/ar.txt) > $seeds/sources/links-missing

# Small packs built from those sources, a signature, and sticks made of them.
for s in topic-and-article office emergency-and-help; do
	mkdir -p "$work/$s"
	(cd "$work/$s" && awk '/^==> .* <==$/ { f = substr($0, 5, length($0) - 8); n = split(f, d, "/");
		if (n > 1) system("mkdir -p \"" substr(f, 1, length(f) - length(d[n]) - 1) "\""); next }
		f { print > f }' < "$OLDPWD/$seeds/sources/$s")
	$pack build "$work/$s" -o "$work/$s.pack" >/dev/null
	cp "$work/$s.pack" "$seeds/pack/$s.pack"
done
$pack sign "$work/office.pack" --key "$keys/fuzz.key" --comment "Stick für die Außenstellen" >/dev/null
cp "$work/office.pack.minisig" $seeds/sign/office.pack.minisig
cp "$keys/fuzz.pub" $seeds/sign/fuzz.pub
cp "$keys/fuzz.key" $seeds/sign/fuzz.key
minisign -S -l -s "$keys/fuzz.key" -m "$work/topic-and-article.pack" -x $seeds/sign/legacy.minisig -W \
	-t 'wegweiser region=kaiserslautern version=2026-11-22 schema=1 size=1' >/dev/null 2>&1 || true
(cd "$work" && head -c 100000000 office.pack office.pack.minisig) > $seeds/stick/signed-pack
(cd "$work" && cp office.pack damaged.pack && cp office.pack.minisig damaged.pack.minisig &&
	printf 'X' | dd of=damaged.pack bs=1 seek=5000 conv=notrunc 2>/dev/null &&
	head -c 100000000 damaged.pack damaged.pack.minisig) > $seeds/stick/damaged-pack
(cd "$work" && cp topic-and-article.pack unsigned.pack && printf 'Fotos vom Fest\n' > notes.txt &&
	head -c 100000000 unsigned.pack notes.txt) > $seeds/stick/unsigned-pack
printf '==> notes.txt <==\nFotos vom Fest\n\n==> wegweiser-receipt-fuzz.txt <==\n2026-11-22T10:31:05Z kiosk=fuzz result=installed\n' \
	> $seeds/stick/no-pack

# Integreat: the first pages of the Landkreis Augsburg export, German and English.
export_dir=../shared/integreat/lkaugsburg
[ -d "$export_dir" ] || export_dir=/work/shared/integreat/lkaugsburg
if [ -d "$export_dir" ]; then
	for lang in de en; do
		jq -c '[.[] | select(.content | length < 3000)] | .[0:4]' "$export_dir/$lang.pages.json" > "$work/$lang.json"
	done
	(cd "$work" && head -c 100000000 de.json en.json) > $seeds/integreat/augsburg-de-en
	(cd "$work" && mkdir -p out && printf '# code | integreat id\n' > out/integreat-codes.txt &&
		head -c 100000000 de.json out/integreat-codes.txt) > $seeds/integreat/augsburg-de-with-codes
	jq -r '[.[] | select(.content | length > 200 and length < 6000)] | .[0:6] | .[].content' \
		"$export_dir/de.pages.json" > "$work/html"
	i=0
	jq -c '[.[] | select(.content | length > 200 and length < 6000)] | .[0:6] | .[].content' "$export_dir/de.pages.json" |
		while read -r line; do i=$((i + 1)); printf '%s' "$line" | jq -r . > "$seeds/html/augsburg-$i.html"; done
fi

# Page bodies, line by line, with a first byte that picks direction, size and width.
body() { sed '1,/^$/d' "$kl/pages/$1"; }
{ printf '\000'; body 310-was-aendert-sich/de.txt; } > $seeds/markup/de-310
{ printf '\210'; body 310-was-aendert-sich/ar.txt; } > $seeds/markup/ar-310
{ printf '\327'; body 110-integrationskurs/ti.txt; } > $seeds/markup/ti-110
{ printf '\121'; body 903-jobcenter/prs.txt; } > $seeds/markup/prs-903
{ printf '\004'; body 800-notruf/uk.txt; } > $seeds/markup/uk-800

# Event scripts: the example of docs/events.md (without its screenshot) and a longer visit.
sed -n '/^```$/,/^```$/p' docs/events.md | sed -n '/^# Arabic/,/^```$/p' | grep -v '^```\|screenshot' > $seeds/script/docs-example
cat > $seeds/script/visit <<'VISIT'
tap-text Deutsch
tap 400 200
swipe 400 400 400 100
press 400 300
release
key search
type Arbeit
key keyboard
key back
key keypad
type 310
key enter
key read
audio-end
key german
key large
key language
tap-text العربية
wait 80000
tap 10 10
key about
key home
wait 90000
VISIT

# Screen hours: the board's setting and the documented examples.
sed -n 's/^screen_hours=//p' board/rpi/kiosk.conf > $seeds/hours/kiosk-conf
printf 'Mo-Fr 07:30-12:00,13:00-16:00; Sa 09:00-12:00' > $seeds/hours/kiosk-conf-example
printf 'Mo-Fr 07:30-16:00; Sa 09:00-12:00' > $seeds/hours/readme
printf 'Fr-Mo 22:00-02:00; We 24:00-06:00' > $seeds/hours/overnight
printf '90' > $seeds/hours/rotation
du -sh $seeds/*
