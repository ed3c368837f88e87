/* Unit tests of the eligibility rules: the language (every condition, parse
** errors with their line and column), the demo rule set of every award
** evaluated with exact verdicts, conditions and facts (the edges: a gap in a
** chain, a chain ending the year before, a quota of exactly 15%, 70% exactly
** and 69.9%, exactly 50% against "more than 50%", a prerequisite never held,
** the rule change of 1 July 2025), and rule sets as versioned data. Against a
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
	int64_t vn, prov, town, ward, dept, office, other;
	struct user top_officer, town_officer, viewer;
	int serial;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "rules", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->prov = fixture_unit(f->db, "T-QN", "Tỉnh Quảng Ninh", "province", f->vn);
	f->town = fixture_unit(f->db, "QY", "Thị xã Quảng Yên", "district", f->prov);
	f->ward = fixture_unit(f->db, "QY-YG", "Phường Yên Giang", "ward", f->town);
	f->dept = fixture_unit(f->db, "QN-SNV", "Sở Nội vụ", "department", f->prov);
	f->office = fixture_unit(f->db, "QN-SNV-TDKT", "Phòng Thi đua – Khen thưởng", "subunit", f->dept);
	f->other = fixture_unit(f->db, "T-SL", "Tỉnh Sơn La", "province", f->vn);
	fixture_grant(f->db, &f->a, &f->top_officer, "top.officer", ROLE_OFFICER, f->vn);
	fixture_grant(f->db, &f->a, &f->town_officer, "town.officer", ROLE_OFFICER, f->town);
	fixture_grant(f->db, &f->a, &f->viewer, "viewer", ROLE_VIEWER, f->vn);
	int n = 0;
	if (rule_sets_demo_load(f->db, &auth_system, stderr, &n) != 0 || n != 12) return -1;
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

static int64_t person(struct fx *f, int64_t unit)
{
	char code[32];
	snprintf(code, sizeof code, "P%05d", ++f->serial);
	int64_t id = 0;
	assert_int_equal(db_int1(f->db, &id,
				 "INSERT INTO people (code, full_name, search, gender, unit_id, active, created_at, updated_at) "
				 "VALUES ($1, $1, $1, 'F', $2, 1, 'now', 'now') RETURNING id",
				 "ti", code, unit),
			 DB_ROW);
	return id;
}

/* an achievement of a person (unit 0) or of a unit (person 0) */
static void ach(struct fx *f, int64_t person_id, int64_t unit_id, int year, const char *kind, const char *value)
{
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO achievements (person_id, unit_id, year, kind, value, created_at, updated_at) "
				 "VALUES ($1, $2, $3, $4, $5, 'now', 'now')",
				 "IIitt", person_id, unit_id, (int64_t)year, kind, value),
			 DB_OK);
}

/* the check of an award for a person (or, with person 0, the unit), in lang */
static struct elig_result *check_lang(struct fx *f, const char *award, int64_t person_id, int64_t unit, int year, const char *date,
				      const char *lang, struct rule_set **rs_out)
{
	struct award *aw;
	assert_int_equal(awards_get_code(f->db, &f->a, award, lang, &aw), E_OK);
	if (person_id > 0) assert_int_equal(db_int1(f->db, &unit, "SELECT unit_id FROM people WHERE id = $1", "i", person_id), DB_ROW);
	struct elig_subject s = { .person_id = person_id, .unit_id = unit };
	struct elig_result *res = arena_alloc(&f->a, sizeof *res);
	struct rule_set *rs = NULL;
	const char *why = NULL;
	int rc = eligibility_check(f->db, &f->a, lang, aw, &s, year, date, &rs, res, &why);
	if (rc != E_OK) fprintf(stderr, "eligibility_check %s: %d %s\n", award, rc, why ? why : "");
	assert_int_equal(rc, E_OK);
	if (rs_out) *rs_out = rs;
	return res;
}

static struct elig_result *check(struct fx *f, const char *award, int64_t person_id, int64_t unit, int year)
{
	return check_lang(f, award, person_id, unit, year, NULL, "en", NULL);
}

/* prints a result, for a failing test's reader */
static void dump(const struct elig_result *r)
{
	fprintf(stderr, "verdict %s\n", elig_verdict_name(r->verdict));
	for (int i = 0; i < r->nconds; i++) {
		fprintf(stderr, "  [%d] %s\n", r->conds[i].met, r->conds[i].text);
		for (int k = 0; k < r->conds[i].nfacts; k++) fprintf(stderr, "      %s\n", r->conds[i].facts[k]);
	}
}

static void expect_verdict(const struct elig_result *r, enum elig_verdict v)
{
	if (r->verdict != v) dump(r);
	assert_string_equal(elig_verdict_name(r->verdict), elig_verdict_name(v));
}

/* condition i: its text, met, and its facts exactly (NULL ends them) */
static void expect_cond(const struct elig_result *r, int i, const char *text, int met, ...)
{
	if (i >= r->nconds || strcmp(r->conds[i].text, text) || r->conds[i].met != met) dump(r);
	assert_true(i < r->nconds);
	assert_string_equal(r->conds[i].text, text);
	assert_int_equal(r->conds[i].met, met);
	va_list ap;
	va_start(ap, met);
	int k = 0;
	for (const char *fct = va_arg(ap, const char *); fct; fct = va_arg(ap, const char *), k++) {
		if (k >= r->conds[i].nfacts || strcmp(r->conds[i].facts[k], fct)) dump(r);
		assert_true(k < r->conds[i].nfacts);
		assert_string_equal(r->conds[i].facts[k], fct);
	}
	va_end(ap);
	if (k != r->conds[i].nfacts) dump(r);
	assert_int_equal(k, r->conds[i].nfacts);
}

/* ---- the language ---- */

static void test_parse_every_condition(void **state)
{
	struct fx *f = *state;
	static const char *const ok[] = {
		"title CSTDCS for 3 consecutive years",
		"title CSTDCS for 3 consecutive years ending last year",
		"title LDTT this year and title LDTT last year",
		"TITLE ldtt EVER or title BK_BO_TINH since 2020",
		"title CSTDCS at least 2 times in the last 5 years",
		"rating at least excellent for 2 consecutive years ending this year",
		"initiative at least province in the last 3 years",
		"no discipline at least warning in the last 2 years",
		"at least 70% of members have title LDTT",
		"more than 50.5% of members have title LDTT last year",
		"all members have rating at least completed",
		"at least 1 member has title CSTDCS",
		"no member has discipline at least warning",
		"quota title CSTDCS at most 15% of title LDTT",
		"after title BK_BO_TINH: at least 5 years, rating at least good every year, title CSTDCS at least 3 times",
		"after title BK_BO_TINH at least 5 years",
		"manual \"ý kiến của hội đồng\"",
		"manual “ý kiến của hội đồng”",
		"person",
		"(Person and title LDTT this year) or (COLLECTIVE and manual \"hội đồng xét\")",
		"# a comment line\n(title LDTT or rating at least good) # and a comment after\nand (initiative at least national ever)",
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		struct rule_node *n;
		struct rule_error err;
		int rc = rules_check(f->db, &f->a, ok[i], &n, &err);
		if (rc != E_OK) fprintf(stderr, "%s: %d:%d %s\n", ok[i], err.line, err.column, rules_error_text(&f->a, "en", &err));
		assert_int_equal(rc, E_OK);
	}
	/* the tree: and binds tighter than or; a percentage in hundredths */
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_parse(&f->a, "title A or title B and more than 50.5% of members have title C", NULL, NULL, &n, &err), E_OK);
	assert_int_equal(n->kind, RN_OR);
	assert_int_equal(n->left->kind, RN_COND);
	assert_string_equal(n->left->cond->code, "A");
	assert_int_equal(n->right->kind, RN_AND);
	assert_int_equal(n->right->right->cond->kind, RC_MEMBERS);
	assert_int_equal(n->right->right->cond->share, RS_MORE_THAN_PCT);
	assert_int_equal(n->right->right->cond->pct100, 5050);
	assert_int_equal(rules_parse(&f->a, "title x since 2020", NULL, NULL, &n, &err), E_OK);
	assert_string_equal(n->cond->code, "X");
	assert_int_equal(n->cond->when.kind, RW_SINCE);
	assert_int_equal(n->cond->when.since, 2020);
}

/* the error of a text, in English, as the API and the page show it */
static const char *parse_error(struct fx *f, const char *text, int *line, int *column)
{
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_check(f->db, &f->a, text, &n, &err), E_INVALID);
	*line = err.line;
	*column = err.column;
	return rules_error_text(&f->a, "en", &err);
}

static void test_parse_errors(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *text;
		int line, column;
		const char *msg;
	} bad[] = {
		{ "title LDTT this year\nand rating at least great", 2, 21,
		  "Line 2, column 21: Unknown rating “great”: use excellent, good, completed or not_completed" },
		{ "title XYZ", 1, 7, "Line 1, column 7: Unknown award code “XYZ”" },
		{ "title LDTT this year rating at least good", 1, 22, "Line 1, column 22: Expected “and” or “or” between two conditions, found “rating”" },
		{ "(title LDTT\n  or title CSTDCS", 2, 18, "Line 2, column 18: Expected “)” to close the parenthesis, found the end of the rule" },
		{ "title LDTT)", 1, 11, "Line 1, column 11: “)” without its “(”" },
		{ "manual \"the council", 1, 8, "Line 1, column 8: The quotation mark is not closed on its line" },
		{ "", 1, 1, "Line 1, column 1: The rule is empty: write at least one condition" },
		{ "# nothing but a comment\n", 2, 1, "Line 2, column 1: The rule is empty: write at least one condition" },
		{ "at least 120% of members have title LDTT", 1, 10, "Line 1, column 10: A percentage is at most 100: “120”" },
		{ "at least 15.555% of members have title LDTT", 1, 10, "Line 1, column 10: A percentage has at most two decimals: “15.555”" },
		{ "no discipline at least warning at least 2 times in the last 3 years", 1, 32,
		  "Line 1, column 32: “no discipline” takes a period of years, not a number of times" },
		{ "initiative at least ministry", 1, 21, "Line 1, column 21: Unknown initiative level “ministry”: use grassroots, province or national" },
		{ "no discipline at least fine", 1, 24, "Line 1, column 24: Unknown discipline level “fine”: use reprimand, warning, demotion or dismissal" },
		{ "title CSTDCS for 0 consecutive years", 1, 18, "Line 1, column 18: Expected a number of years from 1 to 50, found “0”" },
		{ "title CSTDCS for 3 years", 1, 20, "Line 1, column 20: Expected “consecutive” here" },
		{ "holds LDTT", 1, 1,
		  "Line 1, column 1: Expected a condition (title, rating, initiative, no, at least, more than, all, quota, after, manual, person or collective), found “holds”" },
		{ "title LDTT and", 1, 15,
		  "Line 1, column 15: Expected a condition (title, rating, initiative, no, at least, more than, all, quota, after, manual, person or collective), found the end of the rule" },
		{ "title LDTT; title CSTDCS", 1, 11, "Line 1, column 11: Unexpected character “;”" },
		{ "quota title CSTDCS at most 15 of title LDTT", 1, 31, "Line 1, column 31: Expected “%” after the number, found “of”" },
		{ "after title BK_BO_TINH: at least 5 years, every year", 1, 43, "Line 1, column 43: Expected “rating” or “title” after the comma, found “every”" },
		{ "manual “ ”", 1, 8, "Line 1, column 8: The words of a manual condition are empty" },
		/* columns count characters: the Vietnamese words before the error are 12 characters, not 24 bytes */
		{ "manual “Tiếng Việt” and title ZZZ", 1, 31, "Line 1, column 31: Unknown award code “ZZZ”" },
		{ "\ttitle LDTT this year and\n\n   title NOPE", 3, 10, "Line 3, column 10: Unknown award code “NOPE”" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int line, column;
		const char *msg = parse_error(f, bad[i].text, &line, &column);
		if (strcmp(msg, bad[i].msg)) fprintf(stderr, "%s\n", bad[i].text);
		assert_string_equal(msg, bad[i].msg);
		assert_int_equal(line, bad[i].line);
		assert_int_equal(column, bad[i].column);
	}
	/* parentheses nested too deeply are refused, not recursed into */
	char deep[200] = "";
	for (int i = 0; i < 40; i++) strcat(deep, "(");
	int line, column;
	assert_string_equal(parse_error(f, deep, &line, &column), "Line 1, column 33: Parentheses are nested too deeply");
	/* the same error in Vietnamese and Hindi */
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_check(f->db, &f->a, "title XYZ", &n, &err), E_INVALID);
	assert_string_equal(rules_error_text(&f->a, "vi", &err), "Dòng 1, cột 7: Không có danh hiệu, hình thức khen thưởng nào có mã “XYZ”");
	assert_string_equal(rules_error_text(&f->a, "hi", &err), "पंक्ति 1, स्तंभ 7: “XYZ” कोड का कोई पुरस्कार नहीं है");
}

/* ---- every award of the demo ---- */

static void test_ldtt(void **state)
{
	struct fx *f = *state;
	int64_t p = person(f, f->ward), q = person(f, f->ward);
	ach(f, p, 0, 2024, "rating", "good");
	ach(f, q, 0, 2024, "rating", "completed");
	struct elig_result *r = check(f, "LDTT", p, 0, 2024);
	expect_verdict(r, ELIG_MANUAL);
	expect_cond(r, 0, "Rated “completed tasks well” or better — in 2024", ELIG_MET, "Rated “completed tasks well” or better in 2024", NULL);
	assert_int_equal(r->conds[1].met, ELIG_UNKNOWN);
	assert_string_equal(r->conds[1].facts[0], "To be judged by a person");
	r = check(f, "LDTT", q, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Rated “completed tasks well” or better — in 2024", ELIG_UNMET,
		    "Rated “completed tasks well” or better missing for 2024", NULL);
	/* no rating at all: missing too */
	r = check(f, "LDTT", person(f, f->ward), 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
}

/* n people of unit holding LDTT in year, m of them also CSTDCS */
static void ldtt_unit(struct fx *f, int64_t unit, int year, int n, int m)
{
	for (int i = 0; i < n; i++) {
		int64_t p = person(f, unit);
		ach(f, p, 0, year, "title", "LDTT");
		if (i < m) ach(f, p, 0, year, "title", "CSTDCS");
	}
}

static void test_cstdcs_quota(void **state)
{
	struct fx *f = *state;
	/* 20 LDTT in the ward (the subject among them), 2 others already CSTDCS: the 3rd is within 15% */
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2024, "title", "LDTT");
	ach(f, p, 0, 2024, "rating", "excellent");
	ldtt_unit(f, f->ward, 2024, 19, 2);
	struct elig_result *r = check(f, "CSTDCS", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 0, "Advanced Worker — in 2024", ELIG_MET, "Held in 2024", NULL);
	expect_cond(r, 1, "Rated “completed tasks excellently” or better — in 2024", ELIG_MET,
		    "Rated “completed tasks excellently” or better in 2024", NULL);
	expect_cond(r, 2, "An initiative recognised at the grassroots level or higher — in 2024", ELIG_UNMET,
		    "An initiative recognised at the grassroots level or higher missing for 2024", NULL);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024", ELIG_MET,
		    "Advanced Worker in the unit: 20", "Limit: 3 (15% of 20, rounded down)",
		    "Grassroots Emulation Fighter already in the unit: 2; with this one: 3", NULL);
	/* a 3rd other holder: the subject would be the 4th, over the limit of 3 */
	int64_t third = person(f, f->ward);
	ach(f, third, 0, 2024, "title", "CSTDCS");
	r = check(f, "CSTDCS", p, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024", ELIG_UNMET,
		    "Advanced Worker in the unit: 20", "Limit: 3 (15% of 20, rounded down)",
		    "Grassroots Emulation Fighter already in the unit: 3; with this one: 4", "Over the quota: the limit is 3", NULL);
	/* 21 LDTT: 15% is 3.15, rounded down to 3; the 4th is still over */
	ach(f, third, 0, 2024, "title", "LDTT");
	r = check(f, "CSTDCS", p, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024", ELIG_UNMET,
		    "Advanced Worker in the unit: 21", "Limit: 3 (15% of 21, rounded down)",
		    "Grassroots Emulation Fighter already in the unit: 3; with this one: 4", "Over the quota: the limit is 3", NULL);
	/* the quota counts the unit and the units below it, not the town's other wards */
	ldtt_unit(f, fixture_unit(f->db, "QY-YG-KP1", "Khu phố 1", "subunit", f->ward), 2024, 6, 0);
	ldtt_unit(f, fixture_unit(f->db, "QY-LH", "Xã Liên Hòa", "commune", f->town), 2024, 40, 0);
	r = check(f, "CSTDCS", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at most 15% of those in the unit who hold Advanced Worker — in 2024", ELIG_MET,
		    "Advanced Worker in the unit: 27", "Limit: 4 (15% of 27, rounded down)",
		    "Grassroots Emulation Fighter already in the unit: 3; with this one: 4", NULL);
}

static void test_cstdcs_initiative_or_rating(void **state)
{
	struct fx *f = *state;
	ldtt_unit(f, f->ward, 2024, 19, 0);
	/* rated only good, but an initiative recognised at the grassroots level: the "or" is met */
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2024, "title", "LDTT");
	ach(f, p, 0, 2024, "rating", "good");
	ach(f, p, 0, 2024, "initiative", "grassroots");
	struct elig_result *r = check(f, "CSTDCS", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 1, "Rated “completed tasks excellently” or better — in 2024", ELIG_UNMET,
		    "Rated “completed tasks excellently” or better missing for 2024", NULL);
	expect_cond(r, 2, "An initiative recognised at the grassroots level or higher — in 2024", ELIG_MET,
		    "An initiative at the grassroots level or higher in 2024", NULL);
	/* neither: not eligible; and without LDTT that year, LDTT is missing */
	int64_t q = person(f, f->ward);
	ach(f, q, 0, 2024, "rating", "good");
	ach(f, q, 0, 2023, "title", "LDTT");
	r = check(f, "CSTDCS", q, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Advanced Worker — in 2024", ELIG_UNMET, "Advanced Worker missing for 2024", NULL);
}

static void test_cstd_province_chain(void **state)
{
	struct fx *f = *state;
	/* CSTDCS 2022–2024 and a province-level initiative in 2023 */
	int64_t p = person(f, f->ward);
	for (int y = 2022; y <= 2024; y++) ach(f, p, 0, y, "title", "CSTDCS");
	ach(f, p, 0, 2023, "initiative", "province");
	struct elig_result *r = check(f, "CSTD_BO_TINH", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 0, "Grassroots Emulation Fighter — 3 consecutive years, 2022–2024", ELIG_MET, "Held in 2022–2024", NULL);
	expect_cond(r, 1, "An initiative recognised at the ministry or province level or higher — at least once in 2022–2024", ELIG_MET,
		    "An initiative at the ministry or province level or higher in 2023", NULL);
	/* a gap year in the chain */
	int64_t gap = person(f, f->ward);
	ach(f, gap, 0, 2022, "title", "CSTDCS");
	ach(f, gap, 0, 2024, "title", "CSTDCS");
	ach(f, gap, 0, 2024, "initiative", "national");
	r = check(f, "CSTD_BO_TINH", gap, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Grassroots Emulation Fighter — 3 consecutive years, 2022–2024", ELIG_UNMET, "Held in 2022, 2024",
		    "Grassroots Emulation Fighter missing for 2023", NULL);
	expect_cond(r, 1, "An initiative recognised at the ministry or province level or higher — at least once in 2022–2024", ELIG_MET,
		    "An initiative at the ministry or province level or higher in 2024", NULL);
	/* a chain ending the year before: 2021–2023 is not a chain ending in 2024 ... */
	int64_t early = person(f, f->ward);
	for (int y = 2021; y <= 2023; y++) ach(f, early, 0, y, "title", "CSTDCS");
	ach(f, early, 0, 2021, "initiative", "province");
	r = check(f, "CSTD_BO_TINH", early, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Grassroots Emulation Fighter — 3 consecutive years, 2022–2024", ELIG_UNMET, "Held in 2022, 2023",
		    "Grassroots Emulation Fighter missing for 2024", NULL);
	expect_cond(r, 1, "An initiative recognised at the ministry or province level or higher — at least once in 2022–2024", ELIG_UNMET,
		    "An initiative recognised at the ministry or province level or higher: none in 2022–2024", NULL);
	/* ... but it is the chain considered in 2023 */
	r = check_lang(f, "CSTD_BO_TINH", early, 0, 2023, "2024-01-15", "en", NULL); /* proposed in January 2024 */
	expect_verdict(r, ELIG_ELIGIBLE);
	/* and a rule may ask for a chain ending last year */
	struct rule_node *n;
	struct rule_error err;
	assert_int_equal(rules_check(f->db, &f->a, "title CSTDCS for 3 consecutive years ending last year", &n, &err), E_OK);
	struct elig_subject s = { .person_id = early, .unit_id = f->ward };
	struct elig_result res;
	assert_int_equal(elig_evaluate(f->db, &f->a, "en", n, &s, 2024, &res), E_OK);
	expect_verdict(&res, ELIG_ELIGIBLE);
	expect_cond(&res, 0, "Grassroots Emulation Fighter — 3 consecutive years, 2021–2023", ELIG_MET, "Held in 2021–2023", NULL);
}

static void test_cstd_national_rule_change(void **state)
{
	struct fx *f = *state;
	/* six consecutive CSTDCS 2020–2025, a national initiative in 2024, one CSTD_BO_TINH (2022) */
	int64_t p = person(f, f->ward);
	for (int y = 2020; y <= 2025; y++) ach(f, p, 0, y, "title", "CSTDCS");
	ach(f, p, 0, 2022, "title", "CSTD_BO_TINH");
	ach(f, p, 0, 2024, "initiative", "national");
	/* proposed on 30 June 2025: decree 98/2023's rule set (the older reading) */
	struct rule_set *before, *after;
	struct elig_result *r = check_lang(f, "CSTD_TOAN_QUOC", p, 0, 2025, "2025-06-30", "en", &before);
	expect_verdict(r, ELIG_ELIGIBLE);
	assert_string_equal(before->effective_from, "2024-01-01");
	assert_string_equal(before->effective_to, "2025-06-30");
	assert_non_null(strstr(before->legal_basis, "98/2023"));
	expect_cond(r, 0, "Grassroots Emulation Fighter — 6 consecutive years, 2020–2025", ELIG_MET, "Held in 2020–2025", NULL);
	/* proposed on 1 July 2025: decree 152/2025's rule set */
	r = check_lang(f, "CSTD_TOAN_QUOC", p, 0, 2025, "2025-07-01", "en", &after);
	expect_verdict(r, ELIG_INELIGIBLE);
	assert_string_equal(after->effective_from, "2025-07-01");
	assert_null(after->effective_to);
	assert_non_null(strstr(after->legal_basis, "152/2025"));
	assert_true(before->id != after->id);
	expect_cond(r, 0, "Ministry/Province Emulation Fighter — at least 2 times in 2020–2025", ELIG_UNMET, "Held in 2022",
		    "1 times; 2 needed", NULL);
	expect_cond(r, 1, "An initiative recognised at the national level or higher — at least once in 2020–2025", ELIG_MET,
		    "An initiative at the national level or higher in 2024", NULL);
	/* without a date: 31 December of the year considered */
	struct rule_set *dflt;
	r = check_lang(f, "CSTD_TOAN_QUOC", p, 0, 2025, NULL, "en", &dflt);
	assert_int_equal(dflt->id, after->id);
	expect_verdict(r, ELIG_INELIGIBLE);
	/* a second ministry/province title in 2025 satisfies the new rules */
	ach(f, p, 0, 2025, "title", "CSTD_BO_TINH");
	expect_verdict(check_lang(f, "CSTD_TOAN_QUOC", p, 0, 2025, "2025-07-01", "en", NULL), ELIG_ELIGIBLE);
	/* before 2024 no rule set is in force */
	struct award *aw;
	assert_int_equal(awards_get_code(f->db, &f->a, "CSTD_TOAN_QUOC", "en", &aw), E_OK);
	struct elig_subject s = { .person_id = p, .unit_id = f->ward };
	struct rule_set *rs;
	struct elig_result res;
	const char *why;
	assert_int_equal(eligibility_check(f->db, &f->a, "en", aw, &s, 2023, NULL, &rs, &res, &why), E_NOTFOUND);
	assert_string_equal(why, "No rule set of National Emulation Fighter is in force on 31 Dec 2023: its rules apply from 1 Jan 2024");
}

static void test_bk_province(void **state)
{
	struct fx *f = *state;
	int64_t p = person(f, f->ward), q = person(f, f->ward);
	ach(f, p, 0, 2023, "rating", "excellent");
	ach(f, p, 0, 2024, "rating", "excellent");
	ach(f, q, 0, 2023, "rating", "good");
	ach(f, q, 0, 2024, "rating", "excellent");
	struct elig_result *r = check(f, "BK_BO_TINH", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 0, "Rated “completed tasks excellently” or better — 2 consecutive years, 2023–2024", ELIG_MET,
		    "Rated “completed tasks excellently” or better in 2023, 2024", NULL);
	r = check(f, "BK_BO_TINH", q, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Rated “completed tasks excellently” or better — 2 consecutive years, 2023–2024", ELIG_UNMET,
		    "Rated “completed tasks excellently” or better in 2024", "Rated “completed tasks excellently” or better missing for 2023", NULL);
}

/* ratings of a person for the years from..to */
static void rated(struct fx *f, int64_t p, int from, int to, const char *rating)
{
	for (int y = from; y <= to; y++) ach(f, p, 0, y, "rating", rating);
}

static void test_bk_prime_minister(void **state)
{
	struct fx *f = *state;
	static const char *text = "After Ministry/Province Certificate of Merit: at least 5 consecutive years up to 2024, rated “completed tasks well” or "
				  "better every year, with Grassroots Emulation Fighter at least 3 times";
	/* BK_BO_TINH in 2018; 2019–2024 good or better; CSTDCS 2020, 2022, 2024 */
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2018, "title", "BK_BO_TINH");
	rated(f, p, 2019, 2024, "good");
	ach(f, p, 0, 2020, "title", "CSTDCS");
	ach(f, p, 0, 2022, "title", "CSTDCS");
	ach(f, p, 0, 2024, "title", "CSTDCS");
	struct elig_result *r = check(f, "BK_TTG", p, 0, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	/* the rule gives a person article 73.1.b and a collective to the council */
	expect_cond(r, 0, "For a person", ELIG_MET, "A person is considered", NULL);
	expect_cond(r, 2, "For a collective", ELIG_UNMET, "A person is considered", NULL);
	assert_int_equal(r->nconds, 4);
	expect_cond(r, 1, text, ELIG_MET, "Ministry/Province Certificate of Merit in 2018", "6 years after it: 2019–2024",
		    "Grassroots Emulation Fighter in 2020, 2022, 2024", NULL);
	/* the prerequisite never held */
	int64_t never = person(f, f->ward);
	rated(f, never, 2015, 2024, "excellent");
	for (int y = 2020; y <= 2024; y++) ach(f, never, 0, y, "title", "CSTDCS");
	r = check(f, "BK_TTG", never, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 1, text, ELIG_UNMET, "Ministry/Province Certificate of Merit never held before 2024", NULL);
	/* held in 2020: only 4 years after it, and 2 CSTDCS */
	int64_t soon = person(f, f->ward);
	ach(f, soon, 0, 2020, "title", "BK_BO_TINH");
	rated(f, soon, 2021, 2024, "good");
	ach(f, soon, 0, 2021, "title", "CSTDCS");
	ach(f, soon, 0, 2023, "title", "CSTDCS");
	r = check(f, "BK_TTG", soon, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 1, text, ELIG_UNMET, "Ministry/Province Certificate of Merit in 2020", "4 years after it: 2021–2024",
		    "Only 4 years after it; at least 5 needed", "Grassroots Emulation Fighter in 2021, 2023",
		    "Grassroots Emulation Fighter 2 times within them; 3 needed", NULL);
	/* a later certificate does not take away an earlier one that qualifies */
	ach(f, p, 0, 2023, "title", "BK_BO_TINH");
	expect_verdict(check(f, "BK_TTG", p, 0, 2024), ELIG_ELIGIBLE);
	/* a year without a good rating breaks the run after the only certificate */
	int64_t weak = person(f, f->ward);
	ach(f, weak, 0, 2017, "title", "BK_BO_TINH");
	rated(f, weak, 2018, 2020, "excellent");
	ach(f, weak, 0, 2021, "rating", "completed");
	rated(f, weak, 2022, 2024, "excellent");
	for (int y = 2022; y <= 2024; y++) ach(f, weak, 0, y, "title", "CSTDCS");
	r = check(f, "BK_TTG", weak, 0, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 1, text, ELIG_UNMET, "Ministry/Province Certificate of Merit in 2017", "7 years after it: 2018–2024",
		    "Rated “completed tasks well” or better missing for 2021", "Grassroots Emulation Fighter in 2022–2024", NULL);
	/* a collective (the province that leads its cluster) is not judged by
	** what only a person can hold: the council judges it */
	ach(f, 0, f->ward, 2018, "title", "BK_BO_TINH");
	r = check(f, "BK_TTG", 0, f->ward, 2024);
	expect_verdict(r, ELIG_MANUAL);
	expect_cond(r, 0, "For a person", ELIG_UNMET, "A collective is considered", NULL);
	expect_cond(r, 2, "For a collective", ELIG_MET, "A collective is considered", NULL);
	expect_cond(r, 3, "Tiêu chuẩn tặng Bằng khen của Thủ tướng cho tập thể (Điều 73 Luật Thi đua, khen thưởng 2022): Hội đồng đối chiếu hồ sơ",
		    ELIG_UNKNOWN, "To be judged by a person", NULL);
}

/* n members of unit with a rating in year; the first `titled` of them LDTT */
static void members_of(struct fx *f, int64_t unit, int year, int n, int titled, const char *rating)
{
	db_begin(f->db);
	for (int i = 0; i < n; i++) {
		int64_t p = person(f, unit);
		if (rating) ach(f, p, 0, year, "rating", rating);
		if (i < titled) ach(f, p, 0, year, "title", "LDTT");
	}
	assert_int_equal(db_commit(f->db), DB_OK);
}

static void test_collective_advanced(void **state)
{
	struct fx *f = *state;
	/* the department: 10 members, 4 of them in its office (the units below count) */
	ach(f, 0, f->dept, 2024, "rating", "good");
	members_of(f, f->dept, 2024, 6, 1, "good");
	members_of(f, f->office, 2024, 4, 4, "good");
	struct elig_result *r = check(f, "TTLDTT", 0, f->dept, 2024);
	/* exactly 50%: not more than 50% */
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Rated “completed tasks well” or better — in 2024", ELIG_MET, "Rated “completed tasks well” or better in 2024", NULL);
	expect_cond(r, 1, "Advanced Worker: more than 50% of the members — in 2024", ELIG_UNMET, "5 of 10 members (50%)", "At least 6 needed", NULL);
	expect_cond(r, 2, "Disciplined at the level of warning or above: no member — in 2024", ELIG_MET, "0 of 10 members (0%)", NULL);
	/* a sixth: 60% */
	int64_t sixth;
	assert_int_equal(db_int1(f->db, &sixth, "SELECT min(id) FROM people WHERE unit_id = $1 AND id NOT IN (SELECT person_id FROM achievements WHERE kind = 'title')",
				 "i", f->dept),
			 DB_ROW);
	ach(f, sixth, 0, 2024, "title", "LDTT");
	r = check(f, "TTLDTT", 0, f->dept, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 1, "Advanced Worker: more than 50% of the members — in 2024", ELIG_MET, "6 of 10 members (60%)", NULL);
	/* a reprimand does not count; a warning does */
	ach(f, sixth, 0, 2024, "discipline", "reprimand");
	expect_verdict(check(f, "TTLDTT", 0, f->dept, 2024), ELIG_ELIGIBLE);
	ach(f, sixth, 0, 2024, "discipline", "warning");
	r = check(f, "TTLDTT", 0, f->dept, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 2, "Disciplined at the level of warning or above: no member — in 2024", ELIG_UNMET, "1 of 10 members (10%)",
		    "None is allowed", NULL);
	/* a collective award for a person, and an award for persons for a unit, are refused */
	struct award *aw;
	assert_int_equal(awards_get_code(f->db, &f->a, "TTLDTT", "en", &aw), E_OK);
	struct elig_subject s = { .person_id = sixth, .unit_id = f->dept };
	struct rule_set *rs;
	struct elig_result res;
	const char *why;
	assert_int_equal(eligibility_check(f->db, &f->a, "en", aw, &s, 2024, NULL, &rs, &res, &why), E_INVALID);
	assert_string_equal(why, "This award is for collectives, not for individuals");
	assert_int_equal(awards_get_code(f->db, &f->a, "CSTDCS", "en", &aw), E_OK);
	struct elig_subject u = { .unit_id = f->dept };
	assert_int_equal(eligibility_check(f->db, &f->a, "en", aw, &u, 2024, NULL, &rs, &res, &why), E_INVALID);
	assert_string_equal(why, "This award is for individuals, not for collectives");
	/* a unit without members */
	ach(f, 0, f->other, 2024, "rating", "excellent");
	r = check(f, "TTLDTT", 0, f->other, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 1, "Advanced Worker: more than 50% of the members — in 2024", ELIG_UNMET, "The unit has no members", NULL);
}

static void test_collective_excellent(void **state)
{
	struct fx *f = *state;
	/* 10 members, all completing their tasks, exactly 7 LDTT (70%), one CSTDCS */
	ach(f, 0, f->ward, 2024, "title", "TTLDTT");
	members_of(f, f->ward, 2024, 10, 7, "completed");
	int64_t cs;
	assert_int_equal(db_int1(f->db, &cs, "SELECT min(person_id) FROM achievements WHERE kind = 'title' AND value = 'LDTT'", ""), DB_ROW);
	ach(f, cs, 0, 2024, "title", "CSTDCS");
	struct elig_result *r = check(f, "TTLDXS", 0, f->ward, 2024);
	expect_verdict(r, ELIG_ELIGIBLE);
	expect_cond(r, 0, "Advanced Collective — in 2024", ELIG_MET, "Held in 2024", NULL);
	expect_cond(r, 1, "Rated “completed tasks” or better: all members — in 2024", ELIG_MET, "10 of 10 members (100%)", NULL);
	expect_cond(r, 2, "Advanced Worker: at least 70% of the members — in 2024", ELIG_MET, "7 of 10 members (70%)", NULL);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at least 1 of the members — in 2024", ELIG_MET, "1 of 10 members (10%)", NULL);
	expect_cond(r, 4, "Disciplined at the level of warning or above: no member — in 2024", ELIG_MET, "0 of 10 members (0%)", NULL);
	/* an eleventh member who did not complete the tasks: not all, and 7 of 11 is below 70% */
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2024, "rating", "not_completed");
	r = check(f, "TTLDXS", 0, f->ward, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 1, "Rated “completed tasks” or better: all members — in 2024", ELIG_UNMET, "10 of 11 members (90.91%)",
		    "At least 11 needed", NULL);
	expect_cond(r, 2, "Advanced Worker: at least 70% of the members — in 2024", ELIG_UNMET, "7 of 11 members (63.64%)", "At least 8 needed", NULL);
	/* 699 of 1000 is 69.9%: below 70% */
	ach(f, 0, f->dept, 2024, "title", "TTLDTT");
	members_of(f, f->dept, 2024, 1000, 699, "excellent");
	r = check(f, "TTLDXS", 0, f->dept, 2024);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 2, "Advanced Worker: at least 70% of the members — in 2024", ELIG_UNMET, "699 of 1,000 members (69.9%)",
		    "At least 700 needed", NULL);
	expect_cond(r, 3, "Grassroots Emulation Fighter: at least 1 of the members — in 2024", ELIG_UNMET, "0 of 1,000 members (0%)",
		    "At least 1 needed", NULL);
}

static void test_government_flag(void **state)
{
	struct fx *f = *state;
	ach(f, 0, f->prov, 2024, "title", "CO_BO_TINH");
	struct elig_result *r = check(f, "CO_CP", 0, f->prov, 2024);
	/* the cluster's lead is known; the rest is a person's judgement */
	expect_verdict(r, ELIG_MANUAL);
	assert_int_equal(r->nconds, 4);
	expect_cond(r, 0, "Ministry/Province Emulation Flag — in 2024", ELIG_MET, "Held in 2024", NULL);
	for (int i = 1; i < 4; i++) assert_int_equal(r->conds[i].met, ELIG_UNKNOWN);
	/* without the flag, a person may still find it leads a Central Council cluster */
	r = check(f, "CO_CP", 0, f->other, 2024);
	expect_verdict(r, ELIG_MANUAL);
	expect_cond(r, 0, "Ministry/Province Emulation Flag — in 2024", ELIG_UNMET, "Ministry/Province Emulation Flag missing for 2024", NULL);
}

static void test_other_windows(void **state)
{
	struct fx *f = *state;
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2016, "title", "BK_BO_TINH");
	ach(f, p, 0, 2019, "discipline", "warning");
	ach(f, p, 0, 2023, "discipline", "reprimand");
	static const struct {
		const char *rule;
		enum elig_verdict v;
		const char *text, *fact1, *fact2;
	} cases[] = {
		{ "title BK_BO_TINH ever", ELIG_ELIGIBLE, "Ministry/Province Certificate of Merit — at any time up to 2024", "Held in 2016", NULL },
		{ "title BK_BO_TINH since 2018", ELIG_INELIGIBLE, "Ministry/Province Certificate of Merit — at least once in 2018–2024",
		  "Ministry/Province Certificate of Merit: none in 2018–2024", NULL },
		{ "title LDTT ever", ELIG_INELIGIBLE, "Advanced Worker — at any time up to 2024", "Advanced Worker: none up to 2024", NULL },
		{ "no discipline at least warning in the last 5 years", ELIG_ELIGIBLE, "No discipline at the level of warning or above — in 2020–2024",
		  "No such discipline recorded in 2020–2024", NULL },
		{ "no discipline at least reprimand in the last 5 years", ELIG_INELIGIBLE,
		  "No discipline at the level of reprimand or above — in 2020–2024", "Disciplined (reprimand) in 2023", NULL },
		{ "no discipline at least warning ever", ELIG_INELIGIBLE, "No discipline at the level of warning or above — at any time up to 2024",
		  "Disciplined (warning) in 2019", NULL },
		{ "no discipline at least reprimand last year", ELIG_INELIGIBLE, "No discipline at the level of reprimand or above — in 2023",
		  "Disciplined (reprimand) in 2023", NULL },
		{ "title LDTT or manual “x”", ELIG_MANUAL, "Advanced Worker — in 2024", "Advanced Worker missing for 2024", NULL },
		{ "at least 1 member has title LDTT", ELIG_INELIGIBLE, "Advanced Worker: at least 1 of the members — in 2024",
		  "Only a collective has members", NULL },
	};
	struct elig_subject s = { .person_id = p, .unit_id = f->ward };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rule_node *n;
		struct rule_error err;
		assert_int_equal(rules_check(f->db, &f->a, cases[i].rule, &n, &err), E_OK);
		struct elig_result r;
		assert_int_equal(elig_evaluate(f->db, &f->a, "en", n, &s, 2024, &r), E_OK);
		expect_verdict(&r, cases[i].v);
		expect_cond(&r, 0, cases[i].text, r.conds[0].met, cases[i].fact1, cases[i].fact2, NULL);
	}
}

static void test_languages(void **state)
{
	struct fx *f = *state;
	int64_t p = person(f, f->ward);
	ach(f, p, 0, 2022, "title", "CSTDCS");
	ach(f, p, 0, 2024, "title", "CSTDCS");
	struct elig_result *r = check_lang(f, "CSTD_BO_TINH", p, 0, 2024, NULL, "vi", NULL);
	expect_verdict(r, ELIG_INELIGIBLE);
	expect_cond(r, 0, "Chiến sĩ thi đua cơ sở — 3 năm liên tục, 2022–2024", ELIG_UNMET, "Đạt năm 2022, 2024",
		    "Chiến sĩ thi đua cơ sở: chưa có năm 2023", NULL);
	expect_cond(r, 1, "Có sáng kiến được công nhận cấp bộ, tỉnh trở lên — ít nhất một lần trong 2022–2024", ELIG_UNMET,
		    "Có sáng kiến được công nhận cấp bộ, tỉnh trở lên: không có trong 2022–2024", NULL);
	/* a translation that puts the arguments in another order */
	ach(f, p, 0, 2018, "title", "BK_BO_TINH");
	r = check_lang(f, "BK_TTG", p, 0, 2024, NULL, "vi", NULL);
	expect_cond(r, 0, "Đối với cá nhân", ELIG_MET, "Đang xét một cá nhân", NULL);
	expect_cond(r, 1,
		    "Sau Bằng khen cấp bộ, ban, ngành, tỉnh: ít nhất 5 năm liên tục đến năm 2024, năm nào cũng xếp loại “hoàn thành tốt nhiệm vụ” "
		    "trở lên, trong đó có ít nhất 3 lần Chiến sĩ thi đua cơ sở",
		    ELIG_UNMET, "Bằng khen cấp bộ, ban, ngành, tỉnh năm 2018", "6 năm sau đó: 2019–2024",
		    "Xếp loại “hoàn thành tốt nhiệm vụ” trở lên: chưa có năm 2019–2024", "Chiến sĩ thi đua cơ sở các năm 2022, 2024",
		    "Chiến sĩ thi đua cơ sở 2 lần trong các năm đó; cần 3 lần", NULL);
	r = check_lang(f, "CSTD_BO_TINH", p, 0, 2024, NULL, "hi", NULL);
	expect_cond(r, 0, "जमीनी स्तर का अनुकरण योद्धा — लगातार 3 वर्ष, 2022–2024", ELIG_UNMET, "वर्ष 2022, 2024 में प्राप्त",
		    "वर्ष 2023 के लिए जमीनी स्तर का अनुकरण योद्धा नहीं है", NULL);
}

/* ---- rule sets as versioned data ---- */

static void test_rule_sets_crud(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	struct rule_error rerr;
	int64_t id = 0;
	/* a rule that does not parse: 422 material, with its position */
	struct rule_set_in in = { .award_code = "GK", .legal_basis = "Quyết định của Chủ tịch UBND", .effective_from = "2024-01-01",
				  .rules = "rating at least good this year\nand title NOPE", .active = -1 };
	assert_int_equal(rule_sets_create(f->db, &f->top_officer, &in, &fe, &rerr, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "rules"), "The rule does not parse");
	assert_int_equal(rerr.line, 2);
	assert_int_equal(rerr.column, 11);
	/* an unknown award, dates the wrong way round */
	memset(&fe, 0, sizeof fe);
	struct rule_set_in bad = { .award_code = "NOPE", .legal_basis = "x", .effective_from = "2024-05-01", .effective_to = "2024-04-30",
				   .rules = "title LDTT", .active = -1 };
	assert_int_equal(rule_sets_create(f->db, &f->top_officer, &bad, &fe, &rerr, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "award"), "No award has this code");
	assert_string_equal(fe_get(&fe, "effective_to"), "Ends before it starts");
	/* only an officer or administrator at the top of the tree writes rules */
	in.rules = "rating at least good this year";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_create(f->db, &f->town_officer, &in, &fe, &rerr, &id), E_FORBIDDEN);
	assert_int_equal(rule_sets_create(f->db, &f->viewer, &in, &fe, &rerr, &id), E_FORBIDDEN);
	assert_int_equal(rule_sets_create(f->db, &f->top_officer, &in, &fe, &rerr, &id), E_OK);
	int64_t audits = 0;
	assert_int_equal(db_int1(f->db, &audits, "SELECT count(*) FROM audit_log WHERE entity = 'rule_set' AND entity_id = $1 AND action = 'create'", "i", id),
			 DB_ROW);
	assert_int_equal(audits, 1);
	/* an overlapping second rule set of the award is refused, one after it is not */
	int64_t id2 = 0;
	struct rule_set_in next = { .award_code = "GK", .legal_basis = "Quyết định mới", .effective_from = "2025-01-01", .rules = "rating at least excellent this year",
				    .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_create(f->db, &f->top_officer, &next, &fe, &rerr, &id2), E_INVALID);
	assert_string_equal(fe_get(&fe, "effective_from"), "Overlaps the dates of another rule set of this award");
	/* close the first at the end of 2024 (version 1), then the second fits */
	struct rule_set_in close = { .effective_to = "2024-12-31", .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id, 1, &close, &fe, &rerr), E_OK);
	/* a stale version changes nothing */
	struct rule_set_in edit = { .rules = "rating at least completed this year", .active = -1 };
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id, 1, &edit, &fe, &rerr), E_CONFLICT);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_create(f->db, &f->top_officer, &next, &fe, &rerr, &id2), E_OK);
	/* the date chooses */
	struct award *gk;
	assert_int_equal(awards_get_code(f->db, &f->a, "GK", "en", &gk), E_OK);
	struct rule_set *rs;
	assert_int_equal(rule_sets_in_force(f->db, &f->a, gk->id, "2024-12-31", "en", &rs), E_OK);
	assert_int_equal(rs->id, id);
	assert_int_equal(rs->version, 2);
	assert_int_equal(rule_sets_in_force(f->db, &f->a, gk->id, "2025-01-01", "en", &rs), E_OK);
	assert_int_equal(rs->id, id2);
	assert_int_equal(rule_sets_in_force(f->db, &f->a, gk->id, "2023-12-31", "en", &rs), E_NOTFOUND);
	/* reopening the first would overlap; an edit with a bad rule keeps the record */
	struct rule_set_in reopen = { .clear_effective_to = 1, .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id, 2, &reopen, &fe, &rerr), E_INVALID);
	assert_string_equal(fe_get(&fe, "effective_from"), "Overlaps the dates of another rule set of this award");
	struct rule_set_in broken = { .rules = "rating at least", .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id, 2, &broken, &fe, &rerr), E_INVALID);
	assert_int_equal(rerr.line, 1);
	assert_int_equal(rerr.column, 16);
	assert_int_equal(rule_sets_get(f->db, &f->a, id, "en", &rs), E_OK);
	assert_string_equal(rs->rules, "rating at least good this year");
	/* deactivated, it no longer blocks the dates nor is chosen */
	struct rule_set_in off = { .active = 0 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id2, 1, &off, &fe, &rerr), E_OK);
	assert_int_equal(rule_sets_in_force(f->db, &f->a, gk->id, "2025-01-01", "en", &rs), E_NOTFOUND);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(rule_sets_update(f->db, &f->top_officer, id, 2, &reopen, &fe, &rerr), E_OK);
	assert_int_equal(db_int1(f->db, &audits, "SELECT count(*) FROM audit_log WHERE entity = 'rule_set' AND entity_id IN ($1, $2)", "ii", id, id2), DB_ROW);
	assert_int_equal(audits, 5);
	/* the list: the catalogue's order, then the dates */
	struct rule_set *items;
	int n;
	assert_int_equal(rule_sets_list(f->db, &f->a, 0, "en", &items, &n), E_OK);
	assert_int_equal(n, 14);
	assert_string_equal(items[0].award_code, "LDTT");
	assert_int_equal(rule_sets_list(f->db, &f->a, gk->id, "en", &items, &n), E_OK);
	assert_int_equal(n, 2);
	assert_int_equal(items[0].id, id);
	assert_string_equal(items[0].award_name, "Certificate of Commendation");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_every_condition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ldtt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cstdcs_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cstdcs_initiative_or_rating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cstd_province_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cstd_national_rule_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bk_province, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bk_prime_minister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collective_advanced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collective_excellent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_government_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_sets_crud, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
