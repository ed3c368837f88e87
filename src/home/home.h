/* home: what the home page tells each role — a reporter what their units
** must do, an officer what waits for them, an admin the system's state.
** Plain queries over the movements and the registry; no HTTP here. */
#ifndef THIDUA_HOME_H
#define THIDUA_HOME_H
#include <stdint.h>

#include "../base/auth.h"
#include "../web/roles.h"

struct db;
struct arena;

#define HOME_MAX_RANGES 16
#define HOME_MAX_ITEMS 8      /* rows listed under a count; the count itself is exact */
#define HOME_REPORT_DAYS 30   /* a model without a report for this long waits for one */
#define HOME_SOON_DAYS 30     /* deadlines within this many days are "coming" */
#define HOME_NEW_DAYS 14      /* registrations this recent are "new" */

/* subtrees the user acts in: n < 0 the whole tree, else n paths */
struct home_scope {
	int n;
	const char *lo[HOME_MAX_RANGES];
};

/* a movement with a date and a count that concern the reader */
struct home_movement {
	int64_t id;
	const char *code, *title, *status;
	const char *date;          /* the deadline shown (YYYY-MM-DD) */
	const char *what;          /* for deadlines: "register_by" or "ends_on" */
	int64_t n;                 /* registrations, models … of this movement */
};

/* a model that waits for a progress report */
struct home_model {
	int64_t id, movement_id;
	const char *code, *title, *unit_name, *movement_title;
	const char *last_report;   /* NULL: never reported */
};

struct home_list {
	int64_t total;             /* rows (movements, deadlines), exact */
	int64_t sum;               /* the sum of every row's n (registrations, models), exact */
	int n;                     /* listed: at most HOME_MAX_ITEMS */
	struct home_movement *items;
};

struct home {
	const char *today;         /* YYYY-MM-DD */
	/* a reporter: over the subtrees where they may report */
	struct home_list to_register;   /* open for registration, none of their units registered */
	struct home_list deadlines;     /* registration closes or the movement ends within HOME_SOON_DAYS */
	int64_t reports_due;            /* models of their units without a report for HOME_REPORT_DAYS */
	int nreports_due;
	struct home_model *due;
	/* an officer: over the movements they run (authority in their subtrees) */
	struct home_list new_regs;      /* registrations in the last HOME_NEW_DAYS, per movement */
	struct home_list to_assess;     /* models not assessed yet, per movement */
	struct home_list late;          /* models without a report for HOME_REPORT_DAYS, per movement */
	struct home_list drafts;        /* drafts not launched yet */
	/* an admin: the system */
	int64_t units, people, users, audit_chain, db_bytes;
	int64_t by_stage[4];            /* draft, launched, reviewing, closed */
	int64_t files_bytes;            /* every attached file's bytes, once each */
	/* everyone */
	int64_t people_in_scope, movements_open;   /* open: launched, concerning the reader's units */
	/* the files of each unit the reader holds a role on, and the quota */
	int64_t storage[AUTH_MAX_ROLES];
	int64_t quota;
};

/* the four stages in order, as stored */
extern const char *const home_stages[4];

/* What a reporter must do over `rep` (their subtrees with PERM_MOVEMENT_REPORT). */
int home_reporter(struct db *db, struct arena *a, const struct home_scope *rep, struct home *h);
/* What waits for an officer over `mgr` (subtrees with PERM_MOVEMENT_MANAGE). */
int home_officer(struct db *db, struct arena *a, const struct home_scope *mgr, struct home *h);
/* The system's state; `db_file` is the database's path (its size is read). */
int home_admin(struct db *db, const char *db_file, struct home *h);
/* The bytes of files of each unit the user holds a role on (h->storage, in
** the order of the grants) and the quota per unit. */
void home_storage(struct db *db, const struct user *who, struct home *h);
/* For every reader: people in the readable subtrees, the launched movements
** that concern them (movement_query.concern). */
int home_common(struct db *db, struct arena *a, const struct home_scope *read, struct home *h);

/* date arithmetic on YYYY-MM-DD: the day `days` after `iso` into out[11] */
void home_add_days(char out[11], const char *iso, int days);
/* whole days from `from` to `to` (negative when `to` is earlier) */
int home_days_between(const char *from, const char *to);

#endif
