/* Unit tests of the eligibility scan (elig_scan, eligibility_scan): every
** active person of a subtree checked with one query gives, person by
** person, the verdict and the conditions in words that the single check
** gives, for every individual award of the demo's rule sets and several
** years (the edges: a chain with a gap year, a chain ending the year before,
** a prerequisite years back, a quota, a manual condition, a person without
** records, an inactive person, a person outside the subtree); exact counts
** for CSTD_BO_TINH; the verdicts listed and the page; the errors. Against a
** fresh SQLite file, or PostgreSQL under make test-pg-unit. */
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
#include "commendation/rule_sets.h"
#include "commendation/rules.h"
#include "units/units.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
	int64_t vn, prov, ward, dept, office, other;
	int serial;
	/* the people of the province, by what their records show */
	int64_t chain, gap, early, office_chain, none, inactive, outside, quota[6], after, manual_rating;
};

static int64_t person(struct fx *f, int64_t unit, const char *name, int active)
{
	char code[32];
	snprintf(code, sizeof code, "S%05d", ++f->serial);
	int64_t id = 0;
	assert_int_equal(db_int1(f->db, &id,
				 "INSERT INTO people (code, full_name, search, gender, unit_id, active, created_at, updated_at) "
				 "VALUES ($1, $2, $2, 'F', $3, $4, 'now', 'now') RETURNING id",
				 "ttii", code, name, unit, (int64_t)active),
			 DB_ROW);
	return id;
}

static void ach(struct fx *f, int64_t person_id, int year, const char *kind, const char *value)
{
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO achievements (person_id, year, kind, value, created_at, updated_at) VALUES ($1, $2, $3, $4, 'now', 'now')",
				 "iitt", person_id, (int64_t)year, kind, value),
			 DB_OK);
}

static void chain(struct fx *f, int64_t p, int from, int to)
{
	for (int y = from; y <= to; y++) {
		ach(f, p, y, "rating", "excellent");
		ach(f, p, y, "title", "LDTT");
		ach(f, p, y, "title", "CSTDCS");
	}
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "eligscan", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->prov = fixture_unit(f->db, "T-QN", "Tỉnh Quảng Ninh", "province", f->vn);
	f->ward = fixture_unit(f->db, "QY-YG", "Phường Yên Giang", "ward", f->prov);
	f->dept = fixture_unit(f->db, "QN-SNV", "Sở Nội vụ", "department", f->prov);
	f->office = fixture_unit(f->db, "QN-SNV-TDKT", "Phòng Thi đua – Khen thưởng", "subunit", f->dept);
	f->other = fixture_unit(f->db, "T-SL", "Tỉnh Sơn La", "province", f->vn);
	int n = 0;
	if (rule_sets_demo_load(f->db, &auth_system, stderr, &n) != 0 || n != 12) return -1;

	/* CSTDCS 2022–2024 and a province-level initiative in 2023: CSTD_BO_TINH in 2024 */
	f->chain = person(f, f->ward, "Nguyễn Thị Lan", 1);
	chain(f, f->chain, 2022, 2024);
	ach(f, f->chain, 2023, "initiative", "province");
	/* a gap year: CSTDCS 2022 and 2024, not 2023 */
	f->gap = person(f, f->ward, "Trần Văn Bình", 1);
	chain(f, f->gap, 2022, 2022);
	chain(f, f->gap, 2024, 2024);
	ach(f, f->gap, 2024, "initiative", "national");
	/* a chain ending the year before: 2021–2023 (CSTD_BO_TINH in 2023, not 2024) */
	f->early = person(f, f->ward, "Lê Văn Cường", 1);
	chain(f, f->early, 2021, 2023);
	ach(f, f->early, 2021, "initiative", "province");
	ach(f, f->early, 2023, "discipline", "reprimand");
	/* two levels below the province */
	f->office_chain = person(f, f->office, "Phạm Thị Dung", 1);
	chain(f, f->office_chain, 2019, 2025);
	ach(f, f->office_chain, 2024, "initiative", "national");
	ach(f, f->office_chain, 2018, "title", "BK_BO_TINH");
	ach(f, f->office_chain, 2018, "rating", "good");
	/* no records at all */
	f->none = person(f, f->dept, "Hoàng Văn Em", 1);
	/* not counted: inactive, or in another province */
	f->inactive = person(f, f->ward, "Vũ Thị Giang", 0);
	chain(f, f->inactive, 2022, 2024);
	ach(f, f->inactive, 2023, "initiative", "province");
	f->outside = person(f, f->other, "Đặng Văn Hải", 1);
	chain(f, f->outside, 2022, 2024);
	ach(f, f->outside, 2023, "initiative", "province");
	/* a quota: six LDTT of the office in 2024, one of them CSTDCS already (15% of 7 is 1) */
	for (int i = 0; i < 6; i++) {
		f->quota[i] = person(f, f->office, "Ngô Thị Hoa", 1);
		ach(f, f->quota[i], 2024, "title", "LDTT");
		ach(f, f->quota[i], 2024, "rating", i < 3 ? "excellent" : "good");
		if (i == 0) ach(f, f->quota[i], 2024, "title", "CSTDCS");
		if (i == 4) ach(f, f->quota[i], 2024, "initiative", "grassroots");
	}
	/* BK_BO_TINH in 2019, then rated well every year with three CSTDCS: BK_TTG in 2024 */
	f->after = person(f, f->dept, "Đỗ Thị Kim", 1);
	ach(f, f->after, 2019, "title", "BK_BO_TINH");
	for (int y = 2020; y <= 2024; y++) ach(f, f->after, y, "rating", y % 2 ? "excellent" : "good");
	for (int y = 2020; y <= 2022; y++) ach(f, f->after, y, "title", "CSTDCS");
	/* rated good in 2024 only: LDTT is left to a person to confirm */
	f->manual_rating = person(f, f->ward, "Bùi Văn Long", 1);
	ach(f, f->manual_rating, 2024, "rating", "good");
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

/* the rule set chosen for a year: a proposal of January for the year 2023 (the demo's rule sets start in 2024) */
static const char *date_for(int year) { return year == 2023 ? "2024-01-15" : NULL; }

static struct elig_scan *scan(struct fx *f, const char *award, int64_t unit, int year, unsigned verdicts, int64_t offset, int64_t limit)
{
	struct award *aw;
	assert_int_equal(awards_get_code(f->db, &f->a, award, "en", &aw), E_OK);
	struct elig_scan_query q = { .unit_id = unit, .year = year, .date = date_for(year), .verdicts = verdicts, .offset = offset, .limit = limit };
	struct elig_scan *sc = arena_alloc(&f->a, sizeof *sc);
	struct rule_set *rs;
	const char *why = NULL;
	int rc = eligibility_scan(f->db, &f->a, "en", aw, &q, &rs, sc, &why);
	if (rc != E_OK) fprintf(stderr, "eligibility_scan %s: %d %s\n", award, rc, why ? why : "");
	assert_int_equal(rc, E_OK);
	return sc;
}

#define ALL ((1u << ELIG_ELIGIBLE) | (1u << ELIG_MANUAL) | (1u << ELIG_INELIGIBLE))

/* the scan's answer for a person equals the single check's, word for word */
static void expect_same(struct fx *f, const char *award, const struct elig_person *x, int year)
{
	struct award *aw;
	assert_int_equal(awards_get_code(f->db, &f->a, award, "en", &aw), E_OK);
	int64_t unit = 0;
	assert_int_equal(db_int1(f->db, &unit, "SELECT unit_id FROM people WHERE id = $1", "i", x->person_id), DB_ROW);
	struct elig_subject s = { .person_id = x->person_id, .unit_id = unit };
	struct elig_result one;
	struct rule_set *rs;
	const char *why;
	assert_int_equal(eligibility_check(f->db, &f->a, "en", aw, &s, year, date_for(year), &rs, &one, &why), E_OK);
	if (one.verdict != x->res.verdict || one.nconds != x->res.nconds)
		fprintf(stderr, "%s %s %d: scan %s, check %s\n", award, x->code, year, elig_verdict_name(x->res.verdict), elig_verdict_name(one.verdict));
	assert_int_equal(x->res.verdict, one.verdict);
	assert_int_equal(x->res.nconds, one.nconds);
	for (int i = 0; i < one.nconds; i++) {
		assert_string_equal(x->res.conds[i].text, one.conds[i].text);
		assert_int_equal(x->res.conds[i].met, one.conds[i].met);
		assert_int_equal(x->res.conds[i].nfacts, one.conds[i].nfacts);
		for (int k = 0; k < one.conds[i].nfacts; k++) assert_string_equal(x->res.conds[i].facts[k], one.conds[i].facts[k]);
	}
}

static void test_scan_equals_single_check(void **state)
{
	struct fx *f = *state;
	static const char *const awards[] = { "LDTT", "CSTDCS", "CSTD_BO_TINH", "CSTD_TOAN_QUOC", "BK_BO_TINH", "BK_TTG", "HCLD3", "GK" };
	int compared = 0;
	for (size_t i = 0; i < sizeof awards / sizeof *awards; i++)
		for (int year = 2023; year <= 2025; year++) {
			struct award *aw;
			assert_int_equal(awards_get_code(f->db, &f->a, awards[i], "en", &aw), E_OK);
			struct elig_scan_query q = { .unit_id = f->prov, .year = year, .date = date_for(year), .verdicts = ALL, .limit = -1 };
			struct elig_scan sc;
			struct rule_set *rs;
			const char *why = NULL;
			int rc = eligibility_scan(f->db, &f->a, "en", aw, &q, &rs, &sc, &why);
			if (rc == E_NOTFOUND) continue; /* GK: no rule set */
			assert_int_equal(rc, E_OK);
			/* 13 active people in the province's subtree, each listed once */
			assert_int_equal(sc.people, 13);
			assert_int_equal(sc.total, 13);
			assert_int_equal(sc.nitems, 13);
			assert_int_equal(sc.counts[0] + sc.counts[1] + sc.counts[2], 13);
			for (int k = 0; k < sc.nitems; k++) {
				expect_same(f, awards[i], &sc.items[k], year);
				compared++;
			}
		}
	assert_int_equal(compared, 7 * 3 * 13); /* GK has no rule set */
}

/* rules the demo lacks: discipline, ratings over a window, since and ever,
** or, and more title codes than the query names one by one (every title is
** then read): the scan's verdicts and words are the single check's */
static void test_scan_other_rules(void **state)
{
	struct fx *f = *state;
	static const char *const rules[] = {
		"no discipline at least reprimand in the last 3 years and rating at least good for 2 consecutive years",
		"title LDTT ever or initiative at least grassroots since 2020",
		"rating at least excellent for 2 consecutive years ending last year and no discipline at least warning in the last 5 years",
		"title GK this year or title BK_BO_TINH ever or title BK_TTG ever or title HCLD3 ever or title CO_CP ever or title TTLDTT ever "
		"or title TTLDXS ever or title CO_BO_TINH ever or title CSTD_TOAN_QUOC ever or title CSTDCS at least 2 times in the last 3 years",
		"manual \"x\" and (title CSTDCS this year or title LDTT last year)",
	};
	int listed = 0;
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		struct rule_node *n;
		struct rule_error err;
		assert_int_equal(rules_check(f->db, &f->a, rules[i], &n, &err), E_OK);
		for (int year = 2023; year <= 2025; year++) {
			struct elig_scan_query q = { .unit_id = f->prov, .year = year, .verdicts = ALL, .limit = -1 };
			struct elig_scan sc;
			assert_int_equal(elig_scan(f->db, &f->a, "vi", n, &q, &sc), E_OK);
			assert_int_equal(sc.nitems, 13);
			for (int k = 0; k < sc.nitems; k++) {
				const struct elig_person *x = &sc.items[k];
				int64_t unit = 0;
				assert_int_equal(db_int1(f->db, &unit, "SELECT unit_id FROM people WHERE id = $1", "i", x->person_id), DB_ROW);
				struct elig_subject s = { .person_id = x->person_id, .unit_id = unit };
				struct elig_result one;
				assert_int_equal(elig_evaluate(f->db, &f->a, "vi", n, &s, year, &one), E_OK);
				assert_int_equal(x->res.verdict, one.verdict);
				assert_int_equal(x->res.nconds, one.nconds);
				for (int c = 0; c < one.nconds; c++) {
					assert_string_equal(x->res.conds[c].text, one.conds[c].text);
					assert_int_equal(x->res.conds[c].met, one.conds[c].met);
					assert_int_equal(x->res.conds[c].nfacts, one.conds[c].nfacts);
					for (int t = 0; t < one.conds[c].nfacts; t++) assert_string_equal(x->res.conds[c].facts[t], one.conds[c].facts[t]);
				}
				listed++;
			}
		}
	}
	assert_int_equal(listed, 5 * 3 * 13);
	/* the early chain's reprimand of 2023 fails the first rule in 2024 and 2025 */
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_check(f->db, &f->a, rules[0], &n, &err), E_OK);
	struct elig_scan_query q = { .unit_id = f->prov, .year = 2024, .verdicts = 1u << ELIG_ELIGIBLE, .limit = -1 };
	struct elig_scan sc;
	assert_int_equal(elig_scan(f->db, &f->a, "en", n, &q, &sc), E_OK);
	for (int k = 0; k < sc.nitems; k++) assert_true(sc.items[k].person_id != f->early);
	/* rated good or better in 2023 and 2024 without discipline: the chain, the office's chain, the one after BK_BO_TINH */
	assert_int_equal(sc.counts[ELIG_ELIGIBLE], 3);
}

static void test_scan_counts(void **state)
{
	struct fx *f = *state;
	/* 2024: the chain of the ward and the office's 2019–2025 chain; not the gap, the early chain, the inactive, the other province */
	struct elig_scan *sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->people, 13);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 2);
	assert_int_equal(sc->counts[ELIG_MANUAL], 0);
	assert_int_equal(sc->counts[ELIG_INELIGIBLE], 11);
	assert_int_equal(sc->total, 2);
	assert_int_equal(sc->nitems, 2);
	/* in the order of the units' paths: the ward (made first), then the office */
	assert_int_equal(sc->items[0].person_id, f->chain);
	assert_string_equal(sc->items[0].full_name, "Nguyễn Thị Lan");
	assert_string_equal(sc->items[0].unit_code, "QY-YG");
	assert_string_equal(sc->items[0].unit_name, "Phường Yên Giang");
	assert_string_equal(sc->items[0].res.conds[0].text, "Grassroots Emulation Fighter — 3 consecutive years, 2022–2024");
	assert_string_equal(sc->items[0].res.conds[0].facts[0], "Held in 2022–2024");
	assert_int_equal(sc->items[1].person_id, f->office_chain);
	assert_string_equal(sc->items[1].unit_code, "QN-SNV-TDKT");
	/* 2023 (proposed in January 2024): the early chain, 2021–2023 with an initiative in 2021; not the office's (its initiative is of 2024) */
	sc = scan(f, "CSTD_BO_TINH", f->prov, 2023, 1u << ELIG_ELIGIBLE, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 1);
	assert_int_equal(sc->items[0].person_id, f->early);
	/* the office's subtree alone: 7 people, its chain eligible in 2024 */
	sc = scan(f, "CSTD_BO_TINH", f->office, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->people, 7);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 1);
	/* the other province: its one person */
	sc = scan(f, "CSTD_BO_TINH", f->other, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->people, 1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 1);
	assert_int_equal(sc->items[0].person_id, f->outside);
	/* LDTT 2024: rated good or better (and a manual condition) → manual, but for the
	** nine who hold LDTT for 2024 already (the chains, the quota's six): ineligible,
	** that said first; the early chain and the one without records ineligible */
	sc = scan(f, "LDTT", f->prov, 2024, 1u << ELIG_MANUAL, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 0);
	assert_int_equal(sc->counts[ELIG_MANUAL], 2);
	assert_int_equal(sc->counts[ELIG_INELIGIBLE], 11);
	assert_int_equal(sc->nitems, 2);
	assert_int_equal(sc->items[0].held, 0);
	assert_int_equal(sc->items[0].res.conds[1].met, ELIG_UNKNOWN);
	assert_int_equal(sc->items[0].res.conds[1].nfacts, 1);
	assert_string_equal(sc->items[0].res.conds[1].facts[0], "To be judged by a person");
	sc = scan(f, "LDTT", f->prov, 2024, 1u << ELIG_INELIGIBLE, 0, -1);
	assert_int_equal(sc->nitems, 11);
	int held = 0;
	for (int i = 0; i < sc->nitems; i++) {
		if (!sc->items[i].held) continue;
		held++;
		assert_int_equal(sc->items[i].res.verdict, ELIG_INELIGIBLE);
		assert_int_equal(sc->items[i].res.conds[0].met, ELIG_UNMET);
		assert_string_equal(sc->items[i].res.conds[0].text, "Advanced Worker not held for 2024 yet");
		assert_string_equal(sc->items[i].res.conds[0].facts[0], "Already awarded for 2024");
	}
	assert_int_equal(held, 9);
	/* the single check says the same */
	struct award *ldtt;
	assert_int_equal(awards_get_code(f->db, &f->a, "LDTT", "en", &ldtt), E_OK);
	struct rule_set *rs;
	struct elig_result one;
	const char *why = NULL;
	struct elig_subject chain = { .person_id = f->chain };
	assert_int_equal(eligibility_check(f->db, &f->a, "en", ldtt, &chain, 2024, date_for(2024), &rs, &one, &why), E_OK);
	assert_int_equal(one.verdict, ELIG_INELIGIBLE);
	assert_string_equal(one.conds[0].text, "Advanced Worker not held for 2024 yet");
	/* CSTDCS 2024 in the office: 7 LDTT, so at most 1 CSTDCS, and two hold it already: nobody more */
	sc = scan(f, "CSTDCS", f->office, 2024, ALL, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 0);
	assert_int_equal(sc->counts[ELIG_INELIGIBLE], 7);
	/* BK_TTG 2024: BK_BO_TINH in 2019 and five good years after with three CSTDCS; the office's chain after its 2018 one */
	sc = scan(f, "BK_TTG", f->prov, 2024, 1u << ELIG_ELIGIBLE, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 2);
	assert_int_equal(sc->items[0].person_id, f->after);
	assert_int_equal(sc->items[1].person_id, f->office_chain);
}

static void test_scan_page(void **state)
{
	struct fx *f = *state;
	/* every verdict, two from the third: the page is a window of the full list */
	struct elig_scan *all = scan(f, "CSTD_BO_TINH", f->prov, 2024, ALL, 0, -1);
	struct elig_scan *page = scan(f, "CSTD_BO_TINH", f->prov, 2024, ALL, 2, 2);
	assert_int_equal(page->total, 13);
	assert_int_equal(page->nitems, 2);
	assert_int_equal(page->items[0].person_id, all->items[2].person_id);
	assert_int_equal(page->items[1].person_id, all->items[3].person_id);
	assert_int_equal(page->counts[ELIG_ELIGIBLE], 2);
	/* past the end: counts, no items */
	page = scan(f, "CSTD_BO_TINH", f->prov, 2024, 1u << ELIG_INELIGIBLE, 50, 10);
	assert_int_equal(page->total, 11);
	assert_int_equal(page->nitems, 0);
	assert_int_equal(page->people, 13);
}

static void test_scan_errors(void **state)
{
	struct fx *f = *state;
	struct award *aw;
	struct elig_scan sc;
	struct rule_set *rs;
	const char *why = NULL;
	/* an award for collectives */
	assert_int_equal(awards_get_code(f->db, &f->a, "TTLDXS", "en", &aw), E_OK);
	struct elig_scan_query q = { .unit_id = f->prov, .year = 2024, .verdicts = ALL, .limit = -1 };
	assert_int_equal(eligibility_scan(f->db, &f->a, "en", aw, &q, &rs, &sc, &why), E_INVALID);
	assert_string_equal(why, "This award is for collectives, not for individuals");
	/* no rule set in force */
	assert_int_equal(awards_get_code(f->db, &f->a, "CSTD_BO_TINH", "en", &aw), E_OK);
	q.year = 2023; /* 31 December 2023: the demo's rule sets start in 2024 */
	assert_int_equal(eligibility_scan(f->db, &f->a, "en", aw, &q, &rs, &sc, &why), E_NOTFOUND);
	assert_string_equal(why, "No rule set of Ministry/Province Emulation Fighter is in force on 31 Dec 2023: its rules apply from 1 Jan 2024");
	/* an unknown unit */
	q.year = 2024;
	q.unit_id = 999999;
	assert_int_equal(eligibility_scan(f->db, &f->a, "en", aw, &q, &rs, &sc, &why), E_NOTFOUND);
}

/* the scan by holder (no ineligible listed, a rule no one without records
** meets) gives what the full scan gives: the same counts, and the page is
** the full list's eligible and manual people in the same order with the
** same words */
static void expect_page_of(const struct elig_scan *all, const struct elig_scan *some, unsigned verdicts)
{
	for (int v = 0; v < 3; v++) assert_int_equal(some->counts[v], all->counts[v]);
	assert_int_equal(some->people, all->people);
	int k = 0;
	for (int i = 0; i < all->nitems; i++) {
		const struct elig_person *x = &all->items[i];
		if (!(verdicts & (1u << x->res.verdict))) continue;
		assert_true(k < some->nitems);
		const struct elig_person *y = &some->items[k++];
		assert_int_equal(y->person_id, x->person_id);
		assert_string_equal(y->full_name, x->full_name);
		assert_string_equal(y->unit_code, x->unit_code);
		assert_int_equal(y->res.verdict, x->res.verdict);
		assert_int_equal(y->res.nconds, x->res.nconds);
		for (int c = 0; c < x->res.nconds; c++) {
			assert_string_equal(y->res.conds[c].text, x->res.conds[c].text);
			assert_int_equal(y->res.conds[c].met, x->res.conds[c].met);
			assert_int_equal(y->res.conds[c].nfacts, x->res.conds[c].nfacts);
			for (int t = 0; t < x->res.conds[c].nfacts; t++) assert_string_equal(y->res.conds[c].facts[t], x->res.conds[c].facts[t]);
		}
	}
	assert_int_equal(k, some->nitems);
	assert_int_equal(some->total, k);
}

static void test_scan_by_holder(void **state)
{
	struct fx *f = *state;
	static const char *const awards[] = { "LDTT", "CSTDCS", "CSTD_BO_TINH", "CSTD_TOAN_QUOC", "BK_BO_TINH", "BK_TTG", "HCLD3" };
	int held = 0;
	for (size_t i = 0; i < sizeof awards / sizeof *awards; i++)
		for (int year = 2023; year <= 2025; year++) {
			struct elig_scan *all = scan(f, awards[i], f->prov, year, ALL, 0, -1);
			assert_int_equal(all->by_holder, 0);
			struct elig_scan *some = scan(f, awards[i], f->prov, year, ELIG_LISTED_DEFAULT, 0, -1);
			expect_page_of(all, some, ELIG_LISTED_DEFAULT);
			held += some->by_holder;
			some = scan(f, awards[i], f->prov, year, 1u << ELIG_ELIGIBLE, 0, -1);
			expect_page_of(all, some, 1u << ELIG_ELIGIBLE);
		}
	/* every year by holder but CSTDCS (a quota: it asks about others) and HCLD3 (a
	** person's judgement, which someone without records may pass): those read everyone */
	assert_int_equal(held, 5 * 3);
	/* CSTD_BO_TINH (title CSTDCS for 3 years and an initiative): by holder */
	struct elig_scan *sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->by_holder, 1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 2);
	assert_int_equal(sc->counts[ELIG_INELIGIBLE], 11);
	/* a page: the second one alone, the office's chain */
	sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 1, 1);
	assert_int_equal(sc->total, 2);
	assert_int_equal(sc->nitems, 1);
	assert_int_equal(sc->items[0].person_id, f->office_chain);
	assert_string_equal(sc->items[0].res.conds[0].text, "Grassroots Emulation Fighter — 3 consecutive years, 2022–2024");
	/* rules a person without records may meet (no discipline, or an or with one) read everyone */
	static const char *const everyone[] = { "no discipline at least reprimand in the last 3 years",
						"title LDTT ever or no discipline at least warning in the last 5 years" };
	for (size_t i = 0; i < 2; i++) {
		struct rule_node *n;
		struct rule_error err;
		assert_int_equal(rules_check(f->db, &f->a, everyone[i], &n, &err), E_OK);
		struct elig_scan_query q = { .unit_id = f->prov, .year = 2024, .verdicts = ELIG_LISTED_DEFAULT, .limit = -1 };
		struct elig_scan one;
		assert_int_equal(elig_scan(f->db, &f->a, "en", n, &q, &one), E_OK);
		assert_int_equal(one.by_holder, 0);
	}
	/* an or whose sides both need a record: by holder, the same answer as the full scan */
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_check(f->db, &f->a, "title LDTT ever or initiative at least grassroots since 2020", &n, &err), E_OK);
	struct elig_scan_query q = { .unit_id = f->prov, .year = 2024, .verdicts = ALL, .limit = -1 };
	struct elig_scan full, some;
	assert_int_equal(elig_scan(f->db, &f->a, "en", n, &q, &full), E_OK);
	q.verdicts = ELIG_LISTED_DEFAULT;
	assert_int_equal(elig_scan(f->db, &f->a, "en", n, &q, &some), E_OK);
	assert_int_equal(some.by_holder, 1);
	expect_page_of(&full, &some, ELIG_LISTED_DEFAULT);
}

/* the records follow their holder: a person moved to another unit, made
** inactive or active again, a record added by anyone (migration 025) */
static void test_holder_follows_people(void **state)
{
	struct fx *f = *state;
	int64_t holder = 0;
	assert_int_equal(db_int1(f->db, &holder, "SELECT count(*) FROM achievements WHERE person_id = $1 AND holder_unit_id = $2", "ii", f->chain,
				 f->ward),
			 DB_ROW);
	assert_true(holder > 0);
	assert_int_equal(db_int1(f->db, &holder, "SELECT count(*) FROM achievements WHERE person_id = $1 AND holder_unit_id IS NOT NULL", "i",
				 f->inactive),
			 DB_ROW);
	assert_int_equal(holder, 0);
	/* the ward's chain moves to Sơn La: the province's scan has one eligible less, Sơn La's one more */
	assert_int_equal(db_exec(f->db, "UPDATE people SET unit_id = $1 WHERE id = $2", "ii", f->other, f->chain), DB_OK);
	struct elig_scan *sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->by_holder, 1);
	assert_int_equal(sc->people, 12);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 1);
	assert_int_equal(sc->items[0].person_id, f->office_chain);
	sc = scan(f, "CSTD_BO_TINH", f->other, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->people, 2);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 2);
	/* inactive: counted nowhere; active again: back */
	assert_int_equal(db_exec(f->db, "UPDATE people SET active = 0 WHERE id = $1", "i", f->chain), DB_OK);
	sc = scan(f, "CSTD_BO_TINH", f->other, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->people, 1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 1);
	assert_int_equal(db_exec(f->db, "UPDATE people SET active = 1, unit_id = $1 WHERE id = $2", "ii", f->ward, f->chain), DB_OK);
	sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 2);
	/* the gap (CSTDCS 2022 and 2024, an initiative in 2024) gets its CSTDCS of 2023: eligible in 2024 */
	ach(f, f->gap, 2023, "title", "CSTDCS");
	sc = scan(f, "CSTD_BO_TINH", f->prov, 2024, ELIG_LISTED_DEFAULT, 0, -1);
	assert_int_equal(sc->counts[ELIG_ELIGIBLE], 3);
	/* a record given to another person follows that person */
	int64_t rec = 0;
	assert_int_equal(db_int1(f->db, &rec, "SELECT id FROM achievements WHERE person_id = $1 AND year = 2023 AND value = 'CSTDCS'", "i", f->gap),
			 DB_ROW);
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET person_id = $1 WHERE id = $2", "ii", f->outside, rec), DB_OK);
	assert_int_equal(db_int1(f->db, &holder, "SELECT holder_unit_id FROM achievements WHERE id = $1", "i", rec), DB_ROW);
	assert_int_equal(holder, f->other);
	/* a wrong holder written by hand is put right */
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET holder_unit_id = $1 WHERE id = $2", "ii", f->ward, rec), DB_OK);
	assert_int_equal(db_int1(f->db, &holder, "SELECT holder_unit_id FROM achievements WHERE id = $1", "i", rec), DB_ROW);
	assert_int_equal(holder, f->other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_equals_single_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_other_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_by_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holder_follows_people, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
