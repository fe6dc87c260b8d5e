// SPDX-License-Identifier: MIT
/*
 * beacon.c - beacon probing: failure detection for uplinks whose link is up
 * but that no longer reach the rest of their team (vsw-teaming(7)).
 *
 * Each round (one interval, 1 s by default) every uplink that a port group
 * with failure_detection=beacon lists sends one broadcast beacon on each
 * VLAN those port groups use, and the frame path hands every beacon that
 * arrives on an uplink to vsw__beacon_input(), which notes in the VLAN's
 * matrix that the receiver heard the sender in this round. Before sending
 * the next round the switch judges each VLAN: it drops from the team every
 * uplink that heard no one, or that no one heard, in the last 3 rounds,
 * and repeats until what is left hears itself. With two or more uplinks
 * left, the dropped ones are failed; with fewer the fault cannot be located
 * and no uplink is taken out of use (inconclusive). A change of verdict
 * rebuilds the derived state (datapath/derive.c), which moves ports and sends RARPs
 * as a link failure does.
 *
 * Rounds count intervals, not time: a switch that is not polled for a while
 * judges nothing it did not probe. Beacons carry a random identity of the
 * switch and the sender's serial number, so that another switch's beacons,
 * or an uplink's own coming back, are recognised and ignored.
 *
 * Nothing here runs per frame except vsw__beacon_input(), for beacons only;
 * allocation happens when the probe set is derived after a configuration
 * change.
 */
#include "core/alloc.h"
#include "core/check.h"
#include "core/log.h"
#include "backends/backends.h"
#include "control/beacon.h"
#include "datapath/datapath.h"
#include "datapath/frame.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define BCN_MISS 3                        /* silent rounds that fail an uplink */
#define BCN_MAGIC "VSWB"
#define BCN_VERSION 1
#define BCN_HDR 24                        /* payload before the sender's name */
#define BCN_FRAME_MAX (VSW_ETH_HLEN + VSW_VLAN_HLEN + BCN_HDR + VSW_NAME_MAX + 1)
#define BCN_FRAME_MIN 60                  /* untagged, before any tag is added */

static uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser: every input bit reaches every output bit */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	vsw_put_be16(p, (uint16_t)(v >> 16));
	vsw_put_be16(p + 2, (uint16_t)v);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)vsw_be16(p) << 16 | vsw_be16(p + 2);
}

static struct vsw_uplink *uplink_of(struct vsw_port *p)
{
	return vsw_container_of(p, struct vsw_uplink, port);
}

/* The VLAN a port group's beacons go on: trunk port groups probe untagged. */
static uint16_t pg_vid(const struct vsw_portgroup *pg)
{
	return pg->vlan == VSW_VLAN_TRUNK ? 0 : (uint16_t)pg->vlan;
}

void vsw__beacon_init(struct vsw_switch *sw)
{
	sw->bcn.interval_ns = VSW_BEACON_INTERVAL_DEFAULT * 1000000ull;
	sw->bcn.stale = true;
}

static void vlans_free(struct vsw_bcn_vlan *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		vsw__free(v[i].port);
	vsw__free(v);
}

void vsw__beacon_fini(struct vsw_switch *sw)
{
	vlans_free(sw->bcn.vlan, sw->bcn.n_vlan);
	vsw__free(sw->bcn.buf);
	vsw__free(sw->bcn.fr);
	sw->bcn.vlan = NULL;
	sw->bcn.n_vlan = 0;
	sw->bcn.buf = NULL;
	sw->bcn.fr = NULL;
}

/* ---- lookups ---- */

static struct vsw_bcn_vlan *find_vlan(struct vsw_bcn_vlan *v, uint32_t n, uint16_t vid)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (v[mid].vid == vid)
			return &v[mid];
		if (v[mid].vid < vid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int find_serial(const struct vsw_bcn_vlan *v, uint32_t serial)
{
	if (!serial)
		return -1;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->serial[i] == serial)
			return (int)i;
	return -1;
}

/* Participant 'i' as an uplink, or NULL if it was removed since. */
static struct vsw_uplink *part(const struct vsw_switch *sw, const struct vsw_bcn_vlan *v,
			       uint32_t i)
{
	struct vsw_port *p = v->port[i] < sw->port_cap ? sw->port_by_idx[v->port[i]] : NULL;

	if (!p || p->kind != VSW_PORT_UPLINK || uplink_of(p)->bcn.serial != v->serial[i])
		return NULL;
	return uplink_of(p);
}

bool vsw__beacon_failed(const struct vsw_switch *sw, const struct vsw_uplink *u, uint16_t vid)
{
	const struct vsw_bcn_vlan *v;
	int i;

	if (!u->bcn.n_failed)
		return false;
	v = find_vlan(sw->bcn.vlan, sw->bcn.n_vlan, vid);
	i = v ? find_serial(v, u->bcn.serial) : -1;
	return i >= 0 && v->verdict[i] == VSW_BEACON_FAILED;
}

/* ---- the frame path's entry ---- */

uint8_t vsw__beacon_input(struct vsw_port *p, const uint8_t *pl, uint32_t len, uint16_t domain)
{
	struct vsw_switch *sw = p->sw;
	struct vsw_bcn_vlan *v;
	int i, j;

	if (len < BCN_HDR || memcmp(pl, BCN_MAGIC, 4) || pl[4] != BCN_VERSION)
		return VSW_CTR_BEACON_IGNORED;
	/* another switch's, or sent on another VLAN than it arrived in: a
	 * physical network that moves frames between VLANs proves nothing */
	if (get_be32(pl + 8) != (uint32_t)(sw->bcn.id >> 32) ||
	    get_be32(pl + 12) != (uint32_t)sw->bcn.id || vsw_be16(pl + 6) != domain)
		return VSW_CTR_BEACON_IGNORED;
	v = find_vlan(sw->bcn.vlan, sw->bcn.n_vlan, domain);
	if (!v)
		return VSW_CTR_BEACON_IGNORED;
	i = find_serial(v, uplink_of(p)->bcn.serial);
	j = find_serial(v, get_be32(pl + 16));
	if (i < 0 || j < 0 || i == j)
		return VSW_CTR_BEACON_IGNORED;
	v->heard[(uint32_t)i * v->n + (uint32_t)j] = sw->bcn.round;
	return VSW_CTR_BEACON_RX;
}

/* ---- deriving the probe set from the configuration ---- */

/* Lay out a record's arrays in one zeroed allocation. */
static int vlan_alloc(struct vsw_bcn_vlan *v, uint16_t vid, uint32_t n)
{
	size_t words = 2 * (size_t)n + (size_t)n * n;
	uint32_t *w = vsw__calloc(words * sizeof(uint32_t) + 3 * (size_t)n, 1);

	if (!w)
		return -ENOMEM;
	v->vid = vid;
	v->n = n;
	v->port = w;
	v->serial = w + n;
	v->heard = w + 2 * n;
	v->verdict = (uint8_t *)(w + words);
	v->was_up = v->verdict + n;
	v->alive = v->was_up + n;
	return 0;
}

/* Carry a VLAN's history over from its previous record, if it had one:
 * pairs that persist keep their rounds, newcomers start with a clean slate
 * (was_up 0: the next judgement gives them a full BCN_MISS rounds). */
static void vlan_carry(struct vsw_bcn_vlan *v, const struct vsw_bcn_vlan *old, uint32_t round)
{
	for (uint32_t i = 0; i < v->n; i++) {
		int oi = old ? find_serial(old, v->serial[i]) : -1;
		if (oi >= 0) {
			v->verdict[i] = old->verdict[oi];
			v->was_up[i] = old->was_up[oi];
		}
		for (uint32_t j = 0; j < v->n; j++) {
			int oj = oi >= 0 ? find_serial(old, v->serial[j]) : -1;
			v->heard[i * v->n + j] = oj >= 0 ? old->heard[(uint32_t)oi * old->n + (uint32_t)oj]
							 : round;
		}
	}
}

static void recount(struct vsw_switch *sw, bool *failed_changed);

/*
 * Which VLANs are probed and by which uplinks: the VLANs of the port groups
 * with beacon probing, each by the uplinks (active or standby) of those
 * port groups' teaming orders. One bitmap of VLANs per uplink (64 words,
 * at the uplink's position in the switch's list), built in one pass over
 * the port groups; 'any' gets their union. NULL when out of memory.
 */
static uint64_t *probe_masks(struct vsw_switch *sw, uint64_t any[64])
{
	uint32_t n_up = 0;
	struct vsw_list *x;
	uint64_t *mask;

	vsw_list_for_each(x, &sw->uplinks)
		vsw_container_of(x, struct vsw_uplink, port.kind_node)->bcn.pos = n_up++;
	mask = vsw__calloc((size_t)n_up * 64 + 1, sizeof(*mask));
	if (!mask)
		return NULL;
	vsw_list_for_each(x, &sw->portgroups) {
		const struct vsw_portgroup *pg = vsw_container_of(x, struct vsw_portgroup, node);
		const struct vsw_team *t = vsw__pg_team(pg);
		uint16_t vid = pg_vid(pg);
		if (pg->eff.failure_detection != VSW_DETECT_BEACON)
			continue;
		for (unsigned int i = 0; i < t->n_active + t->n_standby; i++) {
			const struct vsw_uplink *u = i < t->n_active ? t->active[i]
								      : t->standby[i - t->n_active];
			mask[u->bcn.pos * 64 + vid / 64] |= 1ull << (vid % 64);
			any[vid / 64] |= 1ull << (vid % 64);
		}
	}
	return mask;
}

/* Derive the probe set again, carrying over what persists. */
static int derive(struct vsw_switch *sw, bool *failed_changed)
{
	struct vsw_bcn *b = &sw->bcn;
	uint32_t n_vlan = 0, k = 0;
	uint64_t *mask, any[64] = { 0 };
	struct vsw_bcn_vlan *nv = NULL;
	struct vsw_list *x;
	uint8_t *buf = NULL;
	struct vsw_frame *fr = NULL;

	mask = probe_masks(sw, any);
	if (!mask)
		return -ENOMEM;
	for (unsigned int w = 0; w < 64; w++)
		n_vlan += (uint32_t)__builtin_popcountll(any[w]);
	if (n_vlan) {
		nv = vsw__calloc(n_vlan, sizeof(*nv));
		buf = vsw__calloc(n_vlan, BCN_FRAME_MAX);
		fr = vsw__calloc(n_vlan, sizeof(*fr));
		if (!nv || !buf || !fr)
			goto nomem;
	}
	for (uint32_t vid = 0; vid < 4096; vid++) {
		uint32_t n = 0;
		if (!(any[vid / 64] & (1ull << (vid % 64))))
			continue;
		vsw_list_for_each(x, &sw->uplinks) {
			struct vsw_uplink *u = vsw_container_of(x, struct vsw_uplink, port.kind_node);
			n += !!(mask[u->bcn.pos * 64 + vid / 64] & (1ull << (vid % 64)));
		}
		if (vlan_alloc(&nv[k], (uint16_t)vid, n) < 0)
			goto nomem;
		n = 0;
		vsw_list_for_each(x, &sw->uplinks) {
			struct vsw_uplink *u = vsw_container_of(x, struct vsw_uplink, port.kind_node);
			if (!(mask[u->bcn.pos * 64 + vid / 64] & (1ull << (vid % 64))))
				continue;
			if (!u->bcn.serial)
				u->bcn.serial = ++b->next_serial ? b->next_serial : ++b->next_serial;
			nv[k].port[n] = u->port.idx;
			nv[k].serial[n++] = u->bcn.serial;
		}
		vlan_carry(&nv[k], find_vlan(b->vlan, b->n_vlan, (uint16_t)vid), b->round);
		k++;
	}
	vsw__free(mask);
	vsw__beacon_fini(sw);
	b->vlan = nv;
	b->n_vlan = n_vlan;
	b->buf = buf;
	b->fr = fr;
	if (n_vlan && !b->on)
		b->next_ns = 0; /* probing starts: a round at once */
	b->on = n_vlan != 0;
	recount(sw, failed_changed);
	return 0;
nomem:
	vlans_free(nv, k);
	vsw__free(buf);
	vsw__free(fr);
	vsw__free(mask);
	return -ENOMEM;
}

/* ---- judging a VLAN ---- */

static bool heard(const struct vsw_bcn_vlan *v, uint32_t round, uint32_t i, uint32_t j)
{
	return round - v->heard[i * v->n + j] < BCN_MISS;
}

/* Whether 'i' hears, and is heard by, some other member of 'set'. */
static bool hears(const struct vsw_bcn_vlan *v, uint32_t round, uint32_t i, const uint8_t *set)
{
	for (uint32_t j = 0; j < v->n; j++)
		if (j != i && set[j] && heard(v, round, i, j))
			return true;
	return false;
}

static bool is_heard(const struct vsw_bcn_vlan *v, uint32_t round, uint32_t i, const uint8_t *set)
{
	for (uint32_t j = 0; j < v->n; j++)
		if (j != i && set[j] && heard(v, round, j, i))
			return true;
	return false;
}

static const char *const state_word[] = {
	[VSW_BEACON_OFF] = "off", [VSW_BEACON_ALONE] = "alone", [VSW_BEACON_OK] = "ok",
	[VSW_BEACON_INCONCLUSIVE] = "inconclusive", [VSW_BEACON_FAILED] = "failed",
};

/* Record a verdict; 'why' says what the beacons showed, for the log. */
static void verdict(struct vsw_switch *sw, struct vsw_bcn_vlan *v, uint32_t i, uint8_t now,
		    const char *why, bool *failed_changed)
{
	uint8_t was = v->verdict[i];
	struct vsw_uplink *u = part(sw, v, i);

	if (now == was)
		return;
	v->verdict[i] = now;
	if ((now == VSW_BEACON_FAILED) != (was == VSW_BEACON_FAILED))
		*failed_changed = true;
	if (!u)
		return;
	if (now == VSW_BEACON_FAILED)
		vsw__log(sw, VSW_LOG_WARNING, "beacon probing, VLAN %u: %s %s for %d intervals while "
			 "other uplinks hear each other: failed, port groups with beacon probing "
			 "stop using it", v->vid, u->port.name, why, BCN_MISS);
	else if (now == VSW_BEACON_INCONCLUSIVE)
		vsw__log(sw, VSW_LOG_WARNING, "beacon probing, VLAN %u: %s %s, but fewer than two "
			 "uplinks hear each other, so the fault cannot be located: it stays in use",
			 v->vid, u->port.name, why);
	else if (was >= VSW_BEACON_INCONCLUSIVE || now == VSW_BEACON_ALONE)
		vsw__info(sw, "beacon probing, VLAN %u: %s %s (was %s)", v->vid, u->port.name, why,
			  state_word[was]);
}

static void judge(struct vsw_switch *sw, struct vsw_bcn_vlan *v, bool *failed_changed)
{
	uint32_t n = v->n, round = sw->bcn.round, n_up = 0, n_alive;
	uint8_t *alive = v->alive;
	bool shrunk, any_ok = false;

	for (uint32_t i = 0; i < n; i++) {
		struct vsw_uplink *u = part(sw, v, i);
		bool up = u && vsw__hot(&u->port)->up;
		/* an uplink whose link (or probing) just began gets BCN_MISS rounds,
		 * both ways, before its silence counts */
		if (up && !v->was_up[i])
			for (uint32_t j = 0; j < n; j++)
				v->heard[i * n + j] = v->heard[j * n + i] = round;
		v->was_up[i] = up;
		alive[i] = up;
		n_up += up;
	}
	if (n_up < 2) {
		for (uint32_t i = 0; i < n; i++)
			verdict(sw, v, i, alive[i] ? VSW_BEACON_ALONE : VSW_BEACON_OFF,
				alive[i] ? "is the only uplink probing with its link up: beacons "
					   "cannot detect anything" : "is down or no longer probed",
				failed_changed);
		return;
	}
	/* silent or unheard uplinks leave the team, until what is left is a
	 * group whose every member hears, and is heard by, another member */
	n_alive = n_up;
	do {
		shrunk = false;
		for (uint32_t i = 0; i < n; i++)
			if (alive[i] && (!hears(v, round, i, alive) || !is_heard(v, round, i, alive))) {
				alive[i] = 0;
				n_alive--;
				shrunk = true;
			}
	} while (shrunk);

	for (uint32_t i = 0; i < n; i++)
		if (v->was_up[i] && v->verdict[i] != VSW_BEACON_FAILED)
			any_ok = true;
	for (uint32_t i = 0; i < n; i++) {
		struct vsw_uplink *u = part(sw, v, i);
		bool rx, tx, quiet = true;
		uint8_t now;

		if (!v->was_up[i]) {
			verdict(sw, v, i, VSW_BEACON_OFF, "is down or no longer probed", failed_changed);
			continue;
		}
		rx = hears(v, round, i, v->was_up);
		tx = is_heard(v, round, i, v->was_up);
		for (uint32_t j = 0; j < n; j++)
			if (j != i && v->was_up[j] && v->heard[i * n + j] == round)
				quiet = false;
		if (quiet && u)
			u->port.ctr[VSW_CTR_BEACON_MISSED]++;
		if (n_alive >= 2)
			now = alive[i] ? VSW_BEACON_OK : VSW_BEACON_FAILED;
		else if (v->verdict[i] == VSW_BEACON_FAILED && any_ok)
			now = VSW_BEACON_FAILED; /* what located the fault still stands */
		else
			now = rx && tx ? VSW_BEACON_OK : VSW_BEACON_INCONCLUSIVE;
		verdict(sw, v, i, now, now == VSW_BEACON_OK ? "hears the team again" :
			!rx ? "hears no other uplink" : !tx ? "is heard by no other uplink" :
			"hears, and is heard by, only uplinks that are cut off themselves",
			failed_changed);
	}
}

/* Each uplink's state over all its VLANs, and whether that changed what
 * a port group may use. */
static void recount(struct vsw_switch *sw, bool *failed_changed)
{
	struct vsw_bcn *b = &sw->bcn;
	struct vsw_list *x;

	vsw_list_for_each(x, &sw->uplinks) {
		struct vsw_uplink *u = vsw_container_of(x, struct vsw_uplink, port.kind_node);
		uint32_t n_failed = 0;
		uint8_t state = VSW_BEACON_OFF;
		for (uint32_t k = 0; k < b->n_vlan; k++) {
			int i = find_serial(&b->vlan[k], u->bcn.serial);
			uint8_t s = i >= 0 ? b->vlan[k].verdict[i] : VSW_BEACON_OFF;
			n_failed += s == VSW_BEACON_FAILED;
			if (s > state)
				state = s;
		}
		if (n_failed != u->bcn.n_failed)
			*failed_changed = true;
		u->bcn.n_failed = n_failed;
		u->bcn.state = state;
	}
}

/* ---- sending a round ---- */

/* The source of an uplink's beacons: its device's MAC where the backend
 * has one (what ESXi does), else one made of the switch and the serial. */
static void beacon_mac(const struct vsw_switch *sw, struct vsw_uplink *u, uint8_t mac[6])
{
	struct vsw_backend *be = u->port.be;
	uint64_t h;

	if (be && vsw_backend_mac(be, mac) == 0 && vsw__check_port_mac(mac) == 0)
		return;
	h = mix64(sw->bcn.id ^ u->bcn.serial);
	mac[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

static uint32_t build(const struct vsw_switch *sw, const struct vsw_uplink *u, uint16_t vid,
		      const uint8_t mac[6], uint8_t *f)
{
	size_t name = strlen(u->port.name) + 1;
	uint32_t at = VSW_ETHERTYPE_OFF, len;
	uint8_t *pl;

	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	if (vid) {
		vsw_put_be16(f + at, VSW_ETH_P_8021Q);
		vsw_put_be16(f + at + 2, vid); /* PCP 0 */
		at += VSW_VLAN_HLEN;
	}
	vsw_put_be16(f + at, VSW_ETH_P_BEACON);
	pl = f + at + 2;
	memcpy(pl, BCN_MAGIC, 4);
	pl[4] = BCN_VERSION;
	pl[5] = 0;
	vsw_put_be16(pl + 6, vid);
	put_be32(pl + 8, (uint32_t)(sw->bcn.id >> 32));
	put_be32(pl + 12, (uint32_t)sw->bcn.id);
	put_be32(pl + 16, u->bcn.serial);
	put_be32(pl + 20, sw->bcn.round);
	memcpy(pl + BCN_HDR, u->port.name, name);
	/* padded to the Ethernet minimum as if untagged, as a RARP is */
	len = VSW_ETH_HLEN + BCN_HDR + (uint32_t)name;
	if (len < BCN_FRAME_MIN) {
		memset(pl + BCN_HDR + name, 0, BCN_FRAME_MIN - len);
		len = BCN_FRAME_MIN;
	}
	return len + (vid ? VSW_VLAN_HLEN : 0);
}

static void send_round(struct vsw_switch *sw)
{
	struct vsw_bcn *b = &sw->bcn;
	struct vsw_list *x;

	vsw_list_for_each(x, &sw->uplinks) {
		struct vsw_uplink *u = vsw_container_of(x, struct vsw_uplink, port.kind_node);
		uint32_t n = 0;
		uint8_t mac[6];

		if (!u->bcn.serial || u->bcn.state <= VSW_BEACON_ALONE)
			continue;
		beacon_mac(sw, u, mac);
		for (uint32_t k = 0; k < b->n_vlan; k++) {
			int i = find_serial(&b->vlan[k], u->bcn.serial);
			/* an uplink alone on a VLAN, or down, has no one to tell */
			if (i < 0 || b->vlan[k].verdict[i] <= VSW_BEACON_ALONE)
				continue;
			b->fr[n] = (struct vsw_frame){ .data = b->buf + (size_t)n * BCN_FRAME_MAX };
			b->fr[n].len = build(sw, u, b->vlan[k].vid, mac, b->buf + (size_t)n * BCN_FRAME_MAX);
			n++;
		}
		u->port.ctr[VSW_CTR_BEACON_SENT] += n;
		for (uint32_t off = 0; off < n; off += VSW_BATCH_MAX)
			vsw__port_deliver(sw, vsw__hot(&u->port), b->fr + off,
					  n - off < VSW_BATCH_MAX ? n - off : VSW_BATCH_MAX);
	}
}

/* ---- the round ---- */

static void make_id(struct vsw_switch *sw)
{
	struct timespec ts;
	uint64_t id = 0;

	/* random, so that two switches on one network (in one process or not)
	 * never take each other's beacons for their own */
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id) || !id) {
		clock_gettime(CLOCK_REALTIME, &ts);
		id = mix64((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
		     mix64((uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)sw);
	}
	sw->bcn.id = id ? id : 1;
}

/* Usability changed for some port group: rebuild, which moves ports and
 * announces them. The probe set itself is unchanged by that rebuild. */
static void usability_changed(struct vsw_switch *sw)
{
	bool stale = sw->bcn.stale;

	vsw__switch_config_changed(sw);
	sw->bcn.stale = stale;
}

void vsw__beacon_poll(struct vsw_switch *sw)
{
	struct vsw_bcn *b = &sw->bcn;
	bool failed_changed = false;
	uint64_t now;

	if (!b->on && !b->stale)
		return;
	if (b->stale) {
		if (!b->id)
			make_id(sw);
		if (derive(sw, &failed_changed) < 0) {
			if (!b->warned)
				vsw__log(sw, VSW_LOG_WARNING, "beacon probing: out of memory; "
					 "probing the previous configuration");
			b->warned = true;
		} else {
			b->stale = b->warned = false;
		}
	}
	if (b->on) {
		now = vsw__now(sw);
		if (now >= b->next_ns) {
			/* one round per poll however late: rounds count intervals
			 * probed, and a switch left unpolled probed nothing */
			b->next_ns = now - b->next_ns < b->interval_ns ? b->next_ns + b->interval_ns
								       : now + b->interval_ns;
			for (uint32_t k = 0; k < b->n_vlan; k++)
				judge(sw, &b->vlan[k], &failed_changed);
			recount(sw, &failed_changed);
			b->round++;
			send_round(sw);
		}
	}
	if (failed_changed)
		usability_changed(sw);
}

uint64_t vsw__beacon_next_ns(const struct vsw_switch *sw)
{
	/* a derivation that failed (no memory) is tried again with the next
	 * round, not in a loop */
	if (sw->bcn.stale && !sw->bcn.warned)
		return 0;
	return sw->bcn.on ? sw->bcn.next_ns : UINT64_MAX;
}

/* ---- the API ---- */

int vsw_switch_set_beacon_interval(struct vsw_switch *sw, unsigned int ms)
{
	uint64_t ns, now;

	if (!sw || ms < VSW_BEACON_INTERVAL_MIN || ms > VSW_BEACON_INTERVAL_MAX)
		return -EINVAL;
	if (vsw__busy(sw))
		return -EBUSY;
	ns = ms * 1000000ull;
	sw->bcn.interval_ns = ns;
	if (sw->bcn.on) {
		now = vsw__now(sw);
		if (sw->bcn.next_ns > now + ns) {
			sw->bcn.next_ns = now + ns;
			vsw__loop_kick(sw); /* the loop's timer waits for the old round */
		}
	}
	return 0;
}

unsigned int vsw_switch_beacon_interval(const struct vsw_switch *sw)
{
	return sw ? (unsigned int)(sw->bcn.interval_ns / 1000000u) : 0;
}

enum vsw_beacon_state vsw_uplink_beacon_state(const struct vsw_uplink *u)
{
	return u ? (enum vsw_beacon_state)u->bcn.state : VSW_BEACON_OFF;
}

enum vsw_beacon_state vsw_uplink_beacon_vlan_state(const struct vsw_uplink *u, unsigned int vlan)
{
	const struct vsw_switch *sw;
	const struct vsw_bcn_vlan *v;
	int i;

	if (!u || vlan > VSW_VLAN_TRUNK)
		return VSW_BEACON_OFF;
	sw = u->port.sw;
	v = find_vlan(sw->bcn.vlan, sw->bcn.n_vlan, vlan == VSW_VLAN_TRUNK ? 0 : (uint16_t)vlan);
	i = v ? find_serial(v, u->bcn.serial) : -1;
	return i >= 0 ? (enum vsw_beacon_state)v->verdict[i] : VSW_BEACON_OFF;
}
