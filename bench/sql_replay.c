/* bench/run.sh: the SQL of one request alone, in the process. Reads the
** statements a request ran (one per line, as THIDUA_SQL_PROFILE=1 printed
** them, values inlined), prepares each once on the benchmark's database
** opened as the server opens it (read-only here, the same page cache), then
** runs them all N times: every row stepped, every column read by its type, as a
** handler reads them. Prints the CPU time of one run of them all, in µs:
** what SQLite alone spends on the request, without HTTP, JSON or HTML.
**   sql_replay DB FILE N */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STMTS 64

static double cpu_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: sql_replay DB FILE N\n");
		return 2;
	}
	int n = atoi(argv[3]);
	sqlite3 *db;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* as the server configures SQLite (src/base/db_sqlite.c) */
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_exec(db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	sqlite3_stmt *st[MAX_STMTS];
	signed char type[MAX_STMTS][64]; /* each column's type in its first non-NULL value: the handler knows it */
	memset(type, 0, sizeof type);
	int k = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0 && k < MAX_STMTS) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
		if (!len) continue;
		if (sqlite3_prepare_v3(db, line, (int)len + 1, SQLITE_PREPARE_PERSISTENT, &st[k], NULL) != SQLITE_OK) {
			fprintf(stderr, "cannot prepare (%s): %.200s\n", sqlite3_errmsg(db), line);
			return 1;
		}
		k++;
	}
	free(line);
	fclose(f);
	if (!k || n < 1) {
		fprintf(stderr, "no statement in %s, or N < 1\n", argv[2]);
		return 1;
	}
	size_t bytes = 0; /* read, so that no column is skipped */
	for (int pass = 0; pass < 2; pass++) { /* the first pass warms the page cache */
		int runs = pass ? n : 1 + n / 10;
		double t0 = cpu_us();
		for (int r = 0; r < runs; r++) {
			for (int i = 0; i < k; i++) {
				int rc;
				while ((rc = sqlite3_step(st[i])) == SQLITE_ROW) {
					int nc = sqlite3_column_count(st[i]);
					for (int c = 0; c < nc && c < 64; c++) {
						if (!type[i][c] && sqlite3_column_type(st[i], c) != SQLITE_NULL) type[i][c] = (signed char)sqlite3_column_type(st[i], c);
						switch (type[i][c]) {
						case SQLITE_INTEGER: bytes += (size_t)sqlite3_column_int64(st[i], c) & 1; break;
						case SQLITE_FLOAT: bytes += sqlite3_column_double(st[i], c) > 0; break;
						case SQLITE_TEXT:
							if (sqlite3_column_text(st[i], c)) bytes += (size_t)sqlite3_column_bytes(st[i], c);
							break;
						case SQLITE_BLOB:
							if (sqlite3_column_blob(st[i], c)) bytes += (size_t)sqlite3_column_bytes(st[i], c);
							break;
						default: break;
						}
					}
				}
				if (rc != SQLITE_DONE) {
					fprintf(stderr, "statement %d: %s\n", i + 1, sqlite3_errmsg(db));
					return 1;
				}
				sqlite3_reset(st[i]);
			}
		}
		if (pass) printf("%.1f\n", (cpu_us() - t0) / n);
	}
	for (int i = 0; i < k; i++) sqlite3_finalize(st[i]);
	sqlite3_close(db);
	return bytes == (size_t)-1; /* never: keeps the reads from being optimised away */
}
