#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: TCP through an afpacket uplink with the kernel's default
# offloads on the veth (TSO, GSO, GRO, checksum offload: the far end's
# stack sends 64 KiB super-frames with partial checksums). The 2.0 frame
# contract: the super-frames cross the switch as they are to the ports
# that take them (the afpacket uplink, vm1's tap) and are segmented by the
# switch for the one that does not (vm2's tap, offloads=off). A namespace
# on the tap vNIC vm1 runs iperf3 for 5 s each way with "the physical
# network", a namespace behind the uplink's veth: untagged, with an 88-byte
# MSS (super-frames of hundreds of segments), and on VLAN 10 (vm2): a VST
# port group on each side of the veth, the far one a second switch in the
# far namespace, on its own afpacket uplink (the tag on the wire, stripped
# by the kernel on receive). No frame may count as rx_errors, truncated,
# bad_offload or offload_failed; vm1 must get super-frames (more than 3000
# bytes a frame on average, none segmented for it), vm2 segments.
. "$(dirname "$0")/netns-lib.sh"
MODE_OPTS=${AFP_OPTS:-}
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 missing"; exit 77; }
command -v ethtool >/dev/null || { echo "SKIP: ethtool missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

netns "${P}h1"; netns "${P}h2"; netns "${P}ph"
# a veth with the kernel's default offloads (not the helper's veth())
ip link add "${P}u" type veth peer name "${P}p" || fail "veth"
LINKS="$LINKS ${P}u"
ip link set "${P}p" netns "${P}ph" || fail "veth into ${P}ph"
ip -n "${P}ph" addr add 10.77.3.2/24 dev "${P}p" && ip -n "${P}ph" link set "${P}p" up || fail "ph up"
ip netns exec "${P}ph" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ethtool -k "${P}u" >"$TMP/fu" && ip netns exec "${P}ph" ethtool -k "${P}p" >"$TMP/fp" || fail "ethtool -k"
for f in fu fp; do
	grep -q '^tcp-segmentation-offload: on' "$TMP/$f" || fail "TSO is off ($f)"
	grep -q '^tx-checksumming: on' "$TMP/$f" || fail "checksum offload is off ($f)"
done
echo "veth ${P}u/${P}p: $(grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|tx-checksumming):' "$TMP/fp" | tr '\n' ' ')"

start_switch --pg A=0 --pg v10=10 --uplink "vmnic0=afpacket:${P}u${MODE_OPTS:+:$MODE_OPTS}" \
	--vnic "A/vm1=tap:${P}a" --vnic "v10/vm2=tap:${P}b:offloads=off"
in_ns "${P}h1" "${P}a" 10.77.3.1/24
ip link set "${P}b" netns "${P}h1" && ip -n "${P}h1" addr add 10.77.4.1/24 dev "${P}b" &&
	ip -n "${P}h1" link set "${P}b" up || fail "vm2's tap"

# iperf_run LABEL SERVER-NS SERVER-ADDR CLIENT-NS IPERF-ARGS...: one 5 s run
iperf_run() {
	local label=$1 sns=$2 saddr=$3 cns=$4; shift 4
	bg ip netns exec "$sns" timeout 30 iperf3 -s -1 -B "$saddr" -p 5201
	local spid=$LASTPID
	sleep 0.5
	ip netns exec "$cns" timeout 30 iperf3 -c "$saddr" -p 5201 -t 5 -J "$@" \
		>"$TMP/iperf.json" || { cat "$TMP/iperf.json"; fail "iperf3 ($label)"; }
	wait "$spid" 2>/dev/null
	bps=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$TMP/iperf.json")
	echo "TCP $label: $((bps / 1000000)) Mbit/s"
}
# the far side's switch: VLAN 10 to a tap in h2
bg ip netns exec "${P}ph" timeout 120 "$B/tests/netns-switch" --duration 100 --ready "$TMP/ready2" \
	--pg v10=10 --uplink "pnic0=afpacket:${P}p${MODE_OPTS:+:$MODE_OPTS}" --vnic "v10/vm3=tap:${P}c" \
	>"$TMP/counters2" 2>"$TMP/switch2.log"
SW2PID=$LASTPID
wait_for 10 test -e "$TMP/ready2" || fail "far switch did not start"
ip -n "${P}ph" link set "${P}c" netns "${P}h2" && ip -n "${P}h2" addr add 10.77.4.2/24 dev "${P}c" &&
	ip -n "${P}h2" link set "${P}c" up || fail "vm3's tap"
wait_for 5 ip netns exec "${P}ph" ping -c 1 -W 1 10.77.3.1 || fail "no connectivity (untagged)"

iperf_run "into the afpacket uplink (super-frames received)" "${P}h1" 10.77.3.1 "${P}ph"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s"
iperf_run "out of the afpacket uplink" "${P}ph" 10.77.3.2 "${P}h1"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s"
iperf_run "into the uplink, MSS 88 (hundreds of segments per super-frame)" "${P}h1" 10.77.3.1 "${P}ph" -M 88
[ "$bps" -gt 1000000 ] || fail "only $bps bit/s with MSS 88"

wait_for 5 ip netns exec "${P}h2" ping -c 1 -W 1 10.77.4.1 || fail "no connectivity (VLAN 10)"
bg ip netns exec "${P}ph" timeout 20 tcpdump -l -e -n -i "${P}p" -c 20 vlan 10 and tcp >"$TMP/tcpdump" 2>/dev/null
sleep 1
iperf_run "on VLAN 10, h2 to h1 (two switches, two afpacket uplinks)" "${P}h1" 10.77.4.1 "${P}h2"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s on VLAN 10"
iperf_run "on VLAN 10, h1 to h2" "${P}h2" 10.77.4.2 "${P}h1"
[ "$bps" -gt 100000000 ] || fail "only $bps bit/s on VLAN 10"
wait_for 5 grep -q "vlan 10" "$TMP/tcpdump"
head -2 "$TMP/tcpdump"
grep -q "802.1Q.*vlan 10" "$TMP/tcpdump" || fail "no tag 10 on the wire"
kill -TERM "$SW2PID"; wait "$SW2PID" 2>/dev/null
cat "$TMP/counters2"
[ "$(awk '$1 == "vm3" && $2 == "tx_packets" {print $3}' "$TMP/counters2")" -gt 1000 ] ||
	fail "vm3 (VLAN 10) got too few frames"
for c in rx_errors truncated; do
	grep -q "^pnic0 $c " "$TMP/counters2" && fail "pnic0: $c"
done

stop_switch
cat "$TMP/counters"
[ "$(counter vm2 tx_packets)" -gt 1000 ] || fail "vm2 (VLAN 10) got $(counter vm2 tx_packets) frames"
for p in vmnic0 vm1 vm2; do
	for c in rx_errors truncated bad_offload offload_failed; do
		[ "$(counter $p $c)" = 0 ] || fail "$p: $c $(counter $p $c)"
	done
done
[ "$(counter vm1 sw_segmented)" = 0 ] || fail "vm1 takes TSO, yet $(counter vm1 sw_segmented) were segmented for it"
avg=$(( $(counter vm1 tx_bytes) / $(counter vm1 tx_packets) ))
echo "vm1: $avg bytes a frame on average"
[ "$avg" -gt 3000 ] || fail "vm1 got no super-frames ($avg bytes a frame)"
[ "$(counter vm2 sw_segmented)" -gt 0 ] || fail "vm2 (offloads=off) got no segmented super-frames"
for c in rx_errors truncated bad_offload offload_failed; do
	grep -q "^pnic0 $c " "$TMP/counters2" && fail "pnic0: $c"
done
echo PASS
