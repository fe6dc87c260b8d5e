#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the shared library exports exactly the names in libvsw.map.
set -eu
so=$(ls "$top_builddir"/libvsw/.libs/libvsw.so.*.*.* | head -n1)
exported=$(${NM:-nm} -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | sort -u)
mapped=$(sed '/\/\*/,/\*\//d' "$top_srcdir/libvsw/libvsw.map" | grep -oE 'vsw_[a-z0-9_]+' | sort -u)
bad=$(printf '%s\n' "$exported" | grep -v '^vsw_' || true)
if [ -n "$bad" ]; then echo "exported symbols without the vsw_ prefix: $bad"; exit 1; fi
if [ "$exported" != "$mapped" ]; then
	echo "exports and libvsw.map differ (< exported, > map):"
	diff <(printf '%s\n' "$exported") <(printf '%s\n' "$mapped") || true
	exit 1
fi
# every function the public headers declare is exported, and nothing else
declared=$(grep -hoE '^VSW_API [^(]*[ *]vsw_[a-z0-9_]+\(' "$top_srcdir"/include/*.h | grep -oE 'vsw_[a-z0-9_]+\($' | tr -d '(' | sort -u)
if [ "$declared" != "$mapped" ]; then
	echo "declared API and libvsw.map differ:"
	diff <(printf '%s\n' "$declared") <(printf '%s\n' "$mapped") || true
	exit 1
fi
echo "exports OK: $(printf '%s\n' "$exported" | wc -l) symbols"

