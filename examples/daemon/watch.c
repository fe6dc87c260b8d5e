// SPDX-License-Identifier: MIT
/*
 * watch.c - vswd's epoll set: every descriptor the daemon waits on, what
 * it is (struct watch), its deadline, and the pause of every listening
 * socket when descriptors run out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define ACCEPT_PAUSE_MS 250   /* after EMFILE and the like */

static struct {
	int epfd;
	struct watch *list;
	unsigned int count[K_CLUSTER + 1];
	uint64_t paused_until;       /* listeners paused until then; 0: not */
} ws = { .epfd = -1 };

uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

bool privileged(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

int watch_init(void)
{
	ws.epfd = epoll_create1(EPOLL_CLOEXEC);
	return ws.epfd < 0 ? -1 : 0;
}

int watch_wait(struct epoll_event *ev, int n, int timeout_ms)
{
	return epoll_wait(ws.epfd, ev, n, timeout_ms);
}

struct watch *watch_first(void)
{
	return ws.list;
}

void watch_set_events(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	epoll_ctl(ws.epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

struct watch *watch_add(enum kind kind, int fd, uint32_t events)
{
	struct watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (!w)
		return NULL;
	w->kind = kind;
	w->fd = fd;
	ev.data.ptr = w;
	if (epoll_ctl(ws.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	w->next = ws.list;
	ws.list = w;
	ws.count[kind]++;
	return w;
}

void watch_del(struct watch *w)
{
	epoll_ctl(ws.epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (struct watch **pp = &ws.list; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	ws.count[w->kind]--;
	if (w->kind == K_CLIENT || w->kind == K_VDE_LISTEN || w->kind == K_VDE_CLIENT)
		close(w->fd);
	out_free(&w->out);
	free(w);
}

/* Out of descriptors (or memory): stop accepting on every listening socket
 * for a moment, rather than spin on a socket that stays readable. */
void accept_failed(int e)
{
	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
		return; /* EAGAIN, ECONNABORTED...: nothing waits */
	refusal((uid_t)-1, "accept: %s: not accepting for %d ms", strerror(e), ACCEPT_PAUSE_MS);
	ws.paused_until = now_ms() + ACCEPT_PAUSE_MS;
	for (struct watch *w = ws.list; w; w = w->next)
		if (w->kind == K_LISTEN || w->kind == K_VDE_LISTEN) {
			struct epoll_event ev = { .events = 0, .data.ptr = w };
			epoll_ctl(ws.epfd, EPOLL_CTL_MOD, w->fd, &ev);
		}
}

bool accepting(void)
{
	return !ws.paused_until;
}

static void accept_resume(void)
{
	ws.paused_until = 0;
	for (struct watch *w = ws.list; w; w = w->next)
		if (w->kind == K_LISTEN || w->kind == K_VDE_LISTEN) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
			epoll_ctl(ws.epfd, EPOLL_CTL_MOD, w->fd, &ev);
		}
}

unsigned int watch_count(enum kind kind)
{
	return ws.count[kind];
}

unsigned int count_uid(enum kind kind, uid_t uid)
{
	unsigned int n = 0;

	for (struct watch *w = ws.list; w; w = w->next)
		n += w->kind == kind && w->uid == uid;
	return n;
}

uint64_t watch_expire(uint64_t now, void (*expired)(struct watch *w))
{
	uint64_t next = ws.paused_until;

	if (next && now >= next) {
		accept_resume();
		next = 0;
	}
	for (struct watch *w = ws.list, *nw; w; w = nw) {
		nw = w->next;
		if (!w->deadline)
			continue;
		if (now < w->deadline) {
			next = !next || w->deadline < next ? w->deadline : next;
			continue;
		}
		expired(w);
	}
	return next;
}
