#!/bin/sh
# SPDX-License-Identifier: MIT
# Install whatever tools/apt-packages lists that is not installed yet.
# "tools/deps.sh" installs what builds, tests, documents and demos need;
# "tools/deps.sh bench" also the benchmark-only packages (marked "bench").
# Needs root (or sudo) only when something is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want=${1:-}
missing=""
# shellcheck disable=SC2013
for line in $(sed 's/#.*//; s/[[:space:]][[:space:]]*/:/g; /^:*$/d' "$here/apt-packages"); do
	p=${line%%:*}
	tag=${line#"$p"}; tag=${tag#:}
	[ -n "$tag" ] && [ "$tag" != "$want" ] && continue
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
