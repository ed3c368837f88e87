/* Unit tests of the text layer: diacritic folding, escaping, JSON writer,
** CSV reader, locale formatting, message catalogs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/fold.h"
#include "base/i18n.h"
#include "base/json.h"

static void fold_is(const char *in, const char *want)
{
	char *got = fold_dup(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_fold_vietnamese(void **state)
{
	(void)state;
	fold_is("Đà Nẵng", "da nang");
	fold_is("Thừa Thiên Huế", "thua thien hue");
	fold_is("  Quảng   Yên ", "quang yen");
	fold_is("NGUYỄN THỊ LAN", "nguyen thi lan");
	fold_is("Sở Khoa học và Công nghệ", "so khoa hoc va cong nghe");
	fold_is("đ Đ ơ Ơ ư Ư ă Ă â ê ô", "d d o o u u a a a e o");
	/* decomposed input (combining marks) folds the same as composed */
	fold_is("Da\xcc\x80 Na\xcc\x86\xcc\x83ng", "da nang");
	fold_is("अनुकरण", "अनुकरण"); /* Devanagari is kept as it is */
	fold_is("", "");
}

static void words_is(const char *in, const char *want)
{
	char *got = fold_words_dup(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_fold_words(void **state)
{
	(void)state;
	words_is("Nguyễn Văn An", "nguyen van an");
	words_is("H'Hen Niê", "h hen nie");
	words_is("H\xe2\x80\x99Hen (Y-Moan)", "h hen y moan");   /* typographic apostrophe */
	words_is("  Trần -- Thị.  Lan, ", "tran thi lan");
	words_is("Lê – Văn—Tám “Út”", "le van tam ut");
	words_is("a_b%c\\d", "a b c d");          /* LIKE's own characters are separators too */
	words_is("Số 10", "so 10");
	words_is("अनुकरण", "अनुकरण");
	words_is("-'.", "");
	words_is("", "");
}

static void test_like_pattern_escapes(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(like_pattern(&a, "Đà_Nẵng 100%"), "%da\\_nang 100\\%%");
	arena_free(&a);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("Huế", strlen("Huế")));
	assert_false(utf8_valid("\xc3\x28", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));   /* a surrogate */
	assert_false(utf8_valid("\xc0\xaf", 2));       /* overlong */
}

static void test_html_and_url_escape(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	buf_html(&b, "<script>alert('x')</script> & \"q\"");
	assert_string_equal(b.p, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	buf_reset(&b);
	/* controls other than tab and line ends (a BEL typed into a refused form) become U+FFFD */
	buf_html(&b, "a\x07" "b\tc\r\nd\x7f\x1b[31m");
	assert_string_equal(b.p, "a\xEF\xBF\xBD" "b\tc\r\nd\xEF\xBF\xBD\xEF\xBF\xBD[31m");
	buf_reset(&b);
	buf_url(&b, "Đà Nẵng/a?b=c&d");
	assert_string_equal(b.p, "%C4%90%C3%A0%20N%E1%BA%B5ng%2Fa%3Fb%3Dc%26d");
	buf_free(&b);
}

static void test_json_writer(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "name", "Đà \"Nẵng\"\n\x01");
	jw_kint(&w, "n", -42);
	jw_key(&w, "list");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_null(&w);
	jw_bool(&w, 1);
	jw_str(&w, "bad \xff byte");
	jw_arr_end(&w);
	jw_key(&w, "empty");
	jw_obj(&w);
	jw_obj_end(&w);
	/* keys: one to escape, one not ASCII, one longer than jw_key's fast copy */
	jw_kint(&w, "a\"b", 1);
	jw_kint(&w, "tên", 2);
	jw_kint(&w, "k123456789k123456789k123456789k123456789k123456789k123456789k123456789", 3);
	/* a key that is not a literal: checked and escaped all the same */
	const char *dyn[] = { "x\\y", "plain" };
	jw_kint(&w, dyn[0], 4);
	jw_kint(&w, dyn[1], 5);
	jw_obj_end(&w);
	assert_string_equal(b.p, "{\"name\":\"Đà \\\"Nẵng\\\"\\n\\u0001\",\"n\":-42,\"list\":[1,null,true,\"bad \xef\xbf\xbd byte\"],\"empty\":{},"
				 "\"a\\\"b\":1,\"tên\":2,\"k123456789k123456789k123456789k123456789k123456789k123456789k123456789\":3,"
				 "\"x\\\\y\":4,\"plain\":5}");
	buf_free(&b);
}

/* jw_escape copies plain ASCII 8 bytes at a time: every kind of byte at
** every place of a word, against the escape written out by hand */
static void test_json_escape_words(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } kinds[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" }, { "\x1f", "\\u001f" },
		{ "\x7f", "\x7f" }, { " ", " " }, { "\xc3\xa0", "\xc3\xa0" }, { "\xe1\xba\xbf", "\xe1\xba\xbf" },
		{ "\xff", "\xef\xbf\xbd" }, { "\xc3", "\xef\xbf\xbd" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		/* the byte at every place, followed by 0 to 13 plain ones: in a
		** whole word, in the last 8 bytes that overlap the word before */
		for (int pos = 0; pos < 17; pos++) {
			for (int tail = 0; tail <= 13; tail++) {
				char in[64], want[96];
				snprintf(in, sizeof in, "%.*s%s%.*s", pos, "abcdefghijklmnopq", kinds[k].in, tail, "xyz0123456789");
				snprintf(want, sizeof want, "\"%.*s%s%.*s\"", pos, "abcdefghijklmnopq", kinds[k].out, tail, "xyz0123456789");
				struct buf b;
				buf_init(&b);
				buf_raw(&b, "[");
				jw_escape(&b, in);
				assert_string_equal(b.p + 1, want);
				buf_free(&b);
			}
		}
	}
}

/* buf_printf writes in one pass when the text fits the room left, and
** grows and writes again when it does not: the same bytes either way */
static void test_buf_printf_grows(void **state)
{
	(void)state;
	struct buf b, want;
	buf_init(&b);
	buf_init(&want);
	buf_printf(&b, "%s-%d", "Đà Nẵng", 42); /* an empty buffer */
	assert_string_equal(b.p, "Đà Nẵng-42");
	for (int i = 0; i < 2000; i++) {
		buf_printf(&b, "|%04d:%s", i, i % 3 ? "x" : "Hưng Trạch");
		char one[32];
		snprintf(one, sizeof one, "|%04d:%s", i, i % 3 ? "x" : "Hưng Trạch");
		buf_raw(&want, one);
		assert_int_equal(b.len, strlen(b.p)); /* NUL-terminated at its length after every call */
	}
	assert_string_equal(b.p + strlen("Đà Nẵng-42"), want.p);
	/* the formats written without vsnprintf (%s, %d, %%) and one with it */
	buf_reset(&b);
	buf_printf(&b, "%d%% of %s: %d, %d, %d;", 43, "Sơn La", -7, INT_MIN, INT_MAX);
	buf_printf(&b, " %05.1f|%lld|%x", 2.25, (long long)-9000000000LL, 255u);
	assert_string_equal(b.p, "43% of Sơn La: -7, -2147483648, 2147483647; 002.2|-9000000000|ff");
	buf_free(&b);
	buf_free(&want);
}

static int csv_from(const char *text, struct csv *c, FILE **f)
{
	*f = fmemopen((void *)text, strlen(text), "rb");
	csv_init(c, *f);
	return 0;
}

static void test_csv_bom_semicolon_quotes(void **state)
{
	(void)state;
	struct csv c;
	FILE *f;
	csv_from("\xEF\xBB\xBF" "code;name\r\nA1;\"Xã \"\"Liên\"\" Hòa; 2\"\r\n\r\nB2;\"two\nlines\"\n", &c, &f);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.sep, ';');
	assert_string_equal(c.field[0], "code");
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.line, 2);
	assert_string_equal(c.field[1], "Xã \"Liên\" Hòa; 2");
	assert_int_equal(csv_next(&c), 1); /* blank line: one empty field */
	assert_int_equal(c.nfields, 1);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.line, 4);
	assert_string_equal(c.field[1], "two\nlines");
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
	fclose(f);
}

static void test_csv_errors_have_lines(void **state)
{
	(void)state;
	struct csv c;
	FILE *f;
	csv_from("a,b\n1,\"x\"y\n2,ok\n3,\"never closed\n", &c, &f);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_next(&c), -1);
	assert_int_equal(c.line, 2);
	assert_non_null(strstr(c.err, "after a closing quote"));
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.line, 3);
	assert_string_equal(c.field[1], "ok");
	assert_int_equal(csv_next(&c), -1);
	assert_int_equal(c.line, 4);
	assert_non_null(strstr(c.err, "never closed"));
	csv_free(&c);
	fclose(f);
}

/* a NUL byte in a field, quoted or not, would end its text early ("ti\0tle"
** read as "ti"): the record is refused with the field's number and line, and
** the reader goes on at the next record */
static void test_csv_nul_is_an_error(void **state)
{
	(void)state;
	static const char text[] = "code,kind,title,points\nA1,score,ti\0tle,5\n\"B\n\0\",x\nA2,score,ok,5\n\0";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
	struct csv c;
	csv_init(&c, f);
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(csv_next(&c), -1);
	assert_int_equal(c.line, 2);
	assert_string_equal(c.err, "field 3 holds a NUL byte");
	assert_int_equal(csv_next(&c), -1); /* inside quotes, across a line break */
	assert_int_equal(c.line, 3);
	assert_string_equal(c.err, "field 1 holds a NUL byte");
	assert_int_equal(csv_next(&c), 1);
	assert_int_equal(c.line, 5);
	assert_string_equal(c.field[2], "ok");
	assert_int_equal(csv_next(&c), -1); /* a NUL alone at the end of the file */
	assert_int_equal(c.line, 6);
	assert_int_equal(csv_next(&c), 0);
	csv_free(&c);
	fclose(f);
}

static void test_csv_field_quoting(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	csv_field(&b, "plain", ',');
	buf_char(&b, '|');
	csv_field(&b, "a,b", ',');
	buf_char(&b, '|');
	csv_field(&b, "say \"hi\"", ',');
	buf_char(&b, '|');
	csv_field(&b, " lead", ',');
	assert_string_equal(b.p, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\" lead\"");
	buf_free(&b);
}

static void test_number_formats(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b);
	fmt_int(&b, "vi", 1234567);
	assert_string_equal(b.p, "1.234.567");
	buf_reset(&b);
	fmt_int(&b, "en", -1234567);
	assert_string_equal(b.p, "-1,234,567");
	buf_reset(&b);
	fmt_int(&b, "hi", 12345678);
	assert_string_equal(b.p, "1,23,45,678");
	/* measured values: whole, or up to two decimals with the language's mark */
	static const struct { const char *lang; double v; const char *want; } nums[] = {
		{ "vi", 7366000000.0, "7.366.000.000" }, { "vi", 89.5, "89,5" }, { "en", 89.5, "89.5" },
		{ "vi", 93.75, "93,75" }, { "vi", -1.5, "-1,5" }, { "vi", 0.999, "1" }, { "en", 1234.05, "1,234.05" },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		buf_reset(&b);
		fmt_number(&b, nums[i].lang, nums[i].v);
		assert_string_equal(buf_cstr(&b), nums[i].want);
	}
	buf_reset(&b);
	fmt_vnd(&b, "vi", 180000000);
	assert_string_equal(b.p, "180.000.000 ₫");
	buf_reset(&b);
	fmt_vnd(&b, "en", 75000000);
	assert_string_equal(b.p, "75,000,000 VND");
	buf_reset(&b);
	fmt_int(&b, "vi", 0);
	assert_string_equal(b.p, "0");
	buf_reset(&b);
	fmt_date(&b, "vi", "2019-06-14");
	assert_string_equal(b.p, "14/06/2019");
	buf_reset(&b);
	fmt_date(&b, "en", "2019-06-14T10:00:00Z");
	assert_string_equal(b.p, "14 Jun 2019");
	buf_reset(&b);
	fmt_datetime(&b, "vi", "2026-11-23T10:04:48Z");
	assert_string_equal(b.p, "23/11/2026 17:04"); /* stored in UTC, shown on Hanoi's clock */
	buf_reset(&b);
	/* 20:30 UTC is already the next day in Vietnam */
	fmt_datetime(&b, "en", "2026-12-31T20:30:00Z");
	assert_string_equal(b.p, "1 Jan 2027 03:30");
	buf_reset(&b);
	fmt_date(&b, "vi", "2026-12-31T20:30:00Z");
	assert_string_equal(b.p, "01/01/2027");
	buf_reset(&b);
	fmt_date(&b, "vi", "2026-12-31"); /* a calendar date is not moved */
	assert_string_equal(b.p, "31/12/2026");
	buf_free(&b);
}

/* Numbers as people type them in forms, per language (issue 7, defect 1:
** "1.500" typed in Vietnamese was stored as 1,5). */
static void test_number_parsing(void **state)
{
	(void)state;
	static const struct { const char *lang, *in; double want; } ok[] = {
		{ "vi", "1.500", 1500 }, { "vi", "1.500.000", 1500000 }, { "vi", "50.000.000", 50000000 },
		{ "vi", "1.500.000,5", 1500000.5 }, { "vi", "80,5", 80.5 }, { "vi", "1,5", 1.5 }, { "vi", "1500000", 1500000 },
		{ "vi", "-2.000", -2000 }, { "vi", " 1.500.000 ₫", 1500000 }, { "vi", "1.500.000đ", 1500000 },
		{ "vi", "1.500.000 VND", 1500000 }, { "vi", "87,5%", 87.5 }, { "vi", "1 500 000", 1500000 },
		{ "vi", "1\xC2\xA0" "500\xC2\xA0" "000,25", 1500000.25 }, { "vi", "0,05", 0.05 }, { "vi", "999", 999 },
		{ "en", "1,500,000.5", 1500000.5 }, { "en", "1,500", 1500 }, { "en", "1.5", 1.5 }, { "en", "80.5", 80.5 },
		{ "en", "+7", 7 },
		{ "hi", "15,00,000.5", 1500000.5 }, { "hi", "1,00,00,000", 10000000 }, { "hi", "1,500,000.5", 1500000.5 },
		{ "hi", "1,500", 1500 }, { "hi", "99.25", 99.25 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		double v = -1;
		if (i18n_parse_number(ok[i].lang, ok[i].in, &v) != 0) fail_msg("%s \"%s\" refused", ok[i].lang, ok[i].in);
		if (v != ok[i].want) fail_msg("%s \"%s\" read as %f, not %f", ok[i].lang, ok[i].in, v, ok[i].want);
	}
	/* a lone or misplaced separator is refused, never reinterpreted */
	static const struct { const char *lang, *in; } bad[] = {
		{ "vi", "1.5" }, { "vi", "1.50" }, { "vi", "1.5000" }, { "vi", "1,500,000" }, { "vi", "1.500,000,5" },
		{ "vi", "1,500.5" }, { "vi", ".500" }, { "vi", "1." }, { "vi", "1," }, { "vi", "1..500" }, { "vi", "1.500 000" },
		{ "vi", "" }, { "vi", "abc" }, { "vi", "1e5" }, { "vi", "0x10" }, { "vi", "inf" }, { "vi", "-" }, { "vi", "12a" },
		{ "en", "1,5" }, { "en", "1.500.000" }, { "en", "1,500,000,5" }, { "en", "1.500,5" },
		{ "hi", "15,00,00" }, { "hi", "1,5" }, { "hi", "150,00,000" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		double v;
		if (i18n_parse_number(bad[i].lang, bad[i].in, &v) == 0) fail_msg("%s \"%s\" accepted as %f", bad[i].lang, bad[i].in, v);
	}
	int64_t n;
	assert_int_equal(i18n_parse_int("vi", "1.500", &n), 0);
	assert_int_equal(n, 1500);
	assert_int_equal(i18n_parse_int("vi", "12", &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(i18n_parse_int("en", "9,223,372,036,854,775,807", &n), -2); /* 19 digits: out of reach */
	assert_int_equal(i18n_parse_int("vi", "1,5", &n), -1);                      /* a fraction */
	assert_int_equal(i18n_parse_int("vi", "3,0", &n), 0);
	assert_int_equal(n, 3);
}

static void test_language_choice(void **state)
{
	(void)state;
	assert_string_equal(i18n_pick(NULL, NULL), "vi");
	assert_string_equal(i18n_pick(NULL, "en-US,en;q=0.9"), "en");
	assert_string_equal(i18n_pick(NULL, "fr-FR, hi;q=0.8, en;q=0.5"), "hi");
	assert_string_equal(i18n_pick("en", "hi"), "en");
	assert_string_equal(i18n_pick("xx", "de"), "vi");
	/* an unknown message id comes back as it is */
	assert_string_equal(i18n_get("vi", "no such message id"), "no such message id");
	/* the per-thread memo of where a msgid was found is checked by the
	** text: the same address holding another msgid gets its own */
	char id[16];
	strcpy(id, "Save");
	assert_string_equal(i18n_get("vi", id), "Lưu");
	assert_string_equal(i18n_get("vi", id), "Lưu");
	assert_string_equal(i18n_get("en", id), "Save");
	strcpy(id, "Cancel");
	assert_string_equal(i18n_get("vi", id), "Hủy");
	strcpy(id, "Units");
	assert_string_equal(i18n_get("hi", id), "इकाइयाँ");
	assert_string_equal(i18n_get("vi", id), "Đơn vị");
	strcpy(id, "no such id");
	assert_string_equal(i18n_get("vi", id), "no such id");
}

/* a count's words: English and Hindi say one model, two models, zero
** models; Vietnamese has no plural (both ids translate alike) */
static void test_plural_forms(void **state)
{
	(void)state;
	assert_string_equal(i18n_nget("en", 1, "model", "models"), "model");
	assert_string_equal(i18n_nget("en", 0, "model", "models"), "models");
	assert_string_equal(i18n_nget("en", 2, "model", "models"), "models");
	assert_string_equal(i18n_nget("en", -1, "model", "models"), "models");
	assert_string_equal(i18n_nget("en", 1, "movement to register for", "movements to register for"), "movement to register for");
	assert_string_equal(i18n_nget("en", 21, "movement to register for", "movements to register for"), "movements to register for");
	assert_string_equal(i18n_nget("hi", 1, "active unit", "active units"), "सक्रिय इकाई");
	assert_string_equal(i18n_nget("hi", 5, "active unit", "active units"), "सक्रिय इकाइयाँ");
	assert_string_equal(i18n_nget("vi", 1, "model", "models"), "mô hình");
	assert_string_equal(i18n_nget("vi", 7, "model", "models"), "mô hình");
	assert_string_equal(i18n_nget("vi", 1, "drafts not launched yet", "drafts not launched yet"), "dự thảo chưa phát động");
	/* an id missing from the catalog is said as it is, in its form */
	assert_string_equal(i18n_nget("en", 1, "no such thing", "no such things"), "no such thing");
	assert_string_equal(i18n_nget("vi", 1, "no such thing", "no such things"), "no such things");
}

/* CSV injection guard: exactly the texts a spreadsheet could run get an
** apostrophe, and unguarding gives every text back (issue 8, defect 5). */
static void test_csv_formula_guard(void **state)
{
	(void)state;
	static const char *const texts[] = { "=1+1", "+84 912", "-x", "@SUM(A1)", "\tTab", "\rCR", "'", "'=x", "''", "'abc",
					     "abc", "", "Nguyễn", "1.500", "x=1" };
	static const int guarded[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		assert_int_equal(csv_needs_guard(texts[i]), guarded[i]);
		char buf[64];
		snprintf(buf, sizeof buf, "%s%s", guarded[i] ? "'" : "", texts[i]);
		csv_unguard(buf);
		assert_string_equal(buf, texts[i]);
	}
	/* a text that was never guarded and starts with an apostrophe stays */
	char plain[] = "'abc";
	csv_unguard(plain);
	assert_string_equal(plain, "'abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_vietnamese),
		cmocka_unit_test(test_fold_words),
		cmocka_unit_test(test_like_pattern_escapes),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_html_and_url_escape),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_json_escape_words),
		cmocka_unit_test(test_buf_printf_grows),
		cmocka_unit_test(test_csv_bom_semicolon_quotes),
		cmocka_unit_test(test_csv_errors_have_lines),
		cmocka_unit_test(test_csv_nul_is_an_error),
		cmocka_unit_test(test_csv_field_quoting),
		cmocka_unit_test(test_number_formats),
		cmocka_unit_test(test_language_choice),
		cmocka_unit_test(test_plural_forms),
		cmocka_unit_test(test_number_parsing),
		cmocka_unit_test(test_csv_formula_guard),
	};
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
