#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the in-memory demo builds a switch and prints it like esxcfg-vswitch -l.
set -eu
out=$("$top_builddir/examples/vsw-demo")
echo "$out"
echo "$out" | grep -q '^vSwitch0 '
echo "$out" | grep -q 'Management Network *10 *1 *vmnic1 / vmnic0'
echo "$out" | grep -q 'Trunk *4095'
echo "$out" | grep -q '^  promiscuous .* 1 (set)'
