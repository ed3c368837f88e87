/* Indicator values from a file, and the file to fill (indicators.h).
**
** The import is all or nothing: every line is read and checked (unit,
** indicator, period, number), then the lines are entered grouped by unit and
** period through indicators_enter — the same checks, rules, roll-up, history
** and audit as the form — each group in its own savepoint so that every
** group's errors are reported, and the whole import rolled back when any
** line failed. Errors are "line N: reason", one per line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "indicators.h"

enum { C_UNIT, C_INDICATOR, C_NAME, C_PERIOD, C_VALUE, C_NUM, C_DEN, C_COMMENT, C_N };
static const struct column cols[] = {
	{ "unit_code", N_("Unit code") },
	{ "indicator_code", N_("Indicator code") },
	{ "indicator_name", N_("Indicator") },
	{ "period", N_("Reporting period") },
	{ "value", N_("Value") },
	{ "numerator", N_("Numerator") },
	{ "denominator", N_("Denominator") },
	{ "comment", N_("Comment") },
	{ NULL, NULL },
};

struct line {
	int line;
	int64_t unit_id;
	const char *period;
	struct ind_entry e;
	int group;
};

/* the number in column col: a number cell of an XLSX sheet is that number
** (its text is plain decimal: "0.125" is an eighth); text — every CSV field,
** a text cell — is read as a person types it in the language (vi "1.500,5",
** where "1.500" is 1500 and "1.5" is refused). 1 when the cell is empty. */
static int file_number(const char *lang, const struct table *t, int col, double *out)
{
	const char *s = table_cell(t, col);
	if (!s || !*s) return 1;
	if (table_numeric(t, col)) return parse_number(s, out) == 0 ? 0 : -1;
	return i18n_parse_number(lang, s, out) == 0 ? 0 : -1;
}

/* "line 4: reason" in the reader's language (vi "dòng 4: …"); text is already in it */
static void line_text(struct buf *errors, const char *lang, int line, const char *text)
{
	buf_printf(errors, i18n_get(lang, "line %d: %s"), line, text);
	buf_char(errors, '\n');
}

static void line_error(struct buf *errors, const char *lang, int line, const char *msgid)
{
	line_text(errors, lang, line, i18n_get(lang, msgid));
}

static int read_lines(struct db *db, struct arena *a, struct table *t, const char *lang, struct buf *errors, struct line **out, int *n)
{
	int col[C_N], rc = table_next(t), bad = 0, cap = 0;
	*n = 0;
	if (rc != 1) {
		/* a broken header line is that line's error, not an empty file */
		if (rc < 0) line_text(errors, lang, t->line, t->err);
		else line_error(errors, lang, 1, N_("The file is empty"));
		return -1;
	}
	table_columns_named(t, cols, col);
	if (col[C_UNIT] < 0 || col[C_INDICATOR] < 0 || col[C_PERIOD] < 0) {
		line_error(errors, lang, t->line, N_("The header needs the columns unit_code, indicator_code and period"));
		return -1;
	}
	while ((rc = table_next(t)) != 0) {
		if (rc < 0) {
			line_text(errors, lang, t->line, t->err);
			bad++;
			continue;
		}
		if (table_blank(t)) continue;
		if (*n >= 100000) {
			line_error(errors, lang, t->line, N_("At most 100 000 lines"));
			return -1;
		}
		struct line l = { .line = t->line };
		const char *ucode = table_cell(t, col[C_UNIT]);
		const char *why = NULL;
		if (!ucode || !*ucode || units_find_code(db, ucode, &l.unit_id) != E_OK) why = N_("No such unit");
		l.e.code = arena_strdup(a, table_cell(t, col[C_INDICATOR]));
		/* the period as the entry form reads it: 2025-07, 07/2025, Q3/2025, quý 3/2025 */
		char canon[IND_PERIOD_MAX];
		const char *typed = table_cell(t, col[C_PERIOD]);
		l.period = arena_strdup(a, period_parse(typed, canon, sizeof canon) == 0 ? canon : typed);
		struct indicator *x = NULL;
		if (!why && indicators_find(db, a, l.e.code, lang, &x) != E_OK) why = N_("No such indicator");
		if (!why && !period_valid(x->period_type, l.period)) why = N_("The period does not match the indicator's period type");
		if (!why) {
			if (!strcmp(x->kind, "ratio")) {
				int a1 = file_number(lang, t, col[C_NUM], &l.e.numerator);
				int a2 = file_number(lang, t, col[C_DEN], &l.e.denominator);
				if (a1 > 0 && a2 > 0) l.line = -l.line; /* both empty: the template's line left blank, skipped */
				else if (a1 || a2) why = a1 > 0 || a2 > 0 ? N_("A ratio needs a numerator and a denominator") : N_("Is not a number");
				else if (l.e.denominator <= 0) why = N_("The denominator must be greater than 0");
				else if (l.e.numerator < 0) why = N_("Out of range");
				l.e.has_ratio = 1;
			} else {
				int r = file_number(lang, t, col[C_VALUE], &l.e.value);
				if (r > 0) {
					l.line = -l.line;   /* an empty value: the template's line left blank, skipped */
				} else if (r < 0) why = N_("Is not a number");
				else if (!strcmp(x->kind, "percent") && (l.e.value < 0 || l.e.value > 100)) why = N_("A percent is from 0 to 100");
				l.e.has_value = 1;
			}
		}
		if (why) {
			line_error(errors, lang, t->line, why);
			bad++;
			continue;
		}
		if (l.line < 0) continue;
		const char *c = table_cell(t, col[C_COMMENT]);
		l.e.comment = c && *c ? arena_strdup(a, c) : NULL;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct line *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *out, sizeof *more * (size_t)*n);
			*out = more;
		}
		(*out)[(*n)++] = l;
	}
	return bad ? -1 : 0;
}

static int cmp_group(const void *pa, const void *pb)
{
	const struct line *x = pa, *y = pb;
	if (x->unit_id != y->unit_id) return x->unit_id < y->unit_id ? -1 : 1;
	int c = strcmp(x->period, y->period);
	return c ? c : x->line - y->line;
}

/* enters one group (one unit and period); errors against its lines */
static int enter_group(struct db *db, struct arena *a, const struct user *who, struct line *g, int n, const char *lang,
		       struct buf *errors)
{
	/* a line holding what is entered already (the template filled again, an
	** approved unit's lines untouched) is not entered again: no history row,
	** and no refusal for the lock of a value it does not change. Only for a
	** unit the user may enter, so that an import tells nothing of another's
	** values. */
	char path[UNIT_PATH_MAX];
	struct ind_value *cur = NULL;
	int ncur = 0;
	if (units_path(db, g[0].unit_id, path, sizeof path) == E_OK && role_can(who, PERM_INDICATOR_ENTER, path)) {
		int rc = indicators_unit_values(db, a, g[0].unit_id, g[0].period, lang, &cur, &ncur);
		if (rc != E_OK) return rc;
	}
	struct ind_entry *e = arena_alloc(a, sizeof *e * (size_t)n);
	struct line *kept = arena_alloc(a, sizeof *kept * (size_t)n);
	int m = 0;
	for (int i = 0; i < n; i++) {
		const struct ind_entry *x = &g[i].e;
		int same = 0;
		for (int k = 0; k < ncur && !same; k++) {
			const struct ind_value *v = &cur[k];
			if (!v->has || strcmp(v->code, x->code)) continue;
			same = !strcmp(v->comment ? v->comment : "", x->comment ? x->comment : "") &&
			       (x->has_ratio ? v->has_ratio && ind_round(x->numerator) == v->numerator && ind_round(x->denominator) == v->denominator
					     : !v->has_ratio && ind_round(x->value) == v->value);
		}
		if (same) continue;
		kept[m] = g[i];
		e[m++] = g[i].e;
	}
	if (!m) return E_OK;
	g = kept;
	n = m;
	struct field_errors fe = { 0 };
	struct ind_check chk;
	int rc = indicators_enter(db, a, who, g[0].unit_id, g[0].period, e, n, lang, &fe, &chk);
	if (rc == E_OK) return E_OK;
	if (rc == E_INVALID && chk.rule) {
		line_text(errors, lang, g[0].line, chk.message);
	} else if (rc == E_FORBIDDEN) line_error(errors, lang, g[0].line, N_("You may not enter values for this unit"));
	else if (fe.n) {
		for (int k = 0; k < fe.n; k++) {
			int i = -1;
			if (sscanf(fe.field[k], "values[%d]", &i) != 1 || i < 0 || i >= n) i = 0;
			line_error(errors, lang, g[i].line, fe.msg[k]);
		}
	} else line_error(errors, lang, g[0].line, N_("The values could not be saved"));
	return rc;
}

int indicators_import(struct db *db, struct arena *a, const struct user *who, struct table *t, const char *lang, struct buf *errors,
		      int *count)
{
	*count = 0;
	struct line *lines = NULL;
	int n = 0;
	if (read_lines(db, a, t, lang, errors, &lines, &n) != 0) return E_INVALID;
	if (!n) {
		line_error(errors, lang, 1, N_("The file has no values"));
		return E_INVALID;
	}
	qsort(lines, (size_t)n, sizeof *lines, cmp_group);
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int failed = 0;
	for (int i = 0; i < n && rc != E_BUSY && rc != E_DB;) {
		int j = i + 1;
		while (j < n && lines[j].unit_id == lines[i].unit_id && !strcmp(lines[j].period, lines[i].period) && j - i < IND_ENTRIES_MAX) j++;
		rc = enter_group(db, a, who, &lines[i], j - i, lang, errors);
		if (rc != E_OK) failed = 1;
		i = j;
	}
	if (rc == E_BUSY || rc == E_DB) failed = 1;
	else rc = failed ? E_INVALID : E_OK;
	if (!failed) *count = n;
	if (rc == E_OK && db_analyze(db, n, "indicator_values, indicator_history") != DB_OK) rc = E_DB;
	return db_tx_end(db, rc);
}

/* A value as the template writes it: a workbook's number cell takes the
** plain decimal; a CSV is text, read back in the language's way (file_number),
** so its decimal mark is the language's — 1,125 in Vietnamese, 1.125 in
** English — never grouped, and never an exponent (values are multiples of
** 10^-6). The unchanged template imports the same values. */
static const char *num_text(struct arena *a, int has, double v, const char *lang, int csv)
{
	if (!has) return "";
	char *s = arena_printf(a, "%.6f", v);
	char *dot = strchr(s, '.');
	if (dot) {
		char *e = s + strlen(s);
		while (e > dot + 1 && e[-1] == '0') *--e = 0;
		if (e == dot + 1) *dot = 0;
		else if (csv && lang && !strcmp(lang, "vi")) *dot = ',';
	}
	if (!strcmp(s, "-0")) s[0] = '0', s[1] = 0;
	return s;
}

int indicators_template(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *lang, FILE *out,
			const char *format)
{
	struct unit *u;
	if (units_get(db, a, unit_id, &u) != E_OK) return E_NOTFOUND;
	struct ind_value *v;
	int n;
	int rc = indicators_unit_values(db, a, unit_id, period, lang, &v, &n);
	if (rc != E_OK) return rc;
	/* the header is the columns' codes, which every language's import reads */
	const char *codes[C_N + 1];
	for (int k = 0; k < C_N; k++) codes[k] = cols[k].code;
	codes[C_N] = NULL;
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("Indicators")), codes, "ttttnnnt");
	int csv = !format || strcmp(format, "xlsx") != 0;
	if (!s) return E_DB;
	for (int i = 0; i < n; i++) {
		int ratio = !strcmp(v[i].kind, "ratio");
		const char *cells[C_N] = { u->code, v[i].code, v[i].name, period, num_text(a, v[i].has && !ratio, v[i].value, lang, csv),
					   num_text(a, v[i].has && ratio, v[i].numerator, lang, csv),
					   num_text(a, v[i].has && ratio, v[i].denominator, lang, csv),
					   v[i].comment ? v[i].comment : "" };
		sheet_row(s, cells);
	}
	return sheet_close(s) == 0 ? E_OK : E_DB;
}

/* ---- an index's criteria from a file ---- */

enum { K_CODE, K_PARENT, K_VI, K_EN, K_HINDI, K_POINTS, K_IND, K_METHOD, K_LO, K_HI, K_THR, K_N };
static const char *const crit_cols[K_N + 1] = { "code", "parent", "name_vi", "name_en", "name_hi", "points", "indicator", "method", "lo", "hi",
						"thresholds", NULL };

int indexes_read_criteria(struct arena *a, struct table *t, const char *lang, struct index_criterion **out, int *n, struct buf *errors)
{
	int col[K_N], rc = table_next(t), bad = 0, cap = 0;
	*n = 0;
	*out = NULL;
	if (rc != 1) {
		if (rc < 0) line_text(errors, lang, t->line, t->err);
		else line_error(errors, lang, 1, N_("The file is empty"));
		return E_INVALID;
	}
	table_columns(t, crit_cols, col);
	if (col[K_CODE] < 0 || col[K_POINTS] < 0) {
		line_error(errors, lang, t->line, N_("The header needs the columns code, parent, name_vi, name_en, name_hi, points, indicator, method, lo, hi, thresholds"));
		return E_INVALID;
	}
	while ((rc = table_next(t)) != 0) {
		if (rc < 0) {
			line_text(errors, lang, t->line, t->err);
			bad++;
			continue;
		}
		if (table_blank(t)) continue;
		if (*n >= 500) {
			line_error(errors, lang, t->line, N_("At most 500 criteria"));
			return E_INVALID;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			struct index_criterion *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *out, sizeof *more * (size_t)*n);
			*out = more;
		}
		struct index_criterion *c = &(*out)[*n];
		memset(c, 0, sizeof *c);
		const char *v;
#define CELL(k) ((v = table_cell(t, col[k])) && *v ? arena_strdup(a, v) : NULL)
		c->code = CELL(K_CODE);
		c->name_vi = CELL(K_VI);
		c->name_en = CELL(K_EN);
		c->name_hi = CELL(K_HINDI);
		c->indicator_code = CELL(K_IND);
		c->method = CELL(K_METHOD);
		c->thresholds = CELL(K_THR);
		const char *parent = CELL(K_PARENT);
#undef CELL
		/* numbers as the values' import reads them: a person's way in the language, a workbook's number cell as it is */
		if (file_number(lang, t, col[K_POINTS], &c->points) != 0) {
			line_error(errors, lang, t->line, N_("points: Is not a number"));
			bad++;
		}
		if ((col[K_LO] >= 0 && file_number(lang, t, col[K_LO], &c->lo) < 0) || (col[K_HI] >= 0 && file_number(lang, t, col[K_HI], &c->hi) < 0)) {
			line_error(errors, lang, t->line, N_("lo, hi: Is not a number"));
			bad++;
		}
		for (int i = 0; parent && i < *n; i++)
			if ((*out)[i].code && !strcmp((*out)[i].code, parent) && !(*out)[i].parent_id) c->parent_id = i + 1;
		if (parent && !c->parent_id) {
			line_error(errors, lang, t->line, N_("parent: No main criterion above has this code"));
			bad++;
		}
		(*n)++;
	}
	return bad ? E_INVALID : E_OK;
}
