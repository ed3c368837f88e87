/* users: accounts and their roles, managed by the command line (thidua user)
** and by administrators on the web (users_web.c: /users, and /account for
** one's own password, name and e-mail). */
#ifndef THIDUA_USERS_H
#define THIDUA_USERS_H
#include <stddef.h>
#include <stdint.h>

#include "../base/auth.h"

struct db;
struct arena;
struct field_errors;

/* A login: 1 to USERS_LOGIN_MAX characters, ASCII letters, digits and . _ - @
** (no space anywhere: " t2 " and "a b" are refused). Logins are one in any
** case: a new one is stored lower-cased (out, USERS_LOGIN_MAX + 1 bytes) and
** found in any case. 0, or -1 with the reason in err. */
#define USERS_LOGIN_MAX 64
int users_login_check(const char *login, char *out, char *err, size_t errlen);
/* login with ASCII A-Z lower-cased, as stored and compared (at most n-1 bytes) */
void users_login_fold(const char *login, char *out, size_t n);
/* The user of a login typed in any case: the exact login first (an old
** database may hold two that differ only in case; each keeps working as
** written), else the one whose login lower-cased is the login lower-cased.
** E_OK with the id (and active, if not NULL), E_NOTFOUND or E_DB. */
int users_find(struct db *db, const char *login, int64_t *id, int *active);

/* Creates a user with one role on the unit with that code, audited as `who`;
** the login is checked and stored lower-cased (users_login_check), and
** refused when it exists in any case. Returns 0 and the id, or -1 with the
** reason in err. */
int users_create(struct db *db, const struct user *who, const char *login, const char *full_name, const char *password,
		 const char *role, const char *unit_code, int64_t *id, char *err, size_t errlen);

/* Disables the user and revokes their sessions and API tokens; enables a
** disabled one; or sets a new password hash and revokes their sessions and
** API tokens (a password is reset because it leaked or was forgotten:
** whoever held it is out everywhere). One transaction with its audit row:
** E_OK, E_STATE (disable/enable: it is so already; nothing written),
** E_NOTFOUND or E_DB (errors.h). */
int users_disable(struct db *db, const struct user *who, int64_t id, const char *login);
int users_enable(struct db *db, const struct user *who, int64_t id, const char *login);
int users_set_password(struct db *db, const struct user *who, int64_t id, const char *login, const char *hash);

/* Grants the user a role on the unit with that code, or revokes it, audited
** ("grant"/"revoke" with the role and unit). E_OK; E_INVALID (an unknown
** role or unit, or AUTH_MAX_ROLES reached; the reason in err); E_STATE:
** grant — the user has it already; revoke — it is the user's last role (an
** account without a role is disabled instead); E_NOTFOUND: revoke — the
** user does not have it; E_DB. Nothing is written unless E_OK. */
int users_grant(struct db *db, const struct user *who, int64_t id, const char *role, const char *unit_code, char *err, size_t errlen);
int users_revoke(struct db *db, const struct user *who, int64_t id, const char *role, const char *unit_code, char *err, size_t errlen);

/* An e-mail address a user may have (optional; the task reminders go to
** it): at most USERS_EMAIL_MAX bytes, local@domain, printable ASCII without
** spaces or the characters that end a mail header's address (<>()[],;:"\\),
** one '@', a domain of dot-separated labels with at least one dot. 1 valid, 0 not. */
#define USERS_EMAIL_MAX 254
int users_email_valid(const char *s);
/* Sets (or, with NULL or "", clears) the user's e-mail, audited with the
** address before and after: E_OK, E_INVALID (not an address), E_NOTFOUND or E_DB. */
int users_set_email(struct db *db, const struct user *who, int64_t id, const char *email);

/* ---- for the web: reads, and writes that report field errors (N_ ids) ---- */

struct user_grant_row {
	const char *role;
	int64_t unit_id;
	const char *unit_code, *unit_name, *unit_path;
};
struct user_row {
	int64_t id, version;
	const char *login, *full_name, *email, *lang, *created_at, *updated_at;
	int active;
	int ngrants;
	struct user_grant_row grants[AUTH_MAX_ROLES];
};

/* The users of a page. range_lo (nranges of them; -1: no limit) are the
** subtrees the reader administers: a user is listed when one of their roles
** is granted inside one. q: words of the full name or the login, with or
** without accents; role and under: users holding that role, or any role,
** on that unit's subtree (under > 0); inactive 0 active only, 1 all, 2
** disabled only. Ordered by login. */
#define USERS_MAX_RANGES 16
struct users_query {
	const char *q, *role;
	int64_t under;
	int inactive;
	int64_t limit, offset;
	const char *range_lo[USERS_MAX_RANGES];
	int nranges;
};
int users_list(struct db *db, struct arena *a, const struct users_query *q, struct user_row **items, int *n, int64_t *total);
/* One user with their roles: E_OK, E_NOTFOUND or E_DB. */
int users_get(struct db *db, struct arena *a, int64_t id, struct user_row **out);

/* A new user from a form: every field checked at once (login: taken in any
** case, or not a login; full_name required; email; role; unit_id;
** password by the policy), errors in fe; nothing written unless E_OK. */
struct user_new {
	const char *login, *full_name, *email, *role, *password;
	int64_t unit_id;
};
int users_add(struct db *db, const struct user *who, const struct user_new *in, struct field_errors *fe, int64_t *id);
/* The full name and the e-mail (NULL or "": none) at version: E_OK,
** E_INVALID (fe), E_CONFLICT (changed meanwhile), E_NOTFOUND or E_DB. */
int users_update(struct db *db, const struct user *who, int64_t id, int64_t version, const char *full_name, const char *email,
		 struct field_errors *fe);
/* A user changes their own password: the current one must match (E_FORBIDDEN:
** "current" in fe), the new one pass the policy and differ from it (fe
** "password"). Their other sessions and every API token end; the session
** whose id hashes to keep_session stays. E_OK, E_INVALID, E_FORBIDDEN, E_DB. */
int users_change_password(struct db *db, const struct user *who, const char *current, const char *password, const char *keep_session,
			  struct field_errors *fe);

/* A generated password of n-1 characters (letters and digits that cannot be
** misread) that the password policy accepts for this login. */
void users_gen_password(char *out, size_t n, const char *login);

#endif
