// SPDX-License-Identifier: MIT
/*
 * log.c - per-switch logging. Silent unless the host installs a handler:
 * a library inside a hypervisor must not write to a terminal it does not own.
 */
#include "internal.h"

#include <stdarg.h>

int vsw_switch_set_log(struct vsw_switch *sw, vsw_log_fn fn,
		       enum vsw_log_level max_level, void *user)
{
	if (!sw)
		return -EINVAL;
	switch (max_level) {
	case VSW_LOG_ERR:
	case VSW_LOG_WARNING:
	case VSW_LOG_INFO:
	case VSW_LOG_DEBUG:
		break;
	default:
		return -EINVAL;
	}
	sw->log_fn = fn;
	sw->log_level = max_level;
	sw->log_user = user;
	return 0;
}

void vsw__log(struct vsw_switch *sw, enum vsw_log_level level, const char *fmt, ...)
{
	va_list ap;
	bool was;

	if (!sw || !sw->log_fn || level > sw->log_level)
		return;
	/* messages come from inside batches and changes (LLDP, beacon
	 * verdicts): the handler must not change the switch under them */
	was = sw->in_flush;
	sw->in_flush = true;
	va_start(ap, fmt);
	sw->log_fn(sw, level, sw->log_user, fmt, ap);
	va_end(ap);
	sw->in_flush = was;
}
