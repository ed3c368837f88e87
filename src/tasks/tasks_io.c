/* Task lists in and out: the status table of a programme as CSV or XLSX
** (GET /programmes/{id}/export?format=&as_of=&unit=), the import of a
** programme's task list and of progress in bulk from a CSV or XLSX file
** (all or nothing: every line is checked, each error is "line N: reason",
** and one bad line writes nothing). */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/multipart.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "tasks_int.h"
#include "tasks_web.h"
#include "tmpl_tasks.h"

#define T(s) i18n_get(lang, (s))

/* the columns of a task list, in the import's and the export's order */
enum { C_CODE, C_TITLE, C_PARENT, C_SOURCE, C_ARTICLE, C_LEAD, C_COORD, C_ASSIGNED, C_DUE, C_PRODUCT, C_N };
static const struct column task_columns[C_N + 1] = {
	[C_CODE] = { "code", N_("Code") },
	[C_TITLE] = { "title", N_("Task") },
	[C_PARENT] = { "parent_code", N_("Sub-task of") },
	[C_SOURCE] = { "source_doc", N_("Source document") },
	[C_ARTICLE] = { "source_article", N_("Article") },
	[C_LEAD] = { "lead_code", N_("Lead unit code") },
	[C_COORD] = { "coordinators", N_("Coordinating unit codes") },
	[C_ASSIGNED] = { "assigned_on", N_("Assigned on") },
	[C_DUE] = { "due_on", N_("Deadline") },
	[C_PRODUCT] = { "product", N_("Expected product") },
	[C_N] = { NULL, NULL },
};

struct export_ctx {
	const struct task_query *q;
};

static int write_status(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct task_query *q = ((const struct export_ctx *)ctx)->q;
	const char *lang = r->lang;
	const char *h[] = { T("Code"), T("Task"), T("Sub-task of"), T("Source document"), T("Article"), T("Lead unit code"), T("Lead unit"),
			    T("Assigned on"), T("Deadline"), T("Original deadline"), T("Percent done"), T("Status"), T("Days late"),
			    T("Done on"), T("Accepted on"), NULL };
	struct sheet *s = sheet_open(f, format, T("Tasks"), h, "ttttttt" "ddd" "ntn" "dd");
	if (!s) return E_DB;
	/* a page of 2 000 at a time: a programme of 100 000 tasks is never all in memory */
	struct task_query page = *q;
	page.limit = 2000;
	int rc = E_OK;
	for (page.offset = 0; rc == E_OK; page.offset += page.limit) {
		struct arena a;
		arena_init(&a);
		struct task *items;
		int n;
		int64_t total;
		rc = tasks_list(r->db, &a, &page, &items, &n, &total);
		for (int i = 0; rc == E_OK && i < n; i++) {
			const struct task *t = &items[i];
			/* the acceptance in force on the date asked, as its "done on" is: none
			 * yet for a task accepted later, the withdrawn one for a task reopened since */
			const char *accepted = t->accepted_at;
			const char *row[] = { t->code, t->title, t->parent_code, t->source_doc, t->source_article, t->lead_code, t->lead_name,
					      t->assigned_on, t->due_at, t->due_original, arena_printf(&a, "%lld", (long long)t->percent_at),
					      task_status_label(r, t->status), arena_printf(&a, "%lld", (long long)t->days_late), t->done_at,
					      accepted };
			sheet_row(s, row);
		}
		arena_free(&a);
		if (n < page.limit) break;
	}
	return sheet_close(s) == 0 && rc == E_OK ? E_OK : E_DB;
}

void programme_export_download(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct programme *p;
	int rc = programmes_get(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	const char *s = req_query(r, "as_of");
	char today[11];
	today_iso(today);
	const char *as_of = s && *s ? date_from_user(&r->a, s) : arena_strdup(&r->a, today);
	if (!as_of) { reply_error(r, 400, "bad_request", N_("as_of must be a date (YYYY-MM-DD)")); return; }
	struct task_query *q = arena_alloc(&r->a, sizeof *q);
	q->programme_id = id;
	q->as_of = as_of;
	const char *unit = NULL;
	if (tasks_unit_param(r, q, &unit, NULL) != 0) return;
	if (!programme_reads_all(r->user, p)) {
		int n = units_scope_ranges(r, PERM_READ, q->range_lo, TASK_MAX_RANGES);
		if (n == 0) { q->range_lo[0] = "~/"; n = 1; }
		q->nranges = n < 0 ? 0 : n;
	}
	const char *format = reply_sheet_format(r, "xlsx");
	struct export_ctx ctx = { q };
	if (format)
		reply_sheet(r, unit ? arena_printf(&r->a, "%s-%s-%s", p->code, unit, as_of) : arena_printf(&r->a, "%s-%s", p->code, as_of), format,
			    write_status, &ctx);
}

/* ---- imports ---- */

/* a unit code of a line: its id, or 0 with the error written */
static int64_t line_unit(struct db *db, const char *lang, const char *code, int line, const char *what, FILE *errors)
{
	int64_t id = 0;
	if (!code || !*code) fprintf(errors, T("line %d: %s is required"), line, what);
	else if (units_find_code(db, code, &id) != E_OK) fprintf(errors, T("line %d: no unit has the code %s (%s)"), line, code, what);
	else return id;
	fputc('\n', errors);
	return 0;
}

static const char *cell(const struct table *t, const int *col, int k)
{
	const char *s = table_cell(t, col[k]);
	return s && *s ? s : NULL;
}

/* a text cell checked and cleaned as the API's field of the same name is
** (input.c, text_clean): control characters refused — line breaks and tabs
** only where lines allows them — and bidirectional overrides dropped. NULL
** when empty, or when refused: then the line's error is written and *bad set. */
/* "line N: field: message", the message in the language lang */
static void line_error(FILE *errors, const char *lang, int line, const char *field, const char *msgid)
{
	fprintf(errors, T("line %d: %s: %s"), line, field, T(msgid));
	fputc('\n', errors);
}

static const char *line_text(struct arena *a, const char *lang, const struct table *t, const int *col, int k, const char *what, int lines,
			     FILE *errors, int *bad)
{
	const char *s = cell(t, col, k);
	if (!s) return NULL;
	size_t n = strlen(s);
	char *c = arena_strndup(a, s, n);
	if (text_clean(c, &n, lines) != 0) {
		line_error(errors, lang, t->line, what, lines ? N_("Must not contain control characters") : N_("Must be one line without control characters"));
		*bad = 1;
		return NULL;
	}
	return n ? c : NULL;
}

/* a date cell: ISO or dd/mm/yyyy, or a date cell of an XLSX sheet */
static const char *line_date(struct arena *a, const char *lang, const struct table *t, const char *s, int line, const char *what, int required,
			     FILE *errors, int *bad)
{
	if (!s) {
		if (required) { fprintf(errors, T("line %d: %s is required"), line, what); fputc('\n', errors); *bad = 1; }
		return NULL;
	}
	const char *d = table_date(a, t, s);
	if (!d) { fprintf(errors, T("line %d: %s is not a date: %s"), line, what, s); fputc('\n', errors); *bad = 1; }
	return d;
}

static int import_task_line(struct db *db, const struct user *who, const char *lang, struct arena *a, int64_t programme_id,
			    const struct table *t, const int *col, FILE *errors)
{
	int line = t->line, bad = 0;
	struct task_in in = { .programme_id = programme_id };
	in.code = cell(t, col, C_CODE);
	/* the API's fields: title F_LINES, the others F_TEXT */
	in.title = line_text(a, lang, t, col, C_TITLE, "title", 1, errors, &bad);
	in.source_doc = line_text(a, lang, t, col, C_SOURCE, "source_doc", 0, errors, &bad);
	in.source_article = line_text(a, lang, t, col, C_ARTICLE, "source_article", 0, errors, &bad);
	in.product = line_text(a, lang, t, col, C_PRODUCT, "product", 0, errors, &bad);
	in.assigned_on = line_date(a, lang, t, cell(t, col, C_ASSIGNED), line, "assigned_on", 1, errors, &bad);
	in.due_on = line_date(a, lang, t, cell(t, col, C_DUE), line, "due_on", 0, errors, &bad);
	if (!(in.lead_id = line_unit(db, lang, cell(t, col, C_LEAD), line, "lead_code", errors))) bad = 1;
	const char *parent = cell(t, col, C_PARENT);
	if (parent && tasks_find_code(db, programme_id, parent, &in.parent_id) != E_OK) {
		fprintf(errors, T("line %d: no task of this programme has the code %s (parent_code; a parent comes before its sub-tasks)"), line, parent);
		fputc('\n', errors);
		bad = 1;
	}
	const char *coord = cell(t, col, C_COORD);
	if (coord) {
		char *copy = arena_strdup(a, coord), *save = NULL;
		for (char *c = strtok_r(copy, ",; ", &save); c && in.ncoordinators < TASK_MAX_COORDINATORS; c = strtok_r(NULL, ",; ", &save))
			if (!(in.coordinators[in.ncoordinators++] = line_unit(db, lang, c, line, "coordinators", errors))) bad = 1;
	}
	if (bad) return E_INVALID;
	struct field_errors fe = { 0 };
	int64_t id;
	int rc = tasks_create(db, who, &in, &fe, &id);
	if (rc == E_INVALID)
		for (int i = 0; i < fe.n; i++) line_error(errors, lang, line, fe.field[i], fe.msg[i]);
	else if (rc == E_FORBIDDEN)
		fprintf(errors, T("line %d: the assigning unit is outside the units you may assign for"), line);
	else if (rc != E_OK)
		fprintf(errors, T("line %d: the task could not be written"), line);
	if (rc == E_FORBIDDEN || (rc != E_OK && rc != E_INVALID)) fputc('\n', errors);
	return rc;
}

int tasks_import(struct db *db, const struct user *who, const char *lang, int64_t programme_id, FILE *in, FILE *errors, int *n)
{
	*n = 0;
	struct table *t;
	char err[256];
	if (table_open(&t, in, lang, err, sizeof err) != 0) { fprintf(errors, "%s\n", err); return E_INVALID; }
	int col[C_N];
	int rc = db_tx_begin(db), failed = 0, s;
	if (rc != E_OK) { table_close(t); return rc; }
	if ((s = table_next(t)) != 1) {
		if (s < 0) { fprintf(errors, T("line %d: %s"), t->line, t->err); fputc('\n', errors); }
		else fprintf(errors, "%s\n", T("the file has no header line"));
		rc = E_INVALID;
		goto out;
	}
	table_columns_named(t, task_columns, col);
	for (int k = 0; k < C_N; k++)
		if (col[k] < 0 && (k == C_CODE || k == C_TITLE || k == C_LEAD || k == C_ASSIGNED)) {
			fprintf(errors, T("line %d: the column %s is missing"), t->line, task_columns[k].code);
			fputc('\n', errors);
			rc = E_INVALID;
		}
	if (rc != E_OK) goto out;
	struct arena a;
	arena_init(&a);
	while ((s = table_next(t)) != 0) {
		if (s < 0) { fprintf(errors, T("line %d: %s"), t->line, t->err); fputc('\n', errors); failed++; continue; }
		if (table_blank(t)) continue;
		int lr = import_task_line(db, who, lang, &a, programme_id, t, col, errors);
		if (lr == E_OK) (*n)++;
		else if (lr == E_INVALID || lr == E_FORBIDDEN) failed++;
		else { rc = lr; break; }
		if (failed >= 100) { fprintf(errors, "%s\n", T("stopped after 100 errors")); break; }
	}
	arena_free(&a);
	if (rc == E_OK && failed) rc = E_INVALID;
	if (rc == E_OK && db_analyze(db, *n, "tasks, task_coordinators") != DB_OK) rc = E_DB;
out:
	if (rc != E_OK) *n = 0;
	table_close(t);
	return db_tx_end(db, rc);
}

/* the uploaded file imported into the programme of {id}: E_OK with *n, or
** E_INVALID with the reasons (one a line) in *errors (arena) */
static int import_upload(struct req *r, int progress, struct programme **p, int *n, const char **errors)
{
	*n = 0;
	*errors = NULL;
	int64_t id = param_id_or_404(r, 0);
	if (!id) return -1;
	int rc = programmes_get(r->db, &r->a, id, p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return -1; }
	if (!progress && !role_can(r->user, PERM_TASK_ASSIGN, (*p)->owner_path)) { reply_fail(r, E_FORBIDDEN, NULL); return -1; }
	const struct mp_part *part = req_file(r, "file");
	if (!part || !part->len) {
		*errors = _("Choose a file to upload");
		return E_INVALID;
	}
	FILE *in = fmemopen((void *)part->data, part->len, "rb");
	char *text = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&text, &len);
	if (!in || !err) {
		if (in) fclose(in);
		if (err) fclose(err);
		free(text);
		return E_DB;
	}
	char today[11];
	today_iso(today);
	rc = progress ? tasks_import_progress(r->db, r->user, r->lang, id, today, in, err, n)
		      : tasks_import(r->db, r->user, r->lang, id, in, err, n);
	fclose(in);
	fclose(err);
	if (len && text[len - 1] == '\n') text[len - 1] = 0;
	*errors = arena_strdup(&r->a, text);
	free(text);
	return rc;
}

static void api_import(struct req *r, int progress)
{
	struct programme *p;
	int n;
	const char *errors;
	int rc = import_upload(r, progress, &p, &n, &errors);
	if (rc < 0) return;
	if (rc == E_INVALID) {
		struct field_errors fe = { 0 };
		fe_add(&fe, "file", errors && *errors ? errors : N_("The file could not be read"));
		reply_fail(r, rc, &fe);
		return;
	}
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "imported", n);
	jw_obj_end(&w);
	reply_json(r, 200);
}

void api_programme_import(struct req *r) { api_import(r, 0); }
void api_programme_progress_import(struct req *r) { api_import(r, 1); }

static void page_import(struct req *r, int progress)
{
	struct programme *p;
	int n;
	const char *errors;
	int rc = import_upload(r, progress, &p, &n, &errors);
	if (rc < 0) return;
	if (rc == E_OK) {
		flash_set(r, progress ? N_("The progress reports were recorded") : N_("The tasks were imported"));
		reply_redirect(r, arena_printf(&r->a, "/programmes/%lld#tasks", (long long)p->id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, NULL); return; }
	r->status = 422;
	page_begin(r, _("Nothing was imported"), "tasks");
	tmpl_task_import_result(&r->out, r, p, errors);
	page_end(r);
}

void page_programme_import(struct req *r) { page_import(r, 0); }
void page_programme_progress_import(struct req *r) { page_import(r, 1); }

/* ---- progress in bulk: a template to fill offline, and its import ---- */

enum { P_CODE, P_TITLE, P_LEAD, P_DUE, P_PERCENT, P_NOTE, P_DONE_ON, P_PRODUCT, P_N };
static const struct column progress_columns[P_N + 1] = {
	[P_CODE] = { "code", N_("Code") },
	[P_TITLE] = { "title", N_("Task") },
	[P_LEAD] = { "lead_unit", N_("Lead unit") },
	[P_DUE] = { "due_on", N_("Deadline") },
	[P_PERCENT] = { "percent", N_("Percent done") },
	[P_NOTE] = { "note", N_("What was done") },
	[P_DONE_ON] = { "done_on", N_("Done on") },
	[P_PRODUCT] = { "product", N_("Product") },
	[P_N] = { NULL, NULL },
};

/* the tasks the user may report on, not done, one a row: percent, note, done_on and product to fill */
static int write_template(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct task_query *q = ((const struct export_ctx *)ctx)->q;
	const char *h[P_N + 1];
	column_headers(progress_columns, r->lang, h);
	struct sheet *s = sheet_open(f, format, i18n_get(r->lang, "Progress"), h, "tttdnttt");
	if (!s) return E_DB;
	struct task_query page = *q;
	page.limit = 2000;
	int rc = E_OK;
	for (page.offset = 0; rc == E_OK; page.offset += page.limit) {
		struct arena a;
		arena_init(&a);
		struct task *items;
		int n;
		int64_t total;
		rc = tasks_list(r->db, &a, &page, &items, &n, &total);
		for (int i = 0; rc == E_OK && i < n; i++) {
			const struct task *t = &items[i];
			/* done, or waiting for review (the import would refuse its row): not to fill */
			if (strcmp(t->state, "open") || t->children) continue;
			const char *row[] = { t->code, t->title, t->lead_name, t->due_at, arena_printf(&a, "%lld", (long long)t->percent), "", "", "" };
			sheet_row(s, row);
		}
		arena_free(&a);
		if (n < page.limit) break;
	}
	return sheet_close(s) == 0 && rc == E_OK ? E_OK : E_DB;
}

void programme_progress_template(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct programme *p;
	int rc = programmes_get(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	char today[11];
	today_iso(today);
	struct task_query *q = arena_alloc(&r->a, sizeof *q);
	q->programme_id = id;
	q->as_of = arena_strdup(&r->a, today);
	int n = units_scope_ranges(r, PERM_TASK_REPORT, q->range_lo, TASK_MAX_RANGES);
	if (n == 0) { q->range_lo[0] = "~/"; n = 1; }
	q->nranges = n < 0 ? 0 : n;
	const char *format = reply_sheet_format(r, "xlsx");
	struct export_ctx ctx = { q };
	if (format) reply_sheet(r, arena_printf(&r->a, "%s-tien-do-%s", p->code, today), format, write_template, &ctx);
}

static int import_progress_line(struct db *db, const struct user *who, const char *lang, struct arena *a, int64_t programme_id,
				const struct table *t, const int *col, const char *today, FILE *errors, int *written)
{
	int line = t->line, bad = 0;
	const char *code = cell(t, col, P_CODE), *pct = cell(t, col, P_PERCENT);
	const char *note = line_text(a, lang, t, col, P_NOTE, "note", 1, errors, &bad);
	const char *product = line_text(a, lang, t, col, P_PRODUCT, "product", 0, errors, &bad);
	const char *done = line_date(a, lang, t, cell(t, col, P_DONE_ON), line, "done_on", 0, errors, &bad);
	int64_t id = 0, percent = -1;
	if (!code) { fprintf(errors, T("line %d: %s is required"), line, "code"); fputc('\n', errors); return E_INVALID; }
	if (tasks_find_code(db, programme_id, code, &id) != E_OK) {
		fprintf(errors, T("line %d: no task of this programme has the code %s"), line, code);
		fputc('\n', errors);
		return E_INVALID;
	}
	if (pct) {
		/* a number cell of a sheet is that number; text is read the Vietnamese
		** way, as the forms read it ("1.234" is 1234, "50,5%" is 50.5) */
		double v;
		int ok = table_numeric(t, col[P_PERCENT]) ? parse_number(pct, &v) == 0 : i18n_parse_number("vi", pct, &v) == 0;
		if (!ok) {
			fprintf(errors, T("line %d: percent is not a number: %s"), line, pct);
			fputc('\n', errors);
			bad = 1;
		} else if (!(v >= 0 && v <= 100)) {
			line_error(errors, lang, line, "percent", N_("Must be from 0 to 100"));
			bad = 1;
		} else if (v != (double)(int64_t)v) {
			/* 87,5: refused as the task page's form refuses it, never rounded */
			line_error(errors, lang, line, "percent", N_("Must be a whole number"));
			bad = 1;
		} else
			percent = (int64_t)v;
	}
	if (bad) return E_INVALID;
	struct field_errors fe = { 0 };
	int rc = E_OK;
	if (done) rc = tasks_complete(db, who, id, done, product, note, today, &fe, NULL);
	else if (percent >= 0 || note) {
		/* an untouched row of the template (the percent as it was, no note) changes nothing */
		int64_t was = -1;
		db_int1(db, &was, "SELECT percent FROM tasks WHERE id = $1", "i", id);
		if (percent < 0) percent = was;
		if (percent == was && !note) return E_OK;
		rc = tasks_progress(db, who, id, percent, note, today, &fe, NULL);
	} else
		return E_OK;
	if (rc == E_OK) (*written)++;
	else if (rc == E_FORBIDDEN) {
		fprintf(errors, T("line %d: %s is led by a unit outside those you report for"), line, code);
		fputc('\n', errors);
	} else if (rc == E_INVALID || rc == E_STATE)
		for (int i = 0; i < fe.n; i++) line_error(errors, lang, line, fe.field[i], fe.msg[i]);
	else {
		fprintf(errors, T("line %d: the report could not be written"), line);
		fputc('\n', errors);
	}
	return rc == E_STATE || rc == E_FORBIDDEN ? E_INVALID : rc;
}

int tasks_import_progress(struct db *db, const struct user *who, const char *lang, int64_t programme_id, const char *today, FILE *in,
			  FILE *errors, int *n)
{
	*n = 0;
	struct table *t;
	char err[256];
	if (table_open(&t, in, lang, err, sizeof err) != 0) { fprintf(errors, "%s\n", err); return E_INVALID; }
	int col[P_N];
	int rc = db_tx_begin(db), failed = 0, s;
	if (rc != E_OK) { table_close(t); return rc; }
	if ((s = table_next(t)) != 1) {
		if (s < 0) { fprintf(errors, T("line %d: %s"), t->line, t->err); fputc('\n', errors); }
		else fprintf(errors, "%s\n", T("the file has no header line"));
		rc = E_INVALID;
		goto out;
	}
	table_columns_named(t, progress_columns, col);
	if (col[P_CODE] < 0) {
		fprintf(errors, T("line %d: the column %s is missing"), t->line, "code");
		fputc('\n', errors);
		rc = E_INVALID;
		goto out;
	}
	struct arena a;
	arena_init(&a);
	while ((s = table_next(t)) != 0) {
		if (s < 0) { fprintf(errors, T("line %d: %s"), t->line, t->err); fputc('\n', errors); failed++; continue; }
		if (table_blank(t)) continue;
		int lr = import_progress_line(db, who, lang, &a, programme_id, t, col, today, errors, n);
		if (lr == E_INVALID) failed++;
		else if (lr != E_OK) { rc = lr; break; }
		if (failed >= 100) { fprintf(errors, "%s\n", T("stopped after 100 errors")); break; }
	}
	arena_free(&a);
	if (rc == E_OK && failed) rc = E_INVALID;
	if (rc == E_OK && db_analyze(db, *n, "task_reports") != DB_OK) rc = E_DB;
out:
	if (rc != E_OK) *n = 0;
	table_close(t);
	return db_tx_end(db, rc);
}
