/* The award catalogue and the dated base salary (commendation.h). The
** catalogue is data (migration 013), read here; nothing in the code knows
** what an award means except through its code. */
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "commendation.h"

#define AWARD_COLS                                                                                                   \
	"id, code, kind, subjects, level, authority_level, yearly, bonus_person, bonus_collective, bonus_basis, name_vi, " \
	"name_en, name_hi"

static const char *pick_name(const struct award *x, const char *lang)
{
	if (lang && strcmp(lang, "en") == 0) return x->name_en;
	if (lang && strcmp(lang, "hi") == 0) return x->name_hi;
	return x->name_vi;
}

static void read_award(struct stmt *st, struct arena *a, const char *lang, struct award *x)
{
	x->id = db_int(st, 0);
	x->code = arena_strdup(a, db_text(st, 1));
	x->kind = arena_strdup(a, db_text(st, 2));
	x->subjects = arena_strdup(a, db_text(st, 3));
	x->level = arena_strdup(a, db_text(st, 4));
	x->authority_level = arena_strdup(a, db_text(st, 5));
	x->yearly = (int)db_int(st, 6);
	x->bonus_person = db_isnull(st, 7) ? -1 : db_int(st, 7);
	x->bonus_collective = db_isnull(st, 8) ? -1 : db_int(st, 8);
	x->bonus_basis = db_isnull(st, 9) ? NULL : arena_strdup(a, db_text(st, 9));
	x->name_vi = arena_strdup(a, db_text(st, 10));
	x->name_en = arena_strdup(a, db_text(st, 11));
	x->name_hi = arena_strdup(a, db_text(st, 12));
	x->name = pick_name(x, lang);
}

int awards_list(struct db *db, struct arena *a, const char *lang, struct award **items, int *n)
{
	*items = NULL;
	*n = 0;
	/* one query (no count first): the catalogue is a few dozen rows */
	struct stmt *st = db_query(db, "SELECT " AWARD_COLS " FROM awards WHERE active = 1 ORDER BY position, code", "");
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			struct award *more = arena_alloc(a, sizeof *more * (size_t)(cap = cap ? cap * 2 : 64));
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_award(st, a, lang, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int awards_get_code(struct db *db, struct arena *a, const char *code, const char *lang, struct award **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " AWARD_COLS " FROM awards WHERE code = $1", "t", code ? code : "");
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_award(st, a, lang, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

const char *award_name(struct db *db, struct arena *a, const char *code, const char *lang)
{
	struct award *x;
	return awards_get_code(db, a, code, lang, &x) == E_OK ? x->name : NULL;
}

void award_json(struct jw *w, const struct award *x)
{
	jw_obj(w);
	jw_kstr(w, "code", x->code);
	jw_kstr(w, "name", x->name);
	jw_kstr(w, "kind", x->kind);
	jw_kstr(w, "subjects", x->subjects);
	jw_kstr(w, "level", x->level);
	jw_kstr(w, "authority_level", x->authority_level);
	jw_kbool(w, "yearly", x->yearly);
	/* multiples of the base salary, as decimals (4.5), or null when not loaded */
	jw_key(w, "bonus_person");
	if (x->bonus_person >= 0) jw_num(w, (double)x->bonus_person / 1000.0);
	else jw_null(w);
	jw_key(w, "bonus_collective");
	if (x->bonus_collective >= 0) jw_num(w, (double)x->bonus_collective / 1000.0);
	else jw_null(w);
	jw_kstr(w, "bonus_basis", x->bonus_basis);
	jw_key(w, "names");
	jw_obj(w);
	jw_kstr(w, "vi", x->name_vi);
	jw_kstr(w, "en", x->name_en);
	jw_kstr(w, "hi", x->name_hi);
	jw_obj_end(w);
	jw_obj_end(w);
}

int base_salary_on(struct db *db, const char *date, int64_t *vnd)
{
	*vnd = 0;
	int rc = db_int1(db, vnd, "SELECT amount FROM base_salaries WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1", "t",
			 date ? date : "");
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int award_bonus(struct db *db, const char *code, int collective, const char *date, int64_t *vnd)
{
	*vnd = 0;
	int64_t permille = -1, base = 0;
	struct stmt *st = db_query(db, "SELECT bonus_person, bonus_collective FROM awards WHERE code = $1", "t", code ? code : "");
	if (!st) return E_DB;
	if (db_step(st) == DB_ROW && !db_isnull(st, collective ? 1 : 0)) permille = db_int(st, collective ? 1 : 0);
	db_done(st);
	if (permille < 0) return E_NOTFOUND;
	int rc = base_salary_on(db, date, &base);
	if (rc != E_OK) return rc;
	/* whole VND, half up: 0.3 × 2 340 000 = 702 000 */
	*vnd = (base * permille + 500) / 1000;
	return E_OK;
}
