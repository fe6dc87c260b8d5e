#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: iperf3 TCP for 5 s between two namespaces on tap vNICs
# through the switch; the rate must be sensible (over 100 Mbit/s).
. "$(dirname "$0")/netns-lib.sh"
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 missing"; exit 77; }

netns "${P}n1"; netns "${P}n2"
start_switch --pg A=0 --vnic "A/vm1=tap:${P}a" --vnic "A/vm2=tap:${P}b"
in_ns "${P}n1" "${P}a" 10.77.2.1/24
in_ns "${P}n2" "${P}b" 10.77.2.2/24
bg ip netns exec "${P}n2" timeout 30 iperf3 -s -1 -B 10.77.2.2 -p 5201
sleep 0.5
ip netns exec "${P}n2" true
wait_for 5 ip netns exec "${P}n1" ping -c 1 -W 1 10.77.2.2 || fail "no connectivity"
ip netns exec "${P}n1" timeout 30 iperf3 -c 10.77.2.2 -p 5201 -t 5 -J >"$TMP/iperf.json" || fail "iperf3"
bps=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$TMP/iperf.json")
echo "TCP through the switch: $((bps / 1000000)) Mbit/s"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s"
stop_switch
echo PASS
