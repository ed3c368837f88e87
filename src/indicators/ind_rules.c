/* Validation rules between indicator values, as data (indicators.h).
**
** A rule is an expression over the indicators' codes of one unit and one
** period, with prev(code) for the period before:
**
**   houses_new + houses_repaired = houses_supported
**   water_hygienic >= 0 and water_hygienic <= 100
**   houses_supported >= 0.5 * prev(houses_supported)
**
** Grammar (lowest precedence first):
**   expr    = and { "or" and }
**   and     = not { "and" not }
**   not     = "not" not | compare
**   compare = sum [ ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum ]
**   sum     = product { ("+" | "-") product }
**   product = unary { ("*" | "/") unary }
**   unary   = "-" unary | NUMBER | CODE | "prev" "(" CODE ")" | "(" expr ")"
** Equality allows a relative difference of 1e-9 (values are doubles). A rule
** that names a value not entered yet is not checked (it cannot be judged);
** a division by zero likewise. Severity: error refuses the entry with the
** rule's message, warning accepts it with the message, comment refuses it
** unless a value the rule names in this unit and period carries a comment.
**
** Why not the eligibility rule language (commendation/rules.c): that one is
** a fixed set of phrases about achievements ("title CSTDCS for 3 consecutive
** years") with three-valued conditions and no arithmetic; these rules are
** arithmetic and comparisons over numbers. They share the ideas (rules as
** data, checked before stored, errors with their column) but not a grammar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/json.h"
#include "../base/util.h"
#include "../web/roles.h"
#include "indicators.h"

#define EXPR_MAX 2000
#define EXPR_DEPTH 32

enum ek { EK_NUM, EK_VAL, EK_PREV, EK_NEG, EK_ADD, EK_SUB, EK_MUL, EK_DIV, EK_EQ, EK_NE, EK_LT, EK_LE, EK_GT, EK_GE, EK_AND, EK_OR, EK_NOT };

struct enode {
	enum ek kind;
	double num;
	const char *code;
	struct enode *l, *r;
};

/* a number of the text as written: [b, e) and its value */
struct espan {
	const char *b, *e;
	double v;
};

struct eparser {
	struct arena *a;
	const char *s, *p;
	const char *lang;                 /* the numbers' language; NULL: the stored form (strtod's: 0.5, 1000) */
	int depth;
	struct ind_expr_error *err;
	int failed;
	struct espan *spans;              /* the numbers read, in order */
	int nspans, capspans;
};

static int column_of(const char *s, const char *p)
{
	int col = 1;
	for (const char *q = s; q < p; q++)
		if (((unsigned char)*q & 0xC0) != 0x80) col++;
	return col;
}

static struct enode *efail(struct eparser *ep, const char *reason, const char *arg)
{
	if (!ep->failed) {
		ep->failed = 1;
		ep->err->column = column_of(ep->s, ep->p);
		ep->err->reason = reason;
		snprintf(ep->err->arg, sizeof ep->err->arg, "%s", arg ? arg : "");
	}
	return NULL;
}

static void skip(struct eparser *ep)
{
	while (*ep->p == ' ' || *ep->p == '\t' || *ep->p == '\n' || *ep->p == '\r') ep->p++;
}

static int is_ident(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

/* the keyword w at the cursor (a whole word): consumed, 1 */
static int word(struct eparser *ep, const char *w)
{
	skip(ep);
	size_t n = strlen(w);
	if (strncasecmp(ep->p, w, n) || is_ident(ep->p[n])) return 0;
	ep->p += n;
	return 1;
}

static int sym(struct eparser *ep, const char *w)
{
	skip(ep);
	size_t n = strlen(w);
	if (strncmp(ep->p, w, n)) return 0;
	ep->p += n;
	return 1;
}

static struct enode *mk(struct eparser *ep, enum ek k, struct enode *l, struct enode *r)
{
	if (!l || (!r && k != EK_NEG && k != EK_NOT && k != EK_NUM && k != EK_VAL && k != EK_PREV)) return NULL;
	struct enode *e = arena_alloc(ep->a, sizeof *e);
	e->kind = k;
	e->l = l;
	e->r = r;
	return e;
}

static struct enode *e_or(struct eparser *ep);

/* what is at the cursor, for a message */
static const char *found(struct eparser *ep)
{
	skip(ep);
	if (!*ep->p) return "end of rule";
	size_t n = 0;
	if (is_ident(*ep->p)) while (is_ident(ep->p[n]) && n < 40) n++;
	else /* one character: its byte and the continuation bytes that follow (never past the end, even cut short) */
		for (n = 1; n < 4 && ((unsigned char)ep->p[n] & 0xC0) == 0x80; n++) {}
	return arena_strndup(ep->a, ep->p, n);
}

static struct enode *code_node(struct eparser *ep, enum ek k)
{
	skip(ep);
	if (!((*ep->p >= 'a' && *ep->p <= 'z') || (*ep->p >= 'A' && *ep->p <= 'Z'))) return efail(ep, N_("Expected an indicator code, found %s"), found(ep));
	const char *b = ep->p;
	while (is_ident(*ep->p)) ep->p++;
	struct enode *e = arena_alloc(ep->a, sizeof *e);
	e->kind = k;
	char *c = arena_strndup(ep->a, b, (size_t)(ep->p - b));
	for (char *q = c; *q; q++)
		if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
	e->code = c;
	return e;
}

static struct enode *e_unary(struct eparser *ep)
{
	skip(ep);
	if (++ep->depth > EXPR_DEPTH) return efail(ep, N_("Too deeply nested"), NULL);
	struct enode *e = NULL;
	if (sym(ep, "-")) e = mk(ep, EK_NEG, e_unary(ep), NULL);
	else if (sym(ep, "(")) {
		e = e_or(ep);
		if (e && !sym(ep, ")")) e = efail(ep, N_("Expected “)”, found %s"), found(ep));
	} else if ((*ep->p >= '0' && *ep->p <= '9') || *ep->p == '.' || (ep->lang && *ep->p == ',' && ep->p[1] >= '0' && ep->p[1] <= '9')) {
		const char *b = ep->p, *end;
		double v;
		if (!ep->lang) {
			char *x;
			v = strtod(b, &x);
			end = x;
			if (end == b || !isfinite(v)) return efail(ep, N_("Expected a number, found %s"), found(ep));
		} else {
			/* the user's way (i18n_parse_number): the run of digits, '.' and
			** ',' is one number, read by the language's rule, never guessed */
			for (end = b; (*end >= '0' && *end <= '9') || *end == '.' || *end == ','; end++) {}
			const char *tok = arena_strndup(ep->a, b, (size_t)(end - b));
			if (i18n_parse_number(ep->lang, tok, &v) != 0 || !isfinite(v))
				return efail(ep, N_("Write numbers like 1,500,000.5, found %s"), tok);
		}
		ep->p = end;
		if (ep->nspans == ep->capspans) {
			ep->capspans = ep->capspans ? ep->capspans * 2 : 8;
			struct espan *more = arena_alloc(ep->a, sizeof *more * (size_t)ep->capspans);
			if (ep->nspans) memcpy(more, ep->spans, sizeof *more * (size_t)ep->nspans);
			ep->spans = more;
		}
		ep->spans[ep->nspans++] = (struct espan){ b, end, v };
		e = arena_alloc(ep->a, sizeof *e);
		e->kind = EK_NUM;
		e->num = v;
	} else if (word(ep, "prev")) {
		if (!sym(ep, "(")) return efail(ep, N_("Expected “(” after prev, found %s"), found(ep));
		e = code_node(ep, EK_PREV);
		if (e && !sym(ep, ")")) e = efail(ep, N_("Expected “)”, found %s"), found(ep));
	} else {
		const char *at = ep->p;
		int keyword = word(ep, "and") || word(ep, "or") || word(ep, "not");
		ep->p = at;
		if (is_ident(*ep->p) && !keyword) e = code_node(ep, EK_VAL);
		else e = efail(ep, N_("Expected a value, found %s"), found(ep));
	}
	ep->depth--;
	return e;
}

static struct enode *e_product(struct eparser *ep)
{
	struct enode *l = e_unary(ep);
	while (l) {
		if (sym(ep, "*")) l = mk(ep, EK_MUL, l, e_unary(ep));
		else if (sym(ep, "/")) l = mk(ep, EK_DIV, l, e_unary(ep));
		else break;
	}
	return l;
}

static struct enode *e_sum(struct eparser *ep)
{
	struct enode *l = e_product(ep);
	while (l) {
		if (sym(ep, "+")) l = mk(ep, EK_ADD, l, e_product(ep));
		else if (sym(ep, "-")) l = mk(ep, EK_SUB, l, e_product(ep));
		else break;
	}
	return l;
}

static struct enode *e_compare(struct eparser *ep)
{
	struct enode *l = e_sum(ep);
	if (!l) return NULL;
	enum ek k;
	if (sym(ep, "==") || sym(ep, "=")) k = EK_EQ;
	else if (sym(ep, "!=") || sym(ep, "<>")) k = EK_NE;
	else if (sym(ep, "<=")) k = EK_LE;
	else if (sym(ep, ">=")) k = EK_GE;
	else if (sym(ep, "<")) k = EK_LT;
	else if (sym(ep, ">")) k = EK_GT;
	else return l;
	return mk(ep, k, l, e_sum(ep));
}

static struct enode *e_not(struct eparser *ep)
{
	if (word(ep, "not")) {
		if (++ep->depth > EXPR_DEPTH) return efail(ep, N_("Too deeply nested"), NULL);
		struct enode *e = mk(ep, EK_NOT, e_not(ep), NULL);
		ep->depth--;
		return e;
	}
	return e_compare(ep);
}

static struct enode *e_and(struct eparser *ep)
{
	struct enode *l = e_not(ep);
	while (l && word(ep, "and")) l = mk(ep, EK_AND, l, e_not(ep));
	return l;
}

static struct enode *e_or(struct eparser *ep)
{
	struct enode *l = e_and(ep);
	while (l && word(ep, "or")) l = mk(ep, EK_OR, l, e_and(ep));
	return l;
}

/* a comparison, and/or/not: a truth, not a number */
static int is_truth(const struct enode *e) { return e->kind >= EK_EQ; }

static int check_types(struct eparser *ep, const struct enode *e)
{
	if (!e) return 0;
	switch (e->kind) {
	case EK_AND:
	case EK_OR: return is_truth(e->l) && is_truth(e->r) && check_types(ep, e->l) && check_types(ep, e->r);
	case EK_NOT: return is_truth(e->l) && check_types(ep, e->l);
	case EK_NUM:
	case EK_VAL:
	case EK_PREV: return 1;
	case EK_NEG: return !is_truth(e->l) && check_types(ep, e->l);
	default: return !is_truth(e->l) && !is_truth(e->r) && check_types(ep, e->l) && check_types(ep, e->r);
	}
}

static int expr_parse(struct arena *a, const char *lang, const char *text, struct enode **out, struct ind_expr_error *err,
		      struct eparser *done)
{
	memset(err, 0, sizeof *err);
	struct eparser ep = { .a = a, .s = text, .p = text, .lang = lang, .err = err };
	if (!text || !*text) {
		err->column = 1;
		err->reason = N_("Write the rule");
		return E_INVALID;
	}
	if (strlen(text) > EXPR_MAX) {
		err->column = 1;
		err->reason = N_("Is too long");
		return E_INVALID;
	}
	struct enode *e = e_or(&ep);
	skip(&ep);
	if (e && *ep.p) e = efail(&ep, N_("Expected an operator, “and” or “or”, found %s"), found(&ep));
	if (e && !is_truth(e)) {
		ep.p = text;
		e = efail(&ep, N_("A rule must compare values (=, <, >, …)"), NULL);
	}
	if (e && !check_types(&ep, e)) {
		ep.p = text;
		e = efail(&ep, N_("“and”, “or” and “not” join comparisons, not numbers"), NULL);
	}
	if (!e) return E_INVALID;
	*out = e;
	if (done) *done = ep;
	return E_OK;
}

/* each code named, once, into a list */
static void codes_of(const struct enode *e, struct arena *a, const char ***list, int *n, int *cap)
{
	if (!e) return;
	if (e->kind == EK_VAL || e->kind == EK_PREV) {
		for (int i = 0; i < *n; i++)
			if (!strcmp((*list)[i], e->code)) return;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 8;
			const char **more = arena_alloc(a, sizeof *more * (size_t)*cap);
			if (*n) memcpy(more, *list, sizeof *more * (size_t)*n);
			*list = more;
		}
		(*list)[(*n)++] = e->code;
	}
	codes_of(e->l, a, list, n, cap);
	codes_of(e->r, a, list, n, cap);
}

/* v as the stored form writes it: the fewest digits that read back as v (0.5, 1000) */
static const char *canonical_number(struct arena *a, double v)
{
	char s[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, v);
		if (strtod(s, NULL) == v) break;
	}
	return arena_strdup(a, s);
}

int ind_expr_check(struct db *db, struct arena *a, const char *text, struct ind_expr_error *err)
{
	return ind_expr_read(db, a, NULL, text, NULL, err);
}

int ind_expr_read(struct db *db, struct arena *a, const char *lang, const char *text, const char **canonical,
		  struct ind_expr_error *err)
{
	struct enode *e;
	struct eparser ep;
	int rc = expr_parse(a, lang, text, &e, err, &ep);
	if (rc == E_OK && canonical) {
		/* the text as typed, each number written the stored way */
		struct buf b;
		buf_init(&b);
		const char *p = text;
		for (int i = 0; i < ep.nspans; i++) {
			buf_add(&b, p, (size_t)(ep.spans[i].b - p));
			buf_raw(&b, canonical_number(a, ep.spans[i].v));
			p = ep.spans[i].e;
		}
		buf_raw(&b, p);
		*canonical = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
	}
	if (rc != E_OK || !db) return rc;
	const char **codes = NULL;
	int n = 0, cap = 0;
	codes_of(e, a, &codes, &n, &cap);
	for (int i = 0; i < n; i++) {
		struct indicator *x;
		if (indicators_find(db, a, codes[i], "en", &x) != E_OK) {
			/* the column of its first mention */
			const char *at = strstr(text, codes[i]);
			err->column = at ? column_of(text, at) : 1;
			err->reason = N_("Unknown indicator code %s");
			snprintf(err->arg, sizeof err->arg, "%s", codes[i]);
			return E_INVALID;
		}
	}
	return E_OK;
}

void ind_fmt_exact(struct buf *b, const char *lang, double v)
{
	char s[64];
	snprintf(s, sizeof s, "%.15g", v);
	if (strtod(s, NULL) != v) snprintf(s, sizeof s, "%.17g", v);
	if (strchr(s, 'e') || strchr(s, 'E')) {
		/* no exponent in a number typed the user's way: every digit written out */
		if (fabs(v) >= 1) snprintf(s, sizeof s, "%.0f", v);
		else {
			snprintf(s, sizeof s, "%.30f", v);
			for (size_t n = strlen(s); n > 1 && s[n - 1] == '0'; n--) s[n - 1] = 0;
		}
	}
	const char *w = s;
	if (*w == '-') buf_char(b, *w++);   /* -0.5 keeps its sign */
	const char *dot = strchr(w, '.');
	size_t whole = dot ? (size_t)(dot - w) : strlen(w);
	if (whole <= 18) fmt_int(b, lang, strtoll(w, NULL, 10));
	else buf_add(b, w, whole);   /* beyond 64 bits: one group, as the parser reads it too */
	if (dot && dot[1]) {
		buf_char(b, !strcmp(lang, "vi") ? ',' : '.');
		buf_raw(b, dot + 1);
	}
}

const char *ind_expr_shown(struct arena *a, const char *lang, const char *stored)
{
	if (!stored || !lang) return stored;
	struct buf b;
	buf_init(&b);
	/* the numbers where the parser reads them (not the digits of a code) */
	for (const char *p = stored; *p;) {
		if (is_ident(*p) && !(*p >= '0' && *p <= '9')) {
			const char *q = p;
			while (is_ident(*q)) q++;
			buf_add(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if ((*p >= '0' && *p <= '9') || *p == '.') {
			char *end;
			double v = strtod(p, &end);
			if (end > p && isfinite(v)) {
				ind_fmt_exact(&b, lang, v);
				p = end;
				continue;
			}
		}
		buf_char(&b, *p++);
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

const char *ind_expr_error_text(struct arena *a, const char *lang, const struct ind_expr_error *err)
{
	char reason[300];
	snprintf(reason, sizeof reason, i18n_get(lang, err->reason), err->arg);
	return arena_printf(a, i18n_get(lang, N_("Column %d: %s")), err->column, reason);
}

/* ---- evaluation ---- */

struct evalctx {
	struct db *db;
	int64_t unit_id;
	const char *period;
	char prev[IND_PERIOD_MAX];
};

static double lookup(struct evalctx *c, const char *code, int prev)
{
	double v = NAN;
	struct stmt *st = db_query(c->db,
				   "SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id "
				   "WHERE i.code = $1 AND v.unit_id = $2 AND v.period = $3",
				   "tit", code, c->unit_id, prev ? c->prev : c->period);
	if (st && db_step(st) == DB_ROW) v = db_double(st, 0);
	if (st) db_done(st);
	return v;
}

static int close_to(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b))); }

/* numbers: NAN when unknown; truths: 1, 0, or -1 unknown (in a double) */
static double eval(struct evalctx *c, const struct enode *e)
{
	double l, r;
	switch (e->kind) {
	case EK_NUM: return e->num;
	case EK_VAL: return lookup(c, e->code, 0);
	case EK_PREV: return lookup(c, e->code, 1);
	case EK_NEG: return -eval(c, e->l);
	case EK_NOT: l = eval(c, e->l); return l < 0 ? -1 : !l;
	case EK_AND:
		l = eval(c, e->l), r = eval(c, e->r);
		return l == 0 || r == 0 ? 0 : l < 0 || r < 0 ? -1 : 1;
	case EK_OR:
		l = eval(c, e->l), r = eval(c, e->r);
		return l == 1 || r == 1 ? 1 : l < 0 || r < 0 ? -1 : 0;
	default: break;
	}
	l = eval(c, e->l), r = eval(c, e->r);
	switch (e->kind) {
	case EK_ADD: return l + r;
	case EK_SUB: return l - r;
	case EK_MUL: return l * r;
	case EK_DIV: return r == 0 ? NAN : l / r;
	default: break;
	}
	if (isnan(l) || isnan(r)) return -1;
	switch (e->kind) {
	case EK_EQ: return close_to(l, r);
	case EK_NE: return !close_to(l, r);
	case EK_LT: return l < r && !close_to(l, r);
	case EK_LE: return l <= r || close_to(l, r);
	case EK_GT: return l > r && !close_to(l, r);
	case EK_GE: return l >= r || close_to(l, r);
	default: return -1;
	}
}

static int any_comment(struct evalctx *c, const char **codes, int n)
{
	for (int i = 0; i < n; i++) {
		int64_t has = 0;
		if (db_int1(c->db, &has,
			    "SELECT count(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.code = $1 "
			    "AND v.unit_id = $2 AND v.period = $3 AND v.comment IS NOT NULL AND v.comment <> ''",
			    "tit", codes[i], c->unit_id, c->period) == DB_ROW && has)
			return 1;
	}
	return 0;
}

static const char *msg_col(const char *lang)
{
	return lang && !strcmp(lang, "en") ? "message_en" : lang && !strcmp(lang, "hi") ? "message_hi" : "message_vi";
}

int ind_rules_check(struct db *db, struct arena *a, int64_t unit_id, const char *period, const char *const *codes, int ncodes,
		    const char *lang, struct ind_check *chk)
{
	struct evalctx c = { .db = db, .unit_id = unit_id, .period = period };
	if (period_prev(period, c.prev, sizeof c.prev) != 0) c.prev[0] = 0;
	/* a rule owned by a unit judges the values of its subtree only */
	const char *sql = arena_printf(a,
				       "SELECT r.code, r.expression, r.%s, r.severity FROM indicator_rules r LEFT JOIN units o ON o.id = r.owner_id "
				       "WHERE r.active = 1 AND (r.owner_id IS NULL OR "
				       "substr((SELECT u.path FROM units u WHERE u.id = $1), 1, length(o.path)) = o.path) ORDER BY r.code",
				       msg_col(lang));
	struct stmt *st = db_query(db, sql, "i", unit_id);
	if (!st) return E_DB;
	/* read the rules first: evaluation runs queries of its own */
	struct rrow { const char *code, *expr, *msg, *sev; } *rows = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct rrow *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (n) memcpy(more, rows, sizeof *more * (size_t)n);
			rows = more;
		}
		rows[n++] = (struct rrow){ arena_strdup(a, db_text(st, 0)), arena_strdup(a, db_text(st, 1)), arena_strdup(a, db_text(st, 2)),
					   arena_strdup(a, db_text(st, 3)) };
	}
	db_done(st);
	if (rc != DB_DONE) return E_DB;
	for (int i = 0; i < n; i++) {
		struct enode *e;
		struct ind_expr_error err;
		if (expr_parse(a, NULL, rows[i].expr, &e, &err, NULL) != E_OK) continue;   /* stored only when it parses */
		const char **named = NULL;
		int nn = 0, ncap = 0;
		const char *hit = NULL;
		codes_of(e, a, &named, &nn, &ncap);
		for (int j = 0; j < nn && !hit; j++)
			for (int k = 0; k < ncodes && !hit; k++)
				if (codes[k] && !strcmp(named[j], codes[k])) hit = codes[k];
		if (!hit) continue;
		double v = eval(&c, e);
		if (v != 0) continue;   /* holds, or cannot be judged yet */
		if (!strcmp(rows[i].sev, "warning") || (!strcmp(rows[i].sev, "comment") && any_comment(&c, named, nn))) {
			if (chk->nwarn < IND_WARN_MAX) {
				chk->warn_rule[chk->nwarn] = rows[i].code;
				chk->warn_indicator[chk->nwarn] = hit;
				chk->warn_message[chk->nwarn++] = rows[i].msg;
			}
			continue;
		}
		chk->rule = rows[i].code;
		chk->message = rows[i].msg;
		return E_INVALID;
	}
	return E_OK;
}

/* ---- the rules as records ---- */

static void read_rule(struct stmt *st, struct arena *a, struct ind_rule *r)
{
	r->id = db_int(st, 0);
	r->code = arena_strdup(a, db_text(st, 1));
	r->expression = arena_strdup(a, db_text(st, 2));
	r->message = arena_strdup(a, db_text(st, 3));
	r->message_vi = arena_strdup(a, db_text(st, 4));
	r->message_en = arena_strdup(a, db_text(st, 5));
	r->message_hi = arena_strdup(a, db_text(st, 6));
	r->severity = arena_strdup(a, db_text(st, 7));
	r->active = (int)db_int(st, 8);
	r->version = db_int(st, 9);
	r->owner_id = db_int(st, 10);
	r->owner_path = arena_strdup(a, db_text(st, 11) ? db_text(st, 11) : "");
}

#define RULE_COLS                                                                                               \
	"SELECT id, code, expression, %s, message_vi, message_en, message_hi, severity, active, version, owner_id, " \
	"(SELECT o.path FROM units o WHERE o.id = indicator_rules.owner_id) FROM indicator_rules "

int ind_rules_list(struct db *db, struct arena *a, const char *lang, struct ind_rule **items, int *n)
{
	*n = 0;
	*items = NULL;
	struct stmt *st = db_query(db, arena_printf(a, RULE_COLS "ORDER BY code", msg_col(lang)), "");
	if (!st) return E_DB;
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct ind_rule *more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (*n) memcpy(more, *items, sizeof *more * (size_t)*n);
			*items = more;
		}
		read_rule(st, a, &(*items)[(*n)++]);
	}
	db_done(st);
	return rc == DB_DONE ? E_OK : E_DB;
}

int ind_rules_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct ind_rule **out)
{
	struct stmt *st = db_query(db, arena_printf(a, RULE_COLS "WHERE id = $1", msg_col(lang)), "i", id);
	if (!st) return E_DB;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof **out);
		read_rule(st, a, *out);
	}
	db_done(st);
	return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_NOTFOUND : E_DB;
}

void ind_rule_json(struct jw *w, const struct ind_rule *r)
{
	jw_obj(w);
	jw_kint(w, "id", r->id);
	jw_kstr(w, "code", r->code);
	jw_kstr(w, "expression", r->expression);
	jw_kstr(w, "message", r->message);
	jw_kstr(w, "message_vi", r->message_vi);
	jw_kstr(w, "message_en", r->message_en);
	jw_kstr(w, "message_hi", r->message_hi);
	jw_kstr(w, "severity", r->severity);
	jw_kbool(w, "active", r->active);
	jw_kint(w, "version", r->version);
	jw_key(w, "owner_id");
	if (r->owner_id) jw_int(w, r->owner_id);
	else jw_null(w);
	jw_obj_end(w);
}

static int rule_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct ind_rule *r;
	int rc = ind_rules_get(db, a, id, "en", &r);
	if (rc == E_OK) ind_rule_json(w, r);
	return rc;
}

static void check_rule_in(struct db *db, const struct ind_rule_in *in, struct field_errors *fe, struct ind_expr_error *err)
{
	if (!in->code || !*in->code || strlen(in->code) > IND_CODE_MAX || !code_valid(in->code))
		fe_add(fe, "code", N_("Use letters, digits, -, _ and ."));
	const char *const msgs[3] = { in->message_vi, in->message_en, in->message_hi };
	const char *const fields[3] = { "message_vi", "message_en", "message_hi" };
	for (int i = 0; i < 3; i++)
		if (!msgs[i] || !*msgs[i]) fe_add(fe, fields[i], N_("Is required"));
		else if (strlen(msgs[i]) > 500) fe_add(fe, fields[i], N_("Is too long"));
	if (!in->severity || (strcmp(in->severity, "error") && strcmp(in->severity, "warning") && strcmp(in->severity, "comment")))
		fe_add(fe, "severity", N_("Choose error, warning or comment"));
	struct arena a;
	arena_init(&a);
	if (ind_expr_check(db, &a, in->expression, err) != E_OK) fe_add(fe, "expression", N_("The rule does not parse"));
	arena_free(&a);
}

/* E_OK when who may change or remove the rule: an officer over its owner */
static int may_change_rule(struct db *db, const struct user *who, int64_t id)
{
	struct arena a;
	arena_init(&a);
	struct ind_rule *r;
	int rc = ind_rules_get(db, &a, id, "en", &r);
	if (rc == E_OK && !indicators_may_change(who, r->owner_path)) rc = E_FORBIDDEN;
	arena_free(&a);
	return rc;
}

int ind_rules_create(struct db *db, const struct user *who, const struct ind_rule_in *in, struct field_errors *fe,
		     struct ind_expr_error *err, int64_t *id)
{
	if (!indicators_may_define(who)) return E_FORBIDDEN;
	check_rule_in(db, in, fe, err);
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char now[21];
	now_iso(now);
	int64_t dup = 0;
	if (db_int1(db, &dup, "SELECT id FROM indicator_rules WHERE code = $1", "t", in->code) == DB_ROW) {
		fe_add(fe, "code", N_("Is already used"));
		rc = E_CONFLICT;
		goto out;
	}
	if (db_int1(db, id,
		    "INSERT INTO indicator_rules (code, expression, message_vi, message_en, message_hi, severity, created_at, updated_at, "
		    "owner_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, NULLIF($8, 0)) RETURNING id",
		    "ttttttti", in->code, in->expression, in->message_vi, in->message_en, in->message_hi, in->severity, now,
		    indicators_owner_for(who)) != DB_ROW) {
		rc = E_DB;
		goto out;
	}
	rc = audit_change(db, who, "create", "indicator_rule", *id, NULL, rule_snapshot, NULL);
out:
	return db_tx_end(db, rc);
}

int ind_rules_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct ind_rule_in *in,
		     struct field_errors *fe, struct ind_expr_error *err)
{
	if (!indicators_may_define(who)) return E_FORBIDDEN;
	check_rule_in(db, in, fe, err);
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = audit_snapshot(db, id, rule_snapshot);
	char now[21];
	now_iso(now);
	if (!before) {
		rc = E_NOTFOUND;
		goto out;
	}
	if ((rc = may_change_rule(db, who, id)) != E_OK) goto out;
	if (db_exec(db,
		    "UPDATE indicator_rules SET code = $1, expression = $2, message_vi = $3, message_en = $4, message_hi = $5, "
		    "severity = $6, active = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
		    "ttttttitii", in->code, in->expression, in->message_vi, in->message_en, in->message_hi, in->severity,
		    (int64_t)(in->active != 0), now, id, version) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (db_changes(db) != 1) {
		rc = E_CONFLICT;
		goto out;
	}
	rc = audit_change(db, who, "update", "indicator_rule", id, before, rule_snapshot, NULL);
out:
	free(before);
	return db_tx_end(db, rc);
}

int ind_rules_delete(struct db *db, const struct user *who, int64_t id, int64_t version)
{
	if (!indicators_may_define(who)) return E_FORBIDDEN;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = audit_snapshot(db, id, rule_snapshot);
	if (!before) {
		rc = E_NOTFOUND;
		goto out;
	}
	if ((rc = may_change_rule(db, who, id)) != E_OK) goto out;
	if (db_exec(db, "DELETE FROM indicator_rules WHERE id = $1 AND version = $2", "ii", id, version) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (db_changes(db) != 1) {
		rc = E_CONFLICT;
		goto out;
	}
	rc = audit_change(db, who, "delete", "indicator_rule", id, before, NULL, NULL);
out:
	free(before);
	return db_tx_end(db, rc);
}
