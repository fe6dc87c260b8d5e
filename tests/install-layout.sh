#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: what make install put under DESTDIR has a Debian layout:
# the library without its libtool archive, vswd in sbin and vswctl in bin,
# vswd(8) and no vswd(1), alias pages as .so requests that man resolves
# from the man directory, the systemd unit running the installed vswd, and
# the Python package where the configured python3 (and the system's
# /usr/bin/python3) imports it from.
# Run by make installcheck, which passes the variables below.
# Environment: DESTDIR bindir sbindir libdir mandir sbin (vswd's name
# in the build tree, empty without the examples) unit unitdir (empty when
# no unit is installed) PYTHON pypkgdir (empty without the bindings)
set -eu
d=${DESTDIR:-}
rc=0
fail() { echo "FAIL: $*"; rc=1; }

ls "$d$libdir"/libvsw.so.[0-9]* >/dev/null 2>&1 || fail "no libvsw.so.N in $d$libdir"
la=$(find "$d$libdir" -name '*.la')
[ -z "$la" ] || fail "libtool archives installed: $la"

if [ -n "$sbin" ]; then
	[ -x "$d$sbindir/vswd" ] || fail "no $d$sbindir/vswd"
	[ ! -e "$d$bindir/vswd" ] || fail "vswd installed in $d$bindir"
	[ -x "$d$bindir/vswctl" ] || fail "no $d$bindir/vswctl"
fi
[ -f "$d$mandir/man8/vswd.8" ] || fail "no $d$mandir/man8/vswd.8"
[ ! -e "$d$mandir/man1/vswd.1" ] || fail "vswd(1) installed"
n=0
for f in "$d$mandir"/man*/*; do
	so=$(sed -n '1s/^\.so //p' "$f")
	[ -n "$so" ] || continue
	n=$((n + 1))
	[ "$(wc -l < "$f")" -eq 1 ] || fail "$f: more than its .so line"
	[ -f "$d$mandir/$so" ] || fail "$f: .so $so: no such page under $d$mandir"
done
[ $n -gt 0 ] || fail "no alias page installed as a .so request"
if command -v man >/dev/null; then
	# man(1) formats an installed page from its man directory
	out=$(cd "$d$mandir" && LC_ALL=C.UTF-8 MANWIDTH=80 man -l man3/vsw_switch_run.3 2>&1) ||
		fail "man -l man3/vsw_switch_run.3 in $d$mandir: $out"
	echo "$out" | grep -q 'vsw_switch_poll' || fail "man3/vsw_switch_run.3 does not show vsw_switch_poll(3)"
fi

if [ -n "$unit" ]; then
	f="$d$unitdir/vswd.service"
	[ -f "$f" ] || fail "no $f"
	grep -q "^ExecStart=$sbindir/vswd " "$f" || fail "$f does not run $sbindir/vswd"
fi

if [ -n "$pypkgdir" ]; then
	[ -f "$d$pypkgdir/__init__.py" ] || fail "no $d$pypkgdir/__init__.py"
	pkg=${pypkgdir##*/} pydir=${pypkgdir%/*}
	# the configured python3, and the system's, import the staged package
	# (over the staged library), from where it was installed
	for py in "$PYTHON" /usr/bin/python3; do
		[ -x "$py" ] || command -v "$py" >/dev/null || continue
		out=$(cd / && LD_LIBRARY_PATH="$d$libdir" PYTHONPATH="$d$pydir" "$py" -c \
			"import sys, $pkg; print($pkg.__file__)" 2>&1) || { fail "$py: import $pkg: $out"; continue; }
		case $out in
		"$d$pypkgdir/__init__.py") echo "$py imports $out" ;;
		*) fail "$py imports $pkg from $out, not $d$pypkgdir" ;;
		esac
	done
	# a Debian python3 reads the dist-packages of /usr and /usr/local (its
	# deb_system and posix_local schemes): the package is installed there
	case $pydir in
	/usr/lib/*|/usr/local/lib/*)
		if "$PYTHON" -c 'import sys, sysconfig; sys.exit("deb_system" not in sysconfig.get_scheme_names())'; then
			"$PYTHON" -c 'import sys; sys.exit(sys.argv[1] not in sys.path)' "$pydir" ||
				fail "$PYTHON does not import from $pydir"
		fi ;;
	esac
fi
[ $rc -eq 0 ] && echo "installed layout OK"
exit $rc
