/* Composite indexes (indicators.h): an organiser's index of main criteria
** and sub-criteria with points (a DTI of 1,000 points), each sub-criterion
** scoring one indicator's figure by a rule — linear between two bounds,
** thresholds, or the unit's rank among the units scored — and the yearly
** ranking of the index's units with each unit's breakdown and the change
** since the year before.
**
** Scoring reads one roll-up row per (sub-criterion, unit): one query per
** sub-criterion for all the units (the children of the index's scope). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/json.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "indicators.h"

static const char *name_col(const char *lang)
{
	return lang && !strcmp(lang, "en") ? "name_en" : lang && !strcmp(lang, "hi") ? "name_hi" : "name_vi";
}

/* ---- points of one criterion ---- */

/* "bound:points;bound:points": the points of the last bound reached (higher:
** value >= bound; lower: value <= bound); 0 when none is */
static double threshold_points(const char *spec, const char *direction, double v)
{
	double got = 0;
	int lower = direction && !strcmp(direction, "lower");
	for (const char *p = spec; p && *p;) {
		char *end;
		double bound = strtod(p, &end);
		if (end == p || *end != ':') break;
		double pts = strtod(end + 1, &end);
		if (lower ? v <= bound : v >= bound) got = pts;
		p = *end == ';' ? end + 1 : end;
		if (!*end || *end != ';') break;
	}
	return got;
}

double index_points(const struct index_criterion *c, double value, int rank, int nranked)
{
	if (isnan(value)) return 0;
	if (!strcmp(c->method, "linear")) {
		if (c->hi == c->lo) return 0;
		double f = (value - c->lo) / (c->hi - c->lo);
		return c->points * (f < 0 ? 0 : f > 1 ? 1 : f);
	}
	if (!strcmp(c->method, "threshold")) return threshold_points(c->thresholds, c->direction, value);
	/* rank: the best gets all the points, the last none, evenly between */
	if (nranked <= 1) return c->points;
	return c->points * (double)(nranked - rank) / (double)(nranked - 1);
}

/* ---- the record ---- */

static int read_criteria(struct db *db, struct arena *a, struct composite_index *ix, const char *lang)
{
	const char *col = name_col(lang);
	const char *sql = arena_printf(a,
				       "SELECT c.id, COALESCE(c.parent_id, 0), c.code, c.%s, c.name_vi, c.name_en, c.name_hi, c.points, "
				       "COALESCE(c.indicator_id, 0), i.code, i.direction, i.aggregation, i.factor, c.method, c.lo, c.hi, "
				       "c.thresholds, c.position FROM index_criteria c LEFT JOIN indicators i ON i.id = c.indicator_id "
				       "WHERE c.index_id = $1 ORDER BY c.position",
				       col);
	struct stmt *st = db_query(db, sql, "i", ix->id);
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (ix->ncrit == cap) {
			cap = cap ? cap * 2 : 16;
			struct index_criterion *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (ix->ncrit) memcpy(more, ix->crit, sizeof *more * (size_t)ix->ncrit);
			ix->crit = more;
		}
		struct index_criterion *c = &ix->crit[ix->ncrit++];
		c->id = db_int(st, 0);
		c->parent_id = db_int(st, 1);
		c->code = arena_strdup(a, db_text(st, 2));
		c->name = arena_strdup(a, db_text(st, 3));
		c->name_vi = arena_strdup(a, db_text(st, 4));
		c->name_en = arena_strdup(a, db_text(st, 5));
		c->name_hi = arena_strdup(a, db_text(st, 6));
		c->points = db_double(st, 7);
		c->indicator_id = db_int(st, 8);
		c->indicator_code = arena_strdup(a, db_text(st, 9));
		c->direction = arena_strdup(a, db_text(st, 10));
		c->aggregation = arena_strdup(a, db_text(st, 11));
		c->factor = db_double(st, 12);
		c->method = arena_strdup(a, db_text(st, 13));
		c->lo = db_double(st, 14);
		c->hi = db_double(st, 15);
		c->thresholds = arena_strdup(a, db_text(st, 16));
		c->position = (int)db_int(st, 17);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

#define IX_COLS \
	"SELECT x.id, x.code, x.%s, x.name_vi, x.name_en, x.name_hi, x.scope_id, u.name, x.unit_kind, x.total_points, x.version " \
	"FROM composite_indexes x JOIN units u ON u.id = x.scope_id "

static void read_ix(struct stmt *st, struct arena *a, struct composite_index *x)
{
	x->id = db_int(st, 0);
	x->code = arena_strdup(a, db_text(st, 1));
	x->name = arena_strdup(a, db_text(st, 2));
	x->name_vi = arena_strdup(a, db_text(st, 3));
	x->name_en = arena_strdup(a, db_text(st, 4));
	x->name_hi = arena_strdup(a, db_text(st, 5));
	x->scope_id = db_int(st, 6);
	x->scope_name = arena_strdup(a, db_text(st, 7));
	x->unit_kind = arena_strdup(a, db_text(st, 8));
	x->total_points = db_double(st, 9);
	x->version = db_int(st, 10);
}

static int get_ix(struct db *db, struct arena *a, const char *where, const char *types, int64_t id, const char *code,
		  const char *lang, struct composite_index **out)
{
	const char *sql = arena_printf(a, IX_COLS "%s", name_col(lang), where);
	struct stmt *st = code ? db_query(db, sql, types, code) : db_query(db, sql, types, id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_ix(st, a, *out);
	}
	db_done(st);
	if (rc != DB_ROW) return rc == DB_DONE ? E_NOTFOUND : E_DB;
	return read_criteria(db, a, *out, lang);
}

int indexes_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct composite_index **out)
{
	return get_ix(db, a, "WHERE x.id = $1", "i", id, NULL, lang, out);
}

int indexes_find(struct db *db, struct arena *a, const char *code, const char *lang, struct composite_index **out)
{
	if (!code) return E_NOTFOUND;
	return get_ix(db, a, "WHERE x.code = $1", "t", 0, code, lang, out);
}

int indexes_list(struct db *db, struct arena *a, const char *lang, struct composite_index **items, int *n)
{
	*n = 0;
	*items = NULL;
	struct stmt *st = db_query(db, arena_printf(a, IX_COLS "ORDER BY x.code", name_col(lang)), "");
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct composite_index *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_ix(st, a, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

/* the field name of criterion i, which outlives the arenas (field errors keep it) */
static char crit_field_names[500][24];
static pthread_once_t crit_field_once = PTHREAD_ONCE_INIT;
static void crit_field_init(void)
{
	for (int i = 0; i < 500; i++) snprintf(crit_field_names[i], sizeof crit_field_names[i], "criteria[%d]", i);
}
static const char *crit_field(int i)
{
	pthread_once(&crit_field_once, crit_field_init);
	return i >= 0 && i < 500 ? crit_field_names[i] : "criteria";
}

static int close_pts(double a, double b) { return fabs(a - b) < 1e-6; }

static void check_index(struct db *db, struct arena *a, const struct index_in *in, struct field_errors *fe, int64_t *ind_ids)
{
	if (!in->code || !*in->code || strlen(in->code) > IND_CODE_MAX || !code_valid(in->code))
		fe_add(fe, "code", N_("Use letters, digits, -, _ and ."));
	const char *const names[3] = { in->name_vi, in->name_en, in->name_hi };
	const char *const fields[3] = { "name_vi", "name_en", "name_hi" };
	for (int i = 0; i < 3; i++)
		if (!names[i] || !*names[i]) fe_add(fe, fields[i], N_("Is required"));
		else if (strlen(names[i]) > IND_NAME_MAX) fe_add(fe, fields[i], N_("Is too long"));
	if (!(in->total_points > 0 && in->total_points <= 100000)) fe_add(fe, "total_points", N_("Out of range"));
	if (in->ncrit <= 0 || in->ncrit > 500) {
		fe_add(fe, "criteria", N_("An index needs criteria"));
		return;
	}
	double mains = 0;
	for (int i = 0; i < in->ncrit && fe->n < FE_MAX - 2; i++) {
		const struct index_criterion *c = &in->crit[i];
		const char *f = crit_field(i);
		if (!c->code || !*c->code || strlen(c->code) > IND_CODE_MAX || !c->name_vi || !*c->name_vi || !c->name_en || !*c->name_en ||
		    !c->name_hi || !*c->name_hi) {
			fe_add(fe, f, N_("A criterion needs a code and its names"));
			continue;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(in->crit[j].code, c->code)) fe_add(fe, f, N_("The same code twice"));
		if (!(c->points >= 0 && c->points <= in->total_points)) {
			fe_add(fe, f, N_("Out of range"));
			continue;
		}
		if (c->parent_id == 0) {
			mains += c->points;
			double subs = 0;
			int nsub = 0;
			for (int j = i + 1; j < in->ncrit; j++)
				if (in->crit[j].parent_id == i + 1) subs += in->crit[j].points, nsub++;
			if (!nsub || !close_pts(subs, c->points)) fe_add(fe, f, N_("The points of its sub-criteria must add up to its points"));
			continue;
		}
		if (c->parent_id < 1 || c->parent_id > i || in->crit[c->parent_id - 1].parent_id != 0) {
			fe_add(fe, f, N_("A sub-criterion follows its main criterion"));
			continue;
		}
		struct indicator *x;
		if (indicators_find(db, a, c->indicator_code, "en", &x) != E_OK) {
			fe_add(fe, f, N_("No such indicator"));
			continue;
		}
		if (strcmp(x->period_type, "year")) fe_add(fe, f, N_("An index scores yearly indicators"));
		ind_ids[i] = x->id;
		if (!c->method || (strcmp(c->method, "linear") && strcmp(c->method, "threshold") && strcmp(c->method, "rank")))
			fe_add(fe, f, N_("Choose linear, threshold or rank"));
		else if (!strcmp(c->method, "linear") && (c->lo == c->hi || !isfinite(c->lo) || !isfinite(c->hi)))
			fe_add(fe, f, N_("Linear scoring needs two different bounds"));
		else if (!strcmp(c->method, "threshold")) {
			const char *p = c->thresholds;
			int ok = p && *p && strlen(p) < 500;
			while (ok && *p) {
				char *end;
				strtod(p, &end);
				if (end == p || *end != ':') { ok = 0; break; }
				double pts = strtod(end + 1, &end);
				if (end == p || pts < 0 || pts > c->points + 1e-9 || (*end && *end != ';')) { ok = 0; break; }
				p = *end ? end + 1 : end;
			}
			if (!ok) fe_add(fe, f, N_("Write thresholds as bound:points;bound:points, each at most the criterion's points"));
		}
	}
	if (!fe->n && !close_pts(mains, in->total_points)) fe_add(fe, "total_points", N_("The points of the main criteria must add up to the total"));
}

/* the criteria of index id, in order (inside the writer's transaction) */
static int insert_criteria(struct db *db, struct arena *a, int64_t id, const struct index_in *in, const int64_t *ind_ids)
{
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)in->ncrit);
	for (int i = 0; i < in->ncrit; i++) {
		const struct index_criterion *c = &in->crit[i];
		int sub = c->parent_id > 0;
		if (db_int1(db, &ids[i],
			    "INSERT INTO index_criteria (index_id, parent_id, code, name_vi, name_en, name_hi, points, indicator_id, method, lo, hi, "
			    "thresholds, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
			    "iIttttdItddti", id, sub ? ids[c->parent_id - 1] : 0, c->code, c->name_vi, c->name_en, c->name_hi, c->points,
			    sub ? ind_ids[i] : 0, sub ? c->method : NULL, sub ? c->lo : 0.0, sub ? c->hi : 0.0,
			    sub && !strcmp(c->method, "threshold") ? c->thresholds : NULL, (int64_t)i + 1) != DB_ROW)
			return E_DB;
	}
	return E_OK;
}

/* the index and its criteria as JSON, for the audit log */
static int ix_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct composite_index *ix;
	int rc = indexes_get(db, a, id, "en", &ix);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_kint(w, "id", ix->id);
	jw_kstr(w, "code", ix->code);
	jw_kstr(w, "name_vi", ix->name_vi);
	jw_kstr(w, "name_en", ix->name_en);
	jw_kstr(w, "name_hi", ix->name_hi);
	jw_kint(w, "scope_id", ix->scope_id);
	jw_kstr(w, "unit_kind", ix->unit_kind);
	jw_key(w, "total_points");
	jw_num(w, ix->total_points);
	jw_kint(w, "version", ix->version);
	jw_key(w, "criteria");
	jw_arr(w);
	for (int i = 0; i < ix->ncrit; i++) {
		const struct index_criterion *c = &ix->crit[i];
		jw_obj(w);
		jw_kstr(w, "code", c->code);
		jw_kint(w, "parent_id", c->parent_id);
		jw_key(w, "points");
		jw_num(w, c->points);
		jw_kstr(w, "indicator", c->indicator_code);
		jw_kstr(w, "method", c->method);
		jw_key(w, "lo");
		jw_num(w, c->lo);
		jw_key(w, "hi");
		jw_num(w, c->hi);
		jw_kstr(w, "thresholds", c->thresholds);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return E_OK;
}

int indexes_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct index_in *in, struct field_errors *fe)
{
	char path[UNIT_PATH_MAX], old_path[UNIT_PATH_MAX];
	if (units_path(db, in->scope_id, path, sizeof path) != E_OK) fe_add(fe, "scope", N_("No such unit"));
	struct arena a;
	arena_init(&a);
	int64_t *ind_ids = arena_alloc(&a, sizeof *ind_ids * (size_t)(in->ncrit > 0 ? in->ncrit : 1));
	check_index(db, &a, in, fe, ind_ids);
	char *before = NULL;
	int rc = E_OK;
	struct composite_index *ix;
	if ((rc = indexes_get(db, &a, id, "en", &ix)) != E_OK) goto done;
	if (fe->n) rc = E_INVALID;
	else if (!role_can(who, PERM_INDICATOR_DEFINE, path) || units_path(db, ix->scope_id, old_path, sizeof old_path) != E_OK ||
		 !role_can(who, PERM_INDICATOR_DEFINE, old_path))
		rc = E_FORBIDDEN;
	if (rc != E_OK) goto done;
	rc = db_tx_begin(db);
	if (rc != E_OK) goto done;
	before = audit_snapshot(db, id, ix_snapshot);
	char now[21];
	now_iso(now);
	int64_t dup = 0;
	if (!before) {
		rc = E_NOTFOUND;
		goto out;
	}
	if (db_int1(db, &dup, "SELECT id FROM composite_indexes WHERE code = $1 AND id <> $2", "ti", in->code, id) == DB_ROW) {
		fe_add(fe, "code", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_exec(db,
		    "UPDATE composite_indexes SET code = $1, name_vi = $2, name_en = $3, name_hi = $4, scope_id = $5, unit_kind = $6, "
		    "total_points = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
		    "ttttitdtii", in->code, in->name_vi, in->name_en, in->name_hi, in->scope_id, in->unit_kind && *in->unit_kind ? in->unit_kind : NULL,
		    in->total_points, now, id, version) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (db_changes(db) != 1) {
		rc = E_CONFLICT;
		goto out;
	}
	/* the criteria are replaced: the subs first (they name their main) */
	if (db_exec(db, "DELETE FROM index_criteria WHERE index_id = $1 AND parent_id IS NOT NULL", "i", id) != DB_OK ||
	    db_exec(db, "DELETE FROM index_criteria WHERE index_id = $1", "i", id) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if ((rc = insert_criteria(db, &a, id, in, ind_ids)) != E_OK) goto out;
	rc = audit_change(db, who, "update", "composite_index", id, before, ix_snapshot, NULL);
out:
	rc = db_tx_end(db, rc);
done:
	free(before);
	arena_free(&a);
	return rc;
}

int indexes_create(struct db *db, const struct user *who, const struct index_in *in, struct field_errors *fe, int64_t *id)
{
	char path[UNIT_PATH_MAX];
	if (units_path(db, in->scope_id, path, sizeof path) != E_OK) fe_add(fe, "scope", N_("No such unit"));
	struct arena a;
	arena_init(&a);
	int64_t *ind_ids = arena_alloc(&a, sizeof *ind_ids * (size_t)(in->ncrit > 0 ? in->ncrit : 1));
	check_index(db, &a, in, fe, ind_ids);
	int rc = E_OK;
	if (fe->n) rc = E_INVALID;
	else if (!role_can(who, PERM_INDICATOR_DEFINE, path)) rc = E_FORBIDDEN;
	if (rc != E_OK) goto done;
	rc = db_tx_begin(db);
	if (rc != E_OK) goto done;
	char now[21];
	now_iso(now);
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM composite_indexes WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_int1(db, id,
		    "INSERT INTO composite_indexes (code, name_vi, name_en, name_hi, scope_id, unit_kind, total_points, created_at, updated_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
		    "ttttitdt", in->code, in->name_vi, in->name_en, in->name_hi, in->scope_id,
		    in->unit_kind && *in->unit_kind ? in->unit_kind : NULL, in->total_points, now) != DB_ROW) {
		rc = E_DB;
		goto out;
	}
	if ((rc = insert_criteria(db, &a, *id, in, ind_ids)) != E_OK) goto out;
	rc = audit_add(db, who, "create", "composite_index", *id, NULL, NULL, in->code) == 0 ? E_OK : E_DB;
out:
	rc = db_tx_end(db, rc);
done:
	arena_free(&a);
	return rc;
}

/* ---- scoring and ranking ---- */

struct scored {
	int64_t unit_id;
	const char *code, *name;
	double score;
	int rank;
	int has;                         /* some value in the year */
	double *points, *values;
};

static int cmp_id(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->unit_id < y->unit_id ? -1 : x->unit_id > y->unit_id;
}

static struct scored *find_unit(struct scored *u, int n, int64_t id)
{
	struct scored key = { .unit_id = id };
	return bsearch(&key, u, (size_t)n, sizeof *u, cmp_id);
}

/* the values of one sub-criterion's indicator for every unit (NAN: none) */
static int read_values(struct db *db, const struct composite_index *ix, const struct index_criterion *c, int ci, const char *period,
		       struct scored *u, int n)
{
	for (int i = 0; i < n; i++) u[i].values[ci] = NAN;
	struct stmt *st;
	if (!strcmp(c->aggregation, "none"))
		st = db_query(db,
			      "SELECT v.unit_id, 1, v.value, COALESCE(v.numerator, 0), COALESCE(v.denominator, 0), v.value FROM units u "
			      "JOIN indicator_values v ON v.unit_id = u.id AND v.indicator_id = $2 AND v.period = $3 WHERE u.parent_id = $1",
			      "iit", ix->scope_id, c->indicator_id, period);
	else
		st = db_query(db,
			      "SELECT r.unit_id, r.n, r.total, r.num, r.den, r.latest FROM units u "
			      "JOIN indicator_rollup r ON r.unit_id = u.id AND r.indicator_id = $2 AND r.period = $3 WHERE u.parent_id = $1",
			      "iit", ix->scope_id, c->indicator_id, period);
	if (!st) return E_DB;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct scored *s = find_unit(u, n, db_int(st, 0));
		double v;
		if (s && ind_aggregate(strcmp(c->aggregation, "none") ? c->aggregation : "latest", c->factor, db_int(st, 1), db_double(st, 2),
				       db_double(st, 3), db_double(st, 4), db_double(st, 5), &v)) {
			s->values[ci] = v;
			s->has = 1;
		}
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

static _Thread_local const char *t_dir;
static _Thread_local int t_ci;

static int cmp_value(const void *a, const void *b)
{
	const struct scored *const *x = a, *const *y = b;
	double vx = (*x)->values[t_ci], vy = (*y)->values[t_ci];
	if (!strcmp(t_dir, "lower")) return vx < vy ? -1 : vx > vy;
	return vx > vy ? -1 : vx < vy;
}

/* points of a rank criterion: units with a value ranked by it, ties sharing the better rank */
static void rank_points(struct arena *a, const struct index_criterion *c, int ci, struct scored *u, int n)
{
	struct scored **with = arena_alloc(a, sizeof *with * (size_t)(n ? n : 1));
	int m = 0;
	for (int i = 0; i < n; i++)
		if (!isnan(u[i].values[ci])) with[m++] = &u[i];
	t_dir = c->direction ? c->direction : "higher";
	t_ci = ci;
	qsort(with, (size_t)m, sizeof *with, cmp_value);
	for (int i = 0, rank = 1; i < m; i++) {
		if (i > 0 && with[i]->values[ci] != with[i - 1]->values[ci]) rank = i + 1;
		with[i]->points[ci] = index_points(c, with[i]->values[ci], rank, m);
	}
}

static int cmp_score(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	if (fabs(x->score - y->score) > 1e-9) return x->score > y->score ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* scores the units (sorted by id on entry) for one period; leaves them sorted best first with ranks */
static int score_year(struct db *db, struct arena *a, const struct composite_index *ix, const char *period, struct scored *u, int n)
{
	for (int i = 0; i < n; i++) {
		u[i].points = arena_alloc(a, sizeof(double) * (size_t)(ix->ncrit ? ix->ncrit : 1));
		u[i].values = arena_alloc(a, sizeof(double) * (size_t)(ix->ncrit ? ix->ncrit : 1));
		u[i].has = 0;
		u[i].score = 0;
		for (int k = 0; k < ix->ncrit; k++) u[i].values[k] = NAN;
	}
	for (int k = 0; k < ix->ncrit; k++) {
		const struct index_criterion *c = &ix->crit[k];
		if (!c->parent_id) continue;
		int rc = read_values(db, ix, c, k, period, u, n);
		if (rc != E_OK) return rc;
		if (!strcmp(c->method, "rank")) rank_points(a, c, k, u, n);
		else
			for (int i = 0; i < n; i++) u[i].points[k] = index_points(c, u[i].values[k], 0, 0);
	}
	/* mains: the sum of their subs; the score: the sum of the mains */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ix->ncrit; k++) {
			const struct index_criterion *c = &ix->crit[k];
			if (!c->parent_id) continue;
			u[i].score += u[i].points[k];
			for (int m = 0; m < ix->ncrit; m++)
				if (ix->crit[m].id == c->parent_id) u[i].points[m] += u[i].points[k];
		}
	if (n > 1) qsort(u, (size_t)n, sizeof *u, cmp_score);
	for (int i = 0; i < n; i++) u[i].rank = i > 0 && fabs(u[i].score - u[i - 1].score) <= 1e-9 ? u[i - 1].rank : i + 1;
	return E_OK;
}

/* the units an index ranks: the active children of its scope (of its kind), sorted by id */
static int index_units(struct db *db, struct arena *a, const struct composite_index *ix, struct scored **out, int *n)
{
	*n = 0;
	*out = NULL;
	struct stmt *st = ix->unit_kind && *ix->unit_kind
				  ? db_query(db, "SELECT id, code, name FROM units WHERE parent_id = $1 AND active = 1 AND kind = $2 ORDER BY id",
					     "it", ix->scope_id, ix->unit_kind)
				  : db_query(db, "SELECT id, code, name FROM units WHERE parent_id = $1 AND active = 1 ORDER BY id", "i",
					     ix->scope_id);
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct scored *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *out, sizeof *more * (size_t)*n);
			*out = more;
		}
		struct scored *s = &(*out)[(*n)++];
		s->unit_id = db_int(st, 0);
		s->code = arena_strdup(a, db_text(st, 1));
		s->name = arena_strdup(a, db_text(st, 2));
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int indexes_rank(struct db *db, struct arena *a, int64_t index_id, int year, const char *lang, struct index_ranking **out)
{
	struct composite_index *ix;
	int rc = indexes_get(db, a, index_id, lang, &ix);
	if (rc != E_OK) return rc;
	if (year < 1900 || year > 2999) return E_INVALID;
	struct scored *u, *p;
	int n;
	if ((rc = index_units(db, a, ix, &u, &n)) != E_OK) return rc;
	p = arena_alloc(a, sizeof *p * (size_t)(n ? n : 1));
	if (n) memcpy(p, u, sizeof *p * (size_t)n);
	char period[IND_PERIOD_MAX], prev[IND_PERIOD_MAX];
	snprintf(period, sizeof period, "%04d", year);
	snprintf(prev, sizeof prev, "%04d", year - 1);
	if ((rc = score_year(db, a, ix, prev, p, n)) != E_OK) return rc;
	if ((rc = score_year(db, a, ix, period, u, n)) != E_OK) return rc;
	/* last year's, found by unit: sort it back by id */
	qsort(p, (size_t)n, sizeof *p, cmp_id);
	struct index_ranking *r = arena_alloc(a, sizeof *r);
	r->ix = ix;
	r->year = year;
	r->nrows = n;
	r->rows = arena_alloc(a, sizeof *r->rows * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		struct index_row *row = &r->rows[i];
		row->unit_id = u[i].unit_id;
		row->unit_code = u[i].code;
		row->unit_name = u[i].name;
		row->score = u[i].score;
		row->rank = u[i].rank;
		row->points = u[i].points;
		row->values = u[i].values;
		struct scored *q = find_unit(p, n, u[i].unit_id);
		if (q && q->has) {
			row->has_prev = 1;
			row->prev_score = q->score;
			row->prev_rank = q->rank;
		}
	}
	*out = r;
	return E_OK;
}

int index_score(struct db *db, const char *index_code, int64_t unit_id, int year, double *points)
{
	struct arena a;
	arena_init(&a);
	struct composite_index *ix;
	struct index_ranking *r;
	int rc = indexes_find(db, &a, index_code, "en", &ix);
	if (rc == E_OK) rc = indexes_rank(db, &a, ix->id, year, "en", &r);
	if (rc == E_OK) {
		rc = E_NOTFOUND;
		for (int i = 0; i < r->nrows; i++)
			if (r->rows[i].unit_id == unit_id) {
				*points = r->rows[i].score;
				rc = E_OK;
			}
	}
	arena_free(&a);
	return rc;
}
