/* The reply cache: a GET of a route marked CACHED is answered from the reply
** the same worker made for the same request, as long as the database has not
** changed since, and with an ETag so that a client holding the reply gets a
** 304 instead of the bytes.
**
** Why it is safe:
**  - the key is the whole request as the handler sees it: method, path,
**    query, language, the user's id, how they logged in and, for a page,
**    the session's CSRF token (the forms carry it), and today's date; two
**    users never share an entry, and the key is compared byte for byte, not
**    by its hash. The route's login and permission checks run before the
**    cache is asked, every time (an expired session is not answered);
**  - an entry is valid only for the data it was made from: it carries the
**    connection's change stamp (db_change_stamp), read before the handler
**    (or the identity check) reads anything, so that everything the reply
**    was made from is at least as new as the stamp; any write anywhere
**    makes every entry stale. An entry whose data is newer than its stamp
**    is never served: a commit came between, so the stamp cannot be read
**    again. On SQLite the stamp is the WAL-index header of the -shm file
**    (it moves with every commit of any connection, in this process or
**    another; read from memory, no lock: a hit takes no read transaction),
**    read before the request's first statement; on PostgreSQL it is the
**    cluster's snapshot (pg_current_snapshot), which moves when any writing
**    transaction ends, on this server or any other sharing the database:
**    a write acknowledged by another server before this GET began has
**    changed it, so no NOTIFY has to arrive first (docs/ARCHITECTURE.md);
**  - it lives at most CACHE_TTL_MS, so output that depends on the clock is
**    at most that old;
**  - only 200 replies without Set-Cookie are kept, and a request carrying a
**    flash message (a cookie the page consumes) is never answered from it.
** Each worker has its own cache (no lock), freed when the thread ends. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../base/util.h"
#include "web.h"

#define CACHE_SLOTS 64                 /* per worker, direct-mapped by the key's hash */
#define CACHE_MAX_BYTES (16u << 20)    /* per worker */
#define CACHE_MAX_ENTRY (2u << 20)     /* larger replies are not kept */
#define CACHE_TTL_MS 2000

int reply_cache_enabled = 1;

struct header {
	char *name, *value;
};

/* a reply's bytes, shared by the entry and the replies being written
** (evbuffer_add_reference): freed by whichever lets go last; one worker
** thread only (its cache, its connections), so a plain count */
struct body {
	int refs;
	char data[];
};

struct entry {
	char *key;
	size_t key_len;
	uint64_t stamp[2];
	int64_t made_ms;
	char etag[35];                     /* "32 hex digits" */
	char *ctype;
	struct header *h;
	int nh;
	struct body *body;
	size_t len;
};

static void body_release(struct body *b)
{
	if (b && --b->refs == 0) free(b);
}

/* evbuffer_add_reference's cleanup, once the reply is written (or dropped) */
static void body_done(const void *data, size_t len, void *arg)
{
	(void)data; (void)len;
	body_release(arg);
}

/* who a credential (a bearer token or a session cookie) is, as identify()
** found it in the database: the user with their grants, the session's CSRF
** token; valid for the same change stamp only (any commit anywhere drops
** it: a revoked token, a disabled user, a changed grant or a logout is a
** commit) and at most IDENT_TTL_MS, so a session's idle clock and an
** expiry are still read from the database every few seconds */
#define IDENT_SLOTS 64
#define IDENT_TTL_MS 2000
struct ident {
	char cred[66];                     /* 't' or 's', then the 64 characters */
	uint64_t stamp[2];
	int64_t made_ms;
	struct user u;                     /* strings and grants' strings malloc'd */
	char *csrf;
};

/* a catalogue as its reader serialised it, for one change stamp (memo_get) */
struct memo_entry {
	uint64_t stamp[2];
	char *data;
	size_t len;
};

struct cache {
	struct entry slot[CACHE_SLOTS];
	size_t bytes;
	struct ident ident[IDENT_SLOTS];
	struct memo_entry memo[MEMO_N];
};

static pthread_key_t tls;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void entry_free(struct cache *c, struct entry *e)
{
	if (!e->key) return;
	c->bytes -= e->len + e->key_len;
	free(e->key);
	free(e->ctype);
	for (int i = 0; i < e->nh; i++) { free(e->h[i].name); free(e->h[i].value); }
	free(e->h);
	body_release(e->body);
	memset(e, 0, sizeof *e);
}

static void ident_free(struct ident *d)
{
	if (!d->cred[0]) return;
	free((char *)d->u.login);
	free((char *)d->u.full_name);
	free((char *)d->u.lang);
	for (int i = 0; i < d->u.ngrants; i++) {
		free((char *)d->u.grants[i].unit_path);
		free((char *)d->u.grants[i].unit_name);
	}
	free(d->csrf);
	memset(d, 0, sizeof *d);
}

static void cache_free(void *p)
{
	struct cache *c = p;
	for (int i = 0; i < CACHE_SLOTS; i++) entry_free(c, &c->slot[i]);
	for (int i = 0; i < IDENT_SLOTS; i++) ident_free(&c->ident[i]);
	for (int i = 0; i < MEMO_N; i++) free(c->memo[i].data);
	free(c);
}

static void tls_init(void) { pthread_key_create(&tls, cache_free); }

static struct cache *this_cache(void)
{
	pthread_once(&tls_once, tls_init);
	struct cache *c = pthread_getspecific(tls);
	if (!c && (c = calloc(1, sizeof *c))) pthread_setspecific(tls, c);
	return c;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* the request as the handler sees it; NULL: not to be cached */
static const char *cache_key(struct req *r, size_t *len)
{
	if (!r->user || r->method != M_GET) return NULL;
	const char *cookie = req_header(r, "Cookie");
	if (cookie && strstr(cookie, "tdflash=")) return NULL;
	char today[11], uid[24];
	today_iso(today);
	snprintf(uid, sizeof uid, "%lld", (long long)r->user->id);
	/* path, query, language, user, how they logged in, the page's CSRF
	** token, today: one per line (none holds a newline: a query's is %0A) */
	const char *part[7] = { r->path, r->raw_query ? r->raw_query : "", r->lang, uid, r->by_token ? "1" : "0",
				!r->api && r->csrf ? r->csrf : "", today };
	size_t pl[7], n = 0;
	for (int i = 0; i < 7; i++) n += (pl[i] = strlen(part[i])) + 1;
	char *k = arena_alloc(&r->a, n), *p = k;
	for (int i = 0; i < 7; i++) {
		memcpy(p, part[i], pl[i]);
		p += pl[i];
		*p++ = i < 6 ? '\n' : 0;
	}
	*len = n - 1;
	return k;
}

static int etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	for (const char *p = inm; p && *p;) {
		while (*p == ' ' || *p == ',') p++;
		if (strncmp(p, "W/", 2) == 0) p += 2;
		if (strncmp(p, etag, el) == 0 && (p[el] == 0 || p[el] == ',' || p[el] == ' ')) return 1;
		if (*p == '*' && (p[1] == 0 || p[1] == ',' || p[1] == ' ')) return 1; /* "*" alone, not a tag starting with it */
		p = strchr(p, ',');
	}
	return 0;
}

/* ETag and, when the client holds this reply already, 304 without the body */
static void reply_validated(struct req *r, const char *etag)
{
	req_set_header(r, "ETag", etag);
	const char *inm = req_header(r, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		r->status = 304;
		buf_reset(&r->out);
		if (r->out_ref) {
			r->out_ref_done(r->out_ref, r->out_ref_len, r->out_ref_arg);
			r->out_ref = NULL;
		}
	}
}

int reply_cache_serve(struct req *r, struct reply_cache_req *q)
{
	memset(q, 0, sizeof *q);
	if (!reply_cache_enabled) return 0;
	struct cache *c = this_cache();
	if (!c) return 0;
	q->key = cache_key(r, &q->key_len);
	if (!q->key) return 0;
	if (r->stamp_ok) memcpy(q->stamp, r->stamp, sizeof q->stamp); /* the identity cache read it before the request's first statement */
	else if (db_change_stamp(r->db, q->stamp) != DB_OK) return 0;
	q->ok = 1;
	struct entry *e = &c->slot[fnv(q->key, q->key_len) % CACHE_SLOTS];
	if (!e->key || e->key_len != q->key_len || memcmp(e->key, q->key, q->key_len) != 0) return 0;
	if (e->stamp[0] != q->stamp[0] || e->stamp[1] != q->stamp[1] || now_ms() - e->made_ms > CACHE_TTL_MS) {
		entry_free(c, e);
		return 0;
	}
	/* the headers set before the handler ran (security headers, language)
	** came out the same for the same key: kept when they are the entry's
	** first ones, in the same order; the handler's are added */
	struct evkeyvalq *oh = evhttp_request_get_output_headers(r->ev);
	struct evkeyval *kv;
	int same = 0;
	TAILQ_FOREACH(kv, oh, next) {
		if (same == e->nh || strcmp(kv->key, e->h[same].name) != 0 || strcmp(kv->value, e->h[same].value) != 0) {
			same = -1;
			break;
		}
		same++;
	}
	if (same < 0) {
		evhttp_clear_headers(oh);
		same = 0;
	}
	for (int i = same; i < e->nh; i++) evhttp_add_header(oh, e->h[i].name, e->h[i].value);
	r->status = 200;
	r->ctype = e->ctype;
	buf_reset(&r->out);
	/* the bytes by reference: no copy into the request, none into libevent */
	e->body->refs++;
	r->out_ref = e->body->data;
	r->out_ref_len = e->len;
	r->out_ref_done = body_done;
	r->out_ref_arg = e->body;
	reply_validated(r, e->etag);
	return 1;
}

void reply_cache_store(struct req *r, const struct reply_cache_req *q)
{
	if (!q->ok || r->status != 200 || r->out.len > CACHE_MAX_ENTRY) return;
	struct evkeyvalq *oh = evhttp_request_get_output_headers(r->ev);
	int nh = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, oh, next) {
		if (strcasecmp(kv->key, "Set-Cookie") == 0 || strcasecmp(kv->key, "ETag") == 0) return;
		nh++;
	}
	unsigned char hash[16];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)r->out.p, r->out.len, NULL, 0);
	char etag[35];
	etag[0] = '"';
	sodium_bin2hex(etag + 1, 33, hash, sizeof hash);
	etag[33] = '"';
	etag[34] = 0;
	struct cache *c = this_cache();
	if (c) {
		struct entry *e = &c->slot[fnv(q->key, q->key_len) % CACHE_SLOTS];
		entry_free(c, e);
		if (c->bytes + r->out.len + q->key_len > CACHE_MAX_BYTES)
			for (int i = 0; i < CACHE_SLOTS; i++) entry_free(c, &c->slot[i]);
		e->key = malloc(q->key_len);
		e->h = calloc((size_t)nh + 1, sizeof *e->h);
		e->body = malloc(sizeof *e->body + r->out.len + 1);
		e->ctype = r->ctype ? strdup(r->ctype) : NULL;
		int ok = e->key && e->h && e->body && (!r->ctype || e->ctype);
		if (ok) {
			TAILQ_FOREACH(kv, oh, next) {
				struct header *h = &e->h[e->nh];
				h->name = strdup(kv->key);
				h->value = strdup(kv->value);
				e->nh++;
				if (!h->name || !h->value) { ok = 0; break; }
			}
		}
		if (ok) {
			memcpy(e->key, q->key, q->key_len);
			e->key_len = q->key_len;
			e->body->refs = 1;
			memcpy(e->body->data, r->out.p, r->out.len);
			e->len = r->out.len;
			memcpy(e->stamp, q->stamp, sizeof e->stamp);
			e->made_ms = now_ms();
			memcpy(e->etag, etag, sizeof etag);
			c->bytes += e->len + e->key_len;
		} else {
			/* a partial entry: free what was taken (entry_free needs the key) */
			for (int i = 0; i < e->nh; i++) { free(e->h[i].name); free(e->h[i].value); }
			free(e->key); free(e->h); free(e->body); free(e->ctype);
			memset(e, 0, sizeof *e);
		}
	}
	reply_validated(r, etag);
}

/* ---- the identity cache (see struct ident) ---- */

static int ident_key(char key[66], int by_token, const char *cred)
{
	if (!cred || strlen(cred) != 64) return 0;
	key[0] = by_token ? 't' : 's';
	memcpy(key + 1, cred, 65);
	return 1;
}

static struct ident *ident_slot(struct cache *c, const char *key)
{
	return &c->ident[fnv(key, 65) % IDENT_SLOTS];
}

int identity_cache_get(struct req *r, int by_token, const char *cred, struct ident_stamp *st)
{
	char key[66];
	st->ok = 0;
	struct cache *c = this_cache();
	if (!c || !ident_key(key, by_token, cred)) return 0;
	/* read first, whether or not an entry is there: _put keeps it */
	st->ok = db_change_stamp(r->db, st->stamp) == DB_OK;
	if (st->ok) { /* the reply cache and the memo use it: one read per request */
		memcpy(r->stamp, st->stamp, sizeof r->stamp);
		r->stamp_ok = 1;
		r->stamp_writes = db_write_count(r->db);
	}
	struct ident *d = ident_slot(c, key);
	if (!d->cred[0] || memcmp(d->cred, key, 66) != 0) return 0;
	if (!st->ok || d->stamp[0] != st->stamp[0] || d->stamp[1] != st->stamp[1] || now_ms() - d->made_ms > IDENT_TTL_MS) {
		ident_free(d);
		return 0;
	}
	struct user *u = arena_alloc(&r->a, sizeof *u);
	*u = d->u;
	u->login = arena_strdup(&r->a, d->u.login);
	u->full_name = arena_strdup(&r->a, d->u.full_name);
	u->lang = d->u.lang ? arena_strdup(&r->a, d->u.lang) : NULL;
	for (int i = 0; i < u->ngrants; i++) {
		u->grants[i].unit_path = arena_strdup(&r->a, d->u.grants[i].unit_path);
		u->grants[i].unit_name = arena_strdup(&r->a, d->u.grants[i].unit_name);
	}
	r->user = u;
	if (d->csrf) r->csrf = arena_strdup(&r->a, d->csrf);
	return 1;
}

static char *dup_or_null(const char *s, int *ok)
{
	if (!s) return NULL;
	char *d = strdup(s);
	if (!d) *ok = 0;
	return d;
}

void identity_cache_put(struct req *r, int by_token, const char *cred, const struct ident_stamp *st)
{
	char key[66];
	struct cache *c = this_cache();
	if (!c || !r->user || !st->ok || !ident_key(key, by_token, cred)) return;
	struct ident *d = ident_slot(c, key);
	ident_free(d);
	int ok = 1;
	d->u = *r->user;
	d->u.login = dup_or_null(r->user->login, &ok);
	d->u.full_name = dup_or_null(r->user->full_name, &ok);
	d->u.lang = dup_or_null(r->user->lang, &ok);
	for (int i = 0; i < d->u.ngrants; i++) {
		d->u.grants[i].unit_path = dup_or_null(r->user->grants[i].unit_path, &ok);
		d->u.grants[i].unit_name = dup_or_null(r->user->grants[i].unit_name, &ok);
	}
	d->csrf = dup_or_null(r->csrf, &ok);
	memcpy(d->cred, key, 66);
	memcpy(d->stamp, st->stamp, sizeof d->stamp);
	d->made_ms = now_ms();
	if (!ok) ident_free(d);
}

/* ---- the memo of catalogues ----
** Why it is safe: an entry is kept with the change stamp the request read
** before the handler read anything (r->stamp), so it holds data at least as
** new as that stamp; it is given only to a request that read the same stamp,
** i.e. when nothing was committed anywhere in between (the argument of the
** reply cache, and across servers the same). The stamp must be this
** request's view: only for a GET or HEAD whose stamp the identity cache read
** and that began no write since (db_write_count), so a request never gets a
** catalogue older than its own write. The catalogue is the data as of the
** stamp: a commit between the stamp and the request's first statement
** leaves the rest of the page one commit newer (as if the catalogue had
** been read first; on PostgreSQL, READ COMMITTED, every statement is so).
** The memo is per worker thread, like its connection. */
static int memo_usable(struct req *r)
{
	return r->stamp_ok && (r->method == M_GET || r->method == M_HEAD) &&
	       r->stamp_writes == db_write_count(r->db);
}

const char *memo_get(struct req *r, enum memo m, size_t *len)
{
	struct cache *c = memo_usable(r) ? this_cache() : NULL;
	if (!c) return NULL;
	struct memo_entry *e = &c->memo[m];
	if (!e->data || e->stamp[0] != r->stamp[0] || e->stamp[1] != r->stamp[1]) return NULL;
	*len = e->len;
	return e->data;
}

void memo_put(struct req *r, enum memo m, const char *data, size_t len)
{
	struct cache *c = memo_usable(r) ? this_cache() : NULL;
	if (!c) return;
	struct memo_entry *e = &c->memo[m];
	char *d = malloc(len + 1);
	if (!d) return;
	memcpy(d, data, len);
	d[len] = 0;
	free(e->data);
	e->data = d;
	e->len = len;
	memcpy(e->stamp, r->stamp, sizeof e->stamp);
}
