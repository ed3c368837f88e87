/* The status of tasks on a date (tasks.h says the rules), for lists and
** counts, computed in SQL from the task rows: the deadline in force at the
** date is the current one unless an extension was recorded after it, and
** only then is task_extensions read (one index lookup); likewise a task is
** done on the date by its current acceptance unless it was reopened after
** the date, and only then is task_reopenings read. The same query runs
** on SQLite and PostgreSQL; $1 is always the date. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../units/units.h"
#include "tasks_int.h"

/* the deadline in force on $1 */
#define DUE_AT                                                                                                                     \
	"(CASE WHEN t.extended_on IS NULL OR t.extended_on <= $1 THEN t.due_on ELSE (SELECT e.due_before FROM task_extensions e "    \
	"WHERE e.task_id = t.id AND e.recorded_on > $1 ORDER BY e.recorded_on, e.id LIMIT 1) END)"
/* the completion date of the acceptance in force on $1, NULL when not done
** then: the current one once accepted, else one withdrawn (reopened) after
** $1 — task_reopenings is read only for a task reopened after $1 */
#define DONE_AT                                                                                                                    \
	"(CASE WHEN t.accepted_on <= $1 THEN t.done_on WHEN t.reopened_on > $1 THEN (SELECT r.done_on FROM task_reopenings r "      \
	"WHERE r.task_id = t.id AND r.accepted_on <= $1 AND r.reopened_on > $1 ORDER BY r.id DESC LIMIT 1) END)"
/* 1 done on time, 2 done late, 3 not yet due, 4 overdue (enum task_status) */
#define STATUS_AT                                                                                                                  \
	"(CASE WHEN t.accepted_on <= $1 THEN (CASE WHEN " DUE_AT " IS NULL OR t.done_on <= " DUE_AT " THEN 1 ELSE 2 END) "          \
	"WHEN t.reopened_on > $1 AND " DONE_AT " IS NOT NULL THEN (CASE WHEN " DUE_AT " IS NULL OR " DONE_AT " <= " DUE_AT            \
	" THEN 1 ELSE 2 END) WHEN " DUE_AT " < $1 THEN 4 ELSE 3 END)"

int64_t task_counts_done(const struct task_counts *c) { return c->n[TS_DONE_ON_TIME] + c->n[TS_DONE_LATE]; }

double task_counts_done_percent(const struct task_counts *c) { return c->total ? 100.0 * (double)task_counts_done(c) / (double)c->total : 0; }

void task_counts_json(struct jw *w, const struct task_counts *c)
{
	jw_kint(w, "total", c->total);
	jw_kint(w, "done", task_counts_done(c));
	jw_kint(w, "done_on_time", c->n[TS_DONE_ON_TIME]);
	jw_kint(w, "done_late", c->n[TS_DONE_LATE]);
	jw_kint(w, "not_done", c->n[TS_NOT_DUE] + c->n[TS_OVERDUE]);
	jw_kint(w, "not_due", c->n[TS_NOT_DUE]);
	jw_kint(w, "overdue", c->n[TS_OVERDUE]);
	jw_key(w, "done_percent");
	jw_num(w, (double)(int64_t)(task_counts_done_percent(c) * 10 + 0.5) / 10);
}

/* ---- dates ---- */

static time_t day_time(const char *iso)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(iso) - 1900;
	tm.tm_mon = atoi(iso + 5) - 1;
	tm.tm_mday = atoi(iso + 8);
	tm.tm_hour = 12;
	return timegm(&tm);
}

int64_t task_days_between(const char *a, const char *b)
{
	if (!a || !b || !date_valid(a) || !date_valid(b)) return 0;
	return (int64_t)((day_time(b) - day_time(a)) / 86400);
}

void task_date_add(const char *date, int64_t n, char out[11])
{
	time_t t = day_time(date) + (time_t)n * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void quarter_end(int year, int q, char out[11])
{
	static const char *const ends[] = { "03-31", "06-30", "09-30", "12-31" };
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%04d-%s", year < 0 ? 0 : year > 9999 ? 9999 : year, ends[(q - 1) & 3]);
	memcpy(out, tmp, 10);
	out[10] = 0;
}

void quarter_end_of(const char *date, char out[11]) { quarter_end(atoi(date), (atoi(date + 5) - 1) / 3 + 1, out); }

void quarter_end_before(const char *date, char out[11])
{
	int year = atoi(date), q = (atoi(date + 5) - 1) / 3 + 1;
	if (q == 1) quarter_end(year - 1, 4, out);
	else quarter_end(year, q - 1, out);
}

/* ---- the query ---- */

/* the parameters of a built query after $1 (the date) */
struct params {
	int n;
	char type[48];
	int64_t i[48];
	const char *s[48];
	char hi[TASK_MAX_RANGES][1024];   /* the ranges' upper bounds */
};

static int param_int(struct params *p, int64_t v)
{
	p->type[p->n] = 'i';
	p->i[p->n] = v;
	return ++p->n + 1;
}

static int param_text(struct params *p, const char *v)
{
	p->type[p->n] = 't';
	p->s[p->n] = v;
	return ++p->n + 1;
}

static int bind_params(struct stmt *st, const char *as_of, const struct params *p)
{
	int rc = db_bind_text(st, 1, as_of);
	for (int k = 0; k < p->n && rc == DB_OK; k++)
		rc = p->type[k] == 'i' ? db_bind_int(st, k + 2, p->i[k]) : db_bind_text(st, k + 2, p->s[k]);
	return rc;
}

int tasks_search_patterns(struct arena *a, const char *typed, const char **out, int max)
{
	char *words = fold_words_dup(typed ? typed : "");
	if (!words) return 0;
	int n = 0;
	char *save = NULL;
	for (char *w = strtok_r(words, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
		out[n++] = arena_printf(a, "%% %s", like_pattern(a, w) + 1); /* "% word%": a word's beginning */
	free(words);
	return n;
}

/* FROM and WHERE of q: the tasks assigned by the date, within the filters */
static void build_where(struct buf *sql, const struct task_query *q, struct params *p, int with_status, const char *from)
{
	int need_units = q->unit_lo || q->nranges > 0;
	if (from) buf_raw(sql, from);
	else {
		buf_raw(sql, " FROM tasks t");
		if (need_units) buf_raw(sql, " JOIN units lu ON lu.id = t.lead_id");
	}
	buf_raw(sql, " WHERE t.assigned_on <= $1");
	if (q->programme_id > 0) buf_printf(sql, " AND t.programme_id = $%d", param_int(p, q->programme_id));
	if (q->lead_id > 0) buf_printf(sql, " AND t.lead_id = $%d", param_int(p, q->lead_id));
	for (int i = 0; i < q->nwords && i < TASK_MAX_WORDS; i++) buf_printf(sql, " AND (' ' || t.search) LIKE $%d ESCAPE '\\'", param_text(p, q->words[i]));
	if (q->unit_lo) {
		int lo = param_text(p, q->unit_lo), hi = param_text(p, q->unit_hi);
		buf_printf(sql, " AND lu.path >= $%d AND lu.path < $%d", lo, hi);
	}
	if (q->nranges > 0) {
		buf_raw(sql, " AND (");
		for (int i = 0; i < q->nranges && i < TASK_MAX_RANGES; i++) {
			subtree_end(p->hi[i], sizeof p->hi[i], q->range_lo[i]);
			int lo = param_text(p, q->range_lo[i]), hi = param_text(p, p->hi[i]);
			buf_printf(sql, "%s(lu.path >= $%d AND lu.path < $%d)", i ? " OR " : "", lo, hi);
		}
		buf_raw(sql, ")");
	}
	/* before each status test, what it implies from the row alone, so that
	** the full test is made only for the tasks that may pass it: not done
	** on $1 needs no acceptance by $1; done needs one, or a reopening after
	** $1; a deadline in force on $1 before a date needs the current one
	** before it too, or an extension after $1 (extensions move it later) */
	if (with_status && q->status) {
		if (q->status == TS_DONE_ON_TIME || q->status == TS_DONE_LATE)
			buf_raw(sql, " AND (t.accepted_on <= $1 OR t.reopened_on > $1)");
		else
			buf_raw(sql, " AND (t.accepted_on IS NULL OR t.accepted_on > $1)");
		if (q->status == TS_OVERDUE) buf_raw(sql, " AND (t.due_on < $1 OR t.extended_on > $1)");
		if (q->status == TS_OVERDUE && q->due_max) {
			int k = param_text(p, q->due_max);
			buf_printf(sql, " AND (t.due_on <= $%d OR t.extended_on > $1) AND " DUE_AT " <= $%d", k, k);
		}
		buf_printf(sql, " AND " STATUS_AT " = %d", (int)q->status);
	}
	if (with_status && q->due_until) {
		int k = param_text(p, q->due_until);
		buf_printf(sql, " AND (t.accepted_on IS NULL OR t.accepted_on > $1) AND (t.due_on <= $%d OR t.extended_on > $1)", k);
		buf_printf(sql, " AND " STATUS_AT " = 3 AND " DUE_AT " <= $%d", k);
	}
}

int tasks_counts(struct db *db, const struct task_query *q, struct task_counts *out)
{
	memset(out, 0, sizeof *out);
	struct buf sql;
	buf_init(&sql);
	struct params p = { 0 };
	buf_raw(&sql, "SELECT " STATUS_AT ", count(*)");
	build_where(&sql, q, &p, 1, NULL);
	buf_raw(&sql, " GROUP BY 1");
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = st && bind_params(st, q->as_of, &p) == DB_OK ? E_OK : E_DB;
	while (rc == E_OK && db_step(st) == DB_ROW) {
		int64_t s = db_int(st, 0), c = db_int(st, 1);
		if (s > 0 && s < TS_N) out->n[s] += c;
		out->total += c;
	}
	db_done(st);
	buf_free(&sql);
	return rc;
}

/* the rows of a built query with their status, into items */
static int read_tasks(struct db *db, struct arena *a, const char *sql, const struct task_query *q, const struct params *p, struct task *items,
		      int cap, int *n)
{
	struct stmt *st = db_prep(db, sql);
	int rc = st && bind_params(st, q->as_of, p) == DB_OK ? E_OK : E_DB;
	while (rc == E_OK && *n < cap && db_step(st) == DB_ROW) tasks_read_row(st, a, &items[(*n)++]);
	db_done(st);
	/* after the rows: a deadline of an extended task reads task_extensions */
	for (int i = 0; rc == E_OK && i < *n; i++) tasks_status_at(db, a, &items[i], q->as_of);
	return rc;
}

int tasks_list(struct db *db, struct arena *a, const struct task_query *q, struct task **items, int *n, int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	struct buf sql;
	buf_init(&sql);
	struct params p = { 0 };
	int rc = E_OK;
	if (q->known_total > 0)
		*total = q->known_total;
	else {
		buf_raw(&sql, "SELECT count(*)");
		build_where(&sql, q, &p, 1, NULL);
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		rc = st && bind_params(st, q->as_of, &p) == DB_OK && db_step(st) == DB_ROW ? E_OK : E_DB;
		if (rc == E_OK) *total = db_int(st, 0);
		db_done(st);
	}
	int64_t cap = *total - q->offset;
	if (q->limit > 0 && cap > q->limit) cap = q->limit;
	if (rc == E_OK && cap > 0) {
		buf_reset(&sql);
		memset(&p, 0, sizeof p);
		/* the page's ids from the task rows alone (a sort of narrow rows), then their columns */
		const char *order = q->sort && !strcmp(q->sort, "due") ? " ORDER BY " DUE_AT " NULLS LAST, t.code, t.id" : " ORDER BY t.code, t.id";
		buf_raw(&sql, "SELECT " TASK_COLS TASK_FROM " WHERE t.id IN (SELECT t.id");
		build_where(&sql, q, &p, 1, NULL);
		buf_raw(&sql, order);
		int lim = param_int(&p, cap), off = param_int(&p, q->offset);
		buf_printf(&sql, " LIMIT $%d OFFSET $%d)", lim, off);
		buf_raw(&sql, order);
		*items = arena_alloc(a, sizeof **items * (size_t)cap);
		rc = read_tasks(db, a, buf_cstr(&sql), q, &p, *items, (int)cap, n);
	}
	buf_free(&sql);
	return rc;
}

/* the last completion of an open task, returned: the lead unit must report again */
#define RETURNED_JOIN                                                                                                               \
	" JOIN task_reports rr ON rr.id = (SELECT max(x.id) FROM task_reports x WHERE x.task_id = t.id AND x.kind = 'completion')"
#define RETURNED_WHERE " AND t.state = 'open' AND rr.review = 'returned'"

int tasks_returned(struct db *db, struct arena *a, const struct task_query *q, struct task **items, int *n, int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	struct task_query w = *q;
	w.status = TS_NONE;
	w.due_until = NULL;
	struct buf sql;
	buf_init(&sql);
	struct params p = { 0 };
	buf_raw(&sql, "SELECT count(*)");
	build_where(&sql, &w, &p, 0, " FROM tasks t JOIN units lu ON lu.id = t.lead_id" RETURNED_JOIN);
	buf_raw(&sql, RETURNED_WHERE);
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = st && bind_params(st, w.as_of, &p) == DB_OK && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) *total = db_int(st, 0);
	db_done(st);
	int64_t off = w.offset > 0 ? w.offset : 0;
	int64_t cap = *total > off ? *total - off : 0;
	if (w.limit > 0 && cap > w.limit) cap = w.limit;
	if (rc == E_OK && cap > 0) {
		buf_reset(&sql);
		memset(&p, 0, sizeof p);
		buf_raw(&sql, "SELECT " TASK_COLS ", rr.reviewed_on, rr.review_comment");
		build_where(&sql, &w, &p, 0, TASK_FROM RETURNED_JOIN);
		buf_raw(&sql, RETURNED_WHERE " ORDER BY rr.reviewed_on DESC, t.code, t.id");
		buf_printf(&sql, " LIMIT $%d", param_int(&p, cap));
		if (off) buf_printf(&sql, " OFFSET $%d", param_int(&p, off));
		*items = arena_alloc(a, sizeof **items * (size_t)cap);
		st = db_prep(db, buf_cstr(&sql));
		rc = st && bind_params(st, w.as_of, &p) == DB_OK ? E_OK : E_DB;
		while (rc == E_OK && *n < cap && db_step(st) == DB_ROW) {
			struct task *t = &(*items)[(*n)++];
			tasks_read_row(st, a, t);
			t->returned_on = db_text_dup(st, a, 30);
			t->return_comment = db_text_dup(st, a, 31);
		}
		db_done(st);
		for (int i = 0; rc == E_OK && i < *n; i++) tasks_status_at(db, a, &(*items)[i], w.as_of);
	}
	buf_free(&sql);
	return rc;
}

static int by_overdue(const void *x, const void *y)
{
	const struct unit_counts *a = x, *b = y;
	if (a->c.n[TS_OVERDUE] != b->c.n[TS_OVERDUE]) return a->c.n[TS_OVERDUE] > b->c.n[TS_OVERDUE] ? -1 : 1;
	if (a->c.total != b->c.total) return a->c.total > b->c.total ? -1 : 1;
	int c = strcmp(a->code, b->code);
	return c ? c : a->unit_id < b->unit_id ? -1 : a->unit_id > b->unit_id;
}

/* the rows of a by-unit query (lead_id, [code, name,] status, count), ordered by lead_id, into units */
static int group_units(struct stmt *st, struct arena *a, int named, struct unit_counts **items, int *n)
{
	int cap = 64, k = named ? 5 : 3;
	struct unit_counts *u = arena_alloc(a, sizeof *u * (size_t)cap);
	while (db_step(st) == DB_ROW) {
		int64_t id = db_int(st, 0), s = db_int(st, k - 2), c = db_int(st, k - 1);
		if (!*n || u[*n - 1].unit_id != id) {
			if (*n == cap) {
				struct unit_counts *bigger = arena_alloc(a, sizeof *u * (size_t)cap * 2);
				memcpy(bigger, u, sizeof *u * (size_t)cap);
				u = bigger;
				cap *= 2;
			}
			struct unit_counts *x = &u[(*n)++];
			x->unit_id = id;
			if (named) {
				x->code = arena_strdup(a, db_text(st, 1));
				x->name = arena_strdup(a, db_text(st, 2));
			}
		}
		if (s > 0 && s < TS_N) u[*n - 1].c.n[s] += c;
		u[*n - 1].c.total += c;
	}
	*items = u;
	return E_OK;
}

/* the units of items[] in order, the most overdue first; the first `named`
** of them get their code and name (all when named <= 0: then their codes
** break the ties, else their ids) */
static int name_units(struct db *db, struct arena *a, int named, struct unit_counts *items, int n)
{
	for (int i = 0; i < n; i++) items[i].code = "";
	int upto = named > 0 && named < n ? named : n;
	/* all named: the codes break the ties of the order; else the ids do */
	if (named > 0 && n > 1) qsort(items, (size_t)n, sizeof *items, by_overdue);
	int rc = E_OK;
	for (int i = 0; rc == E_OK && i < upto; i++) {
		struct stmt *un = db_query(db, "SELECT code, name FROM units WHERE id = $1", "i", items[i].unit_id);
		if (un && db_step(un) == DB_ROW) {
			items[i].code = arena_strdup(a, db_text(un, 0));
			items[i].name = arena_strdup(a, db_text(un, 1));
		} else
			rc = E_DB;
		db_done(un);
	}
	if (rc == E_OK && named <= 0 && n > 1) qsort(items, (size_t)n, sizeof *items, by_overdue);
	return rc;
}

int tasks_counts_by_unit(struct db *db, struct arena *a, const struct task_query *q, struct unit_counts **items, int *n)
{
	*items = NULL;
	*n = 0;
	struct buf sql;
	buf_init(&sql);
	struct params p = { 0 };
	/* every unit named: one pass joining the units; else the task rows alone, and the first few named after */
	int all = q->units_named <= 0;
	buf_raw(&sql, all ? "SELECT t.lead_id, lu.code, lu.name, " STATUS_AT ", count(*)" : "SELECT t.lead_id, " STATUS_AT ", count(*)");
	build_where(&sql, q, &p, 1, all ? " FROM tasks t JOIN units lu ON lu.id = t.lead_id" : NULL);
	buf_raw(&sql, all ? " GROUP BY t.lead_id, lu.code, lu.name, 4 ORDER BY t.lead_id" : " GROUP BY t.lead_id, 2 ORDER BY t.lead_id");
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = st && bind_params(st, q->as_of, &p) == DB_OK ? group_units(st, a, all, items, n) : E_DB;
	db_done(st);
	buf_free(&sql);
	if (rc != E_OK) return rc;
	if (all) {
		if (*n > 1) qsort(*items, (size_t)*n, sizeof **items, by_overdue);
		return E_OK;
	}
	return name_units(db, a, q->units_named, *items, *n);
}

/* a lead unit's counts in the scan below: an open-addressing table of unit ids */
struct unit_table {
	int cap, n;
	int64_t *keys;   /* 0: free */
	int *slot;       /* index into items */
	struct unit_counts *items;
	int items_cap;
};

static struct unit_counts *unit_slot(struct unit_table *u, struct arena *a, int64_t id)
{
	if (2 * (u->n + 1) > u->cap) {
		struct unit_table bigger = { .cap = u->cap ? u->cap * 2 : 1024, .n = u->n, .items = u->items, .items_cap = u->items_cap };
		bigger.keys = calloc((size_t)bigger.cap, sizeof *bigger.keys);
		bigger.slot = calloc((size_t)bigger.cap, sizeof *bigger.slot);
		if (!bigger.keys || !bigger.slot) { free(bigger.keys); free(bigger.slot); return NULL; }
		for (int i = 0; i < u->cap; i++) {
			if (!u->keys[i]) continue;
			unsigned h = (unsigned)((uint64_t)u->keys[i] * 0x9E3779B97F4A7C15ull >> 40) & (unsigned)(bigger.cap - 1);
			while (bigger.keys[h]) h = (h + 1) & (unsigned)(bigger.cap - 1);
			bigger.keys[h] = u->keys[i];
			bigger.slot[h] = u->slot[i];
		}
		free(u->keys);
		free(u->slot);
		*u = bigger;
	}
	unsigned h = (unsigned)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 40) & (unsigned)(u->cap - 1);
	while (u->keys[h] && u->keys[h] != id) h = (h + 1) & (unsigned)(u->cap - 1);
	if (u->keys[h]) return &u->items[u->slot[h]];
	if (u->n == u->items_cap) {
		int cap = u->items_cap ? u->items_cap * 2 : 256;
		struct unit_counts *more = arena_alloc(a, sizeof *more * (size_t)cap);
		if (u->n) memcpy(more, u->items, sizeof *more * (size_t)u->n);
		u->items = more;
		u->items_cap = cap;
	}
	u->keys[h] = id;
	u->slot[h] = u->n;
	struct unit_counts *x = &u->items[u->n++];
	memset(x, 0, sizeof *x);
	x->unit_id = id;
	x->code = "";
	return x;
}

/* a task row of the scan kept for later: its status on some date needs
** task_extensions or task_reopenings, read after the scan's statement */
struct later {
	struct task t;
	struct later *next;
};

/* The dashboard's counts in one pass over the task rows (the columns of the
** index tasks_status, never a report): each task's status on every date of
** dates[] by the rules of STATUS_AT, computed here (tasks_status_only) —
** out[i] for dates[i] — and the counts per lead unit on dates[unit_date],
** the most overdue first, the first q->units_named of them named (all when
** 0), and in due_max the deadline of the TASK_DASHBOARD_OVERDUE-th
** overdue task on that date ("" when fewer). A task extended or reopened
** after a date is put aside and its history read after the scan. q's
** status filters are not used. */
/* the smallest deadlines seen, in order (the overdue list's first ones) */
struct first_due {
	int n;
	char due[TASK_DASHBOARD_OVERDUE][11];
};

static void first_due_add(struct first_due *f, const char *due)
{
	if (!due) return;
	if (f->n == TASK_DASHBOARD_OVERDUE && strcmp(due, f->due[f->n - 1]) >= 0) return;
	int k = f->n < TASK_DASHBOARD_OVERDUE ? f->n++ : f->n - 1;
	while (k > 0 && strcmp(due, f->due[k - 1]) < 0) {
		memcpy(f->due[k], f->due[k - 1], 11);
		k--;
	}
	snprintf(f->due[k], 11, "%s", due);
}

/* one task's statuses on the dates into the counts */
static int scan_task(struct db *db, struct arena *a, struct arena *scratch, const struct task *t, const char *const *dates, int n,
		     int unit_date, struct task_counts *out, struct unit_table *ut, struct first_due *fd)
{
	struct unit_counts *u = NULL;
	for (int i = 0; i < n; i++) {
		const char *due = NULL;
		enum task_status s = tasks_status_only(db, scratch, t, dates[i], i == unit_date ? &due : NULL, NULL);
		if (!s) continue;
		out[i].n[s]++;
		out[i].total++;
		if (i == unit_date) {
			if (!u && !(u = unit_slot(ut, a, t->lead_id))) return E_DB;
			u->c.n[s]++;
			u->c.total++;
			if (s == TS_OVERDUE) first_due_add(fd, due);
		}
	}
	return E_OK;
}

static int tasks_scan(struct db *db, struct arena *a, const struct task_query *q0, const char *const *dates, int n, int unit_date,
		      struct task_counts *out, struct unit_counts **units, int *nunits, char due_max[11])
{
	struct first_due fd = { 0 };
	*due_max = 0;
	memset(out, 0, sizeof *out * (size_t)n);
	*units = NULL;
	*nunits = 0;
	struct task_query q = *q0;
	q.status = TS_NONE;
	q.due_until = NULL;
	const char *latest = dates[0], *earliest = dates[0];
	for (int i = 1; i < n; i++) {
		if (strcmp(dates[i], latest) > 0) latest = dates[i];
		if (strcmp(dates[i], earliest) < 0) earliest = dates[i];
	}
	struct buf sql;
	buf_init(&sql);
	struct params *p = calloc(1, sizeof *p);
	if (!p) return E_DB;
	buf_raw(&sql, "SELECT t.id, t.lead_id, t.assigned_on, t.due_on, t.extended_on, t.done_on, t.accepted_on, t.reopened_on");
	build_where(&sql, &q, p, 0, NULL);
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = st && bind_params(st, latest, p) == DB_OK ? E_OK : E_DB;
	struct unit_table ut = { 0 };
	struct later *later = NULL;
	struct arena scratch;
	arena_init(&scratch);
	while (rc == E_OK && db_step(st) == DB_ROW) {
		struct task t;
		memset(&t, 0, sizeof t);
		t.id = db_int(st, 0);
		t.lead_id = db_int(st, 1);
		t.assigned_on = db_text(st, 2);
		t.due_on = db_text(st, 3);
		t.extended_on = db_text(st, 4);
		t.done_on = db_text(st, 5);
		t.accepted_on = db_text(st, 6);
		t.reopened_on = db_text(st, 7);
		if (!t.assigned_on) continue;
		/* a history to read on some date: later, once the statement is done */
		if ((t.extended_on && strcmp(t.extended_on, earliest) > 0) || (t.reopened_on && strcmp(t.reopened_on, earliest) > 0)) {
			struct later *l = arena_alloc(&scratch, sizeof *l);
			l->t = t;
			l->t.assigned_on = arena_strdup(&scratch, t.assigned_on);
			l->t.due_on = t.due_on ? arena_strdup(&scratch, t.due_on) : NULL;
			l->t.extended_on = t.extended_on ? arena_strdup(&scratch, t.extended_on) : NULL;
			l->t.done_on = t.done_on ? arena_strdup(&scratch, t.done_on) : NULL;
			l->t.accepted_on = t.accepted_on ? arena_strdup(&scratch, t.accepted_on) : NULL;
			l->t.reopened_on = t.reopened_on ? arena_strdup(&scratch, t.reopened_on) : NULL;
			l->next = later;
			later = l;
			continue;
		}
		rc = scan_task(db, a, &scratch, &t, dates, n, unit_date, out, &ut, &fd);
	}
	db_done(st);
	for (struct later *l = later; rc == E_OK && l; l = l->next) rc = scan_task(db, a, &scratch, &l->t, dates, n, unit_date, out, &ut, &fd);
	if (fd.n == TASK_DASHBOARD_OVERDUE) memcpy(due_max, fd.due[fd.n - 1], 11);
	arena_free(&scratch);
	free(ut.keys);
	free(ut.slot);
	free(p);
	buf_free(&sql);
	if (rc != E_OK) return rc;
	*units = ut.items;
	*nunits = ut.n;
	return name_units(db, a, q0->units_named, *units, *nunits);
}

int tasks_dashboard(struct db *db, struct arena *a, const struct task_query *q0, const char *start, const char *compare,
		    struct task_dashboard *d)
{
	memset(d, 0, sizeof *d);
	struct task_query q = *q0;
	d->as_of = q.as_of;
	if (compare && date_valid(compare)) snprintf(d->previous, sizeof d->previous, "%s", compare);
	else quarter_end_before(q0->as_of, d->previous);
	int rc = E_OK;
	/* the quarters: from start's (or the previous one) to the date, the latest TASK_MAX_QUARTERS - 1 */
	char end[11];
	if (start && date_valid(start) && strcmp(start, q0->as_of) <= 0) quarter_end_of(start, end);
	else quarter_end_before(q0->as_of, end);
	int total = 0;
	char (*all)[11] = arena_alloc(a, 11 * 400);
	while (strcmp(end, q0->as_of) < 0 && total < 400) {
		snprintf(all[total++], 11, "%s", end);
		char next[11];
		task_date_add(end, 1, next);
		quarter_end_of(next, end);
	}
	int from = total > TASK_MAX_QUARTERS - 1 ? total - (TASK_MAX_QUARTERS - 1) : 0;
	for (int i = from; i < total; i++) snprintf(d->quarter[d->nquarters++], 11, "%s", all[i]);
	/* every date's counts in one pass: the quarters, the date, the date compared with */
	const char *dates[TASK_MAX_QUARTERS + 2];
	struct task_counts counts[TASK_MAX_QUARTERS + 2];
	int n = 0;
	for (int i = 0; i < d->nquarters; i++) dates[n++] = d->quarter[i];
	dates[n++] = q0->as_of;
	dates[n++] = d->previous;
	/* and the counts per lead unit on the date, in the same pass */
	if (rc == E_OK) rc = tasks_scan(db, a, &q, dates, n, n - 2, counts, &d->units, &d->nunits, d->overdue_due_max);
	for (int i = 0; i < d->nquarters; i++) d->qcounts[i] = counts[i];
	d->now = counts[n - 2];
	d->prev = counts[n - 1];
	snprintf(d->quarter[d->nquarters], 11, "%s", q0->as_of);
	d->qcounts[d->nquarters++] = d->now;
	return rc;
}
