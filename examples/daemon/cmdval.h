/* SPDX-License-Identifier: MIT */
/*
 * cmdval.h - the values the vswctl grammar takes, for cmd.c. Each parser
 * returns 0 (or a count, or a true) for a good value, -1 (false) for a
 * bad one; the caller names the word.
 */
#ifndef VSWD_CMDVAL_H
#define VSWD_CMDVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

/* A decimal number up to 'max', with an optional k, M, G (x1000) or
 * Ki, Mi, Gi (x1024) suffix: 0, CMDVAL_NAN for what is not a number,
 * CMDVAL_RANGE for a number above 'max'. */
#define CMDVAL_NAN (-1)
#define CMDVAL_RANGE (-2)
int cmdval_uint(const char *s, unsigned int max, unsigned int *v);

/* The valid values of an enumeration, in the order help shows them:
 * "lldp", "link", "offloads", "services", "policy" (the keys),
 * "backend" (the types), "direction" (in, out, both), "mirror" (the
 * keys of mirror set), "enabled" (yes, no), or a policy key's name ("load_balancing",
 * "promiscuous", ...: its words). Returns their count (at most 'max'),
 * 0 for a 'what' that is no enumeration. */
int cmdval_values(const char *what, const char **out, int max);

/* The --options a backend type takes, as "key=VALUES key2=VALUES", or NULL
 * for a type this program does not know. */
const char *cmdval_backend_options(const char *type);
/* The keys alone ("rx", "tx", ...) of cmdval_backend_options(), pointing
 * into a static store; their count. */
int cmdval_backend_keys(const char *type, const char **out, int max);
/* The first key of 'opts' that backend 'type' does not take, copied into
 * 'key'; NULL if all are known (or the type is not). */
const char *cmdval_backend_bad_key(const char *type, const char *opts, char *key, size_t len);

/* A policy key's number (enum vsw_policy, KEY_ACTIVE, KEY_STANDBY), or -1. */
int cmdval_policy_key(const char *name);
/* The value of a policy key: yes/no words, load balancing and failure
 * detection names, or a number (the library checks its range). */
int cmdval_policy_value(int key, const char *s, uint64_t *v);

/* "management,vmotion" or "none" into a VSW_VMK_* mask. */
int cmdval_services(const char *s, unsigned int *mask);

/* "a,b,c" split in place into at most 'max' names: their count ("" is
 * 0), or -1 for an empty item ("a,,b", "a,") or too many. */
int cmdval_list(char *s, const char **out, int max);

/* "ADDR/PREFIX", IPv4 or IPv6, the prefix in range. */
bool cmdval_cidr(const char *s);
/* AF_INET or AF_INET6 for an address without prefix; 0 for anything else. */
int cmdval_addr_family(const char *s);

/* A TCP/IP stack's name: what a file name in /run/netns may safely be. */
int cmdval_stack_name(const char *s);

/* A mirroring direction ("in", "out", "both") as VSW_MIRROR_*, or 0. */
unsigned int cmdval_direction(const char *s);
/* The word of a VSW_MIRROR_* direction. */
const char *cmdval_direction_word(unsigned int dir);

/* An LLDP mode's number (enum vsw_lldp_mode) from its name, or -1. */
int cmdval_lldp_mode(const char *s);

/* "csum,tso4,tso6,tso_ecn,uso" (any of them), "all" or "none" into
 * VSW_OFFLOAD_* bits. */
int cmdval_offloads(const char *s, uint64_t *mask);

#endif
