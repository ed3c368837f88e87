/* Unit tests of the table reader: XLSX workbooks written at test time with
** libxlsxwriter and hand-made with libzip (shared, inline and rich strings,
** numbers, booleans, gaps in the columns, blank and absent rows, workbook
** order), broken files (not a zip, no workbook, malformed XML, a DTD, an
** entry over the size limit), and CSV through the same reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/buf.h"
#include "base/errors.h"
#include "base/table.h"
#include "base/xlsx.h"
#include "tmpdir.h"

#define BAD "the file is not a readable XLSX workbook: "
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"

static char dir[96];

static const char *tmp(const char *name)
{
	static char p[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

/* Every row of a file as "line:field|field\n"; a blank line "line:(blank)";
** a broken row "line:!reason". Open failures give "!reason". Caller frees. */
static char *dump(const char *path)
{
	struct buf b;
	buf_init(&b);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct table *t;
	char err[256];
	if (table_open(&t, f, NULL, err, sizeof err) != 0) {
		buf_printf(&b, "!%s", err);
		fclose(f);
		return buf_detach(&b);
	}
	int rc, rows = 0, errors = 0;
	while ((rc = table_next(t)) != 0 && rows++ < 1000000) {
		buf_printf(&b, "%d:", t->line);
		if (rc < 0) buf_printf(&b, "!%s", t->err), errors++;
		else if (table_blank(t)) buf_raw(&b, "(blank)");
		else
			for (int i = 0; i < t->nfields; i++) buf_printf(&b, "%s%s", i ? "|" : "", t->field[i]);
		buf_char(&b, '\n');
	}
	long done, total;
	table_progress(t, &done, &total);
	if (!errors) assert_int_equal(done, total);   /* all of it read */
	table_close(t);
	fclose(f);
	buf_cstr(&b);
	return buf_detach(&b);
}

static void dump_is(const char *path, const char *want)
{
	char *got = dump(path);
	assert_string_equal(got, want);
	free(got);
}

/* a zip of name, content pairs (NULL-terminated) */
static void make_zip(const char *path, const char *const *entries)
{
	int ze;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (int i = 0; entries[i]; i += 2) {
		zip_source_t *s = zip_source_buffer(z, entries[i + 1], strlen(entries[i + 1]), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, entries[i], s, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

static const char WORKBOOK[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS[] = "<Relationships xmlns=\"" NS_PKG "\">"
			   "<Relationship Id=\"rId9\" Type=\"" NS_R "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
			   "<Relationship Id=\"rId1\" Type=\"" NS_R "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* ---- workbooks written by libxlsxwriter, as a user's spreadsheet would be ---- */

static void write_book(const char *path, int constant_memory)
{
	lxw_workbook_options opt = { .constant_memory = (uint8_t)constant_memory, .tmpdir = dir };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Đơn vị");
	lxw_worksheet *other = workbook_add_worksheet(wb, "Khác");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	const char *head[] = { "code", "name", "kind", "year", "active" };
	for (int i = 0; i < 5; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
	worksheet_write_string(ws, 1, 0, "A-1", NULL);
	worksheet_write_string(ws, 1, 1, "Thành phố Đà Nẵng", NULL);
	worksheet_write_string(ws, 1, 2, "city", NULL);
	worksheet_write_number(ws, 1, 3, 1985, NULL);
	worksheet_write_boolean(ws, 1, 4, 1, NULL);
	/* gaps: B is empty, C is absent */
	worksheet_write_string(ws, 2, 0, "A-2", NULL);
	worksheet_write_string(ws, 2, 1, "", NULL);
	worksheet_write_number(ws, 2, 3, 1e6, NULL);
	/* row 4 absent; row 5 holds only a formatted blank cell */
	worksheet_write_blank(ws, 4, 0, bold);
	lxw_rich_string_tuple f1 = { .format = NULL, .string = "Nguyễn " }, f2 = { .format = bold, .string = "Thị Lan" };
	lxw_rich_string_tuple *rich[] = { &f1, &f2, NULL };
	worksheet_write_rich_string(ws, 5, 0, rich, NULL);
	worksheet_write_formula_num(ws, 5, 1, "=1+1", NULL, 2);
	worksheet_write_formula_str(ws, 5, 2, "=\"o\"&\"k\"", NULL, "ok");
	worksheet_write_number(ws, 6, 0, -3, NULL);
	worksheet_write_number(ws, 6, 1, 0.1, NULL);
	worksheet_write_number(ws, 6, 2, 3.14159, NULL);
	worksheet_write_number(ws, 6, 3, 12345678901234567.0, NULL);
	worksheet_write_number(ws, 6, 4, 0.30000000000000004, NULL);
	worksheet_write_string(ws, 7, 4, "Phòng Thi đua – Khen thưởng", NULL);   /* trailing columns only */
	worksheet_write_string(other, 0, 0, "not the first sheet", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static const char WRITTEN[] = "1:code|name|kind|year|active\n"
			      "2:A-1|Thành phố Đà Nẵng|city|1985|1\n"
			      "3:A-2|||1000000\n"
			      "6:Nguyễn Thị Lan|2|ok\n"
			      "7:-3|0.1|3.14159|12345678901234570|0.3\n"   /* as libxlsxwriter writes them: %.16G */
			      "8:||||Phòng Thi đua – Khen thưởng\n";

static void test_xlsx_written_by_libxlsxwriter(void **state)
{
	(void)state;
	write_book(tmp("shared.xlsx"), 0);
	dump_is(tmp("shared.xlsx"), WRITTEN);
}

static void test_xlsx_inline_strings(void **state)
{
	(void)state;
	/* constant_memory mode writes inline strings (<is><t>) instead of the shared table */
	write_book(tmp("inline.xlsx"), 1);
	dump_is(tmp("inline.xlsx"), WRITTEN);
}

/* ---- hand-made parts: what other producers write ---- */

static void test_xlsx_hand_made_cells(void **state)
{
	(void)state;
	static const char sst[] = "<sst xmlns=\"" NS_MAIN "\" count=\"5\" uniqueCount=\"5\">"
				  "<si><t>code</t></si>"
				  "<si><r><t>Nguyễn </t></r><r><rPr><b/></rPr><t>Thị Lan</t></r></si>"
				  "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
				  "<si><t xml:space=\"preserve\"> a_x000D_b_x005F_x0041_ </t></si>"
				  "<si/></sst>";
	/* a namespace prefix, rows and cells without references, gaps, errors */
	static const char sheet[] =
		"<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
		"<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>name</x:t></x:is></x:c></x:row>"
		"<x:row r=\"3\"><x:c r=\"A3\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"C3\" t=\"b\"><x:v>1</x:v></x:c><x:c r=\"E3\"><x:v>1E6</x:v></x:c></x:row>"
		"<x:row r=\"4\"><x:c r=\"A4\" s=\"3\"/><x:c r=\"B4\" t=\"s\"><x:v>4</x:v></x:c></x:row>"
		"<x:row><x:c t=\"s\"><x:v>2</x:v></x:c><x:c><x:v>1985.0</x:v></x:c><x:c t=\"e\"><x:v>#N/A</x:v></x:c>"
		"<x:c><x:f>A1</x:f><x:v>0.1</x:v></x:c></x:row>"
		"<x:row r=\"7\"><x:c r=\"B7\" t=\"s\"><x:v>3</x:v></x:c><x:c r=\"C7\" t=\"s\"><x:v>99</x:v></x:c></x:row>"
		"<x:row r=\"8\"><x:c r=\"A8\" t=\"str\"><x:v>x_x0009_y</x:v></x:c><x:c r=\"B8\"><x:v>-0.5</x:v></x:c>"
		"<x:c r=\"C8\"><x:v>123456789012</x:v></x:c><x:c r=\"D8\"><x:v>2.5E-3</x:v></x:c><x:c r=\"E8\" t=\"b\"><x:v>0</x:v></x:c>"
		"<x:c r=\"F8\"><x:v>0.30000000000000004</x:v></x:c><x:c r=\"G8\"><x:v>1.2345678901234568E+16</x:v></x:c></x:row>"
		"<x:row r=\"9\"><x:c r=\"BM9\" t=\"inlineStr\"><x:is><x:t>far</x:t></x:is></x:c></x:row>"
		"<x:row r=\"10\"><x:c r=\"B10\"><x:v> 7 </x:v></x:c><x:c r=\"C10\"><x:v>-0</x:v></x:c><x:c r=\"D10\"><x:v>007</x:v></x:c>"
		"<x:c r=\"XFD10\" s=\"1\"/></x:row>"
		"<x:row r=\"11\"/>"
		"</x:sheetData></x:worksheet>";
	const char *entries[] = { "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels", RELS, "xl/sharedStrings.xml", sst,
				  "xl/worksheets/sheet1.xml", sheet, NULL };
	make_zip(tmp("hand.xlsx"), entries);
	dump_is(tmp("hand.xlsx"), "1:code|name\n"
				  "3:Nguyễn Thị Lan||1||1000000\n"
				  "5:東京|1985|#N/A|0.1\n"
				  "7:!cell C7 refers to a shared string that does not exist\n"
				  "8:x\ty|-0.5|123456789012|0.0025|0|0.30000000000000004|12345678901234568\n"
				  "9:!a value in column BM, past the 64 columns read\n"
				  "10:|7|0|7\n");
	/* the escaped control character and the escaped underscore */
	static const char sheet2[] = "<worksheet><sheetData><row><c t=\"s\"><v>3</v></c></row></sheetData></worksheet>";
	entries[7] = sheet2;
	make_zip(tmp("hand2.xlsx"), entries);
	dump_is(tmp("hand2.xlsx"), "1: a\rb_x0041_ \n");
}

/* a number cell (t="n", or no t) is marked as one, so an importer reads its
** text as the plain number it is ("0.125" an eighth, not 125 grouped the
** Vietnamese way); text, booleans, errors and every CSV field are not */
static void test_xlsx_number_cells_marked(void **state)
{
	(void)state;
	static const char sst[] = "<sst xmlns=\"" NS_MAIN "\"><si><t>1.234</t></si></sst>";
	static const char sheet[] =
		"<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
		"<row r=\"2\"><c r=\"A2\"><v>0.125</v></c><c r=\"B2\" t=\"n\"><v>1.234</v></c><c r=\"C2\" t=\"s\"><v>0</v></c>"
		"<c r=\"D2\" t=\"inlineStr\"><is><t>12.345</t></is></c><c r=\"E2\" t=\"str\"><v>7</v></c><c r=\"F2\" t=\"b\"><v>1</v></c>"
		"<c r=\"H2\"><v>1E300</v></c></row>"
		"<row r=\"3\"><c r=\"B3\" t=\"s\"><v>0</v></c></row>"
		"</sheetData></worksheet>";
	const char *entries[] = { "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels", RELS, "xl/sharedStrings.xml", sst,
				  "xl/worksheets/sheet1.xml", sheet, NULL };
	make_zip(tmp("types.xlsx"), entries);
	FILE *f = fopen(tmp("types.xlsx"), "rb");
	assert_non_null(f);
	struct table *t;
	char err[256];
	assert_int_equal(table_open(&t, f, NULL, err, sizeof err), 0);
	assert_int_equal(table_next(t), 1);
	assert_int_equal(t->line, 2);
	assert_int_equal(t->nfields, 8);
	static const char *const text[] = { "0.125", "1.234", "1.234", "12.345", "7", "1", "", "1e+300" };
	static const int numeric[] = { 1, 1, 0, 0, 0, 0, 0, 1 };
	for (int i = 0; i < 8; i++) {
		assert_string_equal(table_cell(t, i), text[i]);
		assert_int_equal(table_numeric(t, i), numeric[i]);
	}
	assert_int_equal(table_numeric(t, -1), 0);
	assert_int_equal(table_numeric(t, 8), 0);
	/* the next row forgets the last one's types */
	assert_int_equal(table_next(t), 1);
	assert_int_equal(t->line, 3);
	assert_int_equal(table_numeric(t, 0), 0);
	assert_int_equal(table_numeric(t, 1), 0);
	assert_string_equal(table_cell(t, 1), "1.234");
	assert_int_equal(table_next(t), 0);
	table_close(t);
	fclose(f);
	/* CSV fields are text, whatever they hold */
	write_file(tmp("n.csv"), "a,b\n0.125,1\n", 12);
	f = fopen(tmp("n.csv"), "rb");
	assert_non_null(f);
	assert_int_equal(table_open(&t, f, NULL, err, sizeof err), 0);
	assert_int_equal(table_next(t), 1);
	assert_int_equal(table_next(t), 1);
	assert_int_equal(table_numeric(t, 0), 0);
	assert_int_equal(table_numeric(t, 1), 0);
	table_close(t);
	fclose(f);
}

static void test_xlsx_first_sheet_in_workbook_order(void **state)
{
	(void)state;
	/* the package's main part found through _rels/.rels; the first <sheet> is rId2, an absolute target */
	static const char root_rels[] = "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"r1\" "
					"Type=\"" NS_R "/officeDocument\" Target=\"book/main.xml\"/></Relationships>";
	static const char wb[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
				 "<sheet name=\"B\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	static const char rels[] = "<Relationships xmlns=\"" NS_PKG "\">"
				   "<Relationship Id=\"rId1\" Type=\"" NS_R "/worksheet\" Target=\"sheets/a.xml\"/>"
				   "<Relationship Id=\"rId2\" Type=\"" NS_R "/worksheet\" Target=\"/book/sheets/../sheets/b.xml\"/></Relationships>";
	static const char a[] = "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>wrong</t></is></c></row></sheetData></worksheet>";
	static const char b[] = "<worksheet><sheetData><row r=\"2\"><c t=\"inlineStr\"><is><t>right</t></is></c></row></sheetData></worksheet>";
	const char *entries[] = { "_rels/.rels", root_rels, "book/main.xml", wb, "book/_rels/main.xml.rels", rels,
				  "book/sheets/a.xml", a, "book/sheets/b.xml", b, NULL };
	make_zip(tmp("order.xlsx"), entries);
	dump_is(tmp("order.xlsx"), "2:right\n");
}

/* ---- broken files: one clear line, never a crash ---- */

static void test_xlsx_broken_files(void **state)
{
	(void)state;
	write_file(tmp("notzip.xlsx"), "PK\3\4 this is not a zip archive", 30);
	dump_is(tmp("notzip.xlsx"), "!" BAD "Not a zip archive");

	const char *nowb[] = { "word/document.xml", "<document/>", NULL };
	make_zip(tmp("nowb.xlsx"), nowb);
	dump_is(tmp("nowb.xlsx"), "!" BAD "it has no xl/workbook.xml");

	const char *badwb[] = { "xl/workbook.xml", "<workbook><sheets><sheet name=\"a\"</sheets>", NULL };
	make_zip(tmp("badwb.xlsx"), badwb);
	char *got = dump(tmp("badwb.xlsx"));
	assert_true(strncmp(got, "!" BAD "xl/workbook.xml line 1: ", strlen("!" BAD "xl/workbook.xml line 1: ")) == 0);
	assert_null(strchr(got, '\n'));
	free(got);

	const char *norels[] = { "xl/workbook.xml", WORKBOOK, NULL };
	make_zip(tmp("norels.xlsx"), norels);
	dump_is(tmp("norels.xlsx"), "!" BAD "it has no xl/_rels/workbook.xml.rels");

	/* entities (billion laughs, external files) never get a chance: no DTD at all */
	const char *dtd[] = { "xl/workbook.xml",
			      "<?xml version=\"1.0\"?><!DOCTYPE workbook [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><workbook>&x;</workbook>", NULL };
	make_zip(tmp("dtd.xlsx"), dtd);
	dump_is(tmp("dtd.xlsx"), "!" BAD "xl/workbook.xml declares a DTD, which workbooks never do");

	/* the sheet breaks after two good rows: one error naming the first row not read (the reader
	** parses ahead, so in a small file the good rows do not come first), then the end */
	const char *badsheet[] = { "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels", RELS, "xl/worksheets/sheet1.xml",
				   "<worksheet><sheetData>\n<row r=\"1\"><c><v>1</v></c></row>\n<row r=\"2\"><c><v>2</v></c></row>\n"
				   "<row r=\"3\"><c><v>3</v></row>\n</sheetData></worksheet>",
				   NULL };
	make_zip(tmp("badsheet.xlsx"), badsheet);
	got = dump(tmp("badsheet.xlsx"));
	const char *want = "1:!" BAD "xl/worksheets/sheet1.xml line 4: ";
	assert_true(strncmp(got, want, strlen(want)) == 0);
	assert_true(strlen(got) > strlen(want));
	assert_ptr_equal(strchr(got + strlen(want), '\n'), got + strlen(got) - 1);   /* one line, the last */
	free(got);
}

/* the first 1 MiB of a sheet of rows, the rest discarded */
static char *big_sheet(size_t *n)
{
	struct buf b;
	buf_init(&b);
	buf_raw(&b, "<worksheet><sheetData>");
	for (int r = 1; b.len < (3u << 20); r++) buf_printf(&b, "<row r=\"%d\"><c t=\"inlineStr\"><is><t>Hà Nội</t></is></c></row>", r);
	buf_raw(&b, "</sheetData></worksheet>");
	*n = b.len;
	return buf_detach(&b);
}

/* sets the uncompressed size of one entry to `size` in its local and central headers */
static void lie_about_size(const char *path, const char *name, uint32_t size)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	unsigned char *p = malloc((size_t)n);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	size_t nl = strlen(name);
	int patched = 0;
	for (long i = 0; i + 46 < n; i++) {
		long at = -1, nameat = 0, len = 0;
		if (!memcmp(p + i, "PK\3\4", 4)) at = i + 22, len = p[i + 26] | p[i + 27] << 8, nameat = i + 30;
		else if (!memcmp(p + i, "PK\1\2", 4)) at = i + 24, len = p[i + 28] | p[i + 29] << 8, nameat = i + 46;
		if (at < 0 || (size_t)len != nl || nameat + len > n || memcmp(p + nameat, name, nl) != 0) continue;
		for (int k = 0; k < 4; k++) p[at + k] = (unsigned char)(size >> (8 * k));
		patched++;
	}
	assert_int_equal(patched, 2);
	fseek(f, 0, SEEK_SET);
	fwrite(p, 1, (size_t)n, f);
	fclose(f);
	free(p);
}

static void test_xlsx_size_limit(void **state)
{
	(void)state;
	size_t n;
	char *sheet = big_sheet(&n);
	const char *entries[] = { "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels", RELS, "xl/worksheets/sheet1.xml", sheet, NULL };
	make_zip(tmp("big.xlsx"), entries);
	free(sheet);
	long saved = xlsx_max_sheet;
	xlsx_max_sheet = 1L << 20;
	/* the size the zip declares is over the limit: refused at once */
	dump_is(tmp("big.xlsx"), "!" BAD "xl/worksheets/sheet1.xml is larger than 1 MB uncompressed");
	/* a zip that lies about it (a bomb) is stopped while it inflates: rows, then the error */
	lie_about_size(tmp("big.xlsx"), "xl/worksheets/sheet1.xml", 1000);
	char *got = dump(tmp("big.xlsx"));
	const char *tail = "!" BAD "xl/worksheets/sheet1.xml is larger than 1 MB uncompressed\n";
	assert_true(strlen(got) > strlen(tail));
	assert_string_equal(got + strlen(got) - strlen(tail), tail);
	assert_true(strncmp(got, "1:Hà Nội\n2:Hà Nội\n", strlen("1:Hà Nội\n2:Hà Nội\n")) == 0);
	free(got);
	xlsx_max_sheet = saved;

	/* parts held in memory have their own limit */
	struct buf sst;
	buf_init(&sst);
	buf_raw(&sst, "<sst>");
	while (sst.len < (2u << 20)) buf_raw(&sst, "<si><t>Thừa Thiên Huế</t></si>");
	buf_raw(&sst, "</sst>");
	const char *entries2[] = { "xl/workbook.xml", WORKBOOK, "xl/_rels/workbook.xml.rels", RELS, "xl/sharedStrings.xml", buf_cstr(&sst), NULL };
	make_zip(tmp("bigsst.xlsx"), entries2);
	buf_free(&sst);
	saved = xlsx_max_part;
	xlsx_max_part = 1L << 20;
	dump_is(tmp("bigsst.xlsx"), "!" BAD "xl/sharedStrings.xml is larger than 1 MB uncompressed");
	xlsx_max_part = saved;
}

/* ---- CSV goes through the same reader ---- */

static void test_csv_through_table(void **state)
{
	(void)state;
	static const char csv[] = "\xEF\xBB\xBF" "code;name\r\nA;\"b;c\"\r\n\r\nD;\"x\ny\"\nE;\"bad\"x\nF;Huế\n";
	write_file(tmp("t.csv"), csv, sizeof csv - 1);
	dump_is(tmp("t.csv"), "1:code|name\n2:A|b;c\n3:(blank)\n4:D|x\ny\n6:!text after a closing quote in field 2\n7:F|Huế\n");
	/* a file that merely starts with "PK" is CSV */
	write_file(tmp("pk.csv"), "PKcode,x\n1,2\n", 13);
	dump_is(tmp("pk.csv"), "1:PKcode|x\n2:1|2\n");
	/* an old .xls (or a workbook with a password) is an OLE file: refused with a hint */
	write_file(tmp("old.xls"), "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12);
	dump_is(tmp("old.xls"), "!the file is an old Excel workbook (.xls) or one protected by a password, which cannot be read: "
				"save it as .xlsx without a password, or as CSV");
	/* UTF-16, with its BOM (little or big endian) or without: refused with a hint, not "a NUL byte" */
	static const char u16le[] = "\xFF\xFE" "c\0o\0d\0e\0\n\0", u16be[] = "\xFE\xFF" "\0c\0o\0d\0e\0\n", u16bare[] = "c\0o\0d\0e\0\n\0";
	const char *hint = "!the file is UTF-16 text, not UTF-8: save it as \"CSV UTF-8 (comma delimited)\" or as .xlsx";
	write_file(tmp("u16le.csv"), u16le, sizeof u16le - 1);
	dump_is(tmp("u16le.csv"), hint);
	write_file(tmp("u16be.csv"), u16be, sizeof u16be - 1);
	dump_is(tmp("u16be.csv"), hint);
	write_file(tmp("u16bare.csv"), u16bare, sizeof u16bare - 1);
	dump_is(tmp("u16bare.csv"), hint);
	/* one letter per line is still CSV */
	write_file(tmp("short.csv"), "a\nb\n", 4);
	dump_is(tmp("short.csv"), "1:a\n2:b\n");
	write_file(tmp("empty.csv"), "", 0);
	dump_is(tmp("empty.csv"), "");
	/* a NUL byte is that line's error (it would cut the text short), and the next line reads on */
	static const char nul[] = "code,kind,title,points\nA1,score,ti\0tle,5\n\"B\0\",x,y,1\nA2,score,ok,5\n";
	write_file(tmp("nul.csv"), nul, sizeof nul - 1);
	dump_is(tmp("nul.csv"), "1:code|kind|title|points\n2:!field 3 holds a NUL byte\n3:!field 1 holds a NUL byte\n4:A2|score|ok|5\n");
}

/* a header cell names a column by its code or by its label in vi, en or hi,
** whatever the case, accents, spaces around and a "*" of a required column */
static void test_column_names(void **state)
{
	(void)state;
	static const struct column cols[] = { { "code", N_("Unit code") }, { "parent_code", N_("Parent unit code") },
					      { "active", N_("Active (1 or 0)") }, { NULL, NULL } };
	const char *h[4];
	column_headers(cols, "vi", h);
	assert_string_equal(h[0], "Mã đơn vị");
	assert_string_equal(h[1], "Mã đơn vị cấp trên");
	assert_string_equal(h[2], "Đang hoạt động (1 hoặc 0)");
	assert_null(h[3]);
	column_headers(cols, "hi", h);
	assert_string_equal(h[1], "मूल इकाई कोड");
	column_headers(cols, "en", h);
	assert_string_equal(h[1], "Parent unit code");
	const char *yes[] = { "parent_code", "Mã đơn vị cấp trên", "ma don vi cap tren", "  MÃ ĐƠN VỊ CẤP TRÊN *", "Parent unit code",
			      "parent UNIT code", "मूल इकाई कोड", "Mã  đơn vị  cấp trên" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!column_named(yes[i], "parent_code", N_("Parent unit code"))) fail_msg("'%s' should name parent_code", yes[i]);
	const char *no[] = { "", "*", "parent", "Mã đơn vị", "ma don vi cap", "parent_code_2", "इकाई कोड" };
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (column_named(no[i], "parent_code", N_("Parent unit code"))) fail_msg("'%s' should not name parent_code", no[i]);

	/* a header row: each column found once, in any order, unknown columns ignored */
	FILE *f = fopen(tmp("h.csv"), "wb");
	fputs("Ghi chú;ĐANG HOẠT ĐỘNG (1 HOẶC 0);ma don vi cap tren;Unit code\n", f);
	fclose(f);
	f = fopen(tmp("h.csv"), "rb");
	struct table *t;
	char err[256];
	assert_int_equal(table_open(&t, f, NULL, err, sizeof err), 0);
	assert_int_equal(table_next(t), 1);
	int col[3];
	table_columns_named(t, cols, col);
	assert_int_equal(col[0], 3);
	assert_int_equal(col[1], 2);
	assert_int_equal(col[2], 1);
	table_close(t);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "%s/thidua-table-XXXXXX", test_tmpdir());
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("KEEP_TABLE_FILES")) { printf("files kept in %s\n", dir); return 0; }
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* a reader opened in a language says what is wrong with a line in it (a
** reporter's import on the web); without one, in English (the command line) */
static void test_errors_in_the_readers_language(void **state)
{
	(void)state;
	static const char csv[] = "code,name\nA,\"x\"y\nB,\xff\n";
	write_file(tmp("bad.csv"), csv, sizeof csv - 1);
	static const struct { const char *lang, *quote, *utf8; } want[] = {
		{ "vi", "có chữ sau dấu ngoặc kép đóng ở ô thứ 2", "ô thứ 2 không phải văn bản UTF-8 hợp lệ" },
		{ "hi", "फ़ील्ड 2 में बंद उद्धरण-चिह्न के बाद पाठ", "फ़ील्ड 2 मान्य UTF-8 नहीं है" },
		{ NULL, "text after a closing quote in field 2", "field 2 is not valid UTF-8" },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		FILE *f = fopen(tmp("bad.csv"), "rb");
		assert_non_null(f);
		struct table *t;
		char err[256];
		assert_int_equal(table_open(&t, f, want[i].lang, err, sizeof err), 0);
		assert_int_equal(table_next(t), 1);
		assert_int_equal(table_next(t), -1);
		assert_int_equal(t->line, 2);
		assert_string_equal(t->err, want[i].quote);
		assert_int_equal(table_next(t), -1);
		assert_int_equal(t->line, 3);
		assert_string_equal(t->err, want[i].utf8);
		table_close(t);
		fclose(f);
	}
	/* a file that cannot be read at all */
	write_file(tmp("u16.csv"), "\xff\xfe" "c\0o\0", 6);
	FILE *f = fopen(tmp("u16.csv"), "rb");
	assert_non_null(f);
	struct table *t;
	char err[256];
	assert_int_equal(table_open(&t, f, "vi", err, sizeof err), -1);
	assert_string_equal(err, "tệp là văn bản UTF-16, không phải UTF-8: hãy lưu thành \"CSV UTF-8 (comma delimited)\" hoặc .xlsx");
	fclose(f);
	write_file(tmp("broken.xlsx"), "PK\3\4 not a zip at all", 22);
	f = fopen(tmp("broken.xlsx"), "rb");
	assert_non_null(f);
	assert_int_equal(table_open(&t, f, "vi", err, sizeof err), -1);
	assert_true(strncmp(err, "tệp không phải sổ tính XLSX đọc được: ", strlen("tệp không phải sổ tính XLSX đọc được: ")) == 0);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx_written_by_libxlsxwriter),
		cmocka_unit_test(test_xlsx_inline_strings),
		cmocka_unit_test(test_xlsx_hand_made_cells),
		cmocka_unit_test(test_xlsx_number_cells_marked),
		cmocka_unit_test(test_xlsx_first_sheet_in_workbook_order),
		cmocka_unit_test(test_xlsx_broken_files),
		cmocka_unit_test(test_xlsx_size_limit),
		cmocka_unit_test(test_csv_through_table),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_errors_in_the_readers_language),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
