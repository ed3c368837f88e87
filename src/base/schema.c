#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "db.h"
#include "util.h"

#define PREFIX "sql/sqlite/"

static int version_of(const char *name) { return atoi(name + strlen(PREFIX)); }

int schema_latest(void)
{
	int v = 0;
	for (const struct asset *a = assets; a->name; a++)
		if (strncmp(a->name, PREFIX, strlen(PREFIX)) == 0 && version_of(a->name) > v) v = version_of(a->name);
	return v;
}

int schema_migrate(struct db *db, int quiet)
{
	if (db_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)") != DB_OK) {
		fprintf(stderr, "cannot read the schema version: %s\n", db_errmsg(db));
		return -1;
	}
	int64_t have = 0;
	db_int1(db, &have, "SELECT COALESCE(max(version), 0) FROM schema_migrations", "");
	int latest = schema_latest();
	if (have > latest) {
		fprintf(stderr, "the database %s has schema version %lld, written by a newer thidua; this binary knows up to %d. "
				"Run the newer thidua, or restore a backup made for this version.\n",
			db_path(db), (long long)have, latest);
		return -1;
	}
	/* assets are embedded in name order, so migrations come in version order */
	for (const struct asset *a = assets; a->name; a++) {
		if (strncmp(a->name, PREFIX, strlen(PREFIX)) != 0) continue;
		int v = version_of(a->name);
		if (v <= have) continue;
		char now[21];
		now_iso(now);
		if (db_begin(db) != DB_OK || db_script(db, (const char *)a->data) != DB_OK ||
		    db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", "itt", (int64_t)v,
			    a->name + strlen(PREFIX), now) != DB_OK ||
		    db_commit(db) != DB_OK) {
			fprintf(stderr, "migration %s failed: %s\n", a->name, db_errmsg(db));
			db_rollback(db);
			return -1;
		}
		if (!quiet) fprintf(stderr, "applied migration %s\n", a->name);
	}
	return 0;
}
