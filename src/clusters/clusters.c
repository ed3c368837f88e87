/* Clusters, their years, criteria sheets, rotation and tie-breaks (clusters.h). */
#include "clusters.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../indicators/indicators.h"
#include "../movements/movements.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "clusters_int.h"

const char *const cluster_kinds[] = { "cluster", "bloc", NULL };
const char *const cluster_cross_modes[] = { "leader", "all", NULL };
const char *const cluster_methods[] = { "leader", "mean", "trimmed", NULL };
const char *const criterion_kinds[] = { "group", "score", "bonus", "penalty", NULL };

int cl_choice(const char *s, const char *const *choices)
{
	for (int i = 0; s && choices[i]; i++)
		if (!strcmp(s, choices[i])) return i;
	return -1;
}

const char *cl_opt(struct stmt *st, struct arena *a, int col) { return db_isnull(st, col) ? NULL : arena_strdup(a, db_text(st, col)); }

/* a unit from four columns: id, code, name, path (all NULL: none) */
void cl_unit(struct stmt *st, struct arena *a, int col, struct cunit *u)
{
	memset(u, 0, sizeof *u);
	if (db_isnull(st, col)) return;
	u->id = db_int(st, col);
	u->code = arena_strdup(a, db_text(st, col + 1));
	u->name = arena_strdup(a, db_text(st, col + 2));
	u->path = arena_strdup(a, db_text(st, col + 3));
}

void cl_unit_json(struct jw *w, const char *key, const struct cunit *u)
{
	jw_key(w, key);
	if (!u->id) { jw_null(w); return; }
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "code", u->code);
	jw_kstr(w, "name", u->name);
	jw_obj_end(w);
}

void cl_points(struct jw *w, const char *key, double v)
{
	if (key) jw_key(w, key);
	jw_num(w, round(v * 100.0) / 100.0);
}

/* ---- clusters ---- */

#define CL_COLS "c.id, c.code, c.name, c.kind, c.description, c.organiser_id, o.code, o.name, o.path, c.version, c.created_at, c.updated_at"
#define CL_FROM " FROM clusters c JOIN units o ON o.id = c.organiser_id"

static void read_cluster(struct stmt *st, struct arena *a, struct cluster *c)
{
	memset(c, 0, sizeof *c);
	c->id = db_int(st, 0);
	c->code = arena_strdup(a, db_text(st, 1));
	c->name = arena_strdup(a, db_text(st, 2));
	c->kind = arena_strdup(a, db_text(st, 3));
	c->description = cl_opt(st, a, 4);
	cl_unit(st, a, 5, &c->organiser);
	c->version = db_int(st, 9);
	c->created_at = arena_strdup(a, db_text(st, 10));
	c->updated_at = arena_strdup(a, db_text(st, 11));
}

int clusters_get(struct db *db, struct arena *a, int64_t id, struct cluster **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " CL_COLS CL_FROM " WHERE c.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	struct cluster *c = NULL;
	if (s == DB_ROW) {
		c = arena_alloc(a, sizeof *c);
		read_cluster(st, a, c);
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	int64_t ny = 0;
	db_int1(db, &ny, "SELECT count(*) FROM cluster_years WHERE cluster_id = $1", "i", id);
	c->years = arena_alloc(a, sizeof *c->years * (size_t)(ny + 1));
	st = db_query(db, "SELECT year, (SELECT count(*) FROM cluster_members m WHERE m.cluster_year_id = y.id) FROM cluster_years y "
			  "WHERE cluster_id = $1 ORDER BY year DESC", "i", id);
	while (st && c->nyears < ny && db_step(st) == DB_ROW) {
		if (!c->nyears) c->members = db_int(st, 1);
		c->years[c->nyears++] = db_int(st, 0);
	}
	db_done(st);
	*out = c;
	return E_OK;
}

int clusters_list(struct db *db, struct arena *a, const char *q, struct cluster **items, int *n)
{
	*items = NULL;
	*n = 0;
	int64_t total = 0;
	const char *pat = q && *q ? like_pattern(a, q) : "";
	if (db_int1(db, &total, "SELECT count(*) FROM clusters c WHERE ($1 = '' OR c.search LIKE $1 ESCAPE '\\')", "t", pat) != DB_ROW) return E_DB;
	*items = arena_alloc(a, sizeof **items * (size_t)(total + 1));
	struct stmt *st = db_query(db,
				   "SELECT " CL_COLS ", (SELECT max(year) FROM cluster_years y WHERE y.cluster_id = c.id), "
				   "(SELECT count(*) FROM cluster_members m JOIN cluster_years y ON y.id = m.cluster_year_id WHERE y.cluster_id = c.id "
				   "AND y.year = (SELECT max(year) FROM cluster_years z WHERE z.cluster_id = c.id))" CL_FROM
				   " WHERE ($1 = '' OR c.search LIKE $1 ESCAPE '\\') ORDER BY c.code",
				   "t", pat);
	if (!st) return E_DB;
	while (*n < total && db_step(st) == DB_ROW) {
		struct cluster *c = &(*items)[(*n)++];
		read_cluster(st, a, c);
		if (!db_isnull(st, 12)) {
			c->years = arena_alloc(a, sizeof *c->years);
			c->years[0] = db_int(st, 12);
			c->nyears = 1;
		}
		c->members = db_int(st, 13);
	}
	db_done(st);
	return E_OK;
}

int clusters_find_code(struct db *db, const char *code, int64_t *id)
{
	int s = db_int1(db, id, "SELECT id FROM clusters WHERE code = $1", "t", code);
	return s == DB_ROW ? E_OK : s == DB_DONE ? E_NOTFOUND : E_DB;
}

void cluster_json(struct jw *w, const struct cluster *c)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "code", c->code);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "kind", c->kind);
	jw_kstr(w, "description", c->description);
	cl_unit_json(w, "organiser", &c->organiser);
	jw_key(w, "years");
	jw_arr(w);
	for (int i = 0; i < c->nyears; i++) jw_int(w, c->years[i]);
	jw_arr_end(w);
	jw_kint(w, "members", c->members);
	jw_kint(w, "version", c->version);
	jw_kstr(w, "created_at", c->created_at);
	jw_kstr(w, "updated_at", c->updated_at);
	jw_obj_end(w);
}

int clusters_may_organise(const struct user *who, const struct cluster *c)
{
	return role_can(who, PERM_CLUSTER_ORGANISE, c->organiser.path);
}

int clusters_in_scope(const struct cluster *c, const char *unit_path)
{
	/* the organiser's path without its last step ("/1/7/42/" → "/1/7/"); a root ("/1/") keeps its own */
	const char *o = c->organiser.path;
	size_t n = o ? strlen(o) : 0;
	if (n < 2 || !unit_path) return 0;
	size_t k = n - 1;
	while (k > 0 && o[k - 1] != '/') k--;
	if (k <= 1) k = n; /* a root: its own subtree */
	return strncmp(unit_path, o, k) == 0;
}

int clusters_may_read_card(const struct user *who, const struct cluster *c, const char *scorer_path, const char *target_path)
{
	return role_can(who, PERM_READ, scorer_path) || role_can(who, PERM_READ, target_path) || clusters_may_organise(who, c);
}

static int cl_snapshot_cluster(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct cluster *c;
	int rc = clusters_get(db, a, id, &c);
	if (rc == E_OK) cluster_json(w, c);
	return rc;
}

static int cluster_validate(const struct cluster_in *in, int creating, struct field_errors *fe)
{
	if (creating || in->code) {
		if (!in->code || !*in->code) fe_add(fe, "code", N_("Is required"));
		else if (!code_valid(in->code)) fe_add(fe, "code", N_("Only letters, digits, '-', '_' and '.'"));
	}
	if ((creating || in->name) && (!in->name || !*in->name)) fe_add(fe, "name", N_("Is required"));
	if ((creating || in->kind) && cl_choice(in->kind, cluster_kinds) < 0) fe_add(fe, "kind", N_("Must be one of: cluster, bloc"));
	return fe->n ? E_INVALID : E_OK;
}

static char *search_key(const char *name, const char *code)
{
	struct buf b;
	buf_init(&b);
	fold_words(&b, name);
	buf_raw(&b, " ");
	fold_words(&b, code);
	return buf_detach(&b);
}

int clusters_create(struct db *db, const struct user *who, const struct cluster_in *in, struct field_errors *fe, int64_t *id)
{
	char path[UNIT_PATH_MAX];
	if (in->organiser_id <= 0 || units_path(db, in->organiser_id, path, sizeof path) != E_OK) fe_add(fe, "organiser", N_("No such unit"));
	if (cluster_validate(in, 1, fe) != E_OK || fe->n) return E_INVALID;
	if (!role_can(who, PERM_CLUSTER_ORGANISE, path)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	int64_t one;
	if (db_int1(db, &one, "SELECT 1 FROM clusters WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("This code is taken"));
		rc = E_CONFLICT;
		goto out;
	}
	char now[21];
	now_iso(now);
	char *key = search_key(in->name, in->code);
	struct stmt *st = db_query(db,
				   "INSERT INTO clusters (code, name, kind, organiser_id, description, search, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
				   "tttittt", in->code, in->name, in->kind, in->organiser_id, in->description, key, now);
	free(key);
	rc = E_DB;
	if (st && db_step(st) == DB_ROW) { *id = db_int(st, 0); rc = E_OK; }
	db_done(st);
	if (rc == E_OK) rc = audit_change(db, who, "create", "cluster", *id, NULL, cl_snapshot_cluster, NULL);
out:
	return db_tx_end(db, rc);
}

int clusters_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct cluster_in *in,
		    struct field_errors *fe)
{
	if (cluster_validate(in, 0, fe) != E_OK) return E_INVALID;
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cluster *c;
	char *before = NULL;
	rc = clusters_get(db, &a, id, &c);
	if (rc != E_OK) goto out;
	if (!clusters_may_organise(who, c)) { rc = E_FORBIDDEN; goto out; }
	if (c->version != version) { rc = E_CONFLICT; goto out; }
	before = audit_snapshot(db, id, cl_snapshot_cluster);
	const char *name = in->name ? in->name : c->name;
	const char *code = in->code ? in->code : c->code;
	int64_t one;
	if (in->code && strcmp(in->code, c->code) && db_int1(db, &one, "SELECT 1 FROM clusters WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("This code is taken"));
		rc = E_CONFLICT;
		goto out;
	}
	char now[21];
	now_iso(now);
	char *key = search_key(name, code);
	rc = db_exec(db,
		     "UPDATE clusters SET code = $1, name = $2, kind = $3, description = $4, search = $5, version = version + 1, updated_at = $6 "
		     "WHERE id = $7",
		     "tttttti", code, name, in->kind ? in->kind : c->kind, in->description ? in->description : c->description, key, now, id) == DB_OK
		     ? E_OK : E_DB;
	free(key);
	if (rc == E_OK) rc = audit_change(db, who, "update", "cluster", id, before, cl_snapshot_cluster, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- years ---- */

#define UNIT4(t) t ".id, " t ".code, " t ".name, " t ".path"
#define CY_COLS                                                                                                              \
	"y.id, y.cluster_id, y.year, " UNIT4("l") ", " UNIT4("d") ", " UNIT4("nl") ", " UNIT4("nd") ", y.cross_mode, y.method, "     \
	"y.trim_n, y.deadline, y.agreement_title, y.agreement_text, y.agreement_targets, y.rotation_note, y.rotation_confirmed_at, " \
	"y.version, y.updated_at, (SELECT count(*) FROM cluster_scorecards s WHERE s.cluster_year_id = y.id)"
#define CY_FROM                                                                                                                    \
	" FROM cluster_years y LEFT JOIN units l ON l.id = y.leader_id LEFT JOIN units d ON d.id = y.deputy_id "                  \
	"LEFT JOIN units nl ON nl.id = y.next_leader_id LEFT JOIN units nd ON nd.id = y.next_deputy_id"

static void read_year(struct stmt *st, struct arena *a, struct cyear *y)
{
	memset(y, 0, sizeof *y);
	y->id = db_int(st, 0);
	y->cluster_id = db_int(st, 1);
	y->year = db_int(st, 2);
	cl_unit(st, a, 3, &y->leader);
	cl_unit(st, a, 7, &y->deputy);
	cl_unit(st, a, 11, &y->next_leader);
	cl_unit(st, a, 15, &y->next_deputy);
	y->cross_mode = arena_strdup(a, db_text(st, 19));
	y->method = arena_strdup(a, db_text(st, 20));
	y->trim = (int)db_int(st, 21);
	y->deadline = cl_opt(st, a, 22);
	y->agreement_title = cl_opt(st, a, 23);
	y->agreement_text = cl_opt(st, a, 24);
	y->agreement_targets = cl_opt(st, a, 25);
	y->rotation_note = cl_opt(st, a, 26);
	y->rotation_confirmed_at = cl_opt(st, a, 27);
	y->version = db_int(st, 28);
	y->updated_at = arena_strdup(a, db_text(st, 29));
	y->cards = db_int(st, 30);
}

static int read_members(struct db *db, struct arena *a, struct cyear *y)
{
	int64_t n = 0;
	db_int1(db, &n, "SELECT count(*) FROM cluster_members WHERE cluster_year_id = $1", "i", y->id);
	y->members = arena_alloc(a, sizeof *y->members * (size_t)(n + 1));
	struct stmt *st = db_query(db,
				   "SELECT u.id, u.code, u.name, u.path FROM cluster_members m JOIN units u ON u.id = m.unit_id "
				   "WHERE m.cluster_year_id = $1 ORDER BY u.sort_key, u.id",
				   "i", y->id);
	if (!st) return E_DB;
	while (y->nmembers < n && db_step(st) == DB_ROW) cl_unit(st, a, 0, &y->members[y->nmembers++]);
	db_done(st);
	return E_OK;
}

/* the sheet in its order, each with its depth; a group's maximum is the sum of its score criteria */
static int read_criteria(struct db *db, struct arena *a, struct cyear *y)
{
	int64_t n = 0;
	db_int1(db, &n, "SELECT count(*) FROM cluster_criteria WHERE cluster_year_id = $1", "i", y->id);
	y->crit = arena_alloc(a, sizeof *y->crit * (size_t)(n + 1));
	struct stmt *st = db_query(db,
				   "SELECT c.id, c.parent_id, c.position, c.code, c.title, c.kind, c.max_c, c.evidence, c.rule, p.code "
				   "FROM cluster_criteria c LEFT JOIN cluster_criteria p ON p.id = c.parent_id "
				   "WHERE c.cluster_year_id = $1 ORDER BY c.position, c.id",
				   "i", y->id);
	if (!st) return E_DB;
	while (y->ncrit < n && db_step(st) == DB_ROW) {
		struct criterion *c = &y->crit[y->ncrit++];
		c->id = db_int(st, 0);
		c->parent_id = db_isnull(st, 1) ? 0 : db_int(st, 1);
		c->position = (int)db_int(st, 2);
		c->code = arena_strdup(a, db_text(st, 3));
		c->title = arena_strdup(a, db_text(st, 4));
		c->kind = arena_strdup(a, db_text(st, 5));
		c->max_c = db_int(st, 6);
		c->evidence = cl_opt(st, a, 7);
		c->rule = cl_opt(st, a, 8);
		c->parent_code = cl_opt(st, a, 9);
	}
	db_done(st);
	/* depth and the groups' sums: parents come before their children */
	for (int i = 0; i < y->ncrit; i++) {
		struct criterion *c = &y->crit[i];
		for (int j = 0; j < i; j++)
			if (y->crit[j].id == c->parent_id) c->depth = y->crit[j].depth + 1;
		if (!strcmp(c->kind, "score")) {
			y->max_total_c += c->max_c;
			for (int64_t p = c->parent_id; p;) {
				int64_t up = 0;
				for (int j = 0; j < i; j++)
					if (y->crit[j].id == p) { y->crit[j].max_c += c->max_c; up = y->crit[j].parent_id; }
				p = up;
			}
		}
	}
	return E_OK;
}

static int year_where(struct db *db, struct arena *a, const char *where, int64_t k1, int64_t k2, struct cyear **out)
{
	*out = NULL;
	char sql[2048];
	snprintf(sql, sizeof sql, "SELECT " CY_COLS CY_FROM " WHERE %s", where);
	struct stmt *st = db_query(db, sql, k2 ? "ii" : "i", k1, k2);
	if (!st) return E_DB;
	int s = db_step(st);
	struct cyear *y = NULL;
	if (s == DB_ROW) {
		y = arena_alloc(a, sizeof *y);
		read_year(st, a, y);
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	int rc = clusters_get(db, a, y->cluster_id, &y->cluster);
	if (rc == E_OK) rc = read_members(db, a, y);
	if (rc == E_OK) rc = read_criteria(db, a, y);
	if (rc == E_OK) *out = y;
	return rc;
}

int cyear_get(struct db *db, struct arena *a, int64_t cluster_id, int64_t year, struct cyear **out)
{
	return year_where(db, a, "y.cluster_id = $1 AND y.year = $2", cluster_id, year, out);
}

int cyear_get_id(struct db *db, struct arena *a, int64_t cy_id, struct cyear **out) { return year_where(db, a, "y.id = $1", cy_id, 0, out); }

int cyear_is_member(const struct cyear *y, int64_t unit_id)
{
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == unit_id) return 1;
	return 0;
}

void criteria_json(struct jw *w, const struct cyear *y)
{
	jw_arr(w);
	for (int i = 0; i < y->ncrit; i++) {
		const struct criterion *c = &y->crit[i];
		jw_obj(w);
		jw_kint(w, "id", c->id);
		jw_kstr(w, "code", c->code);
		jw_kstr(w, "title", c->title);
		jw_kstr(w, "kind", c->kind);
		cl_points(w, "max", (double)c->max_c / 100.0);
		jw_kstr(w, "parent", c->parent_code);
		jw_kint(w, "depth", c->depth);
		jw_kstr(w, "evidence", c->evidence);
		jw_key(w, "rule");
		if (c->rule) jw_raw(w, c->rule);
		else jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void cyear_json(struct jw *w, const struct cyear *y)
{
	jw_obj(w);
	jw_kint(w, "id", y->id);
	jw_kint(w, "cluster_id", y->cluster_id);
	jw_kstr(w, "cluster_code", y->cluster ? y->cluster->code : NULL);
	jw_kint(w, "year", y->year);
	cl_unit_json(w, "leader", &y->leader);
	cl_unit_json(w, "deputy", &y->deputy);
	jw_kstr(w, "cross_mode", y->cross_mode);
	jw_kstr(w, "method", y->method);
	jw_kint(w, "trim", y->trim);
	jw_kstr(w, "deadline", y->deadline);
	jw_key(w, "members");
	jw_arr(w);
	for (int i = 0; i < y->nmembers; i++) {
		jw_obj(w);
		jw_kint(w, "id", y->members[i].id);
		jw_kstr(w, "code", y->members[i].code);
		jw_kstr(w, "name", y->members[i].name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "criteria");
	criteria_json(w, y);
	cl_points(w, "max_total", (double)y->max_total_c / 100.0);
	jw_key(w, "agreement");
	jw_obj(w);
	jw_kstr(w, "title", y->agreement_title);
	jw_kstr(w, "text", y->agreement_text);
	jw_kstr(w, "targets", y->agreement_targets);
	jw_obj_end(w);
	jw_key(w, "rotation");
	jw_obj(w);
	cl_unit_json(w, "leader", &y->next_leader);
	cl_unit_json(w, "deputy", &y->next_deputy);
	jw_kstr(w, "note", y->rotation_note);
	jw_kstr(w, "confirmed_at", y->rotation_confirmed_at);
	jw_obj_end(w);
	jw_kint(w, "scorecards", y->cards);
	jw_kint(w, "version", y->version);
	jw_kstr(w, "updated_at", y->updated_at);
	jw_obj_end(w);
}

static int cl_snapshot_year(struct db *db, struct arena *a, int64_t cy_id, struct jw *w)
{
	struct cyear *y;
	int rc = cyear_get_id(db, a, cy_id, &y);
	if (rc != E_OK) return rc;
	y->cluster->nyears = 0; /* the cluster's own record says which years it has */
	cyear_json(w, y);
	return E_OK;
}

int cl_bump_year(struct db *db, int64_t cy_id)
{
	char now[21];
	now_iso(now);
	return db_exec(db, "UPDATE cluster_years SET version = version + 1, updated_at = $1 WHERE id = $2", "ti", now, cy_id) == DB_OK ? E_OK : E_DB;
}

/* the criteria of one year copied into another (empty) one, parents first */
static int copy_criteria(struct db *db, int64_t from_cy, int64_t to_cy)
{
	struct arena a;
	arena_init(&a);
	struct cyear *src;
	int rc = cyear_get_id(db, &a, from_cy, &src);
	int64_t *ids = rc == E_OK ? arena_alloc(&a, sizeof *ids * (size_t)(src->ncrit + 1)) : NULL;
	for (int i = 0; rc == E_OK && i < src->ncrit; i++) {
		const struct criterion *c = &src->crit[i];
		int64_t parent = 0;
		for (int j = 0; j < i; j++)
			if (src->crit[j].id == c->parent_id) parent = ids[j];
		/* a group's max_c was summed on reading: stored as 0 */
		struct stmt *st = db_query(db,
					   "INSERT INTO cluster_criteria (cluster_year_id, parent_id, position, code, title, kind, max_c, evidence, rule) "
					   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
					   "iIitttitt", to_cy, parent, (int64_t)c->position, c->code, c->title, c->kind,
					   strcmp(c->kind, "group") ? c->max_c : (int64_t)0, c->evidence, c->rule);
		if (st && db_step(st) == DB_ROW) ids[i] = db_int(st, 0);
		else rc = E_DB;
		db_done(st);
	}
	arena_free(&a);
	return rc;
}

static int year_validate(struct db *db, const struct cyear_in *in, struct field_errors *fe)
{
	if (in->cross_mode && cl_choice(in->cross_mode, cluster_cross_modes) < 0) fe_add(fe, "cross_mode", N_("Must be one of: leader, all"));
	if (in->method && cl_choice(in->method, cluster_methods) < 0) fe_add(fe, "method", N_("Must be one of: leader, mean, trimmed"));
	if (in->trim != -1 && (in->trim < 0 || in->trim > 10)) fe_add(fe, "trim", N_("Must be from 0 to 10"));
	if (in->deadline && *in->deadline && !date_valid(in->deadline)) fe_add(fe, "deadline", N_("Must be a date"));
	if (in->members_set && in->nmembers > CLUSTER_MAX_MEMBERS) fe_add(fe, "members", N_("Too many members"));
	for (int i = 0; in->members_set && i < in->nmembers; i++) {
		int64_t one;
		if (db_int1(db, &one, "SELECT 1 FROM units WHERE id = $1", "i", in->members[i]) != DB_ROW) { fe_add(fe, "members", N_("No such unit")); break; }
		for (int j = 0; j < i; j++)
			if (in->members[j] == in->members[i]) { fe_add(fe, "members", N_("A unit is listed twice")); i = in->nmembers; break; }
	}
	return fe->n ? E_INVALID : E_OK;
}

/* a year's leader and deputy are members, and two different ones */
static int check_leaders(struct db *db, int64_t cy_id, struct field_errors *fe)
{
	int64_t l = 0, d = 0, one;
	db_int1(db, &l, "SELECT COALESCE(leader_id, 0) FROM cluster_years WHERE id = $1", "i", cy_id);
	db_int1(db, &d, "SELECT COALESCE(deputy_id, 0) FROM cluster_years WHERE id = $1", "i", cy_id);
	if (l && db_int1(db, &one, "SELECT 1 FROM cluster_members WHERE cluster_year_id = $1 AND unit_id = $2", "ii", cy_id, l) != DB_ROW)
		fe_add(fe, "leader", N_("The leader must be a member of the year"));
	if (d && db_int1(db, &one, "SELECT 1 FROM cluster_members WHERE cluster_year_id = $1 AND unit_id = $2", "ii", cy_id, d) != DB_ROW)
		fe_add(fe, "deputy", N_("The deputy must be a member of the year"));
	if (l && l == d) fe_add(fe, "deputy", N_("The deputy cannot be the leader"));
	return fe->n ? E_INVALID : E_OK;
}

/* a new year: the previous year's members, settings and sheet */
static int year_create(struct db *db, int64_t cluster_id, int64_t year, int64_t *id)
{
	char now[21];
	now_iso(now);
	int64_t prev = 0;
	db_int1(db, &prev, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year < $2 ORDER BY year DESC LIMIT 1", "ii", cluster_id, year);
	struct stmt *st = prev
		? db_query(db,
			   "INSERT INTO cluster_years (cluster_id, year, cross_mode, method, trim_n, created_at, updated_at) "
			   "SELECT $1, $2, cross_mode, method, trim_n, $3, $3 FROM cluster_years WHERE id = $4 RETURNING id",
			   "iiti", cluster_id, year, now, prev)
		: db_query(db, "INSERT INTO cluster_years (cluster_id, year, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id", "iit",
			   cluster_id, year, now);
	int rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) *id = db_int(st, 0);
	db_done(st);
	if (rc == E_OK && prev &&
	    db_exec(db, "INSERT INTO cluster_members (cluster_year_id, unit_id) SELECT $1, unit_id FROM cluster_members WHERE cluster_year_id = $2",
		    "ii", *id, prev) != DB_OK)
		rc = E_DB;
	if (rc == E_OK && prev) rc = copy_criteria(db, prev, *id);
	return rc;
}

static int year_apply(struct db *db, int64_t cy_id, const struct cyear_in *in)
{
	int rc = E_OK;
	if (in->members_set) {
		if (db_exec(db, "DELETE FROM cluster_members WHERE cluster_year_id = $1", "i", cy_id) != DB_OK) return E_DB;
		for (int i = 0; i < in->nmembers && rc == E_OK; i++)
			if (db_exec(db, "INSERT INTO cluster_members (cluster_year_id, unit_id) VALUES ($1, $2)", "ii", cy_id, in->members[i]) != DB_OK)
				rc = E_DB;
	}
#define SET_TEXT(col, v) \
	if (rc == E_OK && (v) && db_exec(db, "UPDATE cluster_years SET " col " = $1 WHERE id = $2", "ti", *(v) ? (v) : NULL, cy_id) != DB_OK) rc = E_DB
	SET_TEXT("cross_mode", in->cross_mode);
	SET_TEXT("method", in->method);
	SET_TEXT("deadline", in->deadline);
	SET_TEXT("agreement_title", in->agreement_title);
	SET_TEXT("agreement_text", in->agreement_text);
	SET_TEXT("agreement_targets", in->agreement_targets);
#undef SET_TEXT
	if (rc == E_OK && in->trim >= 0 && db_exec(db, "UPDATE cluster_years SET trim_n = $1 WHERE id = $2", "ii", in->trim, cy_id) != DB_OK) rc = E_DB;
	if (rc == E_OK && in->leader_set && db_exec(db, "UPDATE cluster_years SET leader_id = $1 WHERE id = $2", "Ii", in->leader_id, cy_id) != DB_OK)
		rc = E_DB;
	if (rc == E_OK && in->deputy_set && db_exec(db, "UPDATE cluster_years SET deputy_id = $1 WHERE id = $2", "Ii", in->deputy_id, cy_id) != DB_OK)
		rc = E_DB;
	return rc;
}

int cyear_save(struct db *db, const struct user *who, int64_t cluster_id, int64_t year, int64_t version, const struct cyear_in *in,
	       struct field_errors *fe, int64_t *id)
{
	if (year < 1945 || year > 2200) fe_add(fe, "year", N_("Must be a year from 1945 to 2200"));
	if (year_validate(db, in, fe) != E_OK) return E_INVALID;
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cluster *c;
	rc = clusters_get(db, &a, cluster_id, &c);
	if (rc != E_OK) goto out;
	if (!clusters_may_organise(who, c)) { rc = E_FORBIDDEN; goto out; }
	/* the members are units of the organiser's scope: no organiser reaches beyond it (and its rules read only their data) */
	for (int i = 0; in->members_set && i < in->nmembers; i++) {
		char path[UNIT_PATH_MAX];
		if (units_path(db, in->members[i], path, sizeof path) != E_OK || !clusters_in_scope(c, path)) {
			fe_add(fe, "members", N_("A member must be a unit within the organiser's scope: its parent unit and the units under it"));
			rc = E_INVALID;
			goto out;
		}
	}
	int64_t cur = 0, cur_version = 0;
	if (db_int1(db, &cur, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year = $2", "ii", cluster_id, year) == DB_ROW)
		db_int1(db, &cur_version, "SELECT version FROM cluster_years WHERE id = $1", "i", cur);
	if (version ? (!cur || cur_version != version) : cur != 0) { rc = cur || version ? E_CONFLICT : E_NOTFOUND; goto out; }
	if (!cur) rc = year_create(db, cluster_id, year, &cur);
	else before = audit_snapshot(db, cur, cl_snapshot_year);
	if (rc == E_OK) rc = year_apply(db, cur, in);
	if (rc == E_OK) rc = check_leaders(db, cur, fe);
	if (rc == E_OK && version) rc = cl_bump_year(db, cur);
	if (rc == E_OK) rc = audit_change(db, who, version ? "update" : "create", "cluster_year", cur, before, cl_snapshot_year, NULL);
	if (rc == E_OK) *id = cur;
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- criteria sheets ---- */

/* the organiser's year, locked for a change of version; E_STATE once scoring started when `sheet` */
static int year_for_change(struct db *db, struct arena *a, const struct user *who, int64_t cy_id, int64_t version, int sheet,
			   struct cyear **y, struct field_errors *fe)
{
	int rc = cyear_get_id(db, a, cy_id, y);
	if (rc != E_OK) return rc;
	if (!clusters_may_organise(who, (*y)->cluster)) return E_FORBIDDEN;
	if ((*y)->version != version) return E_CONFLICT;
	if (sheet && (*y)->cards) {
		fe_add(fe, "criteria", N_("Scoring has started: the sheet of this year can no longer change"));
		return E_STATE;
	}
	return E_OK;
}

const char *cl_text_problem(const char *s, size_t max, int lines, const char *too_long, const char *bad)
{
	if (!s) return NULL;
	size_t n = strlen(s), chars = 0;
	for (size_t i = 0; i < n; i++) chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (chars > max) return too_long;
	/* the check the forms make of what a person types (input_read): UTF-8, no control characters but line breaks where allowed */
	char *copy = strdup(s);
	size_t m = n;
	int wrong = !copy || !utf8_valid(s, n) || text_clean(copy, &m, lines) != 0;
	free(copy);
	return wrong ? bad : NULL;
}

int cl_crit_validate(struct db *db, const struct user *who, const struct crit_in *items, int i, struct field_errors *fe)
{
	const struct crit_in *c = &items[i];
	int before = fe->n;
	const char *why = NULL;
	if (!c->code || !*c->code || !code_valid(c->code) || strlen(c->code) > CRIT_CODE_MAX) why = N_("A criterion's code is missing or not valid");
	else if (!c->title || !*c->title) why = N_("A criterion has no title");
	else if ((why = cl_text_problem(c->title, CRIT_TITLE_MAX, 0, N_("A criterion's title is too long (at most 500 characters)"),
					N_("A criterion's title must be one line without control characters"))) != NULL) {
	} else if ((why = cl_text_problem(c->evidence, CRIT_EVIDENCE_MAX, 1, N_("The evidence a criterion asks for is too long (at most 2000 characters)"),
					  N_("The evidence a criterion asks for must not contain control characters (line breaks are allowed)"))) != NULL) {
	} else if (c->rule && strlen(c->rule) > CRIT_RULE_MAX) why = N_("A criterion's rule is too long (at most 4000 characters)");
	else if (cl_choice(c->kind, criterion_kinds) < 0) why = N_("A criterion's kind must be group, score, bonus or penalty");
	else if (c->max_c < 0 || c->max_c > 100000000) why = N_("A criterion's maximum must be from 0 to 1.000.000");
	else if (strcmp(c->kind, "group") && c->max_c == 0) why = N_("A criterion needs a maximum above 0");
	if (why) fe_add(fe, "criteria", why);
	for (int j = 0; j < i && fe->n == before; j++)
		if (items[j].code && !strcmp(items[j].code, c->code)) fe_add(fe, "criteria", N_("Two criteria have the same code"));
	if (fe->n == before && c->parent_code && *c->parent_code) {
		int found = 0;
		for (int j = 0; j < i; j++)
			if (items[j].code && !strcmp(items[j].code, c->parent_code)) found = items[j].kind && !strcmp(items[j].kind, "group") ? 1 : -1;
		if (found <= 0) fe_add(fe, "criteria", N_("A criterion's parent must be a group listed before it"));
	}
	if (fe->n == before && c->rule && *c->rule) criterion_rule_check(db, who, c->rule, c->max_c, "criteria", "criteria", fe);
	/* the error names the criterion (a code that is itself the problem is not repeated) */
	if (fe->n > before && c->code && *c->code && code_valid(c->code) && strlen(c->code) <= CRIT_CODE_MAX) fe->field[fe->n - 1] = c->code;
	return fe->n > before ? E_INVALID : E_OK;
}

int cl_sheet_validate(struct db *db, const struct user *who, const struct crit_in *items, int n, struct field_errors *fe)
{
	if (n > CLUSTER_MAX_CRITERIA) { fe_add(fe, "criteria", N_("Too many criteria")); return E_INVALID; }
	for (int i = 0; i < n && !fe->n; i++) cl_crit_validate(db, who, items, i, fe);
	return fe->n ? E_INVALID : E_OK;
}

static int sheet_write(struct db *db, int64_t cy_id, const struct crit_in *items, int n)
{
	if (db_exec(db, "DELETE FROM cluster_criteria WHERE cluster_year_id = $1", "i", cy_id) != DB_OK) return E_DB;
	int64_t *ids = calloc((size_t)n + 1, sizeof *ids);
	if (!ids) return E_DB;
	int rc = E_OK;
	for (int i = 0; i < n && rc == E_OK; i++) {
		const struct crit_in *c = &items[i];
		int64_t parent = 0;
		for (int j = 0; c->parent_code && *c->parent_code && j < i; j++)
			if (!strcmp(items[j].code, c->parent_code)) parent = ids[j];
		struct stmt *st = db_query(db,
					   "INSERT INTO cluster_criteria (cluster_year_id, parent_id, position, code, title, kind, max_c, evidence, rule) "
					   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
					   "iIitttitt", cy_id, parent, (int64_t)(i + 1), c->code, c->title, c->kind,
					   strcmp(c->kind, "group") ? c->max_c : (int64_t)0, c->evidence && *c->evidence ? c->evidence : NULL,
					   c->rule && *c->rule ? c->rule : NULL);
		if (st && db_step(st) == DB_ROW) ids[i] = db_int(st, 0);
		else rc = E_DB;
		db_done(st);
	}
	free(ids);
	return rc;
}

int cyear_criteria_set(struct db *db, const struct user *who, int64_t cy_id, int64_t version, const struct crit_in *items, int n,
		       struct field_errors *fe)
{
	if (cl_sheet_validate(db, who, items, n, fe) != E_OK) return E_INVALID;
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = year_for_change(db, &a, who, cy_id, version, 1, &y, fe);
	if (rc == E_OK) {
		before = audit_snapshot(db, cy_id, cl_snapshot_year);
		rc = sheet_write(db, cy_id, items, n);
	}
	if (rc == E_OK) rc = cl_bump_year(db, cy_id);
	if (rc == E_OK) rc = audit_change(db, who, "update", "cluster_year", cy_id, before, cl_snapshot_year, "criteria sheet");
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int cyear_criteria_copy(struct db *db, const struct user *who, int64_t cy_id, int64_t version, int64_t from_year, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	int64_t from = 0;
	rc = year_for_change(db, &a, who, cy_id, version, 1, &y, fe);
	if (rc == E_OK && db_int1(db, &from, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year = $2", "ii", y->cluster_id, from_year) != DB_ROW) {
		fe_add(fe, "from_year", N_("The cluster has no such year"));
		rc = E_INVALID;
	}
	if (rc == E_OK && from == cy_id) { fe_add(fe, "from_year", N_("Choose another year")); rc = E_INVALID; }
	if (rc == E_OK) {
		before = audit_snapshot(db, cy_id, cl_snapshot_year);
		rc = db_exec(db, "DELETE FROM cluster_criteria WHERE cluster_year_id = $1", "i", cy_id) == DB_OK ? E_OK : E_DB;
	}
	if (rc == E_OK) rc = copy_criteria(db, from, cy_id);
	if (rc == E_OK) rc = cl_bump_year(db, cy_id);
	if (rc == E_OK) rc = audit_change(db, who, "update", "cluster_year", cy_id, before, cl_snapshot_year, "criteria sheet copied");
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* the sheet after one change, in tree order (cyear_criterion_change) */
struct crit_node {
	struct crit_in c;
	int parent;                /* index, -1: top */
	int order;                 /* among its siblings */
	int done;
};

static void crit_emit(struct crit_node *nodes, int n, int parent, struct crit_in *out, int *k)
{
	for (;;) {
		int best = -1;
		for (int i = 0; i < n; i++)
			if (!nodes[i].done && nodes[i].parent == parent && (best < 0 || nodes[i].order < nodes[best].order)) best = i;
		if (best < 0) return;
		nodes[best].done = 1;
		out[*k] = nodes[best].c;
		out[*k].parent_code = parent >= 0 ? nodes[parent].c.code : NULL;
		(*k)++;
		crit_emit(nodes, n, best, out, k);
	}
}

int cyear_criterion_change(struct db *db, struct arena *keep, const struct user *who, int64_t cy_id, int64_t version, enum crit_op op,
			   const char *orig, const struct crit_in *c, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int before = fe->n;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = year_for_change(db, &a, who, cy_id, version, 1, &y, fe);
	if (rc != E_OK) goto out;
	struct crit_node *nodes = arena_alloc(&a, sizeof *nodes * (size_t)(y->ncrit + 2));
	int n = 0, at = -1;
	for (int i = 0; i < y->ncrit; i++) {
		const struct criterion *k = &y->crit[i];
		struct crit_node *d = &nodes[n++];
		memset(d, 0, sizeof *d);
		d->c = (struct crit_in){ .code = k->code, .title = k->title, .kind = k->kind, .evidence = k->evidence, .rule = k->rule,
					 .max_c = strcmp(k->kind, "group") ? k->max_c : 0 };
		d->order = i;
		d->parent = -1;
		for (int j = 0; j < i; j++)
			if (y->crit[j].id == k->parent_id) d->parent = j;
		if (orig && *orig && !strcmp(k->code, orig)) at = i;
	}
	if ((op != CRIT_SAVE || (orig && *orig)) && at < 0) { fe_add(fe, "criterion", N_("No such criterion")); rc = E_INVALID; goto out; }
	/* the parent a saved criterion names, by code (not found: kept as typed, for the check to refuse) */
	int parent = -1;
	if (op == CRIT_SAVE && c->parent_code && *c->parent_code) {
		for (int i = 0; i < n; i++)
			if (i != at && !strcmp(nodes[i].c.code, c->parent_code)) parent = i;
		if (parent < 0) { fe_add(fe, c->code && *c->code ? c->code : "criteria", N_("A criterion's parent must be a group listed before it")); rc = E_INVALID; goto out; }
	}
	if (op == CRIT_SAVE && at < 0) {
		nodes[n] = (struct crit_node){ .c = *c, .parent = parent, .order = n };
		n++;
	} else if (op == CRIT_SAVE) {
		int moved = nodes[at].parent != parent;
		nodes[at].c = *c;
		nodes[at].parent = parent;
		if (moved) nodes[at].order = n;
	} else if (op == CRIT_REMOVE) {
		for (int i = 0; i < n; i++)
			if (nodes[i].parent == at) nodes[i].parent = nodes[at].parent;
		nodes[at].done = 1; /* not emitted */
	} else {
		int other = -1;
		for (int i = 0; i < n; i++) {
			if (i == at || nodes[i].parent != nodes[at].parent) continue;
			if (op == CRIT_UP ? nodes[i].order < nodes[at].order && (other < 0 || nodes[i].order > nodes[other].order)
					  : nodes[i].order > nodes[at].order && (other < 0 || nodes[i].order < nodes[other].order))
				other = i;
		}
		if (other >= 0) {
			int t = nodes[at].order;
			nodes[at].order = nodes[other].order;
			nodes[other].order = t;
		}
	}
	struct crit_in *items = arena_alloc(&a, sizeof *items * (size_t)(n + 1));
	int k = 0;
	crit_emit(nodes, n, -1, items, &k);
	/* a group made a criterion of its own criteria is out of the tree: listed last, for the check to refuse */
	for (int i = 0; i < n; i++)
		if (!nodes[i].done) {
			items[k] = nodes[i].c;
			items[k++].parent_code = nodes[i].parent >= 0 ? nodes[nodes[i].parent].c.code : NULL;
		}
	rc = cyear_criteria_set(db, who, cy_id, version, items, k, fe);
out:
	/* an error may be named by a criterion's code read into the work arena:
	** the names go to the caller's arena before that one is freed */
	for (int i = before; i < fe->n; i++) fe->field[i] = arena_strdup(keep, fe->field[i]);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- criteria that take their points from data (rules) ----
** Thresholds → points, one shape for every source:
**   {"source": "movement", "movement": "CODE", "metric": "CODE" (optional), "thresholds": [[at, points], ...]}
**     the unit's result in the movement — the sum of its models' standing
**     values of the metric, or without a metric the number of its models
**     assessed effective, over its subtree;
**   {"source": "indicator", "indicator": "CODE", "thresholds": [...]}
**     the indicator's figure for the unit and the cluster's year (period
**     "YYYY": indicator_value, src/indicators);
**   {"source": "index", "index": "CODE", "thresholds": [...]}
**     the unit's score in the composite index for the cluster's year
**     (index_score).
** The value gives the points of the highest threshold it reaches (0 below
** the first, and 0 when the unit has no value). */

struct rule {
	const char *source, *code, *metric;   /* code: the movement, indicator or index named */
	int n;
	double at[32];
	int64_t points_c[32];
};

static const char *const rule_sources[] = { "movement", "indicator", "index", NULL };

static int rule_parse(const char *text, struct rule *r, const char **why)
{
	memset(r, 0, sizeof *r);
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	*why = N_("The rule is not valid JSON");
	if (!j || !json_is_object(j)) { json_decref(j); return -1; }
	static __thread char buf[3][128];
	const char *src = json_string_value(json_object_get(j, "source"));
	int k = cl_choice(src, rule_sources);
	const char *code = k >= 0 ? json_string_value(json_object_get(j, rule_sources[k])) : NULL;
	const char *me = json_string_value(json_object_get(j, "metric"));
	snprintf(buf[0], sizeof buf[0], "%s", src ? src : "");
	snprintf(buf[1], sizeof buf[1], "%s", code ? code : "");
	snprintf(buf[2], sizeof buf[2], "%s", me ? me : "");
	r->source = buf[0];
	r->code = code && *code ? buf[1] : NULL;
	r->metric = me && k == 0 ? buf[2] : NULL;
	int rc = 0;
	json_t *th = json_object_get(j, "thresholds");
	/* -1: the source is wrong; -2: the thresholds */
	if (k < 0) { *why = N_("A rule's source is movement, indicator or index"); rc = -1; }
	else if (!r->code) {
		*why = k == 0 ? N_("A movement rule names the movement") : k == 1 ? N_("An indicator rule names the indicator") : N_("An index rule names the index");
		rc = -1;
	} else if (!json_is_array(th) || json_array_size(th) == 0 || json_array_size(th) > 32) { *why = N_("A rule needs from 1 to 32 thresholds"); rc = -2; }
	for (size_t i = 0; !rc && i < json_array_size(th); i++) {
		json_t *p = json_array_get(th, i);
		if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_number(json_array_get(p, 0)) || !json_is_number(json_array_get(p, 1))) {
			*why = N_("Each threshold is [at, points]");
			rc = -2;
			break;
		}
		r->at[i] = json_number_value(json_array_get(p, 0));
		double pv = json_number_value(json_array_get(p, 1));
		r->points_c[i] = fabs(pv) < 1e9 ? llround(pv * 100.0) : -1;
		if (i && r->at[i] <= r->at[i - 1]) { *why = N_("Thresholds must increase"); rc = -2; }
		r->n = (int)i + 1;
	}
	json_decref(j);
	return rc;
}

int cl_rule_from_data(const char *rule)
{
	struct rule r;
	const char *why;
	return rule && rule_parse(rule, &r, &why) == 0;
}

int criterion_rule_parts(const char *rule, struct rule_parts *out)
{
	struct rule r;
	const char *why;
	memset(out, 0, sizeof *out);
	if (!rule || rule_parse(rule, &r, &why) != 0) return -1;
	snprintf(out->source, sizeof out->source, "%s", r.source);
	snprintf(out->code, sizeof out->code, "%s", r.code);
	snprintf(out->metric, sizeof out->metric, "%s", r.metric ? r.metric : "");
	out->n = r.n;
	for (int i = 0; i < r.n; i++) {
		out->at[i] = r.at[i];
		out->points_c[i] = r.points_c[i];
	}
	return 0;
}

int criterion_rule_check(struct db *db, const struct user *who, const char *rule, int64_t max_c, const char *source_field, const char *thresholds_field,
			 struct field_errors *fe)
{
	struct rule r;
	const char *why;
	int bad = rule_parse(rule, &r, &why);
	if (bad) { fe_add(fe, bad == -1 ? source_field : thresholds_field, why); return E_INVALID; }
	int64_t one;
	struct arena a;
	arena_init(&a);
	struct indicator *x;
	struct composite_index *ix;
	const char *missing = NULL;
	int64_t mv_id;
	struct movement *mv;
	/* a draft the writer may not read (another authority's) is as unknown as a code that does not exist */
	if (!strcmp(r.source, "movement") &&
	    (movements_find_code(db, r.code, &mv_id) != E_OK || movements_get(db, &a, mv_id, &mv) != E_OK || (who && !movement_readable(who, mv))))
		missing = N_("No such movement");
	/* a metric the movement does not have would read 0 for every member */
	else if (!strcmp(r.source, "movement") && r.metric &&
		 db_int1(db, &one, "SELECT 1 FROM movement_metrics k JOIN movements mv ON mv.id = k.movement_id WHERE mv.code = $1 AND k.code = $2", "tt",
			 r.code, r.metric) != DB_ROW)
		missing = N_("The movement has no such metric");
	else if (!strcmp(r.source, "indicator") && indicators_find(db, &a, r.code, "en", &x) != E_OK) missing = N_("No such indicator");
	else if (!strcmp(r.source, "indicator") && strcmp(x->period_type, "year")) missing = N_("The indicator must be yearly: the cluster's year is its period");
	else if (!strcmp(r.source, "index") && indexes_find(db, &a, r.code, "en", &ix) != E_OK) missing = N_("No such index");
	arena_free(&a);
	if (missing) { fe_add(fe, source_field, missing); return E_INVALID; }
	for (int i = 0; i < r.n; i++)
		if (r.points_c[i] < 0 || r.points_c[i] > max_c) { fe_add(fe, thresholds_field, N_("A threshold's points must be from 0 to the criterion's maximum")); return E_INVALID; }
	return E_OK;
}

int criterion_rule_metrics(struct db *db, struct arena *a, struct rule_metric **out, int *n)
{
	*n = 0;
	*out = NULL;
	int64_t total = 0;
	if (db_int1(db, &total, "SELECT count(*) FROM movement_metrics", "") != DB_ROW) return E_DB;
	*out = arena_alloc(a, sizeof **out * (size_t)(total + 1));
	struct stmt *st = db_query(db,
				   "SELECT mv.code, k.code, k.name, k.unit FROM movement_metrics k JOIN movements mv ON mv.id = k.movement_id "
				   "ORDER BY mv.id, k.position, k.id",
				   "");
	if (!st) return E_DB;
	while (*n < total && db_step(st) == DB_ROW) {
		struct rule_metric *m = &(*out)[(*n)++];
		m->movement = arena_strdup(a, db_text(st, 0));
		m->code = arena_strdup(a, db_text(st, 1));
		m->name = arena_strdup(a, db_text(st, 2));
		m->unit = arena_strdup(a, db_text(st, 3));
	}
	db_done(st);
	return E_OK;
}

/* the unit's result in a movement (its subtree) */
static int movement_result(struct db *db, const struct rule *r, int64_t unit_id, double *v)
{
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];
	if (units_subtree(db, unit_id, lo, hi, sizeof lo) != E_OK) return E_NOTFOUND;
	struct stmt *st = r->metric
		? db_query(db,
			   "SELECT COALESCE(sum(v.value), 0) FROM models m JOIN movements mv ON mv.id = m.movement_id JOIN units u ON u.id = m.unit_id "
			   "JOIN movement_metrics k ON k.movement_id = mv.id AND k.code = $4 JOIN model_values v ON v.model_id = m.id AND v.metric_id = k.id "
			   "WHERE mv.code = $1 AND u.path >= $2 AND u.path < $3",
			   "tttt", r->code, lo, hi, r->metric)
		: db_query(db,
			   "SELECT count(*) FROM models m JOIN movements mv ON mv.id = m.movement_id JOIN units u ON u.id = m.unit_id "
			   "WHERE mv.code = $1 AND u.path >= $2 AND u.path < $3 AND m.status = 'effective'",
			   "ttt", r->code, lo, hi);
	if (!st) return E_DB;
	*v = 0;
	if (db_step(st) == DB_ROW) *v = db_double(st, 0);
	db_done(st);
	return E_OK;
}

int criterion_rule_value(struct db *db, const char *rule, int64_t unit_id, int64_t year, double *value, int *has)
{
	struct rule r;
	const char *why;
	*value = 0;
	*has = 0;
	if (rule_parse(rule, &r, &why) != 0) return E_INVALID;
	int rc;
	if (!strcmp(r.source, "movement")) {
		rc = movement_result(db, &r, unit_id, value); /* the movement names its own period */
	} else if (!strcmp(r.source, "indicator")) {
		char period[16];
		snprintf(period, sizeof period, "%lld", (long long)year);
		rc = indicator_value(db, r.code, unit_id, period, value);
	} else {
		rc = index_score(db, r.code, unit_id, (int)year, value);
	}
	if (rc == E_NOTFOUND) { *value = 0; return E_OK; } /* no value: below every threshold */
	if (rc == E_OK) *has = 1;
	return rc;
}

int criterion_rule_points(struct db *db, const char *rule, int64_t unit_id, int64_t year, int64_t *points_c)
{
	struct rule r;
	const char *why;
	*points_c = 0;
	if (rule_parse(rule, &r, &why) != 0) return E_INVALID;
	double v = 0;
	int has = 0;
	int rc = criterion_rule_value(db, rule, unit_id, year, &v, &has);
	if (rc != E_OK) return rc;
	for (int i = 0; has && i < r.n; i++)
		if (v >= r.at[i]) *points_c = r.points_c[i];
	return E_OK;
}

/* ---- rotation and tie-breaks ---- */

int cyear_rotation_propose(struct db *db, const struct user *who, int64_t cy_id, int64_t version, int64_t leader_id, int64_t deputy_id,
			   const char *note, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = cyear_get_id(db, &a, cy_id, &y);
	if (rc != E_OK) goto out;
	/* the organiser, or the year's leader who chairs the conference */
	if (!clusters_may_organise(who, y->cluster) && !(y->leader.id && role_can(who, PERM_CLUSTER_SCORE, y->leader.path))) { rc = E_FORBIDDEN; goto out; }
	if (y->version != version) { rc = E_CONFLICT; goto out; }
	if (y->rotation_confirmed_at) { fe_add(fe, "leader", N_("The organiser has confirmed the rotation already")); rc = E_STATE; goto out; }
	const char *why = cl_text_problem(note, ROTATION_NOTE_MAX, 1, N_("The proposals are too long (at most 4000 characters)"),
					  N_("The proposals must not contain control characters (line breaks are allowed)"));
	if (why) fe_add(fe, "note", why);
	if (!cyear_is_member(y, leader_id)) fe_add(fe, "leader", N_("The leader must be a member of the year"));
	if (deputy_id && !cyear_is_member(y, deputy_id)) fe_add(fe, "deputy", N_("The deputy must be a member of the year"));
	if (deputy_id && deputy_id == leader_id) fe_add(fe, "deputy", N_("The deputy cannot be the leader"));
	if (fe->n) { rc = E_INVALID; goto out; }
	before = audit_snapshot(db, cy_id, cl_snapshot_year);
	rc = db_exec(db, "UPDATE cluster_years SET next_leader_id = $1, next_deputy_id = $2, rotation_note = $3 WHERE id = $4", "iIti", leader_id,
		     deputy_id, note && *note ? note : NULL, cy_id) == DB_OK ? E_OK : E_DB;
	if (rc == E_OK) rc = cl_bump_year(db, cy_id);
	if (rc == E_OK) rc = audit_change(db, who, "update", "cluster_year", cy_id, before, cl_snapshot_year, "rotation proposed");
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int cyear_rotation_confirm(struct db *db, const struct user *who, int64_t cy_id, int64_t version, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = year_for_change(db, &a, who, cy_id, version, 0, &y, fe);
	if (rc != E_OK) goto out;
	if (!y->next_leader.id) { fe_add(fe, "leader", N_("No rotation has been proposed for next year")); rc = E_STATE; goto out; }
	if (y->rotation_confirmed_at) { fe_add(fe, "leader", N_("The organiser has confirmed the rotation already")); rc = E_STATE; goto out; }
	before = audit_snapshot(db, cy_id, cl_snapshot_year);
	char now[21];
	now_iso(now);
	rc = db_exec(db, "UPDATE cluster_years SET rotation_confirmed_at = $1, rotation_confirmed_by = $2 WHERE id = $3", "tIi", now, who->id, cy_id) == DB_OK
		? E_OK : E_DB;
	if (rc == E_OK) rc = cl_bump_year(db, cy_id);
	if (rc == E_OK) rc = audit_change(db, who, "update", "cluster_year", cy_id, before, cl_snapshot_year, "rotation confirmed");
	/* next year, made from this one when it does not exist, gets its leader and deputy */
	int64_t next = 0, next_version = 0;
	if (rc == E_OK && db_int1(db, &next, "SELECT id FROM cluster_years WHERE cluster_id = $1 AND year = $2", "ii", y->cluster_id, y->year + 1) == DB_ROW)
		db_int1(db, &next_version, "SELECT version FROM cluster_years WHERE id = $1", "i", next);
	struct cyear_in in = { .trim = -1, .leader_set = 1, .deputy_set = 1, .leader_id = y->next_leader.id, .deputy_id = y->next_deputy.id };
	int64_t id;
	if (rc == E_OK) rc = cyear_save(db, who, y->cluster_id, y->year + 1, next_version, &in, fe, &id);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int cyear_tiebreak_set(struct db *db, const struct user *who, int64_t cy_id, int64_t unit_id, int64_t order, const char *reason,
		       struct field_errors *fe)
{
	if (!reason || !*reason) fe_add(fe, "reason", N_("Is required"));
	if (order < 1) fe_add(fe, "order", N_("Must be 1 or more"));
	if (fe->n) return E_INVALID;
	struct arena a;
	arena_init(&a);
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = cyear_get_id(db, &a, cy_id, &y);
	if (rc == E_OK && !clusters_may_organise(who, y->cluster)) rc = E_FORBIDDEN;
	if (rc == E_OK && !cyear_is_member(y, unit_id)) { fe_add(fe, "unit", N_("Not a member of the year")); rc = E_INVALID; }
	char now[21];
	now_iso(now);
	if (rc == E_OK && db_exec(db, "DELETE FROM cluster_tiebreaks WHERE cluster_year_id = $1 AND unit_id = $2", "ii", cy_id, unit_id) != DB_OK) rc = E_DB;
	if (rc == E_OK && db_exec(db,
				  "INSERT INTO cluster_tiebreaks (cluster_year_id, unit_id, rank_order, reason, decided_by, decided_at) "
				  "VALUES ($1, $2, $3, $4, $5, $6)",
				  "iiitIt", cy_id, unit_id, order, reason, who->id, now) != DB_OK)
		rc = E_DB;
	if (rc == E_OK) {
		struct buf b;
		buf_init(&b);
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "cluster_year_id", cy_id);
		jw_kint(&w, "unit_id", unit_id);
		jw_kint(&w, "order", order);
		jw_kstr(&w, "reason", reason);
		jw_obj_end(&w);
		rc = audit_add(db, who, "update", "cluster_tiebreak", cy_id, NULL, buf_cstr(&b), reason) == DB_OK ? E_OK : E_DB;
		buf_free(&b);
	}
	arena_free(&a);
	return db_tx_end(db, rc);
}
