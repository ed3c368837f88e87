/* auth: who is asking — passwords (argon2id), the password policy, login
** throttling, browser sessions and API tokens, and the user they resolve
** to. What a user may do (roles, permissions, their scope in the tree) is
** web/roles.h: this layer knows no feature and no unit. */
#ifndef THIDUA_AUTH_H
#define THIDUA_AUTH_H
#include <stddef.h>
#include <stdint.h>

struct db;
struct arena;

#define AUTH_MAX_ROLES 16

struct grant {
	int role;                   /* enum role (web/roles.h) */
	int64_t unit_id;
	const char *unit_path;
	const char *unit_name;
	int unit_depth;             /* 0: a root of the tree */
};

struct user {
	int64_t id;
	int system;                  /* the command line: may do everything */
	const char *login;
	const char *full_name;
	const char *lang;            /* NULL: not chosen */
	int ngrants;
	struct grant grants[AUTH_MAX_ROLES];
};

/* The product itself acting (the demo loader, internal callers): may do
** everything, id 0 (stored as no user), login "system". Never NULL for a user. */
extern const struct user auth_system;

/* Who did something, as a page or an export names them in lang: the login;
** NULL — a row that stores no user, the product itself (auth_system, the
** demo loader, the command line: their id 0 is stored as no user) — is "the
** system" in lang ("hệ thống", "सिस्टम"), never the English login "system".
** Callers read NULL for a NULL user_id (or, from the audit log, whose login
** column keeps "system", "demo" or "cli:USER", for a NULL user_id); an API
** keeps the login ("system"), an identifier rather than words. */
const char *auth_display_login(const char *lang, const char *login);
/* who an audit row names, in the reader's language: a user's login, or for a
 * row without a user (is_user 0) the system, the command line run by an
 * operating-system user ("cli:LOGIN") or the demo data */
struct arena;
const char *auth_display_actor(struct arena *a, const char *lang, const char *login, int is_user);

#define SESSION_IDLE_SEC (2 * 3600)
#define SESSION_MAX_SEC (12 * 3600)
#define TOKEN_MAX_SEC (30 * 24 * 3600)
#define LOGIN_FREE_FAILS 5           /* per (login, address) before the growing delay */
#define LOGIN_MAX_PER_ADDRESS 50     /* failures of an address, any login, per window */
#define LOGIN_MAX_PER_LOGIN 500      /* failures of a login, all addresses, per window */
#define LOGIN_WINDOW_SEC (15 * 60)

int password_hash(char out[128], const char *password);   /* 0 on success */
int password_check(const char *hash, const char *password); /* 0 when it matches */

/* Loads an active user (who, without grants: web/roles.h adds those) into
** arena memory. 0 found, -1 not. */
int auth_load_user(struct db *db, struct arena *a, int64_t user_id, struct user **out);
/* A login as stored and compared: ASCII A-Z lower-cased (at most n-1 bytes);
** also the key of the login throttle, so T1 and t1 share one count. */
void auth_login_key(const char *login, char *out, size_t n);
/* Checks login + password; returns user id or -1 (unknown, wrong, disabled).
** The login is found in any case (auth_login_key), the exact one first. */
int64_t auth_login(struct db *db, const char *login, const char *password);
/* Rate limit: 1 when too many recent failures for this login or address. */
/* The password policy: libpwquality with its cracklib dictionary check, at
** least PASSWORD_MIN_LEN characters, and not containing the login, in any
** case, forwards or reversed, however short the login (libpwquality's own
** check skips logins under 4 characters). 0, or -1 with the reason in err. */
#define PASSWORD_MIN_LEN 10
int password_quality(const char *password, const char *login, char *err, size_t errlen);
/* The same policy for a form: NULL when the password passes, else why, as a
** message id (N_) a page translates; old, when not NULL, is the password it
** replaces, which the new one may not resemble. */
const char *password_quality_msg(const char *password, const char *old, const char *login);
/* seconds the caller must wait before trying this login from this address, or 0 (auth.c says why) */
int64_t auth_throttled(struct db *db, const char *login, const char *peer);
void auth_note_failure(struct db *db, const char *login, const char *peer);

/* Session: writes the cookie value (64 hex) and its CSRF token; E_OK, or
** E_BUSY (another writer held the database past the busy timeout) or E_DB. */
int session_create(struct db *db, int64_t user_id, char sid[65], char csrf[65]);
void session_destroy(struct db *db, const char *sid);
/* A cookie value or token is looked up by its SHA-256 (hex), with its user
** and grants, by role_identify (web/roles.h). A session found was used now;
** seen: when its idle clock was last written. */
void session_seen(struct db *db, const char *id_hash, int64_t seen, int64_t now);

int token_create(struct db *db, int64_t user_id, const char *name, char token[65]);
void token_revoke(struct db *db, const char *token);


#endif
