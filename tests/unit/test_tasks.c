/* Unit tests of task monitoring (src/tasks/): the status taxonomy at its
** edges (due today, done on the deadline, a day after, done before the date
** asked but after the deadline, a returned completion, an extended deadline
** before and after the extension was recorded, a task with no deadline, a
** completion accepted after the date asked, an acceptance withdrawn by a
** reopening), the counts in SQL equal to the
** status of each task, roll-ups equal to the sum of their parts, bad input
** refused with nothing written, the reminders' recipients, and the
** seed-003 figures of the demo.
** Against a fresh SQLite file, or PostgreSQL under make test-pg-unit. */
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
#include "tasks/tasks.h"
#include "units/units.h"
#include "users/users.h"
#include "fixture.h"
#include "fixture_units.h"
#include "web/roles.h"
#include "tmpdir.h"

struct fx {
	char path[64];
	struct db *db;
	struct arena a;
	int64_t vn, prov, office, dept, ward, other;
	struct user officer, reporter, other_reporter;
	int64_t programme;
	int serial;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "tasks", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->vn = fixture_unit(f->db, "VN", "Việt Nam", "country", 0);
	f->prov = fixture_unit(f->db, "T-CM", "Tỉnh Cà Mau", "province", f->vn);
	f->office = fixture_unit(f->db, "T-CM-BCD", "Ban Chỉ đạo", "agency", f->prov);
	f->dept = fixture_unit(f->db, "T-CM-SKHCN", "Sở Khoa học và Công nghệ", "department", f->prov);
	f->ward = fixture_unit(f->db, "CM-P-AX", "Phường An Xuyên", "ward", f->prov);
	f->other = fixture_unit(f->db, "T-SL", "Tỉnh Sơn La", "province", f->vn);
	fixture_grant(f->db, &f->a, &f->officer, "officer", ROLE_OFFICER, f->office);
	fixture_grant(f->db, &f->a, &f->reporter, "reporter", ROLE_REPORTER, f->dept);
	fixture_grant(f->db, &f->a, &f->other_reporter, "other", ROLE_REPORTER, f->ward);
	struct programme_in in = { .code = "NQ57", .title = "Nghị quyết 57", .owner_id = f->office, .legal_source = "57-NQ/TW" };
	struct field_errors fe = { 0 };
	if (programmes_create(f->db, &f->officer, &in, &fe, &f->programme) != E_OK) return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->a);
	fixture_db_remove(f->db, f->path);
	free(f);
	return 0;
}

static int64_t task(struct fx *f, const char *assigned, const char *due)
{
	char code[20];
	snprintf(code, sizeof code, "T%d", ++f->serial);
	struct task_in in = { .programme_id = f->programme, .code = code, .title = "Nhiệm vụ", .assigner_id = f->office, .lead_id = f->dept,
			      .assigned_on = assigned, .due_on = due };
	struct field_errors fe = { 0 };
	int64_t id = 0;
	assert_int_equal(tasks_create(f->db, &f->officer, &in, &fe, &id), E_OK);
	return id;
}

static int64_t version(struct fx *f, int64_t id)
{
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-01-01", &t), E_OK);
	return t->version;
}

static void done(struct fx *f, int64_t id, const char *done_on, const char *accepted_on)
{
	struct field_errors fe = { 0 };
	assert_int_equal(tasks_complete(f->db, &f->reporter, id, done_on, "Báo cáo", NULL, done_on, &fe, NULL), E_OK);
	assert_int_equal(tasks_review(f->db, &f->officer, id, version(f, id), 1, NULL, accepted_on, &fe), E_OK);
}

/* the status of a task as of a date, by tasks_get (C) and by tasks_list (SQL), which must agree */
static const char *status(struct fx *f, int64_t id, const char *as_of, int64_t *days_late)
{
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, as_of, &t), E_OK);
	struct task_query q = { .programme_id = f->programme, .as_of = as_of };
	struct task_counts c;
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	struct task *items;
	int n;
	int64_t total;
	assert_int_equal(tasks_list(f->db, &f->a, &q, &items, &n, &total), E_OK);
	int found = 0;
	for (int i = 0; i < n; i++)
		if (items[i].id == id) {
			assert_int_equal(items[i].status, t->status);
			found = 1;
		}
	assert_int_equal(found, t->status != TS_NONE);
	/* the SQL status filter finds it under the same status */
	if (t->status) {
		q.status = t->status;
		assert_int_equal(tasks_list(f->db, &f->a, &q, &items, &n, &total), E_OK);
		found = 0;
		for (int i = 0; i < n; i++) found |= items[i].id == id;
		assert_true(found);
		assert_int_equal(total, c.n[t->status]);
	}
	if (days_late) *days_late = t->days_late;
	return task_status_names[t->status];
}

static void test_due_today(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30"), late = -1;
	assert_string_equal(status(f, id, "2025-06-30", &late), "not_due");
	assert_int_equal(late, 0);
	assert_string_equal(status(f, id, "2025-07-01", &late), "overdue");
	assert_int_equal(late, 1);
	assert_string_equal(status(f, id, "2025-01-09", NULL), ""); /* not yet assigned: not counted */
}

static void test_done_on_deadline(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30"), late = -1;
	done(f, id, "2025-06-30", "2025-07-02");
	/* accepted on 2 July: not done before; overdue on 1 July */
	assert_string_equal(status(f, id, "2025-06-30", NULL), "not_due");
	assert_string_equal(status(f, id, "2025-07-01", NULL), "overdue");
	assert_string_equal(status(f, id, "2025-07-02", &late), "done_on_time");
	assert_int_equal(late, 0);
}

static void test_done_day_after(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30"), late = -1;
	done(f, id, "2025-07-01", "2025-07-01");
	assert_string_equal(status(f, id, "2025-07-01", &late), "done_late");
	assert_int_equal(late, 1);
}

static void test_done_before_as_of_after_deadline(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-03-31"), late = -1;
	done(f, id, "2025-05-15", "2025-05-20");
	assert_string_equal(status(f, id, "2025-05-19", &late), "overdue");
	assert_int_equal(late, 49);
	assert_string_equal(status(f, id, "2025-09-30", &late), "done_late");
	assert_int_equal(late, 45);
}

static void test_returned(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30");
	struct field_errors fe = { 0 };
	assert_int_equal(tasks_complete(f->db, &f->reporter, id, "2025-06-20", NULL, NULL, "2025-06-20", &fe, NULL), E_OK);
	/* returning needs a comment */
	assert_int_equal(tasks_review(f->db, &f->officer, id, version(f, id), 0, NULL, "2025-06-25", &fe), E_INVALID);
	assert_string_equal(fe.field[0], "comment");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_review(f->db, &f->officer, id, version(f, id), 0, "Thiếu sản phẩm", "2025-06-25", &fe), E_OK);
	assert_string_equal(status(f, id, "2025-06-30", NULL), "not_due");
	assert_string_equal(status(f, id, "2025-07-05", NULL), "overdue");
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-07-05", &t), E_OK);
	assert_string_equal(t->state, "open");
	assert_string_equal(t->reports[0].review, "returned");
	assert_string_equal(t->reports[0].review_comment, "Thiếu sản phẩm");
	/* a second completion, accepted: done late */
	done(f, id, "2025-07-03", "2025-07-04");
	assert_string_equal(status(f, id, "2025-07-05", NULL), "done_late");
}

static void test_extended(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30"), late = -1;
	struct field_errors fe = { 0 };
	/* only the assigning office extends, with a reason, to a later date */
	assert_int_equal(tasks_extend(f->db, &f->reporter, id, version(f, id), "2025-12-31", "Chờ hướng dẫn", "2025-07-10", &fe), E_FORBIDDEN);
	assert_int_equal(tasks_extend(f->db, &f->officer, id, version(f, id), "2025-12-31", NULL, "2025-07-10", &fe), E_INVALID);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_extend(f->db, &f->officer, id, version(f, id), "2025-06-01", "Lý do", "2025-07-10", &fe), E_INVALID);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_extend(f->db, &f->officer, id, version(f, id) - 1, "2025-12-31", "Lý do", "2025-07-10", &fe), E_CONFLICT);
	assert_int_equal(tasks_extend(f->db, &f->officer, id, version(f, id), "2025-12-31", "Chờ hướng dẫn", "2025-07-10", &fe), E_OK);
	/* before the extension was recorded, the old deadline is the one in force */
	assert_string_equal(status(f, id, "2025-07-09", &late), "overdue");
	assert_int_equal(late, 9);
	/* from the day it was recorded, the new one */
	assert_string_equal(status(f, id, "2025-07-10", NULL), "not_due");
	assert_string_equal(status(f, id, "2026-01-01", NULL), "overdue");
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-07-09", &t), E_OK);
	assert_string_equal(t->due_at, "2025-06-30");
	assert_string_equal(t->due_original, "2025-06-30");
	assert_string_equal(t->due_on, "2025-12-31");
	assert_int_equal(t->nextensions, 1);
	assert_string_equal(t->extensions[0].due_before, "2025-06-30");
	/* a second extension: each date sees its own deadline */
	assert_int_equal(tasks_extend(f->db, &f->officer, id, version(f, id), "2026-03-31", "Bổ sung kinh phí", "2025-11-01", &fe), E_OK);
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-07-09", &t), E_OK);
	assert_string_equal(t->due_at, "2025-06-30");
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-10-31", &t), E_OK);
	assert_string_equal(t->due_at, "2025-12-31");
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-11-01", &t), E_OK);
	assert_string_equal(t->due_at, "2026-03-31");
	/* done before the first deadline ran out? no: done in Feb 2026, on time against the deadline in force */
	done(f, id, "2026-02-01", "2026-02-02");
	assert_string_equal(status(f, id, "2026-02-02", NULL), "done_on_time");
	assert_string_equal(status(f, id, "2025-07-09", NULL), "overdue");
}

static void test_reopened(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", "2025-06-30"), late = -1;
	struct field_errors fe = { 0 };
	/* only a task done is reopened */
	assert_int_equal(tasks_reopen(f->db, &f->officer, id, version(f, id), "Sai sót", "2025-06-01", &fe), E_STATE);
	memset(&fe, 0, sizeof fe);
	done(f, id, "2025-06-20", "2025-06-25");
	/* by the assigning office only, with a reason, on the current version */
	assert_int_equal(tasks_reopen(f->db, &f->reporter, id, version(f, id), "Sai sót", "2025-08-01", &fe), E_FORBIDDEN);
	assert_int_equal(tasks_reopen(f->db, &f->officer, id, version(f, id), NULL, "2025-08-01", &fe), E_INVALID);
	assert_string_equal(fe.field[0], "reason");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_reopen(f->db, &f->officer, id, version(f, id) - 1, "Sai sót", "2025-08-01", &fe), E_CONFLICT);
	assert_int_equal(tasks_reopen(f->db, &f->officer, id, version(f, id), "Sản phẩm chưa đạt yêu cầu", "2025-08-01", &fe), E_OK);
	/* done from its acceptance to the day before the reopening, overdue from then on */
	assert_string_equal(status(f, id, "2025-06-24", NULL), "not_due");
	assert_string_equal(status(f, id, "2025-06-25", &late), "done_on_time");
	assert_string_equal(status(f, id, "2025-07-31", &late), "done_on_time");
	assert_int_equal(late, 0);
	assert_string_equal(status(f, id, "2025-08-01", &late), "overdue");
	assert_int_equal(late, 32);
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-08-01", &t), E_OK);
	assert_string_equal(t->state, "open");
	assert_null(t->accepted_on);
	assert_string_equal(t->reopened_on, "2025-08-01");
	assert_int_equal(t->nreopenings, 1);
	assert_string_equal(t->reopenings[0].done_on, "2025-06-20");
	assert_string_equal(t->reopenings[0].accepted_on, "2025-06-25");
	assert_string_equal(t->reopenings[0].reason, "Sản phẩm chưa đạt yêu cầu");
	assert_string_equal(t->reopenings[0].by, "officer");
	/* reported again, late, and accepted: done late from then; the first acceptance still counts for its days */
	done(f, id, "2025-08-10", "2025-08-12");
	assert_string_equal(status(f, id, "2025-08-11", &late), "overdue");
	assert_int_equal(late, 42);
	assert_string_equal(status(f, id, "2025-08-12", &late), "done_late");
	assert_int_equal(late, 41);
	assert_string_equal(status(f, id, "2025-07-01", NULL), "done_on_time");
	/* reopened a second time, the same day as accepted: never done on that day */
	assert_int_equal(tasks_reopen(f->db, &f->officer, id, version(f, id), "Lần hai", "2025-08-12", &fe), E_OK);
	assert_string_equal(status(f, id, "2025-08-12", NULL), "overdue");
	assert_string_equal(status(f, id, "2025-08-11", NULL), "overdue");
	assert_string_equal(status(f, id, "2025-07-01", NULL), "done_on_time");
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-08-12", &t), E_OK);
	assert_int_equal(t->nreopenings, 2);
	/* the dashboard's pass finds the withdrawn acceptances as the SQL does */
	struct task_query q = { .programme_id = f->programme, .as_of = "2025-08-12" };
	struct task_dashboard *d = arena_alloc(&f->a, sizeof *d);
	assert_int_equal(tasks_dashboard(f->db, &f->a, &q, "2025-01-10", "2025-07-01", d), E_OK);
	struct task_counts c;
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	assert_memory_equal(&d->now, &c, sizeof c);
	assert_int_equal(d->now.n[TS_OVERDUE], 1);
	q.as_of = "2025-07-01";
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	assert_memory_equal(&d->prev, &c, sizeof c);
	assert_int_equal(d->prev.n[TS_DONE_ON_TIME], 1);
	assert_string_equal(d->quarter[1], "2025-06-30");
	assert_int_equal(d->qcounts[1].n[TS_DONE_ON_TIME], 1);
	assert_int_equal(d->nunits, 1);
	assert_int_equal(d->units[0].c.n[TS_OVERDUE], 1);
	/* the audit keeps each reopening with its reason */
	int64_t audits = 0;
	assert_int_equal(db_int1(f->db, &audits, "SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = $1 AND action = 'reopen'", "i", id),
			 DB_ROW);
	assert_int_equal(audits, 2);
}

/* the header lines of an outbox file that start with name (unfolded), or "" */
static void header_of(const char *file, const char *name, char *out, size_t n)
{
	*out = 0;
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	char line[2048];
	int in = 0;
	size_t len = 0;
	while (fgets(line, sizeof line, f)) {
		if (!strcmp(line, "\r\n")) break;
		line[strcspn(line, "\r\n")] = 0;
		if (in && line[0] == ' ') { len += (size_t)snprintf(out + len, n - len, "%s", line); continue; }
		in = !strncmp(line, name, strlen(name));
		if (in) len = (size_t)snprintf(out, n, "%s", line);
	}
	fclose(f);
}

static void role_row(struct fx *f, const struct user *u, const char *role, int64_t unit)
{
	assert_int_equal(db_exec(f->db, "INSERT INTO user_roles (user_id, role, unit_id) VALUES ($1, $2, $3)", "iti", u->id, role, unit), DB_OK);
}

static void test_remind_recipients(void **state)
{
	struct fx *f = *state;
	/* the department's reporter and a reporter of the whole province have an e-mail; the ward's reporter has none;
	** a viewer of the department (no report permission) and a disabled reporter have one and get nothing */
	struct user prov_rep, viewer, gone;
	fixture_grant(f->db, &f->a, &prov_rep, "prov", ROLE_REPORTER, f->prov);
	fixture_grant(f->db, &f->a, &viewer, "viewer", ROLE_VIEWER, f->dept);
	fixture_grant(f->db, &f->a, &gone, "gone", ROLE_REPORTER, f->dept);
	role_row(f, &f->reporter, "reporter", f->dept);
	role_row(f, &f->other_reporter, "reporter", f->ward);
	role_row(f, &prov_rep, "reporter", f->prov);
	role_row(f, &viewer, "viewer", f->dept);
	role_row(f, &gone, "reporter", f->dept);
	assert_int_equal(users_set_email(f->db, &auth_system, f->reporter.id, "skhcn@camau.example"), E_OK);
	assert_int_equal(users_set_email(f->db, &auth_system, prov_rep.id, "tonghop@camau.example"), E_OK);
	assert_int_equal(users_set_email(f->db, &auth_system, viewer.id, "viewer@camau.example"), E_OK);
	assert_int_equal(users_set_email(f->db, &auth_system, gone.id, "gone@camau.example"), E_OK);
	assert_int_equal(users_disable(f->db, &auth_system, gone.id, "gone"), E_OK);
	/* not an address: refused, nothing written */
	assert_int_equal(users_set_email(f->db, &auth_system, f->other_reporter.id, "a@b.example>\r\nBcc: x@y.example"), E_INVALID);
	assert_int_equal(users_set_email(f->db, &auth_system, f->other_reporter.id, "khong-phai-dia-chi"), E_INVALID);
	int64_t n = -1;
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM users WHERE email IS NOT NULL", ""), DB_ROW);
	assert_int_equal(n, 4);
	/* overdue on 1 July: one task of the department, one of the ward, one of the other province */
	task(f, "2025-01-10", "2025-06-30");
	struct task_in in = { .programme_id = f->programme, .code = "W1", .title = "Phường", .assigner_id = f->office, .lead_id = f->ward,
			      .assigned_on = "2025-01-10", .due_on = "2025-06-30" };
	struct field_errors fe = { 0 };
	int64_t id;
	assert_int_equal(tasks_create(f->db, &f->officer, &in, &fe, &id), E_OK);
	in.code = "SL1";
	in.lead_id = f->other; /* another province: the administrator gives it (a committee of Cà Mau may not) */
	assert_int_equal(tasks_create(f->db, &f->officer, &in, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "lead_code"), "This is outside the units you may work on");
	fe.n = 0;
	assert_int_equal(tasks_create(f->db, &auth_system, &in, &fe, &id), E_OK);
	char dir[160];
	snprintf(dir, sizeof dir, "%s/thidua-remind-XXXXXX", test_tmpdir());
	assert_non_null(mkdtemp(dir));
	struct remind_report rep;
	assert_int_equal(tasks_remind(f->db, "2025-07-01", 7, dir, &rep), E_OK);
	assert_int_equal(rep.messages, 3);
	assert_int_equal(rep.placeholders, 1);
	/* the same day again (serve checks every hour): nothing new, the same counts from the reminders kept */
	struct remind_report again;
	assert_int_equal(tasks_remind(f->db, "2025-07-01", 7, dir, &again), E_OK);
	assert_int_equal(again.messages, 0);
	assert_int_equal(again.units, 3);
	assert_int_equal(again.units, rep.units);
	assert_int_equal(again.overdue, rep.overdue);
	assert_int_equal(again.due_soon, rep.due_soon);
	char file[256], to[2048], note[512];
	/* the department: its reporter and the province's, by address */
	snprintf(file, sizeof file, "%s/2025-07-01-T-CM-SKHCN.eml", dir);
	header_of(file, "To: ", to, sizeof to);
	assert_string_equal(to, "To: reporter <skhcn@camau.example>, prov <tonghop@camau.example>");
	header_of(file, "X-Thidua-Recipients: ", note, sizeof note);
	assert_string_equal(note, "");
	/* the ward: the province's reporter (its own has no e-mail) */
	snprintf(file, sizeof file, "%s/2025-07-01-CM-P-AX.eml", dir);
	header_of(file, "To: ", to, sizeof to);
	assert_string_equal(to, "To: prov <tonghop@camau.example>");
	/* the other province: nobody with an e-mail, the placeholder, said so */
	snprintf(file, sizeof file, "%s/2025-07-01-T-SL.eml", dir);
	header_of(file, "To: ", to, sizeof to);
	assert_string_equal(to, "To: =?UTF-8?B?VOG7iW5oIFPGoW4gTGE=?= <t-sl@thidua.invalid>");
	header_of(file, "X-Thidua-Recipients: ", note, sizeof note);
	assert_string_equal(note, "X-Thidua-Recipients: none (no user who reports for the unit has an e-mail; map this address to the unit's mailbox)");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_no_deadline(void **state)
{
	struct fx *f = *state;
	int64_t id = task(f, "2025-01-10", NULL);
	assert_string_equal(status(f, id, "2030-01-01", NULL), "not_due");
	done(f, id, "2025-03-01", "2025-03-02");
	assert_string_equal(status(f, id, "2025-03-02", NULL), "done_on_time");
	assert_string_equal(status(f, id, "2025-03-01", NULL), "not_due");
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	struct task_in in = { .programme_id = f->programme, .code = "BAD", .title = "x", .assigner_id = f->office, .lead_id = f->dept,
			      .assigned_on = "2025-05-01", .due_on = "2025-04-30" };
	int64_t id = 0, n = 0;
	assert_int_equal(tasks_create(f->db, &f->officer, &in, &fe, &id), E_INVALID);
	assert_string_equal(fe_get(&fe, "due_on"), "The deadline is before the task was assigned");
	/* a reporter does not assign */
	memset(&fe, 0, sizeof fe);
	in.due_on = "2025-06-30";
	assert_int_equal(tasks_create(f->db, &f->reporter, &in, &fe, &id), E_FORBIDDEN);
	id = task(f, "2025-01-10", "2025-06-30");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_progress(f->db, &f->reporter, id, 101, "quá", "2025-02-01", &fe, NULL), E_INVALID);
	assert_string_equal(fe_get(&fe, "percent"), "Must be from 0 to 100");
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_complete(f->db, &f->reporter, id, "2025-02-02", NULL, NULL, "2025-02-01", &fe, NULL), E_INVALID);
	assert_string_equal(fe_get(&fe, "done_on"), "The completion date is in the future");
	/* someone else's task */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_progress(f->db, &f->other_reporter, id, 50, NULL, "2025-02-01", &fe, NULL), E_FORBIDDEN);
	assert_int_equal(tasks_complete(f->db, &f->other_reporter, id, "2025-02-01", NULL, NULL, "2025-02-01", &fe, NULL), E_FORBIDDEN);
	/* the reporter does not accept their own completion */
	assert_int_equal(tasks_complete(f->db, &f->reporter, id, "2025-02-01", NULL, NULL, "2025-02-01", &fe, NULL), E_OK);
	assert_int_equal(tasks_review(f->db, &f->reporter, id, version(f, id), 1, NULL, "2025-02-01", &fe), E_FORBIDDEN);
	/* nothing half-written: one report (the completion), the task still 0% and submitted */
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM task_reports WHERE task_id = $1", "i", id), DB_ROW);
	assert_int_equal(n, 1);
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, id, "2025-02-01", &t), E_OK);
	assert_int_equal(t->percent, 0);
	assert_string_equal(t->state, "submitted");
	/* a second completion while one waits */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(tasks_complete(f->db, &f->reporter, id, "2025-02-01", NULL, NULL, "2025-02-01", &fe, NULL), E_STATE);
	assert_int_equal(db_int1(f->db, &n, "SELECT count(*) FROM tasks WHERE code = 'BAD'", ""), DB_ROW);
	assert_int_equal(n, 0);
}

static void test_subtasks_roll_up(void **state)
{
	struct fx *f = *state;
	int64_t parent = task(f, "2025-01-10", "2025-12-31");
	int64_t kids[3];
	for (int i = 0; i < 3; i++) {
		char code[20];
		snprintf(code, sizeof code, "P1.%d", i + 1);
		struct task_in in = { .programme_id = f->programme, .parent_id = parent, .code = code, .title = "Nhiệm vụ con",
				      .assigner_id = f->office, .lead_id = f->dept, .assigned_on = "2025-01-10", .due_on = "2025-06-30" };
		struct field_errors fe = { 0 };
		assert_int_equal(tasks_create(f->db, &f->officer, &in, &fe, &kids[i]), E_OK);
	}
	struct field_errors fe = { 0 };
	assert_int_equal(tasks_progress(f->db, &f->reporter, kids[0], 90, NULL, "2025-03-01", &fe, NULL), E_OK);
	assert_int_equal(tasks_progress(f->db, &f->reporter, kids[1], 30, NULL, "2025-03-01", &fe, NULL), E_OK);
	struct task *t;
	assert_int_equal(tasks_get(f->db, &f->a, parent, "2025-03-01", &t), E_OK);
	assert_int_equal(t->percent, 40);
	assert_int_equal(t->nsubtasks, 3);
	/* the parent is not done while a sub-task is open */
	assert_int_equal(tasks_complete(f->db, &f->reporter, parent, "2025-03-01", NULL, NULL, "2025-03-01", &fe, NULL), E_STATE);
	for (int i = 0; i < 3; i++) done(f, kids[i], "2025-04-01", "2025-04-02");
	assert_int_equal(tasks_get(f->db, &f->a, parent, "2025-04-02", &t), E_OK);
	assert_int_equal(t->percent, 100);
	done(f, parent, "2025-04-03", "2025-04-03");
	struct task_query q = { .programme_id = f->programme, .as_of = "2025-04-03" };
	struct task_counts c;
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	assert_int_equal(c.total, 4);
	assert_int_equal(c.n[TS_DONE_ON_TIME], 4);
}

/* the counts of a subtree are the sum of its units', the programme's the sum of all */
static void test_roll_ups(void **state)
{
	struct fx *f = *state;
	const char *dates[][2] = { { "2025-01-10", "2025-03-31" }, { "2025-01-10", "2025-12-31" }, { "2025-02-10", NULL }, { "2025-01-10", "2025-06-30" } };
	for (int i = 0; i < 12; i++) {
		char code[20];
		snprintf(code, sizeof code, "R%d", i);
		struct task_in in = { .programme_id = f->programme, .code = code, .title = "Nhiệm vụ", .assigner_id = f->office,
				      .lead_id = i % 3 == 0 ? f->ward : i % 3 == 1 ? f->dept : f->other, .assigned_on = dates[i % 4][0],
				      .due_on = dates[i % 4][1] };
		struct field_errors fe = { 0 };
		int64_t id;
		/* a task of the other province is the administrator's to give */
		assert_int_equal(tasks_create(f->db, in.lead_id == f->other ? &auth_system : &f->officer, &in, &fe, &id), E_OK);
		if (i % 5 == 0) {
			assert_int_equal(tasks_complete(f->db, &auth_system, id, "2025-04-15", NULL, NULL, "2025-04-15", &fe, NULL), E_OK);
			assert_int_equal(tasks_review(f->db, &f->officer, id, version(f, id), 1, NULL, "2025-04-20", &fe), E_OK);
		}
	}
	struct task_query q = { .programme_id = f->programme, .as_of = "2025-05-01" };
	struct task_counts all, sum = { 0 }, prov_sum = { 0 }, prov;
	assert_int_equal(tasks_counts(f->db, &q, &all), E_OK);
	assert_int_equal(all.total, 12);
	/* 5 overdue (due 31 March, not done), 2 done on time, 1 done late */
	assert_int_equal(all.n[TS_OVERDUE], 2);
	assert_int_equal(all.n[TS_DONE_LATE], 1);
	assert_int_equal(all.n[TS_DONE_ON_TIME], 2);
	assert_int_equal(all.n[TS_NOT_DUE], 7);
	struct unit_counts *u;
	int n;
	assert_int_equal(tasks_counts_by_unit(f->db, &f->a, &q, &u, &n), E_OK);
	assert_int_equal(n, 3);
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
	assert_int_equal(units_subtree(f->db, f->prov, lo, hi, sizeof lo), E_OK);
	for (int i = 0; i < n; i++) {
		char path[UNIT_PATH_MAX];
		assert_int_equal(units_path(f->db, u[i].unit_id, path, sizeof path), E_OK);
		int in_prov = strcmp(path, lo) >= 0 && strcmp(path, hi) < 0;
		for (int s = 0; s < TS_N; s++) {
			sum.n[s] += u[i].c.n[s];
			if (in_prov) prov_sum.n[s] += u[i].c.n[s];
		}
		sum.total += u[i].c.total;
		if (in_prov) prov_sum.total += u[i].c.total;
	}
	assert_memory_equal(&sum, &all, sizeof sum);
	q.unit_lo = lo;
	q.unit_hi = hi;
	assert_int_equal(tasks_counts(f->db, &q, &prov), E_OK);
	assert_memory_equal(&prov, &prov_sum, sizeof prov);
	assert_int_equal(prov.total, 8);
	/* the reader's scope limits the counts the same way */
	struct task_query scoped = { .programme_id = f->programme, .as_of = "2025-05-01", .nranges = 1, .range_lo = { lo } };
	struct task_counts sc;
	assert_int_equal(tasks_counts(f->db, &scoped, &sc), E_OK);
	assert_memory_equal(&sc, &prov, sizeof sc);
}

static void test_quarters(void **state)
{
	(void)state;
	char out[11];
	quarter_end_before("2025-10-14", out);
	assert_string_equal(out, "2025-09-30");
	quarter_end_before("2025-02-01", out);
	assert_string_equal(out, "2024-12-31");
	quarter_end_of("2025-05-05", out);
	assert_string_equal(out, "2025-06-30");
	assert_int_equal(task_days_between("2024-02-28", "2024-03-01"), 2);
	task_date_add("2025-12-31", 1, out);
	assert_string_equal(out, "2026-01-01");
}

/* seed 003: 1 132 tasks, 485 done (43%), 561 not yet due, 86 overdue on the meeting date;
** at the end of Q2 2025 fewer done and more overdue */
static void test_seed_003(void **state)
{
	struct fx *f = *state;
	int64_t bcd = fixture_unit(f->db, "T-CAMAU-BCD57", "Ban Chỉ đạo 57 tỉnh Cà Mau", "agency", f->prov);
	(void)bcd;
	const char *codes[] = { "T-CAMAU-SKHCN", "T-CAMAU-VP", "T-CAMAU-SNV", "T-CAMAU-STC", "T-CAMAU-SGDDT", "T-CAMAU-SYT",
				"CM-P-ANXUYEN", "CM-P-TANTHANH", "CM-P-LYVANLAM", "CM-X-TACVAN", "CM-X-DATMUI" };
	for (int i = 0; i < 11; i++) fixture_unit(f->db, codes[i], codes[i], i < 6 ? "department" : "ward", f->prov);
	int n = 0;
	assert_int_equal(tasks_demo_load(f->db, &auth_system, stderr, &n), 0);
	assert_int_equal(n, 1132);
	int64_t id = 0;
	assert_int_equal(programmes_find_code(f->db, "NQ57-CAMAU", &id), E_OK);
	struct task_query q = { .programme_id = id, .as_of = TASKS_SEED_DATE };
	struct task_counts c;
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	assert_int_equal(c.total, 1132);
	assert_int_equal(task_counts_done(&c), 485);
	assert_int_equal(c.n[TS_DONE_ON_TIME], 353);
	assert_int_equal(c.n[TS_DONE_LATE], 132);
	assert_int_equal(c.n[TS_NOT_DUE], 561);
	assert_int_equal(c.n[TS_OVERDUE], 86);
	assert_int_equal((int)(task_counts_done_percent(&c) + 0.5), 43);
	char q2[11];
	quarter_end_before(TASKS_SEED_DATE, q2);
	quarter_end_before(q2, q2);
	assert_string_equal(q2, "2025-06-30");
	q.as_of = q2;
	assert_int_equal(tasks_counts(f->db, &q, &c), E_OK);
	assert_int_equal(c.total, 1132);
	assert_int_equal(task_counts_done(&c), 302);
	assert_int_equal(c.n[TS_NOT_DUE], 705);
	assert_int_equal(c.n[TS_OVERDUE], 125);
	/* the dashboard counts every date in one pass: the same figures */
	struct task_dashboard *d = arena_alloc(&f->a, sizeof *d);
	q.as_of = TASKS_SEED_DATE;
	assert_int_equal(tasks_dashboard(f->db, &f->a, &q, "2025-01-20", "2025-06-30", d), E_OK);
	assert_int_equal(task_counts_done(&d->now), 485);
	assert_int_equal(d->now.n[TS_OVERDUE], 86);
	assert_string_equal(d->previous, "2025-06-30");
	assert_int_equal(task_counts_done(&d->prev), 302);
	assert_int_equal(d->prev.n[TS_OVERDUE], 125);
	assert_int_equal(d->nquarters, 4);
	assert_string_equal(d->quarter[1], "2025-06-30");
	assert_memory_equal(&d->qcounts[1], &c, sizeof c);
	assert_string_equal(d->quarter[3], TASKS_SEED_DATE);
	struct task_query q1 = q;
	q1.as_of = "2025-03-31";
	struct task_counts c1;
	assert_int_equal(tasks_counts(f->db, &q1, &c1), E_OK);
	assert_memory_equal(&d->qcounts[0], &c1, sizeof c1);
	assert_int_equal(d->nunits, 11);
	/* a lead unit's share is the sum of its statuses */
	struct unit_counts *u;
	int nu;
	q.as_of = TASKS_SEED_DATE;
	assert_int_equal(tasks_counts_by_unit(f->db, &f->a, &q, &u, &nu), E_OK);
	assert_int_equal(nu, 11);
	int64_t overdue = 0;
	for (int i = 0; i < nu; i++) overdue += u[i].c.n[TS_OVERDUE];
	assert_int_equal(overdue, 86);
	/* the overdue list's first 20 by deadline, with the dashboard's shortcut or without: the same */
	assert_int_equal(strlen(d->overdue_due_max), 10);
	struct task_query oq = q;
	oq.status = TS_OVERDUE;
	oq.sort = "due";
	oq.limit = TASK_DASHBOARD_OVERDUE;
	struct task *all_od, *short_od;
	int n_all, n_short;
	int64_t t_all, t_short;
	assert_int_equal(tasks_list(f->db, &f->a, &oq, &all_od, &n_all, &t_all), E_OK);
	oq.due_max = d->overdue_due_max;
	oq.known_total = d->now.n[TS_OVERDUE];
	assert_int_equal(tasks_list(f->db, &f->a, &oq, &short_od, &n_short, &t_short), E_OK);
	assert_int_equal(n_all, 20);
	assert_int_equal(n_short, 20);
	assert_int_equal(t_all, 86);
	assert_int_equal(t_short, 86);
	for (int i = 0; i < 20; i++) assert_int_equal(short_od[i].id, all_od[i].id);
	assert_string_equal(all_od[19].due_at, d->overdue_due_max);
	/* the dashboard's units (one pass, in C) are the SQL's, in the same order */
	for (int i = 0; i < nu; i++) {
		assert_int_equal(d->units[i].unit_id, u[i].unit_id);
		assert_string_equal(d->units[i].code, u[i].code);
		assert_memory_equal(&d->units[i].c, &u[i].c, sizeof u[i].c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_due_today, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_on_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_day_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_before_as_of_after_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_returned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remind_recipients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_subtasks_roll_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roll_ups, setup, teardown),
		cmocka_unit_test(test_quarters),
		cmocka_unit_test_setup_teardown(test_seed_003, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
