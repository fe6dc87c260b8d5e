/* SPDX-License-Identifier: MIT */
/* Description: shared declarations of the libcheck suites of check-libvsw. */
#ifndef CKSUITE_H
#define CKSUITE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <vsw.h>

Suite *vsw_model_suite(void);
Suite *vsw_policy_suite(void);
Suite *vsw_alloc_suite(void);

/* A locally administered unicast MAC 02:00:00:00:HI:LO. */
static inline void ck_mac(uint8_t mac[6], unsigned int n)
{
	mac[0] = 0x02; mac[1] = 0; mac[2] = 0; mac[3] = 0;
	mac[4] = (uint8_t)(n >> 8); mac[5] = (uint8_t)n;
}

struct vsw_switch *ck_switch(const char *name);
struct vsw_switch *ck_switch_opts(const char *name, const struct vsw_switch_opts *o);
int ck_under_debugger(void);

#define ck_ok(call) ck_assert_int_eq((call), 0)

#endif

/* ---- frame-path harness (ckutil.c) ---- */

Suite *vsw_forward_suite(void);
Suite *vsw_vlan_suite(void);
Suite *vsw_teaming_suite(void);
Suite *vsw_backend_suite(void);
Suite *vsw_vswcmd_suite(void);
Suite *vsw_vswjson_suite(void);
Suite *vsw_badinput_suite(void);
Suite *vsw_qemu_suite(void);
Suite *vsw_beacon_suite(void);
Suite *vsw_lldp_suite(void);
Suite *vsw_vmk_suite(void);
Suite *vsw_edges_suite(void);
Suite *vsw_offload_suite(void);
Suite *vsw_ofl_path_suite(void);
Suite *vsw_loop_suite(void);
Suite *vsw_vhostuser_suite(void);
Suite *vsw_mirror_suite(void);
Suite *vsw_vxlan_suite(void);

#define CK_CAP_FRAMES 32
#define CK_FRAME_MAX 9100

/* What a port received through its rx callback. */
struct ck_cap {
	unsigned int n;
	unsigned int calls;
	struct {
		uint8_t data[CK_FRAME_MAX];
		uint32_t len;
	} f[CK_CAP_FRAMES];
};

/* Capture deliveries to 'port' into 'cap' (zeroed first). */
void ck_capture(struct vsw_port *port, struct ck_cap *cap);

/* An Ethernet frame: dst, src, then 'ntags' (tpid, tci) pairs, then
 * 'ethertype' and 'payload' bytes of a counting pattern. Returns the length. */
struct ck_tag {
	uint16_t tpid, tci;
};
uint32_t ck_frame(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		  const struct ck_tag *tags, unsigned int ntags, uint16_t ethertype,
		  uint32_t payload);

/* Send one frame into 'port'; fails the test on an error return. */
void ck_send(struct vsw_port *port, const uint8_t *data, uint32_t len);
void ck_send_tci(struct vsw_port *port, const uint8_t *data, uint32_t len, uint16_t tci);

/* Sum of every drop counter of a port. */
uint64_t ck_drops(const struct vsw_port *port);

extern const uint8_t ck_bcast[6];
