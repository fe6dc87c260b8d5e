/* SPDX-License-Identifier: MIT */
/*
 * control.h - vswd's control socket, where vswctl sends its commands.
 */
#ifndef VSWD_CONTROL_H
#define VSWD_CONTROL_H

#include <stdint.h>

#include "daemon.h"
#include "exec.h"

/* Take the lock of the socket 'path' against a second vswd, in a directory
 * checked safe (fsafe.h); commands will run against 'd', and a client has
 * 'timeout_ms' to send its line and to take its answer. 0, or -1 (logged). */
int control_lock(const char *path, long gid, uint64_t timeout_ms, struct vswd *d);
/* Then listen on the path (mode 0660 and group 'gid', or 0600 with -1):
 * the listening descriptor, or -1 (logged). */
int control_listen(void);

/* Events of the listening socket and of a client (K_CLIENT). */
void control_accept(int lfd);
void control_io(struct watch *w, uint32_t events);
/* A client's deadline passed: "timed out" if it has no answer yet. */
void control_expired(struct watch *w);

/* Close the listening socket and remove it (the lock file stays). */
void control_close(int lfd);

#endif
