#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: what vswctl answers itself, without a daemon: --version and
# -V (the library's version), help, help OBJECT [VERB], OBJECT [VERB]
# --help anywhere among the words, and "did you mean" for typos.
B="${top_builddir:-.}"
CTL="$B/examples/vswctl"
[ -x "$B/examples/.libs/vswctl" ] && CTL="$B/examples/.libs/vswctl" &&
	export LD_LIBRARY_PATH="$B/libvsw/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
VSWD_SOCKET=/nonexistent/vswd.sock
export VSWD_SOCKET
fail() { echo "FAIL: $*"; exit 1; }

"$CTL" --version | grep -Eq '^vswctl \(libvsw\) [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
[ "$("$CTL" -V)" = "$("$CTL" --version)" ] || fail "-V"
[ "$("$CTL" -s /x --version)" = "$("$CTL" --version)" ] || fail "-s X --version"
"$CTL" help | grep -q '^  vswitch  *add, remove, set ' || fail "help: no vswitch line"
"$CTL" --help | grep -q '^  -V, --version' || fail "--help: no -V"
"$CTL" vswitch --help | grep -q '^  vswctl vswitch add NAME' || fail "vswitch --help"
"$CTL" -s /x --json stats vSwitch0 --help | grep -q 'vswctl stats clear SWITCH' || fail "stats NAME --help"
"$CTL" policy set --help | grep -q 'load_balancing *port_id, src_mac, ip_hash, explicit' ||
	fail "policy set --help: no load_balancing values"
"$CTL" help uplink add | grep -q 'afpacket *rx=v2|v3' || fail "help uplink add: no backend options"
"$CTL" help vmk | grep -q 'valid: management, vmotion' || fail "help vmk: no services"
out=$("$CTL" help vnic remve 2>&1) && fail "help of an unknown verb succeeded"
[ "$out" = "vswctl: unknown verb 'remve' for vnic (did you mean 'remove'?)" ] || fail "help typo: $out"
out=$("$CTL" vswich add x 2>&1) && fail "a typo succeeded"
[ "$out" = "vswctl: unknown command 'vswich' (did you mean 'vswitch'?)" ] || fail "typo: $out"
out=$("$CTL" vswitch 2>&1) && fail "vswitch without a verb succeeded"
[ "$out" = "vswctl: 'vswitch' needs a verb: add, remove, set" ] || fail "no verbs listed: $out"
out=$("$CTL" policy set s pg load_balancing=iphash 2>&1)
[ "$out" = "vswctl: bad value 'iphash' for load_balancing (did you mean 'ip_hash'? valid: port_id, src_mac, ip_hash, explicit)" ] ||
	fail "bad value: $out"
"$CTL" >/dev/null 2>&1 && fail "no command: exit 0"
echo PASS
