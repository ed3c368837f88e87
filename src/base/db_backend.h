/* db_backend: how the two storage backends live behind db.h.
**
** db_sqlite.c and db_pg.c each define the whole db.h API under their own
** prefix (sqlite_db_open, pg_db_open, ...): a backend defines DB_BACKEND
** before including this header, which renames db_* to <backend>_db_* in that
** file, so each backend's source reads like db.h and its internal calls
** (db_begin calling db_step) go straight to its own functions; the
** conveniences built on the others (db_query, db_exec, db_int1) exist once,
** in db.c, and a backend calls them like any caller. db.c defines
** the public db_* functions: db_open chooses the backend by the path, every
** other function looks at the first member of struct db or struct stmt,
** `int kind` (0, calloc's value, is SQLite; DB_KIND_PG is PostgreSQL), and
** calls that backend: one predictable branch per call.
**
** Both backends name their private structures struct db and struct stmt;
** only their own translation unit sees the members, except `kind`. */
#ifndef THIDUA_DB_BACKEND_H
#define THIDUA_DB_BACKEND_H
#include "db.h"

enum { DB_KIND_SQLITE = 0, DB_KIND_PG = 1 };

/* The first member of each backend's struct db: which backend, and the
** nesting of db_tx_begin() levels, which db.c keeps the same way for both */
struct db_head {
	int kind;           /* DB_KIND_*: calloc's 0 is SQLite */
	int tx_depth;       /* open db_tx_begin() levels */
	int tx_began;       /* the outermost level is our own write transaction, not a savepoint */
	db_guard_fn *guard; /* db_writer_guard: asked once the writers' lock is held */
	void *guard_arg;
	uint64_t writes;    /* write transactions begun (db_write_count) */
	int own_tx;         /* a transaction of db_begin is open: db_commit or db_rollback ends it */
	db_hook_fn *before_commit; /* db_before_commit: run by db_commit, dropped by db_rollback */
};

#define DB_DECLARE(p)                                                                             \
	int p##_db_open(struct db **out, const char *path, int flags);                              \
	void p##_db_close(struct db *db);                                                           \
	const char *p##_db_errmsg(struct db *db);                                                   \
	const char *p##_db_path(struct db *db);                                                     \
	struct stmt *p##_db_prep(struct db *db, const char *sql);                                   \
	int p##_db_bind(struct stmt *st, const char *types, ...);                                   \
	int p##_db_vbind(struct stmt *st, const char *types, va_list ap);                           \
	int p##_db_step(struct stmt *st);                                                           \
	void p##_db_done(struct stmt *st);                                                          \
	uint64_t p##_db_vm_steps(struct db *db);                                                    \
	int p##_db_bind_int(struct stmt *st, int n, int64_t v);                                     \
	int p##_db_bind_text(struct stmt *st, int n, const char *v);                                \
	int p##_db_bind_blob(struct stmt *st, int n, const void *p, size_t len);                    \
	int64_t p##_db_int(struct stmt *st, int col);                                               \
	double p##_db_double(struct stmt *st, int col);                                             \
	const char *p##_db_text(struct stmt *st, int col);                                          \
	const void *p##_db_blob(struct stmt *st, int col, size_t *n);                               \
	int p##_db_isnull(struct stmt *st, int col);                                                \
	char p##_db_coltype(struct stmt *st, int col);                                              \
	int p##_db_ncols(struct stmt *st);                                                          \
	const char *p##_db_colname(struct stmt *st, int col);                                       \
	int p##_db_script(struct db *db, const char *sql);                                          \
	int p##_db_changes(struct db *db);                                                          \
	int p##_db_begin(struct db *db);                                                            \
	int p##_db_commit(struct db *db);                                                           \
	void p##_db_rollback(struct db *db);                                                        \
	int p##_db_in_tx(struct db *db);                                                            \
	int p##_db_join_writer(struct db *db);                                                      \
	void p##_db_busy_timeout(struct db *db, int ms);                                            \
	void p##_db_bulk_mode(struct db *db);                                                       \
	void p##_db_bulk_end(struct db *db);                                                        \
	int64_t p##_db_last_id(struct db *db);                                                      \
	int p##_db_change_stamp(struct db *db, uint64_t stamp[2]);                                  \
	int p##_db_tx_writing(struct db *db);                                                       \
	int p##_db_indexes_defer(struct db *db, const char *table);                                 \
	int p##_db_indexes_restore(struct db *db);                                                  \
	int p##_db_backup(struct db *db, const char *dest);                                         \
	int p##_db_copy_begin(struct db *db, const char *table, const char *const *cols, int n);    \
	int p##_db_copy_row(struct db *db, const struct db_value *values);                          \
	int p##_db_copy_end(struct db *db, const char *abort, int64_t *rows);                       \
	int p##_db_copy_rows(struct db *db, const char *table, const char *const *cols, int n,      \
			     int (*next)(void *arg, struct db_value *values), void *arg, int64_t *rows);

/* a name db_copy_begin() accepts for a table or a column: lower-case
** letters, digits and '_', not starting with a digit (no quoting needed,
** nothing to escape) */
static inline int db_plain_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9')) return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
	return 1;
}

DB_DECLARE(sqlite)
DB_DECLARE(pg)
int pg_db_unavailable(struct db *db);

#ifdef DB_BACKEND
#define DB_NAME2(p, f) p##_db_##f
#define DB_NAME(p, f) DB_NAME2(p, f)
#define db_open DB_NAME(DB_BACKEND, open)
#define db_close DB_NAME(DB_BACKEND, close)
#define db_errmsg DB_NAME(DB_BACKEND, errmsg)
#define db_path DB_NAME(DB_BACKEND, path)
#define db_prep DB_NAME(DB_BACKEND, prep)
#define db_bind DB_NAME(DB_BACKEND, bind)
#define db_vbind DB_NAME(DB_BACKEND, vbind)
#define db_step DB_NAME(DB_BACKEND, step)
#define db_done DB_NAME(DB_BACKEND, done)
#define db_vm_steps DB_NAME(DB_BACKEND, vm_steps)
#define db_bind_int DB_NAME(DB_BACKEND, bind_int)
#define db_bind_text DB_NAME(DB_BACKEND, bind_text)
#define db_bind_blob DB_NAME(DB_BACKEND, bind_blob)
#define db_int DB_NAME(DB_BACKEND, int)
#define db_double DB_NAME(DB_BACKEND, double)
#define db_text DB_NAME(DB_BACKEND, text)
#define db_blob DB_NAME(DB_BACKEND, blob)
#define db_isnull DB_NAME(DB_BACKEND, isnull)
#define db_coltype DB_NAME(DB_BACKEND, coltype)
#define db_ncols DB_NAME(DB_BACKEND, ncols)
#define db_colname DB_NAME(DB_BACKEND, colname)
#define db_script DB_NAME(DB_BACKEND, script)
#define db_changes DB_NAME(DB_BACKEND, changes)
#define db_begin DB_NAME(DB_BACKEND, begin)
#define db_commit DB_NAME(DB_BACKEND, commit)
#define db_rollback DB_NAME(DB_BACKEND, rollback)
#define db_in_tx DB_NAME(DB_BACKEND, in_tx)
#define db_join_writer DB_NAME(DB_BACKEND, join_writer)
#define db_busy_timeout DB_NAME(DB_BACKEND, busy_timeout)
#define db_bulk_mode DB_NAME(DB_BACKEND, bulk_mode)
#define db_bulk_end DB_NAME(DB_BACKEND, bulk_end)
#define db_last_id DB_NAME(DB_BACKEND, last_id)
#define db_change_stamp DB_NAME(DB_BACKEND, change_stamp)
#define db_tx_writing DB_NAME(DB_BACKEND, tx_writing)
#define db_indexes_defer DB_NAME(DB_BACKEND, indexes_defer)
#define db_indexes_restore DB_NAME(DB_BACKEND, indexes_restore)
#define db_backup DB_NAME(DB_BACKEND, backup)
#define db_copy_begin DB_NAME(DB_BACKEND, copy_begin)
#define db_copy_row DB_NAME(DB_BACKEND, copy_row)
#define db_copy_end DB_NAME(DB_BACKEND, copy_end)
#define db_copy_rows DB_NAME(DB_BACKEND, copy_rows)
#endif

#endif
