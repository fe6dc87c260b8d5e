// SPDX-License-Identifier: MIT
/*
 * log.c - the host's log handler; messages go through log.h, and are
 * dropped unless the host installs one: a library inside a hypervisor must
 * not write to a terminal it does not own.
 */
#include "core/objects.h"

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
