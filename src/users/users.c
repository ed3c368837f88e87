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

int users_create(struct db *db, const struct user *who, const char *login, const char *full_name, const char *password,
		 const char *role, const char *unit_code, int64_t *id, char *err, size_t errlen)
{
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
		if (rc == DB_CONSTRAINT) snprintf(err, errlen, "a user with the login '%s' exists already", login);
		else snprintf(err, errlen, "cannot add the user: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

int users_disable(struct db *db, const struct user *who, int64_t id, const char *login)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	if (db_exec(db, "UPDATE users SET active = 0, version = version + 1 WHERE id = $1", "i", id) != DB_OK ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = $1", "i", id) != DB_OK ||
	    db_exec(db, "DELETE FROM api_tokens WHERE user_id = $1", "i", id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "disable", "user", id, NULL, NULL, login);
	return db_tx_end(db, rc);
}

int users_set_password(struct db *db, const struct user *who, int64_t id, const char *login, const char *hash)
{
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	if (db_exec(db, "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2", "ti", hash, id) != DB_OK ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = $1", "i", id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "passwd", "user", id, NULL, NULL, login);
	return db_tx_end(db, rc);
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
