#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetches Debian's mbedTLS source package (the one libmbedtls-dev is built
# from) into $1 (default .deps/mbedtls), for the SVSM kernel, which builds
# the few modules it needs with its own flags (mk/mbedtls.mk). apt verifies
# the package against the archive's signed index and dpkg-source checks the
# tarballs against the .dsc and applies Debian's patches. It needs a
# deb-src entry and dpkg-dev, which scripts/deps.sh provides.
set -eu

dest=${1:-.deps/mbedtls}
[ -f "$dest/library/gcm.c" ] && exit 0

if ! apt-get source --print-uris -qq mbedtls >/dev/null 2>&1 ||
	! command -v dpkg-source >/dev/null 2>&1; then
	echo "csvsm: cannot fetch Debian's mbedTLS source: run scripts/deps.sh" \
		"(it adds a deb-src entry and dpkg-dev)" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq mbedtls >/dev/null 2>&1) || {
	echo "csvsm: apt-get source mbedtls failed" >&2
	exit 1
}
src=$(find "$work" -maxdepth 1 -type d -name 'mbedtls-*' | head -n 1)
[ -n "$src" ] && [ -f "$src/library/gcm.c" ] || {
	echo "csvsm: mbedTLS source not found after apt-get source" >&2
	exit 1
}
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$src" "$dest"
echo "csvsm: mbedTLS $(basename "$src") in $dest" >&2
