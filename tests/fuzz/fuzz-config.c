// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for vswd's configuration reader: any text
 * is read as a configuration (memory backends only: nothing touches the
 * host) without crashing or leaking, and a file that fails leaves no switch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/daemon/exec.h"

static bool memory_only(const char *spec)
{
	return !strncmp(spec, "memory:", 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vswd d = { .backend_ok = memory_only };
	struct outbuf out = { 0 };
	char err[300];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	if (vswd_config_load(&d, f, &out, err, sizeof(err)) < 0 && d.switches)
		abort(); /* half-built */
	fclose(f);
	out_free(&out);
	vswd_clear(&d);
	return 0;
}
