/* csv: reading and writing RFC 4180 CSV. Reading accepts UTF-8 with or
** without a BOM, a comma or semicolon separator (taken from the header
** line), quoted fields with "" escapes and line breaks, CRLF or LF. */
#ifndef THIDUA_CSV_H
#define THIDUA_CSV_H
#include <stdio.h>

#include "buf.h"

#define CSV_MAX_FIELDS 64

struct csv {
	FILE *f;
	char sep;
	int line;                 /* line number where the current record starts */
	int next_line;
	struct buf rec;           /* the current record's field bytes */
	size_t off[CSV_MAX_FIELDS];
	char *field[CSV_MAX_FIELDS];
	int nfields;
	char err[160];            /* in lang */
	const char *lang;         /* the language of err; NULL: English (csv_init) */
	long bytes;               /* read so far, for progress */
};

void csv_init(struct csv *c, FILE *f);
void csv_free(struct csv *c);
/* 1: a record in c->field[0..nfields-1]; 0: end of file; -1: error in c->err */
int csv_next(struct csv *c);
void csv_field(struct buf *b, const char *s, char sep);   /* one quoted-as-needed field */
/* Spreadsheet formula injection (OWASP "CSV injection"): a text cell that a
** spreadsheet could take for a formula (it starts with = + - @ tab or CR) is
** written with a leading apostrophe, and so is one that starts with an
** apostrophe; csv_unguard removes exactly that one apostrophe on import, so
** every text reads back unchanged. */
int csv_needs_guard(const char *s);
void csv_unguard(char *s);

#endif
