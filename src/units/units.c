#include "units.h"

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
#include "../web/roles.h"

#define UNIT_COLS                                                                                          \
	"u.id, u.code, u.name, u.kind, u.parent_id, p.code, p.name, u.path, u.depth, u.active, u.version, " \
	"u.created_at, u.updated_at, u.children "
#define UNIT_FROM " FROM units u LEFT JOIN units p ON p.id = u.parent_id "

/* the row of UNIT_COLS, its texts the statement's own (valid until the next step) */
static void read_unit_row(struct stmt *st, struct unit *u)
{
	memset(u, 0, sizeof *u);
	u->id = db_int(st, 0);
	u->code = db_text(st, 1);
	u->name = db_text(st, 2);
	u->kind = db_text(st, 3);
	u->parent_id = db_int(st, 4);
	u->parent_code = db_text(st, 5);
	u->parent_name = db_text(st, 6);
	u->path = db_text(st, 7);
	u->depth = (int)db_int(st, 8);
	u->active = (int)db_int(st, 9);
	u->version = db_int(st, 10);
	u->created_at = db_text(st, 11);
	u->updated_at = db_text(st, 12);
	u->children = db_int(st, 13);
}

/* its texts copied to a */
static void unit_own(struct arena *a, struct unit *u)
{
	u->code = arena_strdup(a, u->code);
	u->name = arena_strdup(a, u->name);
	u->kind = arena_strdup(a, u->kind);
	u->parent_code = arena_strdup(a, u->parent_code);
	u->parent_name = arena_strdup(a, u->parent_name);
	u->path = arena_strdup(a, u->path);
	u->created_at = arena_strdup(a, u->created_at);
	u->updated_at = arena_strdup(a, u->updated_at);
}

static void read_unit(struct stmt *st, struct arena *a, struct unit *u)
{
	read_unit_row(st, u);
	unit_own(a, u);
}

void subtree_end(char *out, size_t n, const char *path)
{
	snprintf(out, n, "%s", path);
	size_t l = strlen(out);
	if (l) out[l - 1] = '0'; /* '0' follows '/' in ASCII */
}

void scope_ranges_sql(struct buf *sql, const char *open, const char *col, const char *col2, int first, const char *const *lo, int n,
		      char hi[][UNIT_PATH_MAX])
{
	buf_printf(sql, " AND (%s", open);
	for (int i = 0; i < n; i++) {
		int k = first + 2 * i;
		subtree_end(hi[i], UNIT_PATH_MAX, lo[i]);
		buf_printf(sql, " OR (%s >= $%d AND %s < $%d)", col, k, col, k + 1);
		if (col2) buf_printf(sql, " OR (%s >= $%d AND %s < $%d)", col2, k, col2, k + 1);
	}
	buf_raw(sql, ")");
}

void scope_ranges_bind(struct stmt *st, int first, const char *const *lo, int n, char hi[][UNIT_PATH_MAX])
{
	for (int i = 0; i < n; i++) {
		db_bind_text(st, first + 2 * i, lo[i]);
		db_bind_text(st, first + 2 * i + 1, hi[i]);
	}
}

int units_path(struct db *db, int64_t id, char *out, size_t n)
{
	out[0] = 0;
	struct stmt *st = db_query(db, "SELECT path FROM units WHERE id = $1", "i", id);
	if (st && db_step(st) == DB_ROW) snprintf(out, n, "%s", db_text(st, 0));
	db_done(st);
	return out[0] ? E_OK : E_NOTFOUND;
}

int units_subtree(struct db *db, int64_t id, char *lo, char *hi, size_t n)
{
	if (units_path(db, id, lo, n) != E_OK) return E_NOTFOUND;
	subtree_end(hi, n, lo);
	return E_OK;
}

void unit_json(struct jw *w, const struct unit *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "code", u->code);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "kind", u->kind);
	jw_key(w, "parent_id");
	if (u->parent_id) jw_int(w, u->parent_id);
	else jw_null(w);
	jw_kstr(w, "parent_code", u->parent_code);
	jw_kstr(w, "path", u->path);
	jw_kint(w, "depth", u->depth);
	jw_kbool(w, "active", u->active);
	jw_kint(w, "version", u->version);
	jw_kint(w, "children", u->children);
	jw_kstr(w, "created_at", u->created_at);
	jw_kstr(w, "updated_at", u->updated_at);
	jw_obj_end(w);
}

int units_each(struct db *db, struct arena *a, const struct unit_query *q, units_each_fn *each, void *arg, int *n, int64_t *total)
{
	static const char *const keys[] = { "name", "code", "kind", "depth", "updated_at", NULL };
	/* names in Vietnamese order: the sort key of migration 009 */
	static const char *const cols[] = { "u.sort_key", "u.code", "u.kind", "u.depth", "u.updated_at", NULL };
	struct buf where, sql;
	buf_init(&where);
	buf_init(&sql);
	/* parameters: $1 parent, $2/$3 subtree range, $4 search, $5 kind */
	buf_raw(&where, " WHERE 1 = 1");
	if (q->parent == 0) buf_raw(&where, " AND u.parent_id IS NULL");
	else if (q->parent > 0) buf_raw(&where, " AND u.parent_id = $1");
	char lo[UNIT_PATH_MAX] = "", hi[UNIT_PATH_MAX] = "";
	if (q->under > 0) {
		if (units_subtree(db, q->under, lo, hi, sizeof lo) != E_OK) { buf_free(&where); buf_free(&sql); return E_NOTFOUND; }
		buf_raw(&where, " AND u.path > $2 AND u.path < $3");
	}
	char *pat = NULL;
	if (q->q && *q->q) {
		pat = like_pattern(a, q->q);
		buf_raw(&where, " AND u.search LIKE $4 ESCAPE '\\'");
	}
	if (q->kind && *q->kind) buf_raw(&where, " AND u.kind = $5");
	if (q->inactive == 0) buf_raw(&where, " AND u.active = 1");
	else if (q->inactive == 2) buf_raw(&where, " AND u.active = 0");

	/* the rows first, each with its parent's code and name (a primary-key
	** lookup a row) and the parent's count of active children (kept by the
	** writers, migration 004): for the children of one parent and nothing
	** else filtering them, that count is the total; a page that holds the
	** last rows tells the total too. A count is asked only otherwise: on
	** PostgreSQL each statement is a round trip. */
	const struct unit *par = q->parent > 0 && q->parent_row && q->parent_row->id == q->parent ? q->parent_row : NULL;
	struct unit fetched;
	if (q->parent > 0 && !par && strcmp(db_dialect(db), "sqlite") == 0) {
		/* SQLite: the parent read once (2 µs) costs less than its join to
		** every row (6 µs for a page of 50); on PostgreSQL a statement
		** more is a round trip more, and the join stays */
		struct stmt *ps = db_query(db, "SELECT code, name, children FROM units WHERE id = $1", "i", q->parent);
		if (ps && db_step(ps) == DB_ROW) {
			memset(&fetched, 0, sizeof fetched);
			fetched.id = q->parent;
			fetched.code = arena_strdup(a, db_text(ps, 0));
			fetched.name = arena_strdup(a, db_text(ps, 1));
			fetched.children = db_int(ps, 2);
			par = &fetched;
		}
		db_done(ps);
	}
	int children_only = q->parent > 0 && q->under <= 0 && !pat && !(q->kind && *q->kind) && q->inactive == 0;
	struct stmt *st;
	int brief = par && q->brief;
	if (brief) /* 5 columns of 14, read as 5: a unit page's 61 children in 12 µs of SQL instead of 28 */
		buf_printf(&sql, "SELECT u.id, u.code, u.name, u.active, u.children FROM units u%s", buf_cstr(&where));
	else if (par)
		buf_printf(&sql, "SELECT u.id, u.code, u.name, u.kind, u.parent_id, NULL, NULL, u.path, u.depth, u.active, u.version, "
				 "u.created_at, u.updated_at, u.children, NULL FROM units u%s", buf_cstr(&where));
	else
		buf_printf(&sql, "SELECT " UNIT_COLS ", p.children" UNIT_FROM "%s", buf_cstr(&where));
	db_order_by(&sql, q->sort, keys, cols, "u.sort_key, u.id");
	buf_raw(&sql, " LIMIT $6 OFFSET $7");
	st = db_prep(db, buf_cstr(&sql));
	if (!st) goto fail;
	db_bind_int(st, 1, q->parent);
	db_bind_text(st, 2, lo);
	db_bind_text(st, 3, hi);
	db_bind_text(st, 4, pat);
	db_bind_text(st, 5, q->kind);
	db_bind_int(st, 6, q->limit);
	db_bind_int(st, 7, q->offset);
	int cap = (int)(q->limit > 0 ? q->limit : 1);
	*n = 0;
	int64_t pchildren = -1;
	int rc = DB_DONE;
	while (*n < cap && (rc = db_step(st)) == DB_ROW) {
		struct unit u;
		if (brief) {
			memset(&u, 0, sizeof u);
			u.id = db_int(st, 0);
			u.code = db_text(st, 1);
			u.name = db_text(st, 2);
			u.active = (int)db_int(st, 3);
			u.children = db_int(st, 4);
		} else {
			read_unit_row(st, &u);
		}
		if (par) {
			u.parent_code = par->code;
			u.parent_name = par->name;
		} else if (q->parent > 0) {
			pchildren = db_int(st, 14);
		}
		each(arg, &u);
		(*n)++;
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) goto fail;
	if (par) pchildren = par->children;
	if (children_only && pchildren >= 0) *total = pchildren;
	else if ((*n > 0 && *n < cap) || (*n == 0 && q->offset == 0)) *total = q->offset + *n;
	else {
		buf_reset(&sql);
		buf_printf(&sql, "SELECT count(*) FROM units u%s", buf_cstr(&where));
		st = db_prep(db, buf_cstr(&sql));
		if (!st) goto fail;
		db_bind_int(st, 1, q->parent);
		db_bind_text(st, 2, lo);
		db_bind_text(st, 3, hi);
		db_bind_text(st, 4, pat);
		db_bind_text(st, 5, q->kind);
		*total = db_step(st) == DB_ROW ? db_int(st, 0) : 0;
		db_done(st);
	}
	buf_free(&where);
	buf_free(&sql);
	return E_OK;
fail:
	buf_free(&where);
	buf_free(&sql);
	return E_DB;
}

/* units_list: the rows copied into an array of the arena */
struct collected {
	struct arena *a;
	struct unit *items;
	int n, room, cap;
};

static void collect_unit(void *arg, const struct unit *u)
{
	struct collected *c = arg;
	if (c->n == c->room) { /* room for the rows as they come, not for the limit at once: 500 zeroed 65 KB for 61 */
		c->room = c->room ? (c->room * 2 < c->cap ? c->room * 2 : c->cap) : (c->cap < 64 ? c->cap : 64);
		struct unit *more = arena_alloc(c->a, sizeof *more * (size_t)c->room);
		if (c->n) memcpy(more, c->items, sizeof *more * (size_t)c->n);
		c->items = more;
	}
	struct unit *d = &c->items[c->n++];
	*d = *u;
	unit_own(c->a, d);
}

int units_list(struct db *db, struct arena *a, const struct unit_query *q, struct unit **items, int *n, int64_t *total)
{
	struct collected c = { .a = a, .cap = (int)(q->limit > 0 ? q->limit : 1) };
	int rc = units_each(db, a, q, collect_unit, &c, n, total);
	*items = c.items ? c.items : arena_alloc(a, sizeof **items);
	return rc;
}

/* the active people directly in the unit, with its row: one statement, not two */
#define UNIT_PEOPLE "(SELECT count(*) FROM people WHERE unit_id = u.id AND active = 1)"

int units_get(struct db *db, struct arena *a, int64_t id, struct unit **out)
{
	struct stmt *st = db_query(db, "SELECT " UNIT_COLS ", " UNIT_PEOPLE UNIT_FROM " WHERE u.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc != DB_ROW) { db_done(st); return rc == DB_DONE ? E_NOTFOUND : E_DB; }
	struct unit *u = arena_alloc(a, sizeof *u);
	read_unit(st, a, u);
	u->people = db_int(st, 14);
	db_done(st);
	*out = u;
	return E_OK;
}

#define CHAIN_COLS "id, code, name, kind, parent_id, path, depth, active, version, created_at, updated_at, children"

int units_get_chain(struct db *db, struct arena *a, int64_t id, struct unit **out, struct unit **items, int *n)
{
	/* the unit and its ancestors up the parent links, each a primary-key
	** lookup (the rows themselves travel up the recursion: joined
	** afterwards, PostgreSQL guesses 100 rows and scans the table): one
	** round trip for what units_get and units_ancestors read in two. A
	** row's parent is the row before it, so its code and name need no join.
	** The rows come up the chain and are put in order of depth here: an
	** ORDER BY is a sorter, 2 of SQLite's 9 µs for a province. */
	struct stmt *st = db_query(db,
				   "WITH RECURSIVE chain AS (SELECT " CHAIN_COLS ", " UNIT_PEOPLE " AS people FROM units u WHERE u.id = $1 "
				   "UNION ALL SELECT x.id, x.code, x.name, x.kind, x.parent_id, x.path, x.depth, x.active, x.version, x.created_at, "
				   "x.updated_at, x.children, CAST(0 AS BIGINT) FROM units x JOIN chain c ON x.id = c.parent_id) "
				   "SELECT id, code, name, kind, parent_id, NULL, NULL, path, depth, active, version, created_at, updated_at, children, "
				   "people FROM chain LIMIT $2",
				   "ii", id, (int64_t)UNIT_MAX_DEPTH + 1);
	if (!st) return E_DB;
	*items = arena_alloc(a, sizeof(struct unit) * (UNIT_MAX_DEPTH + 1));
	*n = 0;
	int rc = DB_DONE;
	while (*n < UNIT_MAX_DEPTH + 1 && (rc = db_step(st)) == DB_ROW) {
		struct unit *u = &(*items)[(*n)++];
		read_unit(st, a, u);
		u->people = db_int(st, 14);
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) return E_DB;
	for (int i = 1; i < *n; i++) /* by depth: an insertion sort of at most 25 */
		for (int j = i; j > 0 && (*items)[j - 1].depth > (*items)[j].depth; j--) {
			struct unit t = (*items)[j];
			(*items)[j] = (*items)[j - 1];
			(*items)[j - 1] = t;
		}
	for (int i = 1; i < *n; i++) {
		struct unit *u = &(*items)[i], *p = &(*items)[i - 1];
		if (u->parent_id != p->id) return E_DB; /* not a chain: never with the foreign key */
		u->parent_code = p->code;
		u->parent_name = p->name;
	}
	if (!*n || (*items)[*n - 1].id != id) return E_NOTFOUND;
	*out = &(*items)[*n - 1];
	return E_OK;
}

int units_find_code(struct db *db, const char *code, int64_t *id)
{
	int rc = db_int1(db, id, "SELECT id FROM units WHERE code = $1", "t", code);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int units_ancestors(struct db *db, struct arena *a, const char *path, struct unit **items, int *n)
{
	int depth = 0;
	for (const char *p = path; *p; p++) depth += *p == '/';
	*items = arena_alloc(a, sizeof(struct unit) * (size_t)(depth + 1));
	*n = 0;
	/* every prefix of the path is an ancestor's path: one query for all of
	** them (a statement per depth), not one per ancestor — on PostgreSQL
	** each statement is a round trip */
	const char **prefixes = arena_alloc(a, sizeof *prefixes * (size_t)(depth + 1));
	int np = 0;
	struct buf sql;
	buf_init(&sql);
	buf_raw(&sql, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.path IN (");
	for (const char *p = path + 1; (p = strchr(p, '/')); p++) {
		size_t len = (size_t)(p - path) + 1;
		if (len >= UNIT_PATH_MAX) break;
		prefixes[np] = arena_strndup(a, path, len);
		buf_printf(&sql, "%s$%d", np ? ", " : "", np + 1);
		np++;
	}
	buf_raw(&sql, ") ORDER BY u.depth");
	if (!np) { buf_free(&sql); return E_OK; }
	struct stmt *st = db_prep(db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return E_DB;
	for (int i = 0; i < np; i++) db_bind_text(st, i + 1, prefixes[i]);
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n <= depth) read_unit(st, a, &(*items)[(*n)++]);
	db_done(st);
	return rc == DB_ROW || rc == DB_DONE ? E_OK : E_DB;
}

int unit_kind_valid(struct db *db, const char *kind)
{
	int64_t one = 0;
	return kind && db_int1(db, &one, "SELECT 1 FROM unit_kinds WHERE code = $1 AND active = 1", "t", kind) == DB_ROW;
}


static int may(const struct user *who, enum perm perm, const char *path)
{
	return role_can(who, perm, path);
}

/* a new root, or a move to the root: an admin whose grant is on a root */
static int may_root(const struct user *who)
{
	if (who->system) return 1;
	for (int i = 0; i < who->ngrants; i++)
		if (who->grants[i].unit_depth == 0 && role_can(who, PERM_ADMIN, who->grants[i].unit_path)) return 1;
	return 0;
}

/* JSON of a unit row as stored, for the audit log (malloc'd). */
static int unit_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct unit *u;
	int rc = units_get(db, a, id, &u);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_kstr(w, "code", u->code);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "kind", u->kind);
	jw_kstr(w, "parent_code", u->parent_code);
	jw_kstr(w, "path", u->path);
	jw_kbool(w, "active", u->active);
	jw_kint(w, "version", u->version);
	jw_obj_end(w);
	return E_OK;
}

/* Adds an error for every field at fault, leaving alone a field the caller
** has already refused (a form's reading), so each field has one message. */
static int validate(struct db *db, const struct unit_in *in, int creating, struct field_errors *fe)
{
	if ((creating || in->code) && !fe_get(fe, "code")) {
		if (!in->code || !*in->code) fe_add(fe, "code", N_("Is required"));
		else if (!code_valid(in->code) || strlen(in->code) > UNIT_CODE_MAX)
			fe_add(fe, "code", N_("Use letters, digits, '-', '_' or '.' (at most 32)"));
	}
	if ((creating || in->name) && !fe_get(fe, "name")) {
		if (!in->name || !*in->name) fe_add(fe, "name", N_("Is required"));
		else if (strlen(in->name) > UNIT_NAME_MAX) fe_add(fe, "name", N_("Is too long"));
	}
	if ((creating || in->kind) && !fe_get(fe, "kind")) {
		if (!in->kind || !*in->kind) fe_add(fe, "kind", N_("Is required"));
		else if (!unit_kind_valid(db, in->kind)) fe_add(fe, "kind", N_("Is not a known kind of unit"));
	}
	return fe->n ? E_INVALID : E_OK;
}

static char *search_key(const char *name, const char *code)
{
	struct buf b;
	buf_init(&b);
	fold_text(&b, name);
	buf_char(&b, ' ');
	fold_text(&b, code);
	return buf_detach(&b);
}

int units_create(struct db *db, const struct user *who, const struct unit_in *in, struct field_errors *fe, int64_t *id)
{
	/* every field's error at once (those the caller found too), the parent's
	** with the others; then the scope, then the write */
	validate(db, in, 1, fe);
	char parent_path[UNIT_PATH_MAX] = "/";
	int depth = 0, parent_active = 1;
	if (in->parent_id > 0 && !fe_get(fe, "parent_id") && !fe_get(fe, "parent_code")) {
		struct stmt *st = db_query(db, "SELECT path, depth, active FROM units WHERE id = $1", "i", in->parent_id);
		int found = st && db_step(st) == DB_ROW;
		if (found) {
			snprintf(parent_path, sizeof parent_path, "%s", db_text(st, 0));
			depth = (int)db_int(st, 1) + 1;
			parent_active = (int)db_int(st, 2);
		}
		db_done(st);
		if (!found) fe_add(fe, "parent_id", N_("No such unit"));
		else if (!parent_active) fe_add(fe, "parent_id", N_("The parent unit is deactivated"));
		else if (depth > UNIT_MAX_DEPTH) fe_add(fe, "parent_id", N_("The tree may not be deeper than 24 levels"));
	}
	if (fe->n) return E_INVALID;
	if (in->parent_id > 0) {
		if (!may(who, PERM_WRITE_UNITS, parent_path)) return E_FORBIDDEN;
	} else if (!may_root(who)) {
		return E_FORBIDDEN; /* a new root is an administrator's decision */
	}
	int txrc = db_tx_begin(db);
	if (txrc != E_OK) return txrc;
	char now[21];
	now_iso(now);
	char *key = search_key(in->name, in->code);
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, in->name);
	/* the path needs the id: insert with a unique placeholder, then set it */
	char tmp[80];
	random_token(tmp, 16);
	int rc = E_DB;
	int64_t newid = 0;
	struct stmt *st = db_query(db,
				   "INSERT INTO units (code, name, search, sort_key, kind, parent_id, path, depth, active, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) ON CONFLICT (code) DO NOTHING RETURNING id",
				   "tttbtItit", in->code, in->name, key, sort.p, sort.len, in->kind, in->parent_id, tmp, (int64_t)depth, now);
	free(key);
	buf_free(&sort);
	if (!st) goto out;
	int s = db_step(st);
	if (s == DB_ROW) newid = db_int(st, 0);
	db_done(st);
	if (s == DB_DONE) { fe_add(fe, "code", N_("Another unit already has this code")); rc = E_INVALID; goto out; }
	if (s != DB_ROW) goto out;
	char path[UNIT_PATH_MAX + 24];
	snprintf(path, sizeof path, "%s%lld/", parent_path, (long long)newid);
	if (db_exec(db, "UPDATE units SET path = $1 WHERE id = $2", "ti", path, newid) != DB_OK) goto out;
	if (in->parent_id > 0 && db_exec(db, "UPDATE units SET children = children + 1 WHERE id = $1", "i", in->parent_id) != DB_OK) goto out;
	if (audit_change(db, who, N_("create"), "unit", newid, NULL, unit_snapshot, NULL) != E_OK) goto out;
	rc = E_OK;
	*id = newid;
out:
	rc = db_tx_end(db, rc);
	return rc;
}

/* the unit as it is before an update */
struct unit_now {
	char path[UNIT_PATH_MAX], name[UNIT_NAME_MAX * 4 + 1], code[UNIT_CODE_MAX + 1];
	int64_t version, parent;
	int active;
};

static int load_now(struct db *db, int64_t id, struct unit_now *u)
{
	struct stmt *st = db_query(db, "SELECT path, version, parent_id, name, code, active FROM units WHERE id = $1", "i", id);
	if (!st) return E_DB;
	if (db_step(st) != DB_ROW) { db_done(st); return E_NOTFOUND; }
	snprintf(u->path, sizeof u->path, "%s", db_text(st, 0));
	u->version = db_int(st, 1);
	u->parent = db_int(st, 2);
	snprintf(u->name, sizeof u->name, "%s", db_text(st, 3));
	snprintf(u->code, sizeof u->code, "%s", db_text(st, 4));
	u->active = (int)db_int(st, 5);
	db_done(st);
	return E_OK;
}

/* A move under parent_id (0: to the root): the new parent must exist, be
** active, be in scope and not be inside the unit; the subtree's paths and
** depths follow, and the children counters of both parents. */
static int move_unit(struct db *db, const struct user *who, int64_t id, const struct unit_now *cur, int64_t parent_id,
		     struct field_errors *fe)
{
	char newpath[UNIT_PATH_MAX + 24], ppath[UNIT_PATH_MAX] = "/";
	int pdepth = -1;
	if (parent_id > 0) {
		int pactive = 1;
		struct stmt *st = db_query(db, "SELECT path, depth, active FROM units WHERE id = $1", "i", parent_id);
		int found = st && db_step(st) == DB_ROW;
		if (found) {
			snprintf(ppath, sizeof ppath, "%s", db_text(st, 0));
			pdepth = (int)db_int(st, 1);
			pactive = (int)db_int(st, 2);
		}
		db_done(st);
		if (!found) { fe_add(fe, "parent_id", N_("No such unit")); return E_INVALID; }
		if (strncmp(ppath, cur->path, strlen(cur->path)) == 0) {
			fe_add(fe, "parent_id", N_("A unit cannot move under itself or its own subtree"));
			return E_INVALID;
		}
		if (!pactive) { fe_add(fe, "parent_id", N_("The parent unit is deactivated")); return E_INVALID; }
		if (!may(who, PERM_WRITE_UNITS, ppath)) return E_FORBIDDEN;
	} else if (!may_root(who)) {
		return E_FORBIDDEN;
	}
	/* the deepest unit of the moved subtree must stay within the limit */
	int64_t olddepth = 0, deepest = 0;
	char hi[UNIT_PATH_MAX];
	subtree_end(hi, sizeof hi, cur->path);
	db_int1(db, &olddepth, "SELECT depth FROM units WHERE id = $1", "i", id);
	db_int1(db, &deepest, "SELECT max(depth) FROM units WHERE path >= $1 AND path < $2", "tt", cur->path, hi);
	if (deepest - olddepth + pdepth + 1 > UNIT_MAX_DEPTH) {
		fe_add(fe, "parent_id", N_("The tree may not be deeper than 24 levels"));
		return E_INVALID;
	}
	snprintf(newpath, sizeof newpath, "%s%lld/", ppath, (long long)id);
	int delta = pdepth + 1 - (int)olddepth;
	if (db_exec(db,
		    "UPDATE units SET path = $1 || substr(path, $2), depth = depth + $3 "
		    "WHERE path >= $4 AND path < $5",
		    "tiitt", newpath, (int64_t)strlen(cur->path) + 1, (int64_t)delta, cur->path, hi) != DB_OK ||
	    db_exec(db, "UPDATE units SET parent_id = $1 WHERE id = $2", "Ii", parent_id, id) != DB_OK)
		return E_DB;
	if (cur->active && (db_exec(db, "UPDATE units SET children = children - 1 WHERE id = $1", "i", cur->parent) != DB_OK ||
			    db_exec(db, "UPDATE units SET children = children + 1 WHERE id = $1", "i", parent_id) != DB_OK))
		return E_DB;
	return E_OK;
}

/* (De)activation: never active under a deactivated parent, never
** deactivated with active units under it; the parent's counter follows. */
static int set_active(struct db *db, int64_t id, const struct unit_now *cur, int64_t parent_now, int active,
		      struct field_errors *fe)
{
	int64_t parent_active = 1;
	if (active == 1 && cur->parent > 0)
		db_int1(db, &parent_active, "SELECT active FROM units WHERE id = (SELECT parent_id FROM units WHERE id = $1)", "i", id);
	if (!parent_active) {
		fe_add(fe, "active", N_("Reactivate the parent unit first"));
		return E_INVALID;
	}
	if (active == 0) {
		int64_t kids = 0;
		db_int1(db, &kids, "SELECT count(*) FROM units WHERE parent_id = $1 AND active = 1", "i", id);
		if (kids) {
			fe_add(fe, "active", N_("Deactivate or move the active units under it first"));
			return E_INVALID;
		}
	}
	if (parent_now > 0 &&
	    db_exec(db, "UPDATE units SET children = children + $1 WHERE id = $2", "ii", (int64_t)(active ? 1 : -1), parent_now) != DB_OK)
		return E_DB;
	return E_OK;
}

/* the record's own columns: code, name (and its search and sort keys), kind, active */
static int write_unit(struct db *db, int64_t id, const struct unit_now *cur, const struct unit_in *in, struct field_errors *fe)
{
	char now[21];
	now_iso(now);
	const char *nname = in->name ? in->name : cur->name, *ncode = in->code ? in->code : cur->code;
	char *key = search_key(nname, ncode);
	struct buf sort;
	buf_init(&sort);
	collate_key(&sort, nname);
	int s = db_exec(db,
			"UPDATE units SET code = $1, name = $2, search = $3, sort_key = $4, kind = COALESCE($5, kind), "
			"active = CASE WHEN $6 < 0 THEN active ELSE $6 END, version = version + 1, updated_at = $7 "
			"WHERE id = $8",
			"tttbtiti", ncode, nname, key, sort.p, sort.len, in->kind, (int64_t)in->active, now, id);
	free(key);
	buf_free(&sort);
	if (s == DB_CONSTRAINT) { fe_add(fe, "code", N_("Another unit already has this code")); return E_INVALID; }
	return s == DB_OK ? E_OK : E_DB;
}

int units_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct unit_in *in,
		 struct field_errors *fe)
{
	if (validate(db, in, 0, fe) != E_OK) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = NULL;
	struct unit_now cur;
	rc = load_now(db, id, &cur);
	if (rc != E_OK) goto out;
	if (!may(who, PERM_WRITE_UNITS, cur.path)) { rc = E_FORBIDDEN; goto out; }
	if (version != cur.version) { rc = E_CONFLICT; goto out; }
	before = audit_snapshot(db, id, unit_snapshot);
	const char *action = N_("update");
	int moving = in->parent_id >= 0 && in->parent_id != cur.parent;
	if (moving) {
		rc = move_unit(db, who, id, &cur, in->parent_id, fe);
		if (rc != E_OK) goto out;
		action = N_("move");
	}
	if (in->active >= 0 && in->active != cur.active) {
		rc = set_active(db, id, &cur, in->parent_id >= 0 ? in->parent_id : cur.parent, in->active, fe);
		if (rc != E_OK) goto out;
		if (!moving) action = in->active ? N_("reactivate") : N_("deactivate");
	}
	rc = write_unit(db, id, &cur, in, fe);
	if (rc == E_OK) rc = audit_change(db, who, action, "unit", id, before, unit_snapshot, NULL);
out:
	free(before);
	return db_tx_end(db, rc);
}

int64_t units_root_count(struct db *db)
{
	int64_t n = 0;
	db_int1(db, &n, "SELECT count(*) FROM units WHERE parent_id IS NULL", "");
	return n;
}
