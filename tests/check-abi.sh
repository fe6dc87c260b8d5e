#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the built library's ABI against the committed baseline
# (abi/libvsw.abi, made by libabigail's abidw), for every version node.
#  1. Coverage: the baseline holds every function of libvsw.map, each in
#     its node, and its newest node is the map's newest. A new node, or a
#     function added to a node, fails here until the baseline is refreshed
#     on purpose (README, "Refreshing the ABI baseline": make abi-baseline).
#  2. Compatibility: abidiff finds no removed or changed function and no
#     changed type reachable from one, whatever node it belongs to. A
#     member added at the end of a size-versioned struct (vsw_switch_opts...)
#     is compatible, but fails here too: refresh with ABI_FORCE=1 (README).
# The public headers are given to abidiff, so that it judges only the types
# users see: the opaque structs behind the handles (libvsw/core/objects.h) change at
# will, and their DWARF would otherwise read as an ABI break.
# VSW_ABI_COMPAT_ONLY=1 checks compatibility alone (make abi-baseline does,
# before it replaces the baseline).
set -eu
command -v abidiff >/dev/null || { echo "SKIP: abidiff missing (abigail-tools)"; exit 77; }
so=$(ls "$top_builddir"/libvsw/.libs/libvsw.so.*.*.* | head -n1)
base="$top_srcdir/abi/libvsw.abi"
map="$top_srcdir/libvsw/libvsw.map"
[ -e "$base" ] || { echo "no baseline $base: run make abi-baseline"; exit 1; }
rc=0

# 1. coverage: "NODE SYMBOL" pairs of the map and of the baseline
awk '/^LIBVSW_[0-9.]+ *\{/ { node = $1 }
     node && /^[ \t]+vsw_[a-z0-9_]+;/ { s = $1; sub(";", "", s); print node, s }
     /^\}/ { node = "" }' "$map" | sort > map-syms.out
sed -n "s/.*<elf-symbol name='\(vsw_[a-z0-9_]*\)' version='\(LIBVSW_[0-9.]*\)'.*/\2 \1/p" "$base" |
	sort > base-syms.out
map_newest=$(grep -oE '^LIBVSW_[0-9.]+' "$map" | tail -n1)
base_newest=$(cut -d' ' -f1 base-syms.out | sort -u -V | tail -n1)
if [ "${VSW_ABI_COMPAT_ONLY:-0}" != 1 ]; then
	if [ "$base_newest" != "$map_newest" ]; then
		echo "FAIL: the baseline's newest node is ${base_newest:-none}, libvsw.map's is $map_newest:"
		echo "      check that the ABI is compatible, then refresh it (make abi-baseline)"
		rc=1
	fi
	missing=$(comm -23 map-syms.out base-syms.out)
	if [ -n "$missing" ]; then
		echo "FAIL: in libvsw.map but not in the baseline (node function):"
		echo "$missing" | sed 's/^/      /'
		echo "      check that the ABI is compatible, then refresh it (make abi-baseline)"
		rc=1
	fi
fi

# 2. compatibility. The library's debug information also describes the
# private structs behind the opaque handles (struct vsw_port...), whose
# layout users never see; the header directories limit the comparison to
# the types the public headers define (vsw_version.h is generated in the
# build tree).
hdrs="--hd1 $top_srcdir/include --hd2 $top_srcdir/include --hd2 $top_builddir/include"
set +e
# shellcheck disable=SC2086
abidiff --no-added-syms $hdrs "$base" "$so" > abidiff.out 2>&1
arc=$?
# shellcheck disable=SC2086
abidiff $hdrs "$base" "$so" > abidiff-full.out 2>&1
set -e
cat abidiff-full.out
# with added symbols ignored, any change left (bit 2, 4: a changed type
# or function; bit 3, 8: incompatible) breaks users; bits 0-1: abidiff failed
if [ $((arc & 12)) -ne 0 ] || [ $((arc & 3)) -ne 0 ]; then
	echo "FAIL: incompatible ABI change against $base (abidiff exit $arc)"
	exit 1
fi
echo "ABI compatible with the baseline (abidiff exit $arc; nodes up to $base_newest)"
exit $rc
