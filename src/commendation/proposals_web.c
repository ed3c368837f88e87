/* Award proposals over HTTP (proposals.h):
**   GET  /api/v1/proposals?stage=&year=&holder=&proposer=&q=     the proposals the user may read
**   POST /api/v1/proposals                                       {"title","round","year","proposer_code","movement","summary"}
**   GET  /api/v1/proposals/{id}                                  with nominees (and their eligibility) and steps
**   PATCH /api/v1/proposals/{id}                                 while the proposer holds it
**   POST /api/v1/proposals/{id}/nominees                         {"person_code"|"unit_code","award","summary"[,"version"]}
**   DELETE /api/v1/proposals/{id}/nominees/{nid}?version=N
**   POST /api/v1/proposals/{id}/steps                            {"action","comment","to_unit","version"}
** and the pages /proposals, /proposals/new, /proposals/{id}. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/sheet.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../units/units_web.h"
#include "../web/roles.h"
#include "commendation_web.h"
#include "tmpl_commendation.h"

static const char *const stage_words[PS_N] = {
	[PS_DRAFT] = N_("draft"), [PS_BOARD] = N_("with the board"), [PS_COUNCIL] = N_("with the council"),
	[PS_AUTHORITY] = N_("with the authority"), [PS_RETURNED] = N_("returned"), [PS_APPROVED] = N_("approved"),
	[PS_REJECTED] = N_("rejected"), [PS_DECIDED] = N_("decided"),
};
static const char *const round_words[] = { N_("year-end"), N_("a movement's review"), N_("an unexpected achievement") };

const char *prop_stage_label(struct req *r, int stage) { return stage >= 0 && stage < PS_N ? _(stage_words[stage]) : ""; }

const char *prop_round_label(struct req *r, const char *round)
{
	for (int i = 0; prop_rounds[i]; i++)
		if (round && !strcmp(round, prop_rounds[i])) return _(round_words[i]);
	return round;
}

const char *prop_action_label(struct req *r, const char *action)
{
	static const char *const words[PA_N] = { N_("submitted"), N_("approved"), N_("returned"), N_("rejected"), N_("forwarded") };
	for (int i = 0; i < PA_N; i++)
		if (action && !strcmp(action, prop_actions[i])) return _(words[i]);
	if (action && !strcmp(action, "decide")) return _("decided");
	if (action && !strcmp(action, "revoke")) return _("decision revoked");
	return action;
}

/* a history of three "approved by admin, Tỉnh Quảng Ninh" says which of
** them was the board's, the council's and the authority's */
const char *prop_step_stage_label(struct req *r, const char *stage)
{
	if (!stage) return NULL;
	if (!strcmp(stage, "board")) return _("at the board's step");
	if (!strcmp(stage, "council")) return _("at the council's step");
	if (!strcmp(stage, "authority")) return _("at the authority's step");
	return NULL;
}

/* ---- reading the input ---- */

enum { PF_TITLE, PF_ROUND, PF_YEAR, PF_PROPOSER, PF_PROPOSER_ID, PF_MOVEMENT, PF_MOVEMENT_ID, PF_SUMMARY, PF_N };
static const struct field_spec prop_fields[PF_N + 1] = {
	[PF_TITLE] = { "title", F_TEXT, 0, 300, 0, 0, NULL },
	[PF_ROUND] = { "round", F_CHOICE, 0, 16, 0, 0, prop_rounds },
	[PF_YEAR] = { "year", F_INT, 0, 0, 1945, 2200, NULL },
	[PF_PROPOSER] = { "proposer_code", F_TEXT, 0, 32, 0, 0, NULL },
	[PF_PROPOSER_ID] = { "proposer_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[PF_MOVEMENT] = { "movement", F_TEXT, 0, 64, 0, 0, NULL },
	[PF_MOVEMENT_ID] = { "movement_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[PF_SUMMARY] = { "summary", F_LINES, 0, 10000, 0, 0, NULL },
	[PF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static int read_prop(struct req *r, struct proposal_in *in, struct field_errors *fe, int partial)
{
	struct input v;
	memset(in, 0, sizeof *in);
	int rc = input_read(r, prop_fields, &v, fe, partial);
	in->title = v.s[PF_TITLE];
	in->round = v.s[PF_ROUND];
	in->year = v.i[PF_YEAR];
	in->summary = v.s[PF_SUMMARY];
	in->proposer_id = v.i[PF_PROPOSER_ID];
	in->movement_id = v.i[PF_MOVEMENT_ID];
	if (v.s[PF_PROPOSER] && units_find_code(r->db, v.s[PF_PROPOSER], &in->proposer_id) != E_OK)
		fe_add(fe, "proposer_code", N_("No unit has this code"));
	if (v.s[PF_MOVEMENT] && db_int1(r->db, &in->movement_id, "SELECT id FROM movements WHERE code = $1", "t", v.s[PF_MOVEMENT]) != DB_ROW)
		fe_add(fe, "movement", N_("No such movement"));
	if (!partial && in->proposer_id <= 0 && !fe_get(fe, "proposer_code")) fe_add(fe, "proposer_code", N_("Is required"));
	/* a field that did not read: the others' errors too, so that every one is said at once */
	if (rc != E_OK || fe->n) proposals_validate(r->db, in, !partial, fe);
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

enum { NF_PERSON, NF_PERSON_ID, NF_UNIT, NF_UNIT_ID, NF_AWARD, NF_SUMMARY, NF_N };
static const struct field_spec nominee_fields[NF_N + 1] = {
	[NF_PERSON] = { "person_code", F_TEXT, 0, 32, 0, 0, NULL },
	[NF_PERSON_ID] = { "person_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[NF_UNIT] = { "unit_code", F_TEXT, 0, 32, 0, 0, NULL },
	[NF_UNIT_ID] = { "unit_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[NF_AWARD] = { "award", F_TEXT, 1, 32, 0, 0, NULL },
	[NF_SUMMARY] = { "summary", F_LINES, 0, 4000, 0, 0, NULL },
	[NF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static int read_nominee(struct req *r, struct nominee_in *in, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	int rc = input_read(r, nominee_fields, &v, fe, 0);
	in->person_id = v.i[NF_PERSON_ID];
	in->unit_id = v.i[NF_UNIT_ID];
	in->award_code = v.s[NF_AWARD];
	in->summary = v.s[NF_SUMMARY];
	if (v.s[NF_PERSON] && db_int1(r->db, &in->person_id, "SELECT id FROM people WHERE code = $1", "t", v.s[NF_PERSON]) != DB_ROW)
		fe_add(fe, "person_code", N_("No person has this code"));
	if (v.s[NF_UNIT] && units_find_code(r->db, v.s[NF_UNIT], &in->unit_id) != E_OK) fe_add(fe, "unit_code", N_("No unit has this code"));
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

static const char *const step_actions[] = { "submit", "approve", "return", "reject", "forward", NULL };
enum { SF_ACTION, SF_COMMENT, SF_TO, SF_TO_ID, SF_N };
static const struct field_spec step_fields[SF_N + 1] = {
	[SF_ACTION] = { "action", F_CHOICE, 1, 16, 0, 0, step_actions },
	[SF_COMMENT] = { "comment", F_LINES, 0, 4000, 0, 0, NULL },
	[SF_TO] = { "to_unit", F_TEXT, 0, 32, 0, 0, NULL },
	[SF_TO_ID] = { "to_unit_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[SF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static enum prop_action action_of(const char *s)
{
	for (int i = 0; i < PA_N; i++)
		if (s && !strcmp(s, prop_actions[i])) return (enum prop_action)i;
	return PA_N;
}

/* the proposal, readable by the user; NULL after replying */
static struct proposal *load(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct proposal *p;
	int rc = proposals_get(r->db, &r->a, id, r->lang, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!proposals_readable(r->user, p)) { reply_fail(r, E_FORBIDDEN, NULL); return NULL; }
	return p;
}

/* Each nominee's eligibility as the reader meets it on the page, in the
** export and in the API. While the proposal is not decided: asked now, in the
** reader's language — the records as they are, the rule set in force on the
** proposal's date (today before its first submission) — so that the verdict
** and the conditions under it always agree, whatever was recorded or deleted
** since the last step (whose check is what proposals_get read). A decided
** proposal keeps the answer recorded at its last step (the authority's
** approval), in the reader's language (kept in all three): what the
** decision was taken on; asked now, the award it gave
** would make every nominee "not eligible". */
static void eligibility_now(struct req *r, struct proposal *p)
{
	if (p->stage == PS_DECIDED) return;
	char today[11];
	today_iso(today);
	for (int i = 0; i < p->nnom; i++) {
		struct nominee *x = &p->nom[i];
		const char *v;
		char *json = eligibility_answer(r->db, r->lang, x->award_code, x->person_id, x->person_id ? 0 : x->unit_id, p->year,
						p->proposed_on ? p->proposed_on : today, &v);
		x->verdict = v;
		x->verdict_json = json ? arena_strdup(&r->a, json) : NULL;
		free(json);
	}
}

static void reply_proposal(struct req *r, int status, int64_t id)
{
	struct proposal *p;
	int rc = proposals_get(r->db, &r->a, id, r->lang, &p);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	eligibility_now(r, p);
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/proposals/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	proposal_json(&w, p);
	reply_json(r, status);
}

/* ---- API ---- */

static const char *const stage_filters[] = { "draft", "board", "council", "authority", "returned", "approved", "rejected", "decided", "open", NULL };

static int read_query(struct req *r, struct proposal_query *q)
{
	memset(q, 0, sizeof *q);
	q->stage = query_choice(r, "stage", stage_filters);
	q->year = query_int(r, "year", 0, 1945, 2200);
	q->limit = query_int(r, "limit", 50, 1, 500);
	q->offset = query_int(r, "offset", 0, 0, INT64_MAX);
	q->holder = query_int(r, "holder", 0, 1, INT64_MAX);
	q->proposer = query_int(r, "proposer", 0, 1, INT64_MAX);
	q->q = req_query(r, "q");
	if (query_bad(r)) return -1;
	q->nranges = units_scope_ranges(r, PERM_READ, q->range_lo, 16);
	return 0;
}

void api_proposals_list(struct req *r)
{
	struct proposal_query q;
	if (read_query(r, &q) != 0) return;
	struct proposal *items;
	int n;
	int64_t total;
	int rc = proposals_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) proposal_json(&w, &items[i]);
	reply_list_end(&w, total, q.limit, q.offset);
}

void api_proposal_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct proposal_in in;
	int rc = read_prop(r, &in, &fe, 0);
	int64_t id = 0;
	if (rc == E_OK) rc = proposals_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_proposal(r, 201, id);
}

void api_proposal_get(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	eligibility_now(r, p);
	struct jw w;
	jw_init(&w, &r->out);
	proposal_json(&w, p);
	reply_json(r, 200);
}

void api_proposal_update(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct proposal_in in;
	int rc = read_prop(r, &in, &fe, 1);
	if (rc == E_OK && version < 0) rc = E_INVALID;
	if (rc == E_OK) rc = proposals_update(r->db, r->user, p->id, version, &in, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_proposal(r, 200, p->id);
}

void api_proposal_nominee_add(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	/* an insert needs no version (proposals.h); one sent is checked */
	int64_t version = PROP_ANY_VERSION;
	if (r->json && json_object_get(r->json, "version")) version = require_version(r, &fe);
	struct nominee_in in;
	int rc = read_nominee(r, &in, &fe);
	if (rc == E_OK && version < 0 && version != PROP_ANY_VERSION) rc = E_INVALID;
	int64_t nid = 0;
	if (rc == E_OK) rc = proposals_add_nominee(r->db, r->user, p->id, version, &in, &fe, &nid);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_proposal(r, 201, p->id);
}

void api_proposal_nominee_remove(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	int64_t nid = param_id_or_404(r, 1);
	if (!nid) return;
	int64_t version = query_int(r, "version", -1, 1, INT64_MAX);
	if (query_bad(r)) return;
	if (version < 0) {
		struct field_errors fe = { 0 };
		fe_add(&fe, "version", N_("Is required"));
		reply_invalid(r, &fe);
		return;
	}
	int rc = proposals_remove_nominee(r->db, r->user, p->id, version, nid);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	reply_proposal(r, 200, p->id);
}

enum { TF_AWARD, TF_N };
static const struct field_spec typical_fields[TF_N + 1] = {
	[TF_AWARD] = { "award", F_TEXT, 1, 32, 0, 0, NULL },
	[TF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

static int do_typical(struct req *r, const struct proposal *p, struct field_errors *fe, int *added)
{
	int64_t version = require_version(r, fe);
	struct input v;
	int rc = input_read(r, typical_fields, &v, fe, 0);
	if (rc != E_OK || version < 0) return E_INVALID;
	return proposals_add_typical(r->db, r->user, p->id, version, v.s[TF_AWARD], fe, added);
}

void api_proposal_typical(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	int added = 0;
	int rc = do_typical(r, p, &fe, &added);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_proposal(r, 200, p->id);
}

static int do_step(struct req *r, const struct proposal *p, struct field_errors *fe)
{
	int64_t version = require_version(r, fe);
	struct input v;
	int rc = input_read(r, step_fields, &v, fe, 0);
	int64_t to = v.i[SF_TO_ID];
	if (v.s[SF_TO] && units_find_code(r->db, v.s[SF_TO], &to) != E_OK) fe_add(fe, "to_unit", N_("No unit has this code"));
	if (rc != E_OK || fe->n || version < 0) return E_INVALID;
	return proposals_step(r->db, r->user, p->id, version, action_of(v.s[SF_ACTION]), to, v.s[SF_COMMENT], fe);
}

/* Why a step is refused (403): outside the user's units, or, on a unit in
** scope, a role that is not the stage's (an officer at the council stage) */
static const char *step_refusal(const struct user *who, const struct proposal *p)
{
	const char *why = role_refusal(who, p->holder_path);
	if (!strcmp(why, "This is outside the units you may work on")) return why;
	switch (p->stage) {
	case PS_DRAFT: case PS_RETURNED: return N_("Only the proposing unit's reporters and officers may submit the proposal");
	case PS_BOARD: case PS_AUTHORITY: case PS_APPROVED: return N_("Only the commendation officers of the unit holding the proposal may act at this stage");
	case PS_COUNCIL: return N_("Only the council may act at this stage");
	default: return why;
	}
}

void api_proposal_step(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	struct field_errors fe = { 0 };
	int rc = do_step(r, p, &fe);
	if (rc == E_FORBIDDEN) { reply_forbidden(r, step_refusal(r->user, p)); return; }
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_proposal(r, 200, p->id);
}

/* ---- pages ---- */

void page_proposals(struct req *r)
{
	struct proposal_query q;
	if (read_query(r, &q) != 0) return;
	struct proposal *items;
	int n;
	int64_t total;
	if (proposals_list(r->db, &r->a, &q, &items, &n, &total) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, _("Award proposals"), "proposals");
	tmpl_proposals_index(&r->out, r, &q, items, n, total);
	page_end(r);
}

/* the movements a proposal may name (the newest first) */
struct mv_opt *prop_movements(struct req *r, int *n)
{
	*n = 0;
	int64_t count = 0;
	db_int1(r->db, &count, "SELECT count(*) FROM movements", "");
	if (count > 200) count = 200;
	struct mv_opt *o = arena_alloc(&r->a, sizeof *o * (size_t)(count + 1));
	struct stmt *st = db_query(r->db, "SELECT id, code, title FROM movements ORDER BY starts_on DESC, id DESC LIMIT 200", "");
	while (st && *n < count && db_step(st) == DB_ROW) {
		o[*n].id = db_int(st, 0);
		o[*n].code = arena_strdup(&r->a, db_text(st, 1));
		o[*n].title = arena_strdup(&r->a, db_text(st, 2));
		(*n)++;
	}
	db_done(st);
	return o;
}

static void show_new(struct req *r, const struct proposal_in *typed, const struct field_errors *fe)
{
	if (fe && fe->n) r->status = 422;
	page_begin(r, _("New award proposal"), "proposals");
	tmpl_proposal_new(&r->out, r, typed, fe);
	page_end(r);
}

void page_proposal_new(struct req *r)
{
	/* from a movement's page: its review, the movement chosen */
	struct proposal_in typed = { 0 };
	typed.movement_id = query_int(r, "movement", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	if (typed.movement_id) typed.round = "movement";
	show_new(r, typed.movement_id ? &typed : NULL, NULL);
}

void page_proposal_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct proposal_in in;
	int rc = read_prop(r, &in, &fe, 0);
	/* the proposer picker searched: the form again as typed, with the matches, nothing created */
	if (pick_step(r)) { show_new(r, &in, NULL); return; }
	if (rc == E_OK && !in.proposer_id) in.proposer_id = pick_form_id(r, "proposer_id");
	int64_t id = 0;
	if (rc == E_OK) rc = proposals_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The proposal was created: add its nominees"));
		reply_redirect(r, arena_printf(&r->a, "/proposals/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID) { show_new(r, &in, &fe); return; }
	reply_fail(r, rc, &fe);
}

/* the units a proposal may be submitted to: the proposer's ancestors, nearest first */
struct unit_opt *prop_receivers(struct req *r, const struct proposal *p, int *n)
{
	struct unit *anc;
	int na = 0;
	*n = 0;
	units_ancestors(r->db, &r->a, p->proposer_path, &anc, &na);
	struct unit_opt *o = arena_alloc(&r->a, sizeof *o * (size_t)(na + 1));
	for (int i = na - 1; i >= 0; i--) {
		if (anc[i].id == p->proposer_id) continue;
		o[*n].id = anc[i].id;
		o[*n].name = anc[i].name;
		(*n)++;
	}
	return o;
}

static void show_proposal(struct req *r, struct proposal *p, const struct field_errors *fe)
{
	if (fe && fe->n && r->status != 409) r->status = 422;
	eligibility_now(r, p);
	int can_edit = (p->stage == PS_DRAFT || p->stage == PS_RETURNED) && role_can(r->user, PERM_PROPOSE, p->proposer_path);
	int can_act = proposals_may_act(r->user, p);
	struct award *aw = NULL;
	int naw = 0;
	if (can_edit) awards_list(r->db, &r->a, r->lang, &aw, &naw);
	page_begin(r, p->title, "proposals");
	tmpl_proposal_page(&r->out, r, p, can_edit, can_act, aw, naw, fe);
	page_end(r);
}

void page_proposal(struct req *r)
{
	struct proposal *p = load(r);
	if (p) show_proposal(r, p, NULL);
}

/* one form of the proposal's page: what= edit | nominee | typical | remove | step */
void page_proposal_post(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	const char *what = req_form(r, "what");
	struct field_errors fe = { 0 };
	int rc;
	const char *done;
	int stepping = 0;
	if (what && !strcmp(what, "nominee")) {
		/* a nominee picker searched: the page again as typed (the form reads it), nothing added */
		if (pick_step(r)) { show_proposal(r, p, NULL); return; }
		struct nominee_in in;
		rc = read_nominee(r, &in, &fe);
		if (!in.person_id) in.person_id = pick_form_id(r, "person_id");
		if (!in.unit_id) in.unit_id = pick_form_id(r, "unit_id");
		/* the form's subject choice: a person, or the collective */
		const char *kind = req_form(r, "subject");
		if (kind && !strcmp(kind, "collective")) in.person_id = 0;
		else in.unit_id = 0;
		int64_t nid;
		/* another nominee added meanwhile is no conflict: the add needs no version (proposals.h) */
		if (rc == E_OK) rc = proposals_add_nominee(r->db, r->user, p->id, PROP_ANY_VERSION, &in, &fe, &nid);
		done = N_("The nominee was added");
	} else if (what && !strcmp(what, "edit")) {
		/* the title, year, round and summary, while the proposing unit holds it */
		struct proposal_in in;
		int64_t version = require_version(r, &fe);
		rc = read_prop(r, &in, &fe, 1);
		/* the form sends every field: one left empty is missing, not unchanged */
		if (!in.title && !fe_get(&fe, "title")) fe_add(&fe, "title", N_("Is required"));
		if (!in.year && !fe_get(&fe, "year")) fe_add(&fe, "year", N_("Is required"));
		if (fe.n || version < 0) rc = E_INVALID;
		in.proposer_id = 0;
		in.movement_id = 0;
		if (rc == E_OK) rc = proposals_update(r->db, r->user, p->id, version, &in, &fe);
		done = N_("Saved");
	} else if (what && !strcmp(what, "typical")) {
		int added = 0;
		rc = do_typical(r, p, &fe, &added);
		done = N_("The movement's typical examples were added as nominees");
	} else if (what && !strcmp(what, "remove")) {
		int64_t nid = 0;
		parse_id(req_form(r, "nominee") ? req_form(r, "nominee") : "", &nid);
		rc = proposals_remove_nominee(r->db, r->user, p->id, input_version(r), nid);
		done = N_("The nominee was removed");
	} else {
		stepping = 1;
		rc = do_step(r, p, &fe);
		done = N_("Done: the proposal moved on");
	}
	if (rc == E_OK) {
		flash_set(r, done);
		reply_redirect(r, arena_printf(&r->a, "/proposals/%lld", (long long)p->id));
		return;
	}
	if (rc == E_FORBIDDEN && stepping) { reply_forbidden(r, step_refusal(r->user, p)); return; }
	if (rc == E_INVALID || rc == E_STATE || rc == E_CONFLICT) {
		/* the page again with what was typed; changed meanwhile: over the current version, said at the top */
		struct proposal *again;
		if (proposals_get(r->db, &r->a, p->id, r->lang, &again) == E_OK) {
			if (rc == E_CONFLICT) form_conflict(r, again->version);
			show_proposal(r, again, &fe);
			return;
		}
	}
	reply_fail(r, rc, &fe);
}

void prop_eligibility_html(struct buf *o, struct req *r, const struct nominee *x)
{
	(void)r;
	if (!x->verdict_json) return;
	json_error_t err;
	json_t *j = json_loads(x->verdict_json, 0, &err);
	json_t *conds = j ? json_object_get(j, "conditions") : NULL;
	if (json_is_array(conds) && json_array_size(conds)) {
		buf_raw(o, "<ul class=\"conditions\">");
		size_t i;
		json_t *c;
		json_array_foreach(conds, i, c) {
			json_t *met = json_object_get(c, "met");
			const char *text = json_string_value(json_object_get(c, "text"));
			buf_raw(o, json_is_true(met) ? "<li class=\"met\">✓ " : json_is_false(met) ? "<li class=\"unmet\">✗ " : "<li class=\"manual\">? ");
			buf_html(o, text ? text : "");
			json_t *facts = json_object_get(c, "facts");
			if (json_is_false(met) && json_is_array(facts)) {
				size_t k;
				json_t *f;
				json_array_foreach(facts, k, f) {
					if (!json_is_string(f)) continue;
					buf_raw(o, "<br><small>");
					buf_html(o, json_string_value(f));
					buf_raw(o, "</small>");
				}
			}
			buf_raw(o, "</li>");
		}
		buf_raw(o, "</ul>");
	}
	json_decref(j);
}

/* ---- exports: a proposal's nominees, the awards received ---- */

static int write_nominees(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct proposal *p = ctx;
	const char *heads[] = { _("No."), _("Nominee"), _("Civil-servant code"), _("Unit"), _("Award"), _("Eligibility"), _("Achievements of the nominee"), NULL };
	struct sheet *s = sheet_open(f, format, p->code, heads, "nttttt" "t");
	if (!s) return -1;
	for (int i = 0; i < p->nnom; i++) {
		const struct nominee *x = &p->nom[i];
		char no[16];
		snprintf(no, sizeof no, "%d", i + 1);
		const char *verdict = !x->verdict ? "" : !strcmp(x->verdict, "eligible") ? _("eligible") : !strcmp(x->verdict, "manual") ? _("to be confirmed by a person") : _("not eligible");
		const char *cells[] = { no, x->person_id ? x->person_name : x->unit_name, x->person_code ? x->person_code : "", x->unit_name, x->award_name, verdict,
					x->summary ? x->summary : "", NULL };
		sheet_row(s, cells);
	}
	return sheet_close(s);
}

void page_proposal_export(struct req *r)
{
	struct proposal *p = load(r);
	if (!p) return;
	const char *format = reply_sheet_format(r, "xlsx");
	if (!format) return;
	eligibility_now(r, p);
	reply_sheet(r, p->code, format, write_nominees, p);
}

struct received_ctx {
	struct achievement *items;
	int n;
};

static int write_received(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct received_ctx *c = ctx;
	const char *heads[] = { _("Year"), _("Award"), _("Received by"), _("Civil-servant code"), _("Unit"), _("Decision number"), _("Decision date"), _("Issued by"), NULL };
	struct sheet *s = sheet_open(f, format, _("Awards received"), heads, "nttttt" "dt");
	if (!s) return -1;
	for (int i = 0; i < c->n; i++) {
		const struct achievement *x = &c->items[i];
		char y[16];
		snprintf(y, sizeof y, "%lld", (long long)x->year);
		const char *cells[] = { y, x->value_label, x->person_id ? x->person_name : x->unit_name, x->person_code ? x->person_code : "", x->unit_name,
					x->decision_no ? x->decision_no : "", x->decided_on ? x->decided_on : "", x->authority ? x->authority : "", NULL };
		sheet_row(s, cells);
	}
	return sheet_close(s);
}

/* GET /export/awards-received?year=…&format=csv|xlsx: the same filters as the page, every row (up to 100 000) */
void page_export_awards_received(struct req *r)
{
	struct award_query q;
	if (read_award_query_for_export(r, &q) != 0) return;
	struct received_ctx c;
	int64_t total;
	if (awards_received(r->db, &r->a, &q, r->lang, &c.items, &c.n, &total) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	const char *format = reply_sheet_format(r, "xlsx");
	if (format) reply_sheet(r, "awards-received", format, write_received, &c);
}
