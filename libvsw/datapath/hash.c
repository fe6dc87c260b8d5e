// SPDX-License-Identifier: MIT
/*
 * hash.c - the teaming hashes: a source MAC's (originating virtual port and
 * source-MAC load balancing) and an IP pair's (IP hash), shared by a port's
 * standing choice (derive.c) and a frame's own (input.c).
 */
#include "datapath/datapath.h"
#include "datapath/frame.h"

uint32_t vsw__mac_hash(const uint8_t *mac)
{
	return mac[0] ^ mac[1] ^ mac[2] ^ mac[3] ^ mac[4] ^ mac[5];
}

/* XOR of the source and destination addresses folded to 8 bits; -1 if the
 * frame is not IPv4 or IPv6 (or too short to tell). */
int vsw__ip_hash(const uint8_t *d, uint32_t len, bool inband_tag)
{
	uint32_t off = VSW_ETHERTYPE_OFF + (inband_tag ? VSW_VLAN_HLEN : 0);
	uint32_t x = 0;
	uint16_t et;

	if (len < off + 2)
		return -1;
	et = vsw_be16(d + off);
	off += 2;
	if (et == VSW_ETH_P_IPV4 && len >= off + 20) {
		for (int i = 12; i < 20; i += 4)
			x ^= (uint32_t)d[off + i] << 24 | (uint32_t)d[off + i + 1] << 16 |
			     (uint32_t)d[off + i + 2] << 8 | d[off + i + 3];
	} else if (et == VSW_ETH_P_IPV6 && len >= off + 40) {
		for (int i = 8; i < 40; i += 4)
			x ^= (uint32_t)d[off + i] << 24 | (uint32_t)d[off + i + 1] << 16 |
			     (uint32_t)d[off + i + 2] << 8 | d[off + i + 3];
	} else {
		return -1;
	}
	x ^= x >> 16;
	x ^= x >> 8;
	return (int)(x & 0xff);
}
