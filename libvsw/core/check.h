/* SPDX-License-Identifier: MIT */
/*
 * check.h - validation every folder applies to what a caller hands in:
 * object names, port MACs and sized option structs (libbpf's rule: a newer
 * caller's fields this library does not know must be zero). Inline, so that
 * checking an argument is never a call into another concern.
 */
#ifndef VSW_CORE_CHECK_H
#define VSW_CORE_CHECK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vsw.h"

/* 0, -EINVAL or -ENAMETOOLONG for a switch, port group or port name. */
static inline int vsw__check_name(const char *name)
{
	size_t n;

	if (!name || !*name)
		return -EINVAL;
	for (n = 0; name[n]; n++) {
		unsigned char c = (unsigned char)name[n];
		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (n == VSW_NAME_MAX)
			return -ENAMETOOLONG;
	}
	return 0;
}

/* 0 or -EINVAL: a MAC a port may own (unicast, not zero). */
static inline int vsw__check_port_mac(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (!mac || (mac[0] & 1) || !memcmp(mac, zero, 6))
		return -EINVAL;
	return 0;
}

/* The end of a struct member: the size a caller's options struct must have
 * to hold it. The known size of an options struct is where its last field
 * ends, not sizeof, whose tail padding a later field may take. */
#define vsw__offsetofend(TYPE, FIELD) (offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* 0 or -EINVAL for a caller's sized options struct: every byte past what
 * this library knows ('known_size', vsw__offsetofend() of its last field)
 * must be zero, as a newer caller's unknown fields would be ignored. */
static inline int vsw__check_opts_size(const void *opts, size_t user_size, size_t known_size)
{
	const unsigned char *p = opts;

	if (user_size < sizeof(size_t))
		return -EINVAL;
	/* a newer caller's fields that this library does not know must be zero */
	for (size_t i = known_size; i < user_size; i++)
		if (p[i])
			return -EINVAL;
	return 0;
}

#endif
