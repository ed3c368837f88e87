/* Movements: the record, its scope, fields and metrics, and the lifecycle. */
#include "movements.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "mv_internal.h"
#include "../web/roles.h"

int mv_may(const struct user *who, enum perm perm, const char *path)
{
	return path && role_can(who, perm, path);
}

const char *movement_transition_action(const char *from, const char *to)
{
	static const struct { const char *from, *to, *action; } t[] = {
		{ "draft", "launched", N_("launch") },
		{ "launched", "reviewing", N_("review") },
		{ "reviewing", "launched", N_("reopen") },
		{ "reviewing", "closed", N_("close") },
	};
	for (size_t i = 0; from && to && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].from, from) == 0 && strcmp(t[i].to, to) == 0) return t[i].action;
	return NULL;
}

#define MV_COLS_BASE                                                                                              \
	"m.id, m.code, m.title, m.theme, m.kind, m.legal_basis, m.authority_id, a.code, a.name, a.path, m.parent_id, " \
	"pm.code, pm.title, m.starts_on, m.ends_on, m.register_by, m.status, m.launched_at, m.closed_at, "            \
	"m.created_at, m.updated_at, m.version, "
#define MV_COLS MV_COLS_BASE                                                                                      \
	"(SELECT count(*) FROM registrations g WHERE g.movement_id = m.id AND g.active = 1), "                        \
	"(SELECT count(*) FROM models d WHERE d.movement_id = m.id AND d.active = 1) "
/* without the counts, which cost a scan of the movement's models: for writers */
#define MV_COLS_PLAIN MV_COLS_BASE "0, 0 "
#define MV_FROM " FROM movements m JOIN units a ON a.id = m.authority_id LEFT JOIN movements pm ON pm.id = m.parent_id "

static void read_movement(struct stmt *st, struct arena *a, struct movement *m)
{
	memset(m, 0, sizeof *m);
	m->id = db_int(st, 0);
	m->code = arena_strdup(a, db_text(st, 1));
	m->title = arena_strdup(a, db_text(st, 2));
	m->theme = arena_strdup(a, db_text(st, 3));
	m->kind = arena_strdup(a, db_text(st, 4));
	m->legal_basis = arena_strdup(a, db_text(st, 5));
	m->authority_id = db_int(st, 6);
	m->authority_code = arena_strdup(a, db_text(st, 7));
	m->authority_name = arena_strdup(a, db_text(st, 8));
	m->authority_path = arena_strdup(a, db_text(st, 9));
	m->parent_id = db_int(st, 10);
	m->parent_code = arena_strdup(a, db_text(st, 11));
	m->parent_title = arena_strdup(a, db_text(st, 12));
	m->starts_on = arena_strdup(a, db_text(st, 13));
	m->ends_on = arena_strdup(a, db_text(st, 14));
	m->register_by = arena_strdup(a, db_text(st, 15));
	m->status = arena_strdup(a, db_text(st, 16));
	m->stage = mv_stage_parse(m->status);
	m->launched_at = arena_strdup(a, db_text(st, 17));
	m->closed_at = arena_strdup(a, db_text(st, 18));
	m->created_at = arena_strdup(a, db_text(st, 19));
	m->updated_at = arena_strdup(a, db_text(st, 20));
	m->version = db_int(st, 21);
	m->registrations = db_int(st, 22);
	m->models = db_int(st, 23);
}

void movement_json(struct jw *w, const struct movement *m, int detail)
{
	jw_obj(w);
	jw_kint(w, "id", m->id);
	jw_kstr(w, "code", m->code);
	jw_kstr(w, "title", m->title);
	jw_kstr(w, "theme", m->theme);
	jw_kstr(w, "kind", m->kind);
	jw_kstr(w, "status", m->status);
	jw_kint(w, "authority_id", m->authority_id);
	jw_kstr(w, "authority_code", m->authority_code);
	jw_kstr(w, "authority_name", m->authority_name);
	jw_kstr(w, "legal_basis", m->legal_basis);
	jw_key(w, "parent_id");
	if (m->parent_id) jw_int(w, m->parent_id);
	else jw_null(w);
	jw_kstr(w, "parent_code", m->parent_code);
	jw_kstr(w, "starts_on", m->starts_on);
	jw_kstr(w, "ends_on", m->ends_on);
	jw_kstr(w, "register_by", m->register_by);
	jw_kstr(w, "launched_at", m->launched_at);
	jw_kstr(w, "closed_at", m->closed_at);
	jw_kint(w, "registrations", m->registrations);
	jw_kint(w, "models", m->models);
	jw_kint(w, "version", m->version);
	jw_kstr(w, "created_at", m->created_at);
	jw_kstr(w, "updated_at", m->updated_at);
	if (detail) {
		jw_key(w, "scope");
		jw_arr(w);
		for (int i = 0; i < m->nscopes; i++) {
			jw_obj(w);
			jw_kint(w, "unit_id", m->scopes[i].unit_id);
			jw_kstr(w, "code", m->scopes[i].code);
			jw_kstr(w, "name", m->scopes[i].name);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "fields");
		jw_arr(w);
		for (int i = 0; i < m->nfields; i++) jw_str(w, m->fields[i]);
		jw_arr_end(w);
		jw_key(w, "metrics");
		jw_arr(w);
		for (int i = 0; i < m->nmetrics; i++) {
			jw_obj(w);
			jw_kint(w, "id", m->metrics[i].id);
			jw_kstr(w, "code", m->metrics[i].code);
			jw_kstr(w, "name", m->metrics[i].name);
			jw_kstr(w, "unit", m->metrics[i].unit);
			jw_kstr(w, "kind", m->metrics[i].kind);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "children");
		jw_arr(w);
		for (int i = 0; i < m->nchildren; i++) {
			jw_obj(w);
			jw_kint(w, "id", m->children[i].id);
			jw_kstr(w, "code", m->children[i].code);
			jw_kstr(w, "title", m->children[i].title);
			jw_kstr(w, "status", m->children[i].status);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

int movements_find_code(struct db *db, const char *code, int64_t *id)
{
	int rc = db_int1(db, id, "SELECT id FROM movements WHERE code = $1", "t", code);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int movements_list(struct db *db, struct arena *a, const struct movement_query *q, struct movement **items, int *n, int64_t *total)
{
	static const char *const keys[] = { "title", "code", "starts_on", "status", "updated_at", NULL };
	/* titles in Vietnamese order: the sort key of migration 009 */
	static const char *const cols[] = { "m.sort_key", "m.code", "m.starts_on", "m.status", "m.updated_at", NULL };
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* $1 search, $2 status, $3 kind, $4 parent, $5/$6 authority subtree, $7.. draft ranges */
	buf_raw(&where, " WHERE 1 = 1");
	char *pat = NULL;
	if (q->q && *q->q) {
		pat = like_pattern(a, q->q);
		buf_raw(&where, " AND m.search LIKE $1 ESCAPE '\\'");
	}
	if (q->status && *q->status) buf_raw(&where, " AND m.status = $2");
	if (q->kind && *q->kind) buf_raw(&where, " AND m.kind = $3");
	if (q->parent == 0) buf_raw(&where, " AND m.parent_id IS NULL");
	else if (q->parent > 0) buf_raw(&where, " AND m.parent_id = $4");
	char lo[UNIT_PATH_MAX] = "", hi[UNIT_PATH_MAX] = "";
	if (q->authority > 0) {
		if (units_subtree(db, q->authority, lo, hi, sizeof lo) != E_OK) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
		buf_raw(&where, " AND a.path >= $5 AND a.path < $6");
	}
	char rhi[MV_MAX_RANGES][UNIT_PATH_MAX];
	int nr = q->nranges > 0 ? q->nranges : 0;
	/* a draft is seen only in the scope of those who may run it */
	if (q->nranges >= 0) scope_ranges_sql(&where, "m.status <> 'draft'", "a.path", NULL, 7, q->range_lo, nr, rhi);
	int np = 7 + 2 * nr;
	/* the movements that concern the reader's subtrees: $np.. */
	char chi[MV_MAX_RANGES][UNIT_PATH_MAX];
	int nc = q->concern && q->nconcern > 0 ? (q->nconcern < MV_MAX_RANGES ? q->nconcern : MV_MAX_RANGES) : 0, cfirst = np;
	if (q->concern && q->nconcern >= 0) {
		buf_raw(&where, " AND (1 = 0");
		for (int i = 0; i < nc; i++) {
			int k = cfirst + 2 * i;
			subtree_end(chi[i], UNIT_PATH_MAX, q->concern_lo[i]);
			buf_printf(&where, " OR (a.path >= $%d AND a.path < $%d)", k, k + 1);
		}
		buf_raw(&where, " OR EXISTS (SELECT 1 FROM movement_scopes s JOIN units su ON su.id = s.unit_id WHERE s.movement_id = m.id AND (1 = 0");
		for (int i = 0; i < nc; i++) {
			int k = cfirst + 2 * i;
			buf_printf(&where, " OR (su.path >= $%d AND su.path < $%d) OR substr($%d, 1, length(su.path)) = su.path", k, k + 1, k);
		}
		buf_raw(&where, ")))");
		np += 2 * nc;
	}
	int rc = E_OK;
	*n = 0;
	*items = NULL;
	for (int pass = 0; pass < (q->limit > 0 ? 2 : 1) && rc == E_OK; pass++) {
		buf_reset(&sql);
		if (pass == 0) {
			buf_printf(&sql, "SELECT count(*)" MV_FROM "%s", buf_cstr(&where));
		} else {
			buf_printf(&sql, "SELECT " MV_COLS MV_FROM "%s", buf_cstr(&where));
			db_order_by(&sql, q->sort, keys, cols, "m.starts_on DESC, m.sort_key, m.id");
			buf_printf(&sql, " LIMIT $%d OFFSET $%d", np, np + 1);
		}
		struct stmt *st = db_prep(db, buf_cstr(&sql));
		if (!st) { rc = E_DB; break; }
		db_bind_text(st, 1, pat);
		db_bind_text(st, 2, q->status);
		db_bind_text(st, 3, q->kind);
		db_bind_int(st, 4, q->parent);
		db_bind_text(st, 5, lo);
		db_bind_text(st, 6, hi);
		scope_ranges_bind(st, 7, q->range_lo, nr, rhi);
		scope_ranges_bind(st, cfirst, q->concern_lo, nc, chi);
		if (pass == 0) {
			*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
		} else {
			db_bind_int(st, np, q->limit);
			db_bind_int(st, np + 1, q->offset);
			int cap = (int)(q->limit > 0 ? q->limit : 1);
			*items = arena_alloc(a, sizeof(struct movement) * (size_t)cap);
			*n = 0;
			while (*n < cap && db_step(st) == DB_ROW) read_movement(st, a, &(*items)[(*n)++]);
		}
		db_done(st);
	}
	buf_free(&where);
	buf_free(&sql);
	return rc;
}

static int movement_read(struct db *db, struct arena *a, int64_t id, struct movement **out, int counts);

int movements_get(struct db *db, struct arena *a, int64_t id, struct movement **out) { return movement_read(db, a, id, out, 1); }

int movements_get_plain(struct db *db, struct arena *a, int64_t id, struct movement **out) { return movement_read(db, a, id, out, 0); }

static int movement_read(struct db *db, struct arena *a, int64_t id, struct movement **out, int counts)
{
	struct stmt *st = db_query(db, counts ? "SELECT " MV_COLS MV_FROM " WHERE m.id = $1" : "SELECT " MV_COLS_PLAIN MV_FROM " WHERE m.id = $1",
				   "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct movement *m = arena_alloc(a, sizeof *m);
	read_movement(st, a, m);
	db_done(st);

	m->scopes = arena_alloc(a, sizeof *m->scopes * MV_MAX_SCOPES);
	st = db_query(db, "SELECT u.id, u.code, u.name, u.path FROM movement_scopes s JOIN units u ON u.id = s.unit_id "
			  "WHERE s.movement_id = $1 ORDER BY u.sort_key, u.id", "i", id);
	while (st && db_step(st) == DB_ROW && m->nscopes < MV_MAX_SCOPES) {
		struct mv_scope *s = &m->scopes[m->nscopes++];
		s->unit_id = db_int(st, 0);
		s->code = arena_strdup(a, db_text(st, 1));
		s->name = arena_strdup(a, db_text(st, 2));
		s->path = arena_strdup(a, db_text(st, 3));
	}
	db_done(st);
	m->fields = arena_alloc(a, sizeof *m->fields * MV_MAX_FIELDS);
	st = db_query(db, "SELECT l.field_code FROM movement_field_links l JOIN movement_fields f ON f.code = l.field_code "
			  "WHERE l.movement_id = $1 ORDER BY f.position", "i", id);
	while (st && db_step(st) == DB_ROW && m->nfields < MV_MAX_FIELDS) m->fields[m->nfields++] = arena_strdup(a, db_text(st, 0));
	db_done(st);
	m->metrics = arena_alloc(a, sizeof *m->metrics * MV_MAX_METRICS);
	st = db_query(db, "SELECT id, code, name, unit, kind FROM movement_metrics WHERE movement_id = $1 ORDER BY position, id", "i", id);
	while (st && db_step(st) == DB_ROW && m->nmetrics < MV_MAX_METRICS) {
		struct metric *mt = &m->metrics[m->nmetrics++];
		mt->id = db_int(st, 0);
		mt->code = arena_strdup(a, db_text(st, 1));
		mt->name = arena_strdup(a, db_text(st, 2));
		mt->unit = arena_strdup(a, db_text(st, 3));
		mt->kind = arena_strdup(a, db_text(st, 4));
	}
	db_done(st);
	int64_t nkids = 0;
	db_int1(db, &nkids, "SELECT count(*) FROM movements WHERE parent_id = $1", "i", id);
	if (nkids > 0) {
		m->children = arena_alloc(a, sizeof *m->children * (size_t)nkids);
		st = db_query(db, "SELECT id, code, title, status FROM movements WHERE parent_id = $1 ORDER BY starts_on, sort_key, id", "i", id);
		while (st && db_step(st) == DB_ROW && m->nchildren < nkids) {
			struct movement *c = &m->children[m->nchildren++];
			c->id = db_int(st, 0);
			c->code = arena_strdup(a, db_text(st, 1));
			c->title = arena_strdup(a, db_text(st, 2));
			c->status = arena_strdup(a, db_text(st, 3));
			c->stage = mv_stage_parse(c->status);
		}
		db_done(st);
	}
	*out = m;
	return E_OK;
}

/* A draft is the organiser's unfinished document: only those who may run the
** movement (officers over its authority, admins) see it; for everyone else,
** council and viewers above included, it does not exist yet. */
int movement_readable(const struct user *who, const struct movement *m)
{
	if (m->stage != MV_DRAFT) return 1;
	return mv_may(who, PERM_MOVEMENT_MANAGE, m->authority_path);
}

int movement_manageable(const struct user *who, const struct movement *m)
{
	return mv_may(who, PERM_MOVEMENT_MANAGE, m->authority_path);
}

int movement_in_scope(const struct movement *m, const char *unit_path)
{
	for (int i = 0; unit_path && i < m->nscopes; i++)
		if (strncmp(unit_path, m->scopes[i].path, strlen(m->scopes[i].path)) == 0) return 1;
	return 0;
}

const struct metric *movement_metric(const struct movement *m, const char *code)
{
	for (int i = 0; code && i < m->nmetrics; i++)
		if (strcmp(m->metrics[i].code, code) == 0) return &m->metrics[i];
	return NULL;
}

int movement_field_valid(const struct movement *m, const char *field)
{
	for (int i = 0; field && i < m->nfields; i++)
		if (strcmp(m->fields[i], field) == 0) return 1;
	return 0;
}

static int mv_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct movement *m;
	int rc = movements_get(db, a, id, &m);
	if (rc == E_OK) movement_json(w, m, 1);
	return rc;
}

char *mv_search_key(const char *title, const char *code)
{
	struct buf b;
	buf_init(&b);
	fold_text(&b, title);
	buf_char(&b, ' ');
	fold_text(&b, code);
	return buf_detach(&b);
}

static const char *const kinds[] = { "campaign", "regular", "thematic", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (strcmp(s, set[i]) == 0) return 1;
	return 0;
}

static void check_text(struct field_errors *fe, const char *name, const char *v, int required, size_t max)
{
	if (!v || !*v) {
		if (required) fe_add(fe, name, N_("Is required"));
	} else if (strlen(v) > max) {
		fe_add(fe, name, N_("Is too long"));
	}
}

static void check_date(struct field_errors *fe, const char *name, const char *v, int required)
{
	if (!v || !*v) {
		if (required) fe_add(fe, name, N_("Is required"));
	} else if (!date_valid(v)) {
		fe_add(fe, name, N_("Is not a date (YYYY-MM-DD)"));
	}
}

/* "metrics.N.part" for row i (from 0) of the metric list: static names, as
** field_errors keeps the pointer */
static const char *metric_field(int i, const char *part)
{
#define MV_ROW(n) { "metrics." #n ".code", "metrics." #n ".name", "metrics." #n ".unit", "metrics." #n ".kind" }
	static const char *const names[MV_MAX_METRICS][4] = {
		MV_ROW(1), MV_ROW(2), MV_ROW(3), MV_ROW(4), MV_ROW(5), MV_ROW(6), MV_ROW(7), MV_ROW(8),
		MV_ROW(9), MV_ROW(10), MV_ROW(11), MV_ROW(12), MV_ROW(13), MV_ROW(14), MV_ROW(15), MV_ROW(16),
		MV_ROW(17), MV_ROW(18), MV_ROW(19), MV_ROW(20), MV_ROW(21), MV_ROW(22), MV_ROW(23), MV_ROW(24),
		MV_ROW(25), MV_ROW(26), MV_ROW(27), MV_ROW(28), MV_ROW(29), MV_ROW(30), MV_ROW(31), MV_ROW(32),
	};
#undef MV_ROW
	int p = !strcmp(part, "code") ? 0 : !strcmp(part, "name") ? 1 : !strcmp(part, "unit") ? 2 : 3;
	return i >= 0 && i < MV_MAX_METRICS ? names[i][p] : "metrics";
}

/* Validates what is given, every field in one pass (errors already in fe,
** from reading the input, are kept and make it fail); `cur` is the stored
** movement when updating. */
static int validate(struct db *db, const struct user *who, const struct movement_in *in, const struct movement *cur,
		    struct field_errors *fe)
{
	int creating = cur == NULL;
	if (creating || in->code) {
		if (!in->code || !*in->code) fe_add(fe, "code", N_("Is required"));
		else if (!code_valid(in->code) || strlen(in->code) > MV_CODE_MAX)
			fe_add(fe, "code", N_("Use letters, digits, '-', '_' or '.' (at most 40)"));
	}
	if (creating || in->title) check_text(fe, "title", in->title, 1, MV_TITLE_MAX);
	if (in->theme) check_text(fe, "theme", in->theme, 0, MV_TEXT_MAX);
	if (in->legal_basis) check_text(fe, "legal_basis", in->legal_basis, 0, MV_TEXT_MAX);
	if (creating || in->kind) {
		if (!one_of(in->kind, kinds)) fe_add(fe, "kind", N_("Must be campaign, regular or thematic"));
	}
	if (creating || in->starts_on) check_date(fe, "starts_on", in->starts_on, 1);
	if (creating || in->ends_on) check_date(fe, "ends_on", in->ends_on, 1);
	if (creating || in->register_by) check_date(fe, "register_by", in->register_by, 1);
	const char *s = in->starts_on ? in->starts_on : cur ? cur->starts_on : NULL;
	const char *e = in->ends_on ? in->ends_on : cur ? cur->ends_on : NULL;
	const char *r = in->register_by ? in->register_by : cur ? cur->register_by : NULL;
	if (date_valid(s) && date_valid(e) && strcmp(s, e) > 0) fe_add(fe, "ends_on", N_("Ends before it starts"));
	if (date_valid(r) && date_valid(e) && strcmp(r, e) > 0) fe_add(fe, "register_by", N_("The registration deadline is after the end of the movement"));
	if (creating || in->authority_id >= 0) {
		int64_t active = 0;
		if (in->authority_id <= 0) fe_add(fe, "authority_id", N_("Is required"));
		else if (db_int1(db, &active, "SELECT active FROM units WHERE id = $1", "i", in->authority_id) != DB_ROW)
			fe_add(fe, "authority_id", N_("No such unit"));
		else if (!active) fe_add(fe, "authority_id", N_("The unit is deactivated"));
	}
	if (in->parent_id > 0) {
		/* the parent exists and is not the movement itself or below it */
		int64_t p = in->parent_id;
		int steps = 0;
		while (p > 0 && steps++ < 64) {
			if (cur && p == cur->id) { fe_add(fe, "parent_id", N_("A movement cannot be under itself")); break; }
			int64_t up = 0;
			int rc = db_int1(db, &up, "SELECT COALESCE(parent_id, 0) FROM movements WHERE id = $1", "i", p);
			if (rc != DB_ROW) { fe_add(fe, "parent_id", N_("No such movement")); break; }
			p = up;
		}
	}
	if (in->parent_id > 0 && (!cur || cur->parent_id != in->parent_id) && !fe_get(fe, "parent_id")) {
		/* a new parent is a campaign (a đợt thi đua) the user may read and
		** that is not closed; one a movement already sits under stays */
		struct arena a;
		arena_init(&a);
		struct movement *pm;
		if (movements_get_plain(db, &a, in->parent_id, &pm) != E_OK || !movement_readable(who, pm))
			fe_add(fe, "parent_id", N_("No such movement"));
		else if (strcmp(pm->kind, "campaign") != 0)
			fe_add(fe, "parent_id", N_("A movement can only belong to a campaign (a special emulation campaign)"));
		else if (pm->stage == MV_CLOSED)
			fe_add(fe, "parent_id", N_("The campaign is closed: no movement can be added to it"));
		arena_free(&a);
	}
	if (in->set_scopes) {
		if (in->nscopes > MV_MAX_SCOPES) fe_add(fe, "scope", N_("Too many units"));
		for (int i = 0; i < in->nscopes && i < MV_MAX_SCOPES; i++) {
			int64_t one = 0;
			if (db_int1(db, &one, "SELECT 1 FROM units WHERE id = $1", "i", in->scopes[i]) != DB_ROW) {
				fe_add(fe, "scope", N_("No such unit"));
				break;
			}
		}
	}
	if (in->set_fields) {
		for (int i = 0; i < in->nfields; i++) {
			int64_t one = 0;
			if (!in->fields[i] || db_int1(db, &one, "SELECT 1 FROM movement_fields WHERE code = $1 AND active = 1", "t", in->fields[i]) != DB_ROW) {
				fe_add(fe, "fields", N_("Is not a known field"));
				break;
			}
			for (int k = 0; k < i; k++)
				if (strcmp(in->fields[k], in->fields[i]) == 0) { fe_add(fe, "fields", N_("A field is listed twice")); i = in->nfields; break; }
		}
	}
	if (in->set_metrics) {
		/* every row's every problem, keyed "metrics.N.part" (N from 1) so a
		** form shows each next to its cell and a client knows the row */
		for (int i = 0; i < in->nmetrics && i < MV_MAX_METRICS; i++) {
			const struct metric_in *mi = &in->metrics[i];
			if (!mi->code || !code_valid(mi->code) || strlen(mi->code) > MV_CODE_MAX)
				fe_add(fe, metric_field(i, "code"), N_("A metric needs a code of letters, digits, '-', '_' or '.'"));
			else
				for (int k = 0; k < i; k++)
					if (in->metrics[k].code && strcmp(in->metrics[k].code, mi->code) == 0) {
						fe_add(fe, metric_field(i, "code"), N_("A metric code is listed twice"));
						break;
					}
			if (!mi->name || !*mi->name || strlen(mi->name) > MV_TITLE_MAX) fe_add(fe, metric_field(i, "name"), N_("A metric needs a name"));
			if (!mi->unit || !*mi->unit || strlen(mi->unit) > 40) fe_add(fe, metric_field(i, "unit"), N_("A metric needs a unit of measure"));
			if (!mi->kind || (strcmp(mi->kind, "amount") != 0 && strcmp(mi->kind, "rate") != 0))
				fe_add(fe, metric_field(i, "kind"), N_("A metric is an amount or a rate"));
		}
	}
	return fe->n ? E_INVALID : E_OK;
}

/* Writes the scope, field and metric lists given; checks what the
** movement's registrations and models already use. */
static int write_lists(struct db *db, int64_t id, const struct movement_in *in, struct field_errors *fe)
{
	if (in->set_scopes) {
		if (db_exec(db, "DELETE FROM movement_scopes WHERE movement_id = $1", "i", id) != DB_OK) return E_DB;
		for (int i = 0; i < in->nscopes; i++)
			if (db_exec(db, "INSERT INTO movement_scopes (movement_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", "ii", id,
				    in->scopes[i]) != DB_OK)
				return E_DB;
		/* every registered unit stays invited */
		int64_t outside = 0;
		db_int1(db, &outside,
			"SELECT count(*) FROM registrations g JOIN units u ON u.id = g.unit_id WHERE g.movement_id = $1 AND NOT EXISTS "
			"(SELECT 1 FROM movement_scopes s JOIN units su ON su.id = s.unit_id WHERE s.movement_id = $1 "
			"AND substr(u.path, 1, length(su.path)) = su.path)",
			"i", id);
		if (outside > 0) { fe_add(fe, "scope", N_("Units that have registered would fall outside the scope")); return E_INVALID; }
	}
	if (in->set_fields) {
		if (db_exec(db, "DELETE FROM movement_field_links WHERE movement_id = $1", "i", id) != DB_OK) return E_DB;
		for (int i = 0; i < in->nfields; i++)
			if (db_exec(db, "INSERT INTO movement_field_links (movement_id, field_code) VALUES ($1, $2)", "it", id, in->fields[i]) != DB_OK)
				return E_DB;
		int64_t used = 0;
		db_int1(db, &used,
			"SELECT count(*) FROM models d WHERE d.movement_id = $1 AND NOT EXISTS "
			"(SELECT 1 FROM movement_field_links l WHERE l.movement_id = $1 AND l.field_code = d.field_code)",
			"i", id);
		if (used > 0) { fe_add(fe, "fields", N_("Models already belong to a field that would be removed")); return E_INVALID; }
	}
	if (in->set_metrics) {
		/* metrics keep their ids by code, so results stay attached */
		struct stmt *st = db_query(db, "SELECT id, code FROM movement_metrics WHERE movement_id = $1", "i", id);
		int64_t old_id[MV_MAX_METRICS * 2];
		char old_code[MV_MAX_METRICS * 2][MV_CODE_MAX + 1];
		int nold = 0;
		while (st && db_step(st) == DB_ROW && nold < MV_MAX_METRICS * 2) {
			old_id[nold] = db_int(st, 0);
			snprintf(old_code[nold], sizeof old_code[nold], "%s", db_text(st, 1));
			nold++;
		}
		db_done(st);
		for (int k = 0; k < nold; k++) {
			int keep = 0;
			for (int i = 0; i < in->nmetrics; i++) keep |= strcmp(in->metrics[i].code, old_code[k]) == 0;
			if (keep) continue;
			int64_t used = 0;
			db_int1(db, &used,
				"SELECT (SELECT count(*) FROM model_results WHERE metric_id = $1) + (SELECT count(*) FROM model_plans WHERE metric_id = $1) "
				"+ (SELECT count(*) FROM registration_commitments WHERE metric_id = $1)",
				"i", old_id[k]);
			if (used > 0) { fe_add(fe, "metrics", N_("A metric that has results or commitments cannot be removed")); return E_INVALID; }
			if (db_exec(db, "DELETE FROM movement_metrics WHERE id = $1", "i", old_id[k]) != DB_OK) return E_DB;
		}
		for (int i = 0; i < in->nmetrics; i++) {
			const struct metric_in *mi = &in->metrics[i];
			int64_t mid = 0;
			for (int k = 0; k < nold; k++)
				if (strcmp(old_code[k], mi->code) == 0) mid = old_id[k];
			if (mid) {
				int64_t used = 0;
				db_int1(db, &used, "SELECT count(*) FROM movement_metrics WHERE id = $1 AND kind <> $2 AND EXISTS (SELECT 1 FROM model_results WHERE metric_id = $1)",
					"it", mid, mi->kind);
				if (used > 0) { fe_add(fe, metric_field(i, "kind"), N_("A metric that has results cannot change between amount and rate")); return E_INVALID; }
				if (db_exec(db, "UPDATE movement_metrics SET name = $1, unit = $2, kind = $3, position = $4 WHERE id = $5", "tttii", mi->name,
					    mi->unit, mi->kind, (int64_t)i, mid) != DB_OK)
					return E_DB;
			} else if (db_exec(db, "INSERT INTO movement_metrics (movement_id, code, name, unit, kind, position) VALUES ($1, $2, $3, $4, $5, $6)",
					   "itttti", id, mi->code, mi->name, mi->unit, mi->kind, (int64_t)i) != DB_OK) {
				return E_DB;
			}
		}
	}
	return E_OK;
}

/* Errors already in fe (the input's reading) are kept and stop the write, so
** a form shows every field's error at once. */
int movements_create(struct db *db, const struct user *who, const struct movement_in *in, struct field_errors *fe, int64_t *id)
{
	if (validate(db, who, in, NULL, fe) != E_OK) return E_INVALID;
	char apath[UNIT_PATH_MAX];
	if (units_path(db, in->authority_id, apath, sizeof apath) != E_OK) return E_INVALID;
	if (!mv_may(who, PERM_MOVEMENT_MANAGE, apath)) return E_FORBIDDEN;
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	char now[21];
	now_iso(now);
	char *key = mv_search_key(in->title, in->code);
	struct buf sort; /* the title's place in Vietnamese order (migration 009) */
	buf_init(&sort);
	collate_key(&sort, in->title);
	int rc = E_DB;
	struct stmt *st = db_query(db,
				   "INSERT INTO movements (code, title, search, theme, kind, authority_id, legal_basis, parent_id, starts_on, ends_on, "
				   "register_by, status, created_at, updated_at, sort_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $12, $13) "
				   "ON CONFLICT (code) DO NOTHING RETURNING id",
				   "tttttitItttt" "b", in->code, in->title, key, in->theme && *in->theme ? in->theme : NULL, in->kind,
				   in->authority_id, in->legal_basis && *in->legal_basis ? in->legal_basis : NULL, in->parent_id, in->starts_on,
				   in->ends_on, in->register_by, now, (const void *)sort.p, sort.len);
	free(key);
	buf_free(&sort);
	int64_t newid = 0;
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) newid = db_int(st, 0);
	db_done(st);
	if (s == DB_DONE) { fe_add(fe, "code", N_("Another movement already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	rc = write_lists(db, newid, in, fe);
	if (rc != E_OK) goto out;
	rc = E_DB;
	if (audit_change(db, who, N_("create"), "movement", newid, NULL, mv_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
	*id = newid;
out:
	rc = db_tx_end(db, rc);
	return rc;
}

int movements_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct movement_in *in,
		     struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	char *before = NULL;
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct movement *cur;
	rc = movements_get(db, &a, id, &cur);
	if (rc != E_OK) goto out;
	if (!movement_manageable(who, cur)) { rc = movement_readable(who, cur) ? E_FORBIDDEN : E_NOTFOUND; goto out; }
	if (cur->version != version) { rc = E_CONFLICT; goto out; }
	if (cur->stage == MV_CLOSED) { fe_add(fe, "status", N_("A closed movement cannot be changed")); rc = E_STATE; goto out; }
	rc = validate(db, who, in, cur, fe);
	if (rc != E_OK) goto out;
	if (in->code && strcmp(in->code, cur->code) != 0 && cur->stage != MV_DRAFT) {
		fe_add(fe, "code", N_("The code of a launched movement cannot change"));
		rc = E_INVALID;
		goto out;
	}
	if (in->authority_id > 0 && in->authority_id != cur->authority_id) {
		char apath[UNIT_PATH_MAX];
		if (units_path(db, in->authority_id, apath, sizeof apath) != E_OK || !mv_may(who, PERM_MOVEMENT_MANAGE, apath)) { rc = E_FORBIDDEN; goto out; }
	}
	before = audit_snapshot(db, id, mv_snapshot);
	rc = E_DB;
	char now[21];
	now_iso(now);
	const char *title = in->title ? in->title : cur->title, *code = in->code ? in->code : cur->code;
	char *key = mv_search_key(title, code);
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, title);
	struct stmt *st = db_query(db,
				   "UPDATE movements SET code = $1, title = $2, search = $3, theme = $4, kind = $5, authority_id = $6, legal_basis = $7, "
				   "parent_id = $8, starts_on = $9, ends_on = $10, register_by = $11, version = version + 1, updated_at = $12, sort_key = $15 "
				   "WHERE id = $13 AND version = $14",
				   "tttttitIttttii" "b", code, title, key, in->theme ? (*in->theme ? in->theme : NULL) : cur->theme,
				   in->kind ? in->kind : cur->kind, in->authority_id > 0 ? in->authority_id : cur->authority_id,
				   in->legal_basis ? (*in->legal_basis ? in->legal_basis : NULL) : cur->legal_basis,
				   in->parent_id >= 0 ? in->parent_id : cur->parent_id, in->starts_on ? in->starts_on : cur->starts_on,
				   in->ends_on ? in->ends_on : cur->ends_on, in->register_by ? in->register_by : cur->register_by, now, id, version,
				   (const void *)sort.p, sort.len);
	free(key);
	buf_free(&sort);
	if (!st) goto out;
	int s = db_step(st);
	db_done(st);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another movement already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_DONE) goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	rc = write_lists(db, id, in, fe);
	if (rc != E_OK) goto out;
	rc = E_DB;
	if (audit_change(db, who, N_("update"), "movement", id, before, mv_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

int movements_set_status(struct db *db, const struct user *who, int64_t id, int64_t version, const char *status,
			 struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) { arena_free(&a); return txrc; }
	struct movement *cur;
	char *before = NULL;
	int rc = movements_get(db, &a, id, &cur);
	if (rc != E_OK) goto out;
	if (!movement_manageable(who, cur)) { rc = movement_readable(who, cur) ? E_FORBIDDEN : E_NOTFOUND; goto out; }
	if (cur->version != version) { rc = E_CONFLICT; goto out; }
	const char *action = movement_transition_action(cur->status, status);
	if (!action) {
		if (!status || !one_of(status, (const char *const[]){ "draft", "launched", "reviewing", "closed", NULL })) {
			fe_add(fe, "status", N_("Must be draft, launched, reviewing or closed"));
			rc = E_INVALID;
		} else {
			fe_add(fe, "status", cur->stage == MV_CLOSED ? N_("A closed movement cannot be changed")
										  : N_("The movement cannot go from its current stage to that one"));
			rc = E_STATE;
		}
		goto out;
	}
	if (strcmp(action, "launch") == 0) {
		if (cur->nscopes == 0) fe_add(fe, "scope", N_("Choose the units invited before launching"));
		if (cur->nfields == 0) fe_add(fe, "fields", N_("Choose the fields of the models before launching"));
		if (fe->n) { rc = E_INVALID; goto out; }
	}
	before = audit_snapshot(db, id, mv_snapshot);
	char now[21];
	now_iso(now);
	rc = E_DB;
	if (db_exec(db,
		    "UPDATE movements SET status = $1, launched_at = CASE WHEN $2 = 'launch' THEN $3 ELSE launched_at END, "
		    "closed_at = CASE WHEN $2 = 'close' THEN $3 ELSE closed_at END, version = version + 1, updated_at = $3 "
		    "WHERE id = $4 AND version = $5",
		    "tttii", status, action, now, id, version) != DB_OK)
		goto out;
	if (db_changes(db) != 1) { rc = E_CONFLICT; goto out; }
	if (audit_change(db, who, action, "movement", id, before, mv_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
out:
	free(before);
	rc = db_tx_end(db, rc);
	arena_free(&a);
	return rc;
}

/* ---- labels shown for stages, kinds, actions and fields (message ids) ---- */

const char *const mv_stage_names[MV_NSTAGES] = {
	[MV_DRAFT] = "draft", [MV_LAUNCHED] = "launched", [MV_REVIEWING] = "reviewing", [MV_CLOSED] = "closed",
};

enum mv_stage mv_stage_parse(const char *status)
{
	for (int i = 0; status && i < MV_NSTAGES; i++)
		if (strcmp(status, mv_stage_names[i]) == 0) return (enum mv_stage)i;
	return MV_NSTAGES;
}

const char *mv_status_label(const char *s)
{
	if (!s) return "";
	if (!strcmp(s, "draft")) return N_("Draft");
	if (!strcmp(s, "launched")) return N_("Launched");
	if (!strcmp(s, "reviewing")) return N_("Under review");
	if (!strcmp(s, "closed")) return N_("Closed");
	if (!strcmp(s, "registered")) return N_("Not yet assessed");
	if (!strcmp(s, "effective")) return N_("Effective");
	if (!strcmp(s, "not_effective")) return N_("Not effective");
	return s;
}

const char *mv_kind_label(const char *k)
{
	if (!k) return "";
	if (!strcmp(k, "campaign")) return N_("Special campaign");
	if (!strcmp(k, "regular")) return N_("Regular movement");
	if (!strcmp(k, "thematic")) return N_("Thematic movement");
	return k;
}

const char *mv_action_label(const char *a)
{
	if (!strcmp(a, "launch")) return N_("Launch the movement");
	if (!strcmp(a, "review")) return N_("Close registration and start the review");
	if (!strcmp(a, "reopen")) return N_("Reopen for registration");
	if (!strcmp(a, "close")) return N_("Close the movement");
	return a;
}

const char *mv_field_label(struct db *db, struct arena *a, const char *lang, const char *code)
{
	int col = strcmp(lang, "en") == 0 ? 1 : strcmp(lang, "hi") == 0 ? 2 : 0;
	struct stmt *st = db_query(db, "SELECT name_vi, name_en, name_hi FROM movement_fields WHERE code = $1", "t", code);
	const char *name = code;
	if (st && db_step(st) == DB_ROW) name = arena_strdup(a, db_text(st, col));
	db_done(st);
	return name;
}
