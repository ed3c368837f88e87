/* The live roll-up of indicator values (indicators.h).
**
** indicator_rollup keeps, per (indicator, unit, period), the count, sum,
** numerator and denominator sums and the latest value of every value entered
** in the unit's subtree, the unit itself included. A change of one value
** moves the rows of the unit and of each ancestor (the ids of its
** materialised path) by the difference, in the writer's transaction: a
** figure is then one row read, whatever the size of the subtree, and a
** parent's row is by construction the aggregate of its children's values —
** the tests compare it with a fresh aggregate (rollup_rebuild). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../units/units.h"
#include "indicators.h"

int rollup_apply(struct db *db, int64_t indicator_id, const char *unit_path, const char *period, const struct ind_contrib *before,
		 const struct ind_contrib *after)
{
	int64_t dn = (after ? 1 : 0) - (before ? 1 : 0);
	double dt = (after ? after->value : 0) - (before ? before->value : 0);
	double dnum = (after ? after->num : 0) - (before ? before->num : 0);
	double dden = (after ? after->den : 0) - (before ? before->den : 0);
	/* latest: the value just entered is the newest of every ancestor's subtree */
	int64_t seq = after ? after->seq : 0;
	double latest = after ? after->value : 0;
	for (const char *p = unit_path; p && *p == '/' && p[1];) {
		char *end;
		int64_t id = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/') return E_INVALID;
		int rc;
		if (after)
			rc = db_exec(db,
				     "INSERT INTO indicator_rollup (indicator_id, unit_id, period, n, total, num, den, latest_seq, latest) "
				     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET "
				     "n = indicator_rollup.n + excluded.n, total = indicator_rollup.total + excluded.total, "
				     "num = indicator_rollup.num + excluded.num, den = indicator_rollup.den + excluded.den, "
				     "latest_seq = excluded.latest_seq, latest = excluded.latest",
				     "iitidddid", indicator_id, id, period, dn, dt, dnum, dden, seq, latest);
		else
			rc = db_exec(db,
				     "UPDATE indicator_rollup SET n = n + $1, total = total + $2, num = num + $3, den = den + $4 "
				     "WHERE indicator_id = $5 AND unit_id = $6 AND period = $7",
				     "idddiit", dn, dt, dnum, dden, indicator_id, id, period);
		if (rc != DB_OK) return E_DB;
		p = end;
	}
	return E_OK;
}

int rollup_rebuild(struct db *db)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	/* each value counts for its unit and every ancestor: the pairs (unit,
	** ancestor-or-self) walked up the parents, units × depth rows */
	if (db_exec(db, "DELETE FROM indicator_rollup", "") != DB_OK ||
	    db_exec(db,
		    "INSERT INTO indicator_rollup (indicator_id, unit_id, period, n, total, num, den, latest_seq, latest) "
		    "WITH RECURSIVE anc(unit_id, ancestor_id) AS (SELECT id, id FROM units "
		    "UNION ALL SELECT a.unit_id, u.parent_id FROM anc a JOIN units u ON u.id = a.ancestor_id WHERE u.parent_id IS NOT NULL) "
		    "SELECT v.indicator_id, a.ancestor_id, v.period, count(*), sum(v.value), COALESCE(sum(v.numerator), 0), "
		    "COALESCE(sum(v.denominator), 0), max(v.seq), 0 FROM indicator_values v "
		    "JOIN indicators i ON i.id = v.indicator_id AND i.aggregation <> 'none' "
		    "JOIN anc a ON a.unit_id = v.unit_id GROUP BY v.indicator_id, a.ancestor_id, v.period",
		    "") != DB_OK ||
	    db_exec(db,
		    "UPDATE indicator_rollup SET latest = (SELECT v.value FROM indicator_values v WHERE v.seq = indicator_rollup.latest_seq)",
		    "") != DB_OK)
		rc = E_DB;
	return db_tx_end(db, rc);
}

/* Values are stored as multiples of 10^-6 (ind_round), so every exact sum is
** one too; the sums kept by adding differences drift by a few ulps (1000 +
** (1.2 − 1000) is 1.2000000000000455), which snapping back to 10^-6 removes
** while the sum stays below 10^9 (beyond it the drift is far below 10^-6 of
** the value, and the value is shown rounded anyway). */
static double snap(double x) { return fabs(x) < 1e9 ? round(x * 1e6) / 1e6 : x; }

int ind_aggregate(const char *aggregation, double factor, int64_t n, double total, double num, double den, double latest, double *out)
{
	*out = 0;
	total = snap(total);
	num = snap(num);
	den = snap(den);
	if (n <= 0) return 0;
	if (!strcmp(aggregation, "sum")) *out = total;
	else if (!strcmp(aggregation, "mean")) *out = total / (double)n;
	else if (!strcmp(aggregation, "weighted")) {
		if (den <= 0) return 0;
		*out = factor * num / den;
	} else *out = latest;
	return 1;
}

static int own_value(struct db *db, int64_t indicator_id, int64_t unit_id, const char *period, struct ind_figure *out)
{
	struct stmt *st = db_query(db,
				   "SELECT value, COALESCE(numerator, 0), COALESCE(denominator, 0) FROM indicator_values "
				   "WHERE indicator_id = $1 AND unit_id = $2 AND period = $3",
				   "iit", indicator_id, unit_id, period);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->has = 1;
		out->n = 1;
		out->value = out->total = db_double(st, 0);
		out->num = db_double(st, 1);
		out->den = db_double(st, 2);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? E_OK : E_DB;
}

static int target_of(struct db *db, const struct indicator *x, int64_t unit_id, const char *period, struct ind_figure *out)
{
	struct stmt *st = db_query(db, "SELECT target FROM indicator_targets WHERE indicator_id = $1 AND unit_id = $2 AND period = $3",
				   "iit", x->id, unit_id, period);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->has_target = 1;
		out->target = db_double(st, 0);
		if (out->has)
			out->has_achievement = indicator_achievement(x->direction, out->value, out->target, &out->achievement);
	}
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? E_OK : E_DB;
}

int indicator_figure(struct db *db, const struct indicator *x, int64_t unit_id, const char *period, struct ind_figure *out)
{
	memset(out, 0, sizeof *out);
	int rc;
	if (!strcmp(x->aggregation, "none")) {
		rc = own_value(db, x->id, unit_id, period, out);
		return rc == E_OK ? target_of(db, x, unit_id, period, out) : rc;
	}
	struct stmt *st = db_query(db,
				   "SELECT n, total, num, den, latest FROM indicator_rollup WHERE indicator_id = $1 AND unit_id = $2 AND period = $3",
				   "iit", x->id, unit_id, period);
	if (!st) return E_DB;
	rc = db_step(st);
	if (rc == DB_ROW) {
		out->n = db_int(st, 0);
		out->total = db_double(st, 1);
		out->num = db_double(st, 2);
		out->den = db_double(st, 3);
		out->has = ind_aggregate(x->aggregation, x->factor, out->n, out->total, out->num, out->den, db_double(st, 4), &out->value);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) return E_DB;
	return target_of(db, x, unit_id, period, out);
}

int indicator_value(struct db *db, const char *indicator_code, int64_t unit_id, const char *period, double *out)
{
	struct arena a;
	arena_init(&a);
	struct indicator *x;
	struct ind_figure f;
	int rc = indicators_find(db, &a, indicator_code, "en", &x);
	if (rc == E_OK) rc = indicator_figure(db, x, unit_id, period, &f);
	if (rc == E_OK && !f.has) rc = E_NOTFOUND;
	if (rc == E_OK) *out = f.value;
	arena_free(&a);
	return rc;
}
