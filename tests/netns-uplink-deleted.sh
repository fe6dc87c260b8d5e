#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the uplink's interface is deleted under traffic. The switch
# keeps running, marks the uplink down, counts the errors, and does not spin
# (its CPU time stays low).
. "$(dirname "$0")/netns-lib.sh"

netns "${P}h1"; netns "${P}ph"
veth "${P}u" "${P}p"
in_ns "${P}ph" "${P}p" 10.77.30.2/24
start_switch --pg pg=0 --uplink "vmnic0=afpacket:${P}u" --vnic "pg/vm1=tap:${P}t"
in_ns "${P}h1" "${P}t" 10.77.30.1/24
wait_for 5 ip netns exec "${P}h1" ping -c 1 -W 1 10.77.30.2 || fail "no connectivity"
bg ip netns exec "${P}h1" ping -q -c 400 -i 0.01 -W 1 10.77.30.2
sleep 1
info "deleting the uplink's interface under traffic"
ip link del "${P}u"
LINKS=""
sleep 1
kill -0 "$SWPID" || fail "the switch died"
ticks() { awk '{print $14 + $15}' "/proc/$SWPID/stat"; }
t0=$(ticks); sleep 2; t1=$(ticks)
hz=$(getconf CLK_TCK)
echo "switch CPU over 2 s: $(( (t1 - t0) * 1000 / hz )) ms"
[ $(( (t1 - t0) * 1000 / hz )) -lt 500 ] || fail "the switch is spinning"
stop_switch
cat "$TMP/counters"
drops=$(( $(counter vm1 no_uplink) + $(counter vmnic0 tx_errors) + $(counter vmnic0 rx_errors) ))
[ "$drops" -gt 0 ] || fail "nothing counted"
echo PASS
