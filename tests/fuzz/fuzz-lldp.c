// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the LLDP parser and neighbor table,
 * through the frame path. Arbitrary bytes become the LLDPDUs of frames to
 * an LLDP group address on two uplinks of a listening switch, with a test
 * clock that moves between frames. Besides "no crash", it checks:
 *  - nothing is ever delivered, and every frame counts in lldp_rx;
 *  - lldp_discarded never exceeds lldp_rx;
 *  - each uplink reports at most 8 neighbors, each with IDs of 1 to 255
 *    bytes, a time to live of at least 1 and no more than it has left,
 *    text of printable ASCII only and no longer than 255 escaped bytes, and
 *    a Port VLAN ID of 0 to 4094.
 *
 * Input: records of [selector][length: 2 bytes][bytes...]. Selector bits
 * 0-1: the group address (01:80:c2:00:00:0e, :03, :00, :0e); bit 2: an
 * 802.1Q tag; bit 3: the second uplink; bits 4-7: seconds the clock moves
 * before the frame, times 16.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

static struct vsw_switch *sw;
static struct vsw_uplink *up[2];
static uint64_t now_ns = 1000000000ull;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

static unsigned int never(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	(void)port, (void)f, (void)n, (void)user;
	abort();
	return n;
}

static void check_text(const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	if (n > 4 * 255)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

static int check_neighbor(const struct vsw_lldp_neighbor *n, void *user)
{
	unsigned int *count = user;

	if (++*count > 8)
		abort();
	if (n->size != sizeof(*n) || !n->chassis_id_len || n->chassis_id_len > 255 ||
	    !n->port_id_len || n->port_id_len > 255 || !n->chassis_id || !n->port_id)
		abort();
	if (!n->ttl || n->ttl > 65535 || n->expires_sec > n->ttl || n->port_vlan_id > 4094)
		abort();
	if (!n->chassis_id_text || !n->port_id_text)
		abort();
	check_text(n->chassis_id_text);
	check_text(n->port_id_text);
	check_text(n->port_description);
	check_text(n->system_name);
	check_text(n->system_description);
	return 0;
}

static int setup(void)
{
	struct vsw_portgroup *pg;
	struct vsw_vnic *v;
	static const uint8_t mac[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };

	if (vsw_switch_new("fuzz", NULL, &sw) || vsw_switch_set_clock(sw, test_clock, NULL) ||
	    vsw_uplink_add(sw, "vmnic0", 0, &up[0]) || vsw_uplink_add(sw, "vmnic1", 0, &up[1]) ||
	    vsw_portgroup_add(sw, "trunk", 4095, 0, &pg) ||
	    vsw_portgroup_policy_set(pg, VSW_POL_PROMISCUOUS, 1) ||
	    vsw_vnic_add(pg, "t", mac, 0, &v))
		return -1;
	vsw_port_set_rx(vsw_vnic_port(v), never, NULL);
	vsw_port_set_rx(vsw_uplink_port(up[0]), never, NULL);
	vsw_port_set_rx(vsw_uplink_port(up[1]), never, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t low[4] = { 0x0e, 0x03, 0x00, 0x0e };
	static uint8_t frame[2048];
	size_t pos = 0;

	if (!sw && setup())
		abort();
	/* every run starts from the same state: listening off forgets all */
	if (vsw_switch_set_lldp_mode(sw, VSW_LLDP_NONE) || vsw_switch_set_lldp_mode(sw, VSW_LLDP_LISTEN))
		abort();
	now_ns = 1000000000ull;
	while (pos + 3 <= size) {
		uint8_t sel = data[pos];
		size_t len = (size_t)(data[pos + 1] | data[pos + 2] << 8) % 1600, k = 12;
		struct vsw_port *p = vsw_uplink_port(up[sel >> 3 & 1]);
		struct vsw_frame f = { .data = frame };
		uint64_t rx, disc;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		now_ns += (uint64_t)(sel >> 4) * 16 * 1000000000ull;
		memcpy(frame, (const uint8_t[]){ 0x01, 0x80, 0xc2, 0x00, 0x00, low[sel & 3],
						 0x00, 0x1c, 0x73, 0x00, 0x00, 0x01 }, 12);
		if (sel & 4) {
			memcpy(frame + k, (const uint8_t[]){ 0x81, 0x00, 0x00, 0x05 }, 4);
			k += 4;
		}
		frame[k++] = 0x88;
		frame[k++] = 0xcc;
		memcpy(frame + k, data + pos, len);
		f.len = (uint32_t)(k + len);
		pos += len;

		rx = vsw_port_counter(p, VSW_CTR_LLDP_RX);
		disc = vsw_port_counter(p, VSW_CTR_LLDP_DISCARDED);
		if (vsw_port_input(p, &f, 1))
			abort();
		/* within the MTU, every frame is LLDP; bigger ones are oversize */
		if (f.len - k <= 1500 && vsw_port_counter(p, VSW_CTR_LLDP_RX) != rx + 1)
			abort();
		if (vsw_port_counter(p, VSW_CTR_LLDP_DISCARDED) > disc + 1 ||
		    vsw_port_counter(p, VSW_CTR_LLDP_DISCARDED) > vsw_port_counter(p, VSW_CTR_LLDP_RX))
			abort();
		for (int i = 0; i < 2; i++) {
			unsigned int count = 0;
			if (vsw_uplink_lldp_foreach(up[i], check_neighbor, &count))
				abort();
		}
	}
	return 0;
}
