// SPDX-License-Identifier: MIT
/*
 * persist.c - the state file (persist.h). A reload compares two dumps
 * object by object: the daemon's, and the one a dry run of the file gives
 * (the file's commands run against switches of their own, so that a
 * hand-edited file compares in the same canonical words).
 */
#include "persist.h"
#include "dump.h"
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

typedef void (*log_fn)(const char *line, const char *why);

/* ---- writing ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, r;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int persist_save(struct vswd *d, const char *path, char *err, size_t errlen)
{
	struct dump dump = { 0 };
	struct outbuf text = { 0 };
	char tmp[PATH_MAX];
	int fd, e = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		ERR("%s: path too long", path);
	if (dump_make(d, &dump) < 0) {
		dump_free(&dump);
		ERR("%s: out of memory", path);
	}
	dump_text(&dump, &text);
	dump_free(&dump);
	if (!text.p)
		ERR("%s: out of memory", path);
	/* the file holds backend paths and addresses: the daemon's own */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, text.p, text.len) < 0 || fsync(fd) < 0)
		e = errno;
	if (fd >= 0 && close(fd) < 0 && !e)
		e = errno;
	out_free(&text);
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		unlink(tmp);
		ERR("%s: %s", path, strerror(e));
	}
	/* the rename is durable only once the directory is */
	if (sync_dir(path) < 0)
		ERR("%s: directory: %s", path, strerror(errno));
	return 0;
}

/* ---- the dry run ---- */

/* 'path' (or 'text', named 'path') run against a daemon of its own that
 * builds nothing in the host. */
static int dry_run_text(const char *path, const char *text, struct vswd *scratch, char *err, size_t errlen)
{
	struct outbuf out = { 0 };
	char msg[300];
	FILE *f = text ? fmemopen((void *)text, strlen(text), "r") : fopen(path, "re");
	int r;

	*scratch = (struct vswd){ .dry = true };
	if (!f)
		ERR("%s: %s", path, strerror(errno));
	r = vswd_config_load(scratch, f, &out, msg, sizeof(msg));
	fclose(f);
	out_free(&out);
	if (r < 0)
		ERR("%s:%s", path, msg);
	return 0;
}

static int dry_run(const char *path, struct vswd *scratch, char *err, size_t errlen)
{
	return dry_run_text(path, NULL, scratch, err, errlen);
}

static void scratch_free(struct vswd *scratch)
{
	vswd_clear(scratch);
	vswd_netstack_cleanup(scratch);
}

int persist_check(const char *path, char *err, size_t errlen)
{
	struct vswd scratch;
	int r = dry_run(path, &scratch, err, errlen);

	scratch_free(&scratch);
	return r;
}

/* ---- running commands ---- */

static int run_line(struct vswd *d, const char *line, log_fn log)
{
	struct vswcmd *c = malloc(sizeof(*c));
	struct outbuf out = { 0 };
	char err[300];
	int r;

	if (!c) {
		if (log)
			log(line, "out of memory");
		return -1;
	}
	r = vswcmd_parse(line, c, err, sizeof(err));
	if (r > 0)
		r = vswd_exec(d, c, &out, err, sizeof(err));
	if (r < 0 && log)
		log(line, err);
	out_free(&out);
	free(c);
	return r;
}

/* Each line of 'text'; the number run. */
static int run_text(struct vswd *d, const char *text, log_fn log)
{
	char line[VSWCMD_MAX_LINE + 1];
	int n = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (len < sizeof(line)) {
			memcpy(line, text, len);
			line[len] = 0;
			run_line(d, line, log);
			n++;
		}
		text += len + (nl != NULL);
	}
	return n;
}

static int run_words(struct vswd *d, char *const *w, int n, log_fn log)
{
	char line[VSWCMD_MAX_LINE + 1];

	if (vswcmd_join(n, w, line, sizeof(line)) < 0)
		return -1;
	run_line(d, line, log);
	return 1;
}

/* The words of an entry's first line. */
static int split(const char *text, struct vswcmd *c)
{
	char line[VSWCMD_MAX_LINE + 1], err[128];
	const char *nl = strchr(text, '\n');
	size_t len = nl ? (size_t)(nl - text) : strlen(text);

	if (len >= sizeof(line))
		return -1;
	memcpy(line, text, len);
	line[len] = 0;
	return vswcmd_split(line, c, err, sizeof(err));
}

/* The value after option 'opt' on an entry's first line, or "". */
static const char *option_value(const struct vswcmd *c, const char *opt)
{
	for (int i = 0; i + 1 < c->nwords; i++)
		if (!strcmp(c->words[i], opt))
			return c->words[i + 1];
	return "";
}

/* ---- the difference ---- */

static void remove_entry(struct vswd *d, const struct dump_entry *e, log_fn log)
{
	static const char *const obj[] = {
		[DK_NETSTACK] = "netstack", [DK_VSWITCH] = "vswitch", [DK_PORTGROUP] = "portgroup",
		[DK_UPLINK] = "uplink", [DK_VNIC] = "vnic", [DK_VMK] = "vmk", [DK_VDE] = "vde",
		[DK_MIRROR] = "mirror",
	};
	char key[VSWCMD_MAX_LINE], *sw, *name, *w[4];
	int n = 0;

	snprintf(key, sizeof(key), "%s", e->key);
	sw = strchr(key, '\x1f');
	if (!sw || !(name = strchr(++sw, '\x1f')))
		return;
	*name++ = 0;
	w[n++] = (char *)obj[e->kind];
	w[n++] = "remove";
	if (*sw)
		w[n++] = sw;
	if (*name)
		w[n++] = name;
	run_words(d, w, n, log);
}

/* Whether a changed entry is replaced (removed, then added again) rather
 * than set in place. */
static bool replaced(const struct dump_entry *now, const struct dump_entry *want,
		     struct vswcmd *c1, struct vswcmd *c2)
{
	switch (now->kind) {
	case DK_VSWITCH:
		/* a MAC table's size is fixed when the switch is made */
		return split(now->text, c1) < 0 || split(want->text, c2) < 0 ||
		       strcmp(option_value(c1, "--max-macs"), option_value(c2, "--max-macs"));
	case DK_PORTGROUP:
	case DK_POLICY:
		return false;
	default:
		return true;
	}
}

/* vswitch and portgroup "add" lines as "set": what can change in place. */
static int set_in_place(struct vswd *d, const struct dump_entry *want, struct vswcmd *c, log_fn log)
{
	char *w[VSWCMD_MAX_WORDS];
	int n = 0;

	if (split(want->text, c) < 0 || c->nwords < 3)
		return 0;
	for (int i = 0; i < c->nwords; i++) {
		if (!strcmp(c->words[i], "--max-macs")) {
			i++;
			continue;
		}
		w[n++] = i == 1 ? "set" : c->words[i];
	}
	/* a port group's VLAN is its one setting */
	return n > 3 ? run_words(d, w, n, log) : 0;
}

/* A port group's overrides that the file drops go back to the switch's. */
static int clear_dropped(struct vswd *d, const struct dump_entry *now, const struct dump_entry *want,
			 struct vswcmd *c1, struct vswcmd *c2, log_fn log)
{
	char *w[VSWCMD_MAX_WORDS], keys[VSWCMD_MAX_WORDS][64];
	int n = 0;

	if (split(now->text, c1) < 0 || c1->nwords < 5)
		return 0; /* nothing overridden now */
	if (*want->text && split(want->text, c2) < 0)
		return 0;
	w[n++] = "policy";
	w[n++] = "clear";
	w[n++] = c1->words[2];
	w[n++] = c1->words[3];
	for (int i = 4; i < c1->nwords; i++) {
		size_t kl = strcspn(c1->words[i], "=");
		bool kept = false;
		for (int j = 4; *want->text && j < c2->nwords; j++)
			kept |= !strncmp(c1->words[i], c2->words[j], kl) && c2->words[j][kl] == '=';
		/* active= and standby= are one teaming order, cleared as one */
		if (kept || !strncmp(c1->words[i], "standby=", 8))
			continue;
		snprintf(keys[n], sizeof(keys[n]), "%.*s", (int)kl, c1->words[i]);
		w[n] = keys[n];
		n++;
	}
	return n > 4 ? run_words(d, w, n, log) : 0;
}

static int apply_policies(struct vswd *d, const struct dump *want, struct vswcmd *c1,
			  struct vswcmd *c2, log_fn log)
{
	struct dump now = { 0 };
	int ran = 0;

	if (dump_make(d, &now) < 0) {
		dump_free(&now);
		return 0;
	}
	for (int i = 0; i < want->n; i++) {
		const struct dump_entry *e = &want->e[i], *cur;
		if (e->kind != DK_POLICY)
			continue;
		cur = dump_find(&now, e->key);
		if (!cur || !strcmp(cur->text, e->text))
			continue;
		/* a switch's line names every key; a port group's only its own */
		if (e->key[strlen(e->key) - 1] != '\x1f')
			ran += clear_dropped(d, cur, e, c1, c2, log);
		ran += run_text(d, e->text, log);
	}
	dump_free(&now);
	return ran;
}

int persist_reload(struct vswd *d, const char *path, log_fn log, char *err, size_t errlen)
{
	return persist_reload_text(d, path, NULL, log, err, errlen);
}

int persist_reload_text(struct vswd *d, const char *path, const char *text, log_fn log, char *err,
			size_t errlen)
{
	struct vswd scratch;
	struct dump want = { 0 }, now = { 0 };
	struct vswcmd *c1 = NULL, *c2 = NULL;
	int ran = 0;

	if (dry_run_text(path, text, &scratch, err, errlen) < 0) {
		scratch_free(&scratch);
		return -1;
	}
	int e = dump_make(&scratch, &want);
	scratch_free(&scratch);
	c1 = malloc(sizeof(*c1));
	c2 = malloc(sizeof(*c2));
	if (e < 0 || !c1 || !c2 || dump_make(d, &now) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		ran = -1;
		goto out;
	}
	/* 1: what goes, or is replaced, in the reverse of the order it was made */
	for (int i = now.n - 1; i >= 0; i--) {
		const struct dump_entry *cur = &now.e[i], *w = dump_find(&want, cur->key);
		if (cur->kind == DK_POLICY)
			continue;
		if (!w || (strcmp(w->text, cur->text) && replaced(cur, w, c1, c2))) {
			remove_entry(d, cur, log);
			ran++;
		}
	}
	/* 2: what is new or set in place, in order */
	dump_free(&now);
	if (dump_make(d, &now) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		ran = -1;
		goto out;
	}
	for (int i = 0; i < want.n; i++) {
		const struct dump_entry *w = &want.e[i], *cur = dump_find(&now, w->key);
		if (w->kind == DK_POLICY)
			continue;
		if (!cur) {
			ran += run_text(d, w->text, log);
		} else if (strcmp(w->text, cur->text) && w->kind == DK_MIRROR) {
			/* a session the same in both files lost a port that step 1
			 * replaced (the library took the port out of it) */
			remove_entry(d, cur, log);
			ran += 1 + run_text(d, w->text, log);
		} else if (strcmp(w->text, cur->text) && !replaced(cur, w, c1, c2)) {
			ran += set_in_place(d, w, c1, log);
		}
	}
	/* 3: policies last, against what the ports made of them */
	ran += apply_policies(d, &want, c1, c2, log);
out:
	free(c1);
	free(c2);
	dump_free(&want);
	dump_free(&now);
	return ran;
}
