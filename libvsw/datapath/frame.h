/* SPDX-License-Identifier: MIT */
/*
 * frame.h - Ethernet and 802.1Q field access for the frame path.
 *
 * Every multi-byte field is read with byte loads (no unaligned word loads
 * into frames), and every caller has checked the length before touching a
 * field. VLAN fields use named masks: a VID is 12 bits (0x0fff), never fewer.
 */
#ifndef VSW_FRAME_H
#define VSW_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define VSW_ETH_HLEN 14
#define VSW_VLAN_HLEN 4
#define VSW_ETH_ALEN 6
#define VSW_ETHERTYPE_OFF 12

#define VSW_ETH_P_8021Q 0x8100u
#define VSW_ETH_P_8021AD 0x88a8u
#define VSW_ETH_P_IPV4 0x0800u
#define VSW_ETH_P_IPV6 0x86ddu
#define VSW_ETH_P_RARP 0x8035u

#define VSW_VID_MASK 0x0fffu
#define VSW_PCP_DEI_MASK 0xf000u
#define VSW_VID_RESERVED 0x0fffu

static inline uint16_t vsw_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void vsw_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The 48 bits at 'p' as an integer, first byte most significant. The caller
 * guarantees 8 readable bytes (a frame of at least 14 bytes has them at its
 * destination and source MACs). */
static inline uint64_t vsw_load_mac48(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v) >> 16;
}

static inline uint64_t vsw_mac48(const uint8_t mac[6])
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
	       (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
}

#define VSW_MAC48_MULTICAST (1ull << 40)

static inline bool vsw_mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1;
}

static inline bool vsw_mac_is_zero(const uint8_t *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static inline bool vsw_mac_eq(const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, VSW_ETH_ALEN);
}

#endif
