/* migrate-db: a province's SQLite database, with its whole history, copied
** into an empty PostgreSQL database (docs/DEPLOY.md, "Moving a province
** from SQLite to PostgreSQL").
**
**   thidua migrate-db --from PATH --to postgresql://user@host/db
**
** The source is opened read-only and read in one read transaction: one
** consistent moment, nothing written to it. It must be a thidua database at
** exactly this binary's schema version.
**
** The target is written in ONE transaction (BEGIN and the writers' lock of
** db_pg.c): checked empty, its schema made by the normal migrations
** (schema_migrate(), whose levels are savepoints here), every table copied
** with COPY (db_copy_*), keys and indexes dropped for the copy and made
** again after it (PostgreSQL then checks each once, for every row), sequences set
** past the highest ids, ANALYZE, commit. A refusal (exit 2) happens before
** anything is written or rolls the transaction back; so does a failure
** (exit 1): the target is either untouched or holds the whole copy.
**
** The tables come from one place: the source's own list (sqlite_master),
** each matched by name with the table the migrations made on the target. A
** source table the target does not have is refused, never skipped; what is
** not copied is named in policy[] below, with the reason. Values keep their
** representation: each is read with its SQLite storage class (db_coltype)
** and written as the target column's type wants it; a value that would have
** to change (text in an integer column, a real in an integer column, a blob
** in a text column, text that is not UTF-8 or holds a NUL byte) is refused
** with its table, row and column. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/db.h"
#include "../base/errors.h"
#include "../base/fold.h"
#include "../base/schema.h"
#include "cli.h"

/* What is not copied, and why. Everything else the source has is copied. */
enum how { COPY, DROP, OWN };
static const struct {
	const char *table;
	enum how how;
	const char *why;
} policy[] = {
	/* a session is a login on one server; its cookie is all it is worth */
	{ "sessions", DROP, "everyone logs in again" },
	/* the login throttle's recent failures (auth.c, LOGIN_WINDOW_SEC): they
	** only matter for a quarter of an hour, hold client addresses, and are
	** no history (the audit log keeps what happened) */
	{ "login_failures", DROP, "the login throttle starts afresh" },
	/* the target records its own migrations (the same versions, checked) */
	{ "schema_migrations", OWN, "the target records its own migrations (the same versions)" },
};


struct column {
	char *name;
	char kind; /* what the target column holds, in db_bind's letters: 'i' 'd' 't' 'b' */
};

struct table {
	char *name;
	enum how how;
	const char *why;
	int64_t rows;       /* in the source */
	int ncols;
	struct column *cols;
};

/* a key or an index set aside for the copy (set_aside) */
struct fk {
	int kind;                 /* 0 foreign key, 1 primary key or unique constraint, 2 index, 3 a table's own triggers */
	char *table, *name, *def; /* def: the constraint's definition, or the whole CREATE INDEX */
};

struct run {
	const char *from, *to;
	struct db *src, *dst;
	int tty;
	struct table *t;
	int nt;
	struct fk *fks;
	int nfks;
	char **seeded;      /* tables the migrations fill themselves (seeded_tables), NULL-terminated */
};

static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int refuse(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "migrate-db: refused: %s; nothing was written\n", msg);
	return 2;
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a table or column name as thidua's schema writes them: lower-case letters,
** digits and '_' (spliced into SQL only after this check) */
static int plain_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9') || strlen(s) > 60) return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
	return 1;
}

static int in_list(char *const *list, const char *s)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i], s)) return 1;
	return 0;
}

static void free_run(struct run *r)
{
	for (int i = 0; i < r->nt; i++) {
		for (int c = 0; c < r->t[i].ncols; c++) free(r->t[i].cols[c].name);
		free(r->t[i].cols);
		free(r->t[i].name);
	}
	free(r->t);
	for (int i = 0; i < r->nfks; i++) free(r->fks[i].table), free(r->fks[i].name), free(r->fks[i].def);
	free(r->fks);
	for (int i = 0; r->seeded && r->seeded[i]; i++) free(r->seeded[i]);
	free(r->seeded);
}

/* ---- the source ---- */

static int open_source(struct run *r)
{
	if (db_is_postgres(r->from)) return refuse("--from is the SQLite file to copy, not a PostgreSQL database");
	struct stat sb;
	if (stat(r->from, &sb) != 0) return refuse("no file at %s (%s)", r->from, strerror(errno));
	char head[16] = { 0 };
	FILE *f = S_ISREG(sb.st_mode) ? fopen(r->from, "rb") : NULL;
	size_t got = f ? fread(head, 1, sizeof head, f) : 0;
	if (f) fclose(f);
	if (got != sizeof head || memcmp(head, "SQLite format 3", 16) != 0)
		return refuse("%s is not a SQLite database, so not a thidua database", r->from);
	if (db_open(&r->src, r->from, DB_OPEN_READONLY) != DB_OK) return refuse("cannot open %s", r->from);
	/* one read transaction: every table as of one moment, even if a server still writes */
	if (db_exec(r->src, "BEGIN", "") != DB_OK) return refuse("cannot read %s: %s", r->from, db_errmsg(r->src));
	int64_t n = 0;
	if (db_int1(r->src, &n, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", "") != DB_ROW)
		return refuse("cannot read %s: %s", r->from, db_errmsg(r->src));
	struct stmt *st = n ? db_query(r->src, "SELECT name FROM schema_migrations WHERE version = 1", "") : NULL;
	int ours = st && db_step(st) == DB_ROW && db_text(st, 0) && !strcmp(db_text(st, 0), "001_foundation.sql");
	db_done(st);
	if (!ours) return refuse("%s is a SQLite database but not a thidua one (no thidua schema_migrations)", r->from);
	int64_t version = 0;
	db_int1(r->src, &version, "SELECT max(version) FROM schema_migrations", "");
	int latest = schema_latest();
	if (version > latest)
		return refuse("%s has schema version %lld, written by a newer thidua; this one knows up to %d: "
			      "run migrate-db with the newer thidua",
			      r->from, (long long)version, latest);
	if (version < latest)
		return refuse("%s has schema version %lld, older than this thidua's %d: open it once with this thidua "
			      "(thidua audit verify --db %s migrates it), then run migrate-db again",
			      r->from, (long long)version, latest, r->from);
	return 0;
}

/* the source's tables, in name order, with their row counts and policy */
static int list_tables(struct run *r)
{
	struct stmt *st = db_query(r->src,
				   "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
				   "ORDER BY name",
				   "");
	if (!st) return refuse("cannot read the tables of %s: %s", r->from, db_errmsg(r->src));
	int cap = 0, rc = 0;
	while (db_step(st) == DB_ROW) {
		const char *name = db_text(st, 0);
		if (!plain_name(name)) { rc = refuse("the source has a table \"%s\" that thidua does not know", name); break; }
		if (r->nt == cap) {
			cap = cap ? cap * 2 : 64;
			struct table *t = realloc(r->t, sizeof *t * (size_t)cap);
			if (!t) { rc = 1; break; }
			r->t = t;
		}
		struct table *t = &r->t[r->nt++];
		memset(t, 0, sizeof *t);
		t->name = strdup(name);
		t->how = COPY;
		for (size_t i = 0; i < sizeof policy / sizeof *policy; i++)
			if (!strcmp(policy[i].table, name)) t->how = policy[i].how, t->why = policy[i].why;
	}
	db_done(st);
	for (int i = 0; !rc && i < r->nt; i++) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", r->t[i].name);
		if (db_int1(r->src, &r->t[i].rows, sql, "") != DB_ROW) rc = refuse("cannot read %s: %s", r->from, db_errmsg(r->src));
	}
	return rc;
}

static int source_has(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nt; i++)
		if (!strcmp(r->t[i].name, name)) return 1;
	return 0;
}

/* ---- the target ---- */

/* The tables whose rows the migrations write themselves (unit kinds,
** movement fields, the schema's versions, the collator of the sort keys…):
** rows there do not make a target "not empty", and the source's rows replace
** them. Found by running this binary's migrations on an empty in-memory
** SQLite database — the twins of the PostgreSQL ones (test_db.c checks that
** each has the other) — so a new migration's reference rows need no list. */
static int seeded_tables(struct run *r)
{
	struct db *mem;
	if (db_open(&mem, ":memory:", DB_OPEN_CREATE) != DB_OK) return -1;
	int rc = schema_migrate(mem, 1) == 0 ? 0 : -1;
	struct stmt *st = rc ? NULL
			     : db_query(mem, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", "");
	char *names[256];
	int n = 0;
	while (st && n < 256 && db_step(st) == DB_ROW) names[n++] = strdup(db_text(st, 0));
	db_done(st);
	r->seeded = calloc((size_t)n + 1, sizeof *r->seeded);
	int k = 0;
	for (int i = 0; i < n; i++) {
		char sql[160];
		int64_t rows = 0;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", names[i]);
		if (r->seeded && plain_name(names[i]) && db_int1(mem, &rows, sql, "") == DB_ROW && rows > 0) r->seeded[k++] = names[i];
		else free(names[i]);
	}
	db_close(mem);
	return rc || !r->seeded ? -1 : 0;
}

/* Empty: no table, view or foreign table outside PostgreSQL's own schemas,
** or only thidua's tables (the source's names, in the current schema: a
** `thidua serve` or `audit verify` made them) with no row except those the
** migrations write themselves (seeded_tables). Anything else is someone's data. */
static int check_empty(struct run *r)
{
	struct stmt *st = db_query(r->dst,
				   "SELECT n.nspname, c.relname, c.relkind::text, n.nspname = current_schema() FROM pg_class c "
				   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
				   "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 4, 1, 2",
				   "");
	if (!st) return refuse("cannot read the tables of the target: %s", db_errmsg(r->dst));
	char **ours = NULL;
	int n = 0, rc = 0;
	while (!rc && db_step(st) == DB_ROW) {
		const char *schema = db_text(st, 0), *name = db_text(st, 1), *kind = db_text(st, 2);
		int current = db_int(st, 3);
		if (!current || strcmp(kind, "r") != 0 || !source_has(r, name)) {
			rc = refuse("the target holds %s.%s, which is not a thidua table: migrate-db fills a new, empty database "
				    "(createdb -O OWNER NAME)",
				    schema, name);
			break;
		}
		char **o = realloc(ours, sizeof *o * (size_t)(n + 1));
		if (!o) { rc = 1; break; }
		ours = o;
		ours[n++] = strdup(name);
	}
	db_done(st);
	char full[200] = "";
	int nfull = 0;
	for (int i = 0; !rc && i < n; i++) {
		if (in_list(r->seeded, ours[i])) continue;
		char sql[160];
		int64_t any = 0;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM \"%s\" LIMIT 1) x", ours[i]);
		if (db_int1(r->dst, &any, sql, "") != DB_ROW) rc = refuse("cannot read the target: %s", db_errmsg(r->dst));
		else if (any && nfull++ < 3) snprintf(full + strlen(full), sizeof full - strlen(full), "%s%s", nfull > 1 ? ", " : "", ours[i]);
	}
	if (!rc && nfull) {
		char more[40] = "";
		if (nfull > 3) snprintf(more, sizeof more, " and %d more tables", nfull - 3);
		rc = refuse("the target holds data already (rows in %s%s): migrate-db fills a new, empty database", full, more);
	}
	for (int i = 0; !rc && i < n; i++) {
		if (strcmp(ours[i], "schema_migrations") != 0) continue;
		int64_t v = 0;
		db_int1(r->dst, &v, "SELECT COALESCE(max(version), 0) FROM schema_migrations", "");
		if (v > schema_latest()) rc = refuse("the target has the schema of a newer thidua (version %lld)", (long long)v);
	}
	for (int i = 0; i < n; i++) free(ours[i]);
	free(ours);
	return rc;
}

static char kind_of(const char *pg_type)
{
	if (!strcmp(pg_type, "smallint") || !strcmp(pg_type, "integer") || !strcmp(pg_type, "bigint") || !strcmp(pg_type, "boolean"))
		return 'i';
	if (!strcmp(pg_type, "real") || !strcmp(pg_type, "double precision") || !strcmp(pg_type, "numeric")) return 'd';
	if (!strcmp(pg_type, "bytea")) return 'b';
	return 't';
}

/* each copied table's columns: the source's, each found on the target */
static int plan_columns(struct run *r)
{
	for (int i = 0; i < r->nt; i++) {
		struct table *t = &r->t[i];
		if (t->how != COPY) continue;
		struct stmt *st = db_query(r->dst,
					   "SELECT column_name, data_type FROM information_schema.columns "
					   "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
					   "t", t->name);
		if (!st) return refuse("cannot read the target's columns: %s", db_errmsg(r->dst));
		int ntarget = 0;
		char names[64][64], kinds[64];
		while (db_step(st) == DB_ROW) {
			if (ntarget < 64) {
				snprintf(names[ntarget], sizeof names[ntarget], "%s", db_text(st, 0));
				kinds[ntarget] = kind_of(db_text(st, 1));
			}
			ntarget++;
		}
		db_done(st);
		if (!ntarget)
			return refuse("the source has a table %s that this thidua does not know (%lld rows); "
				      "it was made by another program or a newer thidua",
				      t->name, (long long)t->rows);
		if (ntarget > 64) return refuse("the target's table %s has more than 64 columns", t->name);
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", t->name);
		st = db_query(r->src, sql, "");
		if (!st) return refuse("cannot read the columns of %s: %s", t->name, db_errmsg(r->src));
		t->cols = calloc(64, sizeof *t->cols);
		int rc = t->cols ? 0 : 1;
		while (!rc && db_step(st) == DB_ROW) {
			const char *c = db_text(st, 0);
			int k = 0;
			while (k < ntarget && strcmp(names[k], c) != 0) k++;
			if (k == ntarget || !plain_name(c) || t->ncols == 64) {
				rc = refuse("the source's column %s.%s is not in this thidua's schema", t->name, c);
				break;
			}
			t->cols[t->ncols].name = strdup(c);
			t->cols[t->ncols].kind = kinds[k];
			t->ncols++;
		}
		db_done(st);
		if (rc) return rc;
	}
	return 0;
}

/* The keys and indexes of the schema are set aside for the copy and made
** again after it, as pg_restore does: an index built once from sorted rows
** costs a fraction of a million insertions into it, and each key is then
** checked once for every row (a duplicate or a dangling reference in the
** source fails the commit with the constraint's name). Foreign keys go
** first and come back last; primary keys and unique constraints come back
** before the indexes and the foreign keys that use them. CHECK and NOT
** NULL constraints stay: they are checked per row, cheaply. The schema's
** own triggers (migration 025: the holder of an achievement) are disabled
** for the copy: the rows come as the source's triggers left them, and a
** trigger's lookup into a table whose keys are set aside would be a scan
** per row. */
static int set_aside(struct run *r)
{
	static const char *const sql[] = {
		/* 0: foreign keys */
		"SELECT cl.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
		"JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
		"WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2",
		/* 1: primary keys and unique constraints */
		"SELECT cl.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
		"JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
		"WHERE c.contype IN ('p', 'u') AND n.nspname = current_schema() ORDER BY 1, 2",
		/* 2: the other indexes */
		"SELECT cl.relname, ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
		"JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class cl ON cl.oid = i.indrelid "
		"JOIN pg_namespace n ON n.oid = cl.relnamespace "
		"WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
		"ORDER BY 1, 2",
		/* 3: the tables with triggers of their own (not the keys' internal ones) */
		("SELECT DISTINCT cl.relname, cl.relname, '' FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid "
		 "JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1"),
	};
	for (int kind = 0; kind < 4; kind++) {
		struct stmt *st = db_query(r->dst, sql[kind], "");
		if (!st) return -1;
		int first = r->nfks;
		while (db_step(st) == DB_ROW) {
			struct fk *f = realloc(r->fks, sizeof *f * (size_t)(r->nfks + 1));
			if (!f) break;
			r->fks = f;
			f = &r->fks[r->nfks++];
			f->kind = kind;
			f->table = strdup(db_text(st, 0));
			f->name = strdup(db_text(st, 1));
			f->def = strdup(db_text(st, 2));
		}
		db_done(st);
		for (int i = first; i < r->nfks; i++) {
			struct fk *f = &r->fks[i];
			if (!plain_name(f->table) || !plain_name(f->name)) {
				fprintf(stderr, "migrate-db: unexpected name %s.%s\n", f->table, f->name);
				return -1;
			}
			char drop[300];
			if (kind < 2) snprintf(drop, sizeof drop, "ALTER TABLE \"%s\" DROP CONSTRAINT \"%s\"", f->table, f->name);
			else if (kind == 3) snprintf(drop, sizeof drop, "ALTER TABLE \"%s\" DISABLE TRIGGER USER", f->table);
			else snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", f->name);
			if (db_script(r->dst, drop) != DB_OK) return -1;
		}
	}
	return 0;
}

static int restore(struct run *r)
{
	/* triggers, keys, then indexes, then foreign keys */
	static const int order[] = { 3, 1, 2, 0 };
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < r->nfks; i++) {
			struct fk *f = &r->fks[i];
			if (f->kind != order[k]) continue;
			size_t n = strlen(f->table) + strlen(f->name) + strlen(f->def) + 64;
			char *sql = malloc(n);
			if (!sql) return -1;
			if (f->kind < 2) snprintf(sql, n, "ALTER TABLE \"%s\" ADD CONSTRAINT \"%s\" %s", f->table, f->name, f->def);
			else if (f->kind == 3) snprintf(sql, n, "ALTER TABLE \"%s\" ENABLE TRIGGER USER", f->table);
			else snprintf(sql, n, "%s", f->def);
			int rc = db_script(r->dst, sql);
			free(sql);
			if (rc != DB_OK) {
				fprintf(stderr, "migrate-db: the copied rows break %s.%s (%s): %s\n", f->table, f->name, f->def, db_errmsg(r->dst));
				return -1;
			}
		}
	}
	return 0;
}

/* every serial column's sequence continues after the highest id copied */
static int set_sequences(struct run *r)
{
	struct stmt *st = db_query(r->dst,
				   "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
				   "AND column_default LIKE 'nextval(%' ORDER BY 1",
				   "");
	if (!st) return -1;
	char list[128][2][64];
	int n = 0;
	while (db_step(st) == DB_ROW && n < 128) {
		snprintf(list[n][0], sizeof list[n][0], "%s", db_text(st, 0));
		snprintf(list[n][1], sizeof list[n][1], "%s", db_text(st, 1));
		n++;
	}
	db_done(st);
	for (int i = 0; i < n; i++) {
		if (!plain_name(list[i][0]) || !plain_name(list[i][1])) return -1;
		char sql[400];
		snprintf(sql, sizeof sql, "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(\"%.63s\"), 0) + 1, false) FROM \"%.63s\"",
			 list[i][1], list[i][0]);
		if (db_exec(r->dst, sql, "tt", list[i][0], list[i][1]) != DB_OK) return -1;
	}
	return 0;
}

/* ---- the copy ---- */

static const char *type_name(char t)
{
	return t == 'i' ? "an integer" : t == 'd' ? "a real number" : t == 't' ? "text" : t == 'b' ? "a blob" : "NULL";
}

/* one source value as the target column holds it; NULL, or why it cannot be
** copied unchanged */
static const char *convert(struct stmt *st, int col, char kind, struct db_value *v, char *why, size_t whylen)
{
	char t = db_coltype(st, col);
	memset(v, 0, sizeof *v);
	v->type = 'n';
	if (t == 'n') return NULL;
	int ok = t == kind || (kind == 'd' && t == 'i') || (kind == 'b' && t == 't') || (kind == 't' && (t == 'i' || t == 'd'));
	if (!ok) {
		snprintf(why, whylen, "it holds %s where the PostgreSQL column holds %s", type_name(t),
			 kind == 'i' ? "integers" : kind == 'd' ? "real numbers" : kind == 'b' ? "bytes" : "text");
		return why;
	}
	switch (kind) {
	case 'i': v->type = 'i'; v->i = db_int(st, col); break;
	case 'd':
		/* an integer goes as its digits, read exactly by PostgreSQL */
		if (t == 'i') v->type = 'i', v->i = db_int(st, col);
		else v->type = 'd', v->d = db_double(st, col);
		break;
	case 'b':
		v->type = 'b';
		v->p = db_blob(st, col, &v->n);
		if (!v->p) v->p = ""; /* an empty blob, not NULL */
		break;
	default: {
		size_t n = 0;
		const char *s = db_text(st, col);
		db_blob(st, col, &n); /* the value's length: a NUL inside would cut it */
		if (!s || strlen(s) != n) { snprintf(why, whylen, "its text holds a NUL byte"); return why; }
		if (!utf8_valid(s, n)) { snprintf(why, whylen, "its text is not valid UTF-8"); return why; }
		v->type = 't';
		v->p = s;
	}
	}
	return NULL;
}

static void show(const struct run *r, const struct table *t, int64_t n, double secs, int end)
{
	if (end) /* on a terminal over the counter, which may be a little longer */
		fprintf(stderr, "%s  %-26s %10lld rows  %7.2f s%s\n", r->tty ? "\r" : "", t->name, (long long)n, secs, r->tty ? "        " : "");
	else if (r->tty)
		fprintf(stderr, "\r  %-26s %10lld of %lld rows", t->name, (long long)n, (long long)t->rows);
}

/* 0, 1 (failed) or 2 (refused: a value that cannot be copied unchanged) */
static int copy_table(struct run *r, struct table *t, int64_t *copied)
{
	double t0 = now_sec();
	*copied = 0;
	/* a table the migrations filled (reference rows): the source's rows replace them */
	char sql[4096];
	int64_t have = 0;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t->name);
	if (db_int1(r->dst, &have, sql, "") != DB_ROW) return 1;
	snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", t->name);
	if (have && db_exec(r->dst, sql, "") != DB_OK) return 1;

	size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
	const char *names[64];
	for (int c = 0; c < t->ncols; c++) {
		names[c] = t->cols[c].name;
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
	}
	snprintf(sql + n, sizeof sql - n, " FROM \"%s\"", t->name);
	if (n >= sizeof sql - 100) return 1;
	struct stmt *st = db_query(r->src, sql, "");
	if (!st) { fprintf(stderr, "migrate-db: cannot read %s: %s\n", t->name, db_errmsg(r->src)); return 1; }
	if (db_copy_begin(r->dst, t->name, names, t->ncols) != DB_OK) {
		db_done(st);
		fprintf(stderr, "migrate-db: cannot copy into %s: %s\n", t->name, db_errmsg(r->dst));
		return 1;
	}
	struct db_value v[64];
	char why[200], stop[600] = "";
	int rc = 0, step;
	int64_t rows = 0;
	while ((step = db_step(st)) == DB_ROW) {
		for (int c = 0; c < t->ncols && !stop[0]; c++) {
			if (!convert(st, c, t->cols[c].kind, &v[c], why, sizeof why)) continue;
			const char *key = db_text(st, 0);
			snprintf(stop, sizeof stop, "table %s, row %lld (%s %s), column %s: %s", t->name, (long long)rows + 1,
				 t->cols[0].name, key ? key : "NULL", t->cols[c].name, why);
		}
		if (stop[0]) { rc = 2; break; }
		if (db_copy_row(r->dst, v) != DB_OK) { rc = 1; break; }
		rows++;
		if ((rows & 8191) == 0) show(r, t, rows, now_sec() - t0, 0);
	}
	if (!rc && step != DB_DONE) {
		snprintf(stop, sizeof stop, "reading %s: %s", t->name, db_errmsg(r->src));
		rc = 1;
	}
	db_done(st);
	int64_t written = 0;
	int end = db_copy_end(r->dst, stop[0] ? stop : NULL, &written);
	if (r->tty && (rc || end != DB_OK)) fputc('\n', stderr);
	if (rc == 2) { fprintf(stderr, "migrate-db: refused: %s; nothing was written\n", stop); return 2; }
	if (rc || end != DB_OK) {
		fprintf(stderr, "migrate-db: copying %s failed: %s\n", t->name, stop[0] ? stop : db_errmsg(r->dst));
		return 1;
	}
	if (written != rows) {
		fprintf(stderr, "migrate-db: %s: %lld rows read, %lld written\n", t->name, (long long)rows, (long long)written);
		return 1;
	}
	show(r, t, rows, now_sec() - t0, 1);
	*copied = rows;
	return 0;
}

/* the statistics of the tables copied (the planner's, for the first queries) */
static int analyze(struct run *r)
{
	size_t cap = 16;
	for (int i = 0; i < r->nt; i++) cap += strlen(r->t[i].name) + 4;
	char *sql = malloc(cap);
	if (!sql) return DB_ERR;
	size_t n = (size_t)snprintf(sql, cap, "ANALYZE");
	int k = 0;
	for (int i = 0; i < r->nt; i++)
		if (r->t[i].how == COPY) n += (size_t)snprintf(sql + n, cap - n, "%s\"%s\"", k++ ? ", " : " ", r->t[i].name);
	int rc = k ? db_script(r->dst, sql) : DB_OK;
	free(sql);
	return rc;
}

static int migrate(struct run *r)
{
	double t0 = now_sec();
	int rc = open_source(r);
	if (!rc) rc = list_tables(r);
	if (rc) return rc;

	if (seeded_tables(r) != 0) { fprintf(stderr, "migrate-db: cannot run this thidua's migrations in memory\n"); return 1; }
	if (db_open(&r->dst, r->to, 0) != DB_OK) return refuse("the target database cannot be reached");
	if (db_tx_begin(r->dst) != E_OK)
		return refuse("the target is busy (another thidua holds its write lock): %s", db_errmsg(r->dst));
	rc = check_empty(r);
	if (rc) { db_tx_end(r->dst, E_INVALID); return rc; }

	fprintf(stderr, "migrate-db: %s (schema %d) to %s, in one transaction\n", r->from, schema_latest(), db_path(r->dst));
	if (schema_migrate(r->dst, 1) != 0) {
		db_tx_end(r->dst, E_DB);
		fprintf(stderr, "migrate-db: rolled back; nothing was written to the target\n");
		return 1;
	}
	rc = plan_columns(r);
	if (rc) { db_tx_end(r->dst, E_INVALID); return rc; }
	/* for the index builds after the copy (this transaction only) */
	if (db_script(r->dst, "SET LOCAL maintenance_work_mem = '256MB'") != DB_OK || set_aside(r) != 0) {
		fprintf(stderr, "migrate-db: cannot set the keys and indexes aside for the copy: %s\n", db_errmsg(r->dst));
		db_tx_end(r->dst, E_DB);
		return 1;
	}

	double c0 = now_sec();
	int64_t total = 0;
	int ntables = 0;
	for (int i = 0; i < r->nt && !rc; i++) {
		struct table *t = &r->t[i];
		if (t->how != COPY) continue;
		int64_t n = 0;
		rc = copy_table(r, t, &n);
		total += n;
		ntables++;
	}
	double copy_secs = now_sec() - c0;
	for (int i = 0; i < r->nt && !rc; i++)
		if (r->t[i].how != COPY && r->t[i].rows)
			fprintf(stderr, "  %-26s %10lld rows  not copied: %s\n", r->t[i].name, (long long)r->t[i].rows, r->t[i].why);
	double keys_secs = 0;
	if (!rc) {
		double k0 = now_sec();
		if (restore(r) != 0) rc = 1;
		else if (set_sequences(r) != 0) {
			fprintf(stderr, "migrate-db: cannot set the sequences: %s\n", db_errmsg(r->dst));
			rc = 1;
		} else if (analyze(r) != DB_OK) {
			fprintf(stderr, "migrate-db: ANALYZE failed: %s\n", db_errmsg(r->dst));
			rc = 1;
		}
		keys_secs = now_sec() - k0;
		if (!rc) fprintf(stderr, "  keys and indexes made and checked, sequences set, statistics gathered: %.2f s\n", keys_secs);
	}
	if (rc) {
		db_tx_end(r->dst, E_DB);
		if (rc == 1) fprintf(stderr, "migrate-db: rolled back; nothing was written to the target\n");
		return rc;
	}
	double k1 = now_sec();
	if (db_tx_end(r->dst, E_OK) != E_OK) {
		fprintf(stderr, "migrate-db: the commit failed, nothing was written: %s\n", db_errmsg(r->dst));
		return 1;
	}
	double secs = now_sec() - t0;
	fprintf(stderr, "  committed: %.2f s\n", now_sec() - k1);
	printf("migrated %s to %s: %lld rows in %d tables in %.1f s (%.0f rows/s; copy %.1f s, keys and indexes %.1f s)\n", r->from,
	       db_path(r->dst), (long long)total, ntables, secs, secs > 0 ? (double)total / secs : 0.0, copy_secs, keys_secs);
	return 0;
}

int cmd_migrate_db(int argc, char **argv)
{
	static const char *const known[] = { "--from", "--to", NULL };
	struct args a;
	int bad = args_parse(&a, argc, argv, known) != 0;
	const char *from = arg(&a, "--from", NULL), *to = arg(&a, "--to", NULL);
	if (bad || a.help || !from || !to || a.npos) {
		return cli_usage(a.help && !bad,
			"usage: thidua migrate-db --from PATH --to postgresql://user@host/db\n\n"
			"Copies a thidua SQLite database with its whole history (units, people, movements, users\n"
			"with their passwords and grants, API tokens, files, jobs, the audit log; ids kept) into a\n"
			"new, empty PostgreSQL database, in one transaction: the target ends up with all of it or\n"
			"with nothing. Sessions and recent login failures are not copied. Stop the server first:\n"
			"what it writes after the copy starts is not copied. The source is only read.\n"
			"--to is postgresql://user@host/db, postgres://..., or postgresql: alone for libpq's\n"
			"environment (PGSERVICE, PGHOST, PGDATABASE...). Progress goes to standard error.\n"
			"Exit status 0: copied; 2: refused, nothing written (the target is not empty or cannot be\n"
			"reached, the source is not a thidua database or has another schema version); 1: the copy\n"
			"failed and was rolled back. See docs/DEPLOY.md.\n");
	}
	if (!db_is_postgres(to)) return refuse("--to must be a PostgreSQL database: postgresql://user@host/db (or postgres://..., postgresql:)");
	struct run r = { .from = from, .to = to, .tty = isatty(2) };
	int rc = migrate(&r);
	if (r.src && db_in_tx(r.src)) db_exec(r.src, "ROLLBACK", ""); /* the read transaction */
	db_close(r.src);
	db_close(r.dst);
	free_run(&r);
	return rc;
}
