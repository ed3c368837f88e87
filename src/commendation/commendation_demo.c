/* The demo's commendation data (docs/DEMO.md), loaded through the domain
** functions: data/demo/achievements.csv (people of Quảng Yên with their
** ratings, titles, initiatives and a discipline; collectives' records) and
** data/demo/proposals.csv (seed 001: Hà Tĩnh proposed for the Government
** Emulation Flag, Quảng Bình and Quảng Trị for the Prime Minister's
** Certificate of Merit, submitted to the Central board; a draft of Quảng
** Yên). Rows of one proposal share its key. */
#include <stdlib.h>
#include <string.h>

#include "../base/asset_table.h"
#include "../base/db.h"
#include "../people/people.h"
#include "../units/units.h"
#include "commendation.h"
#include "proposals.h"

static int64_t person_by_code(struct db *db, const char *code)
{
	int64_t id = 0;
	db_int1(db, &id, "SELECT id FROM people WHERE code = $1", "t", code);
	return id;
}

static int load_achievements(struct db *db, const struct user *who, FILE *log, int *n)
{
	struct asset_table t;
	if (asset_table_load("data/demo/achievements.csv", &t, log) != 0) return -1;
	int rc = 0;
	for (int i = 0; i < t.nrows && rc == 0; i++) {
		const char *pcode = asset_table_col(&t, i, "person_code"), *ucode = asset_table_col(&t, i, "unit_code");
		int64_t unit = 0;
		if (units_find_code(db, ucode, &unit) != E_OK) { fprintf(log, "achievements.csv: no unit %s\n", ucode); rc = -1; break; }
		struct achievement_in in = { 0 };
		struct field_errors fe = { 0 };
		if (*pcode) {
			in.person_id = person_by_code(db, pcode);
			if (!in.person_id) {
				struct person_in p = { .code = pcode, .full_name = asset_table_col(&t, i, "full_name"),
						       .gender = asset_table_col(&t, i, "gender"), .unit_id = unit, .active = 1 };
				if (people_create(db, who, &p, &fe, &in.person_id) != E_OK) {
					fprintf(log, "achievements.csv: person %s: %s\n", pcode, fe.n ? fe.msg[0] : "not stored");
					rc = -1;
					break;
				}
			}
		} else {
			in.unit_id = unit;
		}
		in.year = atoi(asset_table_col(&t, i, "year"));
		in.kind = asset_table_col(&t, i, "kind");
		in.value = asset_table_col(&t, i, "value");
		const char *dn = asset_table_col(&t, i, "decision_no"), *dd = asset_table_col(&t, i, "decided_on"), *au = asset_table_col(&t, i, "authority");
		in.decision_no = *dn ? dn : NULL;
		in.decided_on = *dd ? dd : NULL;
		in.authority = *au ? au : NULL;
		if (!strcmp(in.kind, "discipline")) in.on_date = "2023-06-15";
		int64_t id;
		if (achievements_create(db, who, &in, &fe, &id) != E_OK) {
			fprintf(log, "achievements.csv: line %d: %s: %s\n", i + 2, fe.n ? fe.field[0] : "", fe.n ? fe.msg[0] : "not stored");
			rc = -1;
		} else {
			(*n)++;
		}
	}
	asset_table_free(&t);
	return rc;
}

static int load_proposals(struct db *db, const struct user *who, FILE *log, int *n)
{
	struct asset_table t;
	if (asset_table_load("data/demo/proposals.csv", &t, log) != 0) return -1;
	int rc = 0;
	int64_t id = 0, version = 0;
	const char *key = "", *submit_to = "";
	for (int i = 0; i <= t.nrows && rc == 0; i++) {
		const char *k = i < t.nrows ? asset_table_col(&t, i, "key") : "";
		if (i == t.nrows || strcmp(k, key) != 0) {
			/* the previous proposal is complete: submitted when it says where */
			if (id && *submit_to) {
				int64_t to = 0;
				struct field_errors fe = { 0 };
				if (units_find_code(db, submit_to, &to) != E_OK ||
				    proposals_step(db, who, id, version, PA_SUBMIT, to, NULL, &fe) != E_OK) {
					fprintf(log, "proposals.csv: %s: not submitted: %s\n", key, fe.n ? fe.msg[0] : "");
					rc = -1;
					break;
				}
			}
			if (i == t.nrows) break;
			key = k;
			submit_to = asset_table_col(&t, i, "submit_to");
			struct proposal_in in = { .title = asset_table_col(&t, i, "title"), .round = asset_table_col(&t, i, "round"),
						  .summary = asset_table_col(&t, i, "summary"), .year = atoi(asset_table_col(&t, i, "year")) };
			struct field_errors fe = { 0 };
			if (units_find_code(db, asset_table_col(&t, i, "proposer"), &in.proposer_id) != E_OK ||
			    proposals_create(db, who, &in, &fe, &id) != E_OK) {
				fprintf(log, "proposals.csv: %s: %s\n", key, fe.n ? fe.msg[0] : "no such proposer");
				rc = -1;
				break;
			}
			version = 1;
			(*n)++;
		}
		struct nominee_in nin = { .award_code = asset_table_col(&t, i, "award"), .summary = asset_table_col(&t, i, "nominee_summary") };
		const char *np = asset_table_col(&t, i, "nominee_person"), *nu = asset_table_col(&t, i, "nominee_unit");
		if (*np) nin.person_id = person_by_code(db, np);
		else units_find_code(db, nu, &nin.unit_id);
		struct field_errors fe = { 0 };
		int64_t nid;
		if (proposals_add_nominee(db, who, id, version, &nin, &fe, &nid) != E_OK) {
			fprintf(log, "proposals.csv: %s: nominee %s%s: %s\n", key, np, nu, fe.n ? fe.msg[0] : "not stored");
			rc = -1;
			break;
		}
		version++;
	}
	asset_table_free(&t);
	return rc;
}

int commendation_demo_load(struct db *db, const struct user *who, FILE *log, int *nachievements, int *nproposals)
{
	*nachievements = *nproposals = 0;
	if (load_achievements(db, who, log, nachievements) != 0) return -1;
	return load_proposals(db, who, log, nproposals);
}
