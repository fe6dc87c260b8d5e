// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the vswctl command parser: any line is
 * parsed without crashing, and a line that parses joins back (quoted) into
 * a line that parses to the same words.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/daemon/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vswcmd c, c2;
	static char line[VSWCMD_MAX_LINE + 16], joined[3 * VSWCMD_MAX_LINE], err[256];
	static char *words[VSWCMD_MAX_WORDS];
	int r, n;

	if (size > VSWCMD_MAX_LINE + 8)
		size = VSWCMD_MAX_LINE + 8;
	memcpy(line, data, size);
	line[size] = 0;
	r = vswcmd_parse(line, &c, err, sizeof(err));
	if (r < 0 && !err[0])
		abort(); /* a rejection always says why */
	if (r != 1)
		return 0;
	/* the words as split (parsing edits policy words in place) */
	if (vswcmd_split(line, &c2, err, sizeof(err)) < 0)
		abort();
	n = c2.nwords;
	for (int i = 0; i < n; i++)
		words[i] = c2.words[i];
	/* quoting lengthens a line: one that no longer fits a command line
	 * is refused by the join, as vswctl refuses it */
	if (vswcmd_join(n, words, joined, VSWCMD_MAX_LINE) < 0)
		return 0;
	if (vswcmd_parse(joined, &c2, err, sizeof(err)) != 1 || c2.obj != c.obj || c2.verb != c.verb ||
	    c2.npos != c.npos)
		abort();
	for (int i = 0; i < c.npos; i++)
		if (strcmp(c.pos[i], c2.pos[i]))
			abort();
	return 0;
}
