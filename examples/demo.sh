#!/bin/bash
# SPDX-License-Identifier: MIT
# The libvsw demo: vswd carries real traffic between two network namespaces.
#
# Creates namespaces vswdemo<PID>-a and -b, starts vswd with a port group,
# attaches each namespace through a tap vNIC, pings across, prints
# "vswctl list" and "vswctl stats", and removes everything it created on
# exit, even when interrupted. Run as root from the source tree after a
# build (./quickstart demo does both).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/examples"
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates namespaces and taps)"; exit 1; }
[ -x "$bin/vswd" ] || { echo "demo: build first (./quickstart demo)"; exit 1; }

P="vswdemo$$"
TMP=$(mktemp -d)
SOCK="$TMP/vswd.sock"
VSWD_PID=""
cleanup() {
	set +e
	[ -n "$VSWD_PID" ] && kill "$VSWD_PID" 2>/dev/null && wait "$VSWD_PID" 2>/dev/null
	ip netns del "$P-a" 2>/dev/null
	ip netns del "$P-b" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ctl() { echo "\$ vswctl $*"; "$bin/vswctl" -s "$SOCK" "$@"; }

echo "== starting vswd (control socket $SOCK)"
"$bin/vswd" -f -s "$SOCK" &
VSWD_PID=$!
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

echo "== building vSwitch0 with vswctl"
ctl vswitch add vSwitch0
ctl portgroup add vSwitch0 "VM Network"
ctl vnic add vSwitch0 "VM Network" vm1 --mac 00:50:56:00:00:01 --backend "tap:$P-1"
ctl vnic add vSwitch0 "VM Network" vm2 --mac 00:50:56:00:00:02 --backend "tap:$P-2"

echo "== two namespaces, one behind each vNIC"
for side in a:1:10.99.0.1 b:2:10.99.0.2; do
	IFS=: read -r ns n ip <<<"$side"
	ip netns add "$P-$ns"
	ip -n "$P-$ns" link set lo up
	ip link set "$P-$n" netns "$P-$ns"
	ip -n "$P-$ns" addr add "$ip/24" dev "$P-$n"
	ip -n "$P-$ns" link set "$P-$n" up
done

echo "== ping from $P-a (10.99.0.1) to $P-b (10.99.0.2) through the switch"
ip netns exec "$P-a" ping -c 4 -i 0.3 -W 2 10.99.0.2

echo
ctl list
echo
ctl stats vSwitch0
echo
echo "== done; everything the demo created is removed on exit"
