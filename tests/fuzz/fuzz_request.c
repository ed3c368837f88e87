/* Fuzz target: a whole request through the router, as the server hands it
** over: the method and request target, the headers (Authorization, Cookie,
** Accept-Language, X-Forwarded-For, Content-Type, X-CSRF-Token, anything),
** and the body, into web_dispatch() — identity, language, route lookup,
** login, body parsing, CSRF, permission, the handler and its replies —
** against a database in memory prepared once: migrated, a few units, a
** person, a launched movement with a registration, a model, a report and a
** file, an
** admin and a reporter each with a session and an API token.
**
** Input, as text:
**   METHOD TARGET [PEER]         "POST /api/v1/units?x=1"; PEER (default
**                                127.0.0.1, so X-Forwarded-For is read)
**   Name: value                  headers, up to an empty line
**   body                         the rest, any bytes
** Lines end with \n or \r\n. These words are replaced before parsing, so a
** fuzzer reaches what needs a secret: $SID $CSRF $TOKEN (the admin's session
** cookie, its CSRF token, an API token), $RSID $RCSRF $RTOKEN (the
** reporter's), $PASS (the admin's password), $PRE (a 64-hex value for the
** anonymous double-submit cookie tdpre).
**
** Checked on every reply: a status in 100..599; no transaction left open;
** a JSON reply parses; an HTML page never carries the tag "<x-fuzz" (every
** echo of the request is escaped; the seeds put it in paths, queries,
** headers and bodies). A request that changed the database is undone by
** copying the prepared database back, so every input starts from the same
** state. FUZZ_REQUEST_SHOW=1 prints each request's status. */
#include <event2/http.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/auth.h"
#include "base/db.h"
#include "base/i18n.h"
#include "base/pdf.h"
#include "base/schema.h"
#include "req_build.h"
#include "units/units.h"
#include "users/users.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIVE "file:/thidua-fuzz-request?vfs=memdb"
#define SNAP "file:/thidua-fuzz-request-snap?vfs=memdb"

static struct db *db;          /* the application's connection */
static sqlite3 *live, *snap;   /* ours: to watch for changes and to undo them */
static int64_t live_version;
static char pass[40], pre[65];
static char sid[65], csrf[65], token[65], rsid[65], rcsrf[65], rtoken[65];

static const struct req_limits limits = { .max_body = 16384, .max_upload = 65536, .max_headers = 16384 };

static void die(const char *what)
{
	fprintf(stderr, "fuzz_request setup: %s: %s\n", what, db ? db_errmsg(db) : "");
	abort();
}

static int64_t pragma_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) die(sql);
	if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t data_version(void) { return pragma_int(live, "PRAGMA data_version"); }

/* The backup raises the schema cookie of the copy, and every connection then
** parses the schema and prepares each cached statement again: a quarter of
** the run's time. The schema is the same, so the cookie is put back. */
static void copy_db(sqlite3 *to, sqlite3 *from)
{
	int64_t cookie = pragma_int(to, "PRAGMA schema_version");
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE || sqlite3_backup_finish(b) != SQLITE_OK) die("copy");
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA schema_version = %lld", (long long)cookie);
	if (cookie > 0 && sqlite3_exec(to, sql, NULL, NULL, NULL) != SQLITE_OK) die("schema_version");
}

/* One request; returns the status. Used by the setup and by every input. */
static int run(const char *method, const char *target, const char *const *headers, int nheaders, const char *body,
	       size_t len, const char *peer, int check)
{
	struct req r;
	if (req_build(&r, db, method, target, headers, nheaders, body, len, peer, &limits) != 0) return 400;
	web_dispatch(&r);
	int status = r.status;
	if (check && getenv("FUZZ_REQUEST_SHOW")) /* what each input did, to write seeds */
		fprintf(stderr, "%s %s -> %d %s %zu bytes%s%.*s\n", method, target, status, r.ctype ? r.ctype : "-", r.out.len,
			r.api ? ": " : "", r.api ? (int)r.out.len : 0, r.out.p);
	if (check) {
		if (status < 100 || status > 599) abort();
		if (db_in_tx(db)) abort(); /* a handler returned inside a transaction */
		const char *ct = r.ctype ? r.ctype : "";
		/* a 304 or 204 has no body whatever its Content-Type says */
		if (strncmp(ct, "application/json", 16) == 0 && r.method != M_HEAD && status != 304 && status != 204) {
			json_error_t err;
			json_t *v = json_loadb(r.out.p, r.out.len, JSON_DECODE_ANY, &err);
			if (!v) {
				fprintf(stderr, "not JSON (%s): %.*s\n", err.text, (int)(r.out.len > 400 ? 400 : r.out.len), r.out.p);
				abort();
			}
			json_decref(v);
		}
		if (strncmp(ct, "text/html", 9) == 0 && r.out.len && memmem(r.out.p, r.out.len, "<x-fuzz", 7)) abort();
	}
	req_release(&r);
	return status;
}

/* a call with the admin's API token during the setup */
static void setup_send(const char *method, const char *target, const char *ctype, const char *body, size_t len, int want)
{
	char authz[80];
	snprintf(authz, sizeof authz, "Bearer %s", token);
	const char *h[] = { "Authorization", authz, "Content-Type", ctype };
	int got = run(method, target, h, 2, body, len, "127.0.0.1", 0);
	if (got != want) {
		fprintf(stderr, "%s %s: %d, not %d\n", method, target, got, want);
		die("setup request");
	}
}

static void setup_call(const char *method, const char *target, const char *json, int want)
{
	setup_send(method, target, "application/json", json, strlen(json), want);
}

static void setup(void)
{
	if (sodium_init() < 0) die("sodium");
	i18n_get("vi", "");
	i18n_get("en", "");
	i18n_get("hi", "");
	sqlite3_config(SQLITE_CONFIG_URI, 1);
	if (db_open(&db, LIVE, 1) != DB_OK || schema_migrate(db, 1) != 0) die("open");
	if (sqlite3_open_v2(LIVE, &live, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) != SQLITE_OK) die("open live");
	if (sqlite3_open_v2(SNAP, &snap, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		die("open snapshot");

	static struct user system = { .id = 0, .login = "fuzz", .full_name = "fuzz", .system = 1 };
	struct field_errors fe = { 0 };
	struct unit_in root = { .code = "VN", .name = "Việt Nam", .kind = "country", .parent_id = 0, .active = 1 };
	int64_t id;
	if (units_create(db, &system, &root, &fe, &id) != E_OK) die("root unit");
	struct unit_in prov = { .code = "T-QN", .name = "Tỉnh Quảng Ninh", .kind = "province", .parent_id = id, .active = 1 };
	if (units_create(db, &system, &prov, &fe, &id) != E_OK) die("province");
	struct unit_in ward = { .code = "QN-LH", .name = "Xã Liên Hòa", .kind = "commune", .parent_id = id, .active = 1 };
	if (units_create(db, &system, &ward, &fe, &id) != E_OK) die("commune");
	char err[200], rpass[40];
	int64_t admin, reporter;
	users_gen_password(pass, sizeof pass, "admin");
	users_gen_password(rpass, sizeof rpass, "lh.reporter");
	if (users_create(db, &system, "admin", "Quản trị", pass, "admin", "VN", &admin, err, sizeof err) != 0) die(err);
	if (users_create(db, &system, "lh.reporter", "Báo cáo viên", rpass, "reporter", "QN-LH", &reporter, err, sizeof err) != 0)
		die(err);
	if (session_create(db, admin, sid, csrf) != 0 || session_create(db, reporter, rsid, rcsrf) != 0) die("sessions");
	if (token_create(db, admin, "fuzz", token) != DB_OK || token_create(db, reporter, "fuzz", rtoken) != DB_OK) die("tokens");
	/* sessions that neither expire nor need their "seen" time written during a run */
	if (db_exec(db, "UPDATE sessions SET seen_at = seen_at + 400000000, expires_at = expires_at + 400000000", "") != DB_OK)
		die("sessions");
	memset(pre, 'a', 64);

	/* the rest through the API, as a script would (ids 1.. in this order) */
	setup_call("POST", "/api/v1/people",
		   "{\"code\":\"CC-0001\",\"full_name\":\"Hoàng Thị Thu Hà\",\"gender\":\"F\",\"birth_year\":1990,"
		   "\"unit_code\":\"QN-LH\",\"position\":\"Chuyên viên\"}", 201);
	setup_call("POST", "/api/v1/movements",
		   "{\"code\":\"DVK\",\"title\":\"Dân vận khéo\",\"kind\":\"regular\",\"authority_code\":\"T-QN\","
		   "\"starts_on\":\"2025-01-01\",\"ends_on\":\"2035-12-31\",\"register_by\":\"2035-06-30\",\"scope\":[\"T-QN\"],"
		   "\"fields\":[\"economy\",\"culture_society\"],\"metrics\":[{\"code\":\"vnd\",\"name\":\"Kinh phí\",\"unit\":\"VND\","
		   "\"kind\":\"amount\"},{\"code\":\"pct\",\"name\":\"Tỷ lệ\",\"unit\":\"%\",\"kind\":\"rate\"}]}", 201);
	setup_call("POST", "/api/v1/movements/1/status", "{\"status\":\"launched\",\"version\":1}", 200);
	setup_call("POST", "/api/v1/movements/1/registrations",
		   "{\"unit_code\":\"QN-LH\",\"pledge\":\"Hai mô hình\",\"planned_models\":2,\"commitments\":{\"vnd\":400000000}}", 201);
	setup_call("POST", "/api/v1/movements/1/models",
		   "{\"unit_code\":\"QN-LH\",\"code\":\"LH-01\",\"title\":\"Lan can chống đuối nước\",\"field\":\"culture_society\","
		   "\"plans\":{\"vnd\":100000000}}", 201);
	setup_call("POST", "/api/v1/models/1/reports",
		   "{\"reported_on\":\"2025-03-01\",\"note\":\"Xong 120 m\",\"results\":{\"vnd\":75000000,\"pct\":40}}", 201);
	static const char gif[] = /* a 1x1 GIF on the movement: file 1 */
		"--XyZ\015\012Content-Disposition: form-data; name=\"file\"; filename=\"a.gif\"\015\012"
		"Content-Type: image/gif\015\012\015\012GIF89a\001\000\001\000\200\000\000\000\000\000\377\377\377!\371"
		"\004\001\000\000\000\000,\000\000\000\000\001\000\001\000\000\002\002D\001\000;\015\012--XyZ--\015\012";
	setup_send("POST", "/api/v1/movements/1/files", "multipart/form-data; boundary=XyZ", gif, sizeof gif - 1, 201);
	/* the first PDF fills fontconfig's and pango's caches for the process's
	** life: made here, they are not taken for a leak of the first input that
	** asks for a report */
	setup_send("GET", "/movements/1/report.pdf", "text/plain", "", 0, 200);
	atexit(pdf_library_end); /* and freed at exit, as the report tests do */
	copy_db(snap, live);
	live_version = data_version();
}

/* input with the secrets put in; the caller frees */
static char *substitute(const uint8_t *data, size_t size, size_t *out_len)
{
	const struct {
		const char *word, *value;
	} words[] = { { "$SID", sid }, { "$CSRF", csrf }, { "$TOKEN", token }, { "$RSID", rsid }, { "$RCSRF", rcsrf },
		      { "$RTOKEN", rtoken }, { "$PASS", pass }, { "$PRE", pre } };
	size_t cap = size * 17 + 1, n = 0; /* a word is at least 4 bytes, a value at most 64 */
	char *s = malloc(cap);
	for (size_t i = 0; i < size;) {
		size_t k = 0;
		if (data[i] == '$')
			for (; k < sizeof words / sizeof *words; k++) {
				size_t wl = strlen(words[k].word);
				if (i + wl <= size && memcmp(data + i, words[k].word, wl) == 0) break;
			}
		if (data[i] == '$' && k < sizeof words / sizeof *words) {
			size_t vl = strlen(words[k].value);
			memcpy(s + n, words[k].value, vl);
			n += vl;
			i += strlen(words[k].word);
		} else {
			s[n++] = (char)data[i++];
		}
	}
	s[n] = 0;
	*out_len = n;
	return s;
}

/* the next line (without \n and a \r before it), NUL-terminated in place */
static char *next_line(char **p, char *end)
{
	if (*p >= end) return NULL;
	char *line = *p;
	char *nl = memchr(line, '\n', (size_t)(end - line));
	char *stop = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	if (stop > line && stop[-1] == '\r') stop--;
	*stop = 0;
	return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) setup();
	if (size > 65536) return 0;
	size_t n;
	char *s = substitute(data, size, &n);
	char *p = s, *end = s + n;

	char *line = next_line(&p, end);
	const char *method = line ? strtok(line, " ") : NULL;
	const char *target = method ? strtok(NULL, " ") : NULL;
	const char *peer = target ? strtok(NULL, " ") : NULL;
	const char *headers[64];
	int nh = 0, ok = method && target;
	while (ok && (line = next_line(&p, end)) && *line) {
		char *colon = strchr(line, ':');
		if (!colon) { ok = 0; break; } /* libevent refuses the request */
		*colon = 0;
		char *v = colon + 1;
		v += strspn(v, " \t");
		size_t vl = strlen(v);
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) v[--vl] = 0;
		if (nh < 32) {
			headers[2 * nh] = line;
			headers[2 * nh + 1] = v;
			nh++;
		}
	}
	if (ok) run(method, target, headers, nh, p, (size_t)(end - p), peer ? peer : "127.0.0.1", 1);

	if (data_version() != live_version) {
		copy_db(live, snap);
		live_version = data_version();
	}
	free(s);
	return 0;
}
