#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: a read-only user can neither forge nor flood vswd's log.
# A refused command carrying CR and ESC bytes after a '#' (which the parser
# takes for a comment) reaches the log escaped, so no line of it can pass
# for "vswd: uid 0: ..."; 2,000 refused 4 KB commands grow the log by a few
# kilobytes, not megabytes (refusals are rate-limited per user, and quoted
# text is cut), while root's own changes are still logged in full, and a
# change that fails (an uplink on a missing interface) is logged with why.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"
mkuser

cat >"$TMP/send.py" <<'PY'
import socket, sys, time
path, line, n, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
line = line.encode("latin-1").decode("unicode_escape").encode("latin-1")
end, sent = time.monotonic() + secs, 0
while sent < n and time.monotonic() < end:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(line)
    while s.recv(4096):
        pass
    s.close()
    sent += 1
print(sent)
PY
as_sender() { as_user timeout 30 "$PY" "$TMP/send.py" "$SOCK" "$@"; }

start_vswd --group "$U"
ctl vswitch add Prod || fail "vswitch add"

info "CR and ESC in a refused command are escaped in the log"
as_sender 'vswitch add evil #\r\x1b[2Kvswd: uid 0: vswitch remove Prod\n' 1 5 >/dev/null
sleep 0.2
grep -a "refused a change" "$SWLOG" | tail -1
grep -q $'\r' "$SWLOG" && fail "a raw CR reached the log"
grep -q $'\e' "$SWLOG" && fail "a raw ESC reached the log"
grep -aq 'refused a change from uid [0-9]*: vswitch add evil #\\x0d\\x1b\[2Kvswd: uid 0' "$SWLOG" ||
	fail "the refusal is not logged escaped"

info "2,000 refused 4 KB commands"
before=$(stat -c %s "$SWLOG")
long="vswitch add evil #$(head -c 4000 /dev/zero | tr '\0' A)\\n"
sent=$(as_sender "$long" 2000 15)
sleep 0.2
grown=$(( $(stat -c %s "$SWLOG") - before ))
echo "  $sent commands refused; the log grew by $grown bytes"
[ "$sent" -ge 500 ] || fail "only $sent commands were sent"
[ "$grown" -lt 65536 ] || fail "the log grew by $grown bytes"
grep -aq "more from uid $UID_U not logged" "$SWLOG" || sleep 1.2
as_sender 'vswitch add evil\n' 1 5 >/dev/null
grep -aq "more from uid $UID_U not logged" "$SWLOG" || fail "the suppressed refusals are not counted"
ctl vswitch add Dev || fail "root's change"
grep -aq "uid 0: vswitch add Dev" "$SWLOG" || fail "root's change is not logged"

info "a change that fails is logged with its reason"
set +e; ctl uplink add Dev vmnic0 --backend "afpacket:${P}none" 2>/dev/null; rc=$?; set -e
[ $rc -eq 1 ] || fail "uplink add on a missing interface: rc $rc"
grep -a "uplink add Dev vmnic0" "$SWLOG" | tail -1
grep -aq "uid 0: uplink add Dev vmnic0 --backend afpacket:${P}none: failed: backend" "$SWLOG" ||
	fail "the failed uplink add is not logged with its reason"
stop_vswd
echo PASS
