# arm64.sh: what deb-arm64.sh and image.sh share, sourced: an arm64 Debian 12 root on this
# (amd64) machine, its programs run by qemu-user through binfmt_misc.

# arm64_binfmt: binfmt_misc mounted, qemu-aarch64 registered (qemu-user-static registers it
# with the F flag, so a chroot needs no copy of qemu inside).
arm64_binfmt() {
    if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
        update-binfmts --enable qemu-aarch64
    fi
}

# arm64_mirror: the Debian mirror this machine's apt uses.
arm64_mirror() {
    local m
    m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2; exit }')
    [ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    echo "${m:-http://deb.debian.org/debian}"
}

# arm64_base DIR LOG: a debootstrap minbase root of Debian 12 arm64 in DIR, made once.
arm64_base() {
    if [ ! -x "$1/usr/bin/apt-get" ]; then
        echo "making an arm64 Debian 12 root with debootstrap in $1 (once; minutes under qemu)"
        rm -rf "$1"
        debootstrap --arch=arm64 --variant=minbase bookworm "$1" "$(arm64_mirror)" >>"$2" 2>&1
    fi
}

# arm64_enter ROOT: /proc, /sys, /dev bound into ROOT, and no service started by a package
# script in there. arm64_leave ROOT undoes it.
arm64_enter() {
    local m
    case $1 in /?*) ;; *) echo "arm64_enter: '$1' is not a root of its own" >&2; return 1 ;; esac
    for m in proc sys dev dev/pts; do mountpoint -q "$1/$m" || mount --bind "/$m" "$1/$m"; done
    printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
    chmod 755 "$1/usr/sbin/policy-rc.d"
}
arm64_leave() {
    local m
    case $1 in /?*) ;; *) echo "arm64_leave: '$1' is not a root of its own" >&2; return 1 ;; esac
    rm -f "$1/usr/sbin/policy-rc.d"
    for m in $(awk -v r="$1" 'index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
        umount "$m" 2>/dev/null || umount -l "$m"
    done
}
