/* indicators_web: the routes of indicators and indexes (indicators_web.c)
** and what their templates (templates/indicators.html) see. Included by
** routes.c and by the generated build/gen/tmpl_indicators.h. */
#ifndef THIDUA_INDICATORS_WEB_H
#define THIDUA_INDICATORS_WEB_H
#include <math.h>

#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "indicators.h"

/* one indicator on a unit's page: its own value and the figure of its subtree */
struct ind_row {
	const struct indicator *x;
	const struct ind_value *v;
	struct ind_figure fig;
};

/* the unit's page for a period (GET /indicators) */
struct ind_page {
	int64_t unit_id;
	const char *unit_name, *unit_code;
	const char *period;
	struct ind_row *rows;
	int n;
	int can_enter, can_approve, can_define;
	int nentered, napproved;
	struct composite_index *indexes;
	int nindexes;
	struct ind_dashboard *dashboards;
	int ndash;
	const struct field_errors *fe;
	const struct ind_check *chk;     /* a refusing rule, warnings */
	const char *import_errors;       /* an import's "line N: reason" lines */
};

/* one chart of a dashboard: the indicator, its trend and the comparison of the units below */
struct ind_chart {
	const struct indicator *x;
	struct ind_figure now;            /* the last period's figure of the dashboard's unit */
	const char *trend_svg;
	const char *units_svg;
	/* the charts' figures as tables (their text alternative): the periods with
	** the unit's figure and target, and the units below with theirs */
	int np;
	const char *const *periods;
	const double *values, *targets;   /* NaN: none */
	int any_target;
	int nunits;
	const char *const *unit_names;
	const double *unit_values;
	/* who the last period's figure rolls up (not for "none"): the active
	** units below, how many of them entered a value in their subtree
	** (reporting_names: the first few), and whether the unit entered its own */
	int rolls_up;
	int64_t children, reporting;
	const char *reporting_names;      /* "Tỉnh Sơn La", or "A, B, C, D, E and 12 more" */
	int own;
};
/* the sentence under a dashboard's figure that says which units it rolls up (NULL: none to say) */
const char *ind_coverage_text(struct req *r, const struct ind_chart *c);
struct ind_dash_view {
	const char *title;
	const char *unit_name;
	const char *period_from, *period_to;
	struct ind_chart *charts;
	int n;
	int public_;
	const char *codes;                /* the indicators shown, comma-separated (the save form) */
	int can_save;
	struct indicator *inds;           /* every active indicator (the save form's choices) */
	int ninds;
	struct ind_dashboard *saved;      /* the dashboards saved */
	int nsaved;
	const struct field_errors *fe;    /* periods that do not read (from, to), shown as typed */
};

/* a dashboard's form (GET/POST /indicators/dashboards/{id}; a new one: id 0) */
struct ind_dash_form {
	int64_t id, version;
	struct ind_dashboard_in in;       /* as saved, or as typed */
	struct indicator *inds;
	int ninds;
};

/* the index form's rows (GET /indexes/new, POST /indexes) */
#define IX_ROWS_MAX 120
struct ix_row {
	const char *v[11];                /* level, code, name_vi, name_en, name_hi, points, indicator, method, lo, hi, thresholds: as typed */
	int has_subs;                     /* a main row: subs is the sum of its sub-criteria's points */
	double subs;
};
struct ix_form {
	const struct composite_index *ix; /* the index edited; NULL: a new one */
	struct ix_row *rows;
	int nrows;
	const char *total;                /* total points as typed */
	double mains;                     /* the sum of the main criteria's points */
	struct indicator *inds;           /* the indicators a sub-criterion may score */
	int ninds;
	struct kind_opt *kinds;
	int nkinds;
};

/* helpers of the templates */
void tmpl_ind_value(struct buf *o, struct req *r, int has, double v);
/* the same with the indicator's unit of measure after it ("98,8%", "1.200 lượt"; nothing after "—") */
void tmpl_ind_measured(struct buf *o, struct req *r, const struct indicator *x, int has, double v);
/* a definition's choice (number, sum, higher, year…) in the request's language */
const char *ind_word(struct req *r, const char *value);
/* the value as a form field shows it (the user's way: "97,25" in vi) */
const char *ind_input_value(struct req *r, int has, double v);

/* a ratio's value beside its inputs is in its own unit of measure: the
** definition's, else "%" for the factor 100 and "‰" for 1 000, else "" */
const char *ind_ratio_measure(const struct indicator *x);
/* stored thresholds "1:100.5;1000:400" as the reader writes numbers ("1:100,5;1.000:400" in vi) */
const char *ind_thresholds_shown(struct req *r, const char *stored);

/* the value a form field shows: what was posted (a failed form), else the stored one */
const char *ind_form_value(struct req *r, const char *name, const char *stored);
/* the line under an expression pointing at its column ("     ^") */
const char *ind_caret(struct req *r, int column);
/* 1 when code is one of the comma-separated list */
int ind_code_in(const char *list, const char *code);

/* pages */
void page_indicators(struct req *r);
void page_indicator_values_post(struct req *r);
void page_indicator_approve(struct req *r);
void page_indicator_unlock(struct req *r);
void page_indicator_template(struct req *r);
void page_indicator_import(struct req *r);
void page_indicator_target_post(struct req *r);
void page_indicator_dashboard_post(struct req *r);
void page_indicator_history(struct req *r);
void page_indicator_definitions(struct req *r);
void page_indicator_definition_create(struct req *r);
void page_indicator_rules(struct req *r);
void page_indicator_rule_create(struct req *r);
void page_indicator_definition_edit(struct req *r);
void page_indicator_definition_update(struct req *r);
void page_indicator_rule_edit(struct req *r);
void page_indicator_rule_update(struct req *r);
void page_indicator_rule_delete(struct req *r);
void page_indicator_dashboard_edit(struct req *r);
void page_indicator_dashboard_update(struct req *r);
void page_indicator_dashboard(struct req *r);
void page_public_indicators(struct req *r);
void page_index(struct req *r);
void page_index_new(struct req *r);
void page_index_create(struct req *r);
void page_index_edit(struct req *r);
void page_index_update(struct req *r);

/* API */
void api_indicators_list(struct req *r);
void api_indicator_create(struct req *r);
void api_indicator_get(struct req *r);
void api_indicator_update(struct req *r);
void api_indicator_values(struct req *r);
void api_indicator_values_enter(struct req *r);
void api_indicator_values_approve(struct req *r);
void api_indicator_values_unlock(struct req *r);
void api_indicator_values_history(struct req *r);
void api_indicator_values_import(struct req *r);
void api_indicator_figures(struct req *r);
void api_indicator_target_set(struct req *r);
void api_indicator_rules_list(struct req *r);
void api_indicator_rule_create(struct req *r);
void api_indicator_rule_update(struct req *r);
void api_indicator_rule_delete(struct req *r);
void api_indicator_dashboard_update(struct req *r);
void api_indexes_list(struct req *r);
void api_index_create(struct req *r);
void api_index_ranking(struct req *r);
void api_indicator_dashboard_create(struct req *r);
void api_public_indicators(struct req *r);

#endif
