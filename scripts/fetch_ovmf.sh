#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetches the guest firmware `make` builds into out/svsm.igvm: OVMF.fd from
# Debian 13's (trixie) `ovmf` package, into $1 (default .deps/ovmf-trixie),
# without installing it. Debian 12's OVMF predates edk2's SVSM support (its
# SEV metadata has no SVSM calling area, docs/snp.md), so the package comes
# from trixie, through an apt configuration private to this script: its
# sources are the system's Debian sources (/etc/apt/sources.list.d/
# debian.sources) with the system's suite names replaced by trixie's, its
# lists and cache live in a temporary directory, and nothing the system
# installs or upgrades changes. apt checks the lists' signatures against the
# keyring the system's sources name (Signed-By, the Debian archive keyring,
# which scripts/deps.sh makes sure holds trixie's keys) and the package
# against the SHA256 of the signed index; the script then checks that SHA256
# and the SHA256 of the OVMF.fd it unpacks against the ones pinned below,
# so every build gets the same bytes. Keeps OVMF.fd, the package's
# copyright file, VERSION ("ovmf <version>") and SHA256 (the package's and
# OVMF.fd's, as sha256sum prints them). Run again, it returns at once when
# VERSION names the pinned version and OVMF.fd has the pinned SHA256, and
# fetches again otherwise.
set -eu

OVMF_SUITE=trixie
OVMF_VERSION=2025.02-8+deb13u1
OVMF_SHA256=78e0d54df11fc77406cb7a0bc9a39e5bca6d1cbe06556b91d9a73491c52decdf
OVMF_FD_SHA256=14954040cc754ade0c625ac3470ea46d4c14318b5b1396de4ef77090203d76db
DEB_SOURCES=/etc/apt/sources.list.d/debian.sources

dest=${1:-.deps/ovmf-trixie}
if [ -f "$dest/OVMF.fd" ] &&
	[ "$(cat "$dest/VERSION" 2>/dev/null)" = "ovmf $OVMF_VERSION" ] &&
	[ "$(sha256sum "$dest/OVMF.fd" | cut -d ' ' -f 1)" = \
		"$OVMF_FD_SHA256" ]; then
	exit 0
fi

fail() {
	echo "csvsm: fetch_ovmf: $*" >&2
	echo "csvsm: (\`make FIRMWARE=\` builds out/svsm.igvm without a" \
		"firmware, \`make FIRMWARE=path\` with another one)" >&2
	exit 1
}

[ -f "$DEB_SOURCES" ] ||
	fail "$DEB_SOURCES not found: no Debian sources to derive" \
		"$OVMF_SUITE's from"
codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
[ -n "$codename" ] || fail "no VERSION_CODENAME in /etc/os-release"

work=$(mktemp -d)
trap 'rm -rf "$work" "$dest.tmp.$$"' EXIT
# _apt, which apt downloads as when run as root, must reach the directories.
chmod 755 "$work"
mkdir -p "$work/sources.list.d" "$work/lists/partial" \
	"$work/cache/archives/partial" "$work/deb" "$work/x" "$work/none.d"
# apt-get download writes into the current directory as _apt, if root.
if [ "$(id -u)" = 0 ]; then
	chown _apt "$work/deb" 2>/dev/null || true
fi
: >"$work/status"
# The system's sources, each suite of this release renamed to trixie's
# (bookworm-updates becomes trixie-updates, and so on); Signed-By stays.
sed "/^Suites:/s/\\b$codename\\b/$OVMF_SUITE/g" "$DEB_SOURCES" \
	>"$work/sources.list.d/csvsm-$OVMF_SUITE.sources"
grep -q "^Suites:.*\\b$OVMF_SUITE\\b" \
	"$work/sources.list.d/csvsm-$OVMF_SUITE.sources" ||
	fail "$DEB_SOURCES names no $codename suite to replace"

# Only this script's sources, lists, cache and (empty) package status;
# the system's preferences do not apply; no translations.
apt_private() {
	tool=$1
	shift
	"$tool" -o Dir::Etc::SourceList="$work/none.list" \
		-o Dir::Etc::SourceParts="$work/sources.list.d" \
		-o Dir::State::Lists="$work/lists" \
		-o Dir::State::status="$work/status" \
		-o Dir::Cache="$work/cache" \
		-o Dir::Etc::Preferences="$work/none.pref" \
		-o Dir::Etc::PreferencesParts="$work/none.d" \
		-o Acquire::Languages=none -o APT::Architectures::=amd64 \
		"$@"
}

echo "csvsm: fetching ovmf $OVMF_VERSION from $OVMF_SUITE (apt lists" \
	"in $work, removed afterwards)" >&2
apt_private apt-get -q update >"$work/log" 2>&1 || {
	cat "$work/log" >&2
	fail "apt-get update of the $OVMF_SUITE lists failed"
}
index_sha=$(apt_private apt-cache show "ovmf=$OVMF_VERSION" 2>/dev/null |
	sed -n 's/^SHA256: //p' | head -n 1)
[ -n "$index_sha" ] ||
	fail "ovmf $OVMF_VERSION is not in $OVMF_SUITE's index (a newer" \
		"one replaced it?): pin the new version, its SHA256 and" \
		"OVMF.fd's in $0; the SVSM's launch digest changes with it"
[ "$index_sha" = "$OVMF_SHA256" ] ||
	fail "$OVMF_SUITE's index gives ovmf $OVMF_VERSION the SHA256" \
		"$index_sha, not the pinned $OVMF_SHA256"
(cd "$work/deb" && apt_private apt-get -q download "ovmf=$OVMF_VERSION") \
	>"$work/log" 2>&1 || {
	cat "$work/log" >&2
	fail "apt-get download ovmf=$OVMF_VERSION failed"
}
deb=$(find "$work/deb" -maxdepth 1 -name 'ovmf_*.deb' | head -n 1)
[ -n "$deb" ] || fail "apt-get download left no ovmf package"
sha=$(sha256sum "$deb" | cut -d ' ' -f 1)
[ "$sha" = "$OVMF_SHA256" ] ||
	fail "$(basename "$deb") has the SHA256 $sha, not the pinned" \
		"$OVMF_SHA256"
[ "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" = \
	"ovmf $OVMF_VERSION" ] || fail "$(basename "$deb") is not ovmf $OVMF_VERSION"

dpkg-deb -x "$deb" "$work/x"
fd="$work/x/usr/share/ovmf/OVMF.fd"
[ -f "$fd" ] || fail "no usr/share/ovmf/OVMF.fd in $(basename "$deb")"
fd_sha=$(sha256sum "$fd" | cut -d ' ' -f 1)
[ "$fd_sha" = "$OVMF_FD_SHA256" ] ||
	fail "its OVMF.fd has the SHA256 $fd_sha, not the pinned" \
		"$OVMF_FD_SHA256"
# Staged next to $dest and renamed into place, so that a build never
# sees half a directory.
stage="$dest.tmp.$$"
rm -rf "$stage"
mkdir -p "$stage"
cp "$fd" "$stage/OVMF.fd"
cp "$work/x/usr/share/doc/ovmf/copyright" "$stage/copyright"
printf '%s  %s\n%s  OVMF.fd\n' "$sha" "$(basename "$deb")" "$fd_sha" \
	>"$stage/SHA256"
echo "ovmf $OVMF_VERSION" >"$stage/VERSION"
rm -rf "$dest"
mv "$stage" "$dest"
echo "csvsm: ovmf $OVMF_VERSION (sha256 $sha) in $dest" >&2
