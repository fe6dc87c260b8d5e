// SPDX-License-Identifier: MIT
/*
 * Description: backends and the event loop: the memory wire (standalone and
 * attached), link changes reaching teaming through vsw_switch_poll(), a
 * backend registered at run time through vsw_backend.h carrying frames, the
 * registry's errors, vsw_switch_fd() in a host's own poll(2) loop,
 * vsw_switch_run()/vsw_switch_stop(), and the loop's own failures;
 * vsw_backend_set_persist() and the tap's options (existing, new, persist,
 * netns=), and the log line of a failed vsw_port_attach().
 */
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <vsw_backend.h>

#include "cksuite.h"

static const uint8_t mac_a[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a };
static const uint8_t mac_x[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct ck_cap cap_a;

static uint32_t eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src)
{
	return ck_frame(buf, dst, src, NULL, 0, 0x0800, 46);
}

/* Poll until 'cond' holds or 200 rounds passed. */
#define POLL_UNTIL(sw, cond) do { \
	for (int i_ = 0; i_ < 200 && !(cond); i_++) \
		ck_assert_int_ge(vsw_switch_poll((sw), 10), 0); \
	} while (0)

START_TEST(memory_wire_standalone)
{
	struct vsw_backend *a, *b, *c;
	struct vsw_frame in[4] = { 0 }, out[4] = { 0 };
	uint8_t buf[64];

	ck_ok(vsw_backend_open("memory:w1", "ring=4", &a)); /* the first open sizes the wire */
	ck_assert_str_eq(vsw_backend_type(a), "memory");
	ck_assert_int_eq(vsw_backend_link(a), 0); /* nobody on the other end */
	ck_ok(vsw_backend_open("memory:w1", NULL, &b));
	ck_assert_int_eq(vsw_backend_link(a), 1);
	ck_assert_int_eq(vsw_backend_open("memory:w1", NULL, &c), -EBUSY);
	ck_assert_int_ge(vsw_backend_fd(a), 0);
	eth(buf, mac_x, mac_a);
	for (int i = 0; i < 4; i++)
		in[i] = (struct vsw_frame){ .data = buf, .len = (uint32_t)(60 - i) };
	ck_assert_int_eq(vsw_backend_send(a, in, 4), 4);
	ck_assert_int_eq(vsw_backend_send(a, in, 4), 0);   /* b's ring of 4 is full */
	{
		struct pollfd p = { .fd = vsw_backend_fd(b), .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 0), 1);
	}
	ck_assert_int_eq(vsw_backend_recv(b, out, 3), 3);
	ck_assert_uint_eq(out[2].len, 58);
	ck_assert_mem_eq(out[0].data, buf, 60);
	ck_assert_int_eq(vsw_backend_recv(b, out, 3), 1);
	ck_assert_int_eq(vsw_backend_recv(b, out, 3), 0);
	/* the cable: unplugged on one end, down on both */
	ck_ok(vsw_backend_set_link(a, 0));
	ck_assert_int_eq(vsw_backend_link(b), 0);
	ck_assert_int_eq(vsw_backend_send(b, in, 1), -ENETDOWN);
	ck_ok(vsw_backend_set_link(b, 1));
	ck_assert_int_eq(vsw_backend_link(a), 1);
	ck_assert_int_eq(vsw_backend_set_link(a, 2), -EINVAL);
	{
		uint8_t m[6];
		ck_assert_int_eq(vsw_backend_mac(a, m), -EOPNOTSUPP);
		ck_assert_int_eq(vsw_backend_mtu(a), -EOPNOTSUPP);
		ck_assert_int_eq(vsw_backend_mac(NULL, m), -EINVAL);
		ck_assert_int_eq(vsw_backend_mac(a, NULL), -EINVAL);
		ck_assert_int_eq(vsw_backend_mtu(NULL), -EINVAL);
	}
	vsw_backend_close(a);
	ck_assert_int_eq(vsw_backend_link(b), 0);
	vsw_backend_close(b);
	vsw_backend_close(NULL);
}
END_TEST

START_TEST(backend_open_errors)
{
	struct vsw_backend *be = (struct vsw_backend *)&be;

	ck_assert_int_eq(vsw_backend_open(NULL, NULL, &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("memory:x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("memory", NULL, &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open(":x", NULL, &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("nosuch:x", NULL, &be), -ENOENT);
	ck_assert_int_eq(vsw_backend_open("memory:", NULL, &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("memory:x", "ring=3", &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("memory:x", "ring=8192", &be), -EINVAL);
	ck_assert_int_eq(vsw_backend_open("memory:x", "color=red", &be), -EINVAL);
	ck_assert_ptr_eq(be, (struct vsw_backend *)&be);
	ck_assert_int_eq(vsw_backend_recv(NULL, NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_backend_send(NULL, NULL, 1), -EINVAL);
	ck_assert_int_eq(vsw_backend_fd(NULL), -EINVAL);
	ck_assert_int_eq(vsw_backend_link(NULL), -EINVAL);
	ck_assert_int_eq(vsw_backend_set_link(NULL, 1), -EINVAL);
	ck_assert_ptr_null(vsw_backend_type(NULL));
	ck_assert_ptr_null(vsw_backend_priv(NULL));
}
END_TEST

START_TEST(uplink_on_memory_wire)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct vsw_backend *phys;
	struct vsw_frame f = { 0 }, out[8] = { 0 };
	uint8_t buf[64];
	int n;

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "memory:phys", NULL));
	ck_assert_ptr_nonnull(vsw_port_backend(vsw_uplink_port(u)));
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u)), 0); /* nothing on the far end */
	ck_ok(vsw_backend_open("memory:phys", NULL, &phys));
	POLL_UNTIL(sw, vsw_port_link(vsw_uplink_port(u)));
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u)), 1);
	ck_ok(vsw_portgroup_add(sw, "v10", 10, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_capture(vsw_vnic_port(a), &cap_a);
	/* the RARP for a reached the physical network, tagged 10 */
	n = vsw_backend_recv(phys, out, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(out[0].len, 64);
	ck_assert_uint_eq(out[0].data[15], 10);
	/* the physical network sends a tagged frame to a */
	{
		struct ck_tag t = { 0x8100, 10 };
		f.len = ck_frame(buf, mac_a, mac_x, &t, 1, 0x0800, 42);
	}
	f.data = buf;
	f.flags = 0;
	ck_assert_int_eq(vsw_backend_send(phys, &f, 1), 1);
	POLL_UNTIL(sw, cap_a.n == 1);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(cap_a.f[0].len, 56);
	/* a answers: out on the wire, tagged */
	f.len = eth(buf, mac_x, mac_a);
	ck_ok(vsw_port_input(vsw_vnic_port(a), &f, 1));
	n = vsw_backend_recv(phys, out, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(out[0].len, 64);
	ck_assert_uint_eq(out[0].data[12], 0x81);
	ck_assert_uint_eq(out[0].data[15], 10);
	/* attached instances belong to the switch */
	ck_assert_int_eq(vsw_backend_recv(vsw_port_backend(vsw_uplink_port(u)), out, 1), -EBUSY);
	ck_assert_int_eq(vsw_port_attach(vsw_uplink_port(u), "memory:other", NULL), -EBUSY);
	/* detach: the link follows the port's own state again */
	ck_ok(vsw_port_detach(vsw_uplink_port(u)));
	ck_assert_int_eq(vsw_port_detach(vsw_uplink_port(u)), -ENOENT);
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u)), 1);
	vsw_backend_close(phys);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(memory_link_drives_failover)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u0, *u1;
	struct vsw_vnic *a;
	struct vsw_backend *p0, *p1;
	struct vsw_frame out[8] = { 0 };
	const char *act[] = { "vmnic0" }, *stb[] = { "vmnic1" };

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u0));
	ck_ok(vsw_uplink_add(sw, "vmnic1", 0, &u1));
	ck_ok(vsw_backend_open("memory:p0", NULL, &p0));
	ck_ok(vsw_backend_open("memory:p1", NULL, &p1));
	ck_ok(vsw_port_attach(vsw_uplink_port(u0), "memory:p0", NULL));
	ck_ok(vsw_port_attach(vsw_uplink_port(u1), "memory:p1", NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_portgroup_set_teaming(pg, act, 1, stb, 1));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_assert_ptr_eq(vsw_port_current_uplink(vsw_vnic_port(a)), u0);
	ck_assert_int_eq(vsw_backend_recv(p0, out, 8), 1); /* RARP on connect */
	/* unplug vmnic0's cable: the next poll fails a over, RARP on vmnic1 */
	ck_ok(vsw_backend_set_link(p0, 0));
	POLL_UNTIL(sw, vsw_port_current_uplink(vsw_vnic_port(a)) == u1);
	ck_assert_ptr_eq(vsw_port_current_uplink(vsw_vnic_port(a)), u1);
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u0)), 0);
	ck_assert_int_eq(vsw_backend_recv(p1, out, 8), 1);
	ck_assert_uint_eq(out[0].data[12], 0x80);
	ck_assert_uint_eq(out[0].data[13], 0x35);
	ck_assert_mem_eq(out[0].data + 6, mac_a, 6);
	/* plug it back: failback */
	ck_ok(vsw_backend_set_link(p0, 1));
	POLL_UNTIL(sw, vsw_port_current_uplink(vsw_vnic_port(a)) == u0);
	ck_assert_ptr_eq(vsw_port_current_uplink(vsw_vnic_port(a)), u0);
	vsw_switch_free(sw);
	vsw_backend_close(p0);
	vsw_backend_close(p1);
}
END_TEST

/* ---- a backend written against vsw_backend.h, registered at run time ---- */

struct queue {
	int efd[2];            /* a pipe: readable while frames wait */
	uint8_t buf[16][128];
	uint32_t len[16];
	unsigned int n, sent;
	int up;
};

static int q_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct queue *q = calloc(1, sizeof(*q));

	(void)options;
	if (!q)
		return -ENOMEM;
	if (strcmp(arg, "ok")) {
		free(q);
		return -ENODEV;
	}
	if (pipe(q->efd)) {
		free(q);
		return -errno;
	}
	q->up = 1;
	vsw_backend_set_priv(be, q);
	return 0;
}

static void q_close(struct vsw_backend *be)
{
	struct queue *q = vsw_backend_priv(be);

	close(q->efd[0]);
	close(q->efd[1]);
	free(q);
}

static int q_fd(struct vsw_backend *be)
{
	return ((struct queue *)vsw_backend_priv(be))->efd[0];
}

/* The switch's deliveries come back as received frames: a loopback cable. */
static int q_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct queue *q = vsw_backend_priv(be);
	unsigned int i;

	for (i = 0; i < n && q->n < 16; i++) {
		memcpy(q->buf[q->n], f[i].data, f[i].len);
		q->len[q->n++] = f[i].len;
	}
	q->sent += i;
	if (i && write(q->efd[1], "x", 1) != 1)
		return -EIO;
	return (int)i;
}

static int q_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct queue *q = vsw_backend_priv(be);
	char c;
	(void)n;
	if (read(q->efd[0], &c, 1) != 1)
		return 0;
	/* hand back one frame, with its source rewritten (a different host) */
	if (!q->n)
		return 0;
	q->buf[0][11] ^= 0x40;
	f[0] = (struct vsw_frame){ .data = q->buf[0], .len = q->len[0] };
	q->n = 0;
	return 1;
}

static int q_link(struct vsw_backend *be)
{
	return ((struct queue *)vsw_backend_priv(be))->up;
}

static const struct vsw_backend_ops queue_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "queue",
	.open = q_open,
	.close = q_close,
	.fd = q_fd,
	.recv = q_recv,
	.send = q_send,
	.link_state = q_link,
};

START_TEST(registered_backend_carries_frames)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct vsw_backend *be;
	uint8_t buf[64];

	ck_ok(vsw_backend_register(&queue_ops));
	ck_assert_int_eq(vsw_backend_register(&queue_ops), -EEXIST);
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_assert_int_eq(vsw_port_attach(vsw_uplink_port(u), "queue:bad", NULL), -ENODEV);
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "queue:ok", NULL));
	be = vsw_port_backend(vsw_uplink_port(u));
	ck_assert_str_eq(vsw_backend_type(be), "queue");
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_capture(vsw_vnic_port(a), &cap_a);
	/* the RARP went out through the backend's send, and comes back through
	 * recv from another source MAC; a broadcast, so a receives it */
	POLL_UNTIL(sw, cap_a.n == 1);
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_RX_PACKETS), 1);
	/* a unicast out through it */
	eth(buf, mac_x, mac_a);
	ck_send(vsw_vnic_port(a), buf, 60);
	ck_assert_uint_eq(((struct queue *)vsw_backend_priv(be))->sent, 2);
	ck_assert_uint_eq(vsw_port_counter(vsw_uplink_port(u), VSW_CTR_TX_PACKETS), 2);
	/* in use: cannot be unregistered */
	ck_assert_int_eq(vsw_backend_unregister("queue"), -EBUSY);
	/* its link state is polled */
	((struct queue *)vsw_backend_priv(be))->up = 0;
	vsw_backend_notify(be);
	ck_ok(write(((struct queue *)vsw_backend_priv(be))->efd[1], "x", 1) == 1 ? 0 : -1);
	POLL_UNTIL(sw, !vsw_port_link(vsw_uplink_port(u)));
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u)), 0);
	vsw_switch_free(sw);
	ck_ok(vsw_backend_unregister("queue"));
	ck_assert_int_eq(vsw_backend_unregister("queue"), -ENOENT);
	ck_assert_int_eq(vsw_backend_unregister("memory"), -ENOENT);
	ck_assert_int_eq(vsw_backend_unregister(NULL), -EINVAL);
}
END_TEST

START_TEST(register_errors)
{
	struct vsw_backend_ops o = queue_ops;
	struct {
		struct vsw_backend_ops o;
		uint64_t future;
	} big;

	ck_assert_int_eq(vsw_backend_register(NULL), -EINVAL);
	o.size = offsetof(struct vsw_backend_ops, run); /* short of the 2.0 base */
	ck_assert_int_eq(vsw_backend_register(&o), -EINVAL);
	o = queue_ops;
	o.name = "memory";
	ck_assert_int_eq(vsw_backend_register(&o), -EEXIST);
	o.name = "Bad Name";
	ck_assert_int_eq(vsw_backend_register(&o), -EINVAL);
	o.name = "";
	ck_assert_int_eq(vsw_backend_register(&o), -EINVAL);
	o.name = "averyveryverylongname";
	ck_assert_int_eq(vsw_backend_register(&o), -EINVAL);
	o = queue_ops;
	o.send = NULL;
	ck_assert_int_eq(vsw_backend_register(&o), -EINVAL);
	/* a newer, larger struct is fine while its unknown tail is zero */
	memset(&big, 0, sizeof(big));
	big.o = queue_ops;
	big.o.name = "bigger";
	big.o.size = sizeof(big);
	ck_ok(vsw_backend_register(&big.o));
	ck_ok(vsw_backend_unregister("bigger"));
	big.future = 1;
	ck_assert_int_eq(vsw_backend_register(&big.o), -EINVAL);
}
END_TEST

/* The registry keeps its own copy of a caller's table and name: a table on
 * the stack (VSW_OPTS) may go once registered. */
static void register_from_stack(void)
{
	char name[16] = "stacked";
	VSW_OPTS(vsw_backend_ops, o, .name = name, .open = q_open, .close = q_close, .fd = q_fd,
		 .recv = q_recv, .send = q_send, .link_state = q_link);

	ck_ok(vsw_backend_register(&o));
	/* what the caller does with its table afterwards is its own business */
	memset(&o, 0xa5, sizeof(o));
	memset(name, 'x', sizeof(name) - 1);
}

START_TEST(register_copies_the_table)
{
	struct vsw_backend *be;

	register_from_stack();
	ck_ok(vsw_backend_open("stacked:ok", NULL, &be));
	ck_assert_str_eq(vsw_backend_type(be), "stacked");
	ck_assert_int_ge(vsw_backend_fd(be), 0);
	ck_assert_int_eq(vsw_backend_link(be), 1);
	vsw_backend_close(be);
	ck_ok(vsw_backend_unregister("stacked"));
}
END_TEST

/* ---- persistence (2.1) and what a failed open says ---- */

static int persisted = -1;

static int q_set_persist(struct vsw_backend *be, int persist)
{
	(void)be;
	persisted = persist;
	return persist ? 0 : -EPERM;
}

START_TEST(set_persist_where_supported)
{
	struct vsw_backend_ops o = queue_ops;
	struct vsw_backend *a, *b;

	/* the memory wire has no device to keep */
	ck_ok(vsw_backend_open("memory:persist", NULL, &a));
	ck_assert_int_eq(vsw_backend_set_persist(a, 1), -EOPNOTSUPP);
	ck_assert_int_eq(vsw_backend_set_persist(a, 0), -EOPNOTSUPP);
	ck_assert_int_eq(vsw_backend_set_persist(a, 2), -EINVAL);
	ck_assert_int_eq(vsw_backend_set_persist(NULL, 0), -EINVAL);
	vsw_backend_close(a);
	/* a 2.0 table (through run) registers, and has no set_persist */
	o.name = "old20";
	o.size = offsetof(struct vsw_backend_ops, run) + sizeof(o.run);
	ck_ok(vsw_backend_register(&o));
	ck_ok(vsw_backend_open("old20:ok", NULL, &b));
	ck_assert_int_eq(vsw_backend_set_persist(b, 1), -EOPNOTSUPP);
	vsw_backend_close(b);
	ck_ok(vsw_backend_unregister("old20"));
	/* a 2.1 table's hook is called, its errors passed on */
	o = queue_ops;
	o.name = "keeper";
	o.set_persist = q_set_persist;
	ck_ok(vsw_backend_register(&o));
	ck_ok(vsw_backend_open("keeper:ok", NULL, &b));
	ck_ok(vsw_backend_set_persist(b, 1));
	ck_assert_int_eq(persisted, 1);
	ck_assert_int_eq(vsw_backend_set_persist(b, 0), -EPERM);
	ck_assert_int_eq(persisted, 0);
	vsw_backend_close(b);
	ck_ok(vsw_backend_unregister("keeper"));
}
END_TEST

static char logged[512];

static void keep_log(struct vsw_switch *sw, enum vsw_log_level l, void *u, const char *fmt,
		     va_list ap)
{
	size_t n = strlen(logged);

	(void)sw;
	(void)l;
	(void)u;
	if (n < sizeof(logged) - 2) {
		vsnprintf(logged + n, sizeof(logged) - n - 1, fmt, ap);
		strcat(logged, "\n");
	}
}

/* tap:NAME[,OPTION...]: what is refused before any device is touched, so
 * without privileges too; with them, existing/new/persist on a real tap. */
START_TEST(tap_options)
{
	static const char *const bad[][2] = {
		{ "tap:x,bogus", NULL }, { "tap:x", "bogus" }, { "tap:x,new=1", NULL },
		{ "tap:x", "existing=yes" }, { "tap:x,persist=1", NULL }, { "tap:x,netns=..", NULL },
		{ "tap:x", "netns=a/b" }, { "tap:x,netns=", NULL }, { "tap:x%d,existing", NULL },
		{ "tap:,netns=a", NULL }, { "tap:x,", "mac=01:00:00:00:00:01" },
		{ "tap:x,offloads=maybe", NULL }, { "tap:x,,persist", NULL },
		{ "tap:a-name-much-too-long,new", NULL },
	};
	struct vsw_backend *be = NULL;
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *v;
	char name[16], spec[64];
	uint8_t m[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(vsw_backend_open(bad[i][0], bad[i][1], &be) == -EINVAL,
			      "%s / %s accepted", bad[i][0], bad[i][1] ? bad[i][1] : "");
	ck_assert_int_eq(vsw_backend_open("tap:x", "existing=yes", &be), -EINVAL);
	ck_assert_str_eq(vsw_backend_open_reason(), "tap: bad option 'existing=yes' (offloads=on|off, "
			 "mac=, netns=, existing, new, persist)");
	snprintf(spec, sizeof(spec), "tap:x,netns=vswck-none-%d", (int)getpid());
	ck_assert_int_eq(vsw_backend_open(spec, NULL, &be), -ENOENT);
	ck_assert_msg(strstr(vsw_backend_open_reason(), "tap x: netns 'vswck-none-"), "%s",
		      vsw_backend_open_reason());
	ck_assert_int_eq(vsw_backend_open("tap:a-name-much-too-long", NULL, &be), -EINVAL);
	ck_assert_str_eq(vsw_backend_open_reason(),
			 "tap: bad interface name 'a-name-much-too-long' (1 to 15 bytes, no '/' or space)");
	ck_ok(vsw_backend_open("memory:reason", NULL, &be)); /* a success clears it */
	ck_assert_str_eq(vsw_backend_open_reason(), "");
	vsw_backend_close(be);

	/* vsw_port_attach() logs why an open failed */
	ck_ok(vsw_switch_set_log(sw, keep_log, VSW_LOG_DEBUG, NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_mac(m, 1);
	ck_ok(vsw_vnic_add(pg, "vm1", m, 0, &v));
	ck_assert_int_eq(vsw_port_attach(vsw_vnic_port(v), "tap:x,bogus=2", NULL), -EINVAL);
	ck_assert_msg(strstr(logged, "vm1: backend tap:x,bogus=2: tap: bad option 'bogus=2'"),
		      "log: %s", logged);

	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK)) {
		vsw_switch_free(sw);
		return;
	}
	snprintf(name, sizeof(name), "vswck%d", (int)getpid() % 100000);
	snprintf(spec, sizeof(spec), "tap:%s,existing", name);
	logged[0] = 0;
	ck_assert_int_eq(vsw_port_attach(vsw_vnic_port(v), spec, NULL), -ENODEV);
	ck_assert_msg(strstr(logged, "no such tap and 'existing' was asked: none created"), "log: %s",
		      logged);
	ck_assert_uint_eq(if_nametoindex(name), 0); /* none made */
	snprintf(spec, sizeof(spec), "tap:%s", name);
	ck_ok(vsw_backend_open(spec, "persist,new", &be));
	unsigned int idx = if_nametoindex(name);
	ck_assert_uint_ne(idx, 0);
	vsw_backend_close(be);
	ck_assert_uint_eq(if_nametoindex(name), idx); /* kept */
	ck_assert_int_eq(vsw_backend_open(spec, "new", &be), -EEXIST);
	logged[0] = 0;
	ck_ok(vsw_port_attach(vsw_vnic_port(v), spec, "existing"));
	ck_assert_msg(strstr(logged, "attached to a tap backend: adopted tap"), "log: %s", logged);
	ck_assert_uint_eq(if_nametoindex(name), idx);
	ck_ok(vsw_backend_set_persist(vsw_port_backend(vsw_vnic_port(v)), 0));
	ck_ok(vsw_port_detach(vsw_vnic_port(v)));
	ck_assert_uint_eq(if_nametoindex(name), 0); /* gone with its last close */
	vsw_switch_free(sw);
}
END_TEST

/* A memory wire's link reaches its port at attach, or in the next round
 * (vsw_port_attach(3), vsw-backend-memory(7)): what a host waits for. */
START_TEST(memory_far_end_link)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_vnic *a, *b, *c;
	struct vsw_uplink *u;
	struct vsw_backend *far_b, *far_c, *far_u;
	struct vsw_frame f[4] = { 0 }, in;
	uint8_t buf[64], m[6];

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_mac(m, 0xb);
	ck_ok(vsw_vnic_add(pg, "b", m, 0, &b));
	ck_mac(m, 0xc);
	ck_ok(vsw_vnic_add(pg, "c", m, 0, &c));
	/* the far end first: up when the attach returns */
	ck_ok(vsw_backend_open("memory:far-c", NULL, &far_c));
	ck_ok(vsw_port_attach(vsw_vnic_port(c), "memory:far-c", NULL));
	ck_assert_int_eq(vsw_port_link(vsw_vnic_port(c)), 1);
	/* the far end after: down until the next round */
	ck_ok(vsw_port_attach(vsw_vnic_port(b), "memory:far-b", NULL));
	ck_ok(vsw_backend_open("memory:far-b", NULL, &far_b));
	ck_assert_int_eq(vsw_port_link(vsw_vnic_port(b)), 0);
	ck_mac(m, 0xb);
	in = (struct vsw_frame){ .data = buf, .len = eth(buf, m, mac_a) }; /* to b */
	ck_ok(vsw_port_input(vsw_vnic_port(a), &in, 1));
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(b), VSW_CTR_LINK_DOWN), 1);
	ck_assert_int_eq(vsw_backend_recv(far_b, f, 4), 0);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0); /* one round: the link is read */
	ck_assert_int_eq(vsw_port_link(vsw_vnic_port(b)), 1);
	ck_ok(vsw_port_input(vsw_vnic_port(a), &in, 1));
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(b), VSW_CTR_LINK_DOWN), 1);
	ck_assert_int_eq(vsw_backend_recv(far_b, f, 4), 1);
	in.len = eth(buf, mac_x, mac_a); /* to nobody known: flooded */
	/* the only uplink, its far end opened after: no_uplink until the round */
	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "memory:far-u", NULL));
	ck_ok(vsw_backend_open("memory:far-u", NULL, &far_u));
	ck_ok(vsw_port_input(vsw_vnic_port(a), &in, 1));
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(a), VSW_CTR_NO_UPLINK), 1);
	ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	ck_assert_int_eq(vsw_port_link(vsw_uplink_port(u)), 1);
	while (vsw_backend_recv(far_u, f, 4) > 0) /* the RARPs of the vNICs */
		;
	ck_ok(vsw_port_input(vsw_vnic_port(a), &in, 1));
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(a), VSW_CTR_NO_UPLINK), 1);
	ck_assert_int_eq(vsw_backend_recv(far_u, f, 4), 1);
	vsw_switch_free(sw);
	vsw_backend_close(far_b);
	vsw_backend_close(far_c);
	vsw_backend_close(far_u);
}
END_TEST

START_TEST(switch_fd_in_host_poll_loop)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct vsw_backend *phys;
	struct vsw_frame f = { 0 };
	uint8_t buf[64];
	int fd, rounds = 0;

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_backend_open("memory:hostloop", NULL, &phys));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "memory:hostloop", NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_capture(vsw_vnic_port(a), &cap_a);
	fd = vsw_switch_fd(sw);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(vsw_switch_fd(sw), fd);
	f.len = eth(buf, mac_a, mac_x);
	f.data = buf;
	f.flags = 0;
	ck_assert_int_eq(vsw_backend_send(phys, &f, 1), 1);
	/* the host's own loop: poll(2) on the switch's descriptor */
	while (cap_a.n == 0 && rounds++ < 50) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_ge(poll(&p, 1, 100), 0);
		if (p.revents & POLLIN)
			ck_assert_int_ge(vsw_switch_poll(sw, 0), 0);
	}
	ck_assert_uint_eq(cap_a.n, 1);
	ck_assert_int_eq(vsw_switch_fd(NULL), -EINVAL);
	ck_assert_int_eq(vsw_switch_poll(NULL, 0), -EINVAL);
	vsw_switch_free(sw);
	vsw_backend_close(phys);
}
END_TEST

static unsigned int stop_on_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	(void)f;
	(void)n;
	(void)user;
	ck_ok(vsw_switch_stop(vsw_port_switch(port)));
	return n;
}

static void *stop_later(void *arg)
{
	usleep(50000);
	vsw_switch_stop(arg);
	return NULL;
}

START_TEST(run_and_stop)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	struct vsw_uplink *u;
	struct vsw_vnic *a;
	struct vsw_backend *phys;
	struct vsw_frame f = { 0 };
	uint8_t buf[64];
	pthread_t th;

	ck_ok(vsw_uplink_add(sw, "vmnic0", 0, &u));
	ck_ok(vsw_backend_open("memory:runstop", NULL, &phys));
	ck_ok(vsw_port_attach(vsw_uplink_port(u), "memory:runstop", NULL));
	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "a", mac_a, 0, &a));
	ck_ok(vsw_vnic_set_rx(a, stop_on_rx, NULL));
	f.len = eth(buf, mac_a, mac_x);
	f.data = buf;
	f.flags = 0;
	ck_assert_int_eq(vsw_backend_send(phys, &f, 1), 1);
	ck_ok(vsw_switch_run(sw));  /* returns once the frame arrived */
	ck_assert_uint_eq(vsw_port_counter(vsw_vnic_port(a), VSW_CTR_TX_PACKETS), 1);
	/* and from another thread, while idle */
	ck_assert_int_eq(pthread_create(&th, NULL, stop_later, sw), 0);
	ck_ok(vsw_switch_run(sw));
	pthread_join(th, NULL);
	ck_assert_int_eq(vsw_switch_run(NULL), -EINVAL);
	ck_assert_int_eq(vsw_switch_stop(NULL), -EINVAL);
	vsw_switch_free(sw);
	vsw_backend_close(phys);
}
END_TEST

static void on_usr1(int sig)
{
	(void)sig;
}

static void *signal_later(void *arg)
{
	usleep(50000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

/* A wait that fails is an error, not a round with nothing to do (run()
 * would spin on it for ever); a signal is such a round. */
START_TEST(poll_errors)
{
	struct vsw_switch *sw = ck_switch("s");
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	pthread_t self = pthread_self(), th;
	int fd, null;

	fd = vsw_switch_fd(sw);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0); /* no SA_RESTART */
	ck_assert_int_eq(pthread_create(&th, NULL, signal_later, &self), 0);
	ck_assert_int_eq(vsw_switch_poll(sw, 2000), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(sigaction(SIGUSR1, &old, NULL), 0);
	/* the switch's epoll descriptor becomes something epoll_wait() refuses */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(null, 0);
	ck_assert_int_eq(dup2(null, fd), fd);
	close(null);
	ck_assert_int_eq(vsw_switch_poll(sw, 0), -EINVAL);
	ck_assert_int_eq(vsw_switch_run(sw), -EINVAL);
	vsw_switch_free(sw); /* closes fd, /dev/null now */
}
END_TEST

Suite *vsw_backend_suite(void)
{
	Suite *s = suite_create("backend");
	TCase *tc = tcase_create("backend");

	tcase_add_test(tc, memory_wire_standalone);
	tcase_add_test(tc, backend_open_errors);
	tcase_add_test(tc, uplink_on_memory_wire);
	tcase_add_test(tc, memory_link_drives_failover);
	tcase_add_test(tc, registered_backend_carries_frames);
	tcase_add_test(tc, register_errors);
	tcase_add_test(tc, register_copies_the_table);
	tcase_add_test(tc, set_persist_where_supported);
	tcase_add_test(tc, tap_options);
	tcase_add_test(tc, memory_far_end_link);
	tcase_add_test(tc, switch_fd_in_host_poll_loop);
	tcase_add_test(tc, run_and_stop);
	tcase_add_test(tc, poll_errors);
	suite_add_tcase(s, tc);
	return s;
}
