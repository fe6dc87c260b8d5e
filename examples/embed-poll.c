// SPDX-License-Identifier: MIT
/*
 * vsw-embed-poll - a hypervisor's device model on libvsw: two emulated NICs
 * in one port group, no backends. What a guest transmits goes in with
 * vsw_port_input(); what the switch delivers to a NIC comes out in the NIC's
 * receive callback, the guest's receive ring; the host's own poll() loop
 * watches vsw_switch_fd() next to its other sources. Guest A asks for guest
 * B's address (an ARP request, broadcast), B answers, A sends B a unicast
 * frame. Exits 0 when exactly those frames arrived, byte for byte, else 1.
 * One thread drives the switch, frames in and loop alike: the host's.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <vsw.h>

#define FRAME_LEN 60 /* the shortest Ethernet frame, FCS excluded */
#define RING 4

struct nic {
	const char *name;
	uint8_t mac[6], ip[4];
	struct vsw_vnic *vnic;
	unsigned int rx_count;
	uint8_t rx[RING][FRAME_LEN]; /* the guest's receive ring */
	uint32_t rx_len[RING];
	uint8_t tx[FRAME_LEN]; /* the guest's transmit ring, one slot deep */
};

/* An ARP frame for IPv4 (RFC 826), padded to the minimum length. */
static void arp(uint8_t f[FRAME_LEN], const uint8_t dst[6], uint8_t op, const struct nic *from,
		const uint8_t tha[6], const uint8_t tpa[4])
{
	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, from->mac, 6);
	memcpy(f + 12, (uint8_t[10]){ 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, op }, 10);
	memcpy(f + 22, from->mac, 6);
	memcpy(f + 28, from->ip, 4);
	memcpy(f + 32, tha, 6);
	memcpy(f + 38, tpa, 4);
}

static int guest_tx(struct nic *nic, const uint8_t *f)
{
	struct vsw_frame frame = { .data = f, .len = FRAME_LEN };

	return vsw_port_input(vsw_vnic_port(nic->vnic), &frame, 1);
}

static unsigned int guest_rx(struct vsw_port *port, const struct vsw_frame *frames, unsigned int n,
			     void *user)
{
	struct nic *nic = user;

	(void)port;
	for (unsigned int i = 0; i < n; i++, nic->rx_count++) {
		const uint8_t *f = frames[i].data;
		uint32_t len = frames[i].len;

		/* the bytes are the switch's, and valid during this call only */
		if (nic->rx_count < RING) {
			nic->rx_len[nic->rx_count] = len;
			memcpy(nic->rx[nic->rx_count], f, len < FRAME_LEN ? len : FRAME_LEN);
		}
		/* an ARP request (opcode 1) for this guest's address */
		if (len >= 42 && !memcmp(f + 12, "\x08\x06", 2) && f[21] == 1 && !memcmp(f + 38, nic->ip, 4)) {
			/* The guest answers at once, while the switch is still
			 * delivering: the switch copies the answer into its
			 * queue and forwards it when this delivery is over,
			 * before the vsw_port_input() that delivered returns. */
			arp(nic->tx, f + 6, 2, nic, f + 22, f + 28);
			guest_tx(nic, nic->tx);
		}
	}
	return n; /* the ring took them all (the extra ones are counted, not kept) */
}

static bool got(const struct nic *nic, unsigned int i, const uint8_t *f)
{
	return nic->rx_len[i] == FRAME_LEN && !memcmp(nic->rx[i], f, FRAME_LEN);
}

int main(void)
{
	static struct nic a = { .name = "vm-a.eth0", .mac = { 2, 0, 0, 0, 0, 10 }, .ip = { 192, 0, 2, 1 } };
	static struct nic b = { .name = "vm-b.eth0", .mac = { 2, 0, 0, 0, 0, 11 }, .ip = { 192, 0, 2, 2 } };
	struct nic *const nics[2] = { &a, &b };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, none[6];
	const struct itimerspec every_10ms = { { 0, 10000000 }, { 0, 10000000 } };
	uint8_t request[FRAME_LEN], reply[FRAME_LEN], unicast[FRAME_LEN] = { 0 };
	struct vsw_switch *sw = NULL;
	struct vsw_portgroup *pg;
	int err, swfd = -1, doorbell = -1, sent = 0, served = 0;

	if ((err = vsw_switch_new("embed", NULL, &sw)) ||
	    (err = vsw_portgroup_add(sw, "VM Network", 0, 0, &pg)))
		goto out;
	for (int i = 0; i < 2; i++)
		if ((err = vsw_vnic_add(pg, nics[i]->name, nics[i]->mac, 0, &nics[i]->vnic)) ||
		    (err = vsw_vnic_set_rx(nics[i]->vnic, guest_rx, nics[i])))
			goto out;
	/* With no backend the switch needs no loop, but its timers (MAC aging)
	 * and a backend attached later (an uplink) run in vsw_switch_poll()
	 * only: a device model wires the switch's fd into its loop from the
	 * start. The fd is the switch's; never read or close it. */
	if ((swfd = vsw_switch_fd(sw)) < 0) {
		err = swfd;
		goto out;
	}
	/* guest A's transmit doorbell; an ioeventfd in a real hypervisor */
	doorbell = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (doorbell < 0 || timerfd_settime(doorbell, 0, &every_10ms, NULL) < 0) {
		err = -errno;
		goto out;
	}
	arp(request, bcast, 1, &a, none, b.ip);
	arp(reply, a.mac, 2, &b, a.mac, a.ip);
	memcpy(unicast, b.mac, 6);
	memcpy(unicast + 6, a.mac, 6);
	memcpy(unicast + 12, "\x88\xb5hello, B", 10); /* 0x88b5: local experimental */

	/* at most 2 s: the doorbell rings every 10 ms */
	for (int round = 0; !err && round < 200 && (sent < 2 || !served); round++) {
		struct pollfd pfd[2] = { { .fd = swfd, .events = POLLIN }, { .fd = doorbell, .events = POLLIN } };
		uint64_t ticks;

		/* sleep until the switch's next timer at the latest (-1: none;
		 * an idle switch never wakes the host: poll() returning 0 is a
		 * timeout, the switch had nothing to do; see "How to wait" in
		 * vsw_switch_fd(3)) */
		if (poll(pfd, 2, vsw_switch_timeout_ms(sw)) < 0) {
			err = errno == EINTR ? 0 : -errno;
			continue;
		}
		/* Readable: the switch has work. poll() did the waiting, so 0.
		 * Once per wakeup is enough: the fd stays readable while work
		 * remains. The result counts frames from backends: 0 here. */
		if (pfd[0].revents & POLLIN && (err = vsw_switch_poll(sw, 0)) == 0)
			served++;
		if (!err && pfd[1].revents & POLLIN && read(doorbell, &ticks, sizeof(ticks)) > 0 && sent < 2)
			err = guest_tx(&a, sent++ == 0 ? request : unicast);
	}
out:
	if (err)
		fprintf(stderr, "vsw-embed-poll: %s\n", err > 0 ? "frames from no backend" : strerror(-err));
	err = err || sent < 2 || !served || a.rx_count != 1 || b.rx_count != 2 || !got(&b, 0, request) ||
	      !got(&b, 1, unicast) || !got(&a, 0, reply);
	printf("vsw-embed-poll: %s received %u frames, %s %u; the switch's fd served %d times: %s\n",
	       b.name, b.rx_count, a.name, a.rx_count, served, err ? "FAIL" : "ok");
	if (doorbell >= 0)
		close(doorbell);
	vsw_switch_free(sw);
	return err;
}
