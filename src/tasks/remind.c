/* Reminders (tasks.h): each day, for every lead unit with tasks overdue or
** due within a few days, one message — kept in task_reminders (the unit's
** home page lists the same tasks) and written as an RFC 5322 file to an
** outbox directory for an operator to send, so no mail server is needed.
** One message per unit and day: running it again the same day adds nothing
** (UNIQUE (unit_id, sent_on)), so `serve` may call it every hour and several
** servers may share a database. A unit's message goes to the users who
** report on its tasks (the task-report permission on the unit or above it)
** and have an e-mail; when none has, to UNITCODE@thidua.invalid, which the
** message's X-Thidua-Recipients header and the log say. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/jobs.h"
#include "../base/log.h"
#include "../base/util.h"
#include "../units/units.h"
#include "../web/roles.h"
#include "tasks_int.h"

#define REMIND_MAX_LISTED 200   /* tasks listed per section of a message; the count is exact */

/* an RFC 2047 encoded word for a header: =?UTF-8?B?...?= */
static void encoded_word(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	int ascii = 1;
	for (size_t i = 0; i < n; i++) ascii &= (unsigned char)s[i] >= 32 && (unsigned char)s[i] < 127 && s[i] != '"' && s[i] != '=';
	if (ascii) { buf_raw(b, s); return; }
	/* 45 bytes a word (60 characters of base64), split on UTF-8 boundaries, folded */
	size_t at = 0;
	while (at < n) {
		size_t k = n - at > 45 ? 45 : n - at;
		while (at + k < n && ((unsigned char)s[at + k] & 0xC0) == 0x80) k--;
		char out[128];
		sodium_bin2base64(out, sizeof out, (const unsigned char *)s + at, k, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", at ? "\r\n " : "", out);
		at += k;
	}
}

/* one line of text, at most max bytes (whole UTF-8 characters), no line breaks */
static void line_text(struct buf *b, const char *s, size_t max)
{
	size_t n = 0;
	for (const char *p = s; p && *p && n < max; p++, n++) {
		if (n + 4 >= max && ((unsigned char)*p & 0xC0) != 0x80) { buf_raw(b, "…"); return; }
		buf_char(b, *p == '\r' || *p == '\n' || *p == '\t' ? ' ' : *p);
	}
}

static void date_vi(struct buf *b, const char *iso) { fmt_date(b, "vi", iso); }

/* the Date header of a message dated `day` at 07:00 office time */
static void date_header(struct buf *b, const char *day)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(day) - 1900;
	tm.tm_mon = atoi(day + 5) - 1;
	tm.tm_mday = atoi(day + 8);
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	int off = i18n_tz_minutes;
	buf_printf(b, "Date: %s, %02d %s %04d 07:00:00 %c%02d%02d\r\n", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
		   off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
}

static void section(struct buf *b, const char *title, const struct task *items, int n, int64_t total, int overdue)
{
	buf_printf(b, "%s (%lld):\r\n", title, (long long)total);
	for (int i = 0; i < n; i++) {
		const struct task *t = &items[i];
		buf_raw(b, "- ");
		buf_raw(b, t->code);
		buf_raw(b, " — ");
		line_text(b, t->title, 600);
		buf_printf(b, " (%s) — hạn ", t->programme_code);
		date_vi(b, t->due_at);
		if (overdue) buf_printf(b, ", quá hạn %lld ngày", (long long)t->days_late);
		buf_raw(b, "\r\n");
	}
	if (total > n) buf_printf(b, "… và %lld nhiệm vụ khác\r\n", (long long)(total - n));
	buf_raw(b, "\r\n");
}

/* whom a unit's reminder goes to: the active users with an e-mail who
** report on its tasks (PERM_TASK_REPORT on the unit or an ancestor, as
** role_can decides), by address */
struct recipient {
	const char *name, *email;
};
#define REMIND_MAX_RECIPIENTS 50

static int recipients(struct db *db, struct arena *a, int64_t unit_id, struct recipient *out, int *n)
{
	*n = 0;
	char path[UNIT_PATH_MAX];
	if (units_path(db, unit_id, path, sizeof path) != E_OK) return E_DB;
	/* the candidates: a role on the unit or above it; role_can then says whether the role reports */
	struct stmt *st = db_query(db,
				   "SELECT DISTINCT u.id, u.email FROM users u JOIN user_roles r ON r.user_id = u.id JOIN units ru ON ru.id = r.unit_id "
				   "WHERE u.active = 1 AND u.email IS NOT NULL AND u.email <> '' AND substr($1, 1, length(ru.path)) = ru.path "
				   "ORDER BY u.email, u.id",
				   "t", path);
	if (!st) return E_DB;
	int64_t ids[REMIND_MAX_RECIPIENTS];
	const char *emails[REMIND_MAX_RECIPIENTS];
	int k = 0;
	while (k < REMIND_MAX_RECIPIENTS && db_step(st) == DB_ROW) {
		ids[k] = db_int(st, 0);
		emails[k++] = arena_strdup(a, db_text(st, 1));
	}
	db_done(st);
	for (int i = 0; i < k; i++) {
		struct user *u;
		if (role_load_user(db, a, ids[i], &u) != 0 || !role_can(u, PERM_TASK_REPORT, path)) continue;
		out[(*n)++] = (struct recipient){ u->full_name, emails[i] };
	}
	return E_OK;
}

/* the message of one unit: headers and body, CRLF line ends; to its
** recipients, or (none has an e-mail) to the unit's placeholder address */
static void message(struct buf *b, const char *today, const char *code, const char *name, int days, const struct task *od, int nod,
		    int64_t tod, const struct task *soon, int nsoon, int64_t tsoon, const struct recipient *to, int nto)
{
	char addr[80];
	size_t k = 0;
	for (const char *p = code; *p && k + 1 < 40; p++) addr[k++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
	addr[k] = 0;
	buf_raw(b, "From: thidua <thidua@localhost>\r\nTo: ");
	if (!nto) {
		encoded_word(b, name);
		buf_printf(b, " <%s@thidua.invalid>\r\n", addr);
		buf_raw(b, "X-Thidua-Recipients: none (no user who reports for the unit has an e-mail; map this address to the unit's mailbox)\r\n");
	} else {
		for (int i = 0; i < nto; i++) {
			if (i) buf_raw(b, ",\r\n ");
			encoded_word(b, to[i].name);
			buf_printf(b, " <%s>", to[i].email);
		}
		buf_raw(b, "\r\n");
	}
	buf_raw(b, "Subject: ");
	char *subject = NULL;
	if (asprintf(&subject, "Nhắc việc %s: %lld nhiệm vụ quá hạn, %lld nhiệm vụ đến hạn trong %d ngày", today, (long long)tod,
		     (long long)tsoon, days) < 0)
		subject = NULL;
	encoded_word(b, subject ? subject : "Nhắc việc");
	free(subject);
	buf_raw(b, "\r\n");
	date_header(b, today);
	buf_printf(b, "Message-ID: <remind-%s-%s@thidua>\r\n", today, addr);
	buf_raw(b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
	buf_raw(b, "Kính gửi: ");
	line_text(b, name, 400);
	buf_raw(b, "\r\n\r\nTình hình các nhiệm vụ đơn vị chủ trì, đến ngày ");
	date_vi(b, today);
	buf_raw(b, ":\r\n\r\n");
	if (tod) section(b, "Nhiệm vụ quá hạn", od, nod, tod, 1);
	char title[80];
	snprintf(title, sizeof title, "Nhiệm vụ đến hạn trong %d ngày tới", days);
	if (tsoon) section(b, title, soon, nsoon, tsoon, 0);
	buf_raw(b, "Đề nghị đơn vị cập nhật tiến độ, báo cáo hoàn thành kèm minh chứng trên hệ thống thidua.\r\n");
}

/* writes the message to dir/<day>-<code>.eml (a new file; an existing one is left) */
static int write_file(const char *dir, const char *today, const char *code, struct buf *msg)
{
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) return -1;
	char path[1200];
	snprintf(path, sizeof path, "%s/%s-%s.eml", dir, today, code);
	FILE *f = fopen(path, "wx");
	if (!f) return errno == EEXIST ? 0 : -1;
	const char *text = buf_cstr(msg);
	int ok = fwrite(text, 1, strlen(text), f) == strlen(text);
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* the reminders kept today, by unit: read once, not asked unit by unit
** (serve checks every hour; 60 000 units reminded in the morning were
** 60 000 statements at each later check) */
struct sent {
	int64_t unit_id;
	int64_t due_soon, overdue;
};

static int sent_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct sent *)a)->unit_id, y = ((const struct sent *)b)->unit_id;
	return x < y ? -1 : x > y;
}

static int sent_today(struct db *db, struct arena *a, const char *today, struct sent **out, int *n)
{
	int64_t count = 0;
	*n = 0;
	*out = NULL;
	if (db_int1(db, &count, "SELECT count(*) FROM task_reminders WHERE sent_on = $1", "t", today) != DB_ROW) return E_DB;
	if (!count) return E_OK;
	*out = arena_alloc(a, sizeof **out * (size_t)count);
	struct stmt *st = db_query(db, "SELECT unit_id, due_soon, overdue FROM task_reminders WHERE sent_on = $1", "t", today);
	int s = DB_DONE;
	while (st && *n < count && (s = db_step(st)) == DB_ROW) (*out)[(*n)++] = (struct sent){ db_int(st, 0), db_int(st, 1), db_int(st, 2) };
	db_done(st);
	if (!st || (s != DB_ROW && s != DB_DONE)) return E_DB;
	qsort(*out, (size_t)*n, sizeof **out, sent_cmp);
	return E_OK;
}

/* one unit's reminder, unless it had one today (sent) */
static int remind_unit(struct db *db, const char *today, const char *until, int days, const char *dir, const struct unit_counts *u,
		       const struct sent *sent, int nsent, struct remind_report *rep)
{
	/* already reminded today: its counts as then, nothing made */
	struct sent key = { .unit_id = u->unit_id };
	const struct sent *had = nsent ? bsearch(&key, sent, (size_t)nsent, sizeof *sent, sent_cmp) : NULL;
	if (had) {
		rep->units++;
		rep->due_soon += (int)had->due_soon;
		rep->overdue += (int)had->overdue;
		return E_OK;
	}
	struct arena a;
	arena_init(&a);
	struct task_query q = { .as_of = today, .lead_id = u->unit_id, .status = TS_OVERDUE, .sort = "due", .limit = REMIND_MAX_LISTED };
	struct task *od = NULL, *soon = NULL;
	int nod = 0, nsoon = 0;
	int64_t tod = 0, tsoon = 0;
	int rc = tasks_list(db, &a, &q, &od, &nod, &tod);
	q.status = TS_NONE;
	q.due_until = until;
	if (rc == E_OK) rc = tasks_list(db, &a, &q, &soon, &nsoon, &tsoon);
	if (rc != E_OK || (!tod && !tsoon)) { arena_free(&a); return rc; }
	struct recipient to[REMIND_MAX_RECIPIENTS];
	int nto = 0;
	if ((rc = recipients(db, &a, u->unit_id, to, &nto)) != E_OK) { arena_free(&a); return rc; }
	struct buf msg;
	buf_init(&msg);
	message(&msg, today, u->code, u->name, days, od, nod, tod, soon, nsoon, tsoon, to, nto);
	char now[21];
	now_iso(now);
	rc = db_tx_begin(db);
	if (rc == E_OK) {
		if (db_exec(db,
			    "INSERT INTO task_reminders (unit_id, sent_on, due_soon, overdue, message, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
			    "ON CONFLICT (unit_id, sent_on) DO NOTHING",
			    "itiitt", u->unit_id, today, tsoon, tod, buf_cstr(&msg), now) != DB_OK)
			rc = E_DB;
		int made = rc == E_OK && db_changes(db) == 1;
		rc = db_tx_end(db, rc);
		if (rc == E_OK && made) {
			rep->messages++;
			if (!nto) {
				rep->placeholders++;
				log_info("remind: %s: no user who reports for the unit has an e-mail; the reminder goes to its placeholder address",
					 u->code);
			}
			if (dir && write_file(dir, today, u->code, &msg) != 0) log_info("remind: %s/%s-%s.eml not written", dir, today, u->code);
		}
	}
	rep->units++;
	rep->overdue += (int)tod;
	rep->due_soon += (int)tsoon;
	buf_free(&msg);
	arena_free(&a);
	return rc;
}

int tasks_remind(struct db *db, const char *today, int days, const char *dir, struct remind_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct arena a;
	arena_init(&a);
	char until[11];
	task_date_add(today, days, until);
	/* the lead units with anything to say: overdue, or not done and due soon */
	struct task_query q = { .as_of = today, .status = TS_OVERDUE };
	struct unit_counts *od, *soon;
	int nod = 0, nsoon = 0;
	int rc = tasks_counts_by_unit(db, &a, &q, &od, &nod);
	q.status = TS_NONE;
	q.due_until = until;
	if (rc == E_OK) rc = tasks_counts_by_unit(db, &a, &q, &soon, &nsoon);
	struct sent *sent = NULL;
	int nsent = 0;
	if (rc == E_OK) rc = sent_today(db, &a, today, &sent, &nsent);
	for (int i = 0; rc == E_OK && i < nod; i++) rc = remind_unit(db, today, until, days, dir, &od[i], sent, nsent, rep);
	/* a unit with overdue tasks was reminded above: found in their ids, sorted */
	struct sent *ods = arena_alloc(&a, sizeof *ods * (size_t)(nod ? nod : 1));
	for (int i = 0; i < nod; i++) ods[i] = (struct sent){ .unit_id = od[i].unit_id };
	qsort(ods, (size_t)nod, sizeof *ods, sent_cmp);
	for (int i = 0; rc == E_OK && i < nsoon; i++) {
		struct sent key = { .unit_id = soon[i].unit_id };
		if (!nod || !bsearch(&key, ods, (size_t)nod, sizeof *ods, sent_cmp))
			rc = remind_unit(db, today, until, days, dir, &soon[i], sent, nsent, rep);
	}
	arena_free(&a);
	return rc;
}

/* ---- inside serve: once a day, checked every hour ---- */

static const char *outbox_dir;

static void remind_daily(struct db *db)
{
	char today[11];
	today_iso(today);
	struct remind_report rep;
	if (tasks_remind(db, today, TASKS_REMIND_DAYS, outbox_dir, &rep) != E_OK) log_info("remind: not done this time");
	else if (rep.messages) log_info("remind: %d messages for %d units", rep.messages, rep.units);
}

void tasks_jobs_register(const char *outbox)
{
	outbox_dir = outbox;
	jobs_every(3600, remind_daily);
}

/* ---- thidua remind ---- */

#include "../cli/cli.h"

static int remind_usage(int help)
{
	return cli_usage(help,
			 "usage: thidua remind [--db PATH] [--outbox DIR] [--days N] [--date YYYY-MM-DD]\n\n"
			 "For every lead unit with tasks overdue or due within N days (default %d) on the date\n"
			 "(default: today on the office's clock), keeps one reminder a day (the unit's home page shows\n"
			 "the same tasks) and writes it as an e-mail (RFC 5322, UTF-8) to DIR/DATE-UNITCODE.eml for an\n"
			 "operator to send (default DIR: PATH.outbox next to a SQLite database; none on PostgreSQL).\n"
			 "Running it again the same day adds nothing. `serve` does the same every day by itself.\n",
			 TASKS_REMIND_DAYS);
}

int cmd_remind(int argc, char **argv)
{
	static const char *const known[] = { "--db", "--outbox", "--days", "--date", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return remind_usage(0);
	if (a.help || a.npos) return remind_usage(a.help);
	const char *path = arg(&a, "--db", "thidua.db");
	int64_t days = TASKS_REMIND_DAYS;
	if (parse_int(arg(&a, "--days", "7"), &days) != 0 || days < 0 || days > 366) { fprintf(stderr, "--days must be 0 to 366\n"); return 2; }
	char today[11];
	today_iso(today);
	const char *date = arg(&a, "--date", today);
	if (!date_valid(date)) { fprintf(stderr, "--date must be YYYY-MM-DD\n"); return 2; }
	char dflt[1100];
	snprintf(dflt, sizeof dflt, "%s.outbox", path);
	const char *dir = arg(&a, "--outbox", db_is_postgres(path) ? NULL : dflt);
	struct db *db;
	if (cli_open_db(path, &db, 0) != 0) return 1;
	struct remind_report rep;
	int rc = tasks_remind(db, date, (int)days, dir, &rep);
	db_close(db);
	if (rc != E_OK) { fprintf(stderr, "the reminders could not be made\n"); return 1; }
	printf("reminders %s: %d units, %d overdue, %d due within %lld days, %d new messages%s%s\n", date, rep.units, rep.overdue, rep.due_soon,
	       (long long)days, rep.messages, dir ? " in " : "", dir ? dir : "");
	if (rep.placeholders)
		printf("%d of them to a unit's placeholder address (UNITCODE@thidua.invalid): no user who reports for the unit has an e-mail\n",
		       rep.placeholders);
	return 0;
}
