/* bench/indicators.sh: entering one value of a commune and reading the
** province's figure back, in the process (no HTTP): indicators_enter() (the
** value, its history row, the roll-up of every ancestor, the rules, the audit
** row, the commit) then indicator_value() of the root, N times on the
** benchmark's database. Prints the mean, median and 95th percentile in µs.
**   ind_entry DB FIRST_UNIT LAST_UNIT ROOT N */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "indicators/indicators.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6) return 2;
	struct db *db;
	if (db_open(&db, argv[1], 0) != DB_OK) return 1;
	int64_t first = atoll(argv[2]), last = atoll(argv[3]), root = atoll(argv[4]);
	int n = atoi(argv[5]);
	double *t = calloc((size_t)n, sizeof *t), before = -1;
	srand(7);
	for (int k = 0; k < n; k++) {
		struct arena a;
		arena_init(&a);
		struct ind_entry e = { .code = "i01", .has_value = 1, .value = 2000 + k };
		struct field_errors fe = { 0 };
		struct ind_check chk;
		int64_t unit = first + rand() % (last - first + 1);
		double v = 0, t0 = now();
		if (indicators_enter(db, &a, &auth_system, unit, "2025", &e, 1, "en", &fe, &chk) != E_OK ||
		    indicator_value(db, "i01", root, "2025", &v) != E_OK || v == before) {
			fprintf(stderr, "entry %d failed\n", k);
			return 1;
		}
		t[k] = (now() - t0) * 1e6;
		before = v;
		arena_free(&a);
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	double sum = 0;
	for (int k = 0; k < n; k++) sum += t[k];
	printf("%.0f %.0f %.0f\n", sum / n, t[n / 2], t[n * 95 / 100]);
	db_close(db);
	return 0;
}
