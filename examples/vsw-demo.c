// SPDX-License-Identifier: MIT
/*
 * vsw-demo - build a small vSwitch in memory and print it the way
 * esxcfg-vswitch -l does: the switch, its uplinks, its port groups with VLAN
 * IDs and used ports, and the effective policies of each port group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

#define CHECK(call) do { int e_ = (call); if (e_ < 0) { \
	fprintf(stderr, "vsw-demo: %s: %s\n", #call, strerror(-e_)); exit(1); } } while (0)

static void print_switch(struct vsw_switch *sw)
{
	unsigned int used = 0;
	struct vsw_portgroup *pg;
	struct vsw_port *p;
	struct vsw_uplink *u;

	for (p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p))
		used++;
	printf("%-16s %-10s %-10s %-6s %s\n", "Switch Name", "Num Ports", "Used Ports", "MTU", "Uplinks");
	printf("%-16s %-10s %-10u %-6u", vsw_switch_name(sw), "-", used, vsw_switch_mtu(sw));
	for (u = vsw_uplink_next(sw, NULL); u; u = vsw_uplink_next(sw, u))
		printf(" %s", vsw_port_name(vsw_uplink_port(u)));
	printf("\n\n  %-20s %-8s %-10s %s\n", "PortGroup Name", "VLAN ID", "Used Ports", "Active / Standby");
	for (pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg)) {
		printf("  %-20s %-8u %-10u", vsw_portgroup_name(pg), vsw_portgroup_vlan(pg),
		       vsw_portgroup_port_count(pg));
		for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_ACTIVE, i)); i++)
			printf("%s%s", i ? "," : " ", vsw_port_name(vsw_uplink_port(u)));
		printf(" /");
		for (unsigned int i = 0; (u = vsw_portgroup_teaming_uplink(pg, VSW_UPLINK_STANDBY, i)); i++)
			printf("%s%s", i ? "," : " ", vsw_port_name(vsw_uplink_port(u)));
		printf("\n");
	}
	printf("\n  %-20s", "Policy");
	for (pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg))
		printf(" %-14.14s", vsw_portgroup_name(pg));
	printf("\n");
	for (int k = 0; vsw_policy_name(k); k++) {
		printf("  %-20s", vsw_policy_name(k));
		for (pg = vsw_portgroup_next(sw, NULL); pg; pg = vsw_portgroup_next(sw, pg)) {
			uint64_t v;
			int inh;
			char buf[32];
			CHECK(vsw_portgroup_policy_get(pg, k, &v, &inh));
			snprintf(buf, sizeof(buf), "%llu%s", (unsigned long long)v, inh ? "" : " (set)");
			printf(" %-14s", buf);
		}
		printf("\n");
	}
}

int main(void)
{
	static const uint8_t mac1[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x01 };
	static const uint8_t mac2[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x02 };
	static const uint8_t mac3[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x03 };
	const char *active[] = { "vmnic1" }, *standby[] = { "vmnic0" };
	struct vsw_switch *sw;
	struct vsw_portgroup *vmnet, *mgmt, *trunk;

	printf("libvsw %s\n\n", vsw_version());
	CHECK(vsw_switch_new("vSwitch0", NULL, &sw));
	CHECK(vsw_uplink_add(sw, "vmnic0", 0, NULL));
	CHECK(vsw_uplink_add(sw, "vmnic1", 0, NULL));
	CHECK(vsw_portgroup_add(sw, "VM Network", 0, 0, &vmnet));
	CHECK(vsw_portgroup_add(sw, "Management Network", 10, 0, &mgmt));
	CHECK(vsw_portgroup_add(sw, "Trunk", VSW_VLAN_TRUNK, 0, &trunk));
	CHECK(vsw_vnic_add(vmnet, "vm1.eth0", mac1, 0, NULL));
	CHECK(vsw_vnic_add(trunk, "router.eth0", mac2, 0, NULL));
	CHECK(vsw_vmk_add(mgmt, "vmk0", mac3, VSW_VMK_MANAGEMENT, 0, NULL));
	CHECK(vsw_portgroup_set_teaming(mgmt, active, 1, standby, 1));
	CHECK(vsw_portgroup_policy_set(trunk, VSW_POL_PROMISCUOUS, 1));
	print_switch(sw);
	vsw_switch_free(sw);
	return 0;
}
