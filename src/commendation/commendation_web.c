/* The award catalogue and achievement records over HTTP (commendation_web.h):
**   GET    /api/v1/awards                      the catalogue
**   GET    /api/v1/achievements?person=CODE|unit=CODE[&year=Y]
**   POST   /api/v1/achievements                {"person_code"|"unit_code", "year", "kind", "value", ...}
**   GET    /api/v1/achievements/{id}
**   DELETE /api/v1/achievements/{id}?version=N
** and the pages: /awards, the timeline section of a person's and a unit's
** page with its form (POST /people/{id}/achievements, /units/{id}/achievements),
** POST /achievements/{id}/delete. */
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../people/people.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "commendation_web.h"
#include "tmpl_commendation.h"

enum { AF_PERSON, AF_UNIT, AF_YEAR, AF_KIND, AF_VALUE, AF_RECORD, AF_DECISION, AF_DECIDED, AF_AUTHORITY, AF_ON_DATE, AF_NOTE, AF_N };
static const struct field_spec ach_fields[AF_N + 1] = {
	[AF_PERSON] = { "person_code", F_TEXT, 0, 32, 0, 0, NULL },
	[AF_UNIT] = { "unit_code", F_TEXT, 0, 32, 0, 0, NULL },
	[AF_YEAR] = { "year", F_INT, 1, 0, 1945, 2200, NULL },
	[AF_KIND] = { "kind", F_CHOICE, 0, 16, 0, 0, ach_kinds },
	[AF_VALUE] = { "value", F_TEXT, 0, 32, 0, 0, NULL },
	[AF_RECORD] = { "record", F_TEXT, 0, 48, 0, 0, NULL },   /* a page's select: "kind:value" */
	[AF_DECISION] = { "decision_no", F_TEXT, 0, 100, 0, 0, NULL },
	[AF_DECIDED] = { "decided_on", F_DATE, 0, 10, 0, 0, NULL },
	[AF_AUTHORITY] = { "authority", F_TEXT, 0, 300, 0, 0, NULL },
	[AF_ON_DATE] = { "on_date", F_DATE, 0, 10, 0, 0, NULL },
	[AF_NOTE] = { "note", F_LINES, 0, 2000, 0, 0, NULL },
	[AF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static const char *const kind_words[ACH_KINDS] = {
	[ACH_RATING] = N_("Yearly rating"), [ACH_TITLE] = N_("Title or award"), [ACH_INITIATIVE] = N_("Initiative"),
	[ACH_DISCIPLINE] = N_("Discipline"),
};

const char *ach_kind_label(struct req *r, const char *kind)
{
	for (int i = 0; i < ACH_KINDS; i++)
		if (kind && !strcmp(kind, ach_kinds[i])) return _(kind_words[i]);
	return kind;
}

/* reads the record; person/unit named by code in JSON, given by the page */
static int read_in(struct req *r, struct achievement_in *in, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	int rc = input_read(r, ach_fields, &v, fe, 0);
	in->year = v.i[AF_YEAR];
	in->kind = v.s[AF_KIND];
	in->value = v.s[AF_VALUE];
	if (v.s[AF_RECORD]) { /* "kind:value" from a page's select */
		const char *colon = strchr(v.s[AF_RECORD], ':');
		if (colon) {
			in->kind = arena_strndup(&r->a, v.s[AF_RECORD], (size_t)(colon - v.s[AF_RECORD]));
			in->value = colon + 1;
		}
	}
	in->decision_no = v.s[AF_DECISION];
	in->decided_on = v.s[AF_DECIDED];
	in->authority = v.s[AF_AUTHORITY];
	in->on_date = v.s[AF_ON_DATE];
	in->note = v.s[AF_NOTE];
	if (v.s[AF_PERSON] && db_int1(r->db, &in->person_id, "SELECT id FROM people WHERE code = $1", "t", v.s[AF_PERSON]) != DB_ROW)
		fe_add(fe, "person_code", N_("No person has this code"));
	if (v.s[AF_UNIT] && units_find_code(r->db, v.s[AF_UNIT], &in->unit_id) != E_OK) fe_add(fe, "unit_code", N_("No unit has this code"));
	if (!in->kind && !fe_get(fe, "kind")) fe_add(fe, "kind", N_("Is required"));
	if (!in->value && !fe_get(fe, "value")) fe_add(fe, "value", N_("Is required"));
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

/* ---- API ---- */

void api_awards(struct req *r)
{
	struct award *items;
	int n;
	int rc = awards_list(r->db, &r->a, r->lang, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) award_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

/* the subject of ?person=CODE or ?unit=CODE, read-checked; 0 after replying */
static int query_subject(struct req *r, int64_t *person, int64_t *unit)
{
	const char *pc = req_query(r, "person"), *uc = req_query(r, "unit");
	*person = *unit = 0;
	if ((pc && *pc) == (uc && *uc)) {
		reply_error(r, 400, "bad_request", N_("Give either person=CODE or unit=CODE"));
		return 0;
	}
	char path[UNIT_PATH_MAX];
	if (pc && *pc) {
		struct stmt *st = db_query(r->db, "SELECT p.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.code = $1", "t", pc);
		int found = st && db_step(st) == DB_ROW;
		if (found) { *person = db_int(st, 0); snprintf(path, sizeof path, "%s", db_text(st, 1)); }
		db_done(st);
		if (!found) { reply_error(r, 404, "not_found", N_("No person has this code")); return 0; }
	} else {
		if (units_find_code(r->db, uc, unit) != E_OK || units_path(r->db, *unit, path, sizeof path) != E_OK) {
			reply_error(r, 404, "not_found", N_("No unit has this code"));
			return 0;
		}
	}
	return require(r, PERM_READ, path);
}

void api_achievements_list(struct req *r)
{
	int64_t year = query_int(r, "year", 0, 1945, 2200);
	if (query_bad(r)) return;
	int64_t person, unit;
	if (!query_subject(r, &person, &unit)) return;
	struct achievement *items;
	int n;
	int rc = achievements_list(r->db, &r->a, person, unit, year, r->lang, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) achievement_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

static void reply_achievement(struct req *r, int status, int64_t id)
{
	struct achievement *x;
	int rc = achievements_get(r->db, &r->a, id, r->lang, &x);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/achievements/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	achievement_json(&w, x);
	reply_json(r, status);
}

void api_achievement_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct achievement_in in;
	int rc = read_in(r, &in, &fe);
	int64_t id = 0;
	if (rc == E_OK) rc = achievements_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_achievement(r, 201, id);
}

/* the record, readable by the user; 0 after replying */
static int64_t readable_record(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return 0;
	const char *path = achievement_unit_path(r->db, &r->a, id);
	if (!path) { reply_fail(r, E_NOTFOUND, NULL); return 0; }
	return require(r, PERM_READ, path) ? id : 0;
}

void api_achievement_get(struct req *r)
{
	int64_t id = readable_record(r);
	if (id) reply_achievement(r, 200, id);
}

void api_achievement_delete(struct req *r)
{
	int64_t id = readable_record(r);
	if (!id) return;
	int64_t version = query_int(r, "version", -1, 1, INT64_MAX);
	if (query_bad(r)) return;
	if (version < 0) version = input_version(r);
	if (version < 0) {
		struct field_errors fe = { 0 };
		fe_add(&fe, "version", N_("Is required"));
		reply_invalid(r, &fe);
		return;
	}
	struct field_errors fe = { 0 };
	int rc = achievements_delete(r->db, r->user, id, version, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	r->status = 204;
}

/* ---- pages ---- */

/* The active awards' code, subjects and names (vi, en, hi), each
** NUL-terminated, one award after the other: what ach_choices needs of the
** catalogue, kept per worker for an unchanged database (memo_get). *len
** its size; NULL when the catalogue could not be read. */
static const char *award_choices_memo(struct req *r, size_t *len)
{
	const char *memo = memo_get(r, MEMO_AWARD_CHOICES, len);
	if (memo) return memo;
	struct award *aw;
	int na = 0;
	struct arena a;
	arena_init(&a);
	if (awards_list(r->db, &a, "vi", &aw, &na) != E_OK) { arena_free(&a); return NULL; }
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < na; i++) {
		const char *f[5] = { aw[i].code, aw[i].subjects, aw[i].name_vi, aw[i].name_en, aw[i].name_hi };
		for (int k = 0; k < 5; k++) buf_add(&b, f[k] ? f[k] : "", strlen(f[k] ? f[k] : "") + 1);
	}
	memo_put(r, MEMO_AWARD_CHOICES, b.p ? b.p : "", b.len);
	const char *out = arena_strndup(&r->a, b.p ? b.p : "", b.len);
	*len = b.len;
	buf_free(&b);
	arena_free(&a);
	return out;
}

/* "title:" and the code, without a printf for each of the catalogue's awards */
static const char *prefixed(struct req *r, const char *prefix, const char *code)
{
	size_t pl = strlen(prefix), cl = strlen(code);
	char *s = arena_alloc(&r->a, pl + cl + 1);
	memcpy(s, prefix, pl);
	memcpy(s + pl, code, cl + 1);
	return s;
}

struct ach_choice *ach_choices(struct req *r, int collective, int *n)
{
	size_t len = 0;
	const char *aw = award_choices_memo(r, &len);
	int na = 0;
	for (size_t i = 0; aw && i < len; i++) na += aw[i] == 0;
	na /= 5;
	struct ach_choice *c = arena_alloc(&r->a, sizeof *c * (size_t)(na + 16));
	int k = 0;
	int col = strcmp(r->lang, "en") == 0 ? 3 : strcmp(r->lang, "hi") == 0 ? 4 : 2;
	for (int i = 3; i >= 0; i--) /* ratings, best first */
		c[k++] = (struct ach_choice){ prefixed(r, "rating:", ach_ratings[i]), NULL, ACH_RATING };
	for (const char *p = aw, *end = aw + len; aw && p < end;) {
		const char *f[5];
		for (int i = 0; i < 5; i++) { f[i] = p; p += strlen(p) + 1; }
		const char *s = f[1];
		if (strcmp(s, "both") && strcmp(s, collective ? "collective" : "person") && !(collective && !strcmp(s, "household"))) continue;
		c[k++] = (struct ach_choice){ prefixed(r, "title:", f[0]), arena_strdup(&r->a, f[col]), ACH_TITLE };
	}
	if (!collective)
		for (int i = 0; ach_initiatives[i]; i++)
			c[k++] = (struct ach_choice){ prefixed(r, "initiative:", ach_initiatives[i]), NULL, ACH_INITIATIVE };
	if (!collective)
		for (int i = 0; ach_disciplines[i]; i++)
			c[k++] = (struct ach_choice){ prefixed(r, "discipline:", ach_disciplines[i]), NULL, ACH_DISCIPLINE };
	/* the words of a rating, an initiative or a discipline: as a record shows them */
	for (int i = 0; i < k; i++) {
		if (c[i].label) continue;
		const char *colon = strchr(c[i].value, ':');
		c[i].label = ach_value_label(r->db, &r->a, ach_kinds[c[i].group], colon + 1, r->lang);
	}
	*n = k;
	return c;
}

void achievements_section(struct req *r, int64_t person, int64_t unit, const char *unit_path, const struct achievement_in *typed,
			  const struct field_errors *fe)
{
	struct achievement *items = NULL;
	int n = 0;
	achievements_list(r->db, &r->a, person, unit, 0, r->lang, &items, &n);
	int can_add = role_can(r->user, PERM_RECORD_ACHIEVEMENTS, unit_path);
	int nch = 0;
	struct ach_choice *choices = can_add ? ach_choices(r, unit > 0, &nch) : NULL;
	const char *post_to = person > 0 ? arena_printf(&r->a, "/people/%lld/achievements", (long long)person)
					 : arena_printf(&r->a, "/units/%lld/achievements", (long long)unit);
	tmpl_achievements_timeline(&r->out, r, items, n, can_add, post_to, choices, nch, typed, fe);
	if (person > 0) {
		/* working directly in production, with its history */
		struct direct_row *rows = NULL;
		int nrows = 0;
		int64_t count = 0;
		db_int1(r->db, &count, "SELECT count(*) FROM person_direct_work WHERE person_id = $1", "i", person);
		rows = arena_alloc(&r->a, sizeof *rows * (size_t)(count + 1));
		struct stmt *st = db_query(r->db, "SELECT valid_from, direct FROM person_direct_work WHERE person_id = $1 ORDER BY valid_from DESC", "i", person);
		while (st && nrows < count && db_step(st) == DB_ROW) {
			rows[nrows].valid_from = arena_strdup(&r->a, db_text(st, 0));
			rows[nrows].direct = (int)db_int(st, 1);
			nrows++;
		}
		db_done(st);
		tmpl_direct_work(&r->out, r, person, rows, nrows, can_add);
	}
}

/* POST /people/{id}/direct-work: the form of the person's page */
void page_person_direct_work_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	const char *from = date_from_user(&r->a, req_form(r, "valid_from"));
	const char *d = req_form(r, "direct");
	struct field_errors fe = { 0 };
	int rc = from ? person_direct_work_set(r->db, r->user, id, d && !strcmp(d, "1"), from, &fe) : E_INVALID;
	if (!from) fe_add(&fe, "valid_from", N_("Is not a date (dd/mm/yyyy)"));
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	flash_set(r, N_("Saved"));
	reply_redirect(r, arena_printf(&r->a, "/people/%lld#direct-work", (long long)id));
}

void page_awards(struct req *r)
{
	struct award *items;
	int n;
	if (awards_list(r->db, &r->a, r->lang, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, _("Titles and awards"), "awards");
	tmpl_awards_page(&r->out, r, items, n);
	page_end(r);
}

/* a page's form: stored and back to the subject's page, or the form again with its errors */
static void post_record(struct req *r, int64_t person, int64_t unit)
{
	struct field_errors fe = { 0 };
	struct achievement_in in;
	read_in(r, &in, &fe);
	in.person_id = person;
	in.unit_id = unit;
	int64_t id = 0;
	/* checked even when a field could not be read: every problem at once (nothing is written then) */
	int rc = achievements_create(r->db, r->user, &in, &fe, &id);
	const char *back = person > 0 ? arena_printf(&r->a, "/people/%lld#achievements", (long long)person)
				      : arena_printf(&r->a, "/units/%lld#achievements", (long long)unit);
	if (rc == E_OK) {
		flash_set(r, N_("The record was added"));
		reply_redirect(r, back);
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	/* the subject's page is another feature's: the form again on a page of its own */
	char path[UNIT_PATH_MAX] = "";
	if (person > 0) {
		struct person *p;
		if (people_get(r->db, &r->a, person, &p) == E_OK) snprintf(path, sizeof path, "%s", p->unit_path);
	} else {
		units_path(r->db, unit, path, sizeof path);
	}
	r->status = 422;
	page_begin(r, _("Add a record"), person > 0 ? "people" : "units");
	buf_printf(&r->out, "<p><a href=\"%s\">", back);
	buf_html(&r->out, _("Back"));
	buf_raw(&r->out, "</a></p>");
	achievements_section(r, person, unit, path, &in, &fe);
	page_end(r);
}

void page_person_achievement_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct person *p;
	if (people_get(r->db, &r->a, id, &p) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	post_record(r, id, 0);
}

void page_unit_achievement_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	char path[UNIT_PATH_MAX];
	if (units_path(r->db, id, path, sizeof path) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	post_record(r, 0, id);
}

void page_achievement_delete(struct req *r)
{
	int64_t id = readable_record(r);
	if (!id) return;
	struct achievement *x;
	if (achievements_get(r->db, &r->a, id, r->lang, &x) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	int rc = achievements_delete(r->db, r->user, id, input_version(r), &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	flash_set(r, N_("The record was deleted"));
	reply_redirect(r, x->person_id ? arena_printf(&r->a, "/people/%lld#achievements", (long long)x->person_id)
				       : arena_printf(&r->a, "/units/%lld#achievements", (long long)x->unit_id));
}

/* ---- who received what ---- */

static const char *const award_levels[] = { "grassroots", "province", "government", "state", NULL };
static const char *const subjects[] = { "person", "collective", NULL };

/* the query of /api/v1/awards/received and /awards/received; -1 after replying */
static int read_award_query(struct req *r, struct award_query *q)
{
	memset(q, 0, sizeof *q);
	q->year = query_int(r, "year", 0, 1945, 2200);
	q->level = query_choice(r, "level", award_levels);
	q->subject = query_choice(r, "subject", subjects);
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	q->q = req_query(r, "q");
	if (query_bad(r)) return -1;
	const char *award = req_query(r, "award");
	q->award = award && *award ? award : NULL;
	const char *under = req_query(r, "under");
	if (under && *under) {
		int64_t id = 0;
		if ((units_find_code(r->db, under, &id) != E_OK && (parse_id(under, &id) != 0)) ||
		    units_path(r->db, id, q->under_path, sizeof q->under_path) != E_OK) {
			reply_error(r, 404, "not_found", N_("No unit has this code"));
			return -1;
		}
	}
	q->nranges = units_scope_ranges(r, PERM_READ, q->range_lo, AWARD_MAX_RANGES);
	return 0;
}

int read_award_query_for_export(struct req *r, struct award_query *q)
{
	if (read_award_query(r, q) != 0) return -1;
	q->limit = 100000;
	q->offset = 0;
	return 0;
}

void api_awards_received(struct req *r)
{
	struct award_query q;
	if (read_award_query(r, &q) != 0) return;
	struct achievement *items;
	int n;
	int64_t total;
	if (awards_received(r->db, &r->a, &q, r->lang, &items, &n, &total) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) achievement_json(&w, &items[i]);
	reply_list_end(&w, total, q.limit, q.offset);
}

static void year_row_json(struct jw *w, const struct award_year_row *x)
{
	jw_obj(w);
	jw_kstr(w, "authority", x->authority);
	jw_kint(w, "awards", x->awards);
	jw_kint(w, "people", x->people);
	jw_kint(w, "direct_workers", x->direct_workers);
	jw_key(w, "direct_share");
	if (x->people) jw_num(w, (double)x->direct_workers / (double)x->people);
	else jw_null(w);
	jw_kint(w, "collectives", x->collectives);
	jw_kint(w, "small_collectives", x->small_collectives);
	jw_key(w, "small_share");
	if (x->collectives) jw_num(w, (double)x->small_collectives / (double)x->collectives);
	else jw_null(w);
	jw_obj_end(w);
}

void api_awards_yearly(struct req *r)
{
	struct award_query q;
	if (read_award_query(r, &q) != 0) return;
	int64_t small = query_int(r, "small_level", 3, -1, 9);
	if (query_bad(r)) return;
	struct award_year_row *rows, all;
	int n;
	if (awards_yearly(r->db, &r->a, &q, (int)small, &rows, &n, &all) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "year");
	if (q.year) jw_int(&w, q.year);
	else jw_null(&w);
	jw_kint(&w, "small_level", small);
	jw_key(&w, "rows");
	jw_arr(&w);
	for (int i = 0; i < n; i++) year_row_json(&w, &rows[i]);
	jw_arr_end(&w);
	jw_key(&w, "total");
	year_row_json(&w, &all);
	jw_obj_end(&w);
	reply_json(r, 200);
}

void page_awards_received(struct req *r)
{
	struct award_query q;
	if (read_award_query(r, &q) != 0) return;
	struct achievement *items;
	int n;
	int64_t total;
	struct award_year_row *rows, all;
	int nrows;
	if (awards_received(r->db, &r->a, &q, r->lang, &items, &n, &total) != E_OK ||
	    awards_yearly(r->db, &r->a, &q, 3, &rows, &nrows, &all) != E_OK) {
		reply_fail(r, E_DB, NULL);
		return;
	}
	struct award *aw;
	int naw = 0;
	awards_list(r->db, &r->a, r->lang, &aw, &naw);
	page_begin(r, _("Awards received"), "awards");
	tmpl_awards_received(&r->out, r, &q, aw, naw, items, n, total, rows, nrows, &all);
	page_end(r);
}

enum { DW_DIRECT, DW_FROM, DW_N };
static const struct field_spec direct_fields[DW_N + 1] = {
	[DW_DIRECT] = { "direct", F_BOOL, 1, 0, 0, 1, NULL },
	[DW_FROM] = { "valid_from", F_DATE, 1, 10, 0, 0, NULL },
	[DW_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* POST /api/v1/people/{id}/direct-work {"direct": true, "valid_from": "2024-01-01"} → 204 */
void api_person_direct_work(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input v;
	int rc = input_read(r, direct_fields, &v, &fe, 0);
	if (rc == E_OK) rc = person_direct_work_set(r->db, r->user, id, (int)v.i[DW_DIRECT], v.s[DW_FROM], &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	r->status = 204;
}
