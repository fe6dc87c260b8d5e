// SPDX-License-Identifier: MIT
/*
 * Description: the event loop's deadlines and wake-ups: vsw_switch_timeout_ms()
 * for an idle switch (none), LLDP, beacons and MAC aging on a test clock
 * (the timer they set), pending work (0); a backend's run hook at attach and
 * at its deadline; a send that takes fewer frames (tx_full, want_writable,
 * vsw_backend_writable(), EPOLLOUT on the backend's descriptor, one batch
 * per round meanwhile); notifications from another thread; and an idle
 * switch's descriptor staying quiet.
 */
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vsw_backend.h>

#include "cksuite.h"

#define MS 1000000ull
#define SEC 1000000000ull

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static uint64_t now_ns;

static uint64_t test_clock(void *user)
{
	(void)user;
	return now_ns;
}

/* Poll without waiting until the switch has nothing left to do now. */
static void settle(struct vsw_switch *sw)
{
	for (int i = 0; i < 20 && vsw_switch_timeout_ms(sw) == 0; i++)
		ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_ne(vsw_switch_timeout_ms(sw), 0);
}

/* Poll, sleeping what the switch asks, until it has no deadline left: a
 * backend that carried frames has its link read once more 100 ms later. */
static void quiet(struct vsw_switch *sw)
{
	int t;

	for (int i = 0; i < 50 && (t = vsw_switch_timeout_ms(sw)) != -1; i++)
		ck_assert_int_ge(vsw_switch_poll(sw, t < 500 ? t : 500), 0);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
}

static uint32_t eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src)
{
	return ck_frame(buf, dst, src, NULL, 0, 0x0800, 46);
}

/* A switch with an uplink and a vNIC, each on a memory wire whose other
 * end the test keeps. */
struct mx {
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_port *u, *a;
	struct vsw_backend *wire_u, *wire_a;
};

static void mx_setup(struct mx *x, const char *tag)
{
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	char spec[64];

	memset(x, 0, sizeof(*x));
	x->sw = ck_switch("loop");
	ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
	x->u = vsw_uplink_port(u);
	ck_ok(vsw_portgroup_add(x->sw, "pg", 0, 0, &x->pg));
	ck_ok(vsw_vnic_add(x->pg, "a", mac_a, 0, &a));
	x->a = vsw_vnic_port(a);
	snprintf(spec, sizeof(spec), "memory:%s-u", tag);
	ck_ok(vsw_backend_open(spec, NULL, &x->wire_u));
	ck_ok(vsw_port_attach(x->u, spec, NULL));
	snprintf(spec, sizeof(spec), "memory:%s-a", tag);
	ck_ok(vsw_backend_open(spec, NULL, &x->wire_a));
	ck_ok(vsw_port_attach(x->a, spec, NULL));
}

static void mx_free(struct mx *x)
{
	vsw_switch_free(x->sw);
	vsw_backend_close(x->wire_u);
	vsw_backend_close(x->wire_a);
}

START_TEST(idle_switch_has_no_deadline)
{
	struct mx x;
	struct vsw_frame f[8] = { 0 };
	int fd;

	mx_setup(&x, "idle");
	ck_assert_int_eq(vsw_switch_timeout_ms(NULL), -EINVAL);
	fd = vsw_switch_fd(x.sw);
	ck_assert_int_ge(fd, 0);
	quiet(x.sw);
	while (vsw_backend_recv(x.wire_u, f, 8) > 0) /* the RARP of a */
		;
	/* nothing to do: the descriptor stays quiet (no tick), and a poll
	 * with a timeout sleeps it out */
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 300), 0);
	}
	ck_assert_int_eq(vsw_switch_poll(x.sw, 50), 0);
	ck_assert_int_eq(vsw_switch_timeout_ms(x.sw), -1);
	mx_free(&x);
}
END_TEST

/* LLDP advertising: a deadline every interval, which the timer follows. */
START_TEST(lldp_sets_the_timer)
{
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_uplink *u;
	struct ck_cap *cap = calloc(1, sizeof(*cap));

	now_ns = 1000 * SEC;
	ck_ok(vsw_switch_set_clock(sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_capture(vsw_uplink_port(u), cap);
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	ck_ok(vsw_switch_set_lldp_interval(sw, 30));
	ck_ok(vsw_switch_set_lldp_mode(sw, VSW_LLDP_BOTH));
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_LLDP_TX), 1);
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 30000);
	now_ns += 10 * SEC + 500000; /* rounded up */
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 20000);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_LLDP_TX), 1);
	now_ns += 20 * SEC - 500000;
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 0);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_LLDP_TX), 2);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 30000);
	/* off again: no deadline */
	ck_ok(vsw_switch_set_lldp_mode(sw, VSW_LLDP_LISTEN));
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	vsw_switch_free(sw);
	free(cap);
}
END_TEST

/* Beacon probing: a round every interval. */
START_TEST(beacons_set_the_timer)
{
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct ck_cap *cap = calloc(2, sizeof(*cap));

	now_ns = 1000 * SEC;
	ck_ok(vsw_switch_set_clock(sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_capture(vsw_uplink_port(u), &cap[0]);
	ck_ok(vsw_uplink_add(sw, "vmnic1", 0, &u));
	ck_capture(vsw_uplink_port(u), &cap[1]);
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	ck_ok(vsw_switch_set_beacon_interval(sw, 1500));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_BEACON));
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 0); /* probing starts at once */
	settle(sw);
	ck_assert_uint_eq(cap[1].n, 1);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 1500);
	now_ns += 1500 * MS;
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 0);
	settle(sw);
	ck_assert_uint_eq(cap[1].n, 2);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 1500);
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_FAILURE_DETECTION, VSW_DETECT_LINK_STATUS));
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	vsw_switch_free(sw);
	free(cap);
}
END_TEST

/* MAC aging: a deadline only while learned entries exist, at the earliest
 * expiry. */
START_TEST(aging_sets_the_timer)
{
	static const uint8_t nested1[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x01 };
	static const uint8_t nested2[6] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x02 };
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct ck_cap *cap = calloc(1, sizeof(*cap));
	uint8_t buf[64];

	now_ns = 1000 * SEC;
	ck_ok(vsw_switch_set_clock(sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_capture(vsw_uplink_port(u), cap);
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_MAC_LEARNING, 1));
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_MAC_AGING_SEC, 10));
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	/* learned at 1000 s: gone when more than 10 s old, at 1011 s */
	eth(buf, mac_x, nested1);
	ck_send(vsw_vnic_port(a), buf, 60);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 11000);
	now_ns += 4 * SEC;
	eth(buf, mac_x, nested2); /* at 1004 s: expires at 1015 s */
	ck_send(vsw_vnic_port(a), buf, 60);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 7000);
	now_ns += 7 * SEC;
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 0);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 4000); /* nested1 aged out */
	/* a shorter aging time takes effect on the timer at once */
	ck_ok(vsw_portgroup_policy_set(pg, VSW_POL_MAC_AGING_SEC, 5));
	ck_assert_int_le(vsw_switch_timeout_ms(sw), 0); /* nested2 is 7 s old */
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1); /* nothing learned left */
	vsw_switch_free(sw);
	free(cap);
}
END_TEST

static unsigned int answer_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n,
			      void *user)
{
	struct vsw_frame r = f[0];
	int *timeout = user;

	/* a device model answering from its receive callback: queued */
	ck_assert_int_eq(vsw_port_input(port, &r, 1), 0);
	*timeout = vsw_switch_timeout_ms(vsw_port_switch(port));
	return n;
}

static void *notify_later(void *arg)
{
	usleep(50000);
	vsw_backend_notify(arg);
	return NULL;
}

/* Work pending now: input queued during a delivery, a notified backend
 * (from this thread or another, which wakes the descriptor). */
START_TEST(pending_work_is_zero)
{
	struct mx x;
	struct vsw_vnic *b;
	uint8_t buf[64];
	int timeout = -2, fd;
	pthread_t th;

	mx_setup(&x, "pend");
	ck_ok(vsw_vnic_add(x.pg, "b", mac_x, 0, &b));
	ck_ok(vsw_vnic_set_rx(b, answer_rx, &timeout));
	settle(x.sw);
	eth(buf, mac_x, mac_a);
	ck_assert_int_eq(vsw_port_input(x.a, &(struct vsw_frame){ .data = buf, .len = 60 }, 1), 0);
	ck_assert_int_eq(timeout, 0);
	quiet(x.sw);
	/* a notification: the link is read at the next round */
	vsw_backend_notify(vsw_port_backend(x.u));
	ck_assert_int_eq(vsw_switch_timeout_ms(x.sw), 0);
	ck_assert_int_ge(vsw_switch_poll(x.sw, 0), 0);
	ck_assert_int_eq(vsw_switch_timeout_ms(x.sw), -1);
	/* from another thread, while the host sleeps on the descriptor */
	fd = vsw_switch_fd(x.sw);
	ck_assert_int_eq(pthread_create(&th, NULL, notify_later, vsw_port_backend(x.u)), 0);
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 5000), 1);
	}
	pthread_join(th, NULL);
	ck_assert_int_eq(vsw_switch_timeout_ms(x.sw), 0);
	quiet(x.sw);
	mx_free(&x);
}
END_TEST

/* ---- registered backends: run hooks, a full queue ---- */

struct rb {
	int fd[2];               /* socketpair: fd[0] is the backend's descriptor */
	int runs;
	uint64_t run_at, run_every;
	int wants;               /* want_writable calls */
	unsigned int take;       /* frames send takes per call */
	int recvs;               /* recv calls */
	bool flood;              /* recv returns full batches */
	uint8_t frame[64];
};

static struct rb *rb_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static int rb_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct rb *r = calloc(1, sizeof(*r));

	(void)arg;
	(void)options;
	if (!r)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, r->fd) < 0) {
		free(r);
		return -errno;
	}
	r->take = VSW_BATCH_MAX;
	r->run_every = 50 * MS;
	vsw_backend_set_priv(be, r);
	return 0;
}

static void rb_close(struct vsw_backend *be)
{
	close(rb_of(be)->fd[0]);
	close(rb_of(be)->fd[1]);
	free(rb_of(be));
}

static int rb_fd(struct vsw_backend *be)
{
	return rb_of(be)->fd[0];
}

static int rb_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct rb *r = rb_of(be);

	r->recvs++;
	if (!r->flood)
		return 0;
	/* a broadcast nobody else hears: the uplink's frames go to no uplink */
	eth(r->frame, mac_x, mac_x);
	for (unsigned int i = 0; i < n; i++)
		f[i] = (struct vsw_frame){ .data = r->frame, .len = 60 };
	return (int)n;
}

static int rb_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct rb *r = rb_of(be);

	(void)f;
	return (int)(n < r->take ? n : r->take);
}

static uint64_t rb_run(struct vsw_backend *be, uint64_t now)
{
	struct rb *r = rb_of(be);

	r->runs++;
	r->run_at = now;
	return r->run_every == UINT64_MAX ? UINT64_MAX : now + r->run_every;
}

static void rb_want(struct vsw_backend *be)
{
	rb_of(be)->wants++;
}

static struct vsw_backend_ops rb_ops(const char *name, bool run, bool want, bool fd)
{
	struct vsw_backend_ops o = {
		.size = sizeof(o),
		.name = name,
		.open = rb_open,
		.close = rb_close,
		.fd = fd ? rb_fd : NULL,
		.recv = rb_recv,
		.send = rb_send,
		.run = run ? rb_run : NULL,
		.want_writable = want ? rb_want : NULL,
	};
	return o;
}

START_TEST(run_hook_at_attach_and_deadline)
{
	struct vsw_backend_ops o = rb_ops("lrun", true, false, true);
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_uplink *u;
	struct vsw_backend *be;
	struct rb *r;

	ck_ok(vsw_backend_register(&o));
	now_ns = 77 * SEC;
	ck_ok(vsw_switch_set_clock(sw, test_clock, NULL));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "lrun:", NULL));
	be = vsw_port_backend(vsw_uplink_port(u));
	r = rb_of(be);
	ck_assert_int_eq(r->runs, 1);
	ck_assert_uint_eq(r->run_at, 77 * SEC);
	settle(sw);
	ck_assert_int_eq(r->runs, 1);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 50);
	now_ns += 49 * MS;
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_eq(r->runs, 1);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 1);
	now_ns += 1 * MS;
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 0);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_eq(r->runs, 2);
	ck_assert_uint_eq(r->run_at, 77 * SEC + 50 * MS);
	/* never again, until a notification */
	r->run_every = UINT64_MAX;
	now_ns += 50 * MS;
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_eq(r->runs, 3);
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), -1);
	vsw_backend_notify(be);
	settle(sw);
	ck_assert_int_eq(r->runs, 4);
	/* a replaced clock: due at once on the new one */
	ck_ok(vsw_switch_set_clock(sw, NULL, NULL));
	settle(sw);
	ck_assert_int_eq(r->runs, 5);
	vsw_switch_free(sw);
	ck_ok(vsw_backend_unregister("lrun"));
}
END_TEST

/* A backend without a descriptor is received from every millisecond. */
START_TEST(fdless_backend_is_polled)
{
	struct vsw_backend_ops o = rb_ops("lnofd", false, false, false);
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_uplink *u;
	int fd, recvs;

	ck_ok(vsw_backend_register(&o));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "lnofd:", NULL));
	fd = vsw_switch_fd(sw);
	settle(sw);
	ck_assert_int_eq(vsw_switch_timeout_ms(sw), 1);
	recvs = rb_of(vsw_port_backend(vsw_uplink_port(u)))->recvs;
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 2000), 1); /* the timer */
	}
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_gt(rb_of(vsw_port_backend(vsw_uplink_port(u)))->recvs, recvs);
	vsw_switch_free(sw);
	ck_ok(vsw_backend_unregister("lnofd"));
}
END_TEST

/* Frames the vNIC sends out of the uplink, 'n' in one batch. */
static void send_out(struct vsw_port *a, unsigned int n)
{
	static uint8_t buf[64];
	struct vsw_frame f[8];

	eth(buf, mac_x, mac_a);
	for (unsigned int i = 0; i < n; i++)
		f[i] = (struct vsw_frame){ .data = buf, .len = 60 };
	ck_assert_int_eq(vsw_port_input(a, f, n), 0);
}

/* Receive calls of one round, with the backend readable. */
static int round_recvs(struct vsw_switch *sw, struct rb *r)
{
	int before = r->recvs;

	ck_assert_int_ge(vsw_switch_poll(sw, 100), 0);
	return r->recvs - before;
}

struct bpx {
	struct vsw_switch *sw;
	struct vsw_port *u, *a;
	struct vsw_backend *be;
	struct rb *r;
};

static void bp_setup(struct bpx *x, const char *spec)
{
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;

	x->sw = ck_switch("loop");
	ck_ok(vsw_uplink_add(x->sw, "vmnic0", 0, &u));
	x->u = vsw_uplink_port(u);
	ck_ok(vsw_port_attach(x->u, spec, NULL));
	ck_ok(vsw_portgroup_add(x->sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	x->a = vsw_vnic_port(a);
	x->be = vsw_port_backend(x->u);
	x->r = rb_of(x->be);
	ck_assert_int_ge(vsw_switch_fd(x->sw), 0);
	settle(x->sw);
	/* readable for good: every round receives */
	ck_assert_int_eq(write(x->r->fd[1], "x", 1), 1);
	x->r->flood = true;
	ck_assert_int_eq(round_recvs(x->sw, x->r), 8);
}

/* want_writable: asked once per short send; one batch per round until
 * vsw_backend_writable(). */
START_TEST(short_send_asks_to_be_told)
{
	struct vsw_backend_ops o = rb_ops("lwant", false, true, true);
	struct bpx x;
	uint64_t tx;

	ck_ok(vsw_backend_register(&o));
	bp_setup(&x, "lwant:");
	tx = vsw_port_counter(x.u, VSW_CTR_TX_PACKETS);
	x.r->take = 1;
	send_out(x.a, 3);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_TX_FULL), 2);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_TX_PACKETS), tx + 1);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_TX_ERRORS), 0);
	ck_assert_int_eq(x.r->wants, 1);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 8); /* the round that notices */
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1);
	ck_assert_int_eq(x.r->wants, 1);
	x.r->take = VSW_BATCH_MAX;
	vsw_backend_writable(x.be);
	ck_assert_int_eq(vsw_switch_timeout_ms(x.sw), 0);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1); /* cleared in this round */
	ck_assert_int_eq(round_recvs(x.sw, x.r), 8);
	vsw_backend_writable(NULL);
	vsw_switch_free(x.sw);
	ck_ok(vsw_backend_unregister("lwant"));
}
END_TEST

/* Without want_writable, the loop waits for the descriptor's EPOLLOUT. */
START_TEST(short_send_waits_for_epollout)
{
	struct vsw_backend_ops o = rb_ops("lpollout", false, false, true);
	static char junk[4096];
	struct bpx x;
	int filled = 0;

	ck_ok(vsw_backend_register(&o));
	bp_setup(&x, "lpollout:");
	/* the descriptor's queue full: not writable */
	while (write(x.r->fd[0], junk, sizeof(junk)) > 0)
		filled++;
	ck_assert_int_gt(filled, 0);
	x.r->take = 0;
	send_out(x.a, 2);
	ck_assert_uint_eq(vsw_port_counter(x.u, VSW_CTR_TX_FULL), 2);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 8);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1);
	/* the peer reads: writable, and the next round sees it */
	while (read(x.r->fd[1], junk, sizeof(junk)) > 0)
		;
	x.r->take = VSW_BATCH_MAX;
	ck_assert_int_eq(round_recvs(x.sw, x.r), 1);
	ck_assert_int_eq(round_recvs(x.sw, x.r), 8);
	/* and only EPOLLIN again: with nothing to read, the loop sleeps */
	x.r->flood = false;
	{
		char c;
		ck_assert_int_eq(read(x.r->fd[0], &c, 1), 1);
	}
	quiet(x.sw);
	{
		struct pollfd p = { .fd = vsw_switch_fd(x.sw), .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 100), 0);
	}
	vsw_switch_free(x.sw);
	ck_ok(vsw_backend_unregister("lpollout"));
}
END_TEST

/* The memory wire: a full ring counts tx_full; its descriptor polls
 * writable, so the next round lifts the block. */
START_TEST(memory_ring_full)
{
	struct vsw_switch *sw = ck_switch("loop");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct vsw_backend *peer;
	struct vsw_frame f[8] = { 0 };

	ck_ok(vsw_backend_open("memory:lfull", "ring=2", &peer));
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "memory:lfull", NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	settle(sw);
	while (vsw_backend_recv(peer, f, 8) > 0)
		;
	send_out(vsw_vnic_port(a), 4);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_TX_FULL), 2);
	quiet(sw);
	ck_assert_int_eq(vsw_backend_recv(peer, f, 8), 2);
	vsw_switch_free(sw);
	vsw_backend_close(peer);
}
END_TEST

Suite *vsw_loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, idle_switch_has_no_deadline);
	tcase_add_test(tc, lldp_sets_the_timer);
	tcase_add_test(tc, beacons_set_the_timer);
	tcase_add_test(tc, aging_sets_the_timer);
	tcase_add_test(tc, pending_work_is_zero);
	tcase_add_test(tc, run_hook_at_attach_and_deadline);
	tcase_add_test(tc, fdless_backend_is_polled);
	tcase_add_test(tc, short_send_asks_to_be_told);
	tcase_add_test(tc, short_send_waits_for_epollout);
	tcase_add_test(tc, memory_ring_full);
	suite_add_tcase(s, tc);
	return s;
}
