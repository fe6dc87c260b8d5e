// SPDX-License-Identifier: MIT
/*
 * netdev.c - interface queries through ioctl(2) on a short-lived datagram
 * socket, in the calling thread's network namespace. These run at open,
 * when the event loop reads a backend's link (on an rtnetlink event, 100 ms
 * after traffic, on errors), never per frame.
 */
#include "backends/private.h"

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
