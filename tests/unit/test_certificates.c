/* Unit tests of the certificates (src/decisions): the canonical payload and
** its parsing, certificate codes, the master key and the authorities' keys,
** signatures, and verification end to end against a real database (SQLite,
** or PostgreSQL with THIDUA_TEST_PG: make test-pg-unit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/arena.h"
#include "base/auth.h"
#include "base/db.h"
#include "base/pdf.h"
#include "commendation/commendation.h"
#include "decisions/decisions.h"
#include "fixture.h"
#include "people/people.h"
#include "units/units.h"
#include "tmpdir.h"

struct fx {
	char path[200];
	struct db *db;
	struct arena a;
	int64_t province, ward, lan;
};

static const unsigned char key_a[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
static const unsigned char key_b[32] = { 9 };

static int64_t mk_unit(struct db *db, const char *code, const char *name, const char *kind, int64_t parent)
{
	struct field_errors fe = { 0 };
	struct unit_in in = { .code = code, .name = name, .kind = kind, .parent_id = parent, .active = 1 };
	int64_t id = 0;
	assert_int_equal(units_create(db, &auth_system, &in, &fe, &id), E_OK);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (fixture_db_open(f->path, sizeof f->path, "certs", &f->db) != 0) return -1;
	arena_init(&f->a);
	f->province = mk_unit(f->db, "T-THU", "Tỉnh Thử", "province", 0);
	f->ward = mk_unit(f->db, "W-THU", "Phường Thử", "ward", f->province);
	struct field_errors fe = { 0 };
	struct person_in p = { .code = "TT-001", .full_name = "Nguyễn Thị Lan", .gender = "F", .unit_id = f->ward, .active = 1 };
	if (people_create(f->db, &auth_system, &p, &fe, &f->lan) != E_OK) return -1;
	signing_master_key_set(key_a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	signing_master_key_set(NULL);
	char key[320];
	snprintf(key, sizeof key, "%s.key", f->path);
	unlink(key);
	fixture_db_remove(f->db, f->path);
	arena_free(&f->a);
	free(f);
	return 0;
}

static const struct cert_fields sample = {
	.code = "ABCDEFGHIJKLMNOPQRST", .recipient = "Nguyễn Thị Lan", .recipient_code = "TT-001", .award = "LDTT",
	.award_name = "Lao động tiên tiến", .decision = "12/QĐ-UBND", .decided_on = "2024-07-15", .authority = "Tỉnh Thử", .year = 2024,
	.signer_title = "Chủ tịch", .signer = "Nguyễn Văn Ký",
};

static void test_payload_format(void **state)
{
	(void)state;
	char *p = cert_payload(&sample);
	assert_non_null(p);
	assert_string_equal(p, "thidua-certificate/2\n"
			       "code=ABCDEFGHIJKLMNOPQRST\n"
			       "recipient=Nguyễn Thị Lan\n"
			       "recipient_code=TT-001\n"
			       "award=LDTT\n"
			       "award_name=Lao động tiên tiến\n"
			       "decision=12/QĐ-UBND\n"
			       "decided_on=2024-07-15\n"
			       "authority=Tỉnh Thử\n"
			       "year=2024\n"
			       "signer_title=Chủ tịch\n"
			       "signer=Nguyễn Văn Ký\n");
	/* parsed back into the same fields */
	struct arena a;
	arena_init(&a);
	struct cert_fields f;
	assert_int_equal(cert_payload_parse(&a, p, &f), 0);
	assert_string_equal(f.recipient, "Nguyễn Thị Lan");
	assert_string_equal(f.authority, "Tỉnh Thử");
	assert_int_equal(f.year, 2024);
	assert_string_equal(f.signer, "Nguyễn Văn Ký");
	assert_int_equal(f.v1, 0);
	char *again = cert_payload(&f);
	assert_string_equal(again, p);
	/* a version 1 payload (certificates signed before the signer was signed) is still read, without a signer */
	struct cert_fields g;
	assert_int_equal(cert_payload_parse(&a, "thidua-certificate/1\ncode=ABCDEFGHIJKLMNOPQRST\nrecipient=A\nrecipient_code=\naward=LDTT\n"
						"award_name=B\ndecision=1\ndecided_on=2024-07-15\nauthority=C\nyear=2024\n", &g), 0);
	assert_int_equal(g.v1, 1);
	assert_null(g.signer);
	assert_int_equal(g.year, 2024);
	/* not a payload */
	assert_int_equal(cert_payload_parse(&a, "thidua-certificate/2\ncode=X\n", &f), -1);
	assert_int_equal(cert_payload_parse(&a, "thidua-certificate/1\ncode=X\n", &f), -1);
	char *extra = malloc(strlen(p) + 8);
	sprintf(extra, "%sx=1\n", p);
	assert_int_equal(cert_payload_parse(&a, extra, &f), -1);
	free(extra);
	free(again);
	free(p);
	arena_free(&a);
}

static void test_payload_canonical(void **state)
{
	(void)state;
	char *want = cert_payload(&sample);
	/* the same name in decomposed form (NFD: "e" + combining marks), with extra spaces */
	struct cert_fields f = sample;
	f.recipient = "  Nguye\xcc\x82\xcc\x83n   Thi\xcc\xa3 Lan ";
	f.authority = "Tỉnh  Thử";
	char *p = cert_payload(&f);
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
	/* a different name is a different payload */
	f = sample;
	f.recipient = "Nguyễn Thị Lân";
	p = cert_payload(&f);
	assert_string_not_equal(p, want);
	free(p);
	/* a line break or a control character cannot be signed: it could forge a field */
	f = sample;
	f.recipient = "Nguyễn Thị Lan\naward=HCLD3";
	assert_null(cert_payload(&f));
	f.recipient = "Lan\x01";
	assert_null(cert_payload(&f));
	f.recipient = "Lan\xc2\x85"; /* C1 NEL */
	assert_null(cert_payload(&f));
	f.recipient = "\xff\xfe";
	assert_null(cert_payload(&f));
	/* an empty value is still a line */
	f = sample;
	f.recipient_code = NULL;
	p = cert_payload(&f);
	assert_non_null(strstr(p, "\nrecipient_code=\naward=LDTT\n"));
	free(p);
	free(want);
}

static void test_codes(void **state)
{
	(void)state;
	char a[CERT_CODE_LEN + 1], b[CERT_CODE_LEN + 1], n[CERT_CODE_LEN + 1];
	cert_code_new(a);
	cert_code_new(b);
	assert_int_equal(strlen(a), CERT_CODE_LEN);
	assert_string_not_equal(a, b);
	for (int i = 0; i < CERT_CODE_LEN; i++) assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", a[i]));
	assert_int_equal(cert_code_normalise("abcd-efgh-ijkl-mnop-qrst", n), 0);
	assert_string_equal(n, "ABCDEFGHIJKLMNOPQRST");
	assert_int_equal(cert_code_normalise("ABCD EFGH IJKL MNOP QRS", n), -1);     /* too short */
	assert_int_equal(cert_code_normalise("ABCDEFGHIJKLMNOPQRST1", n), -1);       /* 1 is not base32, and too long */
	assert_int_equal(cert_code_normalise("ABCDEFGHIJKLMNOPQRS0", n), -1);
	assert_int_equal(cert_code_normalise("../../etc/passwd", n), -1);
	struct arena ar;
	arena_init(&ar);
	assert_string_equal(cert_code_grouped(&ar, "ABCDEFGHIJKLMNOPQRST"), "ABCD-EFGH-IJKL-MNOP-QRST");
	arena_free(&ar);
}

static void test_keys_and_signatures(void **state)
{
	struct fx *f = *state;
	struct field_errors fe = { 0 };
	struct signing_key k1, k2;
	assert_int_equal(db_tx_begin(f->db), E_OK);
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k1, &fe), E_OK);
	assert_int_equal(db_tx_end(f->db, E_OK), E_OK);
	assert_int_equal(strlen(k1.key_id), SIGN_KEY_ID_LEN);
	/* the second time, the same key, opened from its sealed copy */
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k2, &fe), E_OK);
	assert_string_equal(k1.key_id, k2.key_id);
	assert_memory_equal(k1.sk, k2.sk, sizeof k1.sk);
	int64_t keys = 0;
	assert_int_equal(db_int1(f->db, &keys, "SELECT count(*) FROM signing_keys", ""), DB_ROW);
	assert_int_equal(keys, 1);
	/* the stored row holds the public key and no secret in the clear */
	struct stmt *st = db_query(f->db, "SELECT public_key, secret_box FROM signing_keys WHERE key_id = $1", "t", k1.key_id);
	assert_int_equal(db_step(st), DB_ROW);
	char pk[64], box[200];
	snprintf(pk, sizeof pk, "%s", db_text(st, 0));
	snprintf(box, sizeof box, "%s", db_text(st, 1));
	db_done(st);
	unsigned char raw[128];
	size_t n = 0;
	assert_int_equal(sodium_base642bin(raw, sizeof raw, box, strlen(box), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(n, 24 + 32 + 16);
	assert_null(memmem(raw, n, k1.sk, 32)); /* the seed is not there as it is */
	/* sign, check; a changed text or another key fails */
	struct arena a;
	arena_init(&a);
	const char *sig = signing_sign(&a, &k1, "thidua-certificate/1\ncode=X\n");
	assert_int_equal(signing_check(pk, "thidua-certificate/1\ncode=X\n", sig), 0);
	assert_int_equal(signing_check(pk, "thidua-certificate/1\ncode=Y\n", sig), -1);
	assert_int_equal(signing_check(pk, "thidua-certificate/1\ncode=X\n", "AAAA"), -1);
	struct signing_key k3;
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->ward, &k3, &fe), E_OK);
	assert_string_not_equal(k3.key_id, k1.key_id);
	const char *sig3 = signing_sign(&a, &k3, "thidua-certificate/1\ncode=X\n");
	assert_int_equal(signing_check(pk, "thidua-certificate/1\ncode=X\n", sig3), -1);
	/* another master key cannot open the stored keys: nothing is signed */
	signing_master_key_set(key_b);
	struct signing_key k4;
	fe.n = 0;
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k4, &fe), E_STATE);
	assert_string_equal(fe.msg[0], "The authority's signing key cannot be opened with this server's master key");
	/* and none at all */
	signing_master_key_set(NULL);
	fe.n = 0;
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k4, &fe), E_STATE);
	signing_master_key_set(key_a);
	signing_key_close(&k1);
	signing_key_close(&k2);
	signing_key_close(&k3);
	arena_free(&a);
}

static void test_master_key_file(void **state)
{
	struct fx *f = *state;
	char err[1200], key[320];
	unsetenv("THIDUA_MASTER_KEY");
	/* PostgreSQL has no file of its own: none unless --keys or the variable */
	const char *given = NULL;
	if (fixture_pg()) {
		signing_master_key_set(NULL);
		assert_int_equal(signing_master_key_load(f->db, NULL, err, sizeof err), 1);
		assert_int_equal(signing_have_master_key(), 0);
		snprintf(key, sizeof key, "%s/thidua-certs-%d.key", test_tmpdir(), (int)getpid());
		given = key;
	} else {
		snprintf(key, sizeof key, "%s.key", f->path);
	}
	unlink(key);
	/* made (next to a SQLite database, or as --keys names it) while the database holds no key yet, owner-only */
	assert_int_equal(signing_master_key_load(f->db, given, err, sizeof err), 0);
	struct stat sb;
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 65);
	struct signing_key k;
	struct field_errors fe = { 0 };
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k, &fe), E_OK);
	signing_key_close(&k);
	/* read again: the same key opens the stored one */
	signing_master_key_set(NULL);
	assert_int_equal(signing_master_key_load(f->db, given, err, sizeof err), 0);
	assert_int_equal(signing_key_for_unit(f->db, &auth_system, f->province, &k, &fe), E_OK);
	signing_key_close(&k);
	/* gone while keys are sealed with it: never a new key; the default file (a
	** copied database) serves without signing, a --keys FILE is an error */
	unlink(key);
	signing_master_key_set(NULL);
	assert_int_equal(signing_master_key_load(f->db, given, err, sizeof err), given ? -1 : 1);
	assert_non_null(strstr(err, "is missing"));
	assert_int_equal(signing_have_master_key(), 0);
	assert_int_not_equal(access(key, F_OK), 0);
	assert_int_equal(signing_master_key_load(f->db, key, err, sizeof err), -1);
	assert_int_not_equal(access(key, F_OK), 0);
	/* THIDUA_MASTER_KEY: 64 hexadecimal digits */
	setenv("THIDUA_MASTER_KEY", "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", 1);
	assert_int_equal(signing_master_key_load(f->db, NULL, err, sizeof err), 0);
	assert_string_equal(signing_master_key_source(), "THIDUA_MASTER_KEY");
	setenv("THIDUA_MASTER_KEY", "xyz", 1);
	assert_int_equal(signing_master_key_load(f->db, NULL, err, sizeof err), -1);
	unsetenv("THIDUA_MASTER_KEY");
	/* --keys FILE that holds no key */
	char bad[330];
	snprintf(bad, sizeof bad, "%s.bad", key);
	FILE *b = fopen(bad, "w");
	fputs("not a key\n", b);
	fclose(b);
	assert_int_equal(signing_master_key_load(f->db, bad, err, sizeof err), -1);
	unlink(bad);
	signing_master_key_set(key_a);
}

/* a decision of one nominee; the id */
static int64_t decide(struct fx *f, const char *number, const char *date, const char *award, int64_t year)
{
	struct decision_nominee_in x = { .person_id = f->lan, .award = award };
	struct decision_in in = { .authority_id = f->province, .number = number, .decided_on = date, .year = year, .signer_name = "Nguyễn Văn Ký",
				  .signer_title = "Chủ tịch", .nominees = &x, .nnominees = 1 };
	struct field_errors fe = { 0 };
	int64_t id = 0;
	int rc = decisions_create(f->db, &f->a, &auth_system, &in, &fe, &id);
	if (rc != E_OK) fprintf(stderr, "decisions_create: %d %s %s\n", rc, fe.n ? fe.field[0] : "", fe.n ? fe.msg[0] : "");
	assert_int_equal(rc, E_OK);
	return id;
}

static void test_money(void **state)
{
	struct fx *f = *state;
	struct decision *d;
	/* 0.3 × the base salary in force on the decision's date */
	assert_int_equal(decisions_get(f->db, &f->a, decide(f, "1/QĐ", "2024-07-01", "LDTT", 2024), "vi", &d), E_OK);
	assert_int_equal(d->nominees[0].bonus_vnd, 702000);
	assert_int_equal(d->total_vnd, 702000);
	assert_int_equal(decisions_get(f->db, &f->a, decide(f, "2/QĐ", "2024-06-30", "LDTT", 2023), "vi", &d), E_OK);
	assert_int_equal(d->nominees[0].bonus_vnd, 540000);
	/* no multiple loaded: no money, counted */
	assert_int_equal(decisions_get(f->db, &f->a, decide(f, "3/QĐ", "2024-07-01", "BK_BO_TINH", 2024), "vi", &d), E_OK);
	assert_int_equal(d->nominees[0].bonus_vnd, -1);
	assert_int_equal(d->total_vnd, 0);
	assert_int_equal(d->unpriced, 1);
}

static void test_verify(void **state)
{
	struct fx *f = *state;
	struct decision *d;
	assert_int_equal(decisions_get(f->db, &f->a, decide(f, "10/QĐ-UBND", "2025-01-05", "CSTDCS", 2024), "vi", &d), E_OK);
	const char *code = d->nominees[0].cert_code;
	struct cert_check c;
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_VALID);
	assert_string_equal(c.now.recipient, "Nguyễn Thị Lan");
	assert_string_equal(c.now.authority, "Tỉnh Thử");
	assert_int_equal(c.now.year, 2024);
	/* the record changed behind the product's back */
	assert_int_equal(db_exec(f->db, "UPDATE decision_nominees SET recipient_name = 'Nguyễn Thị Lân' WHERE cert_code = $1", "t", code), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_INVALID);
	assert_int_equal(c.changed, 1u << CF_RECIPIENT);
	assert_string_equal(c.detail, "recipient");
	/* the same name in another Unicode form is the same name */
	assert_int_equal(db_exec(f->db, "UPDATE decision_nominees SET recipient_name = 'Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Lan' WHERE cert_code = $1", "t", code),
			 DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_VALID);
	/* the year of the award record */
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET year = 2020 WHERE decision_id = $1", "i", d->id), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.changed, 1u << CF_YEAR);
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET year = 2024 WHERE decision_id = $1", "i", d->id), DB_OK);
	/* the award record deleted */
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET decision_id = NULL WHERE decision_id = $1", "i", d->id), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_INVALID);
	assert_string_equal(c.reason, "The award record is no longer in the database");
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET decision_id = $1 WHERE id = $2", "ii", d->id, d->nominees[0].achievement_id), DB_OK);
	/* the payload and the record changed together: the signature no longer matches */
	assert_int_equal(db_exec(f->db, "UPDATE decision_nominees SET payload = replace(payload, 'CSTDCS', 'CSTD_BO_TINH') WHERE cert_code = $1", "t", code),
			 DB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET value = 'CSTD_BO_TINH' WHERE decision_id = $1", "i", d->id), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_INVALID);
	assert_string_equal(c.reason, "The signature does not match the signed record");
	/* a key of another unit */
	assert_int_equal(db_exec(f->db, "UPDATE decision_nominees SET payload = replace(payload, 'CSTD_BO_TINH', 'CSTDCS') WHERE cert_code = $1", "t", code),
			 DB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE achievements SET value = 'CSTDCS' WHERE decision_id = $1", "i", d->id), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_VALID);
	assert_int_equal(db_exec(f->db, "UPDATE signing_keys SET unit_id = $1", "i", f->ward), DB_OK);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_string_equal(c.reason, "It was signed with the key of another unit");
	assert_int_equal(db_exec(f->db, "UPDATE signing_keys SET unit_id = $1", "i", f->province), DB_OK);
	/* unknown codes */
	assert_int_equal(certs_verify(f->db, &f->a, "AAAAAAAAAAAAAAAAAAAA", &c), E_OK);
	assert_int_equal(c.status, CERT_UNKNOWN);
	assert_int_equal(c.found, 0);
	assert_int_equal(certs_verify(f->db, &f->a, "x'; DROP TABLE decisions; --", &c), E_OK);
	assert_int_equal(c.status, CERT_UNKNOWN);
	/* revoked: the award record goes, the answer says why */
	struct field_errors fe = { 0 };
	assert_int_equal(decisions_revoke(f->db, &auth_system, d->id, d->version + 1, "x", &fe), E_CONFLICT);
	assert_int_equal(decisions_revoke(f->db, &auth_system, d->id, d->version, NULL, &fe), E_INVALID);
	fe.n = 0;
	assert_int_equal(decisions_revoke(f->db, &auth_system, d->id, d->version, "Nhầm đối tượng", &fe), E_OK);
	int64_t left = -1;
	assert_int_equal(db_int1(f->db, &left, "SELECT count(*) FROM achievements WHERE decision_id = $1", "i", d->id), DB_ROW);
	assert_int_equal(left, 0);
	assert_int_equal(certs_verify(f->db, &f->a, code, &c), E_OK);
	assert_int_equal(c.status, CERT_REVOKED);
	assert_string_equal(c.detail, "Nhầm đối tượng");
	assert_int_equal(decisions_revoke(f->db, &auth_system, d->id, d->version + 1, "again", &fe), E_STATE);
}

static void test_certificate_pdf(void **state)
{
	struct fx *f = *state;
	struct decision *d;
	assert_int_equal(decisions_get(f->db, &f->a, decide(f, "20/QĐ-UBND", "2025-02-01", "GK", 2024), "vi", &d), E_OK);
	for (int l = 0; l < 3; l++) {
		const char *lang = l == 0 ? "vi" : l == 1 ? "en" : "hi";
		char *data = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&data, &len);
		(void)lang;
		assert_int_equal(cert_pdf(f->db, &f->a, d, &d->nominees[0], out), 0);
		fclose(out);
		assert_true(len > 2000);
		assert_memory_equal(data, "%PDF-", 5);
		free(data);
	}
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	assert_int_equal(decision_pdf(f->db, &f->a, d, out), 0);
	fclose(out);
	assert_memory_equal(data, "%PDF-", 5);
	free(data);
}

/* the office above "TẶNG": the head's, without "KT."/"TM." and the deputy's title */
static void test_awarding_office(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(cert_awarding_office(&a, "KT. Chủ tịch – Phó Chủ tịch"), "Chủ tịch");
	assert_string_equal(cert_awarding_office(&a, "KT. Chủ tịch / Phó Chủ tịch"), "Chủ tịch");
	assert_string_equal(cert_awarding_office(&a, "TM. Ủy ban nhân dân – Chủ tịch"), "Chủ tịch");
	assert_string_equal(cert_awarding_office(&a, "KT. Bộ trưởng"), "Bộ trưởng");
	assert_string_equal(cert_awarding_office(&a, "Chủ tịch"), "Chủ tịch");
	assert_true(cert_text_printable("Đã có thành tích xuất sắc “Chuyển đổi số” – 2025…"));
	assert_false(cert_text_printable("Hà Văn Tài 😀"));
	assert_false(cert_text_printable("★"));
	arena_free(&a);
}

int main(void)
{
	if (sodium_init() < 0) return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload_format),
		cmocka_unit_test(test_payload_canonical),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_awarding_office),
		cmocka_unit_test_setup_teardown(test_keys_and_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_money, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certificate_pdf, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("certificates", tests, NULL, NULL);
	pdf_library_end();
	return rc;
}
