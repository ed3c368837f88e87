/* commendation_web: the routes of commendation — here the eligibility
** rules (rules_web.c: the API /api/v1/rule-sets and /api/v1/eligibility,
** the pages /rules and /eligibility) — and what their templates
** (templates/commendation_*.html) see. */
#ifndef THIDUA_COMMENDATION_WEB_H
#define THIDUA_COMMENDATION_WEB_H
#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "rule_sets.h"
#include "rules.h"

/* handlers: rules_web.c */
void api_eligibility(struct req *r);
void api_rule_set_create(struct req *r);
void api_rule_set_get(struct req *r);
void api_rule_set_update(struct req *r);
void api_rule_sets_list(struct req *r);
void page_eligibility(struct req *r);
void page_rule_set(struct req *r);
void page_rule_set_create(struct req *r);
void page_rule_set_new(struct req *r);
void page_rule_set_post(struct req *r);
void page_rules(struct req *r);

/* the eligibility page's question, as asked in its form */
struct elig_form {
	const char *award;                 /* the award's code */
	int64_t unit_id, person_id;        /* the picker's choices */
	const char *year, *date;           /* as typed */
	const char *error;                 /* translated: why there is no answer */
};

/* its answer */
struct elig_answer {
	const struct rule_award *award;
	const struct rule_set *rs;
	const struct elig_result *res;
	const char *subject;               /* the person's or the unit's name */
	int year;
	const char *date;                  /* the date that chose the rule set */
};

/* a rule that did not parse, for the form: the message and the line it is on */
struct rule_problem {
	const char *message;               /* translated, with the line and column */
	const char *line_text;             /* the text of that line */
	int column;
};

/* template helpers */
const char *elig_met_label(struct req *r, int met);
const char *elig_verdict_label(struct req *r, enum elig_verdict v);

#endif
