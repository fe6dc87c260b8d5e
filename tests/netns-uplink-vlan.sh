#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: an uplink on a veth (backend given as $1: afpacket or raw)
# whose far end is "the physical network": a namespace with a user-space
# host on VLAN 10. A namespace on a VLAN 10 port group pings it, and a
# capture on the far end shows tag 10 on the wire.
. "$(dirname "$0")/netns-lib.sh"
MODE=${1:-afpacket}
command -v tcpdump >/dev/null || { echo "SKIP: tcpdump missing"; exit 77; }

netns "${P}h1"; netns "${P}ph"
veth "${P}u" "${P}p"
ip link set "${P}p" netns "${P}ph" && ip -n "${P}ph" link set "${P}p" up
start_switch --pg v10=10 --uplink "vmnic0=$MODE:${P}u" --vnic "v10/vm1=tap:${P}t"
in_ns "${P}h1" "${P}t" 10.77.10.1/24

bg ip netns exec "${P}ph" timeout 30 "$B/tests/vlan-responder" "${P}p" 10 10.77.10.2 02:00:00:77:10:02 25
bg ip netns exec "${P}ph" timeout 20 tcpdump -l -e -n -i "${P}p" -c 6 vlan 10 and icmp >"$TMP/tcpdump" 2>/dev/null
sleep 1
info "ping the VLAN 10 host through the $MODE uplink"
ip netns exec "${P}h1" ping -c 3 -i 0.3 -W 2 10.77.10.2 || fail "no reply over the uplink"
wait_for 5 grep -q "vlan 10" "$TMP/tcpdump"
cat "$TMP/tcpdump"
grep -q "802.1Q.*vlan 10" "$TMP/tcpdump" || fail "no tag 10 on the wire"
stop_switch
cat "$TMP/counters"
[ "$(counter vmnic0 tx_packets)" -ge 3 ] || fail "uplink tx_packets"
[ "$(counter vm1 tx_packets)" -ge 3 ] || fail "vm1 got no replies"
echo PASS
