/* Movements in the browser: /movements, a movement's page, its models and
** dashboard, a model's page with its reports and assessment, and the public
** page of typical examples. Forms post to the same domain functions as the
** API and come back to the page with a flash or the form's errors. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/files.h"
#include "../base/fold.h"
#include "../base/jobs.h"
#include "../base/multipart.h"
#include "../base/sheet.h"
#include "../units/units.h"
#include "../base/util.h"
#include "tmpl_movements.h"
#include "mv_report.h"
#include "mv_internal.h"
#include "mv_web.h"
#include "../web/roles.h"

const char *mv_field_name(struct req *r, const char *code) { return mv_field_label(r->db, &r->a, r->lang, code); }

int mv_fe_itemised(const struct field_errors *fe, const char *group)
{
	size_t n = strlen(group);
	for (int i = 0; fe && i < fe->n; i++)
		if (!strncmp(fe->field[i], group, n) && fe->field[i][n] == '.') return 1;
	return 0;
}

/* The numbers of a form's group (plans.vnd, plans.pct…) as typed: the
** readable ones, each with its field, so that their checks run, and say
** where, even when another box of the group could not be read (that
** error is already in the form's errors). Returns whether the group was sent. */
static int typed_numbers(struct req *r, const char *name, struct commitment_in *out, const char **keys, int *n)
{
	const char *codes[MV_MAX_METRICS];
	double vals[MV_MAX_METRICS];
	int present = 0;
	struct field_errors seen = { 0 };
	input_numbers(r, name, codes, vals, MV_MAX_METRICS, n, &present, &seen);
	for (int i = 0; i < *n; i++) {
		out[i] = (struct commitment_in){ codes[i], vals[i] };
		keys[i] = arena_printf(&r->a, "%s.%s", name, codes[i]);
	}
	return present;
}

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
	chart_figure(o, &c, r->lang);
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
	/* mine=1: only those that concern the reader's units (the home page's "open now") */
	int mine = (int)query_int(r, "mine", 0, 0, 1);
	if (query_bad(r)) return;
	q.nranges = units_scope_ranges(r, PERM_MOVEMENT_MANAGE, q.range_lo, MV_MAX_RANGES);
	if (mine) {
		q.concern = 1;
		q.nconcern = units_scope_ranges(r, PERM_READ, q.concern_lo, MV_MAX_RANGES);
	}
	struct movement *items = NULL;
	int n = 0;
	int64_t total = 0;
	int rc = movements_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, _("Emulation movements"), "movements");
	tmpl_movements_index(&r->out, r, &q, items, n, total, role_can_any(r->user, PERM_MOVEMENT_MANAGE), mine);
	page_end(r);
}

/* whether the page offers the forms that register a unit or a model: while
** the movement is launched, to a reporter until the registration deadline;
** past it only to an officer, who may enter a late registration for a unit
** (mv_check_deadline). 1: the form; -1: a notice that the deadline passed
** (to a reporter); 0: nothing */
static int mv_offer_register(struct req *r, const struct movement *m)
{
	if (m->stage != MV_LAUNCHED || !role_can_any(r->user, PERM_MOVEMENT_REPORT)) return 0;
	char today[11];
	today_iso(today);
	if (!m->register_by || strcmp(today, m->register_by) <= 0) return 1;
	return role_can_any(r->user, PERM_MOVEMENT_MANAGE) ? 1 : -1;
}

static void show_movement(struct req *r, struct movement *m, const struct field_errors *fe)
{
	struct reg_query q = { .movement_id = m->id, .limit = 500 };
	if (role_can(r->user, PERM_READ, m->authority_path)) q.nranges = -1;
	else q.nranges = units_scope_ranges(r, PERM_READ, q.range_lo, MV_MAX_RANGES);
	struct registration *regs = NULL;
	int n = 0;
	int64_t total = 0;
	registrations_list(r->db, &r->a, &q, &regs, &n, &total);
	if (q.nranges != -1) {
		/* a reader below the authority: the counts are those of their units,
		** as the lists they open */
		struct model_query mq = { .movement_id = m->id, .typical = -1, .nranges = q.nranges, .limit = 1 };
		for (int i = 0; i < q.nranges && i < MV_MAX_RANGES; i++) mq.range_lo[i] = q.range_lo[i];
		struct model *mi;
		int mn;
		int64_t mt = 0;
		if (models_list(r->db, &r->a, &mq, &mi, &mn, &mt) == E_OK) m->models = mt;
		m->registrations = total;
	}
	int can_register = mv_offer_register(r, m);
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
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_status_fields, &in, &fe, 0);
	const char *act = movement_transition_action(m->status, in.s[SF_STATUS]);
	if (rc == E_OK && !fe.n) rc = movements_set_status(r->db, r->user, m->id, version, in.s[SF_STATUS], &fe);
	else rc = E_INVALID;
	if (rc == E_OK) {
		/* what was done, in the words of the confirmation */
		const char *done = !act || !strcmp(act, "launch") ? _("Launched the movement %s")
				   : !strcmp(act, "review")	  ? _("Closed registration for %s; the review has started")
				   : !strcmp(act, "reopen")	  ? _("Reopened %s for registration")
								  : _("Closed the movement %s");
		flash_set(r, arena_printf(&r->a, done, m->code));
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
	/* the unit picker searched: the page again, the form as typed (it reads the post), nothing registered */
	if (pick_step(r)) { show_movement(r, m, NULL); return; }
	mv_read_registration(r, &in, &fe, 1);
	/* the commitments typed in the boxes, each checked at its own box */
	if (typed_numbers(r, "commitments", in.commit, in.commit_keys, &in.ncommit)) in.set_commitments = 1;
	/* checked even when a box could not be read (nothing is written then) */
	int rc = registrations_create(r->db, r->user, m->id, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The unit is registered"));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_movement(r, m, &fe); return; }
	reply_fail(r, rc, &fe);
}

int mv_registration_editable(struct req *r, const struct movement *m, const struct registration *g)
{
	if (!r->user || m->stage == MV_CLOSED || !g->active) return 0;
	if (movement_manageable(r->user, m)) return 1;
	return m->stage == MV_LAUNCHED && mv_may(r->user, PERM_MOVEMENT_REPORT, g->unit_path);
}

const char *mv_commitment_input(struct req *r, const struct registration *g, int64_t metric_id)
{
	for (int i = 0; i < g->ncommit; i++)
		if (g->commit_metric[i] == metric_id) return number_text(r, g->commit_value[i]);
	return "";
}

/* the registration of the path's {id} and its movement, readable and
** changeable by the user; NULL after replying */
static struct registration *editable_registration(struct req *r, struct movement **m)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct registration *g;
	int rc = registrations_get(r->db, &r->a, id, &g);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!(*m = mv_param(r, arena_printf(&r->a, "%lld", (long long)g->movement_id)))) return NULL;
	if (!role_can(r->user, PERM_READ, g->unit_path) && !role_can(r->user, PERM_READ, (*m)->authority_path)) {
		reply_fail(r, E_NOTFOUND, NULL);
		return NULL;
	}
	if (!mv_registration_editable(r, *m, g)) {
		reply_error(r, 403, "forbidden",
			    (*m)->stage == MV_CLOSED ? N_("A closed movement cannot be changed")
			    : !g->active		   ? N_("This registration was withdrawn")
			    : (*m)->stage != MV_LAUNCHED ? N_("Only the organiser can change registrations while the movement is under review")
							 : N_("You may not change this unit's registration"));
		return NULL;
	}
	return g;
}

static void show_registration(struct req *r, const struct movement *m, const struct registration *g, const struct field_errors *fe, int typed)
{
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Registration"), g->unit_name), "movements");
	tmpl_registration_edit(&r->out, r, m, g, fe, typed);
	page_end(r);
}

void page_registration(struct req *r)
{
	struct movement *m;
	struct registration *g = editable_registration(r, &m);
	if (g) show_registration(r, m, g, NULL, 0);
}

void page_registration_update(struct req *r)
{
	struct movement *m;
	struct registration *g = editable_registration(r, &m);
	if (!g) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct registration_in in;
	mv_read_registration(r, &in, &fe, 0);
	int withdraw = in.active == 0;
	if (!withdraw) {
		/* the boxes, each checked at its own; an emptied pledge or plan clears it */
		in.set_commitments = 0;
		if (typed_numbers(r, "commitments", in.commit, in.commit_keys, &in.ncommit)) in.set_commitments = 1;
		if (!in.pledge) in.pledge = "";
		if (in.planned_models < 0 && req_form(r, "planned_models")) in.planned_models = 0;
	}
	/* checked even when a box could not be read: every problem at once (nothing is written then) */
	int rc = fe_get(&fe, "version") ? E_INVALID : registrations_update(r->db, r->user, g->id, version, &in, &fe);
	if (rc == E_OK) {
		flash_set(r, arena_printf(&r->a, withdraw ? _("The registration of %s was withdrawn") : _("Saved the registration of %s"), g->unit_name));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_CONFLICT) {
		/* changed meanwhile: the form again at the new version, with what was typed */
		struct registration *now;
		if (registrations_get(r->db, &r->a, g->id, &now) != E_OK) { reply_fail(r, E_DB, NULL); return; }
		struct field_errors stale = { 0 };
		fe_add(&stale, "version", N_("Someone else changed this registration after you opened the form; nothing was saved. The form shows what you typed: save again to keep it."));
		r->status = 409;
		show_registration(r, m, now, &stale, !withdraw);
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) {
		r->status = rc == E_STATE ? 409 : 422;
		show_registration(r, m, g, &fe, 1);
		return;
	}
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
	int can_add = mv_offer_register(r, m);
	if (fe && fe->n) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Models"), m->title), "movements");
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
	mv_read_model(r, &in, &fe, 1);
	if (typed_numbers(r, "plans", in.plans, in.plan_keys, &in.nplans)) in.set_plans = 1;
	/* a picker searched: the form again as typed, with the matches, nothing registered */
	if (pick_step(r)) { show_models(r, m, &in, NULL); return; }
	/* checked even when a box could not be read: every problem at once (nothing is written then) */
	int rc = models_create(r->db, r->user, m->id, &in, &fe, &id);
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
	int open = m->stage == MV_LAUNCHED || m->stage == MV_REVIEWING;
	int can_report = open && d->active && (manager || role_can(r->user, PERM_MOVEMENT_REPORT, d->unit_path));
	struct attachment *files;
	int nfiles;
	files_list(r->db, &r->a, "model", d->id, &files, &nfiles);
	if (fe && fe->n) r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", d->title, m->title), "movements");
	int can_edit = m->stage != MV_CLOSED && d->active &&
		       (manager || (m->stage == MV_LAUNCHED && strcmp(d->status, "registered") == 0 &&
				    role_can(r->user, PERM_MOVEMENT_REPORT, d->unit_path)));
	tmpl_model_page(&r->out, r, m, d, reports, nreports, reps, nreps, files, nfiles, can_report, open && manager, can_edit, fe);
	page_end(r);
}

void page_model(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	show_model(r, id, NULL);
}

/* the forms of a model's page: each posts here and comes back; the flash
** is a translated format naming the model (%s) and optionally `extra` (a
** second %s); user text only ever goes in as an argument */
static void model_form_done(struct req *r, int64_t id, int rc, const struct field_errors *fe, const char *fmt, const char *extra)
{
	if (rc == E_OK) {
		struct model *d;
		const char *title = models_get(r->db, &r->a, id, &d) == E_OK ? d->title : "";
		flash_set(r, arena_printf(&r->a, fmt, title, extra ? extra : ""));
		reply_redirect(r, arena_printf(&r->a, "/models/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_model(r, id, fe); return; }
	if (rc == E_CONFLICT && (!fe || !fe->n)) {
		/* saved by someone else meanwhile: the page again over the current version, the edit form as typed */
		struct model *d;
		if (models_get(r->db, &r->a, id, &d) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, d->version);
		show_model(r, id, NULL);
		return;
	}
	reply_fail(r, rc, fe);
}

void page_report_create(struct req *r)
{
	int64_t rid;
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct report_in in;
	mv_read_report(r, &in, &fe);
	typed_numbers(r, "results", in.values, in.keys, &in.nvalues);
	/* checked even when a box could not be read: every problem at once (nothing is written then) */
	int rc = reports_add(r->db, r->user, id, &in, &fe, &rid);
	model_form_done(r, id, rc, &fe, _("Recorded a progress report for the model %s"), NULL);
}

void page_model_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct model_in in;
	/* a picker searched: the page again, the edit form as typed, nothing saved */
	if (pick_step(r)) { show_model(r, id, NULL); return; }
	int rc = mv_read_model(r, &in, &fe, 0);
	if (rc == E_OK) rc = models_update(r->db, r->user, id, input_version(r), &in, &fe);
	model_form_done(r, id, rc, &fe, _("Saved the changes to the model %s"), NULL);
}

void page_model_file_create(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int rc = mv_upload(r, id, &fe);
	model_form_done(r, id, rc, &fe, _("Attached the evidence file to the model %s"), NULL);
}

void page_model_assess(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_assess_fields, &in, &fe, 0);
	const char *status = in.s[AF_STATUS];
	rc = rc == E_OK && !fe.n ? models_assess(r->db, r->user, id, version, status, in.s[AF_COMMENT], &fe) : E_INVALID;
	model_form_done(r, id, rc, &fe, _("Assessed the model %s: %s"), rc == E_OK ? _(mv_status_label(status)) : NULL);
}

void page_model_typical(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_typical_fields, &in, &fe, 0);
	int on = (int)in.i[TF_TYPICAL];
	rc = rc == E_OK && !fe.n ? models_set_typical(r->db, r->user, id, version, on, in.s[TF_CITATION], NULL, &fe) : E_INVALID;
	model_form_done(r, id, rc, &fe, on ? _("Named the model %s a typical example") : _("Removed the model %s from the typical examples"), NULL);
}

void page_replication_create(struct req *r)
{
	int64_t xid;
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	/* the unit picker searched: the page again, the form as typed, nothing recorded */
	if (pick_step(r)) { show_model(r, id, NULL); return; }
	struct field_errors fe = { 0 };
	struct input in;
	input_read(r, mv_replication_fields, &in, &fe, 0); /* the date as typed: dd/mm/yyyy or ISO */
	int64_t unit = mv_unit_input(r, "unit_id", "unit_code", &fe);
	int rc = fe.n ? E_INVALID : replications_add(r->db, r->user, id, unit, in.s[XF_ADOPTED_ON], in.s[XF_NOTE], &fe, &xid);
	const char *name = NULL;
	if (rc == E_OK) {
		struct stmt *st = db_query(r->db, "SELECT name FROM units WHERE id = $1", "i", unit);
		name = st && db_step(st) == DB_ROW ? arena_strdup(&r->a, db_text(st, 0)) : "";
		db_done(st);
	}
	model_form_done(r, id, rc, &fe, _("Recorded that the model %s was adopted by %s"), name);
}

/* the organiser removes a replication recorded by mistake (the page's button) */
void page_replication_delete(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	int64_t xid = param_id_or_404(r, 1);
	if (!xid) return;
	struct field_errors fe = { 0 };
	const char *name = "";
	struct stmt *st = db_query(r->db, "SELECT u.name FROM model_replications x JOIN units u ON u.id = x.unit_id WHERE x.id = $1", "i", xid);
	if (st && db_step(st) == DB_ROW) name = arena_strdup(&r->a, db_text(st, 0));
	db_done(st);
	int rc = replications_remove(r->db, r->user, id, xid, &fe);
	model_form_done(r, id, rc, &fe, _("Removed the replication of the model %s by %s"), name);
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
	page_begin(r, arena_printf(&r->a, "%s · %s", m->title, _("Dashboard")), "movements");
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
		if (movements_find_code(r->db, code, &id) != E_OK || movements_get(r->db, &r->a, id, &m) != E_OK || m->stage == MV_DRAFT) {
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
	page_begin(r, m ? arena_printf(&r->a, "%s · %s", _("Typical examples"), m->title) : _("Typical examples"), "typical");
	tmpl_typical_page(&r->out, r, m, items, n, total, q.limit, q.offset);
	page_end(r);
}

/* ---- the movement form (new and edit) ----
** The form is the whole record: its lists (units invited, fields, metric
** rows) are always replaced by what it sends. Metric rows come as repeated
** metric_code / metric_name / metric_unit / metric_kind fields, one of each
** per row in order; a row left blank is dropped. Without JavaScript, the
** buttons "more rows" (more_rows) and "remove" (remove_row=N) post the form
** and get it back as typed, with three more blank rows or without row N. */

#define MF_BLANK_ROWS 3


struct form_rows {
	int posted_blank;                        /* blank rows the form sent */
	int more, removed;                       /* "more rows" pressed; a row removed */
};

/* the metric rows as posted: the values of the repeated fields in order,
** trimmed, in one pass over the form; more than a form can show is refused */
#define MF_MAX_POSTED (MV_MAX_METRICS * 2)
struct posted_rows {
	int n[4];
	char *v[4][MF_MAX_POSTED];
	int too_many;
};

static void read_rows(struct req *r, struct posted_rows *p)
{
	static const char *const names[4] = { "metric_code", "metric_name", "metric_unit", "metric_kind" };
	memset(p, 0, sizeof *p);
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->form, next) {
		int k = 0;
		while (k < 4 && strcmp(kv->key, names[k]) != 0) k++;
		if (k == 4) continue;
		if (p->n[k] >= MF_MAX_POSTED) { p->too_many = 1; continue; }
		const char *v = kv->value;
		while (*v == ' ' || *v == '\t') v++;
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r')) n--;
		p->v[k][p->n[k]++] = arena_strndup(&r->a, v, n);
	}
}

/* unknown unit codes named in the message: "Unknown unit code: QY-XYZ, QY-ABC" */
static void unknown_codes(struct req *r, struct field_errors *fe, const char *field, struct buf *codes, int n)
{
	if (!n) return;
	fe_add(fe, field, arena_printf(&r->a, "%s: %s", n > 1 ? _("Unknown unit codes") : _("Unknown unit code"), buf_cstr(codes)));
}

/* Reads the movement form: every field's problem is collected in fe (the
** domain adds its own to them), and *m keeps what was typed for the form. */
static int read_form(struct req *r, struct movement_in *m, struct form_rows *fr, struct field_errors *fe, int creating)
{
	mv_read_movement_fields(r, m, fe, creating);
	memset(fr, 0, sizeof *fr);

	/* the authority: a code as typed, or the id a picker sends */
	const char *acode = req_form(r, "authority_code"), *aid = req_form(r, "authority_id");
	m->authority_id = creating ? 0 : -1;
	if (acode && *acode) {
		while (*acode == ' ') acode++;
		if (units_find_code(r->db, acode, &m->authority_id) != E_OK) {
			struct buf b;
			buf_init(&b);
			buf_raw(&b, acode);
			unknown_codes(r, fe, "authority_id", &b, 1);
			buf_free(&b);
			m->authority_id = -1;
		}
	} else if (aid && *aid) {
		if (parse_id(aid, &m->authority_id) != 0) { fe_add(fe, "authority_id", N_("Must be a whole number")); m->authority_id = -1; }
	} else if (acode || aid) {
		m->authority_id = 0; /* sent empty: the domain says it is required */
	}

	/* the units invited, each code checked */
	const char *items[MV_MAX_SCOPES + 1];
	int n, present;
	m->set_scopes = 1;
	if (input_list(r, "scope", items, MV_MAX_SCOPES, &n, &present, fe) == E_OK) {
		struct buf bad;
		buf_init(&bad);
		int nbad = 0;
		for (int i = 0; i < n; i++) {
			int64_t id;
			if (parse_id(items[i], &id) != 0 && units_find_code(r->db, items[i], &id) != E_OK) {
				buf_printf(&bad, "%s%s", nbad++ ? ", " : "", items[i]);
				continue;
			}
			m->scopes[m->nscopes++] = id;
		}
		unknown_codes(r, fe, "scope", &bad, nbad);
		buf_free(&bad);
	}

	const char *fields[MV_MAX_FIELDS];
	m->set_fields = 1;
	if (input_list(r, "fields", fields, MV_MAX_FIELDS, &n, &present, fe) == E_OK) {
		m->nfields = n;
		for (int i = 0; i < n; i++) m->fields[i] = fields[i];
	}

	/* metric rows; blank ones and the one removed are dropped */
	m->set_metrics = 1;
	int64_t removed = 0;
	const char *rm = req_form(r, "remove_row");
	if (rm && parse_id(rm, &removed) == 0) fr->removed = 1;
	fr->more = req_form(r, "more_rows") != NULL;
	struct posted_rows pr;
	read_rows(r, &pr);
	if (pr.too_many) fe_add(fe, "metrics", N_("Too many values"));
	for (int i = 0; i < pr.n[0]; i++) {
		const char *code = pr.v[0][i], *name = i < pr.n[1] ? pr.v[1][i] : "";
		const char *unit = i < pr.n[2] ? pr.v[2][i] : "", *kind = i < pr.n[3] ? pr.v[3][i] : "";
		if (fr->removed && i + 1 == removed) continue;
		if (!*code && !*name && !*unit) { fr->posted_blank++; continue; }
		if (m->nmetrics >= MV_MAX_METRICS) { fe_add(fe, "metrics", N_("Too many values")); break; }
		/* one line of text each, as input_read wants of F_TEXT; bidi overrides go */
		const char *part[3] = { "code", "name", "unit" };
		char *val[3] = { pr.v[0][i], i < pr.n[1] ? pr.v[1][i] : "", i < pr.n[2] ? pr.v[2][i] : "" };
		for (int p = 0; p < 3; p++) {
			size_t len = strlen(val[p]);
			if (len && text_clean(val[p], &len, 0) != 0) /* "" may be a literal: never written to */
				fe_add(fe, arena_printf(&r->a, "metrics.%d.%s", m->nmetrics + 1, part[p]), N_("Must be one line without control characters"));
		}
		struct metric_in *mi = &m->metrics[m->nmetrics++];
		mi->code = val[0];
		mi->name = val[1];
		mi->unit = val[2];
		mi->kind = *kind ? kind : "amount";
	}
	return fe->n ? E_INVALID : E_OK;
}

static struct kind_opt *fields_load(struct req *r, int *n)
{
	struct stmt *st = db_query(r->db, "SELECT code, name_vi, name_en, name_hi FROM movement_fields WHERE active = 1 ORDER BY position", "");
	struct kind_opt *k = arena_alloc(&r->a, sizeof *k * 32);
	*n = 0;
	int col = strcmp(r->lang, "en") == 0 ? 2 : strcmp(r->lang, "hi") == 0 ? 3 : 1;
	while (st && db_step(st) == DB_ROW && *n < 32) {
		k[*n].code = arena_strdup(&r->a, db_text(st, 0));
		const char *name = db_text(st, col);
		k[*n].name = arena_strdup(&r->a, name && *name ? name : db_text(st, 2)); /* never the bare code */
		(*n)++;
	}
	db_done(st);
	return k;
}

/* The form: the stored movement m (NULL: a new one), what was typed t (NULL:
** nothing yet), nblank blank metric rows after the filled ones. */
static void show_form(struct req *r, const struct movement *m, const struct movement_in *t, int nblank, const struct field_errors *fe)
{
	struct buf scope;
	buf_init(&scope);
	if (t) {
		const char *typed = req_form(r, "scope");
		buf_raw(&scope, typed ? typed : "");
	} else if (m) {
		for (int i = 0; i < m->nscopes; i++) buf_printf(&scope, "%s%s", i ? ", " : "", m->scopes[i].code);
	}
	struct metric_in *rows = arena_alloc(&r->a, sizeof *rows * MV_MAX_METRICS);
	int nrows = 0;
	if (t) {
		for (int i = 0; i < t->nmetrics; i++) rows[nrows++] = t->metrics[i];
	} else if (m) {
		for (int i = 0; i < m->nmetrics; i++)
			rows[nrows++] = (struct metric_in){ m->metrics[i].code, m->metrics[i].name, m->metrics[i].unit, m->metrics[i].kind };
	}
	if (nblank < 1) nblank = 1;
	if (nrows + nblank > MV_MAX_METRICS) nblank = MV_MAX_METRICS - nrows;
	int nf;
	struct kind_opt *fields = fields_load(r, &nf);
	if (fe && fe->n) r->status = 422;
	const char *title = m ? arena_printf(&r->a, "%s · %s", _("Edit the movement"), m->title) : _("New movement");
	page_begin(r, title, "movements");
	tmpl_movement_form(&r->out, r, m, t, fields, nf, arena_strdup(&r->a, buf_cstr(&scope)), rows, nrows, nblank, fe);
	page_end(r);
	buf_free(&scope);
}

void page_movement_new(struct req *r)
{
	show_form(r, NULL, NULL, MF_BLANK_ROWS, NULL);
}

/* "more rows", "remove" or a picker's search: the form back as typed, nothing saved */
static int form_rows_only(struct req *r, const struct movement *m, const struct movement_in *in, const struct form_rows *fr)
{
	if (!fr->more && !fr->removed && !pick_step(r)) return 0;
	show_form(r, m, in, fr->posted_blank + (fr->more ? MF_BLANK_ROWS : 0), NULL);
	return 1;
}

void page_movement_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct movement_in in;
	struct form_rows fr;
	int64_t id = 0;
	read_form(r, &in, &fr, &fe, 1);
	if (form_rows_only(r, NULL, &in, &fr)) return;
	/* with the reading's errors in fe, the domain adds its own and writes nothing */
	int rc = movements_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, arena_printf(&r->a, _("Created the movement %s as a draft"), in.code));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID) { show_form(r, NULL, &in, fr.posted_blank, &fe); return; }
	reply_fail(r, rc, &fe);
}

void page_movement_edit(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	if (!movement_manageable(r->user, m)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
	show_form(r, m, NULL, MF_BLANK_ROWS, NULL);
}

void page_movement_update(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	if (!movement_manageable(r->user, m)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
	struct field_errors fe = { 0 };
	struct movement_in in;
	struct form_rows fr;
	read_form(r, &in, &fr, &fe, 0);
	if (form_rows_only(r, m, &in, &fr)) return;
	int rc = movements_update(r->db, r->user, m->id, input_version(r), &in, &fe);
	if (rc == E_OK) {
		flash_set(r, arena_printf(&r->a, _("Saved the changes to the movement %s"), in.code && *in.code ? in.code : m->code));
		reply_redirect(r, arena_printf(&r->a, "/movements/%lld", (long long)m->id));
		return;
	}
	if (rc == E_INVALID || rc == E_STATE) { show_form(r, m, &in, fr.posted_blank, &fe); return; }
	if (rc == E_CONFLICT && !fe.n) {
		/* saved by someone else meanwhile: the form again over the current version, with what was typed */
		struct movement *now;
		if (movements_get(r->db, &r->a, m->id, &now) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, now->version);
		show_form(r, now, &in, fr.posted_blank, NULL);
		return;
	}
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

struct export_of {
	const struct movement *m;
	const char *what;
};

static int write_export(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct export_of *e = ctx;
	return movement_export(r->db, e->m, e->what, f, format, r->lang);
}

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
	const char *format = reply_sheet_format(r, strcmp(what, "template") ? "csv" : "xlsx");
	if (!format) return;
	struct export_of e = { m, what };
	reply_sheet(r, arena_printf(&r->a, "%s-%s", m->code, what), format, write_export, &e);
}

/* ---- exports and the PDF report as background jobs ----
** The same rights as the synchronous routes, checked here (403 before
** anything is queued) and again by the job with the owner's grants; the
** parameters travel with the job as a JSON object (movements_io.c). */

static const char *const export_whats[] = { "registrations", "models", "results", NULL };
static const char *const export_formats[] = { "csv", "xlsx", NULL };
static const char *const export_langs[] = { "vi", "en", "hi", NULL };
enum { EF_WHAT, EF_FORMAT, EF_LANG, EF_N };
static const struct field_spec export_fields[EF_N + 1] = {
	[EF_WHAT] = { "what", F_CHOICE, 1, 20, 0, 0, export_whats },
	[EF_FORMAT] = { "format", F_CHOICE, 0, 10, 0, 0, export_formats },
	[EF_LANG] = { "lang", F_CHOICE, 0, 5, 0, 0, export_langs },
};

static int submit_json(struct req *r, const char *kind, const struct movement *m, const char *back, json_t *params, int64_t *job)
{
	char *text = json_dumps(params, JSON_COMPACT);
	json_decref(params);
	if (!text) return E_DB;
	int rc = jobs_submit(r->db, kind, r->user->id, "movement", m->id, back, text, strlen(text), NULL, r->lang, job);
	free(text);
	return rc;
}

/* POST …/movements/{id}/exports {what, format, lang}: 202 (API) or 303 (page) to the job */
static void export_job(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	if (!require(r, PERM_READ, m->authority_path)) return;
	struct field_errors fe = { 0 };
	struct input in;
	int rc = input_read(r, export_fields, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	int64_t job = 0;
	if (rc == E_OK)
		rc = submit_json(r, "export", m, arena_printf(&r->a, "/movements/%lld", (long long)m->id),
				 json_pack("{s:s, s:s, s:s}", "what", in.s[EF_WHAT], "format", in.s[EF_FORMAT] ? in.s[EF_FORMAT] : "csv", "lang",
					   in.s[EF_LANG] ? in.s[EF_LANG] : r->lang),
				 &job);
	if (rc == E_OK) reply_job_accepted(r, job);
	else reply_fail(r, rc, &fe);
}

/* POST …/movements/{id}/reports?under=…&field=…: the dashboard's filters, read
** as the dashboard reads them (a user who cannot read the whole movement
** gets the subtree of their grant) */
static void report_job(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct dash_query q;
	if (mv_read_dash_query(r, m, &q) != 0) return;
	json_t *p = json_pack("{s:I, s:i, s:s}", "under", (json_int_t)q.under, "levels", q.levels, "lang", r->lang);
	if (q.field && *q.field) json_object_set_new(p, "field", json_string(q.field));
	if (q.status && *q.status) json_object_set_new(p, "status", json_string(q.status));
	if (q.from && *q.from) json_object_set_new(p, "from", json_string(q.from));
	if (q.to && *q.to) json_object_set_new(p, "to", json_string(q.to));
	int64_t job = 0;
	int rc = submit_json(r, "report_pdf", m, arena_printf(&r->a, "/movements/%lld/dashboard", (long long)m->id), p, &job);
	if (rc == E_OK) reply_job_accepted(r, job);
	else reply_fail(r, rc, NULL);
}

void api_movement_export_job(struct req *r) { export_job(r); }
void page_movement_export_job(struct req *r) { export_job(r); }
void api_movement_report_job(struct req *r) { report_job(r); }
void page_movement_report_job(struct req *r) { report_job(r); }

/* Queues an import of the uploaded part "file" as a background job (jobs.h):
** the file is kept with the job, and every line is checked by the job with
** the user's rights, as a direct write would be. */
static int submit_import(struct req *r, const struct movement *m, const char *kind, struct field_errors *fe, int64_t *job)
{
	if (!kind || (strcmp(kind, "models") && strcmp(kind, "results") && strcmp(kind, "registrations"))) {
		fe_add(fe, "kind", N_("Must be registrations, models or results"));
		return E_INVALID;
	}
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->len) { fe_add(fe, "file", N_("Choose a file to upload")); return E_INVALID; }
	return jobs_submit(r->db, arena_printf(&r->a, "import_%s", kind), r->user->id, "movement", m->id,
			   arena_printf(&r->a, "/movements/%lld/models", (long long)m->id), p->data, p->len, p->filename, r->lang, job);
}

void page_movement_import(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	int64_t job;
	int rc = submit_import(r, m, req_form(r, "kind"), &fe, &job);
	if (rc == E_OK) { reply_job_accepted(r, job); return; }
	if (rc != E_INVALID) { reply_fail(r, rc, NULL); return; }
	struct import_report rep = { 0 };
	r->status = 422;
	page_begin(r, arena_printf(&r->a, "%s · %s", _("Nothing was imported"), m->title), "movements");
	tmpl_import_result(&r->out, r, m, &rep, "", _(fe.msg[0]));
	page_end(r);
}

/* POST /api/v1/movements/{id}/import/{kind}: 202, Location /api/v1/jobs/{job} */
void api_movement_import(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	int64_t job;
	int rc = submit_import(r, m, r->params[1], &fe, &job);
	if (rc == E_OK) reply_job_accepted(r, job);
	else reply_fail(r, rc, &fe);
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

/* the movement form's parent: a select of the campaigns the user may read
** that are not closed (movements.c accepts only those), by title; the
** parent a movement already has stays offered */
void tmpl_movement_parent_select(struct buf *o, struct req *r, const struct movement *m, int64_t selected, const char *error)
{
	struct movement_query q;
	memset(&q, 0, sizeof q);
	q.parent = -1;
	q.kind = "campaign";
	q.sort = "title";
	q.limit = 500;
	q.nranges = units_scope_ranges(r, PERM_MOVEMENT_MANAGE, q.range_lo, MV_MAX_RANGES);
	struct movement *items = NULL;
	int n = 0;
	int64_t total = 0;
	movements_list(r->db, &r->a, &q, &items, &n, &total);
	buf_raw(o, "<label for=\"f-parent_id\">");
	buf_html(o, _("Campaign it belongs to (optional)"));
	buf_raw(o, "</label>\n<select id=\"f-parent_id\" name=\"parent_id\"");
	if (error) buf_raw(o, " aria-invalid=\"true\" aria-describedby=\"e-parent_id\"");
	buf_raw(o, ">\n<option value=\"\">—</option>\n");
	for (int i = 0; i < n; i++) {
		if (m && items[i].id == m->id) continue;
		if ((items[i].stage == MV_CLOSED || !movement_readable(r->user, &items[i])) && items[i].id != selected &&
		    !(m && items[i].id == m->parent_id))
			continue;
		buf_printf(o, "<option value=\"%lld\"%s>", (long long)items[i].id, items[i].id == selected ? " selected" : "");
		buf_html(o, items[i].title);
		buf_raw(o, " (");
		buf_html(o, items[i].code);
		buf_raw(o, ")</option>\n");
	}
	buf_raw(o, "</select>\n");
	if (error) {
		buf_raw(o, "<p class=\"field-error\" id=\"e-parent_id\">");
		buf_html(o, error);
		buf_raw(o, "</p>\n");
	}
}

/* attachments of movements, models and reports are read by who may read the
** record (routes.c lists this reader for the three kinds) */
int mv_attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	if (strcmp(entity, "movement") == 0) {
		struct movement *m;
		return movements_get(r->db, &r->a, entity_id, &m) == E_OK && movement_readable(r->user, m);
	}
	if (strcmp(entity, "report") == 0) {
		struct report *rp;
		if (reports_get(r->db, &r->a, entity_id, &rp) != E_OK) return 0;
		entity = "model";
		entity_id = rp->model_id;
	}
	if (strcmp(entity, "model") == 0) {
		struct model *d;
		return models_get(r->db, &r->a, entity_id, &d) == E_OK && model_readable(r->db, r->user, d);
	}
	return 0;
}
