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
 *
 * The files, from the outside in:
 *   vswd.c     options, start and stop, the loop
 *   watch.c    the epoll set, deadlines, pausing the listeners; log.c the log
 *   control.c  the control socket (fsafe.c: its directory, lock, pid file)
 *   vdesrv.c   VDE clients as vNICs (vde.c: the vde_switch protocol)
 *   capsrv.c   vswctl capture: a control connection streaming pcapng
 *   cmd.c      the grammar, shared with vswctl (cmdword.c, cmdval.c)
 *   exec.c     running a command: port.c, policy.c, mirror.c, host.c
 *              (the host's interfaces and TCP/IP stacks), config.c (the file)
 *   persist.c  the state file: dump.c writes the configuration back as
 *              commands from the switches and record.c's records
 *   render-text.c, render-json.c  the read commands' output (json.c, view.c)
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

#include "capsrv.h"
#include "cluster.h"
#include "cmd.h"
#include "exec.h"
#include "persist.h"
#include "fsafe.h"
#include "host.h"
#include "logsafe.h"
#include "control.h"
#include "daemon.h"
#include "vdesrv.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"
#define DEFAULT_STATE "/var/lib/vsw/vswd.conf"
#define DEFAULT_TIMEOUT_SEC 10

static struct {
	const char *socket_path;
	const char *pidfile;
	const char *state;           /* NULL: --no-state */
	const char *config;
	int pid_fd;
	gid_t group;
	bool use_group;
	uint64_t timeout_ms;
	struct vswd d;
	struct cluster_opts cluster;
} g = { .cluster = { .prefix = "/libvsw", .lease_ttl = 5 }, .socket_path = DEFAULT_SOCKET, .pid_fd = -1,
	.timeout_ms = DEFAULT_TIMEOUT_SEC * 1000 };

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
	capsrv_switch_removing(sw); /* its captures end */
	for (struct watch *w = watch_first(); w; w = w->next)
		if (w->kind == K_SWITCH && w->sw == sw) {
			watch_del(w);
			return;
		}
}

/* ---- configuration and state ---- */

static int load_config(const char *path)
{
	FILE *f = fopen(path, "re");
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

static int save_state(struct vswd *d, char *err, size_t errlen)
{
	return persist_save(d, g.state, err, errlen);
}

/* The state file's directory, made if it is missing (StateDirectory= makes
 * it under systemd). */
static void state_dir(void)
{
	char dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", g.state);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			logf_(LOG_WARNING, "%s: %s", dir, strerror(errno));
	}
}

/* At start: the state file when there is one (what the daemon ran when it
 * stopped, taps and stacks adopted), else the configuration file. */
static int load_start(void)
{
	char err[PATH_MAX + 300];

	if (g.state) {
		state_dir();
		if (access(g.state, F_OK) == 0) {
			int r;
			g.d.adopt = true;
			r = load_config(g.state);
			g.d.adopt = false;
			if (r < 0)
				return -1;
			logf_(LOG_INFO, "state %s loaded", g.state);
			return save_state(&g.d, err, sizeof(err)) < 0 ? (logf_(LOG_ERR, "%s", err), -1) : 0;
		}
	}
	if (g.config && load_config(g.config) < 0)
		return -1;
	if (g.state && save_state(&g.d, err, sizeof(err)) < 0) {
		logf_(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

static void reload_failed(const char *line, const char *why)
{
	logf_(LOG_WARNING, "reload: %s: failed: %s", line, why);
}

/* SIGHUP: the file again, only what differs applied. */
static void reload(void)
{
	const char *path = g.state ? g.state : g.config;
	char err[PATH_MAX + 300];
	int n;

	if (!path) {
		logf_(LOG_NOTICE, "SIGHUP: no state or configuration file to read again");
		return;
	}
	n = persist_reload(&g.d, path, reload_failed, err, sizeof(err));
	if (n < 0) {
		logf_(LOG_ERR, "reload: %s: nothing changed", err);
		return;
	}
	logf_(LOG_INFO, "reload: %s: %d command(s) to apply the difference", path, n);
	if (n && g.state && save_state(&g.d, err, sizeof(err)) < 0)
		logf_(LOG_ERR, "reload: %s", err);
}

/* ---- life cycle ---- */

/* A client's deadline passed. */
static void expired(struct watch *w)
{
	if (w->kind == K_VDE_CLIENT)
		vdesrv_expired(w->vde); /* unanswered: no port yet */
	else
		control_expired(w);
}

static void shutdown_daemon(int lfd)
{
	cluster_stop(); /* its sockets are watches */
	vdesrv_shutdown();
	capsrv_shutdown();
	while (watch_first())
		watch_del(watch_first());
	vswd_clear(&g.d);
	vswd_netstack_cleanup(&g.d); /* after the interfaces in them are gone */
	control_close(lfd);
	/* the lock file stays: removing it would let a starting vswd lock a
	 * new file while another still holds the old one */
	if (g.pidfile)
		fsafe_pidfile_remove(g.pidfile, g.pid_fd);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vswd [-f] [-c CONFIG] [--state FILE | --no-state] [-s SOCKET] [--group GROUP]\n"
		   "            [-p PIDFILE] [--timeout SECONDS] [--syslog] [-v]\n"
		   "       vswd -t [-c CONFIG | --state FILE]   check a configuration and exit\n"
		   "       vswd -V | --version\n"
		   "  -f, --foreground      stay in the foreground, log to stderr\n"
		   "  -c, --config FILE     the configuration to start from when there is no state file\n"
		   "      --state FILE      keep the running configuration in FILE (default %s\n"
		   "                        with the default socket; none with another -s)\n"
		   "      --no-state        keep none: a restart starts from CONFIG, taps go with the daemon\n"
		   "  -s, --socket PATH     the control socket (default %s)\n"
		   "  -g, --group GROUP     members of GROUP may read (list, stats, show-config)\n"
		   "  -p, --pidfile FILE    write the daemon's PID to FILE\n"
		   "      --timeout SECONDS how long a client has to send its command (default %d)\n"
		   "      --syslog          log to syslog in the foreground too\n"
		   "      --cluster URL[,URL...]  join the distributed switches kept in etcd at URL\n"
		   "                        (with --host NAME --vtep ADDR[,netns=NS]; vsw-vds(7))\n"
		   "      --host NAME       this host's name in the cluster\n"
		   "      --vtep ADDR[,netns=NS]  this host's VXLAN address (in namespace NS)\n"
		   "      --cluster-prefix P  the cluster's etcd key prefix (default /libvsw)\n"
		   "      --lease-ttl SEC   how long this host's keys outlive it (default 5)\n"
		   "  -v, --verbose         log more of the library's messages (repeat for more)\n"
		   "  -t, --test            check CONFIG (or the state file) and exit: 0 when it loads\n"
		   "  SIGHUP reads the state file (or CONFIG) again and applies what differs.\n",
		DEFAULT_STATE, DEFAULT_SOCKET, DEFAULT_TIMEOUT_SEC);
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
		{ "timeout", required_argument, NULL, 'T' },
		{ "state", required_argument, NULL, 'P' },
		{ "no-state", no_argument, NULL, 'N' },
		{ "test", no_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "cluster", required_argument, NULL, 'C' },
		{ "host", required_argument, NULL, 'H' },
		{ "vtep", required_argument, NULL, 'E' },
		{ "cluster-prefix", required_argument, NULL, 'X' },
		{ "lease-ttl", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	bool foreground = false, use_syslog = false, test = false, no_state = false, state_given = false;
	int verbose = 0;
	int c, lfd = -1, sfd, ready[2] = { -1, -1 };
	sigset_t mask;

	while ((c = getopt_long(argc, argv, "fc:s:p:g:tvVh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': foreground = true; break;
		case 'c': g.config = optarg; break;
		case 'P': g.state = optarg; state_given = true; break;
		case 'N': no_state = true; break;
		case 't': test = true; break;
		case 'V': printf("vswd (libvsw) %s\n", vsw_version()); return 0;
		case 's': g.socket_path = optarg; break;
		case 'p': g.pidfile = optarg; break;
		case 'S': use_syslog = true; break;
		case 'v': verbose++; break;
		case 'T': {
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
		case 'C': g.cluster.endpoints = optarg; break;
		case 'H': g.cluster.host = optarg; break;
		case 'E': g.cluster.vtep = optarg; break;
		case 'X': g.cluster.prefix = optarg; break;
		case 'L': {
			char *end;
			long t = strtol(optarg, &end, 10);
			g.cluster.lease_ttl = *end || end == optarg || t < 0 || t > 100000 ? 0 : (unsigned int)t;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc || (no_state && state_given)) {
		usage(stderr);
		return 1;
	}
	if (g.cluster.endpoints) {
		char err[256];
		if (cluster_check(&g.cluster, err, sizeof(err)) < 0) {
			fprintf(stderr, "vswd: %s\n", err);
			return 1;
		}
	} else if (g.cluster.host || g.cluster.vtep) {
		fprintf(stderr, "vswd: --host and --vtep go with --cluster\n");
		return 1;
	}
	/* the default state file is the default socket's daemon's: another
	 * vswd (-s) must not write over it, and keeps one only if given one */
	if (!no_state && !state_given && !strcmp(g.socket_path, DEFAULT_SOCKET))
		g.state = DEFAULT_STATE;
	if (test) {
		/* what the daemon would start from: CONFIG named, else the state */
		const char *path = g.config && !state_given ? g.config : g.state;
		char err[PATH_MAX + 300];
		if (!path) {
			fprintf(stderr, "vswd: -t: no file to check (give -c CONFIG or --state FILE)\n");
			return 1;
		}
		if (persist_check(path, err, sizeof(err)) < 0) {
			fprintf(stderr, "vswd: %s\n", err);
			return 1;
		}
		printf("vswd: %s: configuration OK\n", path);
		return 0;
	}
	log_setup(use_syslog, verbose);

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
		log_setup(true, verbose);
		log_echo(true); /* until it serves: the shell sees why it did not start */
	}

	g.d.added = switch_added;
	g.d.removing = switch_removing;
	g.d.vde = vdesrv_cmd;
	vdesrv_setup(g.use_group ? (long)g.group : -1, g.timeout_ms);
	g.d.host_ok = true;
	g.d.log = log_lib;
	g.d.mirror_capture = capsrv_owns;
	if (g.state) {
		g.d.persist = true;
		g.d.changed = save_state;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (watch_init() < 0 || sfd < 0 || !watch_add(K_SIGNAL, sfd, EPOLLIN))
		return 1;
	/* the lock first: a second vswd stops here, before it builds anything;
	 * the socket comes last, so that it appears only once the daemon is
	 * ready (scripts wait for it, then expect the configuration applied) */
	if (control_lock(g.socket_path, g.use_group ? (long)g.group : -1, g.timeout_ms, &g.d) < 0)
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
	if (load_start() < 0) {
		logf_(LOG_ERR, "configuration not loaded: not starting");
		shutdown_daemon(lfd);
		return 1;
	}
	/* the state file first: a vswd that starts while etcd is down has
	 * its proxies as they were */
	if (g.cluster.endpoints) {
		char err[300];
		g.cluster.state = g.state;
		if (cluster_start(&g.d, &g.cluster, err, sizeof(err)) < 0) {
			logf_(LOG_ERR, "%s", err);
			shutdown_daemon(lfd);
			return 1;
		}
	}
	lfd = control_listen();
	if (lfd < 0) {
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
		log_echo(false);
		if (write(ready[1], &st, 1) != 1)
			return 1;
		close(ready[1]);
	}

	for (;;) {
		struct epoll_event ev[32];
		uint64_t now = now_ms(), next = watch_expire(now, expired);
		long ct = cluster_timeout();
		int timeout = next ? (int)(next - now) : -1;
		if (ct >= 0 && (timeout < 0 || ct < timeout))
			timeout = (int)ct;
		int n = watch_wait(ev, 32, timeout);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct watch *w = ev[i].data.ptr;
			switch (w->kind) {
			case K_LISTEN:
				control_accept(w->fd);
				break;
			case K_SIGNAL: {
				struct signalfd_siginfo si;
				bool stop = false;
				while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						reload();
					else
						stop = true;
				}
				if (!stop)
					break;
				logf_(LOG_INFO, "shutting down");
				shutdown_daemon(lfd);
				return 0;
			}
			case K_CLIENT:
				control_io(w, ev[i].events);
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
			case K_CLUSTER:
				cluster_io(w->fd, ev[i].events);
				i = n; /* its answers may change switches and watches */
				break;
			}
		}
		cluster_run();
		/* the captures' queues to their clients, and their ends */
		capsrv_tick();
	}
	shutdown_daemon(lfd);
	return 1;
}
