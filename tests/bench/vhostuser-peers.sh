#!/bin/sh
# SPDX-License-Identifier: MIT
# Side-by-side benchmark of switches that attach vhost-user ports: libvsw
# (vswd, two "vhostuser:" vNICs on one port group), Open vSwitch with DPDK
# (ovs-vswitchd-dpdk, two dpdkvhostuserclient ports on a netdev bridge, L2
# NORMAL) and dpdk-testpmd's own net_vhost io forwarding between two vhost
# ports (no lookup at all: the ceiling). Not part of the test suite.
#
#   tests/bench/vhostuser-peers.sh [-r ROUNDS] [-t SECONDS] [-w SECONDS]
#       [-p PEERS] [-s SIZES] [-n BURSTS] [-c SWCPU,GENCPU] [-b BUILDDIR]
#       [-q PCT] [-Q SECONDS] [-R TRIES] [-H] [-P] [-V MIB] [-k] [-v]
#
#   -r  interleaved rounds (3); each round measures every peer at every size,
#       the order of the peers turned by one from round to round
#   -t  seconds measured per peer and size (5), after -w seconds (1) of
#       warm-up
#   -p  peers, comma-separated, of libvsw, ovs, testpmd (all three)
#   -s  frame sizes in bytes with the FCS, as RFC 2544 counts them (64,1518):
#       the frames on the rings are 4 bytes shorter
#   -n  bursts of 32 frames put in flight on each port (16); a list (8,16,32)
#       measures each, and a round counts each peer's best
#   -c  the switch's CPU and the generator's CPU (0,1)
#   -b  libvsw's build directory, with examples/vswd (./build, else
#       $VSW_BUILD)
#   -q  before each measurement, wait until the other processes use less
#       than PCT% of one CPU (30) over a second, for at most -Q seconds (15),
#       and measure again (at most -R times, 2) when they took more than
#       that while measuring; the figures say how much they took
#   -H  run DPDK without hugepages even where there are some (--no-huge)
#   -P  record the switch with perf(1) over the measured seconds, and print
#       its hottest functions (the data stays in the temporary directory, -k)
#   -V  then TCP between two VMs (QEMU under TCG, the test guest of the VM
#       tests, tests/guest/build-guest.sh): VM a sends MIB MiB to VM b, through
#       vswd's vhostuser vNICs (guest offloads on) and through its qemu:stream
#       vNICs (no offloads), -r rounds each, interleaved; nothing is pinned.
#       -p '' skips the frame rates
#   -k  keep the temporary directory with every log
#   -v  run vswd with -v (its log is in the temporary directory, see -k)
#
# The generator and sink is one dpdk-testpmd on GENCPU with two
# net_virtio_user ports (the vhost-user front-end, the socket's server):
# port 0 and port 1 each send bursts of frames to the other's MAC
# ("start tx_first"), then testpmd forwards in io mode whatever either port
# receives out of the other, so a fixed number of frames goes round in both
# directions through the switch under test, which runs alone on SWCPU. The
# figure is the sum of both ports' receive rates over the measured seconds,
# from testpmd's "show port stats all"; Gbit/s counts the frames with their
# FCS (pps x size x 8), without preamble and gap. The frames are one UDP
# flow per direction (testpmd's txonly template, MACs 52:54:00:00:00:01
# and :02). The ratios are libvsw over OVS-DPDK of the same round and size.
#
# Run as root on an otherwise idle machine: it raises vm.nr_hugepages if it
# must (and puts it back), gives every DPDK process --in-memory memory (no
# hugetlbfs files; memfd hugepages, or --no-huge memfd memory when there are
# no hugepages), runs OVS's ovsdb-server and ovs-vswitchd from a temporary
# directory in a network namespace of their own (the bridge's internal port
# is no host interface) and never touches a system OVS, uses --no-pci (no NIC
# is touched) and only unix sockets in its temporary directory. Everything
# it starts is stopped by PID when it exits.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=3 secs=5 warm=1 peers=libvsw,ovs,testpmd sizes=64,1518 bursts=16
swcpu=0 gencpu=1 build="" keep=0 verbose=0 quiet=30 quietmax=15 retries=2 prof=0 nohuge=0 vmmib=0
usage() { sed -n '/^#   tests/,/^#   -v/p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while getopts r:t:w:p:s:n:c:b:q:Q:R:HPV:kvh o; do
	case $o in
	r) rounds=$OPTARG ;; t) secs=$OPTARG ;; w) warm=$OPTARG ;;
	p) peers=$OPTARG ;; s) sizes=$OPTARG ;; n) bursts=$OPTARG ;;
	c) swcpu=${OPTARG%,*}; gencpu=${OPTARG#*,} ;; b) build=$OPTARG ;;
	q) quiet=$OPTARG ;; Q) quietmax=$OPTARG ;; R) retries=$OPTARG ;;
	H) nohuge=1 ;; P) prof=1 ;; V) vmmib=$OPTARG ;; k) keep=1 ;; v) verbose=1 ;; *) usage ;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "run as root"; exit 1; }
case ",$peers,$vmmib" in *,libvsw,*|*,[1-9]*)
	[ -n "$build" ] || build=${VSW_BUILD:-$top/build}
	[ -x "$build/examples/vswd" ] || { echo "no $build/examples/vswd: build libvsw, or give -b DIR"; exit 1; } ;;
esac
"$top/tools/deps.sh" bench
OVSD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
TESTPMD=$(command -v dpdk-testpmd)

T=$(mktemp -d /tmp/vsw-vhu-bench.XXXXXX)
PIDS=""             # everything started and still running, by PID
PREFIXES=""         # DPDK --file-prefix names: their /var/run/dpdk/ dirs go
HADRUN=0; [ -d /var/run/dpdk ] && HADRUN=1
OLDHP=$(cat /proc/sys/vm/nr_hugepages)
cleanup() {
	set +e
	exec 3>&- 2>/dev/null
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			kill -0 "$p" 2>/dev/null || break; sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
	done
	for f in $PREFIXES; do rm -rf "/var/run/dpdk/$f"; done
	[ "$HADRUN" = 1 ] || rmdir /var/run/dpdk 2>/dev/null
	[ "$(cat /proc/sys/vm/nr_hugepages)" = "$OLDHP" ] || echo "$OLDHP" >/proc/sys/vm/nr_hugepages
	if [ "$keep" = 1 ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
say() { echo "$*" >&2; }
forget() { # forget PID: it has been waited for
	_left=""; for _fp in $PIDS; do [ "$_fp" = "$1" ] || _left="$_left $_fp"; done; PIDS=$_left
}
stop() { # stop PID [SIGNAL]: end it, wait at most 5 s, then kill it
	kill "-${2:-TERM}" "$1" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	forget "$1"
}
waitfor() { # waitfor TENTHS CMD...: until CMD succeeds
	_wn=$1; shift
	while [ "$_wn" -gt 0 ]; do "$@" && return 0; sleep 0.1; _wn=$((_wn - 1)); done
	return 1
}

# ---- memory: hugepages if the kernel gives them, else memfd memory ----
want=768   # 2 MiB pages: the generator, OVS-DPDK and testpmd's vhost ports
if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$want" ]; then
	echo "$want" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
fi
free=$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)
if [ "${free:-0}" -ge 600 ] && [ "$nohuge" = 0 ]; then
	MEM="--in-memory --single-file-segments"
	OVSMEM="other_config:dpdk-socket-mem=256"; OVSM=""
else
	# --no-huge memory is a memfd only with --single-file-segments, and
	# --in-memory is refused with it (the run dir is removed at exit)
	MEM="--no-huge --single-file-segments"
	# (OVS adds --in-memory unless it is told --legacy-mem, which --no-huge is)
	OVSMEM="other_config:per-port-memory=true"; OVSM="--legacy-mem -m 1024"
	say "no hugepages (HugePages_Free=$free, -H $nohuge): DPDK runs on --no-huge memfd memory"
fi
EAL="$MEM --no-pci --no-telemetry"

# ---- the generator and sink ----
MAC0=52:54:00:00:00:01 MAC1=52:54:00:00:00:02
genseq=0
# gen_start TAG LEN: testpmd on GENCPU, listening on $T/TAG-0.sock and
# $T/TAG-1.sock; commands go to it through fd 3
gen_start() {
	gtag=$1 glen=$2
	genseq=$((genseq + 1))
	pfx=vhubench$$g$genseq; PREFIXES="$PREFIXES $pfx"
	GENLOG=$T/gen-$gtag.log
	rm -f "$T/gen.in"; mkfifo "$T/gen.in"
	exec 3<>"$T/gen.in"
	set -- taskset -c "$gencpu" stdbuf -oL "$TESTPMD" $EAL -m 128 --file-prefix "$pfx" \
		--lcores "(0,1)@$gencpu" \
		--vdev "net_virtio_user0,path=$T/$gtag-0.sock,server=1,queues=1,queue_size=1024,mac=$MAC0" \
		--vdev "net_virtio_user1,path=$T/$gtag-1.sock,server=1,queues=1,queue_size=1024,mac=$MAC1" \
		-- -i --nb-cores=1 --forward-mode=io --txpkts="$glen" --burst=32 \
		--eth-peer=0,$MAC1 --eth-peer=1,$MAC0 --rxd=1024 --txd=1024 --total-num-mbufs=8192
	[ -n "${GENCMD:-}" ] || GENCMD="$*"
	"$@" <"$T/gen.in" >"$GENLOG" 2>&1 3>&- &
	GEN=$!; PIDS="$PIDS $GEN"
	# it listens on port 0's socket, then (once a switch connected) port 1's
	waitfor 200 grep -q "$gtag-0.sock) waiting for client" "$GENLOG" ||
		{ gen_fail "testpmd did not listen"; return 1; }
}
gen_fail() { say "generator: $1; its log ends:"; tail -15 "$GENLOG" >&2; }
# gen_measure BURSTS: the ports are up (the switch connected): send, wait,
# measure; prints the pps received by both ports together
gen_measure() {
	if ! waitfor 300 grep -q "^testpmd> " "$GENLOG"; then
		gen_fail "no prompt: the switch did not connect both ports"; return 1
	fi
	sleep 1
	echo "start tx_first $1" >&3
	sleep "$warm"
	echo "show port stats all" >&3
	cpu_mark
	if [ "$prof" = 1 ] && [ "$PEERPID" != 0 ]; then
		perf record -q -F 499 --call-graph dwarf,8192 -o "$T/perf-$gtag.data" -p "$PEERPID" -- sleep "$secs" >/dev/null 2>&1 || sleep "$secs"
	else
		sleep "$secs"
	fi
	echo "show port stats all" >&3
	cpu_mark
	sleep 0.5
	echo "stop" >&3
	sleep 0.3
	awk '/show port stats all/ { n++; r = 0 }
	     n == 2 && /Rx-pps:/ { r += $2; k++ }
	     END { if (k == 2 && r > 0) print r; else exit 1 }' "$GENLOG"
}
# CPU time over the measured seconds, in clock ticks: the two CPUs' busy
# time (steal included), the generator's and the switch's (all threads)
cpu_mark() {
	_b=$(awk -v a="cpu$swcpu" -v b="cpu$gencpu" '$1 == a || $1 == b { t += $2 + $3 + $4 + $7 + $8 + $9 } END { print t }' /proc/stat)
	_g=$(awk '{ print $14 + $15 }' "/proc/$GEN/stat" 2>/dev/null || echo 0)
	_s=$(awk '{ print $14 + $15 }' "/proc/$PEERPID/stat" 2>/dev/null || echo 0)
	echo "$(date +%s.%N) $_b $_g $_s" >>"$T/cpu-$gtag"
}
# cpu_use: "SW GEN OTHERS" in percent of one CPU over the measured seconds
cpu_use() {
	awk -v hz="$(getconf CLK_TCK)" 'NR == 1 { t = $1; b = $2; g = $3; s = $4 }
	     NR == 2 { w = ($1 - t) * hz; sw = $4 - s; gn = $3 - g; o = $2 - b - sw - gn
		       if (o < 0) o = 0
		       printf "%.0f %.0f %.0f\n", 100 * sw / w, 100 * gn / w, 100 * o / w }' "$T/cpu-$gtag" 2>/dev/null
}
gen_stop() {
	echo "quit" >&3 2>/dev/null || true
	exec 3>&-
	waitfor 50 sh -c "! kill -0 $GEN 2>/dev/null" || true
	stop "$GEN" INT
}

# ---- peer 1: libvsw's vswd ----
libvsw_start() { # TAG
	VSOCK=$T/vswd.sock; rm -f "$VSOCK"
	vflag=""; [ "$verbose" = 1 ] && vflag=-v
	taskset -c "$swcpu" "$build/examples/vswd" -f -s "$VSOCK" $vflag >>"$T/vswd.log" 2>&1 &
	PEER=$!; PIDS="$PIDS $PEER"; PEERPID=$PEER
	waitfor 50 test -S "$VSOCK" || { say "vswd did not start"; return 1; }
	c="$build/examples/vswctl -s $VSOCK"
	$c vswitch add vSwitch0 >/dev/null &&
	$c portgroup add vSwitch0 A >/dev/null &&
	$c vnic add vSwitch0 A g0 --mac "$MAC0" --backend "vhostuser:$T/$1-0.sock,client" >/dev/null &&
	$c vnic add vSwitch0 A g1 --mac "$MAC1" --backend "vhostuser:$T/$1-1.sock,client" >/dev/null
}
libvsw_stop() {
	"$build/examples/vswctl" -s "$VSOCK" stats vSwitch0 >"$T/vswd-stats-$1.txt" 2>&1 || true
	stop "$PEER"
}

# ---- peer 2: Open vSwitch with DPDK, private database and run dir ----
OVSUP=0
ovs_up() {
	[ "$OVSUP" = 1 ] && return 0
	O=$T/ovs; mkdir -p "$O"
	export OVS_RUNDIR="$O" OVS_LOGDIR="$O" OVS_DBDIR="$O" OVS_SYSCONFDIR="$O"
	ovsdb-tool create "$O/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	taskset -c "$gencpu" ovsdb-server "$O/conf.db" --remote="punix:$O/db.sock" \
		--unixctl="$O/ovsdb.ctl" --log-file="$O/ovsdb.log" >/dev/null 2>&1 &
	OVSDB=$!; PIDS="$PIDS $OVSDB"
	waitfor 50 test -S "$O/db.sock" || { say "ovsdb-server did not start"; return 1; }
	VSCTL="ovs-vsctl --db=unix:$O/db.sock --timeout=20"
	pfx=vhubench$$ovs; PREFIXES="$PREFIXES $pfx"
	$VSCTL --no-wait init
	$VSCTL --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		"other_config:pmd-cpu-mask=$(printf '0x%x' $((1 << swcpu)))" \
		"$OVSMEM" "other_config:dpdk-extra=$EAL $OVSM --file-prefix=$pfx"
	$VSCTL --no-wait add-br vbr0 -- set bridge vbr0 datapath_type=netdev fail_mode=standalone
	# its own network namespace: the bridge's internal tap is no host device
	taskset -c "$swcpu" unshare --net "$OVSD" "unix:$O/db.sock" --unixctl="$O/vswitchd.ctl" \
		--log-file="$O/vswitchd.log" >"$O/vswitchd.out" 2>&1 &
	OVSV=$!; PIDS="$PIDS $OVSV"
	if ! waitfor 300 test -S "$O/vswitchd.ctl" ||
	   ! waitfor 300 grep -q "DPDK Enabled - initialized" "$O/vswitchd.log"; then
		say "ovs-vswitchd-dpdk did not start:"; tail -15 "$O/vswitchd.log" >&2; return 1
	fi
	OVSUP=1
}
ovs_start() { # TAG
	ovs_up || return 1
	PEERPID=$OVSV
	$VSCTL add-port vbr0 vhu0 -- set Interface vhu0 type=dpdkvhostuserclient \
		"options:vhost-server-path=$T/$1-0.sock" \
		-- add-port vbr0 vhu1 -- set Interface vhu1 type=dpdkvhostuserclient \
		"options:vhost-server-path=$T/$1-1.sock"
}
ovs_stop() {
	ovs-appctl -t "$O/vswitchd.ctl" dpif-netdev/pmd-stats-show >"$T/ovs-pmd-$1.txt" 2>&1 || true
	$VSCTL del-port vbr0 vhu0 -- del-port vbr0 vhu1 || true
}
ovs_down() {
	[ "$OVSUP" = 1 ] || return 0
	ovs-appctl -t "$O/vswitchd.ctl" exit >/dev/null 2>&1 || true
	stop "$OVSV"
	stop "$OVSDB"
	OVSUP=0
}

# ---- peer 3: testpmd's net_vhost ports forwarding io to each other ----
testpmd_start() { # TAG
	pfx=vhubench$$c$genseq; PREFIXES="$PREFIXES $pfx"
	taskset -c "$swcpu" "$TESTPMD" $EAL -m 128 --file-prefix "$pfx" --lcores "(0,1)@$swcpu" \
		--vdev "net_vhost0,iface=$T/$1-0.sock,client=1,queues=1" \
		--vdev "net_vhost1,iface=$T/$1-1.sock,client=1,queues=1" \
		-- --nb-cores=1 --forward-mode=io --burst=32 --rxd=1024 --txd=1024 \
		--total-num-mbufs=8192 --stats-period=3600 >"$T/ceiling-$1.log" 2>&1 &
	PEER=$!; PIDS="$PIDS $PEER"; PEERPID=$PEER
}
testpmd_stop() { stop "$PEER" INT; }

# busy: what the two CPUs did over a second, in % of one (nothing of ours runs)
busy() {
	_a=$(awk -v a="cpu$swcpu" -v b="cpu$gencpu" '$1 == a || $1 == b { t += $2 + $3 + $4 + $7 + $8 + $9 } END { print t }' /proc/stat)
	sleep 1
	awk -v a="cpu$swcpu" -v b="cpu$gencpu" -v t0="$_a" -v hz="$(getconf CLK_TCK)" \
		'$1 == a || $1 == b { t += $2 + $3 + $4 + $7 + $8 + $9 } END { printf "%.0f\n", 100 * (t - t0) / hz }' /proc/stat
}
quiet_wait() {
	_q=$(busy); _w=1
	while [ "$_q" -ge "$quiet" ] && [ "$_w" -lt "$quietmax" ]; do _q=$(busy); _w=$((_w + 1)); done
	[ "$_w" -le 1 ] || say "  (waited ${_w}s for other processes to calm down: now ${_q}% of a CPU)"
}

# ---- the rounds ----
RES=$T/results
: >"$RES"
peerlist=$(echo "$peers" | tr , ' ')
npeers=$(echo "$peerlist" | wc -w)
if [ -n "$peerlist" ]; then
nlist=$(echo "$bursts" | tr , ' ')
total=$((rounds * npeers * $(echo "$sizes" | tr , ' ' | wc -w) * $(echo "$nlist" | wc -w)))
say "vhostuser-peers: $rounds rounds x [$peers] x [$sizes] bytes x [$bursts] bursts in flight," \
	"${secs}s each (~$((total * (secs + warm + 7)))s, more while waiting for quiet);" \
	"switch on CPU $swcpu, generator on CPU $gencpu; $MEM"
k=0
for r in $(seq "$rounds"); do
	# turn the order of the peers by one each round
	order=$(echo "$peerlist" | tr ' ' '\n' | awk -v s=$(((r - 1) % npeers)) \
		'{ a[NR - 1] = $0 } END { for (i = 0; i < NR; i++) print a[(i + s) % NR] }')
	for size in $(echo "$sizes" | tr , ' '); do
		for p in $order; do
			for nb in $nlist; do
				k=$((k + 1)); tag=r$r-$size-$p-n$nb
				try=0
				while :; do
					pps="" PEERPID=0
					rm -f "$T/cpu-$tag"
					quiet_wait
					if gen_start "$tag" $((size - 4)) && "${p}_start" "$tag"; then
						pps=$(gen_measure "$nb") || pps=""
					fi
					use=$(cpu_use) || use=""
					gen_stop
					"${p}_stop" "$tag"
					others=$(echo "$use" | awk '{ print $3 + 0 }')
					[ "$try" -lt "$retries" ] || break
					if [ -z "$pps" ]; then
						say "  ($p failed: again)"
					elif [ "$others" -ge "$quiet" ]; then
						say "  (other processes took ${others}% of a CPU while measuring $p: again)"
					else
						break
					fi
					try=$((try + 1))
			done
			if [ -n "$pps" ]; then
				set -- $use
				say "[$k/$total] round $r, $size bytes, $p, $nb bursts: $(awk -v x="$pps" 'BEGIN { printf "%.3f Mpps", x / 1e6 }')" \
					"(CPU: switch ${1:-?}%, generator ${2:-?}%, other processes ${3:-?}%)"
			else
				say "[$k/$total] round $r, $size bytes, $p, $nb bursts: FAILED"; pps=-; use="- - -"
			fi
			echo "$r $size $p $pps $use $nb" >>"$RES"
			if [ -s "$T/perf-$tag.data" ]; then
				perf report -q -i "$T/perf-$tag.data" --no-children --sort symbol --stdio -g none 2>/dev/null |
					grep -v '^$' | head -12 | sed 's/^/    /' >&2 || true
			fi
			done
		done
	done
done
ovs_down

# ---- the table ----
echo
echo "generator: $GENCMD"
echo "           then: start tx_first N (N of: $bursts); show port stats all (twice, ${secs}s apart)"
echo
awk -v peers="$peerlist" -v sizes="$(echo "$sizes" | tr , ' ')" -v rounds="$rounds" '
function median(s,    a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	if (n == 0) return -1
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# a round'"'"'s figure for a peer is its best over the numbers in flight
$4 != "-" && $4 + 0 > by[$1, $2, $3] + 0 { by[$1, $2, $3] = $4; bs[$1, $2, $3] = $5; bo[$1, $2, $3] = $7; bn[$1, $2, $3] = $8 }
END {
	np = split(peers, P, " "); ns = split(sizes, S, " ")
	for (r = 1; r <= rounds; r++) for (s = 1; s <= ns; s++) for (i = 1; i <= np; i++) if ((r, S[s], P[i]) in by) {
		v[S[s], P[i]] = v[S[s], P[i]] " " by[r, S[s], P[i]]
		cs[S[s], P[i]] = cs[S[s], P[i]] " " bs[r, S[s], P[i]]; co[S[s], P[i]] = co[S[s], P[i]] " " bo[r, S[s], P[i]]
		nn[S[s], P[i]] = nn[S[s], P[i]] " " bn[r, S[s], P[i]]
	}
	label["libvsw"] = "libvsw (vswd)"; label["ovs"] = "OVS-DPDK 3.1"; label["testpmd"] = "testpmd net_vhost io"
	printf "medians of %d rounds; Mpps and Gbit/s of both directions together;\n", rounds
	printf "CPU: the switch'"'"'s use of its CPU, and other processes'"'"' use of both CPUs (%% of one)\n\n"
	printf "%-22s %6s %9s %9s %10s %8s %8s  %s\n", "peer", "frame", "Mpps", "Gbit/s", "of ceiling", "sw CPU", "others", "best in flight (bursts/round)"
	for (s = 1; s <= ns; s++) {
		c = median(v[S[s], "testpmd"])
		for (i = 1; i <= np; i++) {
			m = median(v[S[s], P[i]])
			if (m < 0) { printf "%-22s %6d %9s\n", label[P[i]], S[s], "failed"; continue }
			printf "%-22s %6d %9.3f %9.2f %10s %7.0f%% %7.0f%%  %s\n", label[P[i]], S[s], m / 1e6, m * S[s] * 8 / 1e9,
				(c > 0 ? sprintf("%.0f%%", 100 * m / c) : "-"), median(cs[S[s], P[i]]), median(co[S[s], P[i]]), nn[S[s], P[i]]
		}
	}
	have = (index(" " peers " ", " libvsw ") && index(" " peers " ", " ovs "))
	if (!have) exit
	printf "\nlibvsw / OVS-DPDK per round:\n"
	for (s = 1; s <= ns; s++) {
		line = ""; rs = ""
		for (r = 1; r <= rounds; r++) {
			a = by[r, S[s], "libvsw"]; b = by[r, S[s], "ovs"]
			if (a > 0 && b > 0) { line = line sprintf(" %.2f", a / b); rs = rs " " a / b } else line = line " -"
		}
		printf "  %4d bytes:%s   median %s\n", S[s], line, rs == "" ? "-" : sprintf("%.2fx", median(rs))
	}
}' "$RES"
fi

# ---- TCP between two VMs: vhostuser against qemu:stream ----
[ "$vmmib" != 0 ] || exit 0
command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64"; exit 1; }
GUEST=$build/tests/guest-image
"$top/tests/guest/build-guest.sh" "$GUEST" || { echo "cannot build the test guest"; exit 1; }
VMA=52:54:00:79:00:01 VMB=52:54:00:79:00:02
# vm NAME MAC "GUEST ARGS" NETDEV-ARGS...: a VM in the background ($VM)
vm() {
	_n=$1 _m=$2 _g=$3; shift 3
	qemu-system-x86_64 -accel tcg -nodefaults -no-user-config -display none -m 160 -no-reboot \
		-serial "file:$T/$_n.log" -kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.gz" \
		-append "console=ttyS0 panic=-1 loglevel=3 $_g" "$@" \
		-device "virtio-net-pci,netdev=n0,mac=$_m,romfile=,vectors=0" >>"$T/qemu.log" 2>&1 &
	VM=$!; PIDS="$PIDS $VM"
}
# netdev MODE NAME: QEMU's side of a vNIC of the switch (which listens)
netdev() {
	case $1 in
	vhostuser) echo "-object memory-backend-memfd,id=mem,size=160M,share=on -numa node,memdev=mem" \
		"-chardev socket,id=c0,path=$T/$2.sock -netdev vhost-user,id=n0,chardev=c0" ;;
	stream) echo "-netdev stream,id=n0,server=off,addr.type=unix,addr.path=$T/$2.sock" ;;
	esac
}
vm_cpu() {
	echo "$(date +%s.%N) $(for p in $VA $VB $PEER; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done | tr '\n' ' ')" \
		"$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
}
# vm_tcp MODE TAG: MB = Mbit/s of VM a's transfer to VM b through vswd
vm_tcp() {
	MB=- VA="" VB="" VMCPU=""
	vm_run "$@" || say "  ($1: failed)"
	[ -z "$VA" ] || stop "$VA"
	[ -z "$VB" ] || stop "$VB"
	"$build/examples/vswctl" -s "$VSOCK" stats vSwitch0 >"$T/vswd-stats-$2.txt" 2>&1 || true
	stop "$PEER"
	[ "$MB" != - ] || return 1
}
vm_run() {
	VSOCK=$T/vswd.sock; rm -f "$VSOCK"
	"$build/examples/vswd" -f -s "$VSOCK" >>"$T/vswd-vm.log" 2>&1 &
	PEER=$!; PIDS="$PIDS $PEER"
	waitfor 50 test -S "$VSOCK" || { say "vswd did not start"; return 1; }
	c="$build/examples/vswctl -s $VSOCK"
	case $1 in vhostuser) be="vhostuser:" ;; stream) be="qemu:stream:" ;; esac
	$c vswitch add vSwitch0 >/dev/null && $c portgroup add vSwitch0 A >/dev/null &&
	$c vnic add vSwitch0 A va --mac "$VMA" --backend "$be$T/$2-a.sock" >/dev/null &&
	$c vnic add vSwitch0 A vb --mac "$VMB" --backend "$be$T/$2-b.sock" >/dev/null || return 1
	# shellcheck disable=SC2046
	vm "$2-vb" "$VMB" "vsw.ip=10.79.9.2/24 vsw.tcp=listen vsw.wait=600" $(netdev "$1" "$2-b")
	VB=$VM
	waitfor 600 grep -qs VSW-READY "$T/$2-vb.log" || { say "VM b did not boot"; return 1; }
	# shellcheck disable=SC2046
	vm "$2-va" "$VMA" "vsw.ip=10.79.9.1/24 vsw.ping=10.79.9.2 vsw.tcp=10.79.9.2 vsw.tcpmb=$vmmib vsw.wait=600" $(netdev "$1" "$2-a")
	VA=$VM
	# the CPU time of both VMs and the switch while VM a sends
	waitfor 3000 grep -qs "VSW-PING-OK\|VSW-PING-FAIL" "$T/$2-va.log" || true
	c0=$(vm_cpu)
	waitfor 3000 grep -qs "VSW-TCP-SENT\|VSW-TCP-FAIL\|VSW-PING-FAIL" "$T/$2-va.log" || true
	c1=$(vm_cpu)
	VMCPU=$(echo "$c0 $c1" | awk -v hz="$(getconf CLK_TCK)" '{ w = ($6 - $1) * hz
		if (w > 0) printf "VM a %.0f%%, VM b %.0f%%, vswd %.0f%%, other processes %.0f%%", 100 * ($7 - $2) / w,
			100 * ($8 - $3) / w, 100 * ($9 - $4) / w, 100 * ($10 - $5 - ($7 - $2) - ($8 - $3) - ($9 - $4)) / w }')
	waitfor 100 grep -qs "VSW-TCP-RX" "$T/$2-vb.log" || true
	rx=$(sed -n 's/.*VSW-TCP-RX \([0-9]*\).*/\1/p' "$T/$2-vb.log")
	[ "${rx:-0}" -eq $((vmmib * 1048576)) ] || { say "VM b received ${rx:-nothing} of $((vmmib * 1048576)) bytes"; return 1; }
	MB=$(sed -n 's/.*VSW-TCP-SENT [0-9]* MiB in \([0-9.]*\) s.*/\1/p' "$T/$2-va.log" |
		awk -v m="$vmmib" '$1 > 0 { printf "%.0f\n", m * 8 * 1.048576 / $1; ok = 1 } END { exit !ok }') || MB=-
}
say "TCP between two VMs: $vmmib MiB from VM a to VM b, $rounds rounds"
VRES=$T/vm-results
: >"$VRES"
for r in $(seq "$rounds"); do
	order="vhostuser stream"; [ $((r % 2)) = 0 ] && order="stream vhostuser"
	for m in $order; do
		quiet_wait
		vm_tcp "$m" "vm$r-$m" || true
		say "[round $r] TCP through $m vNICs: $MB Mbit/s (CPU while sending: ${VMCPU:-?})"
		echo "$r $m $MB" >>"$VRES"
	done
done
echo
awk -v rounds="$rounds" '
function median(s,    a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	if (n == 0) return -1
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$3 != "-" { v[$2] = v[$2] " " $3; by[$1, $2] = $3 }
END {
	printf "TCP between two VMs (QEMU TCG, one vCPU each), median of %d rounds:\n", rounds
	for (i = 1; i <= 2; i++) {
		m = i == 1 ? "vhostuser" : "stream"
		x = median(v[m])
		printf "  %-10s %s Mbit/s\n", m, x < 0 ? "failed" : sprintf("%.0f", x)
	}
	line = ""; rs = ""
	for (r = 1; r <= rounds; r++)
		if (by[r, "vhostuser"] > 0 && by[r, "stream"] > 0) { line = line sprintf(" %.2f", by[r, "vhostuser"] / by[r, "stream"]); rs = rs " " by[r, "vhostuser"] / by[r, "stream"] }
		else line = line " -"
	printf "  vhostuser / stream per round:%s   median %s\n", line, rs == "" ? "-" : sprintf("%.2fx", median(rs))
}' "$VRES"
