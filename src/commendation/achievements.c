/* Achievement records (commendation.h): the yearly rating, titles and awards
** held, initiatives, discipline — of a person or of a collective (a unit). */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "commendation.h"

const char *const ach_kinds[ACH_KINDS + 1] = {
	[ACH_RATING] = "rating", [ACH_TITLE] = "title", [ACH_INITIATIVE] = "initiative", [ACH_DISCIPLINE] = "discipline", NULL,
};
const char *const ach_ratings[] = { "not_completed", "completed", "good", "excellent", NULL };
const char *const ach_initiatives[] = { "grassroots", "province", "national", NULL };
const char *const ach_disciplines[] = { "reprimand", "warning", "demotion", "dismissal", NULL };

/* the words of each value (message ids; the catalog translates them) */
static const char *const rating_words[] = { N_("did not complete tasks"), N_("completed tasks"), N_("completed tasks well"),
					    N_("completed tasks excellently") };
static const char *const initiative_words[] = { N_("initiative recognised at grassroots level"),
						N_("initiative with ministry/province-wide effect"),
						N_("initiative with national effect") };
static const char *const discipline_words[] = { N_("reprimand"), N_("warning"), N_("demotion"), N_("dismissal") };

int ach_rank(const char *const *scale, const char *value)
{
	for (int i = 0; value && scale[i]; i++)
		if (strcmp(scale[i], value) == 0) return i;
	return -1;
}

static int kind_of(const char *kind)
{
	for (int i = 0; i < ACH_KINDS; i++)
		if (kind && strcmp(kind, ach_kinds[i]) == 0) return i;
	return -1;
}

const char *ach_value_label(struct db *db, struct arena *a, const char *kind, const char *value, const char *lang)
{
	int r;
	switch (kind_of(kind)) {
	case ACH_RATING: r = ach_rank(ach_ratings, value); return r >= 0 ? i18n_get(lang, rating_words[r]) : value;
	case ACH_INITIATIVE: r = ach_rank(ach_initiatives, value); return r >= 0 ? i18n_get(lang, initiative_words[r]) : value;
	case ACH_DISCIPLINE: r = ach_rank(ach_disciplines, value); return r >= 0 ? i18n_get(lang, discipline_words[r]) : value;
	case ACH_TITLE: {
		const char *n = award_name(db, a, value, lang);
		return n ? n : value;
	}
	default: return value;
	}
}

#define ACH_COLS                                                                                                           \
	"x.id, x.person_id, p.code, p.full_name, COALESCE(x.unit_id, p.unit_id), u.code, u.name, x.year, x.kind, x.value, " \
	"x.decision_no, x.decided_on, x.authority, x.on_date, x.note, x.decision_id, x.version, x.created_at"
#define ACH_FROM " FROM achievements x LEFT JOIN people p ON p.id = x.person_id JOIN units u ON u.id = COALESCE(x.unit_id, p.unit_id)"

static void read_ach(struct db *db, struct stmt *st, struct arena *a, const char *lang, struct achievement *x)
{
	x->id = db_int(st, 0);
	x->person_id = db_isnull(st, 1) ? 0 : db_int(st, 1);
	x->person_code = db_text_dup(st, a, 2);
	x->person_name = db_text_dup(st, a, 3);
	x->unit_id = db_int(st, 4);
	x->unit_code = arena_strdup(a, db_text(st, 5));
	x->unit_name = arena_strdup(a, db_text(st, 6));
	x->year = db_int(st, 7);
	x->kind = arena_strdup(a, db_text(st, 8));
	x->value = arena_strdup(a, db_text(st, 9));
	x->decision_no = db_text_dup(st, a, 10);
	x->decided_on = db_text_dup(st, a, 11);
	x->authority = db_text_dup(st, a, 12);
	x->on_date = db_text_dup(st, a, 13);
	x->note = db_text_dup(st, a, 14);
	x->decision_id = db_isnull(st, 15) ? 0 : db_int(st, 15);
	x->version = db_int(st, 16);
	x->created_at = arena_strdup(a, db_text(st, 17));
	x->value_label = NULL;
	(void)db;
	(void)lang;
}

/* labels after the rows are read: a label may query the catalogue, which
** must not happen while the list's statement is still stepping */
static void label_all(struct db *db, struct arena *a, const char *lang, struct achievement *x, int n)
{
	for (int i = 0; i < n; i++) x[i].value_label = arena_strdup(a, ach_value_label(db, a, x[i].kind, x[i].value, lang));
}

int achievements_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct achievement **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " ACH_COLS ACH_FROM " WHERE x.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_ach(db, st, a, lang, *out);
	}
	db_done(st);
	if (rc != DB_ROW) return rc == DB_DONE ? E_NOTFOUND : E_DB;
	label_all(db, a, lang, *out, 1);
	return E_OK;
}

int achievements_list(struct db *db, struct arena *a, int64_t person, int64_t unit, int64_t year, const char *lang,
		      struct achievement **items, int *n)
{
	*items = NULL;
	*n = 0;
	const char *where = person > 0 ? " WHERE x.person_id = $1" : " WHERE x.unit_id = $1";
	/* one statement: no count first (the array grows), and a title's name
	** joined from the catalogue instead of asked for each title (on
	** PostgreSQL each statement is a round trip) */
	int namecol = lang && !strcmp(lang, "en") ? 19 : lang && !strcmp(lang, "hi") ? 20 : 18;
	struct buf sql;
	buf_init(&sql);
	/* a timeline: newest year first; in a year ratings, titles, initiatives, discipline */
	buf_raw(&sql, "SELECT " ACH_COLS ", aw.name_vi, aw.name_en, aw.name_hi" ACH_FROM " LEFT JOIN awards aw ON x.kind = 'title' AND aw.code = x.value");
	buf_raw(&sql, where);
	buf_raw(&sql, " AND ($2 = 0 OR x.year = $2) ORDER BY x.year DESC, "
		      "CASE x.kind WHEN 'rating' THEN 0 WHEN 'title' THEN 1 WHEN 'initiative' THEN 2 ELSE 3 END, x.value, x.id");
	struct stmt *st = db_query(db, buf_cstr(&sql), "ii", person > 0 ? person : unit, year);
	buf_free(&sql);
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			struct achievement *more = arena_alloc(a, sizeof *more * (size_t)(cap = cap ? cap * 2 : 16));
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		struct achievement *x = &(*items)[(*n)++];
		read_ach(db, st, a, lang, x);
		if (kind_of(x->kind) == ACH_TITLE) x->value_label = arena_strdup(a, db_isnull(st, 18) ? x->value : db_text(st, namecol));
	}
	db_done(st);
	if (rc != DB_DONE) { *n = 0; return E_DB; }
	for (int i = 0; i < *n; i++) /* the other kinds' words: no query */
		if (!(*items)[i].value_label) (*items)[i].value_label = arena_strdup(a, ach_value_label(db, a, (*items)[i].kind, (*items)[i].value, lang));
	return E_OK;
}

void achievement_json(struct jw *w, const struct achievement *x)
{
	jw_obj(w);
	jw_kint(w, "id", x->id);
	jw_kstr(w, "person_code", x->person_id ? x->person_code : NULL);
	jw_kstr(w, "person_name", x->person_id ? x->person_name : NULL);
	jw_kstr(w, "unit_code", x->unit_code);
	jw_kstr(w, "unit_name", x->unit_name);
	jw_kstr(w, "subject", x->person_id ? "person" : "collective");
	jw_kint(w, "year", x->year);
	jw_kstr(w, "kind", x->kind);
	jw_kstr(w, "value", x->value);
	jw_kstr(w, "value_label", x->value_label);
	jw_kstr(w, "decision_no", x->decision_no);
	jw_kstr(w, "decided_on", x->decided_on);
	jw_kstr(w, "authority", x->authority);
	jw_kstr(w, "on_date", x->on_date);
	jw_kstr(w, "note", x->note);
	jw_kint(w, "version", x->version);
	jw_kstr(w, "created_at", x->created_at);
	jw_obj_end(w);
}

static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct achievement *x;
	int rc = achievements_get(db, a, id, "en", &x);
	if (rc == E_OK) achievement_json(w, x);
	return rc;
}

const char *achievement_unit_path(struct db *db, struct arena *a, int64_t id)
{
	struct stmt *st = db_query(db,
				   "SELECT u.path FROM achievements x LEFT JOIN people p ON p.id = x.person_id "
				   "JOIN units u ON u.id = COALESCE(x.unit_id, p.unit_id) WHERE x.id = $1",
				   "i", id);
	const char *path = NULL;
	if (st && db_step(st) == DB_ROW) path = arena_strdup(a, db_text(st, 0));
	db_done(st);
	return path;
}

/* a text field that is absent, or one clean line of at most max bytes */
static int check_text(struct field_errors *fe, const char *field, const char *s, size_t max)
{
	if (!s) return 0;
	size_t n = strlen(s);
	if (n > max) { fe_add(fe, field, N_("Is too long")); return -1; }
	char *copy = strdup(s);
	int bad = !copy || text_clean(copy, &n, 0) != 0;
	free(copy);
	if (bad) { fe_add(fe, field, N_("Must be text without control characters")); return -1; }
	return 0;
}

static int validate(struct db *db, const struct achievement_in *in, struct field_errors *fe, char *path, size_t pathn)
{
	int collective = in->unit_id > 0;
	if ((in->person_id > 0) == collective) {
		fe_add(fe, "person_code", N_("Give either a person or a unit"));
		return E_INVALID;
	}
	if (collective) {
		if (units_path(db, in->unit_id, path, pathn) != E_OK) fe_add(fe, "unit_code", N_("No such unit"));
	} else {
		struct stmt *st = db_query(db, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i",
					   in->person_id);
		if (st && db_step(st) == DB_ROW) snprintf(path, pathn, "%s", db_text(st, 0));
		else fe_add(fe, "person_code", N_("No such person"));
		db_done(st);
	}
	char today[11];
	today_iso(today);
	int64_t this_year = atoi(today);
	if (in->year < 1945 || in->year > this_year + 1) fe_add(fe, "year", N_("Must be a year from 1945 to next year"));
	int k = kind_of(in->kind);
	if (k < 0) fe_add(fe, "kind", N_("Must be one of: rating, title, initiative, discipline"));
	else if (!in->value || !*in->value) fe_add(fe, "value", N_("Is required"));
	else if (k == ACH_RATING && ach_rank(ach_ratings, in->value) < 0)
		fe_add(fe, "value", N_("A rating is one of: excellent, good, completed, not_completed"));
	else if (k == ACH_INITIATIVE && ach_rank(ach_initiatives, in->value) < 0)
		fe_add(fe, "value", N_("An initiative level is one of: grassroots, province, national"));
	else if (k == ACH_DISCIPLINE && ach_rank(ach_disciplines, in->value) < 0)
		fe_add(fe, "value", N_("A discipline level is one of: reprimand, warning, demotion, dismissal"));
	else if (k == ACH_TITLE) {
		struct stmt *st = db_query(db, "SELECT subjects FROM awards WHERE code = $1 AND active = 1", "t", in->value);
		int rc = st ? db_step(st) : DB_ERR;
		if (rc != DB_ROW) fe_add(fe, "value", N_("No award has this code"));
		else {
			const char *s = db_text(st, 0);
			int fits = !strcmp(s, "both") || (collective ? !strcmp(s, "collective") || !strcmp(s, "household") : !strcmp(s, "person"));
			if (!fits) fe_add(fe, "value", collective ? N_("This award is for individuals, not collectives") : N_("This award is for collectives, not individuals"));
		}
		db_done(st);
	}
	if (k == ACH_DISCIPLINE && !in->on_date) fe_add(fe, "on_date", N_("A discipline needs its date"));
	if (in->decided_on && !date_valid(in->decided_on)) fe_add(fe, "decided_on", N_("Must be a date"));
	else if (in->decided_on && strcmp(in->decided_on, today) > 0) fe_add(fe, "decided_on", N_("A decision cannot be dated in the future"));
	/* a decision commends a year that has begun: 05/01/2001 cannot commend 2026 */
	else if (in->decided_on && atoi(in->decided_on) < in->year)
		fe_add(fe, "decided_on", N_("The decision date cannot be before 1 January of the year commended"));
	if (in->on_date && !date_valid(in->on_date)) fe_add(fe, "on_date", N_("Must be a date"));
	check_text(fe, "decision_no", in->decision_no, 100);
	check_text(fe, "authority", in->authority, 300);
	check_text(fe, "note", in->note, 2000);
	return fe->n ? E_INVALID : E_OK;
}

int achievements_create(struct db *db, const struct user *who, const struct achievement_in *in, struct field_errors *fe,
			int64_t *id)
{
	char path[UNIT_PATH_MAX] = "";
	validate(db, in, fe, path, sizeof path);
	/* the subject outside the writer's scope is 403 even when other fields are wrong */
	if (!*path) return E_INVALID;
	if (!role_can(who, PERM_RECORD_ACHIEVEMENTS, path)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	rc = E_DB;
	/* the same record twice, or a second rating of the year: told even when
	** another field is wrong too (a form names every problem at once) */
	if (!fe_get(fe, "year") && !fe_get(fe, "kind") && !fe_get(fe, "value") && in->kind && in->value) {
		int64_t dup = 0;
		int s = db_int1(db, &dup,
				"SELECT id FROM achievements WHERE (person_id = $1 OR unit_id = $2) AND year = $3 AND kind = $4 AND value = $5",
				"iiitt", in->person_id, in->unit_id, in->year, in->kind, in->value);
		if (s == DB_ROW) fe_add(fe, "value", N_("This record is already there for this year"));
		else if (s != DB_DONE) goto out;
		/* one rating per subject and year */
		if (!strcmp(in->kind, "rating") &&
		    db_int1(db, &dup, "SELECT id FROM achievements WHERE (person_id = $1 OR unit_id = $2) AND year = $3 AND kind = 'rating'",
			    "iii", in->person_id, in->unit_id, in->year) == DB_ROW)
			fe_add(fe, "value", N_("This year already has a rating"));
	}
	if (fe->n) {
		rc = E_INVALID;
		goto out;
	}
	char now[21];
	now_iso(now);
	struct stmt *st = db_query(db,
				   "INSERT INTO achievements (person_id, unit_id, year, kind, value, decision_no, decided_on, authority, "
				   "decision_id, on_date, note, created_by, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
				   "IIitttttIttIt", in->person_id, in->unit_id, in->year, in->kind, in->value, in->decision_no,
				   in->decided_on, in->authority, in->decision_id, in->on_date, in->note, who->id, now);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) *id = db_int(st, 0);
	db_done(st);
	if (s != DB_ROW) goto out;
	rc = audit_change(db, who, "create", "achievement", *id, NULL, snapshot, NULL);
out:
	return db_tx_end(db, rc);
}

int achievements_delete(struct db *db, const struct user *who, int64_t id, int64_t version, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	const char *path = achievement_unit_path(db, &a, id);
	int rc = !path ? E_NOTFOUND : !role_can(who, PERM_RECORD_ACHIEVEMENTS, path) ? E_FORBIDDEN : E_OK;
	arena_free(&a);
	if (rc != E_OK) return rc;
	if ((rc = db_tx_begin(db)) != E_OK) return rc;
	char *before = audit_snapshot(db, id, snapshot);
	int64_t have = 0, from_decision = 0;
	struct stmt *st = db_query(db, "SELECT version, COALESCE(decision_id, 0) FROM achievements WHERE id = $1", "i", id);
	int s = st ? db_step(st) : DB_ERR;
	if (s == DB_ROW) { have = db_int(st, 0); from_decision = db_int(st, 1); }
	db_done(st);
	if (s != DB_ROW) rc = s == DB_DONE ? E_NOTFOUND : E_DB;
	else if (have != version) rc = E_CONFLICT;
	else if (from_decision) {
		/* an award thidua issued goes only with its decision's revocation */
		fe_add(fe, "decision", N_("This record was created by a decision: it is removed by revoking the decision"));
		rc = E_STATE;
	}
	else if (db_exec(db, "DELETE FROM achievements WHERE id = $1", "i", id) != DB_OK) rc = E_DB;
	else rc = audit_change(db, who, "delete", "achievement", id, before, NULL, NULL);
	free(before);
	return db_tx_end(db, rc);
}

int person_direct_work_set(struct db *db, const struct user *who, int64_t person, int direct, const char *valid_from, struct field_errors *fe)
{
	char path[UNIT_PATH_MAX] = "";
	struct stmt *st = db_query(db, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", person);
	int found = st && db_step(st) == DB_ROW;
	if (found) snprintf(path, sizeof path, "%s", db_text(st, 0));
	db_done(st);
	if (!found) return E_NOTFOUND;
	if (!role_can(who, PERM_RECORD_ACHIEVEMENTS, path)) return E_FORBIDDEN;
	if (!valid_from || !date_valid(valid_from)) { fe_add(fe, "valid_from", N_("Must be a date")); return E_INVALID; }
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	rc = db_exec(db,
		     "INSERT INTO person_direct_work (person_id, valid_from, direct) VALUES ($1, $2, $3) "
		     "ON CONFLICT (person_id, valid_from) DO UPDATE SET direct = $3",
		     "iti", person, valid_from, (int64_t)(direct ? 1 : 0)) == DB_OK
		     ? E_OK
		     : E_DB;
	if (rc == E_OK) {
		char note[64];
		snprintf(note, sizeof note, "direct work %s from %s", direct ? "yes" : "no", valid_from);
		rc = audit_change(db, who, "direct work", "person", person, NULL, NULL, note);
	}
	return db_tx_end(db, rc);
}

int person_direct_work_on(struct db *db, int64_t person, const char *date)
{
	int64_t d = 0;
	db_int1(db, &d, "SELECT direct FROM person_direct_work WHERE person_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1",
		"it", person, date);
	return d == 1;
}
