/* sheet: writes a table as CSV (UTF-8 with BOM-less header, comma) or as an
** XLSX workbook (libxlsxwriter), row by row. Column types: 't' text,
** 'n' number (written as a number in XLSX when it parses as one). */
#ifndef THIDUA_SHEET_H
#define THIDUA_SHEET_H
#include <stdio.h>

struct sheet;

struct sheet *sheet_open(FILE *out, const char *format, const char *title, const char *const *headers, const char *types);
void sheet_row(struct sheet *s, const char *const *cells);
int sheet_close(struct sheet *s);    /* 0 on success */
int sheet_format_valid(const char *format);

#endif
