/* Unit tests of the report layer: chart values per locale, the SVG renderer
** (bars, labels, escaping, no inline styles, empty data, odd values) and the
** PDF writer, checked from the outside with poppler's pdfinfo and pdftotext.
** Set THIDUA_KEEP_REPORT=DIR to keep the written files for a look. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>
#include <glib.h>
#include <pthread.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/chart.h"
#include "base/i18n.h"
#include "base/pdf.h"
#include "movements/mv_report.h"
#include "tmpdir.h"

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
	return n;
}

static void keep(const char *name, const void *p, size_t n)
{
	const char *dir = getenv("THIDUA_KEEP_REPORT");
	if (!dir) return;
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f) return;
	fwrite(p, 1, n, f);
	fclose(f);
}

static void value_is(enum chart_format f, const char *lang, double v, const char *want)
{
	struct buf b;
	buf_init(&b);
	chart_format_value(&b, f, lang, v);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_chart_values(void **state)
{
	(void)state;
	value_is(CHART_INT, "vi", 1030000000, "1.030.000.000");
	value_is(CHART_INT, "en", 1030000000, "1,030,000,000");
	value_is(CHART_INT, "hi", 1030000000, "1,03,00,00,000");
	value_is(CHART_INT, "vi", 41.6, "42");
	value_is(CHART_VND, "vi", 1030000000, "1.030.000.000 ₫");
	value_is(CHART_VND, "en", 250000, "250,000 VND");
	value_is(CHART_PERCENT, "vi", 12.5, "12,5%");
	value_is(CHART_PERCENT, "en", 99.96, "100.0%");
	value_is(CHART_DECIMAL, "vi", 1234.5, "1.234,50");
	value_is(CHART_DECIMAL, "hi", 123456.789, "1,23,456.79");
	value_is(CHART_DECIMAL, "en", -0.4, "-0.40");
	value_is(CHART_NUMBER, "vi", 99.8, "99,8");     /* as the page's table shows it */
	value_is(CHART_NUMBER, "vi", 96.35, "96,35");
	value_is(CHART_NUMBER, "en", 100, "100");
	value_is(CHART_NUMBER, "hi", 123456.789, "1,23,456.79");
	value_is(CHART_NUMBER, "en", -1e300, "-1,000,000,000,000,000,000");
	value_is(CHART_INT, "en", NAN, "—"); /* no data */
	value_is(CHART_INT, "en", -INFINITY, "0");
	value_is(CHART_INT, "vi", 1e300, "1.000.000.000.000.000.000");       /* clamped to CHART_VALUE_MAX */
	value_is(CHART_DECIMAL, "en", -1e300, "-1,000,000,000,000,000,000.00");
}

/* the width="" of every class="bar" rectangle, in order */
static int bar_widths(const char *svg, double *w, int max)
{
	int n = 0;
	for (const char *p = strstr(svg, "class=\"bar\""); p && n < max; p = strstr(p + 1, "class=\"bar\"")) {
		const char *a = strstr(p, " width=\"");
		assert_non_null(a);
		w[n++] = strtod(a + 8, NULL);
	}
	return n;
}

static const char *const units[] = { "Sở Nội vụ", "<script>alert(1)</script>", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ninh và các đoàn thể chính trị - xã hội" };
static const double totals[] = { 1030000000, 515000000, 0 };

static void test_svg_bars(void **state)
{
	(void)state;
	struct chart c = { .kind = CHART_BARS, .format = CHART_INT, .title = "Tổng số theo đơn vị", .n = 3, .labels = units, .nseries = 1 };
	c.series[0] = (struct chart_series){ "Mô hình", totals };
	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, "vi");
	const char *s = buf_cstr(&b);
	keep("bars.svg", s, b.len);
	assert_int_equal(count(s, "<svg "), 1);
	assert_non_null(strstr(s, "role=\"img\""));
	assert_non_null(strstr(s, "aria-label=\"Tổng số theo đơn vị\""));
	assert_non_null(strstr(s, "<title>Tổng số theo đơn vị</title>"));
	assert_non_null(strstr(s, "viewBox=\"0 0 640 "));
	assert_int_equal(count(s, "class=\"bar\""), 3);
	/* value labels at the bar ends, Vietnamese grouping */
	assert_int_equal(count(s, ">1.030.000.000</text>"), 1);
	assert_int_equal(count(s, ">515.000.000</text>"), 1);
	/* the bars are proportional: 1,030,000,000 is twice 515,000,000; 0 is empty */
	double w[8];
	assert_int_equal(bar_widths(s, w, 8), 3);
	assert_true(w[0] > 200);
	assert_true(fabs(w[0] - 2 * w[1]) <= 0.2);
	assert_true(w[2] == 0);
	/* each bar carries its full label and value */
	assert_non_null(strstr(s, "<title>Sở Nội vụ: 1.030.000.000</title>"));
	/* user text is escaped everywhere */
	assert_null(strstr(s, "<script"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;: 515.000.000</title>"));
	/* the long label is cut with an ellipsis, the full text is its title */
	assert_non_null(strstr(s, "…<title>Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ninh và các đoàn thể chính trị - xã hội</title></text>"));
	/* the CSP forbids inline styles */
	assert_null(strstr(s, "style"));

	buf_reset(&b);
	chart_svg(&b, &c, "en");
	s = buf_cstr(&b);
	assert_int_equal(count(s, ">1,030,000,000</text>"), 1);
	assert_int_equal(count(s, ">515,000,000</text>"), 1);
	assert_non_null(strstr(s, "<title>Sở Nội vụ: 1,030,000,000</title>"));
	buf_free(&b);
}

static void test_svg_kinds(void **state)
{
	(void)state;
	static const char *const fields[] = { "Kinh tế", "Văn hóa", "Xã hội", "Quốc phòng" };
	static const double done[] = { 12, 7, 3, 0 }, pending[] = { 4, 0, 5, 1 }, refused[] = { 1, 1, 0, 2 };
	struct chart c = { .kind = CHART_STACKED, .format = CHART_INT, .title = "Mô hình theo trạng thái", .n = 4, .labels = fields, .nseries = 3 };
	c.series[0] = (struct chart_series){ "Đã duyệt", done };
	c.series[1] = (struct chart_series){ "Chờ duyệt", pending };
	c.series[2] = (struct chart_series){ "Không duyệt", refused };
	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, "vi");
	keep("stacked.svg", b.p, b.len);
	assert_int_equal(count(b.p, "class=\"bar\""), 12);
	assert_non_null(strstr(b.p, "<title>Kinh tế — Chờ duyệt: 4</title>"));
	assert_int_equal(count(b.p, ">17</text>"), 1); /* the total of Kinh tế at its end */
	assert_non_null(strstr(b.p, ">Không duyệt</text>")); /* legend */

	buf_reset(&b);
	c.kind = CHART_COLUMNS;
	c.nseries = 2;
	chart_svg(&b, &c, "vi");
	keep("columns.svg", b.p, b.len);
	assert_int_equal(count(b.p, "class=\"bar\""), 8);

	buf_reset(&b);
	static const char *const days[] = { "01/11", "02/11", "03/11", "04/11", "05/11" };
	static const double cum[] = { 3, 8, 8, 20, 1250 };
	struct chart l = { .kind = CHART_LINE, .format = CHART_INT, .title = "Đăng ký lũy kế", .n = 5, .labels = days, .nseries = 1 };
	l.series[0] = (struct chart_series){ "Đăng ký", cum };
	chart_svg(&b, &l, "en");
	keep("line.svg", b.p, b.len);
	assert_int_equal(count(b.p, "<polyline "), 1);
	assert_int_equal(count(b.p, "class=\"point\""), 5);
	assert_int_equal(count(b.p, ">1,250</text>"), 1);
	assert_null(strstr(b.p, "style"));
	buf_free(&b);
}

static void test_svg_empty_and_odd_values(void **state)
{
	(void)state;
	struct chart c = { .kind = CHART_BARS, .format = CHART_VND, .title = "Kinh phí", .n = 0 };
	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, "vi");
	keep("empty.svg", b.p, b.len);
	assert_int_equal(count(b.p, "class=\"bar\""), 0);
	assert_int_equal(count(b.p, ">Không có dữ liệu</text>"), 1);
	assert_non_null(strstr(b.p, "aria-label=\"Kinh phí: Không có dữ liệu\""));
	buf_reset(&b);
	chart_svg(&b, &c, "en");
	assert_int_equal(count(b.p, ">No data</text>"), 1);

	/* negative, huge, not-a-number and infinite values draw without harm */
	static const char *const labels[] = { "a", "b", "c", "d" };
	static const double odd[] = { -5, 1e300, NAN, -INFINITY };
	struct chart o = { .kind = CHART_BARS, .format = CHART_INT, .title = "odd", .n = 4, .labels = labels, .nseries = 1 };
	o.series[0] = (struct chart_series){ "x", odd };
	for (int k = CHART_BARS; k <= CHART_LINE; k++) {
		o.kind = (enum chart_kind)k;
		buf_reset(&b);
		chart_svg(&b, &o, "vi");
		assert_null(strstr(b.p, "nan"));
		assert_null(strstr(b.p, "inf"));
		if (k == CHART_BARS) {
			assert_int_equal(count(b.p, ">-5</text>"), 1);
			/* b's value at its bar end, and the last tick of the axis */
			assert_int_equal(count(b.p, "fill=\"#222222\">1.000.000.000.000.000.000</text>"), 1);
			assert_int_equal(count(b.p, ">1.000.000.000.000.000.000</text>"), 2);
			assert_int_equal(count(b.p, ">0</text>"), 1 + 1); /* d, and the 0 tick */
			assert_int_equal(count(b.p, "fill=\"#555555\">—</text>"), 1); /* c has no data: no bar */
			assert_int_equal(count(b.p, "class=\"bar\""), 3);
		}
	}
	buf_free(&b);
}

/* cairo drawing of every kind, from roomy to far too small, with odd data */
static void test_cairo_sizes(void **state)
{
	(void)state;
	static const char *const labels[] = { "Đà Nẵng", "कुशल जन जुटाव", NULL };
	static const double a[] = { 3, -2, 1e300 }, b[] = { NAN, 4, 0 };
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 64);
	cairo_t *cr = cairo_create(s);
	static const double sizes[][2] = { { 400, 300 }, { 40, 30 }, { 1, 1 }, { 0, 0 }, { -5, -5 } };
	for (int k = CHART_BARS; k <= CHART_LINE; k++) {
		for (int n = 0; n <= 3; n += 3) {
			struct chart c = { .kind = (enum chart_kind)k, .format = CHART_VND, .title = "Tiêu đề", .n = n, .labels = labels, .nseries = 2 };
			c.series[0] = (struct chart_series){ "a", a };
			c.series[1] = (struct chart_series){ NULL, b };
			for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++)
				chart_cairo(cr, &c, 2, 2, sizes[z][0], sizes[z][1], "hi");
		}
	}
	assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* ---- PDF ---- */

static char *run(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
	assert_int_equal(pclose(f), 0);
	buf_cstr(&b);
	return buf_detach(&b);
}

/* the value of "Name:   value" in pdfinfo's output, or "(missing)" */
static const char *info_field(const char *info, const char *name)
{
	static char v[256];
	size_t n = strlen(name);
	for (const char *line = info; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, n) != 0 || line[n] != ':') continue;
		line += n + 1;
		while (*line == ' ') line++;
		size_t len = strcspn(line, "\n");
		snprintf(v, sizeof v, "%.*s", (int)len, line);
		return v;
	}
	return "(missing)";
}

/* removes a space between a Devanagari vowel sign or virama and a Devanagari letter */
static void devanagari_join(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		/* U+0941..U+094D are E0 A5 81..8D; a letter U+0915..U+0939 is E0 A4 95..B9 */
		if ((unsigned char)r[0] == 0xE0 && (unsigned char)r[1] == 0xA5 && (unsigned char)r[2] >= 0x81 &&
		    (unsigned char)r[2] <= 0x8D && r[3] == ' ' && (unsigned char)r[4] == 0xE0 && (unsigned char)r[5] == 0xA4) {
			memmove(w, r, 3);
			w += 3;
			r += 4;
			continue;
		}
		*w++ = *r++;
	}
	*w = 0;
}

#define REPORT_TITLE "Phong trào thi đua “Dân vận khéo” năm 2024"
#define ROWS 150
/* The layout gives 6 pages. A page has 728.5 pt between the margins; a
** table row is one 9 pt Noto Sans line (12.26 pt) plus 6 pt of padding,
** 18.26 pt, and every 10th row wraps to two lines, 30.52 pt. Page 1: title,
** paragraph, facts, heading, header row and rows 1-29. Pages 2-4: the
** header row and 36 rows each (30-65, 66-101, 102-137; 4, 4 and 3 of them
** double: 724.6, 724.6 and 712.3 pt, one row more would pass 728.5).
** Page 5: rows 138-150, the "Biểu đồ" heading and the bar chart (10 bars
** of 22 pt). Page 6: the line chart, 264 pt, more than page 5 has left.
** A change of fonts, sizes or margins changes this number and fails here. */
#define REPORT_PAGES 6

static void write_report(FILE *f, int *pages)
{
	static const char *const cats[] = { "Phường Hồng Gai", "Xã Đông Hải", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo",
		"Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Liên đoàn Lao động tỉnh", "Hội Nông dân tỉnh", "Tỉnh đoàn" };
	static double models[10], cum[30];
	static char daybuf[30][16];
	static const char *days[30];
	for (int i = 0; i < 10; i++) models[i] = (i * 37) % 23 + 1;
	for (int i = 0; i < 30; i++) {
		cum[i] = (i ? cum[i - 1] : 0) + (i * 7) % 11;
		snprintf(daybuf[i], sizeof daybuf[i], "%02d/11", i + 1);
		days[i] = daybuf[i];
	}
	struct pdf *p = pdf_open(f, REPORT_TITLE, "vi", "Ban Thi đua – Khen thưởng", "Báo cáo sơ kết");
	assert_non_null(p);
	pdf_heading(p, 1, REPORT_TITLE);
	pdf_paragraph(p, "Báo cáo tổng hợp kết quả phong trào của các cơ quan, đơn vị, địa phương trong tỉnh; "
			 "số liệu tính đến ngày 30/11/2024. कुशल जन जुटाव");
	pdf_fact(p, "Số đơn vị tham gia", "150");
	pdf_fact(p, "Tổng kinh phí", "1.030.000.000 ₫");
	pdf_heading(p, 2, "Danh sách đơn vị");
	static const char *const head[] = { "STT", "Đơn vị", "Số mô hình", "Kinh phí (₫)" };
	static const double widths[] = { 0.6, 4, 1.3, 2 };
	pdf_table(p, 4, head, widths, "rlrr");
	struct buf b;
	buf_init(&b);
	for (int i = 1; i <= ROWS; i++) {
		char no[16], unit[192], n[16];
		snprintf(no, sizeof no, "%d", i);
		snprintf(unit, sizeof unit, "Đơn vị thi đua số %d%s", i, i % 10 == 0 ? " (khối cơ quan Đảng, đoàn thể và các tổ chức chính trị - xã hội cấp tỉnh)" : "");
		snprintf(n, sizeof n, "%d", (i * 13) % 29);
		buf_reset(&b);
		fmt_int(&b, "vi", (int64_t)i * 1750000);
		const char *row[] = { no, unit, n, buf_cstr(&b) };
		pdf_row(p, row);
	}
	buf_free(&b);
	pdf_table_end(p);
	struct chart c1 = { .kind = CHART_BARS, .format = CHART_INT, .title = "Số mô hình theo đơn vị", .n = 10, .labels = cats, .nseries = 1 };
	c1.series[0] = (struct chart_series){ "Mô hình", models };
	pdf_heading(p, 2, "Biểu đồ");
	pdf_chart(p, &c1);
	struct chart c2 = { .kind = CHART_LINE, .format = CHART_INT, .title = "Đăng ký lũy kế theo ngày", .n = 30, .labels = days, .nseries = 1 };
	c2.series[0] = (struct chart_series){ "Đăng ký", cum };
	pdf_chart(p, &c2);
	*pages = pdf_page(p);
	assert_int_equal(pdf_close(p), 0);
}

/* every word pdftotext finds lies inside the margins (56.7 to 785.2 pt from
** the top) or is the footer (at 807.9 pt); returns the number of words */
static int check_margins(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' -", path);
	char *html = run(cmd);
	int words = 0;
	for (const char *w = strstr(html, "<word "); w; w = strstr(w + 1, "<word ")) {
		double y0 = strtod(strstr(w, "yMin=\"") + 6, NULL), y1 = strtod(strstr(w, "yMax=\"") + 6, NULL);
		double x0 = strtod(strstr(w, "xMin=\"") + 6, NULL), x1 = strtod(strstr(w, "xMax=\"") + 6, NULL);
		int footer = y0 >= 800 && y1 <= 822;
		if (!footer && (y0 < 56.2 || y1 > 785.7)) fail_msg("word outside the margins: %.80s", w);
		if (x0 < 48 || x1 > 547.3) fail_msg("word outside the margins: %.80s", w); /* charts pad 8 pt into them */
		words++;
	}
	free(html);
	return words;
}

static void test_pdf_report(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/thidua-report-XXXXXX", test_tmpdir());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	int pages = 0;
	write_report(f, &pages);
	fclose(f);
	char cmd[600];
	if (getenv("THIDUA_KEEP_REPORT")) {
		snprintf(cmd, sizeof cmd, "cp '%s' '%s/report.pdf'", path, getenv("THIDUA_KEEP_REPORT"));
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(pages, REPORT_PAGES);
	snprintf(cmd, sizeof cmd, "pdfinfo '%s'", path);
	char *info = run(cmd);
	char pages_s[16];
	snprintf(pages_s, sizeof pages_s, "%d", REPORT_PAGES);
	assert_string_equal(info_field(info, "Pages"), pages_s);
	assert_string_equal(info_field(info, "Title"), REPORT_TITLE);
	assert_string_equal(info_field(info, "Author"), "Ban Thi đua – Khen thưởng");
	assert_string_equal(info_field(info, "Subject"), "Báo cáo sơ kết");
	assert_memory_equal(info_field(info, "Creator"), "thidua ", 7);
	assert_string_equal(info_field(info, "Page size"), "595.276 x 841.89 pts (A4)");
	free(info);

	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
	char *text = run(cmd);
	assert_true(check_margins(path) > 1000);
	assert_non_null(strstr(text, REPORT_TITLE));
	/* pdftotext puts a space after a below-base vowel sign (its glyph has no
	** advance, so poppler sees a gap before the next letter): join those */
	devanagari_join(text);
	assert_non_null(strstr(text, "कुशल जन जुटाव"));
	assert_non_null(strstr(text, "Đơn vị thi đua số 150 (khối cơ quan Đảng, đoàn thể"));
	assert_non_null(strstr(text, "262.500.000")); /* the last row's money */
	assert_non_null(strstr(text, "Số mô hình theo đơn vị"));
	assert_non_null(strstr(text, "Đăng ký lũy kế theo ngày"));
	/* the header row on every page of the table: pages 1 to 4 */
	free(text);
	for (int pg = 1; pg <= REPORT_PAGES; pg++) {
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' -", pg, pg, path);
		char *t = run(cmd);
		char footer[160];
		snprintf(footer, sizeof footer, REPORT_TITLE " · trang %d\n", pg);
		assert_non_null(strstr(t, footer));
		free(t);
	}
	unlink(path);
}

/* paragraphs of 1 to 9 lines flow over pages without crossing the bottom margin */
static void test_pdf_flow(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/thidua-flow-XXXXXX", test_tmpdir());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	struct pdf *p = pdf_open(f, "Flow", "en", NULL, NULL);
	struct buf b;
	buf_init(&b);
	int words = 0;
	for (int i = 1; i <= 120; i++) {
		buf_reset(&b);
		for (int k = 0; k < (i * 7) % 65 + 1; k++, words++) buf_printf(&b, "%sword%d.%d", k ? " " : "", i, k);
		pdf_paragraph(p, buf_cstr(&b));
		if (i % 17 == 0) pdf_heading(p, 2, "Section"), words++;
	}
	buf_free(&b);
	int pages = pdf_page(p);
	assert_int_equal(pdf_close(p), 0);
	fclose(f);
	/* every word and the footers ("Flow", "·", "page", N) of every page */
	assert_int_equal(check_margins(path), words + 4 * pages);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "pdfinfo '%s' | grep '^Pages:'", path);
	char *info = run(cmd);
	assert_int_equal(atoi(info + 6), pages);
	free(info);
	unlink(path);
}

/* reports written at once in two threads, each with its own font map */
static void *report_thread(void *arg)
{
	FILE *f = tmpfile();
	int *pages = arg;
	write_report(f, pages);
	fseek(f, 0, SEEK_END);
	pages[1] = (int)ftell(f);
	fclose(f);
	pdf_thread_end();
	return NULL;
}

static void test_pdf_threads(void **state)
{
	(void)state;
	pthread_t t[2];
	int res[2][2] = { { 0 } };
	for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, report_thread, res[i]), 0);
	for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(res[i][0], REPORT_PAGES);
		assert_true(res[i][1] > 20000);
	}
	assert_int_equal(res[0][1], res[1][1]); /* the same bytes, give or take the date */
}

/* a failing stream is reported by pdf_close, not ignored */
static void test_pdf_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "wb");
	if (!f) skip();
	setvbuf(f, NULL, _IONBF, 0);
	struct pdf *p = pdf_open(f, "x", "en", NULL, NULL);
	assert_non_null(p);
	pdf_paragraph(p, "text");
	assert_int_equal(pdf_close(p), -1);
	fclose(f);
}

/* the numbers of attribute name in every element of kind tag ("<text", "x=\"") whose text, if any, ends with suffix */
static int attrs(const char *svg, const char *tag, const char *name, const char *row, double *out, int max)
{
	int n = 0;
	for (const char *p = strstr(svg, tag); p && n < max; p = strstr(p + 1, tag)) {
		const char *end = strchr(p, '>');
		if (row) { /* only elements on this row: y="row" */
			const char *y = strstr(p, " y=\"");
			if (!y || y > end || strncmp(y + 4, row, strlen(row)) || y[4 + strlen(row)] != '"') continue;
		}
		const char *a = strstr(p, name);
		if (a && a < end) out[n++] = strtod(a + strlen(name), NULL);
	}
	return n;
}

/* a line chart with dates: points spaced by date, labels that never overlap,
** the last date always labelled; no data breaks the line */
static void test_time_axis(void **state)
{
	(void)state;
	/* 25 registrations on consecutive days, then three a month apart (labels
	** "dd/mm/2024" of a simplified calendar: only their width matters) */
	enum { N = 28 };
	static char lab[N][32];
	static const char *labels[N];
	static double at[N], cum[N];
	for (int i = 0; i < N; i++) {
		int day = i < 25 ? i : 25 + (i - 24) * 30;
		at[i] = 19723 + day; /* 2024-01-01 + day */
		snprintf(lab[i], sizeof lab[i], "%02d/%02d/2024", 1 + day % 28, 1 + day / 28);
		labels[i] = lab[i];
		cum[i] = i + 1;
	}
	struct chart c = { .kind = CHART_LINE, .format = CHART_INT, .title = "Đăng ký lũy kế", .n = N, .labels = labels, .at = at, .nseries = 1 };
	c.series[0] = (struct chart_series){ "Đăng ký", cum };
	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, "vi");
	keep("timeline.svg", b.p, b.len);
	double cx[N];
	assert_int_equal(attrs(b.p, "<circle", " cx=\"", NULL, cx, N), N);
	for (int i = 1; i < N; i++) {
		double want = cx[0] + (at[i] - at[0]) / (at[N - 1] - at[0]) * (cx[N - 1] - cx[0]);
		if (fabs(cx[i] - want) > 0.1) fail_msg("point %d at x %.1f, its date puts it at %.1f", i, cx[i], want);
	}
	assert_true(cx[25] - cx[24] > 20 * (cx[1] - cx[0])); /* a month is far wider than a day */
	/* the labels' row: each "dd/mm/2024" is 5.4 em of 10 pt wide (Noto Sans digits 0.58 em, '/' 0.38 em) */
	char row[16];
	const char *first = strstr(b.p, ">01/01/2024</text>");
	assert_non_null(first);
	const char *ty = first;
	while (ty > b.p && strncmp(ty, " y=\"", 4)) ty--;
	snprintf(row, sizeof row, "%.*s", (int)(strchr(ty + 4, '"') - ty - 4), ty + 4);
	double lx[N];
	int nl = attrs(b.p, "<text", " x=\"", row, lx, N);
	assert_true(nl >= 5 && nl < N); /* thinned, not dropped */
	for (int i = 1; i < nl; i++)
		if (lx[i] - lx[i - 1] < 54 + 6) fail_msg("labels %d and %d overlap: centres %.1f and %.1f", i - 1, i, lx[i - 1], lx[i]);
	char last[48];
	snprintf(last, sizeof last, ">%s</text>", lab[N - 1]);
	assert_non_null(strstr(b.p, last)); /* the last date is always labelled */
	assert_true(lx[nl - 1] + 27 <= CHART_SVG_WIDTH - CHART_PAD + 0.1);

	/* no data in the middle: two lines, no dot there; a bad date list falls back to even spacing */
	cum[10] = NAN;
	buf_reset(&b);
	chart_svg(&b, &c, "vi");
	assert_int_equal(count(b.p, "<polyline"), 2);
	assert_int_equal(count(b.p, "<circle"), N - 1);
	at[5] = at[4] - 1;
	buf_reset(&b);
	chart_svg(&b, &c, "vi");
	assert_int_equal(attrs(b.p, "<circle", " cx=\"", NULL, cx, N), N - 1);
	assert_true(fabs((cx[2] - cx[1]) - (cx[1] - cx[0])) < 0.11); /* evenly spaced */
	buf_free(&b);
}

/* a caption under the chart: more bars than shown; its height is reserved */
static void test_caption(void **state)
{
	(void)state;
	static const char *const labels[] = { "Phường Yên Giang", "Xã Liên Hòa", "Phường Hà An" };
	static const double v[] = { 1257000000, NAN, 230000000 };
	struct chart c = { .kind = CHART_BARS, .format = CHART_VND, .title = "Kinh phí huy động (VND)", .n = 3, .labels = labels, .nseries = 1 };
	c.series[0] = (struct chart_series){ "Kinh phí", v };
	double h = chart_height(&c, CHART_SVG_WIDTH);
	c.caption = "3 đơn vị đứng đầu trong số 32 — xem đầy đủ ở bảng";
	assert_true(chart_height(&c, CHART_SVG_WIDTH) == h + 16);
	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, "vi");
	keep("caption.svg", b.p, b.len);
	assert_int_equal(count(b.p, ">3 đơn vị đứng đầu trong số 32 — xem đầy đủ ở bảng</text>"), 1);
	assert_int_equal(count(b.p, "class=\"bar\""), 2); /* Liên Hòa has no value: "—", no bar */
	assert_int_equal(count(b.p, ">—</text>"), 1);
	assert_non_null(strstr(b.p, ">1.257.000.000 ₫</text>"));
	/* no title: no room kept for one */
	double with_title = chart_height(&c, CHART_SVG_WIDTH);
	c.title = NULL;
	assert_true(chart_height(&c, CHART_SVG_WIDTH) == with_title - 24);
	buf_free(&b);
}

/* the letterhead's place and date: a territorial unit's name without its
** kind, a date in words padded as Vietnamese official documents write it */
static void test_place_and_date(void **state)
{
	(void)state;
	assert_string_equal(mv_place_name("Thị xã Quảng Yên"), "Quảng Yên");
	assert_string_equal(mv_place_name("Tỉnh Sơn La"), "Sơn La");
	assert_string_equal(mv_place_name("Thành phố Đà Nẵng"), "Đà Nẵng");
	assert_string_equal(mv_place_name("Xã Liên Hòa"), "Liên Hòa");
	assert_string_equal(mv_place_name("Phường Yên Giang"), "Yên Giang");
	assert_string_equal(mv_place_name("Xã"), "Xã");                  /* nothing after the kind: kept */
	static const struct { const char *lang; int y, m, d; const char *want; } cases[] = {
		{ "vi", 2026, 11, 29, "ngày 29 tháng 11 năm 2026" }, { "vi", 2026, 2, 5, "ngày 05 tháng 02 năm 2026" },
		{ "vi", 2026, 3, 9, "ngày 09 tháng 3 năm 2026" },   { "en", 2026, 11, 29, "29 November 2026" },
		{ "en", 2027, 1, 1, "1 January 2027" },            { "hi", 2026, 11, 29, "29 नवंबर 2026" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct buf b;
		buf_init(&b);
		mv_long_date(&b, cases[i].lang, cases[i].y, cases[i].m, cases[i].d);
		assert_string_equal(buf_cstr(&b), cases[i].want);
		buf_free(&b);
	}
}

#ifdef REPORT_BENCH
/* make bench-report: this file built against the release library; renders
** the test's report 10 times and prints the median time and the size */
#include <time.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double since_ms(clockid_t clk, const struct timespec *a)
{
	struct timespec b;
	clock_gettime(clk, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

int main(void)
{
	enum { RUNS = 10 };
	double wall[RUNS], cpu[RUNS];
	long size = 0;
	int pages = 0;
	for (int i = 0; i < RUNS; i++) {
		FILE *f = tmpfile();
		struct timespec w, c;
		clock_gettime(CLOCK_MONOTONIC, &w);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
		write_report(f, &pages);
		wall[i] = since_ms(CLOCK_MONOTONIC, &w);
		cpu[i] = since_ms(CLOCK_PROCESS_CPUTIME_ID, &c);
		size = ftell(f);
		fclose(f);
	}
	qsort(wall, RUNS, sizeof *wall, cmp_double);
	qsort(cpu, RUNS, sizeof *cpu, cmp_double);
	printf("report: %d table rows, 2 charts, %d pages, %ld bytes; median of %d renders: %.1f ms wall (min %.1f, max %.1f), %.1f ms CPU "
	       "(the first render also loads the fonts)\n",
	       ROWS, pages, size, RUNS, (wall[RUNS / 2 - 1] + wall[RUNS / 2]) / 2, wall[0], wall[RUNS - 1], (cpu[RUNS / 2 - 1] + cpu[RUNS / 2]) / 2);
	pdf_library_end();
	return 0;
}
#else
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chart_values),
		cmocka_unit_test(test_svg_bars),
		cmocka_unit_test(test_svg_kinds),
		cmocka_unit_test(test_svg_empty_and_odd_values),
		cmocka_unit_test(test_cairo_sizes),
		cmocka_unit_test(test_pdf_report),
		cmocka_unit_test(test_pdf_flow),
		cmocka_unit_test(test_pdf_threads),
		cmocka_unit_test(test_pdf_write_error),
		cmocka_unit_test(test_place_and_date),
		cmocka_unit_test(test_time_axis),
		cmocka_unit_test(test_caption),
	};
	/* a pango or cairo warning (a misused layout, say) fails the run */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
	int rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
	pdf_library_end(); /* cairo, pango and fontconfig caches, for the leak check */
	return rc;
}
#endif
