/* rule_sets: an award's eligibility rules as versioned data. Each rule set
** holds the rule text (rules.h) with its legal basis and the dates it is in
** force (effective_from .. effective_to, inclusive; no end: still in force).
** The active rule sets of one award never overlap, so one date chooses at
** most one. Creating and editing need PERM_RULES_MANAGE granted on a root
** unit (an officer or administrator of the whole tree): the rules are the
** country's, not a unit's. Every change is audited. */
#ifndef THIDUA_RULE_SETS_H
#define THIDUA_RULE_SETS_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"
#include "commendation.h"
#include "rules.h"

struct db;
struct arena;
struct user;

#define RULE_SET_TEXT_MAX 1000     /* legal basis, source */

struct rule_set {
	int64_t id, award_id;
	const char *award_code, *award_name;
	const char *legal_basis, *source;
	const char *effective_from, *effective_to;   /* YYYY-MM-DD; effective_to NULL: open */
	const char *rules;
	int active;
	int64_t version;
	const char *created_at, *updated_at;
};

/* what create and update take; in an update a NULL field is left alone */
struct rule_set_in {
	const char *award_code;            /* create only */
	const char *legal_basis, *source, *effective_from, *effective_to, *rules;
	int clear_source, clear_effective_to;   /* update: set to none */
	int active;                        /* update: -1 leaves it */
};

/* award names are in lang */
int rule_sets_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct rule_set **out);
/* every rule set (award_id 0) or one award's, by the catalogue's order then date */
int rule_sets_list(struct db *db, struct arena *a, int64_t award_id, const char *lang, struct rule_set **items, int *n);
/* the active rule set of the award in force on date (YYYY-MM-DD): E_OK, E_NOTFOUND */
int rule_sets_in_force(struct db *db, struct arena *a, int64_t award_id, const char *date, const char *lang, struct rule_set **out);

/* E_OK, E_INVALID (fe; a rule that does not parse also fills *rerr, whose
** line is then > 0), E_FORBIDDEN, E_CONFLICT (stale version), E_NOTFOUND,
** E_DB, E_BUSY */
int rule_sets_create(struct db *db, const struct user *who, const struct rule_set_in *in, struct field_errors *fe,
		     struct rule_error *rerr, int64_t *id);
int rule_sets_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct rule_set_in *in,
		     struct field_errors *fe, struct rule_error *rerr);
/* may the user create and edit rule sets? */
int rule_sets_may_manage(const struct user *who);

/* {"id","award","award_name","legal_basis","source","effective_from","effective_to","rules","active","version","created_at","updated_at"} */
void rule_set_json(struct jw *w, const struct rule_set *rs);

/* The check behind GET /api/v1/eligibility and the page /eligibility: the
** award's rule set in force on date (NULL: 31 December of year) evaluated
** for the subject. E_OK; E_NOTFOUND with *why (no rule set in force);
** E_INVALID with *why (the award is not for this kind of subject); E_STATE
** with *why (the rule set in force no longer parses); E_DB. */
int eligibility_check(struct db *db, struct arena *a, const char *lang, const struct award *award, const struct elig_subject *s,
		      int year, const char *date, struct rule_set **rs, struct elig_result *out, const char **why);

/* Whether the person (person > 0) or the collective unit holds the award
** for the year already: *held, and the number of the decision that gave it
** in *number ("" when the record has none). E_OK or E_DB. */
int award_held(struct db *db, struct arena *a, const char *award_code, int64_t person, int64_t unit, int64_t year, int *held,
	       const char **number);

/* The scan behind GET /api/v1/eligibility/scan, the page /eligibility and
** thidua eligibility: the award's rule set in force on q->date (NULL: 31
** December of the year) evaluated for every active person of the unit's subtree (rules.h,
** elig_scan). The same errors as eligibility_check (an award for
** collectives is E_INVALID), and E_NOTFOUND for an unknown unit. */
int eligibility_scan(struct db *db, struct arena *a, const char *lang, const struct award *award, const struct elig_scan_query *q,
		     struct rule_set **rs, struct elig_scan *out, const char **why);

/* {"id","legal_basis","effective_from","effective_to"}: the rule set an answer used */
void rule_set_brief_json(struct jw *w, const struct rule_set *rs);
/* [{"text","met","facts"}]: the conditions of an answer */
void elig_conditions_json(struct jw *w, const struct elig_result *res);

/* The same answer as GET /api/v1/eligibility, as JSON (malloc'd) in lang,
** for a person (person > 0) or a unit; NULL when there is none (no rule set
** in force, an award for the other kind of subject); *verdict a static
** "eligible", "ineligible" or "manual", or NULL. */
char *eligibility_answer(struct db *db, const char *lang, const char *award_code, int64_t person, int64_t unit, int64_t year, const char *date,
			 const char **verdict);

/* the demo's rule sets (data/demo/rule_sets.csv) through rule_sets_create;
** 0, or -1 after printing why to err */
int rule_sets_demo_load(struct db *db, const struct user *who, FILE *err, int *n);

#endif
