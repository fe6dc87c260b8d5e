#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the Python bindings' unittest suite against the library just
# built, then "pip install" of bindings/python into a throw-away virtual
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
if python3 -m venv "$tmp/venv" >/dev/null 2>&1; then
	# the package builds with the standard library alone: no index needed
	"$tmp/venv/bin/pip" install -q --no-index "$top_srcdir/bindings/python"
	cd "$tmp"
	"$tmp/venv/bin/python" -c 'import vsw, sys; print("pip-installed vsw", vsw.__version__, "over libvsw", vsw.library_version()); sys.exit(vsw.Switch("s").name != "s")'
else
	echo "python3 -m venv is missing: pip install not tested"
fi
