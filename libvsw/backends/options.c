// SPDX-License-Identifier: MIT
/*
 * options.c - the one parser of backend options ("key=value,key2,..."),
 * which every backend uses.
 */
#include "backends/private.h"

#include <stdlib.h>

int vsw__opt_next(const char **s, char *key, size_t keylen, char *val, size_t vallen)
{
	const char *p = *s, *end, *eq;
	size_t kl, vl;

	if (!p || !*p)
		return 0;
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	eq = memchr(p, '=', (size_t)(end - p));
	kl = (size_t)((eq ? eq : end) - p);
	vl = eq ? (size_t)(end - eq - 1) : 0;
	if (!kl || kl >= keylen || vl >= vallen)
		return -EINVAL;
	memcpy(key, p, kl);
	key[kl] = 0;
	if (eq)
		memcpy(val, eq + 1, vl);
	val[vl] = 0;
	*s = *end ? end + 1 : end;
	return 1;
}

long vsw__opt_long(const char *val, long min, long max)
{
	char *end;
	long v;

	if (!*val)
		return -EINVAL;
	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	return v;
}
