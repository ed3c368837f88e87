/* The picker: the allowed choices of a unit or a person, the JSON endpoint
** that suggests them and the form helper (see picker.h). */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

#include "../base/fold.h"
#include "../base/util.h"
#include "../movements/movements.h"
#include "../tasks/tasks.h"
#include "../units/units.h"
#include "picker.h"
#include "../web/web.h"
#include "../web/roles.h"

#define PICK_MAX_RANGES 32

/* ---- the allowed choices ---- */

/* the narrower of two subtrees, or NULL when they do not overlap */
static const char *intersect(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la <= lb && strncmp(a, b, la) == 0) return b;
	if (lb < la && strncmp(a, b, lb) == 0) return a;
	return NULL;
}

/* adds a subtree unless one already there covers it; drops those it covers */
static void add_range(const char **lo, int *n, const char *path)
{
	if (!path) return;
	for (int i = 0; i < *n; i++)
		if (strncmp(path, lo[i], strlen(lo[i])) == 0) return;
	int k = 0;
	for (int i = 0; i < *n; i++)
		if (strncmp(lo[i], path, strlen(path)) != 0) lo[k++] = lo[i];
	*n = k;
	if (*n < PICK_MAX_RANGES) lo[(*n)++] = path;
}

/* the subtrees where the user holds perm; "/" for the whole tree */
static void grant_ranges(struct req *r, enum perm perm, const char **lo, int *n)
{
	if (!r->user) return;
	if (r->user->system) { add_range(lo, n, "/"); return; }
	for (int i = 0; i < r->user->ngrants; i++)
		if (role_can(r->user, perm, r->user->grants[i].unit_path)) add_range(lo, n, r->user->grants[i].unit_path);
}

/* registered: 0 any, 1 not registered in the movement (or withdrawn), 2 registered */
struct unit_pick_plan {
	int nranges;
	const char *lo[PICK_MAX_RANGES];
	int registered;
	int64_t movement;
	char ex_lo[UNIT_PATH_MAX], ex_hi[UNIT_PATH_MAX];
};

static int plan_units(struct req *r, const struct picker *p, struct unit_pick_plan *pl)
{
	memset(pl, 0, sizeof *pl);
	const char *purpose = p->purpose ? p->purpose : "";
	if (!strcmp(purpose, "registration") || !strcmp(purpose, "model")) {
		struct movement *m;
		if (p->movement <= 0 || movements_get(r->db, &r->a, p->movement, &m) != E_OK || !movement_readable(r->user, m)) return -1;
		pl->movement = m->id;
		int manager = movement_manageable(r->user, m);
		const char *mine[PICK_MAX_RANGES];
		int nmine = 0;
		if (manager) add_range(mine, &nmine, "/");
		else {
			char today[11];
			today_iso(today);
			/* after the deadline only an officer registers, on the unit's behalf */
			int late = !strcmp(purpose, "registration") && strcmp(today, m->register_by) > 0;
			grant_ranges(r, late ? PERM_MOVEMENT_MANAGE : PERM_MOVEMENT_REPORT, mine, &nmine);
		}
		if (!strcmp(purpose, "registration")) {
			if (m->stage != MV_LAUNCHED) return 0; /* nothing to choose */
			pl->registered = 1;
			for (int s = 0; s < m->nscopes; s++)
				for (int g = 0; g < nmine; g++) add_range(pl->lo, &pl->nranges, intersect(m->scopes[s].path, mine[g]));
		} else {
			pl->registered = 2;
			for (int g = 0; g < nmine; g++) add_range(pl->lo, &pl->nranges, mine[g]);
		}
		return 0;
	}
	if (!strcmp(purpose, "people")) grant_ranges(r, PERM_WRITE_PEOPLE, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "units")) grant_ranges(r, PERM_WRITE_UNITS, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "authority")) grant_ranges(r, PERM_MOVEMENT_MANAGE, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "read")) grant_ranges(r, PERM_READ, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "scope")) add_range(pl->lo, &pl->nranges, "/");
	else if (!strcmp(purpose, "propose")) grant_ranges(r, PERM_PROPOSE, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "decide")) grant_ranges(r, PERM_DECIDE, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "votes")) grant_ranges(r, PERM_RUN_VOTES, pl->lo, &pl->nranges);
	else if (!strcmp(purpose, "admin")) grant_ranges(r, PERM_ADMIN, pl->lo, &pl->nranges); /* a role granted by an administrator */
	else if (!strcmp(purpose, "under")) {
		/* a unit and the units below it, readable by the user (a collective nominee of a proposer) */
		char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
		if (p->unit <= 0 || units_subtree(r->db, p->unit, lo, hi, sizeof lo) != E_OK || !role_can(r->user, PERM_READ, lo)) return -1;
		add_range(pl->lo, &pl->nranges, arena_strdup(&r->a, lo));
	} else if (!strcmp(purpose, "assign")) {
		/* the units a task assigned by the unit p->unit may go to: where the
		** user assigns, and the assigning unit's first-level branch (the rule
		** tasks_create applies) */
		char path[UNIT_PATH_MAX], branch[UNIT_PATH_MAX];
		if (!r->user || p->unit <= 0 || units_path(r->db, p->unit, path, sizeof path) != E_OK) return -1;
		grant_ranges(r, PERM_TASK_ASSIGN, pl->lo, &pl->nranges);
		task_assign_branch(path, branch, sizeof branch);
		if (*branch) add_range(pl->lo, &pl->nranges, arena_strdup(&r->a, branch));
	} else return -1;
	if (p->exclude > 0 && p->exclude_path && strlen(p->exclude_path) < sizeof pl->ex_lo) {
		snprintf(pl->ex_lo, sizeof pl->ex_lo, "%s", p->exclude_path);
		subtree_end(pl->ex_hi, sizeof pl->ex_hi, pl->ex_lo);
	} else if (p->exclude > 0 && units_subtree(r->db, p->exclude, pl->ex_lo, pl->ex_hi, sizeof pl->ex_lo) != E_OK) {
		return -1;
	}
	return 0;
}

static int by_label(const void *a, const void *b)
{
	const struct pick_item *x = a, *y = b;
	if (x->rank != y->rank) return x->rank - y->rank;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* A lower bound of the units the plan offers, from the units the page has
** read (p->chain): a range whose root is among them offers that root and its
** active children, less the excluded subtree's top when it is one of them,
** and nothing when the excluded subtree holds the root. Every unit of the
** range counts only without a movement's filter. 0 when nothing is known. */
static int64_t units_at_least(const struct picker *p, const struct unit_pick_plan *pl)
{
	if (pl->registered || !p->chain) return 0;
	int64_t n = 0;
	for (int i = 0; i < pl->nranges; i++) {
		const char *lo = pl->lo[i];
		size_t len = strlen(lo), ex = strlen(pl->ex_lo);
		for (int k = 0; k < p->nchain; k++) {
			const struct unit *c = &p->chain[k];
			if (!c->active || !c->path || strcmp(c->path, lo) != 0) continue;
			if (ex && strncmp(lo, pl->ex_lo, ex) == 0) break; /* the root is in the excluded subtree */
			/* a child's path is lo followed by "<id>/": one '/' more, at its end */
			int child = ex > len && strncmp(pl->ex_lo, lo, len) == 0 && strchr(pl->ex_lo + len, '/') == pl->ex_lo + ex - 1;
			n += 1 + c->children - child;
			break;
		}
	}
	return n;
}

static void read_item(struct req *r, struct stmt *st, struct pick_item *it)
{
	it->id = db_int(st, 0);
	it->label = arena_strdup(&r->a, db_text(st, 1));
	it->code = arena_strdup(&r->a, db_text(st, 2));
	it->context = arena_strdup(&r->a, db_text(st, 3));
	it->key = arena_strdup(&r->a, db_text(st, 4));
	it->rank = (int)db_int(st, 5);
}

/* the units of one subtree ($1, $2), outside the subtree $4..$5,
** registered or not in the movement $7 as $6 says ($3 unused); a unit whose
** registration was withdrawn may register again (registrations_create) */
#define UNITS_WHERE                                                                                                           \
	"WHERE u.active = 1 AND u.path >= $1 AND u.path < $2 "                                                               \
	"AND NOT (u.path >= $4 AND u.path < $5) "                                                                            \
	"AND ($6 = 0 OR ($6 = 1 AND NOT EXISTS (SELECT 1 FROM registrations g WHERE g.movement_id = $7 AND g.unit_id = u.id AND g.active = 1)) " \
	"OR ($6 = 2 AND EXISTS (SELECT 1 FROM registrations g WHERE g.movement_id = $7 AND g.unit_id = u.id AND g.active = 1))) "

#define PICK_WORDS 6 /* the words of a query looked for, the first ones */

/* The units matching q: those whose own name or code holds the whole of it
** (rank 0: it begins there; 1: it is inside), in name order; and when none
** does, the query of several words a word at a time, each in the unit's name
** or code or its parent's or grandparent's, one at least in its own (rank 2)
** — "so noi vu son la" finds Sơn La's department among the 63 provinces'
** "Sở Nội vụ", as the context under each suggestion shows it; a name found
** as typed is not drowned in the units below it. count_only: *n is the
** number of choices (q NULL: every one), counted up to limit, and no rows are
** read (a page decides between a select and a search step without sorting a
** big subtree). */
static int choose_units(struct req *r, const struct picker *p, const char *q, int limit, int count_only, struct pick_item **items,
			int *n)
{
	struct unit_pick_plan pl;
	if (plan_units(r, p, &pl) != 0) return -1;
	if (count_only && !(q && *q) && units_at_least(p, &pl) >= limit) {
		*items = NULL;
		*n = limit;
		return 0; /* enough choices known: the subtree is not walked */
	}
	struct buf key, sql;
	buf_init(&key);
	buf_init(&sql);
	fold_text(&key, q ? q : "");
	const char *word[PICK_WORDS];
	int nw = 0;
	char *k = arena_strdup(&r->a, buf_cstr(&key));
	for (char *save = NULL, *w = strtok_r(k, " ", &save); w && nw < PICK_WORDS; w = strtok_r(NULL, " ", &save))
		word[nw++] = like_pattern(&r->a, w);
	const char *whole = like_pattern(&r->a, q ? q : "");
	/* each subtree gives at most limit rows in name order; merged, the first limit */
	struct pick_item *all = count_only ? NULL : arena_alloc(&r->a, sizeof *all * (size_t)(limit * (pl.nranges ? pl.nranges : 1) + 1));
	int got = 0, rc = 0;
	for (int by_words = 0; by_words < 2 && !rc && !got; by_words++) {
		if (by_words && (count_only || nw < 2)) break;
		buf_reset(&sql);
		buf_raw(&sql, count_only ? "SELECT count(*) FROM (SELECT 1 FROM units u "
					 : "SELECT u.id, u.name, u.code, p.name, u.search, CASE WHEN u.search LIKE $9 ESCAPE '\\' THEN 0 "
					   "WHEN u.search LIKE $3 ESCAPE '\\' THEN 1 ELSE 2 END AS rank FROM units u ");
		if (!count_only) buf_raw(&sql, "LEFT JOIN units p ON p.id = u.parent_id ");
		if (by_words) buf_raw(&sql, "LEFT JOIN units gp ON gp.id = p.parent_id ");
		buf_raw(&sql, UNITS_WHERE);
		/* no query: every unit matches, and the walk reads the index of
		** (path, active) alone, not each unit's row (migration 035) */
		if (!by_words && q && *q) buf_raw(&sql, "AND u.search LIKE $3 ESCAPE '\\' ");
		for (int i = 0; by_words && i < nw; i++)
			buf_printf(&sql, "AND (u.search LIKE $%d ESCAPE '\\' OR p.search LIKE $%d ESCAPE '\\' OR gp.search LIKE $%d ESCAPE '\\') ",
				   10 + i, 10 + i, 10 + i);
		for (int i = 0; by_words && i < nw; i++)
			buf_printf(&sql, "%su.search LIKE $%d ESCAPE '\\'%s", i ? "OR " : "AND (", 10 + i, i == nw - 1 ? ") " : " ");
		buf_raw(&sql, count_only ? "LIMIT $8) AS c" : "ORDER BY rank, u.search, u.id LIMIT $8");
		for (int i = 0; i < pl.nranges && (!count_only || got < limit); i++) {
			char hi[UNIT_PATH_MAX];
			subtree_end(hi, sizeof hi, pl.lo[i]);
			struct stmt *st = db_prep(r->db, buf_cstr(&sql));
			if (!st) { rc = -1; break; }
			db_bind_text(st, 1, pl.lo[i]);
			db_bind_text(st, 2, hi);
			db_bind_text(st, 3, whole);
			db_bind_text(st, 4, pl.ex_lo);
			db_bind_text(st, 5, pl.ex_hi);
			db_bind_int(st, 6, pl.registered);
			db_bind_int(st, 7, pl.movement);
			db_bind_int(st, 8, limit);
			if (!count_only) db_bind_text(st, 9, whole + 1);
			for (int w = 0; by_words && w < nw; w++) db_bind_text(st, 10 + w, word[w]);
			if (count_only) {
				if (db_step(st) == DB_ROW) got += (int)db_int(st, 0);
			} else {
				while (db_step(st) == DB_ROW) read_item(r, st, &all[got++]);
			}
			db_done(st);
		}
	}
	buf_free(&key);
	buf_free(&sql);
	if (rc) return rc;
	if (!count_only && pl.nranges > 1) qsort(all, (size_t)got, sizeof *all, by_label);
	*items = all;
	*n = got < limit ? got : limit;
	return 0;
}

static int choose_people(struct req *r, const struct picker *p, const char *q, int limit, struct pick_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	if (p->unit <= 0) return 0; /* no unit chosen yet: nobody to choose */
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
	if (units_subtree(r->db, p->unit, lo, hi, sizeof lo) != E_OK) return -1;
	if (!role_can(r->user, PERM_READ, lo)) return -1;
	/* each word typed begins a word of the name, in any order, as the people
	** list searches ("nguyen van" finds Nguyễn Ngọc Vân); the names that hold
	** the words as typed come first */
	struct buf key, sql;
	buf_init(&key);
	buf_init(&sql);
	fold_words(&key, q ? q : "");
	const char *folded = arena_strdup(&r->a, buf_cstr(&key));
	buf_free(&key);
	const char *pattern = like_pattern(&r->a, folded); /* "%words%": from +1, "words%", the names that begin so */
	enum { MAX_WORDS = 6 };
	const char *words[MAX_WORDS];
	int nw = 0;
	for (char *w = arena_strdup(&r->a, folded), *save = NULL, *t = strtok_r(w, " ", &save); t && nw < MAX_WORDS; t = strtok_r(NULL, " ", &save))
		words[nw++] = arena_printf(&r->a, "%% %s", like_pattern(&r->a, t) + 1); /* "% word%": a word's beginning */
	buf_raw(&sql, "SELECT p.id, p.full_name, p.code, u.name, p.search, CASE WHEN p.search LIKE $4 ESCAPE '\\' THEN 0 ELSE 1 END AS rank "
		      "FROM people p JOIN units u ON u.id = p.unit_id WHERE p.active = 1 AND u.path >= $1 AND u.path < $2");
	for (int i = 0; i < nw; i++) buf_printf(&sql, " AND (' ' || p.search) LIKE $%d ESCAPE '\\'", 5 + i);
	buf_raw(&sql, " ORDER BY rank, p.search, p.id LIMIT $3");
	struct pick_item *all = arena_alloc(&r->a, sizeof *all * (size_t)(limit + 1));
	struct stmt *st = db_prep(r->db, buf_cstr(&sql));
	buf_free(&sql);
	if (st) {
		db_bind_text(st, 1, lo);
		db_bind_text(st, 2, hi);
		db_bind_int(st, 3, limit);
		db_bind_text(st, 4, pattern + 1);
		for (int i = 0; i < nw; i++) db_bind_text(st, 5 + i, words[i]);
	}
	int k = 0;
	while (st && db_step(st) == DB_ROW && k < limit) read_item(r, st, &all[k++]);
	db_done(st);
	*items = all;
	*n = k;
	return 0;
}

/* users (purpose voters): the active users with a role on a unit where the
** caller runs votes, matched on the folded name and login, in name order */
static int choose_users(struct req *r, const struct picker *p, const char *q, int limit, struct pick_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	if (!p->purpose || strcmp(p->purpose, "voters") != 0) return -1;
	struct buf key;
	buf_init(&key);
	fold_text(&key, q ? q : "");
	const char *want = arena_strdup(&r->a, buf_cstr(&key));
	buf_free(&key);
	int cap = 64, k = 0;
	struct pick_item *all = arena_alloc(&r->a, sizeof *all * (size_t)cap);
	struct stmt *st = db_query(r->db,
				   "SELECT us.id, us.full_name, us.login, u.name, u.path FROM users us JOIN user_roles g ON g.user_id = us.id "
				   "JOIN units u ON u.id = g.unit_id WHERE us.active = 1 ORDER BY us.id, g.id LIMIT 20000",
				   "");
	int64_t last = 0;
	while (st && db_step(st) == DB_ROW) {
		int64_t id = db_int(st, 0);
		if (id == last || !role_can(r->user, PERM_RUN_VOTES, db_text(st, 4))) continue;
		last = id;
		char *name = fold_dup(db_text(st, 1)), *login = fold_dup(db_text(st, 2));
		int hit = name && login && (strstr(name, want) || strstr(login, want));
		if (hit) {
			if (k == cap) {
				struct pick_item *g = arena_alloc(&r->a, sizeof *g * (size_t)cap * 2);
				memcpy(g, all, sizeof *g * (size_t)k);
				all = g;
				cap *= 2;
			}
			struct pick_item *it = &all[k++];
			it->id = id;
			it->label = arena_strdup(&r->a, db_text(st, 1));
			it->code = arena_strdup(&r->a, db_text(st, 2));
			it->context = arena_strdup(&r->a, db_text(st, 3));
			it->key = arena_strdup(&r->a, name);
			it->rank = strncmp(name, want, strlen(want)) == 0 ? 0 : 1;
		}
		free(name);
		free(login);
	}
	db_done(st);
	qsort(all, (size_t)k, sizeof *all, by_label);
	*items = all;
	*n = k < limit ? k : limit;
	return 0;
}

/* tasks (purpose parent): a programme's tasks not done, for the office that
** assigns its tasks — each word typed beginning a word of the task's folded
** code and title (tasks.search, as the programme's list searches), those
** whose code and title begin with the whole of it first (rank 0), in code
** order */
static int choose_tasks(struct req *r, const struct picker *p, const char *q, int limit, struct pick_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	if (!p->purpose || strcmp(p->purpose, "parent") != 0 || p->programme <= 0) return -1;
	char owner[UNIT_PATH_MAX] = "";
	struct stmt *st = db_query(r->db, "SELECT u.path FROM task_programmes g JOIN units u ON u.id = g.owner_id WHERE g.id = $1", "i", p->programme);
	if (st && db_step(st) == DB_ROW) snprintf(owner, sizeof owner, "%s", db_text(st, 0));
	db_done(st);
	if (!*owner || !role_can(r->user, PERM_TASK_ASSIGN, owner)) return -1;
	const char *word[TASK_MAX_WORDS];
	int nw = tasks_search_patterns(&r->a, q, word, TASK_MAX_WORDS);
	char *whole = fold_words_dup(q ? q : "");
	if (!whole) return -1;
	const char *start = like_pattern(&r->a, whole) + 1; /* "whole%" */
	free(whole);
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT t.id, t.title, t.code, u.name, t.code, CASE WHEN t.search LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END AS rank "
		       "FROM tasks t JOIN units u ON u.id = t.lead_id WHERE t.programme_id = $1 AND t.state <> 'done'");
	for (int i = 0; i < nw; i++) buf_printf(&sql, " AND (' ' || t.search) LIKE $%d ESCAPE '\\'", 4 + i);
	buf_raw(&sql, " ORDER BY rank, t.code, t.id LIMIT $3");
	st = db_prep(r->db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return -1;
	db_bind_int(st, 1, p->programme);
	db_bind_text(st, 2, start);
	db_bind_int(st, 3, limit);
	for (int i = 0; i < nw; i++) db_bind_text(st, 4 + i, word[i]);
	struct pick_item *all = arena_alloc(&r->a, sizeof *all * (size_t)(limit + 1));
	while (*n < limit && db_step(st) == DB_ROW) read_item(r, st, &all[(*n)++]);
	db_done(st);
	*items = all;
	return 0;
}

int pick_choices(struct req *r, const struct picker *p, const char *q, int limit, struct pick_item **items, int *n)
{
	if (p->what && !strcmp(p->what, "tasks")) return choose_tasks(r, p, q, limit, items, n);
	*items = NULL;
	*n = 0;
	if (p->what && !strcmp(p->what, "users")) return choose_users(r, p, q, limit, items, n);
	if (p->what && !strcmp(p->what, "people")) return choose_people(r, p, q, limit, items, n);
	return choose_units(r, p, q, limit, 0, items, n);
}

int pick_lookup(struct req *r, const struct picker *p, int64_t id, struct pick_item *out)
{
	memset(out, 0, sizeof *out);
	if (id <= 0) return -1;
	struct stmt *st;
	int people = p->what && !strcmp(p->what, "people");
	if (p->what && !strcmp(p->what, "tasks"))
		/* only a task of the picker's programme */
		st = db_query(r->db,
			      "SELECT t.id, t.title, t.code, u.name, t.code, '/' FROM tasks t JOIN units u ON u.id = t.lead_id "
			      "WHERE t.id = $1 AND t.programme_id = $2",
			      "ii", id, p->programme);
	else if (p->what && !strcmp(p->what, "users"))
		st = db_query(r->db, "SELECT us.id, us.full_name, us.login, '', us.login, '/' FROM users us WHERE us.id = $1", "i", id);
	else if (people)
		st = db_query(r->db, "SELECT p.id, p.full_name, p.code, u.name, p.search, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
			      "i", id);
	else
		st = db_query(r->db, "SELECT u.id, u.name, u.code, p.name, u.search, u.path FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1",
			      "i", id);
	int rc = -1;
	if (st && db_step(st) == DB_ROW && (!people || role_can(r->user, PERM_READ, db_text(st, 5)))) {
		read_item(r, st, out);
		rc = 0;
	}
	db_done(st);
	return rc;
}

/* ---- the endpoint: GET /pick/units?for=...&q=... and /pick/people?unit=...&q=... ---- */

void page_pick(struct req *r)
{
	struct picker p = { 0 };
	p.what = r->params[0];
	if (strcmp(p.what, "units") && strcmp(p.what, "people") && strcmp(p.what, "users") && strcmp(p.what, "tasks")) {
		reply_error(r, 404, "not_found", N_("No such record"));
		return;
	}
	p.purpose = req_query(r, "for");
	p.movement = query_int(r, "movement", 0, 0, INT64_MAX);
	p.unit = query_int(r, "unit", 0, 0, INT64_MAX);
	p.programme = query_int(r, "programme", 0, 0, INT64_MAX);
	p.exclude = query_int(r, "not", 0, 0, INT64_MAX);
	int64_t limit = query_int(r, "limit", 20, 1, 100);
	if (query_bad(r)) return;
	struct pick_item *items;
	int n;
	/* one more than shown: "more" says there are others, and to type more of the name */
	if (pick_choices(r, &p, req_query(r, "q"), (int)limit + 1, &items, &n) != 0) {
		reply_error(r, 404, "not_found", N_("No such record"));
		return;
	}
	reply_json(r, 200);
	req_set_header(r, "Cache-Control", "private, no-store");
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	int more = n > limit;
	if (more) n = (int)limit;
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kint(&w, "id", items[i].id);
		jw_kstr(&w, "label", items[i].label);
		jw_kstr(&w, "context", items[i].context);
		jw_kstr(&w, "code", items[i].code);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kbool(&w, "more", more);
	jw_obj_end(&w);
}

/* ---- the form helper ---- */

static void attr(struct buf *o, const char *name, const char *value)
{
	buf_char(o, ' ');
	buf_raw(o, name);
	buf_raw(o, "=\"");
	buf_html(o, value);
	buf_char(o, '"');
}

static const char *endpoint(struct req *r, const struct picker *p)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "/pick/%s?for=", p->what);
	buf_url(&b, p->purpose ? p->purpose : "");
	if (p->movement) buf_printf(&b, "&movement=%lld", (long long)p->movement);
	if (p->unit) buf_printf(&b, "&unit=%lld", (long long)p->unit);
	if (p->programme) buf_printf(&b, "&programme=%lld", (long long)p->programme);
	if (p->exclude) buf_printf(&b, "&not=%lld", (long long)p->exclude);
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void item_text(struct buf *o, const struct pick_item *it)
{
	buf_html(o, it->label);
	if (it->context && *it->context) {
		buf_raw(o, " — ");
		buf_html(o, it->context);
	}
}

/* a chosen unit of a list: a checked box, unchecked to remove it */
static void chip(struct buf *o, const struct picker *p, const struct pick_item *it, int checked)
{
	buf_raw(o, "<label class=\"chip\"><input type=\"checkbox\"");
	attr(o, "name", p->name);
	buf_printf(o, " value=\"%lld\"%s> ", (long long)it->id, checked ? " checked" : "");
	buf_html(o, it->label);
	buf_raw(o, " <small class=\"code\">");
	buf_html(o, it->code);
	buf_raw(o, "</small></label>\n");
}

static void option(struct buf *o, const struct pick_item *it, int selected)
{
	buf_printf(o, "<option value=\"%lld\"%s>", (long long)it->id, selected ? " selected" : "");
	item_text(o, it);
	buf_raw(o, "</option>\n");
}

int64_t pick_form_id(struct req *r, const char *name)
{
	int64_t id;
	const char *v = req_form(r, name);
	return v && parse_id(v, &id) == 0 ? id : 0;
}

int pick_form_ids(struct req *r, const char *name, int64_t *out, int max)
{
	int n = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->form, next) {
		int64_t id;
		if (n < max && !strcmp(kv->key, name) && parse_id(kv->value, &id) == 0) out[n++] = id;
	}
	return n;
}

static const char *find_param(struct req *r, const struct picker *p) { return arena_printf(&r->a, "find_%s", p->name); }

int pick_step(struct req *r) { return (r->method == M_POST ? req_form(r, "_pick") : req_query(r, "_pick")) != NULL; }

void tmpl_picker(struct buf *o, struct req *r, const struct picker *p)
{
	const char *id = arena_printf(&r->a, "f-%s", p->name);
	/* the search box is a field of the picker's form: posted with it, or in
	** the query of a form sent by GET (a page's filters) */
	const char *find = r->method == M_POST ? req_form(r, find_param(r, p)) : req_query(r, find_param(r, p));
	if (find && !*find) find = NULL;
	/* few choices: a select; many: the search step */
	struct pick_item *all = NULL;
	int nall = 0;
	int people = !strcmp(p->what, "people");
	if (!p->multiple && (!strcmp(p->what, "users") || !strcmp(p->what, "tasks"))) {
		pick_choices(r, p, NULL, PICK_FEW + 1, &all, &nall);
	} else if (!p->multiple && (!people || p->unit > 0)) {
		if (!people) choose_units(r, p, NULL, PICK_FEW + 1, 1, &all, &nall); /* count first: no sort of a big subtree */
		if (people || nall <= PICK_FEW) pick_choices(r, p, NULL, PICK_FEW + 1, &all, &nall);
	}
	int few = nall <= PICK_FEW && !p->multiple;
	/* the one choice there is, chosen already when the form asks so */
	int64_t value = p->value;
	if (!value && p->preselect && few && nall == 1) value = all[0].id;

	buf_raw(o, "<div class=\"picker\" data-picker");
	attr(o, "data-url", endpoint(r, p));
	attr(o, "data-name", p->name);
	if (p->multiple) buf_raw(o, " data-multiple");
	if (p->unit_from) attr(o, "data-unit-from", p->unit_from);
	if (p->unit_from) attr(o, "data-first", _("Choose the unit first")); /* said instead of "nothing matches" while no unit is chosen */
	if (p->empty) attr(o, "data-empty", p->empty);
	if (p->prompt) attr(o, "data-prompt", p->prompt);
	attr(o, "data-none", _("Nothing matches"));
	attr(o, "data-more", _("More match: type more of the name, or of the unit above it"));
	attr(o, "data-placeholder", _("type part of the name, with or without accents"));
	if (p->multiple) attr(o, "data-remove", _("Remove"));
	if (p->required) buf_raw(o, " data-required");
	buf_raw(o, ">\n");
	if (p->multiple) {
		buf_raw(o, "<fieldset class=\"chips\"><legend>");
		buf_html(o, p->label);
		buf_raw(o, "</legend>\n");
		/* sent even with no chip left, so that removing them all clears the list */
		buf_raw(o, "<input type=\"hidden\" class=\"pick-present\" value=\"\"");
		attr(o, "name", p->name);
		buf_raw(o, ">\n<div class=\"chip-list\">\n");
		for (int i = 0; i < p->nvalues; i++) {
			struct pick_item it;
			if (pick_lookup(r, p, p->values[i], &it) == 0) chip(o, p, &it, 1);
		}
		buf_raw(o, "</div>\n");
		/* the search step's matches, unchecked: a check adds them */
		if (find) {
			struct pick_item *m;
			int nm;
			pick_choices(r, p, find, 30, &m, &nm);
			buf_raw(o, "<div class=\"pick-matches\">\n");
			for (int i = 0; i < nm; i++) {
				int chosen = 0;
				for (int k = 0; k < p->nvalues; k++) chosen |= p->values[k] == m[i].id;
				if (!chosen) chip(o, p, &m[i], 0);
			}
			if (!nm) { buf_raw(o, "<p>"); buf_html(o, _("Nothing matches")); buf_raw(o, "</p>\n"); }
			buf_raw(o, "</div>\n");
		}
	} else {
		buf_printf(o, "<label for=\"%s\">", id);
		buf_html(o, p->label);
		buf_raw(o, "</label>\n");
	}
	struct pick_item chosen;
	int have = 0;
	if (p->value > 0 && p->known && p->known->id == p->value && !strcmp(p->what, "units")) {
		chosen = *p->known; /* the page read this unit already: no second read */
		have = 1;
	} else {
		have = p->value > 0 && pick_lookup(r, p, p->value, &chosen) == 0;
	}
	if (few && !p->multiple) {
		buf_printf(o, "<select id=\"%s\"", id);
		attr(o, "name", p->name);
		if (p->required) buf_raw(o, " required");
		if (p->error) buf_printf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", p->name);
		buf_raw(o, ">\n<option value=\"\">");
		buf_html(o, p->empty ? p->empty : people && p->unit <= 0 ? _("Choose the unit first") : p->prompt ? p->prompt : "—");
		buf_raw(o, "</option>\n");
		int listed = 0;
		for (int i = 0; i < nall; i++) {
			option(o, &all[i], all[i].id == value);
			listed |= all[i].id == value;
		}
		if (have && !listed) option(o, &chosen, 1); /* kept as typed, though not a choice now */
		buf_raw(o, "</select>\n");
	} else {
		if (!p->multiple) {
			if (find) {
				struct pick_item *m;
				int nm;
				pick_choices(r, p, find, 30, &m, &nm);
				buf_printf(o, "<select id=\"%s-found\"", id);
				attr(o, "name", p->name);
				attr(o, "aria-label", p->label);
				buf_raw(o, ">\n");
				int listed = 0;
				for (int i = 0; i < nm; i++) listed |= m[i].id == p->value;
				if (have && !listed) option(o, &chosen, 1); /* the choice made before this search stays, first */
				if (!nm) {
					buf_raw(o, "<option value=\"\">");
					buf_html(o, _("Nothing matches"));
					buf_raw(o, "</option>\n");
				}
				for (int i = 0; i < nm; i++) option(o, &m[i], m[i].id == p->value);
				buf_raw(o, "</select>\n");
			} else if (have) {
				buf_raw(o, "<input type=\"hidden\"");
				attr(o, "name", p->name);
				buf_printf(o, " value=\"%lld\">\n<p class=\"picked\">", (long long)p->value);
				item_text(o, &chosen);
				buf_raw(o, " <small class=\"code\">");
				buf_html(o, chosen.code);
				buf_raw(o, "</small></p>\n");
			}
		}
		/* the search step: the box and its button send the whole form (what
		** was typed in its other fields too) with _pick, and the page comes
		** back as typed with the matches (pick_step) */
		buf_raw(o, "<span class=\"pick-search\"><input type=\"search\"");
		attr(o, "id", id); /* a chip list's search box is its control: the error summary links here */
		attr(o, "name", find_param(r, p));
		attr(o, "value", find ? find : "");
		attr(o, "placeholder", _("type part of the name, with or without accents"));
		if (p->multiple) attr(o, "aria-label", p->label);
		if (p->multiple && p->error) buf_printf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", p->name);
		buf_raw(o, "> <button type=\"submit\" name=\"_pick\"");
		attr(o, "value", p->name);
		buf_raw(o, " formnovalidate>");
		buf_html(o, _("Find"));
		buf_raw(o, "</button></span>\n");
	}
	if (p->multiple) buf_raw(o, "</fieldset>\n");
	if (p->error) {
		buf_printf(o, "<p class=\"field-error\" id=\"e-%s\">", p->name);
		buf_html(o, p->error);
		buf_raw(o, "</p>\n");
	}
	buf_raw(o, "</div>\n");
}
