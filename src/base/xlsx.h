/* xlsx: reads the first worksheet of an XLSX workbook row by row (libzip +
** libxml2's streaming reader), giving each row's cell values as text the
** way the CSV reader gives fields. Used through table.h by the importers.
**
** Cells are placed by their column letters (a missing C in A,B,D is an
** empty field); rows without any value are skipped; numbers come back as
** the shortest text that reads back to the same value ("1985", not
** "1985.0"); booleans as "1"/"0"; shared, inline and rich-text strings as
** their text. Every zip entry read is bounded in uncompressed bytes, counted
** while it inflates (a zip bomb stops there, whatever its headers claim):
** parts held in memory (shared strings, workbook, relationships) at
** xlsx_max_part, the worksheet, which is streamed, at xlsx_max_sheet — a
** full Excel sheet of 1 048 576 people rows is ~270 MB of XML. XML is
** parsed without network, DTDs or entities. */
#ifndef THIDUA_XLSX_H
#define THIDUA_XLSX_H
#include <stdio.h>

#define XLSX_MAX_FIELDS 64
#define XLSX_MAX_PART (256L << 20)
#define XLSX_MAX_SHEET (1024L << 20)

extern long xlsx_max_part, xlsx_max_sheet;   /* the limits above; tests lower them */

struct xlsx;

/* f must be seekable (a file or fmemopen) and stays owned by the caller.
** 0, or -1 with a one-line message in err. lang: the language of the
** messages, here and in xlsx_error() (NULL: English); the details of a broken
** file (libzip's, libxml2's) stay in English. */
int xlsx_open(struct xlsx **x, FILE *f, const char *lang, char *err, size_t errn);
/* 1: a row (see the accessors); 0: end; -1: error, in xlsx_error(). A broken
** file is an error once and the end after that. */
int xlsx_next(struct xlsx *x);
int xlsx_nfields(const struct xlsx *x);
char **xlsx_fields(struct xlsx *x);     /* valid until the next xlsx_next */
int xlsx_line(const struct xlsx *x);    /* the worksheet row number (1-based) */
/* 1 if column col of the current row is a number cell (typed as a number in
** the workbook, t="n"), not text, a boolean, an error or a date string */
int xlsx_numeric(const struct xlsx *x, int col);
const char *xlsx_error(const struct xlsx *x);
void xlsx_progress(const struct xlsx *x, long *done, long *total);   /* uncompressed sheet bytes */
void xlsx_close(struct xlsx *x);

#endif
