#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: unmodified QEMU virtual machines (a tiny busybox guest on
# Debian's kernel, booted under TCG) as vNICs of vswd: two VMs ping each
# other through -netdev stream, -netdev dgram and -netdev vde; VMs on port
# groups with different VLANs cannot reach each other; a VGT (4095) port
# group carries the guests' own 802.1Q sub-interfaces; a VM killed and
# started again reconnects; the legacy -netdev socket over loopback TCP, and
# the switch as the client of a QEMU that listens. All traffic stays between the VMs and the switch.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
[ -z "${VSW_SKIP_VMS:-}" ] || { echo "SKIP: VSW_SKIP_VMS is set"; exit 77; }
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 missing"; exit 77; }
GUEST="$top_builddir/tests/guest-image"
"$top_srcdir/tests/guest/build-guest.sh" "$GUEST" || exit $?

TMP=$(mktemp -d "/tmp/vswvm$$.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	# the PIDs are timeout(1) wrappers: SIGTERM is passed on, SIGKILL would orphan QEMU
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; for f in "$TMP"/*.log; do echo "--- $f"; tail -5 "$f"; done; exit 1; }
info() { echo "== $*"; }
SOCK="$TMP/vswd.sock"
ctl() { "$top_builddir/examples/vswctl" -s "$SOCK" "$@" || fail "vswctl $*"; }

"$top_builddir/examples/vswd" -f -s "$SOCK" 2>"$TMP/vswd.log" &
VSWD=$!; PIDS="$PIDS $VSWD"
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
ctl vswitch add vSwitch0
ctl portgroup add vSwitch0 A
ctl portgroup add vSwitch0 V10 --vlan 10
ctl portgroup add vSwitch0 V20 --vlan 20
ctl portgroup add vSwitch0 Trunk --vlan 4095
ctl portgroup add vSwitch0 VDE
ctl policy set vSwitch0 VDE mac_learning=on   # VDE clients do not tell their MAC

# vm NAME MAC "NETDEV" "GUEST ARGS": boot a VM in the background, bounded
vm() {
	timeout 120 qemu-system-x86_64 -accel tcg -nodefaults -no-user-config -display none \
		-serial "file:$TMP/$1.log" -m 160 -no-reboot \
		-kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.gz" \
		-append "console=ttyS0 panic=-1 loglevel=3 $4" \
		-netdev "$3" -device "virtio-net-pci,netdev=n0,mac=$2,romfile=" >>"$TMP/qemu.log" 2>&1 &
	LASTVM=$!; PIDS="$PIDS $LASTVM"
}
# wait_vm PID: until the VM powers off (at most 150 s)
wait_vm() { for _ in $(seq 1500); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
# pair TAG NETDEV1 NETDEV2 [GUEST ARGS...]: VM b answers, VM a pings it
pair() {
	local tag=$1 n1=$2 n2=$3 extra=${4:-}
	vm "$tag-b" 52:54:00:77:00:02 "$n2" "vsw.ip=10.77.9.2/24 vsw.wait=45 $extra"
	local b=$LASTVM
	vm "$tag-a" 52:54:00:77:00:01 "$n1" "vsw.ip=10.77.9.1/24 vsw.ping=10.77.9.2 $extra"
	wait_vm "$LASTVM" || fail "$tag: VM a did not finish"
	kill "$b" 2>/dev/null; wait "$b" 2>/dev/null
	grep -q VSW-READY "$TMP/$tag-a.log" || fail "$tag: VM a did not boot"
}

# stream_pair TAG PG1 PG2 [GUEST ARGS] [keep]: vNICs TAG1 on PG1 and TAG2
# on PG2 that QEMU connects to, a pair of VMs on them, then (unless keep)
# the vNICs removed
stream_pair() {
	local tag=$1
	ctl vnic add vSwitch0 "$2" "${tag}1" --mac 52:54:00:77:00:01 --backend "qemu:stream:$TMP/${tag}1.sock"
	ctl vnic add vSwitch0 "$3" "${tag}2" --mac 52:54:00:77:00:02 --backend "qemu:stream:$TMP/${tag}2.sock"
	pair "$tag" "stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/${tag}1.sock" \
		"stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/${tag}2.sock" "${4:-}"
	[ "${5:-}" = keep ] && return
	ctl vnic remove vSwitch0 "${tag}1"
	ctl vnic remove vSwitch0 "${tag}2"
}

info "stream: the switch listens, QEMU connects (-netdev stream)"
stream_pair s A A "" keep
grep -q VSW-PING-OK "$TMP/s-a.log" || fail "stream: no ping"

info "a VM killed and started again reconnects"
vm restart-b 52:54:00:77:00:02 "stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/s2.sock" \
	"vsw.ip=10.77.9.2/24 vsw.wait=60"
B=$LASTVM
for _ in $(seq 100); do "$top_builddir/examples/vswctl" -s "$SOCK" list | grep -q "s2 .* up" && break; sleep 0.2; done
# SIGTERM to timeout(1) reaches QEMU; to the switch, any death is a closed socket
kill "$B"; wait "$B" 2>/dev/null
for _ in $(seq 30); do "$top_builddir/examples/vswctl" -s "$SOCK" list | grep -q "s2 .* down" && break; sleep 0.2; done
"$top_builddir/examples/vswctl" -s "$SOCK" list | grep -q "s2 .* down" || fail "a killed VM's vNIC is still up"
pair restart "stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/s1.sock" \
	"stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/s2.sock"
grep -q VSW-PING-OK "$TMP/restart-a.log" || fail "no ping after the VM came back"

ctl vnic remove vSwitch0 s1
ctl vnic remove vSwitch0 s2

info "legacy -netdev socket over TCP on loopback; the switch connects to a QEMU that listens"
PORT=$(( 20000 + $$ % 20000 ))
ctl vnic add vSwitch0 A l1 --mac 52:54:00:77:00:01 --backend "qemu:stream:tcp:127.0.0.1:$PORT"
ctl vnic add vSwitch0 A c2 --mac 52:54:00:77:00:02 --backend "qemu:stream:$TMP/c2.sock" \
	--options client,reconnect_ms=200
pair client "socket,id=n0,connect=127.0.0.1:$PORT" \
	"stream,id=n0,server=on,addr.type=unix,addr.path=$TMP/c2.sock"
grep -q VSW-PING-OK "$TMP/client-a.log" || fail "socket/client: no ping"
ctl vnic remove vSwitch0 l1
ctl vnic remove vSwitch0 c2

info "dgram: one frame per datagram (-netdev dgram)"
ctl vnic add vSwitch0 A d1 --mac 52:54:00:77:00:11 --backend "qemu:dgram:$TMP/d1.sw=$TMP/d1.vm"
ctl vnic add vSwitch0 A d2 --mac 52:54:00:77:00:12 --backend "qemu:dgram:$TMP/d2.sw=$TMP/d2.vm"
vm dgram-b 52:54:00:77:00:12 \
	"dgram,id=n0,local.type=unix,local.path=$TMP/d2.vm,remote.type=unix,remote.path=$TMP/d2.sw" \
	"vsw.ip=10.77.9.2/24 vsw.wait=45"
B=$LASTVM
vm dgram-a 52:54:00:77:00:11 \
	"dgram,id=n0,local.type=unix,local.path=$TMP/d1.vm,remote.type=unix,remote.path=$TMP/d1.sw" \
	"vsw.ip=10.77.9.1/24 vsw.ping=10.77.9.2"
wait_vm "$LASTVM"; kill "$B" 2>/dev/null; wait "$B" 2>/dev/null
grep -q VSW-PING-OK "$TMP/dgram-a.log" || fail "dgram: no ping"
ctl vnic remove vSwitch0 d1
ctl vnic remove vSwitch0 d2

info "VDE: QEMU's -netdev vde on vswd's vde_switch-style directory"
ctl vde add vSwitch0 VDE "$TMP/vde"
pair vde "vde,id=n0,sock=$TMP/vde" "vde,id=n0,sock=$TMP/vde,port=5"
grep -q VSW-PING-OK "$TMP/vde-a.log" || fail "vde: no ping"
grep -q "port 5 is vde5-vde" "$TMP/vswd.log" || fail "vde: port=5 was not honoured"
ctl vde remove vSwitch0 "$TMP/vde"

info "VLAN 10 and VLAN 20 port groups: no way through"
stream_pair vlans V10 V20
grep -q VSW-PING-FAIL "$TMP/vlans-a.log" || fail "a ping crossed VLANs"

info "VGT: the guests tag VLAN 30 themselves on a 4095 port group"
stream_pair vgt Trunk Trunk "vsw.vlan=30" keep
grep -q VSW-PING-OK "$TMP/vgt-a.log" || fail "VGT: no ping on the guests' VLAN 30"

"$top_builddir/examples/vswctl" -s "$SOCK" stats vSwitch0 vgt2 | grep -E "rx_packets|tx_packets"
kill -TERM "$VSWD"; wait "$VSWD" || fail "vswd exit status"
PIDS=""
echo PASS
