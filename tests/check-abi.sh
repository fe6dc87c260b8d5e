#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the built library's ABI against the committed baseline
# (abi/libvsw.abi, made by libabigail's abidw). An incompatible change
# fails; additions are reported. After a release that adds functions,
# refresh the baseline with: make abi-baseline
# The public headers are given to abidiff, so that it judges only the types
# users see: the opaque structs behind the handles (internal.h) change at
# will, and their DWARF would otherwise read as an ABI break.
set -eu
command -v abidiff >/dev/null || { echo "SKIP: abidiff missing (abigail-tools)"; exit 77; }
so=$(ls "$top_builddir"/libvsw/.libs/libvsw.so.*.*.* | head -n1)
base="$top_srcdir/abi/libvsw.abi"
[ -e "$base" ] || { echo "no baseline $base: run make abi-baseline"; exit 1; }
# The library's debug information also describes the private structs
# behind the opaque handles (struct vsw_port...), whose layout users never
# see; the header directories limit the comparison to the types the public
# headers define (vsw_version.h is generated in the build tree).
hdrs="--hd1 $top_srcdir/include --hd2 $top_srcdir/include --hd2 $top_builddir/include"
set +e
# shellcheck disable=SC2086
abidiff --no-added-syms $hdrs "$base" "$so" > abidiff.out 2>&1
rc=$?
# shellcheck disable=SC2086
abidiff $hdrs "$base" "$so" > abidiff-full.out 2>&1
set -e
cat abidiff-full.out
# with added symbols ignored, any change left (bit 2, 4: a changed type
# or function; bit 3, 8: incompatible) breaks users; bits 0-1: abidiff failed
if [ $((rc & 12)) -ne 0 ] || [ $((rc & 3)) -ne 0 ]; then
	echo "FAIL: incompatible ABI change against $base (abidiff exit $rc)"
	exit 1
fi
echo "ABI compatible with the baseline (abidiff exit $rc)"
