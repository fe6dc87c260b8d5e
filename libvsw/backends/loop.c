// SPDX-License-Identifier: MIT
/*
 * loop.c - the switch's event loop: one epoll descriptor over the
 * backends' descriptors, a one-shot timerfd set for the next deadline, an
 * eventfd that wakes the loop (vsw_switch_stop(), vsw_backend_notify(),
 * vsw_backend_writable(), settings made between rounds) and, once a port
 * attaches a backend bound to a kernel interface, an rtnetlink socket for
 * link events (linkwatch.c). The host either calls vsw_switch_poll() when
 * vsw_switch_fd() is readable, or lends its thread to vsw_switch_run().
 *
 * Deadlines, not ticks. The timer is set at the end of every round (and by
 * vsw_switch_timeout_ms()) for the earliest of: a backend's run hook, MAC
 * aging (only while learned entries exist: the earliest expiry), the
 * control protocols' timers (only while beacons or LLDP have something to
 * do: the control hook's next_ns), and link reads of the backends that
 * cannot report their link (below). An idle switch whose backends all have
 * descriptors has none of these and does not wake at all.
 *
 * How a backend's link change reaches the port:
 *  - a backend bound to a kernel interface through an AF_PACKET socket
 *    (afpacket, raw): rtnetlink RTM_NEWLINK/RTM_DELLINK of its interface,
 *    or of any interface while its carrier is down (deleted and created
 *    again under a new index);
 *  - such a backend in another network namespace than the loop's
 *    rtnetlink socket (SIOCGSKNS says so), or with no rtnetlink at all, and
 *    a backend without a descriptor: read every 100 ms (CLOCK_MONOTONIC);
 *  - every other backend calls vsw_backend_notify() (vsw_backend.h), which
 *    wakes the loop. tap is one of these: its carrier is the switch side's
 *    cable (TUNSETCARRIER) and a deleted interface fails its descriptor.
 * A link read does more than the carrier for some backends: afpacket and
 * raw count the kernel's drops and follow the MTU, qemu finishes a write
 * the socket cut. So a backend that received or sent frames in a round is
 * read again 100 ms later, as the old periodic tick did while traffic
 * flowed, and an idle one is never read.
 *
 * Back-pressure. A send that took fewer frames marks the backend
 * tx_blocked (datapath/deliver.c). Until it has room again (the backend's
 * vsw_backend_writable(); for a backend without want_writable, its
 * descriptor polling EPOLLOUT, which the loop then asks for, or 1 s at
 * most, for a descriptor that never polls writable such as qemu's epoll
 * descriptor; without a descriptor, the next round),
 * every ready backend is received from once per round instead of
 * RX_BUDGET times.
 *
 * Thread-safety: only vsw_backend_notify(), vsw_backend_writable() and
 * vsw_switch_stop() come from other threads: they set atomic flags and
 * write the eventfd, once per round at most (the 'pending' flag).
 */
#include "core/log.h"
#include "core/objects.h"
#include "backends/backends.h"
#include "datapath/datapath.h"

#include <limits.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define TAG_TIMER (UINT64_MAX - 1)
#define TAG_WAKE (UINT64_MAX - 2)
#define TAG_RTNL (UINT64_MAX - 3)
#define NEVER UINT64_MAX
#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
#define LINK_POLL_NS (100 * NS_PER_MS)
#define BLOCK_MAX_NS NS_PER_S
#define FDLESS_NS NS_PER_MS
#define RX_BUDGET 8
#define MAX_EVENTS 64
#define LINK_EVENTS_MAX 32

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* What the port's backend was given to send, as a number that grows. */
static uint64_t tx_mark(const struct vsw_port *p)
{
	return vsw__hot(p)->tx_packets + p->ctr[VSW_CTR_TX_FULL];
}

#define for_each_attached(sw, p) \
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p; p = vsw__port_next(sw, p)) \
		if (p->be)

static int epoll_set(int epfd, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };

	return epoll_ctl(epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* ---- waking the loop ---- */

static void wake(struct vsw_switch *sw)
{
	uint64_t one = 1;
	int fd;

	/* once until the loop looks: a flood of notifications costs one write;
	 * none while a round runs (a backend notifying from recv), whose end
	 * looks: either this sees in_round cleared or the loop's last look
	 * (next_rel()) sees 'pending', both sequentially consistent */
	if (__atomic_exchange_n(&sw->loop.pending, 1, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&sw->loop.in_round, __ATOMIC_SEQ_CST))
		return;
	fd = __atomic_load_n(&sw->wakefd, __ATOMIC_ACQUIRE);
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return; /* the counter is full: readable anyway */
}

void vsw__loop_kick(struct vsw_switch *sw)
{
	wake(sw);
}

void vsw__backend_wake(struct vsw_backend *be)
{
	struct vsw_port *p = __atomic_load_n(&be->port, __ATOMIC_ACQUIRE);

	/* an instance no port owns: its flags wait for the attachment */
	if (p)
		wake(p->sw);
}

/* ---- set-up ---- */

void vsw__loop_setup(struct vsw_switch *sw)
{
	sw->epfd = sw->timerfd = sw->wakefd = -1;
	sw->loop = (struct vsw__loop){
		.rtnl = -1,
		.run_next = NEVER,
		.poll_next = NEVER,
		.age_next = NEVER,
	};
}

static uint64_t next_rel(struct vsw_switch *sw, uint64_t mono);
static void arm(struct vsw_switch *sw, uint64_t rel);

static int loop_init(struct vsw_switch *sw)
{
	int err, wfd;

	if (sw->epfd >= 0)
		return 0;
	sw->epfd = epoll_create1(EPOLL_CLOEXEC);
	sw->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (sw->wakefd < 0) {
		wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		__atomic_store_n(&sw->wakefd, wfd, __ATOMIC_RELEASE);
	}
	if (sw->epfd < 0 || sw->timerfd < 0 || sw->wakefd < 0) {
		err = -errno;
		goto fail;
	}
	sw->loop.armed = 0;
	err = epoll_set(sw->epfd, EPOLL_CTL_ADD, sw->timerfd, EPOLLIN, TAG_TIMER);
	if (!err)
		err = epoll_set(sw->epfd, EPOLL_CTL_ADD, sw->wakefd, EPOLLIN, TAG_WAKE);
	for (struct vsw_port *p = vsw__port_next(sw, NULL); p && !err; p = vsw__port_next(sw, p))
		if (p->be)
			err = vsw__loop_add(sw, p);
	if (err)
		goto fail;
	/* what backends were told before the loop existed, and the timer:
	 * the first round looks at everything */
	__atomic_store_n(&sw->loop.pending, 0, __ATOMIC_RELEASE);
	wake(sw);
	return 0;
fail:
	vsw__loop_fini(sw);
	return err;
}

/* The rtnetlink socket, opened for the first backend that needs it. */
static int rtnl_open(struct vsw_switch *sw)
{
	struct vsw__loop *lp = &sw->loop;
	int fd, err;

	if (lp->rtnl >= 0)
		return 0;
	fd = vsw__linkwatch_open();
	if (fd < 0) {
		vsw__warn(sw, "no rtnetlink link events (%s): the links of packet socket "
			  "backends are polled", strerror(-fd));
		return fd;
	}
	err = epoll_set(sw->epfd, EPOLL_CTL_ADD, fd, EPOLLIN, TAG_RTNL);
	if (err) {
		close(fd);
		return err;
	}
	lp->rtnl = fd;
	lp->ns_known = vsw__linkwatch_netns(&lp->ns_dev, &lp->ns_ino) == 0;
	return 0;
}

/* Whether socket 'fd' lives in another network namespace than the
 * rtnetlink socket; when the kernel will not say (no CAP_NET_ADMIN, before
 * Linux 4.9), it is taken to live in the same one, as it almost always does. */
static bool foreign_netns(const struct vsw__loop *lp, int fd)
{
	uint64_t dev, ino;

	if (!lp->ns_known || vsw__linkwatch_sock_netns(fd, &dev, &ino) < 0)
		return false;
	return dev != lp->ns_dev || ino != lp->ns_ino;
}

static void poll_link_in(struct vsw_switch *sw, struct vsw_backend *be, uint64_t mono)
{
	be->poll_next = mono + LINK_POLL_NS;
	sw->loop.poll_next = min64(sw->loop.poll_next, be->poll_next);
}

int vsw__loop_add(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_backend *be = p->be;
	int fd, ifindex, err;

	be->in_epoll = false;
	be->parked = false;
	be->epollout = false;
	be->link_event = false;
	be->link_watch = VSW_LINK_TOLD;
	be->poll_next = NEVER;
	if (sw->epfd < 0)
		return 0; /* added when the loop starts */
	fd = be->ops->fd ? be->ops->fd(be) : -1;
	if (fd < 0) {
		sw->n_fdless++;
		be->link_watch = VSW_LINK_POLL;
		poll_link_in(sw, be, mono_ns());
		return 0;
	}
	err = epoll_set(sw->epfd, EPOLL_CTL_ADD, fd, EPOLLIN, p->idx);
	if (err)
		return err;
	be->in_epoll = true;
	be->fd = fd;
	ifindex = vsw__linkwatch_ifindex(fd);
	if (ifindex > 0) {
		if (rtnl_open(sw) == 0 && !foreign_netns(&sw->loop, fd)) {
			be->link_watch = VSW_LINK_RTNL;
			be->ifindex = ifindex;
		} else {
			be->link_watch = VSW_LINK_POLL;
			poll_link_in(sw, be, mono_ns());
		}
	}
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
	be->epollout = false;
}

void vsw__loop_fini(struct vsw_switch *sw)
{
	for_each_attached(sw, p) {
		p->be->in_epoll = false;
		p->be->epollout = false;
	}
	if (sw->epfd >= 0)
		close(sw->epfd);
	if (sw->timerfd >= 0)
		close(sw->timerfd);
	if (sw->wakefd >= 0)
		close(sw->wakefd);
	if (sw->loop.rtnl >= 0)
		close(sw->loop.rtnl);
	sw->epfd = sw->timerfd = sw->loop.rtnl = -1;
	__atomic_store_n(&sw->wakefd, -1, __ATOMIC_RELEASE);
	sw->loop.armed = 0;
	sw->n_fdless = 0;
}

/* ---- the switch's clock ---- */

/* Deadlines taken on a clock the host has since replaced mean nothing on
 * the new one: every run hook is due at once and aging is computed again. */
static void clock_check(struct vsw_switch *sw)
{
	struct vsw__loop *lp = &sw->loop;

	if (lp->clock_fn == sw->clock_fn && lp->clock_user == sw->clock_user)
		return;
	lp->clock_fn = sw->clock_fn;
	lp->clock_user = sw->clock_user;
	lp->age_known = false;
	for_each_attached(sw, p)
		if (p->be->ops->run) {
			p->be->run_next = 0;
			lp->run_next = 0;
		}
}

void vsw__loop_attached(struct vsw_port *p)
{
	struct vsw_switch *sw = p->sw;
	struct vsw_backend *be = p->be;

	be->run_next = NEVER;
	be->tx_seen = tx_mark(p);
	be->rx_seen = false;
	be->blocked_since = 0;
	if (be->ops->run) {
		clock_check(sw);
		be->run_next = be->ops->run(be, vsw__now(sw));
		sw->loop.run_next = min64(sw->loop.run_next, be->run_next);
	}
	/* a host sleeping on vsw_switch_fd() sets its timer again: a
	 * descriptor-less backend is serviced every millisecond */
	vsw__loop_kick(sw);
}

/* ---- MAC aging ---- */

struct age_scan {
	const struct vsw_switch *sw;
	uint32_t now_s;
	uint64_t left_s;             /* the least time to an expiry, in seconds */
};

static int earliest_expiry(const struct vsw_fdb_entry *e, void *arg)
{
	struct age_scan *a = arg;
	const struct vsw_port *p = a->sw->port_by_idx[e->port & VSW_FDB_PORT_MASK];
	uint32_t aging, age;

	if (!p || !p->pg || !(aging = p->pg->eff.mac_aging_sec))
		return 0;
	/* vsw__fdb_expired(): gone when now_s - seen > aging */
	age = a->now_s - e->seen;
	a->left_s = min64(a->left_s, age > aging ? 0 : (uint64_t)(aging - age) + 1);
	return 0; /* kept: this sweep only looks */
}

/* The port groups' aging times, as one number that changes with them; and
 * the shortest of those that learn. */
static uint64_t aging_print(const struct vsw_switch *sw, uint32_t *shortest)
{
	uint64_t h = 1469598103934665603ull;
	struct vsw_list *x;

	*shortest = 0;
	vsw_list_for_each(x, &sw->portgroups) {
		const struct vsw_portgroup *pg = vsw_container_of(x, struct vsw_portgroup, node);
		uint32_t aging = pg->eff.mac_learning ? pg->eff.mac_aging_sec : 0;
		h = (h ^ (uint64_t)(uintptr_t)pg) * 1099511628211ull;
		h = (h ^ aging) * 1099511628211ull;
		if (aging && (!*shortest || aging < *shortest))
			*shortest = aging;
	}
	return h;
}

/*
 * When the next learned entry expires, on the switch's clock. One sweep of
 * the table gives the earliest expiry of the entries there; an entry learned
 * later expires no earlier than the shortest aging time from now, which
 * bounds the answer too. Taken again after aging ran, when the port groups'
 * aging times change, and when the clock is replaced.
 */
static uint64_t age_deadline(struct vsw_switch *sw)
{
	struct vsw__loop *lp = &sw->loop;
	struct age_scan a = { .sw = sw, .left_s = NEVER };
	uint32_t shortest;
	uint64_t print, now_s;

	if (!sw->fdb.n_learned) {
		lp->age_known = false;
		return NEVER;
	}
	print = aging_print(sw, &shortest);
	if (lp->age_known && print == lp->age_print)
		return lp->age_next;
	now_s = vsw__now(sw) / NS_PER_S;
	a.now_s = (uint32_t)now_s;
	vsw__fdb_sweep(&sw->fdb, earliest_expiry, &a);
	if (shortest)
		a.left_s = min64(a.left_s, (uint64_t)shortest + 1);
	lp->age_next = a.left_s == NEVER ? NEVER : (now_s + a.left_s) * NS_PER_S;
	lp->age_known = true;
	lp->age_print = print;
	return lp->age_next;
}

/* ---- deadlines ---- */

/* The earliest deadline on the switch's clock (absolute; 0 is now). */
static uint64_t switch_deadline(struct vsw_switch *sw)
{
	uint64_t t;

	clock_check(sw);
	t = min64(sw->loop.run_next, age_deadline(sw));
	if (sw->ctl.next_ns)
		t = min64(t, sw->ctl.next_ns(sw));
	return t;
}

/* Nanoseconds until the loop has work: 0 now, NEVER for none. */
static uint64_t next_rel(struct vsw_switch *sw, uint64_t mono)
{
	struct vsw__loop *lp = &sw->loop;
	uint64_t rel = NEVER, t;

	if (__atomic_load_n(&lp->pending, __ATOMIC_SEQ_CST) || vsw__backlog_pending(sw))
		return 0;
	if (sw->n_fdless)
		rel = FDLESS_NS; /* received from every round: see vsw_backend.h, fd */
	if (lp->poll_next != NEVER)
		rel = min64(rel, lp->poll_next > mono ? lp->poll_next - mono : 0);
	t = switch_deadline(sw);
	if (t != NEVER) {
		uint64_t now = vsw__now(sw);
		rel = min64(rel, t > now ? t - now : 0);
	}
	return rel;
}

/* Set the timer descriptor to fire 'rel' ns from now (NEVER: not at all).
 * A one-shot timer: it fires for the deadline, and the round after it sets
 * the next one. */
static void arm(struct vsw_switch *sw, uint64_t rel)
{
	struct vsw__loop *lp = &sw->loop;
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t at = 0;

	if (sw->timerfd < 0)
		return;
	if (rel != NEVER)
		at = mono_ns() + (rel ? rel : 1);
	/* the same deadline seen again, a few microseconds later */
	if (at == lp->armed || (at && lp->armed && (at > lp->armed ? at - lp->armed
									: lp->armed - at) < 100000))
		return;
	its.it_value.tv_sec = (time_t)(at / NS_PER_S);
	its.it_value.tv_nsec = (long)(at % NS_PER_S);
	if (timerfd_settime(sw->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		lp->armed = at;
}

int vsw_switch_timeout_ms(struct vsw_switch *sw)
{
	uint64_t rel, ms;

	if (!sw)
		return -EINVAL;
	rel = next_rel(sw, mono_ns());
	arm(sw, rel);
	if (rel == NEVER)
		return -1;
	ms = rel / NS_PER_MS + (rel % NS_PER_MS != 0);
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ---- servicing backends ---- */

static void set_epollout(struct vsw_switch *sw, struct vsw_backend *be, bool on)
{
	if (epoll_set(sw->epfd, EPOLL_CTL_MOD, be->fd, EPOLLIN | (on ? EPOLLOUT : 0),
		      be->port->idx) == 0)
		be->epollout = on;
}

/* Take a backend's descriptor out of the epoll set, or put it back. */
static void park(struct vsw_switch *sw, struct vsw_backend *be, bool on)
{
	if (on && be->in_epoll) {
		epoll_ctl(sw->epfd, EPOLL_CTL_DEL, be->fd, NULL);
		be->in_epoll = false;
		be->epollout = false;
		be->parked = true;
		/* its link comes back by an event, or else by a read */
		if (be->link_watch != VSW_LINK_RTNL)
			poll_link_in(sw, be, mono_ns());
	} else if (!on && be->parked) {
		if (epoll_set(sw->epfd, EPOLL_CTL_ADD, be->fd, EPOLLIN, be->port->idx) == 0) {
			be->in_epoll = true;
			be->parked = false;
		}
	}
}

/* Read a port's carrier again, and what follows from it. */
static void link_read(struct vsw_switch *sw, struct vsw_port *p)
{
	struct vsw_backend *be = p->be;

	be->link_event = false;
	vsw__port_refresh_carrier(p);
	if (be->parked && p->carrier)
		park(sw, be, false);
	if (be->link_watch == VSW_LINK_RTNL) {
		/* bound again to an interface created under the old name */
		int ifindex = vsw__linkwatch_ifindex(be->fd);
		if (ifindex > 0)
			be->ifindex = ifindex;
	}
	if (be->link_watch == VSW_LINK_POLL || (be->parked && be->link_watch != VSW_LINK_RTNL))
		poll_link_in(sw, be, mono_ns());
	else
		be->poll_next = NEVER;
}

/* A notification: the link, and the run hook at once. */
static void take_notify(struct vsw_switch *sw, struct vsw_port *p)
{
	if (!__atomic_exchange_n(&p->be->notified, 0, __ATOMIC_ACQ_REL))
		return;
	if (p->be->ops->run) {
		p->be->run_next = 0;
		sw->loop.run_next = 0;
	}
	link_read(sw, p);
}

/* Notifications and writability from any thread, settings between rounds. */
static void take_pending(struct vsw_switch *sw)
{
	if (!__atomic_exchange_n(&sw->loop.pending, 0, __ATOMIC_ACQ_REL))
		return;
	for_each_attached(sw, p) {
		if (__atomic_exchange_n(&p->be->writable, 0, __ATOMIC_ACQ_REL))
			p->be->tx_blocked = false;
		take_notify(sw, p);
	}
}

/* Receive what a port's backend has, forward it; returns frames received. */
static int port_service(struct vsw_switch *sw, struct vsw_port *p, int budget)
{
	struct vsw_frame frames[VSW_BATCH_MAX];
	int total = 0;

	take_notify(sw, p);
	for (int b = 0; b < budget && p->be; b++) {
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
		p->be->rx_seen = true;
		vsw_port_input(p, frames, (unsigned int)r);
		total += r;
		if (r < VSW_BATCH_MAX)
			break;
	}
	/* a backend that connected or lost its peer while receiving */
	if (p->be)
		take_notify(sw, p);
	return total;
}

static void collect_link(void *ctx, int ifindex)
{
	int *ev = ctx; /* [0] count, then ifindexes; count -1: all */

	if (ev[0] < 0)
		return;
	for (int i = 1; i <= ev[0]; i++)
		if (ev[i] == ifindex)
			return;
	if (ev[0] == LINK_EVENTS_MAX)
		ev[0] = -1;
	else
		ev[++ev[0]] = ifindex;
}

/* rtnetlink events: read the link of every backend they name, and of those
 * whose link is down (their interface may be back under a new index). */
static void rtnl_service(struct vsw_switch *sw)
{
	int ev[LINK_EVENTS_MAX + 1] = { 0 };
	int err = vsw__linkwatch_read(sw->loop.rtnl, collect_link, ev);

	if (err == -ENOBUFS) {
		ev[0] = -1;
	} else if (err < 0) {
		vsw__warn(sw, "rtnetlink link events failed (%s): links are polled",
			  strerror(-err));
		epoll_ctl(sw->epfd, EPOLL_CTL_DEL, sw->loop.rtnl, NULL);
		close(sw->loop.rtnl);
		sw->loop.rtnl = -1;
		sw->loop.ns_known = false;
		for_each_attached(sw, p)
			if (p->be->link_watch == VSW_LINK_RTNL) {
				p->be->link_watch = VSW_LINK_POLL;
				poll_link_in(sw, p->be, mono_ns());
			}
		return;
	}
	for_each_attached(sw, p) {
		struct vsw_backend *be = p->be;
		if (be->link_watch != VSW_LINK_RTNL)
			continue;
		be->link_event = ev[0] < 0 || !p->carrier;
		for (int i = 1; i <= ev[0] && !be->link_event; i++)
			be->link_event = ev[i] == be->ifindex;
	}
	/* apart: a carrier change re-derives state, which must not move the
	 * walk above */
	for_each_attached(sw, p)
		if (p->be->link_event)
			link_read(sw, p);
}

/* Deadlines that came: link reads, run hooks, MAC aging. */
static void timers(struct vsw_switch *sw)
{
	struct vsw__loop *lp = &sw->loop;
	uint64_t mono = mono_ns(), now;

	if (lp->poll_next <= mono) {
		lp->poll_next = NEVER; /* taken again at the round's end */
		for_each_attached(sw, p)
			if (p->be->poll_next <= mono)
				link_read(sw, p);
	}
	clock_check(sw);
	if (lp->run_next == NEVER && !sw->fdb.n_learned)
		return;
	now = vsw__now(sw);
	if (lp->run_next <= now) {
		for_each_attached(sw, p)
			if (p->be->ops->run && p->be->run_next <= now)
				p->be->run_next = p->be->ops->run(p->be, now);
	}
	if (sw->fdb.n_learned && age_deadline(sw) <= now) {
		vsw__fdb_age(sw);
		lp->age_known = false;
	}
}

/* The round's end: who carried frames, who is blocked, what to wait for,
 * the next deadlines. */
static void round_end(struct vsw_switch *sw)
{
	struct vsw__loop *lp = &sw->loop;
	uint64_t run = NEVER, poll = NEVER, mono = mono_ns(), tx;
	uint32_t blocked = 0;

	for_each_attached(sw, p) {
		struct vsw_backend *be = p->be;
		/* a link read 100 ms after traffic */
		tx = tx_mark(p);
		if ((be->rx_seen || tx != be->tx_seen) && be->poll_next == NEVER)
			be->poll_next = mono + LINK_POLL_NS;
		be->rx_seen = false;
		be->tx_seen = tx;
		if (be->tx_blocked && !be->ops->want_writable) {
			/* a descriptor that never polls writable (qemu's epoll
			 * descriptor) holds the loop back for a while only */
			if (!be->blocked_since) {
				be->blocked_since = mono;
			} else if (mono - be->blocked_since >= BLOCK_MAX_NS) {
				be->tx_blocked = false;
				be->blocked_since = 0;
			}
			if (be->blocked_since)
				be->poll_next = min64(be->poll_next, be->blocked_since + BLOCK_MAX_NS);
		} else {
			be->blocked_since = 0;
		}
		if (be->tx_blocked) {
			blocked++;
			if (!be->ops->want_writable && be->in_epoll && !be->epollout)
				set_epollout(sw, be, true);
		} else if (be->epollout) {
			set_epollout(sw, be, false);
		}
		if (be->ops->run)
			run = min64(run, be->run_next);
		poll = min64(poll, be->poll_next);
	}
	lp->n_blocked = blocked;
	lp->run_next = run;
	lp->poll_next = poll;
}

int vsw_switch_poll(struct vsw_switch *sw, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	struct vsw__loop *lp;
	int n, err, budget, total = 0;
	bool link_events = false;
	uint64_t cnt, rel;

	if (!sw)
		return -EINVAL;
	lp = &sw->loop;
	if (sw->in_flush)
		return -EBUSY;
	err = loop_init(sw);
	if (err)
		return err;
	vsw__switch_sync(sw);
	rel = next_rel(sw, mono_ns());
	arm(sw, rel);
	if (rel == 0)
		timeout_ms = 0;
	n = epoll_wait(sw->epfd, ev, MAX_EVENTS, timeout_ms);
	if (n < 0) {
		/* a signal is a round with nothing ready (the caller's loop
		 * decides); anything else would fail again at every round, and
		 * vsw_switch_run() would spin on it */
		if (errno != EINTR)
			return -errno;
		n = 0;
	}
	__atomic_store_n(&lp->in_round, 1, __ATOMIC_SEQ_CST);
	budget = lp->n_blocked ? 1 : RX_BUDGET;
	/* blocked with nothing to tell when they have room: the next round */
	if (lp->n_blocked)
		for_each_attached(sw, p)
			if (p->be->tx_blocked && !p->be->ops->want_writable && !p->be->in_epoll)
				p->be->tx_blocked = false;
	for (int i = 0; i < n; i++) {
		uint64_t tag = ev[i].data.u64;
		if (tag == TAG_TIMER) {
			if (read(sw->timerfd, &cnt, sizeof(cnt)) > 0)
				lp->armed = 0;
		} else if (tag == TAG_WAKE) {
			if (read(sw->wakefd, &cnt, sizeof(cnt)) < 0)
				cnt = 0;
		} else if (tag == TAG_RTNL) {
			link_events = true;
		} else if (tag < sw->port_cap && sw->port_by_idx[tag] && sw->port_by_idx[tag]->be) {
			struct vsw_port *p = sw->port_by_idx[tag];
			if ((ev[i].events & EPOLLOUT) && p->be->epollout)
				p->be->tx_blocked = false;
			if (ev[i].events & ~(uint32_t)EPOLLOUT)
				total += port_service(sw, p, budget);
		}
	}
	take_pending(sw);
	if (link_events && lp->rtnl >= 0)
		rtnl_service(sw);
	if (sw->n_fdless)
		for_each_attached(sw, p)
			if (!p->be->in_epoll && !p->be->parked)
				total += port_service(sw, p, budget);
	timers(sw);
	/* control protocols' timers follow the switch's clock; their next
	 * deadline (the control hook's next_ns) sets the timer below */
	if (sw->ctl.tick)
		sw->ctl.tick(sw);
	if (vsw__backlog_pending(sw))
		vsw__backlog_run(sw);
	take_pending(sw); /* what the round itself notified */
	round_end(sw);
	__atomic_store_n(&lp->in_round, 0, __ATOMIC_SEQ_CST);
	arm(sw, next_rel(sw, mono_ns()));
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
	int fd;

	if (!sw)
		return -EINVAL;
	__atomic_store_n(&sw->stop, 1, __ATOMIC_RELEASE);
	fd = __atomic_load_n(&sw->wakefd, __ATOMIC_ACQUIRE);
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return 0; /* the counter is already non-zero: the loop wakes anyway */
	return 0;
}
