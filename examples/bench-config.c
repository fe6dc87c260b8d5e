// SPDX-License-Identifier: MIT
/*
 * bench-config.c - vsw-bench --config: what configuration costs as a switch
 * grows. For 1,000, 10,000 and 100,000 vNICs (spread over 64 port groups,
 * two active uplinks and a standby) it times adding them, flapping the
 * standby's link (no port moves), flapping an active uplink's link (the
 * ports on it move to the other and are announced: the spec's own cost is
 * per moved port, so that is printed per moved port too), and removing
 * them, each per operation. Flat figures across sizes mean a change touches
 * only what depends on it; a cost that grows with the size is a rebuild of
 * everything hiding in a configuration call.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <vsw.h>

#include "bench-config.h"

#define N_PG 64

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Send one frame, so that state a change left pending is derived now and
 * counted in the change's cost, not hidden until the next frame. Unicast to
 * an unknown address: it costs the same at any size (one uplink). */
static void touch(struct vsw_port *p)
{
	static const uint8_t f[60] = { 0x02, 0xee, 0, 0, 0, 1,
				       0x02, 0x01, 0, 0, 0, 0, 0x08, 0x00 };
	struct vsw_frame fr = { .data = f, .len = sizeof(f) };

	vsw_port_input(p, &fr, 1);
}

static int one_size(unsigned int n, int json, int first)
{
	VSW_OPTS(vsw_switch_opts, o, .max_macs = 4096);
	struct vsw_portgroup *pg[N_PG];
	struct vsw_vnic **v = calloc(n, sizeof(*v));
	static const char *const active[] = { "vmnic0", "vmnic1" };
	static const char *const standby[] = { "vmnic2" };
	struct vsw_uplink *u0, *u1, *u2;
	struct vsw_switch *sw;
	double t, add_us, stb_us, flap_us, moved_us, del_us;
	unsigned int flaps = 100, moved = 0;
	char name[32];

	if (!v || vsw_switch_new("bench", &o, &sw) < 0)
		return -1;
	vsw_uplink_add(sw, "vmnic0", 0, &u0);
	vsw_uplink_add(sw, "vmnic1", 0, &u1);
	vsw_uplink_add(sw, "vmnic2", 0, &u2);
	if (vsw_switch_set_teaming(sw, active, 2, standby, 1) < 0)
		return -1;
	for (unsigned int i = 0; i < N_PG; i++) {
		snprintf(name, sizeof(name), "pg%u", i);
		if (vsw_portgroup_add(sw, name, i + 1, 0, &pg[i]) < 0)
			return -1;
	}
	t = now_s();
	for (unsigned int i = 0; i < n; i++) {
		uint8_t mac[6] = { 0x02, 0x01, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
				   (uint8_t)(i >> 8), (uint8_t)i };
		snprintf(name, sizeof(name), "vm%u", i);
		if (vsw_vnic_add(pg[i % N_PG], name, mac, 0, &v[i]) < 0)
			return -1;
	}
	touch(vsw_vnic_port(v[0]));
	add_us = (now_s() - t) * 1e6 / n;

	t = now_s();
	for (unsigned int i = 0; i < flaps; i++) {
		vsw_port_set_link(vsw_uplink_port(u2), (int)(i & 1));
		touch(vsw_vnic_port(v[0]));
	}
	vsw_port_set_link(vsw_uplink_port(u2), 1);
	stb_us = (now_s() - t) * 1e6 / flaps;

	for (unsigned int i = 0; i < n; i++)
		moved += vsw_port_current_uplink(vsw_vnic_port(v[i])) == u1;
	t = now_s();
	for (unsigned int i = 0; i < flaps; i++) {
		vsw_port_set_link(vsw_uplink_port(u1), (int)(i & 1));
		touch(vsw_vnic_port(v[0]));
	}
	vsw_port_set_link(vsw_uplink_port(u1), 1);
	flap_us = (now_s() - t) * 1e6 / flaps;
	moved_us = moved ? flap_us / moved : 0;

	t = now_s();
	for (unsigned int i = n; i-- > 0;)
		vsw_vnic_remove(v[i]);
	del_us = (now_s() - t) * 1e6 / n;

	if (json)
		printf("%s{\"ports\": %u, \"add_us\": %.2f, \"standby_flap_us\": %.2f, "
		       "\"active_flap_us\": %.2f, \"moved_ports\": %u, \"per_moved_port_us\": %.3f, "
		       "\"remove_us\": %.2f}",
		       first ? "" : ", ", n, add_us, stb_us, flap_us, moved, moved_us, del_us);
	else
		printf("%8u %10.2f %12.2f %12.2f %8u %12.3f %10.2f\n", n, add_us, stb_us, flap_us, moved,
		       moved_us, del_us);
	vsw_switch_free(sw);
	free(v);
	return 0;
}

int bench_config(int json)
{
	static const unsigned int sizes[] = { 1000, 10000, 100000 };

	if (json)
		printf("{\"config\": [");
	else
		printf("%8s %10s %12s %12s %8s %12s %10s\n", "ports", "add us", "standby flap",
		       "active flap", "moved", "us/moved", "remove us");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (one_size(sizes[i], json, i == 0) < 0) {
			fprintf(stderr, "vsw-bench --config: setup failed at %u ports\n", sizes[i]);
			return 1;
		}
	if (json)
		printf("]}\n");
	return 0;
}
