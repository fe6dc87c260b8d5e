// SPDX-License-Identifier: MIT
/*
 * cmdval.c - the values of the vswctl grammar (see cmdval.h): numbers
 * with k/M/G suffixes, MAC addresses, policy keys and their values,
 * service lists, offload lists, name lists, addresses, TCP/IP stack names.
 */
#include "cmdval.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsw.h>

int vswcmd_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
				      &b[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (s[3 * i] == ' ' || s[3 * i + 1] == ' ' || s[3 * i] == '+' || s[3 * i] == '-')
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -1;
	return 0;
}

/* A decimal number with an optional k, M, G (x1000) or Ki, Mi, Gi (x1024)
 * suffix; CMDVAL_RANGE for one above 2^64 - 1. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;
	uint64_t mul = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return CMDVAL_RANGE;
	if (*end) {
		bool bin = end[1] == 'i';
		if (end[bin ? 2 : 1])
			return -1;
		switch (*end) {
		case 'k': case 'K': mul = bin ? 1024ull : 1000ull; break;
		case 'M': mul = bin ? 1048576ull : 1000000ull; break;
		case 'G': mul = bin ? 1073741824ull : 1000000000ull; break;
		default: return -1;
		}
	}
	if (x && mul > UINT64_MAX / x)
		return CMDVAL_RANGE;
	*v = x * mul;
	return 0;
}

int cmdval_uint(const char *s, unsigned int max, unsigned int *v)
{
	uint64_t x;

	int r = parse_u64(s, &x);

	if (r)
		return r == CMDVAL_RANGE ? r : CMDVAL_NAN;
	if (x > max)
		return CMDVAL_RANGE;
	*v = (unsigned int)x;
	return 0;
}

static const char *const lb_names[] = { "port_id", "src_mac", "ip_hash", "explicit" };
static const char *const detect_names[] = { "link_status", "beacon" };

static const char *const lldp_modes[] = { "none", "listen", "advertise", "both" };

const char *vswcmd_lldp_mode(int mode)
{
	return mode >= 0 && mode < 4 ? lldp_modes[mode] : "?";
}

int cmdval_lldp_mode(const char *s)
{
	for (int m = 0; m < 4; m++)
		if (!strcmp(s, lldp_modes[m]))
			return m;
	return -1;
}

static bool is_bool_key(int k)
{
	return k == VSW_POL_PROMISCUOUS || k == VSW_POL_MAC_CHANGES ||
	       k == VSW_POL_FORGED_TRANSMITS || k == VSW_POL_SHAPING_ENABLED ||
	       k == VSW_POL_NOTIFY_SWITCHES || k == VSW_POL_FAILBACK || k == VSW_POL_MAC_LEARNING;
}

static bool is_security_key(int k)
{
	return k == VSW_POL_PROMISCUOUS || k == VSW_POL_MAC_CHANGES || k == VSW_POL_FORGED_TRANSMITS;
}

const char *vswcmd_policy_key(int key)
{
	if (key == KEY_ACTIVE)
		return "active";
	if (key == KEY_STANDBY)
		return "standby";
	return vsw_policy_name(key);
}

int cmdval_policy_key(const char *name)
{
	if (!strcmp(name, "active"))
		return KEY_ACTIVE;
	if (!strcmp(name, "standby"))
		return KEY_STANDBY;
	for (int k = 0; vsw_policy_name(k); k++)
		if (!strcmp(vsw_policy_name(k), name))
			return k;
	return -1;
}

const char *vswcmd_policy_value(int key, uint64_t v, char *buf, size_t len)
{
	if (is_security_key(key))
		return v ? "accept" : "reject";
	if (is_bool_key(key))
		return v ? "yes" : "no";
	if (key == VSW_POL_LOAD_BALANCING && v < 4)
		return lb_names[v];
	if (key == VSW_POL_FAILURE_DETECTION && v < 2)
		return detect_names[v];
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

int cmdval_policy_value(int key, const char *s, uint64_t *v)
{
	static const char *const yes[] = { "accept", "yes", "on", "true", "1" };
	static const char *const no[] = { "reject", "no", "off", "false", "0" };

	if (is_bool_key(key)) {
		for (int i = 0; i < 5; i++) {
			if (!strcmp(s, yes[i])) {
				*v = 1;
				return 0;
			}
			if (!strcmp(s, no[i])) {
				*v = 0;
				return 0;
			}
		}
		return -1;
	}
	if (key == VSW_POL_LOAD_BALANCING || key == VSW_POL_FAILURE_DETECTION) {
		const char *const *names = key == VSW_POL_LOAD_BALANCING ? lb_names : detect_names;
		int n = key == VSW_POL_LOAD_BALANCING ? 4 : 2;
		for (int i = 0; i < n; i++)
			if (!strcmp(s, names[i])) {
				*v = (uint64_t)i;
				return 0;
			}
		return -1;
	}
	/* the range is the library's to check, when the daemon sets it */
	return parse_u64(s, v);
}

int cmdval_services(const char *s, unsigned int *mask)
{
	char tmp[256];

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	*mask = 0;
	if (!strcmp(s, "none"))
		return 0;
	for (char *t = strtok(tmp, ","); t; t = strtok(NULL, ",")) {
		unsigned int b;
		for (b = 1; b & VSW_VMK_SERVICES_ALL; b <<= 1)
			if (!strcmp(vsw_vmk_service_name(b), t))
				break;
		if (!(b & VSW_VMK_SERVICES_ALL))
			return -1;
		*mask |= b;
	}
	return 0;
}

/* The words of --offloads, by bit (vsw_port_set_offloads(3)). */
static const struct {
	uint64_t bit;
	const char *name;
} offload_names[] = {
	{ VSW_OFFLOAD_CSUM, "csum" }, { VSW_OFFLOAD_TSO4, "tso4" }, { VSW_OFFLOAD_TSO6, "tso6" },
	{ VSW_OFFLOAD_TSO_ECN, "tso_ecn" }, { VSW_OFFLOAD_USO, "uso" },
};
#define N_OFFLOADS (sizeof(offload_names) / sizeof(offload_names[0]))

const char *vswcmd_offload_name(uint64_t bit)
{
	for (size_t i = 0; i < N_OFFLOADS; i++)
		if (offload_names[i].bit == bit)
			return offload_names[i].name;
	return NULL;
}

const char *vswcmd_offloads(uint64_t mask, char *buf, size_t len)
{
	size_t at = 0;

	if (!len)
		return buf;
	*buf = 0;
	for (size_t i = 0; i < N_OFFLOADS; i++)
		if (mask & offload_names[i].bit) {
			int k = snprintf(buf + at, len - at, "%s%s", at ? "," : "", offload_names[i].name);
			if (k < 0 || (size_t)k >= len - at) {
				buf[at] = 0; /* whole names only */
				break;
			}
			at += (size_t)k;
		}
	if (!at)
		snprintf(buf, len, "none");
	return buf;
}

int cmdval_offloads(const char *s, uint64_t *mask)
{
	char tmp[128];

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	*mask = 0;
	if (!strcmp(s, "none"))
		return 0;
	if (!strcmp(s, "all")) {
		*mask = VSW_OFFLOAD_ALL;
		return 0;
	}
	/* an empty item is a typo, as in cmdval_list() */
	if (!*s || *s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return -1;
	for (char *t = strtok(tmp, ","); t; t = strtok(NULL, ",")) {
		size_t i;
		for (i = 0; i < N_OFFLOADS; i++)
			if (!strcmp(offload_names[i].name, t))
				break;
		if (i == N_OFFLOADS)
			return -1;
		*mask |= offload_names[i].bit;
	}
	return 0;
}

/* "a,b,c" split in place; an empty item ("a,,b", "a,") is an error, as a
 * typo there would otherwise silently drop a name. */
int cmdval_list(char *s, const char **out, int max)
{
	int n = 0;

	if (!*s)
		return 0;
	for (char *t = s, *comma; t; t = comma) {
		comma = strchr(t, ',');
		if (comma)
			*comma++ = 0;
		if (!*t || n == max)
			return -1;
		out[n++] = t;
	}
	return n;
}

bool cmdval_cidr(const char *s)
{
	char a[64];
	uint8_t bin[16];
	const char *slash = strchr(s, '/');
	unsigned int prefix, max;

	if (!slash || (size_t)(slash - s) >= sizeof(a) || cmdval_uint(slash + 1, 128, &prefix))
		return false;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = 0;
	if (inet_pton(AF_INET, a, bin) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, a, bin) == 1)
		max = 128;
	else
		return false;
	return prefix <= max;
}

int cmdval_addr_family(const char *s)
{
	uint8_t bin[16];

	return inet_pton(AF_INET, s, bin) == 1 ? AF_INET : inet_pton(AF_INET6, s, bin) == 1 ? AF_INET6 : 0;
}

int cmdval_stack_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > VSW_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return -1;
	return 0;
}

/* ---- mirroring ---- */

static const char *const directions[] = { "in", "out", "both" };

unsigned int cmdval_direction(const char *s)
{
	for (unsigned int i = 0; i < 3; i++)
		if (!strcmp(s, directions[i]))
			return i + 1; /* VSW_MIRROR_INGRESS, _EGRESS, _BOTH */
	return 0;
}

const char *cmdval_direction_word(unsigned int dir)
{
	return dir >= 1 && dir <= 3 ? directions[dir - 1] : "?";
}

/* ---- enumerations, for help, completion and "did you mean" ---- */

static const char *const link_states[] = { "up", "down" };
static const char *const yes_no[] = { "yes", "no" };
static const char *const accept_reject[] = { "accept", "reject" };

static int copy(const char *const *from, int n, const char **out, int max)
{
	int k = n < max ? n : max;

	for (int i = 0; i < k; i++)
		out[i] = from[i];
	return k;
}

int cmdval_values(const char *what, const char **out, int max)
{
	int n = 0, key;

	if (!strcmp(what, "lldp"))
		return copy(lldp_modes, 4, out, max);
	if (!strcmp(what, "link"))
		return copy(link_states, 2, out, max);
	if (!strcmp(what, "offloads")) {
		for (size_t i = 0; i < N_OFFLOADS && n < max; i++)
			out[n++] = offload_names[i].name;
		n += copy((const char *const[]){ "all", "none" }, 2, out + n, max - n);
		return n;
	}
	if (!strcmp(what, "services")) {
		for (unsigned int b = 1; (b & VSW_VMK_SERVICES_ALL) && n < max; b <<= 1)
			out[n++] = vsw_vmk_service_name(b);
		if (n < max)
			out[n++] = "none";
		return n;
	}
	if (!strcmp(what, "policy")) {
		for (int k = 0; vsw_policy_name(k) && n < max; k++)
			out[n++] = vsw_policy_name(k);
		n += copy((const char *const[]){ "active", "standby" }, 2, out + n, max - n);
		return n;
	}
	if (!strcmp(what, "direction"))
		return copy(directions, 3, out, max);
	if (!strcmp(what, "mirror")) {
		static const char *const keys[] = { "source", "no-source", "dest", "no-dest", "snaplen",
						    "enabled" };
		return copy(keys, 6, out, max);
	}
	if (!strcmp(what, "enabled"))
		return copy(yes_no, 2, out, max);
	if (!strcmp(what, "backend")) {
		static const char *const types[] = { "afpacket", "raw", "tap", "qemu", "vhostuser", "memory" };
		return copy(types, 6, out, max);
	}
	key = cmdval_policy_key(what);
	if (key == VSW_POL_LOAD_BALANCING)
		return copy(lb_names, 4, out, max);
	if (key == VSW_POL_FAILURE_DETECTION)
		return copy(detect_names, 2, out, max);
	if (key >= 0 && is_security_key(key))
		return copy(accept_reject, 2, out, max);
	if (key >= 0 && is_bool_key(key))
		return copy(yes_no, 2, out, max);
	return 0;
}

/* The options of the library's backends (each backend's open function
 * is the reference: a key missing here is still passed on, this table
 * only names the key a backend refused). */
static const struct {
	const char *type, *opts;
} backend_opts[] = {
	{ "afpacket", "rx=v2|v3 tx=ring|mmsg frames=64-65536 block_tov=1-1000 offloads=on|off" },
	{ "raw", "" },
	{ "tap", "mac=MAC offloads=on|off netns=NAME" },
	{ "qemu", "client reconnect_ms=10-3600000 mode=OCTAL group=GROUP" },
	{ "vhostuser", "client server reconnect_ms=10-3600000 mode=OCTAL group=GROUP" },
	{ "memory", "ring=2-4096" },
};

const char *cmdval_backend_options(const char *type)
{
	for (size_t i = 0; i < sizeof(backend_opts) / sizeof(backend_opts[0]); i++)
		if (!strcmp(backend_opts[i].type, type))
			return backend_opts[i].opts;
	return NULL;
}

int cmdval_backend_keys(const char *type, const char **out, int max)
{
	static char store[8][24];
	const char *known = cmdval_backend_options(type);
	int n = 0;

	for (const char *k = known ? known : ""; *k && n < max && n < 8; n++) {
		snprintf(store[n], sizeof(store[n]), "%.*s", (int)strcspn(k, "= "), k);
		out[n] = store[n];
		k += strcspn(k, " ");
		k += strspn(k, " ");
	}
	return n;
}

const char *cmdval_backend_bad_key(const char *type, const char *opts, char *key, size_t len)
{
	const char *keys[8];
	int n = cmdval_backend_keys(type, keys, 8);

	if (!cmdval_backend_options(type) || !opts)
		return NULL;
	for (const char *p = opts; *p;) {
		size_t item = strcspn(p, ","), kl = strcspn(p, ",=");
		bool known = false;
		for (int i = 0; i < n; i++)
			known |= strlen(keys[i]) == kl && !strncmp(keys[i], p, kl);
		if (!known) {
			snprintf(key, len, "%.*s", (int)kl, p);
			return key;
		}
		p += item;
		p += *p == ',';
	}
	return NULL;
}
