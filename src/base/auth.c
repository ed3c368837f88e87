#include "auth.h"

#include <pwquality.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "db.h"
#include "errors.h"
#include "i18n.h"
#include "util.h"

/* The libFuzzer build (make fuzz) hashes with the cheapest argon2id: every
** login a fuzzer sends would otherwise spend 64 MiB and most of its time here.
** A hash keeps its parameters, so verification follows whichever made it. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_MIN
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_MIN
#else
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#endif

int password_hash(char out[128], const char *password)
{
	unsigned long long ops = PW_OPSLIMIT;
	size_t mem = PW_MEMLIMIT;
#ifdef THIDUA_TEST_HOOKS
	/* the test build (build/asan, never `make run`'s): the suites hash and
	 * check a few thousand passwords, 64 MiB of argon2id each; the cheapest
	 * argon2id keeps every path (the hash's format, its check) at a fraction
	 * of the CPU. The release binary has no such switch. */
	const char *cheap = getenv("THIDUA_TEST_CHEAP_PASSWORDS");
	if (cheap && *cheap) ops = crypto_pwhash_OPSLIMIT_MIN, mem = crypto_pwhash_MEMLIMIT_MIN;
#endif
	return crypto_pwhash_str_alg(out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13);
}

int password_check(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password));
}

int auth_load_user(struct db *db, struct arena *a, int64_t user_id, struct user **out)
{
	struct stmt *st = db_query(db, "SELECT id, login, full_name, lang FROM users WHERE id = $1 AND active = 1", "i", user_id);
	if (!st) return -1;
	if (db_step(st) != DB_ROW) { db_done(st); return -1; }
	struct user *u = arena_alloc(a, sizeof *u);
	u->id = db_int(st, 0);
	u->login = arena_strdup(a, db_text(st, 1));
	u->full_name = arena_strdup(a, db_text(st, 2));
	u->lang = arena_strdup(a, db_text(st, 3));
	db_done(st);
	*out = u;
	return 0;
}

/* A fixed hash to spend the same time on unknown logins as on known ones. */
static const char *dummy_hash(void)
{
	static char h[128];
	if (!h[0]) password_hash(h, "not a password");
	return h;
}

void auth_login_key(const char *login, char *out, size_t n)
{
	size_t i = 0;
	for (; login && login[i] && i + 1 < n; i++) out[i] = (char)(login[i] >= 'A' && login[i] <= 'Z' ? login[i] + 32 : login[i]);
	if (n) out[i] = 0;
}

int64_t auth_login(struct db *db, const char *login, const char *password)
{
	if (!login || !password) return -1;
	/* logins are one in any case (users_find in users.c does the same): the
	** login as typed first (an old database may hold t1 and T1, each working
	** as written), else the one that is the same lower-cased */
	char folded[256];
	auth_login_key(login, folded, sizeof folded);
	struct stmt *st = db_query(db, "SELECT id, password_hash, active FROM users WHERE login = $1 OR lower(login) = $2 "
				   "ORDER BY CASE WHEN login = $1 THEN 0 WHEN login = $2 THEN 1 ELSE 2 END, id LIMIT 1", "tt", login, folded);
	if (!st) return -1;
	int64_t id = -1;
	if (db_step(st) == DB_ROW) {
		int ok = password_check(db_text(st, 1), password) == 0;
		if (ok && db_int(st, 2)) id = db_int(st, 0);
	} else {
		password_check(dummy_hash(), password);
	}
	db_done(st);
	return id;
}

/* Throttle the attacker, not the owner. Failures are counted per (login,
** address) pair, per address and per login over LOGIN_WINDOW_SEC:
**  - a pair has LOGIN_FREE_FAILS free attempts, then must wait 2^(k) seconds
**    after its last failure (k = failures beyond the free ones), up to the
**    window: guessing from one address slows to a crawl, while the owner, who
**    logs in from another address, is not touched;
**  - an address with LOGIN_MAX_PER_ADDRESS failures (many logins tried) waits
**    out the window;
**  - a login with LOGIN_MAX_PER_LOGIN failures from all addresses together (a
**    distributed guess) waits out the window: far above what one office
**    mistypes, and it takes tens of addresses to reach it.
** Returns the seconds to wait, or 0. */
/* 1 when the password holds the login (ASCII case ignored), forwards or reversed */
static int login_in_password(const char *password, const char *login)
{
	size_t n = login ? strlen(login) : 0, m = strlen(password);
	if (n == 0 || n > m) return 0;
	char lo[256];
	if (n >= sizeof lo) return 0;
	auth_login_key(login, lo, sizeof lo);
	for (size_t i = 0; i + n <= m; i++) {
		int fwd = 1, back = 1;
		for (size_t k = 0; k < n && (fwd || back); k++) {
			char c = password[i + k];
			if (c >= 'A' && c <= 'Z') c += 32;
			if (c != lo[k]) fwd = 0;
			if (c != lo[n - 1 - k]) back = 0;
		}
		if (fwd || back) return 1;
	}
	return 0;
}

/* The policy's check, shared by both wordings: 0; a libpwquality error code
** (< 0), with the library's English detail in detail; or QUALITY_LOGIN. */
#define QUALITY_LOGIN 1
static int quality(const char *password, const char *old, const char *login, char *detail, size_t n)
{
	detail[0] = 0;
	pwquality_settings_t *s = pwquality_default_settings();
	if (!s) { snprintf(detail, n, "out of memory checking the password"); return PWQ_ERROR_MEM_ALLOC; }
	pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, PASSWORD_MIN_LEN);
	void *aux = NULL;
	int score = pwquality_check(s, password ? password : "", old, login, &aux);
	if (score < 0) {
		char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
		snprintf(detail, n, "%s", pwquality_strerror(buf, sizeof buf, score, aux));
	}
	pwquality_free_settings(s);
	if (score < 0) return score;
	/* libpwquality looks for the user name only when it has at least 4
	** characters (its usercheck): "t1t1t1t1t1xyzQ" passes for t1. The
	** policy says the password does not contain the login: in any case,
	** forwards or backwards, whatever its length */
	if (login_in_password(password ? password : "", login)) {
		snprintf(detail, n, "it contains the login");
		return QUALITY_LOGIN;
	}
	return 0;
}

int password_quality(const char *password, const char *login, char *err, size_t errlen)
{
	char detail[PWQ_MAX_ERROR_MESSAGE_LEN];
	if (quality(password, NULL, login, detail, sizeof detail) == 0) return 0;
	snprintf(err, errlen, "the password is too weak: %s", detail);
	return -1;
}

const char *password_quality_msg(const char *password, const char *old, const char *login)
{
	char detail[PWQ_MAX_ERROR_MESSAGE_LEN];
	switch (quality(password, old, login, detail, sizeof detail)) {
	case 0: return NULL;
	case PWQ_ERROR_MIN_LENGTH:
	case PWQ_ERROR_EMPTY_PASSWORD: return N_("At least 10 characters");
	case PWQ_ERROR_CRACKLIB_CHECK:
	case PWQ_ERROR_BAD_WORDS: return N_("Too easy to guess: it is based on a dictionary word");
	case QUALITY_LOGIN:
	case PWQ_ERROR_USER_CHECK:
	case PWQ_ERROR_GECOS_CHECK: return N_("It must not contain the login");
	case PWQ_ERROR_SAME_PASSWORD:
	case PWQ_ERROR_TOO_SIMILAR:
	case PWQ_ERROR_CASE_CHANGES_ONLY:
	case PWQ_ERROR_ROTATED: return N_("Too like the current password");
	case PWQ_ERROR_MEM_ALLOC:
	case PWQ_ERROR_FATAL_FAILURE: return N_("The password could not be checked: try again");
	default: return N_("Too simple: avoid repeated characters and runs such as 1234 or abcd");
	}
}

int64_t auth_throttled(struct db *db, const char *login, const char *peer)
{
	char kp[600], ki[300], kl[300], key[256];
	auth_login_key(login, key, sizeof key); /* T1 and t1 are one login: one count */
	login = key;
	snprintf(kp, sizeof kp, "pair|%s|%s", login, peer ? peer : "");
	snprintf(ki, sizeof ki, "ip|%s", peer ? peer : "");
	snprintf(kl, sizeof kl, "login|%s", login);
	int64_t now = (int64_t)time(NULL), since = now - LOGIN_WINDOW_SEC, n = 0, last = 0;
	struct stmt *st = db_query(db, "SELECT count(*), max(at) FROM login_failures WHERE key = $1 AND at > $2", "ti", kp, since);
	if (st && db_step(st) == DB_ROW) { n = db_int(st, 0); last = db_int(st, 1); }
	db_done(st);
	if (n > LOGIN_FREE_FAILS) {
		int k = (int)(n - LOGIN_FREE_FAILS);
		int64_t delay = k >= 10 ? LOGIN_WINDOW_SEC : (int64_t)1 << k;
		if (delay > LOGIN_WINDOW_SEC) delay = LOGIN_WINDOW_SEC;
		if (last + delay > now) return last + delay - now;
	}
	int64_t ni = 0, nl = 0;
	db_int1(db, &ni, "SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2", "ti", ki, since);
	if (ni >= LOGIN_MAX_PER_ADDRESS) return LOGIN_WINDOW_SEC;
	db_int1(db, &nl, "SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2", "ti", kl, since);
	if (nl >= LOGIN_MAX_PER_LOGIN) return LOGIN_WINDOW_SEC;
	return 0;
}

void auth_note_failure(struct db *db, const char *login, const char *peer)
{
	char kp[600], ki[300], kl[300], key[256];
	auth_login_key(login, key, sizeof key); /* T1 and t1 are one login: one count */
	login = key;
	snprintf(kp, sizeof kp, "pair|%s|%s", login, peer ? peer : "");
	snprintf(ki, sizeof ki, "ip|%s", peer ? peer : "");
	snprintf(kl, sizeof kl, "login|%s", login);
	int64_t now = (int64_t)time(NULL);
	db_exec(db, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", "ti", kp, now);
	db_exec(db, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", "ti", ki, now);
	db_exec(db, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", "ti", kl, now);
	db_exec(db, "DELETE FROM login_failures WHERE at < $1", "i", now - LOGIN_WINDOW_SEC);
}

int session_create(struct db *db, int64_t user_id, char sid[65], char csrf[65])
{
	char h[65];
	random_token(sid, 32);
	random_token(csrf, 32);
	sha256_hex(h, sid, 64);
	int64_t now = (int64_t)time(NULL);
	/* E_BUSY when another writer holds the database past the busy timeout */
	int rc = db_tx_begin(db);
	if (rc == E_OK && db_exec(db, "DELETE FROM sessions WHERE expires_at < $1", "i", now) != DB_OK) rc = E_DB;
	if (rc == E_OK && db_exec(db, "INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, expires_at) "
				  "VALUES ($1, $2, $3, $4, $4, $5)",
				  "titii", h, user_id, csrf, now, now + SESSION_MAX_SEC) != DB_OK)
		rc = E_DB;
	return db_tx_end(db, rc);
}

void session_seen(struct db *db, const char *id_hash, int64_t seen, int64_t now)
{
	/* the idle clock is written at most once a minute, not on every request */
	if (now - seen > 60) db_exec(db, "UPDATE sessions SET seen_at = $1 WHERE id_hash = $2", "it", now, id_hash);
}

void session_destroy(struct db *db, const char *sid)
{
	if (!sid || strlen(sid) != 64) return;
	char h[65];
	sha256_hex(h, sid, 64);
	db_exec(db, "DELETE FROM sessions WHERE id_hash = $1", "t", h);
}

int token_create(struct db *db, int64_t user_id, const char *name, char token[65])
{
	char h[65];
	random_token(token, 32);
	sha256_hex(h, token, 64);
	int64_t now = (int64_t)time(NULL);
	int rc = db_tx_begin(db);
	if (rc == E_OK && db_exec(db, "DELETE FROM api_tokens WHERE expires_at < $1", "i", now) != DB_OK) rc = E_DB;
	if (rc == E_OK && db_exec(db, "INSERT INTO api_tokens (hash, user_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
				  "titii", h, user_id, name, now, now + TOKEN_MAX_SEC) != DB_OK)
		rc = E_DB;
	return db_tx_end(db, rc);
}

const struct user auth_system = {.id = 0, .system = 1, .login = "system", .full_name = "system"};

const char *auth_display_login(const char *lang, const char *login) { return login ? login : i18n_get(lang, N_("the system")); }

const char *auth_display_actor(struct arena *a, const char *lang, const char *login, int is_user)
{
	if (is_user && login) return login;
	if (!login || !strcmp(login, "system")) return i18n_get(lang, N_("the system"));
	if (!strncmp(login, "cli:", 4)) return arena_printf(a, i18n_get(lang, N_("the command line (%s)")), login + 4);
	if (!strcmp(login, "demo")) return i18n_get(lang, N_("the demo data"));
	return login;
}

void token_revoke(struct db *db, const char *token)
{
	if (!token || strlen(token) != 64) return;
	char h[65];
	sha256_hex(h, token, 64);
	db_exec(db, "DELETE FROM api_tokens WHERE hash = $1", "t", h);
}
