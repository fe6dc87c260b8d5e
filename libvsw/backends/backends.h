/* SPDX-License-Identifier: MIT */
/*
 * backends.h - a backend instance as the library keeps it, and what the
 * core calls in backends/: freeing an instance (registry.c), the event
 * loop's bookkeeping (loop.c) and a port's carrier and MTU against its
 * backend's (carrier.c). Backend implementations do not include this:
 * they see struct vsw_backend only through vsw_backend.h and private.h.
 */
#ifndef VSW_BACKENDS_BACKENDS_H
#define VSW_BACKENDS_BACKENDS_H

#include <stdbool.h>

#include "vsw_backend.h"

struct vsw_switch;
struct vsw_port;

struct vsw_backend {
	const struct vsw_backend_ops *ops;
	struct vsw_port *port;
	void *priv;
	int notified;                /* atomic: vsw_backend_notify() pending */
	bool in_epoll;
	bool parked;                 /* failing with its link down: not polled */
	bool tx_blocked;             /* send took fewer: waiting for room (deliver.c) */
	int fd;
};

/* ---- registry.c ---- */
void vsw__backend_free(struct vsw_backend *be);
/* ---- loop.c ---- */
/* Loop bookkeeping when a port gains or loses its backend. */
int vsw__loop_add(struct vsw_switch *sw, struct vsw_port *p);
void vsw__loop_del(struct vsw_switch *sw, struct vsw_port *p);
void vsw__loop_fini(struct vsw_switch *sw);
/* ---- carrier.c ---- */
/* Re-read a backend's carrier; true if the port's link changed. */
bool vsw__port_refresh_carrier(struct vsw_port *p);
/* Warn when the port's backend cannot carry frames of the switch's MTU. */
void vsw__port_check_mtu(struct vsw_port *p);

#endif
