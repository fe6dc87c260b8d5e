#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswctl talks only to the real vswd. A user who can write the
# socket's directory binds a socket of their own there that answers "OK":
# root's vswctl refuses it (exit 2, naming the uid) and sends it nothing.
# vswctl talks to root, to its own user, and to the owner of the socket's
# directory (a vswd running as an unprivileged user).
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
mkuser

cat >"$TMP/fake.py" <<'PY'
import os, socket, sys, time
path, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    os.unlink(path)
except OSError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
os.chmod(path, 0o777)
srv.listen(8)
srv.settimeout(0.5)
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        c, _ = srv.accept()
    except socket.timeout:
        continue
    c.settimeout(1)
    got = b""
    try:
        got = c.recv(4096)
    except OSError:
        pass
    with open(log, "ab") as f:
        f.write(got)
    try:
        c.sendall(b"OK\n")
    except OSError:
        pass
    c.close()
PY

info "a socket another user bound in a directory they can write: refused"
mkdir -m 0777 "$TMP/open"; chmod 0777 "$TMP/open"
: >"$TMP/got"; chmod 666 "$TMP/got"
bg timeout 30 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/fake.py" "$TMP/open/vswd.sock" "$TMP/got" 20
wait_for 5 test -S "$TMP/open/vswd.sock" || fail "the fake daemon did not start"
set +e; out=$("$CTL" -s "$TMP/open/vswd.sock" -t 5 vswitch add vSwitch0 2>&1); rc=$?; set -e
echo "  root's vswctl: rc $rc: $out"
[ $rc -eq 2 ] || fail "root's vswctl trusted a socket of uid $UID_U (rc $rc)"
echo "$out" | grep -q "uid $UID_U" || fail "the peer's uid is not named"
sleep 0.5
[ ! -s "$TMP/got" ] || fail "vswctl sent the impostor: $(cat "$TMP/got")"

info "the real vswd, as root: root and the read-only group are served"
mkdir -m 0755 "$TMP/run"
SOCK="$TMP/run/vswd.sock"
start_vswd --group "$U"
ctl -t 5 vswitch add vSwitch0 || fail "root's vswctl"
as_user "$CTL" -s "$SOCK" -t 5 list | grep -q vSwitch0 || fail "the group's vswctl"
stop_vswd

info "a vswd running as an unprivileged user, in its own directory: served"
mkdir -m 0755 "$TMP/user"; chown "$U" "$TMP/user"
SOCK="$TMP/user/vswd.sock"
bg setpriv --reuid="$U" --regid="$U" --clear-groups "$VSWD" -f -s "$SOCK" 2>>"$TMP/uvswd.log"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd as $U did not start: $(cat "$TMP/uvswd.log")"
ctl -t 5 vswitch add vSwitch9 || fail "root's vswctl to a vswd of the directory's owner"
ctl list | grep -q vSwitch9 || fail "list"
stop_vswd
echo PASS
