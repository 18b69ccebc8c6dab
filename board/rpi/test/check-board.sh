#!/usr/bin/env bash
# make check-board: board/rpi/ tested on a Debian 12 root made with debootstrap, step by step
# as board/rpi/README.md tells a person to do it on a Raspberry Pi. Needs root (chroot, mount)
# and Debian's package mirror; takes a few minutes, so it is not part of `make check`.
#
# The root is amd64 like this machine, not arm64 like the Pi: what is tested is the install
# script, the units, the udev rule and the settings, with the same Debian 12 packages the Pi
# runs (the arm64 build itself is `make check-arm64`). It stands in for a fresh Raspberry Pi
# OS Lite card: debootstrap's minbase plus the packages Lite has that minbase lacks, and the
# boot partition's config.txt and cmdline.txt as Raspberry Pi OS ships them (test/fixtures/).
#
# Environment: BOARD_BASE  a pristine bookworm root to copy (default: the one the project's
#                          fresh-debian tool keeps, else one made here once with debootstrap)
#              BOARD_WORK  where the test root goes (default /var/tmp/wegweiser-board)
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD
rpi=$repo/board/rpi
work=${BOARD_WORK:-/var/tmp/wegweiser-board}
root=$work/root
log=$work/check-board.log
base=${BOARD_BASE:-/var/tmp/fresh-bookworm.base}

[ "$(id -u)" -eq 0 ] || { echo "check-board: run as root (it uses chroot and mount)"; exit 1; }
mkdir -p "$work"
: >"$log"

passed=0 failed=0
ok() { echo "ok    $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed=$((failed + 1)); }
# check NAME COMMAND...: one test; its output goes to the log.
check() {
    local name=$1
    shift
    echo "--- $name: $*" >>"$log"
    if "$@" >>"$log" 2>&1; then ok "$name"; else bad "$name   (log: $log)"; fi
}
in_root() { chroot "$root" "$@"; }

unmount_all() {
    local m
    for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
trap unmount_all EXIT

# --- The stand-in for a fresh card ----------------------------------------------------------
if [ ! -x "$base/usr/bin/apt-get" ]; then
    base=$work/base
    if [ ! -x "$base/usr/bin/apt-get" ]; then
        mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2; exit }')
        echo "making a Debian 12 root with debootstrap in $base (once)"
        debootstrap --variant=minbase bookworm "$base" "${mirror:-http://deb.debian.org/debian}" >>"$log" 2>&1
    fi
fi
unmount_all
rm -rf "$root"
cp -a "$base" "$root"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
echo "preparing the stand-in for Raspberry Pi OS Lite in $root"
{
    in_root apt-get update -q
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        systemd systemd-sysv udev sudo initramfs-tools kmod util-linux
} >>"$log" 2>&1
rm -f "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/boot/firmware"
cp "$rpi/test/fixtures/config.txt" "$rpi/test/fixtures/cmdline.txt" "$root/boot/firmware/"
# The staff's signing key, as `wegweiser-pack keygen` (or `minisign -G`) makes one.
rm -f "$work/staff.pub" "$work/staff.key"
build/wegweiser-pack keygen -p "$work/staff.pub" -s "$work/staff.key" >>"$log" 2>&1

# --- README step 3: build the kiosk's Debian packages -------------------------------------------
# The same make target as on the Pi (there it builds arm64 packages); install.sh installs them.
check "make deb builds the kiosk's packages into build/deb/" make --no-print-directory deb

# --- README step 4: install.sh ---------------------------------------------------------------
check "install.sh --help" sh -c "'$rpi/install.sh' --help | grep -q -- '--root DIR'"
mkdir -p "$work/no-kiosk/etc" && echo 12.0 >"$work/no-kiosk/etc/debian_version"
mkdir -p "$work/no-debs"
check "install.sh refuses a root without the kiosk's packages and none to install, and says how to build them" \
    sh -c "! '$rpi/install.sh' --root '$work/no-kiosk' --debs '$work/no-debs' >'$work/no-kiosk.out' 2>&1 && grep -q 'make deb' '$work/no-kiosk.out'"
check "install.sh refuses a key that is not a minisign key" \
    sh -c "! '$rpi/install.sh' --root '$root' --key '$rpi/kiosk.conf'"
check "install.sh --root sets the root up, installing the packages of build/deb/" "$rpi/install.sh" --root "$root" --key "$work/staff.pub"
from_package() {
    local f owner
    for f in /usr/bin/wegweiser /usr/lib/wegweiser/start-kiosk /usr/lib/wegweiser/data-dir /usr/sbin/wegweiser-readonly \
        /lib/systemd/system/wegweiser.service /lib/systemd/system/wegweiser-data.service \
        /lib/udev/rules.d/90-wegweiser-usb.rules /etc/wegweiser/kiosk.conf /usr/share/wegweiser/demo.pack; do
        owner=$(in_root dpkg -S "$f" 2>/dev/null | cut -d: -f1)
        case $owner in wegweiser | wegweiser-data) ;; *) echo "$f: not from the packages (${owner:-no package})"; return 1 ;; esac
    done
    for f in /etc/systemd/system/wegweiser.service /etc/udev/rules.d/90-wegweiser-usb.rules /usr/local/bin/wegweiser; do
        [ ! -e "$root$f" ] || { echo "a copy outside the package: $f"; return 1; }
    done
    in_root dpkg-query -W -f='${Version}\n' wegweiser | grep -qx "$(dpkg-deb -f "$(ls build/deb/wegweiser_*.deb | tail -n 1)" Version)"
}
check "the kiosk, its unit, udev rule, scripts and settings are the packages' files, no copies beside them" from_package

user_ok() {
    local entry
    entry=$(grep '^wegweiser:' "$root/etc/passwd")
    [ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ] &&
        [ "$(echo "$entry" | cut -d: -f6)" = /var/lib/wegweiser ] &&
        [ "$(echo "$entry" | cut -d: -f3)" -lt 1000 ] &&
        grep '^wegweiser:' "$root/etc/shadow" | cut -d: -f2 | grep -qx '[!*]*' &&
        for g in video render input audio; do
            grep "^$g:" "$root/etc/group" | cut -d: -f4 | tr , '\n' | grep -qx wegweiser || return 1
        done
}
check "user wegweiser: system user, no password, no shell, groups video render input audio" user_ok
check "packages of board/rpi/packages installed" sh -c "for p in \$(sed 's/#.*//' '$rpi/packages' | awk 'NF { print \$1 }'); do
    chroot '$root' dpkg-query -W -f='\${Status}\n' \$p | grep -q 'install ok installed' || { echo missing \$p; exit 1; }; done"
check "the kiosk finds every library in the root" sh -c "! chroot '$root' ldd /usr/bin/wegweiser | grep 'not found'"
check "kiosk.conf installed as shipped" cmp "$rpi/kiosk.conf" "$root/etc/wegweiser/kiosk.conf"
check "trusted key installed" cmp "$work/staff.pub" "$root/etc/wegweiser/keys/staff.pub"
check "data folder owned by wegweiser, 0750" \
    sh -c "[ \"\$(stat -c '%u:%g %a' '$root/var/lib/wegweiser')\" = \"\$(awk -F: '\$1 == \"wegweiser\" { print \$3 \":\" \$4 }' '$root/etc/passwd') 750\" ]"
links_ok() {
    local s=$root/etc/systemd/system u
    case $(readlink "$s/multi-user.target.wants/wegweiser.service") in
        /lib/systemd/system/wegweiser.service | /usr/lib/systemd/system/wegweiser.service) ;;
        *) echo "wegweiser.service not enabled"; return 1 ;;
    esac
    [ ! -e "$s/getty.target.wants/getty@tty1.service" ] || { echo "getty@tty1 still starts at boot"; return 1; }
    cmp "$rpi/ctrl-alt-del.target" "$s/ctrl-alt-del.target" || return 1
    for u in bluetooth.service hciuart.service apt-daily.timer apt-daily-upgrade.timer dphys-swapfile.service getty-static.service; do
        [ "$(readlink "$s/$u")" = /dev/null ] || { echo "$u not masked"; return 1; }
    done
    grep -qx 'NAutoVTs=0' "$root/etc/systemd/logind.conf.d/90-wegweiser.conf" &&
        grep -qx 'HandlePowerKey=ignore' "$root/etc/systemd/logind.conf.d/90-wegweiser.conf"
}
check "kiosk enabled; no login prompt at boot, Ctrl+Alt+Del for staff; power key, Bluetooth, apt timers off" links_ok
check "SysRq off" grep -qx 'kernel.sysrq = 0' "$root/etc/sysctl.d/90-wegweiser.conf"
check "hardware watchdog on" grep -qx 'RuntimeWatchdogSec=15s' "$root/etc/systemd/system.conf.d/90-wegweiser.conf"
firmware_ok() {
    local f=$root/boot/firmware
    head -c "$(stat -c %s "$rpi/test/fixtures/config.txt")" "$f/config.txt" | cmp -s - "$rpi/test/fixtures/config.txt" &&
        grep -qx 'dtoverlay=disable-wifi' "$f/config.txt" && grep -qx 'dtoverlay=disable-bt' "$f/config.txt" &&
        [ "$(wc -l <"$f/cmdline.txt")" -eq 1 ] &&
        [ "$(cat "$f/cmdline.txt")" = "$(cat "$rpi/test/fixtures/cmdline.txt") consoleblank=0 vt.global_cursor_default=0" ]
}
check "config.txt: Wi-Fi and Bluetooth off; cmdline.txt: no console blanking, one line" firmware_ok

# Idempotent: a second run changes nothing, not even a time stamp.
snapshot() {
    find "$root" -xdev \( -path "$root/proc" -o -path "$root/sys" -o -path "$root/dev" -o -path "$root/run" \
        -o -path "$root/tmp" \) -prune -o -printf '%p %y %m %U %G %s %T@ %l\n' | sort
}
snapshot >"$work/before"
"$rpi/install.sh" --root "$root" --key "$work/staff.pub" >"$work/second-run" 2>&1 || true
snapshot >"$work/after"
check "install.sh a second time: says nothing to change" grep -q '^Nothing to change' "$work/second-run"
check "install.sh a second time: no file, mode, owner or time stamp changed" diff "$work/before" "$work/after"

# Settings applied: wifi=on keeps Wi-Fi, and switching back restores the file byte for byte.
cp "$root/boot/firmware/config.txt" "$work/config.txt.off"
sed -i 's/^wifi=off/wifi=on/' "$root/etc/wegweiser/kiosk.conf"
"$rpi/install.sh" --root "$root" >>"$log" 2>&1
check "wifi=on in kiosk.conf: Wi-Fi no longer switched off, Bluetooth still off" \
    sh -c "! grep -q disable-wifi '$root/boot/firmware/config.txt' && grep -q disable-bt '$root/boot/firmware/config.txt'"
sed -i 's/^wifi=on/wifi=off/' "$root/etc/wegweiser/kiosk.conf"
"$rpi/install.sh" --root "$root" >>"$log" 2>&1
check "wifi=off again: config.txt as before" cmp "$work/config.txt.off" "$root/boot/firmware/config.txt"

# A kiosk set up before the packages had the unit and the rule copied into /etc, where they
# would hide the package's: install.sh takes them away.
cp "$rpi/wegweiser.service" "$root/etc/systemd/system/wegweiser.service"
cp "$rpi/90-wegweiser-usb.rules" "$root/etc/udev/rules.d/90-wegweiser-usb.rules"
check "install.sh removes the unit and udev rule an older install.sh copied into /etc" \
    sh -c "'$rpi/install.sh' --root '$root' >'$work/migrate.out' 2>&1 && cat '$work/migrate.out' &&
           [ ! -e '$root/etc/systemd/system/wegweiser.service' ] && [ ! -e '$root/etc/udev/rules.d/90-wegweiser-usb.rules' ]"

# --- The units and the udev rule, by systemd's and udev's own parsers --------------------------
verify_units() {
    local out
    # --man=no: the root has no man-db, and verify looks up the man pages of systemd's own
    # targets (reboot.target) that ours pull in, not only of ours.
    out=$(in_root systemd-analyze verify --man=no /lib/systemd/system/wegweiser.service \
        /lib/systemd/system/wegweiser-data.service /etc/systemd/system/ctrl-alt-del.target 2>&1) ||
        { echo "$out"; return 1; }
    echo "$out"
    ! echo "$out" | grep -i -e wegweiser -e ctrl-alt-del
}
check "systemd-analyze verify wegweiser.service wegweiser-data.service ctrl-alt-del.target" verify_units
in_root systemd-analyze security --offline=true /etc/systemd/system/wegweiser.service >"$work/security" 2>&1 || true
echo "      (systemd-analyze security: $(grep -o 'Overall exposure level.*' "$work/security" || echo 'n/a'))"

# udevadm verify came with systemd 253; Debian 12 has 252. Its `udevadm test` reads every rules
# file with the same parser udevd uses and names each line it cannot parse: our file must be
# read, and named in no complaint. A broken copy shows that the check can fail.
udev_parses() {
    local out
    if in_root udevadm verify --help >/dev/null 2>&1; then
        in_root udevadm verify /lib/udev/rules.d/90-wegweiser-usb.rules
        return
    fi
    out=$(in_root udevadm test --action=add /sys/class/mem/null 2>&1)
    echo "$out" | grep -Eq 'Reading rules file: (/usr)?/lib/udev/rules.d/90-wegweiser-usb.rules' || return 1
    ! echo "$out" | grep '90-wegweiser-usb.rules:'
}
check "udev rule: parsed without a complaint (udevadm)" udev_parses
sed 's/ACTION==/ACTION=/; s/RUN{program}/RUN{progam}/' "$rpi/90-wegweiser-usb.rules" >"$root/etc/udev/rules.d/91-broken.rules"
check "udev rule check catches a broken copy" \
    sh -c "chroot '$root' udevadm test --action=add /sys/class/mem/null 2>&1 | grep -q '91-broken.rules:'"
rm -f "$root/etc/udev/rules.d/91-broken.rules"
# What udev runs: systemd-mount must exist in the root and know every option the rule gives it.
mount_options_known() {
    local help opt
    help=$(in_root /usr/bin/systemd-mount --help)
    for opt in $(grep -o ' --[a-z-]*' "$rpi/90-wegweiser-usb.rules" | sort -u); do
        echo "$help" | grep -q -- "$opt" || { echo "systemd-mount has no $opt"; return 1; }
    done
    grep -q 'ro,nosuid,nodev,noexec' "$rpi/90-wegweiser-usb.rules"
}
check "udev rule: systemd-mount knows its options; mounts ro,nosuid,nodev,noexec" mount_options_known

# --- A content pack from a stick, as staff install one today (README, Maintenance) ------------
# The stick's folder as the udev rule mounts it; the pack signed with the staff key that
# install.sh --key put among the trusted keys.
stick_update() {
    local stick=$root/media/wegweiser/sda1
    mkdir -p "$stick"
    cp build/demo.pack "$stick/kaiserslautern.pack"
    build/wegweiser-pack sign "$stick/kaiserslautern.pack" --key "$work/staff.key" || return 1
    in_root runuser -u wegweiser -- wegweiser update --data-dir /var/lib/wegweiser \
        --from /media/wegweiser/sda1 --trusted-keys /etc/wegweiser/keys --region kaiserslautern --no-receipt ||
        return 1
    in_root runuser -u wegweiser -- wegweiser update --status --data-dir /var/lib/wegweiser
}
check "wegweiser update, as user wegweiser, installs a signed pack from a stick into the data folder" stick_update
unsigned_refused() {
    rm -f "$root/media/wegweiser/sda1/kaiserslautern.pack.minisig"
    ! in_root runuser -u wegweiser -- wegweiser update --data-dir /var/lib/wegweiser \
        --from /media/wegweiser/sda1 --trusted-keys /etc/wegweiser/keys --allow-downgrade --no-receipt
}
check "... and refuses the same pack without its signature" unsigned_refused
rm -rf "$root/media/wegweiser/sda1"

# --- The kiosk as the unit starts it ---------------------------------------------------------
kiosk_runs() {
    rm -f "$root/var/lib/wegweiser/check.png"
    in_root runuser -u wegweiser -- env SDL_VIDEODRIVER=offscreen \
        /usr/lib/wegweiser/start-kiosk --screenshot /var/lib/wegweiser/check.png >"$work/kiosk.out" 2>&1
    cat "$work/kiosk.out"
    [ -s "$root/var/lib/wegweiser/check.png" ] && grep -q 'showing the installed pack kaiserslautern' "$work/kiosk.out"
}
check "start-kiosk runs the installed kiosk as wegweiser on the installed pack (headless screenshot)" kiosk_runs
start_kiosk_args() {
    local out
    local base="--usb-dir /media/wegweiser --trusted-keys /etc/wegweiser/keys --data-dir /var/lib/wegweiser"
    printf 'idle_seconds=30\nscreen_size=1080x1920\nscreen_inches=10.1\nscreen_rotation=90\nscreen_hours=Mo-Fr 07:00-18:00\n' \
        >"$work/test.conf"
    out=$(WEGWEISER_LIB=$rpi WEGWEISER_CONF=$work/test.conf WEGWEISER_BIN=echo sh "$rpi/start-kiosk" --lang ar)
    case $out in
    "$base"*"--size 1080x1920"*) ;;
    *) echo "got: $out"; return 1 ;;
    esac
    for want in "--idle 30" "--screen-inches 10.1" "--rotate 90" "--screen-hours Mo-Fr 07:00-18:00" "--lang ar"; do
        case $out in *"$want"*) ;; *) echo "no '$want' in: $out"; return 1 ;; esac
    done
    printf 'idle_seconds=soon\nscreen_size=huge\nscreen_inches=big\nscreen_rotation=45\n' >"$work/test.conf"
    out=$(WEGWEISER_LIB=$rpi WEGWEISER_CONF=$work/test.conf WEGWEISER_BIN=echo sh "$rpi/start-kiosk" 2>/dev/null)
    [ "$out" = "$base --idle 90" ] || { echo "got: $out"; return 1; }
}
check "start-kiosk: settings become options; a bad setting falls back to its default" start_kiosk_args

# --- README step 5: the read-only root, and the data folder under it --------------------------
cmdline=$root/boot/firmware/cmdline.txt
cp "$cmdline" "$work/cmdline.rw"
check "wegweiser-readonly on (as raspi-config: overlayroot=tmpfs first on the line)" \
    sh -c "'$rpi/wegweiser-readonly' --root '$root' on && grep -q '^overlayroot=tmpfs console=' '$cmdline'"
check "wegweiser-readonly status says on" sh -c "'$rpi/wegweiser-readonly' --root '$root' status | grep -q 'root on'"
check "wegweiser-readonly on twice changes nothing" \
    sh -c "'$rpi/wegweiser-readonly' --root '$root' on | grep -q already && [ \$(grep -o overlayroot=tmpfs '$cmdline' | wc -l) -eq 1 ]"
check "wegweiser-readonly off (maintenance) restores cmdline.txt byte for byte" \
    sh -c "'$rpi/wegweiser-readonly' --root '$root' off && cmp '$work/cmdline.rw' '$cmdline'"

# overlayroot as it is after boot: the card's root read-only at /media/root-ro (here a tmpfs
# of its own, remounted read-only), the running / an overlay of it.
data_dir_writable() {
    local lower=$root/media/root-ro
    mkdir -p "$lower"
    mount -t tmpfs -o size=16m,mode=755 lower "$lower"
    mkdir -p "$lower/var/lib/wegweiser" "$lower/etc"
    chown --reference="$root/var/lib/wegweiser" "$lower/var/lib/wegweiser"
    chmod 750 "$lower/var/lib/wegweiser"
    mount -o remount,ro "$lower"
    in_root /usr/lib/wegweiser/data-dir || return 1
    local opts
    opts=$(findmnt -n -o OPTIONS --target "$root/var/lib/wegweiser")
    echo "data folder mounted with: $opts"
    case ",$opts," in *,rw,*) ;; *) return 1 ;; esac
    for o in nosuid nodev noexec; do case ",$opts," in *",$o,"*) ;; *) return 1 ;; esac; done
    in_root runuser -u wegweiser -- sh -c 'echo pack > /var/lib/wegweiser/probe' || return 1
    [ "$(cat "$lower/var/lib/wegweiser/probe")" = pack ] || { echo "the write did not reach the card"; return 1; }
    if in_root sh -c 'echo x > /media/root-ro/etc/probe' 2>/dev/null; then
        echo "the rest of the card's root is writable"
        return 1
    fi
    in_root /usr/lib/wegweiser/data-dir | grep -q 'already mounted'
}
check "read-only root: data-dir makes only the data folder writable, on the card, nosuid,nodev,noexec" data_dir_writable
umount "$root/var/lib/wegweiser" 2>/dev/null || true
umount "$root/media/root-ro" 2>/dev/null || true
check "without overlayroot, data-dir leaves the data folder alone" \
    sh -c "chroot '$root' /usr/lib/wegweiser/data-dir | grep -q 'plain folder'"

# --- A real boot: systemd as PID 1 in a container (systemd-nspawn) -----------------------------
# Type=notify, the watchdog and Ctrl+Alt+Del as systemd handles them. A container has no
# display and no tty1: a drop-in, removed afterwards, gives the kiosk SDL's offscreen driver and
# no console; everything else is the unit as installed.
drop=$root/etc/systemd/system/wegweiser.service.d/zz-check-board.conf
cat >"$drop" <<'EOF2'
[Service]
Environment=SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
StandardInput=null
TTYPath=
EOF2
unmount_all
booted=
if command -v systemd-nspawn >/dev/null; then
    setsid systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --console=passive \
        >"$work/boot.log" 2>&1 </dev/null &
    nspawn=$!
    for _ in $(seq 60); do
        sleep 1
        leader=$(pgrep -P "$nspawn" | head -n 1) || continue
        state=$(nsenter --target "$leader" --all systemctl is-system-running 2>/dev/null) || true
        case $state in running | degraded) booted=yes; break ;; esac
    done
fi
inside() { nsenter --target "$leader" --all "$@"; }
prop() { inside systemctl show -P "$2" "$1"; }
if [ -z "$booted" ]; then
    bad "boot the root with systemd-nspawn (log: $work/boot.log)"
else
    ok "boot the root with systemd-nspawn"
    kiosk_ready() {
        [ "$(prop wegweiser.service ActiveState)" = active ] && [ "$(prop wegweiser.service WatchdogUSec)" = 20s ] &&
            prop wegweiser.service StatusText | grep -q '^showing the installed pack kaiserslautern'
    }
    check "boot: the kiosk is started (READY=1), its status line says what it shows" kiosk_ready
    sleep 25
    check "boot: 25 s later still the same process, no watchdog restart (WATCHDOG=1 arrives)" \
        sh -c "[ \"\$(nsenter --target $leader --all systemctl show -P NRestarts wegweiser.service)\" = 0 ]"
    hung_kiosk_restarted() {
        local before after
        before=$(prop wegweiser.service MainPID)
        inside sh -c "kill -STOP $before"
        for _ in $(seq 40); do
            sleep 1
            [ "$(prop wegweiser.service NRestarts)" = 1 ] && [ "$(prop wegweiser.service ActiveState)" = active ] && break
        done
        after=$(prop wegweiser.service MainPID)
        inside journalctl -u wegweiser.service --no-pager | tail -n 8
        [ "$after" != "$before" ] && [ "$(prop wegweiser.service NRestarts)" = 1 ] &&
            inside journalctl -u wegweiser.service --no-pager | grep -q 'Watchdog timeout'
    }
    check "boot: a hung kiosk (SIGSTOP) is killed by the watchdog and started again" hung_kiosk_restarted
    check "boot: wegweiser-data.service skipped without the read-only root" \
        sh -c "[ \"\$(nsenter --target $leader --all systemctl show -P ConditionResult wegweiser-data.service)\" = no ]"
    ctrl_alt_del() {
        inside systemctl start ctrl-alt-del.target || return 1
        sleep 5
        [ "$(prop wegweiser.service ActiveState)" = inactive ] || { echo "kiosk still running"; return 1; }
        inside systemctl start wegweiser.service && [ "$(prop wegweiser.service ActiveState)" = active ]
    }
    check "boot: Ctrl+Alt+Del stops the kiosk for staff (no reboot), it starts again on request" ctrl_alt_del
    check "boot: no failed unit of ours" sh -c "! nsenter --target $leader --all systemctl --failed --no-legend | grep -e wegweiser -e ctrl-alt-del"
    inside systemctl poweroff 2>/dev/null || true
fi
if [ -n "${nspawn:-}" ]; then
    for _ in $(seq 30); do kill -0 "$nspawn" 2>/dev/null || break; sleep 1; done
    kill "$nspawn" 2>/dev/null || true
fi
rm -f "$drop"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
