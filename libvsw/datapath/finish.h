/* SPDX-License-Identifier: MIT */
/*
 * finish.h - frames with offload metadata going to a port that does not
 * take them as they are (finish.c): the switch completes the checksum or
 * cuts the super-frame into segments in software, per destination, so the
 * ports that do take them get the super-frame untouched.
 */
#ifndef VSW_DATAPATH_FINISH_H
#define VSW_DATAPATH_FINISH_H

#include <stdbool.h>

#include "core/objects.h"

/* Whether the port takes every one of these frames as it is. */
bool vsw__port_takes_all(const struct vsw_port *p, const struct vsw_frame *f, unsigned int n);

/* Deliver frames to a port, finishing in software those it does not take;
 * counted in its sw_csum, sw_segmented and offload_failed counters. */
void vsw__deliver_finished(struct vsw_switch *sw, struct vsw_hot *q, struct vsw_frame *f,
			   unsigned int n);

#endif
