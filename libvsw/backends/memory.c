// SPDX-License-Identifier: MIT
/*
 * memory.c - "memory:NAME", an in-process wire with two ends.
 *
 * The first open of a name creates the wire, the second connects to it, a
 * third gets -EBUSY. What one end sends, the other receives; each direction
 * is a single-producer single-consumer ring of fixed slots, so the two ends
 * may be driven by different threads (two switches, or a switch and a test)
 * without a lock. Each end has an eventfd that polls readable when frames
 * wait, so a switch sleeps on it like on a real interface.
 *
 * The wire's link is up while both ends are open and its cable is plugged
 * (vsw_backend_set_link() on either end unplugs or plugs it for both). Like
 * Open vSwitch's dummy netdev, this lets every forwarding rule be tested
 * without root and without a kernel interface.
 *
 * Options: "ring=N" slots per direction (a power of two, 2 to 4096, default
 * 256), taken from the open that creates the wire; frames longer than 16384
 * bytes are refused. A frame's offload metadata crosses the wire with it,
 * but the backend declares no offloads: the switch sends it complete frames.
 */
#include "backends/private.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MEM_SLOT 16384u
#define MEM_NAME_MAX 64

struct mem_ring {
	uint32_t size;
	uint32_t head; /* written by the producer, atomically */
	uint32_t tail; /* written by the consumer, atomically */
	struct vsw_frame *meta;   /* each slot's descriptor, offload metadata and all */
	uint8_t *buf;
};

struct mem_wire {
	char name[MEM_NAME_MAX];
	struct mem_end *end[2];
	int plugged;              /* atomic */
	struct mem_ring ring[2];  /* ring[i] carries frames toward end i */
	struct mem_wire *next;
};

struct mem_end {
	struct vsw_backend *be;
	struct mem_wire *w;
	int side;
	int efd;
	uint32_t held;            /* frames handed out by the last recv */
};

static pthread_mutex_t wires_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mem_wire *wires;

static void kick(int efd)
{
	uint64_t one = 1;
	ssize_t r = write(efd, &one, sizeof(one));
	(void)r; /* a full counter already means readable */
}

static void ring_fini(struct mem_ring *r)
{
	vsw__free(r->meta);
	vsw__free(r->buf);
}

static int ring_init(struct mem_ring *r, uint32_t size)
{
	r->size = size;
	r->head = r->tail = 0;
	r->meta = vsw__calloc(size, sizeof(*r->meta));
	r->buf = vsw__calloc(size, MEM_SLOT);
	if (!r->meta || !r->buf) {
		ring_fini(r);
		return -ENOMEM;
	}
	return 0;
}

static int parse_ring(const char *options, uint32_t *size)
{
	char key[8], val[16];
	const char *p = options;
	long v;
	int r;

	*size = 256;
	while ((r = vsw__opt_next(&p, key, sizeof(key), val, sizeof(val))) > 0) {
		if (strcmp(key, "ring"))
			return -EINVAL;
		v = vsw__opt_long(val, 2, 4096);
		if (v < 0 || (v & (v - 1)))
			return -EINVAL;
		*size = (uint32_t)v;
	}
	return r;
}

static struct mem_end *end_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static void notify_end(struct mem_end *e)
{
	if (e) {
		vsw_backend_notify(e->be);
		kick(e->efd);
	}
}

static int mem_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct mem_wire *w;
	struct mem_end *e;
	uint32_t size;
	int err;

	if (!*arg || strlen(arg) >= MEM_NAME_MAX)
		return -EINVAL;
	err = parse_ring(options, &size);
	if (err)
		return err;
	e = vsw__calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->be = be;
	e->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (e->efd < 0) {
		err = -errno;
		vsw__free(e);
		return err;
	}
	pthread_mutex_lock(&wires_lock);
	for (w = wires; w; w = w->next)
		if (!strcmp(w->name, arg))
			break;
	if (w && w->end[0] && w->end[1]) {
		err = -EBUSY;
	} else if (!w) {
		w = vsw__calloc(1, sizeof(*w));
		if (!w || ring_init(&w->ring[0], size) || ring_init(&w->ring[1], size)) {
			if (w) {
				ring_fini(&w->ring[0]);
				vsw__free(w);
			}
			err = -ENOMEM;
		} else {
			strcpy(w->name, arg);
			w->plugged = 1;
			w->next = wires;
			wires = w;
		}
	}
	if (!err) {
		e->side = w->end[0] ? 1 : 0;
		e->w = w;
		/* a reopened end starts with an empty inbox */
		w->ring[e->side].tail = __atomic_load_n(&w->ring[e->side].head, __ATOMIC_ACQUIRE);
		w->end[e->side] = e;
		vsw_backend_set_priv(be, e);
		notify_end(w->end[!e->side]);
	}
	pthread_mutex_unlock(&wires_lock);
	if (err) {
		close(e->efd);
		vsw__free(e);
	}
	return err;
}

static void mem_close(struct vsw_backend *be)
{
	struct mem_end *e = end_of(be);
	struct mem_wire *w = e->w, **pp;

	pthread_mutex_lock(&wires_lock);
	w->end[e->side] = NULL;
	if (!w->end[0] && !w->end[1]) {
		for (pp = &wires; *pp != w; pp = &(*pp)->next)
			;
		*pp = w->next;
		ring_fini(&w->ring[0]);
		ring_fini(&w->ring[1]);
		vsw__free(w);
	} else {
		notify_end(w->end[!e->side]);
	}
	pthread_mutex_unlock(&wires_lock);
	close(e->efd);
	vsw__free(e);
}

static int mem_fd(struct vsw_backend *be)
{
	return end_of(be)->efd;
}

static int mem_link_state(struct vsw_backend *be)
{
	struct mem_end *e = end_of(be);
	struct mem_wire *w = e->w;
	int up;

	pthread_mutex_lock(&wires_lock);
	up = w->end[!e->side] && __atomic_load_n(&w->plugged, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&wires_lock);
	return up;
}

static int mem_set_link(struct vsw_backend *be, int up)
{
	struct mem_end *e = end_of(be);
	struct mem_wire *w = e->w;

	__atomic_store_n(&w->plugged, up, __ATOMIC_RELEASE);
	pthread_mutex_lock(&wires_lock);
	notify_end(w->end[0]);
	notify_end(w->end[1]);
	pthread_mutex_unlock(&wires_lock);
	return 0;
}

static int mem_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct mem_end *e = end_of(be);
	struct mem_wire *w = e->w;
	struct mem_ring *r = &w->ring[!e->side];
	uint32_t head, tail;
	unsigned int i;

	if (!__atomic_load_n(&w->plugged, __ATOMIC_ACQUIRE))
		return -ENETDOWN;
	head = r->head;
	tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	for (i = 0; i < n && head - tail < r->size; i++) {
		uint32_t s = head & (r->size - 1);
		if (f[i].len > MEM_SLOT)
			break;
		memcpy(r->buf + (size_t)s * MEM_SLOT, f[i].data, f[i].len);
		r->meta[s] = f[i];
		head++;
	}
	if (i) {
		__atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
		/* the peer may be gone: then nobody reads them, and a reconnecting
		 * end starts with an empty ring */
		pthread_mutex_lock(&wires_lock);
		if (w->end[!e->side])
			kick(w->end[!e->side]->efd);
		pthread_mutex_unlock(&wires_lock);
	}
	return (int)i;
}

static int mem_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct mem_end *e = end_of(be);
	struct mem_ring *r = &e->w->ring[e->side];
	uint64_t cnt;
	uint32_t tail, head, k;

	/* the frames of the previous call are released now */
	tail = r->tail + e->held;
	__atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
	e->held = 0;
	if (read(e->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	k = head - tail;
	if (k > n) {
		k = n;
		kick(e->efd); /* more is waiting: stay readable */
	}
	for (uint32_t i = 0; i < k; i++) {
		uint32_t s = (tail + i) & (r->size - 1);
		f[i] = r->meta[s];
		f[i].data = r->buf + (size_t)s * MEM_SLOT;
	}
	e->held = k;
	return (int)k;
}

const struct vsw_backend_ops vsw__memory_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "memory",
	.open = mem_open,
	.close = mem_close,
	.fd = mem_fd,
	.recv = mem_recv,
	.send = mem_send,
	.link_state = mem_link_state,
	.set_link = mem_set_link,
};
