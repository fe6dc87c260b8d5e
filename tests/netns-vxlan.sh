#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the vxlan backend against the Linux kernel's vxlan device.
# Two hosts (namespaces) on a veth underlay: host A's VTEP is a libvsw
# switch's vxlan uplink (its socket opened in A's namespace with netns=),
# port group VLAN 10 carried in VNI 10, with a tap vNIC into VM namespace
# VA; host B is only the kernel: a vxlan device (VNI 10, nolearning, its
# flood entry pointing at A) in a Linux bridge with a veth into VM
# namespace VB. VA and VB ping each other both ways; tcpdump on A's
# underlay sees VXLAN of VNI 10 and of no other VNI, inner frames untagged,
# and a 1400-byte ping fits the 1500-byte underlay; the switch counted no
# VXLAN drop.
. "$(dirname "$0")/netns-lib.sh"
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump missing"; exit 77; }
command -v bridge >/dev/null || { echo "SKIP: bridge (iproute2) missing"; exit 77; }

HA="${P}ha"; HB="${P}hb"; VA="${P}va"; VB="${P}vb"
for ns in "$HA" "$HB" "$VA" "$VB"; do netns "$ns" || fail "netns $ns"; done
A_ADDR=10.199.0.1; B_ADDR=10.199.0.2

info "the underlay: $HA ($A_ADDR) <-> $HB ($B_ADDR)"
veth "${P}ua" "${P}ub" || fail "underlay veth"
in_ns "$HA" "${P}ua" "$A_ADDR/24"
in_ns "$HB" "${P}ub" "$B_ADDR/24"
ip netns exec "$HA" ping -c 1 -W 2 "$B_ADDR" >/dev/null || fail "the underlay does not carry"

info "host B: the kernel's vxlan device, VNI 10, in a bridge with VM $VB"
ip -n "$HB" link add vx0 type vxlan id 10 dstport 4789 local "$B_ADDR" nolearning ||
	{ echo "SKIP: no vxlan device in this kernel"; exit 77; }
bridge -n "$HB" fdb append 00:00:00:00:00:00 dev vx0 dst "$A_ADDR" || fail "bridge fdb append"
ip -n "$HB" link add br0 type bridge || fail "bridge"
ip -n "$HB" link set vx0 master br0 && ip -n "$HB" link set vx0 up && ip -n "$HB" link set br0 up ||
	fail "vx0 in br0"
ip link add "${P}b0" type veth peer name "${P}b1" || fail "VM veth"
LINKS="$LINKS ${P}b0"
no_offload "${P}b0"; no_offload "${P}b1"
ip link set "${P}b0" netns "$HB" && ip -n "$HB" link set "${P}b0" master br0 &&
	ip -n "$HB" link set "${P}b0" up || fail "VM veth in br0"
in_ns "$VB" "${P}b1" 192.168.177.2/24
ip -n "$VB" link set "${P}b1" mtu 1450

info "host A: a libvsw switch, uplink vxlan:$A_ADDR in $HA, port group VLAN 10, a tap into $VA"
start_switch --pg web=10 --mtu 1450 \
	--uplink "vx=vxlan:$A_ADDR,netns=$HA,remote=$B_ADDR" \
	--vnic "web/vma=tap:${P}t,netns=$VA"
grep -q "vxlan: VTEP $A_ADDR port 4789 in netns $HA, 1 remote(s), underlay mtu 1500" "$SWLOG" ||
	{ cat "$SWLOG"; fail "the uplink's open was not logged"; }
ip -n "$VA" addr add 192.168.177.1/24 dev "${P}t" && ip -n "$VA" link set "${P}t" mtu 1450 up ||
	fail "VA's tap"

info "tcpdump on $HA's underlay"
ip netns exec "$HA" timeout 25 tcpdump -n -U -i "${P}ua" -w "$TMP/u.pcap" udp port 4789 \
	2>"$TMP/tcpdump.err" &
TDPID=$!; PIDS="$PIDS $TDPID"
wait_for 5 grep -q "listening on" "$TMP/tcpdump.err" || fail "tcpdump did not start"

info "the VMs ping each other across VXLAN"
ok=0
for _ in 1 2 3 4 5 6 7 8; do # ARP first: bounded, a ping waits 1 s at most
	ip netns exec "$VA" ping -c 1 -W 1 192.168.177.2 >/dev/null && { ok=1; break; }
done
[ $ok = 1 ] || fail "VA cannot reach VB"
ip netns exec "$VA" ping -c 3 -i 0.2 -W 1 192.168.177.2 >/dev/null || fail "VA -> VB lost pings"
ip netns exec "$VB" ping -c 3 -i 0.2 -W 1 192.168.177.1 >/dev/null || fail "VB -> VA lost pings"
# a ping with a 1400-byte payload: 1428 inner IP bytes, 1478 on the underlay
ip netns exec "$VB" ping -c 2 -i 0.2 -W 1 -s 1400 -M do 192.168.177.1 >/dev/null ||
	fail "large pings did not cross"
sleep 0.5
kill "$TDPID" 2>/dev/null; wait "$TDPID" 2>/dev/null

info "what the underlay carried"
tcpdump -n -r "$TMP/u.pcap" >"$TMP/u.txt" 2>/dev/null || fail "tcpdump -r"
n10=$(grep -c "VXLAN, flags \[I\] (0x08), vni 10$" "$TMP/u.txt")
nall=$(grep -c "VXLAN" "$TMP/u.txt")
echo "VXLAN datagrams: $nall, of VNI 10: $n10"
[ "$n10" -ge 12 ] || { head "$TMP/u.txt"; fail "too few VXLAN datagrams of VNI 10"; }
[ "$n10" -eq "$nall" ] || { grep VXLAN "$TMP/u.txt" | grep -v "vni 10$" | head; fail "VXLAN of another VNI"; }
grep -q "$A_ADDR.4789 > $B_ADDR.4789: VXLAN" "$TMP/u.txt" || fail "nothing from A to B's port 4789"
grep -q "> $A_ADDR.4789: VXLAN" "$TMP/u.txt" || fail "nothing from B to A"
grep -A1 "$A_ADDR.4789 > $B_ADDR.4789: VXLAN" "$TMP/u.txt" | grep -q "802.1Q" &&
	fail "an inner frame went out tagged"

stop_switch
grep -E "^vx vxlan_" "$TMP/counters" && fail "the uplink dropped VXLAN"
grep -qE "^vx rx_packets [1-9]" "$TMP/counters" || { cat "$TMP/counters"; fail "the uplink received nothing"; }
grep -qE "^vx tx_packets [1-9]" "$TMP/counters" || { cat "$TMP/counters"; fail "the uplink sent nothing"; }
echo "PASS: libvsw VTEP <-> kernel VTEP, VNI 10"
