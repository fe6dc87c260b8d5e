/* SPDX-License-Identifier: MIT */
/*
 * netdev.h - small helpers over a kernel network interface, shared by the
 * tap, afpacket and raw backends: index, flags, MAC, MTU, and parsing of
 * backend option strings.
 */
#ifndef VSW_NETDEV_H
#define VSW_NETDEV_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

/* The interface's index, or a negative errno (-ENODEV if it does not exist). */
int vsw__netdev_ifindex(const char *ifname);
/* IFF_* flags of the interface, or a negative errno. */
int vsw__netdev_flags(const char *ifname);
/* Set IFF_UP (and IFF_PROMISC if 'promisc'); 0 or a negative errno. */
int vsw__netdev_up(const char *ifname, bool promisc);
/* 1 if the interface is up with carrier (IFF_RUNNING), 0 if not or gone. */
int vsw__netdev_running(const char *ifname);
int vsw__netdev_mac(const char *ifname, uint8_t mac[6]);
int vsw__netdev_mtu(const char *ifname);
/* 0 or -EINVAL for an interface name (1 to IFNAMSIZ-1 bytes, no '/' or space). */
int vsw__netdev_name_ok(const char *ifname);

/*
 * Walk "key=value,key2,key3=v" options. On each call, fills 'key' and 'val'
 * (val is "" for a bare key) and advances '*s'; returns 1 while there is an
 * option, 0 at the end, -EINVAL for a malformed or too long one.
 */
int vsw__opt_next(const char **s, char *key, size_t keylen, char *val, size_t vallen);
/* A decimal option value in [min, max], or -EINVAL. */
long vsw__opt_long(const char *val, long min, long max);

#endif
