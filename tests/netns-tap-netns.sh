#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the tap backend in a named network namespace
# (tap:NAME,netns=NS): the tap is made inside NS and never in the root
# namespace; 'existing' on a missing tap fails and makes none; a tap made
# with `ip tuntap add` in NS is adopted (same ifindex, no second tap); a
# name held by a veth or a tun is refused; 'new' refuses an existing tap;
# 'persist' keeps the tap through a SIGKILL of the switch, the next run
# adopts it (same ifindex and MAC), and vsw_backend_set_persist(0) before
# the close takes it away. Frames cross: two namespaces whose taps were
# made with netns= ping each other through one switch.
. "$(dirname "$0")/netns-lib.sh"

N1="${P}n1"; N2="${P}n2"
netns "$N1"; netns "$N2"

# has NS IF: the interface exists in NS ("" for the root namespace)
has() { if [ -n "$1" ]; then ip -n "$1" link show "$2" >/dev/null 2>&1; else ip link show "$2" >/dev/null 2>&1; fi; }
ifindex() { ip -n "$1" -o link show "$2" | cut -d: -f1; }
# taps_named NAME: how many interfaces of that name in N1, N2 and the root
taps_named() {
	local n=0
	for ns in "$N1" "$N2" ""; do has "$ns" "$1" && n=$((n + 1)); done
	echo $n
}
# once ARGS...: a switch that starts, attaches and stops at once; its exit
# status, its log in $TMP/once.log
once() { timeout 20 "$B/tests/netns-switch" --duration 0 --pg A=0 "$@" >/dev/null 2>"$TMP/once.log"; }

info "existing, but no such tap: refused, nothing made"
if once --uplink "up0=tap:${P}a,netns=$N1,existing"; then fail "'existing' opened a missing tap"; fi
grep -q "no such tap in netns $N1 and 'existing' was asked" "$TMP/once.log" ||
	{ cat "$TMP/once.log"; fail "no log line for the missing tap"; }
[ "$(taps_named "${P}a")" -eq 0 ] || fail "'existing' made a tap"
# the options string takes it too
if once --uplink "up0=tap:${P}a:netns=$N1,existing"; then fail "'existing' (options) opened a missing tap"; fi
[ "$(taps_named "${P}a")" -eq 0 ] || fail "'existing' (options) made a tap"
if once --uplink "up0=tap:${P}a,netns=${P}none"; then fail "a missing namespace was accepted"; fi

info "a name held by a veth or a tun is not a tap"
ip -n "$N1" link add "${P}v" type veth peer name "${P}w" || fail "veth"
ip -n "$N1" tuntap add "${P}t" mode tun || fail "tun"
for dev in "${P}v" "${P}t"; do
	if once --uplink "up0=tap:$dev,netns=$N1"; then fail "$dev attached as a tap"; fi
	grep -q "tap $dev: the name is taken by a device that is not a tap" "$TMP/once.log" ||
		{ cat "$TMP/once.log"; fail "no log line for $dev"; }
	has "" "$dev" && fail "$dev appeared in the root namespace"
done

info "adopting a tap made with ip tuntap in $N1"
ip -n "$N1" tuntap add "${P}c" mode tap || fail "tuntap add"
idx=$(ifindex "$N1" "${P}c")
if once --uplink "up0=tap:${P}c,netns=$N1,new"; then fail "'new' took an existing tap"; fi
grep -q "exists (ifindex $idx) and 'new' was asked" "$TMP/once.log" || fail "no log line for 'new'"
start_switch --host-loop --pg A=0 --vnic "A/vm1=tap:${P}c,netns=$N1,existing"
grep -q "vm1: attached to a tap backend: adopted tap ${P}c (ifindex $idx) in netns $N1" "$SWLOG" ||
	fail "adoption not logged"
[ "$(ifindex "$N1" "${P}c")" = "$idx" ] || fail "the tap's ifindex changed"
[ "$(taps_named "${P}c")" -eq 1 ] || fail "a second tap ${P}c appeared"
stop_switch
has "$N1" "${P}c" || fail "the adopted tap (persistent, ip tuntap's) went with the switch"
ip -n "$N1" link del "${P}c"

info "taps made in $N1 and $N2 with netns=: ping through the switch"
start_switch --host-loop --pg A=0 --vnic "A/vm1=tap:${P}a,netns=$N1" \
	--vnic "A/vm2=tap:${P}b:netns=$N2,new"
{ has "$N1" "${P}a" && has "$N2" "${P}b"; } || fail "the taps are not in their namespaces"
{ has "" "${P}a" || has "" "${P}b"; } && fail "a tap appeared in the root namespace"
grep -q "vm1: attached to a tap backend: created tap ${P}a (ifindex [0-9]*) in netns $N1" "$SWLOG" ||
	fail "creation not logged"
ip -n "$N1" addr add 10.78.1.1/24 dev "${P}a"
ip -n "$N2" addr add 10.78.1.2/24 dev "${P}b"
ip netns exec "$N1" ping -c 3 -i 0.2 -W 2 10.78.1.2 || fail "no ping between the namespaces"
stop_switch
[ "$(counter vm1 tx_packets)" -ge 3 ] || fail "vm1 tx_packets"
[ "$(counter vm2 tx_packets)" -ge 3 ] || fail "vm2 tx_packets"
{ has "$N1" "${P}a" || has "$N2" "${P}b"; } && fail "created taps outlived the switch"

info "persist: the tap outlives a SIGKILL, is adopted again, then set_persist(0) ends it"
mac=02:00:00:00:78:01
bg "$B/tests/netns-switch" --duration 30 --ready "$TMP/ready1" --pg A=0 \
	--vnic "A/vm1=tap:${P}d,netns=$N1,persist:mac=$mac" >/dev/null 2>"$TMP/sw1.log"
wait_for 10 test -e "$TMP/ready1" || { cat "$TMP/sw1.log"; fail "the persist switch did not start"; }
idx=$(ifindex "$N1" "${P}d")
grep -q "created tap ${P}d (ifindex $idx) in netns $N1, persistent" "$TMP/sw1.log" ||
	{ cat "$TMP/sw1.log"; fail "persistence not logged"; }
kill -9 "$LASTPID"; wait "$LASTPID" 2>/dev/null
has "$N1" "${P}d" || fail "the persistent tap died with the switch"
[ "$(ifindex "$N1" "${P}d")" = "$idx" ] || fail "the persistent tap changed"
has "" "${P}d" && fail "the persistent tap moved to the root namespace"
start_switch --host-loop --unpersist --pg A=0 --vnic "A/vm1=tap:${P}d,netns=$N1,existing"
grep -q "adopted tap ${P}d (ifindex $idx) in netns $N1" "$SWLOG" || fail "the persistent tap not adopted"
[ "$(mac_of "$N1" "${P}d")" = "$mac" ] || fail "the adopted tap lost its MAC"
[ "$(taps_named "${P}d")" -eq 1 ] || fail "a second tap ${P}d appeared"
stop_switch
has "$N1" "${P}d" && fail "set_persist(0) and close left the tap"
echo PASS
