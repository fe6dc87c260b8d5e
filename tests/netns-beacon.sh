#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: beacon probing on real interfaces. vswd has three uplinks
# (AF_PACKET on veths) into a Linux bridge, the physical switch, in a
# namespace of its own, with a host behind the bridge; a vNIC (tap) in
# another namespace pings the host all along. Then vmnic0, which carries the
# vNIC, is cut off with its link up: its veth's far end leaves the bridge.
# Beacon probing must fail it 3 to 4 seconds later (the time is measured and
# printed), move the vNIC with a RARP so that the pings answer again, show
# it in vswctl list, and no beacon may ever reach the vNIC (tcpdump on the
# vNIC's side), while the bridge does carry them (tcpdump there, as a
# control). Joining the bridge again, vmnic0 recovers and takes the vNIC
# back.
. "$(dirname "$0")/netns-lib.sh"
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

VSWD="$B/examples/vswd"
CTL="$B/examples/vswctl"
SOCK="$TMP/vswd.sock"
ctl() { "$CTL" -s "$SOCK" "$@"; }
# state UPLINK: its "state" in vswctl --json list (cheap enough to poll)
state() {
	ctl --json list | grep -o "\"name\": \"$1\", \"link\": \"[a-z]*\", \"state\": \"[a-z-]*\"" |
		sed 's/.*"state": "//; s/"$//'
}
now() { date +%s.%N; }

netns "${P}ph"; netns "${P}h1"; netns "${P}h2"
ip -n "${P}ph" link add "${P}br" type bridge
for i in 0 1 2; do
	veth "${P}u$i" "${P}p$i" || fail "veth"
	ip link set "${P}p$i" netns "${P}ph" && ip -n "${P}ph" link set "${P}p$i" master "${P}br" up
done
veth "${P}g" "${P}h" || fail "veth"
ip link set "${P}g" netns "${P}ph" && ip -n "${P}ph" link set "${P}g" master "${P}br" up
ip -n "${P}ph" link set "${P}br" up
in_ns "${P}h2" "${P}h" 10.77.30.2/24

info "vswd: three uplinks, beacon probing, a vNIC"
SWLOG="$TMP/vswd.log"
bg timeout 120 "$VSWD" -f -v -s "$SOCK" 2>"$SWLOG"
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
ctl vswitch add vSwitch0 --beacon-interval 500 || fail "vswitch add"
ctl vswitch set vSwitch0 --beacon-interval 1000 || fail "vswitch set"
for i in 0 1 2; do
	ctl uplink add vSwitch0 "vmnic$i" --backend "afpacket:${P}u$i" || fail "uplink add vmnic$i"
done
ctl portgroup add vSwitch0 pg || fail "portgroup add"
ctl policy set vSwitch0 pg failure_detection=beacon || fail "policy set"
ctl vnic add vSwitch0 pg vm1 --backend "tap:${P}t" || fail "vnic add"
in_ns "${P}h1" "${P}t" 10.77.30.1/24
vmmac=$(mac_of "${P}h1" "${P}t")
u0mac=$(ip link show "${P}u0" | awk '/link\/ether/ {print $2}')

# beacons are watched on the vNIC's side, where none may arrive, and on
# the bridge's side of vmnic1, where they must
bg ip netns exec "${P}h1" timeout 40 tcpdump -l -n -e -i "${P}t" \
	'ether proto 0x05ff or (vlan and ether proto 0x05ff)' >"$TMP/vnic.cap" 2>"$TMP/vnic.err"
bg ip netns exec "${P}ph" timeout 40 tcpdump -l -n -e -i "${P}p1" \
	'ether proto 0x05ff or (vlan and ether proto 0x05ff)' >"$TMP/wire.cap" 2>"$TMP/wire.err"
wait_for 5 grep -q "listening" "$TMP/vnic.err" || fail "tcpdump on the vNIC side did not start"
wait_for 5 grep -q "listening" "$TMP/wire.err" || fail "tcpdump on the wire did not start"

wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.30.2 || fail "no connectivity"
bg ip netns exec "${P}h1" ping -n -D -i 0.2 -W 1 -c 120 10.77.30.2 >"$TMP/ping.log"
PINGPID=$LASTPID
# beacons_ok: every uplink's beacon state ok, at the interval set
beacons_ok() {
	ctl --json list | python3 -c 'import json, sys
sw = json.load(sys.stdin)["vswitches"][0]
assert sw["beacon_interval_ms"] == 1000, sw
assert all(u["beacon"] == "ok" and u["beacon_vlans"] == {"0": "ok"} for u in sw["uplinks"]), sw'
}
# beacon_rx UPLINK: its beacon_rx counter
beacon_rx() { ctl stats --all vSwitch0 "$1" | awk '$1 == "beacon_rx" {print $2}'; }
rx_at_least() { [ "$(beacon_rx "$1")" -ge "$2" ]; }
wire_has_u0() { grep -q "$u0mac > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x05ff)" "$TMP/wire.cap"; }
is_up() { [ "$(state "$1")" = up ]; }
wait_for 10 is_up vmnic0 || fail "vmnic0 is $(state vmnic0) before the cut"
wait_for 10 beacons_ok || { beacons_ok; fail "beacon state before the cut"; }
wait_for 10 wire_has_u0 || { head -5 "$TMP/wire.cap"; fail "no beacon from vmnic0's interface on the bridge"; }
wait_for 10 rx_at_least vmnic0 4 || fail "vmnic0 hears nothing (beacon_rx $(beacon_rx vmnic0))"

info "vmnic0's veth leaves the bridge: link up, no frames"
t0=$(now)
ip -n "${P}ph" link set "${P}p0" nomaster
ip link show "${P}u0" | grep -q "LOWER_UP" || fail "vmnic0's link went down: not the test"
t1=""
for _ in $(seq 60); do
	if [ "$(state vmnic0)" = beacon-failed ]; then t1=$(now); break; fi
	sleep 0.1
done
[ -n "$t1" ] || fail "vmnic0 not failed by beacons within 6 s"
took=$(echo "$t1 $t0" | awk '{printf "%.2f", $1 - $2}')
echo "detection took $took s (beacon interval 1 s, 3 silent intervals)"
# 3 silent intervals, up to one more until the interval that notices, and
# the polling of this loop (slow under the sanitizers on a busy machine)
awk -v t="$took" 'BEGIN {exit !(t >= 2.8 && t <= 5.0)}' || fail "detection took $took s, not 3-5 s"
grep -q "VLAN 0: vmnic0 hears no other uplink for 3 intervals" "$SWLOG" || fail "no log of the failure"
ctl list | tee "$TMP/list"
grep -q "vmnic0(beacon-failed),vmnic1,vmnic2" "$TMP/list" || fail "list does not show it"
grep -q "beacon probing every 1000 ms" "$TMP/list" || fail "list: no interval"

info "the vNIC moved to vmnic2 with a RARP; pings answer again"
wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.30.2 || fail "no connectivity after failover"
ip netns exec "${P}h1" ping -c 5 -i 0.2 -W 1 10.77.30.2 >/dev/null || fail "pings lost after failover"
[ "$(ctl stats --all vSwitch0 vmnic2 | awk '$1 == "rarp_sent" {print $2}')" -ge 1 ] || fail "no RARP on vmnic2"
[ "$(state vmnic1)" = up ] && [ "$(state vmnic2)" = up ] || fail "the others are not up"

info "back on the bridge: vmnic0 recovers within two intervals, the vNIC fails back"
ip -n "${P}ph" link set "${P}p0" master "${P}br"
for _ in $(seq 30); do [ "$(state vmnic0)" = up ] && break; sleep 0.1; done
[ "$(state vmnic0)" = up ] || fail "vmnic0 is $(state vmnic0) 3 s after it joined again"
wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.30.2 || fail "no connectivity after failback"
grep -q "vmnic0 hears the team again (was failed)" "$SWLOG" || fail "no log of the recovery"
[ "$(ctl stats --all vSwitch0 vmnic0 | awk '$1 == "rarp_sent" {print $2}')" -ge 2 ] || fail "no RARP on failback"

kill "$PINGPID" 2>/dev/null; wait "$PINGPID" 2>/dev/null
# the outage the continuous ping saw: the longest gap between replies
gap=$(awk -F'[][]' '/bytes from/ {if (last) {g = $2 - last; if (g > max) max = g}; last = $2}
	END {printf "%.1f", max}' "$TMP/ping.log")
echo "longest gap between ping replies: $gap s"
awk -v g="$gap" 'BEGIN {exit !(g < 6)}' || fail "pings were out for $gap s"

info "no beacon reached the vNIC; the wire carried them"
# tcpdump -l writes each frame as it sees it; the beacons go on, so a
# short run gets its 20 on the wire a little later
wire_beacons() { grep -c "ethertype Unknown (0x05ff)" "$TMP/wire.cap"; }
wire_at_least() { [ "$(wire_beacons)" -ge "$1" ]; }
wait_for 10 wire_at_least 20
sleep 1 # and one more interval for any that were headed for the vNIC
if [ -s "$TMP/vnic.cap" ]; then head -8 "$TMP/vnic.cap"; fail "beacons reached the vNIC"; fi
n=$(wire_beacons)
echo "beacons seen on vmnic1's bridge port: $n; on the vNIC ($vmmac): 0"
[ "$n" -ge 20 ] || fail "too few beacons on the wire ($n)"
ctl stats vSwitch0 vmnic0 | grep beacon
echo PASS
