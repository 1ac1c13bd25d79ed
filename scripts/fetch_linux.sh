#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetches Debian's Linux kernel image (the package linux-image-amd64
# depends on) into $1 (default .deps/linux) without installing it, for
# `make bench`, which boots it on the same QEMU as csvsm
# (bench/linux_compare.py). Only the kernel and the virtio modules are
# kept: vmlinuz, modules/*.ko, and VERSION naming the package. apt
# verifies the package against the archive's signed index.
set -eu

dest=${1:-.deps/linux}
[ -f "$dest/vmlinuz" ] && [ -f "$dest/VERSION" ] && exit 0

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "csvsm: no linux-image-amd64 in the apt lists (apt-get update?)" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq "$pkg" >/dev/null 2>&1) || {
	echo "csvsm: apt-get download $pkg failed" >&2
	exit 1
}
deb=$(find "$work" -maxdepth 1 -name '*.deb' | head -n 1)
mkdir -p "$work/x"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$work/x" --wildcards './boot/vmlinuz-*' \
		'./lib/modules/*/kernel/drivers/virtio/*.ko' \
		'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
rm -rf "$dest"
mkdir -p "$dest/modules"
cp "$work"/x/boot/vmlinuz-* "$dest/vmlinuz"
find "$work/x/lib/modules" -name '*.ko' -exec cp {} "$dest/modules/" \;
printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" \
	"$(dpkg-deb -f "$deb" Version)" >"$dest/VERSION"
echo "csvsm: $(cat "$dest/VERSION") in $dest" >&2
