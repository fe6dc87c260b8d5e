#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: VDE clients of vswd get no more than their own. A group
# member whose VDE request names root's datagram socket (where the switch
# would send the port's frames, as root) is refused and gets no port; with
# a socket of their own they get one. Twenty silent VDE connections of that
# user do not keep root's client out.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
mkuser

cat >"$TMP/vde.py" <<'PY'
import os, socket, struct, sys, time
ctl, mine, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def request(sock_path):
    sun = struct.pack("<H108s", socket.AF_UNIX, sock_path.encode())
    return struct.pack("<III", 0xfeedface, 3, 0) + sun + b"test".ljust(128, b"\0")
if mode == "bind":  # a datagram socket of our own, then ask for a port with it
    try:
        os.unlink(mine)
    except OSError:
        pass
    d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    d.bind(mine)
    target = mine
elif mode == "name":  # name somebody else's socket
    target = mine
elif mode == "hold":  # silent connections
    held = []
    for _ in range(int(mine)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1)
        try:
            s.connect(ctl)
            held.append(s)
        except OSError:
            pass
    print(len(held), flush=True)
    time.sleep(float(sys.argv[4]))
    sys.exit(0)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(ctl)
s.sendall(request(target))
try:
    a = s.recv(200)
except OSError as e:
    a = b""
print("answered" if len(a) >= 110 else "refused", flush=True)
if len(a) >= 110:
    time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
PY

start_vswd --group "$U"
ctl vswitch add vSwitch0 && ctl portgroup add vSwitch0 VDE && ctl vde add vSwitch0 VDE "$TMP/vde" ||
	fail "VDE setup"
"$PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(20)' "$TMP/root.dgram" &
LASTPID=$!; PIDS="$PIDS $LASTPID"
wait_for 5 test -S "$TMP/root.dgram" || fail "no root socket"

info "a request naming root's datagram socket is refused"
out=$(as_user timeout 10 "$PY" "$TMP/vde.py" "$TMP/vde/ctl" "$TMP/root.dgram" name)
echo "  $out"
[ "$out" = refused ] || fail "a user's VDE port sends to root's socket"
ctl list | grep -q "vnic vde" && fail "a port was made for it"

info "with a socket of its own, the user gets a port"
mkdir -m 0755 "$TMP/udir"; chown "$U" "$TMP/udir"
bg timeout 20 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/vde.py" "$TMP/vde/ctl" "$TMP/udir/u.dgram" bind 6 >"$TMP/own"
wait_for 5 test -s "$TMP/own" || fail "no answer to the user's own request"
[ "$(cat "$TMP/own")" = answered ] || fail "the user's own request: $(cat "$TMP/own")"
wait_for 3 sh -c "'$CTL' -s '$SOCK' list | grep -q 'vnic vde1-vde '" || fail "no port for the user"

info "twenty silent VDE connections of the user do not keep root out"
bg timeout 20 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/vde.py" "$TMP/vde/ctl" 20 hold 6 >"$TMP/held"
wait_for 10 test -s "$TMP/held" || fail "the holder did not connect"
out=$(timeout 10 "$PY" "$TMP/vde.py" "$TMP/vde/ctl" "$TMP/r.dgram" bind)
echo "  $(cat "$TMP/held") connections held; root's client: $out"
[ "$out" = answered ] || fail "root's VDE client was kept out"
stop_vswd
echo PASS
