// SPDX-License-Identifier: MIT
/*
 * Description: a host on a VLAN, in user space, for kernels without 802.1Q
 * devices. On one interface it answers ARP requests and ICMP echo requests
 * for one IPv4 address carried in 802.1Q frames with one VID, and replies
 * tagged with that VID. It runs for a bounded time and then exits.
 *
 *   vlan-responder IFNAME VID IPV4 MAC SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int main(int argc, char **argv)
{
	uint8_t mac[6], ip[4], in[2048], out[2048];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	unsigned int vid;
	int fd, one = 1;
	time_t end;

	if (argc != 6 || sscanf(argv[4], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2],
				&mac[3], &mac[4], &mac[5]) != 6 || inet_pton(AF_INET, argv[3], ip) != 1) {
		fprintf(stderr, "usage: vlan-responder IFNAME VID IPV4 MAC SECONDS\n");
		return 2;
	}
	vid = (unsigned int)atoi(argv[2]);
	end = time(NULL) + atoi(argv[5]);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		perror("vlan-responder");
		return 1;
	}
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		union {
			struct cmsghdr c;
			char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} cb;
		struct iovec iov = { in + 4, sizeof(in) - 4 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
				    .msg_controllen = sizeof(cb.b) };
		uint8_t *f;
		ssize_t n;
		int tagged = 0;
		uint16_t tci = 0;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 14)
			continue;
		f = in + 4;
		/* the kernel strips the tag on receive: it is in the aux data */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
				struct tpacket_auxdata a;
				memcpy(&a, CMSG_DATA(c), sizeof(a));
				if (a.tp_status & TP_STATUS_VLAN_VALID) {
					tagged = 1;
					tci = a.tp_vlan_tci;
				}
			}
		if (!tagged && be16(f + 12) == 0x8100 && n >= 18) {
			tagged = 1;
			tci = be16(f + 14);
			memmove(f + 12, f + 16, (size_t)n - 16);
			n -= 4;
		}
		if (!tagged || (tci & 0x0fff) != vid)
			continue;
		/* the reply, built untagged at out + 4, then the tag pushed */
		uint8_t *r = out + 4, *pay = f + 14;
		size_t rlen = 0;
		if (be16(f + 12) == ETH_P_ARP && n >= 42 && be16(pay + 6) == 1 && !memcmp(pay + 24, ip, 4)) {
			memcpy(r, f + 6, 6);
			memcpy(r + 6, mac, 6);
			r[12] = 0x08; r[13] = 0x06;
			memcpy(r + 14, pay, 6);               /* htype, ptype, hlen, plen */
			r[20] = 0; r[21] = 2;                 /* reply */
			memcpy(r + 22, mac, 6);
			memcpy(r + 28, ip, 4);
			memcpy(r + 32, pay + 8, 10);          /* the asker's MAC and IP */
			rlen = 42;
		} else if (be16(f + 12) == ETH_P_IP && n >= 34 && pay[9] == 1 && !memcmp(pay + 16, ip, 4)) {
			size_t ihl = (size_t)(pay[0] & 15) * 4, tot = be16(pay + 2);
			if (tot > (size_t)n - 14 || ihl < 20 || pay[ihl] != 8)
				continue;
			memcpy(r, f + 6, 6);
			memcpy(r + 6, mac, 6);
			r[12] = 0x08; r[13] = 0x00;
			memcpy(r + 14, pay, tot);
			uint8_t *ipr = r + 14;
			memcpy(ipr + 16, pay + 12, 4);        /* to the sender */
			memcpy(ipr + 12, ip, 4);
			ipr[8] = 64;
			ipr[10] = ipr[11] = 0;
			uint16_t c = csum(ipr, ihl);
			ipr[10] = (uint8_t)(c >> 8); ipr[11] = (uint8_t)c;
			ipr[ihl] = 0;                         /* echo reply */
			ipr[ihl + 2] = ipr[ihl + 3] = 0;
			c = csum(ipr + ihl, tot - ihl);
			ipr[ihl + 2] = (uint8_t)(c >> 8); ipr[ihl + 3] = (uint8_t)c;
			rlen = 14 + tot;
		} else {
			continue;
		}
		/* push the tag: dst, src, 8100, tci, rest */
		memmove(out, r, 12);
		out[12] = 0x81; out[13] = 0x00;
		out[14] = (uint8_t)(vid >> 8); out[15] = (uint8_t)vid;
		/* r + 12 (type) now sits at out + 16: it did not move */
		if (rlen + 4 < 60) {
			memset(out + rlen + 4, 0, 60 - rlen - 4);
			rlen = 56;
		}
		if (send(fd, out, rlen + 4, 0) < 0)
			perror("vlan-responder: send");
	}
	close(fd);
	return 0;
}
