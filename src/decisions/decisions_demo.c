/* The demo decision (decisions.h): seed 002 — the chairman of Sơn La's
** People's Committee awards the Bằng khen to 12 collectives and 15
** individuals for the digital-transformation movement. The facts are in
** data/demo/decisions.csv and decision_nominees.csv; the people are made
** with people_create and the decision with decisions_create, so the demo
** obeys the same rules as real use and its certificates verify. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/assets.h"
#include "../base/csv.h"
#include "../base/db.h"
#include "../movements/movements.h"
#include "../people/people.h"
#include "../units/units.h"
#include "decisions.h"

/* the rows of a CSV asset as { header → value } lookups */
struct rows {
	int n, ncols;
	char *head[16];
	char **cell;
};

static int rows_load(const char *name, struct rows *t, FILE *err)
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
		t->ncols = c.nfields < 16 ? c.nfields : 16;
		for (int i = 0; i < t->ncols; i++) t->head[i] = strdup(c.field[i]);
	}
	while (rc == 1 && (rc = csv_next(&c)) == 1) {
		if (t->n == cap) {
			cap = cap ? cap * 2 : 32;
			t->cell = realloc(t->cell, sizeof(char *) * (size_t)cap * (size_t)t->ncols);
		}
		for (int i = 0; i < t->ncols; i++) t->cell[t->n * t->ncols + i] = strdup(i < c.nfields ? c.field[i] : "");
		t->n++;
	}
	if (rc < 0) fprintf(err, "%s: line %d: %s\n", name, c.line, c.err);
	csv_free(&c);
	fclose(f);
	return rc < 0 ? -1 : 0;
}

static void rows_free(struct rows *t)
{
	for (int i = 0; i < t->n * t->ncols; i++) free(t->cell[i]);
	for (int i = 0; i < t->ncols; i++) free(t->head[i]);
	free(t->cell);
}

static const char *col(const struct rows *t, int row, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name)) return t->cell[row * t->ncols + i];
	return "";
}

static const char *or_null(const char *s) { return s && *s ? s : NULL; }

/* a nominee of the file: the unit, or the person (made when the code is new) */
static int nominee_of(struct db *db, const struct user *who, const struct rows *t, int i, struct decision_nominee_in *x, FILE *err)
{
	const char *code = col(t, i, "code");
	memset(x, 0, sizeof *x);
	x->award = col(t, i, "award");
	x->ref = code;
	if (!strcmp(col(t, i, "subject"), "collective")) {
		if (units_find_code(db, code, &x->unit_id) == E_OK) return 0;
		fprintf(err, "demo decision: no unit %s\n", code);
		return -1;
	}
	if (db_int1(db, &x->person_id, "SELECT id FROM people WHERE code = $1", "t", code) == DB_ROW) return 0;
	struct person_in p = { .code = code, .full_name = col(t, i, "full_name"), .gender = col(t, i, "gender"),
			       .position = or_null(col(t, i, "position")), .active = 1 };
	struct field_errors fe = { 0 };
	if (units_find_code(db, col(t, i, "unit_code"), &p.unit_id) != E_OK || people_create(db, who, &p, &fe, &x->person_id) != E_OK) {
		fprintf(err, "demo decision: person %s: %s\n", code, fe.n ? fe.msg[0] : "not created");
		return -1;
	}
	return 0;
}

int decisions_demo_load(struct db *db, const struct user *who, FILE *err)
{
	if (!signing_have_master_key()) {
		char msg[1200];
		int k = signing_master_key_load(db, NULL, msg, sizeof msg);
		if (k < 0) { fprintf(err, "demo decision: %s\n", msg); return -1; }
		if (k > 0) {
			fprintf(err, "demo decision skipped: %s\n", *msg ? msg : "no master key to sign with (set THIDUA_MASTER_KEY)");
			return 1;
		}
	}
	struct rows head, noms;
	if (rows_load("data/demo/decisions.csv", &head, err) != 0) return -1;
	if (rows_load("data/demo/decision_nominees.csv", &noms, err) != 0) { rows_free(&head); return -1; }
	int rc = 0;
	for (int d = 0; d < head.n && rc == 0; d++) {
		struct arena a;
		arena_init(&a);
		const char *number = col(&head, d, "number");
		struct decision_nominee_in *xs = arena_alloc(&a, sizeof *xs * (size_t)(noms.n + 1));
		int n = 0, people = 0, units = 0;
		for (int i = 0; i < noms.n && rc == 0; i++) {
			if (strcmp(col(&noms, i, "decision_number"), number) != 0) continue;
			rc = nominee_of(db, who, &noms, i, &xs[n], err);
			if (rc == 0) { people += xs[n].person_id > 0; units += xs[n].unit_id > 0; n++; }
		}
		struct decision_in in = {
			.authority_name = col(&head, d, "authority_name"), .number = number, .decided_on = col(&head, d, "date"),
			.year = atoi(col(&head, d, "year")), .signer_name = col(&head, d, "signer"), .signer_title = col(&head, d, "signer_title"),
			.citation = or_null(col(&head, d, "citation")), .nominees = xs, .nnominees = n,
		};
		struct field_errors fe = { 0 };
		int64_t id = 0;
		if (rc == 0 && (units_find_code(db, col(&head, d, "authority_code"), &in.authority_id) != E_OK ||
				movements_find_code(db, col(&head, d, "movement_code"), &in.movement_id) != E_OK)) {
			fprintf(err, "demo decision %s: unknown authority or movement\n", number);
			rc = -1;
		}
		int drc = rc == 0 ? decisions_create(db, &a, who, &in, &fe, &id) : E_OK;
		if (rc == 0 && drc != E_OK) {
			fprintf(err, "demo decision %s: error %d%s%s%s%s\n", number, drc, fe.n ? ": " : "", fe.n ? fe.field[0] : "", fe.n ? " " : "",
				fe.n ? fe.msg[0] : "");
			rc = -1;
		}
		if (rc == 0) printf("demo decision %s of %s: %d collectives and %d individuals, certificates signed\n", number, in.authority_name, units, people);
		arena_free(&a);
	}
	rows_free(&head);
	rows_free(&noms);
	return rc;
}
