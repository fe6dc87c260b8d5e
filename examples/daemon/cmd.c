// SPDX-License-Identifier: MIT
/*
 * cmd.c - the parser of the vswctl grammar (see cmd.h): which words make a
 * command, its options and policy words. Every syntax and range error is
 * found here, before anything runs, and reported as one line that names
 * the offending word. Words are cmdword.c's, values cmdval.c's.
 */
#include "cmd.h"
#include "cmdval.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static const struct {
	const char *word;
	enum vswcmd_obj obj;
} objects[] = {
	{ "vswitch", OBJ_VSWITCH }, { "portgroup", OBJ_PORTGROUP }, { "uplink", OBJ_UPLINK },
	{ "vnic", OBJ_VNIC }, { "vmk", OBJ_VMK }, { "policy", OBJ_POLICY }, { "list", OBJ_LIST },
	{ "stats", OBJ_STATS }, { "fdb", OBJ_FDB }, { "vde", OBJ_VDE },
	{ "netstack", OBJ_NETSTACK }, { "save", OBJ_SAVE }, { "show-config", OBJ_SHOW_CONFIG },
};

static const struct {
	const char *word;
	enum vswcmd_verb verb;
} verbs[] = {
	{ "add", VERB_ADD }, { "remove", VERB_REMOVE }, { "set", VERB_SET }, { "get", VERB_GET },
	{ "clear", VERB_CLEAR }, { "neighbors", VERB_NEIGHBORS },
};

/* Positional words each (object, verb) takes: min and max. */
static int arity(enum vswcmd_obj o, enum vswcmd_verb v, int *min, int *max)
{
	switch (o) {
	case OBJ_VSWITCH:
		*min = *max = 1;
		return v == VERB_ADD || v == VERB_REMOVE || v == VERB_SET ? 0 : -1;
	case OBJ_UPLINK:
		if (v == VERB_NEIGHBORS) {
			*min = 0;
			*max = 2;
			return 0;
		}
		/* fall through */
	case OBJ_PORTGROUP:
		*min = *max = 2;
		return v == VERB_ADD || v == VERB_REMOVE || v == VERB_SET ? 0 : -1;
	case OBJ_VNIC:
	case OBJ_VMK:
		*min = *max = v == VERB_ADD ? 3 : 2;
		return v == VERB_ADD || v == VERB_REMOVE || v == VERB_SET ? 0 : -1;
	case OBJ_POLICY:
		if (v == VERB_GET) {
			*min = 1;
			*max = 2;
		} else if (v == VERB_SET) {
			*min = 1;
			*max = 2;
		} else if (v == VERB_CLEAR) {
			*min = *max = 2;
		} else {
			return -1;
		}
		return 0;
	case OBJ_LIST:
		*min = *max = 0;
		return 0;
	case OBJ_STATS:
		*min = 0;
		*max = 2;
		return 0;
	case OBJ_FDB:
		*min = 0;
		*max = 1;
		return 0;
	case OBJ_VDE:
		*min = *max = v == VERB_ADD ? 3 : 2;
		return v == VERB_ADD || v == VERB_REMOVE ? 0 : -1;
	case OBJ_NETSTACK:
		*min = *max = 1;
		return v == VERB_ADD || v == VERB_REMOVE ? 0 : -1;
	case OBJ_SAVE:
	case OBJ_SHOW_CONFIG:
		/* vswctl writes "save FILE" itself, from show-config */
		*min = *max = 0;
		return 0;
	}
	return -1;
}

/* Which --options an (object, verb) accepts. */
static bool option_ok(const struct vswcmd *c, const char *opt)
{
	bool read = c->obj == OBJ_LIST || c->obj == OBJ_STATS || c->obj == OBJ_FDB ||
		    (c->obj == OBJ_POLICY && c->verb == VERB_GET) || c->verb == VERB_NEIGHBORS;

	if (!strcmp(opt, "json"))
		return read;
	switch (c->obj) {
	case OBJ_VSWITCH:
		if (!strcmp(opt, "max-macs"))
			return c->verb == VERB_ADD; /* the table is sized at creation */
		return (!strcmp(opt, "mtu") || !strcmp(opt, "beacon-interval") || !strcmp(opt, "lldp") ||
			!strcmp(opt, "lldp-interval")) && c->verb != VERB_REMOVE;
	case OBJ_PORTGROUP:
		return !strcmp(opt, "vlan") && c->verb != VERB_REMOVE;
	case OBJ_UPLINK:
		if (!strcmp(opt, "offloads"))
			return c->verb == VERB_ADD || c->verb == VERB_SET;
		if (c->verb == VERB_ADD)
			return !strcmp(opt, "backend") || !strcmp(opt, "options");
		return c->verb == VERB_SET && !strcmp(opt, "link");
	case OBJ_VNIC:
		if (!strcmp(opt, "offloads"))
			return c->verb == VERB_ADD || c->verb == VERB_SET;
		if (c->verb == VERB_ADD)
			return !strcmp(opt, "mac") || !strcmp(opt, "backend") || !strcmp(opt, "options");
		return c->verb == VERB_SET && (!strcmp(opt, "mac") || !strcmp(opt, "link"));
	case OBJ_VMK:
		if (!strcmp(opt, "offloads"))
			return c->verb == VERB_ADD || c->verb == VERB_SET;
		if (c->verb == VERB_ADD)
			return !strcmp(opt, "mac") || !strcmp(opt, "services") ||
			       !strcmp(opt, "backend") || !strcmp(opt, "options") ||
			       !strcmp(opt, "netstack") || !strcmp(opt, "ip") || !strcmp(opt, "mtu") ||
			       !strcmp(opt, "gateway");
		return c->verb == VERB_SET && (!strcmp(opt, "services") || !strcmp(opt, "ip") ||
					       !strcmp(opt, "mtu") || !strcmp(opt, "gateway"));
	default:
		return false;
	}
}

static int take_option(struct vswcmd *c, const char *opt, const char *val, char *err, size_t errlen)
{
	if (!strcmp(opt, "json")) {
		c->json = true;
	} else if (!strcmp(opt, "mtu")) {
		if (cmdval_uint(val, 100000, &c->mtu) || c->mtu < VSW_MTU_MIN || c->mtu > VSW_MTU_MAX)
			ERR("MTU '%s' out of range (%d-%d)", val, VSW_MTU_MIN, VSW_MTU_MAX);
		c->has_mtu = true;
	} else if (!strcmp(opt, "max-macs")) {
		if (cmdval_uint(val, VSWCMD_MAX_MACS, &c->max_macs) || !c->max_macs)
			ERR("MAC table size '%s' out of range (1-%u)", val, VSWCMD_MAX_MACS);
		c->has_max_macs = true;
	} else if (!strcmp(opt, "beacon-interval")) {
		if (cmdval_uint(val, 1000000, &c->beacon_interval) ||
		    c->beacon_interval < VSW_BEACON_INTERVAL_MIN || c->beacon_interval > VSW_BEACON_INTERVAL_MAX)
			ERR("beacon interval '%s' out of range (%d-%d ms)", val, VSW_BEACON_INTERVAL_MIN,
			    VSW_BEACON_INTERVAL_MAX);
		c->has_beacon_interval = true;
	} else if (!strcmp(opt, "lldp")) {
		c->lldp = cmdval_lldp_mode(val);
		if (c->lldp < 0)
			ERR("bad LLDP mode '%s' (none, listen, advertise or both)", val);
		c->has_lldp = true;
	} else if (!strcmp(opt, "lldp-interval")) {
		if (cmdval_uint(val, VSW_LLDP_INTERVAL_MAX, &c->lldp_interval) || !c->lldp_interval)
			ERR("LLDP interval '%s' out of range (1-%d seconds)", val, VSW_LLDP_INTERVAL_MAX);
		c->has_lldp_interval = true;
	} else if (!strcmp(opt, "vlan")) {
		if (cmdval_uint(val, 1000000, &c->vlan) || c->vlan > VSW_VLAN_TRUNK)
			ERR("VLAN ID '%s' out of range (0-4095)", val);
		c->has_vlan = true;
	} else if (!strcmp(opt, "mac")) {
		if (vswcmd_parse_mac(val, c->mac))
			ERR("bad MAC address '%s' (want a unicast xx:xx:xx:xx:xx:xx)", val);
		c->has_mac = true;
	} else if (!strcmp(opt, "services")) {
		if (cmdval_services(val, &c->services))
			ERR("bad service list '%s'", val);
		c->has_services = true;
	} else if (!strcmp(opt, "link")) {
		if (strcmp(val, "up") && strcmp(val, "down"))
			ERR("bad link state '%s' (up or down)", val);
		c->link = !strcmp(val, "up");
		c->has_link = true;
	} else if (!strcmp(opt, "backend")) {
		if (!strchr(val, ':') || *val == ':')
			ERR("bad backend spec '%s' (want TYPE:ARGUMENT)", val);
		c->backend = val;
	} else if (!strcmp(opt, "options")) {
		c->options = val;
	} else if (!strcmp(opt, "offloads")) {
		if (cmdval_offloads(val, &c->offloads))
			ERR("bad offload list '%s' (csum,tso4,tso6,tso_ecn,uso, all or none)", val);
		c->has_offloads = true;
	} else if (!strcmp(opt, "netstack")) {
		if (cmdval_stack_name(val))
			ERR("bad TCP/IP stack name '%s' (1-%d of A-Z a-z 0-9 . _ -)", val, VSW_NAME_MAX);
		c->netstack = val;
	} else if (!strcmp(opt, "ip")) {
		char shown[128]; /* cmdval_list() cuts val at its commas */
		snprintf(shown, sizeof(shown), "%s", val);
		int k = strcmp(val, "none") ? cmdval_list((char *)val, c->ips, VSWCMD_MAX_IPS) : 0;
		if (k < 0 || (k == 0 && strcmp(shown, "none")))
			ERR("bad address list '%s' (want ADDR/PREFIX,... or none)", shown);
		for (int i = 0; i < k; i++)
			if (!cmdval_cidr(c->ips[i]))
				ERR("bad address '%s' (want ADDR/PREFIX, IPv4 or IPv6)", c->ips[i]);
		c->nips = k;
		c->has_ips = true;
	} else if (!strcmp(opt, "gateway")) {
		char shown[128];
		snprintf(shown, sizeof(shown), "%s", val);
		int k = strcmp(val, "none") ? cmdval_list((char *)val, c->gateways, 2) : 0;
		int fam[2] = { 0, 0 };
		if (k < 0 || (k == 0 && strcmp(shown, "none")))
			ERR("bad gateway list '%s' (want IPV4, IPV6, both or none)", shown);
		for (int i = 0; i < k; i++)
			if (!(fam[i] = cmdval_addr_family(c->gateways[i])))
				ERR("bad gateway '%s' (want an IPv4 or IPv6 address)", c->gateways[i]);
		if (k == 2 && fam[0] == fam[1])
			ERR("two IPv%c gateways in '%s': one per family", fam[0] == AF_INET ? '4' : '6', shown);
		c->ngateways = k;
		c->has_gateways = true;
	}
	return 0;
}

static int check_name(const char *w, const char *what, char *err, size_t errlen)
{
	size_t n = strlen(w);

	if (!n)
		ERR("empty %s", what);
	if (n > VSW_NAME_MAX)
		ERR("%s '%s' too long (more than %d bytes)", what, w, VSW_NAME_MAX);
	return 0;
}

static int parse_policy_words(struct vswcmd *c, char **w, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		int key;

		if (c->verb == VERB_CLEAR) {
			key = cmdval_policy_key(w[i]);
			if (key < 0)
				ERR("unknown policy '%s'", w[i]);
			if (c->nclear == VSWCMD_MAX_KV)
				ERR("too many policies");
			c->clear_keys[c->nclear++] = key;
			continue;
		}
		if (!eq)
			ERR("expected KEY=VALUE, got '%s'", w[i]);
		*eq = 0;
		key = cmdval_policy_key(w[i]);
		if (key < 0)
			ERR("unknown policy '%s'", w[i]);
		if (key == KEY_ACTIVE || key == KEY_STANDBY) {
			const char **list = key == KEY_ACTIVE ? c->active : c->standby;
			int k = cmdval_list(eq + 1, list, VSWCMD_MAX_TEAM);
			if (k < 0)
				ERR("bad uplink list for '%s'", w[i]);
			/* an empty list is a list: no active uplink, as on ESXi */
			*(key == KEY_ACTIVE ? &c->nactive : &c->nstandby) = k;
			*(key == KEY_ACTIVE ? &c->has_active : &c->has_standby) = true;
			continue;
		}
		if (c->nkv == VSWCMD_MAX_KV)
			ERR("too many policies");
		if (cmdval_policy_value(key, eq + 1, &c->kv[c->nkv].value))
			ERR("bad value '%s' for %s", eq + 1, w[i]);
		c->kv[c->nkv].text = eq + 1;
		c->kv[c->nkv++].key = key;
	}
	if (c->verb == VERB_SET && !c->nkv && !c->has_active && !c->has_standby)
		ERR("policy set: nothing to set (KEY=VALUE)");
	if (c->verb == VERB_CLEAR && !c->nclear)
		ERR("policy clear: no policy named");
	return 0;
}

int vswcmd_parse_words(int n, char *const *words, struct vswcmd *c, char *err, size_t errlen)
{
	char *policy_words[VSWCMD_MAX_WORDS];
	int npol = 0, min, max, i = 0, o;

	if (n == 0)
		return 0;
	memset(c, 0, offsetof(struct vswcmd, buf));
	/* a leading --json applies to the read command that follows */
	if (!strcmp(words[0], "--json")) {
		c->json = true;
		i = 1;
		if (n == 1)
			ERR("missing command after '--json'");
	}
	for (o = 0; o < (int)(sizeof(objects) / sizeof(objects[0])); o++)
		if (!strcmp(words[i], objects[o].word))
			break;
	if (o == (int)(sizeof(objects) / sizeof(objects[0])))
		ERR("unknown command '%s'", words[i]);
	c->obj = objects[o].obj;
	i++;
	if (c->obj != OBJ_LIST && c->obj != OBJ_STATS && c->obj != OBJ_FDB && c->obj != OBJ_SAVE &&
	    c->obj != OBJ_SHOW_CONFIG) {
		int v;
		if (i == n)
			ERR("'%s' needs a verb", words[i - 1]);
		for (v = 0; v < (int)(sizeof(verbs) / sizeof(verbs[0])); v++)
			if (!strcmp(words[i], verbs[v].word))
				break;
		if (v == (int)(sizeof(verbs) / sizeof(verbs[0])))
			ERR("unknown verb '%s' for %s", words[i], objects[o].word);
		c->verb = verbs[v].verb;
		i++;
	}
	if (arity(c->obj, c->verb, &min, &max))
		ERR("'%s %s' is not a command", words[c->json], words[c->json + 1]);
	if (c->json && !option_ok(c, "json"))
		ERR("'--json' applies to read commands only");

	for (; i < n; i++) {
		const char *w = words[i];
		if (w[0] == '-' && w[1] == '-') {
			char opt[32];
			const char *val, *eq = strchr(w, '=');
			size_t ol = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
			if (ol >= sizeof(opt))
				ERR("unknown option '%s'", w);
			memcpy(opt, w + 2, ol);
			opt[ol] = 0;
			if (!option_ok(c, opt) && c->obj == OBJ_VSWITCH && c->verb == VERB_SET &&
			    !strcmp(opt, "max-macs"))
				ERR("'%s': a MAC table's size is set when the vswitch is added", w);
			if (!option_ok(c, opt))
				ERR("unknown option '%s' for %s", w, objects[o].word);
			if (eq) {
				val = eq + 1;
			} else if (!strcmp(opt, "json")) {
				val = "";
			} else {
				if (i + 1 == n)
					ERR("option '%s' needs a value", w);
				val = words[++i];
			}
			if (take_option(c, opt, val, err, errlen))
				return -1;
			continue;
		}
		/* policy set/clear: positional names, then KEY=VALUE or KEY words */
		if (c->obj == OBJ_POLICY && c->verb != VERB_GET &&
		    (strchr(w, '=') || (c->verb == VERB_CLEAR && c->npos == 2))) {
			policy_words[npol++] = words[i];
			continue;
		}
		if (c->npos == max)
			ERR("unexpected word '%s'", w);
		if (check_name(w, "name", err, errlen))
			return -1;
		c->pos[c->npos++] = w;
	}
	if (c->npos < min) {
		static const char *const what[] = { "switch name", "port group name", "port name" };
		int k = c->npos;
		/* vNICs and VMkernel ports name their port group when added */
		if ((c->obj == OBJ_VNIC || c->obj == OBJ_VMK) && c->verb != VERB_ADD && k == 1)
			k = 2;
		if ((c->obj == OBJ_PORTGROUP && k == 1) || (c->obj == OBJ_POLICY && k == 1))
			k = 1;
		if (c->obj == OBJ_NETSTACK)
			ERR("netstack %s: missing stack name", verbs[c->verb - 1].word);
		if (c->obj == OBJ_VDE && (k == 2 || c->verb == VERB_REMOVE))
			ERR("vde %s: missing directory", verbs[c->verb - 1].word);
		if (c->obj == OBJ_UPLINK && k == 1)
			k = 2;
		ERR("%s %s: missing %s", objects[o].word, verbs[c->verb - 1].word, what[k]);
	}
	if (c->obj == OBJ_POLICY && c->verb != VERB_GET &&
	    parse_policy_words(c, policy_words, npol, err, errlen))
		return -1;
	if (c->obj == OBJ_UPLINK && c->verb == VERB_ADD && !c->backend)
		ERR("uplink add: missing --backend SPEC");
	if (c->obj == OBJ_NETSTACK && (cmdval_stack_name(c->pos[0]) || !strcmp(c->pos[0], "default")))
		ERR("bad TCP/IP stack name '%s' (1-%d of A-Z a-z 0-9 . _ -, not default)", c->pos[0],
		    VSW_NAME_MAX);
	if (c->obj == OBJ_VMK && c->backend && (c->netstack || c->has_ips || c->has_mtu || c->has_gateways))
		ERR("vmk add: --backend or --netstack/--ip/--mtu/--gateway, not both (those are the vmk's own interface)");
	if (c->verb == VERB_SET) {
		bool any = c->has_mtu || c->has_vlan || c->has_mac || c->has_link || c->has_services ||
			   c->has_ips || c->has_gateways || c->has_beacon_interval || c->has_lldp || c->has_lldp_interval ||
			   c->has_offloads || c->obj == OBJ_POLICY;
		if (!any)
			ERR("%s set: nothing to set", objects[o].word);
	}
	c->changes = c->verb == VERB_ADD || c->verb == VERB_REMOVE || c->verb == VERB_SET ||
		     c->verb == VERB_CLEAR || c->obj == OBJ_SAVE;
	return 1;
}

int vswcmd_parse(const char *line, struct vswcmd *c, char *err, size_t errlen)
{
	int r;

	if (strlen(line) >= VSWCMD_MAX_LINE)
		ERR("line too long (more than %d bytes)", VSWCMD_MAX_LINE - 1);
	r = vswcmd_split(line, c, err, errlen);
	if (r < 0)
		return -1;
	return vswcmd_parse_words(c->nwords, c->words, c, err, errlen);
}
