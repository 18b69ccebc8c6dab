#!/usr/bin/env bash
# make image: build/wegweiser-rpi-arm64.img and .img.xz, an SD card image for a Raspberry Pi 3, 4
# or 400 that boots straight into the kiosk. Debian 12 arm64 as Debian's Raspberry Pi images are
# made (linux-image-arm64, raspi-firmware from non-free-firmware, the Pi's own boot firmware on
# a FAT partition), the kiosk's packages from build/deb/ installed by board/rpi/install.sh, a
# read-only root and a small data partition. Made without mounting any image: the root is a
# folder (debootstrap, programs run by qemu-user), the file systems are made from folders
# (mkfs.ext4 -d, mkfs.vfat + mcopy), the partition table by sfdisk on the image file.
#
#   p1  FAT32  256 MB  /boot/firmware, read-only: Pi firmware, kernel, initrd, config.txt,
#                      cmdline.txt, and kiosk.conf + keys/ for the office (board/README.md)
#   p2  ext4           /, read-only (label wwroot)
#   p3  ext4    64 MB  /var/lib/wegweiser, packs and receipts (label wwdata)
#
# Environment: IMAGE_WORK  where the root and the file systems are made (default
#                          /var/tmp/wegweiser-image); ARM64_WORK as for deb-arm64.sh
#              IMAGE_REUSE_ROOT=1  go on with the root a run before left in IMAGE_WORK instead of
#                          a new copy of debootstrap's (saves the kernel's initrd, the slowest
#                          step under qemu-user, when only later steps changed)
#              IMAGE_KEYS  minisign public keys (files, space-separated) put into keys/ on the
#                          boot partition, so the image takes packs signed with them
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
rpi=$repo/board/rpi
debs=$repo/build/deb
img=$repo/build/wegweiser-rpi-arm64.img
work=${IMAGE_WORK:-/var/tmp/wegweiser-image}
arm64=${ARM64_WORK:-/var/tmp/wegweiser-arm64}
root=$work/root
log=$work/image.log
boot_mb=256
data_mb=64
# shellcheck source=board/rpi/arm64.sh
. "$rpi/arm64.sh"

# Every path below is under $root or $work: never let an empty one point at this machine's /.
case $work in /?*/?*) ;; *) echo "image: IMAGE_WORK=$work is not a folder of its own"; exit 1 ;; esac
[ "$root" = "$work/root" ] || exit 1

[ "$(id -u)" -eq 0 ] || { echo "image: run as root (debootstrap and chroot)"; exit 1; }
ls "$debs"/wegweiser_*_arm64.deb "$debs"/wegweiser-data_*_all.deb >/dev/null 2>&1 ||
    { echo "image: no arm64 packages in $debs: make deb deb-arm64"; exit 1; }
mkdir -p "$work" "$(dirname "$img")"
: >"$log"
start=$(date +%s)
step() { echo "[$(($(date +%s) - start)) s] $*"; }
trap 'arm64_leave "$root"' EXIT

step "arm64 Debian 12 root (log: $log)"
arm64_binfmt
arm64_base "$arm64/base" "$log"
arm64_leave "$root"
if [ -n "${IMAGE_REUSE_ROOT:-}" ] && [ -x "$root/usr/bin/apt-get" ]; then
    step "going on with the root in $root (IMAGE_REUSE_ROOT)"
else
    rm -rf "$root"
    cp -a "$arm64/base" "$root"
fi
arm64_enter "$root"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

mirror=$(arm64_mirror)
printf '%s\n' "deb $mirror bookworm main non-free-firmware" \
    "deb $mirror bookworm-updates main non-free-firmware" \
    "deb ${mirror%/debian}/debian-security bookworm-security main non-free-firmware" >"$root/etc/apt/sources.list"
echo wegweiser >"$root/etc/hostname"
# The Pi's firmware starts the kernel with cmdline.txt, which raspi-firmware writes from these
# files at every kernel update: the root by its label (the same on an SD card, a USB disk and in
# QEMU), read-only (the "ro" after raspi-firmware's own "rw" wins), no console blanking, no
# cursor, boot messages on the serial port and tty1.
cp "$rpi/image/raspi-firmware" "$root/etc/default/raspi-firmware"
cp "$rpi/image/raspi-extra-cmdline" "$root/etc/default/raspi-extra-cmdline"
cp "$rpi/image/fstab" "$root/etc/fstab"

step "kernel, Raspberry Pi firmware, systemd (apt in the arm64 root: minutes)"
# confold: the settings files written above stay as they are.
apt_options=(-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
in_root apt-get update -q >>"$log" 2>&1
in_root dpkg --force-confdef --force-confold --configure -a >>"$log" 2>&1
in_root apt-get install -y -q --no-install-recommends "${apt_options[@]}" systemd-sysv udev kmod \
    initramfs-tools linux-image-arm64 raspi-firmware dosfstools >>"$log" 2>&1
# What raspi-firmware does at every kernel update: kernel, initrd and device trees onto the boot
# partition, config.txt and cmdline.txt written from the files above.
in_root env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware >>"$log" 2>&1

step "the kiosk's packages and the board's lock-down (board/rpi/install.sh)"
# The kernel's postinst made the initrd (with every module a Pi or QEMU may boot from: under
# qemu-user that alone takes many minutes). The packages install.sh adds would make it again for
# nothing the image uses (overlayroot's hook): not now, and again as usual afterwards.
initramfs_conf=$root/etc/initramfs-tools/update-initramfs.conf
sed -i 's/^update_initramfs=.*/update_initramfs=no/' "$initramfs_conf"
keys=()
for k in ${IMAGE_KEYS:-}; do keys+=(--key "$k"); done
"$rpi/install.sh" --root "$root" --debs "$debs" "${keys[@]}" >>"$log" 2>&1
sed -i 's/^update_initramfs=.*/update_initramfs=yes/' "$initramfs_conf"
in_root dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' wegweiser wegweiser-data | tee -a "$log"

# The settings an office changes with any PC: kiosk.conf and keys/ on the boot partition,
# read by start-kiosk at every start of the kiosk (the root is read-only).
mkdir -p "$root/etc/systemd/system/wegweiser.service.d"
cp "$rpi/image/wegweiser-image.conf" "$root/etc/systemd/system/wegweiser.service.d/image.conf"
sed 's|^trusted_keys=.*|trusted_keys=/boot/firmware/keys|' "$rpi/kiosk.conf" >"$work/kiosk.conf"
grep -q '^trusted_keys=/boot/firmware/keys$' "$work/kiosk.conf"
# No machine-id: systemd makes one at each boot on the read-only root.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

step "file systems"
arm64_leave "$root"
# The boot partition's files, out of the root (its mount point stays, empty).
rm -rf "$work/boot"
mkdir -p "$work/boot/keys"
cp -a "$root/boot/firmware/." "$work/boot/"
find "$root/boot/firmware" -mindepth 1 -delete
cp "$work/kiosk.conf" "$work/boot/kiosk.conf"
cp "$root"/etc/wegweiser/keys/*.pub "$work/boot/keys/" 2>/dev/null || true
# What a root that is never written does not need.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/apt/* "$root/usr/sbin/policy-rc.d"
find "$root/var/log" -name '*.log' -type f -delete
uid=$(awk -F: '$1 == "wegweiser" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "wegweiser" { print $4 }' "$root/etc/passwd")
[ -n "$uid" ] && [ -n "$gid" ]
find "$root/var/lib/wegweiser" -mindepth 1 -delete

rm -f "$work/boot.part" "$work/root.part" "$work/data.part"
used_mb=$(du -s --block-size=1M --apparent-size "$root" | awk '{ print $1 }')
root_mb=$((used_mb + used_mb / 5 + 64))
mkfs.vfat -F 32 -n WWBOOT -C "$work/boot.part" $((boot_mb * 1024)) >>"$log"
mcopy -s -i "$work/boot.part" "$work/boot"/* ::/
mkfs.ext4 -q -F -L wwroot -d "$root" "$work/root.part" "${root_mb}M"
rm -rf "$work/data-empty"
mkdir -p "$work/data-empty"
mkfs.ext4 -q -F -L wwdata -E root_owner="$uid:$gid" -d "$work/data-empty" "$work/data.part" "${data_mb}M"

step "image: boot ${boot_mb} MB, root ${root_mb} MB (${used_mb} MB used), data ${data_mb} MB"
rm -f "$img" "$img.xz"
total_mb=$((1 + boot_mb + root_mb + data_mb))
truncate -s "${total_mb}M" "$img"
printf '%s\n' "label: dos" "start=1MiB, size=${boot_mb}MiB, type=c, bootable" \
    "size=${root_mb}MiB, type=83" "size=${data_mb}MiB, type=83" | sfdisk -q "$img"
dd if="$work/boot.part" of="$img" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$work/root.part" of="$img" bs=1M seek=$((1 + boot_mb)) conv=notrunc,sparse status=none
dd if="$work/data.part" of="$img" bs=1M seek=$((1 + boot_mb + root_mb)) conv=notrunc,sparse status=none
# The kernel and initrd beside the image, for make check-image (QEMU starts them directly).
cp "$work"/boot/vmlinuz-* "$repo/build/wegweiser-rpi-arm64.vmlinuz"
cp "$work"/boot/initrd.img-* "$repo/build/wegweiser-rpi-arm64.initrd"
step "compressing"
xz -T2 -6 -k "$img"
ls -l "$img" "$img.xz"
sfdisk -l "$img"
step "done"
