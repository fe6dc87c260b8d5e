// SPDX-License-Identifier: MIT
/*
 * The vhostuser backend against the tests' own vhost-user front-end
 * (vu-driver.c): the set-up QEMU does, frames both ways with and without
 * mergeable buffers, the buffer limits (a frame of exactly 65,553 bytes
 * and one more), offloads as negotiated, back-pressure when the guest has
 * no receive buffers, every kind of bad chain counted while the port keeps
 * working, a broken ring taking the link down until it is set up again,
 * a new memory table, disconnection releasing the guest's memory, and the
 * client mode reconnecting.
 */

#include "cksuite.h"
#include "vu-driver.h"

#include <dirent.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define FRAME_MAX (65535u + 14u + 4u)
#define ALL_FEATURES (~0ull)

static const uint8_t vm_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t cb_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

struct rig {
	struct vsw_switch *sw;
	struct vsw_port *vu, *cb;
	struct vud d;
	char path[108];
	/* what the callback port received (the first 64 kept) */
	unsigned int n, total;
	uint32_t len[64];
	struct vsw_frame meta[64];
	uint8_t *data[64];
};

static unsigned int cb_rx(struct vsw_port *port, const struct vsw_frame *f, unsigned int n, void *user)
{
	struct rig *r = user;

	(void)port;
	r->total += n;
	for (unsigned int i = 0; i < n && r->n < 64; i++, r->n++) {
		r->len[r->n] = f[i].len;
		r->meta[r->n] = f[i];
		r->data[r->n] = realloc(r->data[r->n], f[i].len);
		memcpy(r->data[r->n], f[i].data, f[i].len);
	}
	return n;
}

static void rig_up(struct rig *r, unsigned int mtu)
{
	struct vsw_portgroup *pg;
	struct vsw_vnic *v1, *v2;

	memset(r, 0, sizeof(*r));
	r->d.fd = -1;
	snprintf(r->path, sizeof(r->path), "/tmp/vswvu%d.sock", (int)getpid());
	unlink(r->path);
	r->sw = ck_switch("vs");
	ck_ok(vsw_switch_set_mtu(r->sw, mtu));
	ck_ok(vsw_portgroup_add(r->sw, "pg", 0, 0, &pg));
	ck_ok(vsw_vnic_add(pg, "vm", vm_mac, 0, &v1));
	ck_ok(vsw_vnic_add(pg, "cb", cb_mac, 0, &v2));
	r->vu = vsw_vnic_port(v1);
	r->cb = vsw_vnic_port(v2);
	ck_ok(vsw_port_set_rx(r->cb, cb_rx, r));
}

static void rig_down(struct rig *r)
{
	vud_close(&r->d);
	vsw_switch_free(r->sw);
	for (int i = 0; i < 64; i++)
		free(r->data[i]);
	unlink(r->path);
}

/* A server-mode port with a driver connected and set up. */
static void rig_connected(struct rig *r, uint64_t features, unsigned int mtu)
{
	char spec[128];

	rig_up(r, mtu);
	snprintf(spec, sizeof(spec), "vhostuser:%s", r->path);
	ck_ok(vsw_port_attach(r->vu, spec, NULL));
	ck_ok(vud_open(&r->d, r->sw, r->path, -1));
	ck_ok(vud_setup(&r->d, features));
	vud_pump(&r->d, 3);
	ck_assert_int_eq(vsw_port_link(r->vu), 1);
}

static uint32_t mkframe(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint32_t len)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	b[12] = 0x88;
	b[13] = 0xb5; /* local experimental: no offload, no control protocol */
	for (uint32_t i = 14; i < len; i++)
		b[i] = (uint8_t)(i * 7);
	return len;
}

static uint64_t ctr(struct rig *r, enum vsw_counter c)
{
	return vsw_port_counter(r->vu, c);
}

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	while (dir && readdir(dir))
		n++;
	if (dir)
		closedir(dir);
	return n;
}

/* Mappings of the driver's memfd ("vud-guest") in this process. */
static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "vud-guest") != NULL;
	if (f)
		fclose(f);
	return n;
}

START_TEST(setup_link_offloads_and_release)
{
	struct rig r;
	char spec[128];
	int fds0, maps0, mine;

	rig_up(&r, 1500);
	snprintf(spec, sizeof(spec), "vhostuser:%s", r.path);
	ck_ok(vsw_port_attach(r.vu, spec, NULL));
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	ck_assert_uint_eq(vsw_port_offloads(r.vu), 0);
	vsw_switch_poll(r.sw, 0);
	fds0 = count_fds();
	maps0 = count_maps();
	ck_ok(vud_open(&r.d, r.sw, r.path, -1));
	ck_ok(vud_setup(&r.d, ALL_FEATURES));
	vud_pump(&r.d, 3);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	ck_assert_uint_eq(vsw_port_offloads(r.vu), VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4 |
			  VSW_OFFLOAD_TSO6 | VSW_OFFLOAD_TSO_ECN);
	ck_assert_int_eq(r.d.hdr, 12);
	mine = count_maps();
	ck_assert_int_eq(mine, maps0 + 2); /* the driver's and the backend's */
	/* the front-end goes: link down, its memory unmapped, the
	 * descriptors it sent (memory, kicks, calls) closed */
	close(r.d.fd);
	r.d.fd = -1;
	vud_pump(&r.d, 5);
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	ck_assert_int_eq(count_maps(), mine - 1);
	vud_close(&r.d);
	ck_assert_int_eq(count_maps(), maps0);
	ck_assert_int_eq(count_fds(), fds0);
	rig_down(&r);

	/* a guest without GUEST_TSO: checksums only; without GUEST_CSUM none */
	rig_connected(&r, ALL_FEATURES & ~((1ull << VIRTIO_NET_F_GUEST_TSO4) | (1ull << VIRTIO_NET_F_GUEST_TSO6)), 1500);
	ck_assert_uint_eq(vsw_port_offloads(r.vu), VSW_OFFLOAD_CSUM);
	rig_down(&r);
	rig_connected(&r, ALL_FEATURES & ~(1ull << VIRTIO_NET_F_GUEST_CSUM), 1500);
	ck_assert_uint_eq(vsw_port_offloads(r.vu), 0);
	rig_down(&r);
}
END_TEST

START_TEST(guest_frames_to_the_switch_at_the_limit)
{
	struct rig r;
	static uint8_t f[FRAME_MAX + 2];

	rig_connected(&r, ALL_FEATURES, 9000);
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, 60));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.len[0], 60);
	ck_assert_mem_eq(r.data[0], f, 60);
	/* the longest frame the backend takes whole: handed over (the
	 * switch's MTU then refuses it), one byte more: truncated here */
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, FRAME_MAX));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_RX_PACKETS), 2);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_OVERSIZE), 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_TRUNCATED), 0);
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, FRAME_MAX + 1));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_RX_PACKETS), 2);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_TRUNCATED), 1);
	/* a jumbo frame within the MTU, and the guest got its buffers back */
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, 9014));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.len[1], 9014);
	ck_assert_mem_eq(r.data[1], f, 9014);
	ck_assert_uint_eq(r.d.q[1].used->idx, 4);
	/* more frames than one batch: all of them, in order */
	for (int i = 0; i < 40; i++) {
		mkframe(f, cb_mac, vm_mac, 100);
		f[20] = (uint8_t)i;
		vud_tx(&r.d, NULL, f, 100);
	}
	vud_pump(&r.d, 20);
	ck_assert_uint_eq(r.n, 42);
	for (int i = 0; i < 40; i++)
		ck_assert_uint_eq(r.data[2 + i][20], i);
	rig_down(&r);
}
END_TEST

/* The receive arena (1 MiB) takes frames while a frame of the largest
 * size still fits: jumbo frames fill it at exactly 109 (9,088 bytes each
 * with header and alignment; 1 MiB - 108 x 9,088 is the last room of at
 * least 65,565), the 110th waits for the next round, in order. */
START_TEST(arena_full_then_next_round)
{
	struct rig r;
	static uint8_t f[9100];

	rig_connected(&r, ALL_FEATURES, 9000);
	for (int i = 0; i < 120; i++) {
		mkframe(f, cb_mac, vm_mac, 9014);
		f[20] = (uint8_t)i;
		vud_tx(&r.d, NULL, f, 9014);
	}
	vsw_switch_poll(r.sw, 0);
	ck_assert_uint_eq(r.total, 109);
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.total, 120);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_RX_PACKETS), 120);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(r.data[i][20], i);
	ck_assert_uint_eq(r.d.q[1].used->idx, 120);
	rig_down(&r);
}
END_TEST

START_TEST(switch_frames_to_the_guest_mergeable_and_not)
{
	struct rig r;
	static uint8_t f[9100], out[70000];
	uint8_t hdr[12];
	long got;

	rig_connected(&r, ALL_FEATURES, 9000);
	vud_post_rx(&r.d, 64, 1526);
	vud_pump(&r.d, 2);
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 60));
	vud_pump(&r.d, 2);
	got = vud_rx(&r.d, out, sizeof(out), hdr);
	ck_assert_int_eq(got, 60);
	ck_assert_mem_eq(out, f, 60);
	ck_assert_int_eq(hdr[10], 1);
	/* a jumbo frame over several buffers: num_buffers says how many */
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 9014));
	vud_pump(&r.d, 2);
	got = vud_rx(&r.d, out, sizeof(out), hdr);
	ck_assert_int_eq(got, 9014);
	ck_assert_mem_eq(out, f, 9014);
	ck_assert_int_eq(hdr[10] | hdr[11] << 8, (9014 + 12 + 1525) / 1526);
	ck_assert_uint_eq(vsw_port_counter(r.vu, VSW_CTR_TX_PACKETS), 2);
	rig_down(&r);

	/* no mergeable buffers: a frame must fit one; a larger one is lost
	 * (tx_errors) and the buffer stays the guest's */
	rig_connected(&r, ALL_FEATURES & ~((1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_F_VERSION_1)), 9000);
	ck_assert_int_eq(r.d.hdr, 10);
	vud_post_rx(&r.d, 1, 10 + 1514);
	vud_pump(&r.d, 2);
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 1515));
	vud_pump(&r.d, 2);
	ck_assert_uint_eq(vsw_port_counter(r.vu, VSW_CTR_TX_ERRORS), 1);
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 1514)); /* exactly the buffer */
	vud_pump(&r.d, 2);
	got = vud_rx(&r.d, out, sizeof(out), hdr);
	ck_assert_int_eq(got, 1514);
	ck_assert_mem_eq(out, f, 1514);
	rig_down(&r);
}
END_TEST

START_TEST(no_receive_buffers_is_back_pressure)
{
	struct rig r;
	static uint8_t f[200], out[2000];
	uint8_t hdr[12];

	rig_connected(&r, ALL_FEATURES, 1500);
	/* the guest has given no buffers: the frame is lost as tx_full */
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 100));
	vud_pump(&r.d, 2);
	ck_assert_uint_eq(vsw_port_counter(r.vu, VSW_CTR_TX_FULL), 1);
	ck_assert_uint_eq(vsw_port_counter(r.vu, VSW_CTR_TX_ERRORS), 0);
	/* it gives two and kicks: the switch hears of the room, and the
	 * next frames go */
	vud_post_rx(&r.d, 2, 1526);
	vud_pump(&r.d, 3);
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 100));
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 101));
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 102)); /* no third buffer */
	vud_pump(&r.d, 2);
	ck_assert_int_eq(vud_rx(&r.d, out, sizeof(out), hdr), 100);
	ck_assert_int_eq(vud_rx(&r.d, out, sizeof(out), hdr), 101);
	ck_assert_int_eq(vud_rx(&r.d, out, sizeof(out), hdr), -1);
	ck_assert_uint_eq(vsw_port_counter(r.vu, VSW_CTR_TX_FULL), 2);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	rig_down(&r);
}
END_TEST

/* A chain of the given descriptors at table index 'at', offered and kicked. */
static void offer_raw(struct rig *r, uint16_t at, const struct vring_desc *d, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		r->d.q[1].desc[at + i] = d[i];
	vud_offer(&r->d, 1, at);
	vud_kick(&r->d, 1);
	vud_pump(&r->d, 3);
}

START_TEST(bad_chains_counted_port_keeps_working)
{
	struct rig r;
	uint64_t outside = VUD_GPA + VUD_MEM;
	uint32_t good = VUD_TX_AREA + 100 * VUD_TX_SLOT;
	unsigned int n = 0;

	rig_connected(&r, ALL_FEATURES, 1500);
	mkframe(r.d.mem + good + 12, cb_mac, vm_mac, 60);
	memset(r.d.mem + good, 0, 12);
	/* outside guest memory; straddling its end; a loop; a write-only
	 * buffer; a next index beyond the table */
	struct vring_desc c1[] = { { outside, 72, 0, 0 } };
	struct vring_desc c2[] = { { outside - 8, 72, 0, 0 } };
	struct vring_desc c3[] = { { vud_gpa(good), 12, VRING_DESC_F_NEXT, 201 },
				   { vud_gpa(good + 12), 60, VRING_DESC_F_NEXT, 200 } };
	struct vring_desc c4[] = { { vud_gpa(good), 72, VRING_DESC_F_WRITE, 0 } };
	struct vring_desc c5[] = { { vud_gpa(good), 12, VRING_DESC_F_NEXT, 999 } };
	offer_raw(&r, 200, c1, 1);
	offer_raw(&r, 200, c2, 1);
	offer_raw(&r, 200, c3, 2);
	offer_raw(&r, 200, c4, 1);
	offer_raw(&r, 200, c5, 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_DESC), 5);
	/* a header shorter than negotiated; a UFO header (no name for it) */
	struct vring_desc c6[] = { { vud_gpa(good), 8, 0, 0 } };
	offer_raw(&r, 200, c6, 1);
	struct virtio_net_hdr_v1 ufo = { .gso_type = VIRTIO_NET_HDR_GSO_UDP, .gso_size = 100 };
	memcpy(r.d.mem + good, &ufo, 12);
	struct vring_desc c7[] = { { vud_gpa(good), 72, 0, 0 } };
	offer_raw(&r, 200, c7, 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_VNET_HDR), 2);
	/* a header whose checksum offsets lie: the switch's bad_offload */
	struct virtio_net_hdr_v1 lie = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 70,
					 .csum_offset = 6 };
	memcpy(r.d.mem + good, &lie, 12);
	offer_raw(&r, 200, c7, 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_OFFLOAD), 1);
	/* every chain went back used, and a good one still goes through */
	ck_assert_uint_eq(r.d.q[1].used->idx, 8);
	memset(r.d.mem + good, 0, 12);
	offer_raw(&r, 200, c7, 1);
	ck_assert_uint_eq(r.n, ++n);
	/* indirect: a good table, a nested one, one of a bad length */
	uint32_t tab = good + 4096;
	struct vring_desc *t = (void *)(r.d.mem + tab);
	t[0] = (struct vring_desc){ vud_gpa(good), 12, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ vud_gpa(good + 12), 60, 0, 0 };
	struct vring_desc c8[] = { { vud_gpa(tab), 32, VRING_DESC_F_INDIRECT, 0 } };
	offer_raw(&r, 200, c8, 1);
	ck_assert_uint_eq(r.n, ++n);
	t[1] = (struct vring_desc){ vud_gpa(tab), 32, VRING_DESC_F_INDIRECT, 0 };
	offer_raw(&r, 200, c8, 1);
	struct vring_desc c9[] = { { vud_gpa(tab), 31, VRING_DESC_F_INDIRECT, 0 } };
	offer_raw(&r, 200, c9, 1);
	/* a loop inside the indirect table */
	t[0] = (struct vring_desc){ vud_gpa(good), 12, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ vud_gpa(good + 12), 60, VRING_DESC_F_NEXT, 0 };
	offer_raw(&r, 200, c8, 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_DESC), 8);
	ck_assert_uint_eq(r.n, n);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_RING), 0);
	rig_down(&r);
}
END_TEST

START_TEST(broken_ring_link_down_until_set_up_again)
{
	struct rig r;
	static uint8_t f[200];

	rig_connected(&r, ALL_FEATURES, 1500);
	/* the guest says a ring and a half were made available */
	r.d.q[1].avail_idx += VUD_NUM + 1;
	__atomic_store_n(&r.d.q[1].avail->idx, r.d.q[1].avail_idx, __ATOMIC_RELEASE);
	vud_kick(&r.d, 1);
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_RING), 1);
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	/* frames to it now are link_down, not written anywhere */
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 60));
	ck_assert_uint_eq(ctr(&r, VSW_CTR_TX_PACKETS), 0);
	/* a head index out of the table, after the driver set up again */
	r.d.q[1].avail_idx = 0;
	r.d.q[1].avail->idx = 0;
	ck_ok(vud_start_queue(&r.d, 1));
	vud_pump(&r.d, 3);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	vud_offer(&r.d, 1, 4000);
	vud_kick(&r.d, 1);
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_RING), 2);
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	/* set up again, it works */
	r.d.q[1].avail_idx = 0;
	r.d.q[1].avail->idx = 0;
	ck_ok(vud_start_queue(&r.d, 1));
	vud_pump(&r.d, 3);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, 60));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 1);
	/* a read-only buffer offered for receiving: the frame is lost, the
	 * ring stops, and that is counted once */
	r.d.q[0].desc[5] = (struct vring_desc){ vud_gpa(VUD_RX_AREA), 2000, 0, 0 };
	vud_offer(&r.d, 0, 5);
	vud_kick(&r.d, 0);
	vud_pump(&r.d, 2);
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 60));
	ck_send(r.cb, f, mkframe(f, vm_mac, cb_mac, 61));
	vud_pump(&r.d, 2);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_DESC), 1);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_RING), 3);
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	rig_down(&r);
}
END_TEST

START_TEST(protocol_refusals_and_new_memory_table)
{
	struct rig r;
	static uint8_t f[200];
	uint32_t st[2] = { 0, 100 }; /* not a power of 2 */
	int maps;

	rig_connected(&r, ALL_FEATURES, 1500);
	ck_assert_int_ne(vud_request(&r.d, 8, st, 8, NULL, 0, NULL, 0), 0);
	st[0] = 7; /* no such queue */
	st[1] = 256;
	ck_assert_int_ne(vud_request(&r.d, 8, st, 8, NULL, 0, NULL, 0), 0);
	/* a table whose region is longer than its file: refused, not mapped */
	struct {
		uint32_t n, pad;
		uint64_t gpa, size, uaddr, off;
	} mt = { 1, 0, VUD_GPA, VUD_MEM * 2ull, (uint64_t)(uintptr_t)r.d.mem, 0 };
	maps = count_maps();
	ck_assert_int_ne(vud_request(&r.d, 5, &mt, sizeof(mt), &r.d.memfd, 1, NULL, 0), 0);
	ck_assert_int_eq(count_maps(), maps);
	/* the table at its limit, 8 regions (the same file in eight pieces):
	 * taken; 9: refused, and the 8 mappings stay */
	struct {
		uint32_t n, pad;
		struct { uint64_t gpa, size, uaddr, off; } r[9];
	} mt8;
	int fds9[9];
	const uint64_t piece = VUD_MEM / 8;
	for (int i = 0; i < 9; i++) {
		uint64_t o = (uint64_t)(i % 8) * piece;
		mt8.r[i].gpa = VUD_GPA + o + (i == 8 ? VUD_MEM : 0);
		mt8.r[i].size = piece;
		mt8.r[i].uaddr = (uint64_t)(uintptr_t)r.d.mem + o + (i == 8 ? VUD_MEM : 0);
		mt8.r[i].off = o;
		fds9[i] = r.d.memfd;
	}
	mt8.n = 8;
	mt8.pad = 0;
	ck_assert_int_eq(vud_request(&r.d, 5, &mt8, 8 + 8 * 32, fds9, 8, NULL, 0), 0);
	ck_assert_int_eq(count_maps(), maps + 7);
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, 60));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 1);
	mt8.n = 9;
	ck_assert_int_ne(vud_request(&r.d, 5, &mt8, 8 + 9 * 32, fds9, 9, NULL, 0), 0);
	ck_assert_int_eq(count_maps(), maps + 7);
	/* a payload of exactly the longest message is read (and refused as
	 * unknown); one byte more ends the connection, below */
	static uint8_t longest[512];
	ck_assert_int_ne(vud_request(&r.d, 99, longest, sizeof(longest), NULL, 0, NULL, 0), 0);
	/* an unknown request is refused; the device works on */
	ck_assert_int_ne(vud_request(&r.d, 99, NULL, 0, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	/* the same memory again, one region (hot-plug): the old mappings go,
	 * rings follow */
	ck_ok(vud_set_mem_table(&r.d));
	ck_assert_int_eq(count_maps(), maps);
	vud_tx(&r.d, NULL, f, mkframe(f, cb_mac, vm_mac, 60));
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(ctr(&r, VSW_CTR_BAD_DESC), 0);
	/* GET_VRING_BASE stops a ring: link down, and the base is where the
	 * guest's next chain is */
	uint32_t base[2] = { 1, 0 }, ans[2] = { 0, 0 };
	ck_assert_int_eq(vud_request(&r.d, 11, base, 8, NULL, 0, ans, 8), 8);
	ck_assert_uint_eq(ans[1], 2); /* two chains taken */
	vud_pump(&r.d, 2);
	ck_assert_int_eq(vsw_port_link(r.vu), 0);
	/* a message longer than any (513 bytes) is the end of the connection */
	uint8_t big[12 + 16] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0, 0 };
	ck_assert_int_eq(send(r.d.fd, big, sizeof(big), MSG_NOSIGNAL), (ssize_t)sizeof(big));
	vud_pump(&r.d, 3);
	char c;
	/* closed with its unread tail: a reset */
	ck_assert_int_eq(recv(r.d.fd, &c, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	rig_down(&r);
}
END_TEST

START_TEST(guest_super_frames_and_partial_checksums)
{
	struct rig r;
	static uint8_t f[20000];
	struct virtio_net_hdr_v1 h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				       .csum_start = 34, .csum_offset = 16, .gso_size = 1448, .hdr_len = 66 };
	uint32_t len = 66 + 10 * 1448;

	rig_connected(&r, ALL_FEATURES, 1500);
	/* an IPv4 TCP super-frame as a guest's TSO makes it */
	memset(f, 0, sizeof(f));
	memcpy(f, cb_mac, 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[22] = 64;
	f[23] = 6;
	f[26] = 10; f[29] = 1; f[30] = 10; f[33] = 2;
	f[46] = 0x80; /* data offset 8 words: 12 bytes of options */
	f[47] = 0x10;
	ck_ok(vsw_port_set_offloads(r.cb, VSW_OFFLOAD_CSUM | VSW_OFFLOAD_TSO4));
	vud_tx(&r.d, &h, f, len);
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.len[0], len);
	ck_assert_int_eq(r.meta[0].gso_type, VSW_GSO_TCPV4);
	ck_assert_uint_eq(r.meta[0].gso_size, 1448);
	ck_assert_uint_eq(r.meta[0].hdr_len, 66);
	/* to a port that takes no offloads: segmented in software */
	ck_ok(vsw_port_set_offloads(r.cb, 0));
	vud_tx(&r.d, &h, f, len);
	vud_pump(&r.d, 3);
	ck_assert_uint_eq(r.n, 11);
	ck_assert_uint_eq(r.len[1], 66 + 1448);
	ck_assert_uint_eq(vsw_port_counter(r.cb, VSW_CTR_SW_SEGMENTED), 1);
	rig_down(&r);
}
END_TEST

START_TEST(client_mode_reconnects)
{
	struct rig r;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char spec[140];
	int l, c = -1;

	rig_up(&r, 1500);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, r.path);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 2), 0);
	snprintf(spec, sizeof(spec), "vhostuser:%s,client", r.path);
	ck_ok(vsw_port_attach(r.vu, spec, "reconnect_ms=20"));
	for (int round = 0; round < 2; round++) {
		struct pollfd p = { .fd = l, .events = POLLIN };
		for (int i = 0; i < 200 && poll(&p, 1, 5) == 0; i++)
			vsw_switch_poll(r.sw, 0);
		c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		ck_assert_int_ge(c, 0);
		ck_ok(vud_open(&r.d, r.sw, NULL, c));
		ck_ok(vud_setup(&r.d, ALL_FEATURES));
		vud_pump(&r.d, 3);
		ck_assert_int_eq(vsw_port_link(r.vu), 1);
		vud_close(&r.d); /* the VM's QEMU restarts: the switch comes back */
		vud_pump(&r.d, 3);
		ck_assert_int_eq(vsw_port_link(r.vu), 0);
	}
	close(l);
	rig_down(&r);
}
END_TEST

START_TEST(spec_errors)
{
	struct rig r;
	char spec[200];

	rig_up(&r, 1500);
	ck_assert_int_eq(vsw_port_attach(r.vu, "vhostuser:", NULL), -EINVAL);
	ck_assert_int_eq(vsw_port_attach(r.vu, "vhostuser:/tmp/x,client", "reconnect_ms=5"), -EINVAL);
	ck_assert_int_eq(vsw_port_attach(r.vu, "vhostuser:/tmp/x", "bogus"), -EINVAL);
	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = 0;
	memcpy(spec, "vhostuser:/", 11);
	ck_assert_int_eq(vsw_port_attach(r.vu, spec, NULL), -EINVAL);
	/* a second front-end waits while the first is connected */
	snprintf(spec, sizeof(spec), "vhostuser:%s", r.path);
	ck_ok(vsw_port_attach(r.vu, spec, "mode=0660"));
	ck_ok(vud_open(&r.d, r.sw, r.path, -1));
	ck_ok(vud_setup(&r.d, ALL_FEATURES));
	struct vud other;
	ck_ok(vud_open(&other, r.sw, r.path, -1));
	vud_pump(&r.d, 3);
	char c;
	ck_assert_int_eq(recv(other.fd, &c, 1, MSG_DONTWAIT), 0); /* closed on it */
	vud_close(&other);
	ck_assert_int_eq(vsw_port_link(r.vu), 1);
	rig_down(&r);
}
END_TEST

Suite *vsw_vhostuser_suite(void)
{
	Suite *s = suite_create("vhostuser");
	TCase *tc = tcase_create("vhostuser");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, setup_link_offloads_and_release);
	tcase_add_test(tc, guest_frames_to_the_switch_at_the_limit);
	tcase_add_test(tc, arena_full_then_next_round);
	tcase_add_test(tc, switch_frames_to_the_guest_mergeable_and_not);
	tcase_add_test(tc, no_receive_buffers_is_back_pressure);
	tcase_add_test(tc, bad_chains_counted_port_keeps_working);
	tcase_add_test(tc, broken_ring_link_down_until_set_up_again);
	tcase_add_test(tc, protocol_refusals_and_new_memory_table);
	tcase_add_test(tc, guest_super_frames_and_partial_checksums);
	tcase_add_test(tc, client_mode_reconnects);
	tcase_add_test(tc, spec_errors);
	suite_add_tcase(s, tc);
	return s;
}
