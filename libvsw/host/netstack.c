// SPDX-License-Identifier: MIT
/*
 * netstack.c - TCP/IP stacks: ESXi gives VMkernel ports separate stacks
 * (default, vmotion, provisioning, or one of the administrator's), each
 * with its own routing table. On Linux a stack is a network namespace, and
 * a named one is what iproute2's `ip netns` makes: a bind mount of the
 * namespace on /run/netns/NAME, so that `ip netns exec vmotion ...` and
 * libvsw see the same stacks. Entering one for a moment is netdev.c's
 * (vsw__netns_enter()), which the tap backend shares.
 */
#include "vsw_host.h"
#include "backends/private.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>


#define NETNS_DIR VSW__NETNS_DIR

/* iproute2's arrangement: /run/netns a shared mount, so that the stacks
 * mounted there are seen from every mount namespace. */
static int prepare_dir(void)
{
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	/* not a mount point yet: make it one, then shared */
	if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
		return -errno;
	return 0;
}

/* A new namespace is made by a thread of its own, so that no thread of
 * the caller's ever leaves its namespace. */
static void *make_netns(void *arg)
{
	const char *path = arg;
	intptr_t err = 0;

	if (unshare(CLONE_NEWNET) < 0 ||
	    mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		err = -errno;
	/* a stack has its loopback up, as ESXi's do */
	else
		vsw__netdev_up("lo", false);
	return (void *)err;
}

int vsw_netstack_add(const char *name)
{
	char path[PATH_MAX];
	pthread_t t;
	void *ret;
	int fd, err;

	if (vsw__netns_check_name(name) || vsw__netns_is_default(name))
		return -EINVAL;
	err = prepare_dir();
	if (err)
		return err;
	vsw__netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	err = pthread_create(&t, NULL, make_netns, path);
	if (err) {
		unlink(path);
		return -err;
	}
	pthread_join(t, &ret);
	err = (int)(intptr_t)ret;
	if (err)
		unlink(path);
	return err;
}

int vsw_netstack_remove(const char *name)
{
	char path[PATH_MAX];

	if (vsw__netns_check_name(name) || vsw__netns_is_default(name))
		return -EINVAL;
	vsw__netns_path(name, path, sizeof(path));
	if (access(path, F_OK) < 0)
		return -errno;
	/* the namespace itself goes when its last user does */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	return unlink(path) < 0 ? -errno : 0;
}
