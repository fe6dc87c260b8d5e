#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the afpacket and raw backends' receive paths at the edges of
# their buffers: frames of 0 to 65,553 bytes, untagged and tagged, from a
# raw socket in a peer namespace while the interface's MTU goes up and
# down, on their own and as a switch's uplink (nothing truncated reaches
# the switch, every frame is delivered whole or counted), then 200,000
# broadcasts into an uplink that does not read for a while (the kernel's
# drops counted: interface rx = rx_packets + rx_dropped + truncated).
# The work is done by tests/backend-edges.
. "$(dirname "$0")/netns-lib.sh"

netns "${P}sw"; netns "${P}ph"
for ns in "${P}sw" "${P}ph"; do
	# no IPv6 chatter (DAD, router solicitations) between the test's frames
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
veth "${P}u" "${P}p"
ip link set "${P}u" netns "${P}sw" && ip link set "${P}p" netns "${P}ph" || fail "veth into namespaces"
ip -n "${P}sw" link set "${P}u" up && ip -n "${P}ph" link set "${P}p" up || fail "links up"
# the peer passes GSO super-frames on as they are (the other frames are
# not GSO: this changes nothing for them)
command -v ethtool >/dev/null &&
	ip netns exec "${P}ph" ethtool -K "${P}p" sg on tx on tso on >/dev/null 2>&1
info "frames of every length against the afpacket and raw backends"
ip netns exec "${P}sw" ${EDGES_WRAP:-} timeout 150 "$B/tests/backend-edges" "/run/netns/${P}ph" "${P}u" "${P}p" ||
	fail "backend-edges"
