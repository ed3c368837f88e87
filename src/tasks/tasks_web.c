/* Task monitoring over HTTP (tasks_web.h):
**   GET  /api/v1/programmes, POST /api/v1/programmes, GET /api/v1/programmes/{id}
**   GET  /api/v1/programmes/{id}/status?as_of=YYYY-MM-DD&unit=CODE     the counts (a fixed point)
**   GET  /api/v1/programmes/{id}/dashboard?as_of=&unit=               counts, previous quarter, by unit, quarters
**   GET  /api/v1/tasks?programme=ID&as_of=&status=&unit=&due_within=N&sort=&limit=&offset=   each task's status
**   POST /api/v1/tasks, GET /api/v1/tasks/{id}?as_of=
**   POST /api/v1/tasks/{id}/progress {percent, note}
**   POST /api/v1/tasks/{id}/completion {done_on, product, note}
**   POST /api/v1/tasks/{id}/review {decision: accept|return, comment, version}
**   POST /api/v1/tasks/{id}/extension {due_on, reason, version}
**   POST /api/v1/tasks/{id}/reopen {reason, version}
**   PATCH /api/v1/tasks/{id} {title, source_doc, source_article, lead_code, coordinators, product, version}
**   GET/POST /api/v1/tasks/{id}/files                                  evidence
** and the pages /programmes, /programmes/{id}, /tasks/{id} with their forms.
** The date of an action is today on the office's clock (today_iso). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/chart.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/i18n.h"
#include "../base/multipart.h"
#include "../base/pdf.h"
#include "../base/util.h"
#include "../movements/mv_report.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "tasks_int.h"
#include "tasks_web.h"
#include "tmpl_tasks.h"

/* ---- reading the address ---- */

static struct programme *programme_param(struct req *r, int64_t id)
{
	struct programme *p;
	int rc = programmes_get_plain(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return p;
}

/* ?as_of=: a date, today when absent; NULL after answering 400 */
static const char *as_of_param(struct req *r)
{
	const char *s = req_query(r, "as_of");
	if (!s || !*s) {
		char today[11];
		today_iso(today);
		return arena_strdup(&r->a, today);
	}
	const char *d = date_from_user(&r->a, s);
	if (!d) reply_error(r, 400, "bad_request", strncmp(r->path, "/api/", 5) ? N_("Is not a date (dd/mm/yyyy)") : N_("as_of must be a date (YYYY-MM-DD)"));
	return d;
}

/* ?compare=: the date the counts are compared with; NULL: the end of the
** previous quarter; "" after answering 400 */
static const char *compare_param(struct req *r)
{
	const char *s = req_query(r, "compare");
	if (!s || !*s) return NULL;
	const char *d = date_from_user(&r->a, s);
	if (!d) reply_error(r, 400, "bad_request", N_("compare must be a date (YYYY-MM-DD)"));
	return d ? d : "";
}

/* ?q=: words of a task's code or title, typed with or without accents;
** each one must begin a word of the task's folded code and title
** (tasks.search): "dot 5" is "(đợt 5)", not every code with a 5 */
static void search_param(struct req *r, struct task_query *q, const char **typed)
{
	const char *s = req_query(r, "q");
	if (typed) *typed = s && *s ? s : NULL;
	if (s && *s) q->nwords = tasks_search_patterns(&r->a, s, q->words, TASK_MAX_WORDS);
}

/* the reader's scope over a programme's tasks: all of them with a read grant
** over its owner, else the tasks led by units of the reader's subtrees */
static void scope_query(struct req *r, const struct programme *p, struct task_query *q)
{
	if (p && programme_reads_all(r->user, p)) return;
	int n = units_scope_ranges(r, PERM_READ, q->range_lo, TASK_MAX_RANGES);
	if (n < 0) return;
	if (n == 0) {
		/* no read grant anywhere: a range no path falls in */
		q->range_lo[0] = "~/";
		n = 1;
	}
	q->nranges = n;
}

/* ?unit=CODE (or a page's picker, ?unit_id=ID): the lead units' subtree;
** 0, or -1 after answering 404 */
int tasks_unit_param(struct req *r, struct task_query *q, const char **code, int64_t *unit_id)
{
	const char *c = req_query(r, "unit"), *i = req_query(r, "unit_id");
	*code = NULL;
	int64_t id = 0;
	if ((!c || !*c) && (!i || !*i)) return 0;
	char *lo = arena_alloc(&r->a, UNIT_PATH_MAX), *hi = arena_alloc(&r->a, UNIT_PATH_MAX);
	int found = c && *c ? units_find_code(r->db, c, &id) == E_OK : parse_id(i, &id) == 0;
	struct unit *u = NULL;
	if (!found || units_get(r->db, &r->a, id, &u) != E_OK || units_subtree(r->db, id, lo, hi, UNIT_PATH_MAX) != E_OK) {
		reply_error(r, 404, "not_found", N_("No unit has this code"));
		return -1;
	}
	q->unit_lo = lo;
	q->unit_hi = hi;
	*code = u->code;
	if (unit_id) *unit_id = id;
	return 0;
}

static int unit_param(struct req *r, struct task_query *q, const char **code) { return tasks_unit_param(r, q, code, NULL); }

/* the task of {id}, readable by the user; NULL after replying */
static struct task *task_param(struct req *r, const char *as_of, struct programme **prog)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct task *t;
	int rc = tasks_get(r->db, &r->a, id, as_of, &t);
	struct programme *p = NULL;
	if (rc == E_OK) rc = programmes_get(r->db, &r->a, t->programme_id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!task_readable(r->user, t, p->owner_path)) { reply_fail(r, E_NOTFOUND, NULL); return NULL; }
	if (prog) *prog = p;
	return t;
}

/* ---- programmes ---- */

enum { PF_CODE, PF_TITLE, PF_KIND, PF_LEGAL, PF_DESCRIPTION, PF_STARTS, PF_OWNER, PF_N };
static const char *const kinds[] = { "resolution", "plan", "committee", NULL };
static const struct field_spec programme_fields[PF_N + 1] = {
	[PF_CODE] = { "code", F_TEXT, 1, TASK_CODE_MAX, 0, 0, NULL },
	[PF_TITLE] = { "title", F_TEXT, 1, TASK_TITLE_MAX, 0, 0, NULL },
	[PF_KIND] = { "kind", F_CHOICE, 0, 0, 0, 0, kinds },
	[PF_LEGAL] = { "legal_source", F_TEXT, 0, 500, 0, 0, NULL },
	[PF_DESCRIPTION] = { "description", F_LINES, 0, 4000, 0, 0, NULL },
	[PF_STARTS] = { "starts_on", F_DATE, 0, 10, 0, 0, NULL },
	[PF_OWNER] = { "owner_code", F_TEXT, 0, 32, 0, 0, NULL },
	[PF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* a unit named by code (JSON) or chosen with the picker (form: NAME_id) */
static int64_t unit_input(struct req *r, const char *code, const char *picker, const char *field, struct field_errors *fe)
{
	int64_t id = 0;
	if (code && *code) {
		if (units_find_code(r->db, code, &id) != E_OK) fe_add(fe, field, N_("No unit has this code"));
	} else if (!r->json && picker)
		id = pick_form_id(r, picker);
	return id;
}

static int read_programme(struct req *r, struct programme_in *in, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	input_read(r, programme_fields, &v, fe, 0);
	in->code = v.s[PF_CODE];
	in->title = v.s[PF_TITLE];
	in->kind = v.s[PF_KIND];
	in->legal_source = v.s[PF_LEGAL];
	in->description = v.s[PF_DESCRIPTION];
	in->starts_on = v.s[PF_STARTS];
	in->owner_id = unit_input(r, v.s[PF_OWNER], "owner_id", "owner_code", fe);
	if (!in->owner_id && !fe_get(fe, "owner_code")) fe_add(fe, "owner_code", N_("Is required"));
	return fe->n ? E_INVALID : E_OK;
}

void api_programmes_list(struct req *r)
{
	struct programme *items;
	int n;
	int rc = programmes_list(r->db, &r->a, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) programme_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

static void reply_programme(struct req *r, int status, int64_t id)
{
	struct programme *p;
	int rc = programmes_get(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/programmes/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	programme_json(&w, p);
	reply_json(r, status);
}

void api_programme_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct programme_in in;
	read_programme(r, &in, &fe);
	int64_t id = 0;
	/* the reading's errors go in; the domain adds its own */
	int rc = fe.n && !in.owner_id ? E_INVALID : programmes_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_programme(r, 201, id);
}

void api_programme_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (id) reply_programme(r, 200, id);
}

void api_programme_status(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct programme *p = programme_param(r, id);
	const char *as_of = p ? as_of_param(r) : NULL, *unit = NULL;
	if (!as_of) return;
	struct task_query q = { .programme_id = id, .as_of = as_of };
	if (unit_param(r, &q, &unit) != 0) return;
	scope_query(r, p, &q);
	struct task_counts c;
	int rc = tasks_counts(r->db, &q, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "programme_id", id);
	jw_kstr(&w, "as_of", as_of);
	jw_kstr(&w, "unit", unit);
	task_counts_json(&w, &c);
	jw_obj_end(&w);
	reply_json(r, 200);
}

static void counts_obj(struct jw *w, const char *key, const char *as_of, const struct task_counts *c)
{
	if (key) jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "as_of", as_of);
	task_counts_json(w, c);
	jw_obj_end(w);
}

void api_programme_dashboard(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct programme *p = programme_param(r, id);
	const char *as_of = p ? as_of_param(r) : NULL, *unit = NULL;
	if (!as_of) return;
	struct task_query q = { .programme_id = id, .as_of = as_of };
	if (unit_param(r, &q, &unit) != 0) return;
	scope_query(r, p, &q);
	const char *compare = compare_param(r);
	if (compare && !*compare) return;
	struct task_dashboard *d = arena_alloc(&r->a, sizeof *d);
	int rc = tasks_dashboard(r->db, &r->a, &q, p->starts_on, compare, d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "programme_id", id);
	jw_kstr(&w, "unit", unit);
	counts_obj(&w, "now", as_of, &d->now);
	counts_obj(&w, "compared_with", d->previous, &d->prev);
	jw_key(&w, "by_unit");
	jw_arr(&w);
	for (int i = 0; i < d->nunits; i++) {
		jw_obj(&w);
		jw_kstr(&w, "code", d->units[i].code);
		jw_kstr(&w, "name", d->units[i].name);
		task_counts_json(&w, &d->units[i].c);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "quarters");
	jw_arr(&w);
	for (int i = 0; i < d->nquarters; i++) counts_obj(&w, NULL, d->quarter[i], &d->qcounts[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	reply_json(r, 200);
}

/* ---- tasks ---- */

static const char *const statuses[] = { "done_on_time", "done_late", "not_due", "overdue", NULL };
static const char *const sorts[] = { "code", "due", NULL };

void api_tasks_list(struct req *r)
{
	struct task_query q = { 0 };
	q.programme_id = query_int(r, "programme", 0, 1, INT64_MAX);
	q.limit = query_int(r, "limit", 100, 1, 1000);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	int64_t within = query_int(r, "due_within", -1, 0, 3660);
	const char *status = query_choice(r, "status", statuses);
	q.sort = query_choice(r, "sort", sorts);
	if (query_bad(r)) return;
	if (!q.programme_id) { reply_error(r, 400, "bad_request", N_("Give the programme: ?programme=ID")); return; }
	search_param(r, &q, NULL);
	struct programme *p = programme_param(r, q.programme_id);
	const char *unit = NULL;
	if (!p || !(q.as_of = as_of_param(r)) || unit_param(r, &q, &unit) != 0) return;
	q.status = task_status_parse(status);
	if (within >= 0) {
		char *until = arena_alloc(&r->a, 11);
		task_date_add(q.as_of, within, until);
		q.due_until = until;
		if (!q.sort) q.sort = "due";
	}
	scope_query(r, p, &q);
	struct task *items;
	int n;
	int64_t total;
	int rc = tasks_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) task_json(&w, &items[i], 0);
	reply_list_end(&w, total, q.limit, q.offset);
}

enum { TF_PROGRAMME, TF_CODE, TF_TITLE, TF_PARENT, TF_DOC, TF_ARTICLE, TF_ASSIGNER, TF_LEAD, TF_ASSIGNED, TF_DUE, TF_PRODUCT, TF_N };
static const struct field_spec task_fields[TF_N + 1] = {
	[TF_PROGRAMME] = { "programme_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[TF_CODE] = { "code", F_TEXT, 1, TASK_CODE_MAX, 0, 0, NULL },
	[TF_TITLE] = { "title", F_LINES, 1, TASK_TITLE_MAX, 0, 0, NULL },
	[TF_PARENT] = { "parent_code", F_TEXT, 0, TASK_CODE_MAX, 0, 0, NULL },
	[TF_DOC] = { "source_doc", F_TEXT, 0, 300, 0, 0, NULL },
	[TF_ARTICLE] = { "source_article", F_TEXT, 0, 200, 0, 0, NULL },
	[TF_ASSIGNER] = { "assigner_code", F_TEXT, 0, 32, 0, 0, NULL },
	[TF_LEAD] = { "lead_code", F_TEXT, 0, 32, 0, 0, NULL },
	[TF_ASSIGNED] = { "assigned_on", F_DATE, 1, 10, 0, 0, NULL },
	[TF_DUE] = { "due_on", F_DATE, 0, 10, 0, 0, NULL },
	[TF_PRODUCT] = { "product", F_TEXT, 0, 1000, 0, 0, NULL },
	[TF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static int read_task(struct req *r, int64_t programme_id, struct task_in *in, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	input_read(r, task_fields, &v, fe, 0);
	in->programme_id = programme_id ? programme_id : v.i[TF_PROGRAMME];
	if (!in->programme_id && !fe_get(fe, "programme_id")) fe_add(fe, "programme_id", N_("Is required"));
	in->code = v.s[TF_CODE];
	in->title = v.s[TF_TITLE];
	in->source_doc = v.s[TF_DOC];
	in->source_article = v.s[TF_ARTICLE];
	in->assigned_on = v.s[TF_ASSIGNED];
	in->due_on = v.s[TF_DUE];
	in->product = v.s[TF_PRODUCT];
	in->assigner_id = unit_input(r, v.s[TF_ASSIGNER], "assigner_id", "assigner_code", fe);
	in->lead_id = unit_input(r, v.s[TF_LEAD], "lead_id", "lead_code", fe);
	if (!in->lead_id && !fe_get(fe, "lead_code")) fe_add(fe, "lead_code", N_("Is required"));
	if (v.s[TF_PARENT] && in->programme_id && tasks_find_code(r->db, in->programme_id, v.s[TF_PARENT], &in->parent_id) != E_OK)
		fe_add(fe, "parent_code", N_("No task of this programme has this code"));
	else if (!v.s[TF_PARENT] && !r->json)
		in->parent_id = pick_form_id(r, "parent_id"); /* the page's picker: chosen by title; check_task checks its programme */
	const char *items[TASK_MAX_COORDINATORS + 1];
	int n = 0, present = 0;
	if (input_list(r, "coordinators", items, TASK_MAX_COORDINATORS, &n, &present, fe) == E_OK)
		for (int i = 0; i < n; i++) {
			int64_t id = 0;
			if ((r->json || parse_id(items[i], &id) != 0) && units_find_code(r->db, items[i], &id) != E_OK) {
				fe_add(fe, "coordinators", N_("No unit has this code"));
				break;
			}
			in->coordinators[in->ncoordinators++] = id;
		}
	return fe->n ? E_INVALID : E_OK;
}

/* the domain's checks after the reading's, so that every error is said once */
static int create_task(struct req *r, int64_t programme_id, int64_t *id, struct field_errors *fe)
{
	struct task_in in;
	read_task(r, programme_id, &in, fe);
	if (in.programme_id) {
		struct programme *p;
		if (programmes_get(r->db, &r->a, in.programme_id, &p) != E_OK) {
			if (!fe_get(fe, "programme_id")) fe_add(fe, "programme_id", N_("No programme has this id"));
			return E_INVALID;
		}
	}
	if (fe->n) {
		/* still 403 first when the assigning unit is outside the user's scope */
		struct field_errors more = { 0 };
		int rc = tasks_create(r->db, r->user, &in, &more, id);
		return rc == E_FORBIDDEN ? E_FORBIDDEN : E_INVALID;
	}
	return tasks_create(r->db, r->user, &in, fe, id);
}

void api_task_create(struct req *r)
{
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int rc = create_task(r, 0, &id, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct task *t;
	if ((rc = tasks_get(r->db, &r->a, id, NULL, &t)) != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/tasks/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	task_json(&w, t, 1);
	reply_json(r, 201);
}

static void reply_task(struct req *r, int64_t id)
{
	struct task *t;
	int rc = tasks_get(r->db, &r->a, id, NULL, &t);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	task_json(&w, t, 1);
	reply_json(r, 200);
}

void api_task_get(struct req *r)
{
	const char *as_of = as_of_param(r);
	if (!as_of) return;
	struct task *t = task_param(r, as_of, NULL);
	if (!t) return;
	struct jw w;
	jw_init(&w, &r->out);
	task_json(&w, t, 1);
	reply_json(r, 200);
}

/* ---- the actions, the same for the API and the pages ---- */

enum { AF_PERCENT, AF_NOTE, AF_DONE_ON, AF_PRODUCT, AF_DECISION, AF_COMMENT, AF_DUE, AF_REASON, AF_N };
static const char *const decisions[] = { "accept", "return", NULL };
static const struct field_spec progress_fields[] = {
	{ "percent", F_INT, 1, 0, 0, 100, NULL },
	{ "note", F_LINES, 0, 4000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const struct field_spec completion_fields[] = {
	{ "done_on", F_DATE, 1, 10, 0, 0, NULL },
	{ "product", F_TEXT, 0, 1000, 0, 0, NULL },
	{ "note", F_LINES, 0, 4000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const struct field_spec review_fields[] = {
	{ "decision", F_CHOICE, 1, 0, 0, 0, decisions },
	{ "comment", F_LINES, 0, 4000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const struct field_spec reopen_fields[] = {
	{ "reason", F_LINES, 1, 2000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const struct field_spec extension_fields[] = {
	{ "due_on", F_DATE, 1, 10, 0, 0, NULL },
	{ "reason", F_LINES, 1, 2000, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

/* the evidence uploaded with a page's form (multipart "file"), attached to the report */
static int attach_upload(struct req *r, int64_t task_id, int64_t report_id, struct field_errors *fe)
{
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->len || !p->filename) return E_OK;
	int64_t att;
	return tasks_attach(r->db, r->user, task_id, report_id, p->filename, p->data, p->len, fe, &att);
}

enum { EF_TITLE, EF_DOC, EF_ARTICLE, EF_PRODUCT, EF_LEAD, EF_N };
static const struct field_spec edit_fields[EF_N + 1] = {
	[EF_TITLE] = { "title", F_LINES, 0, TASK_TITLE_MAX, 0, 0, NULL },
	[EF_DOC] = { "source_doc", F_TEXT, 0, 300, 0, 0, NULL },
	[EF_ARTICLE] = { "source_article", F_TEXT, 0, 200, 0, 0, NULL },
	[EF_PRODUCT] = { "product", F_TEXT, 0, 1000, 0, 0, NULL },
	[EF_LEAD] = { "lead_code", F_TEXT, 0, 32, 0, 0, NULL },
	[EF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* a correction: the fields sent (PATCH), or the page's whole form (the
** lead unit and the coordinating units chosen with the picker) */
static void read_edit(struct req *r, struct task_edit *in, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	input_read(r, edit_fields, &v, fe, 1);
	in->has_title = v.present[EF_TITLE] || !r->api;
	in->title = v.s[EF_TITLE];
	in->has_source_doc = v.present[EF_DOC] || !r->api;
	in->source_doc = v.s[EF_DOC];
	in->has_source_article = v.present[EF_ARTICLE] || !r->api;
	in->source_article = v.s[EF_ARTICLE];
	in->has_product = v.present[EF_PRODUCT] || !r->api;
	in->product = v.s[EF_PRODUCT];
	if (v.present[EF_LEAD] || !r->api) {
		in->has_lead = 1;
		in->lead_id = unit_input(r, v.s[EF_LEAD], "lead_id", "lead_code", fe);
		if (!in->lead_id && !fe_get(fe, "lead_code")) fe_add(fe, "lead_code", N_("Is required"));
	}
	const char *items[TASK_MAX_COORDINATORS + 1];
	int n = 0, present = 0;
	if (input_list(r, "coordinators", items, TASK_MAX_COORDINATORS, &n, &present, fe) == E_OK && (present || !r->api)) {
		in->has_coordinators = 1;
		for (int i = 0; i < n; i++) {
			int64_t id = 0;
			if ((r->json || parse_id(items[i], &id) != 0) && units_find_code(r->db, items[i], &id) != E_OK) {
				fe_add(fe, "coordinators", N_("No unit has this code"));
				break;
			}
			in->coordinators[in->ncoordinators++] = id;
		}
	}
}

static int do_action(struct req *r, const char *action, int64_t id, struct field_errors *fe)
{
	char today[11];
	today_iso(today);
	struct input v;
	int rc = E_OK;
	int64_t report = 0;
	/* a report and its evidence: one transaction, so a refused file writes no report */
	int with_file = !r->api && (!strcmp(action, "progress") || !strcmp(action, "completion"));
	if (with_file && (rc = db_tx_begin(r->db)) != E_OK) return rc;
	if (!strcmp(action, "progress")) {
		input_read(r, progress_fields, &v, fe, 0);
		if (!fe->n) rc = tasks_progress(r->db, r->user, id, v.i[0], v.s[1], today, fe, &report);
	} else if (!strcmp(action, "completion")) {
		input_read(r, completion_fields, &v, fe, 0);
		if (!fe->n) rc = tasks_complete(r->db, r->user, id, v.s[0], v.s[1], v.s[2], today, fe, &report);
	} else if (!strcmp(action, "review")) {
		int64_t version = require_version(r, fe);
		input_read(r, review_fields, &v, fe, 0);
		if (!fe->n) rc = tasks_review(r->db, r->user, id, version, !strcmp(v.s[0], "accept"), v.s[1], today, fe);
	} else if (!strcmp(action, "edit")) {
		int64_t version = require_version(r, fe);
		struct task_edit in;
		read_edit(r, &in, fe);
		if (!fe->n) rc = tasks_update(r->db, r->user, id, version, &in, fe);
	} else if (!strcmp(action, "reopen")) {
		int64_t version = require_version(r, fe);
		input_read(r, reopen_fields, &v, fe, 0);
		if (!fe->n) rc = tasks_reopen(r->db, r->user, id, version, v.s[0], today, fe);
	} else {
		int64_t version = require_version(r, fe);
		input_read(r, extension_fields, &v, fe, 0);
		if (!fe->n) rc = tasks_extend(r->db, r->user, id, version, v.s[0], v.s[1], today, fe);
	}
	if (rc == E_OK && fe->n) rc = E_INVALID;
	if (with_file) {
		if (rc == E_OK) rc = attach_upload(r, id, report, fe);
		rc = db_tx_end(r->db, rc);
	}
	return rc;
}

/* the task of {id} for an action: it must exist; whether the user may act
** on it is the domain's answer (403 for someone else's task, as asked) */
static struct task *task_for_action(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct task *t;
	int rc = tasks_get(r->db, &r->a, id, NULL, &t);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return t;
}

static void api_action(struct req *r, const char *action)
{
	struct task *t = task_for_action(r);
	if (!t) return;
	struct field_errors fe = { 0 };
	int rc = do_action(r, action, t->id, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_task(r, t->id);
}

void api_task_progress(struct req *r) { api_action(r, "progress"); }
void api_task_completion(struct req *r) { api_action(r, "completion"); }
void api_task_review(struct req *r) { api_action(r, "review"); }
void api_task_extension(struct req *r) { api_action(r, "extension"); }
void api_task_reopen(struct req *r) { api_action(r, "reopen"); }
void api_task_update(struct req *r) { api_action(r, "edit"); }

/* the evidence of a task: its own files and its reports' */
static int task_files(struct req *r, const struct task *t, struct task_files *out)
{
	memset(out, 0, sizeof *out);
	int cap = 0;
	struct attachment *own;
	int n;
	int rc = files_list(r->db, &r->a, "task", t->id, &own, &n);
	if (rc != E_OK) return rc;
	cap = n;
	struct attachment **per = arena_alloc(&r->a, sizeof *per * (size_t)(t->nreports + 1));
	int *pn = arena_alloc(&r->a, sizeof *pn * (size_t)(t->nreports + 1));
	for (int i = 0; i < t->nreports && rc == E_OK; i++) {
		rc = files_list(r->db, &r->a, "task_report", t->reports[i].id, &per[i], &pn[i]);
		cap += pn[i];
	}
	out->items = arena_alloc(&r->a, sizeof *out->items * (size_t)(cap + 1));
	for (int i = 0; i < t->nreports; i++)
		for (int k = 0; k < pn[i]; k++) out->items[out->n++] = per[i][k];
	for (int k = 0; k < n; k++) out->items[out->n++] = own[k];
	return rc;
}

void api_task_files_list(struct req *r)
{
	struct task *t = task_param(r, NULL, NULL);
	if (!t) return;
	struct task_files f;
	int rc = task_files(r, t, &f);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < f.n; i++) attachment_json(&w, &f.items[i]);
	reply_list_end(&w, f.n, f.n, 0);
}

void api_task_file_create(struct req *r)
{
	struct task *t = task_for_action(r);
	if (!t) return;
	struct field_errors fe = { 0 };
	const struct mp_part *p = req_file(r, "file");
	int64_t att = 0;
	int rc = p && p->filename && p->len ? tasks_attach(r->db, r->user, t->id, 0, p->filename, p->data, p->len, &fe, &att) : E_INVALID;
	if (rc == E_INVALID && !fe.n) fe_add(&fe, "file", N_("Choose a file to upload"));
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct attachment *a;
	if ((rc = files_get(r->db, &r->a, att, &a)) != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/files/%lld", (long long)att));
	struct jw w;
	jw_init(&w, &r->out);
	attachment_json(&w, a);
	reply_json(r, 201);
}

int tasks_attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	if (!strcmp(entity, "task_report")) {
		if (db_int1(r->db, &entity_id, "SELECT task_id FROM task_reports WHERE id = $1", "i", entity_id) != DB_ROW) return 0;
	} else if (strcmp(entity, "task") != 0)
		return 0;
	struct task *t;
	struct programme *p;
	if (tasks_get(r->db, &r->a, entity_id, NULL, &t) != E_OK || programmes_get(r->db, &r->a, t->programme_id, &p) != E_OK) return 0;
	return task_readable(r->user, t, p->owner_path);
}

/* ---- pages ---- */

const char *task_status_label(struct req *r, enum task_status s)
{
	static const char *const words[TS_N] = { N_("not yet assigned"), N_("done on time"), N_("done late"), N_("not yet due"), N_("overdue") };
	return _(words[s < TS_N ? s : 0]);
}

const char *task_state_label(struct req *r, const char *state)
{
	if (!strcmp(state, "submitted")) return _("waiting for review");
	if (!strcmp(state, "done")) return _("accepted");
	return _("in progress");
}

void tmpl_delta(struct buf *o, struct req *r, int64_t now, int64_t before)
{
	int64_t d = now - before;
	buf_raw(o, d > 0 ? "+" : d < 0 ? "−" : "±");
	fmt_int(o, r->lang, d < 0 ? -d : d);
}

/* the chart `which` of a dashboard ("status", "units", "quarters"), its
** strings in the arena; drawn as SVG on the page and by cairo in the PDF */
void task_chart(struct req *r, const struct task_dashboard *d, const char *which, struct chart *c)
{
	static const char *const names[] = { N_("done on time"), N_("done late"), N_("not yet due"), N_("overdue") };
	memset(c, 0, sizeof *c);
	c->format = CHART_INT;
	const char **labels;
	double *v[4];
	int n;
	if (!strcmp(which, "status")) {
		c->kind = CHART_COLUMNS;
		n = 4;
		labels = arena_alloc(&r->a, sizeof *labels * 4);
		v[0] = arena_alloc(&r->a, sizeof(double) * 4);
		for (int s = 0; s < 4; s++) {
			labels[s] = _(names[s]);
			v[0][s] = (double)d->now.n[s + 1];
		}
		c->nseries = 1;
		c->series[0] = (struct chart_series){ _("Tasks"), v[0] };
	} else {
		int units = !strcmp(which, "units");
		n = units ? (d->nunits < 20 ? d->nunits : 20) : d->nquarters;
		c->kind = units ? CHART_STACKED : CHART_LINE;
		labels = arena_alloc(&r->a, sizeof *labels * (size_t)(n + 1));
		for (int s = 0; s < 4; s++) v[s] = arena_alloc(&r->a, sizeof(double) * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			const struct task_counts *tc = units ? &d->units[i].c : &d->qcounts[i];
			if (units) labels[i] = d->units[i].name;
			else {
				struct buf b;
				buf_init(&b);
				fmt_date(&b, r->lang, d->quarter[i]);
				labels[i] = arena_strdup(&r->a, buf_cstr(&b));
				buf_free(&b);
			}
			for (int s = 0; s < 4; s++) v[s][i] = (double)tc->n[s + 1];
		}
		c->nseries = 4;
		for (int s = 0; s < 4; s++) c->series[s] = (struct chart_series){ _(names[s]), v[s] };
		if (units && d->nunits > n) c->caption = arena_printf(&r->a, _("The %d units with the most overdue tasks of %d — see the table"), n, d->nunits);
	}
	c->n = n;
	c->labels = labels;
	/* the chart's name: drawn above it and its text alternative (aria-label, <title>) */
	c->title = !strcmp(which, "status") ? _("The four statuses") : !strcmp(which, "units") ? _("By lead unit") : _("Over time (the last day of each quarter)");
}

void tmpl_task_chart(struct buf *o, struct req *r, const struct task_dashboard *d, const char *which)
{
	struct chart c;
	task_chart(r, d, which, &c);
	buf_raw(o, "<figure class=\"chart\">");
	chart_figure(o, &c, r->lang);
	buf_raw(o, "</figure>\n");
}

static void programmes_page(struct req *r, const struct field_errors *fe)
{
	struct programme *items;
	int n;
	int rc = programmes_list(r->db, &r->a, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	page_begin(r, _("Tasks"), "tasks");
	tmpl_programmes_page(&r->out, r, items, n, role_can_any(r->user, PERM_TASK_ASSIGN), fe);
	page_end(r);
}

void page_programmes(struct req *r) { programmes_page(r, NULL); }

void page_programme_create(struct req *r)
{
	/* the owner picker searched: the page again, the form as typed (it reads the post), nothing created */
	if (pick_step(r)) { programmes_page(r, NULL); return; }
	struct field_errors fe = { 0 };
	struct programme_in in;
	read_programme(r, &in, &fe);
	int64_t id = 0;
	int rc = fe.n && !in.owner_id ? E_INVALID : programmes_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The programme was created"));
		reply_redirect(r, arena_printf(&r->a, "/programmes/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	r->status = 422;
	programmes_page(r, &fe);
}

static void programme_view(struct req *r, struct programme *p, const struct field_errors *fe)
{
	struct programme_view *v = arena_alloc(&r->a, sizeof *v);
	v->p = p;
	char today[11];
	today_iso(today);
	/* a date the officer typed that is not one: today's page, the error at the field */
	const char *typed = req_query(r, "as_of");
	if (typed && *typed && !date_from_user(&r->a, typed)) {
		v->as_of = arena_strdup(&r->a, today);
		v->as_of_typed = typed;
		r->status = 400;
	} else
		v->as_of = as_of_param(r);
	if (!v->as_of) return;
	if (strcmp(v->as_of, today)) v->task_at = arena_printf(&r->a, "?as_of=%s", v->as_of);
	struct task_query q = { .programme_id = p->id, .as_of = v->as_of };
	if (tasks_unit_param(r, &q, &v->unit_code, &v->unit_id) != 0) return;
	scope_query(r, p, &q);
	v->limit = query_int(r, "limit", 50, 1, 500);
	v->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	v->days = (int)query_int(r, "days", 14, 1, 366);
	v->status = query_choice(r, "status", statuses);
	if (query_bad(r)) return;
	/* likewise a date compared with that is not one: the previous quarter's end, the error at its box */
	const char *ctyped = req_query(r, "compare");
	if (ctyped && *ctyped && !date_from_user(&r->a, ctyped)) {
		v->compare = NULL;
		v->compare_typed = ctyped;
		r->status = 400;
	} else {
		v->compare = compare_param(r);
		if (v->compare && !*v->compare) return;
	}
	v->d = arena_alloc(&r->a, sizeof *v->d);
	q.units_named = TASK_PAGE_UNITS;  /* the page names the 50 most overdue units, the chart 20 of them */
	int rc = tasks_dashboard(r->db, &r->a, &q, p->starts_on, v->compare, v->d);
	q.units_named = 0;
	struct task_query lq = q;
	lq.status = TS_OVERDUE;
	lq.sort = "due";
	lq.limit = TASK_DASHBOARD_OVERDUE;
	/* the lists' counts are the dashboard's: the same tasks on the same date */
	lq.known_total = v->d->now.n[TS_OVERDUE];
	if (*v->d->overdue_due_max) lq.due_max = v->d->overdue_due_max;
	if (rc == E_OK) rc = tasks_list(r->db, &r->a, &lq, &v->overdue, &v->noverdue, &v->overdue_total);
	lq.known_total = 0;
	lq.due_max = NULL;
	char *until = arena_alloc(&r->a, 11);
	task_date_add(v->as_of, v->days, until);
	lq.status = TS_NONE;
	lq.due_until = until;
	int64_t soon_total;
	if (rc == E_OK) rc = tasks_list(r->db, &r->a, &lq, &v->soon, &v->nsoon, &soon_total);
	lq = q;
	lq.status = task_status_parse(v->status);
	lq.limit = v->limit;
	lq.offset = v->offset;
	search_param(r, &lq, &v->q);
	/* the dashboard counted them, unless words narrow the list */
	lq.known_total = lq.nwords ? 0 : lq.status ? v->d->now.n[lq.status] : v->d->now.total;
	if (rc == E_OK) rc = tasks_list(r->db, &r->a, &lq, &v->tasks, &v->ntasks, &v->total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	v->can_assign = role_can(r->user, PERM_TASK_ASSIGN, p->owner_path);
	/* the parent of a new sub-task: the form's choice, or a task page's link (?parent=) */
	const char *pq = req_query(r, "parent");
	if (r->method == M_POST) v->parent = pick_form_id(r, "parent_id");
	else if (pq && parse_id(pq, &v->parent) != 0) v->parent = 0;
	page_begin(r, p->title, "tasks");
	tmpl_programme_page(&r->out, r, v, fe);
	page_end(r);
}

void page_programme(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	struct programme *p = id ? programme_param(r, id) : NULL;
	if (p) programme_view(r, p, NULL);
}

void page_programme_task_create(struct req *r)
{
	int64_t pid = param_id_or_404(r, 0);
	struct programme *p = pid ? programme_param(r, pid) : NULL;
	if (!p) return;
	/* a picker searched: the page again, the form as typed (it reads the post), nothing assigned */
	if (pick_step(r)) { programme_view(r, p, NULL); return; }
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int rc = create_task(r, p->id, &id, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("The task was assigned"));
		reply_redirect(r, arena_printf(&r->a, "/tasks/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	r->status = 422;
	programme_view(r, p, &fe);
}

static void task_view(struct req *r, struct task *t, struct programme *p, const struct field_errors *fe, const char *form)
{
	struct task_files files;
	int rc = task_files(r, t, &files);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	int can_report = role_can(r->user, PERM_TASK_REPORT, t->lead_path);
	int can_assign = role_can(r->user, PERM_TASK_ASSIGN, t->assigner_path);
	page_begin(r, arena_printf(&r->a, "%s %s", _("Task"), t->code), "tasks");
	char today[11];
	today_iso(today);
	/* a day other than today (a link of the programme page on that day): the page says so */
	int past = t->as_of && strcmp(t->as_of, today) != 0;
	tmpl_task_page(&r->out, r, t, p, &files, can_report, can_assign, fe, form, past);
	page_end(r);
}

void page_task(struct req *r)
{
	const char *as_of = as_of_param(r);
	struct programme *p;
	struct task *t = as_of ? task_param(r, as_of, &p) : NULL;
	if (t) task_view(r, t, p, NULL, NULL);
}

static void page_action(struct req *r, const char *action)
{
	struct programme *p;
	struct task *t = task_param(r, NULL, &p);
	if (!t) return;
	/* a picker of the form searched: the page again, the form as typed (it reads the post), nothing saved */
	if (pick_step(r)) { task_view(r, t, p, NULL, action); return; }
	struct field_errors fe = { 0 };
	int rc = do_action(r, action, t->id, &fe);
	if (rc == E_OK) {
		static const char *const done[] = { N_("The progress was recorded"), N_("The completion was sent for review"),
						    N_("The review was recorded"), N_("The deadline was extended"), N_("The task was reopened"),
						    N_("The task was corrected") };
		int k = !strcmp(action, "progress")     ? 0
			: !strcmp(action, "completion") ? 1
			: !strcmp(action, "review")     ? 2
			: !strcmp(action, "reopen")     ? 4
			: !strcmp(action, "edit")       ? 5
							: 3;
		flash_set(r, done[k]);
		reply_redirect(r, arena_printf(&r->a, "/tasks/%lld", (long long)t->id));
		return;
	}
	int stale = rc == E_CONFLICT && !fe.n;
	if (rc != E_INVALID && rc != E_STATE && !stale) { reply_fail(r, rc, &fe); return; }
	r->status = rc == E_STATE ? 409 : 422;
	struct task *again;
	if (tasks_get(r->db, &r->a, t->id, NULL, &again) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	/* saved by someone else meanwhile: the form again over the current version, with what was typed */
	if (stale) form_conflict(r, again->version);
	task_view(r, again, p, &fe, action);
}

void page_task_progress(struct req *r) { page_action(r, "progress"); }
void page_task_completion(struct req *r) { page_action(r, "completion"); }
void page_task_review(struct req *r) { page_action(r, "review"); }
void page_task_extension(struct req *r) { page_action(r, "extension"); }
void page_task_reopen(struct req *r) { page_action(r, "reopen"); }
void page_task_edit(struct req *r) { page_action(r, "edit"); }

/* ---- the home page's section (home_web.c calls it) ---- */

/* a tile of the home page, as home.html's own (a count that waits is marked "todo") */
void tmpl_home_task_tile(struct buf *o, struct req *r, const char *id, int64_t n, const char *href, const char *label)
{
	buf_printf(o, "<li id=\"%s\" class=\"%s\"><a href=\"%s\"><strong>", id, n ? "todo" : "done", href);
	fmt_int(o, r->lang, n);
	buf_raw(o, "</strong> <span>");
	buf_html(o, label);
	buf_raw(o, "</span></a></li>\n");
}

/* the completions returned to the reader's units (the query's scope set);
** 0: none to show (no grant to report, or nothing returned). *everywhere:
** a grant over the whole tree (an administrator, the central officer) */
static int returned_in_scope(struct req *r, struct task_query *q, struct task **back, int *nback, int64_t *tback, int *everywhere)
{
	if (!role_can_any(r->user, PERM_TASK_REPORT)) return 0;
	char today[11];
	today_iso(today);
	q->as_of = arena_strdup(&r->a, today);
	/* -1: a grant over the whole tree: every unit's, nranges 0 */
	int n = units_scope_ranges(r, PERM_TASK_REPORT, q->range_lo, TASK_MAX_RANGES);
	if (n == 0) return 0;
	q->nranges = n > 0 ? n : 0;
	*everywhere = n < 0;
	return tasks_returned(r->db, &r->a, q, back, nback, tback) == E_OK && *tback;
}

void tasks_home_returned(struct buf *o, struct req *r)
{
	struct task_query q = { .limit = 8 };
	struct task *back = NULL;
	int nback = 0, everywhere = 0;
	int64_t tback = 0;
	if (returned_in_scope(r, &q, &back, &nback, &tback, &everywhere)) tmpl_home_returned(o, r, back, nback, tback, everywhere);
}

/* GET /tasks/returned: every completion returned for correction in the
** reader's scope, the home page's list whole, a page at a time */
void page_tasks_returned(struct req *r)
{
	struct task_query q = { .limit = query_int(r, "limit", 50, 1, 500), .offset = query_int(r, "offset", 0, 0, INT64_MAX) };
	if (query_bad(r)) return;
	struct task *back = NULL;
	int nback = 0, everywhere = 0;
	int64_t tback = 0;
	returned_in_scope(r, &q, &back, &nback, &tback, &everywhere);
	page_begin(r, everywhere ? _("Returned for correction") : _("Returned to you"), "tasks");
	tmpl_tasks_returned_page(&r->out, r, back, nback, tback, everywhere, q.limit, q.offset);
	page_end(r);
}

void tasks_home_section(struct buf *o, struct req *r)
{
	/* a viewer or council member reports on nothing but follows the tasks
	** led in their scope: the leader of a province reads its overdue count here */
	int reader = !role_can_any(r->user, PERM_TASK_REPORT);
	char today[11], until[11];
	today_iso(today);
	task_date_add(today, TASKS_REMIND_DAYS, until);
	struct task_query q = { .as_of = arena_strdup(&r->a, today), .status = TS_OVERDUE, .sort = "due", .limit = 8 };
	int n = units_scope_ranges(r, reader ? PERM_READ : PERM_TASK_REPORT, q.range_lo, TASK_MAX_RANGES);
	if (n == 0) return;   /* no grant: no scope (-1 is the whole tree) */
	q.nranges = n < 0 ? 0 : n;
	struct task *od = NULL, *soon = NULL;
	int nod = 0, nsoon = 0;
	int64_t tod = 0, tsoon = 0;
	if (tasks_list(r->db, &r->a, &q, &od, &nod, &tod) != E_OK) return;
	q.status = TS_NONE;
	q.due_until = until;
	if (tasks_list(r->db, &r->a, &q, &soon, &nsoon, &tsoon) != E_OK) return;
	if (!tod && !tsoon) {
		/* a reader whose units lead no task at all sees no section */
		struct task_query any = { .as_of = q.as_of, .nranges = q.nranges };
		memcpy(any.range_lo, q.range_lo, sizeof any.range_lo);
		struct task_counts c;
		if (tasks_counts(r->db, &any, &c) != E_OK || !c.total) return;
	}
	tmpl_home_tasks(o, r, od, nod, tod, soon, nsoon, tsoon, TASKS_REMIND_DAYS, reader);
}

/* ---- the PDF report of a programme's status (GET …/report.pdf?as_of=&compare=&unit=) ---- */

static void pdf_counts_row(struct pdf *p, struct req *r, const char *label, const struct task_counts *c)
{
	struct buf b[7];
	const int64_t v[] = { c->total, task_counts_done(c), c->n[TS_DONE_ON_TIME], c->n[TS_DONE_LATE], c->n[TS_NOT_DUE], c->n[TS_OVERDUE] };
	const char *cells[8] = { label };
	for (int i = 0; i < 6; i++) {
		buf_init(&b[i]);
		fmt_int(&b[i], r->lang, v[i]);
		cells[i + 1] = buf_cstr(&b[i]);
	}
	buf_init(&b[6]);
	fmt_number(&b[6], r->lang, (double)(int64_t)(task_counts_done_percent(c) * 10 + 0.5) / 10);
	buf_raw(&b[6], "%");
	cells[7] = buf_cstr(&b[6]);
	pdf_row(p, cells);
	for (int i = 0; i < 7; i++) buf_free(&b[i]);
}

static int write_report(struct req *r, const struct programme *pr, const struct task_dashboard *d, const struct task *od, int nod,
			int64_t tod, FILE *f)
{
	struct pdf *p = pdf_open(f, pr->title, r->lang, "thidua", _("Status of the tasks"));
	if (!p) return E_DB;
	struct unit *owner;
	const char *parent = NULL;
	if (units_get(r->db, &r->a, pr->owner_id, &owner) == E_OK && owner->parent_name) parent = owner->parent_name;
	/* "Cà Mau, ngày 14 tháng 10 năm 2025" in the reader's language, as a movement's report dates itself */
	const char *place;
	mv_issuer(r->db, &r->a, pr->owner_id, NULL, &place);
	struct buf date;
	buf_init(&date);
	if (place) buf_printf(&date, "%s, ", place);
	mv_long_date(&date, r->lang, atoi(d->as_of), atoi(d->as_of + 5), atoi(d->as_of + 8));
	if (!place && date.len && !strcmp(r->lang, "vi")) date.p[0] = 'N'; /* "Ngày ..." opens the line */
	pdf_letterhead(p, parent, pr->owner_name, buf_cstr(&date));
	buf_free(&date);
	pdf_title(p, _("REPORT"), arena_printf(&r->a, "%s: %s", _("Status of the tasks"), pr->title));
	if (pr->legal_source) pdf_fact(p, _("Legal source"), pr->legal_source);
	struct buf b;
	buf_init(&b);
	fmt_date(&b, r->lang, d->as_of);
	pdf_fact(p, _("Status as of"), buf_cstr(&b));
	buf_reset(&b);
	fmt_date(&b, r->lang, d->previous);
	pdf_fact(p, _("Compared with"), buf_cstr(&b));
	buf_free(&b);
	const char *h[] = { _("Date"), _("Tasks"), _("done"), task_status_label(r, TS_DONE_ON_TIME), task_status_label(r, TS_DONE_LATE),
			    task_status_label(r, TS_NOT_DUE), task_status_label(r, TS_OVERDUE), "%" };
	pdf_heading(p, 1, _("The four statuses"));
	pdf_table(p, 8, h, (const double[]){ 2, 1, 1, 1.3, 1.3, 1.3, 1, 1 }, "lrrrrrrr");
	struct buf d1, d2;
	buf_init(&d1);
	buf_init(&d2);
	fmt_date(&d1, r->lang, d->previous);
	fmt_date(&d2, r->lang, d->as_of);
	pdf_counts_row(p, r, buf_cstr(&d1), &d->prev);
	pdf_counts_row(p, r, buf_cstr(&d2), &d->now);
	buf_free(&d1);
	buf_free(&d2);
	pdf_table_end(p);
	struct chart c;
	task_chart(r, d, "status", &c);
	c.title = NULL; /* the heading says it */
	pdf_chart(p, &c);
	pdf_heading(p, 1, _("Over time (the last day of each quarter)"));
	task_chart(r, d, "quarters", &c);
	c.title = NULL;
	pdf_chart(p, &c);
	pdf_heading(p, 1, _("By lead unit"));
	task_chart(r, d, "units", &c);
	c.title = NULL;
	pdf_chart(p, &c);
	h[0] = _("Lead unit");
	pdf_table(p, 8, h, (const double[]){ 3, 1, 1, 1.3, 1.3, 1.3, 1, 1 }, "lrrrrrrr");
	for (int i = 0; i < d->nunits; i++) pdf_counts_row(p, r, d->units[i].name, &d->units[i].c);
	pdf_table_end(p);
	pdf_heading(p, 1, arena_printf(&r->a, "%s (%lld)", _("Overdue"), (long long)tod));
	const char *oh[] = { _("Code"), _("Task"), _("Lead unit"), _("Deadline"), _("Days late") };
	pdf_table(p, 5, oh, (const double[]){ 1.2, 4, 2.2, 1.3, 1 }, "lllrr");
	for (int i = 0; i < nod; i++) {
		struct buf due, late;
		buf_init(&due);
		buf_init(&late);
		fmt_date(&due, r->lang, od[i].due_at);
		fmt_int(&late, r->lang, od[i].days_late);
		const char *row[] = { od[i].code, od[i].title, od[i].lead_name, buf_cstr(&due), buf_cstr(&late) };
		pdf_row(p, row);
		buf_free(&due);
		buf_free(&late);
	}
	pdf_table_end(p);
	return pdf_close(p) == 0 ? E_OK : E_DB;
}

void programme_report_download(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	struct programme *p = id ? programme_param(r, id) : NULL;
	const char *as_of = p ? as_of_param(r) : NULL, *unit = NULL;
	if (!as_of) return;
	struct task_query q = { .programme_id = id, .as_of = as_of };
	if (unit_param(r, &q, &unit) != 0) return;
	scope_query(r, p, &q);
	const char *compare = compare_param(r);
	if (compare && !*compare) return;
	struct task_dashboard *d = arena_alloc(&r->a, sizeof *d);
	int rc = tasks_dashboard(r->db, &r->a, &q, p->starts_on, compare, d);
	struct task_query lq = q;
	lq.status = TS_OVERDUE;
	lq.sort = "due";
	lq.limit = 500;
	struct task *od = NULL;
	int nod = 0;
	int64_t tod = 0;
	if (rc == E_OK) rc = tasks_list(r->db, &r->a, &lq, &od, &nod, &tod);
	char *data = NULL;
	size_t len = 0;
	FILE *f = rc == E_OK ? open_memstream(&data, &len) : NULL;
	if (!f) { reply_fail(r, rc == E_OK ? E_DB : rc, NULL); return; }
	rc = write_report(r, p, d, od, nod, tod, f);
	fclose(f);
	if (rc != E_OK) { free(data); reply_fail(r, rc, NULL); return; }
	r->status = 200;
	r->ctype = "application/pdf";
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s-%s.pdf\"", p->code, as_of));
	req_set_header(r, "Cache-Control", "private, no-store");
	buf_add(&r->out, data, len);
	free(data);
}
