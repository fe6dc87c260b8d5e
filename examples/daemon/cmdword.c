// SPDX-License-Identifier: MIT
/*
 * cmdword.c - a command line as words, and back (see cmd.h): blanks
 * separate words, double quotes group them, a backslash escapes the next
 * character, '#' at the start of a word begins a comment. Control
 * characters are refused, so that no word can forge a log line.
 */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int split(const char *line, struct vswcmd *c, char *err, size_t errlen)
{
	const char *p = line;
	char *o = c->buf, *end = c->buf + sizeof(c->buf) - 1;

	c->nwords = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			return 0;
		if (c->nwords == VSWCMD_MAX_WORDS)
			ERR("too many words (more than %d)", VSWCMD_MAX_WORDS);
		c->words[c->nwords++] = o;
		bool quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
				continue;
			}
			if (*p == '\\' && p[1])
				p++;
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				*o = 0;
				ERR("control character in '%s'", c->words[c->nwords - 1]);
			}
			if (o == end)
				ERR("line too long (more than %d bytes)", VSWCMD_MAX_LINE - 1);
			*o++ = *p++;
		}
		if (quoted) {
			*o = 0;
			ERR("unterminated quote in '%s'", c->words[c->nwords - 1]);
		}
		if (o == end)
			ERR("line too long (more than %d bytes)", VSWCMD_MAX_LINE - 1);
		*o++ = 0;
	}
}

int vswcmd_split(const char *line, struct vswcmd *c, char *err, size_t errlen)
{
	if (strlen(line) >= VSWCMD_MAX_LINE)
		ERR("line too long (more than %d bytes)", VSWCMD_MAX_LINE - 1);
	return split(line, c, err, errlen);
}

int vswcmd_join(int n, char *const *words, char *out, size_t outlen)
{
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		const char *w = words[i];
		bool plain = *w && !strpbrk(w, " \t\"\\#\r\n");
		if (k + 2 * strlen(w) + 4 >= outlen)
			return -1;
		if (i)
			out[k++] = ' ';
		if (!plain)
			out[k++] = '"';
		for (; *w; w++) {
			if (*w == '"' || *w == '\\')
				out[k++] = '\\';
			if (*w == '\n' || *w == '\r')
				continue;
			out[k++] = *w;
		}
		if (!plain)
			out[k++] = '"';
	}
	out[k] = 0;
	return 0;
}
