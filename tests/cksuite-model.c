// SPDX-License-Identifier: MIT
/*
 * Description: the object model: switches, port groups, uplinks, vNICs,
 * VMkernel ports, the common port, teaming orders, counters and versions;
 * success and error paths of each public call, and "a failed call changes
 * nothing".
 */
#include <stdlib.h>

#include "cksuite.h"

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0b };
static const uint8_t mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t mac_zero[6];

START_TEST(version_matches_headers)
{
	char buf[32];

	ck_assert_uint_eq(vsw_version_major(), VSW_VERSION_MAJOR);
	ck_assert_uint_eq(vsw_version_minor(), VSW_VERSION_MINOR);
	snprintf(buf, sizeof(buf), "%d.%d.%d", VSW_VERSION_MAJOR, VSW_VERSION_MINOR,
		 VSW_VERSION_MICRO);
	ck_assert_str_eq(vsw_version(), buf);
	ck_assert_str_eq(vsw_version(), VSW_VERSION_STRING);
}
END_TEST

START_TEST(switch_new_defaults)
{
	struct vsw_switch *sw = ck_switch("vSwitch0");
	uint64_t v;

	ck_assert_str_eq(vsw_switch_name(sw), "vSwitch0");
	ck_assert_uint_eq(vsw_switch_mtu(sw), 1500);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_PROMISCUOUS, &v));
	ck_assert_uint_eq(v, 0);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_MAC_CHANGES, &v));
	ck_assert_uint_eq(v, 1);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_FORGED_TRANSMITS, &v));
	ck_assert_uint_eq(v, 1);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_LOAD_BALANCING, &v));
	ck_assert_uint_eq(v, VSW_LB_PORT_ID);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_NOTIFY_SWITCHES, &v));
	ck_assert_uint_eq(v, 1);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_FAILBACK, &v));
	ck_assert_uint_eq(v, 1);
	ck_ok(vsw_switch_policy_get(sw, VSW_POL_SHAPING_ENABLED, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert_ptr_null(vsw_portgroup_next(sw, NULL));
	ck_assert_ptr_null(vsw_port_next(sw, NULL));
	ck_assert_ptr_null(vsw_uplink_next(sw, NULL));
	vsw_switch_free(sw);
}
END_TEST

START_TEST(switch_new_errors)
{
	struct vsw_switch *sw = (struct vsw_switch *)&sw;
	char longname[VSW_NAME_MAX + 2];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ck_assert_int_eq(vsw_switch_new(NULL, NULL, &sw), -EINVAL);
	ck_assert_int_eq(vsw_switch_new("s", NULL, NULL), -EINVAL);
	ck_assert_int_eq(vsw_switch_new("", NULL, &sw), -EINVAL);
	ck_assert_int_eq(vsw_switch_new("a\nb", NULL, &sw), -EINVAL);
	ck_assert_int_eq(vsw_switch_new(longname, NULL, &sw), -ENAMETOOLONG);
	longname[VSW_NAME_MAX] = 0;
	{
		VSW_OPTS(vsw_switch_opts, o, .mtu = 1279);
		ck_assert_int_eq(vsw_switch_new("s", &o, &sw), -EINVAL);
		o.mtu = 9001;
		ck_assert_int_eq(vsw_switch_new("s", &o, &sw), -EINVAL);
	}
	/* out is untouched on failure */
	ck_assert_ptr_eq(sw, (struct vsw_switch *)&sw);
	ck_ok(vsw_switch_new(longname, NULL, &sw));
	vsw_switch_free(sw);
	vsw_switch_free(NULL);
}
END_TEST

START_TEST(switch_opts_sizes)
{
	struct {
		struct vsw_switch_opts o;
		uint64_t future;
	} big;
	struct vsw_switch *sw;

	/* a smaller (older) struct gets defaults for the fields it lacks */
	memset(&big, 0, sizeof(big));
	big.o.size = sizeof(size_t);
	big.o.mtu = 1; /* beyond the caller's size: ignored */
	ck_ok(vsw_switch_new("s", &big.o, &sw));
	ck_assert_uint_eq(vsw_switch_mtu(sw), 1500);
	vsw_switch_free(sw);
	/* a larger (newer) struct is fine while its unknown tail is zero */
	memset(&big, 0, sizeof(big));
	big.o.size = sizeof(big);
	big.o.mtu = 9000;
	ck_ok(vsw_switch_new("s", &big.o, &sw));
	ck_assert_uint_eq(vsw_switch_mtu(sw), 9000);
	vsw_switch_free(sw);
	big.future = 1;
	ck_assert_int_eq(vsw_switch_new("s", &big.o, &sw), -EINVAL);
	big.o.size = 3;
	big.future = 0;
	ck_assert_int_eq(vsw_switch_new("s", &big.o, &sw), -EINVAL);
}
END_TEST

START_TEST(switch_mtu)
{
	struct vsw_switch *sw = ck_switch("s");

	ck_ok(vsw_switch_set_mtu(sw, 9000));
	ck_assert_uint_eq(vsw_switch_mtu(sw), 9000);
	ck_ok(vsw_switch_set_mtu(sw, 1280));
	ck_assert_int_eq(vsw_switch_set_mtu(sw, 1279), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_mtu(sw, 9001), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_mtu(NULL, 1500), -EINVAL);
	ck_assert_uint_eq(vsw_switch_mtu(sw), 1280);
	ck_assert_uint_eq(vsw_switch_mtu(NULL), 0);
	ck_assert_ptr_null(vsw_switch_name(NULL));
	vsw_switch_free(sw);
}
END_TEST

static int log_calls;
static void count_log(struct vsw_switch *sw, enum vsw_log_level l, void *user,
		      const char *fmt, va_list ap)
{
	(void)sw; (void)l; (void)fmt; (void)ap;
	*(int *)user += 1;
}

START_TEST(switch_log_handler)
{
	struct vsw_switch *sw;

	ck_ok(vsw_switch_new("s", NULL, &sw));
	ck_assert_int_eq(vsw_switch_set_log(NULL, count_log, VSW_LOG_INFO, NULL), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_log(sw, count_log, 5, NULL), -EINVAL);
	ck_ok(vsw_switch_set_log(sw, count_log, VSW_LOG_DEBUG, &log_calls));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, NULL)); /* configuration logs at INFO */
	ck_assert_int_gt(log_calls, 0);
	ck_ok(vsw_switch_set_log(sw, count_log, VSW_LOG_WARNING, &log_calls));
	log_calls = 0;
	ck_ok(vsw_uplink_add(sw, "vmnic1", 0, NULL));
	ck_assert_int_eq(log_calls, 0);
	ck_ok(vsw_switch_set_log(sw, NULL, VSW_LOG_ERR, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic2", 0, NULL));
	vsw_switch_free(sw);
}
END_TEST

START_TEST(portgroup_add_find_iterate)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *a, *b, *c, *f;

	ck_ok(vsw_portgroup_add(sw, "VM Network", 0, 0, &a));
	ck_ok(vsw_portgroup_add(sw, "v10", 10, 0, &b));
	ck_ok(vsw_portgroup_add(sw, "trunk", 4095, 0, &c));
	ck_ok(vsw_portgroup_add(sw, "v4094", 4094, 0, NULL));
	ck_assert_str_eq(vsw_portgroup_name(a), "VM Network");
	ck_assert_uint_eq(vsw_portgroup_vlan(b), 10);
	ck_assert_uint_eq(vsw_portgroup_vlan(c), 4095);
	ck_assert_ptr_eq(vsw_portgroup_switch(a), sw);
	ck_ok(vsw_portgroup_find(sw, "v10", &f));
	ck_assert_ptr_eq(f, b);
	ck_assert_int_eq(vsw_portgroup_find(sw, "nope", &f), -ENOENT);
	ck_assert_int_eq(vsw_portgroup_find(NULL, "v10", &f), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_find(sw, NULL, &f), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_find(sw, "v10", NULL), -EINVAL);
	ck_assert_ptr_eq(vsw_portgroup_next(sw, NULL), a);
	ck_assert_ptr_eq(vsw_portgroup_next(sw, a), b);
	ck_assert_ptr_eq(vsw_portgroup_next(sw, b), c);
	ck_assert_ptr_nonnull(vsw_portgroup_next(sw, c));
	ck_assert_ptr_null(vsw_portgroup_next(NULL, NULL));
	ck_assert_ptr_null(vsw_portgroup_name(NULL));
	ck_assert_ptr_null(vsw_portgroup_switch(NULL));
	ck_assert_uint_eq(vsw_portgroup_vlan(NULL), 0);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(portgroup_add_errors)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg = NULL;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_assert_int_eq(vsw_portgroup_add(sw, "pg", 5, 0, NULL), -EEXIST);
	ck_assert_int_eq(vsw_portgroup_add(sw, "x", 4096, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_add(sw, "x", 0, 1, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_add(sw, "", 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_add(sw, NULL, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_add(NULL, "x", 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_add(sw, "tab\there", 0, 0, NULL), -EINVAL);
	/* nothing was added by the failures */
	ck_assert_ptr_eq(vsw_portgroup_next(sw, NULL), pg);
	ck_assert_ptr_null(vsw_portgroup_next(sw, pg));
	ck_assert_uint_eq(vsw_portgroup_vlan(pg), 0);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(portgroup_remove_busy)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *v;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "vm1", mac_a, 0, &v));
	ck_assert_int_eq(vsw_portgroup_remove(pg), -EBUSY);
	ck_assert_uint_eq(vsw_portgroup_port_count(pg), 1);
	ck_ok(vsw_vnic_remove(v));
	ck_assert_uint_eq(vsw_portgroup_port_count(pg), 0);
	ck_ok(vsw_portgroup_remove(pg));
	ck_assert_ptr_null(vsw_portgroup_next(sw, NULL));
	ck_assert_int_eq(vsw_portgroup_remove(NULL), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(portgroup_set_vlan)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *a, *b, *t;

	ck_ok(vsw_portgroup_add(sw, "a", 10, 0, &a));
	ck_ok(vsw_portgroup_add(sw, "b", 20, 0, &b));
	ck_ok(vsw_portgroup_add(sw, "t", 30, 0, &t));
	ck_ok(vsw_vnic_add(a, "vm1", mac_a, 0, NULL));
	ck_ok(vsw_vnic_add(b, "vm2", mac_a, 0, NULL)); /* same MAC, other VLAN: fine */
	ck_assert_int_eq(vsw_portgroup_set_vlan(b, 10), -EADDRINUSE);
	ck_assert_uint_eq(vsw_portgroup_vlan(b), 20);
	ck_assert_int_eq(vsw_portgroup_set_vlan(b, 4096), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_set_vlan(NULL, 1), -EINVAL);
	ck_ok(vsw_portgroup_set_vlan(b, 11));
	ck_assert_uint_eq(vsw_portgroup_vlan(b), 11);
	/* moved: a third vNIC with that MAC fits on VLAN 20 now, not on 11 */
	ck_ok(vsw_vnic_add(t, "vm3", mac_b, 0, NULL));
	ck_ok(vsw_portgroup_set_vlan(t, 20));
	ck_assert_int_eq(vsw_vnic_add(b, "vm4", mac_a, 0, NULL), -EADDRINUSE);
	/* a trunk is in every VLAN: it clashes with a MAC on any of them */
	ck_assert_int_eq(vsw_portgroup_set_vlan(t, 4095), 0);
	ck_assert_int_eq(vsw_portgroup_set_vlan(a, 4095), -EADDRINUSE);
	ck_ok(vsw_portgroup_set_vlan(b, 10 + 1));
	vsw_switch_free(sw);
}
END_TEST

START_TEST(vnic_add_and_macs)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *v;
	struct vsw_port *p;
	uint8_t m[6];

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "vm1.eth0", mac_a, 0, &v));
	p = vsw_vnic_port(v);
	ck_assert_int_eq(vsw_port_kind(p), VSW_PORT_VNIC);
	ck_assert_str_eq(vsw_port_name(p), "vm1.eth0");
	ck_assert_ptr_eq(vsw_port_switch(p), sw);
	ck_assert_ptr_eq(vsw_port_portgroup(p), pg);
	ck_assert_ptr_eq(vsw_port_to_vnic(p), v);
	ck_assert_ptr_null(vsw_port_to_vmk(p));
	ck_assert_ptr_null(vsw_port_to_uplink(p));
	ck_ok(vsw_port_mac(p, m));
	ck_assert_mem_eq(m, mac_a, 6);
	ck_ok(vsw_vnic_initial_mac(v, m));
	ck_assert_mem_eq(m, mac_a, 6);
	/* the guest changes its MAC: effective moves, initial stays */
	ck_ok(vsw_vnic_set_mac(v, mac_b));
	ck_ok(vsw_port_mac(p, m));
	ck_assert_mem_eq(m, mac_b, 6);
	ck_ok(vsw_vnic_initial_mac(v, m));
	ck_assert_mem_eq(m, mac_a, 6);
	ck_ok(vsw_vnic_set_mac(v, mac_b)); /* same again: no-op */
	/* the old MAC is free again, the new one is taken */
	ck_ok(vsw_vnic_add(pg, "vm2", mac_a, 0, NULL));
	ck_assert_int_eq(vsw_vnic_add(pg, "vm3", mac_b, 0, NULL), -EADDRINUSE);
	ck_assert_int_eq(vsw_vnic_set_mac(v, mac_a), -EADDRINUSE);
	ck_assert_int_eq(vsw_vnic_set_mac(v, mac_mcast), -EINVAL);
	ck_assert_int_eq(vsw_vnic_set_mac(v, mac_zero), -EINVAL);
	ck_assert_int_eq(vsw_vnic_set_mac(v, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_set_mac(NULL, mac_a), -EINVAL);
	ck_ok(vsw_port_mac(p, m));
	ck_assert_mem_eq(m, mac_b, 6);
	ck_assert_int_eq(vsw_vnic_initial_mac(NULL, m), -EINVAL);
	ck_assert_int_eq(vsw_vnic_initial_mac(v, NULL), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(vnic_add_errors)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg, *trunk;

	ck_ok(vsw_portgroup_add(sw, "pg", 5, 0, &pg));
	ck_ok(vsw_portgroup_add(sw, "trunk", 4095, 0, &trunk));
	ck_ok(vsw_vnic_add(pg, "vm1", mac_a, 0, NULL));
	ck_assert_int_eq(vsw_vnic_add(pg, "vm1", mac_b, 0, NULL), -EEXIST);
	ck_assert_int_eq(vsw_vnic_add(pg, "vm2", mac_a, 0, NULL), -EADDRINUSE);
	ck_assert_int_eq(vsw_vnic_add(trunk, "vm2", mac_a, 0, NULL), -EADDRINUSE);
	ck_assert_int_eq(vsw_vnic_add(pg, "vm2", mac_mcast, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(pg, "vm2", mac_zero, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(pg, "vm2", NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(pg, NULL, mac_b, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(NULL, "vm2", mac_b, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(pg, "vm2", mac_b, 1, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vnic_add(pg, "", mac_b, 0, NULL), -EINVAL);
	ck_assert_uint_eq(vsw_portgroup_port_count(pg), 1);
	ck_assert_uint_eq(vsw_portgroup_port_count(trunk), 0);
	ck_assert_int_eq(vsw_vnic_remove(NULL), -EINVAL);
	ck_assert_ptr_null(vsw_vnic_port(NULL));
	/* a port name is unique across kinds */
	ck_assert_int_eq(vsw_uplink_add(sw, "vm1", 0, NULL), -EEXIST);
	ck_assert_int_eq(vsw_vmk_add(pg, "vm1", mac_b, 0, 0, NULL), -EEXIST);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(vmk_add_services)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vmk *k;
	struct vsw_port *p;
	uint8_t m[6];

	ck_ok(vsw_portgroup_add(sw, "Management Network", 0, 0, &pg));
	ck_ok(vsw_vmk_add(pg, "vmk0", mac_a, VSW_VMK_MANAGEMENT | VSW_VMK_VMOTION, 0, &k));
	p = vsw_vmk_port(k);
	ck_assert_int_eq(vsw_port_kind(p), VSW_PORT_VMK);
	ck_assert_ptr_eq(vsw_port_to_vmk(p), k);
	ck_assert_ptr_null(vsw_port_to_vnic(p));
	ck_assert_uint_eq(vsw_vmk_services(k), VSW_VMK_MANAGEMENT | VSW_VMK_VMOTION);
	ck_ok(vsw_vmk_set_services(k, VSW_VMK_VSAN));
	ck_assert_uint_eq(vsw_vmk_services(k), VSW_VMK_VSAN);
	ck_assert_int_eq(vsw_vmk_set_services(k, 1u << 31), -EINVAL);
	ck_assert_int_eq(vsw_vmk_set_services(NULL, 0), -EINVAL);
	ck_assert_uint_eq(vsw_vmk_services(k), VSW_VMK_VSAN);
	ck_assert_uint_eq(vsw_vmk_services(NULL), 0);
	ck_ok(vsw_port_mac(p, m));
	ck_assert_mem_eq(m, mac_a, 6);
	ck_assert_int_eq(vsw_vmk_add(pg, "vmk1", mac_b, 1u << 20, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vmk_add(pg, "vmk1", mac_a, 0, 0, NULL), -EADDRINUSE);
	ck_assert_int_eq(vsw_vmk_add(pg, "vmk1", mac_b, 0, 2, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vmk_add(pg, "vmk1", mac_mcast, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_vmk_add(NULL, "vmk1", mac_b, 0, 0, NULL), -EINVAL);
	ck_assert_str_eq(vsw_vmk_service_name(VSW_VMK_VMOTION), "vmotion");
	ck_assert_str_eq(vsw_vmk_service_name(VSW_VMK_MANAGEMENT), "management");
	ck_assert_ptr_null(vsw_vmk_service_name(VSW_VMK_VMOTION | VSW_VMK_VSAN));
	ck_assert_ptr_null(vsw_vmk_service_name(0));
	for (unsigned int b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
		ck_assert_ptr_nonnull(vsw_vmk_service_name(b));
	ck_assert_int_eq(vsw_vmk_remove(NULL), -EINVAL);
	ck_ok(vsw_vmk_remove(k));
	ck_assert_uint_eq(vsw_portgroup_port_count(pg), 0);
	ck_assert_ptr_null(vsw_vmk_port(NULL));
	vsw_switch_free(sw);
}
END_TEST

START_TEST(uplink_add_find_remove)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_uplink *u0, *u1, *f;
	struct vsw_port *p;
	uint8_t m[6];

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u0));
	ck_ok(vsw_uplink_add(sw, "vmnic1", 0, &u1));
	ck_assert_int_eq(vsw_uplink_add(sw, "vmnic0", 0, NULL), -EEXIST);
	ck_assert_int_eq(vsw_uplink_add(sw, "vmnic2", 1, NULL), -EINVAL);
	ck_assert_int_eq(vsw_uplink_add(NULL, "vmnic2", 0, NULL), -EINVAL);
	ck_assert_int_eq(vsw_uplink_add(sw, NULL, 0, NULL), -EINVAL);
	p = vsw_uplink_port(u0);
	ck_assert_int_eq(vsw_port_kind(p), VSW_PORT_UPLINK);
	ck_assert_ptr_eq(vsw_port_to_uplink(p), u0);
	ck_assert_ptr_null(vsw_port_portgroup(p));
	ck_assert_int_eq(vsw_port_mac(p, m), -ENODATA);
	ck_ok(vsw_uplink_find(sw, "vmnic1", &f));
	ck_assert_ptr_eq(f, u1);
	ck_assert_int_eq(vsw_uplink_find(sw, "vmnic9", &f), -ENOENT);
	ck_assert_int_eq(vsw_uplink_find(sw, NULL, &f), -EINVAL);
	ck_assert_ptr_eq(vsw_uplink_next(sw, NULL), u0);
	ck_assert_ptr_eq(vsw_uplink_next(sw, u0), u1);
	ck_assert_ptr_null(vsw_uplink_next(sw, u1));
	ck_assert_ptr_null(vsw_uplink_next(NULL, NULL));
	ck_ok(vsw_uplink_remove(u0));
	ck_assert_ptr_eq(vsw_uplink_next(sw, NULL), u1);
	ck_assert_ptr_eq(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 0), u1);
	ck_assert_ptr_null(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 1));
	ck_assert_int_eq(vsw_uplink_remove(NULL), -EINVAL);
	ck_assert_ptr_null(vsw_uplink_port(NULL));
	vsw_switch_free(sw);
}
END_TEST

START_TEST(port_find_iterate_link)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *v;
	struct vsw_vmk *k;
	struct vsw_port *p;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_vnic_add(pg, "vm1", mac_a, 0, &v));
	ck_ok(vsw_vmk_add(pg, "vmk0", mac_b, 0, 0, &k));
	ck_assert_ptr_eq(vsw_port_next(sw, NULL), vsw_uplink_port(u));
	ck_assert_ptr_eq(vsw_port_next(sw, vsw_uplink_port(u)), vsw_vnic_port(v));
	ck_assert_ptr_eq(vsw_port_next(sw, vsw_vnic_port(v)), vsw_vmk_port(k));
	ck_assert_ptr_null(vsw_port_next(sw, vsw_vmk_port(k)));
	ck_assert_ptr_eq(vsw_portgroup_port_next(pg, NULL), vsw_vnic_port(v));
	ck_assert_ptr_eq(vsw_portgroup_port_next(pg, vsw_vnic_port(v)), vsw_vmk_port(k));
	ck_assert_ptr_null(vsw_portgroup_port_next(pg, vsw_vmk_port(k)));
	ck_assert_ptr_null(vsw_portgroup_port_next(pg, vsw_uplink_port(u)));
	ck_assert_ptr_null(vsw_portgroup_port_next(NULL, NULL));
	ck_ok(vsw_port_find(sw, "vmk0", &p));
	ck_assert_ptr_eq(p, vsw_vmk_port(k));
	ck_ok(vsw_port_find(sw, "vmnic0", &p));
	ck_assert_ptr_eq(p, vsw_uplink_port(u));
	ck_assert_int_eq(vsw_port_find(sw, "zz", &p), -ENOENT);
	ck_assert_int_eq(vsw_port_find(NULL, "zz", &p), -EINVAL);
	ck_assert_int_eq(vsw_port_find(sw, "zz", NULL), -EINVAL);
	/* link state */
	ck_assert_int_eq(vsw_port_link(p), 1);
	ck_ok(vsw_port_set_link(p, 0));
	ck_assert_int_eq(vsw_port_link(p), 0);
	ck_assert_int_eq(vsw_port_set_link(p, 2), -EINVAL);
	ck_assert_int_eq(vsw_port_link(p), 0);
	ck_ok(vsw_port_set_link(p, 1));
	ck_assert_int_eq(vsw_port_link(p), 1);
	ck_assert_int_eq(vsw_port_set_link(NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_port_link(NULL), 0);
	ck_assert_int_eq(vsw_port_kind(NULL), 0);
	ck_assert_ptr_null(vsw_port_name(NULL));
	ck_assert_ptr_null(vsw_port_switch(NULL));
	ck_assert_ptr_null(vsw_port_portgroup(NULL));
	ck_assert_ptr_null(vsw_port_to_vnic(NULL));
	ck_assert_int_eq(vsw_port_mac(NULL, (uint8_t[6]){0}), -EINVAL);
	ck_assert_int_eq(vsw_port_mac(p, NULL), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

/* vsw_port_counters() at its limits: exactly VSW_CTR_COUNT entries, one
 * fewer (a program built against older headers), one more (newer headers:
 * the entry the library lacks reads 0), and none. */
START_TEST(counters_snapshot_limits)
{
	struct vsw_switch *sw = ck_switch("s");
	uint64_t v[VSW_CTR_COUNT + 2];
	struct vsw_portgroup *pg;
	struct vsw_vnic *a;
	struct vsw_port *p;
	uint8_t buf[64];

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 0, &a));
	p = vsw_vnic_port(a);
	memset(buf, 0xff, 6);
	memcpy(buf + 6, (const uint8_t[6]){ 2, 0, 0, 0, 0, 1 }, 6);
	buf[12] = 0x08;
	buf[13] = 0;
	ck_send(p, buf, 60);
	ck_send(p, buf, 10); /* a runt */
	for (unsigned int n = VSW_CTR_COUNT - 1; n <= VSW_CTR_COUNT + 1; n++) {
		memset(v, 0xa5, sizeof(v));
		ck_assert_int_eq(vsw_port_counters(p, v, n), VSW_CTR_COUNT);
		for (unsigned int i = 0; i < n; i++)
			ck_assert_uint_eq(v[i], i < VSW_CTR_COUNT ? vsw_port_counter(p, i) : 0);
		ck_assert_uint_eq(v[n], 0xa5a5a5a5a5a5a5a5ull); /* nothing past n */
	}
	ck_assert_uint_eq(v[VSW_CTR_RX_PACKETS], 2);
	ck_assert_uint_eq(v[VSW_CTR_RUNT], 1);
	ck_assert_int_eq(vsw_port_counters(p, NULL, 0), VSW_CTR_COUNT);
	ck_assert_int_eq(vsw_port_counters(p, NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_port_counters(NULL, v, 1), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(counters_names_kinds)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_uplink *u;
	unsigned int n = 0;

	while (vsw_counter_name(n))
		n++;
	ck_assert_uint_eq(n, VSW_CTR_COUNT);
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_RX_PACKETS), "rx_packets");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_FORGED), "forged");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_VLAN_VIOLATION), "vlan_violation");
	ck_assert_str_eq(vsw_counter_name(VSW_CTR_MAC_CHANGE_BLOCKED), "mac_change_blocked");
	ck_assert_ptr_null(vsw_counter_name(-1));
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_TX_BYTES), VSW_CTR_KIND_TRAFFIC);
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_RUNT), VSW_CTR_KIND_DROP);
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_TX_ERRORS), VSW_CTR_KIND_ERROR);
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_LEARN_REFUSED), VSW_CTR_KIND_EVENT);
	ck_assert_int_eq(vsw_counter_kind(VSW_CTR_COUNT), 0);
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			ck_assert_str_ne(vsw_counter_name(i), vsw_counter_name(j));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	for (unsigned int i = 0; i < n; i++)
		ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), i), 0);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_COUNT), 0);
	ck_assert_uint_eq(vsw_port_counter(NULL, 0), 0);
	ck_ok(vsw_port_clear_counters(vsw_uplink_port(u)));
	ck_assert_int_eq(vsw_port_clear_counters(NULL), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

static const char *uname_at(struct vsw_uplink *u)
{
	return u ? vsw_port_name(vsw_uplink_port(u)) : "(none)";
}

START_TEST(teaming_order)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	const char *act[] = { "vmnic2", "vmnic0" }, *stb[] = { "vmnic1" };
	const char *bad[] = { "vmnic0", "vmnic9" }, *dup[] = { "vmnic0", "vmnic0" };

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic1", 0, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic2", 0, NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	/* default: every uplink active in the order added */
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 0)), "vmnic0");
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 2)), "vmnic2");
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, 0));
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_UNUSED, 0));
	ck_assert_int_eq(vsw_portgroup_teaming_inherited(pg), 1);

	ck_ok(vsw_switch_set_teaming(sw, act, 1, NULL, 0));
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 0)), "vmnic2");
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_UNUSED, 0)), "vmnic0");
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_UNUSED, 1)), "vmnic1");
	/* the port group follows live */
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 0)), "vmnic2");
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 1));

	ck_ok(vsw_portgroup_set_teaming(pg, act, 2, stb, 1));
	ck_assert_int_eq(vsw_portgroup_teaming_inherited(pg), 0);
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 0)), "vmnic2");
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 1)), "vmnic0");
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, 0)), "vmnic1");
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_UNUSED, 0));

	/* errors change nothing */
	ck_assert_int_eq(vsw_portgroup_set_teaming(pg, bad, 2, NULL, 0), -ENOENT);
	ck_assert_int_eq(vsw_portgroup_set_teaming(pg, dup, 2, NULL, 0), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_set_teaming(pg, act, 1, act, 1), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_set_teaming(pg, NULL, 1, NULL, 0), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_set_teaming(pg, act, 1, NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_set_teaming(NULL, act, 1, NULL, 0), -EINVAL);
	ck_assert_int_eq(vsw_switch_set_teaming(sw, bad, 2, NULL, 0), -ENOENT);
	ck_assert_int_eq(vsw_switch_set_teaming(NULL, act, 1, NULL, 0), -EINVAL);
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, 0)), "vmnic1");
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 0)), "vmnic2");
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(pg, 7, 0));
	ck_assert_ptr_null(vsw_portgroup_teaming_uplink(NULL, VSW_UPLINK_ACTIVE, 0));
	ck_assert_ptr_null(vsw_switch_teaming_uplink(NULL, VSW_UPLINK_ACTIVE, 0));
	ck_assert_int_eq(vsw_portgroup_teaming_inherited(NULL), -EINVAL);

	/* a new uplink joins the switch's active list, not the override */
	ck_ok(vsw_uplink_add(sw, "vmnic3", 0, NULL));
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 1)), "vmnic3");
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_UNUSED, 0)), "vmnic3");

	/* removing an uplink removes it from every order */
	{
		struct vsw_uplink *u;
		ck_ok(vsw_uplink_find(sw, "vmnic2", &u));
		ck_ok(vsw_uplink_remove(u));
	}
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 0)), "vmnic0");
	ck_assert_str_eq(uname_at(vsw_switch_teaming_uplink(sw, VSW_UPLINK_ACTIVE, 0)), "vmnic3");

	ck_ok(vsw_portgroup_clear_teaming(pg));
	ck_assert_int_eq(vsw_portgroup_teaming_inherited(pg), 1);
	ck_assert_str_eq(uname_at(vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, 0)), "vmnic3");
	ck_assert_int_eq(vsw_portgroup_clear_teaming(NULL), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(switch_free_frees_everything)
{
	/* valgrind (make check-valgrind) proves nothing leaks here */
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg[8];
	const char *act[] = { "vmnic1" }, *stb[] = { "vmnic0" };
	char name[32];
	uint8_t m[6];

	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "vmnic%d", i);
		ck_ok(vsw_uplink_add(sw, name, 0, NULL));
	}
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "pg%d", i);
		ck_ok(vsw_portgroup_add(sw, name, (unsigned int)i * 100, 0, &pg[i]));
		ck_ok(vsw_portgroup_set_teaming(pg[i], act, 1, stb, 1));
	}
	for (int i = 0; i < 500; i++) {
		ck_mac(m, (unsigned int)i + 1);
		snprintf(name, sizeof(name), "vm%d", i);
		if (i % 5)
			ck_ok(vsw_vnic_add(pg[i % 8], name, m, 0, NULL));
		else
			ck_ok(vsw_vmk_add(pg[i % 8], name, m, VSW_VMK_VMOTION, 0, NULL));
	}
	vsw_switch_free(sw);
}
END_TEST

Suite *vsw_model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("objects");

	tcase_add_test(tc, version_matches_headers);
	tcase_add_test(tc, switch_new_defaults);
	tcase_add_test(tc, switch_new_errors);
	tcase_add_test(tc, switch_opts_sizes);
	tcase_add_test(tc, switch_mtu);
	tcase_add_test(tc, switch_log_handler);
	tcase_add_test(tc, portgroup_add_find_iterate);
	tcase_add_test(tc, portgroup_add_errors);
	tcase_add_test(tc, portgroup_remove_busy);
	tcase_add_test(tc, portgroup_set_vlan);
	tcase_add_test(tc, vnic_add_and_macs);
	tcase_add_test(tc, vnic_add_errors);
	tcase_add_test(tc, vmk_add_services);
	tcase_add_test(tc, uplink_add_find_remove);
	tcase_add_test(tc, port_find_iterate_link);
	tcase_add_test(tc, counters_names_kinds);
	tcase_add_test(tc, counters_snapshot_limits);
	tcase_add_test(tc, teaming_order);
	tcase_add_test(tc, switch_free_frees_everything);
	suite_add_tcase(s, tc);
	return s;
}
