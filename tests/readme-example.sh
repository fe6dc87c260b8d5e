#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: extract the C example from README.md, build it with
# pkg-config against the installed library (make install, optionally under
# DESTDIR) and run it.
# Usage: readme-example.sh DESTDIR PKGCONFIGDIR LIBDIR
set -eu
destdir=$1 pcdir=$2 libdir=$3
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on=1; next} /^```$/ {on=0} on' "$here/README.md" > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "no C example in README.md"; exit 1; }
export PKG_CONFIG_PATH="$destdir$pcdir"
[ -n "$destdir" ] && export PKG_CONFIG_SYSROOT_DIR="$destdir"
flags=$(pkg-config --cflags --libs libvsw)
echo "pkg-config --cflags --libs libvsw: $flags"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" $flags
LD_LIBRARY_PATH="$destdir$libdir" "$tmp/example"
# only vsw_ symbols are exported by the installed library
bad=$(nm -D --defined-only "$destdir$libdir"/libvsw.so.* | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^vsw_' || true)
[ -z "$bad" ] || { echo "installed library exports: $bad"; exit 1; }
echo "README example OK"
