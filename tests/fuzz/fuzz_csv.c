/* Fuzz target: the CSV reader. Any input is read to the end without a
** crash, and every record read back from csv_field()'s output is the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f) return 0;
	struct csv c;
	csv_init(&c, f);
	int rc, records = 0;
	while ((rc = csv_next(&c)) != 0 && records < 10000) {
		records++;
		if (rc < 0 || c.sep == 0) continue;
		/* write the record back and read it again: the same fields */
		struct buf b;
		buf_init(&b);
		int has_nul = 0;
		for (int i = 0; i < c.nfields; i++) {
			if (i) buf_char(&b, c.sep);
			csv_field(&b, c.field[i], c.sep);
		}
		buf_char(&b, '\n');
		for (size_t i = 0; i < b.len; i++) has_nul |= b.p[i] == 0;
		if (!has_nul && c.nfields > 1) {
			char header[4] = { 'h', c.sep, 'h', '\n' };
			struct buf all;
			buf_init(&all);
			buf_add(&all, header, 4);
			buf_add(&all, b.p, b.len);
			FILE *g = fmemopen(all.p, all.len, "rb");
			struct csv d;
			csv_init(&d, g);
			if (csv_next(&d) == 1 && csv_next(&d) == 1) {
				if (d.nfields != c.nfields) abort();
				for (int i = 0; i < c.nfields; i++)
					if (strcmp(d.field[i], c.field[i]) != 0) abort();
			}
			csv_free(&d);
			fclose(g);
			buf_free(&all);
		}
		buf_free(&b);
	}
	csv_free(&c);
	fclose(f);
	return 0;
}
