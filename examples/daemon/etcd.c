// SPDX-License-Identifier: MIT
/*
 * etcd.c - vswd's etcd client (etcd.h): libcurl's multi interface with its
 * sockets in the daemon's epoll set, jansson for the gateway's JSON.
 */
#include "etcd.h"
#include "daemon.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <syslog.h>

#define MAX_ENDPOINTS 16
#define REQ_TIMEOUT_MS 2000L
#define CONNECT_TIMEOUT_MS 500L
#define MAX_REPLY (16u << 20)

struct req {
	CURL *h;
	char *url, *body;
	struct curl_slist *hdr;
	char *in;                /* the reply so far */
	size_t inlen;
	bool stream;
	etcd_done_fn done;
	etcd_data_fn data;
	void *user;
	int ep;                  /* the endpoint it went to */
	struct req *next;
};

static struct {
	CURLM *multi;
	char *ep[MAX_ENDPOINTS];
	int nep, cur;
	long timer_ms;           /* -1: none */
	uint64_t timer_at;
	struct req *reqs;
} E = { .timer_ms = -1 };

/* ---- base64 ---- */

static const char b64c[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *etcd_b64(const char *s, size_t len)
{
	char *o = malloc(len / 3 * 4 + 5), *p = o;
	const unsigned char *u = (const unsigned char *)s;

	if (!o)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)u[i] << 16 | (i + 1 < len ? (uint32_t)u[i + 1] << 8 : 0) |
			     (i + 2 < len ? u[i + 2] : 0);
		*p++ = b64c[v >> 18 & 63];
		*p++ = b64c[v >> 12 & 63];
		*p++ = i + 1 < len ? b64c[v >> 6 & 63] : '=';
		*p++ = i + 2 < len ? b64c[v & 63] : '=';
	}
	*p = 0;
	return o;
}

long etcd_unb64(const char *s, char *out, size_t outlen)
{
	uint32_t v = 0;
	int bits = 0;
	size_t n = 0;

	for (; *s && *s != '='; s++) {
		const char *c = strchr(b64c, *s);
		if (!c || !*s)
			return -1;
		v = v << 6 | (uint32_t)(c - b64c);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= outlen)
				return -1;
			out[n++] = (char)(v >> bits & 0xff);
		}
	}
	out[n] = 0;
	return (long)n;
}

/* ---- requests ---- */

static size_t take(char *p, size_t sz, size_t nm, void *u)
{
	struct req *r = u;
	size_t n = sz * nm;
	char *in;

	if (r->inlen + n > MAX_REPLY)
		return 0;
	in = realloc(r->in, r->inlen + n + 1);
	if (!in)
		return 0;
	r->in = in;
	memcpy(r->in + r->inlen, p, n);
	r->inlen += n;
	r->in[r->inlen] = 0;
	if (r->stream) {
		/* the gateway streams one JSON object a message, back to back */
		size_t at = 0;
		while (at < r->inlen) {
			json_error_t je;
			size_t used;
			json_t *m = json_loadb(r->in + at, r->inlen - at, JSON_DISABLE_EOF_CHECK, &je);
			if (!m)
				break;
			used = (size_t)je.position;
			r->data(r->user, m, NULL);
			json_decref(m);
			at += used;
			while (at < r->inlen && (r->in[at] == '\n' || r->in[at] == '\r' || r->in[at] == ' '))
				at++;
		}
		memmove(r->in, r->in + at, r->inlen - at);
		r->inlen -= at;
	}
	return n;
}

static void req_free(struct req *r)
{
	if (r->h) {
		if (E.multi)
			curl_multi_remove_handle(E.multi, r->h);
		curl_easy_cleanup(r->h);
	}
	curl_slist_free_all(r->hdr);
	free(r->url);
	free(r->body);
	free(r->in);
	free(r);
}

static struct req *req_new(const char *path, json_t *body, int ep)
{
	struct req *r = calloc(1, sizeof(*r));
	size_t ul;

	if (!r) {
		json_decref(body);
		return NULL;
	}
	r->ep = ep;
	r->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	ul = strlen(E.ep[ep]) + strlen(path) + 1;
	r->url = malloc(ul);
	r->h = curl_easy_init();
	r->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (!r->body || !r->url || !r->h || !r->hdr) {
		req_free(r);
		return NULL;
	}
	snprintf(r->url, ul, "%s%s", E.ep[ep], path);
	curl_easy_setopt(r->h, CURLOPT_URL, r->url);
	curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hdr);
	curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(r->h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->h, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(r->h, CURLOPT_PROTOCOLS_STR, "http,https");
	return r;
}

/* The reply of a finished request, or NULL with 'why'. */
static json_t *finish(struct req *r, CURLcode rc, char *why, size_t whylen)
{
	long status = 0;
	json_t *j;
	json_error_t je;

	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s: %s", E.ep[r->ep], curl_easy_strerror(rc));
		return NULL;
	}
	curl_easy_getinfo(r->h, CURLINFO_RESPONSE_CODE, &status);
	j = r->in ? json_loadb(r->in, r->inlen, 0, &je) : NULL;
	if (status != 200) {
		json_t *m = j ? json_object_get(j, "error") : NULL;
		if (!m)
			m = j ? json_object_get(j, "message") : NULL;
		snprintf(why, whylen, "%s: HTTP %ld%s%s", E.ep[r->ep], status, json_is_string(m) ? ": " : "",
			 json_is_string(m) ? json_string_value(m) : "");
		json_decref(j);
		return NULL;
	}
	if (!j)
		snprintf(why, whylen, "%s: bad JSON in the reply", E.ep[r->ep]);
	return j;
}

static void add(struct req *r)
{
	r->next = E.reqs;
	E.reqs = r;
	curl_multi_add_handle(E.multi, r->h);
}

static void unlink_req(struct req *r)
{
	for (struct req **pp = &E.reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			return;
		}
}

int etcd_post(const char *path, json_t *body, etcd_done_fn done, void *user)
{
	struct req *r = req_new(path, body, E.cur);

	if (!r)
		return -1;
	curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, REQ_TIMEOUT_MS);
	r->done = done;
	r->user = user;
	add(r);
	return 0;
}

int etcd_stream(const char *path, json_t *body, etcd_data_fn data, void *user)
{
	struct req *r;

	etcd_stream_stop();
	r = req_new(path, body, E.cur);
	if (!r)
		return -1;
	r->stream = true;
	r->data = data;
	r->user = user;
	/* a dead peer is noticed by the keepalive's and the polls' failures */
	curl_easy_setopt(r->h, CURLOPT_TCP_KEEPALIVE, 1L);
	add(r);
	return 0;
}

void etcd_stream_stop(void)
{
	for (struct req *r = E.reqs; r; r = r->next)
		if (r->stream) {
			unlink_req(r);
			req_free(r);
			return;
		}
}

int etcd_endpoints(void)
{
	return E.nep;
}

int etcd_busy(void)
{
	for (struct req *r = E.reqs; r; r = r->next)
		if (!r->stream)
			return 1;
	return 0;
}

/* The members answer 503 while they elect a leader (a member gone, the
 * leader among them): etcd's own clients wait that out, and so does this
 * one, a few times, for a blocking call only. */
#define ELECTION_RETRIES 20
#define ELECTION_WAIT_MS 100

json_t *etcd_call(const char *path, json_t *body, long timeout_ms, char *why, size_t whylen)
{
	for (int round = 0; round <= ELECTION_RETRIES; round++) {
		bool electing = false;
		if (round)
			usleep(ELECTION_WAIT_MS * 1000);
		/* each endpoint once, the current first */
		for (int k = 0; k < E.nep; k++) {
			int ep = (E.cur + k) % E.nep;
			struct req *r = req_new(path, json_incref(body), ep);
			json_t *j;
			if (!r)
				break;
			curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, timeout_ms);
			j = finish(r, curl_easy_perform(r->h), why, whylen);
			req_free(r);
			if (j) {
				E.cur = ep;
				json_decref(body);
				return j;
			}
			electing |= strstr(why, "HTTP 503") != NULL;
		}
		if (!electing)
			break;
	}
	json_decref(body);
	return NULL;
}

/* ---- the loop ---- */

static void check_done(void)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(E.multi, &left))) {
		struct req *r = NULL;
		char why[256];
		json_t *j;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		unlink_req(r);
		if (r->stream) {
			snprintf(why, sizeof(why), "%s: watch ended: %s", E.ep[r->ep],
				 curl_easy_strerror(m->data.result));
			r->data(r->user, NULL, why);
			if (m->data.result != CURLE_OK && r->ep == E.cur)
				E.cur = (E.cur + 1) % E.nep;
		} else {
			j = finish(r, m->data.result, why, sizeof(why));
			/* an endpoint that fails (or answers that it is leaving):
			 * the next one for the next request */
			if (!j && r->ep == E.cur)
				E.cur = (E.cur + 1) % E.nep;
			r->done(r->user, j, j ? NULL : why);
			json_decref(j);
		}
		req_free(r);
	}
}

static int on_socket(CURL *h, curl_socket_t s, int what, void *u, void *sp)
{
	struct watch *w = sp;
	uint32_t ev = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);

	(void)h;
	(void)u;
	if (what == CURL_POLL_REMOVE) {
		if (w)
			watch_del(w);
		curl_multi_assign(E.multi, s, NULL);
		return 0;
	}
	if (!w) {
		w = watch_add(K_CLUSTER, s, ev);
		if (!w)
			return -1;
		curl_multi_assign(E.multi, s, w);
	} else {
		watch_set_events(w, ev);
	}
	return 0;
}

static int on_timer(CURLM *m, long ms, void *u)
{
	(void)m;
	(void)u;
	E.timer_ms = ms;
	E.timer_at = now_ms() + (uint64_t)(ms > 0 ? ms : 0);
	return 0;
}

void etcd_socket(int fd, uint32_t events)
{
	int running, a = (events & EPOLLIN ? CURL_CSELECT_IN : 0) | (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
			 (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);

	curl_multi_socket_action(E.multi, fd, a, &running);
	check_done();
}

long etcd_timeout(void)
{
	uint64_t now = now_ms();

	if (E.timer_ms < 0)
		return -1;
	return E.timer_at > now ? (long)(E.timer_at - now) : 0;
}

void etcd_run(void)
{
	int running;

	if (E.timer_ms < 0 || now_ms() < E.timer_at)
		return;
	E.timer_ms = -1;
	curl_multi_socket_action(E.multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done();
}

int etcd_init(const char *endpoints, char *err, size_t errlen)
{
	const char *p = endpoints;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl did not start");
		return -1;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		if (E.nep == MAX_ENDPOINTS) {
			snprintf(err, errlen, "--cluster: more than %d endpoints", MAX_ENDPOINTS);
			return -1;
		}
		if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) {
			snprintf(err, errlen, "--cluster: '%.*s' is no http:// or https:// URL", (int)n, p);
			return -1;
		}
		/* without a trailing slash: paths begin with one */
		E.ep[E.nep] = strndup(p, n && p[n - 1] == '/' ? n - 1 : n);
		if (!E.ep[E.nep++]) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		p += n;
		p += *p == ',';
	}
	if (!E.nep) {
		snprintf(err, errlen, "--cluster: no endpoint");
		return -1;
	}
	E.multi = curl_multi_init();
	if (!E.multi) {
		snprintf(err, errlen, "libcurl: no multi handle");
		return -1;
	}
	curl_multi_setopt(E.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(E.multi, CURLMOPT_TIMERFUNCTION, on_timer);
	return 0;
}

void etcd_cleanup(void)
{
	while (E.reqs) {
		struct req *r = E.reqs;
		E.reqs = r->next;
		req_free(r);
	}
	if (E.multi)
		curl_multi_cleanup(E.multi);
	E.multi = NULL;
	for (int i = 0; i < E.nep; i++)
		free(E.ep[i]);
	E.nep = 0;
	curl_global_cleanup();
}
