/* clusters_int: what the files of src/clusters share and nobody else needs. */
#ifndef THIDUA_CLUSTERS_INT_H
#define THIDUA_CLUSTERS_INT_H
#include "clusters.h"

struct stmt;

/* the index of s in a NULL-terminated list, or -1 */
int cl_choice(const char *s, const char *const *choices);
/* a nullable text column (arena) */
const char *cl_opt(struct stmt *st, struct arena *a, int col);
/* a unit from the columns id, code, name, path starting at col */
void cl_unit(struct stmt *st, struct arena *a, int col, struct cunit *u);
/* "key": {"id","code","name"} or null */
void cl_unit_json(struct jw *w, const char *key, const struct cunit *u);
/* "key": points rounded to hundredths */
void cl_points(struct jw *w, const char *key, double v);
/* a criteria sheet checked before it is written: E_OK or E_INVALID (the error's field names the criterion) */
int cl_sheet_validate(struct db *db, const struct user *who, const struct crit_in *items, int n, struct field_errors *fe);
/* the same check of items[i] alone, against the criteria listed before it (an import reports each bad line) */
int cl_crit_validate(struct db *db, const struct user *who, const struct crit_in *items, int i, struct field_errors *fe);
/* What a person typed, checked as the forms check it (utf8_valid, text_clean):
** NULL when it is absent or fine; too_long when it has more than max
** characters; bad when it is not UTF-8 or holds a control character (line
** breaks and tabs allowed when lines) */
const char *cl_text_problem(const char *s, size_t max, int lines, const char *too_long, const char *bad);
/* 1 when a criterion's rule takes its points from data (a movement, an indicator, an index) */
int cl_rule_from_data(const char *rule);
/* the year's version bumped (any change to it: members, sheet, agreement, rotation) */
int cl_bump_year(struct db *db, int64_t cy_id);

#endif
