#!/bin/bash
# SPDX-License-Identifier: MIT
# The distributed switch at scale: N vswd processes (proxy switches with one
# memory-backend vNIC each, their VTEPs on 127.R.0.N in the root namespace)
# joined to one distributed switch against a three-member etcd on 127.0.0.1.
# For each N, a few rounds of:
#   - propagation: from `vswctl vds portgroup add` (sent to one host) to the
#     port group in the `list` of all N vswd;
#   - failure detection: from one host's SIGKILL to its name gone from
#     `vds hosts` (the flood list) on all the others (bounded by the lease).
# Prints the median and the worst per N and the growth from the smallest to
# the largest N. Outside the test suite; run as root from the source tree
# after a build (in build/, or BUILD=DIR):
#
#   tests/bench/vds-scale.sh [ROUNDS] [N...]     (default: 3 rounds, N = 3 10 25 50)
#
# LEASE_TTL (default 2 seconds) is the hosts' --lease-ttl. Everything it
# starts is killed by PID and its files removed on exit; bounded throughout.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=3
if [ $# -gt 0 ]; then ROUNDS=$1; shift; fi
SIZES="${*:-3 10 25 50}"
for b in "${BUILD:-}" "$top/build" "$top/b"; do
	[ -n "$b" ] && [ -x "$b/examples/vswd" ] && { export top_builddir=$b; break; }
done
[ -n "${top_builddir:-}" ] || { echo "build first (in build/, or BUILD=DIR)"; exit 1; }
export LEASE_TTL=${LEASE_TTL:-2}
. "$top/tests/netns-lib.sh"
. "$top/tests/netns-vswd-lib.sh"
. "$top/tests/vds-lib.sh"

R=$(( 1 + $$ % 250 ))
host_vtep() { echo "127.$R.0.$1"; }

# the poller: asks every vswd over its control socket (vswd's protocol: one
# command line, "OK\n" and the output back) until WORD is present in (or
# absent from) its answer; prints the milliseconds from T0 to the last one
cat >"$TMP/poll.py" <<'EOF'
import re, socket, sys, time
def ask(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(path)
        s.sendall((line + "\n").encode())
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                return out.decode(errors="replace")
            out += b
    finally:
        s.close()
t0, want, word, cmd, limit = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
socks = sys.argv[6:]
if t0 == 0:  # the first socket gets the change: T0 is when it is first sent;
    t0 = time.monotonic_ns()  # refused (etcd too slow to answer), it is sent again
    while True:
        ans = ask(socks[0], cmd)
        if ans.startswith("OK") or "already" in ans or "exists" in ans:
            break
        sys.stderr.write("   (refused after %d ms: %s)\n" % ((time.monotonic_ns() - t0) // 1000000,
                                                          ans.strip().replace("\n", " ")))
        if (time.monotonic_ns() - t0) / 1e9 > limit:
            sys.exit("refused: " + ans.strip())
        time.sleep(0.2)
    cmd, socks = "list", socks[1:]
else:
    t0 = time.monotonic_ns() - (time.time_ns() - t0)
pat = re.compile(r"(?<![\w.-])" + re.escape(word) + r"(?![\w.-])")
pending, last = set(socks), 0
while pending:
    for p in list(pending):
        ans = ask(p, cmd)
        if ans.startswith("OK") and bool(pat.search(ans)) == (want == "present"):
            pending.discard(p)
            last = (time.monotonic_ns() - t0) // 1000000
    if pending and (time.monotonic_ns() - t0) / 1e9 > limit:
        sys.exit("timeout: %d not there: %s" % (len(pending), " ".join(sorted(pending)[:5])))
    time.sleep(0.005)
print(last)
EOF
# poll T0 present|absent WORD COMMAND SECONDS HOSTS...
poll() {
	local t0=$1 want=$2 word=$3 cmd=$4 limit=$5 n socks=""; shift 5
	for n in "$@"; do socks="$socks $(hsock "$n")"; done
	# shellcheck disable=SC2086
	"$PY" "$TMP/poll.py" "$t0" "$want" "$word" "$cmd" "$limit" $socks
}
# change N WORD ARGS...: vswctl ARGS through host N, sent again (bounded) while
# refused, until WORD shows in the host's list (setup, not measured)
change() {
	local n=$1 word=$2 i; shift 2
	for i in 1 2 3 4 5 6 7 8 9 10; do
		hctl "$n" "$@" >/dev/null && return 0
		wait_until 2 has_pg "$n" - "$word" && return 0
	done
	return 1
}
# stats FILE: median and worst of a column of milliseconds
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%d %d", v[int((NR + 1) / 2)], v[NR] }'; }

etcd_cluster 3
printf '%-5s %-30s %s\n' N "propagation ms (median worst)" "host death ms (median worst)" >"$TMP/table"
for N in $SIZES; do
	[ "$N" -ge 1 ] && [ "$N" -le 60 ] || fail "N=$N (1..60)"
	D="dvs$N"
	hosts=$(seq 1 "$N")
	rm -f "$TMP"/h*.state
	echo "== N=$N: starting $N vswd"
	for n in $hosts; do host_start "$n"; done
	t0=$(now_ms)
	change 1 "$D" vds create "$D" || fail "vds create $D"
	change 1 vms vds portgroup add "$D" vms --vlan 1 || fail "portgroup add vms"
	poll "$(date +%s%N)" present vms list 30 $hosts >/dev/null || fail "vms not on every host"
	t1=$(now_ms)
	for n in $hosts; do hctl "$n" vnic add "$D" vms "vm$n" --backend "memory:${P}m$n" >/dev/null ||
		fail "vnic add on host $n"; done
	t2=$(now_ms)
	poll "$(date +%s%N)" present "h$N" "vds hosts $D" 30 $hosts >/dev/null || fail "hosts did not all join"
	echo "   setup: vds and a port group on all $N in $((t1 - t0)) ms, $N vNICs added in" \
		"$((t2 - t1)) ms, all $N hosts seen by all $(( $(now_ms) - t2 )) ms later"
	: >"$TMP/prop.$N"; : >"$TMP/death.$N"
	for r in $(seq 1 "$ROUNDS"); do
		via=$(( (r - 1) % N + 1 ))
		ms=$(poll 0 present "pg$r" "vds portgroup add $D pg$r --vlan $((100 + r))" 20 "$via" $hosts) ||
			fail "round $r: propagation: $ms"
		echo "$ms" >>"$TMP/prop.$N"
		victim=$(( (r * 7) % N + 1 ))
		others=$(echo "$hosts" | grep -vx "$victim")
		t0=$(date +%s%N)
		host_kill "$victim" KILL
		if [ -n "$others" ]; then
			ms=$(poll "$t0" absent "h$victim" "vds hosts $D" $((LEASE_TTL * 4 + 10)) $others) ||
				fail "round $r: h$victim not dropped: $ms"
			echo "$ms" >>"$TMP/death.$N"
		fi
		echo "   round $r: port group on all $N in $(tail -1 "$TMP/prop.$N") ms;" \
			"h$victim gone from the others $(tail -1 "$TMP/death.$N") ms after its SIGKILL"
		host_start "$victim"
		poll "$(date +%s%N)" present "h$victim" "vds hosts $D" 20 $hosts >/dev/null ||
			fail "h$victim did not rejoin"
	done
	printf '%-5s %-30s %s\n' "$N" "$(stats "$TMP/prop.$N")" "$(stats "$TMP/death.$N")" >>"$TMP/table"
	for n in $hosts; do host_kill "$n" TERM; done
	ectl del --prefix "$VDS_PREFIX/vds/$D" >/dev/null
done
echo
echo "3-member etcd, lease TTL $LEASE_TTL s, $ROUNDS round(s) per N:"
cat "$TMP/table"
first=${SIZES%% *}; last=${SIZES##* }
if [ "$first" != "$last" ]; then
	awk -v a="$first" -v b="$last" '$1 == a { pa = $2; da = $4 } $1 == b { pb = $2; db = $4 }
		END { printf "growth %s -> %s hosts (median): propagation x%.2f, host death x%.2f\n",
			a, b, pa ? pb / pa : 0, da ? db / da : 0 }' "$TMP/table"
fi
