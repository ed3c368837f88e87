/* movements: emulation movements (phong trào thi đua), the units that
** register for them, their models (mô hình), progress reports with results,
** assessments, typical examples (điển hình tiên tiến) and replication.
**
** A movement is launched by an authority (a unit); officers whose scope
** covers the authority run it. Its scope is one or more subtrees of units
** invited to take part. Lifecycle: draft → launched ⇄ reviewing → closed:
**   draft      the organiser prepares it; only the organiser sees it
**   launched   units register (reporters until register_by, officers after),
**              register models and report results
**   reviewing  no new registrations or models; reports go on; the organiser
**              assesses models and names typical examples
**   closed     nothing changes any more
** Domain functions take plain values; `who` is the acting user (NULL: the
** command line) and scope and state rules are checked here, so the API, the
** pages, the importers and the tests all obey the same rules. */
#ifndef THIDUA_MOVEMENTS_H
#define THIDUA_MOVEMENTS_H
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;
struct import_report;

#define MV_CODE_MAX 40
#define MV_TITLE_MAX 300
#define MV_TEXT_MAX 4000
#define MV_MAX_SCOPES 32
#define MV_MAX_FIELDS 16
#define MV_MAX_METRICS 32
/* the range of a measured value: an amount is 0..10^15 (money in whole VND
** when its unit is VND), a rate 0..100; a model's standing sum stays in range */
#define MV_AMOUNT_MAX 1e15
#define MV_MAX_RANGES 16

struct metric {
	int64_t id;
	const char *code, *name, *unit, *kind;   /* kind: "amount" or "rate" */
};

struct mv_scope {
	int64_t unit_id;
	const char *code, *name, *path;
};

/* The stages of a movement, in order. The text ("draft", …) is what the
** database and the API hold; code compares the enum. */
enum mv_stage { MV_DRAFT, MV_LAUNCHED, MV_REVIEWING, MV_CLOSED, MV_NSTAGES };
extern const char *const mv_stage_names[MV_NSTAGES];
/* the stage of a status text; MV_NSTAGES when it is none */
enum mv_stage mv_stage_parse(const char *status);

struct movement {
	int64_t id;
	const char *code, *title, *theme, *kind, *legal_basis;
	int64_t authority_id;
	const char *authority_code, *authority_name, *authority_path;
	int64_t parent_id;                       /* 0: none */
	const char *parent_code, *parent_title;
	const char *starts_on, *ends_on, *register_by, *status;
	enum mv_stage stage;                     /* status as the enum */
	const char *launched_at, *closed_at, *created_at, *updated_at;
	int64_t version;
	int64_t registrations, models;           /* active ones */
	/* movements_get only */
	int nscopes, nfields, nmetrics, nchildren;
	struct mv_scope *scopes;
	const char **fields;                     /* field codes */
	struct metric *metrics;
	struct movement *children;               /* thematic movements under it (id, code, title, status) */
};

struct metric_in {
	const char *code, *name, *unit, *kind;
};

/* create and update; in an update NULL text leaves a field, and the lists
** are replaced only when their set_ flag is on */
struct movement_in {
	const char *code, *title, *theme, *kind, *legal_basis, *starts_on, *ends_on, *register_by;
	int64_t authority_id;                    /* update: -1 leaves it */
	int64_t parent_id;                       /* -1 leaves it; 0 none */
	int set_scopes, nscopes;
	int64_t scopes[MV_MAX_SCOPES];
	int set_fields, nfields;
	const char *fields[MV_MAX_FIELDS];
	int set_metrics, nmetrics;
	struct metric_in metrics[MV_MAX_METRICS];
};

struct movement_query {
	const char *q, *status, *kind;
	int64_t parent;                          /* -1 any, 0 top-level only, >0 under this one */
	int64_t authority;                       /* >0: launched by a unit in this subtree */
	/* drafts are listed only under these subtrees (the user's readable
	** grants); nranges -1: everywhere (admin, the command line) */
	int nranges;
	const char *range_lo[MV_MAX_RANGES];
	/* only the movements that concern these subtrees (the reader's, the
	** home page's "open now" and the list it links to): launched by a unit
	** in one, or inviting a unit in one or above one (a movement that invites
	** a province concerns its communes). concern 0: no such filter; else
	** nconcern ranges, -1 the whole tree (every movement concerns them) */
	int concern, nconcern;
	const char *concern_lo[MV_MAX_RANGES];
	const char *sort;
	int64_t limit, offset;                   /* limit 0: only the total */
};

/* what people read for a stage or assessment, a kind, a transition: English
** message ids to translate; a field's name in the language (arena) */
const char *mv_status_label(const char *status);
const char *mv_kind_label(const char *kind);
const char *mv_action_label(const char *action);
const char *mv_field_label(struct db *db, struct arena *a, const char *lang, const char *code);

/* the one list of valid transitions; NULL when not allowed */
const char *movement_transition_action(const char *from, const char *to);

int movements_list(struct db *db, struct arena *a, const struct movement_query *q, struct movement **items, int *n, int64_t *total);
int movements_get(struct db *db, struct arena *a, int64_t id, struct movement **out);
int movements_find_code(struct db *db, const char *code, int64_t *id);
int movements_create(struct db *db, const struct user *who, const struct movement_in *in, struct field_errors *fe, int64_t *id);
int movements_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct movement_in *in,
		     struct field_errors *fe);
int movements_set_status(struct db *db, const struct user *who, int64_t id, int64_t version, const char *status,
			 struct field_errors *fe);
/* may the user read this movement (a draft: only over its authority) */
int movement_readable(const struct user *who, const struct movement *m);
int movement_manageable(const struct user *who, const struct movement *m);
/* is the unit (by path) inside the movement's scope */
int movement_in_scope(const struct movement *m, const char *unit_path);
const struct metric *movement_metric(const struct movement *m, const char *code);
int movement_field_valid(const struct movement *m, const char *field);
void movement_json(struct jw *w, const struct movement *m, int detail);

/* ---- registrations ---- */

struct registration {
	int64_t id, movement_id, unit_id;
	const char *unit_code, *unit_name, *unit_path;
	const char *pledge, *registered_on;
	int64_t planned_models;                  /* 0: none given */
	int late, active;
	int64_t models;                          /* active models */
	int64_t version;
	const char *created_at, *updated_at;
	int ncommit;
	int64_t *commit_metric;
	double *commit_value;
};

struct commitment_in {
	const char *metric;                      /* code */
	double value;
};

struct registration_in {
	int64_t unit_id;
	const char *pledge;
	int64_t planned_models;                  /* -1: not given */
	const char *registered_on;               /* NULL: today (officers may backdate within the period) */
	int set_commitments, ncommit;
	struct commitment_in commit[MV_MAX_METRICS];
	const char *commit_keys[MV_MAX_METRICS]; /* a form's box of each (commitments.vnd), or NULL */
	int active;                              /* update: -1 leaves it */
};

struct reg_query {
	int64_t movement_id;
	int64_t under;                           /* >0 subtree */
	const char *q;
	int nranges;                             /* -1 all; else only these subtrees */
	const char *range_lo[MV_MAX_RANGES];
	int64_t limit, offset;
};

int registrations_list(struct db *db, struct arena *a, const struct reg_query *q, struct registration **items, int *n, int64_t *total);
int registrations_get(struct db *db, struct arena *a, int64_t id, struct registration **out);
int registrations_find(struct db *db, int64_t movement_id, int64_t unit_id, int64_t *id);
int registrations_create(struct db *db, const struct user *who, int64_t movement_id, const struct registration_in *in,
			 struct field_errors *fe, int64_t *id);
int registrations_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct registration_in *in,
			 struct field_errors *fe);
void registration_json(struct jw *w, const struct registration *g, const struct movement *m);

/* ---- models ---- */

struct model_value {
	int64_t metric_id;
	double value;
	double planned;                          /* NaN-free: has_plan says */
	int has_value, has_plan;
};

struct model {
	int64_t id, movement_id, registration_id, unit_id;
	const char *movement_code, *movement_title, *movement_status, *authority_path;
	const char *unit_code, *unit_name, *unit_path;
	const char *code, *title, *field, *description, *started_on, *status;
	int64_t owner_unit_id, owner_person_id;
	const char *owner_unit_name, *owner_person_name;
	const char *assessment, *assessed_at, *citation, *typical_on;
	int typical, late, active;
	int64_t version;
	const char *created_at, *updated_at;
	int64_t replications, reports;
	int nvalues;                             /* filled by models_get and with_values lists */
	struct model_value *values;
};

struct model_in {
	const char *code, *title, *field, *description, *started_on;
	int64_t unit_id;                         /* create: the registering unit */
	const char *registered_on;               /* create: NULL today; another date only by an officer */
	int64_t owner_unit_id, owner_person_id;  /* -1 leaves; 0 none */
	int set_plans, nplans;
	struct commitment_in plans[MV_MAX_METRICS];
	const char *plan_keys[MV_MAX_METRICS];   /* a form's field of each plan (plans.vnd): its error goes there too; NULL: none */
	int active;                              /* update: -1 leaves it */
};

struct model_query {
	int64_t movement_id;                     /* 0: any movement */
	int64_t unit;                            /* >0 registered by this unit */
	int64_t under;                           /* >0 registered by a unit in this subtree */
	const char *field, *status, *q;
	int typical;                             /* -1 any, 1 typical only */
	int public_only;                         /* typical examples of non-draft movements */
	int nranges;
	const char *range_lo[MV_MAX_RANGES];
	int with_values;
	const char *sort;
	int64_t limit, offset;
};

int models_list(struct db *db, struct arena *a, const struct model_query *q, struct model **items, int *n, int64_t *total);
int models_get(struct db *db, struct arena *a, int64_t id, struct model **out);
int models_find_code(struct db *db, int64_t movement_id, const char *code, int64_t *id);
/* Errors already in *fe (a form's fields that could not be read) are kept:
** the rest is checked too, every problem added, and nothing is written. */
int models_create(struct db *db, const struct user *who, int64_t movement_id, const struct model_in *in, struct field_errors *fe,
		  int64_t *id);
int models_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct model_in *in,
		  struct field_errors *fe);
/* may the user read / report on this model */
int model_readable(struct db *db, const struct user *who, const struct model *md);
void model_json(struct jw *w, const struct model *md, const struct movement *m);
/* A background import of models (movements_io.c): each line is checked and
** written to model_staging under `key` in short transactions, invisible to
** every query; models_publish_staged() then creates them all and applies the
** staged changes in one transaction (checking again what may have changed
** meanwhile), or writes the line-numbered reasons and changes nothing.
** model_id > 0 stages a change to that model (checked when published). */
struct model_staged {
	int64_t unit_id, owner_unit_id, model_id, version;
	const char *title, *field, *description, *started_on;
};
int models_stage(struct db *db, const struct user *who, const struct movement *m, int64_t key, int line, const struct model_in *in,
		 int64_t model_id, int64_t version, struct field_errors *fe);
int models_staged_find(struct db *db, struct arena *a, int64_t key, const char *code, struct model_staged *out);
/* the same fields of the stored model of that code (model_id its id), in one query: an import compares each line with it */
int models_stored_find(struct db *db, struct arena *a, int64_t movement_id, const char *code, struct model_staged *out);
int models_publish_staged(struct db *db, const struct user *who, int64_t movement_id, int64_t key, const char *lang, FILE *errors, int *rejected);
int models_unstage(struct db *db, int64_t key);
/* the import kinds of background jobs: import_models, import_results, import_registrations */
void movements_jobs_register(void);   /* removes the staged lines, a few thousand a transaction */


/* assessment: status "effective" / "not_effective" / "registered" (undo) */
int models_assess(struct db *db, const struct user *who, int64_t id, int64_t version, const char *status, const char *comment,
		  struct field_errors *fe);
/* typical example: on with a citation (named on `on`, NULL: today), or off */
int models_set_typical(struct db *db, const struct user *who, int64_t id, int64_t version, int typical, const char *citation,
		       const char *on, struct field_errors *fe);
/* the demo data set (movements_demo.c) */
int movements_demo_load(struct db *db, const struct user *who, FILE *err, int *nmovements, int *nmodels);

struct report {
	int64_t id, model_id;
	const char *reported_on, *note, *created_at, *created_by;
	int nvalues;
	int64_t *metric;
	double *value;
};

struct report_in {
	const char *reported_on;
	const char *note;
	int nvalues;
	struct commitment_in values[MV_MAX_METRICS];
	const char *keys[MV_MAX_METRICS];        /* a form's field of each value (results.vnd), as model_in.plan_keys */
};

int reports_list(struct db *db, struct arena *a, int64_t model_id, struct report **items, int *n);
int reports_get(struct db *db, struct arena *a, int64_t id, struct report **out);
/* as models_create: errors already in *fe are kept, the rest checked, nothing written */
int reports_add(struct db *db, const struct user *who, int64_t model_id, const struct report_in *in, struct field_errors *fe,
		int64_t *id);
void report_json(struct jw *w, const struct report *rp, const struct movement *m);
/* A background import of results, as for models (models_stage): each report is checked (with the amounts
** already staged for its model) and staged in report_staging; then written
** all at once by reports_publish_staged(), which checks again that the
** movement is not closed and the models not withdrawn. */
int reports_stage(struct db *db, const struct user *who, int64_t key, int grp, int line, int64_t model_id, const struct report_in *in,
		  struct field_errors *fe);
int reports_publish_staged(struct db *db, const struct user *who, int64_t movement_id, int64_t key, const char *lang, FILE *errors, int *rejected);
int reports_unstage(struct db *db, int64_t key);

struct replication {
	int64_t id, model_id, unit_id;
	const char *unit_code, *unit_name, *adopted_on, *note;
};

int replications_list(struct db *db, struct arena *a, int64_t model_id, struct replication **items, int *n);
int replications_add(struct db *db, const struct user *who, int64_t model_id, int64_t unit_id, const char *adopted_on,
		     const char *note, struct field_errors *fe, int64_t *id);
/* the organiser removes a replication recorded by mistake (audited) */
int replications_remove(struct db *db, const struct user *who, int64_t model_id, int64_t replication_id, struct field_errors *fe);

/* ---- the dashboard ---- */

struct dash_query {
	int64_t movement_id;
	int64_t under;                           /* >0: only units in this subtree */
	const char *field, *status;
	const char *from, *to;                   /* results reported in [from, to] (dates), NULL: all */
	int levels;                              /* units listed down to this many levels from the top; 0: all */
};

struct dash_total {                          /* one metric */
	double sum;                              /* amount: the total; rate: sum of values */
	int64_t n;                               /* models reporting it */
};

struct dash_unit {                           /* a unit with registrations or models, or an ancestor of one */
	int64_t id, parent_id;
	const char *code, *name, *path;
	int depth;
	int registered;                          /* the unit itself registered */
	int64_t models, models_sub;              /* own / with its subtree */
	int64_t registered_sub;                  /* units registered in its subtree, itself included */
	struct dash_total *own, *sub;            /* [nmetrics] */
};

struct dash_count {
	const char *key;                         /* field code, status or date */
	int64_t n;
};

struct dashboard {
	const struct movement *m;
	const struct dash_query *q;              /* the filters it was built with (the reader's subtree in under) */
	int64_t registrations, models, effective, not_effective, registered, typical, replications;
	struct dash_total *total;                /* [nmetrics] */
	int nfields;
	struct dash_count *by_field;             /* models per field (all the movement's fields) */
	int64_t (*field_status)[3];              /* per field: registered, effective, not_effective */
	struct dash_total **field_total;         /* per field, per metric */
	int nunits;
	struct dash_unit *units;                 /* depth-first order (path) */
	int ntimeline;
	struct dash_count *timeline;             /* registrations per date, ascending */
};

int dashboard_build(struct db *db, struct arena *a, const struct movement *m, const struct dash_query *q, struct dashboard *d);
void dashboard_json(struct jw *w, const struct dashboard *d);
double dash_value(const struct metric *mt, const struct dash_total *t);   /* sum, or average for a rate */

/* evidence of a model (its unit's reporters, the organiser) and documents of
** a movement (the organiser): stored by src/base/files.c, audited "attach";
** a model's file counts against its unit's quota, a movement's against its
** authority's (files_attach checks it) */
int models_attach(struct db *db, const struct user *who, int64_t model_id, const char *name, const void *data, size_t n,
		  struct field_errors *fe, int64_t *attachment_id);
int movements_attach(struct db *db, const struct user *who, int64_t movement_id, const char *name, const void *data, size_t n,
		     struct field_errors *fe, int64_t *attachment_id);

/* ---- import / export (movements_io.c) ---- */
int movement_import_models(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep);
int movement_import_results(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep);
int movement_import_registrations(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep);
int movement_export(struct db *db, const struct movement *m, const char *what, FILE *out, const char *format, const char *lang);

#endif
