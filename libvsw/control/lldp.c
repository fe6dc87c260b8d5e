// SPDX-License-Identifier: MIT
/*
 * lldp.c - listening: LLDPDUs from uplinks, parsed into each uplink's
 * neighbor table, and vsw_uplink_lldp_foreach() to read it.
 *
 * An LLDPDU is untrusted input from the wire. The parser checks every TLV
 * header and length against the bytes that are there before reading a
 * value, and rejects the whole LLDPDU (counted in lldp_discarded) for any
 * violation of 802.1AB's rules: the chassis ID, port ID and TTL TLVs first
 * and in that order, no second one of them later, lengths in range for every
 * TLV it knows, no TLV past the end. That is stricter than 802.1AB 9.2.7.7,
 * which drops only a faulty optional TLV: a frame with a malformed TLV is
 * corrupt or forged, and none of it is worth keeping.
 *
 * A neighbor is identified by its chassis ID and port ID (802.1AB's MSAP
 * identifier), subtypes included. The table keeps at most
 * VSW_LLDP_MAX_NEIGHBORS per uplink; when it is full a new neighbor is
 * refused, not one already known evicted, so that forged LLDPDUs cannot push
 * the real link partner out (they can only fill free slots, which expire).
 */
#include "core/log.h"
#include "control/lldp.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"

#include <arpa/inet.h>
#include <stdio.h>

#define NS_PER_S 1000000000ull

enum {
	TLV_END = 0, TLV_CHASSIS = 1, TLV_PORT = 2, TLV_TTL = 3, TLV_PDESC = 4,
	TLV_SNAME = 5, TLV_SDESC = 6, TLV_CAPS = 7, TLV_MGMT = 8, TLV_ORG = 127,
};

/* Management address TLV: address string 2..32 bytes (subtype + address),
 * OID up to 128 bytes (802.1AB 8.5.9). */
#define MGMT_ADDR_MAX 32
#define MGMT_OID_MAX 128

/* A chassis or port ID TLV: a subtype byte and 1 to 255 bytes of ID. */
static int take_id(const uint8_t *v, uint32_t l, uint8_t *subtype, uint8_t *len, uint8_t *id)
{
	if (l < 2 || l > 1 + VSW_LLDP_STR_MAX)
		return -EBADMSG;
	*subtype = v[0];
	*len = (uint8_t)(l - 1);
	memcpy(id, v + 1, l - 1);
	return 0;
}

/* A string TLV of 0 to 255 bytes; a repeated one is ignored. */
static int take_str(const uint8_t *v, uint32_t l, bool *has, uint8_t *len, uint8_t *s)
{
	if (l > VSW_LLDP_STR_MAX)
		return -EBADMSG;
	if (*has)
		return 0;
	*has = true;
	*len = (uint8_t)l;
	memcpy(s, v, l);
	return 0;
}

static int take_mgmt(const uint8_t *v, uint32_t l, struct vsw_lldp_nbr *n)
{
	uint32_t alen, oid;

	/* string length, subtype + address, interface subtype and number (5),
	 * OID length, OID */
	if (l < 1)
		return -EBADMSG;
	alen = v[0];
	if (alen < 2 || alen > MGMT_ADDR_MAX || l < 1 + alen + 5 + 1)
		return -EBADMSG;
	oid = v[1 + alen + 5];
	if (oid > MGMT_OID_MAX || l != 1 + alen + 5 + 1 + oid)
		return -EBADMSG;
	/* IANA address family numbers: 1 IPv4, 2 IPv6 */
	if (v[1] == 1 && alen - 1 == 4 && !n->has_v4) {
		memcpy(n->v4, v + 2, 4);
		n->has_v4 = true;
	} else if (v[1] == 2 && alen - 1 == 16 && !n->has_v6) {
		memcpy(n->v6, v + 2, 16);
		n->has_v6 = true;
	}
	return 0;
}

static int take_org(const uint8_t *v, uint32_t l, struct vsw_lldp_nbr *n)
{
	uint16_t pvid;

	if (l < 4)
		return -EBADMSG;
	/* IEEE 802.1 (OUI 00-80-c2) subtype 1: Port VLAN ID, 2 bytes */
	if (v[0] != 0x00 || v[1] != 0x80 || v[2] != 0xc2 || v[3] != 1)
		return 0;
	if (l != 6)
		return -EBADMSG;
	pvid = vsw_be16(v + 4);
	if (pvid > VSW_VLAN_MAX)
		return -EBADMSG;
	if (!n->pvid)
		n->pvid = pvid;
	return 0;
}

int vsw__lldp_parse(const uint8_t *pdu, uint32_t len, struct vsw_lldp_nbr *n)
{
	uint32_t pos = 0;
	unsigned int idx;

	memset(n, 0, sizeof(*n));
	for (idx = 0; pos < len; idx++) {
		unsigned int type;
		uint32_t l;
		const uint8_t *v;
		int err = 0;

		if (len - pos < 2)
			return -EBADMSG;
		type = pdu[pos] >> 1;
		l = (uint32_t)(pdu[pos] & 1) << 8 | pdu[pos + 1];
		pos += 2;
		if (l > len - pos)
			return -EBADMSG;
		v = pdu + pos;
		pos += l;
		/* chassis ID, port ID and TTL come first, in this order, once */
		if (idx < 3 ? type != idx + 1 : type >= TLV_CHASSIS && type <= TLV_TTL)
			return -EBADMSG;
		switch (type) {
		case TLV_END:
			return l ? -EBADMSG : 0;
		case TLV_CHASSIS:
			err = take_id(v, l, &n->chassis_subtype, &n->chassis_len, n->chassis);
			break;
		case TLV_PORT:
			err = take_id(v, l, &n->port_subtype, &n->port_len, n->port);
			break;
		case TLV_TTL:
			/* 802.1AB: a longer TTL TLV is read from its first two bytes */
			if (l < 2)
				return -EBADMSG;
			n->ttl = vsw_be16(v);
			break;
		case TLV_PDESC:
			err = take_str(v, l, &n->has_pdesc, &n->pdesc_len, n->pdesc);
			break;
		case TLV_SNAME:
			err = take_str(v, l, &n->has_sname, &n->sname_len, n->sname);
			break;
		case TLV_SDESC:
			err = take_str(v, l, &n->has_sdesc, &n->sdesc_len, n->sdesc);
			break;
		case TLV_CAPS:
			err = l == 4 ? 0 : -EBADMSG;
			break;
		case TLV_MGMT:
			err = take_mgmt(v, l, n);
			break;
		case TLV_ORG:
			err = take_org(v, l, n);
			break;
		default:
			break; /* reserved types: skipped */
		}
		if (err)
			return err;
	}
	/* 802.1AB-2016 made the End TLV optional; the first three are not */
	return idx >= 3 ? 0 : -EBADMSG;
}

/* ---- text ---- */

/* Room for 255 bytes escaped and a NUL. */
#define TEXT_MAX (4 * VSW_LLDP_STR_MAX + 1)

/* Bytes 0x20 to 0x7e as they are, a backslash doubled, the rest \xNN. */
static const char *escape(const uint8_t *in, unsigned int n, char *out)
{
	char *o = out;

	for (unsigned int i = 0; i < n; i++) {
		if (in[i] == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (in[i] >= 0x20 && in[i] < 0x7f) {
			*o++ = (char)in[i];
		} else {
			o += sprintf(o, "\\x%02x", in[i]);
		}
	}
	*o = 0;
	return out;
}

/* A chassis or port ID as text: MAC and network address subtypes decoded. */
static const char *id_text(unsigned int subtype, bool chassis, const uint8_t *v, unsigned int n,
			   char *out)
{
	unsigned int mac_st = chassis ? 4 : 3, net_st = chassis ? 5 : 4;

	if (subtype == mac_st && n == 6) {
		sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
		return out;
	}
	if (subtype == net_st && ((n == 5 && v[0] == 1) || (n == 17 && v[0] == 2)) &&
	    inet_ntop(v[0] == 1 ? AF_INET : AF_INET6, v + 1, out, TEXT_MAX))
		return out;
	return escape(v, n, out);
}

/* ---- the neighbor table ---- */

static bool same_msap(const struct vsw_lldp_nbr *a, const struct vsw_lldp_nbr *b)
{
	return a->chassis_subtype == b->chassis_subtype && a->chassis_len == b->chassis_len &&
	       a->port_subtype == b->port_subtype && a->port_len == b->port_len &&
	       !memcmp(a->chassis, b->chassis, a->chassis_len) &&
	       !memcmp(a->port, b->port, a->port_len);
}

/* Remove entry 'i', keeping the others in the order they were first heard. */
static void nbr_remove(struct vsw_switch *sw, struct vsw_lldp_port *lp, uint32_t i)
{
	memmove(&lp->nbr[i], &lp->nbr[i + 1], (lp->n - i - 1) * sizeof(lp->nbr[0]));
	lp->n--;
	sw->lldp.n_nbr--;
}

/* Log a neighbor's identity, as text; the text is made only for a log
 * handler that wants it, since forged LLDPDUs may come in floods. */
static void nbr_log(struct vsw_port *p, const struct vsw_lldp_nbr *n, const char *what)
{
	char ch[TEXT_MAX], po[TEXT_MAX];

	if (p->sw->log_fn && p->sw->log_level >= VSW_LOG_INFO)
		vsw__info(p->sw, "%s: LLDP neighbor %s port %s %s", p->name,
			  id_text(n->chassis_subtype, true, n->chassis, n->chassis_len, ch),
			  id_text(n->port_subtype, false, n->port, n->port_len, po), what);
}

uint64_t vsw__lldp_now(struct vsw_switch *sw)
{
	return sw->lldp.seen_ns = vsw__now(sw);
}

void vsw__lldp_expire(struct vsw_uplink *u, uint64_t now_ns)
{
	struct vsw_lldp_port *lp = &u->lldp;

	for (uint32_t i = 0; i < lp->n;) {
		if (now_ns >= lp->nbr[i].expires_ns) {
			nbr_log(&u->port, &lp->nbr[i], "expired");
			nbr_remove(u->port.sw, lp, i);
		} else {
			i++;
		}
	}
}

void vsw__lldp_forget_all(struct vsw_switch *sw)
{
	for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u))
		u->lldp.n = 0;
	sw->lldp.n_nbr = 0;
}

void vsw__lldp_input(struct vsw_port *p, const uint8_t *d, uint32_t len)
{
	struct vsw_switch *sw = p->sw;
	struct vsw_lldp_port *lp = &vsw__uplink_of(p)->lldp;
	/* the frame path only marks 0x88cc frames, untagged or with an 802.1Q
	 * tag in the bytes, which then ends at 18 */
	uint32_t off = vsw_be16(d + VSW_ETHERTYPE_OFF) == VSW_ETH_P_8021Q ?
		       VSW_ETH_HLEN + VSW_VLAN_HLEN : VSW_ETH_HLEN;
	struct vsw_lldp_nbr n;
	uint64_t now;
	uint32_t i;

	if (!(sw->lldp.mode & VSW_LLDP_LISTEN))
		return;
	if (vsw__lldp_parse(d + off, len - off, &n) < 0) {
		p->ctr[VSW_CTR_LLDP_DISCARDED]++;
		vsw__dbg(sw, "%s: malformed LLDPDU discarded", p->name);
		return;
	}
	memcpy(n.src_mac, d + VSW_ETH_ALEN, VSW_ETH_ALEN);
	now = vsw__lldp_now(sw);
	vsw__lldp_expire(vsw__uplink_of(p), now);
	for (i = 0; i < lp->n && !same_msap(&lp->nbr[i], &n); i++)
		;
	if (!n.ttl) {
		/* a shutdown LLDPDU: the neighbor is going away now */
		if (i < lp->n) {
			nbr_log(p, &n, "shut down");
			nbr_remove(sw, lp, i);
		}
		return;
	}
	n.expires_ns = now + n.ttl * NS_PER_S;
	if (i == lp->n) {
		if (lp->n == VSW_LLDP_MAX_NEIGHBORS) {
			p->ctr[VSW_CTR_LLDP_DISCARDED]++;
			vsw__dbg(sw, "%s: LLDP neighbor table full", p->name);
			return;
		}
		lp->n++;
		sw->lldp.n_nbr++;
		nbr_log(p, &n, "heard");
	}
	lp->nbr[i] = n;
}

int vsw_uplink_lldp_foreach(struct vsw_uplink *u, vsw_lldp_fn fn, void *user)
{
	char txt[5][TEXT_MAX];  /* on the stack: switches may run in several threads */
	struct vsw_lldp_port *lp;
	uint64_t now;

	if (!u || !fn)
		return -EINVAL;
	lp = &u->lldp;
	if (!lp->n)
		return 0;
	now = vsw__lldp_now(u->port.sw);
	vsw__lldp_expire(u, now);
	for (uint32_t i = 0; i < lp->n; i++) {
		const struct vsw_lldp_nbr *n = &lp->nbr[i];
		struct vsw_lldp_neighbor e = {
			.size = sizeof(e),
			.chassis_id_subtype = n->chassis_subtype,
			.chassis_id = n->chassis,
			.chassis_id_len = n->chassis_len,
			.chassis_id_text = id_text(n->chassis_subtype, true, n->chassis,
						   n->chassis_len, txt[0]),
			.port_id_subtype = n->port_subtype,
			.port_id = n->port,
			.port_id_len = n->port_len,
			.port_id_text = id_text(n->port_subtype, false, n->port, n->port_len, txt[1]),
			.ttl = n->ttl,
			.expires_sec = (unsigned int)((n->expires_ns - now + NS_PER_S - 1) / NS_PER_S),
			.port_description = n->has_pdesc ? escape(n->pdesc, n->pdesc_len, txt[2]) : NULL,
			.system_name = n->has_sname ? escape(n->sname, n->sname_len, txt[3]) : NULL,
			.system_description = n->has_sdesc ? escape(n->sdesc, n->sdesc_len, txt[4]) : NULL,
			.has_mgmt_ipv4 = n->has_v4,
			.has_mgmt_ipv6 = n->has_v6,
			.port_vlan_id = n->pvid,
		};
		int r;

		memcpy(e.mgmt_ipv4, n->v4, 4);
		memcpy(e.mgmt_ipv6, n->v6, 16);
		memcpy(e.src_mac, n->src_mac, 6);
		bool was = u->port.sw->in_flush;

		/* the callback must not remove the uplink under the walk */
		u->port.sw->in_flush = true;
		r = fn(&e, user);
		u->port.sw->in_flush = was;
		if (r)
			return r;
	}
	return 0;
}
