#include "cli.h"
#include "../commendation/commendation.h"
#include "../decisions/decisions.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/jobs.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/db.h"
#include "../base/files.h"
#include "../base/pdf.h"
#include "../movements/movements.h"
#include "../tasks/tasks.h"
#include "../base/http.h"
#include "../base/i18n.h"
#include "../base/schema.h"
#include "../base/sheet.h"
#include "../base/util.h"
#include "../people/people.h"
#include "../units/units.h"
#include "../users/users.h"
#include "../web/web.h"

#define DEFAULT_DB "thidua.db"

int args_parse(struct args *a, int argc, char **argv, const char *const *known)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) { a->help = 1; continue; }
		if (strncmp(s, "--", 2) == 0) {
			const char *eq = strchr(s, '=');
			size_t len = eq ? (size_t)(eq - s) : strlen(s);
			int ok = 0;
			for (int k = 0; known[k]; k++)
				if (strlen(known[k]) == len && !strncmp(known[k], s, len)) { ok = 1; a->name[a->n] = known[k]; }
			if (!ok) { fprintf(stderr, "unknown option %.*s\n", (int)len, s); return -1; }
			/* "--out --db PATH": the value was forgotten; taking the next
			** option as it would leave --db's value as a stray argument and
			** the command on the default database */
			int next_is_option = 0;
			for (int k = 0; !eq && i + 1 < argc && known[k]; k++) {
				size_t kl = strlen(known[k]);
				if (!strncmp(argv[i + 1], known[k], kl) && (argv[i + 1][kl] == 0 || argv[i + 1][kl] == '=')) next_is_option = 1;
			}
			if (eq) a->value[a->n] = eq + 1;
			else if (i + 1 < argc && !next_is_option) a->value[a->n] = argv[++i];
			else { fprintf(stderr, "option %.*s needs a value\n", (int)len, s); return -1; }
			if (a->n < 15) a->n++;
			continue;
		}
		if (a->npos < 8) a->pos[a->npos++] = s;
	}
	return 0;
}

int cli_usage(int help, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(help ? stdout : stderr, fmt, ap);
	va_end(ap);
	return help ? 0 : 2;
}

const char *arg(const struct args *a, const char *name, const char *dflt)
{
	for (int i = a->n - 1; i >= 0; i--)
		if (!strcmp(a->name[i], name)) return a->value[i];
	return dflt;
}

int cli_open_db(const char *path, struct db **db, int create)
{
	if (!create && !db_is_postgres(path) && access(path, F_OK) != 0) {
		fprintf(stderr, "no database at %s (create one with: thidua init --db %s)\n", path, path);
		return -1;
	}
	if (db_open(db, path, create) != DB_OK) return -1;
	if (schema_migrate(*db, 1) != 0) { db_close(*db); *db = NULL; return -1; }
	return 0;
}

/* The acting user of the command line, for the audit log. */
static const struct user *cli_user(void)
{
	static struct user u;
	static char login[80];
	const char *who = getenv("USER");
	snprintf(login, sizeof login, "cli:%s", who && *who ? who : "unknown");
	u.id = 0;
	u.login = login;
	u.full_name = login;
	u.system = 1;
	return &u;
}

/* ---------------- serve ---------------- */

/* award decisions: the master key that opens the signing keys, and the
** public address certificates point to (serve --keys, --public-url) */
static int serve_decisions_setup(struct db *db, const struct args *a)
{
	char err[1200];
	int rc = signing_master_key_load(db, arg(a, "--keys", NULL), err, sizeof err);
	if (rc < 0) { fprintf(stderr, "%s\n", err); return -1; }
	if (rc > 0) fprintf(stderr, "%s\n", *err ? err : "no master key (--keys FILE or THIDUA_MASTER_KEY): award decisions cannot be signed");
	static char url[600];
	const char *pub = arg(a, "--public-url", NULL);
	if (pub) snprintf(url, sizeof url, "%s", pub);
	else snprintf(url, sizeof url, "http://%s", arg(a, "--listen", "127.0.0.1:8080"));
	size_t n = strlen(url);
	while (n && url[n - 1] == '/') url[--n] = 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		fprintf(stderr, "--public-url must start with http:// or https://\n");
		return -1;
	}
	decisions_public_url = url;
	return 0;
}

static const char *serve_db;

static int serve_thread_init(int thread, struct db **db)
{
	(void)thread;
	if (db_open(db, serve_db, 0) != DB_OK) return -1;
	/* a request waits at most 5 s for another writer, then answers 503
	** with Retry-After; the job worker waits longer (jobs.c) */
	db_busy_timeout(*db, 5000);
	return 0;
}

static int serve_usage(int help)
{
	return cli_usage(help, "usage: thidua serve [--db PATH] [--listen HOST:PORT] [--threads N]\n"
			 "                    [--max-body BYTES] [--max-upload BYTES] [--max-conns N] [--timeout SECONDS]\n"
			 "                    [--utc-offset +HH:MM] [--unit-quota BYTES] [--reply-cache 1|0]\n"
			 "                    [--public-url URL] [--keys FILE] [--outbox DIR]\n\n"
			 "Serves the web interface and the JSON API. Defaults: --db %s, --listen 127.0.0.1:8080,\n"
			 "--threads = number of cores, --max-body 1048576, --max-upload 20971520 (a multipart/form-data\n"
			 "body: file uploads), --max-conns 1024 per thread, --timeout 30.\n"
			 "Each unit may store --unit-quota bytes of attached files (default 1073741824; 0: no limit).\n"
			 "Times are stored in UTC and shown on the office's clock: --utc-offset +07:00 (Asia/Ho_Chi_Minh).\n"
			 "--reply-cache 0 turns off the cache of repeated GETs of lists, unit pages and dashboards\n"
			 "(kept per worker while the database does not change; see docs/ARCHITECTURE.md).\n"
			 "SIGTERM or SIGINT stop accepting, let requests in flight finish, and exit.\n"
			 "--db is a SQLite file, or a PostgreSQL database: postgresql://user@host/db (or postgres://...),\n"
			 "or postgresql: alone for libpq's environment (PGSERVICE, PGHOST, PGDATABASE...).\n"
			 "Award decisions: certificates point to --public-url/verify/CODE (default: http:// and the\n"
			 "--listen address, i.e. http://127.0.0.1:8080; set the address people reach the server at).\n"
			 "The authorities' signing keys are sealed with a master key: --keys FILE, else the variable\n"
			 "THIDUA_MASTER_KEY (64 hexadecimal digits), else PATH.key next to a SQLite database (made\n"
			 "by init, mode 0600). Without one (PostgreSQL) decisions cannot be issued.\n"
			 "Task reminders: once a day, the e-mails of tasks overdue or due within 7 days go to --outbox DIR\n"
			 "(default PATH.outbox next to a SQLite database; none on PostgreSQL), see thidua remind --help.\n", DEFAULT_DB);
}

int cmd_serve(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--listen", "--threads", "--max-body", "--max-upload", "--max-conns", "--timeout", "--utc-offset", "--unit-quota", "--reply-cache",
					     "--public-url", "--keys", "--outbox", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return serve_usage(0);
	if (a.help || a.npos) return serve_usage(a.help);
	const char *tz = arg(&a, "--utc-offset", "+07:00");
	int tzh, tzm;
	char tzsign;
	if (sscanf(tz, "%c%2d:%2d", &tzsign, &tzh, &tzm) != 3 || (tzsign != '+' && tzsign != '-') || tzh > 14 || tzm > 59) {
		fprintf(stderr, "--utc-offset must look like +07:00\n");
		return 2;
	}
	i18n_tz_minutes = (tzsign == '-' ? -1 : 1) * (tzh * 60 + tzm);
	reply_cache_enabled = strcmp(arg(&a, "--reply-cache", "1"), "0") != 0;
	const char *quota = arg(&a, "--unit-quota", NULL);
	if (quota) {
		int64_t q;
		if (parse_int(quota, &q) != 0 || q < 0) { fprintf(stderr, "--unit-quota must be a number of bytes (0: no limit)\n"); return 2; }
		files_unit_quota = q;
	}
	serve_db = arg(&a, "--db", DEFAULT_DB);
	struct db *db;
	if (cli_open_db(serve_db, &db, 0) != 0) return 1;
	if (serve_decisions_setup(db, &a) != 0) { db_close(db); return 1; }
	db_close(db);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	struct http_config cfg = {
		.listen = arg(&a, "--listen", "127.0.0.1:8080"),
		.threads = atoi(arg(&a, "--threads", "0")),
		.max_body = (size_t)atol(arg(&a, "--max-body", "1048576")),
		.max_upload = (size_t)atol(arg(&a, "--max-upload", "20971520")),
		.max_headers = 16384,
		.timeout_sec = atoi(arg(&a, "--timeout", "30")),
		.max_conns = atoi(arg(&a, "--max-conns", "1024")),
		.db_path = serve_db,
		.handle = web_dispatch,
		.thread_init = serve_thread_init,
		.thread_end = pdf_thread_end,
	};
	if (cfg.threads <= 0) cfg.threads = cores > 0 ? (int)cores : 1;
	if (cfg.max_conns <= 0 || cfg.timeout_sec <= 0 || cfg.max_body == 0 || cfg.max_upload == 0) {
		fprintf(stderr, "--max-conns, --timeout, --max-body and --max-upload must be positive\n");
		return 2;
	}
	/* background jobs (imports): a worker thread with its own connection */
	movements_jobs_register();
	/* task reminders once a day (remind.c): the outbox beside a SQLite database, or --outbox */
	char outbox[1100];
	snprintf(outbox, sizeof outbox, "%s.outbox", serve_db);
	tasks_jobs_register(arg(&a, "--outbox", db_is_postgres(serve_db) ? NULL : outbox));
	if (jobs_start(serve_db, role_load_user) != 0) { fprintf(stderr, "%s: could not start the job worker\n", serve_db); return 1; }
	int rc = http_serve(&cfg);
	jobs_stop();
	pdf_library_end(); /* cairo and fontconfig caches: a clean exit under LeakSanitizer */
	return rc;
}

/* ---------------- init and users ---------------- */


#include <sodium.h>

static int read_password_file(const char *path, char *out, size_t n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) { fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno)); return -1; }
	if (!fgets(out, (int)n, f)) out[0] = 0;
	if (f != stdin) fclose(f);
	out[strcspn(out, "\r\n")] = 0;
	if (!*out) { fprintf(stderr, "%s: the file holds no password\n", path); return -1; }
	return 0;
}

/* Creates a user with one role; prints errors. Returns the id or -1. */
static int64_t user_create(struct db *db, const char *login, const char *name, const char *password, const char *role,
			   const char *unit_code)
{
	char err[300];
	int64_t id;
	if (users_create(db, cli_user(), login, name, password, role, unit_code, &id, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return id;
}

static int init_usage(int help)
{
	return cli_usage(help, "usage: thidua init [--db PATH] [--admin-password-file FILE] [--keys FILE]\n\n"
			 "Creates the database, the root unit VN and the user 'admin', and prints the\n"
			 "generated admin password once, on a line 'admin password: PASSWORD'.\n"
			 "--db postgresql://user@host/db fills an existing, empty PostgreSQL database instead.\n"
			 "The master key that seals the authorities' signing keys is made too: PATH.key next to\n"
			 "a SQLite database (mode 0600; keep it, and back it up apart from the database), or the\n"
			 "file --keys names (made when missing), else the one of THIDUA_MASTER_KEY is used.\n"
			 "On PostgreSQL without --keys or THIDUA_MASTER_KEY no master key is made, and init says\n"
			 "so: make one later and give it to every server (serve --keys FILE; docs/DEPLOY.md).\n");
}

int cmd_init(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--admin-password-file", "--keys", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return init_usage(0);
	if (a.help || a.npos) return init_usage(a.help);
	const char *path = arg(&a, "--db", DEFAULT_DB);
	if (!db_is_postgres(path) && access(path, F_OK) == 0) { fprintf(stderr, "%s exists already; init creates a new database\n", path); return 1; }
	/* the file holds password hashes and sealed keys: made readable by its
	** owner only, whatever the umask; SQLite gives its -wal and -shm the
	** same mode, and a backup is made the same way (db_backup) */
	if (!db_is_postgres(path)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) { fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno)); return 1; }
		close(fd);
	}
	struct db *db;
	if (cli_open_db(path, &db, 1) != 0) return 1;
	/* PostgreSQL: the database exists (the server's administrator made it); init fills an empty one */
	int64_t units = 0;
	if (db_is_postgres(path) && (db_int1(db, &units, "SELECT count(*) FROM units", "") != DB_ROW || units > 0)) {
		fprintf(stderr, "%s holds data already; init fills a new, empty database\n", db_path(db));
		db_close(db);
		return 1;
	}
	struct field_errors fe = { 0 };
	struct unit_in root = { .code = "VN", .name = "Việt Nam", .kind = "country", .parent_id = 0, .active = 1 };
	int64_t id;
	char pw[64];
	if (arg(&a, "--admin-password-file", NULL)) {
		if (read_password_file(arg(&a, "--admin-password-file", NULL), pw, sizeof pw) != 0) { db_close(db); return 1; }
	} else {
		users_gen_password(pw, 17, "admin");
	}
	if (units_create(db, cli_user(), &root, &fe, &id) != E_OK || user_create(db, "admin", "Quản trị hệ thống", pw, "admin", "VN") < 0) {
		fprintf(stderr, "cannot initialise %s: %s\n", path, db_errmsg(db));
		db_close(db);
		return 1;
	}
	char kerr[1200];
	int krc = signing_master_key_load(db, arg(&a, "--keys", NULL), kerr, sizeof kerr);
	if (krc < 0) fprintf(stderr, "%s\n", kerr);
	db_close(db);
	printf("created %s\n", path);
	if (krc == 0) printf("master key: %s\n", signing_master_key_source());
	/* PostgreSQL without --keys or THIDUA_MASTER_KEY: nothing to make it next to */
	else if (krc > 0)
		printf("master key: none (award decisions cannot be signed until every server is given one:\n"
		       "  serve --keys FILE, a file of 64 hexadecimal digits made once, or THIDUA_MASTER_KEY; docs/DEPLOY.md)\n");
	if (!arg(&a, "--admin-password-file", NULL)) printf("admin password: %s\n", pw);
	sodium_memzero(pw, sizeof pw);
	/* the database is made (its password said above), the key is not: a
	** script must not go on as if decisions could be signed */
	return krc < 0 ? 1 : 0;
}

/* The user of --login, in any case (users_find), and the login as stored
** (stored, USERS_LOGIN_MAX + 1 bytes or more); prints why not. */
static int user_lookup(struct db *db, const char *login, int64_t *id, char *stored, size_t n)
{
	int rc = login ? users_find(db, login, id, NULL) : E_NOTFOUND;
	if (rc == E_NOTFOUND) fprintf(stderr, "no user with the login '%s'\n", login ? login : "");
	else if (rc != E_OK) fprintf(stderr, "cannot read the users: %s\n", db_errmsg(db));
	if (rc != E_OK) return -1;
	struct stmt *st = db_query(db, "SELECT login FROM users WHERE id = $1", "i", *id);
	snprintf(stored, n, "%s", st && db_step(st) == DB_ROW ? db_text(st, 0) : login);
	db_done(st);
	return 0;
}

static int user_usage(int help)
{
	return cli_usage(help, "usage: thidua user add --login L --role ROLE --unit CODE --password-file F [--name NAME] [--email E] [--db PATH]\n"
			 "       thidua user passwd --login L [--password-file F] [--db PATH]   (no file: prints a generated one)\n"
			 "       thidua user email --login L [--email E] [--db PATH]   (no --email: removes it)\n"
			 "       thidua user grant --login L --role ROLE --unit CODE [--db PATH]\n"
			 "       thidua user revoke --login L --role ROLE --unit CODE [--db PATH]\n"
			 "       thidua user list [--db PATH]\n"
			 "       thidua user disable --login L [--db PATH]\n"
			 "       thidua user enable --login L [--db PATH]\n\n"
			 "Roles: admin, officer (emulation board), reporter (of a unit), council, viewer;\n"
			 "each is granted on a unit and covers its subtree. A user may hold up to %d roles:\n"
			 "grant adds one, revoke removes one but never the last (disable the account instead).\n"
			 "A login has 1 to %d characters: letters a-z, digits and . _ - @, no spaces; logins\n"
			 "are the same in any case (T1 is t1) and new ones are stored lower-cased.\n"
			 "passwd and disable end the user's browser sessions and revoke their API tokens;\n"
			 "enable lets a disabled user log in again (with the same password).\n"
			 "--password-file - reads stdin. The e-mail (optional) receives the task reminders\n"
			 "of the units the user reports for. Every change is in the audit log.\n"
			 "Exit status: 0 done (or nothing to do: \"... already\"), 1 refused or failed, 2 usage.\n",
			 AUTH_MAX_ROLES, USERS_LOGIN_MAX);
}

int cmd_user(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--login", "--role", "--unit", "--password-file", "--name", "--email", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return user_usage(0);
	const char *sub = a.npos ? a.pos[0] : NULL;
	const char *email = arg(&a, "--email", NULL);
	if (a.help || !sub || a.npos > 1) return user_usage(a.help);
	static const char *const subs[] = { "add", "passwd", "email", "grant", "revoke", "list", "disable", "enable", NULL };
	int known_sub = 0;
	for (int i = 0; subs[i]; i++) known_sub |= !strcmp(sub, subs[i]);
	if (!known_sub) {
		fprintf(stderr, "unknown user command '%s'\n", sub);
		return user_usage(0);
	}
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	const char *login = arg(&a, "--login", NULL);
	int rc = 0;
	char pw[256], found[512];
	pw[0] = 0;
	if (email && *email && !users_email_valid(email)) {
		fprintf(stderr, "--email: '%s' is not an e-mail address\n", email);
		rc = 2;
	} else if (!strcmp(sub, "add")) {
		const char *pf = arg(&a, "--password-file", NULL);
		int64_t id = 0;
		char stored[USERS_LOGIN_MAX + 1], why[300];
		if (!login || !arg(&a, "--role", NULL) || !arg(&a, "--unit", NULL) || !pf) {
			fprintf(stderr, "user add needs --login, --role, --unit and --password-file\n");
			rc = 2;
		} else if (users_login_check(login, stored, why, sizeof why) != 0) {
			fprintf(stderr, "%s\n", why);
			rc = 1;
		} else if (read_password_file(pf, pw, sizeof pw) != 0 ||
			   (id = user_create(db, stored, arg(&a, "--name", NULL), pw, arg(&a, "--role", NULL), arg(&a, "--unit", NULL))) < 0) {
			rc = 1;
		} else if (email && *email && users_set_email(db, cli_user(), id, email) != E_OK) {
			fprintf(stderr, "added %s, but not their e-mail\n", stored);
			rc = 1;
		} else {
			printf("added %s\n", stored);
		}
	} else if (!strcmp(sub, "email")) {
		int64_t id = 0;
		if (user_lookup(db, login, &id, found, sizeof found) != 0) {
			rc = 1;
		} else if ((login = found), users_set_email(db, cli_user(), id, email) != E_OK) {
			fprintf(stderr, "the e-mail of %s could not be set\n", login);
			rc = 1;
		} else if (email && *email)
			printf("e-mail of %s: %s\n", login, email);
		else
			printf("e-mail of %s removed\n", login);
	} else if (!strcmp(sub, "grant") || !strcmp(sub, "revoke")) {
		int64_t id = 0;
		const char *role = arg(&a, "--role", NULL), *unit = arg(&a, "--unit", NULL);
		char err[300];
		int grant = !strcmp(sub, "grant");
		if (!login || !role || !unit) {
			fprintf(stderr, "user %s needs --login, --role and --unit\n", sub);
			rc = 2;
		} else if (user_lookup(db, login, &id, found, sizeof found) != 0) {
			rc = 1;
		} else {
			login = found;
			int r = grant ? users_grant(db, cli_user(), id, role, unit, err, sizeof err) : users_revoke(db, cli_user(), id, role, unit, err, sizeof err);
			if (r == E_OK) printf(grant ? "granted %s the role %s on %s\n" : "revoked the role %s on %s from %s\n", grant ? login : role,
					      grant ? role : unit, grant ? unit : login);
			else if (r == E_STATE && grant) printf("%s has the role %s on %s already\n", login, role, unit);
			else if (r == E_NOTFOUND) { fprintf(stderr, "%s does not have the role %s on %s\n", login, role, unit); rc = 1; }
			else if (r == E_FORBIDDEN) {
				fprintf(stderr, "cannot revoke admin from %s: the last active administrator (grant admin to another user first)\n", login);
				rc = 1;
			} else if (r == E_STATE) {
				fprintf(stderr, "the role %s on %s is the last of %s; a user keeps at least one (disable the account instead)\n", role, unit, login);
				rc = 1;
			} else { fprintf(stderr, "%s\n", err); rc = 1; }
		}
	} else if (!strcmp(sub, "passwd") || !strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		int64_t id = 0;
		if (user_lookup(db, login, &id, found, sizeof found) != 0) {
			rc = 1;
		} else if ((login = found), !strcmp(sub, "disable") || !strcmp(sub, "enable")) {
			int dis = !strcmp(sub, "disable");
			int r = dis ? users_disable(db, cli_user(), id, login) : users_enable(db, cli_user(), id, login);
			if (r == E_OK && dis) printf("disabled %s; their sessions and tokens are revoked\n", login);
			else if (r == E_OK) printf("enabled %s; they may log in again\n", login);
			else if (r == E_STATE) printf("%s is %s already\n", login, dis ? "disabled" : "enabled");
			else if (r == E_FORBIDDEN) {
				fprintf(stderr, "cannot disable %s: the last active administrator (grant admin to another user first)\n", login);
				rc = 1;
			}
			else { fprintf(stderr, "cannot %s %s: %s\n", sub, login, db_errmsg(db)); rc = 1; }
		} else {
			const char *pf = arg(&a, "--password-file", NULL);
			char why[300];
			if (pf) {
				if (read_password_file(pf, pw, sizeof pw) != 0) rc = 1;
				else if (password_quality(pw, login, why, sizeof why) != 0) { fprintf(stderr, "%s\n", why); rc = 1; }
			}
			else users_gen_password(pw, 17, login);
			char hash[128];
			if (!rc && password_hash(hash, pw) == 0) {
				rc = users_set_password(db, cli_user(), id, login, hash) == E_OK ? 0 : 1;
				if (rc) fprintf(stderr, "cannot set the password of %s: %s\n", login, db_errmsg(db));
				else if (pf) printf("password changed for %s; their sessions and tokens are revoked\n", login);
				else printf("%s password: %s\n(their sessions and tokens are revoked)\n", login, pw);
			}
		}
	} else if (!strcmp(sub, "list")) {
		struct stmt *st = db_query(db,
					   "SELECT u.login, u.full_name, u.active, r.role, un.code, u.email FROM users u "
					   "LEFT JOIN user_roles r ON r.user_id = u.id LEFT JOIN units un ON un.id = r.unit_id ORDER BY u.login, r.id",
					   "");
		printf("%-20s %-8s %-10s %-16s %-32s %s\n", "login", "active", "role", "unit", "email", "name");
		while (st && db_step(st) == DB_ROW)
			printf("%-20s %-8s %-10s %-16s %-32s %s\n", db_text(st, 0), db_int(st, 2) ? "yes" : "no", db_text(st, 3) ? db_text(st, 3) : "-",
			       db_text(st, 4) ? db_text(st, 4) : "-", db_text(st, 5) ? db_text(st, 5) : "-", db_text(st, 1));
		db_done(st);
	}
	sodium_memzero(pw, sizeof pw);
	db_close(db);
	return rc;
}

/* ---------------- the award catalogue's figures ---------------- */

/* thousandths as a decimal: 1500 "1.5", 300 "0.3", 10000 "10"; -1 "not loaded" */
static const char *permille_text(char *out, size_t n, int64_t v)
{
	if (v < 0) { snprintf(out, n, "not loaded"); return out; }
	snprintf(out, n, "%lld.%03lld", (long long)(v / 1000), (long long)(v % 1000));
	size_t k = strlen(out);
	while (out[k - 1] == '0') out[--k] = 0;
	if (out[k - 1] == '.') out[--k] = 0;
	return out;
}

static int award_usage(int help)
{
	return cli_usage(help, "usage: thidua award list [--db PATH]\n"
			 "       thidua award multiple --award CODE (--multiple X | --person X | --collective X) [--basis TEXT] [--db PATH]\n\n"
			 "The bonus of an award is a multiple of the base salary in force on the decision's date\n"
			 "(thidua base-salary). list prints each award's multiples for a person and a collective\n"
			 "and their legal basis (\"not loaded\": decisions show the bonus as not loaded).\n"
			 "multiple sets them: --person X for a person (and a household), --collective X for a\n"
			 "collective, --multiple X for the one kind of subject the award has (an award given to\n"
			 "both takes --person and/or --collective). X is a decimal, '.' or ',' before at most\n"
			 "3 decimals, from 0 to %d (0.3, 1,5, 4.5). --basis names the decree and article it\n"
			 "comes from; it is required while the basis says \"chưa nạp\" (not loaded), else kept.\n"
			 "Decisions issued before keep their amounts; the change is in the audit log.\n"
			 "Exit status: 0 done (or the award has these figures already), 1 refused, 2 usage.\n",
			 AWARD_MULTIPLE_MAX / 1000);
}

int cmd_award(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--award", "--multiple", "--person", "--collective", "--basis", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return award_usage(0);
	const char *sub = a.npos ? a.pos[0] : NULL;
	if (a.help || a.npos != 1 || (strcmp(sub, "list") && strcmp(sub, "multiple"))) return award_usage(a.help);
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	struct arena ar;
	arena_init(&ar);
	int rc = 0;
	char p1[32], p2[32];
	if (!strcmp(sub, "list")) {
		struct award *items;
		int n;
		if (awards_list(db, &ar, "vi", &items, &n) != E_OK) { fprintf(stderr, "cannot read the awards: %s\n", db_errmsg(db)); rc = 1; }
		else {
			printf("%-16s %-10s %-12s %-12s %s\n", "award", "subjects", "person", "collective", "basis");
			for (int i = 0; i < n; i++)
				printf("%-16s %-10s %-12s %-12s %s\n", items[i].code, items[i].subjects, permille_text(p1, sizeof p1, items[i].bonus_person),
				       permille_text(p2, sizeof p2, items[i].bonus_collective), items[i].bonus_basis ? items[i].bonus_basis : "-");
		}
	} else {
		const char *code = arg(&a, "--award", NULL), *mul = arg(&a, "--multiple", NULL), *per = arg(&a, "--person", NULL),
			   *col = arg(&a, "--collective", NULL);
		struct award *x = NULL;
		const char *bad = NULL;
		int64_t vp = -1, vc = -1, vm = -1;
		char err[400];
		if (!code || (!mul && !per && !col) || (mul && (per || col))) {
			fprintf(stderr, "award multiple needs --award and --multiple, or --person and/or --collective\n");
			rc = 2;
		} else if (awards_get_code(db, &ar, code, "vi", &x) != E_OK) {
			fprintf(stderr, "no award has the code '%s'\n", code);
			rc = 1;
		} else if ((mul && award_multiple_parse(mul, &vm) != 0 && (bad = mul)) || (per && award_multiple_parse(per, &vp) != 0 && (bad = per)) ||
			   (col && award_multiple_parse(col, &vc) != 0 && (bad = col))) {
			fprintf(stderr, "'%s' is not a multiple: a decimal from 0 to %d with at most 3 decimals (0.3, 1,5)\n", bad, AWARD_MULTIPLE_MAX / 1000);
			rc = 1;
		} else if (mul && !strcmp(x->subjects, "both")) {
			fprintf(stderr, "%s is given to persons and collectives: use --person and/or --collective\n", x->code);
			rc = 1;
		} else {
			if (mul && !strcmp(x->subjects, "collective")) vc = vm;
			else if (mul) vp = vm;
			int r = award_set_multiple(db, cli_user(), x->code, vp, vc, arg(&a, "--basis", NULL), err, sizeof err);
			struct award *now = NULL;
			if (r == E_STATE) printf("%s has these figures already\n", x->code);
			else if (r != E_OK) { fprintf(stderr, "%s\n", *err ? err : db_errmsg(db)); rc = 1; }
			if ((r == E_OK || r == E_STATE) && awards_get_code(db, &ar, x->code, "vi", &now) == E_OK)
				printf("%s: person %s, collective %s (× the base salary); basis: %s\n", now->code, permille_text(p1, sizeof p1, now->bonus_person),
				       permille_text(p2, sizeof p2, now->bonus_collective), now->bonus_basis ? now->bonus_basis : "-");
		}
	}
	arena_free(&ar);
	db_close(db);
	return rc;
}

/* whole VND as typed: 2340000, or grouped by thousands with one separator ('.', ',' or a space): 2.340.000 */
static int vnd_parse(const char *s, int64_t *out)
{
	char digits[32];
	size_t n = 0, group = 0;
	char sep = 0;
	int grouped = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof digits) return -1;
			digits[n++] = *p;
			group++;
		} else if (*p == '.' || *p == ',' || *p == ' ') {
			if (!n || (sep && *p != sep) || (grouped && group != 3) || (!grouped && group > 3)) return -1;
			sep = *p;
			grouped = 1;
			group = 0;
		} else
			return -1;
	}
	if (!n || (grouped && group != 3)) return -1;
	digits[n] = 0;
	return parse_int(digits, out);
}

static int base_salary_usage(int help)
{
	return cli_usage(help, "usage: thidua base-salary list [--db PATH]\n"
			 "       thidua base-salary add --amount VND --from DATE --basis TEXT [--db PATH]\n\n"
			 "The base salary (mức lương cơ sở) is dated: the one in force on a decision's date is the\n"
			 "base of its bonuses. add records a new one from DATE (dd/mm/yyyy or YYYY-MM-DD): whole VND\n"
			 "from %d to %d (2340000 or 2.340.000), with the decree that sets it (--basis,\n"
			 "e.g. \"Nghị định 73/2024/NĐ-CP\"). A date that has one already is refused. Decisions\n"
			 "issued before keep their amounts; the change is in the audit log.\n",
			 BASE_SALARY_MIN, BASE_SALARY_MAX);
}

int cmd_base_salary(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--amount", "--from", "--basis", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return base_salary_usage(0);
	const char *sub = a.npos ? a.pos[0] : NULL;
	if (a.help || a.npos != 1 || (strcmp(sub, "list") && strcmp(sub, "add"))) return base_salary_usage(a.help);
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	struct arena ar;
	arena_init(&ar);
	int rc = 0;
	if (!strcmp(sub, "list")) {
		struct stmt *st = db_query(db, "SELECT valid_from, amount, legal_basis FROM base_salaries ORDER BY valid_from", "");
		printf("%-12s %12s  %s\n", "from", "amount", "basis");
		while (st && db_step(st) == DB_ROW) printf("%-12s %12lld  %s\n", db_text(st, 0), (long long)db_int(st, 1), db_text(st, 2));
		if (!st) { fprintf(stderr, "cannot read the base salaries: %s\n", db_errmsg(db)); rc = 1; }
		db_done(st);
	} else {
		const char *amount = arg(&a, "--amount", NULL), *from = arg(&a, "--from", NULL), *basis = arg(&a, "--basis", NULL);
		const char *day = from ? date_from_user(&ar, from) : NULL;
		int64_t vnd = 0;
		char err[400];
		if (!amount || !from || !basis) {
			fprintf(stderr, "base-salary add needs --amount, --from and --basis\n");
			rc = 2;
		} else if (vnd_parse(amount, &vnd) != 0 || vnd < BASE_SALARY_MIN || vnd > BASE_SALARY_MAX) {
			fprintf(stderr, "--amount: '%s' is not whole VND from %d to %d\n", amount, BASE_SALARY_MIN, BASE_SALARY_MAX);
			rc = 1;
		} else if (!day) {
			fprintf(stderr, "--from: '%s' is not a date (dd/mm/yyyy or YYYY-MM-DD)\n", from);
			rc = 1;
		} else if (base_salary_add(db, cli_user(), day, vnd, basis, err, sizeof err) != E_OK) {
			fprintf(stderr, "%s\n", err);
			rc = 1;
		} else {
			printf("base salary from %s: %lld VND (%s)\n", day, (long long)vnd, basis);
		}
	}
	arena_free(&ar);
	db_close(db);
	return rc;
}

/* ---------------- import, export, backup, audit ---------------- */

static int import_usage(int help)
{
	return cli_usage(help, "usage: thidua import units|people|achievements FILE [--db PATH]\n"
			 "       thidua import registrations|models|results FILE --movement CODE [--db PATH]\n\n"
			 "FILE is an XLSX workbook (its first worksheet is read) or a UTF-8 CSV, with or\n"
			 "without BOM, separated by commas or semicolons; the content decides, not the name.\n"
			 "The first row names the columns, in any order:\n"
			 "units:  code,name,kind,parent_code,active\n"
			 "people: code,full_name,gender,birth_year,unit_code,position,active\n"
			 "achievements: person_code|unit_code,year,kind,value[,decision_no,decided_on,\n"
			 "         authority,on_date,note] (kind: rating, title, initiative, discipline;\n"
			 "         value: excellent|good|completed|not_completed, an award code such as\n"
			 "         CSTDCS, grassroots|province|national, reprimand|warning|demotion|dismissal;\n"
			 "         dates dd/mm/yyyy or YYYY-MM-DD). Records are added, never matched.\n"
			 "registrations: unit_code[,pledge,planned_models,registered_on,commit_METRIC...]\n"
			 "models: code,unit_code,title,field[,owner_unit_code,description,started_on]\n"
			 "results: model_code,reported_on,metric,value[,note] (rows of one model, date\n"
			 "         and note form one progress report)\n"
			 "A file is imported whole or not at all: every rejected line is reported with its\n"
			 "line number (the worksheet row number in XLSX). Units and people: a code may appear\n"
			 "once in a file, and a CSV line has as many fields as the header. Existing records\n"
			 "are matched by code and updated, so importing the same file again changes nothing.\n"
			 "A people line without a code matches the one person without a code of its unit\n"
			 "with its full name and birth year (none or several: refused; a new person needs a code).\n"
			 "On success one line says what was added, updated and unchanged; a people\n"
			 "import also says on standard error where its time went (\"time ...\").\n");
}

int cmd_import(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--movement", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return import_usage(0);
	int mv_kind = a.npos == 2 && (!strcmp(a.pos[0], "models") || !strcmp(a.pos[0], "results") || !strcmp(a.pos[0], "registrations"));
	if (a.help || a.npos != 2 || (strcmp(a.pos[0], "units") && strcmp(a.pos[0], "people") && strcmp(a.pos[0], "achievements") && !mv_kind) ||
	    (mv_kind && !arg(&a, "--movement", NULL))) return import_usage(a.help);
	FILE *f = fopen(a.pos[1], "rb");
	if (!f) { fprintf(stderr, "cannot open %s: %s\n", a.pos[1], strerror(errno)); return 1; }
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) { fclose(f); return 1; }
	struct import_report rep = { 0 };
	rep.errors = stderr;
	rep.progress = isatty(2);
	db_bulk_mode(db);
	int rc;
	if (mv_kind) {
		int64_t mid = 0;
		if (movements_find_code(db, arg(&a, "--movement", ""), &mid) != E_OK) {
			fprintf(stderr, "no movement has the code %s\n", arg(&a, "--movement", ""));
			fclose(f);
			db_close(db);
			return 1;
		}
		rc = !strcmp(a.pos[0], "models")    ? movement_import_models(db, cli_user(), mid, f, &rep)
		     : !strcmp(a.pos[0], "results") ? movement_import_results(db, cli_user(), mid, f, &rep)
						    : movement_import_registrations(db, cli_user(), mid, f, &rep);
	} else {
		rc = !strcmp(a.pos[0], "units")	 ? units_import(db, cli_user(), f, &rep)
		     : !strcmp(a.pos[0], "people") ? people_import(db, cli_user(), f, &rep)
						   : achievements_import(db, cli_user(), f, &rep);
	}
	fclose(f);
	db_close(db);
	if (rc == E_OK) {
		if (rep.timing[0]) fprintf(stderr, "time %s\n", rep.timing);
		printf("%s: %d lines: %d added, %d updated, %d unchanged\n", a.pos[1], rep.lines, rep.inserted, rep.updated, rep.unchanged);
		return 0;
	}
	fprintf(stderr, "%s: nothing imported: %d of %d lines rejected\n", a.pos[1], rep.rejected, rep.lines);
	return 1;
}

static int export_usage(int help)
{
	return cli_usage(help, "usage: thidua export units|people [--format csv|xlsx] [--lang vi|en|hi] [--out FILE] [--db PATH]\n"
			 "       thidua export registrations|models|results|template --movement CODE [--format csv|xlsx] [--lang vi|en|hi] [--out FILE] [--db PATH]\n\n"
			 "Writes to standard output unless --out is given. The column headers are in the language of\n"
			 "--lang (Vietnamese by default); imports read the headers of every language and the column\n"
			 "codes, so both formats re-import unchanged.\n");
}

int cmd_export(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--format", "--out", "--movement", "--lang", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return export_usage(0);
	const char *format = arg(&a, "--format", "csv");
	const char *lang = arg(&a, "--lang", LANG_DEFAULT);
	int mv_kind = a.npos == 1 && (!strcmp(a.pos[0], "registrations") || !strcmp(a.pos[0], "models") || !strcmp(a.pos[0], "results") ||
				      !strcmp(a.pos[0], "template"));
	if (a.help || a.npos != 1 || (strcmp(a.pos[0], "units") && strcmp(a.pos[0], "people") && !mv_kind) || !sheet_format_valid(format) ||
	    (mv_kind && !arg(&a, "--movement", NULL)) || !i18n_known(lang)) return export_usage(a.help);
	const char *outp = arg(&a, "--out", NULL);
	if (!outp && !strcmp(format, "xlsx") && isatty(1)) { fprintf(stderr, "refusing to write XLSX to a terminal; use --out FILE\n"); return 2; }
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	FILE *out = outp ? fopen(outp, "wb") : stdout;
	if (!out) { fprintf(stderr, "cannot write %s: %s\n", outp, strerror(errno)); db_close(db); return 1; }
	int rc;
	if (mv_kind) {
		struct arena ar;
		arena_init(&ar);
		int64_t mid = 0;
		struct movement *m;
		rc = movements_find_code(db, arg(&a, "--movement", ""), &mid);
		if (rc == E_OK) rc = movements_get(db, &ar, mid, &m);
		if (rc == E_OK) rc = movement_export(db, m, a.pos[0], out, format, lang);
		else fprintf(stderr, "no movement has the code %s\n", arg(&a, "--movement", ""));
		arena_free(&ar);
	} else {
		rc = !strcmp(a.pos[0], "units") ? units_export(db, out, format, lang) : people_export(db, out, format, NULL, lang);
	}
	if (outp && fclose(out) != 0) rc = E_DB;
	db_close(db);
	if (rc != E_OK) { fprintf(stderr, "export failed\n"); return 1; }
	return 0;
}

static int backup_usage(int help)
{
	return cli_usage(help, "usage: thidua backup DEST [--db PATH]\n\n"
			 "Copies the database to DEST (a new file) while the server keeps running; the copy\n"
			 "is one consistent snapshot.\n");
}

int cmd_backup(int argc, char **argv)
{
	static const char *const known[] = { "--db", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return backup_usage(0);
	if (a.help || a.npos != 1) return backup_usage(a.help);
	if (access(a.pos[0], F_OK) == 0) { fprintf(stderr, "%s exists already; choose a new file\n", a.pos[0]); return 1; }
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	int rc = db_backup(db, a.pos[0]);
	if (rc != DB_OK) fprintf(stderr, "%s\n", db_errmsg(db));
	else printf("backup written to %s\n", a.pos[0]);
	db_close(db);
	return rc == DB_OK ? 0 : 1;
}

static int audit_usage(int help)
{
	return cli_usage(help, "usage: thidua audit verify [--db PATH]\n\n"
			 "Recomputes the hash chain of the audit log and names every row that was changed,\n"
			 "deleted or added outside thidua. Exit status 0 when the log is intact.\n");
}

int cmd_audit(int argc, char **argv)
{
	static const char *const known[] = { "--db", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return audit_usage(0);
	if (a.help || a.npos != 1 || strcmp(a.pos[0], "verify")) return audit_usage(a.help);
	struct db *db;
	if (cli_open_db(arg(&a, "--db", DEFAULT_DB), &db, 0) != 0) return 1;
	int64_t rows = 0;
	int problems = audit_verify(db, stdout, &rows);
	db_close(db);
	if (problems) { printf("audit log: %d problem%s in %lld rows\n", problems, problems == 1 ? "" : "s", (long long)rows); return 1; }
	printf("audit log intact: %lld rows\n", (long long)rows);
	return 0;
}
