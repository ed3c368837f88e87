/* The demo's indicators (seeds 000 and 002: Sơn La's movements and its
** digital transformation) and a small DTI-like index ranking Sơn La's
** departments, loaded from data/demo/indicator*.csv and indexes.csv through
** the domain functions, so the demo obeys the same checks as an officer:
** definitions, validation rules, values (through the import, with the rules),
** targets, the index, the public dashboard "son-la"; the departments' 2024
** values are approved. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/assets.h"
#include "../base/buf.h"
#include "../base/csv.h"
#include "../base/db.h"
#include "../base/table.h"
#include "../units/units.h"
#include "indicators.h"

struct demo_csv {
	FILE *f;
	struct csv c;
	int at[24];
	int ncols;
};

static int demo_open(struct demo_csv *d, const char *name, const char *const *cols, FILE *log)
{
	const struct asset *a = asset_find(name);
	if (!a) {
		if (log) fprintf(log, "%s: missing from the binary\n", name);
		return -1;
	}
	d->f = fmemopen((void *)a->data, a->len, "r");
	if (!d->f) return -1;
	csv_init(&d->c, d->f);
	if (csv_next(&d->c) != 1) return -1;
	for (d->ncols = 0; cols[d->ncols] && d->ncols < (int)(sizeof d->at / sizeof d->at[0]); d->ncols++) {
		d->at[d->ncols] = -1;
		for (int i = 0; i < d->c.nfields; i++)
			if (!strcmp(d->c.field[i], cols[d->ncols])) d->at[d->ncols] = i;
	}
	return 0;
}

static const char *col(struct demo_csv *d, int k)
{
	const char *s = d->at[k] >= 0 && d->at[k] < d->c.nfields ? d->c.field[d->at[k]] : "";
	return *s ? s : NULL;
}

static void demo_close(struct demo_csv *d)
{
	csv_free(&d->c);
	fclose(d->f);
}

static int fail(FILE *log, const char *file, int line, int rc, const struct field_errors *fe)
{
	if (log)
		fprintf(log, "%s line %d: error %d%s%s%s%s\n", file, line, rc, fe && fe->n ? ": " : "", fe && fe->n ? fe->field[0] : "",
			fe && fe->n ? " " : "", fe && fe->n ? fe->msg[0] : "");
	return -1;
}

static int load_definitions(struct db *db, const struct user *who, FILE *log, int *count)
{
	static const char *const cols[] = { "code", "name_vi", "name_en", "name_hi", "measure", "kind", "aggregation", "direction",
					    "period_type", "decimals", "numerator_vi", "numerator_en", "numerator_hi", "denominator_vi",
					    "denominator_en", "denominator_hi", "measure_en", "measure_hi", NULL };
	struct demo_csv d;
	if (demo_open(&d, "data/demo/indicators.csv", cols, log) != 0) return -1;
	int bad = 0;
	while (!bad && csv_next(&d.c) == 1) {
		struct indicator_in in = { col(&d, 0), col(&d, 1), col(&d, 2), col(&d, 3), col(&d, 4), col(&d, 5), col(&d, 6), col(&d, 7),
					   col(&d, 8), 100, col(&d, 9) ? atoi(col(&d, 9)) : 0, 1,
					   col(&d, 10), col(&d, 11), col(&d, 12), col(&d, 13), col(&d, 14), col(&d, 15), col(&d, 16), col(&d, 17) };
		struct field_errors fe = { 0 };
		int64_t id;
		int rc = indicators_create(db, who, &in, &fe, &id);
		if (rc != E_OK) bad = fail(log, "data/demo/indicators.csv", d.c.line, rc, &fe);
		else (*count)++;
	}
	demo_close(&d);
	return bad;
}

static int load_rules(struct db *db, const struct user *who, FILE *log)
{
	static const char *const cols[] = { "code", "expression", "severity", "message_vi", "message_en", "message_hi", NULL };
	struct demo_csv d;
	if (demo_open(&d, "data/demo/indicator_rules.csv", cols, log) != 0) return -1;
	int bad = 0;
	while (!bad && csv_next(&d.c) == 1) {
		struct ind_rule_in in = { .code = col(&d, 0), .expression = col(&d, 1), .severity = col(&d, 2), .message_vi = col(&d, 3),
					  .message_en = col(&d, 4), .message_hi = col(&d, 5), .active = 1 };
		struct field_errors fe = { 0 };
		struct ind_expr_error err;
		int64_t id;
		int rc = ind_rules_create(db, who, &in, &fe, &err, &id);
		if (rc != E_OK) bad = fail(log, "data/demo/indicator_rules.csv", d.c.line, rc, &fe);
	}
	demo_close(&d);
	return bad;
}

static int load_values(struct db *db, const struct user *who, FILE *log, int *count)
{
	const struct asset *a = asset_find("data/demo/indicator_values.csv");
	if (!a) return -1;
	FILE *f = fmemopen((void *)a->data, a->len, "r");
	if (!f) return -1;
	struct table *t;
	char err[256];
	int rc = -1, n = 0;
	if (table_open(&t, f, NULL, err, sizeof err) == 0) {
		struct arena ar;
		arena_init(&ar);
		struct buf errors;
		buf_init(&errors);
		rc = indicators_import(db, &ar, who, t, "en", &errors, &n);
		if (rc != E_OK && log) fprintf(log, "data/demo/indicator_values.csv:\n%s", buf_cstr(&errors));
		buf_free(&errors);
		arena_free(&ar);
		table_close(t);
		*count += n;
	}
	fclose(f);
	return rc == E_OK ? 0 : -1;
}

static int load_targets(struct db *db, const struct user *who, FILE *log)
{
	static const char *const cols[] = { "unit_code", "indicator_code", "period", "target", NULL };
	struct demo_csv d;
	if (demo_open(&d, "data/demo/indicator_targets.csv", cols, log) != 0) return -1;
	int bad = 0;
	struct arena a;
	arena_init(&a);
	while (!bad && csv_next(&d.c) == 1) {
		int64_t unit = 0;
		struct indicator *x;
		struct field_errors fe = { 0 };
		int rc = units_find_code(db, col(&d, 0), &unit);
		if (rc == E_OK) rc = indicators_find(db, &a, col(&d, 1), "en", &x);
		if (rc == E_OK) rc = indicators_set_target(db, who, x->id, unit, col(&d, 2), atof(col(&d, 3)), &fe);
		if (rc != E_OK) bad = fail(log, "data/demo/indicator_targets.csv", d.c.line, rc, &fe);
	}
	arena_free(&a);
	demo_close(&d);
	return bad;
}

static int load_index(struct db *db, const struct user *who, FILE *log)
{
	static const char *const cols[] = { "index_code", "code", "parent", "name_vi", "name_en", "name_hi", "points", "indicator",
					    "method", "lo", "hi", "thresholds", NULL };
	struct demo_csv d;
	if (demo_open(&d, "data/demo/indexes.csv", cols, log) != 0) return -1;
	struct arena a;
	arena_init(&a);
	struct index_criterion crit[64];
	int n = 0;
	while (n < 64 && csv_next(&d.c) == 1) {
		struct index_criterion *c = &crit[n];
		memset(c, 0, sizeof *c);
		c->code = arena_strdup(&a, col(&d, 1));
		const char *parent = col(&d, 2);
		for (int i = 0; parent && i < n; i++)
			if (!strcmp(crit[i].code, parent)) c->parent_id = i + 1;
		c->name_vi = arena_strdup(&a, col(&d, 3));
		c->name_en = arena_strdup(&a, col(&d, 4));
		c->name_hi = arena_strdup(&a, col(&d, 5));
		c->points = atof(col(&d, 6) ? col(&d, 6) : "0");
		c->indicator_code = arena_strdup(&a, col(&d, 7));
		c->method = arena_strdup(&a, col(&d, 8));
		c->lo = col(&d, 9) ? atof(col(&d, 9)) : 0;
		c->hi = col(&d, 10) ? atof(col(&d, 10)) : 0;
		c->thresholds = arena_strdup(&a, col(&d, 11));
		n++;
	}
	demo_close(&d);
	int64_t scope = 0, id = 0;
	struct field_errors fe = { 0 };
	int rc = units_find_code(db, "T-SONLA", &scope);
	struct index_in in = { .code = "DTI-SL-SO",
			       .name_vi = "Chỉ số chuyển đổi số các sở, ban, ngành tỉnh Sơn La",
			       .name_en = "Digital-transformation index of Sơn La's departments",
			       .name_hi = "सोन ला के विभागों का डिजिटल परिवर्तन सूचकांक",
			       .unit_kind = "department",
			       .scope_id = scope,
			       .total_points = 1000,
			       .crit = crit,
			       .ncrit = n };
	if (rc == E_OK) rc = indexes_create(db, who, &in, &fe, &id);
	arena_free(&a);
	return rc == E_OK ? 0 : fail(log, "data/demo/indexes.csv", 0, rc, &fe);
}

int indicators_demo_load(struct db *db, const struct user *who, FILE *log, int *count)
{
	*count = 0;
	if (load_definitions(db, who, log, count) != 0 || load_rules(db, who, log) != 0 || load_values(db, who, log, count) != 0 ||
	    load_targets(db, who, log) != 0 || load_index(db, who, log) != 0)
		return -1;
	int64_t prov = 0;
	if (units_find_code(db, "T-SONLA", &prov) != E_OK) return -1;
	struct ind_dashboard_in dash = { .slug = "son-la",
					 .title = "Sơn La: chỉ tiêu phong trào thi đua và chuyển đổi số",
					 .title_en = "Sơn La: emulation movement and digital transformation targets",
					 .title_hi = "Sơn La: अनुकरण आंदोलन और डिजिटल परिवर्तन के लक्ष्य",
					 .indicators = "dx_community_teams,houses_supported,rural_hygienic_water,poverty_multidimensional,"
						       "dept_docs_signed,dept_online_procedures,dept_staff_trained",
					 .period_from = "2024",
					 .period_to = "2025",
					 .unit_id = prov,
					 .public_ = 1 };
	struct field_errors fe = { 0 };
	int64_t id;
	int rc = ind_dashboards_create(db, who, &dash, &fe, &id);
	if (rc != E_OK) return fail(log, "dashboard son-la", 0, rc, &fe);
	/* the departments' 2024 values are approved by the province */
	struct stmt *st = db_query(db, "SELECT DISTINCT v.unit_id FROM indicator_values v JOIN units u ON u.id = v.unit_id "
				       "WHERE v.period = '2024' AND u.parent_id = $1 ORDER BY v.unit_id", "i", prov);
	int64_t units[64];
	int nu = 0;
	while (st && nu < 64 && db_step(st) == DB_ROW) units[nu++] = db_int(st, 0);
	if (st) db_done(st);
	for (int i = 0; i < nu; i++) {
		int n = 0;
		if (indicators_approve(db, who, units[i], "2024", &n) != E_OK) return -1;
	}
	return 0;
}
