// SPDX-License-Identifier: MIT
/*
 * logsafe.c - escaping and rate limiting of what clients make vswd log
 * (see logsafe.h).
 */
#include "logsafe.h"

#include <stdio.h>

const char *log_escape(const void *s, size_t n, char *out, size_t outlen)
{
	const unsigned char *p = s;
	size_t k = 0, lim = n > LOG_QUOTE_MAX ? LOG_QUOTE_MAX : n;

	if (!outlen)
		return out;
	for (size_t i = 0; i < lim; i++) {
		char tmp[5];
		int m;
		if (p[i] == '\\')
			m = snprintf(tmp, sizeof(tmp), "\\\\");
		else if (p[i] < 0x20 || p[i] > 0x7e)
			m = snprintf(tmp, sizeof(tmp), "\\x%02x", p[i]);
		else
			m = snprintf(tmp, sizeof(tmp), "%c", p[i]);
		if (k + (size_t)m + 4 > outlen) { /* room for "..." and the NUL */
			snprintf(out + k, outlen - k, "...");
			return out;
		}
		for (int j = 0; j < m; j++)
			out[k++] = tmp[j];
	}
	snprintf(out + k, outlen - k, "%s", lim < n ? "..." : "");
	return out;
}

#define RL_USERS 16
#define RL_BURST 5
#define RL_PERIOD_MS 1000

static struct {
	unsigned int uid;
	bool used;
	unsigned int tokens;
	uint64_t refill_ms;
	unsigned long suppressed;
} rl[RL_USERS];

bool log_ratelimit(unsigned int uid, uint64_t now_ms, unsigned long *suppressed)
{
	int slot = -1, oldest = 0;

	for (int i = 0; i < RL_USERS; i++) {
		if (rl[i].used && rl[i].uid == uid) {
			slot = i;
			break;
		}
		if (!rl[i].used || (rl[oldest].used && rl[i].refill_ms < rl[oldest].refill_ms))
			oldest = i;
	}
	if (slot < 0) {
		/* a new user takes the stalest slot: at worst, a user seen long
		 * ago starts again with a full burst */
		slot = oldest;
		rl[slot].used = true;
		rl[slot].uid = uid;
		rl[slot].tokens = RL_BURST;
		rl[slot].refill_ms = now_ms;
		rl[slot].suppressed = 0;
	}
	while (rl[slot].tokens < RL_BURST && now_ms - rl[slot].refill_ms >= RL_PERIOD_MS) {
		rl[slot].tokens++;
		rl[slot].refill_ms += RL_PERIOD_MS;
	}
	if (rl[slot].tokens == RL_BURST)
		rl[slot].refill_ms = now_ms;
	if (!rl[slot].tokens) {
		rl[slot].suppressed++;
		return false;
	}
	rl[slot].tokens--;
	*suppressed = rl[slot].suppressed;
	rl[slot].suppressed = 0;
	return true;
}
