/* Award proposals and their way up the levels (proposals.h). */
#include "proposals.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "commendation.h"
#include "rule_sets.h"

const char *const prop_stages[PS_N + 1] = {
	[PS_DRAFT] = "draft", [PS_BOARD] = "board", [PS_COUNCIL] = "council", [PS_AUTHORITY] = "authority",
	[PS_RETURNED] = "returned", [PS_APPROVED] = "approved", [PS_REJECTED] = "rejected", [PS_DECIDED] = "decided", NULL,
};
const char *const prop_actions[PA_N + 1] = {
	[PA_SUBMIT] = "submit", [PA_APPROVE] = "approve", [PA_RETURN] = "return", [PA_REJECT] = "reject", [PA_FORWARD] = "forward", NULL,
};
const char *const prop_rounds[] = { "year_end", "movement", "unexpected", NULL };
const int prop_stage_days[PS_N] = { [PS_BOARD] = 10, [PS_COUNCIL] = 7, [PS_AUTHORITY] = 10, [PS_RETURNED] = 10 };


static enum prop_stage stage_of(const char *s)
{
	for (int i = 0; i < PS_N; i++)
		if (s && !strcmp(s, prop_stages[i])) return (enum prop_stage)i;
	return PS_DRAFT;
}

/* YYYY-MM-DD n days after today on the office's clock */
static void days_from_today(char out[11], int n)
{
	time_t t = time(NULL) + (time_t)i18n_tz_minutes * 60 + (time_t)n * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- reading ---- */

#define PROP_COLS                                                                                                            \
	"p.id, p.code, p.title, p.round, p.year, p.movement_id, m.code, m.title, p.proposer_id, pu.code, pu.name, pu.path, "   \
	"p.summary, p.proposed_on, p.holder_id, hu.code, hu.name, hu.path, p.stage, p.due_on, p.version, p.created_at, "        \
	"p.updated_at, (SELECT count(*) FROM proposal_nominees n WHERE n.proposal_id = p.id)"
#define PROP_FROM                                                                                                     \
	" FROM proposals p JOIN units pu ON pu.id = p.proposer_id JOIN units hu ON hu.id = p.holder_id " \
	"LEFT JOIN movements m ON m.id = p.movement_id"

static void read_prop(struct stmt *st, struct arena *a, struct proposal *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_int(st, 0);
	p->code = arena_strdup(a, db_text(st, 1));
	p->title = arena_strdup(a, db_text(st, 2));
	p->round = arena_strdup(a, db_text(st, 3));
	p->year = db_int(st, 4);
	p->movement_id = db_isnull(st, 5) ? 0 : db_int(st, 5);
	p->movement_code = db_text_dup(st, a, 6);
	p->movement_title = db_text_dup(st, a, 7);
	p->proposer_id = db_int(st, 8);
	p->proposer_code = arena_strdup(a, db_text(st, 9));
	p->proposer_name = arena_strdup(a, db_text(st, 10));
	p->proposer_path = arena_strdup(a, db_text(st, 11));
	p->summary = db_text_dup(st, a, 12);
	p->proposed_on = db_text_dup(st, a, 13);
	p->holder_id = db_int(st, 14);
	p->holder_code = arena_strdup(a, db_text(st, 15));
	p->holder_name = arena_strdup(a, db_text(st, 16));
	p->holder_path = arena_strdup(a, db_text(st, 17));
	p->stage = stage_of(db_text(st, 18));
	p->due_on = db_text_dup(st, a, 19);
	p->version = db_int(st, 20);
	p->created_at = arena_strdup(a, db_text(st, 21));
	p->updated_at = arena_strdup(a, db_text(st, 22));
	p->nominees = db_int(st, 23);
	char today[11];
	today_iso(today);
	p->late = p->due_on && strcmp(p->due_on, today) < 0 && (p->stage == PS_BOARD || p->stage == PS_COUNCIL || p->stage == PS_AUTHORITY ||
								  p->stage == PS_RETURNED);
}

static int read_nominees(struct db *db, struct arena *a, struct proposal *p, const char *lang)
{
	p->nom = arena_alloc(a, sizeof *p->nom * (size_t)(p->nominees + 1));
	p->nnom = 0;
	/* the recorded answer in the reader's language (rows checked before
	 * migration 030 have the Vietnamese one only) */
#define NOMINEES_SQL(answer)                                                                                                  \
	"SELECT n.id, n.person_id, pp.code, pp.full_name, COALESCE(n.unit_id, pp.unit_id), u.code, u.name, "                  \
	"n.award_code, n.summary, n.direct_worker, n.verdict, " answer ", n.checked_at "                                      \
	"FROM proposal_nominees n LEFT JOIN people pp ON pp.id = n.person_id "                                                 \
	"JOIN units u ON u.id = COALESCE(n.unit_id, pp.unit_id) WHERE n.proposal_id = $1 ORDER BY n.position, n.id"
	const char *sql = lang && !strcmp(lang, "en")	? NOMINEES_SQL("COALESCE(n.verdict_json_en, n.verdict_json)")
			  : lang && !strcmp(lang, "hi") ? NOMINEES_SQL("COALESCE(n.verdict_json_hi, n.verdict_json)")
						: NOMINEES_SQL("n.verdict_json");
#undef NOMINEES_SQL
	struct stmt *st = db_query(db, sql, "i", p->id);
	if (!st) return E_DB;
	while (p->nnom < p->nominees && db_step(st) == DB_ROW) {
		struct nominee *x = &p->nom[p->nnom++];
		x->id = db_int(st, 0);
		x->person_id = db_isnull(st, 1) ? 0 : db_int(st, 1);
		x->person_code = db_text_dup(st, a, 2);
		x->person_name = db_text_dup(st, a, 3);
		x->unit_id = db_int(st, 4);
		x->unit_code = arena_strdup(a, db_text(st, 5));
		x->unit_name = arena_strdup(a, db_text(st, 6));
		x->award_code = arena_strdup(a, db_text(st, 7));
		x->summary = db_text_dup(st, a, 8);
		x->direct_worker = (int)db_int(st, 9);
		x->verdict = db_text_dup(st, a, 10);
		x->verdict_json = db_text_dup(st, a, 11);
		x->checked_at = db_text_dup(st, a, 12);
	}
	db_done(st);
	for (int i = 0; i < p->nnom; i++) {
		const char *n = award_name(db, a, p->nom[i].award_code, lang);
		p->nom[i].award_name = n ? n : p->nom[i].award_code;
	}
	return E_OK;
}

static int read_steps(struct db *db, struct arena *a, struct proposal *p)
{
	int64_t count = 0;
	db_int1(db, &count, "SELECT count(*) FROM proposal_steps WHERE proposal_id = $1", "i", p->id);
	p->steps = arena_alloc(a, sizeof *p->steps * (size_t)(count + 1));
	p->nsteps = 0;
	struct stmt *st = db_query(db,
				   "SELECT s.id, s.at, us.login, u.name, s.stage, s.action, s.comment, s.due_on, s.late FROM proposal_steps s "
				   "JOIN units u ON u.id = s.unit_id LEFT JOIN users us ON us.id = s.user_id WHERE s.proposal_id = $1 ORDER BY s.id",
				   "i", p->id);
	if (!st) return E_DB;
	while (p->nsteps < count && db_step(st) == DB_ROW) {
		struct prop_step *s = &p->steps[p->nsteps++];
		s->id = db_int(st, 0);
		s->at = arena_strdup(a, db_text(st, 1));
		s->login = db_text_dup(st, a, 2); /* NULL: the system (auth_display_login) */
		s->unit_name = arena_strdup(a, db_text(st, 3));
		s->stage = arena_strdup(a, db_text(st, 4));
		s->action = arena_strdup(a, db_text(st, 5));
		s->comment = db_text_dup(st, a, 6);
		s->due_on = db_text_dup(st, a, 7);
		s->late = (int)db_int(st, 8);
	}
	db_done(st);
	return E_OK;
}

int proposals_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct proposal **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " PROP_COLS PROP_FROM " WHERE p.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	struct proposal *p = NULL;
	if (rc == DB_ROW) {
		p = arena_alloc(a, sizeof *p);
		read_prop(st, a, p);
	}
	db_done(st);
	if (rc != DB_ROW) return rc == DB_DONE ? E_NOTFOUND : E_DB;
	if (read_nominees(db, a, p, lang) != E_OK || read_steps(db, a, p) != E_OK) return E_DB;
	*out = p;
	return E_OK;
}

int proposals_list(struct db *db, struct arena *a, const struct proposal_query *q, struct proposal **items, int *n, int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* $1 holder $2 proposer $3 stage $4 year $5 search; ranges from $8 on (lo, hi pairs) */
	buf_raw(&where, " WHERE ($1 = 0 OR p.holder_id = $1) AND ($2 = 0 OR p.proposer_id = $2) AND ($4 = 0 OR p.year = $4)");
	if (q->stage && !strcmp(q->stage, "open")) buf_raw(&where, " AND p.stage IN ('board', 'council', 'authority', 'returned')");
	else if (q->stage) buf_raw(&where, " AND p.stage = $3");
	if (q->q && *q->q) buf_raw(&where, " AND p.search LIKE $5 ESCAPE '\\'");
	char hi[16][UNIT_PATH_MAX];
	if (q->nranges >= 0) scope_ranges_sql(&where, "1 = 0", "pu.path", "hu.path", 8, q->range_lo, q->nranges, hi);
	const char *pat = q->q && *q->q ? like_pattern(a, q->q) : NULL;
	int rc = E_DB;
	for (int pass = 0; pass < 2; pass++) {
		buf_reset(&sql);
		if (pass == 0) buf_printf(&sql, "SELECT count(*)" PROP_FROM "%s", buf_cstr(&where));
		else buf_printf(&sql, "SELECT " PROP_COLS PROP_FROM "%s ORDER BY p.updated_at DESC, p.id DESC LIMIT $6 OFFSET $7", buf_cstr(&where));
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) goto out;
		db_bind_int(st, 1, q->holder);
		db_bind_int(st, 2, q->proposer);
		db_bind_text(st, 3, q->stage);
		db_bind_int(st, 4, q->year);
		db_bind_text(st, 5, pat);
		db_bind_int(st, 6, q->limit);
		db_bind_int(st, 7, q->offset);
		scope_ranges_bind(st, 8, q->range_lo, q->nranges, hi);
		if (pass == 0) {
			*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
			*items = arena_alloc(a, sizeof **items * (size_t)(q->limit > 0 ? q->limit : 1));
		} else {
			while (*n < q->limit && db_step(st) == DB_ROW) read_prop(st, a, &(*items)[(*n)++]);
		}
		db_done(st);
	}
	rc = E_OK;
out:
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

void proposal_json(struct jw *w, const struct proposal *p)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "title", p->title);
	jw_kstr(w, "round", p->round);
	jw_kint(w, "year", p->year);
	jw_kstr(w, "movement_code", p->movement_code);
	jw_kstr(w, "proposer_code", p->proposer_code);
	jw_kstr(w, "proposer_name", p->proposer_name);
	jw_kstr(w, "summary", p->summary);
	jw_kstr(w, "proposed_on", p->proposed_on);
	jw_kstr(w, "holder_code", p->holder_code);
	jw_kstr(w, "holder_name", p->holder_name);
	jw_kstr(w, "stage", prop_stages[p->stage]);
	jw_kstr(w, "due_on", p->due_on);
	jw_kbool(w, "late", p->late);
	jw_kint(w, "nominee_count", p->nominees);
	jw_kint(w, "version", p->version);
	jw_kstr(w, "created_at", p->created_at);
	jw_kstr(w, "updated_at", p->updated_at);
	if (p->nom) {
		jw_key(w, "nominees");
		jw_arr(w);
		for (int i = 0; i < p->nnom; i++) {
			const struct nominee *x = &p->nom[i];
			jw_obj(w);
			jw_kint(w, "id", x->id);
			jw_kstr(w, "subject", x->person_id ? "person" : "collective");
			jw_kstr(w, "person_code", x->person_code);
			jw_kstr(w, "person_name", x->person_name);
			jw_kstr(w, "unit_code", x->unit_code);
			jw_kstr(w, "unit_name", x->unit_name);
			jw_kstr(w, "award", x->award_code);
			jw_kstr(w, "award_name", x->award_name);
			jw_kstr(w, "summary", x->summary);
			jw_kbool(w, "direct_worker", x->direct_worker);
			jw_kstr(w, "verdict", x->verdict);
			jw_key(w, "eligibility");
			jw_raw(w, x->verdict_json);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	if (p->steps) {
		jw_key(w, "steps");
		jw_arr(w);
		for (int i = 0; i < p->nsteps; i++) {
			const struct prop_step *s = &p->steps[i];
			jw_obj(w);
			jw_kstr(w, "at", s->at);
			jw_kstr(w, "by", s->login ? s->login : auth_system.login);
			jw_kstr(w, "unit_name", s->unit_name);
			jw_kstr(w, "stage", s->stage);
			jw_kstr(w, "action", s->action);
			jw_kstr(w, "comment", s->comment);
			jw_kstr(w, "due_on", s->due_on);
			jw_kbool(w, "late", s->late);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct proposal *p;
	int rc = proposals_get(db, a, id, "en", &p);
	if (rc != E_OK) return rc;
	p->steps = NULL; /* the steps are their own record of history */
	proposal_json(w, p);
	return E_OK;
}

/* ---- rights ---- */

static enum perm stage_perm(enum prop_stage s)
{
	switch (s) {
	case PS_DRAFT: case PS_RETURNED: return PERM_PROPOSE;
	/* an approved proposal that cannot be decided as it is (a nominee got the
	** award meanwhile) can still be returned by the level that approved it */
	case PS_BOARD: case PS_AUTHORITY: case PS_APPROVED: return PERM_REVIEW_PROPOSALS;
	case PS_COUNCIL: return PERM_COUNCIL;
	default: return 0;
	}
}

int proposals_may_act(const struct user *who, const struct proposal *p)
{
	enum perm need = stage_perm(p->stage);
	return need && role_can(who, need, p->holder_path);
}

int proposals_readable(const struct user *who, const struct proposal *p)
{
	return role_can(who, PERM_READ, p->proposer_path) || role_can(who, PERM_READ, p->holder_path);
}

/* ---- writing ---- */

int proposals_validate(struct db *db, const struct proposal_in *in, int creating, struct field_errors *fe)
{
	if (creating || in->title) {
		if (!in->title || !*in->title) fe_add(fe, "title", N_("Is required"));
	}
	if (creating || in->round) {
		int ok = 0;
		for (int i = 0; prop_rounds[i]; i++) ok |= in->round && !strcmp(in->round, prop_rounds[i]);
		if (!ok) fe_add(fe, "round", N_("Must be one of: year_end, movement, unexpected"));
	}
	char today[11];
	today_iso(today);
	if ((creating || in->year) && (in->year < 1945 || in->year > atoi(today) + 1)) fe_add(fe, "year", N_("Must be a year from 1945 to next year"));
	if (in->round && !strcmp(in->round, "movement") && in->movement_id <= 0) fe_add(fe, "movement", N_("A movement's review names the movement"));
	if (in->movement_id > 0) {
		int64_t one = 0;
		if (db_int1(db, &one, "SELECT 1 FROM movements WHERE id = $1", "i", in->movement_id) != DB_ROW)
			fe_add(fe, "movement", N_("No such movement"));
	}
	return fe->n ? E_INVALID : E_OK;
}

int proposals_create(struct db *db, const struct user *who, const struct proposal_in *in, struct field_errors *fe, int64_t *id)
{
	char path[UNIT_PATH_MAX];
	if (units_path(db, in->proposer_id, path, sizeof path) != E_OK) fe_add(fe, "proposer", N_("No such unit"));
	if (proposals_validate(db, in, 1, fe) != E_OK) return E_INVALID;
	if (!role_can(who, PERM_PROPOSE, path)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	rc = E_DB;
	char now[21];
	now_iso(now);
	char *key = fold_words_dup(in->title);
	/* the code: DX-YEAR- and the next number of the year */
	int64_t seq = 0;
	char like[32], code[40];
	snprintf(like, sizeof like, "DX-%04lld-%%", (long long)in->year);
	db_int1(db, &seq, "SELECT count(*) FROM proposals WHERE code LIKE $1", "t", like);
	snprintf(code, sizeof code, "DX-%04lld-%06lld", (long long)in->year, (long long)seq + 1);
	struct buf search;
	buf_init(&search);
	buf_printf(&search, "%s %s", key ? key : "", code);
	struct stmt *st = db_query(db,
				   "INSERT INTO proposals (code, title, search, round, year, movement_id, proposer_id, summary, holder_id, stage, "
				   "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, 'draft', $9, $10, $10) RETURNING id",
				   "ttttiIitIt", code, in->title, buf_cstr(&search), in->round, in->year, in->movement_id, in->proposer_id,
				   in->summary, who->id, now);
	buf_free(&search);
	free(key);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) goto out;
	rc = audit_change(db, who, "create", "proposal", *id, NULL, snapshot, NULL);
out:
	return db_tx_end(db, rc);
}

/* the proposal, locked for this transaction's change: its version checked
** and the proposer holding it (draft, returned) when `editing` */
static int load_for_change(struct db *db, struct arena *a, int64_t id, int64_t version, int editing, struct proposal **p,
			   struct field_errors *fe)
{
	int rc = proposals_get(db, a, id, "en", p);
	if (rc != E_OK) return rc;
	if (version != PROP_ANY_VERSION && (*p)->version != version) return E_CONFLICT;
	if (editing && (*p)->stage != PS_DRAFT && (*p)->stage != PS_RETURNED) {
		fe_add(fe, "stage", N_("The proposal is with a level above: it can be changed only when it is returned"));
		return E_STATE;
	}
	return E_OK;
}

static int bump(struct db *db, int64_t id)
{
	char now[21];
	now_iso(now);
	return db_exec(db, "UPDATE proposals SET version = version + 1, updated_at = $1 WHERE id = $2", "ti", now, id) == DB_OK ? E_OK : E_DB;
}

int proposals_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct proposal_in *in,
		     struct field_errors *fe)
{
	if (proposals_validate(db, in, 0, fe) != E_OK) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	char *before = NULL;
	rc = load_for_change(db, &a, id, version, 1, &p, fe);
	if (rc == E_OK && !role_can(who, PERM_PROPOSE, p->proposer_path)) rc = E_FORBIDDEN;
	if (rc != E_OK) goto out;
	before = audit_snapshot(db, id, snapshot);
	rc = E_DB;
	if (in->title) {
		char *key = fold_words_dup(in->title);
		struct buf search;
		buf_init(&search);
		buf_printf(&search, "%s %s", key ? key : "", p->code);
		int ok = db_exec(db, "UPDATE proposals SET title = $1, search = $2 WHERE id = $3", "tti", in->title, buf_cstr(&search), id) == DB_OK;
		buf_free(&search);
		free(key);
		if (!ok) goto out;
	}
	if (in->round && db_exec(db, "UPDATE proposals SET round = $1 WHERE id = $2", "ti", in->round, id) != DB_OK) goto out;
	if (in->summary && db_exec(db, "UPDATE proposals SET summary = $1 WHERE id = $2", "ti", in->summary, id) != DB_OK) goto out;
	if (in->year && db_exec(db, "UPDATE proposals SET year = $1 WHERE id = $2", "ii", in->year, id) != DB_OK) goto out;
	if (in->movement_id > 0 && db_exec(db, "UPDATE proposals SET movement_id = $1 WHERE id = $2", "ii", in->movement_id, id) != DB_OK) goto out;
	if ((rc = bump(db, id)) != E_OK) goto out;
	rc = audit_change(db, who, "update", "proposal", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

static int check_one(struct db *db, int64_t nominee, const char *award, int64_t person, int64_t unit, int64_t year, const char *date)
{
	/* kept in each language: an undecided proposal's pages ask again, a
	 * decided one shows what it was decided on in the reader's language */
	const char *verdict = NULL, *v;
	char *vi = eligibility_answer(db, "vi", award, person, unit, year, date, &verdict);
	char *en = eligibility_answer(db, "en", award, person, unit, year, date, &v);
	char *hi = eligibility_answer(db, "hi", award, person, unit, year, date, &v);
	char now[21];
	now_iso(now);
	int ok = db_exec(db, "UPDATE proposal_nominees SET verdict = $1, verdict_json = $2, verdict_json_en = $3, verdict_json_hi = $4, "
			 "checked_at = $5 WHERE id = $6", "ttttti", verdict, vi, en, hi, now, nominee) == DB_OK;
	free(vi);
	free(en);
	free(hi);
	return ok ? E_OK : E_DB;
}

int proposals_check_nominees(struct db *db, int64_t id, const char *date)
{
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	int rc = proposals_get(db, &a, id, "en", &p);
	char today[11];
	today_iso(today);
	for (int i = 0; rc == E_OK && i < p->nnom; i++) {
		const struct nominee *x = &p->nom[i];
		rc = check_one(db, x->id, x->award_code, x->person_id, x->person_id ? 0 : x->unit_id, p->year,
			       date ? date : p->proposed_on ? p->proposed_on : today);
	}
	arena_free(&a);
	return rc;
}

int proposals_add_nominee(struct db *db, const struct user *who, int64_t id, int64_t version, const struct nominee_in *in,
			  struct field_errors *fe, int64_t *nominee_id)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	char *before = NULL;
	rc = load_for_change(db, &a, id, version, 1, &p, fe);
	if (rc == E_OK && !role_can(who, PERM_PROPOSE, p->proposer_path)) rc = E_FORBIDDEN;
	if (rc != E_OK) goto out;
	/* the nominee: a person or a collective of the proposer's subtree, for an award that fits it */
	char path[UNIT_PATH_MAX] = "";
	if ((in->person_id > 0) == (in->unit_id > 0)) fe_add(fe, "person_code", N_("Give either a person or a unit"));
	else if (in->person_id > 0) {
		struct stmt *st = db_query(db, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", in->person_id);
		if (st && db_step(st) == DB_ROW) snprintf(path, sizeof path, "%s", db_text(st, 0));
		else fe_add(fe, "person_code", N_("No such person"));
		db_done(st);
	} else if (units_path(db, in->unit_id, path, sizeof path) != E_OK) fe_add(fe, "unit_code", N_("No such unit"));
	struct award *aw = NULL;
	if (awards_get_code(db, &a, in->award_code, "en", &aw) != E_OK) fe_add(fe, "award", N_("No award has this code"));
	else if (*path) {
		const char *s = aw->subjects;
		int collective = in->unit_id > 0;
		int fits = !strcmp(s, "both") || (collective ? !strcmp(s, "collective") || !strcmp(s, "household") : !strcmp(s, "person"));
		if (!fits) fe_add(fe, "award", collective ? N_("This award is for individuals, not collectives") : N_("This award is for collectives, not individuals"));
	}
	if (fe->n) { rc = E_INVALID; goto out; }
	if (strncmp(path, p->proposer_path, strlen(p->proposer_path)) != 0) {
		/* a unit proposes its own people and collectives only */
		rc = E_FORBIDDEN;
		goto out;
	}
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM proposal_nominees WHERE proposal_id = $1 AND (person_id = $2 OR unit_id = $3) AND award_code = $4",
		    "iiit", id, in->person_id, in->unit_id, in->award_code) == DB_ROW) {
		fe_add(fe, "award", N_("This nominee is already proposed for this award"));
		rc = E_INVALID;
		goto out;
	}
	/* an award given once a year, held already for the proposal's year: no decision could give it again */
	int held = 0;
	const char *number = NULL;
	if ((rc = award_held(db, &a, in->award_code, in->person_id, in->unit_id, p->year, &held, &number)) != E_OK) goto out;
	if (held) {
		fe_add(fe, "award", N_("This nominee already holds this award for the proposal's year"));
		rc = E_INVALID;
		goto out;
	}
	before = audit_snapshot(db, id, snapshot);
	char today[11];
	today_iso(today);
	int direct = in->person_id > 0 && person_direct_work_on(db, in->person_id, p->proposed_on ? p->proposed_on : today);
	struct stmt *st = db_query(db,
				   "INSERT INTO proposal_nominees (proposal_id, person_id, unit_id, award_code, summary, direct_worker, position) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
				   "iIItti" "i", id, in->person_id, in->unit_id, in->award_code, in->summary, (int64_t)direct, p->nominees + 1);
	rc = E_DB;
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *nominee_id = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) goto out;
	if ((rc = check_one(db, *nominee_id, in->award_code, in->person_id, in->unit_id, p->year, p->proposed_on ? p->proposed_on : today)) != E_OK)
		goto out;
	if ((rc = bump(db, id)) != E_OK) goto out;
	rc = audit_change(db, who, "add nominee", "proposal", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int proposals_remove_nominee(struct db *db, const struct user *who, int64_t id, int64_t version, int64_t nominee_id)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	struct field_errors fe = { 0 };
	char *before = NULL;
	rc = load_for_change(db, &a, id, version, 1, &p, &fe);
	if (rc == E_OK && !role_can(who, PERM_PROPOSE, p->proposer_path)) rc = E_FORBIDDEN;
	if (rc != E_OK) goto out;
	before = audit_snapshot(db, id, snapshot);
	int64_t one = 0;
	if (db_int1(db, &one, "SELECT 1 FROM proposal_nominees WHERE id = $1 AND proposal_id = $2", "ii", nominee_id, id) != DB_ROW) {
		rc = E_NOTFOUND;
		goto out;
	}
	rc = E_DB;
	if (db_exec(db, "DELETE FROM proposal_nominees WHERE id = $1", "i", nominee_id) != DB_OK) goto out;
	if ((rc = bump(db, id)) != E_OK) goto out;
	rc = audit_change(db, who, "remove nominee", "proposal", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* the level number of a unit's kind (unit_kinds.level: the country -1,
** central bodies 0, ministries and provinces 1, ...) */
int64_t unit_level(struct db *db, int64_t unit)
{
	int64_t level = 99;
	db_int1(db, &level, "SELECT k.level FROM units u JOIN unit_kinds k ON k.code = u.kind WHERE u.id = $1", "i", unit);
	return level;
}

/* the highest unit level an award's authority level allows to approve it for good */
int64_t award_level_needed(const char *authority_level)
{
	if (!strcmp(authority_level, "state")) return -1;
	if (!strcmp(authority_level, "government")) return 0;
	if (!strcmp(authority_level, "province")) return 1;
	return 4;
}

/* 1 when the holder's level may approve every nominee's award for good */
static int level_suffices(struct db *db, struct arena *a, const struct proposal *p)
{
	int64_t lv = unit_level(db, p->holder_id);
	for (int i = 0; i < p->nnom; i++) {
		struct award *aw;
		if (awards_get_code(db, a, p->nom[i].award_code, "en", &aw) != E_OK) return 0;
		if (lv > award_level_needed(aw->authority_level)) return 0;
	}
	return 1;
}

static int add_step(struct db *db, const struct user *who, const struct proposal *p, enum prop_action action, const char *comment)
{
	char now[21], today[11];
	now_iso(now);
	today_iso(today);
	int late = p->due_on && strcmp(p->due_on, today) < 0;
	return db_exec(db,
		       "INSERT INTO proposal_steps (proposal_id, at, user_id, unit_id, stage, action, comment, due_on, late) "
		       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		       "itIitttti", p->id, now, who->id, p->holder_id, prop_stages[p->stage], prop_actions[action], comment, p->due_on,
		       (int64_t)late) == DB_OK
		       ? E_OK
		       : E_DB;
}

/* the level a returned proposal goes back to: the holder before the current
** one (the last submit or forward that brought it here came from there) */
static int64_t came_from(struct db *db, const struct proposal *p)
{
	int64_t from = p->proposer_id;
	db_int1(db, &from,
		"SELECT unit_id FROM proposal_steps WHERE proposal_id = $1 AND action IN ('submit', 'forward') AND unit_id <> $2 "
		"ORDER BY id DESC LIMIT 1",
		"ii", p->id, p->holder_id);
	return from;
}

static int move_to(struct db *db, int64_t id, int64_t holder, enum prop_stage stage)
{
	char due[11];
	int days = prop_stage_days[stage];
	if (days > 0) days_from_today(due, days);
	return db_exec(db, "UPDATE proposals SET holder_id = $1, stage = $2, due_on = $3 WHERE id = $4", "itti", holder, prop_stages[stage],
		       days > 0 ? due : NULL, id) == DB_OK
		       ? E_OK
		       : E_DB;
}

int proposals_step(struct db *db, const struct user *who, int64_t id, int64_t version, enum prop_action action, int64_t to_unit,
		   const char *comment, struct field_errors *fe)
{
	if ((action == PA_RETURN || action == PA_REJECT) && (!comment || !*comment)) {
		fe_add(fe, "comment", N_("Say why: the level below reads it"));
		return E_INVALID;
	}
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	char *before = NULL;
	rc = load_for_change(db, &a, id, version, 0, &p, fe);
	if (rc != E_OK) goto out;
	enum prop_stage st = p->stage;
	int fits = action == PA_SUBMIT ? (st == PS_DRAFT || st == PS_RETURNED)
		 : action == PA_FORWARD ? st == PS_AUTHORITY
		 : action == PA_RETURN ? (st == PS_BOARD || st == PS_COUNCIL || st == PS_AUTHORITY || st == PS_APPROVED)
					: (st == PS_BOARD || st == PS_COUNCIL || st == PS_AUTHORITY);
	if (!fits) {
		fe_add(fe, "action", action == PA_SUBMIT ? N_("Only a draft or a returned proposal can be submitted")
				     : action == PA_FORWARD ? N_("Only the authority forwards a proposal to the level above")
							    : N_("The proposal is not waiting for a review"));
		rc = E_STATE;
		goto out;
	}
	if (!proposals_may_act(who, p)) { rc = E_FORBIDDEN; goto out; }
	before = audit_snapshot(db, id, snapshot);
	char today[11];
	today_iso(today);
	if (action == PA_SUBMIT) {
		if (p->nnom == 0) { fe_add(fe, "nominees", N_("Add at least one nominee first")); rc = E_STATE; goto out; }
		/* the receiving level: an ancestor of the proposer (the parent when not
		** said); a returned proposal goes back to the level that returned it */
		int64_t to = to_unit;
		if (st == PS_RETURNED)
			db_int1(db, &to, "SELECT unit_id FROM proposal_steps WHERE proposal_id = $1 AND action = 'return' ORDER BY id DESC LIMIT 1", "i", id);
		if (to <= 0) db_int1(db, &to, "SELECT parent_id FROM units WHERE id = $1", "i", p->proposer_id);
		char tpath[UNIT_PATH_MAX];
		if (to <= 0 || units_path(db, to, tpath, sizeof tpath) != E_OK || to == p->proposer_id ||
		    strncmp(p->proposer_path, tpath, strlen(tpath)) != 0) {
			fe_add(fe, "to_unit", N_("A proposal goes to a unit above the proposer"));
			rc = E_INVALID;
			goto out;
		}
		if (!p->proposed_on &&
		    db_exec(db, "UPDATE proposals SET proposed_on = $1 WHERE id = $2", "ti", today, id) != DB_OK) { rc = E_DB; goto out; }
		if ((rc = add_step(db, who, p, PA_SUBMIT, comment)) != E_OK) goto out;
		rc = move_to(db, id, to, PS_BOARD);
	} else if (action == PA_APPROVE) {
		if ((rc = add_step(db, who, p, PA_APPROVE, comment)) != E_OK) goto out;
		if (st == PS_BOARD) rc = move_to(db, id, p->holder_id, PS_COUNCIL);
		else if (st == PS_COUNCIL) rc = move_to(db, id, p->holder_id, PS_AUTHORITY);
		else if (level_suffices(db, &a, p)) rc = move_to(db, id, p->holder_id, PS_APPROVED);
		else {
			fe_add(fe, "action", N_("This level may not issue every award of the proposal: forward it to the level above"));
			rc = E_STATE;
		}
	} else if (action == PA_FORWARD) {
		int64_t up = 0;
		db_int1(db, &up, "SELECT parent_id FROM units WHERE id = $1", "i", p->holder_id);
		if (up <= 0) { fe_add(fe, "action", N_("There is no level above this one")); rc = E_STATE; goto out; }
		if ((rc = add_step(db, who, p, PA_FORWARD, comment)) != E_OK) goto out;
		rc = move_to(db, id, up, PS_BOARD);
	} else if (action == PA_RETURN) {
		int64_t back = came_from(db, p);
		if ((rc = add_step(db, who, p, PA_RETURN, comment)) != E_OK) goto out;
		rc = back == p->proposer_id ? move_to(db, id, back, PS_RETURNED) : move_to(db, id, back, PS_BOARD);
	} else {
		if ((rc = add_step(db, who, p, PA_REJECT, comment)) != E_OK) goto out;
		rc = move_to(db, id, p->holder_id, PS_REJECTED);
	}
	if (rc != E_OK) goto out;
	/* the eligibility again at every step, as of the proposal's date */
	if ((rc = proposals_check_nominees(db, id, NULL)) != E_OK) goto out;
	if ((rc = bump(db, id)) != E_OK) goto out;
	rc = audit_change(db, who, prop_actions[action], "proposal", id, before, snapshot, comment);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* the last step, taken by a decision (decisions.c) inside its transaction */
int proposals_mark_decided(struct db *db, const struct user *who, int64_t proposal_id, int64_t authority_id, const char *number,
			    int64_t decision_id)
{
	char now[21];
	now_iso(now);
	if (db_exec(db, "UPDATE proposals SET stage = 'decided', version = version + 1, updated_at = $2 WHERE id = $1 AND stage = 'approved'",
		    "it", proposal_id, now) != DB_OK || db_changes(db) != 1)
		return E_DB;
	if (db_exec(db,
		    "INSERT INTO proposal_steps (proposal_id, at, user_id, unit_id, stage, action, comment) "
		    "VALUES ($1, $2, $3, $4, 'approved', 'decide', $5)",
		    "itIit", proposal_id, now, who->id, authority_id, number) != DB_OK)
		return E_DB;
	char before[64], after[128];
	snprintf(before, sizeof before, "{\"stage\":\"approved\"}");
	snprintf(after, sizeof after, "{\"stage\":\"decided\",\"decision_id\":%lld}", (long long)decision_id);
	return audit_add(db, who, "decide", "proposal", proposal_id, before, after, number) == DB_OK ? E_OK : E_DB;
}

/* the decision that decided it is revoked (decisions.c, inside its
** transaction): the proposal is approved again at the same level, so a
** corrected decision can be issued from it, with a step 'revoke' saying
** which decision and why */
int proposals_mark_revoked(struct db *db, const struct user *who, int64_t proposal_id, int64_t authority_id, const char *number,
			   const char *reason, int64_t decision_id)
{
	char now[21];
	now_iso(now);
	if (db_exec(db, "UPDATE proposals SET stage = 'approved', version = version + 1, updated_at = $2 WHERE id = $1 AND stage = 'decided'",
		    "it", proposal_id, now) != DB_OK)
		return E_DB;
	if (db_changes(db) != 1) return E_OK; /* not decided by it (any more): nothing to undo */
	const char *comment = reason && *reason ? NULL : number;
	char *both = NULL;
	if (!comment) {
		size_t n = strlen(number) + strlen(reason) + 3;
		both = malloc(n);
		if (!both) return E_DB;
		snprintf(both, n, "%s: %s", number, reason);
		comment = both;
	}
	int rc = db_exec(db,
			 "INSERT INTO proposal_steps (proposal_id, at, user_id, unit_id, stage, action, comment) "
			 "VALUES ($1, $2, $3, $4, 'decided', 'revoke', $5)",
			 "itIit", proposal_id, now, who->id, authority_id, comment) == DB_OK
			 ? E_OK
			 : E_DB;
	char after[64], before[128];
	snprintf(before, sizeof before, "{\"stage\":\"decided\",\"decision_id\":%lld}", (long long)decision_id);
	snprintf(after, sizeof after, "{\"stage\":\"approved\"}");
	if (rc == E_OK) rc = audit_add(db, who, "revoke decision", "proposal", proposal_id, before, after, comment) == DB_OK ? E_OK : E_DB;
	free(both);
	return rc;
}

int proposals_add_typical(struct db *db, const struct user *who, int64_t id, int64_t version, const char *award, struct field_errors *fe,
			  int *added)
{
	*added = 0;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct proposal *p;
	rc = load_for_change(db, &a, id, version, 1, &p, fe);
	if (rc == E_OK && !role_can(who, PERM_PROPOSE, p->proposer_path)) rc = E_FORBIDDEN;
	if (rc == E_OK && p->movement_id <= 0) {
		fe_add(fe, "movement", N_("Only a movement's review proposes its typical examples"));
		rc = E_STATE;
	}
	if (rc != E_OK) goto out;
	/* the typical examples of the movement run within the proposer's subtree:
	** their owner, a person or a collective (the owning or registering unit) */
	char hi[UNIT_PATH_MAX];
	subtree_end(hi, sizeof hi, p->proposer_path);
	struct stmt *st = db_query(db,
				   "SELECT d.owner_person_id, CASE WHEN d.owner_person_id IS NULL THEN COALESCE(d.owner_unit_id, d.unit_id) END, "
				   "COALESCE(d.citation, d.title) FROM models d LEFT JOIN people pp ON pp.id = d.owner_person_id "
				   "JOIN units u ON u.id = COALESCE(pp.unit_id, d.owner_unit_id, d.unit_id) "
				   "WHERE d.movement_id = $1 AND d.typical = 1 AND d.active = 1 AND u.path >= $2 AND u.path < $3 ORDER BY d.id",
				   "itt", p->movement_id, p->proposer_path, hi);
	if (!st) { rc = E_DB; goto out; }
	struct cand { int64_t person, unit; const char *summary; } *c = NULL;
	int nc = 0, cap = 0;
	while (db_step(st) == DB_ROW) {
		if (nc == cap) {
			cap = cap ? cap * 2 : 16;
			struct cand *g = arena_alloc(&a, sizeof *g * (size_t)cap);
			if (nc) memcpy(g, c, sizeof *g * (size_t)nc);
			c = g;
		}
		c[nc].person = db_isnull(st, 0) ? 0 : db_int(st, 0);
		c[nc].unit = db_isnull(st, 1) ? 0 : db_int(st, 1);
		c[nc].summary = arena_strdup(&a, db_text(st, 2));
		nc++;
	}
	db_done(st);
	int64_t v = version;
	for (int i = 0; i < nc && rc == E_OK; i++) {
		int64_t dup = 0;
		if (db_int1(db, &dup, "SELECT id FROM proposal_nominees WHERE proposal_id = $1 AND (person_id = $2 OR unit_id = $3) AND award_code = $4",
			    "iiit", id, c[i].person, c[i].unit, award) == DB_ROW)
			continue;
		struct nominee_in in = { .person_id = c[i].person, .unit_id = c[i].unit, .award_code = award, .summary = c[i].summary };
		int64_t nid;
		rc = proposals_add_nominee(db, who, id, v, &in, fe, &nid);
		if (rc == E_OK) { v++; (*added)++; }
	}
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}
