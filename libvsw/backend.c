// SPDX-License-Identifier: MIT
/*
 * backend.c - the backend registry and backend instances: opening an
 * instance from a "TYPE:ARGUMENT" spec, using it on its own, and handing it
 * to a port. Built-in types sit in a static table; types registered at run
 * time join a list. The registry is the library's only global state and is
 * guarded by a mutex, taken on open, close, register and unregister only,
 * never on the frame path.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

extern const struct vsw_backend_ops vsw__memory_ops;
extern const struct vsw_backend_ops vsw__tap_ops;
extern const struct vsw_backend_ops vsw__afpacket_ops;
extern const struct vsw_backend_ops vsw__raw_ops;
extern const struct vsw_backend_ops vsw__qemu_ops;

struct reg {
	const struct vsw_backend_ops *ops;
	unsigned int n_open;
	bool builtin;
	struct reg *next;
};

static struct reg builtins[] = {
	{ .ops = &vsw__memory_ops, .builtin = true },
	{ .ops = &vsw__tap_ops, .builtin = true },
	{ .ops = &vsw__afpacket_ops, .builtin = true },
	{ .ops = &vsw__raw_ops, .builtin = true },
	{ .ops = &vsw__qemu_ops, .builtin = true },
};

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
	/* 1.0 is the first version of the struct: it must be whole */
	if (ops->size < sizeof(*ops) || vsw__check_opts_size(ops, ops->size, sizeof(*ops)))
		return -EINVAL;
	if (!name_ok(ops->name) || !ops->open || !ops->close || !ops->recv || !ops->send)
		return -EINVAL;
	pthread_mutex_lock(&reg_lock);
	if (reg_find(ops->name, strlen(ops->name))) {
		err = -EEXIST;
	} else if (!(r = vsw__calloc(1, sizeof(*r)))) {
		err = -ENOMEM;
	} else {
		r->ops = ops;
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

int vsw_backend_mtu(struct vsw_backend *be)
{
	if (!be)
		return -EINVAL;
	return be->ops->mtu ? be->ops->mtu(be) : -EOPNOTSUPP;
}

void *vsw_backend_priv(const struct vsw_backend *be)
{
	return be ? be->priv : NULL;
}

void vsw_backend_set_priv(struct vsw_backend *be, void *priv)
{
	if (be)
		be->priv = priv;
}

void vsw_backend_notify(struct vsw_backend *be)
{
	if (be)
		__atomic_store_n(&be->notified, 1, __ATOMIC_RELEASE);
}

int vsw_backend_count(struct vsw_backend *be, enum vsw_counter ctr, uint64_t n)
{
	if (!be || (ctr != VSW_CTR_TRUNCATED && ctr != VSW_CTR_RX_DROPPED
		    && ctr != VSW_CTR_RX_ERRORS))
		return -EINVAL;
	if (be->port)
		be->port->ctr[ctr] += n;
	return 0;
}

/* ---- ports and their backends ---- */

bool vsw__port_refresh_carrier(struct vsw_port *p)
{
	bool up = p->be ? vsw_backend_link(p->be) > 0 : true;

	if (up == p->carrier)
		return false;
	p->carrier = up;
	vsw__info(p->sw, "%s: link %s", p->name, up ? "up" : "down");
	vsw__port_link_changed(p);
	return true;
}

void vsw__port_check_mtu(struct vsw_port *p)
{
	int mtu = p->be ? vsw_backend_mtu(p->be) : -EOPNOTSUPP;

	/* not refused: the host may raise the device's MTU next, and the
	 * backend follows it; until then larger frames are lost there */
	if (mtu > 0 && (unsigned int)mtu < p->sw->mtu)
		vsw__warn(p->sw, "%s: the %s backend's MTU %d is below the switch MTU %u: "
			  "larger frames are dropped there", p->name, p->be->ops->name, mtu,
			  p->sw->mtu);
}

int vsw_port_attach_backend(struct vsw_port *port, struct vsw_backend *be)
{
	int err;

	if (!port || !be)
		return -EINVAL;
	if (port->be || be->port || port->sw->in_flush)
		return -EBUSY;
	port->be = be;
	be->port = port;
	err = vsw__loop_add(port->sw, port);
	if (err) {
		port->be = NULL;
		be->port = NULL;
		return err;
	}
	vsw__hot(port)->be = be;
	vsw__info(port->sw, "%s: attached to a %s backend", port->name, be->ops->name);
	vsw__port_check_mtu(port);
	vsw__port_refresh_carrier(port);
	return 0;
}

int vsw_port_attach(struct vsw_port *port, const char *spec, const char *options)
{
	struct vsw_backend *be;
	int err;

	if (!port)
		return -EINVAL;
	if (port->be || port->sw->in_flush)
		return -EBUSY;
	err = vsw_backend_open(spec, options, &be);
	if (err)
		return err;
	err = vsw_port_attach_backend(port, be);
	if (err)
		vsw_backend_close(be);
	return err;
}

int vsw_port_detach(struct vsw_port *port)
{
	struct vsw_backend *be;

	if (!port)
		return -EINVAL;
	if (!port->be)
		return -ENOENT;
	if (port->sw->in_flush)
		return -EBUSY;
	be = port->be;
	if (port->kind == VSW_PORT_VMK && vsw_port_to_vmk(port)->iface == be) {
		if (vsw_port_to_vmk(port)->in_walk)
			return -EBUSY; /* the walk reads the socket that goes with it */
		vsw__vmk_iface_release(vsw_port_to_vmk(port)); /* the interface goes with the tap */
	}
	vsw__loop_del(port->sw, port);
	port->be = NULL;
	vsw__hot(port)->be = NULL;
	be->port = NULL;
	vsw__backend_free(be);
	vsw__port_refresh_carrier(port);
	return 0;
}

struct vsw_backend *vsw_port_backend(const struct vsw_port *port)
{
	return port ? port->be : NULL;
}
