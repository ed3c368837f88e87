#include "xlsx.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "buf.h"
#include "errors.h"
#include "fold.h"
#include "i18n.h"

#define BAD N_("the file is not a readable XLSX workbook: ")
/* a message id in the reader's language (English when none was given) */
#define L(x, id) i18n_get((x)->lang ? (x)->lang : "en", (id))

long xlsx_max_part = XLSX_MAX_PART, xlsx_max_sheet = XLSX_MAX_SHEET;

/* one zip entry parsed as XML */
struct part {
	struct xlsx *x;
	char name[256];
	zip_file_t *zf;
	xmlTextReaderPtr rd;
	long read, size, limit;
	int too_big, zip_failed;
	char xmlerr[160];
	int xmlline;
};

struct xlsx {
	FILE *f;
	const char *lang;          /* of the messages in err; NULL: English */
	off_t start, size, pos;
	zip_error_t zerr;
	zip_t *zip;
	struct part sheet;
	/* shared strings: ss.p + ss_off[i], NUL-terminated */
	struct buf ss;
	uint32_t *ss_off;
	size_t ss_n, ss_cap;
	/* the current row */
	struct buf rec, val, tmp;
	size_t off[XLSX_MAX_FIELDS];
	unsigned char has[XLSX_MAX_FIELDS];
	unsigned char num[XLSX_MAX_FIELDS];   /* 1: the cell is a number cell (t="n", or no t) */
	char *field[XLSX_MAX_FIELDS];
	int nfields, line, done;
	int last;                  /* the row number last returned */
	char err[256];
};

static char empty_field[1];

static void fail(struct xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct xlsx *x, const char *fmt, ...)
{
	/* the detail stays as libzip, libxml2 or this file says it (in English) */
	int n = snprintf(x->err, sizeof x->err, "%s", L(x, BAD));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err + n, sizeof x->err - (size_t)n, fmt, ap);
	va_end(ap);
	/* one line: names and libxml2's messages may hold line breaks */
	for (char *c = x->err; *c; c++)
		if ((unsigned char)*c < 0x20) *c = ' ';
}

/* ---- the caller's FILE as a libzip source (libzip's own stdio source would close it) ---- */

static zip_int64_t source_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct xlsx *x = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN: x->pos = 0; return 0;
	case ZIP_SOURCE_READ: {
		if (len > (zip_uint64_t)(x->size - x->pos)) len = (zip_uint64_t)(x->size - x->pos);
		if (!len) return 0;
		if (fseeko(x->f, x->start + x->pos, SEEK_SET) != 0) { zip_error_set(&x->zerr, ZIP_ER_SEEK, errno); return -1; }
		size_t n = fread(data, 1, (size_t)len, x->f);
		if (n == 0 && ferror(x->f)) { zip_error_set(&x->zerr, ZIP_ER_READ, errno); return -1; }
		x->pos += (off_t)n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE: return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->size = (zip_uint64_t)x->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&x->zerr, data, len);
	case ZIP_SOURCE_FREE: return 0;
	case ZIP_SOURCE_SEEK: {
		zip_int64_t np = zip_source_seek_compute_offset((zip_uint64_t)x->pos, (zip_uint64_t)x->size, data, len, &x->zerr);
		if (np < 0) return -1;
		x->pos = (off_t)np;
		return 0;
	}
	case ZIP_SOURCE_TELL: return (zip_int64_t)x->pos;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
						      ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, -1);
	default: zip_error_set(&x->zerr, ZIP_ER_OPNOTSUPP, 0); return -1;
	}
}

/* ---- zip entries parsed with libxml2's streaming reader ---- */

static int part_read(void *ctx, char *b, int len)
{
	struct part *p = ctx;
	zip_int64_t n = zip_fread(p->zf, b, (zip_uint64_t)len);
	if (n < 0) { p->zip_failed = 1; return -1; }
	p->read += (long)n;
	if (p->read > p->limit) { p->too_big = 1; return -1; }   /* counted as it inflates: zip bombs stop here */
	return (int)n;
}

#if LIBXML_VERSION >= 21200
static void part_xml_error(void *ctx, const xmlError *e)
#else
static void part_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct part *p = ctx;
	if (p->xmlerr[0] || !e || !e->message) return;
	snprintf(p->xmlerr, sizeof p->xmlerr, "%s", e->message);
	size_t n = strlen(p->xmlerr);
	while (n && (p->xmlerr[n - 1] == '\n' || p->xmlerr[n - 1] == ' ')) p->xmlerr[--n] = 0;
	p->xmlline = e->line;
}

static void part_close(struct part *p)
{
	if (p->rd) xmlFreeTextReader(p->rd);
	if (p->zf) zip_fclose(p->zf);
	p->rd = NULL;
	p->zf = NULL;
}

static void part_fail(struct part *p)
{
	if (p->too_big) fail(p->x, "%s is larger than %ld MB uncompressed", p->name, p->limit >> 20);
	else if (p->zip_failed) fail(p->x, "%s: %s", p->name, zip_file_strerror(p->zf));
	else if (p->xmlerr[0]) fail(p->x, "%s line %d: %s", p->name, p->xmlline, p->xmlerr);
	else fail(p->x, "%s is not well-formed XML", p->name);
}

/* 1 open; 0 absent and optional; -1 error in x->err */
static int part_open(struct xlsx *x, struct part *p, const char *name, int optional, long limit)
{
	memset(p, 0, sizeof *p);
	p->x = x;
	p->limit = limit;
	snprintf(p->name, sizeof p->name, "%s", name);
	zip_int64_t i = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
	if (i < 0) {
		if (optional) return 0;
		fail(x, "it has no %s", name);
		return -1;
	}
	zip_stat_t st;
	if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st) != 0) { fail(x, "%s: %s", name, zip_strerror(x->zip)); return -1; }
	if ((st.valid & ZIP_STAT_SIZE) && st.size > (zip_uint64_t)limit) {
		fail(x, "%s is larger than %ld MB uncompressed", name, limit >> 20);
		return -1;
	}
	p->size = (st.valid & ZIP_STAT_SIZE) ? (long)st.size : 0;
	p->zf = zip_fopen_index(x->zip, (zip_uint64_t)i, 0);
	if (!p->zf) { fail(x, "%s: %s", name, zip_strerror(x->zip)); return -1; }
	/* no network, no DTD loading, no entity substitution (no XML_PARSE_NOENT/DTDLOAD), no stderr */
	p->rd = xmlReaderForIO(part_read, NULL, p, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!p->rd) { part_fail(p); part_close(p); return -1; }
	xmlTextReaderSetStructuredErrorHandler(p->rd, part_xml_error, p);
	return 1;
}

/* the next node: 1, 0 at the end, -1 with x->err set */
static int part_step(struct part *p)
{
	int rc = xmlTextReaderRead(p->rd);
	if (rc < 0) { part_fail(p); return -1; }
	if (rc == 1 && xmlTextReaderNodeType(p->rd) == XML_READER_TYPE_DOCUMENT_TYPE) {
		fail(p->x, "%s declares a DTD, which workbooks never do", p->name);
		return -1;
	}
	return rc;
}

static int is(const xmlChar *a, const char *b) { return a && strcmp((const char *)a, b) == 0; }

/* Copies the current element's attribute `name` (in a namespace when ns, else in none); 1 found. */
static int attr(xmlTextReaderPtr rd, const char *name, int ns, char *out, size_t n)
{
	int found = 0;
	out[0] = 0;
	if (xmlTextReaderMoveToFirstAttribute(rd) != 1) return 0;
	do {
		if (is(xmlTextReaderConstLocalName(rd), name) && (xmlTextReaderConstNamespaceUri(rd) != NULL) == ns) {
			const xmlChar *v = xmlTextReaderConstValue(rd);
			snprintf(out, n, "%s", v ? (const char *)v : "");
			found = 1;
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(rd) == 1);
	xmlTextReaderMoveToElement(rd);
	return found;
}

static int is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA || type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* ---- values ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* OOXML string text: "_xHHHH_" stands for the character U+HHHH (how Excel keeps control characters) */
static void ooxml_text(struct buf *out, const char *s, size_t n)
{
	if (!memchr(s, '_', n)) { buf_add(out, s, n); return; }
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_') {
			int h0 = hexval(s[i + 2]), h1 = hexval(s[i + 3]), h2 = hexval(s[i + 4]), h3 = hexval(s[i + 5]);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
				unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
				if (cp >= 1 && (cp < 0xD800 || (cp >= 0xE000 && cp <= 0xFFFD))) {
					char u[3];
					if (cp < 0x80) buf_char(out, (char)cp);
					else if (cp < 0x800) {
						u[0] = (char)(0xC0 | cp >> 6);
						u[1] = (char)(0x80 | (cp & 0x3F));
						buf_add(out, u, 2);
					} else {
						u[0] = (char)(0xE0 | cp >> 12);
						u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
						u[2] = (char)(0x80 | (cp & 0x3F));
						buf_add(out, u, 3);
					}
					i += 6;
					continue;
				}
			}
		}
		buf_char(out, s[i]);
	}
}

/* A number cell as the shortest text that reads back the same: 1985, not 1985.0; 1E6 → 1000000. */
static void number_text(struct buf *out, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
	/* the usual case, a plain integer (a year, 1, 0), is already its own text */
	size_t d = n && s[0] == '-', k = d;
	while (k < n && s[k] >= '0' && s[k] <= '9') k++;
	if (k == n && n > d && n - d < 16 && (s[d] != '0' || n - d == 1) && !(d && s[d] == '0')) {
		buf_add(out, s, n);
		return;
	}
	char in[64], txt[64];
	k = 0;
	while (k < n && strchr("0123456789+-.eE", s[k])) k++;
	if (n == 0 || n >= sizeof in || k != n) { buf_add(out, s, n); return; }
	memcpy(in, s, n);
	in[n] = 0;
	char *end;
	double v = strtod(in, &end);
	if (*end || !isfinite(v)) { buf_add(out, s, n); return; }
	if (v == 0) v = 0; /* no "-0" */
	if (fabs(v) < 1e21 && v == floor(v)) {
		snprintf(txt, sizeof txt, "%.0f", v);
	} else {
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(txt, sizeof txt, "%.*g", prec, v);
			if (strtod(txt, NULL) == v) break;
		}
	}
	buf_raw(out, txt);
}

/* ---- shared strings ---- */

static void ss_push(struct xlsx *x, const char *s, size_t n)
{
	if (x->ss_n == x->ss_cap) {
		x->ss_cap = x->ss_cap ? x->ss_cap * 2 : 1024;
		x->ss_off = realloc(x->ss_off, x->ss_cap * sizeof *x->ss_off);
		if (!x->ss_off) abort();
	}
	x->ss_off[x->ss_n++] = (uint32_t)x->ss.len;
	ooxml_text(&x->ss, s, n);
	buf_char(&x->ss, 0);
}

static int load_shared_strings(struct xlsx *x, const char *name)
{
	struct part p;
	int rc = part_open(x, &p, name, 1, xlsx_max_part);
	if (rc <= 0) return rc;
	int in_si = 0, in_rph = 0, collect = 0;
	while ((rc = part_step(&p)) == 1) {
		int type = xmlTextReaderNodeType(p.rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(p.rd);
			int empty = xmlTextReaderIsEmptyElement(p.rd);
			if (is(n, "si")) {
				if (empty) ss_push(x, "", 0);
				else { in_si = 1; buf_reset(&x->tmp); }
			} else if (in_si && is(n, "rPh")) {
				in_rph = !empty;   /* phonetic guides are not part of the text */
			} else if (in_si && !in_rph && is(n, "t")) {
				collect = !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(p.rd);
			if (is(n, "t")) collect = 0;
			else if (is(n, "rPh")) in_rph = 0;
			else if (is(n, "si") && in_si) {
				ss_push(x, x->tmp.p ? x->tmp.p : "", x->tmp.len);
				in_si = 0;
			}
		} else if (collect && is_text(type)) {
			const xmlChar *v = xmlTextReaderConstValue(p.rd);
			if (v) buf_raw(&x->tmp, (const char *)v);
		}
	}
	part_close(&p);
	return rc < 0 ? -1 : 1;
}

/* ---- workbook structure ---- */

/* target resolved against the directory dir ("xl/"), "." and ".." removed */
static void resolve(char *out, size_t n, const char *dir, const char *target)
{
	char joined[768];
	if (target[0] == '/') snprintf(joined, sizeof joined, "%s", target + 1);
	else snprintf(joined, sizeof joined, "%s%s", dir, target);
	size_t len = 0;
	out[0] = 0;
	for (char *seg = joined, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next) *next++ = 0;
		if (!*seg || strcmp(seg, ".") == 0) continue;
		if (strcmp(seg, "..") == 0) {
			while (len && out[len - 1] != '/') len--;
			if (len) len--;
			out[len] = 0;
			continue;
		}
		int w = snprintf(out + len, n - len, "%s%s", len ? "/" : "", seg);
		if (w < 0 || (size_t)w >= n - len) { out[n - 1] = 0; return; }
		len += (size_t)w;
	}
}

struct rel {
	const char *id;        /* find this id... */
	char target[512];      /* ...its target */
	char type[256];
	const char *want_type; /* or the first target of a type ending so */
};

/* Reads a .rels part; fills each rel asked for. -1 error; 0 absent; 1 read. */
static int read_rels(struct xlsx *x, const char *name, struct rel *rels, int nrels, int optional)
{
	struct part p;
	int rc = part_open(x, &p, name, optional, xlsx_max_part);
	if (rc <= 0) return rc;
	char id[128], type[256], target[512];
	while ((rc = part_step(&p)) == 1) {
		if (xmlTextReaderNodeType(p.rd) != XML_READER_TYPE_ELEMENT || !is(xmlTextReaderConstLocalName(p.rd), "Relationship")) continue;
		attr(p.rd, "Id", 0, id, sizeof id);
		attr(p.rd, "Type", 0, type, sizeof type);
		attr(p.rd, "Target", 0, target, sizeof target);
		for (int i = 0; i < nrels; i++) {
			struct rel *r = &rels[i];
			if (r->target[0]) continue;
			size_t tl = strlen(type), wl = r->want_type ? strlen(r->want_type) : 0;
			if ((r->id && strcmp(r->id, id) == 0) || (r->want_type && tl >= wl && strcmp(type + tl - wl, r->want_type) == 0)) {
				snprintf(r->target, sizeof r->target, "%s", target);
				snprintf(r->type, sizeof r->type, "%s", type);
			}
		}
	}
	part_close(&p);
	return rc < 0 ? -1 : 1;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

int xlsx_open(struct xlsx **out, FILE *f, const char *lang, char *err, size_t errn)
{
	*out = NULL;
	pthread_once(&xml_once, xml_init);
	struct xlsx *x = calloc(1, sizeof *x);
	if (!x) { snprintf(err, errn, "out of memory"); return -1; }
	x->lang = lang;
	x->f = f;
	buf_init(&x->ss);
	buf_init(&x->rec);
	buf_init(&x->val);
	buf_init(&x->tmp);
	zip_error_init(&x->zerr);
	x->start = ftello(f);
	if (x->start < 0 || fseeko(f, 0, SEEK_END) != 0 || (x->size = ftello(f) - x->start) < 0 || fseeko(f, x->start, SEEK_SET) != 0) {
		fail(x, "it must be read from a file, not a stream");
		goto fail;
	}
	zip_source_t *src = zip_source_function_create(source_cb, x, &x->zerr);
	if (!src) { fail(x, "%s", zip_error_strerror(&x->zerr)); goto fail; }
	zip_error_t ze;
	zip_error_init(&ze);
	x->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!x->zip) {
		fail(x, "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		zip_source_free(src);
		goto fail;
	}
	zip_error_fini(&ze);

	/* the package's main part, usually xl/workbook.xml */
	struct rel office = { .want_type = "/officeDocument" };
	if (read_rels(x, "_rels/.rels", &office, 1, 1) < 0) goto fail;
	char wbname[512], dir[512];
	resolve(wbname, sizeof wbname, "", office.target[0] ? office.target : "xl/workbook.xml");
	const char *slash = strrchr(wbname, '/');
	size_t dl = slash ? (size_t)(slash - wbname + 1) : 0;
	snprintf(dir, sizeof dir, "%.*s", (int)dl, wbname);

	/* the first sheet in workbook order */
	struct part p;
	if (part_open(x, &p, wbname, 0, xlsx_max_part) < 0) goto fail;
	char rid[128] = "";
	int rc;
	while ((rc = part_step(&p)) == 1) {
		if (xmlTextReaderNodeType(p.rd) == XML_READER_TYPE_ELEMENT && is(xmlTextReaderConstLocalName(p.rd), "sheet")) {
			attr(p.rd, "id", 1, rid, sizeof rid);
			break;
		}
	}
	part_close(&p);
	if (rc < 0) goto fail;
	if (!rid[0]) { fail(x, "the workbook names no sheet"); goto fail; }

	char relsname[700];
	snprintf(relsname, sizeof relsname, "%s_rels/%s.rels", dir, wbname + dl);
	struct rel rels[2] = { { .id = rid }, { .want_type = "/sharedStrings" } };
	if (read_rels(x, relsname, rels, 2, 0) < 0) goto fail;
	if (!rels[0].target[0]) { fail(x, "the first sheet (%s) is not in %s", rid, relsname); goto fail; }
	size_t tl = strlen(rels[0].type);
	if (tl < 10 || strcmp(rels[0].type + tl - 10, "/worksheet") != 0) {
		fail(x, "the first sheet is not a worksheet (a chart sheet?)");
		goto fail;
	}
	char name[512];
	if (rels[1].target[0]) {
		resolve(name, sizeof name, dir, rels[1].target);
		if (load_shared_strings(x, name) < 0) goto fail;
	}
	resolve(name, sizeof name, dir, rels[0].target);
	if (part_open(x, &x->sheet, name, 0, xlsx_max_sheet) < 0) goto fail;
	*out = x;
	return 0;
fail:
	snprintf(err, errn, "%s", x->err);
	xlsx_close(x);
	return -1;
}

/* ---- rows ---- */

/* "AB12" → column 27 (0-based); -1 when the reference has no letters */
static int ref_col(const char *r)
{
	int col = 0, n = 0;
	for (; *r; r++, n++) {
		char c = *r;
		if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z') break;
		col = col * 26 + (c - 'A' + 1);
		if (col > 16384) return 16384;   /* past XFD */
	}
	return n ? col - 1 : -1;
}

static void col_name(char *out, int col)
{
	char tmp[8];
	int n = 0;
	for (col++; col > 0 && n < 7; col = (col - 1) / 26) tmp[n++] = (char)('A' + (col - 1) % 26);
	for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

/* the finished cell's value into the row; 0, or -1 with a row error in x->err */
static int put_cell(struct xlsx *x, int col, const char *t)
{
	const char *s = x->val.p ? x->val.p : "";
	size_t n = x->val.len;
	buf_reset(&x->tmp);
	if (strcmp(t, "s") == 0) {
		char *end;
		while (n && (*s == ' ' || *s == '\n')) s++, n--;
		unsigned long i = strtoul(s, &end, 10);
		if (end == s || (*end && *end != ' ' && *end != '\n') || i >= x->ss_n) {
			char c[8];
			col_name(c, col);
			snprintf(x->err, sizeof x->err, L(x, N_("cell %s%d refers to a shared string that does not exist")), c, x->line);
			return -1;
		}
		buf_raw(&x->tmp, x->ss.p + x->ss_off[i]);
	} else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0 || strcmp(t, "e") == 0 || strcmp(t, "d") == 0) {
		ooxml_text(&x->tmp, s, n);
	} else if (strcmp(t, "b") == 0) {
		buf_add(&x->tmp, s, n);
	} else {
		number_text(&x->tmp, s, n);
	}
	if (!x->tmp.len) return 0;   /* an empty value is no value */
	if (col >= XLSX_MAX_FIELDS) {
		char c[8];
		col_name(c, col);
		snprintf(x->err, sizeof x->err, L(x, N_("a value in column %s, past the %d columns read")), c, XLSX_MAX_FIELDS);
		return -1;
	}
	if (!utf8_valid(x->tmp.p, x->tmp.len)) {
		snprintf(x->err, sizeof x->err, L(x, N_("field %d is not valid UTF-8")), col + 1);
		return -1;
	}
	x->off[col] = x->rec.len;
	x->has[col] = 1;
	x->num[col] = strcmp(t, "n") == 0;
	buf_add(&x->rec, x->tmp.p, x->tmp.len);
	buf_char(&x->rec, 0);
	if (col + 1 > x->nfields) x->nfields = col + 1;
	return 0;
}

int xlsx_next(struct xlsx *x)
{
	if (x->done) return 0;
	struct part *p = &x->sheet;
	int in_row = 0, in_cell = 0, in_is = 0, in_rph = 0, collect = 0, col = -1, last_col = -1, row_err = 0;
	char ref[32], t[16], num[16];
	for (;;) {
		int rc = part_step(p);
		if (rc <= 0) {
			x->done = 1;
			/* the reader parses ahead: the rows before the damage may not have come; name the first row not read */
			if (!in_row) x->line = x->last + 1;
			if (rc < 0) return -1;
			if (!in_row) return 0;
			/* unreachable for well-formed XML: the reader reports an unclosed row */
			part_fail(p);
			return -1;
		}
		int type = xmlTextReaderNodeType(p->rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(p->rd);
			int empty = xmlTextReaderIsEmptyElement(p->rd);
			if (!in_row) {
				if (!is(n, "row")) continue;
				long r = attr(p->rd, "r", 0, num, sizeof num) ? strtol(num, NULL, 10) : 0;
				x->line = r > 0 && r <= 1048576 ? (int)r : x->line + 1;
				if (empty) continue;
				in_row = 1;
				last_col = -1;
				row_err = 0;
				x->nfields = 0;
				memset(x->has, 0, sizeof x->has);
				memset(x->num, 0, sizeof x->num);
				buf_reset(&x->rec);
			} else if (!in_cell) {
				if (!is(n, "c")) continue;
				col = attr(p->rd, "r", 0, ref, sizeof ref) ? ref_col(ref) : -1;
				if (col < 0) col = last_col + 1;
				if (!attr(p->rd, "t", 0, t, sizeof t)) strcpy(t, "n");
				last_col = col;
				if (empty) continue;
				in_cell = 1;
				in_is = in_rph = collect = 0;
				buf_reset(&x->val);
			} else if (is(n, "v")) {
				collect = !empty;
			} else if (is(n, "is")) {
				in_is = !empty;
			} else if (in_is && is(n, "rPh")) {
				in_rph = !empty;
			} else if (in_is && !in_rph && is(n, "t")) {
				collect = !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(p->rd);
			if (in_cell && (is(n, "v") || is(n, "t"))) collect = 0;
			else if (in_cell && is(n, "rPh")) in_rph = 0;
			else if (in_cell && is(n, "is")) in_is = 0;
			else if (in_cell && is(n, "c")) {
				in_cell = 0;
				if (!row_err && put_cell(x, col, t) < 0) row_err = 1;
			} else if (in_row && is(n, "row")) {
				in_row = 0;
				if (row_err) { x->last = x->line; return -1; }
				if (!x->nfields) continue;   /* no values: as if the row were absent */
				for (int i = 0; i < x->nfields; i++) x->field[i] = x->has[i] ? x->rec.p + x->off[i] : empty_field;
				x->last = x->line;
				return 1;
			}
		} else if (collect && is_text(type)) {
			const xmlChar *v = xmlTextReaderConstValue(p->rd);
			if (v) buf_raw(&x->val, (const char *)v);
		}
	}
}

int xlsx_nfields(const struct xlsx *x) { return x->nfields; }
char **xlsx_fields(struct xlsx *x) { return x->field; }
int xlsx_line(const struct xlsx *x) { return x->line; }
int xlsx_numeric(const struct xlsx *x, int col) { return col >= 0 && col < x->nfields && x->num[col]; }
const char *xlsx_error(const struct xlsx *x) { return x->err; }

void xlsx_progress(const struct xlsx *x, long *done, long *total)
{
	*done = x->sheet.read;
	*total = x->sheet.size;
}

void xlsx_close(struct xlsx *x)
{
	if (!x) return;
	part_close(&x->sheet);
	if (x->zip) zip_discard(x->zip);
	zip_error_fini(&x->zerr);
	buf_free(&x->ss);
	buf_free(&x->rec);
	buf_free(&x->val);
	buf_free(&x->tmp);
	free(x->ss_off);
	free(x);
}
