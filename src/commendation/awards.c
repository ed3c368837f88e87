/* The award catalogue and the dated base salary (commendation.h). The
** catalogue is data (migration 013), read here; nothing in the code knows
** what an award means except through its code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/json.h"
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

int award_multiple_parse(const char *s, int64_t *permille)
{
	/* digits, then at most 3 decimals after '.' or ',' (1.5, 1,5, 0.3, 10) */
	if (!s || !*s) return -1;
	int64_t whole = 0, frac = 0;
	int digits = 0, decimals = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		whole = whole * 10 + (*p - '0');
		if (whole > AWARD_MULTIPLE_MAX / 1000) return -1;
	}
	if (*p == '.' || *p == ',') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++decimals > 3) return -1;
			frac = frac * 10 + (*p - '0');
		}
		if (!decimals) return -1;
	}
	if (*p || !digits) return -1;
	for (int k = decimals; k < 3; k++) frac *= 10;
	*permille = whole * 1000 + frac;
	return *permille <= AWARD_MULTIPLE_MAX ? 0 : -1;
}

static char *bonus_json(int64_t person, int64_t collective, const char *basis)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "bonus_person");
	if (person >= 0) jw_int(&w, person);
	else jw_null(&w);
	jw_key(&w, "bonus_collective");
	if (collective >= 0) jw_int(&w, collective);
	else jw_null(&w);
	jw_kstr(&w, "bonus_basis", basis);
	jw_obj_end(&w);
	return buf_detach(&b);
}

int award_set_multiple(struct db *db, const struct user *who, const char *code, int64_t person, int64_t collective, const char *basis,
		       char *err, size_t errlen)
{
	*err = 0;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	struct stmt *st = db_query(db, "SELECT id, subjects, bonus_person, bonus_collective, bonus_basis FROM awards WHERE code = $1", "t",
				   code ? code : "");
	int s = st ? db_step(st) : DB_ERR;
	int64_t id = 0, was_p = -1, was_c = -1;
	char subjects[16] = "", was_basis[400] = "";
	int had_basis = 0;
	if (s == DB_ROW) {
		id = db_int(st, 0);
		snprintf(subjects, sizeof subjects, "%s", db_text(st, 1));
		was_p = db_isnull(st, 2) ? -1 : db_int(st, 2);
		was_c = db_isnull(st, 3) ? -1 : db_int(st, 3);
		if (!db_isnull(st, 4)) { snprintf(was_basis, sizeof was_basis, "%s", db_text(st, 4)); had_basis = 1; }
	}
	db_done(st);
	if (s != DB_ROW) {
		if (s == DB_DONE) snprintf(err, errlen, "no award has the code '%s'", code ? code : "");
		return db_tx_end(db, s == DB_DONE ? E_NOTFOUND : E_DB);
	}
	int for_person = strcmp(subjects, "collective") != 0, for_collective = !strcmp(subjects, "collective") || !strcmp(subjects, "both");
	if (person >= 0 && !for_person) {
		snprintf(err, errlen, "%s is given to collectives only: set --collective", code);
		rc = E_INVALID;
	} else if (collective >= 0 && !for_collective) {
		snprintf(err, errlen, "%s is given to %s only: set --person", code, !strcmp(subjects, "household") ? "persons and households" : "persons");
		rc = E_INVALID;
	} else if ((!basis || !*basis) && (!had_basis || !strncmp(was_basis, AWARD_BASIS_NOT_LOADED, strlen(AWARD_BASIS_NOT_LOADED)))) {
		/* "chưa nạp: ..." says where to look, not where the figure comes from */
		snprintf(err, errlen, "give --basis: the decree and article the multiple comes from (e.g. Nghị định 98/2023/NĐ-CP, Điều 54)");
		rc = E_INVALID;
	}
	if (rc != E_OK) return db_tx_end(db, rc);
	int64_t now_p = person >= 0 ? person : was_p, now_c = collective >= 0 ? collective : was_c;
	const char *now_basis = basis && *basis ? basis : was_basis;
	if (now_p == was_p && now_c == was_c && !strcmp(now_basis, was_basis)) return db_tx_end(db, E_STATE);
	/* -1 (not loaded) stays NULL */
	if (db_exec(db, "UPDATE awards SET bonus_person = CASE WHEN $1 < 0 THEN NULL ELSE $1 END, "
			"bonus_collective = CASE WHEN $2 < 0 THEN NULL ELSE $2 END, bonus_basis = $3 WHERE id = $4",
		    "iiti", now_p, now_c, now_basis, id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) {
		char *before = bonus_json(was_p, was_c, had_basis ? was_basis : NULL), *after = bonus_json(now_p, now_c, now_basis);
		rc = audit_add(db, who, "multiple", "award", id, before, after, code) == DB_OK ? E_OK : E_DB;
		free(before);
		free(after);
	}
	if (rc == E_DB) snprintf(err, errlen, "cannot change the award: %s", db_errmsg(db));
	return db_tx_end(db, rc);
}

int base_salary_add(struct db *db, const struct user *who, const char *from, int64_t amount, const char *basis, char *err, size_t errlen)
{
	*err = 0;
	if (amount < BASE_SALARY_MIN || amount > BASE_SALARY_MAX) {
		snprintf(err, errlen, "the amount must be whole VND from %d to %d", BASE_SALARY_MIN, BASE_SALARY_MAX);
		return E_INVALID;
	}
	if (!basis || !*basis) {
		snprintf(err, errlen, "give --basis: the decree that sets it (e.g. Nghị định 73/2024/NĐ-CP)");
		return E_INVALID;
	}
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int64_t had = 0;
	int s = db_int1(db, &had, "SELECT amount FROM base_salaries WHERE valid_from = $1", "t", from);
	if (s == DB_ROW) {
		snprintf(err, errlen, "a base salary from %s exists already: %lld VND", from, (long long)had);
		rc = E_CONFLICT;
	} else if (s != DB_DONE)
		rc = E_DB;
	else if (db_exec(db, "INSERT INTO base_salaries (valid_from, amount, legal_basis) VALUES ($1, $2, $3)", "tit", from, amount, basis) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) {
		struct buf b;
		buf_init(&b);
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "valid_from", from);
		jw_kint(&w, "amount", amount);
		jw_kstr(&w, "legal_basis", basis);
		jw_obj_end(&w);
		/* base_salaries has no id: the audit row's entity id is the date as YYYYMMDD */
		int64_t day = atoll(from) * 10000 + atoll(from + 5) * 100 + atoll(from + 8);
		rc = audit_add(db, who, "create", "base_salary", day, NULL, buf_cstr(&b), from) == DB_OK ? E_OK : E_DB;
		buf_free(&b);
	}
	if (rc == E_DB) snprintf(err, errlen, "cannot add the base salary: %s", db_errmsg(db));
	return db_tx_end(db, rc);
}
