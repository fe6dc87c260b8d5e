#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: faults, none of which may crash the switch or leave it
# spinning: a tap vNIC's namespace deleted under traffic; a control client
# that disconnects in mid-command, and one that connects and says nothing;
# vswd killed with SIGKILL and started again with the same configuration
# comes back with the same switches.
. "$(dirname "$0")/netns-lib.sh"

VSWD="$B/examples/vswd"
CTL="$B/examples/vswctl"
SOCK="$TMP/vswd.sock"
ctl() { "$CTL" -s "$SOCK" "$@"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
not_spinning() {
	local a b; a=$(cpu_ms "$1"); sleep 2; b=$(cpu_ms "$1")
	echo "  CPU over 2 s: $((b - a)) ms"
	[ $((b - a)) -lt 500 ]
}

cat >"$TMP/vswd.conf" <<CONF
vswitch add vSwitch0
portgroup add vSwitch0 "VM Network"
portgroup add vSwitch0 Prod --vlan 10
vnic add vSwitch0 "VM Network" vm1 --mac 00:50:56:00:01:01 --backend tap:${P}a
vnic add vSwitch0 "VM Network" vm2 --mac 00:50:56:00:01:02 --backend tap:${P}b
vswitch add vSwitch1 --mtu 9000
CONF
bg "$VSWD" -f -s "$SOCK" -c "$TMP/vswd.conf"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
netns "${P}n1"; netns "${P}n2"
in_ns "${P}n1" "${P}a" 10.77.6.1/24
in_ns "${P}n2" "${P}b" 10.77.6.2/24
ip netns exec "${P}n1" ping -c 2 -i 0.2 -W 2 10.77.6.2 >/dev/null || fail "no connectivity"

info "a tap vNIC's namespace is deleted under traffic"
bg ip netns exec "${P}n1" ping -q -c 500 -i 0.01 -W 1 10.77.6.2
sleep 0.5
ip netns del "${P}n2"
NETNS="${P}n1"
sleep 1
kill -0 "$VPID" || fail "vswd died"
not_spinning "$VPID" || fail "vswd spins after the namespace went away"
ctl stats vSwitch0 vm2 | grep -E "rx_errors|tx_errors|link_down|tx_packets" | sed 's/^/  /'
ctl list | grep -q "vm2 .* down" || fail "vm2 not marked down"

info "a control client leaves in mid-command; another says nothing"
python3 - "$SOCK" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"vswitch add Half")      # no newline: a command cut short
s.close()
PY
python3 - "$SOCK" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
time.sleep(4)                        # connected, silent
PY
SILENT=$!; PIDS="$PIDS $SILENT"
sleep 0.3
ctl list >/dev/null || fail "vswd stopped answering"
ctl list | grep -q Half && fail "a half-sent command ran"
kill -0 "$VPID" || fail "vswd died"
not_spinning "$VPID" || fail "vswd spins with a silent client"

info "SIGKILL, then a restart with the same configuration"
before=$(ctl --json list | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted((s["name"], s["mtu"], sorted(p["name"] for p in s["portgroups"])) for s in d["vswitches"]))')
kill -KILL "$VPID"; wait "$VPID" 2>/dev/null
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v "^$VPID$" | tr '\n' ' ')
[ -S "$SOCK" ] || fail "expected a stale socket after SIGKILL"
wait_for 5 sh -c "! ip link show ${P}b >/dev/null 2>&1 && ! ip link show ${P}a >/dev/null 2>&1" || true
bg "$VSWD" -f -s "$SOCK" -c "$TMP/vswd.conf"
VPID=$LASTPID
wait_for 5 ctl list || fail "vswd did not come back"
after=$(ctl --json list | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted((s["name"], s["mtu"], sorted(p["name"] for p in s["portgroups"])) for s in d["vswitches"]))')
echo "  before: $before"
echo "  after:  $after"
[ "$before" = "$after" ] || fail "not the same switches"
ip link show "${P}a" >/dev/null || fail "tap not recreated"
kill -TERM "$VPID"; wait "$VPID" || fail "exit status"
PIDS=""
echo PASS
