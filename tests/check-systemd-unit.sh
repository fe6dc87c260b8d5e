#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: systemd/vswd.service as make builds it (the configured
# sbindir substituted) passes "systemd-analyze verify" offline, without a
# systemd PID 1, with not a single warning about it; its Documentation=
# pages are found in man/; and it runs vswd as vswd(8) says: forking, with
# the pid file it names and the state file under /var/lib/vsw.
set -eu
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze (package systemd)"; exit 77; }
unit="$top_builddir/systemd/vswd.service"
[ -f "$unit" ] || { echo "FAIL: $unit not built"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# verify wants ExecStart's program to exist: the unit as it is, but for
# the installed path of vswd, which becomes the one just built
sbin=$(sed -n 's|^ExecStart=\(/[^ ]*\)/vswd .*|\1|p' "$unit")
[ -n "$sbin" ] || { echo "FAIL: ExecStart does not run SBINDIR/vswd"; exit 1; }
vswd="$top_builddir/examples/vswd"
[ -x "$vswd" ] || { echo "FAIL: $vswd not built"; exit 1; }
sed "s|^ExecStart=$sbin/vswd |ExecStart=$(cd "$(dirname "$vswd")" && pwd)/vswd |" "$unit" > "$tmp/vswd.service"
cmp -s "$unit" "$tmp/vswd.service" && { echo "FAIL: ExecStart not rewritten"; exit 1; }
rc=0
out=$(cd "$tmp" && MANPATH="$top_srcdir/man" SYSTEMD_LOG_LEVEL=notice \
	systemd-analyze verify "$tmp/vswd.service" 2>&1) || rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: systemd-analyze verify: status $rc"; exit 1; }
# a bad key or value is only a warning (status 0): any line about the unit fails
if echo "$out" | grep -q 'vswd'; then echo "FAIL: systemd-analyze verify warns about the unit"; exit 1; fi
# what vswd(8) and the unit promise each other
want() { grep -qx "$1" "$unit" || { echo "FAIL: no '$1' in $unit"; rc=1; }; }
want 'Type=forking'
want 'PIDFile=/run/vsw/vswd.pid'
want "ExecStart=$sbin/vswd --pidfile /run/vsw/vswd.pid --state /var/lib/vsw/vswd.conf"
want 'ExecReload=/bin/kill -HUP $MAINPID'
want 'RuntimeDirectory=vsw'
want 'StateDirectory=vsw'
want 'DeviceAllow=/dev/net/tun rw'
grep -q '^CapabilityBoundingSet=.*CAP_NET_ADMIN' "$unit" && grep -q '^CapabilityBoundingSet=.*CAP_NET_RAW' "$unit" &&
	grep -q '^CapabilityBoundingSet=.*CAP_SYS_ADMIN' "$unit" || { echo "FAIL: capabilities vswd needs are missing"; rc=1; }
grep -q '^RestrictAddressFamilies=.*AF_PACKET' "$unit" && grep -q '^RestrictAddressFamilies=.*AF_NETLINK' "$unit" ||
	{ echo "FAIL: address families vswd needs are missing"; rc=1; }
# no option that gives the service a mount namespace of its own: the
# TCP/IP stacks vswd mounts on /run/netns would not reach the host
if grep -E '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|ReadWritePaths|ReadOnlyPaths|InaccessiblePaths|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|PrivateMounts|BindPaths|TemporaryFileSystem|MountFlags)=' "$unit"; then
	echo "FAIL: an option that makes a mount namespace"; rc=1
fi
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	(cd "$tmp" && systemd-analyze security --offline=yes "$tmp/vswd.service" 2>/dev/null | tail -n 1) || true
fi
[ $rc -eq 0 ] && echo "vswd.service: verified"
exit $rc
