/* Indicators over HTTP: the API (/api/v1/indicators…, /api/v1/indicator-values…,
** /api/v1/indexes…, /api/v1/public/indicators/{slug}) and the pages
** (/indicators…, /indexes/{id}, the public dashboard /public/indicators/{slug}). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/chart.h"
#include "../base/table.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "../web/roles.h"
#include "../web/web.h"
#include "indicators_web.h"
#include "tmpl_indicators.h"

/* ---- small helpers ---- */

/* the words of a definition's choices (kind, aggregation, direction, period type) */
static const char *const ind_words[][2] = {
	{ "number", N_("a number") },
	{ "percent", N_("a percent") },
	{ "ratio", N_("a ratio (numerator / denominator)") },
	{ "sum", N_("sum of the units") },
	{ "mean", N_("mean of the units with data") },
	{ "weighted", N_("weighted by the denominator") },
	{ "latest", N_("the latest value entered") },
	{ "none", N_("not rolled up") },
	{ "higher", N_("higher is better") },
	{ "lower", N_("lower is better") },
	{ "year", N_("yearly") },
	{ "quarter", N_("quarterly") },
	{ "month", N_("monthly") },
};

const char *ind_word(struct req *r, const char *value)
{
	for (size_t i = 0; value && i < sizeof ind_words / sizeof ind_words[0]; i++)
		if (!strcmp(ind_words[i][0], value)) return _(ind_words[i][1]);
	return value ? value : "";
}

void tmpl_ind_value(struct buf *o, struct req *r, int has, double v)
{
	if (!has) {
		buf_raw(o, "—");
		return;
	}
	fmt_number(o, r->lang, v);
}

/* a figure with the indicator's unit of measure: "98,8%", "1.200 lượt"; "—" alone when none */
void tmpl_ind_measured(struct buf *o, struct req *r, const struct indicator *x, int has, double v)
{
	tmpl_ind_value(o, r, has, v);
	const char *ms = !has                         ? ""
			 : !strcmp(x->kind, "ratio")  ? ind_ratio_measure(x)
			 : x->measure && *x->measure  ? x->measure
			 : !strcmp(x->kind, "percent") ? "%"
						       : "";
	if (!*ms) return;
	if (strcmp(ms, "%") && strcmp(ms, "‰")) buf_raw(o, "\xc2\xa0"); /* a no-break space: the unit stays beside its number */
	buf_html(o, ms);
}

const char *ind_ratio_measure(const struct indicator *x)
{
	if (x->measure && *x->measure) return x->measure;
	double f = x->factor ? x->factor : 100;
	return f == 100 ? "%" : f == 1000 ? "‰" : "";
}

const char *ind_input_value(struct req *r, int has, double v)
{
	return has ? number_text(r, v) : "";
}

/* a unit named by a query or form parameter (an id), readable by the user: its path, or NULL after replying */
static const char *unit_param(struct req *r, const char *value, int64_t *id, struct unit **u)
{
	if (!value || parse_id(value, id) != 0 || units_get(r->db, &r->a, *id, u) != E_OK) {
		if (r->api) reply_error(r, 404, "not_found", N_("No such unit"));
		else reply_fail(r, E_NOTFOUND, NULL);
		return NULL;
	}
	if (!require(r, PERM_READ, (*u)->path)) return NULL;
	return (*u)->path;
}

/* a period typed the user's way (07/2025, Q3/2025, quý 3/2025) in its stored spelling, or NULL */
static const char *user_period(struct req *r, const char *typed)
{
	char p[IND_PERIOD_MAX];
	return period_parse(typed, p, sizeof p) == 0 ? arena_strdup(&r->a, p) : NULL;
}

/* a typed period in its stored spelling when it reads as one, else as typed
 * (for the caller's own check to refuse) */
static const char *period_or_typed(struct req *r, const char *typed)
{
	const char *p = typed && *typed ? user_period(r, typed) : NULL;
	return p ? p : typed;
}

static const char *latest_year(struct req *r)
{
	/* the latest year among the last entries (the history's newest rows, read by its key): not a scan of every value */
	struct stmt *st = db_query(r->db,
				   "SELECT max(period) FROM (SELECT period FROM indicator_history ORDER BY id DESC LIMIT 1000) h "
				   "WHERE length(period) = 4", "");
	const char *p = NULL;
	if (st && db_step(st) == DB_ROW && db_text(st, 0)) p = arena_strdup(&r->a, db_text(st, 0));
	if (st) db_done(st);
	if (!p) {
		char today[11];
		today_iso(today);
		p = arena_strndup(&r->a, today, 4);
	}
	return p;
}

static void figure_json(struct jw *w, const struct ind_figure *f)
{
	jw_obj(w);
	jw_key(w, "value");
	if (f->has) jw_num(w, f->value); else jw_null(w);
	jw_kint(w, "count", f->n);
	jw_key(w, "target");
	if (f->has_target) jw_num(w, f->target); else jw_null(w);
	jw_key(w, "achievement");
	if (f->has_achievement) jw_num(w, f->achievement); else jw_null(w);
	jw_obj_end(w);
}

static void value_json(struct jw *w, const struct ind_value *v, const struct ind_figure *f)
{
	jw_obj(w);
	jw_kstr(w, "indicator", v->code);
	jw_kstr(w, "name", v->name);
	jw_kstr(w, "kind", v->kind);
	jw_key(w, "value");
	if (v->has) jw_num(w, v->value); else jw_null(w);
	jw_key(w, "numerator");
	if (v->has && v->has_ratio) jw_num(w, v->numerator); else jw_null(w);
	jw_key(w, "denominator");
	if (v->has && v->has_ratio) jw_num(w, v->denominator); else jw_null(w);
	jw_kstr(w, "comment", v->has ? v->comment : NULL);
	jw_kstr(w, "status", v->has ? v->status : NULL);
	jw_key(w, "figure");
	figure_json(w, f);
	jw_obj_end(w);
}

/* ---- the unit's page ---- */

static int load_page(struct req *r, int64_t unit_id, const struct unit *u, const char *period, struct ind_page *pg)
{
	memset(pg, 0, sizeof *pg);
	pg->unit_id = unit_id;
	pg->unit_name = u->name;
	pg->unit_code = u->code;
	pg->period = period;
	struct ind_value *v;
	int n;
	int rc = indicators_unit_values(r->db, &r->a, unit_id, period, r->lang, &v, &n);
	if (rc != E_OK) return rc;
	pg->rows = arena_alloc(&r->a, sizeof *pg->rows * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		struct indicator *x;
		if ((rc = indicators_get(r->db, &r->a, v[i].indicator_id, r->lang, &x)) != E_OK) return rc;
		struct ind_row *row = &pg->rows[pg->n++];
		row->x = x;
		row->v = &v[i];
		if ((rc = indicator_figure(r->db, x, unit_id, period, &row->fig)) != E_OK) return rc;
		if (v[i].has && !strcmp(v[i].status, "approved")) pg->napproved++;
		else if (v[i].has) pg->nentered++;
	}
	pg->can_enter = role_can(r->user, PERM_INDICATOR_ENTER, u->path);
	char parent[UNIT_PATH_MAX];
	if (u->parent_id > 0 && units_path(r->db, u->parent_id, parent, sizeof parent) == E_OK)
		pg->can_approve = role_can(r->user, PERM_INDICATOR_APPROVE, parent);
	else pg->can_approve = role_can(r->user, PERM_INDICATOR_APPROVE, u->path);
	pg->can_define = role_can(r->user, PERM_INDICATOR_DEFINE, u->path); /* its targets, a new index */
	indexes_list(r->db, &r->a, r->lang, &pg->indexes, &pg->nindexes);
	/* the indexes the user may open: those whose scope the user reads */
	int k = 0;
	for (int i = 0; i < pg->nindexes; i++) {
		char scope[UNIT_PATH_MAX];
		if (units_path(r->db, pg->indexes[i].scope_id, scope, sizeof scope) == E_OK && role_can(r->user, PERM_READ, scope))
			pg->indexes[k++] = pg->indexes[i];
	}
	pg->nindexes = k;
	ind_dashboards_list(r->db, &r->a, &pg->dashboards, &pg->ndash);
	return E_OK;
}

static void show_page(struct req *r, int64_t unit_id, const struct unit *u, const char *period, const struct field_errors *fe,
		      const struct ind_check *chk, const char *import_errors)
{
	struct ind_page pg;
	int rc = load_page(r, unit_id, u, period, &pg);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	pg.fe = fe;
	pg.chk = chk;
	pg.import_errors = import_errors;
	if (((fe && fe->n) || (chk && chk->rule) || import_errors) && r->status != 409) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Indicators"), u->name), "indicators");
	tmpl_indicators_page(&r->out, r, &pg);
	page_end(r);
}

/* the user's first unit (a grant), or the first root */
static int64_t default_unit(struct req *r)
{
	if (r->user && r->user->ngrants) return r->user->grants[0].unit_id;
	int64_t id = 0;
	db_int1(r->db, &id, "SELECT min(id) FROM units WHERE parent_id IS NULL", "");
	return id;
}

void page_indicators(struct req *r)
{
	const char *uq = req_query(r, "unit_id");
	int64_t id = 0;
	struct unit *u;
	const char *path;
	if (uq && *uq) path = unit_param(r, uq, &id, &u);
	else path = unit_param(r, arena_printf(&r->a, "%lld", (long long)default_unit(r)), &id, &u);
	if (!path) return;
	const char *typed = req_query(r, "period");
	if (!typed || !*typed) { show_page(r, id, u, latest_year(r), NULL, NULL, NULL); return; }
	const char *period = user_period(r, typed);
	if (!period) {
		/* the page of the latest year, the period as typed beside its error */
		struct field_errors fe = { 0 };
		fe_add(&fe, "period", N_("Write a period as 2025, 2025-Q3 (Q3/2025) or 2025-07 (07/2025)"));
		show_page(r, id, u, latest_year(r), &fe, NULL, NULL);
		return;
	}
	show_page(r, id, u, period, NULL, NULL, NULL);
}

static void back_to_unit(struct req *r, int64_t unit_id, const char *period, const char *flash)
{
	if (flash) flash_set(r, flash);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "/indicators?unit_id=%lld&period=", (long long)unit_id);
	buf_url(&b, period);
	reply_redirect(r, arena_strdup(&r->a, buf_cstr(&b)));
	buf_free(&b);
}

/* "The values are saved, with warnings: Security incidents: Unusually
** many incidents; …" in the reader's language: each warning's indicator
** (its name) and its rule's message. It travels in the flash cookie, so it
** is cut short (whole characters) well below a cookie's 4 KB once escaped. */
static const char *warnings_text(struct req *r, const struct ind_check *chk, const struct ind_value *v, int n)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < chk->nwarn; i++) {
		const char *name = chk->warn_indicator[i];
		for (int k = 0; k < n && name; k++)
			if (!strcmp(v[k].code, name)) { name = v[k].name; break; }
		if (i) buf_raw(&b, "; ");
		if (name) buf_printf(&b, "%s: ", name);
		buf_raw(&b, chk->warn_message[i] ? chk->warn_message[i] : chk->warn_rule[i]);
	}
	size_t max = 900;
	if (b.len > max) {
		while (max > 0 && ((unsigned char)buf_cstr(&b)[max] & 0xC0) == 0x80) max--;
		b.len = max;
		buf_raw(&b, "…");
	}
	const char *s = arena_printf(&r->a, _("The values are saved, with warnings: %s"), buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* the form of a unit and period: for each indicator of the period's type
** the fields v.CODE (value), n.CODE and d.CODE (a ratio), c.CODE (comment);
** a row left empty is not entered */
void page_indicator_values_post(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	const char *path = unit_param(r, req_form(r, "unit_id"), &id, &u);
	if (!path) return;
	const char *period = user_period(r, req_form(r, "period"));
	if (!period) {
		reply_error(r, 422, "validation", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
		return;
	}
	struct ind_value *v;
	int n;
	int rc = indicators_unit_values(r->db, &r->a, id, period, r->lang, &v, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct ind_entry *e = arena_alloc(&r->a, sizeof *e * (size_t)(n ? n : 1));
	int ne = 0, stale = 0;
	struct field_errors fe = { 0 };
	for (int i = 0; i < n; i++) {
		if (v[i].has && !strcmp(v[i].status, "approved")) continue;
		const char *val = req_form(r, arena_printf(&r->a, "v.%s", v[i].code));
		const char *num = req_form(r, arena_printf(&r->a, "n.%s", v[i].code));
		const char *den = req_form(r, arena_printf(&r->a, "d.%s", v[i].code));
		const char *com = req_form(r, arena_printf(&r->a, "c.%s", v[i].code));
		struct ind_entry *x = &e[ne];
		memset(x, 0, sizeof *x);
		x->code = v[i].code;
		x->comment = com && *com ? com : NULL;
		if (!strcmp(v[i].kind, "ratio")) {
			if ((!num || !*num) && (!den || !*den)) continue;
			if (!num || !den || i18n_parse_number(r->lang, num, &x->numerator) != 0 || i18n_parse_number(r->lang, den, &x->denominator) != 0) {
				fe_add(&fe, arena_printf(&r->a, "v.%s", v[i].code), N_("Write a numerator and a denominator"));
				continue;
			}
			x->has_ratio = 1;
		} else {
			if (!val || !*val) continue;
			if (i18n_parse_number(r->lang, val, &x->value) != 0) {
				/* the form's message: how a number is written in the reader's language */
				fe_add(&fe, arena_printf(&r->a, "v.%s", v[i].code), N_("Must be a number written like 1,500,000.5"));
				continue;
			}
			x->has_value = 1;
		}
		/* a row posted back unchanged is not entered again (no history row) */
		const char *stored = v[i].comment ? v[i].comment : "";
		int same_comment = !strcmp(stored, x->comment ? x->comment : "");
		if (v[i].has && same_comment &&
		    (x->has_ratio ? ind_round(x->numerator) == v[i].numerator && ind_round(x->denominator) == v[i].denominator
				  : ind_round(x->value) == v[i].value))
			continue;
		/* a row changed by someone else since the form was read (o.CODE: the
		** version it was read at, 0 for none) is not overwritten unseen: the
		** form comes back with its current value beside what was typed */
		const char *ov = req_form(r, arena_printf(&r->a, "o.%s", v[i].code));
		char *end = NULL;
		long long read_at = ov && *ov ? strtoll(ov, &end, 10) : -1;
		if (read_at >= 0 && end && !*end && read_at != (v[i].has ? v[i].version : 0)) {
			const char *now = x->has_ratio ? arena_printf(&r->a, "%s / %s", ind_input_value(r, 1, v[i].numerator), ind_input_value(r, 1, v[i].denominator))
						       : ind_input_value(r, 1, v[i].value);
			fe_add(&fe, arena_printf(&r->a, "v.%s", v[i].code),
			       arena_printf(&r->a, _("Someone else changed this value after you opened the form; it is now %s. Save again to keep what you typed."), now));
			stale++;
			continue;
		}
		ne++;
	}
	if (stale) {
		r->status = 409;
		r->notice = _("Someone else changed values of this unit after you opened the form: see the rows marked below. Nothing was saved; what you typed is kept.");
	}
	struct ind_check chk = { 0 };
	if (!fe.n && !ne) {
		back_to_unit(r, id, period, N_("Nothing has changed"));
		return;
	}
	if (fe.n) { show_page(r, id, u, period, &fe, NULL, NULL); return; }
	struct field_errors dfe = { 0 };
	rc = indicators_enter(r->db, &r->a, r->user, id, period, e, ne, r->lang, &dfe, &chk);
	if (rc == E_OK) {
		back_to_unit(r, id, period, chk.nwarn ? warnings_text(r, &chk, v, n) : N_("The values are saved"));
		return;
	}
	if (rc != E_INVALID && rc != E_STATE) { reply_fail(r, rc, NULL); return; }
	/* the domain's errors are keyed values[i]: name the form's field */
	for (int k = 0; k < dfe.n; k++) {
		int i = -1;
		if (sscanf(dfe.field[k], "values[%d]", &i) == 1 && i >= 0 && i < ne) fe_add(&fe, arena_printf(&r->a, "v.%s", e[i].code), dfe.msg[k]);
		else fe_add(&fe, dfe.field[k], dfe.msg[k]);
	}
	show_page(r, id, u, period, &fe, &chk, NULL);
}

static void status_post(struct req *r, int approve)
{
	int64_t id = 0;
	struct unit *u;
	const char *path = unit_param(r, req_form(r, "unit_id"), &id, &u);
	if (!path) return;
	/* typed the user's way as in the other forms (Q3/2025 as 2025-Q3) */
	const char *period = user_period(r, req_form(r, "period"));
	if (!period) {
		reply_error(r, 422, "validation", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
		return;
	}
	const char *reason = req_form(r, "reason");
	int n = 0;
	int rc = approve ? indicators_approve(r->db, r->user, id, period, &n) : indicators_unlock(r->db, r->user, id, period, reason, &n);
	if (rc == E_OK) { back_to_unit(r, id, period, approve ? N_("The values are approved and locked") : N_("The values are unlocked")); return; }
	struct field_errors fe = { 0 };
	if (rc == E_INVALID) {
		fe_add(&fe, "reason", N_("Give the reason for unlocking"));
		show_page(r, id, u, period ? period : "", &fe, NULL, NULL);
		return;
	}
	if (rc == E_STATE) fe_add(&fe, "values", approve ? N_("No values wait for approval") : N_("No approved values to unlock"));
	reply_fail(r, rc, &fe);
}

void page_indicator_approve(struct req *r) { status_post(r, 1); }
void page_indicator_unlock(struct req *r) { status_post(r, 0); }

struct tmpl_ctx {
	int64_t unit_id;
	const char *period;
};

static int write_template(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct tmpl_ctx *c = ctx;
	return indicators_template(r->db, &r->a, c->unit_id, c->period, r->lang, f, format);
}

void page_indicator_template(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	if (!unit_param(r, req_query(r, "unit_id"), &id, &u)) return;
	const char *period = user_period(r, req_query(r, "period"));
	if (!period) {
		reply_error(r, 400, "bad_request", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
		return;
	}
	const char *format = reply_sheet_format(r, "xlsx");
	if (!format) return;
	struct tmpl_ctx c = { id, period };
	reply_sheet(r, arena_printf(&r->a, "indicators-%s-%s", u->code, period), format, write_template, &c);
}

/* the uploaded file through the import: E_OK and *count, or errors */
static int import_upload(struct req *r, struct buf *errors, int *count)
{
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->len) {
		buf_printf(errors, "%s\n", _("Choose a file to upload"));
		return E_INVALID;
	}
	FILE *f = fmemopen((void *)p->data, p->len, "r");
	if (!f) return E_DB;
	struct table *t;
	char err[256];
	int rc;
	if (table_open(&t, f, r->lang, err, sizeof err) != 0) {
		buf_printf(errors, "%s\n", err);
		rc = E_INVALID;
	} else {
		rc = indicators_import(r->db, &r->a, r->user, t, r->lang, errors, count);
		table_close(t);
	}
	fclose(f);
	return rc;
}

void page_indicator_import(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	if (!unit_param(r, req_form(r, "unit_id"), &id, &u)) return;
	const char *period = user_period(r, req_form(r, "period"));
	if (!period_type_of(period)) period = latest_year(r);
	struct buf errors;
	buf_init(&errors);
	int count = 0;
	int rc = import_upload(r, &errors, &count);
	if (rc == E_OK) back_to_unit(r, id, period, N_("The file is imported"));
	else if (rc == E_INVALID) show_page(r, id, u, period, NULL, NULL, arena_strdup(&r->a, buf_cstr(&errors)));
	else reply_fail(r, rc, NULL);
	buf_free(&errors);
}

/* ---- history ---- */

static int history_params(struct req *r, struct indicator **x, int64_t *unit_id, struct unit **u, const char **period)
{
	if (indicators_find(r->db, &r->a, req_query(r, "indicator"), r->lang, x) != E_OK) {
		reply_error(r, 404, "not_found", N_("No such indicator"));
		return 0;
	}
	if (!unit_param(r, req_query(r, "unit_id"), unit_id, u)) return 0;
	*period = user_period(r, req_query(r, "period"));
	if (!period_valid((*x)->period_type, *period)) {
		reply_error(r, 400, "bad_request", N_("The period does not match the indicator's period type"));
		return 0;
	}
	return 1;
}

void page_indicator_history(struct req *r)
{
	struct indicator *x;
	struct unit *u;
	int64_t id;
	const char *period;
	if (!history_params(r, &x, &id, &u, &period)) return;
	struct ind_history *h;
	int n;
	if (indicators_history(r->db, &r->a, x->id, id, period, &h, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, arena_printf(&r->a, "%s · %s", _("History"), x->name), "indicators");
	tmpl_indicator_history(&r->out, r, x, u, period, h, n);
	page_end(r);
}

void api_indicator_values_history(struct req *r)
{
	struct indicator *x;
	struct unit *u;
	int64_t id;
	const char *period;
	if (!history_params(r, &x, &id, &u, &period)) return;
	struct ind_history *h;
	int n;
	if (indicators_history(r->db, &r->a, x->id, id, period, &h, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kint(&w, "id", h[i].id);
		jw_kstr(&w, "action", h[i].action);
		jw_key(&w, "value");
		if (h[i].has_value) jw_num(&w, h[i].value); else jw_null(&w);
		jw_key(&w, "numerator");
		if (h[i].has_ratio) jw_num(&w, h[i].numerator); else jw_null(&w);
		jw_key(&w, "denominator");
		if (h[i].has_ratio) jw_num(&w, h[i].denominator); else jw_null(&w);
		jw_kstr(&w, "comment", h[i].comment);
		jw_kstr(&w, "user", h[i].user ? h[i].user : "system");
		jw_kstr(&w, "at", h[i].at);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

/* ---- definitions ---- */

static const char *const kinds[] = { "number", "percent", "ratio", NULL };
static const char *const aggs[] = { "sum", "mean", "weighted", "latest", "none", NULL };
static const char *const dirs[] = { "higher", "lower", NULL };
static const char *const ptypes[] = { "year", "quarter", "month", NULL };

enum { IF_CODE, IF_VI, IF_EN, IF_HI, IF_MEASURE, IF_KIND, IF_AGG, IF_DIR, IF_PTYPE, IF_DEC, IF_ACTIVE, IF_N };
static const struct field_spec ind_fields[IF_N + 1] = {
	[IF_CODE] = { "code", F_TEXT, 1, IND_CODE_MAX, 0, 0, NULL },
	[IF_VI] = { "name_vi", F_TEXT, 1, IND_NAME_MAX, 0, 0, NULL },
	[IF_EN] = { "name_en", F_TEXT, 1, IND_NAME_MAX, 0, 0, NULL },
	[IF_HI] = { "name_hi", F_TEXT, 1, IND_NAME_MAX, 0, 0, NULL },
	[IF_MEASURE] = { "measure", F_TEXT, 0, 40, 0, 0, NULL },
	[IF_KIND] = { "kind", F_CHOICE, 1, 0, 0, 0, kinds },
	[IF_AGG] = { "aggregation", F_CHOICE, 1, 0, 0, 0, aggs },
	[IF_DIR] = { "direction", F_CHOICE, 1, 0, 0, 0, dirs },
	[IF_PTYPE] = { "period_type", F_CHOICE, 1, 0, 0, 0, ptypes },
	[IF_DEC] = { "decimals", F_INT, 0, 0, 0, 4, NULL },
	[IF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
};
/* what a ratio's numerator and denominator count (a second table: a field table holds IN_MAX fields) */
static const struct field_spec part_fields[9] = {
	{ "numerator_vi", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL }, { "numerator_en", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL },
	{ "numerator_hi", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL }, { "denominator_vi", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL },
	{ "denominator_en", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL }, { "denominator_hi", F_TEXT, 0, IND_NAME_MAX, 0, 0, NULL },
	{ "measure_en", F_TEXT, 0, 40, 0, 0, NULL }, { "measure_hi", F_TEXT, 0, 40, 0, 0, NULL },
};

static void read_indicator(struct req *r, struct indicator_in *in, struct field_errors *fe)
{
	struct input v;
	input_read(r, ind_fields, &v, fe, 0);
	memset(in, 0, sizeof *in);
	in->code = v.s[IF_CODE];
	in->name_vi = v.s[IF_VI];
	in->name_en = v.s[IF_EN];
	in->name_hi = v.s[IF_HI];
	in->measure = v.s[IF_MEASURE] ? v.s[IF_MEASURE] : "";
	in->kind = v.s[IF_KIND];
	in->aggregation = v.s[IF_AGG];
	in->direction = v.s[IF_DIR];
	in->period_type = v.s[IF_PTYPE];
	in->decimals = v.present[IF_DEC] ? (int)v.i[IF_DEC] : 0;
	in->active = v.present[IF_ACTIVE] ? (int)v.i[IF_ACTIVE] : 1;
	in->factor = 100;
	if (fe_get(fe, "body")) return;
	struct input p;
	input_read(r, part_fields, &p, fe, 0);
	in->numerator_vi = p.s[0];
	in->numerator_en = p.s[1];
	in->numerator_hi = p.s[2];
	in->denominator_vi = p.s[3];
	in->denominator_en = p.s[4];
	in->denominator_hi = p.s[5];
	in->measure_en = p.s[6];
	in->measure_hi = p.s[7];
}

void api_indicators_list(struct req *r)
{
	struct indicator *items;
	int n;
	if (indicators_list(r->db, &r->a, r->lang, 1, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) indicator_json(&w, &items[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void reply_indicator(struct req *r, int64_t id, int status)
{
	struct indicator *x;
	int rc = indicators_get(r->db, &r->a, id, r->lang, &x);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	indicator_json(&w, x);
}

void api_indicator_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (id) reply_indicator(r, id, 200);
}

/* the API's factor of a ratio, a JSON number; absent or null: the one given
 * (100 for a new indicator, the stored one for a correction) */
static void read_json_factor(struct req *r, struct indicator_in *in, double stored, struct field_errors *fe)
{
	json_t *f = r->json ? json_object_get(r->json, "factor") : NULL;
	in->factor = stored;
	if (!f || json_is_null(f)) return;
	if (!json_is_number(f)) fe_add(fe, "factor", N_("Is not a number"));
	else if (json_number_value(f) <= 0) fe_add(fe, "factor", N_("Out of range"));
	else in->factor = json_number_value(f);
}

void api_indicator_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct indicator_in in;
	read_indicator(r, &in, &fe);
	read_json_factor(r, &in, 100, &fe);
	int64_t id = 0;
	int rc = fe.n ? E_INVALID : indicators_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/indicators/%lld", (long long)id));
	reply_indicator(r, id, 201);
}

void api_indicator_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct indicator *x;
	int rc = indicators_get(r->db, &r->a, id, r->lang, &x);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct indicator_in in;
	read_indicator(r, &in, &fe);
	read_json_factor(r, &in, x->factor, &fe);
	rc = fe.n ? E_INVALID : indicators_update(r->db, r->user, id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_indicator(r, id, 200);
}

void page_indicator_definitions(struct req *r)
{
	struct indicator *items;
	int n;
	if (indicators_list(r->db, &r->a, r->lang, 1, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, _("Indicator definitions"), "indicators");
	tmpl_indicator_definitions(&r->out, r, items, n, NULL, indicators_may_define(r->user));
	page_end(r);
}

/* the form's factor of a ratio, the user's way ("100", "1.000"); empty: 100 */
static void read_factor(struct req *r, struct indicator_in *in, struct field_errors *fe)
{
	const char *f = req_form(r, "factor");
	if (f && *f && i18n_parse_number(r->lang, f, &in->factor) != 0) fe_add(fe, "factor", N_("Is not a number"));
}

const char *ind_form_value(struct req *r, const char *name, const char *stored)
{
	return r->method == M_POST ? req_form(r, name) : stored;
}

void page_indicator_definition_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct indicator_in in;
	read_indicator(r, &in, &fe);
	read_factor(r, &in, &fe);
	int64_t id = 0;
	int rc = fe.n ? E_INVALID : indicators_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The indicator is created"));
		reply_redirect(r, "/indicators/definitions");
		return;
	}
	if (rc != E_INVALID && !(rc == E_CONFLICT && fe.n)) { reply_fail(r, rc, &fe); return; }
	struct indicator *items;
	int n;
	indicators_list(r->db, &r->a, r->lang, 1, &items, &n);
	r->status = 422;
	page_begin(r, _("Indicator definitions"), "indicators");
	tmpl_indicator_definitions(&r->out, r, items, n, &fe, 1);
	page_end(r);
}

/* the edit page of a definition: its form with the version it was read at */
static void show_definition(struct req *r, const struct indicator *x, const struct field_errors *fe)
{
	int64_t used = 0;
	db_int1(r->db, &used, "SELECT count(*) FROM indicator_values WHERE indicator_id = $1", "i", x->id);
	if (fe && fe->n) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Indicator definitions"), x->name), "indicators");
	tmpl_indicator_edit(&r->out, r, x, fe, used > 0);
	page_end(r);
}

void page_indicator_definition_edit(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct indicator *x;
	int rc = indicators_get(r->db, &r->a, id, r->lang, &x);
	if (rc == E_OK && !indicators_may_change(r->user, x->owner_path)) rc = E_FORBIDDEN;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	show_definition(r, x, NULL);
}

/* POST /indicators/definitions/{id}: every field and the version read (a stale one: 409) */
void page_indicator_definition_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct indicator *x;
	int rc = indicators_get(r->db, &r->a, id, r->lang, &x);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct indicator_in in;
	read_indicator(r, &in, &fe);
	in.factor = x->factor;
	read_factor(r, &in, &fe);
	rc = fe.n ? E_INVALID : indicators_update(r->db, r->user, id, version, &in, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("The indicator is saved"));
		reply_redirect(r, "/indicators/definitions");
		return;
	}
	if (rc == E_INVALID || ((rc == E_STATE || rc == E_CONFLICT) && fe.n)) { show_definition(r, x, &fe); return; }
	if (rc == E_CONFLICT) {
		/* saved by someone else meanwhile: the form again over the current version, with what was typed */
		if (indicators_get(r->db, &r->a, id, r->lang, &x) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, x->version);
		show_definition(r, x, &fe);
		return;
	}
	reply_fail(r, rc, NULL);
}

/* ---- values over the API ---- */

void api_indicator_values(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	if (!unit_param(r, req_query(r, "unit_id"), &id, &u)) return;
	const char *period = user_period(r, req_query(r, "period"));
	if (!period_type_of(period)) {
		reply_error(r, 400, "bad_request", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
		return;
	}
	struct ind_page pg;
	int rc = load_page(r, id, u, period, &pg);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "unit_id", id);
	jw_kstr(&w, "period", period);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < pg.n; i++) value_json(&w, pg.rows[i].v, &pg.rows[i].fig);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void reply_rule_refused(struct req *r, const struct ind_check *chk)
{
	buf_reset(&r->out);
	reply_json(r, 422);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kstr(&w, "code", "validation");
	jw_kstr(&w, "message", chk->message);
	jw_kstr(&w, "rule", chk->rule);
	jw_obj_end(&w);
	jw_obj_end(&w);
}

/* {unit_id, period, values: [{indicator, value | numerator + denominator, comment}]} */
void api_indicator_values_enter(struct req *r)
{
	struct field_errors fe = { 0 };
	json_t *body = r->json;
	json_t *ju = body ? json_object_get(body, "unit_id") : NULL;
	json_t *jp = body ? json_object_get(body, "period") : NULL;
	json_t *jv = body ? json_object_get(body, "values") : NULL;
	if (!json_is_integer(ju) || json_integer_value(ju) <= 0) fe_add(&fe, "unit_id", N_("Is required"));
	if (!json_is_string(jp)) fe_add(&fe, "period", N_("Is required"));
	if (!json_is_array(jv) || !json_array_size(jv)) fe_add(&fe, "values", N_("Enter at least one value"));
	else if (json_array_size(jv) > IND_ENTRIES_MAX) fe_add(&fe, "values", N_("Enter from 1 to 200 values"));
	if (fe.n) { reply_fail(r, E_INVALID, &fe); return; }
	int64_t unit_id = json_integer_value(ju);
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)unit_id);
	struct unit *u;
	if (!unit_param(r, idtext, &unit_id, &u)) return;
	int n = (int)json_array_size(jv);
	struct ind_entry *e = arena_alloc(&r->a, sizeof *e * (size_t)n);
	for (int i = 0; i < n; i++) {
		json_t *o = json_array_get(jv, (size_t)i);
		const char *f = arena_printf(&r->a, "values[%d]", i);
		json_t *ji = json_object_get(o, "indicator"), *val = json_object_get(o, "value"), *num = json_object_get(o, "numerator"),
		       *den = json_object_get(o, "denominator"), *com = json_object_get(o, "comment");
		if (!json_is_object(o) || !json_is_string(ji)) { fe_add(&fe, f, N_("Name the indicator")); continue; }
		e[i].code = json_string_value(ji);
		if (json_is_number(val)) e[i].has_value = 1, e[i].value = json_number_value(val);
		else if (val && !json_is_null(val)) { fe_add(&fe, f, N_("Is not a number")); continue; }
		if ((num && !json_is_null(num) && !json_is_number(num)) || (den && !json_is_null(den) && !json_is_number(den))) {
			fe_add(&fe, f, N_("Is not a number"));
			continue;
		}
		if (json_is_number(num) && json_is_number(den)) e[i].has_ratio = 1, e[i].numerator = json_number_value(num), e[i].denominator = json_number_value(den);
		if (com && !json_is_null(com) && !json_is_string(com)) fe_add(&fe, f, N_("A comment is text"));
		else if (json_is_string(com)) e[i].comment = json_string_value(com);
	}
	if (fe.n) { reply_fail(r, E_INVALID, &fe); return; }
	struct ind_check chk = { 0 };
	int rc = indicators_enter(r->db, &r->a, r->user, unit_id, json_string_value(jp), e, n, r->lang, &fe, &chk);
	if (rc == E_INVALID && chk.rule) { reply_rule_refused(r, &chk); return; }
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "entered", n);
	jw_key(&w, "warnings");
	jw_arr(&w);
	for (int i = 0; i < chk.nwarn; i++) {
		jw_obj(&w);
		jw_kstr(&w, "rule", chk.warn_rule[i]);
		jw_kstr(&w, "message", chk.warn_message[i]);
		jw_kstr(&w, "indicator", chk.warn_indicator[i]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void api_status(struct req *r, int approve)
{
	struct field_errors fe = { 0 };
	json_t *ju = r->json ? json_object_get(r->json, "unit_id") : NULL;
	json_t *jp = r->json ? json_object_get(r->json, "period") : NULL;
	json_t *jr = r->json ? json_object_get(r->json, "reason") : NULL;
	if (!json_is_integer(ju) || json_integer_value(ju) <= 0) fe_add(&fe, "unit_id", N_("Is required"));
	const char *period = json_is_string(jp) ? user_period(r, json_string_value(jp)) : NULL;
	if (!period) fe_add(&fe, "period", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
	if (!approve && (!json_is_string(jr) || !*json_string_value(jr))) fe_add(&fe, "reason", N_("Give the reason for unlocking"));
	if (fe.n) { reply_fail(r, E_INVALID, &fe); return; }
	int64_t unit_id = json_integer_value(ju);
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)unit_id);
	struct unit *u;
	if (!unit_param(r, idtext, &unit_id, &u)) return;
	int n = 0;
	int rc = approve ? indicators_approve(r->db, r->user, unit_id, period, &n)
			 : indicators_unlock(r->db, r->user, unit_id, period, json_string_value(jr), &n);
	if (rc == E_STATE) fe_add(&fe, "values", approve ? N_("No values wait for approval") : N_("No approved values to unlock"));
	if (rc == E_INVALID) fe_add(&fe, "reason", N_("Give the reason for unlocking"));
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, approve ? "approved" : "unlocked", n);
	jw_obj_end(&w);
}

void api_indicator_values_approve(struct req *r) { api_status(r, 1); }
void api_indicator_values_unlock(struct req *r) { api_status(r, 0); }

void api_indicator_values_import(struct req *r)
{
	struct buf errors;
	buf_init(&errors);
	int count = 0;
	int rc = import_upload(r, &errors, &count);
	if (rc == E_OK) {
		reply_json(r, 200);
		struct jw w;
		jw_init(&w, &r->out);
		jw_obj(&w);
		jw_kint(&w, "imported", count);
		jw_obj_end(&w);
	} else if (rc == E_INVALID) {
		reply_json(r, 422);
		struct jw w;
		jw_init(&w, &r->out);
		jw_obj(&w);
		jw_key(&w, "error");
		jw_obj(&w);
		jw_kstr(&w, "code", "validation");
		jw_kstr(&w, "message", _("Nothing was imported"));
		jw_key(&w, "lines");
		jw_arr(&w);
		const char *s = buf_cstr(&errors);
		while (*s) {
			size_t k = strcspn(s, "\n");
			jw_str(&w, arena_strndup(&r->a, s, k));
			s += k + (s[k] == '\n');
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_obj_end(&w);
	} else reply_fail(r, rc, NULL);
	buf_free(&errors);
}

/* GET /api/v1/indicator-figures?indicator=&unit_id=&period=: the unit's figure and its children's */
void api_indicator_figures(struct req *r)
{
	struct indicator *x;
	if (indicators_find(r->db, &r->a, req_query(r, "indicator"), r->lang, &x) != E_OK) {
		reply_error(r, 404, "not_found", N_("No such indicator"));
		return;
	}
	int64_t id = 0;
	struct unit *u;
	if (!unit_param(r, req_query(r, "unit_id"), &id, &u)) return;
	const char *period = user_period(r, req_query(r, "period"));
	if (!period_valid(x->period_type, period)) {
		reply_error(r, 400, "bad_request", N_("The period does not match the indicator's period type"));
		return;
	}
	struct ind_figure f;
	if (indicator_figure(r->db, x, id, period, &f) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "indicator", x->code);
	jw_kstr(&w, "aggregation", x->aggregation);
	jw_kint(&w, "unit_id", id);
	jw_kstr(&w, "period", period);
	jw_key(&w, "figure");
	figure_json(&w, &f);
	jw_key(&w, "children");
	jw_arr(&w);
	/* ?children=0: the unit's figure alone, one row read */
	const char *cq = req_query(r, "children");
	struct stmt *st = cq && !strcmp(cq, "0") ? NULL
			  : db_query(r->db, "SELECT id, code, name FROM units WHERE parent_id = $1 AND active = 1 ORDER BY sort_key, code LIMIT 500", "i", id);
	struct { int64_t id; const char *code, *name; } ch[500];
	int nch = 0;
	while (st && nch < 500 && db_step(st) == DB_ROW) {
		ch[nch].id = db_int(st, 0);
		ch[nch].code = arena_strdup(&r->a, db_text(st, 1));
		ch[nch++].name = arena_strdup(&r->a, db_text(st, 2));
	}
	if (st) db_done(st);
	for (int i = 0; i < nch; i++) {
		struct ind_figure cf;
		if (indicator_figure(r->db, x, ch[i].id, period, &cf) != E_OK || !cf.has) continue;
		jw_obj(&w);
		jw_kint(&w, "unit_id", ch[i].id);
		jw_kstr(&w, "code", ch[i].code);
		jw_kstr(&w, "name", ch[i].name);
		jw_key(&w, "figure");
		figure_json(&w, &cf);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

/* POST /api/v1/indicator-targets {indicator, unit_id, period, target} */
void api_indicator_target_set(struct req *r)
{
	struct field_errors fe = { 0 };
	json_t *ji = r->json ? json_object_get(r->json, "indicator") : NULL;
	json_t *ju = r->json ? json_object_get(r->json, "unit_id") : NULL;
	json_t *jp = r->json ? json_object_get(r->json, "period") : NULL;
	json_t *jt = r->json ? json_object_get(r->json, "target") : NULL;
	struct indicator *x = NULL;
	if (!json_is_string(ji) || indicators_find(r->db, &r->a, json_string_value(ji), r->lang, &x) != E_OK) fe_add(&fe, "indicator", N_("No such indicator"));
	if (!json_is_integer(ju)) fe_add(&fe, "unit_id", N_("Is required"));
	if (!json_is_string(jp)) fe_add(&fe, "period", N_("Is required"));
	if (!json_is_number(jt)) fe_add(&fe, "target", N_("Is required"));
	if (fe.n) { reply_fail(r, E_INVALID, &fe); return; }
	int rc = indicators_set_target(r->db, r->user, x->id, json_integer_value(ju), json_string_value(jp), json_number_value(jt), &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "indicator", x->code);
	jw_kint(&w, "unit_id", json_integer_value(ju));
	jw_kstr(&w, "period", json_string_value(jp));
	jw_key(&w, "target");
	jw_num(&w, json_number_value(jt));
	jw_obj_end(&w);
}

/* the unit page's target form: indicator (code), target (the user's way) */
void page_indicator_target_post(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	if (!unit_param(r, req_form(r, "unit_id"), &id, &u)) return;
	const char *period = user_period(r, req_form(r, "period"));
	if (!period) {
		reply_error(r, 422, "validation", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
		return;
	}
	struct field_errors fe = { 0 };
	struct indicator *x = NULL;
	double target = 0;
	const char *t = req_form(r, "target");
	if (indicators_find(r->db, &r->a, req_form(r, "indicator"), r->lang, &x) != E_OK) fe_add(&fe, "indicator", N_("No such indicator"));
	if (!t || i18n_parse_number(r->lang, t, &target) != 0) fe_add(&fe, "target", N_("Must be a number written like 1,500,000.5"));
	int rc = fe.n ? E_INVALID : indicators_set_target(r->db, r->user, x->id, id, period, target, &fe);
	if (rc == E_OK) { back_to_unit(r, id, period, N_("The target is saved")); return; }
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	show_page(r, id, u, period, &fe, NULL, NULL);
}

int ind_code_in(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncmp(p, code, n)) return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

/* the dashboard form: slug, title, unit_id, from, to, indicators (checkboxes, or codes separated by commas), public */
static void read_dashboard(struct req *r, struct ind_dashboard_in *in, struct field_errors *fe)
{
	const char *uid = req_form(r, "unit_id");
	int64_t unit = 0;
	if (!uid || parse_id(uid, &unit) != 0) unit = 0;
	*in = (struct ind_dashboard_in){ .slug = req_form(r, "slug"), .title = req_form(r, "title"), .period_from = period_or_typed(r, req_form(r, "from")),
					 .period_to = period_or_typed(r, req_form(r, "to")), .unit_id = unit, .public_ = req_form(r, "public") != NULL,
					 .title_en = req_form(r, "title_en"), .title_hi = req_form(r, "title_hi") };
	const char *codes[50];
	int n = 0, present = 0;
	if (input_list(r, "indicators", codes, 50, &n, &present, fe) != E_OK) return;
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < n; i++) buf_printf(&b, "%s%s", i ? "," : "", codes[i]);
	in->indicators = n ? arena_strdup(&r->a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	if (!n) fe_add(fe, "indicators", N_("Choose at least one indicator"));
}

/* a saved dashboard is listed, opened and changed only by one who may define over its unit */
static int may_change_dashboard(struct req *r, const struct ind_dashboard *d)
{
	char path[UNIT_PATH_MAX];
	return units_path(r->db, d->unit_id, path, sizeof path) == E_OK && role_can(r->user, PERM_INDICATOR_DEFINE, path);
}

/* the dashboard form on its own page: a saved one (d) or one that failed to save (what was typed) */
static void show_dashboard_form(struct req *r, const struct ind_dashboard *d, const struct ind_dashboard_in *typed,
				const struct field_errors *fe)
{
	struct ind_dash_form f = { 0 };
	if (d) {
		f.id = d->id;
		f.version = d->version;
	}
	const struct ind_dashboard_in *in = typed;
	struct ind_dashboard_in from_d;
	if (!in) {
		from_d = (struct ind_dashboard_in){ .slug = d->slug, .title = d->title, .indicators = d->indicators, .period_from = d->period_from,
						    .period_to = d->period_to, .unit_id = d->unit_id, .public_ = d->public_, .title_en = d->title_en,
						    .title_hi = d->title_hi };
		in = &from_d;
	}
	f.in = *in;
	indicators_list(r->db, &r->a, r->lang, 0, &f.inds, &f.ninds);
	if (fe && fe->n) r->status = 422;
	page_begin(r, d ? arena_printf(&r->a, "%s · %s", _("Dashboard"), ind_dashboard_title(d, r->lang)) : _("Save this dashboard"), "indicators");
	tmpl_indicator_dashboard_edit(&r->out, r, &f, fe);
	page_end(r);
}

/* the dashboard page's form: save the dashboard shown, public or not */
void page_indicator_dashboard_post(struct req *r)
{
	struct field_errors fe = { 0 };
	struct ind_dashboard_in in;
	read_dashboard(r, &in, &fe);
	/* the unit picker searched: the form again as typed, with the matches, nothing saved */
	if (pick_step(r)) { show_dashboard_form(r, NULL, &in, NULL); return; }
	int64_t id = 0;
	int rc = fe.n ? E_INVALID : ind_dashboards_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The dashboard is saved"));
		reply_redirect(r, in.public_ ? arena_printf(&r->a, "/public/indicators/%s", in.slug) : "/indicators/dashboard");
		return;
	}
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc == E_INVALID) { show_dashboard_form(r, NULL, &in, &fe); return; }
	reply_fail(r, rc, &fe);
}

void page_indicator_dashboard_edit(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct ind_dashboard *d;
	int rc = ind_dashboards_get(r->db, &r->a, id, &d);
	if (rc == E_OK && !may_change_dashboard(r, d)) rc = E_FORBIDDEN;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	show_dashboard_form(r, d, NULL, NULL);
}

/* POST /indicators/dashboards/{id}: every field and the version read */
void page_indicator_dashboard_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct ind_dashboard *d;
	int rc = ind_dashboards_get(r->db, &r->a, id, &d);
	if (rc == E_OK && !may_change_dashboard(r, d)) rc = E_FORBIDDEN;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct ind_dashboard_in in;
	read_dashboard(r, &in, &fe);
	if (pick_step(r)) { show_dashboard_form(r, d, &in, NULL); return; }
	rc = fe.n ? E_INVALID : ind_dashboards_update(r->db, r->user, id, version, &in, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("The dashboard is saved"));
		reply_redirect(r, in.public_ ? arena_printf(&r->a, "/public/indicators/%s", in.slug) : "/indicators/dashboard");
		return;
	}
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc == E_INVALID) { show_dashboard_form(r, d, &in, &fe); return; }
	if (rc == E_CONFLICT) {
		/* saved by someone else meanwhile: what was typed, over the current version */
		if (ind_dashboards_get(r->db, &r->a, id, &d) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, d->version);
		show_dashboard_form(r, d, &in, &fe);
		return;
	}
	reply_fail(r, rc, &fe);
}

/* ---- validation rules ---- */

enum { RF_CODE, RF_EXPR, RF_VI, RF_EN, RF_HI, RF_SEV, RF_N };
static const char *const sevs[] = { "error", "warning", "comment", NULL };
static const struct field_spec rule_fields[RF_N + 1] = {
	[RF_CODE] = { "code", F_TEXT, 1, IND_CODE_MAX, 0, 0, NULL },
	[RF_EXPR] = { "expression", F_TEXT, 1, 2000, 0, 0, NULL },
	[RF_VI] = { "message_vi", F_TEXT, 1, 500, 0, 0, NULL },
	[RF_EN] = { "message_en", F_TEXT, 1, 500, 0, 0, NULL },
	[RF_HI] = { "message_hi", F_TEXT, 1, 500, 0, 0, NULL },
	[RF_SEV] = { "severity", F_CHOICE, 1, 0, 0, 0, sevs },
};

static void read_rule_in(struct req *r, struct ind_rule_in *in, struct field_errors *fe, struct ind_expr_error *err)
{
	struct input v;
	input_read(r, rule_fields, &v, fe, 0);
	*in = (struct ind_rule_in){ v.s[RF_CODE], v.s[RF_EXPR], v.s[RF_VI], v.s[RF_EN], v.s[RF_HI], v.s[RF_SEV], 1 };
	memset(err, 0, sizeof *err);
	/* a form's numbers the user's way (0,5 in vi), stored the one way (0.5); JSON's the stored way */
	const char *canonical = NULL;
	if (v.s[RF_EXPR] && ind_expr_read(r->db, &r->a, r->json ? NULL : r->lang, v.s[RF_EXPR], &canonical, err) != E_OK) {
		if (!fe_get(fe, "expression")) fe_add(fe, "expression", N_("The rule does not parse"));
	} else if (canonical) in->expression = canonical;
}

static int rule_create(struct req *r, struct field_errors *fe, struct ind_expr_error *err, int64_t *id)
{
	struct ind_rule_in in;
	read_rule_in(r, &in, fe, err);
	if (fe->n) return E_INVALID;
	int rc = ind_rules_create(r->db, r->user, &in, fe, err, id);
	return rc == E_CONFLICT && fe->n ? E_INVALID : rc;
}

const char *ind_caret(struct req *r, int column)
{
	if (column < 1 || column > 2000) return "";
	char *s = arena_alloc(&r->a, (size_t)column + 1);
	memset(s, ' ', (size_t)column - 1);
	s[column - 1] = '^';
	s[column] = 0;
	return s;
}

void api_indicator_rules_list(struct req *r)
{
	struct ind_rule *items;
	int n;
	if (ind_rules_list(r->db, &r->a, r->lang, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) ind_rule_json(&w, &items[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

void api_indicator_rule_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct ind_expr_error err;
	int64_t id = 0;
	int rc = rule_create(r, &fe, &err, &id);
	if (rc == E_INVALID && err.reason) {
		/* the expression's own message, with its column */
		for (int i = 0; i < fe.n; i++)
			if (!strcmp(fe.field[i], "expression")) fe.msg[i] = ind_expr_error_text(&r->a, r->lang, &err);
	}
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct ind_rule *x;
	if (ind_rules_get(r->db, &r->a, id, r->lang, &x) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/indicator-rules/%lld", (long long)id));
	reply_json(r, 201);
	struct jw w;
	jw_init(&w, &r->out);
	ind_rule_json(&w, x);
}

/* PATCH /api/v1/indicator-rules/{id}: every field, active (default true), version */
void api_indicator_rule_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct ind_expr_error err;
	int64_t version = require_version(r, &fe);
	struct ind_rule_in in;
	read_rule_in(r, &in, &fe, &err);
	json_t *ja = r->json ? json_object_get(r->json, "active") : NULL;
	if (ja && !json_is_boolean(ja)) fe_add(&fe, "active", N_("Must be true or false"));
	in.active = !ja || json_is_true(ja);
	int rc = fe.n ? E_INVALID : ind_rules_update(r->db, r->user, id, version, &in, &fe, &err);
	if (rc == E_INVALID && err.reason)
		for (int i = 0; i < fe.n; i++)
			if (!strcmp(fe.field[i], "expression")) fe.msg[i] = ind_expr_error_text(&r->a, r->lang, &err);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct ind_rule *x;
	if (ind_rules_get(r->db, &r->a, id, r->lang, &x) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	ind_rule_json(&w, x);
}

/* DELETE /api/v1/indicator-rules/{id}?version= */
void api_indicator_rule_delete(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	int64_t version = query_int(r, "version", -1, 1, INT64_MAX);
	if (query_bad(r)) return;
	if (version < 0) {
		struct field_errors fe = { 0 };
		fe_add(&fe, "version", N_("Is required"));
		reply_invalid(r, &fe);
		return;
	}
	int rc = ind_rules_delete(r->db, r->user, id, version);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	r->status = 204;
}

void page_indicator_rules(struct req *r)
{
	struct ind_rule *items;
	int n;
	if (ind_rules_list(r->db, &r->a, r->lang, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, _("Validation rules"), "indicators");
	struct indicator *inds;
	int ninds;
	indicators_list(r->db, &r->a, r->lang, 0, &inds, &ninds);
	tmpl_indicator_rules(&r->out, r, items, n, NULL, NULL, indicators_may_define(r->user), inds, ninds);
	page_end(r);
}

static void show_rule(struct req *r, const struct ind_rule *x, const struct field_errors *fe, const struct ind_expr_error *err)
{
	if (fe && fe->n) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Validation rules"), x->code), "indicators");
	struct indicator *inds;
	int ninds;
	indicators_list(r->db, &r->a, r->lang, 0, &inds, &ninds);
	tmpl_indicator_rule_edit(&r->out, r, x, fe, err, inds, ninds);
	page_end(r);
}

void page_indicator_rule_edit(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct ind_rule *x;
	int rc = ind_rules_get(r->db, &r->a, id, r->lang, &x);
	if (rc == E_OK && !indicators_may_change(r->user, x->owner_path)) rc = E_FORBIDDEN;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	show_rule(r, x, NULL, NULL);
}

/* POST /indicators/rules/{id}: every field, active, and the version read */
void page_indicator_rule_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct ind_rule *x;
	int rc = ind_rules_get(r->db, &r->a, id, r->lang, &x);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct field_errors fe = { 0 };
	struct ind_expr_error err;
	int64_t version = require_version(r, &fe);
	struct ind_rule_in in;
	read_rule_in(r, &in, &fe, &err);
	in.active = req_form(r, "active") != NULL;
	rc = fe.n ? E_INVALID : ind_rules_update(r->db, r->user, id, version, &in, &fe, &err);
	if (rc == E_OK) {
		flash_set(r, N_("The rule is saved"));
		reply_redirect(r, "/indicators/rules");
		return;
	}
	if (rc == E_INVALID || (rc == E_CONFLICT && fe.n)) { show_rule(r, x, &fe, &err); return; }
	if (rc == E_CONFLICT) {
		/* saved by someone else meanwhile: the form again over the current version, with what was typed */
		if (ind_rules_get(r->db, &r->a, id, r->lang, &x) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, x->version);
		show_rule(r, x, &fe, &err);
		return;
	}
	reply_fail(r, rc, NULL);
}

/* POST /indicators/rules/{id}/delete: the version read */
void page_indicator_rule_delete(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	int rc = fe.n ? E_INVALID : ind_rules_delete(r->db, r->user, id, version);
	if (rc == E_OK) {
		flash_set(r, N_("The rule is removed"));
		reply_redirect(r, "/indicators/rules");
		return;
	}
	reply_fail(r, rc, &fe);
}

void page_indicator_rule_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct ind_expr_error err;
	int64_t id = 0;
	int rc = rule_create(r, &fe, &err, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The rule is created"));
		reply_redirect(r, "/indicators/rules");
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	struct ind_rule *items;
	int n;
	ind_rules_list(r->db, &r->a, r->lang, &items, &n);
	r->status = 422;
	page_begin(r, _("Validation rules"), "indicators");
	struct indicator *inds;
	int ninds;
	indicators_list(r->db, &r->a, r->lang, 0, &inds, &ninds);
	tmpl_indicator_rules(&r->out, r, items, n, &fe, &err, 1, inds, ninds);
	page_end(r);
}

/* ---- indexes ---- */

static void index_json(struct jw *w, const struct composite_index *ix)
{
	jw_obj(w);
	jw_kint(w, "id", ix->id);
	jw_kstr(w, "code", ix->code);
	jw_kstr(w, "name", ix->name);
	jw_kint(w, "scope_id", ix->scope_id);
	jw_kstr(w, "scope_name", ix->scope_name);
	jw_kstr(w, "unit_kind", ix->unit_kind);
	jw_key(w, "total_points");
	jw_num(w, ix->total_points);
	jw_key(w, "criteria");
	jw_arr(w);
	for (int i = 0; i < ix->ncrit; i++) {
		const struct index_criterion *c = &ix->crit[i];
		jw_obj(w);
		jw_kstr(w, "code", c->code);
		jw_kstr(w, "name", c->name);
		jw_key(w, "points");
		jw_num(w, c->points);
		const char *parent = NULL;
		for (int k = 0; k < ix->ncrit; k++)
			if (ix->crit[k].id == c->parent_id) parent = ix->crit[k].code;
		jw_kstr(w, "parent", parent);
		jw_kstr(w, "indicator", c->indicator_code);
		jw_kstr(w, "method", c->method);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void api_indexes_list(struct req *r)
{
	struct composite_index *items;
	int n;
	if (indexes_list(r->db, &r->a, r->lang, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) {
		struct composite_index *ix;
		if (indexes_get(r->db, &r->a, items[i].id, r->lang, &ix) == E_OK) index_json(&w, ix);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double jnum(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* {code, name_vi, name_en, name_hi, scope_id, unit_kind, total_points,
**  criteria: [{code, name_vi, name_en, name_hi, points, parent (a main's code), indicator, method, lo, hi, thresholds}]} */
void api_index_create(struct req *r)
{
	struct field_errors fe = { 0 };
	json_t *b = r->json;
	json_t *jc = b ? json_object_get(b, "criteria") : NULL;
	if (!b || !json_is_array(jc) || !json_array_size(jc) || json_array_size(jc) > 500) {
		fe_add(&fe, "criteria", N_("An index needs criteria"));
		reply_fail(r, E_INVALID, &fe);
		return;
	}
	struct index_in in = { .code = jstr(b, "code"), .name_vi = jstr(b, "name_vi"), .name_en = jstr(b, "name_en"), .name_hi = jstr(b, "name_hi"),
			       .unit_kind = jstr(b, "unit_kind"), .total_points = jnum(b, "total_points") };
	json_t *js = json_object_get(b, "scope_id");
	in.scope_id = json_is_integer(js) ? json_integer_value(js) : 0;
	in.ncrit = (int)json_array_size(jc);
	in.crit = arena_alloc(&r->a, sizeof *in.crit * (size_t)in.ncrit);
	for (int i = 0; i < in.ncrit; i++) {
		json_t *o = json_array_get(jc, (size_t)i);
		struct index_criterion *c = &in.crit[i];
		c->code = jstr(o, "code");
		c->name_vi = jstr(o, "name_vi");
		c->name_en = jstr(o, "name_en");
		c->name_hi = jstr(o, "name_hi");
		c->points = jnum(o, "points");
		const char *parent = jstr(o, "parent");
		c->parent_id = 0;
		for (int k = 0; parent && k < i; k++)
			if (in.crit[k].code && !strcmp(in.crit[k].code, parent)) c->parent_id = k + 1;
		if (parent && !c->parent_id) c->parent_id = -1;   /* refused by the checks */
		c->indicator_code = jstr(o, "indicator");
		c->method = jstr(o, "method");
		c->lo = jnum(o, "lo");
		c->hi = jnum(o, "hi");
		if (isnan(c->lo)) c->lo = 0;
		if (isnan(c->hi)) c->hi = 0;
		c->thresholds = jstr(o, "thresholds");
	}
	if (isnan(in.total_points)) in.total_points = 0;
	int64_t id = 0;
	int rc = indexes_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct composite_index *ix;
	if (indexes_get(r->db, &r->a, id, r->lang, &ix) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/indexes/%lld/ranking", (long long)id));
	reply_json(r, 201);
	struct jw w;
	jw_init(&w, &r->out);
	index_json(&w, ix);
}

static int ranking_params(struct req *r, struct index_ranking **out)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return 0;
	struct composite_index *ix;
	if (indexes_get(r->db, &r->a, id, r->lang, &ix) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return 0; }
	char path[UNIT_PATH_MAX];
	if (units_path(r->db, ix->scope_id, path, sizeof path) != E_OK || !require(r, PERM_READ, path)) {
		if (!r->status) reply_fail(r, E_NOTFOUND, NULL);
		return 0;
	}
	int64_t year = query_int(r, "year", 0, 1900, 2999);
	if (query_bad(r)) return 0;
	if (!year) {
		const char *p = latest_year(r);
		year = atoi(p);
	}
	int rc = indexes_rank(r->db, &r->a, id, (int)year, r->lang, out);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return 0; }
	return 1;
}

void api_index_ranking(struct req *r)
{
	struct index_ranking *rk;
	if (!ranking_params(r, &rk)) return;
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "index");
	index_json(&w, rk->ix);
	jw_kint(&w, "year", rk->year);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < rk->nrows; i++) {
		const struct index_row *row = &rk->rows[i];
		jw_obj(&w);
		jw_kint(&w, "rank", row->rank);
		jw_kint(&w, "unit_id", row->unit_id);
		jw_kstr(&w, "code", row->unit_code);
		jw_kstr(&w, "name", row->unit_name);
		jw_key(&w, "score");
		jw_num(&w, row->score);
		jw_key(&w, "previous_rank");
		if (row->has_prev) jw_int(&w, row->prev_rank); else jw_null(&w);
		jw_key(&w, "previous_score");
		if (row->has_prev) jw_num(&w, row->prev_score); else jw_null(&w);
		jw_key(&w, "points");
		jw_obj(&w);
		for (int k = 0; k < rk->ix->ncrit; k++) {
			jw_key(&w, rk->ix->crit[k].code);
			jw_num(&w, row->points[k]);
		}
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

void page_index(struct req *r)
{
	struct index_ranking *rk;
	if (!ranking_params(r, &rk)) return;
	page_begin(r, rk->ix->name, "indicators");
	tmpl_index_page(&r->out, r, rk);
	page_end(r);
}

/* ---- the index form: criteria as rows ----
** Each row is a main criterion or a sub-criterion of the main one above it
** (crit_level), with its code, names, points, and for a sub its yearly
** indicator (a list) and scoring method with its parameters. Rows come as
** repeated crit_* fields, one of each per row in order; a row whose code,
** names and points are blank is left out. Without JavaScript, "More rows"
** (more_rows) and "Remove" (remove_row=N) post the form and get it back as
** typed. The points are read the user's way (1.000, 2,5), thresholds too
** (bound:points;bound:points). */

#define IX_BLANK_ROWS 4
#define IX_FIRST_ROWS 6
enum { CR_LEVEL, CR_CODE, CR_VI, CR_EN, CR_HI, CR_POINTS, CR_IND, CR_METHOD, CR_LO, CR_HI_, CR_THR, CR_N };
static const char *const crit_names[CR_N] = { "crit_level", "crit_code", "crit_name_vi", "crit_name_en", "crit_name_hi", "crit_points",
					      "crit_indicator", "crit_method", "crit_lo", "crit_hi", "crit_thresholds" };

static int row_blank(const struct ix_row *w)
{
	for (int k = CR_CODE; k <= CR_POINTS; k++)
		if (w->v[k] && *w->v[k]) return 0;
	return 1;
}

/* the rows as posted, in order; remove_row=N leaves row N out */
static int read_crit_rows(struct req *r, struct ix_row **out)
{
	int n[CR_N] = { 0 }, max = 0;
	struct ix_row *rows = arena_alloc(&r->a, sizeof *rows * IX_ROWS_MAX);
	memset(rows, 0, sizeof *rows * IX_ROWS_MAX);
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->form, next) {
		int k = 0;
		while (k < CR_N && strcmp(kv->key, crit_names[k])) k++;
		if (k == CR_N || n[k] >= IX_ROWS_MAX) continue;
		const char *v = kv->value;
		while (*v == ' ') v++;
		size_t len = strlen(v);
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\r')) len--;
		rows[n[k]++].v[k] = arena_strndup(&r->a, v, len);
		if (n[k] > max) max = n[k];
	}
	int64_t removed = 0;
	const char *rm = req_form(r, "remove_row");
	if (rm && parse_id(rm, &removed) == 0 && removed >= 1 && removed <= max) {
		memmove(&rows[removed - 1], &rows[removed], sizeof *rows * (size_t)(max - removed));
		max--;
	}
	*out = rows;
	return max;
}

/* a number of the form, the user's way; empty: dflt */
static int form_number(struct req *r, const char *s, double dflt, double *out)
{
	if (!s || !*s) { *out = dflt; return 0; }
	return i18n_parse_number(r->lang, s, out);
}

/* "2,5:100;5:300" typed the user's way, as the index stores it ("2.5:100;5:300"); NULL when it does not read */
static const char *form_thresholds(struct req *r, const char *s)
{
	if (!s || !*s) return NULL;
	struct buf b;
	buf_init(&b);
	char *list = arena_strdup(&r->a, s), *save = NULL;
	int ok = 1;
	for (char *pair = strtok_r(list, ";", &save); pair && ok; pair = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(pair, ':');
		double bound, pts;
		if (!colon) { ok = 0; break; }
		*colon = 0;
		while (*pair == ' ') pair++;
		char *p2 = colon + 1;
		while (*p2 == ' ') p2++;
		if (i18n_parse_number(r->lang, pair, &bound) != 0 || i18n_parse_number(r->lang, p2, &pts) != 0) { ok = 0; break; }
		buf_printf(&b, "%s%.15g:%.15g", b.len ? ";" : "", bound, pts);
	}
	const char *out = ok && b.len ? arena_strdup(&r->a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return out;
}

/* the rows into criteria (the blank ones left out: map[i] is criterion i's row), with the field errors of what does not read */
static void rows_to_criteria(struct req *r, struct ix_form *f, struct index_in *in, int *map, struct field_errors *fe)
{
	in->crit = arena_alloc(&r->a, sizeof *in->crit * (size_t)(f->nrows ? f->nrows : 1));
	in->ncrit = 0;
	int main_pos = 0;
	for (int i = 0; i < f->nrows; i++) {
		struct ix_row *w = &f->rows[i];
		if (row_blank(w)) continue;
		struct index_criterion *c = &in->crit[in->ncrit];
		memset(c, 0, sizeof *c);
		const char *field = arena_printf(&r->a, "crit.%d", i + 1);
		c->code = w->v[CR_CODE];
		c->name_vi = w->v[CR_VI];
		c->name_en = w->v[CR_EN];
		c->name_hi = w->v[CR_HI];
		if (!w->v[CR_POINTS] || !*w->v[CR_POINTS] || form_number(r, w->v[CR_POINTS], 0, &c->points) != 0) {
			fe_add(fe, field, N_("Write the points as a number"));
			c->points = NAN;
		}
		int sub = w->v[CR_LEVEL] && !strcmp(w->v[CR_LEVEL], "sub");
		if (!sub) {
			main_pos = in->ncrit + 1;
		} else {
			c->parent_id = main_pos ? main_pos : -1;
			c->indicator_code = w->v[CR_IND];
			c->method = w->v[CR_METHOD];
			if (form_number(r, w->v[CR_LO], 0, &c->lo) != 0 || form_number(r, w->v[CR_HI_], 0, &c->hi) != 0)
				fe_add(fe, field, N_("Write the bounds as numbers"));
			if (c->method && !strcmp(c->method, "threshold")) {
				c->thresholds = form_thresholds(r, w->v[CR_THR]);
				if (!c->thresholds) fe_add(fe, field, N_("Write thresholds as bound:points;bound:points, each at most the criterion's points"));
			}
		}
		map[in->ncrit++] = i;
	}
	/* the running totals the page shows */
	f->mains = 0;
	for (int i = 0; i < in->ncrit; i++) {
		if (in->crit[i].parent_id || isnan(in->crit[i].points)) continue;
		f->mains += in->crit[i].points;
		double subs = 0;
		for (int j = i + 1; j < in->ncrit && in->crit[j].parent_id; j++)
			if (!isnan(in->crit[j].points)) subs += in->crit[j].points;
		f->rows[map[i]].subs = subs;
		f->rows[map[i]].has_subs = 1;
	}
}

static void show_index_form(struct req *r, struct ix_form *f, const struct field_errors *fe, const char *errors, int file)
{
	if (fe && fe->n) r->status = 422;
	if (errors && *errors) r->status = 422;
	indicators_list(r->db, &r->a, r->lang, 0, &f->inds, &f->ninds);
	f->kinds = unit_kinds_load(r, &f->nkinds);
	page_begin(r, f->ix ? f->ix->name : _("New index"), "indicators");
	if (file) tmpl_index_file_new(&r->out, r, f, fe, errors);
	else tmpl_index_new(&r->out, r, f, fe, errors);
	page_end(r);
}

static void show_index_new(struct req *r, struct ix_form *f, const struct field_errors *fe, const char *errors)
{
	show_index_form(r, f, fe, errors, 0);
}

void page_index_new(struct req *r)
{
	struct ix_form f = { 0 };
	f.nrows = IX_FIRST_ROWS;
	f.rows = arena_alloc(&r->a, sizeof *f.rows * IX_ROWS_MAX);
	memset(f.rows, 0, sizeof *f.rows * IX_ROWS_MAX);
	for (int i = 0; i < f.nrows; i++) f.rows[i].v[CR_LEVEL] = i == 0 || i == 3 ? "main" : "sub";
	f.total = ind_input_value(r, 1, 1000);
	const char *file = req_query(r, "file");
	show_index_form(r, &f, NULL, NULL, file && !strcmp(file, "1"));
}

/* POST /indexes (multipart or not): code, names, scope (unit_id), unit_kind, total_points, and the criteria as rows of
** the form, or in a file (when no row is filled) */
/* the index form posted as rows: a new index (ix NULL) or a change of ix at the version posted */
static void index_rows_post(struct req *r, struct ix_form *f, const struct composite_index *ix)
{
	struct field_errors fe = { 0 };
	struct index_in in = { .code = req_form(r, "code"), .name_vi = req_form(r, "name_vi"), .name_en = req_form(r, "name_en"),
			       .name_hi = req_form(r, "name_hi"), .unit_kind = req_form(r, "unit_kind") };
	const char *scope = req_form(r, "unit_id");
	int more = req_form(r, "more_rows") != NULL, removed = req_form(r, "remove_row") != NULL;
	int *map = arena_alloc(&r->a, sizeof *map * (size_t)(f->nrows ? f->nrows : 1));
	rows_to_criteria(r, f, &in, map, &fe);
	if (more || removed || pick_step(r)) {
		/* the form back as typed, with more blank rows, without the row removed, or with the scope picker's matches */
		for (int k = 0; more && k < IX_BLANK_ROWS && f->nrows < IX_ROWS_MAX; k++) f->rows[f->nrows++].v[CR_LEVEL] = "sub";
		show_index_new(r, f, NULL, NULL);
		return;
	}
	int64_t version = ix ? require_version(r, &fe) : 0;
	if (!scope || parse_id(scope, &in.scope_id) != 0) fe_add(&fe, "scope", N_("Is required"));
	if (!f->total || i18n_parse_number(r->lang, f->total, &in.total_points) != 0) fe_add(&fe, "total_points", N_("Is not a number"));
	if (!in.ncrit) fe_add(&fe, "criteria", N_("An index needs criteria"));
	int64_t id = ix ? ix->id : 0;
	int rc = E_INVALID;
	if (!fe.n) {
		struct field_errors dfe = { 0 };
		rc = ix ? indexes_update(r->db, r->user, id, version, &in, &dfe) : indexes_create(r->db, r->user, &in, &dfe, &id);
		if (rc == E_CONFLICT && dfe.n) rc = E_INVALID;
		/* the domain names criterion i: the form names its row */
		for (int k = 0; k < dfe.n; k++) {
			int i = -1;
			if (sscanf(dfe.field[k], "criteria[%d]", &i) == 1 && i >= 0 && i < in.ncrit)
				fe_add(&fe, arena_printf(&r->a, "crit.%d", map[i] + 1), dfe.msg[k]);
			else fe_add(&fe, dfe.field[k], dfe.msg[k]);
		}
	}
	if (rc == E_OK) {
		flash_set(r, ix ? N_("The index is saved") : N_("The index is created"));
		reply_redirect(r, arena_printf(&r->a, "/indexes/%lld", (long long)id));
		return;
	}
	if (rc == E_CONFLICT && ix && !fe.n) {
		/* saved by someone else meanwhile: the rows as typed, over the current version */
		struct composite_index *now;
		if (indexes_get(r->db, &r->a, id, r->lang, &now) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		f->ix = now;
		form_conflict(r, now->version);
		rc = E_INVALID;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	for (int k = 0; k < IX_BLANK_ROWS && f->nrows < IX_ROWS_MAX; k++) f->rows[f->nrows++].v[CR_LEVEL] = "sub";
	show_index_new(r, f, &fe, NULL);
}

/* "1:100;4:350.5" as the user writes numbers ("1:100;4:350,5" in vi), every digit kept */
const char *ind_thresholds_shown(struct req *r, const char *s)
{
	if (!s || !*s) return NULL;
	struct buf b;
	buf_init(&b);
	char *list = arena_strdup(&r->a, s), *save = NULL;
	for (char *pair = strtok_r(list, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(pair, ':');
		if (!colon) continue;
		*colon = 0;
		if (b.len) buf_raw(&b, ";");
		ind_fmt_exact(&b, r->lang, strtod(pair, NULL));
		buf_raw(&b, ":");
		ind_fmt_exact(&b, r->lang, strtod(colon + 1, NULL));
	}
	const char *out = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static int index_param(struct req *r, struct composite_index **ix)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return 0;
	int rc = indexes_get(r->db, &r->a, id, r->lang, ix);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return 0; }
	return 1;
}

/* GET /indexes/{id}/edit: the form of an index as stored, its criteria as rows */
void page_index_edit(struct req *r)
{
	struct composite_index *ix;
	if (!index_param(r, &ix)) return;
	struct ix_form f = { 0 };
	f.ix = ix;
	f.rows = arena_alloc(&r->a, sizeof *f.rows * IX_ROWS_MAX);
	memset(f.rows, 0, sizeof *f.rows * IX_ROWS_MAX);
	for (int i = 0; i < ix->ncrit && f.nrows < IX_ROWS_MAX; i++) {
		const struct index_criterion *c = &ix->crit[i];
		struct ix_row *w = &f.rows[f.nrows++];
		int sub = c->parent_id != 0;
		w->v[CR_LEVEL] = sub ? "sub" : "main";
		w->v[CR_CODE] = c->code;
		w->v[CR_VI] = c->name_vi;
		w->v[CR_EN] = c->name_en;
		w->v[CR_HI] = c->name_hi;
		w->v[CR_POINTS] = ind_input_value(r, 1, c->points);
		if (!sub) {
			double subs = 0;
			for (int j = i + 1; j < ix->ncrit && ix->crit[j].parent_id; j++) subs += ix->crit[j].points;
			w->has_subs = 1;
			w->subs = subs;
			f.mains += c->points;
			continue;
		}
		w->v[CR_IND] = c->indicator_code;
		w->v[CR_METHOD] = c->method;
		if (c->method && !strcmp(c->method, "linear")) {
			w->v[CR_LO] = ind_input_value(r, 1, c->lo);
			w->v[CR_HI_] = ind_input_value(r, 1, c->hi);
		}
		w->v[CR_THR] = ind_thresholds_shown(r, c->thresholds);
	}
	for (int k = 0; k < IX_BLANK_ROWS && f.nrows < IX_ROWS_MAX; k++) f.rows[f.nrows++].v[CR_LEVEL] = "sub";
	f.total = ind_input_value(r, 1, ix->total_points);
	show_index_new(r, &f, NULL, NULL);
}

/* POST /indexes/{id}: the form of page_index_edit, with the version read */
void page_index_update(struct req *r)
{
	struct composite_index *ix;
	if (!index_param(r, &ix)) return;
	struct ix_form f = { 0 };
	f.ix = ix;
	f.nrows = read_crit_rows(r, &f.rows);
	f.total = req_form(r, "total_points");
	index_rows_post(r, &f, ix);
}

void page_index_create(struct req *r)
{
	struct ix_form f = { 0 };
	f.nrows = read_crit_rows(r, &f.rows);
	f.total = req_form(r, "total_points");
	/* the rows are a urlencoded form; a file comes in a multipart one (the page /indexes/new?file=1) */
	if (!multipart_is(req_header(r, "Content-Type"))) {
		index_rows_post(r, &f, NULL);
		return;
	}
	/* the scope picker searched: the form again as typed (the file is chosen again), nothing created */
	if (pick_step(r)) { show_index_form(r, &f, NULL, NULL, 1); return; }
	struct field_errors fe = { 0 };
	struct index_in in = { .code = req_form(r, "code"), .name_vi = req_form(r, "name_vi"), .name_en = req_form(r, "name_en"),
			       .name_hi = req_form(r, "name_hi"), .unit_kind = req_form(r, "unit_kind") };
	const char *scope = req_form(r, "unit_id"), *total = req_form(r, "total_points");
	if (!scope || parse_id(scope, &in.scope_id) != 0) fe_add(&fe, "scope", N_("Is required"));
	if (!total || i18n_parse_number(r->lang, total, &in.total_points) != 0) fe_add(&fe, "total_points", N_("Is not a number"));
	struct buf errors;
	buf_init(&errors);
	const struct mp_part *p = req_file(r, "file");
	int rc = E_INVALID;
	if (!p || !p->len) fe_add(&fe, "file", N_("Choose a file to upload"));
	else {
		FILE *fp = fmemopen((void *)p->data, p->len, "r");
		struct table *t;
		char err[256];
		if (!fp) rc = E_DB;
		else if (table_open(&t, fp, r->lang, err, sizeof err) != 0) buf_printf(&errors, "%s\n", err);
		else {
			rc = indexes_read_criteria(&r->a, t, r->lang, &in.crit, &in.ncrit, &errors);
			table_close(t);
		}
		if (fp) fclose(fp);
	}
	int64_t id = 0;
	if (rc == E_OK && !fe.n) rc = indexes_create(r->db, r->user, &in, &fe, &id);
	else if (rc == E_OK) rc = E_INVALID;
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc == E_OK) {
		buf_free(&errors);
		flash_set(r, N_("The index is created"));
		reply_redirect(r, arena_printf(&r->a, "/indexes/%lld", (long long)id));
		return;
	}
	const char *text = arena_strdup(&r->a, buf_cstr(&errors));
	buf_free(&errors);
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	show_index_form(r, &f, &fe, text, 1);
}

/* ---- dashboards ---- */

static enum chart_format chart_fmt(const struct indicator *x)
{
	if (!strcmp(x->kind, "number")) return x->decimals ? CHART_DECIMAL : CHART_INT;
	return CHART_PERCENT;
}

/* the charts of one indicator: the trend of the unit's figure (and target) over the periods, and its children's figures */
static int build_chart(struct req *r, const struct indicator *x, int64_t unit_id, char (*periods)[IND_PERIOD_MAX], int np,
		       struct ind_chart *c)
{
	c->x = x;
	const char **labels = arena_alloc(&r->a, sizeof *labels * (size_t)np);
	double *vals = arena_alloc(&r->a, sizeof *vals * (size_t)np), *tg = arena_alloc(&r->a, sizeof *tg * (size_t)np);
	int any_target = 0, any_value = 0;
	for (int i = 0; i < np; i++) {
		struct ind_figure f;
		labels[i] = periods[i];
		if (indicator_figure(r->db, x, unit_id, periods[i], &f) != E_OK) return E_DB;
		vals[i] = f.has ? f.value : NAN;
		tg[i] = f.has_target ? f.target : NAN;
		any_target |= f.has_target;
		any_value |= f.has;
		if (i == np - 1) c->now = f;
	}

	/* the title names the chart for screen readers (role="img"), and is drawn */
	const char *title = arena_printf(&r->a, "%s, %s – %s", x->name, periods[0], periods[np - 1]);
	struct chart ch = { .kind = np > 1 ? CHART_LINE : CHART_COLUMNS, .format = chart_fmt(x), .title = title, .n = np, .labels = labels,
			    .nseries = any_target ? 2 : 1 };
	ch.series[0] = (struct chart_series){ _("Value"), vals };
	ch.series[1] = (struct chart_series){ _("Target"), tg };
	struct buf b;
	buf_init(&b);
	/* nothing entered nor aimed at in these periods: said in words by the
	** page (trend_svg NULL), not an empty chart on a 0–1 axis */
	c->trend_svg = NULL;
	if (any_value || any_target) {
		chart_figure(&b, &ch, r->lang);
		c->trend_svg = arena_strdup(&r->a, buf_cstr(&b));
	}
	c->np = np;
	c->periods = labels;
	c->values = vals;
	c->targets = tg;
	c->any_target = any_target;
	/* the units below that have a figure in the last period: those the
	** unit's figure rolls up (a national figure of one province's values
	** says so), and the bars of the chart (the first 40 of them, not the
	** first 40 units: a country's 66th province may be the one that reported) */
	buf_reset(&b);
	const char *last = periods[np - 1];
	int none = !strcmp(x->aggregation, "none");
	c->rolls_up = !none;
	if (db_int1(r->db, &c->children, "SELECT count(*) FROM units WHERE parent_id = $1 AND active = 1", "i", unit_id) != DB_ROW) return E_DB;
	int64_t one = 0;
	c->own = db_int1(r->db, &one, "SELECT 1 FROM indicator_values WHERE indicator_id = $1 AND unit_id = $2 AND period = $3", "iit", x->id,
			 unit_id, last) == DB_ROW;
	struct stmt *st = db_query(r->db,
				   none ? "SELECT u.id, u.name FROM units u WHERE u.parent_id = $1 AND u.active = 1 AND EXISTS (SELECT 1 FROM "
					  "indicator_values v WHERE v.indicator_id = $2 AND v.unit_id = u.id AND v.period = $3) ORDER BY u.sort_key, u.code"
					: "SELECT u.id, u.name FROM units u WHERE u.parent_id = $1 AND u.active = 1 AND EXISTS (SELECT 1 FROM "
					  "indicator_rollup g WHERE g.indicator_id = $2 AND g.unit_id = u.id AND g.period = $3 AND g.n > 0) ORDER BY u.sort_key, u.code",
				   "iit", unit_id, x->id, last);
	if (!st) return E_DB;
	int64_t ids[40];
	const char *names[40];
	int n = 0;
	struct buf nb;
	buf_init(&nb);
	c->reporting = 0;
	while (db_step(st) == DB_ROW) {
		if (n < 40) {
			ids[n] = db_int(st, 0);
			names[n++] = arena_strdup(&r->a, db_text(st, 1));
		}
		if (c->reporting < 5) buf_printf(&nb, "%s%s", c->reporting ? ", " : "", db_text(st, 1));
		c->reporting++;
	}
	db_done(st);
	if (c->reporting > 5) {
		struct buf more;
		buf_init(&more);
		fmt_int(&more, r->lang, c->reporting - 5);
		c->reporting_names = arena_printf(&r->a, _("%s and %s more"), buf_cstr(&nb), buf_cstr(&more));
		buf_free(&more);
	} else c->reporting_names = arena_strdup(&r->a, buf_cstr(&nb));
	buf_free(&nb);
	const char **ulabels = arena_alloc(&r->a, sizeof *ulabels * 40);
	double *uvals = arena_alloc(&r->a, sizeof *uvals * 40);
	int m = 0;
	for (int i = 0; i < n; i++) {
		struct ind_figure f;
		if (indicator_figure(r->db, x, ids[i], last, &f) != E_OK) return E_DB;
		if (!f.has) continue;
		ulabels[m] = names[i];
		uvals[m++] = f.value;
	}
	c->nunits = m;
	c->unit_names = ulabels;
	c->unit_values = uvals;
	if (m) {
		struct chart uc = { .kind = CHART_BARS, .format = chart_fmt(x), .n = m, .labels = ulabels, .nseries = 1,
				    .title = arena_printf(&r->a, "%s, %s", x->name, periods[np - 1]) };
		uc.series[0] = (struct chart_series){ x->name, uvals };
		chart_figure(&b, &uc, r->lang);
		c->units_svg = arena_strdup(&r->a, buf_cstr(&b));
	}
	buf_free(&b);
	return E_OK;
}

const char *ind_coverage_text(struct req *r, const struct ind_chart *c)
{
	if (!c->rolls_up || !c->now.has || c->children <= 0) return NULL;
	if (!c->reporting && !c->own) return NULL; /* only an inactive unit's values: nothing true to say in a line */
	struct buf k, n;
	buf_init(&k), buf_init(&n);
	fmt_int(&k, r->lang, c->reporting);
	fmt_int(&n, r->lang, c->children);
	const char *last = c->np ? c->periods[c->np - 1] : "";
	const char *s = c->reporting == c->children
		? arena_printf(&r->a, _("The figure for %s rolls up all %s units below."), last, buf_cstr(&n))
		: c->reporting
		? arena_printf(&r->a, _("The figure for %s rolls up only the units below that entered values: %s of %s — %s."), last, buf_cstr(&k),
			       buf_cstr(&n), c->reporting_names)
		: arena_printf(&r->a, _("None of the %s units below entered a value for %s: the figure is this unit's own."), buf_cstr(&n), last);
	if (c->reporting && c->own) s = arena_printf(&r->a, "%s %s", s, _("This unit's own value counts too."));
	buf_free(&k), buf_free(&n);
	return s;
}

static int build_dashboard(struct req *r, const char *title, int64_t unit_id, const char *unit_name, const char *codes, const char *from,
			   const char *to, struct ind_dash_view *v)
{
	memset(v, 0, sizeof *v);
	v->title = title;
	v->unit_name = unit_name;
	v->period_from = from;
	v->period_to = to;
	char (*periods)[IND_PERIOD_MAX] = arena_alloc(&r->a, IND_PERIOD_MAX * 40);
	int np = period_range(from, to, periods, 40);
	if (np <= 0) return E_INVALID;
	char *list = arena_strdup(&r->a, codes), *save = NULL;
	v->charts = arena_alloc(&r->a, sizeof *v->charts * 20);
	for (char *c = strtok_r(list, ",", &save); c && v->n < 20; c = strtok_r(NULL, ",", &save)) {
		struct indicator *x;
		if (indicators_find(r->db, &r->a, c, r->lang, &x) != E_OK) return E_INVALID;
		if (!period_valid(x->period_type, from)) continue;
		int rc = build_chart(r, x, unit_id, periods, np, &v->charts[v->n]);
		if (rc != E_OK) return rc;
		v->n++;
	}
	return E_OK;
}

void page_indicator_dashboard(struct req *r)
{
	int64_t id = 0;
	struct unit *u;
	const char *uq = req_query(r, "unit_id");
	if (!unit_param(r, uq && *uq ? uq : arena_printf(&r->a, "%lld", (long long)default_unit(r)), &id, &u)) return;
	const char *codes = req_query(r, "indicators");
	const char *to = period_or_typed(r, req_query(r, "to"));
	if (!to || !*to) to = latest_year(r);
	const char *from = period_or_typed(r, req_query(r, "from"));
	char prev[IND_PERIOD_MAX];
	if ((!from || !*from) && period_prev(to, prev, sizeof prev) == 0) from = arena_strdup(&r->a, prev);
	if (!codes || !*codes) {
		/* every active indicator of the period's type */
		struct indicator *items;
		int n;
		indicators_list(r->db, &r->a, r->lang, 0, &items, &n);
		struct buf b;
		buf_init(&b);
		for (int i = 0, k = 0; i < n && k < 12; i++)
			if (period_valid(items[i].period_type, to)) buf_printf(&b, "%s%s", k++ ? "," : "", items[i].code);
		codes = arena_strdup(&r->a, buf_cstr(&b));
		buf_free(&b);
	}
	/* periods that do not read, of two types, backwards or too many: the page
	** again with the reason beside the field, the periods as typed */
	struct field_errors fe = { 0 };
	if (!from || !period_type_of(from)) fe_add(&fe, "from", N_("Write a period as 2025, 2025-Q3 (Q3/2025) or 2025-07 (07/2025)"));
	if (!period_type_of(to)) fe_add(&fe, "to", N_("Write a period as 2025, 2025-Q3 (Q3/2025) or 2025-07 (07/2025)"));
	if (!fe.n) {
		char (*range)[IND_PERIOD_MAX] = arena_alloc(&r->a, IND_PERIOD_MAX * 40);
		int np = period_range(from, to, range, 40);
		if (np <= 0) fe_add(&fe, "to", N_("The last period must be of the first one's type and not before it"));
		else if (strcmp(range[np - 1], to) != 0) fe_add(&fe, "from", N_("At most 40 periods"));
	}
	struct ind_dash_view v;
	int rc = E_OK;
	if (fe.n) {
		memset(&v, 0, sizeof v);
		v.title = _("Dashboard");
		v.unit_name = u->name;
		const char *tf = req_query(r, "from"), *tt = req_query(r, "to");
		v.period_from = tf && *tf ? tf : from;
		v.period_to = tt && *tt ? tt : to;
		v.fe = &fe;
		r->status = 422;
	} else rc = build_dashboard(r, _("Dashboard"), id, u->name, codes, from, to, &v);
	if (rc == E_INVALID) { reply_error(r, 400, "bad_request", N_("Choose indicators and periods of one type")); return; }
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Dashboard"), u->name), "indicators");
	v.codes = codes;
	v.can_save = !fe.n && role_can(r->user, PERM_INDICATOR_DEFINE, u->path);
	indicators_list(r->db, &r->a, r->lang, 0, &v.inds, &v.ninds);
	ind_dashboards_list(r->db, &r->a, &v.saved, &v.nsaved);
	/* the saved dashboards the user may change: not another province's */
	int k = 0;
	for (int i = 0; i < v.nsaved; i++)
		if (may_change_dashboard(r, &v.saved[i])) v.saved[k++] = v.saved[i];
	v.nsaved = k;
	tmpl_indicator_dashboard(&r->out, r, &v, id);
	page_end(r);
}

static struct ind_dashboard *public_dashboard(struct req *r)
{
	struct ind_dashboard *d;
	if (ind_dashboards_find(r->db, &r->a, r->params[0], &d) != E_OK || !d->public_) {
		reply_fail(r, E_NOTFOUND, NULL);
		return NULL;
	}
	return d;
}

void page_public_indicators(struct req *r)
{
	struct ind_dashboard *d = public_dashboard(r);
	if (!d) return;
	struct ind_dash_view v;
	const char *title = ind_dashboard_title(d, r->lang);
	int rc = build_dashboard(r, title, d->unit_id, d->unit_name, d->indicators, d->period_from, d->period_to, &v);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	v.public_ = 1;
	page_begin(r, title, "public-indicators");
	tmpl_indicator_dashboard(&r->out, r, &v, 0);
	page_end(r);
}

void api_public_indicators(struct req *r)
{
	struct ind_dashboard *d = public_dashboard(r);
	if (!d) return;
	char periods[40][IND_PERIOD_MAX];
	int np = period_range(d->period_from, d->period_to, periods, 40);
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "slug", d->slug);
	jw_kstr(&w, "title", ind_dashboard_title(d, r->lang));
	jw_kint(&w, "unit_id", d->unit_id);
	jw_kstr(&w, "unit_name", d->unit_name);
	jw_key(&w, "indicators");
	jw_arr(&w);
	char *list = arena_strdup(&r->a, d->indicators), *save = NULL;
	for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		struct indicator *x;
		if (indicators_find(r->db, &r->a, c, r->lang, &x) != E_OK) continue;
		jw_obj(&w);
		jw_kstr(&w, "code", x->code);
		jw_kstr(&w, "name", x->name);
		jw_kstr(&w, "measure", x->measure);
		jw_key(&w, "periods");
		jw_arr(&w);
		for (int i = 0; i < np; i++) {
			struct ind_figure f;
			if (!period_valid(x->period_type, periods[i]) || indicator_figure(r->db, x, d->unit_id, periods[i], &f) != E_OK) continue;
			jw_obj(&w);
			jw_kstr(&w, "period", periods[i]);
			jw_key(&w, "figure");
			figure_json(&w, &f);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void dashboard_json_in(struct req *r, struct ind_dashboard_in *in, struct field_errors *fe)
{
	json_t *b = r->json;
	json_t *ju = b ? json_object_get(b, "unit_id") : NULL, *jp = b ? json_object_get(b, "public") : NULL;
	*in = (struct ind_dashboard_in){ .slug = b ? jstr(b, "slug") : NULL, .title = b ? jstr(b, "title") : NULL,
					 .indicators = b ? jstr(b, "indicators") : NULL, .period_from = b ? jstr(b, "period_from") : NULL,
					 .period_to = b ? jstr(b, "period_to") : NULL, .unit_id = json_is_integer(ju) ? json_integer_value(ju) : 0,
					 .public_ = json_is_true(jp), .title_en = b ? jstr(b, "title_en") : NULL,
					 .title_hi = b ? jstr(b, "title_hi") : NULL };
	if (jp && !json_is_boolean(jp)) fe_add(fe, "public", N_("Must be true or false")); /* "true" is no answer: not taken as false */
	static const char *const texts[] = { "title_en", "title_hi" };
	for (int i = 0; i < 2; i++) {
		json_t *v = b ? json_object_get(b, texts[i]) : NULL;
		if (v && !json_is_null(v) && !json_is_string(v)) fe_add(fe, texts[i], N_("Must be text"));
	}
}

static void reply_dashboard(struct req *r, int status, int64_t id, const struct ind_dashboard_in *in, int64_t version)
{
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "id", id);
	jw_kstr(&w, "slug", in->slug);
	jw_kbool(&w, "public", in->public_);
	if (version) jw_kint(&w, "version", version);
	jw_obj_end(&w);
}

/* POST /api/v1/indicator-dashboards {slug, title, unit_id, indicators: "a,b", period_from, period_to, public} */
void api_indicator_dashboard_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct ind_dashboard_in in;
	dashboard_json_in(r, &in, &fe);
	int64_t id = 0;
	int rc = fe.n ? E_INVALID : ind_dashboards_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/public/indicators/%s", in.slug));
	reply_dashboard(r, 201, id, &in, 0);
}

/* PATCH /api/v1/indicator-dashboards/{id}: every field and the version */
void api_indicator_dashboard_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct ind_dashboard_in in;
	dashboard_json_in(r, &in, &fe);
	int rc = fe.n ? E_INVALID : ind_dashboards_update(r->db, r->user, id, version, &in, &fe);
	if (rc == E_CONFLICT && fe.n) rc = E_INVALID;
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_dashboard(r, 200, id, &in, version + 1);
}
