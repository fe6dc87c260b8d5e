#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: an idle switch does not wake, and an afpacket uplink's link
# follows its veth through rtnetlink events. The switch runs in a namespace
# of its own (no other test's interfaces there), waiting up to 30 s per
# round (--poll-ms): it wakes only for events. Over 2 idle seconds it runs
# no round and makes no context switch worth a tick; setting the veth's peer
# and then the veth itself down and up, each change reaches the uplink
# within 1 s; idle again afterwards.
. "$(dirname "$0")/netns-lib.sh"

SW="${P}sw"
netns "$SW"; netns "${P}ph"
ip link add "${P}u" type veth peer name "${P}p" || fail "no veth"
no_offload "${P}u"; no_offload "${P}p"
ip link set "${P}u" netns "$SW" || fail "veth to $SW"
in_ns "${P}ph" "${P}p" 10.77.40.2/24

SWLOG="$TMP/switch.log"
bg ip netns exec "$SW" "$B/tests/netns-switch" --duration 60 --poll-ms 30000 \
	--ready "$TMP/ready" --pg pg=0 --uplink "vmnic0=afpacket:${P}u" \
	>"$TMP/counters" 2>"$SWLOG"
SWPID=$LASTPID
wait_for 10 test -e "$TMP/ready" || fail "switch did not start"
wait_for 5 grep -q "vmnic0: attached" "$SWLOG" || fail "the uplink was not attached"
# the veth's carrier may come up just after the attach: then its up event
# follows the down at once
last_link() { grep -o "vmnic0: link [a-z]*" "$SWLOG" | tail -n 1; }
wait_for 5 sh -c "! grep -q 'vmnic0: link' '$SWLOG' || grep -o 'vmnic0: link [a-z]*' '$SWLOG' | tail -n 1 | grep -q up" ||
	fail "the uplink is down ($(last_link))"

ctxt() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$SWPID/status"; }
# idle SECONDS: context switches of the switch over that time
idle() { local c0 c1; c0=$(ctxt); sleep "$1"; c1=$(ctxt); echo $((c1 - c0)); }
# within_1s N TEXT: the log holds TEXT N more times than at the start
# of the flaps, within 1 s
base_down=$(grep -c "vmnic0: link down" "$SWLOG")
base_up=$(grep -c "vmnic0: link up" "$SWLOG")
within_1s() {
	local t=20 base=$base_up
	case $2 in *down) base=$base_down ;; esac
	while [ $t -gt 0 ]; do
		[ "$(grep -c "$2" "$SWLOG")" -ge $(($1 + base)) ] && return 0
		sleep 0.05; t=$((t - 1))
	done
	return 1
}

sleep 0.5 # the link read that follows the uplink's first frames
n=$(idle 2)
echo "idle 2 s: $n context switches"
[ "$n" -le 2 ] || fail "an idle switch woke $n times in 2 s"

info "the peer down and up: the veth's carrier"
ip -n "${P}ph" link set "${P}p" down
within_1s 1 "vmnic0: link down" || fail "carrier loss not seen within 1 s"
ip -n "${P}ph" link set "${P}p" up
within_1s 1 "vmnic0: link up" || fail "carrier not seen back within 1 s"

info "the veth itself down and up"
ip -n "$SW" link set "${P}u" down
within_1s 2 "vmnic0: link down" || fail "admin down not seen within 1 s"
ip -n "$SW" link set "${P}u" up
within_1s 2 "vmnic0: link up" || fail "admin up not seen within 1 s"

info "traffic through the uplink, then idle again"
ip netns exec "${P}ph" ping -q -c 3 -i 0.2 -W 1 10.77.40.9 >/dev/null 2>&1
sleep 3.5 # the kernel's last ARP retries
n=$(idle 2)
echo "idle 2 s after the flaps: $n context switches"
[ "$n" -le 2 ] || fail "the switch keeps waking ($n in 2 s)"
kill -0 "$SWPID" || fail "the switch died"
kill -TERM "$SWPID"; wait "$SWPID" 2>/dev/null
PIDS=""
cat "$TMP/counters"
rounds=$(counter switch rounds)
echo "rounds in all: $rounds"
[ "$rounds" -gt 0 ] || fail "no round counted"
[ "$rounds" -lt 200 ] || fail "$rounds rounds: the switch polled"
echo PASS
