/* Achievement records from CSV/XLSX: thidua import achievements FILE. All or
** nothing: every line goes through achievements_create in one transaction,
** every rejected line is reported ("line N: field: reason"), and one
** rejection rolls the whole file back. A person is named by code; a
** collective by its unit's code. Dates may be typed dd/mm/yyyy. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/table.h"
#include "../base/util.h"
#include "../units/units.h"
#include "commendation.h"

enum { AC_PERSON, AC_UNIT, AC_YEAR, AC_KIND, AC_VALUE, AC_DECISION, AC_DECIDED, AC_AUTHORITY, AC_ON_DATE, AC_NOTE, AC_N };
static const struct column ach_cols[AC_N + 1] = {
	[AC_PERSON] = { "person_code", N_("Person code") },
	[AC_UNIT] = { "unit_code", N_("Unit code") },
	[AC_YEAR] = { "year", N_("Year") },
	[AC_KIND] = { "kind", N_("Kind of record") },
	[AC_VALUE] = { "value", N_("Value") },
	[AC_DECISION] = { "decision_no", N_("Decision number") },
	[AC_DECIDED] = { "decided_on", N_("Decision date") },
	[AC_AUTHORITY] = { "authority", N_("Issued by") },
	[AC_ON_DATE] = { "on_date", N_("Date of the discipline") },
	[AC_NOTE] = { "note", N_("Note") },
	[AC_N] = { NULL, NULL },
};

static const char *cell(const struct table *t, const int *col, int k)
{
	const char *s = table_cell(t, col[k]);
	return s && *s ? s : NULL;
}

/* 0 stored, -1 rejected (reported) */
static int import_line(struct db *db, const struct user *who, const struct table *t, const int *col, struct import_report *rep)
{
	struct arena a;
	arena_init(&a);
	struct achievement_in in = { 0 };
	const char *person = cell(t, col, AC_PERSON), *unit = cell(t, col, AC_UNIT), *year = cell(t, col, AC_YEAR);
	int bad = 0;
	if (person && unit) {
		fprintf(rep->errors, "line %d: person_code: give a person or a unit, not both\n", t->line);
		bad = 1;
	} else if (person) {
		if (db_int1(db, &in.person_id, "SELECT id FROM people WHERE code = $1", "t", person) != DB_ROW) {
			fprintf(rep->errors, "line %d: person_code: no person has the code '%s'\n", t->line, person);
			bad = 1;
		}
	} else if (unit) {
		if (units_find_code(db, unit, &in.unit_id) != E_OK) {
			fprintf(rep->errors, "line %d: unit_code: no unit has the code '%s'\n", t->line, unit);
			bad = 1;
		}
	} else {
		fprintf(rep->errors, "line %d: person_code: a person code or a unit code is required\n", t->line);
		bad = 1;
	}
	if (!year || parse_int(year, &in.year) != 0) {
		fprintf(rep->errors, "line %d: year: '%s' is not a year\n", t->line, year ? year : "");
		bad = 1;
	}
	in.kind = cell(t, col, AC_KIND);
	in.value = cell(t, col, AC_VALUE);
	in.decision_no = cell(t, col, AC_DECISION);
	in.authority = cell(t, col, AC_AUTHORITY);
	in.note = cell(t, col, AC_NOTE);
	const int dates[] = { AC_DECIDED, AC_ON_DATE };
	const char **dest[] = { &in.decided_on, &in.on_date };
	for (int i = 0; i < 2; i++) {
		const char *s = cell(t, col, dates[i]);
		if (!s) continue;
		*dest[i] = table_date(&a, t, s); /* an XLSX date cell too (the awards-received export writes them) */
		if (!*dest[i]) {
			fprintf(rep->errors, "line %d: %s: '%s' is not a date (dd/mm/yyyy or YYYY-MM-DD)\n", t->line, ach_cols[dates[i]].code, s);
			bad = 1;
		}
	}
	if (bad) { arena_free(&a); return -1; }
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int rc = achievements_create(db, who, &in, &fe, &id);
	if (rc == E_INVALID)
		for (int i = 0; i < fe.n; i++) fprintf(rep->errors, "line %d: %s: %s\n", t->line, fe.field[i], i18n_get("en", fe.msg[i]));
	else if (rc == E_FORBIDDEN)
		fprintf(rep->errors, "line %d: %s: outside the units you may record for\n", t->line, person ? "person_code" : "unit_code");
	else if (rc != E_OK)
		fprintf(rep->errors, "line %d: the database refused the record\n", t->line);
	arena_free(&a);
	return rc == E_OK ? 0 : -1;
}

int achievements_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep)
{
	struct table *t = NULL;
	if (import_open(&t, in, rep) != E_OK) return E_INVALID;
	int col[AC_N];
	int r = table_next(t);
	if (r != 1) {
		fprintf(rep->errors, r < 0 ? "line %d: %s\n" : "the file is empty: the first row must name the columns\n", t->line, t->err);
		table_close(t);
		return E_INVALID;
	}
	table_columns_named(t, ach_cols, col);
	const int need[] = { AC_YEAR, AC_KIND, AC_VALUE };
	int missing = 0;
	for (int i = 0; i < 3; i++)
		if (col[need[i]] < 0) { fprintf(rep->errors, "line 1: the column %s is missing\n", ach_cols[need[i]].code); missing = 1; }
	if (col[AC_PERSON] < 0 && col[AC_UNIT] < 0) { fprintf(rep->errors, "line 1: a column person_code or unit_code is needed\n"); missing = 1; }
	if (missing) { table_close(t); return E_INVALID; }
	int rc = db_tx_begin(db);
	if (rc != E_OK) { table_close(t); return rc; }
	while ((r = table_next(t)) != 0) {
		if (r < 0) {
			fprintf(rep->errors, "line %d: %s\n", t->line, t->err);
			rep->lines++;
			rep->rejected++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		if (import_line(db, who, t, col, rep) == 0) rep->inserted++;
		else rep->rejected++;
		import_progress(rep, t);
	}
	import_progress_end(rep, t);
	table_close(t);
	rc = rep->rejected ? E_INVALID : E_OK;
	if (rc == E_OK && db_analyze(db, rep->inserted, "achievements") != DB_OK) rc = E_DB;
	return db_tx_end(db, rc);
}
