// SPDX-License-Identifier: MIT
/*
 * vdesrv-off.c - vswd without its VDE server (configure
 * --disable-backend-vde): "vswctl vde add" and "vde remove" are refused,
 * and there is never a directory or a client to serve or close.
 */
#include <stdio.h>

#include "vdesrv.h"

void vdesrv_setup(long gid, uint64_t timeout_ms)
{
}

int vdesrv_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	snprintf(err, errlen, "VDE ports were left out of this vswd (configure --disable-backend-vde)");
	return -1;
}

void vdesrv_accept(void *dir)
{
}

void vdesrv_client_io(void *client)
{
}

void vdesrv_expired(void *client)
{
}

void vdesrv_switch_removing(struct vsw_switch *sw)
{
}

void vdesrv_shutdown(void)
{
}
