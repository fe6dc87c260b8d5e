#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the newest node of libvsw.map matches AC_INIT's MAJOR.MINOR and
# the soname's major (the libbpf "out of sync!" check).
set -eu
ver=$(sed -n 's/^AC_INIT(\[libvsw\], \[\([0-9.]*\)\].*/\1/p' "$top_srcdir/configure.ac")
major=${ver%%.*}; rest=${ver#*.}; minor=${rest%%.*}
if [ "$minor" = 0 ]; then want="LIBVSW_$major"; else want="LIBVSW_$major.$minor"; fi
newest=$(grep -oE '^LIBVSW_[0-9.]+' "$top_srcdir/libvsw/libvsw.map" | tail -n1)
if [ "$newest" != "$want" ]; then
	echo "libvsw.map out of sync: newest node $newest, version $ver wants $want"; exit 1
fi
so=$(ls "$top_builddir"/libvsw/.libs/libvsw.so.* | head -n1)
soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libvsw.so.$major" ] || { echo "soname $soname, expected libvsw.so.$major"; exit 1; }
echo "ABI version OK: $newest, $soname"
