/* Unit tests of movements: lifecycle, scope, deadlines, who may do what,
** results and the dashboard's totals. Against a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "base/schema.h"
#include "movements/movements.h"
#include "units/units.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
	int64_t vn, prov, town, ward1, ward2, hamlet, other;
	struct user officer, reporter, stranger;
	int64_t mv;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "mv", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->prov = fixture_unit(f->db, "T-QN", "Tỉnh Quảng Ninh", "province", f->vn);
	f->town = fixture_unit(f->db, "QY", "Thị xã Quảng Yên", "district", f->prov);
	f->ward1 = fixture_unit(f->db, "QY-YG", "Phường Yên Giang", "ward", f->town);
	f->ward2 = fixture_unit(f->db, "QY-LH", "Xã Liên Hòa", "commune", f->town);
	f->hamlet = fixture_unit(f->db, "QY-LH-T1", "Thôn 1", "subunit", f->ward2);
	f->other = fixture_unit(f->db, "T-SL", "Tỉnh Sơn La", "province", f->vn);
	fixture_grant(f->db, &f->a, &f->officer, "officer", ROLE_OFFICER, f->town);
	fixture_grant(f->db, &f->a, &f->reporter, "reporter", ROLE_REPORTER, f->ward2);
	fixture_grant(f->db, &f->a, &f->stranger, "stranger", ROLE_REPORTER, f->other);

	/* a launched movement of the town: open until far in the future */
	struct movement_in in = {
		.code = "DVK", .title = "Dân vận khéo", .kind = "regular", .authority_id = f->town, .parent_id = 0,
		.starts_on = "2024-01-01", .ends_on = "2099-12-31", .register_by = "2099-06-30",
		.set_scopes = 1, .nscopes = 1, .scopes = { f->town },
		.set_fields = 1, .nfields = 2, .fields = { "economy", "digital_transformation" },
		.set_metrics = 1, .nmetrics = 3,
		.metrics = { { "vnd", "Kinh phí huy động", "VND", "amount" }, { "length_m", "Chiều dài", "m", "amount" },
			     { "sim4g_pct", "Chuyển đổi 4G", "%", "rate" } },
	};
	struct field_errors fe = { 0 };
	if (movements_create(f->db, &f->officer, &in, &fe, &f->mv) != E_OK) return -1;
	if (movements_set_status(f->db, &f->officer, f->mv, 1, "launched", &fe) != E_OK) return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fixture_db_remove(f->db, f->path);
	arena_free(&f->a);
	free(f);
	return 0;
}

static int64_t reg(struct fx *f, const struct user *who, int64_t unit, int expect)
{
	struct field_errors fe = { 0 };
	struct registration_in in = { .unit_id = unit, .pledge = "Cam kết", .planned_models = -1, .active = -1 };
	int64_t id = 0;
	assert_int_equal(registrations_create(f->db, who, f->mv, &in, &fe, &id), expect);
	return id;
}

static int64_t model(struct fx *f, const struct user *who, int64_t unit, const char *code, const char *field, int expect)
{
	struct field_errors fe = { 0 };
	struct model_in in = { .code = code, .title = "Mô hình", .field = field, .unit_id = unit, .owner_unit_id = -1, .owner_person_id = -1, .active = -1 };
	int64_t id = 0;
	assert_int_equal(models_create(f->db, who, f->mv, &in, &fe, &id), expect);
	return id;
}

static void report(struct fx *f, const struct user *who, int64_t model_id, const char *on, const char *metric, double v, int expect)
{
	struct field_errors fe = { 0 };
	struct report_in in = { .reported_on = on, .note = "Báo cáo", .nvalues = 1, .values = { { metric, v } } };
	int64_t id = 0;
	assert_int_equal(reports_add(f->db, who, model_id, &in, &fe, &id), expect);
}

/* A background import stages its lines only inside its batch's transaction:
** one lost with its connection must not let the next lines commit one by
** one (autocommit) beside the run that took the job over */
static void test_staging_only_in_a_transaction(void **state)
{
	struct fx *f = *state;
	reg(f, &f->officer, f->ward2, E_OK);
	struct movement *m;
	assert_int_equal(movements_get(f->db, &f->a, f->mv, &m), E_OK);
	struct model_in in = { .code = "ST-1", .title = "Mô hình", .field = "economy", .unit_id = f->ward2, .owner_unit_id = -1,
			       .owner_person_id = -1, .active = -1 };
	struct field_errors fe = { 0 };
	assert_int_equal(models_stage(f->db, &f->officer, m, -7, 2, &in, 0, 0, &fe), E_BUSY);
	int64_t n = -1;
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM model_staging WHERE job_id = -7", ""), DB_ROW);
	assert_int_equal(n, 0);
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(models_stage(f->db, &f->officer, m, -7, 2, &in, 0, 0, &fe), E_OK);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM model_staging WHERE job_id = -7", ""), DB_ROW);
	assert_int_equal(n, 1);
	assert_int_equal(db_exec(f->db, "DELETE FROM model_staging WHERE job_id = -7", ""), DB_OK);
}

static void test_lifecycle(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	/* no way back to draft, no skipping the review */
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 2, "draft", &fe), E_STATE);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 2, "closed", &fe), E_STATE);
	/* a reporter cannot run the movement */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->reporter, f->mv, 2, "reviewing", &fe), E_FORBIDDEN);
	/* a stale version changes nothing */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 1, "reviewing", &fe), E_CONFLICT);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 2, "reviewing", &fe), E_OK);
	/* under review: no new registrations */
	reg(f, &f->reporter, f->ward2, E_STATE);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 3, "closed", &fe), E_OK);
	/* closed: nothing changes */
	struct movement_in edit = { .title = "Tên khác", .authority_id = -1, .parent_id = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_update(f->db, &f->officer, f->mv, 4, &edit, &fe), E_STATE);
	assert_string_equal(fe.msg[0], "A closed movement cannot be changed");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, f->mv, 4, "launched", &fe), E_STATE);
	struct movement *m;
	assert_int_equal(movements_get(f->db, &f->a, f->mv, &m), E_OK);
	assert_string_equal(m->status, "closed");
	assert_string_equal(m->title, "Dân vận khéo");
	assert_non_null(m->launched_at);
	assert_non_null(m->closed_at);
	int64_t rows = 0;
	db_int1(f->db, &rows, "SELECT count(*) FROM audit_log WHERE entity = 'movement' AND entity_id = $1", "i", f->mv);
	assert_int_equal(rows, 4); /* create, launch, review, close */
}

static void test_draft_needs_scope_and_is_private(void **state)
{
	struct fx *f = *state;
	struct movement_in in = { .code = "D1", .title = "Nháp", .kind = "thematic", .authority_id = f->town, .parent_id = 0,
				  .starts_on = "2025-01-01", .ends_on = "2025-12-31", .register_by = "2025-03-31" };
	struct field_errors fe = { 0 };
	int64_t id;
	assert_int_equal(movements_create(f->db, &f->officer, &in, &fe, &id), E_OK);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_set_status(f->db, &f->officer, id, 1, "launched", &fe), E_INVALID);
	assert_int_equal(fe.n, 2);
	assert_string_equal(fe.field[0], "scope");
	assert_string_equal(fe.field[1], "fields");
	/* a stranger does not see the draft in lists; the officer does */
	struct movement_query q = { .parent = -1, .nranges = 1, .range_lo = { f->stranger.grants[0].unit_path }, .limit = 50 };
	struct movement *items;
	int n;
	int64_t total;
	assert_int_equal(movements_list(f->db, &f->a, &q, &items, &n, &total), E_OK);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].code, "DVK");
	q.range_lo[0] = f->officer.grants[0].unit_path;
	assert_int_equal(movements_list(f->db, &f->a, &q, &items, &n, &total), E_OK);
	assert_int_equal(total, 2);
	/* a stranger outside the authority cannot create one for the town */
	in.code = "D2";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_create(f->db, &f->stranger, &in, &fe, &id), E_FORBIDDEN);
	/* bad dates and kind */
	struct movement_in bad = { .code = "D3", .title = "X", .kind = "party", .authority_id = f->town, .starts_on = "2025-02-30",
				   .ends_on = "2024-12-31", .register_by = "2026-01-01" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_create(f->db, &f->officer, &bad, &fe, &id), E_INVALID);
	assert_string_equal(fe.field[0], "kind");
	assert_string_equal(fe.field[1], "starts_on");
	assert_string_equal(fe.field[2], "register_by");
	/* a movement belongs to a campaign only, and cannot be its own grandparent:
	 * campaign C1 holds campaign C2, so C1 under C2 is a loop */
	struct movement_in c1 = { .code = "C1", .title = "Đợt 1", .kind = "campaign", .authority_id = f->town, .parent_id = 0,
				  .starts_on = "2025-01-01", .ends_on = "2025-12-31", .register_by = "2025-03-31" };
	int64_t c1_id, c2_id;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_create(f->db, &f->officer, &c1, &fe, &c1_id), E_OK);
	struct movement_in c2 = c1;
	c2.code = "C2";
	c2.parent_id = c1_id;
	assert_int_equal(movements_create(f->db, &f->officer, &c2, &fe, &c2_id), E_OK);
	struct movement_in under_thematic = c1;
	under_thematic.code = "C3";
	movements_find_code(f->db, "D1", &id);
	under_thematic.parent_id = id;
	int64_t c3_id;
	assert_int_equal(movements_create(f->db, &f->officer, &under_thematic, &fe, &c3_id), E_INVALID);
	assert_string_equal(fe.field[0], "parent_id");
	assert_string_equal(fe.msg[0], "A movement can only belong to a campaign (a special emulation campaign)");
	struct movement_in loop = { .parent_id = c2_id, .authority_id = -1 };
	struct movement *dm;
	movements_get(f->db, &f->a, c1_id, &dm);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(movements_update(f->db, &f->officer, c1_id, dm->version, &loop, &fe), E_INVALID);
	assert_string_equal(fe.field[0], "parent_id");
	assert_string_equal(fe.msg[0], "A movement cannot be under itself");
}

static void test_scope_and_reporters(void **state)
{
	struct fx *f = *state;
	/* outside the scope: refused with the reason */
	struct field_errors fe = { 0 };
	struct registration_in in = { .unit_id = f->other, .planned_models = -1, .active = -1 };
	int64_t id;
	assert_int_equal(registrations_create(f->db, &auth_system, f->mv, &in, &fe, &id), E_INVALID);
	assert_string_equal(fe.msg[0], "This unit is not invited to the movement");
	/* a reporter registers their own unit, not another */
	reg(f, &f->reporter, f->ward1, E_FORBIDDEN);
	int64_t g = reg(f, &f->reporter, f->ward2, E_OK);
	assert_true(g > 0);
	reg(f, &f->reporter, f->ward2, E_INVALID); /* twice */
	/* a model of an unregistered unit is refused */
	model(f, &f->officer, f->ward1, "X1", "economy", E_INVALID);
	/* a field the movement does not have */
	model(f, &f->reporter, f->ward2, "X1", "health", E_INVALID);
	int64_t md = model(f, &f->reporter, f->ward2, "LH-01", "economy", E_OK);
	/* another unit's reporter can neither see nor touch it */
	struct model *d;
	assert_int_equal(models_get(f->db, &f->a, md, &d), E_OK);
	assert_false(model_readable(f->db, &f->stranger, d));
	assert_true(model_readable(f->db, &f->officer, d));
	report(f, &f->stranger, md, "2024-05-01", "vnd", 1, E_NOTFOUND);
	report(f, &f->reporter, md, "2024-05-01", "vnd", 75000000, E_OK);
	/* results are checked */
	report(f, &f->reporter, md, "2024-05-01", "sim4g_pct", 101, E_INVALID);
	report(f, &f->reporter, md, "2024-05-01", "nope", 1, E_INVALID);
	report(f, &f->reporter, md, "2999-01-01", "vnd", 1, E_INVALID);
	/* only the organiser assesses */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_assess(f->db, &f->reporter, md, 1, "effective", "Tốt", &fe), E_FORBIDDEN);
	/* typical needs effective first, and a citation */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_set_typical(f->db, &f->officer, md, 1, 1, "Tiêu biểu", NULL, &fe), E_INVALID);
	assert_string_equal(fe.field[0], "typical");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_assess(f->db, &f->officer, md, 1, "effective", "Tốt", &fe), E_OK);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_set_typical(f->db, &f->officer, md, 2, 1, "", NULL, &fe), E_INVALID);
	assert_string_equal(fe.field[0], "citation");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_set_typical(f->db, &f->officer, md, 2, 1, "Mô hình tiêu biểu", NULL, &fe), E_OK);
	/* once assessed the reporter can no longer edit it */
	struct model_in edit = { .title = "Đổi tên", .owner_unit_id = -1, .owner_person_id = -1, .active = -1 };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(models_update(f->db, &f->reporter, md, 3, &edit, &fe), E_STATE);
	/* replication: another unit adopts it */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(replications_add(f->db, &f->officer, md, f->ward2, "2024-09-01", NULL, &fe, &id), E_INVALID);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(replications_add(f->db, &f->officer, md, f->ward1, "2024-09-01", "Nhân rộng", &fe, &id), E_OK);
	assert_int_equal(models_get(f->db, &f->a, md, &d), E_OK);
	assert_int_equal(d->replications, 1);
	assert_int_equal(d->typical, 1);
	assert_string_equal(d->citation, "Mô hình tiêu biểu");
	/* public typical examples: only of non-draft movements */
	struct model_query pq = { .public_only = 1, .typical = 1, .limit = 50 };
	struct model *items;
	int n;
	int64_t total;
	assert_int_equal(models_list(f->db, &f->a, &pq, &items, &n, &total), E_OK);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].code, "LH-01");
}

static void test_deadline(void **state)
{
	struct fx *f = *state;
	struct movement *m;
	assert_int_equal(movements_get(f->db, &f->a, f->mv, &m), E_OK);
	/* the deadline moves into the past */
	struct movement_in in = { .register_by = "2024-03-31", .authority_id = -1, .parent_id = -1 };
	struct field_errors fe = { 0 };
	assert_int_equal(movements_update(f->db, &f->officer, f->mv, m->version, &in, &fe), E_OK);
	reg(f, &f->reporter, f->ward2, E_STATE);
	/* an officer registers on the unit's behalf: marked late, and the audit says so */
	int64_t g = reg(f, &f->officer, f->ward2, E_OK);
	struct registration *r;
	assert_int_equal(registrations_get(f->db, &f->a, g, &r), E_OK);
	assert_int_equal(r->late, 1);
	struct stmt *st = db_query(f->db, "SELECT login, note FROM audit_log WHERE entity = 'registration' AND entity_id = $1", "i", g);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_text(st, 0), "officer");
	assert_string_equal(db_text(st, 1), "registered after the deadline of 2024-03-31 by an officer on the unit's behalf");
	db_done(st);
	/* a reporter may not backdate */
	memset(&fe, 0, sizeof fe);
	struct registration_in back = { .unit_id = f->ward2, .registered_on = "2024-01-10", .planned_models = -1, .active = -1 };
	int64_t id;
	assert_int_equal(registrations_create(f->db, &f->reporter, f->mv, &back, &fe, &id), E_INVALID);
	assert_string_equal(fe.field[0], "registered_on");
}

static void test_dashboard_totals(void **state)
{
	struct fx *f = *state;
	reg(f, &auth_system, f->ward1, E_OK);
	reg(f, &auth_system, f->ward2, E_OK);
	reg(f, &auth_system, f->hamlet, E_OK);
	int64_t a = model(f, &auth_system, f->ward1, "A", "economy", E_OK);
	int64_t b = model(f, &auth_system, f->ward1, "B", "digital_transformation", E_OK);
	int64_t c = model(f, &auth_system, f->ward2, "C", "economy", E_OK);
	int64_t d = model(f, &auth_system, f->hamlet, "D", "economy", E_OK);
	/* amounts add up over reports; a rate is the latest report */
	report(f, &auth_system, a, "2024-04-01", "vnd", 180000000, E_OK);
	report(f, &auth_system, a, "2024-05-01", "vnd", 200000000, E_OK);
	report(f, &auth_system, b, "2024-06-01", "sim4g_pct", 90, E_OK);
	report(f, &auth_system, b, "2024-09-01", "sim4g_pct", 96, E_OK);
	report(f, &auth_system, b, "2024-07-01", "sim4g_pct", 50, E_OK); /* older: does not replace 96 */
	report(f, &auth_system, c, "2024-05-01", "vnd", 75000000, E_OK);
	report(f, &auth_system, c, "2024-05-01", "length_m", 120, E_OK);
	report(f, &auth_system, d, "2024-08-01", "vnd", 352000000, E_OK);
	report(f, &auth_system, d, "2024-08-01", "length_m", 326, E_OK);

	struct movement *m;
	assert_int_equal(movements_get(f->db, &f->a, f->mv, &m), E_OK);
	struct dash_query q = { .movement_id = f->mv };
	struct dashboard dash;
	assert_int_equal(dashboard_build(f->db, &f->a, m, &q, &dash), E_OK);
	assert_int_equal(dash.registrations, 3);
	assert_int_equal(dash.models, 4);
	assert_int_equal(dash.registered, 4);
	/* metric 0 vnd, 1 length_m, 2 sim4g_pct */
	assert_true(dash_value(&m->metrics[0], &dash.total[0]) == 807000000.0);
	assert_true(dash_value(&m->metrics[1], &dash.total[1]) == 446.0);
	assert_true(dash_value(&m->metrics[2], &dash.total[2]) == 96.0);
	/* by field: economy 3 models, digital 1 */
	assert_string_equal(dash.by_field[0].key, "economy");
	assert_int_equal(dash.by_field[0].n, 3);
	assert_int_equal(dash.by_field[1].n, 1);
	assert_true(dash.field_total[0][0].sum == 807000000.0);
	/* units: the town (ancestor in scope), ward1, ward2, hamlet; the province is outside the scope */
	assert_int_equal(dash.nunits, 4);
	assert_int_equal(dash.units[0].id, f->town);
	assert_int_equal(dash.units[0].models_sub, 4);
	assert_true(dash.units[0].sub[0].sum == 807000000.0);
	for (int i = 0; i < dash.nunits; i++) {
		if (dash.units[i].id == f->ward2) {
			/* Liên Hòa's subtree = its own + village 1's */
			assert_true(dash.units[i].own[0].sum == 75000000.0);
			assert_true(dash.units[i].sub[0].sum == 75000000.0 + 352000000.0);
			assert_true(dash.units[i].sub[1].sum == 446.0);
			assert_int_equal(dash.units[i].models_sub, 2);
		}
		if (dash.units[i].id == f->ward1) assert_true(dash.units[i].sub[0].sum == 380000000.0);
	}
	/* two levels shown: the village leaves the list, its figures stay in Liên Hòa's */
	struct dash_query q3 = { .movement_id = f->mv, .levels = 2 };
	assert_int_equal(dashboard_build(f->db, &f->a, m, &q3, &dash), E_OK);
	assert_int_equal(dash.nunits, 3);
	for (int i = 0; i < dash.nunits; i++) {
		assert_true(dash.units[i].id != f->hamlet);
		if (dash.units[i].id == f->ward2) assert_true(dash.units[i].sub[0].sum == 427000000.0);
	}
	assert_true(dash.units[0].sub[0].sum == 807000000.0);
	/* the subtree filter and a period */
	struct dash_query q2 = { .movement_id = f->mv, .under = f->ward2, .from = "2024-05-01", .to = "2024-05-31" };
	assert_int_equal(dashboard_build(f->db, &f->a, m, &q2, &dash), E_OK);
	assert_int_equal(dash.registrations, 2);
	assert_int_equal(dash.models, 2);
	assert_true(dash.total[0].sum == 75000000.0);
	/* the same totals straight from SQL */
	double direct = 0;
	struct stmt *st = db_query(f->db, "SELECT sum(value) FROM model_results WHERE metric_id = $1", "i", m->metrics[0].id);
	if (db_step(st) == DB_ROW) direct = db_double(st, 0);
	db_done(st);
	assert_true(direct == 807000000.0);
}

/* Writing a model or a report costs the same however many models the
** movement already has (issue 8, defect 1: each new model counted the
** movement's and the registration's models, so a 100 000-row import took 21
** minutes). Measured in SQLite's virtual-machine steps, which do not depend
** on the machine's speed. */
static void test_writes_do_not_grow_with_the_movement(void **state)
{
	struct fx *f = *state;
	reg(f, &f->officer, f->ward1, E_OK);
	char code[32];
	int64_t steps[2] = { 0, 0 }, rsteps[2] = { 0, 0 };
	int n = 0;
	for (int round = 0; round < 2; round++) {
		int upto = round == 0 ? 20 : 3000;
		assert_int_equal(db_begin(f->db), DB_OK);
		for (; n < upto; n++) {
			snprintf(code, sizeof code, "W-%d", n);
			model(f, &f->officer, f->ward1, code, "economy", E_OK);
		}
		assert_int_equal(db_commit(f->db), DB_OK);
		snprintf(code, sizeof code, "W-%d", n++);
		uint64_t before = db_vm_steps(f->db);
		int64_t id = model(f, &f->officer, f->ward1, code, "economy", E_OK);
		steps[round] = (int64_t)(db_vm_steps(f->db) - before);
		before = db_vm_steps(f->db);
		report(f, &f->officer, id, "2024-05-01", "vnd", 1000, E_OK);
		rsteps[round] = (int64_t)(db_vm_steps(f->db) - before);
	}
	/* the same work with 21 and with 3 001 models (a full count would be 150 times more) */
	if (steps[1] > steps[0] + steps[0] / 10 || rsteps[1] > rsteps[0] + rsteps[0] / 10)
		fail_msg("a model costs %lld steps with 21 models and %lld with 3001; a report %lld and %lld", (long long)steps[0],
			 (long long)steps[1], (long long)rsteps[0], (long long)rsteps[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_staging_only_in_a_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draft_needs_scope_and_is_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_and_reporters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_do_not_grow_with_the_movement, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
