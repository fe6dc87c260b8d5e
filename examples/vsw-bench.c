// SPDX-License-Identifier: MIT
/*
 * vsw-bench - how fast is the frame path? Builds switches in memory and
 * pushes 60-byte frames (64 on the wire with the FCS) through
 * vsw_port_input() in batches of 256 on one core, receiving through
 * callbacks that only count. Each scenario runs several times; the median
 * is reported, in Mpps and ns per frame, and as a ratio to a baseline that
 * only reads each frame's destination MAC and hands the batch on.
 *
 * Allocations made by the process during the timed loops are counted (the
 * program wraps malloc) and printed: the frame path must make none.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vsw.h>

#include "bench-config.h"
#include "bench-offload.h"

#define BATCH VSW_BATCH_MAX
#define FRAME_LEN 60
#define N_FRAMES 65536 /* distinct pre-built frames, cycled through */

/* ---- allocation counting ---- */

static volatile unsigned long n_allocs;
static volatile int counting;

#if !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
#define COUNT_ALLOCS 1
#elif defined(__has_feature)
#if !__has_feature(address_sanitizer)
#define COUNT_ALLOCS 1
#endif
#endif

#ifdef COUNT_ALLOCS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
void *malloc(size_t n)
{
	if (counting)
		n_allocs++;
	return __libc_malloc(n);
}
void *calloc(size_t n, size_t s)
{
	if (counting)
		n_allocs++;
	return __libc_calloc(n, s);
}
void *realloc(void *p, size_t n)
{
	if (counting)
		n_allocs++;
	return __libc_realloc(p, n);
}
#endif

/* ---- helpers ---- */

#define CHECK(call) do { int e_ = (call); if (e_ < 0) { \
	fprintf(stderr, "vsw-bench: %s: %s\n", #call, strerror(-e_)); exit(1); } } while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t delivered;

static unsigned int count_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	(void)port;
	(void)f;
	(void)user;
	delivered += n;
	return n;
}

/* A mirroring callback that only counts (the copies are delivered frames). */
static unsigned int count_mirror(struct vsw_mirror *m, const struct vsw_mirror_copy *c,
				 unsigned int n, void *user)
{
	(void)m;
	(void)c;
	(void)user;
	delivered += n;
	return n;
}

static void mac_of(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

/* The frames of the scenario being set up. */
static uint8_t *frames_buf;
static struct vsw_frame *frames;

static void build_frame(uint32_t i, const uint8_t dst[6], const uint8_t src[6], int vid)
{
	uint8_t *f = frames_buf + (size_t)i * 64;
	uint32_t n = 12;

	memset(f, 0, 64);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vid >= 0) {
		f[n++] = 0x81;
		f[n++] = 0x00;
		f[n++] = (uint8_t)(vid >> 8);
		f[n++] = (uint8_t)vid;
	}
	f[n++] = 0x08;
	f[n++] = 0x00;
	f[n] = 0x45;
	frames[i] = (struct vsw_frame){ .data = f, .len = FRAME_LEN };
}

/* ---- scenarios ---- */

struct scenario {
	const char *name;
	const char *what;
	struct vsw_switch *sw;
	struct vsw_port *in;   /* the port frames enter by; NULL: baseline */
	unsigned int n_frames; /* distinct frames to cycle through */
	unsigned int fanout;   /* frames delivered per frame sent */
	uint8_t *buf;          /* the frames' bytes */
	struct vsw_frame *frames;
	uint64_t batches;      /* per timed run */
	double ns[64];         /* per run, ns per frame sent */
	struct vsw_capture *cap; /* capture_full: a capture never written out, */
	int cap_fd;              /* to /dev/null at the end */
};

static uint64_t baseline_sink;

static void baseline_handoff(const struct vsw_frame *f, unsigned int n)
{
	baseline_sink += n + f[0].len;
}

/* The least a switch must do: look at each destination MAC, pass the batch on. */
static void baseline_batch(const struct vsw_frame *f, unsigned int n)
{
	uint64_t acc = 0;

	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *d = f[i].data;
		acc += (uint64_t)d[0] << 40 | (uint64_t)d[1] << 32 | (uint64_t)d[2] << 24 |
		       (uint64_t)d[3] << 16 | (uint64_t)d[4] << 8 | d[5];
	}
	baseline_sink += acc;
	baseline_handoff(f, n);
}

static double run_once(const struct scenario *s, uint64_t batches)
{
	uint64_t t0, t1, pos = 0;

	t0 = now_ns();
	for (uint64_t b = 0; b < batches; b++) {
		const struct vsw_frame *f = &s->frames[pos];
		if (s->in)
			vsw_port_input(s->in, f, BATCH);
		else
			baseline_batch(f, BATCH);
		pos += BATCH;
		if (pos + BATCH > s->n_frames)
			pos = 0;
	}
	t1 = now_ns();
	return (double)(t1 - t0) / (double)(batches * BATCH);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct vsw_switch *new_switch(const char *name, unsigned int max_macs)
{
	struct vsw_switch *sw;
	VSW_OPTS(vsw_switch_opts, o, .max_macs = max_macs);

	CHECK(vsw_switch_new(name, &o, &sw));
	return sw;
}

static struct vsw_port *add_vnic(struct vsw_portgroup *pg, uint32_t id, int receive)
{
	struct vsw_vnic *v;
	char name[32];
	uint8_t mac[6];

	mac_of(mac, id);
	snprintf(name, sizeof(name), "vm%u", id);
	CHECK(vsw_vnic_add(pg, name, mac, 0, &v));
	if (receive)
		CHECK(vsw_vnic_set_rx(v, count_rx, NULL));
	return vsw_vnic_port(v);
}

static struct vsw_port *add_uplink(struct vsw_switch *sw)
{
	struct vsw_uplink *u;

	CHECK(vsw_uplink_add(sw, "vmnic0", 0, &u));
	CHECK(vsw_port_set_rx(vsw_uplink_port(u), count_rx, NULL));
	return vsw_uplink_port(u);
}

/* Set up scenario 'name'; frames[] is rebuilt for it. */
static int setup(struct scenario *s, const char *name)
{
	struct vsw_portgroup *pg;
	uint8_t src[6], dst[6];
	unsigned int n_macs = 0;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->n_frames = BATCH;
	s->fanout = 1;
	s->buf = frames_buf = calloc(N_FRAMES, 64);
	s->frames = frames = calloc(N_FRAMES, sizeof(*frames));
	if (!s->buf || !s->frames) {
		fprintf(stderr, "vsw-bench: out of memory\n");
		exit(1);
	}
	if (!strcmp(name, "baseline")) {
		s->what = "read the destination MAC, hand the batch on";
		mac_of(src, 1);
		mac_of(dst, 2);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
		return 0;
	}
	if (!strncmp(name, "macs_", 5))
		n_macs = (unsigned int)atoi(name + 5);
	s->sw = new_switch("bench", 4096);
	if (!strcmp(name, "unicast")) {
		s->what = "known unicast between two vNICs";
		CHECK(vsw_portgroup_add(s->sw, "pg", 0, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		add_vnic(pg, 2, 1);
		mac_of(src, 1);
		mac_of(dst, 2);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
	} else if (!strcmp(name, "vst_push")) {
		s->what = "vNIC on VLAN 10 to the uplink, tag pushed";
		add_uplink(s->sw);
		CHECK(vsw_portgroup_add(s->sw, "pg", 10, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		mac_of(src, 1);
		mac_of(dst, 0x999);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
	} else if (!strcmp(name, "vst_pop")) {
		s->what = "uplink to a vNIC on VLAN 10, tag popped";
		s->in = add_uplink(s->sw);
		CHECK(vsw_portgroup_add(s->sw, "pg", 10, 0, &pg));
		add_vnic(pg, 1, 1);
		mac_of(src, 0x999);
		mac_of(dst, 1);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, 10);
	} else if (!strcmp(name, "broadcast2")) {
		s->what = "broadcast from a vNIC to 2 vNICs (delivered frames)";
		CHECK(vsw_portgroup_add(s->sw, "pg", 0, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		add_vnic(pg, 2, 1);
		add_vnic(pg, 3, 1);
		s->fanout = 2;
		mac_of(src, 1);
		memset(dst, 0xff, 6);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
	} else if (!strcmp(name, "mirror_span") || !strcmp(name, "mirror_cb") ||
		   !strcmp(name, "mirror_idle") || !strcmp(name, "capture_full")) {
		/* known unicast from vm1 to vm2, with a mirroring session */
		struct vsw_mirror *m;
		CHECK(vsw_portgroup_add(s->sw, "pg", 0, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		struct vsw_port *vm2 = add_vnic(pg, 2, 1), *vm3 = add_vnic(pg, 3, 1);
		CHECK(vsw_mirror_add(s->sw, "m", NULL, &m));
		if (!strcmp(name, "mirror_idle")) {
			/* a session elsewhere: this path pays nothing for it */
			s->what = "known unicast, a session on another port";
			CHECK(vsw_mirror_add_source(m, vm3, VSW_MIRROR_BOTH));
			CHECK(vsw_mirror_set_dest_fn(m, count_mirror, NULL));
		} else if (!strcmp(name, "mirror_span")) {
			s->what = "known unicast + SPAN copy of vm1's ingress to vm3 (delivered frames)";
			s->fanout = 2;
			CHECK(vsw_mirror_add_source(m, s->in, VSW_MIRROR_INGRESS));
			CHECK(vsw_mirror_set_dest_port(m, vm3, 0));
		} else if (!strcmp(name, "capture_full")) {
			/* the queue fills in the warm-up and is never written: every
			 * copy after that is a drop, the cost a slow reader imposes */
			struct vsw_capture_opts o = { .size = sizeof(o), .queue_bytes = 64u << 10 };
			s->what = "known unicast + pcapng capture of vm1's ingress, queue full (drops)";
			CHECK(vsw_mirror_add_source(m, s->in, VSW_MIRROR_INGRESS));
			s->cap_fd = open("/dev/null", O_WRONLY);
			CHECK(s->cap_fd < 0 ? -errno : 0);
			CHECK(vsw_capture_open(m, s->cap_fd, &o, &s->cap));
		} else {
			s->what = "known unicast + callback copy of vm1's ingress (delivered + copies)";
			s->fanout = 2;
			CHECK(vsw_mirror_add_source(m, s->in, VSW_MIRROR_INGRESS));
			CHECK(vsw_mirror_set_dest_fn(m, count_mirror, NULL));
		}
		(void)vm2;
		mac_of(src, 1);
		mac_of(dst, 2);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
	} else if (!strcmp(name, "broadcast8")) {
		s->what = "broadcast from a vNIC to 8 vNICs (delivered frames)";
		CHECK(vsw_portgroup_add(s->sw, "pg", 0, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		for (uint32_t i = 0; i < 8; i++)
			add_vnic(pg, 2 + i, 1);
		s->fanout = 8;
		mac_of(src, 1);
		memset(dst, 0xff, 6);
		for (unsigned int i = 0; i < BATCH; i++)
			build_frame(i, dst, src, -1);
	} else if (n_macs >= 2) {
		s->what = "known unicast to uniformly random vNICs";
		CHECK(vsw_portgroup_add(s->sw, "pg", 0, 0, &pg));
		s->in = add_vnic(pg, 1, 0);
		for (uint32_t i = 0; i < n_macs; i++)
			add_vnic(pg, 2 + i, 1);
		s->n_frames = N_FRAMES;
		mac_of(src, 1);
		srand(42);
		for (unsigned int i = 0; i < N_FRAMES; i++) {
			mac_of(dst, 2 + (uint32_t)((unsigned int)rand() % n_macs));
			build_frame(i, dst, src, -1);
		}
	} else {
		vsw_switch_free(s->sw);
		free(s->buf);
		free(s->frames);
		return -1;
	}
	return 0;
}

static void teardown(struct scenario *s)
{
	vsw_switch_free(s->sw);
	if (s->cap) {
		vsw_capture_close(s->cap);
		close(s->cap_fd);
	}
	free(s->buf);
	free(s->frames);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vsw-bench [--json] [--runs N] [--seconds S] [SCENARIO...]\n"
		   "       vsw-bench [--json] --config\n"
		   "       vsw-bench [--json] [--runs N] [--seconds S] --offload\n"
		   "scenarios: baseline unicast vst_push vst_pop broadcast2 broadcast8 macs_N (N >= 2)\n"
		   "           mirror_idle mirror_span mirror_cb capture_full (mirroring sessions)\n"
		   "default: baseline unicast vst_push vst_pop broadcast8 and macs_16 .. macs_65536\n");
}

int main(int argc, char **argv)
{
	static const char *defaults[] = {
		"baseline", "unicast", "vst_push", "vst_pop", "broadcast8",
		"macs_16", "macs_256", "macs_4096", "macs_16384", "macs_65536",
	};
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "config", no_argument, NULL, 'c' },
		{ "offload", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *names[64];
	int n = 0, json = 0, runs = 7, c, config = 0, offload = 0;
	double seconds = 0.2, base_mpps;
	static struct scenario sc[64];
	unsigned long allocs;

	while ((c = getopt_long(argc, argv, "jr:s:hco", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = 1; break;
		case 'o': offload = 1; break;
		case 'j': json = 1; break;
		case 'r': runs = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (config)
		return bench_config(json);
	if (runs < 1 || runs > 63 || seconds <= 0) {
		usage(stderr);
		return 2;
	}
	if (offload)
		return bench_offload(json, runs, seconds);
	/* the baseline always runs first: every figure is also a ratio to it */
	names[n++] = "baseline";
	if (optind < argc) {
		for (int i = optind; i < argc && n < 64; i++)
			if (strcmp(argv[i], "baseline"))
				names[n++] = argv[i];
	} else {
		for (size_t i = 1; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			names[n++] = defaults[i];
	}
	for (int i = 0; i < n; i++) {
		if (setup(&sc[i], names[i]) < 0) {
			fprintf(stderr, "vsw-bench: unknown scenario '%s'\n", names[i]);
			usage(stderr);
			return 2;
		}
		/* warm up, and size a run to about 'seconds' */
		double warm = run_once(&sc[i], 2000);
		sc[i].batches = (uint64_t)(seconds * 1e9 / (warm * BATCH));
		if (sc[i].batches < 100)
			sc[i].batches = 100;
	}
	/* rounds interleave the scenarios, so that noise hits them alike */
	delivered = 0;
	n_allocs = 0;
	counting = 1;
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++)
			sc[i].ns[r] = run_once(&sc[i], sc[i].batches);
	counting = 0;
	allocs = n_allocs;
	if (!delivered) {
		fprintf(stderr, "vsw-bench: nothing was delivered\n");
		return 1;
	}
	for (int i = 0; i < n; i++)
		qsort(sc[i].ns, (size_t)runs, sizeof(double), cmp_double);
	base_mpps = 1e3 / sc[0].ns[runs / 2];

	if (json) {
		printf("{\"batch\": %d, \"frame_bytes\": %d, \"runs\": %d, \"scenarios\": {", BATCH,
		       FRAME_LEN, runs);
		for (int i = 0; i < n; i++) {
			double ns = sc[i].ns[runs / 2], mpps = 1e3 / ns * sc[i].fanout;
			printf("%s\"%s\": {\"mpps\": %.2f, \"ns_per_frame\": %.2f, "
			       "\"ratio_to_baseline\": %.3f}", i ? ", " : "", sc[i].name, mpps, ns,
			       mpps / base_mpps);
		}
		printf("}, \"allocations_in_timed_loops\": %lu}\n", allocs);
	} else {
		printf("libvsw %s frame path: one core, %d-byte frames (64 with FCS), batches of %d,\n"
		       "median of %d interleaved runs\n\n", vsw_version(), FRAME_LEN, BATCH, runs);
		printf("%-12s %9s %9s %10s  %s\n", "scenario", "Mpps", "ns/frame", "x baseline", "what");
		for (int i = 0; i < n; i++) {
			double ns = sc[i].ns[runs / 2], mpps = 1e3 / ns * sc[i].fanout;
			printf("%-12s %9.2f %9.2f %10.3f  %s\n", sc[i].name, mpps, ns, mpps / base_mpps,
			       sc[i].what);
		}
		printf("\nallocations during the timed loops: %lu\n", allocs);
	}
	for (int i = 0; i < n; i++)
		teardown(&sc[i]);
	return allocs ? 1 : 0;
}
