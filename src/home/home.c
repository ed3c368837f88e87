/* The home page's figures per role (home.h). Each list is one query built
** from fixed fragments; the subtrees of the user's grants are bound as
** path ranges [lo, hi), the same ranges every list of the product reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/files.h"
#include "../base/util.h"
#include "../movements/movements.h"
#include "../units/units.h"
#include "home.h"

const char *const home_stages[4] = { "draft", "launched", "reviewing", "closed" };

static int parse_day(const char *iso, struct tm *tm)
{
	memset(tm, 0, sizeof *tm);
	if (!iso || sscanf(iso, "%4d-%2d-%2d", &tm->tm_year, &tm->tm_mon, &tm->tm_mday) != 3) return -1;
	tm->tm_year -= 1900;
	tm->tm_mon -= 1;
	tm->tm_hour = 12; /* away from any edge */
	return 0;
}

void home_add_days(char out[11], const char *iso, int days)
{
	struct tm tm;
	if (parse_day(iso, &tm) != 0) { snprintf(out, 11, "%s", iso ? iso : ""); return; }
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int home_days_between(const char *from, const char *to)
{
	struct tm a, b;
	if (parse_day(from, &a) != 0 || parse_day(to, &b) != 0) return 0;
	return (int)((timegm(&b) - timegm(&a)) / 86400);
}

/* " AND (col in one of the ranges)"; parameters $k, $k+1 … per range.
** With `overlap`, a range also matches when col is one of its ancestors
** (a movement that invites a province concerns a reporter of a commune). */
static void scope_sql(struct buf *sql, const char *col, const struct home_scope *s, int k, int overlap)
{
	if (s->n < 0) return;
	if (s->n == 0) { buf_raw(sql, " AND 1 = 0"); return; }
	buf_raw(sql, " AND (");
	for (int i = 0; i < s->n; i++, k += 2) {
		if (i) buf_raw(sql, " OR ");
		buf_printf(sql, "(%s >= $%d AND %s < $%d)", col, k, col, k + 1);
		if (overlap) buf_printf(sql, " OR substr($%d, 1, length(%s)) = %s", k, col, col);
	}
	buf_raw(sql, ")");
}

static void scope_bind(struct stmt *st, const struct home_scope *s, int k)
{
	for (int i = 0; s->n > 0 && i < s->n; i++, k += 2) {
		char hi[UNIT_PATH_MAX];
		subtree_end(hi, sizeof hi, s->lo[i]);
		db_bind_text(st, k, s->lo[i]);
		db_bind_text(st, k + 1, hi);
	}
}

static struct home_movement *list_add(struct arena *a, struct home_list *l)
{
	l->total++;
	if (l->n >= HOME_MAX_ITEMS) return NULL;
	if (!l->items) l->items = arena_alloc(a, sizeof *l->items * HOME_MAX_ITEMS);
	return &l->items[l->n++];
}

static void movement_row(struct arena *a, struct stmt *st, struct home_movement *m)
{
	m->id = db_int(st, 0);
	m->code = arena_strdup(a, db_text(st, 1));
	m->title = arena_strdup(a, db_text(st, 2));
	m->status = arena_strdup(a, db_text(st, 3));
}

/* runs `sql` (a movement per row: id, code, title, status, date, n) into a list */
static int run_list(struct db *db, struct arena *a, const char *sql, const char *p1, const char *p2, const struct home_scope *s,
		    const char *what, struct home_list *l)
{
	struct stmt *st = db_prep(db, sql);
	if (!st) return E_DB;
	if (p1) db_bind_text(st, 1, p1);
	if (p2) db_bind_text(st, 2, p2);
	scope_bind(st, s, 3);
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		l->sum += db_int(st, 5);
		struct home_movement *m = list_add(a, l);
		if (!m) continue;
		movement_row(a, st, m);
		m->date = arena_strdup(a, db_text(st, 4));
		m->what = what;
		m->n = db_int(st, 5);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

static int by_date(const void *x, const void *y)
{
	const struct home_movement *a = x, *b = y;
	int c = strcmp(a->date ? a->date : "", b->date ? b->date : "");
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

int home_reporter(struct db *db, struct arena *a, const struct home_scope *rep, struct home *h)
{
	char soon[11], cutoff[11];
	home_add_days(soon, h->today, HOME_SOON_DAYS);
	home_add_days(cutoff, h->today, -HOME_REPORT_DAYS);
	int rc;

	/* open for registration in their scope, none of their units registered */
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT m.id, m.code, m.title, m.status, m.register_by, 0 FROM movements m"
		      " WHERE m.status = 'launched' AND m.register_by >= $1"
		      " AND EXISTS (SELECT 1 FROM movement_scopes s JOIN units su ON su.id = s.unit_id WHERE s.movement_id = m.id");
	scope_sql(&sql, "su.path", rep, 3, 1);
	buf_raw(&sql, ") AND NOT EXISTS (SELECT 1 FROM registrations g JOIN units gu ON gu.id = g.unit_id"
		      " WHERE g.movement_id = m.id AND g.active = 1");
	scope_sql(&sql, "gu.path", rep, 3, 0);
	buf_raw(&sql, ") ORDER BY m.register_by, m.id");
	rc = run_list(db, a, buf_cstr(&sql), h->today, NULL, rep, "register_by", &h->to_register);

	/* deadlines coming: registration closes, or the movement's period ends */
	if (rc == E_OK) {
		buf_reset(&sql);
		buf_raw(&sql, "SELECT m.id, m.code, m.title, m.status, m.register_by, m.ends_on FROM movements m"
			      " WHERE m.status IN ('launched', 'reviewing')"
			      " AND ((m.status = 'launched' AND m.register_by >= $1 AND m.register_by <= $2) OR (m.ends_on >= $1 AND m.ends_on <= $2))"
			      " AND EXISTS (SELECT 1 FROM movement_scopes s JOIN units su ON su.id = s.unit_id WHERE s.movement_id = m.id");
		scope_sql(&sql, "su.path", rep, 3, 1);
		buf_raw(&sql, ") ORDER BY m.id");
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) rc = E_DB;
		else {
			db_bind_text(st, 1, h->today);
			db_bind_text(st, 2, soon);
			scope_bind(st, rep, 3);
			int s;
			while ((s = db_step(st)) == DB_ROW) {
				const char *reg = db_text(st, 4), *end = db_text(st, 5);
				for (int k = 0; k < 2; k++) {
					const char *d = k ? end : reg;
					if (!d || strcmp(d, h->today) < 0 || strcmp(d, soon) > 0) continue;
					if (k == 0 && strcmp(db_text(st, 3), "launched") != 0) continue;
					struct home_movement *m = list_add(a, &h->deadlines);
					if (!m) continue;
					movement_row(a, st, m);
					m->date = arena_strdup(a, d);
					m->what = k ? "ends_on" : "register_by";
				}
			}
			db_done(st);
			if (s != DB_DONE) rc = E_DB;
			if (h->deadlines.n > 1) qsort(h->deadlines.items, (size_t)h->deadlines.n, sizeof *h->deadlines.items, by_date);
		}
	}

	/* models of their units that wait for a progress report */
	if (rc == E_OK) {
		buf_reset(&sql);
		buf_raw(&sql, "SELECT d.id, d.movement_id, d.code, d.title, u.name, m.title,"
			      " (SELECT max(p.reported_on) FROM model_reports p WHERE p.model_id = d.id)"
			      " FROM models d JOIN movements m ON m.id = d.movement_id JOIN units u ON u.id = d.unit_id"
			      " WHERE d.active = 1 AND m.status IN ('launched', 'reviewing')"
			      " AND NOT EXISTS (SELECT 1 FROM model_reports p WHERE p.model_id = d.id AND p.reported_on >= $1)");
		scope_sql(&sql, "u.path", rep, 3, 0);
		buf_raw(&sql, " ORDER BY d.movement_id, d.code");
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) rc = E_DB;
		else {
			db_bind_text(st, 1, cutoff);
			scope_bind(st, rep, 3);
			int s;
			while ((s = db_step(st)) == DB_ROW) {
				h->reports_due++;
				if (h->nreports_due >= HOME_MAX_ITEMS) continue;
				if (!h->due) h->due = arena_alloc(a, sizeof *h->due * HOME_MAX_ITEMS);
				struct home_model *d = &h->due[h->nreports_due++];
				d->id = db_int(st, 0);
				d->movement_id = db_int(st, 1);
				d->code = arena_strdup(a, db_text(st, 2));
				d->title = arena_strdup(a, db_text(st, 3));
				d->unit_name = arena_strdup(a, db_text(st, 4));
				d->movement_title = arena_strdup(a, db_text(st, 5));
				d->last_report = arena_strdup(a, db_text(st, 6));
			}
			db_done(st);
			if (s != DB_DONE) rc = E_DB;
		}
	}
	buf_free(&sql);
	return rc;
}

int home_officer(struct db *db, struct arena *a, const struct home_scope *mgr, struct home *h)
{
	char since[11], cutoff[11];
	home_add_days(since, h->today, -HOME_NEW_DAYS);
	home_add_days(cutoff, h->today, -HOME_REPORT_DAYS);
	static const char *const from =
		" FROM movements m JOIN units au ON au.id = m.authority_id";
	struct buf sql;
	buf_init(&sql);
	int rc;

	/* registrations made in the last days, per movement */
	buf_printf(&sql, "SELECT m.id, m.code, m.title, m.status, max(g.registered_on), count(*)%s"
			 " JOIN registrations g ON g.movement_id = m.id"
			 " WHERE g.active = 1 AND g.created_at >= $1 AND m.status IN ('launched', 'reviewing')", from);
	scope_sql(&sql, "au.path", mgr, 3, 0);
	buf_raw(&sql, " GROUP BY m.id, m.code, m.title, m.status ORDER BY m.id");
	rc = run_list(db, a, buf_cstr(&sql), since, NULL, mgr, NULL, &h->new_regs);

	/* models not assessed yet */
	if (rc == E_OK) {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT m.id, m.code, m.title, m.status, m.ends_on, count(*)%s"
				 " JOIN models d ON d.movement_id = m.id"
				 " WHERE d.active = 1 AND d.status = 'registered' AND m.status IN ('launched', 'reviewing')", from);
		scope_sql(&sql, "au.path", mgr, 3, 0);
		buf_raw(&sql, " GROUP BY m.id, m.code, m.title, m.status, m.ends_on ORDER BY m.id");
		rc = run_list(db, a, buf_cstr(&sql), NULL, NULL, mgr, "ends_on", &h->to_assess);
	}

	/* models without a report for HOME_REPORT_DAYS */
	if (rc == E_OK) {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT m.id, m.code, m.title, m.status, m.ends_on, count(*)%s"
				 " JOIN models d ON d.movement_id = m.id"
				 " WHERE d.active = 1 AND m.status IN ('launched', 'reviewing')"
				 " AND NOT EXISTS (SELECT 1 FROM model_reports p WHERE p.model_id = d.id AND p.reported_on >= $1)"
				 /* a model entered in the last days that has not reported yet is not late */
				 " AND (substr(d.created_at, 1, 10) < $1 OR EXISTS (SELECT 1 FROM model_reports p WHERE p.model_id = d.id))", from);
		scope_sql(&sql, "au.path", mgr, 3, 0);
		buf_raw(&sql, " GROUP BY m.id, m.code, m.title, m.status, m.ends_on ORDER BY m.id");
		rc = run_list(db, a, buf_cstr(&sql), cutoff, NULL, mgr, "ends_on", &h->late);
	}

	/* drafts waiting to be launched */
	if (rc == E_OK) {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT m.id, m.code, m.title, m.status, m.starts_on, 0%s WHERE m.status = 'draft'", from);
		scope_sql(&sql, "au.path", mgr, 3, 0);
		buf_raw(&sql, " ORDER BY m.starts_on, m.id");
		rc = run_list(db, a, buf_cstr(&sql), NULL, NULL, mgr, "starts_on", &h->drafts);
	}
	buf_free(&sql);
	return rc;
}

static int64_t file_size(const char *path)
{
	struct stat sb;
	return path && stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

void home_storage(struct db *db, const struct user *who, struct home *h)
{
	h->quota = files_unit_quota;
	for (int i = 0; who && i < who->ngrants && i < AUTH_MAX_ROLES; i++) h->storage[i] = files_unit_storage(db, who->grants[i].unit_id);
}

int home_admin(struct db *db, const char *db_file, struct home *h)
{
	/* independent counts, one statement: on PostgreSQL each is a round trip */
	struct stmt *st = db_query(db,
				   "SELECT (SELECT count(*) FROM units WHERE active = 1), (SELECT count(*) FROM people WHERE active = 1), "
				   "(SELECT count(*) FROM users WHERE active = 1), (SELECT count(*) FROM audit_log), "
				   "(SELECT COALESCE(sum(size), 0) FROM files), (SELECT count(*) FROM movements WHERE status = $1), "
				   "(SELECT count(*) FROM movements WHERE status = $2), (SELECT count(*) FROM movements WHERE status = $3), "
				   "(SELECT count(*) FROM movements WHERE status = $4)",
				   "tttt", home_stages[0], home_stages[1], home_stages[2], home_stages[3]);
	if (!st || db_step(st) != DB_ROW) { db_done(st); return E_DB; }
	h->units = db_int(st, 0);
	h->people = db_int(st, 1);
	h->users = db_int(st, 2);
	h->audit_chain = db_int(st, 3);
	h->files_bytes = db_int(st, 4);
	for (int i = 0; i < 4; i++) h->by_stage[i] = db_int(st, 5 + i);
	db_done(st);
	/* what the disk holds now: SQLite's file and its write-ahead log; on
	** PostgreSQL there is no file here (db_file is its URI), the server
	** counts the database's size */
	if (strcmp(db_dialect(db), "pg") == 0)
		return db_int1(db, &h->db_bytes, "SELECT pg_database_size(current_database())", "") == DB_ROW ? E_OK : E_DB;
	h->db_bytes = file_size(db_file);
	if (db_file) {
		char wal[4096];
		snprintf(wal, sizeof wal, "%s-wal", db_file);
		h->db_bytes += file_size(wal);
	}
	return E_OK;
}

int home_common(struct db *db, struct arena *a, const struct home_scope *read, struct home *h)
{
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT count(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE p.active = 1");
	scope_sql(&sql, "u.path", read, 3, 0);
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	int rc = E_DB;
	if (st) {
		scope_bind(st, read, 3);
		if (db_step(st) == DB_ROW) {
			h->people_in_scope = db_int(st, 0);
			rc = E_OK;
		}
		db_done(st);
	}
	buf_free(&sql);
	/* the launched movements that concern the reader's units, counted by the
	** query of the list the figure links to (/movements?status=launched&mine=1) */
	if (rc == E_OK) {
		struct movement_query q = { .status = "launched", .parent = -1, .nranges = -1, .concern = 1, .nconcern = read->n };
		for (int i = 0; i < read->n && i < MV_MAX_RANGES; i++) q.concern_lo[i] = read->lo[i];
		struct movement *items;
		int n;
		rc = movements_list(db, a, &q, &items, &n, &h->movements_open);
	}
	return rc;
}
