#!/bin/bash
# SPDX-License-Identifier: MIT
# The distributed switch demo (vsw-vds(7)): three "hosts" on one machine,
# one etcd, one definition.
#
# Starts etcd on 127.0.0.1 (ports of its own, data in a temporary
# directory), makes an underlay (a Linux bridge in namespace vdsdemo<PID>-u
# and one namespace per host holding its VTEP address 10.250.0.1-3), starts
# three vswd --cluster, defines the distributed switch dvs0 once through
# host 1, puts a VM (a namespace behind a tap vNIC) on every host, and
# pings across hosts. Everything it made goes on exit, even when
# interrupted. Run as root from the source tree after a build
# (configure found libcurl and jansson; etcd-server installed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin="${VSW_BIN:-$top/build/examples}"
[ "$(id -u)" -eq 0 ] || { echo "vds-demo: run as root (it creates namespaces and taps)"; exit 1; }
[ -x "$bin/vswd" ] || { echo "vds-demo: build first (./quickstart)"; exit 1; }
command -v etcd >/dev/null || { echo "vds-demo: etcd missing (apt-get install etcd-server)"; exit 1; }

P="vdsdemo$$"
TMP=$(mktemp -d)
PIDS=""
EPORT=$(( 27000 + ($$ % 1000) * 2 ))
EURL="http://127.0.0.1:$EPORT"
cleanup() {
	set +e
	for pid in $PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
	for ns in u h1 h2 h3 vm1 vm2 vm3; do ip netns del "$P-$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ctl() { local h=$1; shift; echo "[h$h]\$ vswctl $*"; "$bin/vswctl" -s "$TMP/h$h.sock" "$@"; }

echo "== etcd on $EURL"
etcd --name "$P" --data-dir "$TMP/etcd" --listen-client-urls "$EURL" --advertise-client-urls "$EURL" \
	--listen-peer-urls "http://127.0.0.1:$((EPORT + 1))" \
	--initial-advertise-peer-urls "http://127.0.0.1:$((EPORT + 1))" \
	--initial-cluster "$P=http://127.0.0.1:$((EPORT + 1))" >"$TMP/etcd.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do curl -sf "$EURL/health" >/dev/null 2>&1 && break; sleep 0.2; done

echo "== the underlay: a bridge, three hosts' VTEPs 10.250.0.1-3"
ip netns add "$P-u"
ip -n "$P-u" link add br0 type bridge
ip -n "$P-u" link set br0 up
for i in 1 2 3; do
	ip netns add "$P-h$i"
	ip -n "$P-u" link add "p$i" type veth peer name ul netns "$P-h$i"
	ip -n "$P-u" link set "p$i" master br0 up
	ip -n "$P-h$i" addr add "10.250.0.$i/24" dev ul
	ip -n "$P-h$i" link set ul up
done

echo "== three vswd --cluster"
for i in 1 2 3; do
	"$bin/vswd" -f -s "$TMP/h$i.sock" --no-state --cluster "$EURL" --host "h$i" \
		--vtep "10.250.0.$i,netns=$P-h$i" 2>"$TMP/h$i.log" &
	PIDS="$PIDS $!"
done
for i in 1 2 3; do
	for _ in $(seq 50); do [ -S "$TMP/h$i.sock" ] && break; sleep 0.1; done
done

echo "== one definition, through host 1"
ctl 1 vds create dvs0
ctl 1 vds portgroup add dvs0 web --vlan 10
ctl 1 vds portgroup add dvs0 db --vlan 20
ctl 1 vds policy set dvs0 web forged_transmits=reject
sleep 0.5
ctl 3 list

echo "== a VM on every host, in web"
for i in 1 2 3; do
	ip netns add "$P-vm$i"
	ctl "$i" vnic add dvs0 web "vm$i" --backend "tap:$P-t$i,netns=$P-vm$i"
	ip -n "$P-vm$i" addr add "192.168.50.$i/24" dev "$P-t$i"
	ip -n "$P-vm$i" link set "$P-t$i" up
done
sleep 1
ctl 1 vds hosts dvs0
ctl 1 vds ports dvs0
ctl 1 vds list dvs0

echo "== vm1 (h1) pings vm2 (h2) and vm3 (h3) over VXLAN (VNI 10)"
ip netns exec "$P-vm1" ping -c 3 -i 0.2 192.168.50.2
ip netns exec "$P-vm1" ping -c 3 -i 0.2 192.168.50.3
echo "== the demo removes everything it made"
