// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for vswd's configuration reader: any text
 * is read as a configuration (memory backends only: nothing touches the
 * host) without crashing or leaking, and a file that fails leaves no switch.
 * A file that loads is dumped (show-config, the state file), and the dump
 * must build the same switches again: loaded for real and in a dry run
 * (vswd -t, SIGHUP), it dumps to the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/daemon/dump.h"
#include "../../examples/daemon/exec.h"
#include "../../examples/daemon/host.h"

static bool memory_only(const char *spec)
{
	return !strncmp(spec, "memory:", 7);
}

/* Load 'text' (NUL-terminated) into 'd', then dump it; NULL if it fails. */
static char *load_and_dump(struct vswd *d, const char *text, size_t len)
{
	struct outbuf out = { 0 }, o = { 0 };
	struct dump dump = { 0 };
	char err[300];
	FILE *f = fmemopen((void *)text, len, "r");
	int r;

	if (!f)
		return NULL;
	r = vswd_config_load(d, f, &out, err, sizeof(err));
	fclose(f);
	out_free(&out);
	if (r < 0) {
		if (d->switches)
			abort(); /* half-built */
		return NULL;
	}
	if (dump_make(d, &dump) == 0)
		dump_text(&dump, &o);
	dump_free(&dump);
	out_write(&o, "", 1);
	vswd_clear(d);
	return o.p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vswd d = { .backend_ok = memory_only }, dry = { .dry = true };
	char *first, *again, *checked;

	if (!size)
		return 0;
	first = load_and_dump(&d, (const char *)data, size);
	if (!first)
		return 0;
	again = load_and_dump(&d, first, strlen(first));
	checked = load_and_dump(&dry, first, strlen(first));
	vswd_netstack_cleanup(&dry);
	if (!again || strcmp(first, again) || !checked || strcmp(first, checked)) {
		fprintf(stderr, "dump does not build the same switches:\n%s\n---\n%s\n---\n%s\n", first,
			again ? again : "(failed)", checked ? checked : "(failed)");
		abort();
	}
	free(first);
	free(again);
	free(checked);
	return 0;
}
