/* sheet: writes a table as CSV (UTF-8 starting with a byte-order mark, so
** that Excel reads it as UTF-8; comma; CRLF) or as an XLSX workbook
** (libxlsxwriter), row by row. Column types: 't' text, 'n' number (written
** as a number in XLSX when it parses as one), 'd' a calendar date given as
** YYYY-MM-DD (an XLSX date cell shown dd/mm/yyyy; dd/mm/yyyy in CSV, as the
** importers read it; a cell that is not such a date is written as text). */
#ifndef THIDUA_SHEET_H
#define THIDUA_SHEET_H
#include <stdio.h>

struct sheet;

struct sheet *sheet_open(FILE *out, const char *format, const char *title, const char *const *headers, const char *types);
void sheet_row(struct sheet *s, const char *const *cells);
int sheet_close(struct sheet *s);    /* 0 on success */
int sheet_format_valid(const char *format);

#endif
