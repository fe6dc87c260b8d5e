/* SPDX-License-Identifier: MIT */
/*
 * vde.h - the control protocol of a vde_switch, so that VDE clients (QEMU's
 * -netdev vde, vde_plug, ...) attach to vswd as vNICs.
 *
 * A client connects to DIR/ctl (a unix stream socket), binds a datagram
 * socket of its own, and sends a version-3 request: magic 0xfeedface,
 * version 3, the request type with the wanted port number in its upper
 * bits, the path of its datagram socket, and a description. The switch
 * answers with the address of the datagram socket it created for the port
 * (DIR/NNN); frames then travel as datagrams between the two sockets, and
 * the port lives as long as the control connection.
 */
#ifndef VSWD_VDE_H
#define VSWD_VDE_H

#include <stddef.h>
#include <stdint.h>

#define VDE_MAX_PORT 999

/*
 * Listen on DIR/ctl, the socket file born with 'mode' and, if 'gid' >= 0,
 * that group. DIR is made if missing; an existing one must be the daemon's
 * (see fsafe.h) and hold nothing but sockets, a stale ctl among them. The
 * listening descriptor with DIR's in *dirfd, or -1 with one line in 'err'.
 */
int vde_listen(const char *dir, unsigned int mode, long gid, int *dirfd, char *err, size_t errlen);

/*
 * Parse a request from 'buf': 1 with the port asked for (0: any) and the
 * client's socket path, 0 if more bytes are needed, -1 if it is not a
 * version-3 VDE request.
 */
int vde_parse_request(const uint8_t *buf, size_t len, unsigned int *port, char *sock, size_t socklen);

/* Answer with the port's datagram socket path; 0 or -errno. */
int vde_reply(int fd, const char *data_path);

#endif
