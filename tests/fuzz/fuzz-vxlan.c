// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the vxlan backend's receive path, as
 * the switch drives it: arbitrary bytes become UDP datagrams sent over
 * loopback to a vxlan uplink (VNI 5010 for VLAN 10, 4096 for untagged,
 * every other VLAN's own number), and the switch polls them in. A reference reading of RFC 7348
 * says what becomes of each datagram; then it checks that:
 *  - the uplink took in exactly the datagrams that hold a VXLAN header
 *    with the I flag, a VNI of the map and an untagged inner frame of at
 *    least 14 bytes (its rx_packets), and counted every other one under
 *    its one reason (vxlan_short, vxlan_bad_flags, vxlan_unknown_vni,
 *    vxlan_runt, vxlan_inner_tag; truncated for a datagram longer than
 *    the underlay's MTU of 1500 carries, 1472 bytes);
 *  - each frame delivered to a promiscuous trunk port is one of the inner
 *    frames taken in, byte for byte, tagged with its VNI's VLAN (none for
 *    4096), in order (the switch may drop some by its own rules).
 *
 * Input: records of [length: 2 bytes LE, modulo 1601][bytes], at most 64
 * datagrams per input.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vsw.h>

#define MAX_DGRAMS 64
#define MAX_LEN 1600

static struct vsw_switch *sw;
static struct vsw_port *up, *trunk;
static int tx = -1;
static struct sockaddr_in to;

/* What the trunk port must get next: the accepted inner frames, tagged. */
static struct {
	uint8_t data[MAX_LEN + 4];
	uint32_t len;
} want[MAX_DGRAMS];
static unsigned int n_want, n_got;

static unsigned int trunk_rx(struct vsw_port *p, const struct vsw_frame *f, unsigned int n,
			     void *user)
{
	(void)p;
	(void)user;
	for (unsigned int i = 0; i < n; i++) {
		/* one of the inner frames taken in, after the last one delivered:
		 * the switch drops some (its own rules, fuzz-frame's business) */
		while (n_got < n_want && (f[i].len != want[n_got].len ||
					  memcmp(f[i].data, want[n_got].data, f[i].len)))
			n_got++;
		if (n_got++ >= n_want)
			abort();
	}
	return n;
}

static int free_udp_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM, 0), port = -1;

	if (s >= 0 && !bind(s, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(s, (struct sockaddr *)&a, &l))
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static int setup(void)
{
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *v;
	char opts[128];
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	int port = free_udp_port();

	if (port < 0 || vsw_switch_new("fz", NULL, &sw) ||
	    vsw_switch_policy_set(sw, VSW_POL_NOTIFY_SWITCHES, 0) ||
	    vsw_uplink_add(sw, "vx", 0, &u))
		return -1;
	up = vsw_uplink_port(u);
	snprintf(opts, sizeof(opts), "port=%d,vni=10:5010;20:20", port);
	if (vsw_port_attach(up, "vxlan:127.0.0.1", opts))
		return -1;
	if (vsw_portgroup_add(sw, "t", VSW_VLAN_TRUNK, 0, &pg) ||
	    vsw_portgroup_policy_set(pg, VSW_POL_PROMISCUOUS, 1) ||
	    vsw_vnic_add(pg, "t0", mac, 0, &v))
		return -1;
	trunk = vsw_vnic_port(v);
	vsw_port_set_rx(trunk, trunk_rx, NULL);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	to = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return tx < 0 ? -1 : 0;
}

enum { ACCEPT, SHORT, FLAGS, VNI, RUNT, TAG, TRUNC, N_WHY };
static const enum vsw_counter why_ctr[N_WHY] = {
	[ACCEPT] = VSW_CTR_RX_PACKETS, [SHORT] = VSW_CTR_VXLAN_SHORT,
	[FLAGS] = VSW_CTR_VXLAN_BAD_FLAGS, [VNI] = VSW_CTR_VXLAN_UNKNOWN_VNI,
	[RUNT] = VSW_CTR_VXLAN_RUNT, [TAG] = VSW_CTR_VXLAN_INNER_TAG, [TRUNC] = VSW_CTR_TRUNCATED,
};

/* The largest datagram an underlay of MTU 1500 carries whole (IPv4, UDP). */
#define UNDERLAY_MAX (1500 - 20 - 8)

/* RFC 7348 as this switch reads it: the datagram's fate, and its VLAN. */
static int reference(const uint8_t *d, size_t len, int *vlan)
{
	uint32_t vni;
	uint16_t type;

	if (len > UNDERLAY_MAX)
		return TRUNC; /* it came in fragments, or over a wider loopback */
	if (len < 8)
		return SHORT;
	if (!(d[0] & 0x08))
		return FLAGS;
	vni = (uint32_t)d[4] << 16 | (uint32_t)d[5] << 8 | d[6];
	/* the map: VLAN 10 in VNI 5010, untagged in 4096, every other VLAN
	 * 1-4094 in the VNI of its own number (so VNI 10 is no VLAN's) */
	*vlan = vni == 5010 ? 10 : vni == 4096 ? 0 : vni >= 1 && vni <= 4094 && vni != 10 ? (int)vni : -1;
	if (*vlan < 0)
		return VNI;
	if (len < 8 + 14)
		return RUNT;
	type = (uint16_t)(d[20] << 8 | d[21]);
	if (type == 0x8100 || type == 0x88a8 || type == 0x9100)
		return TAG;
	return ACCEPT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t expect[N_WHY] = { 0 }, before[N_WHY], total = 0, seen = 0;
	size_t pos = 0;
	unsigned int n = 0;

	if (!sw && setup())
		abort();
	for (int w = 0; w < N_WHY; w++)
		before[w] = vsw_port_counter(up, why_ctr[w]);
	n_want = n_got = 0;
	while (pos + 2 <= size && n < MAX_DGRAMS) {
		size_t len = (size_t)(data[pos] | data[pos + 1] << 8) % (MAX_LEN + 1);
		const uint8_t *d = data + pos + 2;
		int vlan = 0, why;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		why = reference(d, len, &vlan);
		expect[why]++;
		if (why == ACCEPT) {
			/* the inner frame as a trunk port gets it: tagged with its VLAN */
			uint8_t *o = want[n_want].data;
			const uint8_t *in = d + 8;
			size_t il = len - 8;
			{
				memcpy(o, in, 12);
				if (vlan) {
					o[12] = 0x81;
					o[13] = 0x00;
					o[14] = (uint8_t)(vlan >> 8);
					o[15] = (uint8_t)vlan;
				}
				memcpy(o + (vlan ? 16 : 12), in + 12, il - 12);
				want[n_want++].len = (uint32_t)(il + (vlan ? 4 : 0));
			}
		}
		if (sendto(tx, d, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
			abort();
		pos += len;
		n++;
		total++;
	}
	/* loopback delivers at once: poll until every datagram is accounted for */
	for (int i = 0; i < 200 && seen < total; i++) {
		vsw_switch_poll(sw, i ? 1 : 0);
		seen = 0;
		for (int w = 0; w < N_WHY; w++)
			seen += vsw_port_counter(up, why_ctr[w]) - before[w];
	}
	for (int w = 0; w < N_WHY; w++)
		if (vsw_port_counter(up, why_ctr[w]) - before[w] != expect[w])
			abort();
	if (n_got > n_want)
		abort();
	return 0;
}
