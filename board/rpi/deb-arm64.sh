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

# shellcheck source=board/rpi/arm64.sh
. "$repo/board/rpi/arm64.sh"
arm64_binfmt
trap 'arm64_leave "$root"' EXIT
arm64_base "$base" "$log"
if [ ! -x "$root/usr/bin/dpkg-buildpackage" ]; then
    arm64_leave "$root"
    rm -rf "$root"
    cp -a "$base" "$root"
fi
arm64_enter "$root"

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
