#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: VDE clients on vswd's vde_switch-style directory: two
# vde_plug processes (vdeplug4, the reference VDE client) each join a port
# group through a tap inside its own namespace and carry pings; a client
# that asks for a port number gets that port, and a taken one is refused;
# only vswd's --group may plug in; a client that exits takes its vNIC with
# it; `vde remove` closes the directory and its clients' ports.
. "$(dirname "$0")/netns-lib.sh"
command -v vde_plug >/dev/null || { echo "SKIP: vde_plug missing (package vdeplug)"; exit 77; }

SOCK="$TMP/vswd.sock"
DIR="$TMP/vde"
ctl() { "$B/examples/vswctl" -s "$SOCK" "$@"; }
SWLOG="$TMP/vswd.log"
chmod 755 "$TMP"
bg "$B/examples/vswd" -f -s "$SOCK" --group nogroup 2>"$SWLOG"
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
ctl vswitch add vSwitch0 || fail "vswitch add"
ctl portgroup add vSwitch0 VDE || fail "portgroup add"
ctl policy set vSwitch0 VDE mac_learning=on || fail "policy set"
ctl vde add vSwitch0 VDE "$DIR" || fail "vde add"
test -S "$DIR/ctl" || fail "no $DIR/ctl"

netns "${P}n1"; netns "${P}n2"
# plug NS TAP URL: a vde_plug cable from the switch to a tap inside NS
plug() {
	bg timeout 60 ip netns exec "$1" vde_plug "$3" "tap://$2"
	wait_for 5 ip -n "$1" link show "$2" || fail "vde_plug $3 made no tap"
}
plug "${P}n1" "${P}a" "vde://$DIR"
A=$LASTPID
plug "${P}n2" "${P}b" "vde://$DIR[7]"
ip -n "${P}n1" addr add 10.77.6.1/24 dev "${P}a"; ip -n "${P}n1" link set "${P}a" up
ip -n "${P}n2" addr add 10.77.6.2/24 dev "${P}b"; ip -n "${P}n2" link set "${P}b" up

info "two vde_plug clients ping each other"
ip netns exec "${P}n1" ping -c 3 -i 0.2 -W 2 10.77.6.2 || fail "no ping across the VDE ports"
ctl list | tee "$TMP/list"
grep -q "vnic vde1-vde " "$TMP/list" || fail "the first client is not port 1"
grep -q "vnic vde7-vde " "$TMP/list" || fail "the client asking for port 7 did not get it"

info "a port that is taken is refused"
set +e
timeout 10 vde_plug "vde://$DIR[7]" </dev/null >/dev/null 2>"$TMP/taken.err"; rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "a second client on port 7 was not refused (rc $rc)"

info "an unprivileged client may plug in if in vswd's --group, not otherwise"
if command -v setpriv >/dev/null && getent group nogroup >/dev/null; then
	[ "$(stat -c %a:%G "$DIR/ctl")" = 660:nogroup ] || fail "ctl is $(stat -c %a:%G "$DIR/ctl")"
	set +e
	setpriv --reuid=65534 --regid=1 --clear-groups timeout 5 vde_plug "vde://$DIR" </dev/null 2>"$TMP/denied.err"
	rc=$?
	set -e
	[ $rc -ne 0 ] && grep -q "Permission denied" "$TMP/denied.err" || fail "a client outside the group got in"
	bg sh -c "sleep 4 | setpriv --reuid=65534 --regid=65534 --clear-groups vde_plug 'vde://$DIR' >/dev/null"
	U=$LASTPID
	wait_for 3 sh -c "'$B/examples/vswctl' -s '$SOCK' list | grep -q 'vnic vde2-vde .* up'" ||
		fail "a client in the group could not plug in"
	wait "$U"
else
	echo "  (setpriv or group nogroup missing: not checked)"
fi

info "a client that exits takes its port with it"
kill "$A"; wait "$A" 2>/dev/null
wait_for 5 sh -c "! '$B/examples/vswctl' -s '$SOCK' list | grep -q 'vnic vde1-vde '" ||
	fail "vde1 is still there after its client exited"

info "vde remove closes the directory and its ports"
ctl vde remove vSwitch0 "$DIR" || fail "vde remove"
ctl list | grep -q "vnic vde" && fail "VDE ports left after vde remove"
test -e "$DIR/ctl" && fail "$DIR/ctl left behind"
ctl vde add vSwitch0 VDE "$DIR" || fail "vde add again"
echo PASS
