/* SPDX-License-Identifier: MIT */
/*
 * capsrv.h - "vswctl capture": a control connection that becomes a pcapng
 * stream. The daemon makes a temporary mirroring session of the ports
 * named (capture-N; not configuration), opens a library capture on the
 * connection, answers "OK" and from then on writes only the stream, when
 * the socket takes it: the switch never waits for a reader.
 *
 * It ends when the frame count is reached, when the client shuts its side
 * (vswctl on Ctrl-C: the statistics blocks are written, then the
 * connection closes), when the client is gone (nothing more is written),
 * or when its switch is removed. The session goes with it.
 */
#ifndef VSWD_CAPSRV_H
#define VSWD_CAPSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "exec.h"

/* Start the capture 'c' asks for on client 'w'. 0: "OK" sent, the client
 * carries the stream from now on; -1: nothing started, the reason in
 * 'err' for an "ERR" answer. */
int capsrv_start(struct vswd *d, struct watch *w, const struct vswcmd *c, char *err, size_t errlen);
/* Events of a capturing client. */
void capsrv_io(struct watch *w, uint32_t events);
/* After each round of the loop: write what was queued, wait for room to
 * write only while something is, and end the captures that are over. */
void capsrv_tick(void);
/* Whether 'm' is a running capture's session (struct vswd's
 * mirror_capture). */
bool capsrv_owns(const struct vsw_mirror *m);
/* The switch goes: its captures end, their connections close. */
void capsrv_switch_removing(struct vsw_switch *sw);
/* Every capture ends (the daemon stops). */
void capsrv_shutdown(void);

#endif
