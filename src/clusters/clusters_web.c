/* Emulation clusters over the API (clusters.h):
**   GET  /api/v1/clusters?q=                                  the clusters, each with its newest year
**   POST /api/v1/clusters                                     {"code","name","kind","organiser_code","description"}
**   GET|PATCH /api/v1/clusters/{id}
**   POST /api/v1/clusters/{id}/years                          {"year", "members":[codes], "leader","deputy","cross_mode","method","trim","deadline","agreement_*"}
**   GET|PATCH /api/v1/clusters/{id}/years/{year}              (PATCH with "version")
**   PUT  …/years/{year}/criteria                              {"version","criteria":[{"code","title","kind","max","parent","evidence","rule"}]}
**   POST …/years/{year}/criteria/copy                         {"version","from_year"}
**   POST …/years/{year}/criteria/import                       multipart: file, version (CSV or XLSX, all or nothing)
**   POST …/years/{year}/rotation                              {"version","leader","deputy","note"}
**   POST …/years/{year}/rotation/confirm                      {"version"}
**   GET  …/years/{year}/scorecards
**   PUT  …/years/{year}/scorecards                            {"scorer","target","kind","version","points":{code:n},"evidence":{code:text}}
**   GET  /api/v1/scorecards/{id}; POST …/submit {"version"}; POST …/reopen {"version","reason"}
**   GET  …/years/{year}/ranking                               the final scores, the ranking, the bias report
**   POST …/years/{year}/tiebreaks                             {"unit","order","reason"}
**   GET  …/years/{year}/agreement; POST …/agreement/signatures {"unit"}
**   GET  /api/v1/agreement-keys                               the signing users' public keys */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/i18n.h"
#include "../base/multipart.h"
#include "../units/units.h"
#include "clusters_int.h"
#include "clusters_web.h"

/* ---- loading ---- */

static struct cluster *load_cluster(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct cluster *c;
	int rc = clusters_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return c;
}

struct cyear *cl_load_year(struct req *r)
{
	int64_t id = param_id_or_404(r, 0), year = id ? param_id_or_404(r, 1) : 0;
	if (!year) return NULL;
	struct cyear *y;
	int rc = cyear_get(r->db, &r->a, id, year, &y);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return y;
}

static void reply_year(struct req *r, int status, int64_t cluster_id, int64_t year)
{
	struct cyear *y;
	int rc = cyear_get(r->db, &r->a, cluster_id, year, &y);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/clusters/%lld/years/%lld", (long long)cluster_id, (long long)year));
	struct jw w;
	jw_init(&w, &r->out);
	cyear_json(&w, y);
	reply_json(r, status);
}

static void reply_cluster(struct req *r, int status, int64_t id)
{
	struct cluster *c;
	int rc = clusters_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/clusters/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	cluster_json(&w, c);
	reply_json(r, status);
}

/* a unit named by its code (API) or id (a form's picker or select): >0, 0 absent, -1 bad (in fe) */
int64_t cl_unit_arg(struct req *r, const char *name, struct field_errors *fe)
{
	const char *v = NULL;
	int64_t id = 0;
	if (r->json) {
		json_t *j = json_object_get(r->json, name);
		if (json_is_integer(j)) return json_integer_value(j) > 0 ? json_integer_value(j) : (fe_add(fe, name, N_("No such unit")), -1);
		if (j && !json_is_null(j) && !json_is_string(j)) { fe_add(fe, name, N_("Must be text")); return -1; }
		v = json_string_value(j);
	} else {
		v = req_form(r, name);
	}
	if (!v || !*v) return 0;
	if (parse_id(v, &id) == 0) return id;
	if (units_find_code(r->db, v, &id) != E_OK) { fe_add(fe, name, N_("No unit has this code")); return -1; }
	return id;
}

/* ---- clusters ---- */

enum { CF_CODE, CF_NAME, CF_KIND, CF_DESC, CF_N };
static const struct field_spec cluster_fields[CF_N + 1] = {
	[CF_CODE] = { "code", F_TEXT, 0, 32, 0, 0, NULL },
	[CF_NAME] = { "name", F_TEXT, 0, 300, 0, 0, NULL },
	[CF_KIND] = { "kind", F_CHOICE, 0, 16, 0, 0, cluster_kinds },
	[CF_DESC] = { "description", F_LINES, 0, 4000, 0, 0, NULL },
	[CF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

int cl_read_cluster(struct req *r, struct cluster_in *in, struct field_errors *fe, int partial)
{
	struct input v;
	memset(in, 0, sizeof *in);
	int rc = input_read(r, cluster_fields, &v, fe, partial);
	in->code = v.s[CF_CODE];
	in->name = v.s[CF_NAME];
	in->kind = v.s[CF_KIND];
	in->description = v.s[CF_DESC];
	if (!partial) {
		int64_t o = cl_unit_arg(r, r->json ? "organiser_code" : "organiser_id", fe);
		if (o > 0) in->organiser_id = o;
		else if (o == 0) fe_add(fe, r->json ? "organiser_code" : "organiser_id", N_("Is required"));
	}
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

void api_clusters_list(struct req *r)
{
	struct cluster *items;
	int n;
	int rc = clusters_list(r->db, &r->a, req_query(r, "q"), &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) cluster_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

void api_cluster_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct cluster_in in;
	int64_t id = 0;
	int rc = cl_read_cluster(r, &in, &fe, 0);
	if (rc == E_OK) rc = clusters_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_cluster(r, 201, id);
}

void api_cluster_get(struct req *r)
{
	struct cluster *c = load_cluster(r);
	if (!c) return;
	struct jw w;
	jw_init(&w, &r->out);
	cluster_json(&w, c);
	reply_json(r, 200);
}

void api_cluster_update(struct req *r)
{
	struct cluster *c = load_cluster(r);
	if (!c) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct cluster_in in;
	int rc = cl_read_cluster(r, &in, &fe, 1);
	if (rc == E_OK && version < 0) rc = E_INVALID;
	if (rc == E_OK) rc = clusters_update(r->db, r->user, c->id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_cluster(r, 200, c->id);
}

/* ---- years ---- */

enum { YF_YEAR, YF_CROSS, YF_METHOD, YF_TRIM, YF_DEADLINE, YF_ATITLE, YF_ATEXT, YF_ATARGETS, YF_N };
static const struct field_spec year_fields[YF_N + 1] = {
	[YF_YEAR] = { "year", F_INT, 0, 0, 1945, 2200, NULL },
	[YF_CROSS] = { "cross_mode", F_CHOICE, 0, 16, 0, 0, cluster_cross_modes },
	[YF_METHOD] = { "method", F_CHOICE, 0, 16, 0, 0, cluster_methods },
	[YF_TRIM] = { "trim", F_INT, 0, 0, 0, 10, NULL },
	[YF_DEADLINE] = { "deadline", F_DATE, 0, 10, 0, 0, NULL },
	[YF_ATITLE] = { "agreement_title", F_TEXT, 0, 300, 0, 0, NULL },
	[YF_ATEXT] = { "agreement_text", F_LINES, 0, 20000, 0, 0, NULL },
	[YF_ATARGETS] = { "agreement_targets", F_LINES, 0, 20000, 0, 0, NULL },
	[YF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* a year's fields; *year: the "year" given (creation) */
int cl_read_year(struct req *r, struct cyear_in *in, int64_t *year, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	int rc = input_read(r, year_fields, &v, fe, 1);
	*year = v.i[YF_YEAR];
	in->cross_mode = v.s[YF_CROSS];
	in->method = v.s[YF_METHOD];
	in->trim = v.present[YF_TRIM] ? v.i[YF_TRIM] : -1;
	in->deadline = v.present[YF_DEADLINE] ? (v.s[YF_DEADLINE] ? v.s[YF_DEADLINE] : "") : NULL;
#define KEEP_TEXT(f, k) in->f = v.present[k] ? (v.s[k] ? v.s[k] : "") : NULL
	KEEP_TEXT(agreement_title, YF_ATITLE);
	KEEP_TEXT(agreement_text, YF_ATEXT);
	KEEP_TEXT(agreement_targets, YF_ATARGETS);
#undef KEEP_TEXT
	const char *list[CLUSTER_MAX_MEMBERS];
	int n = 0, present = 0;
	if (input_list(r, "members", list, CLUSTER_MAX_MEMBERS, &n, &present, fe) == E_OK && present) {
		int64_t *ids = arena_alloc(&r->a, sizeof *ids * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			if (parse_id(list[i], &ids[i]) == 0) continue;
			if (units_find_code(r->db, list[i], &ids[i]) != E_OK) { fe_add(fe, "members", N_("No unit has this code")); break; }
		}
		in->members_set = 1;
		in->members = ids;
		in->nmembers = n;
	}
	const char *ln = "leader", *dn = "deputy";
	int lp = r->json ? json_object_get(r->json, ln) != NULL : req_form(r, ln) != NULL;
	int dp = r->json ? json_object_get(r->json, dn) != NULL : req_form(r, dn) != NULL;
	int64_t l = cl_unit_arg(r, ln, fe), d = cl_unit_arg(r, dn, fe);
	if (lp && l >= 0) { in->leader_set = 1; in->leader_id = l; }
	if (dp && d >= 0) { in->deputy_set = 1; in->deputy_id = d; }
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

void api_cluster_year_create(struct req *r)
{
	struct cluster *c = load_cluster(r);
	if (!c) return;
	struct field_errors fe = { 0 };
	struct cyear_in in;
	int64_t year = 0, id = 0;
	int rc = cl_read_year(r, &in, &year, &fe);
	if (rc == E_OK && !year) { fe_add(&fe, "year", N_("Is required")); rc = E_INVALID; }
	if (rc == E_OK) rc = cyear_save(r->db, r->user, c->id, year, 0, &in, &fe, &id);
	if (rc == E_NOTFOUND) rc = E_CONFLICT;
	if (rc == E_CONFLICT && !fe.n) fe_add(&fe, "year", N_("The cluster has this year already"));
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 201, c->id, year);
}

void api_cluster_year_get(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct jw w;
	jw_init(&w, &r->out);
	cyear_json(&w, y);
	reply_json(r, 200);
}

void api_cluster_year_update(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe), year = 0, id = 0;
	struct cyear_in in;
	int rc = cl_read_year(r, &in, &year, &fe);
	if (rc == E_OK && version < 0) rc = E_INVALID;
	if (rc == E_OK) rc = cyear_save(r->db, r->user, y->cluster_id, y->year, version, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

/* ---- the criteria sheet ---- */

/* {"criteria": [{"code","title","kind","max","parent","evidence","rule"}]}: rule is an object, kept as its JSON text */
static int read_criteria_json(struct req *r, struct crit_in **out, int *n, struct field_errors *fe)
{
	json_t *list = r->json ? json_object_get(r->json, "criteria") : NULL;
	*n = 0;
	if (!json_is_array(list)) { fe_add(fe, "criteria", N_("Must be a list")); return E_INVALID; }
	if (json_array_size(list) > CLUSTER_MAX_CRITERIA) { fe_add(fe, "criteria", N_("Too many criteria")); return E_INVALID; }
	struct crit_in *items = arena_alloc(&r->a, sizeof *items * (json_array_size(list) + 1));
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		struct crit_in *c = &items[(*n)++];
		if (!json_is_object(e)) { fe_add(fe, "criteria", N_("Each criterion is an object")); return E_INVALID; }
		c->code = arena_strdup(&r->a, json_string_value(json_object_get(e, "code")));
		c->title = arena_strdup(&r->a, json_string_value(json_object_get(e, "title")));
		c->kind = arena_strdup(&r->a, json_string_value(json_object_get(e, "kind")));
		c->parent_code = arena_strdup(&r->a, json_string_value(json_object_get(e, "parent")));
		c->evidence = arena_strdup(&r->a, json_string_value(json_object_get(e, "evidence")));
		json_t *max = json_object_get(e, "max"), *rule = json_object_get(e, "rule");
		if (max && !json_is_number(max)) { fe_add(fe, c->code ? c->code : "criteria", N_("The maximum must be a number")); return E_INVALID; }
		double mv = max ? json_number_value(max) : 0;
		c->max_c = fabs(mv) < 1e9 ? llround(mv * 100.0) : -1; /* out of range: refused by the sheet's check */
		if (c->max_c >= 0 && fabs(mv * 100.0 - (double)c->max_c) > 1e-6) { /* 2.555: refused, never rounded */
			fe_add(fe, c->code ? c->code : "criteria", N_("A criterion's maximum has at most two decimals"));
			return E_INVALID;
		}
		if (rule && json_is_object(rule)) {
			char *t = json_dumps(rule, JSON_COMPACT | JSON_SORT_KEYS);
			c->rule = arena_strdup(&r->a, t);
			free(t);
		} else if (rule && !json_is_null(rule)) {
			fe_add(fe, c->code ? c->code : "criteria", N_("A rule is an object"));
			return E_INVALID;
		}
	}
	*out = items;
	return E_OK;
}

void api_cluster_criteria_put(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct crit_in *items = NULL;
	int n = 0;
	int rc = read_criteria_json(r, &items, &n, &fe);
	if (rc == E_OK && version < 0) rc = E_INVALID;
	if (rc == E_OK) rc = cyear_criteria_set(r->db, r->user, y->id, version, items, n, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

enum { FY_FROM, FY_N };
static const struct field_spec from_fields[FY_N + 1] = {
	[FY_FROM] = { "from_year", F_INT, 1, 0, 1945, 2200, NULL },
	[FY_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

int cl_do_copy(struct req *r, const struct cyear *y, struct field_errors *fe)
{
	int64_t version = require_version(r, fe);
	struct input v;
	int rc = input_read(r, from_fields, &v, fe, 0);
	if (rc != E_OK || version < 0) return E_INVALID;
	return cyear_criteria_copy(r->db, r->user, y->id, version, v.i[FY_FROM], fe);
}

void api_cluster_criteria_copy(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int rc = cl_do_copy(r, y, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

/* the uploaded sheet (a multipart file "file" and the year's "version") */
int cl_do_import(struct req *r, const struct cyear *y, struct field_errors *fe)
{
	int64_t version = -1;
	const char *vs = req_form(r, "version");
	if (!vs || parse_id(vs, &version) != 0) { fe_add(fe, "version", N_("Is required")); return E_INVALID; }
	if (r->nfiles < 1) { fe_add(fe, "file", N_("Choose a CSV or XLSX file")); return E_INVALID; }
	FILE *f = fmemopen((void *)r->files[0].data, r->files[0].len, "rb");
	if (!f) return E_DB;
	struct crit_in *items = NULL;
	int n = 0;
	int rc = cluster_criteria_read(r, f, &items, &n, fe);
	fclose(f);
	if (rc == E_OK) rc = cyear_criteria_set(r->db, r->user, y->id, version, items, n, fe);
	return rc;
}

void api_cluster_criteria_import(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int rc = cl_do_import(r, y, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

/* ---- rotation, tie-breaks ---- */

int cl_do_rotation(struct req *r, const struct cyear *y, struct field_errors *fe)
{
	int64_t version = require_version(r, fe);
	int64_t l = cl_unit_arg(r, "leader", fe), d = cl_unit_arg(r, "deputy", fe);
	const char *note = r->json ? json_string_value(json_object_get(r->json, "note")) : req_form(r, "note");
	if (l == 0) fe_add(fe, "leader", N_("Is required"));
	if (fe->n || version < 0) return E_INVALID;
	return cyear_rotation_propose(r->db, r->user, y->id, version, l, d, note, fe);
}

void api_cluster_rotation(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int rc = cl_do_rotation(r, y, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

void api_cluster_rotation_confirm(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	int rc = version < 0 ? E_INVALID : cyear_rotation_confirm(r->db, r->user, y->id, version, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_year(r, 200, y->cluster_id, y->year);
}

enum { TB_ORDER, TB_REASON, TB_N };
static const struct field_spec tiebreak_fields[TB_N + 1] = {
	[TB_ORDER] = { "order", F_INT, 1, 0, 1, 1000, NULL },
	[TB_REASON] = { "reason", F_LINES, 1, 2000, 0, 0, NULL },
	[TB_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

int cl_do_tiebreak(struct req *r, const struct cyear *y, struct field_errors *fe)
{
	struct input v;
	int rc = input_read(r, tiebreak_fields, &v, fe, 0);
	int64_t u = cl_unit_arg(r, "unit", fe);
	if (u == 0) fe_add(fe, "unit", N_("Is required"));
	if (rc != E_OK || fe->n) return E_INVALID;
	return cyear_tiebreak_set(r->db, r->user, y->id, u, v.i[TB_ORDER], v.s[TB_REASON], fe);
}

void api_cluster_tiebreak(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int rc = cl_do_tiebreak(r, y, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	api_cluster_ranking(r);
}

/* ---- scorecards ---- */

static const char *const card_kinds[] = { "self", "cross", NULL };

/* the points {code: n} (JSON) or points.CODE fields (a form, the user's number format) and the evidence likewise */
int cl_do_score(struct req *r, const struct cyear *y, struct field_errors *fe, int64_t *id, int *created)
{
	int64_t scorer = cl_unit_arg(r, "scorer", fe), target = cl_unit_arg(r, "target", fe);
	if (scorer == 0) fe_add(fe, "scorer", N_("Is required"));
	if (target == 0) fe_add(fe, "target", N_("Is required"));
	const char *kind = r->json ? json_string_value(json_object_get(r->json, "kind")) : req_form(r, "kind");
	if (!kind && scorer > 0 && target > 0) kind = scorer == target ? "self" : "cross";
	if (kind && cl_choice(kind, card_kinds) < 0) fe_add(fe, "kind", N_("Must be one of: self, cross"));
	int64_t version = input_version(r);
	if (version < 0) version = 0;
	const char *codes[CLUSTER_MAX_CRITERIA];
	double values[CLUSTER_MAX_CRITERIA];
	int n = 0, present = 0;
	input_numbers(r, "points", codes, values, CLUSTER_MAX_CRITERIA, &n, &present, fe);
	/* a form goes on with the boxes it could read, so that their own checks say every problem at once, each at its box */
	int unread = 0, other = 0;
	for (int i = 0; i < fe->n; i++) {
		if (!strncmp(fe->field[i], "points.", 7)) unread = 1;
		else if (strcmp(fe->field[i], "points")) other = 1;
	}
	if (fe->n && (r->json || !unread || other)) return E_INVALID;
	struct score_in *items = arena_alloc(&r->a, sizeof *items * (size_t)(y->ncrit + 1));
	int ni = 0;
	json_t *ev = r->json ? json_object_get(r->json, "evidence") : NULL;
	for (int k = 0; k < y->ncrit; k++) {
		const struct criterion *c = &y->crit[k];
		if (!strcmp(c->kind, "group")) continue;
		struct score_in *s = &items[ni];
		memset(s, 0, sizeof *s);
		s->code = c->code;
		for (int i = 0; i < n; i++)
			if (!strcmp(codes[i], c->code)) {
				/* points are kept in hundredths: a third decimal (10,004), or beyond any maximum (and
				** llround's range), is refused as out of range by the domain, never rounded into it */
				s->has_points = 1;
				double h = values[i] * 100.0;
				s->points_c = fabs(values[i]) < 1e9 && fabs(h - (double)llround(h)) < 1e-6 ? llround(h) : -1;
			}
		s->evidence = r->json ? json_string_value(json_object_get(ev, c->code)) : req_form(r, arena_printf(&r->a, "evidence.%s", c->code));
		if (s->has_points || s->evidence) ni++;
	}
	/* a code that is not on the sheet */
	for (int i = 0; i < n; i++) {
		int found = 0;
		for (int k = 0; k < ni; k++) found |= !strcmp(items[k].code, codes[i]);
		if (!found) { fe_add(fe, codes[i], N_("No such criterion to score")); return E_INVALID; }
	}
	/* a form: the sheet's checks keyed by the box at fault (points.CODE, evidence.CODE), with the numbers it could not read */
	if (!r->json && (scorecard_items_check(y, items, ni, &r->a, fe) != E_OK || fe->n)) return E_INVALID;
	int64_t existing = 0;
	scorecards_find(r->db, y->id, scorer, target, &existing);
	*created = existing == 0;
	return scorecards_save(r->db, r->user, y->id, scorer, target, kind, version, items, ni, fe, id);
}

static void reply_card(struct req *r, int status, int64_t id)
{
	struct scorecard *c;
	int rc = scorecards_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/scorecards/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	scorecard_json(&w, c);
	reply_json(r, status);
}

void api_cluster_scorecard_put(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int created = 0;
	int rc = cl_do_score(r, y, &fe, &id, &created);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_card(r, created ? 201 : 200, id);
}

void api_cluster_scorecards_list(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct scorecard *items;
	int n;
	int rc = scorecards_list(r->db, &r->a, y->id, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) scorecard_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

static struct scorecard *load_card(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct scorecard *c;
	int rc = scorecards_get(r->db, &r->a, id, &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return c;
}

/* load_card, and only for a reader of the card (clusters_may_read_card): else 403 */
static struct scorecard *load_card_read(struct req *r)
{
	struct scorecard *c = load_card(r);
	if (!c) return NULL;
	struct cluster *cl;
	int rc = clusters_get(r->db, &r->a, c->cluster_id, &cl);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!clusters_may_read_card(r->user, cl, c->scorer.path, c->target.path)) { reply_fail(r, E_FORBIDDEN, NULL); return NULL; }
	return c;
}

void api_scorecard_get(struct req *r)
{
	struct scorecard *c = load_card_read(r);
	if (!c) return;
	struct jw w;
	jw_init(&w, &r->out);
	scorecard_json(&w, c);
	reply_json(r, 200);
}

void api_scorecard_submit(struct req *r)
{
	struct scorecard *c = load_card(r);
	if (!c) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	int rc = version < 0 ? E_INVALID : scorecards_submit(r->db, r->user, c->id, version, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_card(r, 200, c->id);
}

enum { RF_REASON, RF_N };
static const struct field_spec reopen_fields[RF_N + 1] = {
	[RF_REASON] = { "reason", F_LINES, 1, 2000, 0, 0, NULL },
	[RF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

int cl_do_reopen(struct req *r, int64_t card, struct field_errors *fe)
{
	int64_t version = require_version(r, fe);
	struct input v;
	int rc = input_read(r, reopen_fields, &v, fe, 0);
	if (rc != E_OK || version < 0) return E_INVALID;
	return scorecards_reopen(r->db, r->user, card, version, v.s[RF_REASON], fe);
}

void api_scorecard_reopen(struct req *r)
{
	struct scorecard *c = load_card(r);
	if (!c) return;
	struct field_errors fe = { 0 };
	int rc = cl_do_reopen(r, c->id, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_card(r, 200, c->id);
}

/* ---- ranking, agreement ---- */

void api_cluster_ranking(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct ranking *k;
	int rc = cluster_ranking(r->db, &r->a, y, &k);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	ranking_json(&w, k);
	reply_json(r, 200);
}

static void reply_agreement(struct req *r, const struct cyear *y, int status)
{
	struct signature *s;
	int n;
	int rc = agreement_signatures(r->db, &r->a, y, &s, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kint(&w, "cluster_id", y->cluster_id);
	jw_kint(&w, "year", y->year);
	jw_kstr(&w, "title", y->agreement_title);
	jw_kstr(&w, "payload", agreement_payload(r->db, &r->a, y));
	jw_key(&w, "signatures");
	signatures_json(&w, s, n);
	jw_kint(&w, "members", y->nmembers);
	jw_obj_end(&w);
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/clusters/%lld/years/%lld/agreement", (long long)y->cluster_id, (long long)y->year));
	reply_json(r, status);
}

void api_cluster_agreement(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (y) reply_agreement(r, y, 200);
}

void api_cluster_agreement_sign(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	struct field_errors fe = { 0 };
	int64_t u = cl_unit_arg(r, "unit", &fe);
	if (u == 0) fe_add(&fe, "unit", N_("Is required"));
	int rc = fe.n ? E_INVALID : agreement_sign(r->db, r->user, y->id, u, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct cyear *again;
	if (cyear_get_id(r->db, &r->a, y->id, &again) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_agreement(r, again, 201);
}

void api_agreement_keys(struct req *r)
{
	struct jw w;
	jw_init(&w, &r->out);
	if (agreement_keys_json(r->db, &w) != E_OK) { buf_reset(&r->out); reply_fail(r, E_DB, NULL); return; }
	reply_json(r, 200);
}

/* ---- evidence files of a card ---- */

static void reply_files(struct req *r, int64_t card)
{
	struct attachment *items;
	int n;
	if (files_list(r->db, &r->a, "scorecard", card, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) attachment_json(&w, &items[i]);
	reply_list_end(&w, n, n, 0);
}

void api_scorecard_files_list(struct req *r)
{
	struct scorecard *c = load_card_read(r);
	if (c) reply_files(r, c->id);
}

int cl_do_attach(struct req *r, int64_t card, struct field_errors *fe, int64_t *att)
{
	const struct mp_part *p = req_file(r, "file");
	if (!p || !p->filename || !p->len) { fe_add(fe, "file", N_("Choose a file to upload")); return E_INVALID; }
	return scorecards_attach(r->db, r->user, card, p->filename, p->data, p->len, fe, att);
}

void api_scorecard_file_create(struct req *r)
{
	struct scorecard *c = load_card(r);
	if (!c) return;
	struct field_errors fe = { 0 };
	int64_t att = 0;
	int rc = cl_do_attach(r, c->id, &fe, &att);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	struct attachment *t;
	if (files_get(r->db, &r->a, att, &t) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/files/%lld", (long long)att));
	struct jw w;
	jw_init(&w, &r->out);
	attachment_json(&w, t);
	reply_json(r, 201);
}

int cl_attachment_readable(struct req *r, const char *entity, int64_t entity_id)
{
	/* a card's evidence is read by the card's readers (clusters_may_read_card) */
	struct scorecard *c;
	struct cluster *cl;
	return r->user && scorecards_get(r->db, &r->a, entity_id, &c) == E_OK && clusters_get(r->db, &r->a, c->cluster_id, &cl) == E_OK &&
	       clusters_may_read_card(r->user, cl, c->scorer.path, c->target.path);
}
