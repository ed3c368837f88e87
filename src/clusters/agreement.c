/* The yearly agreement (giao ước thi đua) and its signatures (clusters.h).
** A member's leader signs the canonical text of the agreement with their own
** Ed25519 key (one per signing user, the seed sealed under the master key as
** the authorities' keys are: src/decisions/signing.c). Anyone can check a
** signature later against the agreement as it is now: a change to any part
** of it — text, targets, members, leader, the criteria sheet — shows every
** earlier signature as no longer matching. docs/ARCHITECTURE.md, "The
** agreement signature". */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/util.h"
#include "../decisions/decisions.h"
#include "../web/roles.h"
#include "clusters_int.h"

/* one value on one line: backslash, line feed, carriage return and tab escaped */
static void put(struct buf *b, const char *name, const char *v)
{
	buf_raw(b, name);
	buf_raw(b, "=");
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\') buf_raw(b, "\\\\");
		else if (*p == '\n') buf_raw(b, "\\n");
		else if (*p == '\r') buf_raw(b, "\\r");
		else if (*p == '\t') buf_raw(b, "\\t");
		else buf_printf(b, "%c", *p);
	}
	buf_raw(b, "\n");
}

static int by_code(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

const char *agreement_payload(struct db *db, struct arena *a, const struct cyear *y)
{
	(void)db;
	struct buf b, s;
	buf_init(&b);
	buf_init(&s);
	buf_raw(&b, "thidua-agreement/1\n");
	put(&b, "cluster", y->cluster->code);
	put(&b, "cluster_name", y->cluster->name);
	buf_printf(&b, "year=%lld\n", (long long)y->year);
	put(&b, "organiser", y->cluster->organiser.code);
	put(&b, "leader", y->leader.id ? y->leader.code : "");
	put(&b, "deputy", y->deputy.id ? y->deputy.code : "");
	const char **codes = arena_alloc(a, sizeof *codes * (size_t)(y->nmembers + 1));
	for (int i = 0; i < y->nmembers; i++) codes[i] = y->members[i].code;
	qsort(codes, (size_t)y->nmembers, sizeof *codes, by_code);
	buf_raw(&s, "");
	for (int i = 0; i < y->nmembers; i++) buf_printf(&s, "%s%s", i ? "," : "", codes[i]);
	put(&b, "members", buf_cstr(&s));
	put(&b, "title", y->agreement_title);
	put(&b, "targets", y->agreement_targets);
	put(&b, "text", y->agreement_text);
	/* the sheet: its digest, one escaped line per criterion */
	buf_reset(&s);
	for (int i = 0; i < y->ncrit; i++) {
		const struct criterion *c = &y->crit[i];
		put(&s, "code", c->code);
		put(&s, "parent", c->parent_code);
		put(&s, "kind", c->kind);
		buf_printf(&s, "max_c=%lld\n", (long long)c->max_c);
		put(&s, "title", c->title);
		put(&s, "evidence", c->evidence);
		put(&s, "rule", c->rule);
	}
	char hex[65];
	sha256_hex(hex, buf_cstr(&s), strlen(buf_cstr(&s)));
	put(&b, "criteria_sha256", hex);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	buf_free(&s);
	return out;
}

/* the user's key pair, made (and audited) at their first signature */
static int user_key(struct db *db, const struct user *who, struct signing_key *k, struct field_errors *fe)
{
	memset(k, 0, sizeof *k);
	if (!signing_have_master_key()) {
		fe_add(fe, "signature", N_("This server has no master key, so it cannot sign: start it with --keys FILE or THIDUA_MASTER_KEY"));
		return E_STATE;
	}
	struct arena a;
	arena_init(&a);
	int rc = E_OK;
	struct stmt *st = db_query(db, "SELECT id, key_id, public_key, secret_box FROM user_keys WHERE user_id = $1 ORDER BY id DESC LIMIT 1", "i", who->id);
	if (!st) { arena_free(&a); return E_DB; }
	int s = db_step(st);
	if (s == DB_ROW) {
		k->id = db_int(st, 0);
		snprintf(k->key_id, sizeof k->key_id, "%s", db_text(st, 1));
		unsigned char seed[32], pk[32];
		if (signing_unb64(db_text(st, 2), pk, sizeof pk) != 0 || signing_unseal_seed(db_text(st, 3), k->key_id, seed) != 0) {
			fe_add(fe, "signature", N_("Your signing key cannot be opened with this server's master key"));
			rc = E_STATE;
		} else {
			crypto_sign_seed_keypair(k->pk, k->sk, seed);
			if (memcmp(k->pk, pk, sizeof pk)) { fe_add(fe, "signature", N_("Your stored signing key does not match its public key")); rc = E_STATE; }
		}
		sodium_memzero(seed, sizeof seed);
	}
	db_done(st);
	if (s == DB_ROW || rc != E_OK) { arena_free(&a); return rc; }
	unsigned char seed[32];
	crypto_sign_keypair(k->pk, k->sk);
	crypto_sign_ed25519_sk_to_seed(seed, k->sk);
	signing_make_key_id(k->key_id, k->pk);
	const char *pk = signing_b64(&a, k->pk, sizeof k->pk), *sealed = signing_seal_seed(&a, seed, k->key_id);
	sodium_memzero(seed, sizeof seed);
	char now[21];
	now_iso(now);
	st = db_query(db, "INSERT INTO user_keys (user_id, key_id, public_key, secret_box, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id", "itttt",
		      who->id, k->key_id, pk, sealed, now);
	rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) k->id = db_int(st, 0);
	db_done(st);
	if (rc == E_OK) {
		const char *after = arena_printf(&a, "{\"user_id\":%lld,\"key_id\":\"%s\",\"public_key\":\"%s\",\"created_at\":\"%s\"}", (long long)who->id,
						 k->key_id, pk, now);
		rc = audit_add(db, who, "create", "user_key", k->id, NULL, after, NULL) == DB_OK ? E_OK : E_DB;
	}
	arena_free(&a);
	return rc;
}

int agreement_sign(struct db *db, const struct user *who, int64_t cy_id, int64_t unit_id, struct field_errors *fe)
{
	if (!who || who->id <= 0) { fe_add(fe, "signature", N_("An agreement is signed by a person: sign in with your own account")); return E_STATE; }
	struct arena a;
	arena_init(&a);
	struct signing_key k = { 0 };
	int rc = db_tx_begin(db);
	if (rc != E_OK) { arena_free(&a); return rc; }
	struct cyear *y;
	rc = cyear_get_id(db, &a, cy_id, &y);
	if (rc != E_OK) goto out;
	const struct cunit *u = NULL;
	for (int i = 0; i < y->nmembers; i++)
		if (y->members[i].id == unit_id) u = &y->members[i];
	if (!u) { fe_add(fe, "unit", N_("Not a member of the year")); rc = E_INVALID; goto out; }
	if (!role_can(who, PERM_CLUSTER_SCORE, u->path)) { rc = E_FORBIDDEN; goto out; }
	if (!y->agreement_text || !*y->agreement_text) { fe_add(fe, "agreement", N_("The agreement has no text yet")); rc = E_STATE; goto out; }
	rc = user_key(db, who, &k, fe);
	if (rc != E_OK) goto out;
	const char *payload = agreement_payload(db, &a, y), *sig = signing_sign(&a, &k, payload);
	char now[21];
	now_iso(now);
	int64_t old = 0;
	db_int1(db, &old, "SELECT id FROM cluster_signatures WHERE cluster_year_id = $1 AND unit_id = $2", "ii", cy_id, unit_id);
	if (old && db_exec(db, "DELETE FROM cluster_signatures WHERE id = $1", "i", old) != DB_OK) { rc = E_DB; goto out; }
	struct stmt *st = db_query(db,
				   "INSERT INTO cluster_signatures (cluster_year_id, unit_id, user_id, signer_name, key_id, payload, signature, signed_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
				   "iiittttt", cy_id, unit_id, who->id, who->full_name ? who->full_name : who->login, k.key_id, payload, sig, now);
	int64_t id = 0;
	rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) id = db_int(st, 0);
	db_done(st);
	if (rc == E_OK) {
		const char *after = arena_printf(&a, "{\"cluster_year_id\":%lld,\"unit_id\":%lld,\"key_id\":\"%s\",\"signature\":\"%s\",\"signed_at\":\"%s\"}",
						 (long long)cy_id, (long long)unit_id, k.key_id, sig, now);
		rc = audit_add(db, who, old ? "resign" : "sign", "cluster_agreement", id, NULL, after, NULL) == DB_OK ? E_OK : E_DB;
	}
out:
	signing_key_close(&k);
	arena_free(&a);
	return db_tx_end(db, rc);
}

int agreement_signatures(struct db *db, struct arena *a, const struct cyear *y, struct signature **out, int *n)
{
	*n = 0;
	const char *now_payload = agreement_payload(db, a, y);
	*out = arena_alloc(a, sizeof **out * (size_t)(y->nmembers + 1));
	struct stmt *st = db_query(db,
				   "SELECT s.id, u.id, u.code, u.name, u.path, s.user_id, s.signer_name, us.login, s.key_id, k.public_key, s.payload, "
				   "s.signature, s.signed_at FROM cluster_signatures s JOIN units u ON u.id = s.unit_id JOIN users us ON us.id = s.user_id "
				   "LEFT JOIN user_keys k ON k.key_id = s.key_id WHERE s.cluster_year_id = $1 ORDER BY u.sort_key, u.id",
				   "i", y->id);
	if (!st) return E_DB;
	while (*n < y->nmembers && db_step(st) == DB_ROW) {
		struct signature *s = &(*out)[(*n)++];
		s->id = db_int(st, 0);
		cl_unit(st, a, 1, &s->unit);
		s->user_id = db_int(st, 5);
		s->signer_name = arena_strdup(a, db_text(st, 6));
		s->login = arena_strdup(a, db_text(st, 7));
		s->key_id = arena_strdup(a, db_text(st, 8));
		s->public_key = cl_opt(st, a, 9);
		s->payload = arena_strdup(a, db_text(st, 10));
		s->signature = arena_strdup(a, db_text(st, 11));
		s->signed_at = arena_strdup(a, db_text(st, 12));
		/* the signature over the agreement as it is now: it fails after any change */
		if (s->public_key && signing_check(s->public_key, now_payload, s->signature) == 0) s->status = "valid";
		else if (s->public_key && signing_check(s->public_key, s->payload, s->signature) == 0) s->status = "changed";
		else s->status = "invalid";
	}
	db_done(st);
	return E_OK;
}

void signatures_json(struct jw *w, const struct signature *s, int n)
{
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		cl_unit_json(w, "unit", &s[i].unit);
		jw_kstr(w, "signer", s[i].signer_name);
		jw_kstr(w, "login", s[i].login);
		jw_kstr(w, "key_id", s[i].key_id);
		jw_kstr(w, "public_key", s[i].public_key);
		jw_kstr(w, "signature", s[i].signature);
		jw_kstr(w, "signed_at", s[i].signed_at);
		jw_kstr(w, "status", s[i].status);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

int agreement_keys_json(struct db *db, struct jw *w)
{
	struct stmt *st = db_query(db,
				   "SELECT us.login, us.full_name, k.key_id, k.public_key, k.created_at FROM user_keys k JOIN users us ON us.id = k.user_id "
				   "ORDER BY k.id",
				   "");
	if (!st) return E_DB;
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	while (db_step(st) == DB_ROW) {
		jw_obj(w);
		jw_kstr(w, "login", db_text(st, 0));
		jw_kstr(w, "name", db_text(st, 1));
		jw_kstr(w, "key_id", db_text(st, 2));
		jw_kstr(w, "public_key", db_text(st, 3));
		jw_kstr(w, "created_at", db_text(st, 4));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	db_done(st);
	return E_OK;
}
