/* The scoring methods, the ranking and the bias report (scoring.h). */
#include "scoring.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"

/* the cards of one member, sorted by total then scorer (a trimmed mean drops the same cards every time) */
static int by_total(const void *x, const void *y)
{
	const struct sc_card *a = *(const struct sc_card *const *)x, *b = *(const struct sc_card *const *)y;
	if (a->total_c != b->total_c) return a->total_c < b->total_c ? -1 : 1;
	return (a->scorer > b->scorer) - (a->scorer < b->scorer);
}

/* adds one counted card to a member's result */
static void count_card(const struct sc_sheet *sheet, struct sc_result *r, int64_t *crit_c, const struct sc_card *c)
{
	r->nused++;
	r->sum_c += c->total_c;
	for (int k = 0; k < sheet->ncrit && c->points_c; k++) {
		crit_c[k] += c->points_c[k];
		if (sheet->kind[k] == CK_BONUS) r->bonus_c += c->points_c[k];
	}
}

/* the counted sums in points, and the criteria at maximum */
static void finish(const struct sc_sheet *sheet, struct sc_result *r, const int64_t *crit_c)
{
	if (!r->nused) return;
	r->total = (double)r->sum_c / r->nused / 100.0;
	r->bonus = (double)r->bonus_c / r->nused / 100.0;
	for (int k = 0; k < sheet->ncrit; k++) {
		r->crit[k] = (double)crit_c[k] / r->nused / 100.0;
		if (sheet->kind[k] == CK_SCORE && sheet->max_c[k] > 0 && crit_c[k] == sheet->max_c[k] * r->nused) r->at_max++;
	}
}

int sc_final(const struct sc_sheet *sheet, const struct sc_card *cards, int ncards, int nmembers, enum score_method method,
	     int trim, int leader, int deputy, struct arena *a, struct sc_result *res)
{
	/* the cards of each member, grouped: counts, then offsets */
	int *start = calloc((size_t)nmembers + 1, sizeof *start);
	const struct sc_card **by = malloc(sizeof *by * (size_t)(ncards + 1));
	int64_t *crit_c = malloc(sizeof *crit_c * (size_t)(sheet->ncrit + 1));
	if (!start || !by || !crit_c) { free(start); free(by); free(crit_c); return -1; }
	for (int i = 0; i < ncards; i++)
		if (cards[i].target >= 0 && cards[i].target < nmembers && cards[i].scorer != cards[i].target) start[cards[i].target + 1]++;
	for (int m = 0; m < nmembers; m++) start[m + 1] += start[m];
	int *fill = calloc((size_t)nmembers + 1, sizeof *fill);
	if (!fill) { free(start); free(by); free(crit_c); return -1; }
	for (int i = 0; i < ncards; i++) {
		int t = cards[i].target;
		if (t >= 0 && t < nmembers && cards[i].scorer != t) by[start[t] + fill[t]++] = &cards[i];
	}
	free(fill);
	for (int m = 0; m < nmembers; m++) {
		struct sc_result *r = &res[m];
		memset(r, 0, sizeof *r);
		r->member = m;
		r->vs = -1;
		r->crit = arena_alloc(a, sizeof *r->crit * (size_t)(sheet->ncrit + 1));
		memset(crit_c, 0, sizeof *crit_c * (size_t)(sheet->ncrit + 1));
		const struct sc_card **mine = by + start[m];
		int n = start[m + 1] - start[m], lo = 0, hi = n;
		if (method == SM_LEADER) {
			int who = m == leader ? deputy : leader;
			for (int i = 0; i < n; i++)
				if (mine[i]->scorer == who && who >= 0) { count_card(sheet, r, crit_c, mine[i]); break; }
		} else {
			if (method == SM_TRIMMED && n > 2 * trim) {
				qsort(mine, (size_t)n, sizeof *mine, by_total);
				lo = trim;
				hi = n - trim;
			}
			for (int i = lo; i < hi; i++) count_card(sheet, r, crit_c, mine[i]);
		}
		finish(sheet, r, crit_c);
	}
	free(start);
	free(by);
	free(crit_c);
	return 0;
}

/* ---- ranking ---- */

/* qsort has no context argument in C11: the comparison reads these, per thread */
static __thread const struct sc_result *rank_res;
static __thread const int *rank_org;

/* which rule separates a and b (RR_TIED: none); *c < 0 when a goes first */
static enum rank_reason separate(const struct sc_result *a, const struct sc_result *b, const int *org, int *c)
{
	*c = 0;
	if (!a->nused || !b->nused) {
		*c = (b->nused > 0) - (a->nused > 0);
		return RR_UNSCORED;
	}
	/* a's score sum_a / n_a against b's, as exact fractions */
	int64_t x = a->sum_c * b->nused, y = b->sum_c * a->nused;
	if (x != y) { *c = x > y ? -1 : 1; return RR_POINTS; }
	if (a->at_max != b->at_max) { *c = a->at_max > b->at_max ? -1 : 1; return RR_AT_MAX; }
	x = a->bonus_c * b->nused;
	y = b->bonus_c * a->nused;
	if (x != y) { *c = x > y ? -1 : 1; return RR_BONUS; }
	int oa = org && org[a->member] > 0 ? org[a->member] : 0, ob = org && org[b->member] > 0 ? org[b->member] : 0;
	if (oa && ob && oa != ob) { *c = oa < ob ? -1 : 1; return RR_ORGANISER; }
	return RR_TIED;
}

static int rank_cmp(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y, c;
	separate(&rank_res[a], &rank_res[b], rank_org, &c);
	return c ? c : (a > b) - (a < b);
}

void sc_rank(struct sc_result *res, int n, const int *organiser_order, int *order)
{
	for (int i = 0; i < n; i++) order[i] = i;
	rank_res = res;
	rank_org = organiser_order;
	qsort(order, (size_t)n, sizeof *order, rank_cmp);
	int ranked = 0;
	for (int i = 0; i < n; i++) ranked += res[order[i]].nused > 0;
	for (int i = 0; i < n; i++) {
		struct sc_result *r = &res[order[i]];
		if (!r->nused) { r->place = 0; r->reason = RR_UNSCORED; r->vs = -1; continue; }
		if (ranked == 1) { r->place = 1; r->reason = RR_ALONE; r->vs = -1; continue; }
		int c;
		int other = i > 0 ? order[i - 1] : order[1];
		r->vs = other;
		r->reason = separate(r, &res[other], organiser_order, &c);
		r->place = i == 0 ? 1 : (r->reason == RR_TIED ? res[order[i - 1]].place : i + 1);
	}
}

/* ---- the bias report ---- */

void sc_bias(const struct sc_card *cards, int ncards, int nmembers, struct sc_bias *out, int *nout)
{
	int64_t *sum = calloc((size_t)nmembers + 1, sizeof *sum);
	int *cnt = calloc((size_t)nmembers + 1, sizeof *cnt), *nt = calloc((size_t)nmembers + 1, sizeof *nt);
	double *dsum = calloc((size_t)nmembers + 1, sizeof *dsum);
	*nout = 0;
	if (!sum || !cnt || !nt || !dsum) goto out;
	for (int i = 0; i < ncards; i++) {
		const struct sc_card *c = &cards[i];
		if (c->scorer == c->target || c->target < 0 || c->target >= nmembers) continue;
		sum[c->target] += c->total_c;
		cnt[c->target]++;
	}
	for (int i = 0; i < ncards; i++) {
		const struct sc_card *c = &cards[i];
		if (c->scorer == c->target || c->target < 0 || c->target >= nmembers || c->scorer < 0 || c->scorer >= nmembers) continue;
		int others = cnt[c->target] - 1;
		if (others < 1) continue;
		double mean_others = (double)(sum[c->target] - c->total_c) / others;
		dsum[c->scorer] += ((double)c->total_c - mean_others) / 100.0;
		nt[c->scorer]++;
	}
	double mu = 0, var = 0;
	for (int s = 0; s < nmembers; s++) {
		if (!nt[s]) continue;
		struct sc_bias *b = &out[(*nout)++];
		b->scorer = s;
		b->ntargets = nt[s];
		b->mean_diff = dsum[s] / nt[s];
		b->z = 0;
		mu += b->mean_diff;
	}
	if (*nout) mu /= *nout;
	for (int i = 0; i < *nout; i++) var += (out[i].mean_diff - mu) * (out[i].mean_diff - mu);
	double sd = *nout ? sqrt(var / *nout) : 0;
	for (int i = 0; i < *nout && sd > 1e-12; i++) out[i].z = (out[i].mean_diff - mu) / sd;
out:
	free(sum);
	free(cnt);
	free(nt);
	free(dsum);
}
