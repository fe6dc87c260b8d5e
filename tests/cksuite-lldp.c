// SPDX-License-Identifier: MIT
/*
 * Description: LLDP on uplinks. Listening: LLDPDUs built byte by byte
 * parse into exact neighbor fields (IDs decoded by subtype, escaped text,
 * management addresses, Port VLAN ID); malformed ones (truncated, lengths
 * past the end, mandatory TLVs missing or out of order, oversized values)
 * are discarded and counted; time to live and shutdown by the test clock;
 * the neighbor cap. Advertising: the LLDPDU byte for byte, its schedule,
 * link-up and shutdown frames. And LLDP is never forwarded, in any mode,
 * from an uplink or a vNIC.
 */
#include <stdlib.h>
#include <unistd.h>

#include <vsw_backend.h>

#include "cksuite.h"
#include "core/objects.h"

static const uint8_t nearest[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
static const uint8_t peer_mac[6] = { 0x00, 0x1c, 0x73, 0xaa, 0xbb, 0xcd };
static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_t[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };

/* An LLDPDU from a top-of-rack switch, every TLV this library reads and
 * two it skips. */
static const uint8_t good_pdu[] = {
	/* Chassis ID, subtype 4 (MAC address) 00:1c:73:aa:bb:cc */
	0x02, 0x07, 0x04, 0x00, 0x1c, 0x73, 0xaa, 0xbb, 0xcc,
	/* Port ID, subtype 5 (interface name) "Ethernet1" */
	0x04, 0x0a, 0x05, 'E', 't', 'h', 'e', 'r', 'n', 'e', 't', '1',
	/* Time to live 120 */
	0x06, 0x02, 0x00, 0x78,
	/* Port description "uplink to esx1" */
	0x08, 0x0e, 'u', 'p', 'l', 'i', 'n', 'k', ' ', 't', 'o', ' ', 'e', 's', 'x', '1',
	/* System name "tor-1" */
	0x0a, 0x05, 't', 'o', 'r', '-', '1',
	/* System description "Arista EOS" */
	0x0c, 0x0a, 'A', 'r', 'i', 's', 't', 'a', ' ', 'E', 'O', 'S',
	/* System capabilities: bridge and router, bridge enabled */
	0x0e, 0x04, 0x00, 0x14, 0x00, 0x04,
	/* Management address 192.0.2.7, ifIndex 3, no OID */
	0x10, 0x0c, 0x05, 0x01, 192, 0, 2, 7, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,
	/* Management address 2001:db8::7, ifIndex 3, a 3-byte OID */
	0x10, 0x1b, 0x11, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07,
	0x02, 0x00, 0x00, 0x00, 0x03, 0x03, 0x2b, 0x06, 0x01,
	/* IEEE 802.1 Port VLAN ID 42 */
	0xfe, 0x06, 0x00, 0x80, 0xc2, 0x01, 0x00, 0x2a,
	/* IEEE 802.3 MAC/PHY configuration: not read */
	0xfe, 0x09, 0x00, 0x12, 0x0f, 0x01, 0x03, 0x6c, 0x00, 0x00, 0x10,
	/* a reserved TLV type (9): skipped */
	0x12, 0x02, 0xab, 0xcd,
	/* End */
	0x00, 0x00,
};

/* ---- fixture: a switch with two uplinks and a vNIC in each kind of port group ---- */

static uint64_t now_ns;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

#define SEC 1000000000ull

struct fx {
	struct vsw_switch *sw;
	struct vsw_uplink *u0, *u1;
	struct vsw_port *up0, *up1, *est, *trunk;
	struct ck_cap cap_up0, cap_up1, cap_est, cap_trunk;
};

static struct fx *fx_new(void)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct vsw_portgroup *pg, *tr;
	struct vsw_vnic *v;

	ck_assert_ptr_nonnull(x);
	now_ns = 1000 * SEC;
	x->sw = ck_switch("vSwitch0");
	ck_ok(vsw_switch_set_clock(x->sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &x->u0));
	ck_ok(vsw_uplink_add(x->sw, "vmnic1", 0, &x->u1));
	x->up0 = vsw_uplink_port(x->u0);
	x->up1 = vsw_uplink_port(x->u1);
	ck_ok(vsw_portgroup_add(x->sw, "VM Network", 0, 0, &pg));
	ck_ok(vsw_portgroup_add(x->sw, "Trunk", VSW_VLAN_TRUNK, 0, &tr));
	/* promiscuous: it would see anything the switch forwards */
	ck_ok(vsw_portgroup_policy_set(tr, VSW_POL_PROMISCUOUS, 1));
	ck_ok(vsw_vnic_add(pg, "vm1", mac_a, 0, &v));
	x->est = vsw_vnic_port(v);
	ck_ok(vsw_vnic_add(tr, "router", mac_t, 0, &v));
	x->trunk = vsw_vnic_port(v);
	ck_capture(x->up0, &x->cap_up0);
	ck_capture(x->up1, &x->cap_up1);
	ck_capture(x->est, &x->cap_est);
	ck_capture(x->trunk, &x->cap_trunk);
	return x;
}

static void fx_free(struct fx *x)
{
	vsw_switch_free(x->sw);
	free(x);
}

/* Nothing was delivered anywhere. */
static void nothing_delivered(const struct fx *x)
{
	ck_assert_uint_eq(x->cap_up0.n + x->cap_up1.n + x->cap_est.n + x->cap_trunk.n, 0);
}

/* An LLDP frame: 'dst', source 'src', an optional 802.1Q tag (tci >= 0),
 * ethertype 0x88cc and 'n' bytes of LLDPDU. Returns its length. */
static uint32_t lldp_frame(uint8_t *b, const uint8_t *dst, const uint8_t *src, int tci,
			   const uint8_t *pdu, uint32_t n)
{
	uint32_t k = 12;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (tci >= 0) {
		b[k++] = 0x81;
		b[k++] = 0x00;
		b[k++] = (uint8_t)(tci >> 8);
		b[k++] = (uint8_t)tci;
	}
	b[k++] = 0x88;
	b[k++] = 0xcc;
	memcpy(b + k, pdu, n);
	return k + n;
}

static void send_pdu(struct vsw_port *p, const uint8_t *pdu, uint32_t n)
{
	static uint8_t b[2048];

	ck_send(p, b, lldp_frame(b, nearest, peer_mac, -1, pdu, n));
}

/* ---- reading the neighbor table ---- */

#define TXT 1100

struct nb {
	unsigned int csub, clen, psub, plen, ttl, expires, pvid;
	uint8_t craw[255], praw[255], src[6];
	char chassis[TXT], port[TXT], pdesc[TXT], sname[TXT], sdesc[TXT];
	int has_pdesc, has_sname, has_sdesc, has_v4, has_v6;
	uint8_t v4[4], v6[16];
};

static struct nb seen[10];
static unsigned int n_seen;

static void copy_str(char *dst, const char *s, int *has)
{
	*has = s != NULL;
	ck_assert(!s || strlen(s) < TXT);
	strcpy(dst, s ? s : "");
}

static int collect(const struct vsw_lldp_neighbor *n, void *user)
{
	struct nb *e = &seen[n_seen++];

	(void)user;
	ck_assert_uint_le(n_seen, 8);
	ck_assert_uint_eq(n->size, sizeof(*n));
	e->csub = n->chassis_id_subtype;
	e->clen = n->chassis_id_len;
	memcpy(e->craw, n->chassis_id, n->chassis_id_len);
	e->psub = n->port_id_subtype;
	e->plen = n->port_id_len;
	memcpy(e->praw, n->port_id, n->port_id_len);
	strcpy(e->chassis, n->chassis_id_text);
	strcpy(e->port, n->port_id_text);
	copy_str(e->pdesc, n->port_description, &e->has_pdesc);
	copy_str(e->sname, n->system_name, &e->has_sname);
	copy_str(e->sdesc, n->system_description, &e->has_sdesc);
	e->ttl = n->ttl;
	e->expires = n->expires_sec;
	e->has_v4 = n->has_mgmt_ipv4;
	e->has_v6 = n->has_mgmt_ipv6;
	memcpy(e->v4, n->mgmt_ipv4, 4);
	memcpy(e->v6, n->mgmt_ipv6, 16);
	e->pvid = n->port_vlan_id;
	memcpy(e->src, n->src_mac, 6);
	return 0;
}

static unsigned int neighbors(struct vsw_uplink *u)
{
	memset(seen, 0, sizeof(seen));
	n_seen = 0;
	ck_ok(vsw_uplink_lldp_foreach(u, collect, NULL));
	return n_seen;
}

/* ---- listening ---- */

START_TEST(parse_every_field)
{
	struct fx *x = fx_new();
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };

	send_pdu(x->up0, good_pdu, sizeof(good_pdu));
	nothing_delivered(x);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_RX_PACKETS), 1);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), 1);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), 0);
	ck_assert_uint_eq(ck_drops(x->up0), 0);
	ck_assert_uint_eq(neighbors(x->u1), 0);
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(seen[0].csub, 4);
	ck_assert_uint_eq(seen[0].clen, 6);
	ck_assert_mem_eq(seen[0].craw, good_pdu + 3, 6);
	ck_assert_str_eq(seen[0].chassis, "00:1c:73:aa:bb:cc");
	ck_assert_uint_eq(seen[0].psub, 5);
	ck_assert_uint_eq(seen[0].plen, 9);
	ck_assert_mem_eq(seen[0].praw, "Ethernet1", 9);
	ck_assert_str_eq(seen[0].port, "Ethernet1");
	ck_assert_uint_eq(seen[0].ttl, 120);
	ck_assert_uint_eq(seen[0].expires, 120);
	ck_assert_str_eq(seen[0].pdesc, "uplink to esx1");
	ck_assert_str_eq(seen[0].sname, "tor-1");
	ck_assert_str_eq(seen[0].sdesc, "Arista EOS");
	ck_assert(seen[0].has_v4 && seen[0].has_v6);
	ck_assert_mem_eq(seen[0].v4, ((uint8_t[]){ 192, 0, 2, 7 }), 4);
	ck_assert_mem_eq(seen[0].v6, v6, 16);
	ck_assert_uint_eq(seen[0].pvid, 42);
	ck_assert_mem_eq(seen[0].src, peer_mac, 6);
	fx_free(x);
}
END_TEST

/* The smallest valid LLDPDU: chassis ID, port ID, TTL; End is optional
 * since 802.1AB-2016, and bytes after End (Ethernet padding) are ignored. */
START_TEST(parse_minimal_and_padding)
{
	static const uint8_t bare[] = {
		0x02, 0x02, 0x07, 'c', 0x04, 0x02, 0x07, 'p', 0x06, 0x02, 0x00, 0x0a,
	};
	static const uint8_t padded[] = {
		0x02, 0x02, 0x07, 'd', 0x04, 0x02, 0x07, 'p', 0x06, 0x02, 0x00, 0x0a,
		0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01,
	};
	/* a TTL TLV longer than 2 bytes is read from its first two */
	static const uint8_t long_ttl[] = {
		0x02, 0x02, 0x07, 'e', 0x04, 0x02, 0x07, 'p', 0x06, 0x03, 0x00, 0x0b, 0x99, 0x00, 0x00,
	};
	struct fx *x = fx_new();

	send_pdu(x->up0, bare, sizeof(bare));
	send_pdu(x->up0, padded, sizeof(padded));
	send_pdu(x->up0, long_ttl, sizeof(long_ttl));
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), 0);
	ck_assert_uint_eq(neighbors(x->u0), 3);
	ck_assert_str_eq(seen[0].chassis, "c");
	ck_assert_uint_eq(seen[0].csub, 7);
	ck_assert_str_eq(seen[0].port, "p");
	ck_assert_uint_eq(seen[0].ttl, 10);
	ck_assert(!seen[0].has_pdesc && !seen[0].has_sname && !seen[0].has_sdesc);
	ck_assert(!seen[0].has_v4 && !seen[0].has_v6);
	ck_assert_uint_eq(seen[0].pvid, 0);
	ck_assert_str_eq(seen[1].chassis, "d");
	ck_assert_uint_eq(seen[2].ttl, 11);
	nothing_delivered(x);
	fx_free(x);
}
END_TEST

/* The three group addresses of 802.1AB, and tagged LLDPDUs; other
 * destinations or ethertypes are ordinary frames. */
START_TEST(group_addresses_and_tags)
{
	static const uint8_t customer[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	static const uint8_t non_tpmr[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x03 };
	static const uint8_t other[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };
	struct fx *x = fx_new();
	uint8_t b[512], pdu[sizeof(good_pdu)];
	uint32_t n;

	memcpy(pdu, good_pdu, sizeof(pdu));
	ck_send(x->up0, b, lldp_frame(b, customer, peer_mac, -1, pdu, sizeof(pdu)));
	pdu[8] = 0xc1; /* another chassis, so another neighbor */
	ck_send(x->up0, b, lldp_frame(b, non_tpmr, peer_mac, -1, pdu, sizeof(pdu)));
	pdu[8] = 0xc2;
	ck_send(x->up0, b, lldp_frame(b, nearest, peer_mac, 0x2005, pdu, sizeof(pdu)));
	pdu[8] = 0xc3;
	ck_send_tci(x->up0, b, lldp_frame(b, nearest, peer_mac, -1, pdu, sizeof(pdu)), 0x0007);
	nothing_delivered(x);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), 4);
	ck_assert_uint_eq(neighbors(x->u0), 4);
	ck_assert_str_eq(seen[3].chassis, "00:1c:73:aa:bb:c3");

	/* 0x88cc to another reserved address, and PTP to the LLDP address:
	 * not LLDP, forwarded as before (a flood the trunk port takes) */
	ck_send(x->up0, b, lldp_frame(b, other, peer_mac, -1, pdu, sizeof(pdu)));
	n = ck_frame(b, nearest, peer_mac, NULL, 0, 0x88f7, 44);
	ck_send(x->up0, b, n);
	ck_assert_uint_eq(x->cap_trunk.n, 2);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), 4);
	fx_free(x);
}
END_TEST

/* 'pdu' with its bytes replaced at 'at' by 'n' bytes of 'with'. */
struct bad {
	const char *what;
	uint8_t b[600];
	uint32_t n;
};

static uint32_t put(uint8_t *b, uint32_t k, const uint8_t *v, uint32_t n)
{
	memcpy(b + k, v, n);
	return k + n;
}

static const uint8_t head[] = { /* chassis "c", port "p", TTL 30 */
	0x02, 0x02, 0x07, 'c', 0x04, 0x02, 0x07, 'p', 0x06, 0x02, 0x00, 0x1e,
};

/* The mandatory TLVs, then a TLV of 'type' with a 'len'-byte value of 'fill'. */
static void after_head(struct bad *c, const char *what, unsigned int type, uint32_t len,
		       uint8_t fill)
{
	uint32_t k = put(c->b, 0, head, sizeof(head));

	c->what = what;
	c->b[k++] = (uint8_t)(type << 1 | len >> 8);
	c->b[k++] = (uint8_t)len;
	memset(c->b + k, fill, len);
	c->n = k + len;
}

START_TEST(malformed_discarded)
{
	static struct bad c[32];
	unsigned int nc = 0;
	struct fx *x = fx_new();

	/* framing */
	c[nc++] = (struct bad){ "empty", { 0 }, 0 };
	c[nc++] = (struct bad){ "one byte", { 0x02 }, 1 };
	c[nc++] = (struct bad){ "chassis length past the end", { 0x02, 0x14, 0x07, 'c', 'h' }, 5 };
	c[nc] = (struct bad){ "TTL cut short", { 0 }, 0 };
	c[nc].n = put(c[nc].b, 0, head, sizeof(head) - 1);
	nc++;
	c[nc] = (struct bad){ "odd byte after TTL", { 0 }, 0 };
	c[nc].n = put(c[nc].b, 0, head, sizeof(head)) + 1;
	nc++;
	c[nc] = (struct bad){ "End with a value", { 0 }, 0 };
	c[nc].n = put(c[nc].b, 0, head, sizeof(head));
	c[nc].n = put(c[nc].b, c[nc].n, (const uint8_t[]){ 0x00, 0x02, 0x00, 0x00 }, 4);
	nc++;
	/* mandatory TLVs missing, out of order or repeated */
	c[nc++] = (struct bad){ "port ID first", { 0x04, 0x02, 0x07, 'p', 0x02, 0x02, 0x07, 'c',
						   0x06, 0x02, 0x00, 0x1e }, 12 };
	c[nc++] = (struct bad){ "no TTL", { 0x02, 0x02, 0x07, 'c', 0x04, 0x02, 0x07, 'p', 0x00, 0x00 }, 10 };
	c[nc++] = (struct bad){ "End first", { 0x00, 0x00, 0x02, 0x02, 0x07, 'c' }, 6 };
	c[nc++] = (struct bad){ "chassis ID without ID", { 0x02, 0x01, 0x07, 0x04, 0x02, 0x07, 'p',
							   0x06, 0x02, 0x00, 0x1e }, 11 };
	c[nc++] = (struct bad){ "TTL of one byte", { 0x02, 0x02, 0x07, 'c', 0x04, 0x02, 0x07, 'p',
						     0x06, 0x01, 0x1e }, 11 };
	after_head(&c[nc++], "second chassis ID", 1, 2, 'x');
	after_head(&c[nc++], "second TTL", 3, 2, 0);
	/* values out of range */
	c[nc].what = "chassis ID of 256 bytes";
	c[nc].b[0] = 0x03; /* type 1, length 257 */
	c[nc].b[1] = 0x01;
	c[nc].b[2] = 0x07;
	memset(c[nc].b + 3, 'A', 256);
	c[nc].n = put(c[nc].b, 259, head + 4, 8);
	nc++;
	after_head(&c[nc++], "system name of 256 bytes", 5, 256, 'n');
	after_head(&c[nc++], "system description of 511 bytes", 6, 511, 'd');
	after_head(&c[nc++], "port description of 300 bytes", 4, 300, 'p');
	after_head(&c[nc++], "capabilities of 3 bytes", 7, 3, 0);
	after_head(&c[nc++], "management address TLV empty", 8, 0, 0);
	after_head(&c[nc++], "management address of 40 bytes", 8, 50, 40);
	after_head(&c[nc++], "organizational TLV of 3 bytes", 127, 3, 0);
	after_head(&c[nc], "management OID past its TLV", 8, 12, 0);
	c[nc].b[14] = 5;  /* address string: subtype + 4 */
	c[nc].b[15] = 1;
	c[nc].b[25] = 9;  /* OID length 9, 0 bytes follow */
	nc++;
	after_head(&c[nc], "Port VLAN ID TLV of 7 bytes", 127, 7, 0);
	memcpy(c[nc].b + 14, (const uint8_t[]){ 0x00, 0x80, 0xc2, 0x01, 0x00, 0x05, 0x00 }, 7);
	nc++;
	after_head(&c[nc], "Port VLAN ID 4095", 127, 6, 0);
	memcpy(c[nc].b + 14, (const uint8_t[]){ 0x00, 0x80, 0xc2, 0x01, 0x0f, 0xff }, 6);
	nc++;

	for (unsigned int i = 0; i < nc; i++) {
		uint64_t before = vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED);
		send_pdu(x->up0, c[i].b, c[i].n);
		ck_assert_msg(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED) == before + 1,
			      "'%s' was not discarded", c[i].what);
		ck_assert_msg(neighbors(x->u0) == 0, "'%s' made a neighbor", c[i].what);
	}
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), nc);
	ck_assert_uint_eq(ck_drops(x->up0), 0);
	nothing_delivered(x);

	/* the longest legal values are kept whole */
	after_head(&c[0], "system name of 255 bytes", 5, 255, 'n');
	send_pdu(x->up0, c[0].b, c[0].n);
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(strlen(seen[0].sname), 255);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), nc);
	fx_free(x);
}
END_TEST

/* Text is escaped; network address IDs are decoded. */
START_TEST(text_escapes_and_addresses)
{
	static const uint8_t pdu[] = {
		/* chassis: network address, IPv4 198.51.100.9 */
		0x02, 0x06, 0x05, 0x01, 198, 51, 100, 9,
		/* port: network address, IPv6 2001:db8::1 */
		0x04, 0x12, 0x04, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x06, 0x02, 0x00, 0x1e,
		/* system name: a, NUL, b, backslash, c, 0xff, newline */
		0x0a, 0x07, 'a', 0x00, 'b', '\\', 'c', 0xff, '\n',
		/* an empty port description is present, and empty */
		0x08, 0x00,
		0x00, 0x00,
	};
	static const uint8_t pdu2[] = {
		/* chassis: MAC subtype of the wrong length: shown escaped */
		0x02, 0x04, 0x04, 'x', 0x01, 'y',
		/* port: MAC address subtype 3 */
		0x04, 0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x06, 0x02, 0x00, 0x1e,
	};
	struct fx *x = fx_new();

	send_pdu(x->up0, pdu, sizeof(pdu));
	send_pdu(x->up0, pdu2, sizeof(pdu2));
	ck_assert_uint_eq(neighbors(x->u0), 2);
	ck_assert_str_eq(seen[0].chassis, "198.51.100.9");
	ck_assert_str_eq(seen[0].port, "2001:db8::1");
	ck_assert_str_eq(seen[0].sname, "a\\x00b\\\\c\\xff\\x0a");
	ck_assert(seen[0].has_pdesc);
	ck_assert_str_eq(seen[0].pdesc, "");
	ck_assert(!seen[0].has_sdesc);
	ck_assert_str_eq(seen[1].chassis, "x\\x01y");
	ck_assert_str_eq(seen[1].port, "02:00:00:00:00:05");
	fx_free(x);
}
END_TEST

static uint8_t *with_ttl(const uint8_t *pdu, size_t n, uint16_t ttl)
{
	static uint8_t b[sizeof(good_pdu)];

	memcpy(b, pdu, n);
	b[23] = (uint8_t)(ttl >> 8); /* the TTL value of good_pdu */
	b[24] = (uint8_t)ttl;
	return b;
}

START_TEST(ttl_expiry_and_shutdown)
{
	struct fx *x = fx_new();

	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 10), sizeof(good_pdu));
	now_ns += 9 * SEC + SEC / 2;
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(seen[0].expires, 1);
	/* a refresh starts the time to live again */
	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 10), sizeof(good_pdu));
	now_ns += 9 * SEC;
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(seen[0].expires, 1);
	now_ns += SEC;
	ck_assert_uint_eq(neighbors(x->u0), 0);

	/* expiry by the event loop alone, without a reader */
	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 5), sizeof(good_pdu));
	ck_assert_uint_eq(x->sw->lldp.n_nbr, 1);
	now_ns += 5 * SEC;
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(x->sw->lldp.n_nbr, 0);
	ck_assert_uint_eq(neighbors(x->u0), 0);

	/* TTL 0: the neighbor shuts down, and goes at once */
	send_pdu(x->up0, good_pdu, sizeof(good_pdu));
	ck_assert_uint_eq(neighbors(x->u0), 1);
	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 0), sizeof(good_pdu));
	ck_assert_uint_eq(neighbors(x->u0), 0);
	/* and from a neighbor nobody knows, changes nothing */
	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 0), sizeof(good_pdu));
	ck_assert_uint_eq(neighbors(x->u0), 0);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), 0);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), 6);
	fx_free(x);
}
END_TEST

/* Neighbors coming and going are logged at INFO, by their IDs as text. */
static char logged[4][200];
static unsigned int n_logged;

static void keep_log(struct vsw_switch *sw, enum vsw_log_level level, void *user, const char *fmt,
		     va_list ap)
{
	(void)sw, (void)user;
	ck_assert_int_gt(level, VSW_LOG_ERR);
	if (strstr(fmt, "LLDP neighbor") && n_logged < 4)
		vsnprintf(logged[n_logged++], sizeof(logged[0]), fmt, ap);
}

START_TEST(neighbors_logged)
{
	struct fx *x = fx_new();

	n_logged = 0;
	ck_ok(vsw_switch_set_log(x->sw, keep_log, VSW_LOG_INFO, NULL));
	send_pdu(x->up0, good_pdu, sizeof(good_pdu));
	send_pdu(x->up0, good_pdu, sizeof(good_pdu)); /* a refresh says nothing */
	send_pdu(x->up0, with_ttl(good_pdu, sizeof(good_pdu), 0), sizeof(good_pdu));
	send_pdu(x->up1, with_ttl(good_pdu, sizeof(good_pdu), 3), sizeof(good_pdu));
	now_ns += 3 * SEC;
	ck_assert_uint_eq(neighbors(x->u1), 0);
	ck_assert_uint_eq(n_logged, 4);
	ck_assert_str_eq(logged[0], "vmnic0: LLDP neighbor 00:1c:73:aa:bb:cc port Ethernet1 heard");
	ck_assert_str_eq(logged[1], "vmnic0: LLDP neighbor 00:1c:73:aa:bb:cc port Ethernet1 shut down");
	ck_assert_str_eq(logged[2], "vmnic1: LLDP neighbor 00:1c:73:aa:bb:cc port Ethernet1 heard");
	ck_assert_str_eq(logged[3], "vmnic1: LLDP neighbor 00:1c:73:aa:bb:cc port Ethernet1 expired");
	fx_free(x);
}
END_TEST

/* Replacing the clock keeps every entry's remaining time, as of the last
 * time the switch read the old clock (the event loop reads it every
 * round), and never calls the old clock again. */
static int retired;

static uint64_t retiring_clock(void *user)
{
	(void)user;
	ck_assert_msg(!retired, "the replaced clock was called");
	return now_ns;
}

START_TEST(clock_replaced)
{
	struct fx *x = fx_new();

	ck_ok(vsw_switch_set_clock(x->sw, retiring_clock, NULL));
	send_pdu(x->up0, good_pdu, sizeof(good_pdu));
	now_ns += 20 * SEC;
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	/* its owner frees the old clock first, as the Python bindings do */
	retired = 1;
	ck_ok(vsw_switch_set_clock(x->sw, NULL, NULL));
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(seen[0].expires, 100);
	fx_free(x);
}
END_TEST

/* One neighbor per (chassis ID, port ID), at most 8 per uplink; a full
 * table refuses newcomers and keeps the neighbors it knows. */
START_TEST(neighbor_cap)
{
	struct fx *x = fx_new();
	uint8_t pdu[sizeof(good_pdu)];

	memcpy(pdu, good_pdu, sizeof(pdu));
	for (unsigned int i = 0; i < 8; i++) {
		pdu[8] = (uint8_t)i;
		send_pdu(x->up0, pdu, sizeof(pdu));
		send_pdu(x->up0, pdu, sizeof(pdu)); /* the same one again */
	}
	/* the same chassis on another port is another neighbor */
	pdu[8] = 0;
	pdu[20] = '2';
	send_pdu(x->up0, pdu, sizeof(pdu));
	ck_assert_uint_eq(neighbors(x->u0), 8);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), 1);
	for (unsigned int i = 0; i < 8; i++)
		ck_assert_uint_eq(seen[i].craw[5], i);
	/* a flood of forged neighbors changes nothing */
	for (unsigned int i = 0; i < 200; i++) {
		pdu[7] = (uint8_t)i;
		send_pdu(x->up0, pdu, sizeof(pdu));
	}
	ck_assert_uint_eq(neighbors(x->u0), 8);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_DISCARDED), 201);
	/* the other uplink has a table of its own */
	send_pdu(x->up1, pdu, sizeof(pdu));
	ck_assert_uint_eq(neighbors(x->u1), 1);
	/* known neighbors are still refreshed; expired ones make room */
	memcpy(pdu, good_pdu, sizeof(pdu));
	now_ns += 100 * SEC;
	pdu[8] = 3;
	send_pdu(x->up0, pdu, sizeof(pdu));
	now_ns += 21 * SEC;
	ck_assert_uint_eq(neighbors(x->u0), 1);
	ck_assert_uint_eq(seen[0].craw[5], 3);
	pdu[8] = 0x77;
	send_pdu(x->up0, pdu, sizeof(pdu));
	ck_assert_uint_eq(neighbors(x->u0), 2);
	nothing_delivered(x);
	fx_free(x);
}
END_TEST

static int stop_at_first(const struct vsw_lldp_neighbor *n, void *user)
{
	(void)n;
	++*(int *)user;
	return 7;
}

START_TEST(api_and_defaults)
{
	struct fx *x = fx_new();
	uint8_t other[sizeof(good_pdu)];
	int calls = 0;

	ck_assert_int_eq(vsw_switch_lldp_mode(x->sw), VSW_LLDP_LISTEN);
	ck_assert_uint_eq(vsw_switch_lldp_interval(x->sw), VSW_LLDP_INTERVAL_DEFAULT);
	ck_assert_uint_eq(VSW_LLDP_INTERVAL_DEFAULT, 30);
	ck_assert_int_eq(vsw_switch_lldp_mode(NULL), VSW_LLDP_NONE);
	ck_assert_uint_eq(vsw_switch_lldp_interval(NULL), 0);
	ck_assert_int_eq(vsw_switch_set_lldp_mode(NULL, VSW_LLDP_BOTH), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_lldp_mode(x->sw, (enum vsw_lldp_mode)4), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_lldp_mode(x->sw, (enum vsw_lldp_mode)-1), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_lldp_interval(NULL, 5), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_lldp_interval(x->sw, 0), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_lldp_interval(x->sw, VSW_LLDP_INTERVAL_MAX + 1), -EINVAL);
	ck_ok(vsw_switch_set_lldp_interval(x->sw, VSW_LLDP_INTERVAL_MAX));
	ck_assert_uint_eq(vsw_switch_lldp_interval(x->sw), 3600);
	ck_ok(vsw_switch_set_lldp_interval(x->sw, 1));
	ck_assert_uint_eq(vsw_switch_lldp_interval(x->sw), 1);
	ck_assert_int_eq(vsw_uplink_lldp_foreach(NULL, collect, NULL), -EINVAL);
	ck_assert_int_eq(vsw_uplink_lldp_foreach(x->u0, NULL, NULL), -EINVAL);
	/* failed calls changed nothing, and listening sent nothing */
	ck_assert_int_eq(vsw_switch_lldp_mode(x->sw), VSW_LLDP_LISTEN);
	nothing_delivered(x);
	memcpy(other, good_pdu, sizeof(other));
	other[8] = 0x01;
	send_pdu(x->up0, good_pdu, sizeof(good_pdu));
	send_pdu(x->up0, other, sizeof(other));
	ck_assert_uint_eq(neighbors(x->u0), 2);
	ck_assert_int_eq(vsw_uplink_lldp_foreach(x->u0, stop_at_first, &calls), 7);
	ck_assert_int_eq(calls, 1);
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_LLDP_RX), "lldp_rx");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_LLDP_TX), "lldp_tx");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_LLDP_DISCARDED), "lldp_discarded");
	ck_assert_ptr_null(vsw_counter_name(VSW_CTR_COUNT));
	for (int c = VSW_CTR_LLDP_RX; c <= VSW_CTR_LLDP_DISCARDED; c++)
		ck_assert_int_eq(vsw_counter_kind(c), VSW_CTR_KIND_EVENT);
	fx_free(x);
}
END_TEST

static struct fx *busy_fx;
static int busy_rc[3];

static unsigned int try_from_callback(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			      void *user)
{
	(void)port, (void)f, (void)n, (void)user;
	busy_rc[0] = vsw_switch_set_lldp_mode(busy_fx->sw, VSW_LLDP_BOTH);
	busy_rc[1] = vsw_switch_set_lldp_interval(busy_fx->sw, 7);
	busy_rc[2] = vsw_uplink_remove(busy_fx->u0);
	return n;
}

START_TEST(busy_while_delivering)
{
	struct fx *x = busy_fx = fx_new();
	uint8_t b[64];

	ck_ok(vsw_port_set_rx(x->est, try_from_callback, NULL));
	ck_send(x->up0, b, ck_frame(b, ck_bcast, peer_mac, NULL, 0, 0x0800, 46));
	ck_assert_int_eq(busy_rc[0], -EBUSY);
	ck_assert_int_eq(busy_rc[1], -EBUSY);
	ck_assert_int_eq(busy_rc[2], -EBUSY);
	ck_assert_int_eq(vsw_switch_lldp_mode(x->sw), VSW_LLDP_LISTEN);
	ck_assert_uint_eq(vsw_switch_lldp_interval(x->sw), 30);
	fx_free(x);
}
END_TEST

/* ---- never forwarded ---- */

START_TEST(never_forwarded_in_any_mode)
{
	struct fx *x = fx_new();
	uint8_t b[512], t[512];
	uint32_t n = lldp_frame(b, nearest, mac_a, -1, good_pdu, sizeof(good_pdu));
	uint32_t nt = lldp_frame(t, nearest, mac_t, 0x0005, good_pdu, sizeof(good_pdu));

	for (int mode = VSW_LLDP_NONE; mode <= VSW_LLDP_BOTH; mode++) {
		ck_ok(vsw_switch_set_lldp_mode(x->sw, (enum vsw_lldp_mode)mode));
		x->cap_up0.n = x->cap_up1.n = 0;
		send_pdu(x->up0, good_pdu, sizeof(good_pdu));
		send_pdu(x->up1, good_pdu, sizeof(good_pdu));
		/* from a vNIC and from a trunk port too: a bridge never relays
		 * the LLDP group addresses */
		ck_send(x->est, b, n);
		ck_send(x->trunk, t, nt);
		nothing_delivered(x);
		ck_assert_uint_eq(neighbors(x->u0), mode & VSW_LLDP_LISTEN ? 1 : 0);
	}
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_RX), 4);
	ck_assert_uint_eq(vsw_port_counter(x->est, VSW_CTR_LLDP_RX), 4);
	ck_assert_uint_eq(vsw_port_counter(x->trunk, VSW_CTR_LLDP_RX), 4);
	ck_assert_uint_eq(ck_drops(x->est) + ck_drops(x->trunk) + ck_drops(x->up0), 0);
	/* listening off forgets what was heard */
	ck_ok(vsw_switch_set_lldp_mode(x->sw, VSW_LLDP_ADVERTISE));
	ck_assert_uint_eq(neighbors(x->u0), 0);
	ck_assert_uint_eq(neighbors(x->u1), 0);
	fx_free(x);
}
END_TEST

/* ---- advertising ---- */

/* A backend with a device MAC that records what it is asked to send. */
static const uint8_t dev_mac[6] = { 0x00, 0x50, 0x56, 0xaa, 0xbb, 0x01 };
static struct ck_cap sent;

static int tb_open(struct vsw_backend *be, const char *arg, const char *options)
{
	(void)be, (void)arg, (void)options;
	return 0;
}

static void tb_close(struct vsw_backend *be)
{
	(void)be;
}

static int tb_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	(void)be, (void)f, (void)n;
	return 0;
}

static int tb_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	(void)be;
	for (unsigned int i = 0; i < n; i++) {
		if (sent.n < CK_CAP_FRAMES) {
			memcpy(sent.f[sent.n].data, f[i].data, f[i].len);
			sent.f[sent.n].len = f[i].len;
		}
		sent.n++;
	}
	return (int)n;
}

static int tb_mac(struct vsw_backend *be, uint8_t mac[6])
{
	(void)be;
	memcpy(mac, dev_mac, 6);
	return 0;
}

static const struct vsw_backend_ops tb_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "lldptest",
	.open = tb_open,
	.close = tb_close,
	.recv = tb_recv,
	.send = tb_send,
	.mac = tb_mac,
};

/* What the switch should send on uplink 'up' of switch 'sw', built here
 * field by field. */
static uint32_t expected(uint8_t *b, const char *sw, const char *up, const uint8_t src[6],
			 uint16_t ttl)
{
	char host[256], text[300];
	uint32_t k = 14;
	size_t l;

	memcpy(b, nearest, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x88;
	b[13] = 0xcc;
	b[k++] = 0x02; /* chassis ID: locally assigned, the switch's name */
	b[k++] = (uint8_t)(1 + strlen(sw));
	b[k++] = 7;
	k = put(b, k, (const uint8_t *)sw, (uint32_t)strlen(sw));
	b[k++] = 0x04; /* port ID: interface name, the uplink's */
	b[k++] = (uint8_t)(1 + strlen(up));
	b[k++] = 5;
	k = put(b, k, (const uint8_t *)up, (uint32_t)strlen(up));
	b[k++] = 0x06;
	b[k++] = 0x02;
	b[k++] = (uint8_t)(ttl >> 8);
	b[k++] = (uint8_t)ttl;
	if (ttl) {
		snprintf(text, sizeof(text), "%s uplink %s", sw, up);
		b[k++] = 0x08;
		b[k++] = (uint8_t)strlen(text);
		k = put(b, k, (const uint8_t *)text, (uint32_t)strlen(text));
		ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
		l = strlen(host);
		b[k++] = 0x0a;
		b[k++] = (uint8_t)l;
		k = put(b, k, (const uint8_t *)host, (uint32_t)l);
		snprintf(text, sizeof(text), "libvsw %s virtual switch", VSW_VERSION_STRING);
		b[k++] = 0x0c;
		b[k++] = (uint8_t)strlen(text);
		k = put(b, k, (const uint8_t *)text, (uint32_t)strlen(text));
		k = put(b, k, (const uint8_t[]){ 0x0e, 0x04, 0x00, 0x04, 0x00, 0x04 }, 6);
	}
	b[k++] = 0x00;
	b[k++] = 0x00;
	while (k < 60)
		b[k++] = 0;
	return k;
}

static void assert_sent(const struct ck_cap *c, unsigned int i, const uint8_t *want, uint32_t n)
{
	ck_assert_uint_gt(c->n, i);
	ck_assert_uint_eq(c->f[i].len, n);
	ck_assert_mem_eq(c->f[i].data, want, n);
}

START_TEST(advertised_bytes)
{
	struct fx *x = fx_new();
	struct vsw_backend *be;
	uint8_t want[1024], laa[6];
	uint32_t n;

	memset(&sent, 0, sizeof(sent));
	ck_ok(vsw_backend_register(&tb_ops));
	ck_ok(vsw_backend_open("lldptest:", NULL, &be));
	ck_ok(vsw_port_attach_backend(x->up1, be));
	ck_ok(vsw_switch_set_lldp_interval(x->sw, 5));
	nothing_delivered(x);
	ck_ok(vsw_switch_set_lldp_mode(x->sw, VSW_LLDP_BOTH));
	/* at once, on each uplink: with the device's MAC where there is one,
	 * else a stable locally administered one */
	ck_assert_uint_eq(sent.n, 1);
	n = expected(want, "vSwitch0", "vmnic1", dev_mac, 20);
	assert_sent(&sent, 0, want, n);
	ck_assert_uint_eq(x->cap_up0.n, 1);
	memcpy(laa, x->cap_up0.f[0].data + 6, 6);
	ck_assert_uint_eq(laa[0], 0x02);
	n = expected(want, "vSwitch0", "vmnic0", laa, 20);
	assert_sent(&x->cap_up0, 0, want, n);
	ck_assert_uint_eq(vsw_port_counter(x->up0, VSW_CTR_LLDP_TX), 1);
	ck_assert_uint_eq(vsw_port_counter(x->up1, VSW_CTR_LLDP_TX), 1);
	ck_assert_uint_eq(x->cap_est.n + x->cap_trunk.n, 0);

	/* the same names make the same address; other names another */
	{
		struct vsw_switch *sw2 = ck_switch("vSwitch0");
		struct vsw_uplink *u;
		static struct ck_cap c2, c3;
		ck_ok(vsw_uplink_add(sw2, "vmnic0", 0, &u));
		ck_capture(vsw_uplink_port(u), &c2);
		ck_ok(vsw_uplink_add(sw2, "vmnic9", 0, &u));
		ck_capture(vsw_uplink_port(u), &c3);
		ck_ok(vsw_switch_set_lldp_mode(sw2, VSW_LLDP_ADVERTISE));
		ck_assert_uint_eq(c2.n, 1);
		ck_assert_mem_eq(c2.f[0].data + 6, laa, 6);
		ck_assert_uint_eq(c3.n, 1);
		ck_assert_uint_eq(c3.f[0].data[6], 0x02);
		ck_assert_mem_ne(c3.f[0].data + 6, laa, 6);
		vsw_switch_free(sw2);
	}
	ck_ok(vsw_switch_set_lldp_mode(x->sw, VSW_LLDP_LISTEN));
	/* the shutdown LLDPDU: chassis, port, TTL 0, End */
	n = expected(want, "vSwitch0", "vmnic1", dev_mac, 0);
	ck_assert_uint_eq(n, 60);
	assert_sent(&sent, 1, want, n);
	ck_assert_uint_eq(sent.n, 2);
	vsw_switch_free(x->sw);
	x->sw = NULL;
	ck_ok(vsw_backend_unregister("lldptest"));
	free(x);
}
END_TEST

/* LLDP frames among what a port received. */
static unsigned int lldp_in(const struct ck_cap *c)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->n && i < CK_CAP_FRAMES; i++)
		n += c->f[i].len >= 14 && c->f[i].data[12] == 0x88 && c->f[i].data[13] == 0xcc;
	return n;
}

START_TEST(advertising_schedule)
{
	struct fx *x = fx_new();
	uint8_t want[1024];
	uint32_t n;

	ck_ok(vsw_switch_set_lldp_interval(x->sw, 10));
	ck_ok(vsw_switch_set_lldp_mode(x->sw, VSW_LLDP_ADVERTISE));
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 1);
	now_ns += 10 * SEC - 1;
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 1);
	now_ns += 1;
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 2);
	ck_assert_uint_eq(lldp_in(&x->cap_up1), 2);
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 2);
	/* a link that is down sends nothing; one that comes up sends at once
	 * (the vNIC that fails over to vmnic0 sends a RARP there too) */
	ck_ok(vsw_port_set_link(x->up1, 0));
	now_ns += 10 * SEC;
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 3);
	ck_assert_uint_eq(lldp_in(&x->cap_up1), 2);
	now_ns += SEC;
	ck_ok(vsw_port_set_link(x->up1, 1));
	ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
	ck_assert_uint_eq(lldp_in(&x->cap_up1), 3);
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 3);
	/* a new interval: a new time to live, announced at once */
	ck_ok(vsw_switch_set_lldp_interval(x->sw, 20));
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 4);
	ck_assert_uint_eq(x->cap_up0.f[x->cap_up0.n - 1].data[14 + 11 + 9 + 2], 0);
	ck_assert_uint_eq(x->cap_up0.f[x->cap_up0.n - 1].data[14 + 11 + 9 + 3], 80);
	ck_ok(vsw_switch_set_lldp_interval(x->sw, 20)); /* unchanged: nothing sent */
	ck_assert_uint_eq(lldp_in(&x->cap_up0), 4);
	/* a new uplink speaks at the next round */
	{
		struct vsw_uplink *u;
		static struct ck_cap c;
		ck_ok(vsw_uplink_add(x->sw, "vmnic2", 0, &u));
		ck_capture(vsw_uplink_port(u), &c);
		ck_assert_int_ge(vsw_switch_poll(x->sw, 0), 0);
		ck_assert_uint_eq(c.n, 1);
		/* removed, it says goodbye */
		ck_ok(vsw_uplink_remove(u));
		ck_assert_uint_eq(c.n, 2);
		ck_assert_uint_eq(c.f[1].data[14 + 11 + 9 + 3], 0);
	}
	/* at most 63-byte names: the LLDPDU is exact with the longest */
	{
		char sw_name[64], up_name[64];
		struct vsw_switch *sw2;
		struct vsw_uplink *u;
		static struct ck_cap c;
		memset(sw_name, 'S', 63);
		memset(up_name, 'u', 63);
		sw_name[63] = up_name[63] = 0;
		sw2 = ck_switch(sw_name);
		ck_ok(vsw_uplink_add(sw2, up_name, 0, &u));
		ck_capture(vsw_uplink_port(u), &c);
		ck_ok(vsw_switch_set_lldp_mode(sw2, VSW_LLDP_BOTH));
		n = expected(want, sw_name, up_name, c.f[0].data + 6, 120);
		assert_sent(&c, 0, want, n);
		vsw_switch_free(sw2);
		/* freeing the switch sent the shutdown LLDPDU */
		ck_assert_uint_eq(c.n, 2);
	}
	ck_assert_uint_eq(x->cap_est.n + x->cap_trunk.n, 0);
	fx_free(x);
}
END_TEST

/* The switch hears itself when two uplinks share a segment. */
START_TEST(hears_itself)
{
	struct fx *x = fx_new();

	ck_ok(vsw_switch_set_lldp_mode(x->sw, VSW_LLDP_BOTH));
	ck_assert_uint_eq(x->cap_up0.n, 1);
	ck_send(x->up1, x->cap_up0.f[0].data, x->cap_up0.f[0].len);
	ck_assert_uint_eq(neighbors(x->u1), 1);
	ck_assert_uint_eq(seen[0].csub, 7);
	ck_assert_str_eq(seen[0].chassis, "vSwitch0");
	ck_assert_uint_eq(seen[0].psub, 5);
	ck_assert_str_eq(seen[0].port, "vmnic0");
	ck_assert_uint_eq(seen[0].ttl, 120);
	ck_assert_str_eq(seen[0].pdesc, "vSwitch0 uplink vmnic0");
	ck_assert_str_eq(seen[0].sdesc, "libvsw " VSW_VERSION_STRING " virtual switch");
	fx_free(x);
}
END_TEST

Suite *vsw_lldp_suite(void)
{
	Suite *s = suite_create("lldp");
	TCase *tc = tcase_create("lldp");

	tcase_add_test(tc, parse_every_field);
	tcase_add_test(tc, parse_minimal_and_padding);
	tcase_add_test(tc, group_addresses_and_tags);
	tcase_add_test(tc, malformed_discarded);
	tcase_add_test(tc, text_escapes_and_addresses);
	tcase_add_test(tc, ttl_expiry_and_shutdown);
	tcase_add_test(tc, clock_replaced);
	tcase_add_test(tc, neighbors_logged);
	tcase_add_test(tc, neighbor_cap);
	tcase_add_test(tc, api_and_defaults);
	tcase_add_test(tc, busy_while_delivering);
	tcase_add_test(tc, never_forwarded_in_any_mode);
	tcase_add_test(tc, advertised_bytes);
	tcase_add_test(tc, advertising_schedule);
	tcase_add_test(tc, hears_itself);
	suite_add_tcase(s, tc);
	return s;
}
