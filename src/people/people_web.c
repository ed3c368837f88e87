/* People over HTTP: /api/v1/people and the pages /people. Everything here is
** non-public: reads need PERM_READ on the person's unit. */
#include <stdlib.h>
#include <string.h>

#include "../base/util.h"
#include "tmpl_people.h"
#include "../commendation/commendation_web.h"
#include "../web/web.h"
#include "people.h"
#include "../web/roles.h"
#include "../units/units_web.h"

static const char *const genders[] = { "M", "F", "X", NULL };

enum { PF_CODE, PF_NAME, PF_GENDER, PF_YEAR, PF_UNIT, PF_UNIT_CODE, PF_POSITION, PF_ACTIVE, PF_N };
static const struct field_spec person_fields[PF_N + 1] = {
	[PF_CODE] = { "code", F_TEXT, 0, 32, 0, 0, NULL },
	[PF_NAME] = { "full_name", F_TEXT, 0, 200, 0, 0, NULL },
	[PF_GENDER] = { "gender", F_CHOICE, 0, 1, 0, 0, genders },
	[PF_YEAR] = { "birth_year", F_INT, 0, 0, 1900, 2100, NULL },
	[PF_UNIT] = { "unit_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[PF_UNIT_CODE] = { "unit_code", F_TEXT, 0, 32, 0, 0, NULL },
	[PF_POSITION] = { "position", F_TEXT, 0, 200, 0, 0, NULL },
	[PF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
};

/* Always fills p, also when a field is rejected, so the form can show it back. */
static int read_person_in(struct req *r, struct person_in *p, struct field_errors *fe, int creating)
{
	struct input in;
	int rc = input_read(r, person_fields, &in, fe, !creating);
	memset(p, 0, sizeof *p);
	p->code = in.s[PF_CODE];
	p->clear_code = in.present[PF_CODE] && !in.s[PF_CODE];
	p->full_name = in.s[PF_NAME];
	p->gender = in.s[PF_GENDER];
	p->birth_year = in.present[PF_YEAR] ? in.i[PF_YEAR] : (creating ? 0 : -1);
	p->unit_id = in.present[PF_UNIT] ? in.i[PF_UNIT] : 0;
	p->position = in.s[PF_POSITION];
	p->clear_position = in.present[PF_POSITION] && !in.s[PF_POSITION];
	p->active = in.present[PF_ACTIVE] ? (int)in.i[PF_ACTIVE] : -1;
	if (in.s[PF_UNIT_CODE] && units_find_code(r->db, in.s[PF_UNIT_CODE], &p->unit_id) != E_OK)
		fe_add(fe, "unit_code", N_("No unit has this code"));
	if (in.present[PF_NAME] && !p->full_name && !fe_get(fe, "full_name")) fe_add(fe, "full_name", N_("Is required"));
	if (in.present[PF_GENDER] && !p->gender && !fe_get(fe, "gender")) fe_add(fe, "gender", N_("Is required"));
	return rc != E_OK || fe->n ? E_INVALID : E_OK;
}

/* Fills the query from the address; 0, or replies (400/403/404) and returns -1. */
static int read_query(struct req *r, struct people_query *q)
{
	memset(q, 0, sizeof *q);
	q->unit = query_int(r, "unit", 0, 0, INT64_MAX);
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	q->q = req_query(r, "q");
	/* true (or absent): active records; all; false: deactivated ones only */
	static const char *const actives[] = { "true", "all", "false", NULL };
	const char *act = query_choice(r, "active", actives);
	q->inactive = act && strcmp(act, "all") == 0 ? 1 : act && strcmp(act, "false") == 0 ? 2 : 0;
	q->sort = req_query(r, "sort");
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return -1;
	int64_t named = q->unit ? q->unit : q->under;
	if (named) {
		char path[UNIT_PATH_MAX];
		if (units_path(r->db, named, path, sizeof path) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return -1; }
		if (!require(r, PERM_READ, path)) return -1;
		q->nranges = -1; /* the named unit is in scope: no further limit */
		return 0;
	}
	/* no unit named: everything the user may read */
	q->nranges = 0;
	for (int i = 0; i < r->user->ngrants && q->nranges < PEOPLE_MAX_RANGES; i++) {
		if (!role_can(r->user, PERM_READ, r->user->grants[i].unit_path)) continue;
		if (r->user->grants[i].unit_depth == 0 && units_root_count_memo(r) == 1) {
			q->nranges = -1; /* the grant covers the whole tree: no range to check */
			return 0;
		}
		q->range_lo[q->nranges++] = r->user->grants[i].unit_path;
	}
	return 0;
}

void api_people_list(struct req *r)
{
	struct people_query q;
	if (read_query(r, &q) != 0) return;
	struct person *items;
	int n;
	int64_t total;
	int capped;
	int rc = people_list(r->db, &r->a, &q, &items, &n, &total, &capped);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) person_json(&w, &items[i]);
	reply_list_end_capped(&w, total, capped, q.limit, q.offset);
}

/* Loads a person the user may read; replies and returns NULL otherwise. */
static struct person *load(struct req *r)
{
	int64_t id;
	struct person *p;
	if (parse_id(r->params[0], &id) != 0) { reply_fail(r, E_NOTFOUND, NULL); return NULL; }
	int rc = people_get(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!require(r, PERM_READ, p->unit_path)) return NULL;
	return p;
}

static void reply_person(struct req *r, int64_t id, int status)
{
	struct person *p;
	int rc = people_get(r->db, &r->a, id, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	person_json(&w, p);
}

void api_person_get(struct req *r)
{
	struct person *p = load(r);
	if (p) reply_person(r, p->id, 200);
}

void api_person_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct person_in in;
	int64_t id = 0;
	int rc = read_person_in(r, &in, &fe, 1);
	if (rc == E_OK) rc = people_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/people/%lld", (long long)id));
	reply_person(r, id, 201);
}

void api_person_update(struct req *r)
{
	struct person *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct person_in in;
	int rc = read_person_in(r, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = people_update(r->db, r->user, p->id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_person(r, p->id, 200);
}

/* ---- pages ---- */

void page_people(struct req *r)
{
	struct people_query q;
	if (read_query(r, &q) != 0) return;
	struct person *items = NULL;
	int n = 0;
	int64_t total = 0;
	int capped = 0;
	people_list(r->db, &r->a, &q, &items, &n, &total, &capped);
	struct unit *scope = NULL;
	int64_t named = q.unit ? q.unit : q.under;
	if (named) units_get(r->db, &r->a, named, &scope);
	page_begin(r, _("People"), "people");
	tmpl_people_index(&r->out, r, &q, scope, items, n, total, capped);
	page_end(r);
}

static void show_person(struct req *r, const struct person *p, const struct person_in *typed, const struct field_errors *fe)
{
	int can_edit = role_can(r->user, PERM_WRITE_PEOPLE, p->unit_path);
	if (fe && fe->n) r->status = 422;
	page_begin(r, p->full_name, "people");
	tmpl_person_page(&r->out, r, p, can_edit, typed, fe);
	achievements_section(r, p->id, 0, p->unit_path, NULL, NULL);
	page_end(r);
}

void page_person(struct req *r)
{
	struct person *p = load(r);
	if (p) show_person(r, p, NULL, NULL);
}

void page_person_post(struct req *r)
{
	struct person *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	struct person_in in;
	int rc = read_person_in(r, &in, &fe, 0);
	/* the page's form always holds the "in service" box, and a box left
	** unticked sends nothing: absent is no longer in service (the API's
	** PATCH leaves what it does not name as it is) */
	if (in.active < 0) in.active = 0;
	/* the unit picker searched: the page again as typed, nothing saved */
	if (pick_step(r)) { show_person(r, p, &in, NULL); return; }
	/* after a reading error the domain only adds the other fields' errors and writes nothing */
	if (rc == E_OK || rc == E_INVALID) rc = people_update(r->db, r->user, p->id, input_version(r), &in, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("Saved"));
		reply_redirect(r, arena_printf(&r->a, "/people/%lld", (long long)p->id));
		return;
	}
	if (rc == E_INVALID) { show_person(r, p, &in, &fe); return; }
	if (rc == E_CONFLICT && !fe.n) {
		/* saved by someone else meanwhile: the form again over the current version, with what was typed */
		struct person *cur = load(r);
		if (!cur) return;
		form_conflict(r, cur->version);
		show_person(r, cur, &in, &fe);
		return;
	}
	reply_fail(r, rc, &fe);
}

/* the form of a new person: what was typed, and its errors (422) when it failed */
static void show_person_new(struct req *r, const struct unit *u, const struct person_in *typed, const struct field_errors *fe)
{
	if (fe) r->status = 422;
	page_begin(r, _("New person"), "people");
	tmpl_person_new(&r->out, r, u, typed, fe);
	page_end(r);
}

void page_person_new(struct req *r)
{
	int64_t unit = query_int(r, "unit", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	struct unit *u = NULL;
	/* without a unit the form asks for one with a picker */
	if (unit && units_get(r->db, &r->a, unit, &u) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	if (u && !require(r, PERM_WRITE_PEOPLE, u->path)) return;
	show_person_new(r, u, NULL, NULL);
}

void page_person_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct person_in in;
	int64_t id = 0;
	int rc = read_person_in(r, &in, &fe, 1);
	struct unit *u = NULL;
	if (pick_step(r)) {
		/* the unit picker searched: the form again as typed, with the matches */
		if (in.unit_id > 0) units_get(r->db, &r->a, in.unit_id, &u);
		show_person_new(r, u, &in, NULL);
		return;
	}
	/* the domain adds its errors to the form's and writes nothing: every field at fault at once */
	if (rc == E_OK || rc == E_INVALID) rc = people_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The person was added"));
		reply_redirect(r, arena_printf(&r->a, "/people/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	if (in.unit_id > 0) units_get(r->db, &r->a, in.unit_id, &u);
	show_person_new(r, u, &in, &fe);
}

/* GET /export/people?format=csv|xlsx&under=ID */
static int write_people(struct req *r, FILE *f, const char *format, const void *under) { return people_export(r->db, f, format, under, r->lang); }

void page_export_people(struct req *r)
{
	int64_t under = query_int(r, "under", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	char buf[UNIT_PATH_MAX];
	const char *path = NULL;
	if (under) {
		if (units_path(r->db, under, buf, sizeof buf) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		path = buf;
	} else {
		/* no unit named: the subtree of the user's first grant that may read */
		for (int i = 0; i < r->user->ngrants && !path; i++)
			if (role_can(r->user, PERM_READ, r->user->grants[i].unit_path)) path = r->user->grants[i].unit_path;
	}
	if (!require(r, PERM_READ, path)) return;
	const char *format = reply_sheet_format(r, "csv");
	if (format) reply_sheet(r, "people", format, write_people, path);
}
