/* Unit tests of the storage layer's write transactions (db_tx_begin /
** db_tx_end): the outermost level commits or rolls back, an inner level is a
** savepoint that undoes only its own work, a level opened inside someone
** else's transaction joins it, and a writer kept out by another connection
** gets E_BUSY (the web's 503) with nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/assets.h"
#include "base/audit.h"
#include "base/buf.h"
#include "base/auth.h"
#include "base/db.h"
#include "base/errors.h"
#include "base/json.h"
#include "fixture.h"

struct fx {
	char path[256];
	struct db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "db", &f->db) != 0) return -1;
	const char *t = fixture_pg() ? "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v INTEGER)"
				    : "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)";
	if (db_exec(f->db, t, "") != DB_OK) return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fixture_db_remove(f->db, f->path);
	free(f);
	return 0;
}

static int64_t rows(struct db *db)
{
	int64_t n = -1;
	assert_int_equal(db_int1(db, &n, "SELECT count(*) FROM t", ""), DB_ROW);
	return n;
}

static int put(struct db *db, int64_t v, int rc)
{
	int b = db_tx_begin(db);
	if (b != E_OK) return b;
	if (db_exec(db, "INSERT INTO t (v) VALUES ($1)", "i", v) != DB_OK) rc = E_DB;
	return db_tx_end(db, rc);
}

static void test_outermost_commits_or_rolls_back(void **state)
{
	struct fx *f = *state;
	assert_int_equal(put(f->db, 1, E_OK), E_OK);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(rows(f->db), 1);
	assert_int_equal(put(f->db, 2, E_INVALID), E_INVALID);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(rows(f->db), 1);
}

/* a writer called by a writer: its failure undoes its own rows only, and the
** caller may go on and commit the rest */
static void test_inner_level_is_a_savepoint(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t (v) VALUES (10)", ""), DB_OK);
	assert_int_equal(put(f->db, 11, E_OK), E_OK);
	assert_int_equal(put(f->db, 12, E_CONFLICT), E_CONFLICT);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(put(f->db, 13, E_OK), E_OK);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	int64_t sum = 0;
	assert_int_equal(db_int1(f->db, &sum, "SELECT sum(v) FROM t", ""), DB_ROW);
	assert_int_equal(sum, 10 + 11 + 13);
	/* and the outer failing loses the inner successes too */
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(put(f->db, 20, E_OK), E_OK);
	assert_int_equal(db_tx_end(f->db, E_INVALID), E_INVALID);
	assert_int_equal(rows(f->db), 3);
}

/* a transaction opened outside the helper (the read snapshot of a request,
** the command line's batch) is joined: the level neither commits nor ends it */
static void test_joins_a_foreign_transaction(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(put(f->db, 1, E_OK), E_OK);
	assert_int_equal(put(f->db, 2, E_INVALID), E_INVALID);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(rows(f->db), 1);
	db_rollback(f->db);
	assert_int_equal(rows(f->db), 0);
}

/* an unbalanced end is a bug and never commits */
static void test_unbalanced_end(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_tx_end(f->db, E_OK), E_DB);
	assert_int_equal(db_tx_end(f->db, E_NOTFOUND), E_NOTFOUND);
}

/* another connection holds the write lock: the writer waits the busy timeout,
** then gets E_BUSY and has written nothing; once the lock is gone it works */
static void test_busy_database(void **state)
{
	struct fx *f = *state;
	struct db *other;
	assert_int_equal(db_open(&other, f->path, 0), DB_OK);
	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (99)", ""), DB_OK);
	db_busy_timeout(f->db, 50);
	assert_int_equal(put(f->db, 1, E_OK), E_BUSY);
	assert_int_equal(db_in_tx(f->db), 0);
	/* the audit helper's writer gets the same answer */
	assert_int_equal(db_tx_begin(f->db), E_BUSY);
	assert_int_equal(db_commit(other), DB_OK);
	assert_int_equal(put(f->db, 1, E_OK), E_OK);
	assert_int_equal(rows(f->db), 2);
	db_close(other);
}

/* PostgreSQL: a writer inside a read transaction opened elsewhere (a GET's)
** takes the writers' lock in its savepoint; kept out past the timeout it is
** E_BUSY and the read transaction goes on (on PostgreSQL an error would
** otherwise abort it) */
static void test_pg_writer_inside_a_read_transaction(void **state)
{
	struct fx *f = *state;
	if (!fixture_pg()) skip();
	struct db *other;
	assert_int_equal(db_open(&other, f->path, 0), DB_OK);
	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(db_exec(f->db, "BEGIN", ""), DB_OK);
	assert_int_equal(rows(f->db), 0);
	db_busy_timeout(f->db, 50);
	assert_int_equal(put(f->db, 1, E_OK), E_BUSY);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(rows(f->db), 0); /* still usable */
	assert_int_equal(db_exec(f->db, "COMMIT", ""), DB_OK);
	/* once the other writer is done, the same path writes */
	assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (5)", ""), DB_OK);
	assert_int_equal(db_commit(other), DB_OK);
	assert_int_equal(db_exec(f->db, "BEGIN", ""), DB_OK);
	assert_int_equal(put(f->db, 6, E_OK), E_OK);
	assert_int_equal(db_exec(f->db, "COMMIT", ""), DB_OK);
	assert_int_equal(rows(f->db), 2);
	db_close(other);
}

/* PostgreSQL: the server ends this connection (a restart, an administrator):
** an idle connection notices and reconnects before its next statement; a
** transaction cut by the loss is E_BUSY (503), nothing of it is written, and
** the next writer works on a new connection */
static void terminate(struct db *db)
{
	struct db *admin;
	int64_t pid = 0, left = 1;
	assert_int_equal(db_int1(db, &pid, "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(db_open(&admin, fixture_pg(), 0), DB_OK);
	assert_int_equal(db_exec(admin, "SELECT pg_terminate_backend($1::int)", "i", pid), DB_OK);
	for (int i = 0; i < 200 && left; i++) {
		usleep(10000);
		assert_int_equal(db_int1(admin, &left, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", "i", pid), DB_ROW);
	}
	assert_int_equal(left, 0);
	db_close(admin);
}

static void test_pg_lost_connection(void **state)
{
	struct fx *f = *state;
	if (!fixture_pg()) skip();
	assert_int_equal(put(f->db, 1, E_OK), E_OK);
	terminate(f->db);
	assert_int_equal(rows(f->db), 1); /* reconnected, statements prepared again */
	assert_int_equal(db_unavailable(f->db), 0);
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_exec(f->db, "INSERT INTO t (v) VALUES (2)", ""), DB_OK);
	terminate(f->db);
	assert_int_equal(db_exec(f->db, "INSERT INTO t (v) VALUES (3)", ""), DB_BUSY);
	assert_int_equal(db_tx_end(f->db, E_OK), E_BUSY);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(put(f->db, 4, E_OK), E_OK);
	int64_t sum = 0;
	assert_int_equal(db_int1(f->db, &sum, "SELECT sum(v) FROM t", ""), DB_ROW);
	assert_int_equal(sum, 1 + 4);
}

/* The reply cache's stamp (db_change_stamp): the same while nothing is
** committed, even with another connection's write in progress; different
** once another connection commits (another server, on PostgreSQL) or this
** one writes */
static void stamp_now(struct db *db, uint64_t s[2])
{
	assert_int_equal(db_exec(db, "BEGIN", ""), DB_OK);
	assert_int_equal(db_change_stamp(db, s), DB_OK);
	assert_int_equal(db_exec(db, "COMMIT", ""), DB_OK);
}

static void test_change_stamp(void **state)
{
	struct fx *f = *state;
	struct db *other;
	uint64_t a[2], b[2], c[2];
	assert_int_equal(db_open(&other, f->path, 0), DB_OK);
	stamp_now(f->db, a);
	stamp_now(f->db, b);
	assert_memory_equal(a, b, sizeof a);
	assert_int_equal(rows(f->db), 0);
	stamp_now(f->db, b);
	assert_memory_equal(a, b, sizeof a); /* reading changes nothing */
	assert_int_equal(db_begin(other), DB_OK);
	assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (1)", ""), DB_OK);
	stamp_now(f->db, b);
	assert_memory_equal(a, b, sizeof a); /* not committed yet */
	assert_int_equal(db_commit(other), DB_OK);
	stamp_now(f->db, b);
	assert_memory_not_equal(a, b, sizeof a);
	stamp_now(f->db, c);
	assert_memory_equal(b, c, sizeof b);
	assert_int_equal(put(f->db, 2, E_OK), E_OK); /* this connection's own write */
	stamp_now(f->db, c);
	assert_memory_not_equal(b, c, sizeof b);
	if (!fixture_pg()) {
		/* SQLite: a checkpoint that starts the WAL over, then a commit that
		** leaves it as long as before (one row each time) */
		assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (5)", ""), DB_OK);
		stamp_now(f->db, a);
		assert_int_equal(db_script(other, "PRAGMA wal_checkpoint(TRUNCATE);"), DB_OK);
		assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (6)", ""), DB_OK);
		stamp_now(f->db, b);
		assert_memory_not_equal(a, b, sizeof a);
		assert_int_equal(db_script(other, "PRAGMA wal_checkpoint(TRUNCATE);"), DB_OK);
		assert_int_equal(db_exec(other, "INSERT INTO t (v) VALUES (7)", ""), DB_OK);
		stamp_now(f->db, c);
		assert_memory_not_equal(b, c, sizeof b);
		/* read once a snapshot is open, the stamp could be newer than the
		** data: refused */
		assert_int_equal(db_exec(f->db, "BEGIN", ""), DB_OK);
		assert_int_equal(rows(f->db), 5);
		assert_int_not_equal(db_change_stamp(f->db, a), DB_OK);
		assert_int_equal(db_exec(f->db, "COMMIT", ""), DB_OK);
	}
	db_close(other);
}

/* db_writer_guard: asked once the writers' lock is held; a refusal is E_BUSY
** with nothing written and no transaction left open */
static int guard_says(struct db *db, void *arg)
{
	(void)db;
	return *(int *)arg;
}

static void test_writer_guard(void **state)
{
	struct fx *f = *state;
	int verdict = -1;
	db_writer_guard(f->db, guard_says, &verdict);
	assert_int_equal(put(f->db, 1, E_OK), E_BUSY);
	assert_int_equal(db_in_tx(f->db), 0);
	/* a writer inside a read transaction: only its savepoint is refused */
	assert_int_equal(db_exec(f->db, "BEGIN", ""), DB_OK);
	assert_int_equal(put(f->db, 2, E_OK), E_BUSY);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(rows(f->db), 0);
	assert_int_equal(db_exec(f->db, "COMMIT", ""), DB_OK);
	verdict = 0;
	assert_int_equal(put(f->db, 3, E_OK), E_OK);
	db_writer_guard(f->db, NULL, NULL);
	verdict = -1;
	assert_int_equal(put(f->db, 4, E_OK), E_OK);
	assert_int_equal(rows(f->db), 2);
}

/* audit_change writes one row with the snapshot taken at the end of the change */
static int snap(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	int64_t v = 0;
	if (db_int1(db, &v, "SELECT v FROM t WHERE id = $1", "i", id) != DB_ROW) return E_NOTFOUND;
	jw_obj(w);
	jw_kint(w, "v", v);
	jw_obj_end(w);
	return E_OK;
}

static void test_audit_change(void **state)
{
	struct fx *f = *state;
	assert_int_equal(put(f->db, 7, E_OK), E_OK);
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_exec(f->db, "UPDATE t SET v = 8 WHERE id = 1", ""), DB_OK);
	assert_int_equal(audit_change(f->db, &auth_system, "update", "t", 1, "{\"v\":7}", snap, NULL), E_OK);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	struct stmt *st = db_query(f->db, "SELECT login, action, before, after FROM audit_log ORDER BY id DESC LIMIT 1", "");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 0), "system");
	assert_string_equal(db_text(st, 1), "update");
	assert_string_equal(db_text(st, 2), "{\"v\":7}");
	assert_string_equal(db_text(st, 3), "{\"v\":8}");
	db_done(st);
	/* audit_snapshot: the writer's JSON, or NULL for a record that is not there */
	char *s = audit_snapshot(f->db, 1, snap);
	assert_string_equal(s, "{\"v\":8}");
	free(s);
	assert_null(audit_snapshot(f->db, 2, snap));
}

/* the head's id, or 0 when there is none; and the log's last id */
static int64_t audit_head_id(struct db *db)
{
	int64_t id = 0;
	int s = db_int1(db, &id, "SELECT id FROM audit_head WHERE one = 1", "");
	assert_true(s == DB_ROW || s == DB_DONE);
	return s == DB_ROW ? id : 0;
}

static int64_t audit_last_id(struct db *db)
{
	int64_t id = 0;
	assert_int_equal(db_int1(db, &id, "SELECT coalesce(max(id), 0) FROM audit_log", ""), DB_ROW);
	return id;
}

static void audit_intact(struct db *db)
{
	FILE *quiet = fopen("/dev/null", "w");
	assert_non_null(quiet);
	assert_int_equal(audit_verify(db, quiet, NULL), 0);
	fclose(quiet);
	assert_int_equal(audit_head_id(db), audit_last_id(db));
}

/* Inside a transaction the audit head is written once, at the commit, from
** the log's last row (db_before_commit): not while the transaction runs,
** right after a savepoint rolled its entries back, untouched by a rolled
** back transaction; outside one it is written at once */
static void test_audit_head_at_commit(void **state)
{
	struct fx *f = *state;
	int64_t before = audit_head_id(f->db), last = audit_last_id(f->db);
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(audit_add(f->db, &auth_system, "create", "t", 1, NULL, "{}", NULL), DB_OK);
	assert_int_equal(audit_add(f->db, &auth_system, "update", "t", 1, "{}", "{}", NULL), DB_OK);
	assert_int_equal(audit_head_id(f->db), before); /* the commit writes it */
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(audit_add(f->db, &auth_system, "delete", "t", 1, "{}", NULL, NULL), DB_OK);
	assert_int_equal(db_tx_end(f->db, E_INVALID), E_INVALID); /* its entry is gone */
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	assert_int_equal(audit_last_id(f->db), last + 2);
	audit_intact(f->db);
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(audit_add(f->db, &auth_system, "update", "t", 1, "{}", "{}", "rolled back"), DB_OK);
	assert_int_equal(db_tx_end(f->db, E_INVALID), E_INVALID);
	assert_int_equal(audit_head_id(f->db), last + 2);
	assert_int_equal(audit_add(f->db, &auth_system, "update", "t", 1, "{}", "{}", "alone"), DB_OK);
	assert_int_equal(audit_head_id(f->db), last + 3);
	audit_intact(f->db);
}

/* db_copy_*: rows in bulk (COPY on PostgreSQL, a prepared INSERT on SQLite)
** read back exactly as they were given: text with the characters COPY's
** format escapes, blobs with every byte value, doubles to the last bit,
** 64-bit integers, NULLs; db_coltype names each value's kind */
static void test_copy_rows_exactly(void **state)
{
	struct fx *f = *state;
	const char *t = fixture_pg() ? "CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT, d DOUBLE PRECISION, s TEXT, b BYTEA)"
				    : "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER, d REAL, s TEXT, b BLOB)";
	assert_int_equal(db_exec(f->db, t, ""), DB_OK);
	unsigned char bytes[256];
	for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
	static const char *const cols[] = { "id", "n", "d", "s", "b" };
	const char *text = "Nguyễn\tThị\\N \\.\nÁnh\r\"Tuyết\"'; \\x00";
	const double third = 1.0 / 3.0, tiny = 4.9406564584124654e-324;
	struct db_value rows_in[3][5] = {
		{ { .type = 'i', .i = 1 }, { .type = 'i', .i = INT64_MIN }, { .type = 'd', .d = third }, { .type = 't', .p = text }, { .type = 'b', .p = bytes, .n = sizeof bytes } },
		{ { .type = 'i', .i = 2 }, { .type = 'i', .i = INT64_MAX }, { .type = 'd', .d = tiny }, { .type = 't', .p = "" }, { .type = 'b', .p = "", .n = 0 } },
		{ { .type = 'i', .i = 3 }, { .type = 'n' }, { .type = 'n' }, { .type = 't', .p = NULL }, { .type = 'n' } },
	};
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_begin(f->db, "c", cols, 5), DB_OK);
	for (int r = 0; r < 3; r++) assert_int_equal(db_copy_row(f->db, rows_in[r]), DB_OK);
	int64_t n = 0;
	assert_int_equal(db_copy_end(f->db, NULL, &n), DB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);

	struct stmt *st = db_query(f->db, "SELECT id, n, d, s, b FROM c ORDER BY id", "");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_coltype(st, 0), 'i');
	assert_int_equal(db_coltype(st, 2), 'd');
	assert_int_equal(db_coltype(st, 3), 't');
	assert_int_equal(db_coltype(st, 4), 'b');
	assert_true(db_int(st, 1) == INT64_MIN);
	assert_true(db_double(st, 2) == third);
	assert_string_equal(db_text(st, 3), text);
	size_t len = 0;
	const void *p = db_blob(st, 4, &len);
	assert_int_equal(len, sizeof bytes);
	assert_memory_equal(p, bytes, sizeof bytes);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_int(st, 1) == INT64_MAX);
	assert_true(db_double(st, 2) == tiny);
	assert_string_equal(db_text(st, 3), "");
	assert_int_equal(db_coltype(st, 4), 'b');
	db_blob(st, 4, &len);
	assert_int_equal(len, 0);
	assert_int_equal(db_step(st), DB_ROW);
	for (int c = 1; c < 5; c++) assert_int_equal(db_coltype(st, c), 'n');
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);

	/* a row that breaks the primary key fails the copy (on PostgreSQL at its
	** end), and the transaction rolled back keeps nothing of it */
	struct db_value dup[5] = { { .type = 'i', .i = 4 }, { .type = 'n' }, { .type = 'n' }, { .type = 'n' }, { .type = 'n' } };
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_begin(f->db, "c", cols, 5), DB_OK);
	int rc = db_copy_row(f->db, dup);
	assert_int_equal(rc, DB_OK);
	dup[0].i = 1;
	rc = db_copy_row(f->db, dup);
	int end = db_copy_end(f->db, NULL, &n);
	assert_true(rc == DB_CONSTRAINT || end == DB_CONSTRAINT);
	assert_int_equal(db_tx_end(f->db, E_DB), E_DB);
	int64_t count = 0;
	assert_int_equal(db_int1(f->db, &count, "SELECT count(*) FROM c", ""), DB_ROW);
	assert_int_equal(count, 3);

	/* given up by the caller: an error with the caller's reason */
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_begin(f->db, "c", cols, 5), DB_OK);
	dup[0].i = 5;
	assert_int_equal(db_copy_row(f->db, dup), DB_OK);
	assert_int_equal(db_copy_end(f->db, "a value of the wrong kind", NULL), DB_ERR);
	assert_non_null(strstr(db_errmsg(f->db), "a value of the wrong kind"));
	assert_int_equal(db_tx_end(f->db, E_DB), E_DB);
	assert_int_equal(db_int1(f->db, &count, "SELECT count(*) FROM c", ""), DB_ROW);
	assert_int_equal(count, 3);

	/* names are plain SQL names, never spliced otherwise */
	static const char *const bad[] = { "id\"; DROP TABLE c; --" };
	assert_int_equal(db_copy_begin(f->db, "c", bad, 1), DB_ERR);
	assert_int_equal(db_copy_begin(f->db, "C", cols, 1), DB_ERR);
}

/* the rows of test_copy_rows_pulled: id 1..last, a text with its length
** given on odd rows, NULL every tenth; fail_at: -1 there */
struct pulled {
	int64_t id, last, fail_at;
	char text[32];
};

static int next_pulled(void *arg, struct db_value *v)
{
	struct pulled *p = arg;
	if (p->id == p->last) return 0;
	p->id++;
	if (p->id == p->fail_at) return -1;
	snprintf(p->text, sizeof p->text, "Người %lld", (long long)p->id);
	v[0] = (struct db_value){ .type = 'i', .i = p->id };
	v[1] = p->id % 10 ? (struct db_value){ .type = 'i', .i = p->id * 1000003 } : (struct db_value){ .type = 'n' };
	v[2] = (struct db_value){ .type = 'd', .d = (double)p->id / 8 };
	v[3] = (struct db_value){ .type = 't', .p = p->text, .n = p->id % 2 ? strlen(p->text) : 0 };
	v[4] = (struct db_value){ .type = 'b', .p = p->text, .n = 3 };
	return 1;
}

/* db_copy_rows: rows a callback makes, one statement (SQLite: a virtual
** table) or one COPY; a callback that fails, or a row that breaks the key,
** fails the copy and the rolled-back transaction keeps none of it */
static void test_copy_rows_pulled(void **state)
{
	struct fx *f = *state;
	const char *t = fixture_pg() ? "CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT, d DOUBLE PRECISION, s TEXT, b BYTEA)"
				    : "CREATE TABLE c (id INTEGER PRIMARY KEY, n INTEGER, d REAL, s TEXT, b BLOB)";
	assert_int_equal(db_exec(f->db, t, ""), DB_OK);
	static const char *const cols[] = { "id", "n", "d", "s", "b" };
	struct pulled p = { .last = 5000, .fail_at = -1 };
	int64_t rows = 0, count = 0;
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_rows(f->db, "c", cols, 5, next_pulled, &p, &rows), DB_OK);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	assert_int_equal(rows, 5000);
	struct stmt *st = db_query(f->db, "SELECT count(*), count(n), sum(id), min(s), max(length(b)) FROM c", "");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_int(st, 0), 5000);
	assert_int_equal(db_int(st, 1), 4500);
	assert_int_equal(db_int(st, 2), 5000 * 5001 / 2);
	assert_string_equal(db_text(st, 3), "Người 1");
	assert_int_equal(db_int(st, 4), 3);
	db_done(st);
	st = db_query(f->db, "SELECT n, d, s FROM c WHERE id = 4999", "");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_int(st, 0), 4999 * (int64_t)1000003);
	assert_true(db_double(st, 1) == 4999.0 / 8);
	assert_string_equal(db_text(st, 2), "Người 4999");
	db_done(st);

	/* the callback fails at the 20th row */
	p = (struct pulled){ .id = 5000, .last = 6000, .fail_at = 5020 };
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_rows(f->db, "c", cols, 5, next_pulled, &p, &rows), DB_ERR);
	assert_int_equal(db_tx_end(f->db, E_DB), E_DB);
	assert_int_equal(db_int1(f->db, &count, "SELECT count(*) FROM c", ""), DB_ROW);
	assert_int_equal(count, 5000);
	/* a key already there */
	p = (struct pulled){ .id = 4990, .last = 5010, .fail_at = -1 };
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(db_copy_rows(f->db, "c", cols, 5, next_pulled, &p, &rows), DB_CONSTRAINT);
	assert_int_equal(db_tx_end(f->db, E_DB), E_DB);
	assert_int_equal(db_int1(f->db, &count, "SELECT count(*) FROM c", ""), DB_ROW);
	assert_int_equal(count, 5000);
	/* names are plain SQL names; at most 16 columns */
	static const char *const bad[] = { "id\"; DROP TABLE c; --" };
	assert_int_equal(db_copy_rows(f->db, "c", bad, 1, next_pulled, &p, NULL), DB_ERR);
	static const char *const many[17] = { "id" };
	assert_int_equal(db_copy_rows(f->db, "c", many, 17, next_pulled, &p, NULL), DB_ERR);
}

/* SQLite opened read-only (migrate-db's source): reads work, writes fail,
** and a file in another journal mode keeps it */
static void test_sqlite_read_only(void **state)
{
	struct fx *f = *state;
	if (fixture_pg()) skip();
	assert_int_equal(put(f->db, 1, E_OK), E_OK);
	struct db *ro;
	assert_int_equal(db_open(&ro, f->path, DB_OPEN_READONLY), DB_OK);
	assert_int_equal(rows(ro), 1);
	assert_int_not_equal(db_exec(ro, "INSERT INTO t (v) VALUES (2)", ""), DB_OK);
	db_close(ro);
	assert_int_equal(rows(f->db), 1);

	char path[300];
	snprintf(path, sizeof path, "%s-rollback", f->path);
	struct db *plain;
	assert_int_equal(db_open(&plain, path, DB_OPEN_CREATE), DB_OK);
	assert_int_equal(db_script(plain, "PRAGMA journal_mode=DELETE; CREATE TABLE x (a INTEGER);"), DB_OK);
	db_close(plain);
	assert_int_equal(db_open(&ro, path, DB_OPEN_READONLY), DB_OK);
	struct stmt *st = db_query(ro, "PRAGMA journal_mode", "");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 0), "delete");
	db_done(st);
	db_close(ro);
	unlink(path);
	/* no file there: not created */
	assert_int_not_equal(db_open(&ro, path, DB_OPEN_READONLY), DB_OK);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* a user's sort on a column that may be NULL gives SQLite's order on both
** databases: NULLs first ascending, last descending (db_order_by) */
static void test_order_by_nulls(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "v", NULL };
	static const char *const cols[] = { "v NULLS FIRST", NULL };
	assert_int_equal(db_exec(f->db, "INSERT INTO t (v) VALUES (2), (NULL), (1)", ""), DB_OK);
	const char *want[] = { "n12", "21n" };
	for (int desc = 0; desc < 2; desc++) {
		struct buf sql;
		buf_init(&sql);
		buf_raw(&sql, "SELECT v FROM t");
		db_order_by(&sql, desc ? "-v" : "v", keys, cols, "id");
		struct stmt *st = db_query(f->db, buf_cstr(&sql), "");
		assert_non_null(st);
		char got[8] = "";
		for (int i = 0; i < 7 && db_step(st) == DB_ROW; i++) got[i] = db_isnull(st, 0) ? 'n' : (char)('0' + db_int(st, 0));
		db_done(st);
		assert_string_equal(got, want[desc]);
		buf_free(&sql);
	}
}

/* every migration exists in both dialects, under the same name: a change to
** the schema of one database is a change to the other's */
static void test_migrations_in_both_dialects(void **state)
{
	(void)state;
	int n = 0;
	for (const struct asset *a = assets; a->name; a++) {
		if (strncmp(a->name, "sql/sqlite/", 11) != 0) continue;
		char pg[128];
		snprintf(pg, sizeof pg, "sql/pg/%s", a->name + 11);
		if (!asset_find(pg)) fail_msg("%s has no PostgreSQL twin %s", a->name, pg);
		n++;
	}
	for (const struct asset *a = assets; a->name; a++) {
		if (strncmp(a->name, "sql/pg/", 7) != 0) continue;
		char lite[128];
		snprintf(lite, sizeof lite, "sql/sqlite/%s", a->name + 7);
		if (!asset_find(lite)) fail_msg("%s has no SQLite twin %s", a->name, lite);
	}
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outermost_commits_or_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inner_level_is_a_savepoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_joins_a_foreign_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbalanced_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_head_at_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_guard, setup, teardown),
		cmocka_unit_test(test_migrations_in_both_dialects),
		cmocka_unit_test_setup_teardown(test_copy_rows_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_rows_pulled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_by_nulls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_writer_inside_a_read_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pg_lost_connection, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
