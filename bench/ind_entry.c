/* bench/indicators.sh: entering one value of a commune and reading the
** province's figure back, in the process (no HTTP): indicators_enter() (the
** value, its history row, the roll-up of every ancestor, the rules, the audit
** row, the commit) then indicator_value() of the root, N times on the
** benchmark's database.
**
** Where a slow entry's time goes: for each entry the wall time, the thread's
** CPU time, its voluntary context switches (it waited: an fsync, a lock) and
** involuntary ones (the scheduler took the core away: the machine's load),
** and whether SQLite's write-ahead log restarted in it (a checkpoint ran:
** the WAL header's checkpoint sequence number moved). Prints three lines:
**   wall µs: mean p50 p95
**   cpu µs: mean p50 p95
**   slow N (entries over 2 × the median wall time) ckpt K (of them, at a
**   checkpoint) excess P% (their time over the median, of all the time)
**   slow_cpu µs slow_vcsw slow_ivcsw all_vcsw all_ivcsw (means per entry)
** then the same N entries again with PRAGMA synchronous=NORMAL (no fsync of
** the log at each commit; the product keeps FULL), a fourth line:
**   wall µs: mean p50 p95, voluntary switches per entry
**   ind_entry DB FIRST_UNIT LAST_UNIT ROOT N */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "indicators/indicators.h"

static double clock_us(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* the WAL header's checkpoint sequence number (bytes 12..15, big-endian); 0 when none */
static uint32_t wal_seq(const char *wal)
{
	unsigned char h[16];
	FILE *f = fopen(wal, "rb");
	if (!f) return 0;
	size_t n = fread(h, 1, sizeof h, f);
	fclose(f);
	return n == sizeof h ? (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15] : 0;
}

static void stats(const double *x, int n, double *mean, double *p50, double *p95)
{
	double *s = malloc(sizeof *s * (size_t)n), sum = 0;
	memcpy(s, x, sizeof *s * (size_t)n);
	qsort(s, (size_t)n, sizeof *s, cmp);
	for (int k = 0; k < n; k++) sum += s[k];
	*mean = sum / n;
	*p50 = s[n / 2];
	*p95 = s[n * 95 / 100];
	free(s);
}

/* n entries of random communes, each then the root's figure: per entry its times, switches and whether the WAL restarted */
static int run(struct db *db, const char *wal, int64_t first, int64_t last, int64_t root, int n, double base, double *wall, double *cpu,
	       long *vcsw, long *ivcsw, int *ckpt)
{
	double before = -1;
	srand(7);
	uint32_t seq = wal_seq(wal);
	for (int k = 0; k < n; k++) {
		struct arena a;
		arena_init(&a);
		struct ind_entry e = { .code = "i01", .has_value = 1, .value = base + k };
		struct field_errors fe = { 0 };
		struct ind_check chk;
		int64_t unit = first + rand() % (last - first + 1);
		double v = 0;
		struct rusage r0, r1;
		getrusage(RUSAGE_THREAD, &r0);
		double t0 = clock_us(CLOCK_MONOTONIC), c0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
		if (indicators_enter(db, &a, &auth_system, unit, "2025", &e, 1, "en", &fe, &chk) != E_OK ||
		    indicator_value(db, "i01", root, "2025", &v) != E_OK || v == before) {
			fprintf(stderr, "entry %d failed\n", k);
			return -1;
		}
		wall[k] = clock_us(CLOCK_MONOTONIC) - t0;
		cpu[k] = clock_us(CLOCK_THREAD_CPUTIME_ID) - c0;
		getrusage(RUSAGE_THREAD, &r1);
		vcsw[k] = r1.ru_nvcsw - r0.ru_nvcsw;
		ivcsw[k] = r1.ru_nivcsw - r0.ru_nivcsw;
		uint32_t s = wal_seq(wal);
		ckpt[k] = s != seq;
		seq = s;
		before = v;
		arena_free(&a);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 6) return 2;
	struct db *db;
	if (db_open(&db, argv[1], 0) != DB_OK) return 1;
	int64_t first = atoll(argv[2]), last = atoll(argv[3]), root = atoll(argv[4]);
	int n = atoi(argv[5]);
	char wal[4096];
	snprintf(wal, sizeof wal, "%s-wal", argv[1]);
	double *wall = calloc((size_t)n, sizeof *wall), *cpu = calloc((size_t)n, sizeof *cpu);
	long *vcsw = calloc((size_t)n, sizeof *vcsw), *ivcsw = calloc((size_t)n, sizeof *ivcsw);
	int *ckpt = calloc((size_t)n, sizeof *ckpt);
	/* values no earlier run entered, so that each entry moves the root's figure on a database used before */
	double base = (double)(time(NULL) % 1000000) * 1000;
	if (run(db, wal, first, last, root, n, base, wall, cpu, vcsw, ivcsw, ckpt) != 0) return 1;
	double mean, p50, p95, cmean, c50, c95;
	stats(wall, n, &mean, &p50, &p95);
	stats(cpu, n, &cmean, &c50, &c95);
	int slow = 0, slow_ckpt = 0;
	double excess = 0, total = 0, slow_cpu = 0, slow_v = 0, slow_iv = 0, all_v = 0, all_iv = 0;
	for (int k = 0; k < n; k++) {
		total += wall[k];
		all_v += vcsw[k];
		all_iv += ivcsw[k];
		if (wall[k] <= 2 * p50) continue;
		slow++;
		/* the checkpoint runs after the commit that filled the log, the restart is seen at the next entry */
		slow_ckpt += ckpt[k] || (k + 1 < n && ckpt[k + 1]);
		excess += wall[k] - p50;
		slow_cpu += cpu[k];
		slow_v += vcsw[k];
		slow_iv += ivcsw[k];
	}
	printf("%.0f %.0f %.0f\n", mean, p50, p95);
	printf("%.0f %.0f %.0f\n", cmean, c50, c95);
	printf("%d %d %.0f %.0f %.1f %.1f %.2f %.2f\n", slow, slow_ckpt, 100 * excess / total, slow ? slow_cpu / slow : 0, slow ? slow_v / slow : 0,
	       slow ? slow_iv / slow : 0, all_v / n, all_iv / n);
	/* the same without the fsync of the log at each commit */
	if (db_script(db, "PRAGMA synchronous=NORMAL") != DB_OK) return 1;
	if (run(db, wal, first, last, root, n, base + 500, wall, cpu, vcsw, ivcsw, ckpt) != 0) return 1;
	stats(wall, n, &mean, &p50, &p95);
	all_v = 0;
	for (int k = 0; k < n; k++) all_v += vcsw[k];
	printf("%.0f %.0f %.0f %.2f\n", mean, p50, p95, all_v / n);
	db_close(db);
	return 0;
}
