/* The movement dashboard: registrations, models per field and status, and
** the totals of every result metric per unit, field and subtree.
**
** Three grouped queries read the movement (registrations; model counts per
** unit, field, status; metric sums per unit and field), then the per-unit
** figures are rolled up the tree in C: each unit's own figures are added to
** every ancestor on its path that lies inside the movement's scope, so a
** subtree total is by construction the sum of its parts. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../units/units.h"
#include "movements.h"

struct umap {                  /* unit id → index in d->units (open addressing) */
	int64_t *key;
	int *val;
	size_t cap;
};

static int umap_get(const struct umap *m, int64_t id)
{
	for (size_t i = (size_t)id * 0x9E3779B97F4A7C15ull & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->key[i] == id) return m->val[i];
		if (m->key[i] == 0) return -1;
	}
}

static void umap_put(struct umap *m, int64_t id, int v)
{
	size_t i = (size_t)id * 0x9E3779B97F4A7C15ull & (m->cap - 1);
	while (m->key[i] != 0 && m->key[i] != id) i = (i + 1) & (m->cap - 1);
	m->key[i] = id;
	m->val[i] = v;
}

struct build {
	struct db *db;
	struct arena *a;
	struct dashboard *d;
	struct umap map;
	int cap;                   /* of d->units */
	int nm;                    /* metrics */
};

static int add_unit(struct build *b, int64_t id, int64_t parent, const char *code, const char *name, const char *path, int depth)
{
	int i = umap_get(&b->map, id);
	if (i >= 0) return i;
	if (b->d->nunits == b->cap) {
		/* more ancestors than guessed: a bigger array (the old one stays in the arena) */
		struct dash_unit *bigger = arena_alloc(b->a, sizeof(struct dash_unit) * (size_t)b->cap * 2);
		memcpy(bigger, b->d->units, sizeof(struct dash_unit) * (size_t)b->cap);
		b->d->units = bigger;
		b->cap *= 2;
		if ((size_t)b->cap * 2 > b->map.cap) {
			struct umap old = b->map;
			b->map.cap = old.cap * 4;
			b->map.key = arena_alloc(b->a, sizeof(int64_t) * b->map.cap);
			b->map.val = arena_alloc(b->a, sizeof(int) * b->map.cap);
			for (size_t k = 0; k < old.cap; k++)
				if (old.key[k]) umap_put(&b->map, old.key[k], old.val[k]);
		}
	}
	i = b->d->nunits++;
	struct dash_unit *u = &b->d->units[i];
	memset(u, 0, sizeof *u);
	u->id = id;
	u->parent_id = parent;
	u->code = arena_strdup(b->a, code);
	u->name = arena_strdup(b->a, name);
	u->path = arena_strdup(b->a, path);
	u->depth = depth;
	u->own = arena_alloc(b->a, sizeof(struct dash_total) * (size_t)(b->nm + 1));
	u->sub = arena_alloc(b->a, sizeof(struct dash_total) * (size_t)(b->nm + 1));
	umap_put(&b->map, id, i);
	return i;
}

static int metric_index(const struct movement *m, int64_t id)
{
	for (int k = 0; k < m->nmetrics; k++)
		if (m->metrics[k].id == id) return k;
	return -1;
}

static int field_index(const struct dashboard *d, const char *code)
{
	for (int k = 0; code && k < d->nfields; k++)
		if (strcmp(d->by_field[k].key, code) == 0) return k;
	return -1;
}

double dash_value(const struct metric *mt, const struct dash_total *t)
{
	if (strcmp(mt->kind, "rate") == 0) return t->n ? t->sum / (double)t->n : 0;
	return t->sum;
}

/* Depth-first order with the children of a unit in Vietnamese order: a
** unit's tree key is, for every unit on its path (itself last), that unit's
** sort key (migration 009), a 0 byte (sort keys hold none) and its id in 8
** big-endian bytes. Siblings differ first in their sort keys, then in their
** ids; a parent's tree key begins those of its children, so it sorts first. */
struct tree_key {
	struct buf k;
	struct dash_unit u;
};

static int cmp_tree(const void *x, const void *y)
{
	const struct buf *a = &((const struct tree_key *)x)->k, *b = &((const struct tree_key *)y)->k;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->p, b->p, n) : 0;
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int sort_tree(struct db *db, struct dash_unit *units, int n)
{
	struct tree_key *t = calloc((size_t)n + 1, sizeof *t);
	if (!t) return E_DB;
	int rc = E_OK;
	for (int i = 0; i < n && rc == E_OK; i++) {
		t[i].u = units[i];
		buf_init(&t[i].k);
		for (const char *p = units[i].path + 1; *p && rc == E_OK;) {
			int64_t id = strtoll(p, NULL, 10);
			struct stmt *st = db_query(db, "SELECT sort_key FROM units WHERE id = $1", "i", id);
			if (st && db_step(st) == DB_ROW) {
				size_t len = 0;
				const void *key = db_blob(st, 0, &len);
				buf_add(&t[i].k, key, len);
			} else {
				rc = E_DB;
			}
			db_done(st);
			unsigned char sep[9] = { 0 };
			for (int k = 0; k < 8; k++) sep[1 + k] = (unsigned char)((uint64_t)id >> (56 - 8 * k));
			buf_add(&t[i].k, sep, sizeof sep);
			const char *next = strchr(p, '/');
			if (!next) break;
			p = next + 1;
		}
	}
	if (rc == E_OK) {
		qsort(t, (size_t)n, sizeof *t, cmp_tree);
		for (int i = 0; i < n; i++) units[i] = t[i].u;
	}
	for (int i = 0; i < n; i++) buf_free(&t[i].k);
	free(t);
	return rc;
}

static int cmp_counts(const void *x, const void *y)
{
	return strcmp(((const struct dash_count *)x)->key, ((const struct dash_count *)y)->key);
}

/* A statement of the dashboard with its filters bound: $1 the movement,
** $2/$3 the subtree's path range (under), $4 the field, $5 the assessment. */
static struct stmt *prep_filtered(struct db *db, const char *sql, int64_t movement_id, const struct dash_query *q, const char *lo,
				  const char *hi)
{
	struct stmt *st = db_prep(db, sql);
	if (!st) return NULL;
	db_bind_int(st, 1, movement_id);
	if (q->under > 0) { db_bind_text(st, 2, lo); db_bind_text(st, 3, hi); }
	if (q->field && *q->field) db_bind_text(st, 4, q->field);
	if (q->status && *q->status) db_bind_text(st, 5, q->status);
	return st;
}

/* The filters every query of one build shares. */
struct filters {
	const struct dash_query *q;
	int64_t movement_id;
	char lo[UNIT_PATH_MAX], hi[UNIT_PATH_MAX];   /* the subtree's path range (q->under) */
	const char *sub, *field, *status;          /* the SQL fragments of the filters, or "" */
	const char *join_units;                    /* the join the subtree filter needs on models */
	int period;                                /* results within [from, to] */
};

/* the movement's fields and metrics: zeroed totals and the field list */
static void init_totals(struct arena *a, const struct movement *m, struct dashboard *d)
{
	memset(d, 0, sizeof *d);
	d->m = m;
	int nm = m->nmetrics;
	d->total = arena_alloc(a, sizeof(struct dash_total) * (size_t)(nm + 1));
	d->nfields = m->nfields;
	d->by_field = arena_alloc(a, sizeof(struct dash_count) * (size_t)(m->nfields + 1));
	d->field_status = arena_alloc(a, sizeof *d->field_status * (size_t)(m->nfields + 1));
	d->field_total = arena_alloc(a, sizeof(struct dash_total *) * (size_t)(m->nfields + 1));
	for (int k = 0; k < m->nfields; k++) {
		d->by_field[k].key = m->fields[k];
		d->field_total[k] = arena_alloc(a, sizeof(struct dash_total) * (size_t)(nm + 1));
	}
}

/* the SQL fragments of the subtree, field and assessment filters */
static int init_filters(struct db *db, const struct movement *m, const struct dash_query *q, struct filters *fl)
{
	memset(fl, 0, sizeof *fl);
	fl->q = q;
	fl->movement_id = m->id;
	if (q->under > 0 && units_subtree(db, q->under, fl->lo, fl->hi, sizeof fl->lo) != E_OK) return E_NOTFOUND;
	fl->sub = q->under > 0 ? " AND u.path >= $2 AND u.path < $3" : "";
	fl->field = q->field && *q->field ? " AND d.field_code = $4" : "";
	fl->status = q->status && *q->status ? " AND d.status = $5" : "";
	fl->join_units = q->under > 0 ? " JOIN units u ON u.id = d.unit_id" : "";
	fl->period = (q->from && *q->from) || (q->to && *q->to);
	return E_OK;
}

/* the unit array and its index, sized for the registered units and their ancestors */
static void init_units(struct build *b, int64_t nunits_max)
{
	/* units with registrations and their ancestors (at most 25 levels each) */
	b->cap = (int)(nunits_max * 2 + 64);
	b->d->units = arena_alloc(b->a, sizeof(struct dash_unit) * (size_t)b->cap);
	b->map.cap = 64;
	while (b->map.cap < (size_t)b->cap * 2) b->map.cap <<= 1;
	b->map.key = arena_alloc(b->a, sizeof(int64_t) * b->map.cap);
	b->map.val = arena_alloc(b->a, sizeof(int) * b->map.cap);
}

/* 1. registrations, and the timeline of registration dates */
static int read_registrations(struct build *b, const struct filters *fl, int64_t nunits_max)
{
	struct dashboard *d = b->d;
	struct buf sql;
	buf_init(&sql);
	buf_printf(&sql,
		   "SELECT u.id, u.parent_id, u.code, u.name, u.path, u.depth, g.registered_on FROM registrations g JOIN units u ON u.id = g.unit_id "
		   "WHERE g.movement_id = $1 AND g.active = 1%s",
		   fl->sub);
	struct stmt *st = db_prep(b->db, buf_cstr(&sql));
	buf_free(&sql);
	if (!st) return E_DB;
	db_bind_int(st, 1, fl->movement_id);
	if (fl->q->under > 0) { db_bind_text(st, 2, fl->lo); db_bind_text(st, 3, fl->hi); }
	d->timeline = arena_alloc(b->a, sizeof(struct dash_count) * (size_t)(nunits_max + 1));
	while (db_step(st) == DB_ROW) {
		int i = add_unit(b, db_int(st, 0), db_int(st, 1), db_text(st, 2), db_text(st, 3), db_text(st, 4), (int)db_int(st, 5));
		if (i < 0) break;
		d->units[i].registered = 1;
		d->registrations++;
		const char *day = db_text(st, 6);
		int t = 0;
		while (t < d->ntimeline && strcmp(d->timeline[t].key, day) != 0) t++;
		if (t == d->ntimeline && t <= nunits_max) d->timeline[d->ntimeline++].key = arena_strdup(b->a, day);
		d->timeline[t].n++;
	}
	db_done(st);
	qsort(d->timeline, (size_t)d->ntimeline, sizeof *d->timeline, cmp_counts);
	return E_OK;
}

/* 2. models per unit, field, status */
static int read_models(struct build *b, const struct filters *fl)
{
	struct dashboard *d = b->d;
	struct buf sql;
	buf_init(&sql);
	buf_printf(&sql,
		   "SELECT d.unit_id, d.field_code, d.status, sum(d.typical), count(*) FROM models d%s "
		   "WHERE d.movement_id = $1 AND d.active = 1%s%s%s GROUP BY d.unit_id, d.field_code, d.status",
		   fl->join_units, fl->sub, fl->field, fl->status);
	struct stmt *st = prep_filtered(b->db, buf_cstr(&sql), fl->movement_id, fl->q, fl->lo, fl->hi);
	buf_free(&sql);
	if (!st) return E_DB;
	while (db_step(st) == DB_ROW) {
		int i = umap_get(&b->map, db_int(st, 0));
		int64_t n = db_int(st, 4);
		const char *s = db_text(st, 2);
		int f = field_index(d, db_text(st, 1));
		int si = strcmp(s, "registered") == 0 ? 0 : strcmp(s, "effective") == 0 ? 1 : 2;
		if (i >= 0) d->units[i].models += n;
		d->models += n;
		d->typical += db_int(st, 3);
		if (si == 0) d->registered += n;
		else if (si == 1) d->effective += n;
		else d->not_effective += n;
		if (f >= 0) {
			d->by_field[f].n += n;
			d->field_status[f][si] += n;
		}
	}
	db_done(st);
	return E_OK;
}

/* 3. the results per unit, field and metric. Without a period the
** standing values are read in unit order (models_dash, then one seek per
** model) and summed here as they stream by: no sort, no temporary b-tree.
** With a period the reports in it are grouped by SQL. */
static int read_results(struct build *b, const struct filters *fl)
{
	struct dashboard *d = b->d;
	const struct movement *m = d->m;
	const struct dash_query *q = fl->q;
	struct buf sql;
	buf_init(&sql);
	if (!fl->period)
		buf_printf(&sql,
			   "SELECT d.unit_id, d.field_code, v.metric_id, v.value, 1 FROM models d%s JOIN model_values v ON v.model_id = d.id "
			   "WHERE d.movement_id = $1 AND d.active = 1%s%s%s",
			   fl->join_units, fl->sub, fl->field, fl->status);
	else
		buf_printf(&sql,
			   "SELECT d.unit_id, d.field_code, r.metric_id, sum(r.value), count(DISTINCT d.id) FROM model_results r "
			   "JOIN model_reports p ON p.id = r.report_id JOIN models d ON d.id = p.model_id JOIN units u ON u.id = d.unit_id "
			   "WHERE d.movement_id = $1 AND d.active = 1 AND p.reported_on >= $6 AND p.reported_on <= $7%s%s%s "
			   "GROUP BY d.unit_id, d.field_code, r.metric_id",
			   fl->sub, fl->field, fl->status);
	struct stmt *st = prep_filtered(b->db, buf_cstr(&sql), fl->movement_id, q, fl->lo, fl->hi);
	buf_free(&sql);
	if (!st) return E_DB;
	if (fl->period) {
		db_bind_text(st, 6, q->from && *q->from ? q->from : "0000-00-00");
		db_bind_text(st, 7, q->to && *q->to ? q->to : "9999-12-31");
	}
	int64_t last_unit = -1, last_metric = -1;
	int ui = -1, f = -1, mk = -1;
	const char *last_field = NULL;
	char field_buf[48] = "";
	while (db_step(st) == DB_ROW) {
		int64_t uid = db_int(st, 0), mid = db_int(st, 2);
		if (uid != last_unit) { ui = umap_get(&b->map, uid); last_unit = uid; }
		const char *fc = db_text(st, 1);
		if (!last_field || strcmp(fc, field_buf) != 0) {
			f = field_index(d, fc);
			snprintf(field_buf, sizeof field_buf, "%s", fc);
			last_field = field_buf;
		}
		if (mid != last_metric) { mk = metric_index(m, mid); last_metric = mid; }
		if (mk < 0) continue;
		double sum = db_double(st, 3);
		int64_t n = db_int(st, 4);
		if (ui >= 0) { d->units[ui].own[mk].sum += sum; d->units[ui].own[mk].n += n; }
		if (f >= 0) { d->field_total[f][mk].sum += sum; d->field_total[f][mk].n += n; }
		d->total[mk].sum += sum;
		d->total[mk].n += n;
	}
	db_done(st);
	return E_OK;
}

/* 4. replications of the models counted above: the same subtree (the
** reader's scope), field and assessment filters as every other figure */
static int read_replications(struct build *b, const struct filters *fl)
{
	struct buf sql;
	buf_init(&sql);
	buf_printf(&sql,
		   "SELECT count(*) FROM model_replications x JOIN models d ON d.id = x.model_id%s "
		   "WHERE d.movement_id = $1 AND d.active = 1%s%s%s",
		   fl->join_units, fl->sub, fl->field, fl->status);
	struct stmt *st = prep_filtered(b->db, buf_cstr(&sql), fl->movement_id, fl->q, fl->lo, fl->hi);
	buf_free(&sql);
	if (!st) return E_DB;
	b->d->replications = 0;
	if (db_step(st) == DB_ROW) b->d->replications = db_int(st, 0);
	db_done(st);
	return E_OK;
}

/* the deepest level listed: q->levels below the top of the scope (or of the
** filtered subtree); INT_MAX lists every level */
static int deepest_listed(const struct movement *m, const struct filters *fl)
{
	int top = INT_MAX;
	if (fl->q->under > 0) {
		top = 0;
		for (const char *c = fl->lo + 1; *c; c++) top += *c == '/';
		top -= 1;
	} else {
		for (int i = 0; i < m->nscopes; i++) {
			int dep = -1;
			for (const char *c = m->scopes[i].path + 1; *c; c++) dep += *c == '/';
			if (dep < top) top = dep;
		}
	}
	return fl->q->levels > 0 && top != INT_MAX ? top + fl->q->levels - 1 : INT_MAX;
}

/* 5. ancestors inside the scope (or inside the filtered subtree), down to
** the levels shown; deeper units roll up into them and are not listed */
static void add_ancestors(struct build *b, const struct filters *fl, int maxdepth)
{
	struct dashboard *d = b->d;
	int nreg = d->nunits;
	for (int i = 0; i < nreg; i++) {
		const char *path = d->units[i].path;
		/* walk the ids on the path, root first, skipping the unit itself */
		int depth = 0;
		for (const char *p = path + 1; *p; depth++) {
			int64_t aid = strtoll(p, NULL, 10);
			const char *next = strchr(p, '/');
			if (!next || !next[1]) break;
			p = next + 1;
			if (depth > maxdepth) break;
			if (umap_get(&b->map, aid) >= 0) continue;
			struct stmt *u = db_query(b->db, "SELECT id, parent_id, code, name, path, depth FROM units WHERE id = $1", "i", aid);
			if (u && db_step(u) == DB_ROW) {
				const char *apath = db_text(u, 4);
				int inside = fl->q->under > 0 ? strncmp(apath, fl->lo, strlen(fl->lo)) == 0 : movement_in_scope(d->m, apath);
				if (inside) add_unit(b, db_int(u, 0), db_int(u, 1), db_text(u, 2), db_text(u, 3), apath, (int)db_int(u, 5));
			}
			db_done(u);
		}
	}
}

/* 6. roll up: each unit's own figures into itself and its ancestors */
static void roll_up(struct build *b)
{
	struct dashboard *d = b->d;
	for (int i = 0; i < d->nunits; i++) {
		struct dash_unit *src = &d->units[i];
		if (!src->models && !src->registered) continue;
		for (const char *p = src->path + 1; *p;) {
			int64_t aid = strtoll(p, NULL, 10);
			int t = umap_get(&b->map, aid);
			if (t >= 0) {
				struct dash_unit *dst = &d->units[t];
				dst->models_sub += src->models;
				dst->registered_sub += src->registered;
				for (int k = 0; k < b->nm; k++) { dst->sub[k].sum += src->own[k].sum; dst->sub[k].n += src->own[k].n; }
			}
			const char *next = strchr(p, '/');
			if (!next) break;
			p = next + 1;
		}
	}
}

int dashboard_build(struct db *db, struct arena *a, const struct movement *m, const struct dash_query *q, struct dashboard *d)
{
	init_totals(a, m, d);
	d->q = q;
	struct filters fl;
	if (init_filters(db, m, q, &fl) != E_OK) return E_NOTFOUND;
	int64_t nunits_max = 0;
	db_int1(db, &nunits_max, "SELECT count(*) FROM registrations WHERE movement_id = $1", "i", m->id);
	struct build b = { .db = db, .a = a, .d = d, .nm = m->nmetrics };
	init_units(&b, nunits_max);
	int rc = read_registrations(&b, &fl, nunits_max);
	if (rc == E_OK) rc = read_models(&b, &fl);
	if (rc == E_OK) rc = read_results(&b, &fl);
	if (rc == E_OK) rc = read_replications(&b, &fl);
	if (rc != E_OK) return rc;
	int maxdepth = deepest_listed(m, &fl);
	add_ancestors(&b, &fl, maxdepth);
	roll_up(&b);
	/* units below the levels shown leave the list (their figures are in their ancestors') */
	int kept = 0;
	for (int i = 0; i < d->nunits; i++)
		if (d->units[i].depth <= maxdepth) d->units[kept++] = d->units[i];
	d->nunits = kept;
	/* the umap indexes die with the compaction and the sort: nothing reads them after */
	return sort_tree(db, d->units, d->nunits);
}

static void totals_json(struct jw *w, const struct movement *m, const struct dash_total *t)
{
	jw_obj(w);
	for (int k = 0; k < m->nmetrics; k++) {
		if (!t[k].n) continue;
		jw_key(w, m->metrics[k].code);
		jw_num(w, dash_value(&m->metrics[k], &t[k]));
	}
	jw_obj_end(w);
}

void dashboard_json(struct jw *w, const struct dashboard *d)
{
	const struct movement *m = d->m;
	jw_obj(w);
	jw_key(w, "movement");
	movement_json(w, m, 0);
	jw_kint(w, "registrations", d->registrations);
	jw_key(w, "models");
	jw_obj(w);
	jw_kint(w, "total", d->models);
	jw_kint(w, "registered", d->registered);
	jw_kint(w, "effective", d->effective);
	jw_kint(w, "not_effective", d->not_effective);
	jw_kint(w, "typical", d->typical);
	jw_kint(w, "replications", d->replications);
	jw_obj_end(w);
	jw_key(w, "metrics");
	jw_arr(w);
	for (int k = 0; k < m->nmetrics; k++) {
		jw_obj(w);
		jw_kstr(w, "code", m->metrics[k].code);
		jw_kstr(w, "name", m->metrics[k].name);
		jw_kstr(w, "unit", m->metrics[k].unit);
		jw_kstr(w, "kind", m->metrics[k].kind);
		jw_key(w, "value");
		jw_num(w, dash_value(&m->metrics[k], &d->total[k]));
		jw_kint(w, "models", d->total[k].n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "fields");
	jw_arr(w);
	for (int f = 0; f < d->nfields; f++) {
		jw_obj(w);
		jw_kstr(w, "field", d->by_field[f].key);
		jw_kint(w, "models", d->by_field[f].n);
		jw_kint(w, "registered", d->field_status[f][0]);
		jw_kint(w, "effective", d->field_status[f][1]);
		jw_kint(w, "not_effective", d->field_status[f][2]);
		jw_key(w, "results");
		totals_json(w, m, d->field_total[f]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "units");
	jw_arr(w);
	for (int i = 0; i < d->nunits; i++) {
		const struct dash_unit *u = &d->units[i];
		jw_obj(w);
		jw_kint(w, "id", u->id);
		jw_kstr(w, "code", u->code);
		jw_kstr(w, "name", u->name);
		jw_kint(w, "depth", u->depth);
		jw_kint(w, "parent_id", u->parent_id);
		jw_kbool(w, "registered", u->registered);
		jw_kint(w, "models", u->models);
		jw_kint(w, "models_subtree", u->models_sub);
		jw_kint(w, "registered_subtree", u->registered_sub);
		jw_key(w, "results");
		totals_json(w, m, u->own);
		jw_key(w, "results_subtree");
		totals_json(w, m, u->sub);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "timeline");
	jw_arr(w);
	int64_t cum = 0;
	for (int t = 0; t < d->ntimeline; t++) {
		cum += d->timeline[t].n;
		jw_obj(w);
		jw_kstr(w, "date", d->timeline[t].key);
		jw_kint(w, "registrations", d->timeline[t].n);
		jw_kint(w, "cumulative", cum);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
