// SPDX-License-Identifier: MIT
/*
 * qemu.c - "qemu:stream:..." and "qemu:dgram:...": the socket
 * protocols of QEMU's own network backends, so that an unmodified QEMU joins
 * a port group as a vNIC with nothing but its command line.
 *
 *   qemu:stream:PATH              QEMU's -netdev stream (unix, server=off):
 *   qemu:stream:tcp:HOST:PORT     the switch listens, QEMU connects; also the
 *                                 legacy -netdev socket,connect= over TCP.
 *                                 Option "client": the switch connects to a
 *                                 QEMU that listens (server=on) and keeps
 *                                 reconnecting (reconnect_ms=N, default 1000).
 *   qemu:dgram:LOCAL=REMOTE       -netdev dgram over unix datagram sockets
 *   qemu:dgram:udp:H:P=udp:H:P    ... or UDP (IPv4, as QEMU's).
 *   Options mode=OCTAL, group=NAME|GID: of the socket file the switch makes.
 *
 * Frames: one frame is at most Q_SLOT bytes either way, more than any
 * switch MTU lets through. A longer one that arrives is dropped whole and
 * counted "truncated" on the port (the backend never hands the switch a
 * part of a frame); one up to the slot is handed over whole, and the
 * switch judges it against its MTU ("oversize"). A longer one to send is
 * refused (-EMSGSIZE), so that whatever is kept of a frame fits its buffer.
 *
 * Stream framing: a 4-byte big-endian length, then the frame. The stream is
 * read in large chunks and parsed with partial frames kept across reads; a
 * frame too long to forward is skipped as it arrives without losing sync.
 * A write that the socket takes only in part keeps its remainder and sends
 * it first on the next call, or at the loop's link check, so the stream
 * stays whole.
 *
 * Socket files with mode= or group=: the socket is bound inside a private
 * directory the library makes (0700, next to the path), given its mode and
 * group there, where nobody else can swap the name for a symlink, and then
 * linked into place, never replacing anything. chmod/chown by path after
 * bind would follow a symlink an attacker who can write the directory put
 * there, and a umask around bind would change the mode of files the host's
 * other threads create meanwhile: the umask is process-wide.
 *
 * The peer of a stream is the vNIC's cable: its disconnect takes the link
 * down, and a new connection (a restarted VM, QEMU >= 9.2 reconnect-ms)
 * brings it up again without touching the switch. QEMU 7.2 connects once at
 * start and never retries, so the switch must be listening first.
 *
 * Datagrams carry one frame each; a zero-length datagram is never sent
 * (QEMU stops reading the socket when it gets one). The instance's
 * descriptor is an epoll set over its sockets (and a reconnect timer).
 */
#include "backends/private.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#define Q_SLOT 9216u              /* the longest frame, either way */
#define Q_RXBUF (1u << 18)        /* stream receive buffer */
#define Q_TXBUF (Q_SLOT + 4)      /* the unsent tail of one frame */
#define Q_MAX_FRAME (1u << 20)    /* a longer length is a broken stream */

enum qmode { Q_SERVER, Q_CLIENT, Q_DGRAM };

struct qemu {
	enum qmode mode;
	int epfd, lfd, cfd, tfd;
	int pfd;                        /* a connect() under way (client) */
	int kickfd;                     /* readable while parsed frames still wait */
	struct sockaddr_storage addr;   /* listen/connect address, or the remote */
	socklen_t alen;
	unsigned int reconnect_ms;
	struct vsw__unix_file file;     /* a socket file made here: mode, group, path */
	bool connected;
	bool peer_bound;                /* datagram socket connect()ed to a local peer */

	/* stream receive: bytes [rx_off, rx_len) are unparsed */
	uint8_t *rx;
	size_t rx_off, rx_len;
	uint32_t skip;                  /* bytes of an overlong frame still to drop */
	/* stream transmit: the unsent tail of a frame */
	uint8_t *tx;
	size_t tx_len, tx_off;

	/* datagram buffers */
	uint8_t *slots;
	struct mmsghdr *msgs;
	struct iovec *iov;
};

static struct qemu *q_of(struct vsw_backend *be)
{
	return vsw_backend_priv(be);
}

static void q_free(struct qemu *q)
{
	if (q->cfd >= 0)
		close(q->cfd);
	if (q->lfd >= 0)
		close(q->lfd);
	if (q->tfd >= 0)
		close(q->tfd);
	if (q->pfd >= 0)
		close(q->pfd);
	if (q->kickfd >= 0)
		close(q->kickfd);
	if (q->epfd >= 0)
		close(q->epfd);
	vsw__unix_file_remove(&q->file);
	vsw__free(q->rx);
	vsw__free(q->tx);
	vsw__free(q->slots);
	vsw__free(q->msgs);
	vsw__free(q->iov);
	vsw__free(q);
}

/* "PATH", "tcp:HOST:PORT" or "udp:HOST:PORT" into a socket address. */
static int parse_addr(const char *s, bool dgram, struct sockaddr_storage *ss, socklen_t *len,
		      int *type)
{
	const char *pfx = dgram ? "udp:" : "tcp:";

	memset(ss, 0, sizeof(*ss));
	if (!strncmp(s, pfx, 4)) {
		char host[64], port[8];
		const char *p = s + 4, *colon;
		struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
					  .ai_socktype = dgram ? SOCK_DGRAM : SOCK_STREAM };
		struct addrinfo *ai;
		size_t hl;

		if (*p == '[') {
			const char *rb = strchr(p, ']');
			if (!rb || rb[1] != ':')
				return -EINVAL;
			hl = (size_t)(rb - p - 1);
			p++;
			colon = rb + 1;
		} else {
			colon = strrchr(p, ':');
			if (!colon)
				return -EINVAL;
			hl = (size_t)(colon - p);
		}
		if (!hl || hl >= sizeof(host) || strlen(colon + 1) >= sizeof(port) || !colon[1])
			return -EINVAL;
		memcpy(host, p, hl);
		host[hl] = 0;
		strcpy(port, colon + 1);
		if (getaddrinfo(host, port, &hints, &ai))
			return -EINVAL;
		memcpy(ss, ai->ai_addr, ai->ai_addrlen);
		*len = ai->ai_addrlen;
		*type = ai->ai_family;
		freeaddrinfo(ai);
		return 0;
	}
	struct sockaddr_un *sun = (struct sockaddr_un *)ss;
	if (!*s || strlen(s) >= sizeof(sun->sun_path))
		return -EINVAL;
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, s);
	*len = (socklen_t)sizeof(*sun);
	*type = AF_UNIX;
	return 0;
}

static int ep_add(struct qemu *q, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(q->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/*
 * A local datagram peer that is already there is connect()ed to: a VDE
 * client unlinks its socket's name as soon as it has connected to ours, so
 * only the connection still reaches it. A peer that is not there yet (QEMU
 * starts after the vNIC) is sent to by name until it is.
 */
static void bind_peer(struct qemu *q)
{
	q->peer_bound = connect(q->cfd, (struct sockaddr *)&q->addr, q->alen) == 0;
}

static void drop_connection(struct vsw_backend *be, struct qemu *q)
{
	epoll_ctl(q->epfd, EPOLL_CTL_DEL, q->cfd, NULL);
	close(q->cfd);
	q->cfd = -1;
	q->connected = false;
	q->rx_off = q->rx_len = 0;
	q->skip = 0;
	q->tx_len = q->tx_off = 0;
	if (q->mode == Q_CLIENT) {
		struct itimerspec its = {
			.it_interval = { q->reconnect_ms / 1000, (long)(q->reconnect_ms % 1000) * 1000000 },
			.it_value = { q->reconnect_ms / 1000, (long)(q->reconnect_ms % 1000) * 1000000 },
		};
		timerfd_settime(q->tfd, 0, &its, NULL);
	}
	vsw_backend_notify(be);
}

static void took_connection(struct vsw_backend *be, struct qemu *q, int fd)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };

	q->cfd = fd;
	if (ep_add(q, fd) < 0) {
		close(fd);
		q->cfd = -1;
		return;
	}
	q->connected = true;
	if (q->tfd >= 0)
		timerfd_settime(q->tfd, 0, &off, NULL);
	vsw_backend_notify(be);
}

/* Connect without blocking the switch's thread: a peer that takes its
 * time (TCP) finishes in q_housekeeping, and one that never answers only
 * delays the next try. */
static void try_connect(struct vsw_backend *be, struct qemu *q)
{
	int fd, r;

	if (q->pfd >= 0)
		return;
	r = vsw__stream_connect(&q->addr, q->alen, &fd);
	if (r > 0) {
		took_connection(be, q, fd);
	} else if (r == 0) {
		struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
		if (epoll_ctl(q->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
			q->pfd = fd;
		else
			close(fd);
	}
}

/* The connect() under way has finished, one way or the other. */
static void connect_done(struct vsw_backend *be, struct qemu *q)
{
	int fd = q->pfd;

	q->pfd = -1;
	epoll_ctl(q->epfd, EPOLL_CTL_DEL, fd, NULL);
	if (vsw__stream_connected(fd) == 0)
		took_connection(be, q, fd);
	else
		close(fd); /* the timer tries again */
}

static int q_open(struct vsw_backend *be, const char *arg, const char *options)
{
	struct qemu *q;
	char key[16], val[64];
	const char *spec;
	bool client = false;
	int family, r, err;

	q = vsw__calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->epfd = q->lfd = q->cfd = q->tfd = q->kickfd = q->pfd = -1;
	q->reconnect_ms = 1000;
	vsw__unix_file_init(&q->file);
	while ((r = vsw__opt_next(&options, key, sizeof(key), val, sizeof(val))) > 0) {
		char *end;
		long v;
		if (!strcmp(key, "client") && !*val)
			client = true;
		else if (!strcmp(key, "reconnect_ms") && (v = vsw__opt_long(val, 10, 3600000)) > 0)
			q->reconnect_ms = (unsigned int)v;
		else if (!strcmp(key, "mode") && *val && (v = strtol(val, &end, 8)) >= 0 && v <= 0777 && !*end)
			q->file.mode = (int)v;
		else if (!strcmp(key, "group") && (q->file.gid = vsw__unix_group_id(val)) >= 0)
			;
		else
			r = -EINVAL;
		if (r < 0)
			break;
	}
	err = r;
	if (err)
		goto fail;
	q->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (q->epfd < 0) {
		err = -errno;
		goto fail;
	}

	if (!strncmp(arg, "stream:", 7)) {
		spec = arg + 7;
		q->mode = client ? Q_CLIENT : Q_SERVER;
		err = parse_addr(spec, false, &q->addr, &q->alen, &family);
		if (err)
			goto fail;
		q->rx = vsw__calloc(1, Q_RXBUF);
		q->tx = vsw__calloc(1, Q_TXBUF);
		if (!q->rx || !q->tx) {
			err = -ENOMEM;
			goto fail;
		}
		q->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (q->kickfd < 0 || (err = ep_add(q, q->kickfd)) < 0) {
			err = err ? err : -errno;
			goto fail;
		}
		if (client) {
			q->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
			if (q->tfd < 0 || (err = ep_add(q, q->tfd)) < 0) {
				err = err ? err : -errno;
				goto fail;
			}
			try_connect(be, q);
			if (!q->connected) {
				/* not there yet: keep trying */
				struct itimerspec its = {
					.it_interval = { q->reconnect_ms / 1000, (long)(q->reconnect_ms % 1000) * 1000000 },
					.it_value = { 0, 1000000 },
				};
				timerfd_settime(q->tfd, 0, &its, NULL);
			}
		} else {
			int one = 1;
			q->lfd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (q->lfd < 0) {
				err = -errno;
				goto fail;
			}
			if (family != AF_UNIX)
				setsockopt(q->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			err = vsw__unix_bind(&q->file, q->lfd, SOCK_STREAM, &q->addr, q->alen);
			if (!err && listen(q->lfd, 4) < 0)
				err = -errno;
			if (err)
				goto fail;
			err = ep_add(q, q->lfd);
			if (err)
				goto fail;
		}
	} else if (!strncmp(arg, "dgram:", 6) && !client) {
		struct sockaddr_storage local;
		socklen_t llen;
		char buf[256];
		const char *eq = strchr(arg + 6, '=');
		int f2;

		q->mode = Q_DGRAM;
		if (!eq || (size_t)(eq - arg - 6) >= sizeof(buf)) {
			err = -EINVAL;
			goto fail;
		}
		memcpy(buf, arg + 6, (size_t)(eq - arg - 6));
		buf[eq - arg - 6] = 0;
		err = parse_addr(buf, true, &local, &llen, &family);
		if (!err)
			err = parse_addr(eq + 1, true, &q->addr, &q->alen, &f2);
		if (!err && f2 != family)
			err = -EINVAL;
		if (err)
			goto fail;
		q->slots = vsw__calloc(VSW_BATCH_MAX, Q_SLOT);
		q->msgs = vsw__calloc(VSW_BATCH_MAX, sizeof(*q->msgs));
		q->iov = vsw__calloc(VSW_BATCH_MAX, sizeof(*q->iov));
		if (!q->slots || !q->msgs || !q->iov) {
			err = -ENOMEM;
			goto fail;
		}
		q->cfd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (q->cfd < 0) {
			err = -errno;
			goto fail;
		}
		err = vsw__unix_bind(&q->file, q->cfd, SOCK_DGRAM, &local, llen);
		if (err)
			goto fail;
		err = ep_add(q, q->cfd);
		if (err)
			goto fail;
		q->connected = true;
		if (family == AF_UNIX)
			bind_peer(q);
	} else {
		err = -EINVAL;
		goto fail;
	}
	vsw_backend_set_priv(be, q);
	return 0;
fail:
	q_free(q);
	return err;
}

static void q_close(struct vsw_backend *be)
{
	q_free(q_of(be));
}

static int q_fd(struct vsw_backend *be)
{
	return q_of(be)->epfd;
}

/* A client knocking (server), or the reconnect timer (client). */
static void q_housekeeping(struct vsw_backend *be, struct qemu *q, int fd)
{
	uint64_t ticks;

	if (fd == q->lfd) {
		int c = accept4(q->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		/* one VM per port: while it is connected, nobody else may take
		 * its place (a VM that dies closes its socket, so a restarted one
		 * finds the port free) */
		if (c >= 0 && q->connected)
			close(c);
		else if (c >= 0)
			took_connection(be, q, c);
	} else if (fd == q->pfd) {
		connect_done(be, q);
	} else if (fd == q->tfd && read(q->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks) &&
		   !q->connected) {
		try_connect(be, q);
	}
}

static int flush_tx(struct qemu *q)
{
	while (q->tx_off < q->tx_len) {
		ssize_t w = send(q->cfd, q->tx + q->tx_off, q->tx_len - q->tx_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0)
			return errno == EAGAIN ? 0 : -errno;
		q->tx_off += (size_t)w;
	}
	q->tx_off = q->tx_len = 0;
	return 1;
}

static int recv_stream(struct vsw_backend *be, struct qemu *q, struct vsw_frame *f, unsigned int n,
		       bool readable)
{
	unsigned int k = 0;
	bool gone = false;

	/* what the previous call handed out is done with: keep only the tail */
	if (q->rx_off) {
		memmove(q->rx, q->rx + q->rx_off, q->rx_len - q->rx_off);
		q->rx_len -= q->rx_off;
		q->rx_off = 0;
	}
	if (!q->connected)
		return 0;
	if (readable && q->rx_len < Q_RXBUF) {
		ssize_t r = recv(q->cfd, q->rx + q->rx_len, Q_RXBUF - q->rx_len, MSG_DONTWAIT);
		/* the VM went away: what it sent whole still goes to the switch */
		gone = r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR);
		if (r > 0)
			q->rx_len += (size_t)r;
	}
	while (k < n) {
		size_t have = q->rx_len - q->rx_off;
		uint8_t *p = q->rx + q->rx_off;
		uint32_t len;

		if (q->skip) {
			size_t d = have < q->skip ? have : q->skip;
			q->rx_off += d;
			q->skip -= (uint32_t)d;
			if (q->skip)
				break;
			continue;
		}
		if (have < 4)
			break;
		len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		if (len > Q_MAX_FRAME) {
			drop_connection(be, q); /* not QEMU's framing */
			return (int)k;
		}
		if (len > Q_SLOT) {
			/* longer than any frame the switch takes: never a part of it
			 * to the switch; dropped as it comes, counted once */
			vsw_backend_count(be, VSW_CTR_TRUNCATED, 1);
			q->rx_off += 4;
			q->skip = len;
			continue;
		}
		if (have < 4 + (size_t)len)
			break;
		if (len) /* an empty frame carries nothing */
			f[k++] = (struct vsw_frame){ .data = p + 4, .len = len };
		q->rx_off += 4 + len;
	}
	/* the frames stay valid in 'rx' until the next call */
	if (gone && k < n) {
		drop_connection(be, q);
		return (int)k;
	}
	/* whole frames left in the buffer: stay readable until they are read */
	if (k == n) {
		uint64_t one = 1;
		if (write(q->kickfd, &one, sizeof(one)) < 0)
			return (int)k; /* already readable */
	}
	return (int)k;
}

static int recv_dgram(struct vsw_backend *be, struct qemu *q, struct vsw_frame *f, unsigned int n)
{
	int got, k = 0;

	for (unsigned int i = 0; i < n; i++) {
		q->iov[i] = (struct iovec){ .iov_base = q->slots + (size_t)i * Q_SLOT, .iov_len = Q_SLOT };
		q->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &q->iov[i], .msg_iovlen = 1 };
	}
	got = recvmmsg(q->cfd, q->msgs, n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (int i = 0; i < got; i++) {
		uint32_t len = q->msgs[i].msg_len;
		if (q->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
			vsw_backend_count(be, VSW_CTR_TRUNCATED, 1); /* cut at the slot */
		else if (len)
			f[k++] = (struct vsw_frame){ .data = q->iov[i].iov_base, .len = len };
	}
	return k;
}

static int q_recv(struct vsw_backend *be, struct vsw_frame *f, unsigned int n)
{
	struct qemu *q = q_of(be);
	struct epoll_event ev[4];
	bool readable = false;
	uint64_t cnt;
	int m;

	if (q->mode == Q_DGRAM)
		return recv_dgram(be, q, f, n);
	/* which of the instance's descriptors woke it */
	m = epoll_wait(q->epfd, ev, 4, 0);
	for (int i = 0; i < m; i++) {
		int fd = ev[i].data.fd;
		if (fd == q->kickfd) {
			if (read(q->kickfd, &cnt, sizeof(cnt)) < 0)
				cnt = 0;
		} else if (fd == q->cfd) {
			readable = true;
		} else {
			q_housekeeping(be, q, fd);
			readable = q->connected;
		}
	}
	if (q->connected && q->tx_len)
		flush_tx(q);
	return recv_stream(be, q, f, n, readable);
}

#define Q_CHUNK 64u /* frames per sendmsg() */

/* One sendmsg() of up to Q_CHUNK frames: how many went (a cut one's tail
 * is kept for flush_tx), 0 if the socket is full, or -errno. */
static int send_chunk(struct vsw_backend *be, struct qemu *q, const struct vsw_frame *f,
		      unsigned int m)
{
	struct iovec iov[2 * Q_CHUNK];
	uint8_t hdr[Q_CHUNK][4];
	size_t total = 0, done;
	ssize_t w;
	int r;

	for (unsigned int i = 0; i < m; i++) {
		uint32_t len = f[i].len;
		hdr[i][0] = (uint8_t)(len >> 24);
		hdr[i][1] = (uint8_t)(len >> 16);
		hdr[i][2] = (uint8_t)(len >> 8);
		hdr[i][3] = (uint8_t)len;
		iov[2 * i] = (struct iovec){ hdr[i], 4 };
		iov[2 * i + 1] = (struct iovec){ (void *)f[i].data, len };
		total += 4 + len;
	}
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 * m };
	w = sendmsg(q->cfd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0) {
		if (errno == EAGAIN)
			return 0;
		r = -errno;
		drop_connection(be, q);
		return r;
	}
	if ((size_t)w == total)
		return (int)m;
	/* a partial write: whole frames count as sent, the cut one's tail is
	 * kept; send_stream let no frame longer than the slot in */
	done = (size_t)w;
	for (unsigned int i = 0; i < m; i++) {
		size_t fl = 4 + f[i].len;
		if (done < fl) {
			size_t hl = done < 4 ? 4 - done : 0; /* of the length's bytes */
			if (fl - done > Q_TXBUF) {
				drop_connection(be, q); /* the stream cannot stay whole */
				return -EMSGSIZE;
			}
			memcpy(q->tx, hdr[i] + 4 - hl, hl);
			if (fl - done > hl)
				memcpy(q->tx + hl, f[i].data + (done < 4 ? 0 : done - 4), fl - done - hl);
			q->tx_len = fl - done;
			q->tx_off = 0;
			return (int)i + 1;
		}
		done -= fl;
	}
	return (int)m;
}

/* How many frames from the first are short enough to send: -EMSGSIZE if
 * not even the first. */
static int sendable(const struct vsw_frame *f, unsigned int n)
{
	unsigned int i = 0;

	while (i < n && f[i].len <= Q_SLOT)
		i++;
	return i ? (int)i : -EMSGSIZE;
}

static int send_stream(struct vsw_backend *be, struct qemu *q, const struct vsw_frame *f,
		       unsigned int n)
{
	unsigned int sent = 0;
	int r;

	if (!q->connected)
		return -ENOTCONN;
	r = sendable(f, n);
	if (r < 0)
		return r;
	n = (unsigned int)r;
	r = flush_tx(q);
	if (r <= 0) {
		if (r < 0)
			drop_connection(be, q);
		return r;
	}
	while (sent < n) {
		unsigned int m = n - sent < Q_CHUNK ? n - sent : Q_CHUNK;
		r = send_chunk(be, q, f + sent, m);
		if (r < 0)
			return sent ? (int)sent : r;
		sent += (unsigned int)r;
		if ((unsigned int)r < m || q->tx_len)
			break; /* the socket is full */
	}
	return (int)sent;
}

static int send_dgram(struct qemu *q, const struct vsw_frame *f, unsigned int n)
{
	unsigned int k = 0;
	int sent = sendable(f, n);

	if (sent < 0)
		return sent;
	n = (unsigned int)sent;
	for (unsigned int i = 0; i < n; i++) {
		if (!f[i].len)
			continue; /* never a zero-length datagram */
		q->iov[k] = (struct iovec){ .iov_base = (void *)f[i].data, .iov_len = f[i].len };
		q->msgs[k].msg_hdr = (struct msghdr){ .msg_name = q->peer_bound ? NULL : &q->addr,
						       .msg_namelen = q->peer_bound ? 0 : q->alen,
						       .msg_iov = &q->iov[k], .msg_iovlen = 1 };
		k++;
	}
	if (!k)
		return (int)n;
	sent = sendmmsg(q->cfd, q->msgs, k, MSG_DONTWAIT);
	if (sent < 0) {
		int e = errno;
		/* a bound peer that closed (a restarted VM): the kernel has
		 * already dropped the association; find the new one by name */
		if (q->peer_bound && e == ECONNREFUSED)
			bind_peer(q);
		/* the peer's socket is not there (yet): the frames are lost */
		return e == EAGAIN || e == ENOBUFS ? 0 : -e;
	}
	return sent == (int)k ? (int)n : sent;
}

static int q_send(struct vsw_backend *be, const struct vsw_frame *f, unsigned int n)
{
	struct qemu *q = q_of(be);

	return q->mode == Q_DGRAM ? send_dgram(q, f, n) : send_stream(be, q, f, n);
}

static int q_link_state(struct vsw_backend *be)
{
	struct qemu *q = q_of(be);

	/* the loop asks 100 ms after the port carried frames (a cut-off
	 * write is such a send): the moment to finish it, if no send or
	 * receive did first */
	if (q->connected && q->tx_len && flush_tx(q) < 0)
		drop_connection(be, q);
	return q->connected;
}

const struct vsw_backend_ops vsw__qemu_ops = {
	.size = sizeof(struct vsw_backend_ops),
	.name = "qemu",
	.open = q_open,
	.close = q_close,
	.fd = q_fd,
	.recv = q_recv,
	.send = q_send,
	.link_state = q_link_state,
};
