#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswd's pid and lock files. -p follows no symlink, clobbers
# no file that is not a pid file, replaces a stale one, and is locked for
# the daemon's life (a second vswd with it is refused); a pid file that
# cannot be written (a full file system) is an error exit, not exit 0 with
# an empty file. Two vswds started at once never both serve; a second vswd
# against a stopped first one (SIGSTOP, its backlog full) gives up at once.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"

SECRET="$TMP/secret"
echo "root only" >"$SECRET"; chmod 600 "$SECRET"

info "-p does not follow a symlink"
ln -s "$SECRET" "$TMP/link.pid"
set +e; timeout 10 "$VSWD" -f -s "$SOCK" -p "$TMP/link.pid" 2>"$TMP/err"; rc=$?; set -e
echo "  rc $rc: $(cat "$TMP/err")"
[ "$(cat "$SECRET")" = "root only" ] || fail "the pid went through the symlink into $SECRET"
[ $rc -eq 1 ] || fail "vswd ran (rc $rc) with a symlinked pid file"
[ ! -e "$SOCK" ] || fail "socket left behind"

info "-p does not clobber a file that is not a pid file"
echo "precious" >"$TMP/data.pid"
set +e; timeout 10 "$VSWD" -f -s "$SOCK" -p "$TMP/data.pid" 2>"$TMP/err"; rc=$?; set -e
echo "  rc $rc: $(cat "$TMP/err")"
[ "$(cat "$TMP/data.pid")" = precious ] || fail "a file that is not a pid file was overwritten"
[ $rc -eq 1 ] || fail "vswd ran (rc $rc) over a file that is not a pid file"

info "a stale pid file is replaced, and locked while vswd runs"
echo 4194999 >"$TMP/vswd.pid"
"$VSWD" -s "$SOCK" -p "$TMP/vswd.pid" || fail "daemon mode with a stale pid file"
DPID=$(cat "$TMP/vswd.pid"); PIDS="$PIDS $DPID"
[ "$DPID" != 4194999 ] && kill -0 "$DPID" || fail "pid file holds '$DPID'"
set +e; timeout 10 "$VSWD" -f -s "$TMP/other.sock" -p "$TMP/vswd.pid" 2>"$TMP/err"; rc=$?; set -e
echo "  second vswd, same pid file: rc $rc: $(cat "$TMP/err")"
[ $rc -eq 1 ] && [ "$(cat "$TMP/vswd.pid")" = "$DPID" ] || fail "a second vswd took the pid file"
ctl list >/dev/null || fail "the first vswd stopped answering"

info "the same socket: a second vswd is refused while the first is stopped"
kill -STOP "$DPID"
cat >"$TMP/fill.py" <<'PY'
import socket, sys, time
held = []
for _ in range(64):  # fill the stopped daemon's backlog
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1])
    except (BlockingIOError, OSError):
        break
    held.append(s)
print(len(held), flush=True)
time.sleep(float(sys.argv[2]))
PY
bg timeout 30 "$PY" "$TMP/fill.py" "$SOCK" 20 >"$TMP/filled"
FILLER=$LASTPID
wait_for 5 test -s "$TMP/filled" || fail "could not fill the backlog"
t0=$(date +%s%N)
set +e; timeout -k 2 10 "$VSWD" -f -s "$SOCK" 2>"$TMP/err"; rc=$?; set -e
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "  $(cat "$TMP/filled") connections queued; second vswd: rc $rc after $ms ms: $(cat "$TMP/err")"
[ $rc -eq 1 ] || fail "a second vswd against a stopped one: rc $rc"
[ $ms -lt 5000 ] || fail "a second vswd took $ms ms to give up"
kill "$FILLER"; wait "$FILLER" 2>/dev/null || true
kill -CONT "$DPID"
wait_for 5 ctl list || fail "the first vswd does not answer after SIGCONT"
kill -TERM "$DPID"
wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null" || fail "daemon did not stop"
[ ! -e "$TMP/vswd.pid" ] || fail "pid file left behind"

info "two vswds started at once: never both serving"
# Each round has its own socket and its own logs: a log reused from the
# round before (its vswd served there) read as "serving" before the new
# vswd had even opened it, and counted one vswd twice. Serving is judged
# on this round's socket path only; the loser must exit 1 saying who holds
# the lock, and the winner must still answer on the socket afterwards (the
# loser neither bound nor removed it).
both=0
: >"$TMP/gate"
# settled PID LOG SOCKET: the vswd gave up (exited) or serves SOCKET
settled() { ! kill -0 "$1" 2>/dev/null || grep -qF "listening on $3" "$2" 2>/dev/null; }
for i in $(seq 30); do
	S="$TMP/twin$i.sock"
	# both wait for the gate's lock, and start together when it is let go
	exec 9>"$TMP/gate"; flock 9
	for t in a b; do
		sh -c ': >"$5"; flock -s "$1" true; exec "$2" -f -s "$3" 2>"$4"' sh \
			"$TMP/gate" "$VSWD" "$S" "$TMP/$t$i.log" "$TMP/$t$i.ready" 9>&- &
		eval "$t=\$!"
	done
	PIDS="$PIDS $a $b"
	wait_for 10 test -e "$TMP/a$i.ready" -a -e "$TMP/b$i.ready" || fail "round $i: did not start"
	sleep 0.05
	exec 9>&-
	wait_for 10 settled $a "$TMP/a$i.log" "$S" && wait_for 10 settled $b "$TMP/b$i.log" "$S" ||
		fail "round $i: no end"
	alive=$(cat "$TMP/a$i.log" "$TMP/b$i.log" | grep -cF "listening on $S" || true)
	if [ "$alive" -eq 2 ]; then
		both=$((both + 1))
		echo "  round $i: both say they serve $S:"; sed 's/^/    /' "$TMP/a$i.log" "$TMP/b$i.log"
	elif [ "$alive" -eq 1 ]; then
		if grep -qF "listening on $S" "$TMP/a$i.log"; then win=$a loser=$b l=b; else win=$b loser=$a l=a; fi
		set +e; wait $loser; rc=$?; set -e
		[ $rc -eq 1 ] || fail "round $i: the loser exited $rc: $(cat "$TMP/$l$i.log")"
		grep -qF "another vswd serves $S" "$TMP/$l$i.log" ||
			fail "round $i: the loser did not give up on the lock: $(cat "$TMP/$l$i.log")"
		kill -0 $win && "$CTL" -s "$S" list >/dev/null ||
			fail "round $i: the winner does not answer on $S after the loser left"
	else
		fail "round $i: neither serves: $(cat "$TMP/a$i.log" "$TMP/b$i.log")"
	fi
	kill $a $b 2>/dev/null; wait $a $b 2>/dev/null || true
done
echo "  both served in $both of 30 rounds"
[ $both -eq 0 ] || fail "two vswds on one socket in $both rounds"

info "a pid file on a full file system: an error, not exit 0 and an empty file"
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	mkdir "$TMP/full"
	set +e
	timeout -k 2 15 unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=64k vswfull "$1" || exit 77
		dd if=/dev/zero of="$1/fill" bs=4k count=1000 2>/dev/null
		timeout 5 "$2" -f -s "$3" -p "$1/vswd.pid" 2>"$4"; rc=$?
		echo "size $(stat -c %s "$1/vswd.pid" 2>/dev/null || echo none)" >>"$4"
		exit $rc' sh "$TMP/full" "$VSWD" "$SOCK" "$TMP/err"
	rc=$?
	set -e
	echo "  rc $rc: $(cat "$TMP/err")"
	[ $rc -ne 77 ] || fail "no tmpfs"
	[ $rc -eq 1 ] || fail "vswd with an unwritable pid file: rc $rc"
	[ ! -e "$SOCK" ] || fail "socket left behind"
else
	echo "  (no mount namespaces: not checked)"
fi
[ "$(cat "$SECRET")" = "root only" ] || fail "$SECRET changed"
echo PASS
