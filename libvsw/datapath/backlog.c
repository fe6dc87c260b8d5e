// SPDX-License-Identifier: MIT
/*
 * backlog.c - input given to vsw_port_input() while the switch delivers
 * (a device model answering from its receive callback): the frames are
 * copied here, and input.c forwards them when the outermost
 * vsw_port_input() or poll round ends, in order. Bounded in frames and bytes; what does not fit is
 * counted on its port (rx and queue_full), so every frame is accounted for.
 * Allocated on first use: a switch nobody answers from pays nothing.
 */
#include "core/alloc.h"
#include "core/objects.h"
#include "datapath/datapath.h"

#define BACKLOG_FRAMES VSW_BATCH_MAX
#define BACKLOG_BYTES (256u << 10)

struct vsw_backlog {
	unsigned int n;
	unsigned int pos;      /* where the run under way has come to */
	size_t used;
	bool draining;
	struct vsw_port *port[BACKLOG_FRAMES];
	struct vsw_frame f[BACKLOG_FRAMES];
	uint8_t buf[BACKLOG_BYTES];
};

void vsw__backlog_add(struct vsw_switch *sw, struct vsw_port *p, const struct vsw_frame *f,
		      unsigned int n)
{
	struct vsw_backlog *b = sw->backlog;
	unsigned int i = 0;

	if (!b)
		b = sw->backlog = vsw__calloc(1, sizeof(*b));
	for (; b && i < n; i++) {
		size_t room = ((size_t)f[i].len + 7u) & ~(size_t)7u;
		if (b->n == BACKLOG_FRAMES || room > BACKLOG_BYTES - b->used)
			break;
		memcpy(b->buf + b->used, f[i].data, f[i].len);
		b->port[b->n] = p;
		b->f[b->n] = f[i];
		b->f[b->n++].data = b->buf + b->used;
		b->used += room;
	}
	for (unsigned int j = i; j < n; j++) {
		p->ctr[VSW_CTR_RX_PACKETS]++;
		p->ctr[VSW_CTR_RX_BYTES] += f[j].len;
		p->ctr[VSW_CTR_QUEUE_FULL]++;
	}
}

bool vsw__backlog_pending(const struct vsw_switch *sw)
{
	return sw->backlog && sw->backlog->n;
}

bool vsw__backlog_begin(struct vsw_switch *sw)
{
	struct vsw_backlog *b = sw->backlog;

	if (!b || !b->n || b->draining)
		return false;
	b->draining = true;
	b->pos = 0;
	return true;
}

unsigned int vsw__backlog_next(struct vsw_switch *sw, struct vsw_port **p,
			       const struct vsw_frame **f)
{
	struct vsw_backlog *b = sw->backlog;
	unsigned int i = b->pos, k = 1;

	if (i >= b->n)
		return 0;
	while (i + k < b->n && b->port[i + k] == b->port[i] && k < VSW_BATCH_MAX)
		k++;
	*p = b->port[i];
	*f = &b->f[i];
	b->pos = i + k;
	return k;
}

void vsw__backlog_end(struct vsw_switch *sw)
{
	struct vsw_backlog *b = sw->backlog;

	b->n = 0;
	b->used = 0;
	b->draining = false;
}

void vsw__backlog_forget(struct vsw_switch *sw, const struct vsw_port *p)
{
	struct vsw_backlog *b = sw->backlog;

	for (unsigned int i = 0; b && i < b->n; i++)
		if (b->port[i] == p)
			b->port[i] = NULL;
}

void vsw__backlog_free(struct vsw_switch *sw)
{
	vsw__free(sw->backlog);
	sw->backlog = NULL;
}
