#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: a distributed switch in a small way (vsw-vds(7)): one etcd on
# loopback, two vswd --cluster "hosts" whose VTEPs live in two namespaces
# joined by a veth pair (the underlay). A port group created once through
# one host appears on both; VMs (namespaces behind tap vNICs) on the two
# hosts in the same port group ping, VMs in different port groups do not;
# a proxy switch's definition cannot be edited locally; with etcd gone the
# VMs still ping and changes are refused, and when it is back a change goes
# through; a host killed leaves the others' host lists within its lease.
set -u
. "${top_srcdir:-.}/tests/netns-lib.sh"
. "${top_srcdir:-.}/tests/netns-vswd-lib.sh"

command -v etcd >/dev/null || { echo "SKIP: etcd missing (etcd-server)"; exit 77; }
out=$("$VSWD" -t -c /dev/null --cluster http://127.0.0.1:1 --host h --vtep 127.0.0.1 2>&1)
case $out in *"not built in"*) echo "SKIP: vswd built without --cluster"; exit 77 ;; esac

# etcd on loopback, on ports of this run (never the default ones)
EPORT=$(( 24000 + ($$ % 2000) * 2 ))
EURL="http://127.0.0.1:$EPORT"
start_etcd() {
	bg etcd --name "$P" --data-dir "$TMP/etcd" --listen-client-urls "$EURL" --advertise-client-urls "$EURL" \
		--listen-peer-urls "http://127.0.0.1:$((EPORT + 1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((EPORT + 1))" \
		--initial-cluster "$P=http://127.0.0.1:$((EPORT + 1))" >>"$TMP/etcd.log" 2>&1
	EPID=$LASTPID
	wait_for 10 curl -sf "$EURL/health" || fail "etcd did not start"
}
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
start_etcd

# the underlay: u1 10.201.0.1 -- u2 10.201.0.2
netns "${P}u1"; netns "${P}u2"
veth "${P}v1" "${P}v2"
in_ns "${P}u1" "${P}v1" 10.201.0.1/24
in_ns "${P}u2" "${P}v2" 10.201.0.2/24

declare -A VP
start_host() { # NAME N
	bg "$VSWD" -f -s "$TMP/$1.sock" --no-state --cluster "$EURL" --host "$1" \
		--vtep "10.201.0.$2,netns=${P}u$2" --lease-ttl 3 2>>"$TMP/$1.log"
	VP[$1]=$LASTPID
	wait_for 5 test -S "$TMP/$1.sock" || { SWLOG="$TMP/$1.log"; fail "vswd $1 did not start"; }
}
c1() { "$CTL" -s "$TMP/h1.sock" "$@"; }
c2() { "$CTL" -s "$TMP/h2.sock" "$@"; }
start_host h1 1
start_host h2 2
SWLOG="$TMP/h1.log"

info "a distributed switch defined once, through h1"
c1 vds create dvs --mtu 1500 || fail "vds create"
c1 vds portgroup add dvs web --vlan 10 || fail "vds portgroup add web"
c1 vds portgroup add dvs db --vlan 20 || fail "vds portgroup add db"
c1 vds create dvs 2>/dev/null && fail "a second vds create succeeded"
wait_for 3 sh -c "'$CTL' -s '$TMP/h2.sock' list | grep -q ' db '" || fail "the port groups did not reach h2"
c2 list | grep -q "dvuplink0" || fail "h2's proxy has no dvuplink0: $(c2 list)"

info "VMs on both hosts"
c1 vnic add dvs web vm1 --backend "tap:${P}a" || fail "vnic add vm1"
c2 vnic add dvs web vm2 --backend "tap:${P}b" || fail "vnic add vm2"
c2 vnic add dvs db vm3 --backend "tap:${P}c" || fail "vnic add vm3"
netns "${P}m1"; netns "${P}m2"; netns "${P}m3"
in_ns "${P}m1" "${P}a" 10.202.0.1/24
in_ns "${P}m2" "${P}b" 10.202.0.2/24
in_ns "${P}m3" "${P}c" 10.202.0.3/24
wait_for 5 sh -c "'$CTL' -s '$TMP/h1.sock' vds ports dvs | grep -q vm3" || fail "h2's vNICs not in vds ports: $(c1 vds ports dvs)"
c1 vds hosts dvs | grep -q "^h2 .*10.201.0.2" || fail "h2 not in h1's host list: $(c1 vds hosts dvs)"
c1 vds hosts dvs --json | grep -q '"reachable":true' || fail "vds hosts --json: $(c1 vds hosts dvs --json)"
ip netns exec "${P}m1" ping -c 3 -i 0.2 -W 2 10.202.0.2 >/dev/null || fail "vm1 (h1) does not reach vm2 (h2)"
ip netns exec "${P}m1" ping -c 2 -i 0.2 -W 1 10.202.0.3 >/dev/null && fail "vm1 (web) reached vm3 (db)"

info "a proxy's definition is the cluster's"
out=$(c1 portgroup add dvs x 2>&1) && fail "a local portgroup add on a proxy succeeded"
case $out in *"managed by the distributed switch dvs"*) ;; *) fail "refusal: $out" ;; esac
c1 vds policy set dvs web forged_transmits=reject || fail "vds policy set"
wait_for 3 sh -c "'$CTL' -s '$TMP/h2.sock' policy get dvs web | grep -q 'forged_transmits.*reject'" ||
	fail "the policy did not reach h2: $(c2 policy get dvs web)"

info "etcd gone: forwarding goes on, changes are refused"
kill "$EPID"; wait "$EPID" 2>/dev/null
out=$(c1 vds portgroup add dvs later --vlan 30 2>&1) && fail "a change with etcd down succeeded"
case $out in *"cluster unreachable"*) ;; *) fail "unreachable: $out" ;; esac
ip netns exec "${P}m1" ping -c 3 -i 0.2 -W 2 10.202.0.2 >/dev/null || fail "no ping with etcd down"
wait_for 3 sh -c "'$CTL' -s '$TMP/h2.sock' vds hosts dvs | grep -q 'cluster unreachable'" ||
	fail "vds hosts with etcd down: $(c2 vds hosts dvs)"
start_etcd
wait_for 5 sh -c "'$CTL' -s '$TMP/h1.sock' vds portgroup add dvs later --vlan 30" || fail "no change once etcd is back"
wait_for 3 sh -c "'$CTL' -s '$TMP/h2.sock' list | grep -q ' later '" || fail "the change did not reach h2"
wait_for 5 sh -c "'$CTL' -s '$TMP/h1.sock' vds hosts dvs | grep -q '^h2 '" || fail "h2 did not publish again"
ip netns exec "${P}m1" ping -c 2 -i 0.2 -W 2 10.202.0.2 >/dev/null || fail "no ping after etcd came back"

info "a host killed leaves the host list within its lease"
kill -9 "${VP[h2]}"; wait "${VP[h2]}" 2>/dev/null
wait_for 6 sh -c "! '$CTL' -s '$TMP/h1.sock' vds hosts dvs | grep -q '^h2 '" || fail "h2 still listed: $(c1 vds hosts dvs)"
grep -q "VTEP 10.201.0.2:4789 left the flood list" "$TMP/h1.log" || fail "h2's VTEP not dropped from the flood list"
echo "PASS"
