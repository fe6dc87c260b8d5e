// SPDX-License-Identifier: MIT
/*
 * lldp-tx.c - advertising, and the switch-level LLDP settings.
 *
 * While the mode includes advertising, each uplink whose link is up sends
 * an LLDPDU every interval, at once when advertising is turned on or the
 * interval changes, and at once when the uplink's link comes up (noticed
 * at the next event loop round). The chassis ID is the switch's name and
 * the port ID the uplink's, so that the physical switch shows which vmnic of
 * which vSwitch is cabled to each of its ports; the system name is the
 * host's, which tells apart the many hosts whose switch is "vSwitch0".
 *
 * Time: vsw__lldp_tick() runs once per vsw_switch_poll() round and reads the
 * switch's clock only when advertising is on or a neighbor is known;
 * vsw__lldp_next_ns() gives the loop the next LLDPDU or expiry, for which
 * it sets its timer.
 */
#include "core/check.h"
#include "core/log.h"
#include "backends/backends.h"
#include "control/lldp.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"
#include "vsw_version.h"

#include <stdio.h>
#include <unistd.h>

#define NS_PER_S 1000000000ull
/* 802.1AB: the time to live is the interval times msgTxHold (4). */
#define TX_HOLD 4u

enum { TLV_END = 0, TLV_CHASSIS = 1, TLV_PORT = 2, TLV_TTL = 3, TLV_PDESC = 4,
       TLV_SNAME = 5, TLV_SDESC = 6, TLV_CAPS = 7 };
/* Chassis ID subtype 7 "locally assigned"; port ID subtype 5 "interface name". */
#define CHASSIS_LOCAL 7
#define PORT_IFNAME 5
/* System capabilities: bit 2, MAC bridge */
#define CAP_BRIDGE 0x0004u

/* Chassis and port ID of at most 63 bytes, three strings of at most 255. */
#define FRAME_MAX 1024

static const uint8_t nearest_bridge[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

void vsw__lldp_init(struct vsw_switch *sw)
{
	sw->lldp.mode = VSW_LLDP_LISTEN;
	sw->lldp.interval_s = VSW_LLDP_INTERVAL_DEFAULT;
}

static uint16_t ttl_of(const struct vsw_switch *sw)
{
	uint32_t t = sw->lldp.interval_s * TX_HOLD;

	return (uint16_t)(t > UINT16_MAX ? UINT16_MAX : t);
}

/* The uplink device's MAC if its backend has one, else a locally
 * administered MAC that a hash of the switch's and uplink's names keeps
 * stable across restarts. */
static void src_mac(const struct vsw_port *u, uint8_t mac[6])
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	const char *s;

	if (u->be && vsw_backend_mac(u->be, mac) == 0 && !vsw__check_port_mac(mac))
		return;
	for (s = u->sw->name; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	h = (h ^ '/') * 1099511628211ull;
	for (s = u->name; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	mac[0] = 0x02;
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

static uint8_t *tlv(uint8_t *o, unsigned int type, const void *v, uint32_t l)
{
	o[0] = (uint8_t)(type << 1 | l >> 8);
	o[1] = (uint8_t)l;
	if (l)
		memcpy(o + 2, v, l);
	return o + 2 + l;
}

/* A string TLV: at most 255 bytes of 's'. */
static uint8_t *tlv_str(uint8_t *o, unsigned int type, const char *s)
{
	return tlv(o, type, s, (uint32_t)strnlen(s, VSW_LLDP_STR_MAX));
}

/* A chassis or port ID TLV: the subtype, then the name (at most 63 bytes). */
static uint8_t *tlv_id(uint8_t *o, unsigned int type, uint8_t subtype, const char *name)
{
	uint8_t v[1 + VSW_NAME_MAX];
	size_t n = strlen(name);

	v[0] = subtype;
	memcpy(v + 1, name, n);
	return tlv(o, type, v, (uint32_t)n + 1);
}

/* Uplink 'u''s LLDPDU with time to live 'ttl' (0: a shutdown LLDPDU, which
 * 802.1AB wants with the three mandatory TLVs only). Returns its length. */
static uint32_t build(const struct vsw_port *u, uint16_t ttl, uint8_t *f)
{
	const struct vsw_switch *sw = u->sw;
	uint8_t *o = f + VSW_ETH_HLEN, t[4];
	char host[VSW_LLDP_STR_MAX + 1], text[VSW_LLDP_STR_MAX + 1];

	memcpy(f, nearest_bridge, VSW_ETH_ALEN);
	src_mac(u, f + VSW_ETH_ALEN);
	vsw_put_be16(f + VSW_ETHERTYPE_OFF, VSW_ETH_P_LLDP);
	o = tlv_id(o, TLV_CHASSIS, CHASSIS_LOCAL, sw->name);
	o = tlv_id(o, TLV_PORT, PORT_IFNAME, u->name);
	vsw_put_be16(t, ttl);
	o = tlv(o, TLV_TTL, t, 2);
	if (ttl) {
		snprintf(text, sizeof(text), "%s uplink %s", sw->name, u->name);
		o = tlv_str(o, TLV_PDESC, text);
		if (gethostname(host, sizeof(host)) < 0 || !host[0])
			snprintf(host, sizeof(host), "%s", sw->name);
		host[sizeof(host) - 1] = 0;
		o = tlv_str(o, TLV_SNAME, host);
		snprintf(text, sizeof(text), "libvsw %s virtual switch", VSW_VERSION_STRING);
		o = tlv_str(o, TLV_SDESC, text);
		vsw_put_be16(t, CAP_BRIDGE);
		vsw_put_be16(t + 2, CAP_BRIDGE);
		o = tlv(o, TLV_CAPS, t, 4);
	}
	o = tlv(o, TLV_END, NULL, 0);
	/* the shortest Ethernet frame */
	while (o - f < 60)
		*o++ = 0;
	return (uint32_t)(o - f);
}

static void advertise(struct vsw_switch *sw, struct vsw_port *u, uint16_t ttl)
{
	uint8_t f[FRAME_MAX];
	struct vsw_frame fr = { .data = f, .len = build(u, ttl, f) };

	u->ctr[VSW_CTR_LLDP_TX]++;
	vsw__port_deliver(sw, vsw__hot(u), &fr, 1);
}

/* Advertise on every uplink whose link is up, now: 'on' false sends the
 * shutdown LLDPDU. */
static void advertise_all(struct vsw_switch *sw, bool on)
{
	uint64_t now = vsw__lldp_now(sw);

	for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u)) {
		bool up = vsw__port_link(&u->port);
		if (up)
			advertise(sw, &u->port, on ? ttl_of(sw) : 0);
		u->lldp.was_up = up;
		u->lldp.next_tx_ns = now + sw->lldp.interval_s * NS_PER_S;
	}
}

void vsw__lldp_tick(struct vsw_switch *sw)
{
	bool adv = sw->lldp.mode & VSW_LLDP_ADVERTISE;
	uint64_t now;

	if (!adv && !sw->lldp.n_nbr)
		return;
	now = vsw__lldp_now(sw);
	for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u)) {
		struct vsw_lldp_port *lp = &u->lldp;
		bool up = vsw__port_link(&u->port);

		if (lp->n)
			vsw__lldp_expire(u, now);
		if (adv && up && (!lp->was_up || now >= lp->next_tx_ns)) {
			advertise(sw, &u->port, ttl_of(sw));
			lp->next_tx_ns = now + sw->lldp.interval_s * NS_PER_S;
		}
		lp->was_up = up;
	}
}

uint64_t vsw__lldp_next_ns(const struct vsw_switch *sw)
{
	bool adv = sw->lldp.mode & VSW_LLDP_ADVERTISE;
	uint64_t next = UINT64_MAX;

	if (!adv && !sw->lldp.n_nbr)
		return next;
	for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u)) {
		const struct vsw_lldp_port *lp = &u->lldp;
		bool up = vsw__port_link(&u->port);

		if (adv && up != lp->was_up)
			return 0; /* came up: advertise at once; went down: noted */
		if (adv && up && lp->next_tx_ns < next)
			next = lp->next_tx_ns;
		for (uint32_t i = 0; i < lp->n; i++)
			if (lp->nbr[i].expires_ns < next)
				next = lp->nbr[i].expires_ns;
	}
	return next;
}

void vsw__lldp_uplink_removed(struct vsw_uplink *u)
{
	struct vsw_switch *sw = u->port.sw;

	if ((sw->lldp.mode & VSW_LLDP_ADVERTISE) && vsw__port_link(&u->port))
		advertise(sw, &u->port, 0);
	sw->lldp.n_nbr -= u->lldp.n;
	u->lldp.n = 0;
}

static uint64_t shift(uint64_t t, uint64_t before, uint64_t after)
{
	return t > before ? after + (t - before) : after;
}

void vsw__lldp_rebase(struct vsw_switch *sw, uint64_t last_ns, uint64_t now_ns)
{
	uint64_t before = last_ns > sw->lldp.seen_ns ? last_ns : sw->lldp.seen_ns, after = now_ns;

	sw->lldp.seen_ns = now_ns;
	for (struct vsw_uplink *u = vsw__uplink_next(sw, NULL); u; u = vsw__uplink_next(sw, u)) {
		u->lldp.next_tx_ns = shift(u->lldp.next_tx_ns, before, after);
		for (uint32_t i = 0; i < u->lldp.n; i++)
			u->lldp.nbr[i].expires_ns = shift(u->lldp.nbr[i].expires_ns, before, after);
	}
}

/* ---- settings ---- */

int vsw_switch_set_lldp_mode(struct vsw_switch *sw, enum vsw_lldp_mode mode)
{
	unsigned int old;

	if (!sw || (unsigned int)mode > VSW_LLDP_BOTH)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	old = sw->lldp.mode;
	sw->lldp.mode = (uint8_t)mode;
	if ((old & VSW_LLDP_LISTEN) && !(mode & VSW_LLDP_LISTEN))
		vsw__lldp_forget_all(sw);
	if ((old ^ (unsigned int)mode) & VSW_LLDP_ADVERTISE) {
		advertise_all(sw, mode & VSW_LLDP_ADVERTISE);
		vsw__loop_kick(sw); /* the loop's timer: the next LLDPDU, or none */
	}
	if (old != (unsigned int)mode) {
		static const char *const names[] = { "none", "listen", "advertise", "both" };
		vsw__info(sw, "LLDP mode %s", names[mode]);
	}
	return 0;
}

enum vsw_lldp_mode vsw_switch_lldp_mode(const struct vsw_switch *sw)
{
	return sw ? (enum vsw_lldp_mode)sw->lldp.mode : VSW_LLDP_NONE;
}

int vsw_switch_set_lldp_interval(struct vsw_switch *sw, unsigned int interval_sec)
{
	if (!sw || interval_sec < 1 || interval_sec > VSW_LLDP_INTERVAL_MAX)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	if (interval_sec == sw->lldp.interval_s)
		return 0;
	sw->lldp.interval_s = interval_sec;
	/* the time to live changed: tell the neighbors now */
	if (sw->lldp.mode & VSW_LLDP_ADVERTISE) {
		advertise_all(sw, true);
		vsw__loop_kick(sw);
	}
	return 0;
}

unsigned int vsw_switch_lldp_interval(const struct vsw_switch *sw)
{
	return sw ? sw->lldp.interval_s : 0;
}
