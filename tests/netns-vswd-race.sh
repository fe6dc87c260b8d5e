#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswd makes its sockets without a path race. A directory
# another user may write (world-writable, group-writable, or theirs) is
# refused for the control socket and for `vde add`, so nobody can swap the
# socket for a symlink between bind() and the group change: 150 starts of
# vswd --group against a user who swaps symlinks to a root-only file as fast
# as it can leave that file untouched. In the daemon's own directory the
# socket is born with its mode and group. `vde add` refuses a directory
# that holds anything but sockets (/dev makes no /dev/ctl).
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
mkuser

SECRET="$TMP/secret"
echo "root only" >"$SECRET"; chmod 600 "$SECRET"
secret_ok() { [ "$(stat -c %a:%U:%G "$SECRET")" = 600:root:root ]; }

info "directories other users may write are refused"
mkdir -m 0777 "$TMP/open"; chmod 0777 "$TMP/open"
mkdir -m 0775 "$TMP/grp"; chmod 0775 "$TMP/grp"; chgrp "$U" "$TMP/grp"
mkdir -m 0755 "$TMP/theirs"; chown "$U" "$TMP/theirs"
for d in open grp theirs; do
	set +e; timeout 10 "$VSWD" -f -s "$TMP/$d/vswd.sock" --group "$U" 2>"$TMP/$d.err"; rc=$?; set -e
	echo "  $d: rc $rc: $(cat "$TMP/$d.err")"
	[ $rc -eq 1 ] || fail "vswd started (or hung: rc $rc) with its socket in $TMP/$d"
	grep -q "refusing to use it" "$TMP/$d.err" || fail "no reason given for $d"
	[ ! -e "$TMP/$d/vswd.sock" ] || fail "a socket was made in $TMP/$d"
done

info "150 starts against a symlink swapper: the root-only file never changes"
cat >"$TMP/swap.py" <<'PY'
import os, sys, time
sock, target, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        os.unlink(sock)
    except OSError:
        pass
    try:
        os.symlink(target, sock)
    except OSError:
        pass
PY
bg timeout 40 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/swap.py" "$TMP/open/vswd.sock" "$SECRET" 30
SWAPPER=$LASTPID
n=0; started=0; t0=$(date +%s)
while [ $n -lt 150 ] && [ $(( $(date +%s) - t0 )) -lt 18 ]; do
	n=$((n + 1))
	"$VSWD" -f -s "$TMP/open/vswd.sock" --group "$U" 2>"$TMP/start.log" &
	p=$!
	# refused (it exits) or serving (it says so): then stop it
	for _ in $(seq 200); do
		kill -0 $p 2>/dev/null && ! grep -q "listening on" "$TMP/start.log" || break
		sleep 0.01
	done
	grep -q "listening on" "$TMP/start.log" && started=$((started + 1))
	kill $p 2>/dev/null || true; wait $p 2>/dev/null || true
	secret_ok || fail "start $n: $SECRET became $(stat -c %a:%U:%G "$SECRET")"
done
kill "$SWAPPER" 2>/dev/null; wait "$SWAPPER" 2>/dev/null || true
echo "  $n starts, $started of them served; $SECRET is $(stat -c %a:%U:%G "$SECRET")"
[ $started -eq 0 ] || fail "vswd served from a directory anyone may write"

info "in the daemon's own directory: mode and group from birth, a lock held"
mkdir -m 0755 "$TMP/run"
SOCK="$TMP/run/vswd.sock"
start_vswd --group "$U"
[ "$(stat -c %a:%U:%G "$SOCK")" = "660:root:$U" ] || fail "socket is $(stat -c %a:%U:%G "$SOCK")"
ctl vswitch add vSwitch0 || fail "vswitch add"
ctl portgroup add vSwitch0 VDE || fail "portgroup add"

info "vde add: refused where others may write, or where the directory is not empty"
for d in open grp theirs; do
	set +e; out=$(ctl vde add vSwitch0 VDE "$TMP/$d/vde" 2>&1); rc=$?; set -e
	[ $rc -eq 1 ] || fail "vde add under $TMP/$d: rc $rc"
	echo "  $d/vde: $out"
	[ ! -e "$TMP/$d/vde/ctl" ] || fail "$TMP/$d/vde/ctl was made"
done
mkdir -m 0755 "$TMP/devlike" "$TMP/devlike/pts"; : >"$TMP/devlike/null"
set +e; out=$(ctl vde add vSwitch0 VDE "$TMP/devlike" 2>&1); rc=$?; set -e
echo "  devlike: $out"
[ $rc -eq 1 ] && [ ! -e "$TMP/devlike/ctl" ] || fail "vde add made a ctl in a directory that is not empty"
if [ ! -e /dev/ctl ]; then
	set +e; ctl vde add vSwitch0 VDE /dev 2>/dev/null; rc=$?; set -e
	[ ! -e /dev/ctl ] || { rm -f /dev/ctl; fail "vde add made /dev/ctl"; }
	[ $rc -eq 1 ] || fail "vde add /dev: rc $rc"
fi
ctl vde add vSwitch0 VDE "$TMP/vde" || fail "vde add in a new directory"
[ "$(stat -c %a:%U:%G "$TMP/vde/ctl")" = "660:root:$U" ] || fail "ctl is $(stat -c %a:%U:%G "$TMP/vde/ctl")"
ctl vde remove vSwitch0 "$TMP/vde" || fail "vde remove"
ctl vde add vSwitch0 VDE "$TMP/vde" || fail "vde add again in the (now empty) directory"
secret_ok || fail "$SECRET changed"
stop_vswd
echo PASS
