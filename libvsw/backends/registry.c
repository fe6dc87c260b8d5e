// SPDX-License-Identifier: MIT
/*
 * registry.c - the backend registry and backend instances: opening an
 * instance from a "TYPE:ARGUMENT" spec, using it on its own, and handing it
 * to a port. Built-in types sit in a static table; types registered at run
 * time join a list. An open's note (what it did, or why it failed) waits
 * here for the port's log. The registry is the library's only global state and is
 * guarded by a mutex, taken on open, close, register and unregister only,
 * never on the frame path. A built-in type left out at configure time
 * (--disable-backend-NAME) is absent from the table: opening it fails with
 * -ENOENT, as for any unknown type.
 */
#include "config.h"
#include "core/alloc.h"
#include "core/check.h"
#include "backends/backends.h"
#include "backends/private.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

extern const struct vsw_backend_ops vsw__memory_ops;
extern const struct vsw_backend_ops vsw__tap_ops;
#ifdef VSW_WITH_AFPACKET
extern const struct vsw_backend_ops vsw__afpacket_ops;
#endif
#ifdef VSW_WITH_RAW
extern const struct vsw_backend_ops vsw__raw_ops;
#endif
#ifdef VSW_WITH_QEMU
extern const struct vsw_backend_ops vsw__qemu_ops;
#endif
#ifdef VSW_WITH_VHOSTUSER
extern const struct vsw_backend_ops vsw__vhostuser_ops;
#endif
#ifdef VSW_WITH_VXLAN
extern const struct vsw_backend_ops vsw__vxlan_ops;
#endif

struct reg {
	const struct vsw_backend_ops *ops;
	unsigned int n_open;
	bool builtin;
	struct reg *next;
	/* a registered type's table, copied whole: members a smaller (older)
	 * caller's table lacks are NULL, the defaults of optional hooks */
	struct vsw_backend_ops table;
	char name[16];
};

/* The frozen base of the 2.x struct: what every caller's table holds. */
#define OPS_2_0_SIZE vsw__offsetofend(struct vsw_backend_ops, run)
/* What this library knows of it: the end of its last member. */
#define OPS_KNOWN_SIZE vsw__offsetofend(struct vsw_backend_ops, set_persist)

static struct reg builtins[] = {
	{ .ops = &vsw__memory_ops, .builtin = true },
	{ .ops = &vsw__tap_ops, .builtin = true },
#ifdef VSW_WITH_AFPACKET
	{ .ops = &vsw__afpacket_ops, .builtin = true },
#endif
#ifdef VSW_WITH_RAW
	{ .ops = &vsw__raw_ops, .builtin = true },
#endif
#ifdef VSW_WITH_QEMU
	{ .ops = &vsw__qemu_ops, .builtin = true },
#endif
#ifdef VSW_WITH_VHOSTUSER
	{ .ops = &vsw__vhostuser_ops, .builtin = true },
#endif
#ifdef VSW_WITH_VXLAN
	{ .ops = &vsw__vxlan_ops, .builtin = true },
#endif
};

/* The note of the open under way in this thread (vsw_backend_open() runs
 * one open at a time per thread, and no switch is there yet to log it). */
static _Thread_local char open_note[sizeof(((struct vsw_backend *)0)->note)];

void vsw__backend_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(open_note, sizeof(open_note), fmt, ap);
	va_end(ap);
}

const char *vsw_backend_open_reason(void)
{
	return open_note;
}

/* Copy the note of this thread's open to 'out' ("" if none), and clear it. */
static void note_take(char *out, size_t len)
{
	if (len)
		snprintf(out, len, "%s", open_note);
	open_note[0] = 0;
}

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reg *registered;

#define N_BUILTIN (sizeof(builtins) / sizeof(builtins[0]))

static struct reg *reg_find(const char *name, size_t len)
{
	for (size_t i = 0; i < N_BUILTIN; i++)
		if (strlen(builtins[i].ops->name) == len && !memcmp(builtins[i].ops->name, name, len))
			return &builtins[i];
	for (struct reg *r = registered; r; r = r->next)
		if (strlen(r->ops->name) == len && !memcmp(r->ops->name, name, len))
			return r;
	return NULL;
}

static bool name_ok(const char *n)
{
	size_t i;

	if (!n || !*n)
		return false;
	for (i = 0; n[i]; i++) {
		char c = n[i];
		if (i == 15 || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int vsw_backend_register(const struct vsw_backend_ops *ops)
{
	struct reg *r;
	int err = 0;

	if (!ops || ops->size < sizeof(size_t))
		return -EINVAL;
	/* 2.0 is the base of the struct: it must be whole; a newer caller's
	 * members this library does not know must be zero */
	if (ops->size < OPS_2_0_SIZE || vsw__check_opts_size(ops, ops->size, OPS_KNOWN_SIZE))
		return -EINVAL;
	if (!name_ok(ops->name) || !ops->open || !ops->close || !ops->recv || !ops->send)
		return -EINVAL;
	pthread_mutex_lock(&reg_lock);
	if (reg_find(ops->name, strlen(ops->name))) {
		err = -EEXIST;
	} else if (!(r = vsw__calloc(1, sizeof(*r)))) {
		err = -ENOMEM;
	} else {
		/* copied, so that a caller's table of any version is read once,
		 * here, and the hooks it lacks read as NULL ever after */
		memcpy(&r->table, ops, ops->size < OPS_KNOWN_SIZE ? ops->size : OPS_KNOWN_SIZE);
		r->table.size = sizeof(r->table);
		snprintf(r->name, sizeof(r->name), "%s", ops->name);
		r->table.name = r->name;
		r->ops = &r->table;
		r->next = registered;
		registered = r;
	}
	pthread_mutex_unlock(&reg_lock);
	return err;
}

int vsw_backend_unregister(const char *name)
{
	struct reg **pp, *r;
	int err = -ENOENT;

	if (!name)
		return -EINVAL;
	pthread_mutex_lock(&reg_lock);
	for (pp = &registered; (r = *pp); pp = &r->next) {
		if (strcmp(r->ops->name, name))
			continue;
		if (r->n_open) {
			err = -EBUSY;
		} else {
			*pp = r->next;
			vsw__free(r);
			err = 0;
		}
		break;
	}
	pthread_mutex_unlock(&reg_lock);
	return err;
}

static void reg_release(const struct vsw_backend_ops *ops)
{
	pthread_mutex_lock(&reg_lock);
	struct reg *r = reg_find(ops->name, strlen(ops->name));
	if (r && r->n_open)
		r->n_open--;
	pthread_mutex_unlock(&reg_lock);
}

int vsw_backend_open(const char *spec, const char *options, struct vsw_backend **out)
{
	const char *colon;
	struct vsw_backend *be;
	struct reg *r;
	int err;

	note_take(NULL, 0); /* a note is of this open only */
	if (!spec || !out || !(colon = strchr(spec, ':')) || colon == spec)
		return -EINVAL;
	be = vsw__calloc(1, sizeof(*be));
	if (!be)
		return -ENOMEM;
	pthread_mutex_lock(&reg_lock);
	r = reg_find(spec, (size_t)(colon - spec));
	if (r) {
		r->n_open++;
		be->ops = r->ops;
	}
	pthread_mutex_unlock(&reg_lock);
	if (!r) {
		vsw__free(be);
		return -ENOENT;
	}
	be->fd = -1;
	err = be->ops->open(be, colon + 1, options);
	if (!err) /* what it did is the instance's; a failure's reason stays */
		note_take(be->note, sizeof(be->note));
	if (err) {
		reg_release(be->ops);
		vsw__free(be);
		return err < 0 ? err : -EIO;
	}
	*out = be;
	return 0;
}

void vsw__backend_free(struct vsw_backend *be)
{
	const struct vsw_backend_ops *ops = be->ops;

	ops->close(be);
	vsw__free(be);
	reg_release(ops);
}

void vsw_backend_close(struct vsw_backend *be)
{
	if (!be || be->port)
		return;
	vsw__backend_free(be);
}

const char *vsw_backend_type(const struct vsw_backend *be)
{
	return be ? be->ops->name : NULL;
}

int vsw_backend_recv(struct vsw_backend *be, struct vsw_frame *frames, unsigned int n)
{
	int r;

	if (!be || !frames)
		return -EINVAL;
	if (be->port)
		return -EBUSY;
	if (!n)
		return 0;
	r = be->ops->recv(be, frames, n > VSW_BATCH_MAX ? VSW_BATCH_MAX : n);
	return r == -EAGAIN ? 0 : r;
}

int vsw_backend_send(struct vsw_backend *be, const struct vsw_frame *frames, unsigned int n)
{
	int r;

	if (!be || !frames)
		return -EINVAL;
	if (be->port)
		return -EBUSY;
	if (!n)
		return 0;
	r = be->ops->send(be, frames, n > VSW_BATCH_MAX ? VSW_BATCH_MAX : n);
	return r == -EAGAIN ? 0 : r;
}

int vsw_backend_fd(const struct vsw_backend *be)
{
	if (!be)
		return -EINVAL;
	return be->ops->fd ? be->ops->fd((struct vsw_backend *)be) : -EOPNOTSUPP;
}

int vsw_backend_link(struct vsw_backend *be)
{
	int r;

	if (!be)
		return -EINVAL;
	if (!be->ops->link_state)
		return 1;
	r = be->ops->link_state(be);
	return r < 0 ? r : r > 0;
}

int vsw_backend_set_link(struct vsw_backend *be, int up)
{
	if (!be || (up != 0 && up != 1))
		return -EINVAL;
	return be->ops->set_link ? be->ops->set_link(be, up) : -EOPNOTSUPP;
}

int vsw_backend_mac(struct vsw_backend *be, uint8_t mac[6])
{
	if (!be || !mac)
		return -EINVAL;
	return be->ops->mac ? be->ops->mac(be, mac) : -EOPNOTSUPP;
}

int vsw_backend_set_persist(struct vsw_backend *be, int persist)
{
	if (!be || (persist != 0 && persist != 1))
		return -EINVAL;
	return be->ops->set_persist ? be->ops->set_persist(be, persist) : -EOPNOTSUPP;
}

int vsw_backend_mtu(struct vsw_backend *be)
{
	if (!be)
		return -EINVAL;
	return be->ops->mtu ? be->ops->mtu(be) : -EOPNOTSUPP;
}
