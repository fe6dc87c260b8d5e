#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: a read-only user cannot lock root out of vswd. 64 silent
# connections, 64 half lines and 64 `list\0\n` lines held open do not keep
# root's vswctl waiting, and time out; a NUL byte is a bad line, answered
# at once; a line over 4 KB gets its ERR, never a reset; 400 VDE control
# connections under a 150-descriptor limit neither lock root out nor make
# vswd spin, nor do connections beyond the descriptor limit; vswctl gives
# up on a stopped vswd after its --timeout.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
mkuser

cat >"$TMP/client.py" <<'PY'
import socket, sys, time
def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s
def answer(s):
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            return out
        out += b
mode, path = sys.argv[1], sys.argv[2]
if mode == "hold":  # hold N connections of each kind, report how many vswd closed
    n, secs = int(sys.argv[3]), float(sys.argv[4])
    held = []
    for payload in (b"", b"list", b"list\0\n"):
        for _ in range(n):
            try:
                s = conn(path)
                if payload:
                    s.send(payload)
                held.append(s)
            except OSError:
                pass
    print(len(held), flush=True)
    time.sleep(secs)
    closed = 0
    for s in held:
        s.setblocking(False)
        try:
            if s.recv(100) is not None:
                closed += 1  # an answer or EOF: vswd let it go
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(closed, flush=True)
elif mode == "line":  # send LINE, print the answer
    s = conn(path)
    s.sendall(sys.argv[3].encode("latin-1").decode("unicode_escape").encode("latin-1"))
    sys.stdout.write(answer(s).decode(errors="replace"))
elif mode == "long":  # N lines of 5000 bytes: each must get its ERR, never a reset
    bad = 0
    for i in range(int(sys.argv[3])):
        s = conn(path)
        try:
            s.sendall(b"list " + b"a" * 5000 + b"\n")
            a = answer(s)
            if not a.startswith(b"ERR\n"):
                bad += 1
                print("answer %d: %r" % (i, a[:40]))
        except OSError as e:
            bad += 1
            print("line %d: %s" % (i, e))
        s.close()
    print("bad", bad)
elif mode == "vde":  # hold N VDE control connections
    n, secs = int(sys.argv[3]), float(sys.argv[4])
    held, end = [], time.monotonic() + 5
    for _ in range(n):
        if time.monotonic() > end:
            break
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(0.2)  # wait while the backlog is full
            s.connect(path)
            held.append(s)
        except OSError:
            pass
    print(len(held), flush=True)
    time.sleep(secs)
PY
client() { "$PY" "$TMP/client.py" "$@"; }
# timed CMD...: run CMD; $t is the milliseconds it took, $rc its status
timed() { local t0; t0=$(date +%s%N); set +e; "$@" >/dev/null 2>&1; rc=$?; set -e; t=$(( ($(date +%s%N) - t0) / 1000000 )); }

start_vswd --group "$U" --timeout 3
ctl vswitch add vSwitch0 || fail "vswitch add"

info "silent, half and NUL lines held by a read-only user: root still gets in"
bg timeout 30 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/client.py" hold "$SOCK" 64 7 >"$TMP/held"
HOLDER=$LASTPID
wait_for 10 test -s "$TMP/held" || fail "the holder did not connect"
timed ctl -t 5 list
echo "  $(head -1 "$TMP/held") connections held; root's vswctl list: rc $rc in $t ms"
[ $rc -eq 0 ] || fail "root was locked out (rc $rc)"
[ "$t" -lt 3000 ] || fail "root waited $t ms"
timed ctl -t 5 vswitch add vSwitch1
[ $rc -eq 0 ] || fail "root could not change the switch (rc $rc)"
wait "$HOLDER" || true
held=$(sed -n 1p "$TMP/held"); closed=$(sed -n 2p "$TMP/held")
echo "  vswd let go of $closed of the $held it had accepted or refused within 7 s"
[ "$closed" = "$held" ] || fail "vswd still holds $((held - closed)) connections past its timeout"

info "a NUL byte is a bad line, answered at once"
out=$(as_user timeout 5 "$PY" "$TMP/client.py" line "$SOCK" 'list\x00\n' || true)
echo "  list\\0\\n -> $(echo "$out" | tr '\n' ' ')"
echo "$out" | head -1 | grep -qx ERR || fail "no ERR for a NUL byte"

info "lines over 4 KB: each gets its ERR, never a reset"
out=$(timeout 60 "$PY" "$TMP/client.py" long "$SOCK" 40)
echo "  $out" | tail -3
echo "$out" | grep -qx "bad 0" || fail "over-long lines: $out"

info "vswctl gives up on a stopped vswd"
kill -STOP "$VPID"
timed timeout -k 1 20 "$CTL" -s "$SOCK" -t 1 list
kill -CONT "$VPID"
echo "  vswctl -t 1 list: rc $rc in $t ms"
[ $rc -eq 2 ] && [ "$t" -lt 4000 ] || fail "vswctl -t 1 against a stopped vswd: rc $rc in $t ms"
stop_vswd

info "400 VDE connections with 150 descriptors: root gets in, vswd does not spin"
SOCK="$TMP/vswd2.sock"
bg prlimit --nofile=150:150 "$VSWD" -f -s "$SOCK" --group "$U" --timeout 20 2>>"$TMP/vswd2.log"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
ctl vswitch add vSwitch0 && ctl portgroup add vSwitch0 VDE && ctl vde add vSwitch0 VDE "$TMP/vde" ||
	fail "VDE setup"
bg timeout 30 setpriv --reuid="$U" --regid="$U" --clear-groups "$PY" "$TMP/client.py" vde "$TMP/vde/ctl" 400 8 >"$TMP/vdeheld"
HOLDER=$LASTPID
wait_for 10 test -s "$TMP/vdeheld" || fail "the VDE holder did not connect"
cpu=$(cpu_pct "$VPID" 2)
timed ctl -t 5 list
echo "  $(cat "$TMP/vdeheld") VDE connections made; vswd used ${cpu}% CPU; root's list: rc $rc in $t ms"
[ $rc -eq 0 ] && [ "$t" -lt 3000 ] || fail "root locked out by VDE connections (rc $rc, $t ms)"
[ "$cpu" -lt 15 ] || fail "vswd spins at ${cpu}% CPU"
wait "$HOLDER" || true
stop_vswd

info "beyond the descriptor limit: vswd backs off instead of spinning"
SOCK="$TMP/vswd3.sock"
bg prlimit --nofile=20:20 "$VSWD" -f -s "$SOCK" --timeout 20 2>>"$TMP/vswd3.log"
VPID=$LASTPID
wait_for 5 test -S "$SOCK" || fail "vswd did not start"
bg timeout 30 "$PY" "$TMP/client.py" vde "$SOCK" 40 6 >"$TMP/rootheld"
HOLDER=$LASTPID
wait_for 10 test -s "$TMP/rootheld" || fail "the holder did not connect"
cpu=$(cpu_pct "$VPID" 2)
echo "  $(cat "$TMP/rootheld") connections; vswd used ${cpu}% CPU"
[ "$cpu" -lt 15 ] || fail "vswd spins at ${cpu}% CPU with no descriptor left"
wait "$HOLDER" || true
wait_for 5 ctl -t 2 list || fail "vswd does not answer once descriptors are free"
grep -q "not accepting" "$TMP/vswd3.log" || fail "the back-off was not logged"
stop_vswd
echo PASS
