// SPDX-License-Identifier: MIT
/*
 * unixsock.c - the sockets of the socket backends (qemu, vhostuser): the
 * socket files they listen on, made with the options' mode and group
 * without a moment when anyone else could swap or reach them, a stale one
 * of an earlier run replaced, one that someone still answers on left
 * alone, and removed when the instance closes; and connecting as a client
 * without blocking the switch's thread.
 */
#include "backends/private.h"

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void vsw__unix_file_init(struct vsw__unix_file *f)
{
	f->mode = -1;
	f->gid = -1;
	f->path[0] = 0;
}

void vsw__unix_file_remove(struct vsw__unix_file *f)
{
	if (f->path[0])
		unlink(f->path);
	f->path[0] = 0;
}

/*
 * Bind 'fd' to the unix socket file 'path' with the options' mode and
 * group, without a moment when the file is at 'path' with other ones, and
 * without touching anything by a name someone else may change: bound in a
 * fresh 0700 directory beside 'path' (the same file system), set up there
 * through the directory's descriptor, then hard-linked to 'path' (which
 * fails if anything is there) and unlinked from the directory.
 */
static int bind_private(const struct vsw__unix_file *q, int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path) + 16];
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0; /* with its '/' */
	struct stat st;
	int dfd, err = 0;

	memcpy(dir, path, dl);
	strcpy(dir + dl, ".vswXXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	/* the directory under that name now must be the one made above:
	 * only we make one that is ours and shut to everyone else */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		err = -errno;
		rmdir(dir);
		return err;
	}
	if (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 0077)) {
		close(dfd);
		return -EACCES; /* swapped: not ours to remove */
	}
	/* the socket's name: through the directory's name if it fits (bind
	 * follows no symlink at the last component, and one put in place of
	 * the directory only makes the fstatat below fail), else through
	 * the descriptor */
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", dir) >= (int)sizeof(sa.sun_path))
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/s", dfd);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = -errno;
	if (!err && (fstatat(dfd, "s", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode)))
		err = -EACCES;
	if (!err && q->mode >= 0 && fchmodat(dfd, "s", (mode_t)q->mode, 0) < 0)
		err = -errno;
	if (!err && q->gid >= 0 && fchownat(dfd, "s", (uid_t)-1, (gid_t)q->gid, AT_SYMLINK_NOFOLLOW) < 0)
		err = -errno;
	if (!err && linkat(dfd, "s", AT_FDCWD, path, 0) < 0)
		err = errno == EEXIST ? -EADDRINUSE : -errno;
	unlinkat(dfd, "s", 0);
	close(dfd);
	rmdir(dir);
	return err;
}

/*
 * Bind 'fd' to a local address. A unix socket file left by an earlier run
 * is replaced, but nothing else at that path is ever deleted; the file gets
 * the options' mode and group, so that an unprivileged QEMU may connect
 * (until then it has the umask's, which a daemon keeps tight).
 */
int vsw__unix_bind(struct vsw__unix_file *q, int fd, int type, const struct sockaddr_storage *a,
		   unsigned int alen)
{
	const char *path = ((const struct sockaddr_un *)a)->sun_path;
	struct stat st;
	int err;

	if (a->ss_family != AF_UNIX)
		return bind(fd, (const struct sockaddr *)a, alen) < 0 ? -errno : 0;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		/* a socket someone still answers on (another port's) is theirs */
		int probe = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && connect(probe, (const struct sockaddr *)a, alen) == 0;
		if (probe >= 0)
			close(probe);
		if (live)
			return -EADDRINUSE;
		unlink(path);
	}
	if (q->mode < 0 && q->gid < 0)
		err = bind(fd, (const struct sockaddr *)a, alen) < 0 ? -errno : 0;
	else
		err = bind_private(q, fd, path);
	if (!err)
		strcpy(q->path, path);
	return err;
}

/* "group=" is a group name or number. */
long vsw__unix_group_id(const char *val)
{
	char *end, buf[1024];
	struct group gr, *res = NULL;
	long v = strtol(val, &end, 10);

	if (*val && !*end)
		return v >= 0 && v < 0x7fffffff ? v : -1;
	return getgrnam_r(val, &gr, buf, sizeof(buf), &res) == 0 && res ? (long)res->gr_gid : -1;
}

int vsw__stream_connect(const struct sockaddr_storage *a, unsigned int alen, int *fd)
{
	int s = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		return -errno;
	if (connect(s, (const struct sockaddr *)a, alen) == 0) {
		*fd = s;
		return 1;
	}
	err = errno;
	if (err == EINPROGRESS) {
		*fd = s;
		return 0;
	}
	close(s);
	return -err;
}

int vsw__stream_connected(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}
