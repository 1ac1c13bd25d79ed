#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs the Debian 12 packages csvsm needs to build, run and test.
# As root it runs apt-get itself; with password-less sudo it uses sudo;
# otherwise it prints the one apt-get line to run and fails.
set -eu

PACKAGES="gcc make binutils libc6-dev zlib1g-dev libssl-dev openssl libgcrypt20-dev libmbedtls-dev git \
python3 qemu-system-x86 ovmf valgrind clang clang-format clang-tidy libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "csvsm: missing packages:$missing" >&2
	echo "csvsm: run: sudo apt-get update && sudo $line" >&2
	exit 1
fi
echo "csvsm: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO $line -qq >&2
