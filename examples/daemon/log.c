// SPDX-License-Identifier: MIT
/*
 * log.c - vswd's log: stderr in the foreground, syslog as a daemon (or
 * with --syslog); refusals rate-limited per user (logsafe.c); the
 * library's messages at NOTICE and above, more with -v.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "daemon.h"
#include "logsafe.h"

static struct {
	bool syslog;
	bool echo;
	int verbose;
} lg;

void log_echo(bool on)
{
	lg.echo = on;
}

void log_setup(bool use_syslog, int verbose)
{
	lg.verbose = verbose;
	if (use_syslog && !lg.syslog)
		openlog("vswd", LOG_PID, LOG_DAEMON);
	lg.syslog |= use_syslog;
}

static void vlogf(int prio, const char *fmt, va_list ap)
{
	if (lg.syslog) {
		va_list copy;
		va_copy(copy, ap);
		vsyslog(prio, fmt, copy);
		va_end(copy);
		if (!lg.echo || prio > LOG_WARNING)
			return;
	}
	fprintf(stderr, "vswd: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void logf_(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogf(prio, fmt, ap);
	va_end(ap);
}

/* Rate-limited per user, so that a read-only user cannot flood the log. */
void refusal(uid_t uid, const char *fmt, ...)
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

void log_lib(struct vsw_switch *sw, enum vsw_log_level level, void *user, const char *fmt,
		    va_list ap)
{
	char msg[512];

	(void)user;
	if ((int)level > LOG_NOTICE + lg.verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	logf_((int)level, "%s: %s", vsw_switch_name(sw), msg);
}

