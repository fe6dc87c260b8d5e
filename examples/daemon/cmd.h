/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - the vswctl command grammar, shared by vswctl (which checks a
 * command before sending it), vswd (which runs it) and vswd's configuration
 * file (a list of commands, one per line). One grammar, one parser.
 *
 *   vswitch   add NAME [--mtu N] [--max-macs N] [--beacon-interval MS] [--lldp MODE]
 *                 [--lldp-interval SEC]
 *             | remove NAME
 *             | set NAME [--mtu N] [--beacon-interval MS] [--lldp MODE] [--lldp-interval SEC]
 *   portgroup add SWITCH NAME [--vlan N] | remove SWITCH NAME
 *             | set SWITCH NAME --vlan N
 *   uplink    add SWITCH NAME --backend SPEC [--options OPTS] [--offloads LIST]
 *             | remove SWITCH NAME | set SWITCH NAME [--link up|down] [--offloads LIST]
 *             | neighbors [SWITCH [NAME]]
 *   vnic      add SWITCH PORTGROUP NAME [--mac MAC] [--backend SPEC] [--options OPTS]
 *                 [--offloads LIST]
 *             | remove SWITCH NAME
 *             | set SWITCH NAME [--mac MAC] [--link up|down] [--offloads LIST]
 *   vmk       add SWITCH PORTGROUP NAME [--mac MAC] [--services LIST]
 *                 [--netstack NAME] [--ip ADDR/PREFIX,...|none] [--mtu N]
 *                 [--gateway GW[,GW6]|none] [--offloads LIST]
 *             | add SWITCH PORTGROUP NAME [--mac MAC] [--services LIST]
 *                 --backend SPEC [--options OPTS] [--offloads LIST]
 *             | remove SWITCH NAME
 *             | set SWITCH NAME [--services LIST] [--ip LIST|none] [--mtu N]
 *                   [--gateway GW[,GW6]|none] [--offloads LIST]
 *   policy    get SWITCH [PORTGROUP] | set SWITCH [PORTGROUP] KEY=VALUE...
 *             | clear SWITCH PORTGROUP KEY...
 *   list | stats [SWITCH [PORT]] [--all] | stats clear SWITCH [PORT]
 *   fdb [SWITCH] | fdb flush SWITCH
 *   vde       add SWITCH PORTGROUP DIR | remove SWITCH DIR
 *   netstack  add NAME | remove NAME
 *   mirror    add SWITCH NAME [--snaplen N] [--disabled] | remove SWITCH NAME
 *             | set SWITCH NAME KEY=VALUE... | list [SWITCH]
 *             KEY=VALUE: source=PORT[:in|out|both][:vlans=LIST] no-source=PORT
 *             dest=PORT[:vlan=N] no-dest snaplen=N enabled=yes|no
 *   capture   SWITCH [PORT...] [--direction in|out|both] [--count N] [--snaplen N]
 *                 [--write FILE]   (vswctl: -w FILE; the pcapng stream follows "OK")
 *   vds       create VDS [--mtu N] | remove VDS | portgroup add VDS PG [--vlan N]
 *             | portgroup remove VDS PG | policy set VDS [PG] KEY=VALUE...
 *             | list [VDS] | hosts VDS | ports VDS   (vswd --cluster: vsw-vds(7))
 *   save                 write the state file now (vswctl: save FILE writes FILE)
 *   show-config          the running configuration, as these commands
 *
 * --offloads LIST: csum,tso4,tso6,tso_ecn,uso, all or none (VSW_OFFLOAD_*).
 * Every add takes --may-exist (an object of that kind and name is no
 * error, and is left as it is), every remove --if-exists (a missing object
 * is no error), as ovs-vsctl's.
 * Read commands take --json. Words are separated by blanks; double quotes
 * group words ("VM Network"), a backslash escapes the next character, and
 * '#' at the start of a word begins a comment.
 */
#ifndef VSWD_CMD_H
#define VSWD_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VSWCMD_MAX_WORDS 64
#define VSWCMD_MAX_LINE 4096
#define VSWCMD_MAX_KV 32
#define VSWCMD_MAX_TEAM 16
#define VSWCMD_MAX_IPS 16
#define VSWCMD_MAX_POS 34        /* positional words: capture SWITCH PORT... */
#define VSWCMD_MAX_MSRC 16       /* mirror set: source= and no-source= words */
#define VSWCMD_MAX_VRANGES 32    /* mirror set: vlans=A-B,... ranges of a source */
#define VSWCMD_SNAPLEN_MIN 14    /* a snap length holds an Ethernet header... */
#define VSWCMD_SNAPLEN_MAX 262144 /* ...and at most what tcpdump takes */
/* --max-macs: the library's limit on a MAC table's capacity */
#define VSWCMD_MAX_MACS (1u << 24)

enum vswcmd_obj {
	OBJ_VSWITCH, OBJ_PORTGROUP, OBJ_UPLINK, OBJ_VNIC, OBJ_VMK, OBJ_POLICY,
	OBJ_LIST, OBJ_STATS, OBJ_FDB, OBJ_VDE, OBJ_NETSTACK, OBJ_SAVE, OBJ_SHOW_CONFIG,
	OBJ_MIRROR, OBJ_CAPTURE, OBJ_VDS,
};

enum vswcmd_verb {
	VERB_NONE, VERB_ADD, VERB_REMOVE, VERB_SET, VERB_GET, VERB_CLEAR, VERB_NEIGHBORS,
	VERB_FLUSH, VERB_LIST,
	/* vds: the distributed switch's (two words: "portgroup add") */
	VERB_CREATE, VERB_HOSTS, VERB_PORTS, VERB_VDS_PG_ADD, VERB_VDS_PG_REMOVE, VERB_VDS_POLICY_SET,
};

/* One command of the grammar: what vswctl's help shows and the parser and
 * the completion go by. */
struct vswcmd_spec {
	enum vswcmd_obj obj;
	enum vswcmd_verb verb;   /* VERB_NONE: the object alone (list, stats, fdb) */
	int min, max;            /* positional words */
	const char *args;        /* their names, e.g. "SWITCH PORTGROUP NAME" */
	const char *opts;        /* the options it takes, blank-separated, no "--" */
	const char *summary;
};
extern const struct vswcmd_spec vswcmd_specs[];
extern const int vswcmd_nspecs;

/* The word of an object or a verb ("vswitch", "add"), or NULL. */
const char *vswcmd_obj_word(enum vswcmd_obj o);
const char *vswcmd_verb_word(enum vswcmd_verb v);
/* The spec of (o, v), or NULL when that is no command. */
const struct vswcmd_spec *vswcmd_spec_of(enum vswcmd_obj o, enum vswcmd_verb v);
/* The object named 'w', or -1. */
int vswcmd_obj_of(const char *w);
/* The verb of 'o' at words[i] (one word, or two: "portgroup add"): the
 * number of words it takes (0: none) and the verb in '*verb'. */
int vswcmd_verb_at(enum vswcmd_obj o, int n, char *const *words, int i, enum vswcmd_verb *verb);

/* The word of 'cands' closest to 'w' within an edit distance of 2, or NULL
 * (for "did you mean"). */
const char *vswcmd_suggest(const char *w, const char *const *cands, int n);

/*
 * vswctl's help (cmdhelp.c), answered without the daemon: 'words' are what
 * follows "help" (nothing, OBJECT, or OBJECT VERB). Returns 0, or -1 with
 * a line in 'err' for an unknown object or verb.
 */
int vswcmd_help(FILE *f, int n, char *const *words, char *err, size_t errlen);
/* What may follow 'words' (a command being typed, the last word the one
 * being completed, possibly ""): one candidate a line. A name the daemon
 * knows is asked for as "@switch", or "@portgroup SWITCH", "@uplink
 * SWITCH", "@vnic SWITCH", "@vmk SWITCH", "@port SWITCH" (any port),
 * "@mirror SWITCH" (a mirroring session). */
void vswcmd_complete(FILE *f, int n, char *const *words);
/* The same for a command line as typed so far (split as the parser does,
 * after the program's name). */
void vswcmd_complete_line(FILE *f, const char *line);

/* A policy assignment of "policy set"; teaming orders are lists of names. */
struct vswcmd_kv {
	int key;                 /* enum vsw_policy, or one of the KEY_* below */
	uint64_t value;
	const char *text;        /* the value as typed */
};
#define KEY_ACTIVE 1000
#define KEY_STANDBY 1001

/* A source of "mirror set": source=PORT[:in|out|both][:vlans=LIST]. */
struct vswcmd_msrc {
	const char *port;
	unsigned int dir;        /* VSW_MIRROR_INGRESS, _EGRESS or _BOTH */
	int nranges;             /* 0: every VLAN */
	uint16_t lo[VSWCMD_MAX_VRANGES], hi[VSWCMD_MAX_VRANGES];
};

struct vswcmd {
	enum vswcmd_obj obj;
	enum vswcmd_verb verb;
	const char *pos[VSWCMD_MAX_POS]; /* positional words: switch, port group, name */
	int npos;
	bool json;
	bool may_exist, if_exists; /* --may-exist, --if-exists */
	bool all;                /* stats --all: the counters that are 0 too */
	bool changes;            /* the command modifies the daemon's state */

	/* options; 'has_*' tells whether they were given */
	bool has_mtu, has_vlan, has_mac, has_services, has_link, has_beacon_interval, has_lldp,
		has_lldp_interval, has_max_macs, has_offloads;
	unsigned int mtu, vlan, services, beacon_interval, lldp_interval;
	unsigned int max_macs;   /* --max-macs: learned addresses the MAC table holds */
	int link;
	int lldp;                /* enum vsw_lldp_mode */
	uint64_t offloads;       /* --offloads: VSW_OFFLOAD_* bits */
	uint8_t mac[6];
	const char *backend, *options;
	const char *netstack;    /* --netstack: the vmk's interface's TCP/IP stack */
	const char *ips[VSWCMD_MAX_IPS]; /* --ip A,B: addresses with prefix; none: [] */
	int nips;
	bool has_ips;
	const char *gateways[2]; /* --gateway: at most one IPv4 and one IPv6; none: [] */
	int ngateways;
	bool has_gateways;

	struct vswcmd_kv kv[VSWCMD_MAX_KV];
	int nkv;
	const char *active[VSWCMD_MAX_TEAM], *standby[VSWCMD_MAX_TEAM];
	int nactive, nstandby;
	bool has_active, has_standby; /* active=, standby= given (either may be empty) */
	int clear_keys[VSWCMD_MAX_KV];
	int nclear;

	/* mirror add/set, capture */
	bool disabled;           /* mirror add --disabled */
	bool has_snaplen;        /* --snaplen N or snaplen=N (0: whole frames) */
	unsigned int snaplen;
	bool has_enabled, enabled; /* enabled=yes|no */
	struct vswcmd_msrc msrc[VSWCMD_MAX_MSRC]; /* source= */
	int nmsrc;
	const char *mnosrc[VSWCMD_MAX_MSRC]; /* no-source= */
	int nmnosrc;
	bool has_mdest;          /* dest= or no-dest */
	const char *mdest;       /* NULL: no-dest */
	unsigned int mdest_vlan; /* dest=UPLINK:vlan=N, the RSPAN VLAN; 0 none */
	unsigned int direction;  /* capture --direction: VSW_MIRROR_*, 0 not given */
	bool has_count;
	uint64_t count;          /* capture --count: frames, then the capture ends */
	const char *write;       /* capture --write FILE (vswctl's; "-": stdout) */

	/* storage the pointers above point into */
	char buf[VSWCMD_MAX_LINE];
	char *words[VSWCMD_MAX_WORDS];
	int nwords;
};

/*
 * Split 'line' into words and parse them. Returns 1 for a command, 0 for a
 * blank or comment line, -1 for bad input with one line naming the bad word
 * in 'err'.
 */
int vswcmd_parse(const char *line, struct vswcmd *c, char *err, size_t errlen);

/* Only split 'line' into c->words (c->nwords); 0, or -1 with 'err'. */
int vswcmd_split(const char *line, struct vswcmd *c, char *err, size_t errlen);

/* Parse an already split command (vswctl's argv). Same returns. */
int vswcmd_parse_words(int n, char *const *words, struct vswcmd *c, char *err, size_t errlen);

/* Join words back into one line, quoting where needed; -1 if too long. */
int vswcmd_join(int n, char *const *words, char *out, size_t outlen);

/* The text of a value for a policy key, e.g. "accept", "port_id", "100000000". */
const char *vswcmd_policy_value(int key, uint64_t v, char *buf, size_t len);
/* The user-facing name of a policy key, e.g. "forged_transmits". */
const char *vswcmd_policy_key(int key);

int vswcmd_parse_mac(const char *s, uint8_t mac[6]);

/* The name of an LLDP mode: "none", "listen", "advertise" or "both". */
const char *vswcmd_lldp_mode(int mode);

/* The name of one VSW_OFFLOAD_* bit ("csum", "tso4", "tso6", "tso_ecn",
 * "uso"), or NULL for a bit this version does not know. */
const char *vswcmd_offload_name(uint64_t bit);
/* VSW_OFFLOAD_* bits as --offloads takes them: "csum,tso4", or "none". */
const char *vswcmd_offloads(uint64_t mask, char *buf, size_t len);

#endif
