/* make bench-clusters: the ranking and the bias report of the bench's bloc
** (bench/clusters.sql: 500 members × 300 criteria, 11 cards a member),
** computed from scratch by thidua's own code, as a page or the API does:
** the year (members, sheet), the submitted cards and their points, the
** trimmed mean, the ranking, the bias report. Prints the best of 5 runs in
** milliseconds, and the first place as a check against the sqlite3 shell. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "base/db.h"
#include "clusters/clusters.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: clusters_bench DB\n"); return 2; }
	struct db *db;
	if (db_open(&db, argv[1], 0) != DB_OK) { fprintf(stderr, "cannot open %s\n", argv[1]); return 1; }
	int64_t cy = 0;
	db_int1(db, &cy, "SELECT y.id FROM cluster_years y JOIN clusters c ON c.id = y.cluster_id WHERE c.code = 'KHOI-BENCH'", "");
	double best = 1e18;
	for (int run = 0; run < 5; run++) {
		struct arena a;
		arena_init(&a);
		double t0 = now_ms();
		struct cyear *y;
		struct ranking *k;
		if (cyear_get_id(db, &a, cy, &y) != E_OK || cluster_ranking(db, &a, y, &k) != E_OK) { fprintf(stderr, "ranking failed\n"); return 1; }
		double t = now_ms() - t0;
		if (t < best) best = t;
		if (run == 0)
			printf("first %s %.2f; %lld cards; %d scorers in the bias report; the first scorer's z %.3f\n", k->rows[0].unit.code, k->rows[0].r.total,
			       (long long)k->submitted, k->nbias, k->nbias ? k->bias[0].b.z : 0.0);
		arena_free(&a);
	}
	printf("thidua ranking + bias from scratch: %.0f ms (best of 5)\n", best);
	db_close(db);
	return 0;
}
