#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

/* The connections a worker has seen a request on, so it can count them and
** refuse past max_conns. Linear probing with backward-shift deletion. */
struct conn_set {
	struct evhttp_connection **slot;
	size_t cap, count;
};

struct worker {
	int index;
	pthread_t tid;
	const struct http_config *cfg;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	struct event *stop_ev;
	struct event *drain_ev;
	int drain_rounds;
	struct db *db;
	int fd;
	struct conn_set conns;
	/* a request's arena block and reply buffer, kept for the next one */
	struct arena_block *arena_spare;
	struct buf out_spare;
	char keep_alive[32]; /* "timeout=N": how long an idle connection is kept (--timeout) */
};

/* Two priorities per loop. libevent runs every event that one poll found
** before it polls again, and a reply is written by an event of the next poll:
** a worker with 32 connections waiting for the dashboard (0.2 s each) wrote
** its 32 replies together after 6.4 s, so a 10 s measure saw one reply per
** connection (6.4 req/s for 64) while the workers were busy all along. Reads
** run at the lower priority and the loop polls again once 5 ms of them have
** run; the writes, at the higher priority, then go first. Short requests
** still run many to a poll. */
#define PRIO_WRITE 0
#define PRIO_READ 1

static size_t conn_hash(struct evhttp_connection *c, size_t cap)
{
	return (size_t)(((uintptr_t)c >> 4) * 11400714819323198485ull) & (cap - 1);
}

static int conn_find(struct conn_set *s, struct evhttp_connection *c, size_t *at)
{
	size_t i = conn_hash(c, s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == c) { *at = i; return 1; }
		i = (i + 1) & (s->cap - 1);
	}
	*at = i;
	return 0;
}

static void conn_remove(struct conn_set *s, struct evhttp_connection *c)
{
	size_t i;
	if (!conn_find(s, c, &i)) return;
	s->slot[i] = NULL;
	s->count--;
	size_t j = i;
	for (;;) {
		j = (j + 1) & (s->cap - 1);
		if (!s->slot[j]) break;
		size_t k = conn_hash(s->slot[j], s->cap);
		/* move slot j back to i when its home k is not in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			s->slot[i] = s->slot[j];
			s->slot[j] = NULL;
			i = j;
		}
	}
}

static void on_conn_close(struct evhttp_connection *c, void *arg)
{
	struct worker *w = arg;
	conn_remove(&w->conns, c);
}

/* Returns 0 when the connection may be served, -1 when over the limit. */
static int conn_track(struct worker *w, struct evhttp_connection *c)
{
	size_t i;
	if (conn_find(&w->conns, c, &i)) return 0;
	if (w->conns.count >= (size_t)w->cfg->max_conns) return -1;
	w->conns.slot[i] = c;
	w->conns.count++;
	evhttp_connection_set_closecb(c, on_conn_close, w);
	/* replies before requests (see http_serve): a reply is written as soon
	** as its handler returns, not after every other request read meanwhile */
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c);
	if (bev) {
		event_priority_set(&bev->ev_read, PRIO_READ);
		event_priority_set(&bev->ev_write, PRIO_WRITE);
		/* A reply over 16 KiB (libevent's default write) went out in
		** pieces, one per loop round, and Nagle held the last piece until
		** the client's delayed ACK: 40 ms for each 36 kB dashboard, cached
		** or not. One write per reply, sent at once, as nginx does. */
		bufferevent_set_max_single_write(bev, 1 << 20);
		int one = 1;
		evutil_socket_t fd = bufferevent_getfd(bev);
		if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return 0;
}

const char *method_name(enum method m)
{
	switch (m) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_PUT: return "PUT";
	case M_PATCH: return "PATCH";
	case M_DELETE: return "DELETE";
	case M_HEAD: return "HEAD";
	case M_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

static enum method map_method(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return M_GET;
	case EVHTTP_REQ_POST: return M_POST;
	case EVHTTP_REQ_PUT: return M_PUT;
	case EVHTTP_REQ_PATCH: return M_PATCH;
	case EVHTTP_REQ_DELETE: return M_DELETE;
	case EVHTTP_REQ_HEAD: return M_HEAD;
	case EVHTTP_REQ_OPTIONS: return M_OPTIONS;
	default: return M_OTHER;
	}
}

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

void req_set_header(struct req *r, const char *name, const char *value)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	evhttp_remove_header(h, name);
	evhttp_add_header(h, name, value);
}

const char *req_query(struct req *r, const char *name) { return evhttp_find_header(&r->query, name); }
const char *req_form(struct req *r, const char *name) { return evhttp_find_header(&r->form, name); }

int req_read_multipart(struct req *r, const char *content_type, const char **why)
{
	struct mp_part *parts;
	int np;
	if (multipart_parse(&r->a, content_type, r->body, r->body_len, &parts, &np, why) != 0) return -1;
	r->files = arena_alloc(&r->a, sizeof *r->files * (size_t)(np ? np : 1));
	r->nfiles = 0;
	for (int i = 0; i < np; i++) {
		if (parts[i].filename) r->files[r->nfiles++] = parts[i];
		else if (req_form_add(r, parts[i].name, parts[i].data, parts[i].len) != 0) {
			*why = "out of memory";
			return -1;
		}
	}
	return 0;
}

const struct mp_part *req_file(struct req *r, const char *name)
{
	for (int i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, name) == 0) return &r->files[i];
	return NULL;
}

int req_form_add(struct req *r, const char *name, const char *value, size_t len)
{
	/* straight into the list: evhttp_add_header() would refuse a multi-line
	** value; evhttp_clear_headers() frees these with free() */
	struct evkeyval *kv = calloc(1, sizeof *kv);
	if (!kv) return -1;
	kv->key = strdup(name);
	kv->value = strndup(value, len);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		free(kv);
		return -1;
	}
	TAILQ_INSERT_TAIL(&r->form, kv, next);
	return 0;
}

const char *req_cookie(struct req *r, const char *name)
{
	const char *h = req_header(r, "Cookie");
	size_t nl = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';') h++;
		const char *eq = strchr(h, '=');
		if (!eq) break;
		const char *end = strchr(eq, ';');
		if (!end) end = eq + strlen(eq);
		if ((size_t)(eq - h) == nl && memcmp(h, name, nl) == 0)
			return arena_strndup(&r->a, eq + 1, (size_t)(end - eq - 1));
		h = end;
	}
	return NULL;
}

/* 503 to a connection over --max-conns, closed after it; like
** evhttp_send_error's page, which drops every header, but saying when to
** come back */
static void send_busy(struct evhttp_request *ev)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(ev);
	struct evbuffer *b = evbuffer_new();
	evhttp_add_header(h, "Content-Type", "text/html");
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "Retry-After", "1");
	if (b) evbuffer_add_printf(b, "<HTML><HEAD>\n<TITLE>503 Too many connections</TITLE>\n</HEAD><BODY>\n<H1>Too many connections</H1>\n</BODY></HTML>\n");
	evhttp_send_reply(ev, 503, "Too many connections", b);
	if (b) evbuffer_free(b);
}

static void on_request(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);
	if (conn && conn_track(w, conn) != 0) {
		send_busy(ev);
		return;
	}
	struct req r;
	memset(&r, 0, sizeof r);
	r.ev = ev;
	r.thread = w->index;
	r.db = w->db;
	r.method = map_method(evhttp_request_get_command(ev));
	arena_init_spare(&r.a, &w->arena_spare);
	r.out = w->out_spare; /* the last request's buffer: no malloc of 16 KiB a request */
	buf_init(&w->out_spare);
	buf_reset(&r.out);
	buf_grow(&r.out, 16384); /* most replies fit: no reallocation while writing */
	TAILQ_INIT(&r.query);
	TAILQ_INIT(&r.form);
	r.status = 200;

	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	size_t declen = 0;
	char *dec = evhttp_uridecode(path && *path ? path : "/", 0, &declen);
	r.path = arena_strdup(&r.a, dec ? dec : "/");
	if (dec && strlen(dec) != declen) r.has_nul = 1; /* "/people/1%00" is not "/people/1" */
	free(dec);
	r.raw_query = uri ? evhttp_uri_get_query(uri) : NULL;
	if (r.raw_query && strcasestr(r.raw_query, "%00")) r.has_nul = 1;
	if (r.raw_query) evhttp_parse_query_str(r.raw_query, &r.query);
	if (conn) {
		char *host = NULL;
		ev_uint16_t port = 0;
		evhttp_connection_get_peer(conn, &host, &port);
		r.peer = arena_strdup(&r.a, host ? host : "");
	}

	/* libevent stops reading at the larger limit; the one for this kind of
	** body is applied here, and a body over it is dropped, not copied */
	struct evbuffer *in = evhttp_request_get_input_buffer(ev);
	size_t n = evbuffer_get_length(in);
	size_t limit = multipart_is(req_header(&r, "Content-Type")) ? w->cfg->max_upload : w->cfg->max_body;
	if (n > limit) {
		r.too_large = 1;
		evbuffer_drain(in, n);
		n = 0;
	}
	char *body = arena_alloc(&r.a, n + 1);
	if (n) evbuffer_remove(in, body, n);
	r.body = body;
	r.body_len = n;

	w->cfg->handle(&r);

	struct evkeyvalq *oh = evhttp_request_get_output_headers(ev);
	if (r.ctype && !evhttp_find_header(oh, "Content-Type")) evhttp_add_header(oh, "Content-Type", r.ctype);
	/* the idle timeout, told: a client that keeps connections longer than
	** the server would send its next request on one just closed (RFC 9112
	** leaves that race to it; Node's fetch then fails the request) */
	if (!evhttp_find_header(oh, "Connection")) evhttp_add_header(oh, "Keep-Alive", w->keep_alive);
	struct evbuffer *ob = evbuffer_new();
	if (r.out_ref) {
		if (r.method == M_HEAD || !ob || evbuffer_add_reference(ob, r.out_ref, r.out_ref_len, r.out_ref_done, r.out_ref_arg) != 0)
			r.out_ref_done(r.out_ref, r.out_ref_len, r.out_ref_arg);
	} else if (r.method != M_HEAD && r.out.len) {
		evbuffer_add(ob, r.out.p, r.out.len);
	}
	evhttp_send_reply(ev, r.status, NULL, ob);
	evbuffer_free(ob);

	if (r.json) json_decref(r.json);
	evhttp_clear_headers(&r.query);
	evhttp_clear_headers(&r.form);
	if (r.out.cap <= (256u << 10)) {
		buf_free(&w->out_spare);
		w->out_spare = r.out;
	} else {
		buf_free(&r.out);
	}
	arena_free_keep(&r.a, &w->arena_spare);
}

/* While stopping: every connection whose reply has been written out is closed
** (an idle keep-alive one at once); when none is left the loop ends. A request
** still being read is not in flight and is dropped with its connection. */
static void drain(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd; (void)what;
	struct evhttp_connection **done = calloc(w->conns.count + 1, sizeof *done);
	size_t n = 0;
	for (size_t i = 0; i < w->conns.cap; i++) {
		struct evhttp_connection *c = w->conns.slot[i];
		if (!c) continue;
		struct bufferevent *bev = evhttp_connection_get_bufferevent(c);
		if (!bev || evbuffer_get_length(bufferevent_get_output(bev)) == 0) done[n++] = c;
	}
	for (size_t i = 0; i < n; i++) {
		conn_remove(&w->conns, done[i]);
		evhttp_connection_set_closecb(done[i], NULL, NULL);
		evhttp_connection_free(done[i]);
	}
	free(done);
	if (w->conns.count == 0 || ++w->drain_rounds > 200) event_base_loopexit(w->base, NULL);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	(void)fd; (void)what;
	if (w->bound) {
		evhttp_del_accept_socket(w->http, w->bound); /* stop accepting; closes our socket */
		w->bound = NULL;
	}
	/* handlers run to completion inside the loop: what is left is writing
	** replies out; check every 10 ms, for at most 2 s */
	struct timeval tv = { 0, 10000 };
	w->drain_ev = event_new(w->base, -1, EV_PERSIST, drain, w);
	event_add(w->drain_ev, &tv);
	drain(-1, 0, w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	event_base_dispatch(w->base);
	if (w->cfg->thread_end) w->cfg->thread_end();
	return NULL;
}

/* reuseport: SO_REUSEPORT, one listening socket per worker (see http_serve) */
static int open_listener(const char *listen_addr, int reuseport)
{
	char host[256];
	const char *colon = strrchr(listen_addr, ':');
	if (!colon || colon == listen_addr || (size_t)(colon - listen_addr) >= sizeof host) {
		log_err("--listen wants HOST:PORT, got '%s'", listen_addr);
		return -1;
	}
	memcpy(host, listen_addr, (size_t)(colon - listen_addr));
	host[colon - listen_addr] = 0;
	char *h = host;
	if (h[0] == '[') { h++; h[strlen(h) - 1] = 0; }
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res;
	int rc = getaddrinfo(h, colon + 1, &hints, &res);
	if (rc) {
		log_err("cannot resolve %s: %s", listen_addr, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (reuseport && fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
		close(fd);
		freeaddrinfo(res);
		return -1;
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
		log_err("cannot listen on %s: %s", listen_addr, strerror(errno));
		if (fd >= 0) close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	evutil_make_socket_nonblocking(fd);
	return fd;
}

int http_serve(const struct http_config *cfg)
{
	evthread_use_pthreads();
	/* bound without SO_REUSEPORT first: a port in use by anyone fails here */
	int lfd = open_listener(cfg->listen, 0);
	if (lfd < 0) return 1;
	int n = cfg->threads > 0 ? cfg->threads : 1;
	/* One listening socket per worker (SO_REUSEPORT), so that the kernel
	** spreads the connections over the workers. On one shared socket the
	** worker that wakes first accepts a whole burst: under 64 connections
	** to the dashboard one worker held all 64 and the other idled. The
	** probe above is closed just before, so a second server on the same
	** port still fails; a fixed port only (port 0 keeps the shared socket). */
	int *wfd = calloc((size_t)n, sizeof *wfd);
	int spread = n > 1 && strcmp(strrchr(cfg->listen, ':') + 1, "0") != 0;
	if (spread) {
		close(lfd);
		lfd = -1;
		for (int i = 0; i < n && spread; i++)
			if ((wfd[i] = open_listener(cfg->listen, 1)) < 0) {
				/* no SO_REUSEPORT here: back to one shared socket */
				for (int k = 0; k < i; k++) close(wfd[k]);
				spread = 0;
			}
		if (!spread && (lfd = open_listener(cfg->listen, 0)) < 0) return 1;
	}

	/* SIGTERM and SIGINT are taken by sigwait() below, in this thread only */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct worker *ws = calloc((size_t)n, sizeof *ws);
	for (int i = 0; i < n; i++) {
		struct worker *w = &ws[i];
		w->index = i;
		w->cfg = cfg;
		if (cfg->thread_init && cfg->thread_init(i, &w->db) != 0) {
			log_err("worker %d: cannot open the database", i);
			return 1;
		}
		w->conns.cap = 1;
		while (w->conns.cap < (size_t)cfg->max_conns * 2) w->conns.cap <<= 1;
		w->conns.slot = calloc(w->conns.cap, sizeof *w->conns.slot);
		struct event_config *ec = event_config_new();
		struct timeval poll_every = { 0, 5000 };
		if (ec) event_config_set_max_dispatch_interval(ec, &poll_every, -1, PRIO_READ);
		/* evhttp turns a connection's reading off and on again and its
		** writing on and off for every request: four epoll_ctl calls, 12%
		** of a cached GET's CPU. The change list applies only the net change
		** once per loop round (two calls). Its caveat, a descriptor dup()ed
		** into the same loop and one copy closed, does not arise: a loop
		** holds its own listening socket and the connections it accepted. */
		if (ec) event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		w->base = ec ? event_base_new_with_config(ec) : event_base_new();
		if (ec) event_config_free(ec);
		event_base_priority_init(w->base, 2);
		w->http = evhttp_new(w->base);
		evhttp_set_allowed_methods(w->http, 0xffff);
		/* the larger of the two limits; on_request applies the right one */
		evhttp_set_max_body_size(w->http, (ev_ssize_t)(cfg->max_upload > cfg->max_body ? cfg->max_upload : cfg->max_body));
		/* a body over the limit is read to its end and thrown away before
		** the 413, so a client still sending sees the answer, not a reset */
		evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
		evhttp_set_max_headers_size(w->http, (ev_ssize_t)cfg->max_headers);
		evhttp_set_timeout(w->http, cfg->timeout_sec);
		snprintf(w->keep_alive, sizeof w->keep_alive, "timeout=%d", cfg->timeout_sec);
		evhttp_set_gencb(w->http, on_request, w);
		w->fd = spread ? wfd[i] : dup(lfd);
		w->bound = evhttp_accept_socket_with_handle(w->http, w->fd);
		w->stop_ev = event_new(w->base, -1, 0, on_stop, w);
		if (!w->bound) {
			log_err("worker %d: cannot accept", i);
			return 1;
		}
	}
	if (lfd >= 0) close(lfd);
	free(wfd);
	for (int i = 0; i < n; i++) pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]);
	log_info("listening on http://%s with %d thread%s", cfg->listen, n, n == 1 ? "" : "s");

	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: finishing requests in flight", sig);
	for (int i = 0; i < n; i++) event_active(ws[i].stop_ev, EV_READ, 0);
	for (int i = 0; i < n; i++) pthread_join(ws[i].tid, NULL);
	for (int i = 0; i < n; i++) {
		event_free(ws[i].stop_ev);
		if (ws[i].drain_ev) event_free(ws[i].drain_ev);
		evhttp_free(ws[i].http);
		event_base_free(ws[i].base);
		free(ws[i].conns.slot);
		free(ws[i].arena_spare);
		buf_free(&ws[i].out_spare);
		db_close(ws[i].db);
	}
	free(ws);
	log_info("stopped");
	return 0;
}
