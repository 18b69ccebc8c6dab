#!/bin/sh
# make soak: drives the ASan kiosk (build/asan/wegweiser --events) with a long random event
# script (tests/soak/soak_events.c) on every screen size, with USB sticks holding a newer pack,
# an older one, a damaged one and nothing. Fails on any sanitizer report, on the kiosk refusing
# a line, or when the peak memory after SOAK_EVENTS events exceeds that after SOAK_FIRST events
# (the same script cut short) by more than SOAK_GROWTH_KB. Memory is measured on the kiosk as
# it ships (build/wegweiser, same scripts): ASan's allocator keeps freed memory in quarantine
# and per-size caches that grow over a long run whatever the program does, so its peak RSS
# says more about ASan than about a leak (leaks are LeakSanitizer's job in the ASan runs).
# docs/testing.md says why so.
set -eu
BUILD=${BUILD:-build}
seed=${SOAK_SEED:-1}
events=${SOAK_EVENTS:-200000}
first=${SOAK_FIRST:-20000}
sizes=${SOAK_SIZES:-800x480 1280x800 1920x1080 720x1280 1080x1920}
growth_kb=${SOAK_GROWTH_KB:-4096}
kiosk=$BUILD/asan/wegweiser
shipped=$BUILD/wegweiser
work=$BUILD/soak
export SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy UBSAN_OPTIONS=print_stacktrace=1
# A small quarantine: ASan's default (256 MiB of freed memory held back) fills slowly over a
# long run and would read as growth.
export ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16
export LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0

rm -rf "$work"
mkdir -p "$work/keys" "$work/sticks/newer" "$work/sticks/older" "$work/sticks/damaged" "$work/sticks/empty"
cp tests/fuzz/keys/fuzz.pub "$work/keys/"
# The newer pack is the demo with its recordings; the older one is the demo without them (a
# quarter of the size: copied, hashed and checked at every offer of a downgrade).
cp -r content/kaiserslautern "$work/src-newer"
sed -i 's/^version: .*/version: 2099-01-01/' "$work/src-newer/region.txt"
cp -r content/kaiserslautern "$work/src-older"
rm -r "$work/src-older/assets"
find "$work/src-older/pages" -name '*.txt' -exec sed -i '/^audio:/d' {} +
sed -i 's/^version: .*/version: 2026-01-01/' "$work/src-older/region.txt"
for v in newer older; do
	$BUILD/wegweiser-pack build "$work/src-$v" -o "$work/sticks/$v/kaiserslautern.pack" >/dev/null
	$BUILD/wegweiser-pack sign "$work/sticks/$v/kaiserslautern.pack" --key tests/fuzz/keys/fuzz.key >/dev/null
done
cp "$work/sticks/older/kaiserslautern.pack" "$work/sticks/older/kaiserslautern.pack.minisig" "$work/sticks/damaged/"
printf 'X' | dd of="$work/sticks/damaged/kaiserslautern.pack" bs=1 seek=40000 conv=notrunc 2>/dev/null

failed=
for size in $sizes; do
	w=${size%x*} h=${size#*x}
	for n in $first $events; do
		run="$work/$size-$n"
		$BUILD/soak-events "$seed" "$n" "$w" "$h" "$work/sticks/newer" "$work/sticks/older" "$work/sticks/damaged" \
			"$work/sticks/empty" > "$run.events"
		for bin in $shipped $kiosk; do
			# The short script under ASan proves nothing the long one does not.
			[ "$bin" = "$kiosk" ] && [ "$n" = "$first" ] && continue
			rm -rf "$work/data"
			start=$(date +%s)
			status=0
			/usr/bin/time -f %M -o "$run.rss" "$bin" --pack "$BUILD/demo.pack" --data-dir "$work/data" \
				--trusted-keys "$work/keys" --clock '2026-11-23 10:00' --size "$size" --events "$run.events" \
				> "$run.out" 2> "$run.err" || status=$?
			rss=$(tail -n 1 "$run.rss")
			echo "soak $size: $n events on $bin in $(($(date +%s) - start)) s, peak RSS $rss KiB, exit $status"
			if [ "$status" -ne 0 ] || grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error' "$run.err"; then
				grep -m 5 'ERROR\|runtime error\|wegweiser:.*events' "$run.err" || true
				echo "soak $size: FAILED (replay: $bin --events $run.events --size $size ..., stderr in $run.err)"
				failed="$failed $size"
				break 2
			fi
			[ "$bin" = "$shipped" ] && eval "rss_$n=$rss"
		done
	done
	case " $failed " in *" $size "*) continue ;; esac
	eval "grew=\$((rss_$events - rss_$first))"
	echo "soak $size: peak RSS of $shipped grew by $grew KiB from $first to $events events (allowed: $growth_kb KiB)"
	if [ "$grew" -gt "$growth_kb" ]; then
		failed="$failed $size"
	fi
done
if [ -n "$failed" ]; then
	echo "soak: FAILED on$failed (seed $seed)"
	exit 1
fi
echo "soak: no sanitizer report and no memory growth on $sizes (seed $seed)"
