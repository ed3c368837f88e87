/* Rule sets as versioned data (rule_sets.h): reads, the choice of the rule
** set in force on a date, create and update with their checks, and the
** eligibility check that puts a rule set and the evaluator together. */
#include "rule_sets.h"

#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../web/roles.h"

/* the award name's column for a language */
static const char *name_col(const char *lang)
{
	return lang && !strcmp(lang, "en") ? "a.name_en" : lang && !strcmp(lang, "hi") ? "a.name_hi" : "a.name_vi";
}

/* ---- reads ---- */

#define RS_COLS                                                                                                      \
	"r.id, r.award_id, a.code, %s, r.legal_basis, r.source, r.effective_from, r.effective_to, r.rules, r.active, " \
	"r.version, r.created_at, r.updated_at FROM rule_sets r JOIN awards a ON a.id = r.award_id "

static void read_rs(struct stmt *st, struct arena *a, struct rule_set *r)
{
	r->id = db_int(st, 0);
	r->award_id = db_int(st, 1);
	r->award_code = arena_strdup(a, db_text(st, 2));
	r->award_name = arena_strdup(a, db_text(st, 3));
	r->legal_basis = arena_strdup(a, db_text(st, 4));
	r->source = arena_strdup(a, db_text(st, 5));
	r->effective_from = arena_strdup(a, db_text(st, 6));
	r->effective_to = arena_strdup(a, db_text(st, 7));
	r->rules = arena_strdup(a, db_text(st, 8));
	r->active = (int)db_int(st, 9);
	r->version = db_int(st, 10);
	r->created_at = arena_strdup(a, db_text(st, 11));
	r->updated_at = arena_strdup(a, db_text(st, 12));
}

static int one(struct db *db, struct arena *a, struct stmt *st, struct rule_set **out)
{
	(void)db;
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_rs(st, a, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int rule_sets_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct rule_set **out)
{
	const char *sql = arena_printf(a, "SELECT " RS_COLS "WHERE r.id = $1", name_col(lang));
	return one(db, a, db_query(db, sql, "i", id), out);
}

int rule_sets_in_force(struct db *db, struct arena *a, int64_t award_id, const char *date, const char *lang, struct rule_set **out)
{
	const char *sql = arena_printf(a,
				       "SELECT " RS_COLS "WHERE r.award_id = $1 AND r.active = 1 AND r.effective_from <= $2 "
				       "AND (r.effective_to IS NULL OR r.effective_to >= $2) ORDER BY r.effective_from DESC LIMIT 1",
				       name_col(lang));
	return one(db, a, db_query(db, sql, "it", award_id, date), out);
}

int rule_sets_list(struct db *db, struct arena *a, int64_t award_id, const char *lang, struct rule_set **items, int *n)
{
	const char *sql = arena_printf(a, "SELECT " RS_COLS "WHERE ($1 = 0 OR r.award_id = $1) ORDER BY a.position, a.code, r.effective_from, r.id",
				       name_col(lang));
	struct stmt *st = db_query(db, sql, "i", award_id);
	*n = 0;
	*items = NULL;
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct rule_set *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_rs(st, a, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

void rule_set_json(struct jw *w, const struct rule_set *rs)
{
	jw_obj(w);
	jw_kint(w, "id", rs->id);
	jw_kstr(w, "award", rs->award_code);
	jw_kstr(w, "award_name", rs->award_name);
	jw_kstr(w, "legal_basis", rs->legal_basis);
	jw_kstr(w, "source", rs->source);
	jw_kstr(w, "effective_from", rs->effective_from);
	jw_kstr(w, "effective_to", rs->effective_to);
	jw_kstr(w, "rules", rs->rules);
	jw_kbool(w, "active", rs->active);
	jw_kint(w, "version", rs->version);
	jw_kstr(w, "created_at", rs->created_at);
	jw_kstr(w, "updated_at", rs->updated_at);
	jw_obj_end(w);
}

/* ---- writes ---- */

int rule_sets_may_manage(const struct user *who) { return role_can_top(who, PERM_RULES_MANAGE); }

static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct rule_set *rs;
	int rc = rule_sets_get(db, a, id, "vi", &rs);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_kstr(w, "award", rs->award_code);
	jw_kstr(w, "legal_basis", rs->legal_basis);
	jw_kstr(w, "source", rs->source);
	jw_kstr(w, "effective_from", rs->effective_from);
	jw_kstr(w, "effective_to", rs->effective_to);
	jw_kstr(w, "rules", rs->rules);
	jw_kbool(w, "active", rs->active);
	jw_kint(w, "version", rs->version);
	jw_obj_end(w);
	return E_OK;
}

/* a rule set as it will be stored, checked whole: the fields, the rule's
** text against the awards table, and no overlap with another active rule
** set of the award (self: the one being edited, else 0) */
static int validate(struct db *db, const struct rule_set *v, int64_t self, struct field_errors *fe, struct rule_error *rerr)
{
	if (!v->legal_basis || !*v->legal_basis) fe_add(fe, "legal_basis", N_("Is required"));
	else if (strlen(v->legal_basis) > RULE_SET_TEXT_MAX) fe_add(fe, "legal_basis", N_("Is too long"));
	if (v->source && strlen(v->source) > RULE_SET_TEXT_MAX) fe_add(fe, "source", N_("Is too long"));
	int dates = 1;
	if (!v->effective_from || !*v->effective_from) fe_add(fe, "effective_from", N_("Is required")), dates = 0;
	else if (!date_valid(v->effective_from)) fe_add(fe, "effective_from", N_("Is not a date (YYYY-MM-DD)")), dates = 0;
	if (v->effective_to && !date_valid(v->effective_to)) fe_add(fe, "effective_to", N_("Is not a date (YYYY-MM-DD)")), dates = 0;
	else if (dates && v->effective_to && strcmp(v->effective_to, v->effective_from) < 0)
		fe_add(fe, "effective_to", N_("Ends before it starts")), dates = 0;
	struct arena a;
	arena_init(&a);
	struct rule_node *tree;
	if (!v->rules || !*v->rules) fe_add(fe, "rules", N_("Is required"));
	else if (rules_check(db, &a, v->rules, &tree, rerr) != E_OK) fe_add(fe, "rules", N_("The rule does not parse"));
	arena_free(&a);
	if (dates && v->active) {
		int64_t other = 0;
		int rc = db_int1(db, &other,
				 "SELECT id FROM rule_sets WHERE award_id = $1 AND active = 1 AND id <> $2 "
				 "AND effective_from <= $4 AND COALESCE(effective_to, '9999-12-31') >= $3 ORDER BY effective_from LIMIT 1",
				 "iitt", v->award_id, self, v->effective_from, v->effective_to ? v->effective_to : "9999-12-31");
		if (rc != DB_ROW && rc != DB_DONE) return E_DB;
		if (rc == DB_ROW) fe_add(fe, "effective_from", N_("Overlaps the dates of another rule set of this award"));
	}
	return fe->n ? E_INVALID : E_OK;
}

int rule_sets_create(struct db *db, const struct user *who, const struct rule_set_in *in, struct field_errors *fe,
		     struct rule_error *rerr, int64_t *id)
{
	memset(rerr, 0, sizeof *rerr);
	if (!rule_sets_may_manage(who)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	struct award *award = NULL;
	struct rule_set v = { .legal_basis = in->legal_basis, .source = in->source, .effective_from = in->effective_from,
			      .effective_to = in->effective_to, .rules = in->rules, .active = 1 };
	if (!in->award_code || !*in->award_code) fe_add(fe, "award", N_("Is required"));
	else if ((rc = awards_get_code(db, &a, in->award_code, "vi", &award)) == E_NOTFOUND) fe_add(fe, "award", N_("No award has this code"));
	else if (rc != E_OK) goto out;
	if (award) v.award_id = award->id;
	rc = validate(db, &v, 0, fe, rerr);
	if (rc == E_OK && fe->n) rc = E_INVALID;
	if (rc != E_OK) goto out;
	char now[21];
	now_iso(now);
	rc = E_DB;
	if (db_int1(db, id,
		    "INSERT INTO rule_sets (award_id, legal_basis, source, effective_from, effective_to, rules, active, version, created_at, updated_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id",
		    "ittttt" "t", v.award_id, v.legal_basis, v.source, v.effective_from, v.effective_to, v.rules, now) != DB_ROW)
		goto out;
	rc = audit_change(db, who, "create", "rule_set", *id, NULL, snapshot, NULL);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

int rule_sets_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct rule_set_in *in,
		     struct field_errors *fe, struct rule_error *rerr)
{
	memset(rerr, 0, sizeof *rerr);
	if (!rule_sets_may_manage(who)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	struct rule_set *cur;
	rc = rule_sets_get(db, &a, id, "vi", &cur);
	if (rc != E_OK) goto out;
	if (version != cur->version) { rc = E_CONFLICT; goto out; }
	/* the record as it will be, checked whole */
	struct rule_set v = *cur;
	if (in->legal_basis) v.legal_basis = in->legal_basis;
	if (in->source || in->clear_source) v.source = in->clear_source ? NULL : in->source;
	if (in->effective_from) v.effective_from = in->effective_from;
	if (in->effective_to || in->clear_effective_to) v.effective_to = in->clear_effective_to ? NULL : in->effective_to;
	if (in->rules) v.rules = in->rules;
	if (in->active >= 0) v.active = in->active;
	rc = validate(db, &v, id, fe, rerr);
	if (rc != E_OK) goto out;
	before = audit_snapshot(db, id, snapshot);
	char now[21];
	now_iso(now);
	rc = db_exec(db,
		     "UPDATE rule_sets SET legal_basis = $1, source = $2, effective_from = $3, effective_to = $4, rules = $5, active = $6, "
		     "version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
		     "ttttti" "tii", v.legal_basis, v.source, v.effective_from, v.effective_to, v.rules, (int64_t)v.active, now, id, version) == DB_OK
		? E_OK
		: E_DB;
	if (rc == E_OK && db_changes(db) != 1) rc = E_CONFLICT;
	if (rc == E_OK) rc = audit_change(db, who, v.active || !cur->active ? "update" : "deactivate", "rule_set", id, before, snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- the eligibility check ---- */

/* why no rule set answers, in the reader's language: the award, the date
** the rules were chosen for (31 December of the year when no date was
** given, which the reader did not type) and, when one starts later, the
** date it applies from: "… on 31/12/2023: … from 01/01/2024" */
static const char *no_rule_set(struct db *db, struct arena *a, const char *lang, const struct award *award, const char *on)
{
	struct buf b;
	buf_init(&b);
	fmt_date(&b, lang, on);
	const char *day = arena_strdup(a, buf_cstr(&b));
	const char *next = NULL;
	struct stmt *st = db_query(db,
				   "SELECT min(effective_from) FROM rule_sets WHERE award_id = $1 AND active = 1 AND effective_from > $2",
				   "it", award->id, on);
	if (st && db_step(st) == DB_ROW && !db_isnull(st, 0)) {
		buf_reset(&b);
		fmt_date(&b, lang, db_text(st, 0));
		next = arena_strdup(a, buf_cstr(&b));
	}
	db_done(st);
	buf_free(&b);
	return next ? arena_printf(a, i18n_get(lang, N_("No rule set of %s is in force on %s: its rules apply from %s")), award->name, day, next)
		    : arena_printf(a, i18n_get(lang, N_("No rule set of %s is in force on %s")), award->name, day);
}

/* the rule set in force on 31 December of the year (or date), parsed */
static int rule_in_force(struct db *db, struct arena *a, const char *lang, const struct award *award, int year, const char *date,
			 struct rule_set **rs, struct rule_node **tree, const char **why)
{
	const char *on = date ? date : arena_printf(a, "%04d-12-31", year);
	int rc = rule_sets_in_force(db, a, award->id, on, lang, rs);
	if (rc == E_NOTFOUND) *why = no_rule_set(db, a, lang, award, on);
	if (rc != E_OK) return rc;
	struct rule_error err;
	if (rules_check(db, a, (*rs)->rules, tree, &err) != E_OK) {
		*why = N_("The rule set in force does not parse any more; an officer must correct it");
		return E_STATE;
	}
	return E_OK;
}

/* a subject holding the award for that year already (a decision gives it
** once): not eligible again, whatever the rule says; said first. The single
** check, a proposal's nominees and the scan of a unit (its listed people,
** elig_scan's held) say it alike. */
static int held_already(struct db *db, struct arena *a, const char *lang, const struct award *award, const struct elig_subject *s, int year,
			struct elig_result *out)
{
	const char *number = NULL;
	int held = 0;
	int rc = award_held(db, a, award->code, s->person_id, s->unit_id, year, &held, &number);
	if (rc != E_OK || !held) return rc;
	struct elig_condition *conds = arena_alloc(a, sizeof *conds * (size_t)(out->nconds + 1));
	memcpy(conds + 1, out->conds, sizeof *conds * (size_t)out->nconds);
	struct elig_condition *c = &conds[0];
	memset(c, 0, sizeof *c);
	c->text = arena_printf(a, i18n_get(lang, N_("%s not held for %d yet")), award->name, year);
	c->met = ELIG_UNMET;
	c->facts = arena_alloc(a, sizeof *c->facts);
	c->facts[0] = number && *number ? arena_printf(a, i18n_get(lang, N_("Already awarded for %d by decision %s")), year, number)
					: arena_printf(a, i18n_get(lang, N_("Already awarded for %d")), year);
	c->nfacts = 1;
	out->conds = conds;
	out->nconds++;
	out->verdict = ELIG_INELIGIBLE;
	return E_OK;
}

int eligibility_check(struct db *db, struct arena *a, const char *lang, const struct award *award, const struct elig_subject *s,
		      int year, const char *date, struct rule_set **rs, struct elig_result *out, const char **why)
{
	*why = NULL;
	*rs = NULL;
	int person = s->person_id > 0;
	if (person && !strcmp(award->subjects, "collective")) { *why = N_("This award is for collectives, not for individuals"); return E_INVALID; }
	if (!person && !strcmp(award->subjects, "person")) { *why = N_("This award is for individuals, not for collectives"); return E_INVALID; }
	/* without a proposal's date, the rules in force at the end of the year considered */
	struct rule_node *tree;
	int rc = rule_in_force(db, a, lang, award, year, date, rs, &tree, why);
	if (rc == E_OK) rc = elig_evaluate(db, a, lang, tree, s, year, out);
	return rc == E_OK ? held_already(db, a, lang, award, s, year, out) : rc;
}

int award_held(struct db *db, struct arena *a, const char *award_code, int64_t person, int64_t unit, int64_t year, int *held,
	       const char **number)
{
	*held = 0;
	*number = NULL;
	struct stmt *st = person > 0 ? db_query(db,
						"SELECT COALESCE(decision_no, '') FROM achievements WHERE person_id = $1 AND year = $2 AND "
						"kind = 'title' AND value = $3 ORDER BY id LIMIT 1",
						"iit", person, year, award_code)
				     : db_query(db,
						"SELECT COALESCE(decision_no, '') FROM achievements WHERE unit_id = $1 AND person_id IS NULL AND "
						"year = $2 AND kind = 'title' AND value = $3 ORDER BY id LIMIT 1",
						"iit", unit, year, award_code);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s == DB_ROW) {
		*held = 1;
		*number = arena_strdup(a, db_text(st, 0));
	}
	db_done(st);
	return s == DB_ROW || s == DB_DONE ? E_OK : E_DB;
}

int eligibility_scan(struct db *db, struct arena *a, const char *lang, const struct award *award, const struct elig_scan_query *q,
		     struct rule_set **rs, struct elig_scan *out, const char **why)
{
	*why = NULL;
	*rs = NULL;
	memset(out, 0, sizeof *out);
	if (!strcmp(award->subjects, "collective")) { *why = N_("This award is for collectives, not for individuals"); return E_INVALID; }
	struct rule_node *tree;
	int rc = rule_in_force(db, a, lang, award, q->year, q->date, rs, &tree, why);
	if (rc != E_OK) return rc;
	struct elig_scan_query held = *q;
	held.held_code = award->code;
	rc = elig_scan(db, a, lang, tree, &held, out);
	if (rc == E_NOTFOUND) *why = N_("No such record");
	/* the listed holders: why, first, as the single check says it */
	for (int i = 0; rc == E_OK && i < out->nitems; i++) {
		if (!out->items[i].held) continue;
		struct elig_subject s = { .person_id = out->items[i].person_id };
		rc = held_already(db, a, lang, award, &s, q->year, &out->items[i].res);
	}
	return rc;
}

void rule_set_brief_json(struct jw *w, const struct rule_set *rs)
{
	jw_obj(w);
	jw_kint(w, "id", rs->id);
	jw_kstr(w, "legal_basis", rs->legal_basis);
	jw_kstr(w, "effective_from", rs->effective_from);
	jw_kstr(w, "effective_to", rs->effective_to);
	jw_obj_end(w);
}

void elig_conditions_json(struct jw *w, const struct elig_result *res)
{
	jw_arr(w);
	for (int i = 0; i < res->nconds; i++) {
		const struct elig_condition *c = &res->conds[i];
		jw_obj(w);
		jw_kstr(w, "text", c->text);
		jw_key(w, "met");
		if (c->met == ELIG_UNKNOWN) jw_null(w);
		else jw_bool(w, c->met == ELIG_MET);
		jw_key(w, "facts");
		jw_arr(w);
		for (int k = 0; k < c->nfacts; k++) jw_str(w, c->facts[k]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

char *eligibility_answer(struct db *db, const char *lang, const char *award_code, int64_t person, int64_t unit, int64_t year, const char *date,
			 const char **verdict)
{
	*verdict = NULL;
	struct arena a;
	arena_init(&a);
	char *out = NULL;
	struct award *award;
	struct elig_subject s = { .person_id = person, .unit_id = unit };
	if (person > 0) db_int1(db, &s.unit_id, "SELECT unit_id FROM people WHERE id = $1", "i", person);
	struct rule_set *rs;
	struct elig_result res;
	const char *why;
	if (awards_get_code(db, &a, award_code, lang, &award) == E_OK &&
	    eligibility_check(db, &a, lang, award, &s, (int)year, date, &rs, &res, &why) == E_OK) {
		struct buf b;
		buf_init(&b);
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "verdict", elig_verdict_name(res.verdict));
		jw_key(&w, "rule_set");
		rule_set_brief_json(&w, rs);
		jw_key(&w, "conditions");
		elig_conditions_json(&w, &res);
		jw_obj_end(&w);
		out = strdup(buf_cstr(&b));
		buf_free(&b);
		*verdict = elig_verdict_name(res.verdict);
	}
	arena_free(&a);
	return out;
}
