#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the docs keep up with the code: man/pages.am lists every page,
# every page's .TH names the version of configure.ac's AC_INIT, every page
# renders without warnings, every alias page is a link that man -l renders
# from the top of the tree, every public function has a Doxygen
# comment and a man3 page (../shared/tools/check-api-docs when present, else
# the same rule checked here), and every example program has a man1 page.
set -eu
cd "$top_srcdir"
rc=0
# man/pages.am lists every page, and every .TH names AC_INIT's version
sh man/update-pages.sh --check || rc=1
for f in man/man*/*.[13578]; do
	# an alias page is a link to a page of the tree (update-pages.sh makes
	# it), which man -l renders from any directory, here from the top
	if [ -h "$f" ]; then
		target=$(readlink "$f")
		case $target in
		/*) echo "$f: links outside the tree ($target)"; rc=1; continue ;;
		esac
		[ -f "$f" ] || { echo "$f: link target $target missing"; rc=1; continue; }
		if command -v man >/dev/null; then
			out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>&1 >/dev/null) || out="$out (man -l failed)"
			[ -z "$out" ] || { echo "$f: man -l: $out"; rc=1; }
		fi
		continue
	fi
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 groff -man -Tutf8 -ww -z "$f" 2>&1) || true
	if [ -n "$out" ]; then echo "$f: $out"; rc=1; fi
	grep -q '^\.SH NAME' "$f" || { echo "$f: no NAME section"; rc=1; }
	# a page's .TH names its file, but for an alias in a tarball (make
	# dist copies what a link points to), which make install tells so
	th=$(sed -n '/^\.TH /{s/^\.TH \([^ ]*\) \([^ ]*\).*/\1.\2/p;q;}' "$f")
	if [ "$th" != "${f##*/}" ] && ! cmp -s "$f" "man/man${th##*.}/$th"; then
		echo "$f: .TH names $th, and the page is no copy of it"; rc=1
	fi
done
for fn in $(grep -hoE '^VSW_API [^(]*[ *]vsw_[a-z0-9_]+\(' include/*.h | grep -oE 'vsw_[a-z0-9_]+\($' | tr -d '(' | sort -u); do
	[ -e "man/man3/$fn.3" ] || { echo "no man page for $fn"; rc=1; }
done
for prog in $(sed -n 's/^s*bin_PROGRAMS += //p' Makefile.am | sed 's/examples\///g'); do
	[ -e "man/man1/$prog.1" ] || [ -e "man/man8/$prog.8" ] || { echo "no man1 page for $prog"; rc=1; }
done
checker="$top_srcdir/../shared/tools/check-api-docs"
if [ -x "$checker" ]; then
	out=$("$checker" 2>&1) || { echo "$out"; rc=1; }
fi
[ -e man/man7/vsw.7 ] || { echo "no vsw(7)"; rc=1; }
exit $rc
