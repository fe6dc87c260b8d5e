#!/bin/sh
# Build the libFuzzer targets with clang (ASan + UBSan) and run each for a
# bounded time from the seed corpus in tests/fuzz/corpus; any finding fails.
#   tests/fuzz/run.sh BUILDDIR [SECONDS_PER_TARGET] [TARGET...]
# New corpus entries go to a temporary directory, never into the tree.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd); shift
secs=${1:-60}; [ $# -gt 0 ] && shift
targets=${*:-frame vswcmd config lldp}
command -v clang >/dev/null || { echo "SKIP: clang missing (tools/deps.sh)"; exit 77; }
out="$build/fuzz"
mkdir -p "$out"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE \
	-I$top/include -I$build/include -I$build -I$top/libvsw"
lib=$(ls "$top"/libvsw/*.c)
daemon="$top/examples/daemon/cmd.c $top/examples/daemon/exec.c $top/examples/daemon/host.c \
	$top/examples/daemon/config.c $top/examples/daemon/neighbors.c"
jobs=$(nproc 2>/dev/null || echo 1)
build_one() {
	case $1 in
	frame|lldp) src="$lib" ;;
	vswcmd) src="$lib $top/examples/daemon/cmd.c" ;;
	config) src="$lib $daemon" ;;
	*) echo "unknown target $1"; return 2 ;;
	esac
	echo "== building fuzz-$1"
	# shellcheck disable=SC2086
	clang $cflags -o "$out/fuzz-$1" "$top/tests/fuzz/fuzz-$1.c" $src -lpthread
}
run_one() {
	work=$(mktemp -d)
	cp "$top/tests/fuzz/corpus/$1/"* "$work/"
	echo "== fuzz-$1 for ${secs}s"
	if (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./fuzz-$1" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" 2>"$out/fuzz-$1.log"); then
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
each() {
	fn=$1 failed=0 n=0 pids=""
	for t in $targets; do
		"$fn" "$t" & pids="$pids $!"
		n=$((n + 1))
		if [ $n -ge "$jobs" ]; then
			for p in $pids; do wait "$p" || failed=1; done
			n=0 pids=""
		fi
	done
	for p in $pids; do wait "$p" || failed=1; done
	return $failed
}
each build_one
each run_one
