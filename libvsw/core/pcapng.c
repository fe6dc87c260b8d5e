// SPDX-License-Identifier: MIT
/*
 * pcapng.c - encoding pcapng blocks (the IETF OPSAWG draft
 * "PCAP Next Generation (pcapng) Capture File Format") into a byte queue.
 * Every block is: type, total length, body, options (code, length, value
 * padded to 4 bytes, ended by opt_endofopt), total length again.
 */
#include <string.h>

#include "core/pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1u

#define OPT_ENDOFOPT 0
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_OSDROP 7
#define ISB_USRDELIV 8

static uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

static void u32(struct vsw__bytequeue *q, uint32_t v)
{
	vsw__bq_put(q, &v, 4);
}

static void u16(struct vsw__bytequeue *q, uint16_t v)
{
	vsw__bq_put(q, &v, 2);
}

/* A timestamp in ticks of the interface's resolution (ns): high, low. */
static void ts(struct vsw__bytequeue *q, uint64_t ns)
{
	u32(q, (uint32_t)(ns >> 32));
	u32(q, (uint32_t)ns);
}

static uint32_t opt_len(uint32_t n)
{
	return 4 + pad4(n);
}

static void opt(struct vsw__bytequeue *q, uint16_t code, const void *v, uint32_t n)
{
	u16(q, code);
	u16(q, (uint16_t)n);
	vsw__bq_put(q, v, n);
	vsw__bq_zero(q, pad4(n) - n);
}

static void opt_u64(struct vsw__bytequeue *q, uint16_t code, uint64_t v)
{
	opt(q, code, &v, 8);
}

static void opt_ts(struct vsw__bytequeue *q, uint16_t code, uint64_t ns)
{
	uint32_t v[2] = { (uint32_t)(ns >> 32), (uint32_t)ns };

	opt(q, code, v, 8);
}

static uint32_t str_len(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0xfff0 ? 0xfff0 : (uint32_t)n;
}

/* ---- section header ---- */

uint32_t vsw__pcapng_shb_len(const char *appl)
{
	return 28 + opt_len(str_len(appl)) + 4;
}

void vsw__pcapng_shb(struct vsw__bytequeue *q, const char *appl)
{
	uint32_t len = vsw__pcapng_shb_len(appl);
	uint64_t section = UINT64_MAX; /* length not given: written as it goes */

	u32(q, BT_SHB);
	u32(q, len);
	u32(q, BYTE_ORDER_MAGIC);
	u16(q, 1);
	u16(q, 0);
	vsw__bq_put(q, &section, 8);
	opt(q, SHB_USERAPPL, appl, str_len(appl));
	u32(q, OPT_ENDOFOPT);
	u32(q, len);
}

/* ---- interface description ---- */

uint32_t vsw__pcapng_idb_len(const char *name, const char *descr)
{
	return 16 + opt_len(str_len(name)) + opt_len(str_len(descr)) + opt_len(1) + 4 + 4;
}

void vsw__pcapng_idb(struct vsw__bytequeue *q, const char *name, const char *descr,
		     uint32_t snaplen)
{
	uint32_t len = vsw__pcapng_idb_len(name, descr);
	uint8_t nanoseconds = 9;

	u32(q, BT_IDB);
	u32(q, len);
	u16(q, LINKTYPE_ETHERNET);
	u16(q, 0);
	u32(q, snaplen);
	opt(q, IF_NAME, name, str_len(name));
	opt(q, IF_DESCRIPTION, descr, str_len(descr));
	opt(q, IF_TSRESOL, &nanoseconds, 1);
	u32(q, OPT_ENDOFOPT);
	u32(q, len);
}

/* ---- enhanced packet ---- */

uint32_t vsw__pcapng_epb_len(uint32_t caplen)
{
	return 28 + pad4(caplen) + opt_len(4) + 4 + 4;
}

void vsw__pcapng_epb(struct vsw__bytequeue *q, uint32_t if_id, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t len, uint32_t dir)
{
	uint32_t blen = vsw__pcapng_epb_len(caplen);

	u32(q, BT_EPB);
	u32(q, blen);
	u32(q, if_id);
	ts(q, ts_ns);
	u32(q, caplen);
	u32(q, len);
	vsw__bq_put(q, data, caplen);
	vsw__bq_zero(q, pad4(caplen) - caplen);
	opt(q, EPB_FLAGS, &dir, 4);
	u32(q, OPT_ENDOFOPT);
	u32(q, blen);
}

/* ---- interface statistics ---- */

uint32_t vsw__pcapng_isb_len(void)
{
	return 20 + 5 * opt_len(8) + 4 + 4;
}

void vsw__pcapng_isb(struct vsw__bytequeue *q, const struct vsw__pcapng_isb *s)
{
	uint32_t len = vsw__pcapng_isb_len();

	u32(q, BT_ISB);
	u32(q, len);
	u32(q, s->if_id);
	ts(q, s->end_ns);
	opt_ts(q, ISB_STARTTIME, s->start_ns);
	opt_ts(q, ISB_ENDTIME, s->end_ns);
	opt_u64(q, ISB_IFRECV, s->recv);
	opt_u64(q, ISB_OSDROP, s->osdrop);
	opt_u64(q, ISB_USRDELIV, s->delivered);
	u32(q, OPT_ENDOFOPT);
	u32(q, len);
}
