// SPDX-License-Identifier: MIT
/* Description: helpers shared by the suites: switches that fail the test on
 * any library ERROR log. */
#include <stdio.h>
#include <stdlib.h>

#include "cksuite.h"

static void abort_on_error(struct vsw_switch *sw, enum vsw_log_level level, void *user,
			   const char *fmt, va_list ap)
{
	char msg[512];

	(void)user;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level <= VSW_LOG_ERR)
		ck_abort_msg("library error log on %s: %s", vsw_switch_name(sw), msg);
}

struct vsw_switch *ck_switch_opts(const char *name, const struct vsw_switch_opts *o)
{
	struct vsw_switch *sw = NULL;

	ck_ok(vsw_switch_new(name, o, &sw));
	ck_ok(vsw_switch_set_log(sw, abort_on_error, VSW_LOG_ERR, NULL));
	return sw;
}

struct vsw_switch *ck_switch(const char *name)
{
	return ck_switch_opts(name, NULL);
}

int ck_under_debugger(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int traced = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			traced = atoi(line + 10) != 0;
	fclose(f);
	return traced;
}

const uint8_t ck_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned int cap_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	struct ck_cap *c = user;

	(void)port;
	c->calls++;
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_uint_eq(f[i].flags, 0);
		ck_assert_uint_le(f[i].len, CK_FRAME_MAX);
		if (c->n < CK_CAP_FRAMES) {
			memcpy(c->f[c->n].data, f[i].data, f[i].len);
			c->f[c->n].len = f[i].len;
		}
		c->n++;
	}
	return n;
}

void ck_capture(struct vsw_port *port, struct ck_cap *cap)
{
	memset(cap, 0, sizeof(*cap));
	ck_ok(vsw_port_set_rx(port, cap_rx, cap));
}

uint32_t ck_frame(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		  const struct ck_tag *tags, unsigned int ntags, uint16_t ethertype,
		  uint32_t payload)
{
	uint32_t n = 12;

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	for (unsigned int i = 0; i < ntags; i++) {
		buf[n++] = (uint8_t)(tags[i].tpid >> 8);
		buf[n++] = (uint8_t)tags[i].tpid;
		buf[n++] = (uint8_t)(tags[i].tci >> 8);
		buf[n++] = (uint8_t)tags[i].tci;
	}
	buf[n++] = (uint8_t)(ethertype >> 8);
	buf[n++] = (uint8_t)ethertype;
	for (uint32_t i = 0; i < payload; i++)
		buf[n++] = (uint8_t)(i * 7 + 1);
	return n;
}

void ck_send(struct vsw_port *port, const uint8_t *data, uint32_t len)
{
	struct vsw_frame f = { .data = data, .len = len };

	ck_ok(vsw_port_input(port, &f, 1));
}

void ck_send_tci(struct vsw_port *port, const uint8_t *data, uint32_t len, uint16_t tci)
{
	struct vsw_frame f = { .data = data, .len = len, .vlan_tci = tci,
			       .flags = VSW_FRAME_VLAN_TCI };

	ck_ok(vsw_port_input(port, &f, 1));
}

uint64_t ck_drops(const struct vsw_port *port)
{
	uint64_t n = 0;

	for (int c = 0; vsw_counter_name(c); c++)
		if (vsw_counter_kind(c) == VSW_CTR_KIND_DROP)
			n += vsw_port_counter(port, c);
	return n;
}
