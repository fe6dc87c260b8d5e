// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the vhostuser backend's ring code
 * (libvsw/backends/virtq.c) with arbitrary ring contents over a fake
 * memory table. The input fills a guest's memory, in which the rings and
 * every buffer lie: descriptor tables with any addresses, lengths, flags
 * and next indexes (loops, indirect tables nested or of any length,
 * chains longer than the ring), avail indexes anywhere. Guest memory is
 * two regions that are contiguous to the guest and apart here (a buffer
 * may straddle them), with gaps around. Then a sequence of operations
 * from the input: take transmitted chains, write frames into receive
 * chains (mergeable or not), publish, turn notifications on and off.
 * Checks, besides ASan and UBSan on every access:
 *  - a chain taken is given back used exactly once (one used entry for
 *    each head taken), and nothing is taken once the ring is broken;
 *  - a frame copied out is never longer than the buffer it was given;
 *  - a frame that found no room, or was dropped as too long, leaves the
 *    ring as it was (nothing taken, nothing used); without mergeable
 *    buffers a frame takes one chain, with them at most the ring's size;
 *  - a broken ring stays broken: nothing pending, nothing taken.
 *
 * Input: [num: 1 byte][flags: 1 byte][ops: 16 bytes][memory: the rest,
 * repeated to fill 2 x 4 KiB]. num: the ring size, 2^(b % 8). Flags: bit 0
 * EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 mergeable, bit 3 a 12-byte header,
 * bit 4 the device's avail index from the last two op bytes (else 0).
 * Each op byte: bits 0-1 pop, push, flush, notify; bits 2-7 a size.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backends/virtq.h"

#define REGION 4096u
#define GPA_A 0x10000ull
#define GPA_B (GPA_A + REGION)

static uint8_t *mem_a, *mem_b;
static uint8_t buf[3 * REGION];
static uint8_t frame[3 * REGION];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vsw__gmem m = { 0 };
	struct vsw__vq vq = { 0 };
	const uint8_t *ops;
	bool mergeable;
	size_t hdr_len;

	if (size < 19)
		return 0;
	if (!mem_a) {
		/* apart in this process, so that a straddling copy must be cut */
		mem_a = malloc(REGION);
		mem_b = malloc(REGION);
		for (size_t i = 0; i < sizeof(frame); i++)
			frame[i] = (uint8_t)(i * 13);
	}
	vq.num = (uint16_t)(1u << (data[0] % 8));
	vq.event_idx = data[1] & 1;
	vq.indirect = data[1] & 2;
	mergeable = data[1] & 4;
	hdr_len = data[1] & 8 ? 12 : 10;
	ops = data + 2;
	data += 18;
	size -= 18;
	for (size_t i = 0; i < 2 * REGION; i++) {
		uint8_t b = data[i % size];
		if (i < REGION)
			mem_a[i] = b;
		else
			mem_b[i - REGION] = b;
	}
	m.n = 2;
	m.r[0] = (struct vsw__gmem_region){ .gpa = GPA_A, .size = REGION, .uaddr = 0x7f0000000000ull,
					    .host = mem_a };
	m.r[1] = (struct vsw__gmem_region){ .gpa = GPA_B, .size = REGION, .uaddr = 0x7f0000001000ull,
					    .host = mem_b };
	/* the rings at the start of region A: table, avail, used */
	vq.desc_ua = 0x7f0000000000ull;
	vq.avail_ua = vq.desc_ua + 16u * vq.num;
	vq.used_ua = (vq.avail_ua + 6u + 2u * vq.num + 3u) & ~3ull;
	if (vsw__vq_map(&vq, &m) < 0)
		abort(); /* they all fit */
	/* where the device stands in the ring: 0, or anywhere */
	vq.last_avail = (ops[-1] & 16) ? (uint16_t)(ops[14] | ops[15] << 8) : 0;
	vsw__vq_start(&vq);

	for (int i = 0; i < 16; i++) {
		uint8_t op = ops[i];
		size_t arg = (size_t)(op >> 2) * 190u;
		uint16_t avail0 = vq.last_avail, used0 = vq.used_idx;
		enum vsw__vq_fault fault;
		size_t len;
		uint8_t hdr[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
		int r;

		switch (op & 3) {
		case 0:
			r = vsw__vq_pop(&vq, &m, buf, arg, &len, &fault);
			if (r == 1) {
				if (vq.last_avail != (uint16_t)(avail0 + 1) ||
				    vq.used_idx != (uint16_t)(used0 + 1))
					abort();
				if (len > arg || (fault && len))
					abort();
			} else if (vq.last_avail != avail0 || vq.used_idx != used0) {
				abort();
			}
			break;
		case 1:
			r = vsw__vq_push(&vq, &m, hdr, hdr_len, frame, arg, mergeable, &fault);
			if (r == 1 && !fault) {
				uint16_t took = (uint16_t)(vq.last_avail - avail0);
				if (!took || took > vq.num || (!mergeable && took != 1) ||
				    vq.used_idx != (uint16_t)(used0 + took))
					abort();
			} else if (vq.last_avail != avail0 || vq.used_idx != used0) {
				abort(); /* no room, too long, a broken ring: nothing taken */
			}
			break;
		case 2:
			vsw__vq_flush(&vq);
			if (vq.published != vq.used_idx)
				abort();
			break;
		default:
			vsw__vq_notify(&vq, op & 4);
			break;
		}
		if (vq.broken && (vsw__vq_pending(&vq) ||
				  vsw__vq_pop(&vq, &m, buf, sizeof(buf), &len, &fault) != -EIO))
			abort();
	}
	return 0;
}
