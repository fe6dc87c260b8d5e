/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - what vswd.c shares with the servers it runs besides the
 * control socket (vdesrv.c): the epoll set of watched descriptors, the
 * clock, who counts as privileged, and the log.
 */
#ifndef VSWD_DAEMON_H
#define VSWD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <vsw.h>

#include "cmd.h"
#include "outbuf.h"

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

/* Monotonic milliseconds. */
uint64_t now_ms(void);
/* Root or the daemon's own user. */
bool privileged(uid_t uid);

void logf_(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A refusal caused by user 'uid': rate-limited per user. */
void refusal(uid_t uid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Watch 'fd' for 'events'; NULL when it cannot. */
struct watch *watch_add(enum kind kind, int fd, uint32_t events);
/* Stop watching, close a client's descriptor, free 'w'. */
void watch_del(struct watch *w);
/* How many connections of 'kind' user 'uid' holds. */
unsigned int count_uid(enum kind kind, uid_t uid);
/* accept() failed with 'e': out of descriptors, every listener pauses. */
void accept_failed(int e);
/* Whether listeners accept now (not paused). */
bool accepting(void);

#endif
