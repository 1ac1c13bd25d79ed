#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the version header $1 only when the version changed, so that make
# rebuilds exactly what embeds it and two builds of one tree are identical.
set -eu
out=$1
version=$(git describe --always --dirty 2>/dev/null || echo dev)
new="#define CSVSM_VERSION \"$version\""
if [ ! -f "$out" ] || [ "$(cat "$out")" != "$new" ]; then
	mkdir -p "$(dirname "$out")"
	printf '%s\n' "$new" > "$out"
fi
