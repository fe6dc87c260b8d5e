// SPDX-License-Identifier: MIT
/*
 * cluster-off.c - vswd built without its cluster client (configure
 * --disable-cluster, or libcurl or jansson missing): --cluster refuses.
 */
#include "cluster.h"

#include <stdio.h>

int cluster_check(const struct cluster_opts *o, char *err, size_t errlen)
{
	(void)o;
	snprintf(err, errlen, "--cluster: not built in (configure --enable-cluster, with libcurl and jansson)");
	return -1;
}

int cluster_start(struct vswd *d, const struct cluster_opts *o, char *err, size_t errlen)
{
	(void)d;
	return cluster_check(o, err, errlen);
}

void cluster_io(int fd, uint32_t events)
{
	(void)fd;
	(void)events;
}

long cluster_timeout(void)
{
	return -1;
}

void cluster_run(void)
{
}

void cluster_stop(void)
{
}
