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
for t in $targets; do
	case $t in
	frame|lldp) src="$lib" ;;
	vswcmd) src="$lib $top/examples/daemon/cmd.c" ;;
	config) src="$lib $daemon" ;;
	*) echo "unknown target $t"; exit 2 ;;
	esac
	echo "== building fuzz-$t"
	# shellcheck disable=SC2086
	clang $cflags -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" $src -lpthread
done
status=0
for t in $targets; do
	work=$(mktemp -d)
	cp "$top/tests/fuzz/corpus/$t/"* "$work/"
	echo "== fuzz-$t for ${secs}s"
	if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./fuzz-$t" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" 2>"$out/fuzz-$t.log"); then
		tail -40 "$out/fuzz-$t.log"
		echo "FAIL: fuzz-$t found a problem (reproducer in $out)"
		status=1
	fi
	grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz-$t.log" || true
	rm -rf "$work"
done
exit $status
