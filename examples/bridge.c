// SPDX-License-Identifier: MIT
/*
 * vsw-bridge - the smallest useful program on libvsw: two interfaces
 * bridged through one port group, driven by the library's event loop.
 * The example of backends; a device model doing its own I/O reads
 * embed-poll.c first.
 *
 *   vsw-bridge [-b BACKEND] [-o OPTIONS] [-v VLAN] IF1 IF2
 *
 * Each interface becomes a vNIC on the port group, attached through a
 * backend (afpacket by default; tap creates the interfaces). The hosts
 * behind the interfaces are not known in advance, so the port group learns
 * their MAC addresses (vDS-style MAC learning) and, having no uplink to
 * send unknown destinations to, floods them (promiscuous mode, as a learning
 * bridge does). Stop it with SIGINT or
 * SIGTERM; it prints every port's counters on the way out.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vsw.h>

static struct vsw_switch *sw;

static void on_signal(int sig)
{
	(void)sig;
	vsw_switch_stop(sw); /* async-signal-safe: the loop returns */
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "vsw-bridge: %s: %s\n", what, strerror(-err));
	vsw_switch_free(sw);
	return 1;
}

/* One side of the bridge: a vNIC in 'pg' attached to backend TYPE:IFNAME. */
static int add_side(struct vsw_portgroup *pg, const char *type, const char *ifname,
		    const char *options)
{
	struct vsw_backend *be;
	struct vsw_vnic *v;
	char spec[64];
	uint8_t mac[6];
	int err;

	snprintf(spec, sizeof(spec), "%s:%s", type, ifname);
	err = vsw_backend_open(spec, options, &be);
	if (err)
		return fail(spec, err);
	/* the vNIC's own address; the hosts behind it are learned */
	if (vsw_backend_mac(be, mac) < 0)
		memcpy(mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)(vsw_portgroup_port_count(pg) + 1) }, 6);
	err = vsw_vnic_add(pg, ifname, mac, 0, &v);
	if (!err)
		err = vsw_port_attach_backend(vsw_vnic_port(v), be);
	if (err) {
		vsw_backend_close(be);
		return fail(ifname, err);
	}
	return 0;
}

static void print_counters(void)
{
	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p)) {
		printf("%s:", vsw_port_name(p));
		for (int c = 0; vsw_counter_name(c); c++)
			if (vsw_port_counter(p, c))
				printf(" %s=%llu", vsw_counter_name(c),
				       (unsigned long long)vsw_port_counter(p, c));
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	const char *type = "afpacket", *options = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct vsw_portgroup *pg;
	unsigned int vlan = 0;
	int c, err;

	while ((c = getopt(argc, argv, "b:o:v:")) != -1) {
		switch (c) {
		case 'b': type = optarg; break;
		case 'o': options = optarg; break;
		case 'v': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v > VSW_VLAN_TRUNK)
				goto usage;
			vlan = (unsigned int)v;
			break;
		}
		default: goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;

	err = vsw_switch_new("vsw-bridge", NULL, &sw);
	if (err)
		return fail("switch", err);
	err = vsw_portgroup_add(sw, "bridge", vlan, 0, &pg);
	if (!err)
		err = vsw_portgroup_policy_set(pg, VSW_POL_MAC_LEARNING, 1);
	/* no uplink to send unknown unicast to: like a learning bridge, flood
	 * it (promiscuous ports get a copy of what the switch cannot place) */
	if (!err)
		err = vsw_portgroup_policy_set(pg, VSW_POL_PROMISCUOUS, 1);
	if (err)
		return fail("port group", err);
	if (add_side(pg, type, argv[optind], options) || add_side(pg, type, argv[optind + 1], options))
		return 1;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "vsw-bridge: %s <-> %s through %s, Ctrl-C to stop\n", argv[optind],
		argv[optind + 1], type);
	err = vsw_switch_run(sw);
	print_counters();
	vsw_switch_free(sw);
	return err < 0;
usage:
	fprintf(stderr, "usage: vsw-bridge [-b afpacket|raw|tap] [-o OPTIONS] [-v VLAN] IF1 IF2\n");
	return 2;
}
