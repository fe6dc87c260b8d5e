# SPDX-License-Identifier: MIT
# Description: shared helpers of the netns-vswd-*.sh tests (sourced after
# netns-lib.sh): vswd and vswctl, and a throw-away unprivileged user.
#
# mkuser makes user $U with its own group $U for this run only (the name
# carries the PID); it is removed on exit, whatever the exit, after the
# processes this test started (as any user) were killed by PID.

VSWD="$B/examples/vswd"
CTL="$B/examples/vswctl"
# the programs themselves rather than libtool's wrapper scripts, which take
# a third of a second to start on a loaded machine (the tests loop)
if [ -x "$B/examples/.libs/vswd" ] && [ -x "$B/examples/.libs/vswctl" ]; then
	export LD_LIBRARY_PATH="$B/libvsw/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	VSWD="$B/examples/.libs/vswd"
	CTL="$B/examples/.libs/vswctl"
fi
PY=/usr/bin/python3
chmod 755 "$TMP"
SOCK="$TMP/vswd.sock"
ctl() { "$CTL" -s "$SOCK" "$@"; }
USERS=""
trap 'cleanup; for u in $USERS; do userdel -f "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done' EXIT

[ -x "$PY" ] || { echo "SKIP: $PY missing"; exit 77; }

mkuser() {
	command -v useradd >/dev/null && command -v setpriv >/dev/null ||
		{ echo "SKIP: useradd or setpriv missing"; exit 77; }
	U="vswt$$"
	useradd -M -U -s /bin/false -d /nonexistent "$U" || fail "useradd $U"
	USERS="$USERS $U"
	UID_U=$(id -u "$U")
}
# as_user CMD...: run CMD as $U (its own group only)
as_user() { setpriv --reuid="$U" --regid="$U" --clear-groups "$@"; }
# start_vswd ARGS...: vswd in the foreground on $SOCK, its log in $SWLOG
start_vswd() {
	SWLOG="$TMP/vswd.log"
	bg "$VSWD" -f -s "$SOCK" "$@" 2>>"$SWLOG"
	VPID=$LASTPID
	wait_for 5 test -S "$SOCK" || fail "vswd did not start"
}
stop_vswd() {
	kill -TERM "$VPID" 2>/dev/null; wait "$VPID" 2>/dev/null
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -v "^$VPID$" | tr '\n' ' ')
}
# cpu_pct PID SECONDS: CPU the process used over that time, in percent
cpu_pct() {
	local t0 t1 hz
	hz=$(getconf CLK_TCK)
	t0=$(awk '{print $14 + $15}' "/proc/$1/stat")
	sleep "$2"
	t1=$(awk '{print $14 + $15}' "/proc/$1/stat")
	echo $(( (t1 - t0) * 100 / hz / $2 ))
}
