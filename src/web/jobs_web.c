/* Background jobs on the web: the JSON of a job (GET /api/v1/jobs/{id}),
** its page with a progress bar (GET /jobs/{id}), the file it produced (GET
** /api/v1/jobs/{id}/file and /jobs/{id}/file), and the 202 or 303 that
** answers a request which queued one. Only the job's owner, or an
** administrator, sees a job; anyone else gets 404 as for a job that does
** not exist. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/util.h"
#include "tmpl_jobs.h"

/* the job named by {id}, if the user may see it; else replies 404 */
static int load_job(struct req *r, struct job *j)
{
	int64_t id;
	int rc = parse_id(r->params[0], &id) == 0 ? jobs_get(r->db, &r->a, id, j) : E_NOTFOUND;
	if (rc == E_OK && j->owner_id != r->user->id && !role_can_any(r->user, PERM_ADMIN)) rc = E_NOTFOUND;
	if (rc != E_OK) reply_fail(r, rc, NULL);
	return rc == E_OK;
}

static void write_job(struct jw *w, struct req *r, const struct job *j)
{
	jw_obj(w);
	jw_kint(w, "id", j->id);
	jw_kstr(w, "kind", j->kind);
	jw_kstr(w, "status", j->status);
	jw_kstr(w, "entity", j->entity);
	jw_key(w, "entity_id");
	if (j->entity_id) jw_int(w, j->entity_id);
	else jw_null(w);
	jw_kstr(w, "url", arena_printf(&r->a, "/jobs/%lld", (long long)j->id));
	if (j->output_name) jw_kstr(w, "file", arena_printf(&r->a, "/api/v1/jobs/%lld/file", (long long)j->id));
	jw_key(w, "progress");
	jw_obj(w);
	jw_kint(w, "done", j->done);
	jw_key(w, "total");
	if (j->total >= 0) jw_int(w, j->total);
	else jw_null(w);
	jw_obj_end(w);
	jw_key(w, "result");
	if (j->result) jw_raw(w, j->result);
	else jw_null(w);
	jw_key(w, "errors");
	jw_arr(w);
	for (const char *p = j->errors ? j->errors : ""; *p;) {
		size_t n = strcspn(p, "\n");
		jw_str(w, arena_strndup(&r->a, p, n));
		p += n;
		if (*p) p++;
	}
	jw_arr_end(w);
	jw_kstr(w, "reason", j->reason);
	jw_kstr(w, "created_at", j->created_at);
	jw_kstr(w, "started_at", j->started_at);
	jw_kstr(w, "finished_at", j->finished_at);
	jw_obj_end(w);
}

void reply_job_accepted(struct req *r, int64_t id)
{
	const char *page = arena_printf(&r->a, "/jobs/%lld", (long long)id);
	if (!r->api) { reply_redirect(r, page); return; }
	struct job j;
	if (jobs_get(r->db, &r->a, id, &j) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 202);
	req_set_header(r, "Location", arena_printf(&r->a, "/api/v1/jobs/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	write_job(&w, r, &j);
}

void api_job_get(struct req *r)
{
	struct job j;
	if (!load_job(r, &j)) return;
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	write_job(&w, r, &j);
}

/* the file the job produced, to its owner or an admin; 404 before it is done */
void api_job_file(struct req *r)
{
	struct job j;
	if (!load_job(r, &j)) return;
	void *data = NULL;
	size_t len = 0;
	const char *name, *type;
	int rc = strcmp(j.status, "done") ? E_NOTFOUND : jobs_output(r->db, &r->a, j.id, &data, &len, &name, &type);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	r->status = 200;
	r->ctype = type;
	/* the name is the feature's (a code and an extension): no quote nor control character */
	char safe[200];
	size_t k = 0;
	for (const char *p = name; *p && k + 1 < sizeof safe; p++) safe[k++] = *p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ? '_' : *p;
	safe[k] = 0;
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s\"", safe));
	req_set_header(r, "Cache-Control", "private, no-store");
	buf_add(&r->out, data, len);
	free(data);
}

/* a label of each kind of job the product knows; an unknown one shows its name */
const char *job_kind_label(const char *kind)
{
	static const char *const k[][2] = {
		{ "import_models", N_("Import of models") },
		{ "import_results", N_("Import of results") },
		{ "import_registrations", N_("Import of registrations") },
		{ "export", N_("Export") },
		{ "report_pdf", N_("PDF report") },
	};
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (!strcmp(k[i][0], kind)) return k[i][1];
	return kind;
}

void page_job(struct req *r)
{
	struct job j;
	if (!load_job(r, &j)) return;
	struct job_counts c = { -1, 0, 0, 0, 0, -1 };
	if (j.result) {
		json_t *o = json_loads(j.result, 0, NULL);
		if (o) {
			c.lines = json_integer_value(json_object_get(o, "lines"));
			c.inserted = json_integer_value(json_object_get(o, "inserted"));
			c.updated = json_integer_value(json_object_get(o, "updated"));
			c.unchanged = json_integer_value(json_object_get(o, "unchanged"));
			c.rejected = json_integer_value(json_object_get(o, "rejected"));
			if (json_is_integer(json_object_get(o, "reports"))) c.reports = json_integer_value(json_object_get(o, "reports"));
			json_decref(o);
		}
	}
	req_set_header(r, "Cache-Control", "no-store");
	page_begin(r, arena_printf(&r->a, "%s %lld", _(job_kind_label(j.kind)), (long long)j.id), "");
	tmpl_job_page(&r->out, r, &j, &c);
	page_end(r);
}
