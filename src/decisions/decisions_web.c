/* Award decisions over HTTP (decisions_web.h):
**   POST /api/v1/decisions                      from a proposal or with a list of nominees
**   GET  /api/v1/decisions[?authority=CODE&status=&year=&limit=&offset=]
**   GET  /api/v1/decisions/{id}
**   POST /api/v1/decisions/{id}/revoke          {"reason", "version"}
**   GET  /api/v1/decisions/{id}/certificates/{N}.pdf, …/pdf, …/export?format=csv|xlsx
**   GET  /api/v1/verify/{code}                  public
** and the pages /decisions, /decisions/{id} (with the same downloads under
** /decisions/{id}/…), the public /verify, /verify/{code} and /verify/keys. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "../movements/movements.h"
#include "../units/units.h"
#include "decisions_web.h"
#include "tmpl_decisions.h"

/* ---- reading a decision ---- */

enum {
	DF_PROPOSAL, DF_PROPOSAL_VERSION, DF_AUTHORITY, DF_AUTHORITY_NAME, DF_NUMBER, DF_DATE, DF_YEAR, DF_SIGNER, DF_SIGNER_TITLE,
	DF_PLACE, DF_CITATION, DF_MOVEMENT, DF_AUTHORITY_ID, DF_MOVEMENT_ID, DF_N
};
static const struct field_spec decision_fields[DF_N + 1] = {
	[DF_PROPOSAL] = { "proposal_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[DF_PROPOSAL_VERSION] = { "proposal_version", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[DF_AUTHORITY] = { "authority_code", F_TEXT, 0, 32, 0, 0, NULL },
	[DF_AUTHORITY_NAME] = { "authority_name", F_TEXT, 0, 300, 0, 0, NULL },
	[DF_NUMBER] = { "number", F_TEXT, 1, 100, 0, 0, NULL },
	[DF_DATE] = { "date", F_DATE, 1, 10, 0, 0, NULL },
	[DF_YEAR] = { "year", F_INT, 0, 0, 1945, 2200, NULL },
	[DF_SIGNER] = { "signer", F_TEXT, 1, 200, 0, 0, NULL },
	[DF_SIGNER_TITLE] = { "signer_title", F_TEXT, 1, 200, 0, 0, NULL },
	[DF_PLACE] = { "place", F_TEXT, 0, 100, 0, 0, NULL },
	[DF_CITATION] = { "citation", F_TEXT, 0, 1000, 0, 0, NULL },
	[DF_MOVEMENT] = { "movement_code", F_TEXT, 0, 32, 0, 0, NULL },
	[DF_AUTHORITY_ID] = { "authority_id", F_INT, 0, 0, 1, INT64_MAX, NULL }, /* the form's pickers */
	[DF_MOVEMENT_ID] = { "movement_id", F_INT, 0, 0, 1, INT64_MAX, NULL },
	[DF_N] = { NULL, 0, 0, 0, 0, 0, NULL },
};

/* a nominee named by code: kind 'p' a person's, 'u' a unit's, 'e' either
** (a person's code first) */
static void name_nominee(struct req *r, struct decision_nominee_in *x, const char *code, char kind, const char *award, int i,
			 struct field_errors *fe)
{
	const char *field = arena_printf(&r->a, "nominees[%d]", i);
	x->award = award;
	x->ref = code;
	if (!code || !*code) fe_add(fe, field, N_("Give a person_code or a unit_code"));
	else if (kind != 'u' && db_int1(r->db, &x->person_id, "SELECT id FROM people WHERE code = $1", "t", code) == DB_ROW) x->unit_id = 0;
	else if (kind != 'p' && units_find_code(r->db, code, &x->unit_id) == E_OK) x->person_id = 0;
	else {
		x->person_id = x->unit_id = 0;
		fe_add(fe, field, kind == 'p' ? N_("No person has this code") : kind == 'u' ? N_("No unit has this code") : N_("No person or unit has this code"));
	}
	if (!award || !*award) fe_add(fe, field, N_("Give the award's code"));
}

/* JSON: "nominees": [{"person_code"|"unit_code", "award"}] */
static int read_json_nominees(struct req *r, struct decision_in *in, struct field_errors *fe)
{
	json_t *arr = json_object_get(r->json, "nominees");
	if (!arr || json_is_null(arr)) return 0;
	if (!json_is_array(arr)) { fe_add(fe, "nominees", N_("Must be a list")); return -1; }
	size_t n = json_array_size(arr);
	if (n > DECISION_MAX_NOMINEES) { fe_add(fe, "nominees", N_("Too many nominees for one decision")); return -1; }
	struct decision_nominee_in *xs = arena_alloc(&r->a, sizeof *xs * (n + 1));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(arr, i);
		const char *field = arena_printf(&r->a, "nominees[%zu]", i);
		if (!json_is_object(o)) { fe_add(fe, field, N_("Must be an object")); continue; }
		json_t *p = json_object_get(o, "person_code"), *u = json_object_get(o, "unit_code"), *aw = json_object_get(o, "award");
		if ((p && !json_is_string(p)) || (u && !json_is_string(u)) || (aw && !json_is_string(aw))) {
			fe_add(fe, field, N_("Must be text"));
			continue;
		}
		const char *ps = p ? json_string_value(p) : NULL, *us = u ? json_string_value(u) : NULL;
		if (ps && us) { fe_add(fe, field, N_("Give either a person or a unit")); continue; }
		name_nominee(r, &xs[i], ps ? ps : us, ps ? 'p' : 'u', aw ? json_string_value(aw) : NULL, (int)i, fe);
	}
	in->nominees = xs;
	in->nnominees = (int)n;
	return 0;
}

/* the number of nominee rows the form shows (and posts) */
static int64_t form_rows(struct req *r)
{
	int64_t rows = DECISION_FORM_ROWS;
	const char *v = req_form(r, "rows");
	if (v && parse_id(v, &rows) != 0) rows = DECISION_FORM_ROWS;
	return rows < 1 ? 1 : rows > DECISION_FORM_MAX_ROWS ? DECISION_FORM_MAX_ROWS : rows;
}

/* the form: the rows of pickers (nK_person_id or nK_unit_id, nK_award),
** then the pasted text, one nominee a line, "CODE AWARD" (a person's or a
** unit's code) */
static int read_form_nominees(struct req *r, struct decision_in *in, struct field_errors *fe)
{
	const char *text = req_form(r, "nominees");
	int rows = (int)form_rows(r);
	int cap = rows + 1;
	for (const char *p = text ? text : ""; *p; p++) cap += *p == '\n';
	if (cap > DECISION_MAX_NOMINEES) { fe_add(fe, "nominees", N_("Too many nominees for one decision")); return -1; }
	struct decision_nominee_in *xs = arena_alloc(&r->a, sizeof *xs * (size_t)(cap + 1));
	int n = 0;
	for (int i = 0; i < rows; i++) {
		int64_t person = pick_form_id(r, arena_printf(&r->a, "n%d_person_id", i)), unit = pick_form_id(r, arena_printf(&r->a, "n%d_unit_id", i));
		const char *award = req_form(r, arena_printf(&r->a, "n%d_award", i));
		if (award && !*award) award = NULL;
		if (!person && !unit && !award) continue; /* an empty row */
		const char *field = arena_printf(&r->a, "nominees[%d]", n);
		struct decision_nominee_in *x = &xs[n++];
		x->award = award;
		x->person_id = person;
		x->unit_id = person ? 0 : unit;
		if (person && unit) fe_add(fe, field, N_("Give either a person or a unit"));
		else if (person) {
			struct stmt *st = db_query(r->db, "SELECT code FROM people WHERE id = $1", "i", person);
			if (st && db_step(st) == DB_ROW) x->ref = arena_strdup(&r->a, db_text(st, 0));
			else fe_add(fe, field, N_("No such record"));
			db_done(st);
		} else if (unit) {
			struct unit *u;
			if (units_get(r->db, &r->a, unit, &u) == E_OK) x->ref = u->code;
			else fe_add(fe, field, N_("No such record"));
		} else fe_add(fe, field, N_("Choose a person or a collective"));
		if (!award) fe_add(fe, field, N_("Choose the award"));
	}
	char *copy = arena_strdup(&r->a, text ? text : ""), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ws = NULL;
		const char *code = strtok_r(line, " \t\r,;", &ws), *award = strtok_r(NULL, " \t\r,;", &ws);
		if (!code) continue;
		name_nominee(r, &xs[n], code, 'e', award, n, fe);
		n++;
	}
	in->nominees = xs;
	in->nnominees = n;
	return 0;
}

/* dflt_authority: the page's form, where an empty authority is the officer's own unit */
static int read_decision(struct req *r, struct decision_in *in, struct field_errors *fe, const char *dflt_authority)
{
	struct input v;
	memset(in, 0, sizeof *in);
	in->lang = r->lang;
	input_read(r, decision_fields, &v, fe, 0);
	in->proposal_id = v.i[DF_PROPOSAL];
	in->proposal_version = v.i[DF_PROPOSAL_VERSION];
	in->authority_name = v.s[DF_AUTHORITY_NAME];
	in->number = v.s[DF_NUMBER];
	in->decided_on = v.s[DF_DATE];
	in->year = v.i[DF_YEAR];
	in->signer_name = v.s[DF_SIGNER];
	in->signer_title = v.s[DF_SIGNER_TITLE];
	in->place = v.s[DF_PLACE];
	in->citation = v.s[DF_CITATION];
	const char *authority = v.s[DF_AUTHORITY] ? v.s[DF_AUTHORITY] : !in->proposal_id && !v.i[DF_AUTHORITY_ID] ? dflt_authority : NULL;
	if (v.i[DF_AUTHORITY_ID]) {
		struct unit *u;
		if (authority) fe_add(fe, "authority_code", N_("Give either authority_id or authority_code"));
		else if (units_get(r->db, &r->a, v.i[DF_AUTHORITY_ID], &u) != E_OK) fe_add(fe, "authority_code", N_("No such record"));
		else in->authority_id = u->id;
	} else if (authority && units_find_code(r->db, authority, &in->authority_id) != E_OK)
		fe_add(fe, "authority_code", N_("No unit has this code"));
	if (v.s[DF_MOVEMENT] && movements_find_code(r->db, v.s[DF_MOVEMENT], &in->movement_id) != E_OK)
		fe_add(fe, "movement_code", N_("No movement has this code"));
	if (v.i[DF_MOVEMENT_ID]) {
		struct movement *m;
		if (v.s[DF_MOVEMENT]) fe_add(fe, "movement_code", N_("Give either movement_id or movement_code"));
		else if (movements_get(r->db, &r->a, v.i[DF_MOVEMENT_ID], &m) != E_OK) fe_add(fe, "movement_code", N_("No such record"));
		else in->movement_id = m->id;
	}
	if (!in->proposal_id && !authority && !in->authority_id && !fe_get(fe, "authority_code")) fe_add(fe, "authority_code", N_("Is required"));
	if (r->json) read_json_nominees(r, in, fe);
	else read_form_nominees(r, in, fe);
	if (in->proposal_id && in->nnominees) fe_add(fe, "nominees", N_("A decision from a proposal takes the proposal's nominees"));
	return fe->n ? E_INVALID : E_OK;
}

static const char *default_authority(struct req *r);

/* ---- the decision, readable by the user; NULL after replying ---- */

static struct decision *readable_decision(struct req *r)
{
	int64_t id = param_id_or_404(r, 0);
	if (!id) return NULL;
	struct decision *d;
	int rc = decisions_get(r->db, &r->a, id, r->lang, &d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return NULL; }
	return require(r, PERM_READ, d->authority_path) ? d : NULL;
}

/* ---- API ---- */

static const char *const statuses[] = { "issued", "revoked", NULL };

void api_decisions_list(struct req *r)
{
	struct decision_query q = { .reader = r->user };
	q.limit = query_int(r, "limit", 50, 1, 500);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	q.year = query_int(r, "year", 0, 1945, 2200);
	q.status = query_choice(r, "status", statuses);
	if (query_bad(r)) return;
	const char *code = req_query(r, "authority");
	if (code && *code && units_find_code(r->db, code, &q.authority_id) != E_OK) {
		reply_error(r, 404, "not_found", N_("No unit has this code"));
		return;
	}
	struct decision *items;
	int n;
	int64_t total;
	int rc = decisions_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	struct jw w;
	reply_list_begin(r, &w);
	for (int i = 0; i < n; i++) decision_json(&w, &items[i], 0);
	reply_list_end(&w, total, q.limit, q.offset);
}

static void reply_decision(struct req *r, int status, int64_t id)
{
	struct decision *d;
	int rc = decisions_get(r->db, &r->a, id, r->lang, &d);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	if (status == 201) reply_created(r, arena_printf(&r->a, "/api/v1/decisions/%lld", (long long)id));
	struct jw w;
	jw_init(&w, &r->out);
	decision_json(&w, d, 1);
	reply_json(r, status);
}

void api_decision_create(struct req *r)
{
	struct field_errors fe = { 0 };
	struct decision_in in;
	read_decision(r, &in, &fe, NULL);
	/* the reading's errors go in; the domain adds its own and then writes nothing */
	int64_t id = 0;
	int rc = decisions_create(r->db, &r->a, r->user, &in, &fe, &id);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_decision(r, 201, id);
}

void api_decision_get(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (!d) return;
	struct jw w;
	jw_init(&w, &r->out);
	decision_json(&w, d, 1);
	reply_json(r, 200);
}

static int revoke(struct req *r, struct decision *d, struct field_errors *fe)
{
	const char *reason = r->json ? json_string_value(json_object_get(r->json, "reason")) : req_form(r, "reason");
	if (reason) {
		while (*reason == ' ') reason++;
		if (!*reason) reason = NULL;
	}
	int64_t version = require_version(r, fe);
	if (!reason) fe_add(fe, "reason", N_("Give the reason of the revocation"));
	if (fe->n) return E_INVALID;
	return decisions_revoke(r->db, r->user, d->id, version, reason, fe);
}

void api_decision_revoke(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (!d) return;
	struct field_errors fe = { 0 };
	int rc = revoke(r, d, &fe);
	if (rc != E_OK) { reply_fail(r, rc, &fe); return; }
	reply_decision(r, 200, d->id);
}

/* a document of the decision: PDF bytes as an attachment */
static void reply_pdf(struct req *r, const char *name, int (*make)(struct req *r, const struct decision *d, const void *ctx, FILE *f),
		      const struct decision *d, const void *ctx)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f) { reply_fail(r, E_DB, NULL); return; }
	int rc = make(r, d, ctx, f);
	fclose(f);
	if (rc != 0) { free(data); reply_fail(r, E_DB, NULL); return; }
	r->status = 200;
	r->ctype = "application/pdf";
	req_set_header(r, "Content-Disposition", arena_printf(&r->a, "attachment; filename=\"%s\"", name));
	req_set_header(r, "Cache-Control", "private, no-store");
	buf_add(&r->out, data, len);
	free(data);
}

static const char *doc_lang(struct req *r)
{
	const char *lang = req_query(r, "lang");
	return lang && i18n_known(lang) ? lang : r->lang;
}

static int make_cert(struct req *r, const struct decision *d, const void *ctx, FILE *f)
{
	return cert_pdf(r->db, &r->a, d, ctx, f);
}

static int make_decision(struct req *r, const struct decision *d, const void *ctx, FILE *f)
{
	(void)ctx;
	return decision_pdf(r->db, &r->a, d, f);
}

/* a file name from a decision's number: "1234-QD-UBND" (ASCII, no '/') */
static const char *file_stem(struct req *r, const struct decision *d)
{
	struct buf b;
	buf_init(&b);
	fold_text(&b, d->number);
	char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')) *p = '-';
	return *s ? s : "decision";
}

void decision_certificate(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (!d) return;
	/* "3.pdf": the nominee's place in the decision */
	const char *file = r->params[1];
	size_t n = strlen(file);
	int64_t position = 0;
	char num[24];
	if (n < 5 || n > 20 || strcmp(file + n - 4, ".pdf") != 0) { reply_fail(r, E_NOTFOUND, NULL); return; }
	snprintf(num, sizeof num, "%.*s", (int)(n - 4), file);
	const struct decision_nominee *x = parse_id(num, &position) == 0 ? decision_nominee_at(d, position) : NULL;
	if (!x) { reply_fail(r, E_NOTFOUND, NULL); return; }
	reply_pdf(r, arena_printf(&r->a, "%s-%lld.pdf", file_stem(r, d), (long long)position), make_cert, d, x);
}

void decision_pdf_download(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (d) reply_pdf(r, arena_printf(&r->a, "%s.pdf", file_stem(r, d)), make_decision, d, NULL);
}

static int write_export(struct req *r, FILE *f, const char *format, const void *ctx)
{
	return decision_export(r->db, ctx, f, format, doc_lang(r));
}

void decision_export_download(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (!d) return;
	const char *format = reply_sheet_format(r, "xlsx");
	if (format) reply_sheet(r, file_stem(r, d), format, write_export, d);
}

/* the recipient's civil-servant code is not printed on the certificate:
** the public sees what the paper shows, who may read the decision sees the
** code too (it stays in the signed payload, which verification compares) */
static void public_fields(struct req *r, struct cert_check *c)
{
	if (!c->found) return;
	int64_t unit = 0;
	char path[UNIT_PATH_MAX];
	if (r->user && c->authority_code && units_find_code(r->db, c->authority_code, &unit) == E_OK &&
	    units_path(r->db, unit, path, sizeof path) == E_OK && role_can(r->user, PERM_READ, path))
		return;
	c->now.recipient_code = NULL;
	c->was.recipient_code = NULL;
}

void api_verify(struct req *r)
{
	struct cert_check c;
	int rc = certs_verify(r->db, &r->a, r->params[0], &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	public_fields(r, &c);
	req_set_header(r, "Cache-Control", "no-store");
	struct jw w;
	jw_init(&w, &r->out);
	cert_check_json(&w, &c, r->lang);
	reply_json(r, 200);
}

void page_verify_keys(struct req *r)
{
	struct jw w;
	jw_init(&w, &r->out);
	int rc = signing_keys_json(r->db, &w);
	if (rc != E_OK) { buf_reset(&r->out); reply_fail(r, rc, NULL); return; }
	reply_json(r, 200);
}

/* ---- pages ---- */

const char *cert_status_label(struct req *r, enum cert_status s)
{
	static const char *const words[] = { N_("Valid"), N_("Not valid"), N_("Revoked"), N_("Unknown") };
	return _(words[s]);
}

const char *cert_field_label(struct req *r, int which)
{
	static const char *const words[CF_N] = {
		[CF_CODE] = N_("Certificate code"), [CF_RECIPIENT] = N_("Recipient"), [CF_RECIPIENT_CODE] = N_("Recipient's code"),
		[CF_AWARD] = N_("Award code"), [CF_AWARD_NAME] = N_("Award"), [CF_DECISION] = N_("Decision"),
		[CF_DECIDED_ON] = N_("Date of the decision"), [CF_AUTHORITY] = N_("Issued by"), [CF_YEAR] = N_("Year"),
		[CF_SIGNER_TITLE] = N_("Signer's title"), [CF_SIGNER] = N_("Signed by"),
	};
	return which >= 0 && which < CF_N ? _(words[which]) : "";
}

/* the approved proposals the user may decide */
static struct decision_choice *approved_proposals(struct req *r, int *n)
{
	*n = 0;
	int64_t count = 0;
	db_int1(r->db, &count, "SELECT count(*) FROM proposals WHERE stage = 'approved'", "");
	struct decision_choice *c = arena_alloc(&r->a, sizeof *c * (size_t)(count + 1));
	struct stmt *st = db_query(r->db,
				   "SELECT p.id, p.code, p.title, u.path FROM proposals p JOIN units u ON u.id = p.holder_id "
				   "WHERE p.stage = 'approved' ORDER BY p.id",
				   "");
	while (st && *n < count && db_step(st) == DB_ROW) {
		if (!role_can(r->user, PERM_DECIDE, db_text(st, 3))) continue;
		c[*n] = (struct decision_choice){ db_int(st, 0), arena_strdup(&r->a, db_text(st, 1)), arena_strdup(&r->a, db_text(st, 2)) };
		(*n)++;
	}
	db_done(st);
	return c;
}

/* the unit the form proposes as the authority: the user's first grant where they may decide */
static const struct grant *deciding_grant(struct req *r)
{
	for (int i = 0; r->user && i < r->user->ngrants; i++)
		if (role_can(r->user, PERM_DECIDE, r->user->grants[i].unit_path)) return &r->user->grants[i];
	return NULL;
}

static const char *default_authority(struct req *r)
{
	const struct grant *g = deciding_grant(r);
	struct unit *u;
	return g && units_get(r->db, &r->a, g->unit_id, &u) == E_OK ? u->code : NULL;
}

/* the award's name column in the reader's language */
static const char *award_name_col(struct req *r)
{
	return r->lang && !strcmp(r->lang, "en") ? "a.name_en" : r->lang && !strcmp(r->lang, "hi") ? "a.name_hi" : "a.name_vi";
}

/* the names of the nominees of a decision that failed, in the order of its
** errors' "nominees[i]": the proposal's or the form's, each with its award
** ("Nguyễn Thị Thu Hà — Chiến sĩ thi đua cơ sở"): a person proposed for two
** awards is named twice, and the message says which of the two is wrong */
static const char **nominee_names(struct req *r, const struct decision_in *in, int *n)
{
	*n = 0;
	int64_t count = in->nnominees;
	if (in->proposal_id > 0 &&
	    db_int1(r->db, &count, "SELECT count(*) FROM proposal_nominees WHERE proposal_id = $1", "i", in->proposal_id) != DB_ROW)
		return NULL;
	const char **names = arena_alloc(&r->a, sizeof *names * (size_t)(count + 1));
	if (in->proposal_id > 0) {
		const char *sql = arena_printf(&r->a,
					       "SELECT COALESCE(p.full_name, u.name, ''), COALESCE(%s, '') FROM proposal_nominees x "
					       "LEFT JOIN people p ON p.id = x.person_id LEFT JOIN units u ON u.id = x.unit_id "
					       "LEFT JOIN awards a ON a.code = x.award_code WHERE x.proposal_id = $1 ORDER BY x.position, x.id",
					       award_name_col(r));
		struct stmt *st = db_query(r->db, sql, "i", in->proposal_id);
		while (st && *n < count && db_step(st) == DB_ROW) {
			const char *award = db_text(st, 1);
			names[(*n)++] = award && *award ? arena_printf(&r->a, "%s — %s", db_text(st, 0), award) : arena_strdup(&r->a, db_text(st, 0));
		}
		db_done(st);
		return names;
	}
	const char *award_sql = arena_printf(&r->a, "SELECT %s FROM awards a WHERE a.code = $1", award_name_col(r));
	for (int i = 0; i < in->nnominees; i++) {
		const struct decision_nominee_in *x = &in->nominees[i];
		const char *name = NULL;
		struct stmt *st = x->person_id ? db_query(r->db, "SELECT full_name FROM people WHERE id = $1", "i", x->person_id)
			: x->unit_id ? db_query(r->db, "SELECT name FROM units WHERE id = $1", "i", x->unit_id) : NULL;
		if (st && db_step(st) == DB_ROW) name = arena_strdup(&r->a, db_text(st, 0));
		db_done(st);
		if (!name) name = x->ref && *x->ref ? x->ref : NULL;
		st = name && x->award && *x->award ? db_query(r->db, award_sql, "t", x->award) : NULL;
		if (st && db_step(st) == DB_ROW && db_text(st, 0)) name = arena_printf(&r->a, "%s — %s", name, db_text(st, 0));
		db_done(st);
		names[(*n)++] = name;
	}
	return names;
}

/* the index k of a "nominees[k]" error, -1 for another field */
static int nominee_index(const char *field) { return strncmp(field, "nominees[", 9) ? -1 : atoi(field + 9); }

/* the errors as the page lists them: the decision's own first, then each
** nominee's in the order of the rows and lines typed (the checks find them
** pass by pass: unknown codes, then scope, then the award's kind), each
** nominee's in the order found; stable, in place */
static void order_errors(struct field_errors *fe)
{
	for (int i = 1; i < fe->n; i++) {
		const char *f = fe->field[i], *m = fe->msg[i];
		int k = nominee_index(f), j = i;
		for (; j > 0 && nominee_index(fe->field[j - 1]) > k; j--) {
			fe->field[j] = fe->field[j - 1];
			fe->msg[j] = fe->msg[j - 1];
		}
		fe->field[j] = f;
		fe->msg[j] = m;
	}
}

static void decisions_page(struct req *r, const struct field_errors *fe, const struct decision_in *in)
{
	struct decision_query q = { .reader = r->user };
	q.limit = query_int(r, "limit", 50, 1, 500);
	q.offset = query_int(r, "offset", 0, 0, INT64_MAX);
	if (query_bad(r)) return;
	struct decision *items;
	int n;
	int64_t total;
	int rc = decisions_list(r->db, &r->a, &q, &items, &n, &total);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	int can_decide = role_can_any(r->user, PERM_DECIDE), np = 0;
	struct decision_choice *props = can_decide ? approved_proposals(r, &np) : NULL;
	struct decision_form f = { .rows = (int)form_rows(r) };
	if (can_decide) {
		const struct grant *g = deciding_grant(r);
		/* a proposal is decided by the level that approved it: with proposals
		** to decide, the empty choice (that level; without a proposal the
		** officer's unit), else the officer's unit */
		f.authority_id = r->method == M_POST ? pick_form_id(r, "authority_id") : np > 0 ? 0 : g ? g->unit_id : 0;
		f.movement_id = r->method == M_POST ? pick_form_id(r, "movement_id") : 0;
		f.proposal_id = r->method == M_POST ? pick_form_id(r, "proposal_id") : 0;
		if (in && fe && fe->n) f.names = nominee_names(r, in, &f.nnames);
		if (r->method == M_POST && req_form(r, "more")) f.rows = f.rows + DECISION_FORM_ROWS > DECISION_FORM_MAX_ROWS ? DECISION_FORM_MAX_ROWS : f.rows + DECISION_FORM_ROWS;
		struct award *aw;
		awards_list(r->db, &r->a, r->lang, &aw, &f.nawards);
		f.awards = aw;
		f.movements = prop_movements(r, &f.nmovements);
	}
	page_begin(r, _("Award decisions"), "decisions");
	tmpl_decisions_page(&r->out, r, items, n, total, q.limit, q.offset, can_decide, props, np, &f, fe);
	page_end(r);
}

void page_decisions(struct req *r) { decisions_page(r, NULL, NULL); }

void page_decision_create(struct req *r)
{
	/* more nominee rows, or a picker searched: the form again, as typed */
	if (req_form(r, "more") || pick_step(r)) { decisions_page(r, NULL, NULL); return; }
	struct field_errors fe = { 0 };
	struct decision_in in;
	read_decision(r, &in, &fe, default_authority(r));
	int64_t id = 0;
	int rc = decisions_create(r->db, &r->a, r->user, &in, &fe, &id);
	if (rc == E_OK) {
		flash_set(r, N_("The decision was issued and its certificates signed"));
		reply_redirect(r, arena_printf(&r->a, "/decisions/%lld", (long long)id));
		return;
	}
	if (rc != E_INVALID && rc != E_STATE && rc != E_NOTFOUND) { reply_fail(r, rc, &fe); return; }
	r->status = rc == E_STATE ? 409 : 422;
	order_errors(&fe);
	decisions_page(r, &fe, &in);
}

static void decision_view(struct req *r, struct decision *d, const struct field_errors *fe)
{
	int can_decide = role_can(r->user, PERM_DECIDE, d->authority_path);
	page_begin(r, arena_printf(&r->a, "%s %s", _("Decision"), d->number), "decisions");
	tmpl_decision_page(&r->out, r, d, can_decide, fe);
	page_end(r);
}

void page_decision(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (d) decision_view(r, d, NULL);
}

void page_decision_revoke(struct req *r)
{
	struct decision *d = readable_decision(r);
	if (!d) return;
	struct field_errors fe = { 0 };
	int rc = revoke(r, d, &fe);
	if (rc == E_OK) {
		flash_set(r, N_("The decision was revoked; its award records were removed"));
		reply_redirect(r, arena_printf(&r->a, "/decisions/%lld", (long long)d->id));
		return;
	}
	if (rc != E_INVALID) { reply_fail(r, rc, &fe); return; }
	r->status = 422;
	decision_view(r, d, &fe);
}

void page_verify(struct req *r)
{
	struct cert_check c;
	int rc = certs_verify(r->db, &r->a, r->params[0], &c);
	if (rc != E_OK) { reply_fail(r, rc, NULL); return; }
	public_fields(r, &c);
	req_set_header(r, "Cache-Control", "no-store");
	page_begin(r, _("Verify a certificate"), "verify");
	tmpl_verify_page(&r->out, r, r->params[0], &c);
	page_end(r);
}

void page_verify_form(struct req *r)
{
	const char *code = req_query(r, "code");
	char norm[CERT_CODE_LEN + 1];
	if (code && *code) {
		/* a link pasted whole is fine too */
		const char *slash = strrchr(code, '/');
		if (slash) code = slash + 1;
		struct buf b;
		buf_init(&b);
		buf_raw(&b, "/verify/");
		buf_url(&b, cert_code_normalise(code, norm) == 0 ? norm : code);
		reply_redirect(r, arena_strdup(&r->a, buf_cstr(&b)));
		buf_free(&b);
		return;
	}
	page_begin(r, _("Verify a certificate"), "verify");
	/* the page's heading, as the result page has it */
	buf_raw(&r->out, "<h1>");
	buf_html(&r->out, _("Verify a certificate"));
	buf_raw(&r->out, "</h1>\n");
	tmpl_verify_form(&r->out, r);
	page_end(r);
}
