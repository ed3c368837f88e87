#include "users.h"

#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/fold.h"
#include "../base/i18n.h"
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

/* The row, its first role and the audit entry, in one transaction: E_OK,
** E_CONFLICT (the login exists: a unique violation) or E_DB. */
static int insert_user(struct db *db, const struct user *who, const char *login, const char *full_name, const char *email, const char *hash,
		       const char *role, int64_t unit_id, const char *unit_code, int64_t *id)
{
	char now[21];
	now_iso(now);
	char *search = fold_words_pair(full_name, login);
	if (!search) return E_DB;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { free(search); return rc; }
	*id = -1;
	struct stmt *st = db_query(db,
				   "INSERT INTO users (login, full_name, password_hash, email, search, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
				   "tttttt", login, full_name, hash, email, search, now);
	free(search);
	int s = st ? db_step(st) : DB_ERR;
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) return db_tx_end(db, s == DB_CONSTRAINT ? E_CONFLICT : E_DB);
	struct buf after;
	buf_init(&after);
	struct jw w;
	jw_init(&w, &after);
	jw_obj(&w);
	jw_kstr(&w, "login", login);
	jw_kstr(&w, "role", role);
	jw_kstr(&w, "unit_code", unit_code);
	if (email) jw_kstr(&w, "email", email);
	jw_obj_end(&w);
	rc = db_exec(db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)", "iti", *id, role, unit_id) == DB_OK &&
			     audit_add(db, who, "create", "user", *id, NULL, buf_cstr(&after), NULL) == DB_OK
		     ? E_OK
		     : E_DB;
	buf_free(&after);
	return db_tx_end(db, rc);
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
	char hash[128];
	if (password_hash(hash, password) != 0) { snprintf(err, errlen, "out of memory hashing the password"); return -1; }
	int rc = insert_user(db, who, login, full_name ? full_name : login, NULL, hash, role, unit_id, unit_code, id);
	if (rc == E_OK) return 0;
	if (rc == E_CONFLICT) snprintf(err, errlen, "a user with the login '%s' exists already (logins are the same in any case)", login);
	else snprintf(err, errlen, "cannot add the user: %s", db_errmsg(db));
	return -1;
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

/* ---- for the web ---- */

#define USER_COLS "u.id, u.login, u.full_name, u.email, u.lang, u.created_at, u.updated_at, u.active, u.version"

static void read_user(struct stmt *st, struct arena *a, struct user_row *u)
{
	u->id = db_int(st, 0);
	u->login = arena_strdup(a, db_text(st, 1));
	u->full_name = arena_strdup(a, db_text(st, 2));
	u->email = arena_strdup(a, db_text(st, 3));
	u->lang = arena_strdup(a, db_text(st, 4));
	u->created_at = arena_strdup(a, db_text(st, 5));
	u->updated_at = arena_strdup(a, db_text(st, 6));
	u->active = (int)db_int(st, 7);
	u->version = db_int(st, 8);
	u->ngrants = 0;
}

/* the roles of these users, added to each (one statement for a page) */
static int read_grants(struct db *db, struct arena *a, struct user_row *items, int n)
{
	if (n <= 0) return E_OK;
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT r.user_id, r.role, n.id, n.code, n.name, n.path FROM user_roles r JOIN units n ON n.id = r.unit_id WHERE r.user_id IN (");
	for (int i = 0; i < n; i++) buf_printf(&sql, "%s$%d", i ? ", " : "", i + 1);
	buf_raw(&sql, ") ORDER BY r.user_id, n.path, r.role");
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return E_DB;
	for (int i = 0; i < n; i++) db_bind_int(st, i + 1, items[i].id);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t uid = db_int(st, 0);
		for (int i = 0; i < n; i++) {
			struct user_row *u = &items[i];
			if (u->id != uid || u->ngrants >= AUTH_MAX_ROLES) continue;
			struct user_grant_row *g = &u->grants[u->ngrants++];
			g->role = arena_strdup(a, db_text(st, 1));
			g->unit_id = db_int(st, 2);
			g->unit_code = arena_strdup(a, db_text(st, 3));
			g->unit_name = arena_strdup(a, db_text(st, 4));
			g->unit_path = arena_strdup(a, db_text(st, 5));
			break;
		}
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int users_list(struct db *db, struct arena *a, const struct users_query *q, struct user_row **items, int *n, int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	/* parameters: $1 the words, $2 role, $3/$4 the subtree of under, from $5 the reader's subtrees */
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	buf_raw(&where, " WHERE 1 = 1");
	if (q->inactive == 0) buf_raw(&where, " AND u.active = 1");
	else if (q->inactive == 2) buf_raw(&where, " AND u.active = 0");
	char *pat = NULL;
	if (q->q && *q->q) {
		char *key = fold_words_dup(q->q);
		if (key && *key) pat = like_pattern(a, key);
		free(key);
		if (pat) buf_raw(&where, " AND u.search LIKE $1 ESCAPE '\\'");
	}
	char ulo[UNIT_PATH_MAX] = "", uhi[UNIT_PATH_MAX] = "";
	if (q->under > 0 && units_subtree(db, q->under, ulo, uhi, sizeof ulo) != E_OK) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
	if ((q->role && *q->role) || q->under > 0) {
		buf_raw(&where, " AND EXISTS (SELECT 1 FROM user_roles fr JOIN units fn ON fn.id = fr.unit_id WHERE fr.user_id = u.id");
		if (q->role && *q->role) buf_raw(&where, " AND fr.role = $2");
		if (q->under > 0) buf_raw(&where, " AND fn.path >= $3 AND fn.path < $4");
		buf_raw(&where, ")");
	}
	int nr = q->nranges < 0 ? 0 : q->nranges > USERS_MAX_RANGES ? USERS_MAX_RANGES : q->nranges;
	char (*rhi)[UNIT_PATH_MAX] = nr ? arena_alloc(a, sizeof *rhi * (size_t)nr) : NULL;
	if (q->nranges >= 0) {
		buf_raw(&where, " AND EXISTS (SELECT 1 FROM user_roles sr JOIN units sn ON sn.id = sr.unit_id WHERE sr.user_id = u.id");
		scope_ranges_sql(&where, "1 = 0", "sn.path", NULL, 5, q->range_lo, nr, rhi);
		buf_raw(&where, ")");
	}
	int rc = E_DB;
	for (int pass = 0; pass < 2; pass++) {
		buf_reset(&sql);
		if (pass == 0) buf_printf(&sql, "SELECT " USER_COLS " FROM users u%s ORDER BY u.login, u.id LIMIT $%d OFFSET $%d", buf_cstr(&where), 5 + 2 * nr,
					  6 + 2 * nr);
		else buf_printf(&sql, "SELECT count(*) FROM users u%s", buf_cstr(&where));
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) goto out;
		db_bind_text(st, 1, pat);
		db_bind_text(st, 2, q->role && *q->role ? q->role : NULL);
		db_bind_text(st, 3, ulo);
		db_bind_text(st, 4, uhi);
		scope_ranges_bind(st, 5, q->range_lo, nr, rhi);
		if (pass == 0) {
			db_bind_int(st, 5 + 2 * nr, q->limit);
			db_bind_int(st, 6 + 2 * nr, q->offset);
			int cap = (int)(q->limit > 0 ? q->limit : 1);
			*items = arena_alloc(a, sizeof **items * (size_t)cap);
			int s;
			while (*n < cap && (s = db_step(st)) == DB_ROW) read_user(st, a, &(*items)[(*n)++]);
		} else if (db_step(st) == DB_ROW) {
			*total = db_int(st, 0);
		}
		db_done(st);
	}
	rc = read_grants(db, a, *items, *n);
out:
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

int users_get(struct db *db, struct arena *a, int64_t id, struct user_row **out)
{
	struct stmt *st = db_query(db, "SELECT " USER_COLS " FROM users u WHERE u.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s != DB_ROW) { db_done(st); return s == DB_DONE ? E_NOTFOUND : E_DB; }
	struct user_row *u = arena_alloc(a, sizeof *u);
	read_user(st, a, u);
	db_done(st);
	*out = u;
	return read_grants(db, a, u, 1);
}

int users_add(struct db *db, const struct user *who, const struct user_new *in, struct field_errors *fe, int64_t *id)
{
	char login[USERS_LOGIN_MAX + 1] = "", why[200];
	/* a field the form already refused (too long, a control character) is not judged again */
	if (!in->login || !*in->login) {
		if (!fe_get(fe, "login")) fe_add(fe, "login", N_("Is required"));
	} else if (users_login_check(in->login, login, why, sizeof why) != 0)
		fe_add(fe, "login", N_("A login has 1 to 64 characters: letters a–z, digits and . _ - @, without spaces"));
	else {
		int64_t other;
		int found = users_find(db, login, &other, NULL);
		if (found == E_DB) return E_DB;
		if (found == E_OK) fe_add(fe, "login", N_("This login is taken (logins are the same in any case)"));
	}
	if ((!in->full_name || !*in->full_name) && !fe_get(fe, "full_name")) fe_add(fe, "full_name", N_("Is required"));
	if (in->email && *in->email && !users_email_valid(in->email)) fe_add(fe, "email", N_("Not an e-mail address"));
	if (!in->role || !role_parse(in->role)) fe_add(fe, "role", N_("Choose a role"));
	char code[64] = ""; /* the unit's, for the audit entry; none: no such unit */
	if (in->unit_id <= 0) {
		if (!fe_get(fe, "unit_id")) fe_add(fe, "unit_id", N_("Is required"));
	} else {
		struct stmt *st = db_query(db, "SELECT code FROM units WHERE id = $1", "i", in->unit_id);
		if (st && db_step(st) == DB_ROW) snprintf(code, sizeof code, "%s", db_text(st, 0));
		db_done(st);
		if (!*code) fe_add(fe, "unit_id", N_("No such unit"));
	}
	const char *weak = password_quality_msg(in->password, NULL, *login ? login : in->login);
	if (weak) fe_add(fe, "password", weak);
	if (fe->n) return E_INVALID;
	char hash[128];
	if (password_hash(hash, in->password) != 0) return E_DB;
	int rc = insert_user(db, who, login, in->full_name, in->email && *in->email ? in->email : NULL, hash, in->role, in->unit_id, code, id);
	if (rc == E_CONFLICT) fe_add(fe, "login", N_("This login is taken (logins are the same in any case)"));
	return rc == E_CONFLICT ? E_INVALID : rc;
}

static char *profile_json(const char *full_name, const char *email)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "full_name", full_name);
	jw_kstr(&w, "email", email);
	jw_obj_end(&w);
	return buf_detach(&b);
}

int users_update(struct db *db, const struct user *who, int64_t id, int64_t version, const char *full_name, const char *email,
		 struct field_errors *fe)
{
	if (email && !*email) email = NULL;
	/* a field the form already refused (too long, a control character) is not judged again */
	if ((!full_name || !*full_name) && !fe_get(fe, "full_name")) fe_add(fe, "full_name", N_("Is required"));
	if (email && !users_email_valid(email)) fe_add(fe, "email", N_("Not an e-mail address"));
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *was = NULL, *login = NULL, stamp[21];
	now_iso(stamp);
	int64_t cur = 0;
	struct stmt *st = db_query(db, "SELECT full_name, email, version, login FROM users WHERE id = $1", "i", id);
	int s = st ? db_step(st) : DB_ERR;
	if (s == DB_ROW) {
		was = profile_json(db_text(st, 0), db_text(st, 1));
		cur = db_int(st, 2);
		login = strdup(db_text(st, 3));
	}
	db_done(st);
	char *search = login ? fold_words_pair(full_name, login) : NULL;
	if (s != DB_ROW) rc = s == DB_DONE ? E_NOTFOUND : E_DB;
	else if (!search) rc = E_DB;
	else if (version != cur) rc = E_CONFLICT;
	else if (db_exec(db, "UPDATE users SET full_name = $1, email = $2, search = $3, version = version + 1, updated_at = $4 WHERE id = $5", "tttti",
			 full_name, email, search, stamp, id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) {
		char *now = profile_json(full_name, email);
		rc = audit_add(db, who, "update", "user", id, was, now, NULL) == DB_OK ? E_OK : E_DB;
		free(now);
	}
	free(was);
	free(login);
	free(search);
	return db_tx_end(db, rc);
}

int users_change_password(struct db *db, const struct user *who, const char *current, const char *password, const char *keep_session,
			  struct field_errors *fe)
{
	char *hash_now = NULL;
	struct stmt *st = db_query(db, "SELECT password_hash FROM users WHERE id = $1 AND active = 1", "i", who->id);
	if (st && db_step(st) == DB_ROW) hash_now = strdup(db_text(st, 0));
	db_done(st);
	if (!hash_now) return E_DB;
	int right = current && password_check(hash_now, current) == 0;
	free(hash_now);
	if (!right) {
		fe_add(fe, "current", N_("This is not your current password"));
		return E_FORBIDDEN;
	}
	const char *weak = password_quality_msg(password, current, who->login);
	if (weak) {
		fe_add(fe, "password", weak);
		return E_INVALID;
	}
	char hash[128];
	if (password_hash(hash, password) != 0) return E_DB;
	char keep[65] = "";
	if (keep_session && strlen(keep_session) == 64) sha256_hex(keep, keep_session, 64);
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	if (db_exec(db, "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2", "ti", hash, who->id) != DB_OK ||
	    db_exec(db, "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2", "it", who->id, keep) != DB_OK ||
	    db_exec(db, "DELETE FROM api_tokens WHERE user_id = $1", "i", who->id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "passwd", "user", who->id, NULL, NULL, who->login);
	return db_tx_end(db, rc);
}
