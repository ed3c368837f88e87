/* Units over HTTP: the JSON API under /api/v1/units and the pages /units. */
#include <stdlib.h>
#include <string.h>

#include "../base/util.h"
#include "tmpl_units.h"
#include "../commendation/commendation_web.h"
#include "../web/web.h"
#include "units.h"
#include "../web/roles.h"

enum { UF_CODE, UF_NAME, UF_KIND, UF_PARENT, UF_PARENT_CODE, UF_ACTIVE, UF_N };
static const struct field_spec unit_fields[UF_N + 1] = {
	[UF_CODE] = { "code", F_TEXT, 0, UNIT_CODE_MAX, 0, 0, NULL },
	[UF_NAME] = { "name", F_TEXT, 0, UNIT_NAME_MAX, 0, 0, NULL },
	[UF_KIND] = { "kind", F_TEXT, 0, 32, 0, 0, NULL },
	[UF_PARENT] = { "parent_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[UF_PARENT_CODE] = { "parent_code", F_TEXT, 0, UNIT_CODE_MAX, 0, 0, NULL },
	[UF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
};

/* Reads the fields into a unit_in; parent_code wins over parent_id when given.
** The unit_in is always filled, also when a field is rejected, so a form can
** show back what was typed. A field sent empty is "" (the domain refuses it). */
static int read_unit_in(struct req *r, struct unit_in *u, struct field_errors *fe, int creating)
{
	struct input in;
	int rc = input_read(r, unit_fields, &in, fe, !creating);
	memset(u, 0, sizeof *u);
	for (int k = UF_CODE; k <= UF_KIND; k++)
		if (in.present[k] && !in.s[k] && !fe_get(fe, unit_fields[k].name)) in.s[k] = "";
	u->code = in.s[UF_CODE];
	u->name = in.s[UF_NAME];
	u->kind = in.s[UF_KIND];
	u->parent_id = in.present[UF_PARENT] ? in.i[UF_PARENT] : -1;
	u->active = in.present[UF_ACTIVE] ? (int)in.i[UF_ACTIVE] : -1;
	if (creating && u->parent_id < 0) u->parent_id = 0;
	if (in.present[UF_PARENT_CODE]) {
		u->parent_id = 0;
		if (in.s[UF_PARENT_CODE] && units_find_code(r->db, in.s[UF_PARENT_CODE], &u->parent_id) != E_OK) {
			fe_add(fe, "parent_code", N_("No unit has this code"));
			u->parent_id = -1;
			return E_INVALID;
		}
	}
	return rc;
}

static void read_query(struct req *r, struct unit_query *q)
{
	memset(q, 0, sizeof *q);
	const char *parent = req_query(r, "parent");
	q->parent = parent && strcmp(parent, "root") == 0 ? 0 : query_int(r, "parent", -1, 0, INT64_MAX);
	q->under = query_int(r, "under", 0, 0, INT64_MAX);
	q->q = req_query(r, "q");
	q->kind = req_query(r, "kind");
	/* true (or absent): active records; all; false: deactivated ones only */
	static const char *const actives[] = { "true", "all", "false", NULL };
	const char *act = query_choice(r, "active", actives);
	q->inactive = act && strcmp(act, "all") == 0 ? 1 : act && strcmp(act, "false") == 0 ? 2 : 0;
	q->sort = req_query(r, "sort");
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
}

static void unit_json_each(void *arg, const struct unit *u) { unit_json(arg, u); }

void api_units_list(struct req *r)
{
	struct unit_query q;
	read_query(r, &q);
	if (query_bad(r)) return;
	int n;
	int64_t total;
	struct jw w;
	reply_list_begin(r, &w); /* each unit written as it is read: no copy of its texts */
	int rc = units_each(r->db, &r->a, &q, unit_json_each, &w, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; } /* the body begun is dropped */
	reply_list_end(&w, total, q.limit, q.offset);
}

static void reply_unit(struct req *r, int64_t id, int status)
{
	struct unit *u;
	int rc = units_get(r->db, &r->a, id, &u);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	unit_json(&w, u);
}

void api_unit_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	reply_unit(r, id, 200);
}

void api_unit_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct unit_in in;
	int64_t id = 0;
	int rc = read_unit_in(r, &in, &fe, 1);
	if (rc == E_OK) rc = units_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/units/%lld", (long long)id));
	reply_unit(r, id, 201);
}

void api_unit_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct unit_in in;
	int rc = read_unit_in(r, &in, &fe, 0);
	if (fe.n) rc = E_INVALID;
	if (rc == E_OK) rc = units_update(r->db, r->user, id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_unit(r, id, 200);
}

void api_unit_kinds(struct req *r)
{
	struct stmt *st = db_query(r->db, "SELECT code, level, name_vi, name_en, name_hi FROM unit_kinds WHERE active = 1 ORDER BY level, code", "");
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	while (st && db_step(st) == DB_ROW) {
		jw_obj(&w);
		jw_kstr(&w, "code", db_text(st, 0));
		jw_kint(&w, "level", db_int(st, 1));
		jw_kstr(&w, "name", db_text(st, strcmp(r->lang, "en") == 0 ? 3 : strcmp(r->lang, "hi") == 0 ? 4 : 2));
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	db_done(st);
}

/* ---- pages ---- */

/* A unit as the picker shows a chosen one (pick_lookup's label, code and
** context, the parent's name), from a row the page read already. */
const struct pick_item *unit_pick_item(struct req *r, const struct unit *u)
{
	struct pick_item *it = arena_alloc(&r->a, sizeof *it);
	memset(it, 0, sizeof *it);
	it->id = u->id;
	it->label = u->name;
	it->code = u->code;
	it->context = u->parent_name;
	it->key = "";
	return it;
}

/* may the user create a root unit (an admin granted on a root)? */
int unit_may_root(struct req *r)
{
	if (!r->user) return 0;
	if (r->user->system) return 1;
	for (int i = 0; i < r->user->ngrants; i++)
		if (r->user->grants[i].unit_depth == 0 && role_can(r->user, PERM_ADMIN, r->user->grants[i].unit_path)) return 1;
	return 0;
}

/* The active kinds in the request's language. Kept per worker for an
** unchanged database (memo_get): the stored form is each kind's code and its
** three names, NUL-terminated, one after the other. */
struct kind_opt *unit_kinds_load(struct req *r, int *n)
{
	size_t len = 0;
	const char *memo = memo_get(r, MEMO_UNIT_KINDS, &len);
	struct buf b;
	buf_init(&b);
	if (!memo) {
		struct stmt *st = db_query(r->db, "SELECT code, name_vi, name_en, name_hi FROM unit_kinds WHERE active = 1 ORDER BY level, code", "");
		int rc = DB_DONE, rows = 0;
		while (st && rows < 64 && (rc = db_step(st)) == DB_ROW) {
			for (int c = 0; c < 4; c++) {
				const char *t = db_text(st, c);
				buf_add(&b, t ? t : "", strlen(t ? t : "") + 1);
			}
			rows++;
		}
		db_done(st);
		if (st && (rc == DB_ROW || rc == DB_DONE)) memo_put(r, MEMO_UNIT_KINDS, b.p ? b.p : "", b.len);
		memo = b.p ? b.p : "";
		len = b.len;
	}
	struct kind_opt *k = arena_alloc(&r->a, sizeof *k * 64);
	*n = 0;
	int col = strcmp(r->lang, "en") == 0 ? 2 : strcmp(r->lang, "hi") == 0 ? 3 : 1;
	for (const char *p = memo, *end = memo + len; p < end && *n < 64; (*n)++) {
		const char *f[4];
		for (int c = 0; c < 4; c++) { f[c] = p; p += strlen(p) + 1; }
		k[*n].code = arena_strdup(&r->a, f[0]);
		k[*n].name = arena_strdup(&r->a, f[col]);
	}
	buf_free(&b);
	return k;
}

/* the number of root units, kept per worker like the kinds */
int64_t units_root_count_memo(struct req *r)
{
	size_t len;
	const char *memo = memo_get(r, MEMO_UNIT_ROOTS, &len);
	if (memo) return strtoll(memo, NULL, 10);
	int64_t n = 0;
	if (db_int1(r->db, &n, "SELECT count(*) FROM units WHERE parent_id IS NULL", "") != DB_ROW) return 0;
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)n);
	memo_put(r, MEMO_UNIT_ROOTS, s, strlen(s));
	return n;
}

const char *unit_kind_name(struct req *r, const char *code)
{
	int col = strcmp(r->lang, "en") == 0 ? 1 : strcmp(r->lang, "hi") == 0 ? 2 : 0;
	struct stmt *st = db_query(r->db, "SELECT name_vi, name_en, name_hi FROM unit_kinds WHERE code = $1", "t", code);
	const char *name = code;
	if (st && db_step(st) == DB_ROW) name = arena_strdup(&r->a, db_text(st, col));
	db_done(st);
	return name;
}

void page_units(struct req *r)
{
	struct unit_query q;
	read_query(r, &q);
	if (query_bad(r)) return;
	page_begin(r, _("Units"), "units");
	int searching = (q.q && *q.q) || q.kind || q.inactive || q.under > 0;
	struct unit *items = NULL;
	int n = 0;
	int64_t total = 0;
	if (searching) {
		q.parent = -1;
		units_list(r->db, &r->a, &q, &items, &n, &total);
		int nk;
		struct kind_opt *kinds = unit_kinds_load(r, &nk);
		tmpl_units_search(&r->out, r, &q, items, n, total, kinds, nk);
	} else {
		/* the tree: roots and two levels below them */
		q.parent = 0;
		q.limit = 500;
		units_list(r->db, &r->a, &q, &items, &n, &total);
		struct unit **kids = arena_alloc(&r->a, sizeof *kids * (size_t)(n + 1));
		int *nkids = arena_alloc(&r->a, sizeof *nkids * (size_t)(n + 1));
		for (int i = 0; i < n; i++) {
			struct unit_query cq = { .parent = items[i].id, .limit = 500, .sort = "kind,name", .parent_row = &items[i], .brief = 1 };
			int64_t t;
			units_list(r->db, &r->a, &cq, &kids[i], &nkids[i], &t);
		}
		int nk;
		struct kind_opt *kinds = unit_kinds_load(r, &nk);
		tmpl_units_tree(&r->out, r, items, n, kids, nkids, kinds, nk);
	}
	page_end(r);
}

static void show_unit(struct req *r, int64_t id, const struct unit_in *typed, const struct field_errors *fe)
{
	struct unit *u, *anc;
	int nanc;
	int rc = units_get_chain(r->db, &r->a, id, &u, &anc, &nanc);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct unit_query cq = { .parent = id, .limit = 500, .inactive = req_query(r, "inactive") ? 1 : 0, .parent_row = u, .brief = 1 };
	struct unit *kids;
	int nkids;
	int64_t t;
	units_list(r->db, &r->a, &cq, &kids, &nkids, &t);
	int nk;
	struct kind_opt *kinds = unit_kinds_load(r, &nk);
	int can_edit = role_can(r->user, PERM_WRITE_UNITS, u->path);
	int can_people = role_can(r->user, PERM_READ, u->path);
	int can_add_person = role_can(r->user, PERM_WRITE_PEOPLE, u->path);
	struct history_row *hist = arena_alloc(&r->a, sizeof *hist * 20);
	int nhist = 0;
	struct stmt *st = db_query(r->db, "SELECT at, login, user_id IS NOT NULL, action FROM audit_log "
				   "WHERE entity = 'unit' AND entity_id = $1 ORDER BY id DESC LIMIT 20", "i", id);
	while (st && db_step(st) == DB_ROW && nhist < 20) {
		hist[nhist].at = arena_strdup(&r->a, db_text(st, 0));
		hist[nhist].login = arena_strdup(&r->a, auth_display_actor(&r->a, r->lang, db_text(st, 1), (int)db_int(st, 2)));
		hist[nhist].action = arena_strdup(&r->a, db_text(st, 3));
		nhist++;
	}
	db_done(st);
	if (fe && fe->n) r->status = 422;
	page_begin(r, u->name, "units");
	const char *kind_name = NULL; /* from the kinds just read, else (an inactive kind) asked */
	for (int i = 0; i < nk && !kind_name; i++)
		if (!strcmp(kinds[i].code, u->kind)) kind_name = kinds[i].name;
	tmpl_unit_page(&r->out, r, u, anc, nanc, kids, nkids, kinds, nk, kind_name ? kind_name : unit_kind_name(r, u->kind), can_edit, can_people,
		       can_add_person, typed, fe, hist, nhist);
	achievements_section(r, 0, u->id, u->path, NULL, NULL);
	page_end(r);
}

void page_unit(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	show_unit(r, id, NULL, NULL);
}

void page_unit_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct unit_in in;
	int64_t version = input_version(r);
	int rc = read_unit_in(r, &in, &fe, 0);
	/* the move form's parent picker searched: the page again as typed, nothing saved */
	if (pick_step(r)) { show_unit(r, id, &in, NULL); return; }
	const char *what = req_form(r, "action");
	if (rc == E_OK && what && strcmp(what, "edit") == 0) in.active = -1; /* the checkbox belongs to another form */
	if (rc == E_OK && what && strcmp(what, "move") == 0 && in.parent_id < 0) in.parent_id = 0;
	/* after a reading error the domain only adds the other fields' errors and writes nothing */
	if (rc == E_OK || rc == E_INVALID) rc = units_update(r->db, r->user, id, version, &in, &fe);
	if (rc == E_OK) {
		flash_set(r, !what ? N_("Saved") : strcmp(what, "move") == 0 ? N_("The unit was moved")
					      : strcmp(what, "deactivate") == 0 ? N_("The unit was deactivated")
					      : strcmp(what, "reactivate") == 0 ? N_("The unit was reactivated") : N_("Saved"));
		reply_redirect(r, arena_printf(&r->a, "/units/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID) { show_unit(r, id, &in, &fe); return; }
	if (rc == E_CONFLICT && !fe.n) {
		/* saved by someone else meanwhile: the form again over the current version, with what was typed */
		struct unit *cur;
		if (units_get(r->db, &r->a, id, &cur) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		form_conflict(r, cur->version);
		show_unit(r, id, &in, &fe);
		return;
	}
	reply_fail(r, rc, &fe);
}

/* the form of a new unit: what was typed, and its errors (422) when it failed */
static void show_unit_new(struct req *r, const struct unit *parent, const struct unit_in *typed, const struct field_errors *fe)
{
	int nk;
	struct kind_opt *kinds = unit_kinds_load(r, &nk);
	if (fe) r->status = 422;
	page_begin(r, _("New unit"), "units");
	tmpl_unit_new(&r->out, r, parent, kinds, nk, typed, fe);
	page_end(r);
}

void page_unit_new(struct req *r)
{
	int64_t parent = query_int(r, "parent", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	struct unit *p = NULL;
	if (parent && units_get(r->db, &r->a, parent, &p) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	/* without a parent the form asks for one with a picker (an admin may leave it: a root) */
	if (p && !require(r, PERM_WRITE_UNITS, p->path)) return;
	struct unit_in typed = { .parent_id = parent };
	show_unit_new(r, p, &typed, NULL);
}

void page_unit_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct unit_in in;
	int64_t id = 0;
	int rc = read_unit_in(r, &in, &fe, 1);
	struct unit *p = NULL;
	if (pick_step(r)) {
		/* the parent picker searched: the form again as typed, with the matches */
		if (in.parent_id > 0) units_get(r->db, &r->a, in.parent_id, &p);
		show_unit_new(r, p, &in, NULL);
		return;
	}
	/* the form: only an admin may leave the parent empty (a new root) */
	if (in.parent_id <= 0 && !fe_get(&fe, "parent_code") && !unit_may_root(r)) fe_add(&fe, "parent_id", N_("Is required"));
	/* the domain adds its errors to the form's and writes nothing: every field at fault at once */
	if (rc == E_OK || rc == E_INVALID) rc = units_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The unit was created"));
		reply_redirect(r, arena_printf(&r->a, "/units/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	if (in.parent_id > 0) units_get(r->db, &r->a, in.parent_id, &p);
	show_unit_new(r, p, &in, &fe);
}

/* GET /export/units?format=csv|xlsx */
static int write_units(struct req *r, FILE *f, const char *format, const void *ctx) { return units_export(r->db, f, format, r->lang); }

void page_export_units(struct req *r)
{
	const char *format = reply_sheet_format(r, "csv");
	if (format) reply_sheet(r, "units", format, write_units, NULL);
}

/* The subtrees where the user holds perm, for list queries: the number of
** paths put in lo (at most max), or -1 when the user's grant covers the
** whole tree and no range needs checking. */
int units_scope_ranges(struct req *r, enum perm perm, const char **lo, int max)
{
	int n = 0;
	if (!r->user) return 0;
	if (r->user->system) return -1;
	for (int i = 0; i < r->user->ngrants && n < max; i++) {
		const struct grant *g = &r->user->grants[i];
		if (!role_can(r->user, perm, g->unit_path)) continue;
		if (g->unit_depth == 0 && units_root_count_memo(r) == 1) return -1; /* the whole tree */
		lo[n++] = g->unit_path;
	}
	return n;
}
