#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: DPDK's dpdk-testpmd as an independent virtio driver on
# vhost-user vNICs of vswd (the vhostuser backend): a net_virtio_user port
# in txonly mode sends through the switch to another testpmd's port in
# rxonly mode; 64-byte and 1514-byte frames (testpmd's lengths, without
# the FCS: 1514 is the 1518-byte frame, the largest untagged one at MTU
# 1500) cross, and every frame the switch took is delivered or counted
# (figures printed); 1515-byte frames are counted oversize and none is
# delivered; the switch as the client of testpmd ports that listen
# (server=1); testpmd killed under traffic takes the vNICs down, vswd
# survives with as many descriptors and memfd mappings as before testpmd
# started; testpmd started again, traffic resumes. No NIC is touched
# (--no-pci, --no-huge: DPDK's memory is a memfd it shares with the
# switch); all traffic stays in the vhost-user sockets' shared rings.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v dpdk-testpmd >/dev/null || { echo "SKIP: dpdk-testpmd missing (tools/deps.sh)"; exit 77; }
PMDS=$(dirname "$(ldd "$(command -v dpdk-testpmd)" | awk '/librte_eal/ { print $3 }')" 2>/dev/null)
ls "$PMDS"/dpdk/pmds-*/librte_net_virtio.so* >/dev/null 2>&1 ||
	{ echo "SKIP: DPDK's virtio PMD missing (librte-net-virtio23)"; exit 77; }

TMP=$(mktemp -d "/tmp/vswdpdk$$.XXXXXX")
PREFIX=vswtest$$
PIDS=""
cleanup() {
	local p
	# testpmd's PIDs are timeout(1)'s: SIGTERM is passed on, and testpmd
	# stops its ports and exits
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP" /var/run/dpdk/"$PREFIX"-*
}
trap cleanup EXIT
trap 'exit 1' INT TERM
forget() { local p k=""; for p in $PIDS; do [ "$p" = "$1" ] || k="$k $p"; done; PIDS=$k; }
fail() {
	echo "FAIL: $*"
	for f in "$TMP"/*.log; do echo "--- $f"; grep -v '^ *$' "$f" | tail -12; done
	exit 1
}
info() { echo "== $*  ($SECONDS s)"; }
SOCK="$TMP/vswd.sock"
VSWCTL="$top_builddir/examples/vswctl"
ctl() { "$VSWCTL" -s "$SOCK" "$@" || fail "vswctl $*"; }
# ctr PORT COUNTER: a counter of a port of vSwitch0
ctr() { "$VSWCTL" -s "$SOCK" stats --all vSwitch0 "$1" | awk -v c="$2" '$1 == c { print $2 }'; }
# The drop counters (vsw_port_counter(3)): each frame the switch took from a
# port is delivered (tx_packets of its receiver) or counted in one of these
DROPS="runt bad_src oversize vlan_violation forged shaped reflected unknown_dst no_uplink
no_receiver self_dst mac_change_blocked link_down bad_offload offload_failed tx_full queue_full"
ERRS="tx_errors rx_errors truncated bad_desc bad_vnet_hdr bad_ring"
# snap FILE: every counter of both vNICs, as "PORT.COUNTER VALUE" lines
snap() {
	"$VSWCTL" -s "$SOCK" stats --all vSwitch0 | awk '/^[^ =].*:$/ { p = substr($1, 1, length($1) - 1); next }
		p != "" && NF == 2 && $2 ~ /^[0-9]+$/ { print p "." $1, $2 }' >"$1" || fail "vswctl stats"
}
# deltas: D[PORT.COUNTER], each counter's change from $TMP/before to $TMP/after
declare -A D
deltas() {
	local k a b
	D=()
	while read -r k a b; do D[$k]=$((a - ${b:-0})); done < <(awk 'NR == FNR { b[$1] = $2; next }
		{ print $1, $2, b[$1] }' "$TMP/before" "$TMP/after")
}
# d COUNTER PORT...: the sum of a counter's changes over ports
d() {
	local c=$1 p s=0
	shift
	for p in "$@"; do s=$((s + ${D[$p.$c]:-0})); done
	echo $s
}
portline() { "$VSWCTL" -s "$SOCK" list | grep -E "^ +vnic +$1 "; }
# wait_link PORT up|down [TENTHS]
wait_link() {
	for _ in $(seq "${3:-100}"); do portline "$1" | grep -qw "$2" && return 0; sleep 0.1; done
	return 1
}

"$top_builddir/examples/vswd" -f -s "$SOCK" 2>"$TMP/vswd.log" &
VSWD=$!; PIDS="$PIDS $VSWD"
for _ in $(seq 50); do "$VSWCTL" -s "$SOCK" list >/dev/null 2>&1 && break; sleep 0.1; done
nfds() { find "/proc/$VSWD/fd" -mindepth 1 -maxdepth 1 | wc -l; }
nmemfd() { grep -c memfd "/proc/$VSWD/maps"; }
# fewest descriptors over 0.5 s: without a vswctl connection being closed
nfds_min() {
	local n m=100000
	for _ in 1 2 3 4 5; do sleep 0.1; n=$(nfds); [ "$n" -lt "$m" ] && m=$n; done
	echo "$m"
}
# settled FDS MEMFDS: whether vswd comes back to that many descriptors and
# memfd mappings within 3 s (it closes a vswctl connection in its next round)
settled() {
	for _ in $(seq 30); do [ "$(nfds)" = "$1" ] && [ "$(nmemfd)" = "$2" ] && return 0; sleep 0.1; done
	return 1
}
ctl vswitch add vSwitch0
ctl portgroup add vSwitch0 A
MAC1=02:00:5e:10:00:01 MAC2=02:00:5e:10:00:02 MAC3=02:00:5e:10:00:03 MAC4=02:00:5e:10:00:04
ctl vnic add vSwitch0 A tp1 --mac $MAC1 --backend "vhostuser:$TMP/tp1.sock"
ctl vnic add vSwitch0 A tp2 --mac $MAC2 --backend "vhostuser:$TMP/tp2.sock"
FDS0=$(nfds_min) MEMFD0=$(nmemfd)
echo "vswd before testpmd: $FDS0 descriptors, $MEMFD0 memfd mappings"

# testpmd NAME CORES PORT-ARGS TESTPMD-ARGS...: one testpmd with one
# net_virtio_user port, without hugepages (its memory is a memfd, which it
# hands to the switch) and without PCI, one forwarding lcore; bounded by
# timeout(1), which passes SIGINT on. Sets TP to timeout's PID.
testpmd() {
	local name=$1 cores=$2 port=$3
	shift 3
	# shellcheck disable=SC2086 # CORES is several words
	timeout -s INT -k 5 60 dpdk-testpmd $cores --no-pci --no-huge -m 128 --no-shconf \
		--file-prefix "$PREFIX-$name" --log-level=lib.eal:warning \
		"--vdev=net_virtio_user0,queues=1,$port" -- \
		--nb-cores=1 --total-num-mbufs=8192 --stats-period 1 "$@" \
		</dev/null >"$TMP/$name.log" 2>&1 &
	TP=$!; PIDS="$PIDS $TP"
}
# stop_tp PID: SIGINT (testpmd prints its counts, stops and closes its port)
stop_tp() {
	kill -INT "$1" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	wait "$1" 2>/dev/null
	forget "$1"
}
# fwd NAME RX|TX: the packets of testpmd's closing forward statistics
fwd() {
	awk -v k="$2-packets:" '/Forward statistics for port 0/ { f = 1 } f && $1 == k { print $2; exit }' "$TMP/$1.log"
}
# sink NAME PATH MAC [VDEV-OPTS]: an rxonly testpmd on the vNIC behind
# PATH, whose MAC is MAC; source NAME PATH LEN MAC PEER [VDEV-OPTS]: a txonly
# one sending LEN-byte frames (without FCS) from MAC to PEER. Their
# forwarding lcores are on different CPUs.
sink() {
	testpmd "$1" "-l 0,1 --main-lcore 1" "path=$2,mac=$3${4:+,$4}" --forward-mode=rxonly
	SINK=$TP
}
source_() {
	testpmd "$1" "-l 0,1 --main-lcore 0" "path=$2,mac=$4${6:+,$6}" \
		--forward-mode=txonly --eth-peer=0,"$5" --txpkts="$3"
	SRC=$TP
}

# run TAG LEN SECONDS [P1 P2 MAC1 MAC2 VDEV-OPTS]: LEN-byte frames from
# vNIC P1 (tp1) to vNIC P2 (tp2) for SECONDS, testpmd's ports taking the
# vNICs' MACs (and VDEV-OPTS); then the counts of testpmd and of the
# switch, every frame accounted for, and vswd back to its descriptors and
# mappings
run() {
	local tag=$1 len=$2 secs=$3 p1=${4:-tp1} p2=${5:-tp2} m1=${6:-$MAC1} m2=${7:-$MAC2} o=${8:-}
	local f0 m0
	f0=$(nfds_min) m0=$(nmemfd)
	snap "$TMP/before"
	sink "$tag-rx" "$TMP/$p2.sock" "$m2" "$o"
	wait_link "$p2" up 300 || fail "$tag: $p2 did not come up with testpmd's port"
	source_ "$tag-tx" "$TMP/$p1.sock" "$len" "$m1" "$m2" "$o"
	wait_link "$p1" up 300 || fail "$tag: $p1 did not come up with testpmd's port"
	sleep "$secs"
	stop_tp "$SRC"
	wait_link "$p1" down 30 || fail "$tag: $p1 still up after testpmd stopped"
	sleep 0.3
	snap "$TMP/after"
	deltas
	stop_tp "$SINK"
	wait_link "$p2" down 30 || fail "$tag: $p2 still up after testpmd stopped"
	SENT=$(fwd "$tag-tx" TX) GOT=$(fwd "$tag-rx" RX)
	[ -n "$SENT" ] && [ -n "$GOT" ] || fail "$tag: no closing statistics from testpmd"
	IN=$(d rx_packets "$p1") INB=$(d rx_bytes "$p1") OUT=$(d tx_packets "$p2") OUTB=$(d tx_bytes "$p2")
	DROP=0 LIST=""
	for c in $DROPS; do
		n=$(d "$c" "$p1" "$p2")
		[ "$n" = 0 ] || LIST="$LIST $c=$n"
		DROP=$((DROP + n))
	done
	for c in $ERRS; do n=$(d "$c" "$p1" "$p2"); [ "$n" = 0 ] || LIST="$LIST $c=$n"; done
	echo "$tag: testpmd sent $SENT $len-byte frames in $secs s; the switch took $IN ($INB bytes)," \
		"delivered $OUT ($OUTB bytes), dropped $DROP:${LIST:- none}; testpmd received $GOT"
	[ "$SENT" -ge "$IN" ] && [ $((SENT - IN)) -le 1024 ] ||
		fail "$tag: testpmd sent $SENT frames, the switch took $IN (more than a ring apart)"
	[ "$IN" = $((OUT + DROP)) ] || fail "$tag: $IN frames in, $OUT delivered + $DROP dropped"
	[ "$GOT" = $((OUT - $(d tx_errors "$p2"))) ] ||
		fail "$tag: the switch delivered $OUT frames, testpmd received $GOT"
	[ "$(d bad_desc "$p1" "$p2")$(d bad_vnet_hdr "$p1" "$p2")$(d bad_ring "$p1" "$p2")" = 000 ] ||
		fail "$tag: the backend refused testpmd's rings (bad_desc/bad_vnet_hdr/bad_ring)"
	[ "$(d rx_packets "$p2")" = 0 ] || fail "$tag: the rxonly port sent $(d rx_packets "$p2") frames"
	settled "$f0" "$m0" ||
		fail "$tag: vswd has $(nfds) descriptors and $(nmemfd) memfd mappings after testpmd left, $f0 and $m0 before"
}

info "64-byte frames from testpmd (txonly) through the switch to testpmd (rxonly)"
run f64 64 3
[ "$GOT" -gt 0 ] || fail "f64: testpmd received nothing"
[ "$INB" = $((IN * 64)) ] && [ "$OUTB" = $((OUT * 64)) ] || fail "f64: frames of another size"

info "1514-byte frames, the largest untagged frame at the switch's MTU of 1500"
run f1514 1514 3
[ "$GOT" -gt 0 ] || fail "f1514: testpmd received nothing"
[ "$(d oversize tp1)" = 0 ] || fail "f1514: frames counted oversize"
[ "$INB" = $((IN * 1514)) ] && [ "$OUTB" = $((OUT * 1514)) ] || fail "f1514: frames of another size"

info "1515-byte frames, above the MTU: counted oversize, none delivered"
run f1515 1515 2
[ "$IN" -gt 0 ] || fail "f1515: the switch took nothing"
[ "$OUT" = 0 ] && [ "$GOT" = 0 ] || fail "f1515: $OUT frames above the MTU delivered, $GOT received"
[ "$(d oversize tp1)" = "$IN" ] || fail "f1515: $IN frames in, $(d oversize tp1) counted oversize"

info "the switch as the client of testpmd ports that listen (server=1)"
# testpmd waits in its start for the switch to connect: the vNICs come first
ctl vnic add vSwitch0 A cl1 --mac $MAC3 --backend "vhostuser:$TMP/cl1.sock" --options client,reconnect_ms=100
ctl vnic add vSwitch0 A cl2 --mac $MAC4 --backend "vhostuser:$TMP/cl2.sock,client" --options reconnect_ms=100
run client 64 2 cl1 cl2 $MAC3 $MAC4 server=1
[ "$GOT" -gt 0 ] || fail "client: testpmd received nothing"
ctl vnic remove vSwitch0 cl1
ctl vnic remove vSwitch0 cl2
settled "$FDS0" "$MEMFD0" ||
	fail "client: vswd has $(nfds) descriptors and $(nmemfd) memfd mappings, $FDS0 and $MEMFD0 before"

info "testpmd killed under traffic: the vNICs go down, vswd keeps nothing of it"
sink k-rx "$TMP/tp2.sock" $MAC2
wait_link tp2 up 300 || fail "kill: tp2 did not come up"
source_ k-tx "$TMP/tp1.sock" 64 $MAC1 $MAC2
wait_link tp1 up 300 || fail "kill: tp1 did not come up"
sleep 1
B1=$(ctr tp2 tx_packets); sleep 0.5; B2=$(ctr tp2 tx_packets)
[ "$B2" -gt "$B1" ] || fail "kill: no traffic before the kill ($B1, $B2)"
echo "kill: under traffic, vswd has $(nfds) descriptors and $(nmemfd) memfd mappings"
for t in $SRC $SINK; do
	P=$(ps -o pid= --ppid "$t" | tr -d ' ')
	[ -n "$P" ] || fail "kill: no testpmd under timeout $t"
	kill -KILL "$P"
	wait "$t" 2>/dev/null
	forget "$t"
done
wait_link tp1 down 30 || fail "kill: tp1 still up after testpmd was killed"
wait_link tp2 down 30 || fail "kill: tp2 still up after testpmd was killed"
kill -0 "$VSWD" 2>/dev/null || fail "kill: vswd died"
settled "$FDS0" "$MEMFD0" ||
	fail "kill: vswd has $(nfds) descriptors and $(nmemfd) memfd mappings, $FDS0 and $MEMFD0 before testpmd"
echo "kill: vswd back to $(nfds) descriptors and $(nmemfd) memfd mappings"
rm -rf /var/run/dpdk/"$PREFIX"-k-*

info "testpmd started again: traffic resumes"
run again 64 2
[ "$GOT" -gt 0 ] || fail "again: testpmd received nothing after the restart"

kill -TERM "$VSWD"; wait "$VSWD" || fail "vswd exit status"
forget "$VSWD"
echo "PASS ($SECONDS s)"
