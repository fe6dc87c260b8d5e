// SPDX-License-Identifier: MIT
/*
 * mirror.c - "mirror add", "mirror remove" and "mirror set": port
 * mirroring sessions (vsw-mirror(7)). A set is checked whole before
 * anything changes: every port it names exists, RSPAN goes to an uplink,
 * and no port ends up both a source and the destination. The sessions of
 * running captures (capsrv.c) are the captures': these commands leave
 * them alone.
 */
#include "exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

bool vswd_mirror_is_capture(const struct vswd *d, const struct vsw_mirror *m)
{
	return d->mirror_capture && d->mirror_capture(m);
}

const char *vswd_mirror_vlans(const struct vsw_mirror *m, const struct vsw_port *p, char *buf,
			      size_t len)
{
	uint16_t v[VSW_VLAN_MAX + 1];
	int n = vsw_mirror_source_vlans(m, p, v, VSW_VLAN_MAX + 1);
	size_t at = 0;

	*buf = 0;
	for (int i = 0; i < n && at < len; i++) {
		int j = i;
		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		int k = j == i ? snprintf(buf + at, len - at, "%s%u", at ? "," : "", v[i])
			       : snprintf(buf + at, len - at, "%s%u-%u", at ? "," : "", v[i], v[j]);
		if (k < 0)
			break;
		at += (size_t)k;
		i = j;
	}
	return buf;
}

/* The source= words' VLANs as a list for the library; its length. */
static unsigned int expand(const struct vswcmd_msrc *s, uint16_t *v)
{
	unsigned int n = 0;
	uint8_t seen[(VSW_VLAN_MAX + 8) / 8] = { 0 };

	for (int r = 0; r < s->nranges; r++)
		for (unsigned int x = s->lo[r]; x <= s->hi[r]; x++)
			if (!(seen[x / 8] & (1u << (x % 8)))) {
				seen[x / 8] |= (uint8_t)(1u << (x % 8));
				v[n++] = (uint16_t)x;
			}
	return n;
}

/* Whether port 'p' is a source of 'm' once the command ran. */
static bool source_after(const struct vsw_mirror *m, const struct vswcmd *c, struct vsw_port *p)
{
	const char *name = vsw_port_name(p);
	bool was = false;

	for (int i = 0; i < c->nmsrc; i++)
		if (!strcmp(c->msrc[i].port, name))
			return true;
	for (int i = 0; i < c->nmnosrc; i++)
		if (!strcmp(c->mnosrc[i], name))
			return false;
	for (struct vsw_port *s = vsw_mirror_source_next(m, NULL, NULL); s && !was;
	     s = vsw_mirror_source_next(m, s, NULL))
		was = s == p;
	return was;
}

static int check_set(struct vsw_switch *sw, struct vsw_mirror *m, const struct vswcmd *c,
		     struct vsw_port **dest, char *err, size_t errlen)
{
	struct vsw_port *p;

	for (int i = 0; i < c->nmsrc; i++)
		if (vsw_port_find(sw, c->msrc[i].port, &p))
			ERR("unknown port '%s'", c->msrc[i].port);
	for (int i = 0; i < c->nmnosrc; i++) {
		bool is = false;
		if (vsw_port_find(sw, c->mnosrc[i], &p))
			ERR("unknown port '%s'", c->mnosrc[i]);
		for (struct vsw_port *s = vsw_mirror_source_next(m, NULL, NULL); s && !is;
		     s = vsw_mirror_source_next(m, s, NULL))
			is = s == p;
		if (!is)
			ERR("port '%s' is not a source of session '%s'", c->mnosrc[i], vsw_mirror_name(m));
	}
	*dest = vsw_mirror_dest_port(m, NULL);
	if (c->has_mdest && c->mdest) {
		if (vsw_port_find(sw, c->mdest, dest))
			ERR("unknown port '%s'", c->mdest);
		if (c->mdest_vlan && vsw_port_kind(*dest) != VSW_PORT_UPLINK)
			ERR("dest=%s:vlan=%u: RSPAN goes to an uplink, '%s' is a %s", c->mdest, c->mdest_vlan,
			    c->mdest, vsw_port_kind(*dest) == VSW_PORT_VMK ? "vmk" : "vnic");
	} else if (c->has_mdest) {
		*dest = NULL;
	}
	if (*dest && source_after(m, c, *dest))
		ERR("port '%s' would be both a source and the destination of session '%s'",
		    vsw_port_name(*dest), vsw_mirror_name(m));
	return 0;
}

static int mirror_set(struct vsw_switch *sw, struct vsw_mirror *m, const struct vswcmd *c, char *err,
		      size_t errlen)
{
	static uint16_t vlans[VSW_VLAN_MAX + 1];
	struct vsw_port *p, *dest;
	int e = 0;

	if (check_set(sw, m, c, &dest, err, errlen) < 0)
		return -1;
	/* the destination goes first when it leaves, last when it comes:
	 * a port may move from one role to the other in one command */
	if (c->has_mdest && (e = vsw_mirror_set_dest_port(m, NULL, 0)))
		ERR("destination: %s", vswd_why(e));
	for (int i = 0; i < c->nmnosrc; i++) {
		vsw_port_find(sw, c->mnosrc[i], &p);
		if ((e = vsw_mirror_remove_source(m, p)))
			ERR("no-source=%s: %s", c->mnosrc[i], vswd_why(e));
	}
	for (int i = 0; i < c->nmsrc; i++) {
		unsigned int n = expand(&c->msrc[i], vlans);
		vsw_port_find(sw, c->msrc[i].port, &p);
		if ((e = vsw_mirror_add_source(m, p, c->msrc[i].dir)) ||
		    (e = vsw_mirror_set_source_vlans(m, p, n ? vlans : NULL, n)))
			ERR("source=%s: %s", c->msrc[i].port, vswd_why(e));
	}
	if (c->has_mdest && dest && (e = vsw_mirror_set_dest_port(m, dest, c->mdest_vlan)))
		ERR("dest=%s: %s", c->mdest, vswd_why(e));
	if (c->has_snaplen && (e = vsw_mirror_set_snaplen(m, c->snaplen)))
		ERR("snaplen=%u: %s", c->snaplen, vswd_why(e));
	if (c->has_enabled && (e = vsw_mirror_set_enabled(m, c->enabled)))
		ERR("enabled: %s", vswd_why(e));
	return 0;
}

int vswd_mirror_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vswd_switch *s = vswd_find_switch(d, c->pos[0]);
	struct vsw_mirror *m = NULL;
	int e;

	if (!s && c->if_exists)
		return 0;
	if (!s)
		ERR("unknown vswitch '%s'", c->pos[0]);
	if (c->verb == VERB_ADD) {
		VSW_OPTS(vsw_mirror_opts, o, .snaplen = c->has_snaplen ? c->snaplen : 0, .disabled = c->disabled);
		if (c->may_exist && !vsw_mirror_find(s->sw, c->pos[1], &m))
			return 0; /* left as it is */
		e = vsw_mirror_add(s->sw, c->pos[1], &o, &m);
		if (e == -EEXIST)
			ERR("mirroring session '%s' exists on %s", c->pos[1], c->pos[0]);
		if (e)
			ERR("mirroring session '%s': %s", c->pos[1], vswd_why(e));
		return 0;
	}
	if (vsw_mirror_find(s->sw, c->pos[1], &m)) {
		if (c->if_exists)
			return 0;
		ERR("unknown mirroring session '%s'", c->pos[1]);
	}
	if (vswd_mirror_is_capture(d, m))
		ERR("session '%s' is a running capture's: it ends with the capture", c->pos[1]);
	if (c->verb == VERB_REMOVE) {
		e = vsw_mirror_remove(m);
		if (e)
			ERR("mirroring session '%s': %s", c->pos[1], vswd_why(e));
		return 0;
	}
	return mirror_set(s->sw, m, c, err, errlen);
}
