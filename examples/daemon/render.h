/* SPDX-License-Identifier: MIT */
/*
 * render.h - the output of vswd's read commands. exec.c checks a read
 * command and picks what it shows (every switch, or one switch, port or
 * uplink); a renderer walks that and writes it in one form: esxcfg-like
 * text (render-text.c) or JSON (render-json.c). Neither fails: a renderer
 * is given only what exists.
 */
#ifndef VSWD_RENDER_H
#define VSWD_RENDER_H

#include "exec.h"

struct vswd_render {
	/* "list": every switch, its uplinks, port groups and ports */
	void (*list)(struct outbuf *o, const struct vswd *d);
	/* "policy get": the switch's policies ('pg' NULL) or a port group's */
	void (*policy)(struct outbuf *o, struct vsw_switch *sw, struct vsw_portgroup *pg);
	/* "stats": the counters of the ports of 'only' (NULL: every switch),
	 * or of 'port' alone (of 'only'); those at 0 too if 'all' (JSON
	 * always has every counter) */
	void (*stats)(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
		      struct vsw_port *port, bool all);
	/* "fdb": the MAC table of 'only', or of every switch */
	void (*fdb)(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only);
	/* "uplink neighbors": what the uplinks of 'only' (or all) hear over
	 * LLDP, or 'uplink' alone */
	void (*neighbors)(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only,
			  struct vsw_uplink *uplink);
	/* "mirror list": the mirroring sessions of 'only', or of every
	 * switch, captures' too, with their counters */
	void (*mirrors)(struct outbuf *o, const struct vswd *d, const struct vswd_switch *only);
};

extern const struct vswd_render vswd_render_text;
extern const struct vswd_render vswd_render_json;

#endif
