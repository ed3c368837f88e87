/* The year's ranking and bias report from its submitted cards (clusters.h,
** the methods in scoring.c). Everything is computed from scratch on each
** call: a bloc of 500 members with 11 cards each and 300 criteria is read
** in one pass over its scores (make bench). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "clusters_int.h"

static int member_index(const struct cyear *y, int64_t unit_id)
{
	/* members are few per year; the bench's 500 make this a short scan per card, not per score */
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == unit_id) return i;
	return -1;
}

static int crit_kind(const char *k)
{
	return !strcmp(k, "score") ? CK_SCORE : !strcmp(k, "bonus") ? CK_BONUS : !strcmp(k, "penalty") ? CK_PENALTY : CK_GROUP;
}

/* the submitted cross cards with their points per criterion (indexes of y->crit) */
static int load_cards(struct db *db, struct arena *a, const struct cyear *y, struct sc_card **out, int *n)
{
	int64_t total = 0;
	*n = 0;
	db_int1(db, &total, "SELECT count(*) FROM cluster_scorecards WHERE cluster_year_id = $1 AND kind = 'cross' AND status = 'submitted'", "i", y->id);
	struct sc_card *cards = arena_alloc(a, sizeof *cards * (size_t)(total + 1));
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)(total + 1));
	int64_t *pts = arena_alloc(a, sizeof *pts * (size_t)((total + 1) * (y->ncrit + 1)));
	struct stmt *st = db_query(db,
				   "SELECT id, scorer_id, target_id, total_c FROM cluster_scorecards WHERE cluster_year_id = $1 AND kind = 'cross' "
				   "AND status = 'submitted' ORDER BY id",
				   "i", y->id);
	if (!st) return E_DB;
	while (*n < total && db_step(st) == DB_ROW) {
		struct sc_card *c = &cards[*n];
		ids[*n] = db_int(st, 0);
		c->scorer = member_index(y, db_int(st, 1));
		c->target = member_index(y, db_int(st, 2));
		c->total_c = db_int(st, 3);
		c->points_c = pts + (size_t)*n * (size_t)(y->ncrit + 1);
		(*n)++;
	}
	db_done(st);
	/* the points of each card: one index range each (no sort of the whole year's points) */
	for (int i = 0; i < *n; i++) {
		st = db_query(db, "SELECT criterion_id, points_c FROM cluster_scores WHERE scorecard_id = $1", "i", ids[i]);
		if (!st) return E_DB;
		int64_t *pc = (int64_t *)cards[i].points_c;
		int ck = 0;
		while (db_step(st) == DB_ROW) {
			int64_t crit = db_int(st, 0);
			/* the sheet's ids follow its order, as the rows do: the next criterion is the first guess */
			if (ck >= y->ncrit || y->crit[ck].id != crit) {
				ck = 0;
				while (ck < y->ncrit && y->crit[ck].id != crit) ck++;
			}
			if (ck < y->ncrit) pc[ck] = db_int(st, 1);
			ck++;
		}
		db_done(st);
	}
	*out = cards;
	return E_OK;
}

static void fill_neighbours(struct ranking *k)
{
	for (int i = 0; i < k->n; i++) {
		struct rank_row *row = &k->rows[i];
		if (row->r.vs < 0) continue;
		for (int j = 0; j < k->n; j++)
			if (k->rows[j].r.member == row->r.vs) {
				row->vs_name = k->rows[j].unit.name;
				row->vs_total = k->rows[j].r.total;
				row->vs_bonus = k->rows[j].r.bonus;
				row->vs_at_max = k->rows[j].r.at_max;
			}
	}
}

int cluster_ranking(struct db *db, struct arena *a, struct cyear *y, struct ranking **out)
{
	struct ranking *k = arena_alloc(a, sizeof *k);
	k->y = y;
	int nm = y->nmembers;
	int *kind = arena_alloc(a, sizeof *kind * (size_t)(y->ncrit + 1));
	int64_t *max_c = arena_alloc(a, sizeof *max_c * (size_t)(y->ncrit + 1));
	for (int i = 0; i < y->ncrit; i++) {
		kind[i] = crit_kind(y->crit[i].kind);
		max_c[i] = y->crit[i].max_c;
	}
	struct sc_sheet sheet = { y->ncrit, kind, max_c };
	struct sc_card *cards;
	int ncards;
	int rc = load_cards(db, a, y, &cards, &ncards);
	if (rc != E_OK) return rc;
	k->submitted = ncards;
	k->expected = !strcmp(y->cross_mode, "all") ? (int64_t)nm * (nm - 1) : (y->leader.id ? nm - 1 : 0) + (y->leader.id && y->deputy.id ? 1 : 0);
	struct sc_result *res = arena_alloc(a, sizeof *res * (size_t)(nm + 1));
	enum score_method m = !strcmp(y->method, "leader") ? SM_LEADER : !strcmp(y->method, "trimmed") ? SM_TRIMMED : SM_MEAN;
	if (sc_final(&sheet, cards, ncards, nm, m, y->trim, member_index(y, y->leader.id), member_index(y, y->deputy.id), a, res) != 0) return E_DB;
	/* the organiser's decisions and the self-assessments */
	int *org = arena_alloc(a, sizeof *org * (size_t)(nm + 1));
	const char **why = arena_alloc(a, sizeof *why * (size_t)(nm + 1));
	struct stmt *st = db_query(db, "SELECT unit_id, rank_order, reason FROM cluster_tiebreaks WHERE cluster_year_id = $1", "i", y->id);
	while (st && db_step(st) == DB_ROW) {
		int i = member_index(y, db_int(st, 0));
		if (i < 0) continue;
		org[i] = (int)db_int(st, 1);
		why[i] = arena_strdup(a, db_text(st, 2));
	}
	db_done(st);
	int *has_self = arena_alloc(a, sizeof *has_self * (size_t)(nm + 1));
	int64_t *self_c = arena_alloc(a, sizeof *self_c * (size_t)(nm + 1));
	st = db_query(db, "SELECT target_id, total_c FROM cluster_scorecards WHERE cluster_year_id = $1 AND kind = 'self' AND status = 'submitted'", "i", y->id);
	while (st && db_step(st) == DB_ROW) {
		int i = member_index(y, db_int(st, 0));
		if (i >= 0) { has_self[i] = 1; self_c[i] = db_int(st, 1); }
	}
	db_done(st);
	int *order = arena_alloc(a, sizeof *order * (size_t)(nm + 1));
	sc_rank(res, nm, org, order);
	k->rows = arena_alloc(a, sizeof *k->rows * (size_t)(nm + 1));
	for (int i = 0; i < nm; i++) {
		struct rank_row *row = &k->rows[k->n++];
		int mi = order[i];
		row->unit = y->members[mi];
		row->r = res[mi];
		row->has_self = has_self[mi];
		row->self_total = (double)self_c[mi] / 100.0;
		row->decision = why[mi];
		row->decision_order = org[mi];
	}
	fill_neighbours(k);
	struct sc_bias *b = arena_alloc(a, sizeof *b * (size_t)(nm + 1));
	sc_bias(cards, ncards, nm, b, &k->nbias);
	k->bias = arena_alloc(a, sizeof *k->bias * (size_t)(k->nbias + 1));
	for (int i = 0; i < k->nbias; i++) {
		k->bias[i].unit = y->members[b[i].scorer];
		k->bias[i].b = b[i];
	}
	*out = k;
	return E_OK;
}

const char *rank_reason_code(enum rank_reason r)
{
	static const char *const codes[] = {
		[RR_UNSCORED] = "unscored", [RR_ALONE] = "alone", [RR_POINTS] = "points", [RR_AT_MAX] = "criteria_at_max",
		[RR_BONUS] = "bonus", [RR_ORGANISER] = "organiser", [RR_TIED] = "tied",
	};
	return r >= 0 && r <= RR_TIED ? codes[r] : "";
}

void ranking_json(struct jw *w, const struct ranking *k)
{
	const struct cyear *y = k->y;
	jw_obj(w);
	jw_kint(w, "cluster_id", y->cluster_id);
	jw_kint(w, "year", y->year);
	jw_kstr(w, "method", y->method);
	jw_kint(w, "trim", y->trim);
	jw_kstr(w, "cross_mode", y->cross_mode);
	jw_kint(w, "cards_submitted", k->submitted);
	jw_kint(w, "cards_expected", k->expected);
	jw_key(w, "ranking");
	jw_arr(w);
	for (int i = 0; i < k->n; i++) {
		const struct rank_row *row = &k->rows[i];
		jw_obj(w);
		jw_key(w, "place");
		if (row->r.place) jw_int(w, row->r.place);
		else jw_null(w);
		cl_unit_json(w, "unit", &row->unit);
		jw_key(w, "total");
		if (row->r.nused) cl_points(w, NULL, row->r.total);
		else jw_null(w);
		jw_key(w, "self_total");
		if (row->has_self) cl_points(w, NULL, row->self_total);
		else jw_null(w);
		jw_kint(w, "cards", row->r.nused);
		jw_kint(w, "criteria_at_max", row->r.at_max);
		cl_points(w, "bonus", row->r.bonus);
		jw_kstr(w, "reason", rank_reason_code(row->r.reason));
		jw_kstr(w, "compared_with", row->vs_name);
		jw_kstr(w, "decision", row->r.reason == RR_ORGANISER ? row->decision : NULL);
		jw_key(w, "criteria");
		jw_obj(w);
		for (int c = 0; c < y->ncrit && row->r.nused; c++)
			if (strcmp(y->crit[c].kind, "group")) cl_points(w, y->crit[c].code, row->r.crit[c]);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "bias");
	jw_arr(w);
	for (int i = 0; i < k->nbias; i++) {
		const struct bias_row *b = &k->bias[i];
		jw_obj(w);
		cl_unit_json(w, "scorer", &b->unit);
		jw_kint(w, "targets", b->b.ntargets);
		cl_points(w, "mean_difference", b->b.mean_diff);
		jw_key(w, "z");
		jw_num(w, round(b->b.z * 1000.0) / 1000.0);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
