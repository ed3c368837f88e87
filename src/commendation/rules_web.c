/* Eligibility rules over HTTP: the API (/api/v1/rule-sets,
** /api/v1/eligibility) and the pages (/rules, /rules/{id}, /eligibility). */
#include <stdlib.h>
#include <string.h>

#include "../base/fold.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "../web/web.h"
#include "commendation_web.h"
#include "tmpl_commendation_rules.h"

/* ---- reading a rule set ---- */

enum { RF_AWARD, RF_BASIS, RF_SOURCE, RF_FROM, RF_TO, RF_ACTIVE, RF_N };
static const struct field_spec rs_fields[RF_N + 1] = {
	[RF_AWARD] = { "award", F_TEXT, 0, 40, 0, 0, NULL },
	[RF_BASIS] = { "legal_basis", F_LINES, 0, RULE_SET_TEXT_MAX, 0, 0, NULL },
	[RF_SOURCE] = { "source", F_LINES, 0, RULE_SET_TEXT_MAX, 0, 0, NULL },
	[RF_FROM] = { "effective_from", F_DATE, 0, 20, 0, 0, NULL },
	[RF_TO] = { "effective_to", F_DATE, 0, 20, 0, 0, NULL },
	[RF_ACTIVE] = { "active", F_BOOL, 0, 0, 0, 1, NULL },
};

/* The rule's text exactly as typed (not trimmed, so that line and column
** stay those the officer sees), with CRLF made LF: NULL when absent, ""
** when sent empty or null. */
static const char *read_rules_text(struct req *r, struct field_errors *fe)
{
	const char *raw;
	if (r->json) {
		json_t *v = json_object_get(r->json, "rules");
		if (!v) return NULL;
		if (json_is_null(v)) return "";
		if (!json_is_string(v)) { fe_add(fe, "rules", N_("Must be text")); return NULL; }
		raw = json_string_value(v);
	} else {
		raw = req_form(r, "rules");
		if (!raw) return NULL;
	}
	size_t n = strlen(raw);
	if (n > RULES_TEXT_MAX) { fe_add(fe, "rules", N_("Is too long")); return NULL; }
	char *t = arena_alloc(&r->a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (raw[i] == '\r') { t[o++] = '\n'; if (raw[i + 1] == '\n') i++; }
		else t[o++] = raw[i];
	}
	t[o] = 0;
	if (!utf8_valid(t, o)) { fe_add(fe, "rules", N_("Must be valid UTF-8 text")); return NULL; }
	if (text_clean(t, &o, 1) != 0) { fe_add(fe, "rules", N_("Must not contain control characters")); return NULL; }
	return t;
}

/* A rule set from the JSON body or the form; in an update (creating 0)
** absent fields stay NULL and an empty one clears what may be cleared.
** Errors go to fe; the domain function adds its own to them. */
static void read_rule_set(struct req *r, struct rule_set_in *in, struct field_errors *fe, int creating)
{
	struct input v;
	input_read(r, rs_fields, &v, fe, !creating);
	memset(in, 0, sizeof *in);
	in->active = v.present[RF_ACTIVE] ? (int)v.i[RF_ACTIVE] : -1;
	in->award_code = v.s[RF_AWARD];
	if (!creating && v.present[RF_AWARD]) fe_add(fe, "award", N_("A rule set keeps its award; create one for the other award"));
	in->legal_basis = v.present[RF_BASIS] && !v.s[RF_BASIS] && !fe_get(fe, "legal_basis") ? "" : v.s[RF_BASIS];
	in->source = v.s[RF_SOURCE];
	in->clear_source = v.present[RF_SOURCE] && !v.s[RF_SOURCE];
	in->effective_from = v.present[RF_FROM] && !v.s[RF_FROM] && !fe_get(fe, "effective_from") ? "" : v.s[RF_FROM];
	in->effective_to = v.s[RF_TO];
	in->clear_effective_to = v.present[RF_TO] && !v.s[RF_TO];
	in->rules = read_rules_text(r, fe);
}

/* the problem of a rule that does not parse, in the request's language */
static struct rule_problem *problem(struct req *r, const char *text, const struct rule_error *err)
{
	if (!err || err->line <= 0) return NULL;
	struct rule_problem *p = arena_alloc(&r->a, sizeof *p);
	p->message = rules_error_text(&r->a, r->lang, err);
	p->column = err->column;
	const char *s = text ? text : "";
	for (int l = 1; l < err->line && *s; s++)
		if (*s == '\n') l++;
	char *line = arena_strndup(&r->a, s, strcspn(s, "\n"));
	for (char *c = line; *c; c++)
		if (*c == '\t') *c = ' '; /* one column, as the tokenizer counts it */
	p->line_text = line;
	return p;
}

/* 422 for a rule set, with the position of a rule that does not parse:
** {"error":{"code":"validation","message","fields":{...},"rule_error":{"line","column","reason"}}} */
static void reply_rule_set_invalid(struct req *r, const struct field_errors *fe, const char *text, const struct rule_error *err)
{
	struct rule_problem *p = problem(r, text, err);
	buf_reset(&r->out);
	reply_json(r, 422);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "error");
	jw_obj(&w);
	jw_kstr(&w, "code", "validation");
	jw_kstr(&w, "message", _("Some fields are not valid"));
	jw_key(&w, "fields");
	jw_obj(&w);
	for (int i = 0; i < fe->n; i++) jw_kstr(&w, fe->field[i], p && !strcmp(fe->field[i], "rules") ? p->message : _(fe->msg[i]));
	jw_obj_end(&w);
	if (p) {
		jw_key(&w, "rule_error");
		jw_obj(&w);
		jw_kint(&w, "line", err->line);
		jw_kint(&w, "column", err->column);
		jw_kstr(&w, "reason", rules_error_reason(&r->a, r->lang, err));
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
}

/* ---- the API of rule sets ---- */

static void reply_rule_set(struct req *r, int64_t id, int status)
{
	struct rule_set *rs;
	int rc = rule_sets_get(r->db, &r->a, id, r->lang, &rs);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, status);
	struct jw w;
	jw_init(&w, &r->out);
	rule_set_json(&w, rs);
}

void api_rule_sets_list(struct req *r)
{
	const char *code = req_query(r, "award");
	int64_t award_id = 0;
	if (code && *code) {
		struct award *aw;
		int rc = awards_get_code(r->db, &r->a, code, r->lang, &aw);
		if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
		award_id = aw->id;
	}
	struct rule_set *items;
	int n;
	int rc = rule_sets_list(r->db, &r->a, award_id, r->lang, &items, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < n; i++) rule_set_json(&w, &items[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

void api_rule_set_get(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (id) reply_rule_set(r, id, 200);
}

void api_rule_set_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct rule_set_in in;
	struct rule_error err = { 0 };
	int64_t id = 0;
	read_rule_set(r, &in, &fe, 1);
	/* the domain adds its own errors to those of reading: every one is answered at once */
	int rc = rule_sets_create(r->db, r->user, &in, &fe, &err, &id);
	if (rc == E_INVALID) { reply_rule_set_invalid(r, &fe, in.rules, &err); return; }
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/rule-sets/%lld", (long long)id));
	reply_rule_set(r, id, 201);
}

void api_rule_set_update(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct rule_set_in in;
	struct rule_error err = { 0 };
	int64_t version = require_version(r, &fe);
	read_rule_set(r, &in, &fe, 0);
	int rc = version < 0 ? E_INVALID : rule_sets_update(r->db, r->user, id, version, &in, &fe, &err);
	if (rc == E_INVALID) { reply_rule_set_invalid(r, &fe, in.rules, &err); return; }
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_rule_set(r, id, 200);
}

/* ---- the eligibility check ---- */

struct elig_query {
	const char *award;
	int64_t person_id, unit_id;        /* one of them */
	int year;
	const char *date;                  /* NULL: 31 December of the year */
};

/* Runs the check for the request's user: E_OK and *ans; else the error
** (E_NOTFOUND, E_FORBIDDEN, E_INVALID, E_STATE, E_DB) and *why */
static int elig_run(struct req *r, const struct elig_query *q, struct elig_answer *ans, const char **why)
{
	memset(ans, 0, sizeof *ans);
	*why = N_("No such record");
	struct award *aw;
	int rc = awards_get_code(r->db, &r->a, q->award, r->lang, &aw);
	if (rc != E_OK) return rc;
	struct elig_subject s = { .person_id = q->person_id, .unit_id = q->unit_id };
	struct stmt *st = q->person_id > 0
		? db_query(r->db, "SELECT p.unit_id, u.path, p.full_name FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1", "i", q->person_id)
		: db_query(r->db, "SELECT u.id, u.path, u.name FROM units u WHERE u.id = $1", "i", q->unit_id);
	if (!st) return E_DB;
	char path[UNIT_PATH_MAX] = "";
	if (db_step(st) == DB_ROW) {
		s.unit_id = db_int(st, 0);
		snprintf(path, sizeof path, "%s", db_text(st, 1));
		ans->subject = arena_strdup(&r->a, db_text(st, 2));
	}
	db_done(st);
	if (!path[0]) return E_NOTFOUND;
	if (!role_can(r->user, PERM_READ, path)) { *why = N_("This is outside the units you may work on"); return E_FORBIDDEN; }
	struct rule_set *rs;
	struct elig_result *res = arena_alloc(&r->a, sizeof *res);
	rc = eligibility_check(r->db, &r->a, r->lang, aw, &s, q->year, q->date, &rs, res, why);
	if (rc != E_OK) return rc;
	ans->award = aw;
	ans->rs = rs;
	ans->res = res;
	ans->year = q->year;
	ans->date = q->date ? q->date : arena_printf(&r->a, "%04d-12-31", q->year);
	return E_OK;
}

static int elig_status(int rc) { return rc == E_INVALID ? 400 : rc == E_NOTFOUND ? 404 : rc == E_FORBIDDEN ? 403 : rc == E_STATE ? 409 : 500; }
static const char *elig_code(int rc)
{
	return rc == E_INVALID ? "bad_request" : rc == E_NOTFOUND ? "not_found" : rc == E_FORBIDDEN ? "forbidden" : rc == E_STATE ? "state" : "internal";
}

/* 400 naming the query parameter at fault */
static void bad_param(struct req *r, const char *name, const char *msg)
{
	struct field_errors fe = { 0 };
	fe_add(&fe, name, msg);
	if (r->api) reply_invalid(r, &fe);
	else reply_error(r, 400, "bad_request", N_("A parameter of the address is not valid"));
	r->status = 400;
}

/* a year from 1945 to 2200, or 0 */
static int parse_year(const char *s)
{
	int64_t y;
	return s && parse_int(s, &y) == 0 && y >= RULES_EVER && y <= 2200 ? (int)y : 0;
}

static void elig_json(struct req *r, const struct elig_answer *a)
{
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "verdict", elig_verdict_name(a->res->verdict));
	jw_key(&w, "rule_set");
	rule_set_brief_json(&w, a->rs);
	jw_key(&w, "conditions");
	elig_conditions_json(&w, a->res);
	jw_obj_end(&w);
}

/* GET /api/v1/eligibility?award=CODE&person=CODE|unit=CODE&year=YYYY[&date=YYYY-MM-DD] */
void api_eligibility(struct req *r)
{
	struct elig_query q = { .award = req_query(r, "award"), .date = req_query(r, "date") };
	const char *person = req_query(r, "person"), *unit = req_query(r, "unit"), *year = req_query(r, "year");
	if (!q.award || !*q.award) { bad_param(r, "award", N_("Is required")); return; }
	if ((!person || !*person) == (!unit || !*unit)) { bad_param(r, person && *person ? "unit" : "person", N_("Give either a person or a unit")); return; }
	if (!year || !*year) { bad_param(r, "year", N_("Is required")); return; }
	if (!(q.year = parse_year(year))) { bad_param(r, "year", N_("Must be a year from 1945 to 2200")); return; }
	if (q.date && !*q.date) q.date = NULL;
	if (q.date && !date_valid(q.date)) { bad_param(r, "date", N_("Is not a date (YYYY-MM-DD)")); return; }
	int64_t id = 0;
	if (person && *person && db_int1(r->db, &id, "SELECT id FROM people WHERE code = $1", "t", person) != DB_ROW) { reply_fail(r, E_NOTFOUND, NULL); return; }
	if (person && *person) q.person_id = id;
	if (unit && *unit && units_find_code(r->db, unit, &q.unit_id) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct elig_answer a;
	const char *why;
	int rc = elig_run(r, &q, &a, &why);
	if (rc == E_DB) { reply_fail(r, rc, NULL); return; }
	if (rc != E_OK) { reply_error(r, elig_status(rc), elig_code(rc), why); return; }
	elig_json(r, &a);
}

/* ---- the scan: everyone of a unit ---- */

struct scan_ask {
	const char *award;
	int64_t unit_id;
	int year;
	const char *date;                  /* NULL: 31 December of the year */
	const char *verdict;               /* NULL: eligible and manual */
	int64_t limit, offset;
};

static unsigned verdict_bits(const char *v)
{
	if (!v) return ELIG_LISTED_DEFAULT;
	return !strcmp(v, "eligible") ? 1u << ELIG_ELIGIBLE : !strcmp(v, "manual") ? 1u << ELIG_MANUAL : 1u << ELIG_INELIGIBLE;
}

/* Runs the scan for the request's user (PERM_READ on the unit): E_OK and
** *ans; else the error (E_NOTFOUND, E_FORBIDDEN, E_INVALID, E_STATE, E_DB)
** and *why */
static int scan_run(struct req *r, const struct scan_ask *q, struct elig_scan_answer *ans, const char **why)
{
	memset(ans, 0, sizeof *ans);
	*why = N_("No such record");
	struct award *aw;
	int rc = awards_get_code(r->db, &r->a, q->award, r->lang, &aw);
	if (rc != E_OK) return rc;
	struct unit *u;
	rc = units_get(r->db, &r->a, q->unit_id, &u);
	if (rc != E_OK) return rc;
	if (!role_can(r->user, PERM_READ, u->path)) { *why = N_("This is outside the units you may work on"); return E_FORBIDDEN; }
	struct elig_scan_query sq = { .unit_id = u->id, .year = q->year, .date = q->date, .verdicts = verdict_bits(q->verdict),
				      .offset = q->offset, .limit = q->limit };
	struct elig_scan *sc = arena_alloc(&r->a, sizeof *sc);
	struct rule_set *rs;
	rc = eligibility_scan(r->db, &r->a, r->lang, aw, &sq, &rs, sc, why);
	if (rc != E_OK) return rc;
	*ans = (struct elig_scan_answer){ .award = aw, .rs = rs, .scan = sc, .unit_id = u->id, .unit_code = u->code, .unit_name = u->name,
					  .year = q->year, .date = q->date ? q->date : arena_printf(&r->a, "%04d-12-31", q->year),
					  .verdict = q->verdict, .limit = q->limit, .offset = q->offset };
	return E_OK;
}

static void scan_json(struct req *r, const struct elig_scan_answer *a)
{
	const struct elig_scan *sc = a->scan;
	reply_json(r, 200);
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "award", a->award->code);
	jw_kint(&w, "year", a->year);
	jw_key(&w, "unit");
	jw_obj(&w);
	jw_kint(&w, "id", a->unit_id);
	jw_kstr(&w, "code", a->unit_code);
	jw_kstr(&w, "name", a->unit_name);
	jw_obj_end(&w);
	jw_key(&w, "rule_set");
	rule_set_brief_json(&w, a->rs);
	jw_key(&w, "counts");
	jw_obj(&w);
	jw_kint(&w, "eligible", sc->counts[ELIG_ELIGIBLE]);
	jw_kint(&w, "ineligible", sc->counts[ELIG_INELIGIBLE]);
	jw_kint(&w, "manual", sc->counts[ELIG_MANUAL]);
	jw_kint(&w, "people", sc->people);
	jw_obj_end(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < sc->nitems; i++) {
		const struct elig_person *x = &sc->items[i];
		jw_obj(&w);
		jw_kstr(&w, "person_code", x->code);
		jw_kstr(&w, "full_name", x->full_name);
		jw_kstr(&w, "unit_code", x->unit_code);
		jw_kstr(&w, "unit_name", x->unit_name);
		jw_kstr(&w, "verdict", elig_verdict_name(x->res.verdict));
		jw_key(&w, "conditions");
		elig_conditions_json(&w, &x->res);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kint(&w, "total", sc->total);
	jw_kint(&w, "limit", a->limit);
	jw_kint(&w, "offset", a->offset);
	jw_obj_end(&w);
}

static const char *const scan_verdicts[] = { "eligible", "manual", "ineligible", NULL };

/* GET /api/v1/eligibility/scan?award=CODE&unit=CODE&year=YYYY[&date=YYYY-MM-DD][&verdict=eligible|manual|ineligible][&limit=&offset=] */
void api_eligibility_scan(struct req *r)
{
	struct scan_ask q = { .award = req_query(r, "award"), .date = req_query(r, "date") };
	const char *unit = req_query(r, "unit"), *year = req_query(r, "year");
	q.verdict = query_choice(r, "verdict", scan_verdicts);
	q.limit = query_int(r, "limit", 50, 1, 500);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	if (!q.award || !*q.award) { bad_param(r, "award", N_("Is required")); return; }
	if (!unit || !*unit) { bad_param(r, "unit", N_("Is required")); return; }
	if (!year || !*year) { bad_param(r, "year", N_("Is required")); return; }
	if (!(q.year = parse_year(year))) { bad_param(r, "year", N_("Must be a year from 1945 to 2200")); return; }
	if (q.date && !*q.date) q.date = NULL;
	if (q.date && !date_valid(q.date)) { bad_param(r, "date", N_("Is not a date (YYYY-MM-DD)")); return; }
	if (units_find_code(r->db, unit, &q.unit_id) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
	struct elig_scan_answer a;
	const char *why;
	int rc = scan_run(r, &q, &a, &why);
	if (rc == E_DB) { reply_fail(r, rc, NULL); return; }
	if (rc != E_OK) { reply_error(r, elig_status(rc), elig_code(rc), why); return; }
	scan_json(r, &a);
}

/* ---- pages ---- */

const char *elig_met_label(struct req *r, int met)
{
	return met == ELIG_MET ? _("Met") : met == ELIG_UNMET ? _("Not met") : _("A person judges");
}

const char *elig_verdict_label(struct req *r, enum elig_verdict v)
{
	return v == ELIG_ELIGIBLE ? _("Eligible") : v == ELIG_MANUAL ? _("Eligible if a person confirms the conditions left to judgement") : _("Not eligible");
}

void page_rules(struct req *r)
{
	struct award *awards;
	struct rule_set *sets;
	int naw = 0, nsets = 0;
	if (awards_list(r->db, &r->a, r->lang, &awards, &naw) != E_OK || rule_sets_list(r->db, &r->a, 0, r->lang, &sets, &nsets) != E_OK) {
		reply_fail(r, E_DB, NULL);
		return;
	}
	page_begin(r, _("Eligibility rules"), "rules");
	tmpl_rules_list(&r->out, r, awards, naw, sets, nsets, rule_sets_may_manage(r->user));
	page_end(r);
}

static void show_rule_set(struct req *r, const struct rule_set *rs, const struct rule_set_in *typed, const struct field_errors *fe,
			  const struct rule_problem *pb)
{
	struct award *awards = NULL;
	int naw = 0;
	if (!rs) awards_list(r->db, &r->a, r->lang, &awards, &naw);
	if (fe && fe->n && r->status != 409) r->status = 422;
	page_begin(r, rs ? rs->award_name : _("New rule set"), "rules");
	tmpl_rule_set_page(&r->out, r, rs, awards, naw, typed, fe, pb, rule_sets_may_manage(r->user));
	page_end(r);
}

void page_rule_set(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct rule_set *rs;
	int rc = rule_sets_get(r->db, &r->a, id, r->lang, &rs);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	show_rule_set(r, rs, NULL, NULL, NULL);
}

void page_rule_set_new(struct req *r)
{
	if (!rule_sets_may_manage(r->user)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
	struct rule_set_in typed = { .award_code = req_query(r, "award"), .active = -1 };
	show_rule_set(r, NULL, &typed, NULL, NULL);
}

void page_rule_set_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct rule_set_in in;
	struct rule_error err = { 0 };
	int64_t id = 0;
	read_rule_set(r, &in, &fe, 1);
	int rc = rule_sets_create(r->db, r->user, &in, &fe, &err, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The rule set was created"));
		reply_redirect(r, arena_printf(&r->a, "/rules/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	show_rule_set(r, NULL, &in, &fe, problem(r, in.rules, &err));
}

void page_rule_set_post(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return;
	struct field_errors fe = { 0 };
	struct rule_set_in in;
	struct rule_error err = { 0 };
	int64_t version = input_version(r);
	read_rule_set(r, &in, &fe, 0);
	int rc = rule_sets_update(r->db, r->user, id, version, &in, &fe, &err);
	if (rc == E_OK) {
		flash_set(r, N_("Saved"));
		reply_redirect(r, arena_printf(&r->a, "/rules/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID && rc != E_CONFLICT) { reply_fail(r, rc, &fe); return; }
	int stale = rc == E_CONFLICT;
	struct rule_set *rs;
	rc = rule_sets_get(r->db, &r->a, id, r->lang, &rs);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	/* saved by someone else meanwhile: the form again over the current version, with what was typed */
	if (stale) form_conflict(r, rs->version);
	show_rule_set(r, rs, &in, &fe, problem(r, in.rules, &err));
}

const char *elig_scan_url(struct req *r, const struct elig_scan_answer *s, const char *verdict)
{
	const char *date = req_query(r, "date");
	struct buf b;
	buf_init(&b);
	buf_raw(&b, "/eligibility?award=");
	buf_url(&b, s->award->code);
	buf_printf(&b, "&unit_id=%lld&year=%d", (long long)s->unit_id, s->year);
	if (date && *date) {
		buf_raw(&b, "&date=");
		buf_url(&b, date);
	}
	buf_raw(&b, "&everyone=1");
	if (verdict) buf_printf(&b, "&verdict=%s", verdict);
	const char *u = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return u;
}

/* everyone of the form's unit: E_OK and *out; E_DB (not answered yet);
** else q->error and the status are set and *out is NULL */
static int page_scan(struct req *r, struct elig_form *q, int year, const char *iso, struct elig_scan_answer **out)
{
	*out = NULL;
	struct scan_ask ask = { .award = q->award, .unit_id = q->unit_id, .year = year, .date = iso, .limit = 50 };
	ask.verdict = query_choice(r, "verdict", scan_verdicts);
	ask.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (ask.offset < 0) ask.offset = 0;
	struct elig_scan_answer *s = arena_alloc(&r->a, sizeof *s);
	const char *why = NULL;
	int rc = scan_run(r, &ask, s, &why);
	if (rc == E_OK) *out = s;
	else if (rc != E_DB) {
		q->error = _(why);
		r->status = elig_status(rc);
	}
	return rc;
}

/* GET /eligibility?award=CODE&unit_id=N[&person_id=N]&year=YYYY[&date=...][&everyone=1[&verdict=...&offset=N]]:
** the form, and the answer once asked: one subject, or everyone of the unit */
void page_eligibility(struct req *r)
{
	struct elig_form q = { .award = req_query(r, "award"), .year = req_query(r, "year"), .date = req_query(r, "date") };
	parse_id(req_query(r, "unit_id"), &q.unit_id);
	parse_id(req_query(r, "person_id"), &q.person_id);
	if (q.award && !*q.award) q.award = NULL;
	if (q.date && !*q.date) q.date = NULL;
	/* a date typed dd/mm/yyyy (an address written by hand) goes back into the
	** date field as the ISO date it reads, which is all a date input shows */
	if (q.date) {
		const char *iso = date_from_user(&r->a, q.date);
		if (iso) q.date = iso;
	}
	struct elig_answer a, *ans = NULL;
	struct elig_scan_answer *scan = NULL;
	q.everyone = req_query(r, "everyone") && !strcmp(req_query(r, "everyone"), "1");
	if (pick_step(r)) {
		/* a picker searched: the form again with its matches, nothing checked */
	} else if (q.everyone && q.award && q.unit_id > 0) {
		const char *iso = q.date ? date_from_user(&r->a, q.date) : NULL;
		int year = parse_year(q.year);
		if (!year) q.error = _("The year is from 1945 to 2200"), r->status = 400;
		else if (q.date && !iso) q.error = _("Is not a date (dd/mm/yyyy)"), r->status = 400;
		else if (page_scan(r, &q, year, iso, &scan) == E_DB) { reply_fail(r, E_DB, NULL); return; }
	} else if (q.award && (q.unit_id > 0 || q.person_id > 0)) {
		struct elig_query eq = { .award = q.award, .person_id = q.person_id, .unit_id = q.person_id > 0 ? 0 : q.unit_id };
		const char *iso = q.date ? date_from_user(&r->a, q.date) : NULL;
		const char *why = NULL;
		int rc = E_OK;
		if (!(eq.year = parse_year(q.year))) rc = E_INVALID, why = N_("The year is from 1945 to 2200");
		else if (q.date && !iso) rc = E_INVALID, why = N_("Is not a date (dd/mm/yyyy)");
		else {
			eq.date = iso;
			rc = elig_run(r, &eq, &a, &why);
		}
		if (rc == E_OK) ans = &a;
		else if (rc == E_DB) { reply_fail(r, rc, NULL); return; }
		else {
			q.error = _(why);
			r->status = elig_status(rc);
		}
	} else if (q.award || q.unit_id > 0 || q.person_id > 0) {
		q.error = _("Choose an award and a unit (and a person, for an individual award)");
	}
	if (!q.year) {
		char today[11];
		today_iso(today);
		q.year = arena_printf(&r->a, "%d", atoi(today) - 1); /* proposals are for the year that ended */
	}
	struct award *awards;
	int naw = 0;
	awards_list(r->db, &r->a, r->lang, &awards, &naw);
	page_begin(r, _("Eligibility check"), "eligibility");
	tmpl_eligibility_page(&r->out, r, awards, naw, &q, ans, scan);
	page_end(r);
}
