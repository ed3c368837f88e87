/* asset_table: a CSV file compiled into the binary (assets.h) read whole as
** rows of fields named by its header row — the demo data's loader. */
#ifndef THIDUA_ASSET_TABLE_H
#define THIDUA_ASSET_TABLE_H
#include <stdio.h>

struct asset_table {
	int nrows, ncols;
	char **cell;               /* nrows × ncols, row-major; malloc'd strings */
	char *head[32];
};

/* 0, or -1 with the reason on err (a missing asset, a broken line) */
int asset_table_load(const char *name, struct asset_table *t, FILE *err);
void asset_table_free(struct asset_table *t);
/* the field of column name in row, "" when the column is absent */
const char *asset_table_col(const struct asset_table *t, int row, const char *name);

#endif
