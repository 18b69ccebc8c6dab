#!/bin/sh
# Regenerates the demo region's read-aloud recordings (content/kaiserslautern/assets/*.ogg)
# from the page texts with a machine voice: espeak-ng speaks, oggenc encodes. They show the
# feature; a real pack wants recordings by people who speak the language. Tigrinya has no
# espeak-ng voice, so Tigrinya pages stay without a recording. `make demo-recordings` runs
# this; the .ogg files are committed, so neither a build nor `make check` needs the tools,
# and the pack built from them stays the same bytes. oggenc gets a fixed stream serial so a
# rerun changes only the files whose text changed (espeak-ng's Arabic voice was once seen to
# give other bytes on a rerun: commit only what you meant to change).
set -eu
region=content/kaiserslautern
pages="800-notruf 1100-hilfe-kiosk"
# Kiosk language, espeak-ng voice (Dari is read by the Persian voice).
voices="de:de ar:ar prs:fa en:en uk:uk"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$region/assets"
for page in $pages; do
    code=${page%%-*}
    for pair in $voices; do
        lang=${pair%%:*} voice=${pair#*:}
        src="$region/pages/$page/$lang.txt"
        out="$region/assets/$code-$lang.ogg"
        # The title, then the body as words: markup and German names in brackets dropped,
        # every line ending in a full stop so the voice pauses there.
        {
            sed -n 's/^title: //p' "$src"
            sed '1,/^$/d' "$src"
        } | sed -e 's/\*\*//g' -e 's/\[\([^]]*\)\]([^)]*)/\1/g' -e 's/^#* *//' -e 's/^- *//' \
                -e 's/ *([A-Za-zÄÖÜäöüß .-]*)//g' -e '/^$/d' -e 's/[^.!?:؟]$/&./' > "$tmp/text"
        espeak-ng -v "$voice" -s 150 -w "$tmp/speech.wav" -f "$tmp/text"
        oggenc -Q -q -1 --resample 16000 -s 1 -o "$out" "$tmp/speech.wav"
        echo "$out: $(wc -c < "$out") bytes"
    done
done
