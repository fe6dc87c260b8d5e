/* SPDX-License-Identifier: MIT */
/*
 * json.h - a small JSON emitter for vswd's --json output. It tracks the
 * nesting of objects and arrays, so callers never place a comma: members
 * are separated by ", ", keys from values by ": ", and closing the
 * outermost value ends the document with a newline.
 *
 * Strings are written as UTF-8. Names in libvsw are bytes, not text, so a
 * byte that does not belong to a well-formed UTF-8 sequence is written as
 * the escape \u00XX of its value (0xff becomes \u00ff): the output is
 * always valid JSON, and two names that differ in such bytes stay
 * different. Control characters are escaped the same way (\u000a).
 */
#ifndef VSWD_JSON_H
#define VSWD_JSON_H

#include <stdbool.h>

#include "outbuf.h"

#define JSON_MAX_DEPTH 16

struct json {
	struct outbuf *o;
	int depth;
	bool has_items[JSON_MAX_DEPTH];  /* a member is written at this level */
	char closer[JSON_MAX_DEPTH];     /* '}' or ']' */
	bool after_key;                  /* a key waits for its value */
};

void json_init(struct json *j, struct outbuf *o);

/* In an object, the key of the next value. */
void json_key(struct json *j, const char *key);

/* Values: in an array, or after json_key(). */
void json_object(struct json *j);    /* opens an object */
void json_array(struct json *j);     /* opens an array */
void json_end(struct json *j);       /* closes the innermost one */
void json_str(struct json *j, const char *s); /* NULL: null */
void json_uint(struct json *j, unsigned long long v);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Key and value at once. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kuint(struct json *j, const char *key, unsigned long long v);
void json_kbool(struct json *j, const char *key, bool v);

/* The string literal of 's' alone, quotes included (escaped as above). */
void json_quote(struct outbuf *o, const char *s);

#endif
