// SPDX-License-Identifier: MIT
/*
 * control.c - vswd's control socket (see control.h). A client sends one
 * line; the answer is "OK" and the command's output, or "ERR" and one
 * line ("vswctl capture": "OK" and a pcapng stream, capsrv.c). Only root
 * or the daemon's user may change the switches or capture; every
 * client has a deadline, and no user but those two may hold more than a
 * few connections, so a reader cannot keep the others out.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "capsrv.h"
#include "control.h"
#include "daemon.h"
#include "fsafe.h"
#include "logsafe.h"

#define MAX_CLIENTS 64        /* control connections at once */
#define ROOT_RESERVE 16       /* of those, kept for root and the daemon's user */
#define MAX_PER_UID 8         /* any other user's at once */
#define DISCARD_MAX (1u << 20) /* bytes read past an over-long line */

static struct {
	const char *path;
	const char *name;            /* its last component, in dirfd */
	int dirfd;
	int lock_fd;
	long gid;                    /* group of the socket (mode 0660), or -1 */
	uint64_t timeout_ms;
	struct vswd *d;
} ctl = { .dirfd = -1, .lock_fd = -1, .gid = -1 };

static int lock_socket_dir(void)
{
	char dir[PATH_MAX], lock[NAME_MAX + 1], shown[PATH_MAX + 8], err[PATH_MAX + 128];
	const char *slash = strrchr(ctl.path, '/');
	struct sockaddr_un sa;
	bool busy;

	if (strlen(ctl.path) >= sizeof(sa.sun_path)) {
		logf_(LOG_ERR, "socket path too long: %s", ctl.path);
		return -1;
	}
	ctl.name = slash ? slash + 1 : ctl.path;
	if (!*ctl.name || strlen(ctl.name) + 5 > NAME_MAX) {
		logf_(LOG_ERR, "bad socket path: %s", ctl.path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash && slash != ctl.path ? (int)(slash - ctl.path) : 1,
		 slash ? (slash == ctl.path ? "/" : ctl.path) : ".");
	/* a directory others may write would let them swap the socket for
	 * a symlink (then our group and mode land on any file), or for a
	 * socket of their own */
	ctl.dirfd = fsafe_opendir(dir, true, NULL, err, sizeof(err));
	if (ctl.dirfd < 0) {
		logf_(LOG_ERR, "%s", err);
		return -1;
	}
	/* two daemons started at once: one gets the lock, the other stops
	 * here, even if the first one is stopped (SIGSTOP) and answers nothing */
	snprintf(lock, sizeof(lock), "%s.lock", ctl.name);
	snprintf(shown, sizeof(shown), "%s.lock", ctl.path);
	ctl.lock_fd = fsafe_lock(ctl.dirfd, lock, shown, &busy, err, sizeof(err));
	if (ctl.lock_fd < 0) {
		if (busy)
			logf_(LOG_ERR, "another vswd serves %s (it holds %s)", ctl.path, shown);
		else
			logf_(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

int control_listen(void)
{
	char err[PATH_MAX + 128];
	bool busy;
	int fd = fsafe_listen(ctl.dirfd, ctl.name, ctl.path, ctl.gid >= 0 ? 0660 : 0600,
			      ctl.gid, 16, &busy, err, sizeof(err));

	if (fd < 0)
		logf_(LOG_ERR, "%s", err);
	return fd;
}

void control_accept(int lfd)
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
	if (watch_count(K_CLIENT) >= MAX_CLIENTS ||
	    (!privileged(cr.uid) && (watch_count(K_CLIENT) >= MAX_CLIENTS - ROOT_RESERVE ||
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
	w->deadline = now_ms() + ctl.timeout_ms;
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
	w->deadline = now_ms() + ctl.timeout_ms;
	watch_set_events(w, EPOLLOUT | EPOLLIN);
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
	} else if (c->obj == OBJ_CAPTURE && !privileged(w->uid)) {
		refusal(w->uid, "refused a capture from uid %u: %s", (unsigned int)w->uid,
			log_escape(w->in, strlen(w->in), line, sizeof(line)));
		respond(w, false, "permission denied: only root or the daemon's user may capture");
	} else if (c->obj == OBJ_CAPTURE) {
		/* from "OK" on, the connection carries the pcapng stream */
		if (capsrv_start(ctl.d, w, c, err, sizeof(err)) < 0)
			respond(w, false, err);
	} else if (c->changes && !privileged(w->uid)) {
		refusal(w->uid, "refused a change from uid %u: %s", (unsigned int)w->uid,
			log_escape(w->in, strlen(w->in), line, sizeof(line)));
		respond(w, false, "permission denied: only root or the daemon's user may change the switches");
	} else if (vswd_exec(ctl.d, c, &w->out, err, sizeof(err)) < 0) {
		out_free(&w->out);
		if (c->changes)
			logf_(LOG_WARNING, "uid %u: %s: failed: %s", (unsigned int)w->uid,
			      log_escape(w->in, strlen(w->in), line, sizeof(line)),
			      log_escape(err, strlen(err), why, sizeof(why)));
		respond(w, false, err);
	} else if (c->changes && c->obj != OBJ_SAVE && ctl.d->changed &&
		   ctl.d->changed(ctl.d, err, sizeof(err)) < 0) {
		/* the answer waits for the state file: what is answered OK
		 * survives a crash of the daemon */
		logf_(LOG_ERR, "uid %u: %s: done, but the state file was not written: %s",
		      (unsigned int)w->uid, log_escape(w->in, strlen(w->in), line, sizeof(line)),
		      log_escape(err, strlen(err), why, sizeof(why)));
		out_free(&w->out);
		snprintf(why, sizeof(why), "done, but not saved (a restart will not have it): %s", err);
		respond(w, false, why);
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
			w->deadline = now_ms() + ctl.timeout_ms;
		}
	}
	if (w->sent < w->out.len) {
		/* a socket at EOF stays readable: wait for room to write only */
		watch_set_events(w, EPOLLOUT | (w->eof ? 0 : EPOLLIN));
		return;
	}
	drain(w);
	if (!w->discard || w->eof) {
		watch_del(w);
		return;
	}
	watch_set_events(w, EPOLLIN); /* the rest of an over-long line */
}

void control_io(struct watch *w, uint32_t events)
{
	if (w->cap) {
		capsrv_io(w, events);
		return;
	}
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

int control_lock(const char *path, long gid, uint64_t timeout_ms, struct vswd *d)
{
	ctl.path = path;
	ctl.gid = gid;
	ctl.timeout_ms = timeout_ms;
	ctl.d = d;
	return lock_socket_dir();
}

void control_expired(struct watch *w)
{
	static const char late[] = "ERR\ntimed out\n";

	if (!w->answered && send(w->fd, late, sizeof(late) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* it will not read it anyway */
	}
	watch_del(w);
}

void control_close(int lfd)
{
	if (lfd < 0)
		return;
	close(lfd);
	unlinkat(ctl.dirfd, ctl.name, 0);
}
