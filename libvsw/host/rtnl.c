// SPDX-License-Identifier: MIT
/*
 * rtnl.c - rtnetlink requests for VMkernel port interfaces (see rtnl.h).
 * Messages are built by hand: a handful of requests do not justify a dependency,
 * and the library depends on libc alone.
 */
#include "core/objects.h"
#include "host/rtnl.h"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rtm;
	};
	char attrs[64];
};

static unsigned int next_seq(void)
{
	static unsigned int seq;

	return __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
}

int vsw__rtnl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	return fd < 0 ? -errno : fd;
}

static void put_attr(struct req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Send 'r' and wait for its acknowledgement: 0 or the kernel's -errno. */
static int transact(int fd, struct req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];

	r->nh.nlmsg_seq = next_seq();
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EINTR ? -EINTR : -errno;
		/* int, as the macros compare: a size_t would wrap below 0 */
		int len = (int)n;

		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != r->nh.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue; /* a stale answer to an earlier request */
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EPROTO;
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

int vsw__rtnl_set_mtu(int fd, int ifindex, unsigned int mtu)
{
	struct req r = { 0 };
	uint32_t v = mtu;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	put_attr(&r, IFLA_MTU, &v, sizeof(v));
	return transact(fd, &r);
}

int vsw__rtnl_addr(int fd, int ifindex, bool add, int family, const uint8_t *addr,
		   unsigned int prefix)
{
	struct req r = { 0 };
	size_t alen = family == AF_INET ? 4 : 16;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
	r.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	r.nh.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	r.ifa.ifa_family = (unsigned char)family;
	r.ifa.ifa_prefixlen = (unsigned char)prefix;
	r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.ifa.ifa_index = (unsigned int)ifindex;
	put_attr(&r, IFA_LOCAL, addr, alen);
	put_attr(&r, IFA_ADDRESS, addr, alen);
	if (add && family == AF_INET6) {
		/* a static address the administrator chose: usable at once,
		 * as on ESXi, rather than after duplicate address detection */
		uint32_t flags = IFA_F_NODAD;
		put_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	}
	return transact(fd, &r);
}

/* One RTM_NEWADDR of a dump: hand it to 'fn' if it is on 'ifindex'. */
static int dump_one(struct nlmsghdr *h, int ifindex,
		    int (*fn)(int, const uint8_t *, unsigned int, void *), void *user)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const uint8_t *local = NULL, *address = NULL;
	int len = (int)IFA_PAYLOAD(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) || (int)ifa->ifa_index != ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t want = ifa->ifa_family == AF_INET ? 4 : 16;
		if (RTA_PAYLOAD(a) < want)
			continue;
		if (a->rta_type == IFA_LOCAL)
			local = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS)
			address = RTA_DATA(a);
	}
	/* IFA_LOCAL is the interface's own address on point-to-point links */
	if (!local)
		local = address;
	return local ? fn(ifa->ifa_family, local, ifa->ifa_prefixlen, user) : 0;
}

/* Ask for a dump ('type' RTM_GETADDR or RTM_GETROUTE) and hand each answer
 * ('answer', RTM_NEWADDR or RTM_NEWROUTE) to 'one' until it returns
 * non-zero; the whole dump is read even after that, as the socket is
 * reused. Returns one's first non-zero return, else 0 or -errno. */
static int dump(int fd, unsigned short type, unsigned short answer,
		int (*one)(struct nlmsghdr *h, void *ctx), void *ctx)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct req r = { 0 };
	char buf[8192];
	int stop = 0;

	/* the family byte leads ifaddrmsg and rtmsg alike: AF_UNSPEC, both */
	r.nh.nlmsg_len = NLMSG_LENGTH(type == RTM_GETADDR ? sizeof(r.ifa) : sizeof(r.rtm));
	r.nh.nlmsg_type = type;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nh.nlmsg_seq = next_seq();
	if (sendto(fd, &r, r.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		/* int, as the macros compare: a size_t would wrap below 0 */
		int len = (int)n;

		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != r.nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE) {
				/* a dump the kernel cut short says so here */
				int e = h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ? *(int *)NLMSG_DATA(h) : 0;
				return e < 0 ? e : stop;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				int e = h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)) ?
						((struct nlmsgerr *)NLMSG_DATA(h))->error : -EPROTO;
				return e ? e : stop;
			}
			if (h->nlmsg_type == answer && !stop)
				stop = one(h, ctx);
		}
	}
}

struct addr_ctx {
	int ifindex;
	int (*fn)(int, const uint8_t *, unsigned int, void *);
	void *user;
};

static int addr_one(struct nlmsghdr *h, void *ctx)
{
	struct addr_ctx *c = ctx;

	return dump_one(h, c->ifindex, c->fn, c->user);
}

int vsw__rtnl_addr_foreach(int fd, int ifindex,
			   int (*fn)(int family, const uint8_t *addr, unsigned int prefix, void *user),
			   void *user)
{
	struct addr_ctx c = { ifindex, fn, user };

	return dump(fd, RTM_GETADDR, RTM_NEWADDR, addr_one, &c);
}

int vsw__rtnl_route(int fd, int ifindex, bool add, int family, const uint8_t *dst,
		    unsigned int dst_len, const uint8_t *gw)
{
	struct req r = { 0 };
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t oif = (uint32_t)ifindex;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.rtm));
	r.nh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	r.nh.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	r.rtm.rtm_family = (unsigned char)family;
	r.rtm.rtm_dst_len = (unsigned char)dst_len;
	r.rtm.rtm_table = RT_TABLE_MAIN;
	if (add) {
		r.rtm.rtm_protocol = RTPROT_STATIC;
		/* a route without a gateway is on the link */
		r.rtm.rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	} else {
		/* delete whoever added it, whatever its scope */
		r.rtm.rtm_protocol = RTPROT_UNSPEC;
		r.rtm.rtm_scope = RT_SCOPE_NOWHERE;
	}
	r.rtm.rtm_type = RTN_UNICAST;
	if (dst_len)
		put_attr(&r, RTA_DST, dst, alen);
	if (gw)
		put_attr(&r, RTA_GATEWAY, gw, alen);
	put_attr(&r, RTA_OIF, &oif, sizeof(oif));
	return transact(fd, &r);
}

struct route_ctx {
	int ifindex;
	int (*fn)(int, const uint8_t *, unsigned int, const uint8_t *, void *);
	void *user;
};

/* One RTM_NEWROUTE of a dump: a unicast route of the main table through
 * the interface that the kernel did not make for an address of its own. */
static int route_one(struct nlmsghdr *h, void *ctx)
{
	struct route_ctx *c = ctx;
	struct rtmsg *rtm = NLMSG_DATA(h);
	const uint8_t *dst = NULL, *gw = NULL;
	static const uint8_t any[16];
	int len = (int)RTM_PAYLOAD(h), oif = 0;
	size_t want;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) || rtm->rtm_table != RT_TABLE_MAIN ||
	    rtm->rtm_type != RTN_UNICAST || rtm->rtm_protocol == RTPROT_KERNEL ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return 0;
	want = rtm->rtm_family == AF_INET ? 4 : 16;
	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			memcpy(&oif, RTA_DATA(a), sizeof(oif));
		else if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) >= want)
			dst = RTA_DATA(a);
		else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) >= want)
			gw = RTA_DATA(a);
	}
	if (oif != c->ifindex)
		return 0;
	return c->fn(rtm->rtm_family, dst ? dst : any, rtm->rtm_dst_len, gw, c->user);
}

int vsw__rtnl_route_foreach(int fd, int ifindex,
			    int (*fn)(int family, const uint8_t *dst, unsigned int dst_len,
				      const uint8_t *gw, void *user),
			    void *user)
{
	struct route_ctx c = { ifindex, fn, user };

	return dump(fd, RTM_GETROUTE, RTM_NEWROUTE, route_one, &c);
}
