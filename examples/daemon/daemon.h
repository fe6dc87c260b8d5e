/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - what vswd's parts share: the epoll set of watched
 * descriptors (watch.c), the clock, who counts as privileged, and the log
 * (log.c). vswd.c runs the loop; control.c and vdesrv.c serve clients.
 */
#ifndef VSWD_DAEMON_H
#define VSWD_DAEMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include <vsw.h>

#include "cmd.h"
#include "outbuf.h"

enum kind { K_LISTEN, K_SIGNAL, K_CLIENT, K_SWITCH, K_VDE_LISTEN, K_VDE_CLIENT, K_CLUSTER };

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
	/* a control client that streams a capture (capsrv.c) */
	void *cap;
	struct watch *next;
};

/* watch.c: the epoll set. */
/* Monotonic milliseconds. */
uint64_t now_ms(void);
/* Root or the daemon's own user. */
bool privileged(uid_t uid);
int watch_init(void);
/* Watch 'fd' for 'events'; NULL when it cannot. */
struct watch *watch_add(enum kind kind, int fd, uint32_t events);
/* Stop watching, close a client's or a VDE socket's descriptor, free 'w'. */
void watch_del(struct watch *w);
void watch_set_events(struct watch *w, uint32_t events);
/* The watches, newest first (w->next). */
struct watch *watch_first(void);
/* epoll_wait() on the set. */
int watch_wait(struct epoll_event *ev, int n, int timeout_ms);
/* Call 'expired' for each watch whose deadline passed, and end a pause of
 * the listeners that is over; the next deadline, or 0. */
uint64_t watch_expire(uint64_t now, void (*expired)(struct watch *w));
/* How many watches of 'kind' there are, and how many user 'uid' holds. */
unsigned int watch_count(enum kind kind);
unsigned int count_uid(enum kind kind, uid_t uid);
/* accept() failed with 'e': out of descriptors, every listener pauses. */
void accept_failed(int e);
/* Whether listeners accept now (not paused). */
bool accepting(void);

/* log.c: stderr, or syslog from the first call with 'use_syslog' on;
 * the library's messages up to NOTICE + 'verbose'. */
void log_setup(bool use_syslog, int verbose);
/* While a daemon starts, its warnings and errors also go to stderr, which
 * the shell that started it still reads (there may be no syslog). */
void log_echo(bool on);
void logf_(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A refusal caused by user 'uid': rate-limited per user. */
void refusal(uid_t uid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The library's log function (struct vswd's log). */
void log_lib(struct vsw_switch *sw, enum vsw_log_level level, void *user, const char *fmt,
	     va_list ap);

#endif
