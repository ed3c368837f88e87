/* The dispatcher: security headers, language, who is asking, the route
** table lookup (404/405 with Allow), the central login/permission/CSRF
** checks and body parsing, then the handler. */
#include <event2/http.h>
#include <string.h>
#include <strings.h>

#include "../base/assets.h"
#include "../base/log.h"
#include "web.h"
#include "roles.h"

static void security_headers(struct req *r)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
}

/* Matches path against a pattern; fills r->params. */
static int match(const char *pat, const char *path, struct req *r, int fill)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			const char *se = strchr(path, '/');
			if (!se) se = path + strlen(path);
			if (se == path) return 0;
			if (fill && np < 4) r->params[np] = arena_strndup(&r->a, path, (size_t)(se - path));
			np++;
			pat = pe + 1;
			path = se;
			continue;
		}
		if (*pat != *path) return 0;
		pat++;
		path++;
	}
	return *pat == 0 && *path == 0;
}

int router_page_exists(const char *path)
{
	for (const struct route *rt = routes; rt->pattern; rt++)
		if (rt->method == M_GET && match(rt->pattern, path, NULL, 0)) return 1;
	return 0;
}

static void serve_static(struct req *r)
{
	const struct asset *a = asset_find(r->path + 1);
	if (!a || (r->method != M_GET && r->method != M_HEAD)) {
		reply_error(r, 404, "not_found", N_("No such page"));
		return;
	}
	const char *dot = strrchr(a->name, '.');
	r->ctype = !dot ? "application/octet-stream"
		 : strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8"
		 : strcmp(dot, ".js") == 0 ? "text/javascript; charset=utf-8"
		 : strcmp(dot, ".svg") == 0 ? "image/svg+xml"
		 : strcmp(dot, ".png") == 0 ? "image/png" : "application/octet-stream";
	req_set_header(r, "Cache-Control", "public, max-age=3600");
	buf_add(&r->out, a->data, a->len);
}

static void identify(struct req *r)
{
	const char *authz = req_header(r, "Authorization");
	int64_t uid = -1;
	struct ident_stamp st;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		if (identity_cache_get(r, 1, authz + 7, &st)) { r->by_token = 1; return; }
		uid = role_identify(r->db, &r->a, 1, authz + 7, &r->user, NULL);
		r->by_token = uid > 0;
		if (uid > 0 && r->user) identity_cache_put(r, 1, authz + 7, &st);
		return;
	}
	const char *sid = req_cookie(r, "tdsid");
	if (!sid) return;
	if (identity_cache_get(r, 0, sid, &st)) { r->session_id = sid; return; }
	uid = role_identify(r->db, &r->a, 0, sid, &r->user, &r->csrf);
	if (uid <= 0) return;
	r->session_id = sid;
	if (r->user) identity_cache_put(r, 0, sid, &st);
}

static int csrf_ok(struct req *r)
{
	if (r->by_token) return 1;
	/* an API call without a session cookie carries no ambient authority */
	if (r->api && !r->session_id) return 1;
	const char *sent = req_header(r, "X-CSRF-Token");
	if (!sent) sent = req_form(r, "_csrf");
	/* logged in: the session's token; anonymous (login form): the cookie's */
	const char *want = r->csrf ? r->csrf : req_cookie(r, "tdpre");
	return sent && want && strlen(want) >= 32 && strcmp(sent, want) == 0;
}

static int parse_body(struct req *r)
{
	if (r->too_large) {
		reply_error(r, 413, "too_large", N_("The request is too large"));
		return 0;
	}
	if (!r->body_len) return 1;
	const char *ct = req_header(r, "Content-Type");
	if (ct && strncasecmp(ct, "application/json", 16) == 0) {
		json_error_t err;
		r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
		if (!r->json || !json_is_object(r->json)) {
			struct buf b;
			buf_init(&b);
			if (r->json) buf_raw(&b, "the body must be a JSON object");
			else buf_printf(&b, "%s (line %d, column %d)", err.text, err.line, err.column);
			r->api = 1;
			reply_error(r, 400, "malformed", arena_strdup(&r->a, buf_cstr(&b)));
			buf_free(&b);
			return 0;
		}
	} else if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		if (strcasestr(r->body, "%00") || evhttp_parse_query_str(r->body, &r->form) != 0) {
			reply_error(r, 400, "malformed", N_("The form could not be read"));
			return 0;
		}
	} else if (multipart_is(ct)) {
		const char *why;
		if (req_read_multipart(r, ct, &why) != 0) {
			log_info("multipart body refused: %s", why);
			reply_error(r, 400, "malformed", N_("The form could not be read"));
			return 0;
		}
	}
	return 1;
}

/* Behind the nginx of docs/nginx.conf every connection comes from loopback:
** then the client is the last address nginx put in X-Forwarded-For. The
** header is ignored from any other peer, who could forge it. */
static void client_address(struct req *r)
{
	if (!r->peer || (strcmp(r->peer, "127.0.0.1") != 0 && strcmp(r->peer, "::1") != 0)) return;
	const char *xff = req_header(r, "X-Forwarded-For");
	if (!xff || !*xff) return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ') last++;
	size_t n = strcspn(last, " ");
	if (n > 0 && n < 64) r->peer = arena_strndup(&r->a, last, n);
}

static int is_cached(const struct route *rt)
{
	for (int i = 0; cached_handlers[i]; i++)
		if (cached_handlers[i] == rt->fn) return 1;
	return 0;
}

static void dispatch(struct req *r, int snapshot);

/* A read (GET, HEAD) is one snapshot from the identity check to the reply:
** every query sees the same data, and SQLite takes its read lock once per
** request instead of once per statement (the session or token lookup and
** the user's grants were four lock round trips of system calls). The
** session's idle clock, written once a minute, is committed at once.
** On PostgreSQL a transaction block is READ COMMITTED (each statement sees
** the latest commits, as outside one): it would only cost two round trips,
** so a read runs its statements as they come (snapshot is still set: the
** request is a read, and the reply cache may answer it). */
void web_dispatch(struct req *r)
{
	int read = (r->method == M_GET || r->method == M_HEAD) && !db_in_tx(r->db);
	int snapshot = read && (!strcmp(db_dialect(r->db), "pg") || db_exec(r->db, "BEGIN", "") == DB_OK);
	dispatch(r, snapshot);
	if (snapshot && db_in_tx(r->db) && db_exec(r->db, "COMMIT", "") != DB_OK) db_rollback(r->db);
}

static void dispatch(struct req *r, int snapshot)
{
	security_headers(r);
	client_address(r);
	r->api = strncmp(r->path, "/api/", 5) == 0;
	identify(r);
	if (snapshot && db_tx_writing(r->db)) {
		/* the session's idle clock was written (once a minute): commit it
		** now rather than hold the write lock through the handler; the
		** stamp read before is not this snapshot's */
		r->stamp_ok = 0;
		if (db_exec(r->db, "COMMIT", "") != DB_OK) db_rollback(r->db);
		if (db_exec(r->db, "BEGIN", "") != DB_OK) snapshot = 0;
	}
	const char *lang = req_cookie(r, "lang");
	if (!lang && r->user) lang = r->user->lang;
	r->lang = i18n_pick(lang, req_header(r, "Accept-Language"));
	if (!r->api) req_set_header(r, "Content-Language", r->lang);

	if (r->has_nul) { /* decoding would cut the text there: refuse rather than guess */
		reply_error(r, 400, "bad_request", N_("The address contains a NUL character"));
		return;
	}
	if (strncmp(r->path, "/static/", 8) == 0) {
		serve_static(r);
		return;
	}
	enum method m = r->method == M_HEAD ? M_GET : r->method;
	const struct route *hit = NULL;
	int path_known = 0;
	for (const struct route *rt = routes; rt->pattern; rt++) {
		if (!match(rt->pattern, r->path, r, 0)) continue;
		path_known = 1;
		if (rt->method == m) { hit = rt; break; }
	}
	if (!hit) {
		if (!path_known) {
			reply_error(r, 404, "not_found", N_("No such page"));
			return;
		}
		struct buf allow;
		buf_init(&allow);
		for (const struct route *rt = routes; rt->pattern; rt++) {
			if (!match(rt->pattern, r->path, r, 0)) continue;
			if (allow.len) buf_raw(&allow, ", ");
			buf_raw(&allow, method_name(rt->method));
			if (rt->method == M_GET) buf_raw(&allow, ", HEAD");
		}
		req_set_header(r, "Allow", buf_cstr(&allow));
		buf_free(&allow);
		reply_error(r, 405, "method_not_allowed", N_("This address does not accept that method"));
		return;
	}
	match(hit->pattern, r->path, r, 1);
	/* the database server cannot be reached (PostgreSQL restarting): who is
	** asking could not be read, so neither 401 nor the login page, but 503 */
	if (hit->auth == LOGIN && !r->user && db_unavailable(r->db)) {
		reply_fail(r, E_BUSY, NULL);
		return;
	}
	if (hit->auth == LOGIN && !r->user) {
		if (r->api) {
			req_set_header(r, "WWW-Authenticate", "Bearer");
			reply_error(r, 401, "unauthenticated", N_("Please log in"));
		} else {
			struct buf b;
			buf_init(&b);
			/* A form sent after the session ended (idle or absolute expiry):
			** its address takes only a POST, so the login leads back to the
			** page the form was on (or home), and the login page says that
			** nothing was saved. A link followed with a session that ended
			** says that it ended. */
			const char *back = m != M_GET ? page_before(r) : NULL;
			if (back && !strncmp(back, "/login", 6)) back = NULL;
			buf_raw(&b, "/login?");
			if (m != M_GET) buf_raw(&b, "ended=form&");
			else if (req_cookie(r, "tdsid")) buf_raw(&b, "ended=1&");
			buf_raw(&b, "next=");
			buf_url(&b, m != M_GET ? (back ? back : "/") : r->path);
			/* a shared link keeps its filters through the login (a GET's query, as sent) */
			if (m == M_GET && r->raw_query && *r->raw_query) {
				buf_url(&b, "?");
				buf_url(&b, r->raw_query);
			}
			reply_redirect(r, arena_strdup(&r->a, buf_cstr(&b)));
			buf_free(&b);
		}
		return;
	}
	if (!parse_body(r)) return;
	if (m != M_GET && m != M_OPTIONS && !csrf_ok(r)) {
		reply_error(r, 403, "csrf", N_("The form has expired or did not come from this site; reload the page and try again"));
		return;
	}
	if (hit->perm && !role_can_any(r->user, (enum perm)hit->perm)) {
		/* no role of the user holds the route's right: the reason is the role */
		reply_forbidden(r, role_refusal(r->user, NULL));
		return;
	}
	struct reply_cache_req cq = { 0 };
	if (snapshot && is_cached(hit) && reply_cache_serve(r, &cq)) return;
	struct repeat_guard rg;
	if (repeat_begin(r, &rg)) return; /* a double click: the first one's answer */
	hit->fn(r);
	repeat_end(r, &rg);
	if (cq.ok) reply_cache_store(r, &cq);
}
