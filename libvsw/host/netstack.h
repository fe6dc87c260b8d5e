/* SPDX-License-Identifier: MIT */
/*
 * netstack.h - TCP/IP stacks (network namespaces) for VMkernel ports.
 */
#ifndef VSW_NETSTACK_H
#define VSW_NETSTACK_H

#include <stdbool.h>

/* NULL, "" and "default" name the caller's own stack. */
bool vsw__netstack_is_default(const char *name);

/* 0, or -EINVAL for a name that cannot be a stack's: 1 to 63 of
 * [A-Za-z0-9._-], not "." or "..". */
int vsw__netstack_check_name(const char *name);

/*
 * Move the calling thread into stack 'name' for a moment, saving where it
 * was in *saved (-1 when 'name' is the default stack and nothing moved);
 * 0 or -errno (-ENOENT: no such stack). vsw__netstack_leave() returns.
 */
int vsw__netstack_enter(const char *name, int *saved);
int vsw__netstack_leave(int saved);

#endif
