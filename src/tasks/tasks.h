/* tasks: task monitoring (issue 12). A programme (a resolution, a plan, a
** steering committee's work list) assigns tasks to lead units; the lead
** unit reports progress and completion, the assigning office accepts or
** returns the completion and alone extends a deadline. The status of a task
** on any date follows the government's taxonomy (done on time, done late,
** not yet due, overdue) and is computed from the recorded history
** (tasks_status.c):
**   - a task assigned after the date is not counted on it;
**   - done at D: its completion was accepted on or before D and the
**     acceptance was not withdrawn (reopened) on or before D; on time when the completion date is on or before the
**     deadline, late otherwise;
**   - the deadline at D is the one in force on D: an extension recorded on
**     D counts from D, one recorded after D does not change D's status;
**   - not done at D: overdue when the deadline at D is before D (a task due
**     on D is not yet due), else not yet due; a task without a deadline (a
**     regular task) is never overdue.
** Domain functions take plain values and the office's date of the action
** (`today`), return E_* codes with field errors, and check scope with
** role_can: PERM_TASK_ASSIGN on the assigning unit, PERM_TASK_REPORT on
** the lead unit. Everything returned lives in the caller's arena. */
#ifndef THIDUA_TASKS_H
#define THIDUA_TASKS_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;

enum task_status { TS_NONE = 0, TS_DONE_ON_TIME, TS_DONE_LATE, TS_NOT_DUE, TS_OVERDUE, TS_N };
/* "", "done_on_time", "done_late", "not_due", "overdue" */
extern const char *const task_status_names[TS_N];
enum task_status task_status_parse(const char *s);

#define TASK_CODE_MAX 40
#define TASK_TITLE_MAX 1000
#define TASK_MAX_COORDINATORS 32
#define TASK_MAX_RANGES 16
#define TASK_MAX_WORDS 6       /* the words of a search looked for, the first ones */

struct programme {
	int64_t id;
	const char *code, *title, *kind, *legal_source, *description, *starts_on;
	int64_t owner_id;
	const char *owner_code, *owner_name, *owner_path;
	int64_t version;
	const char *created_at;
	int64_t tasks;                 /* every task, whatever the date */
};

struct programme_in {
	const char *code, *title, *kind, *legal_source, *description, *starts_on;
	int64_t owner_id;
};

struct task_unit {
	int64_t id;
	const char *code, *name;
};

struct task_report {
	int64_t id;
	const char *kind;              /* progress, completion */
	int64_t percent;
	const char *note, *done_on, *product, *reported_on;
	const char *review;            /* none, pending, accepted, returned */
	const char *review_comment, *reviewed_on, *reviewer, *reporter;
	const char *created_at;
};

struct task_extension {
	int64_t id;
	const char *due_before, *due_on, *reason, *recorded_on, *by;
	const char *created_at;
};

/* an acceptance the assigning office withdrew: done from accepted_on to the
** day before reopened_on */
struct task_reopening {
	int64_t id;
	const char *done_on, *accepted_on, *reopened_on, *reason, *by;
	const char *created_at;
};

struct task {
	int64_t id, programme_id, parent_id;
	const char *programme_code, *parent_code;
	const char *code, *title, *source_doc, *source_article, *product;
	int64_t assigner_id, lead_id;
	const char *assigner_code, *assigner_name, *assigner_path;
	const char *lead_code, *lead_name, *lead_path;
	const char *assigned_on, *due_original, *due_on, *extended_on;
	int64_t percent;
	const char *state;             /* open, submitted, done */
	const char *done_on, *accepted_on;
	int64_t version;
	const char *created_at;
	int64_t children;              /* sub-tasks */
	const char *reopened_on;       /* the latest reopening, or NULL */
	/* as of the date asked */
	const char *as_of;
	enum task_status status;
	const char *due_at;            /* the deadline in force then (NULL: none) */
	const char *done_at;           /* the completion date of the acceptance in force then (NULL: not done) */
	const char *accepted_at;       /* the date of that acceptance (NULL: not done then) */
	int64_t days_late;             /* overdue: days past the deadline; done late: days after it; else 0 */
	int64_t percent_at;            /* the percent done then (tasks_status_at) */
	/* tasks_returned only: the completion the assigning office returned */
	const char *returned_on, *return_comment;
	/* tasks_get only */
	int ncoordinators;
	struct task_unit *coordinators;
	int nreports;
	struct task_report *reports;   /* newest first */
	int nextensions;
	struct task_extension *extensions;   /* oldest first */
	int nsubtasks;
	struct task *subtasks;
	int nreopenings;
	struct task_reopening *reopenings;   /* oldest first */
};

struct task_in {
	int64_t programme_id, parent_id;
	const char *code, *title, *source_doc, *source_article, *product;
	int64_t assigner_id, lead_id;
	const char *assigned_on, *due_on;      /* due_on NULL: a regular task */
	int ncoordinators;
	int64_t coordinators[TASK_MAX_COORDINATORS];
};

/* status counts; done = on time + late */
struct task_counts {
	int64_t n[TS_N];
	int64_t total;
};
int64_t task_counts_done(const struct task_counts *c);
/* the share of done tasks in percent, 0 when there are none */
double task_counts_done_percent(const struct task_counts *c);

/* Which tasks a list or a count looks at. */
struct task_query {
	int64_t programme_id;          /* 0: every programme */
	const char *as_of;             /* YYYY-MM-DD */
	const char *unit_lo, *unit_hi; /* the lead units' subtree, or NULL */
	int64_t lead_id;               /* > 0: this lead unit only */
	int nwords;                    /* > 0: each of these LIKE patterns ("% word%") in ' ' || search */
	const char *words[TASK_MAX_WORDS];
	enum task_status status;       /* TS_NONE: any */
	const char *due_until;         /* not done and due between as_of and this date (the due-soon list) */
	const char *due_max;           /* with status TS_OVERDUE: only those due on or before this date (a shortcut
	                               ** to the first of the overdue list by deadline: the dashboard's overdue_due_max) */
	int nranges;                   /* -1 or 0: no limit; > 0: lead units within these subtrees (the reader's scope) */
	const char *range_lo[TASK_MAX_RANGES];
	const char *sort;              /* "code" (default), "due" */
	int units_named;               /* counts by unit: name only the first N (most overdue); 0: all */
	int64_t limit, offset;
	int64_t known_total;           /* tasks_list: > 0, the count already known (the dashboard's); the list then does not count */
};

/* The LIKE patterns of the words typed (at most max): each "% word%", for
** (' ' || tasks.search), the folded code and title; their number */
int tasks_search_patterns(struct arena *a, const char *typed, const char **out, int max);

/* ---- programmes (tasks.c) ---- */
int programmes_create(struct db *db, const struct user *who, const struct programme_in *in, struct field_errors *fe, int64_t *id);
int programmes_get(struct db *db, struct arena *a, int64_t id, struct programme **out);
/* the same without counting its tasks (tasks = -1): for the status of a big programme */
int programmes_get_plain(struct db *db, struct arena *a, int64_t id, struct programme **out);
int programmes_find_code(struct db *db, const char *code, int64_t *id);
int programmes_list(struct db *db, struct arena *a, struct programme **items, int *n);
void programme_json(struct jw *w, const struct programme *p);
/* may the user read every task of it (a read grant over its owner unit)? */
int programme_reads_all(const struct user *u, const struct programme *p);

/* ---- tasks (tasks.c) ---- */
/* the subtree (a prefix of paths) where a unit assigns to any unit: its
** first-level branch, "/" for the root or a first-level body, "" unknown */
void task_assign_branch(const char *assigner_path, char *out, size_t cap);
int tasks_create(struct db *db, const struct user *who, const struct task_in *in, struct field_errors *fe, int64_t *id);
/* the task with its status as of as_of (NULL: today), its coordinators,
** reports, extensions and sub-tasks */
int tasks_get(struct db *db, struct arena *a, int64_t id, const char *as_of, struct task **out);
int tasks_find_code(struct db *db, int64_t programme_id, const char *code, int64_t *id);
void task_json(struct jw *w, const struct task *t, int full);
/* may the user read this task: a read grant over the programme's owner,
** the assigning unit or the lead unit */
int task_readable(const struct user *u, const struct task *t, const char *owner_path);

/* The lead unit's reports. Progress: percent 0–100 and a text; the parent's
** percent becomes the mean of its sub-tasks'. Completion: the date it was
** done (not after today, not before it was assigned), the product, a text;
** the task waits for review. report_id may be NULL. */
int tasks_progress(struct db *db, const struct user *who, int64_t id, int64_t percent, const char *note, const char *today,
		   struct field_errors *fe, int64_t *report_id);
int tasks_complete(struct db *db, const struct user *who, int64_t id, const char *done_on, const char *product, const char *note,
		   const char *today, struct field_errors *fe, int64_t *report_id);
/* The assigning office's review of a submitted completion: accept (done
** until reopened) or return with a comment (not done). version: the task's. */
int tasks_review(struct db *db, const struct user *who, int64_t id, int64_t version, int accept, const char *comment,
		 const char *today, struct field_errors *fe);
/* The assigning office withdraws the acceptance of a done task, with a
** reason: from today the task is not done (it was done before today, from
** its acceptance); the lead unit reports again. A sub-task of a done parent
** is not reopened (reopen the parent first). */
int tasks_reopen(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, const char *today,
		 struct field_errors *fe);
/* A new deadline, by the assigning office only, with a reason; the old one
** stays on record. */
int tasks_extend(struct db *db, const struct user *who, int64_t id, int64_t version, const char *due_on, const char *reason,
		 const char *today, struct field_errors *fe);
/* Evidence: a file attached to the task ("task") or to one of its reports
** ("task_report"), by its lead unit's reporters; it counts against the lead
** unit's storage quota (files_attach: E_INVALID at "file" when full). */
int tasks_attach(struct db *db, const struct user *who, int64_t id, int64_t report_id, const char *name, const void *data, size_t n,
		 struct field_errors *fe, int64_t *attachment_id);

/* A correction of a task by the assigning office: each field with its
** has_ flag set is changed (a NULL text clears it; the title is required),
** the others are left. The deadline is not here: extensions change it. The
** lead unit is not also a coordinating unit. version: the task's (409
** when stale). */
struct task_edit {
	int has_title, has_source_doc, has_source_article, has_product, has_lead, has_coordinators;
	const char *title, *source_doc, *source_article, *product;
	int64_t lead_id;
	int ncoordinators;
	int64_t coordinators[TASK_MAX_COORDINATORS];
};
int tasks_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct task_edit *in, struct field_errors *fe);

/* ---- status as of a date (tasks_status.c) ---- */
int tasks_counts(struct db *db, const struct task_query *q, struct task_counts *out);
/* the tasks of q with their status, ordered by q->sort; total before paging */
int tasks_list(struct db *db, struct arena *a, const struct task_query *q, struct task **items, int *n, int64_t *total);
/* the open tasks of q (its ranges, lead unit, programme; no status) whose
** last completion reported the assigning office returned: the lead unit must
** report again. The last returned first, at most q->limit; total before it */
int tasks_returned(struct db *db, struct arena *a, const struct task_query *q, struct task **items, int *n, int64_t *total);
/* counts per lead unit, the most overdue first */
struct unit_counts {
	int64_t unit_id;
	const char *code, *name;
	struct task_counts c;
};
int tasks_counts_by_unit(struct db *db, struct arena *a, const struct task_query *q, struct unit_counts **items, int *n);
/* the last day of the quarter before the one holding date */
void quarter_end_before(const char *date, char out[11]);
/* the last day of the quarter holding date */
void quarter_end_of(const char *date, char out[11]);
/* days from a to b (b - a), both YYYY-MM-DD */
int64_t task_days_between(const char *a, const char *b);
/* date plus n days, YYYY-MM-DD */
void task_date_add(const char *date, int64_t n, char out[11]);
void task_counts_json(struct jw *w, const struct task_counts *c);

/* A programme's dashboard as of a date: the counts, those on `compare`
** (NULL: the last day of the previous quarter), per lead unit, and on the last day of each quarter from
** the quarter of `start` to the date (the date itself last). */
#define TASK_MAX_QUARTERS 40
struct task_dashboard {
	const char *as_of;
	char previous[11];
	struct task_counts now, prev;
	struct unit_counts *units;
	int nunits;
	int nquarters;
	char quarter[TASK_MAX_QUARTERS][11];
	struct task_counts qcounts[TASK_MAX_QUARTERS];
	/* the deadline of the TASK_DASHBOARD_OVERDUE-th task overdue on the date, by deadline
	** ("": fewer are overdue): the overdue list's first ones are due on or before it */
	char overdue_due_max[11];
};
#define TASK_DASHBOARD_OVERDUE 20
int tasks_dashboard(struct db *db, struct arena *a, const struct task_query *q, const char *start, const char *compare,
		    struct task_dashboard *out);

/* ---- import (tasks_io.c) ---- */
/* A programme's task list from CSV or XLSX (columns code, title,
** parent_code, source_doc, source_article, lead_code, coordinators,
** assigned_on, due_on, product; or their labels): every line or none.
** E_OK with *n tasks written, E_INVALID with "line N: reason" lines in
** errors, or E_DB / E_BUSY. */
int tasks_import(struct db *db, const struct user *who, const char *lang, int64_t programme_id, FILE *in, FILE *errors, int *n);
/* Progress in bulk from the template filled offline (columns code, percent,
** note, done_on, product; the others are ignored): a row with done_on is a
** completion, one with a changed percent or a note a progress report, an
** untouched row nothing. Every row or none, as tasks_import. */
int tasks_import_progress(struct db *db, const struct user *who, const char *lang, int64_t programme_id, const char *today, FILE *in,
			  FILE *errors, int *n);

/* ---- the demo: seed 003 (tasks_demo.c) ---- */
/* the meeting date of seed 003, the date its figures are as of */
#define TASKS_SEED_DATE "2025-10-14"
int tasks_demo_load(struct db *db, const struct user *who, FILE *log, int *ntasks);

/* ---- reminders (remind.c) ---- */
#define TASKS_REMIND_DAYS 7     /* "due soon": within this many days */
struct remind_report {
	int units, due_soon, overdue, messages;
	int placeholders;               /* new messages to a placeholder address: nobody who reports for the unit has an e-mail */
};
/* For each lead unit with tasks due within days or overdue on today: a
** message in the outbox (task_reminders, one per unit and day) and, when
** dir is not NULL, an RFC 5322 file in it, to the users with an e-mail who
** hold PERM_TASK_REPORT on the unit (or above it); to the placeholder
** UNITCODE@thidua.invalid when none has one. */
int tasks_remind(struct db *db, const char *today, int days, const char *dir, struct remind_report *rep);
/* serve: the job worker runs tasks_remind for today every hour (one
** message per unit and day), writing files to outbox (NULL: none) */
void tasks_jobs_register(const char *outbox);
/* thidua remind --db PATH [--outbox DIR] [--days N] [--date YYYY-MM-DD] */
int cmd_remind(int argc, char **argv);

#endif
