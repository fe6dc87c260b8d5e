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
 * Describe a received frame whose outer tag the kernel stripped (aux data:
 * TP_STATUS_VLAN_VALID, tci, tpid). A stripped 802.1Q tag travels in the
 * descriptor; any other TPID is put back in the bytes, in 'scratch' (at
 * least len + 4 bytes).
 */
void vsw__packet_vlan(struct vsw_frame *f, uint32_t status, uint16_t tci, uint16_t tpid,
		      uint8_t *scratch);

#endif
