/* People: CSV/XLSX import (all or nothing, upsert by civil-servant code) and
** CSV/XLSX export. The import is the bulk path: one transaction, statements
** prepared once, one audit row per changed person on a single chain. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/fold.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../base/util.h"
#include "people.h"
#include "../web/roles.h"

static const struct column person_cols[] = {
	{ "code", N_("Civil-servant code") }, { "full_name", N_("Full name") }, { "gender", N_("Gender (M, F or X)") },
	{ "birth_year", N_("Birth year") }, { "unit_code", N_("Unit code") }, { "position", N_("Position") },
	{ "active", N_("Active (1 or 0)") }, { NULL, NULL },
};

static const char *cell(const struct table *t, int col)
{
	const char *s = table_cell(t, col);
	return s ? s : "";
}

static int eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* the JSON the audit log keeps of a person (malloc'd) */
static char *person_audit(const char *code, const char *name, const char *gender, int64_t year, const char *unit_code,
			  const char *position, int active, int64_t version)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kstr(&w, "full_name", name);
	jw_kstr(&w, "gender", gender);
	jw_kint(&w, "birth_year", year);
	jw_kstr(&w, "unit_code", unit_code);
	jw_kstr(&w, "position", position && *position ? position : NULL);
	jw_kbool(&w, "active", active);
	jw_kint(&w, "version", version);
	jw_obj_end(&w);
	return buf_detach(&b);
}

int people_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep)
{
	struct table *t;
	if (import_open(&t, in, rep) != E_OK) return E_INVALID;
	int rc = table_next(t);
	if (rc <= 0) {
		fprintf(rep->errors, "line %d: %s\n", rc < 0 ? t->line : 1, rc < 0 ? t->err : "the file is empty; the first line must name the columns");
		table_close(t);
		return E_INVALID;
	}
	int col[7];
	table_columns_named(t, person_cols, col);
	if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[4] < 0) {
		fprintf(rep->errors, "line %d: the header must name the columns code, full_name, gender and unit_code "
				     "(and may add birth_year, position, active)\n", t->line);
		table_close(t);
		return E_INVALID;
	}
	if (db_begin(db) != DB_OK) { table_close(t); return E_DB; }
	struct audit_chain chain;
	int result = audit_chain_open(db, &chain) == DB_OK ? E_OK : E_DB;
	struct word_batch *batch = word_batch_new(); /* the word index, written sorted */
	if (!batch) result = E_DB;
	char now[21];
	now_iso(now);
	struct buf key, sort;
	buf_init(&key);
	buf_init(&sort);
	/* the last unit looked up: files are usually grouped by unit */
	char last_unit[64] = "";
	int64_t unit_id = 0;
	char unit_path[UNIT_PATH_MAX] = "";
	while (result == E_OK && (rc = table_next(t)) != 0) {
		if (rc < 0) {
			fprintf(rep->errors, "line %d: %s\n", t->line, t->err);
			rep->rejected++;
			rep->lines++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		import_progress(rep, t);
		const char *code = cell(t, col[0]), *name = cell(t, col[1]), *gender = cell(t, col[2]);
		const char *year_s = cell(t, col[3]), *ucode = cell(t, col[4]), *position = cell(t, col[5]);
		const char *active_s = cell(t, col[6]);
		const char *why = NULL;
		int64_t year = 0;
		int active = 1;
		if (!*code) why = "code: is required (the civil-servant code identifies the person on re-import)";
		else if (strlen(code) > 32 || strchr(code, ' ')) why = "code: at most 32 characters, no spaces";
		else if (!*name) why = "full_name: is required";
		else if (strlen(name) > 200) why = "full_name: is too long";
		else if (!eq(gender, "M") && !eq(gender, "F") && !eq(gender, "X")) why = "gender: must be M, F or X";
		else if (*year_s && (parse_int(year_s, &year) != 0 || year < 1900 || year > 2100)) why = "birth_year: must be a year between 1900 and 2100";
		else if (*active_s && !eq(active_s, "1") && !eq(active_s, "0")) why = "active: must be 1 or 0";
		else if (strlen(position) > 200) why = "position: is too long";
		if (!why) {
			active = !eq(active_s, "0");
			if (strcmp(ucode, last_unit) != 0) {
				unit_id = 0;
				struct stmt *st = db_query(db, "SELECT id, path FROM units WHERE code = $1", "t", ucode);
				if (st && db_step(st) == DB_ROW) {
					unit_id = db_int(st, 0);
					snprintf(unit_path, sizeof unit_path, "%s", db_text(st, 1));
				}
				db_done(st);
				snprintf(last_unit, sizeof last_unit, "%s", strlen(ucode) < sizeof last_unit ? ucode : "");
			}
			if (!unit_id) why = "unit_code: no unit has this code";
			else if (!role_can(who, PERM_WRITE_PEOPLE, unit_path)) why = "unit_code: outside the units you may change";
		}
		if (why) {
			fprintf(rep->errors, "line %d: %s\n", t->line, why);
			rep->rejected++;
			continue;
		}
		buf_reset(&key);
		fold_words(&key, name);
		collate_key(&sort, name);
		struct stmt *st = db_query(db,
					   "SELECT p.id, p.full_name, p.gender, p.birth_year, p.unit_id, p.position, p.active, p.version, u.code, "
					   "p.search "
					   "FROM people p JOIN units u ON u.id = p.unit_id WHERE p.code = $1",
					   "t", code);
		if (!st) { result = E_DB; break; }
		if (db_step(st) == DB_ROW) {
			int64_t id = db_int(st, 0), version = db_int(st, 7);
			if (eq(db_text(st, 1), name) && eq(db_text(st, 2), gender) && db_int(st, 3) == year && db_int(st, 4) == unit_id &&
			    eq(db_text(st, 5), *position ? position : NULL) && db_int(st, 6) == active) {
				db_done(st);
				rep->unchanged++;
				continue;
			}
			char *before = person_audit(code, db_text(st, 1), db_text(st, 2), db_int(st, 3), db_text(st, 8), db_text(st, 5),
						    (int)db_int(st, 6), version);
			char *old_search = strdup(db_text(st, 9));
			int64_t old_unit = db_int(st, 4);
			int old_active = (int)db_int(st, 6);
			db_done(st);
			char *after = person_audit(code, name, gender, year, ucode, position, active, version + 1);
			if (db_exec(db,
				    "UPDATE people SET full_name = $1, search = $2, gender = $3, birth_year = $4, unit_id = $5, position = $6, "
				    "active = $7, version = version + 1, updated_at = $8, sort_key = $10 WHERE id = $9",
				    "tttIititib", name, buf_cstr(&key), gender, year, unit_id, *position ? position : NULL, (int64_t)active, now, id,
				    (const void *)sort.p, sort.len) != DB_OK ||
			    !old_search ||
			    person_words_update(db, id, old_search, old_unit, old_active, buf_cstr(&key), unit_id, active, batch) != DB_OK ||
			    audit_chain_add(&chain, who, "update", "person", id, before, after, "import") != DB_OK)
				result = E_DB;
			free(old_search);
			free(before);
			free(after);
			rep->updated++;
		} else {
			db_done(st);
			int64_t id = 0;
			st = db_query(db,
				      "INSERT INTO people (code, full_name, search, gender, birth_year, unit_id, position, active, created_at, updated_at, sort_key) "
				      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
				      "ttttIititb", code, name, buf_cstr(&key), gender, year, unit_id, *position ? position : NULL, (int64_t)active, now,
				      (const void *)sort.p, sort.len);
			if (st && db_step(st) == DB_ROW) id = db_int(st, 0);
			db_done(st);
			char *after = person_audit(code, name, gender, year, ucode, position, active, 1);
			if (!id || person_words_add(db, id, buf_cstr(&key), unit_id, active, batch) != DB_OK ||
			    audit_chain_add(&chain, who, "create", "person", id, NULL, after, "import") != DB_OK)
				result = E_DB;
			free(after);
			rep->inserted++;
		}
	}
	if (result == E_OK && rep->rejected) result = E_INVALID;
	if (result == E_OK && (word_batch_flush(db, batch) != DB_OK || audit_chain_close(&chain) != DB_OK || db_commit(db) != DB_OK))
		result = E_DB;
	word_batch_free(batch);
	if (result != E_OK) {
		if (result == E_DB) fprintf(rep->errors, "line %d: could not be stored: %s\n", t->line, db_errmsg(db));
		db_rollback(db);
		rep->inserted = rep->updated = 0;
	}
	import_progress_end(rep, t);
	buf_free(&key);
	buf_free(&sort);
	table_close(t);
	return result;
}

int people_export(struct db *db, FILE *out, const char *format, const char *under_path, const char *lang)
{
	const char *headers[8];
	column_headers(person_cols, lang, headers);
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("People")), headers, "tttnttn");
	if (!s) return E_DB;
	char hi[UNIT_PATH_MAX] = "~";
	if (under_path) subtree_end(hi, sizeof hi, under_path);
	struct stmt *st = db_query(db,
				   "SELECT p.code, p.full_name, p.gender, p.birth_year, u.code, p.position, p.active "
				   "FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path >= $1 AND u.path < $2 ORDER BY p.sort_key, p.id",
				   "tt", under_path ? under_path : "/", hi);
	if (!st) { sheet_close(s); return E_DB; }
	while (db_step(st) == DB_ROW) {
		char year[16] = "";
		if (!db_isnull(st, 3)) snprintf(year, sizeof year, "%lld", (long long)db_int(st, 3));
		const char *cells[7] = { db_text(st, 0), db_text(st, 1), db_text(st, 2), year, db_text(st, 4), db_text(st, 5),
					 db_int(st, 6) ? "1" : "0" };
		sheet_row(s, cells);
	}
	db_done(st);
	return sheet_close(s) == 0 ? E_OK : E_DB;
}
