// SPDX-License-Identifier: MIT
/*
 * Description: the bad-input table. Frames a guest or the wire may send
 * (runts, short tags, oversize and jumbo frames, VID 4095 and 0 tags, double
 * tags, bad source MACs, a frame to its own port, a zero destination) with
 * the exact counter each one raises, batch sizes 0 and VSW_BATCH_MAX + 1,
 * and NULL for every pointer argument of every public function with the
 * exact result.
 */
#include <stdlib.h>

#include <vsw_backend.h>
#include <vsw_host.h>

#include "cksuite.h"

/* ---- frames ---- */

enum from { VNIC10, TRUNK, UPLINK };

struct frame_row {
	const char *what;
	enum from from;
	uint32_t len;          /* the frame is cut to this length */
	int ntags;
	uint16_t tpid[2], tci[2];
	int src;               /* 0 own MAC, 1 zero, 2 multicast, 3 other unicast */
	int dst;               /* 0 broadcast, 1 the sender itself, 2 zero MAC */
	enum vsw_counter ctr;  /* the counter that rises, on the sender */
	int delivered;         /* or: the frame reaches this many ports */
};

static const struct frame_row frames[] = {
	{ "runt 0", VNIC10, 0, 0, {0}, {0}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "runt 1", VNIC10, 1, 0, {0}, {0}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "runt 6", VNIC10, 6, 0, {0}, {0}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "runt 12", VNIC10, 12, 0, {0}, {0}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "runt 13", UPLINK, 13, 0, {0}, {0}, 3, 0, VSW_CTR_RUNT, 0 },
	{ "exactly 14", VNIC10, 14, 0, {0}, {0}, 0, 0, 0, 3 },
	{ "truncated VLAN header 16", TRUNK, 16, 1, {0x8100}, {10}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "truncated VLAN header 17", UPLINK, 17, 1, {0x8100}, {10}, 3, 0, VSW_CTR_RUNT, 0 },
	{ "truncated S-tag 17", VNIC10, 17, 1, {0x88a8}, {10}, 0, 0, VSW_CTR_RUNT, 0 },
	{ "zero source", VNIC10, 60, 0, {0}, {0}, 1, 0, VSW_CTR_BAD_SRC, 0 },
	{ "multicast source", UPLINK, 60, 0, {0}, {0}, 2, 0, VSW_CTR_BAD_SRC, 0 },
	{ "oversize 1515", VNIC10, 1515, 0, {0}, {0}, 0, 0, VSW_CTR_OVERSIZE, 0 },
	{ "largest 1514", VNIC10, 1514, 0, {0}, {0}, 0, 0, 0, 3 },
	{ "jumbo 9014 on MTU 1500", UPLINK, 9014, 1, {0x8100}, {10}, 3, 0, VSW_CTR_OVERSIZE, 0 },
	{ "tagged 1519", TRUNK, 1519, 1, {0x8100}, {10}, 0, 0, VSW_CTR_OVERSIZE, 0 },
	{ "tag on an access port", VNIC10, 60, 1, {0x8100}, {10}, 0, 0, VSW_CTR_VLAN_VIOLATION, 0 },
	{ "VID 0 tag on an access port", VNIC10, 60, 1, {0x8100}, {0}, 0, 0, VSW_CTR_VLAN_VIOLATION, 0 },
	{ "VID 4095 from a trunk", TRUNK, 60, 1, {0x8100}, {4095}, 0, 0, VSW_CTR_VLAN_VIOLATION, 0 },
	{ "VID 4095 from the uplink", UPLINK, 60, 1, {0x8100}, {0x2fff}, 3, 0, VSW_CTR_VLAN_VIOLATION, 0 },
	{ "VID 0 (priority) from the uplink", UPLINK, 60, 1, {0x8100}, {0xa000}, 3, 0, 0, 2 },
	{ "double tag from the uplink", UPLINK, 64, 2, {0x8100, 0x8100}, {10, 20}, 3, 0, 0, 3 },
	{ "double tag from a trunk", TRUNK, 64, 2, {0x8100, 0x8100}, {10, 20}, 0, 0, 0, 3 },
	{ "to its own MAC", VNIC10, 60, 0, {0}, {0}, 0, 1, VSW_CTR_SELF_DST, 0 },
	{ "to the zero MAC from the uplink", UPLINK, 60, 0, {0}, {0}, 3, 2, VSW_CTR_UNKNOWN_DST, 0 },
	{ "to the zero MAC from a vNIC", VNIC10, 60, 0, {0}, {0}, 0, 2, 0, 1 },
};

static const uint8_t mac_v10[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x10 };
static const uint8_t mac_v10b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x11 };
static const uint8_t mac_est[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x20 };
static const uint8_t mac_trunk[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x40 };
static unsigned int n_delivered;

static unsigned int count(struct vsw_port *p, const struct vsw_frame *f, unsigned int n, void *user)
{
	(void)p;
	(void)f;
	(void)user;
	n_delivered += n;
	return n;
}

START_TEST(bad_frames)
{
	const struct frame_row *r = &frames[_i];
	static uint8_t buf[9100];
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *v10, *est, *trunk;
	struct vsw_uplink *u;
	struct vsw_vnic *a, *b, *e, *t;
	struct vsw_port *from;
	const uint8_t *own;
	uint8_t src[6], dst[6];
	struct ck_tag tags[2];

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_portgroup_add(sw, "v10", 10, 0, &v10));
	ck_ok(vsw_portgroup_add(sw, "est", 0, 0, &est));
	ck_ok(vsw_portgroup_add(sw, "trunk", 4095, 0, &trunk));
	ck_ok(vsw_vnic_add(v10, "a", mac_v10, 0, &a));
	ck_ok(vsw_vnic_add(v10, "b", mac_v10b, 0, &b));
	ck_ok(vsw_vnic_add(est, "e", mac_est, 0, &e));
	ck_ok(vsw_vnic_add(trunk, "t", mac_trunk, 0, &t));
	ck_ok(vsw_port_set_rx(vsw_uplink_port(u), count, NULL));
	ck_ok(vsw_vnic_set_rx(a, count, NULL));
	ck_ok(vsw_vnic_set_rx(b, count, NULL));
	ck_ok(vsw_vnic_set_rx(e, count, NULL));
	ck_ok(vsw_vnic_set_rx(t, count, NULL));
	n_delivered = 0;

	from = r->from == VNIC10 ? vsw_vnic_port(a) : r->from == TRUNK ? vsw_vnic_port(t)
							    : vsw_uplink_port(u);
	own = r->from == VNIC10 ? mac_v10 : mac_trunk;
	switch (r->src) {
	case 0: memcpy(src, own, 6); break;
	case 1: memset(src, 0, 6); break;
	case 2: memcpy(src, (uint8_t[6]){ 0x01, 0x00, 0x5e, 0, 0, 1 }, 6); break;
	default: memcpy(src, (uint8_t[6]){ 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, 6); break;
	}
	if (r->dst == 0)
		memset(dst, 0xff, 6);
	else if (r->dst == 1)
		memcpy(dst, own, 6);
	else
		memset(dst, 0, 6);
	for (int i = 0; i < r->ntags; i++)
		tags[i] = (struct ck_tag){ r->tpid[i], r->tci[i] };
	ck_frame(buf, dst, src, tags, (unsigned int)r->ntags, 0x0800, 9000);
	ck_send(from, buf, r->len);

	ck_assert_uint_eq(vsw_port_counter(from, VSW_CTR_RX_PACKETS), 1);
	if (r->ctr) {
		ck_assert_msg(vsw_port_counter(from, r->ctr) == 1, "%s: %s not counted", r->what,
			      vsw_counter_name(r->ctr));
		ck_assert_msg(ck_drops(from) == 1, "%s: more than one drop", r->what);
	} else {
		ck_assert_msg(ck_drops(from) == 0, "%s: dropped", r->what);
	}
	ck_assert_msg(n_delivered == (unsigned int)r->delivered, "%s: delivered %u, expected %d",
		      r->what, n_delivered, r->delivered);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(bad_batches)
{
	static struct vsw_frame f[VSW_BATCH_MAX + 1];
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *a;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_v10, 0, &a));
	ck_ok(vsw_port_input(vsw_vnic_port(a), f, 0));
	ck_assert_int_eq(vsw_port_input(vsw_vnic_port(a), f, VSW_BATCH_MAX + 1), -EINVAL);
	ck_assert_int_eq(vsw_port_input(vsw_vnic_port(a), f, UINT32_MAX), -EINVAL);
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(a), VSW_CTR_RX_PACKETS), 0);
	vsw_switch_free(sw);
}
END_TEST

/* ---- NULL for every pointer argument of every public function ---- */

static struct vsw_switch *g_sw;
static struct vsw_portgroup *g_pg;
static struct vsw_uplink *g_up;
static struct vsw_vnic *g_vnic;
static struct vsw_vmk *g_vmk;
static struct vsw_port *g_port;
static uint8_t g_mac[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x99 };

struct null_row {
	const char *call;
	long (*fn)(void);
	long want;
};

/* one small function per row, and the row naming it */
#define NR(id, expr) static long nr_##id(void) { return (long)(expr); }
#define R(id, call, want) { call, nr_##id, (long)(want) }

static unsigned int noop_rx(struct vsw_port *p, const struct vsw_frame *f, unsigned int n, void *u)
{
	(void)p; (void)f; (void)n; (void)u;
	return n;
}
static int noop_fdb(const struct vsw_fdb_entry_info *e, void *u)
{
	(void)e; (void)u;
	return 0;
}
static int noop_ip(const char *cidr, void *u)
{
	(void)cidr; (void)u;
	return 0;
}
static int noop_route(const char *dst, const char *gw, void *u)
{
	(void)dst; (void)gw; (void)u;
	return 0;
}
static struct vsw_switch *sw_out;
static struct vsw_portgroup *pg_out;
static struct vsw_port *port_out;
static struct vsw_uplink *up_out;
static struct vsw_backend *be_out;
static uint64_t u64_out;
static uint8_t mac_out[6];
static const char *names1[] = { "vmnic0" };
static struct vsw_frame frame1;

NR(sw_new_name, vsw_switch_new(NULL, NULL, &sw_out))
NR(sw_new_out, vsw_switch_new("x", NULL, NULL))
NR(sw_free, (vsw_switch_free(NULL), 0))
NR(sw_name, vsw_switch_name(NULL))
NR(sw_mtu, vsw_switch_mtu(NULL))
NR(sw_set_mtu, vsw_switch_set_mtu(NULL, 1500))
NR(sw_set_bcn, vsw_switch_set_beacon_interval(NULL, 1000))
NR(sw_bcn, vsw_switch_beacon_interval(NULL))
NR(up_bcn, vsw_uplink_beacon_state(NULL))
NR(up_bcn_vlan, vsw_uplink_beacon_vlan_state(NULL, 0))
NR(sw_set_log, vsw_switch_set_log(NULL, NULL, VSW_LOG_ERR, NULL))
NR(pol_name, vsw_policy_name(-1))
NR(sw_pol_set, vsw_switch_policy_set(NULL, VSW_POL_FAILBACK, 1))
NR(sw_pol_get, vsw_switch_policy_get(NULL, VSW_POL_FAILBACK, &u64_out))
NR(sw_pol_get_v, vsw_switch_policy_get(g_sw, VSW_POL_FAILBACK, NULL))
NR(pg_pol_set, vsw_portgroup_policy_set(NULL, VSW_POL_FAILBACK, 1))
NR(pg_pol_get, vsw_portgroup_policy_get(NULL, VSW_POL_FAILBACK, &u64_out, NULL))
NR(pg_pol_get_v, vsw_portgroup_policy_get(g_pg, VSW_POL_FAILBACK, NULL, NULL))
NR(pg_pol_clear, vsw_portgroup_policy_clear(NULL, VSW_POL_FAILBACK))
NR(pg_add_sw, vsw_portgroup_add(NULL, "x", 0, 0, NULL))
NR(pg_add_name, vsw_portgroup_add(g_sw, NULL, 0, 0, NULL))
NR(pg_remove, vsw_portgroup_remove(NULL))
NR(pg_find_sw, vsw_portgroup_find(NULL, "pg", &pg_out))
NR(pg_find_name, vsw_portgroup_find(g_sw, NULL, &pg_out))
NR(pg_find_out, vsw_portgroup_find(g_sw, "pg", NULL))
NR(pg_next, vsw_portgroup_next(NULL, NULL))
NR(pg_name, vsw_portgroup_name(NULL))
NR(pg_switch, vsw_portgroup_switch(NULL))
NR(pg_vlan, vsw_portgroup_vlan(NULL))
NR(pg_set_vlan, vsw_portgroup_set_vlan(NULL, 1))
NR(pg_count, vsw_portgroup_port_count(NULL))
NR(pg_port_next, vsw_portgroup_port_next(NULL, NULL))
NR(sw_team, vsw_switch_set_teaming(NULL, names1, 1, NULL, 0))
NR(sw_team_act, vsw_switch_set_teaming(g_sw, NULL, 1, NULL, 0))
NR(sw_team_stb, vsw_switch_set_teaming(g_sw, names1, 1, NULL, 1))
NR(pg_team, vsw_portgroup_set_teaming(NULL, names1, 1, NULL, 0))
NR(pg_team_act, vsw_portgroup_set_teaming(g_pg, NULL, 1, NULL, 0))
NR(pg_clear_team, vsw_portgroup_clear_teaming(NULL))
NR(pg_team_inh, vsw_portgroup_teaming_inherited(NULL))
NR(sw_team_up, vsw_switch_teaming_uplink(NULL, VSW_UPLINK_ACTIVE, 0))
NR(pg_team_up, vsw_portgroup_teaming_uplink(NULL, VSW_UPLINK_ACTIVE, 0))
NR(port_find_sw, vsw_port_find(NULL, "a", &port_out))
NR(port_find_name, vsw_port_find(g_sw, NULL, &port_out))
NR(port_find_out, vsw_port_find(g_sw, "a", NULL))
NR(port_next, vsw_port_next(NULL, NULL))
NR(port_kind, vsw_port_kind(NULL))
NR(port_name, vsw_port_name(NULL))
NR(port_switch, vsw_port_switch(NULL))
NR(port_pg, vsw_port_portgroup(NULL))
NR(port_mac, vsw_port_mac(NULL, mac_out))
NR(port_mac_out, vsw_port_mac(g_port, NULL))
NR(port_set_link, vsw_port_set_link(NULL, 1))
NR(port_link, vsw_port_link(NULL))
NR(ctr_name, vsw_counter_name(-1))
NR(ctr_kind, vsw_counter_kind(-1))
NR(port_ctr, vsw_port_counter(NULL, VSW_CTR_RX_PACKETS))
NR(port_clear, vsw_port_clear_counters(NULL))
NR(up_add_sw, vsw_uplink_add(NULL, "x", 0, NULL))
NR(up_add_name, vsw_uplink_add(g_sw, NULL, 0, NULL))
NR(up_remove, vsw_uplink_remove(NULL))
NR(up_find_sw, vsw_uplink_find(NULL, "vmnic0", &up_out))
NR(up_find_name, vsw_uplink_find(g_sw, NULL, &up_out))
NR(up_find_out, vsw_uplink_find(g_sw, "vmnic0", NULL))
NR(up_next, vsw_uplink_next(NULL, NULL))
NR(up_port, vsw_uplink_port(NULL))
NR(to_up, vsw_port_to_uplink(NULL))
NR(vnic_add_pg, vsw_vnic_add(NULL, "x", g_mac, 0, NULL))
NR(vnic_add_name, vsw_vnic_add(g_pg, NULL, g_mac, 0, NULL))
NR(vnic_add_mac, vsw_vnic_add(g_pg, "x", NULL, 0, NULL))
NR(vnic_remove, vsw_vnic_remove(NULL))
NR(vnic_port, vsw_vnic_port(NULL))
NR(to_vnic, vsw_port_to_vnic(NULL))
NR(vnic_imac, vsw_vnic_initial_mac(NULL, mac_out))
NR(vnic_imac_out, vsw_vnic_initial_mac(g_vnic, NULL))
NR(vnic_set_mac, vsw_vnic_set_mac(NULL, g_mac))
NR(vnic_set_mac_v, vsw_vnic_set_mac(g_vnic, NULL))
NR(vmk_svc_name, vsw_vmk_service_name(0))
NR(vmk_add_pg, vsw_vmk_add(NULL, "x", g_mac, 0, 0, NULL))
NR(vmk_add_name, vsw_vmk_add(g_pg, NULL, g_mac, 0, 0, NULL))
NR(vmk_add_mac, vsw_vmk_add(g_pg, "x", NULL, 0, 0, NULL))
NR(vmk_remove, vsw_vmk_remove(NULL))
NR(vmk_port, vsw_vmk_port(NULL))
NR(to_vmk, vsw_port_to_vmk(NULL))
NR(vmk_svcs, vsw_vmk_services(NULL))
NR(vmk_set_svcs, vsw_vmk_set_services(NULL, 0))
NR(vmk_iface, vsw_vmk_iface_create(NULL, NULL))
NR(vmk_netstack, vsw_vmk_netstack(NULL))
NR(vmk_mtu, vsw_vmk_mtu(NULL))
NR(vmk_set_mtu, vsw_vmk_set_mtu(NULL, 1500))
NR(vmk_ip_add, vsw_vmk_ip_add(NULL, "192.0.2.1/24"))
NR(vmk_ip_add_cidr, vsw_vmk_ip_add(g_vmk, NULL))
NR(vmk_ip_remove, vsw_vmk_ip_remove(NULL, "192.0.2.1/24"))
NR(vmk_ip_remove_cidr, vsw_vmk_ip_remove(g_vmk, NULL))
NR(vmk_ip_each, vsw_vmk_ip_foreach(NULL, noop_ip, NULL))
NR(vmk_ip_each_fn, vsw_vmk_ip_foreach(g_vmk, NULL, NULL))
NR(vmk_route_add, vsw_vmk_route_add(NULL, "default", "192.0.2.1"))
NR(vmk_route_add_dst, vsw_vmk_route_add(g_vmk, NULL, "192.0.2.1"))
NR(vmk_route_remove, vsw_vmk_route_remove(NULL, "default", NULL))
NR(vmk_route_remove_dst, vsw_vmk_route_remove(g_vmk, NULL, NULL))
NR(vmk_route_each, vsw_vmk_route_foreach(NULL, noop_route, NULL))
NR(vmk_route_each_fn, vsw_vmk_route_foreach(g_vmk, NULL, NULL))
NR(netstack_add, vsw_netstack_add(NULL))
NR(netstack_remove, vsw_netstack_remove(NULL))
NR(input_port, vsw_port_input(NULL, &frame1, 1))
NR(input_frames, vsw_port_input(g_port, NULL, 1))
NR(set_rx, vsw_port_set_rx(NULL, noop_rx, NULL))
NR(vnic_set_rx, vsw_vnic_set_rx(NULL, noop_rx, NULL))
NR(vmk_set_rx, vsw_vmk_set_rx(NULL, noop_rx, NULL))
NR(set_offloads, vsw_port_set_offloads(NULL, 0))
NR(set_offloads_bits, vsw_port_set_offloads(g_port, VSW_OFFLOAD_ALL + 1))
NR(offloads, vsw_port_offloads(NULL))
NR(set_clock, vsw_switch_set_clock(NULL, NULL, NULL))
NR(cur_up, vsw_port_current_uplink(NULL))
NR(fdb_each_sw, vsw_switch_fdb_foreach(NULL, noop_fdb, NULL))
NR(fdb_each_fn, vsw_switch_fdb_foreach(g_sw, NULL, NULL))
NR(fdb_flush, vsw_switch_fdb_flush(NULL))
static int lldp_nop(const struct vsw_lldp_neighbor *n, void *user)
{
	(void)n, (void)user;
	return 0;
}
NR(lldp_set_mode, vsw_switch_set_lldp_mode(NULL, VSW_LLDP_BOTH))
NR(lldp_mode, vsw_switch_lldp_mode(NULL))
NR(lldp_set_int, vsw_switch_set_lldp_interval(NULL, 30))
NR(lldp_int, vsw_switch_lldp_interval(NULL))
NR(lldp_each_up, vsw_uplink_lldp_foreach(NULL, lldp_nop, NULL))
NR(lldp_each_fn, vsw_uplink_lldp_foreach(g_up, NULL, NULL))
NR(be_open_spec, vsw_backend_open(NULL, NULL, &be_out))
NR(be_open_out, vsw_backend_open("memory:n", NULL, NULL))
NR(be_close, (vsw_backend_close(NULL), 0))
NR(be_type, vsw_backend_type(NULL))
NR(be_recv, vsw_backend_recv(NULL, &frame1, 1))
NR(be_send, vsw_backend_send(NULL, &frame1, 1))
NR(be_fd, vsw_backend_fd(NULL))
NR(be_link, vsw_backend_link(NULL))
NR(be_set_link, vsw_backend_set_link(NULL, 1))
NR(be_set_persist, vsw_backend_set_persist(NULL, 1))
NR(be_mac, vsw_backend_mac(NULL, mac_out))
NR(be_mtu, vsw_backend_mtu(NULL))
NR(attach_port, vsw_port_attach(NULL, "memory:n", NULL))
NR(attach_spec, vsw_port_attach(g_port, NULL, NULL))
NR(attach_be_port, vsw_port_attach_backend(NULL, NULL))
NR(attach_be_be, vsw_port_attach_backend(g_port, NULL))
NR(detach, vsw_port_detach(NULL))
NR(port_be, vsw_port_backend(NULL))
NR(poll, vsw_switch_poll(NULL, 0))
NR(fd, vsw_switch_fd(NULL))
NR(run, vsw_switch_run(NULL))
NR(stop, vsw_switch_stop(NULL))
NR(reg, vsw_backend_register(NULL))
NR(unreg, vsw_backend_unregister(NULL))
NR(be_priv, vsw_backend_priv(NULL))
NR(be_set_priv, (vsw_backend_set_priv(NULL, NULL), 0))
NR(be_notify, (vsw_backend_notify(NULL), 0))

static const struct null_row nulls[] = {
	R(sw_new_name, "vsw_switch_new(NULL name)", -EINVAL),
	R(sw_new_out, "vsw_switch_new(NULL out)", -EINVAL),
	R(sw_free, "vsw_switch_free(NULL)", 0),
	R(sw_name, "vsw_switch_name(NULL)", 0),
	R(sw_mtu, "vsw_switch_mtu(NULL)", 0),
	R(sw_set_mtu, "vsw_switch_set_mtu(NULL)", -EINVAL),
	R(sw_set_bcn, "vsw_switch_set_beacon_interval(NULL)", -EINVAL),
	R(sw_bcn, "vsw_switch_beacon_interval(NULL)", 0),
	R(up_bcn, "vsw_uplink_beacon_state(NULL)", 0),
	R(up_bcn_vlan, "vsw_uplink_beacon_vlan_state(NULL)", 0),
	R(sw_set_log, "vsw_switch_set_log(NULL)", -EINVAL),
	R(pol_name, "vsw_policy_name(-1)", 0),
	R(sw_pol_set, "vsw_switch_policy_set(NULL)", -EINVAL),
	R(sw_pol_get, "vsw_switch_policy_get(NULL sw)", -EINVAL),
	R(sw_pol_get_v, "vsw_switch_policy_get(NULL value)", -EINVAL),
	R(pg_pol_set, "vsw_portgroup_policy_set(NULL)", -EINVAL),
	R(pg_pol_get, "vsw_portgroup_policy_get(NULL pg)", -EINVAL),
	R(pg_pol_get_v, "vsw_portgroup_policy_get(NULL value)", -EINVAL),
	R(pg_pol_clear, "vsw_portgroup_policy_clear(NULL)", -EINVAL),
	R(pg_add_sw, "vsw_portgroup_add(NULL sw)", -EINVAL),
	R(pg_add_name, "vsw_portgroup_add(NULL name)", -EINVAL),
	R(pg_remove, "vsw_portgroup_remove(NULL)", -EINVAL),
	R(pg_find_sw, "vsw_portgroup_find(NULL sw)", -EINVAL),
	R(pg_find_name, "vsw_portgroup_find(NULL name)", -EINVAL),
	R(pg_find_out, "vsw_portgroup_find(NULL out)", -EINVAL),
	R(pg_next, "vsw_portgroup_next(NULL)", 0),
	R(pg_name, "vsw_portgroup_name(NULL)", 0),
	R(pg_switch, "vsw_portgroup_switch(NULL)", 0),
	R(pg_vlan, "vsw_portgroup_vlan(NULL)", 0),
	R(pg_set_vlan, "vsw_portgroup_set_vlan(NULL)", -EINVAL),
	R(pg_count, "vsw_portgroup_port_count(NULL)", 0),
	R(pg_port_next, "vsw_portgroup_port_next(NULL)", 0),
	R(sw_team, "vsw_switch_set_teaming(NULL sw)", -EINVAL),
	R(sw_team_act, "vsw_switch_set_teaming(NULL active)", -EINVAL),
	R(sw_team_stb, "vsw_switch_set_teaming(NULL standby, 1)", -EINVAL),
	R(pg_team, "vsw_portgroup_set_teaming(NULL pg)", -EINVAL),
	R(pg_team_act, "vsw_portgroup_set_teaming(NULL active)", -EINVAL),
	R(pg_clear_team, "vsw_portgroup_clear_teaming(NULL)", -EINVAL),
	R(pg_team_inh, "vsw_portgroup_teaming_inherited(NULL)", -EINVAL),
	R(sw_team_up, "vsw_switch_teaming_uplink(NULL)", 0),
	R(pg_team_up, "vsw_portgroup_teaming_uplink(NULL)", 0),
	R(port_find_sw, "vsw_port_find(NULL sw)", -EINVAL),
	R(port_find_name, "vsw_port_find(NULL name)", -EINVAL),
	R(port_find_out, "vsw_port_find(NULL out)", -EINVAL),
	R(port_next, "vsw_port_next(NULL)", 0),
	R(port_kind, "vsw_port_kind(NULL)", 0),
	R(port_name, "vsw_port_name(NULL)", 0),
	R(port_switch, "vsw_port_switch(NULL)", 0),
	R(port_pg, "vsw_port_portgroup(NULL)", 0),
	R(port_mac, "vsw_port_mac(NULL port)", -EINVAL),
	R(port_mac_out, "vsw_port_mac(NULL mac)", -EINVAL),
	R(port_set_link, "vsw_port_set_link(NULL)", -EINVAL),
	R(port_link, "vsw_port_link(NULL)", 0),
	R(ctr_name, "vsw_counter_name(-1)", 0),
	R(ctr_kind, "vsw_counter_kind(-1)", 0),
	R(port_ctr, "vsw_port_counter(NULL)", 0),
	R(port_clear, "vsw_port_clear_counters(NULL)", -EINVAL),
	R(up_add_sw, "vsw_uplink_add(NULL sw)", -EINVAL),
	R(up_add_name, "vsw_uplink_add(NULL name)", -EINVAL),
	R(up_remove, "vsw_uplink_remove(NULL)", -EINVAL),
	R(up_find_sw, "vsw_uplink_find(NULL sw)", -EINVAL),
	R(up_find_name, "vsw_uplink_find(NULL name)", -EINVAL),
	R(up_find_out, "vsw_uplink_find(NULL out)", -EINVAL),
	R(up_next, "vsw_uplink_next(NULL)", 0),
	R(up_port, "vsw_uplink_port(NULL)", 0),
	R(to_up, "vsw_port_to_uplink(NULL)", 0),
	R(vnic_add_pg, "vsw_vnic_add(NULL pg)", -EINVAL),
	R(vnic_add_name, "vsw_vnic_add(NULL name)", -EINVAL),
	R(vnic_add_mac, "vsw_vnic_add(NULL mac)", -EINVAL),
	R(vnic_remove, "vsw_vnic_remove(NULL)", -EINVAL),
	R(vnic_port, "vsw_vnic_port(NULL)", 0),
	R(to_vnic, "vsw_port_to_vnic(NULL)", 0),
	R(vnic_imac, "vsw_vnic_initial_mac(NULL vnic)", -EINVAL),
	R(vnic_imac_out, "vsw_vnic_initial_mac(NULL mac)", -EINVAL),
	R(vnic_set_mac, "vsw_vnic_set_mac(NULL vnic)", -EINVAL),
	R(vnic_set_mac_v, "vsw_vnic_set_mac(NULL mac)", -EINVAL),
	R(vmk_svc_name, "vsw_vmk_service_name(0)", 0),
	R(vmk_add_pg, "vsw_vmk_add(NULL pg)", -EINVAL),
	R(vmk_add_name, "vsw_vmk_add(NULL name)", -EINVAL),
	R(vmk_add_mac, "vsw_vmk_add(NULL mac)", -EINVAL),
	R(vmk_remove, "vsw_vmk_remove(NULL)", -EINVAL),
	R(vmk_port, "vsw_vmk_port(NULL)", 0),
	R(to_vmk, "vsw_port_to_vmk(NULL)", 0),
	R(vmk_svcs, "vsw_vmk_services(NULL)", 0),
	R(vmk_set_svcs, "vsw_vmk_set_services(NULL)", -EINVAL),
	R(vmk_iface, "vsw_vmk_iface_create(NULL)", -EINVAL),
	R(vmk_netstack, "vsw_vmk_netstack(NULL)", 0),
	R(vmk_mtu, "vsw_vmk_mtu(NULL)", -EINVAL),
	R(vmk_set_mtu, "vsw_vmk_set_mtu(NULL)", -EINVAL),
	R(vmk_ip_add, "vsw_vmk_ip_add(NULL vmk)", -EINVAL),
	R(vmk_ip_add_cidr, "vsw_vmk_ip_add(NULL cidr)", -EINVAL),
	R(vmk_ip_remove, "vsw_vmk_ip_remove(NULL vmk)", -EINVAL),
	R(vmk_ip_remove_cidr, "vsw_vmk_ip_remove(NULL cidr)", -EINVAL),
	R(vmk_ip_each, "vsw_vmk_ip_foreach(NULL vmk)", -EINVAL),
	R(vmk_ip_each_fn, "vsw_vmk_ip_foreach(NULL fn)", -EINVAL),
	R(vmk_route_add, "vsw_vmk_route_add(NULL vmk)", -EINVAL),
	R(vmk_route_add_dst, "vsw_vmk_route_add(NULL dst)", -EINVAL),
	R(vmk_route_remove, "vsw_vmk_route_remove(NULL vmk)", -EINVAL),
	R(vmk_route_remove_dst, "vsw_vmk_route_remove(NULL dst)", -EINVAL),
	R(vmk_route_each, "vsw_vmk_route_foreach(NULL vmk)", -EINVAL),
	R(vmk_route_each_fn, "vsw_vmk_route_foreach(NULL fn)", -EINVAL),
	R(netstack_add, "vsw_netstack_add(NULL)", -EINVAL),
	R(netstack_remove, "vsw_netstack_remove(NULL)", -EINVAL),
	R(input_port, "vsw_port_input(NULL port)", -EINVAL),
	R(input_frames, "vsw_port_input(NULL frames, 1)", -EINVAL),
	R(set_rx, "vsw_port_set_rx(NULL)", -EINVAL),
	R(vnic_set_rx, "vsw_vnic_set_rx(NULL)", -EINVAL),
	R(vmk_set_rx, "vsw_vmk_set_rx(NULL)", -EINVAL),
	R(set_offloads, "vsw_port_set_offloads(NULL)", -EINVAL),
	R(set_offloads_bits, "vsw_port_set_offloads(unknown bit)", -EINVAL),
	R(offloads, "vsw_port_offloads(NULL)", 0),
	R(set_clock, "vsw_switch_set_clock(NULL)", -EINVAL),
	R(cur_up, "vsw_port_current_uplink(NULL)", 0),
	R(fdb_each_sw, "vsw_switch_fdb_foreach(NULL sw)", -EINVAL),
	R(fdb_each_fn, "vsw_switch_fdb_foreach(NULL fn)", -EINVAL),
	R(fdb_flush, "vsw_switch_fdb_flush(NULL)", -EINVAL),
	R(lldp_set_mode, "vsw_switch_set_lldp_mode(NULL)", -EINVAL),
	R(lldp_mode, "vsw_switch_lldp_mode(NULL)", VSW_LLDP_NONE),
	R(lldp_set_int, "vsw_switch_set_lldp_interval(NULL)", -EINVAL),
	R(lldp_int, "vsw_switch_lldp_interval(NULL)", 0),
	R(lldp_each_up, "vsw_uplink_lldp_foreach(NULL uplink)", -EINVAL),
	R(lldp_each_fn, "vsw_uplink_lldp_foreach(NULL fn)", -EINVAL),
	R(be_open_spec, "vsw_backend_open(NULL spec)", -EINVAL),
	R(be_open_out, "vsw_backend_open(NULL out)", -EINVAL),
	R(be_close, "vsw_backend_close(NULL)", 0),
	R(be_type, "vsw_backend_type(NULL)", 0),
	R(be_recv, "vsw_backend_recv(NULL)", -EINVAL),
	R(be_send, "vsw_backend_send(NULL)", -EINVAL),
	R(be_fd, "vsw_backend_fd(NULL)", -EINVAL),
	R(be_link, "vsw_backend_link(NULL)", -EINVAL),
	R(be_set_link, "vsw_backend_set_link(NULL)", -EINVAL),
	R(be_set_persist, "vsw_backend_set_persist(NULL)", -EINVAL),
	R(be_mac, "vsw_backend_mac(NULL)", -EINVAL),
	R(be_mtu, "vsw_backend_mtu(NULL)", -EINVAL),
	R(attach_port, "vsw_port_attach(NULL port)", -EINVAL),
	R(attach_spec, "vsw_port_attach(NULL spec)", -EINVAL),
	R(attach_be_port, "vsw_port_attach_backend(NULL port)", -EINVAL),
	R(attach_be_be, "vsw_port_attach_backend(NULL backend)", -EINVAL),
	R(detach, "vsw_port_detach(NULL)", -EINVAL),
	R(port_be, "vsw_port_backend(NULL)", 0),
	R(poll, "vsw_switch_poll(NULL)", -EINVAL),
	R(fd, "vsw_switch_fd(NULL)", -EINVAL),
	R(run, "vsw_switch_run(NULL)", -EINVAL),
	R(stop, "vsw_switch_stop(NULL)", -EINVAL),
	R(reg, "vsw_backend_register(NULL)", -EINVAL),
	R(unreg, "vsw_backend_unregister(NULL)", -EINVAL),
	R(be_priv, "vsw_backend_priv(NULL)", 0),
	R(be_set_priv, "vsw_backend_set_priv(NULL)", 0),
	R(be_notify, "vsw_backend_notify(NULL)", 0),
};

START_TEST(null_arguments)
{
	g_sw = ck_switch("s");
	ck_ok(vsw_uplink_add(g_sw, "vmnic0", 0, &g_up));
	ck_ok(vsw_portgroup_add(g_sw, "pg", 0, 0, &g_pg));
	ck_ok(vsw_vnic_add(g_pg, "a", (uint8_t[6]){ 0x00, 0x50, 0x56, 0, 0, 1 }, 0, &g_vnic));
	ck_ok(vsw_vmk_add(g_pg, "k", (uint8_t[6]){ 0x00, 0x50, 0x56, 0, 0, 2 }, 0, 0, &g_vmk));
	g_port = vsw_vnic_port(g_vnic);
	ck_assert_msg(nulls[_i].fn() == nulls[_i].want, "%s returned %ld, expected %ld", nulls[_i].call,
		      nulls[_i].fn(), nulls[_i].want);
	/* and the switch is intact */
	ck_assert_uint_eq(vsw_portgroup_port_count(g_pg), 2);
	vsw_switch_free(g_sw);
}
END_TEST

START_TEST(null_table_covers_the_api)
{
	/* one row at least per public function: the header has this many */
	ck_assert_uint_ge(sizeof(nulls) / sizeof(nulls[0]), 101);
}
END_TEST

Suite *vsw_badinput_suite(void)
{
	Suite *s = suite_create("badinput");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, bad_frames, 0, (int)(sizeof(frames) / sizeof(frames[0])));
	tcase_add_test(tc, bad_batches);
	tcase_add_loop_test(tc, null_arguments, 0, (int)(sizeof(nulls) / sizeof(nulls[0])));
	tcase_add_test(tc, null_table_covers_the_api);
	suite_add_tcase(s, tc);
	return s;
}
