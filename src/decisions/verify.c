/* Verification of a certificate by its code (decisions.h): the signature
** against the authority's public key, and the records in the database now
** against the payload that was signed. */
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "decisions.h"

const char *const cert_status_names[] = { "valid", "invalid", "revoked", "unknown", NULL };

/* of two values as they are now, the one that differs from the signed one
** (the first when both agree with it) */
static const char *differing(const char *first, const char *second, const char *was)
{
	if (first && was && strcmp(first, was) != 0) return first;
	if (second && was && strcmp(second, was) != 0) return second;
	return first ? first : second;
}

/* the nominee as decided: who, and the code the certificate prints */
struct nominee_was {
	int64_t person_id, unit_id; /* one of them 0 */
	const char *code;
};

/* the award record the decision made, and the decision's own facts that the
** certificate prints (number, date, authority, signer), as they are now:
** fills the fields they hold; 0 when the record is there. The recipient's
** code is the one decided while the record still belongs to the nominee: a
** civil servant's code corrected later, or a unit's changed in a merger,
** leaves the certificate valid; a record moved to someone else shows that
** one's code, which differs. */
static int award_record_now(struct db *db, struct arena *a, int64_t achievement_id, int64_t decision_id, const struct nominee_was *nom,
			    const struct cert_fields *was, struct cert_fields *now)
{
	struct stmt *st = db_query(db,
				   "SELECT x.value, x.year, x.decision_no, x.decided_on, x.authority, COALESCE(p.code, u.code, ''), "
				   "d.number, d.decided_on, d.authority_name, d.signer_title, d.signer_name, d.year, "
				   "COALESCE(x.person_id, 0), COALESCE(x.unit_id, 0) "
				   "FROM achievements x JOIN decisions d ON d.id = x.decision_id LEFT JOIN people p ON p.id = x.person_id "
				   "LEFT JOIN units u ON u.id = x.unit_id WHERE x.id = $1 AND x.decision_id = $2",
				   "ii", achievement_id, decision_id);
	if (!st) return -1;
	int found = db_step(st) == DB_ROW;
	if (found) {
		/* the record's copy and the decision's: a change to either is a change */
		now->award = db_text_dup(st, a, 0);
		now->year = db_int(st, 1) != was->year ? db_int(st, 1) : db_int(st, 11);
		now->decision = differing(db_text_dup(st, a, 6), db_text_dup(st, a, 2), was->decision);
		now->decided_on = differing(db_text_dup(st, a, 7), db_text_dup(st, a, 3), was->decided_on);
		now->authority = differing(db_text_dup(st, a, 8), db_text_dup(st, a, 4), was->authority);
		int same = db_int(st, 12) == nom->person_id && db_int(st, 13) == nom->unit_id;
		now->recipient_code = same ? nom->code : db_text_dup(st, a, 5);
		now->signer_title = db_text_dup(st, a, 9);
		now->signer = db_text_dup(st, a, 10);
	}
	db_done(st);
	return found ? 0 : -1;
}

/* which fields of now differ from the signed ones, each compared in its
** canonical form */
static unsigned changed_fields(struct arena *a, const struct cert_fields *now, const struct cert_fields *was)
{
	unsigned mask = 0;
	/* a version 1 payload did not sign the signer */
	for (int i = 0; i < (was->v1 ? CF_N_V1 : CF_N); i++) {
		struct cert_fields one = { 0 }, other = { 0 };
		/* the payload of a single field differing: compare through cert_payload */
		one = *was;
		other = *was;
		const char *v = cert_field(a, now, i);
		switch (i) {
		case CF_CODE: other.code = v; break;
		case CF_RECIPIENT: other.recipient = v; break;
		case CF_RECIPIENT_CODE: other.recipient_code = v; break;
		case CF_AWARD: other.award = v; break;
		case CF_AWARD_NAME: other.award_name = v; break;
		case CF_DECISION: other.decision = v; break;
		case CF_DECIDED_ON: other.decided_on = v; break;
		case CF_AUTHORITY: other.authority = v; break;
		case CF_YEAR: other.year = now->year; break;
		case CF_SIGNER_TITLE: other.signer_title = v; break;
		case CF_SIGNER: other.signer = v; break;
		}
		char *p1 = cert_payload(&one), *p2 = cert_payload(&other);
		if (!p1 || !p2 || strcmp(p1, p2) != 0) mask |= 1u << i;
		free(p1);
		free(p2);
	}
	return mask;
}

static const char *changed_list(struct arena *a, unsigned mask)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < CF_N; i++)
		if (mask & (1u << i)) {
			if (b.len) buf_raw(&b, ", ");
			buf_raw(&b, cert_field_names[i]);
		}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int certs_verify(struct db *db, struct arena *a, const char *code_in, struct cert_check *c)
{
	memset(c, 0, sizeof *c);
	c->status = CERT_UNKNOWN;
	c->reason = N_("No certificate has this code");
	char code[CERT_CODE_LEN + 1];
	if (cert_code_normalise(code_in, code) != 0) return E_OK;
	struct stmt *st = db_query(db,
				   "SELECT n.decision_id, n.position, n.person_id, n.recipient_name, n.award_name, n.payload, n.signature, n.key_id, "
				   "COALESCE(n.achievement_id, 0), d.status, d.revoked_at, d.revoke_reason, d.authority_id, au.code, k.public_key, "
				   "COALESCE(k.unit_id, 0), COALESCE(n.person_id, 0), COALESCE(n.unit_id, 0), n.recipient_code "
				   "FROM decision_nominees n JOIN decisions d ON d.id = n.decision_id JOIN units au ON au.id = d.authority_id "
				   "LEFT JOIN signing_keys k ON k.key_id = n.key_id WHERE n.cert_code = $1",
				   "t", code);
	if (!st) return E_DB;
	int s = db_step(st);
	if (s != DB_ROW) {
		db_done(st);
		return s == DB_DONE ? E_OK : E_DB;
	}
	c->found = 1;
	c->decision_id = db_int(st, 0);
	c->position = db_int(st, 1);
	c->recipient_kind = db_isnull(st, 2) ? "collective" : "person";
	c->now.code = arena_strdup(a, code);
	c->now.recipient = db_text_dup(st, a, 3);
	c->now.award_name = db_text_dup(st, a, 4);
	const char *payload = db_text_dup(st, a, 5), *sig = db_text_dup(st, a, 6);
	c->key_id = db_text_dup(st, a, 7);
	int64_t achievement_id = db_int(st, 8);
	int revoked = !strcmp(db_text(st, 9), "revoked");
	c->revoked_at = db_text_dup(st, a, 10);
	const char *revoke_reason = db_text_dup(st, a, 11);
	int64_t authority_id = db_int(st, 12);
	c->authority_code = db_text_dup(st, a, 13);
	const char *pk = db_text_dup(st, a, 14);
	int64_t key_unit = db_int(st, 15);
	struct nominee_was nom = { .person_id = db_int(st, 16), .unit_id = db_int(st, 17), .code = db_text_dup(st, a, 18) };
	db_done(st);

	if (cert_payload_parse(a, payload, &c->was) != 0) {
		c->status = CERT_INVALID;
		c->reason = N_("The signed record cannot be read");
		return E_OK;
	}
	if (revoked) {
		c->now = c->was; /* its award record is gone with the revocation */
		c->status = CERT_REVOKED;
		c->reason = N_("The decision was revoked");
		c->detail = revoke_reason;
		return E_OK;
	}
	int have_record = award_record_now(db, a, achievement_id, c->decision_id, &nom, &c->was, &c->now) == 0;
	c->status = CERT_INVALID;
	if (!pk) c->reason = N_("The key that signed it is not known");
	else if (signing_check(pk, payload, sig) != 0) c->reason = N_("The signature does not match the signed record");
	else if (key_unit != authority_id) c->reason = N_("It was signed with the key of another unit");
	else if (!have_record) {
		c->reason = N_("The award record is no longer in the database");
	} else if ((c->changed = changed_fields(a, &c->now, &c->was)) != 0) {
		c->reason = N_("The record in the database was changed after it was signed");
		c->detail = changed_list(a, c->changed);
	} else {
		c->status = CERT_VALID;
		c->reason = NULL;
	}
	if (!have_record) {
		/* what the database no longer holds is shown as signed */
		const char *name = c->now.recipient, *award_name = c->now.award_name;
		c->now = c->was;
		c->now.recipient = name;
		c->now.award_name = award_name;
	}
	return E_OK;
}

static void fields_json(struct jw *w, const struct cert_fields *f, const struct cert_check *c)
{
	jw_obj(w);
	jw_kstr(w, "code", f->code);
	jw_kstr(w, "recipient", f->recipient);
	jw_kstr(w, "recipient_code", f->recipient_code);
	jw_kstr(w, "recipient_kind", c->recipient_kind);
	jw_kstr(w, "award", f->award);
	jw_kstr(w, "award_name", f->award_name);
	jw_kstr(w, "decision", f->decision);
	jw_kstr(w, "decided_on", f->decided_on);
	jw_kstr(w, "authority", f->authority);
	jw_kstr(w, "authority_code", c->authority_code);
	jw_kint(w, "year", f->year);
	jw_kstr(w, "signer_title", f->signer_title);
	jw_kstr(w, "signer", f->signer);
	jw_obj_end(w);
}

void cert_check_json(struct jw *w, const struct cert_check *c, const char *lang)
{
	jw_obj(w);
	jw_kstr(w, "status", cert_status_names[c->status]);
	jw_kstr(w, "reason", c->reason ? i18n_get(lang, c->reason) : NULL);
	jw_kstr(w, "detail", c->detail);
	jw_key(w, "award");
	if (c->found) fields_json(w, &c->now, c);
	else jw_null(w);
	jw_key(w, "signed");
	if (c->found && c->was.code) fields_json(w, &c->was, c);
	else jw_null(w);
	jw_key(w, "changed");
	jw_arr(w);
	for (int i = 0; i < CF_N; i++)
		if (c->changed & (1u << i)) jw_str(w, cert_field_names[i]);
	jw_arr_end(w);
	jw_kstr(w, "key_id", c->key_id);
	jw_kstr(w, "revoked_at", c->revoked_at);
	jw_obj_end(w);
}
