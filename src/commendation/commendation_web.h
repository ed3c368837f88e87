/* commendation_web: the routes of commendation — the award catalogue and
** the achievement records (commendation_web.c), proposals (proposals_web.c),
** the eligibility rules (rules_web.c) and what their templates
** (templates/commendation.html) see. Included by routes.c, by the pages of
** people and units (which show a subject's records), and by the generated
** build/gen/tmpl_commendation.h. */
#ifndef THIDUA_COMMENDATION_WEB_H
#define THIDUA_COMMENDATION_WEB_H
#include "../web/tmpl_types.h"
#include "../base/util.h"
#include "../picker/picker.h"
#include "commendation.h"
#include "proposals.h"
#include "rule_sets.h"
#include "rules.h"

/* handlers */
void api_awards(struct req *r);
void api_achievements_list(struct req *r);
void api_achievement_create(struct req *r);
void api_achievement_get(struct req *r);
void api_achievement_delete(struct req *r);
void page_awards(struct req *r);
void api_awards_received(struct req *r);
void api_awards_yearly(struct req *r);
void api_person_direct_work(struct req *r);
void page_proposal_export(struct req *r);
void page_export_awards_received(struct req *r);
/* the filters of the awards received, for an export (every row) */
int read_award_query_for_export(struct req *r, struct award_query *q);
void page_awards_received(struct req *r);
void page_person_achievement_post(struct req *r);
void page_unit_achievement_post(struct req *r);
void page_achievement_delete(struct req *r);

/* proposals_web.c */
void api_proposals_list(struct req *r);
void api_proposal_create(struct req *r);
void api_proposal_get(struct req *r);
void api_proposal_update(struct req *r);
void api_proposal_nominee_add(struct req *r);
void api_proposal_nominee_remove(struct req *r);
void api_proposal_step(struct req *r);
void api_proposal_typical(struct req *r);
void page_proposals(struct req *r);
void page_proposal_new(struct req *r);
void page_proposal_create(struct req *r);
void page_proposal(struct req *r);
void page_proposal_post(struct req *r);

/* template helpers of the proposals' pages */
struct mv_opt {
	int64_t id;
	const char *code, *title;
};
struct unit_opt {
	int64_t id;
	const char *name;
};
struct mv_opt *prop_movements(struct req *r, int *n);
struct unit_opt *prop_receivers(struct req *r, const struct proposal *p, int *n);
const char *prop_stage_label(struct req *r, int stage);
const char *prop_round_label(struct req *r, const char *round);
const char *prop_action_label(struct req *r, const char *action);
/* the review step a step was taken at ("at the council's step"); NULL for the others */
const char *prop_step_stage_label(struct req *r, const char *stage);
/* the sections of a proposal's page that features above commendation add
** (the votes backing it); the table is routes.c's, NULL ends it */
extern void (*const proposal_sections[])(struct buf *o, struct req *r, int64_t proposal_id);
/* a nominee's eligibility conditions (the last check's answer) as a list */
void prop_eligibility_html(struct buf *o, struct req *r, const struct nominee *x);

/* The records of a person (person > 0) or a collective (unit > 0) as a
** timeline section of their page, with the form to add one when the user
** may (unit_path: the subject's unit); typed/fe: a refused form shown again. */
void achievements_section(struct req *r, int64_t person, int64_t unit, const char *unit_path, const struct achievement_in *typed,
			  const struct field_errors *fe);

struct direct_row {
	const char *valid_from;
	int direct;
};
void page_person_direct_work_post(struct req *r);

/* template helpers: the choices of the record form, grouped by kind */
struct ach_choice {
	const char *value;         /* "rating:excellent", "title:LDTT", ... */
	const char *label;
	int group;                 /* enum ach_kind */
};
struct ach_choice *ach_choices(struct req *r, int collective, int *n);
const char *ach_kind_label(struct req *r, const char *kind);

/* handlers: rules_web.c */
void api_eligibility(struct req *r);
void api_eligibility_scan(struct req *r);
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
	int everyone;                      /* asked for everyone of the unit */
};

/* its answer */
struct elig_answer {
	const struct award *award;
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

/* the answer of a scan: everyone of a unit (the page's "everyone of the unit") */
struct elig_scan_answer {
	const struct award *award;
	const struct rule_set *rs;
	const struct elig_scan *scan;
	int64_t unit_id;
	const char *unit_code, *unit_name;
	int year;
	const char *date;                  /* the date that chose the rule set */
	const char *verdict;               /* the verdict listed ("eligible", ...); NULL: eligible and manual */
	int64_t limit, offset;
};

/* template helpers */
const char *elig_met_label(struct req *r, int met);
/* the address of the page listing verdict (NULL: eligible and manual) of the same scan, from the first */
const char *elig_scan_url(struct req *r, const struct elig_scan_answer *s, const char *verdict);
const char *elig_verdict_label(struct req *r, enum elig_verdict v);

#endif
