// SPDX-License-Identifier: MIT
/*
 * cmdhelp.c - vswctl's help and its completion (see cmd.h), both read off
 * the grammar's table (cmd.c) and the values' enumerations (cmdval.c), so
 * that what help lists is what the parser takes.
 */
#include "cmd.h"
#include "cmdval.h"

#include <string.h>

#include <vsw.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Each option: the name of its value ("" for a flag), what it does, and
 * the enumeration of its values (cmdval_values()), if it has one. */
static const struct {
	const char *name, *metavar, *text, *values;
} options[] = {
	{ "mtu", "N", "the MTU in bytes, " STR(VSW_MTU_MIN) "-" STR(VSW_MTU_MAX), NULL },
	{ "max-macs", "N", "the MAC table's capacity, 1-16777216 (default 4096); fixed at creation", NULL },
	{ "beacon-interval", "MS", "beacon probing interval, " STR(VSW_BEACON_INTERVAL_MIN) "-"
	  STR(VSW_BEACON_INTERVAL_MAX) " ms", NULL },
	{ "lldp", "MODE", "LLDP on the uplinks", "lldp" },
	{ "lldp-interval", "SEC", "LLDP advertisement interval, 1-" STR(VSW_LLDP_INTERVAL_MAX) " s", NULL },
	{ "vlan", "N", "VLAN ID: 0 untagged, 1-4094, 4095 trunk (every VLAN, tags kept)", NULL },
	{ "mac", "MAC", "a unicast MAC xx:xx:xx:xx:xx:xx (default: the backend's, or 00:50:56 and a hash)",
	  NULL },
	{ "services", "LIST", "the VMkernel services, comma-separated, or none", "services" },
	{ "link", "STATE", "the administrative link state", "link" },
	{ "backend", "SPEC", "TYPE:ARGUMENT, e.g. afpacket:eth1, tap:vm1, vhostuser:/run/vm1.sock", "backend" },
	{ "options", "OPTS", "the backend's KEY=VALUE,... (see below)", NULL },
	{ "offloads", "LIST", "what the port's receiver takes: comma-separated, all or none", "offloads" },
	{ "netstack", "NAME", "the TCP/IP stack of the vmk's interface (default: the host's)", NULL },
	{ "ip", "LIST", "ADDR/PREFIX,... (IPv4, IPv6) or none", NULL },
	{ "gateway", "LIST", "the default gateways: IPV4, IPV6, both (comma-separated) or none", NULL },
	{ "json", "", "JSON output: numbers as numbers, names as UTF-8 strings", NULL },
	{ "may-exist", "", "an object of that kind and name is no error; it is left as it is", NULL },
	{ "if-exists", "", "a missing object is no error", NULL },
	{ "all", "", "every counter, also those at 0", NULL },
	{ "snaplen", "N", "bytes copied of each frame: 0 (whole frames) or " STR(VSWCMD_SNAPLEN_MIN) "-"
	  STR(VSWCMD_SNAPLEN_MAX), NULL },
	{ "disabled", "", "created disabled: it copies nothing until enabled=yes", NULL },
	{ "direction", "DIR", "in: what the ports send, out: what they receive (default both)", "direction" },
	{ "count", "N", "stop after N frames", NULL },
	{ "write", "FILE", "write the pcapng stream to FILE, - for standard output (the default; also -w)",
	  NULL },
};
#define NOPTS (int)(sizeof(options) / sizeof(options[0]))

static const char *const objects_help[][2] = {
	{ "vswitch", "standard vSwitches" },
	{ "portgroup", "port groups (with their VLAN)" },
	{ "uplink", "uplinks: the switch's physical NICs" },
	{ "vnic", "virtual machines' NICs" },
	{ "vmk", "VMkernel ports: the host's own interfaces" },
	{ "policy", "security, teaming, traffic shaping, MAC learning" },
	{ "list", "everything, as esxcfg-vswitch -l" },
	{ "stats", "port counters" },
	{ "fdb", "MAC address tables" },
	{ "vde", "VDE switch directories" },
	{ "netstack", "TCP/IP stacks (network namespaces)" },
	{ "mirror", "port mirroring sessions (SPAN, RSPAN)" },
	{ "capture", "live capture to pcapng (pktcap-uw)" },
	{ "vds", "distributed switches (vswd --cluster)" },
};

static int option_index(const char *name, size_t len)
{
	for (int i = 0; i < NOPTS; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return i;
	return -1;
}

/* The words of an option list: calls fn for each option index. */
#define FOR_OPTS(sp, i) \
	for (const char *p_ = (sp)->opts, *e_; *p_ && (e_ = p_ + strcspn(p_, " "), \
	     i = option_index(p_, (size_t)(e_ - p_)), 1); p_ = e_ + strspn(e_, " ")) \
		if (i >= 0)

static void synopsis(FILE *f, const struct vswcmd_spec *sp)
{
	int i, col;

	col = fprintf(f, "  vswctl %s%s%s%s%s", vswcmd_obj_word(sp->obj), sp->verb ? " " : "",
		      sp->verb ? vswcmd_verb_word(sp->verb) : "", *sp->args ? " " : "", sp->args);
	FOR_OPTS(sp, i) {
		char o[64];
		int k = snprintf(o, sizeof(o), " [--%s%s%s]", options[i].name, *options[i].metavar ? " " : "",
				 options[i].metavar);
		/* --backend is required by uplink add */
		if (sp->obj == OBJ_UPLINK && sp->verb == VERB_ADD && !strcmp(options[i].name, "backend"))
			k = snprintf(o, sizeof(o), " --backend SPEC");
		if (col + k > 78) {
			fprintf(f, "\n     ");
			col = 5;
		}
		col += fprintf(f, "%s", o);
	}
	fprintf(f, "\n      %s\n", sp->summary);
}

static void values(FILE *f, const char *what, const char *indent)
{
	const char *v[48];
	int n = cmdval_values(what, v, 48), col = fprintf(f, "%s", indent);

	for (int i = 0; i < n; i++) {
		if (col + (int)strlen(v[i]) > 76) {
			col = fprintf(f, "\n%s", indent) - 1;
		}
		col += fprintf(f, "%s%s", v[i], i + 1 < n ? ", " : "");
	}
	fprintf(f, "\n");
}

/* The options the commands of 'obj' (of 'verb' only, unless VERB_NONE
 * and 'any') take, each once, with their values. */
static void option_lines(FILE *f, enum vswcmd_obj obj, enum vswcmd_verb verb, bool any)
{
	bool shown[NOPTS] = { false }, backend = false, header = false;
	int i;

	for (int s = 0; s < vswcmd_nspecs; s++) {
		const struct vswcmd_spec *sp = &vswcmd_specs[s];
		if (sp->obj != obj || (!any && sp->verb != verb))
			continue;
		FOR_OPTS(sp, i) {
			char head[40];
			if (shown[i])
				continue;
			if (!header)
				fprintf(f, "\nOptions:\n");
			header = true;
			shown[i] = true;
			snprintf(head, sizeof(head), "--%s%s%s", options[i].name, *options[i].metavar ? " " : "",
				 options[i].metavar);
			fprintf(f, "  %-22s %s\n", head, options[i].text);
			if (options[i].values) {
				fprintf(f, "  %-22s valid: ", "");
				values(f, options[i].values, "");
			}
			backend |= !strcmp(options[i].name, "options");
		}
	}
	if (backend) {
		const char *types[8];
		int n = cmdval_values("backend", types, 8);
		fprintf(f, "\nBackend options (--options KEY=VALUE,...):\n");
		for (int t = 0; t < n; t++)
			fprintf(f, "  %-10s %s\n", types[t],
				*cmdval_backend_options(types[t]) ? cmdval_backend_options(types[t]) : "(none)");
	}
}

static void policy_keys(FILE *f)
{
	const char *keys[48];
	int n = cmdval_values("policy", keys, 48);

	fprintf(f, "\nPolicy keys (KEY=VALUE) and their values:\n");
	for (int k = 0; k < n; k++) {
		const char *v[8];
		int nv = cmdval_values(keys[k], v, 8);
		fprintf(f, "  %-20s ", keys[k]);
		if (nv)
			values(f, keys[k], "");
		else if (!strcmp(keys[k], "active") || !strcmp(keys[k], "standby"))
			fprintf(f, "UPLINK,... (the teaming order; empty: none)\n");
		else
			fprintf(f, "a number (k, M, G = x1000; Ki, Mi, Gi = x1024)\n");
	}
}

static void mirror_keys(FILE *f)
{
	fprintf(f, "\nmirror set KEY=VALUE (any number, applied in this order):\n"
		   "  source=PORT[:DIR][:vlans=LIST]  mirror PORT (again: replace it), DIR in, out or both\n"
		   "                                  (default both), LIST N or A-B,... (default every VLAN)\n"
		   "  no-source=PORT                  stop mirroring PORT\n"
		   "  dest=PORT                       SPAN: copies go to PORT, which then gets nothing else\n"
		   "  dest=UPLINK:vlan=N              RSPAN: copies leave UPLINK tagged with VLAN N\n"
		   "  no-dest                         no destination\n"
		   "  snaplen=N                       bytes copied of each frame, 0 whole frames\n"
		   "  enabled=yes|no                  a disabled session copies nothing\n");
}

static void overview(FILE *f)
{
	fprintf(f, "usage: vswctl [-s SOCKET] [-t SECONDS] [--json] OBJECT VERB [ARGUMENTS] [OPTIONS]\n"
		   "       vswctl help [OBJECT [VERB]] | vswctl OBJECT [VERB] --help | vswctl --version\n"
		   "\nObjects and their verbs:\n");
	for (size_t o = 0; o < sizeof(objects_help) / sizeof(objects_help[0]); o++) {
		char verbs[80] = "";
		int obj = vswcmd_obj_of(objects_help[o][0]);
		for (int s = 0; s < vswcmd_nspecs; s++) {
			const struct vswcmd_spec *sp = &vswcmd_specs[s];
			const char *vw = sp->verb ? vswcmd_verb_word(sp->verb) : "(no verb)";
			size_t len = strcspn(vw, " "); /* "portgroup add": portgroup */
			char w[40];
			if ((int)sp->obj != obj)
				continue;
			snprintf(w, sizeof(w), "%.*s", (int)len, vw);
			if (len < strlen(vw) && strstr(verbs, w))
				continue; /* once */
			snprintf(verbs + strlen(verbs), sizeof(verbs) - strlen(verbs), "%s%s", *verbs ? ", " : "", w);
		}
		fprintf(f, "  %-10s %-32s %s\n", objects_help[o][0], verbs, objects_help[o][1]);
	}
	fprintf(f, "  %-43s %s\n", "save [FILE]",
		"write the running configuration to the state file (or FILE)");
	fprintf(f, "  %-43s %s\n", "show-config", "print the running configuration as vswctl commands");
	fprintf(f, "\nGlobal options:\n"
		   "  -s, --socket PATH    vswd's control socket (default /run/vsw/vswd.sock, or $VSWD_SOCKET)\n"
		   "  -t, --timeout SEC    how long to wait for vswd, 1-3600 (default 30)\n"
		   "  --json               JSON output of a read command\n"
		   "  -V, --version        print the version of vswctl and of libvsw\n"
		   "  -h, --help           this help\n"
		   "\nEvery add takes --may-exist, every remove --if-exists (as ovs-vsctl's).\n"
		   "vswctl help OBJECT lists an object's commands, options and values; see vswctl(1).\n");
}

int vswcmd_help(FILE *f, int n, char *const *words, char *err, size_t errlen)
{
	const char *vw[16];
	char m[64];
	int obj, nv = 0, verb = -1;

	if (n == 0) {
		overview(f);
		return 0;
	}
	obj = vswcmd_obj_of(words[0]);
	if (obj < 0) {
		const char *ow[16];
		int no = 0;
		for (int o = 0; vswcmd_obj_word((enum vswcmd_obj)o); o++)
			ow[no++] = vswcmd_obj_word((enum vswcmd_obj)o);
		const char *s = vswcmd_suggest(words[0], ow, no);
		if (s)
			snprintf(m, sizeof(m), " (did you mean '%s'?)", s);
		snprintf(err, errlen, "no help on '%s'%s: vswctl help lists the objects", words[0], s ? m : "");
		return -1;
	}
	for (int s = 0; s < vswcmd_nspecs; s++)
		if ((int)vswcmd_specs[s].obj == obj && vswcmd_specs[s].verb)
			vw[nv++] = vswcmd_verb_word(vswcmd_specs[s].verb);
	if (n > 1) {
		enum vswcmd_verb vb;
		if (vswcmd_verb_at((enum vswcmd_obj)obj, n, words, 1, &vb))
			verb = (int)vb;
		if (verb < 0) {
			const char *s = vswcmd_suggest(words[1], vw, nv);
			if (s)
				snprintf(m, sizeof(m), " (did you mean '%s'?)", s);
			snprintf(err, errlen, "unknown verb '%s' for %s%s", words[1], words[0], s ? m : "");
			return -1;
		}
	}
	fprintf(f, "%s:\n", words[0]);
	for (int s = 0; s < vswcmd_nspecs; s++)
		if ((int)vswcmd_specs[s].obj == obj && (verb < 0 || (int)vswcmd_specs[s].verb == verb))
			synopsis(f, &vswcmd_specs[s]);
	option_lines(f, (enum vswcmd_obj)obj, verb < 0 ? VERB_NONE : (enum vswcmd_verb)verb, verb < 0);
	if ((obj == OBJ_POLICY && verb != VERB_GET) || (obj == OBJ_VDS && (verb < 0 || verb == VERB_VDS_POLICY_SET)))
		policy_keys(f);
	if (obj == OBJ_MIRROR && (verb < 0 || verb == VERB_SET))
		mirror_keys(f);
	return 0;
}

/* ---- completion ---- */

static void cand(FILE *f, const char *cur, const char *pre, const char *w, const char *post)
{
	char full[160];

	snprintf(full, sizeof(full), "%s%s%s", pre, w, post);
	if (!strncmp(full, cur, strlen(cur)))
		fprintf(f, "%s\n", full);
}

/* Values of an enumeration; for a list, after the last comma of 'cur'. */
static void enum_cands(FILE *f, const char *cur, const char *what, bool list, const char *post)
{
	const char *v[48];
	char pre[128] = "";
	const char *comma = list ? strrchr(cur, ',') : NULL;
	int n = cmdval_values(what, v, 48);

	if (comma)
		snprintf(pre, sizeof(pre), "%.*s", (int)(comma - cur + 1), cur);
	for (int i = 0; i < n; i++)
		if (!comma || (strcmp(v[i], "all") && strcmp(v[i], "none")))
			cand(f, cur, pre, v[i], post);
}

/* The k-th positional word of 'sp' ("SWITCH", "KEY=VALUE..."), or "". */
static void arg_name(const struct vswcmd_spec *sp, int k, char *out, size_t len)
{
	const char *p = sp->args;
	size_t l = 0;

	*out = 0;
	for (int i = 0; *p; i++) {
		p += strspn(p, " [");
		l = strcspn(p, " ]");
		if (i == k || (l > 3 && !strncmp(p + l - 3, "...", 3))) {
			snprintf(out, len, "%.*s", (int)l, p);
			return;
		}
		p += l;
		p += strspn(p, "]");
	}
}

/* mirror set's KEY=VALUE words: the keys, and the values of enabled= and
 * a source's direction */
static void mirror_cands(FILE *f, const char *cur)
{
	const char *eq = strchr(cur, '='), *v[16];
	int n;

	if (!eq) {
		n = cmdval_values("mirror", v, 16);
		for (int i = 0; i < n; i++)
			cand(f, cur, "", v[i], strcmp(v[i], "no-dest") ? "=" : "");
		return;
	}
	if (!strncmp(cur, "enabled=", 8)) {
		n = cmdval_values("enabled", v, 16);
		for (int i = 0; i < n; i++)
			cand(f, cur, "enabled=", v[i], "");
	} else if (!strncmp(cur, "source=", 7) && strchr(eq, ':')) {
		char pre[160];
		const char *colon = strrchr(cur, ':');
		snprintf(pre, sizeof(pre), "%.*s", (int)(colon - cur + 1), cur);
		n = cmdval_values("direction", v, 16);
		for (int i = 0; i < n; i++)
			cand(f, cur, pre, v[i], "");
	}
}

/* The verbs of 'obj': their first words, each once; after 'first', the
 * second words of the verbs it begins (whether it begins one). */
static bool verb_cands(FILE *f, const char *cur, int obj, const char *first)
{
	bool began = false;

	for (int s = 0; s < vswcmd_nspecs; s++) {
		const char *vw = vswcmd_verb_word(vswcmd_specs[s].verb), *sp;
		bool seen = false;
		if ((int)vswcmd_specs[s].obj != obj || !vswcmd_specs[s].verb)
			continue;
		sp = strchr(vw, ' ');
		if (first) {
			if (sp && strlen(first) == (size_t)(sp - vw) && !strncmp(first, vw, (size_t)(sp - vw))) {
				cand(f, cur, "", sp + 1, "");
				began = true;
			}
			continue;
		}
		for (int t = 0; t < s && sp; t++)
			seen |= (int)vswcmd_specs[t].obj == obj && vswcmd_specs[t].verb &&
				!strncmp(vswcmd_verb_word(vswcmd_specs[t].verb), vw, (size_t)(sp - vw + 1));
		if (!seen) {
			char w[32];
			snprintf(w, sizeof(w), "%.*s", sp ? (int)(sp - vw) : (int)strlen(vw), vw);
			cand(f, cur, "", w, "");
		}
	}
	return began;
}

void vswcmd_complete(FILE *f, int n, char *const *words)
{
	const char *cur = n ? words[n - 1] : "", *sw = NULL;
	const struct vswcmd_spec *sp;
	int i = 0, obj, verb = VERB_NONE, npos = 0, k;
	char arg[32];

	/* global options and their values */
	while (i < n - 1 && words[i][0] == '-') {
		if (!strcmp(words[i], "-s") || !strcmp(words[i], "--socket") || !strcmp(words[i], "-t") ||
		    !strcmp(words[i], "--timeout"))
			i++;
		i++;
	}
	if (i >= n - 1 && i > 0 && n >= 2 && (!strcmp(words[n - 2], "-s") || !strcmp(words[n - 2], "--socket") ||
					       !strcmp(words[n - 2], "-t") || !strcmp(words[n - 2], "--timeout")))
		return;
	if (i == n - 1) {
		if (*cur == '-') {
			static const char *const g[] = { "--socket", "--timeout", "--json", "--version", "--help" };
			for (size_t j = 0; j < sizeof(g) / sizeof(g[0]); j++)
				cand(f, cur, "", g[j], "");
			return;
		}
		for (int o = 0; vswcmd_obj_word((enum vswcmd_obj)o); o++)
			cand(f, cur, "", vswcmd_obj_word((enum vswcmd_obj)o), "");
		cand(f, cur, "", "help", "");
		return;
	}
	if (!strcmp(words[i], "help")) {
		if (i + 2 == n) {
			for (int o = 0; vswcmd_obj_word((enum vswcmd_obj)o); o++)
				cand(f, cur, "", vswcmd_obj_word((enum vswcmd_obj)o), "");
			return;
		}
		if (i + 3 != n || (obj = vswcmd_obj_of(words[i + 1])) < 0)
			return;
		verb_cands(f, cur, obj, NULL);
		return;
	}
	if ((obj = vswcmd_obj_of(words[i])) < 0)
		return;
	i++;
	if (i == n - 1) {
		verb_cands(f, cur, obj, NULL);
		if (!vswcmd_spec_of((enum vswcmd_obj)obj, VERB_NONE))
			return;
		/* list, stats, fdb: the object alone takes words too */
	} else {
		enum vswcmd_verb vb;
		int took = vswcmd_verb_at((enum vswcmd_obj)obj, n - 1, words, i, &vb);
		/* the second word of a verb: vds portgroup add */
		if (!took && i + 2 == n && verb_cands(f, cur, obj, words[i]))
			return;
		if (took) {
			verb = (int)vb;
			i += took;
		}
	}
	sp = vswcmd_spec_of((enum vswcmd_obj)obj, (enum vswcmd_verb)verb);
	if (!sp)
		return;
	/* the words so far: options (with their values) and positional ones */
	for (; i < n - 1; i++) {
		if (words[i][0] == '-' && words[i][1] == '-') {
			const char *o = words[i] + 2;
			k = option_index(o, strcspn(o, "="));
			if (k >= 0 && *options[k].metavar && !strchr(o, '=')) {
				if (i + 1 == n - 1) {
					/* the value of this option */
					if (options[k].values)
						enum_cands(f, cur, options[k].values,
							   !strcmp(options[k].metavar, "LIST"),
							   !strcmp(options[k].name, "backend") ? ":" : "");
					return;
				}
				i++;
			}
			continue;
		}
		if (!npos)
			sw = words[i];
		npos++;
	}
	if (*cur == '-') {
		FOR_OPTS(sp, k)
			cand(f, cur, "--", options[k].name, "");
		return;
	}
	arg_name(sp, npos, arg, sizeof(arg));
	if (((obj == OBJ_POLICY && verb == VERB_SET) || verb == VERB_VDS_POLICY_SET) && npos >= 1 &&
	    strchr(cur, '='))
		snprintf(arg, sizeof(arg), "KEY=VALUE...");
	if (!strcmp(arg, "PORT..."))
		arg[4] = 0; /* capture: any number of ports */
	if (!strcmp(arg, "SESSION") && sw) {
		fprintf(f, "@mirror %s\n", sw);
		return;
	}
	if (obj == OBJ_MIRROR && !strcmp(arg, "KEY=VALUE...")) {
		mirror_cands(f, cur);
		return;
	}
	if (!strcmp(arg, "SWITCH") || !strcmp(arg, "VDS")) {
		fprintf(f, "@switch\n");
	} else if (!strcmp(arg, "PORTGROUP") && sw) {
		fprintf(f, "@portgroup %s\n", sw);
		if ((obj == OBJ_POLICY && verb == VERB_SET) || verb == VERB_VDS_POLICY_SET)
			/* or a key: the port group is optional */
			enum_cands(f, cur, "policy", false, "=");
	} else if ((!strcmp(arg, "UPLINK") || !strcmp(arg, "VNIC") || !strcmp(arg, "VMK") ||
		    !strcmp(arg, "PORT")) && sw) {
		char kind[8];
		snprintf(kind, sizeof(kind), "%s", arg);
		for (char *q = kind; *q; q++)
			*q = (char)(*q - 'A' + 'a');
		fprintf(f, "@%s %s\n", kind, sw); /* @uplink, @vnic, @vmk or @port (any) */
	} else if (!strcmp(arg, "KEY=VALUE...") || !strcmp(arg, "KEY...")) {
		const char *eq = strchr(cur, '=');
		if (eq && arg[3] == '=') {
			char key[40];
			snprintf(key, sizeof(key), "%.*s=", (int)(eq - cur), cur);
			key[eq - cur] = 0;
			const char *v[8];
			int nv = cmdval_values(key, v, 8);
			snprintf(key + strlen(key), sizeof(key) - strlen(key), "=");
			for (int j = 0; j < nv; j++)
				cand(f, cur, key, v[j], "");
			return;
		}
		enum_cands(f, cur, "policy", false, arg[3] == '=' ? "=" : "");
	}
}

void vswcmd_complete_line(FILE *f, const char *line)
{
	static struct vswcmd c; /* large: not on the stack */
	char err[64], *w[VSWCMD_MAX_WORDS + 1];
	size_t len = strlen(line);
	int n;

	/* an open quote: complete as if it were closed */
	if (vswcmd_split(line, &c, err, sizeof(err)) < 0)
		return;
	n = c.nwords;
	memcpy(w, c.words, sizeof(char *) * (size_t)n);
	if (!len || line[len - 1] == ' ' || line[len - 1] == '\t')
		w[n++] = "";
	vswcmd_complete(f, n, w);
}
