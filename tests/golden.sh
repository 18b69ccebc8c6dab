#!/usr/bin/env bash
# make golden: renders the screens of tests/golden/list.txt into tests/golden/NAME.png, the
# pictures tests/test_golden.c compares against. Look at each before committing them.
set -euo pipefail
build=${1:-build}
grep -v '^#' tests/golden/list.txt | while read -r name size lang page; do
    [ -n "$name" ] || continue
    args=(--pack "$build/demo.pack" --clock '2026-11-23 10:30' --size "$size")
    [ "$lang" = - ] || args+=(--lang "$lang")
    [ "$page" = - ] || args+=(--page "$page")
    SDL_VIDEODRIVER=offscreen "$build/wegweiser" "${args[@]}" --screenshot "tests/golden/$name.png"
    echo "tests/golden/$name.png"
done
