/* SPDX-License-Identifier: MIT */
/*
 * vu-driver.h - a small vhost-user front-end for the tests: what QEMU and a
 * guest's virtio-net driver do to a vhost-user back-end, in the test's own
 * process and thread. The memory is a memfd; both queues have 256 entries;
 * every request asks for REPLY_ACK. While it waits for an answer it runs
 * the switch's loop (vsw_switch_poll), which serves the back-end.
 */
#ifndef VU_DRIVER_H
#define VU_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#include <vsw.h>

#define VUD_NUM 256u
#define VUD_MEM (32u << 20)
#define VUD_GPA 0x40000000ull
#define VUD_TX_SLOT 0x10400u        /* a guest transmit buffer */
#define VUD_TX_AREA 0x10000u
#define VUD_RX_SLOT 0x4000u         /* a guest receive buffer, at most */
#define VUD_RX_AREA (20u << 20)

struct vud_q {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, used_seen;
	int kick, call;
	uint32_t ring_off;
};

struct vud {
	int fd;                      /* the connection to the back-end */
	int memfd;
	uint8_t *mem;
	struct vud_q q[2];           /* 0: receive (the back-end writes), 1: transmit */
	uint64_t features;
	size_t hdr;                  /* virtio-net header bytes: 12 or 10 */
	struct vsw_switch *sw;       /* polled while waiting */
};

/* Connect to a back-end listening at 'path' (or use the connected 'fd'
 * when 'path' is NULL) and map the memory; 0 or -errno. */
int vud_open(struct vud *d, struct vsw_switch *sw, const char *path, int fd);
void vud_close(struct vud *d);

/* Send a request; with 'payload' of 'size' bytes and 'nfds' descriptors.
 * Waits for its reply into 'reply' (replies: GET_*) or for its REPLY_ACK.
 * Returns the ack's value (0 taken), the reply's size, or -errno. */
long vud_request(struct vud *d, uint32_t req, const void *payload, uint32_t size,
		 const int *fds, unsigned int nfds, void *reply, uint32_t reply_size);

/* The whole set-up of QEMU's vhost_net_start with these guest features
 * (masked with what the back-end offers); 0 or -errno. */
int vud_setup(struct vud *d, uint64_t features);
/* One queue's addresses, base, call, kick and enable: what starts it. */
int vud_start_queue(struct vud *d, unsigned int qi);
/* Send the memory table again (QEMU does on memory hot-plug). */
int vud_set_mem_table(struct vud *d);

uint64_t vud_gpa(uint32_t off);

/* Transmit one frame (header 'hdr' of d->hdr bytes, or zeros) as one
 * chain of two descriptors, and kick. */
void vud_tx(struct vud *d, const void *hdr, const void *frame, size_t len);
/* Make a chain of the given descriptors available on queue 'qi' (their
 * indexes in the ring's table from 'first'), without checking anything. */
void vud_offer(struct vud *d, unsigned int qi, uint16_t head);
void vud_kick(struct vud *d, unsigned int qi);
/* Post 'n' receive buffers of 'size' bytes each (one chain each). */
void vud_post_rx(struct vud *d, unsigned int n, uint32_t size);
/* The next frame the back-end wrote (with num_buffers chains): its length
 * without the header, the header in 'hdr'; -1 when none. */
long vud_rx(struct vud *d, uint8_t *out, size_t cap, uint8_t *hdr);

/* Run the switch's loop a few rounds. */
void vud_pump(struct vud *d, int rounds);

#endif
