#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: LLDP against Debian's lldpd, both ways. vswd runs in a
# namespace of its own with an afpacket uplink on one end of a veth, and
# lldpd in another namespace on the other end (the lldpd package may run a
# host-wide lldpd in the root namespace, which must see none of this).
# vswctl shows lldpd's system name, port and management address; lldpcli
# shows the switch's name as chassis ID and the vmnic as port ID; a tap
# vNIC of the switch never sees an LLDP frame; turning advertising off
# sends a shutdown LLDPDU that lldpd acts on at once. A control capture on
# the uplink's far side must see the switch's LLDP, so that the vNIC's
# capture is known to be one that would have seen it.
. "$(dirname "$0")/netns-lib.sh"

for tool in lldpd lldpcli tcpdump python3 timeout; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
VSWD="$B/examples/vswd"
CTL="$B/examples/vswctl"
SOCK="$TMP/vswd.sock"
LSOCK="$TMP/lldpd.sock"
SW="${P}vs"
PEER="${P}peer"
ctl() { "$CTL" -s "$SOCK" "$@"; }
lcli() { lldpcli -u "$LSOCK" "$@"; }

# lldpd forks an unprivileged child; stop both, by PID, before the
# namespaces go (netns-lib's cleanup then kills what is left of ours)
LLDPD=""
stop_lldpd() {
	[ -n "$LLDPD" ] || return 0
	for c in $(pgrep -P "$LLDPD" 2>/dev/null); do kill "$c" 2>/dev/null; done
	kill "$LLDPD" 2>/dev/null
	wait_for 5 sh -c "! kill -0 $LLDPD 2>/dev/null"
	LLDPD=""
}
trap 'stop_lldpd; cleanup' EXIT

netns "${P}sw"
netns "${P}lp"
netns "${P}vm"
veth "${P}u0" "${P}p0" || fail "veth"
ip link set "${P}u0" netns "${P}sw" && ip -n "${P}sw" link set "${P}u0" up || fail "uplink side"
in_ns "${P}lp" "${P}p0" 10.77.9.2/24

info "vswd in ${P}sw: advertising every second, listening"
chmod 755 "$TMP"
cat >"$TMP/vswd.conf" <<CONF
vswitch add $SW --lldp both --lldp-interval 1
portgroup add $SW "VM Network"
uplink add $SW vmnic0 --backend afpacket:${P}u0
vnic add $SW "VM Network" vm1 --backend tap:${P}t1
CONF
# under timeout, so that every wait for it is bounded: timeout passes our
# SIGTERM on to vswd and exits with vswd's own status
bg timeout 120 ip netns exec "${P}sw" "$VSWD" -f -s "$SOCK" -c "$TMP/vswd.conf"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
ip -n "${P}sw" link set "${P}t1" netns "${P}vm" || fail "move the tap"
ip -n "${P}vm" link set "${P}t1" up || fail "tap up"

# no tap of the switch may see LLDP, while lldpd and the switch both speak
# it; the far side of the uplink, the control, sees the switch's (-Q in:
# what lldpd receives, not what it sends). Both listen before lldpd starts,
# in immediate mode: a buffered capture may hand a frame over a second late,
# after the test has stopped it.
bg timeout 60 ip netns exec "${P}vm" tcpdump --immediate-mode -U -n -i "${P}t1" -w "$TMP/vm.pcap" ether proto 0x88cc \
	2>"$TMP/vm.err"
DUMP=$LASTPID
bg timeout 60 ip netns exec "${P}lp" tcpdump --immediate-mode -U -n -Q in -i "${P}p0" -w "$TMP/wire.pcap" ether proto 0x88cc \
	2>"$TMP/wire.err"
WIRE=$LASTPID
wait_for 5 grep -q listening "$TMP/vm.err" || { cat "$TMP/vm.err"; fail "tcpdump on the vNIC did not start"; }
wait_for 5 grep -q listening "$TMP/wire.err" || { cat "$TMP/wire.err"; fail "tcpdump on the uplink's far side did not start"; }

info "lldpd in ${P}lp, as $PEER"

cat >"$TMP/lldpd.conf" <<CONF
configure system hostname $PEER
configure lldp tx-interval 1
configure lldp portidsubtype ifname
CONF
bg ip netns exec "${P}lp" lldpd -d -u "$LSOCK" -I "${P}p0" -O "$TMP/lldpd.conf" \
	-L "$(command -v lldpcli)" 2>"$TMP/lldpd.log"
LLDPD=$LASTPID
wait_for 10 test -S "$LSOCK" || { cat "$TMP/lldpd.log"; fail "lldpd did not start"; }

info "the switch hears lldpd"
wait_for 20 sh -c "'$CTL' -s '$SOCK' uplink neighbors $SW vmnic0 | grep -q 'System Name: $PEER'" ||
	{ ctl uplink neighbors; fail "no neighbor $PEER on vmnic0"; }
ctl uplink neighbors $SW vmnic0 | tee "$TMP/nb"
grep -q "^$SW vmnic0 (LLDP both, every 1 s)" "$TMP/nb" || fail "header"
grep -q "Port ID: ${P}p0 (interface name)" "$TMP/nb" || fail "lldpd's port ID"
grep -q "Management Address: 10.77.9.2" "$TMP/nb" || fail "lldpd's management address"
grep -q "Source MAC: $(mac_of "${P}lp" "${P}p0")" "$TMP/nb" || fail "source MAC"
[ "$(grep -c 'Chassis ID' "$TMP/nb")" = 1 ] || fail "one neighbor expected"
ctl --json uplink neighbors $SW | python3 -c '
import json, sys
d = json.load(sys.stdin)
sw = d["vswitches"][0]
assert sw["lldp"] == {"mode": "both", "interval": 1}, sw["lldp"]
n = sw["uplinks"][0]["neighbors"]
assert len(n) == 1 and n[0]["system_name"] == sys.argv[1], n
assert n[0]["port_id"] == sys.argv[2] and n[0]["port_id_type"] == "interface name", n
assert n[0]["management_addresses"] == ["10.77.9.2"], n
assert 1 <= n[0]["expires"] <= n[0]["ttl"], n
' "$PEER" "${P}p0" || fail "uplink neighbors --json"
ctl --json list | python3 -c '
import json, sys
u = json.load(sys.stdin)["vswitches"][0]["uplinks"][0]
n = u["lldp_neighbors"]
assert len(n) == 1 and n[0]["system_name"] == sys.argv[1], u
' "$PEER" || fail "list --json: no LLDP neighbor of the uplink"
ctl list | grep -q "vmnic0: lldp=$PEER/${P}p0" || { ctl list; fail "list: the uplink's LLDP neighbor"; }

info "lldpd hears the switch"
wait_for 20 sh -c "lldpcli -u '$LSOCK' show neighbors | grep -q 'ChassisID: *local $SW'" ||
	{ lcli show neighbors; fail "lldpd does not see $SW"; }
lcli show neighbors | tee "$TMP/lnb"
grep -q "PortID: *ifname vmnic0" "$TMP/lnb" || fail "lldpd: port ID vmnic0"
grep -q "PortDescr: *$SW uplink vmnic0" "$TMP/lnb" || fail "lldpd: port description"
grep -q "SysName: *$(hostname)\$" "$TMP/lnb" || fail "lldpd: system name (the host's)"
grep -q "SysDescr: *libvsw .* virtual switch" "$TMP/lnb" || fail "lldpd: system description"
grep -q "TTL: *4" "$TMP/lnb" || fail "lldpd: TTL 4 (4 x 1 s)"
grep -q "Capability: *Bridge, on" "$TMP/lnb" || fail "lldpd: bridge capability"
[ "$(grep -c 'ChassisID' "$TMP/lnb")" = 1 ] || fail "lldpd sees more than the switch"

info "nothing LLDP reached the vNIC; the uplink's far side saw the switch's"
kill -TERM "$DUMP" "$WIRE" 2>/dev/null
wait "$DUMP" 2>/dev/null; wait "$WIRE" 2>/dev/null
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v -e "^$DUMP$" -e "^$WIRE$" | tr '\n' ' ')
tcpdump -n -r "$TMP/vm.pcap" >"$TMP/vm.txt" 2>"$TMP/vm.rerr" ||
	{ cat "$TMP/vm.err" "$TMP/vm.rerr"; fail "no capture from the vNIC"; }
tcpdump -n -e -r "$TMP/wire.pcap" >"$TMP/wire.txt" 2>"$TMP/wire.rerr" ||
	{ cat "$TMP/wire.err" "$TMP/wire.rerr"; fail "no capture from the uplink's far side"; }
n=$(wc -l <"$TMP/vm.txt")
[ "$n" = 0 ] || { head -5 "$TMP/vm.txt"; fail "$n LLDP frames reached the vNIC"; }
w=$(grep -c "LLDP" "$TMP/wire.txt")
echo "LLDP frames from the switch on the uplink's far side: $w; on the vNIC: 0"
[ "$w" -ge 1 ] || { cat "$TMP/wire.txt"; fail "the control saw $w LLDP frames from the switch"; }
ctl stats $SW vmnic0 | tee "$TMP/stats"
awk '$1 == "lldp_rx" && $2 > 0 {r=1} $1 == "lldp_tx" && $2 > 0 {t=1}
     $1 == "lldp_discarded" && $2 != 0 {d=1} END {exit !(r && t && !d)}' "$TMP/stats" ||
	fail "lldp counters"

info "advertising off: a shutdown LLDPDU, and lldpd forgets the switch at once"
# a long time to live first, so that only the shutdown explains the change
ctl vswitch set $SW --lldp-interval 60 || fail "interval"
wait_for 5 sh -c "lldpcli -u '$LSOCK' show neighbors | grep -q 'TTL: *240'" || fail "TTL 240 not seen"
ctl vswitch set $SW --lldp listen || fail "listen"
wait_for 3 sh -c "! lldpcli -u '$LSOCK' show neighbors | grep -q 'ChassisID'" ||
	{ lcli show neighbors; fail "lldpd still sees the switch"; }
ctl uplink neighbors $SW vmnic0 | grep -q "^$SW vmnic0 (LLDP listen)" || fail "mode listen"

info "listening off: the neighbor is forgotten"
ctl vswitch set $SW --lldp none || fail "none"
ctl uplink neighbors $SW vmnic0 | grep -q "not listening" || fail "still listening"

stop_lldpd
kill -TERM "$VPID"; wait "$VPID" || fail "vswd exit status"
PIDS=""
echo PASS
