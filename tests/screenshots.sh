#!/usr/bin/env bash
# make screenshots: every screen in every demo language at every supported size, headless,
# into build/screenshots/, and one contact sheet per size to look at them together.
set -euo pipefail
build=${1:-build}
out=$build/screenshots
rm -rf "$out" && mkdir -p "$out"
pack=$build/demo.pack
langs=$(sqlite3 "$pack" 'SELECT code FROM languages ORDER BY position' 2>/dev/null || echo "de ar prs ti en uk")
sizes="800x480 1280x800 1920x1080 720x1280 1080x1920"
clock='2026-11-23 10:30'
shot() { "$build/wegweiser" --pack "$pack" --clock "$clock" "$@"; }
for size in $sizes; do
    shot --size "$size" --screenshot "$out/$size-language.png"
    for lang in $langs; do
        shot --size "$size" --lang "$lang" --screenshot "$out/$size-$lang-home.png"
        for page in 100 310 800 903; do
            shot --size "$size" --lang "$lang" --page "$page" --screenshot "$out/$size-$lang-$page.png" 2>/dev/null || true
        done
        printf 'key keypad\ntype 31\nscreenshot %s\nkey search\ntype %s\nscreenshot %s\n' \
            "$out/$size-$lang-keypad.png" "$(case $lang in ar) echo الط;; prs) echo داک;; ti) echo ሓ;; uk) echo мов;; *) echo arzt;; esac)" \
            "$out/$size-$lang-search.png" > "$out/events.txt"
        shot --size "$size" --lang "$lang" --events "$out/events.txt" > /dev/null
    done
    "$build/contact-sheet" "$out/sheet-$size.png" 8 "$out/$size"-*.png
done
rm -f "$out/events.txt"
echo "$(ls "$out"/*.png | wc -l) pictures in $out; contact sheets: $out/sheet-*.png"
