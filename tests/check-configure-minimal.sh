#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the source tree (in make distcheck, the dist tarball's)
# configures on a machine without libcheck, where the tests turn off with
# a notice, and builds with every option off: no tests, Python, examples
# nor optional backends. The library built so has no afpacket, raw, qemu
# nor vhostuser code and vsw_backend_open() of those types fails with
# -ENOENT, while memory and tap remain. On the way, configure's Python
# directory: a Debian python3 gets dist-packages for prefixes /usr and
# /usr/local. VSW_SKIP_CONFIGURE_MINIMAL=1 skips it (it configures three
# times and builds a library: a minute or two).
set -eu
[ "${VSW_SKIP_CONFIGURE_MINIMAL:-}" = 1 ] && { echo "SKIP: VSW_SKIP_CONFIGURE_MINIMAL"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"
# no pkg-config module at all, so no libcheck; Debian's python3 if present
PKG_CONFIG_LIBDIR="$tmp/empty"; PKG_CONFIG_PATH=""
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
debpy=""
if [ -x /usr/bin/python3 ] &&
   /usr/bin/python3 -c 'import sys, sysconfig; sys.exit("deb_system" not in sysconfig.get_scheme_names())'; then
	debpy=/usr/bin/python3
	PYTHON=$debpy; export PYTHON
fi
conf() { # conf DIR ARGS...: configure in a new DIR, one cache for all
	rm -rf "$tmp/$1" && mkdir "$tmp/$1" && cd "$tmp/$1" && shift
	"$top_srcdir/configure" -C --cache-file="$tmp/config.cache" "$@" > configure.out 2>&1 ||
		{ cat configure.out config.log; exit 1; }
}
off() { # off VAR...: each automake conditional is false
	for v; do grep -qx "${v}_TRUE='#'" config.log || { echo "FAIL: $v is on"; exit 1; }; done
}
pydir() { # pydir WANT: configure's pythondir
	dir=$(sed -n "s/^pythondir='\(.*\)'$/\1/p" config.log)
	[ "$dir" = "$1" ] || { echo "FAIL: pythondir $dir, not $1"; exit 1; }
	echo "pythondir $dir"
}

# 1. the defaults, without libcheck: the tests are off, with a notice
conf default --prefix=/usr
grep 'check (libcheck) not found' configure.out || { echo "FAIL: no notice that the tests are off"; exit 1; }
off ENABLE_TESTS
[ -z "$debpy" ] || pydir '${prefix}/lib/python3/dist-packages'

# 2. /usr/local: the tests need no libcheck to be left out
if [ -n "$debpy" ]; then
	conf local --prefix=/usr/local --disable-tests --disable-examples
	pydir "\${prefix}/lib/python$($debpy -c 'import sys; print("%d.%d" % sys.version_info[:2])')/dist-packages"
else
	echo "no Debian /usr/bin/python3: its dist-packages not checked"
fi

# 3. everything off, and built
conf minimal --disable-python --disable-examples --disable-backend-afpacket --disable-backend-raw \
	--disable-backend-qemu --disable-backend-vhostuser --disable-backend-vde --disable-backend-vxlan \
	--with-systemdsystemunitdir=no
grep -A7 '^configure: *$' configure.out || true
off ENABLE_TESTS ENABLE_EXAMPLES HAVE_PYTHON WITH_AFPACKET WITH_RAW WITH_QEMU WITH_VHOSTUSER WITH_VDE WITH_VXLAN \
	WITH_PACKET_SOCKET WITH_UNIXSOCK HAVE_SYSTEMD_UNIT
make -j2 >make.out 2>&1 || { cat make.out; exit 1; }
for p in examples/vswd examples/vswctl tests/check-libvsw; do
	[ ! -e "$p" ] || { echo "FAIL: $p built"; exit 1; }
done
so=$(ls libvsw/.libs/libvsw.so.[0-9]* | head -n1)
for be in afpacket raw qemu vhostuser vxlan; do
	if nm "$so" | grep -q "vsw__${be}_ops"; then echo "FAIL: $be is in $so"; exit 1; fi
done
cat > open.c <<'C'
#include <errno.h>
#include <stdio.h>
#include <vsw_backend.h>
int main(void)
{
	static const char *const gone[] = { "afpacket:lo", "raw:lo", "qemu:stream:/nonexistent/s",
					    "vhostuser:/nonexistent/s", "vxlan:127.0.0.1" };
	struct vsw_backend *be;
	int rc = 0;
	for (unsigned i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
		int r = vsw_backend_open(gone[i], NULL, &be);
		printf("%s: %d\n", gone[i], r);
		rc |= r != -ENOENT;
	}
	int r = vsw_backend_open("memory:a", NULL, &be);
	printf("memory:a: %d\n", r);
	if (r)
		return 1;
	/* the vxlan calls stay, and no instance is a vxlan one */
	r = vsw_vxlan_add_remote(be, "127.0.0.2");
	printf("vsw_vxlan_add_remote: %d\n", r);
	rc |= r != -EINVAL;
	vsw_backend_close(be);
	return rc;
}
C
${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$top_srcdir/include" -Iinclude -o open open.c "$so"
LD_LIBRARY_PATH=libvsw/.libs ./open || { echo "FAIL: a backend left out still opens, or memory does not"; exit 1; }
echo "configured without libcheck and built with every option off"
