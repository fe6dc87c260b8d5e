// SPDX-License-Identifier: MIT
/*
 * vswd - the libvsw switch daemon. Holds any number of vSwitches, reads a
 * configuration file of vswctl commands, and takes vswctl commands on a
 * unix control socket. One thread, one epoll loop over the control socket,
 * its clients, a signalfd, and each switch's own descriptor
 * (vsw_switch_fd()), which the daemon polls with vsw_switch_poll(sw, 0).
 *
 * Control protocol: a client sends one command line ending in '\n'; vswd
 * answers "OK\n" and the command's output, or "ERR\n" and one line, then
 * closes the connection. The peer's credentials (SO_PEERCRED) are checked
 * before any change: root or the daemon's own user may change things; a
 * group given with --group may only read.
 *
 * Nobody who may only read can harm the daemon: the socket lives in a
 * directory only root or the daemon's user may write (fsafe.c), a lock file
 * next to it keeps a second vswd out, every client has --timeout seconds to
 * send its line and no user but root and the daemon's own may hold more
 * than a few connections (some are always left for root), refusals are
 * logged escaped and rate-limited (logsafe.c), and when descriptors run
 * out the daemon stops accepting for a moment instead of spinning.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <vsw.h>

#include "cmd.h"
#include "exec.h"
#include "fsafe.h"
#include "logsafe.h"
#include "daemon.h"
#include "vdesrv.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"
#define DEFAULT_TIMEOUT_SEC 10
#define MAX_CLIENTS 64        /* control connections at once */
#define ROOT_RESERVE 16       /* of those, kept for root and the daemon's user */
#define MAX_PER_UID 8         /* any other user's at once */
#define DISCARD_MAX (1u << 20) /* bytes read past an over-long line */
#define ACCEPT_PAUSE_MS 250   /* after EMFILE and the like */

static struct {
	int epfd;
	const char *socket_path;
	const char *socket_name;   /* its last component, in sock_dirfd */
	int sock_dirfd;
	int lock_fd;
	const char *pidfile;
	int pid_fd;
	gid_t group;
	bool use_group;
	bool use_syslog;
	int verbose;
	uint64_t timeout_ms;
	struct vswd d;
	struct watch *watches;
	unsigned int n_clients;
	uint64_t accept_paused_until;
} g = { .epfd = -1, .socket_path = DEFAULT_SOCKET, .sock_dirfd = -1, .lock_fd = -1, .pid_fd = -1,
	.timeout_ms = DEFAULT_TIMEOUT_SEC * 1000 };

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

/* ---- logging ---- */

static void vlogf(int prio, const char *fmt, va_list ap)
{
	if (g.use_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fprintf(stderr, "vswd: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void logf_(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogf(prio, fmt, ap);
	va_end(ap);
}

/* Rate-limited per user, so that a read-only user cannot flood the log. */
void refusal(uid_t uid, const char *fmt, ...)
{
	unsigned long suppressed;
	char msg[LOG_QUOTE_MAX * 4 + 256];
	va_list ap;

	if (!log_ratelimit((unsigned int)uid, now_ms(), &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed)
		logf_(LOG_WARNING, "%s (and %lu more from uid %u not logged)", msg, suppressed, (unsigned int)uid);
	else
		logf_(LOG_WARNING, "%s", msg);
}

static void lib_log(struct vsw_switch *sw, enum vsw_log_level level, void *user, const char *fmt,
		    va_list ap)
{
	char msg[512];

	(void)user;
	if ((int)level > LOG_NOTICE + g.verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	logf_((int)level, "%s: %s", vsw_switch_name(sw), msg);
}

/* ---- the epoll set ---- */

struct watch *watch_add(enum kind kind, int fd, uint32_t events)
{
	struct watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (!w)
		return NULL;
	w->kind = kind;
	w->fd = fd;
	ev.data.ptr = w;
	if (epoll_ctl(g.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	w->next = g.watches;
	g.watches = w;
	return w;
}

void watch_del(struct watch *w)
{
	epoll_ctl(g.epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (struct watch **pp = &g.watches; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (w->kind == K_CLIENT) {
		close(w->fd);
		out_free(&w->out);
		g.n_clients--;
	}
	if (w->kind == K_VDE_LISTEN || w->kind == K_VDE_CLIENT)
		close(w->fd);
	free(w);
}

static int switch_added(struct vswd *d, struct vsw_switch *sw)
{
	int fd = vsw_switch_fd(sw);
	struct watch *w;

	(void)d;
	if (fd < 0)
		return fd;
	w = watch_add(K_SWITCH, fd, EPOLLIN);
	if (!w)
		return -ENOMEM;
	w->sw = sw;
	return 0;
}

static void switch_removing(struct vswd *d, struct vsw_switch *sw)
{
	(void)d;
	vdesrv_switch_removing(sw); /* its VDE directories close with it */
	for (struct watch *w = g.watches; w; w = w->next)
		if (w->kind == K_SWITCH && w->sw == sw) {
			watch_del(w);
			return;
		}
}

/* Out of descriptors (or memory): stop accepting on every listening socket
 * for a moment, rather than spin on a socket that stays readable. */
void accept_failed(int e)
{
	if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
		return; /* EAGAIN, ECONNABORTED...: nothing waits */
	refusal((uid_t)-1, "accept: %s: not accepting for %d ms", strerror(e), ACCEPT_PAUSE_MS);
	g.accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
	for (struct watch *w = g.watches; w; w = w->next)
		if (w->kind == K_LISTEN || w->kind == K_VDE_LISTEN) {
			struct epoll_event ev = { .events = 0, .data.ptr = w };
			epoll_ctl(g.epfd, EPOLL_CTL_MOD, w->fd, &ev);
		}
}

bool accepting(void)
{
	return !g.accept_paused_until;
}

static void accept_resume(void)
{
	g.accept_paused_until = 0;
	for (struct watch *w = g.watches; w; w = w->next)
		if (w->kind == K_LISTEN || w->kind == K_VDE_LISTEN) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
			epoll_ctl(g.epfd, EPOLL_CTL_MOD, w->fd, &ev);
		}
}

unsigned int count_uid(enum kind kind, uid_t uid)
{
	unsigned int n = 0;

	for (struct watch *w = g.watches; w; w = w->next)
		n += w->kind == kind && w->uid == uid;
	return n;
}

/* ---- configuration file ---- */

static int load_config(const char *path)
{
	FILE *f = fopen(path, "r");
	struct outbuf out = { 0 };
	char err[300];
	int r;

	if (!f) {
		logf_(LOG_ERR, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = vswd_config_load(&g.d, f, &out, err, sizeof(err));
	fclose(f);
	if (r < 0)
		logf_(LOG_ERR, "%s:%s", path, err);
	if (out.len) {
		fwrite(out.p, 1, out.len, stdout);
		fflush(stdout);
	}
	out_free(&out);
	return r;
}

/* ---- the control socket ---- */

static int listen_socket(void)
{
	char dir[PATH_MAX], lock[NAME_MAX + 1], shown[PATH_MAX + 8], err[PATH_MAX + 128];
	const char *slash = strrchr(g.socket_path, '/');
	struct sockaddr_un sa;
	bool busy;
	int fd;

	if (strlen(g.socket_path) >= sizeof(sa.sun_path)) {
		logf_(LOG_ERR, "socket path too long: %s", g.socket_path);
		return -1;
	}
	g.socket_name = slash ? slash + 1 : g.socket_path;
	if (!*g.socket_name || strlen(g.socket_name) + 5 > NAME_MAX) {
		logf_(LOG_ERR, "bad socket path: %s", g.socket_path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash && slash != g.socket_path ? (int)(slash - g.socket_path) : 1,
		 slash ? (slash == g.socket_path ? "/" : g.socket_path) : ".");
	/* a directory others may write would let them swap the socket for
	 * a symlink (then our group and mode land on any file), or for a
	 * socket of their own */
	g.sock_dirfd = fsafe_opendir(dir, true, NULL, err, sizeof(err));
	if (g.sock_dirfd < 0) {
		logf_(LOG_ERR, "%s", err);
		return -1;
	}
	/* two daemons started at once: one gets the lock, the other stops
	 * here, even if the first one is stopped (SIGSTOP) and answers nothing */
	snprintf(lock, sizeof(lock), "%s.lock", g.socket_name);
	snprintf(shown, sizeof(shown), "%s.lock", g.socket_path);
	g.lock_fd = fsafe_lock(g.sock_dirfd, lock, shown, &busy, err, sizeof(err));
	if (g.lock_fd < 0) {
		if (busy)
			logf_(LOG_ERR, "another vswd serves %s (it holds %s)", g.socket_path, shown);
		else
			logf_(LOG_ERR, "%s", err);
		return -1;
	}
	fd = fsafe_listen(g.sock_dirfd, g.socket_name, g.socket_path, g.use_group ? 0660 : 0600,
			  g.use_group ? (long)g.group : -1, 16, &busy, err, sizeof(err));
	if (fd < 0)
		logf_(LOG_ERR, "%s", err);
	return fd;
}

static void client_accept(int lfd)
{
	static const char busy[] = "ERR\ntoo many connections\n";
	struct ucred cr;
	socklen_t l = sizeof(cr);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct watch *w;

	if (fd < 0) {
		accept_failed(errno);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0) {
		close(fd);
		return;
	}
	/* root and the daemon's user always find room: others share what
	 * ROOT_RESERVE leaves, each at most MAX_PER_UID */
	if (g.n_clients >= MAX_CLIENTS ||
	    (!privileged(cr.uid) && (g.n_clients >= MAX_CLIENTS - ROOT_RESERVE ||
				     count_uid(K_CLIENT, cr.uid) >= MAX_PER_UID))) {
		refusal(cr.uid, "refused a connection of uid %u: too many", (unsigned int)cr.uid);
		if (send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			/* nothing more to say */
		}
		close(fd);
		return;
	}
	w = watch_add(K_CLIENT, fd, EPOLLIN);
	if (!w) {
		close(fd);
		return;
	}
	w->uid = cr.uid;
	w->deadline = now_ms() + g.timeout_ms;
	g.n_clients++;
}

static void set_events(struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	epoll_ctl(g.epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

static void respond(struct watch *w, bool ok, const char *text)
{
	struct outbuf body = w->out;

	w->out = (struct outbuf){ 0 };
	out_printf(&w->out, ok ? "OK\n" : "ERR\n");
	if (text)
		out_printf(&w->out, "%s\n", text);
	if (body.len)
		out_printf(&w->out, "%.*s", (int)body.len, body.p);
	out_free(&body);
	w->answered = true;
	w->deadline = now_ms() + g.timeout_ms;
	set_events(w, EPOLLOUT | EPOLLIN);
}

static void client_command(struct watch *w)
{
	struct vswcmd *c = malloc(sizeof(*c));
	char err[256], line[LOG_QUOTE_MAX * 4 + 8], why[sizeof(err) * 4];
	int r;

	if (!c) {
		respond(w, false, "out of memory");
		return;
	}
	r = vswcmd_parse(w->in, c, err, sizeof(err));
	if (r < 0) {
		respond(w, false, err);
	} else if (r == 0) {
		respond(w, false, "empty command");
	} else if (c->changes && !privileged(w->uid)) {
		refusal(w->uid, "refused a change from uid %u: %s", (unsigned int)w->uid,
			log_escape(w->in, strlen(w->in), line, sizeof(line)));
		respond(w, false, "permission denied: only root or the daemon's user may change the switches");
	} else if (vswd_exec(&g.d, c, &w->out, err, sizeof(err)) < 0) {
		out_free(&w->out);
		if (c->changes)
			logf_(LOG_WARNING, "uid %u: %s: failed: %s", (unsigned int)w->uid,
			      log_escape(w->in, strlen(w->in), line, sizeof(line)),
			      log_escape(err, strlen(err), why, sizeof(why)));
		respond(w, false, err);
	} else {
		if (c->changes)
			logf_(LOG_INFO, "uid %u: %s", (unsigned int)w->uid,
			      log_escape(w->in, strlen(w->in), line, sizeof(line)));
		respond(w, true, NULL);
	}
	free(c);
}

/* Read what the client still sends after its answer, so that closing
 * does not reset the connection under an answer it has not read yet. */
static void drain(struct watch *w)
{
	char tmp[4096];

	for (int i = 0; i < 16 && !w->eof; i++) {
		ssize_t n = recv(w->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			w->eof = true;
			return;
		}
		if (w->discard && memchr(tmp, '\n', (size_t)n))
			w->discard = false;
		w->discarded += (size_t)n;
		if (w->discarded > DISCARD_MAX)
			w->eof = true; /* enough: it gets its answer and a reset */
	}
}

static void answer_io(struct watch *w, uint32_t events)
{
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		drain(w);
	if (w->sent < w->out.len) {
		ssize_t n = send(w->fd, w->out.p + w->sent, w->out.len - w->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN) {
			watch_del(w);
			return;
		}
		if (n > 0) {
			w->sent += (size_t)n;
			w->deadline = now_ms() + g.timeout_ms;
		}
	}
	if (w->sent < w->out.len) {
		/* a socket at EOF stays readable: wait for room to write only */
		set_events(w, EPOLLOUT | (w->eof ? 0 : EPOLLIN));
		return;
	}
	drain(w);
	if (!w->discard || w->eof) {
		watch_del(w);
		return;
	}
	set_events(w, EPOLLIN); /* the rest of an over-long line */
}

static void client_io(struct watch *w, uint32_t events)
{
	if (w->answered) {
		answer_io(w, events);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = recv(w->fd, w->in + w->inlen, sizeof(w->in) - 1 - w->inlen, 0);
		if (n <= 0) {
			/* gone in mid-command, or nothing sent: nothing runs */
			if (n == 0 || errno != EAGAIN)
				watch_del(w);
			return;
		}
		size_t from = w->inlen;
		w->inlen += (size_t)n;
		w->in[w->inlen] = 0;
		char *nl = memchr(w->in + from, '\n', (size_t)n);
		size_t len = nl ? (size_t)(nl - w->in) : w->inlen;
		if (memchr(w->in, 0, len)) {
			w->discard = !nl;
			respond(w, false, "NUL byte in the command line");
		} else if (nl) {
			*nl = 0;
			client_command(w);
		} else if (w->inlen == sizeof(w->in) - 1) {
			w->discard = true;
			respond(w, false, "line too long");
		}
	}
}

/* Drop the clients whose time is up; the next deadline, or 0. */
static uint64_t expire(uint64_t now)
{
	static const char late[] = "ERR\ntimed out\n";
	uint64_t next = g.accept_paused_until;

	if (next && now >= next) {
		accept_resume();
		next = 0;
	}
	for (struct watch *w = g.watches, *nw; w; w = nw) {
		nw = w->next;
		if (!w->deadline)
			continue;
		if (now < w->deadline) {
			next = !next || w->deadline < next ? w->deadline : next;
			continue;
		}
		if (w->kind == K_VDE_CLIENT) {
			vdesrv_expired(w->vde); /* unanswered: no port yet */
			continue;
		}
		if (!w->answered && send(w->fd, late, sizeof(late) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			/* it will not read it anyway */
		}
		watch_del(w);
	}
	return next;
}

/* ---- life cycle ---- */

static void shutdown_daemon(int lfd)
{
	vdesrv_shutdown();
	while (g.watches)
		watch_del(g.watches);
	vswd_clear(&g.d);
	vswd_netstack_cleanup(&g.d); /* after the interfaces in them are gone */
	if (lfd >= 0) {
		close(lfd);
		unlinkat(g.sock_dirfd, g.socket_name, 0);
	}
	/* the lock file stays: removing it would let a starting vswd lock a
	 * new file while another still holds the old one */
	if (g.pidfile)
		fsafe_pidfile_remove(g.pidfile, g.pid_fd);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vswd [-f] [-c CONFIG] [-s SOCKET] [--group GROUP] [-p PIDFILE] [-t SECONDS]\n"
		   "            [--syslog] [-v]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, 'g' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	bool foreground = false;
	int c, lfd, sfd, ready[2] = { -1, -1 };
	sigset_t mask;

	while ((c = getopt_long(argc, argv, "fc:s:p:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': foreground = true; break;
		case 'c': config = optarg; break;
		case 's': g.socket_path = optarg; break;
		case 'p': g.pidfile = optarg; break;
		case 'S': g.use_syslog = true; break;
		case 'v': g.verbose++; break;
		case 't': {
			char *end;
			long t = strtol(optarg, &end, 10);
			if (*end || end == optarg || t < 1 || t > 3600) {
				fprintf(stderr, "vswd: bad timeout '%s' (1-3600 seconds)\n", optarg);
				return 1;
			}
			g.timeout_ms = (uint64_t)t * 1000u;
			break;
		}
		case 'g': {
			struct group *gr = getgrnam(optarg);
			if (!gr) {
				fprintf(stderr, "vswd: unknown group '%s'\n", optarg);
				return 1;
			}
			g.group = gr->gr_gid;
			g.use_group = true;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (g.use_syslog)
		openlog("vswd", LOG_PID, LOG_DAEMON);

	if (!foreground) {
		/* the parent exits once the child is serving, with its status */
		char st = 1;
		if (pipe(ready) < 0)
			return 1;
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid > 0) {
			close(ready[1]);
			if (read(ready[0], &st, 1) != 1)
				st = 1;
			return st;
		}
		close(ready[0]);
		setsid();
		if (!g.use_syslog) {
			g.use_syslog = true;
			openlog("vswd", LOG_PID, LOG_DAEMON);
		}
	}

	g.d.added = switch_added;
	g.d.removing = switch_removing;
	g.d.vde = vdesrv_cmd;
	vdesrv_setup(g.use_group ? (long)g.group : -1, g.timeout_ms);
	g.d.host_ok = true;
	g.d.log = lib_log;
	g.epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (g.epfd < 0 || sfd < 0 || !watch_add(K_SIGNAL, sfd, EPOLLIN))
		return 1;
	/* the socket first: a second vswd stops here, before it builds anything */
	lfd = listen_socket();
	if (lfd < 0)
		return 1;
	if (g.pidfile) {
		char err[PATH_MAX + 128];
		g.pid_fd = fsafe_pidfile(g.pidfile, err, sizeof(err));
		if (g.pid_fd < 0) {
			logf_(LOG_ERR, "%s", err);
			g.pidfile = NULL; /* not ours to remove */
			shutdown_daemon(lfd);
			return 1;
		}
	}
	if (config && load_config(config) < 0) {
		logf_(LOG_ERR, "configuration %s not loaded: not starting", config);
		shutdown_daemon(lfd);
		return 1;
	}
	if (!watch_add(K_LISTEN, lfd, EPOLLIN)) {
		shutdown_daemon(lfd);
		return 1;
	}
	logf_(LOG_INFO, "listening on %s", g.socket_path);
	if (!foreground) {
		int null = open("/dev/null", O_RDWR);
		char st = 0;
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		if (write(ready[1], &st, 1) != 1)
			return 1;
		close(ready[1]);
	}

	for (;;) {
		struct epoll_event ev[32];
		uint64_t now = now_ms(), next = expire(now);
		int n = epoll_wait(g.epfd, ev, 32, next ? (int)(next - now) : -1);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct watch *w = ev[i].data.ptr;
			switch (w->kind) {
			case K_LISTEN:
				client_accept(w->fd);
				break;
			case K_SIGNAL:
				logf_(LOG_INFO, "shutting down");
				shutdown_daemon(lfd);
				return 0;
			case K_CLIENT:
				client_io(w, ev[i].events);
				/* a client's command may have removed a switch whose
				 * event is later in this batch: start again */
				i = n;
				break;
			case K_SWITCH:
				vsw_switch_poll(w->sw, 0);
				break;
			case K_VDE_LISTEN:
				vdesrv_accept(w->vde);
				break;
			case K_VDE_CLIENT:
				vdesrv_client_io(w->vde);
				i = n; /* it may have removed a port and its watches */
				break;
			}
		}
	}
	shutdown_daemon(lfd);
	return 1;
}
