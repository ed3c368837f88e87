/* Secret-ballot rounds (votes.h). */
#include "votes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"

const char *const vote_bases[] = { "all_members", "present", NULL };
const char *const vote_statuses[] = { "draft", "open", "closed", NULL };

/* ---- reading ---- */

#define ROUND_COLS                                                                                                         \
	"v.id, v.title, v.unit_id, u.code, u.name, u.path, v.proposal_id, p.code, p.title, v.threshold_bp, v.base, "        \
	"v.max_choices, v.quota_bp, v.quota_of, v.status, v.voters, v.present, v.ballots, v.version, v.created_by, us.login, " \
	"v.created_at, v.updated_at, v.opened_at, v.closed_at, v.cluster_year_id"
#define ROUND_FROM                                                                                                  \
	" FROM vote_rounds v JOIN units u ON u.id = v.unit_id LEFT JOIN proposals p ON p.id = v.proposal_id " \
	"LEFT JOIN users us ON us.id = v.created_by"

static void read_round(struct stmt *st, struct arena *a, struct vote_round *v)
{
	memset(v, 0, sizeof *v);
	v->id = db_int(st, 0);
	v->title = arena_strdup(a, db_text(st, 1));
	v->unit_id = db_int(st, 2);
	v->unit_code = arena_strdup(a, db_text(st, 3));
	v->unit_name = arena_strdup(a, db_text(st, 4));
	v->unit_path = arena_strdup(a, db_text(st, 5));
	v->proposal_id = db_isnull(st, 6) ? 0 : db_int(st, 6);
	v->proposal_code = db_text_dup(st, a, 7);
	v->proposal_title = db_text_dup(st, a, 8);
	v->threshold_bp = db_int(st, 9);
	v->base = arena_strdup(a, db_text(st, 10));
	v->max_choices = db_isnull(st, 11) ? 0 : db_int(st, 11);
	v->has_quota = !db_isnull(st, 12);
	v->quota_bp = v->has_quota ? db_int(st, 12) : 0;
	v->quota_of = db_isnull(st, 13) ? 0 : db_int(st, 13);
	v->status = arena_strdup(a, db_text(st, 14));
	v->voters = db_int(st, 15);
	v->present = db_isnull(st, 16) ? -1 : db_int(st, 16);
	v->ballots = db_int(st, 17);
	v->version = db_int(st, 18);
	v->created_by = db_isnull(st, 19) ? 0 : db_int(st, 19);
	v->created_by_login = db_isnull(st, 20) ? "system" : arena_strdup(a, db_text(st, 20));
	v->created_at = arena_strdup(a, db_text(st, 21));
	v->updated_at = arena_strdup(a, db_text(st, 22));
	v->opened_at = db_text_dup(st, a, 23);
	v->closed_at = db_text_dup(st, a, 24);
	v->cluster_year_id = db_isnull(st, 25) ? 0 : db_int(st, 25);
}

int64_t votes_base_count(const struct vote_round *v)
{
	if (!strcmp(v->base, "present")) return v->present > 0 ? v->present : 0;
	return v->voters;
}

/* share and threshold from the stored yes count */
static void derive(const struct vote_round *v, struct vote_candidate *c)
{
	int64_t base = votes_base_count(v);
	c->share = base > 0 ? round((double)c->yes * 10000.0 / (double)base) / 100.0 : 0.0;
	/* yes / base ≥ threshold, in whole numbers: 9 of 10 meets 90%, 8 of 10 does not */
	c->threshold_met = base > 0 && c->yes * 10000 >= v->threshold_bp * base;
}

static int read_candidates(struct db *db, struct arena *a, struct vote_round *v)
{
	int64_t count = 0;
	db_int1(db, &count, "SELECT count(*) FROM vote_candidates WHERE round_id = $1", "i", v->id);
	v->cand = arena_alloc(a, sizeof *v->cand * (size_t)(count + 1));
	v->ncand = 0;
	struct stmt *st = db_query(db,
				   "SELECT c.id, c.label, c.unit_id, u.code, c.person_id, pp.code, c.nominee_id, c.yes, c.passed, c.over_quota, "
				   "c.quota_tie, pu.name, aw.name_vi, aw.name_en, aw.name_hi FROM vote_candidates c LEFT JOIN units u ON u.id = c.unit_id "
				   "LEFT JOIN people pp ON pp.id = c.person_id LEFT JOIN units pu ON pu.id = pp.unit_id "
				   "LEFT JOIN proposal_nominees n ON n.id = c.nominee_id LEFT JOIN awards aw ON aw.code = n.award_code "
				   "WHERE c.round_id = $1 ORDER BY c.position, c.id",
				   "i", v->id);
	if (!st) return E_DB;
	int closed = !strcmp(v->status, "closed");
	while (v->ncand < count && db_step(st) == DB_ROW) {
		struct vote_candidate *c = &v->cand[v->ncand++];
		memset(c, 0, sizeof *c);
		c->id = db_int(st, 0);
		c->label = arena_strdup(a, db_text(st, 1));
		c->unit_id = db_isnull(st, 2) ? 0 : db_int(st, 2);
		c->unit_code = db_text_dup(st, a, 3);
		c->person_id = db_isnull(st, 4) ? 0 : db_int(st, 4);
		c->person_code = db_text_dup(st, a, 5);
		c->nominee_id = db_isnull(st, 6) ? 0 : db_int(st, 6);
		c->person_unit = db_text_dup(st, a, 11);
		for (int k = 0; k < 3; k++) c->award_name[k] = db_text_dup(st, a, 12 + k);
		if (closed) {
			c->yes = db_isnull(st, 7) ? 0 : db_int(st, 7);
			c->passed = (int)db_int(st, 8);
			c->over_quota = (int)db_int(st, 9);
			c->quota_tie = (int)db_int(st, 10);
			derive(v, c);
		}
	}
	db_done(st);
	return E_OK;
}

const char *votes_candidate_label(struct arena *a, const struct vote_candidate *c, const char *lang)
{
	const char *vi = c->award_name[0];
	int k = lang && !strcmp(lang, "en") ? 1 : lang && !strcmp(lang, "hi") ? 2 : 0;
	if (!c->nominee_id || !vi || !*vi || !k || !c->award_name[k] || !*c->award_name[k]) return c->label;
	/* the stored label is "subject — award (vi)" (candidate_label): the subject as it was, the award in the reader's language */
	size_t n = strlen(c->label), m = strlen(vi), sep = strlen(" — ");
	if (n < m + sep || strcmp(c->label + n - m, vi) || strncmp(c->label + n - m - sep, " — ", sep)) return c->label;
	return arena_printf(a, "%.*s — %s", (int)(n - m - sep), c->label, c->award_name[k]);
}

void votes_localise(struct arena *a, struct vote_round *v, int n, const char *lang)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < v[i].ncand; k++) v[i].cand[k].label = votes_candidate_label(a, &v[i].cand[k], lang);
}

static int get_round(struct db *db, struct arena *a, int64_t id, struct vote_round **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " ROUND_COLS ROUND_FROM " WHERE v.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	struct vote_round *v = NULL;
	if (rc == DB_ROW) {
		v = arena_alloc(a, sizeof *v);
		read_round(st, a, v);
	}
	db_done(st);
	if (rc != DB_ROW) return rc == DB_DONE ? E_NOTFOUND : E_DB;
	*out = v;
	return E_OK;
}

int votes_get(struct db *db, struct arena *a, int64_t id, const struct user *who, struct vote_round **out)
{
	struct vote_round *v;
	int rc = get_round(db, a, id, &v);
	if (rc != E_OK) return rc;
	if (read_candidates(db, a, v) != E_OK) return E_DB;
	if (who && who->id > 0) {
		int64_t present = 0;
		v->is_voter = db_int1(db, &present, "SELECT present FROM vote_voters WHERE round_id = $1 AND user_id = $2", "ii", id, who->id) == DB_ROW;
		v->is_present = v->is_voter && present;
		int64_t one = 0;
		v->has_voted = db_int1(db, &one, "SELECT 1 FROM vote_cast WHERE round_id = $1 AND user_id = $2", "ii", id, who->id) == DB_ROW;
	}
	*out = v;
	return E_OK;
}

int votes_may_run(const struct user *who, const struct vote_round *v)
{
	if (!who) return 0;
	if (who->system) return 1;
	return (v->created_by && who->id == v->created_by) || role_can(who, PERM_RUN_VOTES, v->unit_path);
}

int votes_readable(const struct user *who, const struct vote_round *v)
{
	return votes_may_run(who, v) || v->is_voter || role_can(who, PERM_READ, v->unit_path);
}

int votes_list(struct db *db, struct arena *a, const struct user *who, int limit, struct vote_round **items, int *n)
{
	*items = arena_alloc(a, sizeof **items * (size_t)(limit + 1));
	*n = 0;
	/* the newest rounds; those the user may not read are skipped (a board runs tens a year) */
	struct stmt *st = db_query(db,
				   "SELECT " ROUND_COLS ", (SELECT count(*) FROM vote_voters w WHERE w.round_id = v.id AND w.user_id = $1), "
				   "(SELECT count(*) FROM vote_cast c WHERE c.round_id = v.id AND c.user_id = $1)" ROUND_FROM
				   " ORDER BY v.id DESC LIMIT 2000",
				   "i", who ? who->id : 0);
	if (!st) return E_DB;
	while (*n < limit && db_step(st) == DB_ROW) {
		struct vote_round *v = &(*items)[*n];
		read_round(st, a, v);
		v->is_voter = db_int(st, 26) > 0;
		v->has_voted = db_int(st, 27) > 0;
		if (votes_readable(who, v)) (*n)++;
	}
	db_done(st);
	return E_OK;
}

/* the rounds of a proposal or a cluster's year (col) that who may read
** (votes_readable), oldest first, at most 20, with their candidates: the
** proposal's and the cluster's pages are read by more people than a round.
** hidden (or NULL): the rounds past their draft that who may not read, so a
** page does not tell a reader outside the round that no vote was held */
static int rounds_of(struct db *db, struct arena *a, const char *col, int64_t id, const struct user *who, struct vote_round **items, int *n, int *hidden)
{
	*n = 0;
	if (hidden) *hidden = 0;
	*items = arena_alloc(a, sizeof **items * 21);
	struct stmt *st = db_query(db,
				   arena_printf(a,
						"SELECT " ROUND_COLS ", (SELECT count(*) FROM vote_voters w WHERE w.round_id = v.id AND w.user_id = $2), "
						"(SELECT count(*) FROM vote_cast c WHERE c.round_id = v.id AND c.user_id = $2)" ROUND_FROM
						" WHERE v.%s = $1 ORDER BY v.id LIMIT 2000",
						col),
				   "ii", id, who ? who->id : 0);
	if (!st) return E_DB;
	while (*n < 20 && db_step(st) == DB_ROW) {
		struct vote_round *v = &(*items)[*n];
		read_round(st, a, v);
		v->is_voter = db_int(st, 26) > 0;
		v->has_voted = db_int(st, 27) > 0;
		if (votes_readable(who, v)) (*n)++;
		else if (hidden && strcmp(v->status, "draft")) (*hidden)++;
	}
	db_done(st);
	for (int i = 0; i < *n; i++)
		if (read_candidates(db, a, &(*items)[i]) != E_OK) return E_DB;
	return E_OK;
}

int votes_of_proposal(struct db *db, struct arena *a, int64_t proposal_id, const struct user *who, struct vote_round **items, int *n)
{
	return rounds_of(db, a, "proposal_id", proposal_id, who, items, n, NULL);
}

int votes_of_cluster_year(struct db *db, struct arena *a, int64_t cluster_year_id, const struct user *who, struct vote_round **items, int *n, int *hidden)
{
	return rounds_of(db, a, "cluster_year_id", cluster_year_id, who, items, n, hidden);
}

const char *votes_none_text(struct arena *a, const char *lang, int hidden)
{
	if (!hidden) return i18n_get(lang, N_("No vote was held at this review."));
	return arena_printf(a, i18n_nget(lang, hidden, N_("%d vote was held at this review; its results are shown to its voters and to the organising body."),
					 N_("%d votes were held at this review; their results are shown to their voters and to the organising body.")), hidden);
}

/* ---- the tally ---- */

void votes_quota(const struct vote_round *v, struct vote_quota *q)
{
	memset(q, 0, sizeof *q);
	/* "không quá 20%" is a ceiling: 20% of 14 is 2.8, so 2 */
	q->limit = v->quota_bp * v->quota_of / 10000;
	for (int i = 0; i < v->ncand; i++) {
		q->passing += v->cand[i].threshold_met;
		q->tie |= v->cand[i].quota_tie;
	}
	q->ok = q->passing <= q->limit;
}

static int by_yes_desc(const void *x, const void *y)
{
	const struct vote_candidate *a = *(const struct vote_candidate *const *)x, *b = *(const struct vote_candidate *const *)y;
	if (a->yes != b->yes) return a->yes > b->yes ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* From the yes counts: met, and within the quota. Those that met the
** threshold are ranked by yes; the first `limit` pass, the rest are over the
** quota, except a group tied across the edge: none of it passes, each is
** marked, and a person decides (a new round among them). */
static void tally(struct vote_round *v, struct arena *a)
{
	struct vote_candidate **met = arena_alloc(a, sizeof *met * (size_t)(v->ncand + 1));
	int nmet = 0;
	for (int i = 0; i < v->ncand; i++) {
		struct vote_candidate *c = &v->cand[i];
		derive(v, c);
		c->passed = c->threshold_met;
		c->over_quota = c->quota_tie = 0;
		if (c->threshold_met) met[nmet++] = c;
	}
	if (!v->has_quota) return;
	int64_t limit = v->quota_bp * v->quota_of / 10000;
	if (nmet <= limit) return;
	qsort(met, (size_t)nmet, sizeof *met, by_yes_desc);
	int64_t edge = limit > 0 ? met[limit - 1]->yes : -1;   /* the last one within */
	int tied = limit > 0 && met[limit]->yes == edge;
	for (int i = 0; i < nmet; i++) {
		struct vote_candidate *c = met[i];
		if (tied && c->yes == edge) { c->passed = 0; c->quota_tie = 1; }
		else if (i >= limit || (tied && c->yes < edge)) { c->passed = 0; c->over_quota = 1; }
	}
}

/* ---- JSON ---- */

static void pct_json(struct jw *w, const char *k, int64_t bp)
{
	jw_key(w, k);
	jw_num(w, (double)bp / 100.0);
}

static void candidate_json(struct jw *w, const struct vote_candidate *c, int closed)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "label", c->label);
	jw_key(w, "unit_id");
	if (c->unit_id) jw_int(w, c->unit_id); else jw_null(w);
	jw_kstr(w, "unit_code", c->unit_code);
	jw_key(w, "person_id");
	if (c->person_id) jw_int(w, c->person_id); else jw_null(w);
	jw_kstr(w, "person_code", c->person_code);
	jw_key(w, "nominee_id");
	if (c->nominee_id) jw_int(w, c->nominee_id); else jw_null(w);
	if (closed) {
		jw_kint(w, "yes", c->yes);
		jw_key(w, "share");
		jw_num(w, c->share);
		jw_kbool(w, "threshold_met", c->threshold_met);
		jw_kbool(w, "passed", c->passed);
		jw_kbool(w, "over_quota", c->over_quota);
		jw_kbool(w, "quota_tie", c->quota_tie);
	}
	jw_obj_end(w);
}

static void rules_json(struct jw *w, const struct vote_round *v)
{
	pct_json(w, "threshold_pct", v->threshold_bp);
	jw_kstr(w, "base", v->base);
	jw_key(w, "max_choices");
	if (v->max_choices) jw_int(w, v->max_choices); else jw_null(w);
	jw_key(w, "quota_pct");
	if (v->has_quota) jw_num(w, (double)v->quota_bp / 100.0); else jw_null(w);
	jw_key(w, "quota_of");
	if (v->has_quota) jw_int(w, v->quota_of); else jw_null(w);
	jw_kint(w, "voters", v->voters);
	jw_key(w, "present");
	if (v->present >= 0) jw_int(w, v->present); else jw_null(w);
	jw_kint(w, "ballots", v->ballots);
}

void vote_round_json(struct jw *w, const struct vote_round *v)
{
	int closed = !strcmp(v->status, "closed");
	jw_obj(w);
	jw_kint(w, "id", v->id);
	jw_kstr(w, "title", v->title);
	jw_kstr(w, "status", v->status);
	jw_kstr(w, "unit_code", v->unit_code);
	jw_kstr(w, "unit_name", v->unit_name);
	jw_key(w, "proposal_id");
	if (v->proposal_id) jw_int(w, v->proposal_id); else jw_null(w);
	jw_kstr(w, "proposal_code", v->proposal_code);
	jw_key(w, "cluster_year_id");
	if (v->cluster_year_id) jw_int(w, v->cluster_year_id); else jw_null(w);
	rules_json(w, v);
	jw_kbool(w, "is_voter", v->is_voter);
	jw_kbool(w, "has_voted", v->has_voted);
	jw_kint(w, "version", v->version);
	jw_kstr(w, "created_by", v->created_by_login);
	jw_kstr(w, "created_at", v->created_at);
	jw_kstr(w, "opened_at", v->opened_at);
	jw_kstr(w, "closed_at", v->closed_at);
	if (v->cand) {
		jw_key(w, "candidates");
		jw_arr(w);
		for (int i = 0; i < v->ncand; i++) candidate_json(w, &v->cand[i], closed);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

void vote_result_json(struct jw *w, const struct vote_round *v)
{
	jw_obj(w);
	jw_kint(w, "id", v->id);
	jw_kstr(w, "title", v->title);
	rules_json(w, v);
	jw_kint(w, "base_count", votes_base_count(v));
	jw_kstr(w, "closed_at", v->closed_at);
	jw_key(w, "quota");
	if (v->has_quota) {
		struct vote_quota q;
		votes_quota(v, &q);
		jw_obj(w);
		pct_json(w, "pct", v->quota_bp);
		jw_kint(w, "of", v->quota_of);
		jw_kint(w, "limit", q.limit);
		jw_kint(w, "passing", q.passing);
		jw_kbool(w, "ok", q.ok);
		jw_kbool(w, "tie", q.tie);
		jw_obj_end(w);
	} else jw_null(w);
	jw_key(w, "candidates");
	jw_arr(w);
	for (int i = 0; i < v->ncand; i++) candidate_json(w, &v->cand[i], 1);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* the audit's view of a round: its rules, candidates and status; closed,
** the tally and who voted (by login, sorted: no order of casting) */
static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct vote_round *v;
	int rc = votes_get(db, a, id, NULL, &v);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_key(w, "round");
	vote_round_json(w, v);
	jw_key(w, "voters");
	jw_arr(w);
	struct stmt *st = db_query(db,
				   "SELECT us.login, w.present, (SELECT count(*) FROM vote_cast c WHERE c.round_id = w.round_id AND c.user_id = w.user_id) "
				   "FROM vote_voters w JOIN users us ON us.id = w.user_id WHERE w.round_id = $1 ORDER BY us.login",
				   "i", id);
	while (st && db_step(st) == DB_ROW) {
		jw_obj(w);
		jw_kstr(w, "login", db_text(st, 0));
		jw_kbool(w, "present", (int)db_int(st, 1));
		if (!strcmp(v->status, "closed")) jw_kbool(w, "voted", db_int(st, 2) > 0);
		jw_obj_end(w);
	}
	db_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
	return E_OK;
}

/* ---- writing ---- */

static int cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* the organising body: given, or the first unit where the user runs votes */
static int64_t organiser_unit(const struct user *who, int64_t given)
{
	if (given > 0) return given;
	for (int i = 0; i < who->ngrants; i++)
		if (role_can(who, PERM_RUN_VOTES, who->grants[i].unit_path)) return who->grants[i].unit_id;
	return 0;
}

int votes_person_candidate_ok(struct db *db, const struct user *who, int64_t round_id, int64_t person_id)
{
	struct stmt *st = db_query(db, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", person_id);
	int ok = -1;   /* -1: no such person */
	if (st && db_step(st) == DB_ROW) ok = role_can(who, PERM_READ, db_text(st, 0));
	db_done(st);
	if (ok >= 0 && !ok && round_id > 0) {
		/* kept from the round as it is: who runs it reads its candidates' labels already */
		int64_t one = 0;
		ok = db_int1(db, &one, "SELECT 1 FROM vote_candidates WHERE round_id = $1 AND person_id = $2", "ii", round_id, person_id) == DB_ROW;
	}
	return ok > 0;
}

int votes_may_hold_at(struct db *db, const struct user *who, int64_t cluster_year_id)
{
	struct stmt *st = db_query(db,
				   "SELECT o.path FROM cluster_years y JOIN clusters c ON c.id = y.cluster_id JOIN units o ON o.id = c.organiser_id "
				   "WHERE y.id = $1",
				   "i", cluster_year_id);
	int rc = -1;
	if (st && db_step(st) == DB_ROW) rc = role_can(who, PERM_CLUSTER_ORGANISE, db_text(st, 0)) ? 1 : 0;
	db_done(st);
	return rc;
}

/* The people among the candidates must be readable by who (a unit is
** public): one who may not read a person is answered as for an unknown one,
** so that the round's labels do not show a name out of scope. A nominee is
** the proposal's, whose reading is checked with the proposal. */
/* one candidate: the same nominee, person or unit, or (for a free label)
** the same text — accents and case count: "Ông Ân" is not "Ông An" */
static int same_candidate(const struct vote_candidate_in *a, const struct vote_candidate_in *b)
{
	if (a->nominee_id || b->nominee_id) return a->nominee_id == b->nominee_id;
	if (a->person_id || b->person_id) return a->person_id == b->person_id;
	if (a->unit_id || b->unit_id) return a->unit_id == b->unit_id;
	return a->label && b->label && !strcmp(a->label, b->label);
}

static void check_candidates(struct db *db, const struct user *who, int64_t round_id, const struct vote_in *in, struct field_errors *fe)
{
	/* one candidate listed twice would split its votes over two rows of the
	** result, each short of the threshold: refused, as a voter listed twice is */
	for (int i = 1; i < in->ncand && i < VOTES_MAX_CANDIDATES; i++)
		for (int k = 0; k < i; k++)
			if (same_candidate(&in->cand[i], &in->cand[k])) {
				fe_add(fe, "candidates", N_("A candidate is listed twice"));
				return;
			}
	for (int i = 0; i < in->ncand; i++) {
		const struct vote_candidate_in *c = &in->cand[i];
		if (c->person_id && !c->nominee_id && !votes_person_candidate_ok(db, who, round_id, c->person_id)) {
			fe_add(fe, "candidates", N_("No such unit or person"));
			return;
		}
	}
}

static void validate(struct db *db, const struct vote_in *in, struct field_errors *fe)
{
	if (!in->title || !*in->title) fe_add(fe, "title", N_("Is required"));
	if (in->threshold_bp < 0 || in->threshold_bp > 10000) fe_add(fe, "threshold_pct", N_("Must be a percentage from 0 to 100"));
	/* every round has a threshold (no plurality mode: a quota ranks only who
	** met it), and 0% lets a candidate no ballot chose pass */
	else if (in->threshold_bp == 0) fe_add(fe, "threshold_pct", N_("Must be more than 0%: at 0% a candidate with no vote would pass"));
	int base_ok = 0;
	for (int i = 0; vote_bases[i]; i++) base_ok |= in->base && !strcmp(in->base, vote_bases[i]);
	if (!base_ok) fe_add(fe, "base", N_("Must be one of: all_members, present"));
	if (in->nvoters < 1) fe_add(fe, "voters", N_("Choose at least one voter"));
	if (in->nvoters > VOTES_MAX_VOTERS) fe_add(fe, "voters", N_("Too many voters"));
	if (in->ncand < 1) fe_add(fe, "candidates", N_("Give at least one candidate"));
	if (in->ncand > VOTES_MAX_CANDIDATES) fe_add(fe, "candidates", N_("Too many candidates"));
	if (in->max_choices < 0 || (in->ncand > 0 && in->max_choices > in->ncand))
		fe_add(fe, "max_choices", N_("Must be between 1 and the number of candidates"));
	if (in->quota_bp > 10000) fe_add(fe, "quota_pct", N_("Must be a percentage from 0 to 100"));
	else if (in->quota_bp >= 0 && in->quota_of < 0) fe_add(fe, "quota_of", N_("A quota needs the count it is a share of"));
	/* 0%, or 20% of 4 (0,8, rounded down as every quota is): a limit of no one */
	else if (in->quota_bp >= 0 && in->quota_bp * in->quota_of / 10000 < 1)
		fe_add(fe, "quota_pct", N_("This quota lets nobody pass: its share of the count is less than one; leave it empty for no quota"));
	for (int i = 0; i < in->nvoters; i++) {
		int64_t one = 0;
		if (db_int1(db, &one, "SELECT 1 FROM users WHERE id = $1 AND active = 1", "i", in->voters[i]) != DB_ROW) {
			fe_add(fe, "voters", N_("No active user has this login"));
			break;
		}
	}
	if (in->nvoters > 1 && in->nvoters <= VOTES_MAX_VOTERS) {
		int64_t *sorted = malloc(sizeof *sorted * (size_t)in->nvoters);
		if (sorted) {
			memcpy(sorted, in->voters, sizeof *sorted * (size_t)in->nvoters);
			qsort(sorted, (size_t)in->nvoters, sizeof *sorted, cmp_id);
			for (int i = 1; i < in->nvoters; i++)
				if (sorted[i] == sorted[i - 1]) { fe_add(fe, "voters", N_("A voter is listed twice")); break; }
			free(sorted);
		}
	}
	for (int i = 0; i < in->npresent; i++) {
		int listed = 0;
		for (int k = 0; k < in->nvoters; k++) listed |= in->voters[k] == in->present[i];
		if (!listed) { fe_add(fe, "present", N_("Only voters can be recorded present")); break; }
	}
	for (int i = 0; i < in->ncand; i++) {
		const struct vote_candidate_in *c = &in->cand[i];
		if (!c->unit_id && !c->person_id && !c->nominee_id && (!c->label || !*c->label)) {
			fe_add(fe, "candidates", N_("Each candidate needs a label, a unit or a person"));
			break;
		}
		int64_t one = 0;
		if (c->nominee_id && db_int1(db, &one, "SELECT 1 FROM proposal_nominees WHERE id = $1 AND proposal_id = $2", "ii", c->nominee_id,
					     in->proposal_id) != DB_ROW) {
			fe_add(fe, "candidates", N_("A nominee candidate must be a nominee of the round's proposal"));
			break;
		}
	}
}

/* the label of a candidate given without one: the unit's or person's name,
** or the nominee's with the award */
static const char *candidate_label(struct db *db, struct arena *a, const struct vote_candidate_in *c)
{
	if (c->label && *c->label) return c->label;
	const char *sql = c->nominee_id
		? "SELECT COALESCE(pp.full_name, u.name) || ' — ' || aw.name_vi FROM proposal_nominees n LEFT JOIN people pp ON pp.id = n.person_id "
		  "LEFT JOIN units u ON u.id = n.unit_id JOIN awards aw ON aw.code = n.award_code WHERE n.id = $1"
		: c->person_id ? "SELECT full_name FROM people WHERE id = $1" : "SELECT name FROM units WHERE id = $1";
	struct stmt *st = db_query(db, sql, "i", c->nominee_id ? c->nominee_id : c->person_id ? c->person_id : c->unit_id);
	const char *label = NULL;
	if (st && db_step(st) == DB_ROW && !db_isnull(st, 0)) label = arena_strdup(a, db_text(st, 0));
	db_done(st);
	return label;
}

static int insert_candidates(struct db *db, struct arena *a, int64_t id, const struct vote_in *in, struct field_errors *fe)
{
	for (int i = 0; i < in->ncand; i++) {
		const struct vote_candidate_in *c = &in->cand[i];
		const char *label = candidate_label(db, a, c);
		if (!label) { fe_add(fe, "candidates", N_("No such unit or person")); return E_INVALID; }
		int64_t unit = c->unit_id, person = c->person_id;
		if (c->nominee_id) {
			/* the nominee's subject: a person, or the collective */
			db_int1(db, &person, "SELECT COALESCE(person_id, 0) FROM proposal_nominees WHERE id = $1", "i", c->nominee_id);
			db_int1(db, &unit, "SELECT COALESCE(unit_id, 0) FROM proposal_nominees WHERE id = $1", "i", c->nominee_id);
		}
		if (db_exec(db,
			    "INSERT INTO vote_candidates (round_id, position, label, unit_id, person_id, nominee_id) VALUES ($1, $2, $3, $4, $5, $6)",
			    "iitIII", id, (int64_t)i + 1, label, unit, person, c->nominee_id) != DB_OK)
			return E_DB;
	}
	return E_OK;
}

/* a proposal's nominees as candidates (when none are given) */
static int nominees_of(struct db *db, struct arena *a, int64_t proposal, struct vote_candidate_in **out, int *n)
{
	*n = 0;
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM proposals WHERE id = $1", "i", proposal) != DB_ROW || count == 0) return E_NOTFOUND;
	db_int1(db, &count, "SELECT count(*) FROM proposal_nominees WHERE proposal_id = $1", "i", proposal);
	if (count > VOTES_MAX_CANDIDATES) count = VOTES_MAX_CANDIDATES;
	*out = arena_alloc(a, sizeof **out * (size_t)(count + 1));
	struct stmt *st = db_query(db, "SELECT id FROM proposal_nominees WHERE proposal_id = $1 ORDER BY position, id", "i", proposal);
	while (st && *n < count && db_step(st) == DB_ROW) {
		memset(&(*out)[*n], 0, sizeof **out);
		(*out)[(*n)++].nominee_id = db_int(st, 0);
	}
	db_done(st);
	return E_OK;
}

int votes_create(struct db *db, const struct user *who, const struct vote_in *given, struct field_errors *fe, int64_t *id)
{
	struct arena a;
	arena_init(&a);
	struct vote_in in = *given;
	in.unit_id = organiser_unit(who, given->unit_id);
	char path[UNIT_PATH_MAX] = "";
	if (in.unit_id <= 0 || units_path(db, in.unit_id, path, sizeof path) != E_OK) fe_add(fe, "unit_code", N_("No such unit"));
	if (in.proposal_id > 0 && in.ncand == 0) {
		struct vote_candidate_in *c;
		if (nominees_of(db, &a, in.proposal_id, &c, &in.ncand) != E_OK) fe_add(fe, "proposal", N_("No such proposal"));
		else in.cand = c;
	}
	validate(db, &in, fe);
	check_candidates(db, who, 0, &in, fe);
	int hold = in.cluster_year_id > 0 ? votes_may_hold_at(db, who, in.cluster_year_id) : 1;
	if (hold < 0) fe_add(fe, "cluster_year_id", N_("No such record"));
	int rc = E_OK;
	if (fe->n) { rc = E_INVALID; goto done; }
	if (!role_can(who, PERM_RUN_VOTES, path)) { rc = E_FORBIDDEN; goto done; }
	/* a round held at a cluster's review: only who organises the cluster (clusters_may_organise) */
	if (!hold) { rc = E_FORBIDDEN; goto done; }
	rc = db_tx_begin(db);
	if (rc != E_OK) goto done;
	rc = E_DB;
	char now[21];
	now_iso(now);
	struct stmt *st = db_query(db,
				   "INSERT INTO vote_rounds (title, unit_id, proposal_id, threshold_bp, base, max_choices, voters, present, created_by, "
				   "created_at, updated_at, cluster_year_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
				   "tiIitIiIItI", in.title, in.unit_id, in.proposal_id, in.threshold_bp, in.base, in.max_choices, (int64_t)in.nvoters,
				   in.present ? (int64_t)in.npresent : 0, who->id, now, in.cluster_year_id);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) goto out;
	if (in.quota_bp >= 0 &&
	    db_exec(db, "UPDATE vote_rounds SET quota_bp = $1, quota_of = $2 WHERE id = $3", "iii", in.quota_bp, in.quota_of, *id) != DB_OK)
		goto out;
	/* a present list given as empty is a count of 0, not "not recorded" */
	if (in.present && in.npresent == 0 && db_exec(db, "UPDATE vote_rounds SET present = 0 WHERE id = $1", "i", *id) != DB_OK) goto out;
	for (int i = 0; i < in.nvoters; i++) {
		int present = 0;
		for (int k = 0; k < in.npresent; k++) present |= in.present[k] == in.voters[i];
		if (db_exec(db, "INSERT INTO vote_voters (round_id, user_id, present) VALUES ($1, $2, $3)", "iii", *id, in.voters[i],
			    (int64_t)present) != DB_OK)
			goto out;
	}
	if ((rc = insert_candidates(db, &a, *id, &in, fe)) != E_OK) goto out;
	rc = audit_change(db, who, "create", "vote", *id, NULL, snapshot, NULL);
out:
	rc = db_tx_end(db, rc);
done:
	arena_free(&a);
	return rc;
}

/* the round, for a change by one who runs it, in the status it must have */
static int load_for_run(struct db *db, struct arena *a, const struct user *who, int64_t id, const char *status, struct vote_round **v,
			struct field_errors *fe)
{
	int rc = votes_get(db, a, id, NULL, v);
	if (rc != E_OK) return rc;
	if (!votes_may_run(who, *v)) return E_FORBIDDEN;
	if (strcmp((*v)->status, status) != 0) {
		fe_add(fe, "status", !strcmp(status, "draft") ? N_("The vote has been opened already")
				     : !strcmp((*v)->status, "draft") ? N_("The vote has not been opened")
								       : N_("The vote is closed"));
		return E_STATE;
	}
	return E_OK;
}

static int bump(struct db *db, int64_t id, const char *extra_sql)
{
	char now[21];
	now_iso(now);
	if (db_exec(db, "UPDATE vote_rounds SET version = version + 1, updated_at = $1 WHERE id = $2", "ti", now, id) != DB_OK) return E_DB;
	if (extra_sql && db_exec(db, extra_sql, "ti", now, id) != DB_OK) return E_DB;
	return E_OK;
}

/* the rules written on the round (create and update) */
static int write_rules(struct db *db, int64_t id, const struct vote_in *in)
{
	if (db_exec(db, "UPDATE vote_rounds SET title = $1, threshold_bp = $2, base = $3, max_choices = $4 WHERE id = $5", "titIi", in->title,
		    in->threshold_bp, in->base, in->max_choices, id) != DB_OK)
		return E_DB;
	int rc = in->quota_bp >= 0
		? db_exec(db, "UPDATE vote_rounds SET quota_bp = $1, quota_of = $2 WHERE id = $3", "iii", in->quota_bp, in->quota_of, id)
		: db_exec(db, "UPDATE vote_rounds SET quota_bp = NULL, quota_of = NULL WHERE id = $1", "i", id);
	return rc == DB_OK ? E_OK : E_DB;
}

int votes_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct vote_in *in, unsigned set,
		 struct field_errors *fe)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct vote_round *v;
	char *before = NULL;
	rc = load_for_run(db, &a, who, id, "draft", &v, fe);
	if (rc != E_OK) goto out;
	if (v->version != version) { rc = E_CONFLICT; goto out; }
	/* the round as it would be: what is given, the rest as it is */
	struct vote_in eff = { 0 };
	eff.title = set & VU_TITLE ? in->title : v->title;
	eff.threshold_bp = set & VU_THRESHOLD ? in->threshold_bp : v->threshold_bp;
	eff.base = set & VU_BASE ? in->base : v->base;
	eff.max_choices = set & VU_MAX ? in->max_choices : v->max_choices;
	eff.quota_bp = set & VU_QUOTA ? in->quota_bp : v->has_quota ? v->quota_bp : -1;
	eff.quota_of = set & VU_QUOTA ? in->quota_of : v->has_quota ? v->quota_of : -1;
	eff.proposal_id = v->proposal_id;
	if (set & VU_VOTERS) {
		eff.voters = in->voters;
		eff.nvoters = in->nvoters;
	} else {
		int64_t *ids = arena_alloc(&a, sizeof *ids * (size_t)(v->voters + 1));
		struct stmt *st = db_query(db, "SELECT user_id FROM vote_voters WHERE round_id = $1 ORDER BY user_id", "i", id);
		while (st && eff.nvoters < v->voters && db_step(st) == DB_ROW) ids[eff.nvoters++] = db_int(st, 0);
		db_done(st);
		eff.voters = ids;
	}
	if (set & VU_CANDIDATES) {
		eff.cand = in->cand;
		eff.ncand = in->ncand;
	} else {
		struct vote_candidate_in *c = arena_alloc(&a, sizeof *c * (size_t)(v->ncand + 1));
		for (int i = 0; i < v->ncand; i++)
			c[i] = (struct vote_candidate_in){ .label = v->cand[i].label, .unit_id = v->cand[i].unit_id, .person_id = v->cand[i].person_id,
							    .nominee_id = v->cand[i].nominee_id };
		eff.cand = c;
		eff.ncand = v->ncand;
	}
	validate(db, &eff, fe);
	if (set & VU_CANDIDATES) check_candidates(db, who, id, &eff, fe);
	if (fe->n) { rc = E_INVALID; goto out; }
	before = audit_snapshot(db, id, snapshot);
	rc = write_rules(db, id, &eff);
	if (rc == E_OK && (set & VU_VOTERS)) {
		/* those still listed keep their "present" mark */
		char *keep = arena_alloc(&a, (size_t)eff.nvoters + 1);
		for (int i = 0; i < eff.nvoters; i++) {
			int64_t p = 0;
			keep[i] = db_int1(db, &p, "SELECT present FROM vote_voters WHERE round_id = $1 AND user_id = $2", "ii", id, eff.voters[i]) == DB_ROW && p;
		}
		if (db_exec(db, "DELETE FROM vote_voters WHERE round_id = $1", "i", id) != DB_OK) rc = E_DB;
		for (int i = 0; rc == E_OK && i < eff.nvoters; i++)
			if (db_exec(db, "INSERT INTO vote_voters (round_id, user_id, present) VALUES ($1, $2, $3)", "iii", id, eff.voters[i], (int64_t)keep[i]) != DB_OK)
				rc = E_DB;
		if (rc == E_OK && db_exec(db, "UPDATE vote_rounds SET voters = $1 WHERE id = $2", "ii", (int64_t)eff.nvoters, id) != DB_OK) rc = E_DB;
		if (rc == E_OK && v->present >= 0 &&
		    db_exec(db, "UPDATE vote_rounds SET present = (SELECT count(*) FROM vote_voters WHERE round_id = $1 AND present = 1) WHERE id = $1", "i",
			    id) != DB_OK)
			rc = E_DB;
	}
	if (rc == E_OK && (set & VU_CANDIDATES)) {
		if (db_exec(db, "DELETE FROM vote_candidates WHERE round_id = $1", "i", id) != DB_OK) rc = E_DB;
		else rc = insert_candidates(db, &a, id, &eff, fe);
	}
	if (rc == E_OK) rc = bump(db, id, NULL);
	if (rc == E_OK) rc = audit_change(db, who, "update", "vote", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int votes_set_present(struct db *db, const struct user *who, int64_t id, const int64_t *users, int n, struct field_errors *fe)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct vote_round *v;
	char *before = NULL;
	rc = load_for_run(db, &a, who, id, "draft", &v, fe);
	if (rc != E_OK) goto out;
	for (int i = 0; i < n; i++) {
		int64_t one = 0;
		if (db_int1(db, &one, "SELECT 1 FROM vote_voters WHERE round_id = $1 AND user_id = $2", "ii", id, users[i]) != DB_ROW) {
			fe_add(fe, "present", N_("Only voters can be recorded present"));
			rc = E_INVALID;
			goto out;
		}
	}
	before = audit_snapshot(db, id, snapshot);
	rc = E_DB;
	if (db_exec(db, "UPDATE vote_voters SET present = 0 WHERE round_id = $1", "i", id) != DB_OK) goto out;
	for (int i = 0; i < n; i++)
		if (db_exec(db, "UPDATE vote_voters SET present = 1 WHERE round_id = $1 AND user_id = $2", "ii", id, users[i]) != DB_OK) goto out;
	if (db_exec(db, "UPDATE vote_rounds SET present = (SELECT count(*) FROM vote_voters WHERE round_id = $1 AND present = 1) WHERE id = $1",
		    "i", id) != DB_OK)
		goto out;
	if ((rc = bump(db, id, NULL)) != E_OK) goto out;
	rc = audit_change(db, who, "record present", "vote", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int votes_open(struct db *db, const struct user *who, int64_t id, struct field_errors *fe)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct vote_round *v;
	char *before = NULL;
	rc = load_for_run(db, &a, who, id, "draft", &v, fe);
	if (rc != E_OK) goto out;
	if (!strcmp(v->base, "present") && v->present <= 0) {
		fe_add(fe, "present", N_("Record who is present before opening: the base is the members present"));
		rc = E_STATE;
		goto out;
	}
	before = audit_snapshot(db, id, snapshot);
	if ((rc = bump(db, id, "UPDATE vote_rounds SET status = 'open', opened_at = $1 WHERE id = $2")) != E_OK) goto out;
	rc = audit_change(db, who, "open", "vote", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* The round's ballots and markers written again in the order of their keys,
** in the closing transaction: every row then carries this transaction (its
** xmin on PostgreSQL) and a place in the table that follows its key, not the
** moment it was cast. */
static int rewrite_in_key_order(struct db *db, struct arena *a, int64_t id)
{
	struct row { const char *k; const char *v; int64_t u; } *rows;
	int64_t count = 0;
	db_int1(db, &count, "SELECT count(*) FROM vote_ballots WHERE round_id = $1", "i", id);
	int64_t voted = 0;
	db_int1(db, &voted, "SELECT count(*) FROM vote_cast WHERE round_id = $1", "i", id);
	rows = arena_alloc(a, sizeof *rows * (size_t)(count + voted + 1));
	int n = 0, m = 0;
	struct stmt *st = db_query(db, "SELECT receipt_hash, choices FROM vote_ballots WHERE round_id = $1 ORDER BY receipt_hash", "i", id);
	while (st && n < count && db_step(st) == DB_ROW) {
		rows[n].k = arena_strdup(a, db_text(st, 0));
		rows[n].v = arena_strdup(a, db_text(st, 1));
		n++;
	}
	db_done(st);
	st = db_query(db, "SELECT user_id FROM vote_cast WHERE round_id = $1 ORDER BY user_id", "i", id);
	while (st && m < voted && db_step(st) == DB_ROW) rows[n + m++].u = db_int(st, 0);
	db_done(st);
	if (n != count || m != voted) return E_DB;
	/* SQLite: the freed cells are zeroed, not left in the pages */
	if (!strcmp(db_dialect(db), "sqlite") && db_exec(db, "PRAGMA secure_delete = ON", "") != DB_OK) return E_DB;
	if (db_exec(db, "DELETE FROM vote_ballots WHERE round_id = $1", "i", id) != DB_OK) return E_DB;
	if (db_exec(db, "DELETE FROM vote_cast WHERE round_id = $1", "i", id) != DB_OK) return E_DB;
	for (int i = 0; i < n; i++)
		if (db_exec(db, "INSERT INTO vote_ballots (round_id, receipt_hash, choices) VALUES ($1, $2, $3)", "itt", id, rows[i].k, rows[i].v) != DB_OK)
			return E_DB;
	for (int i = 0; i < m; i++)
		if (db_exec(db, "INSERT INTO vote_cast (round_id, user_id) VALUES ($1, $2)", "ii", id, rows[n + i].u) != DB_OK) return E_DB;
	return E_OK;
}

/* the yes count of each candidate from the ballots' choices */
static int count_ballots(struct db *db, struct vote_round *v)
{
	for (int i = 0; i < v->ncand; i++) v->cand[i].yes = 0;
	struct stmt *st = db_query(db, "SELECT choices FROM vote_ballots WHERE round_id = $1", "i", v->id);
	if (!st) return E_DB;
	while (db_step(st) == DB_ROW) {
		const char *s = db_text(st, 0);
		while (s && *s) {
			char *end;
			long long cid = strtoll(s, &end, 10);
			for (int i = 0; i < v->ncand; i++)
				if (v->cand[i].id == cid) v->cand[i].yes++;
			s = *end == ',' ? end + 1 : end;
			if (end == s && *s) break;
		}
	}
	db_done(st);
	return E_OK;
}

int votes_close(struct db *db, const struct user *who, int64_t id, struct field_errors *fe)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct vote_round *v;
	char *before = NULL;
	rc = load_for_run(db, &a, who, id, "open", &v, fe);
	if (rc != E_OK) goto out;
	before = audit_snapshot(db, id, snapshot);
	rc = E_DB;
	/* the ballots counted are those committed before this transaction took the writers' lock */
	if (db_int1(db, &v->ballots, "SELECT count(*) FROM vote_ballots WHERE round_id = $1", "i", id) != DB_ROW) goto out;
	if (count_ballots(db, v) != E_OK) goto out;
	tally(v, &a);
	for (int i = 0; i < v->ncand; i++) {
		const struct vote_candidate *c = &v->cand[i];
		if (db_exec(db, "UPDATE vote_candidates SET yes = $1, passed = $2, over_quota = $3, quota_tie = $4 WHERE id = $5", "iiiii", c->yes,
			    (int64_t)c->passed, (int64_t)c->over_quota, (int64_t)c->quota_tie, c->id) != DB_OK)
			goto out;
	}
	if ((rc = rewrite_in_key_order(db, &a, id)) != E_OK) goto out;
	if (db_exec(db, "UPDATE vote_rounds SET ballots = $1 WHERE id = $2", "ii", v->ballots, id) != DB_OK) { rc = E_DB; goto out; }
	if ((rc = bump(db, id, "UPDATE vote_rounds SET status = 'closed', closed_at = $1 WHERE id = $2")) != E_OK) goto out;
	rc = audit_change(db, who, "close", "vote", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	rc = db_tx_end(db, rc);
	if (!strcmp(db_dialect(db), "sqlite")) {
		db_exec(db, "PRAGMA secure_delete = OFF", "");
		/* the write-ahead log holds each casting transaction's page images in
		** the casting order (the marker's page and the ballot's page of one
		** commit): copied into the database and the log cut to nothing, when
		** no reader holds it (else at the next checkpoint; best effort) */
		struct stmt *st = rc == E_OK && !db_in_tx(db) ? db_query(db, "PRAGMA wal_checkpoint(TRUNCATE)", "") : NULL;
		while (st && db_step(st) == DB_ROW) {}
		db_done(st);
	}
	/* PostgreSQL: the dead versions of the rewritten rows (in the casting
	** order) are removed now rather than by the next autovacuum; outside any
	** transaction only, and a failure changes nothing of the result */
	else if (rc == E_OK && !db_in_tx(db)) db_script(db, "VACUUM vote_ballots, vote_cast");
	return rc;
}

/* the receipt's hash: of the code without its dashes, in lower case */
static int receipt_hash(const char *code, char out[65])
{
	char clean[64];
	size_t k = 0;
	for (const char *p = code; *p; p++) {
		if (*p == '-' || *p == ' ') continue;
		char c = *p >= 'A' && *p <= 'F' ? (char)(*p - 'A' + 'a') : *p;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) || k >= 20) return -1;
		clean[k++] = c;
	}
	if (k != 20) return -1;
	sha256_hex(out, clean, k);
	return 0;
}

int votes_cast(struct db *db, const struct user *who, int64_t id, const int64_t *choices, int n, struct field_errors *fe,
	       char receipt[VOTES_RECEIPT_LEN + 1])
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct vote_round *v;
	rc = votes_get(db, &a, id, who, &v);
	if (rc != E_OK) goto out;
	if (!v->is_voter || (!strcmp(v->base, "present") && !v->is_present)) { rc = E_FORBIDDEN; goto out; }
	if (strcmp(v->status, "open") != 0) {
		fe_add(fe, "status", !strcmp(v->status, "draft") ? N_("The vote has not been opened") : N_("The vote is closed"));
		rc = E_STATE;
		goto out;
	}
	if (v->has_voted) { fe_add(fe, "ballot", N_("You have voted in this round already")); rc = E_STATE; goto out; }
	int64_t *sorted = arena_alloc(&a, sizeof *sorted * (size_t)(n + 1));
	if (n) memcpy(sorted, choices, sizeof *sorted * (size_t)n);
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_id);
	if (v->max_choices && n > v->max_choices) fe_add(fe, "choices", N_("Too many choices for this vote"));
	for (int i = 0; i < n && !fe->n; i++) {
		int ok = 0;
		for (int k = 0; k < v->ncand; k++) ok |= v->cand[k].id == sorted[i];
		if (!ok) fe_add(fe, "choices", N_("Not a candidate of this vote"));
		else if (i && sorted[i] == sorted[i - 1]) fe_add(fe, "choices", N_("A candidate is chosen twice"));
	}
	if (fe->n) { rc = E_INVALID; goto out; }
	struct buf ch;
	buf_init(&ch);
	for (int i = 0; i < n; i++) buf_printf(&ch, "%s%lld", i ? "," : "", (long long)sorted[i]);
	char token[21], hash[65];
	random_token(token, 10);
	snprintf(receipt, VOTES_RECEIPT_LEN + 1, "%.5s-%.5s-%.5s-%.5s", token, token + 5, token + 10, token + 15);
	receipt_hash(receipt, hash);
	/* the marker and the ballot in one transaction: neither exists alone; no
	** time, no user on the ballot; no audit row (its time and order would be
	** the link: the close's audit row lists who voted) */
	rc = E_DB;
	if (db_exec(db, "INSERT INTO vote_cast (round_id, user_id) VALUES ($1, $2)", "ii", id, who->id) == DB_OK &&
	    db_exec(db, "INSERT INTO vote_ballots (round_id, receipt_hash, choices) VALUES ($1, $2, $3)", "itt", id, hash, buf_cstr(&ch)) == DB_OK &&
	    db_exec(db, "UPDATE vote_rounds SET ballots = ballots + 1 WHERE id = $1", "i", id) == DB_OK)
		rc = E_OK;
	buf_free(&ch);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

int votes_receipt(struct db *db, int64_t id, const char *code, int64_t *ids, int max, int *n)
{
	*n = 0;
	char hash[65];
	if (!code || receipt_hash(code, hash) != 0) return E_NOTFOUND;
	struct stmt *st = db_query(db, "SELECT choices FROM vote_ballots WHERE round_id = $1 AND receipt_hash = $2", "it", id, hash);
	if (!st) return E_DB;
	int rc = E_NOTFOUND;
	if (db_step(st) == DB_ROW) {
		rc = E_OK;
		for (const char *s = db_text(st, 0); s && *s && *n < max;) {
			char *end;
			ids[(*n)++] = strtoll(s, &end, 10);
			if (end == s) break;
			s = *end == ',' ? end + 1 : end;
		}
	}
	db_done(st);
	return rc;
}
