/* roles: what a user may do, and where. Each role (granted on a unit, for
** the unit's whole subtree) carries a set of permissions; a handler or a
** domain function asks role_can(user, perm, the record's unit path). This
** table is the product's policy: a feature with new rights adds its
** permission here and to the roles that hold it. The identity itself (who
** is asking) is base/auth.h. */
#ifndef THIDUA_ROLES_H
#define THIDUA_ROLES_H
#include <stdint.h>

#include "../base/auth.h"

enum role { ROLE_NONE = 0, ROLE_VIEWER, ROLE_COUNCIL, ROLE_REPORTER, ROLE_OFFICER, ROLE_ADMIN };

/* What a handler asks for. Each role grants a set of these (auth.c). */
enum perm {
	PERM_READ = 1 << 0,          /* non-public records (people, drafts) in scope */
	PERM_WRITE_PEOPLE = 1 << 1,
	PERM_WRITE_UNITS = 1 << 2,
	PERM_ADMIN = 1 << 3,         /* users, roles, imports */
	PERM_MOVEMENT_REPORT = 1 << 4, /* register a unit and its models, report results */
	PERM_MOVEMENT_MANAGE = 1 << 5, /* launch and run movements, assess, register late */
	PERM_RECORD_ACHIEVEMENTS = 1 << 6, /* yearly ratings, titles, initiatives, discipline of people and collectives */
	PERM_PROPOSE = 1 << 9,       /* draft and submit award proposals for the unit's people and collectives */
	PERM_REVIEW_PROPOSALS = 1 << 10, /* the board's and the authority's steps on proposals held by the unit */
	PERM_COUNCIL = 1 << 11,      /* the council's step on proposals held by the unit */
	PERM_RULES_MANAGE = 1 << 7,  /* write the awards' eligibility rule sets; counts only on a root unit (role_can_top) */
	PERM_DECIDE = 1 << 8,        /* issue and revoke award decisions in an authority's name, sign their certificates */
	PERM_RUN_VOTES = 1 << 12,    /* organise secret-ballot votes of the unit's clusters and councils (being a round's voter needs no permission) */
	/* emulation clusters and blocs (issue 11) */
	PERM_CLUSTER_ORGANISE = 1 << 13, /* define clusters of the organiser unit, their sheets; confirm rotation, reopen scorecards */
	PERM_CLUSTER_SCORE = 1 << 14,    /* score for one's unit in its clusters and sign its agreement */
	/* task monitoring (issue 12) */
	PERM_TASK_ASSIGN = 1 << 15,  /* programmes and tasks of the unit's office: assign, accept or return, extend deadlines */
	PERM_TASK_REPORT = 1 << 16,  /* progress and completion of the tasks the unit leads */
	PERM_INDICATOR_DEFINE = 1 << 17,  /* define indicators, indexes, validation rules, targets, dashboards */
	PERM_INDICATOR_ENTER = 1 << 18,   /* enter indicator values for the unit (and its subtree) */
	PERM_INDICATOR_APPROVE = 1 << 19, /* approve (lock) and unlock the values of the units below */
};

const char *role_name(enum role r);
enum role role_parse(const char *s);

/* auth_load_user with the user's grants (each with its unit's path, name and
** depth): 0 found, -1 not */
int role_load_user(struct db *db, struct arena *a, int64_t user_id, struct user **out);
/* Who a request is, in one statement: its credential (an API token when
** by_token, else a session cookie's value), the credential's user and the
** user's grants — on PostgreSQL each statement is a round trip, and three
** became one. Returns the user id, or -1 when the credential is unknown or
** expired; *out is the user (NULL when no longer active); a session's CSRF
** token goes to *csrf (by_token: csrf may be NULL). */
int64_t role_identify(struct db *db, struct arena *a, int by_token, const char *cred, struct user **out, const char **csrf);

/* The central check: does the user hold perm on the unit with this path? */
int role_can(const struct user *u, enum perm perm, const char *unit_path);
/* Does the user hold perm somewhere (for pages that list within scope)? */
int role_can_any(const struct user *u, enum perm perm);
/* Does the user hold perm on a root unit of the tree (for what belongs to
** no unit, such as the country's rules)? */
int role_can_top(const struct user *u, enum perm perm);
/* Why role_can(u, perm, unit_path) was false, as a message id: the unit is
** outside every grant ("outside the units"); or a grant covers it (every
** grant when unit_path is NULL) but its role lacks the permission: "Your
** role may only read" when the covering roles only read, else "Your role
** does not allow this". */
const char *role_refusal(const struct user *u, const char *unit_path);

#endif
