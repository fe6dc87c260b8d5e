#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: every global symbol of the static library starts with vsw_
# (internal cross-file helpers use the reserved vsw__ prefix).
set -eu
a="$top_builddir/libvsw/.libs/libvsw.a"
[ -e "$a" ] || { echo "no static library, skipping"; exit 77; }
# (a sanitizer build adds its own __odr_asan.* symbols)
bad=$(${NM:-nm} --defined-only "$a" | awk 'NF == 3 && $2 ~ /^[TDBRCGS]$/ {print $3}' | grep -v '^vsw_' | grep -v '^__odr_asan' || true)
if [ -n "$bad" ]; then echo "global symbols leaking from libvsw.a:"; echo "$bad"; exit 1; fi
echo "static library OK"
