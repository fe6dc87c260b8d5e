/* SPDX-License-Identifier: MIT */
/*
 * logsafe.h - what a client sends may reach vswd's log, but only as one
 * printable, bounded line, and a client that is refused again and again
 * is logged a few times, not once per refusal: a read-only user can
 * neither forge log lines nor flood the disk.
 */
#ifndef VSWD_LOGSAFE_H
#define VSWD_LOGSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest client text a log line quotes; longer text is cut. */
#define LOG_QUOTE_MAX 200

/*
 * 'n' bytes of 's' as printable ASCII in 'out': a backslash and any byte
 * outside 0x20-0x7e (ESC, CR, NUL, UTF-8...) become \\ or \xHH; only the
 * first LOG_QUOTE_MAX bytes are shown, and text cut (there, or because
 * 'out' is full) ends in "...". 'out' needs LOG_QUOTE_MAX * 4 + 4 bytes
 * to hold any quote whole. Returns 'out'.
 */
const char *log_escape(const void *s, size_t n, char *out, size_t outlen);

/*
 * Whether a refusal of user 'uid' may be logged at 'now_ms': a burst of a
 * few, then one per second. When it may, *suppressed is how many were not
 * logged since the last one.
 */
bool log_ratelimit(unsigned int uid, uint64_t now_ms, unsigned long *suppressed);

#endif
