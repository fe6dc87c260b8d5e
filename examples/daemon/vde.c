// SPDX-License-Identifier: MIT
/*
 * vde.c - the vde_switch control protocol (see vde.h): the listening
 * socket, the request, the answer. vswd keeps the connections and turns each
 * client into a vNIC whose backend is the datagram pair.
 */
#include "vde.h"
#include "fsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VDE_MAGIC 0xfeedfaceu
#define VDE_VERSION 3u
#define REQ_NEW_CONTROL 0u
#define REQ_NEW_PORT0 1u

/* struct request_v3 of vde2, packed: magic, version, type, sockaddr_un */
#define REQ_SOCK_OFF 12u
#define REQ_MIN (REQ_SOCK_OFF + sizeof(struct sockaddr_un))

int vde_listen(const char *dir, unsigned int mode, long gid, int *dirfd, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	char shown[sizeof(sa.sun_path) + 8];
	bool created, busy;
	int dfd, fd;

	if (strlen(dir) + 5 > sizeof(sa.sun_path)) {
		snprintf(err, errlen, "VDE directory '%s': path too long", dir);
		return -1;
	}
	dfd = fsafe_opendir(dir, true, &created, err, errlen);
	if (dfd < 0)
		return -1;
	/* an existing directory is ours only if it holds nothing but the
	 * sockets of an earlier run: `vde add sw pg /dev` makes no /dev/ctl */
	if (!created && fsafe_only_sockets(dfd, dir, err, errlen) < 0) {
		close(dfd);
		return -1;
	}
	snprintf(shown, sizeof(shown), "%s/ctl", dir);
	fd = fsafe_listen(dfd, "ctl", shown, (mode_t)mode, gid, 8, &busy, err, errlen);
	if (fd < 0) {
		close(dfd);
		return -1;
	}
	*dirfd = dfd;
	return fd;
}

static uint32_t le_or_host32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v)); /* the request is in the client's byte order */
	return v;
}

int vde_parse_request(const uint8_t *buf, size_t len, unsigned int *port, char *sock, size_t socklen)
{
	struct sockaddr_un sun;
	uint32_t type;

	if (len < 8)
		return 0;
	if (le_or_host32(buf) != VDE_MAGIC || le_or_host32(buf + 4) != VDE_VERSION)
		return -1;
	if (len < REQ_MIN)
		return 0;
	type = le_or_host32(buf + 8);
	if ((type & 0xff) != REQ_NEW_CONTROL && (type & 0xff) != REQ_NEW_PORT0)
		return -1;
	*port = type >> 8;
	if (*port > VDE_MAX_PORT)
		return -1;
	memcpy(&sun, buf + REQ_SOCK_OFF, sizeof(sun));
	if (sun.sun_family != AF_UNIX || !memchr(sun.sun_path, 0, sizeof(sun.sun_path)) ||
	    !sun.sun_path[0] || strlen(sun.sun_path) >= socklen)
		return -1;
	strcpy(sock, sun.sun_path);
	return 1;
}

int vde_reply(int fd, const char *data_path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(data_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, data_path);
	return send(fd, &sa, sizeof(sa), MSG_NOSIGNAL) == (ssize_t)sizeof(sa) ? 0 : -errno;
}
