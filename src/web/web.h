/* web: what every handler uses. Routes, replies in the one error shape,
** input read from a declarative field table (the same for JSON and forms),
** the central permission check, and the page layout. */
#ifndef THIDUA_WEB_H
#define THIDUA_WEB_H
#include <stdint.h>

#include "../base/arena.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/http.h"
#include "../base/i18n.h"
#include "../base/json.h"
#include "roles.h"

#define _(s) i18n_get(r->lang, (s))
/* the words after a count in the request's plural form (i18n_nget):
** _n(n, N_("model"), N_("models")) */
#define _n(n, one, other) i18n_nget(r->lang, (n), (one), (other))

enum route_auth { PUBLIC = 0, LOGIN = 1 };

struct route {
	enum method method;
	const char *pattern;       /* "/api/v1/units/{id}": {x} matches one segment */
	void (*fn)(struct req *r);
	enum route_auth auth;
	unsigned perm;             /* PERM_* the user must hold somewhere; 0: any */
};

void web_dispatch(struct req *r);
/* a GET route answers this path (no query) */
int router_page_exists(const char *path);

/* The reply cache of GET routes marked CACHED (cache.c, where the reasons it
** is safe are). _serve answers r from the cache (1) or fills q for _store,
** which keeps r's reply after the handler and adds its ETag (304 when the
** client has it). Both run inside the request's read transaction; the
** stamp is read before its first statement (a hit runs none: the body is
** handed to libevent by reference, r->out_ref). */
struct reply_cache_req {
	const char *key;
	size_t key_len;
	uint64_t stamp[2];
	int ok;
};
int reply_cache_serve(struct req *r, struct reply_cache_req *q);
void reply_cache_store(struct req *r, const struct reply_cache_req *q);
extern int reply_cache_enabled;    /* serve --no-reply-cache clears it */
/* Who a bearer token (by_token) or session cookie is, kept per worker for
** an unchanged database (cache.c): _get sets r->user (and r->csrf) and
** returns 1, or returns 0 and identify() asks the database, then _put.
** The change stamp _get read, before the database was asked, is the one
** _put keeps (struct ident_stamp): read after, it could postdate a commit
** the answer did not see (on PostgreSQL each statement sees the latest
** commits, of every server, even inside a GET's transaction). */
struct ident_stamp {
	uint64_t stamp[2];
	int ok;
};
int identity_cache_get(struct req *r, int by_token, const char *cred, struct ident_stamp *st);
void identity_cache_put(struct req *r, int by_token, const char *cred, const struct ident_stamp *st);
/* Catalogues read by many pages (unit kinds, the count of roots...), kept
** per worker thread for the change stamp of the request that read them
** (cache.c says why that is safe, also across servers). _get gives the
** bytes its reader stored (NUL-terminated; valid during the request) or
** NULL: read the database, then _put what you read. Both do nothing
** outside a GET whose stamp was read (an anonymous request, a write). */
enum memo { MEMO_UNIT_KINDS, MEMO_UNIT_ROOTS, MEMO_AWARD_CHOICES, MEMO_N };
const char *memo_get(struct req *r, enum memo m, size_t *len);
void memo_put(struct req *r, enum memo m, const char *data, size_t len);
extern const struct route routes[];
/* GET handlers whose replies the reply cache keeps (cache.c); NULL ends it */
extern void (*const cached_handlers[])(struct req *r);

/* replies */
void reply_json(struct req *r, int status);              /* sets type; write r->out */
/* {"items":[ ... ],"total":N,"limit":L,"offset":O}: begin, write items, end */
void reply_list_begin(struct req *r, struct jw *w);
void reply_list_end(struct jw *w, int64_t total, int64_t limit, int64_t offset);
/* the same with "total_capped": true when the count stopped at total (a search
** with more matches than the count goes to) */
void reply_list_end_capped(struct jw *w, int64_t total, int capped, int64_t limit, int64_t offset);
void reply_error(struct req *r, int status, const char *code, const char *message);
/* the page a form or link came from when it is this site's (the Referer's path and query), else NULL */
const char *page_before(struct req *r);
void reply_invalid(struct req *r, const struct field_errors *fe);   /* 422 */
void reply_fail(struct req *r, int err, const struct field_errors *fe); /* E_* → status */
/* 403 "forbidden" with the reason (a message id) instead of reply_fail's "outside the units" */
void reply_forbidden(struct req *r, const char *msgid);
/* A form whose record was saved by someone else meanwhile (E_CONFLICT) is
** not answered with a bare 409 page: the handler calls this with the
** record's current version (409, and the layout's message at the top saying
** so) and then shows its form again with what was typed, its hidden
** version field carrying the current one, so that saving again applies the
** typed text on top of the current record. */
void form_conflict(struct req *r, int64_t current_version);

/* A page form sent twice in a row (a double click) is answered once
** (web/repeat.c): repeat_begin() before the handler, 1 when it answered the
** request as the identical one that succeeded a moment ago; repeat_end()
** after the handler, with the reply. */
struct repeat_guard { int slot; unsigned char key[32]; };
int repeat_begin(struct req *r, struct repeat_guard *g);
void repeat_end(struct req *r, struct repeat_guard *g);
/* A download (CSV or XLSX): the ?format= asked for (dflt when absent), or
** NULL after answering 422; then what write() produces, written to memory
** first so an error is still a proper answer, as the attachment name.format */
const char *reply_sheet_format(struct req *r, const char *dflt);
void reply_sheet(struct req *r, const char *name, const char *format,
		 int (*write)(struct req *r, FILE *f, const char *format, const void *ctx), const void *ctx);
void reply_redirect(struct req *r, const char *location);           /* 303 See Other */
void reply_created(struct req *r, const char *location);            /* 201 + Location */
/* a background job was queued (jobs.h): the API answers 202 with Location
** /api/v1/jobs/{id} and the job; a page redirects (303) to /jobs/{id} */
void reply_job_accepted(struct req *r, int64_t id);
void flash_set(struct req *r, const char *msgid);

/* the central scope check: 1 if allowed, else replies 403 and returns 0 */
int require(struct req *r, enum perm perm, const char *unit_path);
/* the path of a unit, or NULL (arena) */

/* input */
/* F_INT in a form is read the user's way (i18n_parse_int: "1.500" is 1500 in
** vi); F_DATE is an ISO date in JSON, and in a form also dd/mm/yyyy as typed,
** always handed on as YYYY-MM-DD */
/* F_TEXT is one line, F_LINES may hold line breaks and tabs; neither takes
** other control characters, and bidi overrides are removed (text_clean) */
enum ftype { F_TEXT, F_INT, F_BOOL, F_CHOICE, F_DATE, F_LINES };
struct field_spec {
	const char *name;
	enum ftype type;
	int required;
	int maxlen;                /* text: bytes */
	int64_t min, max;          /* int */
	const char *const *choices;
};
#define IN_MAX 16
struct input {
	int present[IN_MAX];
	const char *s[IN_MAX];     /* text, choice; NULL when given as null/empty */
	int64_t i[IN_MAX];         /* int, bool */
};
/* partial: PATCH, absent fields are fine. Returns E_OK or E_INVALID. */
int input_read(struct req *r, const struct field_spec *spec, struct input *in, struct field_errors *fe, int partial);
int64_t input_version(struct req *r);                    /* "version" or -1 */
/* input_version, or the field error "version is required" added to fe: -1 */
int64_t require_version(struct req *r, struct field_errors *fe);
/* the route's i-th {id} as a positive integer; else replies 404 and gives 0 */
int64_t param_id_or_404(struct req *r, int i);
/* A list of texts: a JSON array of strings or integers, or in a form either
** repeated fields (checkboxes) or one text separated by commas, semicolons or
** new lines. *present says whether the field was sent at all. */
int input_list(struct req *r, const char *name, const char **out, int max, int *n, int *present, struct field_errors *fe);
/* Named numbers: a JSON object {"code": number}, or form fields "NAME.code"
** read the user's way (i18n_parse_number). Empty form values are skipped; a
** bad one is reported under both "NAME.code" and "NAME", and the others are
** still read. Codes and numbers are arena copies. */
int input_numbers(struct req *r, const char *name, const char **codes, double *values, int max, int *n, int *present,
		  struct field_errors *fe);
/* A whole-number query parameter: absent or empty is dflt, above max is read
** as max (a page size is capped, however many digits), not a whole number or
** below min is remembered for query_bad with its message (a negative offset is
** a mistake, not 0: "Must be 0 or more"). */
int64_t query_int(struct req *r, const char *name, int64_t dflt, int64_t min, int64_t max);
/* A query parameter that must be one of choices: the choice, NULL when absent
** or empty; another value is remembered for query_bad. */
const char *query_choice(struct req *r, const char *name, const char *const *choices);
/* after query_int / query_choice calls: replies 400 naming the first bad
** parameter and why, returns 1 */
int query_bad(struct req *r);
/* a query parameter that must be one of choices (or absent): else replies
** 400 naming it and returns 1 */
int query_choice_bad(struct req *r, const char *name, const char *value, const char *const *choices);

/* pages */
void page_begin(struct req *r, const char *title, const char *section);
void page_end(struct req *r);
const char *flash_take(struct req *r);

/* files (files_web.c, access.c) */
struct attachment;
/* May the user download an attachment of this record? Decided per kind of
** record in access.c; 0 answers a download with 404. */
int attachment_readable(struct req *r, const char *entity, int64_t entity_id);
/* per kind of record with attachments, the feature's rule (routes.c) */
struct attachment_reader {
	const char *entity;
	int (*readable)(struct req *r, const char *entity, int64_t entity_id);
};
extern const struct attachment_reader attachment_readers[];
/* Sends an attachment's bytes (Content-Disposition, ETag, 304 on a match). */
void files_reply(struct req *r, const struct attachment *t);
/* {"id","name","mime","size","sha256","created_at","url"} */
void attachment_json(struct jw *w, const struct attachment *t);

/* link to the same list with one query parameter changed (arena) */
const char *url_with(struct req *r, const char *name, const char *value);
/* the same with n parameters changed: each names[i] dropped from the query
** and, where values[i] is not NULL, added at the end in that order */
const char *url_with_n(struct req *r, int n, const char *const *names, const char *const *values);

/* the web layer's own routes: pages.c, files_web.c */
void api_login(struct req *r);
void api_logout(struct req *r);
void api_me(struct req *r);
void page_healthz(struct req *r);
void page_lang(struct req *r);
void page_login(struct req *r);
void page_login_post(struct req *r);
void page_logout(struct req *r);
void api_file(struct req *r);
void page_file(struct req *r);

#endif
