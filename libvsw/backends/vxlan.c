// SPDX-License-Identifier: MIT
/*
 * vxlan.c - "vxlan:LOCAL_ADDR[,OPTION...]", an uplink whose wire is VXLAN
 * (RFC 7348) over one UDP socket bound to LOCAL_ADDR:port (4789 unless
 * port= says otherwise), optionally inside a named network namespace.
 *
 * Frames the switch sends are 802.1Q-tagged by VLAN (untagged: VLAN 0). The
 * VLAN maps to a VNI (vni=VLAN:VNI;...; by default VNI = VLAN ID, and VNI
 * 4096 for VLAN 0), the tag is left out (the inner frame goes out
 * untagged), and the frame is sent with an 8-byte VXLAN header (flags 0x08,
 * the VNI) to the remote VTEP its destination MAC was learned behind, or to
 * every remote VTEP of the flood list (remote=A;B;...) when it is
 * broadcast, multicast or unknown. No copy: each datagram is three iovecs
 * (header, the MACs, the rest after the tag) and a batch is one
 * sendmmsg(2) per 256 datagrams.
 *
 * Received datagrams (recvmmsg(2)) are checked: shorter than the VXLAN
 * header (vxlan_short), I flag clear (vxlan_bad_flags; the reserved bits
 * are ignored, as the RFC says), a VNI without a VLAN (vxlan_unknown_vni),
 * an inner frame shorter than an Ethernet header (vxlan_runt), an inner
 * frame that carries a VLAN tag of its own (vxlan_inner_tag, which would
 * otherwise leave its VNI's VLAN). The rest go to the switch with their
 * VLAN in the descriptor (VSW_FRAME_VLAN_TCI), pointing into the receive
 * buffers, and their inner source MAC is learned against the outer source
 * address in a per-VNI table of fixed size (4-way buckets, the oldest entry
 * replaced) with aging: no allocation per frame.
 *
 * The outer MTU: a frame whose datagram would not fit the underlay MTU
 * (mtu=, 1500: inner frame + 36 bytes over IPv4, + 56 over IPv6) is dropped
 * and counted (vxlan_too_big), never fragmented (IP_PMTUDISC_DO). No
 * offloads are declared: the switch finishes every frame before send.
 *
 * The flood list changes at run time (vsw_vxlan_add_remote(),
 * vsw_vxlan_remove_remote(), from the thread driving the switch).
 */
#include "backends/private.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef VSW_WITH_VXLAN

#define VX_PORT 4789u
#define VX_HLEN 8u
#define VX_REMOTES_MAX 64u
#define VX_MAP_MAX 64u
#define VX_NONE UINT32_MAX
#define VX_VNI_MAX 0xffffffu
#define VX_VLAN0_VNI 4096u
#define VX_WAYS 4u
#define VX_MSGS VSW_BATCH_MAX /* datagrams per sendmmsg() */
#define VX_OPT_MAX 1024u

union vx_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct vx_mac {
	uint64_t seen_ns; /* 0: free */
	uint32_t vni;
	uint8_t mac[6];
	union vx_addr vtep;
};

struct vxlan {
	int fd;
	int family;
	socklen_t alen;
	uint16_t port;          /* the local port, and a learned VTEP's */
	unsigned int mtu;       /* of the underlay */
	unsigned int overhead;  /* outer IP + UDP + VXLAN header */
	unsigned int slot;      /* receive buffer per datagram */
	uint64_t aging_ns;
	uint32_t vlan_vni[4096]; /* VX_NONE: the VLAN has no VNI */
	unsigned int n_map;      /* explicit VLAN:VNI pairs, for VNI -> VLAN */
	struct {
		uint16_t vlan;
		uint32_t vni;
	} map[VX_MAP_MAX];
	unsigned int n_remotes;
	union vx_addr remotes[VX_REMOTES_MAX];
	unsigned int n_buckets; /* a power of two */
	struct vx_mac *macs;    /* n_buckets * VX_WAYS */
	uint8_t *buf;           /* VSW_BATCH_MAX receive buffers */
	union vx_addr *from;    /* their senders */
	struct mmsghdr *rmsgs, *smsgs;
	struct iovec *riov, *siov; /* siov: 3 per frame */
	uint8_t (*hdr)[VX_HLEN];   /* the VXLAN header of each frame sent */
	unsigned int *msg_frame;   /* the frame of each datagram to send */
};

/* What the spec and the options ask for. */
struct vx_req {
	char addr[INET6_ADDRSTRLEN + 1];
	char netns[VSW_NAME_MAX + 1];
	char remote[VX_OPT_MAX];
	char vni[VX_OPT_MAX];
	long port, mtu, macs, aging;
};

extern const struct vsw_backend_ops vsw__vxlan_ops;

static struct vxlan *vx_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + 1; /* never 0 */
}

/* ---- addresses ---- */

/* "A", "A:PORT" (IPv4), "V6", "[V6]" or "[V6]:PORT", of 'family'. */
static int addr_parse(const char *s, int family, uint16_t defport, union vx_addr *a)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *p = NULL, *end;
	size_t n;
	long port = defport;

	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		n = (size_t)(end - s - 1);
		s++;
		p = end[1] ? end + 2 : NULL;
	} else {
		end = strchr(s, ':');
		/* two colons or more: a bare IPv6 address */
		if (end && strchr(end + 1, ':'))
			end = NULL;
		n = end ? (size_t)(end - s) : strlen(s);
		p = end ? end + 1 : NULL;
	}
	if (!n || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = 0;
	if (p && (port = vsw__opt_long(p, 1, 65535)) < 0)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, host, &a->in.sin_addr) == 1 ? 0 : -EINVAL;
	}
	a->in6.sin6_family = AF_INET6;
	a->in6.sin6_port = htons((uint16_t)port);
	return inet_pton(AF_INET6, host, &a->in6.sin6_addr) == 1 ? 0 : -EINVAL;
}

static void addr_format(const union vx_addr *a, char *out, size_t len)
{
	char h[INET6_ADDRSTRLEN];

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, h, sizeof(h));
		snprintf(out, len, "[%s]:%u", h, ntohs(a->in6.sin6_port));
	} else {
		inet_ntop(AF_INET, &a->in.sin_addr, h, sizeof(h));
		snprintf(out, len, "%s:%u", h, ntohs(a->in.sin_port));
	}
}

static uint16_t addr_port(const union vx_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port;
}

static bool addr_same_host(const union vx_addr *a, const union vx_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16);
	return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

static bool addr_eq(const union vx_addr *a, const union vx_addr *b)
{
	return addr_same_host(a, b) && addr_port(a) == addr_port(b);
}

/* The VTEP to send to for frames learned from datagrams of 'from': the
 * remote of that address and port, else of that address (a kernel VTEP
 * sends from any port, listens on one), else the address at our port. */
static void vtep_of(const struct vxlan *x, const union vx_addr *from, union vx_addr *out)
{
	const union vx_addr *host = NULL;

	for (unsigned int i = 0; i < x->n_remotes; i++) {
		if (addr_eq(&x->remotes[i], from)) {
			*out = x->remotes[i];
			return;
		}
		if (!host && addr_same_host(&x->remotes[i], from))
			host = &x->remotes[i];
	}
	if (host) {
		*out = *host;
		return;
	}
	memset(out, 0, sizeof(*out));
	if (from->sa.sa_family == AF_INET6) {
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_addr = from->in6.sin6_addr;
		out->in6.sin6_port = htons(x->port);
	} else {
		out->in.sin_family = AF_INET;
		out->in.sin_addr = from->in.sin_addr;
		out->in.sin_port = htons(x->port);
	}
}

/* ---- the learned table ---- */

static struct vx_mac *bucket(const struct vxlan *x, uint32_t vni, const uint8_t *mac)
{
	uint64_t k = ((uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
		      (uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5]) ^ ((uint64_t)vni << 20);

	k *= 0x9e3779b97f4a7c15ull;
	return &x->macs[(size_t)((k >> 32) & (x->n_buckets - 1)) * VX_WAYS];
}

static bool mac_live(const struct vxlan *x, const struct vx_mac *e, uint64_t now)
{
	return e->seen_ns && now - e->seen_ns <= x->aging_ns;
}

static const struct vx_mac *mac_find(const struct vxlan *x, uint32_t vni, const uint8_t *mac,
				     uint64_t now)
{
	const struct vx_mac *b = bucket(x, vni, mac);

	for (unsigned int w = 0; w < VX_WAYS; w++)
		if (mac_live(x, &b[w], now) && b[w].vni == vni && !memcmp(b[w].mac, mac, 6))
			return &b[w];
	return NULL;
}

static void mac_learn(struct vxlan *x, uint32_t vni, const uint8_t *mac, const union vx_addr *from,
		      uint64_t now)
{
	struct vx_mac *b = bucket(x, vni, mac), *use = NULL;

	for (unsigned int w = 0; w < VX_WAYS && !use; w++)
		if (b[w].seen_ns && b[w].vni == vni && !memcmp(b[w].mac, mac, 6))
			use = &b[w];
	/* else a free or aged slot, else the oldest */
	for (unsigned int w = 0; w < VX_WAYS && !use; w++)
		if (!mac_live(x, &b[w], now))
			use = &b[w];
	if (!use) {
		use = &b[0];
		for (unsigned int w = 1; w < VX_WAYS; w++)
			if (b[w].seen_ns < use->seen_ns)
				use = &b[w];
	}
	use->seen_ns = now;
	use->vni = vni;
	memcpy(use->mac, mac, 6);
	vtep_of(x, from, &use->vtep);
}

/* ---- VLAN <-> VNI ---- */

static int vni_to_vlan(const struct vxlan *x, uint32_t vni)
{
	if (vni >= 1 && vni <= 4094 && x->vlan_vni[vni] == vni)
		return (int)vni;
	for (unsigned int i = 0; i < x->n_map; i++)
		if (x->map[i].vni == vni && x->vlan_vni[x->map[i].vlan] == vni)
			return x->map[i].vlan;
	if (x->vlan_vni[0] == vni)
		return 0;
	return -1;
}

static bool map_has_vlan(const struct vxlan *x, unsigned int vlan)
{
	for (unsigned int i = 0; i < x->n_map; i++)
		if (x->map[i].vlan == vlan)
			return true;
	return false;
}

/* "VLAN:VNI;VLAN:VNI...", VNI a number or "none". A VLAN whose default VNI
 * another VLAN takes explicitly is left without one. */
static int map_parse(struct vxlan *x, char *s)
{
	char *save = NULL;

	for (unsigned int v = 1; v <= 4094; v++)
		x->vlan_vni[v] = v;
	x->vlan_vni[0] = VX_VLAN0_VNI;
	x->vlan_vni[4095] = VX_NONE;
	for (char *t = strtok_r(s, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *c = strchr(t, ':');
		long vlan, vni;

		if (!c || x->n_map == VX_MAP_MAX)
			return -EINVAL;
		*c = 0;
		vlan = vsw__opt_long(t, 0, 4094);
		vni = !strcmp(c + 1, "none") ? (long)VX_NONE : vsw__opt_long(c + 1, 0, VX_VNI_MAX);
		if (vlan < 0 || vni < 0 || map_has_vlan(x, (unsigned int)vlan))
			return -EINVAL;
		for (unsigned int i = 0; i < x->n_map; i++)
			if (vni != (long)VX_NONE && x->map[i].vni == (uint32_t)vni)
				return -EINVAL;
		x->map[x->n_map].vlan = (uint16_t)vlan;
		x->map[x->n_map++].vni = (uint32_t)vni;
	}
	for (unsigned int i = 0; i < x->n_map; i++)
		x->vlan_vni[x->map[i].vlan] = x->map[i].vni;
	for (unsigned int i = 0; i < x->n_map; i++) {
		uint32_t vni = x->map[i].vni;
		if (vni >= 1 && vni <= 4094 && !map_has_vlan(x, vni))
			x->vlan_vni[vni] = VX_NONE;
		if (vni == VX_VLAN0_VNI && !map_has_vlan(x, 0))
			x->vlan_vni[0] = VX_NONE;
	}
	return 0;
}

/* ---- the flood list ---- */

static int remote_find(const struct vxlan *x, const union vx_addr *a)
{
	for (unsigned int i = 0; i < x->n_remotes; i++)
		if (addr_eq(&x->remotes[i], a))
			return (int)i;
	return -1;
}

static int remote_add(struct vxlan *x, const char *s)
{
	union vx_addr a;

	if (addr_parse(s, x->family, x->port, &a))
		return -EINVAL;
	if (remote_find(x, &a) >= 0)
		return -EEXIST;
	if (x->n_remotes == VX_REMOTES_MAX)
		return -ENOSPC;
	x->remotes[x->n_remotes++] = a;
	return 0;
}

static int remote_remove(struct vxlan *x, const char *s)
{
	union vx_addr a;
	int i;

	if (addr_parse(s, x->family, x->port, &a))
		return -EINVAL;
	i = remote_find(x, &a);
	if (i < 0)
		return -ENOENT;
	x->remotes[i] = x->remotes[--x->n_remotes];
	/* forget what was learned behind it */
	for (size_t k = 0; k < (size_t)x->n_buckets * VX_WAYS; k++)
		if (x->macs[k].seen_ns && addr_same_host(&x->macs[k].vtep, &a))
			x->macs[k].seen_ns = 0;
	return 0;
}

/* ---- open ---- */

static int parse_opt(struct vx_req *q, const char *key, const char *val)
{
	if (!strcmp(key, "port"))
		return (q->port = vsw__opt_long(val, 1, 65535)) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "mtu"))
		return (q->mtu = vsw__opt_long(val, 576, 65535)) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "macs"))
		return (q->macs = vsw__opt_long(val, 16, 1 << 20)) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "aging"))
		return (q->aging = vsw__opt_long(val, 1, 86400)) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "netns") && !vsw__netns_check_name(val)) {
		memcpy(q->netns, val, strlen(val) + 1); /* checked: up to VSW_NAME_MAX */
		return 0;
	}
	if (!strcmp(key, "remote") || !strcmp(key, "vni")) {
		char *to = !strcmp(key, "vni") ? q->vni : q->remote;
		size_t have = strlen(to);
		/* repeated: the lists add up */
		if (have + 1 + strlen(val) >= VX_OPT_MAX)
			return -EINVAL;
		snprintf(to + have, VX_OPT_MAX - have, "%s%s", have ? ";" : "", val);
		return 0;
	}
	return -EINVAL;
}

static int parse_opts(struct vx_req *q, const char *options)
{
	char key[16], val[VX_OPT_MAX];
	int r;

	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0)
		if (parse_opt(q, key, val)) {
			vsw__backend_note("vxlan: bad option '%s%s%.64s' (port=, netns=, remote=A;B, "
					  "vni=VLAN:VNI;..., mtu=, macs=, aging=)", key, *val ? "=" : "", val);
			return -EINVAL;
		}
	if (r < 0)
		vsw__backend_note("vxlan: malformed or too long option");
	return r;
}

static int parse_req(struct vx_req *q, const char *arg, const char *options)
{
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	int err;

	*q = (struct vx_req){ .port = VX_PORT, .mtu = 1500, .macs = 4096, .aging = 300 };
	if (!n || n >= sizeof(q->addr)) {
		vsw__backend_note("vxlan: no local address (vxlan:ADDR[,OPTION...])");
		return -EINVAL;
	}
	memcpy(q->addr, arg, n);
	err = comma ? parse_opts(q, comma + 1) : 0;
	return err ? err : parse_opts(q, options);
}

static void vx_free(struct vxlan *x)
{
	if (x->fd >= 0)
		close(x->fd);
	vsw__free(x->macs);
	vsw__free(x->buf);
	vsw__free(x->from);
	vsw__free(x->rmsgs);
	vsw__free(x->smsgs);
	vsw__free(x->riov);
	vsw__free(x->siov);
	vsw__free(x->hdr);
	vsw__free(x->msg_frame);
	vsw__free(x);
}

/* The UDP socket, bound to the local address, in the caller's namespace. */
static int vx_socket(struct vxlan *x, const union vx_addr *local)
{
	int on = 1, pmtu = x->family == AF_INET ? IP_PMTUDISC_DO : IPV6_PMTUDISC_DO;
	int want = (int)(VSW_BATCH_MAX * (x->slot + 1024u));

	x->fd = socket(x->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return -errno;
	if (x->family == AF_INET6 &&
	    setsockopt(x->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		return -errno;
	if (x->family == AF_INET ? setsockopt(x->fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu))
				 : setsockopt(x->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)))
		return -errno;
	if (setsockopt(x->fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) < 0)
		(void)setsockopt(x->fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
	if (bind(x->fd, &local->sa, x->alen) < 0)
		return -errno;
	return 0;
}

static int vx_alloc(struct vxlan *x, long macs)
{
	unsigned int b = 1;

	while (b * VX_WAYS < (unsigned long)macs)
		b <<= 1;
	x->n_buckets = b;
	x->macs = vsw__calloc((size_t)b * VX_WAYS, sizeof(*x->macs));
	x->buf = vsw__calloc(VSW_BATCH_MAX, x->slot);
	x->from = vsw__calloc(VSW_BATCH_MAX, sizeof(*x->from));
	x->rmsgs = vsw__calloc(VSW_BATCH_MAX, sizeof(*x->rmsgs));
	x->smsgs = vsw__calloc(VX_MSGS, sizeof(*x->smsgs));
	x->riov = vsw__calloc(VSW_BATCH_MAX, sizeof(*x->riov));
	x->siov = vsw__calloc(3u * VSW_BATCH_MAX, sizeof(*x->siov));
	x->hdr = vsw__calloc(VSW_BATCH_MAX, sizeof(*x->hdr));
	x->msg_frame = vsw__calloc(VX_MSGS, sizeof(*x->msg_frame));
	if (!x->macs || !x->buf || !x->from || !x->rmsgs || !x->smsgs || !x->riov || !x->siov ||
	    !x->hdr || !x->msg_frame)
		return -ENOMEM;
	return 0;
}

static int vx_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct vx_req q;
	union vx_addr local;
	struct vxlan *x;
	char *save = NULL;
	int err, saved;

	err = parse_req(&q, arg, options);
	if (err)
		return err;
	x = vsw__calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->fd = -1;
	x->port = (uint16_t)q.port;
	x->family = strchr(q.addr, ':') ? AF_INET6 : AF_INET;
	x->alen = x->family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	x->overhead = (x->family == AF_INET ? 20u : 40u) + 8u + VX_HLEN;
	x->mtu = (unsigned int)q.mtu;
	x->aging_ns = (uint64_t)q.aging * 1000000000u;
	err = -EINVAL;
	if (addr_parse(q.addr, x->family, x->port, &local) || strchr(q.addr, '[')) {
		vsw__backend_note("vxlan: bad local address '%s' (an IPv4 or IPv6 address)", q.addr);
		goto fail;
	}
	if (x->mtu < x->overhead + 14u + 68u || (x->family == AF_INET6 && x->mtu < 1280)) {
		vsw__backend_note("vxlan: mtu=%u too small", x->mtu);
		goto fail;
	}
	if (map_parse(x, q.vni)) {
		vsw__backend_note("vxlan: bad vni= map (VLAN:VNI;..., VLAN 0-4094 once each, "
				  "VNI 0-16777215 or none, each VNI once)");
		goto fail;
	}
	for (char *t = strtok_r(q.remote, ";", &save); t; t = strtok_r(NULL, ";", &save))
		if ((err = remote_add(x, t))) {
			vsw__backend_note("vxlan: bad remote '%s' (%s)", t, err == -EEXIST ? "twice" :
					  err == -ENOSPC ? "more than 64" : "an address of the local family[:PORT]");
			err = -EINVAL;
			goto fail;
		}
	/* the largest datagram the underlay carries, and one byte to see more */
	x->slot = x->mtu - (x->family == AF_INET ? 20u : 40u) - 8u + 1u;
	err = vx_alloc(x, q.macs);
	if (err)
		goto fail;
	err = vsw__netns_enter(q.netns, &saved);
	if (err) {
		vsw__backend_note("vxlan: cannot enter netns %s: %s", q.netns, strerror(-err));
		goto fail;
	}
	err = vx_socket(x, &local);
	if (err)
		vsw__backend_note("vxlan: socket on %s port %u%s%s: %s", q.addr, x->port,
				  *q.netns ? " in netns " : "", q.netns, strerror(-err));
	if (vsw__netns_leave(saved) && !err)
		err = -EIO;
	if (err)
		goto fail;
	vsw__backend_note("vxlan: VTEP %s port %u%s%s, %u remote(s), underlay mtu %u", q.addr, x->port,
			  *q.netns ? " in netns " : "", q.netns, x->n_remotes, x->mtu);
	vsw_backend_set_priv(be, x);
	return 0;
fail:
	vx_free(x);
	return err;
}

static void vx_close(struct vsw_backend *be)
{
	vx_free(vx_of(be));
}

static int vx_fd(struct vsw_backend *be)
{
	return vx_of(be)->fd;
}

static int vx_mtu(struct vsw_backend *be)
{
	struct vxlan *x = vx_of(be);

	/* the largest IP packet inside: the inner frame less its Ethernet header */
	return (int)(x->mtu - x->overhead - 14u);
}

/* ---- receive ---- */

enum { RX_SHORT, RX_FLAGS, RX_VNI, RX_RUNT, RX_TAG, RX_TRUNC, RX_N };

static const enum vsw_counter rx_ctr[RX_N] = {
	[RX_SHORT] = VSW_CTR_VXLAN_SHORT, [RX_FLAGS] = VSW_CTR_VXLAN_BAD_FLAGS,
	[RX_VNI] = VSW_CTR_VXLAN_UNKNOWN_VNI, [RX_RUNT] = VSW_CTR_VXLAN_RUNT,
	[RX_TAG] = VSW_CTR_VXLAN_INNER_TAG, [RX_TRUNC] = VSW_CTR_TRUNCATED,
};

/* Why a datagram of 'len' bytes at 'd' is dropped (RX_N: it is not), and its VLAN. */
static int rx_check(const struct vxlan *x, const uint8_t *d, size_t len, int *vlan)
{
	uint16_t type;

	if (len < VX_HLEN)
		return RX_SHORT;
	if (!(d[0] & 0x08))
		return RX_FLAGS;
	*vlan = vni_to_vlan(x, (uint32_t)d[4] << 16 | (uint32_t)d[5] << 8 | d[6]);
	if (*vlan < 0)
		return RX_VNI;
	if (len < VX_HLEN + 14u)
		return RX_RUNT;
	type = (uint16_t)(d[VX_HLEN + 12] << 8 | d[VX_HLEN + 13]);
	if (type == 0x8100 || type == 0x88a8 || type == 0x9100)
		return RX_TAG;
	return RX_N;
}

static int vx_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct vxlan *x = vx_of(be);
	uint64_t drops[RX_N] = { 0 }, now;
	unsigned int k = 0;
	int got;

	for (unsigned int i = 0; i < n; i++) {
		x->riov[i] = (struct iovec){ .iov_base = x->buf + (size_t)i * x->slot, .iov_len = x->slot };
		x->rmsgs[i].msg_hdr = (struct msghdr){
			.msg_name = &x->from[i], .msg_namelen = sizeof(x->from[i]),
			.msg_iov = &x->riov[i], .msg_iovlen = 1,
		};
	}
	got = recvmmsg(x->fd, x->rmsgs, n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	now = now_ns();
	for (int i = 0; i < got; i++) {
		const uint8_t *d = x->riov[i].iov_base;
		size_t len = x->rmsgs[i].msg_len;
		int vlan = 0, why;

		why = x->rmsgs[i].msg_hdr.msg_flags & MSG_TRUNC ? RX_TRUNC : rx_check(x, d, len, &vlan);
		if (why != RX_N) {
			drops[why]++;
			continue;
		}
		f[k++] = (struct vsw_frame){
			.data = d + VX_HLEN, .len = (uint32_t)(len - VX_HLEN),
			.flags = vlan ? VSW_FRAME_VLAN_TCI : 0, .vlan_tci = (uint16_t)vlan,
		};
		if (!(d[VX_HLEN + 6] & 1))
			mac_learn(x, x->vlan_vni[vlan], d + VX_HLEN + 6, &x->from[i], now);
	}
	for (int r = 0; r < RX_N; r++)
		if (drops[r])
			vsw_backend_count(be, rx_ctr[r], drops[r]);
	return (int)k;
}

/* ---- send ---- */

/* Send the 'm' datagrams queued. 0, or -EAGAIN with '*stuck' the frame of
 * the first datagram the socket did not take. A datagram the kernel
 * refuses otherwise (no route, ...) is lost and counted. */
static int vx_flush(struct vsw_backend *be, struct vxlan *x, unsigned int m, unsigned int *stuck)
{
	unsigned int k = 0;

	while (k < m) {
		int s = sendmmsg(x->fd, x->smsgs + k, m - k, MSG_DONTWAIT);

		if (s > 0) {
			k += (unsigned int)s;
		} else if (s == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			*stuck = x->msg_frame[k];
			return -EAGAIN;
		} else {
			vsw_backend_count(be, VSW_CTR_TX_ERRORS, 1);
			k++;
		}
	}
	return 0;
}

/* Queue one datagram of frame 'i' to 'to'; flush when the queue is full. */
static int vx_queue(struct vsw_backend *be, struct vxlan *x, unsigned int *m, unsigned int i,
		    unsigned int niov, const union vx_addr *to, unsigned int *stuck)
{
	if (*m == VX_MSGS) {
		int err = vx_flush(be, x, *m, stuck);
		*m = 0;
		if (err)
			return err;
	}
	x->msg_frame[*m] = i;
	x->smsgs[*m].msg_hdr = (struct msghdr){
		.msg_name = (void *)to, .msg_namelen = x->alen,
		.msg_iov = &x->siov[3 * i], .msg_iovlen = niov,
	};
	(*m)++;
	return 0;
}

static int vx_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct vxlan *x = vx_of(be);
	uint64_t now = now_ns(), big = 0, novni = 0, bad = 0;
	unsigned int m = 0, i, stuck = n;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		const uint8_t *d = f[i].data;
		uint32_t len = f[i].len, vni;
		bool tagged = len >= 18 && d[12] == 0x81 && d[13] == 0x00;
		unsigned int vid = tagged ? ((d[14] & 0x0fu) << 8 | d[15]) : 0, niov;
		struct iovec *v = &x->siov[3 * i];
		const struct vx_mac *e;

		if (len < 14) {
			bad++;
			continue;
		}
		vni = x->vlan_vni[vid];
		if (vni == VX_NONE) {
			novni++;
			continue;
		}
		if (len - (tagged ? 4u : 0u) + x->overhead > x->mtu) {
			big++;
			continue;
		}
		x->hdr[i][0] = 0x08;
		x->hdr[i][1] = x->hdr[i][2] = x->hdr[i][3] = x->hdr[i][7] = 0;
		x->hdr[i][4] = (uint8_t)(vni >> 16);
		x->hdr[i][5] = (uint8_t)(vni >> 8);
		x->hdr[i][6] = (uint8_t)vni;
		v[0] = (struct iovec){ .iov_base = x->hdr[i], .iov_len = VX_HLEN };
		if (tagged) {
			v[1] = (struct iovec){ .iov_base = (void *)d, .iov_len = 12 };
			v[2] = (struct iovec){ .iov_base = (void *)(d + 16), .iov_len = len - 16 };
			niov = 3;
		} else {
			v[1] = (struct iovec){ .iov_base = (void *)d, .iov_len = len };
			niov = 2;
		}
		e = d[0] & 1 ? NULL : mac_find(x, vni, d, now);
		if (e)
			err = vx_queue(be, x, &m, i, niov, &e->vtep, &stuck);
		for (unsigned int r = 0; !e && !err && r < x->n_remotes; r++)
			err = vx_queue(be, x, &m, i, niov, &x->remotes[r], &stuck);
	}
	if (!err && m)
		err = vx_flush(be, x, m, &stuck);
	if (big)
		vsw_backend_count(be, VSW_CTR_VXLAN_TOO_BIG, big);
	if (novni)
		vsw_backend_count(be, VSW_CTR_VXLAN_UNKNOWN_VNI, novni);
	if (bad)
		vsw_backend_count(be, VSW_CTR_TX_ERRORS, bad);
	return err ? (int)stuck : (int)n;
}

const struct vsw_backend_ops vsw__vxlan_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "vxlan",
	.open = vx_open,
	.close = vx_close,
	.fd = vx_fd,
	.recv = vx_recv,
	.send = vx_send,
	.mtu = vx_mtu,
};

/* ---- the public calls ---- */

static struct vxlan *vx_get(struct vsw_backend *be)
{
	return be && vsw__backend_has_ops(be, &vsw__vxlan_ops) ? vx_of(be) : NULL;
}

int vsw_vxlan_add_remote(struct vsw_backend *be, const char *addr)
{
	struct vxlan *x = vx_get(be);

	return x && addr ? remote_add(x, addr) : -EINVAL;
}

int vsw_vxlan_remove_remote(struct vsw_backend *be, const char *addr)
{
	struct vxlan *x = vx_get(be);

	return x && addr ? remote_remove(x, addr) : -EINVAL;
}

int vsw_vxlan_remote_get(struct vsw_backend *be, unsigned int i, char *buf, size_t len)
{
	struct vxlan *x = vx_get(be);
	char s[VSW_VXLAN_ADDR_MAX];

	if (!x || !buf)
		return -EINVAL;
	if (i >= x->n_remotes)
		return -ENOENT;
	addr_format(&x->remotes[i], s, sizeof(s));
	if (strlen(s) >= len)
		return -ENOSPC;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

int vsw_vxlan_fdb_foreach(struct vsw_backend *be, vsw_vxlan_fdb_fn fn, void *user)
{
	struct vxlan *x = vx_get(be);
	uint64_t now = now_ns();

	if (!x || !fn)
		return -EINVAL;
	for (size_t k = 0; k < (size_t)x->n_buckets * VX_WAYS; k++) {
		const struct vx_mac *e = &x->macs[k];
		struct vsw_vxlan_fdb_entry info = { .size = sizeof(info) };
		int r;

		if (!mac_live(x, e, now))
			continue;
		info.vni = e->vni;
		info.vlan = vni_to_vlan(x, e->vni);
		memcpy(info.mac, e->mac, 6);
		info.age_sec = (unsigned int)((now - e->seen_ns) / 1000000000u);
		addr_format(&e->vtep, info.vtep, sizeof(info.vtep));
		r = fn(&info, user);
		if (r)
			return r;
	}
	return 0;
}

#else /* !VSW_WITH_VXLAN: no instance can be a vxlan one */

int vsw_vxlan_add_remote(struct vsw_backend *be, const char *addr)
{
	(void)be, (void)addr;
	return -EINVAL;
}

int vsw_vxlan_remove_remote(struct vsw_backend *be, const char *addr)
{
	(void)be, (void)addr;
	return -EINVAL;
}

int vsw_vxlan_remote_get(struct vsw_backend *be, unsigned int i, char *buf, size_t len)
{
	(void)be, (void)i, (void)buf, (void)len;
	return -EINVAL;
}

int vsw_vxlan_fdb_foreach(struct vsw_backend *be, vsw_vxlan_fdb_fn fn, void *user)
{
	(void)be, (void)fn, (void)user;
	return -EINVAL;
}

#endif
