/* Indicators (indicators.h): definitions, periods, entry of values with
** their validation, approval and unlocking, the history, targets and
** dashboards. The roll-up is rollup.c, the rules ind_rules.c. */
#include "indicators.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/json.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"

static const char *lang_col(const char *lang, const char *prefix, struct arena *a)
{
	const char *l = lang && (!strcmp(lang, "en") || !strcmp(lang, "hi")) ? lang : "vi";
	return arena_printf(a, "%s_%s", prefix, l);
}

/* the unit of measure in lang: its own when said, else the Vietnamese one (migration 027) */
static const char *measure_col(const char *lang, const char *table, struct arena *a)
{
	if (lang && (!strcmp(lang, "en") || !strcmp(lang, "hi")))
		return arena_printf(a, "CASE WHEN %s.measure_%s <> '' THEN %s.measure_%s ELSE %s.measure END", table, lang, table, lang, table);
	return arena_printf(a, "%s.measure", table);
}

static int one_of(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i])) return 1;
	return 0;
}

static const char *const KINDS[] = { "number", "percent", "ratio", NULL };
static const char *const AGGREGATIONS[] = { "sum", "mean", "weighted", "latest", "none", NULL };
static const char *const DIRECTIONS[] = { "higher", "lower", NULL };
static const char *const PERIOD_TYPES[] = { "year", "quarter", "month", NULL };

/* ---- periods ---- */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9') return 0;
	return 1;
}

const char *period_type_of(const char *p)
{
	if (!p) return NULL;
	size_t n = strlen(p);
	if (n < 4 || !digits(p, 4) || p[0] < '1' || p[0] > '2' || (p[0] == '1' && p[1] != '9')) return NULL;
	if (n == 4) return "year";
	if (n == 7 && p[4] == '-' && p[5] == 'Q' && p[6] >= '1' && p[6] <= '4') return "quarter";
	if (n == 7 && p[4] == '-' && digits(p + 5, 2)) {
		int m = (p[5] - '0') * 10 + (p[6] - '0');
		if (m >= 1 && m <= 12) return "month";
	}
	return NULL;
}

int period_parse(const char *typed, char *out, size_t n)
{
	if (!typed) return -1;
	while (*typed == ' ' || *typed == '\t') typed++;
	char s[40];
	size_t len = strlen(typed);
	while (len && (typed[len - 1] == ' ' || typed[len - 1] == '\t')) len--;
	if (len == 0 || len >= sizeof s) return -1;
	memcpy(s, typed, len);
	s[len] = 0;
	if (len == 7 && s[4] == '-' && s[5] == 'q') s[5] = 'Q';
	if (period_type_of(s)) return snprintf(out, n, "%s", s) < (int)n ? 0 : -1;
	const char *p = s;
	int quarter = 0, month = 0;
	/* a quarter: "quý" (any case) or "q", then 1-4 or I-IV */
	if (!strncasecmp(p, "qu\xc3\xbd", 4) || !strncasecmp(p, "qu\xc3\x9d", 4)) p += 4;
	else if (*p == 'q' || *p == 'Q') p++;
	if (p > s) {
		while (*p == ' ') p++;
		static const char *const roman[] = { "iv", "iii", "ii", "i" };
		static const int rq[] = { 4, 3, 2, 1 };
		if (*p >= '1' && *p <= '4') quarter = *p++ - '0';
		else
			for (int i = 0; i < 4 && !quarter; i++)
				if (!strncasecmp(p, roman[i], strlen(roman[i]))) quarter = rq[i], p += strlen(roman[i]);
		if (!quarter) return -1;
	} else {
		/* a month: 1-2 digits */
		if (!digits(p, 1)) return -1;
		month = *p++ - '0';
		if (digits(p, 1)) month = month * 10 + (*p++ - '0');
		if (month < 1 || month > 12) return -1;
	}
	while (*p == ' ') p++;
	if (*p != '/' && *p != '-' && !(quarter && p[-1] == ' ')) return -1;
	if (*p == '/' || *p == '-') p++;
	while (*p == ' ') p++;
	if (strlen(p) != 4 || !digits(p, 4)) return -1;
	char canon[IND_PERIOD_MAX];
	if (quarter) snprintf(canon, sizeof canon, "%.4s-Q%d", p, quarter);
	else snprintf(canon, sizeof canon, "%.4s-%02d", p, month);
	if (!period_type_of(canon)) return -1;
	return snprintf(out, n, "%s", canon) < (int)n ? 0 : -1;
}

int period_valid(const char *period_type, const char *period)
{
	const char *t = period_type_of(period);
	return t && period_type && !strcmp(t, period_type);
}

int period_prev(const char *p, char *out, size_t n)
{
	const char *t = period_type_of(p);
	if (!t) return -1;
	int y = atoi(p) % 10000;
	if (!strcmp(t, "year")) snprintf(out, n, "%04d", y - 1);
	else if (!strcmp(t, "quarter")) {
		int q = p[6] - '0';
		if (q == 1) snprintf(out, n, "%04d-Q4", y - 1);
		else snprintf(out, n, "%04d-Q%d", y, q - 1);
	} else {
		int m = atoi(p + 5) % 13;
		if (m == 1) snprintf(out, n, "%04d-12", y - 1);
		else snprintf(out, n, "%04d-%02d", y, m - 1);
	}
	return period_type_of(out) ? 0 : -1;
}

static void period_next(const char *p, char *out, size_t n)
{
	const char *t = period_type_of(p);
	int y = atoi(p) % 9999;   /* a valid period's year is 1900..2999: four digits, also for the compiler */
	if (!strcmp(t, "year")) snprintf(out, n, "%04d", y + 1);
	else if (!strcmp(t, "quarter")) {
		int q = p[6] - '0';
		if (q == 4) snprintf(out, n, "%04d-Q1", y + 1);
		else snprintf(out, n, "%04d-Q%d", y, q + 1);
	} else {
		int m = atoi(p + 5) % 13;
		if (m == 12) snprintf(out, n, "%04d-01", y + 1);
		else snprintf(out, n, "%04d-%02d", y, m + 1);
	}
}

int period_range(const char *from, const char *to, char (*out)[IND_PERIOD_MAX], int max)
{
	const char *t = period_type_of(from);
	if (!t || !period_valid(t, to) || strcmp(from, to) > 0) return -1;
	int n = 0;
	char cur[IND_PERIOD_MAX];
	snprintf(cur, sizeof cur, "%s", from);
	while (n < max) {
		snprintf(out[n++], IND_PERIOD_MAX, "%s", cur);
		if (!strcmp(cur, to)) break;
		period_next(cur, cur, sizeof cur);
	}
	return n;
}

/* ---- definitions ---- */

#define IND_COLS \
	"id, code, %s, name_vi, name_en, name_hi, %s, kind, factor, aggregation, direction, period_type, decimals, active, version, " \
	"%s, %s, numerator_vi, numerator_en, numerator_hi, denominator_vi, denominator_en, denominator_hi, owner_id, " \
	"(SELECT o.path FROM units o WHERE o.id = indicators.owner_id), measure, measure_en, measure_hi FROM indicators "
#define IND_COLS_ARGS(lang, a) \
	lang_col(lang, "name", a), measure_col(lang, "indicators", a), lang_col(lang, "numerator", a), lang_col(lang, "denominator", a)

static void read_ind(struct stmt *st, struct arena *a, struct indicator *x)
{
	x->id = db_int(st, 0);
	x->code = arena_strdup(a, db_text(st, 1));
	x->name = arena_strdup(a, db_text(st, 2));
	x->name_vi = arena_strdup(a, db_text(st, 3));
	x->name_en = arena_strdup(a, db_text(st, 4));
	x->name_hi = arena_strdup(a, db_text(st, 5));
	x->measure = arena_strdup(a, db_text(st, 6));
	x->kind = arena_strdup(a, db_text(st, 7));
	x->factor = db_double(st, 8);
	x->aggregation = arena_strdup(a, db_text(st, 9));
	x->direction = arena_strdup(a, db_text(st, 10));
	x->period_type = arena_strdup(a, db_text(st, 11));
	x->decimals = (int)db_int(st, 12);
	x->active = (int)db_int(st, 13);
	x->version = db_int(st, 14);
	x->numerator = arena_strdup(a, db_text(st, 15));
	x->denominator = arena_strdup(a, db_text(st, 16));
	x->numerator_vi = arena_strdup(a, db_text(st, 17));
	x->numerator_en = arena_strdup(a, db_text(st, 18));
	x->numerator_hi = arena_strdup(a, db_text(st, 19));
	x->denominator_vi = arena_strdup(a, db_text(st, 20));
	x->denominator_en = arena_strdup(a, db_text(st, 21));
	x->denominator_hi = arena_strdup(a, db_text(st, 22));
	x->owner_id = db_int(st, 23);
	x->owner_path = arena_strdup(a, db_text(st, 24) ? db_text(st, 24) : "");
	x->measure_vi = arena_strdup(a, db_text(st, 25));
	x->measure_en = arena_strdup(a, db_text(st, 26));
	x->measure_hi = arena_strdup(a, db_text(st, 27));
}

static int get_where(struct db *db, struct arena *a, const char *where, const char *types, int64_t id, const char *code,
		     const char *lang, struct indicator **out)
{
	const char *sql = arena_printf(a, "SELECT " IND_COLS "%s", IND_COLS_ARGS(lang, a), where);
	struct stmt *st = code ? db_query(db, sql, types, code) : db_query(db, sql, types, id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_ind(st, a, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int indicators_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct indicator **out)
{
	return get_where(db, a, "WHERE id = $1", "i", id, NULL, lang, out);
}

int indicators_find(struct db *db, struct arena *a, const char *code, const char *lang, struct indicator **out)
{
	if (!code) return E_NOTFOUND;
	return get_where(db, a, "WHERE code = $1", "t", 0, code, lang, out);
}

int indicators_list(struct db *db, struct arena *a, const char *lang, int all, struct indicator **items, int *n)
{
	const char *sql = arena_printf(a, "SELECT " IND_COLS "%s ORDER BY code", IND_COLS_ARGS(lang, a),
				       all ? "" : "WHERE active = 1");
	struct stmt *st = db_query(db, sql, "");
	*n = 0;
	*items = NULL;
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct indicator *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_ind(st, a, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

void indicator_json(struct jw *w, const struct indicator *x)
{
	jw_obj(w);
	jw_kint(w, "id", x->id);
	jw_kstr(w, "code", x->code);
	jw_kstr(w, "name", x->name);
	jw_kstr(w, "name_vi", x->name_vi);
	jw_kstr(w, "name_en", x->name_en);
	jw_kstr(w, "name_hi", x->name_hi);
	jw_kstr(w, "measure", x->measure);
	jw_kstr(w, "measure_vi", x->measure_vi);
	jw_kstr(w, "measure_en", x->measure_en);
	jw_kstr(w, "measure_hi", x->measure_hi);
	jw_kstr(w, "kind", x->kind);
	jw_key(w, "factor");
	jw_num(w, x->factor);
	jw_kstr(w, "aggregation", x->aggregation);
	jw_kstr(w, "direction", x->direction);
	jw_kstr(w, "period_type", x->period_type);
	jw_kint(w, "decimals", x->decimals);
	jw_kstr(w, "numerator_vi", x->numerator_vi);
	jw_kstr(w, "numerator_en", x->numerator_en);
	jw_kstr(w, "numerator_hi", x->numerator_hi);
	jw_kstr(w, "denominator_vi", x->denominator_vi);
	jw_kstr(w, "denominator_en", x->denominator_en);
	jw_kstr(w, "denominator_hi", x->denominator_hi);
	jw_kbool(w, "active", x->active);
	jw_kint(w, "version", x->version);
	jw_key(w, "owner_id");
	if (x->owner_id) jw_int(w, x->owner_id);
	else jw_null(w);
	jw_obj_end(w);
}

static int ind_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct indicator *x;
	int rc = indicators_get(db, a, id, "en", &x);
	if (rc == E_OK) indicator_json(w, x);
	return rc;
}

/* an indicator code: a lower-case letter, then lower-case letters, digits, '_' (a name in the rules) */
static int ind_code_valid(const char *s)
{
	if (!s || !*s || strlen(s) > IND_CODE_MAX || !(*s >= 'a' && *s <= 'z')) return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
	return 1;
}

static void check_name(struct field_errors *fe, const char *field, const char *v)
{
	if (!v || !*v) fe_add(fe, field, N_("Is required"));
	else if (strlen(v) > IND_NAME_MAX) fe_add(fe, field, N_("Is too long"));
}

static void check_in(const struct indicator_in *in, struct field_errors *fe)
{
	if (!ind_code_valid(in->code)) fe_add(fe, "code", N_("Use lower-case letters, digits and _ (starting with a letter)"));
	check_name(fe, "name_vi", in->name_vi);
	check_name(fe, "name_en", in->name_en);
	check_name(fe, "name_hi", in->name_hi);
	if (in->measure && strlen(in->measure) > 40) fe_add(fe, "measure", N_("Is too long"));
	if (in->measure_en && strlen(in->measure_en) > 40) fe_add(fe, "measure_en", N_("Is too long"));
	if (in->measure_hi && strlen(in->measure_hi) > 40) fe_add(fe, "measure_hi", N_("Is too long"));
	if (!one_of(in->kind, KINDS)) fe_add(fe, "kind", N_("Choose number, percent or ratio"));
	if (!one_of(in->aggregation, AGGREGATIONS)) fe_add(fe, "aggregation", N_("Choose sum, mean, weighted, latest or none"));
	else if (!strcmp(in->aggregation, "weighted") && in->kind && strcmp(in->kind, "ratio"))
		fe_add(fe, "aggregation", N_("Only a ratio is weighted by its denominator"));
	else if (!strcmp(in->aggregation, "sum") && in->kind && strcmp(in->kind, "number"))
		fe_add(fe, "aggregation", N_("Percents and ratios are not summed"));
	if (!one_of(in->direction, DIRECTIONS)) fe_add(fe, "direction", N_("Choose higher or lower"));
	if (!one_of(in->period_type, PERIOD_TYPES)) fe_add(fe, "period_type", N_("Choose year, quarter or month"));
	if (in->decimals < 0 || in->decimals > 4) fe_add(fe, "decimals", N_("From 0 to 4"));
	if (in->factor < 0 || in->factor > 1e6 || isnan(in->factor)) fe_add(fe, "factor", N_("Out of range"));
	const char *const parts[6] = { in->numerator_vi, in->numerator_en, in->numerator_hi, in->denominator_vi, in->denominator_en, in->denominator_hi };
	static const char *const part_fields[6] = { "numerator_vi", "numerator_en", "numerator_hi", "denominator_vi", "denominator_en", "denominator_hi" };
	for (int i = 0; i < 6; i++)
		if (parts[i] && strlen(parts[i]) > IND_NAME_MAX) fe_add(fe, part_fields[i], N_("Is too long"));
}

/* a ratio part's text as stored: "" when not given */
static const char *part(const char *s) { return s ? s : ""; }

int indicators_may_define(const struct user *who) { return role_can_any(who, PERM_INDICATOR_DEFINE); }

int indicators_may_change(const struct user *who, const char *owner_path)
{
	return owner_path && *owner_path ? role_can(who, PERM_INDICATOR_DEFINE, owner_path) : role_can_top(who, PERM_INDICATOR_DEFINE);
}

/* the owner of a row the user defines: 0 (the whole tree) from a root
** unit's grant, else the unit of the user's highest grant that defines */
int64_t indicators_owner_for(const struct user *who)
{
	if (role_can_top(who, PERM_INDICATOR_DEFINE)) return 0;
	const struct grant *best = NULL;
	for (int i = 0; who && i < who->ngrants; i++) {
		const struct grant *g = &who->grants[i];
		if (role_can(who, PERM_INDICATOR_DEFINE, g->unit_path) && (!best || g->unit_depth < best->unit_depth)) best = g;
	}
	return best ? best->unit_id : 0;
}

int indicators_create(struct db *db, const struct user *who, const struct indicator_in *in, struct field_errors *fe,
		      int64_t *id)
{
	if (!indicators_may_define(who)) return E_FORBIDDEN;
	check_in(in, fe);
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM indicators WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_int1(db, id,
		    "INSERT INTO indicators (code, name_vi, name_en, name_hi, measure, kind, factor, aggregation, direction, period_type, "
		    "decimals, created_at, updated_at, numerator_vi, numerator_en, numerator_hi, denominator_vi, denominator_en, denominator_hi, "
		    "owner_id, measure_en, measure_hi) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18, "
		    "NULLIF($19, 0), $20, $21) RETURNING id",
		    "ttttttdtttitttttttitt", in->code, in->name_vi, in->name_en, in->name_hi, in->measure ? in->measure : "", in->kind,
		    in->factor > 0 ? in->factor : 100.0, in->aggregation, in->direction, in->period_type, (int64_t)in->decimals,
		    now, part(in->numerator_vi), part(in->numerator_en), part(in->numerator_hi), part(in->denominator_vi),
		    part(in->denominator_en), part(in->denominator_hi), indicators_owner_for(who), part(in->measure_en), part(in->measure_hi)) != DB_ROW) {
		rc = E_DB;
		goto out;
	}
	rc = audit_change(db, who, "create", "indicator", *id, NULL, ind_snapshot, NULL);
out:
	return db_tx_end(db, rc);
}

int indicators_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct indicator_in *in,
		      struct field_errors *fe)
{
	if (!indicators_may_define(who)) return E_FORBIDDEN;
	check_in(in, fe);
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = NULL;
	struct arena a;
	arena_init(&a);
	struct indicator *x;
	if ((rc = indicators_get(db, &a, id, "en", &x)) != E_OK) goto out;
	if (!indicators_may_change(who, x->owner_path)) {
		rc = E_FORBIDDEN;
		goto out;
	}
	if (x->version != version) {
		rc = E_CONFLICT;
		goto out;
	}
	int64_t used = 0;
	db_int1(db, &used, "SELECT count(*) FROM indicator_values WHERE indicator_id = $1", "i", id);
	if (used && (strcmp(x->code, in->code) || strcmp(x->kind, in->kind) || strcmp(x->aggregation, in->aggregation) ||
		     strcmp(x->period_type, in->period_type))) {
		fe_add(fe, "code", N_("An indicator with values keeps its code, kind, aggregation and period type"));
		rc = E_STATE;
		goto out;
	}
	int64_t other = 0;
	if (strcmp(x->code, in->code) && db_int1(db, &other, "SELECT id FROM indicators WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	before = audit_snapshot(db, id, ind_snapshot);
	char now[21];
	now_iso(now);
	if (db_exec(db,
		    "UPDATE indicators SET code = $1, name_vi = $2, name_en = $3, name_hi = $4, measure = $5, kind = $6, factor = $7, "
		    "aggregation = $8, direction = $9, period_type = $10, decimals = $11, active = $12, version = version + 1, "
		    "updated_at = $13, numerator_vi = $15, numerator_en = $16, numerator_hi = $17, denominator_vi = $18, "
		    "denominator_en = $19, denominator_hi = $20, measure_en = $21, measure_hi = $22 WHERE id = $14",
		    "ttttttdtttiititttttttt", in->code, in->name_vi, in->name_en, in->name_hi, in->measure ? in->measure : "", in->kind,
		    in->factor > 0 ? in->factor : 100.0, in->aggregation, in->direction, in->period_type, (int64_t)in->decimals,
		    (int64_t)(in->active != 0), now, id, part(in->numerator_vi), part(in->numerator_en), part(in->numerator_hi),
		    part(in->denominator_vi), part(in->denominator_en), part(in->denominator_hi), part(in->measure_en), part(in->measure_hi)) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	rc = audit_change(db, who, "update", "indicator", id, before, ind_snapshot, NULL);
out:
	free(before);
	arena_free(&a);
	return db_tx_end(db, rc);
}

/* ---- entry ---- */

double ind_round(double v) { return fabs(v) < 1e9 ? round(v * 1e6) / 1e6 : v; }

/* the value to store for an entry of indicator x: E_OK, or a field error */
static int entry_value(const struct indicator *x, const struct ind_entry *e, struct ind_contrib *c, const char **why)
{
	memset(c, 0, sizeof *c);
	if (!strcmp(x->kind, "ratio")) {
		if (!e->has_ratio) return *why = N_("A ratio needs a numerator and a denominator"), E_INVALID;
		if (!isfinite(e->numerator) || !isfinite(e->denominator) || e->numerator < 0 || e->numerator > IND_VALUE_MAX ||
		    e->denominator > IND_VALUE_MAX)
			return *why = N_("Out of range"), E_INVALID;
		if (e->denominator <= 0) return *why = N_("The denominator must be greater than 0"), E_INVALID;
		c->num = ind_round(e->numerator);
		c->den = ind_round(e->denominator);
		c->value = x->factor * e->numerator / e->denominator;
		return E_OK;
	}
	if (!e->has_value || !isfinite(e->value)) return *why = N_("Is required"), E_INVALID;
	if (fabs(e->value) > IND_VALUE_MAX) return *why = N_("Out of range"), E_INVALID;
	if (!strcmp(x->kind, "percent") && (e->value < 0 || e->value > 100)) return *why = N_("A percent is from 0 to 100"), E_INVALID;
	c->value = ind_round(e->value);
	return E_OK;
}

/* writes one value (insert or replace), its history row, and its roll-up */
static int enter_one(struct db *db, const struct user *who, const struct indicator *x, int64_t unit_id, const char *path,
		     const char *period, const struct ind_entry *e, const struct ind_contrib *c, const char *now, struct jw *w)
{
	struct stmt *st = db_query(db,
				   "SELECT value, numerator, denominator, seq, status FROM indicator_values "
				   "WHERE indicator_id = $1 AND unit_id = $2 AND period = $3",
				   "iit", x->id, unit_id, period);
	if (!st) return E_DB;
	struct ind_contrib before = { 0 };
	int had = 0, locked = 0;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		had = 1;
		before.value = db_double(st, 0);
		before.num = db_double(st, 1);
		before.den = db_double(st, 2);
		before.seq = db_int(st, 3);
		locked = !strcmp(db_text(st, 4), "approved");
	}
	db_done(st);
	if (rc != DB_ROW && rc != DB_DONE) return E_DB;
	if (locked) return E_STATE;
	const char *comment = e->comment && *e->comment ? e->comment : NULL;
	int ratio = !strcmp(x->kind, "ratio");
	int64_t seq = 0;
	/* numerator and denominator are NULL but for a ratio: two spellings, every parameter bound */
	if (ratio)
		rc = db_int1(db, &seq,
			     "INSERT INTO indicator_history (indicator_id, unit_id, period, action, value, numerator, denominator, comment, "
			     "user_id, at) VALUES ($1, $2, $3, 'enter', $4, $5, $6, $7, $8, $9) RETURNING id",
			     "iitdddtIt", x->id, unit_id, period, c->value, c->num, c->den, comment, who->id, now);
	else
		rc = db_int1(db, &seq,
			     "INSERT INTO indicator_history (indicator_id, unit_id, period, action, value, comment, user_id, at) "
			     "VALUES ($1, $2, $3, 'enter', $4, $5, $6, $7) RETURNING id",
			     "iitdtIt", x->id, unit_id, period, c->value, comment, who->id, now);
	if (rc != DB_ROW) return E_DB;
	struct ind_contrib after = *c;
	after.seq = seq;
	if (had && ratio)
		rc = db_exec(db,
			     "UPDATE indicator_values SET value = $1, numerator = $2, denominator = $3, comment = $4, seq = $5, "
			     "entered_by = $6, entered_at = $7, version = version + 1 WHERE indicator_id = $8 AND unit_id = $9 AND period = $10",
			     "dddtiItiit", c->value, c->num, c->den, comment, seq, who->id, now, x->id, unit_id, period);
	else if (had)
		rc = db_exec(db,
			     "UPDATE indicator_values SET value = $1, comment = $2, seq = $3, entered_by = $4, entered_at = $5, "
			     "version = version + 1 WHERE indicator_id = $6 AND unit_id = $7 AND period = $8",
			     "dtiItiit", c->value, comment, seq, who->id, now, x->id, unit_id, period);
	else if (ratio)
		rc = db_exec(db,
			     "INSERT INTO indicator_values (indicator_id, unit_id, period, value, numerator, denominator, comment, seq, "
			     "entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			     "iitdddtiIt", x->id, unit_id, period, c->value, c->num, c->den, comment, seq, who->id, now);
	else
		rc = db_exec(db,
			     "INSERT INTO indicator_values (indicator_id, unit_id, period, value, comment, seq, entered_by, entered_at) "
			     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			     "iitdtiIt", x->id, unit_id, period, c->value, comment, seq, who->id, now);
	if (rc != DB_OK) return E_DB;
	if (strcmp(x->aggregation, "none") && rollup_apply(db, x->id, path, period, had ? &before : NULL, &after) != E_OK) return E_DB;
	/* the audit row's after: the values as entered */
	jw_obj(w);
	jw_kstr(w, "indicator", x->code);
	jw_key(w, "value");
	jw_num(w, c->value);
	if (ratio) {
		jw_key(w, "numerator");
		jw_num(w, c->num);
		jw_key(w, "denominator");
		jw_num(w, c->den);
	}
	jw_kstr(w, "comment", comment);
	jw_obj_end(w);
	return E_OK;
}

int indicators_enter(struct db *db, struct arena *a, const struct user *who, int64_t unit_id, const char *period,
		     struct ind_entry *entries, int n, const char *lang, struct field_errors *fe, struct ind_check *chk)
{
	memset(chk, 0, sizeof *chk);
	char path[UNIT_PATH_MAX];
	if (units_path(db, unit_id, path, sizeof path) != E_OK) return fe_add(fe, "unit", N_("No such unit")), E_INVALID;
	if (!role_can(who, PERM_INDICATOR_ENTER, path)) return E_FORBIDDEN;
	if (!period_type_of(period)) return fe_add(fe, "period", N_("Write a period as 2025, 2025-Q3 or 2025-07")), E_INVALID;
	if (n <= 0 || n > IND_ENTRIES_MAX) return fe_add(fe, "values", N_("Enter from 1 to 200 values")), E_INVALID;
	struct indicator **xs = arena_alloc(a, sizeof *xs * (size_t)n);
	struct ind_contrib *cs = arena_alloc(a, sizeof *cs * (size_t)n);
	const char **codes = arena_alloc(a, sizeof *codes * (size_t)n);
	for (int i = 0; i < n; i++) {
		const char *field = arena_printf(a, "values[%d]", i);
		const char *why = NULL;
		if (indicators_find(db, a, entries[i].code, lang, &xs[i]) != E_OK || !xs[i]->active) {
			fe_add(fe, field, N_("No such indicator"));
			continue;
		}
		codes[i] = xs[i]->code;
		for (int j = 0; j < i; j++)
			if (codes[j] && !strcmp(codes[j], codes[i])) why = N_("The same indicator twice");
		if (!why && !period_valid(xs[i]->period_type, period)) why = N_("The period does not match the indicator's period type");
		if (!why) entry_value(xs[i], &entries[i], &cs[i], &why);
		if (!why && entries[i].comment && strlen(entries[i].comment) > 2000) why = N_("Is too long");
		if (!why && entries[i].comment) {
			/* a comment is text of several lines: no other control character, no bidirectional override */
			size_t len = strlen(entries[i].comment);
			char *c = arena_strndup(a, entries[i].comment, len);
			if (text_clean(c, &len, 1) != 0) why = N_("Must be text without control characters");
			else entries[i].comment = c;
		}
		if (why) fe_add(fe, field, why);
	}
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	struct buf audit;
	buf_init(&audit);
	struct jw w;
	jw_init(&w, &audit);
	jw_arr(&w);
	for (int i = 0; i < n && rc == E_OK; i++) {
		rc = enter_one(db, who, xs[i], unit_id, path, period, &entries[i], &cs[i], now, &w);
		if (rc == E_STATE) fe_add(fe, arena_printf(a, "values[%d]", i), N_("Approved values are locked; ask the level above to unlock them"));
	}
	if (rc != E_OK) goto out;
	rc = ind_rules_check(db, a, unit_id, period, codes, n, lang, chk);
	if (rc != E_OK) goto out;
	jw_arr_end(&w);
	char note[64];
	snprintf(note, sizeof note, "period %s", period);
	rc = audit_add(db, who, "enter values", "unit", unit_id, NULL, buf_cstr(&audit), note) == 0 ? E_OK : E_DB;
out:
	buf_free(&audit);
	return db_tx_end(db, rc);
}

/* the path the approver must hold PERM_INDICATOR_APPROVE on: the parent's, or a root's own */
static int approver_path(struct db *db, int64_t unit_id, char *out, size_t n)
{
	int64_t parent = 0;
	int rc = db_int1(db, &parent, "SELECT COALESCE(parent_id, 0) FROM units WHERE id = $1", "i", unit_id);
	if (rc != DB_ROW) return rc == DB_DONE ? E_NOTFOUND : E_DB;
	return units_path(db, parent ? parent : unit_id, out, n);
}

static int set_status(struct db *db, const struct user *who, int64_t unit_id, const char *period, int approve, const char *reason,
		      int *count)
{
	char path[UNIT_PATH_MAX];
	*count = 0;
	int rc = approver_path(db, unit_id, path, sizeof path);
	if (rc != E_OK) return rc;
	if (!role_can(who, PERM_INDICATOR_APPROVE, path)) return E_FORBIDDEN;
	if (!period_type_of(period)) return E_NOTFOUND;
	rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	const char *from = approve ? "entered" : "approved";
	if (db_exec(db,
		    "INSERT INTO indicator_history (indicator_id, unit_id, period, action, value, numerator, denominator, comment, user_id, at) "
		    "SELECT indicator_id, unit_id, period, $1, value, numerator, denominator, $2, $3, $4 FROM indicator_values "
		    "WHERE unit_id = $5 AND period = $6 AND status = $7",
		    "ttItitt", approve ? "approve" : "unlock", reason, who->id, now, unit_id, period, from) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (db_exec(db,
		    "UPDATE indicator_values SET status = $1, approved_by = $2, approved_at = $3, version = version + 1 "
		    "WHERE unit_id = $4 AND period = $5 AND status = $6",
		    "tItitt", approve ? "approved" : "entered", approve ? who->id : 0, approve ? now : NULL, unit_id, period,
		    from) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	*count = db_changes(db);
	if (!*count) {
		rc = E_STATE;
		goto out;
	}
	char note[600];
	snprintf(note, sizeof note, "period %s, %d values%s%s", period, *count, reason ? ": " : "", reason ? reason : "");
	rc = audit_add(db, who, approve ? "approve values" : "unlock values", "unit", unit_id, NULL, NULL, note) == 0 ? E_OK : E_DB;
out:
	return db_tx_end(db, rc);
}

int indicators_approve(struct db *db, const struct user *who, int64_t unit_id, const char *period, int *count)
{
	return set_status(db, who, unit_id, period, 1, NULL, count);
}

int indicators_unlock(struct db *db, const struct user *who, int64_t unit_id, const char *period, const char *reason, int *count)
{
	*count = 0;
	if (!reason || !*reason || strlen(reason) > 500) return E_INVALID;
	return set_status(db, who, unit_id, period, 0, reason, count);
}

int indicators_unit_values(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *lang,
			   struct ind_value **items, int *n)
{
	*n = 0;
	*items = NULL;
	const char *t = period_type_of(period);
	if (!t) return E_INVALID;
	const char *sql = arena_printf(a,
				       "SELECT i.id, i.code, i.%s, %s, i.kind, i.decimals, v.value, v.numerator, v.denominator, "
				       "v.comment, v.status, v.entered_at, v.approved_at, v.version, v.period FROM indicators i "
				       "LEFT JOIN indicator_values v ON v.indicator_id = i.id AND v.unit_id = $1 AND v.period = $2 "
				       "WHERE i.active = 1 AND i.period_type = $3 ORDER BY i.code",
				       lang_col(lang, "name", a), measure_col(lang, "i", a));
	struct stmt *st = db_query(db, sql, "itt", unit_id, period, t);
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct ind_value *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		struct ind_value *v = &(*items)[(*n)++];
		v->indicator_id = db_int(st, 0);
		v->code = arena_strdup(a, db_text(st, 1));
		v->name = arena_strdup(a, db_text(st, 2));
		v->measure = arena_strdup(a, db_text(st, 3));
		v->kind = arena_strdup(a, db_text(st, 4));
		v->decimals = (int)db_int(st, 5);
		v->unit_id = unit_id;
		v->period = arena_strdup(a, period);
		v->has = !db_isnull(st, 14);
		v->value = db_double(st, 6);
		v->has_ratio = !db_isnull(st, 7);
		v->numerator = db_double(st, 7);
		v->denominator = db_double(st, 8);
		v->comment = arena_strdup(a, db_text(st, 9));
		v->status = arena_strdup(a, db_text(st, 10));
		v->entered_at = arena_strdup(a, db_text(st, 11));
		v->approved_at = arena_strdup(a, db_text(st, 12));
		v->version = db_int(st, 13);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int indicators_history(struct db *db, struct arena *a, int64_t indicator_id, int64_t unit_id, const char *period,
		       struct ind_history **items, int *n)
{
	*n = 0;
	*items = NULL;
	struct stmt *st = db_query(db,
				   "SELECT h.id, h.action, h.comment, u.login, h.at, h.value, h.numerator, h.denominator, u.full_name FROM indicator_history h "
				   "LEFT JOIN users u ON u.id = h.user_id WHERE h.indicator_id = $1 AND h.unit_id = $2 AND h.period = $3 ORDER BY h.id",
				   "iit", indicator_id, unit_id, period);
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct ind_history *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		struct ind_history *h = &(*items)[(*n)++];
		h->id = db_int(st, 0);
		h->action = arena_strdup(a, db_text(st, 1));
		h->comment = arena_strdup(a, db_text(st, 2));
		h->user = db_text(st, 3) ? arena_strdup(a, db_text(st, 3)) : NULL; /* NULL: the system (a page names it in its language) */
		h->user_name = h->user && db_text(st, 8) && *db_text(st, 8) ? arena_strdup(a, db_text(st, 8)) : h->user;
		h->at = arena_strdup(a, db_text(st, 4));
		h->has_value = !db_isnull(st, 5);
		h->value = db_double(st, 5);
		h->has_ratio = !db_isnull(st, 6);
		h->numerator = db_double(st, 6);
		h->denominator = db_double(st, 7);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

/* ---- targets ---- */

int indicator_achievement(const char *direction, double value, double target, double *out)
{
	if (direction && !strcmp(direction, "lower")) {
		if (value <= 0) return 0;
		*out = 100.0 * target / value;
	} else {
		if (target == 0) return 0;
		*out = 100.0 * value / target;
	}
	return 1;
}

int indicators_set_target(struct db *db, const struct user *who, int64_t indicator_id, int64_t unit_id, const char *period,
			  double target, struct field_errors *fe)
{
	struct arena a;
	arena_init(&a);
	struct indicator *x;
	char path[UNIT_PATH_MAX];
	int rc = indicators_get(db, &a, indicator_id, "en", &x);
	if (rc != E_OK) fe_add(fe, "indicator", N_("No such indicator"));
	if (units_path(db, unit_id, path, sizeof path) != E_OK) fe_add(fe, "unit", N_("No such unit"));
	if (rc == E_OK && !period_valid(x->period_type, period)) fe_add(fe, "period", N_("The period does not match the indicator's period type"));
	if (!isfinite(target) || fabs(target) > IND_VALUE_MAX) fe_add(fe, "target", N_("Out of range"));
	else if (rc == E_OK && !strcmp(x->kind, "percent") && (target < 0 || target > 100)) fe_add(fe, "target", N_("A percent is from 0 to 100"));
	arena_free(&a);
	if (fe->n) return E_INVALID;
	if (!role_can(who, PERM_INDICATOR_DEFINE, path)) return E_FORBIDDEN;
	rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	if (db_exec(db,
		    "INSERT INTO indicator_targets (indicator_id, unit_id, period, target, updated_at) VALUES ($1, $2, $3, $4, $5) "
		    "ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET target = excluded.target, "
		    "version = indicator_targets.version + 1, updated_at = excluded.updated_at",
		    "iitdt", indicator_id, unit_id, period, target, now) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	char after[160];
	snprintf(after, sizeof after, "{\"indicator_id\":%lld,\"period\":\"%s\",\"target\":%.17g}", (long long)indicator_id, period, target);
	rc = audit_add(db, who, "set target", "unit", unit_id, NULL, after, NULL) == 0 ? E_OK : E_DB;
out:
	return db_tx_end(db, rc);
}

/* ---- dashboards ---- */

static int slug_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 60) return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-')) return 0;
	return 1;
}

/* the checks of a dashboard's fields; path: its unit's */
static void check_dashboard(struct db *db, const struct ind_dashboard_in *in, struct field_errors *fe, char *path, size_t pathn)
{
	if (!slug_valid(in->slug)) fe_add(fe, "slug", N_("Use lower-case letters, digits and -"));
	check_name(fe, "title", in->title);
	if (in->title_en && strlen(in->title_en) > IND_NAME_MAX) fe_add(fe, "title_en", N_("Is too long"));
	if (in->title_hi && strlen(in->title_hi) > IND_NAME_MAX) fe_add(fe, "title_hi", N_("Is too long"));
	if (units_path(db, in->unit_id, path, pathn) != E_OK) fe_add(fe, "unit", N_("No such unit"));
	if (!period_type_of(in->period_from)) fe_add(fe, "period_from", N_("Write a period as 2025, 2025-Q3 or 2025-07"));
	if (!period_type_of(in->period_to) || (period_type_of(in->period_from) && !period_valid(period_type_of(in->period_from), in->period_to)) ||
	    (in->period_from && in->period_to && strcmp(in->period_from, in->period_to) > 0))
		fe_add(fe, "period_to", N_("A period of the same type, not before the first"));
	if (!in->indicators || !*in->indicators || strlen(in->indicators) > 1000) fe_add(fe, "indicators", N_("Is required"));
	else {
		struct arena a;
		arena_init(&a);
		char *list = arena_strdup(&a, in->indicators), *save = NULL;
		for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
			struct indicator *x;
			if (indicators_find(db, &a, c, "en", &x) != E_OK) {
				fe_add(fe, "indicators", N_("No such indicator"));
				break;
			}
		}
		arena_free(&a);
	}
}

int ind_dashboards_create(struct db *db, const struct user *who, const struct ind_dashboard_in *in, struct field_errors *fe,
			  int64_t *id)
{
	char path[UNIT_PATH_MAX];
	check_dashboard(db, in, fe, path, sizeof path);
	if (fe->n) return E_INVALID;
	if (!role_can(who, PERM_INDICATOR_DEFINE, path)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM indicator_dashboards WHERE slug = $1", "t", in->slug) == DB_ROW) {
		fe_add(fe, "slug", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_int1(db, id,
		    "INSERT INTO indicator_dashboards (slug, title, unit_id, indicators, period_from, period_to, public, created_at, updated_at, "
		    "title_en, title_hi) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id",
		    "ttitttittt", in->slug, in->title, in->unit_id, in->indicators, in->period_from, in->period_to, (int64_t)(in->public_ != 0),
		    now, in->title_en ? in->title_en : "", in->title_hi ? in->title_hi : "") != DB_ROW) {
		rc = E_DB;
		goto out;
	}
	rc = audit_add(db, who, "create", "indicator_dashboard", *id, NULL, NULL, in->slug) == 0 ? E_OK : E_DB;
out:
	return db_tx_end(db, rc);
}

static void read_dash(struct stmt *st, struct arena *a, struct ind_dashboard *d)
{
	d->id = db_int(st, 0);
	d->slug = arena_strdup(a, db_text(st, 1));
	d->title = arena_strdup(a, db_text(st, 2));
	d->unit_id = db_int(st, 3);
	d->unit_name = arena_strdup(a, db_text(st, 4));
	d->indicators = arena_strdup(a, db_text(st, 5));
	d->period_from = arena_strdup(a, db_text(st, 6));
	d->period_to = arena_strdup(a, db_text(st, 7));
	d->public_ = (int)db_int(st, 8);
	d->version = db_int(st, 9);
	d->title_en = arena_strdup(a, db_text(st, 10));
	d->title_hi = arena_strdup(a, db_text(st, 11));
}

const char *ind_dashboard_title(const struct ind_dashboard *d, const char *lang)
{
	const char *t = lang && !strcmp(lang, "en") ? d->title_en : lang && !strcmp(lang, "hi") ? d->title_hi : NULL;
	return t && *t ? t : d->title;
}

#define DASH_COLS \
	"SELECT d.id, d.slug, d.title, d.unit_id, u.name, d.indicators, d.period_from, d.period_to, d.public, d.version, d.title_en, " \
	"d.title_hi " \
	"FROM indicator_dashboards d JOIN units u ON u.id = d.unit_id "

int ind_dashboards_find(struct db *db, struct arena *a, const char *slug, struct ind_dashboard **out)
{
	struct stmt *st = db_query(db, DASH_COLS "WHERE d.slug = $1", "t", slug);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_dash(st, a, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

int ind_dashboards_list(struct db *db, struct arena *a, struct ind_dashboard **items, int *n)
{
	*n = 0;
	*items = NULL;
	struct stmt *st = db_query(db, DASH_COLS "ORDER BY d.slug", "");
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct ind_dashboard *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_dash(st, a, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int ind_dashboards_get(struct db *db, struct arena *a, int64_t id, struct ind_dashboard **out)
{
	struct stmt *st = db_query(db, DASH_COLS "WHERE d.id = $1", "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_dash(st, a, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

static int dash_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct ind_dashboard *d;
	int rc = ind_dashboards_get(db, a, id, &d);
	if (rc != E_OK) return rc;
	jw_obj(w);
	jw_kint(w, "id", d->id);
	jw_kstr(w, "slug", d->slug);
	jw_kstr(w, "title", d->title);
	jw_kstr(w, "title_en", d->title_en);
	jw_kstr(w, "title_hi", d->title_hi);
	jw_kint(w, "unit_id", d->unit_id);
	jw_kstr(w, "indicators", d->indicators);
	jw_kstr(w, "period_from", d->period_from);
	jw_kstr(w, "period_to", d->period_to);
	jw_kbool(w, "public", d->public_);
	jw_kint(w, "version", d->version);
	jw_obj_end(w);
	return E_OK;
}

int ind_dashboards_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct ind_dashboard_in *in,
			  struct field_errors *fe)
{
	char path[UNIT_PATH_MAX];
	check_dashboard(db, in, fe, path, sizeof path);
	if (fe->n) return E_INVALID;
	if (!role_can(who, PERM_INDICATOR_DEFINE, path)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = audit_snapshot(db, id, dash_snapshot);
	char now[21], was[UNIT_PATH_MAX] = "";
	now_iso(now);
	int64_t dup = 0;
	if (!before) {
		rc = E_NOTFOUND;
		goto out;
	}
	/* the unit it belongs to now must be the writer's too: else an officer
	** of one province could take another's public dashboard */
	struct stmt *st = db_query(db, "SELECT u.path FROM indicator_dashboards d JOIN units u ON u.id = d.unit_id WHERE d.id = $1", "i", id);
	if (st && db_step(st) == DB_ROW) snprintf(was, sizeof was, "%s", db_text(st, 0));
	db_done(st);
	if (!role_can(who, PERM_INDICATOR_DEFINE, was)) {
		rc = E_FORBIDDEN;
		goto out;
	}
	if (db_int1(db, &dup, "SELECT id FROM indicator_dashboards WHERE slug = $1 AND id <> $2", "ti", in->slug, id) == DB_ROW) {
		fe_add(fe, "slug", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_exec(db,
		    "UPDATE indicator_dashboards SET slug = $1, title = $2, unit_id = $3, indicators = $4, period_from = $5, period_to = $6, "
		    "public = $7, version = version + 1, updated_at = $8, title_en = COALESCE($11, title_en), title_hi = COALESCE($12, title_hi) "
		    "WHERE id = $9 AND version = $10",
		    "ttitttitiitt", in->slug, in->title, in->unit_id, in->indicators, in->period_from, in->period_to, (int64_t)(in->public_ != 0),
		    now, id, version, in->title_en, in->title_hi) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (db_changes(db) != 1) {
		rc = E_CONFLICT;
		goto out;
	}
	rc = audit_change(db, who, "update", "indicator_dashboard", id, before, dash_snapshot, NULL);
out:
	free(before);
	return db_tx_end(db, rc);
}
