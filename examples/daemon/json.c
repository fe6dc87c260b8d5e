// SPDX-License-Identifier: MIT
/*
 * json.c - the JSON emitter (see json.h).
 */
#include "json.h"

#include <stddef.h>
#include <stdint.h>

void json_init(struct json *j, struct outbuf *o)
{
	*j = (struct json){ .o = o };
}

/* The length of the well-formed UTF-8 sequence at 's' (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void json_quote(struct outbuf *o, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	out_write(o, "\"", 1);
	while (*s) {
		size_t n = *s >= 0x80 ? utf8_len(s) : 1;
		if (n > 1) {
			out_write(o, s, n);
			s += n;
			continue;
		}
		if (*s == '"' || *s == '\\')
			out_printf(o, "\\%c", *s);
		else if (*s < 0x20 || *s >= 0x80)
			out_printf(o, "\\u%04x", *s);
		else
			out_write(o, s, 1);
		s++;
	}
	out_write(o, "\"", 1);
}

/* Before a value or a key: the comma that separates it from the last. */
static void separate(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->has_items[j->depth - 1])
		out_write(j->o, ", ", 2);
	if (j->depth > 0)
		j->has_items[j->depth - 1] = true;
}

void json_key(struct json *j, const char *key)
{
	separate(j);
	json_quote(j->o, key);
	out_write(j->o, ": ", 2);
	j->after_key = true;
}

static void begin(struct json *j, char opener, char closer)
{
	separate(j);
	out_write(j->o, &opener, 1);
	if (j->depth == JSON_MAX_DEPTH)
		return; /* the callers nest 6 deep at most */
	j->closer[j->depth] = closer;
	j->has_items[j->depth++] = false;
}

void json_object(struct json *j)
{
	begin(j, '{', '}');
}

void json_array(struct json *j)
{
	begin(j, '[', ']');
}

void json_end(struct json *j)
{
	if (j->depth == 0)
		return;
	j->depth--;
	out_write(j->o, &j->closer[j->depth], 1);
	if (j->depth == 0)
		out_write(j->o, "\n", 1);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	separate(j);
	json_quote(j->o, s);
}

void json_uint(struct json *j, unsigned long long v)
{
	separate(j);
	out_printf(j->o, "%llu", v);
}

void json_int(struct json *j, long long v)
{
	separate(j);
	out_printf(j->o, "%lld", v);
}

void json_bool(struct json *j, bool v)
{
	separate(j);
	out_printf(j->o, "%s", v ? "true" : "false");
}

void json_null(struct json *j)
{
	separate(j);
	out_write(j->o, "null", 4);
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kuint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
