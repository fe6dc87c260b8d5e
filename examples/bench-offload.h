/* SPDX-License-Identifier: MIT */
/* bench-offload.h - vsw-bench --offload (bench-offload.c). */
#ifndef BENCH_OFFLOAD_H
#define BENCH_OFFLOAD_H

/* Time software segmentation and checksum completion on one core; print
 * Gbit/s (JSON with 'json'), the median of 'runs' runs of about 'seconds'
 * each. 0 or 1. */
int bench_offload(int json, int runs, double seconds);

#endif
