/* A person: the record, its reads and its writes (the search is in
** people_search.c, the word index in people_words.c). */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../web/roles.h"
#include "people_int.h"

void read_person(struct stmt *st, struct arena *a, struct person *p)
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
	return role_can(who, perm, path);
}

static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct person *p;
	int rc = people_get(db, a, id, &p);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "full_name", p->full_name);
	jw_kstr(w, "gender", p->gender);
	jw_kint(w, "birth_year", p->birth_year);
	jw_kstr(w, "unit_code", p->unit_code);
	jw_kstr(w, "position", p->position);
	jw_kbool(w, "active", p->active);
	jw_kint(w, "version", p->version);
	jw_obj_end(w);
	return E_OK;
}

/* Adds an error for every field at fault, leaving alone a field the caller
** has already refused (a form's reading), so each field has one message. */
static int validate(const struct person_in *in, int creating, struct field_errors *fe)
{
	if ((creating || in->full_name) && !fe_get(fe, "full_name")) {
		if (!in->full_name || !*in->full_name) fe_add(fe, "full_name", N_("Is required"));
		else if (strlen(in->full_name) > 200) fe_add(fe, "full_name", N_("Is too long"));
	}
	if ((creating || in->gender) && !fe_get(fe, "gender")) {
		if (!in->gender) fe_add(fe, "gender", N_("Is required"));
		else if (strcmp(in->gender, "M") && strcmp(in->gender, "F") && strcmp(in->gender, "X"))
			fe_add(fe, "gender", N_("Must be M, F or X"));
	}
	if (in->code && !fe_get(fe, "code") && (strlen(in->code) > 32 || strchr(in->code, ' '))) fe_add(fe, "code", N_("At most 32 characters, no spaces"));
	char today[11];
	today_iso(today);
	if (in->birth_year > 0 && !fe_get(fe, "birth_year") && (in->birth_year < 1900 || in->birth_year > 2100)) fe_add(fe, "birth_year", N_("Must be from 1900 to 2100"));
	else if (in->birth_year > atoi(today) && !fe_get(fe, "birth_year")) fe_add(fe, "birth_year", N_("Cannot be in the future"));
	if (in->position && !fe_get(fe, "position") && strlen(in->position) > 200) fe_add(fe, "position", N_("Is too long"));
	if (creating && in->unit_id <= 0 && !fe_get(fe, "unit_id") && !fe_get(fe, "unit_code")) fe_add(fe, "unit_id", N_("Is required"));
	return fe->n ? E_INVALID : E_OK;
}

int people_create(struct db *db, const struct user *who, const struct person_in *in, struct field_errors *fe, int64_t *id)
{
	/* every field's error at once (those the caller found too), the unit's with the others */
	validate(in, 1, fe);
	char path[UNIT_PATH_MAX] = "";
	if (in->unit_id > 0 && !fe_get(fe, "unit_id") && !fe_get(fe, "unit_code") && units_path(db, in->unit_id, path, sizeof path) != E_OK)
		fe_add(fe, "unit_id", N_("No such unit"));
	if (fe->n) return E_INVALID;
	if (!may(who, PERM_WRITE_PEOPLE, path)) return E_FORBIDDEN;
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	char now[21];
	now_iso(now);
	char *key = fold_words_dup(in->full_name);
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, in->full_name);
	int rc = E_DB;
	struct stmt *st = db_query(db,
				   "INSERT INTO people (code, full_name, search, sort_key, gender, birth_year, unit_id, position, active, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
				   "tttbtIitt", in->code, in->full_name, key, sort.p, sort.len, in->gender, in->birth_year, in->unit_id, in->position,
				   now);
	buf_free(&sort);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another person already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	if (person_words_add(db, *id, key, in->unit_id, 1, NULL) != DB_OK) goto out;
	rc = audit_change(db, who, "create", "person", *id, NULL, snapshot, NULL);
out:
	free(key);
	rc = db_tx_end(db, rc);
	return rc;
}

int people_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct person_in *in,
		  struct field_errors *fe)
{
	/* every field's error at once (those the caller found too), the unit's with the others */
	validate(in, 0, fe);
	char upath[UNIT_PATH_MAX];
	if (in->unit_id > 0 && !fe_get(fe, "unit_id") && !fe_get(fe, "unit_code") && units_path(db, in->unit_id, upath, sizeof upath) != E_OK)
		fe_add(fe, "unit_id", N_("No such unit"));
	if (fe->n) return E_INVALID;
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	int rc = E_DB;
	char *before = NULL, *old_search = NULL, *key = NULL;
	struct stmt *st = db_query(db,
				   "SELECT u.path, p.version, p.search, p.unit_id, p.active FROM people p JOIN units u ON u.id = p.unit_id "
				   "WHERE p.id = $1",
				   "i", id);
	if (!st) goto out;
	if (db_step(st) != DB_ROW) { db_done(st); rc = E_NOTFOUND; goto out; }
	char path[UNIT_PATH_MAX];
	snprintf(path, sizeof path, "%s", db_text(st, 0));
	int64_t cur_version = db_int(st, 1), old_unit = db_int(st, 3);
	int old_active = (int)db_int(st, 4);
	old_search = strdup(db_text(st, 2));
	db_done(st);
	if (!old_search) goto out;
	if (!may(who, PERM_WRITE_PEOPLE, path)) { rc = E_FORBIDDEN; goto out; }
	if (version != cur_version) { rc = E_CONFLICT; goto out; }
	if (in->unit_id > 0) {
		char npath[UNIT_PATH_MAX];
		if (units_path(db, in->unit_id, npath, sizeof npath) != E_OK) { fe_add(fe, "unit_id", N_("No such unit")); rc = E_INVALID; goto out; }
		if (!may(who, PERM_WRITE_PEOPLE, npath)) { rc = E_FORBIDDEN; goto out; }
	}
	before = audit_snapshot(db, id, snapshot);
	char now[21];
	now_iso(now);
	key = in->full_name ? fold_words_dup(in->full_name) : NULL;
	struct buf sort; /* a NULL blob (no new name) keeps the key */
	buf_init(&sort);
	if (in->full_name) collate_key(&sort, in->full_name);
	int s = db_exec(db,
			"UPDATE people SET "
			"code = CASE WHEN $1 = 1 THEN NULL ELSE COALESCE($2, code) END, "
			"full_name = COALESCE($3, full_name), search = COALESCE($4, search), gender = COALESCE($5, gender), "
			"birth_year = CASE WHEN $6 < 0 THEN birth_year WHEN $6 = 0 THEN NULL ELSE $6 END, "
			"unit_id = CASE WHEN $7 > 0 THEN $7 ELSE unit_id END, "
			"position = CASE WHEN $8 = 1 THEN NULL ELSE COALESCE($9, position) END, "
			"active = CASE WHEN $10 < 0 THEN active ELSE $10 END, "
			"version = version + 1, updated_at = $11, sort_key = COALESCE($13, sort_key) WHERE id = $12",
			"itttti" "iititi" "b", (int64_t)in->clear_code, in->code, in->full_name, key, in->gender, in->birth_year,
			in->unit_id, (int64_t)in->clear_position, in->position, (int64_t)in->active, now, id, (const void *)sort.p, sort.len);
	buf_free(&sort);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another person already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_OK) goto out;
	/* the word index follows the name, the unit and the active flag */
	st = db_query(db, "SELECT search, unit_id, active FROM people WHERE id = $1", "i", id);
	if (!st) goto out;
	s = db_step(st) == DB_ROW ? person_words_update(db, id, old_search, old_unit, old_active, db_text(st, 0), db_int(st, 1),
							 (int)db_int(st, 2), NULL)
				  : DB_ERR;
	db_done(st);
	if (s != DB_OK) goto out;
	const char *action = "update";
	if (in->active == 0 && strstr(before, "\"active\":true")) action = "deactivate";
	rc = audit_change(db, who, action, "person", id, before, snapshot, NULL);
out:
	free(before);
	free(old_search);
	free(key);
	rc = db_tx_end(db, rc);
	return rc;
}
