#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: three namespaces on tap vNICs. Two in one port group ping
# each other; the third, on a port group with another VLAN, is unreachable.
# The switch runs from a host's own poll(2) loop over vsw_switch_fd().
. "$(dirname "$0")/netns-lib.sh"

netns "${P}n1"; netns "${P}n2"; netns "${P}n3"
start_switch --host-loop --pg A=0 --pg B=20 \
	--vnic "A/vm1=tap:${P}a" --vnic "A/vm2=tap:${P}b" --vnic "B/vm3=tap:${P}c"
in_ns "${P}n1" "${P}a" 10.77.1.1/24
in_ns "${P}n2" "${P}b" 10.77.1.2/24
in_ns "${P}n3" "${P}c" 10.77.1.3/24

info "same port group: ping 10.77.1.2"
ip netns exec "${P}n1" ping -c 3 -i 0.2 -W 2 10.77.1.2 || fail "no reply within the port group"
info "other VLAN: 10.77.1.3 must not answer"
if ip netns exec "${P}n1" ping -c 2 -i 0.2 -W 1 10.77.1.3 >/dev/null; then
	fail "a ping crossed VLANs"
fi
stop_switch
cat "$TMP/counters"
[ "$(counter vm2 tx_packets)" -ge 3 ] || fail "vm2 tx_packets"
[ "$(counter vm3 tx_packets)" -eq 0 ] || fail "vm3 received frames from another VLAN"
[ "$(counter vm1 rx_packets)" -ge 5 ] || fail "vm1 rx_packets"
echo PASS
