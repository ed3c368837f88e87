/* Secret-ballot votes over HTTP (votes.h):
**   GET  /api/v1/votes                          the rounds the caller runs, votes in or may read
**   POST /api/v1/votes                          {"title","threshold_pct","base","voters":[logins],"candidates":[{"label"|"unit_code"|"person_code"}],
**                                                "max_choices","quota_pct","quota_of","present":[logins],"unit_code","proposal"}
**   GET  /api/v1/votes/{id}                     the round and its candidates' ids (the tally once closed)
**   POST /api/v1/votes/{id}/present             {"present":[logins]} before the opening
**   POST /api/v1/votes/{id}/open, …/close
**   POST /api/v1/votes/{id}/ballots             {"choices":[candidate ids]} → 201 {"receipt"}
**   GET  /api/v1/votes/{id}/result              409 until the close, for everyone
**   GET  /api/v1/votes/{id}/receipts/{code}     the choices a receipt's ballot recorded
** and the pages /votes, /votes/new, /votes/{id}. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../commendation/proposals.h"
#include "../units/units.h"
#include "../users/users.h"
#include "tmpl_votes.h"
#include "votes_web.h"

const char *vote_status_label(struct req *r, const char *status)
{
	if (status && !strcmp(status, "draft")) return _("being prepared");
	if (status && !strcmp(status, "open")) return _("voting open");
	if (status && !strcmp(status, "closed")) return _("closed");
	return status;
}

const char *vote_base_label(struct req *r, const char *base)
{
	return base && !strcmp(base, "present") ? _("of the members present") : _("of all members");
}

void vote_pct(struct buf *o, struct req *r, int64_t bp) { fmt_number(o, r->lang, (double)bp / 100.0); }

void vote_share(struct buf *o, struct req *r, double share) { fmt_number(o, r->lang, share); }

const char *vote_few_ballots(struct req *r, const struct vote_round *v)
{
	if (v->ballots == 1)
		return _("Only 1 ballot is in: the result will show how that member voted, and the audit log lists who voted.");
	if (v->ballots == 0) return _("No ballot is in: every candidate will have 0 votes.");
	return NULL;
}

/* ---- reading the input ---- */

/* A percentage with at most two decimals, as hundredths: a JSON number, or
** a form's text read the user's way ("87,5" in vi). -1 when absent. */
static int64_t read_pct(struct req *r, const char *name, int required, struct field_errors *fe)
{
	double x;
	if (r->json) {
		json_t *v = json_object_get(r->json, name);
		if (!v || json_is_null(v)) goto absent;
		if (!json_is_number(v)) { fe_add(fe, name, N_("Must be a percentage from 0 to 100")); return -1; }
		x = json_number_value(v);
	} else {
		const char *s = req_form(r, name);
		if (!s || !*s) goto absent;
		if (i18n_parse_number(r->lang, s, &x) != 0) { fe_add(fe, name, N_("Must be a percentage from 0 to 100")); return -1; }
	}
	double bp = x * 100.0;
	if (!(x >= 0 && x <= 100) || fabs(bp - round(bp)) > 1e-6) { fe_add(fe, name, N_("Must be a percentage from 0 to 100, with at most two decimals")); return -1; }
	return (int64_t)llround(bp);
absent:
	if (required) fe_add(fe, name, N_("Is required"));
	return -1;
}

/* logins (API) or user ids (a form's picker) as user ids (arena) */
static int64_t *read_users(struct req *r, const char *name, int *n, int *present, struct field_errors *fe)
{
	const char **items = arena_alloc(&r->a, sizeof *items * VOTES_MAX_VOTERS);
	int64_t *ids = arena_alloc(&r->a, sizeof *ids * VOTES_MAX_VOTERS);
	*n = 0;
	int k = 0;
	if (input_list(r, name, items, VOTES_MAX_VOTERS, &k, present, fe) != E_OK) return ids;
	for (int i = 0; i < k; i++) {
		int64_t id = 0;
		int active = 0;
		/* a login in any case, as one logs in with it (users_find) */
		if (r->json ? users_find(r->db, items[i], &id, &active) != E_OK || !active : parse_id(items[i], &id) != 0) {
			fe_add(fe, name, N_("No active user has this login"));
			return ids;
		}
		ids[(*n)++] = id;
	}
	return ids;
}

enum { VF_TITLE, VF_BASE, VF_MAX, VF_QUOTA_OF, VF_UNIT, VF_UNIT_ID, VF_PROPOSAL, VF_CLUSTER_YEAR, VF_N };
static const struct field_spec vote_fields[VF_N + 1] = {
	[VF_TITLE] = { "title", F_TEXT, 1, 300, 0, 0, NULL },
	[VF_BASE] = { "base", F_CHOICE, 1, 16, 0, 0, vote_bases },
	[VF_MAX] = { "max_choices", F_INT, 0, 0, 1, VOTES_MAX_CANDIDATES, NULL },
	[VF_QUOTA_OF] = { "quota_of", F_INT, 0, 0, 0, 1000000, NULL },
	[VF_UNIT] = { "unit_code", F_TEXT, 0, 32, 0, 0, NULL },
	[VF_UNIT_ID] = { "unit_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[VF_PROPOSAL] = { "proposal", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[VF_CLUSTER_YEAR] = { "cluster_year_id", F_INT, 0, 0, 0, INT64_MAX, NULL },
	[VF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* the API's candidates: [{"label"} | {"unit_code"} | {"person_code"}, ...];
** a person the caller may not read is no person (votes_person_candidate_ok),
** round_id: the round edited (0: a new one) */
static struct vote_candidate_in *read_json_candidates(struct req *r, int64_t round_id, int *n, struct field_errors *fe)
{
	*n = 0;
	json_t *arr = json_object_get(r->json, "candidates");
	if (!arr || json_is_null(arr)) return NULL;
	if (!json_is_array(arr) || json_array_size(arr) > VOTES_MAX_CANDIDATES) {
		fe_add(fe, "candidates", N_("Must be a list of candidates"));
		return NULL;
	}
	struct vote_candidate_in *c = arena_alloc(&r->a, sizeof *c * (json_array_size(arr) + 1));
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		struct vote_candidate_in *x = &c[(*n)++];
		memset(x, 0, sizeof *x);
		if (!json_is_object(e)) { fe_add(fe, "candidates", N_("Must be a list of candidates")); return c; }
		const char *label = json_string_value(json_object_get(e, "label"));
		const char *unit = json_string_value(json_object_get(e, "unit_code"));
		const char *person = json_string_value(json_object_get(e, "person_code"));
		if (label) {
			size_t len = strlen(label);
			char *t = arena_strndup(&r->a, label, len);
			if (len > 300 || text_clean(t, &len, 0) != 0) { fe_add(fe, "candidates", N_("A label is one line of at most 300 characters")); return c; }
			x->label = *t ? t : NULL;
		}
		if (unit && units_find_code(r->db, unit, &x->unit_id) != E_OK) { fe_add(fe, "candidates", N_("No unit has this code")); return c; }
		if (person && (db_int1(r->db, &x->person_id, "SELECT id FROM people WHERE code = $1", "t", person) != DB_ROW ||
			       !votes_person_candidate_ok(r->db, r->user, round_id, x->person_id))) {
			fe_add(fe, "candidates", N_("No person has this code"));
			return c;
		}
	}
	return c;
}

/* a form's candidates: the units chosen, then one free label per line */
static struct vote_candidate_in *read_form_candidates(struct req *r, struct vote_form *f, int *n, struct field_errors *fe)
{
	*n = 0;
	const char **ids = arena_alloc(&r->a, sizeof *ids * VOTES_MAX_CANDIDATES);
	int nid = 0, present;
	input_list(r, "candidate_units", ids, VOTES_MAX_CANDIDATES, &nid, &present, fe);
	int64_t *units = arena_alloc(&r->a, sizeof *units * (size_t)(nid + 1));
	struct vote_candidate_in *c = arena_alloc(&r->a, sizeof *c * (VOTES_MAX_CANDIDATES + 1));
	for (int i = 0; i < nid; i++) {
		int64_t id;
		if (parse_id(ids[i], &id) != 0) continue;
		units[f->ncandidate_units++] = id;
		memset(&c[*n], 0, sizeof *c);
		c[(*n)++].unit_id = id;
	}
	f->candidate_units = units;
	/* the people chosen (the person picker), then the proposal's nominees ticked */
	static const char *const more[2] = { "candidate_people", "candidate_nominees" };
	for (int m = 0; m < 2; m++) {
		nid = 0;
		input_list(r, more[m], ids, VOTES_MAX_CANDIDATES, &nid, &present, fe);
		int64_t *got = arena_alloc(&r->a, sizeof *got * (size_t)(nid + 1));
		int ngot = 0;
		for (int i = 0; i < nid && *n < VOTES_MAX_CANDIDATES; i++) {
			int64_t id;
			if (parse_id(ids[i], &id) != 0) continue;
			got[ngot++] = id;
			memset(&c[*n], 0, sizeof *c);
			if (m == 0) c[(*n)++].person_id = id;
			else c[(*n)++].nominee_id = id;
		}
		if (m == 0) { f->candidate_people = got; f->ncandidate_people = ngot; }
		else { f->candidate_nominees = got; f->ncandidate_nominees = ngot; f->nominees_given = present; }
	}
	f->labels = req_form(r, "labels");
	for (const char *p = f->labels; p && *p && *n < VOTES_MAX_CANDIDATES;) {
		size_t len = strcspn(p, "\n");
		char *t = arena_strndup(&r->a, p, len);
		size_t tl = strlen(t);
		while (tl && (t[tl - 1] == '\r' || t[tl - 1] == ' ')) t[--tl] = 0;
		while (*t == ' ') t++, tl--;
		if (*t && text_clean(t, &tl, 0) == 0) {
			memset(&c[*n], 0, sizeof *c);
			c[(*n)++].label = t;
		}
		p += len;
		if (*p) p++;
	}
	return c;
}

static int read_vote(struct req *r, struct vote_in *in, struct vote_form *f, struct field_errors *fe)
{
	struct input v;
	memset(in, 0, sizeof *in);
	memset(f, 0, sizeof *f);
	int rc = input_read(r, vote_fields, &v, fe, 0);
	in->title = f->title = v.s[VF_TITLE];
	in->base = f->base = v.s[VF_BASE];
	in->max_choices = v.i[VF_MAX];
	in->threshold_bp = read_pct(r, "threshold_pct", 1, fe);
	in->quota_bp = read_pct(r, "quota_pct", 0, fe);
	json_t *qo = r->json ? json_object_get(r->json, "quota_of") : NULL;
	in->quota_of = qo && !json_is_null(qo) ? v.i[VF_QUOTA_OF] : -1;
	if (!r->json) {
		in->quota_of = v.present[VF_QUOTA_OF] && req_form(r, "quota_of") && *req_form(r, "quota_of") ? v.i[VF_QUOTA_OF] : -1;
		f->threshold = req_form(r, "threshold_pct");
		f->max_choices = req_form(r, "max_choices");
		f->quota_pct = req_form(r, "quota_pct");
		f->quota_of = req_form(r, "quota_of");
	}
	in->unit_id = f->unit_id = v.i[VF_UNIT_ID];
	if (v.s[VF_UNIT] && units_find_code(r->db, v.s[VF_UNIT], &in->unit_id) != E_OK) fe_add(fe, "unit_code", N_("No unit has this code"));
	in->proposal_id = f->proposal_id = v.i[VF_PROPOSAL];
	in->cluster_year_id = f->cluster_year_id = v.i[VF_CLUSTER_YEAR];
	if (in->cluster_year_id > 0) {
		int64_t one = 0;
		if (db_int1(r->db, &one, "SELECT 1 FROM cluster_years WHERE id = $1", "i", in->cluster_year_id) != DB_ROW)
			fe_add(fe, "cluster_year_id", N_("No such record"));
	}
	int present;
	int64_t *voters = read_users(r, r->json ? "voters" : "voter_ids", &in->nvoters, &present, fe);
	in->voters = f->voter_ids = voters;
	f->nvoters = in->nvoters;
	int given;
	int64_t *pres = read_users(r, "present", &in->npresent, &given, fe);
	if (given) in->present = pres;
	if (r->json) in->cand = read_json_candidates(r, 0, &in->ncand, fe);
	else in->cand = read_form_candidates(r, f, &in->ncand, fe);
	if (!r->json && f->nominees_given && in->ncand == 0) fe_add(fe, "candidates", N_("Give at least one candidate"));
	if (in->proposal_id > 0) {
		struct proposal *p;
		if (proposals_get(r->db, &r->a, in->proposal_id, r->lang, &p) != E_OK) fe_add(fe, "proposal", N_("No such proposal"));
		else if (!proposals_readable(r->user, p)) return E_FORBIDDEN;
		else {
			f->proposal_title = p->title;
			f->nominees = p->nom;
			f->nnominees = p->nnom;
		}
	}
	return rc == E_OK && !fe->n ? E_OK : E_INVALID;
}

/* a ballot refused (votes_cast's E_FORBIDDEN): why, rather than "outside the units" */
static void refuse_ballot(struct req *r, const struct vote_round *v)
{
	reply_forbidden(r, !v->is_voter ? N_("You are not a voter of this round")
					: N_("You were not recorded present: this vote counts the members present."));
}

/* the round, readable by the user; NULL after replying. ballot: the
** request casts a ballot, and a user who may not read the round is told
** they are not its voter (a voter may always read it) */
static struct vote_round *load_for(struct req *r, int ballot)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct vote_round *v;
	int rc = votes_get(r->db, &r->a, id, r->user, &v);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	if (!votes_readable(r->user, v)) {
		if (ballot) refuse_ballot(r, v);
		else reply_fail(r, E_FORBIDDEN, NULL);
		return NULL;
	}
	return v;
}

static struct vote_round *load(struct req *r) { return load_for(r, 0); }

static void reply_round(struct req *r, int status, int64_t id)
{
	struct vote_round *v;
	int rc = votes_get(r->db, &r->a, id, r->user, &v);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/votes/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	vote_round_json(&w, v);
	reply_json(r, status);
}

/* ---- API ---- */

void api_votes_list(struct req *r)
{
	int64_t limit = query_int(r, "limit", 50, 1, 500);
	if (query_bad(r)) return;
	struct vote_round *items;
	int n;
	if (votes_list(r->db, &r->a, r->user, (int)limit, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) vote_round_json(&w, &items[i]);
	reply_list_end(&w, n, limit, 0);
}

void api_vote_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct vote_in in;
	struct vote_form f;
	int rc = read_vote(r, &in, &f, &fe);
	int64_t id = 0;
	if (rc == E_OK) rc = votes_create(r->db, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_round(r, 201, id);
}

/* PATCH: the fields given ({"version", "title", "threshold_pct", "base",
** "max_choices" (null: no limit), "quota_pct" (null: no quota), "quota_of",
** "voters", "candidates"}); a form: every field of the edit form */
static unsigned read_update(struct req *r, int64_t round_id, struct vote_in *in, struct vote_form *f, struct field_errors *fe)
{
	if (!r->json) {
		read_vote(r, in, f, fe);
		return VU_TITLE | VU_THRESHOLD | VU_BASE | VU_MAX | VU_QUOTA | VU_VOTERS | VU_CANDIDATES;
	}
	memset(in, 0, sizeof *in);
	memset(f, 0, sizeof *f);
	struct input v;
	input_read(r, vote_fields, &v, fe, 1);
	unsigned set = 0;
	if (v.present[VF_TITLE]) { set |= VU_TITLE; in->title = v.s[VF_TITLE]; }
	if (v.present[VF_BASE]) { set |= VU_BASE; in->base = v.s[VF_BASE]; }
	if (v.present[VF_MAX]) { set |= VU_MAX; in->max_choices = v.i[VF_MAX]; }
	if (json_object_get(r->json, "threshold_pct")) {
		set |= VU_THRESHOLD;
		in->threshold_bp = read_pct(r, "threshold_pct", 1, fe);
	}
	if (json_object_get(r->json, "quota_pct") || json_object_get(r->json, "quota_of")) {
		set |= VU_QUOTA;
		in->quota_bp = read_pct(r, "quota_pct", 0, fe);
		json_t *qo = json_object_get(r->json, "quota_of");
		in->quota_of = qo && !json_is_null(qo) ? v.i[VF_QUOTA_OF] : -1;
	}
	if (json_object_get(r->json, "voters")) {
		int present;
		set |= VU_VOTERS;
		in->voters = read_users(r, "voters", &in->nvoters, &present, fe);
	}
	if (json_object_get(r->json, "candidates")) {
		set |= VU_CANDIDATES;
		in->cand = read_json_candidates(r, round_id, &in->ncand, fe);
	}
	return set;
}

void api_vote_update(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	struct field_errors fe = { 0 };
	int64_t version = require_version(r, &fe);
	struct vote_in in;
	struct vote_form f;
	unsigned set = read_update(r, v->id, &in, &f, &fe);
	int rc = fe.n ? E_INVALID : votes_update(r->db, r->user, v->id, version, &in, set, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_round(r, 200, v->id);
}

void api_vote_get(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	struct jw w;
	jw_init(&w, &r->out);
	vote_round_json(&w, v);
	reply_json(r, 200);
}

void api_vote_present(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	struct field_errors fe = { 0 };
	int n, given;
	int64_t *ids = read_users(r, "present", &n, &given, &fe);
	if (!given && !fe.n) fe_add(&fe, "present", N_("Is required"));
	int rc = fe.n ? E_INVALID : votes_set_present(r->db, r->user, v->id, ids, n, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_round(r, 200, v->id);
}

void api_vote_open(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	struct field_errors fe = { 0 };
	int rc = votes_open(r->db, r->user, v->id, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_round(r, 200, v->id);
}

void api_vote_close(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	struct field_errors fe = { 0 };
	int rc = votes_close(r->db, r->user, v->id, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_round(r, 200, v->id);
}

/* the candidate ids of a ballot: a JSON list, or a form's checkboxes */
static int64_t *read_choices(struct req *r, int *n, struct field_errors *fe)
{
	const char **items = arena_alloc(&r->a, sizeof *items * (VOTES_MAX_CANDIDATES + 1));
	int64_t *ids = arena_alloc(&r->a, sizeof *ids * (VOTES_MAX_CANDIDATES + 1));
	int k = 0, present;
	*n = 0;
	if (input_list(r, "choices", items, VOTES_MAX_CANDIDATES + 1, &k, &present, fe) != E_OK) return ids;
	/* the API asks for the list, even empty (a blank ballot is "choices": []):
	** a request with nothing in it, an empty body included, is not a vote;
	** a form's ballot with no box ticked is a blank ballot */
	if ((r->json || r->api) && !present) { fe_add(fe, "choices", N_("Is required")); return ids; }
	for (int i = 0; i < k; i++) {
		if (parse_id(items[i], &ids[*n]) != 0) { fe_add(fe, "choices", N_("Not a candidate of this vote")); return ids; }
		(*n)++;
	}
	return ids;
}

void api_vote_cast(struct req *r)
{
	struct vote_round *v = load_for(r, 1);
	if (!v) return;
	struct field_errors fe = { 0 };
	int n;
	int64_t *choices = read_choices(r, &n, &fe);
	char receipt[VOTES_RECEIPT_LEN + 1];
	int rc = fe.n ? E_INVALID : votes_cast(r->db, r->user, v->id, choices, n, &fe, receipt);
	if (rc == E_FORBIDDEN) { refuse_ballot(r, v); return; }
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_created(r, arena_printf(&r->a, "/api/v1/votes/%lld/receipts/%s", (long long)v->id, receipt));
	req_set_header(r, "Cache-Control", "no-store");
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "receipt", receipt);
	jw_obj_end(&w);
	reply_json(r, 201);
}

static int refuse_before_close(struct req *r, const struct vote_round *v)
{
	if (!strcmp(v->status, "closed")) return 0;
	struct field_errors fe = { 0 };
	fe_add(&fe, "status", N_("The result is published when the vote is closed"));
	reply_fail(r, E_STATE, &fe);
	return 1;
}

void api_vote_result(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v || refuse_before_close(r, v)) return;
	struct jw w;
	jw_init(&w, &r->out);
	vote_result_json(&w, v);
	reply_json(r, 200);
}

void api_vote_receipt(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	int64_t ids[VOTES_MAX_CANDIDATES];
	int n;
	int rc = votes_receipt(r->db, v->id, r->params[1], ids, VOTES_MAX_CANDIDATES, &n);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "receipt", r->params[1]);
	jw_kint(&w, "vote_id", v->id);
	jw_kstr(&w, "status", v->status);
	/* counted: the close's tally included it (every ballot stored when it closed) */
	jw_kbool(&w, "counted", !strcmp(v->status, "closed"));
	jw_key(&w, "choices");
	jw_arr(&w);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < v->ncand; k++)
			if (v->cand[k].id == ids[i]) {
				jw_obj(&w);
				jw_kint(&w, "id", ids[i]);
				jw_kstr(&w, "label", v->cand[k].label);
				jw_obj_end(&w);
			}
	jw_arr_end(&w);
	jw_obj_end(&w);
	reply_json(r, 200);
}

/* ---- pages ---- */

void page_votes(struct req *r)
{
	struct vote_round *items;
	int n;
	if (votes_list(r->db, &r->a, r->user, 200, &items, &n) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	page_begin(r, _("Votes"), "votes");
	tmpl_votes_index(&r->out, r, items, n);
	page_end(r);
}

static void show_new(struct req *r, const struct vote_form *typed, const struct field_errors *fe)
{
	if (fe && fe->n) r->status = 422;
	page_begin(r, _("New vote"), "votes");
	tmpl_vote_new(&r->out, r, typed, fe);
	page_end(r);
}

void page_vote_new(struct req *r)
{
	/* from a proposal's page: its nominees are the candidates */
	struct vote_form f = { 0 };
	f.proposal_id = query_int(r, "proposal", 0, 0, INT64_MAX);
	/* from a cluster's year: the round is held at its review, its members the candidates */
	f.cluster_year_id = query_int(r, "cluster_year", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	if (f.cluster_year_id) {
		int hold = votes_may_hold_at(r->db, r->user, f.cluster_year_id);
		if (hold != 1) { reply_fail(r, hold < 0 ? E_NOTFOUND : E_FORBIDDEN, NULL); return; }
		int64_t count = 0;
		db_int1(r->db, &count, "SELECT count(*) FROM cluster_members WHERE cluster_year_id = $1", "i", f.cluster_year_id);
		int64_t *units = arena_alloc(&r->a, sizeof *units * (size_t)(count + 1));
		struct stmt *st = db_query(r->db, "SELECT unit_id FROM cluster_members WHERE cluster_year_id = $1 ORDER BY unit_id", "i", f.cluster_year_id);
		while (st && f.ncandidate_units < count && db_step(st) == DB_ROW) units[f.ncandidate_units++] = db_int(st, 0);
		db_done(st);
		f.candidate_units = units;
	}
	if (f.proposal_id) {
		struct proposal *p;
		if (proposals_get(r->db, &r->a, f.proposal_id, r->lang, &p) != E_OK) { reply_fail(r, E_NOTFOUND, NULL); return; }
		if (!proposals_readable(r->user, p)) { reply_fail(r, E_FORBIDDEN, NULL); return; }
		f.proposal_title = p->title;
		f.title = p->title;
		/* its nominees, each a box, all ticked */
		f.nominees = p->nom;
		f.nnominees = p->nnom;
		int64_t *ids = arena_alloc(&r->a, sizeof *ids * (size_t)(p->nnom + 1));
		for (int i = 0; i < p->nnom; i++) ids[i] = p->nom[i].id;
		f.candidate_nominees = ids;
		f.ncandidate_nominees = p->nnom;
	}
	/* the chips a search step keeps while the form is filled */
	int np = 0;
	const char **vals = arena_alloc(&r->a, sizeof *vals * VOTES_MAX_VOTERS);
	int present;
	struct field_errors ignore = { 0 };
	int64_t *ids = arena_alloc(&r->a, sizeof *ids * VOTES_MAX_VOTERS);
	input_list(r, "voter_ids", vals, VOTES_MAX_VOTERS, &np, &present, &ignore);
	for (int i = 0; i < np; i++)
		if (parse_id(vals[i], &ids[f.nvoters]) == 0) f.nvoters++;
	f.voter_ids = ids;
	show_new(r, &f, NULL);
}

void page_vote_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct vote_in in;
	struct vote_form f;
	int rc = read_vote(r, &in, &f, &fe);
	/* a picker searched: the form again as typed, with the matches, nothing created */
	if (pick_step(r) && (rc == E_OK || rc == E_INVALID)) { show_new(r, &f, NULL); return; }
	int64_t id = 0;
	/* after a reading error the round's own checks still run (votes_create
	** writes nothing while fe holds one): every problem of the form at once,
	** not the voters and candidates missing only once the rest is right */
	if (rc == E_OK || (rc == E_INVALID && fe.n)) rc = votes_create(r->db, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The vote was created: record who is present if needed, then open it"));
		reply_redirect(r, arena_printf(&r->a, "/votes/%lld", (long long)id));
		return;
	}
	if (rc == E_INVALID) { show_new(r, &f, &fe); return; }
	reply_fail(r, rc, &fe);
}

/* the edit form of a draft round: after a failed post, what was typed
** (text fields NULL: the form shows the posted text); else the round */
const struct vote_form *vote_edit_form(struct req *r, const struct vote_round *v, const struct vote_voter *voters, int nvoters)
{
	struct vote_form *f = arena_alloc(&r->a, sizeof *f);
	memset(f, 0, sizeof *f);
	const char *what = r->method == M_POST ? req_form(r, "what") : NULL;
	if (what && !strcmp(what, "edit")) {
		struct vote_in in;
		struct field_errors ignore = { 0 };
		read_vote(r, &in, f, &ignore);
		f->base = req_form(r, "base");
	}
	if (v->proposal_id) {
		struct proposal *p;
		if (proposals_get(r->db, &r->a, v->proposal_id, r->lang, &p) == E_OK) {
			f->nominees = p->nom;
			f->nnominees = p->nnom;
		}
	}
	f->proposal_title = v->proposal_title;
	if (what && !strcmp(what, "edit")) return f;
	f->title = v->title;
	struct buf b;
	buf_init(&b);
	vote_pct(&b, r, v->threshold_bp);
	f->threshold = arena_strdup(&r->a, buf_cstr(&b));
	buf_reset(&b);
	if (v->has_quota) {
		vote_pct(&b, r, v->quota_bp);
		f->quota_pct = arena_strdup(&r->a, buf_cstr(&b));
		f->quota_of = arena_printf(&r->a, "%lld", (long long)v->quota_of);
	}
	buf_free(&b);
	f->base = v->base;
	f->max_choices = v->max_choices ? arena_printf(&r->a, "%lld", (long long)v->max_choices) : "";
	int64_t *vids = arena_alloc(&r->a, sizeof *vids * (size_t)(nvoters + 1));
	for (int i = 0; i < nvoters; i++) vids[i] = voters[i].user_id;
	f->voter_ids = vids;
	f->nvoters = nvoters;
	int64_t *units = arena_alloc(&r->a, sizeof *units * (size_t)(v->ncand + 1)), *people = arena_alloc(&r->a, sizeof *people * (size_t)(v->ncand + 1)),
		*noms = arena_alloc(&r->a, sizeof *noms * (size_t)(v->ncand + 1));
	struct buf labels;
	buf_init(&labels);
	for (int i = 0; i < v->ncand; i++) {
		const struct vote_candidate *c = &v->cand[i];
		if (c->nominee_id) noms[f->ncandidate_nominees++] = c->nominee_id;
		else if (c->person_id) people[f->ncandidate_people++] = c->person_id;
		else if (c->unit_id) units[f->ncandidate_units++] = c->unit_id;
		else buf_printf(&labels, "%s\n", c->label);
	}
	f->candidate_units = units;
	f->candidate_people = people;
	f->candidate_nominees = noms;
	f->labels = arena_strdup(&r->a, buf_cstr(&labels));
	buf_free(&labels);
	return f;
}

int vote_form_has(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id) return 1;
	return 0;
}

static struct vote_voter *read_voters(struct req *r, int64_t id, int *n)
{
	*n = 0;
	int64_t count = 0;
	db_int1(r->db, &count, "SELECT count(*) FROM vote_voters WHERE round_id = $1", "i", id);
	struct vote_voter *v = arena_alloc(&r->a, sizeof *v * (size_t)(count + 1));
	struct stmt *st = db_query(r->db,
				   "SELECT w.user_id, us.login, us.full_name, w.present FROM vote_voters w JOIN users us ON us.id = w.user_id "
				   "WHERE w.round_id = $1 ORDER BY us.full_name, us.login",
				   "i", id);
	while (st && *n < count && db_step(st) == DB_ROW) {
		v[*n].user_id = db_int(st, 0);
		v[*n].login = arena_strdup(&r->a, db_text(st, 1));
		v[*n].full_name = arena_strdup(&r->a, db_text(st, 2));
		v[*n].present = (int)db_int(st, 3);
		(*n)++;
	}
	db_done(st);
	return v;
}

/* the page of a round; receipt: the code just given (shown once), or a code
** checked; chosen: that receipt's choices */
static void show_vote(struct req *r, struct vote_round *v, const struct field_errors *fe, const char *receipt, const int64_t *chosen,
		      int nchosen, int checked)
{
	if (fe && fe->n) r->status = 422;
	int can_run = votes_may_run(r->user, v);
	int nvoters = 0;
	struct vote_voter *voters = can_run ? read_voters(r, v->id, &nvoters) : NULL;
	struct vote_quota q = { 0 };
	if (!strcmp(v->status, "closed")) votes_quota(v, &q);
	votes_localise(&r->a, v, 1, r->lang);
	page_begin(r, v->title, "votes");
	tmpl_vote_page(&r->out, r, v, can_run, voters, nvoters, &q, fe, receipt, chosen, nchosen, checked);
	page_end(r);
}

/* the round's page with the check of a receipt code */
static void show_receipt_check(struct req *r, struct vote_round *v, const char *code)
{
	int64_t ids[VOTES_MAX_CANDIDATES];
	int n = 0;
	int rc = votes_receipt(r->db, v->id, code, ids, VOTES_MAX_CANDIDATES, &n);
	if (rc != E_OK && rc != E_NOTFOUND) { reply_fail(r, rc, NULL); return; }
	show_vote(r, v, NULL, code, rc == E_OK ? ids : NULL, n, rc == E_OK ? 1 : -1);
}

void page_vote(struct req *r)
{
	struct vote_round *v = load(r);
	if (!v) return;
	/* ?receipt=CODE: an address kept from before the check was a POST (the
	 * page's form posts the code: no receipt in the browser's history or in
	 * a proxy's log of addresses) */
	const char *code = req_query(r, "receipt");
	if (code && *code) { show_receipt_check(r, v, code); return; }
	show_vote(r, v, NULL, NULL, NULL, 0, 0);
}

/* one form of the round's page: what= present | open | close | ballot */
void page_vote_post(struct req *r)
{
	const char *what = req_form(r, "what");
	if (what && !strcmp(what, "receipt")) {
		struct vote_round *v = load(r);
		if (!v) return;
		const char *code = req_form(r, "receipt");
		if (code && *code) show_receipt_check(r, v, code);
		else show_vote(r, v, NULL, NULL, NULL, 0, 0);
		return;
	}
	int ballot = !what || (strcmp(what, "present") && strcmp(what, "open") && strcmp(what, "edit") && strcmp(what, "close"));
	struct vote_round *v = load_for(r, ballot);
	if (!v) return;
	struct field_errors fe = { 0 };
	int rc;
	const char *done = NULL;
	char receipt[VOTES_RECEIPT_LEN + 1] = "";
	if (what && !strcmp(what, "present")) {
		int n, given;
		int64_t *ids = read_users(r, "present", &n, &given, &fe);
		rc = fe.n ? E_INVALID : votes_set_present(r->db, r->user, v->id, ids, n, &fe);
		done = N_("Who is present was recorded");
	} else if (what && !strcmp(what, "open")) {
		rc = votes_open(r->db, r->user, v->id, &fe);
		done = N_("The vote is open");
	} else if (what && !strcmp(what, "edit")) {
		/* a picker of the edit form searched: the page again as typed (vote_edit_form), nothing saved */
		if (pick_step(r)) { show_vote(r, v, NULL, NULL, NULL, 0, 0); return; }
		int64_t version = require_version(r, &fe);
		struct vote_in in;
		struct vote_form f;
		unsigned set = read_update(r, v->id, &in, &f, &fe);
		rc = fe.n ? E_INVALID : votes_update(r->db, r->user, v->id, version, &in, set, &fe);
		done = N_("The vote was saved");
	} else if (what && !strcmp(what, "close")) {
		rc = votes_close(r->db, r->user, v->id, &fe);
		done = N_("The vote is closed and the result published");
	} else {
		int n;
		int64_t *choices = read_choices(r, &n, &fe);
		rc = fe.n ? E_INVALID : votes_cast(r->db, r->user, v->id, choices, n, &fe, receipt);
		if (rc == E_FORBIDDEN) { refuse_ballot(r, v); return; }
		if (rc == E_INVALID) {
			/* a refused ballot (too many choices, one twice) comes back with
			** the boxes the voter ticked, to the voter alone: never cached */
			struct vote_round *again;
			if (votes_get(r->db, &r->a, v->id, r->user, &again) != E_OK) { reply_fail(r, E_DB, NULL); return; }
			req_set_header(r, "Cache-Control", "no-store");
			show_vote(r, again, &fe, NULL, choices, n, 0);
			return;
		}
		if (rc == E_OK) {
			/* the receipt is shown once, on this answer, never stored in clear */
			struct vote_round *again;
			if (votes_get(r->db, &r->a, v->id, r->user, &again) != E_OK) { reply_fail(r, E_DB, NULL); return; }
			req_set_header(r, "Cache-Control", "no-store");
			show_vote(r, again, NULL, receipt, NULL, 0, 0);
			return;
		}
	}
	if (rc == E_OK) {
		flash_set(r, done);
		reply_redirect(r, arena_printf(&r->a, "/votes/%lld", (long long)v->id));
		return;
	}
	/* a draft saved by someone else meanwhile: the edit form again over the
	** new version, with what was typed, rather than a page that loses it */
	int stale = rc == E_CONFLICT && !fe.n && what && !strcmp(what, "edit");
	if (rc == E_INVALID || rc == E_STATE || stale) {
		struct vote_round *again;
		if (votes_get(r->db, &r->a, v->id, r->user, &again) == E_OK) {
			if (stale) {
				form_conflict(r, again->version);
				show_vote(r, again, NULL, NULL, NULL, 0, 0);
				return;
			}
			if (rc == E_STATE) r->status = 409;
			show_vote(r, again, &fe, NULL, NULL, 0, 0);
			if (rc == E_STATE) r->status = 409;
			return;
		}
	}
	reply_fail(r, rc, &fe);
}

void votes_cluster_section(struct buf *o, struct req *r, int64_t cluster_year_id)
{
	struct vote_round *items;
	int n, hidden;
	if (votes_of_cluster_year(r->db, &r->a, cluster_year_id, r->user, &items, &n, &hidden) != E_OK) return;
	votes_localise(&r->a, items, n, r->lang);
	/* "hold a vote here": who runs votes and organises the cluster (votes_create's rule) */
	int can_run = role_can_any(r->user, PERM_RUN_VOTES) && votes_may_hold_at(r->db, r->user, cluster_year_id) == 1;
	tmpl_votes_of_cluster(o, r, cluster_year_id, items, n, hidden, can_run);
}

void votes_proposal_section(struct buf *o, struct req *r, int64_t proposal_id)
{
	struct vote_round *items;
	int n;
	if (votes_of_proposal(r->db, &r->a, proposal_id, r->user, &items, &n) != E_OK) return;
	votes_localise(&r->a, items, n, r->lang);
	int can_run = role_can_any(r->user, PERM_RUN_VOTES);
	tmpl_votes_of_proposal(o, r, proposal_id, items, n, can_run);
}
