#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The Debian package versions an image is built from, one "name=version"
# line each, for the IGVM file's measured boot-info page
# (`csvsm-igvm build --provenance`, docs/vtpm-host.md): libtpms, OpenSSL
# and glibc as installed (the vTPM program links their static libraries),
# mbedTLS as the source package the kernel is built from
# (scripts/fetch_mbedtls.sh), and, for an image that carries Debian's OVMF,
# the ovmf package its VERSION file ($3, written by scripts/fetch_ovmf.sh)
# names. Writes $1, replacing it only when the text changed, so an
# unchanged system does not rebuild the images.
set -eu

out=$1
mbedtls_dir=${2:-.deps/mbedtls}
ovmf_version_file=${3:-}
tmp="$out.tmp"

version() {
	v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null) || v=""
	if [ -z "$v" ]; then
		echo "csvsm: $1 is not installed (scripts/deps.sh)" >&2
		exit 1
	fi
	echo "$v"
}

mbedtls=$(sed -n '1s/^mbedtls (\([^)]*\)).*/\1/p' \
	"$mbedtls_dir/debian/changelog" 2>/dev/null || true)
if [ -z "$mbedtls" ]; then
	echo "csvsm: no mbedTLS source version in $mbedtls_dir" >&2
	exit 1
fi
ovmf=""
if [ -n "$ovmf_version_file" ]; then
	ovmf=$(sed -n '1s/^ovmf \([^ ]*\)$/\1/p' "$ovmf_version_file" \
		2>/dev/null || true)
	if [ -z "$ovmf" ]; then
		echo "csvsm: no ovmf version in $ovmf_version_file" >&2
		exit 1
	fi
fi
{
	echo "glibc=$(version libc6-dev)"
	echo "libtpms=$(version libtpms-dev)"
	echo "mbedtls=$mbedtls"
	echo "openssl=$(version libssl-dev)"
	[ -z "$ovmf" ] || echo "ovmf=$ovmf"
} >"$tmp"
if cmp -s "$tmp" "$out"; then
	rm -f "$tmp"
else
	mv "$tmp" "$out"
fi
