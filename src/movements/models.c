/* Models of a movement: registration, progress reports with results,
** assessment, typical examples and replication. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../units/units.h"
#include "movements.h"
#include "mv_internal.h"
#include "../web/roles.h"

#define T(s) i18n_get(lang, (s)) /* an import's message in its language lang */

#define MD_COLS                                                                                                        \
	"d.id, d.movement_id, d.registration_id, d.unit_id, mv.code, mv.title, mv.status, au.path, u.code, u.name, u.path, " \
	"d.code, d.title, d.field_code, d.description, d.started_on, d.status, d.owner_unit_id, ou.name, d.owner_person_id, "  \
	"op.full_name, d.assessment, d.assessed_at, d.typical, d.citation, d.typical_on, d.late, d.active, d.version, "        \
	"d.created_at, d.updated_at, (SELECT count(*) FROM model_replications x WHERE x.model_id = d.id), "                  \
	"(SELECT count(*) FROM model_reports p WHERE p.model_id = d.id) "
#define MD_FROM                                                                                                      \
	" FROM models d JOIN movements mv ON mv.id = d.movement_id JOIN units au ON au.id = mv.authority_id "           \
	"JOIN units u ON u.id = d.unit_id LEFT JOIN units ou ON ou.id = d.owner_unit_id LEFT JOIN people op ON op.id = d.owner_person_id "

static void read_model(struct stmt *st, struct arena *a, struct model *d)
{
	memset(d, 0, sizeof *d);
	int c = 0;
	d->id = db_int(st, c++);
	d->movement_id = db_int(st, c++);
	d->registration_id = db_int(st, c++);
	d->unit_id = db_int(st, c++);
	d->movement_code = arena_strdup(a, db_text(st, c++));
	d->movement_title = arena_strdup(a, db_text(st, c++));
	d->movement_status = arena_strdup(a, db_text(st, c++));
	d->authority_path = arena_strdup(a, db_text(st, c++));
	d->unit_code = arena_strdup(a, db_text(st, c++));
	d->unit_name = arena_strdup(a, db_text(st, c++));
	d->unit_path = arena_strdup(a, db_text(st, c++));
	d->code = arena_strdup(a, db_text(st, c++));
	d->title = arena_strdup(a, db_text(st, c++));
	d->field = arena_strdup(a, db_text(st, c++));
	d->description = arena_strdup(a, db_text(st, c++));
	d->started_on = arena_strdup(a, db_text(st, c++));
	d->status = arena_strdup(a, db_text(st, c++));
	d->owner_unit_id = db_int(st, c++);
	d->owner_unit_name = arena_strdup(a, db_text(st, c++));
	d->owner_person_id = db_int(st, c++);
	d->owner_person_name = arena_strdup(a, db_text(st, c++));
	d->assessment = arena_strdup(a, db_text(st, c++));
	d->assessed_at = arena_strdup(a, db_text(st, c++));
	d->typical = (int)db_int(st, c++);
	d->citation = arena_strdup(a, db_text(st, c++));
	d->typical_on = arena_strdup(a, db_text(st, c++));
	d->late = (int)db_int(st, c++);
	d->active = (int)db_int(st, c++);
	d->version = db_int(st, c++);
	d->created_at = arena_strdup(a, db_text(st, c++));
	d->updated_at = arena_strdup(a, db_text(st, c++));
	d->replications = db_int(st, c++);
	d->reports = db_int(st, c++);
}

/* the achieved values (and plans) of a model, one entry per metric having either */
static void load_values(struct db *db, struct arena *a, struct model *d)
{
	d->values = arena_alloc(a, sizeof *d->values * MV_MAX_METRICS);
	d->nvalues = 0;
	struct stmt *st = db_query(db,
				   "SELECT mt.id, v.value, p.value FROM movement_metrics mt "
				   "LEFT JOIN model_values v ON v.metric_id = mt.id AND v.model_id = $1 "
				   "LEFT JOIN model_plans p ON p.metric_id = mt.id AND p.model_id = $1 "
				   "WHERE mt.movement_id = $2 AND (v.value IS NOT NULL OR p.value IS NOT NULL) ORDER BY mt.position, mt.id",
				   "ii", d->id, d->movement_id);
	while (st && db_step(st) == DB_ROW && d->nvalues < MV_MAX_METRICS) {
		struct model_value *v = &d->values[d->nvalues++];
		v->metric_id = db_int(st, 0);
		v->has_value = !db_isnull(st, 1);
		v->value = db_double(st, 1);
		v->has_plan = !db_isnull(st, 2);
		v->planned = db_double(st, 2);
	}
	db_done(st);
}

static const char *metric_code(const struct movement *m, int64_t id)
{
	for (int k = 0; m && k < m->nmetrics; k++)
		if (m->metrics[k].id == id) return m->metrics[k].code;
	return NULL;
}

void model_json(struct jw *w, const struct model *d, const struct movement *m)
{
	jw_obj(w);
	jw_kint(w, "id", d->id);
	jw_kint(w, "movement_id", d->movement_id);
	jw_kstr(w, "movement_code", d->movement_code);
	jw_kint(w, "registration_id", d->registration_id);
	jw_kint(w, "unit_id", d->unit_id);
	jw_kstr(w, "unit_code", d->unit_code);
	jw_kstr(w, "unit_name", d->unit_name);
	jw_kstr(w, "code", d->code);
	jw_kstr(w, "title", d->title);
	jw_kstr(w, "field", d->field);
	jw_kstr(w, "description", d->description);
	jw_kstr(w, "started_on", d->started_on);
	jw_key(w, "owner_unit_id");
	if (d->owner_unit_id) jw_int(w, d->owner_unit_id);
	else jw_null(w);
	jw_kstr(w, "owner_unit_name", d->owner_unit_name);
	jw_key(w, "owner_person_id");
	if (d->owner_person_id) jw_int(w, d->owner_person_id);
	else jw_null(w);
	jw_kstr(w, "owner_person_name", d->owner_person_name);
	jw_kstr(w, "status", d->status);
	jw_kstr(w, "assessment", d->assessment);
	jw_kstr(w, "assessed_at", d->assessed_at);
	jw_kbool(w, "typical", d->typical);
	jw_kstr(w, "citation", d->citation);
	jw_kstr(w, "typical_on", d->typical_on);
	jw_kbool(w, "late", d->late);
	jw_kbool(w, "active", d->active);
	jw_kint(w, "reports", d->reports);
	jw_kint(w, "replications", d->replications);
	if (d->values) {
		jw_key(w, "results");
		jw_obj(w);
		for (int i = 0; i < d->nvalues; i++) {
			const char *code = metric_code(m, d->values[i].metric_id);
			if (code && d->values[i].has_value) { jw_key(w, code); jw_num(w, d->values[i].value); }
		}
		jw_obj_end(w);
		jw_key(w, "plans");
		jw_obj(w);
		for (int i = 0; i < d->nvalues; i++) {
			const char *code = metric_code(m, d->values[i].metric_id);
			if (code && d->values[i].has_plan) { jw_key(w, code); jw_num(w, d->values[i].planned); }
		}
		jw_obj_end(w);
	}
	jw_kint(w, "version", d->version);
	jw_kstr(w, "created_at", d->created_at);
	jw_kstr(w, "updated_at", d->updated_at);
	jw_obj_end(w);
}

int models_list(struct db *db, struct arena *a, const struct model_query *q, struct model **items, int *n, int64_t *total)
{
	static const char *const keys[] = { "title", "code", "unit", "field", "status", "updated_at", NULL };
	/* titles and unit names in Vietnamese order (sort keys, migration 009) */
	static const char *const cols[] = { "d.sort_key", "d.code", "u.sort_key", "d.field_code", "d.status", "d.updated_at", NULL };
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* $1 movement, $2 unit, $3/$4 subtree, $5 field, $6 status, $7 search, $8.. ranges */
	buf_raw(&where, " WHERE d.active = 1");
	if (q->movement_id > 0) buf_raw(&where, " AND d.movement_id = $1");
	if (q->unit > 0) buf_raw(&where, " AND d.unit_id = $2");
	char lo[UNIT_PATH_MAX] = "", hi[UNIT_PATH_MAX] = "";
	if (q->under > 0) {
		if (units_subtree(db, q->under, lo, hi, sizeof lo) != E_OK) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
		buf_raw(&where, " AND u.path >= $3 AND u.path < $4");
	}
	if (q->field && *q->field) buf_raw(&where, " AND d.field_code = $5");
	if (q->status && *q->status) buf_raw(&where, " AND d.status = $6");
	char *pat = NULL;
	if (q->q && *q->q) {
		pat = like_pattern(a, q->q);
		buf_raw(&where, " AND d.search LIKE $7 ESCAPE '\\'");
	}
	if (q->typical == 1 || q->public_only) buf_raw(&where, " AND d.typical = 1");
	if (q->public_only) buf_raw(&where, " AND mv.status <> 'draft'");
	char rhi[MV_MAX_RANGES][UNIT_PATH_MAX];
	int nr = q->nranges > 0 ? q->nranges : 0;
	if (q->nranges >= 0 && !q->public_only) {
		scope_ranges_sql(&where, "1 = 0", "u.path", "au.path", 8, q->range_lo, nr, rhi);
	} else {
		nr = 0;
	}
	int np = 8 + 2 * nr, rc = E_OK;
	for (int pass = 0; pass < 2 && rc == E_OK; pass++) {
		buf_reset(&sql);
		if (pass == 0) {
			/* the count joins only what the filters read: on a movement of
			** 100 000 models the joins of the page cost 50 times the count */
			int need_mv = q->public_only || nr > 0;
			int need_u = q->under > 0 || nr > 0;
			buf_printf(&sql, "SELECT count(*) FROM models d%s%s%s", need_mv ? " JOIN movements mv ON mv.id = d.movement_id" : "",
				   nr > 0 ? " JOIN units au ON au.id = mv.authority_id" : "", need_u ? " JOIN units u ON u.id = d.unit_id" : "");
			buf_raw(&sql, buf_cstr(&where));
		} else {
			buf_printf(&sql, "SELECT " MD_COLS MD_FROM "%s", buf_cstr(&where));
			db_order_by(&sql, q->sort, keys, cols, "d.movement_id, d.code");
			buf_printf(&sql, " LIMIT $%d OFFSET $%d", np, np + 1);
		}
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) { rc = E_DB; break; }
		db_bind_int(st, 1, q->movement_id);
		db_bind_int(st, 2, q->unit);
		db_bind_text(st, 3, lo);
		db_bind_text(st, 4, hi);
		db_bind_text(st, 5, q->field);
		db_bind_text(st, 6, q->status);
		db_bind_text(st, 7, pat);
		scope_ranges_bind(st, 8, q->range_lo, nr, rhi);
		if (pass == 0) {
			*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
			db_done(st);
		} else {
			db_bind_int(st, np, q->limit);
			db_bind_int(st, np + 1, q->offset);
			int cap = (int)(q->limit > 0 ? q->limit : 1);
			*items = arena_alloc(a, sizeof(struct model) * (size_t)cap);
			*n = 0;
			while (*n < cap && db_step(st) == DB_ROW) read_model(st, a, &(*items)[(*n)++]);
			db_done(st);
			for (int i = 0; q->with_values && i < *n; i++) load_values(db, a, &(*items)[i]);
		}
	}
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

int models_get(struct db *db, struct arena *a, int64_t id, struct model **out)
{
	struct stmt *st = db_query(db, "SELECT " MD_COLS MD_FROM " WHERE d.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct model *d = arena_alloc(a, sizeof *d);
	read_model(st, a, d);
	db_done(st);
	load_values(db, a, d);
	*out = d;
	return E_OK;
}

int models_find_code(struct db *db, int64_t movement_id, const char *code, int64_t *id)
{
	int rc = db_int1(db, id, "SELECT id FROM models WHERE movement_id = $1 AND code = $2", "it", movement_id, code);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int model_readable(struct db *db, const struct user *who, const struct model *d)
{
	(void)db;
	return mv_may(who, PERM_READ, d->unit_path) || mv_may(who, PERM_READ, d->authority_path);
}

static int model_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct model *d;
	struct movement *m;
	int rc = models_get(db, a, id, &d);
	if (rc == E_OK) rc = movements_get_plain(db, a, d->movement_id, &m);
	if (rc == E_OK) model_json(w, d, m);
	return rc;
}

/* the owner must be the registering unit's own or below it */
static void check_owner(struct db *db, const char *unit_path, int64_t owner_unit, int64_t owner_person, struct field_errors *fe)
{
	if (owner_unit > 0) {
		char p[UNIT_PATH_MAX];
		int ok = units_path(db, owner_unit, p, sizeof p) == E_OK && strncmp(p, unit_path, strlen(unit_path)) == 0;
		if (!ok) fe_add(fe, "owner_unit_id", N_("Must be the unit or a unit below it"));
	}
	if (owner_person > 0) {
		struct stmt *st = db_query(db, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", owner_person);
		int ok = st && db_step(st) == DB_ROW && strncmp(db_text(st, 0), unit_path, strlen(unit_path)) == 0;
		db_done(st);
		if (!ok) fe_add(fe, "owner_person_id", N_("Must be a person of the unit or of a unit below it"));
	}
}

static void check_model_text(const struct model_in *in, int creating, struct field_errors *fe)
{
	if (in->code && *in->code && (!code_valid(in->code) || strlen(in->code) > MV_CODE_MAX))
		fe_add(fe, "code", N_("Use letters, digits, '-', '_' or '.' (at most 40)"));
	if (creating || in->title) {
		if (!in->title || !*in->title) fe_add(fe, "title", N_("Is required"));
		else if (strlen(in->title) > MV_TITLE_MAX) fe_add(fe, "title", N_("Is too long"));
	}
	if (in->description && strlen(in->description) > MV_TEXT_MAX) fe_add(fe, "description", N_("Is too long"));
	if (in->started_on && *in->started_on && !date_valid(in->started_on)) fe_add(fe, "started_on", N_("Is not a date (YYYY-MM-DD)"));
	if (in->registered_on && !date_valid(in->registered_on)) fe_add(fe, "registered_on", N_("Is not a date (YYYY-MM-DD)"));
}

static int write_plans(struct db *db, int64_t id, const struct movement *m, const struct model_in *in)
{
	if (!in->set_plans) return E_OK;
	if (db_exec(db, "DELETE FROM model_plans WHERE model_id = $1", "i", id) != DB_OK) return E_DB;
	for (int i = 0; i < in->nplans; i++)
		if (db_exec(db, "INSERT INTO model_plans (model_id, metric_id, value) VALUES ($1, $2, $3)", "iid", id,
			    movement_metric(m, in->plans[i].metric)->id, in->plans[i].value) != DB_OK)
			return E_DB;
	return E_OK;
}

/* The checks of a new model (text, registration, field, owner, stage,
** deadline) without writing it: E_OK with its registration and lateness. */
static int check_new(struct db *db, struct arena *a, const struct user *who, const struct movement *m, const struct model_in *in,
		     struct field_errors *fe, int64_t *reg_out, int *late_out)
{
	struct registration *g = NULL;
	int rc;
	int64_t movement_id = m->id;
	if (!movement_readable(who, m)) return E_NOTFOUND;
	check_model_text(in, 1, fe);
	int64_t reg_id = 0;
	if (in->unit_id <= 0 || registrations_find(db, movement_id, in->unit_id, &reg_id) != E_OK ||
	    registrations_get_plain(db, a, reg_id, &g) != E_OK || !g->active)
		fe_add(fe, "unit_id", N_("The unit has not registered for this movement"));
	if (!in->field || !movement_field_valid(m, in->field)) fe_add(fe, "field", N_("Is not a field of this movement"));
	if (g) check_owner(db, g->unit_path, in->owner_unit_id, in->owner_person_id, fe);
	if (in->set_plans) mv_check_values(m, in->plans, in->plan_keys, in->nplans, "plans", fe);
	if (fe->n) {
		/* someone outside the unit learns nothing about its registration */
		return g && !mv_may(who, PERM_MOVEMENT_REPORT, g->unit_path) && !movement_manageable(who, m) ? E_FORBIDDEN : E_INVALID;
	}
	if (m->stage != MV_LAUNCHED) {
		fe_add(fe, "status", N_("New models can be registered only while the movement is launched"));
		return E_STATE;
	}
	int late = 0;
	rc = mv_check_deadline(who, m, g->unit_path, in->registered_on, &late, fe);
	if (rc != E_OK) return rc;
	*reg_out = reg_id;
	*late_out = late;
	return E_OK;
}

int models_create(struct db *db, const struct user *who, int64_t movement_id, const struct model_in *in, struct field_errors *fe,
		  int64_t *id)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct movement *m;
	int rc = movements_get_plain(db, &a, movement_id, &m);
	if (rc != E_OK) goto out;
	int64_t reg_id = 0;
	int late = 0;
	rc = check_new(db, &a, who, m, in, fe, &reg_id, &late);
	if (rc != E_OK) goto out;
	char now[21], tmp[40];
	now_iso(now);
	random_token(tmp, 12);
	const char *code = in->code && *in->code ? in->code : tmp;
	char *key = mv_search_key(in->title, in->code && *in->code ? in->code : "");
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, in->title);
	rc = E_DB;
	struct stmt *st = db_query(db,
				   "INSERT INTO models (movement_id, registration_id, unit_id, code, title, search, field_code, owner_unit_id, "
				   "owner_person_id, description, started_on, late, created_by, created_at, updated_at, sort_key) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) "
				   "ON CONFLICT (movement_id, code) DO NOTHING RETURNING id",
				   "iiitttt" "IItt" "iIt" "b", movement_id, reg_id, in->unit_id, code, in->title, key, in->field, in->owner_unit_id,
				   in->owner_person_id, in->description && *in->description ? in->description : NULL,
				   in->started_on && *in->started_on ? in->started_on : NULL, (int64_t)late, who->id, now,
				   (const void *)sort.p, sort.len);
	free(key);
	buf_free(&sort);
	int64_t newid = 0;
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) newid = db_int(st, 0);
	db_done(st);
	if (s == DB_DONE) { fe_add(fe, "code", N_("Another model of this movement already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	if (code == tmp) {
		/* a model entered without a code is known by its number */
		char gen[32];
		snprintf(gen, sizeof gen, "M%lld", (long long)newid);
		char *k2 = mv_search_key(in->title, gen);
		int urc = db_exec(db, "UPDATE models SET code = $1, search = $2 WHERE id = $3", "tti", gen, k2, newid);
		free(k2);
		if (urc != DB_OK) goto out;
	}
	if (write_plans(db, newid, m, in) != E_OK) goto out;
	char note[160];
	snprintf(note, sizeof note, "registered after the deadline of %s by an officer on the unit's behalf", m->register_by);
	if (audit_change(db, who, N_("create"), "model", newid, NULL, model_snapshot, late ? note : NULL) != E_OK) goto out;
	rc = E_OK;
	*id = newid;
out:
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* Loads the model and its movement for a change; checks who may change it at
** this stage. `organiser_only`: assessments, typical examples, replication. */
static int load_for_change(struct db *db, struct arena *a, const struct user *who, int64_t id, int organiser_only, struct model **d,
			   struct movement **m, struct field_errors *fe)
{
	int rc = models_get(db, a, id, d);
	if (rc != E_OK) return rc;
	if (!model_readable(db, who, *d)) return E_NOTFOUND;
	if ((rc = movements_get_plain(db, a, (*d)->movement_id, m)) != E_OK) return rc;
	int manager = movement_manageable(who, *m);
	if (organiser_only && !manager) return E_FORBIDDEN;
	if (!manager && !mv_may(who, PERM_MOVEMENT_REPORT, (*d)->unit_path)) return E_FORBIDDEN;
	if ((*m)->stage == MV_CLOSED) {
		fe_add(fe, "status", N_("A closed movement cannot be changed"));
		return E_STATE;
	}
	return E_OK;
}

int models_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct model_in *in,
		  struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	char *before = NULL;
	int rc = load_for_change(db, &a, who, id, 0, &d, &m, fe);
	if (rc != E_OK) goto out;
	if (d->version != version) { rc = E_CONFLICT; goto out; }
	if (!movement_manageable(who, m) && (m->stage != MV_LAUNCHED || strcmp(d->status, "registered") != 0)) {
		fe_add(fe, "status", N_("The model has been assessed or is under review; only the organiser can change it now"));
		rc = E_STATE;
		goto out;
	}
	check_model_text(in, 0, fe);
	if (in->field && !movement_field_valid(m, in->field)) fe_add(fe, "field", N_("Is not a field of this movement"));
	check_owner(db, d->unit_path, in->owner_unit_id, in->owner_person_id, fe);
	if (in->set_plans) mv_check_values(m, in->plans, in->plan_keys, in->nplans, "plans", fe);
	if (fe->n) { rc = E_INVALID; goto out; }
	before = audit_snapshot(db, id, model_snapshot);
	char now[21];
	now_iso(now);
	const char *code = in->code && *in->code ? in->code : d->code, *title = in->title ? in->title : d->title;
	char *key = mv_search_key(title, code);
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, title);
	rc = E_DB;
	struct stmt *st = db_query(db,
				   "UPDATE models SET code = $1, title = $2, search = $3, field_code = $4, owner_unit_id = $5, owner_person_id = $6, "
				   "description = $7, started_on = $8, active = $9, version = version + 1, updated_at = $10, sort_key = $13 "
				   "WHERE id = $11 AND version = $12",
				   "ttttIIttitii" "b", code, title, key, in->field ? in->field : d->field,
				   in->owner_unit_id >= 0 ? in->owner_unit_id : d->owner_unit_id,
				   in->owner_person_id >= 0 ? in->owner_person_id : d->owner_person_id,
				   in->description ? (*in->description ? in->description : NULL) : d->description,
				   in->started_on ? (*in->started_on ? in->started_on : NULL) : d->started_on,
				   (int64_t)(in->active >= 0 ? in->active : d->active), now, id, version, (const void *)sort.p, sort.len);
	free(key);
	buf_free(&sort);
	if (!st) goto out;
	int s = db_step(st);
	db_done(st);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another model of this movement already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_DONE) goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	if (write_plans(db, id, m, in) != E_OK) goto out;
	if (audit_change(db, who, in->active == 0 && d->active ? N_("withdraw") : N_("update"), "model", id, before, model_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- a background import: models staged, then published at once ---- */

int models_stage(struct db *db, const struct user *who, const struct movement *m, int64_t key, int line, const struct model_in *in,
		 int64_t model_id, int64_t version, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int64_t reg_id = 0;
	int late = 0, rc = E_OK;
	if (!model_id) rc = check_new(db, &a, who, m, in, fe, &reg_id, &late);
	else {
		check_model_text(in, 0, fe);
		rc = fe->n ? E_INVALID : E_OK;
	}
	/* staged rows are written only in their batch's transaction: where it
	** was lost with its connection, a row written now would commit on its
	** own (autocommit) beside the run that took the job over */
	if (rc == E_OK && !db_in_tx(db)) rc = E_BUSY;
	if (rc == E_OK) {
		char *search = mv_search_key(in->title, in->code);
		struct buf sort;
		buf_init(&sort);
		collate_key(&sort, in->title);
		int s = db_exec(db,
				"INSERT INTO model_staging (job_id, line, model_id, version, movement_id, registration_id, unit_id, code, title, "
				"search, field_code, owner_unit_id, description, started_on, late, sort_key) "
				"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
				"ON CONFLICT (job_id, code) DO UPDATE SET line = excluded.line, title = excluded.title, search = excluded.search, "
				"field_code = excluded.field_code, owner_unit_id = excluded.owner_unit_id, description = excluded.description, "
				"started_on = excluded.started_on, sort_key = excluded.sort_key",
				"iiIIiIit" "tttItti" "b", key, (int64_t)line, model_id, version, m->id, reg_id, in->unit_id, in->code, in->title, search,
				in->field, in->owner_unit_id, in->description && *in->description ? in->description : NULL,
				in->started_on && *in->started_on ? in->started_on : NULL, (int64_t)late, (const void *)sort.p, sort.len);
		free(search);
		buf_free(&sort);
		rc = s == DB_OK ? E_OK : s == DB_BUSY ? E_BUSY : E_DB;
	}
	arena_free(&a);
	return rc;
}

/* one row of model_staging or models read as a struct model_staged */
static int read_staged(struct stmt *st, struct arena *a, struct model_staged *out)
{
	if (!st) return E_DB;
	int s = db_step(st);
	if (s == DB_ROW) {
		*out = (struct model_staged){
			.unit_id = db_int(st, 0),
			.title = arena_strdup(a, db_text(st, 1)),
			.field = arena_strdup(a, db_text(st, 2)),
			.description = db_text(st, 3) ? arena_strdup(a, db_text(st, 3)) : NULL,
			.started_on = db_text(st, 4) ? arena_strdup(a, db_text(st, 4)) : NULL,
			.owner_unit_id = db_int(st, 5),
			.model_id = db_int(st, 6),
			.version = db_int(st, 7),
		};
	}
	db_done(st);
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

int models_staged_find(struct db *db, struct arena *a, int64_t key, const char *code, struct model_staged *out)
{
	return read_staged(db_query(db,
				    "SELECT unit_id, title, field_code, description, started_on, owner_unit_id, model_id, version FROM model_staging "
				    "WHERE job_id = $1 AND code = $2",
				    "it", key, code),
			   a, out);
}

int models_stored_find(struct db *db, struct arena *a, int64_t movement_id, const char *code, struct model_staged *out)
{
	return read_staged(db_query(db,
				    "SELECT unit_id, title, field_code, description, started_on, owner_unit_id, id, version FROM models "
				    "WHERE movement_id = $1 AND code = $2",
				    "it", movement_id, code),
			   a, out);
}

/* a line refused when the import is published, in the requester's language
** lang; the message names what is wrong, so no internal field name is shown */
static void staged_error(FILE *errors, const char *lang, int line, const struct field_errors *fe, int rc)
{
	const char *msg = fe->n ? fe->msg[0]
			  : rc == E_FORBIDDEN ? N_("outside the units you may change")
			  : rc == E_NOTFOUND ? N_("no such record")
			  : rc == E_CONFLICT ? N_("the model was changed by someone else meanwhile")
					     : N_("could not be stored");
	fprintf(errors, T("line %d: %s"), line, T(msg));
	fputc('\n', errors);
}

/* the lines a query names (column 0), as errors with one reason */
static int staged_lines(struct db *db, FILE *errors, const char *lang, const char *msg, const char *sql, int64_t key, int64_t movement_id)
{
	int n = 0;
	struct stmt *st = db_query(db, sql, "ii", key, movement_id);
	while (st && db_step(st) == DB_ROW) {
		fprintf(errors, T("line %d: %s"), (int)db_int(st, 0), T(msg));
		fputc('\n', errors);
		n++;
	}
	db_done(st);
	return n;
}

int models_publish_staged(struct db *db, const struct user *who, int64_t movement_id, int64_t key, const char *lang, FILE *errors, int *rejected)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct movement *m;
	int64_t ncreate = 0;
	rc = movements_get_plain(db, &a, movement_id, &m);
	if (rc == E_OK && db_int1(db, &ncreate, "SELECT count(*) FROM model_staging WHERE job_id = $1 AND model_id IS NULL", "i", key) != DB_ROW) rc = E_DB;
	if (rc == E_OK && ncreate > 0) {
		/* what may have changed since the lines were checked */
		int bad = 0;
		if (m->stage != MV_LAUNCHED)
			bad += staged_lines(db, errors, lang, N_("New models can be registered only while the movement is launched"),
					    "SELECT min(line) FROM model_staging WHERE job_id = $1 AND movement_id = $2 AND model_id IS NULL", key, movement_id);
		else {
			bad += staged_lines(db, errors, lang, N_("The unit has not registered for this movement"),
					    "SELECT s.line FROM model_staging s JOIN registrations g ON g.id = s.registration_id "
					    "WHERE s.job_id = $1 AND s.movement_id = $2 AND s.model_id IS NULL AND g.active = 0 ORDER BY s.line",
					    key, movement_id);
			bad += staged_lines(db, errors, lang, N_("Another model of this movement already has this code"),
					    "SELECT s.line FROM model_staging s JOIN models d ON d.movement_id = $2 AND d.code = s.code "
					    "WHERE s.job_id = $1 AND s.model_id IS NULL ORDER BY s.line",
					    key, movement_id);
		}
		if (bad) { *rejected += bad; rc = E_INVALID; }
	}
	char now[21];
	now_iso(now);
	if (rc == E_OK && ncreate > 0) {
		/* every new model at once, then its audit row on one chain: the new
		** rows are those above the largest id before (rowids only grow), read
		** back by one statement */
		int64_t lo = 0;
		if (db_int1(db, &lo, "SELECT COALESCE(max(id), 0) FROM models", "") != DB_ROW) rc = E_DB;
		if (rc == E_OK && db_exec(db,
			    "INSERT INTO models (movement_id, registration_id, unit_id, code, title, search, field_code, owner_unit_id, "
			    "description, started_on, late, created_by, created_at, updated_at, sort_key) "
			    "SELECT movement_id, registration_id, unit_id, code, title, search, field_code, owner_unit_id, description, started_on, "
			    "late, $2, $3, $3, sort_key FROM model_staging WHERE job_id = $1 AND model_id IS NULL ORDER BY line",
			    "iIt", key, who->id, now) != DB_OK)
			rc = E_DB;
		struct audit_chain c;
		if (rc == E_OK && audit_chain_open(db, &c) != E_OK) rc = E_DB;
		if (rc == E_OK) {
			char note[160];
			snprintf(note, sizeof note, "registered after the deadline of %s by an officer on the unit's behalf", m->register_by);
			struct stmt *st = db_query(db, "SELECT " MD_COLS MD_FROM " WHERE d.movement_id = $1 AND d.id > $2 ORDER BY d.id", "ii", movement_id, lo);
			struct buf b;
			buf_init(&b);
			int64_t n = 0;
			while (rc == E_OK && st && db_step(st) == DB_ROW) {
				struct arena ra;
				arena_init(&ra);
				struct model d;
				read_model(st, &ra, &d);
				/* a new model has no results or plans yet */
				d.values = arena_alloc(&ra, sizeof *d.values);
				d.nvalues = 0;
				b.len = 0;
				struct jw w;
				jw_init(&w, &b);
				model_json(&w, &d, m);
				if (audit_chain_add(&c, who, N_("create"), "model", d.id, NULL, buf_cstr(&b), d.late ? note : NULL) != E_OK) rc = E_DB;
				arena_free(&ra);
				n++;
			}
			if (!st) rc = E_DB;
			db_done(st);
			buf_free(&b);
			if (rc == E_OK && n != ncreate) rc = E_DB;
			if (audit_chain_close(&c) != E_OK && rc == E_OK) rc = E_DB;
		}
	}
	if (rc == E_OK) {
		/* changes to existing models, each checked again now */
		struct stmt *st = db_query(db,
					   "SELECT line, model_id, version, code, title, field_code, description, started_on, owner_unit_id FROM model_staging "
					   "WHERE job_id = $1 AND model_id IS NOT NULL ORDER BY line",
					   "i", key);
		if (!st) rc = E_DB;
		while (st && (rc == E_OK || rc == E_INVALID) && db_step(st) == DB_ROW) {
			struct arena ra;
			arena_init(&ra);
			int line = (int)db_int(st, 0);
			struct model_in in = { .code = arena_strdup(&ra, db_text(st, 3)), .title = arena_strdup(&ra, db_text(st, 4)),
					       .field = arena_strdup(&ra, db_text(st, 5)),
					       .description = arena_strdup(&ra, db_text(st, 6) ? db_text(st, 6) : ""),
					       .started_on = arena_strdup(&ra, db_text(st, 7) ? db_text(st, 7) : ""), .owner_unit_id = db_int(st, 8),
					       .owner_person_id = -1, .active = -1 };
			struct field_errors fe = { 0 };
			int r = models_update(db, who, db_int(st, 1), db_int(st, 2), &in, &fe);
			if (r == E_DB || r == E_BUSY) rc = r;
			else if (r != E_OK) { staged_error(errors, lang, line, &fe, r); (*rejected)++; rc = E_INVALID; }
			arena_free(&ra);
		}
		db_done(st);
	}
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* Deletes the staged rows of an import in short transactions (a failed
** import of many lines must not hold the database either): each takes the
** next UNSTAGE_BATCH rows as a range of the primary key, its end read first.
** "col IN (SELECT col ... LIMIT n)" did it in one statement, but PostgreSQL's
** generic plan of it (the table empty when first planned) compared every row
** with every other: 1.5 s for 10 000 lines, with the writers' lock held, so
** a write at the same time got 503. The key's column is text (a code) or,
** with `number`, an integer (a group). */
#define UNSTAGE_BATCH 5000
static int unstage(struct db *db, const char *table, const char *col, int number, int64_t key)
{
	char last_sql[160], range_sql[128], all_sql[96];
	snprintf(last_sql, sizeof last_sql, "SELECT %s FROM %s WHERE job_id = $1 ORDER BY %s LIMIT 1 OFFSET %d", col, table, col,
		 UNSTAGE_BATCH - 1);
	snprintf(range_sql, sizeof range_sql, "DELETE FROM %s WHERE job_id = $1 AND %s <= $2", table, col);
	snprintf(all_sql, sizeof all_sql, "DELETE FROM %s WHERE job_id = $1", table);
	for (int more = 1; more;) {
		int rc = db_tx_begin(db);
		char *last = NULL;
		int64_t last_n = 0;
		more = 0;
		if (rc == E_OK) {
			struct stmt *st = db_query(db, last_sql, "i", key);
			int s = st ? db_step(st) : DB_ERR;
			if (s == DB_ROW) {
				more = 1;
				if (number) last_n = db_int(st, 0);
				else if (!(last = strdup(db_text(st, 0)))) s = DB_ERR;
			}
			db_done(st);
			if (s != DB_ROW && s != DB_DONE) rc = E_DB;
		}
		/* fewer rows than a batch left: the last statement deletes them all */
		if (rc == E_OK && (!more ? db_exec(db, all_sql, "i", key)
				   : number ? db_exec(db, range_sql, "ii", key, last_n) : db_exec(db, range_sql, "it", key, last)) != DB_OK)
			rc = E_DB;
		free(last);
		rc = db_tx_end(db, rc);
		if (rc != E_OK) return rc;
	}
	return E_OK;
}

int models_unstage(struct db *db, int64_t key) { return unstage(db, "model_staging", "code", 0, key); }

int models_assess(struct db *db, const struct user *who, int64_t id, int64_t version, const char *status, const char *comment,
		  struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	char *before = NULL;
	int rc = load_for_change(db, &a, who, id, 1, &d, &m, fe);
	if (rc != E_OK) goto out;
	if (d->version != version) { rc = E_CONFLICT; goto out; }
	if (!status || (strcmp(status, "effective") != 0 && strcmp(status, "not_effective") != 0 && strcmp(status, "registered") != 0))
		fe_add(fe, "status", N_("Must be effective, not_effective or registered"));
	else if (strcmp(status, "effective") != 0 && d->typical)
		fe_add(fe, "status", N_("A typical example must stay effective; remove it from the typical examples first"));
	if (comment && strlen(comment) > MV_TEXT_MAX) fe_add(fe, "assessment", N_("Is too long"));
	if (fe->n) { rc = E_INVALID; goto out; }
	before = audit_snapshot(db, id, model_snapshot);
	char now[21];
	now_iso(now);
	int undo = strcmp(status, "registered") == 0;
	rc = E_DB;
	if (db_exec(db,
		    "UPDATE models SET status = $1, assessment = $2, assessed_by = $3, assessed_at = $4, version = version + 1, updated_at = $5 "
		    "WHERE id = $6 AND version = $7",
		    "ttItt" "ii", status, undo ? NULL : (comment && *comment ? comment : NULL), undo ? 0 : who->id,
		    undo ? NULL : now, now, id, version) != DB_OK)
		goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	if (audit_change(db, who, N_("assess"), "model", id, before, model_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int models_set_typical(struct db *db, const struct user *who, int64_t id, int64_t version, int typical, const char *citation,
		       const char *on, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	char *before = NULL;
	int rc = load_for_change(db, &a, who, id, 1, &d, &m, fe);
	if (rc != E_OK) goto out;
	if (d->version != version) { rc = E_CONFLICT; goto out; }
	if (typical) {
		if (strcmp(d->status, "effective") != 0) fe_add(fe, "typical", N_("Only a model recognised as effective can be a typical example"));
		if (!citation || !*citation) fe_add(fe, "citation", N_("Is required"));
		else if (strlen(citation) > MV_TEXT_MAX) fe_add(fe, "citation", N_("Is too long"));
		if (on && !date_valid(on)) fe_add(fe, "typical_on", N_("Is not a date (YYYY-MM-DD)"));
	}
	if (fe->n) { rc = E_INVALID; goto out; }
	before = audit_snapshot(db, id, model_snapshot);
	char now[21], today[11];
	now_iso(now);
	today_iso(today);
	rc = E_DB;
	if (db_exec(db, "UPDATE models SET typical = $1, citation = $2, typical_on = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
		    "itttii", (int64_t)(typical ? 1 : 0), typical ? citation : NULL, typical ? (on ? on : today) : NULL, now, id, version) != DB_OK)
		goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	if (audit_change(db, who, typical ? N_("name typical") : N_("remove typical"), "model", id, before, model_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- progress reports ---- */

void report_json(struct jw *w, const struct report *rp, const struct movement *m)
{
	jw_obj(w);
	jw_kint(w, "id", rp->id);
	jw_kint(w, "model_id", rp->model_id);
	jw_kstr(w, "reported_on", rp->reported_on);
	jw_kstr(w, "note", rp->note);
	jw_key(w, "results");
	jw_obj(w);
	for (int i = 0; i < rp->nvalues; i++) {
		const char *code = metric_code(m, rp->metric[i]);
		if (code) { jw_key(w, code); jw_num(w, rp->value[i]); }
	}
	jw_obj_end(w);
	jw_kstr(w, "created_by", rp->created_by);
	jw_kstr(w, "created_at", rp->created_at);
	jw_obj_end(w);
}

static void read_report_values(struct db *db, struct arena *a, struct report *rp)
{
	rp->metric = arena_alloc(a, sizeof(int64_t) * MV_MAX_METRICS);
	rp->value = arena_alloc(a, sizeof(double) * MV_MAX_METRICS);
	struct stmt *st = db_query(db,
				   "SELECT r.metric_id, r.value FROM model_results r JOIN movement_metrics mt ON mt.id = r.metric_id "
				   "WHERE r.report_id = $1 ORDER BY mt.position, mt.id", "i", rp->id);
	while (st && db_step(st) == DB_ROW && rp->nvalues < MV_MAX_METRICS) {
		rp->metric[rp->nvalues] = db_int(st, 0);
		rp->value[rp->nvalues] = db_double(st, 1);
		rp->nvalues++;
	}
	db_done(st);
}

#define RP_COLS "p.id, p.model_id, p.reported_on, p.note, p.created_at, us.login FROM model_reports p LEFT JOIN users us ON us.id = p.created_by "

static void read_report(struct stmt *st, struct arena *a, struct report *rp)
{
	memset(rp, 0, sizeof *rp);
	rp->id = db_int(st, 0);
	rp->model_id = db_int(st, 1);
	rp->reported_on = arena_strdup(a, db_text(st, 2));
	rp->note = arena_strdup(a, db_text(st, 3));
	rp->created_at = arena_strdup(a, db_text(st, 4));
	rp->created_by = arena_strdup(a, db_text(st, 5));
}

int reports_list(struct db *db, struct arena *a, int64_t model_id, struct report **items, int *n)
{
	int64_t count = 0;
	db_int1(db, &count, "SELECT count(*) FROM model_reports WHERE model_id = $1", "i", model_id);
	*items = arena_alloc(a, sizeof(struct report) * (size_t)(count + 1));
	*n = 0;
	struct stmt *st = db_query(db, "SELECT " RP_COLS "WHERE p.model_id = $1 ORDER BY p.reported_on, p.id", "i", model_id);
	while (st && db_step(st) == DB_ROW && *n < count) read_report(st, a, &(*items)[(*n)++]);
	db_done(st);
	for (int i = 0; i < *n; i++) read_report_values(db, a, &(*items)[i]);
	return st ? E_OK : E_DB;
}

int reports_get(struct db *db, struct arena *a, int64_t id, struct report **out)
{
	struct stmt *st = db_query(db, "SELECT " RP_COLS "WHERE p.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct report *rp = arena_alloc(a, sizeof *rp);
	read_report(st, a, rp);
	db_done(st);
	read_report_values(db, a, rp);
	*out = rp;
	return E_OK;
}

/* The checks of a new report: who may report on the model at this stage, the
** date, the note, the values and their ranges (an amount's standing value
** plus `staged_key`'s staged amounts of the model, when > 0 or < 0, stays in
** range). E_OK with the movement in *mo. */
static int report_check(struct db *db, struct arena *a, const struct user *who, int64_t model_id, const struct report_in *in, int64_t staged_key,
			struct field_errors *fe, struct movement **mo)
{
	struct model *d;
	struct movement *m;
	int rc = load_for_change(db, a, who, model_id, 0, &d, &m, fe);
	if (rc != E_OK) return rc;
	if (!d->active) { fe_add(fe, "model", N_("The model was withdrawn")); return E_STATE; }
	char today[11];
	today_iso(today);
	if (!in->reported_on || !date_valid(in->reported_on)) fe_add(fe, "reported_on", N_("Is not a date (YYYY-MM-DD)"));
	else if (strcmp(in->reported_on, today) > 0) fe_add(fe, "reported_on", N_("Cannot be in the future"));
	/* a typo in the year (1999 for 2026) would put the results in another period of the dashboard */
	else if (d->started_on && *d->started_on && strcmp(in->reported_on, d->started_on) < 0)
		fe_add(fe, "reported_on", N_("Cannot be before the model started"));
	else if ((!d->started_on || !*d->started_on) && m->starts_on && strcmp(in->reported_on, m->starts_on) < 0)
		fe_add(fe, "reported_on", N_("Cannot be before the movement starts"));
	if (in->note && strlen(in->note) > MV_TEXT_MAX) fe_add(fe, "note", N_("Is too long"));
	if (in->nvalues <= 0) fe_add(fe, "results", N_("Give at least one result"));
	else if (mv_check_values(m, in->values, in->keys, in->nvalues, "results", fe) == E_OK) {
		/* an amount's standing value is a sum: it must stay in range too */
		for (int i = 0; i < in->nvalues; i++) {
			const struct metric *mt = movement_metric(m, in->values[i].metric);
			if (!mt || strcmp(mt->kind, "amount") != 0) continue;
			double cur = 0;
			struct stmt *st = db_query(db, "SELECT value FROM model_values WHERE model_id = $1 AND metric_id = $2", "ii", model_id, mt->id);
			if (st && db_step(st) == DB_ROW) cur = db_double(st, 0);
			db_done(st);
			if (staged_key) {
				st = db_query(db, "SELECT COALESCE(sum(value), 0) FROM report_staging WHERE job_id = $1 AND model_id = $2 AND metric_id = $3",
					      "iii", staged_key, model_id, mt->id);
				if (st && db_step(st) == DB_ROW) cur += db_double(st, 0);
				db_done(st);
			}
			if (cur + in->values[i].value > MV_AMOUNT_MAX) {
				fe_add(fe, "results", N_("The total of the model would pass 1,000,000,000,000,000"));
				break;
			}
		}
	}
	if (fe->n) return E_INVALID;
	*mo = m;
	return E_OK;
}

/* Writes a checked report: the report, its results, the model's standing
** values (amounts add up, a rate is its latest report) and the audit row. */
static int report_write(struct db *db, struct arena *a, const struct user *who, const struct movement *m, int64_t model_id,
			const struct report_in *in, int64_t *id)
{
	char now[21];
	now_iso(now);
	int64_t rid = 0;
	struct stmt *st = db_query(db, "INSERT INTO model_reports (model_id, reported_on, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
				   "ittIt", model_id, in->reported_on, in->note && *in->note ? in->note : NULL, who->id, now);
	if (st && db_step(st) == DB_ROW) rid = db_int(st, 0);
	db_done(st);
	if (!rid) return E_DB;
	for (int i = 0; i < in->nvalues; i++) {
		const struct metric *mt = movement_metric(m, in->values[i].metric);
		if (db_exec(db, "INSERT INTO model_results (report_id, metric_id, value) VALUES ($1, $2, $3)", "iid", rid, mt->id,
			    in->values[i].value) != DB_OK)
			return E_DB;
		const char *sql = strcmp(mt->kind, "amount") == 0
					  ? "INSERT INTO model_values (model_id, metric_id, value, reported_on) VALUES ($1, $2, $3, $4) "
					    "ON CONFLICT (model_id, metric_id) DO UPDATE SET value = model_values.value + excluded.value, "
					    "reported_on = CASE WHEN excluded.reported_on > model_values.reported_on THEN excluded.reported_on ELSE model_values.reported_on END"
					  : "INSERT INTO model_values (model_id, metric_id, value, reported_on) VALUES ($1, $2, $3, $4) "
					    "ON CONFLICT (model_id, metric_id) DO UPDATE SET "
					    "value = CASE WHEN excluded.reported_on >= model_values.reported_on THEN excluded.value ELSE model_values.value END, "
					    "reported_on = CASE WHEN excluded.reported_on > model_values.reported_on THEN excluded.reported_on ELSE model_values.reported_on END";
		if (db_exec(db, sql, "iidt", model_id, mt->id, in->values[i].value, in->reported_on) != DB_OK) return E_DB;
	}
	struct report *rp;
	if (reports_get(db, a, rid, &rp) != E_OK) return E_DB;
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	report_json(&w, rp, m);
	int arc = audit_add(db, who, N_("report"), "model", model_id, NULL, buf_cstr(&b), NULL);
	buf_free(&b);
	if (arc != DB_OK) return E_DB;
	*id = rid;
	return E_OK;
}

int reports_add(struct db *db, const struct user *who, int64_t model_id, const struct report_in *in, struct field_errors *fe,
		int64_t *id)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct movement *m;
	rc = report_check(db, &a, who, model_id, in, 0, fe, &m);
	if (rc == E_OK) rc = report_write(db, &a, who, m, model_id, in, id);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- a background import of results: reports staged, then written at once ---- */

int reports_stage(struct db *db, const struct user *who, int64_t key, int grp, int line, int64_t model_id, const struct report_in *in,
		  struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	struct movement *m;
	int rc = report_check(db, &a, who, model_id, in, key, fe, &m);
	if (rc == E_OK && !db_in_tx(db)) rc = E_BUSY; /* only in the batch's transaction (models_stage) */
	for (int i = 0; rc == E_OK && i < in->nvalues; i++) {
		int s = db_exec(db,
				"INSERT INTO report_staging (job_id, grp, line, model_id, reported_on, note, metric_id, value) "
				"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				"iiiitti" "d", key, (int64_t)grp, (int64_t)line, model_id, in->reported_on, in->note && *in->note ? in->note : NULL,
				movement_metric(m, in->values[i].metric)->id, in->values[i].value);
		if (s != DB_OK) rc = s == DB_BUSY ? E_BUSY : E_DB;
	}
	arena_free(&a);
	return rc;
}

int reports_publish_staged(struct db *db, const struct user *who, int64_t movement_id, int64_t key, const char *lang, FILE *errors, int *rejected)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct movement *m;
	rc = movements_get_plain(db, &a, movement_id, &m);
	/* what may have changed since the lines were checked */
	if (rc == E_OK && !strcmp(m->status, "closed"))
		*rejected += staged_lines(db, errors, lang, N_("A closed movement cannot be changed"),
					  "SELECT min(line) FROM report_staging WHERE job_id = $1 AND $2 > 0", key, movement_id);
	else if (rc == E_OK)
		*rejected += staged_lines(db, errors, lang, N_("The model was withdrawn"),
					  "SELECT min(s.line) FROM report_staging s JOIN models d ON d.id = s.model_id "
					  "WHERE s.job_id = $1 AND d.movement_id = $2 AND d.active = 0 GROUP BY s.grp ORDER BY 1",
					  key, movement_id);
	if (rc == E_OK && *rejected) rc = E_INVALID;
	struct stmt *st = rc == E_OK ? db_query(db,
						"SELECT grp, model_id, reported_on, note, metric_id, value, line FROM report_staging WHERE job_id = $1 "
						"ORDER BY grp, metric_id",
						"i", key)
				     : NULL;
	if (rc == E_OK && !st) rc = E_DB;
	/* the rows of one group are one report */
	int64_t grp = -1, model_id = 0;
	struct report_in in = { 0 };
	char on[11] = "", *note = NULL;
	int s = DB_DONE;
	while (rc == E_OK) {
		s = db_step(st);
		const char *code = s == DB_ROW ? metric_code(m, db_int(st, 4)) : "";
		if (!code) {
			/* a metric removed since the line was checked */
			fprintf(errors, T("line %d: %s"), (int)db_int(st, 6), T("The result code is not a metric of this movement"));
			fputc('\n', errors);
			(*rejected)++;
			rc = E_INVALID;
			break;
		}
		if (s == DB_ROW && db_int(st, 0) == grp && in.nvalues < MV_MAX_METRICS) {
			in.values[in.nvalues++] = (struct commitment_in){ code, db_double(st, 5) };
			continue;
		}
		if (grp >= 0) {
			int64_t rid;
			in.reported_on = on;
			in.note = note;
			struct arena ra;
			arena_init(&ra);
			rc = report_write(db, &ra, who, m, model_id, &in, &rid);
			arena_free(&ra);
		}
		if (s != DB_ROW || rc != E_OK) break;
		grp = db_int(st, 0);
		model_id = db_int(st, 1);
		snprintf(on, sizeof on, "%s", db_text(st, 2));
		note = db_text(st, 3) ? arena_strdup(&a, db_text(st, 3)) : NULL;
		in = (struct report_in){ .nvalues = 1 };
		in.values[0] = (struct commitment_in){ code, db_double(st, 5) };
	}
	if (rc == E_OK && s != DB_DONE) rc = E_DB;
	db_done(st);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int reports_unstage(struct db *db, int64_t key) { return unstage(db, "report_staging", "grp", 1, key); }

/* ---- replication ---- */

int replications_list(struct db *db, struct arena *a, int64_t model_id, struct replication **items, int *n)
{
	int64_t count = 0;
	db_int1(db, &count, "SELECT count(*) FROM model_replications WHERE model_id = $1", "i", model_id);
	*items = arena_alloc(a, sizeof(struct replication) * (size_t)(count + 1));
	*n = 0;
	struct stmt *st = db_query(db,
				   "SELECT x.id, x.model_id, x.unit_id, u.code, u.name, x.adopted_on, x.note FROM model_replications x "
				   "JOIN units u ON u.id = x.unit_id WHERE x.model_id = $1 ORDER BY x.adopted_on, x.id", "i", model_id);
	while (st && db_step(st) == DB_ROW && *n < count) {
		struct replication *x = &(*items)[(*n)++];
		x->id = db_int(st, 0);
		x->model_id = db_int(st, 1);
		x->unit_id = db_int(st, 2);
		x->unit_code = arena_strdup(a, db_text(st, 3));
		x->unit_name = arena_strdup(a, db_text(st, 4));
		x->adopted_on = arena_strdup(a, db_text(st, 5));
		x->note = arena_strdup(a, db_text(st, 6));
	}
	db_done(st);
	return st ? E_OK : E_DB;
}

/* a replication as the audit log keeps it (after an add, before a removal) */
static void replication_json(struct buf *b, int64_t id, const char *unit_code, const char *adopted_on, const char *note)
{
	struct jw w;
	jw_init(&w, b);
	jw_obj(&w);
	jw_kint(&w, "replication", id);
	jw_kstr(&w, "unit_code", unit_code);
	jw_kstr(&w, "adopted_on", adopted_on);
	jw_kstr(&w, "note", note);
	jw_obj_end(&w);
}

int replications_add(struct db *db, const struct user *who, int64_t model_id, int64_t unit_id, const char *adopted_on,
		     const char *note, struct field_errors *fe, int64_t *id)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	int rc = load_for_change(db, &a, who, model_id, 1, &d, &m, fe);
	if (rc != E_OK) goto out;
	struct unit *u = NULL;
	if (unit_id <= 0 || units_get(db, &a, unit_id, &u) != E_OK) fe_add(fe, "unit_id", N_("No such unit"));
	else if (!u->active) fe_add(fe, "unit_id", N_("The unit is deactivated"));
	else if (unit_id == d->unit_id) fe_add(fe, "unit_id", N_("The model's own unit cannot replicate it"));
	char today[11];
	today_iso(today);
	/* adopted on a day that has come, not before the model started (without a
	** start date, before the movement did) */
	const char *start = d->started_on && *d->started_on ? d->started_on : m->starts_on;
	if (!adopted_on || !date_valid(adopted_on)) fe_add(fe, "adopted_on", N_("Is not a date (YYYY-MM-DD)"));
	else if (strcmp(adopted_on, today) > 0) fe_add(fe, "adopted_on", N_("Cannot be in the future"));
	else if (start && strcmp(adopted_on, start) < 0)
		fe_add(fe, "adopted_on", d->started_on && *d->started_on ? N_("Cannot be before the model started")
									    : N_("Cannot be before the movement starts"));
	if (note && strlen(note) > MV_TEXT_MAX) fe_add(fe, "note", N_("Is too long"));
	if (strcmp(d->status, "effective") != 0) fe_add(fe, "model", N_("Only a model recognised as effective can be replicated"));
	if (fe->n) { rc = E_INVALID; goto out; }
	char now[21];
	now_iso(now);
	rc = E_DB;
	struct stmt *st = db_query(db,
				   "INSERT INTO model_replications (model_id, unit_id, adopted_on, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
				   "ON CONFLICT (model_id, unit_id) DO NOTHING RETURNING id",
				   "iittIt", model_id, unit_id, adopted_on, note && *note ? note : NULL, who->id, now);
	int64_t xid = 0;
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) xid = db_int(st, 0);
	db_done(st);
	if (s == DB_DONE) { fe_add(fe, "unit_id", N_("This unit has already adopted the model")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	struct buf b;
	buf_init(&b);
	replication_json(&b, xid, u->code, adopted_on, note);
	int arc = audit_add(db, who, N_("replicate"), "model", model_id, NULL, buf_cstr(&b), NULL);
	buf_free(&b);
	if (arc != DB_OK) goto out;
	rc = E_OK;
	*id = xid;
out:
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int replications_remove(struct db *db, const struct user *who, int64_t model_id, int64_t replication_id, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	int rc = load_for_change(db, &a, who, model_id, 1, &d, &m, fe);
	if (rc != E_OK) goto out;
	rc = E_DB;
	struct stmt *st = db_query(db,
				   "SELECT u.code, x.adopted_on, x.note FROM model_replications x JOIN units u ON u.id = x.unit_id "
				   "WHERE x.id = $1 AND x.model_id = $2",
				   "ii", replication_id, model_id);
	if (!st) goto out;
	int s = db_step(st);
	struct buf b;
	buf_init(&b);
	if (s == DB_ROW) replication_json(&b, replication_id, db_text(st, 0), db_text(st, 1), db_text(st, 2));
	db_done(st);
	if (s != DB_ROW) {
		buf_free(&b);
		rc = s == DB_DONE ? E_NOTFOUND : E_DB;
		goto out;
	}
	if (db_exec(db, "DELETE FROM model_replications WHERE id = $1", "i", replication_id) != DB_OK) {
		buf_free(&b);
		goto out;
	}
	int arc = audit_add(db, who, N_("remove replication"), "model", model_id, buf_cstr(&b), NULL, NULL);
	buf_free(&b);
	rc = arc == DB_OK ? E_OK : E_DB;
out:
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- evidence ---- */

int models_attach(struct db *db, const struct user *who, int64_t model_id, const char *name, const void *data, size_t n,
		  struct field_errors *fe, int64_t *attachment_id)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct model *d;
	struct movement *m;
	int rc = load_for_change(db, &a, who, model_id, 0, &d, &m, fe);
	if (rc == E_OK && m->stage == MV_DRAFT) rc = E_STATE;
	if (rc == E_OK) rc = files_attach(db, who, "model", model_id, d->unit_id, name, data, n, (size_t)-1, fe, attachment_id);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int movements_attach(struct db *db, const struct user *who, int64_t movement_id, const char *name, const void *data, size_t n,
		     struct field_errors *fe, int64_t *attachment_id)
{
	struct arena a;
	arena_init(&a);
	struct movement *m;
	int rc = movements_get(db, &a, movement_id, &m);
	if (rc == E_OK && !movement_manageable(who, m)) rc = movement_readable(who, m) ? E_FORBIDDEN : E_NOTFOUND;
	if (rc == E_OK && m->stage == MV_CLOSED) {
		fe_add(fe, "status", N_("A closed movement cannot be changed"));
		rc = E_STATE;
	}
	if (rc == E_OK) rc = files_attach(db, who, "movement", movement_id, m->authority_id, name, data, n, (size_t)-1, fe, attachment_id);
	arena_free(&a);
	return rc;
}
