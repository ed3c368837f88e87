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

/* db_open's flags: 0 opens an existing database for reading and writing;
** DB_OPEN_CREATE makes a new SQLite file when there is none (a PostgreSQL
** database is always made by its server's administrator); DB_OPEN_READONLY
** (SQLite) neither writes nor changes the file's journal mode: a source that
** is only read, such as migrate-db's. */
enum { DB_OPEN_CREATE = 1, DB_OPEN_READONLY = 2 };
int db_open(struct db **out, const char *path, int flags);
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
struct arena;
const char *db_text_dup(struct stmt *st, struct arena *a, int col); /* the same, copied into the arena; NULL for SQL NULL */
const void *db_blob(struct stmt *st, int col, size_t *n);
int db_isnull(struct stmt *st, int col);
/* The kind of the value in a column of the current row, in db_bind()'s
** letters: 'i' integer, 'd' real, 't' text, 'b' blob, 'n' NULL. On SQLite
** the value's own storage class (a column's declared type does not bind
** it); on PostgreSQL the column's type (smallint, integer, bigint and
** boolean 'i'; real, double precision and numeric 'd'; bytea 'b'; anything
** else 't'). */
char db_coltype(struct stmt *st, int col);
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
** another. SQLite: the WAL-index header (every commit rewrites it; read from
** memory without a lock), or without WAL PRAGMA data_version and the rows
** this connection wrote; PostgreSQL: a hash of the statement's snapshot
** (pg_current_snapshot), which moves when any transaction that wrote ends,
** on any server. Call it before reading the data, outside a transaction or
** before a deferred BEGIN's first statement (SQLite refuses once a snapshot
** is open: it could be older than the stamp); what is read after it is at
** least as new. Equal stamps mean the same data. DB_OK or an error. */
int db_change_stamp(struct db *db, uint64_t stamp[2]);

int db_begin(struct db *db);     /* BEGIN IMMEDIATE */
/* how many write transactions and savepoints (db_begin, db_tx_begin) this
** connection began: a reader that must know it did not write since some
** point compares two counts (web/cache.c's memo) */
uint64_t db_write_count(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* Work that belongs at the end of a transaction rather than at each of its
** statements (the audit log's head, written once instead of after each of a
** demo's 5 000 entries: PostgreSQL keeps every version of a row updated again
** and again by one transaction, and each update walks them all). Inside a
** transaction of db_begin (or an outermost db_tx_begin), fn is run by
** db_commit just before it commits (an error: not committed, the caller
** rolls back) and forgotten by db_rollback; one fn at a time, the last one
** given. Returns 1 when deferred; 0 outside such a transaction (a raw BEGIN,
** autocommit): the caller does the work now. */
typedef int db_hook_fn(struct db *db);
int db_before_commit(struct db *db, db_hook_fn *fn);
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
/* A check every outermost db_tx_begin() of this connection makes once it
** holds the writers' lock (NULL: none): non-zero refuses the transaction
** (rolled back, E_BUSY). The job worker uses it so that a run that lost its
** job to another server's worker (jobs.c) writes nothing more. */
typedef int db_guard_fn(struct db *db, void *arg);
void db_writer_guard(struct db *db, db_guard_fn *fn, void *arg);
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
/* After a bulk write of `rows` rows into tables (a bulk import): on
** PostgreSQL, from 1 000 rows on, ANALYZE them (a comma-separated list of
** names in the code), which also drops the plans the connections keep of
** their prepared statements. A statement's generic plan is made once, with
** the statistics of that moment: one planned while the table was empty
** scans it whole, e.g. models by movement with the code as a filter, and a
** re-import of 10 000 models took 18 s instead of 2.4 (one scan of 10 000
** rows a line); autovacuum would mend it only a minute later. On SQLite,
** whose plans do not depend on the rows, and for fewer rows, nothing. */
int db_analyze(struct db *db, int64_t rows, const char *tables);

/* Many rows into one table, for a bulk copy (migrate-db): on PostgreSQL one
** COPY ... FROM STDIN (text format) whose rows are sent in blocks of about
** 256 KiB, no statement per row; on SQLite one prepared INSERT run per row.
** db_copy_begin() names the table and its columns (plain lower-case SQL
** names), db_copy_row() adds one row of as many values, db_copy_end()
** finishes it and gives the number of rows written. Call them inside a
** write transaction; between begin and end the connection runs nothing
** else. On PostgreSQL a row that breaks a constraint or is not valid
** (text that is not UTF-8) is reported by db_copy_end(), for the whole copy;
** abort (a reason, or NULL) gives the copy up: on PostgreSQL it fails, so
** the transaction must be rolled back, which the caller does on any error
** anyway. Each returns DB_OK or an error (DB_CONSTRAINT, DB_BUSY, DB_ERR). */
struct db_value {
	char type;       /* as db_bind: 'i' int64, 'd' double, 't' text, 'b' blob, 'n' NULL */
	int64_t i;
	double d;
	const void *p;   /* 't': NUL-terminated text; 'b': n bytes */
	size_t n;
};
int db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols);
int db_copy_row(struct db *db, const struct db_value *values);
int db_copy_end(struct db *db, const char *abort, int64_t *rows);
/* The same for rows the caller can produce one after another: next() fills
** values (ncols of them, at most 16) with the next row and answers 1, or 0
** after the last, or -1 when it cannot (the copy then fails); its texts and
** blobs must stay as they are until the following call. A 't' value is
** NUL-terminated; its n, when not 0, is its length (SQLite needs no strlen). SQLite inserts them all with one
** statement reading a virtual table (no statement a row); PostgreSQL with
** COPY. Inside a write transaction; *rows: the rows written. */
int db_copy_rows(struct db *db, const char *table, const char *const *cols, int ncols, int (*next)(void *arg, struct db_value *values),
		 void *arg, int64_t *rows);

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
