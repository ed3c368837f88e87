/* clusters_web: the routes of emulation clusters (issue 11) — the API
** /api/v1/clusters…, /api/v1/scorecards…, /api/v1/agreement-keys and the
** pages /clusters… — and what templates/clusters.html sees. Included by
** routes.c and by the generated build/gen/tmpl_clusters.h. */
#ifndef THIDUA_CLUSTERS_WEB_H
#define THIDUA_CLUSTERS_WEB_H
#include "../web/tmpl_types.h"
#include "../base/util.h"
#include "../picker/picker.h"
#include "clusters.h"

/* the vote results of a year's review (votes_web.c) */
void votes_cluster_section(struct buf *o, struct req *r, int64_t cluster_year_id);

/* API (clusters_web.c) */
void api_clusters_list(struct req *r);
void api_cluster_create(struct req *r);
void api_cluster_get(struct req *r);
void api_cluster_update(struct req *r);
void api_cluster_year_create(struct req *r);
void api_cluster_year_get(struct req *r);
void api_cluster_year_update(struct req *r);
void api_cluster_criteria_put(struct req *r);
void api_cluster_criteria_copy(struct req *r);
void api_cluster_criteria_import(struct req *r);
void api_cluster_rotation(struct req *r);
void api_cluster_rotation_confirm(struct req *r);
void api_cluster_scorecards_list(struct req *r);
void api_cluster_scorecard_put(struct req *r);
void api_scorecard_get(struct req *r);
void api_scorecard_submit(struct req *r);
void api_scorecard_reopen(struct req *r);
void api_cluster_ranking(struct req *r);
void api_cluster_tiebreak(struct req *r);
void api_cluster_agreement(struct req *r);
void api_cluster_agreement_sign(struct req *r);
void api_agreement_keys(struct req *r);
void api_scorecard_files_list(struct req *r);
void api_scorecard_file_create(struct req *r);
/* who may download a card's evidence file (routes.c, attachment_readers[]) */
int cl_attachment_readable(struct req *r, const char *entity, int64_t entity_id);
/* GET …/summary?format=xlsx|pdf and …/criteria/export?format=xlsx|csv, for the API and the pages (clusters_report.c) */
void cluster_summary_download(struct req *r);
void cluster_criteria_export(struct req *r);

/* what the API's handlers share with the pages (clusters_web.c): the year of
** the route's {id} and {year} (NULL after replying), a unit argument by code
** or id (>0; 0 absent; -1 bad, in fe), and each form's reading and action */
struct cyear *cl_load_year(struct req *r);
int64_t cl_unit_arg(struct req *r, const char *name, struct field_errors *fe);
int cl_read_cluster(struct req *r, struct cluster_in *in, struct field_errors *fe, int partial);
int cl_read_year(struct req *r, struct cyear_in *in, int64_t *year, struct field_errors *fe);
int cl_do_copy(struct req *r, const struct cyear *y, struct field_errors *fe);
int cl_do_import(struct req *r, const struct cyear *y, struct field_errors *fe);
int cl_do_rotation(struct req *r, const struct cyear *y, struct field_errors *fe);
int cl_do_tiebreak(struct req *r, const struct cyear *y, struct field_errors *fe);
int cl_do_score(struct req *r, const struct cyear *y, struct field_errors *fe, int64_t *id, int *created);
int cl_do_reopen(struct req *r, int64_t card, struct field_errors *fe);
int cl_do_attach(struct req *r, int64_t card, struct field_errors *fe, int64_t *att);

/* pages (clusters_pages.c) */
void page_clusters(struct req *r);
void page_cluster_create(struct req *r);
void page_cluster(struct req *r);
void page_cluster_post(struct req *r);
void page_cluster_year(struct req *r);
void page_cluster_year_post(struct req *r);
void page_scorecard(struct req *r);
void page_scorecard_post(struct req *r);

/* clusters_report.c: the sheet from an uploaded CSV/XLSX (all or nothing, "line N: reason") */
int cluster_criteria_read(struct req *r, FILE *f, struct crit_in **items, int *n, struct field_errors *fe);
/* the ranking's bar chart (the final scores) */
struct chart;
void cluster_chart(struct req *r, const struct ranking *k, struct chart *c);

/* template helpers (clusters_pages.c) */
const char *cluster_kind_label(struct req *r, const char *kind);
const char *cluster_method_label(struct req *r, const struct cyear *y);
const char *cluster_cross_label(struct req *r, const char *mode);
const char *criterion_kind_label(struct req *r, const char *kind);
/* the reason of a ranking row in words */
const char *rank_reason_text(struct req *r, const struct rank_row *row);
/* points in the reader's conventions (two decimals at most) */
void tmpl_points(struct buf *o, struct req *r, double v);
void cluster_chart_svg(struct buf *o, struct req *r, const struct ranking *k);
/* the scorecards of the year as a matrix cell: the card of scorer for target, or NULL */
const struct scorecard *card_of(const struct scorecard *cards, int n, int64_t scorer, int64_t target);
/* the criterion form of the year's page: what was posted, or the criterion
** of ?edit=CODE, or empty (a new one); every field a string */
struct crit_form {
	const char *orig, *code, *title, *kind, *parent, *max, *evidence, *source, *thresholds;
};
const struct crit_form *crit_form_values(struct req *r, const struct cyear *y);
/* what a criterion's points may come from: movements (group 0), indicators
** (1), indexes (2); value "source:CODE", or for one of a movement's metrics
** "movement:CODE:METRIC". A movement's choices (its effective models, then
** each metric by its name) are listed under the movement (movement: its
** "CODE — title", the same for each of them). */
struct rule_choice {
	int group;
	const char *value, *label, *movement;
};
const struct rule_choice *crit_rule_choices(struct req *r, int *n);
/* a criterion with a rule, on a card: "Taken from CODE: the value" (or No data); NULL without a rule */
const char *rule_hint(struct req *r, const struct cyear *y, const struct criterion *k, int64_t unit_id);
/* a bias z-score with three decimals and the reader's decimal mark (-2,019 in vi) */
const char *cl_z_text(struct req *r, double z);
/* a criterion whose points come from data (a rule), on a card: 1 with the
** points of the card's last save (it), or on a card never saved what a save
** would give now; 0 for points typed by the member */
int rule_card_points(struct req *r, const struct cyear *y, const struct criterion *k, const struct score_item *it, int64_t unit_id,
		     int64_t *points_c);
/* the members the user may score for */
int may_score_for(struct req *r, const struct cunit *u);

#endif
