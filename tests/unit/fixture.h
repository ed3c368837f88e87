/* The fixture every database test shares: a fresh SQLite file under /tmp
** with the schema migrated, and its removal (with the WAL and shared-memory
** files) afterwards. Header-only: each test program includes it once. */
#ifndef THIDUA_TEST_FIXTURE_H
#define THIDUA_TEST_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/db.h"
#include "base/schema.h"

/* path: a buffer of n >= 40 bytes that receives the file's name; name: a
** short word naming the test program. 0, or -1 when anything failed. */
static inline int fixture_db_open(char *path, size_t n, const char *name, struct db **db)
{
	snprintf(path, n, "/tmp/thidua-%s-XXXXXX", name);
	int fd = mkstemp(path);
	if (fd < 0) return -1;
	close(fd);
	unlink(path);
	if (db_open(db, path, 1) != DB_OK || schema_migrate(*db, 1) != 0) return -1;
	return 0;
}

static inline void fixture_db_remove(struct db *db, const char *path)
{
	char p[128];
	db_close(db);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

#endif
