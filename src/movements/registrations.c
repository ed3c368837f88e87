/* Registrations: a unit answers a movement with a pledge and commitments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "movements.h"
#include "mv_internal.h"
#include "../web/roles.h"

#define REG_COLS_BASE                                                                                            \
	"g.id, g.movement_id, g.unit_id, u.code, u.name, u.path, g.pledge, g.registered_on, g.planned_models, g.late, " \
	"g.active, g.version, g.created_at, g.updated_at, "
#define REG_COLS REG_COLS_BASE "(SELECT count(*) FROM models d WHERE d.registration_id = g.id AND d.active = 1) "
#define REG_COLS_PLAIN REG_COLS_BASE "0 " /* without the model count: for writers */
#define REG_FROM " FROM registrations g JOIN units u ON u.id = g.unit_id "

static void read_reg(struct db *db, struct stmt *st, struct arena *a, struct registration *g)
{
	memset(g, 0, sizeof *g);
	g->id = db_int(st, 0);
	g->movement_id = db_int(st, 1);
	g->unit_id = db_int(st, 2);
	g->unit_code = arena_strdup(a, db_text(st, 3));
	g->unit_name = arena_strdup(a, db_text(st, 4));
	g->unit_path = arena_strdup(a, db_text(st, 5));
	g->pledge = arena_strdup(a, db_text(st, 6));
	g->registered_on = arena_strdup(a, db_text(st, 7));
	g->planned_models = db_int(st, 8);
	g->late = (int)db_int(st, 9);
	g->active = (int)db_int(st, 10);
	g->version = db_int(st, 11);
	g->created_at = arena_strdup(a, db_text(st, 12));
	g->updated_at = arena_strdup(a, db_text(st, 13));
	g->models = db_int(st, 14);
	g->commit_metric = arena_alloc(a, sizeof(int64_t) * MV_MAX_METRICS);
	g->commit_value = arena_alloc(a, sizeof(double) * MV_MAX_METRICS);
	struct stmt *c = db_query(db, "SELECT metric_id, value FROM registration_commitments WHERE registration_id = $1 ORDER BY metric_id", "i", g->id);
	while (c && db_step(c) == DB_ROW && g->ncommit < MV_MAX_METRICS) {
		g->commit_metric[g->ncommit] = db_int(c, 0);
		g->commit_value[g->ncommit] = db_double(c, 1);
		g->ncommit++;
	}
	db_done(c);
}

void registration_json(struct jw *w, const struct registration *g, const struct movement *m)
{
	jw_obj(w);
	jw_kint(w, "id", g->id);
	jw_kint(w, "movement_id", g->movement_id);
	jw_kint(w, "unit_id", g->unit_id);
	jw_kstr(w, "unit_code", g->unit_code);
	jw_kstr(w, "unit_name", g->unit_name);
	jw_kstr(w, "pledge", g->pledge);
	jw_key(w, "planned_models");
	if (g->planned_models > 0) jw_int(w, g->planned_models);
	else jw_null(w);
	jw_kstr(w, "registered_on", g->registered_on);
	jw_kbool(w, "late", g->late);
	jw_kbool(w, "active", g->active);
	jw_kint(w, "models", g->models);
	jw_key(w, "commitments");
	jw_obj(w);
	for (int i = 0; i < g->ncommit; i++)
		for (int k = 0; m && k < m->nmetrics; k++)
			if (m->metrics[k].id == g->commit_metric[i]) { jw_key(w, m->metrics[k].code); jw_num(w, g->commit_value[i]); }
	jw_obj_end(w);
	jw_kint(w, "version", g->version);
	jw_kstr(w, "created_at", g->created_at);
	jw_kstr(w, "updated_at", g->updated_at);
	jw_obj_end(w);
}

int registrations_list(struct db *db, struct arena *a, const struct reg_query *q, struct registration **items, int *n, int64_t *total)
{
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* $1 movement, $2/$3 subtree, $4 search, $5.. ranges */
	buf_raw(&where, " WHERE g.movement_id = $1");
	char lo[UNIT_PATH_MAX] = "", hi[UNIT_PATH_MAX] = "";
	if (q->under > 0) {
		if (units_subtree(db, q->under, lo, hi, sizeof lo) != E_OK) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
		buf_raw(&where, " AND u.path >= $2 AND u.path < $3");
	}
	char *pat = NULL;
	if (q->q && *q->q) {
		pat = like_pattern(a, q->q);
		buf_raw(&where, " AND u.search LIKE $4 ESCAPE '\\'");
	}
	char rhi[MV_MAX_RANGES][UNIT_PATH_MAX];
	int nr = q->nranges > 0 ? q->nranges : 0;
	if (q->nranges >= 0) scope_ranges_sql(&where, "1 = 0", "u.path", NULL, 5, q->range_lo, nr, rhi);
	int np = 5 + 2 * nr, rc = E_OK;
	for (int pass = 0; pass < 2 && rc == E_OK; pass++) {
		buf_reset(&sql);
		if (pass == 0) buf_printf(&sql, "SELECT count(*)" REG_FROM "%s", buf_cstr(&where));
		else /* the units in Vietnamese order of their names (sort keys, migration 009) */
			buf_printf(&sql, "SELECT " REG_COLS REG_FROM "%s ORDER BY u.sort_key, u.id LIMIT $%d OFFSET $%d", buf_cstr(&where), np, np + 1);
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) { rc = E_DB; break; }
		db_bind_int(st, 1, q->movement_id);
		db_bind_text(st, 2, lo);
		db_bind_text(st, 3, hi);
		db_bind_text(st, 4, pat);
		scope_ranges_bind(st, 5, q->range_lo, nr, rhi);
		if (pass == 0) {
			*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
			db_done(st);
		} else {
			db_bind_int(st, np, q->limit);
			db_bind_int(st, np + 1, q->offset);
			int cap = (int)(q->limit > 0 ? q->limit : 1);
			*items = arena_alloc(a, sizeof(struct registration) * (size_t)cap);
			*n = 0;
			/* commitments are read per row by another statement: collect ids first */
			int64_t *ids = arena_alloc(a, sizeof(int64_t) * (size_t)cap);
			while (*n < cap && db_step(st) == DB_ROW) ids[(*n)++] = db_int(st, 0);
			db_done(st);
			for (int i = 0; i < *n; i++) {
				struct stmt *one = db_query(db, "SELECT " REG_COLS REG_FROM " WHERE g.id = $1", "i", ids[i]);
				if (one && db_step(one) == DB_ROW) {
					/* read_reg runs a query of its own: copy the row out first */
					struct registration g;
					read_reg(db, one, a, &g);
					(*items)[i] = g;
				}
				db_done(one);
			}
		}
	}
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

static int registration_read(struct db *db, struct arena *a, int64_t id, struct registration **out, int counts);

int registrations_get(struct db *db, struct arena *a, int64_t id, struct registration **out) { return registration_read(db, a, id, out, 1); }

int registrations_get_plain(struct db *db, struct arena *a, int64_t id, struct registration **out)
{
	return registration_read(db, a, id, out, 0);
}

static int registration_read(struct db *db, struct arena *a, int64_t id, struct registration **out, int counts)
{
	struct stmt *st = db_query(db, counts ? "SELECT " REG_COLS REG_FROM " WHERE g.id = $1" : "SELECT " REG_COLS_PLAIN REG_FROM " WHERE g.id = $1",
				   "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct registration *g = arena_alloc(a, sizeof *g);
	read_reg(db, st, a, g);
	db_done(st);
	*out = g;
	return E_OK;
}

int registrations_find(struct db *db, int64_t movement_id, int64_t unit_id, int64_t *id)
{
	int rc = db_int1(db, id, "SELECT id FROM registrations WHERE movement_id = $1 AND unit_id = $2", "ii", movement_id, unit_id);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

/* the snapshot for audit_change(): the registration with its movement's metrics */
static int reg_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct registration *g;
	struct movement *m;
	int rc = registrations_get(db, a, id, &g);
	if (rc == E_OK) rc = movements_get_plain(db, a, g->movement_id, &m);
	if (rc == E_OK) registration_json(w, g, m);
	return rc;
}

/* Commitments and plans: metric codes of the movement, finite values, an
** amount not negative, a rate within 0..100. Every value is checked: each
** refusal goes to the value's own key (keys[i], a form's field; keys may be
** NULL) and to `field`, whose message is the first refusal's. */
int mv_check_values(const struct movement *m, const struct commitment_in *v, const char *const *keys, int n, const char *field,
		    struct field_errors *fe)
{
	int rc = E_OK;
	for (int i = 0; i < n; i++) {
		const struct metric *mt = movement_metric(m, v[i].metric);
		const char *msg = NULL;
		if (!mt) msg = N_("Is not a metric of this movement");
		/* out of range, however far: the range (a rate's, or an amount's, money in VND included) */
		else if (strcmp(mt->kind, "rate") == 0 && !(v[i].value >= 0 && v[i].value <= 100)) msg = N_("Must be from 0 to 100");
		else if (!(v[i].value >= 0 && v[i].value <= MV_AMOUNT_MAX)) msg = N_("Must be from 0 to 1,000,000,000,000,000");
		else if (mt->unit && (strcasecmp(mt->unit, "VND") == 0 || strcmp(mt->unit, "₫") == 0 || strcasecmp(mt->unit, "đồng") == 0) &&
			 v[i].value != floor(v[i].value))
			msg = N_("Money is counted in whole đồng");
		for (int k = 0; !msg && k < i; k++)
			if (strcmp(v[k].metric, v[i].metric) == 0) msg = N_("A metric is given twice");
		if (!msg) continue;
		if (keys && keys[i]) fe_add(fe, keys[i], msg);
		fe_add(fe, field, msg);
		rc = E_INVALID;
	}
	return rc;
}

/* The deadline rule shared by registrations and models: before register_by a
** reporter of the unit may; after it only an officer over the movement or the
** unit, and the record is marked late. Returns E_OK and sets *late. */
int mv_check_deadline(const struct user *who, const struct movement *m, const char *unit_path, const char *on, int *late,
		      struct field_errors *fe)
{
	char today[11];
	today_iso(today);
	const char *day = on ? on : today;
	*late = strcmp(day, m->register_by) > 0;
	int officer = mv_may(who, PERM_MOVEMENT_MANAGE, m->authority_path) || mv_may(who, PERM_MOVEMENT_MANAGE, unit_path);
	if (!officer && !mv_may(who, PERM_MOVEMENT_REPORT, unit_path)) return E_FORBIDDEN;
	if (on && !officer) {
		fe_add(fe, "registered_on", N_("Only an officer may enter a registration with another date"));
		return E_INVALID;
	}
	if (*late && !officer) {
		fe_add(fe, "register_by", N_("The registration deadline has passed; an officer of the emulation board can register on the unit's behalf"));
		return E_STATE;
	}
	return E_OK;
}

int registrations_create(struct db *db, const struct user *who, int64_t movement_id, const struct registration_in *in,
			 struct field_errors *fe, int64_t *id)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct movement *m;
	int rc = movements_get_plain(db, &a, movement_id, &m);
	if (rc != E_OK) goto out;
	if (!movement_readable(who, m)) { rc = E_NOTFOUND; goto out; }
	struct unit *u = NULL;
	/* no unit chosen (a form's empty choice) is said so, with the other fields' errors */
	if (in->unit_id <= 0) fe_add(fe, "unit_id", N_("Is required"));
	else if (units_get(db, &a, in->unit_id, &u) != E_OK) fe_add(fe, "unit_id", N_("No such unit"));
	if (in->pledge && strlen(in->pledge) > MV_TEXT_MAX) fe_add(fe, "pledge", N_("Is too long"));
	if (in->registered_on && !date_valid(in->registered_on)) fe_add(fe, "registered_on", N_("Is not a date (YYYY-MM-DD)"));
	if (in->planned_models < -1 || in->planned_models > 100000) fe_add(fe, "planned_models", N_("Must be from 0 to 100000"));
	/* with the other fields: a form's every problem at once */
	if (in->set_commitments) mv_check_values(m, in->commit, in->commit_keys, in->ncommit, "commitments", fe);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (m->stage != MV_LAUNCHED) {
		fe_add(fe, "status", N_("Units can register only while the movement is launched"));
		rc = E_STATE;
		goto out;
	}
	if (!u->active) { fe_add(fe, "unit_id", N_("The unit is deactivated")); rc = E_INVALID; goto out; }
	if (!movement_in_scope(m, u->path)) { fe_add(fe, "unit_id", N_("This unit is not invited to the movement")); rc = E_INVALID; goto out; }
	int late = 0;
	rc = mv_check_deadline(who, m, u->path, in->registered_on, &late, fe);
	if (rc != E_OK) goto out;
	char now[21], today[11];
	now_iso(now);
	today_iso(today);
	rc = E_DB;
	struct stmt *st = db_query(db,
				   "INSERT INTO registrations (movement_id, unit_id, pledge, planned_models, registered_on, late, created_by, "
				   "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (movement_id, unit_id) DO NOTHING RETURNING id",
				   "iitItiIt", movement_id, in->unit_id, in->pledge && *in->pledge ? in->pledge : NULL, in->planned_models,
				   in->registered_on ? in->registered_on : today, (int64_t)late, who->id, now);
	int64_t newid = 0;
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) newid = db_int(st, 0);
	db_done(st);
	char *before = NULL;
	if (s == DB_DONE) {
		/* a registration withdrawn (active 0) is made again: the same row,
		** with what this one says */
		int64_t old = 0, active = 1;
		st = db_query(db, "SELECT id, active FROM registrations WHERE movement_id = $1 AND unit_id = $2", "ii", movement_id, in->unit_id);
		if (!st) goto out;
		if (db_step(st) == DB_ROW) old = db_int(st, 0), active = db_int(st, 1);
		db_done(st);
		if (!old || active) { fe_add(fe, "unit_id", N_("This unit has already registered")); rc = E_INVALID; goto out; }
		before = audit_snapshot(db, old, reg_snapshot);
		if (db_exec(db,
			    "UPDATE registrations SET active = 1, pledge = $1, planned_models = $2, registered_on = $3, late = $4, created_by = $5, "
			    "version = version + 1, updated_at = $6 WHERE id = $7",
			    "tItiIti", in->pledge && *in->pledge ? in->pledge : NULL, in->planned_models, in->registered_on ? in->registered_on : today,
			    (int64_t)late, who->id, now, old) != DB_OK ||
		    db_exec(db, "DELETE FROM registration_commitments WHERE registration_id = $1", "i", old) != DB_OK) {
			free(before);
			goto out;
		}
		newid = old;
	} else if (s != DB_ROW) goto out;
	for (int i = 0; in->set_commitments && i < in->ncommit; i++)
		if (db_exec(db, "INSERT INTO registration_commitments (registration_id, metric_id, value) VALUES ($1, $2, $3)", "iid", newid,
			    movement_metric(m, in->commit[i].metric)->id, in->commit[i].value) != DB_OK) {
			free(before);
			goto out;
		}
	char note[160];
	snprintf(note, sizeof note, "registered after the deadline of %s by an officer on the unit's behalf", m->register_by);
	int arc = audit_change(db, who, N_("register"), "registration", newid, before, reg_snapshot, late ? note : NULL);
	free(before);
	if (arc != E_OK) goto out;
	rc = E_OK;
	*id = newid;
out:
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int registrations_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct registration_in *in,
			 struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	char *before = NULL;
	struct registration *g;
	struct movement *m;
	int rc = registrations_get(db, &a, id, &g);
	if (rc != E_OK) goto out;
	if ((rc = movements_get_plain(db, &a, g->movement_id, &m)) != E_OK) goto out;
	int manager = movement_manageable(who, m);
	if (!manager && !mv_may(who, PERM_MOVEMENT_REPORT, g->unit_path)) {
		rc = mv_may(who, PERM_READ, g->unit_path) ? E_FORBIDDEN : E_NOTFOUND;
		goto out;
	}
	if (g->version != version) { rc = E_CONFLICT; goto out; }
	if (m->stage == MV_CLOSED) { fe_add(fe, "status", N_("A closed movement cannot be changed")); rc = E_STATE; goto out; }
	if (!manager && m->stage != MV_LAUNCHED) {
		fe_add(fe, "status", N_("Only the organiser can change registrations while the movement is under review"));
		rc = E_STATE;
		goto out;
	}
	if (in->pledge && strlen(in->pledge) > MV_TEXT_MAX) fe_add(fe, "pledge", N_("Is too long"));
	if (in->planned_models < -1 || in->planned_models > 100000) fe_add(fe, "planned_models", N_("Must be from 0 to 100000"));
	/* every problem at once: those the caller found reading the form, and these */
	if (in->set_commitments) mv_check_values(m, in->commit, in->commit_keys, in->ncommit, "commitments", fe);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (in->active == 0 && g->active && g->models > 0) {
		fe_add(fe, "active", N_("Withdraw the unit's models first"));
		rc = E_INVALID;
		goto out;
	}
	before = audit_snapshot(db, id, reg_snapshot);
	char now[21];
	now_iso(now);
	rc = E_DB;
	if (db_exec(db,
		    "UPDATE registrations SET pledge = $1, planned_models = $2, active = $3, version = version + 1, updated_at = $4 "
		    "WHERE id = $5 AND version = $6",
		    "tIitii", in->pledge ? (*in->pledge ? in->pledge : NULL) : g->pledge, in->planned_models >= 0 ? in->planned_models : g->planned_models,
		    (int64_t)(in->active >= 0 ? in->active : g->active), now, id, version) != DB_OK)
		goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	if (in->set_commitments) {
		if (db_exec(db, "DELETE FROM registration_commitments WHERE registration_id = $1", "i", id) != DB_OK) goto out;
		for (int i = 0; i < in->ncommit; i++)
			if (db_exec(db, "INSERT INTO registration_commitments (registration_id, metric_id, value) VALUES ($1, $2, $3)", "iid", id,
				    movement_metric(m, in->commit[i].metric)->id, in->commit[i].value) != DB_OK)
				goto out;
	}
	if (audit_change(db, who, in->active == 0 && g->active ? N_("withdraw") : N_("update"), "registration", id, before, reg_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}
