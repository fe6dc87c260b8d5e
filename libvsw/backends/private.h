/* SPDX-License-Identifier: MIT */
/*
 * private.h - all a backend implementation includes besides vsw_backend.h:
 * the library's allocator, the one option parser (options.c), the network
 * device and network namespace helpers (netdev.c), finishing frames that arrive with a
 * virtio_net_hdr (vnet.c, over the datapath's offload helpers) and whether
 * a port owns the instance. Backends see nothing of the switch's internals.
 */
#ifndef VSW_BACKENDS_PRIVATE_H
#define VSW_BACKENDS_PRIVATE_H

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vsw.h"
#include "vsw_backend.h"
#include "core/alloc.h"
#include "core/check.h"
#include "datapath/offload.h"

/* Whether a port owns the instance (else a program uses it on its own). */
bool vsw__backend_owned(const struct vsw_backend *be);
/* Whether the instance is of the built-in type whose table is 'ops'. */
bool vsw__backend_has_ops(const struct vsw_backend *be, const struct vsw_backend_ops *ops);
/* From @c open: what it did (logged when a port attaches the instance) or
 * why it failed (vsw_backend_open_reason(); vsw_port_attach() logs it), in
 * one short line. */
void vsw__backend_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- options (options.c) ---- */
/*
 * Walk "key=value,key2,key3=v" options. On each call, fills 'key' and 'val'
 * (val is "" for a bare key) and advances '*s'; returns 1 while there is an
 * option, 0 at the end, -EINVAL for a malformed or too long one.
 */
int vsw__opt_next(const char **s, char *key, size_t keylen, char *val, size_t vallen);
/* A decimal option value in [min, max], or -EINVAL. */
long vsw__opt_long(const char *val, long min, long max);

/* ---- network devices (netdev.c) ---- */
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

/* ---- network namespaces (netdev.c) ---- */
/* A named network namespace is iproute2's: a bind mount on /run/netns/NAME. */
#define VSW__NETNS_DIR "/run/netns"
/* NULL, "" and "default" name the caller's own namespace. */
bool vsw__netns_is_default(const char *name);
/* 0, or -EINVAL for a name that cannot be a namespace's: 1 to 63 of
 * [A-Za-z0-9._-], not "." or "..". */
int vsw__netns_check_name(const char *name);
/* VSW__NETNS_DIR "/NAME". */
void vsw__netns_path(const char *name, char *path, size_t len);
/*
 * Move the calling thread into namespace 'name' for a moment, saving where
 * it was in *saved (-1 when 'name' is the default and nothing moved); 0 or
 * -errno (-ENOENT: no such namespace). vsw__netns_leave() returns. What is
 * opened inside (a tap, a socket) stays in that namespace after leaving.
 */
int vsw__netns_enter(const char *name, int *saved);
int vsw__netns_leave(int saved);

/* ---- socket files (unixsock.c) ---- */
struct sockaddr_storage;
/* A unix socket file an instance made: its mode and group (-1: as the
 * umask and the process give), and its path once bound (removed at close). */
struct vsw__unix_file {
	int mode;
	long gid;
	char path[108];
};
void vsw__unix_file_init(struct vsw__unix_file *f);
/* Unlink the file bound, if any. */
void vsw__unix_file_remove(struct vsw__unix_file *f);
/* Bind 'fd' to address 'a' (AF_UNIX: the file gets f's mode and group,
 * a stale socket file is replaced, anything else is left: -EEXIST,
 * -EADDRINUSE); other families are bound as they are. 0 or -errno. */
int vsw__unix_bind(struct vsw__unix_file *f, int fd, int type, const struct sockaddr_storage *a,
		   unsigned int alen);
/* A group name or number: the gid, or -1. */
long vsw__unix_group_id(const char *val);
/* Connect a new non-blocking stream socket to 'a' without waiting: 1 with
 * '*fd' connected, 0 with '*fd' still connecting (wait for it to poll
 * writable, then vsw__stream_connected()), or -errno with no descriptor. */
int vsw__stream_connect(const struct sockaddr_storage *a, unsigned int alen, int *fd);
/* Whether the connect() under way on 'fd' succeeded: 0, or -errno. */
int vsw__stream_connected(int fd);

/* ---- frames with a virtio_net_hdr (vnet.c) ---- */
/* The legacy virtio_net_hdr at 'hdr' (host byte order) as the offload
 * metadata of 'f', whose data and len are set and the rest zero; hdr_len is
 * the real header length read from the bytes. -EINVAL for a GSO type the
 * frame contract has no name for (UFO). Nothing is checked: the switch
 * checks it all (VSW_CTR_BAD_OFFLOAD). */
int vsw__vnet_to_frame(const void *hdr, struct vsw_frame *f);
/* The virtio_net_hdr (10 bytes at 'hdr') of frame 'f'. */
void vsw__vnet_from_frame(const struct vsw_frame *f, void *hdr);

#endif
