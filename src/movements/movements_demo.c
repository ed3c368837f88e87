/* The demo movements (docs/DEMO.md): the files in data/demo, loaded through
** the domain functions so the demo obeys the same rules as real use. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/assets.h"
#include "../base/asset_table.h"
#include "../base/db.h"
#include "../base/util.h"
#include "../units/units.h"
#include "movements.h"

static int64_t unit_id(struct db *db, const char *code)
{
	int64_t id = 0;
	return code && *code && units_find_code(db, code, &id) == E_OK ? id : 0;
}

static int fail(FILE *err, const char *what, const char *key, int rc, const struct field_errors *fe)
{
	fprintf(err, "demo %s %s: error %d%s%s%s%s\n", what, key, rc, fe && fe->n ? ": " : "", fe && fe->n ? fe->field[0] : "",
		fe && fe->n ? " " : "", fe && fe->n ? fe->msg[0] : "");
	return -1;
}

/* walks a movement from draft to its final status */
static int advance(struct db *db, const struct user *who, int64_t id, const char *target)
{
	static const char *const order[] = { "draft", "launched", "reviewing", "closed" };
	struct arena a;
	arena_init(&a);
	int rc = E_OK;
	for (int guard = 0; guard < 4 && rc == E_OK; guard++) {
		struct movement *m;
		if ((rc = movements_get(db, &a, id, &m)) != E_OK) break;
		if (strcmp(m->status, target) == 0) break;
		int at = 0;
		while (at < 3 && strcmp(order[at], m->status) != 0) at++;
		if (at == 3) { rc = E_STATE; break; }
		struct field_errors fe = { 0 };
		rc = movements_set_status(db, who, id, m->version, order[at + 1], &fe);
	}
	arena_free(&a);
	return rc;
}

int movements_demo_load(struct db *db, const struct user *who, FILE *err, int *nmovements, int *nmodels)
{
	struct asset_table mv, mt, rg, md, rs, rp;
	int rc = -1;
	if (asset_table_load("data/demo/movements.csv", &mv, err) || asset_table_load("data/demo/movement_metrics.csv", &mt, err) ||
	    asset_table_load("data/demo/dvk2024_registrations.csv", &rg, err) || asset_table_load("data/demo/dvk2024_models.csv", &md, err) ||
	    asset_table_load("data/demo/dvk2024_results.csv", &rs, err) || asset_table_load("data/demo/dvk2024_replications.csv", &rp, err))
		return -1;
	struct arena a;
	arena_init(&a);
	int64_t dvk = 0;
	*nmovements = *nmodels = 0;

	/* 1. the movements, their lists and metrics, launched where they were */
	for (int i = 0; i < mv.nrows; i++) {
		struct movement_in in = { 0 };
		in.code = asset_table_col(&mv, i, "code");
		in.title = asset_table_col(&mv, i, "title");
		in.theme = asset_table_col(&mv, i, "theme");
		in.kind = asset_table_col(&mv, i, "kind");
		in.legal_basis = asset_table_col(&mv, i, "legal_basis");
		in.authority_id = unit_id(db, asset_table_col(&mv, i, "authority_code"));
		in.parent_id = 0;
		const char *parent = asset_table_col(&mv, i, "parent_code");
		if (*parent) movements_find_code(db, parent, &in.parent_id);
		in.starts_on = asset_table_col(&mv, i, "starts_on");
		in.ends_on = asset_table_col(&mv, i, "ends_on");
		in.register_by = *asset_table_col(&mv, i, "register_by") ? asset_table_col(&mv, i, "register_by") : in.ends_on;
		in.set_fields = in.set_scopes = in.set_metrics = 1;
		char *fields = arena_strdup(&a, asset_table_col(&mv, i, "fields")), *save = NULL;
		for (char *f = strtok_r(fields, ";", &save); f && in.nfields < MV_MAX_FIELDS; f = strtok_r(NULL, ";", &save)) in.fields[in.nfields++] = f;
		char *scopes = arena_strdup(&a, asset_table_col(&mv, i, "scope_codes"));
		for (char *s = strtok_r(scopes, ";", &save); s && in.nscopes < MV_MAX_SCOPES; s = strtok_r(NULL, ";", &save))
			if (unit_id(db, s)) in.scopes[in.nscopes++] = unit_id(db, s);
		for (int k = 0; k < mt.nrows && in.nmetrics < MV_MAX_METRICS; k++) {
			if (strcmp(asset_table_col(&mt, k, "movement_code"), in.code) != 0) continue;
			in.metrics[in.nmetrics++] = (struct metric_in){ asset_table_col(&mt, k, "code"), asset_table_col(&mt, k, "name"), asset_table_col(&mt, k, "unit"), asset_table_col(&mt, k, "kind") };
		}
		struct field_errors fe = { 0 };
		int64_t id;
		int r = movements_create(db, who, &in, &fe, &id);
		if (r != E_OK) { fail(err, "movement", in.code, r, &fe); goto out; }
		if (strcmp(in.code, "DVK2024") == 0) dvk = id;
		if (strcmp(asset_table_col(&mv, i, "status"), "draft") != 0 && (r = advance(db, who, id, "launched")) != E_OK) {
			fail(err, "launch", in.code, r, NULL);
			goto out;
		}
		(*nmovements)++;
	}

	/* 2. Quảng Yên's 2024 "Dân vận khéo": registrations, models, results */
	for (int i = 0; dvk && i < rg.nrows; i++) {
		struct registration_in in = { .unit_id = unit_id(db, asset_table_col(&rg, i, "unit_code")), .pledge = asset_table_col(&rg, i, "pledge"),
					      .registered_on = asset_table_col(&rg, i, "registered_on"), .active = -1 };
		in.planned_models = atoll(asset_table_col(&rg, i, "commit_models"));
		if (*asset_table_col(&rg, i, "commit_vnd")) {
			in.set_commitments = 1;
			in.ncommit = 1;
			in.commit[0] = (struct commitment_in){ "vnd", strtod(asset_table_col(&rg, i, "commit_vnd"), NULL) };
		}
		struct field_errors fe = { 0 };
		int64_t id;
		int r = registrations_create(db, who, dvk, &in, &fe, &id);
		if (r != E_OK) { fail(err, "registration", asset_table_col(&rg, i, "unit_code"), r, &fe); goto out; }
	}
	for (int i = 0; dvk && i < md.nrows; i++) {
		const char *unit = asset_table_col(&md, i, "unit_code");
		const char *on = NULL;
		for (int k = 0; k < rg.nrows; k++)
			if (strcmp(asset_table_col(&rg, k, "unit_code"), unit) == 0) on = asset_table_col(&rg, k, "registered_on");
		struct model_in in = { .code = asset_table_col(&md, i, "code"), .title = asset_table_col(&md, i, "title"), .field = asset_table_col(&md, i, "field"),
				       .description = asset_table_col(&md, i, "description"), .started_on = asset_table_col(&md, i, "started_on"),
				       .unit_id = unit_id(db, unit), .registered_on = on, .owner_unit_id = unit_id(db, asset_table_col(&md, i, "owner_unit_code")),
				       .owner_person_id = -1, .active = -1 };
		struct field_errors fe = { 0 };
		int64_t id;
		int r = models_create(db, who, dvk, &in, &fe, &id);
		if (r != E_OK) { fail(err, "model", in.code, r, &fe); goto out; }
		(*nmodels)++;
	}
	/* rows of one model and date form one report */
	for (int i = 0; dvk && i < rs.nrows;) {
		struct report_in in = { .reported_on = asset_table_col(&rs, i, "reported_on"), .note = asset_table_col(&rs, i, "note") };
		const char *code = asset_table_col(&rs, i, "model_code");
		int j = i;
		while (j < rs.nrows && strcmp(asset_table_col(&rs, j, "model_code"), code) == 0 && strcmp(asset_table_col(&rs, j, "reported_on"), in.reported_on) == 0 &&
		       in.nvalues < MV_MAX_METRICS) {
			in.values[in.nvalues++] = (struct commitment_in){ asset_table_col(&rs, j, "metric"), strtod(asset_table_col(&rs, j, "value"), NULL) };
			j++;
		}
		int64_t mid = 0, rid;
		struct field_errors fe = { 0 };
		int r = models_find_code(db, dvk, code, &mid);
		if (r == E_OK) r = reports_add(db, who, mid, &in, &fe, &rid);
		if (r != E_OK) { fail(err, "report", code, r, &fe); goto out; }
		i = j;
	}
	/* assessments and typical examples */
	for (int i = 0; dvk && i < md.nrows; i++) {
		int64_t mid = 0;
		struct field_errors fe = { 0 };
		int r = models_find_code(db, dvk, asset_table_col(&md, i, "code"), &mid);
		if (r == E_OK) r = models_assess(db, who, mid, 1, asset_table_col(&md, i, "status"), NULL, &fe);
		if (r == E_OK && strcmp(asset_table_col(&md, i, "typical"), "1") == 0) r = models_set_typical(db, who, mid, 2, 1, asset_table_col(&md, i, "citation"), "2024-12-20", &fe);
		if (r != E_OK) { fail(err, "assessment", asset_table_col(&md, i, "code"), r, &fe); goto out; }
	}
	for (int i = 0; dvk && i < rp.nrows; i++) {
		int64_t mid = 0, xid;
		struct field_errors fe = { 0 };
		int r = models_find_code(db, dvk, asset_table_col(&rp, i, "model_code"), &mid);
		if (r == E_OK)
			r = replications_add(db, who, mid, unit_id(db, asset_table_col(&rp, i, "unit_code")), asset_table_col(&rp, i, "adopted_on"), asset_table_col(&rp, i, "note"), &fe, &xid);
		if (r != E_OK) { fail(err, "replication", asset_table_col(&rp, i, "model_code"), r, &fe); goto out; }
	}

	/* 3. every movement to its final status */
	for (int i = 0; i < mv.nrows; i++) {
		int64_t id = 0;
		movements_find_code(db, asset_table_col(&mv, i, "code"), &id);
		int r = advance(db, who, id, asset_table_col(&mv, i, "status"));
		if (r != E_OK) { fail(err, "status", asset_table_col(&mv, i, "code"), r, NULL); goto out; }
	}
	rc = 0;
out:
	arena_free(&a);
	asset_table_free(&mv);
	asset_table_free(&mt);
	asset_table_free(&rg);
	asset_table_free(&md);
	asset_table_free(&rs);
	asset_table_free(&rp);
	return rc;
}
