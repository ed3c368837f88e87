/* indicators: what a province tracks its movements by (issue 13).
**
** An indicator is data: a code (used by validation rules and indexes), names
** in vi/en/hi, a unit of measure, a kind (number, percent, or a ratio with a
** numerator and a denominator), how it aggregates up the tree (sum, mean,
** weighted by its denominator, latest, none), a direction (higher or lower
** is better) and a period type (year '2025', quarter '2025-Q3', month
** '2025-07').
**
** Units enter values per period (indicators_enter: one unit, one period,
** several values, all or nothing, the validation rules checked after the
** values are written); the level above approves them, which locks them, and
** may unlock them with a reason. Every change is kept (indicator_history) and
** audited. Each value is rolled up live (rollup.c): in the same transaction,
** every ancestor's row of indicator_rollup (count, sum, numerator and
** denominator sums, latest) moves by the change, so a province's figure is
** one row read, never a batch.
**
** Composite indexes (indexes.c) score units from indicator figures and rank
** them yearly.
**
** THE HOOK for other features (a cluster's scoring sheet): indicator_value()
** and index_score() below. */
#ifndef THIDUA_INDICATORS_H
#define THIDUA_INDICATORS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"

struct db;
struct arena;
struct user;
struct jw;
struct buf;

#define IND_CODE_MAX 48
#define IND_NAME_MAX 300
#define IND_PERIOD_MAX 16
#define IND_ENTRIES_MAX 200          /* values of one entry (a form, one unit and period) */
#define IND_VALUE_MAX 1e15           /* |value|, numerator, denominator */
#define IND_WARN_MAX 16

struct indicator {
	int64_t id;
	const char *code;
	const char *name;                /* in the language asked */
	const char *name_vi, *name_en, *name_hi;
	const char *measure;
	const char *kind;                /* number, percent, ratio */
	double factor;                   /* ratio: value = factor * numerator / denominator */
	const char *aggregation;         /* sum, mean, weighted, latest, none */
	const char *direction;           /* higher, lower */
	const char *period_type;         /* year, quarter, month */
	int decimals;
	int active;
	int64_t version;
	const char *numerator, *denominator;   /* what a ratio's parts count, in the language asked; "" when not said */
	const char *numerator_vi, *numerator_en, *numerator_hi, *denominator_vi, *denominator_en, *denominator_hi;
	const char *measure_vi, *measure_en, *measure_hi; /* as stored: `measure` is the one of the language asked (migration 027) */
	int64_t owner_id;                /* the unit whose officers change it; 0: the whole tree (migration 026) */
	const char *owner_path;          /* its path; "" for the whole tree */
};

/* what create and update take (every field; an update replaces them all,
** except code, which never changes once values exist) */
struct indicator_in {
	const char *code, *name_vi, *name_en, *name_hi, *measure, *kind, *aggregation, *direction, *period_type;
	double factor;                   /* 0: 100 */
	int decimals;
	int active;                      /* create: ignored (1) */
	const char *numerator_vi, *numerator_en, *numerator_hi, *denominator_vi, *denominator_en, *denominator_hi;   /* NULL: "" */
	const char *measure_en, *measure_hi;   /* the unit of measure in English and Hindi (measure: Vietnamese); NULL: "" */
};

/* Indicators and their validation rules are one catalogue, each row owned
** by a unit (migration 026): any officer defines new ones, owned by the unit
** of the officer's highest grant (by the whole tree when that grant is on a
** root unit); a row is changed or removed only by an officer over its
** owner, and one of the whole tree only from a root unit (role_can_top, as
** for the awards' rule sets). A rule judges the values of its owner's
** subtree only. Targets, indexes and dashboards belong to a unit and are
** checked on it. */
int indicators_may_define(const struct user *who);
int indicators_may_change(const struct user *who, const char *owner_path);
int64_t indicators_owner_for(const struct user *who);

int indicators_create(struct db *db, const struct user *who, const struct indicator_in *in, struct field_errors *fe,
		      int64_t *id);
int indicators_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct indicator_in *in,
		      struct field_errors *fe);
/* lang: vi, en or hi (the name); the record lives in a */
int indicators_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct indicator **out);
int indicators_find(struct db *db, struct arena *a, const char *code, const char *lang, struct indicator **out);
/* active only unless all; in code order */
int indicators_list(struct db *db, struct arena *a, const char *lang, int all, struct indicator **items, int *n);
void indicator_json(struct jw *w, const struct indicator *x);

/* ---- periods ---- */
/* 1 when period is one of period_type ('2025', '2025-Q3', '2025-07'; years 1900..2999) */
int period_valid(const char *period_type, const char *period);
/* the type of a period's spelling, or NULL */
const char *period_type_of(const char *period);
/* A period as a person types it, into its stored spelling: 2025, 2025-Q3
** and 2025-07 as they are (2025-q3 too); a month 07/2025 or 7/2025 →
** 2025-07; a quarter Q3/2025, q3-2025, quý 3/2025, Quý III/2025 → 2025-Q3.
** Spaces around are ignored. 0, or -1 when it does not read. */
int period_parse(const char *typed, char *out, size_t n);
/* the period before (2025 → 2024, 2025-Q1 → 2024-Q4, 2025-01 → 2024-12): 0, or -1 */
int period_prev(const char *period, char *out, size_t n);
/* count periods from..to of one type (at most max) into out[] (each IND_PERIOD_MAX bytes): the number, or -1 */
int period_range(const char *from, const char *to, char (*out)[IND_PERIOD_MAX], int max);

/* ---- values ---- */
/* one value of an entry: value for number and percent, numerator and
** denominator for a ratio; comment optional */
struct ind_entry {
	const char *code;
	int has_value;
	double value;
	int has_ratio;
	double numerator, denominator;
	const char *comment;
};

/* what indicators_enter says besides its code: the rule that refused the
** entry (E_INVALID with rule set; a plain field error otherwise, in fe) and
** the warnings of rules that only warn */
struct ind_check {
	const char *rule;                /* the refusing rule's code, or NULL */
	const char *message;             /* its message in the language asked */
	int nwarn;
	const char *warn_rule[IND_WARN_MAX];
	const char *warn_message[IND_WARN_MAX];
	const char *warn_indicator[IND_WARN_MAX];   /* the first indicator entered that the rule names */
};

/* Enters values of one unit for one period, all or nothing: the caller holds
** PERM_INDICATOR_ENTER on the unit; each indicator exists, is active and has
** this period's type; the values are in range (a percent 0–100, a ratio's
** denominator > 0); none is approved (E_STATE: locked); then the validation
** rules naming any of these indicators are checked against the unit's values
** of the period (E_INVALID and chk->rule, chk->message on a refusing rule).
** Each value written is rolled up to every ancestor, recorded in the history
** and the audit log, in the same transaction. fe: field errors keyed
** "values[i]" or "unit", "period". */
int indicators_enter(struct db *db, struct arena *a, const struct user *who, int64_t unit_id, const char *period,
		     struct ind_entry *entries, int n, const char *lang, struct field_errors *fe, struct ind_check *chk);

/* The level above approves (locks) every entered value of a unit for a
** period: PERM_INDICATOR_APPROVE on the unit's parent (a root: on itself).
** E_STATE when nothing is waiting. *count: the values approved. */
int indicators_approve(struct db *db, const struct user *who, int64_t unit_id, const char *period, int *count);
/* Unlocks the approved values (a reason is required: E_INVALID). */
int indicators_unlock(struct db *db, const struct user *who, int64_t unit_id, const char *period, const char *reason,
		      int *count);

/* one value as stored */
struct ind_value {
	int64_t indicator_id;
	const char *code, *name, *measure, *kind;
	int decimals;
	int64_t unit_id;
	const char *period;
	int has;                         /* 0: nothing entered */
	double value, numerator, denominator;
	int has_ratio;
	const char *comment;
	const char *status;              /* entered, approved */
	const char *entered_at, *approved_at;
	int64_t version;
};
/* every active indicator of the period's type with the unit's value (has 0 when none) */
int indicators_unit_values(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *lang,
			   struct ind_value **items, int *n);

struct ind_history {
	int64_t id;
	const char *action, *comment, *user, *at;
	const char *user_name;   /* the user's full name (their login when none); NULL with user */
	int has_value;
	double value, numerator, denominator;
	int has_ratio;
};
int indicators_history(struct db *db, struct arena *a, int64_t indicator_id, int64_t unit_id, const char *period,
		       struct ind_history **items, int *n);

/* ---- figures: the live roll-up (rollup.c) ---- */
struct ind_figure {
	int has;                         /* 0: no value in the subtree */
	double value;                    /* by the indicator's aggregation */
	int64_t n;                       /* values counted (units with data) */
	double total, num, den;
	int has_target;
	double target;
	int has_achievement;
	double achievement;              /* percent of the target, by the direction */
};
/* A unit's figure: the aggregate of the values of its subtree (itself
** included) by the indicator's aggregation — sum; mean = total / n over the
** units with data; weighted = factor × Σnumerator / Σdenominator; latest =
** the value entered last; none = the unit's own value only — with its
** target and achievement. One row read. */
int indicator_figure(struct db *db, const struct indicator *x, int64_t unit_id, const char *period, struct ind_figure *out);

/* a value as stored: rounded to 10^-6 (below 10^9), so that sums of values are exact multiples of 10^-6 */
double ind_round(double v);
/* a figure from a roll-up row's sums by an aggregation (not "none"): 1, or 0 when undefined */
int ind_aggregate(const char *aggregation, double factor, int64_t n, double total, double num, double den, double latest, double *out);

/* THE HOOK (clusters' scoring sheets): the figure of indicator `code` for a
** unit and a period, as indicator_figure. E_OK and *out; E_NOTFOUND when the
** indicator is unknown or the unit's subtree has no value for the period. */
int indicator_value(struct db *db, const char *indicator_code, int64_t unit_id, const char *period, double *out);

/* adds a value's change to the unit's and every ancestor's roll-up rows:
** before (NULL: none) and after (NULL: removed); inside the writer's transaction */
struct ind_contrib {
	double value, num, den;
	int64_t seq;
};
int rollup_apply(struct db *db, int64_t indicator_id, const char *unit_path, const char *period, const struct ind_contrib *before,
		 const struct ind_contrib *after);
/* recomputes every roll-up row from the values (a repair, and the tests'
** witness that the live rows equal a fresh aggregate); E_OK */
int rollup_rebuild(struct db *db);

/* ---- targets ---- */
/* PERM_INDICATOR_DEFINE on the unit; E_INVALID for a bad period or value */
int indicators_set_target(struct db *db, const struct user *who, int64_t indicator_id, int64_t unit_id, const char *period,
			  double target, struct field_errors *fe);
/* achievement in percent of a target, by direction: higher value/target, lower target/value; 0: undefined */
int indicator_achievement(const char *direction, double value, double target, double *out);

/* ---- validation rules (ind_rules.c) ---- */
struct ind_rule {
	int64_t id;
	const char *code, *expression, *message, *message_vi, *message_en, *message_hi, *severity;
	int active;
	int64_t version;
	int64_t owner_id;                /* as struct indicator's */
	const char *owner_path;
};
struct ind_rule_in {
	const char *code, *expression, *message_vi, *message_en, *message_hi, *severity;   /* error, warning, comment */
	int active;
};
/* why an expression does not parse: 1-based column (characters) and the reason (a message id, %s: arg) */
struct ind_expr_error {
	int column;
	const char *reason;
	char arg[64];
};
int ind_rules_create(struct db *db, const struct user *who, const struct ind_rule_in *in, struct field_errors *fe,
		     struct ind_expr_error *err, int64_t *id);
int ind_rules_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct ind_rule_in *in,
		     struct field_errors *fe, struct ind_expr_error *err);
/* removes a rule at its version: E_NOTFOUND, E_CONFLICT (stale version); audited */
int ind_rules_delete(struct db *db, const struct user *who, int64_t id, int64_t version);
int ind_rules_list(struct db *db, struct arena *a, const char *lang, struct ind_rule **items, int *n);
int ind_rules_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct ind_rule **out);
void ind_rule_json(struct jw *w, const struct ind_rule *r);
/* Checks the rules naming any of codes[] against a unit's values of a
** period (inside the entry's transaction): E_OK, or E_INVALID with
** chk->rule/message; warnings are added to chk. commented: some value named
** by a 'comment' rule carries a comment, which lets it pass. */
int ind_rules_check(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *const *codes, int ncodes,
		    const char *lang, struct ind_check *chk);
/* parses an expression: E_OK, or E_INVALID and *err; codes are checked against the indicators table when db is not NULL */
int ind_expr_check(struct db *db, struct arena *a, const char *text, struct ind_expr_error *err);
/* The same for an expression typed in a form of language lang, its numbers
** the user's way (i18n_parse_number: vi "1.000" is a thousand, "0,5" a
** half; a run of digits, '.' and ',' is one number, and one that does not
** read in lang, such as "1,500.5" in vi, is refused at its column, never
** guessed). The grammar has no comma of its own, so a comma is always part
** of a number. lang NULL: the stored form (strtod's: 0.5, 1000). On E_OK
** *canonical (when not NULL) is the text in the stored form, each number
** rewritten, everything else as typed; err's columns are the typed text's. */
int ind_expr_read(struct db *db, struct arena *a, const char *lang, const char *text, const char **canonical,
		  struct ind_expr_error *err);
/* a number as lang writes it in a form, every digit kept (not fmt_number's two
** decimals): 1000 → "1.000" (vi), "1,000" (en, hi); 0.125 → "0,125" (vi) */
void ind_fmt_exact(struct buf *b, const char *lang, double v);
/* a stored expression with its numbers as lang writes them (1000 → "1.000" in vi), for a form or a list */
const char *ind_expr_shown(struct arena *a, const char *lang, const char *stored);
/* "Column 12: …" in a language; the string lives in a */
const char *ind_expr_error_text(struct arena *a, const char *lang, const struct ind_expr_error *err);

/* ---- composite indexes (indexes.c) ---- */
struct index_criterion {
	int64_t id, parent_id;           /* parent_id 0: a main indicator */
	const char *code, *name, *name_vi, *name_en, *name_hi;
	double points;
	int64_t indicator_id;            /* sub-criteria */
	const char *indicator_code;
	const char *direction;           /* the indicator's */
	const char *aggregation;         /* the indicator's */
	double factor;                   /* the indicator's */
	const char *method;              /* linear, threshold, rank */
	double lo, hi;
	const char *thresholds;          /* "bound:points;bound:points" */
	int position;
};
struct composite_index {
	int64_t id;
	const char *code, *name, *name_vi, *name_en, *name_hi;
	int64_t scope_id;
	const char *scope_name;
	const char *unit_kind;
	double total_points;
	int64_t version;
	struct index_criterion *crit;
	int ncrit;
};
/* create: the criteria in order, a main one before its subs (parent_id is
** then the 1-based position of the main criterion in the array, 0 for a main
** one); points of the mains sum to total_points, each main's subs to its
** points; each sub names an indicator (code) of period type year and a
** method with its parameters. PERM_INDICATOR_DEFINE on the scope. */
struct index_in {
	const char *code, *name_vi, *name_en, *name_hi, *unit_kind;
	int64_t scope_id;
	double total_points;
	struct index_criterion *crit;    /* parent_id: the 1-based position of its main criterion, 0: main */
	int ncrit;
};
int indexes_create(struct db *db, const struct user *who, const struct index_in *in, struct field_errors *fe, int64_t *id);
/* replaces an index's fields and criteria at its version (E_CONFLICT when stale; a code taken: fe); the same checks as
** create, PERM_INDICATOR_DEFINE on its scope before and after; audited with both */
int indexes_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct index_in *in, struct field_errors *fe);
int indexes_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct composite_index **out);
int indexes_find(struct db *db, struct arena *a, const char *code, const char *lang, struct composite_index **out);
int indexes_list(struct db *db, struct arena *a, const char *lang, struct composite_index **items, int *n);

/* one ranked unit: its score, rank (ties share the best rank: 1, 2, 2, 4),
** the points of every criterion (in the index's order, mains = Σ subs),
** and last year's score and rank when it was scored then */
struct index_row {
	int64_t unit_id;
	const char *unit_code, *unit_name;
	double score;
	int rank;
	double *points;                  /* ncrit */
	double *values;                  /* ncrit: the indicator's figure (subs), NAN when none */
	int has_prev;
	double prev_score;
	int prev_rank;
};
struct index_ranking {
	struct composite_index *ix;
	int year;
	struct index_row *rows;          /* best first; then by unit code */
	int nrows;
};
/* scores and ranks the index's units for a year (and the year before, for the change) */
int indexes_rank(struct db *db, struct arena *a, int64_t index_id, int year, const char *lang, struct index_ranking **out);
/* the points one criterion gives a value (rank: r of n units with data); exposed for the tests */
double index_points(const struct index_criterion *c, double value, int rank, int nranked);

/* THE HOOK (clusters' scoring sheets): a unit's score in index `code` for a
** year. E_OK and *points, E_NOTFOUND when the index is unknown or the unit
** is not one it ranks. */
int index_score(struct db *db, const char *index_code, int64_t unit_id, int year, double *points);

/* ---- dashboards ---- */
struct ind_dashboard {
	int64_t id;
	const char *slug, *title;       /* title: the Vietnamese one */
	const char *title_en, *title_hi; /* "" when not said (migration 028) */
	int64_t unit_id;
	const char *unit_name;
	const char *indicators;          /* codes, comma-separated */
	const char *period_from, *period_to;
	int public_;
	int64_t version;
};
struct ind_dashboard_in {
	const char *slug, *title, *indicators, *period_from, *period_to;
	const char *title_en, *title_hi; /* NULL: "" on create, unchanged on update */
	int64_t unit_id;
	int public_;
};
int ind_dashboards_create(struct db *db, const struct user *who, const struct ind_dashboard_in *in, struct field_errors *fe,
			  int64_t *id);
/* changes a dashboard (every field, its slug too) at its version: E_CONFLICT when stale or the slug is taken (fe) */
int ind_dashboards_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct ind_dashboard_in *in,
			  struct field_errors *fe);
int ind_dashboards_find(struct db *db, struct arena *a, const char *slug, struct ind_dashboard **out);
int ind_dashboards_get(struct db *db, struct arena *a, int64_t id, struct ind_dashboard **out);
int ind_dashboards_list(struct db *db, struct arena *a, struct ind_dashboard **items, int *n);
/* the title in the reader's language: English or Hindi when said, else the Vietnamese one */
const char *ind_dashboard_title(const struct ind_dashboard *d, const char *lang);

/* ---- import (indicators_io.c) and demo (indicators_demo.c) ---- */
/* Values from a table (CSV or XLSX: unit_code, indicator_code, period, value,
** numerator, denominator, comment), all or nothing: every line checked and
** entered grouped by unit and period with the same rules; errors "line N:
** reason" into errors (one per line). E_OK and *count, or E_INVALID. */
struct table;
int indicators_import(struct db *db, struct arena *a, const struct user *who, struct table *t, const char *lang,
		      struct buf *errors, int *count);
/* the template of a unit and period (format csv or xlsx): one line per
** active indicator of the period's type, with the values entered so far */
int indicators_template(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *lang, FILE *out,
			const char *format);
/* an index's criteria from a table (CSV or XLSX: code, parent, name_vi,
** name_en, name_hi, points, indicator, method, lo, hi, thresholds; parent: the
** code of a main criterion on a line above), for indexes_create; the
** criteria live in a; errors "line N: reason" into errors. E_OK or E_INVALID. */
int indexes_read_criteria(struct arena *a, struct table *t, const char *lang, struct index_criterion **out, int *n, struct buf *errors);
/* seeds 000 and 002 for Sơn La and a small DTI-like index of its departments */
int indicators_demo_load(struct db *db, const struct user *who, FILE *log, int *count);

#endif
