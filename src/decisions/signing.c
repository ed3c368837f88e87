/* Signing (decisions.h): the master key, the authorities' Ed25519 key pairs
** (libsodium crypto_sign), the canonical payload of a certificate, and its
** code. docs/ARCHITECTURE.md, "The signing scheme", is the description. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/fold.h"
#include "../base/util.h"
#include "decisions.h"

/* ---- the master key ---- */

static unsigned char master[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
static int have_master;
static char master_source[1100];

void signing_master_key_set(const unsigned char *key)
{
	if (key) {
		memcpy(master, key, sizeof master);
		have_master = 1;
		snprintf(master_source, sizeof master_source, "given");
	} else {
		sodium_memzero(master, sizeof master);
		have_master = 0;
		master_source[0] = 0;
	}
}

int signing_have_master_key(void) { return have_master; }
const char *signing_master_key_source(void) { return master_source; }

/* 64 hexadecimal digits, spaces and line ends around them allowed: 0 */
static int parse_hex_key(const char *text, unsigned char out[32])
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r') text++;
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t' || text[n - 1] == '\n' || text[n - 1] == '\r')) n--;
	size_t got = 0;
	if (n != 64 || sodium_hex2bin(out, 32, text, n, NULL, &got, NULL) != 0 || got != 32) return -1;
	return 0;
}

/* 0 read, 1 no such file, -1 error (err) */
static int read_key_file(const char *path, unsigned char out[32], char *err, size_t errn)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT) return 1;
		snprintf(err, errn, "cannot read the master key %s: %s", path, strerror(errno));
		return -1;
	}
	char text[200];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	int rc = parse_hex_key(text, out);
	sodium_memzero(text, sizeof text);
	if (rc != 0) snprintf(err, errn, "%s does not hold a master key (64 hexadecimal digits)", path);
	return rc;
}

/* a new key file, readable by its owner only; 0 or -1 (err) */
static int write_key_file(const char *path, char *err, size_t errn)
{
	unsigned char key[32];
	char hex[65];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	sodium_memzero(key, sizeof key);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ok = fd >= 0;
	if (ok) {
		hex[64] = '\n';
		ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
	}
	sodium_memzero(hex, sizeof hex);
	if (!ok) {
		snprintf(err, errn, "cannot create the master key %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int signing_master_key_load(struct db *db, const char *keys_file, char *err, size_t errn)
{
	char path[1024];
	if (errn) err[0] = 0;
	const char *env = getenv("THIDUA_MASTER_KEY");
	unsigned char key[32];
	if (keys_file && *keys_file) {
		snprintf(path, sizeof path, "%s", keys_file);
	} else if (env && *env) {
		if (parse_hex_key(env, key) != 0) {
			snprintf(err, errn, "THIDUA_MASTER_KEY must be 64 hexadecimal digits");
			return -1;
		}
		signing_master_key_set(key);
		sodium_memzero(key, sizeof key);
		snprintf(master_source, sizeof master_source, "THIDUA_MASTER_KEY");
		return 0;
	} else if (!db_is_postgres(db_path(db))) {
		if ((size_t)snprintf(path, sizeof path, "%s.key", db_path(db)) >= sizeof path) {
			snprintf(err, errn, "the database's path is too long");
			return -1;
		}
	} else {
		return 1;
	}
	int rc = read_key_file(path, key, err, errn);
	if (rc == 1) {
		/* missing: made now, unless keys were sealed with the one that is gone */
		int64_t keys = 0;
		if (db_int1(db, &keys, "SELECT count(*) FROM signing_keys", "") != DB_ROW) {
			snprintf(err, errn, "cannot read the signing keys: %s", db_errmsg(db));
			return -1;
		}
		if (keys > 0) {
			/* a copy of the database without its key file: it serves, it does not sign */
			snprintf(err, errn,
				 "the master key %s is missing, and the database holds %lld signing key(s) sealed with it: "
				 "nothing can be signed until the right file is given with --keys or THIDUA_MASTER_KEY",
				 path, (long long)keys);
			return keys_file && *keys_file ? -1 : 1;
		}
		if (write_key_file(path, err, errn) != 0) return -1;
		rc = read_key_file(path, key, err, errn);
	}
	if (rc != 0) return -1;
	signing_master_key_set(key);
	sodium_memzero(key, sizeof key);
	snprintf(master_source, sizeof master_source, "file %s", path);
	return 0;
}

/* ---- the authorities' keys ---- */

static const char *b64(struct arena *a, const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = arena_alloc(a, len);
	sodium_bin2base64(out, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* exactly n bytes from base64: 0 */
static int unb64(const char *s, unsigned char *out, size_t n)
{
	size_t got = 0;
	if (!s || sodium_base642bin(out, n, s, strlen(s), NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) return -1;
	return got == n ? 0 : -1;
}

#define BOX_N crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define BOX_LEN (BOX_N + 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* the seed under the master key; the key id is the associated data, so a
** sealed seed cannot be moved to another key's row */
static const char *seal(struct arena *a, const unsigned char seed[32], const char *key_id)
{
	unsigned char box[BOX_LEN];
	unsigned long long clen = 0;
	randombytes_buf(box, BOX_N);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + BOX_N, &clen, seed, 32, (const unsigned char *)key_id, strlen(key_id), NULL, box,
						   master);
	return b64(a, box, BOX_N + (size_t)clen);
}

static int unseal(const char *sealed, const char *key_id, unsigned char seed[32])
{
	unsigned char box[BOX_LEN];
	unsigned long long mlen = 0;
	if (unb64(sealed, box, sizeof box) != 0) return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, &mlen, NULL, box + BOX_N, sizeof box - BOX_N, (const unsigned char *)key_id,
						       strlen(key_id), box, master) != 0)
		return -1;
	return mlen == 32 ? 0 : -1;
}

static void make_key_id(char out[SIGN_KEY_ID_LEN + 1], const unsigned char pk[32])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(h, pk, 32);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	memcpy(out, hex, SIGN_KEY_ID_LEN);
	out[SIGN_KEY_ID_LEN] = 0;
}

/* the sealing and key ids, for the keys of other features (the signing users of clusters' agreements) */
const char *signing_seal_seed(struct arena *a, const unsigned char seed[32], const char *key_id) { return seal(a, seed, key_id); }
int signing_unseal_seed(const char *sealed, const char *key_id, unsigned char seed[32]) { return unseal(sealed, key_id, seed); }
void signing_make_key_id(char out[SIGN_KEY_ID_LEN + 1], const unsigned char pk[32]) { make_key_id(out, pk); }
const char *signing_b64(struct arena *a, const unsigned char *p, size_t n) { return b64(a, p, n); }
int signing_unb64(const char *s, unsigned char *out, size_t n) { return unb64(s, out, n); }

void signing_key_close(struct signing_key *k) { sodium_memzero(k, sizeof *k); }

static int open_stored(struct db *db, int64_t unit_id, struct signing_key *k, struct field_errors *fe, int *found)
{
	*found = 0;
	struct stmt *st = db_query(db, "SELECT id, key_id, public_key, secret_box FROM signing_keys WHERE unit_id = $1 ORDER BY id DESC LIMIT 1",
				   "i", unit_id);
	if (!st) return E_DB;
	int s = db_step(st), rc = E_OK;
	if (s == DB_ROW) {
		*found = 1;
		k->id = db_int(st, 0);
		snprintf(k->key_id, sizeof k->key_id, "%s", db_text(st, 1));
		unsigned char seed[32], pk[32];
		if (unb64(db_text(st, 2), pk, sizeof pk) != 0 || unseal(db_text(st, 3), k->key_id, seed) != 0) {
			fe_add(fe, "authority", N_("The authority's signing key cannot be opened with this server's master key"));
			rc = E_STATE;
		} else {
			crypto_sign_seed_keypair(k->pk, k->sk, seed);
			if (memcmp(k->pk, pk, sizeof pk) != 0) {
				fe_add(fe, "authority", N_("The authority's stored signing key does not match its public key"));
				rc = E_STATE;
			}
		}
		sodium_memzero(seed, sizeof seed);
	} else if (s != DB_DONE) {
		rc = E_DB;
	}
	db_done(st);
	return rc;
}

int signing_key_for_unit(struct db *db, const struct user *who, int64_t unit_id, struct signing_key *k, struct field_errors *fe)
{
	memset(k, 0, sizeof *k);
	if (!have_master) {
		fe_add(fe, "authority", N_("This server has no master key, so it cannot sign: start it with --keys FILE or THIDUA_MASTER_KEY"));
		return E_STATE;
	}
	int found;
	int rc = open_stored(db, unit_id, k, fe, &found);
	if (rc != E_OK || found) {
		if (rc != E_OK) signing_key_close(k);
		return rc;
	}
	/* the unit's first signature: a new key pair */
	unsigned char seed[32];
	crypto_sign_keypair(k->pk, k->sk);
	crypto_sign_ed25519_sk_to_seed(seed, k->sk);
	make_key_id(k->key_id, k->pk);
	struct arena a;
	arena_init(&a);
	const char *pk = b64(&a, k->pk, sizeof k->pk), *sealed = seal(&a, seed, k->key_id);
	sodium_memzero(seed, sizeof seed);
	char now[21];
	now_iso(now);
	struct stmt *st = db_query(db,
				   "INSERT INTO signing_keys (unit_id, key_id, public_key, secret_box, created_at) VALUES ($1, $2, $3, $4, $5) "
				   "RETURNING id",
				   "itttt", unit_id, k->key_id, pk, sealed, now);
	rc = st && db_step(st) == DB_ROW ? E_OK : E_DB;
	if (rc == E_OK) k->id = db_int(st, 0);
	db_done(st);
	if (rc == E_OK) {
		struct buf b;
		buf_init(&b);
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "unit_id", unit_id);
		jw_kstr(&w, "key_id", k->key_id);
		jw_kstr(&w, "public_key", pk);
		jw_kstr(&w, "created_at", now);
		jw_obj_end(&w);
		if (audit_add(db, who, "create", "signing_key", k->id, NULL, buf_cstr(&b), NULL) != DB_OK) rc = E_DB;
		buf_free(&b);
	}
	arena_free(&a);
	if (rc != E_OK) signing_key_close(k);
	return rc;
}

const char *signing_sign(struct arena *a, const struct signing_key *k, const char *text)
{
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), k->sk);
	return b64(a, sig, sizeof sig);
}

int signing_check(const char *pk_b64, const char *text, const char *sig_b64)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	if (unb64(pk_b64, pk, sizeof pk) != 0 || unb64(sig_b64, sig, sizeof sig) != 0) return -1;
	return crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk) == 0 ? 0 : -1;
}

int signing_keys_json(struct db *db, struct jw *w)
{
	struct stmt *st = db_query(db,
				   "SELECT u.code, u.name, k.key_id, k.public_key, k.created_at FROM signing_keys k JOIN units u ON u.id = k.unit_id "
				   "ORDER BY k.id",
				   "");
	if (!st) return E_DB;
	int n = 0;
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	while (db_step(st) == DB_ROW) {
		jw_obj(w);
		jw_kstr(w, "unit_code", db_text(st, 0));
		jw_kstr(w, "unit_name", db_text(st, 1));
		jw_kstr(w, "key_id", db_text(st, 2));
		jw_kstr(w, "algorithm", "Ed25519");
		jw_kstr(w, "public_key", db_text(st, 3));
		jw_kstr(w, "created_at", db_text(st, 4));
		jw_obj_end(w);
		n++;
	}
	db_done(st);
	jw_arr_end(w);
	jw_kint(w, "total", n);
	jw_obj_end(w);
	return E_OK;
}

/* ---- the payload ---- */

const char *const cert_field_names[CF_N] = {
	[CF_CODE] = "code", [CF_RECIPIENT] = "recipient", [CF_RECIPIENT_CODE] = "recipient_code", [CF_AWARD] = "award",
	[CF_AWARD_NAME] = "award_name", [CF_DECISION] = "decision", [CF_DECIDED_ON] = "decided_on", [CF_AUTHORITY] = "authority",
	[CF_YEAR] = "year", [CF_SIGNER_TITLE] = "signer_title", [CF_SIGNER] = "signer",
};

const char *cert_field(struct arena *a, const struct cert_fields *f, int which)
{
	switch (which) {
	case CF_CODE: return f->code;
	case CF_RECIPIENT: return f->recipient;
	case CF_RECIPIENT_CODE: return f->recipient_code;
	case CF_AWARD: return f->award;
	case CF_AWARD_NAME: return f->award_name;
	case CF_DECISION: return f->decision;
	case CF_DECIDED_ON: return f->decided_on;
	case CF_AUTHORITY: return f->authority;
	case CF_YEAR: return arena_printf(a, "%lld", (long long)f->year);
	case CF_SIGNER_TITLE: return f->signer_title;
	case CF_SIGNER: return f->signer;
	default: return NULL;
	}
}

/* s in NFC, spaces trimmed and collapsed, appended to b: 0, or -1 when s
** is not UTF-8 or holds a control character */
static int canonical_value(struct buf *b, const char *s)
{
	if (!s) s = "";
	size_t n = strlen(s);
	if (!utf8_valid(s, n)) return -1;
	if (!n) return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) return -1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) return -1; /* C1 */
	}
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
	if (U_FAILURE(e)) return -1;
	int32_t ulen = 0;
	u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e)) return -1;
	e = U_ZERO_ERROR;
	UChar *u = malloc(sizeof(UChar) * (size_t)(ulen + 1));
	UChar *norm = malloc(sizeof(UChar) * (size_t)(2 * ulen + 8));
	char *out = malloc((size_t)(8 * ulen + 8));
	int rc = -1;
	if (!u || !norm || !out) goto done;
	u_strFromUTF8(u, ulen + 1, NULL, s, (int32_t)n, &e);
	int32_t nlen = U_SUCCESS(e) ? unorm2_normalize(nfc, u, ulen, norm, 2 * ulen + 8, &e) : 0;
	int32_t olen = 0;
	if (U_SUCCESS(e)) u_strToUTF8(out, 8 * ulen + 8, &olen, norm, nlen, &e);
	if (U_FAILURE(e)) goto done;
	out[olen] = 0;
	/* trim, and one space for each run of spaces */
	const char *p = out;
	while (*p == ' ') p++;
	int space = 0;
	for (; *p; p++) {
		if (*p == ' ') { space = 1; continue; }
		if (space) buf_char(b, ' ');
		space = 0;
		buf_char(b, *p);
	}
	rc = 0;
done:
	free(u);
	free(norm);
	free(out);
	return rc;
}

char *cert_payload(const struct cert_fields *f)
{
	struct buf b;
	buf_init(&b);
	buf_raw(&b, CERT_PAYLOAD_HEAD "\n");
	struct arena a;
	arena_init(&a);
	int bad = 0;
	for (int i = 0; i < CF_N && !bad; i++) {
		buf_raw(&b, cert_field_names[i]);
		buf_char(&b, '=');
		bad = canonical_value(&b, cert_field(&a, f, i)) != 0;
		buf_char(&b, '\n');
	}
	arena_free(&a);
	if (bad) { buf_free(&b); return NULL; }
	return buf_detach(&b);
}

int cert_payload_parse(struct arena *a, const char *payload, struct cert_fields *f)
{
	memset(f, 0, sizeof *f);
	size_t hl = strlen(CERT_PAYLOAD_HEAD);
	if (!payload) return -1;
	if (!strncmp(payload, CERT_PAYLOAD_HEAD_V1 "\n", hl + 1)) f->v1 = 1;
	else if (strncmp(payload, CERT_PAYLOAD_HEAD "\n", hl + 1) != 0) return -1;
	const char *p = payload + hl + 1;
	for (int i = 0; i < (f->v1 ? CF_N_V1 : CF_N); i++) {
		size_t kl = strlen(cert_field_names[i]);
		if (strncmp(p, cert_field_names[i], kl) != 0 || p[kl] != '=') return -1;
		p += kl + 1;
		const char *nl = strchr(p, '\n');
		if (!nl) return -1;
		char *v = arena_strndup(a, p, (size_t)(nl - p));
		switch (i) {
		case CF_CODE: f->code = v; break;
		case CF_RECIPIENT: f->recipient = v; break;
		case CF_RECIPIENT_CODE: f->recipient_code = v; break;
		case CF_AWARD: f->award = v; break;
		case CF_AWARD_NAME: f->award_name = v; break;
		case CF_DECISION: f->decision = v; break;
		case CF_DECIDED_ON: f->decided_on = v; break;
		case CF_AUTHORITY: f->authority = v; break;
		case CF_YEAR: if (parse_int(v, &f->year) != 0) return -1; break;
		case CF_SIGNER_TITLE: f->signer_title = v; break;
		case CF_SIGNER: f->signer = v; break;
		}
		p = nl + 1;
	}
	return *p ? -1 : 0;
}

/* ---- certificate codes ---- */

static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void cert_code_new(char out[CERT_CODE_LEN + 1])
{
	for (int i = 0; i < CERT_CODE_LEN; i++) out[i] = base32[randombytes_uniform(32)];
	out[CERT_CODE_LEN] = 0;
}

int cert_code_normalise(const char *in, char out[CERT_CODE_LEN + 1])
{
	int n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == ' ' || *p == '-') continue;
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		if (!strchr(base32, c) || c == 0 || n == CERT_CODE_LEN) return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return n == CERT_CODE_LEN ? 0 : -1;
}

const char *cert_code_grouped(struct arena *a, const char *code)
{
	char *out = arena_alloc(a, CERT_CODE_LEN + CERT_CODE_LEN / 4 + 1);
	size_t k = 0, n = strlen(code);
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0) out[k++] = '-';
		out[k++] = code[i];
	}
	out[k] = 0;
	return out;
}
