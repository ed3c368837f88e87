#include "users.h"

#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/json.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"

void users_gen_password(char *out, size_t n, const char *login)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char why[300];
	/* random text is nearly always accepted; cracklib may still call one
	** "too systematic", so draw again until the policy agrees */
	for (int tries = 0; tries < 100; tries++) {
		for (size_t i = 0; i + 1 < n; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		out[n - 1] = 0;
		if (password_quality(out, login, why, sizeof why) == 0) return;
	}
}

int users_login_check(const char *login, char *out, char *err, size_t errlen)
{
	size_t n = login ? strlen(login) : 0;
	if (n == 0) { snprintf(err, errlen, "the login is empty"); return -1; }
	if (n > USERS_LOGIN_MAX) { snprintf(err, errlen, "the login is longer than %d characters", USERS_LOGIN_MAX); return -1; }
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@';
		if (!ok) {
			if (c == ' ' || c == '\t') snprintf(err, errlen, "the login '%s' holds a space; a login is one word", login);
			else snprintf(err, errlen, "the login '%s' holds '%c'%s; a login has letters a-z, digits and . _ - @ only", login,
				      c >= 0x20 && c < 0x7f ? c : '?', c >= 0x80 ? " (a letter with a diacritic or another non-ASCII character)" : "");
			return -1;
		}
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = 0;
	return 0;
}

void users_login_fold(const char *login, char *out, size_t n)
{
	size_t i = 0;
	for (; login && login[i] && i + 1 < n; i++) out[i] = (char)(login[i] >= 'A' && login[i] <= 'Z' ? login[i] + 32 : login[i]);
	if (n) out[i] = 0;
}

int users_find(struct db *db, const char *login, int64_t *id, int *active)
{
	if (!login || !*login) return E_NOTFOUND;
	char folded[USERS_LOGIN_MAX + 1];
	if (strlen(login) > USERS_LOGIN_MAX) return E_NOTFOUND;
	users_login_fold(login, folded, sizeof folded);
	/* the login as typed first (an old database may hold t1 and T1, both kept),
	** then in any case: new logins are stored lower-cased */
	struct stmt *st = db_query(db, "SELECT id, active FROM users WHERE login = $1 OR lower(login) = $2 "
				   "ORDER BY CASE WHEN login = $1 THEN 0 WHEN login = $2 THEN 1 ELSE 2 END, id LIMIT 1", "tt", login, folded);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_int(st, 0);
		if (active) *active = (int)db_int(st, 1);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int users_create(struct db *db, const struct user *who, const char *login_in, const char *full_name, const char *password,
		 const char *role, const char *unit_code, int64_t *id, char *err, size_t errlen)
{
	char login[USERS_LOGIN_MAX + 1];
	if (users_login_check(login_in, login, err, errlen) != 0) return -1;
	if (!role_parse(role)) {
		snprintf(err, errlen, "unknown role '%s' (admin, officer, reporter, council, viewer)", role ? role : "");
		return -1;
	}
	int64_t unit_id;
	if (units_find_code(db, unit_code, &unit_id) != E_OK) {
		snprintf(err, errlen, "no unit has the code '%s'", unit_code ? unit_code : "");
		return -1;
	}
	if (password_quality(password, login, err, errlen) != 0) return -1;
	/* an old database may hold the login in another case: one login, one account */
	int64_t other;
	int found = users_find(db, login, &other, NULL);
	if (found == E_OK) { snprintf(err, errlen, "a user with the login '%s' exists already (logins are the same in any case)", login); return -1; }
	char hash[128], now[21];
	if (password_hash(hash, password) != 0) { snprintf(err, errlen, "out of memory hashing the password"); return -1; }
	now_iso(now);
	if (db_tx_begin(db) != E_OK) { snprintf(err, errlen, "%s", db_errmsg(db)); return -1; }
	*id = -1;
	struct stmt *st = db_query(db, "INSERT INTO users (login, full_name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
				   "tttt", login, full_name ? full_name : login, hash, now);
	int rc = st ? db_step(st) : DB_ERR;
	if (rc == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	struct buf after;
	buf_init(&after);
	struct jw w;
	jw_init(&w, &after);
	jw_obj(&w);
	jw_kstr(&w, "login", login);
	jw_kstr(&w, "role", role);
	jw_kstr(&w, "unit_code", unit_code);
	jw_obj_end(&w);
	int ok = rc == DB_ROW &&
		 db_exec(db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)", "iti", *id, role, unit_id) == DB_OK &&
		 audit_add(db, who, "create", "user", *id, NULL, buf_cstr(&after), NULL) == DB_OK;
	buf_free(&after);
	if (db_tx_end(db, ok ? E_OK : E_DB) != E_OK) {
		if (rc == DB_CONSTRAINT) snprintf(err, errlen, "a user with the login '%s' exists already (logins are the same in any case)", login);
		else snprintf(err, errlen, "cannot add the user: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

/* Ends every way in: the browser sessions and the API tokens. */
static int revoke_all(struct db *db, int64_t id)
{
	return db_exec(db, "DELETE FROM sessions WHERE user_id = $1", "i", id) == DB_OK &&
			       db_exec(db, "DELETE FROM api_tokens WHERE user_id = $1", "i", id) == DB_OK
		       ? E_OK
		       : E_DB;
}

/* E_FORBIDDEN when the user is the last active administrator and would lose
** it (all: disabled; else one admin role revoked, the last they hold):
** nobody could manage the users in the application any more. E_OK, or
** E_DB when it could not be read. */
static int last_admin_check(struct db *db, int64_t id, int all)
{
	int64_t roles = 0, others = 0;
	if (db_int1(db, &roles, "SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = 'admin'", "i", id) != DB_ROW ||
	    db_int1(db, &others,
		    "SELECT count(*) FROM users u WHERE u.active = 1 AND u.id <> $1 "
		    "AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin')",
		    "i", id) != DB_ROW)
		return E_DB;
	return !others && (all ? roles > 0 : roles == 1) ? E_FORBIDDEN : E_OK;
}

/* Sets users.active; E_STATE when it has that value already, E_FORBIDDEN
** when it would disable the last active administrator (nothing written). */
static int set_active(struct db *db, const struct user *who, int64_t id, const char *login, int active)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int64_t now = -1;
	int s = db_int1(db, &now, "SELECT active FROM users WHERE id = $1", "i", id);
	if (s != DB_ROW) rc = s == DB_DONE ? E_NOTFOUND : E_DB;
	else if ((now != 0) == (active != 0)) rc = E_STATE;
	else if (!active) rc = last_admin_check(db, id, 1);
	if (rc == E_OK && db_exec(db, "UPDATE users SET active = $1, version = version + 1 WHERE id = $2", "ii", (int64_t)active, id) != DB_OK)
		rc = E_DB;
	/* disabling ends the sessions and tokens (an enabled account starts with none) */
	if (rc == E_OK && !active) rc = revoke_all(db, id);
	if (rc == E_OK) rc = audit_change(db, who, active ? "enable" : "disable", "user", id, NULL, NULL, login);
	return db_tx_end(db, rc);
}

int users_disable(struct db *db, const struct user *who, int64_t id, const char *login) { return set_active(db, who, id, login, 0); }
int users_enable(struct db *db, const struct user *who, int64_t id, const char *login) { return set_active(db, who, id, login, 1); }

int users_set_password(struct db *db, const struct user *who, int64_t id, const char *login, const char *hash)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	if (db_exec(db, "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2", "ti", hash, id) != DB_OK) rc = E_DB;
	/* a password is reset because it leaked: whoever used it is out, by the browser and by the API */
	if (rc == E_OK) rc = revoke_all(db, id);
	if (rc == E_OK) rc = audit_change(db, who, "passwd", "user", id, NULL, NULL, login);
	return db_tx_end(db, rc);
}

static char *grant_json(const char *role, const char *unit_code)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "role", role);
	jw_kstr(&w, "unit_code", unit_code);
	jw_obj_end(&w);
	return buf_detach(&b);
}

/* The start of a grant or a revocation: the role and the unit checked, the
** transaction opened, whether the user holds that role there and how many
** roles they hold. E_OK inside the transaction; otherwise err says why. */
static int role_change_begin(struct db *db, int64_t id, const char *role, const char *unit_code, int64_t *unit_id, int64_t *has, int64_t *n,
			     char *err, size_t errlen)
{
	if (!role_parse(role)) {
		snprintf(err, errlen, "unknown role '%s' (admin, officer, reporter, council, viewer)", role ? role : "");
		return E_INVALID;
	}
	if (units_find_code(db, unit_code, unit_id) != E_OK) {
		snprintf(err, errlen, "no unit has the code '%s'", unit_code ? unit_code : "");
		return E_INVALID;
	}
	int rc = db_tx_begin(db);
	if (rc != E_OK) { snprintf(err, errlen, "%s", db_errmsg(db)); return rc; }
	if (db_int1(db, has, "SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = $2 AND unit_id = $3", "iti", id, role, *unit_id) != DB_ROW ||
	    db_int1(db, n, "SELECT count(*) FROM user_roles WHERE user_id = $1", "i", id) != DB_ROW) {
		snprintf(err, errlen, "cannot read the user's roles: %s", db_errmsg(db));
		return db_tx_end(db, E_DB);
	}
	return E_OK;
}

/* its end: the audit row (the grant after, or before for a revocation) and the transaction's end */
static int role_change_end(struct db *db, const struct user *who, int64_t id, const char *action, const char *role, const char *unit_code, int rc,
			   char *err, size_t errlen)
{
	if (rc == E_OK) {
		char *grant = grant_json(role, unit_code);
		int grant_after = !strcmp(action, "grant");
		rc = audit_add(db, who, action, "user", id, grant_after ? NULL : grant, grant_after ? grant : NULL, NULL) == DB_OK ? E_OK : E_DB;
		free(grant);
	}
	if (rc == E_DB) snprintf(err, errlen, "cannot %s the role: %s", action, db_errmsg(db));
	return db_tx_end(db, rc);
}

int users_grant(struct db *db, const struct user *who, int64_t id, const char *role, const char *unit_code, char *err, size_t errlen)
{
	int64_t unit_id, has = 0, n = 0;
	int rc = role_change_begin(db, id, role, unit_code, &unit_id, &has, &n, err, errlen);
	if (rc != E_OK) return rc;
	if (has) {
		snprintf(err, errlen, "already");
		rc = E_STATE;
	} else if (n >= AUTH_MAX_ROLES) {
		snprintf(err, errlen, "the user has %d roles, the most a user may have", AUTH_MAX_ROLES);
		rc = E_INVALID;
	} else if (db_exec(db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)", "iti", id, role, unit_id) != DB_OK)
		rc = E_DB;
	return role_change_end(db, who, id, "grant", role, unit_code, rc, err, errlen);
}

int users_revoke(struct db *db, const struct user *who, int64_t id, const char *role, const char *unit_code, char *err, size_t errlen)
{
	int64_t unit_id, has = 0, n = 0;
	int rc = role_change_begin(db, id, role, unit_code, &unit_id, &has, &n, err, errlen);
	if (rc != E_OK) return rc;
	if (!has) {
		snprintf(err, errlen, "not held");
		rc = E_NOTFOUND;
	} else if (n <= 1) {
		/* an account without a role would log in to an empty application: disable it instead */
		snprintf(err, errlen, "last");
		rc = E_STATE;
	} else if (!strcmp(role, "admin") && (rc = last_admin_check(db, id, 0)) != E_OK) {
		if (rc == E_FORBIDDEN) snprintf(err, errlen, "last admin");
	} else if (db_exec(db, "DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND unit_id = $3", "iti", id, role, unit_id) != DB_OK)
		rc = E_DB;
	return role_change_end(db, who, id, "revoke", role, unit_code, rc, err, errlen);
}

int users_email_valid(const char *s)
{
	if (!s) return 0;
	size_t n = strlen(s);
	if (n < 3 || n > USERS_EMAIL_MAX) return 0;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || at - s > 64) return 0;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>()[],;:\\\"", *p)) return 0;
	/* the domain: labels of letters, digits and '-', not starting or ending with '-' */
	const char *d = at + 1;
	int labels = 0;
	while (*d) {
		const char *e = d;
		while (*e && *e != '.') e++;
		if (e == d || e - d > 63 || *d == '-' || e[-1] == '-') return 0;
		for (const char *p = d; p < e; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')) return 0;
		labels++;
		if (!*e) break;
		d = e + 1;
		if (!*d) return 0;
	}
	/* the local part: no leading, trailing or double dot */
	if (s[0] == '.' || at[-1] == '.') return 0;
	for (const char *p = s; p + 1 < at; p++)
		if (p[0] == '.' && p[1] == '.') return 0;
	return labels >= 2;
}

static char *email_json(const char *email)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "email", email);
	jw_obj_end(&w);
	return buf_detach(&b);
}

int users_set_email(struct db *db, const struct user *who, int64_t id, const char *email)
{
	if (email && !*email) email = NULL;
	if (email && !users_email_valid(email)) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *was = NULL;
	struct stmt *st = db_query(db, "SELECT email FROM users WHERE id = $1", "i", id);
	int s = st ? db_step(st) : DB_ERR;
	if (s == DB_ROW) was = email_json(db_text(st, 0));
	db_done(st);
	if (s != DB_ROW) rc = s == DB_DONE ? E_NOTFOUND : E_DB;
	else if (db_exec(db, "UPDATE users SET email = $1, version = version + 1 WHERE id = $2", "ti", email, id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) {
		char *now = email_json(email);
		rc = audit_add(db, who, "email", "user", id, was, now, NULL) == DB_OK ? E_OK : E_DB;
		free(now);
	}
	free(was);
	return db_tx_end(db, rc);
}
