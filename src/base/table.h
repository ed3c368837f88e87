/* table: the one row reader of every importer. A file is sniffed by its
** content: a zip ("PK\3\4") is read as an XLSX workbook (its first
** worksheet, xlsx.c), an OLE file (.xls, or a workbook with a password) is
** refused with a hint, anything else is read as CSV (csv.c). Both give rows of UTF-8
** text fields and a line number for error reports: the CSV line where the
** record starts, or the worksheet row number. */
#ifndef THIDUA_TABLE_H
#define THIDUA_TABLE_H
#include <stdio.h>

#include "csv.h"

struct xlsx;

struct table {
	/* the current row, valid until the next table_next() */
	char **field;
	int nfields;
	int line;
	char err[256];       /* why table_next() returned -1, in table_open's lang */
	int xlsx;            /* 1: the file is an XLSX workbook */
	/* private */
	struct csv csv;
	struct xlsx *x;
	long total;
};

/* f stays owned by the caller (an XLSX file must be seekable). 0, or -1 with
** a one-line message in err ("the file is not a readable XLSX workbook: ...").
** lang: the language of that message and of t->err (the web's user's; NULL:
** English, the command line's); a broken workbook's detail stays English. */
int table_open(struct table **t, FILE *f, const char *lang, char *err, size_t errn);
/* 1: a row; 0: the end; -1: this row is broken (t->err, t->line). Reading
** may go on after -1: a CSV resumes at the next line, a broken XLSX ends. */
int table_next(struct table *t);
/* a blank line, which importers skip (XLSX rows without values never come) */
int table_blank(const struct table *t);
/* the field in column col, NULL when col < 0 or past the row's last field */
const char *table_cell(const struct table *t, int col);
/* 1 if the field in column col is a number cell of an XLSX sheet: its text is
** then the number in plain decimal ("0.125", "1e+300"), never a grouped
** number as a person types it; 0 for every CSV field and every text cell */
int table_numeric(const struct table *t, int col);
/* a date field as YYYY-MM-DD (arena), or NULL: dd/mm/yyyy or YYYY-MM-DD
** (date_from_user), or in an XLSX file a date cell, which holds a number,
** the days since 30/12/1899 (Excel's serial, whatever format shows it; a
** fraction, the time of day, is dropped), between 1900 and 9999 */
struct arena;
const char *table_date(struct arena *a, const struct table *t, const char *s);
/* finds each name of want[] (NULL-terminated) in the current row, the header:
** col[i] is its column, or -1 */
void table_columns(const struct table *t, const char *const *want, int *col);

/* A column of an import or export file: its code (the header files have
** always used, e.g. "parent_code") and its label, an English message id
** (N_) that an export writes in the user's language ("Mã đơn vị cấp trên").
** An import accepts either, in any language. */
struct column {
	const char *code;
	const char *label;
};
/* the headers of cols (terminated by a NULL code) in lang, into out[] (NULL-terminated) */
void column_headers(const struct column *cols, const char *lang, const char **out);
/* 1 if the header cell names this column: its code, or its label in vi, en or
** hi; case, diacritics, spaces around and a "*" mark of a required column do
** not matter ("ma don vi" names "Mã đơn vị") */
int column_named(const char *cell, const char *code, const char *label);
/* like table_columns, for a column table: col[i] is the column of cols[i], or -1 */
void table_columns_named(const struct table *t, const struct column *cols, int *col);
/* 1 if the header cell is name (exactly, or folded as in column_named) */
int header_is(const char *cell, const char *name);
/* for progress: how much of total has been read (CSV: file bytes; XLSX:
** uncompressed bytes of the worksheet); total 0 when unknown */
void table_progress(const struct table *t, long *done, long *total);
void table_close(struct table *t);

#endif
