/* The demo rule sets (data/demo/rule_sets.csv), loaded through
** rule_sets_create so the demo obeys the same checks as an officer. */
#include <string.h>

#include "../base/assets.h"
#include "../base/csv.h"
#include "rule_sets.h"

enum { C_AWARD, C_BASIS, C_SOURCE, C_FROM, C_TO, C_RULES, C_N };
static const char *const cols[C_N] = { "award", "legal_basis", "source", "effective_from", "effective_to", "rules" };

static const char *field(const struct csv *c, const int *at, int k)
{
	const char *s = at[k] >= 0 && at[k] < c->nfields ? c->field[at[k]] : "";
	return *s ? s : NULL;
}

int rule_sets_demo_load(struct db *db, const struct user *who, FILE *err, int *n)
{
	*n = 0;
	const struct asset *a = asset_find("data/demo/rule_sets.csv");
	if (!a) { fprintf(err, "data/demo/rule_sets.csv: missing from the binary\n"); return -1; }
	FILE *f = fmemopen((void *)a->data, a->len, "r");
	if (!f) return -1;
	struct csv c;
	csv_init(&c, f);
	int at[C_N], rc = csv_next(&c), bad = 0;
	for (int k = 0; k < C_N; k++) {
		at[k] = -1;
		for (int i = 0; rc == 1 && i < c.nfields; i++)
			if (!strcmp(c.field[i], cols[k])) at[k] = i;
	}
	while (rc == 1 && !bad && (rc = csv_next(&c)) == 1) {
		struct rule_set_in in = { .award_code = field(&c, at, C_AWARD), .legal_basis = field(&c, at, C_BASIS),
					  .source = field(&c, at, C_SOURCE), .effective_from = field(&c, at, C_FROM),
					  .effective_to = field(&c, at, C_TO), .rules = field(&c, at, C_RULES), .active = -1 };
		struct field_errors fe = { 0 };
		struct rule_error rerr;
		int64_t id;
		int r = rule_sets_create(db, who, &in, &fe, &rerr, &id);
		if (r != E_OK) {
			fprintf(err, "data/demo/rule_sets.csv line %d (%s): error %d%s%s", c.line, in.award_code ? in.award_code : "", r,
				fe.n ? ": " : "", fe.n ? fe.field[0] : "");
			if (rerr.line) fprintf(err, " line %d column %d", rerr.line, rerr.column);
			fprintf(err, "\n");
			bad = 1;
		} else {
			(*n)++;
		}
	}
	if (rc < 0) fprintf(err, "data/demo/rule_sets.csv: line %d: %s\n", c.line, c.err);
	csv_free(&c);
	fclose(f);
	return rc < 0 || bad ? -1 : 0;
}
