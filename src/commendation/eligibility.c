/* The eligibility check: a parsed rule evaluated for a person or a unit and
** a year against the achievements table (rules.h). Each condition is met,
** not met, or left to a person (a manual condition); `and` and `or` combine
** them in three-valued logic (false wins an `and`, true wins an `or`, else
** a person decides), and that value is the verdict. Every condition writes
** what it found and, when unmet, what is missing, in the request's language.
**
** The subject's own records are read once; a collective's members (the
** active people of the unit and of the units below it) are counted with one
** query per member condition.
**
** The scan (elig_scan) evaluates the rule for every active person of a
** unit's subtree with ONE ordered query: the people of the subtree, each
** with the records the rule can look at (the kinds and title codes it names,
** the years its windows cover), by person then year. Each person's records
** go through the same walk as a single check; a person's verdict is found
** without words, and the conditions are written out only for the people
** listed (docs/ARCHITECTURE.md, "The eligibility scan"). When the ineligible
** are only counted and nobody without records can be anything else, the
** scan reads the records of the subtree's people unit by unit instead
** (scan_by_holder, migration 025). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../units/units.h"
#include "rules.h"

#define T(s) i18n_get(e->lang, (s))
#define YEAR0 RULES_EVER
#define NYEARS 256               /* 1945 .. 2200, the years an achievement may have */
#define MAX_FACTS 16
#define MAX_NAMES 16

#define VALUE_MAX 48              /* an award code (at most 40 bytes) or a level, and the NUL */

/* one achievement record, as the walk reads it */
struct ach {
	int year;
	char kind;                 /* 'r'ating, 't'itle, 'i'nitiative, 'd'iscipline */
	int level;                 /* of a rating, an initiative or a discipline; 0 for a title */
	char value[VALUE_MAX];     /* a title's award code (longer values are cut and match no code) */
};

/* The state of a walk. The subject's part (s, ach, the subtree, the
** members' count, out) changes from person to person in a scan; the award
** names stay. */
struct eval {
	struct db *db;
	struct arena *a;
	const char *lang;
	int year;
	const struct elig_subject *s;
	const struct ach *ach;
	int nach;
	int64_t lo_unit;           /* whose subtree lo, hi are (0: none yet) */
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];   /* the unit's subtree (members, quota) */
	int64_t members;           /* -1 until counted */
	struct elig_result *out;   /* NULL: the verdict alone, no words */
	int cap;
	int dberr;
	struct { const char *code, *name; } names[MAX_NAMES];
	int nnames;
};

const char *elig_verdict_name(enum elig_verdict v)
{
	return v == ELIG_ELIGIBLE ? "eligible" : v == ELIG_MANUAL ? "manual" : "ineligible";
}

/* ---- words ---- */

static const char *const rating_names[] = { "", N_("did not complete tasks"), N_("completed tasks"), N_("completed tasks well"),
					    N_("completed tasks excellently") };
static const char *const initiative_names[] = { "", N_("the grassroots level"), N_("the ministry or province level"), N_("the national level") };
static const char *const discipline_names[] = { "", N_("reprimand"), N_("warning"), N_("demotion"), N_("dismissal") };

/* the award's name in the request's language (the awards table), or its code */
static const char *award_name(struct eval *e, const char *code)
{
	for (int i = 0; i < e->nnames; i++)
		if (!strcmp(e->names[i].code, code)) return e->names[i].name;
	const char *name = code;
	struct stmt *st = db_query(e->db, "SELECT name_vi, name_en, name_hi FROM awards WHERE code = $1", "t", code);
	if (st && db_step(st) == DB_ROW) {
		int col = !strcmp(e->lang, "en") ? 1 : !strcmp(e->lang, "hi") ? 2 : 0;
		name = arena_strdup(e->a, db_text(st, col));
	}
	db_done(st);
	if (e->nnames < MAX_NAMES) {
		e->names[e->nnames].code = code;
		e->names[e->nnames++].name = name;
	}
	return name;
}

/* a count grouped the language's way (1.000 / 1,000) */
static const char *num_text(struct eval *e, int64_t v)
{
	struct buf b;
	buf_init(&b);
	fmt_int(&b, e->lang, v);
	const char *s = arena_strdup(e->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *pct_text(struct eval *e, double pct)
{
	struct buf b;
	buf_init(&b);
	fmt_number(&b, e->lang, pct);
	buf_raw(&b, "%");
	const char *s = arena_strdup(e->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* the years marked in `on` from..to, runs of three or more as a range: "2016–2020, 2022" */
static const char *years_text(struct eval *e, const int *on, int from, int to)
{
	struct buf b;
	buf_init(&b);
	for (int y = from; y <= to; y++) {
		if (!on[y - YEAR0]) continue;
		int end = y;
		while (end + 1 <= to && on[end + 1 - YEAR0]) end++;
		if (b.len) buf_raw(&b, ", ");
		if (end - y >= 2) buf_printf(&b, "%d–%d", y, end);
		else if (end > y) buf_printf(&b, "%d, %d", y, end);
		else buf_printf(&b, "%d", y);
		y = end;
	}
	const char *s = arena_strdup(e->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *range_text(struct eval *e, int from, int to)
{
	return from == to ? arena_printf(e->a, T("in %d"), from) : arena_printf(e->a, T("in %d–%d"), from, to);
}

/* ---- the result ---- */

static struct elig_condition *new_cond(struct eval *e)
{
	struct elig_result *o = e->out;
	if (o->nconds == e->cap) {
		int cap = e->cap ? e->cap * 2 : 8;
		struct elig_condition *more = arena_alloc(e->a, sizeof *more * (size_t)cap);
		if (o->nconds) memcpy(more, o->conds, sizeof *more * (size_t)o->nconds);
		o->conds = more;
		e->cap = cap;
	}
	struct elig_condition *c = &o->conds[o->nconds++];
	c->facts = arena_alloc(e->a, sizeof *c->facts * MAX_FACTS);
	return c;
}

static void fact(struct eval *e, struct elig_condition *c, const char *text)
{
	(void)e;
	if (c->nfacts < MAX_FACTS) c->facts[c->nfacts++] = text;
}

/* ---- the subject's records ---- */

/* a record from the columns year, kind, value of a row */
static void ach_read(struct ach *x, struct stmt *st, int col)
{
	const char *kind = db_text(st, col + 1), *value = db_text(st, col + 2);
	x->year = (int)db_int(st, col);
	x->kind = kind ? kind[0] : 0;
	size_t n = value ? strnlen(value, sizeof x->value - 1) : 0;
	memcpy(x->value, value ? value : "", n);
	x->value[n] = 0;
	x->level = x->kind == 't' || !kind ? 0 : rules_level(kind, x->value);
}

/* the subject's records up to the year considered, in the arena */
static int load(struct eval *e)
{
	struct stmt *st = e->s->person_id > 0
		? db_query(e->db, "SELECT year, kind, value FROM achievements WHERE person_id = $1 AND year <= $2 ORDER BY year, id", "ii",
			   e->s->person_id, (int64_t)e->year)
		: db_query(e->db, "SELECT year, kind, value FROM achievements WHERE unit_id = $1 AND year <= $2 ORDER BY year, id", "ii",
			   e->s->unit_id, (int64_t)e->year);
	if (!st) return E_DB;
	int cap = 16, rc, n = 0;
	struct ach *ach = arena_alloc(e->a, sizeof *ach * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			struct ach *more = arena_alloc(e->a, sizeof *more * (size_t)cap * 2);
			memcpy(more, ach, sizeof *more * (size_t)cap);
			ach = more;
			cap *= 2;
		}
		ach_read(&ach[n++], st, 0);
	}
	db_done(st);
	e->ach = ach;
	e->nach = n;
	return rc == DB_DONE ? E_OK : E_DB;
}

/* per year from..to (indexes from YEAR0; the rest of out is left alone): 1
** where the title is held, or the highest level of the scale (kind 'r', 'i',
** 'd') recorded that year */
static void per_year(const struct eval *e, char kind, const char *code, int *out, int from, int to)
{
	if (from < YEAR0) from = YEAR0;
	if (to >= YEAR0 + NYEARS) to = YEAR0 + NYEARS - 1;
	if (from > to) return;
	memset(out + (from - YEAR0), 0, sizeof *out * (size_t)(to - from + 1));
	for (int i = 0; i < e->nach; i++) {
		const struct ach *x = &e->ach[i];
		if (x->kind != kind || x->year < from || x->year > to) continue;
		int v = kind == 't' ? !strcmp(x->value, code) : x->level;
		if (v > out[x->year - YEAR0]) out[x->year - YEAR0] = v;
	}
}

/* ---- conditions on the subject's own records ---- */

/* the years a window covers: [*from, *to]; how many must pass: *need (0: all) */
static void window(int year, const struct rule_when *w, int *from, int *to, int *need)
{
	switch (w->kind) {
	case RW_YEAR: *from = *to = year - w->back; *need = 0; break;
	case RW_CONSECUTIVE: *to = year - w->back; *from = *to - w->n + 1; *need = 0; break;
	case RW_TIMES: *to = year; *from = year - w->w + 1; *need = w->n; break;
	case RW_SINCE: *to = year; *from = w->since; *need = 1; break;
	}
	if (*from < YEAR0) *from = YEAR0;
}

static const char *when_text(struct eval *e, const struct rule_when *w, int from, int to, int negative)
{
	if (w->kind == RW_YEAR || from == to) return arena_printf(e->a, T("in %d"), to);
	if (negative) return w->kind == RW_SINCE && w->since <= YEAR0 ? arena_printf(e->a, T("at any time up to %d"), to) : range_text(e, from, to);
	switch (w->kind) {
	case RW_CONSECUTIVE: return arena_printf(e->a, T("%d consecutive years, %d–%d"), w->n, from, to);
	case RW_TIMES:
		return w->n == 1 ? arena_printf(e->a, T("at least once in %d–%d"), from, to)
				 : arena_printf(e->a, T("at least %d times in %d–%d"), w->n, from, to);
	default:
		return w->since <= YEAR0 ? arena_printf(e->a, T("at any time up to %d"), to) : arena_printf(e->a, T("at least once in %d–%d"), from, to);
	}
}

/* the words of a title, rating or initiative condition: v holds per year what was found from..to */
static void own_records_words(struct eval *e, const struct rule_cond *c, struct elig_condition *out, char kind, const int *v, int from,
			      int to, int need, int got, int met)
{
	int on[NYEARS] = { 0 }, off[NYEARS] = { 0 };
	for (int y = from; y <= to; y++) {
		if (kind == 't' ? v[y - YEAR0] : v[y - YEAR0] >= c->level) on[y - YEAR0] = 1;
		else off[y - YEAR0] = 1;
	}
	const char *what = kind == 't' ? award_name(e, c->code)
			 : kind == 'r' ? arena_printf(e->a, T("Rated “%s” or better"), T(rating_names[c->level]))
				       : arena_printf(e->a, T("An initiative recognised at %s or higher"), T(initiative_names[c->level]));
	out->text = arena_printf(e->a, "%s — %s", what, when_text(e, &c->when, from, to, 0));
	if (got) {
		if (kind == 't') fact(e, out, arena_printf(e->a, T("Held in %s"), years_text(e, on, from, to)));
		else if (kind == 'r') fact(e, out, arena_printf(e->a, T("Rated “%s” or better in %s"), T(rating_names[c->level]), years_text(e, on, from, to)));
		else fact(e, out, arena_printf(e->a, T("An initiative at %s or higher in %s"), T(initiative_names[c->level]), years_text(e, on, from, to)));
	}
	if (!met) {
		if (from > to) fact(e, out, arena_printf(e->a, T("The period starts after %d"), e->year));
		else if (need > 1) fact(e, out, arena_printf(e->a, T("%d times; %d needed"), got, need));
		else if (need == 1 && c->when.kind == RW_SINCE && c->when.since <= YEAR0)
			fact(e, out, arena_printf(e->a, T("%s: none up to %d"), what, to));
		else if (need == 1) fact(e, out, arena_printf(e->a, T("%s: none %s"), what, range_text(e, from, to)));
		else fact(e, out, arena_printf(e->a, T("%s missing for %s"), what, years_text(e, off, from, to)));
	}
}

/* title, rating, initiative: the years that pass against the window */
static int own_records(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int v[NYEARS];
	char kind = c->kind == RC_TITLE ? 't' : c->kind == RC_RATING ? 'r' : 'i';
	int from, to, need;
	window(e->year, &c->when, &from, &to, &need);
	per_year(e, kind, c->code, v, from, to);
	int got = 0, missing = 0;
	for (int y = from; y <= to; y++) {
		if (kind == 't' ? v[y - YEAR0] : v[y - YEAR0] >= c->level) got++;
		else missing++;
	}
	int met = from <= to && (need ? got >= need : missing == 0);
	if (out) own_records_words(e, c, out, kind, v, from, to, need, got, met);
	return met ? ELIG_MET : ELIG_UNMET;
}

static int no_discipline(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int v[NYEARS];
	int from, to, need;
	window(e->year, &c->when, &from, &to, &need);
	per_year(e, 'd', NULL, v, from, to);
	int found = 0;
	for (int y = from; y <= to; y++) found += v[y - YEAR0] >= c->level;
	if (!out) return found ? ELIG_UNMET : ELIG_MET;
	out->text = arena_printf(e->a, "%s — %s", arena_printf(e->a, T("No discipline at the level of %s or above"), T(discipline_names[c->level])),
				 when_text(e, &c->when, from, to, 1));
	for (int y = from; y <= to; y++)
		if (v[y - YEAR0] >= c->level) fact(e, out, arena_printf(e->a, T("Disciplined (%s) in %d"), T(discipline_names[v[y - YEAR0]]), y));
	if (!found) fact(e, out, arena_printf(e->a, T("No such discipline recorded %s"), range_text(e, from, to)));
	return found ? ELIG_UNMET : ELIG_MET;
}

/* ---- members of a collective ---- */

static int subtree(struct eval *e)
{
	if (e->lo_unit == e->s->unit_id) return E_OK;
	if (units_subtree(e->db, e->s->unit_id, e->lo, e->hi, sizeof e->lo) != E_OK) return E_NOTFOUND;
	e->lo_unit = e->s->unit_id;
	return E_OK;
}

static int64_t count_members(struct eval *e)
{
	if (e->members >= 0) return e->members;
	int64_t n = 0;
	if (subtree(e) != E_OK ||
	    db_int1(e->db, &n, "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE p.active = 1 AND u.path >= $1 AND u.path < $2",
		    "tt", e->lo, e->hi) != DB_ROW) {
		e->dberr = 1;
		return 0;
	}
	return e->members = n;
}

/* the active people of the subtree, except `except`, with a record of kind
** in year whose value is one of values (1 to 4) */
static int64_t count_with(struct eval *e, const char *kind, int year, const char *const *values, int nvalues, int64_t except)
{
	const char *v[4];
	for (int i = 0; i < 4; i++) v[i] = values[i < nvalues ? i : 0];
	int64_t n = 0;
	if (subtree(e) != E_OK ||
	    db_int1(e->db, &n,
		    "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id "
		    "WHERE p.active = 1 AND u.path >= $1 AND u.path < $2 AND p.id <> $3 AND EXISTS (SELECT 1 FROM achievements a "
		    "WHERE a.person_id = p.id AND a.year = $4 AND a.kind = $5 AND a.value IN ($6, $7, $8, $9))",
		    "ttiittttt", e->lo, e->hi, except, (int64_t)year, kind, v[0], v[1], v[2], v[3]) != DB_ROW) {
		e->dberr = 1;
		return 0;
	}
	return n;
}

/* members passing the test of c in year */
static int64_t count_test(struct eval *e, const struct rule_cond *c, int year)
{
	const char *values[4];
	int n = 0;
	if (c->test == RT_TITLE) {
		values[n++] = c->test_code;
		return count_with(e, "title", year, values, n, 0);
	}
	const char *kind = c->test == RT_RATING ? "rating" : "discipline";
	/* a rating "at least" counts the levels above it; a discipline the heavier ones */
	for (int l = c->test_level; rules_level_value(kind, l) && n < 4; l++) values[n++] = rules_level_value(kind, l);
	return count_with(e, kind, year, values, n, 0);
}

static const char *test_text(struct eval *e, const struct rule_cond *c)
{
	if (c->test == RT_TITLE) return award_name(e, c->test_code);
	if (c->test == RT_RATING) return arena_printf(e->a, T("Rated “%s” or better"), T(rating_names[c->test_level]));
	return arena_printf(e->a, T("Disciplined at the level of %s or above"), T(discipline_names[c->test_level]));
}

static int members(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int year = e->year - c->back;
	if (out) {
		const char *q = c->share == RS_AT_LEAST_PCT ? arena_printf(e->a, T("at least %s of the members"), pct_text(e, c->pct100 / 100.0))
			      : c->share == RS_MORE_THAN_PCT ? arena_printf(e->a, T("more than %s of the members"), pct_text(e, c->pct100 / 100.0))
			      : c->share == RS_ALL	     ? T("all members")
			      : c->share == RS_COUNT	     ? arena_printf(e->a, T("at least %d of the members"), c->count)
							     : T("no member");
		out->text = arena_printf(e->a, "%s: %s — %s", test_text(e, c), q, arena_printf(e->a, T("in %d"), year));
	}
	if (e->s->person_id > 0) {
		if (out) fact(e, out, T("Only a collective has members"));
		return ELIG_UNMET;
	}
	int64_t total = count_members(e);
	if (total == 0) {
		if (out) fact(e, out, T("The unit has no members"));
		return ELIG_UNMET;
	}
	int64_t k = count_test(e, c, year);
	int64_t p = c->pct100;
	int64_t needed;
	int met;
	switch (c->share) {
	case RS_AT_LEAST_PCT: met = k * 10000 >= p * total; needed = (p * total + 9999) / 10000; break;
	case RS_MORE_THAN_PCT: met = k * 10000 > p * total; needed = p * total / 10000 + 1; break;
	case RS_ALL: met = k == total; needed = total; break;
	case RS_COUNT: met = k >= c->count; needed = c->count; break;
	default: met = k == 0; needed = 0; break;
	}
	if (out) {
		fact(e, out, arena_printf(e->a, T("%s of %s members (%s)"), num_text(e, k), num_text(e, total), pct_text(e, 100.0 * (double)k / (double)total)));
		if (!met && c->share != RS_NONE) fact(e, out, arena_printf(e->a, T("At least %s needed"), num_text(e, needed)));
		if (!met && c->share == RS_NONE) fact(e, out, T("None is allowed"));
	}
	return met ? ELIG_MET : ELIG_UNMET;
}

/* A quota: with this person, the holders of c->code in the person's unit
** that year may be at most pct of those holding c->base_code, rounded down
** (15% of 21 is 3.15: at most 3). */
static int quota(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int year = e->year - c->back;
	const char *name = out ? award_name(e, c->code) : NULL, *pct = out ? pct_text(e, c->pct100 / 100.0) : NULL;
	if (out)
		out->text = arena_printf(e->a, "%s — %s", arena_printf(e->a, T("%s: at most %s of those in the unit who hold %s"), name, pct, award_name(e, c->base_code)),
					 arena_printf(e->a, T("in %d"), year));
	if (e->s->person_id <= 0) {
		if (out) fact(e, out, T("A quota applies to individuals"));
		return ELIG_UNMET;
	}
	const char *v[1] = { c->base_code };
	int64_t nbase = count_with(e, "title", year, v, 1, 0);
	v[0] = c->code;
	int64_t others = count_with(e, "title", year, v, 1, e->s->person_id);
	int64_t limit = nbase * c->pct100 / 10000;
	int met = others + 1 <= limit;
	if (out) {
		const char *base = award_name(e, c->base_code);
		fact(e, out, arena_printf(e->a, T("%s in the unit: %s"), base, num_text(e, nbase)));
		fact(e, out, arena_printf(e->a, T("Limit: %s (%s of %s, rounded down)"), num_text(e, limit), pct, num_text(e, nbase)));
		fact(e, out, arena_printf(e->a, T("%s already in the unit: %s; with this one: %s"), name, num_text(e, others), num_text(e, others + 1)));
		if (!met) fact(e, out, arena_printf(e->a, T("Over the quota: the limit is %s"), num_text(e, limit)));
	}
	return met ? ELIG_MET : ELIG_UNMET;
}

/* ---- after a prerequisite ---- */

struct after_try {
	int p, span, bad_rating, times;
	int unrated[NYEARS], held[NYEARS];
};

/* the years after the prerequisite held in p, up to the year considered */
static int after_from(struct eval *e, const struct rule_cond *c, const int *rating, const int *base, int p, struct after_try *t)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->span = e->year - p;
	for (int y = p + 1; y <= e->year; y++) {
		if (c->level && rating[y - YEAR0] < c->level) t->unrated[y - YEAR0] = 1, t->bad_rating++;
		if (c->base_code && base[y - YEAR0]) t->held[y - YEAR0] = 1, t->times++;
	}
	return t->span >= c->years && !t->bad_rating && (!c->base_code || t->times >= c->times);
}

static void after_words(struct eval *e, const struct rule_cond *c, struct elig_condition *out, const struct after_try *t)
{
	const char *name = award_name(e, c->code);
	struct buf b;
	buf_init(&b);
	buf_printf(&b, T("After %s: at least %d consecutive years up to %d"), name, c->years, e->year);
	if (c->level) buf_printf(&b, T(", rated “%s” or better every year"), T(rating_names[c->level]));
	if (c->base_code) buf_printf(&b, T(", with %s at least %d times"), award_name(e, c->base_code), c->times);
	out->text = arena_strdup(e->a, buf_cstr(&b));
	buf_free(&b);
	if (!t) {
		fact(e, out, arena_printf(e->a, T("%s never held before %d"), name, e->year));
		return;
	}
	fact(e, out, arena_printf(e->a, T("%s in %d"), name, t->p));
	fact(e, out, arena_printf(e->a, T("%d years after it: %d–%d"), t->span, t->p + 1, e->year));
	if (t->span < c->years) fact(e, out, arena_printf(e->a, T("Only %d years after it; at least %d needed"), t->span, c->years));
	if (t->bad_rating)
		fact(e, out, arena_printf(e->a, T("%s missing for %s"), arena_printf(e->a, T("Rated “%s” or better"), T(rating_names[c->level])),
					  years_text(e, t->unrated, t->p + 1, e->year)));
	if (c->base_code) {
		const char *bname = award_name(e, c->base_code);
		if (t->times) fact(e, out, arena_printf(e->a, T("%s in %s"), bname, years_text(e, t->held, t->p + 1, e->year)));
		if (t->times < c->times) fact(e, out, arena_printf(e->a, T("%s %d times within them; %d needed"), bname, t->times, c->times));
	}
}

static int after(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int pre[NYEARS], rating[NYEARS], base[NYEARS];
	per_year(e, 't', c->code, pre, YEAR0, e->year);
	per_year(e, 'r', NULL, rating, YEAR0, e->year);
	if (c->base_code) per_year(e, 't', c->base_code, base, YEAR0, e->year);
	else memset(base, 0, sizeof base);
	/* every time it was held counts: the latest one that the years after it satisfy */
	struct after_try tries[2], *t = &tries[0], *first = NULL;
	int met = 0;
	for (int p = e->year - 1; p >= YEAR0 && !met; p--) {
		if (!pre[p - YEAR0]) continue;
		met = after_from(e, c, rating, base, p, t);
		if (!first || met) first = t, t = t == &tries[0] ? &tries[1] : &tries[0];
	}
	if (out) after_words(e, c, out, first);
	return met ? ELIG_MET : ELIG_UNMET;
}

/* `person` or `collective`: who is considered, so that an award for both
** can give each its own conditions */
static int subject_is(struct eval *e, const struct rule_cond *c, struct elig_condition *out)
{
	int person = e->s->person_id > 0;
	if (out) {
		out->text = c->subject == 'p' ? T("For a person") : T("For a collective");
		fact(e, out, person ? T("A person is considered") : T("A collective is considered"));
	}
	return (c->subject == 'p') == person ? ELIG_MET : ELIG_UNMET;
}

/* ---- the tree ---- */

static int condition(struct eval *e, const struct rule_cond *c)
{
	struct elig_condition *out = e->out ? new_cond(e) : NULL;
	int met;
	switch (c->kind) {
	case RC_TITLE: case RC_RATING: case RC_INITIATIVE: met = own_records(e, c, out); break;
	case RC_NO_DISCIPLINE: met = no_discipline(e, c, out); break;
	case RC_MEMBERS: met = members(e, c, out); break;
	case RC_QUOTA: met = quota(e, c, out); break;
	case RC_AFTER: met = after(e, c, out); break;
	case RC_SUBJECT: met = subject_is(e, c, out); break;
	default:
		if (out) {
			out->text = c->text;
			fact(e, out, T("To be judged by a person"));
		}
		met = ELIG_UNKNOWN;
		break;
	}
	if (out) out->met = met;
	return met;
}

/* With words (e->out), every condition is evaluated and listed, none is
** skipped by an earlier result; without, an `and` already false or an `or`
** already true skips its right side (the verdict is the same). */
static int walk(struct eval *e, const struct rule_node *n)
{
	if (n->kind == RN_COND) return condition(e, n->cond);
	int l = walk(e, n->left);
	if (!e->out && ((n->kind == RN_AND && l == ELIG_UNMET) || (n->kind == RN_OR && l == ELIG_MET))) return l;
	int r = walk(e, n->right);
	if (n->kind == RN_AND) {
		if (l == ELIG_UNMET || r == ELIG_UNMET) return ELIG_UNMET;
		return l == ELIG_UNKNOWN || r == ELIG_UNKNOWN ? ELIG_UNKNOWN : ELIG_MET;
	}
	if (l == ELIG_MET || r == ELIG_MET) return ELIG_MET;
	return l == ELIG_UNKNOWN || r == ELIG_UNKNOWN ? ELIG_UNKNOWN : ELIG_UNMET;
}

static enum elig_verdict verdict_of(int v)
{
	return v == ELIG_MET ? ELIG_ELIGIBLE : v == ELIG_UNKNOWN ? ELIG_MANUAL : ELIG_INELIGIBLE;
}

/* the walk for the subject whose records e holds: the verdict, and the
** conditions in words when out is not NULL */
static int judge(struct eval *e, const struct rule_node *rule, struct elig_result *out, enum elig_verdict *v)
{
	e->out = out;
	e->cap = 0;
	if (out) memset(out, 0, sizeof *out);
	int met = walk(e, rule);
	e->out = NULL;
	if (e->dberr) return E_DB;
	*v = verdict_of(met);
	if (out) out->verdict = *v;
	return E_OK;
}

static void eval_init(struct eval *e, struct db *db, struct arena *a, const char *lang, int year)
{
	memset(e, 0, sizeof *e);
	e->db = db;
	e->a = a;
	e->lang = lang ? lang : LANG_DEFAULT;
	e->year = year;
	e->members = -1;
}

int elig_evaluate(struct db *db, struct arena *a, const char *lang, const struct rule_node *rule, const struct elig_subject *s,
		  int year, struct elig_result *out)
{
	memset(out, 0, sizeof *out);
	struct eval *e = arena_alloc(a, sizeof *e);
	eval_init(e, db, a, lang, year);
	e->s = s;
	if (load(e) != E_OK) return E_DB;
	enum elig_verdict v;
	return judge(e, rule, out, &v);
}

/* ---- the scan of a subtree ---- */

#define SCAN_CODES 8               /* title codes named in the query; more: every title is read */

/* what the rule can look at in a person's records: the kinds, the title
** codes, and the first year (up to the year considered) */
struct needs {
	int rating, initiative, discipline, all_titles;
	const char *codes[SCAN_CODES];
	int ncodes;
	int from;
};

static void need_code(struct needs *nd, const char *code)
{
	for (int i = 0; i < nd->ncodes; i++)
		if (!strcmp(nd->codes[i], code)) return;
	if (nd->ncodes < SCAN_CODES) nd->codes[nd->ncodes++] = code;
	else nd->all_titles = 1;
}

static void needs_of(const struct rule_node *n, int year, struct needs *nd)
{
	if (n->kind != RN_COND) {
		needs_of(n->left, year, nd);
		needs_of(n->right, year, nd);
		return;
	}
	const struct rule_cond *c = n->cond;
	int from, to, need;
	switch (c->kind) {
	case RC_TITLE: case RC_RATING: case RC_INITIATIVE: case RC_NO_DISCIPLINE:
		window(year, &c->when, &from, &to, &need);
		if (from < nd->from) nd->from = from;
		if (c->kind == RC_TITLE) need_code(nd, c->code);
		else if (c->kind == RC_RATING) nd->rating = 1;
		else if (c->kind == RC_INITIATIVE) nd->initiative = 1;
		else nd->discipline = 1;
		break;
	case RC_AFTER:
		nd->from = YEAR0;
		need_code(nd, c->code);
		if (c->base_code) need_code(nd, c->base_code);
		if (c->level) nd->rating = 1;
		break;
	default: break; /* members and quota ask the database; manual and person/collective need nothing */
	}
}

/* the person being read, and its records */
struct scan_person {
	int64_t id, unit_id;
	struct ach *ach;
	int nach, cap;
};

static void person_start(struct scan_person *p, struct stmt *st)
{
	p->id = db_int(st, 0);
	p->unit_id = db_int(st, 1);
	p->nach = 0;
}

/* the codes and names of a person listed: read for the page only, so that
** the scan itself stays in the indexes */
static int person_names(struct eval *e, struct elig_person *x)
{
	struct stmt *st = db_query(e->db, "SELECT p.code, p.full_name, u.code, u.name FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
				   "i", x->person_id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		x->code = arena_strdup(e->a, db_text(st, 0)); /* NULL: a person without a code */
		x->full_name = arena_strdup(e->a, db_text(st, 1));
		x->unit_code = arena_strdup(e->a, db_text(st, 2));
		x->unit_name = arena_strdup(e->a, db_text(st, 3));
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : E_DB;
}

static int person_record(struct scan_person *p, struct stmt *st)
{
	if (p->nach == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		struct ach *more = realloc(p->ach, sizeof *more * (size_t)cap);
		if (!more) return E_DB;
		p->ach = more;
		p->cap = cap;
	}
	ach_read(&p->ach[p->nach++], st, 2);
	return E_OK;
}

/* 1 when the records hold the title code for the year: the award is held already */
static int held_in(const struct ach *ach, int n, const char *code, int year)
{
	for (int i = 0; i < n; i++)
		if (ach[i].kind == 't' && ach[i].year == year && !strcmp(ach[i].value, code)) return 1;
	return 0;
}

/* 1 when the rule asks the database about others (members, quota): then a
** verdict depends on more than the person's own records */
static int asks_others(const struct rule_node *n)
{
	if (n->kind != RN_COND) return asks_others(n->left) || asks_others(n->right);
	return n->cond->kind == RC_MEMBERS || n->cond->kind == RC_QUOTA;
}

/* the person's verdict (empty >= 0: the verdict of anyone without records,
** known beforehand); listed (with its words) when its place among those of
** the verdicts asked for falls in the page */
static int person_end(struct eval *e, const struct rule_node *rule, const struct elig_scan_query *q, struct scan_person *p, int empty,
		      struct elig_scan *out, int *cap)
{
	struct elig_subject s = { .person_id = p->id, .unit_id = p->unit_id };
	e->s = &s;
	e->ach = p->ach;
	e->nach = p->nach;
	e->members = -1;
	enum elig_verdict v;
	int rc = E_OK;
	if (!p->nach && empty >= 0) v = (enum elig_verdict)empty;
	else rc = judge(e, rule, NULL, &v);
	if (rc != E_OK) return rc;
	int held = q->held_code && held_in(p->ach, p->nach, q->held_code, q->year);
	if (held) v = ELIG_INELIGIBLE;
	out->people++;
	out->counts[v]++;
	if (!(q->verdicts & (1u << v))) return E_OK;
	int64_t place = out->total++;
	if (place < q->offset || (q->limit >= 0 && place >= q->offset + q->limit)) return E_OK;
	if (out->nitems == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		struct elig_person *more = arena_alloc(e->a, sizeof *more * (size_t)*cap);
		if (out->nitems) memcpy(more, out->items, sizeof *more * (size_t)out->nitems);
		out->items = more;
	}
	struct elig_person *x = &out->items[out->nitems++];
	x->person_id = p->id;
	x->held = held;
	rc = person_names(e, x);
	if (rc == E_OK) rc = judge(e, rule, &x->res, &v);
	if (held) x->res.verdict = ELIG_INELIGIBLE;
	return rc;
}

/* The one query: the active people of the subtree in the order of their
** units' paths and their names, each with the records the rule can look at,
** by year (no record: one row with NULLs). Only indexes are read: the
** units' paths, the people of a unit by name, the records by person and
** year (migration 021). The filter names only what the rule needs, each an
** equality (an IN list of parameters costs SQLite a lookup per record). */
static struct stmt *records_query(struct db *db, const char *head, const char *tail, const char *lo, const char *hi, int year,
				  const struct needs *nd)
{
	const char *vals[3 + SCAN_CODES + 1];
	int nv = 0;
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, head);
	buf_raw(&sql, " AND a.year >= $3 AND a.year <= $4 AND (1 = 0");
	const char *kinds[] = { nd->rating ? "rating" : NULL, nd->initiative ? "initiative" : NULL, nd->discipline ? "discipline" : NULL,
				nd->all_titles ? "title" : NULL };
	for (int i = 0; i < 4; i++)
		if (kinds[i]) {
			vals[nv++] = kinds[i];
			buf_printf(&sql, " OR a.kind = $%d", 4 + nv);
		}
	if (!nd->all_titles)
		for (int i = 0; i < nd->ncodes; i++) {
			vals[nv++] = nd->codes[i];
			buf_printf(&sql, " OR (a.kind = 'title' AND a.value = $%d)", 4 + nv);
		}
	buf_raw(&sql, ") WHERE u.path >= $1 AND u.path < $2 ORDER BY ");
	buf_raw(&sql, tail);
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return NULL;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	db_bind_int(st, 3, nd->from);
	db_bind_int(st, 4, year);
	for (int i = 0; i < nv; i++) db_bind_text(st, 5 + i, vals[i]);
	return st;
}

static struct stmt *scan_query(struct db *db, const char *lo, const char *hi, int year, const struct needs *nd)
{
	return records_query(db,
			     "SELECT p.id, p.unit_id, a.year, a.kind, a.value "
			     "FROM units u JOIN people p ON p.unit_id = u.id AND p.active = 1 LEFT JOIN achievements a ON a.person_id = p.id",
			     "u.path, p.sort_key, p.id, a.year", lo, hi, year, nd);
}

/* ---- the scan by holder ----
** When nobody without a record can be anything but ineligible (the verdict
** of no records is "ineligible") and the ineligible are not listed, only
** the people with a record the rule looks at matter: their records are read
** unit by unit through achievements_holder (migration 025: a person's
** records carry the person's unit while active), one seek per unit of the
** subtree instead of one per person, and the others are counted. The people
** whose verdict is not "ineligible" are kept; the page of them is put in the
** order of the full scan (units' paths, then names) by reading, for the
** units it falls in, their people in order, and only those listed are read
** again and written out with words, as a single check would. */

struct hold_row {
	int64_t person_id;
	struct ach a;
};

struct cand {
	int64_t person_id, unit_id;
	enum elig_verdict v;
};

struct holder {
	struct hold_row *rows;     /* the current unit's rows */
	int nrows, caprows;
	struct ach *ach;           /* one person's records, for the walk */
	int capach;
	struct cand *cands;        /* every person not ineligible, by unit in path order */
	int64_t ncands, capcands;
};

static int hold_row_cmp(const void *x, const void *y)
{
	const struct hold_row *a = x, *b = y;
	if (a->person_id != b->person_id) return a->person_id < b->person_id ? -1 : 1;
	return (a->a.year > b->a.year) - (a->a.year < b->a.year);
}

/* judges the people of the unit's rows (none asks the database: no member or quota condition) */
static int holder_unit(struct eval *e, const struct rule_node *rule, const struct elig_scan_query *q, int64_t unit_id, struct holder *h,
		       struct elig_scan *out)
{
	qsort(h->rows, (size_t)h->nrows, sizeof *h->rows, hold_row_cmp);
	for (int i = 0; i < h->nrows;) {
		int k = i;
		while (k < h->nrows && h->rows[k].person_id == h->rows[i].person_id) k++;
		if (k - i > h->capach) {
			struct ach *more = realloc(h->ach, sizeof *more * (size_t)(k - i));
			if (!more) return E_DB;
			h->ach = more;
			h->capach = k - i;
		}
		for (int j = i; j < k; j++) h->ach[j - i] = h->rows[j].a;
		struct elig_subject s = { .person_id = h->rows[i].person_id, .unit_id = unit_id };
		e->s = &s;
		e->ach = h->ach;
		e->nach = k - i;
		e->members = -1;
		enum elig_verdict v;
		if (judge(e, rule, NULL, &v) != E_OK) return E_DB;
		e->s = NULL;
		if (q->held_code && held_in(h->ach, k - i, q->held_code, q->year)) v = ELIG_INELIGIBLE;
		if (v != ELIG_INELIGIBLE) {
			out->counts[v]++;
			if (h->ncands == h->capcands) {
				int64_t cap = h->capcands ? h->capcands * 2 : 256;
				struct cand *more = realloc(h->cands, sizeof *more * (size_t)cap);
				if (!more) return E_DB;
				h->cands = more;
				h->capcands = cap;
			}
			h->cands[h->ncands++] = (struct cand){ .person_id = s.person_id, .unit_id = unit_id, .v = v };
		}
		i = k;
	}
	h->nrows = 0;
	return E_OK;
}

/* the records of the subtree's active people that the rule looks at, unit by unit in path order */
static struct stmt *holder_query(struct db *db, const char *lo, const char *hi, int year, const struct needs *nd)
{
	return records_query(db,
			     "SELECT a.holder_unit_id, a.person_id, a.year, a.kind, a.value FROM units u JOIN achievements a ON a.holder_unit_id = u.id",
			     "u.path", lo, hi, year, nd);
}

static int cand_id_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	return (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

/* lists the unit's candidates c[0..n) that the query asks for, in the order
** of the unit's people (name, then id), from place *place on */
static int holder_list(struct eval *e, const struct rule_node *rule, const struct elig_scan_query *q, struct cand *c, int64_t n,
		       int64_t *place, struct elig_scan *out, int *cap)
{
	qsort(c, (size_t)n, sizeof *c, cand_id_cmp);
	struct stmt *st = db_query(e->db, "SELECT p.id FROM people p WHERE p.unit_id = $1 AND p.active = 1 ORDER BY p.sort_key, p.id", "i",
				   c[0].unit_id);
	if (!st) return E_DB;
	/* the ids first: listing a person queries (names, records) */
	int64_t *order = malloc(sizeof *order * (size_t)n), k = 0;
	if (!order) {
		db_done(st);
		return E_DB;
	}
	int rc;
	while ((rc = db_step(st)) == DB_ROW && k < n) {
		struct cand key = { .person_id = db_int(st, 0) };
		struct cand *x = bsearch(&key, c, (size_t)n, sizeof *c, cand_id_cmp);
		if (x && (q->verdicts & (1u << x->v))) order[k++] = x->person_id;
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) {
		free(order);
		return E_DB;
	}
	rc = E_OK;
	for (int64_t i = 0; i < k && rc == E_OK; i++, (*place)++) {
		if (*place < q->offset || (q->limit >= 0 && *place >= q->offset + q->limit)) continue;
		if (out->nitems == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			struct elig_person *more = arena_alloc(e->a, sizeof *more * (size_t)*cap);
			if (out->nitems) memcpy(more, out->items, sizeof *more * (size_t)out->nitems);
			out->items = more;
		}
		struct elig_person *x = &out->items[out->nitems++];
		x->person_id = order[i];
		x->held = 0; /* a holder is no candidate */
		struct elig_subject *s = arena_alloc(e->a, sizeof *s);
		*s = (struct elig_subject){ .person_id = order[i], .unit_id = c[0].unit_id };
		e->s = s;
		e->members = -1;
		enum elig_verdict v;
		rc = person_names(e, x);
		if (rc == E_OK) rc = load(e);
		if (rc == E_OK) rc = judge(e, rule, &x->res, &v);
	}
	free(order);
	return rc;
}

static int scan_by_holder(struct eval *e, const struct rule_node *rule, const struct elig_scan_query *q, const char *lo, const char *hi,
			  const struct needs *nd, struct elig_scan *out)
{
	struct holder h = { .rows = NULL };
	struct stmt *st = holder_query(e->db, lo, hi, q->year, nd);
	if (!st) return E_DB;
	int64_t unit = 0;
	int rc = E_OK, step;
	while (rc == E_OK && (step = db_step(st)) == DB_ROW) {
		int64_t u = db_int(st, 0);
		if (u != unit) {
			if (h.nrows) rc = holder_unit(e, rule, q, unit, &h, out);
			unit = u;
		}
		if (rc != E_OK) break;
		if (h.nrows == h.caprows) {
			int cap = h.caprows ? h.caprows * 2 : 256;
			struct hold_row *more = realloc(h.rows, sizeof *more * (size_t)cap);
			if (!more) {
				rc = E_DB;
				break;
			}
			h.rows = more;
			h.caprows = cap;
		}
		struct hold_row *r = &h.rows[h.nrows++];
		r->person_id = db_int(st, 1);
		ach_read(&r->a, st, 2);
	}
	if (rc == E_OK && step != DB_DONE) rc = E_DB;
	db_done(st);
	if (rc == E_OK && h.nrows) rc = holder_unit(e, rule, q, unit, &h, out);
	free(h.rows);
	free(h.ach);
	int64_t people = 0;
	if (rc == E_OK &&
	    db_int1(e->db, &people, "SELECT count(*) FROM units u JOIN people p ON p.unit_id = u.id AND p.active = 1 WHERE u.path >= $1 AND u.path < $2",
		    "tt", lo, hi) != DB_ROW)
		rc = E_DB;
	if (rc == E_OK) {
		out->people = people;
		out->counts[ELIG_INELIGIBLE] = people - out->counts[ELIG_ELIGIBLE] - out->counts[ELIG_MANUAL];
		out->by_holder = 1;
		for (int64_t i = 0; i < h.ncands; i++) out->total += (q->verdicts >> h.cands[i].v) & 1;
		/* the page: the units it falls in are put in order */
		int64_t place = 0;
		int cap = 0;
		for (int64_t i = 0; i < h.ncands && rc == E_OK && (q->limit < 0 || place < q->offset + q->limit);) {
			int64_t k = i, asked = 0;
			for (; k < h.ncands && h.cands[k].unit_id == h.cands[i].unit_id; k++) asked += (q->verdicts >> h.cands[k].v) & 1;
			if (asked && place + asked > q->offset) rc = holder_list(e, rule, q, h.cands + i, k - i, &place, out, &cap);
			else place += asked;
			i = k;
		}
	}
	free(h.cands);
	return rc;
}

int elig_scan(struct db *db, struct arena *a, const char *lang, const struct rule_node *rule, const struct elig_scan_query *q,
	      struct elig_scan *out)
{
	memset(out, 0, sizeof *out);
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
	int rc = units_subtree(db, q->unit_id, lo, hi, sizeof lo);
	if (rc != E_OK) return rc;
	struct needs nd = { .from = q->year + 1 };
	needs_of(rule, q->year, &nd);
	if (q->held_code) need_code(&nd, q->held_code); /* the records of the award held for the year */
	if (nd.from > q->year) nd.from = q->year; /* nothing to read: the range stays valid */
	struct eval *e = arena_alloc(a, sizeof *e);
	eval_init(e, db, a, lang, q->year);
	/* most people have none of the records the rule looks at: their verdict is one walk */
	int empty = -1;
	if (!asks_others(rule)) {
		struct elig_subject none = { .person_id = 1 };
		enum elig_verdict v;
		e->s = &none;
		if (judge(e, rule, NULL, &v) != E_OK) return E_DB;
		empty = (int)v;
	}
	if (empty == ELIG_INELIGIBLE && !(q->verdicts & (1u << ELIG_INELIGIBLE))) return scan_by_holder(e, rule, q, lo, hi, &nd, out);
	struct scan_person p = { .id = 0 };
	struct stmt *st = scan_query(db, lo, hi, q->year, &nd);
	if (!st) return E_DB;
	int cap = 0, step;
	rc = E_OK;
	while (rc == E_OK && (step = db_step(st)) == DB_ROW) {
		int64_t id = db_int(st, 0);
		if (id != p.id) {
			if (p.id) rc = person_end(e, rule, q, &p, empty, out, &cap);
			person_start(&p, st);
		}
		if (rc == E_OK && !db_isnull(st, 2)) rc = person_record(&p, st);
	}
	if (rc == E_OK && step != DB_DONE) rc = E_DB;
	db_done(st);
	/* the last person, once the statement is done: a walk may query (members, quota) */
	if (rc == E_OK && p.id) rc = person_end(e, rule, q, &p, empty, out, &cap);
	free(p.ach);
	return rc;
}
