#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: iperf3 TCP for 5 s between two namespaces on tap vNICs
# through the switch; the rate must be sensible (over 100 Mbit/s). The taps
# keep their offloads: each namespace's stack sends TSO super-frames with
# partial checksums, which the tap backend finishes in software. A second
# run with a 88-byte MSS makes super-frames of 700 segments, more than one
# batch holds.
. "$(dirname "$0")/netns-lib.sh"
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 missing"; exit 77; }
command -v ethtool >/dev/null || { echo "SKIP: ethtool missing"; exit 77; }

netns "${P}n1"; netns "${P}n2"
start_switch --pg A=0 --vnic "A/vm1=tap:${P}a" --vnic "A/vm2=tap:${P}b"
in_ns "${P}n1" "${P}a" 10.77.2.1/24
in_ns "${P}n2" "${P}b" 10.77.2.2/24
for x in "n1 a" "n2 b"; do
	set -- $x
	ip netns exec "${P}$1" ethtool -k "${P}$2" >"$TMP/features" || fail "ethtool -k"
	grep -q '^tcp-segmentation-offload: on' "$TMP/features" || fail "TSO is off behind tap ${P}$2"
	grep -q '^tx-checksumming: on' "$TMP/features" || fail "checksum offload is off behind tap ${P}$2"
done
echo "TSO and checksum offload are on behind both taps"

# iperf_run LABEL IPERF-ARGS...: one 5 s run; prints and returns bit/s
iperf_run() {
	local label=$1; shift
	bg ip netns exec "${P}n2" timeout 30 iperf3 -s -1 -B 10.77.2.2 -p 5201
	sleep 0.5
	ip netns exec "${P}n1" timeout 30 iperf3 -c 10.77.2.2 -p 5201 -t 5 -J "$@" \
		>"$TMP/iperf.json" || fail "iperf3 ($label)"
	bps=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$TMP/iperf.json")
	echo "TCP through the switch, $label: $((bps / 1000000)) Mbit/s"
}
wait_for 5 ip netns exec "${P}n1" ping -c 1 -W 1 10.77.2.2 || fail "no connectivity"
iperf_run "offloads on"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s"
iperf_run "MSS 88 (super-frames of hundreds of segments)" -M 88
[ "$bps" -gt 1000000 ] || fail "only $bps bit/s with MSS 88"
stop_switch
for p in vm1 vm2; do
	[ "$(counter $p rx_errors)" = 0 ] || fail "$p: rx_errors $(counter $p rx_errors)"
done
echo PASS
