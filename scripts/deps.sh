#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs the Debian 12 packages csvsm needs to build, run and test, and
# makes Debian's source packages reachable (a deb-src twin of each Debian
# source), from which the kernel build takes mbedTLS
# (scripts/fetch_mbedtls.sh). The guest firmware comes from Debian 13
# (scripts/fetch_ovmf.sh, run by `make`, through its own apt configuration):
# what it needs here is a Debian archive keyring that holds trixie's keys
# (debian-archive-keyring 2023.3+deb12u2 and later; an older one is
# upgraded within Debian 12). As root it runs apt-get itself; with
# password-less sudo it uses sudo; otherwise it prints what to run and
# fails.
set -eu

PACKAGES="gcc make binutils libc6-dev zlib1g-dev libssl-dev openssl libgcrypt20-dev libmbedtls-dev git \
python3 python3-yaml qemu-system-x86 ovmf valgrind clang clang-format clang-tidy libclang-rt-14-dev \
libtpms-dev swtpm swtpm-tools tpm2-tools python3-cryptography \
dpkg-dev debian-archive-keyring"
# The first keyring with the Debian 13 (trixie) archive keys.
KEYRING_MIN=2023.3+deb12u2
DEB_SOURCES=/etc/apt/sources.list.d/debian.sources
DEB_SRC_TWIN=/etc/apt/sources.list.d/csvsm-deb-src.sources

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
keyring=$(dpkg-query -W -f='${Version}' debian-archive-keyring 2>/dev/null ||
	true)
if [ -n "$keyring" ] &&
	! dpkg --compare-versions "$keyring" ge "$KEYRING_MIN"; then
	missing="$missing debian-archive-keyring"
fi
need_src=no
apt-get source --print-uris -qq mbedtls >/dev/null 2>&1 || need_src=yes
[ -z "$missing" ] && [ "$need_src" = no ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	[ -n "$missing" ] && echo "csvsm: missing packages:$missing" >&2
	[ "$need_src" = yes ] &&
		echo "csvsm: no deb-src entry: add one (Types: deb-src) for" \
			"Debian's archive" >&2
	echo "csvsm: run: sudo apt-get update && sudo $line" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$need_src" = yes ]; then
	if [ ! -f "$DEB_SOURCES" ]; then
		echo "csvsm: $DEB_SOURCES not found: add a deb-src entry for" \
			"Debian's archive yourself" >&2
		exit 1
	fi
	echo "csvsm: adding $DEB_SRC_TWIN (deb-src of $DEB_SOURCES)" >&2
	sed 's/^Types: deb$/Types: deb-src/' "$DEB_SOURCES" |
		$SUDO tee "$DEB_SRC_TWIN" >/dev/null
fi
$SUDO apt-get update -qq
if [ -n "$missing" ]; then
	echo "csvsm: installing$missing" >&2
	# shellcheck disable=SC2086
	$SUDO $line -qq >&2
fi
