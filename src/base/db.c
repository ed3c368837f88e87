/* db: the public db.h API, dispatched to the backend of each connection
** (db_backend.h): SQLite (db_sqlite.c) or PostgreSQL (db_pg.c). */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "db_backend.h"
#include "errors.h"

struct kind { int kind; };
#define PG(x) (((const struct kind *)(const void *)(x))->kind == DB_KIND_PG)
#define CALL(x, f, ...) (PG(x) ? pg_db_##f(__VA_ARGS__) : sqlite_db_##f(__VA_ARGS__))

int db_is_postgres(const char *path)
{
	return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0 ||
			strcmp(path, "postgresql:") == 0);
}

int db_open(struct db **out, const char *path, int flags)
{
	return db_is_postgres(path) ? pg_db_open(out, path, flags) : sqlite_db_open(out, path, flags);
}

void db_close(struct db *db)
{
	if (!db) return;
	if (PG(db)) pg_db_close(db);
	else sqlite_db_close(db);
}

const char *db_dialect(struct db *db) { return PG(db) ? "pg" : "sqlite"; }
const char *db_errmsg(struct db *db) { return CALL(db, errmsg, db); }
const char *db_path(struct db *db) { return CALL(db, path, db); }
struct stmt *db_prep(struct db *db, const char *sql) { return CALL(db, prep, db, sql); }
int db_vbind(struct stmt *st, const char *types, va_list ap) { return CALL(st, vbind, st, types, ap); }
int db_step(struct stmt *st) { return CALL(st, step, st); }
void db_done(struct stmt *st)
{
	if (!st) return;
	if (PG(st)) pg_db_done(st);
	else sqlite_db_done(st);
}
uint64_t db_vm_steps(struct db *db) { return CALL(db, vm_steps, db); }
int db_bind_int(struct stmt *st, int n, int64_t v) { return CALL(st, bind_int, st, n, v); }
int db_bind_text(struct stmt *st, int n, const char *v) { return CALL(st, bind_text, st, n, v); }
int db_bind_blob(struct stmt *st, int n, const void *p, size_t len) { return CALL(st, bind_blob, st, n, p, len); }
int64_t db_int(struct stmt *st, int col) { return CALL(st, int, st, col); }
double db_double(struct stmt *st, int col) { return CALL(st, double, st, col); }
const char *db_text(struct stmt *st, int col) { return CALL(st, text, st, col); }
const char *db_text_dup(struct stmt *st, struct arena *a, int col) { return db_isnull(st, col) ? NULL : arena_strdup(a, db_text(st, col)); }
const void *db_blob(struct stmt *st, int col, size_t *n) { return CALL(st, blob, st, col, n); }
int db_isnull(struct stmt *st, int col) { return CALL(st, isnull, st, col); }
char db_coltype(struct stmt *st, int col) { return CALL(st, coltype, st, col); }
int db_ncols(struct stmt *st) { return CALL(st, ncols, st); }
const char *db_colname(struct stmt *st, int col) { return CALL(st, colname, st, col); }
int db_script(struct db *db, const char *sql) { return CALL(db, script, db, sql); }
int db_changes(struct db *db) { return CALL(db, changes, db); }
int db_begin(struct db *db)
{
	struct db_head *h = (struct db_head *)(void *)db;
	h->writes++;
	h->before_commit = NULL;
	int rc = CALL(db, begin, db);
	h->own_tx = rc == DB_OK;
	return rc;
}
uint64_t db_write_count(struct db *db) { return ((struct db_head *)(void *)db)->writes; }
int db_before_commit(struct db *db, db_hook_fn *fn)
{
	struct db_head *h = (struct db_head *)(void *)db;
	if (!h->own_tx || !db_in_tx(db)) return 0;
	h->before_commit = fn;
	return 1;
}
int db_commit(struct db *db)
{
	struct db_head *h = (struct db_head *)(void *)db;
	db_hook_fn *fn = h->before_commit;
	h->before_commit = NULL;
	if (fn) {
		int rc = fn(db);
		if (rc != DB_OK) return rc; /* not committed: the caller rolls back */
	}
	int rc = CALL(db, commit, db);
	h->own_tx = 0;
	return rc;
}
void db_rollback(struct db *db)
{
	struct db_head *h = (struct db_head *)(void *)db;
	h->before_commit = NULL;
	h->own_tx = 0;
	h->tx_depth = 0; /* every level went with the transaction (a db_tx_end after this one says unbalanced) */
	if (PG(db)) pg_db_rollback(db);
	else sqlite_db_rollback(db);
}
int db_in_tx(struct db *db) { return CALL(db, in_tx, db); }
static int tx_code(int rc) { return rc == DB_BUSY ? E_BUSY : E_DB; }

/* The nesting of write transactions is the same for both backends (db.h):
** the outermost level is db_begin (BEGIN IMMEDIATE, or BEGIN and the writers'
** lock), a level inside a transaction is a SAVEPOINT; a first level inside a
** transaction opened elsewhere also joins the writers (db_join_writer). */
int db_tx_begin(struct db *db)
{
	struct db_head *h = (struct db_head *)(void *)db;
	int rc;
	h->writes++;
	if (h->tx_depth == 0 && !db_in_tx(db)) {
		rc = db_begin(db);
		if (rc != DB_OK) return tx_code(rc);
		h->tx_began = 1;
		if (h->guard && h->guard(db, h->guard_arg) != 0) {
			db_rollback(db);
			return E_BUSY;
		}
	} else {
		char sp[24];
		snprintf(sp, sizeof sp, "SAVEPOINT tx%d", h->tx_depth);
		rc = db_exec(db, sp, "");
		if (rc != DB_OK) return tx_code(rc);
		if (h->tx_depth == 0) {
			h->tx_began = 0;
			rc = CALL(db, join_writer, db);
			if (rc == DB_OK && h->guard && h->guard(db, h->guard_arg) != 0) rc = DB_BUSY;
			if (rc != DB_OK) {
				db_exec(db, "ROLLBACK TO tx0", "");
				db_exec(db, "RELEASE tx0", "");
				return tx_code(rc);
			}
		}
	}
	h->tx_depth++;
	return E_OK;
}

void db_writer_guard(struct db *db, db_guard_fn *fn, void *arg)
{
	struct db_head *h = (struct db_head *)(void *)db;
	h->guard = fn;
	h->guard_arg = arg;
}

int db_tx_end(struct db *db, int rc)
{
	struct db_head *h = (struct db_head *)(void *)db;
	if (h->tx_depth <= 0) return rc == E_OK ? E_DB : rc; /* unbalanced: a bug; never commit */
	int level = --h->tx_depth;
	if (level == 0 && h->tx_began) {
		if (rc == E_OK) {
			int c = db_commit(db);
			if (c == DB_OK) return E_OK;
			rc = tx_code(c);
		}
		db_rollback(db);
		return rc;
	}
	char sp[48];
	if (rc != E_OK) {
		snprintf(sp, sizeof sp, "ROLLBACK TO tx%d", level);
		db_exec(db, sp, "");
	}
	snprintf(sp, sizeof sp, "RELEASE tx%d", level);
	int c = db_exec(db, sp, "");
	return rc == E_OK && c != DB_OK ? tx_code(c) : rc;
}
int64_t db_last_id(struct db *db) { return CALL(db, last_id, db); }
int db_change_stamp(struct db *db, uint64_t stamp[2]) { return CALL(db, change_stamp, db, stamp); }
int db_tx_writing(struct db *db) { return CALL(db, tx_writing, db); }
int db_indexes_defer(struct db *db, const char *table) { return CALL(db, indexes_defer, db, table); }
int db_indexes_restore(struct db *db) { return CALL(db, indexes_restore, db); }
int db_analyze(struct db *db, int64_t rows, const char *tables)
{
	if (!PG(db) || rows < 1000) return DB_OK;
	char sql[96];
	snprintf(sql, sizeof sql, "ANALYZE %s", tables);
	return db_script(db, sql);
}
void db_busy_timeout(struct db *db, int ms)
{
	if (PG(db)) pg_db_busy_timeout(db, ms);
	else sqlite_db_busy_timeout(db, ms);
}
void db_bulk_mode(struct db *db)
{
	if (PG(db)) pg_db_bulk_mode(db);
	else sqlite_db_bulk_mode(db);
}
void db_bulk_end(struct db *db)
{
	if (PG(db)) pg_db_bulk_end(db);
	else sqlite_db_bulk_end(db);
}
int db_backup(struct db *db, const char *dest) { return CALL(db, backup, db, dest); }
int db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols)
{
	return CALL(db, copy_begin, db, table, cols, ncols);
}
int db_copy_row(struct db *db, const struct db_value *values) { return CALL(db, copy_row, db, values); }
int db_copy_end(struct db *db, const char *abort, int64_t *rows) { return CALL(db, copy_end, db, abort, rows); }
int db_copy_rows(struct db *db, const char *table, const char *const *cols, int ncols, int (*next)(void *arg, struct db_value *values),
		 void *arg, int64_t *rows)
{
	return CALL(db, copy_rows, db, table, cols, ncols, next, arg, rows);
}
int db_unavailable(struct db *db) { return db && PG(db) ? pg_db_unavailable(db) : 0; }

/* the variadic helpers, the same for both backends */
int db_bind(struct stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	return rc;
}

struct stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
	struct stmt *st = db_prep(db, sql);
	if (!st) return NULL;
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	if (rc != DB_OK) { db_done(st); return NULL; }
	return st;
}

int db_exec(struct db *db, const char *sql, const char *types, ...)
{
	struct stmt *st = db_prep(db, sql);
	if (!st) return db_unavailable(db) ? DB_BUSY : DB_ERR;
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	if (rc == DB_OK) {
		while ((rc = db_step(st)) == DB_ROW) {}
		if (rc == DB_DONE) rc = DB_OK;
	}
	db_done(st);
	return rc;
}

int db_int1(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	struct stmt *st = db_prep(db, sql);
	if (!st) return DB_ERR;
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	if (rc == DB_OK) {
		rc = db_step(st);
		if (rc == DB_ROW) *out = db_int(st, 0);
	}
	db_done(st);
	return rc;
}
