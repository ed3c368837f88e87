/* Movements over the JSON API: /api/v1/movements, registrations, models,
** reports, assessments, typical examples, replication and the dashboard. */
#include <stdlib.h>
#include <string.h>

#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "../web/web.h"
#include "movements.h"
#include "mv_web.h"

/* ---- shared with the pages (mv_web.h) ---- */

/* A movement named in the path by id or by code; replies 404 when it does
** not exist or the user may not see it (a draft). */
struct movement *mv_param(struct req *r, const char *param)
{
	int64_t id = 0;
	if (parse_id(param, &id) != 0 && (!param || movements_find_code(r->db, param, &id) != E_OK)) {
		reply_fail(r, E_NOTFOUND, NULL);
		return NULL;
	}
	struct movement *m;
	int rc = movements_get(r->db, &r->a, id, &m);
	if (rc == E_OK && !movement_readable(r->user, m)) rc = E_NOTFOUND;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return m;
}

struct model *mv_model_param(struct req *r, const char *param, struct movement **m)
{
	int64_t id = 0;
	struct model *d;
	int rc = parse_id(param, &id) == 0 ? models_get(r->db, &r->a, id, &d) : E_NOTFOUND;
	if (rc == E_OK && !model_readable(r->db, r->user, d)) rc = E_NOTFOUND;
	if (rc == E_OK && m) rc = movements_get(r->db, &r->a, d->movement_id, m);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return d;
}

/* a unit given as "unit_id" (number) or "unit_code" (text) */
int64_t mv_unit_input(struct req *r, const char *id_name, const char *code_name, struct field_errors *fe)
{
	const char *code = NULL;
	int64_t id = -1;
	if (r->json) {
		json_t *v = json_object_get(r->json, id_name);
		if (json_is_integer(v)) id = json_integer_value(v);
		else if (v && !json_is_null(v)) { fe_add(fe, id_name, N_("Must be a whole number")); return -1; }
		json_t *c = json_object_get(r->json, code_name);
		if (json_is_string(c)) code = json_string_value(c);
	} else {
		const char *s = req_form(r, id_name);
		if (s && *s && parse_int(s, &id) != 0) { fe_add(fe, id_name, N_("Must be a whole number")); return -1; }
		code = req_form(r, code_name);
	}
	if (code && *code) {
		if (units_find_code(r->db, code, &id) != E_OK) { fe_add(fe, code_name, N_("No unit has this code")); return -1; }
	}
	return id;
}

/* the one table of a movement's fields, for the API and the form (movements_web.c) */
const struct field_spec mv_movement_fields[MF_N + 1] = {
	[MF_CODE] = { "code", F_TEXT, 0, MV_CODE_MAX, 0, 0, NULL },
	[MF_TITLE] = { "title", F_TEXT, 0, MV_TITLE_MAX, 0, 0, NULL },
	[MF_THEME] = { "theme", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
	[MF_KIND] = { "kind", F_TEXT, 0, 20, 0, 0, NULL },
	[MF_LEGAL] = { "legal_basis", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
	[MF_STARTS] = { "starts_on", F_DATE, 0, 20, 0, 0, NULL },
	[MF_ENDS] = { "ends_on", F_DATE, 0, 20, 0, 0, NULL },
	[MF_REGBY] = { "register_by", F_DATE, 0, 20, 0, 0, NULL },
	[MF_PARENT] = { "parent_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[MF_PARENT_CODE] = { "parent_code", F_TEXT, 0, MV_CODE_MAX, 0, 0, NULL },
};

/* the small forms of a movement and a model, for the API and the pages alike */
const struct field_spec mv_status_fields[SF_N + 1] = {
	[SF_STATUS] = { "status", F_TEXT, 1, 20, 0, 0, NULL },
};
const struct field_spec mv_assess_fields[AF_N + 1] = {
	[AF_STATUS] = { "status", F_TEXT, 1, 20, 0, 0, NULL },
	[AF_COMMENT] = { "comment", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
};
const struct field_spec mv_typical_fields[TF_N + 1] = {
	[TF_TYPICAL] = { "typical", F_BOOL, 1, 0, 0, 1, NULL },
	[TF_CITATION] = { "citation", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
};
const struct field_spec mv_replication_fields[XF_N + 1] = {
	[XF_ADOPTED_ON] = { "adopted_on", F_DATE, 1, 10, 0, 0, NULL },
	[XF_NOTE] = { "note", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
};

/* Reads a movement from the API's JSON. Lists: "scope" (unit codes or ids),
** "fields" (codes), "metrics" ([{code,name,unit,kind}]). The pages read
** their form with the metric rows in movements_web.c. */
/* one text of a metric in the JSON list, as input_read wants of F_TEXT: one
** line, no control characters, bidi overrides removed (arena copy) */
static const char *metric_text(struct req *r, json_t *e, const char *part, int n, struct field_errors *fe)
{
	const char *v = json_string_value(json_object_get(e, part));
	if (!v) return NULL;
	char *c = arena_strdup(&r->a, v);
	size_t len = strlen(c);
	if (text_clean(c, &len, 0) != 0) {
		fe_add(fe, arena_printf(&r->a, "metrics.%d.%s", n, part), N_("Must be one line without control characters"));
		return v;
	}
	return c;
}

void mv_read_movement_fields(struct req *r, struct movement_in *m, struct field_errors *fe, int creating)
{
	struct input in;
	input_read(r, mv_movement_fields, &in, fe, !creating);
	memset(m, 0, sizeof *m);
	for (int k = MF_CODE; k <= MF_REGBY; k++)
		if (in.present[k] && !in.s[k] && !fe_get(fe, mv_movement_fields[k].name)) in.s[k] = "";
	m->code = in.s[MF_CODE];
	m->title = in.s[MF_TITLE];
	m->theme = in.s[MF_THEME];
	m->kind = in.s[MF_KIND];
	m->legal_basis = in.s[MF_LEGAL];
	m->starts_on = in.s[MF_STARTS]; /* YYYY-MM-DD, or as typed when it is no date (a form shows it back) */
	m->ends_on = in.s[MF_ENDS];
	m->register_by = in.s[MF_REGBY];
	/* the parent: an id (the form's select), or a code */
	m->parent_id = in.present[MF_PARENT] ? in.i[MF_PARENT] : creating ? 0 : -1;
	if (in.present[MF_PARENT_CODE]) {
		m->parent_id = 0;
		const char *code = in.s[MF_PARENT_CODE];
		if (code && movements_find_code(r->db, code, &m->parent_id) != E_OK)
			fe_add(fe, "parent_code", r->api ? N_("No movement has this code")
							 : arena_printf(&r->a, "%s: %s", _("Unknown movement code"), code));
	}
}

int mv_read_movement(struct req *r, struct movement_in *m, struct field_errors *fe, int creating)
{
	mv_read_movement_fields(r, m, fe, creating);
	m->authority_id = mv_unit_input(r, "authority_id", "authority_code", fe);
	if (creating && m->authority_id < 0) m->authority_id = 0;

	const char *items[MV_MAX_SCOPES + 1];
	int n, present;
	if (input_list(r, "scope", items, MV_MAX_SCOPES, &n, &present, fe) == E_OK && present) {
		m->set_scopes = 1;
		for (int i = 0; i < n; i++) {
			int64_t id;
			if (parse_id(items[i], &id) != 0 && units_find_code(r->db, items[i], &id) != E_OK) {
				fe_add(fe, "scope", N_("No unit has this code"));
				continue; /* the other codes are still checked */
			}
			m->scopes[m->nscopes++] = id;
		}
	}
	const char *fields[MV_MAX_FIELDS];
	if (input_list(r, "fields", fields, MV_MAX_FIELDS, &n, &present, fe) == E_OK && present) {
		m->set_fields = 1;
		m->nfields = n;
		for (int i = 0; i < n; i++) m->fields[i] = fields[i];
	}
	if (r->json) {
		json_t *v = json_object_get(r->json, "metrics");
		if (v && !json_is_array(v)) fe_add(fe, "metrics", N_("Must be a list"));
		else if (v) {
			m->set_metrics = 1;
			size_t i;
			json_t *e;
			json_array_foreach(v, i, e) {
				if (m->nmetrics >= MV_MAX_METRICS) { fe_add(fe, "metrics", N_("Too many values")); break; }
				struct metric_in *mi = &m->metrics[m->nmetrics++];
				int n1 = m->nmetrics;
				mi->code = metric_text(r, e, "code", n1, fe);
				mi->name = metric_text(r, e, "name", n1, fe);
				mi->unit = metric_text(r, e, "unit", n1, fe);
				mi->kind = json_string_value(json_object_get(e, "kind"));
				if (!mi->kind) mi->kind = "amount";
			}
		}
	}
	return fe->n ? E_INVALID : E_OK;
}

/* ---- movements ---- */

static int read_mv_query(struct req *r, struct movement_query *q)
{
	memset(q, 0, sizeof *q);
	q->q = req_query(r, "q");
	q->status = req_query(r, "status");
	q->kind = req_query(r, "kind");
	const char *parent = req_query(r, "parent");
	q->parent = parent && strcmp(parent, "none") == 0 ? 0 : query_int(r, "parent", -1, 0, INT64_MAX);
	q->authority = query_int(r, "authority", 0, 0, INT64_MAX);
	q->sort = req_query(r, "sort");
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return -1;
	/* a stage or kind that does not exist is a mistake to say, not an empty list */
	static const char *const stages[] = { "draft", "launched", "reviewing", "closed", NULL };
	static const char *const kinds[] = { "campaign", "regular", "thematic", NULL };
	if (query_choice_bad(r, "status", q->status, stages) || query_choice_bad(r, "kind", q->kind, kinds)) return -1;
	q->nranges = units_scope_ranges(r, PERM_MOVEMENT_MANAGE, q->range_lo, MV_MAX_RANGES);
	return 0;
}

void api_movements_list(struct req *r)
{
	struct movement_query q;
	if (read_mv_query(r, &q) != 0) return;
	struct movement *items;
	int n;
	int64_t total;
	int rc = movements_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) movement_json(&w, &items[i], 0);
	reply_list_end(&w, total, q.limit, q.offset);
}

static void reply_movement(struct req *r, int64_t id, int status)
{
	struct movement *m;
	int rc = movements_get(r->db, &r->a, id, &m);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	movement_json(&w, m, 1);
}

void api_movement_get(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	movement_json(&w, m, 1);
}

void api_movement_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct movement_in in;
	int64_t id = 0;
	int rc = mv_read_movement(r, &in, &fe, 1);
	/* the domain's checks run even when reading found errors (it writes
	** nothing then): every field's error comes back at once */
	if (rc == E_OK || rc == E_INVALID) rc = movements_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/movements/%lld", (long long)id));
	reply_movement(r, id, 201);
}

void api_movement_update(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct movement_in in;
	int rc = mv_read_movement(r, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = movements_update(r->db, r->user, m->id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_movement(r, m->id, 200);
}

void api_movement_status(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_status_fields, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = movements_set_status(r->db, r->user, m->id, version, in.s[SF_STATUS], &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_movement(r, m->id, 200);
}

void api_movement_fields(struct req *r)
{
	struct stmt *st = db_query(r->db, "SELECT code, name_vi, name_en, name_hi FROM movement_fields WHERE active = 1 ORDER BY position", "");
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	int col = strcmp(r->lang, "en") == 0 ? 2 : strcmp(r->lang, "hi") == 0 ? 3 : 1;
	while (st && db_step(st) == DB_ROW) {
		jw_obj(&w);
		jw_kstr(&w, "code", db_text(st, 0));
		jw_kstr(&w, "name", db_text(st, col));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	db_done(st);
}

/* ---- registrations ---- */

enum { RF_PLEDGE, RF_PLANNED, RF_REGISTERED_ON, RF_ACTIVE, RF_N };
static const struct field_spec reg_fields[RF_N + 1] = {
	[RF_PLEDGE] = { "pledge", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
	[RF_PLANNED] = { "planned_models", F_INT, 0, 0, 0, 100000, NULL },
	[RF_REGISTERED_ON] = { "registered_on", F_DATE, 0, 10, 0, 0, NULL },
	[RF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
};

int mv_read_registration(struct req *r, struct registration_in *g, struct field_errors *fe, int creating)
{
	struct input in;
	input_read(r, reg_fields, &in, fe, 1);
	memset(g, 0, sizeof *g);
	g->pledge = in.present[RF_PLEDGE] && !in.s[RF_PLEDGE] ? "" : in.s[RF_PLEDGE];
	g->planned_models = in.present[RF_PLANNED] ? in.i[RF_PLANNED] : -1;
	g->registered_on = in.s[RF_REGISTERED_ON];
	g->active = in.present[RF_ACTIVE] ? (int)in.i[RF_ACTIVE] : -1;
	if (creating) g->unit_id = mv_unit_input(r, "unit_id", "unit_code", fe);
	const char *codes[MV_MAX_METRICS];
	double vals[MV_MAX_METRICS];
	int n, present;
	if (input_numbers(r, "commitments", codes, vals, MV_MAX_METRICS, &n, &present, fe) == E_OK && present) {
		g->set_commitments = 1;
		g->ncommit = n;
		for (int i = 0; i < n; i++) g->commit[i] = (struct commitment_in){ codes[i], vals[i] };
	}
	return fe->n ? E_INVALID : E_OK;
}

static int read_reg_query(struct req *r, struct reg_query *q, int64_t movement_id)
{
	memset(q, 0, sizeof *q);
	q->movement_id = movement_id;
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	q->q = req_query(r, "q");
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	return query_bad(r) ? -1 : 0;
}

/* the organiser sees every registration; others those of their subtrees */
static void visible_ranges(struct req *r, const struct movement *m, int *nranges, const char **lo)
{
	if (role_can(r->user, PERM_READ, m->authority_path)) *nranges = -1;
	else *nranges = units_scope_ranges(r, PERM_READ, lo, MV_MAX_RANGES);
}

void api_registrations_list(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct reg_query q;
	if (read_reg_query(r, &q, m->id) != 0) return;
	visible_ranges(r, m, &q.nranges, q.range_lo);
	struct registration *items;
	int n;
	int64_t total;
	int rc = registrations_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) registration_json(&w, &items[i], m);
	reply_list_end(&w, total, q.limit, q.offset);
}

static void reply_registration(struct req *r, int64_t id, int status)
{
	struct registration *g;
	struct movement *m;
	int rc = registrations_get(r->db, &r->a, id, &g);
	if (rc == E_OK) rc = movements_get(r->db, &r->a, g->movement_id, &m);
	if (rc == E_OK && !role_can(r->user, PERM_READ, g->unit_path) && !role_can(r->user, PERM_READ, m->authority_path)) rc = E_NOTFOUND;
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	registration_json(&w, g, m);
}

void api_registration_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct registration_in in;
	int64_t id = 0;
	int rc = mv_read_registration(r, &in, &fe, 1);
	if (rc == E_OK) rc = registrations_create(r->db, r->user, m->id, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/registrations/%lld", (long long)id));
	reply_registration(r, id, 201);
}

void api_registration_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	reply_registration(r, id, 200);
}

void api_registration_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct registration_in in;
	int rc = mv_read_registration(r, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = registrations_update(r->db, r->user, id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_registration(r, id, 200);
}

/* ---- models ---- */

enum { DF_CODE, DF_TITLE, DF_FIELD, DF_DESCRIPTION, DF_STARTED, DF_OWNER_PERSON, DF_ACTIVE, DF_REGISTERED_ON, DF_N };
static const struct field_spec model_fields[DF_N + 1] = {
	[DF_CODE] = { "code", F_TEXT, 0, MV_CODE_MAX, 0, 0, NULL },
	[DF_TITLE] = { "title", F_TEXT, 0, MV_TITLE_MAX, 0, 0, NULL },
	[DF_FIELD] = { "field", F_TEXT, 0, 40, 0, 0, NULL },
	[DF_DESCRIPTION] = { "description", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
	[DF_STARTED] = { "started_on", F_DATE, 0, 10, 0, 0, NULL },
	[DF_OWNER_PERSON] = { "owner_person_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[DF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
	[DF_REGISTERED_ON] = { "registered_on", F_DATE, 0, 10, 0, 0, NULL },
};

int mv_read_model(struct req *r, struct model_in *d, struct field_errors *fe, int creating)
{
	struct input in;
	input_read(r, model_fields, &in, fe, 1);
	memset(d, 0, sizeof *d);
	for (int k = DF_CODE; k <= DF_STARTED; k++)
		if (in.present[k] && !in.s[k] && !fe_get(fe, model_fields[k].name)) in.s[k] = "";
	d->code = in.s[DF_CODE];
	d->title = in.s[DF_TITLE];
	d->field = in.s[DF_FIELD];
	d->description = in.s[DF_DESCRIPTION];
	d->started_on = in.s[DF_STARTED];
	d->owner_person_id = in.present[DF_OWNER_PERSON] ? in.i[DF_OWNER_PERSON] : -1;
	d->active = in.present[DF_ACTIVE] ? (int)in.i[DF_ACTIVE] : -1;
	d->registered_on = in.s[DF_REGISTERED_ON];
	if (creating) d->unit_id = mv_unit_input(r, "unit_id", "unit_code", fe);
	d->owner_unit_id = mv_unit_input(r, "owner_unit_id", "owner_unit_code", fe);
	/* none: null in JSON; in a form an empty code, or the picker's empty choice */
	if (r->json ? json_is_null(json_object_get(r->json, "owner_unit_id"))
		    : ((req_form(r, "owner_unit_code") && !*req_form(r, "owner_unit_code")) ||
		       (req_form(r, "owner_unit_id") && !*req_form(r, "owner_unit_id") && !req_form(r, "owner_unit_code"))))
		d->owner_unit_id = 0;
	const char *codes[MV_MAX_METRICS];
	double vals[MV_MAX_METRICS];
	int n, present;
	if (input_numbers(r, "plans", codes, vals, MV_MAX_METRICS, &n, &present, fe) == E_OK && present) {
		d->set_plans = 1;
		d->nplans = n;
		for (int i = 0; i < n; i++) d->plans[i] = (struct commitment_in){ codes[i], vals[i] };
	}
	return fe->n ? E_INVALID : E_OK;
}

/* the assessment states a model list or the dashboard may be filtered by */
static const char *const model_statuses[] = { "registered", "effective", "not_effective", NULL };

int mv_read_model_query(struct req *r, struct model_query *q, const struct movement *m)
{
	memset(q, 0, sizeof *q);
	q->movement_id = m ? m->id : 0;
	q->unit = query_int(r, "unit", 0, 0, INT64_MAX);
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	q->field = req_query(r, "field");
	q->status = query_choice(r, "status", model_statuses);
	q->q = req_query(r, "q");
	/* 1 or true: typical examples only; 0, false or absent: every model */
	static const char *const bools[] = { "1", "true", "0", "false", NULL };
	const char *t = query_choice(r, "typical", bools);
	q->typical = t && (strcmp(t, "1") == 0 || strcmp(t, "true") == 0) ? 1 : -1;
	q->sort = req_query(r, "sort");
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return -1;
	if (m) visible_ranges(r, m, &q->nranges, q->range_lo);
	else q->nranges = units_scope_ranges(r, PERM_READ, q->range_lo, MV_MAX_RANGES);
	return 0;
}

void api_models_list(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct model_query q;
	if (mv_read_model_query(r, &q, m) != 0) return;
	q.with_values = 1;
	struct model *items;
	int n;
	int64_t total;
	int rc = models_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) model_json(&w, &items[i], m);
	reply_list_end(&w, total, q.limit, q.offset);
}

static void reply_model(struct req *r, int64_t id, int status)
{
	struct model *d;
	struct movement *m;
	int rc = models_get(r->db, &r->a, id, &d);
	if (rc == E_OK && !model_readable(r->db, r->user, d)) rc = E_NOTFOUND;
	if (rc == E_OK) rc = movements_get(r->db, &r->a, d->movement_id, &m);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	model_json(&w, d, m);
}

void api_model_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct field_errors fe = { 0 };
	struct model_in in;
	int64_t id = 0;
	int rc = mv_read_model(r, &in, &fe, 1);
	if (rc == E_OK) rc = models_create(r->db, r->user, m->id, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/models/%lld", (long long)id));
	reply_model(r, id, 201);
}

void api_model_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	reply_model(r, id, 200);
}

void api_model_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct model_in in;
	int rc = mv_read_model(r, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = models_update(r->db, r->user, id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_model(r, id, 200);
}

void api_model_assess(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_assess_fields, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = models_assess(r->db, r->user, id, version, in.s[AF_STATUS], in.s[AF_COMMENT], &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_model(r, id, 200);
}

void api_model_typical(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input in;
	int64_t version = require_version(r, &fe);
	int rc = input_read(r, mv_typical_fields, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = models_set_typical(r->db, r->user, id, version, (int)in.i[TF_TYPICAL], in.s[TF_CITATION], NULL, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_model(r, id, 200);
}

int mv_read_report(struct req *r, struct report_in *rp, struct field_errors *fe)
{
	enum { OF_REPORTED_ON, OF_NOTE, OF_N };
	static const struct field_spec spec[OF_N + 1] = {
		[OF_REPORTED_ON] = { "reported_on", F_DATE, 1, 10, 0, 0, NULL },
		[OF_NOTE] = { "note", F_LINES, 0, MV_TEXT_MAX, 0, 0, NULL },
	};
	struct input in;
	input_read(r, spec, &in, fe, 0);
	memset(rp, 0, sizeof *rp);
	rp->reported_on = in.s[OF_REPORTED_ON];
	rp->note = in.s[OF_NOTE];
	const char *codes[MV_MAX_METRICS];
	double vals[MV_MAX_METRICS];
	int n, present;
	if (input_numbers(r, "results", codes, vals, MV_MAX_METRICS, &n, &present, fe) == E_OK) {
		rp->nvalues = n;
		for (int i = 0; i < n; i++) rp->values[i] = (struct commitment_in){ codes[i], vals[i] };
	}
	return fe->n ? E_INVALID : E_OK;
}

void api_reports_list(struct req *r)
{
	struct movement *m;
	struct model *d = mv_model_param(r, r->params[0], &m);
	if (!d) return;
	struct report *items;
	int n;
	reports_list(r->db, &r->a, d->id, &items, &n);
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) report_json(&w, &items[i], m);
	reply_list_end(&w, n, n, 0);
}

void api_report_create(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct report_in in;
	int64_t rid = 0;
	int rc = mv_read_report(r, &in, &fe);
	if (rc == E_OK) rc = reports_add(r->db, r->user, id, &in, &fe, &rid);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct report *rp;
	struct model *d;
	struct movement *m;
	if (reports_get(r->db, &r->a, rid, &rp) != E_OK || models_get(r->db, &r->a, id, &d) != E_OK ||
	    movements_get(r->db, &r->a, d->movement_id, &m) != E_OK) {
		reply_fail(r, E_DB, NULL);
		return;
	}
	reply_created(r, arena_printf(&r->a, "/api/v1/models/%lld/reports", (long long)id));
	reply_json(r, 201);
	struct jw w;
	jw_init(&w, &r->out);
	report_json(&w, rp, m);
}

void api_replications_list(struct req *r)
{
	struct model *d = mv_model_param(r, r->params[0], NULL);
	if (!d) return;
	struct replication *items;
	int n;
	replications_list(r->db, &r->a, d->id, &items, &n);
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kint(&w, "id", items[i].id);
		jw_kint(&w, "unit_id", items[i].unit_id);
		jw_kstr(&w, "unit_code", items[i].unit_code);
		jw_kstr(&w, "unit_name", items[i].unit_name);
		jw_kstr(&w, "adopted_on", items[i].adopted_on);
		jw_kstr(&w, "note", items[i].note);
		jw_obj_end(&w);
	}
	reply_list_end(&w, n, n, 0);
}

void api_replication_create(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct input in;
	input_read(r, mv_replication_fields, &in, &fe, 0);
	int64_t unit = mv_unit_input(r, "unit_id", "unit_code", &fe);
	int64_t xid = 0;
	int rc = fe.n ? E_INVALID : replications_add(r->db, r->user, id, unit, in.s[XF_ADOPTED_ON], in.s[XF_NOTE], &fe, &xid);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/models/%lld/replications", (long long)id));
	reply_model(r, id, 201);
}

void api_replication_delete(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	int64_t xid = param_id_or_404(r, 1);
	if (!xid) return;
	struct field_errors fe = { 0 };
	int rc = replications_remove(r->db, r->user, id, xid, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_model(r, id, 200);
}

/* ---- dashboard ---- */

/* Reads the filters; a user who cannot read the whole movement sees the
** subtree of their own grant (the first one inside the scope). */
int mv_read_dash_query(struct req *r, const struct movement *m, struct dash_query *q)
{
	memset(q, 0, sizeof *q);
	q->movement_id = m->id;
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	q->field = req_query(r, "field");
	q->status = query_choice(r, "status", model_statuses);
	q->from = req_query(r, "from");
	q->to = req_query(r, "to");
	q->levels = (int)query_int(r, "levels", 2, 0, 30);
	if (query_bad(r)) return -1;
	struct field_errors fe = { 0 };
	/* the page's filter form: a date as typed (dd/mm/yyyy, as a browser
	** without a date picker sends it) or as the picker sends it */
	if (!r->api && q->from && *q->from && date_from_user(&r->a, q->from)) q->from = date_from_user(&r->a, q->from);
	if (!r->api && q->to && *q->to && date_from_user(&r->a, q->to)) q->to = date_from_user(&r->a, q->to);
	if (q->from && *q->from && !date_valid(q->from)) fe_add(&fe, "from", N_("Is not a date (YYYY-MM-DD)"));
	if (q->to && *q->to && !date_valid(q->to)) fe_add(&fe, "to", N_("Is not a date (YYYY-MM-DD)"));
	if (!fe.n && q->from && *q->from && q->to && *q->to && strcmp(q->from, q->to) > 0)
		fe_add(&fe, "to", N_("Ends before it starts"));
	if (fe.n) {
		if (r->api) reply_invalid(r, &fe);
		else reply_error(r, 400, "bad_request", fe.msg[0]);
		r->status = 400;
		return -1;
	}
	if (role_can(r->user, PERM_READ, m->authority_path)) return 0;
	if (q->under > 0) {
		char path[UNIT_PATH_MAX];
		if (units_path(r->db, q->under, path, sizeof path) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return -1; }
		return require(r, PERM_READ, path) ? 0 : -1;
	}
	for (int i = 0; i < r->user->ngrants; i++)
		if (role_can(r->user, PERM_READ, r->user->grants[i].unit_path)) { q->under = r->user->grants[i].unit_id; return 0; }
	reply_fail(r, E_FORBIDDEN, NULL);
	return -1;
}

void api_dashboard(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	struct dash_query q;
	if (mv_read_dash_query(r, m, &q) != 0) return;
	struct dashboard d;
	int rc = dashboard_build(r->db, &r->a, m, &q, &d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	dashboard_json(&w, &d);
}

/* the public typical examples: no login, nothing from drafts */
void api_public_typical(struct req *r)
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
	struct jw w;
	reply_list_begin(r, &w);
	int64_t cur = 0;
	struct movement *mm = m;
	for (int i = 0; i < n; i++) {
		if (!m && items[i].movement_id != cur) {
			cur = items[i].movement_id;
			movements_get(r->db, &r->a, cur, &mm);
		}
		const struct model *d = &items[i];
		jw_obj(&w);
		jw_kint(&w, "id", d->id);
		jw_kstr(&w, "movement_code", d->movement_code);
		jw_kstr(&w, "movement_title", d->movement_title);
		jw_kstr(&w, "title", d->title);
		jw_kstr(&w, "unit_name", d->unit_name);
		jw_kstr(&w, "owner_unit_name", d->owner_unit_name);
		jw_kstr(&w, "field", d->field);
		jw_kstr(&w, "description", d->description);
		jw_kstr(&w, "citation", d->citation);
		jw_kstr(&w, "typical_on", d->typical_on);
		jw_key(&w, "results");
		jw_arr(&w);
		for (int k = 0; k < d->nvalues; k++) {
			if (!d->values[k].has_value) continue;
			for (int x = 0; mm && x < mm->nmetrics; x++) {
				if (mm->metrics[x].id != d->values[k].metric_id) continue;
				jw_obj(&w);
				jw_kstr(&w, "metric", mm->metrics[x].code);
				jw_kstr(&w, "name", mm->metrics[x].name);
				jw_kstr(&w, "unit", mm->metrics[x].unit);
				jw_key(&w, "value");
				jw_num(&w, d->values[k].value);
				jw_obj_end(&w);
			}
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	reply_list_end(&w, total, q.limit, q.offset);
}

/* ---- evidence files ---- */

#include "../base/files.h"
#include "../base/multipart.h"

/* the uploaded part "file": E_OK, or E_INVALID with a field error */
static const struct mp_part *upload_part(struct req *r, struct field_errors *fe)
{
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->filename || !p->len) fe_add(fe, "file", N_("Choose a file to upload"));
	return fe->n ? NULL : p;
}

static void attachments_reply(struct req *r, const char *entity, int64_t id)
{
	struct attachment *items;
	int n;
	files_list(r->db, &r->a, entity, id, &items, &n);
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) attachment_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

/* 201 with the new attachment, or the failure */
static void attachment_created(struct req *r, int rc, const struct field_errors *fe, int64_t att)
{
	struct attachment *t;
	if (rc == E_OK && files_get(r->db, &r->a, att, &t) != E_OK) rc = E_DB;
	if (rc != E_OK) { reply_fail(r, rc, fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/files/%lld", (long long)att));
	reply_json(r, 201);
	struct jw w;
	jw_init(&w, &r->out);
	attachment_json(&w, t);
}

void api_model_files_list(struct req *r)
{
	struct model *d = mv_model_param(r, r->params[0], NULL);
	if (d) attachments_reply(r, "model", d->id);
}

void api_model_file_create(struct req *r)
{
	int64_t att = 0;
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	const struct mp_part *p = upload_part(r, &fe);
	int rc = p ? models_attach(r->db, r->user, id, p->filename, p->data, p->len, &fe, &att) : E_INVALID;
	attachment_created(r, rc, &fe, att);
}

void api_movement_files_list(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (m) attachments_reply(r, "movement", m->id);
}

void api_movement_file_create(struct req *r)
{
	struct movement *m = mv_param(r, r->params[0]);
	if (!m) return;
	int64_t att = 0;
	struct field_errors fe = { 0 };
	const struct mp_part *p = upload_part(r, &fe);
	int rc = p ? movements_attach(r->db, r->user, m->id, p->filename, p->data, p->len, &fe, &att) : E_INVALID;
	attachment_created(r, rc, &fe, att);
}

int mv_upload(struct req *r, int64_t model_id, struct field_errors *fe)
{
	int64_t att;
	const struct mp_part *p = upload_part(r, fe);
	return p ? models_attach(r->db, r->user, model_id, p->filename, p->data, p->len, fe, &att) : E_INVALID;
}
