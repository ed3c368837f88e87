/* Unit tests of indicators (issue 13): periods; each aggregation of the live
** roll-up with exact values (a weighted ratio is not a mean of percents) and
** the parent equal to the aggregate of its children (the live rows equal a
** rebuild from the values); validation rules refusing inconsistent data with
** their own message, warning, and passing with a comment; approval by the
** level above locking the values, unlocking with a reason, the history;
** targets and achievement; an index's points and ranking on a worked example
** with ties and the change since last year; the demo's seed figures. Against a
** fresh SQLite file, or PostgreSQL under make test-pg-unit. */
#include <math.h>
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
#include "indicators/indicators.h"
#include "units/units.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
	int64_t vn, prov, d1, d2, c11, c12, c21, dept;
	struct user officer, reporter_c11, district_officer, viewer;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "indicators", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->prov = fixture_unit(f->db, "T-SL", "Tỉnh Sơn La", "province", f->vn);
	f->d1 = fixture_unit(f->db, "SL-D1", "Huyện Một", "district", f->prov);
	f->d2 = fixture_unit(f->db, "SL-D2", "Huyện Hai", "district", f->prov);
	f->c11 = fixture_unit(f->db, "SL-C11", "Xã Một Một", "commune", f->d1);
	f->c12 = fixture_unit(f->db, "SL-C12", "Xã Một Hai", "commune", f->d1);
	f->c21 = fixture_unit(f->db, "SL-C21", "Xã Hai Một", "commune", f->d2);
	f->dept = fixture_unit(f->db, "SL-STTTT", "Sở Thông tin và Truyền thông", "department", f->prov);
	fixture_grant(f->db, &f->a, &f->officer, "prov.officer", ROLE_OFFICER, f->prov);
	fixture_grant(f->db, &f->a, &f->reporter_c11, "c11.reporter", ROLE_REPORTER, f->c11);
	fixture_grant(f->db, &f->a, &f->district_officer, "d1.officer", ROLE_OFFICER, f->d1);
	fixture_grant(f->db, &f->a, &f->viewer, "viewer", ROLE_VIEWER, f->vn);
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

static int64_t indicator(struct fx *f, const char *code, const char *kind, const char *agg, const char *dir, const char *ptype)
{
	struct indicator_in in = { .code = code, .name_vi = code, .name_en = code, .name_hi = code, .measure = "",
				   .kind = kind, .aggregation = agg, .direction = dir, .period_type = ptype };
	struct field_errors fe = { 0 };
	int64_t id = 0;
	assert_int_equal(indicators_create(f->db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

static int enter(struct fx *f, const struct user *who, int64_t unit, const char *period, const char *code, double v, const char *comment,
		 struct ind_check *chk)
{
	struct ind_entry e = { .code = code, .has_value = 1, .value = v, .comment = comment };
	struct field_errors fe = { 0 };
	struct ind_check local;
	return indicators_enter(f->db, &f->a, who, unit, period, &e, 1, "en", &fe, chk ? chk : &local);
}

static int enter_ratio(struct fx *f, int64_t unit, const char *period, const char *code, double num, double den)
{
	struct ind_entry e = { .code = code, .has_ratio = 1, .numerator = num, .denominator = den };
	struct field_errors fe = { 0 };
	struct ind_check chk;
	return indicators_enter(f->db, &f->a, &auth_system, unit, period, &e, 1, "en", &fe, &chk);
}

static double figure(struct fx *f, const char *code, int64_t unit, const char *period)
{
	double v = NAN;
	int rc = indicator_value(f->db, code, unit, period, &v);
	return rc == E_OK ? v : NAN;
}

/* every live roll-up row equals the one rebuilt from the values */
static void assert_rollup_consistent(struct fx *f)
{
	int64_t live = 0, diff = 0;
	assert_int_equal(db_int1(f->db, &live, "SELECT count(*) FROM indicator_rollup WHERE n > 0", ""), DB_ROW);
	assert_int_equal(db_script(f->db, "CREATE TABLE rollup_live AS SELECT * FROM indicator_rollup WHERE n > 0"), DB_OK);
	assert_int_equal(rollup_rebuild(f->db), E_OK);
	assert_int_equal(db_int1(f->db, &diff,
				 "SELECT count(*) FROM rollup_live l LEFT JOIN indicator_rollup r ON r.indicator_id = l.indicator_id "
				 "AND r.unit_id = l.unit_id AND r.period = l.period WHERE r.n IS NULL OR r.n <> l.n OR abs(r.total - l.total) > 1e-9 "
				 "OR abs(r.num - l.num) > 1e-9 OR abs(r.den - l.den) > 1e-9 OR r.latest_seq <> l.latest_seq OR r.latest <> l.latest",
				 ""),
			 DB_ROW);
	assert_int_equal(diff, 0);
	int64_t rebuilt = 0;
	assert_int_equal(db_int1(f->db, &rebuilt, "SELECT count(*) FROM indicator_rollup", ""), DB_ROW);
	assert_int_equal(rebuilt, live);
	assert_int_equal(db_script(f->db, "DROP TABLE rollup_live"), DB_OK);
}

static void test_periods(void **state)
{
	(void)state;
	char p[IND_PERIOD_MAX];
	assert_string_equal(period_type_of("2025"), "year");
	assert_string_equal(period_type_of("2025-Q3"), "quarter");
	assert_string_equal(period_type_of("2025-07"), "month");
	assert_null(period_type_of("2025-13"));
	assert_null(period_type_of("2025-Q5"));
	assert_null(period_type_of("25"));
	assert_null(period_type_of("1800"));
	assert_int_equal(period_prev("2025", p, sizeof p), 0);
	assert_string_equal(p, "2024");
	assert_int_equal(period_prev("2025-Q1", p, sizeof p), 0);
	assert_string_equal(p, "2024-Q4");
	assert_int_equal(period_prev("2025-01", p, sizeof p), 0);
	assert_string_equal(p, "2024-12");
	char r[8][IND_PERIOD_MAX];
	assert_int_equal(period_range("2024-Q3", "2025-Q2", r, 8), 4);
	assert_string_equal(r[1], "2024-Q4");
	assert_string_equal(r[3], "2025-Q2");
	assert_int_equal(period_range("2025", "2024", r, 8), -1);
	/* periods typed the Vietnamese way */
	static const char *const typed[][2] = { { "2025", "2025" }, { " 2025-q3 ", "2025-Q3" }, { "07/2025", "2025-07" }, { "7/2025", "2025-07" },
						 { "12-2025", "2025-12" }, { "Q3/2025", "2025-Q3" }, { "q1 2025", "2025-Q1" }, { "quý 3/2025", "2025-Q3" },
						 { "Quý IV/2025", "2025-Q4" }, { "QUÝ II - 2025", "2025-Q2" } };
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
		assert_int_equal(period_parse(typed[i][0], p, sizeof p), 0);
		assert_string_equal(p, typed[i][1]);
	}
	static const char *const bad[] = { "", "13/2025", "0/2025", "Q5/2025", "Q32025", "quý/2025", "7/25", "07/1800", "2025-13", "tháng 7", NULL };
	for (int i = 0; bad[i]; i++) assert_int_equal(period_parse(bad[i], p, sizeof p), -1);
}

static void test_expr_numbers(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct ind_expr_error err;
	const char *c = NULL;
	/* the user's way in, the stored way out; everything else as typed */
	assert_int_equal(ind_expr_read(NULL, &a, "vi", "x >= 1.000 and y <= z * 0,5", &c, &err), E_OK);
	assert_string_equal(c, "x >= 1000 and y <= z * 0.5");
	assert_int_equal(ind_expr_read(NULL, &a, "en", "x >= 1,500,000.25 and v2 < 3", &c, &err), E_OK);
	assert_string_equal(c, "x >= 1500000.25 and v2 < 3");
	assert_int_equal(ind_expr_read(NULL, &a, "hi", "x >= 15,00,000.5", &c, &err), E_OK);
	assert_string_equal(c, "x >= 1500000.5");
	/* never guessed: refused at the number's column */
	assert_int_equal(ind_expr_read(NULL, &a, "vi", "x >= 1,500.5", &c, &err), E_INVALID);
	assert_int_equal(err.column, 6);
	assert_string_equal(ind_expr_error_text(&a, "en", &err), "Column 6: Write numbers like 1,500,000.5, found 1,500.5");
	assert_int_equal(ind_expr_read(NULL, &a, "vi", "x >= 0.5", &c, &err), E_INVALID);
	assert_int_equal(ind_expr_read(NULL, &a, "en", "x >= 1.500,5", &c, &err), E_INVALID);
	/* the stored form (the API's, the demo's) as before */
	assert_int_equal(ind_expr_read(NULL, &a, NULL, "x >= 0.5 * prev(x)", &c, &err), E_OK);
	assert_string_equal(c, "x >= 0.5 * prev(x)");
	/* shown the reader's way; the digits of a code untouched */
	assert_string_equal(ind_expr_shown(&a, "vi", "coverage_5g <= 1000.25 * 0.5 + prev(x2)"), "coverage_5g <= 1.000,25 * 0,5 + prev(x2)");
	assert_string_equal(ind_expr_shown(&a, "en", "x <= 1500000"), "x <= 1,500,000");
	assert_string_equal(ind_expr_shown(&a, "hi", "x <= 1500000.5"), "x <= 15,00,000.5");
	assert_string_equal(ind_expr_shown(&a, "vi", "x <= 1e3 and y > .5"), "x <= 1.000 and y > 0,5");
	arena_free(&a);
}

static void test_aggregations(void **state)
{
	struct fx *f = *state;
	indicator(f, "teams", "number", "sum", "higher", "year");
	indicator(f, "poverty", "percent", "mean", "lower", "year");
	indicator(f, "water", "ratio", "weighted", "higher", "year");
	indicator(f, "status", "number", "latest", "higher", "year");
	indicator(f, "own", "number", "none", "higher", "year");

	/* sum */
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "teams", 1000, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->c12, "2025", "teams", 448, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->c21, "2025", "teams", 1000, NULL, NULL), E_OK);
	assert_true(figure(f, "teams", f->d1, "2025") == 1448);
	assert_true(figure(f, "teams", f->d2, "2025") == 1000);
	assert_true(figure(f, "teams", f->prov, "2025") == 2448);
	assert_true(figure(f, "teams", f->vn, "2025") == 2448);
	/* a change moves every ancestor by the difference */
	assert_int_equal(enter(f, &auth_system, f->c12, "2025", "teams", 500, NULL, NULL), E_OK);
	assert_true(figure(f, "teams", f->d1, "2025") == 1500);
	assert_true(figure(f, "teams", f->prov, "2025") == 2500);
	/* the parent equals the aggregate of its children */
	assert_true(figure(f, "teams", f->prov, "2025") == figure(f, "teams", f->d1, "2025") + figure(f, "teams", f->d2, "2025"));
	assert_true(isnan(figure(f, "teams", f->dept, "2025")));
	assert_true(isnan(figure(f, "teams", f->prov, "2024")));

	/* mean: of the units with data */
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "poverty", 6.5, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->c12, "2025", "poverty", 9.5, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->c21, "2025", "poverty", 7.67, NULL, NULL), E_OK);
	assert_true(fabs(figure(f, "poverty", f->d1, "2025") - 8.0) < 1e-12);
	assert_true(fabs(figure(f, "poverty", f->prov, "2025") - (6.5 + 9.5 + 7.67) / 3) < 1e-12);

	/* weighted: Σ numerators / Σ denominators, not the mean of the percents */
	assert_int_equal(enter_ratio(f, f->c11, "2025", "water", 900, 1000), E_OK);    /* 90% */
	assert_int_equal(enter_ratio(f, f->c12, "2025", "water", 50, 100), E_OK);      /* 50% */
	assert_int_equal(enter_ratio(f, f->c21, "2025", "water", 440, 1000), E_OK);    /* 44% */
	assert_true(fabs(figure(f, "water", f->c12, "2025") - 50.0) < 1e-12);
	assert_true(fabs(figure(f, "water", f->d1, "2025") - 100.0 * 950 / 1100) < 1e-12);   /* 86.36…, not 70 */
	assert_true(fabs(figure(f, "water", f->prov, "2025") - 100.0 * 1390 / 2100) < 1e-12);  /* 66.19…, not 61.33 */

	/* latest: the value entered last in the subtree */
	assert_int_equal(enter(f, &auth_system, f->c21, "2025", "status", 3, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "status", 5, NULL, NULL), E_OK);
	assert_true(figure(f, "status", f->prov, "2025") == 5);
	assert_true(figure(f, "status", f->d2, "2025") == 3);
	assert_int_equal(enter(f, &auth_system, f->c21, "2025", "status", 4, NULL, NULL), E_OK);
	assert_true(figure(f, "status", f->prov, "2025") == 4);
	assert_true(figure(f, "status", f->d1, "2025") == 5);

	/* none: the unit's own value only */
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "own", 7, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->prov, "2025", "own", 2, NULL, NULL), E_OK);
	assert_true(figure(f, "own", f->prov, "2025") == 2);
	assert_true(isnan(figure(f, "own", f->d1, "2025")));

	assert_rollup_consistent(f);
}

static void test_entry_checks(void **state)
{
	struct fx *f = *state;
	indicator(f, "teams", "number", "sum", "higher", "year");
	indicator(f, "hygienic", "percent", "mean", "higher", "year");
	indicator(f, "water", "ratio", "weighted", "higher", "year");
	indicator(f, "monthly", "number", "sum", "higher", "month");
	struct field_errors fe = { 0 };
	struct ind_check chk;
	struct ind_entry e = { .code = "hygienic", .has_value = 1, .value = 101 };
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->c11, "2025", &e, 1, "en", &fe, &chk), E_INVALID);
	assert_string_equal(fe_get(&fe, "values[0]"), "A percent is from 0 to 100");
	memset(&fe, 0, sizeof fe);
	e = (struct ind_entry){ .code = "water", .has_ratio = 1, .numerator = 5, .denominator = 0 };
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->c11, "2025", &e, 1, "en", &fe, &chk), E_INVALID);
	assert_string_equal(fe_get(&fe, "values[0]"), "The denominator must be greater than 0");
	memset(&fe, 0, sizeof fe);
	e = (struct ind_entry){ .code = "monthly", .has_value = 1, .value = 1 };
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->c11, "2025", &e, 1, "en", &fe, &chk), E_INVALID);
	assert_string_equal(fe_get(&fe, "values[0]"), "The period does not match the indicator's period type");
	memset(&fe, 0, sizeof fe);
	e = (struct ind_entry){ .code = "nope", .has_value = 1, .value = 1 };
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->c11, "2025", &e, 1, "en", &fe, &chk), E_INVALID);
	assert_string_equal(fe_get(&fe, "values[0]"), "No such indicator");
	/* scope: a reporter enters for its own unit only; a viewer not at all */
	assert_int_equal(enter(f, &f->reporter_c11, f->c11, "2025", "teams", 3, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &f->reporter_c11, f->c12, "2025", "teams", 3, NULL, NULL), E_FORBIDDEN);
	assert_int_equal(enter(f, &f->viewer, f->c11, "2025", "teams", 3, NULL, NULL), E_FORBIDDEN);
	/* a definition that cannot aggregate is refused */
	struct indicator_in in = { .code = "bad", .name_vi = "x", .name_en = "x", .name_hi = "x", .kind = "percent",
				   .aggregation = "weighted", .direction = "higher", .period_type = "year" };
	memset(&fe, 0, sizeof fe);
	int64_t id;
	assert_int_equal(indicators_create(f->db, &auth_system, &in, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "aggregation"), "Only a ratio is weighted by its denominator");
	in.aggregation = "sum";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(indicators_create(f->db, &auth_system, &in, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "aggregation"), "Percents and ratios are not summed");
	in = (struct indicator_in){ .code = "Bad Code", .name_vi = "x", .name_en = "x", .name_hi = "x", .kind = "number",
				    .aggregation = "sum", .direction = "higher", .period_type = "year" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(indicators_create(f->db, &auth_system, &in, &fe, &id), E_INVALID);
	assert_non_null(fe_get(&fe, "code"));
	assert_int_equal(indicators_create(f->db, &f->reporter_c11, &in, &fe, &id), E_FORBIDDEN);
}

static int64_t rule(struct fx *f, const char *code, const char *expr, const char *msg, const char *severity)
{
	struct ind_rule_in in = { .code = code, .expression = expr, .message_vi = msg, .message_en = msg, .message_hi = msg,
				  .severity = severity, .active = 1 };
	struct field_errors fe = { 0 };
	struct ind_expr_error err;
	int64_t id = 0;
	assert_int_equal(ind_rules_create(f->db, &auth_system, &in, &fe, &err, &id), E_OK);
	return id;
}

static void test_rules(void **state)
{
	struct fx *f = *state;
	indicator(f, "houses_new", "number", "sum", "higher", "year");
	indicator(f, "houses_repaired", "number", "sum", "higher", "year");
	indicator(f, "houses_supported", "number", "sum", "higher", "year");
	indicator(f, "hygienic", "number", "mean", "higher", "year");
	rule(f, "houses_total", "houses_new + houses_repaired = houses_supported",
	     "New and repaired houses must add up to the houses supported", "error");
	rule(f, "hygienic_range", "hygienic >= 0 and hygienic <= 100", "Hygienic water is a percent from 0 to 100", "error");
	rule(f, "houses_drop", "houses_supported >= 0.5 * prev(houses_supported)",
	     "More than 50% below last year: explain it in a comment", "comment");
	rule(f, "houses_many", "houses_new <= 5000", "Unusually many new houses", "warning");

	/* the three values in one entry: consistent */
	struct ind_entry e[3] = { { .code = "houses_new", .has_value = 1, .value = 2653 },
				  { .code = "houses_repaired", .has_value = 1, .value = 405 },
				  { .code = "houses_supported", .has_value = 1, .value = 3058 } };
	struct field_errors fe = { 0 };
	struct ind_check chk;
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->prov, "2024", e, 3, "en", &fe, &chk), E_OK);
	assert_int_equal(chk.nwarn, 0);
	/* inconsistent: refused with the rule's own message, nothing written */
	e[2].value = 3000;
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->prov, "2025", e, 3, "en", &fe, &chk), E_INVALID);
	assert_string_equal(chk.rule, "houses_total");
	assert_string_equal(chk.message, "New and repaired houses must add up to the houses supported");
	assert_true(isnan(figure(f, "houses_new", f->prov, "2025")));
	/* a value alone is judged with the others already there */
	assert_int_equal(enter(f, &auth_system, f->prov, "2024", "houses_new", 2600, NULL, &chk), E_INVALID);
	assert_string_equal(chk.rule, "houses_total");
	assert_true(figure(f, "houses_new", f->prov, "2024") == 2653);
	/* a rule naming a value not entered yet is not judged */
	assert_int_equal(enter(f, &auth_system, f->d1, "2025", "houses_new", 10, NULL, &chk), E_OK);
	/* the range */
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "hygienic", 144, NULL, &chk), E_INVALID);
	assert_string_equal(chk.message, "Hygienic water is a percent from 0 to 100");
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "hygienic", 44, NULL, &chk), E_OK);
	/* more than 50% below last year: refused without a comment, accepted with one (as a warning) */
	e[0].value = 1000, e[1].value = 400, e[2].value = 1400;
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->prov, "2025", e, 3, "en", &fe, &chk), E_INVALID);
	assert_string_equal(chk.rule, "houses_drop");
	e[2].comment = "Most houses were finished in 2024";
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->prov, "2025", e, 3, "en", &fe, &chk), E_OK);
	assert_int_equal(chk.nwarn, 1);
	assert_string_equal(chk.warn_rule[0], "houses_drop");
	/* a warning accepts and says so */
	e[0].value = 6000, e[2].value = 6400;
	assert_int_equal(indicators_enter(f->db, &f->a, &auth_system, f->prov, "2025", e, 3, "en", &fe, &chk), E_OK);
	assert_int_equal(chk.nwarn, 1);
	assert_string_equal(chk.warn_rule[0], "houses_many");
	assert_string_equal(chk.warn_message[0], "Unusually many new houses");

	/* expressions that do not parse, with their column */
	struct ind_expr_error err;
	assert_int_equal(ind_expr_check(f->db, &f->a, "houses_new + = 3", &err), E_INVALID);
	assert_int_equal(err.column, 14);
	assert_string_equal(ind_expr_error_text(&f->a, "en", &err), "Column 14: Expected a value, found =");
	assert_int_equal(ind_expr_check(f->db, &f->a, "houses_new + 3", &err), E_INVALID);
	assert_string_equal(err.reason, "A rule must compare values (=, <, >, …)");
	assert_int_equal(ind_expr_check(f->db, &f->a, "houses_old > 3", &err), E_INVALID);
	assert_int_equal(err.column, 1);
	assert_string_equal(ind_expr_error_text(&f->a, "en", &err), "Column 1: Unknown indicator code houses_old");
	assert_int_equal(ind_expr_check(f->db, &f->a, "(houses_new > 3", &err), E_INVALID);
	assert_string_equal(ind_expr_error_text(&f->a, "en", &err), "Column 16: Expected “)”, found end of rule");
	assert_int_equal(ind_expr_check(f->db, &f->a, "houses_new > 3 houses_new", &err), E_INVALID);
	assert_int_equal(ind_expr_check(f->db, &f->a, "not (houses_new > 3) or -houses_new / 2 <> 1", &err), E_OK);
}

static void test_approval(void **state)
{
	struct fx *f = *state;
	int64_t teams = indicator(f, "teams", "number", "sum", "higher", "year");
	assert_int_equal(enter(f, &f->reporter_c11, f->c11, "2025", "teams", 12, NULL, NULL), E_OK);
	int n = 0;
	/* the unit itself does not approve its values; the level above does */
	assert_int_equal(indicators_approve(f->db, &f->reporter_c11, f->c11, "2025", &n), E_FORBIDDEN);
	assert_int_equal(indicators_approve(f->db, &f->district_officer, f->d1, "2025", &n), E_FORBIDDEN);
	assert_int_equal(indicators_approve(f->db, &f->district_officer, f->c11, "2025", &n), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(indicators_approve(f->db, &f->district_officer, f->c11, "2025", &n), E_STATE);
	/* locked */
	assert_int_equal(enter(f, &f->reporter_c11, f->c11, "2025", "teams", 13, NULL, NULL), E_STATE);
	assert_true(figure(f, "teams", f->d1, "2025") == 12);
	/* unlock needs a reason */
	assert_int_equal(indicators_unlock(f->db, &f->district_officer, f->c11, "2025", "", &n), E_INVALID);
	assert_int_equal(indicators_unlock(f->db, &f->reporter_c11, f->c11, "2025", "typo", &n), E_FORBIDDEN);
	assert_int_equal(indicators_unlock(f->db, &f->district_officer, f->c11, "2025", "A typo in the count", &n), E_OK);
	assert_int_equal(n, 1);
	assert_int_equal(enter(f, &f->reporter_c11, f->c11, "2025", "teams", 13, NULL, NULL), E_OK);
	assert_true(figure(f, "teams", f->prov, "2025") == 13);
	/* the history of the value */
	struct ind_history *h;
	assert_int_equal(indicators_history(f->db, &f->a, teams, f->c11, "2025", &h, &n), E_OK);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].action, "enter");
	assert_true(h[0].value == 12);
	assert_string_equal(h[0].user, "c11.reporter");
	assert_string_equal(h[1].action, "approve");
	assert_string_equal(h[1].user, "d1.officer");
	assert_string_equal(h[2].action, "unlock");
	assert_string_equal(h[2].comment, "A typo in the count");
	assert_string_equal(h[3].action, "enter");
	assert_true(h[3].value == 13);
	/* the values of the unit's form */
	struct ind_value *v;
	assert_int_equal(indicators_unit_values(f->db, &f->a, f->c11, "2025", "en", &v, &n), E_OK);
	assert_int_equal(n, 1);
	assert_true(v[0].has && v[0].value == 13);
	assert_string_equal(v[0].status, "entered");
	/* the audit log has the entry, the approval and the unlock */
	int64_t audits = 0;
	assert_int_equal(db_int1(f->db, &audits,
				 "SELECT count(*) FROM audit_log WHERE entity = 'unit' AND action IN ('enter values', 'approve values', 'unlock values')",
				 ""),
			 DB_ROW);
	assert_int_equal(audits, 4);
}

static void test_targets(void **state)
{
	struct fx *f = *state;
	int64_t teams = indicator(f, "teams", "number", "sum", "higher", "year");
	int64_t poverty = indicator(f, "poverty", "percent", "mean", "lower", "year");
	struct field_errors fe = { 0 };
	assert_int_equal(indicators_set_target(f->db, &f->officer, teams, f->prov, "2025", 3000, &fe), E_OK);
	assert_int_equal(indicators_set_target(f->db, &f->officer, poverty, f->prov, "2025", 8, &fe), E_OK);
	assert_int_equal(indicators_set_target(f->db, &f->reporter_c11, teams, f->c11, "2025", 10, &fe), E_FORBIDDEN);
	assert_int_equal(indicators_set_target(f->db, &f->officer, teams, f->prov, "2025-07", 10, &fe), E_INVALID);
	assert_int_equal(enter(f, &auth_system, f->c11, "2025", "teams", 2448, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, f->prov, "2025", "poverty", 7.89, NULL, NULL), E_OK);
	struct indicator *x;
	struct ind_figure fig;
	assert_int_equal(indicators_get(f->db, &f->a, teams, "en", &x), E_OK);
	assert_int_equal(indicator_figure(f->db, x, f->prov, "2025", &fig), E_OK);
	assert_true(fig.has && fig.value == 2448 && fig.has_target && fig.target == 3000);
	assert_true(fabs(fig.achievement - 81.6) < 1e-9);
	assert_int_equal(indicators_get(f->db, &f->a, poverty, "en", &x), E_OK);
	assert_int_equal(indicator_figure(f->db, x, f->prov, "2025", &fig), E_OK);
	assert_true(fabs(fig.achievement - 100.0 * 8 / 7.89) < 1e-9);   /* lower is better: above 100% */
}

/* The worked example: 4 departments, an index of 100 points:
**   A infrastructure 60 = A1 online services (linear 0..100%, 40) + A2 signatures (threshold 50:10;90:20, 20)
**   B people 40 = B1 trained staff (rank, 40)
** values (2025):     online  signatures  trained
**   D1               100     95          30
**   D2               50      60          30
**   D3               75      95          10
**   D4               —       40          20
** trained (rank): D1, D2 tie first (rank 1: 40), D4 third (40 × (4−3)/3), D3 fourth (0).
** scores: D1 40+20+40 = 100; D2 20+10+40 = 70; D3 30+20+0 = 50; D4 0+0+13.33… = 13.33….
** Then the values change so that D1 and D3 tie at 90 (both rank 1), D2 80 (rank 3), D4 0. */
static void test_index_ranking(void **state)
{
	struct fx *f = *state;
	indicator(f, "online", "percent", "mean", "higher", "year");
	indicator(f, "signatures", "percent", "mean", "higher", "year");
	indicator(f, "trained", "number", "sum", "higher", "year");
	int64_t d[4];
	const char *codes[4] = { "SL-S1", "SL-S2", "SL-S3", "SL-S4" };
	for (int i = 0; i < 4; i++) d[i] = fixture_unit(f->db, codes[i], codes[i], "department", f->d2);
	double online[4] = { 100, 50, 75, NAN }, sig[4] = { 95, 60, 95, 40 }, trained[4] = { 30, 30, 10, 20 };
	for (int i = 0; i < 4; i++) {
		if (!isnan(online[i])) assert_int_equal(enter(f, &auth_system, d[i], "2025", "online", online[i], NULL, NULL), E_OK);
		assert_int_equal(enter(f, &auth_system, d[i], "2025", "signatures", sig[i], NULL, NULL), E_OK);
		assert_int_equal(enter(f, &auth_system, d[i], "2025", "trained", trained[i], NULL, NULL), E_OK);
	}
	/* last year: D3 led */
	assert_int_equal(enter(f, &auth_system, d[2], "2024", "online", 100, NULL, NULL), E_OK);
	assert_int_equal(enter(f, &auth_system, d[0], "2024", "online", 10, NULL, NULL), E_OK);
	struct index_criterion c[5] = {
		{ .code = "A", .name_vi = "Hạ tầng", .name_en = "Infrastructure", .name_hi = "A", .points = 60 },
		{ .code = "A1", .name_vi = "A1", .name_en = "Online services", .name_hi = "A1", .points = 40, .parent_id = 1,
		  .indicator_code = "online", .method = "linear", .lo = 0, .hi = 100 },
		{ .code = "A2", .name_vi = "A2", .name_en = "Signatures", .name_hi = "A2", .points = 20, .parent_id = 1,
		  .indicator_code = "signatures", .method = "threshold", .thresholds = "50:10;90:20" },
		{ .code = "B", .name_vi = "Con người", .name_en = "People", .name_hi = "B", .points = 40 },
		{ .code = "B1", .name_vi = "B1", .name_en = "Trained staff", .name_hi = "B1", .points = 40, .parent_id = 4,
		  .indicator_code = "trained", .method = "rank" },
	};
	struct index_in in = { .code = "DTI-TEST", .name_vi = "Chỉ số", .name_en = "Index", .name_hi = "Index", .scope_id = f->d2,
			       .unit_kind = "department", .total_points = 100, .crit = c, .ncrit = 5 };
	struct field_errors fe = { 0 };
	int64_t ix = 0;
	/* points that do not add up are refused */
	in.total_points = 1000;
	assert_int_equal(indexes_create(f->db, &auth_system, &in, &fe, &ix), E_INVALID);
	assert_string_equal(fe_get(&fe, "total_points"), "The points of the main criteria must add up to the total");
	in.total_points = 100;
	c[1].points = 30;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(indexes_create(f->db, &auth_system, &in, &fe, &ix), E_INVALID);
	assert_string_equal(fe_get(&fe, "criteria[0]"), "The points of its sub-criteria must add up to its points");
	c[1].points = 40;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(indexes_create(f->db, &auth_system, &in, &fe, &ix), E_OK);

	struct index_ranking *r;
	assert_int_equal(indexes_rank(f->db, &f->a, ix, 2025, "en", &r), E_OK);
	assert_int_equal(r->nrows, 4);
	assert_string_equal(r->rows[0].unit_code, "SL-S1");
	assert_true(fabs(r->rows[0].score - 100) < 1e-9);
	assert_int_equal(r->rows[0].rank, 1);
	assert_true(fabs(r->rows[0].points[0] - 60) < 1e-9);   /* main A */
	assert_true(fabs(r->rows[0].points[4] - 40) < 1e-9);
	assert_string_equal(r->rows[1].unit_code, "SL-S2");
	assert_true(fabs(r->rows[1].score - 70) < 1e-9);
	assert_string_equal(r->rows[2].unit_code, "SL-S3");
	assert_true(fabs(r->rows[2].score - 50) < 1e-9);
	assert_string_equal(r->rows[3].unit_code, "SL-S4");
	assert_true(fabs(r->rows[3].score - 40.0 / 3) < 1e-9);
	assert_true(isnan(r->rows[3].values[1]));
	/* change since last year: D3 was first (40 points of online), D1 second */
	assert_true(r->rows[2].has_prev && r->rows[2].prev_rank == 1 && fabs(r->rows[2].prev_score - 40) < 1e-9);
	assert_true(r->rows[0].has_prev && r->rows[0].prev_rank == 2 && fabs(r->rows[0].prev_score - 4) < 1e-9);
	assert_false(r->rows[1].has_prev);

	/* a tie: D2 reaches 50 with D3 (trained 30 → rank; online 50 → 75 gives 30): both rank 2, D4 rank 4 */
	assert_int_equal(enter(f, &auth_system, d[1], "2025", "signatures", 40, NULL, NULL), E_OK);   /* 70 - 10 = 60 */
	assert_int_equal(enter(f, &auth_system, d[2], "2025", "trained", 30, NULL, NULL), E_OK);     /* D3: 30+20+40 = 90; rank tie of three */
	assert_int_equal(enter(f, &auth_system, d[1], "2025", "online", 100, NULL, NULL), E_OK);     /* D2: 40+0+40 = 80 */
	assert_int_equal(enter(f, &auth_system, d[0], "2025", "online", 75, NULL, NULL), E_OK);      /* D1: 30+20+40 = 90 */
	assert_int_equal(indexes_rank(f->db, &f->a, ix, 2025, "en", &r), E_OK);
	assert_string_equal(r->rows[0].unit_code, "SL-S1");
	assert_string_equal(r->rows[1].unit_code, "SL-S3");
	assert_int_equal(r->rows[0].rank, 1);
	assert_int_equal(r->rows[1].rank, 1);
	assert_true(fabs(r->rows[1].score - 90) < 1e-9);
	assert_string_equal(r->rows[2].unit_code, "SL-S2");
	assert_int_equal(r->rows[2].rank, 3);
	assert_true(fabs(r->rows[2].score - 80) < 1e-9);
	assert_string_equal(r->rows[3].unit_code, "SL-S4");
	assert_int_equal(r->rows[3].rank, 4);
	assert_true(fabs(r->rows[3].score - 0) < 1e-9);   /* trained 20 is now last of four: 0 */

	/* the hook */
	double pts = 0;
	assert_int_equal(index_score(f->db, "DTI-TEST", d[1], 2025, &pts), E_OK);
	assert_true(fabs(pts - 80) < 1e-9);
	assert_int_equal(index_score(f->db, "DTI-TEST", f->c11, 2025, &pts), E_NOTFOUND);
	assert_int_equal(index_score(f->db, "NOPE", d[1], 2025, &pts), E_NOTFOUND);

	/* changed at its version: B1 by linear 0 → 40 trained; a stale version changes nothing */
	c[4].method = "linear";
	c[4].lo = 0;
	c[4].hi = 40;
	in.name_en = "Digital index";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(indexes_update(f->db, &auth_system, ix, 1, &in, &fe), E_OK);
	assert_int_equal(indexes_update(f->db, &auth_system, ix, 1, &in, &fe), E_CONFLICT);
	in.total_points = 1000;
	assert_int_equal(indexes_update(f->db, &auth_system, ix, 2, &in, &fe), E_INVALID);
	struct composite_index *got;
	assert_int_equal(indexes_get(f->db, &f->a, ix, "en", &got), E_OK);
	assert_int_equal(got->version, 2);
	assert_string_equal(got->name, "Digital index");
	assert_int_equal(got->ncrit, 5);
	assert_string_equal(got->crit[4].method, "linear");
	assert_int_equal(got->crit[4].parent_id, got->crit[3].id);
	/* D2: 40 + 0 + 30 / 40 × 40 = 70 */
	assert_int_equal(index_score(f->db, "DTI-TEST", d[1], 2025, &pts), E_OK);
	assert_true(fabs(pts - 70) < 1e-9);
	int64_t audited = 0;
	assert_int_equal(db_int1(f->db, &audited, "SELECT count(*) FROM audit_log WHERE entity = 'composite_index' AND action = 'update'", ""), DB_ROW);
	assert_int_equal(audited, 1);

	/* the scoring rules alone */
	struct index_criterion lin = { .points = 40, .method = "linear", .lo = 50, .hi = 10, .direction = "lower" };
	assert_true(fabs(index_points(&lin, 30, 0, 0) - 20) < 1e-9);
	assert_true(fabs(index_points(&lin, 5, 0, 0) - 40) < 1e-9);
	assert_true(fabs(index_points(&lin, 60, 0, 0) - 0) < 1e-9);
	struct index_criterion thr = { .points = 20, .method = "threshold", .thresholds = "10:20;5:10", .direction = "lower" };
	assert_true(fabs(index_points(&thr, 4, 0, 0) - 10) < 1e-9);
	assert_true(fabs(index_points(&thr, 8, 0, 0) - 20) < 1e-9);
	assert_true(fabs(index_points(&thr, 11, 0, 0) - 0) < 1e-9);
}

static void test_demo_seed_figures(void **state)
{
	struct fx *f = *state;
	/* the demo needs the demo's units: Sơn La and its departments */
	int n = 0;
	assert_int_equal(db_exec(f->db, "UPDATE units SET code = 'T-SONLA' WHERE id = $1", "i", f->prov), DB_OK);
	const char *depts[] = { "T-SONLA-STTTT", "T-SONLA-SNV", "T-SONLA-SKHCN", "T-SONLA-SGDDT", "T-SONLA-SYT",
				"T-SONLA-SNNPTNT", "T-SONLA-STC", "T-SONLA-SKHDT", "T-SONLA-SXD", "T-SONLA-SVHTTDL" };
	for (int i = 0; i < 10; i++) fixture_unit(f->db, depts[i], depts[i], "department", f->prov);
	assert_int_equal(indicators_demo_load(f->db, &auth_system, NULL, &n), 0);
	assert_true(n > 0);
	assert_true(figure(f, "dx_community_teams", f->prov, "2025") == 2448);
	assert_true(figure(f, "houses_supported", f->prov, "2025") == 3058);
	assert_true(figure(f, "houses_new", f->prov, "2025") == 2653);
	assert_true(figure(f, "houses_repaired", f->prov, "2025") == 405);
	assert_true(fabs(figure(f, "rural_clean_water", f->prov, "2025") - 100) < 1e-9);
	assert_true(fabs(figure(f, "rural_hygienic_water", f->prov, "2025") - 44) < 1e-9);
	assert_true(fabs(figure(f, "poverty_multidimensional", f->prov, "2025") - 7.89) < 1e-9);
	assert_true(fabs(figure(f, "coverage_4g", f->prov, "2025") - 97.25) < 1e-9);
	assert_true(fabs(figure(f, "coverage_5g", f->prov, "2025") - 10.14) < 1e-9);
	assert_true(figure(f, "procedures_total", f->prov, "2025") == 2154);
	assert_true(figure(f, "procedures_full_online", f->prov, "2025") == 382);
	assert_true(figure(f, "procedures_partly_online", f->prov, "2025") == 1601);
	assert_true(fabs(figure(f, "digital_app_users", f->prov, "2025") - 66.76) < 1e-9);
	assert_true(fabs(figure(f, "fibre_villages", f->prov, "2025") - 80.03) < 1e-9);
	assert_true(fabs(figure(f, "urbanisation", f->prov, "2025") - 20.6) < 1e-9);
	assert_true(figure(f, "communes_new_rural", f->prov, "2025") == 74);
	assert_true(figure(f, "communes_advanced_rural", f->prov, "2025") == 11);
	assert_true(figure(f, "st_tasks", f->prov, "2025") == 8);
	/* the index ranks the departments */
	struct composite_index *ix;
	assert_int_equal(indexes_find(f->db, &f->a, "DTI-SL-SO", "en", &ix), E_OK);
	assert_true(fabs(ix->total_points - 1000) < 1e-9);
	struct index_ranking *r;
	assert_int_equal(indexes_rank(f->db, &f->a, ix->id, 2025, "en", &r), E_OK);
	assert_true(r->nrows >= 5);
	assert_int_equal(r->rows[0].rank, 1);
	assert_rollup_consistent(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_expr_numbers),
		cmocka_unit_test_setup_teardown(test_aggregations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_ranking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_seed_figures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
