# SPDX-License-Identifier: MIT
# Description: the distributed switch's test harness (sourced after
# netns-lib.sh and netns-vswd-lib.sh): an etcd cluster on 127.0.0.1, an
# underlay segment, hosts each with one vswd joined to the cluster, VMs
# behind tap vNICs, a kernel-only VXLAN host, captures on the underlay.
#
# Everything is per run: etcd's ports are picked from this shell's PID and
# checked free, its data under $TMP; namespaces are ul$$ (the underlay
# bridge), h$$N (host N's underlay address 10.$UX.0.N/24, its VXLAN socket),
# m$$NAME (a VM). etcd and vswd are killed by PID, the namespaces deleted and
# $TMP removed by netns-lib.sh's trap, whatever the exit. Every wait is
# bounded. Without etcd or etcdctl (naming the missing one), or a vswd built
# without its cluster client: exit 77.

for tool in etcd etcdctl; do
	command -v $tool >/dev/null ||
		{ echo "SKIP: $tool missing (Debian: etcd-server, etcd-client)"; exit 77; }
done
export ETCDCTL_API=3
case $("$VSWD" -t -c /dev/null --cluster http://127.0.0.1:1 --host h --vtep 127.0.0.1 2>&1) in
*"not built in"*) echo "SKIP: vswd built without --cluster"; exit 77 ;;
esac

VDS_PREFIX=${VDS_PREFIX:-/libvsw}
LEASE_TTL=${LEASE_TTL:-3}
# the underlay's second octet: per run, so two runs' captures never look alike
UX=$(( 64 + $$ % 128 ))

# now_ms: milliseconds since the epoch
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_until SECONDS CMD...: poll CMD (every 50 ms) until it succeeds or
# SECONDS (a decimal) have passed; $WAITED holds the milliseconds it took
wait_until() {
	local t0 limit
	t0=$(now_ms)
	limit=$(awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'); shift
	while :; do
		if "$@" >/dev/null 2>&1; then WAITED=$(( $(now_ms) - t0 )); return 0; fi
		[ $(( $(now_ms) - t0 )) -lt "$limit" ] || { WAITED=$(( $(now_ms) - t0 )); return 1; }
		sleep 0.05
	done
}
# forget PID: a process we reaped leaves the cleanup list (its PID may be reused)
forget() { PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' '); }
# reap PID [SIGNAL]: kill one process we started, wait for it, forget it
reap() {
	kill "-${2:-KILL}" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget "$1"
}

# ------------------------------------------------------------------ etcd
# port_free PORT: no TCP socket has PORT as its local port
port_free() { ! ss -Htan "sport = :$1" 2>/dev/null | grep -q .; }
# etcd_ports: ETCD_BASE, ten consecutive free TCP ports (member i: client
# ETCD_BASE+i, peer ETCD_BASE+5+i), from the PID, below the ephemeral range
# (32768 on), moved on while one is taken
etcd_ports() {
	local k p ok
	for k in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		ETCD_BASE=$(( 20000 + (($$ + k * 997) % 1270) * 10 ))
		ok=1
		for p in $(seq "$ETCD_BASE" $((ETCD_BASE + 9))); do port_free "$p" || { ok=0; break; }; done
		[ $ok = 1 ] && return 0
	done
	fail "no ten free ports for etcd"
}
# etcd_cluster N: start an N-member (1..5) cluster, wait until it answers;
# $ETCD_EP is the client URLs, comma-separated
etcd_cluster() {
	local i init=""
	ETCD_N=$1
	etcd_ports
	ETCD_EP=""
	for i in $(seq 1 "$ETCD_N"); do
		init="${init:+$init,}m$i=http://127.0.0.1:$((ETCD_BASE + 5 + i - 1))"
		ETCD_EP="${ETCD_EP:+$ETCD_EP,}http://127.0.0.1:$((ETCD_BASE + i - 1))"
	done
	ETCD_INIT=$init
	mkdir -p "$TMP/etcd"
	for i in $(seq 1 "$ETCD_N"); do etcd_start "$i"; done
	wait_until 20 etcd_ok || { tail -5 "$TMP/etcd/m1.log"; fail "etcd cluster did not form"; }
	info "etcd: $ETCD_N members up in ${WAITED} ms ($ETCD_EP)"
}
# etcd_start I: start member I (again: the same data directory, so it
# rejoins with what it had; the --initial-* flags are ignored then)
etcd_start() {
	local c=$((ETCD_BASE + $1 - 1)) p=$((ETCD_BASE + 5 + $1 - 1))
	bg etcd --name "m$1" --data-dir "$TMP/etcd/m$1" \
		--listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
		--listen-peer-urls "http://127.0.0.1:$p" --initial-advertise-peer-urls "http://127.0.0.1:$p" \
		--initial-cluster "$ETCD_INIT" --initial-cluster-state new --initial-cluster-token "vds$$" \
		--heartbeat-interval 50 --election-timeout 500 --logger zap --log-level warn \
		>>"$TMP/etcd/m$1.log" 2>&1
	eval "ETCD_PID_$1=$LASTPID"
}
etcd_pid() { eval "echo \${ETCD_PID_$1:-}"; }
# etcd_kill I: SIGKILL member I
etcd_kill() {
	local pid
	pid=$(etcd_pid "$1")
	[ -n "$pid" ] && reap "$pid" KILL
	eval "ETCD_PID_$1="
}
etcd_kill_all() { local i; for i in $(seq 1 "$ETCD_N"); do etcd_kill "$i"; done; }
etcd_restart_all() {
	local i
	for i in $(seq 1 "$ETCD_N"); do [ -n "$(etcd_pid "$i")" ] || etcd_start "$i"; done
	wait_until 20 etcd_ok || fail "etcd did not come back"
}
# ectl ARGS...: etcdctl against the whole cluster, bounded
ectl() { etcdctl --endpoints="$ETCD_EP" --dial-timeout=1s --command-timeout=3s "$@"; }
# etcd_ok: the cluster takes a linearizable read (a quorum answers)
etcd_ok() { ectl get --consistency=l /vds-harness-probe >/dev/null 2>&1; }

# ------------------------------------------------------------------ underlay
# underlay N: the segment (namespace ul$$, bridge br0) and hosts 1..N on it
underlay() {
	UL="ul$$"
	netns "$UL"
	ip -n "$UL" link add br0 type bridge || fail "bridge in $UL"
	ip -n "$UL" link set br0 type bridge stp_state 0 forward_delay 0 2>/dev/null
	ip -n "$UL" link set br0 up
	local n
	for n in $(seq 1 "$1"); do underlay_host "$n"; done
}
# vtep N: host N's underlay address
vtep() { echo "10.$UX.0.$1"; }
hns() { echo "h$$$1"; }
# nov6 NS: no IPv6 on NS's interfaces (no neighbour discovery in the captures)
nov6() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	return 0
}
# underlay_host N: namespace h$$N, a veth into the bridge, 10.$UX.0.N/24
underlay_host() {
	local ns a="u$$h$1" d="d$$h$1"
	ns=$(hns "$1")
	netns "$ns"
	nov6 "$ns"
	veth "$a" "$d" || fail "veth for host $1"
	ip link set "$a" netns "$UL" && ip -n "$UL" link set "$a" master br0 &&
		ip -n "$UL" link set "$a" up || fail "underlay port of host $1"
	in_ns "$ns" "$d" "$(vtep "$1")/24" || fail "underlay address of host $1"
	ip -n "$ns" link set "$d" name ul0 || fail "rename in $ns"
}

# ------------------------------------------------------------------ hosts
hsock() { echo "$TMP/h$1.sock"; }
hlog() { echo "$TMP/h$1.log"; }
# hctl N ARGS...: vswctl to host N's vswd
hctl() { local n=$1; shift; "$CTL" -s "$(hsock "$n")" "$@"; }
hpid() { eval "echo \${HOST_PID_$1:-}"; }
# host_vtep N: host N's --vtep (a bench without namespaces redefines it)
host_vtep() { echo "$(vtep "$1"),netns=$(hns "$1")"; }
# host_start N [VSWD ARGS...]: host N's vswd, joined to the cluster (state in
# $TMP, kept across a restart), its VTEP host_vtep's; waits until it answers
host_start() {
	local n=$1; shift
	rm -f "$(hsock "$n")"
	SWLOG=$(hlog "$n")
	bg "$VSWD" -f -s "$(hsock "$n")" --state "$TMP/h$n.state" --cluster "$ETCD_EP" \
		--host "h$n" --vtep "$(host_vtep "$n")" --lease-ttl "$LEASE_TTL" "$@" \
		2>>"$(hlog "$n")"
	eval "HOST_PID_$n=$LASTPID"
	wait_until 10 hctl "$n" list || { tail -20 "$(hlog "$n")"; fail "host $n's vswd does not answer"; }
}
# host_kill N [SIGNAL]: KILL (default) or TERM host N's vswd
host_kill() {
	local pid
	pid=$(hpid "$1")
	[ -n "$pid" ] && reap "$pid" "${2:-KILL}"
	eval "HOST_PID_$1="
}
# on_host N VDS PG: port group PG of VDS exists on host N (its list)
has_pg() { hctl "$1" --json list | grep -q "\"$3\""; }
# pg_everywhere VDS PG HOSTS...: PG present on each of HOSTS
pg_everywhere() {
	local vds=$1 pg=$2 n; shift 2
	for n in "$@"; do has_pg "$n" "$vds" "$pg" || return 1; done
}

# ------------------------------------------------------------------ VMs
vmns() { echo "m$$$1"; }
# vm_add HOST VDS PG NAME ADDR/LEN: a VM namespace m$$NAME behind a tap vNIC
# NAME of host HOST's proxy switch VDS in port group PG
vm_add() {
	local ns tap="t$$$4"
	ns=$(vmns "$4")
	netns "$ns"
	nov6 "$ns"
	hctl "$1" vnic add "$2" "$3" "$4" --backend "tap:$tap,netns=$ns" ||
		fail "vnic add $4 on host $1"
	ip -n "$ns" addr add "$5" dev "$tap" && ip -n "$ns" link set "$tap" up || fail "address of $4"
}
# vm NAME CMD...: run CMD in VM NAME's namespace
vm() { local ns; ns=$(vmns "$1"); shift; ip netns exec "$ns" "$@"; }
# pings FROM ADDR: FROM reaches ADDR (a few tries, bounded)
pings() { vm "$1" ping -c 2 -i 0.2 -W 1 "$2" >/dev/null 2>&1 || vm "$1" ping -c 3 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }
# no_ping FROM ADDR: FROM does not reach ADDR
no_ping() { ! vm "$1" ping -c 3 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

# kernel_host N VNI NAME ADDR/LEN VTEPS...: host N on the underlay is only the
# Linux kernel: a vxlan device (id VNI, dstport 4789, nolearning) flooding to
# VTEPS, in a Linux bridge with a veth into VM namespace m$$NAME
kernel_host() {
	local n=$1 vni=$2 name=$3 addr=$4 ns vns v; shift 4
	ns=$(hns "$n"); vns=$(vmns "$name")
	ip -n "$ns" link add "vx$vni" type vxlan id "$vni" dstport 4789 local "$(vtep "$n")" \
		dev ul0 nolearning || fail "vxlan device on kernel host $n"
	ip -n "$ns" link add kbr0 type bridge && ip -n "$ns" link set kbr0 up || fail "bridge on kernel host $n"
	ip -n "$ns" link set "vx$vni" master kbr0 && ip -n "$ns" link set "vx$vni" up || fail "vxlan up"
	for v in "$@"; do
		ip netns exec "$ns" bridge fdb append 00:00:00:00:00:00 dev "vx$vni" dst "$v" ||
			fail "flood entry $v"
	done
	netns "$vns"
	nov6 "$vns"
	ip link add "k$$$n" type veth peer name "kv$$$n" || fail "veth of kernel host $n"
	ip link set "k$$$n" netns "$ns" && ip -n "$ns" link set "k$$$n" master kbr0 &&
		ip -n "$ns" link set "k$$$n" up || fail "kernel host $n's VM port"
	in_ns "$vns" "kv$$$n" "$addr" || fail "kernel host $n's VM address"
}

# ------------------------------------------------------------------ captures
# capture_start FILE [FILTER]: tcpdump on the underlay bridge into FILE
# (default filter: VXLAN's port), returns when it listens
capture_start() {
	local f=$1; shift
	: >"$f.err"
	bg timeout 60 ip netns exec "$UL" tcpdump -n -U --immediate-mode -s 192 -i br0 -w "$f" "${@:-udp port 4789}" 2>"$f.err"
	CAP_PID=$LASTPID
	wait_until 5 grep -q "listening on" "$f.err" || fail "tcpdump did not start: $(cat "$f.err")"
}
capture_stop() { sleep 0.2; reap "$CAP_PID" TERM; }
# capture_read FILE: the capture decoded, link headers and VXLAN shown
capture_read() { tcpdump -n -e -r "$1" 2>/dev/null; }
# vxlan_frames FILE: one line per VXLAN frame of the capture:
# OUTER_SRC OUTER_DST VNI INNER_SRC_MAC INNER_DST_MAC (addresses without ports)
vxlan_frames() {
	capture_read "$1" | awk '
		/: VXLAN, / { s = $(NF - 8); d = $(NF - 6); sub(/\.[0-9]+$/, "", s)
			sub(/\.[0-9]+:$/, "", d); v = $NF; getline; sub(/,$/, "", $3); print s, d, v, $1, $3 }'
}
