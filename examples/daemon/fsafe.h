/* SPDX-License-Identifier: MIT */
/*
 * fsafe.h - the files vswd makes while it runs as root: its control socket,
 * VDE directories and their sockets, its lock and pid files.
 *
 * A directory is used only if no other user can change its entries, nor
 * those of any directory on the way to it (a sticky one such as /tmp is
 * fine above it); every name inside is then reached through the
 * directory's descriptor, so no path can be swapped for a symlink between
 * a check and a use, and a socket gets its mode from the umask at bind()
 * and its group with AT_SYMLINK_NOFOLLOW, never by a later chmod(path).
 */
#ifndef VSWD_FSAFE_H
#define VSWD_FSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Open 'dir' (an O_PATH descriptor) once it and every directory above it
 * passed: each owned by root or the daemon's user; above 'dir', one that
 * others may write must be sticky; 'dir' itself nobody else may write.
 * With 'create', a missing 'dir' is made (mode 0755) and *created is set.
 * The descriptor, or -1 with one line in 'err'.
 */
int fsafe_opendir(const char *dir, bool create, bool *created, char *err, size_t errlen);

/* 0 if 'dirfd' holds nothing but sockets (or nothing), else -1 with 'err'. */
int fsafe_only_sockets(int dirfd, const char *dir, char *err, size_t errlen);

/*
 * A listening unix stream socket (non-blocking, close-on-exec) named 'name'
 * in 'dirfd', created with 'mode' and, if 'gid' >= 0, that group. A socket
 * file nobody listens on is replaced; one that answers, or anything that is
 * not a socket, is an error. 'shown' is the path for messages. The
 * descriptor, or -1 with 'err' (*busy is set when another process listens).
 */
int fsafe_listen(int dirfd, const char *name, const char *shown, mode_t mode, long gid, int backlog,
		 bool *busy, char *err, size_t errlen);

/*
 * Take an exclusive lock on the file 'name' in 'dirfd' (made if missing,
 * mode 0600), held as long as the descriptor is open: two daemons never
 * hold it at once. The descriptor, or -1 with 'err' (*busy when another
 * process holds it).
 */
int fsafe_lock(int dirfd, const char *name, const char *shown, bool *busy, char *err, size_t errlen);

/*
 * Write this process's ID to the pid file 'path' and keep it locked: a
 * symlink, a file with other links or another owner, a file that holds
 * something else than a pid, or one locked by a running vswd is refused;
 * a failed write (a full file system) is an error. The descriptor (keep it
 * open), or -1 with 'err'.
 */
int fsafe_pidfile(const char *path, char *err, size_t errlen);

/* Remove the pid file if 'path' is still the file 'fd' holds. */
void fsafe_pidfile_remove(const char *path, int fd);

#endif
