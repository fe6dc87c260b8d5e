#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the MAC table's capacity from vswctl (defect 13, vswctl's
# part). `vswitch add NAME --max-macs N` sizes the table; list and --json
# show it; a bad size is refused naming the word, and so is changing it on
# a live switch. A learning vNIC that sends 6,000 source MACs gets more
# than 4,096 of them learned on a switch of 8,192, and at most 4,096 on a
# switch of the default size.
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/netns-vswd-lib.sh"

start_vswd
ctl vswitch add big --max-macs 8192 || fail "vswitch add --max-macs"
ctl vswitch add small || fail "vswitch add"

info "list and --json show the size"
ctl list | tee "$TMP/list" | head -3
grep -q "^big  .* 8192 " "$TMP/list" || fail "list: no 8192 for big"
grep -q "^small  .* 4096 " "$TMP/list" || fail "list: no 4096 for small"
ctl --json list | "$PY" -c 'import json, sys
d = {s["name"]: s["max_macs"] for s in json.load(sys.stdin)["vswitches"]}
assert d == {"big": 8192, "small": 4096}, d' || fail "list --json: max_macs"

info "bad sizes are refused"
for bad in "vswitch add x --max-macs 0" "vswitch add x --max-macs 16777217" "vswitch add x --max-macs lots" \
	   "vswitch set big --max-macs 100"; do
	set +e; out=$(ctl $bad 2>&1); rc=$?; set -e
	echo "  $bad -> $out"
	[ $rc -eq 1 ] || fail "'$bad' exited $rc"
done
ctl vswitch set big --max-macs 100 2>&1 | grep -q "when the vswitch is added" || fail "set --max-macs: no reason"

info "6,000 source MACs from a learning vNIC"
cat >"$TMP/macs.py" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
dst = bytes.fromhex("020000000001")
for burst in range(60):
    for i in range(100):
        n = burst * 100 + i + 1
        src = b"\x02\x77" + struct.pack(">I", n)
        s.send(dst + src + b"\x88\xb5" + bytes(46))
    time.sleep(0.02)
PY
for sw in big small; do
	ctl portgroup add $sw L && ctl policy set $sw L mac_learning=on mac_limit=100000 &&
		ctl vnic add $sw L vm1 --backend "tap:${P}$sw" || fail "$sw: setup"
	netns "${P}$sw"
	in_ns "${P}$sw" "${P}$sw" 10.77.9.1/24
	ip netns exec "${P}$sw" timeout 30 "$PY" "$TMP/macs.py" "${P}$sw" || fail "$sw: sender"
done
sleep 0.5
nbig=$(ctl fdb big | grep -c " learned ")
nsmall=$(ctl fdb small | grep -c " learned ")
echo "  learned: $nbig on big (8192), $nsmall on small (4096)"
[ "$nbig" -gt 4096 ] || fail "big learned only $nbig"
[ "$nsmall" -le 4096 ] || fail "small holds $nsmall learned addresses"
stop_vswd
echo PASS
