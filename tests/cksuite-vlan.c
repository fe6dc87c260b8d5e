// SPDX-License-Identifier: MIT
/*
 * Description: the VLAN matrix. Port group VLAN 0 / 10 / 4095, a broadcast
 * from a vNIC or from the uplink (the tag in the bytes, or stripped into the
 * descriptor as AF_PACKET delivers it), untagged / tagged with the group's
 * VID / tagged with another VID / double-tagged / priority-tagged /
 * S-tagged: where each frame goes and the exact bytes delivered.
 *
 * The switch: uplink vmnic0; port group "pg" (VLAN under test) with vNICs A
 * (the sender when the frame comes from a vNIC) and B. Frames are
 * broadcasts, so that delivery depends only on the VLAN rules.
 */
#include "cksuite.h"

enum shape { UNTAGGED, TAG10, TAG20, DOUBLE, PRIO, STAG, N_SHAPES };
enum from { FROM_VNIC, FROM_UPLINK, FROM_UPLINK_OOB, N_FROM };
/* What a receiver gets: nothing, the bytes sent, or a transformation. */
enum got { NONE, SAME, POPPED, PUSHED10 };

struct row {
	unsigned int vlan;
	enum from from;
	enum shape shape;
	enum got to_b;      /* the other vNIC (and A, for frames from the uplink) */
	enum got to_uplink; /* frames from the vNIC only */
	enum vsw_counter drop; /* counted on the sender when nobody gets it */
};

#define PCP3 0x6000u /* PCP 3: kept through the switch where the tag stays */

static const struct row rows[] = {
	/* EST: VLAN 0 */
	{ 0, FROM_VNIC, UNTAGGED, SAME, SAME, 0 },
	{ 0, FROM_VNIC, TAG10, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 0, FROM_VNIC, TAG20, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 0, FROM_VNIC, DOUBLE, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 0, FROM_VNIC, PRIO, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 0, FROM_VNIC, STAG, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 0, FROM_UPLINK, UNTAGGED, SAME, NONE, 0 },
	{ 0, FROM_UPLINK, TAG10, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 0, FROM_UPLINK, TAG20, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 0, FROM_UPLINK, DOUBLE, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 0, FROM_UPLINK, PRIO, POPPED, NONE, 0 },
	{ 0, FROM_UPLINK, STAG, SAME, NONE, 0 },
	/* VST: VLAN 10 */
	{ 10, FROM_VNIC, UNTAGGED, SAME, PUSHED10, 0 },
	{ 10, FROM_VNIC, TAG10, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 10, FROM_VNIC, TAG20, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 10, FROM_VNIC, DOUBLE, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 10, FROM_VNIC, PRIO, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 10, FROM_VNIC, STAG, NONE, NONE, VSW_CTR_VLAN_VIOLATION },
	{ 10, FROM_UPLINK, UNTAGGED, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 10, FROM_UPLINK, TAG10, POPPED, NONE, 0 },
	{ 10, FROM_UPLINK, TAG20, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 10, FROM_UPLINK, DOUBLE, POPPED, NONE, 0 },
	{ 10, FROM_UPLINK, PRIO, NONE, NONE, VSW_CTR_NO_RECEIVER },
	{ 10, FROM_UPLINK, STAG, NONE, NONE, VSW_CTR_NO_RECEIVER },
	/* VGT: VLAN 4095 */
	{ 4095, FROM_VNIC, UNTAGGED, SAME, SAME, 0 },
	{ 4095, FROM_VNIC, TAG10, SAME, SAME, 0 },
	{ 4095, FROM_VNIC, TAG20, SAME, SAME, 0 },
	{ 4095, FROM_VNIC, DOUBLE, SAME, SAME, 0 },
	{ 4095, FROM_VNIC, PRIO, POPPED, SAME, 0 },
	{ 4095, FROM_VNIC, STAG, SAME, SAME, 0 },
	{ 4095, FROM_UPLINK, UNTAGGED, SAME, NONE, 0 },
	{ 4095, FROM_UPLINK, TAG10, SAME, NONE, 0 },
	{ 4095, FROM_UPLINK, TAG20, SAME, NONE, 0 },
	{ 4095, FROM_UPLINK, DOUBLE, SAME, NONE, 0 },
	{ 4095, FROM_UPLINK, PRIO, POPPED, NONE, 0 },
	{ 4095, FROM_UPLINK, STAG, SAME, NONE, 0 },
};
#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0xa1 };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0xb2 };
static const uint8_t mac_ext[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static uint32_t shape_frame(uint8_t *buf, enum shape s, const uint8_t *src)
{
	struct ck_tag t[2];
	unsigned int n = 0;

	switch (s) {
	case UNTAGGED:
		break;
	case TAG10:
		t[n++] = (struct ck_tag){ 0x8100, PCP3 | 10 };
		break;
	case TAG20:
		t[n++] = (struct ck_tag){ 0x8100, PCP3 | 20 };
		break;
	case DOUBLE:
		t[n++] = (struct ck_tag){ 0x8100, PCP3 | 10 };
		t[n++] = (struct ck_tag){ 0x8100, 20 };
		break;
	case PRIO:
		t[n++] = (struct ck_tag){ 0x8100, 0xa000 }; /* PCP 5, VID 0 */
		break;
	case STAG:
		t[n++] = (struct ck_tag){ 0x88a8, 10 };
		break;
	default:
		break;
	}
	return ck_frame(buf, ck_bcast, src, t, n, 0x0800, 46);
}

/* What 'got' means for a frame 'in' of length 'len'. */
static uint32_t expected(enum got g, const uint8_t *in, uint32_t len, uint8_t *out)
{
	switch (g) {
	case SAME:
		memcpy(out, in, len);
		return len;
	case POPPED:
		memcpy(out, in, 12);
		memcpy(out + 12, in + 16, len - 16);
		return len - 4;
	case PUSHED10:
		memcpy(out, in, 12);
		out[12] = 0x81; out[13] = 0x00; out[14] = 0x00; out[15] = 10;
		memcpy(out + 16, in + 12, len - 12);
		return len + 4;
	default:
		return 0;
	}
}

static struct ck_cap cap_a, cap_b, cap_u;

static void check_got(const struct ck_cap *c, enum got g, const uint8_t *in, uint32_t len,
		      const char *who, unsigned int row)
{
	uint8_t want[200];
	uint32_t wlen;

	if (g == NONE) {
		ck_assert_msg(c->n == 0, "row %u: %s got %u frame(s), expected none", row, who, c->n);
		return;
	}
	ck_assert_msg(c->n == 1, "row %u: %s got %u frame(s), expected 1", row, who, c->n);
	wlen = expected(g, in, len, want);
	ck_assert_msg(c->f[0].len == wlen, "row %u: %s got %u bytes, expected %u", row, who,
		      c->f[0].len, wlen);
	ck_assert_msg(!memcmp(c->f[0].data, want, wlen), "row %u: %s got other bytes", row, who);
}

/* Rows past N_ROWS repeat the uplink rows with the tag in the descriptor. */
static struct row row_at(unsigned int i)
{
	struct row r;

	if (i < N_ROWS)
		return rows[i];
	i -= N_ROWS;
	for (unsigned int j = 0; j < N_ROWS; j++)
		if (rows[j].from == FROM_UPLINK && i-- == 0) {
			r = rows[j];
			r.from = FROM_UPLINK_OOB;
			return r;
		}
	ck_abort_msg("no row %u", i);
	return rows[0];
}

START_TEST(vlan_matrix)
{
	const struct row row = row_at((unsigned int)_i);
	const struct row *r = &row;
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *a, *b;
	struct vsw_uplink *u;
	struct vsw_port *pa, *pb, *pu, *sender;
	uint8_t in[200], stripped[200];
	uint32_t len;

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_portgroup_add(sw, "pg", r->vlan, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "A", mac_a, 0, &a));
	ck_ok(vsw_vnic_add(pg, "B", mac_b, 0, &b));
	pa = vsw_vnic_port(a);
	pb = vsw_vnic_port(b);
	pu = vsw_uplink_port(u);
	ck_capture(pa, &cap_a);
	ck_capture(pb, &cap_b);
	ck_capture(pu, &cap_u);
	/* RARPs from adding the vNICs are not part of the matrix */
	memset(&cap_u, 0, sizeof(cap_u));

	sender = r->from == FROM_VNIC ? pa : pu;
	len = shape_frame(in, r->shape, r->from == FROM_VNIC ? mac_a : mac_ext);
	if (r->from == FROM_UPLINK_OOB && in[12] == 0x81 && in[13] == 0x00) {
		/* AF_PACKET style: the outer 802.1Q tag arrives in the descriptor */
		uint16_t tci = (uint16_t)(in[14] << 8 | in[15]);
		memcpy(stripped, in, 12);
		memcpy(stripped + 12, in + 16, len - 16);
		ck_send_tci(sender, stripped, len - 4, tci);
	} else {
		ck_send(sender, in, len);
	}

	if (r->from == FROM_VNIC) {
		check_got(&cap_b, r->to_b, in, len, "vNIC B", (unsigned int)_i);
		check_got(&cap_u, r->to_uplink, in, len, "uplink", (unsigned int)_i);
		ck_assert_uint_eq(cap_a.n, 0); /* never back to the sender */
	} else {
		check_got(&cap_a, r->to_b, in, len, "vNIC A", (unsigned int)_i);
		check_got(&cap_b, r->to_b, in, len, "vNIC B", (unsigned int)_i);
		ck_assert_uint_eq(cap_u.n, 0); /* never back to an uplink */
	}
	if (r->drop) {
		ck_assert_uint_eq(vsw_port_counter(sender, r->drop), 1);
		ck_assert_uint_eq(ck_drops(sender), 1);
	} else {
		ck_assert_uint_eq(ck_drops(sender), 0);
	}
	ck_assert_uint_eq(vsw_port_counter(sender, VSW_CTR_RX_PACKETS), 1);
	vsw_switch_free(sw);
}
END_TEST

Suite *vsw_vlan_suite(void)
{
	Suite *s = suite_create("vlan");
	TCase *tc = tcase_create("matrix");

	/* every row, then the 18 uplink rows again with the tag out of band */
	tcase_add_loop_test(tc, vlan_matrix, 0, (int)N_ROWS + 3 * N_SHAPES);
	suite_add_tcase(s, tc);
	return s;
}
