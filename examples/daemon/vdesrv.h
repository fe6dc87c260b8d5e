/* SPDX-License-Identifier: MIT */
/*
 * vdesrv.h - vswd's VDE server: control directories that VDE clients
 * (QEMU's -netdev vde, vde_plug) connect to, each client a vNIC of the
 * directory's port group. The protocol itself is vde.h's.
 */
#ifndef VSWD_VDESRV_H
#define VSWD_VDESRV_H

#include <stdint.h>

#include "exec.h"

/* Sockets get group 'gid' (mode 0660), or, with -1, mode 0600; a client
 * has 'timeout_ms' to send its request. */
void vdesrv_setup(long gid, uint64_t timeout_ms);

/* "vde add" and "vde remove" (struct vswd's vde hook). */
int vdesrv_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen);

/* Events of the watches the server made (struct watch's vde pointer):
 * a directory's listening socket, a client's connection, a client's
 * deadline. */
void vdesrv_accept(void *dir);
void vdesrv_client_io(void *client);
void vdesrv_expired(void *client);

/* Switch 'sw' goes: so do its directories (its vNICs go with it). */
void vdesrv_switch_removing(struct vsw_switch *sw);
/* Close every directory and client. */
void vdesrv_shutdown(void);

#endif
