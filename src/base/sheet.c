#include "sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "buf.h"
#include "csv.h"

struct sheet {
	FILE *out;
	int xlsx;
	int ncols;
	const char *types;
	struct buf line;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *date;
	int row;
	char tmp[64];
};

int sheet_format_valid(const char *format) { return strcmp(format, "csv") == 0 || strcmp(format, "xlsx") == 0; }

/* YYYY-MM-DD (nothing after it) into its parts; 0 when c is not such a date */
static int iso_date(const char *c, int *y, int *m, int *d)
{
	if (strlen(c) != 10 || c[4] != '-' || c[7] != '-') return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (c[i] < '0' || c[i] > '9')) return 0;
	*y = atoi(c);
	*m = atoi(c + 5);
	*d = atoi(c + 8);
	return *y >= 1900 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

struct sheet *sheet_open(FILE *out, const char *format, const char *title, const char *const *headers, const char *types)
{
	struct sheet *s = calloc(1, sizeof *s);
	s->out = out;
	s->types = types;
	s->xlsx = strcmp(format, "xlsx") == 0;
	buf_init(&s->line);
	while (headers[s->ncols]) s->ncols++;
	if (s->xlsx) {
		/* libxlsxwriter writes to a file: a private temporary one, copied out on close */
		strcpy(s->tmp, "/tmp/thidua-xlsx-XXXXXX");
		int fd = mkstemp(s->tmp);
		if (fd < 0) { free(s); return NULL; }
		close(fd);
		s->wb = workbook_new(s->tmp);
		s->ws = workbook_add_worksheet(s->wb, title);
		s->bold = workbook_add_format(s->wb);
		format_set_bold(s->bold);
		s->date = workbook_add_format(s->wb);
		format_set_num_format(s->date, "dd/mm/yyyy");
		for (int i = 0; i < s->ncols; i++) worksheet_write_string(s->ws, 0, (lxw_col_t)i, headers[i], s->bold);
		worksheet_freeze_panes(s->ws, 1, 0);
		s->row = 1;
	} else {
		fwrite("\xEF\xBB\xBF", 1, 3, s->out); /* the BOM: Excel otherwise reads the file in the system's code page */
		sheet_row(s, headers);
	}
	return s;
}

void sheet_row(struct sheet *s, const char *const *cells)
{
	if (s->xlsx) {
		for (int i = 0; i < s->ncols; i++) {
			const char *c = cells[i];
			if (!c || !*c) continue;
			char *end;
			double v = strtod(c, &end);
			int y, m, d;
			if (s->types && s->types[i] == 'd' && iso_date(c, &y, &m, &d)) {
				lxw_datetime dt = { y, m, d, 0, 0, 0 };
				worksheet_write_datetime(s->ws, (lxw_row_t)s->row, (lxw_col_t)i, &dt, s->date);
			} else if (s->types && s->types[i] == 'n' && *end == 0) worksheet_write_number(s->ws, (lxw_row_t)s->row, (lxw_col_t)i, v, NULL);
			else worksheet_write_string(s->ws, (lxw_row_t)s->row, (lxw_col_t)i, c, NULL);
		}
		s->row++;
		return;
	}
	buf_reset(&s->line);
	for (int i = 0; i < s->ncols; i++) {
		if (i) buf_char(&s->line, ',');
		const char *c = cells[i] ? cells[i] : "";
		char dmy[11];
		int y, m, d;
		if (s->row > 0 && s->types && s->types[i] == 'd' && iso_date(c, &y, &m, &d)) {
			snprintf(dmy, sizeof dmy, "%02d/%02d/%04d", d, m, y);
			c = dmy;
		}
		char *end;
		int number = s->types && s->types[i] == 'n' && *c && (strtod(c, &end), *end == 0);
		if (!number && csv_needs_guard(c)) {
			/* "=HYPERLINK(…)" must not become a formula in a spreadsheet */
			struct buf g;
			buf_init(&g);
			buf_char(&g, '\'');
			buf_raw(&g, c);
			csv_field(&s->line, buf_cstr(&g), ',');
			buf_free(&g);
		} else {
			csv_field(&s->line, c, ',');
		}
	}
	buf_raw(&s->line, "\r\n");
	fwrite(s->line.p, 1, s->line.len, s->out);
	s->row++;
}

int sheet_close(struct sheet *s)
{
	int rc = 0;
	if (s->xlsx) {
		if (workbook_close(s->wb) != LXW_NO_ERROR) rc = -1;
		FILE *f = fopen(s->tmp, "rb");
		if (f) {
			char chunk[65536];
			size_t n;
			while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, s->out);
			fclose(f);
		} else {
			rc = -1;
		}
		unlink(s->tmp);
	}
	if (fflush(s->out) != 0) rc = -1;
	buf_free(&s->line);
	free(s);
	return rc;
}
