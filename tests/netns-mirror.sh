#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: port mirroring and live capture through vswd and vswctl
# (issue 18). SPAN: a session of vm1 and the uplink to a tap vNIC "mon",
# whose tcpdump sees both directions of pings with the right tags (vm1's
# copies untagged, the uplink's in VLAN 10), and mon gets nothing else
# (its mirror_dst counter rises). RSPAN: copies leave the uplink in VLAN
# 999 (tcpdump -e on the peer), and are not mirrored again. The sessions
# round-trip through show-config, vswd -t and a SIGHUP reload, and survive
# the removal of a port they name. vswctl capture: piped into tshark every
# frame decodes with the port's name as its interface and the right
# direction; -w FILE and Ctrl-C end it with the statistics blocks; errors
# come back before the stream, and only root and the daemon's user may
# capture; a client that dies leaves nothing. A flood captured by a reader
# that does not read is dropped and counted, and the switch keeps
# forwarding.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"

for tool in tcpdump tshark; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing (tools/apt-packages)"; exit 77; }
done
# tshark as root warns on stderr, and must not read a user's profile
TSHARK() { tshark -o gui.update.enabled:FALSE "$@" 2>/dev/null; }

N1="${P}n1" N2="${P}n2" NM="${P}nm" NP="${P}np"
for ns in "$N1" "$N2" "$NM" "$NP"; do netns "$ns" || fail "netns $ns"; done
veth "${P}u0" "${P}p0" || fail "veth"
ip link set "${P}u0" up
ip link set "${P}p0" netns "$NP"
ip -n "$NP" link set "${P}p0" up
# the uplink's peer: a host on VLAN 10 (in user space: kernels without
# 802.1Q devices have it too)
bg ip netns exec "$NP" timeout 60 "$B/tests/vlan-responder" "${P}p0" 10 10.77.10.3 02:00:00:77:10:03 55

CONF="$TMP/vswd.conf"
cat >"$CONF" <<EOF
vswitch add vSwitch0
portgroup add vSwitch0 Prod --vlan 10
portgroup add vSwitch0 Mon --vlan 4095
uplink add vSwitch0 vmnic0 --backend afpacket:${P}u0
policy set vSwitch0 active=vmnic0
vnic add vSwitch0 Prod vm1 --backend tap:${P}a,netns=$N1
vnic add vSwitch0 Prod vm2 --backend tap:${P}b,netns=$N2
vnic add vSwitch0 Mon mon --backend tap:${P}m,netns=$NM
EOF
mkuser # a member of the daemon's group: it may read, not change or capture
start_vswd -c "$CONF" --group "$U"
addr() { # NS IF ADDR
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	return 0
}
addr "$N1" "${P}a" 10.77.10.1/24
addr "$N2" "${P}b" 10.77.10.2/24
ip -n "$NM" link set "${P}m" up
ip netns exec "$NM" sysctl -qw "net.ipv6.conf.${P}m.disable_ipv6=1" 2>/dev/null
ping1() { ip netns exec "$N1" ping -c "${2:-3}" -i 0.2 -W 1 "$1"; }
wait_for 3 ping1 10.77.10.2 1 || fail "vm1 does not reach vm2"
wait_for 3 ping1 10.77.10.3 1 || fail "vm1 does not reach the uplink's peer"
counter_of() { ctl stats --all vSwitch0 "$1" | awk -v c="$2" '$1 == c {print $2}'; }
# tcpdump_start NS IF FILE: a capture in NS, once it listens
tcpdump_start() {
	rm -f "$3"
	bg ip netns exec "$1" tcpdump -U -n -i "$2" -w "$3" 2>"$3.log"
	TDPID=$LASTPID
	wait_for 5 grep -q listening "$3.log" || fail "tcpdump on $2 did not start"
}
# pcapng_blocks FILE: "IDBS EPBS ISBS RECEIVED DROPPED whole|cut": its
# interface, packet and statistics blocks, the frames the statistics
# count (isb_ifrecv, isb_osdrop), and whether the file ends on a block
pcapng_blocks() {
	$PY - "$1" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
n, recv, drop, i = {1: 0, 5: 0, 6: 0}, 0, 0, 0
while i + 12 <= len(d):
    t, l = struct.unpack_from("<II", d, i)
    if l < 12 or i + l > len(d):
        break
    n[t] = n.get(t, 0) + 1
    if t == 5:
        j = i + 20
        while j + 4 <= i + l - 4:
            code, ln = struct.unpack_from("<HH", d, j)
            if code == 0:
                break
            if code in (4, 7):
                v = struct.unpack_from("<Q", d, j + 4)[0]
                recv, drop = (recv + v, drop) if code == 4 else (recv, drop + v)
            j += 4 + ((ln + 3) & ~3)
    i += l
print(n[1], n[6], n[5], recv, drop, "whole" if i == len(d) and d else "cut")
PYEOF
}
tcpdump_stop() { for p in "$@"; do kill -INT "$p"; wait "$p" 2>/dev/null; done; }
# lines of the capture FILE matching a pattern; untagged: of its frames
# without an 802.1Q tag
count() { tcpdump -e -n -r "$1" 2>/dev/null | grep -c -- "$2"; }
untagged() { tcpdump -e -n -r "$1" 2>/dev/null | grep -v "vlan [0-9]" | grep -c -- "$2"; }
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }

info "SPAN: vm1 and the uplink to mon, both directions"
ctl mirror add vSwitch0 span1 || fail "mirror add"
ctl mirror add vSwitch0 span1 2>/dev/null && fail "a second mirror add succeeded"
ctl mirror add vSwitch0 span1 --may-exist || fail "mirror add --may-exist"
ctl mirror set vSwitch0 span1 source=vm1 source=vmnic0:both dest=mon || fail "mirror set"
ctl mirror set vSwitch0 span1 source=mon 2>&1 | grep -q "both a source and the destination" ||
	fail "mon became a source of its own session"
ctl mirror set vSwitch0 span1 source=nope 2>&1 | grep -q "unknown port 'nope'" || fail "unknown source"
ctl mirror set vSwitch0 span1 dest=vm2:vlan=5 2>&1 | grep -q "RSPAN goes to an uplink" ||
	fail "RSPAN to a vNIC"
ctl mirror list vSwitch0 | grep -q "^span1  *yes  *0  *mon " || { ctl mirror list; fail "mirror list"; }
dst0=$(counter_of mon mirror_dst)
tcpdump_start "$NM" "${P}m" "$TMP/mon.pcap"
ping1 10.77.10.2 >/dev/null || fail "ping vm2 under mirroring"
ping1 10.77.10.3 >/dev/null || fail "ping the uplink's peer under mirroring"
# vm2's broadcasts: mon, a trunk (4095) port, would get them tagged 10
# without the session; as its destination, only the copies of vm1 (egress,
# untagged) and of the uplink (egress, tagged 10), one each
ip netns exec "$N2" ping -b -c 2 -i 0.2 -W 1 10.77.10.255 >/dev/null 2>&1
# a loaded machine's tcpdump may lag: wait for the last copies, then a while for strays
wait_for 10 at_least "$TMP/mon.pcap" "10.77.10.2 > 10.77.10.255" 4
sleep 0.3
tcpdump_stop "$TDPID"
tcpdump -e -n -r "$TMP/mon.pcap" 2>/dev/null | sed 's/^/    /' | head -20
# vm1's copies are untagged: its request (ingress) and the reply (egress)
req=$(untagged "$TMP/mon.pcap" "10.77.10.1 > 10.77.10.2: ICMP echo request")
rep=$(untagged "$TMP/mon.pcap" "10.77.10.2 > 10.77.10.1: ICMP echo reply")
[ "$req" -eq 3 ] && [ "$rep" -eq 3 ] || fail "vm1<->vm2 on mon: $req requests, $rep replies (want 3, 3)"
# to the uplink's peer: vm1's copies untagged, the uplink's tagged 10
req=$(untagged "$TMP/mon.pcap" "10.77.10.1 > 10.77.10.3: ICMP echo request")
rep=$(untagged "$TMP/mon.pcap" "10.77.10.3 > 10.77.10.1: ICMP echo reply")
treq=$(count "$TMP/mon.pcap" "vlan 10, .*10.77.10.1 > 10.77.10.3: ICMP echo request")
trep=$(count "$TMP/mon.pcap" "vlan 10, .*10.77.10.3 > 10.77.10.1: ICMP echo reply")
[ "$req" -eq 3 ] && [ "$rep" -eq 3 ] && [ "$treq" -eq 3 ] && [ "$trep" -eq 3 ] ||
	fail "vm1<->uplink on mon: untagged $req/$rep, VLAN 10 $treq/$trep (want 3 each)"
b=$(untagged "$TMP/mon.pcap" "10.77.10.2 > 10.77.10.255") tb=$(count "$TMP/mon.pcap" "vlan 10, .*10.77.10.2 > 10.77.10.255")
[ "$b" -eq 2 ] && [ "$tb" -eq 2 ] || fail "vm2's broadcasts on mon: $b untagged, $tb in VLAN 10 (want 2, 2)"
dst1=$(counter_of mon mirror_dst)
[ "${dst1:-0}" -gt "${dst0:-0}" ] || fail "mon's mirror_dst did not rise ($dst0 -> $dst1)"
ctl --json mirror list vSwitch0 | $PY -c 'import json, sys
s = json.load(sys.stdin)["vswitches"][0]["sessions"][0]
assert s["name"] == "span1" and s["enabled"] and not s["capture"], s
assert s["destination"] == {"port": "mon", "encap_vlan": None}, s
assert [(x["port"], x["direction"], x["vlans"]) for x in s["sources"]] == \
    [("vm1", "both", None), ("vmnic0", "both", None)], s
assert s["mirrored"] >= 12 and s["dropped"] == 0, s' || fail "mirror list --json"
info "a source restricted to VLANs, and disabled sessions"
ctl mirror set vSwitch0 span1 source=vmnic0:both:vlans=20-30 || fail "vlans="
ctl mirror list vSwitch0 | grep -q "source vmnic0 both vlans=20-30" || { ctl mirror list; fail "vlans= not shown"; }
ctl mirror set vSwitch0 span1 enabled=no || fail "enabled=no"
m0=$(ctl --json mirror list | $PY -c 'import json, sys; print(json.load(sys.stdin)["vswitches"][0]["sessions"][0]["mirrored"])')
ping1 10.77.10.3 1 >/dev/null || fail "ping while disabled"
m1=$(ctl --json mirror list | $PY -c 'import json, sys; print(json.load(sys.stdin)["vswitches"][0]["sessions"][0]["mirrored"])')
[ "$m0" = "$m1" ] || fail "a disabled session copied ($m0 -> $m1)"
ctl mirror set vSwitch0 span1 enabled=yes source=vmnic0:both || fail "enabled=yes"

info "RSPAN: vm2's frames leave the uplink in VLAN 999"
ctl mirror add vSwitch0 rspan1 --snaplen 96 || fail "mirror add rspan1"
ctl mirror set vSwitch0 rspan1 source=vm2:in dest=vmnic0:vlan=999 || fail "mirror set rspan1"
tcpdump_start "$NP" "${P}p0" "$TMP/peer.pcap"
TD1=$TDPID
tcpdump_start "$NM" "${P}m" "$TMP/mon2.pcap"
ip netns exec "$N2" ping -c 3 -i 0.2 -W 1 10.77.10.1 >/dev/null || fail "ping vm2 -> vm1 under RSPAN"
wait_for 10 at_least "$TMP/peer.pcap" "vlan 999, .*ICMP echo request" 3
sleep 0.3
tcpdump_stop "$TD1" "$TDPID"
tcpdump -e -n -r "$TMP/peer.pcap" 2>/dev/null | grep "vlan 999" | sed 's/^/    /' | head -4
req=$(count "$TMP/peer.pcap" "vlan 999, .*10.77.10.2 > 10.77.10.1: ICMP echo request")
rep=$(count "$TMP/peer.pcap" "vlan 999, .*ICMP echo reply")
[ "$req" -eq 3 ] && [ "$rep" -eq 0 ] || fail "RSPAN on the peer: $req requests, $rep replies (want 3, 0)"
[ "$(count "$TMP/mon2.pcap" "vlan 999")" -eq 0 ] || fail "an RSPAN copy was mirrored again to mon"
[ "$(count "$TMP/mon2.pcap" "vlan 10, .*10.77.10.2 > 10.77.10.1")" -eq 0 ] || fail "vm2's traffic left the uplink"

info "the sessions are configuration: show-config, vswd -t, SIGHUP"
ctl show-config >"$TMP/sc.conf" || fail "show-config"
grep '^mirror' "$TMP/sc.conf" | sed 's/^/    /'
grep -qx "mirror add vSwitch0 span1 --snaplen 0" "$TMP/sc.conf" || fail "span1 not dumped"
grep -qx "mirror set vSwitch0 span1 source=vm1:both" "$TMP/sc.conf" || fail "span1's source not dumped"
grep -qx "mirror set vSwitch0 rspan1 dest=vmnic0:vlan=999" "$TMP/sc.conf" || fail "rspan1's destination"
"$VSWD" -t -c "$TMP/sc.conf" >/dev/null || fail "vswd -t of show-config"
sed -e 's/^mirror add vSwitch0 span1 --snaplen 0$/mirror add vSwitch0 span1 --snaplen 200/' "$TMP/sc.conf" >"$CONF"
kill -HUP "$VPID"
wait_for 5 sh -c "'$CTL' -s '$SOCK' mirror list vSwitch0 | grep -q '^span1  *yes  *200 '" ||
	{ ctl mirror list; fail "SIGHUP did not replace span1"; }
# (a replaced session is the switch's last: compared as a set)
ctl show-config | grep '^mirror' | sort | diff -u <(grep '^mirror' "$CONF" | sort) - ||
	fail "after SIGHUP, the sessions are not the file's"
ctl vnic remove vSwitch0 vm2 || fail "vnic remove vm2"
ctl mirror list vSwitch0 | grep -q "source vm2" && fail "a removed port is still a source"
ctl show-config >"$TMP/sc2.conf" || fail "show-config"
"$VSWD" -t -c "$TMP/sc2.conf" >/dev/null || fail "vswd -t after a source's removal"
grep -q "^mirror add vSwitch0 rspan1" "$TMP/sc2.conf" || fail "rspan1 went with its source"
ctl vnic add vSwitch0 Prod vm2 --backend "tap:${P}b,netns=$N2" || fail "vnic add vm2 again"
addr "$N2" "${P}b" 10.77.10.2/24
ip -n "$N1" neigh flush dev "${P}a" # vm2's new tap has a MAC of its own
ctl mirror remove vSwitch0 rspan1 || fail "mirror remove"
ctl mirror remove vSwitch0 rspan1 2>/dev/null && fail "a second mirror remove succeeded"
ctl mirror remove vSwitch0 rspan1 --if-exists || fail "mirror remove --if-exists"
ctl mirror remove vSwitch0 span1 || fail "mirror remove span1"
wait_for 3 ping1 10.77.10.2 1 || fail "vm1 does not reach vm2 again"

info "capture: errors before the stream"
ctl capture vSwitch0 nope -w "$TMP/x.pcapng" 2>&1 | grep -q "unknown port 'nope'" || fail "capture of a missing port"
[ -e "$TMP/x.pcapng" ] && fail "a failed capture made its file"
ctl capture nosw 2>&1 | grep -q "unknown vswitch 'nosw'" || fail "capture of a missing switch"

info "capture: only root and the daemon's user"
as_user "$CTL" -s "$SOCK" mirror list vSwitch0 >/dev/null || fail "the group may not read the sessions"
as_user "$CTL" -s "$SOCK" capture vSwitch0 vm1 -w /dev/null 2>&1 |
	grep -q "permission denied: only root or the daemon's user may capture" || fail "the group may capture"
as_user "$CTL" -s "$SOCK" mirror add vSwitch0 m 2>&1 | grep -q "permission denied" || fail "the group may add a session"

info "capture: -w - | tshark, --count"
TSF="-T fields -e frame.interface_name -e frame.packet_flags_direction -e icmp.type"
# the direction: 1 inbound, 2 outbound (tshark writes 0x00000001)
DIR='{d = $2; sub(/^0x0*/, "", d)}'
bg sh -c "timeout 20 '$CTL' -s '$SOCK' capture vSwitch0 vm1 -w - --count 8 |
	tshark -o gui.update.enabled:FALSE -r - $TSF >'$TMP/c1.txt' 2>'$TMP/c1.err'; echo \$? >'$TMP/c1.rc'"
CPID=$LASTPID
wait_for 5 sh -c "'$CTL' -s '$SOCK' mirror list vSwitch0 | grep -q '^capture-'" || fail "no capture session"
ctl show-config | grep -q capture- && fail "a capture's session is in show-config"
ctl mirror remove vSwitch0 "$(ctl mirror list vSwitch0 | awk '/^capture-/ {print $1}')" 2>&1 |
	grep -q "running capture" || fail "mirror remove of a capture's session"
ping1 10.77.10.2 6 >/dev/null || fail "ping under capture"
wait_for 10 test -e "$TMP/c1.rc" || fail "capture --count did not end"
wait "$CPID" 2>/dev/null
sed 's/^/    /' "$TMP/c1.txt"
[ "$(cat "$TMP/c1.rc")" = 0 ] || fail "tshark: $(cat "$TMP/c1.err")"
[ "$(wc -l <"$TMP/c1.txt")" -eq 8 ] || fail "tshark decoded $(wc -l <"$TMP/c1.txt") frames, not 8"
# every frame on vm1; an echo request came in (1: inbound), a reply went out (2)
awk -F'\t' "$DIR"'$1 != "vm1" {exit 1}
	$3 == "8" && d != "1" {exit 1} $3 == "0" && d != "2" {exit 1}
	$3 == "8" {q++} $3 == "0" {r++} END {exit !(q >= 2 && r >= 2)}' "$TMP/c1.txt" ||
	fail "interfaces or directions wrong"
wait_for 5 sh -c "! '$CTL' -s '$SOCK' mirror list | grep -q '^capture-'" || fail "the capture's session stayed"

info "capture: -w FILE, two ports, Ctrl-C"
bg "$CTL" -s "$SOCK" capture vSwitch0 vm1 vm2 --direction in -w "$TMP/c2.pcapng" 2>"$TMP/c2.err"
CPID=$LASTPID
wait_for 5 sh -c "'$CTL' -s '$SOCK' mirror list vSwitch0 | grep -q '^capture-'" || fail "no capture session"
ping1 10.77.10.2 3 >/dev/null || fail "ping under capture"
kill -INT "$CPID"
for _ in $(seq 50); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$CPID" 2>/dev/null && fail "vswctl capture did not end on SIGINT"
wait "$CPID"; rc=$?
[ $rc -eq 0 ] || fail "vswctl capture exited $rc after SIGINT"
TSHARK -r "$TMP/c2.pcapng" $TSF >"$TMP/c2.txt" || fail "tshark -r FILE"
awk -F'\t' "$DIR"'d != "1" {exit 1} $1 == "vm1" && $3 == "8" {q++} $1 == "vm2" && $3 == "0" {r++}
	END {exit !(q == 3 && r == 3)}' "$TMP/c2.txt" || { cat "$TMP/c2.txt"; fail "-w FILE: frames"; }
# two interfaces, the six echo frames (and whatever ARP or IPv6 chatter
# the guests sent meanwhile: a slow machine brings some), none dropped,
# and the statistics blocks at the end counting exactly the packets
b=$(pcapng_blocks "$TMP/c2.pcapng")
set -- $b
[ "$1" = 2 ] && [ "$2" -ge 6 ] && [ "$3" = 2 ] && [ "$4" = "$2" ] && [ "$5" = 0 ] && [ "$6" = whole ] ||
	fail "-w FILE: blocks (IDB EPB ISB received dropped) $b, want 2 >=6 2 (as many) 0 whole"
grep -qx "vswctl: $2 frames captured, 0 dropped" "$TMP/c2.err" || fail "vswctl's summary: $(cat "$TMP/c2.err")"
grep -q "capture capture-[0-9]* on vSwitch0 ended: [0-9]* frame(s), 0 dropped$" "$SWLOG" ||
	fail "the daemon did not log the end of the capture"
wait_for 5 sh -c "! '$CTL' -s '$SOCK' mirror list | grep -q '^capture-'" || fail "the capture's session stayed"

info "capture: a client that dies leaves nothing"
bg "$CTL" -s "$SOCK" capture vSwitch0 -w /dev/null
CPID=$LASTPID
wait_for 5 sh -c "'$CTL' -s '$SOCK' mirror list vSwitch0 | grep -q '^capture-'" || fail "no capture session"
kill -KILL "$CPID"; wait "$CPID" 2>/dev/null
ping1 10.77.10.2 1 >/dev/null
wait_for 5 sh -c "! '$CTL' -s '$SOCK' mirror list | grep -q '^capture-'" || fail "a dead client's capture stayed"

info "capture: a flood and a reader that does not read"
mkfifo "$TMP/slow"
# the reader opens its end once the flood is over (bounded: 60 s)
bg sh -c "for i in \$(seq 600); do [ -e '$TMP/flooded' ] && break; sleep 0.1; done
	cat '$TMP/slow' >'$TMP/flood.pcapng'"
bg "$CTL" -s "$SOCK" capture vSwitch0 vm1 -w "$TMP/slow" 2>"$TMP/flood.err"
CPID=$LASTPID
wait_for 5 sh -c "'$CTL' -s '$SOCK' mirror list vSwitch0 | grep -q '^capture-'" || fail "no capture session"
ip netns exec "$N1" ping -f -c 20000 -s 18 -W 1 10.77.10.2 >"$TMP/flood.txt" 2>&1
sed 's/^/    /' "$TMP/flood.txt" | tail -2
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$TMP/flood.txt")
awk -v l="${loss:-100}" 'BEGIN {exit !(l <= 1)}' || fail "the switch did not keep up under capture: ${loss}% loss"
ctl --json mirror list vSwitch0 | $PY -c 'import json, sys
s = [s for s in json.load(sys.stdin)["vswitches"][0]["sessions"] if s["capture"]][0]
print("    %s: mirrored %d, dropped %d" % (s["name"], s["mirrored"], s["dropped"]))
assert s["dropped"] > 0 and s["mirrored"] > 0, s' || fail "the flood was not dropped and counted"
touch "$TMP/flooded"
kill -INT "$CPID"
for _ in $(seq 100); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
wait "$CPID" || fail "vswctl capture of the flood exited $?"
grep -q "ended: [0-9]* frame(s), [1-9][0-9]* dropped$" "$SWLOG" || fail "no drops in the daemon's log"
wait_for 5 sh -c "! kill -0 $(echo "$PIDS" | awk '{print $(NF-1)}')" # the reader
b=$(pcapng_blocks "$TMP/flood.pcapng")
echo "    the file: $b (IDB EPB ISB received dropped)"
set -- $b
# received counts the frames dropped too
[ "$1" = 1 ] && [ "$3" = 1 ] && [ "$5" -gt 0 ] && [ $(($2 + $5)) = "$4" ] && [ "$6" = whole ] ||
	fail "the flood's file does not count its drops: $b"
grep -qx "vswctl: $2 frames captured, $5 dropped" "$TMP/flood.err" || fail "vswctl's summary: $(cat "$TMP/flood.err")"
wait_for 5 sh -c "! '$CTL' -s '$SOCK' mirror list | grep -q '^capture-'" || fail "the capture's session stayed"
stop_vswd
echo PASS
