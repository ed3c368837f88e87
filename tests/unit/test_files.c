/* Unit tests of uploads: the multipart/form-data reader (exact parts, limits,
** malformed bodies), type detection by content with real bytes (PDF, PNG,
** JPEG, GIF, an XLSX written by libxlsxwriter, a DOCX and other ZIPs built
** with libzip here), names that must agree with the content, storage once by
** SHA-256, attachments with their audit rows, and the download reply. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/arena.h"
#include "base/audit.h"
#include "base/auth.h"
#include "base/db.h"
#include "base/files.h"
#include "base/multipart.h"
#include "base/schema.h"
#include "web/web.h"
#include "fixture.h"
#include "tmpdir.h"

/* ---------------- real bytes ---------------- */

/* a 1x1 red RGB PNG */
static const unsigned char png_1x1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
	0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00,
	0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
	0x44, 0xae, 0x42, 0x60, 0x82,
};
#define PNG_SHA256 "b1ff9c8ea3a780bad09b346c423d2d0e46815926879b18e841d928376a946640"
/* a 1x1 grey baseline JPEG (JFIF) */
static const unsigned char jpeg_1x1[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01,
	0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x14,
	0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x3f, 0xff, 0xd9,
};
/* a 1x1 GIF89a */
static const unsigned char gif_1x1[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};
/* the RIFF container of a lossless WebP: libmagic reads no further */
static const unsigned char webp_head[] = { 'R', 'I', 'F', 'F', 26, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L',
					   14, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0 };

static const char pdf_tiny[] = "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
			       "2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

struct bytes {
	unsigned char *p;
	size_t n;
};

static struct bytes slurp(const char *path)
{
	struct bytes b = { 0 };
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	b.n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b.p = malloc(b.n + 1);
	assert_int_equal(fread(b.p, 1, b.n, f), b.n);
	fclose(f);
	unlink(path);
	return b;
}

static void tmpname(char *out, size_t n, const char *suffix)
{
	static int seq;
	snprintf(out, n, "%s/thidua-files-%d-%d%s", test_tmpdir(), (int)getpid(), ++seq, suffix);
}

static struct bytes make_xlsx(void)
{
	char path[128];
	tmpname(path, sizeof path, ".xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "Phong trào thi đua", NULL);
	worksheet_write_number(ws, 1, 0, 2026, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	return slurp(path);
}

/* a ZIP with the given entries (name, content pairs, NULL-terminated) */
static struct bytes make_zip(const char *const *entries)
{
	char path[128];
	tmpname(path, sizeof path, ".zip");
	int err = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; entries[i]; i += 2) {
		zip_source_t *s = zip_source_buffer(z, entries[i + 1], strlen(entries[i + 1]), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, entries[i], s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	return slurp(path);
}

#define CT_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" \
		"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
#define RELS "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	     "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>" \
	     "</Relationships>"
#define DOC "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">" \
	    "<w:body><w:p><w:r><w:t>Quyết định phát động phong trào</w:t></w:r></w:p></w:body></w:document>"

static struct bytes make_docx(const char *main_type)
{
	char ct[2048];
	snprintf(ct, sizeof ct, CT_HEAD "<Override PartName=\"/word/document.xml\" ContentType=\"%s\"/></Types>", main_type);
	const char *entries[] = { "[Content_Types].xml", ct, "_rels/.rels", RELS, "word/document.xml", DOC, NULL };
	return make_zip(entries);
}
#define DOCX_MAIN "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#define DOCM_MAIN "application/vnd.ms-word.document.macroEnabled.main+xml"

/* ---------------- fixture ---------------- */

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "files", &f->db) != 0) return -1;
	arena_init(&f->a);
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

static int64_t count(struct db *db, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_int1(db, &v, sql, ""), DB_ROW);
	return v;
}

/* ---------------- multipart ---------------- */

static int parse(struct arena *a, const char *ct, const char *body, size_t n, struct mp_part **parts, int *np,
		 const char **err)
{
	*err = NULL;
	return multipart_parse(a, ct, body, n, parts, np, err);
}
#define PARSE_OK(ct, lit) assert_int_equal(parse(&a, ct, lit, sizeof lit - 1, &parts, &np, &err), 0)
#define PARSE_ERR(ct, lit, why)                                                      \
	do {                                                                         \
		assert_int_equal(parse(&a, ct, lit, sizeof lit - 1, &parts, &np, &err), -1); \
		assert_string_equal(err, why);                                       \
	} while (0)

static void test_multipart_parts(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct mp_part *parts;
	int np;
	const char *err;
	static const char body[] =
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
		"abc123\r\n"
		"--XyZ\r\n"
		"content-disposition: form-data; name=\"note\"\r\n\r\n"
		"line 1\r\nline 2\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"file\"; filename=\"C:\\Users\\an\\B\xc3\xa1o c\xc3\xa1o.pdf\"\r\n"
		"Content-Type: application/pdf\r\n\r\n"
		"%PDF\r\n\0\r\n--X\r\n"
		"--XyZ--\r\n";
	PARSE_OK("multipart/form-data; boundary=XyZ", body);
	assert_int_equal(np, 3);
	assert_string_equal(parts[0].name, "_csrf");
	assert_null(parts[0].filename);
	assert_null(parts[0].ctype);
	assert_int_equal(parts[0].len, 6);
	assert_memory_equal(parts[0].data, "abc123", 6);
	assert_string_equal(parts[1].name, "note");
	assert_int_equal(parts[1].len, 14);
	assert_memory_equal(parts[1].data, "line 1\r\nline 2", 14);
	assert_string_equal(parts[2].name, "file");
	assert_string_equal(parts[2].filename, "B\xc3\xa1o c\xc3\xa1o.pdf");
	assert_string_equal(parts[2].ctype, "application/pdf");
	/* CR, LF, NUL and a boundary-like line inside the data are kept */
	assert_int_equal(parts[2].len, 12);
	assert_memory_equal(parts[2].data, "%PDF\r\n\0\r\n--X", 12);

	/* quoted boundary with a space and ':', a preamble, padding after the
	** delimiter, a token name, an epilogue, the type in capitals */
	static const char q[] = "preamble\r\n--a b:c  \r\nContent-Disposition: FORM-DATA; name=field\r\n\r\nx\r\n--a b:c--epilogue";
	PARSE_OK("Multipart/Form-Data;boundary=\"a b:c\"", q);
	assert_int_equal(np, 1);
	assert_string_equal(parts[0].name, "field");
	assert_int_equal(parts[0].len, 1);

	/* a file input left empty is no part; a Unix path is removed too */
	static const char e[] = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
				"Content-Type: application/octet-stream\r\n\r\n\r\n"
				"--B\r\nContent-Disposition: form-data; name=\"g\"; filename=\"../../etc/passwd\"\r\n\r\nroot\r\n--B--";
	PARSE_OK("multipart/form-data; boundary=B", e);
	assert_int_equal(np, 1);
	assert_string_equal(parts[0].name, "g");
	assert_string_equal(parts[0].filename, "passwd");

	/* no parts at all */
	PARSE_OK("multipart/form-data; boundary=B", "--B--\r\n");
	assert_int_equal(np, 0);
	arena_free(&a);
}

static void test_multipart_malformed(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct mp_part *parts;
	int np;
	const char *err;
	const char *ct = "multipart/form-data; boundary=B";
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end\r\n--B", "no closing boundary");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "no closing boundary");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"", "unterminated part headers");
	PARSE_ERR(ct, "just text", "no boundary in the body");
	PARSE_ERR(ct, "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--", "a part without Content-Disposition");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--B--", "the disposition is not form-data");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; filename=\"a.pdf\"\r\n\r\nx\r\n--B--", "a part without a name");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\nx\r\n--B--",
		  "bad Content-Disposition parameters");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--B--", "bad Content-Disposition parameters");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\x01.pdf\"\r\n\r\nx\r\n--B--",
		  "control characters in a part header");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"dir/..\"\r\n\r\nx\r\n--B--",
		  "a file name that is only dots");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"\"\r\n\r\nx\r\n--B--",
		  "a file without a file name");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--B--", "bad Content-Disposition parameters");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Note: a\r\n b\r\n\r\nx\r\n--B--", "a folded part header");
	PARSE_ERR(ct, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--Bogus\r\n--B--", "a boundary line with trailing text");
	PARSE_ERR("multipart/form-data", "--B--", "no valid boundary in the Content-Type");
	PARSE_ERR("multipart/mixed; boundary=B", "--B--", "no valid boundary in the Content-Type");
	PARSE_ERR("multipart/form-data; boundary=", "--B--", "no valid boundary in the Content-Type");
	PARSE_ERR("multipart/form-data; boundary=B; boundary=C", "--B--", "no valid boundary in the Content-Type");
	PARSE_ERR("multipart/form-data; boundary=\"ends with space \"", "--B--", "no valid boundary in the Content-Type");
	PARSE_ERR("multipart/form-data; boundary=\"a\x01\"", "--B--", "no valid boundary in the Content-Type");
	char longb[128] = "multipart/form-data; boundary=";
	memset(longb + strlen(longb), 'b', 71);
	PARSE_ERR(longb, "--B--", "no valid boundary in the Content-Type");
	assert_int_equal(parse(&a, ct, NULL, 0, &parts, &np, &err), -1);
	assert_string_equal(err, "no boundary in the body");

	/* a header line of MP_MAX_LINE bytes passes, one more does not */
	struct buf b;
	buf_init(&b);
	const char *pre = "Content-Disposition: form-data; name=\"";
	for (int extra = 0; extra <= 1; extra++) {
		buf_reset(&b);
		buf_raw(&b, "--B\r\n");
		buf_raw(&b, pre);
		for (size_t i = 0; i < MP_MAX_LINE - strlen(pre) - 1 + (size_t)extra; i++) buf_char(&b, 'n');
		buf_raw(&b, "\"\r\n\r\nx\r\n--B--");
		int rc = parse(&a, ct, b.p, b.len, &parts, &np, &err);
		if (!extra) assert_int_equal(rc, 0);
		else { assert_int_equal(rc, -1); assert_string_equal(err, "a part header line is too long"); }
	}
	/* 64 parts pass, 65 do not */
	for (int k = MP_MAX_PARTS; k <= MP_MAX_PARTS + 1; k++) {
		buf_reset(&b);
		for (int i = 0; i < k; i++) buf_printf(&b, "--B\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
		buf_raw(&b, "--B--\r\n");
		int rc = parse(&a, ct, b.p, b.len, &parts, &np, &err);
		if (k == MP_MAX_PARTS) { assert_int_equal(rc, 0); assert_int_equal(np, MP_MAX_PARTS); assert_string_equal(parts[63].name, "f63"); }
		else { assert_int_equal(rc, -1); assert_string_equal(err, "too many parts"); }
	}
	/* 9 header lines in one part */
	buf_reset(&b);
	buf_raw(&b, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n");
	for (int i = 0; i < MP_MAX_HEADERS; i++) buf_printf(&b, "X-H%d: v\r\n", i);
	buf_raw(&b, "\r\nx\r\n--B--");
	assert_int_equal(parse(&a, ct, b.p, b.len, &parts, &np, &err), -1);
	assert_string_equal(err, "too many part headers");
	buf_free(&b);
	arena_free(&a);
}

/* a multipart body into a request: text fields (multi-line kept) into the
** form, files apart */
static void test_req_multipart(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.a);
	TAILQ_INIT(&r.form);
	static const char body[] =
		"--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nt0k3n\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nd\xc3\xb2ng 1\r\nd\xc3\xb2ng 2\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"/home/lan/anh.png\"\r\n"
		"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\0\r\n"
		"--b\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"hai.pdf\"\r\n\r\n%PDF\r\n"
		"--b--\r\n";
	r.body = body;
	r.body_len = sizeof body - 1;
	const char *why = NULL;
	assert_int_equal(req_read_multipart(&r, "multipart/form-data; boundary=b", &why), 0);
	assert_string_equal(req_form(&r, "_csrf"), "t0k3n");
	assert_string_equal(req_form(&r, "note"), "d\xc3\xb2ng 1\r\nd\xc3\xb2ng 2");
	assert_null(req_form(&r, "evidence"));
	assert_int_equal(r.nfiles, 2);
	const struct mp_part *f = req_file(&r, "evidence");
	assert_ptr_equal(f, &r.files[0]);
	assert_string_equal(f->filename, "anh.png");
	assert_string_equal(f->ctype, "image/png");
	assert_int_equal(f->len, 9);
	assert_memory_equal(f->data, "\x89PNG\r\n\x1a\n\0", 9);
	assert_string_equal(r.files[1].filename, "hai.pdf");
	assert_null(r.files[1].ctype);
	assert_null(req_file(&r, "other"));
	evhttp_clear_headers(&r.form);
	TAILQ_INIT(&r.form);
	assert_int_equal(req_read_multipart(&r, "multipart/form-data; boundary=b", &why), 0);
	r.body_len -= 4; /* cut into the closing delimiter */
	evhttp_clear_headers(&r.form);
	assert_int_equal(req_read_multipart(&r, "multipart/form-data; boundary=b", &why), -1);
	assert_string_equal(why, "no closing boundary");
	evhttp_clear_headers(&r.form);
	arena_free(&r.a);
}

/* ---------------- detection and names ---------------- */

static void expect_mime(const void *p, size_t n, const char *want)
{
	const char *mime = "unset";
	int rc = files_detect(p, n, &mime);
	if (want) {
		assert_int_equal(rc, E_OK);
		assert_string_equal(mime, want);
	} else {
		assert_int_equal(rc, E_INVALID);
		assert_null(mime);
	}
}

static void test_detect(void **state)
{
	(void)state;
	expect_mime(pdf_tiny, sizeof pdf_tiny - 1, MIME_PDF);
	expect_mime(png_1x1, sizeof png_1x1, MIME_PNG);
	expect_mime(jpeg_1x1, sizeof jpeg_1x1, MIME_JPEG);
	expect_mime(gif_1x1, sizeof gif_1x1, MIME_GIF);
	expect_mime(webp_head, sizeof webp_head, MIME_WEBP);
	struct bytes x = make_xlsx();
	expect_mime(x.p, x.n, MIME_XLSX);
	struct bytes d = make_docx(DOCX_MAIN);
	expect_mime(d.p, d.n, MIME_DOCX);
	/* a Word file with macros declares another main type: refused */
	struct bytes m = make_docx(DOCM_MAIN);
	expect_mime(m.p, m.n, NULL);
	/* a ZIP that is neither */
	const char *plain[] = { "notes.txt", "hello", NULL };
	struct bytes z = make_zip(plain);
	expect_mime(z.p, z.n, NULL);
	/* a ZIP claiming both a document and a workbook */
	char ct[1024];
	snprintf(ct, sizeof ct, CT_HEAD "<Override PartName=\"/word/document.xml\" ContentType=\"" DOCX_MAIN "\"/></Types>");
	const char *both[] = { "[Content_Types].xml", ct, "word/document.xml", DOC, "xl/workbook.xml", "<workbook/>", NULL };
	struct bytes bz = make_zip(both);
	expect_mime(bz.p, bz.n, NULL);
	/* a truncated DOCX is not a ZIP any more */
	expect_mime(d.p, d.n / 2, NULL);
	expect_mime("just some text\n", 15, NULL);
	expect_mime("<html><script>alert(1)</script></html>", 39, NULL);
	expect_mime("", 0, NULL);
	free(x.p);
	free(d.p);
	free(m.p);
	free(z.p);
	free(bz.p);
}

/* each thread loads its own libmagic handle (closed when it ends: the leak
** checker would see one left behind) and they detect side by side */
static void *detect_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		const char *m1 = NULL, *m2 = NULL;
		if (files_detect(pdf_tiny, sizeof pdf_tiny - 1, &m1) != E_OK || strcmp(m1, MIME_PDF) != 0) return (void *)1;
		if (files_detect(jpeg_1x1, sizeof jpeg_1x1, &m2) != E_OK || strcmp(m2, MIME_JPEG) != 0) return (void *)1;
	}
	return NULL;
}

static void test_detect_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, detect_many, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *rc = (void *)1;
		pthread_join(t[i], &rc);
		assert_null(rc);
	}
}

static void expect_name(const char *name, const char *mime, const char *msg)
{
	struct field_errors fe = { 0 };
	int rc = files_check_name(name, mime, &fe);
	if (!msg) {
		assert_int_equal(rc, E_OK);
		assert_int_equal(fe.n, 0);
	} else {
		assert_int_equal(rc, E_INVALID);
		assert_string_equal(fe_get(&fe, "file"), msg);
	}
}

static void test_names(void **state)
{
	(void)state;
	expect_name("Báo cáo.pdf", MIME_PDF, NULL);
	expect_name("SCAN.PNG", MIME_PNG, NULL);
	expect_name("anh.jpeg", MIME_JPEG, NULL);
	expect_name("anh.JPG", MIME_JPEG, NULL);
	expect_name("so-lieu.xlsx", MIME_XLSX, NULL);
	expect_name("report.pdf", MIME_PNG, "The content is a PNG image; the file name must end in .png");
	expect_name("bang.docx", MIME_XLSX, "The content is an Excel workbook; the file name must end in .xlsx");
	expect_name("quyet-dinh.pdf", MIME_DOCX, "The content is a Word document; the file name must end in .docx");
	expect_name("anh.png", MIME_JPEG, "The content is a JPEG image; the file name must end in .jpg or .jpeg");
	expect_name("scan", MIME_PNG, "The file name must end in .pdf, .png, .jpg, .jpeg, .webp, .gif, .docx or .xlsx");
	expect_name("scan.png.exe", MIME_PNG, "The file name must end in .pdf, .png, .jpg, .jpeg, .webp, .gif, .docx or .xlsx");
	expect_name("", MIME_PNG, "The file name is not valid");
	expect_name("a/b.png", MIME_PNG, "The file name is not valid");
	expect_name("tab\t.png", MIME_PNG, "The file name is not valid");
	expect_name("bad\xff.png", MIME_PNG, "The file name is not valid");
	char longname[300];
	memset(longname, 'a', 252);
	strcpy(longname + 252, ".pdf");
	expect_name(longname, MIME_PDF, "The file name is not valid");
	longname[251] = 0;
	strcat(longname, ".pdf");
	expect_name(longname, MIME_PDF, NULL);
}

/* ---------------- storage ---------------- */

static void test_attach_dedupe_audit(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	int64_t a1 = 0, a2 = 0;
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 7, 0, "anh.png", png_1x1, sizeof png_1x1, 1024, &fe, &a1), E_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "model", 9, 0, "ảnh đẹp.png", png_1x1, sizeof png_1x1, 1024, &fe, &a2), E_OK);
	assert_int_equal(fe.n, 0);
	assert_true(a2 > a1 && a1 > 0);
	/* one files row for two attachments of the same bytes */
	assert_int_equal(count(f->db, "SELECT count(*) FROM files"), 1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM attachments"), 2);
	assert_int_equal(count(f->db, "SELECT count(DISTINCT file_id) FROM attachments"), 1);
	struct attachment *t1, *t2;
	assert_int_equal(files_get(f->db, &f->a, a1, &t1), E_OK);
	assert_int_equal(files_get(f->db, &f->a, a2, &t2), E_OK);
	assert_string_equal(t1->sha256, PNG_SHA256);
	assert_string_equal(t2->sha256, PNG_SHA256);
	assert_int_equal(t1->file_id, t2->file_id);
	assert_string_equal(t1->entity, "movement");
	assert_int_equal(t1->entity_id, 7);
	assert_string_equal(t2->name, "ảnh đẹp.png");
	assert_string_equal(t1->mime, "image/png");
	assert_int_equal(t1->size, (int64_t)sizeof png_1x1);
	assert_int_equal(t1->active, 1);
	assert_int_equal(t1->created_by, 0);
	/* the stored bytes are the uploaded bytes */
	struct buf b;
	buf_init(&b);
	assert_int_equal(files_read(f->db, t1->file_id, &b), E_OK);
	assert_int_equal(b.len, sizeof png_1x1);
	assert_memory_equal(b.p, png_1x1, sizeof png_1x1);
	buf_free(&b);
	assert_int_equal(files_read(f->db, 999, &b), E_NOTFOUND);

	/* one audit row per attachment, on the record */
	struct stmt *st = db_query(f->db, "SELECT action, entity, entity_id, before, after FROM audit_log WHERE action = 'attach' ORDER BY id", "");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 1), "movement");
	assert_int_equal(db_int(st, 2), 7);
	assert_true(db_isnull(st, 3));
	char want[512];
	snprintf(want, sizeof want, "{\"attachment\":%lld,\"name\":\"anh.png\",\"sha256\":\"" PNG_SHA256 "\",\"size\":%d,\"mime\":\"image/png\"}",
		 (long long)a1, (int)sizeof png_1x1);
	assert_string_equal(db_text(st, 4), want);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 1), "model");
	assert_int_equal(db_int(st, 2), 9);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	int64_t rows = 0;
	FILE *devnull = fopen("/dev/null", "w");
	assert_int_equal(audit_verify(f->db, devnull, &rows), 0);
	fclose(devnull);
	assert_int_equal(rows, 2);
}

static void test_attach_refusals(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	struct field_errors fe = { 0 };
	/* a text file renamed .pdf */
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "bao-cao.pdf", "hello\n", 6, 1024, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "file"), "This kind of file is not accepted: send a PDF, a PNG, JPEG, WebP or GIF image, "
						 "a Word document (.docx) or an Excel workbook (.xlsx)");
	/* a PNG named .pdf: told what it really is */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "report.pdf", png_1x1, sizeof png_1x1, 1024, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "file"), "The content is a PNG image; the file name must end in .png");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "scan", png_1x1, sizeof png_1x1, 1024, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "file"), "The file name must end in .pdf, .png, .jpg, .jpeg, .webp, .gif, .docx or .xlsx");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "a.png", png_1x1, sizeof png_1x1, sizeof png_1x1 - 1, &fe, &id),
			 E_INVALID);
	assert_string_equal(fe_get(&fe, "file"), "The file is too large");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "a.png", "", 0, 1024, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "file"), "The file is empty");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(files_attach(f->db, &auth_system, "Movement;", 1, 0, "a.png", png_1x1, sizeof png_1x1, 1024, &fe, &id), E_INVALID);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 0, 0, "a.png", png_1x1, sizeof png_1x1, 1024, &fe, &id), E_INVALID);
	assert_int_equal(count(f->db, "SELECT count(*) FROM files"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM attachments"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), 0);
}

static void test_attach_in_callers_tx(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;
	struct field_errors fe = { 0 };
	struct bytes x = make_xlsx();
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "report", 3, 0, "so-lieu.xlsx", x.p, x.n, 1 << 20, &fe, &id), E_OK);
	assert_true(db_in_tx(f->db));
	db_rollback(f->db);
	/* the caller's rollback takes the file, the attachment and the audit row */
	assert_int_equal(count(f->db, "SELECT count(*) FROM files"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM attachments"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "report", 3, 0, "so-lieu.xlsx", x.p, x.n, 1 << 20, &fe, &id), E_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	struct attachment *t;
	assert_int_equal(files_get(f->db, &f->a, id, &t), E_OK);
	assert_string_equal(t->mime, MIME_XLSX);
	assert_int_equal(t->size, (int64_t)x.n);
	free(x.p);
}

static void test_list_detach(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	int64_t a1, a2, a3, other;
	struct bytes d = make_docx(DOCX_MAIN);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 5, 0, "quyet-dinh.docx", d.p, d.n, 1 << 20, &fe, &a1), E_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 5, 0, "anh.png", png_1x1, sizeof png_1x1, 1024, &fe, &a2), E_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 5, 0, "to-trinh.pdf", pdf_tiny, sizeof pdf_tiny - 1, 1024, &fe, &a3), E_OK);
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 6, 0, "khac.gif", gif_1x1, sizeof gif_1x1, 1024, &fe, &other), E_OK);
	struct attachment *items;
	int n;
	assert_int_equal(files_list(f->db, &f->a, "movement", 5, &items, &n), E_OK);
	assert_int_equal(n, 3);
	/* newest first (same second: the later id first) */
	assert_int_equal(items[0].id, a3);
	assert_string_equal(items[0].mime, MIME_PDF);
	assert_int_equal(items[1].id, a2);
	assert_int_equal(items[2].id, a1);
	assert_string_equal(items[2].mime, MIME_DOCX);
	assert_string_equal(items[2].name, "quyet-dinh.docx");

	assert_int_equal(files_detach(f->db, &auth_system, a2), E_OK);
	assert_int_equal(files_detach(f->db, &auth_system, a2), E_NOTFOUND);
	assert_int_equal(files_detach(f->db, &auth_system, 9999), E_NOTFOUND);
	assert_int_equal(files_list(f->db, &f->a, "movement", 5, &items, &n), E_OK);
	assert_int_equal(n, 2);
	assert_int_equal(items[0].id, a3);
	assert_int_equal(items[1].id, a1);
	/* kept for the history, inactive */
	struct attachment *t;
	assert_int_equal(files_get(f->db, &f->a, a2, &t), E_OK);
	assert_int_equal(t->active, 0);
	assert_int_equal(files_get(f->db, &f->a, 9999, &t), E_NOTFOUND);
	struct stmt *st = db_query(f->db, "SELECT entity, entity_id, before, after FROM audit_log WHERE action = 'detach'", "");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 0), "movement");
	assert_int_equal(db_int(st, 1), 5);
	char want[512];
	snprintf(want, sizeof want, "{\"attachment\":%lld,\"name\":\"anh.png\",\"sha256\":\"" PNG_SHA256 "\",\"size\":%d,\"mime\":\"image/png\"}",
		 (long long)a2, (int)sizeof png_1x1);
	assert_string_equal(db_text(st, 2), want);
	assert_true(db_isnull(st, 3));
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	assert_int_equal(files_list(f->db, &f->a, "movement", 404, &items, &n), E_OK);
	assert_int_equal(n, 0);
	free(d.p);
}

/* ---------------- the download reply ---------------- */

static void reply_fixture(struct req *r, struct fx *f, struct evhttp_request **ev)
{
	memset(r, 0, sizeof *r);
	*ev = evhttp_request_new(NULL, NULL);
	r->ev = *ev;
	r->db = f->db;
	r->method = M_GET;
	r->lang = "en";
	r->api = 1;
	arena_init(&r->a);
	buf_init(&r->out);
}

static const char *out_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_output_headers(r->ev), name);
}

static void test_files_reply(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	int64_t id;
	assert_int_equal(files_attach(f->db, &auth_system, "movement", 1, 0, "Báo cáo \"Q3\" 100%.png", png_1x1, sizeof png_1x1, 1024, &fe, &id), E_OK);
	struct attachment *t;
	assert_int_equal(files_get(f->db, &f->a, id, &t), E_OK);

	struct req r;
	struct evhttp_request *ev;
	reply_fixture(&r, f, &ev);
	files_reply(&r, t);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "image/png");
	assert_int_equal(r.out.len, sizeof png_1x1);
	assert_memory_equal(r.out.p, png_1x1, sizeof png_1x1);
	assert_string_equal(out_header(&r, "Content-Disposition"),
			    "attachment; filename=\"B_o c_o _Q3_ 100%.png\"; "
			    "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22Q3%22%20100%25.png");
	assert_string_equal(out_header(&r, "ETag"), "\"" PNG_SHA256 "\"");
	assert_string_equal(out_header(&r, "Cache-Control"), "private");
	assert_string_equal(out_header(&r, "X-Content-Type-Options"), "nosniff");
	buf_free(&r.out);
	arena_free(&r.a);
	evhttp_request_free(ev);

	/* If-None-Match with the tag (in a list, weak or not): 304 without a body */
	const char *matching[] = { "\"" PNG_SHA256 "\"", "\"x\", W/\"" PNG_SHA256 "\"", "*" };
	for (size_t i = 0; i < 3; i++) {
		reply_fixture(&r, f, &ev);
		evhttp_add_header(evhttp_request_get_input_headers(ev), "If-None-Match", matching[i]);
		files_reply(&r, t);
		assert_int_equal(r.status, 304);
		assert_int_equal(r.out.len, 0);
		assert_string_equal(out_header(&r, "ETag"), "\"" PNG_SHA256 "\"");
		buf_free(&r.out);
		arena_free(&r.a);
		evhttp_request_free(ev);
	}
	reply_fixture(&r, f, &ev);
	evhttp_add_header(evhttp_request_get_input_headers(ev), "If-None-Match", "\"" PNG_SHA256 "0\"");
	files_reply(&r, t);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.out.len, sizeof png_1x1);
	buf_free(&r.out);
	arena_free(&r.a);
	evhttp_request_free(ev);

	/* no kind of record is readable yet: downloads are not found */
	reply_fixture(&r, f, &ev);
	assert_int_equal(attachment_readable(&r, "movement", 1), 0);
	buf_free(&r.out);
	arena_free(&r.a);
	evhttp_request_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_parts),
		cmocka_unit_test(test_multipart_malformed),
		cmocka_unit_test(test_req_multipart),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_detect_threads),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_attach_dedupe_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_in_callers_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files_reply, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
