#!/usr/bin/env bash
# make deb-arm64: the packages for the board (Debian 12 arm64), built the way `make deb` builds
# them on a Pi, but here: in an arm64 Debian 12 root made with debootstrap whose programs run
# under qemu-user (binfmt_misc). Slow (everything, the compiler too, is emulated), but it needs
# nothing of arm64 on this machine besides qemu, unlike a cross build (dpkg-buildpackage -a
# arm64), which wants the arm64 -dev packages installed here beside the amd64 ones.
#
# Environment: ARM64_WORK  where the roots are kept (default /var/tmp/wegweiser-arm64): base/ is
#                          debootstrap's, build/ that plus the build dependencies, reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
out=$repo/${1:-build/deb}
work=${ARM64_WORK:-/var/tmp/wegweiser-arm64}
base=$work/base
root=$work/build
log=$work/deb-arm64.log

[ "$(id -u)" -eq 0 ] || { echo "deb-arm64: run as root (debootstrap, chroot, mount)"; exit 1; }
mkdir -p "$work" "$out"
: >"$log"

# arm64 programs run through qemu: binfmt_misc mounted, qemu-aarch64 registered (qemu-user-static
# registers it with the F flag, so the chroot needs no copy of qemu).
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    update-binfmts --enable qemu-aarch64
fi

unmount_all() {
    local m
    for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
trap unmount_all EXIT

mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2; exit }')
if [ ! -x "$base/usr/bin/apt-get" ]; then
    echo "making an arm64 Debian 12 root with debootstrap in $base (once; minutes under qemu)"
    rm -rf "$base"
    debootstrap --arch=arm64 --variant=minbase bookworm "$base" "${mirror:-http://deb.debian.org/debian}" >>"$log" 2>&1
fi
if [ ! -x "$root/usr/bin/dpkg-buildpackage" ]; then
    rm -rf "$root"
    cp -a "$base" "$root"
fi
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# The build dependencies of debian/control, as `make deb` installs them.
deps=$(sed -n '/^Build-Depends:/,/^$/p' debian/control | sed 's/^Build-Depends://' | tr ',' '\n' |
    sed 's/^ *//; s/ *$//' | grep . | paste -sd, -)
echo "installing the build dependencies in $root"
chroot "$root" apt-get update -q >>"$log" 2>&1
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get satisfy -y -q --no-install-recommends \
    "build-essential, dpkg-dev, fakeroot, $deps" >>"$log" 2>&1

# The source tree as `make deb` copies it; only the arm64 packages (-B): wegweiser-data is
# the same file from any machine and comes from `make deb`.
rm -rf "$root/build/src"
mkdir -p "$root/build/src"
tar -c --exclude=./build --exclude=./.git --exclude='./assets/fonts/*.ttf' --exclude=./assets/icons/codepoints . |
    tar -x -C "$root/build/src"
rm -f "$root"/build/*.deb "$root"/build/*.changes "$root"/build/*.buildinfo
echo "building in $root/build/src (log: $log)"
start=$(date +%s)
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
    sh -c 'cd /build/src && dpkg-buildpackage -B -us -uc' >>"$log" 2>&1
echo "built in $(($(date +%s) - start)) s"
cp "$root"/build/*_arm64.deb "$root"/build/*_arm64.changes "$root"/build/*_arm64.buildinfo "$out/"
rm -rf "$root/build/src"
ls -1 "$out"/*_arm64.deb
