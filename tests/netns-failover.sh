#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: active/standby uplinks on two veths into a Linux bridge (the
# physical switch) with a host behind it. The active uplink's interface is
# set down: the vNIC moves to the standby, pings resume, and the RARP for
# the vNIC's MAC is seen on the standby's wire.
. "$(dirname "$0")/netns-lib.sh"
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump missing"; exit 77; }

netns "${P}h1"; netns "${P}ph"; netns "${P}h2"
veth "${P}u0" "${P}p0"
veth "${P}u1" "${P}p1"
veth "${P}g" "${P}h"
ip -n "${P}ph" link add "${P}br" type bridge
for l in "${P}p0" "${P}p1" "${P}g"; do
	ip link set "$l" netns "${P}ph" && ip -n "${P}ph" link set "$l" master "${P}br" up
done
ip -n "${P}ph" link set "${P}br" up
in_ns "${P}h2" "${P}h" 10.77.20.2/24
start_switch --pg pg=0 --uplink "vmnic0=afpacket:${P}u0" --uplink "vmnic1=afpacket:${P}u1" \
	--vnic "pg/vm1=tap:${P}t" --team pg=vmnic0/vmnic1
in_ns "${P}h1" "${P}t" 10.77.20.1/24
vmmac=$(mac_of "${P}h1" "${P}t")

info "through the active uplink vmnic0"
wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.20.2 || fail "no connectivity"
bg ip netns exec "${P}ph" timeout 20 tcpdump -l -e -n -i "${P}p1" -c 1 ether proto 0x8035 >"$TMP/rarp" 2>/dev/null
sleep 1
info "vmnic0's interface goes down"
ip link set "${P}u0" down
wait_for 5 grep -q -i "$vmmac" "$TMP/rarp" || { cat "$TMP/rarp"; fail "no RARP on the standby's wire"; }
cat "$TMP/rarp"
grep -qi "Reverse Request" "$TMP/rarp" || grep -qi "rarp" "$TMP/rarp" || fail "not a RARP"
info "pings resume through vmnic1"
wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.20.2 || fail "no connectivity after failover"
ip netns exec "${P}h1" ping -c 3 -i 0.2 -W 1 10.77.20.2 || fail "pings lost after failover"
stop_switch
cat "$TMP/counters"
[ "$(counter vmnic1 rarp_sent)" -ge 1 ] || fail "vmnic1 rarp_sent"
[ "$(counter vmnic1 tx_packets)" -ge 3 ] || fail "vmnic1 carried no traffic"
echo PASS
