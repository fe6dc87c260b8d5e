// SPDX-License-Identifier: MIT
/*
 * vdesrv.c - vswd's VDE server (see vdesrv.h): "vde add" makes a
 * vde_switch-style control directory for a port group; each client that
 * connects and asks for a port (vde.c speaks the protocol) becomes a vNIC
 * on a datagram pair, and goes when its control connection closes. One
 * user's silent connections cannot keep others' VMs out.
 */
#include "vdesrv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "vde.h"

#define MAX_VDE 256           /* VDE control connections at once, in all */
#define MAX_VDE_PENDING 16    /* not yet answered, per directory and user */
#define MAX_VDE_PER_UID 64    /* any user but root's and the daemon's */

/* A vde_switch-style control directory feeding a port group. */
struct vde_dir {
	char path[96];
	int dirfd;
	struct vsw_switch *sw;
	char pg[VSW_NAME_MAX + 1];
	struct watch *w;
	struct vde_client *clients;
	struct vde_dir *next;
};

struct vde_client {
	struct vde_dir *dir;
	struct watch *w;
	unsigned int port;           /* 0 until the request is answered */
	char vnic[VSW_NAME_MAX + 1];
	struct vde_client *next;
};


static struct {
	struct vde_dir *dirs;
	unsigned int n;              /* client connections */
	long gid;                    /* group of sockets, or -1 */
	uint64_t timeout_ms;         /* to send a request */
} srv = { .gid = -1 };

void vdesrv_setup(long gid, uint64_t timeout_ms)
{
	srv.gid = gid;
	srv.timeout_ms = timeout_ms;
}

static void vde_client_free(struct vde_client *cl, bool remove_vnic)
{
	struct vde_client **pp;
	struct vsw_port *p;

	if (remove_vnic && cl->port && vsw_port_find(cl->dir->sw, cl->vnic, &p) == 0)
		vsw_vnic_remove(vsw_port_to_vnic(p));
	for (pp = &cl->dir->clients; *pp != cl; pp = &(*pp)->next)
		;
	*pp = cl->next;
	watch_del(cl->w);
	srv.n--;
	free(cl);
}

static void vde_dir_free(struct vde_dir *dir, bool remove_vnics)
{
	struct vde_dir **pp;

	while (dir->clients)
		vde_client_free(dir->clients, remove_vnics);
	watch_del(dir->w);
	/* through the directory's descriptor: no path to swap */
	unlinkat(dir->dirfd, "ctl", 0);
	close(dir->dirfd);
	for (pp = &srv.dirs; *pp != dir; pp = &(*pp)->next)
		;
	*pp = dir->next;
	free(dir);
}

int vdesrv_cmd(struct vswd *d, const struct vswcmd *c, char *err, size_t errlen)
{
	struct vswd_switch *s = vswd_find_switch(d, c->pos[0]);
	struct vsw_switch *sw = s ? s->sw : NULL;
	const char *path = c->pos[c->verb == VERB_ADD ? 2 : 1];
	struct vsw_portgroup *pg;
	struct vde_dir *dir;
	int fd, dirfd = -1;

	if (!sw && c->if_exists)
		return 0;
	if (!sw) {
		snprintf(err, errlen, "unknown vswitch '%s'", c->pos[0]);
		return -1;
	}
	for (dir = srv.dirs; dir; dir = dir->next)
		if (!strcmp(dir->path, path))
			break;
	if (c->verb == VERB_REMOVE) {
		if ((!dir || dir->sw != sw) && c->if_exists)
			return 0;
		if (!dir || dir->sw != sw) {
			snprintf(err, errlen, "no VDE directory '%s' on %s", path, c->pos[0]);
			return -1;
		}
		vde_dir_free(dir, true);
		return 0;
	}
	/* --may-exist: this switch serves it already (whatever its port group) */
	if (dir && c->may_exist && dir->sw == sw)
		return 0;
	if (dir) {
		snprintf(err, errlen, "VDE directory '%s' is in use", path);
		return -1;
	}
	if (vsw_portgroup_find(sw, c->pos[1], &pg)) {
		snprintf(err, errlen, "unknown port group '%s'", c->pos[1]);
		return -1;
	}
	if (strlen(path) >= sizeof(dir->path) - 8) {
		snprintf(err, errlen, "VDE directory '%s': path too long", path);
		return -1;
	}
	/* who may plug into a VDE port is who may drive vswd */
	fd = vde_listen(path, srv.gid >= 0 ? 0660 : 0600, srv.gid, &dirfd, err,
			errlen);
	if (fd < 0)
		return -1;
	dir = calloc(1, sizeof(*dir));
	if (!dir || !(dir->w = watch_add(K_VDE_LISTEN, fd, accepting() ? EPOLLIN : 0))) {
		free(dir);
		unlinkat(dirfd, "ctl", 0);
		close(fd);
		close(dirfd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dir->dirfd = dirfd;
	strcpy(dir->path, path);
	strcpy(dir->pg, c->pos[1]);
	dir->sw = sw;
	dir->w->vde = dir;
	dir->next = srv.dirs;
	srv.dirs = dir;
	return 0;
}

void vdesrv_accept(void *p)
{
	struct vde_dir *dir = p;
	int fd = accept4(dir->w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct vde_client *cl;
	struct ucred cr;
	socklen_t l = sizeof(cr);
	unsigned int pending = 0;

	if (fd < 0) {
		accept_failed(errno);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0) {
		close(fd);
		return;
	}
	/* one user's silent connections must not keep others' VMs out */
	for (cl = dir->clients; cl; cl = cl->next)
		pending += !cl->port && cl->w->uid == cr.uid;
	if (srv.n >= MAX_VDE || (!privileged(cr.uid) && (pending >= MAX_VDE_PENDING ||
			     count_uid(K_VDE_CLIENT, cr.uid) >= MAX_VDE_PER_UID))) {
		refusal(cr.uid, "%s: refused a VDE connection of uid %u: too many", dir->path,
			(unsigned int)cr.uid);
		close(fd);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl || !(cl->w = watch_add(K_VDE_CLIENT, fd, EPOLLIN))) {
		free(cl);
		close(fd);
		return;
	}
	cl->w->uid = cr.uid;
	cl->w->deadline = now_ms() + srv.timeout_ms;
	srv.n++;
	cl->dir = dir;
	cl->w->vde = cl;
	cl->next = dir->clients;
	dir->clients = cl;
}

/* A client's request, once whole: a port, a vNIC on the datagram pair, the answer. */
static int vde_attach(struct vde_client *cl, unsigned int want, const char *sock)
{
	struct vde_dir *dir = cl->dir;
	struct vsw_portgroup *pg;
	struct vsw_vnic *v = NULL;
	char data[128], spec[320];
	const char *base = strrchr(dir->path, '/');
	unsigned int port = 0;
	uint8_t mac[6];
	int err = -EADDRINUSE;

	base = base ? base + 1 : dir->path;
	/* the port asked for, or the lowest free one */
	for (unsigned int p = want ? want : 1; p <= VDE_MAX_PORT && !port; p++) {
		bool used = false;
		for (struct vde_client *o = dir->clients; o; o = o->next)
			used |= o->port == p;
		if (!used)
			port = p;
		else if (want)
			break;
	}
	if (!port)
		return -EADDRINUSE; /* taken, or all are */
	/* the switch sends this port's frames, as root, to the datagram socket
	 * the client names: it must be the client's own, not /dev/log or
	 * another daemon's. A client that swaps the name for a symlink between
	 * this check and the backend's connect() still wins that race: closing
	 * it needs the qemu backend to connect through a checked descriptor. */
	struct stat st;
	if (lstat(sock, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (!privileged(cl->w->uid) && st.st_uid != cl->w->uid))
		return -EPERM;
	if (vsw_portgroup_find(dir->sw, dir->pg, &pg))
		return -ENOENT;
	snprintf(cl->vnic, sizeof(cl->vnic), "vde%u-%.40s", port, base);
	snprintf(data, sizeof(data), "%s/%03u", dir->path, port);
	snprintf(spec, sizeof(spec), "qemu:dgram:%s=%s", data, sock);
	for (unsigned int salt = 0; salt < 16 && err == -EADDRINUSE; salt++) {
		vswd_default_mac(vsw_switch_name(dir->sw), cl->vnic, salt, mac);
		err = vsw_vnic_add(pg, cl->vnic, mac, 0, &v);
	}
	if (err)
		return err;
	char opts[48] = "mode=0600";
	if (srv.gid >= 0)
		snprintf(opts, sizeof(opts), "mode=0660,group=%ld", srv.gid);
	err = vsw_port_attach(vsw_vnic_port(v), spec, opts);
	if (!err)
		err = vde_reply(cl->w->fd, data);
	if (err) {
		vsw_vnic_remove(v);
		return err;
	}
	cl->port = port;
	cl->w->deadline = 0; /* the port lives as long as the connection */
	logf_(LOG_INFO, "%s: VDE client on %s port %u is %s", vsw_switch_name(dir->sw), dir->path,
	      port, cl->vnic);
	return 0;
}

void vdesrv_client_io(void *p)
{
	struct vde_client *cl = p;
	struct watch *w = cl->w;
	ssize_t n = recv(w->fd, w->in + w->inlen, sizeof(w->in) - 1 - w->inlen, 0);
	unsigned int port;
	char sock[110];

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			vde_client_free(cl, true); /* the VM went away: so does its port */
		return;
	}
	if (cl->port)
		return; /* nothing more is said on an answered control connection */
	w->inlen += (size_t)n;
	int r = vde_parse_request((const uint8_t *)w->in, w->inlen, &port, sock, sizeof(sock));
	if (r == 0 && w->inlen < sizeof(w->in) - 1)
		return;
	if (r <= 0 || vde_attach(cl, port, sock) < 0) {
		refusal(w->uid, "%s: refused a VDE client of uid %u", cl->dir->path, (unsigned int)w->uid);
		vde_client_free(cl, false);
	}
}

void vdesrv_expired(void *p)
{
	vde_client_free(p, false);
}

void vdesrv_switch_removing(struct vsw_switch *sw)
{
	/* the switch frees the vNICs itself */
	for (struct vde_dir *dir = srv.dirs, *next; dir; dir = next) {
		next = dir->next;
		if (dir->sw == sw)
			vde_dir_free(dir, false);
	}
}

void vdesrv_shutdown(void)
{
	while (srv.dirs)
		vde_dir_free(srv.dirs, false);
}
