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

static const char *const obj_words[] = {
	[OBJ_VSWITCH] = "vswitch", [OBJ_PORTGROUP] = "portgroup", [OBJ_UPLINK] = "uplink",
	[OBJ_VNIC] = "vnic", [OBJ_VMK] = "vmk", [OBJ_POLICY] = "policy", [OBJ_LIST] = "list",
	[OBJ_STATS] = "stats", [OBJ_FDB] = "fdb", [OBJ_VDE] = "vde", [OBJ_NETSTACK] = "netstack",
	[OBJ_SAVE] = "save", [OBJ_SHOW_CONFIG] = "show-config", [OBJ_MIRROR] = "mirror",
	[OBJ_CAPTURE] = "capture", [OBJ_VDS] = "vds",
};
#define NOBJ ((int)(sizeof(obj_words) / sizeof(obj_words[0])))

static const char *const verb_words[] = {
	[VERB_NONE] = NULL, [VERB_ADD] = "add", [VERB_REMOVE] = "remove", [VERB_SET] = "set",
	[VERB_GET] = "get", [VERB_CLEAR] = "clear", [VERB_NEIGHBORS] = "neighbors",
	[VERB_FLUSH] = "flush", [VERB_LIST] = "list", [VERB_CREATE] = "create", [VERB_HOSTS] = "hosts",
	[VERB_PORTS] = "ports", [VERB_VDS_PG_ADD] = "portgroup add", [VERB_VDS_PG_REMOVE] = "portgroup remove",
	[VERB_VDS_POLICY_SET] = "policy set",
};
#define NVERB ((int)(sizeof(verb_words) / sizeof(verb_words[0])))

/* The grammar: every command, its positional words and its options. */
const struct vswcmd_spec vswcmd_specs[] = {
	{ OBJ_VSWITCH, VERB_ADD, 1, 1, "NAME", "mtu max-macs beacon-interval lldp lldp-interval may-exist",
	  "create a standard vSwitch" },
	{ OBJ_VSWITCH, VERB_REMOVE, 1, 1, "SWITCH", "if-exists",
	  "destroy a vSwitch with its port groups and ports" },
	{ OBJ_VSWITCH, VERB_SET, 1, 1, "SWITCH", "mtu beacon-interval lldp lldp-interval",
	  "change a vSwitch's MTU, beacon interval or LLDP" },
	{ OBJ_PORTGROUP, VERB_ADD, 2, 2, "SWITCH NAME", "vlan may-exist", "add a port group" },
	{ OBJ_PORTGROUP, VERB_REMOVE, 2, 2, "SWITCH PORTGROUP", "if-exists",
	  "remove a port group without ports" },
	{ OBJ_PORTGROUP, VERB_SET, 2, 2, "SWITCH PORTGROUP", "vlan", "change a port group's VLAN" },
	{ OBJ_UPLINK, VERB_ADD, 2, 2, "SWITCH NAME", "backend options offloads may-exist",
	  "add an uplink (a physical NIC, vmnicN) on a backend" },
	{ OBJ_UPLINK, VERB_REMOVE, 2, 2, "SWITCH UPLINK", "if-exists", "remove an uplink" },
	{ OBJ_UPLINK, VERB_SET, 2, 2, "SWITCH UPLINK", "link offloads",
	  "set an uplink's administrative link state or offloads" },
	{ OBJ_UPLINK, VERB_NEIGHBORS, 0, 2, "[SWITCH [UPLINK]]", "json",
	  "show what the uplinks hear over LLDP" },
	{ OBJ_VNIC, VERB_ADD, 3, 3, "SWITCH PORTGROUP NAME", "mac backend options offloads may-exist",
	  "connect a virtual machine's NIC to a port group" },
	{ OBJ_VNIC, VERB_REMOVE, 2, 2, "SWITCH VNIC", "if-exists", "disconnect a vNIC" },
	{ OBJ_VNIC, VERB_SET, 2, 2, "SWITCH VNIC", "mac link offloads",
	  "change a vNIC's MAC, link state or offloads" },
	{ OBJ_VMK, VERB_ADD, 3, 3, "SWITCH PORTGROUP NAME",
	  "mac services netstack ip mtu gateway backend options offloads may-exist",
	  "add a VMkernel port (an interface of the host, or a backend)" },
	{ OBJ_VMK, VERB_REMOVE, 2, 2, "SWITCH VMK", "if-exists", "remove a VMkernel port" },
	{ OBJ_VMK, VERB_SET, 2, 2, "SWITCH VMK", "services ip mtu gateway offloads",
	  "change a VMkernel port's services, addresses, MTU, gateways or offloads" },
	{ OBJ_POLICY, VERB_GET, 1, 2, "SWITCH [PORTGROUP]", "json",
	  "show the policies of a vSwitch or a port group" },
	{ OBJ_POLICY, VERB_SET, 1, 2, "SWITCH [PORTGROUP] KEY=VALUE...", "",
	  "set policies (security, teaming, shaping, MAC learning)" },
	{ OBJ_POLICY, VERB_CLEAR, 2, 2, "SWITCH PORTGROUP KEY...", "",
	  "let a port group inherit policies from its vSwitch again" },
	{ OBJ_LIST, VERB_NONE, 0, 0, "", "json",
	  "list vSwitches, uplinks, port groups and ports (with each port's current uplink)" },
	{ OBJ_STATS, VERB_NONE, 0, 2, "[SWITCH [PORT]]", "json all",
	  "show the ports' counters (those not 0, or --all)" },
	{ OBJ_STATS, VERB_CLEAR, 1, 2, "SWITCH [PORT]", "", "set the counters of the ports (or a port) to 0" },
	{ OBJ_FDB, VERB_NONE, 0, 1, "[SWITCH]", "json", "show the MAC tables" },
	{ OBJ_FDB, VERB_FLUSH, 1, 1, "SWITCH", "", "forget every learned MAC address of a vSwitch" },
	{ OBJ_VDE, VERB_ADD, 3, 3, "SWITCH PORTGROUP DIR", "may-exist",
	  "serve VDE clients (vde_plug, QEMU -netdev vde) at DIR as vNICs" },
	{ OBJ_VDE, VERB_REMOVE, 2, 2, "SWITCH DIR", "if-exists", "stop serving DIR" },
	{ OBJ_NETSTACK, VERB_ADD, 1, 1, "NAME", "may-exist", "create a TCP/IP stack (a network namespace)" },
	{ OBJ_NETSTACK, VERB_REMOVE, 1, 1, "NAME", "if-exists", "remove a TCP/IP stack no vmk uses" },
	{ OBJ_MIRROR, VERB_ADD, 2, 2, "SWITCH NAME", "snaplen disabled may-exist",
	  "create a port mirroring session (then mirror set its sources and destination)" },
	{ OBJ_MIRROR, VERB_REMOVE, 2, 2, "SWITCH SESSION", "if-exists", "remove a mirroring session" },
	{ OBJ_MIRROR, VERB_SET, 2, 2, "SWITCH SESSION KEY=VALUE...", "",
	  "change a session's sources, destination (SPAN, RSPAN), snap length or state" },
	{ OBJ_MIRROR, VERB_LIST, 0, 1, "[SWITCH]", "json",
	  "show the mirroring sessions with their counters" },
	{ OBJ_CAPTURE, VERB_NONE, 1, VSWCMD_MAX_POS, "SWITCH [PORT...]", "direction count snaplen write",
	  "capture ports' frames as pcapng (every port: none named), as pktcap-uw" },
	{ OBJ_VDS, VERB_CREATE, 1, 1, "VDS", "mtu", "define a distributed switch in the cluster (vswd --cluster)" },
	{ OBJ_VDS, VERB_REMOVE, 1, 1, "VDS", "", "remove a distributed switch no host has vNICs on" },
	{ OBJ_VDS, VERB_VDS_PG_ADD, 2, 2, "VDS PORTGROUP", "vlan", "add a port group to a distributed switch" },
	{ OBJ_VDS, VERB_VDS_PG_REMOVE, 2, 2, "VDS PORTGROUP", "",
	  "remove a port group of a distributed switch" },
	{ OBJ_VDS, VERB_VDS_POLICY_SET, 1, 2, "VDS [PORTGROUP] KEY=VALUE...", "",
	  "set policies of a distributed switch or of its port group" },
	{ OBJ_VDS, VERB_LIST, 0, 1, "[VDS]", "json",
	  "show distributed switches' definitions and the revision this host applied" },
	{ OBJ_VDS, VERB_HOSTS, 1, 1, "VDS", "json", "show the hosts joined to a distributed switch, their VTEPs" },
	{ OBJ_VDS, VERB_PORTS, 1, 1, "VDS", "json", "show every host's vNICs on a distributed switch" },
	/* vswctl sends "save FILE" as show-config and writes FILE itself */
	{ OBJ_SAVE, VERB_NONE, 0, 0, "[FILE]", "",
	  "write the running configuration to the state file (or FILE)" },
	{ OBJ_SHOW_CONFIG, VERB_NONE, 0, 0, "", "", "print the running configuration as vswctl commands" },
};
const int vswcmd_nspecs = (int)(sizeof(vswcmd_specs) / sizeof(vswcmd_specs[0]));

const char *vswcmd_obj_word(enum vswcmd_obj o)
{
	return (int)o >= 0 && (int)o < NOBJ ? obj_words[o] : NULL;
}

const char *vswcmd_verb_word(enum vswcmd_verb v)
{
	return (int)v >= 0 && (int)v < NVERB ? verb_words[v] : NULL;
}

int vswcmd_obj_of(const char *w)
{
	for (int o = 0; o < NOBJ; o++)
		if (!strcmp(w, obj_words[o]))
			return o;
	return -1;
}

int vswcmd_verb_at(enum vswcmd_obj o, int n, char *const *words, int i, enum vswcmd_verb *verb)
{
	for (int v = 1; v < NVERB; v++) {
		const char *vw = verb_words[v], *sp = strchr(vw, ' ');
		if (!vswcmd_spec_of(o, (enum vswcmd_verb)v) || i >= n)
			continue;
		if (!sp && !strcmp(words[i], vw)) {
			*verb = (enum vswcmd_verb)v;
			return 1;
		}
		if (sp && i + 1 < n && strlen(words[i]) == (size_t)(sp - vw) &&
		    !strncmp(words[i], vw, (size_t)(sp - vw)) && !strcmp(words[i + 1], sp + 1)) {
			*verb = (enum vswcmd_verb)v;
			return 2;
		}
	}
	return 0;
}

const struct vswcmd_spec *vswcmd_spec_of(enum vswcmd_obj o, enum vswcmd_verb v)
{
	for (int i = 0; i < vswcmd_nspecs; i++)
		if (vswcmd_specs[i].obj == o && vswcmd_specs[i].verb == v)
			return &vswcmd_specs[i];
	return NULL;
}

/* The Levenshtein distance of a and b, up to 3 ("far"). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[34];

	if (la > 32 || lb > 32 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0], best;
		row[0] = (int)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j], v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > 2)
			return 3;
	}
	return row[lb] > 3 ? 3 : row[lb];
}

const char *vswcmd_suggest(const char *w, const char *const *cands, int n)
{
	const char *best = NULL;
	int bd = 3;

	for (int i = 0; i < n; i++) {
		int d = cands[i] ? distance(w, cands[i]) : 3;
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}

/* " (did you mean 'X'?)" for a word of 'cands', or "". */
static const char *mean(const char *w, const char *const *cands, int n, char *buf, size_t len)
{
	const char *s = vswcmd_suggest(w, cands, n);

	if (!s)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", s);
	return buf;
}

/* "a, b, c" into buf */
static const char *joined(const char *const *v, int n, const char *sep, char *buf, size_t len)
{
	size_t at = 0;

	*buf = 0;
	for (int i = 0; i < n && at < len; i++) {
		int k = snprintf(buf + at, len - at, "%s%s", i ? sep : "", v[i]);
		if (k < 0)
			break;
		at += (size_t)k;
	}
	return buf;
}

/* An error about a value of an enumeration ('what' for cmdval_values()):
 * "MSG (did you mean 'X'? valid: a, b, c)". */
static int bad_enum(char *err, size_t errlen, const char *msg, const char *val, const char *what)
{
	const char *v[48];
	char list[256];
	int n = cmdval_values(what, v, 48);
	const char *s = vswcmd_suggest(val, v, n);

	joined(v, n, ", ", list, sizeof(list));
	if (s)
		snprintf(err, errlen, "%s (did you mean '%s'? valid: %s)", msg, s, list);
	else
		snprintf(err, errlen, "%s (valid: %s)", msg, list);
	return -1;
}

/* A list of an enumeration's words ("csum,tso4"): the first bad item
 * named, with a suggestion. */
static int bad_list(char *err, size_t errlen, const char *msg, const char *val, const char *what)
{
	const char *v[48];
	char item[64], m[320];
	int n = cmdval_values(what, v, 48);

	for (const char *p = val;; p++) {
		size_t k = strcspn(p, ",");
		bool known = false;
		for (int i = 0; i < n; i++)
			known |= strlen(v[i]) == k && !strncmp(v[i], p, k);
		if (!known || !k) {
			snprintf(item, sizeof(item), "%.*s", (int)k, p);
			if (!k)
				snprintf(m, sizeof(m), "%s: an empty item", msg);
			else
				snprintf(m, sizeof(m), "%s: unknown '%s'", msg, item);
			return bad_enum(err, errlen, m, item, what);
		}
		p += k;
		if (!*p)
			break;
	}
	/* every item known: the combination is wrong ("all,csum") */
	snprintf(m, sizeof(m), "%s: all or none stand alone", msg);
	return bad_enum(err, errlen, m, "", what);
}

/* A number option: "bad WHAT 'x' (want a number LO-HI UNIT)" when it is
 * not one, "WHAT 'x' out of range (LO-HI UNIT)" when it is outside. */
static int number(const char *val, const char *what, unsigned int lo, unsigned int hi, const char *unit,
		  unsigned int *out, char *err, size_t errlen)
{
	int r = cmdval_uint(val, hi, out);

	if (r == CMDVAL_NAN)
		ERR("bad %s '%s' (want a number %u-%u%s)", what, val, lo, hi, unit);
	if (r || *out < lo)
		ERR("%s '%s' out of range (%u-%u%s)", what, val, lo, hi, unit);
	return 0;
}

/* Which --options a command accepts. */
static bool option_ok(const struct vswcmd_spec *sp, const char *opt)
{
	size_t n = strlen(opt);

	if (!n)
		return false;
	for (const char *p = sp->opts; (p = strstr(p, opt)); p += n)
		if ((p == sp->opts || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* The options of a command as "--a" words, for a suggestion. */
static int option_words(const struct vswcmd_spec *sp, char store[][24], const char **out, int max)
{
	int n = 0;

	for (const char *p = sp->opts; *p && n < max; n++) {
		size_t k = strcspn(p, " ");
		snprintf(store[n], 24, "--%.*s", (int)k, p);
		out[n] = store[n];
		p += k;
		p += strspn(p, " ");
	}
	return n;
}

static bool is_flag(const char *opt)
{
	return !strcmp(opt, "json") || !strcmp(opt, "may-exist") || !strcmp(opt, "if-exists") ||
	       !strcmp(opt, "all") || !strcmp(opt, "disabled");
}

/* A snap length: 0 (whole frames), or VSWCMD_SNAPLEN_MIN-VSWCMD_SNAPLEN_MAX. */
static int snaplen(const char *val, unsigned int *out, char *err, size_t errlen)
{
	if (number(val, "snap length", 0, VSWCMD_SNAPLEN_MAX, " bytes, 0 whole frames", out, err, errlen))
		return -1;
	if (*out && *out < VSWCMD_SNAPLEN_MIN)
		ERR("snap length '%s' too short (0 for whole frames, or %u-%u bytes)", val, VSWCMD_SNAPLEN_MIN,
		    VSWCMD_SNAPLEN_MAX);
	return 0;
}

static int take_option(struct vswcmd *c, const char *opt, const char *val, char *err, size_t errlen)
{
	char m[128];

	if (!strcmp(opt, "json")) {
		c->json = true;
	} else if (!strcmp(opt, "may-exist")) {
		c->may_exist = true;
	} else if (!strcmp(opt, "if-exists")) {
		c->if_exists = true;
	} else if (!strcmp(opt, "all")) {
		c->all = true;
	} else if (!strcmp(opt, "disabled")) {
		c->disabled = true;
	} else if (!strcmp(opt, "snaplen")) {
		if (snaplen(val, &c->snaplen, err, errlen))
			return -1;
		c->has_snaplen = true;
	} else if (!strcmp(opt, "direction")) {
		snprintf(m, sizeof(m), "bad direction '%s'", val);
		if (!(c->direction = cmdval_direction(val)))
			return bad_enum(err, errlen, m, val, "direction");
	} else if (!strcmp(opt, "count")) {
		unsigned int n;
		if (number(val, "frame count", 1, 4294967295u, "", &n, err, errlen))
			return -1;
		c->count = n;
		c->has_count = true;
	} else if (!strcmp(opt, "write")) {
		if (!*val)
			ERR("option '--write' needs a file name (or - for standard output)");
		c->write = val;
	} else if (!strcmp(opt, "mtu")) {
		if (number(val, "MTU", VSW_MTU_MIN, VSW_MTU_MAX, "", &c->mtu, err, errlen))
			return -1;
		c->has_mtu = true;
	} else if (!strcmp(opt, "max-macs")) {
		if (number(val, "MAC table size", 1, VSWCMD_MAX_MACS, "", &c->max_macs, err, errlen))
			return -1;
		c->has_max_macs = true;
	} else if (!strcmp(opt, "beacon-interval")) {
		if (number(val, "beacon interval", VSW_BEACON_INTERVAL_MIN, VSW_BEACON_INTERVAL_MAX, " ms",
			   &c->beacon_interval, err, errlen))
			return -1;
		c->has_beacon_interval = true;
	} else if (!strcmp(opt, "lldp")) {
		c->lldp = cmdval_lldp_mode(val);
		snprintf(m, sizeof(m), "bad LLDP mode '%s'", val);
		if (c->lldp < 0)
			return bad_enum(err, errlen, m, val, "lldp");
		c->has_lldp = true;
	} else if (!strcmp(opt, "lldp-interval")) {
		if (number(val, "LLDP interval", 1, VSW_LLDP_INTERVAL_MAX, " seconds", &c->lldp_interval, err,
			   errlen))
			return -1;
		c->has_lldp_interval = true;
	} else if (!strcmp(opt, "vlan")) {
		if (number(val, "VLAN ID", 0, VSW_VLAN_TRUNK, "", &c->vlan, err, errlen))
			return -1;
		c->has_vlan = true;
	} else if (!strcmp(opt, "mac")) {
		if (vswcmd_parse_mac(val, c->mac))
			ERR("bad MAC address '%s' (want a unicast xx:xx:xx:xx:xx:xx)", val);
		c->has_mac = true;
	} else if (!strcmp(opt, "services")) {
		snprintf(m, sizeof(m), "bad service list '%s'", val);
		if (cmdval_services(val, &c->services))
			return bad_list(err, errlen, m, val, "services");
		c->has_services = true;
	} else if (!strcmp(opt, "link")) {
		snprintf(m, sizeof(m), "bad link state '%s'", val);
		if (strcmp(val, "up") && strcmp(val, "down"))
			return bad_enum(err, errlen, m, val, "link");
		c->link = !strcmp(val, "up");
		c->has_link = true;
	} else if (!strcmp(opt, "backend")) {
		if (!strchr(val, ':') || *val == ':')
			ERR("bad backend spec '%s' (want TYPE:ARGUMENT, TYPE afpacket, raw, tap, qemu, vhostuser or memory)",
			    val);
		c->backend = val;
	} else if (!strcmp(opt, "options")) {
		c->options = val;
	} else if (!strcmp(opt, "offloads")) {
		snprintf(m, sizeof(m), "bad offload list '%s'", val);
		if (cmdval_offloads(val, &c->offloads))
			return bad_list(err, errlen, m, val, "offloads");
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
	/* "policy set SWITCH [PORTGROUP] KEY=VALUE...": a name with '=' would
	 * read back as a policy (show-config, the state file) */
	if (strchr(w, '='))
		ERR("%s '%s': '=' is not allowed in a name", what, w);
	return 0;
}

static int unknown_policy(const char *w, char *err, size_t errlen)
{
	const char *keys[48];
	char m[64];
	int n = cmdval_values("policy", keys, 48);

	ERR("unknown policy '%s'%s", w, mean(w, keys, n, m, sizeof(m)));
}

static int parse_policy_words(struct vswcmd *c, char **w, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');
		int key;

		if (c->verb == VERB_CLEAR) {
			key = cmdval_policy_key(w[i]);
			if (key < 0)
				return unknown_policy(w[i], err, errlen);
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
			return unknown_policy(w[i], err, errlen);
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
		int r = cmdval_policy_value(key, eq + 1, &c->kv[c->nkv].value);
		const char *vals[8];
		if (r && cmdval_values(w[i], vals, 8)) {
			char m[160];
			snprintf(m, sizeof(m), "bad value '%s' for %s", eq + 1, w[i]);
			return bad_enum(err, errlen, m, eq + 1, w[i]);
		}
		if (r == CMDVAL_RANGE)
			ERR("value '%s' for %s out of range (at most 2^64-1)", eq + 1, w[i]);
		if (r)
			ERR("bad value '%s' for %s (want a number, with an optional k, M, G, Ki, Mi or Gi)",
			    eq + 1, w[i]);
		c->kv[c->nkv].text = eq + 1;
		c->kv[c->nkv++].key = key;
	}
	if (c->verb != VERB_CLEAR && !c->nkv && !c->has_active && !c->has_standby)
		ERR("policy set: nothing to set (KEY=VALUE)");
	if (c->verb == VERB_CLEAR && !c->nclear)
		ERR("policy clear: no policy named");
	return 0;
}

/* "10,20-30" into the ranges of 's'. */
static int parse_vlans(char *list, struct vswcmd_msrc *s, char *err, size_t errlen)
{
	const char *item[VSWCMD_MAX_VRANGES];
	char shown[128];
	int k;

	snprintf(shown, sizeof(shown), "%s", list);
	k = cmdval_list(list, item, VSWCMD_MAX_VRANGES);
	if (k <= 0)
		ERR("bad VLAN list '%s' (want N or A-B, comma-separated, at most %d)", shown, VSWCMD_MAX_VRANGES);
	for (int i = 0; i < k; i++) {
		char lo[16], *dash = strchr(item[i], '-');
		unsigned int a, b;
		snprintf(lo, sizeof(lo), "%.*s", dash ? (int)(dash - item[i]) : (int)strlen(item[i]), item[i]);
		if (cmdval_uint(lo, VSW_VLAN_MAX, &a) || (dash && cmdval_uint(dash + 1, VSW_VLAN_MAX, &b)))
			ERR("bad VLAN '%s' in '%s' (want N or A-B, 0-%d)", item[i], shown, VSW_VLAN_MAX);
		if (!dash)
			b = a;
		if (b < a)
			ERR("bad VLAN range '%s' in '%s' (A-B with A <= B)", item[i], shown);
		s->lo[i] = (uint16_t)a;
		s->hi[i] = (uint16_t)b;
	}
	s->nranges = k;
	return 0;
}

/* source=PORT[:in|out|both][:vlans=LIST]; a name holds no '=', and a
 * direction word is taken from the end. */
static int parse_source(struct vswcmd *c, char *val, char *err, size_t errlen)
{
	struct vswcmd_msrc *s;
	char *v = strstr(val, ":vlans="), *colon;

	if (c->nmsrc == VSWCMD_MAX_MSRC)
		ERR("too many sources (at most %d in one command)", VSWCMD_MAX_MSRC);
	s = &c->msrc[c->nmsrc];
	memset(s, 0, sizeof(*s));
	s->dir = VSW_MIRROR_BOTH;
	if (v) {
		*v = 0;
		if (parse_vlans(v + 7, s, err, errlen))
			return -1;
	}
	colon = strrchr(val, ':');
	if (colon && cmdval_direction(colon + 1)) {
		s->dir = cmdval_direction(colon + 1);
		*colon = 0;
	}
	if (check_name(val, "source port name", err, errlen))
		return -1;
	s->port = val;
	c->nmsrc++;
	return 0;
}

static int unknown_mirror_key(const char *w, char *err, size_t errlen)
{
	const char *keys[16];
	char m[64];
	int n = cmdval_values("mirror", keys, 16);

	ERR("unknown mirror setting '%s'%s (valid: source=, no-source=, dest=, no-dest, snaplen=, enabled=)", w,
	    mean(w, keys, n, m, sizeof(m)));
}

/* mirror set SWITCH NAME KEY=VALUE...: see cmd.h */
static int parse_mirror_words(struct vswcmd *c, char **w, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '='), *val;
		if (!strcmp(w[i], "no-dest")) {
			c->has_mdest = true;
			c->mdest = NULL;
			c->mdest_vlan = 0;
			continue;
		}
		if (!eq) {
			const char *keys[16];
			int nk = cmdval_values("mirror", keys, 16);
			for (int k = 0; k < nk; k++)
				if (!strcmp(keys[k], w[i]))
					ERR("expected KEY=VALUE, got '%s' (did you mean '%s=VALUE'?)", w[i], w[i]);
			return unknown_mirror_key(w[i], err, errlen);
		}
		*eq = 0;
		val = eq + 1;
		if (!strcmp(w[i], "source")) {
			if (parse_source(c, val, err, errlen))
				return -1;
		} else if (!strcmp(w[i], "no-source")) {
			if (check_name(val, "source port name", err, errlen))
				return -1;
			if (c->nmnosrc == VSWCMD_MAX_MSRC)
				ERR("too many sources (at most %d in one command)", VSWCMD_MAX_MSRC);
			c->mnosrc[c->nmnosrc++] = val;
		} else if (!strcmp(w[i], "dest")) {
			char *v = strstr(val, ":vlan=");
			c->mdest_vlan = 0;
			if (v) {
				*v = 0;
				if (number(v + 6, "RSPAN VLAN", 1, VSW_VLAN_MAX, "", &c->mdest_vlan, err, errlen))
					return -1;
			}
			if (check_name(val, "destination port name", err, errlen))
				return -1;
			c->mdest = val;
			c->has_mdest = true;
		} else if (!strcmp(w[i], "snaplen")) {
			if (snaplen(val, &c->snaplen, err, errlen))
				return -1;
			c->has_snaplen = true;
		} else if (!strcmp(w[i], "enabled")) {
			char m[96];
			snprintf(m, sizeof(m), "bad value '%s' for enabled", val);
			if (strcmp(val, "yes") && strcmp(val, "no"))
				return bad_enum(err, errlen, m, val, "enabled");
			c->enabled = !strcmp(val, "yes");
			c->has_enabled = true;
		} else {
			return unknown_mirror_key(w[i], err, errlen);
		}
	}
	for (int i = 0; i < c->nmsrc; i++)
		for (int j = 0; j < c->nmnosrc; j++)
			if (!strcmp(c->msrc[i].port, c->mnosrc[j]))
				ERR("'%s' is both source= and no-source=", c->mnosrc[j]);
	if (!n)
		ERR("mirror set: nothing to set (KEY=VALUE)");
	return 0;
}

/* What the k-th positional word of a command is, for "missing ...". */
static const char *arg_what(const struct vswcmd_spec *sp, int k)
{
	static const struct {
		const char *arg, *what;
	} names[] = {
		{ "SWITCH", "switch name" }, { "PORTGROUP", "port group name" }, { "UPLINK", "port name" },
		{ "VNIC", "port name" }, { "VMK", "port name" }, { "PORT", "port name" },
		{ "DIR", "directory" }, { "SESSION", "session name" }, { "VDS", "distributed switch name" },
	};
	const char *p = sp->args;
	size_t len;

	for (int i = 0;; i++) {
		p += strspn(p, " [");
		len = strcspn(p, " ]");
		if (i == k || !*p)
			break;
		p += len;
		p += strspn(p, "]");
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].arg) == len && !strncmp(p, names[i].arg, len))
			return names[i].what;
	/* NAME: the object's own */
	switch (sp->obj) {
	case OBJ_VSWITCH: return "switch name";
	case OBJ_PORTGROUP: return "port group name";
	case OBJ_NETSTACK: return "stack name";
	case OBJ_MIRROR: return "session name";
	default: return "port name";
	}
}

/* The verbs of an object: "add, remove or set". */
static const char *verbs_of(enum vswcmd_obj o, const char **v, int *n, char *buf, size_t len)
{
	*n = 0;
	for (int i = 0; i < vswcmd_nspecs; i++)
		if (vswcmd_specs[i].obj == o && vswcmd_specs[i].verb != VERB_NONE)
			v[(*n)++] = verb_words[vswcmd_specs[i].verb];
	return joined(v, *n, ", ", buf, len);
}

/* "policy set S PG load_balancing explicit": a key without '=' */
static int policy_hint(const struct vswcmd *c, int n, char *const *words, int i, char *err, size_t errlen)
{
	const char *w = words[i], *key = NULL, *val = NULL;

	if ((c->obj != OBJ_POLICY || c->verb != VERB_SET) && c->verb != VERB_VDS_POLICY_SET)
		return 0;
	if (cmdval_policy_key(w) >= 0) {
		key = w;
		val = i + 1 < n ? words[i + 1] : "VALUE";
	} else if (c->npos > 1 && cmdval_policy_key(c->pos[c->npos - 1]) >= 0) {
		key = c->pos[c->npos - 1];
		val = w;
	}
	if (!key)
		return 0;
	ERR("expected KEY=VALUE, got '%s' (did you mean '%s=%s'?)", key, key, val);
}

int vswcmd_parse_words(int n, char *const *words, struct vswcmd *c, char *err, size_t errlen)
{
	char *policy_words[VSWCMD_MAX_WORDS];
	const struct vswcmd_spec *sp;
	const char *ow;
	char m[96], list[128];
	int npol = 0, i = 0, o;

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
	o = vswcmd_obj_of(words[i]);
	if (o < 0)
		ERR("unknown command '%s'%s", words[i], mean(words[i], obj_words, NOBJ, m, sizeof(m)));
	c->obj = (enum vswcmd_obj)o;
	ow = obj_words[o];
	i++;
	{
		const char *vw[NVERB];
		int nv, v;
		verbs_of(c->obj, vw, &nv, list, sizeof(list));
		enum vswcmd_verb vb;
		int took = vswcmd_verb_at(c->obj, n, words, i, &vb);
		if (took) {
			c->verb = vb;
			i += took;
		} else if (!vswcmd_spec_of(c->obj, VERB_NONE)) {
			if (i == n || words[i][0] == '-')
				ERR("'%s' needs a verb: %s", ow, list);
			for (v = 1; v < NVERB; v++)
				if (!strcmp(words[i], verb_words[v]))
					ERR("'%s %s' is not a command (%s verbs: %s)", ow, words[i], ow, list);
			if (vswcmd_suggest(words[i], vw, nv))
				ERR("unknown verb '%s' for %s (did you mean '%s'? verbs: %s)", words[i], ow,
				    vswcmd_suggest(words[i], vw, nv), list);
			ERR("unknown verb '%s' for %s (verbs: %s)", words[i], ow, list);
		}
	}
	sp = vswcmd_spec_of(c->obj, c->verb);
	if (c->json && !option_ok(sp, "json"))
		ERR("'--json' applies to read commands only");

	for (; i < n; i++) {
		const char *w = words[i];
		if (w[0] == '-' && w[1] == '-') {
			char opt[32], store[16][24];
			const char *val, *eq = strchr(w, '='), *ows[16];
			size_t ol = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
			int no;
			if (ol >= sizeof(opt))
				ERR("unknown option '%s'", w);
			memcpy(opt, w + 2, ol);
			opt[ol] = 0;
			if (!option_ok(sp, opt) && c->obj == OBJ_VSWITCH && c->verb == VERB_SET &&
			    !strcmp(opt, "max-macs"))
				ERR("'%s': a MAC table's size is set when the vswitch is added", w);
			if (!option_ok(sp, opt)) {
				char cmd[32], wo[40];
				snprintf(cmd, sizeof(cmd), "%s%s%s", ow, c->verb ? " " : "", c->verb ? verb_words[c->verb] : "");
				snprintf(wo, sizeof(wo), "--%s", opt);
				no = option_words(sp, store, ows, 16);
				ERR("unknown option '%s' for %s%s", w, cmd, mean(wo, ows, no, m, sizeof(m)));
			}
			if (eq) {
				val = eq + 1;
				if (is_flag(opt))
					ERR("option '--%s' takes no value", opt);
			} else if (is_flag(opt)) {
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
		/* mirror set: the two names, then KEY=VALUE words (and no-dest) */
		if (c->obj == OBJ_MIRROR && c->verb == VERB_SET && (strchr(w, '=') || c->npos == 2)) {
			policy_words[npol++] = words[i];
			continue;
		}
		/* policy set/clear: positional names, then KEY=VALUE or KEY words */
		if (((c->obj == OBJ_POLICY && c->verb != VERB_GET) || c->verb == VERB_VDS_POLICY_SET) &&
		    (strchr(w, '=') || (c->verb == VERB_CLEAR && c->npos == 2))) {
			policy_words[npol++] = words[i];
			continue;
		}
		if (c->npos == sp->max) {
			if (policy_hint(c, n, words, i, err, errlen))
				return -1;
			ERR("unexpected word '%s'", w);
		}
		if (check_name(w, "name", err, errlen))
			return -1;
		c->pos[c->npos++] = w;
	}
	if (c->npos < sp->min) {
		if (c->verb)
			ERR("%s %s: missing %s", ow, verb_words[c->verb], arg_what(sp, c->npos));
		ERR("%s: missing %s", ow, arg_what(sp, c->npos));
	}
	if (((c->obj == OBJ_POLICY && c->verb == VERB_SET) || c->verb == VERB_VDS_POLICY_SET) && !npol &&
	    c->npos == 2 &&
	    cmdval_policy_key(c->pos[1]) >= 0)
		ERR("expected KEY=VALUE, got '%s' (did you mean '%s=VALUE'?)", c->pos[1], c->pos[1]);
	if (((c->obj == OBJ_POLICY && c->verb != VERB_GET) || c->verb == VERB_VDS_POLICY_SET) &&
	    parse_policy_words(c, policy_words, npol, err, errlen))
		return -1;
	if (c->obj == OBJ_MIRROR && c->verb == VERB_SET && parse_mirror_words(c, policy_words, npol, err, errlen))
		return -1;
	if (c->obj == OBJ_UPLINK && c->verb == VERB_ADD && !c->backend)
		ERR("uplink add: missing --backend SPEC");
	if (c->obj == OBJ_NETSTACK && (cmdval_stack_name(c->pos[0]) || !strcmp(c->pos[0], "default")))
		ERR("bad TCP/IP stack name '%s' (1-%d of A-Z a-z 0-9 . _ -, not default)", c->pos[0],
		    VSW_NAME_MAX);
	if (c->obj == OBJ_VMK && c->backend && (c->netstack || c->has_ips || c->has_mtu || c->has_gateways))
		ERR("vmk add: --backend or --netstack/--ip/--mtu/--gateway, not both (those are the vmk's own interface)");
	if (c->options && !c->backend)
		ERR("%s %s: --options without --backend", ow, verb_words[c->verb]);
	if (c->verb == VERB_SET) {
		bool any = c->has_mtu || c->has_vlan || c->has_mac || c->has_link || c->has_services ||
			   c->has_ips || c->has_gateways || c->has_beacon_interval || c->has_lldp || c->has_lldp_interval ||
			   c->has_offloads || c->obj == OBJ_POLICY || c->obj == OBJ_MIRROR;
		if (!any)
			ERR("%s set: nothing to set", ow);
	}
	c->changes = c->verb == VERB_ADD || c->verb == VERB_REMOVE || c->verb == VERB_SET ||
		     c->verb == VERB_CLEAR || c->verb == VERB_FLUSH || c->obj == OBJ_SAVE ||
		     c->verb == VERB_CREATE || c->verb == VERB_VDS_PG_ADD || c->verb == VERB_VDS_PG_REMOVE ||
		     c->verb == VERB_VDS_POLICY_SET;
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
