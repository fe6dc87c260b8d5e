/* SPDX-License-Identifier: MIT */
/* bench-config.h - vsw-bench --config (bench-config.c). */
#ifndef BENCH_CONFIG_H
#define BENCH_CONFIG_H

/* Time adding, flapping an uplink under, and removing 1,000 to 100,000
 * vNICs; print the cost per operation (JSON with 'json'). 0 or 1. */
int bench_config(int json);

#endif
