/* The rule language: its words, the tokenizer and the parser (rules.h). */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/i18n.h"

/* ---- the scales ---- */

static const char *const ratings[] = { "", "not_completed", "completed", "good", "excellent", NULL };
static const char *const initiatives[] = { "", "grassroots", "province", "national", NULL };
static const char *const disciplines[] = { "", "reprimand", "warning", "demotion", "dismissal", NULL };

static const char *const *scale(const char *kind)
{
	if (!kind) return NULL;
	if (!strcmp(kind, "rating")) return ratings;
	if (!strcmp(kind, "initiative")) return initiatives;
	if (!strcmp(kind, "discipline")) return disciplines;
	return NULL;
}

int rules_level(const char *kind, const char *value)
{
	const char *const *s = scale(kind);
	if (!s || !value) return 0;
	for (int i = 1; s[i]; i++)
		if (!strcasecmp(s[i], value)) return i;
	return 0;
}

const char *rules_level_value(const char *kind, int level)
{
	const char *const *s = scale(kind);
	if (!s || level < 1) return NULL;
	for (int i = 1; s[i]; i++)
		if (i == level) return s[i];
	return NULL;
}

/* ---- tokens ---- */

enum tok_kind { T_END, T_WORD, T_NUMBER, T_STRING, T_PERCENT, T_COLON, T_COMMA, T_LPAREN, T_RPAREN };

struct token {
	enum tok_kind kind;
	const char *text;          /* arena copy: the word, the number as written, the string's content */
	int line, column;
};

struct parser {
	struct arena *a;
	struct token *t;
	int n, pos, depth;
	rules_award_known_fn *known;
	void *ctx;
	struct rule_error *err;
	int failed;
};

static int fail(struct parser *p, const struct token *at, const char *reason, const char *arg, int arg_msgid)
{
	if (p->failed) return -1;
	p->failed = 1;
	p->err->line = at->line;
	p->err->column = at->column;
	p->err->reason = reason;
	p->err->arg_msgid = arg_msgid;
	size_t n = arg ? strlen(arg) : 0, max = 80;
	if (n > max) {
		while (max > 0 && ((unsigned char)arg[max] & 0xC0) == 0x80) max--; /* not inside a character */
		snprintf(p->err->arg, sizeof p->err->arg, "%.*s…", (int)max, arg);
	} else {
		snprintf(p->err->arg, sizeof p->err->arg, "%s", arg ? arg : "");
	}
	return -1;
}

static int is_word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* one UTF-8 character starting at s (for an error about it) */
static const char *char_at(struct arena *a, const char *s)
{
	size_t n = 1;
	while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 4) n++;
	return arena_strndup(a, s, n);
}

/* Cuts text into tokens; columns count characters, not bytes. 0 or -1. */
static int tokenize(struct parser *p, const char *text)
{
	size_t cap = 64;
	p->t = arena_alloc(p->a, sizeof *p->t * cap);
	p->n = 0;
	int line = 1, col = 1;
	const char *s = text;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n') { line++; col = 1; s++; continue; }
		if (c == ' ' || c == '\t' || c == '\r') { col++; s++; continue; }
		if (c == '#') { while (*s && *s != '\n') s++; continue; }
		if ((size_t)p->n + 1 >= cap) {
			struct token *more = arena_alloc(p->a, sizeof *more * cap * 2);
			memcpy(more, p->t, sizeof *more * cap);
			p->t = more;
			cap *= 2;
		}
		struct token *t = &p->t[p->n];
		t->line = line;
		t->column = col;
		const char *start = s;
		if (is_digit(c)) {
			while (is_digit((unsigned char)*s)) s++;
			/* a decimal mark, '.' or ',', only between digits: "5, rating" is a number and a comma */
			if ((*s == '.' || *s == ',') && is_digit((unsigned char)s[1])) {
				s++;
				while (is_digit((unsigned char)*s)) s++;
			}
			if (is_word_byte((unsigned char)*s)) {
				while (is_word_byte((unsigned char)*s)) s++;
				t->kind = T_WORD;
			} else {
				t->kind = T_NUMBER;
			}
			t->text = arena_strndup(p->a, start, (size_t)(s - start));
		} else if (is_word_byte(c)) {
			while (is_word_byte((unsigned char)*s)) s++;
			t->kind = T_WORD;
			t->text = arena_strndup(p->a, start, (size_t)(s - start));
		} else if (c == '"' || !strncmp(s, "“", strlen("“"))) {
			/* "text" or “text”: a manual condition's words, on one line */
			int curly = c != '"';
			s += curly ? strlen("“") : 1;
			const char *body = s;
			const char *close = curly ? "”" : "\"";
			while (*s && *s != '\n' && strncmp(s, close, strlen(close))) s++;
			if (strncmp(s, close, strlen(close)) != 0) {
				struct token at = { T_END, NULL, line, col };
				return fail(p, &at, N_("The quotation mark is not closed on its line"), NULL, 0);
			}
			t->kind = T_STRING;
			t->text = arena_strndup(p->a, body, (size_t)(s - body));
			s += strlen(close);
		} else if (c == '%') {
			t->kind = T_PERCENT;
			s++;
		} else if (c == ':') {
			t->kind = T_COLON;
			s++;
		} else if (c == ',') {
			t->kind = T_COMMA;
			s++;
		} else if (c == '(') {
			t->kind = T_LPAREN;
			s++;
		} else if (c == ')') {
			t->kind = T_RPAREN;
			s++;
		} else {
			struct token at = { T_END, NULL, line, col };
			return fail(p, &at, N_("Unexpected character “%s”"), char_at(p->a, s), 0);
		}
		for (const char *q = start; q < s; q++)
			if (((unsigned char)*q & 0xC0) != 0x80) col++;
		if (!t->text) t->text = arena_strndup(p->a, start, (size_t)(s - start));
		p->n++;
	}
	p->t[p->n] = (struct token){ T_END, "", line, col };
	return 0;
}

/* ---- the parser ---- */

static const struct token *cur(struct parser *p) { return &p->t[p->pos]; }
static const struct token *ahead(struct parser *p, int k) { return &p->t[p->pos + k <= p->n ? p->pos + k : p->n]; }

static int is_word(const struct token *t, const char *w) { return t->kind == T_WORD && !strcasecmp(t->text, w); }

/* an error about token t, whose reason ends "found %s": the token in
** quotation marks, or "the end of the rule" at the end */
static int fail_at(struct parser *p, const struct token *t, const char *reason)
{
	if (t->kind == T_END) return fail(p, t, reason, N_("the end of the rule"), 1);
	size_t n = strlen(t->text), max = 60;
	if (n <= max) return fail(p, t, reason, arena_printf(p->a, "“%s”", t->text), 0);
	while (max > 0 && ((unsigned char)t->text[max] & 0xC0) == 0x80) max--; /* not inside a character */
	return fail(p, t, reason, arena_printf(p->a, "“%.*s…”", (int)max, t->text), 0);
}

static int fail_found(struct parser *p, const char *reason) { return fail_at(p, cur(p), reason); }

static int accept(struct parser *p, const char *w)
{
	if (!is_word(cur(p), w)) return 0;
	p->pos++;
	return 1;
}

/* accepts one of two spellings (singular, plural) */
static int accept2(struct parser *p, const char *a, const char *b) { return accept(p, a) || accept(p, b); }

static int expect(struct parser *p, const char *w)
{
	if (accept(p, w)) return 0;
	const struct token *t = cur(p);
	return fail(p, t, N_("Expected “%s” here"), w, 0);
}

static int expect2(struct parser *p, const char *a, const char *b)
{
	if (accept2(p, a, b)) return 0;
	return fail(p, cur(p), N_("Expected “%s” here"), a, 0);
}

/* a whole number in [lo, hi] */
static int number(struct parser *p, int lo, int hi, const char *what, int *out)
{
	const struct token *t = cur(p);
	if (t->kind != T_NUMBER || strchr(t->text, '.') || strchr(t->text, ',')) return fail_found(p, what);
	long v = strlen(t->text) > 6 ? 1000000 : strtol(t->text, NULL, 10);
	if (v < lo || v > hi) return fail_at(p, t, what);
	*out = (int)v;
	p->pos++;
	return 0;
}

static int years_count(struct parser *p, int *out) { return number(p, 1, 50, N_("Expected a number of years from 1 to 50, found %s"), out); }
static int times_count(struct parser *p, int *out) { return number(p, 1, 50, N_("Expected a number of times from 1 to 50, found %s"), out); }

/* a percentage: a number from 0 to 100 with at most two decimals, then '%' */
static int percent(struct parser *p, int *pct100)
{
	const struct token *t = cur(p);
	if (t->kind != T_NUMBER) return fail_found(p, N_("Expected a percentage, found %s"));
	const char *s = t->text;
	long whole = 0, frac = 0;
	int digits = 0;
	while (is_digit((unsigned char)*s) && whole <= 1000) whole = whole * 10 + (*s++ - '0');
	while (is_digit((unsigned char)*s)) s++, whole = 100000;
	if (*s == '.' || *s == ',') {
		s++;
		for (; is_digit((unsigned char)*s); s++, digits++)
			if (digits < 2) frac = frac * 10 + (*s - '0');
		if (digits > 2) return fail(p, t, N_("A percentage has at most two decimals: “%s”"), t->text, 0);
		if (digits == 1) frac *= 10;
	}
	long v = whole * 100 + frac;
	if (v > 10000) return fail(p, t, N_("A percentage is at most 100: “%s”"), t->text, 0);
	p->pos++;
	if (cur(p)->kind != T_PERCENT) return fail_found(p, N_("Expected “%%” after the number, found %s"));
	p->pos++;
	*pct100 = (int)v;
	return 0;
}

/* an award code of the catalogue, upper-cased */
static int award_code(struct parser *p, const char **out)
{
	const struct token *t = cur(p);
	if (t->kind != T_WORD) return fail_found(p, N_("Expected an award code, found %s"));
	char *code = arena_strdup(p->a, t->text);
	for (char *c = code; *c; c++)
		if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
	if (p->known && !p->known(p->ctx, code)) return fail(p, t, N_("Unknown award code “%s”"), t->text, 0);
	*out = code;
	p->pos++;
	return 0;
}

static int level(struct parser *p, const char *kind, int *out)
{
	const struct token *t = cur(p);
	int v = t->kind == T_WORD ? rules_level(kind, t->text) : 0;
	if (!v && t->kind != T_WORD) {
		const char *why = !strcmp(kind, "rating") ? N_("Expected a rating (excellent, good, completed or not_completed), found %s")
				  : !strcmp(kind, "initiative") ? N_("Expected an initiative level (grassroots, province or national), found %s")
								 : N_("Expected a discipline level (reprimand, warning, demotion or dismissal), found %s");
		return fail_found(p, why);
	}
	if (!v) {
		const char *why = !strcmp(kind, "rating") ? N_("Unknown rating “%s”: use excellent, good, completed or not_completed")
				  : !strcmp(kind, "initiative") ? N_("Unknown initiative level “%s”: use grassroots, province or national")
								 : N_("Unknown discipline level “%s”: use reprimand, warning, demotion or dismissal");
		return fail(p, t, why, t->text, 0);
	}
	*out = v;
	p->pos++;
	return 0;
}

/* "this year" (0) or "last year" (1); *back untouched when neither is there */
static int year_word(struct parser *p, int *back)
{
	if (is_word(cur(p), "this") && is_word(ahead(p, 1), "year")) { p->pos += 2; *back = 0; return 1; }
	if (is_word(cur(p), "last") && is_word(ahead(p, 1), "year")) { p->pos += 2; *back = 1; return 1; }
	return 0;
}

/* when := [this year | last year | for N consecutive years [ending this|last year]
**          | at least N times in the last W years | in the last W years | ever | since YEAR] */
static int when(struct parser *p, struct rule_when *w, int negative)
{
	memset(w, 0, sizeof *w);
	w->kind = RW_YEAR;
	if (year_word(p, &w->back)) return 0;
	if (accept(p, "for")) {
		w->kind = RW_CONSECUTIVE;
		if (years_count(p, &w->n) || expect(p, "consecutive") || expect2(p, "years", "year")) return -1;
		if (accept(p, "ending") && !year_word(p, &w->back))
			return fail_found(p, N_("Expected “this year” or “last year” after “ending”, found %s"));
		return 0;
	}
	if (is_word(cur(p), "at") && is_word(ahead(p, 1), "least") && ahead(p, 2)->kind == T_NUMBER && ahead(p, 3)->kind == T_WORD &&
	    (is_word(ahead(p, 3), "times") || is_word(ahead(p, 3), "time"))) {
		if (negative) return fail(p, cur(p), N_("“no discipline” takes a period of years, not a number of times"), NULL, 0);
		p->pos += 2;
		w->kind = RW_TIMES;
		if (times_count(p, &w->n) || expect2(p, "times", "time") || expect(p, "in") || expect(p, "the") || expect(p, "last") ||
		    years_count(p, &w->w) || expect2(p, "years", "year"))
			return -1;
		if (w->n > w->w) return fail(p, cur(p), N_("More times than years in the period"), NULL, 0);
		return 0;
	}
	if (accept(p, "in")) {
		w->kind = RW_TIMES;
		w->n = 1;
		if (expect(p, "the") || expect(p, "last") || years_count(p, &w->w) || expect2(p, "years", "year")) return -1;
		return 0;
	}
	if (accept(p, "ever")) {
		w->kind = RW_SINCE;
		w->since = RULES_EVER;
		return 0;
	}
	if (accept(p, "since")) {
		w->kind = RW_SINCE;
		return number(p, RULES_EVER, 2200, N_("Expected a year, found %s"), &w->since);
	}
	return 0; /* this year */
}

/* test := title CODE | rating at least R | discipline at least D */
static int member_test(struct parser *p, struct rule_cond *c)
{
	if (accept(p, "title")) { c->test = RT_TITLE; return award_code(p, &c->test_code); }
	if (accept(p, "rating")) {
		c->test = RT_RATING;
		if (expect(p, "at") || expect(p, "least")) return -1;
		return level(p, "rating", &c->test_level);
	}
	if (accept(p, "discipline")) {
		c->test = RT_DISCIPLINE;
		if (expect(p, "at") || expect(p, "least")) return -1;
		return level(p, "discipline", &c->test_level);
	}
	return fail_found(p, N_("Expected “title”, “rating” or “discipline” after “have”, found %s"));
}

/* the rest of a member condition, from "of members have" / "members have" */
static int members_rest(struct parser *p, struct rule_cond *c, int with_of)
{
	c->kind = RC_MEMBERS;
	if (with_of && expect(p, "of")) return -1;
	if (expect2(p, "members", "member") || expect2(p, "have", "has")) return -1;
	if (member_test(p, c)) return -1;
	year_word(p, &c->back);
	return 0;
}

/* after title CODE: at least N years {, rating at least R every year | , title CODE at least N times} */
static int after_cond(struct parser *p, struct rule_cond *c)
{
	c->kind = RC_AFTER;
	if (expect(p, "title") || award_code(p, &c->code)) return -1;
	if (cur(p)->kind == T_COLON) p->pos++;
	if (expect(p, "at") || expect(p, "least") || years_count(p, &c->years) || expect2(p, "years", "year")) return -1;
	while (cur(p)->kind == T_COMMA) {
		p->pos++;
		if (accept(p, "rating")) {
			if (c->level) return fail(p, &p->t[p->pos - 1], N_("The rating is given twice"), NULL, 0);
			if (expect(p, "at") || expect(p, "least") || level(p, "rating", &c->level) || expect(p, "every") || expect(p, "year"))
				return -1;
		} else if (accept(p, "title")) {
			if (c->base_code) return fail(p, &p->t[p->pos - 1], N_("The title within those years is given twice"), NULL, 0);
			if (award_code(p, &c->base_code) || expect(p, "at") || expect(p, "least") || times_count(p, &c->times) ||
			    expect2(p, "times", "time"))
				return -1;
		} else {
			return fail_found(p, N_("Expected “rating” or “title” after the comma, found %s"));
		}
	}
	return 0;
}

static int condition(struct parser *p, struct rule_cond *c)
{
	const struct token *t = cur(p);
	c->line = t->line;
	c->column = t->column;
	if (accept(p, "title")) {
		c->kind = RC_TITLE;
		return award_code(p, &c->code) || when(p, &c->when, 0);
	}
	if (accept(p, "rating")) {
		c->kind = RC_RATING;
		if (expect(p, "at") || expect(p, "least") || level(p, "rating", &c->level)) return -1;
		return when(p, &c->when, 0);
	}
	if (accept(p, "initiative")) {
		c->kind = RC_INITIATIVE;
		if (expect(p, "at") || expect(p, "least") || level(p, "initiative", &c->level)) return -1;
		return when(p, &c->when, 0);
	}
	if (accept(p, "no")) {
		if (accept(p, "discipline")) {
			c->kind = RC_NO_DISCIPLINE;
			if (expect(p, "at") || expect(p, "least") || level(p, "discipline", &c->level)) return -1;
			return when(p, &c->when, 1);
		}
		if (is_word(cur(p), "member") || is_word(cur(p), "members")) {
			c->share = RS_NONE;
			return members_rest(p, c, 0);
		}
		return fail_found(p, N_("Expected “discipline” or “member” after “no”, found %s"));
	}
	if (accept(p, "all")) {
		c->share = RS_ALL;
		return members_rest(p, c, 0);
	}
	if (is_word(t, "at") || is_word(t, "more")) {
		int more = accept(p, "more");
		if (more ? expect(p, "than") : (accept(p, "at"), expect(p, "least"))) return -1;
		if (!more && ahead(p, 1)->kind != T_PERCENT) {
			c->share = RS_COUNT;
			if (number(p, 1, 1000000, N_("Expected a number of members, found %s"), &c->count)) return -1;
			return members_rest(p, c, 0);
		}
		c->share = more ? RS_MORE_THAN_PCT : RS_AT_LEAST_PCT;
		if (percent(p, &c->pct100)) return -1;
		return members_rest(p, c, 1);
	}
	if (accept(p, "quota")) {
		c->kind = RC_QUOTA;
		if (expect(p, "title") || award_code(p, &c->code) || expect(p, "at") || expect(p, "most") || percent(p, &c->pct100) ||
		    expect(p, "of") || expect(p, "title") || award_code(p, &c->base_code))
			return -1;
		year_word(p, &c->back);
		return 0;
	}
	if (accept(p, "after")) return after_cond(p, c);
	if (accept(p, "manual")) {
		c->kind = RC_MANUAL;
		const struct token *s = cur(p);
		if (s->kind != T_STRING) return fail_found(p, N_("Expected the words of the condition in quotation marks, found %s"));
		const char *b = s->text;
		while (*b == ' ') b++;
		if (!*b) return fail(p, s, N_("The words of a manual condition are empty"), NULL, 0);
		c->text = s->text;
		p->pos++;
		return 0;
	}
	if (is_word(t, "person") || is_word(t, "collective")) {
		c->kind = RC_SUBJECT;
		c->subject = is_word(t, "person") ? 'p' : 'c';
		p->pos++;
		return 0;
	}
	return fail_found(p, N_("Expected a condition (title, rating, initiative, no, at least, more than, all, quota, after, manual, person or "
				"collective), found %s"));
}

static struct rule_node *node(struct parser *p, enum rule_node_kind kind, struct rule_node *l, struct rule_node *r)
{
	struct rule_node *n = arena_alloc(p->a, sizeof *n);
	n->kind = kind;
	n->left = l;
	n->right = r;
	return n;
}

static struct rule_node *expr(struct parser *p);

/* factor := "(" expr ")" | condition */
static struct rule_node *factor(struct parser *p)
{
	const struct token *t = cur(p);
	if (t->kind == T_LPAREN) {
		if (++p->depth > RULES_DEPTH_MAX) { fail(p, t, N_("Parentheses are nested too deeply"), NULL, 0); return NULL; }
		p->pos++;
		struct rule_node *e = expr(p);
		if (!e) return NULL;
		if (cur(p)->kind != T_RPAREN) { fail_found(p, N_("Expected “)” to close the parenthesis, found %s")); return NULL; }
		p->pos++;
		p->depth--;
		return e;
	}
	struct rule_cond *c = arena_alloc(p->a, sizeof *c);
	if (condition(p, c) != 0) return NULL;
	struct rule_node *n = node(p, RN_COND, NULL, NULL);
	n->cond = c;
	return n;
}

/* term := factor { "and" factor } */
static struct rule_node *term(struct parser *p)
{
	struct rule_node *l = factor(p);
	while (l && accept(p, "and")) {
		struct rule_node *r = factor(p);
		if (!r) return NULL;
		l = node(p, RN_AND, l, r);
	}
	return l;
}

/* expr := term { "or" term } */
static struct rule_node *expr(struct parser *p)
{
	struct rule_node *l = term(p);
	while (l && accept(p, "or")) {
		struct rule_node *r = term(p);
		if (!r) return NULL;
		l = node(p, RN_OR, l, r);
	}
	return l;
}

int rules_parse(struct arena *a, const char *text, rules_award_known_fn *known, void *ctx, struct rule_node **out,
		struct rule_error *err)
{
	struct parser p = { .a = a, .known = known, .ctx = ctx, .err = err };
	memset(err, 0, sizeof *err);
	*out = NULL;
	if (!text) text = "";
	if (strlen(text) > RULES_TEXT_MAX) {
		struct token at = { T_END, NULL, 1, 1 };
		fail(&p, &at, N_("The rule is too long"), NULL, 0);
		return E_INVALID;
	}
	if (tokenize(&p, text) != 0) return E_INVALID;
	if (p.n == 0) {
		fail(&p, &p.t[0], N_("The rule is empty: write at least one condition"), NULL, 0);
		return E_INVALID;
	}
	struct rule_node *root = expr(&p);
	if (root && cur(&p)->kind == T_RPAREN) { fail(&p, cur(&p), N_("“)” without its “(”"), NULL, 0); root = NULL; }
	if (root && cur(&p)->kind != T_END) { fail_found(&p, N_("Expected “and” or “or” between two conditions, found %s")); root = NULL; }
	if (!root) return E_INVALID;
	*out = root;
	return E_OK;
}

/* ---- against the awards table ---- */

static int award_in_table(void *ctx, const char *code)
{
	int64_t n = 0;
	return db_int1(ctx, &n, "SELECT count(*) FROM awards WHERE code = $1 AND active = 1", "t", code) == DB_ROW && n > 0;
}

int rules_check(struct db *db, struct arena *a, const char *text, struct rule_node **out, struct rule_error *err)
{
	return rules_parse(a, text, award_in_table, db, out, err);
}

const char *rules_error_reason(struct arena *a, const char *lang, const struct rule_error *err)
{
	if (!err->reason) return "";
	const char *arg = err->arg_msgid ? i18n_get(lang, err->arg) : err->arg;
	return arena_printf(a, i18n_get(lang, err->reason), arg);
}

const char *rules_error_text(struct arena *a, const char *lang, const struct rule_error *err)
{
	return arena_printf(a, i18n_get(lang, N_("Line %d, column %d: %s")), err->line, err->column, rules_error_reason(a, lang, err));
}
