// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for offload metadata through the frame
 * path (the 2.0 frame contract). A super-frame (or a frame with a partial
 * checksum) is built from the input, optionally made to lie (a metadata
 * field overwritten, or bytes of the frame flipped), and sent through a
 * switch from a vNIC (untagged) or from the uplink (802.1Q tag in the
 * bytes or out of band) to a vNIC b on VLAN 10 whose offloads the input
 * chooses, a promiscuous vNIC c that takes none, and a trunk vNIC t that
 * takes all. Oracle, for every frame delivered:
 *  - it carries only metadata its port takes, never an out-of-band tag,
 *    and what it carries matches its bytes (vsw__frame_offload_ok: the
 *    offsets moved with the tag the switch pushed or popped);
 *  - a plain frame made from an accepted frame with a partial checksum or
 *    a GSO type is a valid TCP/UDP frame with correct IPv4 header and L4
 *    checksums (the independent verifier of ../offload-verify.h), and the
 *    segments b gets of an accepted super-frame are exactly its segments
 *    (ov_segments against the super-frame as b sees it, untagged);
 *  - accounting: the frame was counted under one drop reason of its port
 *    (bad_offload for a lie), or was delivered.
 *
 * Input: [mode][payload: 2 LE][gso_size: 2 LE][caps of b][lie][lie value:
 * 2 LE][flip bytes...]. Mode bit 0: IPv6; bit 1: UDP; bit 2: from the
 * uplink (else from vNIC a); bit 3: its tag out of band; bit 4: TCP
 * options; bit 5: no GSO type (a partial checksum only); bit 6: ECN.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../offload-verify.h"

static struct vsw_switch *sw;
static struct vsw_port *pa, *pb, *pc, *pt, *pu;
static uint64_t caps_b;
static unsigned int delivered;
static bool had_meta;        /* the input carried a partial checksum or a GSO type */
static const uint8_t *ref;   /* the super-frame as b sees it (untagged) */
static uint32_t ref_len;
static struct vsw__offload ref_o;
static struct vsw_frame got_b[VSW__GSO_MAX_SEGS + 4];
static uint8_t got_buf[1u << 20];
static size_t got_used;
static unsigned int n_got_b;

static uint64_t needs(const struct vsw_frame *f)
{
	uint64_t need = 0;

	if (f->flags & (VSW_FRAME_CSUM_PARTIAL | VSW_FRAME_CSUM_VALID))
		need |= VSW_OFFLOAD_CSUM;
	if (f->gso_type == VSW_GSO_TCPV4)
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4;
	if (f->gso_type == VSW_GSO_TCPV6)
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO6;
	if (f->gso_type == VSW_GSO_UDP_L4)
		need |= VSW_OFFLOAD_CSUM | VSW_OFFLOAD_USO;
	if (f->gso_type && (f->flags & VSW_FRAME_GSO_ECN))
		need |= VSW_OFFLOAD_TSO_ECN;
	return need;
}

static unsigned int on_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			  void *user)
{
	(void)user;
	for (unsigned int i = 0; i < n; i++) {
		struct ov_layout y;

		delivered++;
		if (f[i].flags & VSW_FRAME_VLAN_TCI)
			abort();
		if (needs(&f[i]) & ~vsw_port_offloads(port))
			abort();
		if ((f[i].flags || f[i].gso_type) && !vsw__frame_offload_ok(&f[i]))
			abort();
		if (had_meta && !f[i].flags && !f[i].gso_type) {
			if (ov_layout(f[i].data, f[i].len, &y) || ov_l4_ok(f[i].data, f[i].len, &y) ||
			    (!y.v6 && ov_ip_ok(f[i].data, &y)))
				abort();
		}
		if (port == pb) {
			if (n_got_b == sizeof(got_b) / sizeof(got_b[0]) ||
			    got_used + f[i].len > sizeof(got_buf))
				abort();
			memcpy(got_buf + got_used, f[i].data, f[i].len);
			got_b[n_got_b] = f[i];
			got_b[n_got_b++].data = got_buf + got_used;
			got_used += f[i].len;
		}
	}
	return n;
}

static int setup(void)
{
	static const uint8_t ma[6] = { 0x02, 0, 0, 0, 0, 2 }, mb[6] = { 0x02, 0, 0, 0, 0, 1 },
			     mc[6] = { 0x02, 0, 0, 0, 0, 3 }, mt[6] = { 0x02, 0, 0, 0, 0, 4 };
	struct vsw_portgroup *p10, *trunk;
	struct vsw_vnic *a, *b, *c, *t;
	struct vsw_uplink *u;

	if (vsw_switch_new("fuzz", NULL, &sw) || vsw_switch_set_mtu(sw, 9000) ||
	    vsw_uplink_add(sw, "vmnic0", 0, &u) || vsw_portgroup_add(sw, "v10", 10, 0, &p10) ||
	    vsw_portgroup_add(sw, "trunk", VSW_VLAN_TRUNK, 0, &trunk) ||
	    vsw_vnic_add(p10, "a", ma, 0, &a) || vsw_vnic_add(p10, "b", mb, 0, &b) ||
	    vsw_vnic_add(p10, "c", mc, 0, &c) || vsw_vnic_add(trunk, "t", mt, 0, &t))
		return -1;
	vsw_portgroup_policy_set(trunk, VSW_POL_PROMISCUOUS, 1);
	pa = vsw_vnic_port(a);
	pb = vsw_vnic_port(b);
	pc = vsw_vnic_port(c);
	pt = vsw_vnic_port(t);
	pu = vsw_uplink_port(u);
	struct vsw_port *all[] = { pa, pb, pc, pt, pu };
	for (int i = 0; i < 5; i++)
		vsw_port_set_rx(all[i], on_rx, NULL);
	vsw_port_set_offloads(pt, VSW_OFFLOAD_ALL);
	vsw_port_set_offloads(pu, VSW_OFFLOAD_ALL);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t plain[70000], frame[70004];
	struct ov_spec sp = { 0 };
	struct vsw__offload o;
	struct vsw_frame f;
	struct vsw_port *in;
	uint32_t len, flen;
	uint64_t d0;
	uint16_t val;
	uint8_t mode, lie;
	bool lied = false;

	if (size < 9)
		return 0;
	if (!sw && setup())
		abort();
	mode = data[0];
	sp.v6 = mode & 1;
	sp.udp = (mode >> 1) & 1;
	sp.tcp_opt_words = (mode & 16) ? 3 : 0;
	sp.tcp_flags = (mode & 64) ? 0x98 : 0x18;
	sp.payload = (uint32_t)(data[1] | data[2] << 8) % 65496u;
	sp.gso_size = (uint16_t)(data[3] | data[4] << 8);
	sp.id = 0x1234;
	caps_b = data[5] & VSW_OFFLOAD_ALL;
	lie = data[6];
	val = (uint16_t)(data[7] | data[8] << 8);
	len = ov_build(plain, sizeof(plain), &sp, &o);
	if (!len)
		return 0;
	if (mode & 32)
		o.gso_type = VSW__GSO_NONE;
	if ((mode & 64) && !sp.udp)
		o.gso_ecn = 1;
	/* the frame as it enters: from the uplink with tag 10 in its bytes,
	 * or out of band; from a untagged */
	flen = len;
	memcpy(frame, plain, len);
	f = (struct vsw_frame){ .data = frame, .flags = VSW_FRAME_CSUM_PARTIAL };
	in = pa;
	if ((mode & 4) && !(mode & 8)) {
		memcpy(frame, plain, 12);
		frame[12] = 0x81;
		frame[13] = 0;
		frame[14] = 0x20;
		frame[15] = 10;
		memcpy(frame + 16, plain + 12, len - 12);
		flen = len + 4;
	}
	if (mode & 4) {
		in = pu;
		frame[11] = 9; /* not a's address: the uplink guard lets it in */
		plain[11] = 9;
	}
	f.len = flen;
	if (mode & 8 && mode & 4) {
		f.flags |= VSW_FRAME_VLAN_TCI;
		f.vlan_tci = 10;
	}
	f.gso_type = o.gso_type;
	if (o.gso_ecn)
		f.flags |= VSW_FRAME_GSO_ECN;
	f.gso_size = o.gso_size;
	f.csum_start = (uint16_t)(o.csum_start + flen - len);
	f.csum_offset = o.csum_offset;
	f.hdr_len = o.gso_type ? (uint16_t)(o.hdr_len + flen - len) : 0;
	switch (lie % 16) {
	case 1: f.csum_start = val; lied = true; break;
	case 2: f.csum_offset = val; lied = true; break;
	case 3: f.hdr_len = val; lied = true; break;
	case 4: f.gso_size = val; lied = true; break;
	case 5: f.gso_type = (uint8_t)val; lied = true; break;
	case 6: f.flags ^= val & 0xfffe; lied = true; break;
	case 7: f.reserved[val % 7] = (uint8_t)(val >> 8); lied = true; break;
	case 8:
		for (size_t i = 9; i < size; i++)
			frame[(val + i * 7) % flen] ^= data[i];
		lied = true;
		break;
	default:
		break;
	}
	ref = plain;
	ref_len = len;
	ref_o = o;
	/* metadata told no lie: what the switch completes must verify (with a
	 * lie it may accept, the completion is as wrong as the input) */
	had_meta = !lied;
	delivered = 0;
	n_got_b = 0;
	got_used = 0;
	vsw_port_set_offloads(pb, caps_b);
	for (struct vsw_port *p = NULL; (p = vsw_port_next(sw, p));)
		vsw_port_clear_counters(p);
	d0 = drops(in);
	if (vsw_port_input(in, &f, 1))
		abort();
	if (drops(in) - d0 > 1)
		abort();
	if (!delivered && drops(in) == d0)
		abort();
	/* an accepted super-frame, told no lie, reaches b (the destination):
	 * as it is, or as exactly its segments */
	if (!lied && o.gso_type && drops(in) == d0) {
		if (n_got_b == 1 && got_b[0].gso_type) {
			if (got_b[0].len != ref_len || memcmp(got_b[0].data, ref, ref_len))
				abort();
		} else if (ov_segments(ref, ref_len, &ref_o, got_b, (int)n_got_b)) {
			abort();
		}
	}
	plain[11] = 2;
	return 0;
}
