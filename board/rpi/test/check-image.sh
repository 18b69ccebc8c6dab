#!/usr/bin/env bash
# make check-image: build/wegweiser-rpi-arm64.img booted in qemu-system-aarch64 -M virt (TCG: no
# KVM here), with its own kernel, initrd and root (the Pi's firmware is not emulated: QEMU starts
# the kernel the firmware would, with the image's command line but the virt board's console), a
# virtio GPU, a USB tablet for touches and a serial console. Each step has a time-out and says
# what it waited for. Slow (minutes on 2 cores), so not part of `make check`.
#
# What it checks, on a copy of the image (the built one stays as it is):
#   boot      systemd starts wegweiser.service (READY=1 after the first frame), and it is not
#             restarted by the watchdog for a minute
#   screen    QMP screendump shows the language screen (compared with the host kiosk's own
#             screenshot of it at the same size)
#   tap       a tap of the tablet on "العربية" opens the Arabic home screen
#   stick     a FAT stick with a newer pack signed by a key in keys/ on the boot partition,
#             plugged in through QMP: mounted by the udev rule, installed (read from the data
#             partition after the power cut; the stick is mounted read-only, so no receipt)
#   root      the root partition is bit for bit as built after all that and a power cut
#             (QEMU killed)
# Screenshots go to build/check-image/ (docs/screenshots/image-*.png are copies of them).
#
# Environment: CHECK_IMAGE_WORK  (default /var/tmp/wegweiser-check-image)
#              BOOT_TIMEOUT      seconds for the kiosk to come up (default 1200)
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD
img=$repo/build/wegweiser-rpi-arm64.img
kernel=$repo/build/wegweiser-rpi-arm64.vmlinuz
initrd=$repo/build/wegweiser-rpi-arm64.initrd
work=${CHECK_IMAGE_WORK:-/var/tmp/wegweiser-check-image}
shots=$repo/build/check-image
boot_timeout=${BOOT_TIMEOUT:-1200}
qmp="/usr/bin/python3 $repo/board/rpi/test/qmp.py"
width=1280 height=800

for f in "$img" "$kernel" "$initrd"; do [ -f "$f" ] || { echo "check-image: no $f: make image"; exit 1; }; done
case $work in /?*/?*) ;; *) echo "check-image: CHECK_IMAGE_WORK=$work is not a folder of its own"; exit 1 ;; esac
rm -rf "$work" "$shots"
mkdir -p "$work" "$shots"
log=$work/check-image.log
serial=$work/serial.log
sock=$work/qmp.sock
: >"$log"

passed=0 failed=0
ok() { echo "ok    $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed=$((failed + 1)); }
start=$(date +%s)
elapsed() { echo $(($(date +%s) - start)); }
# wait_serial SECONDS PATTERN: until the serial console shows PATTERN (grep -E).
wait_serial() {
    local until=$(($(date +%s) + $1))
    while [ "$(date +%s)" -lt "$until" ]; do
        grep -aEq "$2" "$serial" 2>/dev/null && return 0
        kill -0 "$(cat "$work/qemu.pid" 2>/dev/null)" 2>/dev/null || return 1
        sleep 2
    done
    return 1
}

# --- The disk: a copy of the image, with a staff key on its boot partition ---------------------
cp --sparse=always "$img" "$work/disk.img"
parts=$(sfdisk -d "$work/disk.img")
offset() { echo "$parts" | awk -v p="$1" '$1 ~ "img" p "$" { gsub(/[ ,]/, "", $4); print $4 * 512 }'; }
size() { echo "$parts" | awk -v p="$1" '$1 ~ "img" p "$" { gsub(/[ ,]/, "", $6); print $6 * 512 }'; }
boot_off=$(offset 1) root_off=$(offset 2) root_size=$(size 2)
[ -n "$boot_off" ] && [ -n "$root_off" ] && [ -n "$root_size" ] || { echo "check-image: no partitions in $img"; exit 1; }
root_sum() { dd if="$work/disk.img" bs=1M iflag=skip_bytes,count_bytes skip="$root_off" count="$root_size" status=none | sha256sum | cut -d' ' -f1; }
root_before=$(root_sum)
build/wegweiser-pack keygen -p "$work/staff.pub" -s "$work/staff.key" >>"$log" 2>&1
mcopy -i "$work/disk.img@@$boot_off" "$work/staff.pub" ::keys/staff.pub
# The screen always on: the shipped screen_hours would put it to sleep on a Sunday morning, and
# QEMU's clock is this machine's. Done the way an office would, in kiosk.conf on the card.
mcopy -i "$work/disk.img@@$boot_off" ::kiosk.conf "$work/kiosk.conf"
sed -i 's/^screen_hours=.*/screen_hours=/' "$work/kiosk.conf"
mcopy -o -i "$work/disk.img@@$boot_off" "$work/kiosk.conf" ::kiosk.conf

# The stick: the demo region one version newer, signed with that key, on a FAT file system.
rm -rf "$work/content"
cp -r content/kaiserslautern "$work/content"
sed -i 's/^version: .*/version: 2099-01-01/' "$work/content/region.txt"
mkdir -p "$work/stick"
build/wegweiser-pack build "$work/content" -o "$work/stick/kaiserslautern.pack" >>"$log" 2>&1
build/wegweiser-pack sign "$work/stick/kaiserslautern.pack" --key "$work/staff.key" >>"$log" 2>&1
mkfs.vfat -C -n STICK "$work/stick.img" 16384 >>"$log"
mcopy -i "$work/stick.img" "$work/stick/kaiserslautern.pack" "$work/stick/kaiserslautern.pack.minisig" ::/

# What the kiosk should show, drawn by this machine's kiosk at the emulated screen's size.
SDL_VIDEODRIVER=offscreen build/wegweiser --screenshot "$work/want-language.png" --size ${width}x${height} >>"$log" 2>&1
SDL_VIDEODRIVER=offscreen build/wegweiser --screenshot "$work/want-home-ar.png" --size ${width}x${height} --lang ar >>"$log" 2>&1
$qmp raw "$work/want-language.png" "$work/want-language.raw"
$qmp raw "$work/want-home-ar.png" "$work/want-home-ar.raw"

# --- Boot --------------------------------------------------------------------------------------
cmdline="root=LABEL=wwroot ro console=ttyAMA0 consoleblank=0 vt.global_cursor_default=0 net.ifnames=0"
cmdline="$cmdline systemd.show_status=1 systemd.journald.forward_to_console=1"
qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 1536 -accel tcg,thread=multi \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
    -drive if=none,id=disk,file="$work/disk.img",format=raw -device virtio-blk-pci,drive=disk \
    -device virtio-gpu-pci,xres=$width,yres=$height -device qemu-xhci,id=xhci -device usb-tablet,bus=xhci.0 \
    -nic none -display none -monitor none -serial file:"$serial" \
    -qmp unix:"$sock",server=on,wait=off -pidfile "$work/qemu.pid" -daemonize
stop_qemu() { [ -f "$work/qemu.pid" ] && kill -9 "$(cat "$work/qemu.pid")" 2>/dev/null || true; }
trap stop_qemu EXIT
echo "booting in QEMU (serial console: $serial)"

if wait_serial "$boot_timeout" 'Started wegweiser.service|Started Wegweiser information kiosk'; then
    ok "boot: systemd started wegweiser.service, READY=1 after the first frame ($(elapsed) s after QEMU started)"
    booted=yes
else
    bad "boot: wegweiser.service not started within $boot_timeout s (serial console: $serial)"
    booted=
fi

if [ -n "$booted" ]; then
    sleep 60
    if grep -aEq 'wegweiser.service: Watchdog timeout|wegweiser.service: Main process exited|wegweiser.service: Failed' "$serial"; then
        bad "watchdog: wegweiser.service was killed or failed in its first minute (serial console: $serial)"
    else
        ok "watchdog: a minute later no watchdog time-out and no exit of wegweiser.service"
    fi

    # The screen: the language screen, within a minute or so of READY=1 (software GL under TCG).
    seen=
    for _ in $(seq 12); do
        $qmp "$sock" screendump "$shots/language.png" 2>>"$log" || true
        if [ -s "$shots/language.png" ]; then
            d=$($qmp compare "$shots/language.png" "$work/want-language.raw" 2>>"$log" || echo 999)
            echo "language screen: mean difference $d" >>"$log"
            if awk -v d="$d" 'BEGIN { exit !(d < 6) }'; then seen=$d; break; fi
        fi
        sleep 5
    done
    if [ -n "$seen" ]; then
        ok "screen: the language screen, as this machine's kiosk draws it (mean difference $seen of 255) at $(elapsed) s"
    else
        bad "screen: no language screen within 60 s (last picture: $shots/language.png, mean difference ${d:-none} of 255)"
    fi

    # A tap on العربية, at a point where this machine's kiosk, replaying the same tap, opens Arabic.
    xy="640 290"
    if ! printf 'tap %s\n' "$xy" | SDL_VIDEODRIVER=offscreen build/wegweiser --events /dev/stdin \
        --size ${width}x${height} 2>>"$log" | grep -q 'lang=ar'; then
        echo "check-image: a tap at ($xy) no longer opens Arabic on the host kiosk: update the test" >>"$log"
    fi
    # shellcheck disable=SC2086
    $qmp "$sock" tap $xy $width $height 2>>"$log" || true
    seen=
    for _ in $(seq 12); do
        sleep 5
        $qmp "$sock" screendump "$shots/home-ar.png" 2>>"$log" || continue
        d=$($qmp compare "$shots/home-ar.png" "$work/want-home-ar.raw" 2>>"$log" || echo 999)
        echo "Arabic home screen: mean difference $d" >>"$log"
        if awk -v d="$d" 'BEGIN { exit !(d < 6) }'; then seen=$d; break; fi
    done
    if [ -n "$seen" ]; then
        ok "tap: a tap of the tablet at ($xy) opened the Arabic home screen (mean difference $seen)"
    else
        bad "tap: no Arabic home screen within 60 s of the tap at ($xy) (last: $shots/home-ar.png, mean difference ${d:-none})"
    fi

    # The stick.
    $qmp "$sock" usb-add stick "$work/stick.img" 2>>"$log" || true
    if wait_serial 300 'Mounted.*/media/wegweiser/sd|media-wegweiser-sd.*mount'; then
        ok "stick: the udev rule mounted the stick under /media/wegweiser ($(elapsed) s)"
    else
        bad "stick: not mounted under /media/wegweiser within 300 s (serial console: $serial)"
    fi
    # The kiosk says nothing about an update in the journal; what it wrote to the data partition
    # is read after the power cut below.
    sleep 60
    $qmp "$sock" screendump "$shots/stick-installed.png" 2>>"$log" || true
fi
# --- Power cut, then the root partition as built ------------------------------------------------
stop_qemu
sleep 2
if [ "$(root_sum)" = "$root_before" ]; then
    ok "root: the root partition is bit for bit as built after the boot, the tap and the stick, and a power cut"
else
    bad "root: the root partition changed"
fi
# The data partition, read without mounting it: the stick's pack installed and current.
if [ -n "$booted" ]; then
    data_off=$(offset 3) data_size=$(size 3)
    dd if="$work/disk.img" of="$work/data.part" bs=1M iflag=skip_bytes,count_bytes skip="$data_off" count="$data_size" status=none
    debugfs -R "ls -l /" "$work/data.part" >>"$log" 2>&1 || true
    if debugfs -R "cat /current" "$work/data.part" 2>/dev/null | grep -q '^file pack-kaiserslautern-2099-01-01-'; then
        ok "stick: the newer pack (2099-01-01) installed on the data partition and current, whole after the power cut"
    else
        bad "stick: the data partition has no current 2099-01-01 pack (see $log)"
    fi
fi
cp "$serial" "$shots/serial.log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
