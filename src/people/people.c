#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"

#define PERSON_COLS                                                                                                 \
	"p.id, p.code, p.full_name, p.gender, p.birth_year, p.unit_id, u.code, u.name, u.path, p.position, p.active, " \
	"p.version, p.created_at, p.updated_at"
#define PERSON_FROM " FROM people p JOIN units u ON u.id = p.unit_id "

static void read_person(struct stmt *st, struct arena *a, struct person *p)
{
	p->id = db_int(st, 0);
	p->code = arena_strdup(a, db_text(st, 1));
	p->full_name = arena_strdup(a, db_text(st, 2));
	p->gender = arena_strdup(a, db_text(st, 3));
	p->birth_year = db_int(st, 4);
	p->unit_id = db_int(st, 5);
	p->unit_code = arena_strdup(a, db_text(st, 6));
	p->unit_name = arena_strdup(a, db_text(st, 7));
	p->unit_path = arena_strdup(a, db_text(st, 8));
	p->position = arena_strdup(a, db_text(st, 9));
	p->active = (int)db_int(st, 10);
	p->version = db_int(st, 11);
	p->created_at = arena_strdup(a, db_text(st, 12));
	p->updated_at = arena_strdup(a, db_text(st, 13));
}

void person_json(struct jw *w, const struct person *p)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "full_name", p->full_name);
	jw_kstr(w, "gender", p->gender);
	jw_key(w, "birth_year");
	if (p->birth_year) jw_int(w, p->birth_year);
	else jw_null(w);
	jw_kint(w, "unit_id", p->unit_id);
	jw_kstr(w, "unit_code", p->unit_code);
	jw_kstr(w, "unit_name", p->unit_name);
	jw_kstr(w, "position", p->position);
	jw_kbool(w, "active", p->active);
	jw_kint(w, "version", p->version);
	jw_kstr(w, "created_at", p->created_at);
	jw_kstr(w, "updated_at", p->updated_at);
	jw_obj_end(w);
}

int people_list(struct db *db, struct arena *a, const struct people_query *q, struct person **items, int *n, int64_t *total)
{
	/* names sort by their folded form: "Đặng" among the D, whatever the accents */
	static const char *const keys[] = { "name", "code", "birth_year", "unit", "position", "updated_at", NULL };
	static const char *const cols[] = { "p.search", "p.code", "p.birth_year", "u.name", "p.position", "p.updated_at", NULL };
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* $1 unit, $2/$3 subtree, $4 search, $5.. scope ranges (lo, hi pairs) */
	buf_raw(&where, " WHERE 1 = 1");
	if (q->unit > 0) buf_raw(&where, " AND p.unit_id = $1");
	char lo[UNIT_PATH_MAX] = "", hi[UNIT_PATH_MAX] = "";
	if (q->under > 0) {
		struct stmt *st = db_query(db, "SELECT path FROM units WHERE id = $1", "i", q->under);
		if (st && db_step(st) == DB_ROW) snprintf(lo, sizeof lo, "%s", db_text(st, 0));
		db_done(st);
		if (!lo[0]) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
		subtree_end(hi, sizeof hi, lo);
		buf_raw(&where, " AND u.path >= $2 AND u.path < $3");
	}
	char *pat = NULL;
	if (q->q && *q->q) {
		pat = like_pattern(a, q->q);
		buf_raw(&where, " AND p.search LIKE $4 ESCAPE '\\'");
	}
	if (q->inactive == 0) buf_raw(&where, " AND p.active = 1");
	else if (q->inactive == 2) buf_raw(&where, " AND p.active = 0");
	char rhi[PEOPLE_MAX_RANGES][UNIT_PATH_MAX];
	if (q->nranges >= 0) {
		buf_raw(&where, " AND (1 = 0");
		for (int i = 0; i < q->nranges; i++) {
			subtree_end(rhi[i], sizeof rhi[i], q->range_lo[i]);
			buf_printf(&where, " OR (u.path >= $%d AND u.path < $%d)", 5 + 2 * i, 6 + 2 * i);
		}
		buf_raw(&where, ")");
	}
	int nparams = 5 + 2 * (q->nranges > 0 ? q->nranges : 0);

	for (int pass = 0; pass < 2; pass++) {
		buf_reset(&sql);
		if (pass == 0) {
			/* the units are joined only when a subtree limits the count */
			int need_units = q->under > 0 || q->nranges >= 0;
			buf_printf(&sql, "SELECT count(*)%s%s", need_units ? PERSON_FROM : " FROM people p ", buf_cstr(&where));
		} else {
			buf_printf(&sql, "SELECT " PERSON_COLS PERSON_FROM "%s", buf_cstr(&where));
			db_order_by(&sql, q->sort, keys, cols, "p.search, p.id");
			buf_printf(&sql, " LIMIT $%d OFFSET $%d", nparams, nparams + 1);
		}
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) { buf_free(&where); buf_free(&sql); return E_DB; }
		db_bind_int(st, 1, q->unit);
		db_bind_text(st, 2, lo);
		db_bind_text(st, 3, hi);
		db_bind_text(st, 4, pat);
		for (int i = 0; i < q->nranges; i++) {
			db_bind_text(st, 5 + 2 * i, q->range_lo[i]);
			db_bind_text(st, 6 + 2 * i, rhi[i]);
		}
		if (pass == 0) {
			*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
		} else {
			db_bind_int(st, nparams, q->limit);
			db_bind_int(st, nparams + 1, q->offset);
			int cap = (int)(q->limit > 0 ? q->limit : 1);
			*items = arena_alloc(a, sizeof(struct person) * (size_t)cap);
			*n = 0;
			while (*n < cap && db_step(st) == DB_ROW) read_person(st, a, &(*items)[(*n)++]);
		}
		db_done(st);
	}
	buf_free(&where);
	buf_free(&sql);
	return E_OK;
}

int people_get(struct db *db, struct arena *a, int64_t id, struct person **out)
{
	struct stmt *st = db_query(db, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct person *p = arena_alloc(a, sizeof *p);
	read_person(st, a, p);
	db_done(st);
	*out = p;
	return E_OK;
}

static int may(const struct user *who, enum perm perm, const char *path)
{
	return who == NULL || auth_can(who, perm, path); /* NULL: internal callers */
}

static char *snapshot(struct db *db, int64_t id)
{
	struct arena a;
	arena_init(&a);
	struct person *p;
	char *out = NULL;
	if (people_get(db, &a, id, &p) == E_OK) {
		struct buf b;
		buf_init(&b);
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "code", p->code);
		jw_kstr(&w, "full_name", p->full_name);
		jw_kstr(&w, "gender", p->gender);
		jw_kint(&w, "birth_year", p->birth_year);
		jw_kstr(&w, "unit_code", p->unit_code);
		jw_kstr(&w, "position", p->position);
		jw_kbool(&w, "active", p->active);
		jw_kint(&w, "version", p->version);
		jw_obj_end(&w);
		out = buf_detach(&b);
	}
	arena_free(&a);
	return out;
}

static int validate(const struct person_in *in, int creating, struct field_errors *fe)
{
	if (creating || in->full_name) {
		if (!in->full_name || !*in->full_name) fe_add(fe, "full_name", N_("Is required"));
		else if (strlen(in->full_name) > 200) fe_add(fe, "full_name", N_("Is too long"));
	}
	if (creating || in->gender) {
		if (!in->gender) fe_add(fe, "gender", N_("Is required"));
		else if (strcmp(in->gender, "M") && strcmp(in->gender, "F") && strcmp(in->gender, "X"))
			fe_add(fe, "gender", N_("Must be M, F or X"));
	}
	if (in->code && (strlen(in->code) > 32 || strchr(in->code, ' '))) fe_add(fe, "code", N_("At most 32 characters, no spaces"));
	if (in->birth_year > 0 && (in->birth_year < 1900 || in->birth_year > 2100)) fe_add(fe, "birth_year", N_("Is out of range"));
	if (in->position && strlen(in->position) > 200) fe_add(fe, "position", N_("Is too long"));
	if (creating && in->unit_id <= 0) fe_add(fe, "unit_id", N_("Is required"));
	return fe->n ? E_INVALID : E_OK;
}

static int unit_path(struct db *db, int64_t unit_id, char *out, size_t n)
{
	struct stmt *st = db_query(db, "SELECT path FROM units WHERE id = $1", "i", unit_id);
	int found = st && db_step(st) == DB_ROW;
	if (found) snprintf(out, n, "%s", db_text(st, 0));
	db_done(st);
	return found;
}

int people_create(struct db *db, const struct user *who, const struct person_in *in, struct field_errors *fe, int64_t *id)
{
	if (validate(in, 1, fe) != E_OK) return E_INVALID;
	char path[UNIT_PATH_MAX];
	if (!unit_path(db, in->unit_id, path, sizeof path)) { fe_add(fe, "unit_id", N_("No such unit")); return E_INVALID; }
	if (!may(who, PERM_WRITE_PEOPLE, path)) return E_FORBIDDEN;
	int own_tx = !db_in_tx(db);
	if (own_tx && db_begin(db) != DB_OK) return E_DB;
	char now[21];
	now_iso(now);
	char *key = fold_dup(in->full_name);
	int rc = E_DB;
	char *after = NULL;
	struct stmt *st = db_query(db,
				   "INSERT INTO people (code, full_name, search, gender, birth_year, unit_id, position, active, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
				   "ttttIitt", in->code, in->full_name, key, in->gender, in->birth_year, in->unit_id, in->position, now);
	free(key);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another person already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	after = snapshot(db, *id);
	if (audit_add(db, who, "create", "person", *id, NULL, after, NULL) != DB_OK) goto out;
	rc = E_OK;
out:
	free(after);
	if (own_tx) {
		if (rc == E_OK && db_commit(db) != DB_OK) rc = E_DB;
		if (rc != E_OK) db_rollback(db);
	}
	return rc;
}

int people_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct person_in *in,
		  struct field_errors *fe)
{
	if (validate(in, 0, fe) != E_OK) return E_INVALID;
	int own_tx = !db_in_tx(db);
	if (own_tx && db_begin(db) != DB_OK) return E_DB;
	int rc = E_DB;
	char *before = NULL, *after = NULL;
	struct stmt *st = db_query(db, "SELECT u.path, p.version FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", id);
	if (!st) goto out;
	if (db_step(st) != DB_ROW) { db_done(st); rc = E_NOTFOUND; goto out; }
	char path[UNIT_PATH_MAX];
	snprintf(path, sizeof path, "%s", db_text(st, 0));
	int64_t cur_version = db_int(st, 1);
	db_done(st);
	if (!may(who, PERM_WRITE_PEOPLE, path)) { rc = E_FORBIDDEN; goto out; }
	if (version != cur_version) { rc = E_CONFLICT; goto out; }
	if (in->unit_id > 0) {
		char npath[UNIT_PATH_MAX];
		if (!unit_path(db, in->unit_id, npath, sizeof npath)) { fe_add(fe, "unit_id", N_("No such unit")); rc = E_INVALID; goto out; }
		if (!may(who, PERM_WRITE_PEOPLE, npath)) { rc = E_FORBIDDEN; goto out; }
	}
	before = snapshot(db, id);
	char now[21];
	now_iso(now);
	char *key = in->full_name ? fold_dup(in->full_name) : NULL;
	int s = db_exec(db,
			"UPDATE people SET "
			"code = CASE WHEN $1 = 1 THEN NULL ELSE COALESCE($2, code) END, "
			"full_name = COALESCE($3, full_name), search = COALESCE($4, search), gender = COALESCE($5, gender), "
			"birth_year = CASE WHEN $6 < 0 THEN birth_year WHEN $6 = 0 THEN NULL ELSE $6 END, "
			"unit_id = CASE WHEN $7 > 0 THEN $7 ELSE unit_id END, "
			"position = CASE WHEN $8 = 1 THEN NULL ELSE COALESCE($9, position) END, "
			"active = CASE WHEN $10 < 0 THEN active ELSE $10 END, "
			"version = version + 1, updated_at = $11 WHERE id = $12",
			"itttti" "iititi", (int64_t)in->clear_code, in->code, in->full_name, key, in->gender, in->birth_year,
			in->unit_id, (int64_t)in->clear_position, in->position, (int64_t)in->active, now, id);
	free(key);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another person already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_OK) goto out;
	after = snapshot(db, id);
	const char *action = "update";
	if (in->active == 0 && strstr(before, "\"active\":true")) action = "deactivate";
	if (audit_add(db, who, action, "person", id, before, after, NULL) != DB_OK) goto out;
	rc = E_OK;
out:
	free(before);
	free(after);
	if (own_tx) {
		if (rc == E_OK && db_commit(db) != DB_OK) rc = E_DB;
		if (rc != E_OK) db_rollback(db);
	}
	return rc;
}
