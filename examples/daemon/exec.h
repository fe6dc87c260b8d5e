/* SPDX-License-Identifier: MIT */
/*
 * exec.h - what vswd holds (any number of switches) and how it runs a
 * parsed command against it. A command that fails leaves the state as it
 * was: multi-step commands undo their first steps.
 */
#ifndef VSWD_EXEC_H
#define VSWD_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <vsw.h>

#include "cmd.h"
#include "outbuf.h"
#include "record.h"

/* The MAC table's capacity when vswitch add gives none (vsw_switch_opts). */
#define VSWD_DEFAULT_MAX_MACS 4096

struct vswd_switch {
	struct vsw_switch *sw;
	unsigned int max_macs;   /* as created: the library has no getter */
	struct vswd_switch *next;
};

struct vswd {
	struct vswd_switch *switches;
	/* called when a switch is created and before it is destroyed, so that
	 * the daemon can watch its descriptor */
	int (*added)(struct vswd *d, struct vsw_switch *sw);
	void (*removing)(struct vswd *d, struct vsw_switch *sw);
	void *user;
	vsw_log_fn log;
	/* if set, a backend spec it refuses is an error (the fuzzer allows
	 * memory wires only) */
	bool (*backend_ok)(const char *spec);
	/* VDE control directories are the daemon's: NULL where there is none */
	int (*vde)(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);
	/* the host's own objects (VMkernel interfaces, TCP/IP stacks) are made
	 * only where this is set: in the daemon, not in the fuzzer */
	bool host_ok;
	/* TCP/IP stacks this daemon made (host.c), removed when it stops */
	char **stacks;
	int nstacks;
	/* what the library does not keep (record.h), for the dump (dump.h) */
	struct vswd_port_rec *ports;
	struct vswd_vde_rec *vdes;
	/* a dry run (a configuration checked, or the state a reload wants):
	 * switches and records only; no backend, interface, stack or VDE
	 * directory is made */
	bool dry;
	/* loading the state file at start: a TCP/IP stack that exists is the
	 * one the daemon left, and is taken over */
	bool adopt;
	/* taps of vNICs and VMkernel interfaces outlive the daemon (it keeps
	 * a state file): made persistent, and adopted when it starts again */
	bool persist;
	/* after every change that succeeded, and for "save": write the state
	 * (0, or -1 with 'err'); NULL: the daemon keeps none */
	int (*changed)(struct vswd *d, char *err, size_t errlen);
	/* whether a session is a running capture's (vswctl capture): not
	 * configuration, not to be changed by mirror commands; NULL: none is */
	bool (*mirror_capture)(const struct vsw_mirror *m);
	/* vswd --cluster (cluster.c): the vds commands, and whether switch
	 * 'sw' is a distributed switch's proxy, whose definition (port groups,
	 * policies, MTU) only the cluster changes; NULL: not joined */
	int (*vds)(struct vswd *d, const struct vswcmd *c, struct outbuf *out, char *err, size_t errlen);
	bool (*managed)(struct vswd *d, const char *sw);
};

/*
 * Load a configuration: every line is parsed first, then the lines run in
 * order. Returns 0, or -1 with "LINE: message" in 'err' and every switch
 * removed (nothing half-built). Output of read commands goes to 'out'.
 */
int vswd_config_load(struct vswd *d, FILE *f, struct outbuf *out, char *err, size_t errlen);

/* Run 'c'. Returns 0 with its output in 'out', or -1 with one line in 'err'. */
int vswd_exec(struct vswd *d, const struct vswcmd *c, struct outbuf *out, char *err, size_t errlen);

/* The switch named 'name', or NULL. */
struct vswd_switch *vswd_find_switch(struct vswd *d, const char *name);

/* A library error in words for a command's error line. */
const char *vswd_why(int e);

/* port.c: uplink, vnic and vmk add/remove/set. */
int vswd_port_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);

/* A port removed for good: its tap, persistent while the daemon keeps its
 * state, goes with it. */
void vswd_port_forget(struct vsw_port *p);

/* policy.c: policy set and clear. */
int vswd_policy_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);

/* mirror.c: mirror add, remove and set. */
int vswd_mirror_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);
/* Whether 'm' is a running capture's session. */
bool vswd_mirror_is_capture(const struct vswd *d, const struct vsw_mirror *m);
/* The VLANs of source 'p' of 'm' as mirror set takes them ("10,20-30"),
 * "" for every VLAN. */
const char *vswd_mirror_vlans(const struct vsw_mirror *m, const struct vsw_port *p, char *buf,
			      size_t len);

/* A MAC for a port that comes without one: the VMware OUI 00:50:56 and a
 * hash of the switch and port names ('salt' picks another). */
void vswd_default_mac(const char *sw, const char *name, unsigned int salt, uint8_t mac[6]);

/* Destroy every switch. */
void vswd_clear(struct vswd *d);

#endif
