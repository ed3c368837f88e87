/* A CSV asset read whole (asset_table.h). */
#include "asset_table.h"

#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "csv.h"

int asset_table_load(const char *name, struct asset_table *t, FILE *err)
{
	memset(t, 0, sizeof *t);
	const struct asset *a = asset_find(name);
	if (!a) { fprintf(err, "%s: missing from the binary\n", name); return -1; }
	FILE *f = fmemopen((void *)a->data, a->len, "r");
	if (!f) return -1;
	struct csv c;
	csv_init(&c, f);
	int rc = csv_next(&c), cap = 0;
	if (rc == 1) {
		t->ncols = c.nfields < 32 ? c.nfields : 32;
		for (int i = 0; i < t->ncols; i++) t->head[i] = strdup(c.field[i]);
	}
	while (rc == 1 && (rc = csv_next(&c)) == 1) {
		if (t->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			t->cell = realloc(t->cell, sizeof(char *) * (size_t)cap * (size_t)t->ncols);
		}
		for (int i = 0; i < t->ncols; i++) t->cell[t->nrows * t->ncols + i] = strdup(i < c.nfields ? c.field[i] : "");
		t->nrows++;
	}
	if (rc < 0) fprintf(err, "%s: line %d: %s\n", name, c.line, c.err);
	csv_free(&c);
	fclose(f);
	return rc < 0 ? -1 : 0;
}

void asset_table_free(struct asset_table *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++) free(t->cell[i]);
	for (int i = 0; i < t->ncols; i++) free(t->head[i]);
	free(t->cell);
}

const char *asset_table_col(const struct asset_table *t, int row, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->head[i], name) == 0) return t->cell[row * t->ncols + i];
	return "";
}

