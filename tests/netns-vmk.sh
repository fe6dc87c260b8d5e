#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: VMkernel ports for real, driven through vswd: vmk0 in the
# default TCP/IP stack (vswd's own namespace) answers pings from a VM's
# namespace and accepts a TCP connection on its address; vmk1 in a stack
# of its own (netstack add) on a VLAN 20 port group answers IPv4 and IPv6
# and jumbo frames at MTU 9000; the two stacks have separate routing
# tables (the same address in both) and the vMotion stack reaches beyond
# its subnet through a default gateway of its own; a second FT logging port is refused;
# removing a vmk removes its interface and addresses; a stack in use
# cannot be removed, and vswd removes the stacks it made when it stops.
. "$(dirname "$0")/netns-lib.sh"
for tool in nsenter iperf3 python3 timeout; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

SOCK="$TMP/vswd.sock"
SW="${P}sw"    # vswd's namespace: its default TCP/IP stack
VMO="${P}vmo"  # the vMotion stack vswd makes
ctl() { "$B/examples/vswctl" -s "$SOCK" "$@"; }
netns "$SW"
NETNS="$NETNS $VMO"  # removed on exit if the test stops before vswd does
SWLOG="$TMP/vswd.log"
# nsenter, not ip netns exec: vswd must share the host's mount namespace,
# where the stacks it makes are mounted. Under timeout, so that every wait
# for it is bounded; timeout passes our SIGTERM on to vswd and exits with
# vswd's own status.
bg timeout 120 nsenter --net="/run/netns/$SW" "$B/examples/vswd" -f -s "$SOCK" 2>"$SWLOG"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"

ctl vswitch add vSwitch0 --mtu 9000 || fail "vswitch add"
ctl portgroup add vSwitch0 "Management Network" || fail "portgroup add"
ctl portgroup add vSwitch0 vMotion --vlan 20 || fail "portgroup add vMotion"
ctl vnic add vSwitch0 "Management Network" vm1 --mac 00:50:56:00:07:02 --backend "tap:${P}a" || fail "vnic vm1"
ctl vnic add vSwitch0 vMotion vm2 --mac 00:50:56:00:08:02 --backend "tap:${P}b" || fail "vnic vm2"
netns "${P}n1"; netns "${P}n2"
# vswd made the taps in its own namespace: hand them to the VMs' namespaces
ip -n "$SW" link set "${P}a" netns "${P}n1" || fail "tap a"
ip -n "$SW" link set "${P}b" netns "${P}n2" || fail "tap b"
ip -n "${P}n1" addr add 10.77.7.2/24 dev "${P}a" && ip -n "${P}n1" link set "${P}a" up || fail "n1's address"
ip -n "${P}n2" addr add 10.77.8.2/24 dev "${P}b" && ip -n "${P}n2" link set "${P}b" up || fail "n2's address"
ip netns exec "${P}n2" sysctl -qw "net.ipv6.conf.${P}b.disable_ipv6=0" || fail "n2: IPv6 on"
ip -n "${P}n2" addr add fd00:77:8::2/64 dev "${P}b" nodad || fail "n2's IPv6 address"
ip -n "${P}n2" link set "${P}b" mtu 9000 || fail "n2's MTU"

info "vmk0 in the default stack: ping and TCP from a VM's namespace"
ctl vmk add vSwitch0 "Management Network" vmk0 --services management,faultToleranceLogging \
	--netstack default --ip 10.77.7.1/24 || fail "vmk add vmk0"
ip -n "$SW" addr show vmk0 | grep -q "inet 10.77.7.1/24" || fail "vmk0 has no address in vswd's stack"
ip -n "$SW" link show vmk0 | grep -q "$(ctl list | awk '$2 == "vmk0" {print $3}')" || fail "vmk0's MAC"
ip netns exec "${P}n1" ping -c 3 -i 0.2 -W 2 10.77.7.1 || fail "no ping to vmk0"
bg timeout 20 ip netns exec "$SW" iperf3 -s -1 -B 10.77.7.1 -p 5301
SRV=$LASTPID
wait_for 5 sh -c "ip netns exec '$SW' ss -ltn | grep -q '10.77.7.1:5301'" || fail "no listener on vmk0"
ip netns exec "${P}n1" timeout 20 iperf3 -c 10.77.7.1 -p 5301 -t 1 >"$TMP/iperf" || fail "no TCP to vmk0"
grep -E "receiver" "$TMP/iperf"
wait "$SRV" || fail "the listener on vmk0 failed"

info "vmk1 in a TCP/IP stack of its own, VLAN 20, IPv4, IPv6, MTU 9000"
ctl netstack add "$VMO" || fail "netstack add"
ctl vmk add vSwitch0 vMotion vmk1 --services vmotion --netstack "$VMO" \
	--ip 10.77.8.1/24,fd00:77:8::1/64 --mtu 9000 || fail "vmk add vmk1"
ip -n "$VMO" link show vmk1 | grep -q "mtu 9000" || fail "vmk1's MTU"
ip -n "$SW" link show vmk1 >/dev/null 2>&1 && fail "vmk1 is in vswd's default stack"
ip netns exec "${P}n2" ping -c 3 -i 0.2 -W 2 10.77.8.1 || fail "no IPv4 ping to vmk1"
ip netns exec "${P}n2" ping -6 -c 3 -i 0.2 -W 2 fd00:77:8::1 || fail "no IPv6 ping to vmk1"
ip netns exec "${P}n2" ping -c 2 -W 2 -s 8000 -M do 10.77.8.1 || fail "no jumbo ping to vmk1"
# n1 gets an address on vmk1's subnet, so only the VLAN stands in the way
ip -n "${P}n1" addr add 10.77.8.3/24 dev "${P}a"
ip netns exec "${P}n1" ping -c 1 -W 1 10.77.8.1 >"$TMP/cross" 2>&1
grep -q "1 packets transmitted, 0 received" "$TMP/cross" || fail "VLAN 0 reached vmk1 on VLAN 20: $(cat "$TMP/cross")"
ip -n "${P}n1" addr del 10.77.8.3/24 dev "${P}a"

info "separate routing tables"
ip -n "$VMO" route | tee "$TMP/route-vmo"
ip -n "$SW" route | tee "$TMP/route-default"
grep -q "10.77.8.0/24 dev vmk1" "$TMP/route-vmo" || fail "vMotion stack: no route to its subnet"
grep -q "10.77.7.0/24" "$TMP/route-vmo" && fail "vMotion stack sees the default stack's route"
grep -q "10.77.8.0/24" "$TMP/route-default" && fail "default stack sees the vMotion stack's route"
ctl vmk set vSwitch0 vmk1 --ip 10.77.8.1/24,10.77.7.1/24,fd00:77:8::1/64 ||
	fail "the default stack's address in the vMotion stack"
ctl list | grep -q "vmk1 .*ip=10.77.8.1/24,10.77.7.1/24" || fail "list: vmk1's addresses"

info "the vMotion stack's own default gateway"
# n2 plays the vMotion network's router: 10.99.0.1 is an address of its
# own beyond vmk1's subnet, reachable from the vMotion stack only through
# the gateway, and from the default stack not at all
ip -n "${P}n2" addr add 10.99.0.1/32 dev lo || fail "n2's address beyond the subnet"
# vmk1_unchanged WHAT: a refused 'vmk set' changed nothing: the addresses,
# both gateways and the MTU are as they were, and the gateway still works
vmk1_unchanged() {
	ip -n "$VMO" addr show vmk1 >"$TMP/addr" 2>&1 || fail "$1: vmk1 is gone"
	grep -q "inet 10.77.8.1/24" "$TMP/addr" && grep -q "inet6 fd00:77:8::1/64" "$TMP/addr" ||
		{ cat "$TMP/addr"; fail "$1: vmk1's addresses changed"; }
	grep -q "10.77.9.1" "$TMP/addr" && { cat "$TMP/addr"; fail "$1: vmk1 got 10.77.9.1"; }
	ip -n "$VMO" link show vmk1 | grep -q "mtu 9000" || fail "$1: vmk1's MTU changed"
	ip -n "$VMO" route | grep -q "default via 10.77.8.2 dev vmk1" ||
		{ ip -n "$VMO" route; fail "$1: the IPv4 gateway changed"; }
	ip -6 -n "$VMO" route | grep -q "default via fd00:77:8::2 dev vmk1" ||
		{ ip -6 -n "$VMO" route; fail "$1: the IPv6 gateway changed"; }
	ctl list | grep -q "vmk1 .*gw=10.77.8.2,fd00:77:8::2" || fail "$1: list: vmk1's gateways changed"
	ip netns exec "$VMO" ping -c 1 -W 2 10.99.0.1 >/dev/null || fail "$1: no ping through the gateway"
}
ctl vmk set vSwitch0 vmk1 --gateway 10.77.8.2,fd00:77:8::2 || fail "vmk set --gateway"
ip -n "$VMO" route | grep -q "default via 10.77.8.2 dev vmk1" || fail "no default route in the vMotion stack"
ip -n "$SW" route | grep -q "^default" && fail "the default stack got the vMotion stack's gateway"
ip netns exec "$VMO" ping -c 2 -i 0.2 -W 2 10.99.0.1 || fail "no ping through the vMotion stack's gateway"
ip netns exec "$SW" ping -c 1 -W 1 10.99.0.1 >/dev/null 2>&1 && fail "the default stack reached beyond its networks"
ctl list | grep -q "vmk1 .*gw=10.77.8.2,fd00:77:8::2" || fail "list: vmk1's gateways"
# new addresses keep the gateways (Linux drops IPv4 routes with the last IPv4 address)
ctl vmk set vSwitch0 vmk1 --ip 10.77.8.1/24,fd00:77:8::1/64 || fail "vmk set --ip with gateways"
ip -n "$VMO" route | grep -q "default via 10.77.8.2 dev vmk1" || fail "--ip lost the IPv4 gateway"
ip netns exec "$VMO" ping -c 1 -W 2 10.99.0.1 >/dev/null || fail "no ping through the gateway after --ip"
vmk1_unchanged "--ip with gateways"
# a refused 'vmk set' changes nothing at all: no addresses, gateways or MTU
# half set, nothing to put back by hand
ctl vmk set vSwitch0 vmk1 --ip 10.77.9.1/24 2>"$TMP/gw2.err" && fail "addresses that leave the gateway off-net"
grep -q "not on its networks" "$TMP/gw2.err" || fail "off-net gateway after --ip: $(cat "$TMP/gw2.err")"
vmk1_unchanged "refused --ip 10.77.9.1/24"
ctl vmk set vSwitch0 vmk1 --gateway 10.77.9.1 2>"$TMP/gw.err" && fail "a gateway on no network of the stack"
grep -q "not on its networks" "$TMP/gw.err" || fail "unreachable gateway: $(cat "$TMP/gw.err")"
vmk1_unchanged "refused --gateway 10.77.9.1"
ctl vmk set vSwitch0 vmk1 --mtu 1400 --ip 10.77.9.1/24 2>"$TMP/gw3.err" && fail "--mtu with addresses that leave the gateway off-net"
grep -q "not on its networks" "$TMP/gw3.err" || fail "off-net gateway after --mtu --ip: $(cat "$TMP/gw3.err")"
vmk1_unchanged "refused --mtu 1400 --ip 10.77.9.1/24"
ctl vmk set vSwitch0 vmk1 --gateway none || fail "vmk set --gateway none"
ip -n "$VMO" route | grep -q "^default" && fail "--gateway none left a default route"
ctl --json list | python3 -c 'import json,sys; d=json.load(sys.stdin); p=[p for s in d["vswitches"] for g in s["portgroups"] for p in g["ports"] if p["name"]=="vmk1"][0]; assert p["netstack"] and p["mtu"]==9000 and "fd00:77:8::1/64" in p["ips"], p' ||
	fail "list --json: vmk1"

info "one FT logging port per host"
ctl vmk set vSwitch0 vmk1 --services vmotion,faultToleranceLogging 2>"$TMP/ft.err" && fail "a second FT logging port"
grep -q "FT logging is on vmk0" "$TMP/ft.err" || fail "FT refusal: $(cat "$TMP/ft.err")"

info "a vmk takes its interface along; a stack in use stays"
ctl netstack remove "$VMO" 2>"$TMP/busy.err" && fail "removed a stack in use"
grep -q "in use by vmk1" "$TMP/busy.err" || fail "busy stack: $(cat "$TMP/busy.err")"
ctl vmk remove vSwitch0 vmk1 || fail "vmk remove"
ip -n "$VMO" link show vmk1 >/dev/null 2>&1 && fail "vmk1's interface outlived it"
ctl vmk add vSwitch0 vMotion vmk2 --netstack "$VMO" --ip 10.77.8.1/24 || fail "vmk add vmk2"

info "vswd removes the stacks it made when it stops"
kill -TERM "$VPID"
wait "$VPID" || fail "vswd exit status $?"
PIDS=""
ip netns list | grep -qw "$VMO" && fail "the stack outlived vswd"
ip -n "$SW" link show vmk0 >/dev/null 2>&1 && fail "vmk0 outlived vswd"
echo PASS
