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
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
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
#include <unistd.h>

#include <vsw.h>

#include "cmd.h"
#include "exec.h"
#include "vde.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"
#define MAX_CLIENTS 64

enum kind { K_LISTEN, K_SIGNAL, K_CLIENT, K_SWITCH, K_VDE_LISTEN, K_VDE_CLIENT };

struct watch {
	enum kind kind;
	int fd;
	/* clients */
	uid_t uid;
	char in[VSWCMD_MAX_LINE + 2];
	size_t inlen;
	struct outbuf out;
	size_t sent;
	bool answered;
	/* switches */
	struct vsw_switch *sw;
	/* VDE directories and their clients */
	void *vde;
	struct watch *next;
};

/* A vde_switch-style control directory feeding a port group. */
struct vde_dir {
	char path[96];
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
	const char *pidfile;
	gid_t group;
	bool use_group;
	bool use_syslog;
	int verbose;
	struct vswd d;
	struct watch *watches;
	unsigned int n_clients;
	struct vde_dir *vde_dirs;
} g = { .epfd = -1, .socket_path = DEFAULT_SOCKET };

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
	free(cl);
}

static void vde_dir_free(struct vde_dir *dir, bool remove_vnics)
{
	char ctl[sizeof(dir->path) + 8];
	struct vde_dir **pp;

	while (dir->clients)
		vde_client_free(dir->clients, remove_vnics);
	watch_del(dir->w);
	snprintf(ctl, sizeof(ctl), "%s/ctl", dir->path);
	unlink(ctl);
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
	int fd;

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
	fd = vde_listen(path, g.use_group ? 0660 : 0600, g.use_group ? (long)g.group : -1);
	if (fd < 0) {
		snprintf(err, errlen, "VDE directory '%s': %s", path, strerror(-fd));
		return -1;
	}
	dir = calloc(1, sizeof(*dir));
	if (!dir || !(dir->w = watch_add(K_VDE_LISTEN, fd, EPOLLIN))) {
		free(dir);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	strcpy(dir->path, path);
	strcpy(dir->pg, c->pos[1]);
	dir->sw = sw;
	dir->w->vde = dir;
	dir->next = g.vde_dirs;
	g.vde_dirs = dir;
	return 0;
}

static void vde_accept(struct vde_dir *dir)
{
	int fd = accept4(dir->w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct vde_client *cl;

	if (fd < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (!cl || !(cl->w = watch_add(K_VDE_CLIENT, fd, EPOLLIN))) {
		free(cl);
		close(fd);
		return;
	}
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
		logf_(LOG_WARNING, "%s: refused a VDE client", cl->dir->path);
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
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd, probe;

	if (strlen(g.socket_path) >= sizeof(sa.sun_path)) {
		logf_(LOG_ERR, "socket path too long: %s", g.socket_path);
		return -1;
	}
	strcpy(sa.sun_path, g.socket_path);
	strcpy(dir, g.socket_path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			logf_(LOG_ERR, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	/* a socket file nobody answers on is stale: replace it */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		logf_(LOG_ERR, "another vswd answers on %s", g.socket_path);
		return -1;
	}
	if (probe >= 0)
		close(probe);
	struct stat st;
	if (lstat(g.socket_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			logf_(LOG_ERR, "%s exists and is not a socket", g.socket_path);
			return -1;
		}
		unlink(g.socket_path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		umask(old);
		logf_(LOG_ERR, "%s: %s", g.socket_path, strerror(errno));
		return -1;
	}
	umask(old);
	if (g.use_group && (chown(g.socket_path, (uid_t)-1, g.group) < 0 || chmod(g.socket_path, 0660) < 0)) {
		logf_(LOG_ERR, "%s: %s", g.socket_path, strerror(errno));
		return -1;
	}
	if (listen(fd, 16) < 0) {
		logf_(LOG_ERR, "listen: %s", strerror(errno));
		return -1;
	}
	return fd;
}

static void client_accept(int lfd)
{
	struct ucred cr;
	socklen_t l = sizeof(cr);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct watch *w;

	if (fd < 0)
		return;
	if (g.n_clients >= MAX_CLIENTS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0) {
		close(fd);
		return;
	}
	w = watch_add(K_CLIENT, fd, EPOLLIN);
	if (!w) {
		close(fd);
		return;
	}
	w->uid = cr.uid;
	g.n_clients++;
}

static void respond(struct watch *w, bool ok, const char *text)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = w };
	struct outbuf body = w->out;

	w->out = (struct outbuf){ 0 };
	out_printf(&w->out, ok ? "OK\n" : "ERR\n");
	if (text)
		out_printf(&w->out, "%s\n", text);
	if (body.len)
		out_printf(&w->out, "%.*s", (int)body.len, body.p);
	out_free(&body);
	w->answered = true;
	epoll_ctl(g.epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

static void client_command(struct watch *w)
{
	struct vswcmd *c = malloc(sizeof(*c));
	char err[256];
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
	} else if (c->changes && w->uid != 0 && w->uid != geteuid()) {
		logf_(LOG_WARNING, "refused a change from uid %u: %s", (unsigned int)w->uid, w->in);
		respond(w, false, "permission denied: only root or the daemon's user may change the switches");
	} else if (vswd_exec(&g.d, c, &w->out, err, sizeof(err)) < 0) {
		out_free(&w->out);
		respond(w, false, err);
	} else {
		if (c->changes)
			logf_(LOG_INFO, "uid %u: %s", (unsigned int)w->uid, w->in);
		respond(w, true, NULL);
	}
	free(c);
}

static void client_io(struct watch *w, uint32_t events)
{
	if (w->answered) {
		ssize_t n = send(w->fd, w->out.p + w->sent, w->out.len - w->sent, MSG_NOSIGNAL);
		if (n > 0)
			w->sent += (size_t)n;
		if ((n < 0 && errno != EAGAIN) || w->sent == w->out.len)
			watch_del(w);
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
		w->inlen += (size_t)n;
		w->in[w->inlen] = 0;
		char *nl = strchr(w->in, '\n');
		if (nl) {
			*nl = 0;
			client_command(w);
		} else if (w->inlen == sizeof(w->in) - 1) {
			respond(w, false, "line too long");
		}
	}
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
		unlink(g.socket_path);
	}
	if (g.pidfile)
		unlink(g.pidfile);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vswd [-f] [-c CONFIG] [-s SOCKET] [--group GROUP] [-p PIDFILE] [--syslog] [-v]\n");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	bool foreground = false;
	int c, lfd, sfd, ready[2] = { -1, -1 };
	sigset_t mask;

	while ((c = getopt_long(argc, argv, "fc:s:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': foreground = true; break;
		case 'c': config = optarg; break;
		case 's': g.socket_path = optarg; break;
		case 'p': g.pidfile = optarg; break;
		case 'S': g.use_syslog = true; break;
		case 'v': g.verbose++; break;
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
	if (config && load_config(config) < 0) {
		logf_(LOG_ERR, "configuration %s not loaded: not starting", config);
		shutdown_daemon(lfd);
		return 1;
	}
	if (!watch_add(K_LISTEN, lfd, EPOLLIN)) {
		shutdown_daemon(lfd);
		return 1;
	}
	if (g.pidfile) {
		FILE *pf = fopen(g.pidfile, "w");
		if (!pf) {
			logf_(LOG_ERR, "%s: %s", g.pidfile, strerror(errno));
			shutdown_daemon(lfd);
			return 1;
		}
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
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
		int n = epoll_wait(g.epfd, ev, 32, -1);
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
