/* SPDX-License-Identifier: MIT */
/*
 * backends.h - a backend instance as the library keeps it, the event
 * loop's state in the switch, and what the core calls in backends/: freeing
 * an instance (registry.c), the event loop's bookkeeping (loop.c), a port's
 * carrier and MTU against its backend's (carrier.c), and the rtnetlink link
 * events the loop listens to (linkwatch.c). Backend implementations do not
 * include this: they see struct vsw_backend only through vsw_backend.h and
 * private.h.
 */
#ifndef VSW_BACKENDS_BACKENDS_H
#define VSW_BACKENDS_BACKENDS_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw_backend.h"

struct vsw_switch;
struct vsw_port;

/* How the loop learns that a backend's link changed (loop.c). */
enum {
	VSW_LINK_TOLD,               /* the backend notifies (its contract) */
	VSW_LINK_RTNL,               /* rtnetlink events of its interface */
	VSW_LINK_POLL,               /* read every 100 ms (no descriptor, or no
				      * rtnetlink in its network namespace) */
};

struct vsw_backend {
	const struct vsw_backend_ops *ops;
	struct vsw_port *port;       /* read atomically by notify and writable */
	void *priv;
	int notified;                /* atomic: vsw_backend_notify() pending */
	int writable;                /* atomic: vsw_backend_writable() pending */
	bool in_epoll;
	bool parked;                 /* failing with its link down: not polled */
	bool tx_blocked;             /* send took fewer: waiting for room (deliver.c) */
	bool epollout;               /* the loop waits for its descriptor's EPOLLOUT */
	bool link_event;             /* an rtnetlink event named its interface */
	uint8_t link_watch;          /* VSW_LINK_* */
	int fd;
	int ifindex;                 /* VSW_LINK_RTNL: the interface it is bound to */
	bool rx_seen;                /* received since the last round's end */
	uint64_t blocked_since;      /* CLOCK_MONOTONIC: tx_blocked without want_writable */
	uint64_t tx_seen;            /* its port's tx_packets + tx_full then */
	uint64_t run_next;           /* switch clock: when @c run is due; UINT64_MAX never */
	uint64_t poll_next;          /* CLOCK_MONOTONIC: next link read; UINT64_MAX none */
	char note[128];              /* what @c open did (vsw__backend_note()) */
};

/*
 * The event loop's state in struct vsw_switch, next to its epoll, timer
 * and wake descriptors. Deadlines are absolute: 'run_next' and 'age_next'
 * on the switch's clock, 'poll_next' and 'armed' on CLOCK_MONOTONIC, which
 * the timer descriptor counts in; UINT64_MAX means none.
 */
struct vsw__loop {
	int rtnl;                    /* NETLINK_ROUTE (RTMGRP_LINK) socket, or -1 */
	bool ns_known;               /* the network namespace it listens in: */
	uint64_t ns_dev, ns_ino;     /* of /proc/thread-self/ns/net when opened */
	int pending;                 /* atomic: a backend was notified or made writable,
				      * or a setting moved a deadline: look at once */
	int in_round;                /* atomic: vsw_switch_poll() runs its round */
	uint32_t n_blocked;          /* attached backends tx_blocked at the last round */
	uint64_t run_next;           /* the earliest backend's run (or earlier) */
	uint64_t poll_next;          /* the earliest link read (or earlier) */
	bool age_known;              /* 'age_next' holds for the MAC table as it is */
	uint64_t age_next;           /* the next MAC aging */
	uint64_t age_print;          /* the port groups' aging times it was taken for */
	uint64_t armed;              /* when the timer descriptor fires; 0 disarmed */
	vsw_clock_fn clock_fn;       /* the clock the deadlines were taken on */
	void *clock_user;
};

/* ---- registry.c ---- */
void vsw__backend_free(struct vsw_backend *be);
/* ---- loop.c ---- */
/* The loop's state of a new switch: no descriptor yet, no deadline. */
void vsw__loop_setup(struct vsw_switch *sw);
/* Loop bookkeeping when a port gains or loses its backend. */
int vsw__loop_add(struct vsw_switch *sw, struct vsw_port *p);
void vsw__loop_del(struct vsw_switch *sw, struct vsw_port *p);
/* A port attached its backend: its @c run hook runs for the first time. */
void vsw__loop_attached(struct vsw_port *p);
/* Something outside a round may have moved a deadline earlier (a setting,
 * the clock): wake a host that sleeps on vsw_switch_fd(), which then polls
 * and sets the timer again. Cheap, and nothing inside a round. */
void vsw__loop_kick(struct vsw_switch *sw);
/* vsw_backend_notify() or vsw_backend_writable() set a flag of 'be': wake
 * the loop of the switch that owns it, from any thread. */
void vsw__backend_wake(struct vsw_backend *be);
void vsw__loop_fini(struct vsw_switch *sw);
/* ---- carrier.c ---- */
/* Re-read a backend's carrier; true if the port's link changed. */
bool vsw__port_refresh_carrier(struct vsw_port *p);
/* Warn when the port's backend cannot carry frames of the switch's MTU. */
void vsw__port_check_mtu(struct vsw_port *p);

/* ---- linkwatch.c ---- */
/* A NETLINK_ROUTE socket subscribed to link events (RTMGRP_LINK),
 * non-blocking, in the calling thread's network namespace: the descriptor
 * or a negative errno. */
int vsw__linkwatch_open(void);
/* Read every waiting message of 'fd' and call 'fn' with the ifindex of
 * each RTM_NEWLINK and RTM_DELLINK. Returns 0, -ENOBUFS when the kernel
 * dropped events (every interface may have changed), or a negative errno. */
int vsw__linkwatch_read(int fd, void (*fn)(void *ctx, int ifindex), void *ctx);
/* The interface a packet socket is bound to: its ifindex, 0 when 'fd' is
 * not an AF_PACKET socket bound to one, or a negative errno. */
int vsw__linkwatch_ifindex(int fd);
/* The calling thread's network namespace: 0, or a negative errno. */
int vsw__linkwatch_netns(uint64_t *dev, uint64_t *ino);
/* The network namespace of socket 'fd' (SIOCGSKNS): 0, or a negative
 * errno (-EPERM without CAP_NET_ADMIN, -ENOTTY before Linux 4.9). */
int vsw__linkwatch_sock_netns(int fd, uint64_t *dev, uint64_t *ino);

#endif
