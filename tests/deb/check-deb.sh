#!/usr/bin/env bash
# make check-deb: the Debian packages of build/deb/ installed, installed again, removed and
# purged in a clean Debian 12 root, the way piuparts does it: the packages' dependencies are
# installed first and the root's file list taken; after the purge it must be that list again.
# Needs root (chroot, mount) and Debian's package mirror; a few minutes, so not in `make check`.
#
# Environment: DEB_BASE  a pristine bookworm root to copy (default: the one the project's
#                        fresh-debian tool keeps, else one made here once with debootstrap)
#              DEB_WORK  where the test root goes (default /var/tmp/wegweiser-deb)
set -euo pipefail
cd "$(dirname "$0")/../.."
debs=$(cd "${1:-build/deb}" && pwd)
work=${DEB_WORK:-/var/tmp/wegweiser-deb}
base=${DEB_BASE:-/var/tmp/fresh-bookworm.base}
root=$work/root
log=$work/check-deb.log

[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (it uses chroot and mount)"; exit 1; }
ls "$debs"/wegweiser_*_"$(dpkg --print-architecture)".deb "$debs"/wegweiser-data_*_all.deb >/dev/null ||
    { echo "check-deb: no packages in $debs: run make deb"; exit 1; }
mkdir -p "$work"
: >"$log"

passed=0 failed=0
ok() { echo "ok    $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed=$((failed + 1)); }
check() {
    local name=$1
    shift
    echo "--- $name: $*" >>"$log"
    if "$@" >>"$log" 2>&1; then ok "$name"; else bad "$name   (log: $log)"; fi
}
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
unmount_all() {
    local m
    for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
trap unmount_all EXIT

# --- A clean Debian 12 root with the packages' dependencies ------------------------------------
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
# No service is started in a chroot, as in piuparts.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/debs"
# build/deb may hold the board's arm64 packages too: this machine's architecture, and all.
arch=$(dpkg --print-architecture)
for p in wegweiser-data:all wegweiser:$arch wegweiser-pack:$arch; do
    cp "$(ls "$debs/${p%:*}"_*_"${p#*:}".deb | sort -V | tail -n 1)" "$root/tmp/debs/${p%:*}.deb"
done
# What the packages need from Debian, without the packages themselves.
needs=$(for p in wegweiser-data wegweiser wegweiser-pack; do dpkg-deb -f "$root/tmp/debs/$p.deb" Depends; done |
    tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^wegweiser' | grep . | sort -u | paste -sd, -)
echo "installing the packages' dependencies in $root"
check "the packages' dependencies install from Debian 12 (apt-get satisfy)" \
    sh -c "chroot '$root' apt-get update -q && chroot '$root' env DEBIAN_FRONTEND=noninteractive apt-get satisfy -y -q --no-install-recommends '$needs'"

# The root's files: path, type, mode, owner, size of regular files, target of links. Time
# stamps are left out (dpkg's own database and logs change, and so do directories' times).
# Ignored, as piuparts ignores them: dpkg's and apt's state and logs, caches, and the user
# database (a system user stays after a purge, as Debian's packages leave theirs).
snapshot() {
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run -o -path ./tmp \
        -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache -o -path ./var/lib/apt \) -prune \
        -o \( -type f -printf '%p f %m %U %G %s\n' \) -o \( ! -type f -printf '%p %y %m %U %G %l\n' \) |
        grep -Ev '^\./etc/(passwd|group|shadow|gshadow)-? ' | sort)
}
diff_paths() { diff "$1" "$2" | sed -n 's/^[<>] //p' | awk '{ print $1 }' | sort -u; }

snapshot >"$work/0-clean"

# --- Install ----------------------------------------------------------------------------------
check "dpkg -i wegweiser-data wegweiser wegweiser-pack" \
    in_root dpkg -i /tmp/debs/wegweiser-data.deb /tmp/debs/wegweiser.deb /tmp/debs/wegweiser-pack.deb
snapshot >"$work/1-installed"
user_ok() {
    local e
    e=$(grep '^wegweiser:' "$root/etc/passwd") || { echo "no user wegweiser"; return 1; }
    echo "$e"
    [ "$(echo "$e" | cut -d: -f7)" = /usr/sbin/nologin ] && [ "$(echo "$e" | cut -d: -f6)" = /var/lib/wegweiser ] &&
        [ "$(echo "$e" | cut -d: -f3)" -lt 1000 ] &&
        for g in video render input audio; do
            grep "^$g:" "$root/etc/group" | cut -d: -f4 | tr , '\n' | grep -qx wegweiser || { echo "not in $g"; return 1; }
        done
}
check "install: user wegweiser (system, no shell, groups video render input audio)" user_ok
check "install: /var/lib/wegweiser owned by wegweiser, 0750; /media/wegweiser there" \
    sh -c "[ \"\$(chroot '$root' stat -c '%U:%G %a' /var/lib/wegweiser)\" = 'wegweiser:wegweiser 750' ] && [ -d '$root/media/wegweiser' ]"
check "install: wegweiser.service enabled (not started: no systemd runs here, and it waits for a boot)" \
    test -L "$root/etc/systemd/system/multi-user.target.wants/wegweiser.service"
check "install: /etc/wegweiser/kiosk.conf is a conffile" \
    sh -c "chroot '$root' dpkg-query -W -f='\${Conffiles}\n' wegweiser | grep -q '/etc/wegweiser/kiosk.conf '"
check "install: every font link of wegweiser-data points at a file of Debian's font packages" \
    sh -c "for l in '$root'/usr/share/wegweiser/assets/fonts/*.ttf; do [ -L \"\$l\" ] && chroot '$root' test -f \"/usr/share/wegweiser/assets/fonts/\${l##*/}\" || { echo \"\$l\"; exit 1; }; done"
kiosk_draws() {
    rm -f "$root/tmp/shot.png"
    in_root env SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy /usr/bin/wegweiser --screenshot /tmp/shot.png \
        --size 800x480 --lang ar --page 310 || return 1
    [ -s "$root/tmp/shot.png" ]
}
check "install: the installed kiosk draws an Arabic page from the installed demo pack (headless)" kiosk_draws
check "install: wegweiser-pack verifies nothing odd in the installed demo pack" \
    in_root wegweiser-pack info /usr/share/wegweiser/demo.pack
strays() {
    local owned
    # /lib is /usr/lib on Debian 12 (merged /usr): dpkg names the one, find sees the other.
    owned=$(in_root dpkg -L wegweiser wegweiser-data wegweiser-pack | sed -E 's,^/(lib|bin|sbin)/,/usr/\1/,; s,^,.,')
    # Made by the maintainer scripts, on purpose: the data folder and the sticks' folder
    # (systemd-tmpfiles), the unit's enable link and deb-systemd-helper's note of it.
    diff_paths "$work/0-clean" "$work/1-installed" | grep -vxF "$owned" |
        grep -Ev '^\./(var/lib/wegweiser|media/wegweiser|etc/systemd/system/multi-user\.target\.wants/wegweiser\.service|var/lib/systemd/deb-systemd-helper-(enabled|masked)(/.*)?)$' |
        grep -Ev '^\./(etc/systemd/system/multi-user\.target\.wants|var/lib/systemd)$' >"$work/strays" || true
    cat "$work/strays"
    [ ! -s "$work/strays" ]
}
check "install: every new file belongs to a package or is the data folder, the sticks' folder, the unit's link" strays

# --- Install the same version again: the maintainer scripts run twice without harm -------------
check "dpkg -i again (same version)" \
    in_root dpkg -i /tmp/debs/wegweiser-data.deb /tmp/debs/wegweiser.deb /tmp/debs/wegweiser-pack.deb
snapshot >"$work/2-again"
check "install again: no file changed" diff "$work/1-installed" "$work/2-again"

# --- Remove, then purge -------------------------------------------------------------------------
# Data the kiosk wrote stays after a remove and goes with the purge.
echo pack >"$root/var/lib/wegweiser/probe"
sed -i 's/^idle_seconds=90/idle_seconds=60/' "$root/etc/wegweiser/kiosk.conf"
check "dpkg -r wegweiser-pack wegweiser wegweiser-data" in_root dpkg -r wegweiser-pack wegweiser wegweiser-data
snapshot >"$work/3-removed"
check "remove: the changed kiosk.conf and the data folder stay" \
    sh -c "grep -qx idle_seconds=60 '$root/etc/wegweiser/kiosk.conf' && [ -f '$root/var/lib/wegweiser/probe' ] && [ ! -e '$root/usr/bin/wegweiser' ]"
check "dpkg -P wegweiser-pack wegweiser wegweiser-data" in_root dpkg -P wegweiser-pack wegweiser wegweiser-data
snapshot >"$work/4-purged"
check "purge: the root's files as before the install (but the user wegweiser)" diff "$work/0-clean" "$work/4-purged"
check "purge: dpkg knows none of the packages any more" \
    sh -c "! chroot '$root' dpkg-query -W wegweiser wegweiser-data wegweiser-pack 2>/dev/null | grep ."

# --- The staff PC's case: the staff tool without the kiosk -------------------------------------
staff_tool_alone() {
    in_root dpkg -i /tmp/debs/wegweiser-data.deb /tmp/debs/wegweiser-pack.deb || return 1
    local out
    out=$(echo 'اتصلوا على 0631 7105-0' | in_root wegweiser-pack layout --lang ar) || return 1
    echo "$out"
    in_root dpkg -P wegweiser-pack wegweiser-data || return 1
    [ -n "$out" ] && ! in_root test -e /usr/bin/wegweiser
}
check "wegweiser-pack without the kiosk installs, lays out Arabic with the linked fonts, purges" staff_tool_alone
snapshot >"$work/5-staff-purged"
check "... and leaves the root's files as before" diff "$work/0-clean" "$work/5-staff-purged"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
