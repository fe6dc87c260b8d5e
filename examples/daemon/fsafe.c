// SPDX-License-Identifier: MIT
/*
 * fsafe.c - directories, sockets, lock and pid files made without a path
 * race (see fsafe.h). Paths are resolved once, by walking from "/" one
 * O_NOFOLLOW component at a time; afterwards only descriptors are used.
 */
#include "fsafe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* 'last': the directory that will hold our files, which nobody else may
 * write; above it, a world-writable directory is fine if sticky (/tmp),
 * since others can then neither rename nor remove what is ours. */
static int dir_ok(int fd, const char *shown, bool last, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		ERR("%s: %s", shown, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		ERR("%s is not a directory", shown);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		ERR("%s belongs to uid %u, not to root or the daemon's user: refusing to use it", shown,
		    (unsigned int)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st.st_mode & S_ISVTX)))
		ERR("%s may be written by other users (mode %04o): refusing to use it", shown,
		    (unsigned int)(st.st_mode & 07777));
	return 0;
}

/* 'dir' made absolute and canonical; its last component may be missing
 * when 'create' is set. */
static int canonical(const char *dir, bool create, char *out, char *err, size_t errlen)
{
	char tmp[PATH_MAX], parent[PATH_MAX];
	const char *base;
	size_t n;

	if (realpath(dir, out))
		return 0;
	if (errno != ENOENT || !create)
		ERR("%s: %s", dir, strerror(errno));
	n = (size_t)snprintf(tmp, sizeof(tmp), "%s", dir);
	if (n >= sizeof(tmp))
		ERR("%s: path too long", dir);
	while (n > 1 && tmp[n - 1] == '/')
		tmp[--n] = 0;
	char *slash = strrchr(tmp, '/');
	base = slash ? slash + 1 : tmp;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		ERR("%s: not a directory name", dir);
	if (slash == tmp)
		snprintf(parent, sizeof(parent), "/");
	else if (slash)
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - tmp), tmp);
	else
		snprintf(parent, sizeof(parent), ".");
	if (!realpath(parent, out))
		ERR("%s: %s", parent, strerror(errno));
	if (strlen(out) + strlen(base) + 2 > PATH_MAX)
		ERR("%s: path too long", dir);
	if (strcmp(out, "/"))
		strcat(out, "/");
	strcat(out, base);
	return 0;
}

int fsafe_opendir(const char *dir, bool create, bool *created, char *err, size_t errlen)
{
	char real[PATH_MAX];
	int fd;

	if (created)
		*created = false;
	if (canonical(*dir ? dir : ".", create, real, err, errlen) < 0)
		return -1;
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		ERR("/: %s", strerror(errno));
	if (dir_ok(fd, "/", !strcmp(real, "/"), err, errlen) < 0) {
		close(fd);
		return -1;
	}
	for (char *c = real + 1; *c;) {
		char *end = strchr(c, '/');
		bool last = !end;
		int next;

		if (end)
			*end = 0;
		if (last && create && mkdirat(fd, c, 0755) == 0) {
			if (created)
				*created = true;
		} else if (last && create && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", real, strerror(errno));
			close(fd);
			return -1;
		}
		next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0) {
			snprintf(err, errlen, "%s: %s", real, errno == ENOTDIR || errno == ELOOP ?
				 "not a directory (a symlink is not followed here)" : strerror(errno));
			return -1;
		}
		fd = next;
		if (dir_ok(fd, real, last, err, errlen) < 0) {
			close(fd);
			return -1;
		}
		if (end)
			*end = '/';
		c = end ? end + 1 : c + strlen(c);
	}
	return fd;
}

int fsafe_only_sockets(int dirfd, const char *dir, char *err, size_t errlen)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	int r = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		ERR("%s: %s", dir, strerror(errno));
	}
	while (!r && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s is not empty (it holds '%.64s', not a socket): refusing to use it",
				 dir, e->d_name);
			r = -1;
		}
	}
	closedir(d);
	return r;
}

int fsafe_listen(int dirfd, const char *name, const char *shown, mode_t mode, long gid, int backlog,
		 bool *busy, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int cwd, probe, fd = -1, r = -1;
	bool bound = false;

	*busy = false;
	if (strlen(name) >= sizeof(sa.sun_path) || strchr(name, '/'))
		ERR("%s: bad socket name", shown);
	strcpy(sa.sun_path, name);
	/* bind() takes a path: make it relative to the checked directory */
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fchdir(dirfd) < 0) {
		snprintf(err, errlen, "%s: %s", shown, strerror(errno));
		if (cwd >= 0)
			close(cwd);
		return -1;
	}
	/* a socket nobody answers on is stale; a full backlog (EAGAIN) is
	 * someone alive but not accepting, and never blocks us */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe >= 0 && (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EAGAIN)) {
		*busy = true;
		snprintf(err, errlen, "another process listens on %s", shown);
		goto out;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", shown);
			goto out;
		}
		if (unlinkat(dirfd, name, 0) < 0) {
			snprintf(err, errlen, "%s: %s", shown, strerror(errno));
			goto out;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto out;
	}
	/* the mode is the socket's from birth, not a chmod() away */
	mode_t old = umask(~mode & 0777);
	int b = bind(fd, (struct sockaddr *)&sa, sizeof(sa)), e = errno;
	umask(old);
	if (b < 0) {
		snprintf(err, errlen, "%s: %s", shown, strerror(e));
		goto out;
	}
	bound = true;
	if (gid >= 0 && fchownat(dirfd, name, (uid_t)-1, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errlen, "%s: group: %s", shown, strerror(errno));
		goto out;
	}
	if (listen(fd, backlog) < 0) {
		snprintf(err, errlen, "%s: listen: %s", shown, strerror(errno));
		goto out;
	}
	r = fd;
out:
	if (cwd < 0 || fchdir(cwd) < 0) {
		if (chdir("/") < 0)
			r = -1;
	}
	if (cwd >= 0)
		close(cwd);
	if (probe >= 0)
		close(probe);
	if (r < 0 && fd >= 0) {
		close(fd);
		if (bound)
			unlinkat(dirfd, name, 0);
	}
	return r;
}

int fsafe_lock(int dirfd, const char *name, const char *shown, bool *busy, char *err, size_t errlen)
{
	int fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
	struct stat st;

	*busy = false;
	if (fd < 0)
		ERR("%s: %s", shown, errno == ELOOP ? "is a symlink" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1) {
		close(fd);
		ERR("%s is not a lock file of this daemon's user: refusing to use it", shown);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		*busy = e == EWOULDBLOCK;
		ERR("%s: %s", shown, e == EWOULDBLOCK ? "held by another vswd" : strerror(e));
	}
	return fd;
}

static bool same_file(const char *path, int fd)
{
	struct stat a, b;

	return lstat(path, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int fsafe_pidfile(const char *path, char *err, size_t errlen)
{
	const int fl = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	bool made = true;
	int fd = open(path, fl | O_CREAT | O_EXCL, 0644);
	char buf[32], what[300] = "";
	struct stat st;
	ssize_t n;

	if (fd < 0 && errno == EEXIST) {
		made = false;
		fd = open(path, fl);
	}
	if (fd < 0)
		ERR("%s: %s", path, errno == ELOOP ? "is a symlink: not followed" : strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		snprintf(what, sizeof(what), "%s is not a regular file", path);
	else if (st.st_uid != geteuid())
		snprintf(what, sizeof(what), "%s belongs to uid %u", path, (unsigned int)st.st_uid);
	else if (st.st_nlink != 1)
		snprintf(what, sizeof(what), "%s has %lu links", path, (unsigned long)st.st_nlink);
	else if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		snprintf(what, sizeof(what), "%s: %s", path,
			 errno == EWOULDBLOCK ? "held by a running vswd" : strerror(errno));
	if (*what) {
		close(fd);
		ERR("%s: refusing to use it", what);
	}
	/* a stale pid file is replaced; anything else is not ours to clobber */
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	size_t digits = strspn(buf, "0123456789");
	if (n < 0 || (n > 0 && (!digits || n == (ssize_t)sizeof(buf) - 1 ||
				(digits != (size_t)n && (digits + 1 != (size_t)n || buf[digits] != '\n'))))) {
		close(fd);
		ERR("%s holds something other than a process ID: not overwritten", path);
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	errno = 0;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n || fsync(fd) < 0) {
		int e = errno ? errno : EIO;
		if (made && same_file(path, fd))
			unlink(path);
		close(fd);
		ERR("%s: %s", path, strerror(e));
	}
	return fd;
}

void fsafe_pidfile_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	if (same_file(path, fd))
		unlink(path);
	close(fd);
}
