#!/usr/bin/env bash
# make bench: runs each bench target, keeps the BENCH lines it prints (tests/bench/bench.h:
# BENCH<TAB>section<TAB>what<TAB>now<TAB>budget<TAB>verdict) in BUILD/bench/TARGET.tsv, then
# prints one table of every line of every target and writes it into docs/bench.md between
# <!-- bench:begin --> and <!-- bench:end --> (the method text around it is written by hand).
# A target that fails, or prints no BENCH line, gets a row that says so.
# Usage: tests/bench/run.sh MAKE BUILD TARGET...
set -uo pipefail
make_cmd=$1 build=$2
shift 2
out=$build/bench
mkdir -p "$out"
doc=docs/bench.md
started=$(date '+%Y-%m-%d %H:%M %Z')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
failed=0

for target in "$@"; do
    log=$out/$target.log
    echo "==== $target"
    $make_cmd --no-print-directory "$target" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    grep -a $'^BENCH\t' "$log" | cut -f2- > "$out/$target.tsv"
    if [ "$status" -ne 0 ]; then
        printf '%s\tmake %s failed (exit %s): see %s\t—\t—\tover\n' "${target#bench-}" "$target" "$status" "$log" \
            >> "$out/$target.tsv"
        failed=1
    elif [ ! -s "$out/$target.tsv" ]; then
        printf '%s\tmake %s printed no BENCH line (its figures are in %s)\t—\t—\tinfo\n' "${target#bench-}" \
            "$target" "$log" >> "$out/$target.tsv"
    fi
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
table=$out/table.md
{
    echo "Measured $started on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')," \
        "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
        "Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), kernel $(uname -r);" \
        "load average $load_before before, $load_after after (other work on the machine makes wall-clock figures" \
        "slower: compare CPU times and instruction counts then). Targets: $*."
    echo
    echo '| section | what | now | budget | verdict |'
    echo '|---|---|---|---|---|'
    for target in "$@"; do
        sed 's/|/\\|/g' "$out/$target.tsv" | awk -F'\t' 'NF >= 5 {
            verdict = $5 == "met" ? "met" : $5 == "over" ? "**over**" : $5
            printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, verdict }'
    done
} > "$table"

echo
echo "==== make bench: every figure ($out/*.tsv)"
cat "$table"

if [ -f "$doc" ] && grep -q '<!-- bench:begin -->' "$doc" && grep -q '<!-- bench:end -->' "$doc"; then
    awk -v table="$table" '
        /<!-- bench:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
        /<!-- bench:end -->/ { skip = 0 }
        !skip { print }' "$doc" > "$doc.new" && mv "$doc.new" "$doc"
    echo "(written into $doc)"
else
    echo "($doc has no <!-- bench:begin --> / <!-- bench:end --> markers: not written)"
fi
exit $failed
