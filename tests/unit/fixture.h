/* The fixture every database test shares: a fresh SQLite file under /tmp
** with the schema migrated, and its removal (with the WAL and shared-memory
** files) afterwards. Header-only: each test program includes it once.
**
** With THIDUA_TEST_PG=<PostgreSQL URI> (make test-pg-unit starts a throw-away
** cluster and sets it) the database is that one instead, emptied before each
** test (DROP SCHEMA public CASCADE) and migrated; path receives the URI. */
#ifndef THIDUA_TEST_FIXTURE_H
#define THIDUA_TEST_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/db.h"
#include "base/schema.h"
#include "tmpdir.h"

/* path: a buffer of n >= 40 bytes that receives the file's name; name: a
** short word naming the test program. 0, or -1 when anything failed. */
static inline const char *fixture_pg(void)
{
	const char *uri = getenv("THIDUA_TEST_PG");
	return uri && *uri ? uri : NULL;
}

static inline int fixture_db_open(char *path, size_t n, const char *name, struct db **db)
{
	if (fixture_pg()) {
		if ((size_t)snprintf(path, n, "%s", fixture_pg()) >= n) return -1;
		if (db_open(db, path, 1) != DB_OK) return -1;
		if (db_script(*db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;") != DB_OK) {
			fprintf(stderr, "cannot empty %s: %s\n", path, db_errmsg(*db));
			return -1;
		}
		return schema_migrate(*db, 1) == 0 ? 0 : -1;
	}
	snprintf(path, n, "%s/thidua-%s-XXXXXX", test_tmpdir(), name);
	int fd = mkstemp(path);
	if (fd < 0) return -1;
	close(fd);
	unlink(path);
	if (db_open(db, path, 1) != DB_OK || schema_migrate(*db, 1) != 0) return -1;
	return 0;
}

static inline void fixture_db_remove(struct db *db, const char *path)
{
	char p[300];
	db_close(db);
	if (fixture_pg()) return; /* emptied by the next fixture_db_open */
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

#endif
