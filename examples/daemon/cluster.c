// SPDX-License-Identifier: MIT
/*
 * cluster.c - vswd --cluster (cluster.h, vsw-vds(7)). The daemon reads the
 * prefix PREFIX/vds/ of etcd (a range, again whenever the watch stream
 * reports a change, and every second in any case), and keeps, for every
 * distributed switch defined there, a local proxy switch of that name:
 *
 *   PREFIX/vds/VDS/definition   the switch-level lines of vswd.conf(5)
 *                               (vswitch add, portgroup add, policy set)
 *   PREFIX/vds/VDS/hosts/HOST   {"host","vtep","port","vnics":[...]},
 *                               under this host's lease
 *
 * A definition is applied by difference (persist_reload_text(): what
 * changed, nothing else; the vNICs stay), with an uplink dvuplink0 on the
 * vxlan backend whose flood list is the other live hosts' VTEPs. While
 * etcd does not answer the proxies keep what they have and changes are
 * refused; when it answers again the daemon reads, applies what differs,
 * and publishes its host keys under a new lease.
 */
#include "cluster.h"
#include "daemon.h"
#include "dump.h"
#include "etcd.h"
#include "persist.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

#define UPLINK "dvuplink0"
#define POLL_MS 1000u           /* a read of the prefix at least this often */
#define RETRY_MS 500u           /* while etcd does not answer */
#define PUBLISH_MS 250u          /* this host's vNICs compared with its keys */
#define CALL_MS 1500L           /* vswctl's changes: the longest wait */
#define VXLAN_PORT 4789

struct host {
	char *name, *vtep;
	int port;
	json_t *vnics;           /* array of names */
};

struct vds {
	char *name;
	char *def;               /* NULL: hosts keys without a definition */
	int64_t rev;             /* the definition's mod_revision */
	struct host *hosts;
	int nhosts;
};

struct applied {
	char *name, *def;
	int64_t rev;
	char *published;         /* this host's key as last put */
};

static struct {
	struct vswd *d;
	struct cluster_opts o;
	char vtep[64], netns[64], spec[256];
	bool started, reachable, ever;
	char why[256];
	int64_t rev;             /* the revision of the last read */
	struct vds *vds;
	int nvds;
	struct applied *ap;
	int nap;
	bool applying;           /* our own changes are no local edits */
	/* requests under way, and when the next is due */
	bool reading, granting, keeping, watching;
	int fails;               /* reads failed in a row */
	bool stop_watch;         /* the stream is to end (not from its callback) */
	int putting;
	uint64_t next_read, next_keep, next_publish;
	int64_t lease;           /* 0: none */
} C;

/* ---- small things ---- */

/* PREFIX/vds/ (vds NULL), or PREFIX/vds/VDS/REST. */
static void key_str(char *k, size_t len, const char *vds, const char *rest)
{
	if (!vds)
		snprintf(k, len, "%s/vds/", C.o.prefix);
	else
		snprintf(k, len, "%s/vds/%s/%s", C.o.prefix, vds, rest);
}

static char *key_of(const char *vds, const char *rest)
{
	char k[1024];

	key_str(k, sizeof(k), vds, rest);
	return etcd_b64(k, strlen(k));
}

/* The end of the range of the keys that begin with a prefix ending in '/'. */
static char *range_end(const char *vds, const char *rest)
{
	char k[1024];
	size_t n;

	key_str(k, sizeof(k), vds, rest);
	n = strlen(k);
	k[n - 1]++; /* '0' follows '/' */
	return etcd_b64(k, n);
}

static json_t *b64_field(char *s)
{
	json_t *j = json_string(s ? s : "");

	free(s);
	return j;
}

/* A base64 field of the gateway's JSON decoded into a new string (a
 * missing field: ""), or NULL. */
static char *unb64(json_t *field)
{
	const char *b = json_is_string(field) ? json_string_value(field) : "";
	size_t len = strlen(b) / 4 * 3 + 4;
	char *s = malloc(len);

	if (s && etcd_unb64(b, s, len) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int64_t num(json_t *j)
{
	/* the gateway writes 64-bit integers as strings */
	if (json_is_string(j))
		return strtoll(json_string_value(j), NULL, 10);
	return json_is_integer(j) ? (int64_t)json_integer_value(j) : 0;
}

static struct vds *find_vds(const char *name)
{
	for (int i = 0; i < C.nvds; i++)
		if (!strcmp(C.vds[i].name, name))
			return &C.vds[i];
	return NULL;
}

static struct applied *find_ap(const char *name, bool make)
{
	struct applied *a;

	for (int i = 0; i < C.nap; i++)
		if (!strcmp(C.ap[i].name, name))
			return &C.ap[i];
	if (!make)
		return NULL;
	a = realloc(C.ap, sizeof(*a) * (size_t)(C.nap + 1));
	if (!a)
		return NULL;
	C.ap = a;
	a = &C.ap[C.nap];
	*a = (struct applied){ .name = strdup(name) };
	if (!a->name)
		return NULL;
	C.nap++;
	return a;
}

static void vds_free(struct vds *v, int n)
{
	for (int i = 0; i < n; i++) {
		for (int h = 0; h < v[i].nhosts; h++) {
			free(v[i].hosts[h].name);
			free(v[i].hosts[h].vtep);
			json_decref(v[i].hosts[h].vnics);
		}
		free(v[i].hosts);
		free(v[i].name);
		free(v[i].def);
	}
	free(v);
}

static struct vsw_port *uplink_port(const char *sw)
{
	struct vswd_switch *s = vswd_find_switch(C.d, sw);
	struct vsw_port *p;

	return s && !vsw_port_find(s->sw, UPLINK, &p) ? p : NULL;
}

static bool managed(struct vswd *d, const char *sw)
{
	struct vds *v = find_vds(sw);

	(void)d;
	if (C.applying)
		return false;
	return (v && v->def) || uplink_port(sw);
}

/* ---- the definition: a dry run ---- */

static void apply_log(const char *line, const char *why)
{
	logf_(LOG_WARNING, "cluster: %s: failed: %s", line, why);
}

/* The uplink line of a proxy switch. */
static void uplink_line(struct outbuf *o, const char *sw)
{
	char line[VSWCMD_MAX_LINE];
	char *w[] = { "uplink", "add", (char *)sw, UPLINK, "--backend", C.spec };

	if (vswcmd_join(6, w, line, sizeof(line)) == 0)
		out_printf(o, "%s\n", line);
}

/* The switch 'sw' of a dump: its kind's entries. */
static bool entry_of(const struct dump_entry *e, const char *sw)
{
	const char *p = strchr(e->key, '\x1f');
	size_t n = strlen(sw);

	return p && !strncmp(p + 1, sw, n) && p[1 + n] == '\x1f';
}

static bool definition_kind(enum dump_kind k)
{
	return k == DK_VSWITCH || k == DK_PORTGROUP || k == DK_POLICY;
}

/* The lines of 'def' that begin with 'word'. */
static void lines_of(struct outbuf *o, const char *def, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = def; *p;) {
		size_t n = strcspn(p, "\n");
		if (!strncmp(p, word, wl) && p[wl] == ' ')
			out_printf(o, "%.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* A proxy switch as its definition and uplink make it. */
static void def_text(struct outbuf *o, const char *sw, const char *def)
{
	lines_of(o, def, "vswitch");
	lines_of(o, def, "portgroup");
	uplink_line(o, sw); /* before the policies: the teaming order names it */
	lines_of(o, def, "policy");
}

/*
 * The definition of 'sw' after 'line' (a vswctl command against it) runs on
 * 'def' (NULL: none yet): the switch-level lines of a dry run, in the words
 * a dump writes. Returns a new string, or NULL with 'err'.
 */
static char *definition_after(const char *sw, const char *def, const char *line, char *err, size_t errlen)
{
	struct vswd scratch = { .dry = true };
	struct outbuf in = { 0 }, out = { 0 }, o = { 0 };
	struct vswcmd *c = malloc(sizeof(*c));
	struct dump dump = { 0 };
	char msg[300];
	FILE *f;
	int r = -1;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (def)
		def_text(&in, sw, def);
	f = in.p ? fmemopen(in.p, in.len, "r") : NULL;
	if (def && (!f || vswd_config_load(&scratch, f, &o, msg, sizeof(msg)) < 0)) {
		snprintf(err, errlen, "the definition of %s in the cluster does not load:%s", sw, f ? msg : " out of memory");
		goto out;
	}
	if (vswcmd_parse(line, c, err, errlen) <= 0 || vswd_exec(&scratch, c, &o, err, errlen) < 0)
		goto out;
	if (!def) {
		/* a new switch: its uplink too, for the teaming order */
		struct outbuf u = { 0 };
		uplink_line(&u, sw);
		r = u.p ? vswcmd_parse(u.p, c, err, errlen) : -1;
		if (r > 0)
			r = vswd_exec(&scratch, c, &o, err, errlen);
		out_free(&u);
		if (r < 0)
			goto out;
	}
	r = dump_make(&scratch, &dump);
	for (int i = 0; !r && i < dump.n; i++)
		if (definition_kind(dump.e[i].kind) && entry_of(&dump.e[i], sw))
			out_printf(&out, "%s", dump.e[i].text);
	if (r || !out.p)
		snprintf(err, errlen, "out of memory");
out:
	if (f)
		fclose(f);
	dump_free(&dump);
	vswd_clear(&scratch);
	out_free(&in);
	out_free(&o);
	free(c);
	if (r) {
		out_free(&out);
		return NULL;
	}
	return out.p;
}

/* ---- applying ---- */

/* A switch of the daemon that was a proxy of a distributed switch the
 * cluster no longer defines. */
static bool proxy_gone(const char *sw)
{
	struct vds *v = find_vds(sw);

	return (!v || !v->def) && uplink_port(sw);
}

/* What the daemon should hold: its configuration with every proxy's
 * definition the cluster's, and without the proxies of removed switches. */
static int want_text(struct outbuf *o)
{
	struct dump now = { 0 };
	bool *seen = calloc((size_t)C.nvds + 1, sizeof(bool));
	char sw[VSW_NAME_MAX + 1] = "";
	bool pol = false, up = false;

	if (!seen || dump_make(C.d, &now) < 0) {
		free(seen);
		dump_free(&now);
		return -1;
	}
	for (int i = 0; i < now.n; i++) {
		const struct dump_entry *e = &now.e[i];
		const char *k = strchr(e->key, '\x1f');
		struct vds *v;
		char name[VSW_NAME_MAX + 1];
		snprintf(name, sizeof(name), "%.*s", k ? (int)strcspn(k + 1, "\x1f") : 0, k ? k + 1 : "");
		v = *name ? find_vds(name) : NULL;
		if (*name && proxy_gone(name))
			continue; /* removed from the cluster: goes with its ports */
		if (!*name || !v || !v->def) {
			out_printf(o, "%s", e->text);
			continue;
		}
		if (strcmp(sw, name)) {
			snprintf(sw, sizeof(sw), "%s", name);
			pol = up = false;
		}
		switch (e->kind) {
		case DK_VSWITCH:
			seen[v - C.vds] = true;
			lines_of(o, v->def, "vswitch");
			lines_of(o, v->def, "portgroup");
			break;
		case DK_PORTGROUP:
			break;
		case DK_UPLINK:
			if (!strcmp(strrchr(e->key, '\x1f') + 1, UPLINK)) {
				uplink_line(o, name);
				up = true;
			} else {
				out_printf(o, "%s", e->text);
			}
			break;
		default:
			if (!pol) {
				if (!up)
					uplink_line(o, name);
				up = pol = true;
				lines_of(o, v->def, "policy");
			}
			if (e->kind != DK_POLICY)
				out_printf(o, "%s", e->text);
		}
	}
	for (int i = 0; i < C.nvds; i++) {
		if (seen[i] || !C.vds[i].def)
			continue;
		def_text(o, C.vds[i].name, C.vds[i].def);
	}
	free(seen);
	dump_free(&now);
	return 0;
}

/* Whether a definition differs from what was applied. */
static bool changed(void)
{
	for (int i = 0; i < C.nvds; i++) {
		struct applied *a = find_ap(C.vds[i].name, false);
		if (C.vds[i].def && (!a || !a->def || strcmp(a->def, C.vds[i].def) ||
				     !vswd_find_switch(C.d, C.vds[i].name)))
			return true;
	}
	for (struct vswd_switch *s = C.d->switches; s; s = s->next)
		if (proxy_gone(vsw_switch_name(s->sw)))
			return true;
	return false;
}

static void apply(void)
{
	struct outbuf want = { 0 };
	char err[512];
	int n;

	if (!changed())
		return;
	out_printf(&want, "\n"); /* never empty: a daemon may end up with no switch */
	if (want_text(&want) < 0 || !want.p) {
		out_free(&want);
		logf_(LOG_ERR, "cluster: out of memory");
		return;
	}
	C.applying = true;
	n = persist_reload_text(C.d, "cluster", want.p, apply_log, err, sizeof(err));
	C.applying = false;
	out_free(&want);
	if (n < 0) {
		logf_(LOG_ERR, "cluster: definition not applied: %s", err);
		return;
	}
	for (int i = 0; i < C.nvds; i++) {
		struct applied *a;
		if (!C.vds[i].def || !(a = find_ap(C.vds[i].name, true)))
			continue;
		free(a->def);
		a->def = strdup(C.vds[i].def);
		a->rev = C.vds[i].rev;
	}
	for (int i = 0; i < C.nap; i++) {
		struct vds *v = find_vds(C.ap[i].name);
		if (!v || !v->def) {
			free(C.ap[i].def);
			C.ap[i].def = NULL;
			C.ap[i].rev = 0;
		}
	}
	logf_(n ? LOG_INFO : LOG_DEBUG, "cluster: revision %lld: %d command(s) to apply the difference",
	      (long long)C.rev, n);
	if (n && C.d->changed && C.d->changed(C.d, err, sizeof(err)) < 0)
		logf_(LOG_ERR, "cluster: %s", err);
}

#ifdef VSW_VXLAN_ADDR_MAX
/* "A.B.C.D:PORT" or "[V6]:PORT", as vsw_vxlan_remote_get() writes it. */
static void vtep_addr(const char *a, int port, char *buf, size_t len)
{
	snprintf(buf, len, strchr(a, ':') ? "[%s]:%d" : "%s:%d", a, port);
}

/*
 * The flood lists are kept next to the state file (STATE.floods: lines of
 * "VDS VTEP"), rewritten when they change, so that a vswd restarted while
 * etcd is away floods to the hosts it knew (its proxies come back from the
 * state file without them); the first read of the cluster corrects them.
 */
static void floods_save(void)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], cur[VSW_VXLAN_ADDR_MAX];
	FILE *f;

	if (!C.o.state || snprintf(path, sizeof(path), "%s.floods", C.o.state) >= (int)sizeof(path))
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (int i = 0; i < C.nvds; i++) {
		struct vsw_port *p = C.vds[i].def ? uplink_port(C.vds[i].name) : NULL;
		struct vsw_backend *be = p ? vsw_port_backend(p) : NULL;
		for (unsigned int k = 0; be && !vsw_vxlan_remote_get(be, k, cur, sizeof(cur)); k++)
			fprintf(f, "%s %s\n", C.vds[i].name, cur);
	}
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
		logf_(LOG_WARNING, "cluster: %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* At start, before the cluster answers: the flood lists kept last time. */
static void floods_load(void)
{
	char path[PATH_MAX], line[512], vds[256], vtep[64]; /* as %63s reads */
	FILE *f;
	int n = 0;

	if (!C.o.state || snprintf(path, sizeof(path), "%s.floods", C.o.state) >= (int)sizeof(path) ||
	    !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %63s", vds, vtep) == 2) {
			struct vsw_port *p = uplink_port(vds);
			if (p && vsw_port_backend(p) && !vsw_vxlan_add_remote(vsw_port_backend(p), vtep))
				n++;
		}
	fclose(f);
	if (n)
		logf_(LOG_INFO, "cluster: %d VTEP(s) of the last flood lists (%s) until the cluster answers",
		      n, path);
}

/* Every proxy's flood list: the other live hosts' VTEPs. */
static void floods(void)
{
	bool changed = false;

	for (int i = 0; i < C.nvds; i++) {
		struct vsw_port *p = C.vds[i].def ? uplink_port(C.vds[i].name) : NULL;
		struct vsw_backend *be = p ? vsw_port_backend(p) : NULL;
		char cur[64][VSW_VXLAN_ADDR_MAX], want[VSW_VXLAN_ADDR_MAX];
		int ncur = 0;
		if (!be)
			continue;
		while (ncur < 64 && !vsw_vxlan_remote_get(be, (unsigned int)ncur, cur[ncur], sizeof(cur[0])))
			ncur++;
		for (int k = 0; k < ncur; k++) {
			bool keep = false;
			for (int h = 0; h < C.vds[i].nhosts; h++) {
				struct host *ho = &C.vds[i].hosts[h];
				vtep_addr(ho->vtep, ho->port, want, sizeof(want));
				keep |= strcmp(ho->name, C.o.host) && !strcmp(want, cur[k]);
			}
			if (!keep) {
				vsw_vxlan_remove_remote(be, cur[k]);
				changed = true;
				logf_(LOG_INFO, "cluster: %s: VTEP %s left the flood list", C.vds[i].name, cur[k]);
			}
		}
		for (int h = 0; h < C.vds[i].nhosts; h++) {
			struct host *ho = &C.vds[i].hosts[h];
			bool have = false;
			if (!strcmp(ho->name, C.o.host))
				continue;
			vtep_addr(ho->vtep, ho->port, want, sizeof(want));
			for (int k = 0; k < ncur; k++)
				have |= !strcmp(want, cur[k]);
			if (!have) {
				int e = vsw_vxlan_add_remote(be, want);
				if (e && e != -EEXIST)
					logf_(LOG_WARNING, "cluster: %s: VTEP %s: %s", C.vds[i].name, want, strerror(-e));
				else if (!e)
					logf_(LOG_INFO, "cluster: %s: VTEP %s (%s) joined the flood list", C.vds[i].name, want,
					      ho->name);
				changed |= !e;
			}
		}
	}
	if (changed)
		floods_save();
}

#else
/* a library without the vxlan backend */
static void floods(void)
{
}

static void floods_load(void)
{
}
#endif

/* ---- this host's keys ---- */

static char *host_json(const char *sw)
{
	struct vswd_switch *s = vswd_find_switch(C.d, sw);
	json_t *j, *vn = json_array();
	char *text;

	for (struct vsw_port *p = vsw_port_next(s->sw, NULL); p; p = vsw_port_next(s->sw, p))
		if (vsw_port_kind(p) == VSW_PORT_VNIC)
			json_array_append_new(vn, json_string(vsw_port_name(p)));
	j = json_pack("{s:s,s:s,s:i,s:o}", "host", C.o.host, "vtep", C.vtep, "port", VXLAN_PORT, "vnics", vn);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

struct put {
	char *name, *text;
	int64_t lease;
};

static void put_done(void *user, json_t *reply, const char *why)
{
	struct put *p = user;
	struct applied *a = find_ap(p->name, true);

	C.putting--;
	if (reply && a && p->lease == C.lease) {
		free(a->published);
		a->published = p->text;
		p->text = NULL;
	} else if (!reply) {
		logf_(LOG_WARNING, "cluster: host key of %s: %s", p->name, why);
	}
	free(p->name);
	free(p->text);
	free(p);
}

static void publish(void)
{
	if (!C.lease || C.putting)
		return;
	for (int i = 0; i < C.nvds; i++) {
		struct applied *a = find_ap(C.vds[i].name, false);
		struct put *p;
		char *text;
		if (!C.vds[i].def || !vswd_find_switch(C.d, C.vds[i].name))
			continue;
		text = host_json(C.vds[i].name);
		if (!text || (a && a->published && !strcmp(a->published, text))) {
			free(text);
			continue;
		}
		p = calloc(1, sizeof(*p));
		if (!p || !(p->name = strdup(C.vds[i].name))) {
			free(p);
			free(text);
			return;
		}
		p->text = text;
		p->lease = C.lease;
		char rest[300];
		snprintf(rest, sizeof(rest), "hosts/%s", C.o.host);
		json_t *b = json_pack("{s:o,s:o,s:I}", "key", b64_field(key_of(C.vds[i].name, rest)),
				      "value", b64_field(etcd_b64(text, strlen(text))), "lease", (json_int_t)C.lease);
		if (!b || etcd_post("/v3/kv/put", b, put_done, p) < 0) {
			free(p->name);
			free(p->text);
			free(p);
			return;
		}
		C.putting++;
	}
}

static void lease_lost(void)
{
	C.lease = 0;
	for (int i = 0; i < C.nap; i++) {
		free(C.ap[i].published);
		C.ap[i].published = NULL;
	}
}

static void grant_done(void *user, json_t *reply, const char *why)
{
	(void)user;
	C.granting = false;
	if (!reply) {
		logf_(LOG_WARNING, "cluster: lease: %s", why);
		return;
	}
	lease_lost();
	C.lease = num(json_object_get(reply, "ID"));
	C.next_keep = now_ms() + C.o.lease_ttl * 1000u / 3u;
	logf_(LOG_INFO, "cluster: lease %llx, %u s", (unsigned long long)C.lease, C.o.lease_ttl);
	publish();
}

static void keep_done(void *user, json_t *reply, const char *why)
{
	json_t *r = reply ? json_object_get(reply, "result") : NULL;

	(void)user;
	C.keeping = false;
	if (!reply) {
		/* again at once, through the next endpoint */
		logf_(LOG_WARNING, "cluster: keepalive: %s", why);
		C.next_keep = now_ms() + RETRY_MS / 2;
		return;
	}
	if (num(json_object_get(r, "TTL")) <= 0) {
		logf_(LOG_WARNING, "cluster: lease %llx expired: a new one", (unsigned long long)C.lease);
		lease_lost();
	}
}

/* ---- reading ---- */

static void unreachable(const char *why)
{
	if (C.reachable || !C.ever)
		logf_(LOG_WARNING, "cluster unreachable: %s; the proxy switches keep their definitions", why);
	C.reachable = false;
	C.ever = true;
	snprintf(C.why, sizeof(C.why), "%s", why);
	etcd_stream_stop();
	C.watching = false;
}

/* A key under PREFIX/vds/ into 'v'. */
static int take_kv(struct vds **pv, int *pn, const char *key, const char *val, int64_t rev)
{
	char base[512], vds[VSW_NAME_MAX + 2];
	const char *rest;
	struct vds *v = NULL;
	size_t bl;

	snprintf(base, sizeof(base), "%s/vds/", C.o.prefix);
	bl = strlen(base);
	if (strncmp(key, base, bl))
		return 0;
	rest = key + bl;
	if (strcspn(rest, "/") > VSW_NAME_MAX || !rest[strcspn(rest, "/")])
		return 0;
	snprintf(vds, sizeof(vds), "%.*s", (int)strcspn(rest, "/"), rest);
	rest += strlen(vds) + 1;
	for (int i = 0; i < *pn; i++)
		if (!strcmp((*pv)[i].name, vds))
			v = &(*pv)[i];
	if (!v) {
		struct vds *nv = realloc(*pv, sizeof(**pv) * (size_t)(*pn + 1));
		if (!nv)
			return -1;
		*pv = nv;
		v = &nv[(*pn)++];
		*v = (struct vds){ .name = strdup(vds) };
		if (!v->name)
			return -1;
	}
	if (!strcmp(rest, "definition")) {
		free(v->def);
		v->def = strdup(val);
		v->rev = rev;
		return v->def ? 0 : -1;
	}
	if (!strncmp(rest, "hosts/", 6)) {
		json_t *j = json_loads(val, 0, NULL), *vt = j ? json_object_get(j, "vtep") : NULL;
		struct host *h;
		unsigned char a[16];
		if (!json_is_string(vt) || (inet_pton(AF_INET, json_string_value(vt), a) != 1 &&
					    inet_pton(AF_INET6, json_string_value(vt), a) != 1)) {
			json_decref(j);
			return 0; /* not a host key this version reads */
		}
		h = realloc(v->hosts, sizeof(*h) * (size_t)(v->nhosts + 1));
		if (!h) {
			json_decref(j);
			return -1;
		}
		v->hosts = h;
		h = &h[v->nhosts++];
		h->name = strdup(rest + 6);
		h->vtep = strdup(json_string_value(vt));
		h->port = json_is_integer(json_object_get(j, "port")) ?
				  (int)json_integer_value(json_object_get(j, "port")) : VXLAN_PORT;
		h->vnics = json_incref(json_object_get(j, "vnics"));
		if (!json_is_array(h->vnics)) {
			json_decref(h->vnics);
			h->vnics = json_array();
		}
		json_decref(j);
	}
	return 0;
}

static void watch_data(void *user, json_t *msg, const char *why);

static void start_watch(void)
{
	json_t *b;

	if (C.watching || !C.reachable)
		return;
	b = json_pack("{s:{s:o,s:o,s:I}}", "create_request", "key", b64_field(key_of(NULL, NULL)),
		      "range_end", b64_field(range_end(NULL, NULL)), "start_revision",
		      (json_int_t)(C.rev + 1));
	if (b && etcd_stream("/v3/watch", b, watch_data, NULL) == 0)
		C.watching = true;
}

/* A read of the whole prefix: the new picture, applied. */
static void take_range(json_t *reply)
{
	json_t *kvs = json_object_get(reply, "kvs"), *kv;
	struct vds *v = NULL;
	int nv = 0;
	size_t i;
	int64_t rev = num(json_object_get(json_object_get(reply, "header"), "revision"));

	if (!C.reachable) {
		logf_(LOG_NOTICE, "cluster reachable%s: revision %lld", C.ever ? " again" : "", (long long)rev);
		/* a new lease: the old one may have expired while away */
		lease_lost();
	}
	C.reachable = C.ever = true;
	/* a read that was under way while vswctl's change read a newer one */
	if (rev < C.rev)
		return;
	json_array_foreach(kvs, i, kv) {
		char *k = unb64(json_object_get(kv, "key")), *val = unb64(json_object_get(kv, "value"));
		if (k && val)
			take_kv(&v, &nv, k, val, num(json_object_get(kv, "mod_revision")));
		free(k);
		free(val);
	}
	vds_free(C.vds, C.nvds);
	C.vds = v;
	C.nvds = nv;
	C.rev = rev;
	apply();
	floods();
	publish();
	start_watch();
}

static json_t *range_body(void)
{
	return json_pack("{s:o,s:o}", "key", b64_field(key_of(NULL, NULL)), "range_end",
			 b64_field(range_end(NULL, NULL)));
}

static void read_done(void *user, json_t *reply, const char *why)
{
	(void)user;
	C.reading = false;
	if (!reply) {
		/* one member down is no outage: the next endpoint at once */
		if (++C.fails < etcd_endpoints()) {
			logf_(LOG_NOTICE, "cluster: %s: trying the next endpoint", why);
			C.next_read = now_ms();
			return;
		}
		unreachable(why);
		C.fails = 0;
		C.next_read = now_ms() + RETRY_MS;
		return;
	}
	C.fails = 0;
	take_range(reply);
	if (C.next_read > now_ms() + POLL_MS || !C.next_read || C.next_read <= now_ms())
		C.next_read = now_ms() + POLL_MS;
}

static void watch_data(void *user, json_t *msg, const char *why)
{
	(void)user;
	if (!msg) {
		/* etcd went away, or is leaving: a read tells which */
		C.watching = false;
		C.next_read = now_ms();
		logf_(LOG_DEBUG, "cluster: %s", why);
		return;
	}
	/* a change: read now; a watch etcd cancelled (its start revision was
	 * compacted): read, and watch again from the revision read */
	if (json_is_true(json_object_get(json_object_get(msg, "result"), "canceled"))) {
		C.next_read = now_ms();
		C.stop_watch = true;
	} else if (json_object_get(json_object_get(msg, "result"), "events")) {
		C.next_read = now_ms();
	}
}

/* A read now, waiting (vswctl's changes: the answer comes once this host
 * applied them). */
static int read_now(char *err, size_t errlen)
{
	json_t *r = etcd_call("/v3/kv/range", range_body(), CALL_MS, err, errlen);

	if (!r) {
		unreachable(err);
		return -1;
	}
	take_range(r);
	json_decref(r);
	return 0;
}

/* ---- the loop ---- */

void cluster_io(int fd, uint32_t events)
{
	etcd_socket(fd, events);
}

long cluster_timeout(void)
{
	uint64_t now = now_ms(), next = C.next_read;
	long t = etcd_timeout();

	if (!C.started)
		return -1;
	if (C.reachable && C.lease && !C.keeping && C.next_keep < next)
		next = C.next_keep;
	if (C.reachable && C.next_publish < next)
		next = C.next_publish; /* grants, host keys */
	if (next <= now)
		return 0;
	return t >= 0 && (uint64_t)t < next - now ? t : (long)(next - now);
}

void cluster_run(void)
{
	uint64_t now;

	if (!C.started)
		return;
	etcd_run();
	if (C.stop_watch) {
		etcd_stream_stop();
		C.watching = C.stop_watch = false;
	}
	now = now_ms();
	if (!C.reading && now >= C.next_read) {
		C.reading = etcd_post("/v3/kv/range", range_body(), read_done, NULL) == 0;
		C.next_read = now + RETRY_MS;
	}
	if (!C.reachable)
		return;
	if (!C.lease && !C.granting) {
		json_t *b = json_pack("{s:I}", "TTL", (json_int_t)C.o.lease_ttl);
		C.granting = b && etcd_post("/v3/lease/grant", b, grant_done, NULL) == 0;
	}
	if (C.lease && !C.keeping && now >= C.next_keep) {
		json_t *b = json_pack("{s:I}", "ID", (json_int_t)C.lease);
		C.keeping = b && etcd_post("/v3/lease/keepalive", b, keep_done, NULL) == 0;
		C.next_keep = now + C.o.lease_ttl * 1000u / 3u;
	}
	/* vNICs added or removed: the host keys again, now and then */
	if (now >= C.next_publish) {
		publish();
		C.next_publish = now + PUBLISH_MS;
	}
}

/* ---- vswctl vds ---- */

static void show_def(struct outbuf *o, const char *def)
{
	for (const char *p = def; *p;) {
		size_t n = strcspn(p, "\n");
		out_printf(o, "  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static json_t *def_lines(const char *def)
{
	json_t *a = json_array();

	for (const char *p = def; *p;) {
		size_t n = strcspn(p, "\n");
		json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	return a;
}

static void out_json(struct outbuf *o, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s)
		out_printf(o, "%s\n", s);
	free(s);
	json_decref(j);
}

static int list_cmd(const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	json_t *a = json_array();

	if (c->npos && !(find_vds(c->pos[0]) && find_vds(c->pos[0])->def)) {
		json_decref(a);
		ERR("unknown distributed switch '%s'", c->pos[0]);
	}
	for (int i = 0; i < C.nvds; i++) {
		struct vds *v = &C.vds[i];
		struct applied *ap = find_ap(v->name, false);
		int64_t applied = ap && ap->def ? ap->rev : 0;
		if (!v->def || (c->npos && strcmp(c->pos[0], v->name)))
			continue;
		if (c->json) {
			json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:o}", "name", v->name, "revision",
							   (json_int_t)v->rev, "applied", (json_int_t)applied,
							   "definition", def_lines(v->def)));
			continue;
		}
		out_printf(o, "%s  revision %lld  applied %lld  hosts %d\n", v->name, (long long)v->rev,
			   (long long)applied, v->nhosts);
		show_def(o, v->def);
	}
	if (c->json)
		out_json(o, a);
	else
		json_decref(a);
	return 0;
}

static int hosts_cmd(const struct vswcmd *c, struct outbuf *o, char *err, size_t errlen)
{
	struct vds *v = find_vds(c->pos[0]);
	json_t *a = json_array();
	int ports = 0;

	if (!v || !v->def) {
		json_decref(a);
		ERR("unknown distributed switch '%s'", c->pos[0]);
	}
	for (int h = 0; h < v->nhosts; h++)
		ports += (int)json_array_size(v->hosts[h].vnics);
	if (c->verb == VERB_HOSTS && !c->json)
		out_printf(o, "cluster %s%s%s\n%-20s %-40s %-6s %s\n", C.reachable ? "reachable" : "unreachable",
			   C.reachable ? "" : ": ", C.reachable ? "" : C.why, "HOST", "VTEP", "PORT", "VNICS");
	if (c->verb == VERB_PORTS && !c->json)
		out_printf(o, "%-20s %s\n", "HOST", "VNIC");
	for (int h = 0; h < v->nhosts; h++) {
		struct host *ho = &v->hosts[h];
		bool self = !strcmp(ho->name, C.o.host);
		size_t k;
		json_t *n;
		if (c->verb == VERB_HOSTS && c->json) {
			json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:i,s:b}", "host", ho->name, "vtep", ho->vtep,
							   "port", ho->port, "vnics", (int)json_array_size(ho->vnics),
							   "self", self));
		} else if (c->verb == VERB_HOSTS) {
			out_printf(o, "%-20s %-40s %-6d %zu%s\n", ho->name, ho->vtep, ho->port,
				   json_array_size(ho->vnics), self ? "  (this host)" : "");
		} else {
			json_array_foreach(ho->vnics, k, n) {
				if (!json_is_string(n))
					continue;
				if (c->json)
					json_array_append_new(a, json_pack("{s:s,s:s}", "host", ho->name, "vnic",
									   json_string_value(n)));
				else
					out_printf(o, "%-20s %s\n", ho->name, json_string_value(n));
			}
		}
	}
	if (!c->json) {
		json_decref(a);
		return 0;
	}
	if (c->verb == VERB_HOSTS)
		out_json(o, json_pack("{s:s,s:s,s:b,s:s,s:o}", "vds", v->name, "host", C.o.host, "reachable",
				      C.reachable, "error", C.reachable ? "" : C.why, "hosts", a));
	else
		out_json(o, json_pack("{s:s,s:o}", "vds", v->name, "ports", a));
	(void)ports;
	return 0;
}

/* The command against a standard switch that makes the change 'c' asks
 * of a distributed switch's definition. */
static int local_line(const struct vswcmd *c, char *line, size_t len)
{
	char *w[VSWCMD_MAX_WORDS], num[2][16], kv[VSWCMD_MAX_KV + 2][VSWCMD_MAX_LINE / 16];
	int n = 0;

	switch (c->verb) {
	case VERB_CREATE:
		w[n++] = "vswitch";
		w[n++] = "add";
		break;
	case VERB_VDS_PG_ADD:
	case VERB_VDS_PG_REMOVE:
		w[n++] = "portgroup";
		w[n++] = c->verb == VERB_VDS_PG_ADD ? "add" : "remove";
		break;
	default:
		w[n++] = "policy";
		w[n++] = "set";
	}
	for (int i = 0; i < c->npos; i++)
		w[n++] = (char *)c->pos[i];
	if (c->has_mtu) {
		snprintf(num[0], sizeof(num[0]), "%u", c->mtu);
		w[n++] = "--mtu";
		w[n++] = num[0];
	}
	if (c->has_vlan) {
		snprintf(num[1], sizeof(num[1]), "%u", c->vlan);
		w[n++] = "--vlan";
		w[n++] = num[1];
	}
	for (int i = 0; i < c->nkv; i++) {
		snprintf(kv[i], sizeof(kv[i]), "%s=%s", vswcmd_policy_key(c->kv[i].key), c->kv[i].text);
		w[n++] = kv[i];
	}
	for (int t = 0; t < 2; t++) {
		const char *const *l = t ? c->standby : c->active;
		int k = t ? c->nstandby : c->nactive;
		size_t at;
		char *s = kv[VSWCMD_MAX_KV + t];
		if (!(t ? c->has_standby : c->has_active))
			continue;
		at = (size_t)snprintf(s, sizeof(kv[0]), "%s=", t ? "standby" : "active");
		for (int i = 0; i < k && at < sizeof(kv[0]); i++)
			at += (size_t)snprintf(s + at, sizeof(kv[0]) - at, "%s%s", i ? "," : "", l[i]);
		w[n++] = s;
	}
	return vswcmd_join(n, w, line, len);
}

/* The definition key of 'vds' now: its text (NULL: none) and revision. */
static int read_def(const char *vds, char **def, int64_t *rev, char *err, size_t errlen)
{
	json_t *r = etcd_call("/v3/kv/range", json_pack("{s:o}", "key", b64_field(key_of(vds, "definition"))),
			      CALL_MS, err, errlen);
	json_t *kv;

	*def = NULL;
	*rev = 0;
	if (!r) {
		unreachable(err);
		return -1;
	}
	kv = json_array_get(json_object_get(r, "kvs"), 0);
	if (kv) {
		*def = unb64(json_object_get(kv, "value"));
		if (!*def) {
			json_decref(r);
			ERR("the definition of %s in the cluster is not readable", vds);
		}
		*rev = num(json_object_get(kv, "mod_revision"));
	}
	json_decref(r);
	return 0;
}

/* Put 'def' as the definition of 'vds' if it is still at 'rev' (0: if it
 * does not exist). 1: done, 0: it changed meanwhile, -1: error. */
static int put_def(const char *vds, const char *def, int64_t rev, char *err, size_t errlen)
{
	json_t *b = json_pack("{s:[{s:o,s:s,s:s,s:I}],s:[{s:{s:o,s:o}}]}", "compare", "key",
			      b64_field(key_of(vds, "definition")), "target", rev ? "MOD" : "CREATE",
			      "result", "EQUAL", rev ? "mod_revision" : "create_revision", (json_int_t)rev, "success",
			      "request_put", "key", b64_field(key_of(vds, "definition")), "value",
			      b64_field(etcd_b64(def, strlen(def))));
	json_t *r = b ? etcd_call("/v3/kv/txn", b, CALL_MS, err, errlen) : NULL;
	int ok;

	if (!r) {
		unreachable(err);
		return -1;
	}
	ok = json_is_true(json_object_get(r, "succeeded"));
	json_decref(r);
	return ok;
}

static int remove_vds(const char *vds, char *err, size_t errlen)
{
	struct vds *v;
	json_t *r;

	if (read_now(err, errlen) < 0)
		return -1;
	v = find_vds(vds);
	if (!v || !v->def)
		ERR("unknown distributed switch '%s'", vds);
	for (int h = 0; h < v->nhosts; h++)
		if (json_array_size(v->hosts[h].vnics))
			ERR("distributed switch %s has vNICs on host %s (%zu): remove them first", vds, v->hosts[h].name,
			    json_array_size(v->hosts[h].vnics));
	r = etcd_call("/v3/kv/deleterange", json_pack("{s:o,s:o}", "key", b64_field(key_of(vds, "")),
						      "range_end", b64_field(range_end(vds, ""))),
		      CALL_MS, err, errlen);
	if (!r) {
		unreachable(err);
		return -1;
	}
	json_decref(r);
	return read_now(err, errlen);
}

static int change_cmd(const struct vswcmd *c, char *err, size_t errlen)
{
	char line[VSWCMD_MAX_LINE], why[300];
	const char *vds = c->pos[0];

	if (!C.reachable)
		ERR("cluster unreachable (%s)", C.why);
	if (strchr(vds, '/'))
		ERR("bad distributed switch name '%s': '/' is not allowed (it separates etcd keys)", vds);
	if (c->verb == VERB_REMOVE)
		return remove_vds(vds, err, errlen) < 0 ? -1 : 0;
	if (local_line(c, line, sizeof(line)) < 0)
		ERR("command too long");
	for (int attempt = 0; attempt < 5; attempt++) {
		char *def, *next;
		int64_t rev;
		int r;
		if (read_def(vds, &def, &rev, why, sizeof(why)) < 0)
			ERR("cluster unreachable (%s)", why);
		if (c->verb == VERB_CREATE && def) {
			free(def);
			ERR("distributed switch '%s' exists", vds);
		}
		if (c->verb != VERB_CREATE && !def)
			ERR("unknown distributed switch '%s'", vds);
		next = definition_after(vds, def, line, err, errlen);
		if (next && def && !strcmp(next, def)) {
			free(def);
			free(next);
			return 0; /* nothing to change */
		}
		free(def);
		if (!next)
			return -1;
		r = put_def(vds, next, rev, why, sizeof(why));
		free(next);
		if (r < 0)
			ERR("cluster unreachable (%s)", why);
		if (r > 0) {
			/* this host applies it before the answer */
			if (read_now(why, sizeof(why)) < 0)
				logf_(LOG_WARNING, "cluster: changed, but not read back: %s", why);
			return 0;
		}
		if (c->verb == VERB_CREATE)
			ERR("distributed switch '%s' exists", vds);
	}
	ERR("the definition of %s kept changing: try again", vds);
}

static int vds_cmd(struct vswd *d, const struct vswcmd *c, struct outbuf *out, char *err, size_t errlen)
{
	(void)d;
	switch (c->verb) {
	case VERB_LIST:
		return list_cmd(c, out, err, errlen);
	case VERB_HOSTS:
	case VERB_PORTS:
		return hosts_cmd(c, out, err, errlen);
	default:
		return change_cmd(c, err, errlen);
	}
}

/* ---- start and stop ---- */

int cluster_check(const struct cluster_opts *o, char *err, size_t errlen)
{
	const char *v = o->vtep, *comma;
	unsigned char a[16];
	char addr[64];

	if (!o->host || !*o->host || strlen(o->host) > 253 || strchr(o->host, '/'))
		ERR("--cluster needs --host NAME (1-253 bytes, no '/')");
	if (!v)
		ERR("--cluster needs --vtep ADDR[,netns=NS]");
	comma = strchr(v, ',');
	snprintf(addr, sizeof(addr), "%.*s", comma ? (int)(comma - v) : (int)strlen(v), v);
	if (inet_pton(AF_INET, addr, a) != 1 && inet_pton(AF_INET6, addr, a) != 1)
		ERR("--vtep: '%s' is no IPv4 or IPv6 address", addr);
	if (comma && strncmp(comma + 1, "netns=", 6))
		ERR("--vtep: '%s': want ADDR[,netns=NS]", v);
	if (comma && (!comma[7] || strchr(comma + 7, ',') || strchr(comma + 7, '/')))
		ERR("--vtep: bad namespace name in '%s'", v);
	if (!o->prefix || o->prefix[0] != '/' || strlen(o->prefix) > 200)
		ERR("--cluster-prefix: want an absolute key prefix (/libvsw)");
	if (o->lease_ttl < 2 || o->lease_ttl > 3600)
		ERR("--lease-ttl: 2-3600 seconds");
	return 0;
}

int cluster_start(struct vswd *d, const struct cluster_opts *o, char *err, size_t errlen)
{
	const char *comma;

	if (cluster_check(o, err, errlen) < 0 || etcd_init(o->endpoints, err, errlen) < 0)
		return -1;
	C.d = d;
	C.o = *o;
	/* a trailing '/' would make keys with '//' */
	static char prefix[256];
	snprintf(prefix, sizeof(prefix), "%s", o->prefix);
	while (strlen(prefix) > 1 && prefix[strlen(prefix) - 1] == '/')
		prefix[strlen(prefix) - 1] = 0;
	C.o.prefix = prefix;
	comma = strchr(o->vtep, ',');
	snprintf(C.vtep, sizeof(C.vtep), "%.*s", comma ? (int)(comma - o->vtep) : (int)strlen(o->vtep), o->vtep);
	snprintf(C.netns, sizeof(C.netns), "%s", comma ? comma + 7 : "");
	snprintf(C.spec, sizeof(C.spec), "vxlan:%s%s%s", C.vtep, *C.netns ? ",netns=" : "", C.netns);
	d->vds = vds_cmd;
	d->managed = managed;
	C.started = true;
	C.next_read = now_ms();
	floods_load();
	logf_(LOG_INFO, "cluster %s: host %s, VTEP %s%s%s, prefix %s", o->endpoints, o->host, C.vtep,
	      *C.netns ? " in " : "", C.netns, C.o.prefix);
	cluster_run();
	return 0;
}

void cluster_stop(void)
{
	if (!C.started)
		return;
	/* the host keys go now rather than when the lease runs out */
	if (C.lease && C.reachable) {
		char why[256];
		json_decref(etcd_call("/v3/lease/revoke", json_pack("{s:I}", "ID", (json_int_t)C.lease), 500, why,
				      sizeof(why)));
	}
	etcd_cleanup();
	vds_free(C.vds, C.nvds);
	for (int i = 0; i < C.nap; i++) {
		free(C.ap[i].name);
		free(C.ap[i].def);
		free(C.ap[i].published);
	}
	free(C.ap);
	memset(&C, 0, sizeof(C));
}
