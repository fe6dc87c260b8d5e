#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswd driven by vswctl end to end: a switch built from the
# CLI carries pings between two namespaces on tap vNICs; read commands in
# text and JSON; backend options passed through and --offloads shown by
# list; exit statuses 1 (bad input, naming the word) and 2 (no
# daemon); a non-root peer may read but not change; a bad configuration
# line is reported with its line number and nothing is left half-built;
# daemon mode with a pid file; SIGTERM removes taps and the socket.
. "$(dirname "$0")/netns-lib.sh"

VSWD="$B/examples/vswd"
CTL="$B/examples/vswctl"
chmod 755 "$TMP"
SOCK="$TMP/vswd.sock"
ctl() { "$CTL" -s "$SOCK" "$@"; }

info "a switch from the command line"
bg "$VSWD" -f -s "$SOCK"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "socket mode $(stat -c %a "$SOCK")"
ctl vswitch add vSwitch0 || fail "vswitch add"
ctl portgroup add vSwitch0 "VM Network" || fail "portgroup add"
ctl portgroup add vSwitch0 Prod --vlan 10 || fail "portgroup add --vlan"
ctl vnic add vSwitch0 "VM Network" vm1 --backend "tap:${P}a" || fail "vnic add vm1"
ctl vnic add vSwitch0 "VM Network" vm2 --mac 00:50:56:12:34:56 --backend "tap:${P}b" || fail "vnic add vm2"
ctl vmk add vSwitch0 Prod vmk0 --services management,vmotion || fail "vmk add"
ctl policy set vSwitch0 Prod forged_transmits=reject || fail "policy set"
netns "${P}n1"; netns "${P}n2"
in_ns "${P}n1" "${P}a" 10.77.5.1/24
in_ns "${P}n2" "${P}b" 10.77.5.2/24
[ "$(mac_of "${P}n2" "${P}b")" = 00:50:56:12:34:56 ] || fail "the tap did not take vm2's MAC"
ip netns exec "${P}n1" ping -c 3 -i 0.2 -W 2 10.77.5.2 || fail "no ping through vswd"

info "read commands"
ctl list | tee "$TMP/list"
grep -q '^vSwitch0 ' "$TMP/list" || fail "list: no switch line"
grep -q 'VM Network  *0  *2' "$TMP/list" || fail "list: VM Network line"
grep -q 'Prod  *10  *1' "$TMP/list" || fail "list: Prod line"
ctl --json list | python3 -m json.tool >/dev/null || fail "list --json is not JSON"
ctl stats vSwitch0 vm2 | grep -q 'tx_packets' || fail "stats"
ctl stats --json | python3 -m json.tool >/dev/null || fail "stats --json"
ctl fdb | grep -q 'vmk0' || fail "fdb"
ctl fdb --json | python3 -m json.tool >/dev/null || fail "fdb --json"
ctl policy get vSwitch0 Prod | grep -q 'forged_transmits *reject *(set here)' || fail "policy get"
ctl policy get vSwitch0 Prod | grep -q 'promiscuous *reject *(inherited)' || fail "policy inherited"
ctl --json policy get vSwitch0 Prod | python3 -m json.tool >/dev/null || fail "policy --json"

info "backend options pass through; --offloads within what the backend carries"
ctl vnic add vSwitch0 Prod vm3 --backend "tap:${P}c" --options offloads=off --offloads all ||
	fail "vnic add --options offloads=off --offloads all"
ctl vnic add vSwitch0 Prod vm4 --offloads csum,tso4 || fail "vnic add --offloads"
offl() { ctl --json list | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(*[",".join(p["offloads"]) for s in d["vswitches"] for g in s["portgroups"]
        for p in g["ports"] if p["name"] == sys.argv[1]])' "$1"; }
[ "$(offl vm1)" = "csum,tso4,tso6,tso_ecn" ] || fail "vm1: a tap with its offloads on takes '$(offl vm1)'"
[ "$(offl vm3)" = "" ] || fail "vm3: a tap with offloads=off takes $(offl vm3)"
[ "$(offl vm4)" = "csum,tso4" ] || fail "vm4 takes '$(offl vm4)'"
ctl list | grep -q 'vnic vm4 .* offloads=csum,tso4 uplink=-$' || fail "list: vm4's offloads"
ctl vnic set vSwitch0 vm4 --offloads none || fail "vnic set --offloads none"
[ "$(offl vm4)" = "" ] || fail "vm4 still takes '$(offl vm4)'"
ctl list | grep -q 'vnic vm4 .*offloads' && fail "list: vm4 shows offloads it has not"
set +e; out=$(ctl vnic add vSwitch0 Prod vm5 --backend "tap:${P}d" --options offloads=maybe 2>&1); rc=$?; set -e
[ $rc -eq 1 ] || fail "a backend option the tap refuses: exit $rc ($out)"
ctl stats --all vSwitch0 vm3 | grep -q 'bad_offload' || fail "stats: no bad_offload counter"
ctl vnic remove vSwitch0 vm3 && ctl vnic remove vSwitch0 vm4 || fail "vnic remove vm3 vm4"

info "JSON is UTF-8 even for names that are not; an empty active list"
ctl portgroup add vSwitch0 "$(printf 'caf\303 \377q"\\')" || fail "portgroup add (bytes)"
for cmd in list "policy get vSwitch0" stats fdb; do
	ctl --json $cmd | python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))' ||
		fail "$cmd --json: not strict UTF-8 JSON"
done
ctl --json list | grep -qF '"caf\u00c3 \u00ffq\"\\"' || fail "bytes not written as \u00XX"
ctl policy set vSwitch0 "$(printf 'caf\303 \377q"\\')" active= || fail "policy set active= (empty)"
ctl --json policy get vSwitch0 "$(printf 'caf\303 \377q"\\')" | grep -q '"inherited": false, "active": \[\], "standby": \[\]' ||
	fail "active= did not set an empty active list"
ctl portgroup remove vSwitch0 "$(printf 'caf\303 \377q"\\')" || fail "portgroup remove (bytes)"

info "bad input: exit 1, one line naming the word"
for bad in "frobnicate" "portgroup add vSwitch0 X --vlan 4096" "vnic add vSwitch0 Nope vm9" \
	   "vnic add vSwitch0 Prod vm9 --mac 00:50:56:zz:00:01" "vswitch add vSwitch0"; do
	set +e; out=$(ctl $bad 2>&1); rc=$?; set -e
	[ $rc -eq 1 ] || fail "'$bad' exited $rc"
	[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "'$bad': more than one line"
	echo "  $bad -> $out"
done
ctl vnic add vSwitch0 Nope vm9 2>&1 | grep -q "unknown port group 'Nope'" || fail "names the port group"
set +e; ctl portgroup add vSwitch0 X --vlan 4096 2>&1 | grep -q "'4096'"; rc=$?; set -e
[ $rc -eq 0 ] || fail "VLAN 4096 not named"
set +e; "$CTL" -s "$TMP/nothing.sock" list >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "unreachable daemon exited $rc"

info "a failing command changes nothing"
before=$(ctl --json list)
set +e; ctl policy set vSwitch0 Prod promiscuous=accept active=vmnic9 2>/dev/null; set -e
[ "$(ctl --json list)" = "$before" ] || fail "state changed"
ctl policy get vSwitch0 Prod | grep -q 'promiscuous *reject' || fail "a half-applied policy set"

info "SIGTERM: taps removed, socket unlinked"
kill -TERM "$VPID"; wait "$VPID" || fail "vswd exit status"
PIDS=""
[ ! -e "$SOCK" ] || fail "socket left behind"
ip -n "${P}n1" link show "${P}a" >/dev/null 2>&1 && fail "tap left behind"

info "credentials: with --group, another user may read but not change"
if command -v setpriv >/dev/null && getent group nogroup >/dev/null; then
	bg "$VSWD" -f -s "$SOCK" --group nogroup
	VPID=$LASTPID
	wait_for 5 test -S "$SOCK" || fail "vswd did not start"
	ctl vswitch add vSwitch0
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$CTL" -s "$SOCK" "$@"; }
	asnobody list >/dev/null || fail "a group member cannot read"
	set +e; out=$(asnobody vswitch add evil 2>&1); rc=$?; set -e
	echo "  as nobody: vswitch add -> $out"
	[ $rc -eq 1 ] && echo "$out" | grep -q "permission denied" || fail "a non-root peer changed the switch"
	ctl list | grep -q evil && fail "evil switch exists"
	kill -TERM "$VPID"; wait "$VPID"; PIDS=""
else
	echo "  (setpriv or group nogroup missing: skipped)"
fi

info "a bad configuration line: reported with its number, nothing half-built"
cat >"$TMP/bad.conf" <<CONF
vswitch add vSwitch0
portgroup add vSwitch0 "VM Network"
vnic add vSwitch0 "VM Network" vm1 --backend tap:${P}c
vnic add vSwitch0 "VM Network" vm2 --mac 00:50:56:00:00:zz
CONF
set +e; "$VSWD" -f -s "$SOCK" -c "$TMP/bad.conf" 2>"$TMP/bad.err"; rc=$?; set -e
cat "$TMP/bad.err"
[ $rc -ne 0 ] || fail "vswd started with a bad configuration"
grep -q "bad.conf:4:" "$TMP/bad.err" || fail "line number not reported"
ip link show "${P}c" >/dev/null 2>&1 && fail "a tap from line 3 was left behind"
[ ! -e "$SOCK" ] || fail "socket left behind"
sed -i 's/^vnic add vSwitch0 "VM Network" vm2.*/vnic add vSwitch0 Nowhere vm2/' "$TMP/bad.conf"
set +e; "$VSWD" -f -s "$SOCK" -c "$TMP/bad.conf" 2>"$TMP/bad.err"; rc=$?; set -e
grep -q "bad.conf:4: unknown port group 'Nowhere'" "$TMP/bad.err" || fail "run-time error not located"
ip link show "${P}c" >/dev/null 2>&1 && fail "a tap from line 3 was left behind (run time)"

info "daemon mode with a pid file and a good configuration"
cat >"$TMP/good.conf" <<CONF
# the demo's switch
vswitch add vSwitch0 --mtu 9000
portgroup add vSwitch0 "VM Network"
vnic add vSwitch0 "VM Network" vm1 --backend tap:${P}d
policy set vSwitch0 "VM Network" promiscuous=reject
CONF
"$VSWD" -s "$SOCK" -c "$TMP/good.conf" -p "$TMP/vswd.pid" || fail "daemon mode"
DPID=$(cat "$TMP/vswd.pid"); PIDS="$PIDS $DPID"
ctl list | grep -q "vSwitch0 .* 9000" || fail "configuration not applied"
ip link show "${P}d" >/dev/null || fail "configured tap missing"
kill -TERM "$DPID"
wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null" || fail "daemon did not stop"
[ ! -e "$TMP/vswd.pid" ] || fail "pid file left behind"
echo PASS
