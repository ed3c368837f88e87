/* The people list and the search by words (the word index is kept by
** people_words.c). */
#include "people_int.h"

#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"

/* ---- the list and the search ----
**
** Without q, a list walks people (by unit, subtree or everything) and counts
** exactly. With q, the folded query is cut into terms; a person matches when
** every term starts one word of their name, in any order ("van ng" finds
** "Nguyễn Văn An"). The words live in person_words (migration 008), one row
** per distinct word of a person, keyed (word, search, person_id) so that one
** word's rows come in name order; person_word_counts says how many people
** have each word. The rarest term drives: its rows are walked and the other
** terms are checked on the folded name the rows carry (' ' || search LIKE
** '% term%': a word starts with the term). The count stops past
** PEOPLE_COUNT_CAP. */

#define TERMS_MAX 8
/* few: a term with fewer people than this has its matches counted and sorted
** outright; scope: 0 chooses, 1 always reads the people of a unit or subtree,
** -1 never; prefix_walk: a one-term search by a prefix of several words with
** fewer than few people walks people in name order when its matches are
** dense (prefix_dense), 0 never, -1 always. The unit tests change them to
** run every plan on small data. */
struct people_search_tuning people_search_tuning = { 5000, 0, 14 };
#define PROBE_ROWS 1000  /* rows of a word's name-ordered list sampled to pick the page's walk */
/* a statement's parameters: the three counts of a split in one statement
** each bind a part's driver, range, checks, filters and cap */
#define PARAMS_MAX (3 * (16 + 2 * PEOPLE_MAX_RANGES + 2 * TERMS_MAX))

/* Parameters numbered in the order the SQL text asks for them. */
struct params {
	int n;
	char kind[PARAMS_MAX];
	int64_t i[PARAMS_MAX];
	const char *t[PARAMS_MAX];
};

/* past PARAMS_MAX (no query this file builds gets there) the last slot is
** reused: the statement then binds wrong values and its answer is wrong, but
** nothing is written out of bounds */
static int par_int(struct params *p, int64_t v)
{
	if (p->n == PARAMS_MAX) p->n--;
	p->kind[p->n] = 'i';
	p->i[p->n] = v;
	return ++p->n;
}

static int par_text(struct params *p, const char *v)
{
	if (p->n == PARAMS_MAX) p->n--;
	p->kind[p->n] = 't';
	p->t[p->n] = v;
	return ++p->n;
}

static struct stmt *prep_bound(struct db *db, struct buf *sql, const struct params *p)
{
	struct stmt *st = db_prep(db, buf_cstr(sql));
	if (!st) return NULL;
	for (int k = 0; k < p->n; k++) {
		if (p->kind[k] == 'i') db_bind_int(st, k + 1, p->i[k]);
		else db_bind_text(st, k + 1, p->t[k]);
	}
	return st;
}

struct term {
	const char *text;   /* folded, no spaces */
	const char *hi;     /* the first text after every word starting with text */
	const char *like;   /* "% text%": a word of " " || search starts with text */
	const char *word;   /* the only indexed word starting with text; NULL when several */
	int64_t size;       /* people with a word starting with text */
};

/* the subtree bounds of the query, computed once */
struct bounds {
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
	char rhi[PEOPLE_MAX_RANGES][UNIT_PATH_MAX];
};

static int need_units(const struct people_query *q) { return q->under > 0 || q->nranges >= 0; }

/* " AND ..." for the unit, subtree, active and scope filters on the row alias
** x (p: people, w: person_words) whose unit is joined as ux */
static void add_filters(struct buf *sql, struct params *pp, const struct people_query *q, const struct bounds *b, const char *x,
			const char *ux)
{
	if (q->unit > 0) buf_printf(sql, " AND %s.unit_id = $%d", x, par_int(pp, q->unit));
	if (q->under > 0) {
		int lo = par_text(pp, b->lo), hi = par_text(pp, b->hi);
		buf_printf(sql, " AND %s.path >= $%d AND %s.path < $%d", ux, lo, ux, hi);
	}
	if (q->inactive == 0) buf_printf(sql, " AND %s.active = 1", x);
	else if (q->inactive == 2) buf_printf(sql, " AND %s.active = 0", x);
	if (q->nranges >= 0) {
		buf_raw(sql, " AND (1 = 0");
		for (int i = 0; i < q->nranges; i++) {
			int lo = par_text(pp, q->range_lo[i]), hi = par_text(pp, b->rhi[i]);
			buf_printf(sql, " OR (%s.path >= $%d AND %s.path < $%d)", ux, lo, ux, hi);
		}
		buf_raw(sql, ")");
	}
}

/* " AND (' ' || x.search) LIKE ..." for every term but skip (-1: all). The
** terms hold no LIKE wildcard: fold_words() makes every ASCII punctuation
** character a separator. */
/* the same, skipping two terms: the rows' range of names already says that
** the first word starts with skip2 */
static void add_checks_but(struct buf *sql, struct params *pp, const struct term *t, int nt, int skip, int skip2, const char *x)
{
	for (int i = 0; i < nt; i++)
		if (i != skip && i != skip2) buf_printf(sql, " AND (' ' || %s.search) LIKE $%d", x, par_text(pp, t[i].like));
}

static void add_checks(struct buf *sql, struct params *pp, const struct term *t, int nt, int skip, const char *x)
{
	add_checks_but(sql, pp, t, nt, skip, -1, x);
}

/* the rows of person_words that term d selects */
static void add_driver(struct buf *sql, struct params *pp, const struct term *d)
{
	if (d->word) buf_printf(sql, " AND w.word = $%d", par_text(pp, d->word));
	else {
		int lo = par_text(pp, d->text), hi = par_text(pp, d->hi);
		buf_printf(sql, " AND w.word >= $%d AND w.word < $%d", lo, hi);
	}
}

/* Cuts the folded query into at most TERMS_MAX terms; a term that begins
** another one adds nothing ("ng" beside "nguyen") and is dropped. */
static int parse_terms(struct arena *a, const char *q, struct term *t)
{
	struct buf f;
	buf_init(&f);
	fold_words(&f, q);
	char *s = arena_strdup(a, buf_cstr(&f));
	buf_free(&f);
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(tok);
		int placed = 0;
		for (int i = 0; i < n; i++) {
			if (strncmp(t[i].text, tok, len) == 0) placed = 1; /* tok begins t[i]: nothing to add */
			else if (strncmp(t[i].text, tok, strlen(t[i].text)) == 0) { t[i].text = tok; placed = 1; } /* t[i] begins tok */
		}
		if (!placed && n < TERMS_MAX) t[n++].text = tok;
	}
	/* a replaced term may now duplicate another: keep the first */
	int m = 0;
	for (int i = 0; i < n; i++) {
		int dup = 0;
		for (int j = 0; j < m && !dup; j++) dup = strcmp(t[j].text, t[i].text) == 0;
		if (!dup) t[m++] = t[i];
	}
	for (int i = 0; i < m; i++) {
		size_t len = strlen(t[i].text);
		char *hi = arena_strdup(a, t[i].text);
		hi[len - 1]++; /* valid UTF-8 never holds 0xFF */
		t[i].hi = hi;
		t[i].like = arena_printf(a, "%% %s%%", t[i].text);
		t[i].word = NULL;
		t[i].size = 0;
	}
	return m;
}

/* Finds for each term whether one word or several start with it, and how
** many people have them, from person_word_counts: one statement for all
** the terms (on PostgreSQL each statement is a round trip), a row per term.
** Returns 0 when some term starts no word, 1, or -1. */
static int resolve_terms(struct db *db, struct arena *a, struct term *t, int nt)
{
	struct buf sql;
	buf_init(&sql);
	for (int i = 0; i < nt; i++)
		buf_printf(&sql, "%sSELECT %d, min(word), max(word), sum(people) FROM person_word_counts WHERE word >= $%d AND word < $%d AND people > 0",
			   i ? " UNION ALL " : "", i, 2 * i + 1, 2 * i + 2);
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return -1;
	for (int i = 0; i < nt; i++) {
		db_bind_text(st, 2 * i + 1, t[i].text);
		db_bind_text(st, 2 * i + 2, t[i].hi);
	}
	int rows = 0, found = 1, s;
	while ((s = db_step(st)) == DB_ROW) {
		int64_t i = db_int(st, 0);
		if (i < 0 || i >= nt) continue;
		rows++;
		if (db_isnull(st, 1)) { found = 0; continue; }
		t[i].word = strcmp(db_text(st, 1), db_text(st, 2)) == 0 ? arena_strdup(a, db_text(st, 1)) : NULL;
		t[i].size = db_int(st, 3);
	}
	db_done(st);
	if (s != DB_DONE || rows != nt) return -1;
	return found;
}

/* How many of the first PROBE_ROWS people of word d, in name order, match
** every other term: the walk of a page in name order stops soonest on the
** word whose matches come first. */
static int64_t probe(struct db *db, const struct term *t, int nt, int d)
{
	struct buf sql;
	struct params pp = { 0 };
	buf_init(&sql);
	buf_printf(&sql, "SELECT count(*) FROM (SELECT w.search FROM person_words w WHERE w.word = $%d ORDER BY w.search, w.person_id LIMIT $%d) w WHERE 1 = 1",
		   par_text(&pp, t[d].word), par_int(&pp, PROBE_ROWS));
	add_checks(&sql, &pp, t, nt, d, "w");
	int64_t hits = -1;
	struct stmt *st = prep_bound(db, &sql, &pp);
	if (st && db_step(st) == DB_ROW) hits = db_int(st, 0);
	db_done(st);
	buf_free(&sql);
	return hits;
}

static int read_page(struct db *db, struct arena *a, struct buf *sql, struct params *pp, const struct people_query *q,
		     struct person **items, int *n)
{
	int lim = par_int(pp, q->limit), off = par_int(pp, q->offset);
	buf_printf(sql, " LIMIT $%d OFFSET $%d", lim, off);
	struct stmt *st = prep_bound(db, sql, pp);
	if (!st) return E_DB;
	int cap = (int)(q->limit > 0 ? q->limit : 1);
	*items = arena_alloc(a, sizeof(struct person) * (size_t)cap);
	*n = 0;
	while (*n < cap && db_step(st) == DB_ROW) read_person(st, a, &(*items)[(*n)++]);
	db_done(st);
	return E_OK;
}

static int count_rows(struct db *db, struct buf *sql, const struct params *pp, int64_t *out)
{
	struct stmt *st = prep_bound(db, sql, pp);
	if (!st) return E_DB;
	int rc = db_step(st);
	*out = rc == DB_ROW ? db_int(st, 0) : 0;
	db_done(st);
	return rc == DB_ROW ? E_OK : E_DB;
}

static const char *const sort_keys[] = { "name", "code", "birth_year", "unit", "position", "updated_at", NULL };
/* Lists sort names in Vietnamese order by their sort key (migration 009):
** Anh, Ân, Dương, Đặng. A search keeps the order of the folded names that
** its word index walks ("Đặng" among the D, whatever the accents): every
** plan of a search must give one order, page after page. */
/* code, birth year and position may be missing: NULLS FIRST (db_order_by) */
static const char *const sort_cols[] = { "p.sort_key", "p.code NULLS FIRST", "p.birth_year NULLS FIRST", "u.sort_key",
					 "p.position NULLS FIRST", "p.updated_at", NULL };
static const char *const search_cols[] = { "p.search", "p.code NULLS FIRST", "p.birth_year NULLS FIRST", "u.sort_key",
					   "p.position NULLS FIRST", "p.updated_at", NULL };

static int list_plain(struct db *db, struct arena *a, const struct people_query *q, const struct bounds *b, struct person **items,
		      int *n, int64_t *total)
{
	struct buf sql;
	struct params pp = { 0 };
	buf_init(&sql);
	/* the units are joined only when a subtree limits the count */
	buf_printf(&sql, "SELECT count(*)%s WHERE 1 = 1", need_units(q) ? PERSON_FROM : " FROM people p ");
	add_filters(&sql, &pp, q, b, "p", "u");
	int rc = count_rows(db, &sql, &pp, total);
	if (rc == E_OK) {
		buf_reset(&sql);
		memset(&pp, 0, sizeof pp);
		buf_raw(&sql, "SELECT " PERSON_COLS PERSON_FROM " WHERE 1 = 1");
		add_filters(&sql, &pp, q, b, "p", "u");
		db_order_by(&sql, q->sort, sort_keys, sort_cols, "p.sort_key, p.id");
		rc = read_page(db, a, &sql, &pp, q, items, n);
	}
	buf_free(&sql);
	return rc;
}

/* whether term x should drive rather than y */
static int rarer(const struct term *x, const struct term *y)
{
	if (x->size != y->size) return x->size < y->size;
	if ((x->word != NULL) != (y->word != NULL)) return x->word != NULL;
	return strlen(x->text) > strlen(y->text);
}

/* The people whose name starts with a family name are one range of every
** word's rows: for "nguyen van", the rows of "van" from "nguyen" to "nguyeo".
** A split on term s cuts the matches, in name order, into three parts: 0 the
** names before that range and 2 those after it, both found among the rows
** of s itself (where s is not the first word: few, for a family name), and 1
** the names in the range, found among the rows of the word w. */
static void split_part(struct buf *sql, struct params *pp, const struct people_query *q, const struct bounds *b, const struct term *t,
		       int nt, int s, int w, int part, const char *cols)
{
	int drv = part == 1 ? w : s;
	buf_printf(sql, "SELECT %s FROM person_words w%s WHERE 1 = 1", cols, need_units(q) ? " JOIN units uw ON uw.id = w.unit_id" : "");
	add_driver(sql, pp, &t[drv]);
	if (part == 0) buf_printf(sql, " AND w.search < $%d", par_text(pp, t[s].text));
	if (part == 1) {
		int lo = par_text(pp, t[s].text), hi = par_text(pp, t[s].hi);
		buf_printf(sql, " AND w.search >= $%d AND w.search < $%d", lo, hi);
	}
	if (part == 2) buf_printf(sql, " AND w.search >= $%d", par_text(pp, t[s].hi));
	/* in the range of names the split term starts, it needs no check */
	add_checks_but(sql, pp, t, nt, drv, part == 1 ? s : -1, "w");
	add_filters(sql, pp, q, b, "w", "uw");
}

/* A term to split on: one word, not the driver, of which fewer than
** PROBE_ROWS rows lie outside the names it starts; the most common first.
** -1 when there is none. */
static int split_term(struct db *db, const struct term *t, int nt, int d)
{
	int tried[TERMS_MAX] = { 0 };
	for (;;) {
		int s = -1;
		for (int i = 0; i < nt; i++)
			if (i != d && t[i].word && !tried[i] && (s < 0 || t[i].size > t[s].size)) s = i;
		if (s < 0) return -1;
		tried[s] = 1;
		/* both sides in one statement: on PostgreSQL each is a round trip */
		int64_t before = PROBE_ROWS, after = PROBE_ROWS;
		struct stmt *st = db_query(db,
					   "SELECT (SELECT count(*) FROM (SELECT 1 FROM person_words WHERE word = $1 AND search < $2 LIMIT $4) c), "
					   "(SELECT count(*) FROM (SELECT 1 FROM person_words WHERE word = $1 AND search >= $3 LIMIT $4) d)",
					   "ttti", t[s].word, t[s].text, t[s].hi, (int64_t)PROBE_ROWS);
		if (st && db_step(st) == DB_ROW) {
			before = db_int(st, 0);
			after = db_int(st, 1);
		}
		db_done(st);
		if (before + after < PROBE_ROWS) return s;
	}
}

/* appends the ids of a query's rows to ids (at most want) */
static int collect_ids(struct db *db, struct buf *sql, const struct params *pp, int64_t *ids, int *nids, int want)
{
	struct stmt *st = prep_bound(db, sql, pp);
	if (!st) return E_DB;
	while (*nids < want && db_step(st) == DB_ROW) ids[(*nids)++] = db_int(st, 0);
	db_done(st);
	return E_OK;
}

/* A search within one unit, or one subtree with fewer people than the
** driver has rows, reads the people of the scope instead: the units of the
** subtree are a range of paths, and people_unit (unit_id, active, search)
** holds what the terms are checked on. */
#define SCOPE_CAP 30000

static int list_scope(struct db *db, struct arena *a, const struct people_query *q, const struct bounds *b, const char *lo,
		      const char *hi, struct term *t, int nt, struct person **items, int *n, int64_t *total)
{
	struct people_query rest = *q; /* the filters other than the scope's range */
	if (lo) { rest.under = 0; rest.nranges = -1; }
	struct buf sql;
	struct params pp = { 0 };
	buf_init(&sql);
	for (int pass = 0; pass < 2; pass++) {
		buf_reset(&sql);
		memset(&pp, 0, sizeof pp);
		buf_raw(&sql, pass == 0 ? "SELECT count(*) FROM (SELECT p.id" : "SELECT " PERSON_COLS);
		if (lo) {
			int l = par_text(&pp, lo), h = par_text(&pp, hi);
			buf_printf(&sql, " FROM units u CROSS JOIN people p WHERE p.unit_id = u.id AND u.path >= $%d AND u.path < $%d", l, h);
		} else {
			buf_raw(&sql, PERSON_FROM " WHERE 1 = 1");
		}
		add_checks(&sql, &pp, t, nt, -1, "p");
		add_filters(&sql, &pp, &rest, b, "p", "u");
		if (pass == 0) {
			buf_printf(&sql, " LIMIT $%d) c", par_int(&pp, PEOPLE_COUNT_CAP + 1));
			if (count_rows(db, &sql, &pp, total) != E_OK) break;
			if (*total == 0) { buf_free(&sql); return E_OK; }
		} else {
			db_order_by(&sql, q->sort, sort_keys, search_cols, "p.search, p.id");
			int rc = read_page(db, a, &sql, &pp, q, items, n);
			buf_free(&sql);
			return rc;
		}
	}
	buf_free(&sql);
	return E_DB;
}

/* One search: the query, its terms, the driver and the split chosen. */
struct search {
	struct db *db;
	struct arena *a;
	const struct people_query *q;
	const struct bounds *b;
	struct term *t;
	int nt;
	int d;                         /* the driver: the rarest term */
	int s;                         /* the term split on (a family name), or -1 */
	int64_t part[3];               /* with a split, the count of each part */
	const char *join_w;            /* the units join the filters need on person_words */
};

/* Resolves every term and picks the rarest as the driver. 1: go on; 0:
** some term starts no word, nobody matches; -1: error. */
static int pick_driver(struct search *x)
{
	int r = x->nt ? resolve_terms(x->db, x->a, x->t, x->nt) : 1;
	if (r <= 0) return r;
	x->d = 0;
	for (int i = 1; i < x->nt; i++)
		if (rarer(&x->t[i], &x->t[x->d])) x->d = i;
	return 1;
}

/* One unit, or one subtree with fewer people than the driver's rows: the
** scope's people are read (list_scope). 1 when it answered, into *rc. */
static int search_in_scope(struct search *x, struct person **items, int *n, int64_t *total, int *capped, int *rc)
{
	const struct people_query *q = x->q;
	const struct bounds *b = x->b;
	const struct term *dt = &x->t[x->d];
	const char *lo = q->under > 0 ? b->lo : q->unit <= 0 && q->nranges == 1 ? q->range_lo[0] : NULL;
	const char *hi = q->under > 0 ? b->hi : q->unit <= 0 && q->nranges == 1 ? b->rhi[0] : NULL;
	if (q->unit <= 0 && !lo) return 0;
	int64_t in_scope = 0;
	if (q->unit <= 0 &&
	    db_int1(x->db, &in_scope,
		    "SELECT count(*) FROM (SELECT 1 FROM units u CROSS JOIN people p "
		    "WHERE p.unit_id = u.id AND u.path >= $1 AND u.path < $2 LIMIT $3) c",
		    "tti", lo, hi, dt->size < SCOPE_CAP ? dt->size : (int64_t)SCOPE_CAP) != DB_ROW) {
		*rc = E_DB;
		return 1;
	}
	int scope = people_search_tuning.scope;
	if (!(scope > 0 || (scope == 0 && (q->unit > 0 || (in_scope < SCOPE_CAP && in_scope < dt->size))))) return 0;
	*rc = list_scope(x->db, x->a, q, b, q->unit > 0 ? NULL : lo, hi, x->t, x->nt, items, n, total);
	if (*rc == E_OK && *total > PEOPLE_COUNT_CAP) {
		*total = PEOPLE_COUNT_CAP;
		if (capped) *capped = 1;
	}
	return 1;
}

/* The count, up to the cap: the driver's rows, the other terms and the
** filters checked on each; with a split, the three parts. */
static int count_matches(struct search *x, struct buf *sql, int64_t *total)
{
	struct params pp = { 0 };
	const struct term *t = x->t;
	int d = x->d, rc = E_OK;
	if (x->s >= 0) {
		/* the three parts counted in one statement (a round trip on PostgreSQL) */
		*total = 0;
		buf_reset(sql);
		buf_raw(sql, "SELECT ");
		for (int k = 0; k < 3; k++) {
			buf_raw(sql, k ? ", (SELECT count(*) FROM (" : "(SELECT count(*) FROM (");
			split_part(sql, &pp, x->q, x->b, t, x->nt, x->s, d, k, k == 1 && !t[d].word ? "DISTINCT w.person_id" : "w.person_id");
			buf_printf(sql, " LIMIT $%d) c%d)", par_int(&pp, PEOPLE_COUNT_CAP + 1), k);
		}
		struct stmt *st = prep_bound(x->db, sql, &pp);
		if (!st) return E_DB;
		if (db_step(st) != DB_ROW) rc = E_DB;
		for (int k = 0; k < 3 && rc == E_OK; k++) {
			x->part[k] = db_int(st, k);
			*total += x->part[k];
		}
		db_done(st);
		return rc;
	}
	buf_reset(sql);
	/* a prefix of several words may meet a person twice */
	buf_printf(sql, "SELECT count(*) FROM (SELECT %sw.person_id FROM person_words w%s WHERE 1 = 1", t[d].word ? "" : "DISTINCT ", x->join_w);
	add_driver(sql, &pp, &t[d]);
	add_checks(sql, &pp, t, x->nt, d, "w");
	add_filters(sql, &pp, x->q, x->b, "w", "uw");
	buf_printf(sql, " LIMIT $%d) c", par_int(&pp, PEOPLE_COUNT_CAP + 1));
	return count_rows(x->db, sql, &pp, total);
}

/* The page in name order with a split: part by part, within the cap, where
** the sizes of the parts are known. */
static int page_of_parts(struct search *x, struct buf *sql, struct person **items, int *n)
{
	const struct people_query *q = x->q;
	struct params pp;
	int want = (int)q->limit, nids = 0, rc = E_OK;
	int64_t *ids = arena_alloc(x->a, sizeof *ids * (size_t)want), skip = q->offset;
	int w = x->t[x->d].word ? x->d : x->s; /* the word walked in the range */
	for (int k = 0; k < 3 && nids < want && rc == E_OK; k++) {
		if (skip >= x->part[k] && x->part[k] <= PEOPLE_COUNT_CAP) { skip -= x->part[k]; continue; }
		buf_reset(sql);
		memset(&pp, 0, sizeof pp);
		split_part(sql, &pp, q, x->b, x->t, x->nt, x->s, w, k, "w.person_id");
		int lim = par_int(&pp, want - nids), off = par_int(&pp, skip);
		buf_printf(sql, " ORDER BY w.search, w.person_id LIMIT $%d OFFSET $%d", lim, off);
		rc = collect_ids(x->db, sql, &pp, ids, &nids, want);
		skip = 0;
	}
	*items = arena_alloc(x->a, sizeof(struct person) * (size_t)(nids ? nids : 1));
	if (rc != E_OK || nids == 0) return rc;
	/* the people of the page in one query, put back in the order of the ids */
	buf_reset(sql);
	buf_raw(sql, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id IN (");
	for (int i = 0; i < nids; i++) buf_printf(sql, i ? ", $%d" : "$%d", i + 1);
	buf_raw(sql, ")");
	struct stmt *st = db_prep(x->db, buf_cstr(sql));
	if (!st) return E_DB;
	for (int i = 0; i < nids; i++) db_bind_int(st, i + 1, ids[i]);
	struct person *got = arena_alloc(x->a, sizeof *got * (size_t)nids);
	int ngot = 0;
	while (ngot < nids && db_step(st) == DB_ROW) read_person(st, x->a, &got[ngot++]);
	db_done(st);
	for (int i = 0; i < nids; i++)
		for (int j = 0; j < ngot; j++)
			if (got[j].id == ids[i]) { (*items)[(*n)++] = got[j]; break; }
	return E_OK;
}

/* Whether a prefix's matches are dense enough that walking people in name
** order finds the page sooner than sorting them all. Sorting costs about
** 0.55 us a match, the walk about 0.15 us a person passed (a province of
** 20 000 people, "thi": ~5 000 matches sorted in 2.9 ms, the walk 66 us);
** the walk passes about (offset + limit) x people / matches people, so it
** wins when matches^2 >= prefix_walk (14) x (offset + limit) x people. The
** highest id stands for the number of people (one statement on the
** primary key), asked only when the matches could pass the test at all. */
static int prefix_dense(struct search *x)
{
	int k = people_search_tuning.prefix_walk;
	if (k <= 0) return k < 0;
	int64_t size = x->t[x->d].size, want = x->q->offset + x->q->limit, people = 0;
	if (size < (int64_t)k * want) return 0; /* people >= size: no table is small enough */
	if (db_int1(x->db, &people, "SELECT COALESCE(max(id), 0) FROM people", "") != DB_ROW) return 0;
	return size * size >= (int64_t)k * want * people;
}

/* The word whose rows the page walks in name order, or -1; *people_walk when
** people themselves are walked in name order instead. */
static int choose_walk(struct search *x, int name_order, int *people_walk)
{
	const struct term *t = x->t;
	int walk = -1;
	*people_walk = 0;
	if (name_order && t[x->d].size < people_search_tuning.few) {
		if (t[x->d].word) walk = x->d;
		else *people_walk = x->nt == 1 && prefix_dense(x);
	} else if (name_order) {
		int64_t best = -1;
		for (int i = 0; i < x->nt; i++) {
			if (!t[i].word) continue;
			int64_t hits = x->nt > 1 ? probe(x->db, t, x->nt, i) : 0;
			if (hits > best || (hits == best && walk >= 0 && t[i].size < t[walk].size)) { best = hits; walk = i; }
		}
		*people_walk = walk < 0;
	}
	return walk;
}

/* The page without a split (see list_search) */
static int page_of_walk(struct search *x, struct buf *sql, int name_order, struct person **items, int *n)
{
	const struct people_query *q = x->q;
	const struct term *t = x->t;
	struct params pp = { 0 };
	int people_walk;
	int walk = choose_walk(x, name_order, &people_walk);
	buf_reset(sql);
	if (walk >= 0) {
		buf_printf(sql, "SELECT " PERSON_COLS " FROM (SELECT w.person_id AS pid, w.search AS s FROM person_words w%s WHERE 1 = 1", x->join_w);
		add_driver(sql, &pp, &t[walk]);
		add_checks(sql, &pp, t, x->nt, walk, "w");
		add_filters(sql, &pp, q, x->b, "w", "uw");
		int lim = par_int(&pp, q->limit), off = par_int(&pp, q->offset);
		buf_printf(sql, " ORDER BY w.search, w.person_id LIMIT $%d OFFSET $%d) m "
				"JOIN people p ON p.id = m.pid JOIN units u ON u.id = p.unit_id ORDER BY m.s, m.pid", lim, off);
		struct people_query first = *q;
		first.offset = 0; /* the inner query skipped the offset */
		return read_page(x->db, x->a, sql, &pp, &first, items, n);
	}
	if (people_walk) {
		buf_raw(sql, "SELECT " PERSON_COLS PERSON_FROM " WHERE 1 = 1");
		add_checks(sql, &pp, t, x->nt, -1, "p");
		add_filters(sql, &pp, q, x->b, "p", "u");
		buf_raw(sql, " ORDER BY p.search, p.id");
		return read_page(x->db, x->a, sql, &pp, q, items, n);
	}
	buf_printf(sql, "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id IN (SELECT w.person_id FROM person_words w%s WHERE 1 = 1", x->join_w);
	add_driver(sql, &pp, &t[x->d]);
	add_checks(sql, &pp, t, x->nt, x->d, "w");
	add_filters(sql, &pp, q, x->b, "w", "uw");
	buf_raw(sql, ")");
	db_order_by(sql, q->sort, sort_keys, search_cols, "p.search, p.id");
	return read_page(x->db, x->a, sql, &pp, q, items, n);
}

static int list_search(struct db *db, struct arena *a, const struct people_query *q, const struct bounds *b, struct term *t, int nt,
		       struct person **items, int *n, int64_t *total, int *capped)
{
	struct search x = { .db = db, .a = a, .q = q, .b = b, .t = t, .nt = nt, .s = -1 };
	int r = pick_driver(&x);
	if (r < 0) return E_DB;
	if (r == 0) return E_OK; /* no word starts with this term: nobody matches */
	int rc = E_OK;
	if (search_in_scope(&x, items, n, total, capped, &rc)) return rc;
	x.join_w = need_units(q) ? " JOIN units uw ON uw.id = w.unit_id" : "";
	int name_order = !q->sort || !*q->sort || strcmp(q->sort, "name") == 0;
	/* a driver of as many rows as a probe reads, or more (the tests' few
	** lower it): split on a family name when there is one. "nguyen van"
	** among 20 000 people (a province): "van" has ~2 900 rows, ~1 100 of them
	** outside the Nguyễn; walked whole, the count and the page took 420 us
	** of SQLite, the split parts ~100. */
	int64_t split_min = people_search_tuning.few < PROBE_ROWS ? people_search_tuning.few : PROBE_ROWS;
	if (t[x.d].size >= split_min && nt > 1) x.s = split_term(db, t, nt, x.d);
	struct buf sql;
	buf_init(&sql);
	rc = count_matches(&x, &sql, total);
	/* The page. In name order, the rows of one word are walked in the order
	** of the key and the walk stops after the page: with a split, part by part
	** (within the cap, where the sizes of the parts are known); else on the
	** driver when it is one word with few people; among common terms, on the
	** word whose first rows hold the most matches. A driver that is a prefix
	** of several words has no such order: its matches are sorted when it has
	** few people, and otherwise (all terms short and common, so matches are
	** dense) people are walked in name order. Other orders sort the driver's
	** matches. */
	if (rc == E_OK && *total != 0 && !(*total <= PEOPLE_COUNT_CAP && q->offset >= *total)) {
		if (name_order && x.s >= 0 && q->offset + q->limit <= PEOPLE_COUNT_CAP) rc = page_of_parts(&x, &sql, items, n);
		else rc = page_of_walk(&x, &sql, name_order, items, n);
	}
	buf_free(&sql);
	if (rc == E_OK && *total > PEOPLE_COUNT_CAP) {
		*total = PEOPLE_COUNT_CAP;
		if (capped) *capped = 1;
	}
	return rc;
}

int people_list(struct db *db, struct arena *a, const struct people_query *q, struct person **items, int *n, int64_t *total,
		int *capped)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	if (capped) *capped = 0;
	/* 18 KiB of room for paths, each written before it is read: not zeroed */
	struct bounds *b = arena_alloc_uninit(a, sizeof *b);
	b->lo[0] = b->hi[0] = 0;
	if (q->under > 0) {
		if (units_subtree(db, q->under, b->lo, b->hi, sizeof b->lo) != E_OK) return E_NOTFOUND;
	}
	for (int i = 0; i < q->nranges; i++) subtree_end(b->rhi[i], sizeof b->rhi[i], q->range_lo[i]);
	struct term t[TERMS_MAX];
	int nt = q->q && *q->q ? parse_terms(a, q->q, t) : 0;
	if (nt == 0) return list_plain(db, a, q, b, items, n, total);
	return list_search(db, a, q, b, t, nt, items, n, total, capped);
}
