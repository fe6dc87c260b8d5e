#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswd keeps its running configuration in a state file
# (--state): show-config prints it and the file holds it after every
# change; save FILE writes it elsewhere; a restart after SIGTERM or SIGKILL
# builds the same switches; vswd -t checks a file; SIGHUP applies only what
# the edited file changes (and nothing of a bad file); a daemon that cannot
# start says why on stderr. Then SIGKILL at random moments of a scripted
# session: after each restart the switches are exactly those of the
# commands answered OK, or of those and the one in flight, never a mix.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"

STATE="$TMP/state.conf"
# a killed daemon leaves its socket file: wait for an answer, not the file
start() {
	rm -f "$SOCK"
	start_vswd "$@"
	wait_for 5 ctl list || fail "vswd does not answer"
}
# show-config without its first line (the version)
config() { ctl show-config | tail -n +2; }
same_config() { # FILE: the running configuration is FILE's
	config >"$TMP/now" || fail "show-config"
	diff -u "$1" "$TMP/now" || fail "configuration differs from $1"
}

info "changes are in the state file as they are answered"
LINKS="$LINKS ${P}t2" # a tap that outlives the daemon, by design
start --state "$STATE"
ctl vswitch add vSwitch0 --mtu 9000 --beacon-interval 500 || fail "vswitch add"
ctl portgroup add vSwitch0 "VM Network" --vlan 10 || fail "portgroup add"
ctl portgroup add vSwitch0 Prod --vlan 20 || fail "portgroup add Prod"
ctl uplink add vSwitch0 vmnic0 --backend "memory:${P}w0" || fail "uplink add"
ctl uplink add vSwitch0 vmnic1 --backend "memory:${P}w1" --offloads csum || fail "uplink add vmnic1"
ctl policy set vSwitch0 load_balancing=ip_hash active=vmnic1 standby=vmnic0 || fail "policy set"
ctl policy set vSwitch0 "VM Network" promiscuous=accept active=vmnic0 || fail "pg policy set"
ctl vnic add vSwitch0 "VM Network" vm1 --backend "memory:${P}w2" --offloads none || fail "vnic add"
ctl vnic add vSwitch0 Prod vm2 --mac 00:50:56:aa:bb:cc --backend "tap:${P}t2" || fail "vnic add vm2"
ctl vnic set vSwitch0 vm1 --link down || fail "vnic set"
ctl vmk add vSwitch0 Prod vmk0 --services management,vmotion || fail "vmk add"
ctl vswitch add Other || fail "second switch"
ctl portgroup add Other "Name with spaces" || fail "quoted name"
config >"$TMP/built"
tail -n +2 "$STATE" | diff -u "$TMP/built" - || fail "state file is not show-config"
grep -qx 'vnic add vSwitch0 Prod vm2 --mac 00:50:56:aa:bb:cc --backend tap:'"${P}t2" "$TMP/built" ||
	fail "vm2 not as added: $(grep vm2 "$TMP/built")"
grep -q '^policy set vSwitch0 "VM Network" promiscuous=accept active=vmnic0 standby=$' "$TMP/built" ||
	fail "port group policy: $(grep '^policy' "$TMP/built")"
[ "$(stat -c %a "$STATE")" = 600 ] || fail "state file mode $(stat -c %a "$STATE")"
ctl save "$TMP/saved.conf" || fail "vswctl save FILE"
cmp -s "$STATE" "$TMP/saved.conf" || fail "save FILE differs from the state file"
ctl save || fail "vswctl save"
ctl vswitch add Other 2>/dev/null && fail "a failed command was answered OK"
cmp -s "$STATE" "$TMP/saved.conf" || fail "a failed command changed the state file"

info "vswd -t"
"$VSWD" -t --state "$STATE" >"$TMP/t.out" || fail "vswd -t of the state file"
grep -q "configuration OK" "$TMP/t.out" || fail "vswd -t said: $(cat "$TMP/t.out")"
printf 'vswitch add s1\nportgroup add s1 pg1 --vlan 7\nvnic add s1 nosuch vm9\n' >"$TMP/bad.conf"
set +e; "$VSWD" -t -c "$TMP/bad.conf" 2>"$TMP/t.err"; rc=$?; set -e
[ $rc = 1 ] && grep -q "bad.conf:3: unknown port group 'nosuch'" "$TMP/t.err" ||
	fail "vswd -t of a bad file: rc $rc, $(cat "$TMP/t.err")"
ip link show "${P}t2" >/dev/null 2>&1 || fail "vswd -t touched the running daemon's tap"

info "daemon mode: a configuration that does not load is explained on stderr"
set +e; timeout 10 "$VSWD" -s "$TMP/d.sock" --no-state -c "$TMP/bad.conf" 2>"$TMP/d.err"; rc=$?; set -e
[ $rc = 1 ] && grep -q "bad.conf:3: unknown port group" "$TMP/d.err" ||
	fail "daemon mode, bad configuration: rc $rc, stderr '$(cat "$TMP/d.err")'"

info "restart after SIGKILL, then after SIGTERM"
kill -KILL "$VPID"; wait "$VPID" 2>/dev/null || true
start --state "$STATE"
same_config "$TMP/built"
stop_vswd
start --state "$STATE"
same_config "$TMP/built"

info "SIGHUP applies only what the file changes"
ifindex() { cat "/sys/class/net/$1/ifindex"; }
tap_before=$(ifindex "${P}t2")
sed -i -e 's/^portgroup add vSwitch0 Prod --vlan 20$/portgroup add vSwitch0 Prod --vlan 30/' \
	-e '/^vmk add/d' -e 's/ --offloads csum$/ --offloads none/' \
	-e 's/^policy set vSwitch0 "VM Network" .*/policy set vSwitch0 "VM Network" forged_transmits=reject/' \
	"$STATE"
printf 'portgroup add vSwitch0 pg3 --vlan 5\nvnic add vSwitch0 pg3 vm3 --mac 00:50:56:00:00:33\n' >>"$STATE"
printf 'vswitch remove Other\n' >>"$STATE"
: >"$SWLOG.hup"; cp "$SWLOG" "$SWLOG.before"
kill -HUP "$VPID"
wait_for 5 grep -q "reload: .* command(s)" "$SWLOG" || fail "no reload logged"
grep "reload:" "$SWLOG" | grep -q "reload: $STATE: 10 command(s)" ||
	fail "reload ran other than 10 commands: $(grep reload: "$SWLOG")"
# vmk0 and Other removed, vmnic1 replaced (2), Prod set, pg3 and vm3 added, the
# port group's promiscuous and teaming cleared and forged_transmits set (2)
[ "$(ifindex "${P}t2")" = "$tap_before" ] || fail "an unchanged tap vNIC was made again"
config >"$TMP/after"
grep -q '^portgroup add vSwitch0 Prod --vlan 30$' "$TMP/after" || fail "VLAN not set"
grep -q '^vmk add' "$TMP/after" && fail "vmk0 not removed"
grep -q '^vswitch add Other' "$TMP/after" && fail "switch Other not removed"
grep -q '^uplink add vSwitch0 vmnic1 --backend memory:'"${P}w1"' --offloads none$' "$TMP/after" ||
	fail "vmnic1 not replaced: $(grep vmnic1 "$TMP/after")"
grep -q '^policy set vSwitch0 "VM Network" forged_transmits=reject$' "$TMP/after" ||
	fail "port group policy: $(grep '^policy' "$TMP/after")"
grep -q '^vnic add vSwitch0 pg3 vm3 --mac 00:50:56:00:00:33$' "$TMP/after" || fail "vm3 not added"
grep -q 'policy set vSwitch0 promiscuous=reject .*load_balancing=ip_hash.* active=vmnic1 standby=vmnic0$' \
	"$TMP/after" || fail "switch policy lost: $(grep '^policy set vSwitch0 prom' "$TMP/after")"
tail -n +2 "$STATE" | diff -u "$TMP/after" - || fail "state file not rewritten after the reload"
kill -HUP "$VPID"
wait_for 5 grep -q "reload: $STATE: 0 command(s)" "$SWLOG" || fail "a second reload changed something"
echo 'vnic add vSwitch0 nosuchpg vm4' >>"$STATE"
kill -HUP "$VPID"
wait_for 5 grep -q "reload: .*:.*unknown port group 'nosuchpg'.*nothing changed" "$SWLOG" ||
	fail "a bad file's reload: $(grep reload: "$SWLOG" | tail -1)"
same_config "$TMP/after"
ctl save || fail "save after a bad reload"
tail -n +2 "$STATE" | diff -u "$TMP/after" - || fail "save did not write the running configuration back"
stop_vswd

info "guests' taps and VMkernel interfaces outlive the daemon, and are adopted again"
G1="${P}g1"; G2="${P}g2"; STACK="${P}st"
netns "$G1"; netns "$G2"; NETNS="$NETNS $STACK"
start --state "$STATE"
ctl vswitch add vSwitch9 || fail "vswitch add"
ctl portgroup add vSwitch9 Guests --vlan 42 || fail "portgroup add"
ctl netstack add "$STACK" || fail "netstack add"
ctl vnic add vSwitch9 Guests vm1 --backend "tap:${P}a,netns=$G1" || fail "vnic add in $G1"
ctl vnic add vSwitch9 Guests vm2 --backend "tap:${P}b,netns=$G2" || fail "vnic add in $G2"
ctl vmk add vSwitch9 Guests vmk9 --netstack "$STACK" --ip 10.77.42.9/24 || fail "vmk add"
ip -n "$G1" addr add 10.77.42.1/24 dev "${P}a" && ip -n "$G1" link set "${P}a" up || fail "address in $G1"
ip -n "$G2" addr add 10.77.42.2/24 dev "${P}b" && ip -n "$G2" link set "${P}b" up || fail "address in $G2"
nsifindex() { ip -n "$1" -o link show "$2" | cut -d: -f1; }
a=$(nsifindex "$G1" "${P}a"); b=$(nsifindex "$G2" "${P}b"); k=$(nsifindex "$STACK" vmk9)
pings() { # the guests reach each other and the VMkernel interface
	ip netns exec "$G1" ping -c 2 -W 2 -i 0.2 10.77.42.2 >/dev/null || fail "$1: vm1 -> vm2"
	ip netns exec "$G2" ping -c 2 -W 2 -i 0.2 10.77.42.9 >/dev/null || fail "$1: vm2 -> vmk9"
}
kept() { # the same interfaces, with the guests' addresses
	[ "$(nsifindex "$G1" "${P}a")" = "$a" ] || fail "$1: vm1's tap is not the guest's any more"
	[ "$(nsifindex "$G2" "${P}b")" = "$b" ] || fail "$1: vm2's tap is not the guest's any more"
	[ "$(nsifindex "$STACK" vmk9)" = "$k" ] || fail "$1: vmk9 is not the same interface"
	ip -n "$G1" addr show "${P}a" | grep -q 10.77.42.1/24 || fail "$1: the guest's address went"
	[ "$(ip -o link show | grep -c "${P}[ab]")" = 0 ] || fail "$1: a tap appeared in the root namespace"
}
pings "before"
kill -KILL "$VPID"; wait "$VPID" 2>/dev/null || true
kept "after SIGKILL"
start --state "$STATE"
kept "after the restart"
pings "after SIGKILL and a restart"
stop_vswd
kept "after SIGTERM"
start --state "$STATE"
pings "after SIGTERM and a restart"
ctl vnic remove vSwitch9 vm2 || fail "vnic remove"
ip -n "$G2" link show "${P}b" >/dev/null 2>&1 && fail "a removed vNIC's tap stayed"
ctl vswitch remove vSwitch9 || fail "vswitch remove"
ip -n "$G1" link show "${P}a" >/dev/null 2>&1 && fail "a removed switch's tap stayed"
ip -n "$STACK" link show vmk9 >/dev/null 2>&1 && fail "a removed switch's VMkernel interface stayed"
ctl netstack remove "$STACK" || fail "netstack remove"
stop_vswd

info "SIGKILL at random moments of a scripted session"
# the script: every kind of change, on memory wires (nothing of the host)
S="$TMP/script"
{
	echo "vswitch add s1 --mtu 1500"
	for i in 1 2 3; do echo "portgroup add s1 pg$i --vlan $((i * 10))"; done
	for i in 0 1; do echo "uplink add s1 up$i --backend memory:${P}k$i"; done
	echo "policy set s1 load_balancing=src_mac active=up1 standby=up0"
	for i in 1 2 3 4 5 6; do echo "vnic add s1 pg$(( (i % 3) + 1 )) vm$i --backend memory:${P}v$i"; done
	echo "policy set s1 pg2 promiscuous=accept"
	echo "vnic set s1 vm2 --link down"
	echo "portgroup set s1 pg3 --vlan 33"
	echo "vnic remove s1 vm4"
	echo "vswitch add s2 --max-macs 100"
	echo "portgroup add s2 a"
	echo "vmk add s2 a vmk1 --services vmotion"
	echo "policy clear s1 pg2 promiscuous"
	echo "uplink remove s1 up0"
	echo "vswitch set s1 --mtu 9000"
	echo "vnic add s1 pg1 vm7 --mac 00:50:56:01:02:03"
	echo "vswitch remove s2"
} >"$S"
n=$(wc -l <"$S")
# the configuration after each prefix of the script, from a daemon never killed
SOCK="$TMP/ref.sock"
start --no-state
k=0
config >"$TMP/ref.0"
t0=$(date +%s%N)
while IFS= read -r line; do
	k=$((k + 1))
	eval "ctl $line" || fail "reference: $line"
	config >"$TMP/ref.$k"
done <"$S"
# ms the script takes: the reference ran two vswctl per command, a round runs one
span=$(( ($(date +%s%N) - t0) / 2000000 ))
stop_vswd
SOCK="$TMP/vswd.sock"
rounds=${VSW_KILL_ROUNDS:-12}
for r in $(seq 1 "$rounds"); do
	rm -f "$TMP/k.state" "$TMP/k.ok"
	start --state "$TMP/k.state"
	( while IFS= read -r line; do eval "ctl $line" 2>/dev/null && echo ok >>"$TMP/k.ok"; done <"$S" ) &
	runner=$!
	# somewhere in the session, or just after it
	ms=$(( RANDOM % span ))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$VPID"
	wait "$runner" 2>/dev/null || true
	wait "$VPID" 2>/dev/null || true
	ok=$(wc -l <"$TMP/k.ok" 2>/dev/null || echo 0)
	start --state "$TMP/k.state"
	config >"$TMP/k.now" || fail "round $r: show-config after the restart"
	if cmp -s "$TMP/k.now" "$TMP/ref.$ok"; then
		got=$ok
	elif [ "$ok" -lt "$n" ] && cmp -s "$TMP/k.now" "$TMP/ref.$((ok + 1))"; then
		got="$ok + 1 in flight"
	else
		diff -u "$TMP/ref.$ok" "$TMP/k.now" | head -20
		fail "round $r: after $ok commands answered OK the restarted daemon has another configuration"
	fi
	echo "   round $r: killed after $ok of $n answered, restarted with $got"
	stop_vswd
done
echo "PASS"
