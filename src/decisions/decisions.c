/* Award decisions (decisions.h): created from an approved proposal or with
** a list of nominees, each nominee's award record, money and signed
** certificate written in the same transaction; revoked with a reason. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/i18n.h"
#include "../base/util.h"
#include "../commendation/commendation.h"
#include "../commendation/proposals.h"
#include "../movements/mv_report.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "decisions.h"

const char *decisions_public_url = "http://127.0.0.1:8080";

const char *cert_verify_url(struct arena *a, const char *code) { return arena_printf(a, "%s/verify/%s", decisions_public_url, code); }

/* ---- reading ---- */

#define DEC_COLS                                                                                                                    \
	"d.id, d.authority_id, au.code, au.name, au.path, d.authority_name, d.number, d.decided_on, d.year, d.signer_name, "          \
	"d.signer_title, d.place, d.citation, COALESCE(d.proposal_id, 0), COALESCE(d.movement_id, 0), pr.code, mv.code, mv.title, " \
	"d.total_vnd, d.unpriced, d.status, d.revoked_at, d.revoke_reason, d.version, d.created_at, "                                 \
	"(SELECT count(*) FROM decision_nominees n WHERE n.decision_id = d.id)"
#define DEC_FROM                                                                                                                   \
	" FROM decisions d JOIN units au ON au.id = d.authority_id LEFT JOIN proposals pr ON pr.id = d.proposal_id "                \
	"LEFT JOIN movements mv ON mv.id = d.movement_id"

static void read_decision(struct stmt *st, struct arena *a, struct decision *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_int(st, 0);
	d->authority_id = db_int(st, 1);
	d->authority_code = db_text_dup(st, a, 2);
	d->authority_unit_name = db_text_dup(st, a, 3);
	d->authority_path = db_text_dup(st, a, 4);
	d->authority_name = db_text_dup(st, a, 5);
	d->number = db_text_dup(st, a, 6);
	d->decided_on = db_text_dup(st, a, 7);
	d->year = db_int(st, 8);
	d->signer_name = db_text_dup(st, a, 9);
	d->signer_title = db_text_dup(st, a, 10);
	d->place = db_text_dup(st, a, 11);
	d->citation = db_text_dup(st, a, 12);
	d->proposal_id = db_int(st, 13);
	d->movement_id = db_int(st, 14);
	d->proposal_code = db_text_dup(st, a, 15);
	d->movement_code = db_text_dup(st, a, 16);
	d->movement_title = db_text_dup(st, a, 17);
	d->total_vnd = db_int(st, 18);
	d->unpriced = db_int(st, 19);
	d->status = db_text_dup(st, a, 20);
	d->revoked_at = db_text_dup(st, a, 21);
	d->revoke_reason = db_text_dup(st, a, 22);
	d->version = db_int(st, 23);
	d->created_at = db_text_dup(st, a, 24);
	d->count = db_int(st, 25);
}

static int read_nominees(struct db *db, struct arena *a, struct decision *d, const char *lang)
{
	d->nominees = arena_alloc(a, sizeof *d->nominees * (size_t)(d->count + 1));
	struct stmt *st = db_query(db,
				   "SELECT n.id, n.position, COALESCE(n.person_id, 0), COALESCE(n.unit_id, 0), n.recipient_code, n.recipient_name, "
				   "n.recipient_detail, n.award_code, n.award_name, n.bonus_vnd, COALESCE(n.achievement_id, 0), n.cert_code, n.key_id, "
				   "p.gender FROM decision_nominees n LEFT JOIN people p ON p.id = n.person_id WHERE n.decision_id = $1 "
				   "ORDER BY n.position",
				   "i", d->id);
	if (!st) return E_DB;
	int n = 0;
	while (n < d->count && db_step(st) == DB_ROW) {
		struct decision_nominee *x = &d->nominees[n++];
		x->id = db_int(st, 0);
		x->position = db_int(st, 1);
		x->person_id = db_int(st, 2);
		x->unit_id = db_int(st, 3);
		x->recipient_code = db_text_dup(st, a, 4);
		x->recipient_name = db_text_dup(st, a, 5);
		x->recipient_detail = db_text_dup(st, a, 6);
		x->award_code = db_text_dup(st, a, 7);
		x->award_name = db_text_dup(st, a, 8);
		x->bonus_vnd = db_isnull(st, 9) ? -1 : db_int(st, 9);
		x->achievement_id = db_int(st, 10);
		x->cert_code = db_text_dup(st, a, 11);
		x->key_id = db_text_dup(st, a, 12);
		x->recipient_gender = db_text_dup(st, a, 13);
	}
	db_done(st);
	d->nnominees = n;
	/* the labels after the rows: a label reads the catalogue */
	for (int i = 0; i < n; i++) {
		const char *label = award_name(db, a, d->nominees[i].award_code, lang);
		d->nominees[i].award_label = label ? label : d->nominees[i].award_name;
	}
	return E_OK;
}

int decisions_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct decision **out)
{
	*out = NULL;
	struct stmt *st = db_query(db, "SELECT " DEC_COLS DEC_FROM " WHERE d.id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	struct decision *d = NULL;
	if (s == DB_ROW) {
		d = arena_alloc(a, sizeof *d);
		read_decision(st, a, d);
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	int rc = read_nominees(db, a, d, lang);
	if (rc == E_OK) *out = d;
	return rc;
}

int decisions_list(struct db *db, struct arena *a, const struct decision_query *q, struct decision **items, int *n, int64_t *total)
{
	*items = NULL;
	*n = 0;
	*total = 0;
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM decisions", "") != DB_ROW) return E_DB;
	struct decision *all = arena_alloc(a, sizeof *all * (size_t)(count + 1));
	struct stmt *st = db_query(db,
				   "SELECT " DEC_COLS DEC_FROM
				   " WHERE ($1 = 0 OR d.authority_id = $1) AND ($2 = '' OR d.status = $2) AND ($3 = 0 OR d.year = $3) "
				   "ORDER BY d.decided_on DESC, d.id DESC",
				   "iti", q->authority_id, q->status ? q->status : "", q->year);
	if (!st) return E_DB;
	int k = 0;
	/* a few hundred decisions a year: the scope is checked here, as each is read */
	while (k < count && db_step(st) == DB_ROW) {
		read_decision(st, a, &all[k]);
		if (!role_can(q->reader, PERM_READ, all[k].authority_path)) continue;
		if (*total >= q->offset && (q->limit <= 0 || k < q->limit)) k++;
		(*total)++;
	}
	db_done(st);
	*items = all;
	*n = k;
	return E_OK;
}

const struct decision_nominee *decision_nominee_at(const struct decision *d, int64_t position)
{
	for (int i = 0; i < d->nnominees; i++)
		if (d->nominees[i].position == position) return &d->nominees[i];
	return NULL;
}

void decision_json(struct jw *w, const struct decision *d, int with_nominees)
{
	struct arena a;
	arena_init(&a);
	jw_obj(w);
	jw_kint(w, "id", d->id);
	jw_kstr(w, "number", d->number);
	jw_kstr(w, "decided_on", d->decided_on);
	jw_kint(w, "year", d->year);
	jw_kstr(w, "authority_code", d->authority_code);
	jw_kstr(w, "authority_name", d->authority_name);
	jw_kstr(w, "signer", d->signer_name);
	jw_kstr(w, "signer_title", d->signer_title);
	jw_kstr(w, "place", d->place);
	jw_kstr(w, "citation", d->citation);
	jw_key(w, "proposal_id");
	if (d->proposal_id) jw_int(w, d->proposal_id);
	else jw_null(w);
	jw_kstr(w, "proposal_code", d->proposal_code);
	jw_kstr(w, "movement_code", d->movement_code);
	jw_kstr(w, "status", d->status);
	jw_kstr(w, "revoked_at", d->revoked_at);
	jw_kstr(w, "revoke_reason", d->revoke_reason);
	jw_kint(w, "nominees_count", d->count);
	jw_kint(w, "total_vnd", d->total_vnd);
	jw_kint(w, "not_loaded", d->unpriced);
	jw_kint(w, "version", d->version);
	jw_kstr(w, "created_at", d->created_at);
	jw_kstr(w, "pdf_url", arena_printf(&a, "/api/v1/decisions/%lld/pdf", (long long)d->id));
	jw_kstr(w, "export_url", arena_printf(&a, "/api/v1/decisions/%lld/export", (long long)d->id));
	if (with_nominees) {
		jw_key(w, "nominees");
		jw_arr(w);
		for (int i = 0; i < d->nnominees; i++) {
			const struct decision_nominee *x = &d->nominees[i];
			jw_obj(w);
			jw_kint(w, "position", x->position);
			jw_kstr(w, "subject", x->person_id ? "person" : "collective");
			jw_kstr(w, "recipient_code", x->recipient_code);
			jw_kstr(w, "recipient_name", x->recipient_name);
			jw_kstr(w, "recipient_detail", x->recipient_detail);
			jw_kstr(w, "award", x->award_code);
			jw_kstr(w, "award_name", x->award_label);
			jw_key(w, "bonus_vnd");
			if (x->bonus_vnd >= 0) jw_int(w, x->bonus_vnd);
			else jw_null(w);
			jw_kstr(w, "bonus", x->bonus_vnd >= 0 ? "loaded" : "not_loaded");
			jw_key(w, "achievement_id");
			if (x->achievement_id) jw_int(w, x->achievement_id);
			else jw_null(w);
			jw_kstr(w, "certificate_code", x->cert_code);
			jw_kstr(w, "certificate_url",
				arena_printf(&a, "/api/v1/decisions/%lld/certificates/%lld.pdf", (long long)d->id, (long long)x->position));
			jw_kstr(w, "verify_url", cert_verify_url(&a, x->cert_code));
			jw_kstr(w, "key_id", x->key_id);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
	arena_free(&a);
}

/* the audit's snapshot of a decision: the record and its nominees */
static int snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct decision *d;
	int rc = decisions_get(db, a, id, "vi", &d);
	if (rc == E_OK) decision_json(w, d, 1);
	return rc;
}

/* ---- creating ---- */

/* a text that is absent, or one clean line of at most max bytes */
static void check_text(struct field_errors *fe, const char *field, const char *s, size_t max, int required)
{
	if (!s || !*s) {
		if (required) fe_add(fe, field, N_("Is required"));
		return;
	}
	size_t n = strlen(s);
	if (n > max) { fe_add(fe, field, N_("Is too long")); return; }
	char *copy = strdup(s);
	int bad = !copy || !utf8_valid(s, n) || text_clean(copy, &n, 0) != 0;
	free(copy);
	if (bad) fe_add(fe, field, N_("Must be one line without control characters"));
}

/* the place of the date line: the first territorial unit from the authority
** up ("Tỉnh Sơn La" → "Sơn La"); Hà Nội for a central body */
static const char *place_of(struct db *db, struct arena *a, int64_t id)
{
	const char *place;
	mv_issuer(db, a, id, NULL, &place);
	return place;
}

/* one nominee, resolved: who, where, for what */
struct decided_nominee {
	int64_t person_id, unit_id;
	const char *award, *ref;
	const char *code, *name, *detail, *path;
	const char *award_name;
	const char *award_subjects, *award_level; /* the award's "person", "collective", "both"; its authority_level */
	int collective;
};

static int resolve_nominee(struct db *db, struct arena *a, struct decided_nominee *x, struct field_errors *fe, const char *field)
{
	struct stmt *st;
	if (x->person_id > 0)
		st = db_query(db,
			      "SELECT COALESCE(p.code, ''), p.full_name, p.position, u.name, u.path FROM people p JOIN units u ON u.id = p.unit_id "
			      "WHERE p.id = $1",
			      "i", x->person_id);
	else
		st = db_query(db, "SELECT code, name, NULL, NULL, path FROM units WHERE id = $1", "i", x->unit_id);
	if (!st) return E_DB;
	int found = db_step(st) == DB_ROW;
	if (found) {
		x->code = arena_strdup(a, db_text(st, 0));
		x->name = arena_strdup(a, db_text(st, 1));
		const char *position = db_text_dup(st, a, 2), *unit = db_text_dup(st, a, 3);
		x->detail = position && unit ? arena_printf(a, "%s, %s", position, unit) : unit;
		x->path = arena_strdup(a, db_text(st, 4));
	}
	db_done(st);
	x->collective = x->person_id <= 0;
	if (!found) { fe_add(fe, field, x->collective ? N_("No unit has this code") : N_("No person has this code")); return E_INVALID; }
	struct award *aw;
	if (!x->award || awards_get_code(db, a, x->award, "vi", &aw) != E_OK) {
		fe_add(fe, field, N_("No award has this code"));
		return E_INVALID;
	}
	x->award_name = aw->name_vi;
	x->award_subjects = aw->subjects;
	x->award_level = aw->authority_level;
	return E_OK;
}

/* the words of an award's authority level, in lang */
static const char *level_words(const char *lang, const char *level)
{
	return i18n_get(lang, !strcmp(level, "state")        ? N_("state")
			      : !strcmp(level, "government") ? N_("government")
			      : !strcmp(level, "province")   ? N_("ministry or province")
							     : N_("grassroots"));
}

/* the proposal's nominees, and its facts that a decision takes by default */
struct proposal_facts {
	int64_t holder_id, year, movement_id, version;
	const char *stage;
};

static int load_proposal(struct db *db, struct arena *a, int64_t id, struct proposal_facts *p, struct decided_nominee **items, int *n)
{
	struct stmt *st = db_query(db, "SELECT holder_id, year, COALESCE(movement_id, 0), version, stage FROM proposals WHERE id = $1", "i", id);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s == DB_ROW) {
		p->holder_id = db_int(st, 0);
		p->year = db_int(st, 1);
		p->movement_id = db_int(st, 2);
		p->version = db_int(st, 3);
		p->stage = arena_strdup(a, db_text(st, 4));
	}
	db_done(st);
	if (s != DB_ROW) return s == DB_DONE ? E_NOTFOUND : E_DB;
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM proposal_nominees WHERE proposal_id = $1", "i", id) != DB_ROW) return E_DB;
	*items = arena_alloc(a, sizeof **items * (size_t)(count + 1));
	st = db_query(db,
		      "SELECT COALESCE(x.person_id, 0), COALESCE(x.unit_id, 0), x.award_code, COALESCE(p.code, u.code, '') "
		      "FROM proposal_nominees x LEFT JOIN people p ON p.id = x.person_id LEFT JOIN units u ON u.id = x.unit_id "
		      "WHERE x.proposal_id = $1 ORDER BY x.position, x.id",
		      "i", id);
	if (!st) return E_DB;
	*n = 0;
	while (*n < count && db_step(st) == DB_ROW) {
		struct decided_nominee *x = &(*items)[(*n)++];
		x->person_id = db_int(st, 0);
		x->unit_id = db_int(st, 1);
		x->award = arena_strdup(a, db_text(st, 2));
		x->ref = arena_strdup(a, db_text(st, 3));
	}
	db_done(st);
	return E_OK;
}

/* a text printed on the certificate that its font cannot print (an emoji,
** a symbol) is refused at its field rather than printed as a box */
static void check_printable(struct field_errors *fe, const char *field, const char *s)
{
	if (s && *s && !fe_get(fe, field) && !cert_text_printable(s))
		fe_add(fe, field, N_("The certificate cannot print some of these characters (emoji, symbols): use letters, digits and common punctuation"));
}

/* the checks of the decision's own fields */
static void check_fields(const struct decision_in *in, struct field_errors *fe)
{
	if (!fe_get(fe, "number")) check_text(fe, "number", in->number, 100, 1);
	if (fe_get(fe, "date")) ;
	else if (!in->decided_on || !*in->decided_on) fe_add(fe, "date", N_("Is required"));
	else if (!date_valid(in->decided_on)) fe_add(fe, "date", N_("Is not a date (YYYY-MM-DD)"));
	else {
		/* today on the office's clock at the latest */
		char limit[11];
		today_iso(limit);
		if (strcmp(in->decided_on, limit) > 0) fe_add(fe, "date", N_("A decision cannot be dated in the future"));
	}
	if (!fe_get(fe, "signer")) check_text(fe, "signer", in->signer_name, 200, 1);
	if (!fe_get(fe, "signer_title")) check_text(fe, "signer_title", in->signer_title, 200, 1);
	check_text(fe, "authority_name", in->authority_name, 300, 0);
	check_text(fe, "place", in->place, 100, 0);
	check_text(fe, "citation", in->citation, 1000, 0);
	if (in->year && (in->year < 1945 || in->year > 2200)) fe_add(fe, "year", N_("Must be from 1945 to 2200"));
	check_printable(fe, "number", in->number);
	check_printable(fe, "signer", in->signer_name);
	check_printable(fe, "signer_title", in->signer_title);
	check_printable(fe, "authority_name", in->authority_name);
	check_printable(fe, "place", in->place);
	check_printable(fe, "citation", in->citation);
}

/* the award record, the certificate and its signature of nominee i */
static int write_nominee(struct db *db, struct arena *a, const struct user *who, int64_t decision_id, const struct decision_in *in,
			 const char *authority, int64_t year, const struct decided_nominee *x, int position, const struct signing_key *key,
			 struct field_errors *fe, int64_t *bonus)
{
	const char *field = arena_printf(a, "nominees[%d]", position - 1);
	struct field_errors afe = { 0 };
	struct achievement_in ain = {
		.person_id = x->person_id, .unit_id = x->collective ? x->unit_id : 0, .year = year, .kind = "title", .value = x->award,
		.decision_no = in->number, .decided_on = in->decided_on, .authority = authority, .decision_id = decision_id,
	};
	int64_t achievement_id = 0;
	int rc = achievements_create(db, who, &ain, &afe, &achievement_id);
	if (rc == E_INVALID) {
		const char *msg = afe.n ? afe.msg[0] : N_("Some fields are not valid");
		/* the award held for the year already: say so, and what to do with the proposal */
		if (afe.n && fe_get(&afe, "value") && !strcmp(fe_get(&afe, "value"), "This record is already there for this year"))
			msg = in->proposal_id > 0 ? N_("Already holds this award for the year: the level that approved the proposal can return it")
						  : N_("Already holds this award for the year");
		fe_add(fe, field, msg);
		return rc;
	}
	if (rc != E_OK) return rc;
	*bonus = -1;
	int b = award_bonus(db, x->award, x->collective, in->decided_on, bonus);
	if (b == E_NOTFOUND) *bonus = -1;
	else if (b != E_OK) return b;
	char code[CERT_CODE_LEN + 1];
	cert_code_new(code);
	struct cert_fields f = {
		.code = code, .recipient = x->name, .recipient_code = x->code, .award = x->award, .award_name = x->award_name,
		.decision = in->number, .decided_on = in->decided_on, .authority = authority, .year = year,
		.signer_title = in->signer_title, .signer = in->signer_name,
	};
	char *payload = cert_payload(&f);
	if (!payload) { fe_add(fe, field, N_("Must be one line without control characters")); return E_INVALID; }
	const char *sig = signing_sign(a, key, payload);
	rc = db_exec(db,
		     "INSERT INTO decision_nominees (decision_id, position, person_id, unit_id, recipient_code, recipient_name, recipient_detail, "
		     "award_code, award_name, bonus_vnd, achievement_id, cert_code, payload, signature, key_id) "
		     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
		     "iiIIttttt" "Iitttt", decision_id, (int64_t)position, x->person_id, x->collective ? x->unit_id : 0, x->code, x->name,
		     x->detail, x->award, x->award_name, *bonus >= 0 ? *bonus : 0, achievement_id, code, payload, sig, key->key_id) == DB_OK
		     ? E_OK
		     : E_DB;
	free(payload);
	/* a bonus of 0 VND is stored as such, not as "not loaded" */
	if (rc == E_OK && *bonus == 0)
		rc = db_exec(db, "UPDATE decision_nominees SET bonus_vnd = 0 WHERE decision_id = $1 AND position = $2", "ii", decision_id,
			     (int64_t)position) == DB_OK ? E_OK : E_DB;
	return rc;
}

/* everything a decision needs before its transaction: the nominees
** resolved, the authority and its path, the defaults; E_OK or an error */
struct plan {
	struct decided_nominee *nominees;
	int n;
	char path[UNIT_PATH_MAX];
	struct decision_in in;       /* with the defaults filled */
	struct proposal_facts proposal;
};

static int plan_decision(struct db *db, struct arena *a, const struct decision_in *in, struct field_errors *fe, struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->in = *in;
	const char *lang = in->lang ? in->lang : "vi";
	if (in->proposal_id > 0) {
		int rc = load_proposal(db, a, in->proposal_id, &p->proposal, &p->nominees, &p->n);
		if (rc == E_NOTFOUND) { fe_add(fe, "proposal_id", N_("No such proposal")); return E_NOTFOUND; }
		if (rc != E_OK) return rc;
		if (!p->in.authority_id) p->in.authority_id = p->proposal.holder_id;
		if (!p->in.year) p->in.year = p->proposal.year;
		if (!p->in.movement_id) p->in.movement_id = p->proposal.movement_id;
	} else {
		p->n = in->nnominees;
		p->nominees = arena_alloc(a, sizeof *p->nominees * (size_t)(p->n + 1));
		for (int i = 0; i < p->n; i++) {
			p->nominees[i].person_id = in->nominees[i].person_id;
			p->nominees[i].unit_id = in->nominees[i].unit_id;
			p->nominees[i].award = in->nominees[i].award;
			p->nominees[i].ref = in->nominees[i].ref;
		}
	}
	if (!p->in.authority_id) {
		if (!fe_get(fe, "authority_code")) fe_add(fe, "authority_code", N_("Is required"));
	} else if (units_path(db, p->in.authority_id, p->path, sizeof p->path) != E_OK) fe_add(fe, "authority_code", N_("No unit has this code"));
	else if (in->proposal_id > 0 && p->in.authority_id != p->proposal.holder_id) {
		/* a proposal is decided by the level that approved it (which checked
		** that its level may issue every award): another unit is a mistake */
		struct unit *holder;
		const char *name = units_get(db, a, p->proposal.holder_id, &holder) == E_OK ? holder->name : "";
		fe_add(fe, "authority_code",
		       arena_printf(a, i18n_get(lang, N_("A decision on this proposal is issued by the level that approved it: %s")), name));
	}
	int64_t authority_level = *p->path ? unit_level(db, p->in.authority_id) : 99;
	check_fields(&p->in, fe);
	/* the number taken already: said with the rest (checked again in the transaction) */
	int64_t dup = 0;
	if (*p->path && p->in.number && !fe_get(fe, "number") &&
	    db_int1(db, &dup, "SELECT id FROM decisions WHERE authority_id = $1 AND number = $2", "it", p->in.authority_id, p->in.number) == DB_ROW)
		fe_add(fe, "number", N_("This authority already has a decision with this number"));
	if (!p->n) fe_add(fe, in->proposal_id > 0 ? "proposal_id" : "nominees", N_("A decision needs at least one nominee"));
	if (p->n > DECISION_MAX_NOMINEES) fe_add(fe, "nominees", N_("Too many nominees for one decision"));
	/* without a year (and without a proposal, whose year it takes): the
	** year being closed for a decision of January to March — the year-end
	** round is decided in the first months of the next year — else the
	** decision's own year */
	if (!p->in.year && p->in.decided_on && date_valid(p->in.decided_on))
		p->in.year = atoi(p->in.decided_on) - (atoi(p->in.decided_on + 5) <= 3 ? 1 : 0);
	/* the award records it writes refuse it too (achievements.c): said here at the decision's date */
	if (!fe_get(fe, "date") && p->in.year && p->in.decided_on && date_valid(p->in.decided_on) && atoi(p->in.decided_on) < p->in.year)
		fe_add(fe, "date", N_("The decision date cannot be before 1 January of the year commended"));
	struct unit *u;
	if (*p->path && units_get(db, a, p->in.authority_id, &u) == E_OK) {
		if (!p->in.authority_name || !*p->in.authority_name) p->in.authority_name = u->name;
		if (!p->in.place || !*p->in.place) p->in.place = place_of(db, a, p->in.authority_id);
	}
	if ((!p->in.citation || !*p->in.citation) && p->in.movement_id) {
		struct stmt *st = db_query(db, "SELECT title FROM movements WHERE id = $1", "i", p->in.movement_id);
		if (st && db_step(st) == DB_ROW)
			p->in.citation = arena_printf(a, "Đã có thành tích xuất sắc trong phong trào thi đua “%s”", db_text(st, 0));
		db_done(st);
	}
	if (!p->in.citation || !*p->in.citation) p->in.citation = arena_printf(a, "Đã có thành tích xuất sắc trong công tác năm %lld", (long long)p->in.year);
	/* each nominee: who, which award; the same one twice for the same award is a mistake */
	for (int i = 0; i < p->n && p->n <= DECISION_MAX_NOMINEES; i++) {
		const char *field = arena_printf(a, "nominees[%d]", i);
		if (fe_get(fe, field) || (!p->nominees[i].person_id && !p->nominees[i].unit_id)) continue; /* named wrong: said already */
		if (resolve_nominee(db, a, &p->nominees[i], fe, field) != E_OK) continue;
		/* an authority commends its own people and units: another's is a
		** mistake of that line (a paste), named like an unknown code */
		if (*p->path && strncmp(p->nominees[i].path, p->path, strlen(p->path)) != 0) {
			fe_add(fe, field, p->nominees[i].collective ? N_("This collective is not in the issuing authority's units")
								    : N_("This person is not in the issuing authority's units"));
			continue;
		}
		struct decided_nominee *x = &p->nominees[i];
		/* the authority issues only the awards its level may issue (as a
		** proposal's approval: proposals.c level_suffices) */
		if (*p->path && authority_level > award_level_needed(x->award_level)) {
			const char *name = award_name(db, a, x->award, lang);
			fe_add(fe, field,
			       arena_printf(a, i18n_get(lang, N_("%s is awarded at the %s level: the issuing authority may not award it")),
					    name ? name : x->award_name, level_words(lang, x->award_level)));
			continue;
		}
		/* what the award record would refuse, said now with the rest (not a round later) */
		int fits = !strcmp(x->award_subjects, "both") ||
			   (x->collective ? !strcmp(x->award_subjects, "collective") || !strcmp(x->award_subjects, "household")
					  : !strcmp(x->award_subjects, "person"));
		if (!fits) {
			fe_add(fe, field, x->collective ? N_("This award is for individuals, not collectives") : N_("This award is for collectives, not individuals"));
			continue;
		}
		int64_t held = 0;
		if (p->in.year && db_int1(db, &held,
					  "SELECT id FROM achievements WHERE (person_id = $1 OR unit_id = $2) AND year = $3 AND kind = 'title' AND value = $4",
					  "iiit", x->collective ? 0 : x->person_id, x->collective ? x->unit_id : 0, p->in.year, x->award) == DB_ROW) {
			fe_add(fe, field, in->proposal_id > 0 ? N_("Already holds this award for the year: the level that approved the proposal can return it")
							       : N_("Already holds this award for the year"));
			continue;
		}
		for (int k = 0; k < i; k++)
			if (p->nominees[k].person_id == x->person_id && p->nominees[k].unit_id == x->unit_id &&
			    p->nominees[k].award && !strcmp(p->nominees[k].award, x->award)) {
				fe_add(fe, field, N_("This nominee is listed twice for the same award"));
				break;
			}
	}
	return fe->n ? E_INVALID : E_OK;
}

int decisions_create(struct db *db, struct arena *a, const struct user *who, const struct decision_in *in, struct field_errors *fe,
		     int64_t *id)
{
	struct plan *p = arena_alloc(a, sizeof *p);
	int rc = plan_decision(db, a, in, fe, p);
	/* the authority outside the user's scope is 403 whatever else is wrong */
	if (*p->path && !role_can(who, PERM_DECIDE, p->path)) return E_FORBIDDEN;
	/* a proposal decided already: that, not its nominees holding the award now */
	if (in->proposal_id > 0 && p->proposal.stage && strcmp(p->proposal.stage, "approved") != 0) {
		fe->n = 0;
		fe_add(fe, "proposal_id", N_("Only an approved proposal can be decided"));
		return E_STATE;
	}
	if (rc != E_OK) return rc;
	if ((rc = db_tx_begin(db)) != E_OK) return rc;
	struct signing_key key;
	memset(&key, 0, sizeof key);
	int64_t dup = 0;
	int s = db_int1(db, &dup, "SELECT id FROM decisions WHERE authority_id = $1 AND number = $2", "it", p->in.authority_id, p->in.number);
	if (s == DB_ROW) {
		fe_add(fe, "number", N_("This authority already has a decision with this number"));
		rc = E_INVALID;
		goto out;
	}
	if (s != DB_DONE) { rc = E_DB; goto out; }
	/* read again inside the transaction: another officer may have decided it meanwhile */
	if (in->proposal_id > 0) {
		struct stmt *st = db_query(db, "SELECT version, stage FROM proposals WHERE id = $1", "i", in->proposal_id);
		int64_t version = -1;
		int approved = 0;
		if (st && db_step(st) == DB_ROW) { version = db_int(st, 0); approved = !strcmp(db_text(st, 1), "approved"); }
		db_done(st);
		if (in->proposal_version > 0 && version != in->proposal_version) { rc = E_CONFLICT; goto out; }
		if (!approved) { fe_add(fe, "proposal_id", N_("Only an approved proposal can be decided")); rc = E_STATE; goto out; }
	}
	if ((rc = signing_key_for_unit(db, who, p->in.authority_id, &key, fe)) != E_OK) goto out;
	char now[21];
	now_iso(now);
	struct stmt *st = db_query(db,
				   "INSERT INTO decisions (authority_id, authority_name, number, decided_on, year, signer_name, signer_title, place, "
				   "citation, proposal_id, movement_id, created_by, created_at, updated_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
				   "itttitttt" "IIIt", p->in.authority_id, p->in.authority_name, p->in.number, p->in.decided_on, p->in.year,
				   p->in.signer_name, p->in.signer_title, p->in.place, p->in.citation, in->proposal_id, p->in.movement_id, who->id,
				   now);
	rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) *id = db_int(st, 0);
	db_done(st);
	if (rc != E_OK) goto out;
	int64_t total = 0, unpriced = 0;
	for (int i = 0; i < p->n; i++) {
		int64_t bonus = -1;
		int r = write_nominee(db, a, who, *id, &p->in, p->in.authority_name, p->in.year, &p->nominees[i], i + 1, &key, fe, &bonus);
		if (r == E_INVALID) { rc = E_INVALID; continue; } /* every nominee's error, then nothing */
		if (r != E_OK) { rc = r; goto out; }
		if (bonus >= 0) total += bonus;
		else unpriced++;
	}
	if (rc != E_OK) goto out;
	if (db_exec(db, "UPDATE decisions SET total_vnd = $2, unpriced = $3 WHERE id = $1", "iii", *id, total, unpriced) != DB_OK) {
		rc = E_DB;
		goto out;
	}
	if (in->proposal_id > 0 && (rc = proposals_mark_decided(db, who, in->proposal_id, p->in.authority_id, p->in.number, *id)) != E_OK) goto out;
	rc = audit_change(db, who, "create", "decision", *id, NULL, snapshot, NULL);
out:
	signing_key_close(&key);
	return db_tx_end(db, rc);
}

/* ---- revoking ---- */

static int achievement_snapshot(struct db *db, struct arena *a, int64_t id, struct jw *w)
{
	struct achievement *x;
	int rc = achievements_get(db, a, id, "en", &x);
	if (rc == E_OK) achievement_json(w, x);
	return rc;
}

/* the decision's award records go, each with its audit row */
static int remove_award_records(struct db *db, const struct user *who, int64_t id, const char *number)
{
	int64_t count = 0;
	if (db_int1(db, &count, "SELECT count(*) FROM achievements WHERE decision_id = $1", "i", id) != DB_ROW) return E_DB;
	int64_t *ids = calloc((size_t)count + 1, sizeof *ids);
	if (!ids) return E_DB;
	struct stmt *st = db_query(db, "SELECT id FROM achievements WHERE decision_id = $1 ORDER BY id", "i", id);
	int n = 0;
	while (st && n < count && db_step(st) == DB_ROW) ids[n++] = db_int(st, 0);
	db_done(st);
	int rc = st ? E_OK : E_DB;
	for (int i = 0; i < n && rc == E_OK; i++) {
		char *before = audit_snapshot(db, ids[i], achievement_snapshot);
		if (db_exec(db, "DELETE FROM achievements WHERE id = $1", "i", ids[i]) != DB_OK) rc = E_DB;
		else rc = audit_change(db, who, "delete", "achievement", ids[i], before, NULL, number);
		free(before);
	}
	free(ids);
	return rc;
}

int decisions_revoke(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, struct field_errors *fe)
{
	char path[UNIT_PATH_MAX] = "";
	struct stmt *st = db_query(db, "SELECT u.path FROM decisions d JOIN units u ON u.id = d.authority_id WHERE d.id = $1", "i", id);
	int found = st && db_step(st) == DB_ROW;
	if (found) snprintf(path, sizeof path, "%s", db_text(st, 0));
	db_done(st);
	if (!found) return E_NOTFOUND;
	if (!role_can(who, PERM_DECIDE, path)) return E_FORBIDDEN;
	check_text(fe, "reason", reason, 2000, 1);
	if (fe->n) return E_INVALID;
	int rc = db_tx_begin(db);
	if (rc != E_OK) return rc;
	char *before = audit_snapshot(db, id, snapshot);
	int64_t have = 0;
	const char *status = "";
	char number[128] = "";
	int64_t proposal_id = 0, authority_id = 0;
	st = db_query(db, "SELECT version, status, number, COALESCE(proposal_id, 0), authority_id FROM decisions WHERE id = $1", "i", id);
	if (st && db_step(st) == DB_ROW) {
		have = db_int(st, 0);
		status = !strcmp(db_text(st, 1), "revoked") ? "revoked" : "issued";
		snprintf(number, sizeof number, "%s", db_text(st, 2));
		proposal_id = db_int(st, 3);
		authority_id = db_int(st, 4);
	}
	db_done(st);
	char now[21];
	now_iso(now);
	if (have != version) rc = E_CONFLICT;
	else if (!strcmp(status, "revoked")) {
		fe_add(fe, "status", N_("This decision is revoked already"));
		rc = E_STATE;
	} else if ((rc = remove_award_records(db, who, id, number)) == E_OK) {
		if (db_exec(db, "UPDATE decision_nominees SET achievement_id = NULL WHERE decision_id = $1", "i", id) != DB_OK ||
		    db_exec(db,
			    "UPDATE decisions SET status = 'revoked', revoked_at = $2, revoked_by = $3, revoke_reason = $4, version = version + 1, "
			    "updated_at = $2 WHERE id = $1",
			    "itIt", id, now, who->id, reason) != DB_OK)
			rc = E_DB;
		else
			rc = audit_change(db, who, "revoke", "decision", id, before, snapshot, reason);
		/* its proposal is approved again: a corrected decision can be issued from it */
		if (rc == E_OK && proposal_id > 0) rc = proposals_mark_revoked(db, who, proposal_id, authority_id, number, reason, id);
	}
	free(before);
	return db_tx_end(db, rc);
}
