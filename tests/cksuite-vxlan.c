// SPDX-License-Identifier: MIT
/*
 * Description: the vxlan backend (vsw-backend-vxlan(7)) on loopback
 * addresses 127.0.0.x: the bytes it sends (flags, VNI, the tag left out),
 * the VLAN -> VNI map, flood replication to every remote VTEP, learning
 * then unicast to one VTEP (per VNI), the flood list changed at run time
 * (a removed VTEP's MACs forgotten), decapsulation to the right VLAN
 * through a switch, every malformed datagram dropped and counted by
 * reason, the underlay MTU at its exact limit and one byte past it, and
 * the spec's errors, the learned table's bound and aging, the flood
 * list's bound of 64, and an IPv6 pair on ::1 where the host has it.
 * Crafted datagrams come from plain UDP sockets.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vsw_backend.h>

#include "cksuite.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_m[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_u[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x66 };
static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };

/* The UDP port of this test: each test runs in its own process. */
static uint16_t port_p;
static char opt[256];

static void pick_port(void)
{
	port_p = (uint16_t)(20000 + getpid() % 30000);
}

static int udp_sock(const char *ip)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port_p) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	ck_ok(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	return fd;
}

/* One datagram within 'ms', or -1; its sender's port in *from_port. */
static int udp_recv(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return (int)recv(fd, buf, len, 0);
}

static void udp_drain(int fd)
{
	uint8_t b[2048];

	while (udp_recv(fd, b, sizeof(b), 20) >= 0)
		;
}

static void udp_send(int fd, const char *ip, const void *d, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port_p) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	ck_assert_int_eq(sendto(fd, d, len, 0, (struct sockaddr *)&a, sizeof(a)), (ssize_t)len);
}

/* A VXLAN datagram: header (flags, VNI, reserved byte 'rsvd' everywhere
 * else) then the inner frame. */
static size_t vx_dgram(uint8_t *out, uint8_t flags, uint32_t vni, uint8_t rsvd, const uint8_t *in,
		       size_t len)
{
	out[0] = flags;
	out[1] = out[2] = out[3] = out[7] = rsvd;
	out[4] = (uint8_t)(vni >> 16);
	out[5] = (uint8_t)(vni >> 8);
	out[6] = (uint8_t)vni;
	memcpy(out + 8, in, len);
	return len + 8;
}

static uint32_t tagged(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t vid)
{
	struct ck_tag t = { 0x8100, vid };

	return ck_frame(buf, dst, src, &t, 1, 0x0800, 46);
}

static void be_send(struct vsw_backend *be, const uint8_t *d, uint32_t len)
{
	struct vsw_frame f = { .data = d, .len = len };

	ck_assert_int_eq(vsw_backend_send(be, &f, 1), 1);
}

/* A datagram of a frame tagged 'vid' (64 bytes) sent by the backend:
 * the header says 'vni', the inner frame is the frame untagged. */
static void check_encap(int fd, const uint8_t *frame, uint32_t vni)
{
	uint8_t d[2048];
	int n = udp_recv(fd, d, sizeof(d), 1000);

	ck_assert_int_eq(n, 8 + 60);
	ck_assert_uint_eq(d[0], 0x08);
	ck_assert_uint_eq(d[1] | d[2] | d[3] | d[7], 0);
	ck_assert_uint_eq((uint32_t)d[4] << 16 | (uint32_t)d[5] << 8 | d[6], vni);
	ck_assert_mem_eq(d + 8, frame, 12);
	ck_assert_mem_eq(d + 8 + 12, frame + 16, 48);
}

START_TEST(encap_and_flood)
{
	struct vsw_backend *a;
	uint8_t f[128], d[2048];
	int r2, r3;
	uint32_t len;

	pick_port();
	r2 = udp_sock("127.0.0.2");
	r3 = udp_sock("127.0.0.3");
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.2;127.0.0.3,vni=20:5020;0:7", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.1", opt, &a));
	ck_assert_str_eq(vsw_backend_type(a), "vxlan");
	ck_assert_int_ge(vsw_backend_fd(a), 0);
	ck_assert_int_eq(vsw_backend_mtu(a), 1500 - 50);
	/* VLAN 10: VNI 10, replicated to both remotes, the tag left out */
	len = tagged(f, bcast, mac_a, 10);
	ck_assert_uint_eq(len, 64);
	be_send(a, f, len);
	check_encap(r2, f, 10);
	check_encap(r3, f, 10);
	/* mapped: VLAN 20 is VNI 5020; VLAN 4094 is its own */
	len = tagged(f, bcast, mac_a, 20);
	be_send(a, f, len);
	check_encap(r2, f, 5020);
	check_encap(r3, f, 5020);
	len = tagged(f, mac_m, mac_a, 0x2000 | 4094); /* unknown unicast, PCP 1: flooded */
	be_send(a, f, len);
	check_encap(r2, f, 4094);
	check_encap(r3, f, 4094);
	/* untagged is VLAN 0: VNI 7 here; the frame as it is */
	len = ck_frame(f, bcast, mac_a, NULL, 0, 0x0806, 46);
	be_send(a, f, len);
	for (int i = 0; i < 2; i++) {
		int n = udp_recv(i ? r3 : r2, d, sizeof(d), 1000);
		ck_assert_int_eq(n, 8 + 60);
		ck_assert_uint_eq(d[6], 7);
		ck_assert_mem_eq(d + 8, f, 60);
	}
	/* VLAN 5020's identity is taken: VNI 20 is nobody's, VLAN 20 sends
	 * 5020 only; nothing else left */
	ck_assert_int_eq(udp_recv(r2, d, sizeof(d), 50), -1);
	vsw_backend_close(a);
	/* VLAN 20's own VNI given to VLAN 10: VLAN 20 has none, sends nothing */
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.2,vni=10:20", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.1", opt, &a));
	len = tagged(f, bcast, mac_a, 20);
	be_send(a, f, len);
	ck_assert_int_eq(udp_recv(r2, d, sizeof(d), 50), -1);
	len = tagged(f, bcast, mac_a, 10);
	be_send(a, f, len);
	check_encap(r2, f, 20);
	vsw_backend_close(a);
	close(r2);
	close(r3);
}
END_TEST

struct fdb_seen {
	unsigned int n;
	struct vsw_vxlan_fdb_entry last;
};

static int fdb_count(const struct vsw_vxlan_fdb_entry *e, void *user)
{
	struct fdb_seen *s = user;

	s->n++;
	s->last = *e;
	return 0;
}

/* Receive from a backend no port owns, within a second. */
static int be_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct pollfd p = { .fd = vsw_backend_fd(be), .events = POLLIN };

	if (poll(&p, 1, 1000) != 1)
		return 0;
	return vsw_backend_recv(be, f, n);
}

START_TEST(learn_then_unicast)
{
	struct vsw_backend *a, *b, *mem;
	struct vsw_frame in[4];
	struct fdb_seen seen = { 0 };
	char s[VSW_VXLAN_ADDR_MAX], want[64];
	uint8_t f[128], d[2048];
	uint32_t len;
	int r3;

	pick_port();
	r3 = udp_sock("127.0.0.3");
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.2;127.0.0.3", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.1", opt, &a));
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.1", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.2", opt, &b));
	/* b floods a frame from m on VLAN 10; a decapsulates it to VLAN 10 */
	len = tagged(f, bcast, mac_m, 10);
	be_send(b, f, len);
	ck_assert_int_eq(be_recv(a, in, 4), 1);
	ck_assert_uint_eq(in[0].flags, VSW_FRAME_VLAN_TCI);
	ck_assert_uint_eq(in[0].vlan_tci, 10);
	ck_assert_uint_eq(in[0].len, 60);
	ck_assert_mem_eq(in[0].data, f, 12);
	ck_assert_mem_eq(in[0].data + 12, f + 16, 48);
	/* learned: m in VNI 10 behind b */
	ck_ok(vsw_vxlan_fdb_foreach(a, fdb_count, &seen));
	ck_assert_uint_eq(seen.n, 1);
	ck_assert_uint_eq(seen.last.vni, 10);
	ck_assert_uint_eq(seen.last.vlan, 10);
	ck_assert_mem_eq(seen.last.mac, mac_m, 6);
	snprintf(want, sizeof(want), "127.0.0.2:%u", port_p);
	ck_assert_str_eq(seen.last.vtep, want);
	/* a's unicast to m goes to b alone */
	len = tagged(f, mac_m, mac_a, 10);
	be_send(a, f, len);
	ck_assert_int_eq(be_recv(b, in, 4), 1);
	ck_assert_uint_eq(in[0].vlan_tci, 10);
	ck_assert_mem_eq(in[0].data, mac_m, 6);
	ck_assert_int_eq(udp_recv(r3, d, sizeof(d), 50), -1);
	/* m is unknown in VLAN 20 (VNI 20): flooded; an unknown MAC too */
	len = tagged(f, mac_m, mac_a, 20);
	be_send(a, f, len);
	check_encap(r3, f, 20);
	ck_assert_int_eq(be_recv(b, in, 4), 1);
	len = tagged(f, mac_u, mac_a, 10);
	be_send(a, f, len);
	check_encap(r3, f, 10);
	ck_assert_int_eq(be_recv(b, in, 4), 1);
	/* the flood list */
	ck_ok(vsw_vxlan_remote_get(a, 0, s, sizeof(s)));
	ck_assert_str_eq(s, want);
	ck_ok(vsw_vxlan_remote_get(a, 1, s, sizeof(s)));
	snprintf(want, sizeof(want), "127.0.0.3:%u", port_p);
	ck_assert_str_eq(s, want);
	ck_assert_int_eq(vsw_vxlan_remote_get(a, 2, s, sizeof(s)), -ENOENT);
	ck_assert_int_eq(vsw_vxlan_remote_get(a, 0, s, 5), -ENOSPC);
	ck_assert_int_eq(vsw_vxlan_add_remote(a, "127.0.0.3"), -EEXIST);
	ck_assert_int_eq(vsw_vxlan_add_remote(a, "127.0.0.300"), -EINVAL);
	ck_assert_int_eq(vsw_vxlan_add_remote(a, "::1"), -EINVAL); /* not the local family */
	ck_assert_int_eq(vsw_vxlan_add_remote(a, "127.0.0.4:0"), -EINVAL);
	ck_assert_int_eq(vsw_vxlan_add_remote(NULL, "127.0.0.4"), -EINVAL);
	ck_assert_int_eq(vsw_vxlan_fdb_foreach(a, NULL, NULL), -EINVAL);
	ck_ok(vsw_backend_open("memory:vxw", NULL, &mem));
	ck_assert_int_eq(vsw_vxlan_add_remote(mem, "127.0.0.4"), -EINVAL);
	ck_assert_int_eq(vsw_vxlan_remote_get(mem, 0, s, sizeof(s)), -EINVAL);
	vsw_backend_close(mem);
	/* b leaves the list: what was learned behind it goes with it, and
	 * the frame to m is flooded to the one VTEP left */
	ck_ok(vsw_vxlan_remove_remote(a, "127.0.0.2"));
	ck_assert_int_eq(vsw_vxlan_remove_remote(a, "127.0.0.2"), -ENOENT);
	seen.n = 0;
	ck_ok(vsw_vxlan_fdb_foreach(a, fdb_count, &seen));
	ck_assert_uint_eq(seen.n, 0);
	len = tagged(f, mac_m, mac_a, 10);
	be_send(a, f, len);
	check_encap(r3, f, 10);
	ck_assert_int_eq(be_recv(b, in, 4), 0);
	/* back at run time: flooded to again */
	snprintf(want, sizeof(want), "127.0.0.2:%u", port_p);
	ck_ok(vsw_vxlan_add_remote(a, want));
	len = tagged(f, bcast, mac_a, 10);
	be_send(a, f, len);
	check_encap(r3, f, 10);
	ck_assert_int_eq(be_recv(b, in, 4), 1);
	vsw_backend_close(a);
	vsw_backend_close(b);
	close(r3);
}
END_TEST

/* Poll the switch until 'cond' or 100 rounds. */
#define POLL_UNTIL(sw, cond) do { \
	for (int i_ = 0; i_ < 100 && !(cond); i_++) \
		ck_assert_int_ge(vsw_switch_poll((sw), 10), 0); \
	} while (0)

static void poll_rounds(struct vsw_switch *sw, int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_ge(vsw_switch_poll(sw, 5), 0);
}

START_TEST(switch_decap_drops_mtu)
{
	struct vsw_switch *sw = ck_switch("sx");
	struct vsw_portgroup *pg10, *pg20;
	struct vsw_uplink *u;
	struct vsw_vnic *v10, *v20;
	struct vsw_port *up;
	static struct ck_cap c10, c20;
	uint8_t in[1600], d[2048];
	size_t n;
	uint32_t len;
	int r3;

	pick_port();
	r3 = udp_sock("127.0.0.3");
	ck_ok(vsw_uplink_add(sw, "vx0", 0, &u));
	up = vsw_uplink_port(u);
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.3,vni=20:5020,mtu=1000", port_p);
	ck_ok(vsw_port_attach(up, "vxlan:127.0.0.1", opt));
	ck_ok(vsw_portgroup_add(sw, "v10", 10, 0, &pg10));
	ck_ok(vsw_portgroup_add(sw, "v20", 20, 0, &pg20));
	ck_ok(vsw_vnic_add(pg10, "a", mac_a, 0, &v10));
	ck_ok(vsw_vnic_add(pg20, "b", mac_b, 0, &v20));
	ck_capture(vsw_vnic_port(v10), &c10);
	ck_capture(vsw_vnic_port(v20), &c20);
	poll_rounds(sw, 3);
	udp_drain(r3); /* the vNICs' RARPs */

	/* VNI 10 to VLAN 10's vNIC, VNI 5020 to VLAN 20's; untagged */
	len = ck_frame(in, bcast, mac_m, NULL, 0, 0x0800, 46);
	n = vx_dgram(d, 0x08, 10, 0, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, c10.n == 1);
	ck_assert_uint_eq(c10.n, 1);
	ck_assert_uint_eq(c20.n, 0);
	ck_assert_uint_eq(c10.f[0].len, 60);
	ck_assert_mem_eq(c10.f[0].data, in, 60);
	n = vx_dgram(d, 0x08, 5020, 0, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, c20.n == 1);
	ck_assert_uint_eq(c20.n, 1);
	ck_assert_uint_eq(c10.n, 1);
	/* reserved bits set: ignored on receipt (RFC 7348) */
	n = vx_dgram(d, 0xff, 10, 0xff, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, c10.n == 2);
	ck_assert_uint_eq(c10.n, 2);

	/* each malformed datagram counted by its reason */
	udp_send(r3, "127.0.0.1", d, 7);
	POLL_UNTIL(sw, vsw_port_counter(up, VSW_CTR_VXLAN_SHORT) == 1);
	n = vx_dgram(d, 0x00, 10, 0, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, vsw_port_counter(up, VSW_CTR_VXLAN_BAD_FLAGS) == 1);
	n = vx_dgram(d, 0x08, 20, 0, in, len); /* VNI 20: VLAN 20 is 5020 */
	udp_send(r3, "127.0.0.1", d, n);
	n = vx_dgram(d, 0x08, 100000, 0, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, vsw_port_counter(up, VSW_CTR_VXLAN_UNKNOWN_VNI) == 2);
	n = vx_dgram(d, 0x08, 10, 0, in, 13);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, vsw_port_counter(up, VSW_CTR_VXLAN_RUNT) == 1);
	len = tagged(in, bcast, mac_m, 20);
	n = vx_dgram(d, 0x08, 10, 0, in, len);
	udp_send(r3, "127.0.0.1", d, n);
	POLL_UNTIL(sw, vsw_port_counter(up, VSW_CTR_VXLAN_INNER_TAG) == 1);
	poll_rounds(sw, 3);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_SHORT), 1);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_BAD_FLAGS), 1);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_UNKNOWN_VNI), 2);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_RUNT), 1);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_INNER_TAG), 1);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_TOO_BIG), 0);
	ck_assert_uint_eq(c10.n, 2);
	ck_assert_uint_eq(c20.n, 1);
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_VXLAN_TOO_BIG), "vxlan_too_big");
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_VXLAN_SHORT), VSW_CTR_KIND_DROP);

	/* m was learned behind 127.0.0.3: a's unicast reaches it there */
	len = ck_frame(in, mac_m, mac_a, NULL, 0, 0x0800, 46);
	ck_send(vsw_vnic_port(v10), in, len);
	ck_assert_int_eq(udp_recv(r3, d, sizeof(d), 1000), 8 + 60);
	ck_assert_uint_eq(d[6], 10);

	/* the underlay MTU, 1000: an inner frame of 1000 - 36 bytes fits
	 * (the IPv4 datagram is then 1000 bytes), one byte more does not */
	len = ck_frame(in, bcast, mac_a, NULL, 0, 0x0800, 1000 - 36 - 14);
	ck_send(vsw_vnic_port(v10), in, len);
	ck_assert_int_eq(udp_recv(r3, d, sizeof(d), 1000), 8 + 1000 - 36);
	ck_assert_mem_eq(d + 8, in, len);
	len = ck_frame(in, bcast, mac_a, NULL, 0, 0x0800, 1000 - 36 - 14 + 1);
	ck_send(vsw_vnic_port(v10), in, len);
	ck_assert_int_eq(udp_recv(r3, d, sizeof(d), 100), -1);
	ck_assert_uint_eq(vsw_port_counter(up, VSW_CTR_VXLAN_TOO_BIG), 1);
	ck_assert_int_eq(vsw_backend_mtu(vsw_port_backend(up)), 1000 - 50);

	vsw_switch_free(sw);
	close(r3);
}
END_TEST

START_TEST(spec_errors)
{
	static const char *const bad[][2] = {
		{ "vxlan:", NULL },
		{ "vxlan:nowhere", NULL },
		{ "vxlan:[::1]", NULL },
		{ "vxlan:127.0.0.1", "bogus=1" },
		{ "vxlan:127.0.0.1", "port=0" },
		{ "vxlan:127.0.0.1", "mtu=100" },
		{ "vxlan:127.0.0.1", "vni=10:5;11:5" },   /* a VNI twice */
		{ "vxlan:127.0.0.1", "vni=10:5;10:6" },   /* a VLAN twice */
		{ "vxlan:127.0.0.1", "vni=4095:5" },
		{ "vxlan:127.0.0.1", "vni=10:16777216" },
		{ "vxlan:127.0.0.1", "remote=::1" },
		{ "vxlan:127.0.0.1", "remote=127.0.0.2;127.0.0.2" },
		{ "vxlan:127.0.0.1", "netns=../x" },
	};
	struct vsw_backend *a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = vsw_backend_open(bad[i][0], bad[i][1], &a);
		ck_assert_msg(r == -EINVAL, "%s %s: %d", bad[i][0], bad[i][1] ? bad[i][1] : "", r);
	}
	ck_assert_str_ne(vsw_backend_open_reason(), "");
	pick_port();
	/* the options may end the spec; a missing namespace is -ENOENT */
	snprintf(opt, sizeof(opt), "vxlan:127.0.0.1,port=%u,vni=0:none,macs=16,aging=5", port_p);
	ck_ok(vsw_backend_open(opt, NULL, &a));
	vsw_backend_close(a);
	snprintf(opt, sizeof(opt), "port=%u,netns=vsw-no-such-ns-%d", port_p, (int)getpid());
	ck_assert_int_eq(vsw_backend_open("vxlan:127.0.0.1", opt, &a), -ENOENT);
}
END_TEST

/* Send one frame from 'src' on VLAN 10 through 'from'; 'to' receives it. */
static void cross(struct vsw_backend *from, struct vsw_backend *to, const uint8_t *dst,
		  const uint8_t *src)
{
	struct vsw_frame in[4];
	uint8_t f[128];
	uint32_t len = tagged(f, dst, src, 10);

	be_send(from, f, len);
	ck_assert_int_eq(be_recv(to, in, 4), 1);
	ck_assert_uint_eq(in[0].vlan_tci, 10);
	ck_assert_mem_eq(in[0].data + 6, src, 6);
}

/* The table's bounds: a full bucket gives its oldest entry up, entries
 * age out, the flood list holds 64 VTEPs. */
START_TEST(table_bounds_and_aging)
{
	struct vsw_backend *a, *b;
	struct fdb_seen seen = { 0 };
	char r[32];
	uint8_t m[6];

	pick_port();
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.2,macs=16,aging=1", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.1", opt, &a));
	snprintf(opt, sizeof(opt), "port=%u,remote=127.0.0.1", port_p);
	ck_ok(vsw_backend_open("vxlan:127.0.0.2", opt, &b));
	for (unsigned int i = 1; i <= 100; i++) {
		ck_mac(m, i);
		cross(b, a, bcast, m);
	}
	ck_ok(vsw_vxlan_fdb_foreach(a, fdb_count, &seen));
	ck_assert_uint_le(seen.n, 16);
	ck_assert_uint_ge(seen.n, 8);
	/* the last one learned is there: a unicast to it goes to b alone */
	cross(a, b, m, mac_a);
	/* a second later, all aged out */
	usleep(1100 * 1000);
	seen.n = 0;
	ck_ok(vsw_vxlan_fdb_foreach(a, fdb_count, &seen));
	ck_assert_uint_eq(seen.n, 0);
	/* 64 VTEPs, not 65 */
	for (unsigned int i = 0; i < 63; i++) {
		snprintf(r, sizeof(r), "127.0.1.%u", i + 1);
		ck_ok(vsw_vxlan_add_remote(a, r));
	}
	ck_assert_int_eq(vsw_vxlan_add_remote(a, "127.0.2.1"), -ENOSPC);
	ck_ok(vsw_vxlan_remove_remote(a, "127.0.1.1"));
	ck_ok(vsw_vxlan_add_remote(a, "127.0.2.1"));
	vsw_backend_close(a);
	vsw_backend_close(b);
}
END_TEST

/* IPv6 underlay, where the loopback has ::1: two VTEPs on two ports. */
START_TEST(ipv6_pair)
{
	struct vsw_backend *a, *b;
	struct fdb_seen seen = { 0 };
	char want[64];
	int r;

	pick_port();
	snprintf(opt, sizeof(opt), "port=%u,remote=[::1]:%u", port_p, port_p + 1);
	r = vsw_backend_open("vxlan:::1", opt, &a);
	if (r == -EADDRNOTAVAIL || r == -EAFNOSUPPORT)
		return; /* no IPv6 here */
	ck_ok(r);
	snprintf(opt, sizeof(opt), "port=%u,remote=[::1]:%u", port_p + 1, port_p);
	ck_ok(vsw_backend_open("vxlan:::1", opt, &b));
	ck_assert_int_eq(vsw_backend_mtu(a), 1500 - 70);
	cross(a, b, bcast, mac_a);
	ck_ok(vsw_vxlan_fdb_foreach(b, fdb_count, &seen));
	ck_assert_uint_eq(seen.n, 1);
	snprintf(want, sizeof(want), "[::1]:%u", port_p);
	ck_assert_str_eq(seen.last.vtep, want);
	cross(b, a, mac_a, mac_b);
	vsw_backend_close(a);
	vsw_backend_close(b);
}
END_TEST

Suite *vsw_vxlan_suite(void)
{
	Suite *s = suite_create("vxlan");
	TCase *tc = tcase_create("vxlan");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, encap_and_flood);
	tcase_add_test(tc, learn_then_unicast);
	tcase_add_test(tc, switch_decap_drops_mtu);
	tcase_add_test(tc, spec_errors);
	tcase_add_test(tc, table_bounds_and_aging);
	tcase_add_test(tc, ipv6_pair);
	suite_add_tcase(s, tc);
	return s;
}
