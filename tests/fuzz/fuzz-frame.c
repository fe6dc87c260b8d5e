// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the frame path. Arbitrary bytes become
 * frames entering a switch through every kind of port (uplinks, vNICs on
 * EST, VST and VGT port groups, a VMkernel port) under several policies
 * (forged transmits reject, promiscuous, MAC learning, shaping). Besides
 * "no crash", it checks for every frame:
 *  - accounting: it is delivered somewhere, or a drop counter rose, or the
 *    switch consumed it (a beacon from an uplink, or LLDP from any port):
 *    counted once under beacon_rx, beacon_ignored or lldp_rx and delivered
 *    nowhere; and the port it came from counted at most one drop reason;
 *  - isolation: every delivery stays in the frame's VLAN (a VST or EST port
 *    receives only its own VLAN, untagged; a trunk port sees the VLAN as its
 *    tag), and nothing goes from an uplink to an uplink.
 * Then the whole input goes through again as one batch.
 *
 * Input: records of [port selector][flags][length: 2 bytes][bytes...];
 * flags bit 0: the frame's outer tag is out of band, its TCI in 2 more bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

enum { UP0, UP1, E0, V10A, V10B, V20, TRUNK, VMK, LEARN, N_PORTS };
static const unsigned int port_vlan[N_PORTS] = { 0, 0, 0, 10, 10, 20, 4095, 10, 30 };

static struct vsw_switch *sw;
static struct vsw_port *ports[N_PORTS];
static int cur_in = -1;       /* the port the current frame came from */
static int cur_domain;        /* its VLAN domain, -1 if it cannot be delivered */
static const struct vsw_frame *cur;
static unsigned int delivered;

/* The frame without its outer 802.1Q tag (in the bytes or out of band). */
static size_t untagged(const struct vsw_frame *f, uint8_t *o)
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
static size_t tagged(const struct vsw_frame *f, int domain, uint8_t *o)
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

/* Every delivery is exactly what the forwarding contract says the receiver
 * gets: isolation and egress tagging checked byte for byte. */
static void check_delivery(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	static uint8_t want[9300];
	int to = (int)(intptr_t)user;
	bool from_uplink = cur_in == UP0 || cur_in == UP1;

	for (unsigned int i = 0; i < n; i++) {
		size_t wlen;

		delivered++;
		if (f[i].flags != 0)
			abort();
		if (cur_in < 0)
			continue; /* batch phase: no per-frame reference */
		if (cur_domain < 0)
			abort(); /* a runt was delivered */
		if (to == UP0 || to == UP1) {
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
	}
	(void)port;
}

static int setup(void)
{
	static const char *pgs[] = { "est", "v10", "v10b", "v20", "trunk", "learn" };
	static const unsigned int vlans[] = { 0, 10, 10, 20, 4095, 30 };
	struct vsw_portgroup *pg[6];
	struct vsw_uplink *u;
	uint8_t mac[6] = { 0x00, 0x50, 0x56, 0, 0, 0 };

	if (vsw_switch_new("fuzz", NULL, &sw))
		return -1;
	vsw_switch_set_clock(sw, fixed_clock, NULL);
	for (int i = 0; i < 6; i++)
		if (vsw_portgroup_add(sw, pgs[i], vlans[i], 0, &pg[i]))
			return -1;
	vsw_portgroup_policy_set(pg[1], VSW_POL_FORGED_TRANSMITS, 0);
	vsw_portgroup_policy_set(pg[2], VSW_POL_PROMISCUOUS, 1);
	vsw_portgroup_policy_set(pg[4], VSW_POL_PROMISCUOUS, 1);
	vsw_portgroup_policy_set(pg[5], VSW_POL_MAC_LEARNING, 1);
	vsw_portgroup_policy_set(pg[5], VSW_POL_MAC_LIMIT, 8);
	vsw_portgroup_policy_set(pg[3], VSW_POL_SHAPING_ENABLED, 1);
	vsw_portgroup_policy_set(pg[3], VSW_POL_SHAPING_BURST_BYTES, 3000);
	vsw_uplink_add(sw, "vmnic0", 0, &u);
	ports[UP0] = vsw_uplink_port(u);
	vsw_uplink_add(sw, "vmnic1", 0, &u);
	ports[UP1] = vsw_uplink_port(u);
	const struct { int slot, pg; const char *name; } v[] = {
		{ E0, 0, "e0" }, { V10A, 1, "a10" }, { V10B, 2, "b10" }, { V20, 3, "c20" },
		{ TRUNK, 4, "t" }, { LEARN, 5, "l30" },
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
	return 0;
}

static int domain_of(int in, const struct vsw_frame *f)
{
	const uint8_t *d = f->data;

	if (f->len < 14)
		return -1;
	if (port_vlan[in] != 4095 && in != UP0 && in != UP1)
		return (int)port_vlan[in];
	if (f->flags)
		return f->vlan_tci & 0x0fff;
	if (f->len >= 18 && d[12] == 0x81 && d[13] == 0x00)
		return (d[14] << 8 | d[15]) & 0x0fff;
	return 0;
}

static uint64_t drops(struct vsw_port *p)
{
	uint64_t n = 0;

	for (int c = 0; vsw_counter_name(c); c++)
		if (vsw_counter_kind(c) == VSW_CTR_KIND_DROP)
			n += vsw_port_counter(p, c);
	return n;
}

/* Frames the switch took in for itself: beacons on an uplink, and LLDP
 * (link-local, never forwarded) on any port. */
static uint64_t consumed(struct vsw_port *p)
{
	return vsw_port_counter(p, VSW_CTR_BEACON_RX) + vsw_port_counter(p, VSW_CTR_BEACON_IGNORED) +
	       vsw_port_counter(p, VSW_CTR_LLDP_RX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vsw_frame batch[VSW_BATCH_MAX];
	static int batch_in[VSW_BATCH_MAX];
	unsigned int nb = 0;
	size_t pos = 0;

	if (!sw && setup())
		abort();
	vsw_switch_fdb_flush(sw);
	for (int i = 0; i < N_PORTS; i++)
		vsw_port_clear_counters(ports[i]);

	while (pos + 4 <= size && nb < VSW_BATCH_MAX) {
		struct vsw_frame f = { 0 };
		int in = data[pos] % N_PORTS;
		uint8_t flags = data[pos + 1];
		size_t len = (size_t)(data[pos + 2] | data[pos + 3] << 8) % 9200;
		pos += 4;
		if (flags & 1) {
			if (pos + 2 > size)
				break;
			f.flags = VSW_FRAME_VLAN_TCI;
			f.vlan_tci = (uint16_t)(data[pos] << 8 | data[pos + 1]);
			pos += 2;
		}
		if (len > size - pos)
			len = size - pos;
		f.data = data + pos;
		f.len = (uint32_t)len;
		pos += len;

		/* one frame at a time: every rule checked */
		uint64_t before[N_PORTS], total = 0, after_total = 0, cons = consumed(ports[in]);
		for (int i = 0; i < N_PORTS; i++) {
			before[i] = drops(ports[i]);
			total += before[i];
		}
		cur_in = in;
		cur = &f;
		cur_domain = domain_of(in, &f);
		delivered = 0;
		if (vsw_port_input(ports[in], &f, 1))
			abort();
		for (int i = 0; i < N_PORTS; i++)
			after_total += drops(ports[i]);
		if (drops(ports[in]) - before[in] > 1)
			abort(); /* two drop reasons on the way in */
		if (consumed(ports[in]) != cons) {
			if (delivered || consumed(ports[in]) - cons != 1 || after_total != total)
				abort(); /* consumed frames are counted once and go nowhere */
		} else if (!delivered && after_total == total) {
			abort(); /* neither delivered nor counted */
		}
		batch[nb] = f;
		batch_in[nb++] = in;
	}
	/* the same frames again, in batches by port, for the batching paths */
	cur_in = -1;
	for (unsigned int i = 0; i < nb;) {
		unsigned int j = i;
		while (j < nb && batch_in[j] == batch_in[i])
			j++;
		if (vsw_port_input(ports[batch_in[i]], &batch[i], j - i))
			abort();
		i = j;
	}
	return 0;
}
