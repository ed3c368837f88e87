/* db: the thin storage layer every feature talks to.
** SQL is written once with $1, $2 ... placeholders (PostgreSQL's spelling;
** SQLite binds them by name), values are always bound, never spliced.
** Statements are prepared once per connection and cached by their text.
** One connection belongs to one thread. Every write transaction starts with
** db_begin(), which is BEGIN IMMEDIATE on SQLite.
**
** Bind types for db_bind()/db_query()/db_exec():
**   'i' int64_t   'I' int64_t, bound as NULL when <= 0 (optional ids)
**   't' const char* (NULL binds NULL)   'd' double   'n' NULL (no argument)
**   'b' const void*, size_t (blob) */
#ifndef THIDUA_DB_H
#define THIDUA_DB_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum {
	DB_OK = 0,
	DB_ROW = 1,
	DB_DONE = 2,
	DB_ERR = -1,
	DB_CONSTRAINT = -2, /* unique, foreign key or check violated */
	DB_BUSY = -3,
};

struct db;
struct stmt;

int db_open(struct db **out, const char *path, int create);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);
const char *db_path(struct db *db);

struct stmt *db_prep(struct db *db, const char *sql);
int db_bind(struct stmt *st, const char *types, ...);
int db_vbind(struct stmt *st, const char *types, va_list ap);
int db_step(struct stmt *st);
void db_done(struct stmt *st);     /* reset; the statement goes back to the cache */
/* The work the database did so far on this connection, in SQLite's virtual
** machine steps: a count that does not depend on the machine's speed, so a
** test can tell a write that stays the same size from one that grows with
** the table (the quadratic import of issue 8). */
uint64_t db_vm_steps(struct db *db);
/* bind one parameter $n (for queries built from optional filters) */
int db_bind_int(struct stmt *st, int n, int64_t v);
int db_bind_text(struct stmt *st, int n, const char *v);
int db_bind_blob(struct stmt *st, int n, const void *p, size_t len);  /* NULL p binds NULL */

int64_t db_int(struct stmt *st, int col);
double db_double(struct stmt *st, int col);
const char *db_text(struct stmt *st, int col);   /* NULL for SQL NULL; valid until next step */
const void *db_blob(struct stmt *st, int col, size_t *n);
int db_isnull(struct stmt *st, int col);
int db_ncols(struct stmt *st);
const char *db_colname(struct stmt *st, int col);

/* prep + bind; NULL on error (the message is in db_errmsg). */
struct stmt *db_query(struct db *db, const char *sql, const char *types, ...);
/* prep + bind + step to the end; DB_OK or an error code. */
int db_exec(struct db *db, const char *sql, const char *types, ...);
/* first column of the first row into *out: DB_ROW, DB_DONE (no row) or error */
int db_int1(struct db *db, int64_t *out, const char *sql, const char *types, ...);
int db_script(struct db *db, const char *sql);  /* several statements, no parameters */
int db_changes(struct db *db);
/* the rowid of the last INSERT on this connection (a bulk writer's cheaper RETURNING id) */
int64_t db_last_id(struct db *db);
/* What the data looked like to this connection, for a cache of replies: two
** numbers that change whenever the database changes, by this connection
** (rows it wrote, even rolled back) or by any other, in this process or
** another (PRAGMA data_version). Call it inside a read transaction; equal
** stamps on one connection mean the same data. DB_OK or an error. */
int db_change_stamp(struct db *db, uint64_t stamp[2]);

int db_begin(struct db *db);     /* BEGIN IMMEDIATE */
int db_commit(struct db *db);
void db_rollback(struct db *db);
int db_in_tx(struct db *db);
int db_tx_writing(struct db *db);  /* the open transaction has written (holds the write lock) */

/* Write transactions that nest (Fossil's db_begin_transaction() counts
** depth the same way). Every domain writer brackets its work with
**     int rc = db_tx_begin(db);
**     if (rc == E_OK) { ... rc = ...; }
**     return db_tx_end(db, rc);
** The outermost level is BEGIN IMMEDIATE and db_tx_end() commits it when rc
** is E_OK, rolls it back otherwise. A level opened inside a transaction (a
** writer called by another writer, by an import, or inside the read snapshot
** of a request) is a SAVEPOINT: it is released when rc is E_OK and rolled
** back to otherwise, so each writer is all or nothing on its own and the
** caller decides about the rest. db_tx_end() returns rc, or E_DB / E_BUSY
** when the commit itself fails (E_BUSY: another writer held the database
** longer than the busy timeout; the web answers 503 with Retry-After). */
int db_tx_begin(struct db *db);
int db_tx_end(struct db *db, int rc);
/* how long a write waits for another writer before E_BUSY (default 10 s) */
void db_busy_timeout(struct db *db, int ms);

/* Appends " ORDER BY ..." for a user's sort ("name,-code") from a fixed list
** of keys and their columns; unknown keys are ignored; dflt always ends it.
** A column that may be NULL is written "col NULLS FIRST": SQLite's order,
** which PostgreSQL (NULLs last ascending) follows only when told; a
** descending sort of it becomes "col DESC NULLS LAST". */
struct buf;
void db_order_by(struct buf *sql, const char *sort, const char *const *keys, const char *const *cols, const char *dflt);

/* a bulk import by the command line: a larger page cache and, when no other
** process uses the database, writes in place instead of through the WAL */
void db_bulk_mode(struct db *db);
void db_bulk_end(struct db *db);   /* back to WAL; db_close does it too */
/* Inside a bulk import's transaction: drops the indexes of table that are
** neither unique nor a primary key, so that the rows go in without them;
** db_indexes_restore() creates them again from their own definitions (one
** sorted build each, much cheaper than as many random inserts), before the
** commit. A rollback brings them back by itself. DB_OK or an error. */
int db_indexes_defer(struct db *db, const char *table);
int db_indexes_restore(struct db *db);

/* online, consistent copy of the database to dest (a new file); SQLite
** only: on PostgreSQL it fails with a message that points to pg_dump */
int db_backup(struct db *db, const char *dest);

/* Two backends (db_backend.h): db_open() takes a file path for SQLite, or a
** PostgreSQL URI "postgresql://user@host/db" or "postgres://...", or just
** "postgresql:" for libpq's environment (PGSERVICE, PGHOST, PGDATABASE...). */
int db_is_postgres(const char *path);   /* the path names a PostgreSQL database */
const char *db_dialect(struct db *db);  /* "sqlite" or "pg": the folder of its migrations */
/* the database server cannot be reached (PostgreSQL: the connection was lost
** and could not be made again yet); the web answers 503. Always 0 on SQLite. */
int db_unavailable(struct db *db);

#endif
