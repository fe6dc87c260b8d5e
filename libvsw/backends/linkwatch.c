// SPDX-License-Identifier: MIT
/*
 * linkwatch.c - rtnetlink link events for the event loop (loop.c): the
 * kernel tells the loop when an interface changes (up, down, carrier, MTU,
 * deleted, created), so that the loop re-reads the carrier of the backends
 * bound to it instead of polling every backend ten times a second. Also
 * the two questions the loop asks of a backend's descriptor: which
 * interface an AF_PACKET socket is bound to, and in which network
 * namespace it lives (events come from the namespace the netlink socket
 * was opened in, and only from that one).
 *
 * Nothing here touches a switch: loop.c owns the socket, matches the
 * ifindexes with its backends and refreshes their carrier.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_packet.h>

#include "backends/backends.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

int vsw__linkwatch_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int vsw__linkwatch_read(int fd, void (*fn)(void *ctx, int ifindex), void *ctx)
{
	/* aligned for struct nlmsghdr; a burst of events (many interfaces
	 * created at once) is read in several calls */
	uint32_t buf[8192 / sizeof(uint32_t)];
	int lost = 0;

	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return lost;
			if (errno == ENOBUFS) {
				lost = -ENOBUFS; /* the socket overran: keep reading what is left */
				continue;
			}
			return -errno;
		}
		/* only the kernel speaks for interfaces */
		if (fl != sizeof(from) || from.nl_pid != 0)
			continue;
		int len = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			const struct ifinfomsg *ifi = NLMSG_DATA(h);
			if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				continue;
			fn(ctx, ifi->ifi_index);
		}
	}
}

int vsw__linkwatch_ifindex(int fd)
{
	struct sockaddr_ll sll;
	socklen_t l = sizeof(sll);
	int domain;
	socklen_t dl = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) < 0)
		return errno == ENOTSOCK ? 0 : -errno;
	if (domain != AF_PACKET)
		return 0;
	memset(&sll, 0, sizeof(sll));
	if (getsockname(fd, (struct sockaddr *)&sll, &l) < 0)
		return -errno;
	return sll.sll_ifindex > 0 ? sll.sll_ifindex : 0;
}

static int ns_of(int nsfd, uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (fstat(nsfd, &st) < 0)
		return -errno;
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

int vsw__linkwatch_netns(uint64_t *dev, uint64_t *ino)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC); /* before Linux 3.17 */
	if (fd < 0)
		return -errno;
	err = ns_of(fd, dev, ino);
	close(fd);
	return err;
}

int vsw__linkwatch_sock_netns(int fd, uint64_t *dev, uint64_t *ino)
{
	int nsfd = ioctl(fd, SIOCGSKNS), err;

	if (nsfd < 0)
		return -errno;
	err = ns_of(nsfd, dev, ino);
	close(nsfd);
	return err;
}
