// SPDX-License-Identifier: MIT
/*
 * loop.c - the switch's event loop: one epoll descriptor over the
 * backends' descriptors, a timerfd for periodic work and an eventfd that
 * vsw_switch_stop() writes. The host either calls vsw_switch_poll() when
 * vsw_switch_fd() is readable, or lends its thread to vsw_switch_run().
 *
 * Each ready backend is received from in up to RX_BUDGET batches per round
 * so that one busy port cannot starve the others. The periodic tick
 * (100 ms) re-reads every backend's carrier, for backends whose descriptor
 * does not report link changes, and ages learned MAC addresses.
 */
#include "core/objects.h"
#include "backends/backends.h"
#include "datapath/datapath.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define TAG_TIMER (UINT64_MAX - 1)
#define TAG_WAKE (UINT64_MAX - 2)
#define TICK_NS 100000000ull
#define RX_BUDGET 8
#define MAX_EVENTS 64

static int epoll_add(int epfd, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int loop_init(struct vsw_switch *sw)
{
	struct itimerspec its = {
		.it_interval = { 0, (long)TICK_NS },
		.it_value = { 0, (long)TICK_NS },
	};
	int err;

	if (sw->epfd >= 0)
		return 0;
	sw->epfd = epoll_create1(EPOLL_CLOEXEC);
	sw->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sw->wakefd < 0)
		sw->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sw->epfd < 0 || sw->timerfd < 0 || sw->wakefd < 0) {
		err = -errno;
		goto fail;
	}
	if (timerfd_settime(sw->timerfd, 0, &its, NULL) < 0) {
		err = -errno;
		goto fail;
	}
	err = epoll_add(sw->epfd, sw->timerfd, TAG_TIMER);
	if (!err)
		err = epoll_add(sw->epfd, sw->wakefd, TAG_WAKE);
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p && !err; p = vsw__port_next(sw, p))
		if (p->be)
			err = vsw__loop_add(sw, p);
	if (err)
		goto fail;
	return 0;
fail:
	vsw__loop_fini(sw);
	return err;
}

int vsw__loop_add(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_backend *be = p->be;
	int fd;

	be->in_epoll = false;
	be->parked = false;
	if (sw->epfd < 0)
		return 0; /* added when the loop starts */
	fd = be->ops->fd ? be->ops->fd(be) : -1;
	if (fd < 0) {
		sw->n_fdless++;
		return 0;
	}
	int err = epoll_add(sw->epfd, fd, p->idx);
	if (err)
		return err;
	be->in_epoll = true;
	be->fd = fd;
	return 0;
}

void vsw__loop_del(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_backend *be = p->be;

	if (sw->epfd < 0)
		return;
	if (be->in_epoll)
		epoll_ctl(sw->epfd, EPOLL_CTL_DEL, be->fd, NULL);
	else if (!be->parked && sw->n_fdless)
		sw->n_fdless--;
	be->in_epoll = false;
	be->parked = false;
}

void vsw__loop_fini(struct vsw_switch *sw)
{
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p; p = vsw__port_next(sw, p))
		if (p->be)
			p->be->in_epoll = false;
	if (sw->epfd >= 0)
		close(sw->epfd);
	if (sw->timerfd >= 0)
		close(sw->timerfd);
	if (sw->wakefd >= 0)
		close(sw->wakefd);
	sw->epfd = sw->timerfd = sw->wakefd = -1;
	sw->n_fdless = 0;
}

/* Take a backend's descriptor out of the epoll set, or put it back. */
static void park(struct vsw_switch *sw, struct vsw_backend *be, bool on)
{
	if (on && be->in_epoll) {
		epoll_ctl(sw->epfd, EPOLL_CTL_DEL, be->fd, NULL);
		be->in_epoll = false;
		be->parked = true;
	} else if (!on && be->parked) {
		if (epoll_add(sw->epfd, be->fd, be->port->idx) == 0) {
			be->in_epoll = true;
			be->parked = false;
		}
	}
}

/* Receive what a port's backend has, forward it; returns frames received. */
static int port_service(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_frame frames[VSW_BATCH_MAX];
	int total = 0;

	if (__atomic_exchange_n(&p->be->notified, 0, __ATOMIC_ACQ_REL))
		vsw__port_refresh_carrier(p);
	for (int b = 0; b < RX_BUDGET && p->be; b++) {
		int r = p->be->ops->recv(p->be, frames, VSW_BATCH_MAX);
		if (r < 0) {
			if (r != -EAGAIN) {
				p->ctr[VSW_CTR_RX_ERRORS]++;
				/* an interface that went away or down: its carrier says
				 * so, and a descriptor that keeps failing is parked until
				 * the link comes back, so that the loop does not spin */
				vsw__port_refresh_carrier(p);
				if (p->be && !p->carrier)
					park(sw, p->be, true);
			}
			break;
		}
		if (r == 0)
			break;
		vsw_port_input(p, frames, (unsigned int)r);
		total += r;
		if (r < VSW_BATCH_MAX)
			break;
	}
	/* a backend that connected or lost its peer while receiving */
	if (p->be && __atomic_exchange_n(&p->be->notified, 0, __ATOMIC_ACQ_REL))
		vsw__port_refresh_carrier(p);
	return total;
}

static void periodic(struct vsw_switch *sw)
{
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p; p = vsw__port_next(sw, p)) {
		if (!p->be)
			continue;
		vsw__port_refresh_carrier(p);
		if (p->be->parked && p->carrier)
			park(sw, p->be, false);
	}
	vsw__fdb_age(sw);
}

int vsw_switch_poll(struct vsw_switch *sw, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int n, err, total = 0;
	bool tick = false;
	uint64_t cnt;

	if (!sw)
		return -EINVAL;
	if (sw->in_flush)
		return -EBUSY;
	err = loop_init(sw);
	if (err)
		return err;
	vsw__switch_sync(sw);
	/* backends without a descriptor are polled: never sleep long */
	if (sw->n_fdless && (timeout_ms < 0 || timeout_ms > 1))
		timeout_ms = 1;
	n = epoll_wait(sw->epfd, ev, MAX_EVENTS, timeout_ms);
	if (n < 0) {
		/* a signal is a round with nothing ready (the caller's loop
		 * decides); anything else would fail again at every round, and
		 * vsw_switch_run() would spin on it */
		if (errno != EINTR)
			return -errno;
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64;
		if (tag == TAG_TIMER) {
			if (read(sw->timerfd, &cnt, sizeof(cnt)) > 0)
				tick = true;
		} else if (tag == TAG_WAKE) {
			if (read(sw->wakefd, &cnt, sizeof(cnt)) < 0)
				cnt = 0;
		} else if (tag < sw->port_cap && sw->port_by_idx[tag] && sw->port_by_idx[tag]->be) {
			total += port_service(sw, sw->port_by_idx[tag]);
		}
	}
	if (sw->n_fdless)
		for (struct vsw_port *p = vsw__port_next(sw, NULL); p; p = vsw__port_next(sw, p))
			if (p->be && !p->be->in_epoll && !p->be->parked)
				total += port_service(sw, p);
	if (tick)
		periodic(sw);
	/* control protocols' timers follow the switch's clock, not the timer: a
	 * replaced clock drives them, and the 100 ms timer wakes the loop in time */
	if (sw->ctl.tick)
		sw->ctl.tick(sw);
	return total;
}

int vsw_switch_fd(struct vsw_switch *sw)
{
	int err;

	if (!sw)
		return -EINVAL;
	err = loop_init(sw);
	return err ? err : sw->epfd;
}

int vsw_switch_run(struct vsw_switch *sw)
{
	if (!sw)
		return -EINVAL;
	while (!__atomic_load_n(&sw->stop, __ATOMIC_ACQUIRE)) {
		int r = vsw_switch_poll(sw, -1);
		if (r < 0)
			return r;
	}
	__atomic_store_n(&sw->stop, 0, __ATOMIC_RELEASE);
	return 0;
}

int vsw_switch_stop(struct vsw_switch *sw)
{
	uint64_t one = 1;

	if (!sw)
		return -EINVAL;
	__atomic_store_n(&sw->stop, 1, __ATOMIC_RELEASE);
	if (sw->wakefd >= 0 && write(sw->wakefd, &one, sizeof(one)) < 0)
		return 0; /* the counter is already non-zero: the loop wakes anyway */
	return 0;
}
