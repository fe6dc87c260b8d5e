/* SPDX-License-Identifier: MIT */
/*
 * etcd.h - vswd's etcd client (cluster.c): etcd 3.4's v3 JSON gateway
 * (POST /v3/kv/range, /v3/kv/txn, /v3/lease/grant, /v3/watch ...) over
 * libcurl, JSON by jansson. Asynchronous requests run on libcurl's multi
 * interface, their sockets in vswd's epoll set (K_CLUSTER watches), so that
 * nothing blocks the switches; a synchronous call, bounded by a short
 * timeout, serves vswctl's changes. Endpoints are tried in turn.
 */
#ifndef VSWD_ETCD_H
#define VSWD_ETCD_H

#include <stddef.h>
#include <stdint.h>

/* vswd's own JSON writer (json.c) is renamed in this build (Makefile.am):
 * here the names are jansson's */
#undef json_object
#undef json_array
#undef json_null
#include <jansson.h>

/* A request's end: 'reply' (NULL on failure, then 'why' says what failed;
 * the callee may keep it with json_incref). */
typedef void (*etcd_done_fn)(void *user, json_t *reply, const char *why);
/* A stream's data as it comes (one JSON object a call); its end with NULL. */
typedef void (*etcd_data_fn)(void *user, json_t *msg, const char *why);

/* "http://A:2379,http://B:2379"; 0, or -1 with 'err'. */
int etcd_init(const char *endpoints, char *err, size_t errlen);
void etcd_cleanup(void);
/* POST 'body' (taken) to 'path', answered later through 'done'. */
int etcd_post(const char *path, json_t *body, etcd_done_fn done, void *user);
/* A streaming POST (/v3/watch): 'data' for each message; one at a time;
 * 0, or -1. */
int etcd_stream(const char *path, json_t *body, etcd_data_fn data, void *user);
void etcd_stream_stop(void);
/* How many endpoints were given. */
int etcd_endpoints(void);
/* Whether a request (not the stream) is under way. */
int etcd_busy(void);
/* POST 'body' (taken) and wait at most 'timeout_ms' per endpoint: the
 * reply, or NULL with 'why'. */
json_t *etcd_call(const char *path, json_t *body, long timeout_ms, char *why, size_t whylen);
/* The loop: a K_CLUSTER descriptor's events; the time until libcurl needs
 * etcd_run() (-1: none); run its timers. */
void etcd_socket(int fd, uint32_t events);
long etcd_timeout(void);
void etcd_run(void);

/* base64 of 'len' bytes into a new string; the bytes of a base64 string
 * into 'out' (NUL-terminated): their number, or -1 when it is not base64
 * or too long. */
char *etcd_b64(const char *s, size_t len);
long etcd_unb64(const char *s, char *out, size_t outlen);

#endif
