#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the Python bindings' unittest suite against the library just
# built, a switch closed from a callback under valgrind (when installed),
# then "pip install" of bindings/python into a throw-away virtual
# environment (nothing compiled) and an import from there.
set -eu
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
so=$(ls "$top_builddir"/libvsw/.libs/libvsw.so.[0-9]* | head -n1)
# a library built with AddressSanitizer cannot be loaded into python3
if nm -D "$so" | grep -q __asan_init; then echo "SKIP: sanitizer build"; exit 77; fi
export LIBVSW_PATH="$so"
cd "$top_srcdir/bindings/python"
PYTHONPATH=. python3 -m unittest discover -s tests -v
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if command -v valgrind >/dev/null 2>&1; then
	# close() from a callback must free the switch: nothing libvsw allocated
	# may be lost. Python's own reports are not ours, so no --error-exitcode;
	# the interpreter itself, as "python3" may be a shell-script shim.
	py=$(python3 -c 'import sys; print(sys.executable)')
	PYTHONPATH=. PYTHONMALLOC=malloc valgrind --leak-check=full --show-leak-kinds=definite \
		"$py" tests/close_in_callback.py >"$tmp/valgrind.log" 2>&1 || { cat "$tmp/valgrind.log"; exit 1; }
	grep -qx ok "$tmp/valgrind.log" || { cat "$tmp/valgrind.log"; exit 1; }
	if grep -A12 'definitely lost in loss record' "$tmp/valgrind.log" | grep -q 'vsw_'; then
		cat "$tmp/valgrind.log"; echo "FAIL: a switch closed from a callback leaked"; exit 1
	fi
	echo "valgrind: close() from a callback leaks nothing of libvsw"
fi
if python3 -m venv "$tmp/venv" >/dev/null 2>&1; then
	# the package builds with the standard library alone: no index needed
	"$tmp/venv/bin/pip" install -q --no-index "$top_srcdir/bindings/python"
	cd "$tmp"
	# the distribution is "libvsw" ("vsw" on the public index is another project)
	"$tmp/venv/bin/pip" show libvsw | grep -qx 'Name: libvsw'
	"$tmp/venv/bin/python" -c 'import libvsw, sys; print("pip-installed libvsw", libvsw.__version__, "over libvsw", libvsw.library_version()); sys.exit(libvsw.Switch("s").name != "s")'
else
	echo "python3 -m venv is missing: pip install not tested"
fi
