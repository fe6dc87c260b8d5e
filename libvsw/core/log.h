/* SPDX-License-Identifier: MIT */
/*
 * log.h - per-switch logging. Silent unless the host installs a handler
 * (vsw_switch_set_log(), log.c): a library inside a hypervisor must not
 * write to a terminal it does not own. Inline, as every folder logs.
 */
#ifndef VSW_CORE_LOG_H
#define VSW_CORE_LOG_H

#include <stdarg.h>

#include "core/objects.h"

static inline __attribute__((format(printf, 3, 4)))
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

#define vsw__err(sw, ...) vsw__log(sw, VSW_LOG_ERR, __VA_ARGS__)
#define vsw__warn(sw, ...) vsw__log(sw, VSW_LOG_WARNING, __VA_ARGS__)
#define vsw__info(sw, ...) vsw__log(sw, VSW_LOG_INFO, __VA_ARGS__)
#define vsw__dbg(sw, ...) vsw__log(sw, VSW_LOG_DEBUG, __VA_ARGS__)

#endif
