#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the libFuzzer targets with clang (ASan + UBSan) and run each for a
# bounded time from the seed corpus in tests/fuzz/corpus; any finding fails.
#   tests/fuzz/run.sh BUILDDIR [SECONDS_PER_TARGET] [TARGET...]
# New corpus entries go to a temporary directory, never into the tree.
# Interrupted (INT, TERM), it stops the compilers and fuzzers it started,
# by their PIDs (and the process groups they lead), and removes its
# temporary directories.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd); shift
secs=${1:-60}; [ $# -gt 0 ] && shift
targets=${*:-frame vswcmd config lldp qemu offload ofl-path virtq vhostuser vxlan}
command -v clang >/dev/null || { echo "SKIP: clang missing (tools/deps.sh)"; exit 77; }
out="$build/fuzz"
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vswfuzz.XXXXXX")
running="" # the PIDs of the jobs of each() not waited for yet
cleanup() {
	trap - EXIT INT TERM
	for p in $running; do kill "$p" 2>/dev/null || :; done
	for p in $running; do wait "$p" 2>/dev/null || :; done
	running=""
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
	-I$top/include -I$build/include -I$build -I$top/libvsw"
lib=$(ls "$top"/libvsw/*/*.c)
parser="$top/examples/daemon/cmd.c $top/examples/daemon/cmdword.c $top/examples/daemon/cmdval.c"
daemon="$parser $top/examples/daemon/exec.c $top/examples/daemon/host.c \
	$top/examples/daemon/config.c $top/examples/daemon/port.c $top/examples/daemon/policy.c \
	$top/examples/daemon/outbuf.c $top/examples/daemon/json.c $top/examples/daemon/view.c \
	$top/examples/daemon/render-text.c $top/examples/daemon/render-json.c \
	$top/examples/daemon/record.c $top/examples/daemon/dump.c $top/examples/daemon/mirror.c"
jobs=$(nproc 2>/dev/null || echo 1)
# spawn CMD...: run CMD as a child of this job and wait for it, so that a
# TERM to the job (cleanup's) reaches CMD too; CMD's status. With setsid,
# CMD leads a process group of its own (setsid execs it, same PID: a child
# of a shell without job control leads no group), and the TERM goes to that
# group by its ID, so clang's cc1 and ld go too, not only the driver.
own_group=""
command -v setsid >/dev/null 2>&1 && own_group="setsid -w" # -w: its status, should it fork
spawn() {
	child=""
	trap 'if [ -n "$child" ]; then
		kill -TERM "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null
		wait "$child"
	fi; exit 143' TERM
	$own_group "$@" &
	child=$!
	wait "$child"
}
build_one() {
	case $1 in
	frame|lldp|qemu|ofl-path|vhostuser|vxlan) src="$lib" ;;
	offload) src="$top/libvsw/datapath/offload.c" ;;
	virtq) src="$top/libvsw/backends/virtq.c" ;;
	vswcmd) src="$lib $parser" ;;
	config) src="$lib $daemon" ;;
	*) echo "unknown target $1"; return 2 ;;
	esac
	echo "== building fuzz-$1"
	# shellcheck disable=SC2086
	spawn clang $cflags -o "$out/fuzz-$1" "$top/tests/fuzz/fuzz-$1.c" $src -lpthread
}
run_one() {
	work=$(mktemp -d "$tmp/corpus-$1.XXXXXX") || { echo "FAIL: fuzz-$1: no temporary directory"; return 1; }
	if ! cp "$top/tests/fuzz/corpus/$1/"* "$work/"; then
		echo "FAIL: fuzz-$1: cannot copy its seed corpus"
		rm -rf "$work"
		return 1
	fi
	# the frame target's inputs may hold whole jumbo batches as they are
	# (its templates reach them in a few bytes as well)
	case $1 in
	frame) maxlen=-max_len=262144 ;;
	*) maxlen= ;;
	esac
	echo "== fuzz-$1 for ${secs}s"
	# from $out, where the fuzzer leaves its reproducers; exec: the
	# fuzzer is spawn's child itself
	# shellcheck disable=SC2016,SC2086
	if spawn sh -c 'cd "$1" && shift && exec env ASAN_OPTIONS=detect_leaks=1 "$@"' sh "$out" \
		"./fuzz-$1" $maxlen -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"$work" 2>"$out/fuzz-$1.log"; then
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz-$1.log" | sed "s/^/fuzz-$1 /"
	else
		tail -40 "$out/fuzz-$1.log"
		echo "FAIL: fuzz-$1 found a problem (reproducer in $out)"
		rm -rf "$work"
		return 1
	fi
	rm -rf "$work"
}
# Run FN on every target, 'jobs' at a time (one per core: the targets are
# independent, and CI time is what they cost); fails if any failed.
# Each PID leaves 'running' once waited for, so that cleanup never signals
# a PID that may be someone else's by then.
each() {
	fn=$1 failed=0 n=0
	for t in $targets; do
		"$fn" "$t" & running="$running $!"
		n=$((n + 1))
		if [ $n -ge "$jobs" ]; then
			for p in $running; do wait "$p" || failed=1; running=${running# "$p"}; done
			n=0
		fi
	done
	for p in $running; do wait "$p" || failed=1; running=${running# "$p"}; done
	return $failed
}
each build_one
each run_one
