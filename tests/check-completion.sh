#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: vswctl's bash completion (examples/daemon/bash-completion/vswctl)
# sourced in bash: objects, verbs, options and values completed from a
# few prefixes, through vswctl __complete, with no daemon running.
command -v bash >/dev/null || { echo "SKIP: no bash"; exit 77; }
B="${top_builddir:-.}"
S="${top_srcdir:-${srcdir:-.}}"
CTL="$B/examples/vswctl"
[ -x "$B/examples/.libs/vswctl" ] && CTL="$B/examples/.libs/vswctl" &&
	export LD_LIBRARY_PATH="$B/libvsw/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export VSWD_SOCKET=/nonexistent/vswd.sock
# shellcheck disable=SC1091
. "$S/examples/daemon/bash-completion/vswctl" || { echo "FAIL: does not source"; exit 1; }
complete -p vswctl | grep -q _vswctl || { echo "FAIL: not registered"; exit 1; }
compopt() { :; } # outside a completion

# comp WANT WORDS...: complete the last word (possibly ""), expect WANT
comp() {
	local want=$1
	shift
	COMP_LINE="vswctl $*"
	COMP_POINT=${#COMP_LINE}
	COMP_WORDS=("$CTL" "$@")
	COMP_CWORD=$#
	# bash breaks the word being completed at = and :
	local last=${COMP_WORDS[COMP_CWORD]}
	COMP_WORDS[COMP_CWORD]=${last##*[=:]}
	_vswctl
	local got="${COMPREPLY[*]}"
	if [ "$got" != "$want" ]; then
		echo "FAIL: vswctl $* <TAB>: got '$got', wanted '$want'"
		exit 1
	fi
	echo "ok: vswctl $* <TAB> -> $got"
}
comp "vswitch" vsw
comp "portgroup policy" p
comp "add remove set" vswitch ""
comp "add remove set neighbors" uplink ""
comp "--mtu --max-macs --beacon-interval --lldp --lldp-interval --may-exist" vswitch add s0 --
comp "listen" vswitch set s0 --lldp l
comp "up down" uplink set s0 vmnic0 --link ""
comp "csum,tso4 csum,tso6 csum,tso_ecn" vnic set s0 vm1 --offloads csum,tso
comp "ip_hash" policy set s0 pg load_balancing=ip
comp "load_balancing=" policy set s0 pg load_b
comp "flush" fdb f
comp "--if-exists" vnic remove s0 vm1 --if
comp "" list --json x
comp "mirror" mir
comp "add remove set list" mirror ""
comp "no-source= no-dest" mirror set s0 span1 no
comp "yes no" mirror set s0 span1 enabled=
comp "--direction" capture s0 vm1 --dir
comp "in out both" capture s0 vm1 --direction ""
echo PASS
