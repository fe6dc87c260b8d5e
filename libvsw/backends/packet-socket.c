// SPDX-License-Identifier: MIT
/*
 * packet-socket.c - AF_PACKET set-up shared by the afpacket and raw
 * backends. PACKET_IGNORE_OUTGOING keeps the switch from reading back its
 * own transmissions (a loop otherwise); PACKET_QDISC_BYPASS sends straight
 * to the driver, as a switch port does.
 */
#include "backends/private.h"
#include "backends/packet-socket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int vsw__packet_socket(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static int bind_index(int fd, int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	struct packet_mreq mr = { .mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC };

	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int vsw__packet_bind(int fd, const char *ifname)
{
	int one = 1, ifindex, err;

	ifindex = vsw__netdev_ifindex(ifname);
	if (ifindex < 0)
		return ifindex;
	err = vsw__netdev_up(ifname, false);
	if (err)
		return err;
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		return -errno;
	err = bind_index(fd, ifindex);
	return err ? err : ifindex;
}

int vsw__packet_rebind(int fd, const char *ifname, int old_ifindex)
{
	int ifindex = vsw__netdev_ifindex(ifname);
	struct sockaddr_ll sll;
	socklen_t l = sizeof(sll);

	if (ifindex < 0)
		return ifindex;
	/* the kernel unbinds the socket when the interface leaves the
	 * namespace or goes away, even if it comes back with its old index */
	if (ifindex == old_ifindex && getsockname(fd, (struct sockaddr *)&sll, &l) == 0 &&
	    sll.sll_ifindex == ifindex)
		return 0;
	int err = bind_index(fd, ifindex);
	return err ? err : ifindex;
}

int vsw__packet_error(int fd)
{
	int soerr = 0;
	socklen_t l = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l) < 0)
		return -errno;
	return -soerr;
}

int vsw__packet_vlan(struct vsw_frame *f, uint32_t status, uint16_t tci, uint16_t tpid,
		     uint8_t *scratch, size_t room)
{
	if (!(status & TP_STATUS_VLAN_VALID) || f->len < 12)
		return 0;
	if (!(status & TP_STATUS_VLAN_TPID_VALID) || tpid == 0 || tpid == 0x8100) {
		f->vlan_tci = tci;
		f->flags |= VSW_FRAME_VLAN_TCI;
		return 0;
	}
	/* an 802.1ad (or other) outer tag goes back into the bytes; the frame
	 * comes from the wire, so its length is checked, not trusted */
	if ((size_t)f->len + 4 > room)
		return -EMSGSIZE;
	memcpy(scratch, f->data, 12);
	scratch[12] = (uint8_t)(tpid >> 8);
	scratch[13] = (uint8_t)tpid;
	scratch[14] = (uint8_t)(tci >> 8);
	scratch[15] = (uint8_t)tci;
	memcpy(scratch + 16, f->data + 12, f->len - 12);
	f->data = scratch;
	f->len += 4;
	/* offload offsets count from the first byte: the tag moves them */
	if (f->flags & VSW_FRAME_CSUM_PARTIAL)
		f->csum_start += 4;
	if (f->gso_type)
		f->hdr_len += 4;
	return 0;
}

uint64_t vsw__packet_drops(int fd, bool v3)
{
	union {
		struct tpacket_stats v2;
		struct tpacket_stats_v3 v3;
	} st;
	socklen_t l = v3 ? sizeof(st.v3) : sizeof(st.v2);

	memset(&st, 0, sizeof(st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &l) < 0)
		return 0;
	/* V3's freeze count counts events (the ring stopped until a block
	 * came back), not frames: the frames lost meanwhile are in tp_drops */
	return v3 ? st.v3.tp_drops : st.v2.tp_drops;
}
