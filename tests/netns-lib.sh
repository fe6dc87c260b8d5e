# SPDX-License-Identifier: MIT
# Description: shared helpers of the network-namespace integration tests.
#
# Every name a test creates (namespaces, interfaces, files) carries the
# prefix $P = vsw<PID>, so that parallel runs never meet; everything is
# removed on exit, whatever the exit, and only processes this test started
# are killed, by PID. Traffic stays between the namespaces and interfaces
# the test made. Not root: exit 77 (automake's SKIP).

[ -z "${VSW_SKIP_NETNS:-}" ] || { echo "SKIP: VSW_SKIP_NETNS is set"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for tool in ip ping; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
ip netns add "vswprobe$$" 2>/dev/null || { echo "SKIP: no network namespaces"; exit 77; }
ip netns del "vswprobe$$"

P="vsw$$"
TMP=$(mktemp -d "/tmp/$P.XXXXXX")
PIDS=""
NETNS=""
LINKS=""
B="${top_builddir:-.}"

cleanup() {
	set +e
	for pid in $PIDS; do kill "$pid" 2>/dev/null; done
	sleep 0.2
	for pid in $PIDS; do kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
	for ns in $NETNS; do ip netns del "$ns" 2>/dev/null; done
	for l in $LINKS; do ip link del "$l" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() { echo "FAIL: $*"; [ -n "${SWLOG:-}" ] && [ -f "$SWLOG" ] && tail -20 "$SWLOG"; exit 1; }
info() { echo "== $*"; }

# netns NAME: a namespace with its loopback up
netns() { ip netns add "$1" && NETNS="$NETNS $1" && ip -n "$1" link set lo up; }
# veth A B: a veth pair in the root namespace, offloads off (a software
# switch cannot forward the kernel's GSO super-frames)
veth() {
	ip link add "$1" type veth peer name "$2" || return 1
	LINKS="$LINKS $1"
	no_offload "$1"; no_offload "$2"
}
no_offload() {
	command -v ethtool >/dev/null && ethtool -K "$1" tx off tso off gso off gro off >/dev/null 2>&1
	return 0
}
# in_ns NS IF ADDR: move IF into NS, address it, bring it up
in_ns() {
	ip link set "$2" netns "$1" && ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	return 0
}
# bg CMD...: start a process we own, remember its PID in $LASTPID
bg() { "$@" & LASTPID=$!; PIDS="$PIDS $LASTPID"; }
# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
	local t=$(( $1 * 10 )); shift
	while [ $t -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; t=$((t - 1)); done
	return 1
}
# start_switch ARGS...: run tests/netns-switch, wait until it is ready
start_switch() {
	SWLOG="$TMP/switch.log"
	rm -f "$TMP/ready" # an earlier switch's
	bg timeout 120 "$B/tests/netns-switch" --duration 100 --ready "$TMP/ready" "$@" >"$TMP/counters" 2>"$SWLOG"
	SWPID=$LASTPID
	wait_for 10 test -e "$TMP/ready" || fail "switch did not start"
}
# stop_switch: SIGTERM; its counters land in $TMP/counters
stop_switch() {
	kill -TERM "$SWPID" 2>/dev/null
	wait "$SWPID" 2>/dev/null
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v "^$SWPID$" | tr '\n' ' ')
}
# counter PORT NAME: a counter from the switch's exit report
counter() { awk -v p="$1" -v c="$2" '$1 == p && $2 == c {print $3; f=1} END {if (!f) print 0}' "$TMP/counters"; }
# mac_of NS IF
mac_of() { ip -n "$1" link show "$2" | awk '/link\/ether/ {print $2}'; }
