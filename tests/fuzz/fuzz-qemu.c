// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the qemu backend's receive path, as
 * the switch drives it. Arbitrary bytes become a stream that a peer writes
 * to a qemu:stream vNIC in pieces of every size (so that lengths and
 * frames are cut anywhere), or datagrams of 0 to 65,535 bytes to a
 * qemu:dgram vNIC, under a switch MTU of 1280, 1500 or 9000 that changes
 * from one input to the next. A reference parser of QEMU's framing says
 * what the peer sent; then it checks that:
 *  - the switch got exactly the whole frames of up to 9,216 bytes (the
 *    port's rx_packets and rx_bytes), and the longer ones are counted as
 *    truncated, none handed over;
 *  - each delivery to a promiscuous trunk port is one of those frames,
 *    byte for byte (without its priority tag), in order, and none is
 *    longer than the MTU allows;
 *  - each frame the switch got is delivered or counted (an uplink takes
 *    unknown unicast, so none is both): the deliveries, the drop counters
 *    and lldp_rx add up to rx_packets;
 *  - a peer that closes is seen (the link goes down), and a length above
 *    1 MiB ends the connection there.
 *
 * Input: [flags][seed][...]. Flags bits 0-1: the MTU (1280, 1500, 9000,
 * 9000); bit 2: datagrams; bit 3 (streams): records instead of raw bytes.
 * Raw: the rest is the stream as it is. Records: [length: 3 bytes BE]
 * [18 header bytes], a frame of that length, the header followed by a
 * pattern (in a stream, at most 70,000 bytes of it follow the 4-byte
 * length, however long it says the frame is; datagrams take the length
 * modulo 65,536). The seed picks the sizes of the writes (bits 0-1) and
 * whether the switch reads after each one or only once the socket is full
 * (bit 2), so that the peer may close with whole frames still unread.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vsw.h>

#define SLOT 9216u
#define MAX_FRAME (1u << 20)
#define STREAM_MAX (4u << 20)
#define BODY_MAX 70000u
#define DGRAMS_MAX 256

static struct vsw_switch *sw;
static struct vsw_port *vm_s, *vm_d, *obs;
static uint8_t obs_mac[6] = { 0x00, 0x50, 0x56, 0, 0, 0x22 };
static char s_path[108], d_path[108], peer_path[108];
static int peer = -1; /* the datagram peer's socket */

/* The frames the peer sent whole, in order, and where the deliveries are. */
static struct ref {
	const uint8_t *d;
	uint32_t len;
} refs[STREAM_MAX / 4];
static unsigned int n_refs, next_ref, delivered;
static unsigned int mtu;

static void cleanup(void)
{
	unlink(peer_path);
	vsw_switch_free(sw); /* the backends remove their socket files */
}

static int setup(void)
{
	struct vsw_portgroup *pg;
	struct vsw_vnic *v;
	struct vsw_uplink *u;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t mac[6] = { 0x00, 0x50, 0x56, 0, 0, 0x10 };
	char spec[300];
	int pid = (int)getpid();

	snprintf(s_path, sizeof(s_path), "/tmp/vswfq%d-s.sock", pid);
	snprintf(d_path, sizeof(d_path), "/tmp/vswfq%d-d.sock", pid);
	snprintf(peer_path, sizeof(peer_path), "/tmp/vswfq%d-p.sock", pid);
	unlink(s_path);
	unlink(d_path);
	unlink(peer_path);
	if (vsw_switch_new("fuzzq", NULL, &sw) || vsw_portgroup_add(sw, "trunk", 4095, 0, &pg))
		return -1;
	vsw_portgroup_policy_set(pg, VSW_POL_PROMISCUOUS, 1);
	if (vsw_vnic_add(pg, "obs", obs_mac, 0, &v))
		return -1;
	obs = vsw_vnic_port(v);
	if (vsw_uplink_add(sw, "vmnic0", 0, &u))
		return -1;
	if (vsw_vnic_add(pg, "vms", mac, 0, &v))
		return -1;
	vm_s = vsw_vnic_port(v);
	snprintf(spec, sizeof(spec), "qemu:stream:%s", s_path);
	if (vsw_port_attach(vm_s, spec, NULL))
		return -1;
	mac[5]++;
	if (vsw_vnic_add(pg, "vmd", mac, 0, &v))
		return -1;
	vm_d = vsw_vnic_port(v);
	peer = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, peer_path);
	if (peer < 0 || bind(peer, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	snprintf(spec, sizeof(spec), "qemu:dgram:%s=%s", d_path, peer_path);
	if (vsw_port_attach(vm_d, spec, NULL))
		return -1;
	atexit(cleanup);
	return 0;
}

/* What a promiscuous trunk port gets of a frame from a trunk port: the
 * frame as it is, but without an 802.1Q tag of VLAN 0 (priority only). */
static bool same_as_delivered(const struct ref *r, const struct vsw_frame *f)
{
	const uint8_t *d = r->d;

	if (r->len >= 18 && d[12] == 0x81 && d[13] == 0x00 && !(((d[14] << 8) | d[15]) & 0x0fff))
		return f->len == r->len - 4 && !memcmp(f->data, d, 12) &&
		       !memcmp(f->data + 12, d + 16, r->len - 16);
	return f->len == r->len && !memcmp(f->data, d, r->len);
}

static unsigned int on_obs(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	(void)port;
	(void)user;
	for (unsigned int i = 0; i < n; i++) {
		delivered++;
		if (f[i].len > mtu + 18)
			abort(); /* the switch let an oversize frame through */
		while (next_ref < n_refs && !same_as_delivered(&refs[next_ref], &f[i]))
			next_ref++;
		if (next_ref == n_refs)
			abort(); /* not a frame the peer sent, or out of order */
		next_ref++;
	}
	return n;
}

/* QEMU's framing over 'len' bytes: the whole frames, and how many were too
 * long to forward; false if a length ends the connection. */
static bool parse(const uint8_t *s, size_t len, uint64_t *trunc, size_t *used)
{
	size_t pos = 0;

	while (pos + 4 <= len) {
		uint32_t fl = (uint32_t)s[pos] << 24 | (uint32_t)s[pos + 1] << 16 | (uint32_t)s[pos + 2] << 8 | s[pos + 3];
		if (fl > MAX_FRAME) {
			*used = pos + 4;
			return false;
		}
		if (fl > SLOT) {
			++*trunc;
		} else if (fl && pos + 4 + fl <= len) {
			refs[n_refs++] = (struct ref){ s + pos + 4, fl };
		}
		pos += 4 + (size_t)fl;
	}
	*used = len;
	return true;
}

struct snap {
	uint64_t pk, bytes, trunc, drops, lldp;
};

static struct snap snap_of(struct vsw_port *p)
{
	struct snap s = { vsw_port_counter(p, VSW_CTR_RX_PACKETS), vsw_port_counter(p, VSW_CTR_RX_BYTES),
			  vsw_port_counter(p, VSW_CTR_TRUNCATED), 0, vsw_port_counter(p, VSW_CTR_LLDP_RX) };

	for (int c = 0; vsw_counter_name(c); c++)
		if (vsw_counter_kind(c) == VSW_CTR_KIND_DROP)
			s.drops += vsw_port_counter(p, c);
	return s;
}

static uint32_t rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* A frame of 'len' bytes: 'hdr' (18 bytes), then a pattern. */
static void make_frame(uint8_t *o, uint32_t len, const uint8_t *hdr, uint32_t k)
{
	memcpy(o, hdr, len < 18 ? len : 18);
	for (uint32_t i = 18; i < len; i++)
		o[i] = (uint8_t)(i + k);
}

static void run_stream(const uint8_t *s, size_t len, uint32_t seed)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static const uint32_t maxw[4] = { 3, 64, 1500, 65536 };
	uint32_t mw = maxw[seed & 3];
	bool fill = seed & 4; /* write until the socket is full, then let the switch read */
	uint64_t trunc = 0;
	size_t used, at = 0;
	int c, i;

	if (mw < len / 512)
		mw = (uint32_t)(len / 512); /* a bounded number of writes */
	if (!parse(s, len, &trunc, &used))
		len = used; /* the backend stops reading there */
	struct snap b = snap_of(vm_s);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, s_path);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	for (i = 0; i < 1000 && !vsw_port_link(vm_s); i++)
		vsw_switch_poll(sw, 1);
	if (!vsw_port_link(vm_s))
		abort(); /* never accepted */
	for (i = 0; at < len && i < 1000000; i++) {
		size_t w = 1 + rnd(&seed) % mw;
		if (w > len - at)
			w = len - at;
		ssize_t r = send(c, s + at, w, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0)
			at += (size_t)r;
		else if (r < 0 && errno != EAGAIN)
			break; /* the backend closed it (a length above 1 MiB) */
		if (!fill || r < 0)
			vsw_switch_poll(sw, 0);
	}
	if (at < len && used == len)
		abort(); /* the backend stopped reading */
	shutdown(c, SHUT_WR);
	for (i = 0; i < 2000 && vsw_port_link(vm_s); i++)
		vsw_switch_poll(sw, 1);
	if (vsw_port_link(vm_s))
		abort(); /* the end of the stream went unseen */
	close(c);
	struct snap a = snap_of(vm_s);
	uint64_t bytes = 0;
	for (unsigned int k = 0; k < n_refs; k++)
		bytes += refs[k].len;
	if (a.pk - b.pk != n_refs || a.bytes - b.bytes != bytes || a.trunc - b.trunc != trunc)
		abort(); /* a frame lost, cut, invented or miscounted */
	if (delivered + (a.drops - b.drops) + (a.lldp - b.lldp) != n_refs)
		abort(); /* a frame neither delivered nor counted */
}

static void run_dgram(const uint8_t *data, size_t size)
{
	static uint8_t dg[DGRAMS_MAX][65536];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t trunc = 0;
	unsigned int nd = 0;
	int i;

	strcpy(sa.sun_path, d_path);
	struct snap b = snap_of(vm_d);
	for (size_t pos = 0; pos + 21 <= size && nd < DGRAMS_MAX; pos += 21, nd++) {
		uint32_t l = ((uint32_t)data[pos + 1] << 8 | data[pos + 2]);
		make_frame(dg[nd], l, data + pos + 3, nd);
		if (l > SLOT)
			trunc++;
		else if (l)
			refs[n_refs++] = (struct ref){ dg[nd], l };
		for (i = 0; i < 1000; i++) {
			if (sendto(peer, dg[nd], l, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)l)
				break;
			if (errno != EAGAIN && errno != ENOBUFS)
				abort();
			vsw_switch_poll(sw, 1); /* the backend's queue is full */
		}
		vsw_switch_poll(sw, 0);
	}
	for (i = 0; i < 2000; i++) {
		struct snap a = snap_of(vm_d);
		if (a.pk - b.pk == n_refs && a.trunc - b.trunc == trunc)
			break;
		vsw_switch_poll(sw, 1);
	}
	struct snap a = snap_of(vm_d);
	uint64_t bytes = 0;
	for (unsigned int k = 0; k < n_refs; k++)
		bytes += refs[k].len;
	if (a.pk - b.pk != n_refs || a.bytes - b.bytes != bytes || a.trunc - b.trunc != trunc)
		abort();
	if (delivered + (a.drops - b.drops) + (a.lldp - b.lldp) != n_refs)
		abort();
	/* what the switch sends back (floods to the vNIC) is not read here */
	while (recv(peer, dg[0], sizeof(dg[0]), MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int mtus[4] = { 1280, 1500, 9000, 9000 };
	static uint8_t stream[STREAM_MAX];

	if (!sw && setup())
		abort();
	if (size < 2)
		return 0;
	mtu = mtus[data[0] & 3];
	if (vsw_switch_set_mtu(sw, mtu))
		abort();
	vsw_port_set_rx(obs, on_obs, NULL);
	n_refs = next_ref = delivered = 0;
	if (data[0] & 4) {
		run_dgram(data + 2, size - 2);
		return 0;
	}
	if (!(data[0] & 8)) {
		run_stream(data + 2, size - 2, data[1] | 0x100u);
		return 0;
	}
	size_t n = 0;
	for (size_t pos = 2; pos + 21 <= size && n + 4 + BODY_MAX <= sizeof(stream); pos += 21) {
		uint32_t l = (uint32_t)data[pos] << 16 | (uint32_t)data[pos + 1] << 8 | data[pos + 2];
		uint32_t body = l < BODY_MAX ? l : BODY_MAX;
		stream[n] = (uint8_t)(l >> 24);
		stream[n + 1] = (uint8_t)(l >> 16);
		stream[n + 2] = (uint8_t)(l >> 8);
		stream[n + 3] = (uint8_t)l;
		make_frame(stream + n + 4, body, data + pos + 3, (uint32_t)pos);
		n += 4 + body;
	}
	run_stream(stream, n, data[1] | 0x100u);
	return 0;
}
