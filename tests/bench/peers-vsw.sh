#!/bin/sh
# SPDX-License-Identifier: MIT
# Side-by-side benchmark: libvsw (examples/vsw-bridge over the afpacket
# backend) against the Linux bridge, vde_switch, Open vSwitch's userspace
# datapath and a bare recvmmsg/sendmmsg forwarder, with ../shared/bench/peers.sh:
# ping RTT, TCP throughput, 64-byte frames received, small UDP datagrams,
# in interleaved rounds, each variant also as a ratio to the Linux bridge of
# the same round. Run as root from the source tree after a build in build/:
#
#   tests/bench/peers-vsw.sh [ROUNDS] [VARIANTS] [-- extra vsw-bridge args]
#
# Traffic stays between the harness's own namespaces h1 and h2.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
peers="$top/../shared/bench/peers.sh"
rounds=3
variants=linuxbridge,lb-nooffload,vde,ovs-netdev,afp-ref,custom
if [ $# -gt 0 ] && [ "$1" != "--" ]; then rounds=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" != "--" ]; then variants=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
[ -x "$peers" ] || { echo "no $peers"; exit 1; }
[ -x "$top/build/examples/vsw-bridge" ] || { echo "build first (./quickstart test or make -C build)"; exit 1; }
"$top/tools/deps.sh" bench
out=/tmp/vsw-peers-$(date +%Y%m%d-%H%M%S)
exec "$peers" -r "$rounds" -o "$out" --custom-name vsw-afpacket "$variants" -- \
	"$top/build/examples/vsw-bridge" "$@" {IF1} {IF2}
