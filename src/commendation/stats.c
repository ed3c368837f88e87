/* Who received what (commendation.h): the awards held — records of kind
** "title" — searched by subtree, year, award, level and subject, and the
** yearly table per issuing authority with the shares boards must report
** (seed 001: priority to people who work directly in production and to small
** collectives). */
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../units/units.h"
#include "commendation.h"

/* $1 year $2 award $3 level $4 subject $5/$6 subtree, $7 search; ranges from $10 */
static void add_where(struct buf *w, const struct award_query *q, char hi[][UNIT_PATH_MAX])
{
	buf_raw(w, " WHERE x.kind = 'title' AND ($1 = 0 OR x.year = $1) AND ($2 = '' OR x.value = $2) AND ($3 = '' OR aw.level = $3)"
		   " AND ($4 = '' OR ($4 = 'person' AND x.person_id IS NOT NULL) OR ($4 = 'collective' AND x.unit_id IS NOT NULL))");
	if (q->under_path[0]) buf_raw(w, " AND u.path >= $5 AND u.path < $6");
	if (q->q && *q->q) buf_raw(w, " AND (COALESCE(pp.search, '') || ' ' || u.search) LIKE $7 ESCAPE '\\'");
	if (q->nranges >= 0) scope_ranges_sql(w, "1 = 0", "u.path", NULL, 10, q->range_lo, q->nranges, hi);
}

static void bind_where(struct stmt *st, const struct award_query *q, const char *pat, char hi[][UNIT_PATH_MAX])
{
	char uhi[UNIT_PATH_MAX] = "";
	if (q->under_path[0]) subtree_end(uhi, sizeof uhi, q->under_path);
	db_bind_int(st, 1, q->year);
	db_bind_text(st, 2, q->award ? q->award : "");
	db_bind_text(st, 3, q->level ? q->level : "");
	db_bind_text(st, 4, q->subject ? q->subject : "");
	db_bind_text(st, 5, q->under_path);
	db_bind_text(st, 6, uhi);
	db_bind_text(st, 7, pat);
	scope_ranges_bind(st, 10, q->range_lo, q->nranges, hi);
}

#define RECV_FROM                                                                                  \
	" FROM achievements x JOIN awards aw ON aw.code = x.value LEFT JOIN people pp ON pp.id = x.person_id " \
	"JOIN units u ON u.id = COALESCE(x.unit_id, pp.unit_id)"

int awards_received(struct db *db, struct arena *a, const struct award_query *q, const char *lang, struct achievement **items, int *n,
		    int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	char hi[AWARD_MAX_RANGES][UNIT_PATH_MAX];
	struct buf w, sql;
	buf_init(&w);
	buf_init(&sql);
	add_where(&w, q, hi);
	const char *pat = q->q && *q->q ? like_pattern(a, q->q) : NULL;
	int rc = E_DB;
	buf_printf(&sql, "SELECT count(*)" RECV_FROM "%s", buf_cstr(&w));
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	if (!st) goto out;
	bind_where(st, q, pat, hi);
	*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
	db_done(st);
	buf_reset(&sql);
	buf_printf(&sql, "SELECT x.id" RECV_FROM "%s ORDER BY x.year DESC, aw.position, u.sort_key, x.id LIMIT $8 OFFSET $9", buf_cstr(&w));
	st = db_prep(db, buf_cstr(&sql));
	if (!st) goto out;
	bind_where(st, q, pat, hi);
	db_bind_int(st, 8, q->limit);
	db_bind_int(st, 9, q->offset);
	int64_t *ids = arena_alloc(a, sizeof *ids * (size_t)(q->limit > 0 ? q->limit : 1));
	int nid = 0;
	while (nid < q->limit && db_step(st) == DB_ROW) ids[nid++] = db_int(st, 0);
	db_done(st);
	*items = arena_alloc(a, sizeof **items * (size_t)(nid ? nid : 1));
	for (int i = 0; i < nid; i++) {
		struct achievement *x;
		if (achievements_get(db, a, ids[i], lang, &x) == E_OK) (*items)[(*n)++] = *x;
	}
	rc = E_OK;
out:
	buf_free(&w);
	buf_free(&sql);
	return rc;
}

int awards_yearly(struct db *db, struct arena *a, const struct award_query *q, int small_level, struct award_year_row **rows, int *n,
		  struct award_year_row *all)
{
	*rows = NULL;
	*n = 0;
	memset(all, 0, sizeof *all);
	all->authority = "";
	char hi[AWARD_MAX_RANGES][UNIT_PATH_MAX];
	struct buf w, sql;
	buf_init(&w);
	buf_init(&sql);
	add_where(&w, q, hi);
	/* per authority: awards to people (of them, working directly in production
	** on 31 December of the year), to collectives (of them, small: a unit whose
	** kind sits at small_level or below) */
	buf_printf(&sql,
		   "SELECT COALESCE(x.authority, ''), count(*), count(x.person_id), "
		   "sum(CASE WHEN x.person_id IS NOT NULL AND (SELECT d.direct FROM person_direct_work d WHERE d.person_id = x.person_id "
		   "AND d.valid_from <= x.year || '-12-31' ORDER BY d.valid_from DESC LIMIT 1) = 1 THEN 1 ELSE 0 END), "
		   "count(x.unit_id), sum(CASE WHEN x.unit_id IS NOT NULL AND k.level >= $8 THEN 1 ELSE 0 END)"
		   RECV_FROM " JOIN unit_kinds k ON k.code = u.kind%s GROUP BY COALESCE(x.authority, '') ORDER BY count(*) DESC, 1",
		   buf_cstr(&w));
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = E_DB;
	if (!st) goto out;
	const char *pat = q->q && *q->q ? like_pattern(a, q->q) : NULL;
	bind_where(st, q, pat, hi);
	db_bind_int(st, 8, small_level);
	int cap = 16;
	*rows = arena_alloc(a, sizeof **rows * (size_t)cap);
	while (db_step(st) == DB_ROW) {
		if (*n == cap) {
			struct award_year_row *g = arena_alloc(a, sizeof *g * (size_t)cap * 2);
			memcpy(g, *rows, sizeof *g * (size_t)cap);
			*rows = g;
			cap *= 2;
		}
		struct award_year_row *r = &(*rows)[(*n)++];
		r->authority = arena_strdup(a, db_text(st, 0));
		r->awards = db_int(st, 1);
		r->people = db_int(st, 2);
		r->direct_workers = db_int(st, 3);
		r->collectives = db_int(st, 4);
		r->small_collectives = db_int(st, 5);
		all->awards += r->awards;
		all->people += r->people;
		all->direct_workers += r->direct_workers;
		all->collectives += r->collectives;
		all->small_collectives += r->small_collectives;
	}
	db_done(st);
	rc = E_OK;
out:
	buf_free(&w);
	buf_free(&sql);
	return rc;
}
