/* clusters: emulation clusters and blocs (cụm, khối thi đua, issue 11).
** An organiser (a unit: the central council, a ministry, a province)
** defines a cluster (members by area) or a bloc (by function). Each year of
** it (cluster_years) has its own members, leader and deputy, criteria
** sheet, agreement (giao ước thi đua) signed by every member's leader,
** scorecards (each member scores itself, then cross-scoring as the organiser
** sets it), the final scores by the year's method, the ranking with its
** tie-breaks, the scorer-bias report, and the rotation proposed for next
** year, which the organiser confirms. docs/CLUSTERS.md is the guide;
** scoring.h the methods.
**
** Rights: PERM_CLUSTER_ORGANISE on the organiser's unit defines the cluster,
** its years, sheets, tie-breaks, confirms the rotation and reopens a
** submitted card; PERM_CLUSTER_SCORE on a member scores for it and signs
** its agreement. Every logged-in user reads clusters. */
#ifndef THIDUA_CLUSTERS_H
#define THIDUA_CLUSTERS_H
#include <stddef.h>
#include <stdint.h>

#include "../base/errors.h"
#include "../base/json.h"
#include "scoring.h"

struct db;
struct arena;
struct user;

#define CLUSTER_MAX_MEMBERS 1000
#define CLUSTER_MAX_CRITERIA 1000
/* the longest texts of a criterion (characters; its code: bytes) and of a card's evidence, the rotation's note */
#define CRIT_CODE_MAX 32
#define CRIT_TITLE_MAX 500
#define CRIT_EVIDENCE_MAX 2000
#define CRIT_RULE_MAX 4000
#define CARD_EVIDENCE_MAX 4000
#define ROTATION_NOTE_MAX 4000

extern const char *const cluster_kinds[];      /* cluster, bloc */
extern const char *const cluster_cross_modes[]; /* leader, all */
extern const char *const cluster_methods[];    /* leader, mean, trimmed */
extern const char *const criterion_kinds[];    /* group, score, bonus, penalty */

struct cunit {
	int64_t id;                /* 0: none */
	const char *code, *name, *path;
};

struct cluster {
	int64_t id;
	const char *code, *name, *kind, *description;
	struct cunit organiser;
	int64_t version;
	const char *created_at, *updated_at;
	int64_t *years;            /* clusters_get: the years defined, newest first */
	int nyears;
	int64_t members;           /* members of the newest year */
};

struct cluster_in {
	const char *code, *name, *kind, *description;
	int64_t organiser_id;
};

struct criterion {
	int64_t id, parent_id;
	int position, depth;
	const char *code, *title, *kind, *evidence, *rule, *parent_code;
	int64_t max_c;             /* a group: the sum of its score criteria */
};

struct cyear {
	int64_t id, cluster_id, year;
	struct cluster *cluster;
	struct cunit leader, deputy, next_leader, next_deputy;
	const char *cross_mode, *method, *deadline;
	int trim;
	const char *agreement_title, *agreement_text, *agreement_targets;
	const char *rotation_note, *rotation_confirmed_at;
	int64_t version;
	const char *updated_at;
	struct cunit *members;
	int nmembers;
	struct criterion *crit;
	int ncrit;
	int64_t max_total_c;       /* the sum of the score criteria's maxima */
	int64_t cards;             /* scorecards of the year */
};

/* a year's settings; NULL / -1 / *_set == 0: unchanged (on creation: the
** previous year's, or the defaults) */
struct cyear_in {
	int members_set;
	const int64_t *members;
	int nmembers;
	int leader_set, deputy_set;
	int64_t leader_id, deputy_id;   /* 0: none */
	const char *cross_mode, *method;
	int64_t trim;                   /* -1: unchanged */
	const char *deadline;           /* YYYY-MM-DD, "": none */
	const char *agreement_title, *agreement_text, *agreement_targets;
};

struct crit_in {
	const char *code, *title, *kind, *evidence, *rule, *parent_code;
	int64_t max_c;
};

struct score_item {
	int64_t criterion_id;
	const char *code;
	int64_t points_c;
	const char *evidence;
	int from_rule;             /* the points came from the criterion's rule */
};

struct scorecard {
	int64_t id, cluster_year_id, cluster_id, year;
	struct cunit scorer, target;
	const char *kind, *status, *submitted_at, *reopen_reason, *updated_at;
	int64_t total_c, version;
	struct score_item *items;  /* scorecards_get: every criterion of the sheet, in its order */
	int nitems;
};

struct score_in {
	const char *code;
	int has_points;
	int64_t points_c;
	const char *evidence;      /* NULL: unchanged */
};

struct rank_row {
	struct cunit unit;
	struct sc_result r;
	int has_self;
	double self_total;
	const char *decision;      /* the organiser's tie-break reason, if any */
	int64_t decision_order;
	const char *vs_name;       /* the neighbour of r.vs */
	int vs_at_max;
	double vs_total, vs_bonus;
};

struct bias_row {
	struct cunit unit;
	struct sc_bias b;
};

struct ranking {
	struct cyear *y;
	struct rank_row *rows;     /* in rank order, the unranked last */
	int n;
	struct bias_row *bias;
	int nbias;
	int64_t submitted, expected;   /* cross cards submitted, and how many the cross mode asks for */
};

/* ---- clusters.c ---- */
int clusters_create(struct db *db, const struct user *who, const struct cluster_in *in, struct field_errors *fe, int64_t *id);
int clusters_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct cluster_in *in,
		    struct field_errors *fe);
int clusters_get(struct db *db, struct arena *a, int64_t id, struct cluster **out);
int clusters_list(struct db *db, struct arena *a, const char *q, struct cluster **items, int *n);
int clusters_find_code(struct db *db, const char *code, int64_t *id);
void cluster_json(struct jw *w, const struct cluster *c);
int clusters_may_organise(const struct user *who, const struct cluster *c);
/* The organiser's scope: the subtree of the organiser's parent unit (the
** administration whose emulation body the organiser is: the central council
** organises the provinces, a province's council its departments and
** districts), or the organiser's own subtree when it is a root. A year's
** members are units of this scope, and only they are scored (their data
** feeds the criteria's rules). 1 when the unit with this path is in it. */
int clusters_in_scope(const struct cluster *c, const char *unit_path);
/* Who may see a scorecard's points and evidence (the points of a rule
** criterion come from the target's data): a reader of the scorer's or the
** target's unit (PERM_READ), or the cluster's organiser */
int clusters_may_read_card(const struct user *who, const struct cluster *c, const char *scorer_path, const char *target_path);

/* A year: created (version 0) from the previous year — its members,
** settings and criteria sheet copied — or changed (version: the year's). */
int cyear_save(struct db *db, const struct user *who, int64_t cluster_id, int64_t year, int64_t version, const struct cyear_in *in,
	       struct field_errors *fe, int64_t *id);
int cyear_get(struct db *db, struct arena *a, int64_t cluster_id, int64_t year, struct cyear **out);
/* the same by the year's own id */
int cyear_get_id(struct db *db, struct arena *a, int64_t cy_id, struct cyear **out);
void cyear_json(struct jw *w, const struct cyear *y);
int cyear_is_member(const struct cyear *y, int64_t unit_id);
/* 1 once the year's scoring deadline has passed (cards are saved and
** submitted until the end of its day); a card the organiser reopened stays
** open to its scorer until it is submitted again */
int cyear_scoring_closed(const struct cyear *y);
/* Replaces the sheet (n items in order; a parent named by code before its
** children). Refused once a scorecard exists (E_STATE). */
int cyear_criteria_set(struct db *db, const struct user *who, int64_t cy_id, int64_t version, const struct crit_in *items, int n,
		       struct field_errors *fe);
/* The sheet copied from another year of the cluster (replacing this one's) */
int cyear_criteria_copy(struct db *db, const struct user *who, int64_t cy_id, int64_t version, int64_t from_year, struct field_errors *fe);
void criteria_json(struct jw *w, const struct cyear *y);
/* A criterion's rule (JSON text) checked against its maximum: E_OK or
** E_INVALID with the reason in fe, under source_field when it is the source
** (a movement, its metric, an indicator, an index that does not exist), else
** under thresholds_field; a movement rule on a draft who may not read (NULL:
** the command line) is refused as an unknown movement */
int criterion_rule_check(struct db *db, const struct user *who, const char *rule, int64_t max_c, const char *source_field, const char *thresholds_field,
			 struct field_errors *fe);
/* every movement's metrics, in each movement's order: what a movement rule's
** "metric" may name (the criterion form's choices) */
struct rule_metric {
	const char *movement, *code, *name, *unit;   /* the movement's code; the metric's */
};
int criterion_rule_metrics(struct db *db, struct arena *a, struct rule_metric **out, int *n);
/* The points a rule gives a unit in the cluster's year: the points of the
** highest threshold its value reaches, 0 below the first or without a value.
** Sources: a movement's result, an indicator's figure (indicator_value, the
** period "YYYY"), a composite index's score (index_score). */
int criterion_rule_points(struct db *db, const char *rule, int64_t unit_id, int64_t year, int64_t *points_c);
/* the value the rule reads for a unit (*has 0: none) */
int criterion_rule_value(struct db *db, const char *rule, int64_t unit_id, int64_t year, double *value, int *has);
/* a rule taken apart (the page's form): 0, or -1 when it does not parse */
struct rule_parts {
	char source[16], code[128], metric[128];
	int n;
	double at[32];
	int64_t points_c[32];
};
int criterion_rule_parts(const char *rule, struct rule_parts *out);

/* One criterion changed by the organiser on the year's page. The sheet as it
** is, with the change, goes through cyear_criteria_set: the same checks, the
** same refusals (stale version: E_CONFLICT; scoring started: E_STATE).
**   CRIT_SAVE    orig NULL or "": c added last among its parent's criteria;
**                else criterion orig replaced by c (last among its new
**                parent's criteria when the parent changes; its own
**                criteria follow it, renamed parent included)
**   CRIT_REMOVE  orig removed; a group's criteria move up to its parent
**   CRIT_UP, CRIT_DOWN  orig swapped with the criterion before / after it
**                under the same parent, each with its own criteria
** The sheet is written in tree order (each group followed by its criteria).
** The names of fe's fields it adds live in keep (the request's arena). */
enum crit_op { CRIT_SAVE, CRIT_REMOVE, CRIT_UP, CRIT_DOWN };
int cyear_criterion_change(struct db *db, struct arena *keep, const struct user *who, int64_t cy_id, int64_t version, enum crit_op op, const char *orig,
			   const struct crit_in *c, struct field_errors *fe);

/* The rotation proposed at the year's conference for next year, by the
** organiser or the year's leader; the organiser confirms it: next year is
** made (as cyear_save) if needed, with that leader and deputy. */
int cyear_rotation_propose(struct db *db, const struct user *who, int64_t cy_id, int64_t version, int64_t leader_id, int64_t deputy_id,
			   const char *note, struct field_errors *fe);
int cyear_rotation_confirm(struct db *db, const struct user *who, int64_t cy_id, int64_t version, struct field_errors *fe);
/* The organiser's decision between tied members: order (1 first), reason required */
int cyear_tiebreak_set(struct db *db, const struct user *who, int64_t cy_id, int64_t unit_id, int64_t order, const char *reason,
		       struct field_errors *fe);

/* ---- scoring (clusters.c) ---- */
/* A card saved (created when version is 0): kind "self" (scorer = target)
** or "cross" (never one's own unit; in cross mode 'leader' only the leader,
** or the deputy for the leader). While a draft and before the deadline. */
int scorecards_save(struct db *db, const struct user *who, int64_t cy_id, int64_t scorer_id, int64_t target_id, const char *kind,
		    int64_t version, const struct score_in *items, int n, struct field_errors *fe, int64_t *id);
/* A card's items checked against the year's sheet (the first checks of
** scorecards_save): a criterion that is not scored, points out of range or
** with a third decimal, evidence too long or with control characters. Each
** error under the item's code (the API's; the caller's text), or with a (a
** form's) under "points.CODE" or "evidence.CODE", the box at fault, made in
** a. E_OK or E_INVALID. */
int scorecard_items_check(const struct cyear *y, const struct score_in *items, int n, struct arena *a, struct field_errors *fe);
int scorecards_submit(struct db *db, const struct user *who, int64_t id, int64_t version, struct field_errors *fe);
int scorecards_reopen(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, struct field_errors *fe);
int scorecards_get(struct db *db, struct arena *a, int64_t id, struct scorecard **out);
/* An evidence file attached to a card (files.h), by its scorer while the card is open;
** it counts against the scorer's storage quota (files_attach) */
int scorecards_attach(struct db *db, const struct user *who, int64_t id, const char *name, const void *data, size_t n,
		      struct field_errors *fe, int64_t *attachment_id);
/* the cards of a year (without items), by scorer then target */
int scorecards_list(struct db *db, struct arena *a, int64_t cy_id, struct scorecard **items, int *n);
int scorecards_find(struct db *db, int64_t cy_id, int64_t scorer_id, int64_t target_id, int64_t *id);
void scorecard_json(struct jw *w, const struct scorecard *c);

/* The final scores, ranking and bias report of the year, from its submitted cards */
int cluster_ranking(struct db *db, struct arena *a, struct cyear *y, struct ranking **out);
void ranking_json(struct jw *w, const struct ranking *k);
const char *rank_reason_code(enum rank_reason r);

/* ---- agreement.c ---- */
struct signature {
	int64_t id;
	struct cunit unit;
	int64_t user_id;
	const char *signer_name, *login, *key_id, *public_key, *payload, *signature, *signed_at;
	const char *status;        /* valid | changed (the agreement is not the one signed) | invalid (the signature is broken) */
};
/* The canonical text of the year's agreement (arena): what is signed */
const char *agreement_payload(struct db *db, struct arena *a, const struct cyear *y);
/* The user signs the agreement for a member unit (again, after a change) */
int agreement_sign(struct db *db, const struct user *who, int64_t cy_id, int64_t unit_id, struct field_errors *fe);
int agreement_signatures(struct db *db, struct arena *a, const struct cyear *y, struct signature **out, int *n);
void signatures_json(struct jw *w, const struct signature *s, int n);
/* the signing users' published keys: {"items":[{"login","name","key_id","public_key","created_at"}]} */
int agreement_keys_json(struct db *db, struct jw *w);

#endif
