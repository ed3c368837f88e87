/* The SQLite backend of the db module (its functions are sqlite_db_*: db_backend.h). */
#define DB_BACKEND sqlite
#include "db_backend.h"
#include "buf.h"
#include "errors.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 512 /* power of two */

#define MAX_PARAMS 64

struct stmt {
	int kind;         /* DB_KIND_SQLITE (0): first, read by db.c */
	sqlite3_stmt *s;
	unsigned char param[MAX_PARAMS + 1]; /* $n → SQLite's index, found once at prepare */
	struct db *db;
	char *sql;        /* cache key */
	uint32_t hash;
	int transient;    /* finalize in db_done: the cached one was busy */
};

struct db {
	struct db_head head; /* first, read by db.c: kind DB_KIND_SQLITE (0), the tx levels */
	sqlite3 *h;
	char *path;
	struct stmt *cache[CACHE_SIZE];
	char err[256];
	int bulk;           /* in db_bulk_mode with a rollback journal */
	uint64_t vm_steps;  /* virtual-machine steps of the statements done (db_vm_steps) */
	char **deferred;    /* CREATE INDEX statements of db_indexes_defer() */
	int ndeferred;
	struct stmt *copy;  /* the INSERT of db_copy_begin() */
	int copy_cols;
	int rows_module;    /* thidua_rows registered (db_copy_rows) */
	int64_t copy_rows;
	/* the WAL-index header in the -shm file, SQLite's own mapping of it
	** (db_change_stamp); stamp_mode 0: not tried yet, 1: mapped, 2: PRAGMA
	** data_version (no WAL, or the mapping was refused) */
	const volatile unsigned char *walhdr;
	int stamp_mode;
};

static void forget_deferred(struct db *db);
static void map_wal_header(struct db *db);

/* the statement cache's hash of an SQL text, 8 bytes at a time: every
** query of every request hashes its text (hundreds of bytes) */
static uint32_t sql_hash(const char *s)
{
	size_t n = strlen(s), i = 0;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static void set_err(struct db *db, const char *what)
{
	snprintf(db->err, sizeof db->err, "%s: %s", what, sqlite3_errmsg(db->h));
}

const char *db_errmsg(struct db *db) { return db->err; }
const char *db_path(struct db *db) { return db->path; }

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: case SQLITE_OK: return DB_DONE;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_BUSY: case SQLITE_LOCKED: return DB_BUSY;
	default: return DB_ERR;
	}
}

static pthread_once_t configured = PTHREAD_ONCE_INIT;
static void configure(void)
{
	/* no global memory statistics: they take a mutex on every allocation */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* THIDUA_SQL_PROFILE=1: every statement's time and text on stderr (finding
** where a request's time goes; never in production) */
static int sql_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE) return 0;
	char *sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
	fprintf(stderr, "sql %8.1f us  %s\n", (double)*(sqlite3_int64 *)x / 1000.0, sql ? sql : sqlite3_sql((sqlite3_stmt *)p));
	sqlite3_free(sql);
	return 0;
}

int db_open(struct db **out, const char *path, int flags)
{
	*out = NULL;
	pthread_once(&configured, configure);
	struct db *db = calloc(1, sizeof *db);
	if (!db) return DB_ERR;
	int readonly = (flags & DB_OPEN_READONLY) != 0;
	int oflags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (flags & DB_OPEN_CREATE ? SQLITE_OPEN_CREATE : 0)) |
		     SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "cannot open database %s: %s\n", path,
			db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return DB_ERR;
	}
	db->path = strdup(path);
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	/* one plan per statement, whatever its bound values: without it every
	** "x LIKE $n" is compiled again each time $n gets a new value (SQLite
	** keeps the door open to its LIKE-prefix optimisation, which our
	** case-sensitive search columns can never use) */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_QPSG, 1, NULL);
	sqlite3_busy_timeout(db->h, 10000);
	const char *prof = getenv("THIDUA_SQL_PROFILE");
	if (prof && *prof == '1') sqlite3_trace_v2(db->h, SQLITE_TRACE_PROFILE, sql_profile, NULL);
	/* FULL: a commit is on disk before the request that made it is answered;
	** read-only: the file keeps its journal mode, nothing is written. A
	** writable connection (a server's worker, its job worker, a command) may
	** keep 64 MiB of pages, taken only as they are read: a province's scan
	** touches ~30 MB of index pages spread over the file, which a 16 MB cache
	** read again from the OS on every scan (a third of its CPU copying) */
	if (db_script(db, readonly ? "PRAGMA query_only=1; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"
				   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
				     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;") != DB_OK) {
		fprintf(stderr, "cannot configure database %s: %s\n", path, db->err);
		db_close(db);
		return DB_ERR;
	}
	if (!readonly) map_wal_header(db);
	*out = db;
	return DB_OK;
}

void db_close(struct db *db)
{
	if (!db) return;
	if (db->copy) db_done(db->copy);
	forget_deferred(db);
	db_bulk_end(db);
	for (int i = 0; i < CACHE_SIZE; i++) {
		if (db->cache[i]) {
			sqlite3_finalize(db->cache[i]->s);
			free(db->cache[i]->sql);
			free(db->cache[i]);
		}
	}
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

static struct stmt *prepare(struct db *db, const char *sql, uint32_t h, int transient)
{
	struct stmt *st = calloc(1, sizeof *st);
	if (!st) return NULL;
	int rc = sqlite3_prepare_v3(db->h, sql, -1, transient ? 0 : SQLITE_PREPARE_PERSISTENT, &st->s, NULL);
	if (rc != SQLITE_OK) {
		set_err(db, "prepare");
		fprintf(stderr, "db: %s\n  in: %s\n", db->err, sql);
		free(st);
		return NULL;
	}
	st->db = db;
	st->hash = h;
	st->transient = transient;
	int np = sqlite3_bind_parameter_count(st->s);
	for (int i = 1; i <= np; i++) {
		const char *name = sqlite3_bind_parameter_name(st->s, i);
		int n = name && name[0] == '$' ? atoi(name + 1) : 0;
		if (n > 0 && n <= MAX_PARAMS) st->param[n] = (unsigned char)i;
	}
	if (!transient) st->sql = strdup(sql);
	return st;
}

struct stmt *db_prep(struct db *db, const char *sql)
{
	uint32_t h = sql_hash(sql);
	for (uint32_t i = 0; i < CACHE_SIZE; i++) {
		uint32_t slot = (h + i) & (CACHE_SIZE - 1);
		struct stmt *c = db->cache[slot];
		if (!c) {
			struct stmt *st = prepare(db, sql, h, 0);
			if (st) db->cache[slot] = st;
			return st;
		}
		if (c->hash == h && strcmp(c->sql, sql) == 0) {
			if (sqlite3_stmt_busy(c->s)) return prepare(db, sql, h, 1);
			return c;
		}
	}
	return prepare(db, sql, h, 1); /* cache full: prepare every time */
}

int db_vbind(struct stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types && types[i]; i++) {
		int idx = i < MAX_PARAMS ? st->param[i + 1] : 0;
		int rc = SQLITE_OK;
		switch (types[i]) {
		case 'i': { int64_t v = va_arg(ap, int64_t); if (idx) rc = sqlite3_bind_int64(st->s, idx, v); break; }
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			if (idx) rc = v > 0 ? sqlite3_bind_int64(st->s, idx, v) : sqlite3_bind_null(st->s, idx);
			break;
		}
		case 't': { const char *v = va_arg(ap, const char *); if (idx) rc = v ? sqlite3_bind_text(st->s, idx, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->s, idx); break; }
		case 'd': { double v = va_arg(ap, double); if (idx) rc = sqlite3_bind_double(st->s, idx, v); break; }
		case 'n': if (idx) rc = sqlite3_bind_null(st->s, idx); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			if (idx) rc = sqlite3_bind_blob64(st->s, idx, p, n, SQLITE_TRANSIENT);
			break;
		}
		default:
			snprintf(st->db->err, sizeof st->db->err, "bind: unknown type '%c'", types[i]);
			return DB_ERR;
		}
		if (rc != SQLITE_OK) { set_err(st->db, "bind"); return DB_ERR; }
	}
	return DB_OK;
}

int db_bind(struct stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	return rc;
}

static int param_index(struct stmt *st, int n) { return n > 0 && n <= MAX_PARAMS ? st->param[n] : 0; }

int db_bind_int(struct stmt *st, int n, int64_t v)
{
	int idx = param_index(st, n);
	return idx && sqlite3_bind_int64(st->s, idx, v) != SQLITE_OK ? DB_ERR : DB_OK;
}

int db_bind_text(struct stmt *st, int n, const char *v)
{
	int idx = param_index(st, n);
	if (!idx) return DB_OK;
	int rc = v ? sqlite3_bind_text(st->s, idx, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->s, idx);
	return rc == SQLITE_OK ? DB_OK : DB_ERR;
}

int db_bind_blob(struct stmt *st, int n, const void *p, size_t len)
{
	int idx = param_index(st, n);
	if (!idx) return DB_OK;
	int rc = p ? sqlite3_bind_blob64(st->s, idx, p, len, SQLITE_TRANSIENT) : sqlite3_bind_null(st->s, idx);
	return rc == SQLITE_OK ? DB_OK : DB_ERR;
}

int db_step(struct stmt *st)
{
	int rc = sqlite3_step(st->s);
	int r = map_rc(rc);
	if (r < 0) set_err(st->db, "step");
	return r;
}

void db_done(struct stmt *st)
{
	if (!st) return;
	st->db->vm_steps += (uint64_t)sqlite3_stmt_status(st->s, SQLITE_STMTSTATUS_VM_STEP, 1);
	if (st->transient) {
		sqlite3_finalize(st->s);
		free(st);
		return;
	}
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

int64_t db_int(struct stmt *st, int col) { return sqlite3_column_int64(st->s, col); }
double db_double(struct stmt *st, int col) { return sqlite3_column_double(st->s, col); }
const char *db_text(struct stmt *st, int col) { return (const char *)sqlite3_column_text(st->s, col); }
int db_isnull(struct stmt *st, int col) { return sqlite3_column_type(st->s, col) == SQLITE_NULL; }

char db_coltype(struct stmt *st, int col)
{
	switch (sqlite3_column_type(st->s, col)) {
	case SQLITE_INTEGER: return 'i';
	case SQLITE_FLOAT: return 'd';
	case SQLITE_TEXT: return 't';
	case SQLITE_BLOB: return 'b';
	default: return 'n';
	}
}
int db_ncols(struct stmt *st) { return sqlite3_column_count(st->s); }
const char *db_colname(struct stmt *st, int col) { return sqlite3_column_name(st->s, col); }

const void *db_blob(struct stmt *st, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(st->s, col);
	*n = (size_t)sqlite3_column_bytes(st->s, col);
	return p;
}

uint64_t db_vm_steps(struct db *db) { return db->vm_steps; }

int db_script(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return map_rc(rc) == DB_DONE ? DB_ERR : map_rc(rc);
	}
	return DB_OK;
}

int db_changes(struct db *db) { return sqlite3_changes(db->h); }
int64_t db_last_id(struct db *db) { return sqlite3_last_insert_rowid(db->h); }

/* The change stamp (db.h) without a read transaction. In WAL mode every
** commit, by any connection of any process, rewrites the WAL-index header
** at the start of the -shm file (https://sqlite.org/walformat.html, "The
** WAL-Index Header"): mxFrame, the last frame of the last commit, grows
** with each commit, and a checkpoint that starts the WAL over adds one to
** salt-1 (salt-2 random) and sets mxFrame back; iChange counts the write
** transactions. So (salt-1, mxFrame, salt-2, iChange) is a different value
** after any commit, and the same while nothing was committed. It is read as
** SQLite reads it without a lock (walIndexTryHdr): the first copy, a
** barrier, the second copy; equal copies are a whole header (the writer
** writes the second first). Read outside a transaction, before the data,
** it is never newer than what the caller then reads; inside one, the
** snapshot may be older than the header: refused (DB_ERR). Reading it
** costs no lock, no system call: a cached GET no longer takes SQLite's
** read lock (two fcntl, and the -shm mutex the workers contended for).
** Without WAL (or a mapping), PRAGMA data_version and the rows this
** connection wrote, as before; one connection keeps one kind. */
static int wal_header_stamp(struct db *db, uint64_t stamp[2])
{
	unsigned char h1[48], h2[48];
	for (int i = 0; i < 8; i++) {
		for (int k = 0; k < 48; k++) h1[k] = db->walhdr[k];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		for (int k = 0; k < 48; k++) h2[k] = db->walhdr[48 + k];
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (memcmp(h1, h2, 48) != 0 || !h1[12]) continue; /* a commit in progress, or not initialised */
		uint32_t ichange, mxframe, salt1, salt2;
		memcpy(&ichange, h1 + 8, 4);
		memcpy(&mxframe, h1 + 16, 4);
		memcpy(&salt1, h1 + 32, 4);
		memcpy(&salt2, h1 + 36, 4);
		stamp[0] = (uint64_t)salt1 << 32 | mxframe;
		stamp[1] = (uint64_t)salt2 << 32 | ichange;
		return DB_OK;
	}
	snprintf(db->err, sizeof db->err, "change stamp: the WAL-index header is being written");
	return DB_ERR;
}

static void map_wal_header(struct db *db)
{
	sqlite3_file *f = NULL;
	volatile void *p = NULL;
	db->stamp_mode = 2;
	char mode[16] = "";
	struct stmt *st = db_query(db, "PRAGMA journal_mode", "");
	if (st && db_step(st) == DB_ROW && db_text(st, 0)) snprintf(mode, sizeof mode, "%s", db_text(st, 0));
	db_done(st);
	if (strcmp(mode, "wal") != 0) return;
	int64_t v;
	/* a read maps the first region of the -shm file, which holds the header */
	if (db_int1(db, &v, "PRAGMA data_version", "") != DB_ROW) return;
	if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f || !f->pMethods ||
	    f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
		return;
	if (f->pMethods->xShmMap(f, 0, 32768, 0, &p) != SQLITE_OK || !p) return;
	db->walhdr = (const volatile unsigned char *)p;
	db->stamp_mode = 1;
}

int db_change_stamp(struct db *db, uint64_t stamp[2])
{
	if (sqlite3_txn_state(db->h, "main") != SQLITE_TXN_NONE) {
		snprintf(db->err, sizeof db->err, "change stamp: read before the transaction's first statement");
		return DB_ERR;
	}
	if (db->bulk) {
		snprintf(db->err, sizeof db->err, "change stamp: none in bulk mode (no WAL)");
		return DB_ERR;
	}
	if (!db->stamp_mode) {
		map_wal_header(db);
		if (sqlite3_txn_state(db->h, "main") != SQLITE_TXN_NONE) { /* its reads began the caller's snapshot */
			snprintf(db->err, sizeof db->err, "change stamp: first read inside a transaction");
			return DB_ERR;
		}
	}
	if (db->stamp_mode == 1) return wal_header_stamp(db, stamp);
	int64_t v = 0;
	/* outside a transaction the pragma reads in one of its own: the caller's
	** reads after it see at least that version */
	if (db_int1(db, &v, "PRAGMA data_version", "") != DB_ROW) return DB_ERR;
	stamp[0] = (uint64_t)v;
	stamp[1] = (uint64_t)sqlite3_total_changes64(db->h);
	return DB_OK;
}

int db_begin(struct db *db) { return db_exec(db, "BEGIN IMMEDIATE", ""); }
int db_commit(struct db *db) { return db_exec(db, "COMMIT", ""); }
static void forget_deferred(struct db *db)
{
	for (int i = 0; i < db->ndeferred; i++) free(db->deferred[i]);
	free(db->deferred);
	db->deferred = NULL;
	db->ndeferred = 0;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h)) db_exec(db, "ROLLBACK", "");
	forget_deferred(db); /* the rollback brought the dropped indexes back */
}
int db_in_tx(struct db *db) { return !sqlite3_get_autocommit(db->h); }
int db_tx_writing(struct db *db) { return sqlite3_txn_state(db->h, NULL) == SQLITE_TXN_WRITE; }

void db_busy_timeout(struct db *db, int ms) { sqlite3_busy_timeout(db->h, ms); }

/* a write inside a transaction opened elsewhere: SQLite takes its write
** lock with the first write, nothing to do first */
int db_join_writer(struct db *db) { return DB_OK; }

int db_backup(struct db *db, const char *dest)
{
	/* the copy holds password hashes and sealed keys: readable by its owner
	** only, whatever the umask (SQLite gives its journal the same mode) */
	int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(db->err, sizeof db->err, "cannot create %s: %s", dest, strerror(errno));
		return DB_ERR;
	}
	close(fd);
	sqlite3 *to;
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "cannot create %s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return DB_ERR;
	}
	/* the source is read in one read transaction: a consistent snapshot while
	** other connections keep writing to the WAL */
	sqlite3_backup *b = sqlite3_backup_init(to, "main", db->h, "main");
	int rc = DB_ERR;
	if (b) {
		int s = sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
		if (s == SQLITE_DONE) rc = DB_OK;
		else snprintf(db->err, sizeof db->err, "backup: %s", sqlite3_errstr(s));
	} else {
		snprintf(db->err, sizeof db->err, "backup: %s", sqlite3_errmsg(to));
	}
	if (rc == DB_OK) {
		char *msg = NULL;
		sqlite3_exec(to, "PRAGMA journal_mode=DELETE;", NULL, NULL, &msg);
		sqlite3_free(msg);
	}
	sqlite3_close(to);
	return rc;
}

int db_indexes_defer(struct db *db, const char *table)
{
	struct stmt *st = db_query(db,
				   "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL "
				   "AND sql NOT LIKE 'CREATE UNIQUE %' ORDER BY name",
				   "t", table);
	if (!st) return DB_ERR;
	char *names[32];
	int n = 0, rc = DB_OK;
	while (rc == DB_OK && n < 32 && db_step(st) == DB_ROW) {
		char **d = realloc(db->deferred, sizeof *d * (size_t)(db->ndeferred + 1));
		if (!d) { rc = DB_ERR; break; }
		db->deferred = d;
		names[n] = strdup(db_text(st, 0));
		d[db->ndeferred] = strdup(db_text(st, 1));
		if (!names[n] || !d[db->ndeferred]) { free(names[n]); free(d[db->ndeferred]); rc = DB_ERR; break; }
		db->ndeferred++;
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++) {
		if (rc == DB_OK) {
			char *sql = sqlite3_mprintf("DROP INDEX \"%w\"", names[i]);
			rc = sql ? db_script(db, sql) : DB_ERR;
			sqlite3_free(sql);
		}
		free(names[i]);
	}
	return rc;
}

/* CREATE INDEX sorts the table's keys. With the temporary store in files
** (a bulk import's, db_bulk_mode) SQLite's sorter writes runs as large as
** the page cache and sorts and merges them on worker threads; with the
** 256 MiB cache of an import, a million keys are one run sorted on one
** core. So the indexes are built with a cache of 4 MiB and a worker per
** core: the four indexes of 1 000 000 people in 1.8 s instead of 3.1 s.
** The cache is given back afterwards (the pages it pushed out are written
** to the file, as they would be at the commit). */
int db_indexes_restore(struct db *db)
{
	int64_t cache = 0, temp = 0, threads = 0;
	int tune = db_int1(db, &temp, "PRAGMA temp_store", "") == DB_ROW && temp != 2 &&
		   db_int1(db, &cache, "PRAGMA cache_size", "") == DB_ROW && db_int1(db, &threads, "PRAGMA threads", "") == DB_ROW;
	if (tune) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		char sql[96];
		snprintf(sql, sizeof sql, "PRAGMA threads=%ld; PRAGMA cache_size=-4000;", cores < 1 ? 1 : cores > 8 ? 8 : cores);
		db_script(db, sql);
	}
	int rc = DB_OK;
	for (int i = 0; i < db->ndeferred && rc == DB_OK; i++) rc = db_script(db, db->deferred[i]);
	if (tune) {
		char sql[96];
		snprintf(sql, sizeof sql, "PRAGMA threads=%lld; PRAGMA cache_size=%lld;", (long long)threads, (long long)cache);
		db_script(db, sql);
	}
	forget_deferred(db);
	return rc;
}

void db_bulk_mode(struct db *db)
{
	/* a bulk import touches many index pages: keep them in memory (256 MiB);
	** sorts in temporary files, which SQLite's sorter can split between
	** threads (db_indexes_restore) */
	db_script(db, "PRAGMA cache_size=-262144; PRAGMA temp_store=FILE;");
	/* When no other process has the database open, write it in place with a
	** rollback journal instead of copying every page through the WAL, holding
	** the lock until db_bulk_end(). With a server running, the switch fails
	** at once and the import goes through the WAL as usual, readers unblocked. */
	sqlite3_busy_timeout(db->h, 0);
	char *mode = NULL;
	struct stmt *st = db_query(db, "PRAGMA locking_mode=EXCLUSIVE", "");
	if (st) { db_step(st); db_done(st); }
	st = db_query(db, "PRAGMA journal_mode=DELETE", "");
	if (st && db_step(st) == DB_ROW && db_text(st, 0)) mode = strdup(db_text(st, 0));
	db_done(st);
	if (!mode || strcmp(mode, "delete") != 0) {
		st = db_query(db, "PRAGMA locking_mode=NORMAL", "");
		if (st) { db_step(st); db_done(st); }
	} else {
		db->bulk = 1;
		db->walhdr = NULL; /* no WAL now: db_change_stamp refuses, and maps the header again after db_bulk_end */
		db->stamp_mode = 0;
	}
	free(mode);
	sqlite3_busy_timeout(db->h, 10000);
}

void db_bulk_end(struct db *db)
{
	if (!db->bulk) return;
	db_script(db, "PRAGMA journal_mode=WAL; PRAGMA locking_mode=NORMAL;");
	db->bulk = 0;
}

/* ---- bulk copy (db.h): one prepared INSERT, run once per row ---- */

int db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols)
{
	if (db->copy) { snprintf(db->err, sizeof db->err, "copy: a copy is already open"); return DB_ERR; }
	if (ncols < 1 || ncols > MAX_PARAMS || !db_plain_name(table)) {
		snprintf(db->err, sizeof db->err, "copy: bad table %s or column count %d", table ? table : "", ncols);
		return DB_ERR;
	}
	size_t cap = strlen(table) + 64 + (size_t)ncols * 8;
	for (int i = 0; i < ncols; i++) {
		if (!db_plain_name(cols[i])) { snprintf(db->err, sizeof db->err, "copy: bad column name %s", cols[i] ? cols[i] : ""); return DB_ERR; }
		cap += strlen(cols[i]) + 4;
	}
	char *sql = malloc(cap);
	if (!sql) return DB_ERR;
	size_t n = (size_t)snprintf(sql, cap, "INSERT INTO \"%s\" (", table);
	for (int i = 0; i < ncols; i++) n += (size_t)snprintf(sql + n, cap - n, "%s\"%s\"", i ? ", " : "", cols[i]);
	n += (size_t)snprintf(sql + n, cap - n, ") VALUES (");
	for (int i = 0; i < ncols; i++) n += (size_t)snprintf(sql + n, cap - n, "%s$%d", i ? ", " : "", i + 1);
	snprintf(sql + n, cap - n, ")");
	db->copy = db_prep(db, sql);
	free(sql);
	if (!db->copy) return DB_ERR;
	db->copy_cols = ncols;
	db->copy_rows = 0;
	return DB_OK;
}

int db_copy_row(struct db *db, const struct db_value *v)
{
	struct stmt *st = db->copy;
	if (!st) { snprintf(db->err, sizeof db->err, "copy: no copy is open"); return DB_ERR; }
	for (int i = 0; i < db->copy_cols; i++) {
		int idx = st->param[i + 1], rc;
		switch (v[i].type) {
		case 'i': rc = sqlite3_bind_int64(st->s, idx, v[i].i); break;
		case 'd': rc = sqlite3_bind_double(st->s, idx, v[i].d); break;
		case 't': rc = v[i].p ? sqlite3_bind_text(st->s, idx, v[i].p, -1, SQLITE_STATIC) : sqlite3_bind_null(st->s, idx); break;
		case 'b': rc = v[i].p ? sqlite3_bind_blob64(st->s, idx, v[i].p, v[i].n, SQLITE_STATIC) : sqlite3_bind_null(st->s, idx); break;
		case 'n': rc = sqlite3_bind_null(st->s, idx); break;
		default: snprintf(db->err, sizeof db->err, "copy: unknown type '%c'", v[i].type); return DB_ERR;
		}
		if (rc != SQLITE_OK) { set_err(db, "copy"); return DB_ERR; }
	}
	int rc = map_rc(sqlite3_step(st->s));
	if (rc != DB_DONE) set_err(db, "copy");
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s); /* SQLITE_STATIC: the caller's values are not kept */
	if (rc != DB_DONE) return rc == DB_ROW ? DB_ERR : rc;
	db->copy_rows++;
	return DB_OK;
}

int db_copy_end(struct db *db, const char *abort, int64_t *rows)
{
	if (rows) *rows = db->copy_rows;
	if (!db->copy) { snprintf(db->err, sizeof db->err, "copy: no copy is open"); return DB_ERR; }
	db_done(db->copy);
	db->copy = NULL;
	if (abort) { snprintf(db->err, sizeof db->err, "copy: %s", abort); return DB_ERR; }
	return DB_OK;
}

/* ---- many rows pulled by one statement (db_copy_rows) ----
**
** INSERT INTO t (…) SELECT c0, c1, … FROM thidua_rows WHERE src = ?1, the
** source bound as a pointer (sqlite3_bind_pointer): an eponymous virtual
** table whose cursor calls the caller's next() for each row. One statement
** for all the rows instead of a bind, step and reset a row or a few (the
** people import's word index: 3 million rows). */

#define ROWS_COLS 16 /* c0 .. c15, then the hidden src */

struct rows_src {
	int ncols;
	int (*next)(void *arg, struct db_value *values);
	void *arg;
	struct db_value v[ROWS_COLS];
	int state; /* 1: a row in v; 0: no more; -1: next() failed */
	sqlite3_int64 n;
};

struct rows_cursor {
	sqlite3_vtab_cursor base;
	struct rows_src *src;
};

static int rows_connect(sqlite3 *h, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
	(void)aux; (void)argc; (void)argv; (void)err;
	int rc = sqlite3_declare_vtab(h, "CREATE TABLE x(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, src HIDDEN)");
	if (rc != SQLITE_OK) return rc;
	sqlite3_vtab *t = sqlite3_malloc(sizeof *t);
	if (!t) return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	sqlite3_vtab_config(h, SQLITE_VTAB_DIRECTONLY);
	*out = t;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

/* the only plan: src = ?, the rows in the order next() gives them */
static int rows_best_index(sqlite3_vtab *t, sqlite3_index_info *info)
{
	(void)t;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		if (c->iColumn != ROWS_COLS || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
		if (!c->usable) return SQLITE_CONSTRAINT;
		info->aConstraintUsage[i].argvIndex = 1;
		info->aConstraintUsage[i].omit = 1;
		info->estimatedCost = 1;
		info->idxNum = 1;
		return SQLITE_OK;
	}
	return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *t, sqlite3_vtab_cursor **out)
{
	(void)t;
	struct rows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c) return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	struct rows_src *s = ((struct rows_cursor *)cur)->src;
	if (!s || s->state != 1) return SQLITE_OK;
	s->state = s->next(s->arg, s->v);
	if (s->state == 1) s->n++;
	return s->state < 0 ? SQLITE_ABORT : SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc, sqlite3_value **argv)
{
	(void)idx; (void)idx_str;
	struct rows_cursor *c = (struct rows_cursor *)cur;
	c->src = argc == 1 ? sqlite3_value_pointer(argv[0], "thidua_rows") : NULL;
	if (!c->src) return SQLITE_OK;
	c->src->state = 1; /* the first row */
	c->src->n = 0;
	return rows_next(cur);
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	const struct rows_src *s = ((struct rows_cursor *)cur)->src;
	return !s || s->state != 1;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
	const struct rows_src *s = ((struct rows_cursor *)cur)->src;
	if (i >= s->ncols) {
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	const struct db_value *v = &s->v[i];
	switch (v->type) {
	case 'i': sqlite3_result_int64(ctx, v->i); break;
	case 'd': sqlite3_result_double(ctx, v->d); break;
	case 't':
		if (v->p) sqlite3_result_text(ctx, v->p, v->n ? (int)v->n : -1, SQLITE_STATIC);
		else sqlite3_result_null(ctx);
		break;
	case 'b':
		if (v->p) sqlite3_result_blob64(ctx, v->p, v->n, SQLITE_STATIC);
		else sqlite3_result_null(ctx);
		break;
	default: sqlite3_result_null(ctx); break;
	}
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *id)
{
	*id = ((struct rows_cursor *)cur)->src->n;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.iVersion = 0,
	.xCreate = NULL, /* eponymous only: no CREATE VIRTUAL TABLE */
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xDestroy = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int db_copy_rows(struct db *db, const char *table, const char *const *cols, int ncols, int (*next)(void *arg, struct db_value *values),
		 void *arg, int64_t *rows)
{
	if (rows) *rows = 0;
	if (ncols < 1 || ncols > ROWS_COLS || !db_plain_name(table)) {
		snprintf(db->err, sizeof db->err, "copy: bad table %s or column count %d", table ? table : "", ncols);
		return DB_ERR;
	}
	if (!db->rows_module) {
		if (sqlite3_create_module_v2(db->h, "thidua_rows", &rows_module, NULL, NULL) != SQLITE_OK) {
			set_err(db, "copy");
			return DB_ERR;
		}
		db->rows_module = 1;
	}
	struct buf sql;
	buf_init(&sql);
	buf_printf(&sql, "INSERT INTO \"%s\" (", table);
	for (int i = 0; i < ncols; i++) {
		if (!db_plain_name(cols[i])) {
			snprintf(db->err, sizeof db->err, "copy: bad column name %s", cols[i] ? cols[i] : "");
			buf_free(&sql);
			return DB_ERR;
		}
		buf_printf(&sql, "%s\"%s\"", i ? ", " : "", cols[i]);
	}
	buf_raw(&sql, ") SELECT ");
	for (int i = 0; i < ncols; i++) buf_printf(&sql, "%sc%d", i ? ", " : "", i);
	buf_raw(&sql, " FROM thidua_rows WHERE src = ?1");
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->h, buf_cstr(&sql), -1, &st, NULL) != SQLITE_OK) {
		set_err(db, "copy");
		buf_free(&sql);
		return DB_ERR;
	}
	buf_free(&sql);
	struct rows_src src = { .ncols = ncols, .next = next, .arg = arg };
	sqlite3_bind_pointer(st, 1, &src, "thidua_rows", NULL);
	int rc = map_rc(sqlite3_step(st));
	if (rc != DB_DONE) set_err(db, "copy");
	if (src.state < 0) {
		snprintf(db->err, sizeof db->err, "copy: the rows could not be made");
		rc = DB_ERR;
	}
	sqlite3_finalize(st);
	if (rows) *rows = src.n;
	return rc == DB_DONE ? DB_OK : rc == DB_ROW ? DB_ERR : rc;
}
