/* SPDX-License-Identifier: MIT */
/*
 * record.h - what vswd was told that the library does not keep, so that the
 * running configuration can be written back as commands (dump.c): a port's
 * backend as named and its options, the offloads and link state the user
 * set, a VMkernel interface's settings, and the VDE directories. Ports made
 * by VDE clients have no record: they come and go with their clients.
 */
#ifndef VSWD_RECORD_H
#define VSWD_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include <vsw.h>

#include "cmd.h"

struct vswd;

struct vswd_port_rec {
	struct vsw_switch *sw;
	char name[VSW_NAME_MAX + 1];
	char *backend, *options;   /* as given; NULL: none */
	bool has_offloads;
	uint64_t offloads;
	bool link_down;            /* set --link down */
	/* a VMkernel port's interface (--netstack/--ip/--mtu/--gateway) */
	bool iface;
	char *netstack;            /* as given; NULL: the default stack */
	bool has_mtu;
	unsigned int mtu;
	char *ips, *gateways;      /* comma lists; NULL or "": none */
	struct vswd_port_rec *next;
};

struct vswd_vde_rec {
	struct vsw_switch *sw;
	char *pg, *dir;
	struct vswd_vde_rec *next;
};

/* The record of port 'name' of 'sw', or NULL. */
struct vswd_port_rec *record_port(struct vswd *d, struct vsw_switch *sw, const char *name);
/* After a port was added by 'c': its record. 0, or -ENOMEM. */
int record_port_add(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c);
/* After a successful set: what it changed. */
int record_port_set(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c);
void record_port_remove(struct vswd *d, struct vsw_switch *sw, const char *name);
/* vde add / remove, after it succeeded. */
int record_vde(struct vswd *d, struct vsw_switch *sw, const struct vswcmd *c);
/* Every record of a switch that is going away. */
void record_switch_remove(struct vswd *d, struct vsw_switch *sw);

#endif
