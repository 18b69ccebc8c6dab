#!/bin/sh
# board/rpi/install.sh: turns Raspberry Pi OS Lite (Debian 12 "bookworm", arm64) into a
# locked-down Wegweiser kiosk. Run as root on the Pi, or with --root DIR against a mounted
# system. Idempotent: it changes only what differs from what it would install, prints every
# change, and a second run prints none. What it does and why: board/rpi/README.md.
set -eu
umask 022

here=$(cd "$(dirname "$0")" && pwd)

usage() {
    cat <<'TEXT'
usage: board/rpi/install.sh [--root DIR] [--debs DIR] [--key FILE]...
Sets this Raspberry Pi OS Lite up as a Wegweiser kiosk (board/rpi/README.md): installs the
kiosk's Debian packages (build them first, in the repository: make deb) and locks the board
down around them.
  --root DIR   set up the system mounted at DIR instead of this one (every path is
               prefixed with DIR; packages are installed with chroot)
  --debs DIR   where wegweiser_*.deb and wegweiser-data_*.deb are (default: build/deb of
               the repository this script is in); installed unless that version already is
  --key FILE   trust this minisign public key for content packs (may be repeated);
               copied to the trusted_keys folder of /etc/wegweiser/kiosk.conf
  -h, --help   this text
Settings: /etc/wegweiser/kiosk.conf (installed if missing, never overwritten). Run this
script again after changing wifi=, bluetooth= or data_dir= there. Reboot to apply.
TEXT
}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

root=
debs=$(cd "$here/../.." && pwd)/build/deb
key_files=
while [ $# -gt 0 ]; do
    case $1 in
        --root) [ $# -ge 2 ] || die "--root wants a folder"; root=$2; shift 2 ;;
        --root=*) root=${1#--root=}; shift ;;
        --debs) [ $# -ge 2 ] || die "--debs wants a folder"; debs=$2; shift 2 ;;
        --debs=*) debs=${1#--debs=}; shift ;;
        --key) [ $# -ge 2 ] || die "--key wants a file"; key_files="$key_files
$2"; shift 2 ;;
        --key=*) key_files="$key_files
${1#--key=}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
if [ -n "$root" ]; then
    root=$(cd "$root" 2>/dev/null && pwd) || die "no folder $root"
    [ "$root" != / ] || root=
fi

[ "$(id -u)" -eq 0 ] || die "run me as root: sudo $0 $*"
[ -f "$root/etc/debian_version" ] || die "$root/ is not a Debian system (no /etc/debian_version)"
installed() {
    dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'install ok installed'
}
# newest_deb NAME ARCH: the highest version of package NAME for ARCH in the --debs folder.
newest_deb() {
    ls "$debs/$1"_*_"$2".deb 2>/dev/null | sort -V | tail -n 1
}
# build/deb may hold the PC's packages beside the board's: those of the system's architecture.
if [ -n "$root" ]; then arch=$(chroot "$root" dpkg --print-architecture 2>/dev/null) || arch=; else arch=$(dpkg --print-architecture); fi
kiosk_deb=$(newest_deb wegweiser "${arch:-none}")
data_deb=$(newest_deb wegweiser-data all)
if [ -z "$kiosk_deb" ] || [ -z "$data_deb" ]; then
    kiosk_deb= data_deb=
    installed wegweiser || die "the kiosk's packages are neither installed in ${root:-/} nor in $debs/:
  build them in the repository with  make deb  (or say where they are with --debs DIR)"
fi

changes=0
changed() {
    echo "  $*"
    changes=$((changes + 1))
}

# Commands that take the system's root as an option (useradd, systemctl, ...).
with_root() {
    _cmd=$1
    shift
    if [ -n "$root" ]; then "$_cmd" --root "$root" "$@"; else "$_cmd" "$@"; fi
}

# Commands that must run inside the system (package scripts): chroot with /proc, /sys and
# /dev, and no services started in there.
mounted=
made_policy=
in_root() {
    if [ -z "$root" ]; then
        "$@"
        return
    fi
    for _m in proc sys dev dev/pts; do
        if ! mountpoint -q "$root/$_m"; then
            mount --bind "/$_m" "$root/$_m"
            mounted="$root/$_m $mounted"
        fi
    done
    if [ ! -e "$root/usr/sbin/policy-rc.d" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
        chmod 755 "$root/usr/sbin/policy-rc.d"
        made_policy=yes
    fi
    chroot "$root" "$@"
}
cleanup() {
    [ -z "$made_policy" ] || rm -f "$root/usr/sbin/policy-rc.d"
    for _m in $mounted; do umount "$_m" || umount -l "$_m"; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# put SRC PATH MODE: the file at PATH (in the system) gets SRC's content and MODE, owned by root.
put() {
    _dst=$root$2
    if [ -f "$_dst" ] && cmp -s "$1" "$_dst" && [ "$(stat -c %a:%u:%g "$_dst")" = "$3:0:0" ]; then
        return 0
    fi
    mkdir -p "$(dirname "$_dst")"
    install -o 0 -g 0 -m "$3" "$1" "$_dst"
    changed "wrote $2"
}

# put_text PATH MODE < TEXT
put_text() {
    _tmp=$(mktemp)
    cat >"$_tmp"
    put "$_tmp" "$1" "$2"
    rm -f "$_tmp"
}

# folder PATH MODE UID:GID
folder() {
    _d=$root$1
    if [ ! -d "$_d" ]; then
        mkdir -p "$_d"
        changed "made folder $1"
    fi
    if [ "$(stat -c %a "$_d")" != "$2" ]; then
        chmod "$2" "$_d"
        changed "$1: mode $2"
    fi
    if [ "$(stat -c %u:%g "$_d")" != "$3" ]; then
        chown "$3" "$_d"
        changed "$1: owner $3"
    fi
}

echo "Setting up ${root:-this system} as a Wegweiser kiosk"

# 1. Packages: the kiosk (wegweiser, wegweiser-data: program, unit, udev rule, settings,
#    user, data folder), then what the board needs besides: Mesa for KMS/DRM, overlayroot.
#    The kiosk's packages are installed when this version is not (an upgrade too); apt
#    brings their dependencies. A kiosk.conf the staff changed stays as it is (confold).
missing=
for p in $(sed -e 's/#.*//' "$here/packages" | awk 'NF { print $1 }'); do
    installed "$p" || missing="$missing $p"
done
new_debs=
for f in $kiosk_deb $data_deb; do
    p=$(dpkg-deb -f "$f" Package)
    v=$(dpkg-deb -f "$f" Version)
    if [ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status} ${Version}' "$p" 2>/dev/null)" != "install ok installed $v" ]; then
        new_debs="$new_debs $f"
    fi
done
if [ -n "$missing$new_debs" ]; then
    debs_in_root=
    if [ -n "$new_debs" ]; then
        # apt in the chroot sees the root's files only.
        staging=$(mktemp -d "$root/tmp/wegweiser-debs.XXXXXX")
        for f in $new_debs; do
            cp "$f" "$staging/"
            debs_in_root="$debs_in_root ${staging#"$root"}/$(basename "$f")"
        done
    fi
    echo "  installing packages:$missing$debs_in_root"
    in_root apt-get update -q
    # shellcheck disable=SC2086 # one word per package
    in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing $debs_in_root
    [ -z "$new_debs" ] || rm -rf "$staging"
    changed "installed$missing$(for f in $new_debs; do printf ' %s' "$(basename "$f")"; done)"
fi
# Before the packages, this script copied the unit and the udev rule into /etc, where they
# would hide the packages' newer ones: gone.
for f in /etc/systemd/system/wegweiser.service /etc/systemd/system/wegweiser-data.service \
    /etc/udev/rules.d/90-wegweiser-usb.rules; do
    if [ -f "$root$f" ]; then
        rm -f "$root$f"
        changed "removed $f (the package's copy in /lib is used)"
    fi
done

# 2. Settings: /etc/wegweiser/kiosk.conf, a conffile of the package (dpkg keeps the staff's
#    changes through upgrades).
export WEGWEISER_CONF="$root/etc/wegweiser/kiosk.conf"
# shellcheck source=board/rpi/conf.sh
. "$here/conf.sh"
data=$(conf_get data_dir /var/lib/wegweiser)
keys=$(conf_get trusted_keys /etc/wegweiser/keys)
wifi=$(conf_get wifi off)
bluetooth=$(conf_get bluetooth off)
for path in "$data" "$keys"; do
    case $path in
        /*[!a-zA-Z0-9_./-]* | /) die "kiosk.conf: '$path' must be a folder of its own, letters, digits, _ . - / only" ;;
        /?*) ;;
        *) die "kiosk.conf: '$path' must start with /" ;;
    esac
done
case $wifi in on | off) ;; *) die "kiosk.conf: wifi=$wifi, want on or off" ;; esac
case $bluetooth in on | off) ;; *) die "kiosk.conf: bluetooth=$bluetooth, want on or off" ;; esac

# 3. The kiosk's user: no password, no login shell, the groups for the display (video,
#    render), the touch screen (input) and the speaker for read-aloud recordings (audio).
for g in video render input audio; do
    if ! grep -q "^$g:" "$root/etc/group"; then
        with_root groupadd --system "$g"
        changed "made group $g"
    fi
done
if ! grep -q '^wegweiser:' "$root/etc/passwd"; then
    with_root useradd --system --user-group --home-dir "$data" --no-create-home \
        --shell /usr/sbin/nologin --comment "Wegweiser kiosk" --groups video,render,input,audio wegweiser
    changed "made user wegweiser"
fi
for g in video render input audio; do
    if ! grep "^$g:" "$root/etc/group" | cut -d: -f4 | tr ',' '\n' | grep -qx wegweiser; then
        with_root usermod -a -G "$g" wegweiser
        changed "user wegweiser joins group $g"
    fi
done
if [ "$(awk -F: '$1 == "wegweiser" { print $7 }' "$root/etc/passwd")" != /usr/sbin/nologin ]; then
    with_root usermod --shell /usr/sbin/nologin wegweiser
    changed "user wegweiser: no login shell"
fi
uid=$(awk -F: '$1 == "wegweiser" { print $3 }' "$root/etc/passwd")
gid=$(awk -F: '$1 == "wegweiser" { print $4 }' "$root/etc/passwd")

# 4. Folders: data (the kiosk's only writable one), trusted keys, where sticks appear.
folder "$data" 750 "$uid:$gid"
folder "$keys" 755 0:0
folder /media/wegweiser 755 0:0

# 5. Trusted keys: minisign public keys, as `minisign -G` writes them.
old_ifs=$IFS
IFS='
'
for k in $key_files; do
    [ -f "$k" ] || die "--key $k: no such file"
if [ "$(wc -l <"$k")" -gt 2 ] || ! head -n 1 "$k" | grep -q '^untrusted comment: ' ||
        ! sed -n 2p "$k" | grep -Eq '^RW[A-Za-z0-9+/]{54}$'; then
        die "--key $k is not a minisign public key (two lines: 'untrusted comment: ...', then RW...)"
    fi
    name=$(basename "$k")
    put "$k" "$keys/${name%.pub}.pub" 644
done
IFS=$old_ifs
if ! ls "$root$keys"/*.pub >/dev/null 2>&1; then
    echo "  note: no trusted key in $keys yet: the kiosk will take no content pack from a USB stick"
    echo "        until one is there (install.sh --key staff.pub)"
fi

# 6. What locks the board down (the package leaves it alone, so that it can be tried on any
#    Debian machine): Ctrl+Alt+Del for staff, the data folder's drop-in, system settings.
put "$here/ctrl-alt-del.target" /etc/systemd/system/ctrl-alt-del.target 644
put_text /etc/systemd/system/wegweiser.service.d/data-dir.conf 644 <<EOF
# Written by board/rpi/install.sh from data_dir= in /etc/wegweiser/kiosk.conf.
[Service]
WorkingDirectory=$data
ReadWritePaths=
ReadWritePaths=$data
EOF
put "$here/sysctl.conf" /etc/sysctl.d/90-wegweiser.conf 644
put "$here/system.conf" /etc/systemd/system.conf.d/90-wegweiser.conf 644
put "$here/journald.conf" /etc/systemd/journald.conf.d/90-wegweiser.conf 644
put "$here/logind.conf" /etc/systemd/logind.conf.d/90-wegweiser.conf 644

# 7. Services: the kiosk on; off what a lobby does not need. The login prompt on tty1 (the
#    kiosk's screen) is not started at boot, only by Ctrl+Alt+Del for staff (see
#    ctrl-alt-del.target); masked are swap and timers that write to the SD card or want a
#    network, and Bluetooth unless kiosk.conf switches it on.
if [ ! -L "$root/etc/systemd/system/multi-user.target.wants/wegweiser.service" ]; then
    with_root systemctl --quiet enable wegweiser.service
    changed "enabled wegweiser.service"
fi
masked() { [ "$(readlink "$root/etc/systemd/system/$1" 2>/dev/null)" = /dev/null ]; }
for u in getty@tty1.service ctrl-alt-del.target; do
    if masked "$u"; then
        with_root systemctl --quiet unmask "$u"
        changed "unmasked $u"
    fi
done
if [ -L "$root/etc/systemd/system/getty.target.wants/getty@tty1.service" ]; then
    with_root systemctl --quiet disable getty@tty1.service
    changed "no login prompt on tty1 at boot (getty@tty1.service disabled)"
fi
# getty-static starts login prompts on tty2-tty6 where there is no D-Bus (and so no logind to
# keep them off, as NAutoVTs=0 asks): the SD card image has none.
off_units="dphys-swapfile.service apt-daily.timer apt-daily-upgrade.timer man-db.timer getty-static.service"
bt_units="bluetooth.service hciuart.service"
[ "$bluetooth" = on ] || off_units="$off_units $bt_units"
for u in $off_units; do
    if ! masked "$u"; then
        with_root systemctl --quiet mask "$u" 2>/dev/null
        changed "masked $u"
    fi
done
if [ "$bluetooth" = on ]; then
    for u in $bt_units; do
        if masked "$u"; then
            with_root systemctl --quiet unmask "$u"
            changed "unmasked $u (bluetooth=on)"
        fi
    done
fi

# 8. Firmware and kernel command line (the boot partition): radios off unless switched on,
#    no console blanking, no blinking console cursor.
boot=
for d in "$root/boot/firmware" "$root/boot"; do
    if [ -f "$d/config.txt" ] && [ -f "$d/cmdline.txt" ]; then boot=$d; break; fi
done
if [ -z "$boot" ]; then
    echo "  note: no config.txt and cmdline.txt in $root/boot/firmware: not Raspberry Pi OS?"
    echo "        Radios, console blanking and cursor were left as they are."
else
    block=$(mktemp)
    {
        awk '/^# >>> Wegweiser kiosk/ { skip = 1 } !skip { print } /^# <<< Wegweiser kiosk/ { skip = 0 }' "$boot/config.txt"
        echo "# >>> Wegweiser kiosk: written by board/rpi/install.sh from /etc/wegweiser/kiosk.conf"
        echo "[all]"
        [ "$wifi" = on ] || echo "dtoverlay=disable-wifi"
        [ "$bluetooth" = on ] || echo "dtoverlay=disable-bt"
        echo "# <<< Wegweiser kiosk"
    } >"$block"
    if ! cmp -s "$block" "$boot/config.txt"; then
        cat "$block" >"$boot/config.txt"
        changed "wrote ${boot#"$root"}/config.txt (wifi=$wifi, bluetooth=$bluetooth)"
    fi
    rm -f "$block"
    line=$(head -n 1 "$boot/cmdline.txt")
    new=$line
    for p in consoleblank=0 vt.global_cursor_default=0; do
        case " $new " in
            *" $p "*) ;;
            *) new=$(printf '%s\n' "$new" | sed "s/ ${p%%=*}=[^ ]*//g; s/^${p%%=*}=[^ ]* *//")" $p" ;;
        esac
    done
    if [ "$new" != "$line" ]; then
        printf '%s\n' "$new" >"$boot/cmdline.txt"
        changed "wrote ${boot#"$root"}/cmdline.txt (consoleblank=0 vt.global_cursor_default=0)"
    fi
fi

if [ "$changes" -eq 0 ]; then
    echo "Nothing to change: this system is set up as a Wegweiser kiosk."
else
    if [ -z "$root" ]; then
        systemctl daemon-reload 2>/dev/null || true
        udevadm control --reload 2>/dev/null || true
    fi
    echo "$changes changes. Reboot to start the kiosk${root:+ (when this system boots)}: sudo reboot"
fi
