/* Votes (issue 11): the tally of secret-ballot rounds on SQLite (and
** PostgreSQL with THIDUA_TEST_PG). Ten council members vote; the threshold
** at its exact edge (9 of 10 is 90%, 8 of 10 is not), the base of all
** members against those present, the limit of choices, the 20% quota at its
** edge (20% of 10 and of 14 is 2, of 15 is 3; a tie across the edge passes
** nobody of the tie), one ballot per voter, and a draft's edit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "units/units.h"
#include "votes/votes.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"

#define NV 10

struct fx {
	char path[300];
	struct db *db;
	struct arena a;
	int64_t org;
	struct user officer, member[NV];
	int64_t voters[NV];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "votes", &f->db) != 0) return -1;
	arena_init(&f->a);
	int64_t vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->org = fixture_unit(f->db, "HD-TW", "Hội đồng Thi đua – Khen thưởng Trung ương", "central", vn);
	fixture_grant(f->db, &f->a, &f->officer, "tw.officer", ROLE_OFFICER, f->org);
	for (int i = 0; i < NV; i++) {
		char login[16];
		snprintf(login, sizeof login, "hd.%02d", i + 1);
		fixture_grant(f->db, &f->a, &f->member[i], arena_strdup(&f->a, login), ROLE_COUNCIL, f->org);
		f->voters[i] = f->member[i].id;
	}
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

/* a draft round of the ten members with labelled candidates */
static int64_t make_round(struct fx *f, int64_t threshold_bp, const char *base, int64_t max_choices, int64_t quota_bp, int64_t quota_of,
			  const char *const *labels, int ncand, const int64_t *present, int npresent)
{
	struct vote_candidate_in c[8];
	for (int i = 0; i < ncand; i++) c[i] = (struct vote_candidate_in){ .label = labels[i] };
	struct vote_in in = { .title = "Suy tôn", .unit_id = f->org, .threshold_bp = threshold_bp, .base = base, .max_choices = max_choices,
			      .quota_bp = quota_bp, .quota_of = quota_of, .voters = f->voters, .nvoters = NV, .present = present,
			      .npresent = npresent, .cand = c, .ncand = ncand };
	struct field_errors fe = { 0 };
	int64_t id = 0;
	assert_int_equal(votes_create(f->db, &f->officer, &in, &fe, &id), E_OK);
	return id;
}

static struct vote_round *get(struct fx *f, int64_t id)
{
	struct vote_round *v;
	assert_int_equal(votes_get(f->db, &f->a, id, NULL, &v), E_OK);
	return v;
}

/* voter i chooses the candidates at the given positions (-1 ends the list) */
static int cast(struct fx *f, int64_t id, int voter, const int *pos, int n)
{
	struct vote_round *v = get(f, id);
	int64_t ids[8];
	for (int i = 0; i < n; i++) ids[i] = v->cand[pos[i]].id;
	struct field_errors fe = { 0 };
	char receipt[VOTES_RECEIPT_LEN + 1];
	return votes_cast(f->db, &f->member[voter], id, ids, n, &fe, receipt);
}

static void open_round(struct fx *f, int64_t id)
{
	struct field_errors fe = { 0 };
	assert_int_equal(votes_open(f->db, &f->officer, id, &fe), E_OK);
}

static struct vote_round *close_round(struct fx *f, int64_t id)
{
	struct field_errors fe = { 0 };
	assert_int_equal(votes_close(f->db, &f->officer, id, &fe), E_OK);
	return get(f, id);
}

/* 90% of all ten members: A 9 yes (exactly 90%) passes, B 8 (one ballot short) fails */
static void test_threshold_edge(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A", "B" };
	int64_t id = make_round(f, 9000, "all_members", 0, -1, -1, labels, 2, NULL, 0);
	open_round(f, id);
	static const int both[] = { 0, 1 }, a_only[] = { 0 };
	for (int i = 0; i < 8; i++) assert_int_equal(cast(f, id, i, both, 2), E_OK);
	assert_int_equal(cast(f, id, 8, a_only, 1), E_OK);
	assert_int_equal(cast(f, id, 9, NULL, 0), E_OK); /* a blank ballot counts in the base */
	struct vote_round *v = close_round(f, id);
	assert_int_equal(v->ballots, 10);
	assert_int_equal(votes_base_count(v), 10);
	assert_int_equal(v->cand[0].yes, 9);
	assert_true(v->cand[0].share == 90.0);
	assert_true(v->cand[0].threshold_met && v->cand[0].passed);
	assert_int_equal(v->cand[1].yes, 8);
	assert_true(v->cand[1].share == 80.0);
	assert_false(v->cand[1].threshold_met || v->cand[1].passed);
}

/* the same seven yes votes: 70% of all ten members fails a 75% threshold,
** 87,5% of the eight present passes; an absent member cannot vote */
static void test_base_all_or_present(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A" };
	static const int a[] = { 0 };
	int64_t all = make_round(f, 7500, "all_members", 0, -1, -1, labels, 1, NULL, 0);
	int64_t pres = make_round(f, 7500, "present", 0, -1, -1, labels, 1, f->voters, 8);
	open_round(f, all);
	open_round(f, pres);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(cast(f, all, i, a, 1), E_OK);
		assert_int_equal(cast(f, pres, i, a, 1), E_OK);
	}
	assert_int_equal(cast(f, pres, 7, NULL, 0), E_OK);
	assert_int_equal(cast(f, pres, 8, a, 1), E_FORBIDDEN); /* not present */
	struct vote_round *va = close_round(f, all), *vp = close_round(f, pres);
	assert_int_equal(votes_base_count(va), 10);
	assert_true(va->cand[0].share == 70.0);
	assert_false(va->cand[0].passed);
	assert_int_equal(votes_base_count(vp), 8);
	assert_true(vp->cand[0].share == 87.5);
	assert_true(vp->cand[0].passed);
	/* a round over those present cannot open before they are recorded */
	int64_t none = make_round(f, 7500, "present", 0, -1, -1, labels, 1, NULL, 0);
	struct field_errors fe = { 0 };
	assert_int_equal(votes_open(f->db, &f->officer, none, &fe), E_STATE);
}

/* at most one choice: two are refused and nothing is recorded; a limit above the candidates is refused at creation */
static void test_max_choices(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A", "B", "C" };
	int64_t id = make_round(f, 5000, "all_members", 1, -1, -1, labels, 3, NULL, 0);
	open_round(f, id);
	static const int two[] = { 0, 1 }, one[] = { 1 }, twice[] = { 1, 1 };
	assert_int_equal(cast(f, id, 0, two, 2), E_INVALID);
	assert_int_equal(cast(f, id, 0, one, 1), E_OK);
	struct vote_round *v = get(f, id);
	assert_int_equal(v->ballots, 1);
	struct vote_candidate_in c[2] = { { .label = "A" }, { .label = "B" } };
	struct vote_in in = { .title = "x", .unit_id = f->org, .threshold_bp = 5000, .base = "all_members", .max_choices = 3, .quota_bp = -1,
			      .quota_of = -1, .voters = f->voters, .nvoters = NV, .cand = c, .ncand = 2 };
	struct field_errors fe = { 0 };
	int64_t bad = 0;
	assert_int_equal(votes_create(f->db, &f->officer, &in, &fe, &bad), E_INVALID);
	assert_string_equal(fe.field[0], "max_choices");
	/* a candidate chosen twice is refused too (no limit) */
	int64_t free_id = make_round(f, 5000, "all_members", 0, -1, -1, labels, 3, NULL, 0);
	open_round(f, free_id);
	assert_int_equal(cast(f, free_id, 0, twice, 2), E_INVALID);
}

/* 20% of 10 lets 2 pass: four candidates meet 50% with 10, 9, 8 and 6 yes;
** the first two pass, the others are over the quota */
static void test_quota_edge(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A", "B", "C", "D" };
	static const int abcd[] = { 0, 1, 2, 3 }, abc[] = { 0, 1, 2 }, ab[] = { 0, 1 }, a[] = { 0 };
	const int *ballots[NV] = { abcd, abcd, abcd, abcd, abcd, abcd, abc, abc, ab, a };
	const int sizes[NV] = { 4, 4, 4, 4, 4, 4, 3, 3, 2, 1 };
	/* quota of 10, 14 (2,8 → 2) and 15 (3) */
	int64_t of[3] = { 10, 14, 15 };
	int want_pass[3] = { 2, 2, 3 };
	for (int k = 0; k < 3; k++) {
		int64_t id = make_round(f, 5000, "all_members", 0, 2000, of[k], labels, 4, NULL, 0);
		open_round(f, id);
		for (int i = 0; i < NV; i++) assert_int_equal(cast(f, id, i, ballots[i], sizes[i]), E_OK);
		struct vote_round *v = close_round(f, id);
		assert_int_equal(v->cand[0].yes, 10);
		assert_int_equal(v->cand[1].yes, 9);
		assert_int_equal(v->cand[2].yes, 8);
		assert_int_equal(v->cand[3].yes, 6);
		struct vote_quota q;
		votes_quota(v, &q);
		assert_int_equal(q.limit, want_pass[k]);
		assert_int_equal(q.passing, 4);
		assert_false(q.ok);
		int passed = 0;
		for (int c = 0; c < 4; c++) {
			assert_true(v->cand[c].threshold_met);
			passed += v->cand[c].passed;
			assert_int_equal(v->cand[c].passed, c < want_pass[k]);
			assert_int_equal(v->cand[c].over_quota, c >= want_pass[k]);
		}
		assert_int_equal(passed, want_pass[k]);
	}
	/* two meet the threshold and the quota allows 2: within it */
	int64_t id = make_round(f, 9500, "all_members", 0, 2000, 10, labels, 4, NULL, 0);
	open_round(f, id);
	for (int i = 0; i < NV; i++) assert_int_equal(cast(f, id, i, ballots[i], sizes[i]), E_OK);
	struct vote_round *v = close_round(f, id);
	struct vote_quota q;
	votes_quota(v, &q);
	assert_int_equal(q.passing, 1); /* only A's 10 of 10 reaches 95% */
	assert_true(q.ok);
	assert_true(v->cand[0].passed);
	/* a tie across the edge: 10, 9, 9 with room for 2: A passes, B and C are tied at the edge */
	static const int tie_abc[] = { 0, 1, 2 }, tie_a[] = { 0 };
	int64_t t = make_round(f, 5000, "all_members", 0, 2000, 10, labels, 3, NULL, 0);
	open_round(f, t);
	for (int i = 0; i < NV; i++) assert_int_equal(cast(f, t, i, i < 9 ? tie_abc : tie_a, i < 9 ? 3 : 1), E_OK);
	v = close_round(f, t);
	assert_true(v->cand[0].passed);
	assert_true(!v->cand[1].passed && v->cand[1].quota_tie);
	assert_true(!v->cand[2].passed && v->cand[2].quota_tie);
	votes_quota(v, &q);
	assert_true(q.tie);
}

/* one ballot per voter: a second is refused and the count stays */
static void test_double_vote(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A" };
	static const int a[] = { 0 };
	int64_t id = make_round(f, 5000, "all_members", 0, -1, -1, labels, 1, NULL, 0);
	assert_int_equal(cast(f, id, 0, a, 1), E_STATE); /* not open yet */
	open_round(f, id);
	assert_int_equal(cast(f, id, 0, a, 1), E_OK);
	assert_int_equal(cast(f, id, 0, a, 1), E_STATE);
	struct user outsider = f->officer; /* the organiser is not a voter */
	struct vote_round *v = get(f, id);
	struct field_errors fe = { 0 };
	char receipt[VOTES_RECEIPT_LEN + 1];
	int64_t choice = v->cand[0].id;
	assert_int_equal(votes_cast(f->db, &outsider, id, &choice, 1, &fe, receipt), E_FORBIDDEN);
	v = close_round(f, id);
	assert_int_equal(v->ballots, 1);
	assert_int_equal(v->cand[0].yes, 1);
	assert_int_equal(cast(f, id, 1, a, 1), E_STATE); /* closed */
}

/* a draft changed with its version; stale: conflict; opened: refused */
static void test_draft_edit(void **state)
{
	struct fx *f = *state;
	static const char *const labels[] = { "A", "B" };
	int64_t id = make_round(f, 9000, "all_members", 0, -1, -1, labels, 2, NULL, 0);
	struct vote_round *v = get(f, id);
	struct vote_candidate_in c[3] = { { .label = "X" }, { .label = "Y" }, { .label = "Z" } };
	struct vote_in in = { .title = "Suy tôn lại", .threshold_bp = 6667, .max_choices = 2, .quota_bp = 2000, .quota_of = 10, .voters = f->voters,
			      .nvoters = 5, .cand = c, .ncand = 3 };
	struct field_errors fe = { 0 };
	assert_int_equal(votes_update(f->db, &f->officer, id, v->version, &in, VU_TITLE | VU_THRESHOLD | VU_MAX | VU_QUOTA | VU_VOTERS | VU_CANDIDATES, &fe),
			 E_OK);
	struct vote_round *w = get(f, id);
	assert_string_equal(w->title, "Suy tôn lại");
	assert_int_equal(w->threshold_bp, 6667);
	assert_int_equal(w->max_choices, 2);
	assert_true(w->has_quota);
	assert_int_equal(w->quota_bp, 2000);
	assert_int_equal(w->voters, 5);
	assert_int_equal(w->ncand, 3);
	assert_string_equal(w->cand[2].label, "Z");
	assert_int_equal(w->version, v->version + 1);
	assert_string_equal(w->base, "all_members"); /* not given: kept */
	assert_int_equal(votes_update(f->db, &f->officer, id, v->version, &in, VU_TITLE, &fe), E_CONFLICT);
	struct vote_in more = { .max_choices = 4 };
	assert_int_equal(votes_update(f->db, &f->officer, id, w->version, &more, VU_MAX, &fe), E_INVALID);
	assert_int_equal(votes_update(f->db, &f->member[0], id, w->version, &more, 0, &fe), E_FORBIDDEN);
	open_round(f, id);
	w = get(f, id);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(votes_update(f->db, &f->officer, id, w->version, &in, VU_TITLE, &fe), E_STATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threshold_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_all_or_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_choices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quota_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_vote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft_edit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
