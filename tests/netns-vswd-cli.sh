#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswctl's operator commands against a running vswd:
# --may-exist / --if-exists (no error, nothing changed), fdb flush, stats
# clear and stats --all, each port's current uplink in list (text and
# JSON), typed JSON (numbers, booleans), a bad backend option named in the
# error and in the log, names completed from the daemon (help, --version
# and typos without a daemon: check-vswctl-help.sh).
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"

start_vswd
info "--may-exist and --if-exists"
ctl vswitch add vSwitch0 --mtu 9000 || fail "vswitch add"
ctl vswitch add vSwitch0 && fail "a second vswitch add succeeded"
out=$(ctl vswitch add vSwitch0 --may-exist --mtu 1500) || fail "vswitch add --may-exist"
[ -z "$out" ] || fail "--may-exist printed '$out'"
ctl list | grep -q '^vSwitch0  *0  *9000' || fail "--may-exist changed the existing switch"
ctl portgroup add vSwitch0 Prod --vlan 10 || fail "portgroup add"
ctl portgroup add vSwitch0 Prod --vlan 20 --may-exist || fail "portgroup add --may-exist"
ctl list | grep -q 'Prod  *10 ' || fail "--may-exist changed the port group's VLAN"
ctl vnic add vSwitch0 Prod vm1 --backend "tap:${P}a" || fail "vnic add"
ctl vnic add vSwitch0 Prod vm1 --backend "tap:${P}a" --may-exist || fail "vnic add --may-exist"
ctl uplink add vSwitch0 vm1 --backend "tap:${P}x" --may-exist 2>/dev/null &&
	fail "--may-exist took a vNIC for an uplink"
veth "${P}u0" "${P}p0"; ip link set "${P}u0" up; ip link set "${P}p0" up
ctl uplink add vSwitch0 vmnic0 --backend "afpacket:${P}u0" || fail "uplink add"
ctl uplink add vSwitch0 vmnic0 --backend "afpacket:${P}u0" --may-exist || fail "uplink add --may-exist"
ctl vmk add vSwitch0 Prod vmk0 --backend "tap:${P}k" || fail "vmk add"
ctl vmk add vSwitch0 Prod vmk0 --backend "tap:${P}k" --may-exist || fail "vmk add --may-exist"
ctl netstack add "${P}s" || fail "netstack add"
ctl netstack add "${P}s" --may-exist || fail "netstack add --may-exist"
ctl netstack remove "${P}s" || fail "netstack remove"
ctl netstack remove "${P}s" --if-exists || fail "netstack remove --if-exists"
ctl netstack remove "${P}s" 2>/dev/null && fail "netstack remove of a missing stack succeeded"
mkdir -p "$TMP/vde"
ctl vde add vSwitch0 Prod "$TMP/vde" || fail "vde add"
ctl vde add vSwitch0 Prod "$TMP/vde" --may-exist || fail "vde add --may-exist"
ctl vde remove vSwitch0 "$TMP/vde" || fail "vde remove"
ctl vde remove vSwitch0 "$TMP/vde" --if-exists || fail "vde remove --if-exists"
for cmd in "vnic remove vSwitch0 nope" "vmk remove vSwitch0 nope" "uplink remove vSwitch0 nope" \
	   "portgroup remove vSwitch0 nope" "vswitch remove nope" "portgroup remove nope pg" \
	   "uplink remove vSwitch0 vm1"; do
	ctl $cmd 2>/dev/null && fail "'$cmd' succeeded"
	out=$(ctl $cmd --if-exists) || fail "'$cmd --if-exists' failed"
	[ -z "$out" ] || fail "'$cmd --if-exists' printed '$out'"
done
ctl vnic list vSwitch0 2>&1 | grep -q "unknown verb 'list' for vnic\|'vnic list' is not a command" || fail "vnic list"

info "each port's current uplink and the uplink's state in list"
ctl policy set vSwitch0 active=vmnic0 || fail "teaming"
wait_for 5 sh -c "'$CTL' -s '$SOCK' list | grep -q 'vnic vm1 .* uplink=vmnic0$'" || { ctl list; fail "list: vm1's uplink"; }
ctl --json list | $PY -c 'import json, sys
d = json.load(sys.stdin)
ports = {p["name"]: p for s in d["vswitches"] for g in s["portgroups"] for p in g["ports"]}
assert ports["vm1"]["current_uplink"] == "vmnic0", ports["vm1"]
u = d["vswitches"][0]["uplinks"][0]
assert u["name"] == "vmnic0" and u["lldp_neighbors"] == [] and u["beacon"] == "off", u
assert isinstance(d["vswitches"][0]["mtu"], int)' || fail "list --json: current_uplink, uplink state"
ip link set "${P}u0" down
wait_for 5 sh -c "'$CTL' -s '$SOCK' --json list | grep -q '\"current_uplink\": null'" || fail "no current uplink once down"
ip link set "${P}u0" up

info "typed JSON"
ctl policy set vSwitch0 Prod shaping=yes average_bps=100M load_balancing=src_mac || fail "policy set"
ctl --json policy get vSwitch0 Prod | $PY -c 'import json, sys
p = json.load(sys.stdin)["policies"]
assert p["average_bps"]["value"] == 100000000, p["average_bps"]
assert p["shaping"]["value"] is True, p["shaping"]
assert p["load_balancing"]["value"] == "src_mac", p["load_balancing"]
assert p["promiscuous"]["value"] == "reject" and p["promiscuous"]["inherited"] is True' ||
	fail "policy get --json: not typed"
ctl portgroup add vSwitch0 "$(printf 'x\377\300y')" || fail "portgroup add (bytes)"
for cmd in list "policy get vSwitch0" stats fdb "uplink neighbors"; do
	ctl --json $cmd | $PY -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))' ||
		fail "$cmd --json: not UTF-8 JSON"
done

info "stats: non-zero counters, --all, clear"
netns "${P}n1"
in_ns "${P}n1" "${P}a" 10.77.9.1/24
ip netns exec "${P}n1" ping -c 2 -i 0.2 -W 1 10.77.9.2 >/dev/null 2>&1 || true
wait_for 5 sh -c "'$CTL' -s '$SOCK' stats vSwitch0 vm1 | grep -q 'rx_packets'" || fail "no rx_packets on vm1"
n_all=$(ctl stats --all vSwitch0 vm1 | grep -c '^  ')
n_some=$(ctl stats vSwitch0 vm1 | grep -c '^  ')
[ "$n_some" -lt "$n_all" ] || fail "stats shows $n_some of $n_all counters"
ctl stats vSwitch0 vm1 | awk 'NR > 1 && $2 == 0 {exit 1}' || fail "stats shows a zero"
rxc() { ctl stats --all vSwitch0 vm1 | awk '$1 == "rx_packets" {print $2}'; }
before=$(rxc)
ctl stats clear vSwitch0 vm1 || fail "stats clear"
# the namespaces' own chatter (IPv6, ARP) may bring a frame or two after the
# clear: the ping's frames must be gone, not every counter be 0
after=$(rxc)
[ "$before" -ge 3 ] && [ "$after" -lt "$before" ] && [ "$after" -le 2 ] ||
	{ ctl stats --all vSwitch0 vm1; fail "stats clear left counters (rx_packets $before, then $after)"; }
ctl --json stats vSwitch0 vm1 | $PY -c 'import json, sys
c = json.load(sys.stdin)["vswitches"][0]["ports"][0]["counters"]
assert c["rx_packets"] <= 2 and len(c) > 20, c' || fail "stats --json after clear"
ctl stats clear vSwitch0 || fail "stats clear SWITCH"

info "fdb flush"
# a MAC behind vm1 other than its own (a nested guest) is learned
ctl policy set vSwitch0 Prod mac_learning=yes forged_transmits=accept || fail "policy set mac_learning"
ip -n "${P}n1" link set "${P}a" address 02:00:00:00:00:77
ip netns exec "${P}n1" ping -c 2 -i 0.2 -W 1 10.77.9.3 >/dev/null 2>&1 || true
wait_for 5 sh -c "'$CTL' -s '$SOCK' fdb vSwitch0 | grep -q learned" || { ctl fdb; fail "nothing learned"; }
ctl fdb flush vSwitch0 || fail "fdb flush"
ctl fdb vSwitch0 | grep -q learned && fail "fdb flush left learned entries"
ctl fdb vSwitch0 | grep -q static || fail "fdb flush removed static entries"
ctl fdb flush nope 2>&1 | grep -q "unknown vswitch 'nope'" || fail "fdb flush of a missing switch"

info "a bad backend option is named, in the answer and in the log"
veth "${P}u1" "${P}p1"
set +e; out=$(ctl uplink add vSwitch0 vmnic1 --backend "afpacket:${P}u1" --options foo=1 2>&1); rc=$?; set -e
[ $rc -eq 1 ] || fail "bad option: exit $rc"
echo "  -> $out"
echo "$out" | grep -q "unknown option 'foo' (afpacket takes rx=v2|v3" || fail "bad option not named: $out"
set +e; out=$(ctl uplink add vSwitch0 vmnic1 --backend "afpacket:${P}u1" --options rx=v9 2>&1); set -e
echo "$out" | grep -q "bad value in --options 'rx=v9'" || fail "bad option value: $out"
set +e; out=$(ctl uplink add vSwitch0 vmnic1 --backend "afpacket:${P}u1" --options rxx=v3 2>&1); set -e
echo "$out" | grep -q "unknown option 'rxx' (did you mean 'rx'?)" || fail "no suggestion for rxx: $out"
set +e; out=$(ctl uplink add vSwitch0 vmnic1 --backend "afpaket:${P}u1" 2>&1); set -e
echo "$out" | grep -q "no backend type 'afpaket' (did you mean 'afpacket'?)" || fail "no suggestion for afpaket: $out"
sleep 0.2
grep -q "vmnic1: backend 'afpacket:${P}u1': unknown option 'foo'" "$SWLOG" ||
	fail "the log does not say why uplink add failed"
ctl list | grep -q vmnic1 && fail "a failed uplink add left its uplink"
info "bash completion of the names the daemon knows"
if command -v python3 >/dev/null; then
	(
	# shellcheck disable=SC1091
	. "$(dirname "$0")/../examples/daemon/bash-completion/vswctl"
	compopt() { :; }
	comp() { # WANT WORDS...
		local want=$1; shift
		COMP_LINE="vswctl -s $SOCK $*"; COMP_POINT=${#COMP_LINE}
		COMP_WORDS=("$CTL" -s "$SOCK" "$@"); COMP_CWORD=$(( $# + 2 ))
		_vswctl
		[ "${COMPREPLY[*]}" = "$want" ] || { echo "FAIL: vswctl $* <TAB>: '${COMPREPLY[*]}', wanted '$want'"; exit 1; }
		echo "  vswctl $* <TAB> -> ${COMPREPLY[*]}"
	}
	comp "vSwitch0" vnic remove vS
	comp "Prod" portgroup set vSwitch0 P
	comp "vm1" vnic set vSwitch0 v
	comp "vmnic0" uplink set vSwitch0 ""
	comp "vmk0" vmk set vSwitch0 ""
	comp "vmnic0 vm1 vmk0" stats vSwitch0 ""
	) || fail "completion of names"
fi
stop_vswd
echo PASS
