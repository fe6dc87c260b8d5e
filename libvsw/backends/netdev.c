// SPDX-License-Identifier: MIT
/*
 * netdev.c - interface queries through ioctl(2) on a short-lived datagram
 * socket, in the calling thread's network namespace. These run at open,
 * when the event loop reads a backend's link (on an rtnetlink event, 100 ms
 * after traffic, on errors), never per frame. And entering a named network
 * namespace for a moment, for the tap backend (tap:NAME,netns=NS) and the
 * VMkernel interfaces of host/ (TCP/IP stacks).
 */
#include "backends/private.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* One ioctl on an ifreq already filled in. */
static int ifreq_do(unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	if (vsw__netdev_name_ok(ifname))
		return -EINVAL;
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, ifname, IFNAMSIZ - 1);
	return ifreq_do(req, ifr);
}

int vsw__netdev_name_ok(const char *ifname)
{
	size_t n = ifname ? strlen(ifname) : 0;

	if (n == 0 || n >= IFNAMSIZ || strchr(ifname, '/') || strchr(ifname, ' '))
		return -EINVAL;
	return 0;
}

int vsw__netdev_ifindex(const char *ifname)
{
	struct ifreq ifr;
	int err = ifreq_ioctl(ifname, SIOCGIFINDEX, &ifr);

	return err ? err : ifr.ifr_ifindex;
}

int vsw__netdev_flags(const char *ifname)
{
	struct ifreq ifr;
	int err = ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr);

	return err ? err : (ifr.ifr_flags & 0xffff);
}

int vsw__netdev_up(const char *ifname, bool promisc)
{
	struct ifreq ifr;
	int err = ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr);
	short want;

	if (err)
		return err;
	want = (short)(ifr.ifr_flags | IFF_UP | (promisc ? IFF_PROMISC : 0));
	if (want == ifr.ifr_flags)
		return 0;
	ifr.ifr_flags = want;
	return ifreq_do(SIOCSIFFLAGS, &ifr);
}

int vsw__netdev_running(const char *ifname)
{
	int f = vsw__netdev_flags(ifname);

	return f > 0 && (f & IFF_UP) && (f & IFF_RUNNING);
}

int vsw__netdev_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int err = ifreq_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

int vsw__netdev_mtu(const char *ifname)
{
	struct ifreq ifr;
	int err = ifreq_ioctl(ifname, SIOCGIFMTU, &ifr);

	return err ? err : ifr.ifr_mtu;
}

bool vsw__netns_is_default(const char *name)
{
	return !name || !*name || !strcmp(name, "default");
}

int vsw__netns_check_name(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (!n || n > VSW_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return -EINVAL;
	return 0;
}

void vsw__netns_path(const char *name, char *path, size_t len)
{
	snprintf(path, len, VSW__NETNS_DIR "/%s", name);
}

int vsw__netns_enter(const char *name, int *saved)
{
	char path[sizeof(VSW__NETNS_DIR) + VSW_NAME_MAX + 2];
	int fd, err = 0;

	*saved = -1;
	if (vsw__netns_is_default(name))
		return 0;
	if (vsw__netns_check_name(name))
		return -EINVAL;
	vsw__netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		err = -errno;
	else if (setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	if (err && *saved >= 0) {
		close(*saved);
		*saved = -1;
	}
	return err;
}

int vsw__netns_leave(int saved)
{
	int err = 0;

	if (saved < 0)
		return 0;
	/* the thread's own namespace is still there: it holds a reference */
	if (setns(saved, CLONE_NEWNET) < 0)
		err = -errno;
	close(saved);
	return err;
}
