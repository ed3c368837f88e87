#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "arena.h"
#include "buf.h"
#include "errors.h"
#include "fold.h"
#include "i18n.h"
#include "util.h"
#include "xlsx.h"

int table_open(struct table **out, FILE *f, const char *lang, char *err, size_t errn)
{
	const char *l = lang ? lang : "en";
	*out = NULL;
	struct table *t = calloc(1, sizeof *t);
	if (!t) { snprintf(err, errn, "out of memory"); return -1; }
	unsigned char m[8];
	size_t n;
	off_t pos = ftello(f);
	if (pos >= 0) {
		n = fread(m, 1, sizeof m, f);
		clearerr(f);
		if (fseeko(f, 0, SEEK_END) == 0) t->total = (long)ftello(f);
		if (fseeko(f, pos, SEEK_SET) != 0) { snprintf(err, errn, "%s", i18n_get(l, N_("cannot read the file again from its start"))); free(t); return -1; }
	} else {
		/* a stream: push the bytes back (glibc allows several ungetc) */
		n = fread(m, 1, sizeof m, f);
		clearerr(f);
		for (size_t i = n; i-- > 0;) ungetc(m[i], f);
	}
	if (n == 8 && !memcmp(m, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		/* an OLE compound file: Excel 97-2003 (.xls), or a workbook saved with a password */
		snprintf(err, errn, "%s",
			 i18n_get(l, N_("the file is an old Excel workbook (.xls) or one protected by a password, which cannot be read: "
					"save it as .xlsx without a password, or as CSV")));
		free(t);
		return -1;
	}
	/* UTF-16 (Excel's "Unicode Text", or a CSV saved as UTF-16): by its BOM,
	** or without one by a NUL beside each of the first ASCII letters. Read
	** as CSV it would be a NUL in every field of every line. */
	int utf16 = n >= 2 && ((m[0] == 0xFF && m[1] == 0xFE) || (m[0] == 0xFE && m[1] == 0xFF));
	if (!utf16 && n >= 4) utf16 = (m[0] && !m[1] && m[2] && !m[3]) || (!m[0] && m[1] && !m[2] && m[3]);
	if (utf16) {
		snprintf(err, errn, "%s", i18n_get(l, N_("the file is UTF-16 text, not UTF-8: save it as \"CSV UTF-8 (comma delimited)\" or as .xlsx")));
		free(t);
		return -1;
	}
	t->xlsx = n >= 4 && m[0] == 'P' && m[1] == 'K' && ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
	if (t->xlsx) {
		if (xlsx_open(&t->x, f, lang, err, errn) != 0) { free(t); return -1; }
	} else {
		csv_init(&t->csv, f);
		t->csv.lang = lang;
		t->field = t->csv.field;
	}
	*out = t;
	return 0;
}

int table_next(struct table *t)
{
	int rc;
	if (t->xlsx) {
		rc = xlsx_next(t->x);
		t->line = xlsx_line(t->x);
		t->nfields = rc == 1 ? xlsx_nfields(t->x) : 0;
		t->field = xlsx_fields(t->x);
		if (rc < 0) snprintf(t->err, sizeof t->err, "%s", xlsx_error(t->x));
		return rc;
	}
	rc = csv_next(&t->csv);
	t->line = t->csv.line;
	t->nfields = rc == 1 ? t->csv.nfields : 0;
	for (int i = 0; i < t->nfields; i++) csv_unguard(t->csv.field[i]); /* the exports' formula guard */
	if (rc < 0) snprintf(t->err, sizeof t->err, "%s", t->csv.err);
	return rc;
}

int table_blank(const struct table *t) { return t->nfields == 0 || (t->nfields == 1 && !t->field[0][0]); }

const char *table_cell(const struct table *t, int col) { return col >= 0 && col < t->nfields ? t->field[col] : NULL; }

int table_numeric(const struct table *t, int col) { return t->xlsx && col >= 0 && col < t->nfields && xlsx_numeric(t->x, col); }

void table_columns(const struct table *t, const char *const *want, int *col)
{
	for (int i = 0; want[i]; i++) {
		col[i] = -1;
		for (int k = 0; k < t->nfields; k++)
			if (strcmp(t->field[k], want[i]) == 0) col[i] = k;
	}
}

void column_headers(const struct column *cols, const char *lang, const char **out)
{
	int i = 0;
	for (; cols[i].code; i++) out[i] = cols[i].label ? i18n_get(lang, cols[i].label) : cols[i].code;
	out[i] = NULL;
}

/* the folded key of a header cell: no diacritics, no case, no trailing "*" */
static void header_key(struct buf *b, const char *s)
{
	buf_reset(b);
	fold_text(b, s);
	while (b->len && (b->p[b->len - 1] == ' ' || b->p[b->len - 1] == '*')) b->p[--b->len] = 0;
	size_t k = 0;
	while (k < b->len && b->p[k] == ' ') k++;
	if (k) {
		memmove(b->p, b->p + k, b->len - k + 1);
		b->len -= k;
	}
}

int header_is(const char *cell, const char *name)
{
	if (!cell || !name) return 0;
	if (strcmp(cell, name) == 0) return 1;
	struct buf a, b;
	buf_init(&a);
	buf_init(&b);
	header_key(&a, cell);
	header_key(&b, name);
	int same = a.len > 0 && strcmp(buf_cstr(&a), buf_cstr(&b)) == 0;
	buf_free(&a);
	buf_free(&b);
	return same;
}

int column_named(const char *cell, const char *code, const char *label)
{
	static const char *const langs[] = { "vi", "en", "hi" };
	if (header_is(cell, code)) return 1;
	for (size_t i = 0; label && i < sizeof langs / sizeof *langs; i++)
		if (header_is(cell, i18n_get(langs[i], label))) return 1;
	return 0;
}

void table_columns_named(const struct table *t, const struct column *cols, int *col)
{
	for (int i = 0; cols[i].code; i++) {
		col[i] = -1;
		for (int k = 0; k < t->nfields && col[i] < 0; k++)
			if (column_named(t->field[k], cols[i].code, cols[i].label)) col[i] = k;
	}
}

void table_progress(const struct table *t, long *done, long *total)
{
	if (t->xlsx) {
		xlsx_progress(t->x, done, total);
		return;
	}
	*done = t->csv.bytes;
	*total = t->total;
}

void table_close(struct table *t)
{
	if (!t) return;
	if (t->xlsx) xlsx_close(t->x);
	else csv_free(&t->csv);
	free(t);
}

const char *table_date(struct arena *a, const struct table *t, const char *s)
{
	if (!s) return NULL;
	if (t && t->xlsx && *s >= '0' && *s <= '9') {
		char *end;
		long n = strtol(s, &end, 10);
		if (*end == '.') /* a date and time: the day */
			for (end++; *end >= '0' && *end <= '9'; end++) {}
		if (!*end && n >= 61 && n <= 2958465) {
			/* days since 1970-01-01 → civil date (H. Hinnant's algorithm) */
			long z = n - 25569 + 719468;
			long era = (z >= 0 ? z : z - 146096) / 146097;
			long doe = z - era * 146097;
			long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
			long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
			long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
			return arena_printf(a, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
		}
	}
	return date_from_user(a, s);
}
