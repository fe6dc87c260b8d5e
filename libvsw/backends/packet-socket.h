/* SPDX-License-Identifier: MIT */
/*
 * packet-socket.h - what the afpacket and raw backends share: opening an
 * AF_PACKET socket bound to one interface the way a switch needs it, and
 * putting back the VLAN tag the kernel stripped on receive.
 */
#ifndef VSW_PACKET_SOCKET_H
#define VSW_PACKET_SOCKET_H

#include <linux/if_packet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw.h"

/* An AF_PACKET SOCK_RAW socket, not yet bound. */
int vsw__packet_socket(void);

/*
 * Make 'fd' a switch port on 'ifname': the interface is brought up and put
 * in promiscuous mode through a packet membership (dropped with the socket),
 * the socket ignores what it sends itself and bypasses the qdisc, and it is
 * bound to every protocol on the interface. Returns the ifindex or a
 * negative errno.
 */
int vsw__packet_bind(int fd, const char *ifname);

/* Rebind after the interface disappeared and came back (with a new index,
 * or its old one): returns the ifindex bound now, 0 if the socket was still
 * bound, or a negative errno. */
int vsw__packet_rebind(int fd, const char *ifname, int old_ifindex);

/* A pending error on the socket (the interface went down or away), or 0. */
int vsw__packet_error(int fd);

/*
 * The longest frame, as on the wire, that a port on an interface of MTU
 * 'mtu' hands to the switch: the Ethernet header and two tags (a QinQ
 * frame of a full payload). Anything longer is dropped as truncated. An
 * MTU above Ethernet's largest (a dummy device takes any) counts as that:
 * the rings and buffers stay finite.
 */
#define VSW_PACKET_MTU_MAX 65535

static inline unsigned int vsw__packet_frame_max(int mtu)
{
	if (mtu > VSW_PACKET_MTU_MAX)
		mtu = VSW_PACKET_MTU_MAX;
	return (unsigned int)(mtu < 0 ? 0 : mtu) + 14 + 8;
}

/* A received frame's length on the wire: 'len' bytes plus the outer tag
 * the kernel stripped, if it did. */
static inline uint32_t vsw__packet_wire_len(uint32_t len, uint32_t status)
{
	return len + (status & TP_STATUS_VLAN_VALID ? 4 : 0);
}

/*
 * Describe a received frame whose outer tag the kernel stripped (aux data:
 * TP_STATUS_VLAN_VALID, tci, tpid). A stripped 802.1Q tag travels in the
 * descriptor; any other TPID is put back in the bytes, in 'scratch' of
 * 'room' bytes. Returns 0, or -EMSGSIZE when the frame and its tag do not
 * fit in 'room' (the frame is left as it was; drop it).
 */
int vsw__packet_vlan(struct vsw_frame *f, uint32_t status, uint16_t tci, uint16_t tpid,
		     uint8_t *scratch, size_t room);

/*
 * Frames the kernel dropped on the socket since the last call, because its
 * ring or receive queue was full (PACKET_STATISTICS; reading resets them).
 * 'v3': the socket has a TPACKET_V3 ring. 0 when it cannot tell.
 */
uint64_t vsw__packet_drops(int fd, bool v3);

#endif
