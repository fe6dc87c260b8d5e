// SPDX-License-Identifier: MIT
/*
 * vswctl - the command line of vswd. Checks the command's grammar itself
 * (so that a typo is reported even when no daemon runs), sends it as one
 * line to the daemon's control socket, and prints the answer.
 *
 * "capture" is a stream: after "OK" the daemon sends pcapng until the
 * capture ends; vswctl copies it to the file of -w (standard output by
 * default). Ctrl-C shuts the sending side, the daemon then writes the
 * statistics blocks and closes; a second Ctrl-C stops at once.
 *
 * Exit status: 0 success; 1 bad input or a command the daemon refused (one
 * line on stderr naming the bad word); 2 the daemon is unreachable, does not
 * answer within the timeout, or is not who it should be: the peer must be
 * root, this user, or the owner of the socket's directory (SO_PEERCRED), so
 * that a socket someone else bound in its place gets no command.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <vsw.h>

#include "cmd.h"

#define DEFAULT_SOCKET "/run/vsw/vswd.sock"
#define DEFAULT_TIMEOUT_SEC 30

static void usage(FILE *f)
{
	char err[8];

	vswcmd_help(f, 0, NULL, err, sizeof(err));
}

/* vswctl help [OBJECT [VERB]], vswctl OBJECT [VERB] ... --help: answered
 * here, without the daemon. */
static int help(int n, char **words, bool strict)
{
	char err[256];
	int k = n > 2 ? 2 : n, obj = n ? vswcmd_obj_of(words[0]) : -1;
	enum vswcmd_verb vb;

	/* OBJECT VERB (a verb of two words: vds portgroup add); after --help,
	 * OBJECT alone when the next word is no verb of it (a name: "vswctl
	 * stats vSwitch0 --help") */
	if (obj >= 0 && n > 1 && vswcmd_verb_at((enum vswcmd_obj)obj, n, words, 1, &vb) == 2)
		k = 3;
	else if (k == 2 && !strict && obj >= 0) {
		bool verb = false;
		for (int v = 1; vswcmd_verb_word((enum vswcmd_verb)v); v++)
			verb |= !strcmp(words[1], vswcmd_verb_word((enum vswcmd_verb)v));
		if (!verb || words[1][0] == '-')
			k = 1;
	}
	if (vswcmd_help(stdout, k, words, err, sizeof(err)) < 0) {
		fprintf(stderr, "vswctl: %s\n", err);
		return 1;
	}
	return 0;
}

/* The daemon is root, this user, or the owner of the socket's directory
 * (vswd refuses a directory anyone else may write). */
static bool peer_trusted(uid_t uid, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (uid == 0 || uid == geteuid())
		return true;
	snprintf(dir, sizeof(dir), "%.*s", slash && slash != path ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	return stat(dir, &st) == 0 && st.st_uid == uid && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* "save FILE": the running configuration (show-config) into FILE, whole or
 * not at all: written next to it, synced, then renamed over it. */
static FILE *save_open(const char *path, char *tmp, size_t len)
{
	FILE *f;

	snprintf(tmp, len, "%s.vswctl-%ld", path, (long)getpid());
	f = fopen(tmp, "wx");
	if (!f)
		fprintf(stderr, "vswctl: %s: %s\n", tmp, strerror(errno));
	return f;
}

static int save_close(FILE *f, const char *tmp, const char *path, bool ok)
{
	bool written = !fflush(f) && !fsync(fileno(f));

	if (fclose(f) || !written || !ok || rename(tmp, path) < 0) {
		if (ok)
			fprintf(stderr, "vswctl: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return ok ? 1 : 0;
	}
	return 0;
}

/* ---- capture ---- */

static volatile sig_atomic_t cap_fd = -1, cap_stops;

/* Ctrl-C: the daemon sees the end and finishes the file; again: now. */
static void cap_signal(int sig)
{
	(void)sig;
	if (cap_stops++ || cap_fd < 0)
		_exit(130);
	shutdown(cap_fd, SHUT_WR);
}

/* "-w FILE", "--write FILE", "--write=FILE": taken out of the words (the
 * daemon writes to the connection; the file is vswctl's). The words left,
 * in 'out'; the file in '*file'. */
static int take_write(int n, char **w, char **out, const char **file)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		if ((!strcmp(w[i], "-w") || !strcmp(w[i], "--write")) && i + 1 < n) {
			*file = w[++i];
			continue;
		}
		if (!strncmp(w[i], "--write=", 8)) {
			*file = w[i] + 8;
			continue;
		}
		out[k++] = !strcmp(w[i], "-w") ? "--write" : w[i];
	}
	return k;
}

/* The blocks of the pcapng stream as it passes (in the host's byte order,
 * the daemon's): the packet blocks counted, and the frames dropped that
 * the interface statistics blocks at its end report (isb_osdrop). */
struct pcapng_tally {
	uint8_t head[256];       /* the first bytes of the current block */
	uint32_t at, len;        /* bytes of it seen; its length, once known */
	bool broken;             /* not a stream of blocks: count nothing */
	unsigned long long frames, dropped;
	unsigned int stats;      /* statistics blocks seen */
};

static void tally_block(struct pcapng_tally *t)
{
	uint32_t type, at = 20; /* an ISB's options follow its interface and time */

	memcpy(&type, t->head, 4);
	if (type == 6)
		t->frames++;
	if (type != 5 || t->len > sizeof(t->head))
		return;
	t->stats++;
	while (at + 4 <= t->len - 4) {
		uint16_t code, olen;
		memcpy(&code, t->head + at, 2);
		memcpy(&olen, t->head + at + 2, 2);
		if (code == 0)
			break;
		if (code == 7 && olen == 8 && at + 12 <= t->len) { /* isb_osdrop */
			uint64_t v;
			memcpy(&v, t->head + at + 4, 8);
			t->dropped += v;
		}
		at += 4 + ((olen + 3u) & ~3u);
	}
}

static void tally(struct pcapng_tally *t, const uint8_t *p, size_t n)
{
	while (n && !t->broken) {
		size_t want = t->at < 8 ? 8 - t->at : t->len - t->at, k = n < want ? n : want;
		if (t->at < sizeof(t->head))
			memcpy(t->head + t->at, p, t->at + k > sizeof(t->head) ? sizeof(t->head) - t->at : k);
		t->at += (uint32_t)k;
		p += k;
		n -= k;
		if (t->at == 8) {
			memcpy(&t->len, t->head + 4, 4);
			t->broken = t->len < 12 || t->len % 4;
		} else if (t->at > 8 && t->at == t->len) {
			tally_block(t);
			t->at = 0;
		}
	}
}

/* After the command went out: "ERR" and a line, or "OK" and the stream. */
static int capture(int fd, const char *path, const char *file)
{
	struct sigaction sa = { .sa_handler = cap_signal };
	struct timeval none = { 0 };
	static struct pcapng_tally t;
	char buf[65536];
	size_t got = 0;
	FILE *out = stdout;
	ssize_t n;

	/* the status line, byte by byte: what follows it is the stream */
	while (got < 1024) {
		n = recv(fd, buf + got, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "vswctl: %s: %s\n", path, n == 0 ? "no answer from vswd" :
				errno == EAGAIN ? "no answer from vswd (timed out)" : strerror(errno));
			return 2;
		}
		if (buf[got++] == '\n')
			break;
	}
	buf[got] = 0;
	if (!strcmp(buf, "ERR\n")) {
		got = 0;
		while (got < 1023 && (n = recv(fd, buf + got, 1023 - got, 0)) > 0)
			got += (size_t)n;
		buf[got] = 0;
		buf[strcspn(buf, "\n")] = 0;
		fprintf(stderr, "vswctl: %s\n", buf);
		return 1;
	}
	if (strcmp(buf, "OK\n")) {
		fprintf(stderr, "vswctl: no answer from vswd at %s\n", path);
		return 2;
	}
	/* Ctrl-C from now on ends the capture, also while the file (a FIFO)
	 * waits for its reader */
	cap_fd = fd;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (strcmp(file, "-")) {
		do
			out = fopen(file, "we");
		while (!out && errno == EINTR);
		if (!out) {
			fprintf(stderr, "vswctl: %s: %s\n", file, strerror(errno));
			return 1; /* closing the connection ends the capture */
		}
	}
	/* a capture may be quiet for long: no timeout from now on */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "vswctl: %s: %s\n", path, strerror(errno));
			return 2;
		}
		if (n == 0)
			break;
		tally(&t, (const uint8_t *)buf, (size_t)n);
		/* live: each piece goes out as it came */
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n || fflush(out)) {
			fprintf(stderr, "vswctl: %s: %s\n", strcmp(file, "-") ? file : "standard output",
				strerror(errno));
			return 1;
		}
	}
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "vswctl: %s: %s\n", file, strerror(errno));
		return 1;
	}
	/* as tcpdump does at its end; a stream cut short has no statistics */
	if (t.stats && !t.broken)
		fprintf(stderr, "vswctl: %llu frame%s captured, %llu dropped\n", t.frames, t.frames == 1 ? "" : "s",
			t.dropped);
	return 0;
}

static void set_timeout(int fd, unsigned int sec)
{
	struct timeval tv = { .tv_sec = sec };

	/* SO_SNDTIMEO bounds connect() to a unix socket whose backlog is
	 * full (a stopped daemon), SO_RCVTIMEO each wait for the answer */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int main(int argc, char **argv)
{
	const char *path = getenv("VSWD_SOCKET") ? getenv("VSWD_SOCKET") : DEFAULT_SOCKET;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[VSWCMD_MAX_LINE + 2], err[256], buf[65536];
	unsigned int timeout = DEFAULT_TIMEOUT_SEC;
	char tmp[PATH_MAX + 32], *show[] = { "show-config" };
	const char *save_to = NULL, *cap_file = NULL;
	char **words = NULL;
	FILE *out = stdout;
	struct vswcmd *c;
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	int i = 1, fd;
	size_t got = 0;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("vswctl (libvsw) %s\n", vsw_version());
		return 0;
	}
	/* the bash completion's helper (vswctl.bash-completion) */
	if (argc > 1 && !strcmp(argv[1], "__complete")) {
		vswcmd_complete(stdout, argc - 2, argv + 2);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "__complete-line")) {
		vswcmd_complete_line(stdout, argv[2]);
		return 0;
	}
	while (i + 1 < argc) {
		if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--socket")) {
			path = argv[i + 1];
		} else if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "--timeout")) {
			char *end;
			long t = strtol(argv[i + 1], &end, 10);
			if (*end || end == argv[i + 1] || t < 1 || t > 3600) {
				fprintf(stderr, "vswctl: bad timeout '%s' (1-3600 seconds)\n", argv[i + 1]);
				return 1;
			}
			timeout = (unsigned int)t;
		} else {
			break;
		}
		i += 2;
	}
	if (i < argc && (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version"))) {
		printf("vswctl (libvsw) %s\n", vsw_version());
		return 0;
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[i], "help"))
		return help(argc - i - 1, argv + i + 1, true);
	for (int k = i; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h"))
			return help(k - i - (k > i && !strcmp(argv[i], "--json")),
				    argv + i + (k > i && !strcmp(argv[i], "--json")), false);
	if (!strcmp(argv[i], "capture") || (!strcmp(argv[i], "--json") && i + 1 < argc &&
					      !strcmp(argv[i + 1], "capture"))) {
		words = calloc((size_t)argc, sizeof(*words));
		if (!words)
			return 1;
		cap_file = "-";
		argc = i + take_write(argc - i, argv + i, words + i, &cap_file);
		argv = words;
	}
	if (argc - i == 2 && !strcmp(argv[i], "save")) {
		save_to = argv[i + 1];
		argv = show;
		argc = 1;
		i = 0;
	}
	if (vswcmd_join(argc - i, argv + i, line, sizeof(line) - 1) < 0) {
		fprintf(stderr, "vswctl: command too long\n");
		return 1;
	}
	c = malloc(sizeof(*c));
	if (!c)
		return 1;
	if (vswcmd_parse(line, c, err, sizeof(err)) <= 0) {
		fprintf(stderr, "vswctl: %s\n", c->nwords ? err : "empty command");
		free(c);
		return 1;
	}
	free(c);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vswctl: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		set_timeout(fd, timeout);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "vswctl: cannot reach vswd at %s: %s\n", path,
			errno == EAGAIN ? "no answer (timed out)" : strerror(errno));
		return 2;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0 || !peer_trusted(cr.uid, path)) {
		fprintf(stderr, "vswctl: %s is served by uid %u, not by root or the owner of its directory: "
			"not sending it anything\n", path, (unsigned int)cr.uid);
		return 2;
	}
	strcat(line, "\n");
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "vswctl: %s: %s\n", path, errno == EAGAIN ? "timed out" : strerror(errno));
		return 2;
	}
	if (cap_file) {
		int r = capture(fd, path, cap_file);
		free(words);
		close(fd);
		return r;
	}
	shutdown(fd, SHUT_WR);
	/* the answer: "OK\n" + output, or "ERR\n" + one line */
	for (;;) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n < 0) {
			fprintf(stderr, "vswctl: %s: %s\n", path, errno == EAGAIN ?
				"no answer from vswd (timed out)" : strerror(errno));
			return 2;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == sizeof(buf) - 1) {
			/* long output: pass the OK through, stream the rest */
			if (!strncmp(buf, "OK\n", 3)) {
				if (save_to && !(out = save_open(save_to, tmp, sizeof(tmp))))
					return 1;
				fwrite(buf + 3, 1, got - 3, out);
				while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
					fwrite(buf, 1, (size_t)n, out);
				if (n < 0) {
					fprintf(stderr, "vswctl: %s: %s\n", path, errno == EAGAIN ?
						"vswd stopped answering (timed out)" : strerror(errno));
					if (save_to)
						save_close(out, tmp, save_to, false);
					return 2;
				}
				return save_to ? save_close(out, tmp, save_to, true) : 0;
			}
			break;
		}
	}
	close(fd);
	buf[got] = 0;
	if (!strncmp(buf, "OK\n", 3)) {
		if (save_to && !(out = save_open(save_to, tmp, sizeof(tmp))))
			return 1;
		fputs(buf + 3, out);
		return save_to ? save_close(out, tmp, save_to, true) : 0;
	}
	if (!strncmp(buf, "ERR\n", 4)) {
		char *nl = strchr(buf + 4, '\n');
		if (nl)
			*nl = 0;
		fprintf(stderr, "vswctl: %s\n", buf + 4);
		return 1;
	}
	fprintf(stderr, "vswctl: no answer from vswd at %s\n", path);
	return 2;
}
