/* The pages every feature shares: layout, login and logout, language,
** home, health; and the API's login. */
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "../base/audit.h"
#include "../base/util.h"
#include "tmpl_layout.h"
#include "tmpl_login.h"
#include "web.h"
#include "roles.h"

/* The address of this page as the browser asked for it: the path still
** percent-encoded, with its query, so a form (the language switch) can come
** back to exactly here. */
static const char *page_here(struct req *r)
{
	const struct evhttp_uri *uri = r->ev ? evhttp_request_get_evhttp_uri(r->ev) : NULL;
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!path || path[0] != '/') path = "/";
	if (r->method != M_GET && r->method != M_HEAD) {
		/* a page answering a form's POST (its errors): the nearest page above
		 * it that a GET reaches (/models/139/reports → /models/139), not the
		 * POST's address, which a GET would answer with 405 */
		char *p = arena_strdup(&r->a, path);
		char *slash;
		while (!router_page_exists(p) && (slash = strrchr(p, '/')) != NULL && slash != p) *slash = 0;
		return router_page_exists(p) ? p : "/";
	}
	if (!r->raw_query || !*r->raw_query) return path;
	return arena_printf(&r->a, "%s?%s", path, r->raw_query);
}

/* behind a TLS proxy a cookie never travels in clear: "; Secure" */
static const char *cookie_secure(struct req *r)
{
	const char *proto = req_header(r, "X-Forwarded-Proto");
	return proto && strcmp(proto, "https") == 0 ? "; Secure" : "";
}

void page_begin(struct req *r, const char *title, const char *section)
{
	r->ctype = "text/html; charset=utf-8";
	req_set_header(r, "Cache-Control", "no-store");
	if (!r->user && !r->csrf) {
		/* anonymous forms (login, language) are checked against this cookie */
		const char *pre = req_cookie(r, "tdpre");
		if (!pre || strlen(pre) != 64) {
			char tok[65];
			random_token(tok, 32);
			pre = arena_strdup(&r->a, tok);
			evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie",
					  arena_printf(&r->a, "tdpre=%s; Path=/; HttpOnly; SameSite=Strict%s", pre, cookie_secure(r)));
		}
		r->csrf = pre;
	}
	/* a refused request's page keeps another page's success message for
	** that page: "Saved" next to "changed by someone else" contradicts */
	tmpl_layout_head(&r->out, r, title, section, r->status >= 400 ? NULL : flash_take(r), page_here(r));
}

void page_end(struct req *r) { tmpl_layout_foot(&r->out, r); }

void tmpl_num(struct buf *o, struct req *r, int64_t v) { fmt_int(o, r->lang, v); }
void tmpl_date(struct buf *o, struct req *r, const char *iso) { fmt_date(o, r->lang, iso); }
void tmpl_datetime(struct buf *o, struct req *r, const char *iso) { fmt_datetime(o, r->lang, iso); }

const char *number_text(struct req *r, double v)
{
	struct buf b;
	buf_init(&b);
	fmt_number(&b, r->lang, v);
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}
void tmpl_pager(struct buf *o, struct req *r, int64_t total, int capped, int64_t limit, int64_t offset)
{
	tmpl_pager_links(o, r, total, capped, limit, offset);
}

void page_healthz(struct req *r)
{
	int64_t one = 0;
	r->ctype = "text/plain; charset=utf-8";
	if (db_int1(r->db, &one, "SELECT 1", "") == DB_ROW) {
		buf_raw(&r->out, "ok\n");
	} else {
		r->status = 503;
		req_set_header(r, "Retry-After", "5");
		buf_raw(&r->out, "database unavailable\n");
	}
}


/* a size in bytes in the largest unit that reads naturally ("12 KB", "250 MB",
** "1 GB", "1,5 GB"), in the reader's number format: KB (rounded up, so that a
** small file is not "0 KB") below one MB, MB below one GB, else GB; one
** decimal below 10 of the unit, none from 10 on and none that is 0 */
void tmpl_bytes(struct buf *o, struct req *r, int64_t bytes)
{
	static const char *const units[] = { " KB", " MB", " GB" };
	if (bytes < 0) bytes = 0;
	int64_t kb = (bytes + 1023) / 1024;
	if (kb < 1024) {
		fmt_int(o, r->lang, kb);
		buf_raw(o, units[0]);
		return;
	}
	int u = 1;
	int64_t size = 1048576;
	/* GB once the MB would round to 1 024 */
	if ((bytes + size / 2) / size >= 1024) {
		u = 2;
		size *= 1024;
	}
	int64_t tenths = (bytes * 10 + size / 2) / size;   /* rounded to one decimal */
	if (tenths >= 100) fmt_int(o, r->lang, (bytes + size / 2) / size);
	else fmt_number(o, r->lang, (double)tenths / 10);
	buf_raw(o, units[u]);
}

static const char *safe_next(struct req *r, const char *next)
{
	/* only local paths: never an open redirect */
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
	/* browsers drop tabs and newlines from URLs ("/\t/x" becomes "//x"): no control characters, no backslash */
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\') return "/";
	return arena_strdup(&r->a, next);
}

void page_login(struct req *r)
{
	if (r->user) { reply_redirect(r, "/"); return; }
	/* sent here by a session that ended (router.c): say so, and for a form that nothing was saved */
	const char *ended = req_query(r, "ended"), *notice = NULL;
	if (ended && !strcmp(ended, "form"))
		notice = _("Your session ended before the form was sent, so nothing was saved. Log in again: you will return to the page "
			   "you were on, where the form must be filled in again.");
	else if (ended)
		notice = _("Your session has ended. Log in again to continue.");
	page_begin(r, _("Log in"), "login");
	tmpl_login(&r->out, r, safe_next(r, req_query(r, "next")), r->csrf, NULL, NULL, notice);
	page_end(r);
}

static void set_session_cookie(struct req *r, const char *sid, int max_age)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie",
			  arena_printf(&r->a, "tdsid=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", sid, max_age, cookie_secure(r)));
}

/* "try again in N seconds", in the reader's language: what Retry-After says */
static const char *throttle_message(struct req *r, int64_t wait)
{
	return arena_printf(&r->a, _n(wait, N_("Too many failed attempts; try again in %d second"), N_("Too many failed attempts; try again in %d seconds")),
			    (int)wait);
}

/* Checks credentials with the rate limit; returns the user id, or -2 with
** the seconds to wait in *wait (and Retry-After set), -3 (database gone). */
static int64_t check_login(struct req *r, const char *login, const char *password, int64_t *wait)
{
	*wait = auth_throttled(r->db, login, r->peer);
	if (*wait > 0) {
		req_set_header(r, "Retry-After", arena_printf(&r->a, "%lld", (long long)*wait));
		return -2;
	}
	int64_t uid = auth_login(r->db, login, password);
	if (uid < 0 && db_unavailable(r->db)) return -3; /* the database server is gone: not a wrong password */
	if (uid < 0) auth_note_failure(r->db, login, r->peer);
	return uid;
}

void page_login_post(struct req *r)
{
	const char *login = req_form(r, "login"), *password = req_form(r, "password");
	const char *next = safe_next(r, req_form(r, "next"));
	int64_t wait = 0;
	int64_t uid = check_login(r, login, password, &wait);
	if (uid == -3) { reply_fail(r, E_BUSY, NULL); return; }
	if (uid < 0) {
		r->status = uid == -2 ? 429 : 401;
		page_begin(r, _("Log in"), "login");
		tmpl_login(&r->out, r, next, r->csrf, uid == -2 ? throttle_message(r, wait) : _("Wrong login or password"), login, NULL);
		page_end(r);
		return;
	}
	char sid[65], csrf[65];
	int rc = session_create(r->db, uid, sid, csrf);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; } /* busy: 503 with Retry-After */
	set_session_cookie(r, sid, SESSION_MAX_SEC);
	reply_redirect(r, next);
}

void page_logout(struct req *r)
{
	if (r->session_id) session_destroy(r->db, r->session_id);
	set_session_cookie(r, "", 0);
	reply_redirect(r, "/login");
}

void page_lang(struct req *r)
{
	const char *lang = req_form(r, "lang");
	if (!lang || !i18n_known(lang)) { reply_error(r, 422, "validation", N_("Unknown language")); return; }
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie",
			  arena_printf(&r->a, "lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", lang));
	if (r->user) db_exec(r->db, "UPDATE users SET lang = $1 WHERE id = $2", "ti", lang, r->user->id);
	reply_redirect(r, safe_next(r, req_form(r, "next")));
}

static void user_json(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "login", u->login);
	jw_kstr(w, "full_name", u->full_name);
	jw_kstr(w, "lang", u->lang);
	jw_key(w, "roles");
	jw_arr(w);
	for (int i = 0; i < u->ngrants; i++) {
		jw_obj(w);
		jw_kstr(w, "role", role_name(u->grants[i].role));
		jw_kint(w, "unit_id", u->grants[i].unit_id);
		jw_kstr(w, "unit_name", u->grants[i].unit_name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void api_login(struct req *r)
{
	json_t *l = r->json ? json_object_get(r->json, "login") : NULL;
	json_t *p = r->json ? json_object_get(r->json, "password") : NULL;
	if (!json_is_string(l) || !json_is_string(p)) {
		struct field_errors fe = { 0 };
		if (!json_is_string(l)) fe_add(&fe, "login", N_("Is required"));
		if (!json_is_string(p)) fe_add(&fe, "password", N_("Is required"));
		reply_invalid(r, &fe);
		return;
	}
	int64_t wait = 0;
	int64_t uid = check_login(r, json_string_value(l), json_string_value(p), &wait);
	if (uid == -2) { reply_error(r, 429, "too_many_attempts", throttle_message(r, wait)); return; }
	if (uid == -3) { reply_fail(r, E_BUSY, NULL); return; }
	if (uid < 0) {
		/* every 401 names the scheme (RFC 9110 15.5.2): the API's is Bearer */
		req_set_header(r, "WWW-Authenticate", "Bearer");
		reply_error(r, 401, "unauthenticated", N_("Wrong login or password"));
		return;
	}
	char token[65];
	struct user *u;
	int rc = token_create(r->db, uid, "api login", token);
	if (rc == E_OK && role_load_user(r->db, &r->a, uid, &u) != 0) rc = E_DB;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; } /* busy: 503 with Retry-After */
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "token", token);
	jw_key(&w, "user");
	user_json(&w, u);
	jw_obj_end(&w);
}

/* POST /api/v1/logout: the bearer token (or the browser session) stops working. */
void api_logout(struct req *r)
{
	const char *authz = req_header(r, "Authorization");
	if (r->by_token && authz) token_revoke(r->db, authz + 7);
	if (r->session_id) session_destroy(r->db, r->session_id);
	r->status = 204;
}

void api_me(struct req *r)
{
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	user_json(&w, r->user);
}

