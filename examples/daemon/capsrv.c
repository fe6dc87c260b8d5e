// SPDX-License-Identifier: MIT
/*
 * capsrv.c - "vswctl capture" on a control connection (see capsrv.h). The
 * connection is non-blocking (control.c accepts it so); the library's
 * capture queues encoded blocks and drops what does not fit, and this
 * file writes the queue out with vsw_capture_flush() when the socket has
 * room: EPOLLOUT is asked for only while bytes are pending.
 */
#include "capsrv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

/* What a capture may hold for a slow reader, beyond the socket's own
 * buffer: a second of 64-byte frames at about 10000 per second. */
#define CAPSRV_QUEUE_BYTES (1u << 20)

struct cap {
	struct watch *w;
	struct vsw_switch *sw;
	struct vsw_mirror *m;
	struct vsw_capture *c;
	bool eof;                /* the client shut its side: finish */
	bool dead;               /* the client is gone: end at once */
	uint32_t events;         /* what the watch waits for */
	struct cap *next;
};

static struct cap *caps;
static unsigned int serial;

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

bool capsrv_owns(const struct vsw_mirror *m)
{
	for (struct cap *k = caps; k; k = k->next)
		if (k->m == m)
			return true;
	return false;
}

/* A session of its own on the ports named, or every port of the switch. */
static int make_session(struct vsw_switch *sw, const struct vswcmd *c, struct vsw_mirror **out,
			char *err, size_t errlen)
{
	VSW_OPTS(vsw_mirror_opts, o, .snaplen = c->has_snaplen ? c->snaplen : 0);
	unsigned int dir = c->direction ? c->direction : VSW_MIRROR_BOTH;
	struct vsw_port *p;
	char name[32];
	int e;

	for (int i = 1; i < c->npos; i++)
		if (vsw_port_find(sw, c->pos[i], &p))
			ERR("unknown port '%s'", c->pos[i]);
	if (c->npos == 1 && !vsw_port_next(sw, NULL))
		ERR("vswitch '%s' has no port to capture", c->pos[0]);
	do
		snprintf(name, sizeof(name), "capture-%u", ++serial);
	while (!vsw_mirror_find(sw, name, out));
	if ((e = vsw_mirror_add(sw, name, &o, out)))
		ERR("capture: %s", vswd_why(e));
	for (int i = 1; i < c->npos && !e; i++) {
		vsw_port_find(sw, c->pos[i], &p);
		e = vsw_mirror_add_source(*out, p, dir);
	}
	for (p = c->npos == 1 ? vsw_port_next(sw, NULL) : NULL; p && !e; p = vsw_port_next(sw, p))
		e = vsw_mirror_add_source(*out, p, dir);
	if (e) {
		vsw_mirror_remove(*out);
		ERR("capture: %s", vswd_why(e));
	}
	return 0;
}

int capsrv_start(struct vswd *d, struct watch *w, const struct vswcmd *c, char *err, size_t errlen)
{
	VSW_OPTS(vsw_capture_opts, co, .max_frames = c->has_count ? c->count : 0,
		 .queue_bytes = CAPSRV_QUEUE_BYTES);
	struct vswd_switch *s = vswd_find_switch(d, c->pos[0]);
	struct cap *k;
	int e;

	if (!s)
		ERR("unknown vswitch '%s'", c->pos[0]);
	k = calloc(1, sizeof(*k));
	if (!k)
		ERR("out of memory");
	if (make_session(s->sw, c, &k->m, err, errlen) < 0) {
		free(k);
		return -1;
	}
	if ((e = vsw_capture_open(k->m, w->fd, &co, &k->c))) {
		vsw_mirror_remove(k->m);
		free(k);
		ERR("capture: %s", vswd_why(e));
	}
	k->w = w;
	k->sw = s->sw;
	k->events = EPOLLIN; /* as control.c left it */
	k->next = caps;
	caps = k;
	w->cap = k;
	w->deadline = 0; /* it lasts as long as the client wants */
	/* the first bytes on a connection that has sent nothing yet: they fit */
	if (send(w->fd, "OK\n", 3, MSG_NOSIGNAL | MSG_DONTWAIT) != 3)
		k->dead = true;
	logf_(LOG_INFO, "uid %u: capture %s on %s started", (unsigned int)w->uid, vsw_mirror_name(k->m),
	      vsw_switch_name(s->sw));
	return 0;
}

static void cap_end(struct cap *k)
{
	VSW_OPTS(vsw_capture_stats, st);

	vsw_capture_stats(k->c, &st);
	logf_(LOG_INFO, "capture %s on %s ended: %llu frame(s), %llu dropped%s", vsw_mirror_name(k->m),
	      vsw_switch_name(k->sw), (unsigned long long)st.frames, (unsigned long long)st.dropped,
	      k->dead ? " (the client went away)" : "");
	vsw_capture_close(k->c);
	vsw_mirror_remove(k->m);
	watch_del(k->w);
	for (struct cap **pp = &caps; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	free(k);
}

void capsrv_io(struct watch *w, uint32_t events)
{
	struct cap *k = w->cap;
	char tmp[512];

	if (events & EPOLLERR)
		k->dead = true;
	if ((events & (EPOLLIN | EPOLLHUP)) && !k->eof && !k->dead) {
		/* the client sends nothing more: only its end (or junk) */
		for (int i = 0; i < 16; i++) {
			ssize_t n = recv(w->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
			if (n < 0 && errno == EAGAIN)
				break;
			if (n < 0) {
				k->dead = true;
				break;
			}
			if (n == 0) {
				k->eof = true;
				vsw_capture_finish(k->c);
				break;
			}
		}
	}
	/* the writing is capsrv_tick()'s, after this round */
}

void capsrv_tick(void)
{
	struct cap *k = caps, *next;

	for (; k; k = next) {
		int r = 0;
		next = k->next;
		if (!k->dead && vsw_capture_pending(k->c))
			r = vsw_capture_flush(k->c);
		if (r < 0 && r != -EAGAIN)
			k->dead = true;
		if (k->dead || (vsw_capture_done(k->c) && !vsw_capture_pending(k->c))) {
			cap_end(k);
			continue;
		}
		uint32_t ev = (k->eof ? 0 : EPOLLIN) | (vsw_capture_pending(k->c) ? EPOLLOUT : 0);
		if (ev != k->events)
			watch_set_events(k->w, ev);
		k->events = ev;
	}
}

void capsrv_switch_removing(struct vsw_switch *sw)
{
	struct cap *k = caps, *next;

	for (; k; k = next) {
		next = k->next;
		if (k->sw == sw)
			cap_end(k);
	}
}

void capsrv_shutdown(void)
{
	while (caps)
		cap_end(caps);
}
