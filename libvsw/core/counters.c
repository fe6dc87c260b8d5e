// SPDX-License-Identifier: MIT
/*
 * counters.c - names and classes of the per-port counters. The values live
 * in struct vsw_port; the frame path increments them directly.
 */
#include "core/objects.h"

static const struct {
	const char *name;
	enum vsw_counter_kind kind;
} ctr_info[VSW_CTR_COUNT] = {
	[VSW_CTR_RX_PACKETS] = { "rx_packets", VSW_CTR_KIND_TRAFFIC },
	[VSW_CTR_RX_BYTES] = { "rx_bytes", VSW_CTR_KIND_TRAFFIC },
	[VSW_CTR_TX_PACKETS] = { "tx_packets", VSW_CTR_KIND_TRAFFIC },
	[VSW_CTR_TX_BYTES] = { "tx_bytes", VSW_CTR_KIND_TRAFFIC },
	[VSW_CTR_RUNT] = { "runt", VSW_CTR_KIND_DROP },
	[VSW_CTR_BAD_SRC] = { "bad_src", VSW_CTR_KIND_DROP },
	[VSW_CTR_OVERSIZE] = { "oversize", VSW_CTR_KIND_DROP },
	[VSW_CTR_VLAN_VIOLATION] = { "vlan_violation", VSW_CTR_KIND_DROP },
	[VSW_CTR_FORGED] = { "forged", VSW_CTR_KIND_DROP },
	[VSW_CTR_SHAPED] = { "shaped", VSW_CTR_KIND_DROP },
	[VSW_CTR_REFLECTED] = { "reflected", VSW_CTR_KIND_DROP },
	[VSW_CTR_UNKNOWN_DST] = { "unknown_dst", VSW_CTR_KIND_DROP },
	[VSW_CTR_NO_UPLINK] = { "no_uplink", VSW_CTR_KIND_DROP },
	[VSW_CTR_NO_RECEIVER] = { "no_receiver", VSW_CTR_KIND_DROP },
	[VSW_CTR_SELF_DST] = { "self_dst", VSW_CTR_KIND_DROP },
	[VSW_CTR_MAC_CHANGE_BLOCKED] = { "mac_change_blocked", VSW_CTR_KIND_DROP },
	[VSW_CTR_LINK_DOWN] = { "link_down", VSW_CTR_KIND_DROP },
	[VSW_CTR_TX_ERRORS] = { "tx_errors", VSW_CTR_KIND_ERROR },
	[VSW_CTR_RX_ERRORS] = { "rx_errors", VSW_CTR_KIND_ERROR },
	[VSW_CTR_LEARN_REFUSED] = { "learn_refused", VSW_CTR_KIND_EVENT },
	[VSW_CTR_RARP_SENT] = { "rarp_sent", VSW_CTR_KIND_EVENT },
	[VSW_CTR_BEACON_SENT] = { "beacon_sent", VSW_CTR_KIND_EVENT },
	[VSW_CTR_BEACON_RX] = { "beacon_rx", VSW_CTR_KIND_EVENT },
	[VSW_CTR_BEACON_MISSED] = { "beacon_missed", VSW_CTR_KIND_EVENT },
	[VSW_CTR_BEACON_IGNORED] = { "beacon_ignored", VSW_CTR_KIND_EVENT },
	[VSW_CTR_LLDP_RX] = { "lldp_rx", VSW_CTR_KIND_EVENT },
	[VSW_CTR_LLDP_TX] = { "lldp_tx", VSW_CTR_KIND_EVENT },
	[VSW_CTR_LLDP_DISCARDED] = { "lldp_discarded", VSW_CTR_KIND_EVENT },
	[VSW_CTR_TRUNCATED] = { "truncated", VSW_CTR_KIND_ERROR },
	[VSW_CTR_RX_DROPPED] = { "rx_dropped", VSW_CTR_KIND_ERROR },
	[VSW_CTR_BAD_OFFLOAD] = { "bad_offload", VSW_CTR_KIND_DROP },
	[VSW_CTR_OFFLOAD_FAILED] = { "offload_failed", VSW_CTR_KIND_DROP },
	[VSW_CTR_SW_SEGMENTED] = { "sw_segmented", VSW_CTR_KIND_EVENT },
	[VSW_CTR_SW_CSUM] = { "sw_csum", VSW_CTR_KIND_EVENT },
	[VSW_CTR_TX_FULL] = { "tx_full", VSW_CTR_KIND_DROP },
	[VSW_CTR_QUEUE_FULL] = { "queue_full", VSW_CTR_KIND_DROP },
	[VSW_CTR_BAD_DESC] = { "bad_desc", VSW_CTR_KIND_ERROR },
	[VSW_CTR_BAD_VNET_HDR] = { "bad_vnet_hdr", VSW_CTR_KIND_ERROR },
	[VSW_CTR_BAD_RING] = { "bad_ring", VSW_CTR_KIND_ERROR },
	[VSW_CTR_MIRROR_DST] = { "mirror_dst", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_SHORT] = { "vxlan_short", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_BAD_FLAGS] = { "vxlan_bad_flags", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_UNKNOWN_VNI] = { "vxlan_unknown_vni", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_RUNT] = { "vxlan_runt", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_INNER_TAG] = { "vxlan_inner_tag", VSW_CTR_KIND_DROP },
	[VSW_CTR_VXLAN_TOO_BIG] = { "vxlan_too_big", VSW_CTR_KIND_DROP },
};

const char *vsw_counter_name(enum vsw_counter ctr)
{
	return (unsigned int)ctr < VSW_CTR_COUNT ? ctr_info[ctr].name : NULL;
}

enum vsw_counter_kind vsw_counter_kind(enum vsw_counter ctr)
{
	return (unsigned int)ctr < VSW_CTR_COUNT ? ctr_info[ctr].kind : 0;
}

uint64_t vsw_port_counter(const struct vsw_port *port, enum vsw_counter ctr)
{
	if (!port || (unsigned int)ctr >= VSW_CTR_COUNT)
		return 0;
	if (ctr == VSW_CTR_TX_PACKETS)
		return vsw__hot(port)->tx_packets;
	if (ctr == VSW_CTR_TX_BYTES)
		return vsw__hot(port)->tx_bytes;
	return port->ctr[ctr];
}

int vsw_port_counters(const struct vsw_port *port, uint64_t *out, unsigned int n)
{
	if (!port || (!out && n))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		out[i] = i < VSW_CTR_COUNT ? vsw_port_counter(port, (enum vsw_counter)i) : 0;
	return VSW_CTR_COUNT;
}

int vsw_port_clear_counters(struct vsw_port *port)
{
	if (!port)
		return -EINVAL;
	memset(port->ctr, 0, sizeof(port->ctr));
	vsw__hot(port)->tx_packets = 0;
	vsw__hot(port)->tx_bytes = 0;
	return 0;
}
