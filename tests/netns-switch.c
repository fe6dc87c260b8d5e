// SPDX-License-Identifier: MIT
/*
 * Description: a switch for the integration tests, configured from its
 * command line and run with vsw_switch_run() (or, with --host-loop, from
 * its own poll(2) loop over vsw_switch_fd(), as a host program would).
 *
 *   netns-switch [--mtu N] [--duration SEC] [--ready FILE] [--host-loop]
 *                [--poll-ms MS] [--pg NAME=VLAN]... [--uplink NAME=SPEC[:OPTIONS]]...
 *                [--vnic PG/NAME=SPEC]... [--team PG=ACT1,ACT2[/STB1,...]]...
 *                [--policy PG:KEY=VALUE]... [--unpersist]
 *
 * A vNIC's MAC is its backend's (the tap's) MAC. --poll-ms is the longest
 * wait of one round (200 ms unless given; -1 for none: the switch then
 * wakes for its own work only, and the duration is checked when it does).
 * On SIGTERM, SIGINT or the end of --duration it prints every port's
 * non-zero counters as "PORT COUNTER VALUE" lines, and "switch rounds N"
 * (the rounds it ran), and exits; with --unpersist it first calls
 * vsw_backend_set_persist(0) on every port's backend, so that persistent
 * taps go with the switch.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vsw.h>

static struct vsw_switch *sw;
static volatile sig_atomic_t stop;

#define DIE(...) do { fprintf(stderr, "netns-switch: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
#define CHECK(call, what) do { int e_ = (call); if (e_ < 0) DIE("%s: %s", what, strerror(-e_)); } while (0)

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
	vsw_switch_stop(sw);
}

static char *split(char *s, int c)
{
	char *p = strchr(s, c);

	if (!p)
		DIE("expected '%c' in '%s'", c, s);
	*p = 0;
	return p + 1;
}

static struct vsw_portgroup *pg_named(const char *name)
{
	struct vsw_portgroup *pg;

	CHECK(vsw_portgroup_find(sw, name, &pg), name);
	return pg;
}

/* afpacket:veth0:rx=v3 -> spec afpacket:veth0, options rx=v3 (NULL if none) */
static char *split_options(char *spec)
{
	char *c = strchr(spec, ':'), *opts = NULL;

	if (c && (opts = strchr(c + 1, ':')))
		*opts++ = 0;
	return opts;
}

static void add_uplink(char *arg)
{
	char *spec = split(arg, '='), *opts = split_options(spec);
	struct vsw_uplink *u;

	CHECK(vsw_uplink_add(sw, arg, 0, &u), arg);
	CHECK(vsw_port_attach(vsw_uplink_port(u), spec, opts), spec);
}

static void add_vnic(char *arg)
{
	char *spec = split(arg, '='), *name = split(arg, '/'), *opts = split_options(spec);
	struct vsw_backend *be;
	struct vsw_vnic *v;
	uint8_t mac[6];

	CHECK(vsw_backend_open(spec, opts, &be), spec);
	CHECK(vsw_backend_mac(be, mac), "backend MAC");
	CHECK(vsw_vnic_add(pg_named(arg), name, mac, 0, &v), name);
	CHECK(vsw_port_attach_backend(vsw_vnic_port(v), be), name);
}

static void set_team(char *arg)
{
	char *lists = split(arg, '='), *stb = strchr(lists, '/');
	const char *act[16], *sb[16];
	unsigned int na = 0, ns = 0;

	if (stb)
		*stb++ = 0;
	for (char *t = strtok(lists, ","); t && na < 16; t = strtok(NULL, ","))
		act[na++] = t;
	for (char *t = stb ? strtok(stb, ",") : NULL; t && ns < 16; t = strtok(NULL, ","))
		sb[ns++] = t;
	CHECK(vsw_portgroup_set_teaming(pg_named(arg), act, na, sb, ns), "teaming");
}

static void set_policy(char *arg)
{
	char *kv = split(arg, ':'), *val = split(kv, '=');

	for (int k = 0; vsw_policy_name(k); k++)
		if (!strcmp(vsw_policy_name(k), kv)) {
			CHECK(vsw_portgroup_policy_set(pg_named(arg), k, strtoull(val, NULL, 0)), kv);
			return;
		}
	DIE("unknown policy '%s'", kv);
}

static void print_counters(void)
{
	for (struct vsw_port *p = vsw_port_next(sw, NULL); p; p = vsw_port_next(sw, p))
		for (int c = 0; vsw_counter_name(c); c++)
			if (vsw_port_counter(p, c))
				printf("%s %s %llu\n", vsw_port_name(p), vsw_counter_name(c),
				       (unsigned long long)vsw_port_counter(p, c));
	fflush(stdout);
}

static void log_stderr(struct vsw_switch *s, enum vsw_log_level l, void *u, const char *fmt, va_list ap)
{
	(void)s;
	(void)l;
	(void)u;
	fprintf(stderr, "netns-switch: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mtu", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'd' },
		{ "ready", required_argument, NULL, 'r' },
		{ "host-loop", no_argument, NULL, 'H' },
		{ "poll-ms", required_argument, NULL, 'w' },
		{ "pg", required_argument, NULL, 'p' },
		{ "uplink", required_argument, NULL, 'u' },
		{ "vnic", required_argument, NULL, 'v' },
		{ "team", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'P' },
		{ "unpersist", no_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ready = NULL;
	int duration = 60, host_loop = 0, wait_ms = 200, unpersist = 0, c;
	unsigned long rounds = 0;
	struct sigaction sa = { .sa_handler = on_signal };
	time_t end;

	CHECK(vsw_switch_new("vSwitch0", NULL, &sw), "switch");
	CHECK(vsw_switch_set_log(sw, log_stderr, VSW_LOG_INFO, NULL), "log");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': CHECK(vsw_switch_set_mtu(sw, (unsigned int)atoi(optarg)), "mtu"); break;
		case 'd': duration = atoi(optarg); break;
		case 'r': ready = optarg; break;
		case 'H': host_loop = 1; break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'p': {
			char *vlan = split(optarg, '=');
			CHECK(vsw_portgroup_add(sw, optarg, (unsigned int)atoi(vlan), 0, NULL), optarg);
			break;
		}
		case 'u': add_uplink(optarg); break;
		case 'v': add_vnic(optarg); break;
		case 't': set_team(optarg); break;
		case 'P': set_policy(optarg); break;
		case 'U': unpersist = 1; break;
		default: return 2;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (!f)
			DIE("%s: %s", ready, strerror(errno));
		fclose(f);
	}
	/* bounded: the switch never outlives its test */
	end = time(NULL) + duration;
	if (host_loop) {
		struct pollfd p = { .fd = vsw_switch_fd(sw), .events = POLLIN };
		CHECK(p.fd, "switch fd");
		while (!stop && time(NULL) < end)
			if (poll(&p, 1, wait_ms) > 0) {
				CHECK(vsw_switch_poll(sw, 0), "poll");
				rounds++;
			}
	} else {
		while (!stop && time(NULL) < end) {
			CHECK(vsw_switch_poll(sw, wait_ms), "poll");
			rounds++;
		}
	}
	print_counters();
	printf("switch rounds %lu\n", rounds);
	fflush(stdout);
	for (struct vsw_port *p = vsw_port_next(sw, NULL); unpersist && p; p = vsw_port_next(sw, p)) {
		int e = vsw_backend_set_persist(vsw_port_backend(p), 0);
		if (e && e != -EOPNOTSUPP && e != -EINVAL)
			DIE("%s: set_persist: %s", vsw_port_name(p), strerror(-e));
	}
	vsw_switch_free(sw);
	return 0;
}
