/* SPDX-License-Identifier: MIT */
/*
 * dump.h - the running configuration as vswctl commands (the vswd.conf(5)
 * format): what "show-config" prints and the state file holds. Each object
 * is one entry, keyed by what it is and where, so that two dumps can be
 * compared object by object (a reload applies only what differs).
 */
#ifndef VSWD_DUMP_H
#define VSWD_DUMP_H

#include "exec.h"
#include "outbuf.h"

/* The order entries are made in, and run in: what an entry needs comes
 * before it. */
enum dump_kind {
	DK_NETSTACK, DK_VSWITCH, DK_PORTGROUP, DK_UPLINK, DK_POLICY, DK_VNIC, DK_VMK, DK_VDE,
	DK_MIRROR,
};

struct dump_entry {
	enum dump_kind kind;
	char *key;       /* kind, switch and name: unique in a dump */
	char *text;      /* one or more command lines, each ending in '\n' */
};

struct dump {
	struct dump_entry *e;
	int n, cap;
	bool oom;        /* out of memory: the dump is incomplete */
};

/* Dump what 'd' holds into 'out' (zero it first). 0, or -ENOMEM. */
int dump_make(struct vswd *d, struct dump *out);
void dump_free(struct dump *dump);
/* The entry of 'key', or NULL. */
const struct dump_entry *dump_find(const struct dump *dump, const char *key);
/* The whole configuration as a file's text. */
void dump_text(const struct dump *dump, struct outbuf *o);

#endif
