#include "audit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "errors.h"
#include "json.h"
#include "util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The hashed text: every field, length-prefixed so no two rows can collide.
** The bytes are the same as before this was written without printf:
** "id|user_id|entity_id|" then "len:text|" or "-|" for each text field. */
static void add_num(struct buf *b, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
	if (v < 0) buf_char(b, '-');
	while (n) buf_char(b, tmp[--n]);
}

static void row_hash(char out[65], int64_t id, const char *at, int64_t user_id, const char *login, const char *action,
		     const char *entity, int64_t entity_id, const char *before, const char *after, const char *note,
		     const char *prev)
{
	struct buf b;
	buf_init(&b);
	buf_grow(&b, 1024);
	add_num(&b, id);
	buf_char(&b, '|');
	add_num(&b, user_id);
	buf_char(&b, '|');
	add_num(&b, entity_id);
	buf_char(&b, '|');
	const char *fields[] = { at, login, action, entity, before, after, note, prev };
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const char *f = fields[i];
		if (f) {
			size_t n = strlen(f);
			add_num(&b, (int64_t)n);
			buf_char(&b, ':');
			buf_add(&b, f, n);
			buf_char(&b, '|');
		} else {
			buf_raw(&b, "-|");
		}
	}
	sha256_hex(out, b.p, b.len);
	buf_free(&b);
}

int audit_chain_open(struct db *db, struct audit_chain *c)
{
	c->db = db;
	c->next_id = 1;
	c->at_time = 0;
	snprintf(c->prev, sizeof c->prev, "%s", GENESIS);
	struct stmt *st = db_query(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", "");
	if (!st) return DB_ERR;
	if (db_step(st) == DB_ROW) {
		c->next_id = db_int(st, 0) + 1;
		snprintf(c->prev, sizeof c->prev, "%s", db_text(st, 1));
	}
	db_done(st);
	return DB_OK;
}

int audit_chain_add(struct audit_chain *c, const struct user *who, const char *action, const char *entity, int64_t entity_id,
		    const char *before, const char *after, const char *note)
{
	char hash[65];
	time_t t = time(NULL);
	if (t != c->at_time) { now_iso(c->at); c->at_time = t; }
	const char *at = c->at;
	int64_t uid = who->id;
	const char *login = who->login;
	row_hash(hash, c->next_id, at, uid, login, action, entity, entity_id, before, after, note, c->prev);
	int rc = db_exec(c->db,
			 "INSERT INTO audit_log (id, at, user_id, login, action, entity, entity_id, before, after, note, prev_hash, hash) "
			 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
			 "itItttitttt" "t", c->next_id, at, uid, login, action, entity, entity_id, before, after, note, c->prev, hash);
	if (rc != DB_OK) return rc;
	c->next_id++;
	memcpy(c->prev, hash, sizeof c->prev);
	return DB_OK;
}

int audit_chain_close(struct audit_chain *c)
{
	if (c->next_id == 1) return DB_OK;
	return db_exec(c->db, "INSERT INTO audit_head (one, id, hash) VALUES (1, $1, $2) "
			      "ON CONFLICT (one) DO UPDATE SET id = excluded.id, hash = excluded.hash",
		       "it", c->next_id - 1, c->prev);
}

/* the head from the log's last row, whatever savepoints rolled back since
** the entries were added (db_before_commit) */
static int head_from_log(struct db *db)
{
	struct audit_chain c;
	int rc = audit_chain_open(db, &c);
	return rc == DB_OK ? audit_chain_close(&c) : rc;
}

int audit_add(struct db *db, const struct user *who, const char *action, const char *entity, int64_t entity_id,
	      const char *before, const char *after, const char *note)
{
	struct audit_chain c;
	int rc = audit_chain_open(db, &c);
	if (rc == DB_OK) rc = audit_chain_add(&c, who, action, entity, entity_id, before, after, note);
	if (rc == DB_OK && !db_before_commit(db, head_from_log)) rc = audit_chain_close(&c);
	return rc;
}

char *audit_snapshot(struct db *db, int64_t id, audit_snap_fn *snap)
{
	struct arena a;
	arena_init(&a);
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	char *out = NULL;
	if (snap(db, &a, id, &w) == E_OK) out = buf_detach(&b);
	buf_free(&b);
	arena_free(&a);
	return out;
}

int audit_change(struct db *db, const struct user *who, const char *action, const char *entity, int64_t entity_id,
		 const char *before, audit_snap_fn *after, const char *note)
{
	char *a = after ? audit_snapshot(db, entity_id, after) : NULL;
	int rc = audit_add(db, who, action, entity, entity_id, before, a, note);
	free(a);
	return rc == DB_OK ? E_OK : E_DB;
}

int audit_check(struct db *db, audit_problem_fn *fn, void *ctx, int64_t *rows)
{
	int problems = 0;
	char prev[65] = GENESIS, hash[65];
	int64_t expect_id = 1, n = 0;
	if (rows) *rows = 0;
	struct stmt *st = db_query(db,
				   "SELECT id, at, user_id, login, action, entity, entity_id, before, after, note, prev_hash, hash "
				   "FROM audit_log ORDER BY id",
				   "");
	if (!st) { fn(ctx, AUDIT_UNREADABLE, 0, 0); return 1; }
	while (db_step(st) == DB_ROW) {
		int64_t id = db_int(st, 0);
		n++;
		if (id != expect_id)
			fn(ctx, AUDIT_ROWS_DELETED, expect_id, id - 1), problems++;
		else if (strcmp(db_text(st, 10), prev) != 0)
			fn(ctx, AUDIT_CHAIN_BROKEN, id, id - 1), problems++;
		row_hash(hash, id, db_text(st, 1), db_int(st, 2), db_text(st, 3), db_text(st, 4), db_text(st, 5),
			 db_int(st, 6), db_text(st, 7), db_text(st, 8), db_text(st, 9), db_text(st, 10));
		if (strcmp(hash, db_text(st, 11)) != 0)
			fn(ctx, AUDIT_ROW_CHANGED, id, 0), problems++;
		snprintf(prev, sizeof prev, "%s", db_text(st, 11));
		expect_id = id + 1;
	}
	db_done(st);
	int64_t head_id = 0;
	st = db_query(db, "SELECT id, hash FROM audit_head WHERE one = 1", "");
	if (st && db_step(st) == DB_ROW) {
		head_id = db_int(st, 0);
		if (head_id != expect_id - 1 || strcmp(db_text(st, 1), prev) != 0) {
			if (head_id > expect_id - 1)
				fn(ctx, AUDIT_END_DELETED, expect_id, head_id);
			else
				fn(ctx, AUDIT_HEAD_BEHIND, expect_id - 1, head_id);
			problems++;
		}
	} else if (n > 0) {
		fn(ctx, AUDIT_HEAD_MISSING, 0, 0);
		problems++;
	}
	db_done(st);
	if (rows) *rows = n;
	return problems;
}

struct verify_out {
	FILE *out;
	struct db *db;
};

/* a problem as the command line prints it, in English */
static void print_problem(void *ctx, enum audit_problem what, int64_t a, int64_t b)
{
	struct verify_out *v = ctx;
	switch (what) {
	case AUDIT_UNREADABLE: fprintf(v->out, "cannot read the audit log: %s\n", db_errmsg(v->db)); break;
	case AUDIT_ROWS_DELETED: fprintf(v->out, "audit row %" PRId64 ": rows %" PRId64 " to %" PRId64 " are missing (deleted)\n", b + 1, a, b); break;
	case AUDIT_CHAIN_BROKEN: fprintf(v->out, "audit row %" PRId64 ": does not follow row %" PRId64 " (chain broken)\n", a, b); break;
	case AUDIT_ROW_CHANGED: fprintf(v->out, "audit row %" PRId64 ": content was changed after it was written\n", a); break;
	case AUDIT_END_DELETED: fprintf(v->out, "audit rows %" PRId64 " to %" PRId64 " are missing (deleted from the end)\n", a, b); break;
	case AUDIT_HEAD_BEHIND:
		fprintf(v->out, "audit log ends at row %" PRId64 " but its head says row %" PRId64 " (rows added or changed outside thidua)\n", a, b);
		break;
	case AUDIT_HEAD_MISSING: fprintf(v->out, "audit head is missing\n"); break;
	}
}

int audit_verify(struct db *db, FILE *out, int64_t *rows)
{
	struct verify_out v = { out, db };
	return audit_check(db, print_problem, &v, rows);
}
