/* decisions: award decisions (quyết định khen thưởng) issued in thidua, the
** certificate of each nominee, signed with the authority's Ed25519 key, and
** the public verification of a certificate by its code.
**
** A decision is made from an approved proposal (its nominees; the proposal
** becomes 'decided') or directly with a list of nominees. Creating it makes
** the award records (achievements, kind 'title', decision_id) and signs one
** certificate per nominee, in one transaction. Revoking it removes the award
** records (so no rule counts them any more) and keeps the decision, its
** nominees and their signed certificates, which verification then reports as
** revoked with the reason. docs/ARCHITECTURE.md, "The signing scheme", says
** what is signed and what verification checks. */
#ifndef THIDUA_DECISIONS_H
#define THIDUA_DECISIONS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;

/* ---- configuration (serve) ---- */

/* the address certificates point to: the QR code and the printed link are
** PUBLIC_URL/verify/CODE (serve --public-url; no trailing '/') */
extern const char *decisions_public_url;

/* ---- the master key and the authorities' keys (signing.c) ---- */

/* Finds the master key that encrypts the authorities' secret keys:
** keys_file (serve --keys), else the environment's THIDUA_MASTER_KEY (64
** hexadecimal digits), else, for a SQLite database, the file next to it
** (PATH.key). A file that does not exist is created (32 random bytes as 64
** hexadecimal digits, mode 0600) when the database holds no signing key yet;
** otherwise it is never remade, since the keys stored could not be opened
** with a new one. 0: loaded; 1: none (PostgreSQL without --keys or the
** variable, or the default file of a database copied without it — err then
** says so): nothing can be signed, everything else works; -1: an error,
** described in err (a --keys FILE missing while keys need it, a bad key). */
int signing_master_key_load(struct db *db, const char *keys_file, char *err, size_t errn);
/* the master key from 32 bytes (tests), or none (key NULL) */
void signing_master_key_set(const unsigned char *key);
int signing_have_master_key(void);
/* where the loaded key came from ("file run/thidua.db.key", "THIDUA_MASTER_KEY") */
const char *signing_master_key_source(void);

#define SIGN_KEY_ID_LEN 16

/* An authority's key pair, opened for signing; wiped by signing_key_close. */
struct signing_key {
	int64_t id;
	char key_id[SIGN_KEY_ID_LEN + 1];
	unsigned char pk[32];
	unsigned char sk[64];
};
/* The unit's key, made (and audited) the first time the unit signs; call it
** inside the writer's transaction. E_OK; E_STATE with the reason in fe when
** there is no master key or the stored key cannot be opened with it. */
int signing_key_for_unit(struct db *db, const struct user *who, int64_t unit_id, struct signing_key *k, struct field_errors *fe);
void signing_key_close(struct signing_key *k);
/* For other features' keys (a signing user's key of clusters' agreements):
** a 32-byte seed sealed under the master key with the key id as associated
** data (base64, arena), opened again (0), the key id of a public key, and
** base64 both ways (exactly n bytes: 0). */
const char *signing_seal_seed(struct arena *a, const unsigned char seed[32], const char *key_id);
int signing_unseal_seed(const char *sealed, const char *key_id, unsigned char seed[32]);
void signing_make_key_id(char out[SIGN_KEY_ID_LEN + 1], const unsigned char pk[32]);
const char *signing_b64(struct arena *a, const unsigned char *p, size_t n);
int signing_unb64(const char *s, unsigned char *out, size_t n);
/* a detached signature of text, base64 (arena) */
const char *signing_sign(struct arena *a, const struct signing_key *k, const char *text);
/* 0 when sig_b64 is a valid signature of text by the public key pk_b64 */
int signing_check(const char *pk_b64, const char *text, const char *sig_b64);

/* ---- the signed payload (signing.c) ---- */

/* The fields of a certificate that are signed, in this order. */
struct cert_fields {
	const char *code;            /* the certificate's code */
	const char *recipient;       /* the person's or the collective's name */
	const char *recipient_code;  /* civil-servant code or unit code ("" when the person has none) */
	const char *award;           /* award code: BK_BO_TINH */
	const char *award_name;      /* its Vietnamese name */
	const char *decision;        /* the decision's number */
	const char *decided_on;      /* YYYY-MM-DD */
	const char *authority;       /* who issued it */
	int64_t year;                /* the year of the achievement commended */
	const char *signer_title;    /* as printed: "Chủ tịch" (version 2) */
	const char *signer;          /* the signer's name (version 2) */
	int v1;                      /* parsed from a version 1 payload, which has no signer */
};
enum {
	CF_CODE, CF_RECIPIENT, CF_RECIPIENT_CODE, CF_AWARD, CF_AWARD_NAME, CF_DECISION, CF_DECIDED_ON, CF_AUTHORITY, CF_YEAR,
	CF_SIGNER_TITLE, CF_SIGNER, CF_N
};
#define CF_N_V1 (CF_YEAR + 1)        /* the fields of a version 1 payload */
extern const char *const cert_field_names[CF_N];   /* "code", "recipient", ... as in the payload */
#define CERT_PAYLOAD_HEAD "thidua-certificate/2"
#define CERT_PAYLOAD_HEAD_V1 "thidua-certificate/1"
/* The canonical text of the fields (malloc'd), or NULL when a value holds
** a control character or is not UTF-8:
**     thidua-certificate/2\n  code=...\n  recipient=...\n ... year=2025\n  signer_title=...\n  signer=...\n
** (version 1, of certificates signed before, ends at year: it is still read) 
** each value in Unicode NFC, without leading or trailing spaces, every run
** of spaces inside as one. */
char *cert_payload(const struct cert_fields *f);
/* the fields of a payload (values in the arena); 0, or -1 when it is not one */
int cert_payload_parse(struct arena *a, const char *payload, struct cert_fields *f);
/* a field's value as text (year in decimal; arena) */
const char *cert_field(struct arena *a, const struct cert_fields *f, int which);

#define CERT_CODE_LEN 20
/* a new random code: 20 characters of RFC 4648 base32 (100 bits) */
void cert_code_new(char out[CERT_CODE_LEN + 1]);
/* a code as typed or read from a link: letters upper-cased, spaces and '-'
** dropped; 0 when it has the shape of a code */
int cert_code_normalise(const char *in, char out[CERT_CODE_LEN + 1]);
/* "ABCD-EFGH-JKLM-NPQR-STUV" for printing (arena) */
const char *cert_code_grouped(struct arena *a, const char *code);

/* ---- verification (verify.c) ---- */

enum cert_status { CERT_VALID, CERT_INVALID, CERT_REVOKED, CERT_UNKNOWN };
extern const char *const cert_status_names[];   /* "valid", "invalid", "revoked", "unknown" */

struct cert_check {
	enum cert_status status;
	const char *reason;          /* why, an English message id (translated when shown); NULL when valid */
	const char *detail;          /* the changed fields ("recipient, award"), or the revocation's own reason */
	int found;                   /* the code is known: the fields below are filled */
	struct cert_fields now;      /* the award as the database holds it now */
	struct cert_fields was;      /* as signed */
	unsigned changed;            /* 1 << CF_* of the fields that differ */
	const char *recipient_kind;  /* "person" or "collective" */
	const char *authority_code;
	const char *key_id;
	const char *revoked_at;
	int64_t decision_id;
	int64_t position;            /* the nominee's place in the decision */
};
/* Verifies the certificate with this code (as typed): valid only when the
** signature verifies with the authority's public key AND the records in the
** database now give the payload that was signed. E_OK with the answer (also
** for unknown, invalid and revoked), E_DB. */
int certs_verify(struct db *db, struct arena *a, const char *code, struct cert_check *out);
void cert_check_json(struct jw *w, const struct cert_check *c, const char *lang);

/* the published keys: GET /verify/keys */
int signing_keys_json(struct db *db, struct jw *w);

/* ---- decisions (decisions.c) ---- */

struct decision_nominee_in {
	int64_t person_id;           /* exactly one of person_id, unit_id */
	int64_t unit_id;
	const char *award;           /* award code */
	const char *ref;             /* how the request named it (for messages): "CC00000001" */
};

struct decision_in {
	int64_t proposal_id;         /* > 0: from this approved proposal (its nominees) */
	int64_t proposal_version;    /* > 0: the proposal's version the officer saw (409 when stale) */
	int64_t authority_id;        /* the unit that decides (default: the proposal's holder) */
	const char *authority_name;  /* as printed (default: the unit's name) */
	const char *number, *decided_on;
	int64_t year;                /* default: the proposal's year, else the date's */
	const char *signer_name, *signer_title;
	const char *place;           /* default: the authority's place name */
	const char *citation;        /* default: from the movement */
	int64_t movement_id;
	const struct decision_nominee_in *nominees;  /* when there is no proposal */
	int nnominees;
	const char *lang;            /* the language of messages that name things (NULL: Vietnamese) */
};

#define DECISION_MAX_NOMINEES 2000

struct decision_nominee {
	int64_t id, position;
	int64_t person_id, unit_id;  /* one of them */
	const char *recipient_code, *recipient_name, *recipient_detail;
	const char *recipient_gender;  /* a person's "M", "F", "X" (now); NULL for a collective */
	const char *award_code, *award_name; /* the name as decided (Vietnamese) */
	const char *award_label;     /* the award's name in the language asked for */
	int64_t bonus_vnd;           /* -1: the award's multiple is not loaded */
	int64_t achievement_id;      /* 0 after revocation */
	const char *cert_code, *key_id;
};

struct decision {
	int64_t id;
	int64_t authority_id;
	const char *authority_code, *authority_unit_name, *authority_path, *authority_name;
	const char *number, *decided_on;
	int64_t year;
	const char *signer_name, *signer_title, *place, *citation;
	int64_t proposal_id, movement_id;
	const char *proposal_code, *movement_code, *movement_title;
	int64_t total_vnd, unpriced, count;
	const char *status;          /* "issued" or "revoked" */
	const char *revoked_at, *revoke_reason;
	int64_t version;
	const char *created_at;
	struct decision_nominee *nominees;   /* NULL in a list */
	int nnominees;
};

/* Validates, decides and signs; E_OK with *id. E_INVALID (field errors;
** a nominee's are under "nominees[i]"), E_FORBIDDEN (PERM_DECIDE on the
** authority, PERM_RECORD_ACHIEVEMENTS on each nominee), E_NOTFOUND (no such
** proposal), E_STATE (the proposal is not approved; no master key),
** E_CONFLICT (a stale proposal version). */
int decisions_create(struct db *db, struct arena *a, const struct user *who, const struct decision_in *in, struct field_errors *fe,
		     int64_t *id);
/* Revokes it with a reason: its award records go, the rest stays. E_OK,
** E_NOTFOUND, E_FORBIDDEN, E_CONFLICT (version), E_STATE (revoked already),
** E_INVALID (no reason). */
int decisions_revoke(struct db *db, const struct user *who, int64_t id, int64_t version, const char *reason, struct field_errors *fe);
/* with its nominees; strings in the arena; award labels in lang */
int decisions_get(struct db *db, struct arena *a, int64_t id, const char *lang, struct decision **out);

struct decision_query {
	const struct user *reader;   /* only decisions whose authority the reader may read */
	int64_t authority_id;        /* > 0: of this unit */
	const char *status;          /* NULL: any */
	int64_t year;                /* > 0: of this year */
	int64_t limit, offset;
};
int decisions_list(struct db *db, struct arena *a, const struct decision_query *q, struct decision **items, int *n, int64_t *total);
/* with_nominees: the list of nominees, their money and certificate links */
void decision_json(struct jw *w, const struct decision *d, int with_nominees);
/* the nominee at a position (1..), or NULL */
const struct decision_nominee *decision_nominee_at(const struct decision *d, int64_t position);
/* the public address of a certificate's verification (arena) */
const char *cert_verify_url(struct arena *a, const char *code);

/* ---- documents (certificate.c) ---- */

/* The certificate of one nominee (Bằng khen / Giấy khen layout, A4
** landscape, QR code of its verification address): 0, or -1 when writing
** failed. Always in Vietnamese, an official document as what was signed;
** a revoked decision's says so across the page. */
int cert_pdf(struct db *db, struct arena *a, const struct decision *d, const struct decision_nominee *n, FILE *out);
/* The decision itself with its list of nominees and their money (A4
** portrait), in Vietnamese. */
int decision_pdf(struct db *db, struct arena *a, const struct decision *d, FILE *out);
/* The office that awards, printed before the authority's name above "TẶNG":
** the signer's title without the words that sign for someone else ("KT.
** Chủ tịch – Phó Chủ tịch" → "Chủ tịch"; "TM. Ủy ban nhân dân – Chủ tịch"
** → "Chủ tịch"; "Chủ tịch" as it is). Only what is printed: the signed
** payload keeps the title as typed. */
const char *cert_awarding_office(struct arena *a, const char *signer_title);
/* 1 when the certificate's font prints every character of s (Vietnamese
** text: Latin letters with their diacritics, digits, common punctuation) */
int cert_text_printable(const char *s);
/* the list of nominees as CSV or XLSX, headers in lang, a column "Status"
** (a revoked decision's rows without their bonus) */
int decision_export(struct db *db, const struct decision *d, FILE *out, const char *format, const char *lang);

/* ---- demo (decisions_demo.c) ---- */

/* Seed 002: the chairman of Sơn La's People's Committee awards the Bằng khen
** to 12 collectives and 15 individuals (data/demo/decisions*.csv). 0, 1
** when skipped (no master key: said on err), -1 on error. */
int decisions_demo_load(struct db *db, const struct user *who, FILE *err);

#endif
