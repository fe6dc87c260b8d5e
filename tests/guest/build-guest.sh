#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the tiny Linux guest of the VM tests: Debian's kernel (downloaded as
# a package, never installed) and an initramfs of busybox-static with the
# virtio-net and 802.1Q modules and tests/guest/init.
#   build-guest.sh OUTDIR      -> OUTDIR/vmlinuz OUTDIR/initrd.gz
# The kernel package is kept in OUTDIR/cache, so a second run is quick.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1/cache"
out=$(cd "$1" && pwd)   # absolute: the initramfs is packed from another directory
# the VM tests run side by side (make -j) and share OUTDIR: one builds, the
# other waits for it and finds the guest made (no download read half-written)
exec 9>"$out/.build.lock"
flock 9
command -v busybox >/dev/null || { echo "busybox-static is missing"; exit 77; }
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.gz" ] && [ "$out/initrd.gz" -nt "$here/init" ]; then
	exit 0
fi
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "no Debian kernel package known to apt"; exit 77; }
deb=$(ls "$out/cache/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	(cd "$out/cache" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "cannot download $pkg"; exit 77; }
	deb=$(ls "$out/cache/${pkg}_"*.deb | head -n1)
fi
x="$out/cache/x"
rm -rf "$x"
mkdir -p "$x"
dpkg-deb -x "$deb" "$x"
cp "$x"/boot/vmlinuz-* "$out/vmlinuz"
root="$out/cache/root"
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$(command -v busybox)" "$root/bin/busybox"
for m in failover net_failover virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
	 virtio_pci virtio_net llc stp garp mrp 8021q; do
	f=$(find "$x/lib/modules" -name "$m.ko*" | head -n1)
	[ -n "$f" ] || { echo "module $m not found in $pkg"; exit 1; }
	case "$f" in
	*.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
	*.zst) zstd -dcq "$f" > "$root/lib/modules/$m.ko" ;;
	*) cp "$f" "$root/lib/modules/$m.ko" ;;
	esac
done
cp "$here/init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 > "$out/initrd.gz.new")
mv "$out/initrd.gz.new" "$out/initrd.gz"
rm -rf "$x" "$root"
echo "guest: $pkg"
