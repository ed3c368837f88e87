/* Programmes and their tasks (tasks.h): create, read, the lead unit's
** progress and completion, the assigning office's review and extensions,
** evidence files. Every write is one db_tx_begin/db_tx_end with its audit
** row; checks collect every field's error before anything is written. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "tasks_int.h"

const char *const task_status_names[TS_N] = { "", "done_on_time", "done_late", "not_due", "overdue" };

enum task_status task_status_parse(const char *s)
{
	for (int i = 1; s && i < TS_N; i++)
		if (!strcmp(s, task_status_names[i])) return (enum task_status)i;
	return TS_NONE;
}

static void check_text(struct field_errors *fe, const char *field, const char *s, size_t max, int required)
{
	if (!s || !*s) {
		if (required) fe_add(fe, field, N_("Is required"));
		return;
	}
	if (strlen(s) > max) fe_add(fe, field, N_("Is too long"));
	else if (!utf8_valid(s, strlen(s))) fe_add(fe, field, N_("Must be valid text"));
}

static void check_date(struct field_errors *fe, const char *field, const char *s, int required)
{
	if (!s || !*s) {
		if (required) fe_add(fe, field, N_("Is required"));
	} else if (!date_valid(s))
		fe_add(fe, field, N_("Must be a date"));
}

/* ---- programmes ---- */

#define PRG_COLS_PLAIN                                                                                                          \
	"p.id, p.code, p.title, p.kind, p.legal_source, p.description, p.starts_on, p.owner_id, u.code, u.name, u.path, p.version, " \
	"p.created_at, "
#define PRG_COLS PRG_COLS_PLAIN "(SELECT count(*) FROM tasks t WHERE t.programme_id = p.id)"

static void read_programme(struct stmt *st, struct arena *a, struct programme *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_int(st, 0);
	p->code = db_text_dup(st, a, 1);
	p->title = db_text_dup(st, a, 2);
	p->kind = db_text_dup(st, a, 3);
	p->legal_source = db_text_dup(st, a, 4);
	p->description = db_text_dup(st, a, 5);
	p->starts_on = db_text_dup(st, a, 6);
	p->owner_id = db_int(st, 7);
	p->owner_code = db_text_dup(st, a, 8);
	p->owner_name = db_text_dup(st, a, 9);
	p->owner_path = db_text_dup(st, a, 10);
	p->version = db_int(st, 11);
	p->created_at = db_text_dup(st, a, 12);
	p->tasks = db_int(st, 13);
}

int programmes_get(struct db *db, struct arena *a, int64_t id, struct programme **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " PRG_COLS " FROM task_programmes p JOIN units u ON u.id = p.owner_id WHERE p.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_programme(st, a, *out);
	}
	db_done(st);
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

int programmes_get_plain(struct db *db, struct arena *a, int64_t id, struct programme **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " PRG_COLS_PLAIN "-1 FROM task_programmes p JOIN units u ON u.id = p.owner_id WHERE p.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_programme(st, a, *out);
	}
	db_done(st);
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

int programmes_find_code(struct db *db, const char *code, int64_t *id)
{
	int s = db_int1(db, id, "SELECT id FROM task_programmes WHERE code = $1", "t", code ? code : "");
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

int programmes_list(struct db *db, struct arena *a, struct programme **items, int *n)
{
	*items = NULL;
	*n = 0;
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM task_programmes", "") != DB_ROW) return E_DB;
	struct programme *all = arena_alloc(a, sizeof *all * (size_t)(count + 1));
	struct stmt *st = db_query(db, "SELECT " PRG_COLS " FROM task_programmes p JOIN units u ON u.id = p.owner_id ORDER BY p.id DESC", "");
	if (!st) return E_DB;
	int k = 0;
	while (k < count && db_step(st) == DB_ROW) read_programme(st, a, &all[k++]);
	db_done(st);
	*items = all;
	*n = k;
	return E_OK;
}

void programme_json(struct jw *w, const struct programme *p)
{
	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "title", p->title);
	jw_kstr(w, "kind", p->kind);
	jw_kstr(w, "legal_source", p->legal_source);
	jw_kstr(w, "description", p->description);
	jw_kstr(w, "starts_on", p->starts_on);
	jw_kstr(w, "owner_code", p->owner_code);
	jw_kstr(w, "owner_name", p->owner_name);
	jw_kint(w, "tasks", p->tasks);
	jw_kint(w, "version", p->version);
	jw_kstr(w, "created_at", p->created_at);
	jw_obj_end(w);
}

int programme_reads_all(const struct user *u, const struct programme *p) { return role_can(u, PERM_READ, p->owner_path); }

static int programme_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct programme *p;
	int rc = programmes_get(db, a, id, &p);
	if (rc == E_OK) programme_json(w, p);
	return rc;
}

static const char *const programme_kinds[] = { "resolution", "plan", "committee", NULL };

int programmes_create(struct db *db, const struct user *who, const struct programme_in *in, struct field_errors *fe, int64_t *id)
{
	char path[UNIT_PATH_MAX] = "";
	if (in->owner_id <= 0 || units_path(db, in->owner_id, path, sizeof path) != E_OK) {
		if (!fe_get(fe, "owner_code")) fe_add(fe, "owner_code", N_("No unit has this code"));
	} else if (!role_can(who, PERM_TASK_ASSIGN, path))
		return E_FORBIDDEN;
	if (!in->code || !*in->code) fe_add(fe, "code", N_("Is required"));
	else if (strlen(in->code) > TASK_CODE_MAX || !code_valid(in->code)) fe_add(fe, "code", N_("Use letters, digits, '-', '_' or '.' (at most 40)"));
	check_text(fe, "title", in->title, TASK_TITLE_MAX, 1);
	check_text(fe, "legal_source", in->legal_source, 500, 0);
	check_text(fe, "description", in->description, 4000, 0);
	check_date(fe, "starts_on", in->starts_on, 0);
	const char *kind = in->kind && *in->kind ? in->kind : "resolution";
	int known = 0;
	for (int i = 0; programme_kinds[i]; i++) known |= !strcmp(kind, programme_kinds[i]);
	if (!known) fe_add(fe, "kind", N_("Must be resolution, plan or committee"));
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int64_t dup = 0;
	int s = db_int1(db, &dup, "SELECT id FROM task_programmes WHERE code = $1", "t", in->code);
	if (s == DB_ROW) {
		fe_add(fe, "code", N_("Another programme already has this code"));
		rc = E_INVALID;
		goto out;
	}
	char now[21];
	now_iso(now);
	if (db_int1(db, id,
		    "INSERT INTO task_programmes (code, title, kind, legal_source, description, starts_on, owner_id, created_by, created_at, "
		    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
		    "ttttttiIt", in->code, in->title, kind, in->legal_source && *in->legal_source ? in->legal_source : NULL,
		    in->description && *in->description ? in->description : NULL, in->starts_on && *in->starts_on ? in->starts_on : NULL,
		    in->owner_id, who->id, now) != DB_ROW) {
		rc = E_DB;
		goto out;
	}
	rc = audit_change(db, who, "create", "task_programme", *id, NULL, programme_snapshot, NULL);
out:
	return db_tx_end(db, rc);
}

/* ---- reading tasks ---- */


void tasks_read_row(struct stmt *st, struct arena *a, struct task *t)
{
	memset(t, 0, sizeof *t);
	t->id = db_int(st, 0);
	t->programme_id = db_int(st, 1);
	t->programme_code = db_text_dup(st, a, 2);
	t->parent_id = db_int(st, 3);
	t->parent_code = db_text_dup(st, a, 4);
	t->code = db_text_dup(st, a, 5);
	t->title = db_text_dup(st, a, 6);
	t->source_doc = db_text_dup(st, a, 7);
	t->source_article = db_text_dup(st, a, 8);
	t->product = db_text_dup(st, a, 9);
	t->assigner_id = db_int(st, 10);
	t->assigner_code = db_text_dup(st, a, 11);
	t->assigner_name = db_text_dup(st, a, 12);
	t->assigner_path = db_text_dup(st, a, 13);
	t->lead_id = db_int(st, 14);
	t->lead_code = db_text_dup(st, a, 15);
	t->lead_name = db_text_dup(st, a, 16);
	t->lead_path = db_text_dup(st, a, 17);
	t->assigned_on = db_text_dup(st, a, 18);
	t->due_original = db_text_dup(st, a, 19);
	t->due_on = db_text_dup(st, a, 20);
	t->extended_on = db_text_dup(st, a, 21);
	t->percent = db_int(st, 22);
	t->state = db_text_dup(st, a, 23);
	t->done_on = db_text_dup(st, a, 24);
	t->accepted_on = db_text_dup(st, a, 25);
	t->version = db_int(st, 26);
	t->created_at = db_text_dup(st, a, 27);
	t->children = db_int(st, 28);
	t->reopened_on = db_text_dup(st, a, 29);
}

/* the deadline in force on as_of: the current one unless an extension was
** recorded after as_of, then the deadline that extension replaced */
static const char *due_at(struct db *db, struct arena *a, const struct task *t, const char *as_of)
{
	if (!t->extended_on || strcmp(t->extended_on, as_of) <= 0) return t->due_on;
	const char *due = t->due_on;
	struct stmt *st = db_query(db,
				   "SELECT due_before FROM task_extensions WHERE task_id = $1 AND recorded_on > $2 ORDER BY recorded_on, id LIMIT 1",
				   "it", t->id, as_of);
	if (st && db_step(st) == DB_ROW) due = db_text_dup(st, a, 0);
	db_done(st);
	return due;
}

/* the completion date of the acceptance in force on as_of (NULL: not done
** then), and that acceptance's date (accepted, may be NULL): the current one
** once accepted, else one withdrawn after as_of */
static const char *acceptance_then(struct db *db, struct arena *a, const struct task *t, const char *as_of, const char **accepted)
{
	if (accepted) *accepted = NULL;
	if (t->accepted_on && strcmp(t->accepted_on, as_of) <= 0) {
		if (accepted) *accepted = t->accepted_on;
		return t->done_on;
	}
	if (!t->reopened_on || strcmp(t->reopened_on, as_of) <= 0) return NULL;
	const char *done = NULL;
	struct stmt *st = db_query(db,
				   "SELECT done_on, accepted_on FROM task_reopenings WHERE task_id = $1 AND accepted_on <= $2 AND reopened_on > $2 "
				   "ORDER BY id DESC LIMIT 1",
				   "it", t->id, as_of);
	if (st && db_step(st) == DB_ROW) {
		done = db_text_dup(st, a, 0);
		if (accepted) *accepted = db_text_dup(st, a, 1);
	}
	db_done(st);
	return done;
}

static const char *done_at(struct db *db, struct arena *a, const struct task *t, const char *as_of)
{
	return acceptance_then(db, a, t, as_of, NULL);
}

enum task_status tasks_status_only(struct db *db, struct arena *a, const struct task *t, const char *as_of, const char **due_out,
				   const char **done_out)
{
	const char *due = due_at(db, a, t, as_of), *done = done_at(db, a, t, as_of);
	if (due_out) *due_out = due;
	if (done_out) *done_out = done;
	if (strcmp(t->assigned_on, as_of) > 0) return TS_NONE;
	if (done) return due && strcmp(done, due) > 0 ? TS_DONE_LATE : TS_DONE_ON_TIME;
	return due && strcmp(due, as_of) < 0 ? TS_OVERDUE : TS_NOT_DUE;
}

/* The percent done on a past day, as the record held it then: 100 once
** accepted by then; a task with sub-tasks assigned by then, the mean of
** theirs rounded down (as roll_up keeps it); else the last progress
** reported by then (a completion counts once accepted), 0 before any or
** before it was assigned. */
static int64_t percent_then(struct db *db, struct arena *a, const struct task *t, const char *as_of, const char *done, int depth)
{
	if (done) return 100;
	if (strcmp(t->assigned_on, as_of) > 0) return 0;
	int64_t p = 0;
	if (t->children > 0 && depth < 16) {
		/* the rows first: the statement is the same one a level down */
		struct task *sub = arena_alloc(a, sizeof *sub * (size_t)t->children);
		int n = 0;
		struct stmt *st = db_query(db, "SELECT " TASK_COLS TASK_FROM " WHERE t.parent_id = $1 AND t.assigned_on <= $2", "it", t->id, as_of);
		while (st && n < t->children && db_step(st) == DB_ROW) tasks_read_row(st, a, &sub[n++]);
		db_done(st);
		int64_t sum = 0;
		for (int i = 0; i < n; i++) {
			const char *sub_done;
			tasks_status_only(db, a, &sub[i], as_of, NULL, &sub_done);
			sum += percent_then(db, a, &sub[i], as_of, sub_done, depth + 1);
		}
		if (n > 0) return sum / n;
	}
	db_int1(db, &p,
		"SELECT percent FROM task_reports WHERE task_id = $1 AND kind = 'progress' AND reported_on <= $2 ORDER BY reported_on DESC, id DESC "
		"LIMIT 1",
		"it",
		t->id, as_of);
	return p;
}

/* The status of one task on as_of from its row (tasks_status.c computes the
** same in SQL for lists and counts; a unit test compares the two), and its
** percent then: the record's from today on. */
void tasks_status_at(struct db *db, struct arena *a, struct task *t, const char *as_of)
{
	t->as_of = as_of;
	t->status = tasks_status_only(db, a, t, as_of, &t->due_at, &t->done_at);
	t->days_late = t->status == TS_DONE_LATE ? task_days_between(t->due_at, t->done_at)
		       : t->status == TS_OVERDUE ? task_days_between(t->due_at, as_of)
						  : 0;
	char today[11];
	today_iso(today);
	t->percent_at = strcmp(as_of, today) >= 0 ? t->percent : percent_then(db, a, t, as_of, t->done_at, 0);
	t->accepted_at = NULL;
	if (t->done_at) acceptance_then(db, a, t, as_of, &t->accepted_at);
}

static int read_coordinators(struct db *db, struct arena *a, struct task *t)
{
	t->coordinators = arena_alloc(a, sizeof *t->coordinators * TASK_MAX_COORDINATORS);
	struct stmt *st = db_query(db,
				   "SELECT u.id, u.code, u.name FROM task_coordinators c JOIN units u ON u.id = c.unit_id WHERE c.task_id = $1 "
				   "ORDER BY u.code",
				   "i", t->id);
	if (!st) return E_DB;
	while (t->ncoordinators < TASK_MAX_COORDINATORS && db_step(st) == DB_ROW) {
		struct task_unit *u = &t->coordinators[t->ncoordinators++];
		u->id = db_int(st, 0);
		u->code = db_text_dup(st, a, 1);
		u->name = db_text_dup(st, a, 2);
	}
	db_done(st);
	return E_OK;
}

static int read_reports(struct db *db, struct arena *a, struct task *t)
{
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM task_reports WHERE task_id = $1", "i", t->id) != DB_ROW) return E_DB;
	t->reports = arena_alloc(a, sizeof *t->reports * (size_t)(count + 1));
	struct stmt *st = db_query(db,
				   "SELECT r.id, r.kind, r.percent, r.note, r.done_on, r.product, r.reported_on, r.review, r.review_comment, "
				   "r.reviewed_on, rv.login, cu.login, r.created_at FROM task_reports r LEFT JOIN users rv ON rv.id = r.reviewed_by "
				   "LEFT JOIN users cu ON cu.id = r.created_by WHERE r.task_id = $1 ORDER BY r.id DESC",
				   "i", t->id);
	if (!st) return E_DB;
	while (t->nreports < count && db_step(st) == DB_ROW) {
		struct task_report *x = &t->reports[t->nreports++];
		x->id = db_int(st, 0);
		x->kind = db_text_dup(st, a, 1);
		x->percent = db_int(st, 2);
		x->note = db_text_dup(st, a, 3);
		x->done_on = db_text_dup(st, a, 4);
		x->product = db_text_dup(st, a, 5);
		x->reported_on = db_text_dup(st, a, 6);
		x->review = db_text_dup(st, a, 7);
		x->review_comment = db_text_dup(st, a, 8);
		x->reviewed_on = db_text_dup(st, a, 9);
		x->reviewer = db_text_dup(st, a, 10);
		x->reporter = db_text_dup(st, a, 11);
		x->created_at = db_text_dup(st, a, 12);
	}
	db_done(st);
	return E_OK;
}

static int read_extensions(struct db *db, struct arena *a, struct task *t)
{
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM task_extensions WHERE task_id = $1", "i", t->id) != DB_ROW) return E_DB;
	t->extensions = arena_alloc(a, sizeof *t->extensions * (size_t)(count + 1));
	struct stmt *st = db_query(db,
				   "SELECT e.id, e.due_before, e.due_on, e.reason, e.recorded_on, u.login, e.created_at FROM task_extensions e "
				   "LEFT JOIN users u ON u.id = e.created_by WHERE e.task_id = $1 ORDER BY e.recorded_on, e.id",
				   "i", t->id);
	if (!st) return E_DB;
	while (t->nextensions < count && db_step(st) == DB_ROW) {
		struct task_extension *x = &t->extensions[t->nextensions++];
		x->id = db_int(st, 0);
		x->due_before = db_text_dup(st, a, 1);
		x->due_on = db_text_dup(st, a, 2);
		x->reason = db_text_dup(st, a, 3);
		x->recorded_on = db_text_dup(st, a, 4);
		x->by = db_text_dup(st, a, 5);
		x->created_at = db_text_dup(st, a, 6);
	}
	db_done(st);
	return E_OK;
}

static int read_reopenings(struct db *db, struct arena *a, struct task *t)
{
	if (!t->reopened_on) return E_OK;
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM task_reopenings WHERE task_id = $1", "i", t->id) != DB_ROW) return E_DB;
	t->reopenings = arena_alloc(a, sizeof *t->reopenings * (size_t)(count + 1));
	struct stmt *st = db_query(db,
				   "SELECT r.id, r.done_on, r.accepted_on, r.reopened_on, r.reason, u.login, r.created_at FROM task_reopenings r "
				   "LEFT JOIN users u ON u.id = r.created_by WHERE r.task_id = $1 ORDER BY r.reopened_on, r.id",
				   "i", t->id);
	if (!st) return E_DB;
	while (t->nreopenings < count && db_step(st) == DB_ROW) {
		struct task_reopening *x = &t->reopenings[t->nreopenings++];
		x->id = db_int(st, 0);
		x->done_on = db_text_dup(st, a, 1);
		x->accepted_on = db_text_dup(st, a, 2);
		x->reopened_on = db_text_dup(st, a, 3);
		x->reason = db_text_dup(st, a, 4);
		x->by = db_text_dup(st, a, 5);
		x->created_at = db_text_dup(st, a, 6);
	}
	db_done(st);
	return E_OK;
}

static int read_subtasks(struct db *db, struct arena *a, struct task *t, const char *as_of)
{
	t->subtasks = arena_alloc(a, sizeof *t->subtasks * (size_t)(t->children + 1));
	struct stmt *st = db_query(db, "SELECT " TASK_COLS TASK_FROM " WHERE t.parent_id = $1 ORDER BY t.code, t.id", "i", t->id);
	if (!st) return E_DB;
	while (t->nsubtasks < t->children && db_step(st) == DB_ROW) tasks_read_row(st, a, &t->subtasks[t->nsubtasks++]);
	db_done(st);
	for (int i = 0; i < t->nsubtasks; i++) tasks_status_at(db, a, &t->subtasks[i], as_of);
	return E_OK;
}

/* the row alone, its status as of as_of */
static int task_row(struct db *db, struct arena *a, int64_t id, const char *as_of, struct task **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " TASK_COLS TASK_FROM " WHERE t.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	struct task *t = NULL;
	if (s == DB_ROW) {
		t = arena_alloc(a, sizeof *t);
		tasks_read_row(st, a, t);
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	char today[11];
	if (!as_of) {
		today_iso(today);
		as_of = arena_strdup(a, today);
	}
	tasks_status_at(db, a, t, as_of);
	*out = t;
	return E_OK;
}

int tasks_get(struct db *db, struct arena *a, int64_t id, const char *as_of, struct task **out)
{
	struct task *t;
	int rc = task_row(db, a, id, as_of, &t);
	if (rc == E_OK) rc = read_coordinators(db, a, t);
	if (rc == E_OK) rc = read_reports(db, a, t);
	if (rc == E_OK) rc = read_extensions(db, a, t);
	if (rc == E_OK) rc = read_reopenings(db, a, t);
	if (rc == E_OK) rc = read_subtasks(db, a, t, t->as_of);
	*out = rc == E_OK ? t : NULL;
	return rc;
}

int tasks_find_code(struct db *db, int64_t programme_id, const char *code, int64_t *id)
{
	int s = db_int1(db, id, "SELECT id FROM tasks WHERE programme_id = $1 AND code = $2", "it", programme_id, code ? code : "");
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

int task_readable(const struct user *u, const struct task *t, const char *owner_path)
{
	return (owner_path && role_can(u, PERM_READ, owner_path)) || role_can(u, PERM_READ, t->assigner_path) ||
	       role_can(u, PERM_READ, t->lead_path);
}

void task_json(struct jw *w, const struct task *t, int full)
{
	jw_obj(w);
	jw_kint(w, "id", t->id);
	jw_kint(w, "programme_id", t->programme_id);
	jw_kstr(w, "code", t->code);
	jw_kstr(w, "title", t->title);
	jw_kstr(w, "parent_code", t->parent_code);
	jw_kstr(w, "source_doc", t->source_doc);
	jw_kstr(w, "source_article", t->source_article);
	jw_kstr(w, "assigner_code", t->assigner_code);
	jw_kstr(w, "assigner_name", t->assigner_name);
	jw_kstr(w, "lead_code", t->lead_code);
	jw_kstr(w, "lead_name", t->lead_name);
	jw_kstr(w, "assigned_on", t->assigned_on);
	jw_kstr(w, "due_original", t->due_original);
	jw_kstr(w, "due_on", t->due_on);
	jw_kstr(w, "product", t->product);
	jw_kint(w, "percent", t->percent);
	jw_kstr(w, "state", t->state);
	jw_kstr(w, "done_on", t->done_on);
	jw_kstr(w, "accepted_on", t->accepted_on);
	jw_kstr(w, "reopened_on", t->reopened_on);
	jw_kint(w, "subtasks", t->children);
	jw_kint(w, "version", t->version);
	if (t->as_of) {
		jw_kstr(w, "as_of", t->as_of);
		jw_kstr(w, "status", t->status ? task_status_names[t->status] : NULL);
		jw_kstr(w, "due_at", t->due_at);
		jw_kint(w, "days_late", t->days_late);
		jw_kint(w, "percent_at", t->percent_at);
	}
	if (full) {
		jw_key(w, "coordinators");
		jw_arr(w);
		for (int i = 0; i < t->ncoordinators; i++) {
			jw_obj(w);
			jw_kstr(w, "code", t->coordinators[i].code);
			jw_kstr(w, "name", t->coordinators[i].name);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "reports");
		jw_arr(w);
		for (int i = 0; i < t->nreports; i++) {
			const struct task_report *x = &t->reports[i];
			jw_obj(w);
			jw_kint(w, "id", x->id);
			jw_kstr(w, "kind", x->kind);
			jw_kint(w, "percent", x->percent);
			jw_kstr(w, "note", x->note);
			jw_kstr(w, "done_on", x->done_on);
			jw_kstr(w, "product", x->product);
			jw_kstr(w, "reported_on", x->reported_on);
			jw_kstr(w, "reporter", x->reporter);
			jw_kstr(w, "review", x->review);
			jw_kstr(w, "review_comment", x->review_comment);
			jw_kstr(w, "reviewed_on", x->reviewed_on);
			jw_kstr(w, "reviewer", x->reviewer);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "extensions");
		jw_arr(w);
		for (int i = 0; i < t->nextensions; i++) {
			const struct task_extension *x = &t->extensions[i];
			jw_obj(w);
			jw_kstr(w, "due_before", x->due_before);
			jw_kstr(w, "due_on", x->due_on);
			jw_kstr(w, "reason", x->reason);
			jw_kstr(w, "recorded_on", x->recorded_on);
			jw_kstr(w, "by", x->by);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "reopenings");
		jw_arr(w);
		for (int i = 0; i < t->nreopenings; i++) {
			const struct task_reopening *x = &t->reopenings[i];
			jw_obj(w);
			jw_kstr(w, "done_on", x->done_on);
			jw_kstr(w, "accepted_on", x->accepted_on);
			jw_kstr(w, "reopened_on", x->reopened_on);
			jw_kstr(w, "reason", x->reason);
			jw_kstr(w, "by", x->by);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static int task_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct task *t;
	int rc = task_row(db, a, id, NULL, &t);
	if (rc == E_OK) rc = read_coordinators(db, a, t);
	if (rc != E_OK) return rc;
	t->as_of = NULL; /* the record, not a status on a date */
	task_json(w, t, 0);
	return E_OK;
}

/* ---- creating a task ---- */

/* A task's lead or coordinating unit is one the user may assign for
** (PERM_TASK_ASSIGN over it, the check of the assigning unit itself), or a
** unit of the assigning unit's own branch of the tree — its province, city or
** ministry, the first level below the root — as a province's steering
** committee gives work to the province's departments and districts, never to
** another province's units. A body of that first level itself (the
** Government, a ministry, a province's people's committee) or the root
** assigns to any unit: the Government's and the ministries' resolutions give
** tasks to every province. A field error otherwise. */
/* The subtree where a unit assigns tasks without the assignee's own grant:
** its first-level branch ("/1/2/"), or "/" for the root or a body of the
** first level, which assign anywhere. */
void task_assign_branch(const char *assigner_path, char *out, size_t cap)
{
	size_t n = 0;
	int slashes = 0;
	while (assigner_path && assigner_path[n])
		if (assigner_path[n++] == '/' && ++slashes == 3) break;
	if ((slashes == 3 && !assigner_path[n]) || (slashes < 3 && n)) n = 1; /* a first-level body, the root */
	if (n >= cap) n = 0;
	if (n) memcpy(out, assigner_path, n);
	out[n] = 0;
}

/* the assignee's path is a unit the user may assign for, or inside the
** assigning unit's branch (the picker offers the same: purpose "assign") */
static void check_assignee(const struct user *who, const char *assigner_path, struct field_errors *fe, const char *field, const char *path)
{
	if (role_can(who, PERM_TASK_ASSIGN, path) || fe_get(fe, field)) return;
	char branch[UNIT_PATH_MAX];
	task_assign_branch(assigner_path, branch, sizeof branch);
	if (*branch && strncmp(path, branch, strlen(branch)) == 0) return;
	fe_add(fe, field, N_("This is outside the units you may work on"));
}

static void check_task(struct db *db, const struct user *who, const struct task_in *in, struct field_errors *fe, char *assigner_path,
		       char *programme_owner)
{
	if (!in->code || !*in->code) fe_add(fe, "code", N_("Is required"));
	else if (strlen(in->code) > TASK_CODE_MAX || !code_valid(in->code)) fe_add(fe, "code", N_("Use letters, digits, '-', '_' or '.' (at most 40)"));
	check_text(fe, "title", in->title, TASK_TITLE_MAX, 1);
	check_text(fe, "source_doc", in->source_doc, 300, 0);
	check_text(fe, "source_article", in->source_article, 200, 0);
	check_text(fe, "product", in->product, 1000, 0);
	check_date(fe, "assigned_on", in->assigned_on, 1);
	check_date(fe, "due_on", in->due_on, 0);
	if (in->assigned_on && in->due_on && date_valid(in->assigned_on) && date_valid(in->due_on) && strcmp(in->due_on, in->assigned_on) < 0)
		fe_add(fe, "due_on", N_("The deadline is before the task was assigned"));
	char path[UNIT_PATH_MAX];
	if (in->assigner_id > 0 && units_path(db, in->assigner_id, assigner_path, UNIT_PATH_MAX) != E_OK && !fe_get(fe, "assigner_code"))
		fe_add(fe, "assigner_code", N_("No unit has this code"));
	if (in->lead_id <= 0 || units_path(db, in->lead_id, path, sizeof path) != E_OK) {
		if (!fe_get(fe, "lead_code")) fe_add(fe, "lead_code", N_("No unit has this code"));
	} else
		check_assignee(who, assigner_path, fe, "lead_code", path);
	if (in->ncoordinators < 0 || in->ncoordinators > TASK_MAX_COORDINATORS) fe_add(fe, "coordinators", N_("Too many units"));
	for (int i = 0; i < in->ncoordinators && i < TASK_MAX_COORDINATORS; i++)
		if (in->coordinators[i] <= 0 || units_path(db, in->coordinators[i], path, sizeof path) != E_OK) {
			if (!fe_get(fe, "coordinators")) fe_add(fe, "coordinators", N_("No unit has this code"));
		} else if (in->coordinators[i] == in->lead_id && !fe_get(fe, "coordinators"))
			fe_add(fe, "coordinators", N_("The lead unit is not also a coordinating unit"));
		else
			check_assignee(who, assigner_path, fe, "coordinators", path);
	struct stmt *st = db_query(db, "SELECT u.path, p.owner_id FROM task_programmes p JOIN units u ON u.id = p.owner_id WHERE p.id = $1", "i",
				   in->programme_id);
	if (st && db_step(st) == DB_ROW) snprintf(programme_owner, UNIT_PATH_MAX, "%s", db_text(st, 0));
	else fe_add(fe, "programme_id", N_("No programme has this id"));
	db_done(st);
	if (in->parent_id > 0) {
		int64_t prog = 0, done = 0;
		struct stmt *pt = db_query(db, "SELECT programme_id, CASE WHEN state = 'done' THEN 1 ELSE 0 END FROM tasks WHERE id = $1", "i",
					   in->parent_id);
		if (pt && db_step(pt) == DB_ROW) {
			prog = db_int(pt, 0);
			done = db_int(pt, 1);
		}
		db_done(pt);
		if (prog != in->programme_id) fe_add(fe, "parent_code", N_("No task of this programme has this code"));
		/* a parent is done only once all its sub-tasks are */
		else if (done) fe_add(fe, "parent_code", N_("This task is done: reopen it before giving it a sub-task"));
	}
}

static int roll_up(struct db *db, int64_t parent_id);

int tasks_create(struct db *db, const struct user *who, const struct task_in *in0, struct field_errors *fe, int64_t *id)
{
	struct task_in in = *in0;
	char assigner[UNIT_PATH_MAX] = "", owner[UNIT_PATH_MAX] = "";
	/* the assigning body is the programme's owner unless named */
	if (in.assigner_id <= 0 && in.programme_id > 0)
		db_int1(db, &in.assigner_id, "SELECT owner_id FROM task_programmes WHERE id = $1", "i", in.programme_id);
	check_task(db, who, &in, fe, assigner, owner);
	if (*assigner && !role_can(who, PERM_TASK_ASSIGN, assigner)) return E_FORBIDDEN;
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM tasks WHERE programme_id = $1 AND code = $2", "it", in.programme_id, in.code) == DB_ROW) {
		fe_add(fe, "code", N_("Another task of this programme already has this code"));
		rc = E_INVALID;
		goto out;
	}
	char now[21];
	now_iso(now);
	const char *due = in.due_on && *in.due_on ? in.due_on : NULL;
	char *search = fold_words_pair(in.code, in.title);
	if (!search ||
	    db_int1(db, id,
		    "INSERT INTO tasks (programme_id, parent_id, code, title, source_doc, source_article, assigner_id, lead_id, assigned_on, "
		    "due_original, due_on, product, created_by, created_at, updated_at, search) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $13, $14) RETURNING id",
		    "iIttttiitttItt", in.programme_id, in.parent_id, in.code, in.title,
		    in.source_doc && *in.source_doc ? in.source_doc : NULL, in.source_article && *in.source_article ? in.source_article : NULL,
		    in.assigner_id, in.lead_id, in.assigned_on, due, in.product && *in.product ? in.product : NULL, who->id, now, search) != DB_ROW) {
		free(search);
		rc = E_DB;
		goto out;
	}
	free(search);
	for (int i = 0; i < in.ncoordinators; i++)
		if (db_exec(db, "INSERT INTO task_coordinators (task_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii", *id,
			    in.coordinators[i]) != DB_OK) {
			rc = E_DB;
			goto out;
		}
	rc = audit_change(db, who, "create", "task", *id, NULL, task_snapshot, NULL);
	/* a new sub-task, at 0 %, counts in its parent's mean */
	if (rc == E_OK) rc = roll_up(db, in.parent_id);
out:
	return db_tx_end(db, rc);
}

/* ---- correcting a task ---- */

static int task_for_change(struct db *db, struct arena *a, const struct user *who, int64_t id, enum perm perm, struct task **t);

int tasks_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct task_edit *in, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_ASSIGN, &t)) != E_OK) goto out;
	if (in->has_title) check_text(fe, "title", in->title, TASK_TITLE_MAX, 1);
	if (in->has_source_doc) check_text(fe, "source_doc", in->source_doc, 300, 0);
	if (in->has_source_article) check_text(fe, "source_article", in->source_article, 200, 0);
	if (in->has_product) check_text(fe, "product", in->product, 1000, 0);
	char path[UNIT_PATH_MAX];
	int64_t lead = in->has_lead ? in->lead_id : t->lead_id;
	if (in->has_lead && lead != t->lead_id) {
		/* a new lead unit is one the user may assign to (the one kept is not asked again) */
		if (lead <= 0 || units_path(db, lead, path, sizeof path) != E_OK) {
			if (!fe_get(fe, "lead_code")) fe_add(fe, "lead_code", N_("No unit has this code"));
		} else
			check_assignee(who, t->assigner_path, fe, "lead_code", path);
	}
	if (in->has_coordinators) {
		if (in->ncoordinators < 0 || in->ncoordinators > TASK_MAX_COORDINATORS) fe_add(fe, "coordinators", N_("Too many units"));
		for (int i = 0; i < in->ncoordinators && i < TASK_MAX_COORDINATORS && !fe_get(fe, "coordinators"); i++)
			if (in->coordinators[i] <= 0 || units_path(db, in->coordinators[i], path, sizeof path) != E_OK)
				fe_add(fe, "coordinators", N_("No unit has this code"));
			else {
				int64_t kept = 0;   /* a unit already coordinating is not asked again */
				db_int1(db, &kept, "SELECT count(*) FROM task_coordinators WHERE task_id = $1 AND unit_id = $2", "ii", id,
					in->coordinators[i]);
				if (!kept) check_assignee(who, t->assigner_path, fe, "coordinators", path);
			}
	}
	/* the lead unit, new or kept, is not also among the coordinating units, new or kept */
	if (!fe_get(fe, "coordinators") && !fe_get(fe, "lead_code")) {
		int64_t clash = 0;
		if (in->has_coordinators) {
			for (int i = 0; i < in->ncoordinators; i++) clash |= in->coordinators[i] == lead;
		} else
			db_int1(db, &clash, "SELECT count(*) FROM task_coordinators WHERE task_id = $1 AND unit_id = $2", "ii", id, lead);
		if (clash) fe_add(fe, "coordinators", N_("The lead unit is not also a coordinating unit"));
	}
	if (fe->n) { rc = E_INVALID; goto out; }
	if (version != t->version) { rc = E_CONFLICT; goto out; }
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
#define KEEP_OR(has, v, old) ((has) ? ((v) && *(v) ? (v) : NULL) : (old))
	const char *title = in->has_title ? in->title : t->title;
	char *search = fold_words_pair(t->code, title);
	if (!search ||
	    db_exec(db,
		    "UPDATE tasks SET title = $2, source_doc = $3, source_article = $4, product = $5, lead_id = $6, version = version + 1, "
		    "updated_at = $7, search = $8 WHERE id = $1",
		    "ittttitt", id, title, KEEP_OR(in->has_source_doc, in->source_doc, t->source_doc),
		    KEEP_OR(in->has_source_article, in->source_article, t->source_article), KEEP_OR(in->has_product, in->product, t->product),
		    lead, now, search) != DB_OK)
		rc = E_DB;
	free(search);
#undef KEEP_OR
	if (rc == E_OK && in->has_coordinators) {
		if (db_exec(db, "DELETE FROM task_coordinators WHERE task_id = $1", "i", id) != DB_OK) rc = E_DB;
		for (int i = 0; rc == E_OK && i < in->ncoordinators; i++)
			if (db_exec(db, "INSERT INTO task_coordinators (task_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii", id,
				    in->coordinators[i]) != DB_OK)
				rc = E_DB;
	}
	if (rc == E_OK) rc = audit_change(db, who, "update", "task", id, before, task_snapshot, NULL);
	free(before);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- the lead unit's reports ---- */

/* the task for a change inside the caller's transaction, with the scope
** check: perm on the lead unit (report) or the assigning unit (assign) */
static int task_for_change(struct db *db, struct arena *a, const struct user *who, int64_t id, enum perm perm, struct task **t)
{
	int rc = task_row(db, a, id, NULL, t);
	if (rc != E_OK) return rc;
	const char *path = perm == PERM_TASK_REPORT ? (*t)->lead_path : (*t)->assigner_path;
	return role_can(who, perm, path) ? E_OK : E_FORBIDDEN;
}

/* the parent's percent: the mean of its sub-tasks' (rounded down) */
static int roll_up(struct db *db, int64_t parent_id)
{
	if (parent_id <= 0) return E_OK;
	int64_t mean = 0;
	if (db_int1(db, &mean, "SELECT CAST(COALESCE(sum(percent), 0) / count(*) AS INTEGER) FROM tasks WHERE parent_id = $1", "i", parent_id) !=
	    DB_ROW)
		return E_DB;
	if (db_exec(db, "UPDATE tasks SET percent = $2 WHERE id = $1 AND state <> 'done'", "ii", parent_id, mean) != DB_OK) return E_DB;
	int64_t grand = 0;
	if (db_int1(db, &grand, "SELECT COALESCE(parent_id, 0) FROM tasks WHERE id = $1", "i", parent_id) != DB_ROW) return E_DB;
	return roll_up(db, grand);
}

int tasks_progress(struct db *db, const struct user *who, int64_t id, int64_t percent, const char *note, const char *today,
		   struct field_errors *fe, int64_t *report_id)
{
	struct arena a;
	arena_init(&a);
	int64_t rid = 0;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_REPORT, &t)) != E_OK) goto out;
	if (percent < 0 || percent > 100) fe_add(fe, "percent", N_("Must be from 0 to 100"));
	check_text(fe, "note", note, 4000, 0);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (!strcmp(t->state, "done")) {
		fe_add(fe, "state", N_("This task is done already"));
		rc = E_STATE;
		goto out;
	}
	/* its percent is its sub-tasks' mean (roll_up): a figure of its own
	** would stand only until the next report on one of them */
	if (t->children > 0) {
		fe_add(fe, "state", N_("The progress of a task with sub-tasks is the mean of theirs: report on the sub-tasks"));
		rc = E_STATE;
		goto out;
	}
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
	if (db_int1(db, &rid,
		    "INSERT INTO task_reports (task_id, kind, percent, note, reported_on, created_by, created_at) "
		    "VALUES ($1, 'progress', $2, $3, $4, $5, $6) RETURNING id",
		    "iittIt", id, percent, note && *note ? note : NULL, today, who->id, now) != DB_ROW ||
	    db_exec(db, "UPDATE tasks SET percent = $2, version = version + 1, updated_at = $3 WHERE id = $1", "iit", id, percent, now) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = roll_up(db, t->parent_id);
	if (rc == E_OK) rc = audit_change(db, who, "progress", "task", id, before, task_snapshot, note);
	free(before);
out:
	if (rc == E_OK && report_id) *report_id = rid;
	arena_free(&a);
	return db_tx_end(db, rc);
}

int tasks_complete(struct db *db, const struct user *who, int64_t id, const char *done_on, const char *product, const char *note,
		   const char *today, struct field_errors *fe, int64_t *report_id)
{
	struct arena a;
	arena_init(&a);
	int64_t rid = 0;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_REPORT, &t)) != E_OK) goto out;
	check_date(fe, "done_on", done_on, 1);
	if (done_on && date_valid(done_on)) {
		if (strcmp(done_on, today) > 0) fe_add(fe, "done_on", N_("The completion date is in the future"));
		else if (strcmp(done_on, t->assigned_on) < 0) fe_add(fe, "done_on", N_("The completion date is before the task was assigned"));
	}
	check_text(fe, "product", product, 1000, 0);
	check_text(fe, "note", note, 4000, 0);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (strcmp(t->state, "open") != 0) {
		fe_add(fe, "state", !strcmp(t->state, "done") ? N_("This task is done already") : N_("A completion of this task waits for review"));
		rc = E_STATE;
		goto out;
	}
	int64_t open_children = 0;
	db_int1(db, &open_children, "SELECT count(*) FROM tasks WHERE parent_id = $1 AND state <> 'done'", "i", id);
	if (open_children > 0) {
		fe_add(fe, "state", N_("Its sub-tasks are not all done"));
		rc = E_STATE;
		goto out;
	}
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
	if (db_int1(db, &rid,
		    "INSERT INTO task_reports (task_id, kind, percent, note, done_on, product, reported_on, review, created_by, created_at) "
		    "VALUES ($1, 'completion', 100, $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
		    "ittttIt", id, note && *note ? note : NULL, done_on, product && *product ? product : NULL, today, who->id, now) != DB_ROW ||
	    db_exec(db, "UPDATE tasks SET state = 'submitted', version = version + 1, updated_at = $2 WHERE id = $1", "it", id, now) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "complete", "task", id, before, task_snapshot, done_on);
	free(before);
out:
	if (rc == E_OK && report_id) *report_id = rid;
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- the assigning office ---- */

int tasks_review(struct db *db, const struct user *who, int64_t id, int64_t version, int accept, const char *comment,
		 const char *today, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_ASSIGN, &t)) != E_OK) goto out;
	check_text(fe, "comment", comment, 4000, !accept);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (version != t->version) { rc = E_CONFLICT; goto out; }
	if (strcmp(t->state, "submitted") != 0) {
		fe_add(fe, "state", N_("No completion of this task waits for review"));
		rc = E_STATE;
		goto out;
	}
	int64_t rid = 0;
	const char *done_on = NULL;
	struct stmt *st = db_query(db, "SELECT id, done_on FROM task_reports WHERE task_id = $1 AND review = 'pending' ORDER BY id DESC LIMIT 1",
				   "i", id);
	if (st && db_step(st) == DB_ROW) {
		rid = db_int(st, 0);
		done_on = db_text_dup(st, &a, 1);
	}
	db_done(st);
	if (!rid) { rc = E_DB; goto out; }
	/* an acceptance is dated today: a completion accepted before it was done cannot be */
	if (accept && strcmp(today, done_on) < 0) {
		fe_add(fe, "state", N_("The completion date is in the future"));
		rc = E_STATE;
		goto out;
	}
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
	if (db_exec(db, "UPDATE task_reports SET review = $2, review_comment = $3, reviewed_on = $4, reviewed_by = $5 WHERE id = $1", "itttI", rid,
		    accept ? "accepted" : "returned", comment && *comment ? comment : NULL, today, who->id) != DB_OK)
		rc = E_DB;
	else if (accept)
		rc = db_exec(db,
			     "UPDATE tasks SET state = 'done', done_on = $2, accepted_on = $3, percent = 100, version = version + 1, updated_at = $4 "
			     "WHERE id = $1",
			     "ittt", id, done_on, today, now) == DB_OK ? E_OK : E_DB;
	else
		rc = db_exec(db, "UPDATE tasks SET state = 'open', version = version + 1, updated_at = $2 WHERE id = $1", "it", id, now) == DB_OK
			     ? E_OK
			     : E_DB;
	if (rc == E_OK && accept) rc = roll_up(db, t->parent_id);
	if (rc == E_OK) rc = audit_change(db, who, accept ? "accept" : "return", "task", id, before, task_snapshot, comment);
	free(before);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

int tasks_reopen(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, const char *today,
		 struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_ASSIGN, &t)) != E_OK) goto out;
	check_text(fe, "reason", reason, 2000, 1);
	if (fe->n) { rc = E_INVALID; goto out; }
	if (version != t->version) { rc = E_CONFLICT; goto out; }
	if (strcmp(t->state, "done") != 0) {
		fe_add(fe, "state", N_("Only a task done can be reopened"));
		rc = E_STATE;
		goto out;
	}
	/* a reopening is dated today: not before the acceptance it withdraws */
	if (strcmp(today, t->accepted_on) < 0) {
		fe_add(fe, "state", N_("The acceptance is dated after today"));
		rc = E_STATE;
		goto out;
	}
	if (t->parent_id > 0) {
		int64_t parent_done = 0;
		db_int1(db, &parent_done, "SELECT count(*) FROM tasks WHERE id = $1 AND state = 'done'", "i", t->parent_id);
		if (parent_done) {
			fe_add(fe, "state", N_("Its parent task is done: reopen the parent first"));
			rc = E_STATE;
			goto out;
		}
	}
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
	if (db_exec(db,
		    "INSERT INTO task_reopenings (task_id, done_on, accepted_on, reopened_on, reason, created_by, created_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		    "ittttIt", id, t->done_on, t->accepted_on, today, reason, who->id, now) != DB_OK ||
	    db_exec(db,
		    "UPDATE tasks SET state = 'open', done_on = NULL, accepted_on = NULL, reopened_on = $2, version = version + 1, "
		    "updated_at = $3 WHERE id = $1",
		    "itt", id, today, now) != DB_OK)
		rc = E_DB;
	/* not done: its percent is again what was reported (the mean of its
	** sub-tasks', or its last progress report), and its parent's follows */
	if (rc == E_OK && t->children > 0) rc = roll_up(db, id);
	else if (rc == E_OK) {
		int64_t last = 0;
		db_int1(db, &last, "SELECT percent FROM task_reports WHERE task_id = $1 AND kind = 'progress' ORDER BY reported_on DESC, id DESC LIMIT 1",
			"i", id);
		rc = db_exec(db, "UPDATE tasks SET percent = $2 WHERE id = $1", "ii", id, last) == DB_OK ? roll_up(db, t->parent_id) : E_DB;
	}
	if (rc == E_OK) rc = audit_change(db, who, "reopen", "task", id, before, task_snapshot, reason);
	free(before);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

int tasks_extend(struct db *db, const struct user *who, int64_t id, int64_t version, const char *due_on, const char *reason,
		 const char *today, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_ASSIGN, &t)) != E_OK) goto out;
	check_date(fe, "due_on", due_on, 1);
	check_text(fe, "reason", reason, 2000, 1);
	if (due_on && date_valid(due_on)) {
		if (strcmp(due_on, t->assigned_on) < 0) fe_add(fe, "due_on", N_("The deadline is before the task was assigned"));
		else if (t->due_on && strcmp(due_on, t->due_on) <= 0) fe_add(fe, "due_on", N_("An extension moves the deadline later"));
	}
	if (fe->n) { rc = E_INVALID; goto out; }
	if (version != t->version) { rc = E_CONFLICT; goto out; }
	if (!strcmp(t->state, "done")) {
		fe_add(fe, "state", N_("This task is done already"));
		rc = E_STATE;
		goto out;
	}
	if (t->extended_on && strcmp(today, t->extended_on) < 0) {
		fe_add(fe, "state", N_("A later extension is on record"));
		rc = E_STATE;
		goto out;
	}
	char *before = audit_snapshot(db, id, task_snapshot);
	char now[21];
	now_iso(now);
	if (db_exec(db,
		    "INSERT INTO task_extensions (task_id, due_before, due_on, reason, recorded_on, created_by, created_at) "
		    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		    "ittttIt", id, t->due_on, due_on, reason, today, who->id, now) != DB_OK ||
	    db_exec(db, "UPDATE tasks SET due_on = $2, extended_on = $3, version = version + 1, updated_at = $4 WHERE id = $1", "ittt", id, due_on,
		    today, now) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) rc = audit_change(db, who, "extend", "task", id, before, task_snapshot, reason);
	free(before);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}

int tasks_attach(struct db *db, const struct user *who, int64_t id, int64_t report_id, const char *name, const void *data, size_t n,
		 struct field_errors *fe, int64_t *attachment_id)
{
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct task *t;
	if ((rc = task_for_change(db, &a, who, id, PERM_TASK_REPORT, &t)) != E_OK) goto out;
	if (report_id > 0) {
		int64_t owner = 0;
		if (db_int1(db, &owner, "SELECT task_id FROM task_reports WHERE id = $1", "i", report_id) != DB_ROW || owner != id) {
			rc = E_NOTFOUND;
			goto out;
		}
	}
	rc = files_attach(db, who, report_id > 0 ? "task_report" : "task", report_id > 0 ? report_id : id, t->lead_id, name, data, n, (size_t)-1, fe,
			  attachment_id);
out:
	arena_free(&a);
	return db_tx_end(db, rc);
}
