#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "buf.h"
#include "collate.h"
#include "db.h"
#include "errors.h"
#include "fold.h"
#include "util.h"

/* the migrations of a dialect: sql/sqlite/ or sql/pg/ (db_dialect) */
#define PREFIX_OF(dialect) (strcmp((dialect), "pg") == 0 ? "sql/pg/" : "sql/sqlite/")

/* ---- folded texts a migration adds: what SQL cannot compute ----
**
** A migration that adds a column of folded words (fold_words) to a table
** with rows leaves it empty; the rows are filled here, in the migration's
** transaction, from the text SQL gives. */
static const struct {
	int version;
	const char *table, *column, *text;
} folded[] = {
	{ 29, "tasks", "search", "code || ' ' || title" },
	{ 36, "users", "search", "full_name || ' ' || login" },
};

#define FOLD_BATCH 2000

static int fill_folded(struct db *db, int version)
{
	for (size_t f = 0; f < sizeof folded / sizeof *folded; f++) {
		if (folded[f].version != version) continue;
		char select[200], update[120];
		snprintf(select, sizeof select, "SELECT id, %s FROM %s WHERE id > $1 ORDER BY id LIMIT $2", folded[f].text, folded[f].table);
		snprintf(update, sizeof update, "UPDATE %s SET %s = $1 WHERE id = $2", folded[f].table, folded[f].column);
		int64_t last = 0;
		for (int n = FOLD_BATCH; n == FOLD_BATCH;) {
			/* a batch read, then written: no update while the table is being read */
			int64_t ids[FOLD_BATCH];
			char *texts[FOLD_BATCH];
			struct stmt *st = db_query(db, select, "ii", last, (int64_t)FOLD_BATCH);
			if (!st) return DB_ERR;
			n = 0;
			while (n < FOLD_BATCH && db_step(st) == DB_ROW) {
				ids[n] = db_int(st, 0);
				texts[n] = fold_words_dup(db_text(st, 1) ? db_text(st, 1) : "");
				n++;
			}
			db_done(st);
			int rc = DB_OK;
			for (int i = 0; i < n; i++) {
				if (rc == DB_OK) rc = texts[i] ? db_exec(db, update, "ti", texts[i], ids[i]) : DB_ERR;
				free(texts[i]);
			}
			if (rc != DB_OK) return rc;
			if (n) last = ids[n - 1];
		}
	}
	return DB_OK;
}

static int version_of(const char *prefix, const char *name) { return atoi(name + strlen(prefix)); }

static int latest_of(const char *prefix)
{
	int v = 0;
	for (const struct asset *a = assets; a->name; a++)
		if (strncmp(a->name, prefix, strlen(prefix)) == 0 && version_of(prefix, a->name) > v) v = version_of(prefix, a->name);
	return v;
}

int schema_latest(void) { return latest_of("sql/sqlite/"); }

int schema_migrate(struct db *db, int quiet)
{
	if (db_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)") != DB_OK) {
		fprintf(stderr, "cannot read the schema version: %s\n", db_errmsg(db));
		return -1;
	}
	int64_t have = 0;
	db_int1(db, &have, "SELECT COALESCE(max(version), 0) FROM schema_migrations", "");
	const char *prefix = PREFIX_OF(db_dialect(db));
	int latest = latest_of(prefix);
	if (have > latest) {
		fprintf(stderr, "the database %s has schema version %lld, written by a newer thidua; this binary knows up to %d. "
				"Run the newer thidua, or restore a backup made for this version.\n",
			db_path(db), (long long)have, latest);
		return -1;
	}
	/* assets are embedded in name order, so migrations come in version order */
	for (const struct asset *a = assets; a->name; a++) {
		if (strncmp(a->name, prefix, strlen(prefix)) != 0) continue;
		int v = version_of(prefix, a->name);
		/* every migration not recorded yet: a database's versions are normally
		** 1..have without a gap; a gap (a test that takes one migration back)
		** runs that one alone */
		int64_t done = 0;
		if (db_int1(db, &done, "SELECT count(*) FROM schema_migrations WHERE version = $1", "i", (int64_t)v) != DB_ROW) return -1;
		if (done) continue;
		char now[21];
		now_iso(now);
		/* its own transaction, or a savepoint of the caller's (migrate-db
		** creates the schema and copies the data in one transaction) */
		char why[512] = ""; /* the failed statement's reason, kept over the rollback */
		int rc = db_tx_begin(db);
		if (rc == E_OK) {
			/* asked again under the writers' lock: several servers on one
			** PostgreSQL database starting together after an upgrade, the
			** first applies it and the others find it recorded */
			if (db_int1(db, &done, "SELECT count(*) FROM schema_migrations WHERE version = $1", "i", (int64_t)v) != DB_ROW) {
				snprintf(why, sizeof why, "%s", db_errmsg(db));
				rc = E_DB;
			} else if (!done && (db_script(db, (const char *)a->data) != DB_OK || fill_folded(db, v) != DB_OK ||
					     db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", "itt",
						     (int64_t)v, a->name + strlen(prefix), now) != DB_OK)) {
				snprintf(why, sizeof why, "%s", db_errmsg(db));
				rc = E_DB;
			}
			rc = db_tx_end(db, rc);
		}
		if (rc != E_OK) {
			fprintf(stderr, "migration %s failed: %s\n", a->name, why[0] ? why : db_errmsg(db));
			return -1;
		}
		if (!quiet && !done) fprintf(stderr, "applied migration %s\n", a->name);
	}
	return schema_sort_keys(db, 0);
}

/* ---- sort keys: what SQL cannot compute ----
**
** The tables whose rows carry the ICU sort key of a name (migration 009).
** Every write path of these tables stores the key with the row; here they
** are all recomputed at once when the database holds none yet or keys of
** another collator version. */
static const struct {
	const char *table, *name;
} keyed[] = {
	{ "units", "name" },
	{ "people", "full_name" },
	{ "movements", "title" },
	{ "models", "title" },
};

#define REFILL_BATCH 2000

static int refill(struct db *db, const char *table, const char *name)
{
	char select[160], update[120];
	snprintf(select, sizeof select, "SELECT id, %s FROM %s WHERE id > $1 ORDER BY id LIMIT $2", name, table);
	snprintf(update, sizeof update, "UPDATE %s SET sort_key = $1 WHERE id = $2", table);
	int64_t *ids = malloc(sizeof *ids * REFILL_BATCH), last = 0;
	struct buf *keys = calloc(REFILL_BATCH, sizeof *keys);
	int rc = ids && keys ? DB_OK : DB_ERR;
	for (int n = REFILL_BATCH; rc == DB_OK && n == REFILL_BATCH;) {
		/* a batch read, then written: no update while the table is being read */
		struct stmt *st = db_query(db, select, "ii", last, (int64_t)REFILL_BATCH);
		if (!st) { rc = DB_ERR; break; }
		n = 0;
		while (n < REFILL_BATCH && db_step(st) == DB_ROW) {
			ids[n] = db_int(st, 0);
			collate_key(&keys[n], db_text(st, 1));
			n++;
		}
		db_done(st);
		for (int i = 0; i < n && rc == DB_OK; i++) rc = db_exec(db, update, "bi", keys[i].p, keys[i].len, ids[i]);
		if (n) last = ids[n - 1];
	}
	for (int i = 0; keys && i < REFILL_BATCH; i++) buf_free(&keys[i]);
	free(keys);
	free(ids);
	return rc;
}

int schema_sort_keys(struct db *db, int force)
{
	char want[64];
	collate_version(want, sizeof want);
	struct stmt *st = db_query(db, "SELECT version FROM sort_key_collator WHERE one = 1", "");
	if (!st) { fprintf(stderr, "cannot read the collator of the sort keys: %s\n", db_errmsg(db)); return -1; }
	int same = db_step(st) == DB_ROW && strcmp(db_text(st, 0), want) == 0;
	db_done(st);
	if (same && !force) return 0;
	char why[512] = "";
	int rc = db_tx_begin(db);
	if (rc == E_OK) {
		int r = DB_OK;
		for (size_t i = 0; i < sizeof keyed / sizeof *keyed && r == DB_OK; i++) r = refill(db, keyed[i].table, keyed[i].name);
		if (r == DB_OK)
			r = db_exec(db, "INSERT INTO sort_key_collator (one, version) VALUES (1, $1) ON CONFLICT (one) DO UPDATE SET version = $1",
				    "t", want);
		if (r != DB_OK) snprintf(why, sizeof why, "%s", db_errmsg(db));
		rc = db_tx_end(db, r == DB_OK ? E_OK : E_DB);
	}
	if (rc != E_OK) {
		fprintf(stderr, "cannot compute the sort keys of names: %s\n", why[0] ? why : db_errmsg(db));
		return -1;
	}
	return 0;
}
