/* Clusters (issue 11): the scoring methods, the bias report, the tie-breaks,
** self-scoring refused, the lock and reopen, the rotation and the agreement
** signature, on SQLite (and PostgreSQL with THIDUA_TEST_PG). The numbers
** are worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <math.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "clusters/clusters.h"
#include "clusters/scoring.h"
#include "decisions/decisions.h"
#include "units/units.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"

struct fx {
	char path[300];
	struct db *db;
	struct arena a;
	int64_t vn, org, u[5];
	struct user officer, reporter_a;
};

static const char *const codes[5] = { "P-A", "P-B", "P-C", "P-D", "P-E" };

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "clusters", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->org = fixture_unit(f->db, "HD-TW", "Hội đồng Thi đua – Khen thưởng Trung ương", "central", f->vn);
	const char *names[5] = { "Tỉnh A", "Tỉnh B", "Tỉnh C", "Tỉnh D", "Tỉnh E" };
	for (int i = 0; i < 5; i++) f->u[i] = fixture_unit(f->db, codes[i], names[i], "province", f->vn);
	fixture_grant(f->db, &f->a, &f->officer, "tw.officer", ROLE_OFFICER, f->vn);
	fixture_grant(f->db, &f->a, &f->reporter_a, "a.reporter", ROLE_REPORTER, f->u[0]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fixture_db_remove(f->db, f->path);
	arena_free(&f->a);
	free(f);
	return 0;
}

/* a cluster of the first n provinces for 2023 with the sheet given */
static int64_t make_year(struct fx *f, int n, const char *cross, const char *method, int64_t trim, int leader, int deputy,
			 const struct crit_in *crit, int ncrit)
{
	struct field_errors fe = { 0 };
	struct cluster_in c = { .code = "CUM-X", .name = "Cụm thi đua X", .kind = "cluster", .organiser_id = f->org };
	int64_t cid = 0, cy = 0;
	assert_int_equal(clusters_create(f->db, &f->officer, &c, &fe, &cid), E_OK);
	struct cyear_in in = { .members_set = 1, .members = f->u, .nmembers = n, .cross_mode = cross, .method = method, .trim = trim,
			       .leader_set = leader >= 0, .leader_id = leader >= 0 ? f->u[leader] : 0,
			       .deputy_set = deputy >= 0, .deputy_id = deputy >= 0 ? f->u[deputy] : 0 };
	assert_int_equal(cyear_save(f->db, &f->officer, cid, 2023, 0, &in, &fe, &cy), E_OK);
	int64_t version = 0;
	db_int1(f->db, &version, "SELECT version FROM cluster_years WHERE id = $1", "i", cy);
	assert_int_equal(cyear_criteria_set(f->db, &f->officer, cy, version, crit, ncrit, &fe), E_OK);
	return cy;
}

/* a submitted cross card: points of the criteria in sheet order */
static void card(struct fx *f, int64_t cy, int scorer, int target, const char *const *crit, const int64_t *points, int n)
{
	struct score_in in[8];
	for (int i = 0; i < n; i++) in[i] = (struct score_in){ .code = crit[i], .has_points = 1, .points_c = points[i] * 100 };
	struct field_errors fe = { 0 };
	int64_t id = 0, version = 0;
	assert_int_equal(scorecards_save(f->db, &f->officer, cy, f->u[scorer], f->u[target], scorer == target ? "self" : "cross", 0, in, n, &fe, &id), E_OK);
	db_int1(f->db, &version, "SELECT version FROM cluster_scorecards WHERE id = $1", "i", id);
	assert_int_equal(scorecards_submit(f->db, &f->officer, id, version, &fe), E_OK);
}

static struct ranking *rank(struct fx *f, int64_t cy)
{
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	struct ranking *k;
	assert_int_equal(cluster_ranking(f->db, &f->a, y, &k), E_OK);
	return k;
}

static const struct rank_row *row_of(const struct ranking *k, const char *code)
{
	for (int i = 0; i < k->n; i++)
		if (!strcmp(k->rows[i].unit.code, code)) return &k->rows[i];
	fail_msg("no row %s", code);
	return NULL;
}

static const struct bias_row *bias_of(const struct ranking *k, const char *code)
{
	for (int i = 0; i < k->nbias; i++)
		if (!strcmp(k->bias[i].unit.code, code)) return &k->bias[i];
	fail_msg("no bias row %s", code);
	return NULL;
}

/* The worked example: four members, each scores the three others on one
** criterion T (max 100). Totals given (rows: scorer; columns: target):
**        A    B    C    D
**   A    -   80   70   90
**   B   85    -   72   88
**   C   60   65    -   70      C is harsh
**   D   86   82   74    -
*/
static const int64_t example[4][4] = { { 0, 80, 70, 90 }, { 85, 0, 72, 88 }, { 60, 65, 0, 70 }, { 86, 82, 74, 0 } };
static const struct crit_in one_crit[] = { { .code = "T", .title = "Tổng hợp", .kind = "score", .max_c = 10000 } };

static int64_t example_year(struct fx *f, const char *method, int64_t trim)
{
	int64_t cy = make_year(f, 4, "all", method, trim, 0, 1, one_crit, 1);
	const char *t[] = { "T" };
	for (int s = 0; s < 4; s++)
		for (int x = 0; x < 4; x++)
			if (s != x) card(f, cy, s, x, t, &example[s][x], 1);
	return cy;
}

static void test_mean_and_bias(void **state)
{
	struct fx *f = *state;
	struct ranking *k = rank(f, example_year(f, "mean", 1));
	/* means: A (85+60+86)/3 = 77, B (80+65+82)/3 = 75.67, C (70+72+74)/3 = 72, D (90+88+70)/3 = 82.67 */
	assert_string_equal(k->rows[0].unit.code, "P-D");
	assert_string_equal(k->rows[1].unit.code, "P-A");
	assert_string_equal(k->rows[2].unit.code, "P-B");
	assert_string_equal(k->rows[3].unit.code, "P-C");
	assert_int_equal(row_of(k, "P-A")->r.sum_c, 23100);
	assert_int_equal(row_of(k, "P-A")->r.nused, 3);
	assert_true(fabs(row_of(k, "P-B")->r.total - 75.6667) < 1e-3);
	assert_true(fabs(row_of(k, "P-D")->r.total - 82.6667) < 1e-3);
	assert_int_equal(row_of(k, "P-C")->r.place, 4);
	assert_int_equal(row_of(k, "P-C")->r.reason, RR_POINTS);
	assert_int_equal(k->submitted, 12);
	assert_int_equal(k->expected, 12);
	/* bias: each card against the mean of the other two cards of its target
	**   A: B 80-(65+82)/2 = 6.5, C 70-(72+74)/2 = -3, D 90-(88+70)/2 = 11     → mean 14.5/3 = 4.8333
	**   B: A 85-(60+86)/2 = 12,  C 72-(70+74)/2 = 0,  D 88-(90+70)/2 = 8      → mean 20/3   = 6.6667
	**   C: A 60-(85+86)/2 = -25.5, B 65-(80+82)/2 = -16, D 70-(90+88)/2 = -19 → mean -60.5/3 = -20.1667
	**   D: A 86-(85+60)/2 = 13.5, B 82-(80+65)/2 = 9.5, C 74-(70+72)/2 = 3    → mean 26/3   = 8.6667
	** their mean is 0, their standard deviation sqrt(19786)/12 = 11.7219, so
	** z = 0.412, 0.569, -1.720, 0.739 */
	assert_int_equal(k->nbias, 4);
	assert_true(fabs(bias_of(k, "P-A")->b.mean_diff - 4.8333) < 1e-3);
	assert_true(fabs(bias_of(k, "P-B")->b.mean_diff - 6.6667) < 1e-3);
	assert_true(fabs(bias_of(k, "P-C")->b.mean_diff + 20.1667) < 1e-3);
	assert_true(fabs(bias_of(k, "P-D")->b.mean_diff - 8.6667) < 1e-3);
	assert_true(fabs(bias_of(k, "P-A")->b.z - 0.412) < 5e-4);
	assert_true(fabs(bias_of(k, "P-B")->b.z - 0.569) < 5e-4);
	assert_true(fabs(bias_of(k, "P-C")->b.z + 1.720) < 5e-4);
	assert_true(fabs(bias_of(k, "P-D")->b.z - 0.739) < 5e-4);
	assert_int_equal(bias_of(k, "P-C")->b.ntargets, 3);
}

static void test_trimmed_mean(void **state)
{
	struct fx *f = *state;
	/* trim 1 drops each member's highest and lowest card: A keeps 85, B 80, C 72, D 88 */
	struct ranking *k = rank(f, example_year(f, "trimmed", 1));
	assert_string_equal(k->rows[0].unit.code, "P-D");
	assert_true(fabs(row_of(k, "P-D")->r.total - 88) < 1e-9);
	assert_true(fabs(row_of(k, "P-A")->r.total - 85) < 1e-9);
	assert_true(fabs(row_of(k, "P-B")->r.total - 80) < 1e-9);
	assert_true(fabs(row_of(k, "P-C")->r.total - 72) < 1e-9);
	assert_int_equal(row_of(k, "P-A")->r.nused, 1);
	assert_int_equal(row_of(k, "P-B")->r.place, 3);
}

static void test_leader_method(void **state)
{
	struct fx *f = *state;
	/* the leader A's cards count, the deputy B's for A: A 85 (by B), B 80, C 70, D 90 */
	struct ranking *k = rank(f, example_year(f, "leader", 0));
	assert_true(fabs(row_of(k, "P-A")->r.total - 85) < 1e-9);
	assert_true(fabs(row_of(k, "P-B")->r.total - 80) < 1e-9);
	assert_true(fabs(row_of(k, "P-C")->r.total - 70) < 1e-9);
	assert_true(fabs(row_of(k, "P-D")->r.total - 90) < 1e-9);
	assert_string_equal(k->rows[0].unit.code, "P-D");
}

/* Tie-breaks: the leader A scores B..E, the deputy B scores A, on C1, C2
** (score, max 10) and B1 (bonus, max 5):
**   A 10 10 0 = 20            first by points
**   B 10  5 3 = 18, 1 at max  second: fewer points than A
**   C  9  7 2 = 18, 0 at max  third: equal points with B, fewer criteria at maximum
**   D  8  9 1 = 18            fourth: equal with C so far, less bonus (1 against 2)
**   D  8  9 1 = 18            D and E tie: the same place until the organiser decides
**   E  9  8 1 = 18 */
static void test_tie_breaks(void **state)
{
	struct fx *f = *state;
	const struct crit_in crit[] = {
		{ .code = "G", .title = "Nhóm", .kind = "group" },
		{ .code = "C1", .title = "Một", .kind = "score", .max_c = 1000, .parent_code = "G" },
		{ .code = "C2", .title = "Hai", .kind = "score", .max_c = 1000, .parent_code = "G" },
		{ .code = "B1", .title = "Thưởng", .kind = "bonus", .max_c = 500 },
	};
	int64_t cy = make_year(f, 5, "leader", "leader", 0, 0, 1, crit, 4);
	const char *c[] = { "C1", "C2", "B1" };
	const int64_t p[5][3] = { { 10, 10, 0 }, { 10, 5, 3 }, { 9, 7, 2 }, { 8, 9, 1 }, { 9, 8, 1 } };
	card(f, cy, 1, 0, c, p[0], 3);
	for (int t = 1; t < 5; t++) card(f, cy, 0, t, c, p[t], 3);
	struct ranking *k = rank(f, cy);
	assert_int_equal(row_of(k, "P-A")->r.place, 1);
	assert_int_equal(row_of(k, "P-A")->r.at_max, 2);
	assert_int_equal(row_of(k, "P-B")->r.place, 2);
	assert_int_equal(row_of(k, "P-B")->r.reason, RR_POINTS); /* each reason is against the member just above */
	assert_int_equal(row_of(k, "P-C")->r.place, 3);
	assert_int_equal(row_of(k, "P-C")->r.reason, RR_AT_MAX);
	assert_int_equal(row_of(k, "P-D")->r.place, 4);
	assert_int_equal(row_of(k, "P-D")->r.reason, RR_BONUS);
	assert_int_equal(row_of(k, "P-E")->r.place, 4);
	assert_int_equal(row_of(k, "P-E")->r.reason, RR_TIED);
	/* the organiser puts E before D, with a reason */
	struct field_errors fe = { 0 };
	assert_int_equal(cyear_tiebreak_set(f->db, &f->officer, cy, f->u[4], 1, "", &fe), E_INVALID);
	fe.n = 0;
	assert_int_equal(cyear_tiebreak_set(f->db, &f->reporter_a, cy, f->u[4], 1, "x", &fe), E_FORBIDDEN);
	assert_int_equal(cyear_tiebreak_set(f->db, &f->officer, cy, f->u[4], 1, "Quy mô dân số lớn hơn", &fe), E_OK);
	assert_int_equal(cyear_tiebreak_set(f->db, &f->officer, cy, f->u[3], 2, "Quy mô dân số nhỏ hơn", &fe), E_OK);
	k = rank(f, cy);
	assert_string_equal(k->rows[3].unit.code, "P-E");
	assert_int_equal(row_of(k, "P-E")->r.place, 4);
	assert_int_equal(row_of(k, "P-E")->r.reason, RR_BONUS);
	assert_int_equal(row_of(k, "P-D")->r.place, 5);
	assert_int_equal(row_of(k, "P-D")->r.reason, RR_ORGANISER);
	assert_string_equal(row_of(k, "P-D")->decision, "Quy mô dân số nhỏ hơn");
	/* the group's maximum is the sum of its criteria, the sheet's total 20 */
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	assert_int_equal(y->crit[0].max_c, 2000);
	assert_int_equal(y->max_total_c, 2000);
}

static void test_refusals_lock_reopen(void **state)
{
	struct fx *f = *state;
	int64_t cy = make_year(f, 3, "all", "mean", 1, 0, 1, one_crit, 1);
	struct score_in in = { .code = "T", .has_points = 1, .points_c = 9000 };
	struct field_errors fe = { 0 };
	int64_t id = 0;
	/* a member never cross-scores itself */
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[0], f->u[0], "cross", 0, &in, 1, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "target"), "A member never cross-scores itself: its own card is the self-assessment");
	/* its self-assessment is fine; A's reporter cannot score for B */
	fe.n = 0;
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[0], f->u[0], "self", 0, &in, 1, &fe, &id), E_OK);
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[1], f->u[2], "cross", 0, &in, 1, &fe, &id), E_FORBIDDEN);
	/* more than the maximum */
	in.points_c = 10001;
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[0], f->u[1], "cross", 0, &in, 1, &fe, &id), E_INVALID);
	fe.n = 0;
	in.points_c = 8050;
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[0], f->u[1], "cross", 0, &in, 1, &fe, &id), E_OK);
	struct scorecard *c;
	assert_int_equal(scorecards_get(f->db, &f->a, id, &c), E_OK);
	assert_int_equal(c->total_c, 8050);
	assert_int_equal(scorecards_submit(f->db, &f->reporter_a, id, c->version, &fe), E_OK);
	/* locked: no change, and only the organiser reopens, with a reason */
	assert_int_equal(scorecards_save(f->db, &f->reporter_a, cy, f->u[0], f->u[1], "cross", c->version + 1, &in, 1, &fe, &id), E_STATE);
	fe.n = 0;
	assert_int_equal(scorecards_reopen(f->db, &f->reporter_a, id, c->version + 1, "sai số", &fe), E_FORBIDDEN);
	assert_int_equal(scorecards_reopen(f->db, &f->officer, id, c->version + 1, "", &fe), E_INVALID);
	fe.n = 0;
	assert_int_equal(scorecards_reopen(f->db, &f->officer, id, c->version + 1, "Nhập nhầm điểm tiêu chí T", &fe), E_OK);
	int64_t n = 0;
	db_int1(f->db, &n, "SELECT count(*) FROM audit_log WHERE entity = 'scorecard' AND action = 'reopen' AND note = 'Nhập nhầm điểm tiêu chí T'", "");
	assert_int_equal(n, 1);
	/* the sheet is fixed once scoring started */
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	assert_int_equal(cyear_criteria_set(f->db, &f->officer, cy, y->version, one_crit, 1, &fe), E_STATE);
}

static void test_rotation(void **state)
{
	struct fx *f = *state;
	int64_t cy = make_year(f, 5, "all", "mean", 1, 4, 3, one_crit, 1);
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	struct field_errors fe = { 0 };
	assert_int_equal(cyear_rotation_propose(f->db, &f->officer, cy, y->version, f->u[2], f->u[2], NULL, &fe), E_INVALID);
	fe.n = 0;
	assert_int_equal(cyear_rotation_propose(f->db, &f->officer, cy, y->version, f->u[2], f->u[0], "Luân phiên", &fe), E_OK);
	assert_int_equal(cyear_rotation_confirm(f->db, &f->officer, cy, y->version + 1, &fe), E_OK);
	struct cyear *next;
	assert_int_equal(cyear_get(f->db, &f->a, y->cluster_id, 2024, &next), E_OK);
	assert_string_equal(next->leader.code, "P-C");
	assert_string_equal(next->deputy.code, "P-A");
	assert_int_equal(next->nmembers, 5);
	assert_int_equal(next->ncrit, 1);
	/* 2023 keeps its own leader */
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	assert_string_equal(y->leader.code, "P-E");
	assert_non_null(y->rotation_confirmed_at);
}

static void test_agreement_signature(void **state)
{
	struct fx *f = *state;
	unsigned char key[32];
	memset(key, 7, sizeof key);
	signing_master_key_set(key);
	int64_t cy = make_year(f, 3, "all", "mean", 1, 0, 1, one_crit, 1);
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	struct field_errors fe = { 0 };
	struct cyear_in in = { .trim = -1, .agreement_title = "Giao ước thi đua năm 2024", .agreement_text = "Các tỉnh cam kết thi đua hoàn thành xuất sắc nhiệm vụ." };
	int64_t id;
	assert_int_equal(cyear_save(f->db, &f->officer, y->cluster_id, 2023, y->version, &in, &fe, &id), E_OK);
	assert_int_equal(agreement_sign(f->db, &f->reporter_a, cy, f->u[1], &fe), E_FORBIDDEN);
	assert_int_equal(agreement_sign(f->db, &f->reporter_a, cy, f->u[0], &fe), E_OK);
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	struct signature *s;
	int n;
	assert_int_equal(agreement_signatures(f->db, &f->a, y, &s, &n), E_OK);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].status, "valid");
	assert_non_null(strstr(s[0].payload, "text=Các tỉnh cam kết thi đua hoàn thành xuất sắc nhiệm vụ.\n"));
	/* one character changed: the signature no longer matches */
	in.agreement_title = NULL;
	in.agreement_text = "Các tỉnh cam kết thi đua hoàn thành xuất sắc nhiệm vụ!";
	assert_int_equal(cyear_save(f->db, &f->officer, y->cluster_id, 2023, y->version, &in, &fe, &id), E_OK);
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	assert_int_equal(agreement_signatures(f->db, &f->a, y, &s, &n), E_OK);
	assert_string_equal(s[0].status, "changed");
	signing_master_key_set(NULL);
}

/* the codes of the sheet in order, with their depth: "G:0 G.1:1 T:0" */
static const char *sheet_codes(struct fx *f, int64_t cy, int64_t *version, int64_t *max_total)
{
	struct cyear *y;
	assert_int_equal(cyear_get_id(f->db, &f->a, cy, &y), E_OK);
	char *out = arena_alloc(&f->a, 512);
	out[0] = 0;
	for (int i = 0; i < y->ncrit; i++)
		snprintf(out + strlen(out), 512 - strlen(out), "%s%s:%d", i ? " " : "", y->crit[i].code, y->crit[i].depth);
	*version = y->version;
	if (max_total) *max_total = y->max_total_c;
	return out;
}

/* The criterion editor of the year's page: one change at a time, through the
** sheet's own checks; groups move with their criteria; a removed group's
** criteria move up; a group under its own criterion is refused; stale and
** started sheets are refused. */
static void test_sheet_editor(void **state)
{
	struct fx *f = *state;
	int64_t cy = make_year(f, 2, "all", "mean", 1, -1, -1, one_crit, 1), v, total;
	struct field_errors fe = { 0 };
	assert_string_equal(sheet_codes(f, cy, &v, &total), "T:0");
	struct crit_in g = { .code = "G", .title = "Nhóm", .kind = "group" };
	struct crit_in g1 = { .code = "G.1", .title = "Một", .kind = "score", .max_c = 250, .parent_code = "G" };
	struct crit_in g2 = { .code = "G.2", .title = "Hai", .kind = "score", .max_c = 500, .parent_code = "G" };
	struct crit_in h = { .code = "H", .title = "Nhóm H", .kind = "group" };
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, NULL, &g, &fe), E_OK);
	sheet_codes(f, cy, &v, NULL);
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, "", &g1, &fe), E_OK);
	sheet_codes(f, cy, &v, NULL);
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, NULL, &h, &fe), E_OK);
	sheet_codes(f, cy, &v, NULL);
	/* added under G while H is after it: G's criteria stay together */
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, NULL, &g2, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, &total), "T:0 G:0 G.1:1 G.2:1 H:0");
	assert_int_equal(total, 10000 + 250 + 500);
	/* G moved up takes its criteria; G.2 moved up within G */
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_UP, "G", NULL, &fe), E_OK);
	sheet_codes(f, cy, &v, NULL);
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_UP, "G.2", NULL, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, NULL), "G:0 G.2:1 G.1:1 T:0 H:0");
	/* the first cannot go higher: unchanged, saved */
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_UP, "G", NULL, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, NULL), "G:0 G.2:1 G.1:1 T:0 H:0");
	/* G.1 renamed and moved into H: last there */
	struct crit_in g1h = { .code = "H.1", .title = "Một", .kind = "score", .max_c = 300, .parent_code = "H" };
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, "G.1", &g1h, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, &total), "G:0 G.2:1 T:0 H:0 H.1:1");
	assert_int_equal(total, 10000 + 500 + 300);
	/* H moved under G, with H.1; then G under H (its own criterion): refused by the sheet's check, nothing changed */
	struct crit_in hh = { .code = "H", .title = "Nhóm H", .kind = "group", .parent_code = "G" };
	struct crit_in loop = { .code = "G", .title = "Nhóm", .kind = "group", .parent_code = "H" };
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, "H", &hh, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, NULL), "G:0 G.2:1 H:1 H.1:2 T:0");
	fe.n = 0;
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_SAVE, "G", &loop, &fe), E_INVALID);
	assert_int_equal(fe.n, 1);
	assert_string_equal(sheet_codes(f, cy, &v, NULL), "G:0 G.2:1 H:1 H.1:2 T:0");
	/* G removed: its criteria move up a level */
	fe.n = 0;
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_REMOVE, "G", NULL, &fe), E_OK);
	assert_string_equal(sheet_codes(f, cy, &v, NULL), "G.2:0 H:0 H.1:1 T:0");
	/* no such criterion, a stale version, a reporter */
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_REMOVE, "Z", NULL, &fe), E_INVALID);
	fe.n = 0;
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v - 1, CRIT_REMOVE, "T", NULL, &fe), E_CONFLICT);
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->reporter_a, cy, v, CRIT_REMOVE, "T", NULL, &fe), E_FORBIDDEN);
	/* once a card exists the sheet is fixed */
	struct score_in sc = { .code = "T", .has_points = 1, .points_c = 5000 };
	int64_t card_id;
	assert_int_equal(scorecards_save(f->db, &f->officer, cy, f->u[0], f->u[1], "cross", 0, &sc, 1, &fe, &card_id), E_OK);
	sheet_codes(f, cy, &v, NULL);
	assert_int_equal(cyear_criterion_change(f->db, &f->a, &f->officer, cy, v, CRIT_REMOVE, "T", NULL, &fe), E_STATE);
}

/* the pure functions alone: an unscored member is not ranked; no cards, no bias */
static void test_pure_edges(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	int kind[1] = { CK_SCORE };
	int64_t max_c[1] = { 1000 }, p0[1] = { 500 };
	struct sc_sheet sheet = { 1, kind, max_c };
	struct sc_card cards[1] = { { .scorer = 1, .target = 0, .total_c = 500, .points_c = p0 } };
	struct sc_result res[2];
	int order[2];
	assert_int_equal(sc_final(&sheet, cards, 1, 2, SM_TRIMMED, 1, -1, -1, &a, res), 0);
	/* one card and trim 1: nothing left to drop, the card counts */
	assert_int_equal(res[0].nused, 1);
	sc_rank(res, 2, NULL, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(res[0].place, 1);
	assert_int_equal(res[0].reason, RR_ALONE);
	assert_int_equal(res[1].place, 0);
	assert_int_equal(res[1].reason, RR_UNSCORED);
	struct sc_bias b[2];
	int nb = -1;
	sc_bias(cards, 1, 2, b, &nb);
	assert_int_equal(nb, 0);
	arena_free(&a);
}

/* A cluster's members are units of the organiser's scope (its parent's
** subtree): a steering committee under P-A organises P-A's units, never
** P-B; the sheet's texts are bounded and without control characters. */
static void test_scope_and_texts(void **state)
{
	struct fx *f = *state;
	int64_t bcd = fixture_unit(f->db, "PA-BCD", "Ban Chỉ đạo tỉnh A", "agency", f->u[0]);
	int64_t dept = fixture_unit(f->db, "PA-S", "Sở Một tỉnh A", "department", f->u[0]);
	struct field_errors fe = { 0 };
	struct cluster_in c = { .code = "CUM-PA", .name = "Cụm của Ban Chỉ đạo", .kind = "cluster", .organiser_id = bcd };
	int64_t cid = 0, cy = 0, n = 0;
	assert_int_equal(clusters_create(f->db, &f->officer, &c, &fe, &cid), E_OK);
	int64_t outside[2] = { bcd, f->u[1] };
	struct cyear_in in = { .members_set = 1, .members = outside, .nmembers = 2, .trim = -1 };
	assert_int_equal(cyear_save(f->db, &f->officer, cid, 2023, 0, &in, &fe, &cy), E_INVALID);
	assert_string_equal(fe_get(&fe, "members"), "A member must be a unit within the organiser's scope: its parent unit and the units under it");
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM cluster_years WHERE cluster_id = $1", "i", cid), DB_ROW);
	assert_int_equal(n, 0);
	int64_t inside[3] = { bcd, dept, f->u[0] };
	in.members = inside;
	in.nmembers = 3;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(cyear_save(f->db, &f->officer, cid, 2023, 0, &in, &fe, &cy), E_OK);
	/* the scope on paths: the organiser's parent's subtree, a root's own */
	struct cluster k = { .organiser = { .id = 1, .path = "/1/7/42/" } };
	assert_true(clusters_in_scope(&k, "/1/7/"));
	assert_true(clusters_in_scope(&k, "/1/7/50/3/"));
	assert_false(clusters_in_scope(&k, "/1/8/"));
	assert_false(clusters_in_scope(&k, "/1/70/"));
	assert_false(clusters_in_scope(&k, "/1/"));
	k.organiser.path = "/1/";
	assert_true(clusters_in_scope(&k, "/1/5/"));
	assert_false(clusters_in_scope(&k, "/2/"));
	/* the sheet's texts: the criterion named, the reason given */
	char *long_title = malloc(200001);
	memset(long_title, 'x', 200000);
	long_title[200000] = 0;
	const struct { const char *title, *evidence, *why; } bad[] = {
		{ long_title, NULL, "A criterion's title is too long (at most 500 characters)" },
		{ "Đỏ \x1b[31m", NULL, "A criterion's title must be one line without control characters" },
		{ "Tiêu chí", "Báo cáo\x07", "The evidence a criterion asks for must not contain control characters (line breaks are allowed)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct crit_in one = { .code = "C1", .title = bad[i].title, .evidence = bad[i].evidence, .kind = "score", .max_c = 1000 };
		memset(&fe, 0, sizeof fe);
		assert_int_equal(cyear_criteria_set(f->db, &f->officer, cy, 0, &one, 1, &fe), E_INVALID);
		assert_string_equal(fe.field[0], "C1");
		assert_string_equal(fe.msg[0], bad[i].why);
	}
	free(long_title);
	struct crit_in fine = { .code = "C1", .title = "Tiêu chí", .evidence = "Báo cáo năm\nBiên bản", .kind = "score", .max_c = 1000 };
	int64_t version = 0;
	assert_int_equal(db_int1(f->db, &version, "SELECT version FROM cluster_years WHERE id = $1", "i", cy), DB_ROW);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(cyear_criteria_set(f->db, &f->officer, cy, version, &fine, 1, &fe), E_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mean_and_bias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trimmed_mean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leader_method, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie_breaks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_lock_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agreement_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sheet_editor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_and_texts, setup, teardown),
		cmocka_unit_test(test_pure_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
