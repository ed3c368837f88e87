/* Scorecards and the year's ranking (clusters.h): a member scores itself
** and, as the year's cross mode says, the others; the submitted cross
** cards give the final scores (scoring.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/util.h"
#include "../web/roles.h"
#include "clusters_int.h"

#define SC_COLS                                                                                                              \
	"s.id, s.cluster_year_id, y.cluster_id, y.year, su.id, su.code, su.name, su.path, tu.id, tu.code, tu.name, tu.path, s.kind, " \
	"s.status, s.submitted_at, s.reopen_reason, s.updated_at, s.total_c, s.version"
#define SC_FROM                                                                                                      \
	" FROM cluster_scorecards s JOIN cluster_years y ON y.id = s.cluster_year_id JOIN units su ON su.id = s.scorer_id " \
	"JOIN units tu ON tu.id = s.target_id"

static void read_card(struct stmt *st, struct arena *a, struct scorecard *c)
{
	memset(c, 0, sizeof *c);
	c->id = db_int(st, 0);
	c->cluster_year_id = db_int(st, 1);
	c->cluster_id = db_int(st, 2);
	c->year = db_int(st, 3);
	cl_unit(st, a, 4, &c->scorer);
	cl_unit(st, a, 8, &c->target);
	c->kind = arena_strdup(a, db_text(st, 12));
	c->status = arena_strdup(a, db_text(st, 13));
	c->submitted_at = cl_opt(st, a, 14);
	c->reopen_reason = cl_opt(st, a, 15);
	c->updated_at = arena_strdup(a, db_text(st, 16));
	c->total_c = db_int(st, 17);
	c->version = db_int(st, 18);
}

int scorecards_get(struct db *db, struct arena *a, int64_t id, struct scorecard **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " SC_COLS SC_FROM " WHERE s.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	struct scorecard *c = NULL;
	if (s == DB_ROW) {
		c = arena_alloc(a, sizeof *c);
		read_card(st, a, c);
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	int64_t n = 0;
	db_int1(db, &n, "SELECT count(*) FROM cluster_criteria WHERE cluster_year_id = $1 AND kind <> 'group'", "i", c->cluster_year_id);
	c->items = arena_alloc(a, sizeof *c->items * (size_t)(n + 1));
	st = db_query(db,
		      "SELECT k.id, k.code, p.points_c, p.evidence, k.rule FROM cluster_criteria k "
		      "LEFT JOIN cluster_scores p ON p.criterion_id = k.id AND p.scorecard_id = $2 "
		      "WHERE k.cluster_year_id = $1 AND k.kind <> 'group' ORDER BY k.position, k.id",
		      "ii", c->cluster_year_id, id);
	while (st && c->nitems < n && db_step(st) == DB_ROW) {
		struct score_item *x = &c->items[c->nitems++];
		x->criterion_id = db_int(st, 0);
		x->code = arena_strdup(a, db_text(st, 1));
		x->points_c = db_isnull(st, 2) ? -1 : db_int(st, 2);
		x->evidence = cl_opt(st, a, 3);
		x->from_rule = !db_isnull(st, 4) && cl_rule_from_data(db_text(st, 4));
	}
	db_done(st);
	*out = c;
	return E_OK;
}

int scorecards_list(struct db *db, struct arena *a, int64_t cy_id, struct scorecard **items, int *n)
{
	*n = 0;
	int64_t total = 0;
	db_int1(db, &total, "SELECT count(*) FROM cluster_scorecards WHERE cluster_year_id = $1", "i", cy_id);
	*items = arena_alloc(a, sizeof **items * (size_t)(total + 1));
	struct stmt *st = db_query(db, "SELECT " SC_COLS SC_FROM " WHERE s.cluster_year_id = $1 ORDER BY su.sort_key, su.id, s.kind DESC, tu.sort_key, tu.id", "i", cy_id);
	if (!st) return E_DB;
	while (*n < total && db_step(st) == DB_ROW) read_card(st, a, &(*items)[(*n)++]);
	db_done(st);
	return E_OK;
}

int scorecards_find(struct db *db, int64_t cy_id, int64_t scorer_id, int64_t target_id, int64_t *id)
{
	int s = db_int1(db, id, "SELECT id FROM cluster_scorecards WHERE cluster_year_id = $1 AND scorer_id = $2 AND target_id = $3", "iii", cy_id,
			scorer_id, target_id);
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

void scorecard_json(struct jw *w, const struct scorecard *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kint(w, "cluster_id", c->cluster_id);
	jw_kint(w, "year", c->year);
	cl_unit_json(w, "scorer", &c->scorer);
	cl_unit_json(w, "target", &c->target);
	jw_kstr(w, "kind", c->kind);
	jw_kstr(w, "status", c->status);
	cl_points(w, "total", (double)c->total_c / 100.0);
	jw_kstr(w, "submitted_at", c->submitted_at);
	jw_kstr(w, "reopen_reason", c->reopen_reason);
	if (c->items) {
		jw_key(w, "scores");
		jw_arr(w);
		for (int i = 0; i < c->nitems; i++) {
			const struct score_item *x = &c->items[i];
			jw_obj(w);
			jw_kstr(w, "criterion", x->code);
			jw_key(w, "points");
			if (x->points_c < 0) jw_null(w);
			else cl_points(w, NULL, (double)x->points_c / 100.0);
			jw_kstr(w, "evidence", x->evidence);
			jw_kbool(w, "from_rule", x->from_rule);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_kint(w, "version", c->version);
	jw_kstr(w, "updated_at", c->updated_at);
	jw_obj_end(w);
}

static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct scorecard *c;
	int rc = scorecards_get(db, a, id, &c);
	if (rc == E_OK) scorecard_json(w, c);
	return rc;
}

/* ---- writing ---- */

int cyear_scoring_closed(const struct cyear *y)
{
	char today[11];
	today_iso(today);
	return y->deadline && strcmp(today, y->deadline) > 0;
}

/* saving or submitting is open until the end of the deadline's day */
static int before_deadline(const struct cyear *y, int reopened, struct field_errors *fe)
{
	if (reopened) return 1; /* the organiser reopened it, with a reason: open until it is submitted again */
	if (cyear_scoring_closed(y)) {
		fe_add(fe, "deadline", N_("The scoring deadline has passed: only the organiser can reopen a card"));
		return 0;
	}
	return 1;
}

/* who may write a card of scorer for target: the rules of the cross mode */
static int card_allowed(const struct cyear *y, int64_t scorer, int64_t target, const char *kind, struct field_errors *fe)
{
	if (!cyear_is_member(y, scorer)) fe_add(fe, "scorer", N_("Not a member of the year"));
	if (!cyear_is_member(y, target)) fe_add(fe, "target", N_("Not a member of the year"));
	if (fe->n) return 0;
	/* a member listed before members had to be of the organiser's scope is not scored (its data would feed the rules) */
	for (int i = 0; i < y->nmembers; i++)
		if ((y->members[i].id == scorer || y->members[i].id == target) && !clusters_in_scope(y->cluster, y->members[i].path))
			fe_add(fe, y->members[i].id == scorer ? "scorer" : "target", N_("A member must be a unit within the organiser's scope: its parent unit and the units under it"));
	if (fe->n) return 0;
	if (!strcmp(kind, "self")) {
		if (scorer != target) fe_add(fe, "target", N_("A self-assessment is the member's own card"));
	} else if (scorer == target) {
		fe_add(fe, "target", N_("A member never cross-scores itself: its own card is the self-assessment"));
	} else if (!strcmp(y->cross_mode, "leader")) {
		int64_t who = target == y->leader.id ? y->deputy.id : y->leader.id;
		if (scorer != who) fe_add(fe, "scorer", N_("This year the leader scores the members, and the deputy scores the leader"));
	}
	return !fe->n;
}

/* one criterion's points (has_points: else kept, 0 for a new row) and evidence (NULL: kept) */
static int upsert_score(struct db *db, int64_t card, int64_t crit, int has_points, int64_t points_c, const char *evidence)
{
	int64_t old = -1;
	db_int1(db, &old, "SELECT points_c FROM cluster_scores WHERE scorecard_id = $1 AND criterion_id = $2", "ii", card, crit);
	int64_t pts = has_points ? points_c : old < 0 ? 0 : old;
	int rc = old < 0 ? db_exec(db, "INSERT INTO cluster_scores (scorecard_id, criterion_id, points_c, evidence) VALUES ($1, $2, $3, $4)", "iiit", card,
				   crit, pts, evidence && *evidence ? evidence : NULL)
			 : db_exec(db, "UPDATE cluster_scores SET points_c = $1, evidence = COALESCE($2, evidence) WHERE scorecard_id = $3 AND criterion_id = $4",
				   "itii", pts, evidence, card, crit);
	return rc == DB_OK ? E_OK : E_DB;
}

int scorecard_items_check(const struct cyear *y, const struct score_in *items, int n, struct arena *a, struct field_errors *fe)
{
	int before = fe->n;
	for (int i = 0; i < n; i++) {
		const struct criterion *c = NULL;
		for (int k = 0; k < y->ncrit; k++)
			if (!strcmp(y->crit[k].code, items[i].code)) c = &y->crit[k];
		if (!c || !strcmp(c->kind, "group")) { fe_add(fe, items[i].code, N_("No such criterion to score")); continue; }
		if (items[i].has_points && (items[i].points_c < 0 || items[i].points_c > c->max_c))
			fe_add(fe, a ? arena_printf(a, "points.%s", c->code) : items[i].code, N_("Points must be from 0 to the criterion's maximum, with at most two decimals"));
		const char *why = cl_text_problem(items[i].evidence, CARD_EVIDENCE_MAX, 1, N_("The evidence is too long (at most 4000 characters)"),
						  N_("The evidence must not contain control characters (line breaks are allowed)"));
		if (why) fe_add(fe, a ? arena_printf(a, "evidence.%s", c->code) : items[i].code, why);
	}
	return fe->n > before ? E_INVALID : E_OK;
}

/* the card's items as given, checked against the sheet; rule criteria take their points from data */
static int write_items(struct db *db, const struct cyear *y, int64_t card, int64_t target, const struct score_in *items, int n, struct field_errors *fe)
{
	if (scorecard_items_check(y, items, n, NULL, fe) != E_OK) return E_INVALID;
	for (int i = 0; i < n; i++) {
		const struct criterion *c = NULL;
		for (int k = 0; k < y->ncrit; k++)
			if (!strcmp(y->crit[k].code, items[i].code)) c = &y->crit[k];
		if (c->rule) continue; /* its points come from data, below */
		if (upsert_score(db, card, c->id, items[i].has_points, items[i].points_c, items[i].evidence) != E_OK) return E_DB;
	}
	/* the criteria with a rule take their points from data at every save */
	for (int k = 0; k < y->ncrit; k++) {
		const struct criterion *c = &y->crit[k];
		if (!c->rule || !strcmp(c->kind, "group")) continue;
		const struct score_in *typed = NULL;
		for (int i = 0; i < n; i++)
			if (!strcmp(items[i].code, c->code)) typed = &items[i];
		int64_t pts = 0;
		int rc = criterion_rule_points(db, c->rule, target, y->year, &pts);
		if (rc == E_OK) rc = upsert_score(db, card, c->id, 1, pts, typed ? typed->evidence : NULL);
		else if (rc == E_STATE) rc = typed ? upsert_score(db, card, c->id, typed->has_points, typed->points_c, typed->evidence) : E_OK;
		if (rc != E_OK) return E_DB;
	}
	/* the running total: score and bonus points less the penalties */
	char now[21];
	now_iso(now);
	return db_exec(db,
		       "UPDATE cluster_scorecards SET total_c = (SELECT COALESCE(sum(CASE WHEN k.kind = 'penalty' THEN -p.points_c ELSE p.points_c END), 0) "
		       "FROM cluster_scores p JOIN cluster_criteria k ON k.id = p.criterion_id WHERE p.scorecard_id = $1), "
		       "version = version + 1, updated_at = $2 WHERE id = $1",
		       "it", card, now) == DB_OK ? E_OK : E_DB;
}

int scorecards_save(struct db *db, const struct user *who, int64_t cy_id, int64_t scorer_id, int64_t target_id, const char *kind,
		    int64_t version, const struct score_in *items, int n, struct field_errors *fe, int64_t *id)
{
	if (cl_choice(kind, (const char *const[]){ "self", "cross", NULL }) < 0) { fe_add(fe, "kind", N_("Must be one of: self, cross")); return E_INVALID; }
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = cyear_get_id(db, &a, cy_id, &y);
	if (rc != E_OK) goto out;
	if (!card_allowed(y, scorer_id, target_id, kind, fe)) { rc = E_INVALID; goto out; }
	const struct cunit *scorer = NULL;
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == scorer_id) scorer = &y->members[i];
	if (!role_can(who, PERM_CLUSTER_SCORE, scorer->path)) { rc = E_FORBIDDEN; goto out; }
	int64_t card = 0;
	scorecards_find(db, cy_id, scorer_id, target_id, &card);
	if (card) {
		struct scorecard *c;
		rc = scorecards_get(db, &a, card, &c);
		if (rc != E_OK) goto out;
		if (!before_deadline(y, c->reopen_reason != NULL, fe)) { rc = E_STATE; goto out; }
		if (c->version != version) { rc = E_CONFLICT; goto out; }
		if (strcmp(c->kind, kind)) { fe_add(fe, "kind", N_("This card is of the other kind")); rc = E_INVALID; goto out; }
		if (!strcmp(c->status, "submitted")) { fe_add(fe, "status", N_("The card is submitted and locked: only the organiser can reopen it")); rc = E_STATE; goto out; }
		before = audit_snapshot(db, card, snapshot);
	} else {
		if (version) { rc = E_CONFLICT; goto out; }
		if (!before_deadline(y, 0, fe)) { rc = E_STATE; goto out; }
		char now[21];
		now_iso(now);
		struct stmt *st = db_query(db,
					   "INSERT INTO cluster_scorecards (cluster_year_id, scorer_id, target_id, kind, updated_at) VALUES ($1, $2, $3, $4, $5) "
					   "RETURNING id",
					   "iiitt", cy_id, scorer_id, target_id, kind, now);
		rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
		if (rc == E_OK) card = db_int(st, 0);
		db_done(st);
		if (rc != E_OK) goto out;
	}
	rc = write_items(db, y, card, target_id, items, n, fe);
	if (rc == E_OK) rc = audit_change(db, who, before ? "update" : "create", "scorecard", card, before, snapshot, NULL);
	if (rc == E_OK) *id = card;
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* the card and its year, for a change of version */
static int card_for_change(struct db *db, struct arena *a, int64_t id, int64_t version, struct scorecard **c, struct cyear **y)
{
	int rc = scorecards_get(db, a, id, c);
	if (rc == E_OK) rc = cyear_get_id(db, a, (*c)->cluster_year_id, y);
	if (rc == E_OK && (*c)->version != version) rc = E_CONFLICT;
	return rc;
}

int scorecards_submit(struct db *db, const struct user *who, int64_t id, int64_t version, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct scorecard *c;
	struct cyear *y;
	rc = card_for_change(db, &a, id, version, &c, &y);
	if (rc != E_OK) goto out;
	if (!role_can(who, PERM_CLUSTER_SCORE, c->scorer.path)) { rc = E_FORBIDDEN; goto out; }
	if (!strcmp(c->status, "submitted")) { fe_add(fe, "status", N_("The card is submitted already")); rc = E_STATE; goto out; }
	if (!before_deadline(y, c->reopen_reason != NULL, fe)) { rc = E_STATE; goto out; }
	/* the errors name the criteria: their codes copied out of the arena freed below, kept until the thread's next submit
	** (as rule_parse's), long enough for the caller to say them */
	static __thread char missing[FE_MAX][CRIT_CODE_MAX + 1];
	int nmissing = 0;
	for (int i = 0; i < c->nitems; i++)
		if (c->items[i].points_c < 0) {
			rc = E_INVALID;
			if (nmissing == FE_MAX) continue; /* the errors are full */
			snprintf(missing[nmissing], sizeof missing[nmissing], "%s", c->items[i].code);
			fe_add(fe, missing[nmissing++], N_("Every criterion needs its points before the card is submitted"));
		}
	if (rc != E_OK) goto out;
	before = audit_snapshot(db, id, snapshot);
	char now[21];
	now_iso(now);
	rc = db_exec(db,
		     "UPDATE cluster_scorecards SET status = 'submitted', submitted_at = $1, submitted_by = $2, version = version + 1, updated_at = $1 "
		     "WHERE id = $3",
		     "tIi", now, who->id, id) == DB_OK ? E_OK : E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "submit", "scorecard", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int scorecards_reopen(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, struct field_errors *fe)
{
	if (!reason || !*reason) { fe_add(fe, "reason", N_("Is required")); return E_INVALID; }
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct scorecard *c;
	struct cyear *y;
	rc = card_for_change(db, &a, id, version, &c, &y);
	if (rc != E_OK) goto out;
	if (!clusters_may_organise(who, y->cluster)) { rc = E_FORBIDDEN; goto out; }
	if (strcmp(c->status, "submitted")) { fe_add(fe, "status", N_("The card is not submitted")); rc = E_STATE; goto out; }
	before = audit_snapshot(db, id, snapshot);
	char now[21];
	now_iso(now);
	rc = db_exec(db,
		     "UPDATE cluster_scorecards SET status = 'draft', submitted_at = NULL, submitted_by = NULL, reopen_reason = $1, "
		     "version = version + 1, updated_at = $2 WHERE id = $3",
		     "tti", reason, now, id) == DB_OK ? E_OK : E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "reopen", "scorecard", id, before, snapshot, reason);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int scorecards_attach(struct db *db, const struct user *who, int64_t id, const char *name, const void *data, size_t n,
		      struct field_errors *fe, int64_t *attachment_id)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct scorecard *c;
	struct cyear *y;
	rc = scorecards_get(db, &a, id, &c);
	if (rc == E_OK) rc = cyear_get_id(db, &a, c->cluster_year_id, &y);
	if (rc == E_OK && !role_can(who, PERM_CLUSTER_SCORE, c->scorer.path)) rc = E_FORBIDDEN;
	if (rc == E_OK && !strcmp(c->status, "submitted")) {
		fe_add(fe, "status", N_("The card is submitted and locked: only the organiser can reopen it"));
		rc = E_STATE;
	}
	if (rc == E_OK && !before_deadline(y, c->reopen_reason != NULL, fe)) rc = E_STATE;
	if (rc == E_OK) rc = files_attach(db, who, "scorecard", id, c->scorer.id, name, data, n, (size_t)-1, fe, attachment_id);
	arena_free(&a);
	return db_tx_end(db, rc);
}
