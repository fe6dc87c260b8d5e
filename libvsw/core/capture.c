// SPDX-License-Identifier: MIT
/*
 * capture.c - a mirroring session's copies as a pcapng stream: the
 * session's callback destination encodes each copy into a bounded byte
 * queue (pcapng.c, bytequeue.c), and the host writes the queue to its file
 * descriptor when that is writable. The frame path never waits: a copy
 * that does not fit is dropped and counted, per interface, and the counts
 * end the stream in interface statistics blocks.
 *
 * Room for those closing blocks is kept free from the start, so that a
 * full queue can always end the stream properly.
 */
#include <stdio.h>
#include <time.h>

#include "core/alloc.h"
#include "core/check.h"
#include "core/core.h"
#include "core/bytequeue.h"
#include "core/pcapng.h"

#define DEFAULT_QUEUE (4u << 20)
#define MIN_QUEUE (64u << 10)

/* One pcapng interface: a source port, declared before its first frame. */
struct cap_if {
	const struct vsw_port *port;
	char name[VSW_NAME_MAX + 1];
	uint64_t recv, drop, delivered;
};

struct vsw_capture {
	struct vsw_mirror *m;          /* NULL once detached */
	int fd;
	struct vsw__bytequeue q;
	struct cap_if *ifs;
	uint32_t n_if, cap_if;
	uint32_t snaplen;
	uint64_t max_frames;
	uint64_t frames, dropped, bytes;
	uint64_t start_ns;
	bool done;                     /* takes nothing more */
	bool ended;                    /* statistics blocks queued */
};

static uint64_t wall_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* What must stay free for the statistics blocks, with 'extra' interfaces. */
static size_t reserve(const struct vsw_capture *c, uint32_t extra)
{
	return (size_t)(c->n_if + extra) * vsw__pcapng_isb_len();
}

static void end_stream(struct vsw_capture *c)
{
	uint64_t now = wall_ns();

	c->done = true;
	if (c->ended)
		return;
	c->ended = true;
	for (uint32_t i = 0; i < c->n_if; i++) {
		struct vsw__pcapng_isb s = { .if_id = i, .start_ns = c->start_ns, .end_ns = now,
					     .recv = c->ifs[i].recv, .osdrop = c->ifs[i].drop,
					     .delivered = c->ifs[i].delivered };
		vsw__pcapng_isb(&c->q, &s);
	}
}

/* The interface of a port, declared (its block queued) on first use;
 * NULL if the queue has no room for the declaration. */
static struct cap_if *interface_of(struct vsw_capture *c, const struct vsw_port *p,
				   uint32_t *id)
{
	char descr[2 * VSW_NAME_MAX + 40];
	static const char *const kinds[] = { [VSW_PORT_UPLINK] = "uplink",
					     [VSW_PORT_VNIC] = "vNIC",
					     [VSW_PORT_VMK] = "VMkernel port" };

	for (uint32_t i = 0; i < c->n_if; i++)
		if (c->ifs[i].port == p && !strcmp(c->ifs[i].name, p->name)) {
			*id = i;
			return &c->ifs[i];
		}
	snprintf(descr, sizeof(descr), "%s of switch %s", kinds[p->kind], p->sw->name);
	if (vsw__bq_room(&c->q) < vsw__pcapng_idb_len(p->name, descr) + reserve(c, 1))
		return NULL;
	if (c->n_if == c->cap_if) {
		/* a new port: rare, not per frame */
		uint32_t cap = c->cap_if ? 2 * c->cap_if : 8;
		struct cap_if *t = vsw__realloc(c->ifs, cap, sizeof(*t));
		if (!t)
			return NULL;
		c->ifs = t;
		c->cap_if = cap;
	}
	struct cap_if *f = &c->ifs[c->n_if];
	*f = (struct cap_if){ .port = p };
	strcpy(f->name, p->name);
	vsw__pcapng_idb(&c->q, p->name, descr, c->snaplen);
	*id = c->n_if++;
	return f;
}

static unsigned int take(struct vsw_mirror *m, const struct vsw_mirror_copy *cp, unsigned int n,
			 void *user)
{
	struct vsw_capture *c = user;
	unsigned int took = 0;

	(void)m;
	for (unsigned int i = 0; i < n && !c->done; i++) {
		struct cap_if *f;
		uint32_t id, need = vsw__pcapng_epb_len(cp[i].caplen);

		f = interface_of(c, cp[i].port, &id);
		if (!f || vsw__bq_room(&c->q) < need + reserve(c, 0)) {
			if (f) {
				f->recv++;
				f->drop++;
			}
			c->dropped++;
			continue;
		}
		vsw__pcapng_epb(&c->q, id, cp[i].ts_ns, cp[i].data, cp[i].caplen, cp[i].len,
				cp[i].direction == VSW_MIRROR_INGRESS ? VSW_PCAPNG_INBOUND :
									VSW_PCAPNG_OUTBOUND);
		f->recv++;
		f->delivered++;
		c->frames++;
		took++;
		if (c->max_frames && c->frames == c->max_frames)
			end_stream(c);
	}
	return took;
}

/* The session let go of the capture (removed, or another destination). */
static void detach(struct vsw_capture *c)
{
	c->m = NULL;
	end_stream(c);
}

int vsw_capture_open(struct vsw_mirror *m, int fd, const struct vsw_capture_opts *opts,
		     struct vsw_capture **out)
{
	struct vsw_capture_opts o = { 0 };
	struct vsw_capture *c;
	char appl[64];
	int err;

	if (!m || fd < 0 || !out)
		return -EINVAL;
	if (opts) {
		size_t known = vsw__offsetofend(struct vsw_capture_opts, max_frames);
		err = vsw__check_opts_size(opts, opts->size, known);
		if (err)
			return err;
		memcpy(&o, opts, opts->size < known ? opts->size : known);
	}
	if (!o.queue_bytes)
		o.queue_bytes = DEFAULT_QUEUE;
	if (o.queue_bytes < MIN_QUEUE)
		return -EINVAL;
	c = vsw__calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	err = vsw__bq_init(&c->q, o.queue_bytes);
	if (err) {
		vsw__free(c);
		return err;
	}
	c->fd = fd;
	c->m = m;
	c->snaplen = vsw_mirror_snaplen(m);
	c->max_frames = o.max_frames;
	c->start_ns = wall_ns();
	snprintf(appl, sizeof(appl), "libvsw %s", vsw_version());
	vsw__pcapng_shb(&c->q, appl);
	err = vsw__mirror_set_fn(m, take, c, c, detach);
	if (err) {
		vsw__bq_fini(&c->q);
		vsw__free(c);
		return err;
	}
	*out = c;
	return 0;
}

int vsw_capture_flush(struct vsw_capture *c)
{
	if (!c)
		return -EINVAL;
	while (c->q.len) {
		long r = vsw__bq_write(&c->q, c->fd);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			return -EAGAIN;
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -EAGAIN;
		c->bytes += (uint64_t)r;
	}
	return 0;
}

size_t vsw_capture_pending(const struct vsw_capture *c)
{
	return c ? c->q.len : 0;
}

int vsw_capture_finish(struct vsw_capture *c)
{
	if (!c)
		return -EINVAL;
	end_stream(c);
	/* let go of the session if the switch allows it now; detach() runs */
	if (c->m)
		vsw__mirror_set_fn(c->m, NULL, NULL, NULL, NULL);
	return 0;
}

int vsw_capture_done(const struct vsw_capture *c)
{
	return c && c->done;
}

int vsw_capture_stats(const struct vsw_capture *c, struct vsw_capture_stats *st)
{
	struct vsw_capture_stats v;

	if (!c || !st || st->size < sizeof(size_t))
		return -EINVAL;
	v = (struct vsw_capture_stats){ .size = st->size, .frames = c->frames,
					.dropped = c->dropped, .bytes = c->bytes };
	memcpy(st, &v, st->size < sizeof(v) ? st->size : sizeof(v));
	return 0;
}

void vsw_capture_close(struct vsw_capture *c)
{
	if (!c)
		return;
	vsw_capture_finish(c);
	if (c->m)
		return; /* from inside a delivery of its switch: not now */
	vsw_capture_flush(c);
	vsw__bq_fini(&c->q);
	vsw__free(c->ifs);
	vsw__free(c);
}
