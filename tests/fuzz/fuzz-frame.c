// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the frame path. Arbitrary bytes become
 * frames entering a jumbo switch (MTU 9000) through every kind of port
 * (three uplinks, vNICs on EST, VST and three VGT port groups, a VMkernel
 * port) under several policies (forged transmits reject, promiscuous, MAC
 * learning, shaping), with in-band and out-of-band tags. Besides "no
 * crash", it checks for every frame:
 *  - accounting: it is delivered somewhere, or a drop counter rose, or the
 *    switch consumed it (a beacon from an uplink, or LLDP from any port):
 *    counted once under beacon_rx, beacon_ignored or lldp_rx and delivered
 *    nowhere; and the port it came from counted at most one drop reason;
 *  - isolation: every delivery stays in the frame's VLAN (a VST or EST port
 *    receives only its own VLAN, untagged; a trunk port sees the VLAN as its
 *    tag), and nothing goes from an uplink to an uplink.
 *  - mirroring: two sessions watch the switch. "cb" (a callback) copies
 *    e0 and c20 both ways, the trunk port's egress, vmnic0's ingress in
 *    VLANs 10 and 20 only, and d10's egress (d10 is "span"'s destination,
 *    which gets only copies: none may come back as an egress copy). Every
 *    frame from a source gives exactly one ingress copy, as it was sent
 *    (an out-of-band tag written in, but into a runt with no room for it);
 *    every delivery to an egress source is
 *    preceded by its copy, byte for byte; "span" copies a10's ingress to
 *    d10, whose deliveries are exactly those copies; the sessions count
 *    every copy as mirrored and none dropped.
 * Then the whole input goes through again in batches by port (up to
 * VSW_BATCH_MAX frames each), where every delivery to a port that does not
 * learn must be byte for byte one that port got in the first pass: a
 * rewritten copy overwritten or cut in the batch buffers (the rewrite
 * arena, the staging array) shows up there, and ASan sees any write past
 * them.
 *
 * Input: records of [port selector][flags][length: 2 bytes LE][...].
 * Flags bit 0: the frame's outer tag is out of band, its TCI in the next 2
 * bytes. Bit 1: a jumbo-friendly record: [count-1][t][t template bytes]
 * make 'count' frames of 'length' bytes each, the template followed by a
 * pattern (frame k's pattern starts at k), so that a few bytes of input
 * fill a whole batch of 9000-byte frames. Otherwise the frame's bytes
 * follow in the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

/* The first nine keep the order of the seed corpus's selectors. */
enum { UP0, UP1, E0, V10A, V10B, V20, TRUNK, VMK, LEARN, UP2, V10C, V20B, T1, T2, N_PORTS };
static const unsigned int port_vlan[N_PORTS] = { 0, 0, 0, 10, 10, 20, 4095, 10, 30,
						 0, 10, 20, 4095, 4095 };
#define MTU 9000
#define LEN_MOD 9300 /* frame lengths 0 to 9299: every MTU limit and past it */
#define IS_UPLINK(i) ((i) == UP0 || (i) == UP1 || (i) == UP2)

static struct vsw_switch *sw;
static struct vsw_port *ports[N_PORTS];
static int cur_in = -1;       /* the port the current frame came from */
static int cur_domain;        /* its VLAN domain, -1 if it cannot be delivered */
static const struct vsw_frame *cur;
static unsigned int delivered;
/* mirroring: the copies seen for the current frame */
static unsigned int copies_in, copies_span;
static uint64_t copies_total;
static struct vsw_mirror *ses_cb, *ses_span;
#define SPAN_SRC V10A
#define SPAN_DST V10C
/* egress copies waiting for their delivery, per port */
#define PENDING_MAX (VSW_BATCH_MAX * 16)
static uint64_t pending[N_PORTS][PENDING_MAX];
static unsigned int n_pending[N_PORTS], pending_head[N_PORTS];
static bool learned;          /* a frame from LEARN since the last flush */

/* The oracle's own loops give libFuzzer no coverage worth steering by. */
#if defined(__clang__)
#define ORACLE __attribute__((no_sanitize("coverage")))
#else
#define ORACLE
#endif

/* What each port got in the per-frame pass: (port, digest of the bytes). */
#define SEEN_BITS 14
static uint64_t seen[1u << SEEN_BITS];
static uint32_t seen_at[1u << SEEN_BITS]; /* the slots in use, to clear */
static unsigned int n_seen;

/* A digest of the headers, the tail and every 29th byte between: a copy
 * overwritten by another shows, and hashing jumbo batches stays cheap. */
ORACLE static uint64_t digest(int port, const uint8_t *d, uint32_t len)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)port << 32 ^ len;

	for (uint32_t i = 0; i < len; i += i < 64 || i + 64 >= len ? 1 : 29)
		h = (h ^ d[i]) * 1099511628211ull;
	return h | 1; /* 0 marks a free slot */
}

ORACLE static bool seen_op(uint64_t h, bool add)
{
	uint32_t mask = (1u << SEEN_BITS) - 1, i = (uint32_t)h & mask;

	while (seen[i] && seen[i] != h)
		i = (i + 1) & mask;
	if (seen[i])
		return true;
	if (add && n_seen < mask / 2) {
		seen[i] = h;
		seen_at[n_seen++] = i;
	}
	return false;
}

/* The frame without its outer 802.1Q tag (in the bytes or out of band). */
ORACLE static size_t untagged(const struct vsw_frame *f, uint8_t *o)
{
	const uint8_t *d = f->data;

	if (!f->flags && f->len >= 18 && d[12] == 0x81 && d[13] == 0x00) {
		memcpy(o, d, 12);
		memcpy(o + 12, d + 16, f->len - 16);
		return f->len - 4;
	}
	memcpy(o, d, f->len);
	return f->len;
}

/* The frame with its outer tag set to the domain, keeping PCP and DEI. */
ORACLE static size_t tagged(const struct vsw_frame *f, int domain, uint8_t *o)
{
	const uint8_t *d = f->data;
	uint16_t pcp = 0;
	size_t n;

	if (f->flags)
		pcp = f->vlan_tci & 0xf000;
	else if (f->len >= 18 && d[12] == 0x81 && d[13] == 0x00)
		pcp = (uint16_t)((d[14] << 8 | d[15]) & 0xf000);
	n = untagged(f, o + 4);
	memmove(o, o + 4, 12);
	o[12] = 0x81;
	o[13] = 0x00;
	o[14] = (uint8_t)((pcp | domain) >> 8);
	o[15] = (uint8_t)(pcp | domain);
	return n + 4;
}

static uint64_t fixed_clock(void *user)
{
	(void)user;
	return 1000000000ull;
}

static int port_index(const struct vsw_port *p)
{
	for (int i = 0; i < N_PORTS; i++)
		if (ports[i] == p)
			return i;
	abort();
}

/* The frame as its port sent it, an out-of-band tag written into the bytes. */
ORACLE static size_t as_sent(const struct vsw_frame *f, uint8_t *o)
{
	if (!(f->flags & VSW_FRAME_VLAN_TCI) || f->len < 12) {
		memcpy(o, f->data, f->len); /* no room for a tag in a runt */
		return f->len;
	}
	memcpy(o, f->data, 12);
	o[12] = 0x81;
	o[13] = 0x00;
	o[14] = (uint8_t)(f->vlan_tci >> 8);
	o[15] = (uint8_t)f->vlan_tci;
	memcpy(o + 16, f->data + 12, f->len - 12);
	return f->len + 4;
}

/* Which sources session "cb" copies, by port and direction. */
static bool cb_ingress(int port)
{
	return port == E0 || port == V20 || port == UP0;
}

static bool cb_egress(int port)
{
	return port == E0 || port == V20 || port == TRUNK || port == SPAN_DST;
}

/* Session "cb": ingress copies are the frame as sent, egress copies wait
 * for the delivery they announce. */
ORACLE static unsigned int check_copy(struct vsw_mirror *m, const struct vsw_mirror_copy *c,
				      unsigned int n, void *user)
{
	static uint8_t want[LEN_MOD + 8];

	(void)user;
	if (m != ses_cb)
		abort();
	for (unsigned int i = 0; i < n; i++) {
		int at = port_index(c[i].port);
		if (c[i].caplen != c[i].len)
			abort(); /* whole frames: no snap length */
		copies_total++;
		if (c[i].direction == VSW_MIRROR_EGRESS) {
			if (!cb_egress(at) || at == SPAN_DST || n_pending[at] == PENDING_MAX)
				abort(); /* a copy copied again, or not a source */
			pending[at][(pending_head[at] + n_pending[at]++) % PENDING_MAX] =
				digest(at, c[i].data, c[i].len);
			continue;
		}
		if (c[i].direction != VSW_MIRROR_INGRESS || !cb_ingress(at))
			abort();
		if (cur_in < 0) {
			/* batch phase: bytes as in the per-frame pass */
			if (!seen_op(digest(100 + at, c[i].data, c[i].len), false))
				abort();
			continue;
		}
		if (at != cur_in || c[i].len != as_sent(cur, want) || memcmp(c[i].data, want, c[i].len))
			abort();
		copies_in++;
		seen_op(digest(100 + at, c[i].data, c[i].len), true);
	}
	return n;
}

/* Every delivery is exactly what the forwarding contract says the receiver
 * gets: isolation and egress tagging checked byte for byte. */
ORACLE static unsigned int check_delivery(struct vsw_port *port, const struct vsw_frame *f,
					   unsigned int n, void *user)
{
	static uint8_t want[LEN_MOD + 8];
	int to = (int)(intptr_t)user;
	bool from_uplink = IS_UPLINK(cur_in);

	for (unsigned int i = 0; i < n; i++) {
		size_t wlen;

		if (cb_egress(to) && to != SPAN_DST) {
			/* its egress copy came first, the same bytes */
			if (!n_pending[to] ||
			    pending[to][pending_head[to]] != digest(to, f[i].data, f[i].len))
				abort();
			pending_head[to] = (pending_head[to] + 1) % PENDING_MAX;
			n_pending[to]--;
		}
		if (to == SPAN_DST) {
			/* only copies of a10's ingress, as a10 sent it */
			if (cur_in < 0) {
				if (!seen_op(digest(200, f[i].data, f[i].len), false))
					abort();
				continue;
			}
			if (cur_in != SPAN_SRC || f[i].len != as_sent(cur, want) ||
			    memcmp(f[i].data, want, f[i].len))
				abort();
			copies_span++;
			seen_op(digest(200, f[i].data, f[i].len), true);
			continue;
		}
		delivered++;
		if (f[i].flags != 0 || f[i].len > MTU + 18)
			abort();
		if (cur_in < 0) {
			/* batch phase: the same bytes as in the per-frame pass */
			if (to != LEARN && !seen_op(digest(to, f[i].data, f[i].len), false))
				abort();
			continue;
		}
		if (cur_domain < 0)
			abort(); /* a runt was delivered */
		if (IS_UPLINK(to)) {
			if (from_uplink)
				abort(); /* uplink to uplink */
			if (port_vlan[cur_in] == 4095 && !cur->flags) {
				memcpy(want, cur->data, cur->len); /* as the guest sent it */
				wlen = cur->len;
			} else if (port_vlan[cur_in] != 0) {
				wlen = tagged(cur, cur_domain, want);
			} else {
				wlen = untagged(cur, want);
			}
		} else if (port_vlan[to] == 4095) {
			wlen = cur_domain ? tagged(cur, cur_domain, want) : untagged(cur, want);
		} else {
			/* an access port: its own VLAN only, without the outer tag */
			if ((int)port_vlan[to] != cur_domain)
				abort();
			wlen = untagged(cur, want);
		}
		if (f[i].len != wlen || memcmp(f[i].data, want, wlen))
			abort();
		seen_op(digest(to, f[i].data, f[i].len), true);
	}
	(void)port;
	return n;
}

static int setup(void)
{
	static const char *pgs[] = { "est", "v10", "v10b", "v20", "trunk", "learn",
				     "v10c", "trunk1", "trunk2" };
	static const unsigned int vlans[] = { 0, 10, 10, 20, 4095, 30, 10, 4095, 4095 };
	struct vsw_portgroup *pg[9];
	struct vsw_uplink *u;
	uint8_t mac[6] = { 0x00, 0x50, 0x56, 0, 0, 0 };

	if (vsw_switch_new("fuzz", NULL, &sw) || vsw_switch_set_mtu(sw, MTU))
		return -1;
	vsw_switch_set_clock(sw, fixed_clock, NULL);
	for (int i = 0; i < 9; i++)
		if (vsw_portgroup_add(sw, pgs[i], vlans[i], 0, &pg[i]))
			return -1;
	vsw_portgroup_policy_set(pg[1], VSW_POL_FORGED_TRANSMITS, 0);
	vsw_portgroup_policy_set(pg[2], VSW_POL_PROMISCUOUS, 1);
	vsw_portgroup_policy_set(pg[4], VSW_POL_PROMISCUOUS, 1);
	vsw_portgroup_policy_set(pg[5], VSW_POL_MAC_LEARNING, 1);
	vsw_portgroup_policy_set(pg[5], VSW_POL_MAC_LIMIT, 8);
	vsw_portgroup_policy_set(pg[3], VSW_POL_SHAPING_ENABLED, 1);
	vsw_portgroup_policy_set(pg[3], VSW_POL_SHAPING_BURST_BYTES, 30000);
	const struct { int slot; const char *name; } up[] = { { UP0, "vmnic0" }, { UP1, "vmnic1" },
							       { UP2, "vmnic2" } };
	for (int i = 0; i < 3; i++) {
		if (vsw_uplink_add(sw, up[i].name, 0, &u))
			return -1;
		ports[up[i].slot] = vsw_uplink_port(u);
	}
	const struct { int slot, pg; const char *name; } v[] = {
		{ E0, 0, "e0" }, { V10A, 1, "a10" }, { V10B, 2, "b10" }, { V20, 3, "c20" },
		{ TRUNK, 4, "t" }, { LEARN, 5, "l30" }, { V10C, 6, "d10" }, { V20B, 3, "e20" },
		{ T1, 7, "t1" }, { T2, 8, "t2" },
	};
	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct vsw_vnic *x;
		mac[5] = (uint8_t)(i + 1);
		if (vsw_vnic_add(pg[v[i].pg], v[i].name, mac, 0, &x))
			return -1;
		ports[v[i].slot] = vsw_vnic_port(x);
	}
	struct vsw_vmk *k;
	mac[5] = 0x42;
	if (vsw_vmk_add(pg[1], "vmk0", mac, VSW_VMK_MANAGEMENT, 0, &k))
		return -1;
	ports[VMK] = vsw_vmk_port(k);
	for (int i = 0; i < N_PORTS; i++)
		vsw_port_set_rx(ports[i], check_delivery, (void *)(intptr_t)i);
	static const uint16_t mir_vlans[] = { 10, 20 };
	if (vsw_mirror_add(sw, "cb", NULL, &ses_cb) || vsw_mirror_add(sw, "span", NULL, &ses_span) ||
	    vsw_mirror_set_dest_fn(ses_cb, check_copy, NULL) ||
	    vsw_mirror_set_dest_port(ses_span, ports[SPAN_DST], 0) ||
	    vsw_mirror_add_source(ses_span, ports[SPAN_SRC], VSW_MIRROR_INGRESS))
		return -1;
	for (int i = 0; i < N_PORTS; i++) {
		unsigned int dir = (cb_ingress(i) ? VSW_MIRROR_INGRESS : 0) |
				   (cb_egress(i) ? VSW_MIRROR_EGRESS : 0);
		if (dir && vsw_mirror_add_source(ses_cb, ports[i], dir))
			return -1;
	}
	if (vsw_mirror_set_source_vlans(ses_cb, ports[UP0], mir_vlans, 2))
		return -1;
	return 0;
}

static int domain_of(int in, const struct vsw_frame *f)
{
	const uint8_t *d = f->data;

	if (f->len < 14)
		return -1;
	if (port_vlan[in] != 4095 && !IS_UPLINK(in))
		return (int)port_vlan[in];
	if (f->flags)
		return f->vlan_tci & 0x0fff;
	if (f->len >= 18 && d[12] == 0x81 && d[13] == 0x00)
		return (d[14] << 8 | d[15]) & 0x0fff;
	return 0;
}

ORACLE static uint64_t drops(struct vsw_port *p)
{
	static int drop_ctr[64], n_drop = -1;
	uint64_t n = 0;

	if (n_drop < 0) {
		n_drop = 0;
		for (int c = 0; vsw_counter_name(c) && n_drop < 64; c++)
			if (vsw_counter_kind(c) == VSW_CTR_KIND_DROP)
				drop_ctr[n_drop++] = c;
	}
	for (int i = 0; i < n_drop; i++)
		n += vsw_port_counter(p, drop_ctr[i]);
	return n;
}

/* Frames the switch took in for itself: beacons on an uplink, and LLDP
 * (link-local, never forwarded) on any port. */
static uint64_t consumed(struct vsw_port *p)
{
	return vsw_port_counter(p, VSW_CTR_BEACON_RX) + vsw_port_counter(p, VSW_CTR_BEACON_IGNORED) +
	       vsw_port_counter(p, VSW_CTR_LLDP_RX);
}

/* The drops on all ports so far in this input: nothing but the frames
 * counts, so the total after one frame is the total before the next. */
static uint64_t total_drops;

/* One frame through the switch alone, every rule checked. */
static void one_frame(int in, const struct vsw_frame *f)
{
	uint64_t before_in = drops(ports[in]), total = total_drops, after_total = 0;
	uint64_t cons = consumed(ports[in]);
	learned |= in == LEARN;
	cur_in = in;
	cur = f;
	cur_domain = domain_of(in, f);
	delivered = 0;
	copies_in = copies_span = 0;
	if (vsw_port_input(ports[in], f, 1))
		abort();
	/* one ingress copy per frame of a source (vmnic0's in its VLANs only) */
	if (copies_in != (cb_ingress(in) && (in != UP0 || cur_domain == 10 || cur_domain == 20)))
		abort();
	if (copies_span != (in == SPAN_SRC))
		abort();
	for (int i = 0; i < N_PORTS; i++)
		if (n_pending[i])
			abort(); /* an egress copy without its delivery */
	for (int i = 0; i < N_PORTS; i++)
		after_total += drops(ports[i]);
	total_drops = after_total;
	if (drops(ports[in]) - before_in > 1)
		abort(); /* two drop reasons on the way in */
	if (consumed(ports[in]) != cons) {
		if (delivered || consumed(ports[in]) - cons != 1 || after_total != total)
			abort(); /* consumed frames are counted once and go nowhere */
	} else if (!delivered && after_total == total) {
		abort(); /* neither delivered nor counted */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vsw_frame batch[VSW_BATCH_MAX];
	static int batch_in[VSW_BATCH_MAX];
	static uint8_t made[VSW_BATCH_MAX][LEN_MOD]; /* frames built from templates */
	static uint8_t pattern[LEN_MOD + 256];       /* their bytes after the template */
	unsigned int nb = 0;
	size_t pos = 0;

	if (!sw) {
		if (setup())
			abort();
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)i;
	}
	/* only LEARN's frames teach the table; a flush sweeps all of it */
	if (learned)
		vsw_switch_fdb_flush(sw);
	learned = false;
	for (int i = 0; i < N_PORTS; i++)
		vsw_port_clear_counters(ports[i]);
	total_drops = 0;
	while (n_seen)
		seen[seen_at[--n_seen]] = 0;
	vsw_mirror_clear_stats(ses_cb);
	vsw_mirror_clear_stats(ses_span);
	copies_total = 0;

	while (pos + 4 <= size && nb < VSW_BATCH_MAX) {
		struct vsw_frame f = { 0 };
		int in = data[pos] % N_PORTS;
		uint8_t flags = data[pos + 1];
		size_t len = (size_t)(data[pos + 2] | data[pos + 3] << 8) % LEN_MOD;
		unsigned int count = 1;
		pos += 4;
		if (flags & 1) {
			if (pos + 2 > size)
				break;
			f.flags = VSW_FRAME_VLAN_TCI;
			f.vlan_tci = (uint16_t)(data[pos] << 8 | data[pos + 1]);
			pos += 2;
		}
		if (flags & 2) {
			/* count frames from a template */
			if (pos + 2 > size)
				break;
			count = data[pos] + 1u;
			size_t t = data[pos + 1];
			pos += 2;
			if (t > size - pos)
				t = size - pos;
			for (unsigned int k = 0; k < count && nb < VSW_BATCH_MAX; k++) {
				uint8_t *m = made[nb];
				memcpy(m, data + pos, t < len ? t : len);
				if (t < len)
					memcpy(m + t, pattern + t + k, len - t);
				f.data = m;
				f.len = (uint32_t)len;
				one_frame(in, &f);
				batch[nb] = f;
				batch_in[nb++] = in;
			}
			pos += t;
			continue;
		}
		if (len > size - pos)
			len = size - pos;
		f.data = data + pos;
		f.len = (uint32_t)len;
		pos += len;
		one_frame(in, &f);
		batch[nb] = f;
		batch_in[nb++] = in;
	}
	/* the same frames again, in batches by port, for the batching paths,
	 * from the same learned state as the first pass */
	cur_in = -1;
	if (learned)
		vsw_switch_fdb_flush(sw);
	for (unsigned int i = 0; i < nb;) {
		unsigned int j = i;
		while (j < nb && batch_in[j] == batch_in[i])
			j++;
		if (vsw_port_input(ports[batch_in[i]], &batch[i], j - i))
			abort();
		i = j;
	}
	/* the sessions lost nothing and counted every copy */
	struct vsw_mirror_stats a = { .size = sizeof(a) }, b = { .size = sizeof(b) };
	vsw_mirror_stats(ses_cb, &a);
	vsw_mirror_stats(ses_span, &b);
	if (a.dropped || b.dropped || a.mirrored != copies_total)
		abort();
	for (int i = 0; i < N_PORTS; i++)
		if (n_pending[i])
			abort();
	return 0;
}
