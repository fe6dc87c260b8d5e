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
#include "vde.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"
#define DEFAULT_TIMEOUT_SEC 10
#define MAX_CLIENTS 64        /* control connections at once */
#define ROOT_RESERVE 16       /* of those, kept for root and the daemon's user */
#define MAX_PER_UID 8         /* any other user's at once */
#define MAX_VDE 256           /* VDE control connections at once, in all */
#define MAX_VDE_PENDING 16    /* not yet answered, per directory and user */
#define MAX_VDE_PER_UID 64    /* any user but root's and the daemon's */
#define DISCARD_MAX (1u << 20) /* bytes read past an over-long line */
#define ACCEPT_PAUSE_MS 250   /* after EMFILE and the like */

enum kind { K_LISTEN, K_SIGNAL, K_CLIENT, K_SWITCH, K_VDE_LISTEN, K_VDE_CLIENT };

struct watch {
	enum kind kind;
	int fd;
	/* clients (control and VDE) */
	uid_t uid;
	uint64_t deadline;           /* monotonic ms; 0: none */
	char in[VSWCMD_MAX_LINE + 2];
	size_t inlen;
	struct outbuf out;
	size_t sent;
	bool answered;
	bool discard;                /* the rest of an over-long line is still coming */
	bool eof;                    /* the client sent all it will */
	size_t discarded;
	/* switches */
	struct vsw_switch *sw;
	/* VDE directories and their clients */
	void *vde;
	struct watch *next;
};

/* A vde_switch-style control directory feeding a port group. */
struct vde_dir {
	char path[96];
	int dirfd;
	struct vsw_switch *sw;
	char pg[VSW_NAME_MAX + 1];
	struct watch *w;
	struct vde_client *clients;
	struct vde_dir *next;
};

struct vde_client {
	struct vde_dir *dir;
	struct watch *w;
	unsigned int port;           /* 0 until the request is answered */
	char vnic[VSW_NAME_MAX + 1];
	struct vde_client *next;
};

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
	unsigned int n_vde;
	uint64_t accept_paused_until;
	struct vde_dir *vde_dirs;
} g = { .epfd = -1, .socket_path = DEFAULT_SOCKET, .sock_dirfd = -1, .lock_fd = -1, .pid_fd = -1,
	.timeout_ms = DEFAULT_TIMEOUT_SEC * 1000 };

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static bool privileged(uid_t uid)
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

static void logf_(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogf(prio, fmt, ap);
	va_end(ap);
}

/* A refusal caused by user 'uid': rate-limited per user, so that a
 * read-only user cannot flood the log. */
static void refusal(uid_t uid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refusal(uid_t uid, const char *fmt, ...)
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

static struct watch *watch_add(enum kind kind, int fd, uint32_t events)
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

static void watch_del(struct watch *w)
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

static void vde_dir_free(struct vde_dir *dir, bool remove_vnics);

static void switch_removing(struct vswd *d, struct vsw_switch *sw)
{
	(void)d;
	/* its VDE directories close with it; the switch frees their vNICs */
	for (struct vde_dir *dir = g.vde_dirs, *next; dir; dir = next) {
		next = dir->next;
		if (dir->sw == sw)
			vde_dir_free(dir, false);
	}
	for (struct watch *w = g.watches; w; w = w->next)
		if (w->kind == K_SWITCH && w->sw == sw) {
			watch_del(w);
			return;
		}
}

/* ---- VDE ports ---- */

static void vde_client_free(struct vde_client *cl, bool remove_vnic)
{
	struct vde_client **pp;
	struct vsw_port *p;

	if (remove_vnic && cl->port && vsw_port_find(cl->dir->sw, cl->vnic, &p) == 0)
		vsw_vnic_remove(vsw_port_to_vnic(p));
	for (pp = &cl->dir->clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	watch_del(cl->w);
	g.n_vde--;
	free(cl);
}

static void vde_dir_free(struct vde_dir *dir, bool remove_vnics)
{
	struct vde_dir **pp;

	while (dir->clients)
		vde_client_free(dir->clients, remove_vnics);
	watch_del(dir->w);
	/* through the directory's descriptor: no path to swap */
	unlinkat(dir->dirfd, "ctl", 0);
	close(dir->dirfd);
	for (pp = &g.vde_dirs; *pp != dir; pp = &(*pp)->next)
		;
	*pp = dir->next;
	free(dir);
}

static struct vsw_switch *switch_named(const char *name)
{
	for (struct vswd_switch *s = g.d.switches; s; s = s->next)
		if (!strcmp(vsw_switch_name(s->sw), name))
			return s->sw;
	return NULL;
}

static int vde_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vsw_switch *sw = switch_named(c->pos[0]);
	const char *path = c->pos[c->verb == VERB_ADD ? 2 : 1];
	struct vsw_portgroup *pg;
	struct vde_dir *dir;
	int fd, dirfd = -1;

	(void)d;
	if (!sw) {
		snprintf(err, errlen, "unknown vswitch '%s'", c->pos[0]);
		return -1;
	}
	for (dir = g.vde_dirs; dir; dir = dir->next)
		if (!strcmp(dir->path, path))
			break;
	if (c->verb == VERB_REMOVE) {
		if (!dir || dir->sw != sw) {
			snprintf(err, errlen, "no VDE directory '%s' on %s", path, c->pos[0]);
			return -1;
		}
		vde_dir_free(dir, true);
		return 0;
	}
	if (dir) {
		snprintf(err, errlen, "VDE directory '%s' is in use", path);
		return -1;
	}
	if (vsw_portgroup_find(sw, c->pos[1], &pg)) {
		snprintf(err, errlen, "unknown port group '%s'", c->pos[1]);
		return -1;
	}
	if (strlen(path) >= sizeof(dir->path) - 8) {
		snprintf(err, errlen, "VDE directory '%s': path too long", path);
		return -1;
	}
	/* who may plug into a VDE port is who may drive vswd */
	fd = vde_listen(path, g.use_group ? 0660 : 0600, g.use_group ? (long)g.group : -1, &dirfd, err,
			errlen);
	if (fd < 0)
		return -1;
	dir = calloc(1, sizeof(*dir));
	if (!dir || !(dir->w = watch_add(K_VDE_LISTEN, fd, g.accept_paused_until ? 0 : EPOLLIN))) {
		free(dir);
		unlinkat(dirfd, "ctl", 0);
		close(fd);
		close(dirfd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dir->dirfd = dirfd;
	strcpy(dir->path, path);
	strcpy(dir->pg, c->pos[1]);
	dir->sw = sw;
	dir->w->vde = dir;
	dir->next = g.vde_dirs;
	g.vde_dirs = dir;
	return 0;
}

/* Out of descriptors (or memory): stop accepting on every listening socket
 * for a moment, rather than spin on a socket that stays readable. */
static void accept_failed(int e)
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

static void accept_resume(void)
{
	g.accept_paused_until = 0;
	for (struct watch *w = g.watches; w; w = w->next)
		if (w->kind == K_LISTEN || w->kind == K_VDE_LISTEN) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = w };
			epoll_ctl(g.epfd, EPOLL_CTL_MOD, w->fd, &ev);
		}
}

/* How many connections of 'kind' user 'uid' holds. */
static unsigned int count_uid(enum kind kind, uid_t uid)
{
	unsigned int n = 0;

	for (struct watch *w = g.watches; w; w = w->next)
		n += w->kind == kind && w->uid == uid;
	return n;
}

static void vde_accept(struct vde_dir *dir)
{
	int fd = accept4(dir->w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct vde_client *cl;
	struct ucred cr;
	socklen_t l = sizeof(cr);
	unsigned int pending = 0;

	if (fd < 0) {
		accept_failed(errno);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0) {
		close(fd);
		return;
	}
	/* one user's silent connections must not keep others' VMs out */
	for (cl = dir->clients; cl; cl = cl->next)
		pending += !cl->port && cl->w->uid == cr.uid;
	if (g.n_vde >= MAX_VDE || (!privileged(cr.uid) && (pending >= MAX_VDE_PENDING ||
			     count_uid(K_VDE_CLIENT, cr.uid) >= MAX_VDE_PER_UID))) {
		refusal(cr.uid, "%s: refused a VDE connection of uid %u: too many", dir->path,
			(unsigned int)cr.uid);
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl || !(cl->w = watch_add(K_VDE_CLIENT, fd, EPOLLIN))) {
		free(cl);
		close(fd);
		return;
	}
	cl->w->uid = cr.uid;
	cl->w->deadline = now_ms() + g.timeout_ms;
	g.n_vde++;
	cl->dir = dir;
	cl->w->vde = cl;
	cl->next = dir->clients;
	dir->clients = cl;
}

/* A client's request, once whole: a port, a vNIC on the datagram pair, the answer. */
static int vde_attach(struct vde_client *cl, unsigned int want, const char *sock)
{
	struct vde_dir *dir = cl->dir;
	struct vsw_portgroup *pg;
	struct vsw_vnic *v = NULL;
	char data[128], spec[320];
	const char *base = strrchr(dir->path, '/');
	unsigned int port = 0;
	uint8_t mac[6];
	int err = -EADDRINUSE;

	base = base ? base + 1 : dir->path;
	/* the port asked for, or the lowest free one */
	for (unsigned int p = want ? want : 1; p <= VDE_MAX_PORT && !port; p++) {
		bool used = false;
		for (struct vde_client *o = dir->clients; o; o = o->next)
			used |= o->port == p;
		if (!used)
			port = p;
		else if (want)
			break;
	}
	if (!port)
		return -EADDRINUSE; /* taken, or all are */
	/* the switch sends this port's frames, as root, to the datagram socket
	 * the client names: it must be the client's own, not /dev/log or
	 * another daemon's. A client that swaps the name for a symlink between
	 * this check and the backend's connect() still wins that race: closing
	 * it needs the qemu backend to connect through a checked descriptor. */
	struct stat st;
	if (lstat(sock, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (!privileged(cl->w->uid) && st.st_uid != cl->w->uid))
		return -EPERM;
	if (vsw_portgroup_find(dir->sw, dir->pg, &pg))
		return -ENOENT;
	snprintf(cl->vnic, sizeof(cl->vnic), "vde%u-%.40s", port, base);
	snprintf(data, sizeof(data), "%s/%03u", dir->path, port);
	snprintf(spec, sizeof(spec), "qemu:dgram:%s=%s", data, sock);
	for (unsigned int salt = 0; salt < 16 && err == -EADDRINUSE; salt++) {
		vswd_default_mac(vsw_switch_name(dir->sw), cl->vnic, salt, mac);
		err = vsw_vnic_add(pg, cl->vnic, mac, 0, &v);
	}
	if (err)
		return err;
	char opts[48] = "mode=0600";
	if (g.use_group)
		snprintf(opts, sizeof(opts), "mode=0660,group=%ld", (long)g.group);
	err = vsw_port_attach(vsw_vnic_port(v), spec, opts);
	if (!err)
		err = vde_reply(cl->w->fd, data);
	if (err) {
		vsw_vnic_remove(v);
		return err;
	}
	cl->port = port;
	cl->w->deadline = 0; /* the port lives as long as the connection */
	logf_(LOG_INFO, "%s: VDE client on %s port %u is %s", vsw_switch_name(dir->sw), dir->path,
	      port, cl->vnic);
	return 0;
}

static void vde_client_io(struct vde_client *cl)
{
	struct watch *w = cl->w;
	ssize_t n = recv(w->fd, w->in + w->inlen, sizeof(w->in) - 1 - w->inlen, 0);
	unsigned int port;
	char sock[110];

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			vde_client_free(cl, true); /* the VM went away: so does its port */
		return;
	}
	if (cl->port)
		return; /* nothing more is said on an answered control connection */
	w->inlen += (size_t)n;
	int r = vde_parse_request((const uint8_t *)w->in, w->inlen, &port, sock, sizeof(sock));
	if (r == 0 && w->inlen < sizeof(w->in) - 1)
		return;
	if (r <= 0 || vde_attach(cl, port, sock) < 0) {
		refusal(w->uid, "%s: refused a VDE client of uid %u", cl->dir->path, (unsigned int)w->uid);
		vde_client_free(cl, false);
	}
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
			vde_client_free(w->vde, false); /* unanswered: no port yet */
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
	while (g.vde_dirs)
		vde_dir_free(g.vde_dirs, false);
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
	g.d.vde = vde_cmd;
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
				vde_accept(w->vde);
				break;
			case K_VDE_CLIENT:
				vde_client_io(w->vde);
				i = n; /* it may have removed a port and its watches */
				break;
			}
		}
	}
	shutdown_daemon(lfd);
	return 1;
}
