/* Movements in the browser: /movements, a movement's page, its models and
** dashboard, a model's page with its reports and assessment, and the public
** page of typical examples. Forms post to the same domain functions as the
** API and come back to the page with a flash or the form's errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/files.h"
#include "../base/multipart.h"
#include "../base/sheet.h"
#include "../units/units.h"
#include "../base/util.h"
#include "tmpl.h"
#include "mv_report.h"
#include "mv_web.h"

const char *mv_field_name(struct req *r, const char *code) { return mv_field_label(r->db, &r->a, r->lang, code); }

const struct metric *mv_metric_by_id(const struct movement *m, int64_t id)
{
	for (int k = 0; m && k < m->nmetrics; k++)
		if (m->metrics[k].id == id) return &m->metrics[k];
	return NULL;
}

void tmpl_value(struct buf *o, struct req *r, double v) { fmt_number(o, r->lang, v); }

/* an SVG chart of the dashboard, drawn on the server (chart.c escapes every text) */
void tmpl_raw_chart(struct buf *o, struct req *r, const struct dashboard *d, const char *which)
{
	struct chart c;
	if (mv_chart(r->db, &r->a, d, which, r->lang, &c) != 0) return;
	buf_raw(o, "<figure class=\"chart\">");
	chart_svg(o, &c, r->lang);
	buf_raw(o, "</figure>\n");
}

void tmpl_public_results(struct buf *o, struct req *r, const struct model *d)
{
	for (int k = 0; k < d->nvalues; k++) {
		if (!d->values[k].has_value) continue;
		struct stmt *st = db_query(r->db, "SELECT name, unit FROM movement_metrics WHERE id = $1", "i", d->values[k].metric_id);
		if (st && db_step(st) == DB_ROW) {
			buf_raw(o, "<span class=\"result\">");
			buf_html(o, db_text(st, 0));
			buf_raw(o, ": <b>");
			tmpl_value(o, r, d->values[k].value);
			buf_raw(o, "</b> ");
			buf_html(o, db_text(st, 1));
			buf_raw(o, "</span> ");
		}
		db_done(st);
	}
}

void page_movements(struct req *r)
{
	struct movement_query q;
	memset(&q, 0, sizeof q);
	q.q = req_query(r, "q");
	q.status = req_query(r, "status");
	q.parent = -1;
	q.limit = query_int(r, "limit", 50, 1, 500);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	q.nranges = scope_ranges(r, PERM_READ, q.range_lo, MV_MAX_RANGES);
	struct movement *items = NULL;
	int n = 0;
	int64_t total = 0;
	int rc = movements_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, _("Emulation movements"), "movements");
	tmpl_movements_index(&r->out, r, &q, items, n, total, auth_can_any(r->user, PERM_MOVEMENT_MANAGE));
	page_end(r);
}

static void show_movement(struct req *r, struct movement *m, const struct field_errors *fe)
{
	struct reg_query q = { .movement_id = m->id, .limit = 500 };
	if (auth_can(r->user, PERM_READ, m->authority_path)) q.nranges = -1;
	else q.nranges = scope_ranges(r, PERM_READ, q.range_lo, MV_MAX_RANGES);
	struct registration *regs = NULL;
	int n = 0;
	int64_t total = 0;
	registrations_list(r->db, &r->a, &q, &regs, &n, &total);
	int can_register = strcmp(m->status, "launched") == 0 && auth_can_any(r->user, PERM_MOVEMENT_REPORT);
	struct attachment *files;
	int nfiles;
	files_list(r->db, &r->a, "movement", m->id, &files, &nfiles);
	if (fe && fe->n) r->status = 422;
	page_begin(r, m->title, "movements");
	tmpl_movement_page(&r->out, r, m, movement_manageable(r->user, m), can_register, regs, n, files, nfiles, fe);
	page_end(r);
}

void page_movement(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (m) show_movement(r, m, NULL);
}

void page_movement_status(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	int rc = movements_set_status(r->db, r->user, m->id, input_version(r), req_form(r, "status"), &fe);
	if (rc == E_OK) {
		flash_set(r, N_("Saved"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_movement(r, m, &fe); return; }
	reply_fail(r, rc, &fe);
}

void page_registration_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct registration_in in;
	int64_t id = 0;
	int rc = mv_read_registration(r, &in, &fe, 1);
	if (rc == E_OK) rc = registrations_create(r->db, r->user, m->id, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The unit is registered"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_movement(r, m, &fe); return; }
	reply_fail(r, rc, &fe);
}

static void show_models(struct req *r, struct movement *m, const struct model_in *typed, const struct field_errors *fe)
{
	struct model_query q;
	if (mv_read_model_query(r, &q, m) != 0) return;
	q.with_values = 1;
	struct model *items = NULL;
	int n = 0;
	int64_t total = 0;
	int rc = models_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	int can_add = strcmp(m->status, "launched") == 0 && auth_can_any(r->user, PERM_MOVEMENT_REPORT);
	if (fe && fe->n) r->status = 422;
	page_begin(r, m->title, "movements");
	tmpl_movement_models(&r->out, r, m, &q, items, n, total, can_add, typed, fe);
	page_end(r);
}

void page_movement_models(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (m) show_models(r, m, NULL, NULL);
}

void page_model_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct model_in in;
	int64_t id = 0;
	int rc = mv_read_model(r, &in, &fe, 1);
	if (rc == E_OK) rc = models_create(r->db, r->user, m->id, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The model is registered"));
		reply_redirect(r, arena_printf(&r->a, "/models/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_models(r, m, &in, &fe); return; }
	reply_fail(r, rc, &fe);
}

static void show_model(struct req *r, int64_t id, const struct field_errors *fe)
{
	struct movement *m;
	struct model *d = mv_model_param(r, arena_printf(&r->a, "%lld", (long long)id), &m);
	if (!d) return;
	struct report *reports;
	int nreports;
	reports_list(r->db, &r->a, d->id, &reports, &nreports);
	struct replication *reps;
	int nreps;
	replications_list(r->db, &r->a, d->id, &reps, &nreps);
	int manager = movement_manageable(r->user, m);
	int open = strcmp(m->status, "launched") == 0 || strcmp(m->status, "reviewing") == 0;
	int can_report = open && d->active && (manager || auth_can(r->user, PERM_MOVEMENT_REPORT, d->unit_path));
	struct attachment *files;
	int nfiles;
	files_list(r->db, &r->a, "model", d->id, &files, &nfiles);
	if (fe && fe->n) r->status = 422;
	page_begin(r, d->title, "movements");
	int can_edit = strcmp(m->status, "closed") != 0 && d->active &&
		       (manager || (strcmp(m->status, "launched") == 0 && strcmp(d->status, "registered") == 0 &&
				    auth_can(r->user, PERM_MOVEMENT_REPORT, d->unit_path)));
	tmpl_model_page(&r->out, r, m, d, reports, nreports, reps, nreps, files, nfiles, can_report, open && manager, can_edit, fe);
	page_end(r);
}

void page_model(struct req *r)
{
	int64_t id;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	show_model(r, id, NULL);
}

/* the forms of a model's page: each posts here and comes back */
static void model_form_done(struct req *r, int64_t id, int rc, const struct field_errors *fe, const char *flash)
{
	if (rc == E_OK) {
		flash_set(r, flash);
		reply_redirect(r, arena_printf(&r->a, "/models/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_model(r, id, fe); return; }
	reply_fail(r, rc, fe);
}

void page_report_create(struct req *r)
{
	int64_t id, rid;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	struct report_in in;
	int rc = mv_read_report(r, &in, &fe);
	if (rc == E_OK) rc = reports_add(r->db, r->user, id, &in, &fe, &rid);
	model_form_done(r, id, rc, &fe, N_("The report is saved"));
}

void page_model_update(struct req *r)
{
	int64_t id;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	struct model_in in;
	int rc = mv_read_model(r, &in, &fe, 0);
	if (rc == E_OK) rc = models_update(r->db, r->user, id, input_version(r), &in, &fe);
	model_form_done(r, id, rc, &fe, N_("Saved"));
}

void page_model_file_create(struct req *r)
{
	int64_t id;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	int rc = mv_upload(r, id, &fe);
	model_form_done(r, id, rc, &fe, N_("The file is attached"));
}

void page_model_assess(struct req *r)
{
	int64_t id;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	int rc = models_assess(r->db, r->user, id, input_version(r), req_form(r, "status"), req_form(r, "comment"), &fe);
	model_form_done(r, id, rc, &fe, N_("Saved"));
}

void page_model_typical(struct req *r)
{
	int64_t id;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	const char *t = req_form(r, "typical");
	int rc = models_set_typical(r->db, r->user, id, input_version(r), t && strcmp(t, "1") == 0, req_form(r, "citation"), NULL, &fe);
	model_form_done(r, id, rc, &fe, N_("Saved"));
}

void page_replication_create(struct req *r)
{
	int64_t id, xid;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct field_errors fe = { 0 };
	int64_t unit = mv_unit_input(r, "unit_id", "unit_code", &fe);
	int rc = fe.n ? E_INVALID : replications_add(r->db, r->user, id, unit, req_form(r, "adopted_on"), req_form(r, "note"), &fe, &xid);
	model_form_done(r, id, rc, &fe, N_("Saved"));
}

void page_dashboard(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct dash_query q;
	if (mv_read_dash_query(r, m, &q) != 0) return;
	struct dashboard d;
	int rc = dashboard_build(r->db, &r->a, m, &q, &d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, m->title, "movements");
	tmpl_dashboard_page(&r->out, r, m, &d, &q);
	page_end(r);
}

void page_typical(struct req *r)
{
	struct model_query q = { .public_only = 1, .typical = 1, .with_values = 1, .nranges = -1 };
	const char *code = req_query(r, "movement");
	struct movement *m = NULL;
	if (code && *code) {
		int64_t id;
		if (movements_find_code(r->db, code, &id) != E_OK || movements_get(r->db, &r->a, id, &m) != E_OK || strcmp(m->status, "draft") == 0) {
			reply_fail(r, E_NOTFOUND, NULL);
			return;
		}
		q.movement_id = id;
	}
	q.limit = query_int(r, "limit", 50, 1, 500);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	struct model *items;
	int n;
	int64_t total;
	int rc = models_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, _("Typical examples"), "typical");
	tmpl_typical_page(&r->out, r, m, items, n, total, q.limit, q.offset);
	page_end(r);
}

/* ---- the movement form (new and edit) ---- */

static struct kind_opt *fields_load(struct req *r, int *n)
{
	struct stmt *st = db_query(r->db, "SELECT code, name_vi, name_en, name_hi FROM movement_fields WHERE active = 1 ORDER BY position", "");
	struct kind_opt *k = arena_alloc(&r->a, sizeof *k * 32);
	*n = 0;
	int col = strcmp(r->lang, "en") == 0 ? 2 : strcmp(r->lang, "hi") == 0 ? 3 : 1;
	while (st && db_step(st) == DB_ROW && *n < 32) {
		k[*n].code = arena_strdup(&r->a, db_text(st, 0));
		k[*n].name = arena_strdup(&r->a, db_text(st, col));
		(*n)++;
	}
	db_done(st);
	return k;
}

static void show_form(struct req *r, const struct movement *m, const struct movement_in *t, const struct field_errors *fe)
{
	struct buf scope, metrics;
	buf_init(&scope);
	buf_init(&metrics);
	if (t && t->set_scopes) {
		const char *typed = req_form(r, "scope");
		buf_raw(&scope, typed ? typed : "");
	} else if (m) {
		for (int i = 0; i < m->nscopes; i++) buf_printf(&scope, "%s%s", i ? ", " : "", m->scopes[i].code);
	}
	if (t && t->set_metrics) {
		const char *typed = req_form(r, "metrics");
		buf_raw(&metrics, typed ? typed : "");
	} else if (m) {
		for (int i = 0; i < m->nmetrics; i++)
			buf_printf(&metrics, "%s | %s | %s | %s\n", m->metrics[i].code, m->metrics[i].name, m->metrics[i].unit, m->metrics[i].kind);
	}
	int nf;
	struct kind_opt *fields = fields_load(r, &nf);
	if (fe && fe->n) r->status = 422;
	page_begin(r, m ? m->title : _("New movement"), "movements");
	tmpl_movement_form(&r->out, r, m, t, fields, nf, arena_strdup(&r->a, buf_cstr(&scope)), arena_strdup(&r->a, buf_cstr(&metrics)), fe);
	page_end(r);
	buf_free(&scope);
	buf_free(&metrics);
}

void page_movement_new(struct req *r)
{
	show_form(r, NULL, NULL, NULL);
}

void page_movement_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct movement_in in;
	int64_t id = 0;
	int rc = mv_read_movement(r, &in, &fe, 1);
	if (rc == E_OK) rc = movements_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The movement was created as a draft"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID) { show_form(r, NULL, &in, &fe); return; }
	reply_fail(r, rc, &fe);
}

void page_movement_edit(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	if (!movement_manageable(r->user, m)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
	show_form(r, m, NULL, NULL);
}

void page_movement_update(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct movement_in in;
	int rc = mv_read_movement(r, &in, &fe, 0);
	if (rc == E_OK) rc = movements_update(r->db, r->user, m->id, input_version(r), &in, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("Saved"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_form(r, m, &in, &fe); return; }
	reply_fail(r, rc, &fe);
}

/* the dashboard as a PDF for the review conference, with the same filters */
void page_movement_report(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct dash_query q;
	if (mv_read_dash_query(r, m, &q) != 0) return;
	struct dashboard d;
	int rc = dashboard_build(r->db, &r->a, m, &q, &d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f) { reply_fail(r, E_DB, NULL); return; }
	int prc = mv_report_pdf(r->db, &r->a, &d, r->lang, f);
	fclose(f);
	if (prc != 0) { free(data); reply_fail(r, E_DB, NULL); return; }
	r->status = 200;
	r->ctype = "application/pdf";
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s.pdf\"", m->code));
	req_set_header(r, "Cache-Control", "private, no-store");
	buf_add(&r->out, data, len);
	free(data);
}

/* ---- exports and imports ---- */

/* GET /movements/{id}/export/{what}?format=csv|xlsx: registrations, models and
** results for the organiser; the empty models template for anyone who sees
** the movement */
void page_movement_export(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	const char *what = r->params[1];
	if (strcmp(what, "registrations") && strcmp(what, "models") && strcmp(what, "results") && strcmp(what, "template")) {
		reply_fail(r, E_NOTFOUND, NULL);
		return;
	}
	if (strcmp(what, "template") && !require(r, PERM_READ, m->authority_path)) return;
	const char *format = req_query(r, "format");
	if (!format) format = strcmp(what, "template") ? "csv" : "xlsx";
	if (!sheet_format_valid(format)) {
		struct field_errors fe = { 0 };
		fe_add(&fe, "format", N_("Is not one of the allowed values"));
		reply_fail(r, E_INVALID, &fe);
		return;
	}
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	int rc = mem ? movement_export(r->db, m, what, mem, format, r->lang) : E_DB;
	if (mem) fclose(mem);
	if (rc != E_OK) { free(data); reply_fail(r, rc, NULL); return; }
	r->ctype = strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s-%s.%s\"", m->code, what, format));
	buf_add(&r->out, data, len);
	free(data);
}

/* runs an import of the uploaded part "file"; the report's error lines in *errors (arena) */
static int run_import(struct req *r, const struct movement *m, const char *kind, struct import_report *rep, const char **errors,
		      struct field_errors *fe)
{
	memset(rep, 0, sizeof *rep);
	*errors = "";
	if (!kind || (strcmp(kind, "models") && strcmp(kind, "results") && strcmp(kind, "registrations"))) {
		fe_add(fe, "kind", N_("Must be registrations, models or results"));
		return E_INVALID;
	}
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->len) { fe_add(fe, "file", N_("Choose a file to upload")); return E_INVALID; }
	FILE *in = fmemopen((void *)p->data, p->len, "rb");
	char *err = NULL;
	size_t errlen = 0;
	FILE *ef = open_memstream(&err, &errlen);
	if (!in || !ef) {
		if (in) fclose(in);
		if (ef) fclose(ef);
		free(err);
		return E_DB;
	}
	rep->errors = ef;
	int rc = !strcmp(kind, "models")	 ? movement_import_models(r->db, r->user, m->id, in, rep)
		 : !strcmp(kind, "results") ? movement_import_results(r->db, r->user, m->id, in, rep)
					    : movement_import_registrations(r->db, r->user, m->id, in, rep);
	fclose(in);
	fclose(ef);
	*errors = arena_strdup(&r->a, err ? err : "");
	free(err);
	return rc;
}

void page_movement_import(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct import_report rep;
	const char *errors;
	struct field_errors fe = { 0 };
	int rc = run_import(r, m, req_form(r, "kind"), &rep, &errors, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("The file was imported"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld/models", (long long)m->id));
		return;
	}
	if (rc == E_DB) { reply_fail(r, rc, NULL); return; }
	r->status = 422;
	page_begin(r, m->title, "movements");
	tmpl_import_result(&r->out, r, m, &rep, errors, fe.n ? _(fe.msg[0]) : NULL);
	page_end(r);
}

void api_movement_import(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct import_report rep;
	const char *errors;
	struct field_errors fe = { 0 };
	int rc = run_import(r, m, r->params[1], &rep, &errors, &fe);
	if (rc == E_DB) { reply_fail(r, rc, NULL); return; }
	if (fe.n) { reply_fail(r, E_INVALID, &fe); return; }
	reply_json(r, rc == E_OK ? 200 : 422);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kbool(&w, "imported", rc == E_OK);
	jw_kint(&w, "lines", rep.lines);
	jw_kint(&w, "inserted", rep.inserted);
	jw_kint(&w, "updated", rep.updated);
	jw_kint(&w, "unchanged", rep.unchanged);
	jw_kint(&w, "rejected", rep.rejected);
	jw_key(&w, "errors");
	jw_arr(&w);
	for (const char *p = errors; *p;) {
		size_t n = strcspn(p, "\n");
		jw_str(&w, arena_strndup(&r->a, p, n));
		p += n;
		if (*p) p++;
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

void page_movement_file_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	const struct mp_part *p = req_file(r, "file");
	int64_t att;
	int rc = p && p->filename && p->len ? movements_attach(r->db, r->user, m->id, p->filename, p->data, p->len, &fe, &att) : E_INVALID;
	if (rc == E_INVALID && !fe.n) fe_add(&fe, "file", N_("Choose a file to upload"));
	if (rc == E_OK) {
		flash_set(r, N_("The file is attached"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_movement(r, m, &fe); return; }
	reply_fail(r, rc, &fe);
}
