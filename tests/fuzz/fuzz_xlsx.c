/* Fuzz target: the XLSX reader (zip, workbook, relationships, shared strings,
** worksheet). Any input ends in rows or one clear error, never a crash; every
** row has at most XLSX_MAX_FIELDS fields of valid UTF-8 and a positive line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fold.h"
#include "base/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) return 0;
	xlsx_max_part = xlsx_max_sheet = 8L << 20;   /* keeps each input fast; the limit path is exercised sooner */
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f) return 0;
	struct xlsx *x;
	char err[256];
	if (xlsx_open(&x, f, NULL, err, sizeof err) != 0) {
		if (strncmp(err, "the file is not a readable XLSX workbook: ", 42) != 0 || strchr(err, '\n')) abort();
		fclose(f);
		return 0;
	}
	int rc, rows = 0, errors = 0;
	while ((rc = xlsx_next(x)) != 0 && rows < 100000) {
		rows++;
		if (xlsx_line(x) <= 0) abort();
		if (rc < 0) {
			if (!xlsx_error(x)[0] || strchr(xlsx_error(x), '\n')) abort();
			errors++;
			continue;
		}
		int n = xlsx_nfields(x);
		char **field = xlsx_fields(x);
		if (n <= 0 || n > XLSX_MAX_FIELDS) abort();
		int values = 0;
		for (int i = 0; i < n; i++) {
			if (!field[i] || !utf8_valid(field[i], strlen(field[i]))) abort();
			values += field[i][0] != 0;
		}
		if (!values || !field[n - 1][0]) abort();   /* no empty rows, no trailing empty fields */
	}
	xlsx_close(x);
	fclose(f);
	(void)errors;
	return 0;
}
