/* SPDX-License-Identifier: MIT */
/*
 * persist.h - vswd's state file: the running configuration (dump.h),
 * written after every change so that a restarted daemon, even one killed
 * with SIGKILL, builds the same switches again; checked without touching
 * the host (vswd -t); and re-read on SIGHUP, applying only what differs.
 */
#ifndef VSWD_PERSIST_H
#define VSWD_PERSIST_H

#include "exec.h"

/* Write the running configuration to 'path' atomically: a temporary file
 * in the same directory, fsync, rename, fsync of the directory. A reader
 * finds the old file or the new one, never a mix. 0, or -1 with 'err'. */
int persist_save(struct vswd *d, const char *path, char *err, size_t errlen);

/* Check 'path' as a configuration without building anything in the host:
 * every line parsed and run against switches of its own (a dry run).
 * 0, or -1 with "PATH:LINE: message" in 'err'. */
int persist_check(const char *path, char *err, size_t errlen);

/*
 * Make 'd' what 'path' describes, changing only the objects that differ
 * (removing what the file no longer has, adding what is new, replacing
 * ports whose settings changed, setting switches, port groups and
 * policies in place). The file is checked first: a bad file changes
 * nothing. Returns the number of commands run (0: nothing differed), or
 * -1 with 'err' when the file is bad; a command that fails is logged with
 * 'log' and the others still run.
 */
int persist_reload(struct vswd *d, const char *path, void (*log)(const char *line, const char *why),
		   char *err, size_t errlen);
/* The same for a configuration in 'text' ('path' names it in messages):
 * the distributed switch's proxies (cluster.c) are made what it says. */
int persist_reload_text(struct vswd *d, const char *path, const char *text,
			void (*log)(const char *line, const char *why), char *err, size_t errlen);

#endif
