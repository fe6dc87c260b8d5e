#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the distributed switch. A three-member etcd cluster on
# 127.0.0.1 and three hosts (namespaces on one underlay bridge, one vswd
# each, joined with --cluster): a port group created once appears on every
# host within seconds; VMs on different hosts in one port group ping and
# carry TCP over VXLAN, VMs in different port groups do not meet; the
# underlay carries VXLAN with the port groups' VNIs and no other. A fourth
# host that is only the Linux kernel (a vxlan device in a Linux bridge)
# reaches the VMs and they reach it. Faults: one etcd member down changes
# nothing; all of etcd down, the VMs keep talking and changes are refused,
# a vswd restarted meanwhile keeps its definition and vNICs, and the change
# is made when etcd is back; a host's vswd SIGKILLed drops out of the
# others' flood lists within its lease and is flooded to no more, then
# comes back and rejoins.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
. "$(dirname "$0")/vds-lib.sh"

for tool in tcpdump iperf3 ss; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

D=DSwitch
NET="192.168.$UX" # the VMs' subnet: one for every port group, so only L2 separates them
HOSTS="1 2 3"
# listed N HOST: host N's vswd has HOST in the distributed switch's hosts
listed() { hctl "$1" vds hosts "$D" | awk -v h="$2" '$1 == h { f = 1 } END { exit !f }'; }
not_listed() { ! listed "$@"; }
# flood FROM ADDR: FROM asks for ADDR, which nobody has: ARP to every VTEP
flood() { vm "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; return 0; }
# listens VM PORT: a TCP listener on PORT in VM's namespace
listens() { vm "$1" ss -Htln "sport = :$2" | grep -q .; }
# propagates HOST PG VLAN SECONDS: PG added through HOST shows on every host
# within SECONDS; the time it took
propagates() {
	local t0
	t0=$(now_ms)
	hctl "$1" vds portgroup add "$D" "$2" --vlan "$3" || fail "portgroup add $2 through host $1"
	wait_until "$4" pg_everywhere "$D" "$2" $HOSTS || fail "port group $2 not on every host within $4 s"
	info "port group $2 (VLAN $3) on all hosts $(( $(now_ms) - t0 )) ms after the add"
}

info "three hosts, a three-member etcd"
etcd_cluster 3
underlay 4
for n in $HOSTS; do host_start "$n"; done
hctl 1 vds create "$D" || fail "vds create"
wait_until 5 pg_everywhere "$D" "$D" $HOSTS || fail "the proxy switch $D is not on every host"
hctl 2 vds list | grep -qw "$D" || fail "vds list through host 2: $(hctl 2 vds list)"
for n in $HOSTS; do wait_until 5 listed 1 "h$n" || fail "host h$n not in vds hosts"; done

info "a port group created once appears on every host"
propagates 2 A 10 2
propagates 3 B 20 2
hctl 1 --json vds list >"$TMP/vds.json" || fail "vds list --json"
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/vds.json" ||
	fail "vds list --json is not JSON: $(cat "$TMP/vds.json")"

info "VMs in A on hosts 1 and 2, in B on hosts 2 and 3"
vm_add 1 "$D" A a1 "$NET.1/24"
vm_add 2 "$D" A a2 "$NET.2/24"
vm_add 2 "$D" B b2 "$NET.3/24"
vm_add 3 "$D" B b3 "$NET.4/24"
# port HOST VM: vds ports through host 1 has HOST's VM (published by HOST)
port() { hctl 1 vds ports "$D" | awk -v h="$1" -v v="$2" '$1 == h && $2 == v { f = 1 } END { exit !f }'; }
for v in 1:a1 2:a2 2:b2 3:b3; do
	wait_until 3 port "h${v%%:*}" "${v#*:}" || fail "vds ports lacks ${v#*:}: $(hctl 1 vds ports "$D")"
done

capture_start "$TMP/vx.pcap"
pings a1 "$NET.2" || fail "a1 (host 1) -> a2 (host 2), port group A"
pings b3 "$NET.3" || fail "b3 (host 3) -> b2 (host 2), port group B"
pings a2 "$NET.1" || fail "a2 -> a1"
no_ping a1 "$NET.4" || fail "a1 (A) reached b3 (B)"
no_ping b3 "$NET.1" || fail "b3 (B) reached a1 (A)"
no_ping a2 "$NET.3" || fail "a2 (A) reached b2 (B) on the same host"

info "TCP across hosts"
bg vm a2 timeout 15 iperf3 -s -1 -B "$NET.2" >"$TMP/iperf-s.log" 2>&1
wait_until 5 listens a2 5201 || fail "iperf3 server did not start"
vm a1 timeout 15 iperf3 -c "$NET.2" -t 2 -M 1300 >"$TMP/iperf.log" 2>&1 ||
	{ cat "$TMP/iperf.log"; fail "iperf3 a1 -> a2"; }
grep "receiver" "$TMP/iperf.log" | tail -1
capture_stop

info "the underlay carries VXLAN with VNIs 10 and 20 only"
vxlan_frames "$TMP/vx.pcap" >"$TMP/vx.txt"
[ -s "$TMP/vx.txt" ] || fail "no VXLAN on the underlay"
other=$(awk '$3 != 10 && $3 != 20' "$TMP/vx.txt" | head -3)
[ -z "$other" ] || fail "frames of another VNI: $other"
for v in a1 a2 b2 b3; do
	mac=$(mac_of "$(vmns "$v")" "t$$$v")
	want=10; case $v in b*) want=20 ;; esac
	n=$(awk -v m="$mac" '$4 == m' "$TMP/vx.txt" | wc -l)
	bad=$(awk -v m="$mac" -v w="$want" '$4 == m && $3 != w' "$TMP/vx.txt" | wc -l)
	[ "$n" -gt 0 ] || fail "no frame from $v ($mac) on the underlay"
	[ "$bad" -eq 0 ] || fail "$bad frame(s) from $v outside VNI $want"
done
info "$(wc -l <"$TMP/vx.txt") VXLAN frames, VNIs: $(awk '{print $3}' "$TMP/vx.txt" | sort -un | tr '\n' ' ')"

info "interop: host 4 is only the kernel (vxlan id 10 in a Linux bridge)"
kernel_host 4 10 k4 "$NET.5/24" "$(vtep 1)" "$(vtep 2)" "$(vtep 3)"
# the libvsw hosts flood to it once it is a host of the switch: its key,
# under a lease of its own (what a joined vswd publishes)
lease=$(ectl lease grant 600 | awk '/granted/ {print $2}')
[ -n "$lease" ] || fail "lease grant"
ectl put --lease="$lease" "$VDS_PREFIX/vds/$D/hosts/k4" "{\"vtep\":\"$(vtep 4)\"}" >/dev/null ||
	fail "put the kernel host's key"
wait_until 5 listed 1 k4 || fail "the kernel host is not in vds hosts"
pings k4 "$NET.1" || fail "kernel host's VM -> a1 (host 1)"
pings k4 "$NET.2" || fail "kernel host's VM -> a2 (host 2)"
pings a1 "$NET.5" || fail "a1 -> kernel host's VM"
no_ping k4 "$NET.4" || fail "kernel host's VM (VNI 10) reached b3 (B)"

info "one etcd member killed: a new port group still propagates"
etcd_kill 2
propagates 1 C 30 4

info "all of etcd killed: forwarding continues, changes are refused"
etcd_kill_all
pings a1 "$NET.2" || fail "a1 -> a2 with etcd down"
pings b3 "$NET.3" || fail "b3 -> b2 with etcd down"
if hctl 3 vds portgroup add "$D" E --vlan 50 >"$TMP/refused" 2>&1; then
	fail "portgroup add accepted with etcd down"
fi
grep -q "cluster unreachable" "$TMP/refused" || fail "refusal says: $(cat "$TMP/refused")"
for n in $HOSTS; do has_pg "$n" "$D" E && fail "E appeared on host $n with etcd down"; done
pings a2 "$NET.1" || fail "a2 -> a1 with etcd down"
hctl 1 vds hosts "$D" | head -1 | grep -q "unreachable" ||
	fail "vds hosts does not say the cluster is unreachable: $(hctl 1 vds hosts "$D" | head -1)"

info "host 2's vswd restarted while etcd is down: its last applied state"
host_kill 2 TERM
host_start 2
pg_everywhere "$D" C 2 || fail "host 2 restarted without C"
hctl 2 list | grep -qw b2 || fail "host 2 restarted without its vNIC b2"
# its flood list too (kept next to its state file): its VMs reach the
# other hosts by broadcast (ARP) before etcd answers
wait_until 5 test -s "$TMP/h2.state.floods" || fail "host 2 kept no flood list"
pings b2 "$NET.4" || fail "b2 (host 2, restarted during the outage) -> b3 with etcd down"

info "etcd back (same data): the change made again is applied everywhere"
etcd_restart_all
wait_until 15 hctl 3 vds portgroup add "$D" E --vlan 50 || fail "portgroup add after etcd returned"
wait_until 5 pg_everywhere "$D" E $HOSTS || fail "E not on every host after etcd returned"
info "E on all hosts $WAITED ms after the add was accepted"
pg_everywhere "$D" C $HOSTS || fail "C lost across the outage"
pings a1 "$NET.2" || fail "a1 -> a2 after etcd returned"
pings b2 "$NET.4" || fail "b2 (host 2, restarted during the outage) -> b3 after etcd returned"

info "host 3's vswd SIGKILLed: dropped from the flood lists within its lease"
capture_start "$TMP/f1.pcap" "udp port 4789 and dst host $(vtep 3)"
flood a1 "$NET.201"
capture_stop
[ "$(vxlan_frames "$TMP/f1.pcap" | wc -l)" -gt 0 ] || fail "no flooding to host 3 while it lived"
host_kill 3
t0=$(now_ms)
wait_until $((LEASE_TTL + 3)) not_listed 1 h3 || fail "h3 still a host of $D for host 1"
wait_until 2 not_listed 2 h3 || fail "h3 still a host of $D for host 2"
info "h3 gone from the hosts' lists $(( $(now_ms) - t0 )) ms after its SIGKILL (lease $LEASE_TTL s)"
capture_start "$TMP/f2.pcap" "udp port 4789 and dst host $(vtep 3)"
flood a1 "$NET.202"
flood a2 "$NET.203"
capture_stop
n=$(vxlan_frames "$TMP/f2.pcap" | wc -l)
[ "$n" -eq 0 ] || fail "$n frame(s) still flooded to the dead host 3"
pings a1 "$NET.2" || fail "a1 -> a2 with host 3 dead"

info "host 3 comes back and rejoins"
host_start 3
wait_until 5 listed 1 h3 || fail "h3 did not rejoin"
wait_until 5 pg_everywhere "$D" E $HOSTS || fail "host 3 lacks E after its restart"
wait_until 5 pings b3 "$NET.3" || fail "b3 -> b2 after host 3 rejoined"
info "ok"
