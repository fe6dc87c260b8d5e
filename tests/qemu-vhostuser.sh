#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: unmodified QEMU virtual machines (the tiny busybox guest of
# qemu-vms.sh, booted under TCG) as vhost-user vNICs of vswd (the
# vhostuser backend: the guests' rings and memory shared with the switch):
# two VMs ping each other with the switch listening (QEMU reconnect=1) and
# with the switch as the client of QEMUs that listen; TCP between them with
# the guests' offloads on (super-frames through the switch, shown by list
# and stats); VMs on port groups with different VLANs cannot reach each
# other; jumbo frames at a switch MTU of 9000; the switch killed and
# started again with the same configuration under a running VM, whose QEMU
# reconnects, and traffic resumes; a VM killed under traffic takes its
# port down and leaves no descriptor and no mapping of its memory in vswd.
# All traffic stays between the VMs and the switch.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
[ -z "${VSW_SKIP_VMS:-}" ] || { echo "SKIP: VSW_SKIP_VMS is set"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 missing"; exit 77; }
qemu-system-x86_64 -netdev help 2>/dev/null | grep -qx vhost-user ||
	{ echo "SKIP: this QEMU has no vhost-user netdev"; exit 77; }
GUEST="$top_builddir/tests/guest-image"
"$top_srcdir/tests/guest/build-guest.sh" "$GUEST" || exit $?

TMP=$(mktemp -d "/tmp/vswvu$$.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	# the VMs' PIDs are timeout(1) wrappers: SIGTERM is passed on, SIGKILL would orphan QEMU
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
forget() { local p k=""; for p in $PIDS; do [ "$p" = "$1" ] || k="$k $p"; done; PIDS=$k; }
fail() {
	echo "FAIL: $*"
	for f in "$TMP"/*.log; do echo "--- $f"; tail -8 "$f"; done
	exit 1
}
info() { echo "== $*  ($SECONDS s)"; }
SOCK="$TMP/vswd.sock"
VSWCTL="$top_builddir/examples/vswctl"
ctl() { "$VSWCTL" -s "$SOCK" "$@" || fail "vswctl $*"; }
# ctr PORT COUNTER: a counter of a port of vSwitch0
ctr() { "$VSWCTL" -s "$SOCK" stats --all vSwitch0 "$1" | awk -v c="$2" '$1 == c { print $2 }'; }
# portline PORT: the port's line in vswctl list
portline() { "$VSWCTL" -s "$SOCK" list | grep -E "^ +vnic +$1 "; }
# wait_link PORT up|down [TENTHS]: until vswctl list shows the port so
wait_link() {
	for _ in $(seq "${3:-100}"); do portline "$1" | grep -qw "$2" && return 0; sleep 0.1; done
	return 1
}
nfds() { ls "/proc/$VSWD/fd" | wc -l; }
# fewest descriptors over 0.5 s: without a vswctl connection being closed
nfds_min() {
	local n m=100000
	for _ in 1 2 3 4 5; do sleep 0.1; n=$(nfds); [ "$n" -lt "$m" ] && m=$n; done
	echo "$m"
}
nmemfd() { grep -c memfd "/proc/$VSWD/maps"; }
# settled FDS MEMFDS: whether vswd comes back to that many descriptors and
# memfd mappings within 2 s (it closes a vswctl connection in its next round)
settled() {
	for _ in $(seq 20); do [ "$(nfds)" = "$1" ] && [ "$(nmemfd)" = "$2" ] && return 0; sleep 0.1; done
	return 1
}

# The configuration vswd starts with, and starts with again after it was
# killed (the restart check): vNICs r1 and r2 are vhost-user ports.
cat >"$TMP/vswd.conf" <<EOF
vswitch add vSwitch0
portgroup add vSwitch0 A
portgroup add vSwitch0 V10 --vlan 10
portgroup add vSwitch0 V20 --vlan 20
vnic add vSwitch0 A r1 --mac 52:54:00:78:01:01 --backend vhostuser:$TMP/r1.sock
vnic add vSwitch0 A r2 --mac 52:54:00:78:01:02 --backend vhostuser:$TMP/r2.sock
EOF
start_vswd() {
	"$top_builddir/examples/vswd" -f -c "$TMP/vswd.conf" -s "$SOCK" 2>>"$TMP/vswd.log" &
	VSWD=$!; PIDS="$PIDS $VSWD"
	for _ in $(seq 50); do "$VSWCTL" -s "$SOCK" list >/dev/null 2>&1 && return 0; sleep 0.1; done
	fail "vswd did not start"
}
start_vswd
FDS0=$(nfds_min) MEMFD0=$(nmemfd)

# vm NAME MAC CHARDEV "GUEST ARGS": boot a VM on a vhost-user NIC in the
# background, bounded; its memory is a shared memfd, as vhost-user needs.
# vectors=0: QEMU 7.2 under TCG crashes (msix_set_vector_notifiers) when
# vhost starts on a device with MSI-X, so the device interrupts by INTx.
vm() {
	timeout 120 qemu-system-x86_64 -accel tcg -nodefaults -no-user-config -display none \
		-serial "file:$TMP/$1.log" -m 160 -no-reboot \
		-object memory-backend-memfd,id=mem,size=160M,share=on -numa node,memdev=mem \
		-kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.gz" \
		-append "console=ttyS0 panic=-1 loglevel=3 $4" \
		-chardev "socket,id=c0,$3" -netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,mac=$2,romfile=,vectors=0" >>"$TMP/qemu.log" 2>&1 &
	LASTVM=$!; PIDS="$PIDS $LASTVM"
}
# wait_vm PID [TENTHS]: until the VM powers off (at most 150 s)
wait_vm() { for _ in $(seq "${2:-1500}"); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
stop_vm() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; forget "$1"; }
# wait_log FILE WORD [TENTHS]: until a VM's console shows WORD
wait_log() {
	for _ in $(seq "${3:-300}"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
MAC1=52:54:00:78:00:01 MAC2=52:54:00:78:00:02
IP1=10.78.9.1/24 IP2=10.78.9.2/24 PEER=10.78.9.2
# vnics TAG PG1 PG2 [OPTIONS]: vNICs TAG1 and TAG2 on sockets of the switch
# (or, with OPTIONS client,..., sockets of the VMs that the switch connects to)
vnics() {
	local o=()
	[ -n "${4:-}" ] && o=(--options "$4")
	ctl vnic add vSwitch0 "$2" "${1}1" --mac $MAC1 --backend "vhostuser:$TMP/${1}1.sock" "${o[@]}"
	ctl vnic add vSwitch0 "$3" "${1}2" --mac $MAC2 --backend "vhostuser:$TMP/${1}2.sock" "${o[@]}"
}
unvnics() { ctl vnic remove vSwitch0 "${1}1"; ctl vnic remove vSwitch0 "${1}2"; }
SRV=reconnect=1            # QEMU connects to the switch, and again after it went
CLI=server=on,wait=off     # QEMU listens, the switch connects
# pair TAG CHARDEV-OPTS "GUEST ARGS A" "GUEST ARGS B": VM b (on TAG2)
# answers, VM a (on TAG1) pings it or sends to it; b is stopped once a is done
pair() {
	local tag=$1
	vm "$tag-b" $MAC2 "path=$TMP/${tag}2.sock,$2" "vsw.ip=$IP2 vsw.wait=60 $4"
	B=$LASTVM
	vm "$tag-a" $MAC1 "path=$TMP/${tag}1.sock,$2" "vsw.ip=$IP1 $3"
	A=$LASTVM
	wait_vm "$A" || fail "$tag: VM a did not finish"
	forget "$A"
	grep -q VSW-READY "$TMP/$tag-a.log" || fail "$tag: VM a did not boot"
	grep -q VSW-READY "$TMP/$tag-b.log" || fail "$tag: VM b did not boot"
}

info "ping: the switch listens, QEMU connects (reconnect=1)"
vnics s A A
pair s "$SRV" "vsw.ping=$PEER" ""
stop_vm "$B"
grep -q VSW-PING-OK "$TMP/s-a.log" || fail "server socket: VM a could not ping VM b"
[ "$(ctr s2 rx_packets)" -gt 0 ] || fail "server socket: no frame counted from VM b"
unvnics s

info "ping: the switch is the client of QEMUs that listen (server=on)"
vnics c A A client,reconnect_ms=200
pair c "$CLI" "vsw.ping=$PEER" ""
stop_vm "$B"
grep -q VSW-PING-OK "$TMP/c-a.log" || fail "client socket: VM a could not ping VM b"
unvnics c

info "TCP with the guests' offloads on: super-frames through the switch"
vnics t A A
pair t "$SRV" "vsw.ping=$PEER vsw.tcp=$PEER vsw.tcpmb=8" "vsw.tcp=listen"
OFFL=$(portline t2)   # b still runs: its port is up, with its offloads
wait_log "$TMP/t-b.log" VSW-TCP-RX 50 || true
stop_vm "$B"
grep -q VSW-PING-OK "$TMP/t-a.log" || fail "tcp: VM a could not ping VM b"
grep -q VSW-TCP-SENT "$TMP/t-a.log" || fail "tcp: VM a could not send to VM b over TCP"
grep -o "VSW-TCP-SENT.*" "$TMP/t-a.log"
RX=$(grep -o "VSW-TCP-RX [0-9]*" "$TMP/t-b.log" | awk '{ print $2 }')
[ "${RX:-0}" = $((8 << 20)) ] || fail "tcp: VM b received ${RX:-nothing} bytes of $((8 << 20))"
echo "$OFFL"
echo "$OFFL" | grep -q "offloads=.*tso4" || fail "tcp: vswctl list shows no TSO offload on the vhost-user port: $OFFL"
IN_P=$(ctr t1 rx_packets) IN_B=$(ctr t1 rx_bytes) OUT_P=$(ctr t2 tx_packets) OUT_B=$(ctr t2 tx_bytes)
echo "from VM a: $IN_P frames, $IN_B bytes; to VM b: $OUT_P frames, $OUT_B bytes;" \
	"b's port: sw_segmented $(ctr t2 sw_segmented) sw_csum $(ctr t2 sw_csum)"
[ "$IN_P" -gt 0 ] && [ $((IN_B / IN_P)) -gt 1514 ] ||
	fail "tcp: no super-frames from VM a (rx $IN_B bytes in $IN_P frames)"
[ "$OUT_P" -gt 0 ] && [ $((OUT_B / OUT_P)) -gt 1514 ] ||
	fail "tcp: no super-frames to VM b (tx $OUT_B bytes in $OUT_P frames)"
[ "$(ctr t2 sw_segmented)" = 0 ] || fail "tcp: the switch segmented frames for a port that takes TSO"
for c in bad_desc bad_vnet_hdr bad_ring bad_offload; do
	for p in t1 t2; do [ "$(ctr $p $c)" = 0 ] || fail "tcp: $p counted $c $(ctr $p $c)"; done
done
unvnics t

info "VLAN 10 and VLAN 20 port groups: no way through"
vnics v V10 V20
pair v "$SRV" "vsw.ping=$PEER" ""
stop_vm "$B"
grep -q VSW-PING-FAIL "$TMP/v-a.log" || fail "vlan: a ping crossed from VLAN 10 to VLAN 20"
[ "$(ctr v1 rx_packets)" -gt 0 ] || fail "vlan: VM a sent nothing into the switch"
[ "$(ctr v2 tx_packets)" = 0 ] || fail "vlan: $(ctr v2 tx_packets) frames reached VM b on VLAN 20"
unvnics v

info "jumbo frames: switch MTU 9000, guests at MTU 9000 ping with 8000 bytes"
ctl vswitch set vSwitch0 --mtu 9000
vnics j A A
pair j "$SRV" "vsw.mtu=9000 vsw.ping=$PEER vsw.pingsize=8000" "vsw.mtu=9000"
stop_vm "$B"
grep -q VSW-PING-OK "$TMP/j-a.log" || fail "jumbo: VM a could not ping VM b with 8000 bytes at MTU 9000"
P=$(ctr j2 tx_packets) Y=$(ctr j2 tx_bytes)
# frames above 1518 bytes on average prove one at least (the guests' own
# chatter, more of it on a loaded machine, is small frames)
[ "$P" -gt 0 ] && [ $((Y / P)) -gt 1518 ] || fail "jumbo: no jumbo frames to VM b ($Y bytes in $P frames)"
[ "$(ctr j1 oversize)" = 0 ] || fail "jumbo: frames counted oversize"
unvnics j
ctl vswitch set vSwitch0 --mtu 1500

info "a VM killed under traffic: its port goes down, nothing leaks in vswd"
settled "$FDS0" "$MEMFD0" ||
	fail "leak after the vNICs were removed: $(nfds) descriptors (were $FDS0), $(nmemfd) memfd mappings (were $MEMFD0)"
vnics k A A
F0=$(nfds_min) M0=$(nmemfd)
vm k-b $MAC2 "path=$TMP/k2.sock,$SRV" "vsw.ip=$IP2 vsw.wait=90 vsw.tcp=listen"
B=$LASTVM
wait_link k2 up 300 || fail "kill: VM b's port did not come up"
F1=$(nfds_min) M1=$(nmemfd)
[ "$M1" -gt "$M0" ] || fail "kill: vswd maps no memfd of VM b"
vm k-a $MAC1 "path=$TMP/k1.sock,$SRV" "vsw.ip=$IP1 vsw.tcp=$PEER vsw.tcpmb=1000"
A=$LASTVM
wait_link k1 up 300 || fail "kill: VM a's port did not come up"
for _ in $(seq 300); do [ "$(ctr k2 tx_bytes)" -gt 1000000 ] && break; sleep 0.1; done
[ "$(ctr k2 tx_bytes)" -gt 1000000 ] || fail "kill: no TCP traffic from VM a to VM b"
[ "$(nfds)" -gt "$F1" ] && [ "$(nmemfd)" -gt "$M1" ] ||
	fail "kill: vswd shows no descriptor or mapping of VM a's ($(nfds) fds, $(nmemfd) memfd maps)"
echo "vswd: $F0 fds and $M0 memfd maps with no VM, $F1 and $M1 with VM b, $(nfds) and $(nmemfd) with both"
QA=$(cat "/proc/$A/task/$A/children")
[ -n "$QA" ] || fail "kill: no QEMU under timeout $A"
BEFORE=$(ctr k1 rx_packets)
kill -KILL $QA
wait "$A" 2>/dev/null; forget "$A"
wait_link k1 down 50 || fail "kill: VM a's port is not down: $(portline k1)"
echo "VM a killed after $BEFORE frames"
kill -0 "$VSWD" 2>/dev/null || fail "kill: vswd died"
settled "$F1" "$M1" ||
	fail "kill: vswd holds $(nfds) descriptors and $(nmemfd) memfd mappings after VM a was killed, $F1 and $M1 before it came"
stop_vm "$B"
wait_link k2 down 50 || fail "kill: VM b's port is not down after it stopped"
settled "$F0" "$M0" ||
	fail "kill: leak after VM b stopped: $(nfds) descriptors (were $F0), $(nmemfd) memfd mappings (were $M0)"
unvnics k

info "the switch killed and started again under a running VM: QEMU reconnects, traffic resumes"
vm r-b 52:54:00:78:01:02 "path=$TMP/r2.sock,$SRV" "vsw.ip=$IP2 vsw.wait=90"
B=$LASTVM
wait_link r2 up 300 || fail "restart: VM b's port did not come up"
kill -KILL "$VSWD"; wait "$VSWD" 2>/dev/null; forget "$VSWD"
start_vswd
wait_link r2 up 100 || fail "restart: VM b's QEMU did not come back to the new vswd: $(portline r2)"
vm r-a 52:54:00:78:01:01 "path=$TMP/r1.sock,$SRV" "vsw.ip=$IP1 vsw.ping=$PEER"
A=$LASTVM
wait_vm "$A" || fail "restart: VM a did not finish"
forget "$A"
stop_vm "$B"
grep -q VSW-PING-OK "$TMP/r-a.log" || fail "restart: VM a could not ping VM b after the switch restarted"

kill -TERM "$VSWD"; wait "$VSWD" || fail "vswd exit status"
forget "$VSWD"
info "all passed"
echo PASS
