// SPDX-License-Identifier: MIT
/*
 * Description: libFuzzer target for the vhostuser backend's side of the
 * vhost-user protocol, as a switch drives it: arbitrary messages from a
 * front-end, with or without descriptors (a guest memory file whose bytes
 * come from the input too, eventfds), so that memory tables, ring sizes,
 * addresses and bases, kicks and enables of every kind reach the backend,
 * and the rings it then runs hold whatever the input put in the memory.
 * The backend's vNIC shares a port group with a callback port that takes
 * every frame, and frames are sent to it as well. Checks, besides ASan and
 * UBSan:
 *  - the switch process never dies (a memory table that lies about its
 *    file's size is refused, not mapped to fault later);
 *  - after the front-end goes, the link is down and the backend holds
 *    nothing of it: the process's descriptors and mappings are what they
 *    were before it connected;
 *  - every frame the port received is delivered or counted (rx_packets
 *    against deliveries and drop counters).
 *
 * Input: [memory: 1 byte, 0-255 x 64 bytes of the rest go to the start
 * of the memory file] then messages: [request: 1][flags: 1][size: 1]
 * [payload: size bytes]. Flags bits 0-1: descriptors sent with it (0: none,
 * 1: the memory file, 2: an eventfd, 3: both); bit 2: run the switch
 * after it; bit 3: send a frame from the callback port to the guest; the
 * rest go into the message's flags word with its version.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vsw.h>

#define MEM_SIZE (64u << 10)

static struct vsw_switch *sw;
static struct vsw_port *vm, *obs;
static char path[108];
static uint64_t delivered;
static const uint8_t vm_mac[6] = { 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t obs_mac[6] = { 0x02, 0, 0, 0, 0, 2 };

static unsigned int obs_rx(struct vsw_port *p, const struct vsw_frame *f, unsigned int n, void *u)
{
	(void)p;
	(void)f;
	(void)u;
	delivered += n;
	return n;
}

static void setup(void)
{
	struct vsw_portgroup *pg;
	struct vsw_vnic *a, *b;
	char spec[140];

	snprintf(path, sizeof(path), "/tmp/vswfzvu%d.sock", (int)getpid());
	unlink(path);
	if (vsw_switch_new("fz", NULL, &sw) || vsw_switch_set_mtu(sw, 9000) ||
	    vsw_portgroup_add(sw, "pg", 0, 0, &pg) || vsw_vnic_add(pg, "vm", vm_mac, 0, &a) ||
	    vsw_vnic_add(pg, "obs", obs_mac, 0, &b))
		abort();
	vm = vsw_vnic_port(a);
	obs = vsw_vnic_port(b);
	vsw_port_set_rx(obs, obs_rx, NULL);
	/* it takes super-frames as they are: one delivery per frame */
	vsw_port_set_offloads(obs, VSW_OFFLOAD_ALL);
	snprintf(spec, sizeof(spec), "vhostuser:%s", path);
	if (vsw_port_attach(vm, spec, NULL))
		abort();
}

static int count(const char *what)
{
	int n = 0;

	if (!strcmp(what, "fd")) {
		DIR *d = opendir("/proc/self/fd");
		while (d && readdir(d))
			n++;
		if (d)
			closedir(d);
	} else {
		FILE *f = fopen("/proc/self/maps", "r");
		char line[512];
		while (f && fgets(line, sizeof(line), f))
			n += strstr(line, "vswfz-guest") != NULL;
		if (f)
			fclose(f);
	}
	return n;
}

static void run(int s, int rounds)
{
	char junk[512];

	for (int i = 0; i < rounds; i++) {
		vsw_switch_poll(sw, 0);
		while (s >= 0 && recv(s, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
	}
}

static void send_msg(int s, uint32_t req, uint32_t flags, const uint8_t *p, uint32_t size,
		     const int *fds, unsigned int nfds)
{
	uint8_t buf[12 + 256];
	uint32_t h[3] = { req, flags, size };
	union {
		char c[CMSG_SPACE(sizeof(int) * 2)];
		struct cmsghdr a;
	} ctl = { { 0 } };
	struct iovec iov = { buf, 12 + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(buf, h, 12);
	memcpy(buf + 12, p, size);
	if (nfds) {
		struct cmsghdr *c;
		mh.msg_control = ctl.c;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	(void)!sendmsg(s, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fds0, maps0, s, memfd, efd;
	uint8_t frame[128];
	uint8_t *mem;
	size_t fill;

	if (!sw)
		setup();
	if (!size)
		return 0;
	run(-1, 1);
	fds0 = count("fd");
	maps0 = count("maps");
	memfd = memfd_create("vswfz-guest", MFD_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (memfd < 0 || efd < 0 || ftruncate(memfd, MEM_SIZE) < 0)
		abort();
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (mem == MAP_FAILED)
		abort();
	fill = (size_t)data[0] * 64u;
	data++;
	size--;
	if (fill > size)
		fill = size;
	memcpy(mem, data, fill);
	data += fill;
	size -= fill;

	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		abort();
	run(s, 1);
	memcpy(frame, vm_mac, 6);
	memcpy(frame + 6, obs_mac, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	memset(frame + 14, 0x5a, sizeof(frame) - 14);
	while (size >= 3) {
		uint8_t req = data[0], fl = data[1], len = data[2];
		int fds[2];
		unsigned int nfds = 0;

		data += 3;
		size -= 3;
		if (len > size)
			len = (uint8_t)size;
		if (fl & 1)
			fds[nfds++] = memfd;
		if (fl & 2)
			fds[nfds++] = efd;
		send_msg(s, req, 1u | ((uint32_t)(fl >> 4) << 2), data, len, fds, nfds);
		data += len;
		size -= len;
		if (fl & 4)
			run(s, 2);
		if ((fl & 8) && vsw_port_link(vm) == 1) {
			struct vsw_frame f = { .data = frame, .len = sizeof(frame) };
			vsw_port_input(obs, &f, 1);
		}
	}
	run(s, 3);
	close(s);
	run(-1, 3);
	if (vsw_port_link(vm))
		abort(); /* the front-end is gone */
	munmap(mem, MEM_SIZE);
	close(memfd);
	close(efd);
	if (count("fd") != fds0 || count("maps") != maps0)
		abort(); /* something of the front-end's was kept */
	/* every frame the guest sent is delivered or counted: the drops on
	 * it as a sender, on the observer as a receiver, and LLDP taken */
	uint64_t counted = delivered + vsw_port_counter(vm, VSW_CTR_LLDP_RX);
	for (int c = 0; c < VSW_CTR_COUNT; c++) {
		bool at_receiver = c == VSW_CTR_LINK_DOWN || c == VSW_CTR_TX_FULL ||
				   c == VSW_CTR_MAC_CHANGE_BLOCKED || c == VSW_CTR_OFFLOAD_FAILED;
		if (vsw_counter_kind(c) == VSW_CTR_KIND_DROP)
			counted += vsw_port_counter(at_receiver ? obs : vm, c);
	}
	if (counted != vsw_port_counter(vm, VSW_CTR_RX_PACKETS)) {
		for (int c = 0; c < VSW_CTR_COUNT; c++)
			if (vsw_port_counter(vm, c) || vsw_port_counter(obs, c))
				fprintf(stderr, "%s vm %llu obs %llu\n", vsw_counter_name(c),
					(unsigned long long)vsw_port_counter(vm, c),
					(unsigned long long)vsw_port_counter(obs, c));
		fprintf(stderr, "delivered %llu\n", (unsigned long long)delivered);
		abort();
	}
	return 0;
}
