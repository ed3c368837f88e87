/* The PostgreSQL backend of the db module (its functions are pg_db_*:
** db_backend.h), with libpq.
**
** One connection per struct db (one per worker thread, as with SQLite).
** Statements are prepared once per connection (PQprepare, named s1, s2, ...)
** and cached by their text like the SQLite cache; parameters are sent as
** text (integers and doubles formatted), blobs as binary bytea; results come
** back whole in text format and are read row by row by db_step.
**
** Writers: SQLite has one writer at a time (BEGIN IMMEDIATE). Here every
** write transaction is READ COMMITTED and first takes one transaction-level
** advisory lock (WRITER_LOCK): writers are serialised exactly as on SQLite,
** each one sees every earlier commit once it holds the lock (READ COMMITTED
** takes a new snapshot per statement), so a version check cannot miss a
** concurrent change (no lost update: E_CONFLICT, 409) and the audit chain's
** head stays linear. Readers never wait. The wait for the lock is bounded by
** lock_timeout (db_busy_timeout): past it, DB_BUSY (E_BUSY, 503).
**
** A lost connection (server restart) is DB_BUSY with db_unavailable() true;
** the next call reconnects (PQreset) and re-prepares the statements. A
** transaction cut by the loss stays failed until its owner ends it
** (db_rollback, db_tx_end): nothing is silently committed on the new
** connection. */
#define DB_BACKEND pg
#include "db_backend.h"
#include "errors.h"
#include "util.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CACHE_SIZE 1024 /* power of two */
#define MAX_PARAMS 64
#define BOOLOID 16
#define BYTEAOID 17
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define TEXTOID 25
#define OIDOID 26
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700
#define COPY_BLOCK (256 * 1024) /* db_copy_row sends its rows in blocks of about this size */
/* pg_advisory_xact_lock key of the writers' lock: "thidua" in ASCII */
#define WRITER_LOCK "SELECT pg_advisory_xact_lock(127991793612129)"

struct stmt {
	int kind;          /* DB_KIND_PG: first, read by db.c */
	struct db *db;
	char *sql;
	uint32_t hash;
	char name[16];     /* server-side prepared statement; "" runs with PQexecParams */
	unsigned gen;      /* the connection it was prepared on (db->gen) */
	int nparams;
	Oid types[MAX_PARAMS]; /* 0: the server infers it; text for a $n the statement does not use */
	int transient;     /* not in the cache: freed by db_done */
	int in_use;        /* between db_prep and db_done */
	char *val[MAX_PARAMS];
	int len[MAX_PARAMS];
	int fmt[MAX_PARAMS];
	PGresult *res;
	int row, nrows, ran;
	unsigned char *blob; /* the last bytea unescaped by db_blob */
};

struct db {
	struct db_head head; /* first, read by db.c: kind DB_KIND_PG, the tx levels */
	PGconn *c;
	char *conninfo;    /* as given to db_open */
	char *path;        /* the same, without a password */
	unsigned gen;      /* connections made so far */
	unsigned names;    /* prepared statements named so far on this connection */
	struct stmt *cache[CACHE_SIZE];
	char err[512];
	int broken_tx;     /* the connection was lost inside a transaction not yet ended by its owner */
	int goodbye;       /* the server's FATAL came as a notice (on_notice): it is closing the connection */
	int busy_ms;
	int changes;
	int copy_cols;     /* columns of the COPY in progress (db_copy_begin), 0: none */
	char *copy_buf;    /* rows not sent yet */
	size_t copy_len, copy_cap;
	int profile;       /* THIDUA_SQL_PROFILE=1 */
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void set_msg(struct db *db, const char *what, const char *msg)
{
	snprintf(db->err, sizeof db->err, "%s: %s", what, msg && *msg ? msg : "unknown error");
	size_t n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' ')) db->err[--n] = 0;
}

const char *db_errmsg(struct db *db) { return db->err; }
const char *db_path(struct db *db) { return db->path; }
uint64_t db_vm_steps(struct db *db) { return 0; } /* no such count on PostgreSQL */
int db_changes(struct db *db) { return db->changes; }
/* the server is gone, or went away inside the open transaction (whose statements are then DB_BUSY) */
int pg_db_unavailable(struct db *db) { return PQstatus(db->c) != CONNECTION_OK || db->broken_tx; }

/* the URI without the password: "postgresql://u:secret@h/db" → "postgresql://u:***@h/db" */
static char *redact(const char *uri)
{
	char *s = strdup(uri);
	if (!s) return NULL;
	char *p = strstr(s, "://");
	if (!p) return s;
	p += 3;
	char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (!at || (slash && slash < at)) return s;
	char *colon = memchr(p, ':', (size_t)(at - p));
	if (!colon) return s;
	size_t n = strlen(s) + 4;
	char *r = malloc(n);
	if (r) snprintf(r, n, "%.*s:***%s", (int)(colon - s), s, at);
	free(s);
	return r;
}

/* Notices are not shown. A FATAL one is the server's goodbye (57P01:
** terminated by an administrator or a shutdown) read when no statement
** waited for it — on an idle connection, or after a reply's end; the
** socket's end may come a moment later. ensure_conn acts on it alone. */
static void on_notice(void *arg, const PGresult *r)
{
	struct db *db = arg;
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC"))) db->goodbye = 1;
}

/* The session every connection (and every reconnection) starts with. No
** parallel plans: a request's statements read a few pages, and a parallel
** plan chosen on an over-estimate (a range of person_words: 120 000 rows
** expected, none found) spends 10-20 ms starting its workers for 0.1 ms of
** work — the people search took 41 ms instead of 4. The long aggregations
** (a movement's dashboard) lose the helpers, which a loaded server's other
** requests would take anyway (docs/ARCHITECTURE.md). */
static int session_setup(struct db *db)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SET client_min_messages = warning; SET lock_timeout = %d; SET max_parallel_workers_per_gather = 0",
		 db->busy_ms);
	PGresult *r = PQexec(db->c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) set_msg(db, "configure", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? DB_OK : DB_ERR;
}

static int connect_db(struct db *db)
{
	/* later keywords override earlier ones: the URI's own settings win */
	const char *keys[] = { "connect_timeout", "client_encoding", "fallback_application_name", "dbname", NULL };
	const char *vals[] = { "5", "UTF8", "thidua", strcmp(db->conninfo, "postgresql:") == 0 ? NULL : db->conninfo, NULL };
	if (!vals[3]) keys[3] = NULL; /* "postgresql:": libpq's environment (PGSERVICE, PGHOST, ...) */
	db->c = PQconnectdbParams(keys, vals, 1);
	if (!db->c) { set_msg(db, "connect", "out of memory"); return DB_ERR; }
	if (PQstatus(db->c) != CONNECTION_OK) { set_msg(db, "connect", PQerrorMessage(db->c)); return DB_ERR; }
	PQsetNoticeReceiver(db->c, on_notice, db);
	db->gen++;
	return session_setup(db);
}

int db_open(struct db **out, const char *path, int flags)
{
	(void)flags; /* the database itself is the server administrator's: init fills an empty one */
	*out = NULL;
	struct db *db = calloc(1, sizeof *db);
	if (!db) return DB_ERR;
	db->head.kind = DB_KIND_PG;
	db->busy_ms = 10000;
	const char *prof = getenv("THIDUA_SQL_PROFILE");
	db->profile = prof && *prof == '1';
	db->conninfo = strdup(path);
	db->path = redact(path);
	if (!db->conninfo || !db->path || connect_db(db) != DB_OK) {
		fprintf(stderr, "cannot open database %s: %s\n", db->path ? db->path : "", db->err);
		db_close(db);
		return DB_ERR;
	}
	*out = db;
	return DB_OK;
}

static void clear_params(struct stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->val[i]);
		st->val[i] = NULL;
		st->len[i] = 0;
		st->fmt[i] = 0;
	}
}

static void free_stmt(struct stmt *st)
{
	clear_params(st);
	PQclear(st->res);
	PQfreemem(st->blob);
	free(st->sql);
	free(st);
}

void db_close(struct db *db)
{
	if (!db) return;
	for (int i = 0; i < CACHE_SIZE; i++)
		if (db->cache[i]) free_stmt(db->cache[i]);
	PQfinish(db->c);
	free(db->copy_buf);
	free(db->conninfo);
	free(db->path);
	free(db);
}

/* A new connection for this handle: the statements are prepared again
** (gen), the session set up again. */
static int reconnect(struct db *db)
{
	db->goodbye = 0;
	PQreset(db->c);
	if (PQstatus(db->c) != CONNECTION_OK) {
		set_msg(db, "database unavailable", PQerrorMessage(db->c));
		return DB_BUSY;
	}
	PQsetNoticeReceiver(db->c, on_notice, db);
	db->gen++;
	db->names = 0;
	return session_setup(db) == DB_OK ? DB_OK : DB_BUSY;
}

/* The connection is usable, or is made again. A server restart closes the
** socket: an idle connection notices it here (PQconsumeInput reads the
** end of the stream without waiting: libpq's socket is non-blocking) and
** reconnects before the statement. Inside a transaction nothing is
** reconnected silently: the transaction is lost and its owner must end it
** first (db_rollback); until then every statement is DB_BUSY. The server's
** goodbye may also have been read as a notice with an earlier reply
** (on_notice) while the socket's end has not come yet: inside a
** transaction that is the same loss — going on, on a new connection, in
** autocommit, would keep the statements after it and lose those before. */
static int ensure_conn(struct db *db)
{
	/* the first read may return the server's goodbye (57P01), the second its end */
	if (PQstatus(db->c) == CONNECTION_OK && PQtransactionStatus(db->c) == PQTRANS_IDLE && !db->broken_tx &&
	    PQconsumeInput(db->c))
		PQconsumeInput(db->c);
	if (PQstatus(db->c) == CONNECTION_OK && !db->goodbye) return DB_OK;
	if (db->goodbye && !db->broken_tx && PQstatus(db->c) == CONNECTION_OK && PQtransactionStatus(db->c) != PQTRANS_IDLE) {
		db->broken_tx = 1;
		reconnect(db); /* for after the rollback; a failure is tried again then */
	}
	/* and whatever the way the loss was seen: never a new connection
	** under a transaction the layer above holds open (db.c's levels) */
	if (!db->broken_tx && (db->head.own_tx || db->head.tx_depth > 0)) db->broken_tx = 1;
	if (db->broken_tx) {
		set_msg(db, "database", "the connection to the server was lost during this transaction");
		return DB_BUSY;
	}
	return reconnect(db);
}

/* A statement succeeded, but the connection ended with its reply (the
** server's goodbye and the socket's end read together with it). Inside a
** transaction, or opening one, that transaction is gone with the
** connection: the statement's success is not kept (broken, DB_BUSY), and
** ensure_conn does not reconnect until the owner ends the transaction — a
** silent new connection would run the transaction's later statements in
** autocommit, outside the writers' lock and a job's guard. Outside a
** transaction the statement committed. */
static int lost_with_reply(struct db *db, int was_in_tx, const char *sql)
{
	if (PQstatus(db->c) == CONNECTION_OK) return 0;
	while (*sql == ' ' || *sql == '\n' || *sql == '\t') sql++;
	int opens = !strncasecmp(sql, "BEGIN", 5) || !strncasecmp(sql, "START", 5);
	int ends = !strncasecmp(sql, "COMMIT", 6) || !strncasecmp(sql, "ROLLBACK", 8) || !strncasecmp(sql, "END", 3);
	if (was_in_tx ? ends : !opens) return 0; /* ended, or autocommit: done and kept */
	db->broken_tx = 1;
	set_msg(db, "database", "the connection to the server was lost during this transaction");
	return 1;
}

/* an error result → DB_CONSTRAINT, DB_BUSY or DB_ERR, with the message kept */
static int fail(struct db *db, PGresult *r, const char *what, int was_in_tx)
{
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char state[8] = "";
	if (code) snprintf(state, sizeof state, "%s", code);
	set_msg(db, what, r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(db->c));
	PQclear(r);
	if (PQstatus(db->c) != CONNECTION_OK) {
		if (was_in_tx) db->broken_tx = 1;
		return DB_BUSY;
	}
	if (!state[0]) return DB_ERR;
	if (!strncmp(state, "23", 2)) return DB_CONSTRAINT;            /* integrity constraint violation */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") ||      /* serialization failure, deadlock */
	    !strcmp(state, "55P03") || !strncmp(state, "08", 2) ||     /* lock timeout; connection exception */
	    !strcmp(state, "57P01") || !strcmp(state, "57P02") || !strcmp(state, "57P03")) /* shutdown, cannot connect now */
		return DB_BUSY;
	return DB_ERR;
}

/* the highest $n of the statement (quoted text and comments skipped); a $n
** below it that the statement does not use is typed text in types[], or the
** server could not infer its type (queries built from optional filters skip
** some numbers) */
static int count_params(const char *s, Oid *types)
{
	int max = 0;
	uint64_t used = 0;
	char q = 0;
	for (; *s; s++) {
		if (q) { if (*s == q) q = 0; continue; }
		if (*s == '\'' || *s == '"') { q = *s; continue; }
		if (s[0] == '-' && s[1] == '-') {
			while (s[1] && s[1] != '\n') s++;
			continue;
		}
		if (*s == '$' && isdigit((unsigned char)s[1])) {
			char *e;
			long n = strtol(s + 1, &e, 10);
			if (n > max) max = n > 10000 ? 10000 : (int)n;
			if (n >= 1 && n <= MAX_PARAMS) used |= (uint64_t)1 << (n - 1);
			s = e - 1;
		}
	}
	for (int i = 0; i < max && i < MAX_PARAMS; i++) types[i] = used & ((uint64_t)1 << i) ? 0 : TEXTOID;
	return max;
}

static int server_prepare(struct stmt *st)
{
	struct db *db = st->db;
	snprintf(st->name, sizeof st->name, "s%u", ++db->names);
	int was = PQtransactionStatus(db->c) != PQTRANS_IDLE;
	PGresult *r = PQprepare(db->c, st->name, st->sql, st->nparams, st->types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && !was && PQstatus(db->c) != CONNECTION_OK) {
		/* lost while idle, before ensure_conn could see it: preparing changes
		** nothing, so once more on a new connection */
		PQclear(r);
		if (ensure_conn(db) != DB_OK) { st->name[0] = 0; return DB_BUSY; }
		snprintf(st->name, sizeof st->name, "s%u", ++db->names);
		r = PQprepare(db->c, st->name, st->sql, st->nparams, st->types);
	}
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		int rc = fail(db, r, "prepare", was);
		st->name[0] = 0;
		return rc;
	}
	PQclear(r);
	if (lost_with_reply(db, was, "")) { st->name[0] = 0; return DB_BUSY; } /* "": preparing opens nothing */
	st->gen = db->gen;
	return DB_OK;
}

static struct stmt *new_stmt(struct db *db, const char *sql, uint32_t h, int transient)
{
	struct stmt *st = calloc(1, sizeof *st);
	if (!st || !(st->sql = strdup(sql))) { free(st); snprintf(db->err, sizeof db->err, "out of memory"); return NULL; }
	st->kind = DB_KIND_PG;
	st->db = db;
	st->hash = h;
	st->transient = transient;
	st->nparams = count_params(sql, st->types);
	st->row = -1;
	if (st->nparams > MAX_PARAMS) {
		snprintf(db->err, sizeof db->err, "prepare: more than %d parameters", MAX_PARAMS);
		free_stmt(st);
		return NULL;
	}
	return st;
}

struct stmt *db_prep(struct db *db, const char *sql)
{
	if (ensure_conn(db) != DB_OK) return NULL;
	uint32_t h = fnv(sql);
	for (uint32_t i = 0; i < CACHE_SIZE; i++) {
		uint32_t slot = (h + i) & (CACHE_SIZE - 1);
		struct stmt *c = db->cache[slot];
		if (!c) {
			struct stmt *st = new_stmt(db, sql, h, 0);
			if (!st) return NULL;
			if (server_prepare(st) != DB_OK) {
				if (!db->broken_tx && !pg_db_unavailable(db)) fprintf(stderr, "db: %s\n  in: %s\n", db->err, sql);
				free_stmt(st);
				return NULL;
			}
			db->cache[slot] = st;
			st->in_use = 1;
			return st;
		}
		if (c->hash == h && strcmp(c->sql, sql) == 0) {
			if (!c->in_use) { c->in_use = 1; return c; }
			break; /* the cached one is being read: an unnamed copy */
		}
	}
	/* an unnamed statement, parsed at each run (PQexecParams) */
	struct stmt *st = new_stmt(db, sql, h, 1);
	if (st) st->in_use = 1;
	return st;
}

static void set_param(struct stmt *st, int n, char *v, int len, int fmt)
{
	if (n < 1 || n > st->nparams) { free(v); return; } /* not in the statement: ignored, as SQLite does */
	free(st->val[n - 1]);
	st->val[n - 1] = v;
	st->len[n - 1] = len;
	st->fmt[n - 1] = fmt;
}

static char *fmt_int(int64_t v)
{
	char *s = malloc(24);
	if (s) snprintf(s, 24, "%lld", (long long)v);
	return s;
}

int db_vbind(struct stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types && types[i]; i++) {
		int n = i + 1;
		switch (types[i]) {
		case 'i': set_param(st, n, fmt_int(va_arg(ap, int64_t)), 0, 0); break;
		case 'I': { int64_t v = va_arg(ap, int64_t); set_param(st, n, v > 0 ? fmt_int(v) : NULL, 0, 0); break; }
		case 't': { const char *v = va_arg(ap, const char *); set_param(st, n, v ? strdup(v) : NULL, 0, 0); break; }
		case 'd': {
			double v = va_arg(ap, double);
			char *s = malloc(32);
			if (s) snprintf(s, 32, "%.17g", v);
			set_param(st, n, s, 0, 0);
			break;
		}
		case 'n': set_param(st, n, NULL, 0, 0); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			db_bind_blob(st, n, p, len);
			break;
		}
		default:
			snprintf(st->db->err, sizeof st->db->err, "bind: unknown type '%c'", types[i]);
			return DB_ERR;
		}
	}
	return DB_OK;
}

int db_bind_int(struct stmt *st, int n, int64_t v)
{
	set_param(st, n, fmt_int(v), 0, 0);
	return DB_OK;
}

int db_bind_text(struct stmt *st, int n, const char *v)
{
	set_param(st, n, v ? strdup(v) : NULL, 0, 0);
	return DB_OK;
}

int db_bind_blob(struct stmt *st, int n, const void *p, size_t len)
{
	char *c = NULL;
	if (p) { /* a NULL pointer binds NULL, as sqlite3_bind_blob does */
		c = malloc(len ? len : 1);
		if (c && len) memcpy(c, p, len);
	}
	set_param(st, n, c, (int)len, 1);
	return DB_OK;
}

static int is_change(const char *tag)
{
	return !strncmp(tag, "INSERT", 6) || !strncmp(tag, "UPDATE", 6) || !strncmp(tag, "DELETE", 6) || !strncmp(tag, "MERGE", 5);
}

static int run(struct stmt *st)
{
	struct db *db = st->db;
	int rc = ensure_conn(db);
	if (rc != DB_OK) return rc;
	if (st->name[0] && st->gen != db->gen && (rc = server_prepare(st)) != DB_OK) return rc;
	int was = PQtransactionStatus(db->c) != PQTRANS_IDLE;
	int64_t t0 = db->profile ? now_us() : 0;
	PGresult *r = st->name[0] ? PQexecPrepared(db->c, st->name, st->nparams, (const char *const *)st->val, st->len, st->fmt, 0)
				  : PQexecParams(db->c, st->sql, st->nparams, st->types, (const char *const *)st->val, st->len, st->fmt, 0);
	ExecStatusType s = PQresultStatus(r);
	/* THIDUA_SQL_PROFILE=1: every statement's time (the round trip) and text on stderr */
	if (db->profile) fprintf(stderr, "sql %8.1f us  %s\n", (double)(now_us() - t0), st->sql);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) return fail(db, r, "step", was);
	if (lost_with_reply(db, was, st->sql)) { PQclear(r); return DB_BUSY; }
	if (is_change(PQcmdStatus(r))) db->changes = atoi(PQcmdTuples(r));
	st->res = r;
	st->nrows = s == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	st->row = -1;
	st->ran = 1;
	return DB_OK;
}

int db_step(struct stmt *st)
{
	if (!st->ran) {
		int rc = run(st);
		if (rc != DB_OK) return rc;
	}
	if (st->row < st->nrows) st->row++;
	return st->row < st->nrows ? DB_ROW : DB_DONE;
}

void db_done(struct stmt *st)
{
	if (!st) return;
	if (st->transient) { free_stmt(st); return; }
	clear_params(st);
	PQclear(st->res);
	st->res = NULL;
	PQfreemem(st->blob);
	st->blob = NULL;
	st->ran = 0;
	st->row = -1;
	st->nrows = 0;
	st->in_use = 0;
}

static const char *value(struct stmt *st, int col)
{
	if (!st->res || st->row < 0 || st->row >= st->nrows || col < 0 || col >= PQnfields(st->res)) return NULL;
	if (PQgetisnull(st->res, st->row, col)) return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int is_bool(struct stmt *st, int col) { return PQftype(st->res, col) == BOOLOID; }

int64_t db_int(struct stmt *st, int col)
{
	const char *v = value(st, col);
	if (!v) return 0;
	if (is_bool(st, col)) return v[0] == 't';
	return strtoll(v, NULL, 10);
}

double db_double(struct stmt *st, int col)
{
	const char *v = value(st, col);
	if (!v) return 0;
	if (is_bool(st, col)) return v[0] == 't';
	return strtod(v, NULL);
}

const char *db_text(struct stmt *st, int col)
{
	const char *v = value(st, col);
	if (v && is_bool(st, col)) return v[0] == 't' ? "1" : "0"; /* as SQLite shows a truth value */
	return v;
}

const void *db_blob(struct stmt *st, int col, size_t *n)
{
	*n = 0;
	const char *v = value(st, col);
	if (!v) return NULL;
	if (PQftype(st->res, col) != BYTEAOID) {
		*n = strlen(v);
		return v;
	}
	PQfreemem(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)v, n);
	return st->blob;
}

int db_isnull(struct stmt *st, int col) { return value(st, col) == NULL; }

char db_coltype(struct stmt *st, int col)
{
	if (!value(st, col)) return 'n';
	switch (PQftype(st->res, col)) {
	case INT2OID: case INT4OID: case INT8OID: case BOOLOID: case OIDOID: return 'i';
	case FLOAT4OID: case FLOAT8OID: case NUMERICOID: return 'd';
	case BYTEAOID: return 'b';
	default: return 't';
	}
}
int db_ncols(struct stmt *st) { return st->res ? PQnfields(st->res) : 0; }
const char *db_colname(struct stmt *st, int col) { return st->res ? PQfname(st->res, col) : NULL; }

int db_bind(struct stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = db_vbind(st, types, ap);
	va_end(ap);
	return rc;
}

int db_script(struct db *db, const char *sql)
{
	int rc = ensure_conn(db);
	if (rc != DB_OK) return rc;
	int was = PQtransactionStatus(db->c) != PQTRANS_IDLE;
	PGresult *r = PQexec(db->c, sql);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) return fail(db, r, "script", was);
	PQclear(r);
	return lost_with_reply(db, was, sql) ? DB_BUSY : DB_OK;
}

/* ---- transactions ---- */

int db_in_tx(struct db *db)
{
	if (db->broken_tx) return 1;
	if (PQstatus(db->c) != CONNECTION_OK) return 0;
	return PQtransactionStatus(db->c) != PQTRANS_IDLE;
}

/* a write transaction: READ COMMITTED, and the writers' lock (see the top) */
int db_begin(struct db *db)
{
	int rc = db_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED", "");
	if (rc != DB_OK) return rc;
	rc = db_exec(db, WRITER_LOCK, "");
	if (rc != DB_OK) db_rollback(db);
	return rc;
}

int db_commit(struct db *db)
{
	if (db->broken_tx) {
		set_msg(db, "commit", "the connection to the server was lost during this transaction; nothing was written");
		return DB_BUSY;
	}
	/* COMMIT of a transaction in error rolls it back and says so only by its tag */
	if (PQstatus(db->c) == CONNECTION_OK && PQtransactionStatus(db->c) == PQTRANS_INERROR) {
		if (!db->err[0]) set_msg(db, "commit", "the transaction failed");
		return DB_ERR;
	}
	return db_exec(db, "COMMIT", "");
}

void db_rollback(struct db *db)
{
	if (db->broken_tx) { db->broken_tx = 0; return; } /* the server dropped it with the connection */
	if (db_in_tx(db)) db_exec(db, "ROLLBACK", "");
}

void db_busy_timeout(struct db *db, int ms)
{
	db->busy_ms = ms < 0 ? 0 : ms;
	char sql[64];
	snprintf(sql, sizeof sql, "SET lock_timeout = %d", db->busy_ms);
	db_script(db, sql);
}

/* A writer inside a transaction opened elsewhere (a GET's reads) takes the
** writers' lock too, inside its savepoint (db.c undoes only the savepoint
** when the wait runs past the timeout; the enclosing reads go on). */
int db_join_writer(struct db *db) { return db_exec(db, WRITER_LOCK, ""); }

/* ---- what SQLite's file allows and a server does otherwise ---- */

int db_backup(struct db *db, const char *dest)
{
	snprintf(db->err, sizeof db->err,
		 "thidua backup copies SQLite files only; back up a PostgreSQL database with pg_dump "
		 "(pg_dump -Fc -f %s '%s')", dest, db->path);
	return DB_ERR;
}

void db_bulk_mode(struct db *db) { (void)db; }
void db_bulk_end(struct db *db) { (void)db; }

int64_t db_last_id(struct db *db)
{
	int64_t id = 0;
	return db_int1(db, &id, "SELECT lastval()", "") == DB_ROW ? id : 0;
}

/* The reply cache's stamp (db.h, src/web/cache.c): the statement's snapshot
** of the whole PostgreSQL cluster, pg_current_snapshot() — xmin:xmax:the
** transaction ids still running. It changes whenever any transaction that
** holds an id (every one that wrote a row) ends, here or in another thidua
** server, a command-line import or psql: a transaction running at one read
** leaves the list by the next, and one that began after it raises xmax past
** its id when it ends. So two equal stamps mean that nothing was committed
** between the two reads. It is read in the GET's own transaction, before
** the handler's queries (READ COMMITTED: each of them sees at least what
** this snapshot saw), and it asks nothing of the writers: no table, no
** trigger, no NOTIFY. It moves more often than thidua's own writes (another
** database of the same cluster, autovacuum's ANALYZE), which costs hits,
** never correctness. The text is hashed to the two numbers (SHA-256). */
int db_change_stamp(struct db *db, uint64_t stamp[2])
{
	stamp[0] = stamp[1] = 0;
	if (ensure_conn(db) != DB_OK) return DB_BUSY;
	const char *sql = PQserverVersion(db->c) >= 130000 ? "SELECT pg_current_snapshot()::text" : "SELECT txid_current_snapshot()::text";
	struct stmt *st = db_query(db, sql, "");
	if (!st) return pg_db_unavailable(db) ? DB_BUSY : DB_ERR;
	int rc = db_step(st);
	const char *snap = rc == DB_ROW ? db_text(st, 0) : NULL;
	if (snap) {
		char h[65];
		sha256_hex(h, snap, strlen(snap));
		for (int i = 0; i < 32; i++) {
			int c = h[i], v = c <= '9' ? c - '0' : c - 'a' + 10;
			stamp[i / 16] = stamp[i / 16] << 4 | (uint64_t)v;
		}
		rc = DB_OK;
	} else if (rc == DB_ROW || rc == DB_DONE) {
		set_msg(db, "change stamp", "no snapshot");
		rc = DB_ERR;
	}
	db_done(st);
	return rc;
}

/* Whether the open transaction wrote is not tracked here: the router then
** keeps a session's idle-clock write in the request's transaction, as it
** did before it could tell (correct, only the lock is held longer). */
int db_tx_writing(struct db *db) { return 0; }

/* A bulk import rebuilding indexes is SQLite's trick; PostgreSQL keeps them. */
int db_indexes_defer(struct db *db, const char *table) { return DB_OK; }
int db_indexes_restore(struct db *db) { return DB_OK; }

/* ---- bulk copy (db.h): COPY ... FROM STDIN in the text format ----
** A row is its values separated by tabs and ended by a newline; NULL is \N;
** a backslash, tab, newline or carriage return inside text is escaped with
** a backslash; a bytea is its hex input form \x0a1b (its backslash doubled);
** a double has 17 significant digits, which read back as the same double. */

static int copy_reserve(struct db *db, size_t more)
{
	if (db->copy_len + more <= db->copy_cap) return DB_OK;
	size_t cap = db->copy_cap ? db->copy_cap : COPY_BLOCK + 4096;
	while (cap < db->copy_len + more) cap *= 2;
	char *p = realloc(db->copy_buf, cap);
	if (!p) { set_msg(db, "copy", "out of memory"); return DB_ERR; }
	db->copy_buf = p;
	db->copy_cap = cap;
	return DB_OK;
}

static int copy_flush(struct db *db)
{
	if (!db->copy_len) return DB_OK;
	if (PQputCopyData(db->c, db->copy_buf, (int)db->copy_len) != 1) {
		set_msg(db, "copy", PQerrorMessage(db->c));
		if (PQstatus(db->c) != CONNECTION_OK) { db->broken_tx = 1; return DB_BUSY; }
		return DB_ERR;
	}
	db->copy_len = 0;
	return DB_OK;
}

int db_copy_begin(struct db *db, const char *table, const char *const *cols, int ncols)
{
	if (db->copy_cols) { set_msg(db, "copy", "a copy is already open"); return DB_ERR; }
	if (ncols < 1 || !db_plain_name(table)) { set_msg(db, "copy", "bad table name or column count"); return DB_ERR; }
	size_t cap = strlen(table) + 40;
	for (int i = 0; i < ncols; i++) {
		if (!db_plain_name(cols[i])) { set_msg(db, "copy", "bad column name"); return DB_ERR; }
		cap += strlen(cols[i]) + 4;
	}
	char *sql = malloc(cap);
	if (!sql) { set_msg(db, "copy", "out of memory"); return DB_ERR; }
	size_t n = (size_t)snprintf(sql, cap, "COPY \"%s\" (", table);
	for (int i = 0; i < ncols; i++) n += (size_t)snprintf(sql + n, cap - n, "%s\"%s\"", i ? ", " : "", cols[i]);
	snprintf(sql + n, cap - n, ") FROM STDIN");
	int rc = ensure_conn(db);
	if (rc != DB_OK) { free(sql); return rc; }
	int was = PQtransactionStatus(db->c) != PQTRANS_IDLE;
	PGresult *r = PQexec(db->c, sql);
	free(sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) return fail(db, r, "copy", was);
	PQclear(r);
	db->copy_cols = ncols;
	db->copy_len = 0;
	return DB_OK;
}

static void copy_text(struct db *db, const char *s)
{
	char *o = db->copy_buf + db->copy_len;
	for (; *s; s++) {
		switch (*s) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		default: *o++ = *s;
		}
	}
	db->copy_len = (size_t)(o - db->copy_buf);
}

int db_copy_row(struct db *db, const struct db_value *v)
{
	static const char hex[] = "0123456789abcdef";
	if (!db->copy_cols) { set_msg(db, "copy", "no copy is open"); return DB_ERR; }
	for (int i = 0; i < db->copy_cols; i++) {
		/* the longest form of a value: text escaped (2 bytes each), a blob in hex (2 each), a number (32) */
		size_t need = 40 + (v[i].type == 't' && v[i].p ? 2 * strlen(v[i].p) : v[i].type == 'b' ? 2 * v[i].n : 0);
		if (copy_reserve(db, need) != DB_OK) return DB_ERR;
		char *o = db->copy_buf + db->copy_len;
		if (i) *o++ = '\t', db->copy_len++;
		switch (v[i].type) {
		case 'i': db->copy_len += (size_t)snprintf(o, 32, "%lld", (long long)v[i].i); break;
		case 'd':
			if (isnan(v[i].d)) memcpy(o, "NaN", 3), db->copy_len += 3;
			else if (isinf(v[i].d)) db->copy_len += (size_t)snprintf(o, 32, "%s", v[i].d < 0 ? "-Infinity" : "Infinity");
			else db->copy_len += (size_t)snprintf(o, 32, "%.17g", v[i].d);
			break;
		case 't':
			if (v[i].p) copy_text(db, v[i].p);
			else memcpy(o, "\\N", 2), db->copy_len += 2;
			break;
		case 'b':
			if (!v[i].p) { memcpy(o, "\\N", 2); db->copy_len += 2; break; }
			*o++ = '\\', *o++ = '\\', *o++ = 'x';
			for (size_t k = 0; k < v[i].n; k++) {
				unsigned char c = ((const unsigned char *)v[i].p)[k];
				*o++ = hex[c >> 4];
				*o++ = hex[c & 15];
			}
			db->copy_len += 3 + 2 * v[i].n;
			break;
		case 'n': memcpy(o, "\\N", 2); db->copy_len += 2; break;
		default: set_msg(db, "copy", "unknown value type"); return DB_ERR;
		}
	}
	if (copy_reserve(db, 1) != DB_OK) return DB_ERR;
	db->copy_buf[db->copy_len++] = '\n';
	return db->copy_len >= COPY_BLOCK ? copy_flush(db) : DB_OK;
}

int db_copy_end(struct db *db, const char *abort, int64_t *rows)
{
	if (rows) *rows = 0;
	if (!db->copy_cols) { set_msg(db, "copy", "no copy is open"); return DB_ERR; }
	db->copy_cols = 0;
	int rc = DB_OK;
	if (abort) set_msg(db, "copy", abort), rc = DB_ERR;
	else rc = copy_flush(db);
	db->copy_len = 0;
	char first[sizeof db->err]; /* why the copy is given up: kept over the server's echo of it */
	snprintf(first, sizeof first, "%s", db->err);
	if (PQputCopyEnd(db->c, rc == DB_OK ? NULL : first) != 1) {
		set_msg(db, "copy", PQerrorMessage(db->c));
		if (PQstatus(db->c) != CONNECTION_OK) { db->broken_tx = 1; return DB_BUSY; }
		return DB_ERR;
	}
	/* the COPY's result, then the end of its results */
	PGresult *r = PQgetResult(db->c);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		if (rows) *rows = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	} else {
		int f = fail(db, r, "copy", 1);
		if (rc == DB_OK) rc = f;
		else snprintf(db->err, sizeof db->err, "%s", first);
	}
	while ((r = PQgetResult(db->c))) PQclear(r);
	/* a copy runs inside its caller's transaction: gone with the connection */
	if (rc == DB_OK && lost_with_reply(db, 1, "")) rc = DB_BUSY;
	return rc;
}

/* db_copy_rows (db.h): one COPY, the rows sent as next() makes them */
int db_copy_rows(struct db *db, const char *table, const char *const *cols, int ncols, int (*next)(void *arg, struct db_value *values),
		 void *arg, int64_t *rows)
{
	if (rows) *rows = 0;
	if (ncols < 1 || ncols > 16) {
		set_msg(db, "copy", "more than 16 columns");
		return DB_ERR;
	}
	int rc = db_copy_begin(db, table, cols, ncols);
	if (rc != DB_OK) return rc;
	struct db_value v[16];
	int more = 0;
	while (rc == DB_OK && (more = next(arg, v)) == 1) rc = db_copy_row(db, v);
	const char *abort = rc != DB_OK ? "a row could not be sent" : more < 0 ? "the rows could not be made" : NULL;
	int end = db_copy_end(db, abort, rows);
	return rc != DB_OK ? rc : end;
}
