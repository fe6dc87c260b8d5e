// SPDX-License-Identifier: MIT
/*
 * config.c - vswd's configuration file: a list of vswctl commands. Every
 * line is parsed before anything runs, then the lines run in order; the
 * first failure names its line and removes every switch, so the daemon
 * never starts half-built.
 */
#include "exec.h"
#include "host.h"

#include <stdlib.h>
#include <string.h>

int vswd_config_load(struct vswd *d, FILE *f, struct outbuf *out, char *err, size_t errlen)
{
	char line[VSWCMD_MAX_LINE + 2], msg[256];
	struct vswcmd *c = malloc(sizeof(*c));
	int lineno, r = 0;

	if (!c) {
		snprintf(err, errlen, "0: out of memory");
		return -1;
	}
	for (int pass = 0; pass < 2 && !r; pass++) {
		rewind(f);
		lineno = 0;
		while (!r && fgets(line, sizeof(line), f)) {
			lineno++;
			if (!strchr(line, '\n') && !feof(f)) {
				snprintf(err, errlen, "%d: line too long", lineno);
				r = -1;
				break;
			}
			int p = vswcmd_parse(line, c, msg, sizeof(msg));
			if (p < 0) {
				snprintf(err, errlen, "%d: %s", lineno, msg);
				r = -1;
			} else if (p > 0 && pass == 1 && vswd_exec(d, c, out, msg, sizeof(msg)) < 0) {
				snprintf(err, errlen, "%d: %s", lineno, msg);
				r = -1;
			}
		}
	}
	free(c);
	if (r) {
		vswd_clear(d);
		vswd_netstack_cleanup(d);
	}
	return r;
}
