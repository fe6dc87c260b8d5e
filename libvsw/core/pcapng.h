/* SPDX-License-Identifier: MIT */
/*
 * pcapng.h - the pcapng blocks a capture writes (pcapng.c), in the host's
 * byte order as the format allows: a section header, an interface
 * description per port, an enhanced packet per frame, and interface
 * statistics at the end. Each *_len() gives a block's size, so that the
 * writer can check the queue's room before it appends.
 */
#ifndef VSW_CORE_PCAPNG_H
#define VSW_CORE_PCAPNG_H

#include <stdint.h>

#include "core/bytequeue.h"

/* epb_flags direction bits */
#define VSW_PCAPNG_INBOUND 1u
#define VSW_PCAPNG_OUTBOUND 2u

/* What an interface statistics block reports. */
struct vsw__pcapng_isb {
	uint32_t if_id;
	uint64_t start_ns, end_ns;
	uint64_t recv;      /* copies the capture was offered */
	uint64_t osdrop;    /* lost: the queue was full */
	uint64_t delivered; /* written as packet blocks */
};

/* ---- pcapng.c ---- */
uint32_t vsw__pcapng_shb_len(const char *appl);
void vsw__pcapng_shb(struct vsw__bytequeue *q, const char *appl);
uint32_t vsw__pcapng_idb_len(const char *name, const char *descr);
void vsw__pcapng_idb(struct vsw__bytequeue *q, const char *name, const char *descr,
		     uint32_t snaplen);
uint32_t vsw__pcapng_epb_len(uint32_t caplen);
void vsw__pcapng_epb(struct vsw__bytequeue *q, uint32_t if_id, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t len, uint32_t dir);
uint32_t vsw__pcapng_isb_len(void);
void vsw__pcapng_isb(struct vsw__bytequeue *q, const struct vsw__pcapng_isb *s);

#endif
