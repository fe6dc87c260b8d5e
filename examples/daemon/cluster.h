/* SPDX-License-Identifier: MIT */
/*
 * cluster.h - vswd --cluster: the proxy switches of distributed switches
 * whose definitions live in etcd (vsw-vds(7)). cluster.c when vswd is built
 * with libcurl and jansson, cluster-off.c (which refuses) otherwise.
 */
#ifndef VSWD_CLUSTER_H
#define VSWD_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"

struct cluster_opts {
	const char *endpoints;   /* --cluster URL[,URL...]; NULL: not joined */
	const char *host;        /* --host NAME */
	const char *vtep;        /* --vtep ADDR[,netns=NS] */
	const char *prefix;      /* --cluster-prefix (default /libvsw) */
	unsigned int lease_ttl;  /* --lease-ttl seconds (default 5) */
	const char *state;       /* the state file (--state), or NULL: the flood
				  * lists are kept next to it, as STATE.floods */
};

/* Check the options; 0, or -1 with 'err' (also: not built in). */
int cluster_check(const struct cluster_opts *o, char *err, size_t errlen);
/* Join: from now on 'd' keeps the proxies (d->vds, d->managed set); the
 * first read of the cluster is under way when it returns. 0, or -1. */
int cluster_start(struct vswd *d, const struct cluster_opts *o, char *err, size_t errlen);
/* The loop: a K_CLUSTER descriptor's events; the milliseconds until
 * cluster_run() has something to do (-1: nothing); its timers. */
void cluster_io(int fd, uint32_t events);
long cluster_timeout(void);
void cluster_run(void);
/* Leave (the host keys expire with their lease). */
void cluster_stop(void);

#endif
