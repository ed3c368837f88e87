/* Unit tests of the input layer (src/web/input.c): a number outside its
** field's range, however large and however written (a JSON integer or real,
** a form's text in the reader's language), is refused with the field's
** range in the reader's language, never a bare "out of range"; a query
** parameter below its minimum says its range too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "base/errors.h"
#include "base/i18n.h"
#include "web.h"

static const struct field_spec spec[] = {
	{ "percent", F_INT, 0, 0, 0, 100, NULL },
	{ "vnd", F_INT, 0, 0, 0, 1000000000000000LL, NULL },
	{ "year", F_INT, 0, 0, 1945, 2200, NULL },
	{ "unit_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

struct reading {
	struct req r;
	struct field_errors fe;
	struct input in;
};

static void begin(struct reading *x, const char *lang)
{
	memset(x, 0, sizeof *x);
	arena_init(&x->r.a);
	TAILQ_INIT(&x->r.query);
	TAILQ_INIT(&x->r.form);
	x->r.lang = lang;
	x->r.method = M_POST;
}

static void end(struct reading *x)
{
	if (x->r.json) json_decref(x->r.json);
	evhttp_clear_headers(&x->r.form);
	evhttp_clear_headers(&x->r.query);
	arena_free(&x->r.a);
}

/* a field's message as the reply shows it: a message id translated, a
** message made whole (the range) as it is */
static const char *shown(const char *lang, const char *msg) { return msg ? i18n_get(lang, msg) : "(none)"; }

/* the message the API gives for a field of the JSON body */
static void json_says(const char *lang, const char *body, const char *field, const char *want)
{
	struct reading x;
	begin(&x, lang);
	json_error_t err;
	x.r.json = json_loads(body, 0, &err);
	assert_non_null(x.r.json);
	x.r.api = 1;
	assert_int_equal(input_read(&x.r, spec, &x.in, &x.fe, 1), E_INVALID);
	const char *got = shown(lang, fe_get(&x.fe, field));
	if (strcmp(got, want)) fail_msg("%s %s: \"%s\", not \"%s\"", lang, body, got, want);
	end(&x);
}

/* the message a page's form gives for field typed as text */
static void form_says(const char *lang, const char *field, const char *typed, const char *want)
{
	struct reading x;
	begin(&x, lang);
	evhttp_add_header(&x.r.form, field, typed);
	assert_int_equal(input_read(&x.r, spec, &x.in, &x.fe, 1), E_INVALID);
	const char *got = shown(lang, fe_get(&x.fe, field));
	if (strcmp(got, want)) fail_msg("%s %s=%s: \"%s\", not \"%s\"", lang, field, typed, got, want);
	/* the number is not kept */
	for (int k = 0; spec[k].name; k++)
		if (!strcmp(spec[k].name, field)) {
			assert_int_equal(x.in.present[k], 0);
			assert_int_equal(x.in.i[k], 0);
		}
	end(&x);
}

static void test_json_out_of_range_says_the_range(void **state)
{
	(void)state;
	/* 150 and 3 000 000 000 alike: the range, never "out of range" */
	json_says("vi", "{\"percent\": 150}", "percent", "Phải từ 0 đến 100");
	json_says("vi", "{\"percent\": 3000000000}", "percent", "Phải từ 0 đến 100");
	json_says("en", "{\"percent\": 3000000000}", "percent", "Must be from 0 to 100");
	json_says("hi", "{\"percent\": -1}", "percent", "0 से 100 तक होना चाहिए");
	json_says("en", "{\"percent\": 9223372036854775807}", "percent", "Must be from 0 to 100");
	json_says("en", "{\"percent\": -9223372036854775808}", "percent", "Must be from 0 to 100");
	/* a real past the range (JavaScript writes 1e21 so) says the range; inside it, that it is not whole */
	json_says("en", "{\"percent\": 1e21}", "percent", "Must be from 0 to 100");
	json_says("en", "{\"percent\": 150.5}", "percent", "Must be from 0 to 100");
	json_says("en", "{\"percent\": 50.5}", "percent", "Must be a whole number");
	/* money: its range grouped as each language groups numbers */
	json_says("vi", "{\"vnd\": 3000000000000000}", "vnd", "Phải từ 0 đến 1.000.000.000.000.000");
	json_says("en", "{\"vnd\": -5}", "vnd", "Must be from 0 to 1,000,000,000,000,000");
	json_says("hi", "{\"vnd\": 1e300}", "vnd", "0 से 1,00,00,00,00,00,00,000 तक होना चाहिए");
	/* years are written ungrouped */
	json_says("vi", "{\"year\": 30000000000}", "year", "Phải từ 1945 đến 2200");
	/* an identifier's range is its minimum; past the largest integer, the whole range */
	json_says("vi", "{\"unit_id\": 0}", "unit_id", "Phải từ 1 trở lên");
	json_says("en", "{\"unit_id\": -3}", "unit_id", "Must be 1 or more");
	json_says("en", "{\"unit_id\": 1e30}", "unit_id", "Must be from 1 to 9,223,372,036,854,775,807");
}

static void test_form_out_of_range_says_the_range(void **state)
{
	(void)state;
	form_says("vi", "percent", "150", "Phải từ 0 đến 100");
	form_says("vi", "percent", "3.000.000.000", "Phải từ 0 đến 100");
	form_says("vi", "percent", "3000000000", "Phải từ 0 đến 100");
	/* more digits than any integer holds, and a number with decimals past the range */
	form_says("vi", "percent", "300000000000000000000000000000000000000000000000000", "Phải từ 0 đến 100");
	form_says("en", "percent", "-99999999999999999999", "Must be from 0 to 100");
	form_says("vi", "percent", "150,5", "Phải từ 0 đến 100");
	form_says("vi", "percent", "50,5", "Phải là số nguyên");
	form_says("vi", "percent", "nhiều", "Phải là số nguyên");
	form_says("vi", "vnd", "2.000.000.000.000.000 ₫", "Phải từ 0 đến 1.000.000.000.000.000");
	form_says("hi", "vnd", "-1", "0 से 1,00,00,00,00,00,00,000 तक होना चाहिए");
	form_says("en", "year", "1850", "Must be from 1945 to 2200");
	form_says("vi", "unit_id", "0", "Phải từ 1 trở lên");
	form_says("vi", "unit_id", "99999999999999999999", "Phải từ 1 đến 9.223.372.036.854.775.807");
	/* inside the range, and a leading zero of a long text, are read */
	struct reading x;
	begin(&x, "vi");
	evhttp_add_header(&x.r.form, "percent", "0000000000000000000000100");
	evhttp_add_header(&x.r.form, "vnd", "1.000.000.000.000.000");
	assert_int_equal(input_read(&x.r, spec, &x.in, &x.fe, 1), E_OK);
	assert_int_equal(x.in.i[0], 100);
	assert_int_equal(x.in.i[1], 1000000000000000LL);
	end(&x);
}

/* a query parameter: below its minimum is remembered with the range, above a cap is the cap */
static void test_query_range(void **state)
{
	(void)state;
	static const struct {
		const char *query, *lang;
		int64_t min, max, want;
		const char *msg;
	} cases[] = {
		{ "offset=-3", "en", 0, INT64_MAX, 50, "Must be 0 or more" },
		{ "offset=-99999999999999999999", "vi", 0, INT64_MAX, 50, "Phải từ 0 trở lên" },
		{ "offset=99999999999999999999", "en", 0, INT64_MAX, INT64_MAX, NULL },
		{ "limit=0", "en", 1, 500, 50, "Must be from 1 to 500" },
		{ "limit=99999999999999999999", "en", 1, 500, 500, NULL },
		{ "limit=600", "en", 1, 500, 500, NULL },
		{ "limit=abc", "en", 1, 500, 50, "Must be a whole number" },
		{ "year=1800", "vi", 1945, 2200, 50, "Phải từ 1945 đến 2200" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct reading x;
		begin(&x, cases[i].lang);
		x.r.method = M_GET;
		assert_int_equal(evhttp_parse_query_str(cases[i].query, &x.r.query), 0);
		const char *name = strchr(cases[i].query, '=') ? strndup(cases[i].query, (size_t)(strchr(cases[i].query, '=') - cases[i].query)) : NULL;
		int64_t v = query_int(&x.r, name, 50, cases[i].min, cases[i].max);
		if (v != cases[i].want) fail_msg("%s: %lld", cases[i].query, (long long)v);
		if (!cases[i].msg) assert_null(x.r.qerr);
		else {
			assert_string_equal(x.r.qerr, name);
			const char *got = shown(cases[i].lang, x.r.qerr_msg); /* as query_bad's answer shows it */
			if (strcmp(got, cases[i].msg)) fail_msg("%s: \"%s\", not \"%s\"", cases[i].query, got, cases[i].msg);
		}
		free((char *)name);
		end(&x);
	}
}

/* i18n_parse_int: a whole number of any length is one, told apart from a fraction or a word */
static void test_parse_int_out_of_reach(void **state)
{
	(void)state;
	int64_t n = 0;
	assert_int_equal(i18n_parse_int("en", "9,223,372,036,854,775,807", &n), -2); /* 19 digits: out of reach */
	assert_true(n == INT64_MAX);
	assert_int_equal(i18n_parse_int("vi", "-123456789012345678901234567890", &n), -2);
	assert_true(n == INT64_MIN);
	assert_int_equal(i18n_parse_int("vi", "000000000000000000000042", &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(i18n_parse_int("vi", "1,5", &n), -1);
	assert_int_equal(i18n_parse_int("vi", "abc", &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_out_of_range_says_the_range),
		cmocka_unit_test(test_form_out_of_range_says_the_range),
		cmocka_unit_test(test_query_range),
		cmocka_unit_test(test_parse_int_out_of_reach),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
