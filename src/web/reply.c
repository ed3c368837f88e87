/* Replies: the one error shape, redirects, flash messages. */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sheet.h"
#include "tmpl_layout.h"
#include "web.h"
#include "roles.h"

void reply_json(struct req *r, int status)
{
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
}

void reply_list_begin(struct req *r, struct jw *w)
{
	reply_json(r, 200);
	jw_init(w, &r->out);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
}

void reply_list_end(struct jw *w, int64_t total, int64_t limit, int64_t offset)
{
	jw_arr_end(w);
	jw_kint(w, "total", total);
	jw_kint(w, "limit", limit);
	jw_kint(w, "offset", offset);
	jw_obj_end(w);
}

void reply_list_end_capped(struct jw *w, int64_t total, int capped, int64_t limit, int64_t offset)
{
	jw_arr_end(w);
	jw_kint(w, "total", total);
	jw_kbool(w, "total_capped", capped);
	jw_kint(w, "limit", limit);
	jw_kint(w, "offset", offset);
	jw_obj_end(w);
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return N_("Bad request");
	case 401: return N_("Please log in");
	case 403: return N_("Not allowed");
	case 404: return N_("Not found");
	case 405: return N_("Method not allowed");
	case 409: return N_("Changed by someone else");
	case 413: return N_("Too large");
	case 422: return N_("Please correct the form");
	case 429: return N_("Too many attempts");
	case 503: return N_("Busy, try again shortly");
	default: return N_("Server error");
	}
}

static void error_json(struct req *r, int status, const char *code, const char *message, const struct field_errors *fe)
{
	buf_reset(&r->out);
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "message", _(message));
	if (fe && fe->n) {
		jw_key(&w, "fields");
		jw_obj(&w);
		for (int i = 0; i < fe->n; i++) jw_kstr(&w, fe->field[i], _(fe->msg[i]));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
}

/* The page a failed form or link came from, when it is this site's (the
** Referer's host is the request's Host): its local path and query, for a
** link back that keeps the reader's place; NULL otherwise. */
const char *page_before(struct req *r)
{
	const char *ref = req_header(r, "Referer"), *host = req_header(r, "Host");
	if (!ref || !host || !*host) return NULL;
	if (!strncmp(ref, "http://", 7)) ref += 7;
	else if (!strncmp(ref, "https://", 8)) ref += 8;
	else return NULL;
	size_t n = strlen(host);
	if (strncmp(ref, host, n) || ref[n] != '/' || ref[n + 1] == '/' || ref[n + 1] == '\\') return NULL;
	ref += n;
	for (const unsigned char *p = (const unsigned char *)ref; *p; p++)
		if (*p < 0x21 || *p == 0x7f || *p == '\\' || *p == '"' || *p == '<' || *p == '>') return NULL;
	if (strlen(ref) > 2000) return NULL;
	return arena_strdup(&r->a, ref);
}

void reply_error(struct req *r, int status, const char *code, const char *message)
{
	if (r->api) {
		error_json(r, status, code, message, NULL);
		return;
	}
	buf_reset(&r->out);
	r->status = status;
	/* a step refused at this stage is not someone else's change */
	const char *title = status == 409 && !strcmp(code, "state") ? N_("Not possible at this stage") : status_title(status);
	page_begin(r, _(title), "");
	tmpl_error_page(&r->out, r, status, _(title), _(message), page_before(r));
	page_end(r);
}

void reply_invalid(struct req *r, const struct field_errors *fe)
{
	error_json(r, 422, "validation", N_("Some fields are not valid"), fe);
}

void reply_fail(struct req *r, int err, const struct field_errors *fe)
{
	/* a storage failure because the database server is gone (PostgreSQL): try again shortly */
	if (err == E_DB && db_unavailable(r->db)) err = E_BUSY;
	switch (err) {
	case E_INVALID:
		if (r->api) reply_invalid(r, fe);
		else reply_error(r, 422, "validation", fe && fe->n ? fe->msg[0] : N_("Some fields are not valid"));
		break;
	case E_NOTFOUND: reply_error(r, 404, "not_found", N_("No such record")); break;
	case E_CONFLICT:
		reply_error(r, 409, "conflict", N_("The record was changed by someone else since you opened it; reload and try again"));
		break;
	case E_FORBIDDEN: reply_error(r, 403, "forbidden", N_("This is outside the units you may work on")); break;
	case E_STATE:
		if (r->api) error_json(r, 409, "state", fe && fe->n ? fe->msg[0] : N_("Not allowed at this stage"), fe);
		else reply_error(r, 409, "state", fe && fe->n ? fe->msg[0] : N_("Not allowed at this stage"));
		break;
	case E_BUSY:
		/* another writer held the database past the busy timeout: nothing was written */
		req_set_header(r, "Retry-After", "2");
		reply_error(r, 503, "busy", N_("The server is busy with another change; try again in a few seconds"));
		break;
	default: reply_error(r, 500, "internal", N_("The server could not complete the request")); break;
	}
}

void reply_forbidden(struct req *r, const char *msgid)
{
	reply_error(r, 403, "forbidden", msgid);
}

void form_conflict(struct req *r, int64_t current_version)
{
	r->status = 409;
	r->notice = arena_printf(&r->a, _("Someone else changed this record after you opened the form; it is now at version %lld. "
					 "What you typed is kept below: check it against the current record and save again to apply it."),
				 (long long)current_version);
}

void reply_redirect(struct req *r, const char *location)
{
	r->status = 303;
	req_set_header(r, "Location", location);
	buf_reset(&r->out);
}

void reply_created(struct req *r, const char *location)
{
	r->status = 201;
	req_set_header(r, "Location", location);
}

void flash_set(struct req *r, const char *msgid)
{
	/* the message id, not its translation, travels in the cookie */
	struct buf b;
	buf_init(&b);
	buf_raw(&b, "tdflash=");
	buf_url(&b, msgid);
	buf_raw(&b, "; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", buf_cstr(&b));
	buf_free(&b);
}

const char *flash_take(struct req *r)
{
	const char *v = req_cookie(r, "tdflash");
	if (!v || !*v) return NULL;
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie",
			  "tdflash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	char *dec = evhttp_uridecode(v, 0, NULL);
	const char *msg = _(arena_strdup(&r->a, dec));
	free(dec);
	return msg;
}

int require(struct req *r, enum perm perm, const char *unit_path)
{
	if (role_can(r->user, perm, unit_path)) return 1;
	/* the unit in scope but the role without the right: say that, not "outside" */
	reply_forbidden(r, role_refusal(r->user, unit_path));
	return 0;
}

const char *url_with_n(struct req *r, int n, const char *const *names, const char *const *values)
{
	struct buf b;
	buf_init(&b);
	buf_raw(&b, r->path);
	char sep = '?';
	int sorting = 0; /* a new order starts at the first page */
	for (int i = 0; i < n; i++) sorting |= strcmp(names[i], "sort") == 0;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->query, next) {
		int drop = sorting && strcmp(kv->key, "offset") == 0;
		for (int i = 0; i < n && !drop; i++) drop = strcmp(kv->key, names[i]) == 0;
		if (drop) continue;
		buf_char(&b, sep);
		sep = '&';
		buf_url(&b, kv->key);
		buf_char(&b, '=');
		buf_url(&b, kv->value);
	}
	for (int i = 0; i < n; i++) {
		if (!values[i]) continue;
		buf_char(&b, sep);
		sep = '&';
		buf_url(&b, names[i]);
		buf_char(&b, '=');
		buf_url(&b, values[i]);
	}
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

const char *url_with(struct req *r, const char *name, const char *value)
{
	return url_with_n(r, 1, &name, &value);
}

const char *reply_sheet_format(struct req *r, const char *dflt)
{
	const char *format = req_query(r, "format");
	if (!format) format = dflt;
	if (sheet_format_valid(format)) return format;
	struct field_errors fe = { 0 };
	fe_add(&fe, "format", N_("Is not one of the allowed values"));
	reply_fail(r, E_INVALID, &fe);
	return NULL;
}

void reply_sheet(struct req *r, const char *name, const char *format,
		 int (*write)(struct req *r, FILE *f, const char *format, const void *ctx), const void *ctx)
{
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	int rc = mem ? write(r, mem, format, ctx) : E_DB;
	if (mem) fclose(mem);
	if (rc != E_OK) { free(data); reply_fail(r, rc, NULL); return; }
	r->ctype = strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8"
					     : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s.%s\"", name, format));
	buf_add(&r->out, data, len);
	free(data);
}
